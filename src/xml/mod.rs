//! The XML layer: decoding, streaming parse into a compact tree with spans, limits.
//!
//! This layer knows nothing of CDA. It turns bytes into a [`Tree`] and a list of findings,
//! and never fails: a malformed or hostile input gives a partial tree and findings.

mod attrs;
pub mod decode;
mod markup;
pub mod parse;
pub mod span;
pub mod tree;

pub use span::{LineIndex, Position, Span};
pub use tree::{Children, NodeId, Ns, Tree};

/// The explicit limits applied while reading. Each one, when hit, is reported as a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_input_bytes: usize,
    /// Deepest element nesting read; deeper content is skipped.
    pub max_depth: usize,
    /// Most nodes (elements and text) read.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_input_bytes: 256 * 1024 * 1024, max_depth: 256, max_nodes: 8_000_000 }
    }
}
