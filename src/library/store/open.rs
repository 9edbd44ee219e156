//! Opening the library cache: where it lives, creating its folder and file for their owner
//! only, the connection's settings (WAL), the schema and its version, and setting a damaged
//! database aside.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{BUSY_TIMEOUT, SCHEMA_VERSION};

/// The folder the command line and `vigie serve` keep the cache in: `$XDG_DATA_HOME/vigie`,
/// else `~/.local/share/vigie` (on Windows without `HOME`, `%LOCALAPPDATA%\vigie`). `None`
/// when none of these is set to an absolute path.
pub fn default_folder() -> Option<PathBuf> {
    let absolute = |name: &str| std::env::var_os(name).map(PathBuf::from).filter(|p| p.is_absolute());
    let base = absolute("XDG_DATA_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".local").join("share")))
        .or_else(|| if cfg!(windows) { absolute("LOCALAPPDATA") } else { None })?;
    Some(base.join("vigie"))
}

/// The note for a cache that cannot be used.
pub(super) fn unavailable(why: &str) -> String {
    format!("the library cache is not used: {why}; every document is read in full")
}

/// Creates `folder` (and its parents), readable by its owner only when Vigie creates it.
pub(crate) fn create_private_folder(folder: &Path) -> std::io::Result<()> {
    if folder.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}

/// Opens (creating) the database at `path`, in WAL mode, with the current schema.
pub(super) fn connect(path: &Path) -> rusqlite::Result<Connection> {
    if !path.exists() {
        // Created by Vigie, readable by the owner only; SQLite gives its -wal and -shm
        // files the same permissions.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        if let Err(error) = options.open(path) {
            if error.kind() != std::io::ErrorKind::AlreadyExists {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some(format!("cannot create the file ({error})")),
                ));
            }
        }
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    if connection.is_readonly(rusqlite::MAIN_DB)? {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            Some("the file can only be read".into()),
        ));
    }
    // Large pages: a row (record, overview, words: a few kilobytes) fits in one or two.
    connection.execute_batch("PRAGMA page_size = 16384")?;
    let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some(format!("the database cannot use write-ahead logging (journal mode {mode})")),
        ));
    }
    connection.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = 67108864;",
    )?;
    migrate(&connection)?;
    Ok(connection)
}

/// Creates the tables, or empties them when written by another schema or Vigie version.
fn migrate(connection: &Connection) -> rusqlite::Result<()> {
    let current = |connection: &Connection| -> rusqlite::Result<bool> {
        let version: i32 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if version != SCHEMA_VERSION {
            return Ok(false);
        }
        let writer: Option<String> = connection
            .query_row("SELECT value FROM meta WHERE key = 'vigie'", [], |row| row.get(0))
            .optional()?;
        Ok(writer.as_deref() == Some(env!("CARGO_PKG_VERSION")))
    };
    if current(connection)? {
        return Ok(());
    }
    connection.execute_batch("BEGIN IMMEDIATE")?;
    // Another process may have migrated meanwhile.
    let result = (|| {
        if current(connection)? {
            return Ok(());
        }
        connection.execute_batch(&format!(
            "DROP TABLE IF EXISTS documents;
             DROP TABLE IF EXISTS meta;
             CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE documents (
                 path TEXT NOT NULL,
                 member TEXT NOT NULL,
                 size INTEGER NOT NULL,
                 modified_ns INTEGER NOT NULL,
                 sha1 BLOB NOT NULL,
                 limits INTEGER NOT NULL,
                 record TEXT NOT NULL,
                 date_first INTEGER,
                 date_last INTEGER,
                 service_first INTEGER,
                 service_last INTEGER,
                 sort_time INTEGER NOT NULL,
                 overview TEXT NOT NULL,
                 words TEXT NOT NULL,
                 lab TEXT NOT NULL,
                 PRIMARY KEY (path, member)
             );
             PRAGMA user_version = {SCHEMA_VERSION};"
        ))?;
        connection
            .execute("INSERT INTO meta (key, value) VALUES ('vigie', ?1)", [env!("CARGO_PKG_VERSION")])?;
        Ok(())
    })();
    match result {
        Ok(()) => connection.execute_batch("COMMIT"),
        Err(error) => {
            let _ = connection.execute_batch("ROLLBACK");
            Err(error)
        }
    }
}

/// Renames a damaged database (and its -wal and -shm files) to `*.damaged` beside it,
/// replacing an older one. Returns the new name of the database.
pub(super) fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        PathBuf::from(name)
    };
    let aside = with(".damaged");
    std::fs::rename(path, &aside)?;
    for suffix in ["-wal", "-shm"] {
        let file = with(suffix);
        if file.exists() {
            std::fs::rename(&file, with(&format!(".damaged{suffix}")))?;
        }
    }
    Ok(aside)
}
