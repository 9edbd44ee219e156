//! A compact, read-only XML tree: an arena of nodes that point into the decoded source.
//!
//! Nothing is copied out of the source while parsing: names, attribute values and text are
//! spans, unescaped only when asked for. Every traversal offered here is iterative, so a
//! document nested 200,000 levels deep cannot overflow the stack.

use std::borrow::Cow;
use std::sync::Arc;

use crate::xml::span::Span;

/// Index of a node in a [`Tree`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

/// Index of a namespace URI in a [`Tree`]'s namespace table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ns(pub(crate) u16);

impl Ns {
    /// No namespace (unprefixed name with no default namespace in scope).
    pub const NONE: Ns = Ns(0);
    /// `urn:hl7-org:v3`, the CDA namespace.
    pub const HL7: Ns = Ns(1);
    /// `http://www.w3.org/2001/XMLSchema-instance`.
    pub const XSI: Ns = Ns(2);
    /// `urn:hl7-org:sdtc`, the HL7 SDTC extensions.
    pub const SDTC: Ns = Ns(3);
    /// `http://www.w3.org/1999/XSL/Transform`, the wrapper of auto-presentable documents.
    pub const XSL: Ns = Ns(4);
    /// `http://www.w3.org/2000/09/xmldsig#`, XML signatures.
    pub const DSIG: Ns = Ns(5);
    /// `urn:oid:1.3.6.1.4.1.19376.1.3.2`, IHE laboratory extensions.
    pub const LAB: Ns = Ns(6);
    /// `http://www.w3.org/XML/1998/namespace`, bound to `xml:` by definition.
    pub const XML: Ns = Ns(7);
    /// A prefix that no declaration binds and that could not be recovered.
    pub const UNBOUND: Ns = Ns(u16::MAX);
}

/// Namespaces every tree knows, at the indices of the [`Ns`] constants, with the prefix
/// conventionally used for each (used to recover undeclared prefixes).
pub(crate) const WELL_KNOWN: [(&str, &str); 8] = [
    ("", ""),
    ("", "urn:hl7-org:v3"),
    ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
    ("sdtc", "urn:hl7-org:sdtc"),
    ("xsl", "http://www.w3.org/1999/XSL/Transform"),
    ("ds", "http://www.w3.org/2000/09/xmldsig#"),
    ("lab", "urn:oid:1.3.6.1.4.1.19376.1.3.2"),
    ("xml", "http://www.w3.org/XML/1998/namespace"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Element,
    /// Character data with entity references still escaped.
    Text,
    /// A CDATA section: the span is its literal content.
    CData,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    pub ns: Ns,
    /// Element: the whole element, start tag to end tag. Text: the raw text.
    pub span: Span,
    /// Element: end of the start tag.
    pub head_end: u32,
    /// Element: the qualified name in the source; the local part starts at `local_start`.
    pub name: Span,
    pub local_start: u32,
    pub parent: u32,
    pub first_child: u32,
    pub next_sibling: u32,
    pub attrs_start: u32,
    pub attrs_end: u32,
    /// Text: whether the raw text may contain references to unescape (checked on access).
    pub escaped: bool,
}

pub(crate) const NIL: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub(crate) struct Attr {
    pub ns: Ns,
    pub name: Span,
    pub local_start: u32,
    /// The raw (escaped) value, between the quotes.
    pub value: Span,
    pub escaped: bool,
}

/// The parsed document: source text, nodes, attributes and namespaces.
#[derive(Debug, Clone)]
pub struct Tree {
    pub(crate) source: Arc<str>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) namespaces: Vec<Box<str>>,
    pub(crate) root: Option<NodeId>,
}

/// An attribute of an element, as seen through the tree.
#[derive(Debug, Clone, Copy)]
pub struct Attribute<'t> {
    tree: &'t Tree,
    attr: &'t Attr,
}

impl<'t> Attribute<'t> {
    pub fn ns(&self) -> Ns {
        self.attr.ns
    }
    pub fn qualified_name(&self) -> &'t str {
        self.tree.slice(self.attr.name)
    }
    pub fn local_name(&self) -> &'t str {
        self.tree.slice(Span { start: self.attr.local_start, end: self.attr.name.end })
    }
    pub fn value(&self) -> Cow<'t, str> {
        self.tree.unescape(self.attr.value, self.attr.escaped)
    }
    /// The value's span (between the quotes).
    pub fn value_span(&self) -> Span {
        self.attr.value
    }
    /// From the attribute's name to its closing quote.
    pub fn span(&self) -> Span {
        Span { start: self.attr.name.start, end: self.attr.value.end.saturating_add(1) }
    }
}

impl Tree {
    /// The decoded source text the spans point into.
    pub fn source(&self) -> &Arc<str> {
        &self.source
    }

    /// The document element, if there was one.
    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub(crate) fn slice(&self, span: Span) -> &str {
        self.source.get(span.range()).unwrap_or("")
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    pub fn is_element(&self, id: NodeId) -> bool {
        self.node(id).kind == Kind::Element
    }

    pub fn is_text(&self, id: NodeId) -> bool {
        self.node(id).kind != Kind::Element
    }

    /// The whole node's span (an element from its start tag to its end tag).
    pub fn span(&self, id: NodeId) -> Span {
        self.node(id).span
    }

    /// An element's start tag, where findings about the element point.
    pub fn head_span(&self, id: NodeId) -> Span {
        let n = self.node(id);
        Span { start: n.span.start, end: n.head_end.max(n.span.start) }
    }

    pub fn ns(&self, id: NodeId) -> Ns {
        self.node(id).ns
    }

    pub fn namespace_uri(&self, ns: Ns) -> &str {
        self.namespaces.get(ns.0 as usize).map(|s| &**s).unwrap_or("")
    }

    /// The element's local name (empty for text).
    pub fn local_name(&self, id: NodeId) -> &str {
        let n = self.node(id);
        self.slice(Span { start: n.local_start, end: n.name.end })
    }

    /// The element's name as written, with its prefix.
    pub fn qualified_name(&self, id: NodeId) -> &str {
        self.slice(self.node(id).name)
    }

    /// Whether `id` is an element named `local` in namespace `ns`.
    pub fn is(&self, id: NodeId, ns: Ns, local: &str) -> bool {
        let n = self.node(id);
        n.ns == ns
            && n.kind == Kind::Element
            && (n.name.end - n.local_start) as usize == local.len()
            && self.source.as_bytes().get(n.local_start as usize..n.name.end as usize)
                == Some(local.as_bytes())
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        Some(self.node(id).parent).filter(|&p| p != NIL).map(NodeId)
    }

    /// All children, text included, in document order.
    pub fn children(&self, id: NodeId) -> Children<'_> {
        Children { tree: self, next: self.node(id).first_child }
    }

    /// Child elements only.
    pub fn elements(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.children(id).filter(move |&c| self.is_element(c))
    }

    /// Child elements named `local` in namespace `ns`.
    pub fn children_named<'a>(
        &'a self,
        id: NodeId,
        ns: Ns,
        local: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.children(id).filter(move |&c| self.is(c, ns, local))
    }

    /// The first child element named `local` in the CDA namespace.
    pub fn child(&self, id: NodeId, local: &str) -> Option<NodeId> {
        self.children_named(id, Ns::HL7, local).next()
    }

    /// Follows a path of CDA child names, taking the first match at each step.
    pub fn path(&self, id: NodeId, path: &[&str]) -> Option<NodeId> {
        path.iter().try_fold(id, |at, name| self.child(at, name))
    }

    pub fn attributes(&self, id: NodeId) -> impl Iterator<Item = Attribute<'_>> + '_ {
        let n = self.node(id);
        self.attrs[n.attrs_start as usize..n.attrs_end as usize]
            .iter()
            .map(move |attr| Attribute { tree: self, attr })
    }

    /// An attribute in no namespace, by local name.
    pub fn attribute(&self, id: NodeId, local: &str) -> Option<Attribute<'_>> {
        let n = self.node(id);
        let bytes = self.source.as_bytes();
        // an attribute in no namespace is unprefixed: its whole name is its local name
        self.attrs[n.attrs_start as usize..n.attrs_end as usize]
            .iter()
            .find(|a| a.ns == Ns::NONE && bytes.get(a.name.range()) == Some(local.as_bytes()))
            .map(|attr| Attribute { tree: self, attr })
    }

    /// An attribute's value, unescaped, by local name (no namespace).
    pub fn attr(&self, id: NodeId, local: &str) -> Option<Cow<'_, str>> {
        self.attribute(id, local).map(|a| a.value())
    }

    /// An attribute in namespace `ns`.
    pub fn attr_ns(&self, id: NodeId, ns: Ns, local: &str) -> Option<Cow<'_, str>> {
        self.attributes(id).find(|a| a.ns() == ns && a.local_name() == local).map(|a| a.value())
    }

    /// A text node's content, unescaped.
    pub fn text(&self, id: NodeId) -> Cow<'_, str> {
        let n = self.node(id);
        match n.kind {
            Kind::Text => self.unescape(n.span, n.escaped),
            Kind::CData => Cow::Borrowed(self.slice(n.span)),
            Kind::Element => Cow::Borrowed(""),
        }
    }

    /// All text under `id`, concatenated in document order.
    pub fn text_content(&self, id: NodeId) -> String {
        let mut out = String::new();
        for d in self.descendants(id) {
            if self.is_text(d) {
                out.push_str(&self.text(d));
            }
        }
        out
    }

    /// The node and every node under it, in document order (pre-order), without recursion.
    pub fn descendants(&self, id: NodeId) -> Descendants<'_> {
        Descendants { tree: self, root: id, next: Some(id) }
    }

    /// The element's raw inner text span (between its start and end tags), for payloads such
    /// as base64 that should be decoded lazily without copying.
    pub fn inner_span(&self, id: NodeId) -> Span {
        let n = self.node(id);
        let end = match self.children(id).last() {
            Some(last) => self.node(last).span.end,
            None => n.head_end,
        };
        Span { start: n.head_end, end: end.max(n.head_end) }
    }

    pub(crate) fn unescape(&self, span: Span, escaped: bool) -> Cow<'_, str> {
        let raw = self.slice(span);
        if !escaped || !raw.contains('&') {
            return Cow::Borrowed(raw);
        }
        Cow::Owned(unescape(raw))
    }
}

/// Replaces the predefined entities and character references. Anything else (an entity that
/// was refused at parse time) is left as written.
pub(crate) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let resolved = after.find(';').filter(|&end| end <= 32).and_then(|end| {
            let c = resolve_entity(&after[..end])?;
            Some((c, end))
        });
        match resolved {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character an entity name stands for: the five predefined entities and `#N`/`#xN`.
pub(crate) fn resolve_entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')
        }
    }
}

/// The children of a node, in document order ([`Tree::children`]).
#[derive(Clone)]
pub struct Children<'t> {
    tree: &'t Tree,
    next: u32,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next == NIL {
            return None;
        }
        let id = self.next;
        self.next = self.tree.nodes[id as usize].next_sibling;
        Some(NodeId(id))
    }
}

pub struct Descendants<'t> {
    tree: &'t Tree,
    root: NodeId,
    next: Option<NodeId>,
}

impl Iterator for Descendants<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let current = self.next?;
        let nodes = &self.tree.nodes;
        let n = &nodes[current.0 as usize];
        self.next = if n.first_child != NIL {
            Some(NodeId(n.first_child))
        } else {
            // climb until a sibling exists, never above the root
            let mut at = current;
            loop {
                if at == self.root {
                    break None;
                }
                let node = &nodes[at.0 as usize];
                if node.next_sibling != NIL {
                    break Some(NodeId(node.next_sibling));
                }
                match node.parent {
                    NIL => break None,
                    p => at = NodeId(p),
                }
            }
        };
        Some(current)
    }
}
