//! `body.base64`: every embedded file decodes — valid base64 and, when declared compressed
//! (`compression="DF"`), valid deflate — so that a receiver can open it.

use super::super::{claims_nothing, Context, Rule};
use super::{describe, is_inline};
use crate::check::{Issue, Message};
use crate::diag::Severity;

pub static RULE: Rule = Rule {
    id: "body.base64",
    severity: Severity::Error,
    summary: [
        "Chaque fichier joint (nonXMLBody, observationMedia) se décode : base64 valide, deflate valide si compressé",
        "Every embedded file (nonXMLBody, observationMedia) decodes: valid base64, valid deflate when compressed",
    ],
    hint: [
        "encodez le fichier en base64 standard (RFC 4648, alphabet A–Z a–z 0–9 + /, complété \
         par =) et ne déclarez compression=\"DF\" que pour un contenu réellement compressé en deflate",
        "encode the file in standard base64 (RFC 4648, alphabet A–Z a–z 0–9 + /, padded with =) \
         and declare compression=\"DF\" only for content really compressed with deflate",
    ],
    claims: claims_nothing,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    for (index, attachment) in cx.cda.attachments.iter().enumerate() {
        if !is_inline(attachment) {
            continue;
        }
        let Some(Err(finding)) = cx.attachment(index) else { continue };
        let (what_fr, what_en) = describe(attachment);
        let why_fr = match finding.code {
            "attachment.base64" => "ce n'est pas du base64 valide",
            "attachment.deflate" => "il est déclaré compressé (DF) mais ne se décompresse pas",
            "attachment.compression" => "sa compression n'est pas DF (deflate), la seule prise en charge",
            "limits.attachment-size" => "il dépasse la taille maximale décodée",
            _ => "il ne se décode pas",
        };
        let message = Message::new(
            format!("{what_fr} ne peut pas être ouvert : {why_fr}"),
            format!("{what_en} cannot be opened: {}", finding.message),
        );
        let mut issue = RULE.issue(message).at(finding.span);
        if finding.code == "limits.attachment-size" {
            issue.severity = Severity::Warning;
        }
        out.push(issue);
    }
}
