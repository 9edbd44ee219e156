//! Unstructured documents (*CDA R2 niveau 1*, IHE XDS-SD): a CDA header around a
//! `nonXMLBody` that carries a file in base64 — a PDF as most French documents are, or plain
//! text compressed with deflate (`compression="DF"`), which readers must inflate.

use std::io::Write as _;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use flate2::write::DeflateEncoder;
use flate2::Compression;

use super::header::{self, Header};
use super::xml::XmlWriter;

/// XDS-SD, the template of a scanned or PDF document in a CDA envelope.
pub(crate) const XDS_SD_TEMPLATE: (&str, Option<&str>) = ("1.3.6.1.4.1.19376.1.2.20", None);

/// How the body's bytes are carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Packing {
    /// Base64, wrapped at 76 characters per line as MIME does (readers must ignore the
    /// whitespace).
    Base64Wrapped,
    /// Raw deflate (RFC 1951), then base64 on one line.
    DeflateBase64,
}

/// A level-1 document: `media_type` bytes wrapped in the header.
pub(crate) fn write_non_xml_document(
    header_fields: &Header,
    media_type: &str,
    content: &[u8],
    packing: Packing,
) -> String {
    let mut x = XmlWriter::with_capacity(content.len() * 2 + 16 * 1024);
    header::write_header(&mut x, header_fields);
    x.open("component", &[]);
    x.open("nonXMLBody", &[]);
    match packing {
        Packing::Base64Wrapped => {
            let encoded = STANDARD.encode(content);
            x.open("text", &[("mediaType", media_type), ("representation", "B64")]);
            for chunk in encoded.as_bytes().chunks(76) {
                x.chars(std::str::from_utf8(chunk).unwrap_or_default());
            }
            x.close();
        }
        Packing::DeflateBase64 => {
            let encoded = STANDARD.encode(deflate(content));
            x.text(
                "text",
                &[("mediaType", media_type), ("representation", "B64"), ("compression", "DF")],
                &encoded,
            );
        }
    }
    x.finish()
}

/// Raw deflate (no zlib header), which is what HL7's `DF` names.
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::DeflateDecoder;
    use std::io::Read as _;

    #[test]
    fn deflate_round_trips_through_a_raw_inflater() {
        let text = "Consultation de diabétologie — HbA1c 6,5 %\n".repeat(20);
        let packed = deflate(text.as_bytes());
        assert!(packed.len() < text.len());
        let mut inflated = String::new();
        DeflateDecoder::new(&packed[..]).read_to_string(&mut inflated).unwrap();
        assert_eq!(inflated, text);
    }
}
