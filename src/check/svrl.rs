//! Importing an SVRL report (ISO Schematron's output: the ANS kit's, an online validator's)
//! and showing its findings where they are in the document ([`Layer::Svrl`]).
//!
//! An SVRL finding locates its node with an XPath: the plain form
//! `/ClinicalDocument/component/structuredBody/component[3]/section`, Saxon's
//! `/*:ClinicalDocument[namespace-uri()='urn:hl7-org:v3'][1]/*:component[…][1]/…`, or the
//! EQName form `/Q{urn:hl7-org:v3}ClinicalDocument[1]/…`. [`locate`] walks such a path in the
//! document's tree (names matched by local name, a namespace checked when the path gives one,
//! `[n]` counted among namesakes) to the element — or attribute — and its span. A path that
//! stops matching part-way points at the deepest element it reached, which contains the
//! node it meant.

use super::issue::{Issue, Layer, Message, RuleSource};
use crate::diag::Severity;
use crate::input::Document;
use crate::xml::{Limits, NodeId, Span, Tree};

const SVRL_NS: &str = "http://purl.oclc.org/dsdl/svrl";

/// An SVRL report, read.
#[derive(Debug, Clone)]
pub struct SvrlReport {
    /// The report's path as given.
    pub file: String,
    /// The `document` attribute of `schematron-output`: the document it is about, when said.
    pub document: Option<String>,
    pub findings: Vec<SvrlFinding>,
}

/// A `failed-assert` or `successful-report`.
#[derive(Debug, Clone)]
pub struct SvrlFinding {
    /// `failed-assert` (true) or `successful-report`.
    pub failed_assert: bool,
    pub location: String,
    pub id: Option<String>,
    /// `role`, else `flag`.
    pub role: Option<String>,
    pub test: Option<String>,
    /// The id of the `active-pattern` it comes under.
    pub pattern: Option<String>,
    /// The context of the `fired-rule` it comes under.
    pub context: Option<String>,
    /// The text, whitespace collapsed.
    pub text: String,
}

/// Reads an SVRL report from its bytes. `Err` (in English and French) when the bytes are
/// not an SVRL report.
pub fn read(bytes: &[u8], file: &str) -> Result<SvrlReport, Message> {
    let parsed = crate::read_bytes(bytes, &Limits::default());
    let tree = parsed.tree.as_ref();
    let root = tree.and_then(|t| t.root().map(|r| (t, r)));
    let Some((tree, root)) = root.filter(|(t, r)| is_svrl(t, *r, "schematron-output")) else {
        return Err(Message::new(
            format!("{file} n'est pas un rapport SVRL (élément racine svrl:schematron-output attendu)"),
            format!("{file} is not an SVRL report (a svrl:schematron-output root element was expected)"),
        ));
    };
    let mut report = SvrlReport {
        file: file.to_owned(),
        document: tree.attr(root, "document").map(|d| d.into_owned()),
        findings: Vec::new(),
    };
    let (mut pattern, mut context) = (None, None);
    for node in tree.elements(root) {
        let attr = |name| tree.attr(node, name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        if is_svrl(tree, node, "active-pattern") {
            pattern = attr("id").or_else(|| attr("name"));
        } else if is_svrl(tree, node, "fired-rule") {
            context = attr("context");
        } else if is_svrl(tree, node, "failed-assert") || is_svrl(tree, node, "successful-report") {
            let text = tree
                .elements(node)
                .filter(|&c| is_svrl(tree, c, "text"))
                .map(|c| tree.text_content(c))
                .collect::<Vec<_>>()
                .join(" ");
            report.findings.push(SvrlFinding {
                failed_assert: tree.local_name(node) == "failed-assert",
                location: attr("location").unwrap_or_default(),
                id: attr("id"),
                role: attr("role").or_else(|| attr("flag")),
                test: attr("test"),
                pattern: pattern.clone(),
                context: context.clone(),
                text: text.split_whitespace().collect::<Vec<_>>().join(" "),
            });
        }
    }
    Ok(report)
}

fn is_svrl(tree: &Tree, node: NodeId, local: &str) -> bool {
    tree.local_name(node) == local && tree.namespace_uri(tree.ns(node)) == SVRL_NS
}

impl SvrlReport {
    /// The file name of the document the report is about (from its `document` attribute).
    pub fn document_name(&self) -> Option<&str> {
        let document = self.document.as_deref()?;
        document.rsplit(['/', '\\']).next().filter(|name| !name.is_empty())
    }

    /// The report's findings as issues located in `document`.
    pub fn issues(&self, document: &Document) -> Vec<Issue> {
        self.findings.iter().map(|f| self.issue(f, document.tree.as_deref())).collect()
    }

    fn issue(&self, finding: &SvrlFinding, tree: Option<&Tree>) -> Issue {
        let severity = match finding.role.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("error" | "fatal" | "erreur") => Severity::Error,
            Some("warning" | "warn" | "avertissement") => Severity::Warning,
            Some("info" | "information" | "note") => Severity::Info,
            _ if finding.failed_assert => Severity::Error,
            _ => Severity::Warning,
        };
        let name = finding.id.as_deref().or(finding.pattern.as_deref()).unwrap_or("assert");
        Issue {
            rule: format!("svrl:{name}"),
            layer: Layer::Svrl,
            severity,
            message: Message::french(finding.text.clone()),
            span: tree.and_then(|t| locate(t, &finding.location)),
            position: None,
            path: None,
            location: Some(finding.location.clone()),
            source: RuleSource::Svrl { file: self.file.clone() },
            related: Vec::new(),
            hint: finding.test.as_ref().map(|test| Message::french(format!("test : {test}"))),
        }
    }
}

/// The span an SVRL location XPath points at: an element's start tag, or an attribute.
/// `None` when not even its first step matches the document.
pub fn locate(tree: &Tree, xpath: &str) -> Option<Span> {
    let root = tree.root()?;
    let mut steps = split_steps(xpath).into_iter().map(Step::parse);
    let first = steps.next()?;
    let mut at = if first.matches(tree, root) {
        root
    } else {
        // A document wrapped (auto-presentable, signed): the path starts at its ClinicalDocument.
        tree.descendants(root).find(|&n| tree.is_element(n) && first.matches(tree, n))?
    };
    for step in steps {
        match step {
            Step::Stop => break,
            Step::Attribute { local } => {
                return tree
                    .attributes(at)
                    .find(|a| local.as_deref().is_none_or(|l| a.local_name() == l))
                    .map(|a| a.span())
                    .or(Some(tree.head_span(at)));
            }
            step @ Step::Element { .. } => {
                let index = step.index().unwrap_or(1);
                match tree.elements(at).filter(|&c| step.matches(tree, c)).nth(index.saturating_sub(1)) {
                    Some(child) => at = child,
                    None => break,
                }
            }
        }
    }
    Some(tree.head_span(at))
}

/// One location step.
#[derive(Debug, PartialEq)]
enum Step {
    Element {
        local: Option<String>,
        ns: Option<String>,
        index: Option<usize>,
    },
    Attribute {
        local: Option<String>,
    },
    /// `text()`, `comment()`…: the element reached is as far as a span goes.
    Stop,
}

impl Step {
    fn parse(step: &str) -> Step {
        let (attribute, step) = match step.strip_prefix('@') {
            Some(rest) => (true, rest),
            None => {
                (false, step.strip_prefix("attribute::").or(step.strip_prefix("child::")).unwrap_or(step))
            }
        };
        let (mut ns, name_and_predicates) = match step.strip_prefix("Q{") {
            Some(rest) => match rest.split_once('}') {
                Some((uri, rest)) => (Some(uri.to_owned()), rest),
                None => (None, rest),
            },
            None => (None, step),
        };
        let name_end = name_and_predicates.find('[').unwrap_or(name_and_predicates.len());
        let name = &name_and_predicates[..name_end];
        if name.ends_with(')') {
            return Step::Stop;
        }
        let name = name.rsplit(':').next().unwrap_or(name);
        let mut local = (name != "*").then(|| name.to_owned());
        let mut index = None;
        for predicate in predicates(&name_and_predicates[name_end..]) {
            let predicate = predicate.trim();
            if let Ok(n) = predicate.parse::<usize>() {
                index = Some(n);
            }
            if let Some(uri) = quoted_after(predicate, "namespace-uri()") {
                ns = Some(uri);
            }
            if let Some(name) = quoted_after(predicate, "local-name()") {
                local = Some(name);
            }
        }
        if attribute {
            Step::Attribute { local }
        } else {
            Step::Element { local, ns, index }
        }
    }

    fn index(&self) -> Option<usize> {
        match self {
            Step::Element { index, .. } => *index,
            _ => None,
        }
    }

    fn matches(&self, tree: &Tree, node: NodeId) -> bool {
        match self {
            Step::Element { local, ns, .. } => {
                local.as_deref().is_none_or(|l| tree.local_name(node) == l)
                    && ns.as_deref().is_none_or(|uri| tree.namespace_uri(tree.ns(node)) == uri)
            }
            _ => false,
        }
    }
}

/// The steps of a path: split at `/` outside brackets, braces and quotes.
fn split_steps(xpath: &str) -> Vec<&str> {
    let mut steps = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in xpath.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, '/') if depth == 0 => {
                steps.push(&xpath[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    steps.push(&xpath[start..]);
    steps.into_iter().map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// The contents of `[…][…]`.
fn predicates(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '[' => {
                if depth == 0 {
                    start = i + 1;
                }
                depth += 1;
            }
            ']' => {
                depth -= 1;
                if depth == 0 {
                    found.push(&text[start..i]);
                }
            }
            _ => {}
        }
    }
    found
}

/// `'value'` in `function()='value'` (or `"value"`), inside a predicate.
fn quoted_after(predicate: &str, function: &str) -> Option<String> {
    let at = predicate.find(function)? + function.len();
    let rest = predicate[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let rest = &rest[1..];
    rest.find(quote).map(|end| rest[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1"/><component><structuredBody>
<component><section/></component><component><section><entry><observation><code code="x"/></observation></entry></section></component>
</structuredBody></component></ClinicalDocument>"#;

    fn at(xpath: &str) -> String {
        let document = crate::read_bytes(DOC.as_bytes(), &Limits::default());
        let tree = document.tree.as_ref().unwrap();
        let span = locate(tree, xpath).unwrap();
        crate::check::path::path_of_span(tree, span).unwrap()
    }

    #[test]
    fn plain_saxon_and_eqname_paths_reach_the_same_element() {
        let plain = "/ClinicalDocument/component/structuredBody/component[2]/section/entry/observation/code";
        let saxon = "/*:ClinicalDocument[namespace-uri()='urn:hl7-org:v3'][1]/*:component[namespace-uri()='urn:hl7-org:v3'][1]\
                     /*:structuredBody[namespace-uri()='urn:hl7-org:v3'][1]/*:component[namespace-uri()='urn:hl7-org:v3'][2]\
                     /*:section[namespace-uri()='urn:hl7-org:v3'][1]/*:entry[namespace-uri()='urn:hl7-org:v3'][1]\
                     /*:observation[namespace-uri()='urn:hl7-org:v3'][1]/*:code[namespace-uri()='urn:hl7-org:v3'][1]";
        let eqname = "/Q{urn:hl7-org:v3}ClinicalDocument[1]/Q{urn:hl7-org:v3}component[1]/Q{urn:hl7-org:v3}structuredBody[1]\
                      /Q{urn:hl7-org:v3}component[2]/Q{urn:hl7-org:v3}section[1]/Q{urn:hl7-org:v3}entry[1]\
                      /Q{urn:hl7-org:v3}observation[1]/Q{urn:hl7-org:v3}code[1]";
        for xpath in [plain, saxon, eqname] {
            assert_eq!(at(xpath), "section[2]/entry[1]/observation/code", "{xpath}");
        }
        assert_eq!(at("/ClinicalDocument/id/@root"), "id/@root");
        assert_eq!(at("/ClinicalDocument/id/text()"), "id");
    }

    #[test]
    fn a_path_that_stops_matching_points_at_the_deepest_element_reached() {
        assert_eq!(at("/ClinicalDocument/component/structuredBody/component[7]/section"), "structuredBody");
        assert_eq!(at("/ClinicalDocument/component/structuredBody/component[1]/section/entry"), "section[1]");
    }
}
