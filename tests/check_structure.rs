//! The native CDA structure layer (`vigie::check::structure`): one fixture per rule, the
//! corpus (no error on a document the official schema accepts), and agreement with libxml2
//! — the engine of xmllint, which the ANS kit runs — on the same mistakes made on purpose in
//! every corpus document.

mod common;
#[path = "check_structure/mutations.rs"]
mod mutations;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use vigie::check::structure::{self, RULES};
use vigie::check::xsd::Schema;
use vigie::check::Issue;
use vigie::diag::Severity;
use vigie::Document;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/structure").join(format!("{name}.xml"))
}

fn read(path: &Path) -> Document {
    vigie::read_path(path, &vigie::xml::Limits::default())
}

/// The issues as an editor reads them: position, severity, rule, both messages, the hint.
fn render(doc: &Document, issues: &[Issue]) -> String {
    let lines = doc.lines().expect("an XML document");
    let mut out = String::new();
    for issue in issues {
        let at = lines.position(issue.span.expect("every issue has a span").start);
        let _ = writeln!(out, "{at} {:?} {}", issue.severity, issue.rule);
        let _ = writeln!(out, "  fr: {}", issue.message.fr);
        let _ = writeln!(out, "  en: {}", issue.message.en.as_deref().unwrap_or("-"));
        let hint = issue.hint.as_ref();
        let _ = writeln!(out, "  hint: {}", hint.map_or("-", |h| h.fr.as_str()));
        let _ = writeln!(out, "  hint (en): {}", hint.and_then(|h| h.en.as_deref()).unwrap_or("-"));
    }
    out
}

fn error_lines(doc: &Document, issues: &[Issue]) -> Vec<u32> {
    let lines = doc.lines().expect("an XML document");
    let mut out: Vec<u32> = issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .filter_map(|i| i.span.map(|s| lines.position(s.start).line))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn kit_schema() -> Schema {
    Schema::load(&common::shared().join("ans-kit/infrastructure/cda")).expect("the kit's CDA_extended.xsd")
}

#[test]
fn the_valid_fixture_gets_no_issue() {
    let doc = read(&fixture("valid"));
    assert_eq!(render(&doc, &structure::check(&doc)), "");
}

#[test]
fn every_rule_has_a_fixture_that_breaks_it_and_a_page() {
    for rule in RULES {
        let page = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("docs/rules/{rule}.md"));
        assert!(page.is_file(), "{rule} has no page at {}", page.display());
        let doc = read(&fixture(rule));
        let issues = structure::check(&doc);
        assert!(issues.iter().any(|i| i.rule == rule), "the fixture of {rule} does not break it");
        for issue in &issues {
            assert_eq!(issue.layer, vigie::check::Layer::Cda);
            assert!(issue.hint.is_some() && issue.message.en.is_some(), "{rule}: hint and English message");
        }
        insta::assert_snapshot!(rule.replace('.', "_"), render(&doc, &issues));
    }
}

/// libxml2 stops checking a parent's content at its first mistake (it skips the rest of
/// the parent, subtrees included); the native check goes on. So every line libxml2 flags is
/// flagged natively, and the native check may flag more: the table records where.
#[test]
fn every_line_libxml2_flags_in_a_fixture_is_flagged_natively() {
    let schema = kit_schema();
    let mut table = String::from("fixture: native lines / libxml2 lines\n");
    for rule in RULES {
        let doc = read(&fixture(rule));
        let native = error_lines(&doc, &structure::check(&doc));
        let xsd = error_lines(&doc, &schema.validate(&doc));
        assert!(xsd.iter().all(|l| native.contains(l)), "{rule}: libxml2 flags {xsd:?}, native {native:?}");
        let _ = writeln!(table, "{rule}: {native:?} / {xsd:?}");
    }
    insta::assert_snapshot!("fixtures_native_and_libxml2_lines", table);
}

/// The oracle's verdict on a corpus document: xmllint against CDA_extended.xsd, from the
/// kit's run (`ans-svrl/<document>/summary.tsv`, row `xsd`): (valid, errors reported).
fn oracle_verdict(path: &Path) -> (bool, usize) {
    let name = path.file_stem().unwrap().to_string_lossy();
    let summary = common::shared().join("corpus/oracle/ans-svrl").join(&*name).join("summary.tsv");
    let text = std::fs::read_to_string(&summary).unwrap_or_else(|e| panic!("{}: {e}", summary.display()));
    let row = text.lines().find(|l| l.split('\t').nth(1) == Some("xsd")).expect("an xsd row");
    let fields: Vec<&str> = row.split('\t').collect();
    (fields[7] == "yes", fields[3].parse().unwrap_or(0))
}

#[test]
fn no_error_on_a_corpus_document_the_schema_accepts_and_warnings_recorded() {
    let mut warnings: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    let (mut valid, mut documents) = (0, 0);
    for path in common::corpus() {
        let doc = read(&path);
        let issues = structure::check(&doc);
        let (schema_valid, xmllint_errors) = oracle_verdict(&path);
        documents += 1;
        let errors = issues.iter().filter(|i| i.severity == Severity::Error).count();
        if schema_valid {
            valid += 1;
            assert_eq!(
                errors,
                0,
                "{}: errors on a document xmllint accepts:\n{}",
                path.display(),
                render(&doc, &issues)
            );
        } else {
            assert!(
                errors >= xmllint_errors.min(1),
                "{}: xmllint found errors, we found none",
                path.display()
            );
        }
        for issue in issues.iter().filter(|i| i.severity == Severity::Warning) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            *warnings.entry(name).or_default().entry(rules_name(&issue.rule)).or_default() += 1;
        }
    }
    // The oracle: xmllint accepts all 76 documents of the corpus.
    assert_eq!((valid, documents), (76, 76));
    // What HL7 asks beyond the schema, found in the corpus (each checked by hand: empty
    // `<id/>`s, a month 20, UUID roots with letters past F, translations without their code
    // system, a "+100" offset).
    let mut table = String::new();
    for (doc, rules) in &warnings {
        let _ = writeln!(table, "{doc}: {rules:?}");
    }
    insta::assert_snapshot!("corpus_warnings", table);
}

fn rules_name(rule: &str) -> &'static str {
    RULES.iter().find(|r| **r == rule).copied().unwrap_or("other")
}

/// Every mutation of `tests/common/mutations.rs` on every corpus document it applies to: the
/// lines libxml2 flags against the lines the native check flags, and whether the native
/// check names the mistake with the expected rule.
#[test]
fn the_native_check_flags_the_lines_libxml2_flags_on_broken_corpus_documents() {
    let schema = kit_schema();
    let corpus: Vec<Document> = common::corpus().iter().map(|p| read(p)).collect();
    let mut table = String::from(
        "mutation | documents | same lines | libxml2 lines missed | extra native lines | expected rule\n",
    );
    let (mut total, mut total_same) = (0, 0);
    for mutation in &mutations::ALL {
        let (mut cases, mut same, mut missed, mut extra, mut named) = (0, 0, 0, 0, 0);
        for doc in &corpus {
            let Some(text) = mutation.apply(doc) else { continue };
            let broken = common::read(text.as_bytes());
            let native_issues = structure::check(&broken);
            let native = error_lines(&broken, &native_issues);
            let xsd = error_lines(&broken, &schema.validate(&broken));
            assert!(!xsd.is_empty(), "{}: libxml2 should reject it", mutation.name);
            cases += 1;
            same += usize::from(native == xsd);
            missed += xsd.iter().filter(|l| !native.contains(l)).count();
            extra += native.iter().filter(|l| !xsd.contains(l)).count();
            named += usize::from(
                native_issues.iter().any(|i| i.rule == mutation.rule && i.severity == Severity::Error),
            );
        }
        total += cases;
        total_same += same;
        let _ = writeln!(table, "{} | {cases} | {same} | {missed} | {extra} | {named}", mutation.name);
    }
    let _ = writeln!(table, "total | {total} | {total_same}");
    insta::assert_snapshot!("agreement_with_libxml2", table);
    assert_eq!(total, total_same, "the native check and libxml2 disagree somewhere:\n{table}");
}

#[test]
fn the_content_model_table_is_generated_from_the_current_schema() {
    let output = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen_cda_schema.py"))
        .arg("--check")
        .output()
        .expect("python3 runs scripts/gen_cda_schema.py");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn a_document_that_is_not_cda_gets_no_structure_issue() {
    for text in ["<html><body/></html>", "not xml at all", "%PDF-1.4"] {
        assert!(structure::check(&common::read(text.as_bytes())).is_empty(), "{text}");
    }
}

#[test]
fn an_auto_presentable_document_is_checked_inside_its_stylesheet() {
    let valid = std::fs::read_to_string(fixture("cda.order")).unwrap();
    let body = valid.split_once("?>").unwrap().1;
    let wrapped = format!(
        "<?xml version=\"1.0\"?>\n<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">\n\
         <xsl:template match=\"/\">{body}</xsl:template></xsl:stylesheet>"
    );
    let issues = structure::check(&common::read(wrapped.as_bytes()));
    assert_eq!(issues.iter().map(|i| i.rule.as_str()).collect::<Vec<_>>(), ["cda.order"]);
}

#[test]
fn a_prefixed_document_and_its_xsi_types_are_read_through_their_prefix() {
    let valid = std::fs::read_to_string(fixture("valid")).unwrap();
    let prefixed = valid
        .replace("xmlns=\"urn:hl7-org:v3\"", "xmlns:v3=\"urn:hl7-org:v3\"")
        .replace("<sdtc:", "<SDTC_")
        .replace("</", "</v3:")
        .replace('<', "<v3:")
        .replace("<v3:?", "<?")
        .replace("<v3:!", "<!")
        .replace("<v3:/", "</")
        .replace("v3:SDTC_", "sdtc:")
        .replace("</v3:sdtc:", "</sdtc:")
        .replace("xsi:type=\"PQ\"", "xsi:type=\"v3:PQ\"")
        .replace("xsi:type=\"REAL\"", "xsi:type=\"v3:REAL\"");
    let doc = common::read(prefixed.as_bytes());
    assert_eq!(render(&doc, &structure::check(&doc)), "");
}

#[test]
fn a_mistake_repeated_a_hundred_thousand_times_gives_a_capped_report() {
    let valid = std::fs::read_to_string(fixture("valid")).unwrap();
    // 100,000 titles in the header: one parent, as many misplaced children
    let titles = "<title>x</title>".repeat(100_000);
    let many_titles = valid.replacen("<title>Compte rendu d'examens biologiques</title>", &titles, 1);
    let issues = structure::check(&common::read(many_titles.as_bytes()));
    assert!(issues.len() <= 32, "one parent's misplaced children are diagnosed 32 at most: {}", issues.len());
    assert!(issues.iter().all(|i| i.rule == "cda.cardinality"));

    // 20,000 bad identifiers, each in a parent of its own: the report stops at the limit
    let authors =
        "<author><time value=\"2024\"/><assignedAuthor><id root=\"bad root\"/></assignedAuthor></author>"
            .repeat(20_000);
    let many_authors = valid.replacen("<author>", &format!("{authors}<author>"), 1);
    let issues = structure::check(&common::read(many_authors.as_bytes()));
    assert_eq!(issues.len(), structure::MAX_ISSUES + 1);
    let last = issues.iter().find(|i| i.rule == "cda.limit").expect("the note that the check stopped");
    assert!(last.message.en.as_deref().unwrap().contains("stopped after 10000 issues"));
}
