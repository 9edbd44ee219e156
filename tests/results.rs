//! Lab results read from structured entries: every CR-BIO and TROD document of the corpus
//! (snapshots of a compact description, and facts asserted by hand from the XML), the
//! generated CR-BIO series, a C-CDA results document, and `vigie results` as a user runs it.

mod common;

use std::fmt::Write as _;
use std::process::Command;

use vigie::results::{
    self, AbnormalBy, Battery, BatteryKind, Chapter, Coded, LabReport, LabResult, LabelSource, Meaning,
    RangePosition, ReferenceRange, ResultValue, Specimen, ValueKind,
};
use vigie::xml::Limits;

fn extract(name: &str) -> LabReport {
    let document = vigie::read_path(&common::corpus_file(name), &Limits::default());
    results::extract(&document)
}

/// Every result of a report, depth first.
fn all_results(report: &LabReport) -> Vec<&LabResult> {
    report.rows().into_iter().map(|row| row.result).collect()
}

/// The result of a test, by code.
fn result<'a>(report: &'a LabReport, code: &str) -> &'a LabResult {
    all_results(report)
        .into_iter()
        .find(|r| r.test.code.as_deref() == Some(code))
        .unwrap_or_else(|| panic!("no result coded {code}"))
}

fn value(r: &LabResult) -> &ResultValue {
    r.value.as_ref().expect("a value")
}

fn normal_range(r: &LabResult) -> &ReferenceRange {
    r.reference_ranges.first().expect("a reference range")
}

// ---------------------------------------------------------------------------------------
// The corpus, by snapshot
// ---------------------------------------------------------------------------------------

/// The lab documents of the corpus: CR-BIO (all versions and transports) and TROD.
fn lab_documents() -> Vec<String> {
    common::corpus()
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| n.contains("CR-BIO") || n.contains("BIO-TROD") || n.contains("CR_Bio"))
        .collect()
}

#[test]
fn every_lab_document_of_the_corpus_by_snapshot() {
    let names = lab_documents();
    assert!(names.len() >= 25, "expected the corpus's CR-BIO and TROD documents, found {}", names.len());
    for name in names {
        let report = extract(&name);
        insta::assert_snapshot!(name.clone(), describe(&report));
    }
}

#[test]
fn every_structured_lab_document_has_results_with_values() {
    for name in lab_documents() {
        let document = vigie::read_path(&common::corpus_file(&name), &Limits::default());
        let structured =
            matches!(document.cda.as_ref().map(|c| &c.body), Some(vigie::model::Body::Structured { .. }));
        let report = results::extract(&document);
        // level-1 documents (a PDF in a nonXMLBody) and the HL7v2 level-1 transport have none
        if !structured || name.contains("Niv1") {
            assert!(report.is_empty(), "{name}: results in a level-1 document");
            continue;
        }
        assert!(!report.is_empty(), "{name}: no result");
        for r in all_results(&report) {
            let shown = r.value.as_ref().is_some_and(|v| !v.display.is_empty());
            assert!(shown, "{name}: result at {:?} has no value to show", r.position);
            assert!(r.position.is_some(), "{name}: a result without line:column");
        }
    }
}

/// A compact, reviewable description of everything extracted.
fn describe(report: &LabReport) -> String {
    let mut out = format!("{} results, {} abnormal\n", report.result_count, report.abnormal_count);
    for chapter in &report.chapters {
        describe_chapter(&mut out, chapter, 0);
    }
    out
}

fn at(position: Option<vigie::xml::Position>) -> String {
    position.map(|p| format!(" @{p}")).unwrap_or_default()
}

fn code(c: &Coded) -> String {
    let mut s = format!(
        "{}|{}",
        c.code.as_deref().unwrap_or("-"),
        c.system_name.as_deref().or(c.system.as_deref()).unwrap_or("-")
    );
    if let Some(label) = &c.label {
        let source = match c.label_source {
            Some(LabelSource::Document) => "",
            Some(LabelSource::Terminology) => " (terminology)",
            Some(LabelSource::Narrative) => " (narrative)",
            Some(LabelSource::OriginalText) => " (originalText)",
            Some(LabelSource::Translation) => " (translation)",
            None => "",
        };
        let _ = write!(s, " \"{label}\"{source}");
    }
    if let Some(reference) = &c.reference {
        let _ = write!(
            s,
            " {reference}→{}",
            c.reference_text.as_deref().map_or("∅".into(), |t| format!("\"{t}\""))
        );
    }
    for t in &c.translations {
        let _ = write!(s, " +{}|{}", t.code.as_deref().unwrap_or("-"), t.system.as_deref().unwrap_or("-"));
    }
    s
}

fn describe_value(v: &ResultValue) -> String {
    let mut s = format!("{:?} \"{}\"", v.kind, v.display);
    if let Some(n) = v.number {
        let _ = write!(s, " n={n}");
    }
    if let Some(c) = v.comparator {
        let _ = write!(s, " {}", c.sign());
    }
    for t in &v.translations {
        let _ = write!(s, " also {} {}", t.value, t.unit.as_deref().unwrap_or("-"));
    }
    if let Some(code) = &v.code {
        let _ = write!(s, " [{}]", self::code(code));
    }
    s
}

/// The moment of an interval (CR-BIO writes a collection time as its `high`).
fn instant(i: &vigie::model::time::Interval) -> Option<&vigie::model::time::Timestamp> {
    i.value.as_ref().or(i.high.as_ref()).or(i.low.as_ref())
}

fn describe_specimen(out: &mut String, s: &Specimen, pad: &str) {
    let kind = s.specimen_type.as_ref().map(code).unwrap_or_default();
    let _ = write!(out, "{pad}specimen {kind}");
    if let Some(c) = s.collected.as_ref().and_then(instant) {
        let _ = write!(out, " collected {}", c.raw());
    }
    if let Some(r) = s.received.as_ref().and_then(instant) {
        let _ = write!(out, " received {}", r.raw());
    }
    if !s.ids.is_empty() {
        let _ = write!(out, " ids {:?}", s.ids);
    }
    if !s.collectors.is_empty() {
        let _ = write!(out, " by {:?}", s.collectors);
    }
    let _ = writeln!(out, "{}", at(s.position));
}

fn describe_chapter(out: &mut String, c: &Chapter, depth: usize) {
    let pad = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{pad}CHAPTER \"{}\" {}{}",
        c.title.as_deref().unwrap_or("-"),
        c.code.as_ref().map(code).unwrap_or_default(),
        at(c.position)
    );
    for r in &c.results {
        describe_result(out, r, depth + 1);
    }
    for b in &c.batteries {
        describe_battery(out, b, depth + 1);
    }
    if let Some(matrix) = &c.antibiogram {
        let isolates: Vec<&str> = matrix.isolates.iter().map(|i| i.label.as_str()).collect();
        let _ = writeln!(out, "{pad}  ANTIBIOGRAM {isolates:?}");
        for row in &matrix.antibiotics {
            let cells: Vec<String> = row
                .cells
                .iter()
                .map(|cell| match cell {
                    Some(s) => format!(
                        "{} {}",
                        s.interpretation.as_ref().and_then(|i| i.code.as_deref()).unwrap_or("?"),
                        s.value.as_deref().unwrap_or("")
                    ),
                    None => "·".into(),
                })
                .collect();
            let _ = writeln!(out, "{pad}    {}: {}", row.label, cells.join(" | "));
        }
    }
    for sub in &c.chapters {
        describe_chapter(out, sub, depth + 1);
    }
}

fn describe_battery(out: &mut String, b: &Battery, depth: usize) {
    let pad = "  ".repeat(depth);
    let _ = write!(out, "{pad}{:?} {}", b.kind, b.code.as_ref().map(code).unwrap_or_default());
    if let Some(germ) = &b.germ {
        let _ = write!(out, " germ {}", code(germ));
    }
    let _ = writeln!(out, "{}", at(b.position));
    if let Some(s) = &b.specimen {
        describe_specimen(out, s, &format!("{pad}  "));
    }
    for p in &b.parties {
        let _ = writeln!(out, "{pad}  {:?} {:?} {:?}", p.role, p.names, p.ids);
    }
    for comment in &b.comments {
        let _ = writeln!(out, "{pad}  comment {:?} {:?}", comment.reference, comment.text);
    }
    for r in &b.results {
        describe_result(out, r, depth + 1);
    }
    for inner in &b.batteries {
        describe_battery(out, inner, depth + 1);
    }
}

fn describe_result(out: &mut String, r: &LabResult, depth: usize) {
    let pad = "  ".repeat(depth);
    let _ = writeln!(out, "{pad}RESULT {}{}", code(&r.test), at(r.position));
    let _ =
        write!(out, "{pad}  = {}", r.value.as_ref().map(describe_value).unwrap_or_else(|| "no value".into()));
    if let Some(unit) = r.value.as_ref().and_then(|v| v.unit.as_deref()) {
        let _ = write!(out, " unit {unit}");
    }
    let _ = writeln!(out);
    for range in &r.reference_ranges {
        let _ = write!(out, "{pad}  range {}", range.value.as_ref().map(describe_value).unwrap_or_default());
        for (side, q) in [
            ("low", &range.value.as_ref().and_then(|v| v.low.clone())),
            ("high", &range.value.as_ref().and_then(|v| v.high.clone())),
        ] {
            if let Some(q) = q {
                let inclusive = match q.inclusive {
                    Some(false) => " exclusive",
                    _ => "",
                };
                let _ = write!(out, " {side}={} {}{inclusive}", q.value, q.unit.as_deref().unwrap_or("-"));
            }
        }
        if let Some(text) = &range.text {
            let _ = write!(out, " text {text:?}");
        }
        if let Some(i) = &range.interpretation {
            let _ = write!(out, " for {}", i.code.as_deref().unwrap_or("?"));
        }
        let _ = writeln!(out);
    }
    let flags: Vec<String> =
        r.interpretations.iter().map(|i| format!("{} ({:?})", i.words(true), i.meaning)).collect();
    let _ = writeln!(
        out,
        "{pad}  flags {flags:?} position {:?} abnormal {:?} status {}",
        r.range_position,
        r.abnormal,
        r.status.as_deref().unwrap_or("-")
    );
    if let Some(s) = &r.specimen {
        describe_specimen(out, s, &format!("{pad}  "));
    }
    for p in &r.parties {
        let codes: Vec<String> = p.codes.iter().map(code).collect();
        let _ = writeln!(out, "{pad}  {:?} {:?} {:?} {codes:?}", p.role, p.names, p.ids);
    }
    for p in &r.previous {
        let _ = writeln!(
            out,
            "{pad}  previous {} = {}",
            p.effective_time.as_ref().map(|t| t.display()).unwrap_or_default(),
            p.value.as_ref().map(describe_value).unwrap_or_default()
        );
    }
    for comment in &r.comments {
        let _ = writeln!(out, "{pad}  comment {:?} {:?}", comment.reference, comment.text);
    }
}

// ---------------------------------------------------------------------------------------
// The corpus, by hand (values read in the XML)
// ---------------------------------------------------------------------------------------

#[test]
fn tsh_value_range_and_flags() {
    let report = extract("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml");
    assert_eq!((report.result_count, report.abnormal_count), (2, 1));
    let tsh = result(&report, "3016-3");
    assert_eq!(tsh.test.system.as_deref(), Some("2.16.840.1.113883.6.1"));
    assert_eq!(tsh.test.reference.as_deref(), Some("#resultat-01"));
    assert_eq!(tsh.test.reference_text.as_deref(), Some("Thyréostimuline (TSH)"));
    let v = value(tsh);
    assert_eq!(
        (v.kind, v.value.as_deref(), v.number, v.unit.as_deref()),
        (ValueKind::Quantity, Some("1.950"), Some(1.95), Some("m[IU]/L"))
    );
    let range = normal_range(tsh).value.as_ref().unwrap();
    assert_eq!(
        range.low.as_ref().map(|q| (q.value.as_str(), q.unit.as_deref())),
        Some(("0.270", Some("m[IU]/L")))
    );
    assert_eq!(
        range.high.as_ref().map(|q| (q.value.as_str(), q.unit.as_deref())),
        Some(("4.200", Some("m[IU]/L")))
    );
    assert_eq!(tsh.interpretations[0].words(true), "N Normal");
    assert_eq!((tsh.range_position, tsh.abnormal), (Some(RangePosition::Within), None));
    assert_eq!(tsh.methods[0].reference_text.as_deref(), Some("(ECL Modular)"));

    let ft4 = result(&report, "3024-7");
    assert_eq!(value(ft4).display, "7.67 pg/mL");
    assert_eq!(ft4.interpretations[0].meaning, Meaning::Low);
    assert_eq!(ft4.interpretations[0].words(false), "L Low");
    assert_eq!(
        (ft4.range_position, ft4.abnormal),
        (Some(RangePosition::Below), Some(AbnormalBy::Interpretation))
    );
}

#[test]
fn glycaemia_in_moles_and_in_mass() {
    // two observations, one per unit (LOINC 40193-5 and 53049-3)
    let report = extract(
        "TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_Glycemie-deux-unites-principales_mole_masse.xml",
    );
    let moles = result(&report, "40193-5");
    let mass = result(&report, "53049-3");
    assert_eq!((value(moles).number, value(moles).unit.as_deref()), (Some(4.89), Some("mmol/L")));
    assert_eq!((value(mass).number, value(mass).unit.as_deref()), (Some(0.88), Some("g/L")));
    assert_eq!(value(moles).unit_name, Some("millimole per liter"));
    // the document's first range is written 3.89–3.89 (its narrative says 3.89–6.00): the
    // value lies above it, but the interpretation (N) decides
    assert_eq!(normal_range(moles).value.as_ref().unwrap().display, "3.89–3.89 mmol/L");
    assert_eq!((moles.range_position, moles.abnormal), (Some(RangePosition::Above), None));
    assert_eq!((mass.range_position, mass.abnormal), (Some(RangePosition::Within), None));
}

#[test]
fn a_pq_translation_gives_the_second_unit() {
    // <value xsi:type="PQ" value="0.62" unit="g/L"><translation value="0.71" code="mmol/L"/>
    let report = extract("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2021.01_Auto-Presentable.xml");
    let triglycerides = value(result(&report, "2571-8"));
    assert_eq!((triglycerides.value.as_deref(), triglycerides.unit.as_deref()), (Some("0.62"), Some("g/L")));
    let second = &triglycerides.translations[0];
    assert_eq!(
        (second.value.as_str(), second.number, second.unit.as_deref()),
        ("0.71", Some(0.71), Some("mmol/L"))
    );
    // the reference range's bounds carry theirs too
    let range = normal_range(result(&report, "2571-8")).value.as_ref().unwrap();
    assert_eq!(range.low.as_ref().unwrap().translations[0].unit.as_deref(), Some("mmol/L"));
}

#[test]
fn a_local_code_is_kept_as_written() {
    let report = extract("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_CRP_non_LOINC.xml");
    let crp = result(&report, "1234");
    assert_eq!(crp.test.system.as_deref(), Some("1.2.250.1.2.3.4"));
    assert_eq!(crp.test.system_name.as_deref(), Some("table des codes locaux Laboratoire des charmes"));
    assert_eq!(crp.test.label_source, Some(LabelSource::Translation));
    assert_eq!(crp.test.reference_text.as_deref(), Some("CRP"));
    // <value xsi:type="IVL_PQ"><high value="1.0" unit="mg/L" inclusive="true"/>
    let v = value(crp);
    assert_eq!((v.kind, v.display.as_str(), v.number), (ValueKind::Interval, "≤ 1.0 mg/L", Some(1.0)));
    assert_eq!(normal_range(crp).value.as_ref().unwrap().display, "≤ 5.0 mg/L");
    assert_eq!(crp.range_position, Some(RangePosition::Within));
}

#[test]
fn microbiology_isolates_and_antibiogram_matrix() {
    let report = extract("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_Microbiologie_V2.xml");
    let chapter = &report.chapters[0];
    let matrix = chapter.antibiogram.as_ref().expect("an antibiogram");
    let germs: Vec<&str> = matrix.isolates.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(germs, ["Escherichia coli (organism)", "Genus Streptococcus (organism)"]);
    let cell = |antibiotic: &str, isolate: usize| {
        let row = matrix.antibiotics.iter().find(|r| r.label == antibiotic).expect("the antibiotic's row");
        row.cells[isolate].clone().expect("a reading")
    };
    // E. coli × amoxicillin + clavulanate: <low value="0.512" unit="ug/mL" inclusive="true"/>, R
    let amoxicillin = cell("Amoxicilline+clavulanate", 0);
    assert_eq!(amoxicillin.interpretation.as_ref().unwrap().words(true), "R Résistant");
    assert_eq!(amoxicillin.value.as_deref(), Some("≥ 0.512 ug/mL"));
    assert_eq!(cell("Ampicilline", 0).interpretation.unwrap().code.as_deref(), Some("I"));
    assert_eq!(cell("Amoxicilline+clavulanate", 1).interpretation.unwrap().code.as_deref(), Some("S"));
    // a susceptibility reading is not "abnormal"
    assert_eq!(report.abnormal_count, 0);

    let examination = &chapter.batteries[0];
    let specimen = examination.specimen.as_ref().expect("the specimen collection");
    assert_eq!(specimen.specimen_type.as_ref().and_then(|t| t.label.as_deref()), Some("Urine"));
    assert_eq!(
        specimen.collected.as_ref().and_then(|t| t.high.as_ref()).map(|t| t.raw()),
        Some("202401040735+0100")
    );
    assert_eq!(
        specimen.received.as_ref().and_then(|t| t.value.as_ref()).map(|t| t.raw()),
        Some("202401040752+0100")
    );
    assert_eq!(examination.comments[0].text.as_deref(), Some("Traitement immédiat"));
    let isolates: Vec<&Battery> =
        examination.batteries.iter().filter(|b| b.kind == BatteryKind::Isolate).collect();
    assert_eq!(isolates.len(), 2);
    // a value given only by its narrative text
    let colour = result(&report, "5778-6");
    assert_eq!(value(colour).display, "paille");
    assert_eq!(value(colour).code.as_ref().unwrap().label_source, Some(LabelSource::Narrative));
}

#[test]
fn previous_results_with_their_dates() {
    let report = extract("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_Electrophorese.xml");
    let urea = result(&report, "22664-7");
    assert_eq!(value(urea).display, "10.02 mmol/L");
    assert_eq!(urea.abnormal, Some(AbnormalBy::Interpretation));
    let previous: Vec<(&str, &str)> = urea
        .previous
        .iter()
        .map(|p| {
            (
                p.effective_time.as_ref().unwrap().value.as_ref().unwrap().raw(),
                p.value.as_ref().unwrap().display.as_str(),
            )
        })
        .collect();
    assert_eq!(previous, [("202009120815+0100", "8.5 mmol/L"), ("202001030812+0100", "7.9 mmol/L")]);
    // the performing laboratory of the electrophoresis
    let performer = report.chapters[0].chapters[0].batteries[0]
        .parties
        .iter()
        .find(|p| p.role == results::PartyRole::Performer)
        .expect("a performer");
    assert_eq!(performer.names.last().map(String::as_str), Some("LABORATOIRE SOUS-TRAITANT"));
}

#[test]
fn rapid_tests_read_coded_values_and_comments() {
    let report = extract("TestContenuCDA-3-0__ExemplesCDA__BIO-TROD_2024.01_COVID-19_Grippe-A_Grippe-B.xml");
    assert_eq!(report.result_count, 3);
    let flu_a = result(&report, "80382-5");
    let code = value(flu_a).code.as_ref().unwrap();
    assert_eq!((code.code.as_deref(), code.label.as_deref()), (Some("10828004"), Some("positif")));
    assert_eq!(
        code.reference_text.as_deref(),
        Some("négatif"),
        "the narrative says otherwise: kept for the checks to come"
    );
    assert_eq!(flu_a.comments[0].text.as_deref(), Some("(texte libre)"));
    let device = &report.chapters[0].batteries[0].parties[0];
    assert_eq!(device.role, results::PartyRole::Device);
}

#[test]
fn only_abnormal_results_remain_when_asked() {
    let mut report = extract("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_Electrophorese.xml");
    assert_eq!((report.result_count, report.abnormal_count), (44, 6));
    report.retain_abnormal();
    assert_eq!((report.result_count, report.abnormal_count), (6, 6));
    assert!(all_results(&report).iter().all(|r| r.abnormal.is_some()));
    assert!(report.chapters.iter().all(|c| c.antibiogram.is_none()));
}

#[test]
fn documents_without_lab_results_have_none() {
    for name in [
        "TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml",
        "TestContenuCDA-3-0__ExemplesCDA__VSM_1.4_2022.01.xml",
        "TestContenuCDA-3-0__ExemplesCDA__IMG_CR_IMG_2024.01.xml",
    ] {
        assert!(extract(name).is_empty(), "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// The generated series
// ---------------------------------------------------------------------------------------

#[test]
fn the_generated_series_gives_values_and_previous_results() {
    let dir = tempfile::tempdir().unwrap();
    let files = vigie::demo::write_demo_set(dir.path()).unwrap();
    let mut reports: Vec<(String, LabReport)> = files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("cr-bio-")))
        .map(|p| {
            let document = vigie::read_path(p, &Limits::default());
            (p.file_name().unwrap().to_string_lossy().into_owned(), results::extract(&document))
        })
        .collect();
    reports.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(reports.len() >= 6, "a two-year series: {}", reports.len());
    for (name, report) in &reports {
        assert!(report.result_count >= 4, "{name}: {} results", report.result_count);
        for r in all_results(report) {
            let v = value(r);
            assert!(v.number.is_some() && v.unit.is_some(), "{name}: {:?}", v.display);
            assert_eq!(r.test.system.as_deref(), Some("2.16.840.1.113883.6.1"), "{name}: LOINC");
            assert!(!r.reference_ranges.is_empty(), "{name}: a range");
            // the generator computes the interpretation from the range: they agree
            let by_range = matches!(r.range_position, Some(RangePosition::Below | RangePosition::Above));
            assert_eq!(r.abnormal.is_some(), by_range, "{name}: {:?}", r.test.label);
        }
    }
    // every report after the first gives a previous fasting glucose
    let glucose = |report: &LabReport| {
        all_results(report).into_iter().find(|r| r.test.code.as_deref() == Some("40193-5")).cloned()
    };
    let first = glucose(&reports[0].1).expect("fasting glucose in the first report");
    assert!(first.previous.is_empty());
    let later = glucose(&reports[1].1).expect("fasting glucose in the second report");
    let previous = later.previous.first().expect("its previous value");
    assert_eq!(previous.value.as_ref().unwrap().number, value(&first).number);
}

// ---------------------------------------------------------------------------------------
// A C-CDA results document
// ---------------------------------------------------------------------------------------

const C_CDA: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <realmCode code="US"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.10.20.22.1.1" extension="2015-08-01"/>
  <id root="2.16.840.1.113883.19.5.99999.1" extension="TEST-RESULTS-1"/>
  <code code="11502-2" codeSystem="2.16.840.1.113883.6.1" displayName="Laboratory report"/>
  <title>Laboratory results</title>
  <effectiveTime value="20240301120000-0500"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <recordTarget><patientRole><id root="2.16.840.1.113883.19.5" extension="12345"/>
    <patient><name><given>Test</given><family>Patient</family></name>
      <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="19700101"/></patient>
  </patientRole></recordTarget>
  <author><time value="20240301"/><assignedAuthor><id root="2.16.840.1.113883.4.6" extension="999999"/>
    <assignedPerson><name><given>Lab</given><family>Director</family></name></assignedPerson></assignedAuthor></author>
  <custodian><assignedCustodian><representedCustodianOrganization><id root="2.16.840.1.113883.19.5"/>
    <name>Test Lab</name></representedCustodianOrganization></assignedCustodian></custodian>
  <component><structuredBody><component><section>
    <templateId root="2.16.840.1.113883.10.20.22.2.3.1" extension="2015-08-01"/>
    <code code="30954-2" codeSystem="2.16.840.1.113883.6.1" displayName="Relevant diagnostic tests/laboratory data"/>
    <title>Results</title>
    <text><table><tbody>
      <tr ID="row-hgb"><td ID="name-hgb">Hemoglobin</td><td>17.9 g/dL (H)</td><td>13.5-17.5</td></tr>
      <tr ID="row-wbc"><td ID="name-wbc">WBC</td><td>6.1 10*3/uL</td><td>4.5-11.0</td></tr>
    </tbody></table></text>
    <entry typeCode="DRIV">
      <organizer classCode="BATTERY" moodCode="EVN">
        <templateId root="2.16.840.1.113883.10.20.22.4.1" extension="2015-08-01"/>
        <id root="7d5a02b0-67a4-11db-bd13-0800200c9a66"/>
        <code code="58410-2" codeSystem="2.16.840.1.113883.6.1" displayName="CBC panel - Blood by Automated count"/>
        <statusCode code="completed"/>
        <effectiveTime value="202403010800-0500"/>
        <component>
          <observation classCode="OBS" moodCode="EVN">
            <templateId root="2.16.840.1.113883.10.20.22.4.2" extension="2015-08-01"/>
            <id root="107c2dc0-67a5-11db-bd13-0800200c9a66"/>
            <code code="718-7" codeSystem="2.16.840.1.113883.6.1" displayName="Hemoglobin [Mass/volume] in Blood">
              <originalText><reference value="#name-hgb"/></originalText>
            </code>
            <text><reference value="#row-hgb"/></text>
            <statusCode code="completed"/>
            <effectiveTime value="202403010800-0500"/>
            <value xsi:type="PQ" value="17.9" unit="g/dL"/>
            <interpretationCode code="H" codeSystem="2.16.840.1.113883.5.83"/>
            <referenceRange><observationRange>
              <value xsi:type="IVL_PQ"><low value="13.5" unit="g/dL"/><high value="17.5" unit="g/dL"/></value>
            </observationRange></referenceRange>
          </observation>
        </component>
        <component>
          <observation classCode="OBS" moodCode="EVN">
            <templateId root="2.16.840.1.113883.10.20.22.4.2" extension="2015-08-01"/>
            <id root="a69b3d60-2ffd-4440-958b-72b3335ff35f"/>
            <code code="6690-2" codeSystem="2.16.840.1.113883.6.1" displayName="Leukocytes [#/volume] in Blood by Automated count">
              <originalText><reference value="#name-wbc"/></originalText>
            </code>
            <text><reference value="#row-wbc"/></text>
            <statusCode code="completed"/>
            <effectiveTime value="202403010800-0500"/>
            <value xsi:type="PQ" value="6.1" unit="10*3/uL"/>
            <interpretationCode code="N" codeSystem="2.16.840.1.113883.5.83"/>
            <referenceRange><observationRange>
              <value xsi:type="IVL_PQ"><low value="4.5" unit="10*3/uL"/><high value="11.0" unit="10*3/uL"/></value>
            </observationRange></referenceRange>
          </observation>
        </component>
      </organizer>
    </entry>
  </section></component></structuredBody></component>
</ClinicalDocument>
"##;

#[test]
fn a_c_cda_result_organizer_is_read_the_same_way() {
    let document = common::read(C_CDA.as_bytes());
    let report = results::extract(&document);
    assert_eq!((report.result_count, report.abnormal_count), (2, 1));
    let chapter = &report.chapters[0];
    assert_eq!(chapter.title.as_deref(), Some("Results"));
    let battery = &chapter.batteries[0];
    assert_eq!(battery.kind, BatteryKind::Battery);
    assert_eq!(battery.code.as_ref().and_then(|c| c.code.as_deref()), Some("58410-2"));

    let hemoglobin = &battery.results[0];
    assert_eq!(hemoglobin.test.code.as_deref(), Some("718-7"));
    assert_eq!(hemoglobin.test.system_name.as_deref(), Some("LOINC"), "named from the OID");
    assert_eq!(hemoglobin.test.reference_text.as_deref(), Some("Hemoglobin"));
    assert_eq!(hemoglobin.text_reference.as_deref(), Some("#row-hgb"));
    assert_eq!((value(hemoglobin).number, value(hemoglobin).unit.as_deref()), (Some(17.9), Some("g/dL")));
    assert_eq!(normal_range(hemoglobin).value.as_ref().unwrap().display, "13.5–17.5 g/dL");
    assert_eq!(hemoglobin.interpretations[0].words(false), "H High");
    assert_eq!(hemoglobin.abnormal, Some(AbnormalBy::Interpretation));
    assert_eq!(hemoglobin.range_position, Some(RangePosition::Above));
    assert_eq!(hemoglobin.position.map(|p| p.line), Some(35));

    let leukocytes = &battery.results[1];
    assert_eq!(value(leukocytes).display, "6.1 10*3/uL");
    assert_eq!((leukocytes.range_position, leukocytes.abnormal), (Some(RangePosition::Within), None));
}

#[test]
fn without_an_interpretation_the_range_decides_and_says_so() {
    let without = C_CDA.replace(r#"<interpretationCode code="H" codeSystem="2.16.840.1.113883.5.83"/>"#, "");
    let report = results::extract(&common::read(without.as_bytes()));
    let hemoglobin = &report.chapters[0].batteries[0].results[0];
    assert!(hemoglobin.interpretations.is_empty());
    assert_eq!(hemoglobin.abnormal, Some(AbnormalBy::Range));
    let csv = results::present::csv_rows(
        &results::DocumentResults {
            file: "x.xml".into(),
            title: None,
            document_date: None,
            report: report.clone(),
        },
        vigie::summary::Lang::En,
    );
    assert!(csv.lines().next().unwrap().contains(",outside range (high),"), "{csv}");
    assert!(csv.lines().next().unwrap().ends_with(",range"), "{csv}");
}

// ---------------------------------------------------------------------------------------
// vigie results
// ---------------------------------------------------------------------------------------

fn vigie(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vigie")).args(args).env("LANG", "C").output().expect("vigie runs")
}

fn corpus_path(name: &str) -> String {
    common::corpus_file(name).display().to_string()
}

#[test]
fn cli_prints_a_grid_and_exits_0() {
    let out = vigie(&[
        "results",
        "--lang",
        "fr",
        &corpus_path("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2 résultat(s), 1 anormal(aux)"), "{text}");
    assert!(
        text.contains("Thyroxine libre  7.67 pg/mL     9.30–17.00 pg/mL     L Anormalement bas"),
        "{text}"
    );
}

#[test]
fn cli_exits_1_when_no_result_is_found() {
    let out = vigie(&["results", &corpus_path("TestContenuCDA-3-0__ExemplesCDA__VSM_1.4_2022.01.xml")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // normal results only, and --abnormal
    let out = vigie(&[
        "results",
        "--abnormal",
        &corpus_path("TestContenuCDA-3-0__ExemplesCDA__BIO-TROD_2024.01_COVID-19.xml"),
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn cli_usage_errors_exit_2() {
    assert_eq!(vigie(&["results"]).status.code(), Some(2));
    let doc = corpus_path("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml");
    assert_eq!(vigie(&["results", "--csv", "--json", &doc]).status.code(), Some(2));
    assert_eq!(vigie(&["results", "--frobnicate", &doc]).status.code(), Some(2));
}

#[test]
fn cli_csv_has_one_row_per_result_after_its_header() {
    let doc = corpus_path("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_Electrophorese.xml");
    let out = vigie(&["results", "--csv", &doc]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("file,document_date,chapter,battery,code,system,label,value,unit,low,high,range_text,interpretation,status,specimen,collected,line:column,abnormal")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 44);
    let urea = rows.iter().find(|r| r.contains(",22664-7,")).expect("the urea row");
    assert!(urea.contains(",10.02,mmol/L,3.50,8,3.50–8 mmol/L,H High,completed,"), "{urea}");
    assert!(urea.ends_with(",interpretation"), "{urea}");
    let abnormal = vigie(&["results", "--csv", "--abnormal", &doc]);
    assert_eq!(String::from_utf8_lossy(&abnormal.stdout).lines().count(), 1 + 6);
}

#[test]
fn cli_json_is_one_document_per_line() {
    let dir = common::shared().join("corpus/fr");
    let out = vigie(&["results", "--json", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert!(lines.len() >= 25, "{} documents with results", lines.len());
    let tsh = lines
        .iter()
        .find(|l| l["file"].as_str().is_some_and(|f| f.ends_with("BIO-CR-BIO_2024.01_TSH_1.xml")))
        .expect("the TSH document");
    assert_eq!(tsh["report"]["result_count"], 2);
    assert_eq!(tsh["document_date"]["raw"], "20210401171000+0100");
    let ft4 = &tsh["report"]["chapters"][0]["chapters"][0]["batteries"][0]["results"][1];
    assert_eq!(ft4["value"]["number"], 7.67);
    assert_eq!(ft4["abnormal"], "interpretation");
    assert_eq!(ft4["interpretations"][0]["french"], "Anormalement bas");
}
