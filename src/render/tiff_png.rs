//! TIFF images made displayable: browsers do not show TIFF, so each page is decoded within
//! limits and re-encoded as PNG for a `data:` URI.
//!
//! TIFF is how scanners and fax servers write documents (bilevel CCITT pages, often several
//! in one file), and a TIFF is also an easy bomb: a few hundred bytes may declare a
//! 100 000 × 100 000 page. Before anything is decoded, each page's declared size is checked
//! against [`TiffLimits`] (side, pixels, and the decoded bytes of all pages together, which
//! also bound the time spent); the `tiff` crate is given the same byte limit for its buffers.
//! The decoders run under `catch_unwind`: a panic in them is an unreadable image, never a
//! crash. Nothing here writes HTML; the renderer ([`super::media`]) shows what comes back.
//!
//! Palette pages (PhotometricInterpretation 3, as some scanners and GIF converters write),
//! which the `tiff` crate refuses, are read from a copy of the file in which each such page
//! says BlackIsZero: its colour indices then decode as gray samples, and are written as an
//! indexed PNG with the page's own colour map.

use std::borrow::Cow;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::tags::Tag;
use tiff::ColorType;

/// What the conversion may spend.
#[derive(Debug, Clone, Copy)]
pub(super) struct TiffLimits {
    /// Largest width or height of a page, in pixels.
    pub(super) max_side: u32,
    /// Largest page, in pixels (width × height).
    pub(super) max_pixels: u64,
    /// Decoded pixel bytes of all the pages shown, together.
    pub(super) max_decoded_bytes: usize,
    /// Pages converted; the others are only counted.
    pub(super) max_pages: usize,
}

/// Pages past the ones shown are counted up to this number (each count reads a directory).
const MAX_COUNTED_PAGES: usize = 200;

/// A converted TIFF: the pages that could be shown, how many there are, and why the others
/// (if any) are not shown.
#[derive(Debug)]
pub(super) struct Converted {
    /// PNG files, in page order, from page 1 on.
    pub(super) pages: Vec<Vec<u8>>,
    /// The number of pages of the file (the directories that could be read), at most
    /// [`MAX_COUNTED_PAGES`]; `counted_all` is false when there may be more.
    pub(super) page_count: usize,
    pub(super) counted_all: bool,
    /// What stopped the conversion before the last page, if anything.
    pub(super) stopped: Option<Stop>,
}

/// Why a page was not converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Stop {
    /// A limit of [`TiffLimits`]: the page is not decoded.
    Limit(LimitHit),
    /// The decoder refused the data (truncated, corrupt) or the library failed.
    Unreadable { page: usize, reason: String },
    /// A valid TIFF of a kind not converted (floating-point samples, CIE Lab, more than four
    /// channels, 16-bit palettes...).
    Unsupported { page: usize, what: String },
}

/// Which limit a page hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum LimitHit {
    /// A side longer than [`TiffLimits::max_side`], or more pixels than
    /// [`TiffLimits::max_pixels`].
    Dimensions { page: usize, width: u32, height: u32 },
    /// The page's decoded bytes would exceed what is left of
    /// [`TiffLimits::max_decoded_bytes`].
    Memory { page: usize, needed: u64 },
    /// More pages than [`TiffLimits::max_pages`].
    Pages,
}

/// Whether `bytes` start like a TIFF (classic or BigTIFF, either byte order).
pub(super) fn is_tiff(bytes: &[u8]) -> bool {
    [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"].iter().any(|magic| bytes.starts_with(*magic))
}

/// Converts the pages of a TIFF to PNG, within `limits`. Never panics: a failure on the
/// first page gives no page and the reason in [`Converted::stopped`].
pub(super) fn convert(bytes: &[u8], limits: &TiffLimits) -> Converted {
    match catch_unwind(AssertUnwindSafe(|| convert_pages(bytes, limits))) {
        Ok(converted) => converted,
        Err(_) => Converted {
            pages: Vec::new(),
            page_count: 1,
            counted_all: false,
            stopped: Some(Stop::Unreadable { page: 1, reason: "internal error of the TIFF decoder".into() }),
        },
    }
}

fn convert_pages(bytes: &[u8], limits: &TiffLimits) -> Converted {
    let mut converted = Converted { pages: Vec::new(), page_count: 0, counted_all: true, stopped: None };
    let (bytes, palette_pages) = palettes_as_gray(bytes);
    let mut decoder = match Decoder::new(Cursor::new(&bytes[..])) {
        Ok(d) => d.with_limits(decoder_limits(limits.max_decoded_bytes)),
        Err(e) => {
            converted.page_count = 1;
            converted.stopped = Some(stop(1, e));
            return converted;
        }
    };
    let mut budget = limits.max_decoded_bytes;
    loop {
        converted.page_count += 1;
        let page = converted.page_count;
        if converted.stopped.is_none() {
            if page > limits.max_pages {
                converted.stopped = Some(Stop::Limit(LimitHit::Pages));
            } else {
                let palette = palette_pages.get(page - 1).copied().unwrap_or(false);
                match page_png(&mut decoder, page, palette, limits, &mut budget) {
                    Ok(png) => converted.pages.push(png),
                    Err(stop) => converted.stopped = Some(stop),
                }
            }
        }
        if !decoder.more_images() {
            break;
        }
        if converted.page_count >= MAX_COUNTED_PAGES {
            converted.counted_all = false;
            break;
        }
        if decoder.next_image().is_err() {
            // a damaged directory ends the file: the pages before it stand
            break;
        }
    }
    converted
}

/// A decoder's error on `page`: a kind of TIFF it does not read, or damaged data.
fn stop(page: usize, error: tiff::TiffError) -> Stop {
    match error {
        tiff::TiffError::UnsupportedError(what) => Stop::Unsupported { page, what: what.to_string() },
        error => Stop::Unreadable { page, reason: error.to_string() },
    }
}

fn decoder_limits(max_bytes: usize) -> Limits {
    let mut limits = Limits::default();
    limits.decoding_buffer_size = max_bytes;
    limits.intermediate_buffer_size = max_bytes;
    limits
}

/// How a page's decoded samples become PNG rows.
#[derive(Debug, Clone, Copy)]
enum Plan {
    /// Gray at 1, 2, 4 or 8 bits: packed rows, as PNG wants them.
    Gray(u8),
    /// Colour indices of 1, 2, 4 or 8 bits, packed as gray, and a colour map.
    Indexed(u8),
    /// 8 or 16 bits per sample, `channels` samples per pixel, written as 8 bits:
    /// 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
    Direct { channels: usize },
    /// CMYK, 8 or 16 bits, to RGB.
    Cmyk,
    /// YCbCr (JPEG-in-TIFF keeps it), 8 bits, to RGB.
    YCbCr,
}

impl Plan {
    fn of(color: ColorType) -> Option<Plan> {
        Some(match color {
            ColorType::Gray(bits @ (1 | 2 | 4 | 8)) => Plan::Gray(bits),
            ColorType::Gray(16) => Plan::Direct { channels: 1 },
            ColorType::GrayA(8 | 16) => Plan::Direct { channels: 2 },
            ColorType::RGB(8 | 16) => Plan::Direct { channels: 3 },
            ColorType::RGBA(8 | 16) => Plan::Direct { channels: 4 },
            ColorType::CMYK(8 | 16) => Plan::Cmyk,
            ColorType::YCbCr(8) => Plan::YCbCr,
            _ => return None,
        })
    }

    /// Samples per pixel in the decoded buffer.
    fn samples(self) -> usize {
        match self {
            Plan::Gray(_) | Plan::Indexed(_) => 1,
            Plan::Direct { channels } => channels,
            Plan::Cmyk => 4,
            Plan::YCbCr => 3,
        }
    }
}

/// Bytes of one decoded row (rows of packed samples start on a byte boundary).
fn row_bytes(width: u32, color: ColorType) -> u64 {
    let bits = u64::from(color.bit_depth()) * u64::from(color.num_samples());
    (u64::from(width) * bits).div_ceil(8)
}

/// Page `page` (the decoder's current image) as a PNG, spending from `budget`; `palette`:
/// the page's samples are colour indices (see [`palettes_as_gray`]).
fn page_png(
    decoder: &mut Decoder<Cursor<&[u8]>>,
    page: usize,
    palette: bool,
    limits: &TiffLimits,
    budget: &mut usize,
) -> Result<Vec<u8>, Stop> {
    let unreadable = |e| stop(page, e);
    let (width, height) = decoder.dimensions().map_err(unreadable)?;
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err(Stop::Unreadable { page, reason: format!("empty page ({width} × {height})") });
    }
    if width > limits.max_side || height > limits.max_side || pixels > limits.max_pixels {
        return Err(Stop::Limit(LimitHit::Dimensions { page, width, height }));
    }
    let color = decoder.colortype().map_err(unreadable)?;
    let colour_map = if palette { Some(colour_map(decoder, page, color)?) } else { None };
    let plan = match (&colour_map, color) {
        (Some(_), ColorType::Gray(bits)) => Plan::Indexed(bits),
        _ => Plan::of(color).ok_or_else(|| Stop::Unsupported { page, what: format!("{color:?}") })?,
    };
    let needed = row_bytes(width, color) * u64::from(height);
    if needed > *budget as u64 {
        return Err(Stop::Limit(LimitHit::Memory { page, needed }));
    }
    // `needed` fits what is left of the budget; the decoder's own limit (the whole budget)
    // is a second guard on every buffer it allocates.
    let mut decoded = DecodingResult::U8(Vec::new());
    let layout = decoder.read_image_to_buffer(&mut decoded).map_err(unreadable)?;
    let got = match &decoded {
        DecodingResult::U8(v) => v.len(),
        DecodingResult::U16(v) => v.len() * 2,
        // signed or floating-point samples (SampleFormat)
        _ => return Err(Stop::Unsupported { page, what: format!("{color:?}, {:?}", layout.sample_format) }),
    };
    if got < layout.complete_len {
        // the decoder fell back to one plane of a planar image: not enough memory for all
        return Err(Stop::Limit(LimitHit::Memory { page, needed: layout.complete_len as u64 }));
    }
    *budget = budget.saturating_sub(got);
    let samples = interleaved(decoded, layout.planes, plan, width, height)
        .ok_or_else(|| Stop::Unsupported { page, what: format!("{color:?}, {} planes", layout.planes) })?;
    encode(width, height, plan, &samples, colour_map.as_deref())
        .map_err(|e| Stop::Unreadable { page, reason: format!("PNG encoding failed: {e}") })
}

/// The decoded samples as interleaved 8-bit (or, for gray of 1, 2 or 4 bits, packed) rows.
/// `None` for a sample type not converted.
fn interleaved(
    decoded: DecodingResult,
    planes: usize,
    plan: Plan,
    width: u32,
    height: u32,
) -> Option<Vec<u8>> {
    let eight: Vec<u8> = match decoded {
        DecodingResult::U8(v) => v,
        DecodingResult::U16(v) => v.into_iter().map(|s| (s >> 8) as u8).collect(),
        _ => return None,
    };
    if planes <= 1 {
        return Some(eight);
    }
    // Planar: one plane per sample, each width × height samples of 8 bits (packed gray is
    // single-sample, so never planar).
    let samples = plan.samples();
    let per_plane = width as usize * height as usize;
    if matches!(plan, Plan::Gray(_) | Plan::Indexed(_))
        || planes != samples
        || eight.len() < per_plane * samples
    {
        return None;
    }
    let mut out = vec![0; per_plane * samples];
    for (plane, data) in eight.chunks_exact(per_plane).take(samples).enumerate() {
        for (i, &s) in data.iter().enumerate() {
            out[i * samples + plane] = s;
        }
    }
    Some(out)
}

/// `samples` as a PNG; `palette`: the RGB colour map of an indexed page.
fn encode(
    width: u32,
    height: u32,
    plan: Plan,
    samples: &[u8],
    palette: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    let pixels = width as usize * height as usize;
    let (color, depth, data): (png::ColorType, u8, Cow<'_, [u8]>) = match plan {
        Plan::Gray(bits) => (png::ColorType::Grayscale, bits, samples.into()),
        Plan::Indexed(bits) => (png::ColorType::Indexed, bits, samples.into()),
        Plan::Direct { channels } => {
            let color = match channels {
                1 => png::ColorType::Grayscale,
                2 => png::ColorType::GrayscaleAlpha,
                3 => png::ColorType::Rgb,
                _ => png::ColorType::Rgba,
            };
            (color, 8, samples.into())
        }
        Plan::Cmyk => {
            (png::ColorType::Rgb, 8, samples.chunks_exact(4).take(pixels).flat_map(cmyk_to_rgb).collect())
        }
        Plan::YCbCr => {
            (png::ColorType::Rgb, 8, samples.chunks_exact(3).take(pixels).flat_map(ycbcr_to_rgb).collect())
        }
    };
    let depth = match depth {
        1 => png::BitDepth::One,
        2 => png::BitDepth::Two,
        4 => png::BitDepth::Four,
        _ => png::BitDepth::Eight,
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(depth);
    if let Some(palette) = palette {
        encoder.set_palette(palette.to_vec());
    }
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    // The decoder filled exactly the page's rows; a shorter buffer (should not happen) is
    // refused by the encoder rather than read past.
    writer.write_image_data(&data).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// CMYK to RGB without a colour profile, as most viewers do: each channel times (1 − K).
fn cmyk_to_rgb(cmyk: &[u8]) -> [u8; 3] {
    let k = 255 - u32::from(cmyk[3]);
    let channel = |c: u8| ((255 - u32::from(c)) * k / 255) as u8;
    [channel(cmyk[0]), channel(cmyk[1]), channel(cmyk[2])]
}

/// YCbCr (full range, as JPEG writes it) to RGB.
fn ycbcr_to_rgb(ycc: &[u8]) -> [u8; 3] {
    let y = f32::from(ycc[0]);
    let cb = f32::from(ycc[1]) - 128.0;
    let cr = f32::from(ycc[2]) - 128.0;
    let clamp = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    [clamp(y + 1.402 * cr), clamp(y - 0.344_136 * cb - 0.714_136 * cr), clamp(y + 1.772 * cb)]
}

/// The RGB colour map (8 bits per channel) of a palette page whose indices decode as `color`.
fn colour_map(decoder: &mut Decoder<Cursor<&[u8]>>, page: usize, color: ColorType) -> Result<Vec<u8>, Stop> {
    let bits = match color {
        ColorType::Gray(bits @ (1 | 2 | 4 | 8)) => bits,
        other => return Err(Stop::Unsupported { page, what: format!("RGBPalette, {other:?}") }),
    };
    let entries = 1usize << bits;
    let map: Vec<u16> = decoder
        .find_tag_unsigned_vec(Tag::ColorMap)
        .map_err(|e| stop(page, e))?
        .ok_or_else(|| Stop::Unreadable { page, reason: "a palette page without a colour map".into() })?;
    if map.len() != 3 * entries {
        return Err(Stop::Unreadable {
            page,
            reason: format!(
                "a colour map of {} values for {bits}-bit colours ({} expected)",
                map.len(),
                3 * entries
            ),
        });
    }
    // TIFF lists all the reds, then the greens, then the blues, in 16 bits
    let (reds, rest) = map.split_at(entries);
    let (greens, blues) = rest.split_at(entries);
    Ok((0..entries).flat_map(|i| [reds[i], greens[i], blues[i]].map(|v| (v >> 8) as u8)).collect())
}

/// `bytes` with every palette page (PhotometricInterpretation 3) made to say BlackIsZero, so
/// that the decoder reads its colour indices as gray samples; and which pages, in order, were
/// palette pages. The bytes are borrowed unchanged when there is none. The directories are
/// walked as the decoder will walk them (classic TIFF and BigTIFF, either byte order), at
/// most [`MAX_COUNTED_PAGES`], a directory seen twice ending the walk.
fn palettes_as_gray(bytes: &[u8]) -> (Cow<'_, [u8]>, Vec<bool>) {
    let little = match bytes.get(..2) {
        Some(b"II") => true,
        Some(b"MM") => false,
        _ => return (bytes.into(), Vec::new()),
    };
    let read = |at: usize, len: usize| -> Option<u64> {
        let raw = bytes.get(at..at.checked_add(len)?)?;
        let fold = |value: u64, &byte: &u8| value << 8 | u64::from(byte);
        Some(if little { raw.iter().rev().fold(0, fold) } else { raw.iter().fold(0, fold) })
    };
    let big = read(2, 2) == Some(43);
    let (count_len, entry_len, link_len, value_at) = if big { (8, 20, 8, 12) } else { (2, 12, 4, 8) };
    let mut pages = Vec::new();
    let mut patches = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut next = if big { read(8, 8) } else { read(4, 4) };
    while let Some(ifd) = next.and_then(|o| usize::try_from(o).ok()).filter(|&o| o != 0) {
        if pages.len() >= MAX_COUNTED_PAGES || !seen.insert(ifd) {
            break;
        }
        let Some(count) = read(ifd, count_len).and_then(|c| usize::try_from(c).ok()).filter(|&c| c <= 4096)
        else {
            break;
        };
        let first = ifd + count_len;
        let mut palette = false;
        for entry in (0..count).map(|i| first + i * entry_len) {
            // PhotometricInterpretation (262), a SHORT (type 3), saying palette (3)
            if read(entry, 2) == Some(262)
                && read(entry + 2, 2) == Some(3)
                && read(entry + value_at, 2) == Some(3)
            {
                palette = true;
                patches.push(entry + value_at);
            }
        }
        pages.push(palette);
        next = read(first + count * entry_len, link_len);
    }
    if patches.is_empty() {
        return (bytes.into(), pages);
    }
    let mut patched = bytes.to_vec();
    let black_is_zero: [u8; 2] = if little { 1u16.to_le_bytes() } else { 1u16.to_be_bytes() };
    for at in patches {
        patched[at..at + 2].copy_from_slice(&black_is_zero);
    }
    (patched.into(), pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_pages_are_found_in_big_endian_and_bigtiff_files() {
        // big-endian classic TIFF: one directory of one entry, PhotometricInterpretation = 3
        let mut classic = b"MM\0*\0\0\0\x08".to_vec();
        classic.extend_from_slice(&[0, 1, 0x01, 0x06, 0, 3, 0, 0, 0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
        let (patched, pages) = palettes_as_gray(&classic);
        assert_eq!(pages, [true]);
        assert_eq!(&patched[18..20], &[0, 1], "now BlackIsZero, in the file's byte order");
        assert_eq!(patched.len(), classic.len());

        // little-endian BigTIFF: 8-byte counts and offsets, 20-byte entries
        let mut big = b"II+\0\x08\0\0\0\x10\0\0\0\0\0\0\0".to_vec();
        big.extend_from_slice(&1u64.to_le_bytes());
        big.extend_from_slice(&[0x06, 0x01, 3, 0]);
        big.extend_from_slice(&1u64.to_le_bytes());
        big.extend_from_slice(&3u64.to_le_bytes());
        big.extend_from_slice(&0u64.to_le_bytes());
        let (patched, pages) = palettes_as_gray(&big);
        assert_eq!(pages, [true]);
        assert_eq!(&patched[36..38], &[1, 0]);

        // a directory pointing to itself ends the walk; no palette: the bytes are borrowed
        let mut looped = b"II*\0\x08\0\0\0".to_vec();
        looped.extend_from_slice(&[0, 0, 8, 0, 0, 0]);
        let (same, pages) = palettes_as_gray(&looped);
        assert!(matches!(same, Cow::Borrowed(_)));
        assert_eq!(pages, [false]);
    }
}
