//! `version.set-id`: the document gives `setId`, the identifier shared by all its versions;
//! from version 2 on, its own `id` is new, so it differs from the `setId`.

use super::super::{claims_nothing, Context, Rule};
use super::version_number::version;
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::xml::{NodeId, Tree};

pub static RULE: Rule = Rule {
    id: "version.set-id",
    severity: Severity::Error,
    summary: [
        "Le document donne son setId, différent de son id à partir de la version 2",
        "The document gives its setId, different from its id from version 2 on",
    ],
    hint: [
        "gardez le même setId pour toutes les versions d'un document et donnez un nouvel id à \
         chaque version",
        "keep the same setId for every version of a document and give each version a new id",
    ],
    claims: claims_nothing,
    check,
};

/// `(root, extension)` of an `II`, trimmed.
pub(super) fn identifier(tree: &Tree, node: NodeId) -> (String, String) {
    let get = |name| tree.attr(node, name).map(|v| v.trim().to_owned()).unwrap_or_default();
    (get("root"), get("extension"))
}

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let t = cx.tree;
    let Some(set_id) = t.child(cx.root, "setId") else {
        let at = t.child(cx.root, "id").unwrap_or(cx.root);
        out.push(
            RULE.issue(Message::new(
                "le document n'a pas de setId, l'identifiant commun à toutes ses versions",
                "the document has no setId, the identifier shared by all its versions",
            ))
            .at(t.head_span(at)),
        );
        return;
    };
    let Some(id) = t.child(cx.root, "id") else { return };
    let Some(n) = version(cx).filter(|&n| n > 1) else { return };
    if identifier(t, set_id) == identifier(t, id) {
        out.push(
            RULE.issue(Message::new(
                format!(
                    "version {n} : l'id du document est égal à son setId, donc à l'id de la première \
                     version ; chaque version a un id nouveau"
                ),
                format!(
                    "version {n}: the document's id equals its setId, hence the first version's id; \
                     each version has a new id"
                ),
            ))
            .at(t.head_span(id)),
        );
    }
}
