//! The rules of the native structure layer: their ids (each documented in
//! `docs/rules/<id>.md`) and how an issue of theirs is made.

use crate::check::{Issue, Layer, Message};
use crate::diag::Severity;
use crate::xml::Span;

/// An element is not where the content model puts it.
pub(super) const ORDER: &str = "cda.order";
/// A required element is missing, or an element appears more often than allowed.
pub(super) const CARDINALITY: &str = "cda.cardinality";
/// An element the type does not allow at all (misspelt, wrong namespace, wrong place).
pub(super) const UNKNOWN_ELEMENT: &str = "cda.unknown-element";
/// Text where the type allows only elements.
pub(super) const TEXT: &str = "cda.text";
/// An attribute not allowed, a required one missing, or a fixed one with another value.
pub(super) const ATTRIBUTE: &str = "cda.attribute";
/// An attribute value outside the schema's value set (classCode, moodCode, use...).
pub(super) const ATTRIBUTE_VALUE: &str = "cda.attribute-value";
pub(super) const NULL_FLAVOR: &str = "cda.null-flavor";
pub(super) const XSI_TYPE: &str = "cda.xsi-type";
pub(super) const TS: &str = "cda.ts";
pub(super) const II: &str = "cda.ii";
pub(super) const CD: &str = "cda.cd";
pub(super) const PQ: &str = "cda.pq";
pub(super) const INT: &str = "cda.int";
pub(super) const REAL: &str = "cda.real";
pub(super) const BL: &str = "cda.bl";

/// Every rule of this layer (each has its page, `docs/rules/<id>.md`).
pub const ALL: [&str; 15] = [
    ORDER,
    CARDINALITY,
    UNKNOWN_ELEMENT,
    TEXT,
    ATTRIBUTE,
    ATTRIBUTE_VALUE,
    NULL_FLAVOR,
    XSI_TYPE,
    TS,
    II,
    CD,
    PQ,
    INT,
    REAL,
    BL,
];

/// An issue of this layer: French and English message, the span it points at and a hint
/// (French, then English in parentheses).
pub(super) fn issue(
    rule: &str,
    severity: Severity,
    span: Span,
    fr: String,
    en: String,
    hint: String,
) -> Issue {
    Issue::builtin(rule, Layer::Cda, severity, Message::new(fr, en))
        .at(span)
        .with_hint(Message::bilingual(&hint))
}

/// Not a rule: the note that the check stopped after `max` issues.
pub const LIMIT: &str = "cda.limit";

pub(super) fn limit(span: Span, max: usize) -> Issue {
    issue(
        LIMIT,
        Severity::Info,
        span,
        format!("vérification de la structure arrêtée après {max} problèmes ; la suite du document n'est pas vérifiée"),
        format!("structure check stopped after {max} issues; the rest of the document is not checked"),
        "Corrigez les premiers problèmes (souvent une même erreur répétée) puis vérifiez à nouveau. \
         (Fix the first issues, often one mistake repeated, then check again.)"
            .to_owned(),
    )
}

/// A list of element names for a message, `<a>, <b>, <c>`, cut after `max`.
pub(super) fn list(names: impl IntoIterator<Item = String>, max: usize) -> String {
    let mut out = String::new();
    for (i, name) in names.into_iter().enumerate() {
        if i == max {
            out.push_str(", …");
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push('<');
        out.push_str(&name);
        out.push('>');
    }
    out
}
