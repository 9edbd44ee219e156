//! From the paths a user names to checked reports: files, folders (walked recursively, in
//! name order) and XDM packages (a report for the package, one for a METADATA.XML with
//! problems, one per document, each document cross-checked against its metadata entry),
//! checked on all cores and handed back in input order.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

use super::issue::Layer;
use super::report::{LayerRun, Report};
use super::svrl::SvrlReport;
use super::{rules, Checker};
use crate::input::{Document, InputKind};
use crate::xdm::{self, ArchiveLimits, DocumentRole};
use crate::xml::Limits;

/// The deepest folder nesting walked.
const MAX_FOLDER_DEPTH: usize = 64;

/// One thing to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A document named on the command line (or a path that turned out unreadable: its
    /// report says why).
    File(PathBuf),
    /// A file found in a folder: checked when it is a CDA document, skipped otherwise (a
    /// README, a stylesheet, a validation report beside the documents).
    Found(PathBuf),
    /// A zip, checked as an XDM package.
    Package(PathBuf),
}

impl Target {
    pub fn path(&self) -> &Path {
        match self {
            Target::File(path) | Target::Found(path) | Target::Package(path) => path,
        }
    }
}

/// The targets of a command line, and the paths that cannot be opened (each also a
/// [`Target::File`], so that its report says so too).
#[derive(Debug, Default)]
pub struct Collected {
    pub targets: Vec<Target>,
    /// `path: why`, one per path that cannot be opened or listed.
    pub unreadable: Vec<String>,
}

/// Files as they are, folders walked (hidden entries and symbolic links to folders
/// skipped), zips recognised by their first bytes whatever their name.
pub fn collect(paths: &[PathBuf]) -> Collected {
    let mut collected = Collected::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut collected),
            Ok(_) => collected.targets.push(target(path.clone(), Target::File)),
            Err(error) => {
                collected.unreadable.push(format!("{}: {error}", path.display()));
                collected.targets.push(Target::File(path.clone()));
            }
        }
    }
    collected
}

fn target(path: PathBuf, file: fn(PathBuf) -> Target) -> Target {
    let mut head = [0u8; 4];
    let zip = std::fs::File::open(&path).and_then(|mut f| f.read_exact(&mut head)).is_ok()
        && (head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06"));
    if zip {
        Target::Package(path)
    } else {
        file(path)
    }
}

/// Depth-first, children in name order, without recursion.
fn walk(folder: &Path, collected: &mut Collected) {
    let mut stack: Vec<Vec<PathBuf>> = vec![children(folder, collected)];
    while let Some(children_left) = stack.last_mut() {
        let Some(path) = children_left.pop() else {
            stack.pop();
            continue;
        };
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.is_dir() {
            if stack.len() <= MAX_FOLDER_DEPTH {
                let next = children(&path, collected);
                stack.push(next);
            }
        } else if meta.is_file() || (meta.file_type().is_symlink() && path.is_file()) {
            collected.targets.push(target(path, Target::Found));
        }
    }
}

/// The non-hidden children of a folder, sorted by name and reversed (popped from the end).
fn children(folder: &Path, collected: &mut Collected) -> Vec<PathBuf> {
    match std::fs::read_dir(folder) {
        Ok(entries) => {
            let mut paths: Vec<PathBuf> = entries
                .flatten()
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.path())
                .collect();
            paths.sort();
            paths.reverse();
            paths
        }
        Err(error) => {
            collected.unreadable.push(format!("{}: {error}", folder.display()));
            Vec::new()
        }
    }
}

/// One checked input: its report and the source its positions point into (for excerpts).
#[derive(Debug, Clone)]
pub struct Checked {
    pub report: Report,
    pub source: Option<Arc<str>>,
}

/// SVRL reports to show in the documents they are about.
#[derive(Debug, Default)]
pub struct SvrlImports {
    pub reports: Vec<SvrlReport>,
    /// When the command line names one document: every report without a matching document
    /// name applies to it.
    pub sole_target: bool,
}

impl SvrlImports {
    /// The reports about the document named `name` (its file name).
    fn about<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a SvrlReport> + 'a {
        self.reports.iter().filter(move |r| match r.document_name() {
            Some(document) if document == name => true,
            _ => self.sole_target,
        })
    }
}

/// Checks every target on all cores; `each` receives each target's reports in input order
/// (as soon as it and those before it are done; none for a skipped file).
pub fn check_all(
    checker: &Checker,
    targets: &[Target],
    svrl: &SvrlImports,
    mut each: impl FnMut(Vec<Checked>),
) {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(targets.len().max(1));
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<(usize, Vec<Checked>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(target) = targets.get(index) else { break };
                if sender.send((index, check_target(checker, target, svrl))).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut pending = BTreeMap::new();
        let mut due = 0;
        for (index, checked) in receiver {
            pending.insert(index, checked);
            while let Some(checked) = pending.remove(&due) {
                each(checked);
                due += 1;
            }
        }
    });
}

/// Checks one target: a file gives one report, a package several, a file found in a folder
/// that is not a CDA document none.
pub fn check_target(checker: &Checker, target: &Target, svrl: &SvrlImports) -> Vec<Checked> {
    match target {
        Target::File(path) | Target::Found(path) => {
            let document = crate::read_path(path, &Limits::default());
            let is_cda = matches!(
                document.kind,
                InputKind::ClinicalDocument | InputKind::AutoPresentable | InputKind::Signed
            );
            if matches!(target, Target::Found(_)) && !is_cda {
                return Vec::new();
            }
            let label = path.display().to_string();
            vec![check_document(checker, &document, &label, file_name(&label), svrl)]
        }
        Target::Package(path) => check_package(checker, path, svrl),
    }
}

fn file_name(label: &str) -> &str {
    label.rsplit(['/', '\\', '!']).next().unwrap_or(label)
}

fn check_document(
    checker: &Checker,
    document: &Document,
    label: &str,
    name: &str,
    svrl: &SvrlImports,
) -> Checked {
    let mut report = checker.check(document, label);
    let imported: Vec<_> = svrl.about(name).flat_map(|r| r.issues(document)).collect();
    if !imported.is_empty() {
        report.extend_layer(Layer::Svrl, imported);
        report.locate(document);
    }
    Checked { report, source: document.tree.as_ref().map(|t| t.source().clone()) }
}

/// A package: its own report, its METADATA.XML's when it has problems, and each document's.
fn check_package(checker: &Checker, path: &Path, svrl: &SvrlImports) -> Vec<Checked> {
    let label = path.display().to_string();
    let limits = Limits::default();
    let within = std::fs::metadata(path).is_ok_and(|m| m.len() <= limits.max_input_bytes as u64);
    let bytes = match within.then(|| std::fs::read(path)) {
        Some(Ok(bytes)) => bytes,
        // Unreadable or too large: the reader says which, as for any file.
        _ => {
            let document = crate::read_path(path, &limits);
            return vec![check_document(checker, &document, &label, file_name(&label), svrl)];
        }
    };
    let archive_limits = ArchiveLimits::default();
    let package = xdm::read_package(&bytes, &archive_limits, &limits);
    let mut checked = Vec::new();

    let mut report = package_report(&label, InputKind::Zip);
    let issues = package.findings.iter().map(rules::package_issue).map(|mut issue| {
        // The package's own findings are about the zip, not a text.
        issue.span = None;
        issue.position = None;
        issue
    });
    report.extend_layer(Layer::Builtin, issues.collect());
    checked.push(Checked { report, source: None });

    for set in &package.submission_sets {
        if let (Some(member), false) = (&set.metadata_path, set.metadata_findings.is_empty()) {
            let document = xdm::read_member(&bytes, member, &archive_limits)
                .map(|b| crate::read_bytes(&b, &limits))
                .ok();
            let mut report = package_report(&format!("{label}!{member}"), InputKind::OtherXml);
            report.extend_layer(
                Layer::Builtin,
                set.metadata_findings.iter().map(rules::package_issue).collect(),
            );
            let source = document.as_ref().and_then(|d| {
                report.locate(d);
                d.tree.as_ref().map(|t| t.source().clone())
            });
            checked.push(Checked { report, source });
        }
        for packaged in set.documents.iter().filter(|d| d.role == DocumentRole::Clinical) {
            let member_label = format!("{label}!{}", packaged.path);
            let document = match xdm::read_member(&bytes, &packaged.path, &archive_limits) {
                Ok(member) => {
                    let mut document = crate::read_bytes(&member, &limits);
                    if let Some(entry) = &packaged.entry {
                        let findings = xdm::cross_check(entry, &member, &document);
                        document.findings.extend(findings);
                    }
                    document
                }
                Err(finding) => crate::input::failed(0, finding),
            };
            checked.push(check_document(checker, &document, &member_label, file_name(&member_label), svrl));
        }
    }
    checked
}

/// A report for a package or its metadata: only the built-in layer applies (the documents
/// are checked one by one, in reports of their own).
fn package_report(label: &str, kind: InputKind) -> Report {
    let mut report = Report::new(label, kind);
    report.push_layer(LayerRun::ran(Layer::Builtin, 0, 0.0), Vec::new());
    report
}
