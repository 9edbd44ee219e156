//! Readable paths: where an issue lies, written so that a person finds the element at a
//! glance — `section[code=30954-2]/entry[3]/observation/value/@unit` rather than
//! `/*[1]/*[28]/*[2]/*[1]/*[3]/*[4]`.
//!
//! The path starts below `ClinicalDocument` and leaves out the wrappers every body has
//! (`component/structuredBody/component` around each section): a section is named by its
//! code (`section[code=30954-2]`, or `section[2]` when it has none), an entry always by its
//! number in its section (`entry[3]`), any other element by its name, with `[n]` only when
//! it has several siblings of that name. Elements outside the CDA namespace keep their
//! prefix (`sdtc:raceCode`). Nothing here recurses: the tree is walked with loops.

use crate::xml::{NodeId, Ns, Span, Tree};

/// The innermost element whose source contains `offset`, found from the document element
/// down; `None` when the offset lies outside it (the prolog, past the end).
pub fn element_at(tree: &Tree, offset: u32) -> Option<NodeId> {
    let root = tree.root()?;
    if !contains(tree.span(root), offset) {
        return None;
    }
    let mut at = root;
    while let Some(child) = tree.elements(at).find(|&c| contains(tree.span(c), offset)) {
        at = child;
    }
    Some(at)
}

/// The readable path of what `span` points at: an element, or one of its attributes when
/// the span starts inside that attribute.
pub fn path_of_span(tree: &Tree, span: Span) -> Option<String> {
    let element = element_at(tree, span.start)?;
    let head = tree.head_span(element);
    let attribute = (span.start > head.start && span.start < head.end)
        .then(|| tree.attributes(element).find(|a| contains(a.span(), span.start)))
        .flatten()
        .map(|a| a.qualified_name().to_owned());
    Some(readable_path(tree, element, attribute.as_deref()))
}

/// The readable path of an element (and one of its attributes).
pub fn readable_path(tree: &Tree, element: NodeId, attribute: Option<&str>) -> String {
    let mut chain = vec![element];
    let mut at = element;
    while let Some(parent) = tree.parent(at) {
        if tree.is(at, Ns::HL7, "ClinicalDocument") {
            break;
        }
        chain.push(parent);
        at = parent;
    }
    chain.reverse();
    // Below a ClinicalDocument, the document element is implied; anything else (a wrapper
    // stylesheet, a METADATA.XML) is named from its document element.
    let implied_root = chain.len() > 1 && tree.is(chain[0], Ns::HL7, "ClinicalDocument");
    let steps = if implied_root { &chain[1..] } else { &chain[..] };
    let mut segments: Vec<String> = Vec::with_capacity(steps.len() + 1);
    for &node in steps {
        if node == element || !is_wrapper(tree, node) {
            segments.push(segment(tree, node));
        }
    }
    if let Some(name) = attribute {
        segments.push(format!("@{name}"));
    }
    segments.join("/")
}

fn contains(span: Span, offset: u32) -> bool {
    span.start <= offset && (offset < span.end || span.start == span.end && offset == span.start)
}

/// `component` and `structuredBody` around sections: always there, never informative (left
/// out of a path, unless the path is about the wrapper itself).
fn is_wrapper(tree: &Tree, node: NodeId) -> bool {
    if tree.ns(node) != Ns::HL7 {
        return false;
    }
    let parent_is = |name: &str| tree.parent(node).is_some_and(|p| tree.is(p, Ns::HL7, name));
    match tree.local_name(node) {
        "structuredBody" => true,
        "component" => parent_is("ClinicalDocument") || parent_is("structuredBody") || parent_is("section"),
        _ => false,
    }
}

/// One step of the path.
fn segment(tree: &Tree, node: NodeId) -> String {
    let name = if tree.ns(node) == Ns::HL7 {
        tree.local_name(node).to_owned()
    } else {
        tree.qualified_name(node).to_owned()
    };
    if tree.is(node, Ns::HL7, "section") {
        return section_segment(tree, node);
    }
    let siblings: Vec<NodeId> = match tree.parent(node) {
        Some(parent) => tree.elements(parent).filter(|&s| same_name(tree, s, node)).collect(),
        None => vec![node],
    };
    let index = siblings.iter().position(|&s| s == node).unwrap_or(0) + 1;
    if tree.is(node, Ns::HL7, "entry") || siblings.len() > 1 {
        format!("{name}[{index}]")
    } else {
        name
    }
}

fn same_name(tree: &Tree, a: NodeId, b: NodeId) -> bool {
    tree.ns(a) == tree.ns(b) && tree.local_name(a) == tree.local_name(b)
}

/// `section[code=30954-2]`; `section[code=X][2]` when a sibling section has the same code;
/// `section[n]` when it has no code.
fn section_segment(tree: &Tree, section: NodeId) -> String {
    let code_of =
        |s: NodeId| tree.child(s, "code").and_then(|c| tree.attr(c, "code")).map(|c| c.trim().to_owned());
    let siblings = sibling_sections(tree, section);
    let index = |among: &[NodeId]| among.iter().position(|&s| s == section).unwrap_or(0) + 1;
    match code_of(section).filter(|c| !c.is_empty()) {
        Some(code) => {
            let same: Vec<NodeId> =
                siblings.iter().copied().filter(|&s| code_of(s).as_deref() == Some(&code)).collect();
            if same.len() > 1 {
                format!("section[code={code}][{}]", index(&same))
            } else {
                format!("section[code={code}]")
            }
        }
        None => format!("section[{}]", index(&siblings)),
    }
}

/// The sections at the same level: through their `component` wrappers when they have them.
fn sibling_sections(tree: &Tree, section: NodeId) -> Vec<NodeId> {
    let Some(parent) = tree.parent(section) else { return vec![section] };
    if !tree.is(parent, Ns::HL7, "component") {
        return tree.children_named(parent, Ns::HL7, "section").collect();
    }
    let Some(level) = tree.parent(parent) else { return vec![section] };
    tree.children_named(level, Ns::HL7, "component").filter_map(|c| tree.child(c, "section")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:sdtc="urn:hl7-org:sdtc">
<id root="1.2"/><author/><author><assignedAuthor><id root="a" extension="b"/></assignedAuthor></author>
<component><structuredBody>
<component><section><code code="11450-4"/><entry><act/></entry></section></component>
<component><section><code code="30954-2"/><text/>
<entry><observation/></entry><entry><observation/></entry>
<entry><observation><value unit="mg/L" value="3"/><sdtc:precondition2/></observation></entry>
<component><section><title>no code</title></section></component>
</section></component>
</structuredBody></component></ClinicalDocument>"#;

    fn path_at(needle: &str) -> String {
        let document = crate::read_bytes(DOC.as_bytes(), &crate::xml::Limits::default());
        let tree = document.tree.as_ref().unwrap();
        let offset = DOC.find(needle).unwrap();
        path_of_span(tree, Span::at(offset)).unwrap()
    }

    #[test]
    fn sections_are_named_by_their_code_and_entries_numbered() {
        assert_eq!(path_at("<value"), "section[code=30954-2]/entry[3]/observation/value");
        assert_eq!(path_at("unit="), "section[code=30954-2]/entry[3]/observation/value/@unit");
        assert_eq!(path_at("<act"), "section[code=11450-4]/entry[1]/act");
        assert_eq!(path_at("<title>no"), "section[code=30954-2]/section[1]/title");
        assert_eq!(path_at("<sdtc:"), "section[code=30954-2]/entry[3]/observation/sdtc:precondition2");
    }

    #[test]
    fn header_elements_are_numbered_only_among_namesakes() {
        assert_eq!(path_at("<id root=\"1.2\""), "id");
        assert_eq!(path_at("<id root=\"a\""), "author[2]/assignedAuthor/id");
        assert_eq!(path_at("<ClinicalDocument"), "ClinicalDocument");
    }
}
