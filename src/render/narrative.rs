//! The CDA R2 NarrativeBlock as HTML, through an allow-list.
//!
//! Each element of the NarrativeBlock schema maps to fixed HTML; each of its legal attributes
//! is validated (numbers, enumerations, ids) and written by the renderer, never copied.
//! Anything else — an element the schema does not define, an element of another namespace,
//! an attribute it does not allow, a link to a `javascript:` URL — is neutralised: its text
//! stays visible (with a marker for elements), and it is listed in the security report.
//!
//! White space is written as the author wrote it and collapsed by the browser, as HL7's
//! CDA.xsl does (it copies text into HTML); `br` is a line break.

use std::collections::HashMap;

use crate::model::{Narrative, NarrativeElement, NarrativeNode, Nodes, Section};
use crate::xml::Span;

use super::html::{self, escape_into, LinkTarget};
use super::Renderer;

/// The standard styleCodes of CDA R2, each with a rule in the stylesheet (`.sc-<code>`).
const STANDARD_STYLE_CODES: [&str; 16] = [
    "Bold",
    "Italics",
    "Underline",
    "Emphasis",
    "Lrule",
    "Rrule",
    "Toprule",
    "Botrule",
    "Arabic",
    "LittleRoman",
    "BigRoman",
    "LittleAlpha",
    "BigAlpha",
    "Disc",
    "Circle",
    "Square",
];

const ALIGN: &[&str] = &["left", "center", "right", "justify", "char"];
const VALIGN: &[&str] = &["top", "middle", "bottom", "baseline"];
const SCOPE: &[&str] = &["row", "col", "rowgroup", "colgroup"];
const FRAME: &[&str] = &["void", "above", "below", "hsides", "lhs", "rhs", "vsides", "box", "border"];
const RULES: &[&str] = &["none", "groups", "rows", "cols", "all"];

/// Numbers the footnotes of every narrative in document order, by `ID`, so that a
/// footnoteRef written before its footnote shows the right number.
pub(super) fn number_footnotes(
    sections: &[Section],
    count: &mut usize,
    numbers: &mut HashMap<String, usize>,
) {
    fn walk(nodes: Nodes<'_>, count: &mut usize, numbers: &mut HashMap<String, usize>) {
        for node in nodes {
            if let NarrativeNode::Element(element) = node {
                if !element.foreign() && element.name() == "footnote" {
                    *count += 1;
                    if let Some(id) = element.attribute("ID") {
                        numbers.entry(id.trim().to_string()).or_insert(*count);
                    }
                }
                walk(element.children(), count, numbers);
            }
        }
    }
    for s in sections {
        if let Some(text) = &s.text {
            walk(text.nodes(), count, numbers);
        }
        number_footnotes(&s.sections, count, numbers);
    }
}

/// The attributes of one element once checked: what the renderer will write.
#[derive(Default)]
pub(super) struct Checked {
    /// `ID`, as a page id.
    pub(super) id: Option<String>,
    pub(super) classes: Vec<String>,
    /// Validated presentational attributes, already written (` colspan="2"`...).
    pub(super) extra: String,
    pub(super) revised: Option<&'static str>,
    pub(super) href: Option<String>,
    pub(super) title: Option<String>,
    pub(super) referenced_object: Option<String>,
    pub(super) idref: Option<String>,
    pub(super) ordered: bool,
}

impl Checked {
    /// Writes ` id="…" class="…"` and the validated attributes.
    pub(super) fn write(&self, out: &mut String) {
        self.write_with_class(out, "");
    }

    /// [`Self::write`], with the renderer's own `class` first.
    fn write_with_class(&self, out: &mut String, class: &str) {
        if let Some(id) = &self.id {
            out.push_str(" id=\"");
            out.push_str(id);
            out.push('"');
        }
        if !class.is_empty() || !self.classes.is_empty() {
            out.push_str(" class=\"");
            out.push_str(class);
            for (i, c) in self.classes.iter().enumerate() {
                if i > 0 || !class.is_empty() {
                    out.push(' ');
                }
                out.push_str(c);
            }
            out.push('"');
        }
        out.push_str(&self.extra);
    }
}

/// Whether CDA R2 allows attribute `attr` on narrative element `element`.
fn legal(element: &str, attr: &str) -> bool {
    if matches!(attr, "ID" | "language" | "styleCode") {
        return !matches!(element, "br" | "sub" | "sup");
    }
    match element {
        "content" => attr == "revised",
        "linkHtml" => matches!(attr, "name" | "href" | "rel" | "rev" | "title"),
        "footnoteRef" => attr == "IDREF",
        "renderMultiMedia" => attr == "referencedObject",
        "list" => attr == "listType",
        "table" => {
            matches!(attr, "summary" | "width" | "border" | "frame" | "rules" | "cellspacing" | "cellpadding")
        }
        "colgroup" | "col" => matches!(attr, "span" | "width" | "align" | "char" | "charoff" | "valign"),
        "thead" | "tbody" | "tfoot" | "tr" => matches!(attr, "align" | "char" | "charoff" | "valign"),
        "th" | "td" => matches!(
            attr,
            "abbr"
                | "axis"
                | "headers"
                | "scope"
                | "rowspan"
                | "colspan"
                | "align"
                | "char"
                | "charoff"
                | "valign"
        ),
        _ => false,
    }
}

impl Renderer<'_> {
    pub(super) fn narrative(&mut self, out: &mut String, narrative: &Narrative) {
        self.nodes(out, narrative.nodes(), false);
    }

    /// Writes nodes; in table and list structure (`structural`), white space between
    /// elements is not written (browsers would move it out of the table).
    pub(super) fn nodes(&mut self, out: &mut String, nodes: Nodes<'_>, structural: bool) {
        self.nodes_but_captions(out, nodes, structural, false)
    }

    /// [`Self::nodes`], leaving out the `caption` children when `skip_captions` (a list's or
    /// table's captions are written first, where HTML wants them).
    fn nodes_but_captions(
        &mut self,
        out: &mut String,
        nodes: Nodes<'_>,
        structural: bool,
        skip_captions: bool,
    ) {
        for node in nodes {
            if skip_captions && is_caption(node) {
                continue;
            }
            match node {
                NarrativeNode::Text(text) => {
                    let text = text.text();
                    if !(structural && text.trim().is_empty()) {
                        escape_into(out, &text);
                    }
                }
                NarrativeNode::Element(element) => {
                    let (name, span) = (element.name(), element.span());
                    if element.foreign() {
                        self.neutralised(
                            "foreign-element",
                            span,
                            (self.words.what_foreign_element)(name),
                            "rendered as its text, with a marker",
                        );
                        for (key, value) in element.attributes() {
                            self.illegal_attribute(name, key, &value, span);
                        }
                        self.unknown(out, name, element.children());
                    } else {
                        self.element(out, element);
                    }
                }
            }
        }
    }

    /// An element outside the NarrativeBlock: a visible marker, then its content, itself
    /// rendered through the allow-list.
    fn unknown(&mut self, out: &mut String, name: &str, children: Nodes<'_>) {
        out.push_str("<span class=\"vg-unknown\"><span class=\"vg-marker\">⟨");
        escape_into(out, name);
        out.push_str("⟩</span>");
        self.nodes(out, children, false);
        out.push_str("</span>");
    }

    fn element(&mut self, out: &mut String, element: NarrativeElement<'_>) {
        let (name, span, children) = (element.name(), element.span(), element.children());
        let known = matches!(
            name,
            "paragraph"
                | "content"
                | "linkHtml"
                | "sub"
                | "sup"
                | "br"
                | "footnote"
                | "footnoteRef"
                | "renderMultiMedia"
                | "list"
                | "item"
                | "table"
                | "caption"
                | "thead"
                | "tbody"
                | "tfoot"
                | "colgroup"
                | "col"
                | "tr"
                | "th"
                | "td"
        );
        if !known {
            self.neutralised(
                "unknown-element",
                span,
                (self.words.what_unknown_element)(&html::excerpt(name)),
                "rendered as its text, with a marker",
            );
            for (key, value) in element.attributes() {
                self.illegal_attribute(name, key, &value, span);
            }
            self.unknown(out, name, children);
            return;
        }
        let a = self.check(element);
        match name {
            "paragraph" => self.wrap(out, "div", "cda-paragraph", &a, children, false),
            "content" => {
                let tag = a.revised.map_or("span", |r| if r == "delete" { "del" } else { "ins" });
                self.wrap(out, tag, "", &a, children, false)
            }
            "sub" | "sup" => self.wrap(out, name, "", &a, children, false),
            "br" => {
                out.push_str("<br>");
                self.nodes(out, children, false);
            }
            "linkHtml" => self.link(out, &a, children, span),
            "footnote" => self.footnote(out, &a, children),
            "footnoteRef" => self.footnote_ref(out, &a),
            "renderMultiMedia" => self.multimedia(out, &a, children, span),
            "list" => {
                self.captions(out, children.clone(), "div");
                let tag = if a.ordered { "ol" } else { "ul" };
                self.wrap_but_captions(out, tag, "cda-list", &a, children)
            }
            "item" => self.wrap(out, "li", "", &a, children, false),
            "table" => {
                out.push_str("<table");
                a.write(out);
                out.push('>');
                self.captions(out, children.clone(), "caption");
                self.nodes_but_captions(out, children, true, true);
                out.push_str("</table>");
            }
            "caption" => self.wrap(out, "div", "cda-caption", &a, children, false),
            "thead" | "tbody" | "tfoot" | "colgroup" | "tr" => self.wrap(out, name, "", &a, children, true),
            "col" => {
                out.push_str("<col");
                a.write(out);
                out.push('>');
                // col is empty in CDA; text written in it anyway stays visible
                self.nodes(out, children, true);
            }
            _ => self.wrap(out, name, "", &a, children, false), // th, td
        }
    }

    fn wrap(
        &mut self,
        out: &mut String,
        tag: &str,
        class: &str,
        a: &Checked,
        children: Nodes<'_>,
        structural: bool,
    ) {
        self.open(out, tag, class, a);
        self.nodes(out, children, structural);
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }

    /// A list: its items, its captions left out (written before it).
    fn wrap_but_captions(
        &mut self,
        out: &mut String,
        tag: &str,
        class: &str,
        a: &Checked,
        children: Nodes<'_>,
    ) {
        self.open(out, tag, class, a);
        self.nodes_but_captions(out, children, true, true);
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }

    fn open(&mut self, out: &mut String, tag: &str, class: &str, a: &Checked) {
        out.push('<');
        out.push_str(tag);
        a.write_with_class(out, class);
        out.push('>');
    }

    /// Writes the `caption` children of a list or table first, as `tag` elements.
    fn captions(&mut self, out: &mut String, children: Nodes<'_>, tag: &str) {
        for caption in children.filter_map(|c| c.element_named("caption")) {
            let a = self.check(caption);
            self.wrap(out, tag, "cda-caption", &a, caption.children(), false);
        }
    }

    fn link(&mut self, out: &mut String, a: &Checked, children: Nodes<'_>, span: Span) {
        let target = a.href.as_deref().map(html::link_target);
        match target {
            Some(LinkTarget::Internal(id)) => {
                out.push_str("<a href=\"#");
                out.push_str(&id);
                out.push('"');
                self.link_rest(out, a, children);
            }
            Some(LinkTarget::External(url)) => {
                out.push_str(
                    "<a class=\"cda-external\" rel=\"noopener noreferrer\" target=\"_blank\" href=\"",
                );
                escape_into(out, &url);
                out.push('"');
                self.link_rest(out, a, children);
                out.push_str(" <span class=\"vg-target\">⟨");
                escape_into(out, &url);
                out.push_str("⟩</span>");
            }
            Some(LinkTarget::Relative(path)) => {
                self.neutralised(
                    "relative-link",
                    span,
                    (self.words.what_local_link)(&html::excerpt(&path)),
                    "shown as text, not followed",
                );
                self.wrap(out, "span", "cda-link-off", a, children, false);
                out.push_str(" <span class=\"vg-target\">⟨");
                escape_into(out, &path);
                out.push_str("⟩</span>");
            }
            Some(LinkTarget::Refused { scheme }) => {
                self.neutralised(
                    "unsafe-link",
                    span,
                    (self.words.what_unsafe_link)(&html::excerpt(a.href.as_deref().unwrap_or("")), &scheme),
                    "link removed, text kept",
                );
                self.wrap(out, "span", "cda-link-off", a, children, false);
                out.push_str(" <span class=\"vg-marker\">");
                escape_into(out, &(self.words.link_removed)(&html::excerpt(&scheme)));
                out.push_str("</span>");
            }
            None => self.wrap(out, "span", "", a, children, false),
        }
    }

    fn link_rest(&mut self, out: &mut String, a: &Checked, children: Nodes<'_>) {
        if let Some(title) = &a.title {
            out.push_str(" title=\"");
            escape_into(out, title);
            out.push('"');
        }
        a.write(out);
        out.push('>');
        self.nodes(out, children, false);
        out.push_str("</a>");
    }

    fn footnote(&mut self, out: &mut String, a: &Checked, children: Nodes<'_>) {
        self.next_footnote += 1;
        let n = self.next_footnote;
        out.push_str(&format!(
            "<sup class=\"cda-fnref\"><a id=\"fnref-{n}\" href=\"#fn-{n}\" aria-label=\"{}\">{n}</a></sup>",
            (self.words.footnote)(n)
        ));
        let mut body = String::new();
        let classes = Checked { classes: a.classes.clone(), ..Checked::default() };
        body.push_str("<span");
        classes.write(&mut body);
        body.push('>');
        self.nodes(&mut body, children, false);
        body.push_str("</span>");
        self.footnotes.push((n, a.id.clone(), body));
    }

    fn footnote_ref(&mut self, out: &mut String, a: &Checked) {
        let idref = a.idref.as_deref().unwrap_or("").trim();
        match self.footnote_numbers.get(idref) {
            Some(&n) => out.push_str(&format!("<sup class=\"cda-fnref\"><a href=\"#fn-{n}\">{n}</a></sup>")),
            None => {
                out.push_str("<sup class=\"cda-fnref\"><a href=\"#");
                out.push_str(&html::narrative_id(idref));
                out.push_str("\">*</a></sup>");
            }
        }
    }

    fn illegal_attribute(&mut self, element: &str, key: &str, value: &str, span: Span) {
        let lower = key.to_ascii_lowercase();
        let (code, action) = if lower.starts_with("on") {
            ("event-handler", "event handler dropped")
        } else if lower == "style" {
            ("inline-style", "inline style dropped")
        } else {
            ("illegal-attribute", "attribute dropped")
        };
        self.neutralised(
            code,
            span,
            format!("<{}> {}=\"{}\"", html::excerpt(element), html::excerpt(key), html::excerpt(value)),
            action,
        );
    }

    fn bad_value(&mut self, element: &str, key: &str, value: &str, span: Span) {
        self.neutralised(
            "bad-attribute-value",
            span,
            format!("<{element}> {key}=\"{}\"", html::excerpt(value)),
            "invalid value dropped",
        );
    }

    /// Checks every attribute of a NarrativeBlock element against the schema and its value
    /// against what the attribute may hold.
    fn check(&mut self, node: NarrativeElement<'_>) -> Checked {
        let (element, span) = (node.name(), node.span());
        let mut a = Checked::default();
        for (key, value) in node.attributes() {
            let value = &*value;
            if !legal(element, key) {
                self.illegal_attribute(element, key, value, span);
                continue;
            }
            let extra = |a: &mut Checked, name: &str, v: &str| {
                a.extra.push(' ');
                a.extra.push_str(name);
                a.extra.push_str("=\"");
                escape_into(&mut a.extra, v);
                a.extra.push('"');
            };
            match key {
                "ID" => {
                    if !value.trim().is_empty() {
                        a.id = Some(html::narrative_id(value));
                    }
                }
                "styleCode" => self.style_codes(&mut a, element, value, span),
                "language" | "name" | "rel" | "rev" => {}
                "revised" => match value.trim() {
                    "insert" => a.revised = Some("insert"),
                    "delete" => a.revised = Some("delete"),
                    _ => self.bad_value(element, key, value, span),
                },
                "href" => a.href = Some(value.to_string()),
                "title" => a.title = Some(value.to_string()),
                "referencedObject" => a.referenced_object = Some(value.to_string()),
                "IDREF" => a.idref = Some(value.to_string()),
                "listType" => match value.trim() {
                    "ordered" => a.ordered = true,
                    "unordered" => {}
                    _ => self.bad_value(element, key, value, span),
                },
                "span" | "colspan" | "rowspan" | "border" => match html::number(value) {
                    Some(n) => extra(&mut a, key, n),
                    None => self.bad_value(element, key, value, span),
                },
                "width" | "charoff" | "cellspacing" | "cellpadding" => match html::length(value) {
                    Some(l) => extra(&mut a, key, &l),
                    None => self.bad_value(element, key, value, span),
                },
                "align" | "valign" | "scope" | "frame" | "rules" => {
                    let allowed = match key {
                        "align" => ALIGN,
                        "valign" => VALIGN,
                        "scope" => SCOPE,
                        "frame" => FRAME,
                        _ => RULES,
                    };
                    match html::one_of(value, allowed) {
                        Some(v) => extra(&mut a, key, v),
                        None => self.bad_value(element, key, value, span),
                    }
                }
                "char" => {
                    let mut chars = value.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => extra(&mut a, key, &c.to_string()),
                        _ => self.bad_value(element, key, value, span),
                    }
                }
                "headers" => {
                    let ids: Vec<String> = value.split_whitespace().map(html::narrative_id).collect();
                    if !ids.is_empty() {
                        extra(&mut a, key, &ids.join(" "));
                    }
                }
                // abbr, axis, summary: free text, escaped
                _ => extra(&mut a, key, value),
            }
        }
        a
    }

    /// styleCode tokens → `sc-<code>` classes. Standard codes are styled by the stylesheet;
    /// vendors' codes stay as harmless unstyled classes when they are plain names; anything
    /// else is dropped and reported.
    fn style_codes(&mut self, a: &mut Checked, element: &str, value: &str, span: Span) {
        for token in value.split_whitespace() {
            match html::class_token(token) {
                Some(t) => {
                    a.classes.push(format!("sc-{t}"));
                    // CDA.xsl styles any code containing Bold, Italics or Underline
                    // (vendors write `BoldItalics`): so do we.
                    if !STANDARD_STYLE_CODES.contains(&t) {
                        for standard in ["Bold", "Italics", "Underline"] {
                            if t.contains(standard) {
                                a.classes.push(format!("sc-{standard}"));
                            }
                        }
                    }
                }
                None => self.neutralised(
                    "bad-style-code",
                    span,
                    format!("<{element}> styleCode \"{}\"", html::excerpt(token)),
                    "style code dropped",
                ),
            }
        }
    }
}

fn is_caption(node: NarrativeNode<'_>) -> bool {
    node.element_named("caption").is_some()
}
