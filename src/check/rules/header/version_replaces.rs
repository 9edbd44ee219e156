//! `version.replaces`: a new version names the one it replaces, `relatedDocument
//! typeCode="RPLC"` with the parent's id — another document's id of the same set, of an
//! earlier version.

use super::super::{claims_nothing, Context, Rule};
use super::version_number::version;
use super::version_set_id::identifier;
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::xml::Ns;

pub static RULE: Rule = Rule {
    id: "version.replaces",
    severity: Severity::Error,
    summary: [
        "Une nouvelle version désigne celle qu'elle remplace (relatedDocument RPLC)",
        "A new version names the one it replaces (relatedDocument RPLC)",
    ],
    hint: [
        "écrivez <relatedDocument typeCode=\"RPLC\"><parentDocument><id …/><setId …/>\
         <versionNumber …/></parentDocument></relatedDocument> avec l'id de la version remplacée",
        "write <relatedDocument typeCode=\"RPLC\"><parentDocument><id …/><setId …/>\
         <versionNumber …/></parentDocument></relatedDocument> with the replaced version's id",
    ],
    claims: claims_nothing,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let t = cx.tree;
    let version = version(cx);
    let replaces = t
        .children_named(cx.root, Ns::HL7, "relatedDocument")
        .find(|&r| t.attr(r, "typeCode").is_some_and(|c| c.trim() == "RPLC"));
    let mut report = |severity, fr: String, en: String, node| {
        let mut issue = RULE.issue(Message::new(fr, en)).at(t.head_span(node));
        issue.severity = severity;
        out.push(issue);
    };
    let Some(related) = replaces else {
        if let Some(n) = version.filter(|&n| n > 1) {
            let at = t.child(cx.root, "versionNumber").unwrap_or(cx.root);
            report(
                Severity::Warning,
                format!("version {n} sans relatedDocument RPLC : la version remplacée n'est pas désignée"),
                format!("version {n} without a relatedDocument RPLC: the replaced version is not named"),
                at,
            );
        }
        return;
    };
    if version == Some(1) {
        report(
            Severity::Warning,
            "le document remplace un autre document (RPLC) mais se dit version 1".into(),
            "the document replaces another one (RPLC) but says it is version 1".into(),
            related,
        );
    }
    let parent = t.child(related, "parentDocument");
    let Some(parent_id) = parent.and_then(|p| t.child(p, "id")) else {
        report(
            Severity::Error,
            "relatedDocument RPLC sans parentDocument/id : la version remplacée n'est pas identifiée".into(),
            "relatedDocument RPLC without parentDocument/id: the replaced version is not identified".into(),
            related,
        );
        return;
    };
    if let Some(id) = t.child(cx.root, "id") {
        if identifier(t, id) == identifier(t, parent_id) {
            report(
                Severity::Error,
                "le document se remplace lui-même : l'id du parentDocument est son propre id".into(),
                "the document replaces itself: the parentDocument's id is its own id".into(),
                parent_id,
            );
        }
    }
    let parent_set = parent.and_then(|p| t.child(p, "setId"));
    if let (Some(parent_set), Some(set_id)) = (parent_set, t.child(cx.root, "setId")) {
        if identifier(t, parent_set) != identifier(t, set_id) {
            report(
                Severity::Error,
                "le setId du parentDocument diffère de celui du document : une nouvelle version garde le setId".into(),
                "the parentDocument's setId differs from the document's: a new version keeps the setId".into(),
                parent_set,
            );
        }
    }
    let parent_version = parent.and_then(|p| t.child(p, "versionNumber"));
    let parent_n = parent_version.and_then(|v| t.attr(v, "value")).and_then(|v| v.trim().parse::<u32>().ok());
    if let (Some(node), Some(parent_n), Some(n)) = (parent_version, parent_n, version) {
        if parent_n >= n {
            report(
                Severity::Error,
                format!("la version remplacée ({parent_n}) n'est pas antérieure à celle du document ({n})"),
                format!("the replaced version ({parent_n}) is not earlier than the document's ({n})"),
                node,
            );
        }
    }
}
