//! The XML files rules read with `doc()` / `document()` (the kit's value sets), found and
//! read once when a schema is compiled.
//!
//! xee's `fn:doc` only answers from its document store, never from the file system or the
//! network, so the files must be there before a rule runs. Each `doc()` argument that does
//! not depend on the checked document (a literal, or global variables holding literals,
//! as in `document($jdv_administrativeGenderCode)`) is evaluated at compile time, resolved
//! against the main schema file as the kit's generated stylesheet resolves it, checked to
//! lie inside the kit folder, and read. A path computed from the document (per node) cannot
//! be known in advance: such calls find nothing (`doc-available()` is false), and the
//! schema says so in a note.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use xee_xpath::{Documents, Item, Query};

use super::compile::Compiler;
use super::model::{Expanded, MessagePart, Origin, RuleItem, SetupNote};
use super::source::Loader;
use super::xpath_text::{document_arguments, rewrite_xslt_functions};

/// A document the rules read: the URI a rule's `doc()` resolves to, and its text.
#[derive(Debug, Clone)]
pub(crate) struct RuleDocument {
    pub uri: String,
    pub text: Arc<str>,
}

/// `file://` URI of an absolute path, as xee resolves relative references against it.
pub(crate) fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for c in path.to_string_lossy().replace('\\', "/").chars() {
        match c {
            ' ' | '%' | '#' | '?' | '[' | ']' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    uri.push_str(&format!("%{b:02X}"));
                }
            }
            c => uri.push(c),
        }
    }
    uri
}

/// `path` made absolute and without `.` or `..` components (no file system access).
pub(crate) fn normalize_lexically(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Finds, checks and reads the documents `schema`'s rules name.
pub(crate) fn find(
    schema: &Expanded,
    main_file: &Path,
    base_uri: &str,
    loader: &Loader,
    cache: &mut HashMap<PathBuf, Arc<str>>,
) -> Found {
    let mut notes = Vec::new();
    let mut arguments: Vec<(String, Origin)> = Vec::new();
    let mut push = |expr: &str, origin: &Origin| {
        // `doc(`, `doc-available(` and `document(` all contain it: most expressions are skipped
        if !expr.contains("doc") {
            return;
        }
        for argument in document_arguments(&rewrite_xslt_functions(expr)) {
            if !arguments.iter().any(|(a, _)| *a == argument) {
                arguments.push((argument, origin.clone()));
            }
        }
    };
    for let_ in &schema.globals {
        push(&let_.value, &let_.origin);
    }
    for rule in schema.patterns.iter().flat_map(|p| &p.rules) {
        push(&rule.context, &rule.origin);
        for item in &rule.body {
            match item {
                RuleItem::Let(l) => push(&l.value, &l.origin),
                RuleItem::Check(c) => {
                    push(&c.test, &c.origin);
                    for part in &c.message {
                        if let MessagePart::ValueOf(select) = part {
                            push(select, &c.origin);
                        }
                    }
                }
            }
        }
    }
    if arguments.is_empty() {
        return Found::default();
    }

    // the globals that hold constants: evaluated with no context item, those that need one fail
    let mut compiler = Compiler::new(schema, base_uri.to_owned());
    let mut documents = Documents::new();
    let mut values = HashMap::new();
    for let_ in &schema.globals {
        compiler.declare(&let_.name, true);
    }
    for let_ in &schema.globals {
        let compiled = compiler.define(let_);
        let value = compiled.program.as_ref().and_then(|program| {
            let mut variables = xee_xpath::context::Variables::default();
            for (slot, name) in &program.vars {
                variables.insert(name.clone(), values.get(slot).cloned()?);
            }
            program
                .query
                .execute_build_context(&mut documents, |b| {
                    b.variables(variables);
                })
                .ok()
        });
        match value {
            Some(v) => {
                values.insert(compiled.slot, v);
            }
            None => compiler.declare(&let_.name, false),
        }
    }

    let base_dir = main_file.parent().unwrap_or(Path::new("/"));
    let mut found: Vec<RuleDocument> = Vec::new();
    let mut constant_arguments: Vec<String> = Vec::new();
    for (argument, origin) in arguments {
        let constant = compiler.compile(&argument, "doc()", &origin).and_then(|program| {
            let mut variables = xee_xpath::context::Variables::default();
            for (slot, name) in &program.vars {
                variables.insert(name.clone(), values.get(slot).cloned()?);
            }
            let value = program.query.execute_build_context(&mut documents, |b| {
                b.variables(variables);
            });
            match value.ok()?.iter().collect::<Vec<_>>().as_slice() {
                [Item::Atomic(a)] => a.to_string().ok(),
                _ => None,
            }
        });
        if constant.is_some() {
            constant_arguments.push(argument.clone());
        }
        let Some(reference) = constant else {
            notes.push(SetupNote::new(
                origin,
                format!(
                    "chemin de document calculé pour chaque nœud ({argument}) : seuls les documents nommés \
                     littéralement sont chargés, doc-available() y répond faux"
                ),
                format!(
                    "document path computed per node ({argument}): only documents named literally are loaded, \
                     doc-available() answers false there"
                ),
            ));
            continue;
        };
        let (uri, path) = if let Some(resolved) = resolve(base_dir, &reference) {
            resolved
        } else {
            notes.push(SetupNote::new(
                origin,
                format!(
                    "document « {reference} » refusé : seuls les fichiers du kit sont lus, jamais le réseau"
                ),
                format!(
                    "document \"{reference}\" refused: only files of the kit are read, never the network"
                ),
            ));
            continue;
        };
        if found.iter().any(|d| d.uri == uri) {
            continue;
        }
        let canonical = match loader.confine(&path) {
            Ok(c) => c,
            Err(why) => {
                notes.push(SetupNote::new(
                    origin,
                    format!("document « {reference} » non chargé : {why}"),
                    format!("document \"{reference}\" not loaded: {why}"),
                ));
                continue;
            }
        };
        let text = match cache.get(&canonical) {
            Some(text) => text.clone(),
            None => match std::fs::read(&canonical) {
                Ok(bytes) => {
                    let text = crate::xml::decode::decode(&bytes).text;
                    cache.insert(canonical.clone(), text.clone());
                    text
                }
                Err(e) => {
                    notes.push(SetupNote::new(
                        origin,
                        format!("document « {reference} » illisible : {e}"),
                        format!("document \"{reference}\" unreadable: {e}"),
                    ));
                    continue;
                }
            },
        };
        found.push(RuleDocument { uri, text });
    }
    Found { documents: found, notes, constant_arguments }
}

/// The URI and path a `doc()` reference resolves to from the main schema's folder, as
/// the kit's generated stylesheet resolves it; `None` for a network or other non-file URI.
pub(crate) fn resolve(base_dir: &Path, reference: &str) -> Option<(String, PathBuf)> {
    if let Some(rest) = reference.strip_prefix("file://") {
        Some((reference.to_owned(), PathBuf::from(rest)))
    } else if reference.contains("://") || reference.starts_with("urn:") {
        None
    } else {
        let path = normalize_lexically(&base_dir.join(reference));
        Some((file_uri(&path), path))
    }
}

/// What [`find`] found.
#[derive(Default)]
pub(crate) struct Found {
    pub documents: Vec<RuleDocument>,
    pub notes: Vec<SetupNote>,
    /// The `doc()` arguments that do not depend on the checked document.
    pub constant_arguments: Vec<String>,
}
