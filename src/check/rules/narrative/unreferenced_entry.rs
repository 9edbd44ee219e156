//! `narrative.unreferenced-entry`: every lab result entry points at the narrative it is
//! written in — its `text/reference`, its code's `originalText/reference` or its value's. An
//! entry no narrative element is named by cannot be shown to agree with what the laboratory
//! signed: none of the narrative rules can compare it, and a reader cannot go from the result
//! to its line of the report.
//!
//! Neither the CI-SIS nor IHE XD-LAB makes the reference mandatory (the ANS kit asserts
//! nothing about it), hence a warning. A reference naming no element is
//! `narrative.reference`'s to report, not this rule's.

use std::collections::HashMap;

use super::super::{claims_nothing, Context, Rule};
use super::written::{section_text, test_name};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::xml::NodeId;

pub static RULE: Rule = Rule {
    id: "narrative.unreferenced-entry",
    severity: Severity::Warning,
    summary: [
        "Chaque résultat de biologie désigne le texte narratif où il est écrit",
        "Every lab result names the narrative text it is written in",
    ],
    hint: [
        "donnez un ID à la ligne ou à la cellule du tableau narratif qui montre ce résultat \
         (<td ID=\"res-1\">) et référencez-la depuis l'observation : \
         <code><originalText><reference value=\"#res-1\"/></originalText></code> ou \
         <text><reference value=\"#res-1\"/></text>",
        "give the narrative table's row or cell showing this result an ID (<td ID=\"res-1\">) \
         and reference it from the observation: \
         <code><originalText><reference value=\"#res-1\"/></originalText></code> or \
         <text><reference value=\"#res-1\"/></text>",
    ],
    claims: claims_nothing,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let report = cx.lab_report();
    let rows = report.rows();
    let unreferenced: Vec<_> = rows
        .iter()
        .map(|row| row.result)
        .filter(|r| {
            let value = r.value.as_ref().and_then(|v| v.code.as_ref()).and_then(|c| c.reference.as_deref());
            [r.text_reference.as_deref(), r.test.reference.as_deref(), value]
                .iter()
                .all(|reference| reference.is_none_or(|r| r.trim().is_empty()))
        })
        .collect();
    if unreferenced.is_empty() {
        return;
    }
    let t = cx.tree;
    let observations: HashMap<u32, NodeId> = cx.named("observation").map(|n| (t.span(n).start, n)).collect();
    for result in unreferenced {
        let test = test_name(result);
        let node = observations.get(&result.span.start).copied();
        let mut issue = RULE
            .issue(Message::new(
                format!("{test} : l'entrée ne désigne aucun texte narratif (ni text/reference, ni originalText/reference)"),
                format!("{test}: the entry names no narrative text (no text/reference, no originalText/reference)"),
            ))
            .at(node.map_or(result.span, |n| t.head_span(n)));
        if let Some(text) = node.and_then(|n| section_text(cx, n)) {
            issue = issue.with_related(
                t.span(text),
                Message::new(
                    "le texte narratif de la section, où le résultat devrait être désigné",
                    "the section's narrative, where the result should be named",
                ),
            );
        }
        out.push(issue);
    }
}
