//! `id.organization`: every national structure identifier (root `1.2.250.1.71.4.2.2`) is a
//! known type prefix and a well-formed number: `1` + FINESS (9 characters, Luhn key), `2` +
//! SIREN, `3` + SIRET, `0`/`4` + a practice id. The checks are the model's
//! ([`crate::model::identifiers::organization_id`]).

use super::super::{claims_nothing, guillemets, Context, Rule};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::model::identifiers::{organization_id, OID_STRUCTURE_NATIONAL};

pub static RULE: Rule = Rule {
    id: "id.organization",
    severity: Severity::Error,
    summary: [
        "Les identifiants nationaux de structures (FINESS, SIREN, SIRET) ont leur préfixe et un numéro valide",
        "National structure identifiers (FINESS, SIREN, SIRET) have their prefix and a valid number",
    ],
    hint: [
        "écrivez l'identifiant national de structure avec son préfixe : 1 suivi du n° FINESS \
         (9 caractères), 3 suivi du SIRET (14 chiffres), 2 suivi du SIREN (9 chiffres)",
        "write the national structure identifier with its prefix: 1 followed by the FINESS \
         number (9 characters), 3 followed by the SIRET (14 digits), 2 followed by the SIREN \
         (9 digits)",
    ],
    claims: claims_nothing,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let kind = NationalCheck {
        root: OID_STRUCTURE_NATIONAL,
        what: ["identifiant national de structure", "national structure identifier"],
        split: |root, extension| {
            organization_id(root, extension)
                .map(|id| (id.prefix, id.number, id.meaning_fr, id.format_ok, id.key_ok, id.problem))
        },
    };
    check_national(cx, &RULE, &kind, out);
}

/// A national identifier split by the model: prefix, number, the prefix's French meaning,
/// whether the format is right, whether the key is, and the problem in English.
type Split = (char, String, &'static str, bool, Option<bool>, Option<String>);

/// What [`check_national`] checks: the ids of one root OID, split by the model.
pub(super) struct NationalCheck {
    pub root: &'static str,
    /// "identifiant national de …" in French and English.
    pub what: [&'static str; 2],
    pub split: fn(&str, &str) -> Option<Split>,
}

/// Every `id` element of the document under `kind.root` (header and body), checked; an
/// identifier repeated at several places is reported once, at its first, with the count of
/// the others. A wrong check digit is a warning (often a made-up number in an example), a
/// wrong form an error.
pub(super) fn check_national(cx: &Context<'_>, rule: &Rule, kind: &NationalCheck, out: &mut Vec<Issue>) {
    let t = cx.tree;
    // Each distinct extension once: its issue (if any) and how often it is repeated.
    let mut seen: Vec<(String, Option<Issue>, usize)> = Vec::new();
    for node in cx.named("id") {
        let Some(root) = t.attr(node, "root") else { continue };
        if root.trim() != kind.root || t.attr(node, "nullFlavor").is_some() {
            continue;
        }
        let extension = t.attr(node, "extension").unwrap_or_default().trim().to_owned();
        if let Some((_, _, repeats)) = seen.iter_mut().find(|(e, _, _)| *e == extension) {
            *repeats += 1;
            continue;
        }
        let [what_fr, what_en] = kind.what;
        let (message, severity) = match (kind.split)(&root, &extension) {
            None => (
                Message::new(
                    format!("{what_fr} sans extension : le numéro manque"),
                    format!("{what_en} without an extension: the number is missing"),
                ),
                Severity::Error,
            ),
            Some((_, _, _, true, Some(true) | None, _)) => {
                seen.push((extension, None, 0));
                continue;
            }
            Some((prefix, number, meaning, format_ok, _, problem)) => {
                let problem = problem.unwrap_or_default();
                let mistake = mistake_fr(&problem);
                let english = format!("{what_en} \"{extension}\": {problem}");
                let quoted = guillemets(&extension);
                if meaning.contains("inconnu") {
                    let french = format!(
                        "{what_fr} {quoted} : le préfixe {} n'est pas un type d'identifiant connu{mistake}",
                        guillemets(&prefix.to_string())
                    );
                    (Message::new(french, english), Severity::Error)
                } else if !format_ok {
                    let french = format!(
                        "{what_fr} {quoted} : {} n'a pas la forme attendue pour le type {prefix} ({meaning}){mistake}",
                        guillemets(&number)
                    );
                    (Message::new(french, english), Severity::Error)
                } else {
                    let french = format!(
                        "{what_fr} {quoted} : la clé de contrôle (Luhn) du numéro {} ne correspond pas ({meaning})",
                        guillemets(&number)
                    );
                    (Message::new(french, english), Severity::Warning)
                }
            }
        };
        let mut issue = rule.issue(message).at(t.head_span(node));
        issue.severity = severity;
        seen.push((extension, Some(issue), 0));
    }
    out.extend(seen.into_iter().filter_map(|(_, issue, repeats)| Some(with_repeats(issue?, repeats))));
}

/// The common mistakes the model recognises (see `practitioner_hint` and
/// `organization_hint` in `crate::model::identifiers`), in French.
const MISTAKES: [(&str, &str); 5] = [
    (
        "looks like an RPPS number written without its '8' prefix",
        "on dirait un n° RPPS écrit sans son préfixe 8",
    ),
    ("an ADELI number written without its '0' prefix", "un n° ADELI écrit sans son préfixe 0 ?"),
    (
        "is a professional's RPPS identifier",
        "8 suivi de 11 chiffres est l'identifiant RPPS d'un professionnel : racine 1.2.250.1.71.4.2.1",
    ),
    ("a FINESS number written without its '1' prefix", "un n° FINESS écrit sans son préfixe 1 ?"),
    ("a SIRET number written without its '3' prefix", "un n° SIRET écrit sans son préfixe 3 ?"),
];

/// The French of a recognised mistake in the model's problem, as `" ; …"`.
fn mistake_fr(problem: &str) -> String {
    MISTAKES.iter().find(|(en, _)| problem.contains(en)).map(|(_, fr)| format!(" ; {fr}")).unwrap_or_default()
}

/// Says how many other places an identifier is repeated at.
fn with_repeats(mut issue: Issue, repeats: usize) -> Issue {
    if repeats > 0 {
        let s = if repeats > 1 { "s" } else { "" };
        issue.message.fr.push_str(&format!(" (répété à {repeats} autre{s} endroit{s})"));
        if let Some(en) = &mut issue.message.en {
            en.push_str(&format!(" (repeated at {repeats} other place{s})"));
        }
    }
    issue
}
