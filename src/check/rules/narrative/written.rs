//! Where a lab result is written in the narrative, as every rule comparing an entry with its
//! narrative finds it: the element the observation's `text/reference` names (widened to the
//! table row, list item or paragraph holding it), else the row holding the element its
//! code's `originalText/reference` names (the test name's cell). That row is what the rules
//! read, and the place each of their issues names beside the entry (its related location).

use super::super::Context;
use crate::check::{Issue, Message};
use crate::results::LabResult;
use crate::xml::{NodeId, Ns};

/// The narrative a result is written in.
pub(super) struct Written<'r> {
    /// The reference as written (`#res-1`).
    pub reference: &'r str,
    /// What the rules read: the row (list item, paragraph) holding the referenced element,
    /// or that element itself when it stands alone.
    pub row: NodeId,
}

/// The narrative a result is written in, when one of its references names an element.
pub(super) fn written<'r>(cx: &Context<'_>, result: &'r LabResult) -> Option<Written<'r>> {
    let own = referenced(cx, result.text_reference.as_deref())
        .map(|(reference, node)| Written { reference, row: enclosing_row(cx, node).unwrap_or(node) });
    own.or_else(|| {
        // The test name's cell alone does not hold the value: only its row is worth reading.
        let (reference, node) = referenced(cx, result.test.reference.as_deref())?;
        Some(Written { reference, row: enclosing_row(cx, node)? })
    })
}

/// The element an internal reference (`#id`) names, with the reference as written.
pub(super) fn referenced<'r>(cx: &Context<'_>, reference: Option<&'r str>) -> Option<(&'r str, NodeId)> {
    let reference = reference?;
    let node = cx.by_id(reference.trim().strip_prefix('#')?)?;
    Some((reference, node))
}

impl Written<'_> {
    /// The row's text as a person reads it.
    pub fn text(&self, cx: &Context<'_>) -> String {
        narrative_text(cx, self.row)
    }

    /// The issue with this narrative as its related place.
    pub fn attach(&self, cx: &Context<'_>, issue: Issue) -> Issue {
        let reference = self.reference.trim();
        issue.with_related(
            cx.tree.span(self.row),
            Message::new(
                format!("le texte narratif de ce résultat ({reference})"),
                format!("this result's narrative ({reference})"),
            ),
        )
    }
}

/// The text under a narrative element as a person reads it: table cells, lines and
/// paragraphs apart, whitespace collapsed.
pub(super) fn narrative_text(cx: &Context<'_>, node: NodeId) -> String {
    let t = cx.tree;
    let mut text = String::new();
    for n in t.descendants(node) {
        if t.is_text(n) {
            text.push_str(&t.text(n));
        } else if matches!(t.local_name(n), "td" | "th" | "tr" | "br" | "paragraph" | "item") {
            text.push(' ');
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The table row, list item or paragraph holding a narrative element (itself included),
/// below the section's `text`.
pub(super) fn enclosing_row(cx: &Context<'_>, node: NodeId) -> Option<NodeId> {
    let t = cx.tree;
    let mut at = Some(node);
    while let Some(n) = at {
        if t.is(n, Ns::HL7, "text") || t.is(n, Ns::HL7, "section") {
            return None;
        }
        if ["tr", "item", "paragraph"].iter().any(|name| t.is(n, Ns::HL7, name)) {
            return Some(n);
        }
        at = t.parent(n);
    }
    None
}

/// The narrative block (`text`) of the section whose entry holds `node`; `None` for a node
/// of the narrative itself or outside any section.
pub(super) fn section_text(cx: &Context<'_>, node: NodeId) -> Option<NodeId> {
    let t = cx.tree;
    let mut at = t.parent(node);
    while let Some(n) = at {
        if t.is(n, Ns::HL7, "text") {
            return None;
        }
        if t.is(n, Ns::HL7, "section") {
            return t.elements(n).find(|&c| t.is(c, Ns::HL7, "text"));
        }
        at = t.parent(n);
    }
    None
}

/// The test's name for a message: its label, else its code.
pub(super) fn test_name(result: &LabResult) -> &str {
    result.test.label.as_deref().or(result.test.code.as_deref()).unwrap_or("?")
}
