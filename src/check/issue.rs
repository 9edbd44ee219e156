//! What a check reports: one [`Issue`] per problem, whichever layer found it, with where it
//! lies in the source, a readable path, the rule that fired and where that rule is written.
//!
//! This is the shape every output is made from (text, JSON, SARIF, JUnit, the app's
//! Problems panel); docs/check.md documents its JSON.

use serde::Serialize;

use crate::diag::Severity;
use crate::xml::span::{Position, Span};

/// The layers of a check, run in this order and reported separately. None of them ever
/// blocks viewing the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// Well-formedness, encoding and namespaces, from the reader.
    Xml,
    /// CDA R2 structure and data types, checked natively (no schema folder needed).
    Cda,
    /// Full XSD validation against a schema folder the user points to.
    Xsd,
    /// The official French rules: the ANS kit's Schematron files, run natively.
    Kit,
    /// Vigie's own rules that need no kit (INS, identifiers, body integrity, narrative
    /// against entries, XDM packages).
    Builtin,
    /// Findings imported from an SVRL report (`vigie check --svrl`).
    Svrl,
}

/// A message in French (the first language of the rules) and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Message {
    pub fr: String,
    /// English, when the rule has one (the kit's messages are French only).
    pub en: Option<String>,
}

impl Message {
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Self {
        Self { fr: fr.into(), en: Some(en.into()) }
    }
    pub fn french(fr: impl Into<String>) -> Self {
        Self { fr: fr.into(), en: None }
    }

    /// A text written `français (English)` — the French, then the English in a final pair of
    /// parentheses — split in two; French only when it is not written so.
    pub fn bilingual(text: &str) -> Self {
        let text = text.trim();
        if let Some(body) = text.strip_suffix(')') {
            // The parenthesis that closes at the end: scan back, counting nested pairs.
            let mut depth = 0usize;
            for (at, c) in body.char_indices().rev() {
                match c {
                    ')' => depth += 1,
                    '(' if depth > 0 => depth -= 1,
                    '(' => {
                        let (fr, en) = (body[..at].trim(), body[at + 1..].trim());
                        if !fr.is_empty() && !en.is_empty() {
                            return Self::new(fr, en);
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
        Self::french(text)
    }

    /// The text in `english` or French, French when there is no English.
    pub fn text(&self, english: bool) -> &str {
        match (english, &self.en) {
            (true, Some(en)) => en,
            _ => &self.fr,
        }
    }
}

/// Where the rule that fired is written, so an editor can read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RuleSource {
    /// A rule of Vigie's own; `page` is its documentation, e.g. `docs/rules/ins-key.md`.
    Builtin { page: String },
    /// A Schematron assert or report of the kit.
    Kit {
        /// The Schematron file, relative to the kit folder.
        file: String,
        /// The pattern's id, when it has one.
        pattern: Option<String>,
        /// The rule's context (an XSLT pattern).
        context: String,
        /// The assert's or report's test (XPath).
        test: String,
        /// The assert's id, when it has one.
        id: Option<String>,
        /// 1-based line of the assert in `file`, when known.
        line: Option<u32>,
    },
    /// An XSD constraint; `schema` is the schema file that was validated against.
    Xsd { schema: String },
    /// Imported from an SVRL report.
    Svrl { file: String },
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Issue {
    /// Stable identifier: `xml.malformed`, `cda.order`, `ins.key`, `kit:<pattern or assert id>`...
    pub rule: String,
    pub layer: Layer,
    pub severity: Severity,
    pub message: Message,
    /// The element (or attribute) the issue is about, in the decoded source.
    pub span: Option<Span>,
    /// `span.start` as 1-based line:column, filled in by [`Report::locate`](super::Report::locate).
    pub position: Option<Position>,
    /// A path a person can read: `section[code=30954-2]/entry[3]/observation/value`.
    pub path: Option<String>,
    /// The XPath location as SVRL reports it, e.g.
    /// `/ClinicalDocument/component/structuredBody/component[3]/section`.
    pub location: Option<String>,
    pub source: RuleSource,
    /// What to do about it, when the rule knows (French and English, like the message).
    pub hint: Option<Message>,
    /// Other places the issue involves: the narrative cell a lab result's entry is compared
    /// with, the narrative an unreferenced entry belongs to... Absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

/// A second place an [`Issue`] involves, with what it is: the narrative cell of a result
/// whose entry the issue is about (SARIF's `relatedLocations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Related {
    /// What this place is to the issue, e.g. « le texte narratif de ce résultat (#res-1) ».
    pub message: Message,
    /// The element, in the decoded source.
    pub span: Span,
    /// `span.start` as 1-based line:column, filled in by [`Report::locate`](super::Report::locate).
    pub position: Option<Position>,
    /// Its readable path, filled in by [`Report::locate`](super::Report::locate).
    pub path: Option<String>,
}

impl Issue {
    /// A built-in rule's issue; its page is `docs/rules/<rule>.md`.
    pub fn builtin(rule: &str, layer: Layer, severity: Severity, message: Message) -> Self {
        Self {
            rule: rule.to_owned(),
            layer,
            severity,
            message,
            span: None,
            position: None,
            path: None,
            location: None,
            source: RuleSource::Builtin { page: format!("docs/rules/{rule}.md") },
            hint: None,
            related: Vec::new(),
        }
    }
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }
    pub fn with_hint(mut self, hint: Message) -> Self {
        self.hint = Some(hint);
        self
    }
    /// Adds a related place (located later, with the issue).
    pub fn with_related(mut self, span: Span, message: Message) -> Self {
        self.related.push(Related { message, span, position: None, path: None });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::Message;

    #[test]
    fn a_french_text_with_its_english_in_parentheses_is_split() {
        let m = Message::bilingual("Ajoutez codeSystem (son OID). (Add codeSystem (its OID).)");
        assert_eq!(m.fr, "Ajoutez codeSystem (son OID).");
        assert_eq!(m.en.as_deref(), Some("Add codeSystem (its OID)."));
        assert_eq!(Message::bilingual("Corrigez la valeur.").en, None);
        assert_eq!(Message::bilingual("(seulement)").fr, "(seulement)");
        assert_eq!(m.text(true), "Add codeSystem (its OID).");
        assert_eq!(Message::french("seul").text(true), "seul");
    }
}
