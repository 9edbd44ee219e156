//! A small XML writer for the generated documents. Every element opened is closed by the
//! same writer and every text and attribute value goes through one escaping function, so
//! what the demo writes is well-formed by construction rather than by care.

use std::fmt::Write as _;

/// Builds an indented XML document in memory.
#[derive(Debug)]
pub(crate) struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
}

/// Attributes of one element, in writing order.
pub(crate) type Attrs<'a> = &'a [(&'a str, &'a str)];

impl XmlWriter {
    /// A writer that starts with the UTF-8 XML declaration.
    pub(crate) fn new() -> Self {
        Self::with_capacity(16 * 1024)
    }

    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let mut out = String::with_capacity(capacity);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Self { out, open: Vec::new() }
    }

    /// Bytes written so far.
    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    fn start_tag(&mut self, name: &str, attrs: Attrs) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            let _ = write!(self.out, " {key}=\"");
            escape_into(&mut self.out, value, true);
            self.out.push('"');
        }
    }

    /// Opens `<name attrs>`; [`XmlWriter::close`] closes it.
    pub(crate) fn open(&mut self, name: &'static str, attrs: Attrs) {
        self.indent();
        self.start_tag(name, attrs);
        self.out.push_str(">\n");
        self.open.push(name);
    }

    /// Closes the innermost open element.
    pub(crate) fn close(&mut self) {
        if let Some(name) = self.open.pop() {
            self.indent();
            let _ = writeln!(self.out, "</{name}>");
        }
    }

    /// Writes `<name attrs/>`.
    pub(crate) fn empty(&mut self, name: &str, attrs: Attrs) {
        self.indent();
        self.start_tag(name, attrs);
        self.out.push_str("/>\n");
    }

    /// Writes `<name attrs>text</name>` on one line.
    pub(crate) fn text(&mut self, name: &str, attrs: Attrs, text: &str) {
        self.indent();
        self.start_tag(name, attrs);
        self.out.push('>');
        escape_into(&mut self.out, text, false);
        let _ = writeln!(self.out, "</{name}>");
    }

    /// Writes escaped character data on its own line, for mixed narrative content.
    pub(crate) fn chars(&mut self, text: &str) {
        self.indent();
        escape_into(&mut self.out, text, false);
        self.out.push('\n');
    }

    /// Writes `<!-- text -->`; a `--` inside would end the comment early, so it is broken up.
    pub(crate) fn comment(&mut self, text: &str) {
        self.indent();
        self.out.push_str("<!-- ");
        let mut safe = text.replace("--", "- -");
        if safe.ends_with('-') {
            safe.push(' ');
        }
        escape_into(&mut self.out, &safe, false);
        self.out.push_str(" -->\n");
    }

    /// Closes whatever is still open and returns the document.
    pub(crate) fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

/// Appends `text` escaped for XML: markup characters become entities, and characters XML 1.0
/// forbids (most C0 controls, lone surrogates cannot occur in `str`, U+FFFE/U+FFFF) become
/// U+FFFD so the output always parses.
pub(crate) fn escape_into(out: &mut String, text: &str, in_attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\'' if in_attribute => out.push_str("&apos;"),
            '\t' | '\n' | '\r' if in_attribute => {
                let _ = write!(out, "&#{};", c as u32);
            }
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// `text` escaped for XML character data or attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, true);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use quick_xml::events::Event;
    use quick_xml::Reader;

    /// Reads `xml` to the end with end-name checking on, checking every attribute (no
    /// duplicates, values unescape) and every entity reference (predefined or numeric only);
    /// returns the first error.
    pub(crate) fn check_well_formed(xml: &str) -> Result<(), String> {
        let mut reader = Reader::from_str(xml);
        reader.config_mut().check_end_names = true;
        let mut depth = 0i64;
        loop {
            let at = reader.buffer_position();
            let fail = |what: String| Err(format!("at byte {at}: {what}"));
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    depth += 1;
                    check_attributes(&e).or_else(fail)?;
                }
                Ok(Event::Empty(e)) => check_attributes(&e).or_else(fail)?,
                Ok(Event::End(_)) => depth -= 1,
                Ok(Event::GeneralRef(r)) => {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    let known = matches!(&*name, "amp" | "lt" | "gt" | "quot" | "apos");
                    if !known && !name.starts_with('#') {
                        return fail(format!("unknown entity &{name};"));
                    }
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => return fail(e.to_string()),
            }
        }
        if depth == 0 {
            Ok(())
        } else {
            Err(format!("{depth} element(s) left open at end of input"))
        }
    }

    fn check_attributes(element: &quick_xml::events::BytesStart) -> Result<(), String> {
        for attr in element.attributes() {
            let attr = attr.map_err(|e| e.to_string())?;
            attr.unescape_value().map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    #[test]
    fn hostile_text_and_attributes_stay_data() {
        let mut x = XmlWriter::new();
        x.open("root", &[("title", "a \"quoted\" <b> & 'c'\n")]);
        x.text("p", &[], "</p><script>alert(1)</script> & \u{1} done");
        x.comment("a -- b -");
        x.chars("x < y");
        let xml = x.finish();
        check_well_formed(&xml).unwrap();
        assert!(xml.contains("&lt;/p&gt;&lt;script&gt;"));
        assert!(xml.contains("&quot;quoted&quot;"));
        assert!(xml.contains("\u{FFFD} done"));
        assert!(!xml.contains("a -- b"));
    }

    #[test]
    fn finish_closes_what_is_still_open() {
        let mut x = XmlWriter::new();
        x.open("a", &[]);
        x.open("b", &[]);
        check_well_formed(&x.finish()).unwrap();
    }
}
