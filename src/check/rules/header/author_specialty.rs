//! `author.specialty`: each author (a person) gives their profession and specialty in
//! `assignedAuthor/code`, a code of JDV_J01 XdsAuthorSpecialty (or of TRE_R38 / TRE_G15 /
//! JDV_J48, which J01 is built from): this is what XDS metadata and the DMP index by.

use super::super::{claims_nothing, guillemets, Context, Rule};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::terminology::{in_value_set, profession, specialite_ordinale, value_set_label, ValueSet};

pub static RULE: Rule = Rule {
    id: "author.specialty",
    severity: Severity::Warning,
    summary: [
        "La spécialité de chaque auteur est un code du JDV_J01 XdsAuthorSpecialty",
        "Each author's specialty is a code of JDV_J01 XdsAuthorSpecialty",
    ],
    hint: [
        "codez la profession et la spécialité de l'auteur dans le JDV_J01, par exemple \
         <code code=\"G15_10/SM26\" codeSystem=\"1.2.250.1.213.1.1.4.5\" \
         displayName=\"Médecin - Qualifié en Médecine Générale (SM)\"/>",
        "code the author's profession and specialty from JDV_J01, for instance \
         <code code=\"G15_10/SM26\" codeSystem=\"1.2.250.1.213.1.1.4.5\" \
         displayName=\"Médecin - Qualifié en Médecine Générale (SM)\"/>",
    ],
    claims: claims_nothing,
    check,
};

/// The code systems JDV_J01 draws on.
const J01_SYSTEMS: [&str; 5] = [
    "1.2.250.1.213.1.1.4.5",
    "1.2.250.1.213.1.1.4.6",
    "1.2.250.1.213.1.6.1.107",
    "1.2.250.1.213.1.6.1.109",
    "1.2.250.1.213.1.6.1.4",
];
/// TRE_R38 SpecialiteOrdinale and TRE_G15 ProfessionSante.
const TRE_R38: &str = "1.2.250.1.213.2.28";
const TRE_G15: &str = "1.2.250.1.71.1.2.7";

fn known(system: &str, code: &str) -> bool {
    in_value_set(ValueSet::AuthorSpecialty, system, code)
        || in_value_set(ValueSet::ProfessionNonPs, system, code)
        || (system == TRE_R38 && specialite_ordinale(code).is_some())
        || (system == TRE_G15 && profession(code).is_some())
}

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    for author in &cx.cda.header.authors {
        let actor = &author.actor;
        let Some(specialty) = &actor.specialty else {
            if actor.device.is_none() {
                out.push(
                    RULE.issue(Message::new(
                        "l'auteur n'a pas de spécialité (assignedAuthor/code)",
                        "the author has no specialty (assignedAuthor/code)",
                    ))
                    .at(actor.span),
                );
            }
            continue;
        };
        let code = &specialty.code;
        if code.null_flavor.is_some() {
            continue;
        }
        let value = code.code.as_deref().unwrap_or("").trim();
        let system = code.code_system.as_deref().unwrap_or("").trim();
        if known(system, value) {
            continue;
        }
        let right_system = J01_SYSTEMS.iter().find(|s| in_value_set(ValueSet::AuthorSpecialty, s, value));
        let message = match right_system {
            Some(expected) => Message::new(
                format!(
                    "la spécialité {} ({}) est dans le JDV_J01 avec le codeSystem {expected}, pas {}",
                    guillemets(value),
                    value_set_label(ValueSet::AuthorSpecialty, value).unwrap_or(""),
                    guillemets(system)
                ),
                format!(
                    "the specialty \"{value}\" is in JDV_J01 with codeSystem {expected}, not \"{system}\""
                ),
            ),
            None => Message::new(
                format!(
                    "la spécialité {} (codeSystem {}) n'est pas un code du JDV_J01 XdsAuthorSpecialty",
                    guillemets(value),
                    guillemets(system)
                ),
                format!(
                    "the specialty \"{value}\" (codeSystem \"{system}\") is not a code of JDV_J01 \
                     XdsAuthorSpecialty"
                ),
            ),
        };
        out.push(RULE.issue(message).at(code.span));
    }
}
