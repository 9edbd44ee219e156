//! `body.media-type`: an embedded file's `mediaType` is one the CI-SIS allows where it
//! sits, and says what the bytes are (a PDF declared `image/jpeg` is opened with the wrong
//! program, or not at all).

use super::super::{claims_nothing, guillemets, Context, Rule};
use super::{describe, is_inline};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::model::AttachmentKind;
use crate::terminology::{value_set_label, ValueSet};

pub static RULE: Rule = Rule {
    id: "body.media-type",
    severity: Severity::Error,
    summary: [
        "Le mediaType d'un fichier joint est autorisé à cet endroit et correspond à son contenu",
        "An embedded file's mediaType is allowed where it sits and matches its content",
    ],
    hint: [
        "corps non structuré : application/pdf, text/plain, text/rtf, image/jpeg ou image/tiff ; \
         observationMedia : un type du JDV MediaType ; et le type déclaré doit être celui du fichier",
        "non-XML body: application/pdf, text/plain, text/rtf, image/jpeg or image/tiff; \
         observationMedia: a type of the MediaType value set; and the declared type must be the file's",
    ],
    claims: claims_nothing,
    check,
};

/// The media types of a non-XML body (CI-SIS, Structuration minimale).
const BODY_TYPES: [&str; 5] = ["application/pdf", "text/plain", "text/rtf", "image/jpeg", "image/tiff"];

fn allowed(kind: AttachmentKind, media: &str) -> bool {
    match kind {
        AttachmentKind::Body => BODY_TYPES.contains(&media),
        AttachmentKind::ObservationMedia | AttachmentKind::PdfCopy => {
            value_set_label(ValueSet::MediaType, media).is_some()
        }
    }
}

/// The media type the bytes are, by their magic number, for the types worth telling apart.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let types: [(&[u8], &str); 7] = [
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"GIF8", "image/gif"),
        (b"II*\0", "image/tiff"),
        (b"MM\0*", "image/tiff"),
        (b"{\\rtf", "text/rtf"),
    ];
    types.iter().find(|(magic, _)| bytes.starts_with(magic)).map(|(_, media)| *media)
}

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    for (index, attachment) in cx.cda.attachments.iter().enumerate() {
        let (what_fr, what_en) = describe(attachment);
        let Some(media) = attachment.media_type.as_deref().map(str::trim) else {
            let message = Message::new(
                format!("{what_fr} n'a pas de mediaType : le destinataire ne sait pas comment l'ouvrir"),
                format!("{what_en} has no mediaType: the receiver cannot tell how to open it"),
            );
            out.push(RULE.issue(message).at(attachment.span));
            continue;
        };
        if !allowed(attachment.kind, media) {
            let message = Message::new(
                format!("{what_fr} : le mediaType {} n'est pas autorisé à cet endroit", guillemets(media)),
                format!("{what_en}: mediaType \"{media}\" is not allowed there"),
            );
            out.push(RULE.issue(message).at(attachment.span));
        }
        if !is_inline(attachment) {
            continue;
        }
        let Some(Ok(bytes)) = cx.attachment(index) else { continue };
        let Some(actual) = sniff(bytes) else { continue };
        if actual != media {
            let message = Message::new(
                format!("{what_fr} est déclaré {} mais son contenu est {actual}", guillemets(media)),
                format!("{what_en} is declared \"{media}\" but its content is {actual}"),
            );
            out.push(RULE.issue(message).at(attachment.span));
        }
    }
}
