//! IHE XDM packages (ITI-32), the zip an MSSanté message carries: `INDEX.HTM` and
//! `README.TXT` at the root, and under `IHE_XDM/SUBSET01/` the documents and a
//! `METADATA.XML` (ebRIM `SubmitObjectsRequest`) registering them with the French XDS
//! metadata — patient INS, author, class, type, format, facility, practice setting, and each
//! document's SHA-1 hash and size.

use std::io::{Cursor, Write as _};

use chrono::{Datelike, NaiveDateTime, Timelike};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::document::GeneratedDocument;
use super::patients::{Patient, Professional, DEMO_OID, FINESS_OID, INS_DEMO_OID, RPPS_OID};
use super::sha1::{name_uuid, sha1_hex};
use super::time::xds_time;
use super::xml::{escape, XmlWriter};

/// The folder holding the submission set, as IHE names it.
pub(crate) const SUBSET: &str = "IHE_XDM/SUBSET01";

/// What the package says about itself: who sends it, to whom, when.
#[derive(Debug, Clone)]
pub(crate) struct Submission<'a> {
    pub sender: &'a Professional,
    pub recipient: &'a Professional,
    pub submitted: NaiveDateTime,
    pub title: String,
    /// Distinguishes this submission set's unique id.
    pub number: u32,
}

/// `DOC0001.XML`, the 8.3 name of the `n`-th document (from 1).
pub(crate) fn document_entry_name(n: usize) -> String {
    format!("DOC{n:04}.XML")
}

/// The zip of an XDM package holding `documents`.
pub(crate) fn xdm_zip(documents: &[&GeneratedDocument], submission: &Submission) -> Vec<u8> {
    let metadata = metadata_xml(documents, submission);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let t = submission.submitted;
    let modified = DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        (t.second() / 2 * 2) as u8,
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(modified)
        .unix_permissions(0o644);

    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("INDEX.HTM".into(), index_htm(documents, submission).into_bytes()),
        ("README.TXT".into(), readme_txt(documents, submission).into_bytes()),
        (format!("{SUBSET}/METADATA.XML"), metadata.into_bytes()),
    ];
    for (i, doc) in documents.iter().enumerate() {
        entries.push((format!("{SUBSET}/{}", document_entry_name(i + 1)), doc.xml.as_bytes().to_vec()));
    }
    for (name, bytes) in entries {
        // Writing to an in-memory cursor only fails on a bug in the zip crate.
        if zip.start_file(name, options).is_ok() {
            let _ = zip.write_all(&bytes);
        }
    }
    zip.finish().map(|cursor| cursor.into_inner()).unwrap_or_default()
}

/// HL7 v2 XCN of a professional identified by RPPS, as French XDS metadata writes authors.
fn xcn(who: &Professional) -> String {
    format!("{}^{}^{}^^^^^^&{RPPS_OID}&ISO^D^^^IDNPS", who.id_extension(), who.family, who.given)
}

/// HL7 v2 XON of an organization identified by FINESS.
fn xon(who: &Professional) -> String {
    let org = &who.organization;
    format!("{}^^^^^&{FINESS_OID}&ISO^IDNST^^^{}", org.name, org.id_extension())
}

fn patient_id(p: &Patient) -> String {
    format!("{}^^^&{INS_DEMO_OID}&ISO^NH", p.nir())
}

fn local_patient_id(p: &Patient) -> String {
    format!("{}^^^&{DEMO_OID}.100&ISO^PI", p.ipp)
}

fn slot(x: &mut XmlWriter, name: &str, values: &[String]) {
    x.open("rim:Slot", &[("name", name)]);
    x.open("rim:ValueList", &[]);
    for value in values {
        x.text("rim:Value", &[], value);
    }
    x.close();
    x.close();
}

fn localized(x: &mut XmlWriter, element: &'static str, value: &str) {
    x.open(element, &[]);
    x.empty("rim:LocalizedString", &[("xml:lang", "fr-FR"), ("charset", "UTF-8"), ("value", value)]);
    x.close();
}

/// A coded classification: `nodeRepresentation` + `codingScheme` slot + display name.
fn classification(
    x: &mut XmlWriter,
    scheme: &str,
    object: &str,
    id: &str,
    (code, display, coding_scheme): (&str, &str, &str),
) {
    x.open(
        "rim:Classification",
        &[
            ("classificationScheme", scheme),
            ("classifiedObject", object),
            ("id", id),
            ("nodeRepresentation", code),
        ],
    );
    slot(x, "codingScheme", &[coding_scheme.to_string()]);
    localized(x, "rim:Name", display);
    x.close();
}

fn author_classification(x: &mut XmlWriter, scheme: &str, object: &str, who: &Professional) {
    x.open(
        "rim:Classification",
        &[
            ("classificationScheme", scheme),
            ("classifiedObject", object),
            ("id", &format!("{object}-author")),
            ("nodeRepresentation", ""),
        ],
    );
    slot(x, "authorPerson", &[xcn(who)]);
    slot(x, "authorInstitution", &[xon(who)]);
    let (code, display) = who.specialty;
    slot(x, "authorSpecialty", &[format!("{code}^{display}^1.2.250.1.213.1.1.4.5")]);
    x.close();
}

fn external_identifier(x: &mut XmlWriter, scheme: &str, object: &str, id: &str, value: &str, name: &str) {
    x.open(
        "rim:ExternalIdentifier",
        &[("identificationScheme", scheme), ("registryObject", object), ("id", id), ("value", value)],
    );
    localized(x, "rim:Name", name);
    x.close();
}

/// The ebRIM registration of the submission set and its documents.
pub(crate) fn metadata_xml(documents: &[&GeneratedDocument], s: &Submission) -> String {
    let mut x = XmlWriter::new();
    x.open(
        "lcm:SubmitObjectsRequest",
        &[
            ("xmlns:lcm", "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"),
            ("xmlns:rim", "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"),
        ],
    );
    x.open("rim:RegistryObjectList", &[]);

    let set_id = format!("urn:uuid:{}", name_uuid(&format!("xdm/{}", s.number)).to_lowercase());
    let patient = documents.first().map(|d| &d.meta.patient);

    for (i, doc) in documents.iter().enumerate() {
        let m = &doc.meta;
        let id = format!("urn:uuid:{}", name_uuid(&m.unique_id).to_lowercase());
        let bytes = doc.xml.as_bytes();
        let org = &m.author.organization;
        x.open(
            "rim:ExtrinsicObject",
            &[
                ("id", &id),
                ("mimeType", "text/xml"),
                ("objectType", "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"),
            ],
        );
        slot(&mut x, "creationTime", &[xds_time(m.created)]);
        slot(&mut x, "hash", &[sha1_hex(bytes)]);
        slot(&mut x, "languageCode", &["fr-FR".into()]);
        slot(&mut x, "legalAuthenticator", &[xcn(&m.author)]);
        slot(&mut x, "serviceStartTime", &[xds_time(m.service_start)]);
        slot(&mut x, "serviceStopTime", &[xds_time(m.service_stop)]);
        slot(&mut x, "size", &[bytes.len().to_string()]);
        slot(&mut x, "sourcePatientId", &[local_patient_id(&m.patient)]);
        let p = &m.patient;
        let mut info = vec![
            format!("PID-3|{}", local_patient_id(p)),
            format!("PID-5|{}^{}^^^^^L", p.birth_family, p.given_names),
        ];
        if let Some(used) = &p.used_family {
            info.push(format!("PID-5|{used}^{}^^^^^D", p.first_given()));
        }
        info.push(format!("PID-7|{}", p.birth_date.format("%Y%m%d")));
        info.push(format!("PID-8|{}", p.sex.code()));
        slot(&mut x, "sourcePatientInfo", &info);
        slot(&mut x, "URI", &[document_entry_name(i + 1)]);
        localized(&mut x, "rim:Name", &m.title);
        author_classification(&mut x, "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d", &id, &m.author);
        let (class, class_display) = m.class_code;
        let codes: [(&str, &str, (&str, &str, &str)); 6] = [
            (
                "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a",
                "classCode",
                (class, class_display, "1.2.250.1.213.1.1.4.1"),
            ),
            (
                "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f",
                "confidentialityCode",
                ("N", "Normal", "2.16.840.1.113883.5.25"),
            ),
            (
                "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d",
                "formatCode",
                (m.format_code.code, m.format_code.display, m.format_code.scheme),
            ),
            (
                "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1",
                "healthcareFacilityTypeCode",
                (org.facility.0, org.facility.1, "1.2.250.1.71.4.2.4"),
            ),
            (
                "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead",
                "practiceSettingCode",
                (org.practice_setting.0, org.practice_setting.1, "1.2.250.1.213.1.1.4.9"),
            ),
            (
                "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983",
                "typeCode",
                (&m.type_code.0, &m.type_code.1, &m.type_code.2),
            ),
        ];
        for (scheme, name, code) in codes {
            classification(&mut x, scheme, &id, &format!("{id}-{name}"), code);
        }
        external_identifier(
            &mut x,
            "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427",
            &id,
            &format!("{id}-patientId"),
            &patient_id(&m.patient),
            "XDSDocumentEntry.patientId",
        );
        external_identifier(
            &mut x,
            "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab",
            &id,
            &format!("{id}-uniqueId"),
            &m.unique_id,
            "XDSDocumentEntry.uniqueId",
        );
        x.close();
    }

    x.open(
        "rim:RegistryPackage",
        &[
            ("id", &set_id),
            ("objectType", "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage"),
        ],
    );
    slot(&mut x, "submissionTime", &[xds_time(s.submitted)]);
    slot(
        &mut x,
        "intendedRecipient",
        &[format!("|{}|^^Internet^{}", xcn(s.recipient), s.recipient.mssante())],
    );
    localized(&mut x, "rim:Name", &s.title);
    author_classification(&mut x, "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d", &set_id, s.sender);
    let facility = s.sender.organization.facility;
    classification(
        &mut x,
        "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500",
        &set_id,
        &format!("{set_id}-contentTypeCode"),
        (facility.0, facility.1, "1.2.250.1.71.4.2.4"),
    );
    if let Some(p) = patient {
        external_identifier(
            &mut x,
            "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446",
            &set_id,
            &format!("{set_id}-patientId"),
            &patient_id(p),
            "XDSSubmissionSet.patientId",
        );
    }
    external_identifier(
        &mut x,
        "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832",
        &set_id,
        &format!("{set_id}-sourceId"),
        &format!("{DEMO_OID}.9.1"),
        "XDSSubmissionSet.sourceId",
    );
    external_identifier(
        &mut x,
        "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8",
        &set_id,
        &format!("{set_id}-uniqueId"),
        &format!("{DEMO_OID}.9.2.{}", s.number),
        "XDSSubmissionSet.uniqueId",
    );
    x.close();
    x.empty(
        "rim:Classification",
        &[
            ("classifiedObject", &set_id),
            ("classificationNode", "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"),
            ("id", &format!("{set_id}-node")),
        ],
    );
    for doc in documents {
        let id = format!("urn:uuid:{}", name_uuid(&doc.meta.unique_id).to_lowercase());
        x.open(
            "rim:Association",
            &[
                ("associationType", "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"),
                ("sourceObject", &set_id),
                ("targetObject", &id),
                ("id", &format!("{id}-member")),
            ],
        );
        slot(&mut x, "SubmissionSetStatus", &["Original".into()]);
        x.close();
    }
    x.finish()
}

fn index_htm(documents: &[&GeneratedDocument], s: &Submission) -> String {
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head><meta charset=\"utf-8\"><title>Contenu du message</title></head>\n<body>\n",
    );
    html.push_str(&format!(
        "<h1>{}</h1>\n<p>Envoyé par {} ({}) à {}.</p>\n<ul>\n",
        escape(&s.title),
        escape(&s.sender.display_name()),
        escape(&s.sender.organization.name),
        escape(&s.recipient.display_name())
    ));
    for (i, doc) in documents.iter().enumerate() {
        html.push_str(&format!(
            "<li><a href=\"{SUBSET}/{}\">{}</a> — {}</li>\n",
            document_entry_name(i + 1),
            escape(&doc.meta.title),
            escape(&doc.meta.created.format("%d/%m/%Y").to_string())
        ));
    }
    html.push_str(&format!(
        "</ul>\n<p><a href=\"{SUBSET}/METADATA.XML\">Métadonnées XDS</a> · <a href=\"README.TXT\">README.TXT</a></p>\n</body>\n</html>\n"
    ));
    html
}

fn readme_txt(documents: &[&GeneratedDocument], s: &Submission) -> String {
    let mut text = format!(
        "Package IHE XDM (ITI-32) — messagerie sécurisée de santé (MSSanté)\r\n\
         \r\n\
         Émetteur : {} — {}\r\n\
         Adresse MSSanté : {}\r\n\
         Destinataire : {} <{}>\r\n\
         Date d'envoi : {}\r\n\
         Application : Vigie (jeu de démonstration ; patient et données fictifs)\r\n\
         \r\n\
         Contenu ({} document(s)) :\r\n",
        s.sender.display_name(),
        s.sender.organization.name,
        s.sender.mssante(),
        s.recipient.display_name(),
        s.recipient.mssante(),
        s.submitted.format("%d/%m/%Y %H:%M"),
        documents.len()
    );
    for (i, doc) in documents.iter().enumerate() {
        text.push_str(&format!("  {SUBSET}/{} : {}\r\n", document_entry_name(i + 1), doc.meta.title));
    }
    text.push_str("\r\nOuvrir INDEX.HTM pour la liste des documents.\r\n");
    text
}
