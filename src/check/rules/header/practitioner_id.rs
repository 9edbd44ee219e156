//! `id.practitioner`: every national health professional identifier (root
//! `1.2.250.1.71.4.2.1`) is a known type prefix and a well-formed number: `8` + RPPS (11
//! digits, Luhn key), `0` + ADELI (9 characters), or a structure id, `/` and a local number.
//! The checks are the model's ([`crate::model::identifiers::practitioner_id`]).

use super::super::{claims_nothing, Context, Rule};
use super::organization_id::{check_national, NationalCheck};
use crate::check::Issue;
use crate::diag::Severity;
use crate::model::identifiers::{practitioner_id, OID_PS_NATIONAL};

pub static RULE: Rule = Rule {
    id: "id.practitioner",
    severity: Severity::Error,
    summary: [
        "Les identifiants nationaux de professionnels (RPPS, ADELI) ont leur préfixe et un numéro valide",
        "National health professional identifiers (RPPS, ADELI) have their prefix and a valid number",
    ],
    hint: [
        "écrivez l'identifiant national tel que l'annuaire santé le donne : 8 suivi du n° RPPS \
         (11 chiffres), ou 0 suivi du n° ADELI (9 caractères)",
        "write the national identifier as the Annuaire Santé gives it: 8 followed by the RPPS \
         number (11 digits), or 0 followed by the ADELI number (9 characters)",
    ],
    claims: claims_nothing,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let kind = NationalCheck {
        root: OID_PS_NATIONAL,
        what: ["identifiant national de professionnel", "national health professional identifier"],
        split: |root, extension| {
            practitioner_id(root, extension)
                .map(|id| (id.prefix, id.number, id.meaning_fr, id.format_ok, id.key_ok, id.problem))
        },
    };
    check_national(cx, &RULE, &kind, out);
}
