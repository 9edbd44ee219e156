//! `vigie inspect` as a user runs it: exit codes, JSON lines, help.

mod common;

use std::process::Command;

fn vigie(args: &[&str]) -> std::process::Output {
    // `vigie list` keeps a library cache in the data folder: a temporary one, never the home's.
    let data = tempfile::tempdir().expect("a temporary folder");
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .env("LANG", "C")
        .env("XDG_DATA_HOME", data.path())
        .output()
        .expect("vigie runs")
}

fn corpus_doc() -> String {
    common::corpus_file("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml").display().to_string()
}

#[test]
fn inspect_exits_0_when_every_file_was_read() {
    let out = vigie(&["inspect", &corpus_doc()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CR d'examens biologiques (11502-2)"), "{text}");
    assert!(text.contains("INS-NIR (test identity) 279035121518989 ✓ key valid"), "{text}");
}

#[test]
fn inspect_exits_1_when_a_file_could_not_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>x</title>").unwrap();
    let missing = dir.path().join("missing.xml");
    let out = vigie(&["inspect", &corpus_doc(), broken.to_str().unwrap(), missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("INCOMPLETE"), "{text}");
    assert!(text.contains("cannot read the file"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(vigie(&["inspect"]).status.code(), Some(2));
    assert_eq!(vigie(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn json_is_one_object_per_document_per_line() {
    let doc = corpus_doc();
    let out = vigie(&["inspect", "--json", &doc, &doc]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["kind"], "clinical-document");
    assert_eq!(lines[0]["document"]["header"]["code"]["code"], "11502-2");
    assert_eq!(lines[0]["document"]["header"]["patients"][0]["ins"]["key_ok"], true);
}

#[test]
fn help_explains_the_exit_codes() {
    let out = vigie(&["inspect", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Exit code: 0 when every file was read"), "{text}");
}

#[test]
fn french_labels_on_request() {
    let out = vigie(&["inspect", "--lang", "fr", &corpus_doc()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Confidentialité"), "{text}");
    assert!(text.contains("✓ clé valide"), "{text}");
}

#[test]
fn a_document_that_is_not_well_formed_counts_as_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad-attribute.xml");
    std::fs::write(
        &bad,
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<id root=\"1.2\"\n<code/>\n</ClinicalDocument>",
    )
    .unwrap();
    let out = vigie(&["inspect", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("3:1"), "the problem is located");
}

#[test]
fn list_filters_the_corpus_and_exits_1_when_nothing_matches() {
    let corpus = common::shared().join("corpus/fr").display().to_string();
    let out = vigie(&["list", &corpus, "--type", "11502-2", "--since", "2024", "--body", "structured"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l.contains("CR d'examens biologiques") && l.contains("/2024")), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("document(s) of"));

    let none = vigie(&["list", &corpus, "--search", "zzqqxx"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(none.stdout.is_empty());
    assert_eq!(vigie(&["list", &corpus, "--since", "hier"]).status.code(), Some(2));
}

#[test]
fn list_json_holds_rows_counts_and_facets() {
    let corpus = common::shared().join("corpus/fr").display().to_string();
    let out = vigie(&["list", &corpus, "--json", "--search", "glycémie", "--limit", "3"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert!(json["total"].as_u64().unwrap() >= 3);
    assert_eq!(json["rows"].as_array().map(Vec::len), Some(3));
    assert!(json["rows"][0]["source"]["name"].as_str().is_some());
    assert!(json["facets"]["types"].as_array().is_some_and(|t| !t.is_empty()));
}

#[test]
fn commands_beyond_reading_and_rendering_run_in_vigie_full_beside_vigie() {
    // through `vigie`: the same exit code and findings as vigie-full gives (the JSON differs
    // only by the layers' run times)
    let findings = |out: std::process::Output| {
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON report");
        (out.status.code(), report["issues"].clone())
    };
    let through = vigie(&["check", &corpus_doc(), "--format", "json"]);
    let direct = Command::new(env!("CARGO_BIN_EXE_vigie-full"))
        .args(["check", &corpus_doc(), "--format", "json"])
        .env("LANG", "C")
        .output()
        .expect("vigie-full runs");
    let (through, direct) = (findings(through), findings(direct));
    assert_eq!(through, direct);
    assert!(through.1.to_string().contains("narrative.reference"), "{:?}", through.1);
    // `vigie` alone in a folder: reading and rendering still work, the other commands say
    // what is missing and how to get it
    let alone = tempfile::tempdir().unwrap();
    let exe = alone.path().join("vigie");
    std::fs::copy(env!("CARGO_BIN_EXE_vigie"), &exe).unwrap();
    let run = |args: &[&str]| Command::new(&exe).args(args).env("LANG", "C").output().expect("vigie runs");
    assert_eq!(run(&["inspect", &corpus_doc()]).status.code(), Some(0));
    let page = alone.path().join("page.html");
    assert_eq!(run(&["render", &corpus_doc(), "-o", page.to_str().unwrap()]).status.code(), Some(0));
    assert!(std::fs::read_to_string(&page).unwrap().contains("<!DOCTYPE html>"));
    let out = run(&["check", &corpus_doc()]);
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("vigie-full") && message.contains("cargo build --release --bins"), "{message}");
    // usage errors are still caught before any hand-over
    assert_eq!(run(&["check", "--format", "nonsense", "x"]).status.code(), Some(2));
    assert!(
        !String::from_utf8_lossy(&run(&["check", "--format", "nonsense", "x"]).stderr).contains("vigie-full")
    );
}
