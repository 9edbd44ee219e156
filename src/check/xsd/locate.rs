//! Between our source and libxml2's: the text libxml2 is given (the prolog blanked, every
//! line kept), and the way back from an error's line and the names in its message to the
//! element or attribute of our tree.

use std::borrow::Cow;

use crate::xml::{NodeId, Span, Tree};

/// The decoded source with everything before the document element blanked but the XML
/// declaration: no DOCTYPE, no entity declaration, no processing instruction reaches
/// libxml2. Blanked bytes become spaces; line breaks stay, so line numbers are ours.
pub(super) fn without_prolog(tree: &Tree) -> Cow<'_, str> {
    let source: &str = tree.source();
    let Some(root) = tree.root() else { return Cow::Borrowed(source) };
    let root_start = (tree.span(root).start as usize).min(source.len());
    let prolog = &source[..root_start];
    let declaration_end =
        if prolog.starts_with("<?xml") && prolog[5..].starts_with(|c: char| c.is_ascii_whitespace()) {
            prolog.find("?>").map_or(0, |end| end + 2)
        } else {
            0
        };
    if prolog[declaration_end..].bytes().all(|b| b.is_ascii_whitespace()) {
        return Cow::Borrowed(source);
    }
    let mut bytes = source.as_bytes().to_vec();
    for byte in &mut bytes[declaration_end..root_start] {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
    // only whole UTF-8 sequences were replaced (every byte of the prolog past the
    // declaration), so the text stays valid UTF-8
    Cow::Owned(
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// Elements on an error's line looked at, at most.
const LOOKED_AT: usize = 4_096;

/// Line starts of the source and the elements in document order, to find what an error on
/// a given line is about.
pub(super) struct Lines<'t> {
    tree: &'t Tree,
    starts: Vec<usize>,
    /// (start of the start tag, end of the start tag, element), in document order.
    elements: Vec<(usize, usize, NodeId)>,
}

impl<'t> Lines<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        let source = tree.source().as_bytes();
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', source).map(|i| i + 1));
        let elements = match tree.root() {
            Some(root) => tree
                .descendants(root)
                .filter(|&n| tree.is_element(n))
                .map(|n| {
                    let head = tree.head_span(n);
                    (head.start as usize, head.end as usize, n)
                })
                .collect(),
            None => Vec::new(),
        };
        Self { tree, starts, elements }
    }

    /// The bytes of 1-based line `line`.
    fn line_range(&self, line: u32) -> Option<(usize, usize)> {
        let index = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(index)?;
        let end = self.starts.get(index + 1).copied().unwrap_or(self.tree.source().len());
        Some((start, end))
    }

    /// Where an error points: the attribute `attribute` of the element named `element` whose
    /// start tag is on `line` (libxml2 gives an element the line its start tag ends on), else
    /// that element's start tag, else the line itself.
    pub fn span(&self, line: u32, column: u32, element: Option<&str>, attribute: Option<&str>) -> Span {
        let Some((line_start, line_end)) = self.line_range(line) else { return Span::at(0) };
        let tree = self.tree;
        let upto = self.elements.partition_point(|&(start, _, _)| start < line_end);
        // (a whole document on one line has every element on it: look at a bounded number)
        let on_line =
            self.elements[..upto].iter().rev().take_while(|&&(_, end, _)| end > line_start).take(LOOKED_AT);
        let named = |n: NodeId| element.is_none_or(|name| tree.local_name(n) == name);
        // prefer the element whose start tag ends on this line
        let mut found = None;
        for &(_, end, node) in on_line {
            if named(node) {
                if end <= line_end {
                    found = Some(node);
                    break;
                }
                found = found.or(Some(node));
            }
        }
        match found {
            Some(node) => {
                let attr = attribute.and_then(|name| tree.attributes(node).find(|a| a.local_name() == name));
                attr.map_or(tree.head_span(node), |a| a.span())
            }
            None => {
                let column = (column as usize).saturating_sub(1);
                let text = &tree.source()[line_start..line_end];
                let offset = text.char_indices().nth(column).map_or(0, |(i, _)| i);
                Span::at(line_start + offset)
            }
        }
    }
}
