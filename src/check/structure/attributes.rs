//! An element's attributes against its type: each one declared, the required ones present,
//! fixed ones at their value, every value of its simple type (enumerated value sets, or the
//! lexical form of `cs`, `ts`, `uid`, `int`, `real`, `bl`...).
//!
//! A bad value is reported under the rule of the data type it belongs to (`cda.ts` for a
//! timestamp, `cda.ii` for an identifier's root, `cda.cd` for a code, `cda.pq` for a
//! quantity, `cda.null-flavor`...), so that an editor reads "the timestamp is wrong", not
//! "the attribute is wrong".

use std::borrow::Cow;

use crate::diag::Severity;
use crate::xml::tree::Attribute;
use crate::xml::{NodeId, Ns};

use super::datatypes::{self, Expected};
use super::rules::{self, issue};
use super::table::{Attr, Family, Lex, Simple, Type};
use super::Walker;

/// The `xsi:` attributes every element may carry.
const XSI_ATTRIBUTES: [&str; 4] = ["type", "nil", "schemaLocation", "noNamespaceSchemaLocation"];

pub(super) fn check(w: &mut Walker<'_>, node: NodeId, ty: &'static Type) {
    let tree = w.tree;
    let declared = ty.attrs();
    // which declared attributes were seen (types declare at most a few dozen)
    let mut seen = [false; 64];
    for attr in tree.attributes(node) {
        if attr.ns() == Ns::XSI {
            if !XSI_ATTRIBUTES.contains(&attr.local_name()) {
                report_unknown(w, node, &attr, ty);
            }
            continue;
        }
        let ns = w.table_ns(attr.ns());
        let local = attr.local_name();
        match declared.iter().position(|d| d.ns() == ns && d.name() == local) {
            Some(i) => {
                if let Some(flag) = seen.get_mut(i) {
                    *flag = true;
                }
                check_value(w, node, &attr, &declared[i], ty);
            }
            None => report_unknown(w, node, &attr, ty),
        }
    }
    for (i, decl) in declared.iter().enumerate() {
        if decl.required() && !seen.get(i).copied().unwrap_or(true) {
            report_missing(w, node, decl);
        }
    }
}

/// The value as the schema reads it: whitespace collapsed, unless the type keeps it.
pub(super) fn normalized<'a>(raw: &'a str, simple: &Simple) -> Cow<'a, str> {
    if !simple.collapses() || !raw.bytes().any(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
        return Cow::Borrowed(raw);
    }
    Cow::Owned(raw.split_ascii_whitespace().collect::<Vec<_>>().join(" "))
}

fn check_value(w: &mut Walker<'_>, node: NodeId, attr: &Attribute<'_>, decl: &Attr, ty: &Type) {
    let raw = attr.value();
    let simple = decl.simple();
    let value = normalized(&raw, simple);
    if let Some(fixed) = decl.fixed() {
        if value != fixed {
            report_fixed(w, node, attr, fixed);
        }
        return;
    }
    let problem = if simple.is_list() {
        value.split_ascii_whitespace().find_map(|item| item_problem(simple, item))
    } else {
        item_problem(simple, &value)
    };
    if let Some(expected) = problem {
        report_value(w, node, attr, &value, simple, ty, expected);
    }
}

/// What is wrong with one value, if anything.
fn item_problem(simple: &Simple, value: &str) -> Option<Expected> {
    match simple.values() {
        Some(values) => values.binary_search(&value).is_err().then_some(Expected::OneOf(values)),
        None => datatypes::lexical(simple.lex(), value).err(),
    }
}

/// The rule a bad value falls under: its data type's, when it has one.
fn value_rule(family: Family, attribute: &str, lex: Lex) -> &'static str {
    if attribute == "nullFlavor" {
        return rules::NULL_FLAVOR;
    }
    match (lex, family) {
        (Lex::Ts, _) => rules::TS,
        (Lex::Bl | Lex::Boolean, _) => rules::BL,
        (Lex::Int, _) => rules::INT,
        (Lex::Real, Family::Pq) => rules::PQ,
        (Lex::Real | Lex::Probability, _) => rules::REAL,
        (_, Family::Ii) => rules::II,
        (_, Family::Cd | Family::Cs) => rules::CD,
        (_, Family::Pq) => rules::PQ,
        (Lex::Uid | Lex::Oid, _) => rules::II,
        _ => rules::ATTRIBUTE_VALUE,
    }
}

fn report_value(
    w: &mut Walker<'_>,
    node: NodeId,
    attr: &Attribute<'_>,
    value: &str,
    simple: &Simple,
    ty: &Type,
    expected: Expected,
) {
    let tree = w.tree;
    let (element, name) = (tree.qualified_name(node), attr.qualified_name());
    let rule = value_rule(ty.family, attr.local_name(), simple.lex());
    let (fr_expected, en_expected) = expected.describe();
    let type_name = if simple.name().is_empty() { String::new() } else { format!(" ({})", simple.name()) };
    w.issues.push(issue(
        rule,
        Severity::Error,
        attr.span(),
        format!("{name}=\"{value}\" sur <{element}> : valeur invalide{type_name} ; attendu {fr_expected}"),
        format!("{name}=\"{value}\" on <{element}>: invalid value{type_name}; expected {en_expected}"),
        format!(
            "Corrigez la valeur de {name} selon le schéma CDA. (Correct the value of {name} as the CDA schema defines it.)"
        ),
    ));
}

fn report_fixed(w: &mut Walker<'_>, node: NodeId, attr: &Attribute<'_>, fixed: &str) {
    let tree = w.tree;
    let (element, name) = (tree.qualified_name(node), attr.qualified_name());
    let value = attr.value();
    w.issues.push(issue(
        rules::ATTRIBUTE,
        Severity::Error,
        attr.span(),
        format!("{name} sur <{element}> vaut « {value} » : le schéma CDA impose « {fixed} »"),
        format!("{name} on <{element}> is \"{value}\": the CDA schema fixes it to \"{fixed}\""),
        format!("Écrivez {name}=\"{fixed}\". (Write {name}=\"{fixed}\".)"),
    ));
}

fn report_unknown(w: &mut Walker<'_>, node: NodeId, attr: &Attribute<'_>, ty: &Type) {
    let tree = w.tree;
    let (element, name) = (tree.qualified_name(node), attr.qualified_name());
    let allowed: Vec<&str> = ty.attrs().iter().map(|a| a.name()).collect();
    let allowed = if allowed.is_empty() { "—".to_owned() } else { allowed.join(", ") };
    w.issues.push(issue(
        rules::ATTRIBUTE,
        Severity::Error,
        attr.span(),
        format!("l'attribut {name} n'est pas autorisé sur <{element}> (type {})", ty.name),
        format!("attribute {name} is not allowed on <{element}> (type {})", ty.name),
        format!(
            "Retirez-le ou corrigez son nom ; attributs admis : {allowed}. (Remove it or fix its name; allowed: {allowed}.)"
        ),
    ));
}

fn report_missing(w: &mut Walker<'_>, node: NodeId, decl: &Attr) {
    let tree = w.tree;
    let (element, name) = (tree.qualified_name(node), decl.name());
    w.issues.push(issue(
        rules::ATTRIBUTE,
        Severity::Error,
        tree.head_span(node),
        format!("il manque l'attribut obligatoire {name} sur <{element}>"),
        format!("<{element}> lacks the required attribute {name}"),
        format!("Ajoutez {name}=\"…\". (Add {name}=\"…\".)"),
    ));
}
