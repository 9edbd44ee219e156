//! The library over the real corpus and over generated documents: filters and their
//! combinations with expected counts, facets counted under the other filters, versions and
//! copies, search.

mod common;

use vigie::library::{BodyKind, DateField, Query, SortBy};
use vigie::session::Session;
use vigie::xml::Limits;

fn corpus_session() -> Session {
    let mut session = Session::new(Limits::default());
    let added = session.add_paths(&common::corpus());
    assert!(added.notes.is_empty(), "{:?}", added.notes);
    session
}

fn names(session: &mut Session, query: &Query) -> Vec<String> {
    session.library().query(query).rows.iter().map(|r| r.record.source.name.clone()).collect()
}

fn count(session: &mut Session, query: &Query) -> usize {
    session.library().query(query).total
}

fn day(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

#[test]
fn every_corpus_document_is_listed_once_newest_first_with_older_versions_folded() {
    let mut session = corpus_session();
    let all = session.library().len();
    let results = session.library().query(&Query::default());
    // Three version chains in the corpus fold four older documents into their newest.
    assert_eq!(results.hidden_versions, 4);
    assert_eq!(results.total, all - 4);
    let dates: Vec<i64> = results.rows.iter().map(|r| r.record.sort_time).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let with_versions = count(&mut session, &Query { all_versions: true, ..Query::default() });
    assert_eq!(with_versions, all);
}

#[test]
fn the_hl7v2_replacement_chains_show_their_newest_version_with_the_older_ones() {
    let mut session = corpus_session();
    let results = session.library().query(&Query::default());
    let newest = |fragment: &str| {
        results.rows.iter().find(|r| r.record.source.name.contains(fragment)).map(|r| r.standing.older.len())
    };
    // ORU: initial Niv3 v1 (id …9) ← Remplacement v2 (…12, RPLC …9) ← SEGUR v2 (…13, RPLC …12).
    assert_eq!(newest("SEGUR_CR_Bio_CDA_Niv3_v2"), Some(2));
    assert_eq!(newest("Remplacement-ORU__CR_Bio_CDA_Niv3_v2"), None, "replaced, so folded");
    // MDM: CR_Radio v1 ← v2 (RPLC, no setId: linked by the parent id alone).
    assert_eq!(newest("Remplacement-MDM__CR_Radio_CDAN1_v2"), Some(1));
    assert_eq!(newest("Transmission-initiale-MDM__CR_Radio_CDAN1_v1"), None);
    // Microbiologie V1 and V2 share a setId; V2 has the higher versionNumber.
    assert_eq!(newest("Microbiologie_V2"), Some(1));
}

#[test]
fn filters_combine_and_each_facet_counts_under_the_other_filters() {
    let mut session = corpus_session();
    let lab = Query { types: vec!["11502-2".into()], ..Query::default() };
    let lab_count = count(&mut session, &lab);
    assert!(lab_count >= 15, "the corpus holds many CR-BIO, found {lab_count}");

    let structured_lab = Query { bodies: vec![BodyKind::Structured], ..lab.clone() };
    let pdf_lab = Query { bodies: vec![BodyKind::Pdf], ..lab.clone() };
    let (structured, pdf) = (count(&mut session, &structured_lab), count(&mut session, &pdf_lab));
    assert!(pdf >= 2, "CR-BIO in PDF (N1): {pdf}");
    assert_eq!(structured + pdf, lab_count, "every CR-BIO is structured or a PDF");

    // The type facet ignores the type filter itself (so other types stay choosable) but
    // applies the body filter.
    let results = session.library().query(&pdf_lab);
    let lab_facet = results.facets.types.iter().find(|v| v.value == "11502-2").expect("the CR-BIO type");
    assert!(lab_facet.selected);
    assert_eq!(lab_facet.count, pdf);
    let body_facet = results.facets.bodies.iter().find(|v| v.value == "structured").expect("structured");
    assert_eq!(body_facet.count, structured, "the body facet counts under the type filter");

    // Since 2024 and by a biologist.
    let recent = Query { since: Some(day("2024-01-01")), ..lab.clone() };
    let recent_count = count(&mut session, &recent);
    assert!(recent_count > 0 && recent_count < lab_count);
    let specialty = session
        .library()
        .query(&recent)
        .facets
        .specialties
        .iter()
        .find(|v| v.label.contains("Biologie"))
        .map(|v| (v.value.clone(), v.count, v.group.clone()))
        .expect("a biology specialty");
    assert_eq!(specialty.2.as_deref(), Some("Médecin"), "specialties are grouped by profession");
    let by_biologist = Query { specialties: vec![specialty.0], ..recent.clone() };
    assert_eq!(count(&mut session, &by_biologist), specialty.1);
}

#[test]
fn a_date_range_applies_to_the_document_date_or_to_the_date_of_the_act() {
    let mut session = corpus_session();
    let april_2021 =
        Query { since: Some(day("2021-04-01")), until: Some(day("2021-04-01")), ..Query::default() };
    let on_april_1 = names(&mut session, &april_2021);
    assert!(on_april_1.iter().any(|n| n.contains("BIO-CR-BIO_2024.01_TSH_1")), "{on_april_1:?}");
    assert!(on_april_1.iter().all(|n| !n.contains("VSM")), "{on_april_1:?}");

    // The glycaemia report was written on 1 April 2024 about samples taken on 4 January.
    let january_4 =
        Query { since: Some(day("2024-01-04")), until: Some(day("2024-01-04")), ..Query::default() };
    let glycemia = "Glycemie-deux-unites-principales";
    let by_document_date = names(&mut session, &january_4);
    assert!(!by_document_date.iter().any(|n| n.contains(glycemia)), "{by_document_date:?}");
    let by_service_date = names(&mut session, &Query { date_field: DateField::Service, ..january_4 });
    assert!(by_service_date.iter().any(|n| n.contains(glycemia)), "{by_service_date:?}");
}

#[test]
fn search_ignores_accents_and_case_and_looks_into_the_narratives() {
    let mut session = corpus_session();
    let search = |session: &mut Session, text: &str| {
        names(session, &Query { search: Some(text.into()), ..Query::default() })
    };
    // Only in the narrative of the glycaemia reports.
    let glycemie = search(&mut session, "GLYCÉMIE");
    assert!(glycemie.iter().any(|n| n.contains("Glycemie-mole")), "{glycemie:?}");
    assert_eq!(glycemie, search(&mut session, "glycemie"));
    // In the key: the author's name, typed without its umlaut and with a letter missing.
    let muller = search(&mut session, "muler");
    assert!(muller.iter().any(|n| n.contains("PPS-PAERPA")), "Charles MÜLLER: {muller:?}");
    // Key matches come before narrative-only matches.
    let vaccination = search(&mut session, "vaccination");
    assert!(vaccination[..2].iter().all(|n| n.contains("VAC")), "{vaccination:?}");
    assert!(search(&mut session, "zzqqxx").is_empty());
}

#[test]
fn sorting_by_type_and_reversing() {
    let mut session = corpus_session();
    let by_type = session.library().query(&Query { sort: SortBy::Type, ..Query::default() });
    let labels: Vec<String> = by_type
        .rows
        .iter()
        .filter_map(|r| r.record.type_code.as_ref().map(|t| vigie::library::search::fold(&t.label)))
        .collect();
    assert!(labels.windows(2).all(|w| w[0] <= w[1]), "{labels:?}");
    let oldest_first = session.library().query(&Query { reverse: true, limit: Some(1), ..Query::default() });
    assert_eq!(oldest_first.rows.len(), 1);
    assert!(oldest_first.total > 1);
}

#[test]
fn generated_copies_and_versions_are_folded() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, bytes) in vigie::demo::corpus_like(300, 7) {
        std::fs::write(dir.path().join(name), bytes).expect("written");
    }
    let mut session = Session::new(Limits::default());
    session.add_path(dir.path());
    let all = session.library().len();
    assert_eq!(all, 300);
    let results = session.library().query(&Query::default());
    let copies: usize = results.rows.iter().map(|r| r.standing.copies.len()).sum();
    let older: usize = results.rows.iter().map(|r| r.standing.older.len()).sum();
    assert!(copies > 0 && older > 0, "the generator makes ~2 % copies and ~5 % versions");
    assert_eq!(results.total + results.hidden_versions, all);
    assert_eq!(results.hidden_versions, copies + older);
}

#[test]
fn documents_of_an_xdm_package_are_listed_and_carry_its_class_to_their_copies() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    vigie::demo::write_demo_set(dir.path()).expect("the demo set");
    let mut session = Session::new(Limits::default());
    let added = session.add_path(dir.path());
    let packaged: Vec<_> = added.entries.iter().filter(|e| e.member.is_some()).collect();
    assert_eq!(packaged.len(), 3, "the MSSanté package holds three documents");
    assert!(packaged.iter().all(|e| e.path.as_deref().is_some_and(|p| p.ends_with(".zip"))));
    assert!(added.notes.is_empty(), "the demo package has no problem: {:?}", added.notes);

    // Each packaged document is also a file of the folder: shown once, with its copy, and
    // with the class only the package's metadata gives.
    let results = session.library().query(&Query { classes: vec!["10".into()], ..Query::default() });
    assert_eq!(results.total, 3);
    assert!(results.rows.iter().all(|r| r.standing.copies.len() == 1));
    let class = &results.facets.classes[0];
    assert_eq!((class.value.as_str(), class.label.as_str(), class.count), ("10", "Compte rendu", 3));

    // A packaged document opens like any other, cross-checked against its metadata.
    let id = packaged[0].id;
    let report = session.report_json(id).expect("a report");
    assert_eq!(report["kind"], "clinical-document");
    let findings = report["findings"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(findings, 0, "{}", report["findings"]);
}

#[test]
fn a_package_whose_metadata_deviates_is_opened_with_notes() {
    let zip = common::shared().join("corpus/xdm/directproject-nhin-d_xdmail_samplexdm.zip");
    let mut session = Session::new(Limits::default());
    let added = session.add_path(&zip);
    assert_eq!(added.entries.len(), 1);
    assert_eq!(added.entries[0].member.as_deref(), Some("SUBSET01/DOCUMENT.xml"));
    assert!(added.notes.iter().any(|n| n.contains("back-slashes")), "{:?}", added.notes);
    assert!(added.notes.iter().any(|n| n.contains("no hash slot")), "{:?}", added.notes);
    let record = session.library().record(0).cloned().expect("indexed");
    assert!(record.title.is_some_and(|t| t.contains("Continuity of Care")));
}

#[test]
fn a_zip_that_is_not_a_package_opens_nothing_and_says_so() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("photos.zip");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("a.txt", zip::write::SimpleFileOptions::default()).expect("a member");
    std::io::Write::write_all(&mut zip, b"hello").expect("written");
    std::fs::write(&path, zip.finish().expect("a zip").into_inner()).expect("written");
    let mut session = Session::new(Limits::default());
    let added = session.add_path(&path);
    assert!(added.entries.is_empty());
    assert!(added.notes.iter().any(|n| n.contains("not an XDM package")), "{:?}", added.notes);
}
