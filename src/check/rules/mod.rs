//! Vigie's built-in rules ([`Layer::Builtin`]): what needs no kit — the header essentials,
//! body integrity, narrative against entries, XDM packages.
//!
//! One rule per file, grouped by family (`header/`, `body/`, `narrative/`, `xdm/`); each
//! file holds the rule's definition ([`Rule`]: id, default severity, what it checks and the
//! hint, in French and English) and its check. Each rule has a page, `docs/rules/<id>.md`,
//! and a fixture, `tests/fixtures/check/<id>.xml`, whose rendered diagnostic is snapshotted.
//!
//! Where the reader already checks something (the NIR key, the INS traits, an XDM entry
//! against its document), the rule reports the reader's verdict from the model or the
//! reader's finding and [`Rule::claims`] that finding, so that it is reported once, by the
//! rule, rather than again as a reader finding.

mod body;
mod context;
mod header;
mod narrative;
mod xdm;

pub use context::Context;
pub use xdm::to_issue as package_issue;

use super::issue::{Issue, Layer, Message};
use crate::diag::Severity;
use crate::summary::Lang;

/// A built-in rule: its definition and its check.
pub struct Rule {
    /// Stable identifier, also the name of its page: `docs/rules/<id>.md`.
    pub id: &'static str,
    /// The severity of its issues (a few rules lower it case by case, said on their page).
    pub severity: Severity,
    /// What the rule checks, in French and English.
    pub summary: [&'static str; 2],
    /// What to do when it fires, in French and English.
    pub hint: [&'static str; 2],
    /// Reader findings (by code) this rule reports in its own words; they are not reported
    /// again as reader findings.
    pub claims: fn(&str) -> bool,
    pub check: fn(&Context<'_>, &mut Vec<Issue>),
}

impl Rule {
    /// An issue of this rule, with its default severity and its hint.
    pub fn issue(&self, message: Message) -> Issue {
        Issue::builtin(self.id, Layer::Builtin, self.severity, message)
            .with_hint(Message::new(self.hint[0], self.hint[1]))
    }

    /// An issue of this rule under a more specific id (a family rule reporting one of the
    /// reader's codes), pointing at this rule's page.
    pub fn issue_as(&self, id: &str, severity: Severity, message: Message) -> Issue {
        let mut issue = Issue::builtin(id, Layer::Builtin, severity, message)
            .with_hint(Message::new(self.hint[0], self.hint[1]));
        issue.source = super::RuleSource::Builtin { page: self.page() };
        issue
    }

    /// `docs/rules/<id>.md`.
    pub fn page(&self) -> String {
        format!("docs/rules/{}.md", self.id)
    }

    pub fn summary(&self, lang: Lang) -> &'static str {
        pick(self.summary, lang)
    }

    pub fn hint(&self, lang: Lang) -> &'static str {
        pick(self.hint, lang)
    }
}

fn pick([fr, en]: [&'static str; 2], lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

fn claims_nothing(_: &str) -> bool {
    false
}

/// Every built-in rule, in the order they run.
pub static ALL: [&Rule; 21] = [
    &header::ins_missing::RULE,
    &header::ins_key::RULE,
    &header::ins_traits::RULE,
    &header::practitioner_id::RULE,
    &header::organization_id::RULE,
    &header::author_specialty::RULE,
    &header::document_type::RULE,
    &header::version_number::RULE,
    &header::version_set_id::RULE,
    &header::version_replaces::RULE,
    &body::base64::RULE,
    &body::pdf::RULE,
    &body::media_type::RULE,
    &narrative::id_unique::RULE,
    &narrative::reference::RULE,
    &narrative::lab_value::RULE,
    &narrative::lab_range::RULE,
    &narrative::lab_unit::RULE,
    &narrative::lab_interpretation::RULE,
    &narrative::coded_value::RULE,
    &narrative::unreferenced_entry::RULE,
];

/// Rules that report on packages rather than documents (see [`package_reports`]); they
/// also claim the package findings a document read from a package carries.
pub static PACKAGE: [&Rule; 2] = [&xdm::layout::RULE, &xdm::metadata::RULE];

/// The rule an issue id belongs to: the rule of that id, or the family rule that claims it
/// (`xdm.hash-mismatch` → `xdm.metadata`).
pub fn find(id: &str) -> Option<&'static Rule> {
    let rules = || ALL.iter().chain(PACKAGE.iter()).copied();
    rules().find(|r| r.id == id).or_else(|| rules().find(|r| (r.claims)(id)))
}

/// Whether a built-in rule reports this reader finding itself.
pub fn claimed(code: &str) -> bool {
    ALL.iter().chain(PACKAGE.iter()).any(|r| (r.claims)(code))
}

/// Runs every built-in rule on a read CDA document.
pub fn run(cx: &Context<'_>) -> Vec<Issue> {
    let mut issues = Vec::new();
    for rule in ALL.iter().chain(PACKAGE.iter()) {
        (rule.check)(cx, &mut issues);
    }
    issues
}

/// `« text »`, how the French messages quote a value.
pub(crate) fn guillemets(text: &str) -> String {
    format!("« {text} »")
}
