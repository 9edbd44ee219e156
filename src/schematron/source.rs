//! Reading Schematron files into a small element tree, with `include` resolved.
//!
//! The files are read with Vigie's own XML reader (its own tokenizer: no DTD, no entity
//! expansion). Only elements in the ISO Schematron namespace are kept; `include` elements are
//! replaced by what they point to, as ISO's `iso_dsdl_include.xsl` does: the included
//! document's root element when it is a Schematron element, otherwise its Schematron
//! children. Every file must lie inside the root folder the caller allows (the kit folder).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::xml::{self, LineIndex, NodeId, Tree};

use super::model::{Origin, SetupNote};

/// The ISO Schematron namespace.
pub(crate) const SCH_NS: &str = "http://purl.oclc.org/dsdl/schematron";

/// How deep `include` chains may go (the kit needs 3).
const MAX_INCLUDE_DEPTH: usize = 32;

/// A Schematron element, with its attributes, children and where it is written.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    /// Local name (`schema`, `pattern`, `rule`, `assert`...).
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Child>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub(crate) enum Child {
    Element(Element),
    Text(String),
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Child::Element(e) => Some(e),
            Child::Text(_) => None,
        })
    }

    /// The text of the element and its descendants, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut stack: Vec<&Child> = self.children.iter().rev().collect();
        while let Some(child) = stack.pop() {
            match child {
                Child::Text(t) => out.push_str(t),
                Child::Element(e) => stack.extend(e.children.iter().rev()),
            }
        }
        out
    }
}

/// Reads Schematron files below one root folder, caching each file once.
pub(crate) struct Loader {
    /// The canonical root folder nothing may be read outside of.
    root: PathBuf,
    /// Canonical path → parsed file (its Schematron root elements).
    cache: HashMap<PathBuf, Arc<Vec<Element>>>,
    /// Include targets that did not exist (for the kit cache: they must still be missing).
    missing: Vec<PathBuf>,
    pub notes: Vec<SetupNote>,
}

impl Loader {
    pub fn new(root: &Path) -> std::io::Result<Self> {
        Ok(Self {
            root: std::fs::canonicalize(root)?,
            cache: HashMap::new(),
            missing: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// The canonical root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What has been read so far: every file opened (canonical) and every include target
    /// that did not exist.
    pub fn inputs(&self) -> super::cache::Inputs {
        super::cache::Inputs { files: self.cache.keys().cloned().collect(), missing: self.missing.clone() }
    }

    /// `path` relative to the root, with forward slashes, for messages and rule sources.
    pub fn relative(&self, path: &Path) -> String {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let rel = canonical.strip_prefix(&self.root).unwrap_or(&canonical);
        rel.to_string_lossy().replace('\\', "/")
    }

    /// Resolves `path` and checks it stays inside the root; the canonical path, or why not.
    pub fn confine(&self, path: &Path) -> Result<PathBuf, String> {
        let canonical = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if canonical.starts_with(&self.root) {
            Ok(canonical)
        } else {
            Err(format!("{} is outside the kit folder {}", path.display(), self.root.display()))
        }
    }

    /// Reads the main schema file: its `schema` element with every include resolved. The
    /// error is (French, English).
    pub fn load_schema(&mut self, path: &Path) -> Result<Element, (String, String)> {
        let canonical = self.confine(path).map_err(|why| (why.clone(), why))?;
        let mut stack = vec![canonical.clone()];
        let roots = self.read_file(&canonical).map_err(|why| (why.clone(), why))?;
        let root = roots.iter().find(|e| e.name == "schema").cloned().ok_or_else(|| {
            (
                format!("{} : la racine n'est pas un <schema> Schematron", path.display()),
                format!("{}: the root element is not a Schematron <schema>", path.display()),
            )
        })?;
        Ok(self.resolve_includes(root, &canonical, &mut stack))
    }

    /// Replaces every `include` below `element` by what it points to, recursively.
    fn resolve_includes(&mut self, mut element: Element, file: &Path, stack: &mut Vec<PathBuf>) -> Element {
        let children = std::mem::take(&mut element.children);
        for child in children {
            match child {
                Child::Element(e) if e.name == "include" => {
                    for included in self.include(&e, file, stack) {
                        element.children.push(Child::Element(included));
                    }
                }
                Child::Element(e) => {
                    let resolved = self.resolve_includes(e, file, stack);
                    element.children.push(Child::Element(resolved));
                }
                text => element.children.push(text),
            }
        }
        element
    }

    fn include(&mut self, include: &Element, file: &Path, stack: &mut Vec<PathBuf>) -> Vec<Element> {
        let Some(href) = include.attr("href").filter(|h| !h.trim().is_empty()) else {
            self.note(&include.origin, "<include> sans href : ignoré", "<include> without href: ignored");
            return Vec::new();
        };
        let (document, fragment) = match href.split_once('#') {
            Some((d, f)) => (d, Some(f)),
            None => (href, None),
        };
        let target = if document.is_empty() {
            file.to_path_buf()
        } else {
            file.parent().unwrap_or(Path::new(".")).join(document)
        };
        let canonical = match self.confine(&target) {
            Ok(c) => c,
            Err(why) => {
                if !target.exists() {
                    self.missing.push(target.clone());
                }
                let (fr, en) = match same_name_but_case(&target) {
                    Some(other) => (
                        format!(" ; « {other} » existe (même nom à la casse près : Windows l'inclurait, pas Linux)"),
                        format!("; \"{other}\" exists (same name but for case: Windows would include it, Linux does not)"),
                    ),
                    None => (String::new(), String::new()),
                };
                self.note(
                    &include.origin,
                    &format!("inclusion de « {href} » impossible : {why}{fr}"),
                    &format!("cannot include \"{href}\": {why}{en}"),
                );
                return Vec::new();
            }
        };
        if stack.len() >= MAX_INCLUDE_DEPTH || (fragment.is_none() && stack.contains(&canonical)) {
            self.note(
                &include.origin,
                &format!("inclusion circulaire ou trop profonde de « {href} » : ignorée"),
                &format!("circular or too deep include of \"{href}\": ignored"),
            );
            return Vec::new();
        }
        let roots = match self.read_file(&canonical) {
            Ok(r) => r,
            Err(why) => {
                self.note(
                    &include.origin,
                    &format!("inclusion impossible : {why}"),
                    &format!("cannot include: {why}"),
                );
                return Vec::new();
            }
        };
        let selected: Vec<Element> = match fragment {
            Some(id) => find_by_id(&roots, id).into_iter().cloned().collect(),
            None => roots.to_vec(),
        };
        if selected.is_empty() {
            self.note(
                &include.origin,
                &format!("« {href} » ne contient aucun élément Schematron"),
                &format!("\"{href}\" contains no Schematron element"),
            );
        }
        stack.push(canonical.clone());
        let resolved = selected.into_iter().map(|e| self.resolve_includes(e, &canonical, stack)).collect();
        stack.pop();
        resolved
    }

    /// The Schematron elements a file contributes: its root when it is one, else the
    /// Schematron children of its root.
    fn read_file(&mut self, canonical: &Path) -> Result<Arc<Vec<Element>>, String> {
        if let Some(found) = self.cache.get(canonical) {
            return Ok(found.clone());
        }
        let bytes = std::fs::read(canonical).map_err(|e| format!("{}: {e}", canonical.display()))?;
        let decoded = xml::decode::decode(&bytes);
        let parsed = xml::parse::parse(decoded.text.clone(), &xml::Limits::default());
        let lines = LineIndex::new(decoded.text.clone());
        let file: Arc<str> = Arc::from(self.relative(canonical));
        if let Some(problem) = parsed.findings.iter().find(|f| f.severity == crate::diag::Severity::Error) {
            let at = lines.position(problem.span.start);
            self.notes.push(SetupNote::new(
                Origin { file: file.clone(), line: at.line },
                format!("fichier mal formé : {}", problem.message),
                format!("malformed file: {}", problem.message),
            ));
        }
        let tree = &parsed.tree;
        let convert = Converter { tree, lines: &lines, file: file.clone() };
        let elements = match tree.root() {
            None => Vec::new(),
            Some(root) if convert.is_sch(root) => vec![convert.element(root)],
            Some(root) => {
                tree.elements(root).filter(|&c| convert.is_sch(c)).map(|c| convert.element(c)).collect()
            }
        };
        let elements = Arc::new(elements);
        self.cache.insert(canonical.to_path_buf(), elements.clone());
        Ok(elements)
    }

    fn note(&mut self, origin: &Origin, fr: &str, en: &str) {
        self.notes.push(SetupNote::new(origin.clone(), fr, en));
    }
}

/// A file next to `path` whose name differs from its name only by case.
fn same_name_but_case(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?.to_lowercase();
    std::fs::read_dir(path.parent()?)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|other| other.to_lowercase() == name)
}

fn find_by_id<'e>(elements: &'e [Element], id: &str) -> Option<&'e Element> {
    let mut stack: Vec<&Element> = elements.iter().rev().collect();
    while let Some(e) = stack.pop() {
        if e.attr("id") == Some(id) {
            return Some(e);
        }
        stack.extend(e.elements().collect::<Vec<_>>().into_iter().rev());
    }
    None
}

struct Converter<'a> {
    tree: &'a Tree,
    lines: &'a LineIndex,
    file: Arc<str>,
}

impl Converter<'_> {
    fn is_sch(&self, node: NodeId) -> bool {
        self.tree.is_element(node) && self.tree.namespace_uri(self.tree.ns(node)) == SCH_NS
    }

    /// Converts a Schematron element and its content. The reader caps nesting at
    /// `Limits::max_depth`, which bounds this recursion.
    fn element(&self, node: NodeId) -> Element {
        let tree = self.tree;
        let attrs = tree
            .attributes(node)
            .map(|a| {
                let name = if a.ns() == crate::xml::Ns::XML {
                    format!("xml:{}", a.local_name())
                } else {
                    a.qualified_name().to_owned()
                };
                (name, a.value().into_owned())
            })
            .collect();
        let mut children = Vec::new();
        for child in tree.children(node) {
            if tree.is_text(child) {
                children.push(Child::Text(tree.text(child).into_owned()));
            } else if self.is_sch(child) {
                children.push(Child::Element(self.element(child)));
            } else {
                // a foreign element (documentation, XHTML in <p>...): its text only
                children.push(Child::Text(tree.text_content(child)));
            }
        }
        Element {
            name: tree.local_name(node).to_owned(),
            attrs,
            children,
            origin: Origin { file: self.file.clone(), line: self.lines.position(tree.span(node).start).line },
        }
    }
}
