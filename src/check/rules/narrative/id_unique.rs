//! `narrative.id-unique`: every `ID` attribute is unique in the document. References
//! (`reference/@value="#id"`, `renderMultiMedia/@referencedObject`) name elements by ID: a
//! repeated ID makes them ambiguous, and the CDA schema rejects it (xs:ID).

use super::super::{claims_nothing, guillemets, Context, Rule};
use crate::check::{Issue, Message};
use crate::diag::Severity;

pub static RULE: Rule = Rule {
    id: "narrative.id-unique",
    severity: Severity::Error,
    summary: [
        "Chaque attribut ID est unique dans le document",
        "Every ID attribute is unique in the document",
    ],
    hint: [
        "donnez à chaque élément un ID propre, par exemple préfixé par la section (bio-res-1, \
         bio-res-2…), et mettez à jour les références qui le désignent",
        "give each element an ID of its own, for instance prefixed by its section (bio-res-1, \
         bio-res-2…), and update the references naming it",
    ],
    claims: claims_nothing,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let t = cx.tree;
    let lines = cx.document.lines();
    for (id, nodes) in cx.ids() {
        let [first, repeats @ ..] = nodes.as_slice() else { continue };
        let first_line = lines.map(|l| l.position(t.span(*first).start).line).unwrap_or(0);
        for &node in repeats {
            let span = t.attribute(node, "ID").map_or(t.head_span(node), |a| a.span());
            let message = Message::new(
                format!("l'ID {} est déjà porté par un autre élément (ligne {first_line})", guillemets(id)),
                format!("the ID \"{id}\" is already given to another element (line {first_line})"),
            );
            out.push(RULE.issue(message).at(span));
        }
    }
}
