//! `ins.key`: the INS is a well-formed NIR (or NIA) whose two-digit key matches its number.
//! The check is the model's ([`crate::model::identifiers::check_nir`]); this rule reports it.

use super::super::{guillemets, Context, Rule};
use crate::check::{Issue, Message};
use crate::diag::Severity;

pub static RULE: Rule = Rule {
    id: "ins.key",
    severity: Severity::Error,
    summary: [
        "L'INS est un NIR de 15 caractères dont la clé correspond au numéro",
        "The INS is a 15-character NIR whose key matches its number",
    ],
    hint: [
        "recopiez l'INS tel que le téléservice INSi l'a renvoyé, sans espace : 13 caractères \
         puis la clé (97 − numéro mod 97, 2A et 2B comptés 19 et 18)",
        "copy the INS exactly as the INSi teleservice returned it, without spaces: 13 \
         characters then the key (97 − number mod 97, 2A and 2B counted as 19 and 18)",
    ],
    claims: |code| code == "ins.key",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    for patient in &cx.cda.header.patients {
        for id in patient.ids.iter().filter(|id| id.kind.is_ins()) {
            let Some(nir) = &id.nir_check else { continue };
            if nir.key_ok {
                continue;
            }
            let value = id.id.extension.as_deref().unwrap_or("").trim();
            let english = nir.problem.clone().unwrap_or_else(|| format!("the INS \"{value}\" is not valid"));
            let french = match (nir.well_formed, nir.given_key, nir.expected_key) {
                (true, Some(given), Some(expected)) => format!(
                    "la clé {given:02} de l'INS {} ne correspond pas à son numéro : la clé attendue \
                     est {expected:02}",
                    guillemets(value)
                ),
                _ => format!(
                    "l'INS {} n'est pas un NIR bien formé ({} caractères ; attendu : 15 chiffres, \
                     2A ou 2B pour la Corse)",
                    guillemets(value),
                    value.chars().count()
                ),
            };
            out.push(RULE.issue(Message::new(french, english)).at(id.id.span));
        }
    }
}
