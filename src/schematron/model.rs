//! A Schematron schema after expansion: plain data, shareable between threads.
//!
//! Expansion (see `expand.rs`) resolves includes, instantiates abstract patterns, inlines
//! abstract rules (`extends`) and keeps only the patterns of the chosen phase. What is left
//! is a list of patterns, each a list of rules, each a list of `let`s and checks, with the
//! XPath expressions as text: compiling them is per thread (`compile.rs`), because the
//! XPath engine's programs are not `Send`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::check::Message;

/// Where something is written: a Schematron file (relative to the kit folder) and a line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Origin {
    pub file: Arc<str>,
    /// 1-based.
    pub line: u32,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A problem with the rules themselves (not with the checked document): a file that cannot
/// be read, a rule whose XPath does not compile, a value set refused. Reported once; the
/// rest of the schema still runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupNote {
    pub origin: Origin,
    pub message: Message,
}

impl SetupNote {
    pub fn new(origin: Origin, fr: impl Into<String>, en: impl Into<String>) -> Self {
        Self { origin, message: Message::new(fr, en) }
    }
}

impl std::fmt::Display for SetupNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} : {}", self.origin, self.message.fr)
    }
}

/// `<let name value>`: a variable, global (schema or pattern level) or local to a rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Let {
    pub name: String,
    pub value: String,
    pub origin: Origin,
}

/// An active, concrete pattern.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pattern {
    pub id: Option<String>,
    pub rules: Vec<Rule>,
}

/// A concrete rule: its context (an XSLT match pattern) and its body, abstract rules inlined.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    pub context: String,
    pub body: Vec<RuleItem>,
    pub origin: Origin,
}

/// What a rule contains, in order: a `let` is visible to the items after it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum RuleItem {
    Let(Let),
    Check(Check),
}

/// `assert` (fails when its test is false) or `report` (fires when its test is true).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckKind {
    Assert,
    Report,
}

/// An assert or a report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    pub kind: CheckKind,
    pub test: String,
    pub id: Option<String>,
    pub role: Option<String>,
    pub flag: Option<String>,
    pub message: Vec<MessagePart>,
    pub origin: Origin,
}

/// A piece of an assert's message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum MessagePart {
    Text(String),
    /// `<value-of select>`: the items' string values, space separated.
    ValueOf(String),
    /// `<name path>`: the name of the node `path` selects (default: the context node).
    Name(Option<String>),
}

/// The whole expanded schema.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expanded {
    /// The main file, relative to the root folder.
    pub file: Arc<str>,
    pub title: Option<String>,
    /// The phase applied; `None` is `#ALL`.
    pub phase: Option<String>,
    /// `sch:ns` declarations (prefix, URI).
    pub namespaces: Vec<(String, String)>,
    /// Schema-level lets and the lets of active patterns (which the ISO skeleton makes
    /// global), in document order.
    pub globals: Vec<Let>,
    pub patterns: Vec<Pattern>,
    pub notes: Vec<SetupNote>,
}

impl Expanded {
    /// Every check, for counting.
    pub fn checks(&self) -> impl Iterator<Item = &Check> {
        self.patterns.iter().flat_map(|p| p.rules.iter()).flat_map(|r| {
            r.body.iter().filter_map(|i| match i {
                RuleItem::Check(c) => Some(c),
                RuleItem::Let(_) => None,
            })
        })
    }
}
