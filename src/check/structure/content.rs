//! An element's children against its type's content model: order, cardinality, elements the
//! type does not know, text where only elements go.
//!
//! The children run through the type's automaton. On a child it cannot take, the check says
//! why in the words of the model — the element is unknown here; it already appeared as often
//! as allowed; required elements are missing before it; or it comes too late — and carries on
//! from the most plausible place, so one mistake gives one issue, not a cascade. (libxml2
//! stops at the first mistake of each parent; this check goes on, and so may report more.)

use crate::diag::Severity;
use crate::xml::{NodeId, Ns};

use super::rules::{self, issue};
use super::table::{self, display_name, name_id, Trans, Type};
use super::Walker;

/// Expected names listed in a message, at most.
const LISTED: usize = 8;
/// Children of one parent diagnosed, at most: past that, misplaced children are still
/// checked inside but not reported (each diagnosis looks at the siblings: a parent with
/// 100,000 misplaced children must not cost 100,000²).
const DIAGNOSED_PER_PARENT: usize = 32;

pub(super) fn check(w: &mut Walker<'_>, node: NodeId, ty: &'static Type) {
    let tree = w.tree;
    if let Some(simple) = ty.simple_type() {
        super::datatypes::check_text(w, node, simple);
    }
    let mut state = ty.start;
    let mut text_reported = false;
    let mut previous: Option<NodeId> = None;
    let mut diagnosed = 0;
    for child in tree.children(node) {
        if tree.is_text(child) {
            if !ty.mixed && ty.simple_type().is_none() && !text_reported && !is_blank(&tree.text(child)) {
                text_reported = true;
                report_text(w, node, child, ty);
            }
            continue;
        }
        let ns = w.table_ns(tree.ns(child));
        let name = name_id(ns, tree.local_name(child));
        // a wildcard (`##other`) takes elements of any namespace but CDA's, and not unqualified ones
        let other_namespace = tree.ns(child) != Ns::HL7 && tree.ns(child) != Ns::NONE;
        match table::state(state).step(name, other_namespace) {
            Some(Trans(_, next, child_type)) => {
                state = next;
                w.stack.push((child, child_type));
            }
            None if diagnosed < DIAGNOSED_PER_PARENT => {
                diagnosed += 1;
                if let Some((next, child_type)) = mismatch(w, node, ty, state, child, name, previous) {
                    state = next;
                    w.stack.push((child, child_type));
                }
            }
            None => {
                if let Some(Trans(_, child_type, _)) = name.and_then(|n| ty.allows(n)) {
                    w.stack.push((child, child_type));
                }
            }
        }
        previous = Some(child);
    }
    if !table::state(state).accepts() {
        let missing = path_to(state, |s| table::state(s).accepts()).unwrap_or_default();
        if !all_among(w, tree.elements(node), &missing) {
            report_missing(w, node, None, &missing);
        }
    }
}

/// Whether every name of `names` is among the elements `children`.
fn all_among(w: &Walker<'_>, children: impl Iterator<Item = NodeId>, names: &[u16]) -> bool {
    let tree = w.tree;
    let present: Vec<u16> =
        children.filter_map(|c| name_id(w.table_ns(tree.ns(c)), tree.local_name(c))).collect();
    names.iter().all(|n| present.contains(n))
}

fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// A child the automaton cannot take in `state`: reports it, and returns the state to go on
/// from and the child's type (`None`: the child is not checked further).
fn mismatch(
    w: &mut Walker<'_>,
    node: NodeId,
    ty: &'static Type,
    state: u16,
    child: NodeId,
    name: Option<u16>,
    previous: Option<NodeId>,
) -> Option<(u16, u16)> {
    let tree = w.tree;
    let allowed = name.and_then(|n| ty.allows(n));
    let Some(Trans(name, child_type, most)) = allowed else {
        report_unknown(w, node, child, ty);
        return None;
    };
    let earlier = tree
        .elements(node)
        .take_while(|&c| c != child)
        .filter(|&c| tree.local_name(c) == tree.local_name(child) && tree.ns(c) == tree.ns(child))
        .count();
    if most != 0 && earlier >= usize::from(most) {
        report_too_many(w, node, child, most);
        return Some((state, child_type));
    }
    // Required elements skipped? Then the child is taken where they would have led.
    let wanted = |s: u16| table::state(s).step(Some(name), false).is_some();
    if let Some(missing) = path_to(state, wanted) {
        // ...unless they come later: then it is this child that is early
        let later = tree.elements(node).skip_while(|&c| c != child).skip(1).any(|c| {
            name_id(w.table_ns(tree.ns(c)), tree.local_name(c)).is_some_and(|n| missing.contains(&n))
        });
        if later {
            report_order(w, node, child, previous, state);
            return Some((state, child_type));
        }
        let mut at = state;
        for &step in &missing {
            at = table::state(at).step(Some(step), false).map_or(at, |t| t.1);
        }
        // elements already reported out of place earlier are not missing
        if !all_among(w, tree.elements(node).take_while(|&c| c != child), &missing) {
            report_missing(w, node, Some(child), &missing);
        }
        let next = table::state(at).step(Some(name), false).map_or(state, |t| t.1);
        return Some((next, child_type));
    }
    report_order(w, node, child, previous, state);
    Some((state, child_type))
}

/// The shortest run of element names leading from `from` to a state where `goal` holds
/// (breadth first over the type's automaton), or `None` if no such state can be reached.
fn path_to(from: u16, goal: impl Fn(u16) -> bool) -> Option<Vec<u16>> {
    let mut queue = std::collections::VecDeque::from([(from, Vec::new())]);
    let mut seen = vec![from];
    while let Some((at, path)) = queue.pop_front() {
        if goal(at) {
            return (!path.is_empty()).then_some(path);
        }
        for t in table::state(at).transitions() {
            if !seen.contains(&t.1) && t.0 != table::WILDCARD {
                seen.push(t.1);
                let mut longer = path.clone();
                longer.push(t.0);
                queue.push_back((t.1, longer));
            }
        }
    }
    None
}

fn expected(state: u16) -> String {
    let names = table::state(state).transitions().iter().map(|t| display_name(t.0));
    let listed = rules::list(names, LISTED);
    if listed.is_empty() {
        "rien / nothing".to_owned()
    } else {
        listed
    }
}

fn report_text(w: &mut Walker<'_>, node: NodeId, text: NodeId, ty: &Type) {
    let tree = w.tree;
    let name = tree.qualified_name(node);
    w.issues.push(issue(
        rules::TEXT,
        Severity::Error,
        tree.span(text),
        format!("<{name}> contient du texte, alors que son type ({}) n'admet que des éléments", ty.name),
        format!("<{name}> holds text, but its type ({}) allows only elements", ty.name),
        "Retirez ce texte, ou placez-le dans l'élément prévu pour (originalText, text...). \
         (Remove this text, or put it in the element meant for it.)"
            .to_owned(),
    ));
}

fn report_unknown(w: &mut Walker<'_>, node: NodeId, child: NodeId, ty: &Type) {
    let tree = w.tree;
    let (parent, name) = (tree.qualified_name(node), tree.qualified_name(child));
    let uri = match tree.namespace_uri(tree.ns(child)) {
        "" => "sans espace de noms / no namespace".to_owned(),
        uri => uri.to_owned(),
    };
    let allowed = rules::list(ty.alphabet().iter().map(|a| display_name(a.0)), 12);
    w.issues.push(issue(
        rules::UNKNOWN_ELEMENT,
        Severity::Error,
        tree.head_span(child),
        format!("<{name}> ({uri}) n'est pas autorisé dans <{parent}> (type {})", ty.name),
        format!("<{name}> ({uri}) is not allowed in <{parent}> (type {})", ty.name),
        if allowed.is_empty() {
            format!("<{parent}> n'admet aucun élément enfant. (<{parent}> takes no child element.)")
        } else {
            format!(
                "Vérifiez le nom et l'espace de noms ; <{parent}> admet : {allowed}. \
                 (Check the name and namespace; <{parent}> takes: {allowed}.)"
            )
        },
    ));
}

fn report_too_many(w: &mut Walker<'_>, node: NodeId, child: NodeId, most: u16) {
    let tree = w.tree;
    let (parent, name) = (tree.qualified_name(node), tree.qualified_name(child));
    let (fr_times, en_times) = match most {
        1 => ("une fois".to_owned(), "once".to_owned()),
        n => (format!("{n} fois"), format!("{n} times")),
    };
    w.issues.push(issue(
        rules::CARDINALITY,
        Severity::Error,
        tree.head_span(child),
        format!("<{name}> apparaît trop souvent dans <{parent}> : au plus {fr_times}"),
        format!("<{name}> appears too often in <{parent}>: {en_times} at most"),
        format!("Retirez les <{name}> en trop. (Remove the extra <{name}>.)"),
    ));
}

fn report_missing(w: &mut Walker<'_>, node: NodeId, before: Option<NodeId>, missing: &[u16]) {
    let tree = w.tree;
    let parent = tree.qualified_name(node);
    let names = rules::list(missing.iter().map(|&n| display_name(n)), LISTED);
    let (span, fr_where, en_where) = match before {
        Some(child) => {
            let child_name = tree.qualified_name(child);
            (tree.head_span(child), format!(" avant <{child_name}>"), format!(" before <{child_name}>"))
        }
        None => (tree.head_span(node), String::new(), String::new()),
    };
    w.issues.push(issue(
        rules::CARDINALITY,
        Severity::Error,
        span,
        format!("il manque {names} dans <{parent}>{fr_where} (élément obligatoire)"),
        format!("<{parent}> lacks {names}{en_where} (required)"),
        format!("Ajoutez {names}{fr_where}. (Add {names}{en_where}.)"),
    ));
}

fn report_order(w: &mut Walker<'_>, node: NodeId, child: NodeId, previous: Option<NodeId>, state: u16) {
    let tree = w.tree;
    let (parent, name) = (tree.qualified_name(node), tree.qualified_name(child));
    let expected = expected(state);
    let (fr_after, en_after) = match previous {
        Some(p) => {
            (format!(" après <{}>", tree.qualified_name(p)), format!(" after <{}>", tree.qualified_name(p)))
        }
        None => (String::new(), String::new()),
    };
    w.issues.push(issue(
        rules::ORDER,
        Severity::Error,
        tree.head_span(child),
        format!("<{name}> n'est pas à sa place dans <{parent}>{fr_after} : attendu ici {expected}"),
        format!("<{name}> is out of place in <{parent}>{en_after}: expected here {expected}"),
        format!(
            "Le schéma CDA fixe l'ordre des éléments de <{parent}> : déplacez <{name}> plus haut. \
             (The CDA schema fixes the order of <{parent}>'s elements: move <{name}> up.)"
        ),
    ));
}
