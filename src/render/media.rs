//! Embedded content: renderMultiMedia (observationMedia images inline as `data:` URIs), the
//! nonXMLBody, and references to files outside the document — which the page never fetches.
//!
//! Only PNG, JPEG and GIF are embedded, and only when their bytes say so (the declared media
//! type is not trusted: an SVG declared `image/png` stays a placeholder). Everything else is a
//! visible placeholder naming its media type.

use base64::Engine;

use crate::model::body::NonXmlBody;
use crate::model::{Attachment, NarrativeNode, Statement};
use crate::xml::Span;

use super::html::{self, escape_into, LinkTarget};
use super::{human_size, Renderer};

/// The image type of `bytes`, from their magic number.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
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
        Some("image/png" | "image/jpeg" | "image/jpg" | "image/gif")
    )
}

/// Writes a file reference as text: a local name as written, an external URL never (the
/// security report has it).
pub(super) fn reference_text(out: &mut String, reference: &str) {
    match html::link_target(reference) {
        LinkTarget::Relative(path) => {
            out.push_str("fichier référencé ⟨");
            escape_into(out, &path);
            out.push_str("⟩ (non chargé)");
        }
        LinkTarget::Internal(_) => {
            out.push_str("référence interne ⟨");
            escape_into(out, reference.trim());
            out.push('⟩');
        }
        LinkTarget::External(_) | LinkTarget::Refused { .. } => {
            out.push_str("référence externe (non chargée, voir le rapport de sécurité)")
        }
    }
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
        stack.extend(s.relationships.iter().map(|r| &r.statement));
    }
    None
}

impl Renderer<'_> {
    /// renderMultiMedia: each referenced object, then the caption.
    pub(super) fn multimedia(
        &mut self,
        out: &mut String,
        a: &super::narrative::Checked,
        children: &[NarrativeNode],
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
        let statements = match &cda.body {
            crate::model::Body::Structured { sections, .. } => {
                let mut all = Vec::new();
                let mut stack: Vec<&crate::model::Section> = sections.iter().collect();
                while let Some(s) = stack.pop() {
                    all.extend(s.entries.iter().map(|e| &e.statement));
                    stack.extend(s.sections.iter());
                }
                all
            }
            _ => Vec::new(),
        };
        match find_statement(statements.into_iter(), id) {
            Some(s) => placeholder(out, &format!("[{} « {id} » : non affiché]", s.kind)),
            None => {
                self.neutralised(
                    "missing-object",
                    span,
                    format!("renderMultiMedia referencedObject=\"{}\" introuvable", html::excerpt(id)),
                    "placeholder shown",
                );
                placeholder(out, &format!("[objet « {id} » introuvable]"));
            }
        }
    }

    /// One attachment where the narrative shows it: an image inline, else a placeholder.
    fn attachment(&mut self, out: &mut String, index: usize, attachment: &Attachment, span: Span) {
        let media_type = attachment.media_type.as_deref().unwrap_or("type inconnu");
        if attachment.encoded_size == 0 {
            if let Some(reference) = &attachment.reference {
                self.external_reference(reference, attachment.span);
                out.push_str("<span class=\"vg-placeholder\">[");
                escape_into(out, media_type);
                out.push_str(" : ");
                reference_text(out, reference);
                out.push_str("]</span>");
                return;
            }
        }
        if !is_embeddable_image(attachment.media_type.as_deref()) {
            if is_active(media_type) {
                self.neutralised(
                    "active-media",
                    span,
                    format!("observationMedia {media_type} (contenu actif possible)"),
                    "not rendered, placeholder shown",
                );
            }
            placeholder(
                out,
                &format!(
                    "[pièce jointe {media_type}, ~{} : voir la pièce jointe n° {}]",
                    human_size(attachment.estimated_size),
                    index + 1
                ),
            );
            return;
        }
        match self.document.attachment_bytes(index, self.options.max_image_bytes) {
            Ok(bytes) => match image_type(&bytes) {
                Some(kind) => {
                    out.push_str("<img class=\"cda-image\" alt=\"image ");
                    escape_into(out, attachment.xml_id.as_deref().unwrap_or(""));
                    out.push_str("\" src=\"data:");
                    out.push_str(kind);
                    out.push_str(";base64,");
                    base64::engine::general_purpose::STANDARD.encode_string(&bytes, out);
                    out.push_str("\">");
                }
                None => {
                    self.neutralised(
                        "not-an-image",
                        span,
                        format!("observationMedia {media_type} dont le contenu n'est pas une image PNG, JPEG ou GIF"),
                        "placeholder shown",
                    );
                    placeholder(out, &format!("[image {media_type} illisible]"));
                }
            },
            Err(finding) => {
                placeholder(out, &format!("[image {media_type} non affichée : {}]", finding.message))
            }
        }
    }

    fn external_reference(&mut self, reference: &str, span: Span) {
        match html::link_target(reference) {
            LinkTarget::External(url) => self.neutralised(
                "external-reference",
                span,
                format!("référence externe \"{}\"", html::excerpt(&url)),
                "not fetched, placeholder shown",
            ),
            LinkTarget::Refused { scheme } => self.neutralised(
                "unsafe-reference",
                span,
                format!("référence \"{}\" (schéma {scheme}:)", html::excerpt(reference)),
                "not followed, placeholder shown",
            ),
            LinkTarget::Relative(_) | LinkTarget::Internal(_) => {}
        }
    }

    /// nonXMLBody: plain text as preformatted text, an image inline, anything else (PDF,
    /// HTML, RTF...) a placeholder — HTML and XML are never rendered as such.
    pub(super) fn non_xml_body(&mut self, out: &mut String, body: &NonXmlBody) {
        let media_type = body.media_type.as_deref().unwrap_or("type inconnu").trim().to_ascii_lowercase();
        if let Some(reference) = &body.reference {
            self.external_reference(reference, body.span);
            out.push_str("<p class=\"vg-placeholder\">Corps ");
            escape_into(out, &media_type);
            out.push_str(" : ");
            reference_text(out, reference);
            out.push_str("</p>\n");
        }
        let Some(index) = body.attachment else { return };
        let attachment = self.document.cda.as_ref().and_then(|c| c.attachments.get(index));
        let Some(attachment) = attachment else { return };
        let size = human_size(attachment.estimated_size);
        match media_type.as_str() {
            "text/plain" => match self.document.attachment_bytes(index, self.options.max_text_bytes) {
                Ok(bytes) => {
                    out.push_str("<pre class=\"vg-plain\">");
                    escape_into(out, &String::from_utf8_lossy(&bytes));
                    out.push_str("</pre>\n");
                }
                Err(f) => placeholder(out, &format!("[texte non affiché : {}]", f.message)),
            },
            "image/png" | "image/jpeg" | "image/jpg" | "image/gif" => {
                out.push_str("<p>");
                self.attachment(out, index, attachment, body.span);
                out.push_str("</p>\n");
            }
            "application/pdf" => {
                out.push_str("<p class=\"vg-placeholder\">Document PDF (~");
                out.push_str(&size);
                out.push_str(") : il s'affiche dans la visionneuse PDF de l'application (pièce jointe n° ");
                out.push_str(&(index + 1).to_string());
                out.push_str(").</p>\n");
            }
            _ => {
                let active = is_active(&media_type);
                if active {
                    self.neutralised(
                        "active-body",
                        body.span,
                        format!("nonXMLBody {media_type} (contenu actif possible)"),
                        "not rendered, placeholder shown",
                    );
                }
                out.push_str("<p class=\"vg-placeholder\">Corps ");
                escape_into(out, &media_type);
                out.push_str(&format!(" (~{size}) non affiché"));
                if active {
                    out.push_str(" : ce type peut contenir du script");
                }
                out.push_str(".</p>\n");
            }
        }
    }
}
