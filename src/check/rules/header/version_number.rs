//! `version.number`: the document gives its version, `versionNumber/@value`, a whole number
//! from 1 (each new version of a document increments it).

use super::super::{claims_nothing, guillemets, Context, Rule};
use crate::check::{Issue, Message};
use crate::diag::Severity;

pub static RULE: Rule = Rule {
    id: "version.number",
    severity: Severity::Error,
    summary: [
        "Le document donne son numéro de version (versionNumber), un entier à partir de 1",
        "The document gives its version number (versionNumber), a whole number from 1",
    ],
    hint: [
        "écrivez <versionNumber value=\"1\"/> après setId pour une première version, puis \
         incrémentez-le à chaque remplacement",
        "write <versionNumber value=\"1\"/> after setId for a first version, then increment it \
         with each replacement",
    ],
    claims: claims_nothing,
    check,
};

/// The document's version: `Some(n)` for a valid `versionNumber`.
pub(super) fn version(cx: &Context<'_>) -> Option<u32> {
    let node = cx.tree.child(cx.root, "versionNumber")?;
    cx.tree.attr(node, "value")?.trim().parse().ok().filter(|&n| n >= 1)
}

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let t = cx.tree;
    let Some(node) = t.child(cx.root, "versionNumber") else {
        let at = t.child(cx.root, "setId").or_else(|| t.child(cx.root, "id")).unwrap_or(cx.root);
        out.push(
            RULE.issue(Message::new(
                "le document n'a pas de numéro de version (versionNumber)",
                "the document has no version number (versionNumber)",
            ))
            .at(t.head_span(at)),
        );
        return;
    };
    if version(cx).is_some() {
        return;
    }
    let value = t.attr(node, "value").unwrap_or_default();
    out.push(
        RULE.issue(Message::new(
            format!("le numéro de version {} n'est pas un entier à partir de 1", guillemets(value.trim())),
            format!("the version number \"{}\" is not a whole number from 1", value.trim()),
        ))
        .at(t.head_span(node)),
    );
}
