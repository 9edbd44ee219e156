//! Decoding an attachment's payload on demand: base64, then deflate when `compression="DF"`.
//!
//! Payloads can be large (a scanned PDF is often several MB of base64): they are never
//! decoded while reading the document, only when a presenter asks for the bytes.

use std::io::Read;

use base64::Engine;

use crate::diag::Finding;
use crate::model::Attachment;
use crate::xml::Tree;

/// The attachment's bytes, at most `max_bytes` of them after decoding and inflating.
pub fn decode(tree: &Tree, attachment: &Attachment, max_bytes: usize) -> Result<Vec<u8>, Finding> {
    let raw = tree.source().get(attachment.content.range()).unwrap_or("");
    let bytes = match attachment.representation.as_deref() {
        Some("B64") => {
            let compact: Vec<u8> = raw.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
            if compact.len() / 4 * 3 > max_bytes.saturating_add(3) {
                return Err(too_large(attachment, max_bytes));
            }
            base64::engine::general_purpose::STANDARD
                .decode(&compact)
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&compact))
                .map_err(|e| {
                    Finding::error(
                        "attachment.base64",
                        attachment.content,
                        format!("the embedded file is not valid base64 ({e}): it cannot be shown"),
                    )
                })?
        }
        _ => crate::xml::tree::unescape(raw).trim().as_bytes().to_vec(),
    };
    match attachment.compression.as_deref() {
        None => Ok(bytes),
        Some("DF") => inflate(&bytes, attachment, max_bytes),
        Some(other) => Err(Finding::error(
            "attachment.compression",
            attachment.span,
            format!("the compression \"{other}\" is not supported (only DF, deflate)"),
        )),
    }
}

/// Inflates raw deflate (RFC 1951) or, as some producers write, zlib-wrapped data, stopping
/// at `max_bytes` so a deflate bomb cannot exhaust memory.
fn inflate(bytes: &[u8], attachment: &Attachment, max_bytes: usize) -> Result<Vec<u8>, Finding> {
    let zlib = bytes.len() >= 2
        && bytes[0] & 0x0F == 8
        && (u16::from(bytes[0]) << 8 | u16::from(bytes[1])) % 31 == 0;
    let mut out = Vec::new();
    let limit = max_bytes as u64 + 1;
    let result = if zlib {
        flate2::read::ZlibDecoder::new(bytes).take(limit).read_to_end(&mut out)
    } else {
        flate2::read::DeflateDecoder::new(bytes).take(limit).read_to_end(&mut out)
    };
    result.map_err(|e| {
        Finding::error(
            "attachment.deflate",
            attachment.content,
            format!("the embedded file is declared compressed (DF) but does not inflate: {e}"),
        )
    })?;
    if out.len() > max_bytes {
        return Err(too_large(attachment, max_bytes));
    }
    Ok(out)
}

fn too_large(attachment: &Attachment, max_bytes: usize) -> Finding {
    Finding::error(
        "limits.attachment-size",
        attachment.span,
        format!("the embedded file is larger than the {max_bytes}-byte limit: it is not decoded"),
    )
}
