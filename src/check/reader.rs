//! The reader's findings as issues: well-formedness, encoding, namespaces and limits
//! ([`Layer::Xml`]), the data types read while building the model ([`Layer::Cda`]), the XDM
//! package's findings ([`Layer::Builtin`], rules `xdm.layout` and `xdm.metadata`). Findings
//! a built-in rule reports in its own words (the INS) are left to that rule.
//!
//! Each keeps the reader's code as its rule id; its page is `docs/rules/reader.md`. The
//! reader writes English: each code has a French summary, followed by the reader's details.

use super::issue::{Issue, Layer, Message, RuleSource};
use super::rules;
use crate::diag::Finding;
use crate::input::Document;
use crate::xml::Span;

/// The page documenting every reader code.
pub const PAGE: &str = "docs/rules/reader.md";

/// The reader's findings sorted into the layers that report them.
#[derive(Default)]
pub(super) struct Mapped {
    pub xml: Vec<Issue>,
    pub cda: Vec<Issue>,
    pub builtin: Vec<Issue>,
}

pub(super) fn map_findings(document: &Document) -> Mapped {
    let mut mapped = Mapped::default();
    for finding in &document.findings {
        if finding.code.starts_with("xdm.") {
            mapped.builtin.push(rules::package_issue(finding));
        } else if rules::claimed(finding.code) {
            continue;
        } else if finding.code.starts_with("datatype.") {
            mapped.cda.push(issue(finding, Layer::Cda));
        } else {
            mapped.xml.push(issue(finding, Layer::Xml));
        }
    }
    mapped
}

/// A reader finding as an issue of `layer`.
pub fn issue(finding: &Finding, layer: Layer) -> Issue {
    let french = french(finding.code);
    let message = Message::new(format!("{french} ({})", finding.message), finding.message.clone());
    let mut issue = Issue::builtin(finding.code, layer, finding.severity, message).at(finding.span);
    issue.position = finding.position;
    if finding.span == Span::at(0) {
        // The reader's way of saying "the whole input": no place to point at.
        issue.span = None;
        issue.position = None;
    }
    issue.source = RuleSource::Builtin { page: format!("{PAGE}#{}", finding.code.replace('.', "-")) };
    issue
}

/// Every reader code and what it means, in French.
pub const CODES: [(&str, &str); 26] = [
    ("xml.malformed", "le XML est mal formé"),
    ("xml.unclosed", "un élément n'est pas fermé"),
    ("xml.unmatched-end", "une balise fermante ne ferme aucun élément ouvert"),
    ("xml.multiple-roots", "le document a plusieurs éléments racine"),
    ("xml.no-root", "aucun élément XML"),
    ("xml.text-outside-root", "du texte hors de l'élément racine"),
    ("xml.bad-attribute", "un attribut est mal formé"),
    ("xml.unbound-prefix", "un préfixe d'espace de noms n'est pas déclaré"),
    ("xml.dtd-refused", "une DTD a été refusée"),
    ("xml.entity-refused", "une entité n'a pas été développée"),
    ("xml.bad-reference", "un « & » ne commence aucune référence"),
    ("xml.invalid-utf8", "des octets UTF-8 invalides"),
    ("xml.invalid-bytes", "des octets invalides dans l'encodage déclaré"),
    ("xml.unknown-encoding", "l'encodage déclaré est inconnu"),
    ("limits.depth", "imbrication plus profonde que la limite de lecture"),
    ("limits.nodes", "plus de nœuds XML que la limite de lecture"),
    ("limits.namespaces", "plus de déclarations d'espaces de noms que la limite de lecture"),
    ("limits.input-size", "fichier plus grand que la limite de lecture"),
    ("limits.findings", "trop de problèmes : les suivants ne sont pas listés"),
    ("input.not-cda", "ce n'est pas un document CDA"),
    ("input.zip", "c'est une archive zip"),
    ("io.read", "le fichier ne peut pas être lu"),
    ("io.is-directory", "c'est un dossier"),
    ("io.package", "le paquet ne peut pas être lu"),
    ("datatype.timestamp", "une date HL7 (TS) est mal formée"),
    ("attachment.unknown", "pièce jointe inconnue"),
];

fn french(code: &str) -> &'static str {
    CODES.iter().find(|(c, _)| *c == code).map_or("problème de lecture", |(_, fr)| fr)
}
