//! Breaking real documents on purpose: each [`Mutation`] makes one mistake a software editor
//! makes (an element missing, out of order, repeated or unknown; a value of the wrong form),
//! so that the native structure check and libxml2 can be compared on the same mistakes.

use vigie::xml::{NodeId, Ns, Tree};
use vigie::Document;

/// One way of breaking a document, and the native rule expected to catch it.
pub struct Mutation {
    pub name: &'static str,
    pub rule: &'static str,
    apply: fn(&Tree, NodeId) -> Option<Edit>,
}

/// Replace `start..end` of the source by `text`.
pub struct Edit {
    start: usize,
    end: usize,
    text: String,
}

impl Mutation {
    /// The broken source, or `None` when the document has nothing this mutation applies to.
    pub fn apply(&self, document: &Document) -> Option<String> {
        let tree = document.tree.as_ref()?;
        let root = tree.descendants(tree.root()?).find(|&n| tree.is(n, Ns::HL7, "ClinicalDocument"))?;
        let edit = (self.apply)(tree, root)?;
        let source: &str = tree.source();
        Some(format!("{}{}{}", &source[..edit.start], edit.text, &source[edit.end..]))
    }
}

fn first(tree: &Tree, root: NodeId, name: &str) -> Option<NodeId> {
    tree.descendants(root).find(|&n| tree.is(n, Ns::HL7, name))
}

fn whole(tree: &Tree, node: NodeId) -> (usize, usize) {
    let span = tree.span(node);
    (span.start as usize, span.end as usize)
}

fn text_of(tree: &Tree, node: NodeId) -> String {
    let (start, end) = whole(tree, node);
    tree.source()[start..end].to_owned()
}

fn set_attribute(tree: &Tree, node: NodeId, name: &str, value: &str) -> Option<Edit> {
    let attr = tree.attribute(node, name)?;
    let span = attr.value_span();
    Some(Edit { start: span.start as usize, end: span.end as usize, text: value.to_owned() })
}

fn add_attribute(tree: &Tree, node: NodeId, text: &str) -> Option<Edit> {
    let at = tree.span(node).start as usize + 1 + tree.qualified_name(node).len();
    Some(Edit { start: at, end: at, text: format!(" {text}") })
}

pub const ALL: [Mutation; 18] = [
    Mutation {
        name: "header code removed",
        rule: "cda.cardinality",
        apply: |tree, root| {
            let (start, end) = whole(tree, tree.child(root, "code")?);
            Some(Edit { start, end, text: String::new() })
        },
    },
    Mutation {
        name: "effectiveTime moved before code",
        rule: "cda.order",
        apply: |tree, root| {
            let time = tree.child(root, "effectiveTime")?;
            let at = tree.span(tree.child(root, "code")?).start as usize;
            let (start, end) = whole(tree, time);
            let mut edit = Edit { start: at, end, text: String::new() };
            let source: &str = tree.source();
            edit.text = format!("{}{}", text_of(tree, time), &source[at..start]);
            Some(edit)
        },
    },
    Mutation {
        name: "effectiveTime repeated",
        rule: "cda.cardinality",
        apply: |tree, root| {
            let time = tree.child(root, "effectiveTime")?;
            let (_, end) = whole(tree, time);
            Some(Edit { start: end, end, text: text_of(tree, time) })
        },
    },
    Mutation {
        name: "unknown element in a section",
        rule: "cda.unknown-element",
        apply: |tree, root| {
            let section = first(tree, root, "section")?;
            let at = tree.head_span(section).end as usize;
            Some(Edit { start: at, end: at, text: "<remarque>x</remarque>".to_owned() })
        },
    },
    Mutation {
        name: "timestamp with separators",
        rule: "cda.ts",
        apply: |tree, root| set_attribute(tree, tree.child(root, "effectiveTime")?, "value", "2024-01-31"),
    },
    Mutation {
        name: "classCode outside its value set",
        rule: "cda.attribute-value",
        apply: |tree, root| {
            set_attribute(tree, first(tree, root, "observation")?, "classCode", "OBSERVATION")
        },
    },
    Mutation {
        name: "unknown attribute",
        rule: "cda.attribute",
        apply: |tree, root| add_attribute(tree, tree.child(root, "id")?, "assigningAuthority=\"x\""),
    },
    Mutation {
        name: "nullFlavor outside HL7's list",
        rule: "cda.null-flavor",
        apply: |tree, root| {
            let name = first(tree, root, "patient").and_then(|p| tree.child(p, "name"))?;
            add_attribute(tree, name, "nullFlavor=\"UNKNOWN\"")
        },
    },
    Mutation {
        name: "identifier root not an OID",
        rule: "cda.ii",
        apply: |tree, root| set_attribute(tree, tree.child(root, "id")?, "root", "1.2.250.01"),
    },
    Mutation {
        name: "code system not an OID",
        rule: "cda.cd",
        apply: |tree, root| set_attribute(tree, tree.child(root, "code")?, "codeSystem", "LOINC 2.16"),
    },
    Mutation {
        name: "quantity with a decimal comma",
        rule: "cda.pq",
        apply: |tree, root| {
            let value = tree.descendants(root).find(|&n| {
                tree.is(n, Ns::HL7, "value")
                    && tree.attr_ns(n, Ns::XSI, "type").is_some_and(|t| t.ends_with("PQ"))
            })?;
            set_attribute(tree, value, "value", "1,5")
        },
    },
    Mutation {
        name: "boolean written yes",
        rule: "cda.bl",
        apply: |tree, root| {
            let node = tree.descendants(root).find(|&n| tree.attribute(n, "negationInd").is_some())?;
            set_attribute(tree, node, "negationInd", "yes")
        },
    },
    Mutation {
        name: "observation value without xsi:type",
        rule: "cda.xsi-type",
        apply: |tree, root| {
            let value = tree.descendants(root).find(|&n| {
                tree.is(n, Ns::HL7, "value")
                    && tree.attr_ns(n, Ns::XSI, "type").is_some()
                    && tree.parent(n).is_some_and(|p| tree.is(p, Ns::HL7, "observation"))
            })?;
            let attr = tree.attributes(value).find(|a| a.ns() == Ns::XSI && a.local_name() == "type")?;
            let span = attr.span();
            Some(Edit { start: span.start as usize, end: span.end as usize, text: String::new() })
        },
    },
    Mutation {
        name: "required attribute removed",
        rule: "cda.attribute",
        apply: |tree, root| {
            let observation = first(tree, root, "observation")?;
            let span = tree.attribute(observation, "moodCode")?.span();
            Some(Edit { start: span.start as usize, end: span.end as usize, text: String::new() })
        },
    },
    Mutation {
        name: "fixed value changed",
        rule: "cda.attribute",
        apply: |tree, root| set_attribute(tree, tree.child(root, "typeId")?, "root", "2.16.840.1.113883.1.4"),
    },
    Mutation {
        name: "interval high before low",
        rule: "cda.order",
        apply: |tree, root| {
            let interval = tree
                .descendants(root)
                .find(|&n| tree.child(n, "low").is_some() && tree.child(n, "high").is_some())?;
            let (low, high) = (tree.child(interval, "low")?, tree.child(interval, "high")?);
            let (start, _) = whole(tree, low);
            let (_, end) = whole(tree, high);
            let source: &str = tree.source();
            let between = &source[whole(tree, low).1..whole(tree, high).0];
            Some(Edit { start, end, text: format!("{}{between}{}", text_of(tree, high), text_of(tree, low)) })
        },
    },
    Mutation {
        name: "section title before its code",
        rule: "cda.order",
        apply: |tree, root| {
            let section = tree.descendants(root).find(|&n| {
                tree.is(n, Ns::HL7, "section")
                    && tree.child(n, "code").is_some()
                    && tree.child(n, "title").is_some()
            })?;
            let (code, title) = (tree.child(section, "code")?, tree.child(section, "title")?);
            let source: &str = tree.source();
            let between = &source[whole(tree, code).1..whole(tree, title).0];
            Some(Edit {
                start: whole(tree, code).0,
                end: whole(tree, title).1,
                text: format!("{}{between}{}", text_of(tree, title), text_of(tree, code)),
            })
        },
    },
    Mutation {
        name: "text inside an identifier",
        rule: "cda.text",
        apply: |tree, root| {
            let id = tree.child(root, "id")?;
            let head = tree.head_span(id);
            let source: &str = tree.source();
            let tag = &source[head.start as usize..head.end as usize];
            let open = tag.strip_suffix("/>")?.to_owned();
            Some(Edit {
                start: head.start as usize,
                end: head.end as usize,
                text: format!("{open}>numéro 12</{}>", tree.qualified_name(id)),
            })
        },
    },
];
