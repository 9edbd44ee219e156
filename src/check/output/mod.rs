//! Writing checked reports: compiler-style text ([`text`]), JSON lines ([`json`]), SARIF
//! 2.1.0 for code-scanning tools ([`sarif`]) and JUnit XML for CI test reports ([`junit`]).
//! docs/check.md documents each format.

pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

use super::issue::{Issue, Layer, Message, RuleSource};
use crate::diag::Severity;
use crate::summary::Lang;

/// From which severity findings fail a run (exit code 1, JUnit failures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// Errors fail the run (the default).
    #[default]
    Error,
    /// Errors and warnings fail the run.
    Warning,
    /// Nothing fails the run: findings are reported, the exit code stays 0.
    Never,
}

impl FailOn {
    /// The least severity that fails, if any.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Never => None,
        }
    }

    /// Whether an issue of this severity fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        self.threshold().is_some_and(|t| severity >= t)
    }
}

/// A message in the chosen language (French when there is no English).
pub fn message(message: &Message, lang: Lang) -> &str {
    match lang {
        Lang::Fr => &message.fr,
        Lang::En => message.en.as_deref().unwrap_or(&message.fr),
    }
}

/// An issue's hint in the chosen language (French when the rule has no English).
pub fn hint(issue: &Issue, lang: Lang) -> Option<&str> {
    issue.hint.as_ref().map(|h| h.text(lang == Lang::En))
}

/// Where the rule is written, on one line: a page, a kit file and assert, a schema, an
/// SVRL report.
pub fn rule_source(source: &RuleSource) -> String {
    match source {
        RuleSource::Builtin { page } => page.clone(),
        RuleSource::Kit { file, pattern, id, line, .. } => {
            let mut text = file.clone();
            if let Some(line) = line {
                text.push_str(&format!(":{line}"));
            }
            let names: Vec<&str> = [pattern.as_deref(), id.as_deref()].into_iter().flatten().collect();
            if !names.is_empty() {
                text.push_str(&format!(" ({})", names.join(", ")));
            }
            text
        }
        RuleSource::Xsd { schema } => schema.clone(),
        RuleSource::Svrl { file } => file.clone(),
    }
}

/// The word for a severity.
pub fn severity_word(severity: Severity, lang: Lang) -> &'static str {
    match (severity, lang) {
        (Severity::Error, Lang::Fr) => "erreur",
        (Severity::Warning, Lang::Fr) => "avertissement",
        (Severity::Info, Lang::Fr) => "info",
        (Severity::Error, Lang::En) => "error",
        (Severity::Warning, Lang::En) => "warning",
        (Severity::Info, Lang::En) => "info",
    }
}

/// A layer's name, as the JSON writes it.
pub fn layer_name(layer: Layer) -> &'static str {
    match layer {
        Layer::Xml => "xml",
        Layer::Cda => "cda",
        Layer::Xsd => "xsd",
        Layer::Kit => "kit",
        Layer::Builtin => "builtin",
        Layer::Svrl => "svrl",
    }
}
