//! The library cache: what indexing learnt of each file — its [`Record`], the [`Overview`]
//! the document list shows, and its unique folded words for full-text search — kept in an
//! SQLite database in the user's data folder, so that reopening a folder reads again only the
//! files that changed.
//!
//! A row is keyed by the file's canonical path and, for a document inside an XDM package,
//! the member's path in the zip; it stands while the file keeps its size and modification
//! time. A file touched but not changed (same size, new time) is recognised by the SHA-1 of
//! its bytes and its row kept. The session decides what to read ([`crate::session::Session`]
//! with a store); the store only keeps and finds rows, one transaction per indexing run.
//!
//! The cache is a convenience, never a requirement: when the folder cannot be created or the
//! database opened, the session works without it and says so once. A damaged database is set
//! aside (renamed `*.damaged` in the same folder) and rebuilt. Nothing is written outside the
//! folder given (SQLite's temporary storage is kept in memory). The database holds health
//! data: the folder is created readable by its owner only, and so is the file.
//!
//! The schema (one table, plus a `meta` table holding the Vigie version that wrote it):
//!
//! ```sql
//! documents(path, member, size, modified_ns, sha1, limits,
//!           record, date_first, date_last, service_first, service_last, sort_time,
//!           overview, words, lab, PRIMARY KEY (path, member))
//! ```
//!
//! `record` and `overview` are JSON (the shapes the API serves); the record's day spans and
//! sort time, which its JSON leaves out, have their own columns, and so do its lab results'
//! facts (`lab`, JSON, empty when none: the cumulative view's input). A new [`SCHEMA_VERSION`] or
//! a new Vigie version empties the table: records are what this version reads.

mod open;

use std::collections::HashMap;
use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};
use sha1::{Digest, Sha1};

use crate::library::search::words;
use crate::library::{Record, SourceRecord};
use crate::session::Overview;
use crate::xml::Limits;
pub(crate) use open::create_private_folder;
use open::{connect, set_aside, unavailable};

pub use open::default_folder;

/// The version of the table's layout and of the JSON shapes stored in it; bumping it
/// rebuilds every user's cache.
pub const SCHEMA_VERSION: i32 = 2;

/// The database's file name in its folder.
pub const FILE_NAME: &str = "library-v1.sqlite";

/// How long a write waits for another Vigie process writing to the same cache.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The SHA-1 of a file's bytes.
pub type Hash = [u8; 20];

/// The library cache, open. See the [module documentation](self).
pub struct Store {
    connection: Connection,
    path: PathBuf,
    /// What opening it did that a person should hear of (a damaged cache set aside).
    notes: Vec<String>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// A failure of the cache while a session used it; the session goes on without it.
#[derive(Debug)]
pub struct StoreError {
    message: String,
    /// Whether SQLite found the database damaged: it is then set aside.
    damaged: bool,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self { damaged: is_damage(&error), message: error.to_string() }
    }
}

fn is_damage(error: &rusqlite::Error) -> bool {
    matches!(error.sqlite_error_code(), Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase))
}

impl Store {
    /// Opens the cache in [`default_folder`]. The error is a note for a person.
    pub fn open_default() -> Result<Store, String> {
        match default_folder() {
            Some(folder) => Store::open_in(&folder),
            None => Err(unavailable("no data folder is known (neither XDG_DATA_HOME nor HOME is set)")),
        }
    }

    /// Opens the cache in `folder` (the desktop app's data folder, a test's temporary one),
    /// creating both when missing. A damaged database is set aside and a new one created;
    /// [`Store::take_notes`] then says so. The error is a note for a person: the caller goes
    /// on without a cache.
    pub fn open_in(folder: &Path) -> Result<Store, String> {
        create_private_folder(folder)
            .map_err(|error| unavailable(&format!("{} cannot be created ({error})", folder.display())))?;
        let path = folder.join(FILE_NAME);
        let mut notes = Vec::new();
        let connection = match connect(&path) {
            Ok(connection) => connection,
            Err(error) if is_damage(&error) => {
                let aside = set_aside(&path).map_err(|e| {
                    unavailable(&format!("{} is damaged and cannot be set aside ({e})", path.display()))
                })?;
                notes.push(format!(
                    "the library cache {} was damaged ({error}): it was set aside as {} and is rebuilt",
                    path.display(),
                    aside.display()
                ));
                connect(&path).map_err(|error| unavailable(&format!("{}: {error}", path.display())))?
            }
            Err(error) => return Err(unavailable(&format!("{}: {error}", path.display()))),
        };
        Ok(Store { connection, path, notes })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What opening the cache did that a person should hear of, once.
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// A connection of its own for one indexing thread, to look rows up while the other
    /// threads do; rows are taken as read under `limits`.
    pub fn reader(&self, limits: &Limits) -> Result<Reader, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(&self.path, flags)?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        connection.execute_batch("PRAGMA temp_store = MEMORY")?;
        Ok(Reader { connection, limits: limits_fingerprint(limits) })
    }

    /// Writes what an indexing run learnt, in one transaction: the documents read, the
    /// files touched but unchanged, and — for each folder walked — the rows of files no
    /// longer there removed. `known` tells the paths the session holds (they exist: they
    /// are not looked for on disk).
    pub fn save(&mut self, run: &Run, known: &dyn Fn(&str) -> bool) -> Result<(), StoreError> {
        if run.documents.is_empty() && run.touched.is_empty() && run.folders.is_empty() {
            return Ok(());
        }
        let transaction = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut stale = transaction.prepare_cached(
                "DELETE FROM documents WHERE path = ?1 AND (size <> ?2 OR modified_ns <> ?3)",
            )?;
            let mut insert = transaction.prepare_cached(
                "INSERT OR REPLACE INTO documents (path, member, size, modified_ns, sha1, limits, record, \
                 date_first, date_last, service_first, service_last, sort_time, overview, words, lab) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?;
            for document in &run.documents {
                let key = &document.key;
                // Members of an older version of the same zip, or the file before it changed.
                stale.execute(params![key.path, key.size as i64, key.modified_ns])?;
                let row = &document.row;
                insert.execute(params![
                    key.path,
                    key.member,
                    key.size as i64,
                    key.modified_ns,
                    &row.sha1[..],
                    document.limits,
                    row.record,
                    row.date_days.map(|d| d.0),
                    row.date_days.map(|d| d.1),
                    row.service_days.map(|d| d.0),
                    row.service_days.map(|d| d.1),
                    row.sort_time,
                    row.overview,
                    row.words,
                    row.lab,
                ])?;
            }
            let mut touch = transaction.prepare_cached(
                "UPDATE documents SET modified_ns = ?3 WHERE path = ?1 AND size = ?2 AND sha1 = ?4",
            )?;
            for (key, sha1) in &run.touched {
                touch.execute(params![key.path, key.size as i64, key.modified_ns, &sha1[..]])?;
            }
            let mut under = transaction
                .prepare_cached("SELECT DISTINCT path FROM documents WHERE path > ?1 AND path < ?2")?;
            let mut remove = transaction.prepare_cached("DELETE FROM documents WHERE path = ?1")?;
            for folder in &run.folders {
                let (first, last) = subtree_range(folder);
                let paths: Vec<String> =
                    under.query_map(params![first, last], |row| row.get(0))?.collect::<Result<_, _>>()?;
                for path in paths {
                    if !known(&path) && !Path::new(&path).exists() {
                        remove.execute(params![path])?;
                    }
                }
            }
        }
        transaction.commit()?;
        Ok(())
    }

    /// Closes the cache after `error`; a damaged database is set aside, to be rebuilt next
    /// time. Returns the note to give a person.
    pub fn abandon(self, error: &StoreError) -> String {
        let Store { connection, path, .. } = self;
        drop(connection);
        if error.damaged {
            match set_aside(&path) {
                Ok(aside) => {
                    return format!(
                        "the library cache {} is damaged ({error}): it was set aside as {} and will be \
                         rebuilt; this session goes on without it",
                        path.display(),
                        aside.display()
                    )
                }
                Err(e) => {
                    return format!(
                        "the library cache {} is damaged ({error}) and could not be set aside ({e}); \
                         this session goes on without it",
                        path.display()
                    )
                }
            }
        }
        format!(
            "the library cache {} failed ({error}); this session goes on without it, documents are read in full",
            path.display()
        )
    }
}

/// A read-only connection to the cache, for one indexing thread ([`Store::reader`]).
pub struct Reader {
    connection: Connection,
    /// The fingerprint of the limits documents are read under.
    limits: i64,
}

impl Reader {
    /// What the cache holds of a file, not decoded yet (the thread decodes it).
    pub fn lookup(&self, key: &FileKey) -> Result<Lookup, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT size, modified_ns, sha1, limits, record, date_first, date_last, service_first, \
             service_last, sort_time, overview, words, lab FROM documents WHERE path = ?1 AND member = ?2",
        )?;
        let row = statement
            .query_row(params![key.path, key.member], |row| {
                let stands = row.get::<_, i64>(0)? == key.size as i64 && row.get::<_, i64>(3)? == self.limits;
                let sha1: Vec<u8> = row.get(2)?;
                let (true, Ok(sha1)) = (stands, Hash::try_from(sha1.as_slice())) else {
                    return Ok(None);
                };
                let touched = row.get::<_, i64>(1)? != key.modified_ns;
                let stored = StoredRow {
                    sha1,
                    record: row.get(4)?,
                    date_days: span(row.get(5)?, row.get(6)?),
                    service_days: span(row.get(7)?, row.get(8)?),
                    sort_time: row.get(9)?,
                    overview: row.get(10)?,
                    words: row.get(11)?,
                    lab: row.get(12)?,
                };
                Ok(Some((stored, touched)))
            })
            .optional()?;
        Ok(match row.flatten() {
            Some((stored, false)) => Lookup::Fresh(stored),
            Some((stored, true)) => Lookup::Touched(stored),
            None => Lookup::Missing,
        })
    }
}

/// The keys of the paths strictly under `folder`: from `folder/` (excluded) to `folder0`
/// (`'0'` follows `'/'`).
fn subtree_range(folder: &Path) -> (String, String) {
    let folder = folder.to_string_lossy();
    let folder = folder.trim_end_matches(std::path::MAIN_SEPARATOR);
    let separator = std::path::MAIN_SEPARATOR;
    let after = char::from_u32(separator as u32 + 1).unwrap_or(char::MAX);
    (format!("{folder}{separator}"), format!("{folder}{after}"))
}

fn span(first: Option<i32>, last: Option<i32>) -> Option<(i32, i32)> {
    Some((first?, last?))
}

/// What the reading limits are, as a number: a row read under other limits does not stand.
fn limits_fingerprint(limits: &Limits) -> i64 {
    let digest = Sha1::digest(format!("{limits:?}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(first)
}

/// A file as the cache knows it: where it is and what it was when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileKey {
    /// The canonical path of the file (of the zip, for a packaged document).
    pub path: String,
    /// The member's path inside the zip; empty for a plain file.
    pub member: String,
    /// The file's size in bytes (the zip's).
    pub size: u64,
    /// The file's modification time, in nanoseconds since 1970 (negative before).
    pub modified_ns: i64,
}

impl FileKey {
    /// The key of the file at `canonical` (already canonical: the session keeps them) as it
    /// is now on disk.
    pub fn of(canonical: &Path, member: Option<&str>) -> std::io::Result<FileKey> {
        let meta = std::fs::metadata(canonical)?;
        Ok(FileKey {
            path: canonical.to_string_lossy().into_owned(),
            member: member.unwrap_or("").to_string(),
            size: meta.len(),
            modified_ns: nanoseconds(meta.modified()?),
        })
    }
}

fn nanoseconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

/// What the cache holds of a file.
#[derive(Debug)]
pub enum Lookup {
    /// Same size and modification time: the row stands.
    Fresh(StoredRow),
    /// Same size, another modification time: the row stands if the bytes hash the same.
    Touched(StoredRow),
    /// Nothing, or a row of another size or read under other limits.
    Missing,
}

/// A document's row: its record, overview and words, as stored (JSON not decoded yet).
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub sha1: Hash,
    record: String,
    date_days: Option<(i32, i32)>,
    service_days: Option<(i32, i32)>,
    sort_time: i64,
    overview: String,
    /// The document's unique folded words, space-joined.
    words: String,
    /// The lab results' facts, JSON; empty when the document has none.
    lab: String,
}

impl StoredRow {
    /// The row of a document just read: its record (whose id and source are the session's,
    /// replaced when it is taken back), its overview and its folded text.
    pub fn new(sha1: Hash, record: &Record, overview: &Overview, folded_text: &str) -> StoredRow {
        StoredRow {
            sha1,
            record: serde_json::to_string(record).unwrap_or_default(),
            date_days: record.date_days,
            service_days: record.service_days,
            sort_time: record.sort_time,
            overview: serde_json::to_string(overview).unwrap_or_default(),
            words: unique_words(folded_text),
            lab: if record.lab.is_empty() {
                String::new()
            } else {
                serde_json::to_string(&record.lab).unwrap_or_default()
            },
        }
    }

    /// The record, overview and words again, the record as document `id` of a session read
    /// from `source`. `None` when the row does not decode (the document is then read again).
    pub fn decode(self, id: usize, source: SourceRecord) -> Option<(Record, Overview, String)> {
        let mut record: Record = serde_json::from_str(&self.record).ok()?;
        let overview: Overview = serde_json::from_str(&self.overview).ok()?;
        record.id = id;
        record.source = source;
        record.date_days = self.date_days;
        record.service_days = self.service_days;
        record.sort_time = self.sort_time;
        if !self.lab.is_empty() {
            record.lab = serde_json::from_str(&self.lab).ok()?;
        }
        Some((record, overview, self.words))
    }
}

/// A document read during a run, to be stored.
#[derive(Debug)]
pub struct NewDocument {
    pub key: FileKey,
    pub row: StoredRow,
    limits: i64,
}

/// What one indexing run gives the cache to write ([`Store::save`]).
#[derive(Debug, Default)]
pub struct Run {
    documents: Vec<NewDocument>,
    /// Files with a new modification time but the same bytes.
    touched: Vec<(FileKey, Hash)>,
    /// Canonical folders walked: their vanished files' rows are removed.
    folders: Vec<PathBuf>,
}

impl Run {
    /// A document read under `limits`, and its row.
    pub fn document(&mut self, key: FileKey, row: StoredRow, limits: &Limits) {
        self.documents.push(NewDocument { key, row, limits: limits_fingerprint(limits) });
    }

    /// A file found touched but unchanged: its rows take its new modification time.
    pub fn touched(&mut self, key: FileKey, sha1: Hash) {
        if !self.touched.iter().any(|(k, _)| k.path == key.path) {
            self.touched.push((key, sha1));
        }
    }

    /// A folder walked (canonical): rows of files under it that no longer exist go.
    pub fn folder(&mut self, folder: PathBuf) {
        self.folders.push(folder);
    }
}

/// A text's distinct words, sorted and space-joined: what [`super::search::TextIndex::add`]
/// needs of a document, in less room.
pub fn unique_words(folded: &str) -> String {
    let mut distinct: Vec<&str> = words(folded).collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.join(" ")
}

/// The SHA-1 of bytes in memory.
pub fn hash(bytes: &[u8]) -> Hash {
    Sha1::digest(bytes).into()
}

/// The SHA-1 of a file's bytes, read in pieces.
pub fn hash_file(path: &Path) -> std::io::Result<Hash> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha1::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(hasher.finalize().into());
        }
        hasher.update(&buffer[..read]);
    }
}

/// A memo of hashes by path, for the zips whose several documents ask for it in one run.
#[derive(Debug, Default)]
pub struct Hashes(std::sync::Mutex<HashMap<String, Option<Hash>>>);

impl Hashes {
    /// The hash of the file at `path`, computed once.
    pub fn of(&self, path: &str) -> Option<Hash> {
        if let Some(known) = self.0.lock().ok().and_then(|m| m.get(path).copied()) {
            return known;
        }
        let hash = hash_file(Path::new(path)).ok();
        if let Ok(mut memo) = self.0.lock() {
            memo.insert(path.to_string(), hash);
        }
        hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_words_keep_each_word_once_in_order() {
        assert_eq!(unique_words("glycemie a jeun, glycemie l'effort"), "a effort glycemie jeun l");
        assert_eq!(unique_words(" ;, "), "");
    }

    #[test]
    fn a_folder_range_holds_its_subtree_only() {
        let (first, last) = subtree_range(Path::new("/data/docs"));
        let inside = |p: &str| p > first.as_str() && p < last.as_str();
        assert!(inside("/data/docs/a.xml"));
        assert!(inside("/data/docs/sub/b.xml"));
        assert!(!inside("/data/docs"));
        assert!(!inside("/data/docs-old/a.xml"));
        assert!(!inside("/data/docsx/a.xml"));
    }
}
