//! Body integrity: embedded files decode, PDFs are sane, media types are allowed and say
//! what the bytes are.

pub mod base64;
pub mod media_type;
pub mod pdf;

use crate::model::{Attachment, AttachmentKind};

/// What an attachment is, for messages: French and English.
pub(crate) fn describe(attachment: &Attachment) -> (String, String) {
    let media = attachment.media_type.as_deref().unwrap_or("?");
    match attachment.kind {
        AttachmentKind::Body => {
            (format!("le corps non structuré ({media})"), format!("the non-XML body ({media})"))
        }
        AttachmentKind::ObservationMedia => {
            (format!("l'observationMedia ({media})"), format!("the observationMedia ({media})"))
        }
        AttachmentKind::PdfCopy => {
            (format!("la copie PDF du document ({media})"), format!("the document's PDF copy ({media})"))
        }
    }
}

/// Whether an attachment has inline content to decode (not only an external reference).
pub(crate) fn is_inline(attachment: &Attachment) -> bool {
    !attachment.content.is_empty() || attachment.reference.is_none()
}
