//! SVRL locations, in the kit's notation, and their place in Vigie's own tree.
//!
//! The ANS kit's reports use the ISO skeleton's "full path 2" notation: each ancestor-or-self
//! element as `/name` with the prefix written in the document, followed by `[n]` only when
//! preceding siblings have the same name (`component[3]`, but `component` for the first),
//! then `/@name` when the node is not an element. Mapping such a path back onto the
//! [`Tree`] Vigie parsed gives the span of the node, hence its line and column.

use crate::xml::{NodeId, Span, Tree};

/// The SVRL location of `node` (an element, an attribute, or any other node).
pub(crate) fn location(xot: &xot::Xot, node: xot::Node) -> String {
    let mut steps = Vec::new();
    let mut at = Some(node);
    while let Some(n) = at {
        if xot.is_element(n) {
            let name = name(xot, n);
            // xot's preceding siblings start with the node itself
            let same_before = xot
                .preceding_siblings(n)
                .skip(1)
                .filter(|&s| xot.is_element(s) && self::name(xot, s) == name)
                .count();
            if same_before > 0 {
                steps.push(format!("/{name}[{}]", same_before + 1));
            } else {
                steps.push(format!("/{name}"));
            }
        }
        at = xot.parent(n);
    }
    steps.reverse();
    let mut out = steps.concat();
    if !xot.is_element(node) {
        out.push_str("/@");
        out.push_str(&name(xot, node));
    }
    out
}

/// The node's name as `name()` gives it (prefix as in scope), empty for unnamed nodes.
fn name(xot: &xot::Xot, node: xot::Node) -> String {
    if let Some(attribute) = xot.attribute_node(node) {
        return xot.full_name(node, attribute.name()).unwrap_or_default();
    }
    xot.node_name(node).and_then(|n| xot.full_name(node, n).ok()).unwrap_or_default()
}

/// The span, in Vigie's tree, of the node at an SVRL `location` (a path of element names
/// with optional `[n]` and an optional final `@attribute`): the element's whole span, or
/// the attribute's. `None` when the path does not lead anywhere in this tree.
pub fn span_of(tree: &Tree, location: &str) -> Option<Span> {
    let root = tree.root()?;
    let mut current: Option<NodeId> = None;
    for step in location.split('/').filter(|s| !s.is_empty()) {
        if let Some(attribute) = step.strip_prefix('@') {
            let element = current?;
            return tree.attributes(element).find(|a| a.qualified_name() == attribute).map(|a| a.span());
        }
        let (name, index) = match step.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()?),
            None => (step, 1),
        };
        current = Some(match current {
            None => Some(root).filter(|&r| tree.qualified_name(r) == name && index == 1)?,
            Some(parent) => tree
                .elements(parent)
                .filter(|&c| tree.qualified_name(c) == name)
                .nth(index.checked_sub(1)?)?,
        });
    }
    current.map(|node| tree.span(node))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_spans() {
        let source = r#"<a xmlns="urn:x" xmlns:l="urn:l"><b/><c k="v"/><b><l:d/></b></a>"#;
        let tree = crate::xml::parse::parse(source.into(), &Default::default()).tree;
        let text = |s: Option<Span>| s.map(|s| &source[s.range()]);
        assert_eq!(text(span_of(&tree, "/a/b[2]/l:d")), Some("<l:d/>"));
        assert_eq!(text(span_of(&tree, "/a/c/@k")), Some(r#"k="v""#));
        assert_eq!(text(span_of(&tree, "/a/b")), Some("<b/>"));
        assert_eq!(span_of(&tree, "/a/b[3]"), None);
        assert_eq!(span_of(&tree, "/x"), None);
    }
}
