//! Indexing: reading the documents of a session on all cores (or taking them from the
//! library cache when a file is unchanged) and handing their records to the library, with
//! progress and cancellation; and reading a changed file again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Serialize;

use super::{package, read_with_bytes, Added, Entry, Origin, Overview, Session};
use crate::input::InputKind;
use crate::library::store::{self, FileKey, Hashes, Lookup, StoreError, StoredRow};
use crate::library::{Record, SourceRecord};
use crate::xml::Limits;

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

impl Session {
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
}
