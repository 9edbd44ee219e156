//! Bad and hostile inputs: never a panic, a hang or a blow-up; a clear finding with its
//! line:column; whatever was readable stays usable.

mod common;

use common::{codes, read};
use vigie::diag::Severity;
use vigie::InputKind;

const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <code code="11502-2" codeSystem="2.16.840.1.113883.6.1"/>
  <title>Compte rendu</title>
  <recordTarget><patientRole>
    <id root="1.2.250.1.213.1.4.10" extension="279035121518989"/>
    <patient><name><family qualifier="BR">PAT-TROIS</family><given>DOMINIQUE</given></name></patient>
  </patientRole></recordTarget>
"#;

#[test]
fn a_truncated_document_keeps_its_header() {
    let text = format!("{HEADER}  <component><structuredBody><component><section><title>Biochi");
    let doc = read(text.as_bytes());
    assert!(!doc.complete || doc.findings.has_errors());
    let cda = doc.cda.as_ref().expect("the header is still read");
    assert_eq!(cda.header.title.as_ref().map(|t| t.text.as_str()), Some("Compte rendu"));
    assert_eq!(cda.header.patients[0].names[0].birth_name(), Some("PAT-TROIS"));
    let unclosed =
        doc.findings.iter().find(|f| f.code == "xml.unclosed").expect("unclosed elements reported");
    assert!(unclosed.position.is_some());
}

#[test]
fn malformed_xml_is_located_and_what_came_before_is_kept() {
    let text =
        format!("{HEADER}  <author><time value=\"2021\"/>\n  <assignedAuthor <oops/>\n</ClinicalDocument>");
    let doc = read(text.as_bytes());
    let f = doc.findings.iter().find(|f| f.severity == Severity::Error).expect("a malformed-XML finding");
    assert!(f.code.starts_with("xml."), "{f:?}");
    let at = f.position.expect("a position");
    assert_eq!(at.line, 10, "{f:?}");
    assert!(doc.cda.expect("the header before the error").header.code.is_some());
}

#[test]
fn garbage_is_not_a_document() {
    let garbage: Vec<u8> = (0..10_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let doc = read(&garbage);
    assert!(doc.cda.is_none());
    assert!(doc.findings.has_errors());
    assert!(!vigie::summary::was_read(&doc));
}

#[test]
fn external_entities_are_refused_and_never_read() {
    let text = r#"<?xml version="1.0"?>
<!DOCTYPE ClinicalDocument [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&xxe;</title></ClinicalDocument>"#;
    let doc = read(text.as_bytes());
    assert!(codes(&doc).contains(&"xml.dtd-refused"));
    assert!(codes(&doc).contains(&"xml.entity-refused"));
    let title = doc.cda.unwrap().header.title.unwrap().text;
    assert_eq!(title, "&xxe;", "the entity is shown as written, never expanded");
}

#[test]
fn an_entity_bomb_is_not_expanded() {
    let mut text = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 { "lol".to_string() } else { format!("lol{}", i - 1) };
        text.push_str(&format!("<!ENTITY lol{i} \"{}\">\n", format!("&{prev};").repeat(10)));
    }
    text.push_str("]>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&lol9;</title></ClinicalDocument>");
    let doc = read(text.as_bytes());
    assert!(codes(&doc).contains(&"xml.dtd-refused"));
    assert_eq!(doc.cda.unwrap().header.title.unwrap().text, "&lol9;");
}

#[test]
fn two_hundred_thousand_nested_elements_do_not_overflow_the_stack() {
    let depth = 200_000;
    let mut text = String::with_capacity(depth * 8);
    text.push_str("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>deep</title>");
    for _ in 0..depth {
        text.push_str("<a>");
    }
    for _ in 0..depth {
        text.push_str("</a>");
    }
    text.push_str("</ClinicalDocument>");
    let doc = read(text.as_bytes());
    assert!(codes(&doc).contains(&"limits.depth"));
    assert_eq!(doc.cda.unwrap().header.title.unwrap().text, "deep");
}

#[test]
fn deep_nesting_inside_a_narrative_is_bounded() {
    let depth = 100_000;
    let mut text = format!("{HEADER}<component><structuredBody><component><section><text>");
    text.push_str(&"<content>".repeat(depth));
    text.push_str(&"</content>".repeat(depth));
    text.push_str("</text></section></component></structuredBody></component></ClinicalDocument>");
    let doc = read(text.as_bytes());
    assert!(codes(&doc).contains(&"limits.depth"));
    // serialising the model recurses through the narrative: it must not overflow either
    let report = vigie::summary::Report::new(&doc, "deep.xml");
    assert!(serde_json::to_string(&report).is_ok());
}

#[test]
fn invalid_utf8_is_reported_with_its_position() {
    let text = format!(
        "{HEADER}<component><nonXMLBody><text>caf\u{1}</text></nonXMLBody></component></ClinicalDocument>"
    )
    .replace("Compte rendu", "Compte r\u{FFFF}ndu");
    let mut bytes = text.into_bytes();
    let at = bytes.windows(3).position(|w| w == "\u{FFFF}".as_bytes()).unwrap();
    bytes.splice(at..at + 3, [0xC3, 0x28]); // an invalid two-byte sequence
    let doc = read(&bytes);
    let f = doc.findings.iter().find(|f| f.code == "xml.invalid-utf8").expect("invalid bytes reported");
    assert_eq!(f.position.map(|p| p.line), Some(4));
    assert!(f.message.contains("0xC3"));
    assert!(doc.cda.unwrap().header.title.unwrap().text.starts_with("Compte r\u{FFFD}"));
}

#[test]
fn latin1_documents_are_decoded_when_declared() {
    let text = HEADER.replace("UTF-8", "ISO-8859-1").replace("Compte rendu", "Compte rendu d'hématologie")
        + "</ClinicalDocument>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let doc = read(&bytes);
    assert!(doc.findings.iter().all(|f| f.severity != Severity::Error), "{:?}", doc.findings);
    assert_eq!(doc.cda.unwrap().header.title.unwrap().text, "Compte rendu d'hématologie");
}

#[test]
fn utf16_documents_are_decoded() {
    let text = HEADER.replace("UTF-8", "UTF-16") + "</ClinicalDocument>";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let doc = read(&bytes);
    assert_eq!(doc.encoding, Some("UTF-16LE"));
    assert_eq!(doc.cda.unwrap().header.title.unwrap().text, "Compte rendu");
}

#[test]
fn an_undeclared_prefix_is_recovered_and_reported() {
    let text = format!(
        "{HEADER}<component><structuredBody><component><section><entry><observation classCode=\"OBS\" moodCode=\"EVN\">\
         <value xsi:type=\"PQ\" value=\"5.2\" unit=\"mmol/L\"/></observation></entry></section></component>\
         </structuredBody></component></ClinicalDocument>"
    );
    let doc = read(text.as_bytes());
    let f = doc.findings.iter().find(|f| f.code == "xml.unbound-prefix").expect("reported");
    assert_eq!(f.severity, Severity::Warning);
    let cda = doc.cda.unwrap();
    let vigie::model::Body::Structured { sections, .. } = &cda.body else { panic!("structured body") };
    let value = &sections[0].entries[0].statement().values[0];
    assert_eq!(value.xsi_type.as_deref(), Some("PQ"), "xsi: read as its usual namespace");
}

#[test]
fn an_end_tag_closing_an_outer_element_recovers() {
    let text = format!("{HEADER}<component><structuredBody><component><section><title>A</section></component></structuredBody></component></ClinicalDocument>");
    let doc = read(text.as_bytes());
    assert!(codes(&doc).contains(&"xml.unclosed"));
    let cda = doc.cda.unwrap();
    let vigie::model::Body::Structured { sections, .. } = &cda.body else { panic!("structured body") };
    assert_eq!(sections.len(), 1);
}

#[test]
fn zips_and_pdfs_are_recognised_by_content() {
    let zip = read(b"PK\x03\x04rest of a zip");
    assert_eq!(zip.kind, InputKind::Zip);
    assert!(zip.findings.iter().any(|f| f.message.contains("XDM")));
    let pdf = read(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n");
    assert_eq!(pdf.kind, InputKind::Pdf);
    // Regression: real PDFs have `<<` dictionaries in their first kilobyte, after the header.
    let real = read(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    assert_eq!(real.kind, InputKind::Pdf);
    let xml_quoting_pdf = read(b"<note>%PDF-1.4 is a version</note>");
    assert_ne!(xml_quoting_pdf.kind, InputKind::Pdf);
}

#[test]
fn other_xml_is_not_taken_for_a_document() {
    let doc = read(b"<html><body>hello</body></html>");
    assert_eq!(doc.kind, InputKind::OtherXml);
    assert!(codes(&doc).contains(&"input.not-cda"));
}

#[test]
fn a_document_inside_a_signature_is_read() {
    let text = format!(
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:Object>{}</ClinicalDocument></ds:Object></ds:Signature>",
        HEADER.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    );
    let doc = read(text.as_bytes());
    assert_eq!(doc.kind, InputKind::Signed);
    assert!(doc.cda.is_some());
}

/// An entry's statement is built only when asked for; what reading must say about it is said
/// when the document is read: its unreadable timestamps, and the files its observationMedia
/// hold, however deep they are nested.
#[test]
fn an_entrys_findings_and_files_are_known_before_its_statement_is_built() {
    let text = format!(
        "{HEADER}<component><structuredBody><component><section><title>Imagerie</title><entry>\n\
         <observation classCode=\"OBS\" moodCode=\"EVN\"><effectiveTime value=\"2021-04-01\"/>\n\
         <participant typeCode=\"DEV\"><time value=\"20211332\"/></participant>\n\
         <entryRelationship typeCode=\"COMP\"><observationMedia classCode=\"OBS\" moodCode=\"EVN\" ID=\"M1\">\n\
         <value xsi:type=\"ED\" mediaType=\"image/png\" representation=\"B64\">iVBORw0KGgo=</value>\n\
         </observationMedia></entryRelationship></observation></entry></section></component>\
         </structuredBody></component></ClinicalDocument>"
    );
    let doc = read(text.as_bytes());
    let lines = timestamp_finding_lines(&doc);
    assert_eq!(lines, [10, 11], "both unreadable timestamps, each on its line");
    let cda = doc.cda.as_ref().unwrap();
    assert_eq!(cda.attachments.len(), 1);
    let media = &cda.attachments[0];
    assert_eq!(media.kind, vigie::model::AttachmentKind::ObservationMedia);
    assert_eq!(media.xml_id.as_deref(), Some("M1"));
    assert_eq!(media.section_path, ["Imagerie"]);

    let entry = cda.entries().next().expect("one entry");
    let observation = entry.statement();
    assert_eq!(observation.effective_time, None, "the unreadable time is dropped");
    let nested = &observation.relationships[0].statement;
    assert_eq!((nested.kind.as_str(), nested.attachment), ("observationMedia", Some(0)));
    assert!(std::ptr::eq(observation, entry.statement()), "built once");
}

/// A single-valued element written twice (a schema error) reads as its first, and an element
/// out of order is still read: the header and sections are each read in one pass over their
/// children.
#[test]
fn a_repeated_element_reads_as_its_first_and_order_does_not_matter() {
    let text = r#"<ClinicalDocument xmlns="urn:hl7-org:v3">
  <title>Premier</title>
  <effectiveTime value="2021-04-01"/>
  <title>Second</title>
  <effectiveTime value="20210401"/>
  <recordTarget><patientRole>
    <patient><birthTime value="19801332"/><birthTime value="19800101"/>
      <name><family>NOM</family></name></patient>
    <id root="1.2.250.1.213.1.4.10" extension="279035121518989"/>
  </patientRole></recordTarget>
  <custodian><assignedCustodian><representedCustodianOrganization>
    <name></name><name>Hôpital</name><id root="1.2.250.1.71.4.2.2" extension="1750000000"/>
  </representedCustodianOrganization></assignedCustodian></custodian>
  <component><structuredBody><component><section>
    <entry><act classCode="ACT" moodCode="EVN"/></entry>
    <title>Section</title><title>Autre</title><languageCode code="fr-FR"/>
  </section></component></structuredBody></component>
</ClinicalDocument>"#;
    let doc = read(text.as_bytes());
    let lines = timestamp_finding_lines(&doc);
    assert_eq!(lines, [3, 7], "the first effectiveTime and birthTime only are read");
    let cda = doc.cda.as_ref().unwrap();
    let h = &cda.header;
    assert_eq!(h.title.as_ref().map(|t| t.text.as_str()), Some("Premier"));
    assert_eq!(h.effective_time, None, "the first effectiveTime is unreadable: not replaced");
    let patient = &h.patients[0];
    assert_eq!(patient.birth_time, None);
    assert_eq!(patient.ids.len(), 1, "an id after the patient is read");
    assert_eq!(patient.names.len(), 1);
    let custodian = h.custodian.as_ref().unwrap();
    assert_eq!(custodian.name, None, "the first name, empty, counts");
    assert_eq!(custodian.ids.len(), 1);
    let vigie::model::Body::Structured { sections, .. } = &cda.body else { panic!("structured body") };
    assert_eq!(sections[0].title.as_ref().map(|t| t.text.as_str()), Some("Section"));
    assert_eq!(sections[0].language.as_deref(), Some("fr-FR"), "read after the entries");
    assert_eq!(sections[0].entries.len(), 1);
}

/// The lines of a document's unreadable-timestamp findings, in order.
fn timestamp_finding_lines(doc: &vigie::Document) -> Vec<u32> {
    let timestamps = doc.findings.iter().filter(|f| f.code == "datatype.timestamp");
    timestamps.map(|f| f.position.expect("located").line).collect()
}
