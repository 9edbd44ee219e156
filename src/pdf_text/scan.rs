//! The raw scan: what the bytes say before any parser reads them.
//!
//! lopdf decompresses streams without a limit — object and cross-reference streams while
//! loading, content streams and form XObjects when pdf-extract draws a page — so a few
//! kilobytes of deflate (or LZW, or deflate of deflate) could ask for gigabytes. This scan
//! finds every `stream` keyword, reads the `/Filter` of its dictionary the way lopdf will
//! apply it (FlateDecode, LZWDecode and ASCII85Decode are the filters lopdf decodes; it stops
//! at any other), and runs the same decoders with a cap, counting bytes and keeping only the
//! intermediate layers of a chain. It reads the dictionary textually (from the object's
//! `obj` keyword to `stream`), which is what a cap needs: it can measure a stream twice or a
//! few bytes of a neighbour, never skip one.
//!
//! Encrypted PDFs are recognised here too (`/Encrypt` in the file), so that lopdf never
//! tries to decrypt them: their streams cannot be measured before decryption.

use std::io::Read;
use std::time::Instant;

use memchr::memmem;

use super::{Budget, PdfTextError};

/// How far before a `stream` keyword its dictionary is looked for: first close by, then
/// further (a dictionary can hold a long array).
const NEAR_WINDOW: usize = 4 << 10;
const DICTIONARY_WINDOW: usize = 64 << 10;
const CHUNK: usize = 64 << 10;

/// Whether the first kilobyte holds a `%PDF-` header (as lopdf and most viewers accept it:
/// anywhere near the start, after a stray byte-order mark or mail header).
pub(super) fn has_pdf_header(bytes: &[u8]) -> bool {
    memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some()
}

/// Whether the file declares encryption.
pub(super) fn is_encrypted(bytes: &[u8]) -> bool {
    memmem::find(bytes, b"/Encrypt").is_some()
}

/// Checks that no stream decompresses beyond the budget.
pub(super) fn check_streams(bytes: &[u8], budget: &Budget, deadline: Instant) -> Result<(), PdfTextError> {
    let per_stream = budget.max_inflated_bytes;
    let mut left_in_total = budget.max_inflated_bytes.saturating_mul(4);
    for keyword in memmem::find_iter(bytes, b"stream") {
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            continue;
        }
        if Instant::now() >= deadline {
            return Err(PdfTextError::TimedOut { budget: budget.time });
        }
        let Some(data_start) = data_start(bytes, keyword) else { continue };
        let dictionary = dictionary_before(bytes, keyword);
        let data = &bytes[data_start..data_end(bytes, data_start, dictionary)];
        let filters = filters(dictionary);
        let early_change = !contains_token(dictionary, b"/EarlyChange 0");

        let mut layer: Vec<u8>;
        let mut input = data;
        for (i, filter) in filters.iter().enumerate() {
            let keep = i + 1 < filters.len();
            let cap = per_stream.min(left_in_total);
            let decoded = match filter {
                Filter::Flate => inflate(input, cap, keep, deadline),
                Filter::Lzw => unlzw(input, cap, keep, early_change, deadline),
                Filter::Ascii85 => Ok(ascii85(input)),
                Filter::Other => break,
            };
            let (count, kept) = decoded.map_err(|stop| match stop {
                Stop::Cap => PdfTextError::InflateLimit { limit: cap },
                Stop::Time => PdfTextError::TimedOut { budget: budget.time },
            })?;
            if count > cap {
                return Err(PdfTextError::InflateLimit { limit: cap });
            }
            left_in_total -= count;
            layer = kept;
            input = &layer;
        }
    }
    Ok(())
}

/// The text from the stream's `N G obj` to its `stream` keyword (a wider window when the
/// object header is not found close by).
fn dictionary_before(bytes: &[u8], keyword: usize) -> &[u8] {
    for window in [NEAR_WINDOW, DICTIONARY_WINDOW] {
        let start = keyword.saturating_sub(window);
        let mut text = &bytes[start..keyword];
        while let Some(at) = memmem::rfind(text, b"obj") {
            let header = at >= 2 && text[at - 1].is_ascii_whitespace() && text[at - 2].is_ascii_digit();
            if header {
                return &bytes[start + at..keyword];
            }
            text = &text[..at];
        }
        if start == 0 {
            break;
        }
    }
    &bytes[keyword.saturating_sub(DICTIONARY_WINDOW)..keyword]
}

/// Where a stream's data starts: after the end-of-line that follows `stream`.
fn data_start(bytes: &[u8], keyword: usize) -> Option<usize> {
    let after = keyword + b"stream".len();
    match bytes.get(after..)? {
        [b'\r', b'\n', ..] => Some(after + 2),
        [b'\n' | b'\r', ..] => Some(after + 1),
        // "streamX": some other word, or a keyword glued to its data (tolerated by lopdf).
        [c, ..] if c.is_ascii_alphanumeric() => None,
        _ => Some(after),
    }
}

/// Where a stream's data ends: its direct `/Length` when it fits in the file, else the next
/// `endstream`, else the end of the file.
fn data_end(bytes: &[u8], start: usize, dictionary: &[u8]) -> usize {
    let direct_length = memmem::rfind(dictionary, b"/Length").and_then(|at| {
        let rest = &dictionary[at + b"/Length".len()..];
        let rest = trim_start(rest);
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let after = trim_start(&rest[digits..]);
        // `/Length 12 0 R` is indirect: not resolved here.
        if digits == 0 || digits > 12 || after.first().is_some_and(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(&rest[..digits]).ok()?.parse::<usize>().ok()
    });
    match direct_length {
        Some(length) if start.checked_add(length).is_some_and(|end| end <= bytes.len()) => start + length,
        _ => memmem::find(&bytes[start..], b"endstream").map_or(bytes.len(), |at| start + at),
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let blank = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[blank..]
}

fn contains_token(haystack: &[u8], token: &[u8]) -> bool {
    memmem::find(haystack, token).is_some()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Flate,
    Lzw,
    Ascii85,
    /// A filter lopdf does not decode (DCT, JPX, CCITT, ASCIIHex...): decoding stops there.
    Other,
}

/// The stream's filters in decoding order, as lopdf reads them: a name or an array of names.
/// A `/Filter` that is not written directly (an indirect reference) is measured as deflate.
fn filters(dictionary: &[u8]) -> Vec<Filter> {
    let Some(at) = memmem::rfind(dictionary, b"/Filter") else { return Vec::new() };
    let value = trim_start(&dictionary[at + b"/Filter".len()..]);
    let names: Vec<&[u8]> = match value.first() {
        Some(b'/') => vec![name(value)],
        Some(b'[') => {
            let end = value.iter().position(|&b| b == b']').unwrap_or(value.len());
            value[1..end].split(|&b| b == b'/').skip(1).map(name_end).collect()
        }
        _ => return vec![Filter::Flate],
    };
    names
        .into_iter()
        .map(|name| match name {
            b"FlateDecode" => Filter::Flate,
            b"LZWDecode" => Filter::Lzw,
            b"ASCII85Decode" => Filter::Ascii85,
            _ => Filter::Other,
        })
        .collect()
}

/// The name starting at `/` in `value`, without the slash.
fn name(value: &[u8]) -> &[u8] {
    name_end(&value[1..])
}

fn name_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b"/[]<>()%".contains(&b))
        .unwrap_or(bytes.len());
    &bytes[..end]
}

/// Why a decoder stopped early.
enum Stop {
    Cap,
    Time,
}

/// Decoded size, and the bytes when they feed another filter.
type Decoded = (usize, Vec<u8>);

/// Reads `reader` to its end or to `cap` bytes, keeping the bytes if asked. A read error
/// ends the data, as it does for lopdf (which keeps what was decoded).
fn drain(mut reader: impl Read, cap: usize, keep: bool, deadline: Instant) -> Result<Decoded, Stop> {
    let mut buffer = vec![0u8; CHUNK];
    let mut kept = Vec::new();
    let mut count = 0usize;
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) | Err(_) => return Ok((count, kept)),
            Ok(read) => read,
        };
        count += read;
        if count > cap {
            return Err(Stop::Cap);
        }
        if keep {
            kept.extend_from_slice(&buffer[..read]);
        }
        if Instant::now() >= deadline {
            return Err(Stop::Time);
        }
    }
}

/// FlateDecode as lopdf does it: zlib, or raw deflate after the two header bytes when zlib
/// fails before giving anything.
fn inflate(input: &[u8], cap: usize, keep: bool, deadline: Instant) -> Result<Decoded, Stop> {
    if input.is_empty() {
        return Ok((0, Vec::new()));
    }
    let zlib = drain(flate2::read::ZlibDecoder::new(input), cap, keep, deadline)?;
    if zlib.0 == 0 && input.len() > 2 {
        return drain(flate2::read::DeflateDecoder::new(&input[2..]), cap, keep, deadline);
    }
    Ok(zlib)
}

/// LZWDecode as lopdf does it (weezl, most significant bit first, 8-bit symbols).
fn unlzw(
    input: &[u8],
    cap: usize,
    keep: bool,
    early_change: bool,
    deadline: Instant,
) -> Result<Decoded, Stop> {
    use weezl::{decode::Decoder, BitOrder, LzwStatus};
    let mut decoder = if early_change {
        Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
    } else {
        Decoder::new(BitOrder::Msb, 8)
    };
    let mut buffer = vec![0u8; CHUNK];
    let mut kept = Vec::new();
    let (mut count, mut at) = (0usize, 0usize);
    loop {
        let result = decoder.decode_bytes(&input[at..], &mut buffer);
        at += result.consumed_in;
        count += result.consumed_out;
        if count > cap {
            return Err(Stop::Cap);
        }
        if keep {
            kept.extend_from_slice(&buffer[..result.consumed_out]);
        }
        if Instant::now() >= deadline {
            return Err(Stop::Time);
        }
        match result.status {
            Ok(LzwStatus::Ok) if result.consumed_in + result.consumed_out > 0 => {}
            _ => return Ok((count, kept)),
        }
    }
}

/// ASCII85Decode: at most four bytes per input byte, so never a bomb; decoded because a
/// filter may follow it.
fn ascii85(input: &[u8]) -> Decoded {
    let mut out = Vec::with_capacity(input.len() / 5 * 4 + 4);
    let (mut group, mut count) = (0u32, 0);
    for &c in input {
        match c {
            b'~' => break,
            b'z' if count == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group = group.wrapping_mul(85).wrapping_add(u32::from(c - b'!'));
                count += 1;
                if count == 5 {
                    out.extend_from_slice(&group.to_be_bytes());
                    (group, count) = (0, 0);
                }
            }
            _ => {}
        }
    }
    if count > 1 {
        for _ in count..5 {
            group = group.wrapping_mul(85).wrapping_add(84);
        }
        out.extend_from_slice(&group.to_be_bytes()[..count - 1]);
    }
    (out.len(), out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::time::Duration;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn pdf_with_stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
        let mut pdf =
            format!("%PDF-1.4\n1 0 obj\n<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
        pdf.extend_from_slice(data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        pdf
    }

    fn check(pdf: &[u8], max_inflated_bytes: usize) -> Result<(), PdfTextError> {
        let budget = Budget { max_inflated_bytes, ..Budget::DEFAULT };
        check_streams(pdf, &budget, Instant::now() + Duration::from_secs(10))
    }

    #[test]
    fn a_deflate_bomb_is_refused_before_anything_inflates_it() {
        let pdf = pdf_with_stream("/Filter /FlateDecode", &deflate(&vec![0; 8 << 20]));
        assert_eq!(check(&pdf, 1 << 20), Err(PdfTextError::InflateLimit { limit: 1 << 20 }));
        assert_eq!(check(&pdf, 16 << 20), Ok(()));
    }

    #[test]
    fn deflate_of_deflate_is_measured_layer_by_layer() {
        let inner = deflate(&vec![0; 64 << 20]);
        let outer = deflate(&inner);
        let pdf = pdf_with_stream("/Filter [/FlateDecode /FlateDecode]", &outer);
        // The first layer is small; the second is the bomb.
        assert!(inner.len() < 1 << 20);
        assert_eq!(check(&pdf, 8 << 20), Err(PdfTextError::InflateLimit { limit: 8 << 20 }));
    }

    #[test]
    fn an_lzw_bomb_is_refused() {
        let mut encoder = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
        let data = encoder.encode(&vec![0; 8 << 20]).unwrap();
        let pdf = pdf_with_stream("/Filter /LZWDecode", &data);
        assert_eq!(check(&pdf, 1 << 20), Err(PdfTextError::InflateLimit { limit: 1 << 20 }));
        assert_eq!(check(&pdf, 16 << 20), Ok(()));
    }

    #[test]
    fn ascii85_then_deflate_is_followed_through() {
        let compressed = deflate(&vec![0; 8 << 20]);
        let mut encoded = Vec::new();
        for chunk in compressed.chunks(4) {
            let mut group = [0u8; 4];
            group[..chunk.len()].copy_from_slice(chunk);
            let mut value = u32::from_be_bytes(group);
            let mut digits = [0u8; 5];
            for digit in digits.iter_mut().rev() {
                *digit = (value % 85) as u8 + b'!';
                value /= 85;
            }
            encoded.extend_from_slice(&digits[..chunk.len() + 1]);
        }
        encoded.extend_from_slice(b"~>");
        assert_eq!(ascii85(&encoded).1, compressed);
        let pdf = pdf_with_stream("/Filter [/ASCII85Decode /FlateDecode]", &encoded);
        assert_eq!(check(&pdf, 1 << 20), Err(PdfTextError::InflateLimit { limit: 1 << 20 }));
    }

    #[test]
    fn filters_are_read_as_lopdf_reads_them() {
        assert_eq!(filters(b"1 0 obj << /Length 3 /Filter /FlateDecode >>"), vec![Filter::Flate]);
        assert_eq!(filters(b"<< /Filter[/ASCII85Decode/LZWDecode] >>"), vec![Filter::Ascii85, Filter::Lzw]);
        assert_eq!(filters(b"<< /Filter /DCTDecode >>"), vec![Filter::Other]);
        assert_eq!(filters(b"<< /Filter 7 0 R >>"), vec![Filter::Flate]);
        assert!(filters(b"<< /Length 3 >>").is_empty());
    }

    #[test]
    fn stream_lengths_are_direct_or_found() {
        let pdf = b"1 0 obj << /Length 3 >>\nstream\nabc\nendstream";
        assert_eq!(data_end(pdf, 31, b"1 0 obj << /Length 3 >>"), 34);
        assert_eq!(data_end(pdf, 31, b"1 0 obj << /Length 9 0 R >>"), 35);
        assert_eq!(data_end(pdf, 31, b"1 0 obj << /Length 999999 >>"), 35);
    }
}
