//! The library cache: reopening a folder gives the library a fresh read gives, reading only
//! the files that changed; packaged documents are cached by zip and member; a damaged or
//! unusable cache never stops Vigie. Every cache lives in a temporary folder.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use vigie::library::store::{Store, FILE_NAME};
use vigie::library::{BodyKind, Query, SortBy};
use vigie::session::{IndexStats, Session};
use vigie::xml::Limits;

fn cached_session(data: &Path) -> Session {
    Session::with_store(Limits::default(), Store::open_in(data))
}

fn cda(title: &str, narrative: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <id root="1.2.250.1.213.1.1.9" extension="{title}"/>
  <code code="11502-2" codeSystem="2.16.840.1.113883.6.1" displayName="CR d'examens biologiques"/>
  <title>{title}</title>
  <effectiveTime value="20240301101500+0100"/>
  <recordTarget><patientRole><patient><name><given>Ruth</given><family qualifier="BR">NEYMAR</family></name></patient></patientRole></recordTarget>
  <component><structuredBody><component><section><title>Résultats</title><text>{narrative}</text></section></component></structuredBody></component>
</ClinicalDocument>
"#
    )
}

/// A folder of three small documents.
fn small_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(&dir.path().join("a.xml"), &cda("Bilan A", "Glycémie à jeun normale"));
    write(&dir.path().join("b.xml"), &cda("Bilan B", "Créatinine élevée"));
    write(&dir.path().join("sub/c.xml"), &cda("Bilan C", "Hémoglobine glyquée"));
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
    std::fs::write(path, text).expect("written");
}

/// Gives a file another modification time, as an editor or `touch` would.
fn set_modified(path: &Path, seconds_later: u64) {
    let file = std::fs::File::options().write(true).open(path).expect("opened");
    file.set_modified(SystemTime::now() + Duration::from_secs(seconds_later)).expect("touched");
}

/// The (path, member) of every row of the cache in `data`.
fn rows(data: &Path) -> Vec<(String, String)> {
    let connection = rusqlite::Connection::open(data.join(FILE_NAME)).expect("the cache opens");
    let mut statement =
        connection.prepare("SELECT path, member FROM documents ORDER BY path, member").unwrap();
    statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

fn titles(session: &mut Session) -> Vec<String> {
    let results = session.library().query(&Query { sort: SortBy::Type, ..Query::default() });
    let mut titles: Vec<String> = results.rows.iter().filter_map(|r| r.record.title.clone()).collect();
    titles.sort();
    titles
}

/// Everything a person can see of a session's library, as JSON: several queries (rows,
/// counts, facets) and the document list with its overviews.
fn everything(session: &mut Session) -> serde_json::Value {
    let queries = [
        Query::default(),
        Query { all_versions: true, ..Query::default() },
        Query { search: Some("glycémie".into()), ..Query::default() },
        Query { search: Some("creat".into()), sort: SortBy::Author, ..Query::default() },
        Query { types: vec!["11502-2".into()], bodies: vec![BodyKind::Structured], ..Query::default() },
        Query { classes: vec!["10".into()], reverse: true, ..Query::default() },
    ];
    let answers: Vec<serde_json::Value> =
        queries.iter().map(|q| serde_json::to_value(session.library().query(q)).expect("JSON")).collect();
    serde_json::json!({ "queries": answers, "entries": session.entries() })
}

#[test]
fn reopening_a_folder_gives_the_same_library_as_a_fresh_read_without_reading_a_file() {
    // The corpus (versions, copies, every body kind) and the demo set (a package).
    let demo = tempfile::tempdir().expect("a temporary folder");
    vigie::demo::write_demo_set(demo.path()).expect("the demo set");
    let corpus = common::shared().join("corpus/fr");
    let paths = [corpus.as_path(), demo.path()];
    let data = tempfile::tempdir().expect("a temporary folder");

    let mut fresh = Session::new(Limits::default());
    fresh.add_paths(&paths);
    let expected = everything(&mut fresh);
    let count = fresh.entries().len();

    let mut first = cached_session(data.path());
    let added = first.add_paths(&paths);
    assert!(added.notes.iter().all(|n| !n.contains("cache")), "{:?}", added.notes);
    assert_eq!(first.index_stats(), IndexStats { read: count, cache_hits: 0, touched: 0 });
    assert_eq!(everything(&mut first), expected, "indexing with the cache changes nothing");
    drop(first);

    let mut reopened = cached_session(data.path());
    reopened.add_paths(&paths);
    assert_eq!(reopened.index_stats(), IndexStats { read: 0, cache_hits: count, touched: 0 });
    assert_eq!(everything(&mut reopened), expected, "the cached library is the one read");
}

#[test]
fn a_modified_file_is_read_again_and_shows_its_new_title() {
    let dir = small_folder();
    let data = tempfile::tempdir().expect("a temporary folder");
    cached_session(data.path()).add_path(dir.path());

    // Another length, then the same length (the bytes differ: the hash tells).
    write(&dir.path().join("a.xml"), &cda("Bilan A, complété", "Glycémie à jeun normale"));
    set_modified(&dir.path().join("a.xml"), 10);
    write(&dir.path().join("b.xml"), &cda("Bilan Z", "Créatinine élevée"));
    set_modified(&dir.path().join("b.xml"), 10);
    let mut session = cached_session(data.path());
    session.add_path(dir.path());
    assert_eq!(session.index_stats(), IndexStats { read: 2, cache_hits: 1, touched: 0 });
    assert_eq!(titles(&mut session), ["Bilan A, complété", "Bilan C", "Bilan Z"]);

    // And what was read again is what the cache now holds.
    let mut again = cached_session(data.path());
    again.add_path(dir.path());
    assert_eq!(again.index_stats(), IndexStats { read: 0, cache_hits: 3, touched: 0 });
    assert_eq!(titles(&mut again), ["Bilan A, complété", "Bilan C", "Bilan Z"]);
}

#[test]
fn a_touched_but_identical_file_is_hashed_not_read_again() {
    let dir = small_folder();
    let data = tempfile::tempdir().expect("a temporary folder");
    cached_session(data.path()).add_path(dir.path());

    set_modified(&dir.path().join("sub/c.xml"), 60);
    let mut session = cached_session(data.path());
    session.add_path(dir.path());
    assert_eq!(session.index_stats(), IndexStats { read: 0, cache_hits: 2, touched: 1 });
    assert_eq!(titles(&mut session), ["Bilan A", "Bilan B", "Bilan C"]);

    // The row took the new time: next time, not even hashed.
    let mut again = cached_session(data.path());
    again.add_path(dir.path());
    assert_eq!(again.index_stats(), IndexStats { read: 0, cache_hits: 3, touched: 0 });
}

#[test]
fn a_deleted_file_disappears_from_the_cache_when_its_folder_is_opened_again() {
    let dir = small_folder();
    let data = tempfile::tempdir().expect("a temporary folder");
    cached_session(data.path()).add_path(dir.path());
    let names = |rows: Vec<(String, String)>| -> Vec<String> {
        rows.into_iter()
            .map(|(path, _)| Path::new(&path).file_name().unwrap().to_string_lossy().into())
            .collect()
    };
    assert_eq!(names(rows(data.path())), ["a.xml", "b.xml", "c.xml"]);

    std::fs::remove_file(dir.path().join("sub/c.xml")).expect("removed");
    let mut session = cached_session(data.path());
    session.add_path(dir.path());
    assert_eq!(session.entries().len(), 2);
    assert_eq!(names(rows(data.path())), ["a.xml", "b.xml"]);
}

#[test]
fn documents_of_an_xdm_package_are_cached_by_zip_and_member() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    vigie::demo::write_demo_set(dir.path()).expect("the demo set");
    let data = tempfile::tempdir().expect("a temporary folder");
    let mut first = cached_session(data.path());
    first.add_path(dir.path());
    let count = first.entries().len();
    let expected = everything(&mut first);
    drop(first);

    let packaged: Vec<(String, String)> =
        rows(data.path()).into_iter().filter(|(_, m)| !m.is_empty()).collect();
    assert_eq!(packaged.len(), 3, "the demo package holds three documents: {packaged:?}");
    let zip = std::fs::canonicalize(dir.path()).unwrap().join(packaged[0].0.rsplit('/').next().unwrap());
    assert!(packaged.iter().all(|(path, _)| Path::new(path) == zip && path.ends_with(".zip")));

    let mut reopened = cached_session(data.path());
    reopened.add_path(dir.path());
    assert_eq!(reopened.index_stats(), IndexStats { read: 0, cache_hits: count, touched: 0 });
    assert_eq!(everything(&mut reopened), expected);

    // A package touched but unchanged: hashed once for its three documents, none read.
    set_modified(&zip, 60);
    let mut touched = cached_session(data.path());
    touched.add_path(dir.path());
    assert_eq!(touched.index_stats(), IndexStats { read: 0, cache_hits: count - 3, touched: 3 });
}

#[test]
fn uploaded_bytes_are_never_stored() {
    let data = tempfile::tempdir().expect("a temporary folder");
    let mut session = cached_session(data.path());
    session.add_bytes("upload.xml", cda("Bilan envoyé", "Glycémie").into_bytes()).expect("added");
    assert_eq!(session.index_stats().read, 1);
    assert!(rows(data.path()).is_empty());
}

#[test]
fn a_damaged_cache_is_set_aside_and_rebuilt_and_the_session_still_works() {
    let dir = small_folder();
    let data = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(data.path().join(FILE_NAME), vec![0x5a; 64 * 1024]).expect("garbage written");

    let mut session = cached_session(data.path());
    let added = session.add_path(dir.path());
    let notes: Vec<&String> = added.notes.iter().filter(|n| n.contains("damaged")).collect();
    assert_eq!(notes.len(), 1, "{:?}", added.notes);
    assert!(data.path().join(format!("{FILE_NAME}.damaged")).exists());
    assert_eq!(titles(&mut session), ["Bilan A", "Bilan B", "Bilan C"]);
    assert!(session.add_path(dir.path()).notes.is_empty(), "said once");
    drop(session);

    let mut reopened = cached_session(data.path());
    assert!(reopened.add_path(dir.path()).notes.is_empty());
    assert_eq!(reopened.index_stats().cache_hits, 3, "the cache was rebuilt");
}

#[test]
fn without_a_usable_data_folder_vigie_works_without_the_cache_and_says_so_once() {
    let dir = small_folder();
    let blocker = tempfile::NamedTempFile::new().expect("a file");
    // The data folder would be under a file: it cannot be created, even by root.
    let data = blocker.path().join("vigie");
    let store = Store::open_in(&data);
    let note = store.as_ref().err().cloned().expect("the cache cannot be opened");
    assert!(note.contains("not used"), "{note}");

    let mut session = Session::with_store(Limits::default(), store);
    let added = session.add_path(dir.path());
    assert_eq!(added.notes, [note]);
    assert_eq!(session.index_stats().read, 3);
    assert_eq!(titles(&mut session), ["Bilan A", "Bilan B", "Bilan C"]);
    assert!(session.add_path(dir.path()).notes.is_empty(), "said once");
    assert!(!data.exists());
}

#[cfg(unix)]
#[test]
fn the_cache_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let data = tempfile::tempdir().expect("a temporary folder");
    let folder = data.path().join("vigie");
    let store = Store::open_in(&folder).expect("the cache opens");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(store.path()), 0o600);
}

/// `vigie list` with its data folder (and home) in `home`.
fn vigie_list(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("list")
        .args(args)
        .env("LANG", "C")
        .env("HOME", home.join("home"))
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .expect("vigie runs")
}

#[test]
fn vigie_list_keeps_its_cache_in_the_xdg_data_folder_unless_told_not_to() {
    let dir = small_folder();
    let folder = dir.path().to_str().unwrap();
    let home = tempfile::tempdir().expect("a temporary folder");
    let database: PathBuf = home.path().join("data/vigie").join(FILE_NAME);

    let uncached = vigie_list(home.path(), &[folder, "--no-cache"]);
    assert_eq!(uncached.status.code(), Some(0));
    assert!(!database.exists(), "--no-cache writes nothing");

    let first = vigie_list(home.path(), &[folder]);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(database.exists());
    assert_eq!(rows(database.parent().unwrap()).len(), 3);
    let again = vigie_list(home.path(), &[folder]);
    assert_eq!(again.stdout, uncached.stdout);
    assert_eq!(first.stdout, uncached.stdout);
    assert!(!home.path().join("home").exists(), "nothing written in HOME when XDG_DATA_HOME is set");

    let help = Command::new(env!("CARGO_BIN_EXE_vigie")).args(["list", "--help"]).output().expect("runs");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--no-cache") && help.contains("~/.local/share/vigie"), "{help}");
}

#[test]
fn vigie_list_without_a_usable_data_folder_lists_all_the_same_with_a_note() {
    let dir = small_folder();
    let home = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(home.path().join("data"), "a file where the data folder should be").unwrap();
    let out = vigie_list(home.path(), &[dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("library cache is not used").count(), 1, "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Bilan B"));
}
