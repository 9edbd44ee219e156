//! A session: the documents a person has opened in one run of `vigie serve` or of the desktop
//! app, each known by a small integer id.
//!
//! Both presenters keep one [`Session`] (behind a lock: every method that reads a document
//! takes `&mut self` for the cache) and hand the browser or the webview nothing but ids, so a
//! client can never name a path on the machine: files enter a session only through
//! [`Session::add_path`] (the command line, the desktop file dialog or a drop on the window)
//! or as bytes through [`Session::add_bytes`] (a browser's file input or drop).
//!
//! Files stay on disk and are read again when needed; the last few read documents are kept
//! parsed in a small LRU cache. Uploaded bytes are kept in memory, within a total budget.
//!
//! A session made [`Session::with_store`] keeps what indexing learnt of each file in the
//! library cache ([`crate::library::store`]): reopening a folder then reads only the files
//! that changed. Uploaded bytes are never stored.

mod check;
mod indexing;
mod package;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

pub use check::PendingCheck;
pub use indexing::{IndexStats, Progress};

use crate::input::{Document, InputKind};
use crate::library::store::Store;
use crate::library::Library;
use crate::summary::Report;
use crate::xml::Limits;

/// The most documents one session holds; a folder holding more is cut there, and said so.
pub const MAX_ENTRIES: usize = 10_000;
/// The largest attachment handed out, decoded.
pub const MAX_ATTACHMENT_BYTES: usize = 256 * 1024 * 1024;
/// How many parsed documents are kept in memory.
const CACHE_SIZE: usize = 4;
/// The most bytes of uploaded files kept in memory, all uploads together.
const MAX_UPLOADED_BYTES: usize = 1024 * 1024 * 1024;
/// The deepest folder nesting walked by [`Session::add_path`].
const MAX_FOLDER_DEPTH: usize = 64;

/// One document of the session, as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The handle clients use; stable for the whole session.
    pub id: usize,
    /// The file name, without its folder.
    pub name: String,
    /// The full path, for a file read from disk (absent for uploaded bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// For a document read from an XDM package: its path inside the zip (`path` is then
    /// the zip's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// What the document is, once it has been read (absent until then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overview: Option<Overview>,
}

/// The few facts the document list shows beside a file name, taken from its header.
/// (Deserialised from the library cache.)
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Overview {
    pub kind: InputKind,
    /// The document type's label (J07 / LOINC), or its code when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The document date as shown to a person (`effectiveTime`, e.g. "01/04/2021 10:30").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The same date in ISO 8601, at the precision it was written, for sorting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_iso: Option<String>,
    /// The first patient's name, readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    /// Number of error findings.
    pub errors: usize,
}

impl Overview {
    fn of(document: &Document) -> Self {
        let header = document.cda.as_ref().map(|cda| &cda.header);
        let nonempty = |s: String| (!s.trim().is_empty()).then_some(s);
        Self {
            kind: document.kind,
            type_label: header.and_then(|h| h.code.as_ref()).and_then(|c| nonempty(c.text())),
            title: header.and_then(|h| h.title.as_ref()).and_then(|t| nonempty(t.text.clone())),
            date: header.and_then(|h| h.effective_time.as_ref()).map(|t| t.display()),
            date_iso: header.and_then(|h| h.effective_time.as_ref()).map(|t| t.to_iso()),
            patient: header
                .and_then(|h| h.patients.first())
                .and_then(|p| p.names.first())
                .and_then(|n| nonempty(n.display())),
            errors: document.findings.iter().filter(|f| f.severity == crate::diag::Severity::Error).count(),
        }
    }
}

/// What adding paths did: the entries added (or already there) and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Added {
    pub entries: Vec<Entry>,
    /// Why some files were not added, one sentence each (a missing path, a symbolic link
    /// leading out of the folder, the session's cap reached).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Added {
    fn merge(&mut self, other: Added) {
        self.entries.extend(other.entries);
        self.notes.extend(other.notes);
    }
}

/// Where an entry's bytes are.
#[derive(Debug, Clone)]
enum Origin {
    File(PathBuf),
    Uploaded(Arc<[u8]>),
    Packaged(package::Packaged),
}

/// The documents opened in one run. Not internally synchronised: wrap it in a `Mutex`.
#[derive(Debug)]
pub struct Session {
    limits: Limits,
    entries: Vec<Entry>,
    origins: Vec<Origin>,
    by_path: HashMap<PathBuf, usize>,
    uploaded_bytes: usize,
    /// Most recently used last.
    cache: VecDeque<(usize, Arc<Document>)>,
    library: Library,
    /// Whether entry `i` is in the library yet.
    indexed: Vec<bool>,
    /// The library cache, when the session keeps one.
    store: Option<Store>,
    /// Folders walked since the last indexing run (canonical): the cache forgets their
    /// vanished files.
    walked: Vec<PathBuf>,
    /// Notes for the next [`Added`] (the cache unavailable, set aside...), each given once.
    notes: Vec<String>,
    stats: IndexStats,
    /// Checks the documents (`check.rs`), built on first use.
    checker: check::SessionChecker,
}

/// Reads the document at an origin and hands back the bytes it was read from (none when
/// they could not be read), so that indexing hashes them and takes a bare PDF's text from
/// them without reading the file again.
fn read_with_bytes(origin: &Origin, limits: &Limits) -> (Document, Option<Arc<[u8]>>) {
    match origin {
        Origin::File(path) => match crate::input::read_file(path, limits.max_input_bytes) {
            Ok(bytes) => (crate::read_shared(bytes.clone(), limits), Some(bytes)),
            // Too large, a folder, unreadable: its finding says why.
            Err(error) => (crate::input::unreadable(error, limits), None),
        },
        Origin::Uploaded(bytes) => (crate::read_shared(bytes.clone(), limits), Some(bytes.clone())),
        Origin::Packaged(packaged) => {
            let (document, bytes) = package::read_with_bytes(packaged, limits);
            (document, bytes.map(Arc::from))
        }
    }
}

/// Reads the document at an origin.
fn read_origin(origin: &Origin, limits: &Limits) -> Document {
    read_with_bytes(origin, limits).0
}

/// Whether the file at `path` is a zip (by its first bytes, whatever its name).
fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && is_zip_bytes(&head)
}

fn is_zip_bytes(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

impl Session {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            entries: Vec::new(),
            origins: Vec::new(),
            by_path: HashMap::new(),
            uploaded_bytes: 0,
            cache: VecDeque::with_capacity(CACHE_SIZE + 1),
            library: Library::default(),
            indexed: Vec::new(),
            store: None,
            walked: Vec::new(),
            notes: Vec::new(),
            stats: IndexStats::default(),
            checker: check::SessionChecker::default(),
        }
    }

    /// A session that keeps its library in a cache ([`Store::open_default`] for the command
    /// line and `vigie serve`, [`Store::open_in`] the app's data folder). When the cache could
    /// not be opened (`Err`: a note saying why), the session works without it, as
    /// [`Session::new`]; either way the next [`Added`] carries what a person should hear of
    /// the cache, once.
    pub fn with_store(limits: Limits, store: Result<Store, String>) -> Self {
        let mut session = Session::new(limits);
        match store {
            Ok(mut store) => {
                session.notes.extend(store.take_notes());
                session.store = Some(store);
            }
            Err(note) => session.notes.push(note),
        }
        session
    }

    /// How many documents were read, and how many taken from the cache, since the session
    /// was made.
    pub fn index_stats(&self) -> IndexStats {
        self.stats
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Every document of the session, in the order they were added.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, id: usize) -> Option<&Entry> {
        self.entries.get(id)
    }

    /// Adds several files or folders (see [`Session::add_path`]).
    pub fn add_paths<P: AsRef<Path>>(&mut self, paths: &[P]) -> Added {
        self.add_paths_with(paths, &|_| true)
    }

    /// Adds several files or folders, then indexes them telling `progress` after each
    /// document (see [`Session::index_pending`]).
    pub fn add_paths_with<P: AsRef<Path>>(
        &mut self,
        paths: &[P],
        progress: &(dyn Fn(Progress) -> bool + Sync),
    ) -> Added {
        let mut added = Added::default();
        for path in paths {
            added.merge(self.collect_path(path.as_ref()));
        }
        self.index_pending(progress);
        for entry in &mut added.entries {
            entry.overview = self.entries[entry.id].overview.clone();
        }
        added.notes.append(&mut self.notes);
        added
    }

    /// The library of this session's documents, for filtering and search.
    pub fn library(&mut self) -> &mut Library {
        &mut self.library
    }

    /// Adds a file, or every regular file under a folder (recursively, in name order; hidden
    /// files and folders skipped; symbolic links followed only to files inside the folder).
    /// A file already in the session is returned with its existing id, not added twice.
    /// Files are recognised by their content, whatever their extension; every file added
    /// is read and indexed at once, on all cores (see [`Session::index_pending`]).
    pub fn add_path(&mut self, path: &Path) -> Added {
        self.add_paths(&[path])
    }

    /// Adds a file or a folder's files without reading them.
    fn collect_path(&mut self, path: &Path) -> Added {
        let mut added = Added::default();
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(error) => {
                added.notes.push(format!("{}: cannot be opened ({error})", path.display()));
                return added;
            }
        };
        if meta.is_file() {
            self.add_file(path, meta.len(), &mut added);
        } else if meta.is_dir() {
            self.add_folder(path, &mut added);
        } else {
            added.notes.push(format!("{}: not a regular file nor a folder", path.display()));
        }
        added
    }

    /// Adds a file; a zip is opened as an XDM package, each of its clinical documents
    /// becoming an entry.
    fn add_file(&mut self, path: &Path, size: u64, added: &mut Added) {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if is_zip(path) {
            return self.add_package(package::Zip::File(path.to_path_buf()), &key, added);
        }
        if let Some(&id) = self.by_path.get(&key) {
            return added.entries.push(self.entries[id].clone());
        }
        if self.entries.len() >= MAX_ENTRIES {
            return added.notes.push(cap_note(&path.display().to_string()));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let entry = self.push(name, Some(path.display().to_string()), size, Origin::File(path.to_path_buf()));
        self.by_path.insert(key, entry.id);
        added.entries.push(entry);
    }

    /// Adds the clinical documents of an XDM package (`key`: the zip's path, or its name
    /// for uploaded bytes).
    fn add_package(&mut self, zip: package::Zip, key: &Path, added: &mut Added) {
        let shown = key.display().to_string();
        let (found, notes) = package::open(zip, &shown, &self.limits);
        added.notes.extend(notes);
        for document in found {
            let member_key = PathBuf::from(package::shown_path(key, &document.packaged.member));
            if let Some(&id) = self.by_path.get(&member_key) {
                added.entries.push(self.entries[id].clone());
                continue;
            }
            if self.entries.len() >= MAX_ENTRIES {
                added.notes.push(cap_note(&shown));
                return;
            }
            let path = match &document.packaged.zip {
                package::Zip::File(path) => Some(path.display().to_string()),
                package::Zip::Uploaded(_) => None,
            };
            let member = document.packaged.member.clone();
            let mut entry =
                self.push(document.name, path, document.size, Origin::Packaged(document.packaged));
            self.entries[entry.id].member = Some(member.clone());
            entry.member = Some(member);
            self.by_path.insert(member_key, entry.id);
            added.entries.push(entry);
        }
    }

    /// Walks a folder depth-first without recursion, children in name order, so that the
    /// entries come out sorted by path.
    fn add_folder(&mut self, folder: &Path, added: &mut Added) {
        let root = match std::fs::canonicalize(folder) {
            Ok(root) => root,
            Err(error) => {
                added.notes.push(format!("{}: cannot be opened ({error})", folder.display()));
                return;
            }
        };
        if self.store.is_some() {
            self.walked.push(root.clone());
        }
        let mut links_outside = 0usize;
        // A stack of sorted child lists, consumed from the front (reversed: popped from the end).
        let mut stack: Vec<Vec<PathBuf>> = vec![sorted_children(folder, added)];
        while let Some(children) = stack.last_mut() {
            let Some(path) = children.pop() else {
                stack.pop();
                continue;
            };
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            let (is_file, size) = if meta.file_type().is_symlink() {
                // Followed only to a regular file inside the opened folder; never to a folder
                // (no cycles) nor out of it.
                match std::fs::canonicalize(&path).and_then(|t| Ok((std::fs::metadata(&t)?, t))) {
                    Ok((target, resolved)) if target.is_file() && resolved.starts_with(&root) => {
                        (true, target.len())
                    }
                    _ => {
                        links_outside += 1;
                        continue;
                    }
                }
            } else {
                (meta.is_file(), meta.len())
            };
            if is_file {
                if self.entries.len() >= MAX_ENTRIES && !self.by_path.contains_key(&path) {
                    added.notes.push(cap_note(&folder.display().to_string()));
                    break;
                }
                self.add_file(&path, size, added);
            } else if meta.is_dir() {
                if stack.len() > MAX_FOLDER_DEPTH {
                    added.notes.push(format!(
                        "{}: more than {MAX_FOLDER_DEPTH} nested folders: the deeper ones were not opened",
                        path.display()
                    ));
                    continue;
                }
                let children = sorted_children(&path, added);
                stack.push(children);
            }
        }
        if links_outside > 0 {
            added.notes.push(format!(
                "{}: {links_outside} symbolic link(s) leading to a folder or out of the folder were not followed",
                folder.display()
            ));
        }
    }

    /// Adds a file received as bytes (a browser's file input or drop): one entry, or one per
    /// clinical document for an XDM package. `name` is reduced to its last path component
    /// and cleaned of control characters; it is shown, never used as a path.
    pub fn add_bytes(&mut self, name: &str, bytes: Vec<u8>) -> Result<Added, String> {
        let name = clean_name(name);
        if bytes.len() > self.limits.max_input_bytes {
            return Err(format!(
                "{name} is {} bytes, more than the {}-byte reading limit",
                bytes.len(),
                self.limits.max_input_bytes
            ));
        }
        if self.entries.len() >= MAX_ENTRIES {
            return Err(cap_note(&name));
        }
        if self.uploaded_bytes + bytes.len() > MAX_UPLOADED_BYTES {
            return Err(format!(
                "{name} was not added: the files sent to this session already take {} MiB of memory \
                 (the most is {} MiB); open the files from disk instead (`vigie serve FOLDER`)",
                self.uploaded_bytes / (1024 * 1024),
                MAX_UPLOADED_BYTES / (1024 * 1024)
            ));
        }
        self.uploaded_bytes += bytes.len();
        let mut added = Added::default();
        if is_zip_bytes(&bytes) {
            let key = PathBuf::from(format!("upload {}: {name}", self.entries.len()));
            self.add_package(package::Zip::Uploaded(Arc::from(bytes)), &key, &mut added);
        } else {
            let size = bytes.len() as u64;
            added.entries.push(self.push(name, None, size, Origin::Uploaded(Arc::from(bytes))));
        }
        // The bytes are at hand: index them now so that the list shows what the file is.
        self.index_pending(&|_| true);
        for entry in &mut added.entries {
            *entry = self.entries[entry.id].clone();
        }
        Ok(added)
    }

    fn push(&mut self, name: String, path: Option<String>, size: u64, origin: Origin) -> Entry {
        let entry = Entry { id: self.entries.len(), name, path, member: None, size, overview: None };
        self.entries.push(entry.clone());
        self.origins.push(origin);
        self.indexed.push(false);
        entry
    }

    /// The document of an entry, read (or taken from the cache). Also fills the entry's
    /// overview.
    pub fn document(&mut self, id: usize) -> Result<Arc<Document>, String> {
        if let Some(at) = self.cache.iter().position(|(cached, _)| *cached == id) {
            let hit = self.cache.remove(at).expect("position was just found");
            let document = hit.1.clone();
            self.cache.push_back(hit);
            return Ok(document);
        }
        let origin = self.origins.get(id).ok_or_else(|| unknown(id))?;
        let document = Arc::new(read_origin(origin, &self.limits));
        if let Some(entry) = self.entries.get_mut(id) {
            entry.overview = Some(Overview::of(&document));
            entry.size = document.size as u64;
        }
        self.cache.push_back((id, document.clone()));
        while self.cache.len() > CACHE_SIZE {
            self.cache.pop_front();
        }
        Ok(document)
    }

    /// The JSON report of a document ([`Report`]), as `vigie inspect --json` prints it.
    pub fn report_json(&mut self, id: usize) -> Result<serde_json::Value, String> {
        let document = self.document(id)?;
        let entry = &self.entries[id];
        let file = entry.path.as_deref().unwrap_or(&entry.name);
        serde_json::to_value(Report::new(&document, file))
            .map_err(|error| format!("the report of {} could not be written: {error}", entry.name))
    }

    /// The lab results of a document ([`crate::results::LabReport`]), as
    /// `vigie results --json` prints them in its `report`: chapters, batteries, results.
    /// A document without results gives an empty report.
    pub fn results(&mut self, id: usize) -> Result<serde_json::Value, String> {
        let document = self.document(id)?;
        serde_json::to_value(crate::results::extract(&document)).map_err(|error| {
            format!("the results of {} could not be written: {error}", self.entries[id].name)
        })
    }

    /// The clinical summary of a document ([`crate::clinical::ClinicalSummary`]), as
    /// `vigie clinical --json` prints it in its `summary`: categories, sections, items. A
    /// document without such sections gives an empty summary.
    pub fn clinical(&mut self, id: usize) -> Result<serde_json::Value, String> {
        let document = self.document(id)?;
        serde_json::to_value(crate::clinical::extract(&document)).map_err(|error| {
            format!("the clinical summary of {} could not be written: {error}", self.entries[id].name)
        })
    }

    /// Document `id` rendered for the app ([`crate::render::RenderOptions::embedded`]): the
    /// hardened page without its header card and attachments list (the app shows its own),
    /// each section with its span, its own words in `lang`, and the security report of what
    /// was neutralised.
    pub fn render(
        &mut self,
        id: usize,
        lang: crate::summary::Lang,
    ) -> Result<crate::render::Rendered, String> {
        let document = self.document(id)?;
        let options = crate::render::RenderOptions { lang, ..crate::render::RenderOptions::embedded() };
        Ok(crate::render::render(&document, &options))
    }

    /// Every lab result of document `id`'s patient across the session, by test and date
    /// (see [`crate::results::cumulative`]); empty when the document names no patient.
    pub fn cumulative(&mut self, id: usize) -> Result<crate::results::cumulative::Cumulative, String> {
        let Some(record) = self.library.record(id) else {
            return Err(format!("no document {id} in this session"));
        };
        let Some(key) = record.patient.as_ref().map(|p| p.key.clone()) else {
            return Ok(Default::default());
        };
        Ok(self.library.cumulative(&key))
    }

    /// The decoded XML source of a document, the text every span and line:column points into.
    pub fn source(&mut self, id: usize) -> Result<Arc<str>, String> {
        let document = self.document(id)?;
        match &document.tree {
            Some(tree) => Ok(tree.source().clone()),
            None => Err(format!(
                "{} has no XML source to show (it was read as: {})",
                self.entries[id].name,
                kind_name(document.kind)
            )),
        }
    }

    /// The decoded bytes of a document's attachment `index` and its declared media type.
    pub fn attachment(&mut self, id: usize, index: usize) -> Result<(Option<String>, Vec<u8>), String> {
        let document = self.document(id)?;
        let bytes =
            document.attachment_bytes(index, MAX_ATTACHMENT_BYTES).map_err(|finding| finding.message)?;
        let media_type = document
            .cda
            .as_ref()
            .and_then(|cda| cda.attachments.get(index))
            .and_then(|a| a.media_type.as_deref().map(String::from));
        Ok((media_type, bytes))
    }

    /// The bytes of a bare PDF file (an entry read as [`InputKind::Pdf`]), for the app's PDF
    /// viewer. Read again from where the entry came from, within the reading limit, and
    /// recognised again: a file that is no longer a PDF is refused, as is any other kind of
    /// document (their content is served by [`Session::source`] and [`Session::attachment`]).
    pub fn pdf_file(&mut self, id: usize) -> Result<Vec<u8>, String> {
        let name = &self.entries.get(id).ok_or_else(|| unknown(id))?.name;
        let origin = self.origins.get(id).ok_or_else(|| unknown(id))?;
        let (document, bytes) = read_with_bytes(origin, &self.limits);
        match (document.kind, bytes) {
            (InputKind::Pdf, Some(bytes)) => Ok(bytes.to_vec()),
            (InputKind::Pdf, None) => Err(format!("{name} could not be read again")),
            (kind, _) => Err(format!("{name} is not a PDF file (it was read as: {})", kind_name(kind))),
        }
    }
}

fn unknown(id: usize) -> String {
    format!("there is no document #{id} in this session")
}

fn cap_note(what: &str) -> String {
    format!(
        "{what}: the session already holds {MAX_ENTRIES} documents, the most it can: the rest were not added"
    )
}

fn kind_name(kind: InputKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// The non-hidden children of a folder, sorted by name and reversed (popped from the end).
fn sorted_children(folder: &Path, added: &mut Added) -> Vec<PathBuf> {
    let reader = match std::fs::read_dir(folder) {
        Ok(reader) => reader,
        Err(error) => {
            added.notes.push(format!("{}: cannot be listed ({error})", folder.display()));
            return Vec::new();
        }
    };
    let mut children: Vec<PathBuf> = reader
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    children.sort_unstable_by(|a, b| b.cmp(a));
    children
}

/// The last path component of a client-given name, without control characters, at most 255
/// characters; "document" when nothing is left.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(255).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "document".to_string()
    } else {
        cleaned.to_string()
    }
}
