//! Cumulative results (issue #5 §3): one patient's lab reports across a session, by test and
//! date, on the demo set (six CR-BIO of one patient, one of them replaced by a version 2).

use vigie::session::Session;
use vigie::xml::Limits;

fn demo_session() -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    vigie::demo::write_demo_set(dir.path()).expect("the demo set is written");
    let mut session = Session::new(Limits::default());
    session.add_paths(&[dir.path()]);
    (dir, session)
}

fn id_of(session: &Session, name: &str) -> usize {
    session.entries().iter().find(|e| e.name == name).map(|e| e.id).expect(name)
}

#[test]
fn a_patients_reports_by_test_and_date_latest_versions_only() {
    let (_dir, mut session) = demo_session();
    let id = id_of(&session, "cr-bio-2024-12-10-dupont.xml");
    let cumulative = session.cumulative(id).expect("the cumulative view");
    // Seven CR-BIO files, one replaced by its version 2: six reports.
    assert_eq!(cumulative.reports, 6);
    let hba1c = cumulative.series.iter().find(|s| s.code.as_deref() == Some("4548-4")).expect("HbA1c");
    let values: Vec<_> = hba1c.points.iter().map(|p| p.display.as_str()).collect();
    assert_eq!(values, ["8.6 %", "7.9 %", "7.3 %", "6.9 %", "6.5 %", "6.2 %"], "oldest first");
    assert_eq!(hba1c.abnormal, 6);
    assert!(hba1c.numeric);
    let dates: Vec<_> = hba1c.points.iter().map(|p| cumulative.columns[p.column].iso.as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]), "{dates:?}");
    // The replaced report's value is not shown; its version 2's is.
    let march = cumulative.columns.iter().filter(|c| c.iso.starts_with("2024-03-12")).count();
    assert_eq!(march, 1);

    // The creatinine crosses its upper limit: the range travels with each point.
    let creatinine =
        cumulative.series.iter().find(|s| s.code.as_deref() == Some("14682-9")).expect("creatinine");
    let last = creatinine.points.last().expect("a value");
    assert!(last.abnormal);
    assert_eq!(last.flag.as_deref(), Some("H"));
    assert!(last.high.is_some_and(|h| last.number.is_some_and(|n| n > h)));
}

#[test]
fn a_document_without_a_patient_has_an_empty_view() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("empty.xml");
    std::fs::write(&path, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>").expect("written");
    let mut session = Session::new(Limits::default());
    session.add_paths(&[path.as_path()]);
    let cumulative = session.cumulative(0).expect("an answer");
    assert!(cumulative.series.is_empty());
    assert!(session.cumulative(99).is_err(), "an unknown document is an error, not a panic");
}

#[test]
fn the_cli_prints_one_line_per_test() {
    let (_dir, mut session) = demo_session();
    let mut out = Vec::new();
    let values = vigie::cli::cumulative::write(
        &mut session,
        vigie::cli::cumulative::Format::Text,
        false,
        vigie::summary::Lang::Fr,
        &mut out,
    )
    .expect("written");
    assert!(values > 40);
    let text = String::from_utf8(out).expect("UTF-8");
    insta::assert_snapshot!(text);
}
