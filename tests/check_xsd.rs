//! Full XSD validation (`vigie::check::xsd`, libxml2): the corpus against the oracle's
//! xmllint verdicts, the fixtures' messages, schema folders, hostile documents and schemas,
//! and one compiled schema shared by several threads.

mod common;

use std::fmt::Write;
use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use vigie::check::xsd::Schema;
use vigie::check::{Issue, Layer, RuleSource};
use vigie::Document;

fn kit_dir() -> PathBuf {
    common::shared().join("ans-kit/infrastructure/cda")
}

fn kit_schema() -> Schema {
    Schema::load(&kit_dir()).expect("the kit's CDA_extended.xsd compiles")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/structure").join(format!("{name}.xml"))
}

fn render(doc: &Document, issues: &[Issue]) -> String {
    let lines = doc.lines().expect("an XML document");
    let mut out = String::new();
    for issue in issues {
        let at = lines.position(issue.span.expect("a span").start);
        let _ = writeln!(out, "{at} {:?} {}", issue.severity, issue.rule);
        let _ = writeln!(out, "  fr: {}", issue.message.fr);
        let _ = writeln!(out, "  en: {}", issue.message.en.as_deref().unwrap_or("-"));
    }
    out
}

/// The oracle: xmllint's verdict and error count per corpus document (`summary.tsv`, row `xsd`).
fn oracle(path: &Path) -> (bool, usize) {
    let name = path.file_stem().unwrap().to_string_lossy();
    let summary = common::shared().join("corpus/oracle/ans-svrl").join(&*name).join("summary.tsv");
    let text = std::fs::read_to_string(&summary).unwrap_or_else(|e| panic!("{}: {e}", summary.display()));
    let row = text.lines().find(|l| l.split('\t').nth(1) == Some("xsd")).expect("an xsd row");
    let fields: Vec<&str> = row.split('\t').collect();
    (fields[7] == "yes", fields[3].parse().unwrap_or(0))
}

#[test]
fn every_corpus_document_gets_xmllints_verdict() {
    let schema = kit_schema();
    let mut agree = 0;
    let documents = common::corpus();
    for path in &documents {
        let doc = vigie::read_path(path, &vigie::xml::Limits::default());
        let issues = schema.validate(&doc);
        let (valid, errors) = oracle(path);
        assert_eq!(
            (issues.is_empty(), issues.len()),
            (valid, errors),
            "{}: ours then xmllint's\n{}",
            path.display(),
            render(&doc, &issues)
        );
        agree += 1;
    }
    // 76 of 76: xmllint accepts every corpus document, and so do we.
    assert_eq!((agree, documents.len()), (76, 76));
}

#[test]
fn each_fixture_gets_libxml2s_messages_located_and_in_french() {
    let schema = kit_schema();
    let doc = vigie::read_path(&fixture("valid"), &vigie::xml::Limits::default());
    assert_eq!(render(&doc, &schema.validate(&doc)), "");
    for rule in vigie::check::structure::RULES {
        let doc = vigie::read_path(&fixture(rule), &vigie::xml::Limits::default());
        let issues = schema.validate(&doc);
        assert!(!issues.is_empty(), "{rule}: libxml2 rejects the fixture");
        for issue in &issues {
            assert_eq!(issue.layer, Layer::Xsd);
            assert!(
                matches!(&issue.source, RuleSource::Xsd { schema } if schema.ends_with("CDA_extended.xsd"))
            );
        }
        insta::assert_snapshot!(format!("xsd_{}", rule.replace('.', "_")), render(&doc, &issues));
    }
}

#[test]
fn a_schema_is_found_in_the_folder_the_user_points_at() {
    let kit = common::shared().join("ans-kit");
    for (given, expected) in [
        (kit.clone(), "CDA_extended.xsd"),
        (kit_dir(), "CDA_extended.xsd"),
        (kit_dir().join("CDA_extended.xsd"), "CDA_extended.xsd"),
        (common::shared().join("corpus/schema"), "CDA.xsd"),
        (common::shared().join("corpus/schema/normative/infrastructure/cda/CDA.xsd"), "CDA.xsd"),
    ] {
        let schema = Schema::load(&given).unwrap_or_else(|e| panic!("{}: {e}", given.display()));
        assert_eq!(schema.file().file_name().unwrap(), expected, "{}", given.display());
        assert!(schema.skipped().is_empty());
    }
}

#[test]
fn a_folder_without_a_schema_is_an_error_that_says_what_to_give() {
    let missing = Schema::load(Path::new("/no/such/folder")).unwrap_err();
    assert!(missing.contains("n'existe pas") && missing.contains("does not exist"), "{missing}");
    let empty = tempfile::tempdir().unwrap();
    let none = Schema::load(empty.path()).unwrap_err();
    assert!(none.contains("CDA_extended.xsd") && none.contains("no CDA schema"), "{none}");
    let broken = empty.path().join("CDA.xsd");
    std::fs::write(&broken, "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element/>").unwrap();
    let error = Schema::load(empty.path()).unwrap_err();
    assert!(error.contains("could not be compiled") && error.contains("CDA.xsd"), "{error}");
}

/// A listener on the loopback that counts who comes knocking.
fn trap() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    (listener, url)
}

fn nobody_came(listener: &TcpListener) -> bool {
    matches!(listener.accept(), Err(e) if e.kind() == ErrorKind::WouldBlock)
}

#[test]
fn a_schema_import_over_the_network_is_never_fetched() {
    let (listener, url) = trap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("CDA.xsd"),
        format!(
            "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:hl7-org:v3'>\
             <xs:import namespace='urn:other' schemaLocation='{url}/other.xsd'/>\
             <xs:element name='ClinicalDocument'/></xs:schema>"
        ),
    )
    .unwrap();
    // libxml2 takes an import it could not read as an error: the schema does not compile,
    // and the message says why
    let error = Schema::load(dir.path()).unwrap_err();
    assert!(
        error.contains(&format!("{url}/other.xsd")) && error.contains("never uses the network"),
        "{error}"
    );
    assert!(nobody_came(&listener), "the schema's import was fetched");
}

#[test]
fn a_hostile_document_gets_no_dtd_no_entity_and_no_network() {
    let (listener, url) = trap();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "SECRET-CONTENT").unwrap();
    let valid = std::fs::read_to_string(fixture("valid")).unwrap();
    let body = valid.split_once("?>").unwrap().1;
    let schema = kit_schema();

    // A DTD from the network and schema hints pointing there: the DTD is never read, the
    // hints never followed, and the document validates as it is.
    let hinted = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE ClinicalDocument SYSTEM \"{url}/cda.dtd\">{}",
        body.replacen(
            "xmlns:sdtc=\"urn:hl7-org:sdtc\"",
            &format!("xmlns:sdtc=\"urn:hl7-org:sdtc\" xsi:schemaLocation=\"urn:hl7-org:v3 {url}/CDA.xsd\""),
            1
        )
    );
    let doc = common::read(hinted.as_bytes());
    assert_eq!(render(&doc, &schema.validate(&doc)), "");

    // An external entity reading a local file, and an entity bomb: neither is expanded; the
    // document is not validated, and says why.
    let entities = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE ClinicalDocument [\n<!ENTITY secret SYSTEM \"file://{}\">\n\
         <!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n\
         <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n\
         <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n]>{}",
        secret.display(),
        body.replacen("<title>Compte rendu d'examens biologiques</title>", "<title>&secret; &g;</title>", 1)
    );
    let doc = common::read(entities.as_bytes());
    let issues = schema.validate(&doc);
    let text = render(&doc, &issues);
    assert!(!text.contains("SECRET-CONTENT") && !text.contains("aaaaaaaaaa"), "{text}");
    assert_eq!(issues.iter().map(|i| i.rule.as_str()).collect::<Vec<_>>(), ["xsd.not-validated"], "{text}");
    assert!(text.contains("secret"), "the issue names the undefined entity: {text}");
    assert!(nobody_came(&listener), "something was fetched");
}

#[test]
fn one_compiled_schema_validates_from_several_threads() {
    let schema = Arc::new(kit_schema());
    let mut documents: Vec<PathBuf> = (0..3).map(|_| fixture("cda.attribute")).collect();
    documents.extend(common::corpus().into_iter().take(12));
    documents.extend(["cda.order", "cda.ts", "cda.pq"].map(fixture));
    let expected: Vec<usize> = documents
        .iter()
        .map(|p| schema.validate(&vigie::read_path(p, &vigie::xml::Limits::default())).len())
        .collect();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (schema, documents) = (Arc::clone(&schema), documents.clone());
            std::thread::spawn(move || {
                documents
                    .iter()
                    .map(|p| schema.validate(&vigie::read_path(p, &vigie::xml::Limits::default())).len())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().expect("no panic"), expected);
    }
}

#[test]
fn a_document_that_is_not_xml_gets_no_xsd_issue_and_a_foreign_one_is_rejected() {
    let schema = kit_schema();
    assert!(schema.validate(&common::read(b"%PDF-1.4 not xml")).is_empty());
    let doc = common::read(b"<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>");
    let issues = schema.validate(&doc);
    assert_eq!(issues.len(), 1);
    assert!(issues[0].message.en.as_deref().unwrap().contains("No matching global declaration"));
    assert!(issues[0].message.fr.contains("aucune déclaration globale"));
}

#[test]
fn a_mistake_repeated_thousands_of_times_gives_a_capped_report() {
    let valid = std::fs::read_to_string(fixture("valid")).unwrap();
    let authors =
        "<author><time value=\"2024\"/><assignedAuthor><id root=\"bad root\"/></assignedAuthor></author>"
            .repeat(3_000)
            .replace('\n', "");
    let one_line = valid.replacen("<author>", &format!("{authors}<author>"), 1).replace('\n', " ");
    let doc = common::read(one_line.as_bytes());
    let issues = kit_schema().validate(&doc);
    assert_eq!(issues.len(), vigie::check::xsd::MAX_ISSUES + 1);
    let note = issues.last().unwrap();
    assert_eq!(note.rule, "xsd.limit");
    assert!(note.message.en.as_deref().unwrap().contains("found at least 3000 errors"), "{:?}", note.message);
}

#[test]
fn without_libxml2_the_schema_layer_says_what_to_install_and_rendering_never_needs_it() {
    let lab = common::corpus_file("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml");
    let vigie = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(args)
            .env("LANG", "C")
            .env("VIGIE_LIBXML2", "/no/such/libxml2.so")
            .output()
            .expect("vigie runs")
    };
    let check = vigie(&["check".as_ref(), "--schema".as_ref(), kit_dir().as_os_str(), lab.as_os_str()]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("libxml2 was not found") && stderr.contains("VIGIE_LIBXML2"), "{stderr}");
    // the other commands never load it: a render works on a machine without libxml2
    let render = vigie(&["render".as_ref(), lab.as_os_str()]);
    assert!(render.status.success(), "{}", String::from_utf8_lossy(&render.stderr));
    assert!(String::from_utf8_lossy(&render.stdout).starts_with("<!DOCTYPE html>"));
}
