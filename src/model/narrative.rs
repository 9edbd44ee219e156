//! A section's narrative block, read where it lies: a view of the document's XML tree.
//!
//! The narrative is most of what a document holds (a lab report writes a table row per
//! result), and every consumer walks it once: the renderer, search indexing, the results'
//! reference resolution. Copying it into a tree of its own doubled the memory a document
//! took and a fifth of the time reading it took, so the model keeps the element and a
//! shared handle to the tree instead, and each node is read from the source when visited.
//!
//! Serialised (`vigie inspect --json`, the HTTP API), a narrative is the same small tree of
//! elements and texts as ever: see [`shape`].

use std::borrow::Cow;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::xml::{Children, NodeId, Ns, Span, Tree};

/// A section's narrative block (`text`). Attributes are kept as written: the renderer applies
/// its own allow-list.
#[derive(Clone)]
pub struct Narrative {
    tree: Arc<Tree>,
    node: NodeId,
    pub span: Span,
}

impl Narrative {
    /// The narrative of `node` (a section's `text` element) in `tree`.
    pub fn new(tree: Arc<Tree>, node: NodeId) -> Self {
        let span = tree.span(node);
        Self { tree, node, span }
    }

    /// A narrative read from the content of a `text` element, written as XML in the CDA
    /// namespace (for tests).
    #[cfg(test)]
    pub(crate) fn from_xml(content: &str) -> Self {
        let xml = format!("<text xmlns=\"urn:hl7-org:v3\">{content}</text>");
        let parsed = crate::xml::parse::parse(Arc::from(xml), &crate::xml::Limits::default());
        let root = parsed.tree.root().expect("a text element");
        Self::new(Arc::new(parsed.tree), root)
    }

    /// The block's content: its elements and texts, in document order.
    pub fn nodes(&self) -> Nodes<'_> {
        Nodes { tree: &self.tree, children: self.tree.children(self.node) }
    }
}

impl std::fmt::Debug for Narrative {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Narrative").field("span", &self.span).finish_non_exhaustive()
    }
}

/// A node of a narrative block: an element or a text.
#[derive(Clone, Copy)]
pub enum NarrativeNode<'t> {
    Element(NarrativeElement<'t>),
    Text(NarrativeText<'t>),
}

impl<'t> NarrativeNode<'t> {
    pub fn span(&self) -> Span {
        match self {
            NarrativeNode::Element(e) => e.span(),
            NarrativeNode::Text(t) => t.span(),
        }
    }

    /// The element, when this node is a NarrativeBlock element named `name`.
    pub fn element_named(self, name: &str) -> Option<NarrativeElement<'t>> {
        match self {
            NarrativeNode::Element(e) if !e.foreign() && e.name() == name => Some(e),
            _ => None,
        }
    }
}

/// An element of a narrative block (`paragraph`, `table`, `content`...).
#[derive(Clone, Copy)]
pub struct NarrativeElement<'t> {
    tree: &'t Tree,
    node: NodeId,
}

impl<'t> NarrativeElement<'t> {
    /// The local name.
    pub fn name(&self) -> &'t str {
        self.tree.local_name(self.node)
    }

    /// Whether the element is outside the CDA namespace (not part of the NarrativeBlock).
    pub fn foreign(&self) -> bool {
        self.tree.ns(self.node) != Ns::HL7
    }

    /// Every attribute as written: its qualified name and its unescaped value.
    pub fn attributes(&self) -> impl Iterator<Item = (&'t str, Cow<'t, str>)> + 't {
        self.tree.attributes(self.node).map(|a| (a.qualified_name(), a.value()))
    }

    /// The value of the unprefixed attribute `name` (`ID`, `styleCode`...).
    pub fn attribute(&self, name: &str) -> Option<Cow<'t, str>> {
        self.tree.attr(self.node, name)
    }

    pub fn children(&self) -> Nodes<'t> {
        Nodes { tree: self.tree, children: self.tree.children(self.node) }
    }

    pub fn span(&self) -> Span {
        self.tree.span(self.node)
    }
}

/// A text of a narrative block (character data or CDATA).
#[derive(Clone, Copy)]
pub struct NarrativeText<'t> {
    tree: &'t Tree,
    node: NodeId,
}

impl<'t> NarrativeText<'t> {
    /// The text, references resolved.
    pub fn text(&self) -> Cow<'t, str> {
        self.tree.text(self.node)
    }

    pub fn span(&self) -> Span {
        self.tree.span(self.node)
    }
}

/// The nodes of a narrative block or element, in document order.
#[derive(Clone)]
pub struct Nodes<'t> {
    tree: &'t Tree,
    children: Children<'t>,
}

impl<'t> Iterator for Nodes<'t> {
    type Item = NarrativeNode<'t>;

    fn next(&mut self) -> Option<Self::Item> {
        let node = self.children.next()?;
        Some(if self.tree.is_text(node) {
            NarrativeNode::Text(NarrativeText { tree: self.tree, node })
        } else {
            NarrativeNode::Element(NarrativeElement { tree: self.tree, node })
        })
    }
}

impl Serialize for Narrative {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Narrative", 2)?;
        s.serialize_field("nodes", &Seq(|| self.nodes()))?;
        s.serialize_field("span", &self.span)?;
        s.end()
    }
}

/// A sequence serialised from the iterator the closure makes: nodes and attributes are read
/// from the tree as they are written.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

impl Serialize for NarrativeNode<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // the layout of `shape::NarrativeNode`: internally tagged by `type`, empty fields left out
        match self {
            NarrativeNode::Element(e) => {
                let mut s = serializer.serialize_struct("NarrativeNode", 6)?;
                s.serialize_field("type", "element")?;
                s.serialize_field("name", e.name())?;
                if e.foreign() {
                    s.serialize_field("foreign", &true)?;
                } else {
                    s.skip_field("foreign")?;
                }
                if e.attributes().next().is_some() {
                    s.serialize_field("attributes", &Seq(|| e.attributes()))?;
                } else {
                    s.skip_field("attributes")?;
                }
                if e.children().next().is_some() {
                    s.serialize_field("children", &Seq(|| e.children()))?;
                } else {
                    s.skip_field("children")?;
                }
                s.serialize_field("span", &e.span())?;
                s.end()
            }
            NarrativeNode::Text(t) => {
                let mut s = serializer.serialize_struct("NarrativeNode", 3)?;
                s.serialize_field("type", "text")?;
                s.serialize_field("text", &t.text())?;
                s.serialize_field("span", &t.span())?;
                s.end()
            }
        }
    }
}

impl schemars::JsonSchema for Narrative {
    fn schema_name() -> Cow<'static, str> {
        "Narrative".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        shape::Narrative::json_schema(generator)
    }
}

/// The serialised form of a narrative, for its JSON Schema (`docs/report.schema.json`).
pub mod shape {
    use serde::Serialize;

    use crate::xml::Span;

    fn is_false(b: &bool) -> bool {
        !*b
    }

    /// A section's narrative block (`text`), kept as a small tree. Attributes are kept as
    /// written: the renderer applies its own allow-list.
    #[derive(Serialize, schemars::JsonSchema)]
    pub struct Narrative {
        pub nodes: Vec<NarrativeNode>,
        pub span: Span,
    }

    /// A node of a narrative block.
    #[derive(Serialize, schemars::JsonSchema)]
    #[serde(tag = "type", rename_all = "lowercase")]
    pub enum NarrativeNode {
        Element {
            /// The local name (`paragraph`, `table`, `content`...).
            name: String,
            /// Whether the element is outside the CDA namespace (not part of the NarrativeBlock).
            #[serde(skip_serializing_if = "is_false")]
            foreign: bool,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            attributes: Vec<(String, String)>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            children: Vec<NarrativeNode>,
            span: Span,
        },
        Text {
            text: String,
            span: Span,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON of a narrative is the one its copied tree had (and its schema says).
    #[test]
    fn a_narrative_serialises_as_the_small_tree_it_describes() {
        let content = "<paragraph styleCode=\"Bold\" ID=\"p&amp;1\">Na &lt; 140<br/></paragraph>\
                       <x:note xmlns:x=\"urn:vendor\" x:a=\"1\"><![CDATA[<b>]]></x:note>";
        let narrative = Narrative::from_xml(content);
        let span = |from: &str, to: &str| {
            let xml = format!("<text xmlns=\"urn:hl7-org:v3\">{content}</text>");
            let start = xml.find(from).unwrap();
            Span::new(start, xml[start..].find(to).unwrap() + start + to.len())
        };
        use shape::NarrativeNode as N;
        let expected = shape::Narrative {
            nodes: vec![
                N::Element {
                    name: "paragraph".into(),
                    foreign: false,
                    attributes: vec![("styleCode".into(), "Bold".into()), ("ID".into(), "p&1".into())],
                    children: vec![
                        N::Text { text: "Na < 140".into(), span: span("Na &lt;", "140") },
                        N::Element {
                            name: "br".into(),
                            foreign: false,
                            attributes: vec![],
                            children: vec![],
                            span: span("<br/>", "<br/>"),
                        },
                    ],
                    span: span("<paragraph", "</paragraph>"),
                },
                N::Element {
                    name: "note".into(),
                    foreign: true,
                    // namespace declarations are not attributes
                    attributes: vec![("x:a".into(), "1".into())],
                    children: vec![N::Text { text: "<b>".into(), span: span("<b>", "<b>") }],
                    span: span("<x:note", "</x:note>"),
                },
            ],
            span: span("<text", "</text>"),
        };
        assert_eq!(serde_json::to_value(&narrative).unwrap(), serde_json::to_value(&expected).unwrap());
    }

    #[test]
    fn its_nodes_read_names_attributes_and_texts_in_document_order() {
        let narrative = Narrative::from_xml("a<content ID=\"c1\">b<sup>2</sup></content>c");
        let kinds: Vec<String> = narrative
            .nodes()
            .map(|n| match n {
                NarrativeNode::Text(t) => t.text().into_owned(),
                NarrativeNode::Element(e) => format!("<{}#{}>", e.name(), e.attribute("ID").unwrap()),
            })
            .collect();
        assert_eq!(kinds, ["a", "<content#c1>", "c"]);
        let content = narrative.nodes().find_map(|n| n.element_named("content")).unwrap();
        assert_eq!(content.children().count(), 2);
        assert!(content.children().nth(1).and_then(|n| n.element_named("sup")).is_some());
    }
}
