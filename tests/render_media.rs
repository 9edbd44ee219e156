//! `vigie::render` of embedded content that browsers cannot show as it is: TIFF images
//! (converted to PNG within limits) and RTF bodies (shown as their text). Every file is made
//! here, at test time: TIFFs with the `tiff` crate's encoder, or byte by byte when a test
//! needs what an encoder would not write (a bomb header, a bilevel fax page, a palette).

mod common;

use std::io::Cursor;
use std::time::{Duration, Instant};

use base64::Engine;
use vigie::render::{render, Neutralised, RenderOptions, Rendered};

// ---------------------------------------------------------------- documents

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A level 1 document whose body is `bytes`, declared `media_type`.
fn body_document(media_type: &str, bytes: &[u8]) -> String {
    format!(
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<title>Courrier numérisé</title>\n<component>\n<nonXMLBody>\n\
         <text mediaType=\"{media_type}\" representation=\"B64\">{}</text>\n</nonXMLBody>\n</component>\n\
         </ClinicalDocument>\n",
        b64(bytes)
    )
}

/// A structured document whose narrative shows an observationMedia of `media_type`.
fn multimedia_document(media_type: &str, bytes: &[u8]) -> String {
    format!(
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n\
         <title>Compte rendu</title>\n<component><structuredBody><component><section><title>Imagerie</title>\n\
         <text><renderMultiMedia referencedObject=\"SCAN1\"><caption>Radiographie</caption></renderMultiMedia></text>\n\
         <entry><observationMedia classCode=\"OBS\" moodCode=\"EVN\" ID=\"SCAN1\">\
         <value xsi:type=\"ED\" mediaType=\"{media_type}\" representation=\"B64\">{}</value></observationMedia></entry>\n\
         </section></component></structuredBody></component>\n</ClinicalDocument>\n",
        b64(bytes)
    )
}

fn render_with(xml: &str, options: &RenderOptions) -> Rendered {
    let document = common::read(xml.as_bytes());
    assert!(document.cda.is_some(), "the test document is read");
    render(&document, options)
}

fn render_xml(xml: &str) -> Rendered {
    render_with(xml, &RenderOptions::default())
}

/// The PNG images of the page, decoded: (width, height, colour type, bit depth, pixels).
fn pngs(html: &str) -> Vec<(u32, u32, png::ColorType, png::BitDepth, Vec<u8>)> {
    let mut images = Vec::new();
    for part in html.split("src=\"data:image/png;base64,").skip(1) {
        let data = &part[..part.find('"').expect("the end of the URI")];
        let bytes = base64::engine::general_purpose::STANDARD.decode(data).expect("base64");
        let decoder = png::Decoder::new(Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut pixels).expect("a frame");
        pixels.truncate(info.buffer_size());
        images.push((info.width, info.height, info.color_type, info.bit_depth, pixels));
    }
    images
}

/// The report item of `code`, located in the source.
fn reported<'r>(report: &'r [Neutralised], code: &str, contains: &str) -> &'r Neutralised {
    let item = report
        .iter()
        .find(|n| n.code == code && n.what.contains(contains))
        .unwrap_or_else(|| panic!("no {code} item containing {contains:?} in the report: {report:#?}"));
    assert!(item.position.is_some() && item.span.start > 0, "{item:?} points into the document");
    item
}

// ---------------------------------------------------------------- TIFF files

/// A TIFF written by the `tiff` crate: one page per call of `pages`.
fn encoded(pages: impl FnOnce(&mut tiff::encoder::TiffEncoder<&mut Cursor<Vec<u8>>>)) -> Vec<u8> {
    let mut file = Cursor::new(Vec::new());
    pages(&mut tiff::encoder::TiffEncoder::new(&mut file).expect("an encoder"));
    file.into_inner()
}

/// A hand-written page of a little-endian baseline TIFF, one uncompressed strip.
struct Page {
    width: u32,
    height: u32,
    bits: u16,
    samples: u16,
    /// 0 WhiteIsZero, 1 BlackIsZero, 2 RGB, 3 palette.
    photometric: u16,
    data: Vec<u8>,
    color_map: Option<Vec<u16>>,
    /// More directory entries (tag, type, count, value), replacing those of the same tag.
    extra: Vec<(u16, u16, u32, u32)>,
}

/// The bytes of a TIFF of `pages`, written tag by tag: what an encoder would refuse to write
/// (a 100 000 × 100 000 page over 16 bytes) is written all the same.
fn handwritten(pages: &[Page]) -> Vec<u8> {
    let mut out = b"II*\0\0\0\0\0".to_vec();
    let mut previous_link = 4; // where the offset of the next IFD goes
    for page in pages {
        let data_at = out.len() as u32;
        out.extend_from_slice(&page.data);
        let map_at = out.len() as u32;
        if let Some(map) = &page.color_map {
            map.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
        }
        let bits_at = out.len() as u32;
        if page.samples > 2 {
            (0..page.samples).for_each(|_| out.extend_from_slice(&page.bits.to_le_bytes()));
        }
        if out.len() % 2 == 1 {
            out.push(0);
        }
        let ifd_at = out.len() as u32;
        out[previous_link..previous_link + 4].copy_from_slice(&ifd_at.to_le_bytes());
        // (tag, type: 3 SHORT or 4 LONG, count, value or offset)
        let mut entries: Vec<(u16, u16, u32, u32)> = vec![
            (256, 4, 1, page.width),
            (257, 4, 1, page.height),
            (
                258,
                3,
                u32::from(page.samples),
                if page.samples > 2 {
                    bits_at
                } else {
                    u32::from(page.bits) | if page.samples == 2 { u32::from(page.bits) << 16 } else { 0 }
                },
            ),
            (259, 3, 1, 1),
            (262, 3, 1, u32::from(page.photometric)),
            (273, 4, 1, data_at),
            (277, 3, 1, u32::from(page.samples)),
            (278, 4, 1, page.height),
            (279, 4, 1, page.data.len() as u32),
        ];
        if let Some(map) = &page.color_map {
            entries.push((320, 3, map.len() as u32, map_at));
        }
        for entry in &page.extra {
            entries.retain(|e| e.0 != entry.0);
            entries.push(*entry);
        }
        entries.sort_by_key(|e| e.0);
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, count, value) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&value.to_le_bytes());
        }
        previous_link = out.len();
        out.extend_from_slice(&0u32.to_le_bytes());
    }
    out
}

fn gray_page(width: u32, height: u32, data: Vec<u8>) -> Page {
    Page { width, height, bits: 8, samples: 1, photometric: 1, data, color_map: None, extra: Vec::new() }
}

// ---------------------------------------------------------------- TIFF, converted

#[test]
fn a_tiff_body_is_shown_as_a_png_of_the_same_pixels() {
    let rgb: Vec<u8> = vec![255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
    let file = encoded(|e| e.write_image::<tiff::encoder::colortype::RGB8>(2, 2, &rgb).expect("written"));
    let r = render_xml(&body_document("image/tiff", &file));
    assert!(r.report.is_empty(), "{:#?}", r.report);
    assert_eq!(pngs(&r.html), vec![(2, 2, png::ColorType::Rgb, png::BitDepth::Eight, rgb)]);
    assert!(!r.html.contains("image/tiff;base64"), "the TIFF itself is never embedded");
}

#[test]
fn a_tiff_in_the_narrative_is_converted_where_it_is_referenced() {
    let file =
        encoded(|e| e.write_image::<tiff::encoder::colortype::Gray8>(3, 1, &[0, 128, 255]).expect("written"));
    let r = render_xml(&multimedia_document("image/tiff", &file));
    assert!(r.html.contains(
        "<span class=\"cda-media\"><img class=\"cda-image\" alt=\"image SCAN1\" src=\"data:image/png;base64,"
    ));
    assert_eq!(
        pngs(&r.html),
        vec![(3, 1, png::ColorType::Grayscale, png::BitDepth::Eight, vec![0, 128, 255])]
    );
}

#[test]
fn the_bytes_decide_not_the_declared_type() {
    let file = encoded(|e| e.write_image::<tiff::encoder::colortype::Gray8>(1, 1, &[7]).expect("written"));
    let r = render_xml(&multimedia_document("image/png", &file));
    assert_eq!(pngs(&r.html).len(), 1, "a TIFF declared PNG is still a TIFF: converted");
    let r = render_xml(&body_document("image/tiff", b"<svg onload=\"alert(1)\"/>"));
    assert!(!r.html.contains("<img") && !r.html.contains("onload"));
    reported(&r.report, "not-an-image", "image/tiff");
}

#[test]
fn a_bilevel_fax_page_stays_one_bit_and_white_is_white() {
    // WhiteIsZero (photometric 0), as fax servers write: a set bit is black.
    let page = Page {
        width: 10,
        height: 2,
        bits: 1,
        samples: 1,
        photometric: 0,
        data: vec![0b1000_0000, 0b0000_0000, 0b0000_0000, 0b0100_0000],
        color_map: None,
        extra: Vec::new(),
    };
    let r = render_xml(&body_document("image/tiff", &handwritten(&[page])));
    assert!(r.report.is_empty(), "{:#?}", r.report);
    let images = pngs(&r.html);
    let (width, height, color, depth, pixels) = &images[0];
    assert_eq!((*width, *height, *color, *depth), (10, 2, png::ColorType::Grayscale, png::BitDepth::One));
    // one bit per pixel in PNG, 1 = white: the black pixels (0,0) and (9,1) are the cleared
    // bits (the six bits padding each row are left out)
    let rows: Vec<u8> =
        pixels.iter().enumerate().map(|(i, b)| if i % 2 == 1 { b & 0b1100_0000 } else { *b }).collect();
    assert_eq!(rows, vec![0b0111_1111, 0b1100_0000, 0b1111_1111, 0b1000_0000]);
}

/// The pixels of the first PNG of `html`, expanded to 8-bit RGB(A) as a browser shows them.
fn first_png_rgb(html: &str) -> (png::ColorType, Vec<u8>) {
    let part = html.split("src=\"data:image/png;base64,").nth(1).expect("a PNG");
    let bytes = base64::engine::general_purpose::STANDARD.decode(&part[..part.find('"').unwrap()]).unwrap();
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("a PNG");
    let stored = reader.info().color_type;
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    pixels.truncate(info.buffer_size());
    (stored, pixels)
}

fn palette_page(bits: u16, data: Vec<u8>, color_map: Vec<u16>) -> Page {
    let width = 8 / u32::from(bits) * data.len() as u32;
    Page {
        width,
        height: 1,
        bits,
        samples: 1,
        photometric: 3,
        data,
        color_map: Some(color_map),
        extra: Vec::new(),
    }
}

#[test]
fn a_palette_tiff_is_shown_in_its_own_colours() {
    // 2-bit indices 0, 1, 2, 3; TIFF's colour map lists the reds, then greens, then blues
    let map = vec![
        0xFFFF, 0x0000, 0x0000, 0x8000, // red
        0x0000, 0xFFFF, 0x0000, 0x8000, // green
        0x0000, 0x0000, 0xFFFF, 0x8000, // blue
    ];
    let page = palette_page(2, vec![0b00_01_10_11], map);
    let r = render_xml(&body_document("image/tiff", &handwritten(&[page])));
    assert!(r.report.is_empty(), "{:#?}", r.report);
    let (stored, pixels) = first_png_rgb(&r.html);
    assert_eq!(stored, png::ColorType::Indexed, "kept as an indexed PNG, as small as the TIFF");
    assert_eq!(pixels, [255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128]);

    // each page of a file is what it says: gray, then palette
    let two_colours = vec![0x0000, 0xFFFF, 0x0000, 0xFFFF, 0xFFFF, 0x0000];
    let pages = [gray_page(2, 1, vec![0, 255]), palette_page(1, vec![0b0100_0000], two_colours)];
    let r = render_xml(&body_document("image/tiff", &handwritten(&pages)));
    assert!(r.report.is_empty(), "{:#?}", r.report);
    let images = pngs(&r.html);
    assert_eq!(images.len(), 2);
    assert_eq!((images[0].2, images[1].2), (png::ColorType::Grayscale, png::ColorType::Indexed));
}

#[test]
fn a_palette_tiff_that_cannot_be_shown_is_a_placeholder_and_a_report_item() {
    // a colour map too short for 2-bit colours
    let page = palette_page(2, vec![0b00_01_10_11], vec![0x8000; 9]);
    let r = render_xml(&body_document("image/tiff", &handwritten(&[page])));
    assert!(!r.html.contains("<img"));
    reported(&r.report, "unreadable-image", "colour map of 9 values");
    // 16-bit colour indices: no PNG holds them
    let page = Page {
        width: 1,
        height: 1,
        bits: 16,
        samples: 1,
        photometric: 3,
        data: vec![0, 0],
        color_map: Some(vec![0; 3 * 65536]),
        extra: Vec::new(),
    };
    let r = render_xml(&body_document("image/tiff", &handwritten(&[page])));
    assert!(!r.html.contains("<img"));
    assert!(r.html.contains("[image TIFF, page 1 : format non pris en charge]"), "{}", r.html);
    reported(&r.report, "unreadable-image", "RGBPalette");
}

#[test]
fn signed_samples_are_a_format_not_converted() {
    let mut page = gray_page(2, 1, vec![0x80, 0x7F]);
    page.extra = vec![(339, 3, 1, 2)]; // SampleFormat: signed integers
    let r = render_xml(&body_document("image/tiff", &handwritten(&[page])));
    assert!(!r.html.contains("<img"));
    assert!(r.html.contains("[image TIFF, page 1 : format non pris en charge]"), "{}", r.html);
    reported(&r.report, "unreadable-image", "Int");
}

#[test]
fn sixteen_bit_and_cmyk_pages_become_eight_bit_rgb_or_gray() {
    let gray16 = encoded(|e| {
        e.write_image::<tiff::encoder::colortype::Gray16>(2, 1, &[0x0000, 0xFF00]).expect("written")
    });
    let r = render_xml(&body_document("image/tiff", &gray16));
    assert_eq!(pngs(&r.html), vec![(2, 1, png::ColorType::Grayscale, png::BitDepth::Eight, vec![0, 255])]);

    let cmyk = encoded(|e| {
        e.write_image::<tiff::encoder::colortype::CMYK8>(2, 1, &[0, 0, 0, 0, 0, 255, 255, 0])
            .expect("written")
    });
    let r = render_xml(&body_document("image/tiff", &cmyk));
    assert_eq!(
        pngs(&r.html),
        vec![(2, 1, png::ColorType::Rgb, png::BitDepth::Eight, vec![255, 255, 255, 255, 0, 0])],
        "white, then magenta + yellow = red"
    );
}

#[test]
fn every_page_of_a_multi_page_tiff_is_shown_and_labelled() {
    let file = encoded(|e| {
        for shade in [10u8, 20, 30] {
            e.write_image::<tiff::encoder::colortype::Gray8>(2, 2, &[shade; 4]).expect("written");
        }
    });
    let r = render_xml(&body_document("image/tiff", &file));
    assert!(r.report.is_empty(), "{:#?}", r.report);
    let images = pngs(&r.html);
    assert_eq!(images.iter().map(|i| i.4[0]).collect::<Vec<_>>(), vec![10, 20, 30], "in page order");
    for n in 1..=3 {
        assert!(r.html.contains(&format!("<span class=\"vg-page\">page {n} / 3</span>")), "{}", r.html);
    }
}

#[test]
fn pages_past_the_limit_are_counted_said_and_reported() {
    let file = encoded(|e| {
        for shade in 0..5u8 {
            e.write_image::<tiff::encoder::colortype::Gray8>(1, 1, &[shade]).expect("written");
        }
    });
    let options = RenderOptions { max_image_pages: 2, ..RenderOptions::default() };
    let r = render_with(&body_document("image/tiff", &file), &options);
    assert_eq!(pngs(&r.html).len(), 2);
    assert!(r.html.contains("page 2 / 5") && r.html.contains("[image TIFF : pages 3 à 5 non affichées]"));
    reported(&r.report, "image-limit", "5 pages");
}

// ---------------------------------------------------------------- TIFF, hostile

#[test]
fn a_tiff_bomb_is_refused_before_decoding_with_a_placeholder_and_a_report_item() {
    // 100 000 × 100 000 pixels (10 Gpx, 10 GB decoded) declared over 16 bytes of data
    let bomb = handwritten(&[gray_page(100_000, 100_000, vec![0; 16])]);
    assert!(bomb.len() < 200, "a tiny file: {} bytes", bomb.len());
    let started = Instant::now();
    let r = render_xml(&body_document("image/tiff", &bomb));
    assert!(started.elapsed() < Duration::from_secs(2), "refused at once: {:?}", started.elapsed());
    assert!(!r.html.contains("<img"));
    assert!(r.html.contains("100000 × 100000 pixels : trop grande, non affichée"), "{}", r.html);
    let item = reported(&r.report, "image-limit", "100000 × 100000");
    assert_eq!(item.position.map(|p| (p.line, p.column)), Some((4, 1)), "the nonXMLBody");

    // the same in a narrative, and a page wide enough to pass the pixel count but not the side
    let r = render_xml(&multimedia_document("image/tiff", &bomb));
    assert!(r.html.contains("<span class=\"cda-media\"><span class=\"vg-placeholder\">"), "{}", r.html);
    reported(&r.report, "image-limit", "100000 × 100000");
    let ribbon = handwritten(&[gray_page(4_000_000, 1, vec![0; 16])]);
    reported(&render_xml(&body_document("image/tiff", &ribbon)).report, "image-limit", "4000000 × 1");
}

#[test]
fn the_memory_limit_counts_the_pages_together() {
    let file = encoded(|e| {
        for _ in 0..3 {
            e.write_image::<tiff::encoder::colortype::RGB8>(10, 10, &[0; 300]).expect("written");
        }
    });
    // 300 bytes a page: two pages fit in 700 bytes, not the third
    let options = RenderOptions { max_decoded_image_bytes: 700, ..RenderOptions::default() };
    let r = render_with(&body_document("image/tiff", &file), &options);
    assert_eq!(pngs(&r.html).len(), 2);
    assert!(r.html.contains("[image TIFF, page 3 et suivantes : trop grandes, non affichées]"), "{}", r.html);
    reported(&r.report, "image-limit", "page 3");
}

#[test]
fn a_truncated_tiff_is_an_unreadable_image_not_a_crash() {
    let rgb: Vec<u8> = (0..64 * 64 * 3).map(|i| (i % 251) as u8).collect();
    let file = encoded(|e| e.write_image::<tiff::encoder::colortype::RGB8>(64, 64, &rgb).expect("written"));
    // the encoder writes the pixels first, the directory last: cut the directory's entries
    let cut = &file[..file.len() - 40];
    let r = render_xml(&body_document("image/tiff", cut));
    assert!(!r.html.contains("<img"));
    assert!(r.html.contains("[image TIFF illisible, page 1]"), "{}", r.html);
    reported(&r.report, "unreadable-image", "page 1");

    // a whole directory over a strip of 100 bytes where 64 × 64 are due
    let short = handwritten(&[gray_page(64, 64, vec![0; 100])]);
    let r = render_xml(&body_document("image/tiff", &short));
    assert!(!r.html.contains("<img"));
    reported(&r.report, "unreadable-image", "page 1");
}

#[test]
fn garbage_after_a_tiff_signature_never_panics() {
    let valid = handwritten(&[
        gray_page(8, 8, vec![200; 64]),
        Page {
            width: 4,
            height: 1,
            bits: 2,
            samples: 1,
            photometric: 3,
            data: vec![0b00_01_10_11],
            color_map: Some(vec![0x8000; 12]),
            extra: Vec::new(),
        },
    ]);
    // every prefix, and the file with bytes overwritten by a fixed pseudo-random sequence
    let mut seed = 0x2545_f491_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let mut variants: Vec<Vec<u8>> = (4..valid.len()).map(|n| valid[..n].to_vec()).collect();
    for _ in 0..300 {
        let mut v = valid.clone();
        for _ in 0..4 {
            let at = 4 + next() as usize % (v.len() - 4);
            v[at] = next() as u8;
        }
        variants.push(v);
    }
    for bytes in &variants {
        let r = render_xml(&body_document("image/tiff", bytes));
        let shown = r.html.matches("<img").count();
        assert!(shown > 0 || !r.report.is_empty(), "an image, or a reason in the report");
    }
}

#[test]
fn a_jpeg_in_tiff_page_with_a_one_byte_table_is_unreadable() {
    // JPEG compression (7) and JPEGTables (347) of one byte: the decoder strips the table's
    // two-byte end marker, which a careless slice would underflow
    let mut page = gray_page(8, 8, vec![0xFF, 0xD8, 0xFF, 0xD9]);
    page.extra = vec![(259, 3, 1, 7), (347, 7, 1, 0xFF)];
    let r = render_xml(&body_document("image/tiff", &handwritten(&[page])));
    assert!(!r.html.contains("<img"));
    assert!(
        r.report.iter().any(|n| n.code == "unreadable-image" && n.what.contains("page 1")),
        "{:#?}",
        r.report
    );
}

// ---------------------------------------------------------------- snapshot

#[test]
fn snapshot_tiff_pages_and_a_bomb() {
    let pages = encoded(|e| {
        for shade in [0u8, 255] {
            e.write_image::<tiff::encoder::colortype::Gray8>(2, 2, &[shade; 4]).expect("written");
        }
    });
    let bomb = handwritten(&[gray_page(100_000, 100_000, vec![0; 16])]);
    let xml = format!(
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n\
         <title>Examens numérisés</title>\n<component><structuredBody><component><section><title>Pièces</title>\n\
         <text><paragraph>Courrier :</paragraph><renderMultiMedia referencedObject=\"P\"/>\
         <paragraph>Image piégée :</paragraph><renderMultiMedia referencedObject=\"B\"/></text>\n\
         <entry><observationMedia classCode=\"OBS\" moodCode=\"EVN\" ID=\"P\">\
         <value xsi:type=\"ED\" mediaType=\"image/tiff\" representation=\"B64\">{}</value></observationMedia></entry>\n\
         <entry><observationMedia classCode=\"OBS\" moodCode=\"EVN\" ID=\"B\">\
         <value xsi:type=\"ED\" mediaType=\"image/tiff\" representation=\"B64\">{}</value></observationMedia></entry>\n\
         </section></component></structuredBody></component>\n</ClinicalDocument>\n",
        b64(&pages),
        b64(&bomb)
    );
    let r = render_xml(&xml);
    insta::assert_snapshot!("tiff-pages-and-bomb", common::reviewable(&r.html));
    insta::assert_snapshot!("tiff-pages-and-bomb-report", vigie::render::report_text(&r.report));
}

// ---------------------------------------------------------------- the page in the app

#[test]
fn the_embedded_page_leaves_the_attachments_list_to_the_app_and_keeps_the_images() {
    let file = encoded(|e| e.write_image::<tiff::encoder::colortype::Gray8>(1, 1, &[9]).expect("written"));
    let xml = multimedia_document("image/tiff", &file);
    let standalone = render_xml(&xml).html;
    assert!(standalone.contains("<section class=\"vg-attachments\">"), "vigie render lists them");
    let embedded = render_with(&xml, &RenderOptions::embedded()).html;
    assert!(!embedded.contains("<section class=\"vg-attachments\">"), "{embedded}");
    assert_eq!(pngs(&embedded).len(), 1, "the image stays where the narrative shows it");
    let pdf = render_with(&body_document("application/pdf", b"%PDF-1.4"), &RenderOptions::embedded()).html;
    assert!(!pdf.contains("<section class=\"vg-attachments\">") && pdf.contains("Document PDF (~"));
}

// ---------------------------------------------------------------- RTF bodies

const LETTER: &str = r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}{\colortbl;\red0\green0\blue0;}
{\info{\author Dr Martin}{\title Lettre}}{\header\pard En-t\'eate du cabinet\par}
\pard\f0\fs20 Cher confr\'e8re,\par
Votre patiente a \'e9t\'e9 vue le 3 mars : r\u233?sultats \u224? contr\u244?ler.\par
{\b Traitement}\tab Dose\line Parac\'e9tamol\tab 1 g\par
{\pict\pngblip\picw10\pich10 89504e470d0a1a0a}\par
Bien confraternellement.\par}";

#[test]
fn an_rtf_body_is_shown_as_its_text_with_french_accents() {
    for media_type in ["text/rtf", "application/rtf"] {
        let r = render_xml(&body_document(media_type, LETTER.as_bytes()));
        let start = r.html.find("<div class=\"vg-rtf\">").expect("the RTF text") + 20;
        let text = &r.html[start..start + r.html[start..].find("</div>").expect("its end")];
        assert_eq!(
            text,
            "Cher confrère,\nVotre patiente a été vue le 3 mars : résultats à contrôler.\n\
             Traitement\tDose\nParacétamol\t1 g\n\
             <span class=\"vg-placeholder\">[image du document RTF non affichée]</span>\n\
             Bien confraternellement.",
            "{media_type}"
        );
        let body = &r.html[r.html.find("<body>").expect("a body")..];
        assert!(!body.contains("Arial") && !body.contains("Dr Martin") && !body.contains("cabinet"));
        assert_eq!(r.report.len(), 1, "{:#?}", r.report);
        reported(&r.report, "rtf-picture", "1 image");
    }
}

#[test]
fn a_body_declared_rtf_that_is_not_is_a_placeholder_and_a_report_item() {
    let r = render_xml(&body_document("text/rtf", b"<html><script>alert(1)</script></html>"));
    assert!(!r.html.contains("<script") && !r.html.contains("alert"), "nothing of it is shown");
    assert!(r.html.contains("Corps text/rtf illisible : son contenu n&#39;est pas du RTF."), "{}", r.html);
    reported(&r.report, "unreadable-body", "text/rtf");
}

#[test]
fn hostile_rtf_is_cut_at_the_limits_and_escaped() {
    let deep = format!(
        r"{{\rtf1 d\'e9but {}cach\'e9{} fin <script>alert(1)</script>}}",
        "{".repeat(5000),
        "}".repeat(5000)
    );
    let r = render_xml(&body_document("text/rtf", deep.as_bytes()));
    assert!(r.html.contains("début  fin &lt;script&gt;alert(1)&lt;/script&gt;</div>"), "{}", r.html);
    assert!(!r.html.contains("caché"), "groups past the depth limit are left out");
    reported(&r.report, "text-limit", "100 niveaux");

    let long = format!(r"{{\rtf1 {}}}", "x".repeat(2000));
    let options = RenderOptions { max_text_bytes: 1000, ..RenderOptions::default() };
    let r = render_with(&body_document("text/rtf", long.as_bytes()), &options);
    assert!(r.html.contains("[texte non affiché"), "a body over the size limit is not decoded");
    reported(&r.report, "text-limit", "text/rtf");
}

#[test]
fn snapshot_rtf_letter() {
    let r = render_xml(&body_document("text/rtf", LETTER.as_bytes()));
    insta::assert_snapshot!("rtf-letter", common::reviewable(&r.html));
}
