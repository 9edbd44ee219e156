//! Rule contexts: XSLT match patterns, turned into node selections once per document.
//!
//! A node matches the pattern `P` when it is in `root//(P)` (XSLT 2.0, 5.5.3). Contexts in
//! the native subset (`pattern.rs`) are matched by Vigie (`matcher.rs`); any other becomes
//! a selection from the document node (a branch that starts with `/` as it is, any other
//! under `//`), which Vigie's XPath evaluator (`xpath/`) makes when it can, xee otherwise. Which rule of a pattern fires on a node (the
//! first that matches) is decided by the runner.

use std::collections::HashMap;

use super::compile::{Compiler, Lazy, Program};
use super::model::Origin;
use super::pattern::{self, Pattern};
use super::xpath;
use super::xpath_text::split_top_level;

/// How a rule finds the nodes it fires on.
pub(crate) enum Selector {
    /// Matched natively.
    Native(Pattern),
    /// A selection the native evaluator makes from the document node (`xpath/`); xee
    /// compiles it (the second) only if the native evaluation stops on a document.
    Evaluated(xpath::Expr, Lazy),
    /// A selection xee evaluates from the document node.
    Select(Program),
}

impl Selector {
    pub fn compile(
        compiler: &mut Compiler,
        namespaces: &HashMap<String, String>,
        context: &str,
        origin: &Origin,
    ) -> Option<Selector> {
        match pattern::parse(context, namespaces) {
            Ok(pattern) => Some(Selector::Native(pattern)),
            Err(_) => {
                let selection = selection(context);
                match xpath::parse(&selection, namespaces) {
                    Ok(expr) => {
                        Some(Selector::Evaluated(expr, Lazy::new(selection, "context", origin, false)))
                    }
                    Err(_) => compiler.compile(&selection, "context", origin).map(Selector::Select),
                }
            }
        }
    }
}

/// The selection equivalent to the match pattern `context`.
pub(crate) fn selection(context: &str) -> String {
    split_top_level(context, "|")
        .into_iter()
        .map(str::trim)
        .map(|branch| {
            if branch.starts_with('/') {
                format!("({branch})")
            } else if branch.starts_with('(') {
                format!("//({branch})")
            } else {
                // `//a/b` is `//(a/b)`, and lets the optimizer make it `/descendant::a/b`
                format!("//{branch}")
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}
