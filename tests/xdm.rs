//! IHE XDM packages: the real samples of `../shared/corpus/xdm` (read in place) with their
//! deviations, the demo generator's package (which must cross-check cleanly), and hostile
//! zips built here: path traversal, zip bombs, too many entries, encryption, truncation, and
//! metadata that lies about its document.

mod common;

use std::io::{Cursor, Write as _};

use vigie::diag::{Finding, Severity};
use vigie::xdm::{self, ArchiveLimits, DocumentRole, XdmPackage};
use vigie::xml::Limits;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn corpus_zip(name: &str) -> Vec<u8> {
    let path = common::shared().join("corpus/xdm").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("the XDM corpus must be at {}: {e}", path.display()))
}

fn read(zip: &[u8]) -> XdmPackage {
    xdm::read_package(zip, &ArchiveLimits::default(), &Limits::default())
}

/// Builds a zip in memory from (name, bytes), deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(entries, CompressionMethod::Deflated)
}

fn zip_with(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Every finding of the package: the zip's and each METADATA.XML's.
fn all_findings(package: &XdmPackage) -> Vec<&Finding> {
    let sets = package.submission_sets.iter().flat_map(|s| s.metadata_findings.iter());
    package.findings.iter().chain(sets).collect()
}

fn codes(package: &XdmPackage) -> Vec<&'static str> {
    all_findings(package).iter().map(|f| f.code).collect()
}

fn finding<'p>(package: &'p XdmPackage, code: &str) -> &'p Finding {
    all_findings(package)
        .into_iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} among {:?}", codes(package)))
}

/// The demo set's XDM package, as `vigie demo DIR` writes it.
fn demo_zip() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let written = vigie::demo::write_demo_set(dir.path()).unwrap();
    let zip = written.iter().find(|p| p.extension().is_some_and(|e| e == "zip")).expect("the demo XDM zip");
    std::fs::read(zip).unwrap()
}

/// Every member of `zip`, with `path`'s bytes replaced by `edit(old)`.
fn rezip(zip: &[u8], path: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let package = read(zip);
    let limits = ArchiveLimits::default();
    let members: Vec<(String, Vec<u8>)> = package
        .members
        .iter()
        .map(|m| {
            let bytes = xdm::read_member(zip, &m.path, &limits).unwrap();
            let bytes =
                if m.path == path { edit(std::str::from_utf8(&bytes).unwrap()).into_bytes() } else { bytes };
            (m.path.clone(), bytes)
        })
        .collect();
    let entries: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    zip_of(&entries)
}

#[test]
fn direct_project_sample_with_an_extra_root_folder_is_paired_by_hash() {
    let zip = corpus_zip("directproject-nhin-d_xd-common_samplexdm.zip");
    let package = read(&zip);
    assert_eq!(package.root, "samplexdm/");
    let [set] = &package.submission_sets[..] else { panic!("one submission set") };
    assert_eq!(set.folder, "IHE_XDM/SUBSET01");
    assert_eq!(set.metadata_path.as_deref(), Some("samplexdm/IHE_XDM/SUBSET01/METADATA.xml"));
    let clinical: Vec<_> = set.documents.iter().filter(|d| d.role == DocumentRole::Clinical).collect();
    let [document] = &clinical[..] else { panic!("one clinical document: {:?}", set.documents) };
    assert_eq!(document.path, "samplexdm/IHE_XDM/SUBSET01/Document01.xml");
    let entry = document.entry.as_ref().expect("paired with its entry");
    assert_eq!(entry.unique_id.as_deref(), Some("1.3.6.1.4.1.21367.2005.3.9999.32"));
    let stylesheet = set.documents.iter().find(|d| d.path.ends_with("CCD.xsl")).unwrap();
    assert_eq!((stylesheet.role, stylesheet.entry.is_none()), (DocumentRole::Other, true));

    let codes = codes(&package);
    for expected in [
        "xdm.extra-root-folder",
        "xdm.name-case",
        "xdm.uri-missing",
        "xdm.size-missing",
        "xdm.matched-by-hash",
        "xdm.cx-malformed",
    ] {
        assert!(codes.contains(&expected), "{expected} missing from {codes:?}");
    }
    assert!(!codes.contains(&"xdm.hash-missing") && !codes.contains(&"xdm.document-missing"), "{codes:?}");
    // located in METADATA.XML
    assert!(set.metadata_findings.iter().all(|f| f.position.is_some()));

    // the hash matches the file: cross_check finds no hash mismatch
    let bytes = xdm::read_member(&zip, &document.path, &ArchiveLimits::default()).unwrap();
    let checks = xdm::cross_check(entry, &bytes, &common::read(&bytes));
    let check_codes: Vec<&str> = checks.iter().map(|f| f.code).collect();
    // the US sample's metadata was written for another document: everything but the hash,
    // the type and the language disagrees
    assert_eq!(
        check_codes,
        [
            "xdm.unique-id-mismatch",
            "xdm.patient-mismatch",
            "xdm.time-mismatch",
            "xdm.time-mismatch",
            "xdm.time-mismatch",
            "xdm.author-mismatch"
        ]
    );
    insta::assert_json_snapshot!("xd-common", package);
}

#[test]
fn direct_project_sample_with_backslash_paths_and_no_ihe_xdm_folder() {
    let zip = corpus_zip("directproject-nhin-d_xdmail_samplexdm.zip");
    let package = read(&zip);
    assert_eq!(package.root, "");
    assert!(package.members.iter().any(|m| m.raw_name == "SUBSET01\\METADATA.xml"));
    let [set] = &package.submission_sets[..] else { panic!("one submission set") };
    assert_eq!(set.folder, "SUBSET01");
    let clinical: Vec<_> = set.documents.iter().filter(|d| d.role == DocumentRole::Clinical).collect();
    let [document] = &clinical[..] else { panic!("one clinical document: {:?}", set.documents) };
    assert_eq!(document.path, "SUBSET01/DOCUMENT.xml");
    assert_eq!(document.entry.as_ref().map(|e| e.id.as_str()), Some("Document01"));
    let codes = codes(&package);
    for expected in [
        "xdm.backslash-paths",
        "xdm.no-ihe-xdm-folder",
        "xdm.name-case",
        "xdm.uri-missing",
        "xdm.hash-missing",
        "xdm.size-missing",
        "xdm.matched-by-position",
    ] {
        assert!(codes.contains(&expected), "{expected} missing from {codes:?}");
    }
    // read again by its normalised path, back-slashes and all
    assert!(xdm::read_member(&zip, "SUBSET01/DOCUMENT.xml", &ArchiveLimits::default()).is_ok());
    insta::assert_json_snapshot!("xdmail", package);
}

/// The ANS DRIM-M METADATA.XML in the package layout it came from.
fn drim_m_zip(edit: impl Fn(String) -> String) -> Vec<u8> {
    let path = common::shared().join("corpus/xdm/ansforge-DRIM-M_DATA_KA202401_SS000001_METADATA.XML");
    let metadata = edit(std::fs::read_to_string(path).unwrap());
    zip_of(&[
        ("KA202401/INDEX.HTM", b"<html><body>KOS</body></html>"),
        ("KA202401/README.TXT", b"DRIMbox"),
        ("KA202401/IHE_XDM/SS000001/METADATA.XML", metadata.as_bytes()),
        ("KA202401/IHE_XDM/SS000001/KOS_1_1.DCM", b"\0\0\0\0DICM (not a real KOS)"),
        (
            "KA202401/IHE_XDM/SS000001/SIGN_1.XML",
            b"<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo/></Signature>",
        ),
    ])
}

#[test]
fn ans_drim_m_metadata_gives_french_codes_and_a_signature() {
    let package = read(&drim_m_zip(|m| m));
    assert_eq!(package.root, "KA202401/");
    let [set] = &package.submission_sets[..] else { panic!("one submission set") };
    assert_eq!(set.folder, "IHE_XDM/SS000001");
    let metadata = set.metadata.as_ref().expect("read despite the undeclared prefix");
    assert_eq!(metadata.documents.len(), 2);
    let kos = &metadata.documents[0];
    let code = |c: &Option<xdm::CodedValue>| c.as_ref().map(|c| c.code.clone()).unwrap_or_default();
    assert_eq!(code(&kos.class_code), "31");
    assert_eq!(kos.class_code.as_ref().and_then(|c| c.scheme.as_deref()), Some("1.2.250.1.213.1.1.4.1"));
    assert_eq!(code(&kos.type_code), "IMG-KOS");
    assert_eq!(code(&kos.healthcare_facility_type_code), "SA25");
    assert_eq!(code(&kos.practice_setting_code), "AMBULATOIRE");
    assert_eq!(kos.event_codes.len(), 2);
    let ins = kos.patient_id.as_ref().expect("the INS");
    assert_eq!((ins.id.as_str(), ins.root.as_deref()), ("162018885045327", Some("1.2.250.1.213.1.4.10")));
    let author = kos.authors[0].person.as_ref().unwrap();
    assert_eq!(author.assigning_authority.as_deref(), Some("1.2.250.1.71.4.2.1"));
    let signature = &metadata.documents[1];
    let confidentiality: Vec<&str> =
        signature.confidentiality_codes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(confidentiality, ["N", "MASQUE_PS", "INVISIBLE_PATIENT"]);
    let submission = metadata.submission.as_ref().unwrap();
    assert_eq!(code(&submission.content_type_code), "04");

    // both files paired by their URI, which wrongly includes the subset folder
    let role = |name: &str| {
        set.documents.iter().find(|d| d.path.ends_with(name)).map(|d| (d.role, d.entry.is_some()))
    };
    assert_eq!(role("KOS_1_1.DCM"), Some((DocumentRole::Clinical, true)));
    assert_eq!(role("SIGN_1.XML"), Some((DocumentRole::Signature, true)));
    let sign = set.documents.iter().find(|d| d.path.ends_with("SIGN_1.XML")).unwrap();
    assert_eq!(sign.signs, ["SubmissionSet01"]);

    let prefix = finding(&package, "xml.unbound-prefix");
    assert!(prefix.message.contains("ns3:"), "{}", prefix.message);
    let at = prefix.position.expect("located in METADATA.XML");
    assert_eq!((at.line, at.column), (2, 5)); // the name after three tabs and '<'
    assert!(finding(&package, "xdm.unknown-identification-scheme").message.contains("\"1.2.3\""));
    assert!(finding(&package, "xdm.language-code").message.contains("\"art\""));
    let codes = codes(&package);
    for expected in
        ["xdm.metadata-no-declaration", "xdm.uri-includes-folder", "xdm.subset-name", "xdm.extra-root-folder"]
    {
        assert!(codes.contains(&expected), "{expected} missing from {codes:?}");
    }
    assert!(
        !codes.contains(&"xdm.document-missing") && !codes.contains(&"xdm.document-unlisted"),
        "{codes:?}"
    );
    insta::assert_json_snapshot!("drim-m", package);
}

#[test]
fn a_signature_is_recognised_by_its_signs_association_alone() {
    let zip = drim_m_zip(|m| {
        m.replace("urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1", "99")
            .replace("http://www.w3.org/2000/09/xmldsig#", "urn:other")
            .replace("\"E1762\"", "\"X\"")
    });
    let package = read(&zip);
    let sign = package.submission_sets[0].documents.iter().find(|d| d.path.ends_with("SIGN_1.XML")).unwrap();
    assert_eq!(sign.role, DocumentRole::Signature);
    assert_eq!(sign.signs, ["SubmissionSet01"]);
}

#[test]
fn the_demo_package_is_clean_and_cross_checks_with_no_warning() {
    let zip = demo_zip();
    let package = read(&zip);
    let serious: Vec<_> =
        all_findings(&package).into_iter().filter(|f| f.severity >= Severity::Warning).collect();
    assert!(serious.is_empty(), "{serious:#?}");
    assert_eq!(package.root, "");
    let [set] = &package.submission_sets[..] else { panic!("one submission set") };
    assert_eq!(set.folder, "IHE_XDM/SUBSET01");
    assert_eq!(set.documents.len(), 3);
    for document in &set.documents {
        assert_eq!(document.role, DocumentRole::Clinical);
        let entry = document.entry.as_ref().expect("every document is registered");
        let bytes = xdm::read_member(&zip, &document.path, &ArchiveLimits::default()).unwrap();
        let checks = xdm::cross_check(entry, &bytes, &common::read(&bytes));
        assert!(checks.is_empty(), "{}: {checks:#?}", document.path);
    }
}

#[test]
fn metadata_that_lies_about_its_document_is_caught_by_cross_check() {
    let zip = demo_zip();
    let original = read(&zip);
    let entry = original.submission_sets[0].documents[0].entry.clone().unwrap();
    let (size, hash) = (entry.size.unwrap(), entry.hash.clone().unwrap());
    let patient = entry.patient_id.as_ref().unwrap().value.replace('&', "&amp;");
    let type_code = entry.type_code.as_ref().unwrap().code.clone();
    let lying = rezip(&zip, "IHE_XDM/SUBSET01/METADATA.XML", |m| {
        m.replacen(&format!(">{size}<"), &format!(">{}<", size + 6), 1)
            .replacen(&hash, "0123456789abcdef0123456789abcdef01234567", 1)
            .replacen(&patient, "299999999999999^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH", 1)
            .replacen(&format!("nodeRepresentation=\"{type_code}\""), "nodeRepresentation=\"34133-9\"", 1)
    });
    let package = read(&lying);
    let document = &package.submission_sets[0].documents[0];
    let entry = document.entry.as_ref().expect("still paired by its URI");
    let bytes = xdm::read_member(&lying, &document.path, &ArchiveLimits::default()).unwrap();
    let checks = xdm::cross_check(entry, &bytes, &common::read(&bytes));
    let message = |code: &str| {
        checks
            .iter()
            .find(|f| f.code == code)
            .map(|f| f.message.clone())
            .unwrap_or_else(|| panic!("no {code}: {checks:#?}"))
    };
    assert_eq!(
        message("xdm.size-mismatch"),
        format!("the package's metadata gives size {} but the document has {size} bytes", size + 6)
    );
    assert!(message("xdm.hash-mismatch").contains(&hash));
    assert!(message("xdm.patient-mismatch").contains("299999999999999"));
    assert!(message("xdm.type-code-mismatch").contains("34133-9"));
    assert!(message("xdm.type-code-mismatch").contains(&type_code));
    assert_eq!(checks.len(), 4, "{checks:#?}");
    assert!(checks.iter().all(|f| f.severity == Severity::Warning && f.position.is_some()));
}

const METADATA: &str = r#"<SubmitObjectsRequest><RegistryObjectList/></SubmitObjectsRequest>"#;

#[test]
fn entries_escaping_the_package_are_never_followed() {
    let zip = zip_of(&[
        ("../evil.xml", b"<x/>"),
        ("/etc/passwd", b"root"),
        ("C:\\Windows\\evil.xml", b"<x/>"),
        ("IHE_XDM/SUBSET01/../../../up.xml", b"<x/>"),
        ("IHE_XDM/SUBSET01/METADATA.XML", METADATA.as_bytes()),
    ]);
    let package = read(&zip);
    let escapes: Vec<&Finding> = package.findings.iter().filter(|f| f.code == "xdm.path-escapes").collect();
    assert_eq!(escapes.len(), 4, "{:#?}", package.findings);
    assert!(escapes.iter().all(|f| f.severity == Severity::Error));
    assert!(escapes[0].message.contains("../evil.xml"));
    assert_eq!(package.members.len(), 1);
    for path in ["../evil.xml", "/etc/passwd", "C:\\Windows\\evil.xml", "evil.xml", "etc/passwd"] {
        assert!(xdm::read_member(&zip, path, &ArchiveLimits::default()).is_err(), "{path}");
    }
}

#[test]
fn a_ratio_bomb_stops_while_inflating() {
    let zeros = vec![0u8; 50 * 1024 * 1024];
    let zip = zip_of(&[("IHE_XDM/SUBSET01/METADATA.XML", &zeros)]);
    drop(zeros);
    assert!(zip.len() < 200_000);
    let package = read(&zip);
    let bomb = finding(&package, "limits.zip-ratio");
    assert_eq!(bomb.severity, Severity::Error);
    assert!(bomb.message.contains("zip bomb"), "{}", bomb.message);
    assert!(package.submission_sets[0].metadata.is_none());
    let error =
        xdm::read_member(&zip, "IHE_XDM/SUBSET01/METADATA.XML", &ArchiveLimits::default()).unwrap_err();
    assert_eq!(error.code, "limits.zip-ratio");
}

#[test]
fn a_member_larger_than_the_limit_is_not_read() {
    let data: Vec<u8> = (0..300_000u32).flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes()).collect();
    let zip = zip_of(&[("IHE_XDM/SUBSET01/DOC0001.XML", &data)]);
    let limits = ArchiveLimits { max_entry_bytes: 1_000_000, ..ArchiveLimits::default() };
    let error = xdm::read_member(&zip, "IHE_XDM/SUBSET01/DOC0001.XML", &limits).unwrap_err();
    assert_eq!(error.code, "limits.zip-entry-size");
}

#[test]
fn the_total_inflated_is_bounded() {
    let filler =
        |c: &str| format!("<SubmitObjectsRequest><!--{}--></SubmitObjectsRequest>", c.repeat(100_000));
    let (a, b) = (filler("a"), filler("b"));
    let zip = zip_of(&[
        ("IHE_XDM/SUBSET01/METADATA.XML", a.as_bytes()),
        ("IHE_XDM/SUBSET02/METADATA.XML", b.as_bytes()),
    ]);
    let limits = ArchiveLimits { max_total_bytes: 150_000, ..ArchiveLimits::default() };
    let package = xdm::read_package(&zip, &limits, &Limits::default());
    assert!(package.submission_sets[0].metadata.is_some());
    assert!(package.submission_sets[1].metadata.is_none());
    assert!(finding(&package, "limits.zip-total").message.contains("SUBSET02"));
}

#[test]
fn too_many_entries_are_not_all_listed() {
    let names: Vec<String> = (0..50).map(|i| format!("IHE_XDM/SUBSET01/DOC{i:04}.XML")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), b"<x/>".as_slice())).collect();
    let zip = zip_of(&entries);
    let limits = ArchiveLimits { max_entries: 10, ..ArchiveLimits::default() };
    let package = xdm::read_package(&zip, &limits, &Limits::default());
    assert_eq!(package.members.len(), 10);
    assert!(finding(&package, "limits.zip-entries").message.contains("50 entries"));
}

/// Sets the "encrypted" flag of every entry (local and central headers) of a stored zip.
fn mark_encrypted(mut zip: Vec<u8>) -> Vec<u8> {
    let mut at = 0;
    while at + 4 <= zip.len() {
        match &zip[at..at + 4] {
            b"PK\x03\x04" => zip[at + 6] |= 1,
            b"PK\x01\x02" => zip[at + 8] |= 1,
            _ => {}
        }
        at += 1;
    }
    zip
}

#[test]
fn encrypted_entries_are_reported_and_not_read() {
    let zip =
        mark_encrypted(zip_with(&[("IHE_XDM/SUBSET01/DOC0001.XML", b"secret")], CompressionMethod::Stored));
    let package = read(&zip);
    assert!(package.members[0].encrypted);
    assert!(finding(&package, "xdm.encrypted").message.contains("DOC0001.XML"));
    let error =
        xdm::read_member(&zip, "IHE_XDM/SUBSET01/DOC0001.XML", &ArchiveLimits::default()).unwrap_err();
    assert_eq!(error.code, "xdm.encrypted");
}

#[test]
fn a_damaged_member_fails_its_checksum() {
    let mut zip =
        zip_with(&[("IHE_XDM/SUBSET01/DOC0001.XML", b"<ClinicalDocument/>")], CompressionMethod::Stored);
    let at = zip.windows(5).position(|w| w == b"<Clin").unwrap();
    zip[at + 1] = b'K';
    let error =
        xdm::read_member(&zip, "IHE_XDM/SUBSET01/DOC0001.XML", &ArchiveLimits::default()).unwrap_err();
    assert_eq!(error.code, "xdm.member-corrupt");
    assert!(error.message.contains("CRC-32"), "{}", error.message);
}

#[test]
fn a_truncated_zip_gives_what_it_can_and_never_panics() {
    let zip = demo_zip();
    let cut = &zip[..zip.len() * 3 / 5];
    let package = read(cut);
    assert!(finding(&package, "xdm.zip-damaged").severity == Severity::Error);
    assert!(
        package.members.iter().any(|m| m.path == "IHE_XDM/SUBSET01/METADATA.XML"),
        "{:?}",
        package.members
    );
    assert!(package.submission_sets[0].metadata.is_some());
    for len in (0..zip.len()).step_by(211) {
        let package = read(&zip[..len]);
        assert!(package.findings.has_errors(), "cut at {len}");
    }
}

#[test]
fn garbage_is_not_a_package() {
    for bytes in [&b""[..], b"PK\x03\x04garbage", b"<ClinicalDocument/>", &[0xFF; 4096]] {
        let package = read(bytes);
        assert!(package.members.is_empty() && package.submission_sets.is_empty());
        assert_eq!(package.findings.iter().next().map(|f| f.code), Some("xdm.not-a-zip"));
    }
    let package = read(&zip_of(&[("notes.txt", b"hello")]));
    assert_eq!(codes(&package), ["xdm.not-xdm"]);
}

#[test]
fn documents_missing_from_the_zip_and_files_missing_from_the_metadata_are_reported() {
    let zip = demo_zip();
    let members: Vec<(String, Vec<u8>)> = read(&zip)
        .members
        .iter()
        .filter(|m| !m.path.ends_with("DOC0002.XML"))
        .map(|m| (m.path.clone(), xdm::read_member(&zip, &m.path, &ArchiveLimits::default()).unwrap()))
        .collect();
    let mut entries: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    entries.push(("IHE_XDM/SUBSET01/EXTRA.XML", b"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>"));
    let package = read(&zip_of(&entries));
    let missing = finding(&package, "xdm.document-missing");
    assert!(missing.message.contains("DOC0002.XML") && missing.position.is_some(), "{missing:?}");
    assert!(finding(&package, "xdm.document-unlisted").message.contains("EXTRA.XML"));
    let extra = package.submission_sets[0].documents.iter().find(|d| d.path.ends_with("EXTRA.XML")).unwrap();
    assert_eq!((extra.role, extra.entry.is_none()), (DocumentRole::Clinical, true));
}

#[test]
fn a_wrong_uri_is_reported_and_the_file_found_by_its_hash() {
    let zip = demo_zip();
    let edited =
        rezip(&zip, "IHE_XDM/SUBSET01/METADATA.XML", |m| m.replacen("DOC0002.XML", "DOC0009.XML", 1));
    let package = read(&edited);
    assert!(finding(&package, "xdm.uri-wrong").message.contains("DOC0009.XML"));
    assert!(finding(&package, "xdm.matched-by-hash").message.contains("DOC0002.XML"));
    assert!(package.submission_sets[0].documents.iter().all(|d| d.entry.is_some()));
}
