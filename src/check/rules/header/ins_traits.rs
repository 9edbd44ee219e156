//! `ins.traits`: beside an INS, the document gives the identity traits the référentiel INS
//! requires (birth name, birth first names, first birth first name, sex, birth date,
//! birthplace code). The model lists what is missing; this rule reports it.

use super::super::{Context, Rule};
use crate::check::{Issue, Message};
use crate::diag::Severity;

pub static RULE: Rule = Rule {
    id: "ins.traits",
    severity: Severity::Warning,
    summary: [
        "Un INS est accompagné des traits d'identité du référentiel INS",
        "An INS comes with the identity traits the INS referential requires",
    ],
    hint: [
        "reprenez les traits renvoyés par INSi : <family qualifier=\"BR\">, <given> (tous les \
         prénoms), <given qualifier=\"BR\"> (premier prénom), administrativeGenderCode, \
         birthTime, birthplace/place/addr/county (code COG)",
        "copy the traits INSi returned: <family qualifier=\"BR\">, <given> (all first names), \
         <given qualifier=\"BR\"> (first first name), administrativeGenderCode, birthTime, \
         birthplace/place/addr/county (COG code)",
    ],
    claims: |code| code == "ins.traits",
    check,
};

/// The model's French names of the traits, with their English names.
const TRAITS: [(&str, &str); 6] = [
    ("nom de naissance", "birth name (family qualifier=\"BR\")"),
    ("prénoms de naissance", "birth first names (given without qualifier)"),
    ("premier prénom de naissance", "first birth first name (given qualifier=\"BR\")"),
    ("sexe", "sex (administrativeGenderCode)"),
    ("date de naissance", "birth date (birthTime)"),
    ("code officiel géographique", "birthplace code (birthplace/place/addr/county)"),
];

fn english(french: &str) -> &str {
    TRAITS.iter().find(|(fr, _)| french.starts_with(fr)).map_or(french, |(_, en)| en)
}

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    for patient in &cx.cda.header.patients {
        let Some(ins) = &patient.ins else { continue };
        if ins.missing_traits.is_empty() {
            continue;
        }
        let en: Vec<&str> = ins.missing_traits.iter().map(|t| english(t)).collect();
        let message = Message::new(
            format!(
                "le patient a un INS mais il manque ces traits d'identité : {}",
                ins.missing_traits.join(", ")
            ),
            format!("the patient has an INS but these identity traits are missing: {}", en.join(", ")),
        );
        let span = patient.names.first().map_or(patient.span, |n| n.span);
        out.push(RULE.issue(message).at(span));
    }
}
