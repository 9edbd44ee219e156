//! The streaming pass: one scan of the source → [`Tree`], with recovery and limits.
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

use crate::diag::{Finding, Findings};
use crate::xml::attrs::{self, RawAttr, Tag};
use crate::xml::markup;
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

/// A syntax error: where, and what was expected. Reading stops there.
struct Syntax {
    at: usize,
    message: &'static str,
}

impl Syntax {
    fn at(at: usize, message: &'static str) -> Self {
        Self { at, message }
    }
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
    /// The default namespace in scope, cached: most elements are unprefixed.
    default_ns: Ns,
    root: Option<u32>,
    /// Elements below `max_depth` are skipped; this counts how deep into such a subtree we are.
    skipped_depth: usize,
    findings: Findings,
    complete: bool,
    reported_depth: bool,
    reported_namespaces: bool,
}

/// Most namespace declarations in force at once, and most distinct namespaces in a document
/// (CDA documents use a handful): past them, the search for a prefix would cost too much.
const MAX_NAMESPACES: usize = 1024;

/// Whether an attribute name declares a namespace (`xmlns`, `xmlns:prefix`).
fn is_declaration(key: &[u8]) -> bool {
    key.strip_prefix(b"xmlns").is_some_and(|rest| rest.is_empty() || rest[0] == b':')
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
            default_ns: Ns::NONE,
            root: None,
            skipped_depth: 0,
            findings: Findings::default(),
            complete: true,
            reported_depth: false,
            reported_namespaces: false,
        }
    }

    fn run(&mut self) {
        let source = self.source.clone();
        let bytes = source.as_bytes();
        // the attributes of the start tag being read (one allocation, reused)
        let mut scanned = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let next = if bytes[pos] == b'<' {
                self.markup(bytes, pos, &mut scanned)
            } else {
                Ok(self.character_data(bytes, pos))
            };
            match next {
                Ok(next) => pos = next,
                Err(error) => {
                    self.findings.push(Finding::error(
                        "xml.malformed",
                        Span::at(error.at),
                        format!(
                            "the XML is malformed here: {}; reading stopped, what came before is shown",
                            error.message
                        ),
                    ));
                    self.complete = false;
                    break;
                }
            }
            if self.nodes.len() >= self.limits.max_nodes {
                self.findings.push(Finding::error(
                    "limits.nodes",
                    Span::at(pos),
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

    /// Character data from `start` to the next `<`, its references checked on the way (the
    /// five predefined entities and character references are read; any other is refused).
    fn character_data(&mut self, bytes: &[u8], start: usize) -> usize {
        let mut pos = start;
        let mut escaped = false;
        let end = loop {
            match memchr::memchr2(b'<', b'&', &bytes[pos..]) {
                None => break bytes.len(),
                Some(i) if bytes[pos + i] == b'<' => break pos + i,
                Some(i) => {
                    let amp = pos + i;
                    pos = self.reference(bytes, amp);
                    escaped = true;
                }
            }
        };
        self.text(Kind::Text, start, end, escaped);
        end
    }

    /// The reference `&name;` at `amp`: its end. An entity other than the predefined ones is
    /// reported and left as written; so is a `&` that starts no reference (reading goes on:
    /// a stray `&` in a text is a common slip, and the rest of the document is still there).
    fn reference(&mut self, bytes: &[u8], amp: usize) -> usize {
        let rest = &bytes[amp + 1..];
        let semicolon = match memchr::memchr3(b';', b'&', b'<', rest) {
            Some(i) if rest[i] == b';' => i,
            _ => {
                self.findings.push(Finding::error(
                    "xml.bad-reference",
                    Span::new(amp, amp + 1),
                    "a '&' starts no reference (XML asks for &amp; for the character itself, and for \
                     a ';' to end a reference): it is shown as written",
                ));
                return amp + 1;
            }
        };
        let name = self.source.get(amp + 1..amp + 1 + semicolon).unwrap_or("");
        let end = amp + semicolon + 2;
        if resolve_entity(name).is_none() {
            self.findings.push(Finding::error(
                "xml.entity-refused",
                Span::new(amp, end),
                format!(
                    "the entity &{name}; is not expanded: Vigie expands only the five predefined XML \
                     entities and character references"
                ),
            ));
        }
        end
    }

    /// The markup at `at` (a `<`): its end.
    fn markup(&mut self, bytes: &[u8], at: usize, scanned: &mut Vec<RawAttr>) -> Result<usize, Syntax> {
        match bytes.get(at + 1) {
            Some(b'/') => {
                let (end, name) = markup::end_tag(bytes, at)
                    .ok_or(Syntax::at(at, "an end tag is never closed with '>'"))?;
                self.end(&bytes[name], at, end);
                Ok(end)
            }
            Some(b'?') => markup::processing_instruction(bytes, at).ok_or(Syntax::at(
                at,
                "a processing instruction or XML declaration is never closed with '?>'",
            )),
            Some(b'!') if bytes[at..].starts_with(b"<!--") => {
                markup::comment(bytes, at).ok_or(Syntax::at(at, "a comment is never closed with '-->'"))
            }
            Some(b'!') if bytes[at..].starts_with(b"<![CDATA[") => {
                let (end, content) = markup::cdata(bytes, at)
                    .ok_or(Syntax::at(at, "a CDATA section is never closed with ']]>'"))?;
                self.text(Kind::CData, content.start, content.end, false);
                Ok(end)
            }
            Some(b'!') if markup::is_doctype(bytes, at) => {
                let end =
                    markup::doctype(bytes, at).ok_or(Syntax::at(at, "a DTD (<!DOCTYPE) is never closed"))?;
                self.findings.push(Finding::error(
                    "xml.dtd-refused",
                    Span::new(at, end),
                    "a DTD (<!DOCTYPE ...>) was refused: CDA documents have none, and its \
                     declarations (entities, external references) are never read",
                ));
                Ok(end)
            }
            Some(b'!') => Err(Syntax::at(at, "'<!' starts no comment, CDATA section or DTD")),
            _ => {
                let name_start = at + 1;
                let name_len = bytes[name_start..]
                    .iter()
                    .position(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
                    .unwrap_or(bytes.len() - name_start);
                if name_len == 0 {
                    return Err(Syntax::at(
                        at,
                        "a '<' is followed by no element name (write &lt; for the character)",
                    ));
                }
                scanned.clear();
                let tag = attrs::scan_tag(bytes, name_start + name_len, scanned)
                    .ok_or(Syntax::at(at, "a start tag is never closed with '>'"))?;
                let end = tag.end;
                self.start(bytes, Span::new(name_start, name_start + name_len), &tag, scanned, at);
                Ok(end)
            }
        }
    }

    /// A start tag; `bytes` is the source (`run` holds it, so that a tag costs no reference count).
    fn start(&mut self, bytes: &[u8], name: Span, tag: &Tag, scanned: &[RawAttr], start: usize) {
        let (end, empty) = (tag.end, tag.empty);
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
        if let Some(error) = &tag.error {
            self.findings.push(Finding::error(
                "xml.bad-attribute",
                Span::at(error.at),
                format!(
                    "in <{}>: {}; the rest of the tag's attributes are ignored",
                    self.slice(name),
                    error.message
                ),
            ));
        }

        // namespace declarations first (they bind prefixes for the whole tag), then the other
        // attributes, resolved and stored
        let mut bindings = 0;
        let attrs_start = self.attrs.len();
        for raw_attr in scanned {
            let key = &bytes[raw_attr.key.clone()];
            if !is_declaration(key) {
                continue;
            }
            let key_span = Span::new(raw_attr.key.start, raw_attr.key.end);
            if self.bindings.len() >= MAX_NAMESPACES {
                self.namespace_limit(key_span);
                continue;
            }
            let prefix = std::str::from_utf8(key.strip_prefix(b"xmlns:").unwrap_or(b"")).unwrap_or("");
            let value_span = Span::new(raw_attr.value.start, raw_attr.value.end);
            let ns = if raw_attr.escaped {
                self.intern(&crate::xml::tree::unescape(self.slice(value_span)))
            } else {
                self.intern_slice(value_span)
            };
            self.bindings.push((Box::from(prefix), ns));
            bindings += 1;
        }
        for raw_attr in scanned {
            let key_span = Span::new(raw_attr.key.start, raw_attr.key.end);
            let (ns, local_start) = match raw_attr.colon {
                _ if is_declaration(&bytes[raw_attr.key.clone()]) => continue,
                Some(i) => {
                    let prefix = Span::new(raw_attr.key.start, raw_attr.key.start + i);
                    (self.resolve_span(prefix, key_span), raw_attr.key.start + i + 1)
                }
                None => (Ns::NONE, raw_attr.key.start), // unprefixed attributes are in no namespace
            };
            self.attrs.push(Attr {
                ns,
                name: key_span,
                local_start: local_start as u32,
                value: Span::new(raw_attr.value.start, raw_attr.value.end),
                escaped: raw_attr.escaped,
            });
        }

        if bindings > 0 {
            self.default_ns = self.lookup("").unwrap_or(Ns::NONE);
        }
        let colon = memchr::memchr(b':', &bytes[name.range()]);
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

    fn text(&mut self, kind: Kind, start: usize, end: usize, escaped: bool) {
        if self.skipped_depth > 0 {
            return;
        }
        let Some(open) = self.stack.last() else {
            if kind == Kind::Text && !self.slice(Span::new(start, end)).trim().is_empty() {
                self.findings.push(Finding::error(
                    "xml.text-outside-root",
                    Span::new(start, end),
                    "text outside the document element is not allowed: it is ignored",
                ));
            }
            return;
        };
        let parent = open.node;
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
        if self.namespaces.len() >= MAX_NAMESPACES {
            return Ns::UNBOUND;
        }
        self.namespaces.push(Box::from(uri));
        Ns((self.namespaces.len() - 1) as u16)
    }

    fn namespace_limit(&mut self, at: Span) {
        if !self.reported_namespaces {
            self.reported_namespaces = true;
            self.findings.push(Finding::error(
                "limits.namespaces",
                at,
                format!(
                    "more than {MAX_NAMESPACES} namespace declarations are in force here, the reading \
                     limit: this one and the next are ignored"
                ),
            ));
        }
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
    fn a_stray_ampersand_is_reported_and_reading_goes_on() {
        let p = tree("<a><b>Dupont & fils &amp; cie &x</b><c/></a>");
        assert!(p.complete);
        assert_eq!(p.findings.iter().filter(|f| f.code == "xml.bad-reference").count(), 2);
        let t = &p.tree;
        assert_eq!(t.text_content(t.root().unwrap()), "Dupont & fils & cie &x");
        assert_eq!(t.elements(t.root().unwrap()).count(), 2, "what follows is read");
    }

    #[test]
    fn namespace_declarations_are_limited_and_the_limit_said() {
        let many: String = (0..1100).map(|i| format!(" xmlns:p{i}='urn:{i}'")).collect();
        let p = tree(&format!("<a{many}><p3:b/><p1099:c/></a>"));
        assert_eq!(p.findings.iter().filter(|f| f.code == "limits.namespaces").count(), 1);
        let t = &p.tree;
        let mut children = t.elements(t.root().unwrap());
        assert_eq!(t.namespace_uri(t.ns(children.next().unwrap())), "urn:3");
        assert_eq!(t.ns(children.next().unwrap()), Ns::UNBOUND, "a declaration past the limit is ignored");
    }

    #[test]
    fn the_node_limit_stops_reading_and_says_so() {
        let limits = Limits { max_nodes: 10, ..Limits::default() };
        let p = parse(Arc::from("<a>".to_string() + &"<b/>".repeat(100) + "</a>"), &limits);
        assert!(!p.complete);
        assert!(p.findings.iter().any(|f| f.code == "limits.nodes"));
    }
}
