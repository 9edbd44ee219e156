//! The document view as one self-contained, hardened HTML page: header card, table of
//! contents, every section with its narrative block, the attachments.
//!
//! The page carries a Content-Security-Policy that forbids script, network and frames; its
//! CSS is inline and its images are `data:` URIs decoded from the document itself. Every
//! element and attribute of a narrative passes an allow-list ([`narrative`]); every value is
//! escaped or validated ([`html`]). Hostile content never aborts the render: it is
//! neutralised, made visible, and listed in [`Rendered::report`] with its line:column.
//!
//! Browsers cannot show TIFF images or RTF bodies: TIFF pages are converted to PNG within
//! explicit limits (`tiff_png.rs`), RTF is shown as its text ([`crate::rtf`]). The page's own
//! words are French or English ([`RenderOptions::lang`], one table in `words.rs`).
//!
//! The same page serves `vigie render`, `vigie serve` and the desktop app (which shows it in
//! a sandboxed iframe).

mod header;
pub mod html;
mod media;
mod narrative;
mod tiff_png;
mod words;

use std::collections::HashMap;

use serde::Serialize;

use crate::input::Document;
use crate::model::{Body, ClinicalDocument, Section};
pub use crate::summary::Lang;
use crate::xml::{Position, Span};

use html::escape_into;
use words::Words;

/// The page's Content-Security-Policy: no script, no network, no frame, no form; images only
/// from `data:` URIs, styles only inline.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLESHEET: &str = include_str!("style.css");

/// What the renderer may do.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Largest image decoded and embedded as a `data:` URI, in decoded bytes; a larger one is
    /// shown as a placeholder.
    pub max_image_bytes: usize,
    /// Largest `text/plain` body decoded and shown.
    pub max_text_bytes: usize,
    /// Largest width or height of a TIFF page converted to PNG, in pixels.
    pub max_image_side: u32,
    /// Largest TIFF page converted to PNG, in pixels (width × height): a TIFF bomb declares
    /// a huge page in a few bytes, and is refused before anything is decoded.
    pub max_image_pixels: u64,
    /// Memory for the decoded pixels of one TIFF, all its pages together, in bytes.
    pub max_decoded_image_bytes: usize,
    /// Pages of a multi-page TIFF shown; the others are counted and said.
    pub max_image_pages: usize,
    /// Whether the page begins with the header card. The app shows its own card above the
    /// page and asks for none.
    pub header_card: bool,
    /// Whether each section carries `data-span="start-end"` (its bytes in the decoded
    /// source), so that the app can find the section holding a finding.
    pub section_spans: bool,
    /// Whether the page ends with the list of attachments. The app lists them below the page
    /// with its own actions (open, view) and asks for none; images and body placeholders stay
    /// where the document shows them.
    pub attachments_list: bool,
    /// The language of the page's own words (labels, headings, placeholders, the security
    /// report's `what`); the document's text is never translated.
    pub lang: Lang,
}

impl RenderOptions {
    /// The page as the app shows it under its own header card and above its own list of
    /// attachments, in a sandboxed iframe.
    pub fn embedded() -> Self {
        Self { header_card: false, section_spans: true, attachments_list: false, ..Self::default() }
    }
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            max_image_bytes: 16 * 1024 * 1024,
            max_text_bytes: 8 * 1024 * 1024,
            // An A4 page scanned at 600 dpi is 4960 × 7016 (35 Mpx).
            max_image_side: 20_000,
            max_image_pixels: 40_000_000,
            max_decoded_image_bytes: 128 * 1024 * 1024,
            max_image_pages: 20,
            header_card: true,
            section_spans: false,
            attachments_list: true,
            lang: Lang::Fr,
        }
    }
}

/// A rendered document: the HTML page and what was neutralised to make it safe (the JSON of
/// `GET /api/documents/{id}/render`).
#[derive(Debug, Clone, Serialize)]
pub struct Rendered {
    pub html: String,
    pub report: Vec<Neutralised>,
}

/// One item of the security report: something of the document that was not rendered as
/// written, where it is, and what was done instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Neutralised {
    /// A stable kebab-case name of the kind of item (`unsafe-link`, `event-handler`...).
    pub code: &'static str,
    /// What was found, for a person, in the page's language (`linkHtml href="javascript:alert(1)"
    /// (schéma javascript:)`).
    pub what: String,
    /// What the renderer did instead (`link removed, text kept`).
    pub action: &'static str,
    pub span: Span,
    /// `span.start` as line:column in the XML source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

impl std::fmt::Display for Neutralised {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.position.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
        write!(f, "{at:<9}  {}  {}", self.what, self.action)
    }
}

/// Renders a read document. Never fails: a document without a readable CDA gives a page
/// that says so.
pub fn render(document: &Document, options: &RenderOptions) -> Rendered {
    let mut renderer = Renderer::new(document, options);
    let mut out = String::with_capacity(document.size + STYLESHEET.len() + 4096);
    renderer.page(&mut out);
    Rendered { html: out, report: renderer.report }
}

/// The state of one render: the document, the report being built and the footnotes of the
/// section being written.
pub(crate) struct Renderer<'d> {
    document: &'d Document,
    options: &'d RenderOptions,
    words: &'static Words,
    report: Vec<Neutralised>,
    /// footnote `ID` → its number, counted in document order before rendering.
    footnote_numbers: HashMap<String, usize>,
    next_footnote: usize,
    /// Footnotes met in the current section: (number, page id of its `ID`, body HTML).
    footnotes: Vec<(usize, Option<String>, String)>,
}

impl<'d> Renderer<'d> {
    fn new(document: &'d Document, options: &'d RenderOptions) -> Self {
        let mut footnote_numbers = HashMap::new();
        if let Some(ClinicalDocument { body: Body::Structured { sections, .. }, .. }) = &document.cda {
            let mut count = 0;
            narrative::number_footnotes(sections, &mut count, &mut footnote_numbers);
        }
        Self {
            document,
            options,
            words: Words::of(options.lang),
            report: Vec::new(),
            footnote_numbers,
            next_footnote: 0,
            footnotes: Vec::new(),
        }
    }

    /// Adds an item to the security report.
    fn neutralised(&mut self, code: &'static str, span: Span, what: String, action: &'static str) {
        // The line index is built on the first item: most pages have none.
        let position = self.document.lines().map(|l| l.position(span.start));
        self.report.push(Neutralised { code, what, action, span, position });
    }

    fn page(&mut self, out: &mut String) {
        let w = self.words;
        let title = self
            .document
            .cda
            .as_ref()
            .and_then(|c| c.header.title.as_ref().map(|t| t.text.trim().to_string()))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| w.untitled_page.to_string());
        out.push_str("<!DOCTYPE html>\n<html lang=\"");
        out.push_str(w.lang);
        out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"");
        out.push_str(CONTENT_SECURITY_POLICY);
        out.push_str("\">\n<meta name=\"referrer\" content=\"no-referrer\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        escape_into(out, &title);
        out.push_str("</title>\n<style>\n");
        out.push_str(STYLESHEET);
        out.push_str("</style>\n</head>\n<body>\n");
        let Some(cda) = &self.document.cda else {
            out.push_str("<main class=\"vg-body\"><p class=\"vg-placeholder\">");
            out.push_str(w.no_cda);
            out.push_str("</p></main>\n</body>\n</html>\n");
            return;
        };
        if !self.document.complete {
            out.push_str("<p class=\"vg-warning\" role=\"alert\">");
            out.push_str(w.incomplete);
            out.push_str("</p>\n");
        }
        if self.options.header_card {
            header::card(out, &cda.header, w, self.options.lang);
        }
        match &cda.body {
            Body::Structured { sections, .. } => {
                if !sections.is_empty() {
                    out.push_str(&format!(
                        "<nav class=\"vg-toc\" aria-label=\"{0}\">\n<h2>{0}</h2>\n",
                        w.contents
                    ));
                    toc(out, sections, "s", w);
                    out.push_str("</nav>\n");
                }
                out.push_str("<main class=\"vg-body\">\n");
                for (i, s) in sections.iter().enumerate() {
                    self.section(out, s, &format!("s-{}", i + 1), 2);
                }
                out.push_str("</main>\n");
            }
            Body::NonXml(body) => {
                out.push_str("<main class=\"vg-body vg-nonxml\">\n");
                self.non_xml_body(out, body);
                out.push_str("</main>\n");
            }
            Body::Missing => {
                out.push_str("<main class=\"vg-body\"><p class=\"vg-placeholder\">");
                out.push_str(w.no_body);
                out.push_str("</p></main>\n");
            }
        }
        if self.options.attachments_list {
            self.attachments(out, cda);
        }
        out.push_str("<footer class=\"vg-footer\">");
        out.push_str(w.rendered_by);
        if !self.report.is_empty() {
            out.push_str(" · ");
            out.push_str(&(w.neutralised_count)(self.report.len()));
        }
        out.push_str("</footer>\n</body>\n</html>\n");
    }

    fn section(&mut self, out: &mut String, section: &Section, anchor: &str, level: usize) {
        out.push_str("<section class=\"cda-section\" id=\"");
        out.push_str(anchor);
        if self.options.section_spans {
            out.push_str(&format!("\" data-span=\"{}-{}", section.span.start, section.span.end));
        }
        out.push_str("\">\n");
        if let Some(id) = &section.xml_id {
            out.push_str("<span id=\"");
            out.push_str(&html::narrative_id(id));
            out.push_str("\"></span>");
        }
        if let Some(heading) = heading(section) {
            let h = level.min(6);
            match heading {
                Heading::Title(_) => out.push_str(&format!("<h{h}>")),
                Heading::Code(_) => out.push_str(&format!("<h{h} class=\"vg-from-code\">")),
            }
            escape_into(out, heading.text());
            out.push_str(&format!("</h{h}>\n"));
        }
        if let Some(text) = &section.text {
            out.push_str("<div class=\"cda-narrative\">");
            self.narrative(out, text);
            out.push_str("</div>\n");
            self.flush_footnotes(out);
        }
        for (i, s) in section.sections.iter().enumerate() {
            self.section(out, s, &format!("{anchor}-{}", i + 1), level + 1);
        }
        out.push_str("</section>\n");
    }

    fn flush_footnotes(&mut self, out: &mut String) {
        if self.footnotes.is_empty() {
            return;
        }
        out.push_str("<ol class=\"cda-footnotes\">\n");
        for (n, id, body) in std::mem::take(&mut self.footnotes) {
            out.push_str(&format!("<li id=\"fn-{n}\" value=\"{n}\">"));
            if let Some(id) = id {
                out.push_str(&format!("<span id=\"{id}\"></span>"));
            }
            out.push_str(&body);
            out.push_str(&format!(
                " <a class=\"cda-fnback\" href=\"#fnref-{n}\" aria-label=\"{}\">↩</a></li>\n",
                self.words.back_to_text
            ));
        }
        out.push_str("</ol>\n");
    }

    fn attachments(&mut self, out: &mut String, cda: &ClinicalDocument) {
        if cda.attachments.is_empty() {
            return;
        }
        let w = self.words;
        out.push_str("<section class=\"vg-attachments\">\n<h2>");
        out.push_str(w.attachments);
        out.push_str("</h2>\n<ol>\n");
        for (i, a) in cda.attachments.iter().enumerate() {
            out.push_str(&format!("<li id=\"pj-{}\">", i + 1));
            let kind = match a.kind {
                crate::model::AttachmentKind::Body => w.kind_body,
                crate::model::AttachmentKind::ObservationMedia => w.kind_media,
                crate::model::AttachmentKind::PdfCopy => w.kind_pdf_copy,
            };
            out.push_str("<span class=\"vg-media-type\">");
            escape_into(out, a.media_type.as_deref().unwrap_or(w.unknown_type));
            out.push_str("</span> · ");
            out.push_str(kind);
            if a.encoded_size > 0 {
                out.push_str(&format!(" · ~{}", human_size(a.estimated_size, w)));
            }
            if !a.section_path.is_empty() {
                out.push_str(" · ");
                escape_into(out, &a.section_path.join(" › "));
            }
            if let Some(r) = &a.reference {
                out.push_str(" · ");
                media::reference_text(out, r, w);
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n</section>\n");
    }
}

/// What a section is called in the page.
#[derive(Clone, Copy)]
enum Heading<'s> {
    /// Its `title`, as the author wrote it.
    Title(&'s str),
    /// An untitled section (lab report sub-chapters often are) is named by its code, as
    /// CDA.xsl names it: the document's `displayName`, else the label Vigie knows for the
    /// code. Styled apart: the author did not write it as a title.
    Code(&'s str),
}

impl<'s> Heading<'s> {
    fn text(self) -> &'s str {
        match self {
            Heading::Title(t) | Heading::Code(t) => t,
        }
    }
}

fn heading(section: &Section) -> Option<Heading<'_>> {
    if let Some(title) = section.title.as_ref().map(|t| t.text.trim()).filter(|t| !t.is_empty()) {
        return Some(Heading::Title(title));
    }
    let code = section.code.as_ref()?;
    let display_name = code.display_name.as_deref().map(str::trim).filter(|t| !t.is_empty());
    display_name.or(code.label).map(Heading::Code)
}

/// The nested table of contents, linking to the section anchors.
fn toc(out: &mut String, sections: &[Section], prefix: &str, w: &Words) {
    out.push_str("<ol>\n");
    for (i, s) in sections.iter().enumerate() {
        let anchor = format!("{prefix}-{}", i + 1);
        out.push_str(&format!("<li><a href=\"#{anchor}\">"));
        match heading(s) {
            Some(Heading::Title(t)) => escape_into(out, t),
            Some(Heading::Code(label)) => {
                out.push_str("<span class=\"vg-from-code\">");
                escape_into(out, label);
                out.push_str("</span>");
            }
            None => {
                out.push_str("<span class=\"vg-untitled\">");
                out.push_str(w.untitled);
                out.push_str("</span>");
            }
        }
        out.push_str("</a>");
        if !s.sections.is_empty() {
            toc(out, &s.sections, &anchor, w);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
}

/// A size in the page's units (o, Ko, Mo in French).
fn human_size(bytes: usize, w: &Words) -> String {
    let [b, kb, mb] = w.size_units;
    if bytes < 1024 {
        format!("{bytes} {b}")
    } else if bytes < 1024 * 1024 {
        format!("{:.0} {kb}", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} {mb}", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The security report as `vigie render --report` prints it: one line per item.
pub fn report_text(report: &[Neutralised]) -> String {
    report.iter().map(|n| format!("{n}\n")).collect()
}
