//! The CDA header shared by every demo document, written in the order the CDA schema
//! requires and with the elements the CI-SIS examples carry: realm, type and template ids,
//! identifiers, code, title, time with its Paris offset, confidentiality, language, set and
//! version, patient, author, custodian, legal authenticator, participants, documented act,
//! replaced document and encounter.

use chrono::NaiveDateTime;

use super::patients::{Address, Organization, Patient, Professional, FINESS_OID, INS_DEMO_OID, RPPS_OID};
use super::time::{hl7_date, hl7_time};
use super::xml::XmlWriter;

pub(crate) const LOINC: &str = "2.16.840.1.113883.6.1";
pub(crate) const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Code system of JDV J01 author specialties (`G15_10/SM26`).
const SPECIALTY_SYSTEM: &str = "1.2.250.1.213.1.1.4.5";
const FACILITY_SYSTEM: &str = "1.2.250.1.71.4.2.4";
const PRACTICE_SETTING_SYSTEM: &str = "1.2.250.1.213.1.1.4.9";

/// A coded value: code, display name, code system OID and optional code system name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Coded<'a> {
    pub code: &'a str,
    pub display: &'a str,
    pub system: &'a str,
    pub system_name: Option<&'a str>,
}

impl<'a> Coded<'a> {
    pub(crate) const fn loinc(code: &'a str, display: &'a str) -> Self {
        Self { code, display, system: LOINC, system_name: Some("LOINC") }
    }

    pub(crate) const fn new(code: &'a str, display: &'a str, system: &'a str) -> Self {
        Self { code, display, system, system_name: None }
    }

    fn attributes(&self) -> Vec<(&'static str, &'a str)> {
        let mut attrs = vec![("code", self.code), ("displayName", self.display), ("codeSystem", self.system)];
        if let Some(name) = self.system_name {
            attrs.push(("codeSystemName", name));
        }
        attrs
    }

    /// Writes `<name code=.. displayName=.. codeSystem=.. [codeSystemName=..]/>`.
    pub(crate) fn write(&self, x: &mut XmlWriter, name: &str) {
        x.empty(name, &self.attributes());
    }

    /// Opens `<name code=.. ...>` for children (`originalText`, `translation`).
    pub(crate) fn open(&self, x: &mut XmlWriter, name: &'static str) {
        x.open(name, &self.attributes());
    }
}

/// The kind of header `participant`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ParticipantRole {
    /// The physician who prescribed the examinations (`REF`, XD-LAB Ordering Provider).
    Prescriber,
    /// The patient's *médecin traitant* (`INF`, function `PCP`).
    PrimaryCarePhysician,
}

/// A `translation` of a code, with an optional `qualifier/name` (DICOM modality codes carry
/// one saying what the code means).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Translation<'a> {
    pub code: Coded<'a>,
    pub qualifier: Option<Coded<'a>>,
}

/// The act the document reports on (`documentationOf/serviceEvent`).
#[derive(Debug, Clone)]
pub(crate) struct ServiceEvent<'a> {
    pub code: Coded<'a>,
    pub translations: Vec<Translation<'a>>,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub performer: &'a Professional,
}

/// Everything the header of one demo document needs.
#[derive(Debug, Clone)]
pub(crate) struct Header<'a> {
    /// Template ids after the two every French document declares (HL7 France, CI-SIS).
    pub template_ids: Vec<(&'a str, Option<&'a str>)>,
    /// Extension of `setId`; the document `id` is this plus `-<version>`.
    pub set_extension: String,
    pub version: u32,
    pub code: Coded<'a>,
    pub title: String,
    pub effective: NaiveDateTime,
    pub patient: &'a Patient,
    pub author: &'a Professional,
    pub participants: Vec<(ParticipantRole, &'a Professional, NaiveDateTime)>,
    pub service: ServiceEvent<'a>,
    /// Further acts (`documentationOf/serviceEvent/code` only), e.g. the other chapters of a
    /// lab report.
    pub secondary_acts: Vec<Coded<'a>>,
    /// `encompassingEncounter/code` (ActCode: `AMB`, `IMP`, ...).
    pub encounter_code: Coded<'a>,
    /// Whether this is an XD-LAB report (adds `lab:statusCode` and the performer template).
    pub lab: bool,
}

impl Header<'_> {
    /// OID under which the author's organization numbers its documents.
    pub(crate) fn id_root(&self) -> String {
        document_root(&self.author.organization)
    }

    /// The document's `id/@extension`.
    pub(crate) fn id_extension(&self) -> String {
        version_extension(&self.set_extension, self.version)
    }

    /// The XDS `uniqueId` (`root^extension`).
    pub(crate) fn unique_id(&self) -> String {
        format!("{}^{}", self.id_root(), self.id_extension())
    }
}

/// OID under which `organization` numbers its documents (an arc of the demo's example OID).
pub(crate) fn document_root(organization: &Organization) -> String {
    format!("{}.{}", super::patients::DEMO_OID, organization.finess_body)
}

/// The `id/@extension` of version `version` of the document set `set_extension`.
pub(crate) fn version_extension(set_extension: &str, version: u32) -> String {
    format!("{set_extension}-{version}")
}

/// Opens `<ClinicalDocument>` and writes the whole header; the caller writes the body and
/// closes the document with [`XmlWriter::finish`].
pub(crate) fn write_header(x: &mut XmlWriter, h: &Header) {
    let mut root_attrs = vec![("xmlns", "urn:hl7-org:v3"), ("xmlns:xsi", XSI_NS)];
    if h.lab {
        root_attrs.push(("xmlns:lab", "urn:oid:1.3.6.1.4.1.19376.1.3.2"));
    }
    x.comment("Document de démonstration généré par Vigie — patient et données fictifs");
    x.open("ClinicalDocument", &root_attrs);
    x.empty("realmCode", &[("code", "FR")]);
    x.empty("typeId", &[("root", "2.16.840.1.113883.1.3"), ("extension", "POCD_HD000040")]);
    x.comment("Conformité HL7 France et CI-SIS");
    x.empty("templateId", &[("root", "2.16.840.1.113883.2.8.2.1")]);
    x.empty("templateId", &[("root", "1.2.250.1.213.1.1.1.1")]);
    for (root, extension) in &h.template_ids {
        match extension {
            Some(extension) => x.empty("templateId", &[("root", root), ("extension", extension)]),
            None => x.empty("templateId", &[("root", root)]),
        }
    }
    let root = h.id_root();
    x.empty("id", &[("root", &root), ("extension", &h.id_extension())]);
    h.code.write(x, "code");
    x.text("title", &[], &h.title);
    x.empty("effectiveTime", &[("value", &hl7_time(h.effective))]);
    x.empty(
        "confidentialityCode",
        &[("code", "N"), ("displayName", "Normal"), ("codeSystem", "2.16.840.1.113883.5.25")],
    );
    x.empty("languageCode", &[("code", "fr-FR")]);
    x.empty("setId", &[("root", &root), ("extension", &h.set_extension)]);
    x.empty("versionNumber", &[("value", &h.version.to_string())]);

    write_record_target(x, h.patient);
    write_author(x, h.author, h.effective);
    write_custodian(x, &h.author.organization);

    x.open("legalAuthenticator", &[]);
    x.empty("time", &[("value", &hl7_time(h.effective))]);
    x.empty("signatureCode", &[("code", "S")]);
    x.open("assignedEntity", &[]);
    write_professional_body(x, h.author, "representedOrganization", true);
    x.close();
    x.close();

    for (role, who, time) in &h.participants {
        write_participant(x, *role, who, *time);
    }

    write_documentation_of(x, &h.service, h.lab);
    for act in &h.secondary_acts {
        x.open("documentationOf", &[]);
        x.open("serviceEvent", &[]);
        act.write(x, "code");
        x.close();
        x.close();
    }

    if h.version > 1 {
        x.comment("Cette version remplace la précédente version du même document");
        x.open("relatedDocument", &[("typeCode", "RPLC")]);
        x.open("parentDocument", &[]);
        x.empty("id", &[("root", &root), ("extension", &version_extension(&h.set_extension, h.version - 1))]);
        x.empty("setId", &[("root", &root), ("extension", &h.set_extension)]);
        x.empty("versionNumber", &[("value", &(h.version - 1).to_string())]);
        x.close();
        x.close();
    }

    write_encompassing_encounter(x, h);
}

fn write_addr(x: &mut XmlWriter, address: &Address, with_country: bool, home: bool) {
    if home {
        x.open("addr", &[("use", "H")]);
    } else {
        x.open("addr", &[]);
    }
    x.text("houseNumber", &[], &address.house_number);
    x.text("streetName", &[], &address.street);
    x.text("postalCode", &[], &address.postal_code);
    x.text("city", &[], &address.city);
    if with_country {
        x.text("country", &[], "FRANCE");
    }
    x.close();
}

fn write_record_target(x: &mut XmlWriter, p: &Patient) {
    x.open("recordTarget", &[]);
    x.open("patientRole", &[]);
    x.comment("INS-NIR de démonstration (1.2.250.1.213.1.4.11) : identité fictive");
    x.empty("id", &[("root", INS_DEMO_OID), ("extension", &p.nir())]);
    x.comment("IPP dans l'établissement");
    x.empty("id", &[("root", &format!("{}.100", super::patients::DEMO_OID)), ("extension", &p.ipp)]);
    write_addr(x, &p.address, true, true);
    x.empty("telecom", &[("value", &p.phone_home), ("use", "H")]);
    x.empty("telecom", &[("value", &p.phone_mobile), ("use", "MC")]);
    x.open("patient", &[("classCode", "PSN")]);
    x.open("name", &[]);
    x.text("family", &[("qualifier", "BR")], &p.birth_family);
    x.text("given", &[], &p.given_names);
    x.text("given", &[("qualifier", "BR")], p.first_given());
    if let Some(used) = &p.used_family {
        x.text("family", &[("qualifier", "SP")], used);
    }
    x.close();
    x.empty(
        "administrativeGenderCode",
        &[("code", p.sex.code()), ("displayName", p.sex.display()), ("codeSystem", "2.16.840.1.113883.5.1")],
    );
    x.empty("birthTime", &[("value", &hl7_date(p.birth_date))]);
    x.open("birthplace", &[]);
    x.open("place", &[]);
    x.open("addr", &[]);
    x.text("county", &[], &p.birth_cog);
    x.text("city", &[], &p.birth_city);
    x.close();
    x.close();
    x.close();
    x.close();
    x.close();
    x.close();
}

/// Opens `component/section` and writes its template ids, id, code and title; the caller
/// writes the text and entries and closes both.
pub(crate) fn open_section(x: &mut XmlWriter, templates: &[&str], id: &str, code: Coded, title: &str) {
    x.open("component", &[]);
    x.open("section", &[]);
    for root in templates {
        x.empty("templateId", &[("root", root)]);
    }
    x.empty("id", &[("root", id)]);
    code.write(x, "code");
    x.text("title", &[], title);
}

/// `<name>` of a professional: civility, first name, family name, title.
pub(crate) fn write_person_name(x: &mut XmlWriter, who: &Professional) {
    x.open("name", &[]);
    x.text("prefix", &[], who.sex.civility());
    x.text("given", &[], &who.given);
    x.text("family", &[], &who.family);
    x.text("suffix", &[], "DR");
    x.close();
}

/// An `Organization`-shaped element (`representedOrganization`, `scopingOrganization`, ...).
pub(crate) fn write_organization(
    x: &mut XmlWriter,
    element: &'static str,
    org: &Organization,
    with_setting: bool,
) {
    x.open(element, &[]);
    x.empty("id", &[("root", FINESS_OID), ("extension", &org.id_extension())]);
    x.text("name", &[], &org.name);
    x.empty("telecom", &[("value", &org.phone), ("use", "WP")]);
    write_addr(x, &org.address, false, false);
    if with_setting {
        let (code, display) = org.practice_setting;
        x.empty(
            "standardIndustryClassCode",
            &[("code", code), ("displayName", display), ("codeSystem", PRACTICE_SETTING_SYSTEM)],
        );
    }
    x.close();
}

/// The content of an `assignedEntity`/`assignedAuthor`: id, specialty, address, telecom,
/// person and organization.
pub(crate) fn write_professional_body(
    x: &mut XmlWriter,
    who: &Professional,
    organization_element: &'static str,
    with_setting: bool,
) {
    x.empty("id", &[("root", RPPS_OID), ("extension", &who.id_extension())]);
    let (code, display) = who.specialty;
    x.empty("code", &[("code", code), ("displayName", display), ("codeSystem", SPECIALTY_SYSTEM)]);
    write_addr(x, &who.organization.address, false, false);
    x.empty("telecom", &[("value", &who.phone), ("use", "WP")]);
    x.empty("telecom", &[("value", &format!("mailto:{}", who.mssante())), ("use", "WP")]);
    let person =
        if organization_element == "scopingOrganization" { "associatedPerson" } else { "assignedPerson" };
    x.open(person, &[]);
    write_person_name(x, who);
    x.close();
    write_organization(x, organization_element, &who.organization, with_setting);
}

fn write_author(x: &mut XmlWriter, who: &Professional, time: NaiveDateTime) {
    x.open("author", &[]);
    x.empty("time", &[("value", &hl7_time(time))]);
    x.open("assignedAuthor", &[]);
    write_professional_body(x, who, "representedOrganization", false);
    x.close();
    x.close();
}

fn write_custodian(x: &mut XmlWriter, org: &Organization) {
    x.open("custodian", &[]);
    x.open("assignedCustodian", &[]);
    x.open("representedCustodianOrganization", &[]);
    x.empty("id", &[("root", FINESS_OID), ("extension", &org.id_extension())]);
    x.text("name", &[], &org.name);
    x.empty("telecom", &[("value", &org.phone), ("use", "WP")]);
    write_addr(x, &org.address, false, false);
    x.close();
    x.close();
    x.close();
}

fn write_participant(x: &mut XmlWriter, role: ParticipantRole, who: &Professional, time: NaiveDateTime) {
    match role {
        ParticipantRole::Prescriber => {
            x.comment("Médecin prescripteur");
            x.open("participant", &[("typeCode", "REF")]);
            x.empty("templateId", &[("root", "1.3.6.1.4.1.19376.1.3.3.1.6")]);
            x.open("time", &[("xsi:type", "IVL_TS")]);
            x.empty("high", &[("value", &hl7_time(time))]);
            x.close();
        }
        ParticipantRole::PrimaryCarePhysician => {
            x.comment("Médecin traitant");
            x.open("participant", &[("typeCode", "INF")]);
            x.empty(
                "functionCode",
                &[
                    ("code", "PCP"),
                    ("displayName", "Médecin traitant"),
                    ("codeSystem", "2.16.840.1.113883.5.88"),
                ],
            );
            x.open("time", &[("xsi:type", "IVL_TS")]);
            x.empty("low", &[("value", &hl7_time(time))]);
            x.close();
        }
    }
    x.open("associatedEntity", &[("classCode", "PROV")]);
    write_professional_body(x, who, "scopingOrganization", true);
    x.close();
    x.close();
}

fn write_documentation_of(x: &mut XmlWriter, service: &ServiceEvent, lab: bool) {
    x.open("documentationOf", &[]);
    x.open("serviceEvent", &[]);
    if service.translations.is_empty() {
        service.code.write(x, "code");
    } else {
        service.code.open(x, "code");
        for t in &service.translations {
            match t.qualifier {
                None => t.code.write(x, "translation"),
                Some(name) => {
                    t.code.open(x, "translation");
                    x.open("qualifier", &[]);
                    name.write(x, "name");
                    x.close();
                    x.close();
                }
            }
        }
        x.close();
    }
    if lab {
        x.empty("lab:statusCode", &[("code", "completed")]);
    }
    x.open("effectiveTime", &[]);
    x.empty("low", &[("value", &hl7_time(service.start))]);
    x.empty("high", &[("value", &hl7_time(service.end))]);
    x.close();
    x.open("performer", &[("typeCode", "PRF")]);
    if lab {
        x.empty("templateId", &[("root", "1.3.6.1.4.1.19376.1.3.3.1.7")]);
    }
    x.open("assignedEntity", &[]);
    write_professional_body(x, service.performer, "representedOrganization", true);
    x.close();
    x.close();
    x.close();
    x.close();
}

fn write_encompassing_encounter(x: &mut XmlWriter, h: &Header) {
    let org = &h.author.organization;
    x.open("componentOf", &[]);
    x.open("encompassingEncounter", &[]);
    h.encounter_code.write(x, "code");
    x.open("effectiveTime", &[]);
    x.empty("low", &[("value", &hl7_time(h.service.start))]);
    x.empty("high", &[("value", &hl7_time(h.service.end))]);
    x.close();
    x.open("responsibleParty", &[]);
    x.open("assignedEntity", &[]);
    write_professional_body(x, h.service.performer, "representedOrganization", true);
    x.close();
    x.close();
    x.open("location", &[]);
    x.open("healthCareFacility", &[]);
    x.empty("id", &[("root", FINESS_OID), ("extension", &org.id_extension())]);
    let (code, display) = org.facility;
    x.empty("code", &[("code", code), ("displayName", display), ("codeSystem", FACILITY_SYSTEM)]);
    x.open("location", &[]);
    x.text("name", &[], &org.name);
    write_addr(x, &org.address, false, false);
    x.close();
    x.close();
    x.close();
    x.close();
    x.close();
}
