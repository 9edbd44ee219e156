//! Embedded content: renderMultiMedia (observationMedia images inline as `data:` URIs), the
//! nonXMLBody, and references to files outside the document — which the page never fetches.
//!
//! Only PNG, JPEG, GIF and TIFF are embedded, and only when their bytes say so (the declared
//! media type is not trusted: an SVG declared `image/png` stays a placeholder); a TIFF is
//! converted to PNG within limits ([`super::tiff_png`]). Everything else is a visible
//! placeholder naming its media type.

use base64::Engine;

use crate::model::body::NonXmlBody;
use crate::model::{Attachment, Nodes, Statement};
use crate::xml::Span;

use crate::rtf::{self, Piece, RtfLimitHit, RtfLimits};

use super::html::{self, escape_into, LinkTarget};
use super::tiff_png::{self, LimitHit, Stop, TiffLimits};
use super::words::Words;
use super::{human_size, Renderer};

/// What the bytes of an image are, from their magic number.
enum ImageBytes {
    /// A type browsers show: embedded as it is.
    Web(&'static str),
    /// A TIFF: converted to PNG.
    Tiff,
}

fn image_type(bytes: &[u8]) -> Option<ImageBytes> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageBytes::Web("image/png"))
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some(ImageBytes::Web("image/jpeg"))
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageBytes::Web("image/gif"))
    } else if tiff_png::is_tiff(bytes) {
        Some(ImageBytes::Tiff)
    } else {
        None
    }
}

/// Whether content of this media type can carry script or load other content (HTML, SVG,
/// XML): never rendered, and listed in the security report.
fn is_active(media_type: &str) -> bool {
    let media_type = media_type.to_ascii_lowercase();
    media_type.contains("html") || media_type.contains("xml") || media_type.contains("svg")
}

fn is_embeddable_image(media_type: Option<&str>) -> bool {
    matches!(
        media_type.map(|m| m.trim().to_ascii_lowercase()).as_deref(),
        Some("image/png" | "image/jpeg" | "image/jpg" | "image/gif" | "image/tiff" | "image/tif")
    )
}

/// Writes a file reference as text: a local name as written, an external URL never (the
/// security report has it).
pub(super) fn reference_text(out: &mut String, reference: &str, w: &Words) {
    match html::link_target(reference) {
        LinkTarget::Relative(path) => escape_into(out, &(w.referenced_file)(&path)),
        LinkTarget::Internal(_) => escape_into(out, &(w.internal_reference)(reference.trim())),
        LinkTarget::External(_) | LinkTarget::Refused { .. } => out.push_str(w.external_reference),
    }
}

/// An `<img>` of `bytes` (already checked to be of type `kind`) as a `data:` URI; `page` is
/// (page number, page count) for a page of a multi-page image.
fn image(out: &mut String, attachment: &Attachment, kind: &str, bytes: &[u8], page: Option<&str>) {
    out.push_str("<img class=\"cda-image\" alt=\"image ");
    escape_into(out, attachment.xml_id.as_deref().unwrap_or(""));
    if let Some(page) = page {
        out.push_str(", ");
        out.push_str(page);
    }
    out.push_str("\" src=\"data:");
    out.push_str(kind);
    out.push_str(";base64,");
    base64::engine::general_purpose::STANDARD.encode_string(bytes, out);
    out.push_str("\">");
}

fn placeholder(out: &mut String, text: &str) {
    out.push_str("<span class=\"vg-placeholder\">");
    escape_into(out, text);
    out.push_str("</span>");
}

fn find_statement<'s>(statements: impl Iterator<Item = &'s Statement>, id: &str) -> Option<&'s Statement> {
    let mut stack: Vec<&Statement> = statements.collect();
    while let Some(s) = stack.pop() {
        if s.xml_id.as_deref().map(str::trim) == Some(id) {
            return Some(s);
        }
        stack.extend(s.relationships.iter().map(|r| &*r.statement));
    }
    None
}

impl Renderer<'_> {
    /// renderMultiMedia: each referenced object, then the caption.
    pub(super) fn multimedia(
        &mut self,
        out: &mut String,
        a: &super::narrative::Checked,
        children: Nodes<'_>,
        span: Span,
    ) {
        out.push_str("<span class=\"cda-media\"");
        a.write(out);
        out.push('>');
        let referenced = a.referenced_object.clone().unwrap_or_default();
        for id in referenced.split_whitespace() {
            self.referenced_object(out, id, span);
        }
        self.nodes(out, children, false);
        out.push_str("</span>");
    }

    fn referenced_object(&mut self, out: &mut String, id: &str, span: Span) {
        let Some(cda) = self.document.cda.as_ref() else { return };
        if let Some(index) =
            cda.attachments.iter().position(|a| a.xml_id.as_deref().map(str::trim) == Some(id))
        {
            self.attachment(out, index, &cda.attachments[index], span);
            return;
        }
        let w = self.words;
        match find_statement(cda.entries().map(|e| e.statement()), id) {
            Some(s) => placeholder(out, &(w.statement_not_shown)(&s.kind, id)),
            None => {
                self.neutralised(
                    "missing-object",
                    span,
                    (w.what_object_not_found)(&html::excerpt(id)),
                    "placeholder shown",
                );
                placeholder(out, &(w.object_not_found)(id));
            }
        }
    }

    /// One attachment where the narrative shows it: an image inline, else a placeholder.
    fn attachment(&mut self, out: &mut String, index: usize, attachment: &Attachment, span: Span) {
        let w = self.words;
        let media_type = attachment.media_type.as_deref().unwrap_or(w.unknown_type);
        if attachment.encoded_size == 0 {
            if let Some(reference) = &attachment.reference {
                self.external_reference(reference, attachment.span);
                out.push_str("<span class=\"vg-placeholder\">[");
                escape_into(out, media_type);
                out.push_str(w.colon);
                reference_text(out, reference, w);
                out.push_str("]</span>");
                return;
            }
        }
        if !is_embeddable_image(attachment.media_type.as_deref()) {
            if is_active(media_type) {
                self.neutralised(
                    "active-media",
                    span,
                    (w.what_active_media)(media_type),
                    "not rendered, placeholder shown",
                );
            }
            let size = human_size(attachment.estimated_size, w);
            placeholder(out, &(w.see_attachment)(media_type, &size, index + 1));
            return;
        }
        match self.document.attachment_bytes(index, self.options.max_image_bytes) {
            Ok(bytes) => match image_type(&bytes) {
                Some(ImageBytes::Web(kind)) => image(out, attachment, kind, &bytes, None),
                Some(ImageBytes::Tiff) => self.tiff(out, attachment, &bytes, span),
                None => {
                    self.neutralised(
                        "not-an-image",
                        span,
                        (w.what_not_an_image)(media_type),
                        "placeholder shown",
                    );
                    placeholder(out, &(w.unreadable_image)(media_type));
                }
            },
            Err(finding) => {
                let why = if finding.code.starts_with("limits.") {
                    let limit = human_size(self.options.max_image_bytes, w);
                    self.neutralised(
                        "image-limit",
                        span,
                        (w.what_image_over_size)(media_type, &limit),
                        "not decoded, placeholder shown",
                    );
                    (w.over_size_limit)(&limit)
                } else {
                    finding.message
                };
                placeholder(out, &(w.image_not_shown)(media_type, &why))
            }
        }
    }

    /// A TIFF, its pages as PNG images (each labelled when there are several), and a
    /// placeholder for what could not be shown.
    fn tiff(&mut self, out: &mut String, attachment: &Attachment, bytes: &[u8], span: Span) {
        let w = self.words;
        let limits = TiffLimits {
            max_side: self.options.max_image_side,
            max_pixels: self.options.max_image_pixels,
            max_decoded_bytes: self.options.max_decoded_image_bytes,
            max_pages: self.options.max_image_pages,
        };
        let converted = tiff_png::convert(bytes, &limits);
        let count = if converted.counted_all {
            converted.page_count.to_string()
        } else {
            format!("{}+", converted.page_count)
        };
        let several = converted.page_count > 1;
        for (i, png) in converted.pages.iter().enumerate() {
            let page = several.then(|| (w.page_of)(i + 1, &count));
            if let Some(page) = &page {
                out.push_str("<span class=\"vg-page\">");
                out.push_str(page);
                out.push_str("</span>");
            }
            image(out, attachment, "image/png", png, page.as_deref());
        }
        let Some(stop) = converted.stopped else { return };
        let (code, what, action, shown) = match stop {
            Stop::Limit(LimitHit::Dimensions { page, width, height }) => (
                "image-limit",
                (w.what_tiff_dimensions)(
                    page,
                    width,
                    height,
                    (u64::from(width) * u64::from(height)).div_ceil(1_000_000),
                    limits.max_side,
                    limits.max_pixels / 1_000_000,
                ),
                "not decoded, placeholder shown",
                (w.tiff_too_large)(page, width, height),
            ),
            Stop::Limit(LimitHit::Memory { page, needed }) => (
                "image-limit",
                (w.what_tiff_memory)(
                    page,
                    &human_size(usize::try_from(needed).unwrap_or(usize::MAX), w),
                    &human_size(limits.max_decoded_bytes, w),
                ),
                "not decoded, placeholder shown",
                (w.tiff_memory)(page),
            ),
            Stop::Limit(LimitHit::Pages) => (
                "image-limit",
                (w.what_tiff_pages)(&count, limits.max_pages),
                "first pages shown, placeholder for the others",
                (w.tiff_pages)(limits.max_pages + 1, &count),
            ),
            Stop::Unreadable { page, reason } => (
                "unreadable-image",
                (w.what_tiff_unreadable)(page, &html::excerpt(&reason)),
                "placeholder shown",
                (w.tiff_unreadable)(page),
            ),
            Stop::Unsupported { page, what } => (
                "unreadable-image",
                (w.what_tiff_unsupported)(page, &html::excerpt(&what)),
                "placeholder shown",
                (w.tiff_unsupported)(page),
            ),
        };
        self.neutralised(code, span, what, action);
        placeholder(out, &shown);
    }

    fn external_reference(&mut self, reference: &str, span: Span) {
        let w = self.words;
        match html::link_target(reference) {
            LinkTarget::External(url) => self.neutralised(
                "external-reference",
                span,
                (w.what_external_reference)(&html::excerpt(&url)),
                "not fetched, placeholder shown",
            ),
            LinkTarget::Refused { scheme } => self.neutralised(
                "unsafe-reference",
                span,
                (w.what_unsafe_reference)(&html::excerpt(reference), &scheme),
                "not followed, placeholder shown",
            ),
            LinkTarget::Relative(_) | LinkTarget::Internal(_) => {}
        }
    }

    /// nonXMLBody: plain text as preformatted text, RTF as its text, an image inline, anything
    /// else (PDF, HTML...) a placeholder — HTML and XML are never rendered as such.
    pub(super) fn non_xml_body(&mut self, out: &mut String, body: &NonXmlBody) {
        let w = self.words;
        let media_type = body.media_type.as_deref().unwrap_or(w.unknown_type).trim().to_ascii_lowercase();
        if let Some(reference) = &body.reference {
            self.external_reference(reference, body.span);
            out.push_str("<p class=\"vg-placeholder\">");
            escape_into(out, &(w.body)(&media_type));
            out.push_str(w.colon);
            reference_text(out, reference, w);
            out.push_str("</p>\n");
        }
        let Some(index) = body.attachment else { return };
        let attachment = self.document.cda.as_ref().and_then(|c| c.attachments.get(index));
        let Some(attachment) = attachment else { return };
        let size = human_size(attachment.estimated_size, w);
        match media_type.as_str() {
            "text/plain" => match self.text_bytes(out, index, &media_type, body.span) {
                Some(bytes) => {
                    out.push_str("<pre class=\"vg-plain\">");
                    escape_into(out, &String::from_utf8_lossy(&bytes));
                    out.push_str("</pre>\n");
                }
                None => out.push('\n'),
            },
            "text/rtf" | "application/rtf" => self.rtf_body(out, index, &media_type, body.span),
            "image/png" | "image/jpeg" | "image/jpg" | "image/gif" | "image/tiff" | "image/tif" => {
                out.push_str("<p>");
                self.attachment(out, index, attachment, body.span);
                out.push_str("</p>\n");
            }
            "application/pdf" => {
                out.push_str("<p class=\"vg-placeholder\">");
                out.push_str(&(w.pdf_body)(&size, index + 1));
                out.push_str("</p>\n");
            }
            _ => {
                let active = is_active(&media_type);
                if active {
                    self.neutralised(
                        "active-body",
                        body.span,
                        (w.what_active_body)(&media_type),
                        "not rendered, placeholder shown",
                    );
                }
                out.push_str("<p class=\"vg-placeholder\">");
                escape_into(out, &(w.body_not_shown)(&media_type, &size));
                if active {
                    out.push_str(w.may_hold_script);
                }
                out.push_str(".</p>\n");
            }
        }
    }

    /// The bytes of a text body, or a placeholder (and, for a size limit, a report item).
    fn text_bytes(
        &mut self,
        out: &mut String,
        index: usize,
        media_type: &str,
        span: Span,
    ) -> Option<Vec<u8>> {
        let w = self.words;
        match self.document.attachment_bytes(index, self.options.max_text_bytes) {
            Ok(bytes) => Some(bytes),
            Err(finding) => {
                let why = if finding.code.starts_with("limits.") {
                    let limit = human_size(self.options.max_text_bytes, w);
                    self.neutralised(
                        "text-limit",
                        span,
                        (w.what_text_over_size)(media_type, &limit),
                        "not decoded, placeholder shown",
                    );
                    (w.over_size_limit)(&limit)
                } else {
                    finding.message
                };
                placeholder(out, &(w.text_not_shown)(&why));
                None
            }
        }
    }

    /// An RTF body as its text, paragraphs and tabs kept; its pictures are placeholders.
    fn rtf_body(&mut self, out: &mut String, index: usize, media_type: &str, span: Span) {
        let w = self.words;
        let Some(bytes) = self.text_bytes(out, index, media_type, span) else {
            out.push('\n');
            return;
        };
        if !rtf::is_rtf(&bytes) {
            self.neutralised("unreadable-body", span, (w.what_not_rtf)(media_type), "placeholder shown");
            out.push_str("<p class=\"vg-placeholder\">");
            escape_into(out, &(w.not_rtf)(media_type));
            out.push_str("</p>\n");
            return;
        }
        let limits = RtfLimits { max_chars: self.options.max_text_bytes, ..RtfLimits::default() };
        let text = rtf::extract(&bytes, &limits);
        out.push_str("<div class=\"vg-rtf\">");
        let last = text.pieces.len().saturating_sub(1);
        for (i, piece) in text.pieces.iter().enumerate() {
            match piece {
                Piece::Text(t) => {
                    let t = if i == 0 { t.trim_start() } else { t };
                    escape_into(out, if i == last { t.trim_end() } else { t });
                }
                Piece::Picture => placeholder(out, w.rtf_picture),
            }
        }
        out.push_str("</div>\n");
        if text.pictures > 0 {
            self.neutralised(
                "rtf-picture",
                span,
                (w.what_rtf_pictures)(text.pictures),
                "placeholder shown in the text",
            );
        }
        for limit in text.limits {
            let (what, action) = match limit {
                RtfLimitHit::Depth { max_depth } => ((w.what_rtf_depth)(max_depth), "deeper groups left out"),
                RtfLimitHit::Chars { max_chars } => ((w.what_rtf_chars)(max_chars), "text cut"),
            };
            self.neutralised("text-limit", span, what, action);
        }
    }
}
