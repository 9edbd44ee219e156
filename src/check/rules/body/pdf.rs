//! `body.pdf`: an embedded PDF is a whole PDF file: a `%PDF-` header at its start, a
//! cross-reference offset (`startxref`) pointing at its cross-reference table, and the
//! `%%EOF` end marker — a truncated or mangled PDF is the most common broken N1 document.
//! Encryption is reported too: a receiver may not be able to open it.

use memchr::memmem;

use super::super::{claims_nothing, Context, Rule};
use super::describe;
use crate::check::{Issue, Message};
use crate::diag::Severity;

pub static RULE: Rule = Rule {
    id: "body.pdf",
    severity: Severity::Error,
    summary: [
        "Un PDF joint est un fichier PDF entier : en-tête %PDF-, table de références croisées, fin %%EOF",
        "An embedded PDF is a whole PDF file: %PDF- header, cross-reference table, %%EOF end",
    ],
    hint: [
        "joignez le fichier PDF tel que produit, sans le tronquer ni le réencoder, et sans \
         mot de passe ni chiffrement",
        "embed the PDF file as produced, without truncating or re-encoding it, and without a \
         password or encryption",
    ],
    claims: claims_nothing,
    check,
};

/// How far from the end the trailer (`startxref`, `%%EOF`) is looked for.
const TAIL: usize = 2048;

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    for (index, attachment) in cx.cda.attachments.iter().enumerate() {
        let Some(Ok(bytes)) = cx.attachment(index) else { continue };
        let declared_pdf = attachment.media_type.as_deref().is_some_and(|m| m.trim() == "application/pdf");
        if !declared_pdf || bytes.is_empty() {
            continue;
        }
        let (what_fr, what_en) = describe(attachment);
        let mut report = |severity, fr: &str, en: &str| {
            let mut issue = RULE
                .issue(Message::new(format!("{what_fr} : {fr}"), format!("{what_en}: {en}")))
                .at(attachment.span);
            issue.severity = severity;
            out.push(issue);
        };
        match memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-") {
            // Not a PDF at all: body.media-type says what it is.
            None => continue,
            Some(0) => {}
            Some(_) => report(
                Severity::Warning,
                "l'en-tête %PDF- n'est pas au début du fichier",
                "the %PDF- header is not at the start of the file",
            ),
        }
        let tail = &bytes[bytes.len().saturating_sub(TAIL)..];
        if memmem::find(tail, b"%%EOF").is_none() {
            report(
                Severity::Error,
                "pas de marqueur de fin %%EOF : le fichier est tronqué",
                "no %%EOF end marker: the file is truncated",
            );
            continue;
        }
        match memmem::rfind(tail, b"startxref") {
            None => report(
                Severity::Error,
                "pas de startxref : la table de références croisées est introuvable",
                "no startxref: the cross-reference table cannot be found",
            ),
            Some(at) if !xref_offset_sane(bytes, &tail[at + b"startxref".len()..]) => report(
                Severity::Warning,
                "startxref ne pointe pas sur la table de références croisées : les lecteurs doivent \
                 reconstruire le fichier",
                "startxref does not point at the cross-reference table: readers must rebuild the file",
            ),
            Some(_) => {}
        }
        if memmem::find(bytes, b"/Encrypt").is_some() {
            report(
                Severity::Warning,
                "le PDF est chiffré : un destinataire peut ne pas pouvoir l'ouvrir",
                "the PDF is encrypted: a receiver may not be able to open it",
            );
        }
    }
}

/// Whether the offset after `startxref` points at `xref` (a table) or `N G obj` (a
/// cross-reference stream).
fn xref_offset_sane(bytes: &[u8], after: &[u8]) -> bool {
    let digits: String = after
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    let Ok(offset) = digits.parse::<usize>() else { return false };
    let Some(at) = bytes.get(offset..) else { return false };
    let at = &at[..at.len().min(64)];
    at.starts_with(b"xref") || {
        let text = String::from_utf8_lossy(at);
        let mut words = text.split_ascii_whitespace();
        let number = |w: Option<&str>| w.is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()));
        number(words.next()) && number(words.next()) && words.next().is_some_and(|w| w.starts_with("obj"))
    }
}
