//! The text of an RTF file: what a reader sees, without the formatting.
//!
//! Some producers send letters as RTF (`nonXMLBody mediaType="text/rtf"`). No maintained
//! crate extracts RTF text safely (rtf-parser panics on malformed input, slices `str`s by byte
//! index and pulls in wasm-bindgen), so this is a small reader of the RTF 1.9 syntax over
//! bytes: groups, control words and symbols, `\par`/`\line`/`\tab` and the other characters
//! control words stand for, `\'hh` bytes in the document's code page (`\ansicpg`, Windows-1252
//! when none; encoding_rs decodes), `\uN` with the `\ucN` replacement characters skipped,
//! `\binN` data skipped. Destinations that are not text (font, colour and style tables,
//! document info, pictures, headers and footers, field instructions, any `{\*\...}`) are left
//! out; each picture is a [`Piece::Picture`] where it stood.
//!
//! Never panics, whatever the bytes: every index is checked. Groups nested deeper than
//! [`RtfLimits::max_depth`] are left out and the text is cut at
//! [`RtfLimits::max_chars`]; both are said in [`RtfText::limits`].

use encoding_rs::Encoding;

/// What the reader may spend.
#[derive(Debug, Clone, Copy)]
pub struct RtfLimits {
    /// Deepest group read; deeper ones are left out.
    pub max_depth: usize,
    /// Characters of text kept; the rest is cut.
    pub max_chars: usize,
}

impl Default for RtfLimits {
    fn default() -> Self {
        Self { max_depth: 100, max_chars: 4 * 1024 * 1024 }
    }
}

/// The text of an RTF file, in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RtfText {
    pub pieces: Vec<Piece>,
    /// Pictures left out (each also a [`Piece::Picture`]).
    pub pictures: usize,
    /// The limits hit, in the order they were.
    pub limits: Vec<RtfLimitHit>,
}

impl RtfText {
    /// The text alone, pictures left out.
    pub fn text(&self) -> String {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Text(t) => Some(t.as_str()),
                Piece::Picture => None,
            })
            .collect()
    }
}

/// A stretch of text, or a picture that is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text; paragraphs and line breaks are `\n`, tabs and table cells `\t`.
    Text(String),
    Picture,
}

/// A limit of [`RtfLimits`] that was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtfLimitHit {
    /// Groups deeper than `max_depth` were left out.
    Depth { max_depth: usize },
    /// The text was cut after `max_chars` characters.
    Chars { max_chars: usize },
}

/// Whether `bytes` start as RTF does (`{\rtf`, after any white space).
pub fn is_rtf(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    bytes.get(start..).is_some_and(|b| b.starts_with(b"{\\rtf"))
}

/// The text of `bytes`, read as RTF within `limits`. Bytes that are not RTF give whatever
/// text a reader of RTF would see in them; check [`is_rtf`] first.
pub fn extract(bytes: &[u8], limits: &RtfLimits) -> RtfText {
    let mut reader = Reader::new(bytes, *limits);
    reader.run();
    reader.finish()
}

/// Destinations whose content is not text for the reader.
const SKIPPED_DESTINATIONS: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "listtable",
    "listoverridetable",
    "revtbl",
    "rsidtbl",
    "info",
    "pict",
    "nonshppict",
    "shpinst",
    "header",
    "headerl",
    "headerr",
    "headerf",
    "footer",
    "footerl",
    "footerr",
    "footerf",
    "fldinst",
    "objdata",
    "objclass",
    "themedata",
    "colorschememapping",
    "latentstyles",
    "datastore",
    "xmlnstbl",
    "generator",
    "filetbl",
    "pgdsctbl",
    "bkmkstart",
    "bkmkend",
    "xe",
    "tc",
    "atnid",
    "atnauthor",
    "template",
    "userprops",
    "docvar",
    "private",
];

/// Longest control word read (the specification's 32 letters), and digits of a parameter.
const MAX_WORD: usize = 32;
const MAX_DIGITS: usize = 10;

/// The state a group carries: whether its content is skipped, and the `\uc` count.
#[derive(Clone, Copy)]
struct Group {
    skip: bool,
    uc: usize,
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
    limits: RtfLimits,
    groups: Vec<Group>,
    /// Groups opened past `max_depth`, not pushed: their content is left out.
    too_deep: usize,
    encoding: &'static Encoding,
    /// Bytes in the code page (`\'hh` and raw bytes over 0x7F) waiting to be decoded together,
    /// so that a two-byte character of an Asian code page stays whole.
    pending: Vec<u8>,
    /// Replacement characters of a `\u` still to skip.
    skip_chars: usize,
    /// Whether the next control word of the group names a destination (`{\*\word`, or the
    /// word right after `{`).
    group_start: bool,
    text: String,
    chars: usize,
    out: RtfText,
}

impl<'b> Reader<'b> {
    fn new(bytes: &'b [u8], limits: RtfLimits) -> Self {
        Self {
            bytes,
            at: 0,
            limits,
            groups: vec![Group { skip: false, uc: 1 }],
            too_deep: 0,
            encoding: encoding_rs::WINDOWS_1252,
            pending: Vec::new(),
            skip_chars: 0,
            group_start: false,
            text: String::new(),
            chars: 0,
            out: RtfText::default(),
        }
    }

    fn group(&self) -> Group {
        self.groups.last().copied().unwrap_or(Group { skip: false, uc: 1 })
    }

    fn skipping(&self) -> bool {
        self.too_deep > 0 || self.group().skip
    }

    fn full(&self) -> bool {
        self.out.limits.iter().any(|l| matches!(l, RtfLimitHit::Chars { .. }))
    }

    fn run(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            if self.full() {
                return;
            }
            self.at += 1;
            match b {
                b'{' => self.open(),
                b'}' => self.close(),
                b'\\' => self.control(),
                b'\r' | b'\n' => {}
                _ => {
                    self.group_start = false;
                    self.byte(b);
                }
            }
        }
    }

    fn open(&mut self) {
        self.flush();
        self.skip_chars = 0;
        if self.too_deep > 0 || self.groups.len() > self.limits.max_depth {
            if self.too_deep == 0 && !self.group().skip {
                self.hit(RtfLimitHit::Depth { max_depth: self.limits.max_depth });
            }
            self.too_deep += 1;
            return;
        }
        let group = self.group();
        self.groups.push(group);
        self.group_start = true;
    }

    fn close(&mut self) {
        self.flush();
        self.skip_chars = 0;
        self.group_start = false;
        if self.too_deep > 0 {
            self.too_deep -= 1;
        } else if self.groups.len() > 1 {
            self.groups.pop();
        }
    }

    /// After a backslash: a control word, a control symbol or `\'hh`.
    fn control(&mut self) {
        let Some(&b) = self.bytes.get(self.at) else { return };
        if b.is_ascii_alphabetic() {
            self.word();
            return;
        }
        self.at += 1;
        let starts_group = std::mem::take(&mut self.group_start);
        match b {
            b'\'' => {
                let hex = self.bytes.get(self.at..self.at + 2).and_then(|h| {
                    let digit = |c: u8| (c as char).to_digit(16);
                    Some(digit(h[0])? * 16 + digit(h[1])?)
                });
                if let Some(value) = hex {
                    self.at += 2;
                    self.escaped_byte(value as u8);
                }
            }
            // `{\*\destination}`: a destination this reader may not know; all are left out but
            // Word's pictures (`{\*\shppict{\pict…}}`, beside a `\nonshppict` copy for older
            // readers), counted as one picture
            b'*' if starts_group
                && !self.bytes.get(self.at..).is_some_and(|b| b.starts_with(b"\\shppict")) =>
            {
                self.skip_group()
            }
            _ if self.skip_chars > 0 => self.skip_chars -= 1,
            b'\\' | b'{' | b'}' => self.byte(b),
            b'~' => self.char('\u{a0}'),
            b'_' => self.char('\u{2011}'),
            b'\r' | b'\n' => self.char('\n'),
            // `\-` optional hyphen, `\:` index subentry, anything else: nothing to show
            _ => {}
        }
    }

    fn word(&mut self) {
        let start = self.at;
        while self.at - start < MAX_WORD && self.bytes.get(self.at).is_some_and(u8::is_ascii_alphabetic) {
            self.at += 1;
        }
        let word = std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or("");
        // a longer run of letters is the next word, or text: the specification stops at 32
        let negative = self.bytes.get(self.at) == Some(&b'-')
            && self.bytes.get(self.at + 1).is_some_and(u8::is_ascii_digit);
        if negative {
            self.at += 1;
        }
        let digits_start = self.at;
        while self.at - digits_start < MAX_DIGITS && self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        let parameter = std::str::from_utf8(&self.bytes[digits_start..self.at])
            .ok()
            .filter(|d| !d.is_empty())
            .and_then(|d| d.parse::<i64>().ok())
            .map(|n| if negative { -n } else { n });
        if self.bytes.get(self.at) == Some(&b' ') {
            self.at += 1;
        }
        let starts_group = std::mem::take(&mut self.group_start);
        if starts_group && SKIPPED_DESTINATIONS.contains(&word) {
            if word == "pict" && !self.skipping() {
                self.flush();
                self.out.pictures += 1;
                self.push_piece(Piece::Picture);
            }
            self.skip_group();
            return;
        }
        self.control_word(word, parameter);
    }

    fn control_word(&mut self, word: &str, parameter: Option<i64>) {
        if word == "bin" {
            // binary data: skipped, whatever the group; one replacement character of a `\u`
            let length = usize::try_from(parameter.unwrap_or(0)).unwrap_or(0);
            self.at = self.at.saturating_add(length).min(self.bytes.len());
            self.skip_chars = self.skip_chars.saturating_sub(1);
            return;
        }
        if self.skip_chars > 0 {
            // a control word stands for one replacement character of a `\u`
            self.skip_chars -= 1;
            return;
        }
        match word {
            "u" => {
                if let Some(n) = parameter {
                    // 16-bit signed in RTF: negative values are the upper half
                    let code = if n < 0 { n + 65_536 } else { n };
                    let c = u32::try_from(code).ok().and_then(char::from_u32).unwrap_or('\u{fffd}');
                    self.char(c);
                    self.skip_chars = self.group().uc;
                }
            }
            "uc" => {
                if let Some(group) = self.groups.last_mut() {
                    group.uc = usize::try_from(parameter.unwrap_or(1)).unwrap_or(1).min(16);
                }
            }
            "ansicpg" => {
                if let Some(encoding) = parameter.and_then(code_page) {
                    self.flush();
                    self.encoding = encoding;
                }
            }
            "mac" => self.encoding = encoding_rs::MACINTOSH,
            "par" | "line" | "sect" | "page" | "row" => self.char('\n'),
            "tab" | "cell" | "nestcell" => self.char('\t'),
            "emdash" => self.char('—'),
            "endash" => self.char('–'),
            "bullet" => self.char('•'),
            "lquote" => self.char('‘'),
            "rquote" => self.char('’'),
            "ldblquote" => self.char('“'),
            "rdblquote" => self.char('”'),
            "emspace" | "enspace" | "qmspace" => self.char(' '),
            _ => {}
        }
    }

    /// Leaves the rest of the current group out.
    fn skip_group(&mut self) {
        if self.too_deep == 0 {
            if let Some(group) = self.groups.last_mut() {
                group.skip = true;
            }
        }
    }

    /// A byte written `\'hh`: in the code page whatever its value (the second byte of a
    /// two-byte character may look like ASCII).
    fn escaped_byte(&mut self, b: u8) {
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
        } else if !self.skipping() {
            self.pending.push(b);
        }
    }

    /// A byte of text as written.
    fn byte(&mut self, b: u8) {
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        if self.skipping() {
            return;
        }
        if b.is_ascii() {
            self.flush();
            if b >= 0x20 || b == b'\t' {
                self.push(b as char);
            }
        } else {
            self.pending.push(b);
        }
    }

    /// A character a control word stands for.
    fn char(&mut self, c: char) {
        if self.skipping() {
            return;
        }
        self.flush();
        self.push(c);
    }

    /// Decodes the bytes waiting in the code page.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        let (decoded, _) = self.encoding.decode_without_bom_handling(&bytes);
        for c in decoded.chars().filter(|c| !c.is_control() || *c == '\t') {
            self.push(c);
        }
    }

    fn push(&mut self, c: char) {
        if self.chars >= self.limits.max_chars {
            if !self.full() {
                self.hit(RtfLimitHit::Chars { max_chars: self.limits.max_chars });
            }
            return;
        }
        self.chars += 1;
        self.text.push(c);
    }

    fn push_piece(&mut self, piece: Piece) {
        if !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.out.pieces.push(Piece::Text(text));
        }
        self.out.pieces.push(piece);
    }

    fn hit(&mut self, limit: RtfLimitHit) {
        self.out.limits.push(limit);
    }

    fn finish(mut self) -> RtfText {
        self.flush();
        if !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.out.pieces.push(Piece::Text(text));
        }
        self.out
    }
}

/// The encoding of a Windows code page number (`\ansicpg1252`).
fn code_page(number: i64) -> Option<&'static Encoding> {
    Some(match number {
        874 => encoding_rs::WINDOWS_874,
        932 => encoding_rs::SHIFT_JIS,
        936 => encoding_rs::GBK,
        949 => encoding_rs::EUC_KR,
        950 => encoding_rs::BIG5,
        1250 => encoding_rs::WINDOWS_1250,
        1251 => encoding_rs::WINDOWS_1251,
        1252 => encoding_rs::WINDOWS_1252,
        1253 => encoding_rs::WINDOWS_1253,
        1254 => encoding_rs::WINDOWS_1254,
        1255 => encoding_rs::WINDOWS_1255,
        1256 => encoding_rs::WINDOWS_1256,
        1257 => encoding_rs::WINDOWS_1257,
        1258 => encoding_rs::WINDOWS_1258,
        10000 => encoding_rs::MACINTOSH,
        65001 => encoding_rs::UTF_8,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rtf: &str) -> String {
        extract(rtf.as_bytes(), &RtfLimits::default()).text()
    }

    #[test]
    fn paragraphs_lines_tabs_and_groups() {
        assert_eq!(
            text(
                r"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard Voici du texte en {\b gras}.\par Ligne\line suite\tab fin\par}"
            ),
            "Voici du texte en gras.\nLigne\nsuite\tfin\n"
        );
    }

    #[test]
    fn french_accents_in_the_code_page_and_in_unicode() {
        assert_eq!(text(r"{\rtf1\ansi\ansicpg1252 r\'e9sultat \'e0 contr\'f4ler}"), "résultat à contrôler");
        assert_eq!(text(r"{\rtf1 d\u233?j\u224? \u339?uvre}"), "déjà œuvre");
        // \uc2: two replacement characters, \'hh included, skipped after each \u
        assert_eq!(text(r"{\rtf1\uc2 caf\u233\'65\'3f !}"), "café !");
        // \uc0: none
        assert_eq!(text(r"{\rtf1\uc0 \u8364 10}"), "€10");
        // negative: the upper half of the 16-bit range
        assert_eq!(text(r"{\rtf1 \u-3913?}"), "\u{f0b7}");
        // a code page other than 1252, and two-byte characters kept whole
        assert_eq!(text(r"{\rtf1\ansi\ansicpg1251 \'cf\'f0\'e8\'e2\'e5\'f2}"), "Привет");
        assert_eq!(text(r"{\rtf1\ansi\ansicpg932 \'93\'fa\'96\'7b}"), "日本");
    }

    #[test]
    fn destinations_that_are_not_text_are_left_out() {
        let rtf = r"{\rtf1{\colortbl;\red0\green0\blue0;}{\stylesheet{\s0 Normal;}}{\info{\title Secret}{\author X}}{\header En-tête}{\*\generator Word}{\*\unknowndest caché}Compte rendu{\footer Pied}\par}";
        assert_eq!(text(rtf), "Compte rendu\n");
        // a field: its instruction left out, its result shown
        assert_eq!(
            text(r#"{\rtf1 Voir {\field{\*\fldinst HYPERLINK "http://x"}{\fldrslt le site}}.}"#),
            "Voir le site."
        );
    }

    #[test]
    fn pictures_are_counted_where_they_stand_and_binary_data_skipped() {
        let rtf = extract(
            b"{\\rtf1 Avant {\\pict\\pngblip 89504e47}apr\\'e8s {\\*\\shppict{\\pict\\bin2 {}}}\
              {\\nonshppict{\\pict\\wmetafile8 0100}}fin}",
            &RtfLimits::default(),
        );
        assert_eq!(
            rtf.pieces,
            vec![
                Piece::Text("Avant ".into()),
                Piece::Picture,
                Piece::Text("après ".into()),
                Piece::Picture,
                Piece::Text("fin".into())
            ]
        );
        assert_eq!(rtf.pictures, 2, "Word's picture once, not its copy for older readers");
        assert_eq!(text("{\\rtf1 a\\bin3 }{}b}"), "ab", "binary bytes are not syntax");
    }

    #[test]
    fn escaped_symbols_and_special_characters() {
        assert_eq!(
            text(r"{\rtf1 \{a\}\\ b\~c\_d\-e\emdash f\lquote g\rquote}"),
            "{a}\\ b\u{a0}c\u{2011}de—f‘g’"
        );
    }

    #[test]
    fn limits_cut_and_say_so() {
        let deep = format!("{{\\rtf1 haut{}profond{}bas}}", "{".repeat(200), "}".repeat(200));
        let rtf = extract(deep.as_bytes(), &RtfLimits { max_depth: 10, max_chars: 100 });
        assert_eq!(rtf.text(), "hautbas");
        assert_eq!(rtf.limits, vec![RtfLimitHit::Depth { max_depth: 10 }]);

        let long = format!("{{\\rtf1 {}}}", "a".repeat(50));
        let rtf = extract(long.as_bytes(), &RtfLimits { max_depth: 10, max_chars: 20 });
        assert_eq!(rtf.text(), "a".repeat(20));
        assert_eq!(rtf.limits, vec![RtfLimitHit::Chars { max_chars: 20 }]);
    }

    #[test]
    fn garbage_never_panics() {
        let samples: [&[u8]; 12] = [
            b"",
            b"\\",
            b"{\\rtf1 \\'",
            b"{\\rtf1 \\'e",
            b"{\\rtf1 \\'zz}",
            b"{\\rtf1 \\u",
            b"{\\rtf1 \\u99999999999999999999 }",
            b"{\\rtf1 \\bin99999999999}",
            b"}}}}{{{{",
            b"{\\rtf1 \\a\xc2\xa0}",
            b"{\\rtf1 \\'\xe2\x82\xac}",
            b"{\\rtf1 \\ucx \\uc-5 \\u233 abc}",
        ];
        for bytes in samples {
            extract(bytes, &RtfLimits::default());
        }
        // every byte value at every position of a small document
        let base = b"{\\rtf1\\ansi{\\fonttbl f;}\\uc1 a\\'e9\\u233?{\\*\\x y}\\par}".to_vec();
        for at in 0..base.len() {
            for value in 0..=255u8 {
                let mut bytes = base.clone();
                bytes[at] = value;
                extract(&bytes, &RtfLimits { max_depth: 4, max_chars: 64 });
            }
        }
    }

    #[test]
    fn recognised_by_its_start() {
        assert!(is_rtf(b"  {\\rtf1 x}"));
        assert!(!is_rtf(b"<html>"));
        assert!(!is_rtf(b""));
    }
}
