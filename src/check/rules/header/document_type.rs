//! `document.type`: the document's `code` is a type of JDV_J07 XdsTypeCode (LOINC mostly),
//! the value set the DMP and XDS metadata classify documents by.

use super::super::{claims_nothing, guillemets, Context, Rule};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::terminology::{in_value_set, value_set_label, ValueSet};

pub static RULE: Rule = Rule {
    id: "document.type",
    severity: Severity::Error,
    summary: [
        "Le type du document (ClinicalDocument/code) est un code du JDV_J07 XdsTypeCode",
        "The document type (ClinicalDocument/code) is a code of JDV_J07 XdsTypeCode",
    ],
    hint: [
        "prenez le code du type de document dans le JDV_J07 avec son codeSystem, par exemple \
         <code code=\"11502-2\" codeSystem=\"2.16.840.1.113883.6.1\" displayName=\"CR d'examens biologiques\"/>",
        "take the document type's code from JDV_J07 with its codeSystem, for instance \
         <code code=\"11502-2\" codeSystem=\"2.16.840.1.113883.6.1\" displayName=\"CR d'examens biologiques\"/>",
    ],
    claims: claims_nothing,
    check,
};

/// The code systems JDV_J07 draws on: LOINC and TRE_A05 (the ANS's own document types).
const J07_SYSTEMS: [&str; 2] = ["2.16.840.1.113883.6.1", "1.2.250.1.213.1.1.4.12"];

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let Some(code) = &cx.cda.header.code else { return };
    let (Some(value), None) = (code.code.as_deref(), code.null_flavor.as_deref()) else { return };
    let value = value.trim();
    let system = code.code_system.as_deref().unwrap_or("").trim();
    if in_value_set(ValueSet::DocumentType, system, value) {
        return;
    }
    let message = match J07_SYSTEMS.iter().find(|s| in_value_set(ValueSet::DocumentType, s, value)) {
        Some(expected) => Message::new(
            format!(
                "le type de document {} ({}) est dans le JDV_J07 avec le codeSystem {expected}, pas {}",
                guillemets(value),
                value_set_label(ValueSet::DocumentType, value).unwrap_or(""),
                guillemets(system)
            ),
            format!(
                "the document type \"{value}\" is in JDV_J07 with codeSystem {expected}, not \"{system}\""
            ),
        ),
        None => Message::new(
            format!(
                "le type de document {} (codeSystem {}) n'est pas un code du JDV_J07 XdsTypeCode : \
                 les métadonnées XDS et le DMP classent les documents selon ce jeu de valeurs",
                guillemets(value),
                guillemets(system)
            ),
            format!(
                "the document type \"{value}\" (codeSystem \"{system}\") is not a code of JDV_J07 \
                 XdsTypeCode: XDS metadata and the DMP classify documents by this value set"
            ),
        ),
    };
    out.push(RULE.issue(message).at(code.span));
}
