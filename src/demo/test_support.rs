//! Reading generated documents back in tests: a small element tree over quick-xml, and
//! the checks every generated CDA document must pass (nesting, complete header, resolvable
//! references), shared by the demo set and corpus tests.

use std::collections::{HashMap, HashSet};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::patients::nir_key;

/// A parsed element: enough of a DOM to walk generated documents in assertions.
#[derive(Debug, Default)]
pub(super) struct Node {
    pub(super) name: String,
    pub(super) attrs: Vec<(String, String)>,
    pub(super) children: Vec<Node>,
    pub(super) text: String,
}

impl Node {
    pub(super) fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub(super) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub(super) fn all(&self, name: &str) -> impl Iterator<Item = &Node> {
        let name = name.to_string();
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first element at `a/b/c` below this one.
    pub(super) fn at(&self, path: &str) -> Option<&Node> {
        path.split('/').try_fold(self, |node, step| node.child(step))
    }

    pub(super) fn descendants(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack: Vec<&Node> = self.children.iter().rev().collect();
        while let Some(node) = stack.pop() {
            out.push(node);
            stack.extend(node.children.iter().rev());
        }
        out
    }

    /// Concatenated text of this element and its descendants.
    pub(super) fn all_text(&self) -> String {
        let mut out = self.text.clone();
        for child in &self.children {
            out.push_str(&child.all_text());
        }
        out
    }
}

/// Parses `xml` into a tree; the returned node is the document (its child is the root).
pub(super) fn parse(xml: &str) -> Node {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack = vec![Node::default()];
    let open = |e: &quick_xml::events::BytesStart| Node {
        name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.unescape_value().expect("attribute value").into_owned(),
                )
            })
            .collect(),
        ..Node::default()
    };
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(e) => stack.push(open(&e)),
            Event::Empty(e) => {
                let node = open(&e);
                stack.last_mut().unwrap().children.push(node);
            }
            Event::End(_) => {
                let node = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(node);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap().into_owned();
                let c = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    n => char::from_u32(n.trim_start_matches('#').parse().unwrap()).unwrap().to_string(),
                };
                stack.last_mut().unwrap().text.push_str(&c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    stack.pop().unwrap()
}

pub(super) fn root(xml: &str) -> Node {
    let mut doc = parse(xml);
    assert_eq!(doc.children.len(), 1, "one root element");
    doc.children.pop().unwrap()
}

/// Where CDA elements may appear: the writer balances every element by construction, so a
/// misplaced `close()` would show up as an element under the wrong parent.
pub(super) fn check_nesting(node: &Node) {
    let allowed: &[(&str, &[&str])] = &[
        ("recordTarget", &["ClinicalDocument"]),
        ("custodian", &["ClinicalDocument"]),
        ("legalAuthenticator", &["ClinicalDocument"]),
        ("documentationOf", &["ClinicalDocument"]),
        ("relatedDocument", &["ClinicalDocument"]),
        ("componentOf", &["ClinicalDocument"]),
        ("structuredBody", &["component"]),
        ("nonXMLBody", &["component"]),
        ("section", &["component"]),
        ("entry", &["section"]),
        ("tr", &["thead", "tbody"]),
        ("td", &["tr"]),
        ("th", &["tr"]),
        ("referenceRange", &["observation"]),
        ("observationRange", &["referenceRange"]),
        ("organizer", &["entryRelationship", "entry"]),
        ("substanceAdministration", &["entry"]),
        ("manufacturedMaterial", &["manufacturedProduct"]),
        ("originalText", &["code", "value"]),
        ("birthplace", &["patient"]),
    ];
    let rules: HashMap<&str, &[&str]> = allowed.iter().copied().collect();
    fn walk(node: &Node, rules: &HashMap<&str, &[&str]>) {
        for child in &node.children {
            if let Some(parents) = rules.get(child.name.as_str()) {
                assert!(parents.contains(&node.name.as_str()), "<{}> inside <{}>", child.name, node.name);
            }
            if child.name == "component" {
                let parents = ["ClinicalDocument", "structuredBody", "section", "organizer"];
                assert!(parents.contains(&node.name.as_str()), "<component> inside <{}>", node.name);
            }
            walk(child, rules);
        }
    }
    walk(node, &rules);
}

/// The header elements every French CDA document carries, in the schema's order.
pub(super) fn check_header(doc: &Node) {
    assert_eq!(doc.name, "ClinicalDocument");
    let order = [
        "realmCode",
        "typeId",
        "templateId",
        "id",
        "code",
        "title",
        "effectiveTime",
        "confidentialityCode",
        "languageCode",
        "setId",
        "versionNumber",
        "recordTarget",
        "author",
        "custodian",
        "legalAuthenticator",
        "participant",
        "documentationOf",
        "relatedDocument",
        "componentOf",
        "component",
    ];
    let names: Vec<&str> = doc.children.iter().map(|c| c.name.as_str()).collect();
    let positions: Vec<usize> = names
        .iter()
        .map(|n| order.iter().position(|o| o == n).unwrap_or_else(|| panic!("unexpected <{n}>")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] <= w[1]), "header order: {names:?}");
    for required in [
        "realmCode",
        "typeId",
        "id",
        "code",
        "title",
        "effectiveTime",
        "confidentialityCode",
        "languageCode",
        "setId",
        "versionNumber",
        "recordTarget",
        "author",
        "custodian",
        "legalAuthenticator",
        "documentationOf",
        "componentOf",
        "component",
    ] {
        assert!(names.contains(&required), "missing <{required}>");
    }
    assert_eq!(doc.at("realmCode").unwrap().attr("code"), Some("FR"));
    assert_eq!(doc.at("languageCode").unwrap().attr("code"), Some("fr-FR"));
    let time = doc.at("effectiveTime").unwrap().attr("value").unwrap();
    assert!(time.ends_with("+0100") || time.ends_with("+0200"), "{time}");

    let role = doc.at("recordTarget/patientRole").unwrap();
    let ins = role.all("id").find(|i| i.attr("root") == Some("1.2.250.1.213.1.4.11")).unwrap();
    let nir = ins.attr("extension").unwrap();
    assert_eq!(nir.len(), 15);
    assert_eq!(nir_key(&nir[..13]).map(|k| format!("{k:02}")).as_deref(), Some(&nir[13..]));
    let patient = role.child("patient").unwrap();
    let name = patient.child("name").unwrap();
    assert!(name.all("family").any(|f| f.attr("qualifier") == Some("BR")));
    assert!(name.all("given").any(|g| g.attr("qualifier") == Some("BR")));
    assert!(name.all("given").any(|g| g.attr("qualifier").is_none()));
    assert_eq!(patient.at("birthTime").unwrap().attr("value").unwrap().len(), 8);
    assert!(patient.at("birthplace/place/addr/county").is_some());

    let author = doc.at("author/assignedAuthor").unwrap();
    let id = author.child("id").unwrap();
    assert_eq!(id.attr("root"), Some("1.2.250.1.71.4.2.1"));
    assert!(id.attr("extension").unwrap().starts_with('8'));
    assert_eq!(author.child("code").unwrap().attr("codeSystem"), Some("1.2.250.1.213.1.1.4.5"));
    let org_id = author.at("representedOrganization/id").unwrap();
    assert_eq!(org_id.attr("root"), Some("1.2.250.1.71.4.2.2"));
    assert!(org_id.attr("extension").unwrap().starts_with('1'));
    let facility = doc.at("componentOf/encompassingEncounter/location/healthCareFacility/code");
    assert_eq!(facility.unwrap().attr("codeSystem"), Some("1.2.250.1.71.4.2.4"));
}

/// IDs are unique and every `#id` a `reference` points at exists as an `ID`.
pub(super) fn check_references(doc: &Node) {
    let all = doc.descendants();
    let ids: HashSet<&str> = all.iter().filter_map(|n| n.attr("ID")).collect();
    let id_count = all.iter().filter(|n| n.attr("ID").is_some()).count();
    assert_eq!(ids.len(), id_count, "narrative IDs are unique");
    for node in all.iter().filter(|n| n.name == "reference") {
        let target = node.attr("value").unwrap();
        let id = target.strip_prefix('#').expect("local reference");
        assert!(ids.contains(id), "dangling reference {target}");
    }
}

/// One lab result as its entry states it.
pub(super) struct LabRow {
    pub(super) loinc: String,
    /// The value as written in `value/@value`.
    pub(super) written: String,
    pub(super) value: f64,
    pub(super) flag: String,
    pub(super) low: Option<f64>,
    pub(super) high: Option<f64>,
    /// The `originalText` reference, `#c1p1-glucose`.
    pub(super) target: String,
}

pub(super) fn lab_results(doc: &Node) -> Vec<LabRow> {
    doc.descendants()
        .into_iter()
        .filter(|n| n.name == "observation" && n.child("referenceRange").is_some())
        .map(|obs| {
            let code = obs.child("code").unwrap();
            let written = obs.child("value").unwrap().attr("value").unwrap().to_string();
            let range = obs.at("referenceRange/observationRange/value").unwrap();
            let bound = |name| range.child(name).map(|b: &Node| b.attr("value").unwrap().parse().unwrap());
            LabRow {
                loinc: code.attr("code").unwrap().to_string(),
                value: written.parse().unwrap(),
                written,
                flag: obs.child("interpretationCode").unwrap().attr("code").unwrap().to_string(),
                low: bound("low"),
                high: bound("high"),
                target: code.at("originalText/reference").unwrap().attr("value").unwrap().to_string(),
            }
        })
        .collect()
}
