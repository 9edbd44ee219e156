//! The session's unit tests: adding files and folders, uploads, the cache, refreshing.

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
    assert_eq!(session.entries()[2].overview.as_ref().and_then(|o| o.title.as_deref()), Some("Compte rendu"));
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
    assert_eq!(refreshed.entries[0].overview.as_ref().and_then(|o| o.title.as_deref()), Some("Bilan annuel"));
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
fn a_bare_pdf_serves_its_bytes_and_nothing_else_does() {
    let mut session = session();
    let pdf = session.add_bytes("scan.pdf", b"%PDF-1.4 binary".to_vec()).unwrap().entries.remove(0);
    assert_eq!(session.pdf_file(pdf.id).unwrap(), b"%PDF-1.4 binary");
    let cda = session.add_bytes("doc.xml", MINIMAL.into()).unwrap().entries.remove(0);
    let refused = session.pdf_file(cda.id).unwrap_err();
    assert!(refused.contains("not a PDF file") && refused.contains("clinical-document"), "{refused}");
    assert!(session.pdf_file(99).unwrap_err().contains("no document #99"));
}

#[test]
fn a_pdf_file_replaced_on_disk_by_something_else_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.pdf");
    std::fs::write(&path, b"%PDF-1.7 first").unwrap();
    let mut session = session();
    let entry = session.add_paths(&[&path]).entries.remove(0);
    assert_eq!(session.pdf_file(entry.id).unwrap(), b"%PDF-1.7 first");
    std::fs::write(&path, MINIMAL).unwrap();
    assert!(session.pdf_file(entry.id).unwrap_err().contains("not a PDF file"));
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
