//! `ins.missing`: the patient has no INS (identifiant national de santé) among their ids.

use super::super::{claims_nothing, Context, Rule};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::model::identifiers::PatientIdKind;

pub static RULE: Rule = Rule {
    id: "ins.missing",
    severity: Severity::Warning,
    summary: [
        "Le patient porte son INS (INS-NIR ou INS-NIA) parmi ses identifiants",
        "The patient carries their INS (INS-NIR or INS-NIA) among their identifiers",
    ],
    hint: [
        "ajoutez à patientRole un <id root=\"1.2.250.1.213.1.4.8\" extension=\"<NIR de 15 caractères>\"/> \
         (INS-NIR) une fois l'identité qualifiée, avec les traits d'identité de l'INS",
        "add to patientRole an <id root=\"1.2.250.1.213.1.4.8\" extension=\"<15-character NIR>\"/> \
         (INS-NIR) once the identity is qualified, with the INS identity traits",
    ],
    claims: claims_nothing,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    for patient in &cx.cda.header.patients {
        if patient.ids.iter().any(|id| id.kind.is_ins()) {
            continue;
        }
        let nss = patient.ids.iter().find(|id| matches!(id.kind, PatientIdKind::Nir | PatientIdKind::Nia));
        let message = match nss {
            Some(id) => Message::new(
                format!(
                    "le patient n'a pas d'INS : l'identifiant {} est un {}, pas un INS",
                    id.id.extension.as_deref().unwrap_or("?"),
                    id.kind.label_fr()
                ),
                format!(
                    "the patient has no INS: the identifier {} is a {}, not an INS",
                    id.id.extension.as_deref().unwrap_or("?"),
                    id.kind.label_en()
                ),
            ),
            None => Message::new(
                "le patient n'a pas d'INS (INS-NIR ou INS-NIA) parmi ses identifiants",
                "the patient has no INS (INS-NIR or INS-NIA) among their identifiers",
            ),
        };
        out.push(RULE.issue(message).at(nss.map_or(patient.span, |id| id.id.span)));
    }
}
