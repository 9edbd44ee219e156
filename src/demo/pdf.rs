//! A minimal, valid PDF 1.4 writer for the PDF-only (*N1*) demo documents: one A4 page of
//! text in the standard Helvetica fonts, WinAnsi-encoded so French accents show, with an
//! exact cross-reference table. Enough for a viewer to display it and for a text extractor
//! to find the words; nothing more (no images, no compression, no fonts embedded).

use chrono::NaiveDateTime;

/// One line of the page: bold lines are set larger, as headings.
#[derive(Debug, Clone)]
pub(crate) enum Line {
    Heading(String),
    Text(String),
    Blank,
}

const PAGE_WIDTH: u32 = 595;
const PAGE_HEIGHT: u32 = 842;
const MARGIN: u32 = 56;
/// Characters per line at 10 pt Helvetica within the margins (a conservative average).
const WRAP_AT: usize = 92;
const MAX_LINES: usize = 60;

/// A one-page PDF showing `lines`, with `title` and `created` in its document information.
pub(crate) fn simple_pdf(title: &str, lines: &[Line], created: NaiveDateTime) -> Vec<u8> {
    let content = page_content(lines);
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
        {
            let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
            stream.extend_from_slice(&content);
            stream.extend_from_slice(b"\nendstream");
            stream
        },
        {
            let date = created.format("D:%Y%m%d%H%M%S").to_string();
            let mut info = b"<< /Title ".to_vec();
            info.extend(pdf_text_string(title));
            info.extend_from_slice(b" /Producer (Vigie demo) /CreationDate ");
            info.extend(pdf_string(&date));
            info.extend_from_slice(b" >>");
            info
        },
    ];

    // The second line's high bytes tell transfer tools the file is binary.
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n", objects.len() + 1).as_bytes());
    // Each entry is exactly 20 bytes, its end-of-line being a space and a line feed.
    out.extend_from_slice(b"0000000000 65535 f \n");
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The page's content stream: one text object, one `Tj` per line.
fn page_content(lines: &[Line]) -> Vec<u8> {
    let mut out = format!("BT\n{MARGIN} {} Td\n", PAGE_HEIGHT - MARGIN).into_bytes();
    let mut written = 0;
    for line in lines {
        let (font, leading, texts) = match line {
            Line::Heading(text) => ("/F2 13 Tf", 20, vec![text.clone()]),
            Line::Text(text) => ("/F1 10 Tf", 14, wrap(text, WRAP_AT)),
            Line::Blank => ("/F1 10 Tf", 10, vec![String::new()]),
        };
        for text in texts {
            if written == MAX_LINES {
                break;
            }
            written += 1;
            out.extend_from_slice(format!("{font} 0 -{leading} Td ").as_bytes());
            out.extend(pdf_string(&text));
            out.extend_from_slice(b" Tj\n");
        }
    }
    out.extend_from_slice(b"ET");
    out
}

/// Splits `text` at spaces into lines of at most `width` characters (a longer word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let needed = current.chars().count() + word.chars().count() + 1;
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
}

/// A PDF literal string in WinAnsiEncoding: `( ) \` escaped, bytes above 0x7E written as
/// octal escapes so the file stays 7-bit outside its binary marker; characters WinAnsi
/// lacks become `?`.
fn pdf_string(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let byte = win_ansi(c).unwrap_or(b'?');
        match byte {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(byte);
            }
            0x20..=0x7E => out.push(byte),
            _ => out.extend_from_slice(format!("\\{byte:03o}").as_bytes()),
        }
    }
    out.push(b')');
    out
}

/// A PDF *text string* (document information, outlines): UTF-16BE with a byte order mark,
/// written in hexadecimal. Unlike page text, these are not in the font's encoding.
fn pdf_text_string(text: &str) -> Vec<u8> {
    let mut out = b"<FEFF".to_vec();
    for unit in text.encode_utf16() {
        out.extend_from_slice(format!("{unit:04X}").as_bytes());
    }
    out.push(b'>');
    out
}

/// The WinAnsiEncoding (Windows-1252) byte of `c`, if it has one.
fn win_ansi(c: char) -> Option<u8> {
    let code = c as u32;
    match code {
        0x20..=0x7E | 0xA0..=0xFF => Some(code as u8),
        _ => Some(match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => return None,
        }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
        haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
    }

    fn number_at(pdf: &[u8], at: usize) -> Option<usize> {
        let digits: String =
            pdf.get(at..)?.iter().take_while(|b| b.is_ascii_digit()).map(|&b| b as char).collect();
        digits.parse().ok()
    }

    /// Checks the structure a reader relies on: header, trailer, `startxref` pointing at the
    /// `xref` table, each in-use entry pointing at `N 0 obj`, and each stream's `/Length`.
    /// Works on bytes: the binary marker line is not UTF-8.
    pub(crate) fn check_pdf_structure(pdf: &[u8]) -> Result<(), String> {
        if !pdf.starts_with(b"%PDF-1.4\n") {
            return Err("missing %PDF-1.4 header".into());
        }
        if !pdf.ends_with(b"%%EOF\n") {
            return Err("missing %%EOF".into());
        }
        let marker = pdf.windows(10).rposition(|w| w == b"startxref\n").ok_or("no startxref")?;
        let xref_at = number_at(pdf, marker + 10).ok_or("startxref is not a number")?;
        if !pdf.get(xref_at..).is_some_and(|t| t.starts_with(b"xref\n0 ")) {
            return Err(format!("startxref {xref_at} does not point at the xref table"));
        }
        let count_at = xref_at + "xref\n0 ".len();
        let count = number_at(pdf, count_at).ok_or("bad xref subsection header")?;
        let first_entry = count_at + count.to_string().len() + 1;
        for n in 0..count {
            let entry_at = first_entry + 20 * n;
            let entry = pdf.get(entry_at..entry_at + 20).ok_or("xref table truncated")?;
            let entry = std::str::from_utf8(entry).map_err(|e| e.to_string())?;
            if !entry.ends_with(" \n") {
                return Err(format!("xref entry {n} is not 20 bytes: {entry:?}"));
            }
            if n == 0 {
                if !entry.starts_with("0000000000 65535 f") {
                    return Err("xref entry 0 is not the free-list head".into());
                }
                continue;
            }
            let offset: usize = entry[..10].parse().map_err(|_| format!("entry {n}"))?;
            let expected = format!("{n} 0 obj");
            if !pdf.get(offset..).is_some_and(|t| t.starts_with(expected.as_bytes())) {
                return Err(format!("xref entry {n} points at byte {offset}, not at `{expected}`"));
            }
        }
        // Every stream's declared length must end exactly before `endstream`.
        let mut search = 0;
        while let Some(found) = find(pdf, b"/Length ", search) {
            let at = found + "/Length ".len();
            let length = number_at(pdf, at).ok_or("bad /Length")?;
            let data = find(pdf, b"stream\n", at).ok_or("no stream")? + "stream\n".len();
            if !pdf.get(data + length..).is_some_and(|t| t.starts_with(b"\nendstream")) {
                return Err(format!("stream at {data}: /Length {length} is wrong"));
            }
            search = data + length;
        }
        Ok(())
    }

    fn sample() -> Vec<u8> {
        let created = NaiveDate::from_ymd_opt(2024, 7, 12).and_then(|d| d.and_hms_opt(16, 30, 0)).unwrap();
        simple_pdf(
            "Lettre de liaison (test)",
            &[
                Line::Heading("LETTRE DE LIAISON À LA SORTIE".into()),
                Line::Blank,
                Line::Text("Reflux gastro-œsophagien probable — traitement : 20 mg (1/j) \\ fin.".into()),
                Line::Text("mot ".repeat(60)),
            ],
            created,
        )
    }

    #[test]
    fn cross_reference_table_points_at_every_object() {
        check_pdf_structure(&sample()).unwrap();
    }

    #[test]
    fn french_text_is_encoded_in_win_ansi_and_delimiters_are_escaped() {
        let pdf = sample();
        let text = String::from_utf8_lossy(&pdf);
        // À = 0xC0 = \300, œ = 0x9C = \234, — = 0x97 = \227
        assert!(text.contains("(LETTRE DE LIAISON \\300 LA SORTIE) Tj"));
        assert!(text.contains("gastro-\\234sophagien probable \\227 traitement : 20 mg \\(1/j\\) \\\\ fin."));
        // "Lettre" in UTF-16BE after the byte order mark.
        assert!(text.contains("/Title <FEFF004C0065007400740072006500"));
    }

    #[test]
    fn long_lines_are_wrapped() {
        let lines = wrap(&"mot ".repeat(60), WRAP_AT);
        assert!(lines.len() >= 3);
        assert!(lines.iter().all(|l| l.chars().count() <= WRAP_AT));
    }

    #[test]
    fn a_broken_offset_is_detected() {
        let mut pdf = sample();
        let at = pdf.windows(4).position(|w| w == b"2 0 ").unwrap();
        pdf.insert(at, b' ');
        assert!(check_pdf_structure(&pdf).is_err());
    }
}
