//! `narrative.reference`: every internal reference resolves — `reference/@value="#id"` (an
//! entry's text, a code's originalText), `renderMultiMedia/@referencedObject` and
//! `footnoteRef/@IDREF` name an element that exists. A dangling reference leaves a result
//! without its narrative, or an image missing from the rendering. A dangling reference of an
//! entry names its section's narrative as related place (where the ID is missing); a
//! reference written without its `#` names the element it means.

use super::super::{claims_nothing, guillemets, Context, Rule};
use super::written::section_text;
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::xml::NodeId;

pub static RULE: Rule = Rule {
    id: "narrative.reference",
    severity: Severity::Warning,
    summary: [
        "Chaque référence interne (#id, referencedObject, IDREF) désigne un élément qui existe",
        "Every internal reference (#id, referencedObject, IDREF) names an element that exists",
    ],
    hint: [
        "donnez à l'élément narratif visé l'ID référencé (<td ID=\"res-1\">), ou corrigez la \
         référence ; une référence interne s'écrit avec # : <reference value=\"#res-1\"/>",
        "give the narrative element the referenced ID (<td ID=\"res-1\">), or correct the \
         reference; an internal reference is written with #: <reference value=\"#res-1\"/>",
    ],
    claims: claims_nothing,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let t = cx.tree;
    let attribute_span =
        |node: NodeId, name: &str| t.attribute(node, name).map_or(t.head_span(node), |a| a.span());
    for node in cx.named("reference") {
        let Some(value) = t.attr(node, "value") else { continue };
        let value = value.trim();
        match value.strip_prefix('#') {
            Some(id) if cx.by_id(id).is_none() => {
                let message = Message::new(
                    format!(
                        "la référence {} ne désigne aucun élément : aucun ID {}",
                        guillemets(value),
                        guillemets(id)
                    ),
                    format!("the reference \"{value}\" names no element: there is no ID \"{id}\""),
                );
                let mut issue = RULE.issue(message).at(attribute_span(node, "value"));
                // From an entry: the narrative where the element should be.
                if let Some(text) = section_text(cx, node) {
                    issue = issue.with_related(
                        t.span(text),
                        Message::new(
                            format!(
                                "le texte narratif de la section, où aucun élément ne porte l'ID {}",
                                guillemets(id)
                            ),
                            format!("the section's narrative, where no element has the ID \"{id}\""),
                        ),
                    );
                }
                out.push(issue);
            }
            None if !value.is_empty() && cx.by_id(value).is_some() => {
                let issue = RULE.issue(Message::new(
                    format!(
                        "la référence {} désigne un ID sans le # : écrivez {}",
                        guillemets(value),
                        guillemets(&format!("#{value}"))
                    ),
                    format!("the reference \"{value}\" names an ID without the #: write \"#{value}\""),
                ));
                let mut issue = issue.at(attribute_span(node, "value"));
                if let Some(named) = cx.by_id(value) {
                    issue = issue.with_related(
                        t.span(named),
                        Message::new(
                            format!("l'élément qui porte l'ID {}", guillemets(value)),
                            format!("the element with the ID \"{value}\""),
                        ),
                    );
                }
                out.push(issue);
            }
            _ => {}
        }
    }
    for (element, attribute) in [("renderMultiMedia", "referencedObject"), ("footnoteRef", "IDREF")] {
        for node in cx.named(element) {
            let Some(value) = t.attr(node, attribute) else { continue };
            for id in value.split_ascii_whitespace().filter(|id| cx.by_id(id).is_none()) {
                let message = Message::new(
                    format!(
                        "{element}/@{attribute} désigne {} mais aucun élément n'a cet ID",
                        guillemets(id)
                    ),
                    format!("{element}/@{attribute} names \"{id}\" but no element has that ID"),
                );
                out.push(RULE.issue(message).at(attribute_span(node, attribute)));
            }
        }
    }
}
