//! What extraction reads beside the model: the narrative elements by `ID` (so that a
//! reference such as `originalText/reference/@value="#resultat-01"` yields the text the
//! laboratory wrote), and line:column of spans.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::body::{Body, Section};
use crate::model::ClinicalDocument;
use crate::model::{NarrativeElement, NarrativeNode, Nodes};
use crate::xml::{LineIndex, Position, Span};

/// Context shared by every extraction step of one document.
pub(crate) struct Reader<'a> {
    by_id: HashMap<Cow<'a, str>, NarrativeElement<'a>>,
    lines: Option<&'a LineIndex>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(cda: &'a ClinicalDocument, lines: Option<&'a LineIndex>) -> Self {
        let mut by_id = HashMap::new();
        if let Body::Structured { sections, .. } = &cda.body {
            let mut stack: Vec<&Section> = sections.iter().collect();
            while let Some(section) = stack.pop() {
                if let Some(text) = &section.text {
                    index_ids(text.nodes(), &mut by_id);
                }
                stack.extend(section.sections.iter());
            }
        }
        Self { by_id, lines }
    }

    /// The line:column of a span's start.
    pub(crate) fn position(&self, span: Span) -> Option<Position> {
        self.lines.map(|l| l.position(span.start))
    }

    /// The text of the narrative element a reference points at (`#id`, or `id` written
    /// without its `#`), whitespace normalised; `None` when nothing has that ID or it is empty.
    pub(crate) fn resolve(&self, reference: &str) -> Option<String> {
        let id = reference.trim();
        let id = id.strip_prefix('#').unwrap_or(id);
        let node = self.by_id.get(id)?;
        let mut text = String::new();
        collect_text(NarrativeNode::Element(*node), &mut text);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (!text.is_empty()).then_some(text)
    }
}

/// Records every element carrying an `ID`, outermost first (the first of a duplicated ID wins).
fn index_ids<'a>(nodes: Nodes<'a>, by_id: &mut HashMap<Cow<'a, str>, NarrativeElement<'a>>) {
    for node in nodes {
        if let NarrativeNode::Element(element) = node {
            if let Some(id) = element.attribute("ID") {
                by_id.entry(id).or_insert(element);
            }
            index_ids(element.children(), by_id);
        }
    }
}

/// The text below a narrative node; `br` and table cells become spaces.
fn collect_text(node: NarrativeNode<'_>, out: &mut String) {
    match node {
        NarrativeNode::Text(text) => out.push_str(&text.text()),
        NarrativeNode::Element(element) => {
            if matches!(element.name(), "br" | "td" | "th" | "tr" | "paragraph" | "item") {
                out.push(' ');
            }
            for child in element.children() {
                collect_text(child, out);
            }
        }
    }
}
