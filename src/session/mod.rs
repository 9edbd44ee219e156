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

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

mod package;

use std::io::Read as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::input::{Document, InputKind};
use crate::library::store::{self, FileKey, Hashes, Lookup, Store, StoreError, StoredRow};
use crate::library::{Library, Record, SourceRecord};
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
}

/// How the documents of a session got into its library, counted since it was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Documents read and parsed.
    pub read: usize,
    /// Documents taken from the library cache without opening their file (same size and
    /// modification time).
    pub cache_hits: usize,
    /// Documents whose file was touched (a new modification time, the same bytes): hashed,
    /// then taken from the cache, not parsed.
    pub touched: usize,
}

/// How far indexing has gone, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    /// The name of the document just read.
    pub current: &'a str,
}

/// Where a pending document is on disk, for the cache: the file's canonical path (the
/// zip's), and the member's path for a document in a zip.
type Located = Option<(PathBuf, Option<String>)>;

/// One document indexed by an indexing thread.
struct Indexed {
    id: usize,
    overview: Overview,
    record: Record,
    /// Its folded text, or its unique folded words when it comes from the cache.
    text: String,
    how: How,
}

/// How a document got into the library, and what goes to the cache.
enum How {
    /// Read, with the row the cache is to keep of it.
    Read(Option<(FileKey, StoredRow)>),
    /// Taken from the cache.
    Stored,
    /// Taken from the cache after hashing its file: touched, not changed.
    Touched(FileKey, store::Hash),
}

/// What an indexing thread needs of the cache: its own connection, the zips' hashes (shared
/// by the threads) and where to leave a failure.
struct Cache<'a> {
    reader: store::Reader,
    zip_hashes: &'a Hashes,
    failure: &'a Mutex<Option<StoreError>>,
}

/// Reads the document at an origin and hands back the bytes it was read from (none when
/// they could not be read), so that indexing hashes them and takes a bare PDF's text from
/// them without reading the file again.
fn read_with_bytes(origin: &Origin, limits: &Limits) -> (Document, Option<Arc<[u8]>>) {
    match origin {
        Origin::File(path) => {
            let within = std::fs::metadata(path)
                .is_ok_and(|m| m.is_file() && m.len() <= limits.max_input_bytes as u64);
            match within.then(|| std::fs::read(path)) {
                Some(Ok(bytes)) => (crate::read_bytes(&bytes, limits), Some(Arc::from(bytes))),
                // Too large, not a file, unreadable: read_path says why.
                _ => (crate::read_path(path, limits), None),
            }
        }
        Origin::Uploaded(bytes) => (crate::read_bytes(bytes, limits), Some(bytes.clone())),
        Origin::Packaged(packaged) => {
            let (document, bytes) = package::read_with_bytes(packaged, limits);
            (document, bytes.map(Arc::from))
        }
    }
}

/// Indexes one document: from the cache when its row stands, else read (and, with a cache,
/// what is learnt kept for it).
fn index_one(
    id: usize,
    origin: &Origin,
    entry: &Entry,
    located: &Located,
    cache: Option<&Cache>,
    limits: &Limits,
) -> Indexed {
    let source =
        SourceRecord { path: entry.path.clone(), name: entry.name.clone(), member: entry.member.clone() };
    let key = match (cache, located) {
        (Some(_), Some((path, member))) => FileKey::of(path, member.as_deref()).ok(),
        _ => None,
    };
    if let (Some(cache), Some(key)) = (cache, &key) {
        if let Some(indexed) = from_cache(id, origin, key, &source, cache) {
            return indexed;
        }
    }
    let (document, bytes) = read_with_bytes(origin, limits);
    // The cache recognises a touched file by the hash of its bytes (a package's, for its
    // documents).
    let hash = match (origin, cache, &key) {
        (Origin::Packaged(_), Some(cache), Some(key)) => cache.zip_hashes.of(&key.path),
        (Origin::File(_), Some(_), Some(_)) => bytes.as_deref().map(store::hash),
        _ => None,
    };
    let xds = match origin {
        Origin::Packaged(p) => p.entry.as_deref().map(package::xds_facts),
        _ => None,
    };
    let overview = Overview::of(&document);
    let record = Record::of(id, &document, source, xds.as_ref());
    let mut text = crate::library::document_text(&document);
    // A bare PDF's words (one that fails is still listed, and opens as a PDF).
    if let (InputKind::Pdf, Some(bytes)) = (document.kind, &bytes) {
        if let Ok(words) = crate::library::pdf_document_text(bytes) {
            text.push(' ');
            text.push_str(&words);
        }
    }
    let stored = match (key, hash) {
        (Some(key), Some(hash)) => Some((key, StoredRow::new(hash, &record, &overview, &text))),
        _ => None,
    };
    Indexed { id, overview, record, text, how: How::Read(stored) }
}

/// A document from the cache, when its row stands: same size and time, or same bytes.
fn from_cache(
    id: usize,
    origin: &Origin,
    key: &FileKey,
    source: &SourceRecord,
    cache: &Cache,
) -> Option<Indexed> {
    let (row, touched) = match cache.reader.lookup(key) {
        Ok(Lookup::Fresh(row)) => (row, false),
        Ok(Lookup::Touched(row)) => (row, true),
        Ok(Lookup::Missing) => return None,
        Err(error) => {
            if let Ok(mut failure) = cache.failure.lock() {
                failure.get_or_insert(error);
            }
            return None;
        }
    };
    let sha1 = row.sha1;
    if touched {
        let now = match origin {
            Origin::Packaged(_) => cache.zip_hashes.of(&key.path),
            _ => store::hash_file(Path::new(&key.path)).ok(),
        };
        if now != Some(sha1) {
            return None;
        }
    }
    let (record, overview, text) = row.decode(id, source.clone())?;
    let how = if touched { How::Touched(key.clone(), sha1) } else { How::Stored };
    Some(Indexed { id, overview, record, text, how })
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

    /// Indexes every document not yet indexed, on all cores. `progress` is told after each
    /// document and returns whether to go on: returning `false` cancels, leaving the rest
    /// for the next call. Returns how many documents were indexed.
    ///
    /// With a cache, a file of the same size and modification time as when it was stored is
    /// not opened: its record, overview and words come from the cache. The others are read,
    /// and what is learnt is stored in one transaction at the end of the run.
    pub fn index_pending(&mut self, progress: &(dyn Fn(Progress) -> bool + Sync)) -> usize {
        let pending: Vec<usize> = (0..self.entries.len()).filter(|&id| !self.indexed[id]).collect();
        if pending.is_empty() {
            return 0;
        }
        let located = self.locate(&pending);
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
        let threads = threads.min(pending.len());
        // One connection to the cache per thread (a connection is not shared).
        let mut readers: Vec<Option<store::Reader>> = Vec::with_capacity(threads);
        let mut failed = None;
        if let Some(store) = &self.store {
            for _ in 0..threads {
                match store.reader(&self.limits) {
                    Ok(reader) => readers.push(Some(reader)),
                    Err(error) => {
                        readers.clear();
                        failed = Some(error);
                        break;
                    }
                }
            }
        }
        readers.resize_with(threads, || None);
        let failure = Mutex::new(failed);
        let zip_hashes = Hashes::default();
        let next = AtomicUsize::new(0);
        let cancelled = AtomicBool::new(false);
        let (sender, receiver) = std::sync::mpsc::channel::<(usize, Indexed)>();
        let (origins, entries, limits) = (&self.origins, &self.entries, &self.limits);
        // Documents go into the library in id order (the text index's postings stay sorted)
        // while the threads read on: a document received early waits for those before it.
        let mut waiting: Vec<Option<Indexed>> = (0..pending.len()).map(|_| None).collect();
        let mut overviews: Vec<(usize, Overview)> = Vec::with_capacity(pending.len());
        let mut run = store::Run::default();
        let (library, stats, indexed_flags) = (&mut self.library, &mut self.stats, &mut self.indexed);
        let mut add = |indexed: Indexed| {
            match indexed.how {
                How::Read(stored) => {
                    stats.read += 1;
                    if let Some((key, row)) = stored {
                        run.document(key, row, limits);
                    }
                }
                How::Stored => stats.cache_hits += 1,
                How::Touched(key, hash) => {
                    stats.touched += 1;
                    run.touched(key, hash);
                }
            }
            library.add(indexed.record, &indexed.text);
            indexed_flags[indexed.id] = true;
            overviews.push((indexed.id, indexed.overview));
        };
        std::thread::scope(|scope| {
            for reader in readers {
                let sender = sender.clone();
                let (next, cancelled, pending, located, zip_hashes, failure) =
                    (&next, &cancelled, &pending, &located, &zip_hashes, &failure);
                scope.spawn(move || {
                    let cache = reader.map(|reader| Cache { reader, zip_hashes, failure });
                    loop {
                        if cancelled.load(Ordering::Relaxed) {
                            break;
                        }
                        let at = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&id) = pending.get(at) else { break };
                        let indexed =
                            index_one(id, &origins[id], &entries[id], &located[at], cache.as_ref(), limits);
                        if sender.send((at, indexed)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            let (mut received, mut first_waiting) = (0, 0);
            for (at, indexed) in receiver {
                received += 1;
                let go_on = progress(Progress {
                    done: received,
                    total: pending.len(),
                    current: &entries[indexed.id].name,
                });
                if !go_on {
                    cancelled.store(true, Ordering::Relaxed);
                }
                waiting[at] = Some(indexed);
                while let Some(indexed) = waiting.get_mut(first_waiting).and_then(Option::take) {
                    first_waiting += 1;
                    add(indexed);
                }
            }
        });
        // Only after a cancel: documents read past one that was not.
        waiting.into_iter().flatten().for_each(&mut add);
        let count = overviews.len();
        for (id, overview) in overviews {
            self.entries[id].overview = Some(overview);
        }
        for folder in self.walked.drain(..) {
            run.folder(folder);
        }
        if let Some(error) = failure.into_inner().ok().flatten() {
            self.abandon_store(&error);
        } else if let Some(store) = &mut self.store {
            let by_path = &self.by_path;
            if let Err(error) = store.save(&run, &|path| by_path.contains_key(Path::new(path))) {
                self.abandon_store(&error);
            }
        }
        count
    }

    /// Where each pending document is on disk, for the cache: nothing without one, nor for
    /// uploaded bytes.
    fn locate(&self, pending: &[usize]) -> Vec<Located> {
        if self.store.is_none() {
            return vec![None; pending.len()];
        }
        // The session knows each file by its canonical path; zips are few.
        let mut canonical: Vec<Option<&Path>> = vec![None; self.entries.len()];
        for (path, &id) in &self.by_path {
            if matches!(self.origins[id], Origin::File(_)) {
                canonical[id] = Some(path);
            }
        }
        let mut zips: HashMap<&Path, Option<PathBuf>> = HashMap::new();
        pending
            .iter()
            .map(|&id| match &self.origins[id] {
                Origin::File(_) => Some((canonical[id]?.to_path_buf(), None)),
                Origin::Packaged(package::Packaged { zip: package::Zip::File(zip), member, .. }) => {
                    let zip = zips.entry(zip).or_insert_with(|| std::fs::canonicalize(zip).ok());
                    Some((zip.clone()?, Some(member.clone())))
                }
                Origin::Uploaded(_) | Origin::Packaged(_) => None,
            })
            .collect()
    }

    /// Goes on without the cache after it failed, saying so once.
    fn abandon_store(&mut self, error: &StoreError) {
        if let Some(store) = self.store.take() {
            self.notes.push(store.abandon(error));
        }
    }

    /// The library of this session's documents, for filtering and search.
    pub fn library(&mut self) -> &mut Library {
        &mut self.library
    }

    /// How many documents are in the session but not yet in its library (indexing was
    /// cancelled, or they were just added).
    pub fn unindexed(&self) -> usize {
        self.indexed.iter().filter(|&&done| !done).count()
    }

    /// A file changed or appeared on disk (a watched folder): a known file is read again
    /// and re-indexed, a new one added. Packages are opened again whole.
    pub fn refresh_path(&mut self, path: &Path) -> Added {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let known: Vec<usize> = match self.by_path.get(&key) {
            Some(&id) => vec![id],
            // The documents of a package are keyed by the zip's path and their member.
            None => {
                let prefix = format!("{}!", key.display());
                self.by_path
                    .iter()
                    .filter(|(k, _)| k.to_string_lossy().starts_with(&prefix))
                    .map(|(_, &id)| id)
                    .collect()
            }
        };
        if known.is_empty() {
            return self.add_path(path);
        }
        for &id in &known {
            self.indexed[id] = false;
            self.cache.retain(|(cached, _)| *cached != id);
            if let Ok(meta) = std::fs::metadata(path) {
                if self.entries[id].member.is_none() {
                    self.entries[id].size = meta.len();
                }
            }
        }
        self.index_pending(&|_| true);
        Added { entries: known.iter().map(|&id| self.entries[id].clone()).collect(), notes: Vec::new() }
    }

    /// Adds a file, or every regular file under a folder (recursively, in name order; hidden
    /// files and folders skipped; symbolic links followed only to files inside the folder).
    /// A file already in the session is returned with its existing id, not added twice.
    /// Files are recognised by their content, whatever their extension; the first
    /// thousand added are read at once for their [`Overview`].
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
            .and_then(|a| a.media_type.clone());
        Ok((media_type, bytes))
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

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <title>Compte rendu</title>
  <recordTarget><patientRole><patient><name><given>Ruth</given><family qualifier="BR">NEYMAR</family></name></patient></patientRole></recordTarget>
  <component><structuredBody/></component>
</ClinicalDocument>
"#;

    fn session() -> Session {
        Session::new(Limits::default())
    }

    fn write(dir: &Path, relative: &str, content: &str) -> PathBuf {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    fn names(added: &Added) -> Vec<&str> {
        added.entries.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn a_folder_is_expanded_recursively_in_path_order_skipping_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b.xml", MINIMAL);
        write(dir.path(), "a/z.xml", MINIMAL);
        write(dir.path(), "a/c.pdf", "%PDF-1.4");
        write(dir.path(), ".hidden.xml", MINIMAL);
        write(dir.path(), ".git/config", "x");
        let mut session = session();
        let added = session.add_path(dir.path());
        assert_eq!(names(&added), ["c.pdf", "z.xml", "b.xml"]);
        assert!(added.notes.is_empty(), "{:?}", added.notes);
        let kinds: Vec<_> = added.entries.iter().map(|e| e.overview.as_ref().map(|o| o.kind)).collect();
        assert_eq!(
            kinds,
            [Some(InputKind::Pdf), Some(InputKind::ClinicalDocument), Some(InputKind::ClinicalDocument)]
        );
        assert_eq!(
            session.entries()[2].overview.as_ref().and_then(|o| o.title.as_deref()),
            Some("Compte rendu")
        );
        let ids: Vec<usize> = session.entries().iter().map(|e| e.id).collect();
        assert_eq!(ids, [0, 1, 2]);
    }

    #[test]
    fn a_file_changed_on_disk_is_read_again_and_a_new_one_added() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "doc.xml", MINIMAL);
        let mut session = session();
        session.add_path(dir.path());
        let query = crate::library::Query { search: Some("bilan".into()), ..Default::default() };
        assert_eq!(session.library().query(&query).total, 0);

        std::fs::write(&file, MINIMAL.replace("Compte rendu", "Bilan annuel")).unwrap();
        let refreshed = session.refresh_path(&file);
        assert_eq!(refreshed.entries[0].id, 0);
        assert_eq!(
            refreshed.entries[0].overview.as_ref().and_then(|o| o.title.as_deref()),
            Some("Bilan annuel")
        );
        assert_eq!(session.library().query(&query).total, 1);
        let old = crate::library::Query { search: Some("compte".into()), ..Default::default() };
        assert_eq!(session.library().query(&old).total, 0, "the old title no longer finds it");

        let other = write(dir.path(), "new.xml", MINIMAL);
        let added = session.refresh_path(&other);
        assert_eq!(added.entries[0].id, 1);
        assert_eq!(session.unindexed(), 0);
    }

    #[test]
    fn a_file_added_twice_keeps_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "doc.xml", MINIMAL);
        let mut session = session();
        let first = session.add_path(&file);
        let again = session.add_path(dir.path());
        assert_eq!(first.entries[0].id, again.entries[0].id);
        assert_eq!(session.entries().len(), 1);
    }

    #[test]
    fn a_missing_path_is_a_note_not_an_entry() {
        let mut session = session();
        let added = session.add_path(Path::new("/nonexistent/vigie/doc.xml"));
        assert!(added.entries.is_empty());
        assert!(added.notes[0].contains("cannot be opened"), "{:?}", added.notes);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_followed_only_to_files_inside_the_folder() {
        let outside = tempfile::tempdir().unwrap();
        let secret = write(outside.path(), "secret.xml", MINIMAL);
        let dir = tempfile::tempdir().unwrap();
        let inside = write(dir.path(), "real.xml", MINIMAL);
        std::os::unix::fs::symlink(&secret, dir.path().join("leak.xml")).unwrap();
        std::os::unix::fs::symlink(&inside, dir.path().join("alias.xml")).unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let mut session = session();
        let added = session.add_path(dir.path());
        // alias.xml resolves to real.xml, already in the session under one id.
        assert_eq!(session.entries().len(), 1);
        assert!(added.entries.iter().all(|e| e.name != "leak.xml"));
        assert!(added.notes.iter().any(|n| n.contains("2 symbolic link(s)")), "{:?}", added.notes);
    }

    #[test]
    fn the_session_is_capped_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.xml", MINIMAL);
        write(dir.path(), "b.xml", MINIMAL);
        let mut session = session();
        for i in 0..MAX_ENTRIES - 1 {
            session.push(format!("{i}"), None, 0, Origin::Uploaded(Arc::from(Vec::new())));
        }
        let added = session.add_path(dir.path());
        assert_eq!(names(&added), ["a.xml"]);
        assert!(added.notes[0].contains("10000 documents"), "{:?}", added.notes);
        assert!(session.add_bytes("c.xml", MINIMAL.into()).is_err());
    }

    #[test]
    fn uploaded_bytes_are_read_at_once_and_their_name_cleaned() {
        let mut session = session();
        let entry = session.add_bytes("../../etc/\u{7}doc.xml", MINIMAL.into()).unwrap().entries.remove(0);
        assert_eq!(entry.name, "doc.xml");
        assert_eq!(entry.path, None);
        let overview = entry.overview.expect("read on upload");
        assert_eq!(overview.kind, InputKind::ClinicalDocument);
        assert_eq!(clean_name("C:\\Users\\x\\cr.xml"), "cr.xml");
        assert_eq!(clean_name(".."), "document");
    }

    #[test]
    fn uploads_beyond_the_reading_limit_are_refused() {
        let mut session = Session::new(Limits { max_input_bytes: 10, ..Limits::default() });
        let error = session.add_bytes("big.xml", vec![b' '; 11]).unwrap_err();
        assert!(error.contains("reading limit"), "{error}");
        assert!(session.entries().is_empty());
    }

    #[test]
    fn report_and_source_are_served_by_id() {
        let mut session = session();
        let entry = session.add_bytes("doc.xml", MINIMAL.into()).unwrap().entries.remove(0);
        let report = session.report_json(entry.id).unwrap();
        assert_eq!(report["file"], "doc.xml");
        assert_eq!(report["kind"], "clinical-document");
        assert_eq!(&*session.source(entry.id).unwrap(), MINIMAL);
        assert!(session.report_json(99).unwrap_err().contains("no document #99"));
    }

    #[test]
    fn a_pdf_has_no_source_and_no_attachment() {
        let mut session = session();
        let entry = session.add_bytes("scan.pdf", b"%PDF-1.4 binary".to_vec()).unwrap().entries.remove(0);
        assert!(session.source(entry.id).unwrap_err().contains("pdf"));
        assert!(session.attachment(entry.id, 0).is_err());
    }

    #[test]
    fn the_cache_keeps_the_most_recently_used_documents() {
        let mut session = session();
        for i in 0..CACHE_SIZE + 2 {
            let entry = session.add_bytes(&format!("{i}.xml"), MINIMAL.into()).unwrap().entries.remove(0);
            session.document(entry.id).unwrap();
        }
        let first = session.document(0).unwrap();
        assert!(Arc::ptr_eq(&first, &session.document(0).unwrap()));
        assert_eq!(session.cache.len(), CACHE_SIZE);
        assert_eq!(session.cache.back().map(|(id, _)| *id), Some(0));
    }

    #[test]
    fn entries_serialize_without_absent_fields() {
        let entry = Entry { id: 3, name: "a.xml".into(), path: None, member: None, size: 12, overview: None };
        assert_eq!(
            serde_json::to_value(&entry).unwrap(),
            serde_json::json!({ "id": 3, "name": "a.xml", "size": 12 })
        );
    }
}
