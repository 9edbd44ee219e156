//! XDM packages (IHE ITI-32, as MSSanté carries them): the package's layout and metadata
//! (`xdm.layout`) and each document against its METADATA.XML entry (`xdm.metadata`). The
//! checks are the reader's ([`crate::xdm`]); these rules report its findings, each under
//! its own code (`xdm.hash-mismatch`), with a French summary before the reader's details.

pub mod layout;
pub mod metadata;

use super::{Context, Rule};
use crate::check::{Issue, Message};
use crate::diag::Finding;
use crate::xml::Span;

/// A package finding as an issue of the rule that claims its code (its span kept: the
/// caller drops it when it points into no text).
pub fn to_issue(finding: &Finding) -> Issue {
    let (rule, french) = if (metadata::RULE.claims)(finding.code) {
        (&metadata::RULE, metadata::french(finding.code))
    } else {
        (&layout::RULE, layout::french(finding.code))
    };
    issue(rule, finding, french)
}

fn issue(rule: &Rule, finding: &Finding, french: &str) -> Issue {
    let message = Message::new(format!("{french} ({})", finding.message), finding.message.clone());
    let mut issue = rule.issue_as(finding.code, finding.severity, message).at(finding.span);
    issue.position = finding.position;
    if finding.span == Span::at(0) {
        // The reader's way of saying "the whole input": no place to point at.
        issue.span = None;
        issue.position = None;
    }
    issue
}

/// The XDM rules look at no document: their issues come from the reader's findings, through
/// [`to_issue`] (the package's own, and those a document read from a package carries).
fn reported_from_findings(_: &Context<'_>, _: &mut Vec<Issue>) {}
