//! From the Schematron element tree (includes resolved) to an [`Expanded`] schema: abstract
//! patterns instantiated, abstract rules inlined, the phase chosen.
//!
//! The semantics follow the ISO reference implementation the ANS kit runs
//! (`iso_abstract_expand.xsl`, then the XSLT 2 skeleton):
//! - a pattern with `is-a` copies the abstract pattern's content, every `$name` of a `param`
//!   replaced by its value in every attribute, parameters in declaration order, as plain text;
//! - `<extends rule>` inlines the abstract rule's content, preferring a rule of the same
//!   pattern, then any rule of the schema;
//! - the phase is the one asked for, else `defaultPhase`, else `#ALL`; a pattern runs when
//!   the phase lists its id;
//! - the `let`s of a running pattern are global variables, like the schema's.

use std::collections::HashMap;
use std::sync::Arc;

use super::model::{Check, CheckKind, Expanded, Let, MessagePart, Pattern, Rule, RuleItem, SetupNote};
use super::source::{Child, Element};
use super::Phase;

/// How deep `extends` chains may go.
const MAX_EXTENDS_DEPTH: usize = 16;

pub(crate) fn expand(schema: &Element, file: Arc<str>, phase: &Phase, notes: Vec<SetupNote>) -> Expanded {
    let mut out = Expanded {
        file,
        title: schema.elements().find(|e| e.name == "title").map(|t| normalize(&t.text())),
        phase: None,
        namespaces: Vec::new(),
        globals: Vec::new(),
        patterns: Vec::new(),
        notes,
    };

    let abstract_patterns: HashMap<&str, &Element> = schema
        .elements()
        .filter(|e| e.name == "pattern" && e.attr("abstract") == Some("true"))
        .filter_map(|e| Some((e.attr("id")?, e)))
        .collect();
    let mut abstract_rules: HashMap<&str, &Element> = HashMap::new();
    collect_abstract_rules(schema, &mut abstract_rules);

    // the phase
    let phases: HashMap<&str, &Element> =
        schema.elements().filter(|e| e.name == "phase").filter_map(|e| Some((e.attr("id")?, e))).collect();
    let wanted = match phase {
        Phase::Default => {
            schema.attr("defaultPhase").map(str::trim).filter(|p| !p.is_empty() && *p != "#ALL")
        }
        Phase::All => None,
        Phase::Named(name) => Some(name.as_str()).filter(|p| *p != "#ALL"),
    };
    let mut active: Option<Vec<&str>> = None;
    if let Some(name) = wanted {
        out.phase = Some(name.to_owned());
        match phases.get(name) {
            Some(phase) => {
                active = Some(
                    phase
                        .elements()
                        .filter(|e| e.name == "active")
                        .filter_map(|e| e.attr("pattern"))
                        .collect(),
                );
                for let_ in phase.elements().filter(|e| e.name == "let") {
                    out.globals.extend(read_let(let_, &mut out.notes));
                }
            }
            None => {
                out.notes.push(SetupNote::new(
                    schema.origin.clone(),
                    format!("la phase « {name} » n'existe pas : aucun pattern n'est appliqué"),
                    format!("phase \"{name}\" does not exist: no pattern is applied"),
                ));
                active = Some(Vec::new());
            }
        }
    }
    let is_active = |id: Option<&str>| match (&active, id) {
        (None, _) => true,
        (Some(list), Some(id)) => list.contains(&id),
        (Some(_), None) => false,
    };

    for child in schema.elements() {
        match child.name.as_str() {
            "ns" => match (child.attr("prefix"), child.attr("uri")) {
                (Some(prefix), Some(uri)) => out.namespaces.push((prefix.to_owned(), uri.to_owned())),
                _ => out.notes.push(SetupNote::new(
                    child.origin.clone(),
                    "<ns> sans prefix ou uri : ignoré",
                    "<ns> without prefix or uri: ignored",
                )),
            },
            "let" => out.globals.extend(read_let(child, &mut out.notes)),
            "pattern" if child.attr("abstract") == Some("true") => {}
            "pattern" if is_active(child.attr("id")) => {
                let instance;
                let pattern = match child.attr("is-a") {
                    None => child,
                    Some(base) => match abstract_patterns.get(base) {
                        Some(abstract_pattern) => {
                            instance = instantiate(child, abstract_pattern);
                            &instance
                        }
                        None => {
                            out.notes.push(SetupNote::new(
                                child.origin.clone(),
                                format!("pattern abstrait « {base} » introuvable : pattern ignoré"),
                                format!("abstract pattern \"{base}\" not found: pattern skipped"),
                            ));
                            continue;
                        }
                    },
                };
                let expanded = read_pattern(pattern, &abstract_rules, &mut out);
                out.patterns.push(expanded);
            }
            _ => {}
        }
    }
    out
}

fn collect_abstract_rules<'e>(element: &'e Element, into: &mut HashMap<&'e str, &'e Element>) {
    for child in element.elements() {
        if child.name == "rule" && child.attr("abstract") == Some("true") {
            if let Some(id) = child.attr("id") {
                into.entry(id).or_insert(child);
            }
        } else if child.name == "pattern" || child.name == "schema" {
            collect_abstract_rules(child, into);
        }
    }
}

/// A concrete copy of `abstract_pattern` for the instance `instance` (`is-a`).
fn instantiate(instance: &Element, abstract_pattern: &Element) -> Element {
    let params: Vec<(String, &str)> = instance
        .elements()
        .filter(|e| e.name == "param")
        .filter_map(|p| Some((format!("${}", p.attr("name")?), p.attr("value").unwrap_or(""))))
        .collect();
    let mut copy = substitute(abstract_pattern, &params);
    copy.attrs.retain(|(n, _)| n != "abstract" && n != "id");
    if let Some(id) = instance.attr("id") {
        copy.attrs.push(("id".to_owned(), id.to_owned()));
    }
    copy
}

fn substitute(element: &Element, params: &[(String, &str)]) -> Element {
    Element {
        name: element.name.clone(),
        attrs: element
            .attrs
            .iter()
            .map(|(name, value)| {
                let mut value = value.clone();
                for (param, replacement) in params {
                    if value.contains(param.as_str()) {
                        value = value.replace(param.as_str(), replacement);
                    }
                }
                (name.clone(), value)
            })
            .collect(),
        children: element
            .children
            .iter()
            .map(|c| match c {
                Child::Element(e) => Child::Element(substitute(e, params)),
                Child::Text(t) => Child::Text(t.clone()),
            })
            .collect(),
        origin: element.origin.clone(),
    }
}

fn read_pattern(pattern: &Element, abstract_rules: &HashMap<&str, &Element>, out: &mut Expanded) -> Pattern {
    let mut rules = Vec::new();
    for child in pattern.elements() {
        match child.name.as_str() {
            "let" => out.globals.extend(read_let(child, &mut out.notes)),
            "rule" if child.attr("abstract") == Some("true") => {}
            "rule" => {
                let Some(context) = child.attr("context").filter(|c| !c.trim().is_empty()) else {
                    out.notes.push(SetupNote::new(
                        child.origin.clone(),
                        "règle sans context : ignorée",
                        "rule without a context: skipped",
                    ));
                    continue;
                };
                let mut body = Vec::new();
                read_rule_body(child, pattern, abstract_rules, &mut body, &mut out.notes, 0);
                rules.push(Rule { context: context.to_owned(), body, origin: child.origin.clone() });
            }
            _ => {}
        }
    }
    Pattern { id: pattern.attr("id").map(str::to_owned), rules }
}

fn read_rule_body(
    rule: &Element,
    pattern: &Element,
    abstract_rules: &HashMap<&str, &Element>,
    body: &mut Vec<RuleItem>,
    notes: &mut Vec<SetupNote>,
    depth: usize,
) {
    for child in rule.elements() {
        match child.name.as_str() {
            "let" => body.extend(read_let(child, notes).map(RuleItem::Let)),
            "assert" | "report" => {
                let kind = if child.name == "assert" { CheckKind::Assert } else { CheckKind::Report };
                match child.attr("test") {
                    Some(test) => body.push(RuleItem::Check(Check {
                        kind,
                        test: test.to_owned(),
                        id: child.attr("id").map(str::to_owned),
                        role: child.attr("role").map(str::to_owned),
                        flag: child.attr("flag").map(str::to_owned),
                        message: read_message(child),
                        origin: child.origin.clone(),
                    })),
                    None => notes.push(SetupNote::new(
                        child.origin.clone(),
                        format!("<{}> sans test : ignoré", child.name),
                        format!("<{}> without a test: skipped", child.name),
                    )),
                }
            }
            "extends" => {
                let Some(id) = child.attr("rule") else {
                    notes.push(SetupNote::new(
                        child.origin.clone(),
                        "<extends> sans rule : ignoré",
                        "<extends> without a rule attribute: skipped",
                    ));
                    continue;
                };
                let local = pattern.elements().find(|r| {
                    r.name == "rule" && r.attr("abstract") == Some("true") && r.attr("id") == Some(id)
                });
                match local.or_else(|| abstract_rules.get(id).copied()) {
                    Some(_) if depth >= MAX_EXTENDS_DEPTH => notes.push(SetupNote::new(
                        child.origin.clone(),
                        format!("<extends rule=\"{id}\"> trop profond ou circulaire : ignoré"),
                        format!("<extends rule=\"{id}\"> too deep or circular: skipped"),
                    )),
                    Some(base) => read_rule_body(base, pattern, abstract_rules, body, notes, depth + 1),
                    None => notes.push(SetupNote::new(
                        child.origin.clone(),
                        format!("règle abstraite « {id} » introuvable : <extends> ignoré"),
                        format!("abstract rule \"{id}\" not found: <extends> skipped"),
                    )),
                }
            }
            _ => {}
        }
    }
}

fn read_let(element: &Element, notes: &mut Vec<SetupNote>) -> Option<Let> {
    let name = element.attr("name")?.trim();
    match element.attr("value") {
        Some(value) => {
            Some(Let { name: name.to_owned(), value: value.to_owned(), origin: element.origin.clone() })
        }
        None => {
            // a let with element content: its text, as a string
            let text = element.text();
            notes.push(SetupNote::new(
                element.origin.clone(),
                format!("<let name=\"{name}\"> sans value : son texte est pris comme chaîne"),
                format!("<let name=\"{name}\"> without a value: its text is used as a string"),
            ));
            Some(Let {
                name: name.to_owned(),
                value: xpath_string_literal(&text),
                origin: element.origin.clone(),
            })
        }
    }
}

fn read_message(check: &Element) -> Vec<MessagePart> {
    let mut parts = Vec::new();
    let mut stack: Vec<&Child> = check.children.iter().rev().collect();
    while let Some(child) = stack.pop() {
        match child {
            Child::Text(t) => parts.push(MessagePart::Text(t.clone())),
            Child::Element(e) => match e.name.as_str() {
                "value-of" => parts.push(MessagePart::ValueOf(e.attr("select").unwrap_or(".").to_owned())),
                "name" => parts.push(MessagePart::Name(e.attr("path").map(str::to_owned))),
                _ => stack.extend(e.children.iter().rev()),
            },
        }
    }
    parts
}

/// An XPath string literal for `text`.
pub(crate) fn xpath_string_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Collapses whitespace runs to one space and trims, as `normalize-space()`.
pub(crate) fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
