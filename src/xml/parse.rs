//! The streaming pass: quick-xml events → [`Tree`], with recovery and limits.
//!
//! Recovery rules, chosen so that whatever was readable stays usable:
//! - a syntax error stops the pass; the elements still open are closed at that point, so a
//!   truncated document keeps its header;
//! - an end tag that closes an outer element closes the inner ones too (reported); an end tag
//!   that matches nothing open is reported and ignored;
//! - a prefix no declaration binds is resolved through its conventional namespace when it has
//!   one (`xsi`, `sdtc`, ...), and reported either way;
//! - a DTD is refused (reported, its content never read), and so is any entity other than the
//!   five predefined ones and character references: nothing is ever expanded or fetched.

use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::diag::{Finding, Findings};
use crate::xml::span::Span;
use crate::xml::tree::{resolve_entity, Attr, Kind, Node, Ns, Tree, NIL, WELL_KNOWN};
use crate::xml::Limits;

/// The result of parsing: a tree (possibly partial) and what went wrong.
#[derive(Debug)]
pub struct Parsed {
    pub tree: Tree,
    pub findings: Findings,
    /// Whether the whole input was read (false after a syntax error or a limit).
    pub complete: bool,
}

/// Parses decoded XML text into a [`Tree`]. Never fails and never panics.
pub fn parse(source: Arc<str>, limits: &Limits) -> Parsed {
    let mut builder = Builder::new(source.clone(), limits);
    builder.run();
    builder.finish()
}

struct Open {
    node: u32,
    last_child: u32,
    /// How many namespace bindings this element pushed.
    bindings: usize,
}

struct Builder<'l> {
    source: Arc<str>,
    limits: &'l Limits,
    nodes: Vec<Node>,
    attrs: Vec<Attr>,
    namespaces: Vec<Box<str>>,
    /// In-scope prefix bindings, innermost last: (prefix, namespace). `""` is the default.
    bindings: Vec<(Box<str>, Ns)>,
    stack: Vec<Open>,
    /// Attributes of the start tag being read (kept to reuse the allocation).
    pending_attrs: Vec<(Span, u32, Option<usize>, Span, bool)>,
    scanned_attrs: Vec<crate::xml::attrs::RawAttr>,
    /// The default namespace in scope, cached: most elements are unprefixed.
    default_ns: Ns,
    root: Option<u32>,
    /// Elements below `max_depth` are skipped; this counts how deep into such a subtree we are.
    skipped_depth: usize,
    /// The root's last top-level sibling, for documents with more than one root element.
    findings: Findings,
    complete: bool,
    reported_depth: bool,
}

impl<'l> Builder<'l> {
    fn new(source: Arc<str>, limits: &'l Limits) -> Self {
        // Room for the densest documents of the corpus (one node per 24.5 bytes, one attribute
        // per ~30) so that the arena is never grown, which would copy it: capacity that is
        // never written costs nothing, since the system only provides pages when first touched.
        let guess = (source.len() / 20).min(limits.max_nodes).min(1 << 20);
        Self {
            nodes: Vec::with_capacity(guess),
            attrs: Vec::with_capacity(guess * 4 / 5),
            source,
            limits,
            namespaces: WELL_KNOWN.iter().map(|(_, uri)| Box::from(*uri)).collect(),
            bindings: vec![(Box::from("xml"), Ns::XML)],
            stack: Vec::new(),
            pending_attrs: Vec::new(),
            scanned_attrs: Vec::new(),
            default_ns: Ns::NONE,
            root: None,
            skipped_depth: 0,
            findings: Findings::default(),
            complete: true,
            reported_depth: false,
        }
    }

    fn run(&mut self) {
        let source = self.source.clone();
        let mut reader = Reader::from_str(&source);
        {
            let config = reader.config_mut();
            config.check_end_names = false;
            config.allow_unmatched_ends = true;
            config.expand_empty_elements = false;
            config.trim_text(false);
        }
        let base = source.as_ptr() as usize;
        loop {
            let start = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(error) => {
                    let at = (reader.error_position() as usize).min(source.len());
                    self.findings.push(Finding::error(
                        "xml.malformed",
                        Span::at(at),
                        format!(
                            "the XML is malformed here: {error}; reading stopped, what came before is shown"
                        ),
                    ));
                    self.complete = false;
                    break;
                }
            };
            let end = reader.buffer_position() as usize;
            match event {
                Event::Start(tag) => self.start(&tag, start, end, base, false),
                Event::Empty(tag) => self.start(&tag, start, end, base, true),
                Event::End(tag) => self.end(tag.name().as_ref(), start, end),
                Event::Text(_) => self.text(Kind::Text, start, end, false),
                Event::GeneralRef(reference) => {
                    let name = String::from_utf8_lossy(&reference).into_owned();
                    if resolve_entity(&name).is_none() {
                        self.findings.push(Finding::error(
                            "xml.entity-refused",
                            Span::new(start, end),
                            format!(
                                "the entity &{name}; is not expanded: Vigie expands only the five \
                                 predefined XML entities and character references"
                            ),
                        ));
                    }
                    self.text(Kind::Text, start, end, true);
                }
                Event::CData(_) => {
                    // content between "<![CDATA[" and "]]>"
                    let inner = Span::new((start + 9).min(end), end.saturating_sub(3).max(start));
                    self.text(Kind::CData, inner.start as usize, inner.end as usize, false);
                }
                Event::DocType(_) => {
                    self.findings.push(Finding::error(
                        "xml.dtd-refused",
                        Span::new(start, end),
                        "a DTD (<!DOCTYPE ...>) was refused: CDA documents have none, and its \
                         declarations (entities, external references) are never read",
                    ));
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
                Event::Eof => break,
            }
            if self.nodes.len() >= self.limits.max_nodes {
                self.findings.push(Finding::error(
                    "limits.nodes",
                    Span::at(end),
                    format!(
                        "the document has more than {} XML nodes, the reading limit: the rest is not read",
                        self.limits.max_nodes
                    ),
                ));
                self.complete = false;
                break;
            }
        }
        let end = source.len();
        while let Some(open) = self.stack.pop() {
            let node = &self.nodes[open.node as usize];
            let name = self.source.get(node.name.range()).unwrap_or("").to_string();
            let at = node.span.start as usize;
            if self.complete {
                self.findings.push(Finding::error(
                    "xml.unclosed",
                    Span::new(at, at + name.len() + 1),
                    format!("<{name}> is never closed (the document ends first)"),
                ));
            }
            self.close(open, end);
        }
        if self.root.is_none() {
            self.findings.push(Finding::error(
                "xml.no-root",
                Span::at(0),
                "no XML element was found: this is not an XML document",
            ));
        }
    }

    fn start(&mut self, tag: &BytesStart<'_>, start: usize, end: usize, base: usize, empty: bool) {
        if self.skipped_depth > 0 || self.stack.len() >= self.limits.max_depth {
            if !self.reported_depth {
                self.reported_depth = true;
                self.findings.push(Finding::error(
                    "limits.depth",
                    Span::new(start, end),
                    format!(
                        "elements are nested more than {} deep, the reading limit: deeper content is not read",
                        self.limits.max_depth
                    ),
                ));
            }
            if !empty {
                self.skipped_depth += 1;
            }
            return;
        }
        if self.stack.is_empty() && self.root.is_some() {
            self.findings.push(Finding::error(
                "xml.multiple-roots",
                Span::new(start, end),
                "a second top-level element: an XML document has exactly one; it is not read",
            ));
            if !empty {
                self.skipped_depth += 1;
            }
            return;
        }

        // the name sits right after '<'
        let qname_len = tag.name().as_ref().len();
        let name = Span::new(start + 1, start + 1 + qname_len);

        // namespace declarations first, then resolve
        let mut bindings = 0;
        let attrs_start = self.attrs.len();
        let mut pending = std::mem::take(&mut self.pending_attrs);
        pending.clear();
        let raw = tag.attributes_raw();
        let raw_offset = (raw.as_ptr() as usize).wrapping_sub(base);
        let mut scanned = std::mem::take(&mut self.scanned_attrs);
        scanned.clear();
        if raw_offset <= self.source.len() {
            if let Err(error) = crate::xml::attrs::scan(raw, &mut scanned) {
                self.findings.push(Finding::error(
                    "xml.bad-attribute",
                    Span::at(raw_offset + error.at),
                    format!(
                        "in <{}>: {}; the rest of the tag's attributes are ignored",
                        self.slice(name),
                        error.message
                    ),
                ));
            }
        }
        for raw_attr in &scanned {
            let key = &raw[raw_attr.key.clone()];
            let key_offset = raw_offset + raw_attr.key.start;
            let key_span = Span::new(key_offset, key_offset + key.len());
            let value_span = Span::new(raw_offset + raw_attr.value.start, raw_offset + raw_attr.value.end);
            let escaped = raw_attr.escaped;
            let colon = raw_attr.colon;
            if let Some(prefix) = key.strip_prefix(b"xmlns") {
                if prefix.is_empty() || prefix[0] == b':' {
                    let prefix = std::str::from_utf8(prefix.get(1..).unwrap_or(b"")).unwrap_or("");
                    let raw = self.slice(value_span);
                    let ns = if escaped {
                        self.intern(&crate::xml::tree::unescape(raw))
                    } else {
                        self.intern_slice(value_span)
                    };
                    self.bindings.push((Box::from(prefix), ns));
                    bindings += 1;
                    continue;
                }
            }
            let local = colon.map(|i| key_offset + i + 1).unwrap_or(key_offset);
            pending.push((key_span, local as u32, colon, value_span, escaped));
        }
        for &(key_span, local_start, colon, value_span, escaped) in &pending {
            let ns = match colon {
                Some(i) => {
                    let prefix = Span::new(key_span.start as usize, key_span.start as usize + i);
                    self.resolve_span(prefix, key_span)
                }
                None => Ns::NONE, // unprefixed attributes are in no namespace
            };
            self.attrs.push(Attr { ns, name: key_span, local_start, value: value_span, escaped });
        }
        self.pending_attrs = pending;
        self.scanned_attrs = scanned;

        if bindings > 0 {
            self.default_ns = self.lookup("").unwrap_or(Ns::NONE);
        }
        let colon = memchr::memchr(b':', tag.name().as_ref());
        let (ns, local_start) = match colon {
            Some(i) => {
                let prefix = Span::new(name.start as usize, name.start as usize + i);
                (self.resolve_span(prefix, name), name.start + i as u32 + 1)
            }
            None => (self.default_ns, name.start),
        };

        let parent = self.stack.last().map(|o| o.node).unwrap_or(NIL);
        let id = self.push_node(Node {
            kind: Kind::Element,
            ns,
            span: Span::new(start, end),
            head_end: end as u32,
            name,
            local_start,
            parent,
            first_child: NIL,
            next_sibling: NIL,
            attrs_start: attrs_start as u32,
            attrs_end: self.attrs.len() as u32,
            escaped: false,
        });
        if parent == NIL {
            self.root = Some(id);
        }
        let open = Open { node: id, last_child: NIL, bindings };
        if empty {
            self.close(open, end);
        } else {
            self.stack.push(open);
        }
    }

    fn end(&mut self, name: &[u8], start: usize, end: usize) {
        if self.skipped_depth > 0 {
            self.skipped_depth -= 1;
            return;
        }
        let matching = self
            .stack
            .iter()
            .rposition(|open| self.slice(self.nodes[open.node as usize].name).as_bytes() == name);
        let Some(depth) = matching else {
            let name = String::from_utf8_lossy(name);
            self.findings.push(Finding::error(
                "xml.unmatched-end",
                Span::new(start, end),
                format!("</{name}> closes no open element: it is ignored"),
            ));
            return;
        };
        while self.stack.len() > depth + 1 {
            if let Some(open) = self.stack.pop() {
                let name = String::from_utf8_lossy(name);
                let inner = self.slice(self.nodes[open.node as usize].name).to_string();
                let at = self.nodes[open.node as usize].span.start as usize;
                self.findings.push(Finding::error(
                    "xml.unclosed",
                    Span::new(at, at + inner.len() + 1),
                    format!("<{inner}> is not closed before </{name}>: closed there"),
                ));
                self.close(open, start);
            }
        }
        if let Some(open) = self.stack.pop() {
            self.close(open, end);
        }
    }

    fn text(&mut self, kind: Kind, start: usize, end: usize, is_reference: bool) {
        if self.skipped_depth > 0 {
            return;
        }
        let Some(open) = self.stack.last() else {
            if kind == Kind::Text && !self.slice(Span::new(start, end)).trim().is_empty() && !is_reference {
                self.findings.push(Finding::error(
                    "xml.text-outside-root",
                    Span::new(start, end),
                    "text outside the document element is not allowed: it is ignored",
                ));
            }
            return;
        };
        // merge with a preceding text node that ends here (text split by entity references)
        let last = open.last_child;
        if kind == Kind::Text && last != NIL {
            let prev = &mut self.nodes[last as usize];
            if prev.kind == Kind::Text && prev.span.end as usize == start {
                prev.span.end = end as u32;
                prev.escaped |= is_reference;
                return;
            }
        }
        let parent = open.node;
        // whether character data needs unescaping is decided when it is read (a payload of
        // several MB of base64 is never scanned here)
        let escaped = kind == Kind::Text;
        self.push_node(Node {
            kind,
            ns: Ns::NONE,
            span: Span::new(start, end),
            head_end: end as u32,
            name: Span::at(start),
            local_start: start as u32,
            parent,
            first_child: NIL,
            next_sibling: NIL,
            attrs_start: 0,
            attrs_end: 0,
            escaped,
        });
    }

    /// Appends a node and links it under the innermost open element.
    fn push_node(&mut self, node: Node) -> u32 {
        let id = self.nodes.len() as u32;
        let parent = node.parent;
        self.nodes.push(node);
        if parent != NIL {
            if let Some(open) = self.stack.last_mut() {
                if open.last_child == NIL {
                    self.nodes[parent as usize].first_child = id;
                } else {
                    self.nodes[open.last_child as usize].next_sibling = id;
                }
                open.last_child = id;
            }
        }
        id
    }

    fn close(&mut self, open: Open, end: usize) {
        self.nodes[open.node as usize].span.end = end as u32;
        if open.bindings > 0 {
            let new_len = self.bindings.len().saturating_sub(open.bindings);
            self.bindings.truncate(new_len);
            self.default_ns = self.lookup("").unwrap_or(Ns::NONE);
        }
    }

    fn lookup(&self, prefix: &str) -> Option<Ns> {
        self.bindings.iter().rev().find(|(p, _)| &**p == prefix).map(|(_, ns)| *ns)
    }

    fn resolve_span(&mut self, prefix: Span, at: Span) -> Ns {
        // the usual case, a bound prefix, without copying it
        if let Some(ns) = self.lookup(self.slice(prefix)) {
            return ns;
        }
        let prefix = self.slice(prefix).to_owned();
        self.resolve(&prefix, at)
    }

    fn intern_slice(&mut self, span: Span) -> Ns {
        let source = self.source.clone();
        self.intern(source.get(span.range()).unwrap_or(""))
    }

    fn resolve(&mut self, prefix: &str, at: Span) -> Ns {
        if let Some(ns) = self.lookup(prefix) {
            return ns;
        }
        let conventional = WELL_KNOWN.iter().position(|(p, _)| !p.is_empty() && *p == prefix);
        let (ns, how) = match conventional {
            Some(i) => (Ns(i as u16), format!("read as its usual namespace {}", WELL_KNOWN[i].1)),
            None => (Ns::UNBOUND, "its namespace is unknown".to_string()),
        };
        self.findings.push(Finding::warning(
            "xml.unbound-prefix",
            at,
            format!("the prefix \"{prefix}:\" is used but never declared (xmlns:{prefix}=...): {how}"),
        ));
        ns
    }

    fn intern(&mut self, uri: &str) -> Ns {
        if let Some(i) = self.namespaces.iter().position(|n| &**n == uri) {
            return Ns(i as u16);
        }
        if self.namespaces.len() >= (u16::MAX - 1) as usize {
            return Ns::UNBOUND;
        }
        self.namespaces.push(Box::from(uri));
        Ns((self.namespaces.len() - 1) as u16)
    }

    fn slice(&self, span: Span) -> &str {
        self.source.get(span.range()).unwrap_or("")
    }

    fn finish(self) -> Parsed {
        Parsed {
            tree: Tree {
                source: self.source,
                nodes: self.nodes,
                attrs: self.attrs,
                namespaces: self.namespaces,
                root: self.root.map(crate::xml::tree::NodeId),
            },
            findings: self.findings,
            complete: self.complete,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Parsed {
        parse(Arc::from(text), &Limits::default())
    }

    #[test]
    fn names_resolve_through_default_and_prefixed_namespaces() {
        let p = tree(
            r#"<x:ClinicalDocument xmlns:x="urn:hl7-org:v3" xmlns="urn:other"><x:id root="1.2"/><inner/></x:ClinicalDocument>"#,
        );
        let t = &p.tree;
        let root = t.root().unwrap();
        assert!(t.is(root, Ns::HL7, "ClinicalDocument"));
        let id = t.child(root, "id").unwrap();
        assert_eq!(t.attr(id, "root").as_deref(), Some("1.2"));
        let inner = t.elements(root).nth(1).unwrap();
        assert_eq!(t.namespace_uri(t.ns(inner)), "urn:other");
        assert!(p.findings.is_empty());
    }

    #[test]
    fn text_split_by_entities_is_one_node_and_unescaped() {
        let p = tree("<a>Na&#x2B; &lt; 140 &amp; K<![CDATA[ <5> ]]></a>");
        let t = &p.tree;
        let root = t.root().unwrap();
        assert_eq!(t.children(root).count(), 2, "text merged, CDATA apart");
        assert_eq!(t.text_content(root), "Na+ < 140 & K <5> ");
    }

    #[test]
    fn attribute_values_are_unescaped_and_spanned() {
        let p = tree(r#"<a title="x &amp; y" b='1'/>"#);
        let t = &p.tree;
        let root = t.root().unwrap();
        let title = t.attribute(root, "title").unwrap();
        assert_eq!(title.value(), "x & y");
        assert_eq!(&t.source()[title.value_span().range()], "x &amp; y");
    }

    #[test]
    fn spans_cover_whole_elements_and_inner_content() {
        let text = "<a><b>payload</b></a>";
        let p = tree(text);
        let t = &p.tree;
        let b = t.elements(t.root().unwrap()).next().unwrap();
        assert_eq!(&text[t.span(b).range()], "<b>payload</b>");
        assert_eq!(&text[t.inner_span(b).range()], "payload");
        assert_eq!(&text[t.head_span(b).range()], "<b>");
    }

    #[test]
    fn an_unknown_prefix_is_reported_once_per_use() {
        let p = tree("<a><foo:b/></a>");
        assert_eq!(p.tree.ns(p.tree.elements(p.tree.root().unwrap()).next().unwrap()), Ns::UNBOUND);
        assert_eq!(p.findings.iter().filter(|f| f.code == "xml.unbound-prefix").count(), 1);
    }

    #[test]
    fn a_stray_end_tag_is_ignored() {
        let p = tree("<a><b/></c></a>");
        assert!(p.findings.iter().any(|f| f.code == "xml.unmatched-end"));
        assert_eq!(p.tree.elements(p.tree.root().unwrap()).count(), 1);
    }

    #[test]
    fn the_node_limit_stops_reading_and_says_so() {
        let limits = Limits { max_nodes: 10, ..Limits::default() };
        let p = parse(Arc::from("<a>".to_string() + &"<b/>".repeat(100) + "</a>"), &limits);
        assert!(!p.complete);
        assert!(p.findings.iter().any(|f| f.code == "limits.nodes"));
    }
}
