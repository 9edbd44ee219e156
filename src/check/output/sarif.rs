//! SARIF 2.1.0, as code-scanning tools read it: one run of `vigie`, its rules (those that
//! fired, with their help page), one artifact per checked file (a packaged document nested
//! in its zip through `parentIndex`), one result per issue with its physical location
//! (line:column, columns counted in Unicode code points) and its readable path as logical
//! location, and its related places (a lab result's narrative cell) as `relatedLocations`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{hint, message};
use crate::check::inputs::Checked;
use crate::check::{rules, Issue, RuleSource};
use crate::diag::Severity;
use crate::summary::Lang;

/// The base the rule pages are linked from: the repository's `docs/` beside the sources
/// this binary was built from (until Vigie has a public address to link to).
fn page_uri(page: &str) -> String {
    let (file, anchor) = page.split_once('#').map_or((page, None), |(f, a)| (f, Some(a)));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let mut uri = file_uri(&path);
    if let Some(anchor) = anchor {
        uri.push('#');
        uri.push_str(&encode(anchor));
    }
    uri
}

/// The whole log for every checked input.
pub fn log(checked: &[Checked], lang: Lang) -> Value {
    let cwd = std::env::current_dir().ok();
    let mut artifacts = Artifacts { list: Vec::new(), index: HashMap::new(), cwd: cwd.clone() };
    let mut rules_list: Vec<Value> = Vec::new();
    let mut rule_index: HashMap<String, usize> = HashMap::new();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for input in checked {
        let artifact = artifacts.of(&input.report.file);
        // what a layer says about how it ran (the kit's volet, kit files it could not read)
        for note in input.report.layers.iter().flat_map(|run| &run.notes) {
            notifications.push(json!({
                "level": "note",
                "message": { "text": message(note, lang) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": artifacts.list[artifact].location(artifact),
                }}],
            }));
        }
        for issue in &input.report.issues {
            let index = *rule_index.entry(issue.rule.clone()).or_insert_with(|| {
                rules_list.push(descriptor(issue, lang));
                rules_list.len() - 1
            });
            results.push(result(issue, index, &artifacts.list[artifact], artifact, lang));
        }
    }
    let mut run = json!({
        "tool": { "driver": {
            "name": "vigie",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules_list,
        }},
        "columnKind": "unicodeCodePoints",
        "artifacts": artifacts.list.iter().map(|a| a.value.clone()).collect::<Vec<_>>(),
        "results": results,
        "invocations": [{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }],
    });
    if let Some(cwd) = cwd {
        let mut base = file_uri(&cwd);
        if !base.ends_with('/') {
            base.push('/');
        }
        run["originalUriBaseIds"] = json!({ "SRCROOT": { "uri": base } });
    }
    json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `reportingDescriptor`: the rule as the first issue of it shows it.
fn descriptor(issue: &Issue, lang: Lang) -> Value {
    let builtin = rules::find(&issue.rule).filter(|_| matches!(issue.source, RuleSource::Builtin { .. }));
    let short = match builtin {
        Some(rule) if rule.id == issue.rule => rule.summary(lang).to_owned(),
        _ => message(&issue.message, lang).to_owned(),
    };
    let mut descriptor = json!({
        "id": issue.rule,
        "shortDescription": { "text": short },
        "defaultConfiguration": { "level": level(issue.severity) },
        "properties": { "layer": issue.layer },
    });
    if let Some(hint) = hint(issue, lang) {
        descriptor["help"] = json!({ "text": hint });
    }
    match &issue.source {
        RuleSource::Builtin { page } => {
            descriptor["helpUri"] = json!(page_uri(page));
            descriptor["properties"]["page"] = json!(page);
        }
        RuleSource::Kit { file, pattern, context, test, id, line } => {
            descriptor["properties"]["kit"] = json!({ "file": file, "pattern": pattern, "context": context, "test": test, "id": id, "line": line });
        }
        RuleSource::Xsd { schema } => descriptor["properties"]["schema"] = json!(schema),
        RuleSource::Svrl { file } => descriptor["properties"]["svrl"] = json!(file),
    }
    descriptor
}

fn result(issue: &Issue, rule_index: usize, artifact: &Artifact, artifact_index: usize, lang: Lang) -> Value {
    let mut physical = json!({ "artifactLocation": artifact.location(artifact_index) });
    if let Some(p) = issue.position {
        physical["region"] = json!({ "startLine": p.line, "startColumn": p.column });
    }
    let mut location = json!({ "physicalLocation": physical });
    if let Some(path) = &issue.path {
        location["logicalLocations"] = json!([{ "fullyQualifiedName": path, "kind": "element" }]);
    }
    let mut result = json!({
        "ruleId": issue.rule,
        "ruleIndex": rule_index,
        "level": level(issue.severity),
        "message": { "text": non_empty(message(&issue.message, lang)) },
        "locations": [location],
    });
    if !issue.related.is_empty() {
        let related: Vec<Value> = issue
            .related
            .iter()
            .enumerate()
            .map(|(id, related)| {
                let mut physical = json!({ "artifactLocation": artifact.location(artifact_index) });
                if let Some(p) = related.position {
                    physical["region"] = json!({ "startLine": p.line, "startColumn": p.column });
                }
                let mut location = json!({
                    "id": id,
                    "physicalLocation": physical,
                    "message": { "text": non_empty(message(&related.message, lang)) },
                });
                if let Some(path) = &related.path {
                    location["logicalLocations"] = json!([{ "fullyQualifiedName": path, "kind": "element" }]);
                }
                location
            })
            .collect();
        result["relatedLocations"] = json!(related);
    }
    if let Some(xpath) = &issue.location {
        result["properties"] = json!({ "xpath": xpath });
    }
    result
}

fn non_empty(text: &str) -> &str {
    if text.trim().is_empty() {
        "(no message)"
    } else {
        text
    }
}

/// The run's artifacts: files, zips, and members nested in their zip.
struct Artifacts {
    list: Vec<Artifact>,
    index: HashMap<String, usize>,
    cwd: Option<PathBuf>,
}

struct Artifact {
    value: Value,
    uri: String,
    base: Option<&'static str>,
}

impl Artifact {
    fn location(&self, index: usize) -> Value {
        let mut location = json!({ "uri": self.uri, "index": index });
        if let Some(base) = self.base {
            location["uriBaseId"] = json!(base);
        }
        location
    }
}

impl Artifacts {
    /// The index of the artifact for a report's `file` (`a.zip!member` nests the member).
    fn of(&mut self, file: &str) -> usize {
        if let Some(&i) = self.index.get(file) {
            return i;
        }
        let artifact = match file.split_once('!') {
            Some((zip, member)) => {
                let parent = self.of(zip);
                let uri = member.split('/').map(encode).collect::<Vec<_>>().join("/");
                Artifact {
                    value: json!({ "location": { "uri": uri }, "parentIndex": parent }),
                    uri,
                    base: None,
                }
            }
            None => {
                let (uri, base) = self.uri(Path::new(file));
                let mut location = json!({ "uri": uri });
                if let Some(base) = base {
                    location["uriBaseId"] = json!(base);
                }
                Artifact { value: json!({ "location": location }), uri, base }
            }
        };
        self.list.push(artifact);
        self.index.insert(file.to_owned(), self.list.len() - 1);
        self.list.len() - 1
    }

    /// A path relative to the working directory (base `SRCROOT`), else a `file:` URI.
    fn uri(&self, path: &Path) -> (String, Option<&'static str>) {
        let relative = if path.is_relative() {
            Some(path.to_path_buf())
        } else {
            self.cwd.as_ref().and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        };
        match relative {
            Some(relative) => {
                let parts: Vec<String> = relative
                    .components()
                    .filter(|c| !matches!(c, std::path::Component::CurDir))
                    .map(|c| encode(&c.as_os_str().to_string_lossy()))
                    .collect();
                (parts.join("/"), Some("SRCROOT"))
            }
            None => (file_uri(path), None),
        }
    }
}

/// `file:///…` for an absolute path.
fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let encoded: Vec<String> = text.split('/').map(encode).collect();
    let joined = encoded.join("/");
    if joined.starts_with('/') {
        format!("file://{joined}")
    } else {
        format!("file:///{joined}")
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(encode("CR BIO é.xml"), "CR%20BIO%20%C3%A9.xml");
        assert_eq!(file_uri(Path::new("/tmp/a b/c.xml")), "file:///tmp/a%20b/c.xml");
    }
}
