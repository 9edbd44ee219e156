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

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use tiff::decoder::{Decoder, DecodingResult, Limits};
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
    /// A valid TIFF of a kind not converted (palette colours, which the `tiff` crate does not
    /// decode; floating-point samples, CIE Lab, more than four channels...).
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
    let mut decoder = match Decoder::new(Cursor::new(bytes)) {
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
                match page_png(&mut decoder, page, limits, &mut budget) {
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
            Plan::Gray(_) => 1,
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

/// Page `page` (the decoder's current image) as a PNG, spending from `budget`.
fn page_png(
    decoder: &mut Decoder<Cursor<&[u8]>>,
    page: usize,
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
    let plan = Plan::of(color).ok_or_else(|| Stop::Unsupported { page, what: format!("{color:?}") })?;
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
    encode(width, height, plan, &samples)
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
    if matches!(plan, Plan::Gray(_)) || planes != samples || eight.len() < per_plane * samples {
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

fn encode(width: u32, height: u32, plan: Plan, samples: &[u8]) -> Result<Vec<u8>, String> {
    let pixels = width as usize * height as usize;
    let (color, depth, data): (png::ColorType, u8, std::borrow::Cow<'_, [u8]>) = match plan {
        Plan::Gray(bits) => (png::ColorType::Grayscale, bits, samples.into()),
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
