//! Tests of the generated documents as a reader sees them: parsed back, with every claim the
//! demo makes (well-formed, complete header, consistent lab values, valid identifiers, a real
//! PDF, an inflatable body, a consistent XDM package, reproducible corpora) checked.

use std::collections::{HashMap, HashSet};
use std::io::Read as _;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::demo_set::demo_documents;
use super::document::GeneratedDocument;
use super::pdf::tests::check_pdf_structure;
use super::sha1::sha1_hex;
use super::test_support::{check_header, check_nesting, check_references, lab_results, root, Node};
use super::xml::tests::check_well_formed;

fn demo() -> (Vec<GeneratedDocument>, (String, Vec<u8>)) {
    demo_documents()
}

#[test]
fn every_demo_document_is_well_formed_complete_and_consistent() {
    let (docs, _) = demo();
    assert!(docs.len() >= 10);
    for doc in &docs {
        check_well_formed(&doc.xml).unwrap_or_else(|e| panic!("{}: {e}", doc.file_name));
        let root = root(&doc.xml);
        check_nesting(&root);
        check_header(&root);
        check_references(&root);
    }
}

#[test]
fn file_names_are_descriptive_and_unique() {
    let (docs, (zip, _)) = demo();
    let names: HashSet<&str> = docs.iter().map(|d| d.file_name.as_str()).collect();
    assert_eq!(names.len(), docs.len());
    for expected in [
        "cr-bio-2024-03-12-dupont.xml",
        "cr-bio-2024-03-12-dupont-v2.xml",
        "vsm-martin.xml",
        "cr-imagerie-2024-11-05-durand.xml",
        "consultation-2024-09-24-dupont-deflate.xml",
        "lettre-liaison-2024-07-12-paoli-pdf.xml",
    ] {
        assert!(names.contains(expected), "{expected} missing from {names:?}");
    }
    assert_eq!(zip, "xdm-mssante-dupont.zip");
}

#[test]
fn lab_series_spans_two_years_with_moving_values_and_consistent_flags() {
    let (docs, _) = demo();
    let lab: Vec<&GeneratedDocument> = docs.iter().filter(|d| d.file_name.starts_with("cr-bio-")).collect();
    assert!(lab.len() >= 5);
    let mut hba1c = Vec::new();
    let mut flags = HashSet::new();
    for doc in &lab {
        let root = root(&doc.xml);
        assert_eq!(root.at("code").unwrap().attr("code"), Some("11502-2"));
        let templates: Vec<&str> = root.all("templateId").filter_map(|t| t.attr("root")).collect();
        assert!(templates.contains(&"1.3.6.1.4.1.19376.1.3.3"));
        assert!(templates.contains(&"1.2.250.1.213.1.1.1.55"));
        for row in lab_results(&root) {
            let expected = match (row.low, row.high) {
                (Some(l), _) if row.value < l => "L",
                (_, Some(h)) if row.value > h => "H",
                _ => "N",
            };
            assert_eq!(row.flag, expected, "{}: {} = {}", doc.file_name, row.loinc, row.value);
            flags.insert(row.flag);
            if row.loinc == "4548-4" && !doc.file_name.ends_with("-v2.xml") {
                hba1c.push(row.value);
            }
        }
    }
    assert_eq!(flags.len(), 3, "N, H and L all appear: {flags:?}");
    assert!(hba1c.len() >= 5 && hba1c.windows(2).all(|w| w[1] < w[0]), "{hba1c:?}");
}

#[test]
fn narrative_shows_the_value_the_entry_carries() {
    let (docs, _) = demo();
    let doc = docs.iter().find(|d| d.file_name == "cr-bio-2024-12-10-dupont.xml").unwrap();
    let root = root(&doc.xml);
    let rows: HashMap<String, String> = root
        .descendants()
        .into_iter()
        .filter(|n| n.name == "tr" && n.attr("ID").is_some())
        .map(|tr| (tr.attr("ID").unwrap().to_string(), tr.all_text()))
        .collect();
    let results = lab_results(&root);
    assert!(results.len() >= 10);
    for result in results {
        let row = &rows[&format!("{}-ligne", result.target.trim_start_matches('#'))];
        let shown = result.written.replace('.', ",");
        assert!(row.contains(&shown), "row {row:?} does not show {shown}");
    }
}

#[test]
fn the_corrected_report_replaces_the_first_version() {
    let (docs, _) = demo();
    let v1 = root(&docs.iter().find(|d| d.file_name == "cr-bio-2024-03-12-dupont.xml").unwrap().xml);
    let v2 = root(&docs.iter().find(|d| d.file_name == "cr-bio-2024-03-12-dupont-v2.xml").unwrap().xml);
    let attrs = |n: &Node| (n.attr("root").map(String::from), n.attr("extension").map(String::from));
    assert_eq!(attrs(v1.at("setId").unwrap()), attrs(v2.at("setId").unwrap()));
    assert_ne!(attrs(v1.at("id").unwrap()), attrs(v2.at("id").unwrap()));
    assert_eq!(v2.at("versionNumber").unwrap().attr("value"), Some("2"));
    let related = v2.child("relatedDocument").unwrap();
    assert_eq!(related.attr("typeCode"), Some("RPLC"));
    assert_eq!(attrs(related.at("parentDocument/id").unwrap()), attrs(v1.at("id").unwrap()));
    assert!(v1.child("relatedDocument").is_none());
    assert!(v2.all_text().contains("Compte rendu rectificatif"));
}

#[test]
fn the_pdf_document_carries_a_structurally_valid_pdf() {
    let (docs, _) = demo();
    let doc = docs.iter().find(|d| d.file_name.ends_with("-pdf.xml")).unwrap();
    let root = root(&doc.xml);
    let text = root.at("component/nonXMLBody/text").unwrap();
    assert_eq!(text.attr("mediaType"), Some("application/pdf"));
    assert_eq!(text.attr("representation"), Some("B64"));
    let b64: String = text.text.split_whitespace().collect();
    let pdf = STANDARD.decode(b64).unwrap();
    check_pdf_structure(&pdf).unwrap();
    assert!(String::from_utf8_lossy(&pdf).contains("LETTRE DE LIAISON \\300 LA SORTIE"));
}

#[test]
fn the_deflate_document_inflates_to_the_consultation_text() {
    let (docs, _) = demo();
    let doc = docs.iter().find(|d| d.file_name.ends_with("-deflate.xml")).unwrap();
    let root = root(&doc.xml);
    let text = root.at("component/nonXMLBody/text").unwrap();
    assert_eq!(text.attr("compression"), Some("DF"));
    assert_eq!(text.attr("mediaType"), Some("text/plain"));
    let packed = STANDARD.decode(text.text.trim()).unwrap();
    let mut inflated = String::new();
    flate2::read::DeflateDecoder::new(&packed[..]).read_to_string(&mut inflated).unwrap();
    // The note quotes the lab report of the week before.
    assert!(inflated.contains("HbA1c 6,5 % (contre 8,6 % en janvier 2023)"), "{inflated}");
}

#[test]
fn the_xdm_zip_lists_its_documents_with_matching_hash_and_size() {
    let (_, (_, zip)) = demo();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: Vec<String> = archive.file_names().map(String::from).collect();
    for expected in [
        "INDEX.HTM",
        "README.TXT",
        "IHE_XDM/SUBSET01/METADATA.XML",
        "IHE_XDM/SUBSET01/DOC0001.XML",
        "IHE_XDM/SUBSET01/DOC0002.XML",
        "IHE_XDM/SUBSET01/DOC0003.XML",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
    let mut read = |name: &str| {
        let mut out = Vec::new();
        archive.by_name(name).unwrap().read_to_end(&mut out).unwrap();
        out
    };
    let metadata = String::from_utf8(read("IHE_XDM/SUBSET01/METADATA.XML")).unwrap();
    check_well_formed(&metadata).unwrap();
    let meta = root(&metadata);
    let list = meta.child("rim:RegistryObjectList").unwrap();
    let entries: Vec<&Node> = list.all("rim:ExtrinsicObject").collect();
    assert_eq!(entries.len(), 3);
    let slot = |e: &Node, name: &str| -> String {
        e.all("rim:Slot")
            .find(|s| s.attr("name") == Some(name))
            .and_then(|s| s.at("rim:ValueList/rim:Value"))
            .map(|v| v.text.clone())
            .unwrap_or_else(|| panic!("slot {name}"))
    };
    for entry in entries {
        let uri = slot(entry, "URI");
        let bytes = read(&format!("IHE_XDM/SUBSET01/{uri}"));
        check_well_formed(std::str::from_utf8(&bytes).unwrap()).unwrap();
        assert_eq!(slot(entry, "hash"), sha1_hex(&bytes));
        assert_eq!(slot(entry, "size"), bytes.len().to_string());
        assert!(slot(entry, "creationTime").len() == 14);
        let patient = entry
            .all("rim:ExternalIdentifier")
            .find(|e| e.attr("identificationScheme") == Some("urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427"))
            .unwrap();
        assert!(patient.attr("value").unwrap().ends_with("^^^&1.2.250.1.213.1.4.11&ISO^NH"));
        let schemes: HashSet<&str> =
            entry.all("rim:Classification").filter_map(|c| c.attr("classificationScheme")).collect();
        assert_eq!(schemes.len(), 7, "author and six coded classifications");
    }
    assert_eq!(list.all("rim:Association").count(), 3);
    let readme = String::from_utf8(read("README.TXT")).unwrap();
    assert!(readme.contains("DOC0003.XML"));
    let index = String::from_utf8(read("INDEX.HTM")).unwrap();
    assert!(index.contains("href=\"IHE_XDM/SUBSET01/DOC0001.XML\""));
}

#[test]
fn write_demo_set_writes_every_file_it_reports() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("demo");
    let written = super::write_demo_set(&target).unwrap();
    assert!(written.len() >= 12);
    for path in &written {
        assert!(path.starts_with(&target));
        assert!(std::fs::metadata(path).unwrap().len() > 1000, "{}", path.display());
    }
    // Running it again gives the same bytes.
    let first: Vec<Vec<u8>> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
    super::write_demo_set(&target).unwrap();
    let second: Vec<Vec<u8>> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(first == second);
}

#[test]
fn large_document_reaches_its_size_and_stays_well_formed() {
    let target = 5_000_000;
    let xml = super::large_document(target);
    let ratio = xml.len() as f64 / target as f64;
    assert!((0.9..=1.1).contains(&ratio), "{} bytes", xml.len());
    check_well_formed(&xml).unwrap();
    let root = root(&xml);
    check_nesting(&root);
    check_header(&root);
    check_references(&root);
    assert!(lab_results(&root).len() > 1000);
}

#[test]
fn small_large_documents_are_still_whole_documents() {
    for target in [0, 30_000, 200_000] {
        let xml = super::large_document(target);
        check_well_formed(&xml).unwrap();
        if target >= 200_000 {
            let ratio = xml.len() as f64 / target as f64;
            assert!((0.9..=1.1).contains(&ratio), "{target}: {} bytes", xml.len());
        }
    }
}

#[test]
fn corpus_like_is_deterministic_varied_and_well_formed() {
    let first: Vec<(String, Vec<u8>)> = super::corpus_like(50, 1).collect();
    let second: Vec<(String, Vec<u8>)> = super::corpus_like(50, 1).collect();
    assert_eq!(first.len(), 50);
    assert!(first == second, "same seed, same bytes");
    let other: Vec<(String, Vec<u8>)> = super::corpus_like(50, 2).collect();
    assert!(first != other);

    let mut kinds = HashSet::new();
    for (name, bytes) in &first {
        let xml = std::str::from_utf8(bytes).unwrap();
        check_well_formed(xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        let root = root(xml);
        check_nesting(&root);
        check_header(&root);
        check_references(&root);
        kinds.insert(root.at("code").unwrap().attr("code").unwrap().to_string());
    }
    for code in ["11502-2", "18748-4", "60591-5"] {
        assert!(kinds.contains(code), "{code} missing from {kinds:?}");
    }
    assert!(kinds.contains("11490-0") || kinds.contains("11488-4"));
}

#[test]
fn corpus_like_contains_versions_and_copies() {
    let docs: Vec<(String, Vec<u8>)> = super::corpus_like(400, 7).collect();
    let names: HashSet<&str> = docs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), docs.len(), "file names are unique");
    assert!(docs.iter().any(|(n, _)| n.ends_with("-v2.xml")));
    let copies: Vec<usize> =
        docs.iter().enumerate().filter(|(_, (n, _))| n.contains("-copie-")).map(|(i, _)| i).collect();
    assert!(!copies.is_empty());
    for i in copies {
        assert_eq!(docs[i].1, docs[i - 1].1, "a copy has the bytes of the document before it");
    }
    for (i, (name, bytes)) in docs.iter().enumerate() {
        if name.ends_with("-v2.xml") {
            let v2 = root(std::str::from_utf8(bytes).unwrap());
            let v1 = root(std::str::from_utf8(&docs[i - 1].1).unwrap());
            let related = v2.at("relatedDocument/parentDocument/id").unwrap();
            assert_eq!(related.attr("extension"), v1.at("id").unwrap().attr("extension"));
        }
    }
}
