//! `xsi:type`: the type an element declares for itself (`<value xsi:type="PQ" .../>`),
//! resolved as a QName in the element's scope and checked against the declared type: it must
//! exist and derive from it. A declared abstract type (`ANY`, the type of an observation's
//! `value`) needs one.

use crate::diag::Severity;
use crate::xml::{NodeId, Ns, Tree};

use super::rules::{self, issue};
use super::table::{self, derives_from, named_type};
use super::Walker;

/// The type to check `node` against, or `None` when nothing sensible can be (an unknown or
/// missing type where one is needed: reported, and the element is not checked further).
pub(super) fn effective(w: &mut Walker<'_>, node: NodeId, declared: u16) -> Option<u16> {
    let tree = w.tree;
    let declared_type = table::ty(declared);
    let attr = tree.attributes(node).find(|a| a.ns() == Ns::XSI && a.local_name() == "type");
    let Some(attr) = attr else {
        if declared_type.is_abstract {
            let name = tree.qualified_name(node);
            w.issues.push(issue(
                rules::XSI_TYPE,
                Severity::Error,
                tree.head_span(node),
                format!(
                    "<{name}> est de type abstrait ({}) : xsi:type doit dire son type concret",
                    declared_type.name
                ),
                format!(
                    "<{name}> has an abstract type ({}): xsi:type must give its concrete type",
                    declared_type.name
                ),
                "Ajoutez xsi:type, par exemple xsi:type=\"PQ\", \"CD\" ou \"ST\". \
                 (Add xsi:type, e.g. xsi:type=\"PQ\", \"CD\" or \"ST\".)"
                    .to_owned(),
            ));
            return None;
        }
        return Some(declared);
    };
    let value = attr.value();
    let value = value.trim();
    let (prefix, local) = value.split_once(':').unwrap_or(("", value));
    let uri = namespace_in_scope(tree, node, prefix);
    let ns =
        uri.as_deref().and_then(|uri| table::namespaces().iter().position(|k| *k == uri && !k.is_empty()));
    let found = ns.and_then(|ns| named_type(ns as u8, local));
    let name = tree.qualified_name(node);
    match found {
        None => {
            let namespace =
                uri.unwrap_or_else(|| format!("préfixe « {prefix} » non déclaré / undeclared prefix"));
            w.issues.push(issue(
                rules::XSI_TYPE,
                Severity::Error,
                attr.span(),
                format!(
                    "xsi:type=\"{value}\" sur <{name}> : le schéma CDA n'a pas de type {local} ({namespace})"
                ),
                format!("xsi:type=\"{value}\" on <{name}>: the CDA schema has no type {local} ({namespace})"),
                "Utilisez un type de données HL7 (PQ, CD, CE, ST, TS, IVL_TS, INT, REAL, BL, ED...) dans \
                 l'espace de noms urn:hl7-org:v3. (Use an HL7 data type in the urn:hl7-org:v3 namespace.)"
                    .to_owned(),
            ));
            (!declared_type.is_abstract).then_some(declared)
        }
        Some(found) if !derives_from(found, declared) => {
            w.issues.push(issue(
                rules::XSI_TYPE,
                Severity::Error,
                attr.span(),
                format!(
                    "xsi:type=\"{value}\" sur <{name}> ne dérive pas du type déclaré {}",
                    declared_type.name
                ),
                format!("xsi:type=\"{value}\" on <{name}> does not derive from the declared type {}", declared_type.name),
                format!(
                    "Retirez xsi:type ou donnez un type dérivé de {}. (Remove xsi:type or give a type derived from {}.)",
                    declared_type.name, declared_type.name
                ),
            ));
            Some(found)
        }
        Some(found) => Some(found),
    }
}

/// The namespace URI `prefix` (`""`: the default namespace) is bound to at `node`, read from
/// the `xmlns` declarations of its start tag and its ancestors'. The tree keeps no bindings,
/// so this reads the tags again: it runs only for `xsi:type` values.
fn namespace_in_scope(tree: &Tree, node: NodeId, prefix: &str) -> Option<String> {
    let mut at = Some(node);
    while let Some(n) = at {
        // an element written with this prefix is in the namespace it is bound to
        let qualified = tree.qualified_name(n);
        let element_prefix = qualified.split_once(':').map_or("", |(p, _)| p);
        if element_prefix == prefix && tree.ns(n) != Ns::UNBOUND {
            return Some(tree.namespace_uri(tree.ns(n)).to_owned());
        }
        let head = tree.source().get(tree.head_span(n).range()).unwrap_or("");
        if let Some(uri) = declaration(head, prefix) {
            return Some(uri);
        }
        at = tree.parent(n);
    }
    (prefix == "xml").then(|| "http://www.w3.org/XML/1998/namespace".to_owned())
}

/// The value of `xmlns:prefix="..."` (or `xmlns="..."`) in a start tag.
fn declaration(head: &str, prefix: &str) -> Option<String> {
    let mut rest = head;
    while let Some(at) = rest.find("xmlns") {
        let after = &rest[at + 5..];
        rest = after;
        let name_end = after.find(|c: char| c == '=' || c.is_ascii_whitespace()).unwrap_or(after.len());
        let declared = match &after[..name_end] {
            "" => "",
            p => match p.strip_prefix(':') {
                Some(p) => p,
                None => continue,
            },
        };
        if declared != prefix {
            continue;
        }
        let value = after[name_end..].trim_start().strip_prefix('=')?.trim_start();
        let quote = value.chars().next().filter(|&c| c == '"' || c == '\'')?;
        let end = value[1..].find(quote)?;
        return Some(crate::xml::tree::unescape(&value[1..1 + end]));
    }
    None
}
