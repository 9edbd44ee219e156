//! The HL7 data types: the lexical forms the CDA schema gives them (errors, as the schema
//! rejects them), and what HL7 asks of them beyond the schema (warnings: the schema accepts
//! the document, but a receiver may misread it).
//!
//! Lexical forms, as `datatypes-base.xsd` writes them: `ts` is
//! `[0-9]{1,8}|([0-9]{9,14}|[0-9]{14,14}\.[0-9]+)([+\-][0-9]{1,4})?`; `uid` an OID
//! `[0-2](\.(0|[1-9][0-9]*))*`, a UUID or an HL7 reserved identifier; `cs` a token without
//! whitespace; `bl` `true|false`; `int` an `xs:integer`; `real` an `xs:decimal` or
//! `xs:double`.
//!
//! Beyond the schema: a timestamp's precision (4, 6, 8, 10, 12 or 14 digits), calendar and
//! offset (`crate::model::time`); an identifier with neither root nor nullFlavor; a UUID root
//! that is not hexadecimal; a code without its code system.

use crate::diag::Severity;
use crate::model::time::Timestamp;
use crate::xml::NodeId;

use super::attributes::normalized;
use super::rules::{self, issue};
use super::table::{Family, Lex, Simple, Type};
use super::Walker;

/// What a value should have been, for messages.
#[derive(Debug, Clone, Copy)]
pub(super) enum Expected {
    OneOf(&'static [&'static str]),
    Form(Lex),
}

impl Expected {
    /// (French, English) descriptions.
    pub fn describe(self) -> (String, String) {
        match self {
            Expected::OneOf(values) => {
                let shown: Vec<&str> = values.iter().copied().take(20).collect();
                let more = if values.len() > shown.len() { ", …" } else { "" };
                let list = format!("{}{more}", shown.join(", "));
                (format!("l'une des valeurs {list}"), format!("one of {list}"))
            }
            Expected::Form(lex) => {
                let (fr, en) = form(lex);
                (fr.to_owned(), en.to_owned())
            }
        }
    }
}

fn form(lex: Lex) -> (&'static str, &'static str) {
    match lex {
        Lex::Ts => (
            "un horodatage HL7 AAAAMMJJhhmmss[.s][±ZZzz] (chiffres seuls, décalage après 9 chiffres au moins)",
            "an HL7 timestamp YYYYMMDDhhmmss[.s][±ZZzz] (digits only, an offset after 9 digits or more)",
        ),
        Lex::Uid => (
            "un OID (1.2.250.1...), un UUID ou un identifiant réservé HL7",
            "an OID (1.2.250.1...), a UUID or an HL7 reserved identifier",
        ),
        Lex::Oid => ("un OID (1.2.250.1..., sans zéro en tête)", "an OID (1.2.250.1..., no leading zero)"),
        Lex::Cs => ("un code sans espace", "a code without whitespace"),
        Lex::Bl => ("true ou false", "true or false"),
        Lex::Boolean => ("true, false, 1 ou 0", "true, false, 1 or 0"),
        Lex::Int => ("un entier", "an integer"),
        Lex::Real => ("un nombre (point décimal)", "a number (decimal point)"),
        Lex::Probability => ("un nombre entre 0 et 1", "a number between 0 and 1"),
        Lex::NmToken | Lex::NcName => ("un nom XML", "an XML name"),
        Lex::NmTokens | Lex::NcNames => ("des noms XML séparés par des espaces", "XML names separated by spaces"),
        Lex::Str | Lex::AnyUri => ("une chaîne", "a string"),
    }
}

/// Whether `value` (whitespace already normalized) has the lexical form of `lex`.
pub(super) fn lexical(lex: Lex, value: &str) -> Result<(), Expected> {
    let ok = match lex {
        Lex::Str | Lex::AnyUri => true,
        Lex::Cs => !value.is_empty() && !value.contains([' ', '\t', '\r', '\n']),
        Lex::Bl => value == "true" || value == "false",
        Lex::Boolean => matches!(value, "true" | "false" | "1" | "0"),
        Lex::Ts => is_ts(value),
        Lex::Uid => is_oid(value) || is_uuid(value) || is_ruid(value),
        Lex::Oid => is_oid(value),
        Lex::Int => is_integer(value),
        Lex::Real => is_decimal(value) || is_double(value),
        Lex::Probability => {
            (is_decimal(value) || is_double(value))
                && value.parse::<f64>().is_ok_and(|v| (0.0..=1.0).contains(&v))
        }
        Lex::NmToken => !value.is_empty() && value.chars().all(is_name_char),
        Lex::NcName => is_ncname(value),
        Lex::NmTokens => value.split_ascii_whitespace().all(|v| v.chars().all(is_name_char)),
        Lex::NcNames => value.split_ascii_whitespace().all(is_ncname),
    };
    if ok {
        Ok(())
    } else {
        Err(Expected::Form(lex))
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The schema's `ts` pattern.
fn is_ts(value: &str) -> bool {
    let (main, offset) = match value.find(['+', '-']) {
        Some(at) => (&value[..at], Some(&value[at + 1..])),
        None => (value, None),
    };
    let (whole, fraction) = match main.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (main, None),
    };
    if !digits(whole) {
        return false;
    }
    let body = match fraction {
        Some(f) => whole.len() == 14 && digits(f),
        None => (1..=14).contains(&whole.len()),
    };
    match offset {
        None => body,
        Some(o) => body && (whole.len() >= 9) && digits(o) && o.len() <= 4,
    }
}

fn is_oid(value: &str) -> bool {
    let mut arcs = value.split('.');
    let first_ok = arcs.next().is_some_and(|a| matches!(a, "0" | "1" | "2"));
    first_ok && arcs.all(|a| digits(a) && (a == "0" || !a.starts_with('0')))
}

fn is_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_ruid(value: &str) -> bool {
    let mut bytes = value.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn is_integer(value: &str) -> bool {
    digits(value.strip_prefix(['+', '-']).unwrap_or(value))
}

fn is_decimal(value: &str) -> bool {
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    match unsigned.split_once('.') {
        Some((a, b)) => {
            (a.is_empty() || digits(a)) && (b.is_empty() || digits(b)) && !(a.is_empty() && b.is_empty())
        }
        None => digits(unsigned),
    }
}

fn is_double(value: &str) -> bool {
    if matches!(value, "INF" | "-INF" | "NaN") {
        return true;
    }
    match value.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => is_decimal(mantissa) && is_integer(exponent),
        None => is_decimal(value),
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '\u{B7}')
}

fn is_ncname(value: &str) -> bool {
    let mut chars = value.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c != ':' && is_name_char(c))
}

/// The text of an element whose type is a simple type.
pub(super) fn check_text(w: &mut Walker<'_>, node: NodeId, simple: &Simple) {
    let tree = w.tree;
    let text = tree.text_content(node);
    let value = normalized(&text, simple);
    let problem = match simple.values() {
        Some(values) => values.binary_search(&value.as_ref()).is_err().then_some(Expected::OneOf(values)),
        None => lexical(simple.lex(), &value).err(),
    };
    if let Some(expected) = problem {
        let name = tree.qualified_name(node);
        let (fr, en) = expected.describe();
        w.issues.push(issue(
            rules::ATTRIBUTE_VALUE,
            Severity::Error,
            tree.head_span(node),
            format!("le contenu « {value} » de <{name}> est invalide : attendu {fr}"),
            format!("the content \"{value}\" of <{name}> is invalid: expected {en}"),
            "Corrigez le contenu selon le schéma CDA. (Correct the content as the CDA schema defines it.)"
                .to_owned(),
        ));
    }
}

/// What HL7 asks of a data type beyond the schema (warnings).
pub(super) fn check_element(w: &mut Walker<'_>, node: NodeId, ty: &Type) {
    let tree = w.tree;
    let null = tree.attribute(node, "nullFlavor").is_some();
    match ty.family {
        Family::Ts => {
            if let Some(attr) = tree.attribute(node, "value") {
                let value = attr.value();
                if is_ts(&value) {
                    if let Err(error) = Timestamp::parse(&value) {
                        warn(
                            w,
                            rules::TS,
                            attr.span(),
                            format!("« {value} » n'est pas un horodatage HL7 valide (précision, calendrier ou décalage horaire)"),
                            error.message,
                            "Écrivez AAAA, AAAAMM, AAAAMMJJ, AAAAMMJJhh, AAAAMMJJhhmm ou AAAAMMJJhhmmss, \
                             suivi d'un décalage ±hhmm pour une heure. (Write YYYY to YYYYMMDDhhmmss, with a \
                             ±hhmm offset for a time.)",
                        );
                    }
                }
            }
        }
        Family::Ii => {
            let root = tree.attr(node, "root");
            match root {
                None if !null => warn(
                    w,
                    rules::II,
                    tree.head_span(node),
                    format!("<{}> n'a ni root ni nullFlavor", tree.qualified_name(node)),
                    format!("<{}> has neither root nor nullFlavor", tree.qualified_name(node)),
                    "Un identifiant HL7 (II) a une racine (OID ou UUID) ; sinon, dites pourquoi avec nullFlavor. \
                     (An HL7 identifier has a root, an OID or a UUID; otherwise say why with nullFlavor.)",
                ),
                Some(root) if is_ruid(&root) && !is_uuid(&root) => warn(
                    w,
                    rules::II,
                    tree.attribute(node, "root").map_or(tree.head_span(node), |a| a.span()),
                    format!("la racine « {root} » n'est ni un OID ni un UUID"),
                    format!("the root \"{root}\" is neither an OID nor a UUID"),
                    "Les identifiants français ont pour racine un OID (1.2.250.1...). \
                     (French identifiers have an OID root, 1.2.250.1...)",
                ),
                Some(root) if is_uuid(&root) && !root.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') => warn(
                    w,
                    rules::II,
                    tree.attribute(node, "root").map_or(tree.head_span(node), |a| a.span()),
                    format!("la racine « {root} » a la forme d'un UUID mais n'est pas hexadécimale"),
                    format!("the root \"{root}\" is shaped like a UUID but is not hexadecimal"),
                    "Un UUID s'écrit en chiffres hexadécimaux (0-9, a-f). (A UUID is written in hexadecimal digits.)",
                ),
                _ => {}
            }
        }
        Family::Cd => {
            if let Some(attr) = tree.attribute(node, "codeSystem") {
                let system = attr.value();
                if is_ruid(&system) && !is_uuid(&system) {
                    warn(
                        w,
                        rules::CD,
                        attr.span(),
                        format!("le codeSystem « {system} » n'est ni un OID ni un UUID"),
                        format!("the codeSystem \"{system}\" is neither an OID nor a UUID"),
                        "Désignez la terminologie par son OID (LOINC : 2.16.840.1.113883.6.1). \
                         (Name the code system by its OID, e.g. LOINC 2.16.840.1.113883.6.1.)",
                    );
                }
            }
            if tree.attribute(node, "code").is_some() && tree.attribute(node, "codeSystem").is_none() && !null
            {
                let name = tree.qualified_name(node);
                warn(
                    w,
                    rules::CD,
                    tree.head_span(node),
                    format!("<{name}> a un code mais pas de codeSystem"),
                    format!("<{name}> has a code but no codeSystem"),
                    "Un code ne se lit qu'avec sa terminologie : ajoutez codeSystem (son OID). \
                     (A code means something only with its code system: add codeSystem, its OID.)",
                );
            }
        }
        _ => {}
    }
}

fn warn(w: &mut Walker<'_>, rule: &str, span: crate::xml::Span, fr: String, en: String, hint: &str) {
    w.issues.push(issue(rule, Severity::Warning, span, fr, en, hint.to_owned()));
}
