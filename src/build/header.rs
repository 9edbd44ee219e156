//! Header builder: ClinicalDocument's header elements → [`Header`].

use crate::diag::Finding;
use crate::model::common::{Identifier, PersonName};
use crate::model::header::{
    Actor, Author, Birthplace, Contact, Device, Encounter, Facility, Header, InsStatus, Organization,
    OrganizationIdentifier, Participant, Patient, PatientId, Performer, PractitionerIdentifier, Recipient,
    RelatedDocument, ServiceEvent, Signer, Specialty,
};
use crate::model::identifiers::{check_nir, organization_id, patient_id_kind, practitioner_id};
use crate::terminology;
use crate::xml::{NodeId, Ns};

use super::common::{address, attr, located_text, person_name, telecom, text};
use super::Ctx;

/// Elements that carry a person's name inside a role.
const PERSON_ELEMENTS: &[&str] = &[
    "assignedPerson",
    "informationRecipient",
    "associatedPerson",
    "guardianPerson",
    "relatedPerson",
    "playingEntity",
];
/// Elements that carry an organization inside a role.
const ORGANIZATION_ELEMENTS: &[&str] = &[
    "representedOrganization",
    "receivedOrganization",
    "scopingOrganization",
    "representedCustodianOrganization",
    "serviceProviderOrganization",
    "providerOrganization",
    "guardianOrganization",
];

/// What a national identifier check (`practitioner_id`, `organization_id`) says of `id`, when
/// it has both a root and an extension.
fn national<T>(id: &Identifier, check: fn(&str, &str) -> Option<T>) -> Option<T> {
    check(id.root.as_deref()?, id.extension.as_deref()?)
}

/// Which single-valued children of an element were met, by index: the first of each counts.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    /// True the first time `index` is asked for.
    fn first(&mut self, index: u32) -> bool {
        let bit = 1 << index;
        let first = self.0 & bit == 0;
        self.0 |= bit;
        first
    }
}

impl Ctx<'_> {
    pub(crate) fn header(&mut self, doc: NodeId) -> Header {
        let t = self.tree;
        let mut h = Header { span: t.span(doc), ..Header::default() };
        // One pass over the document's children. Of the single-valued elements the first
        // counts: `seen` records which were met, since some read as nothing (an empty title).
        let mut seen = Seen::default();
        for child in t.elements(doc) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            match t.local_name(child) {
                "realmCode" if seen.first(0) => h.realm = attr(t, child, "code"),
                "templateId" => h.template_ids.push(self.identifier(child)),
                "id" if seen.first(1) => h.id = Some(self.identifier(child)),
                "code" if seen.first(2) => h.code = Some(self.code(child)),
                "title" if seen.first(3) => h.title = located_text(t, child),
                "effectiveTime" if seen.first(4) => h.effective_time = self.timestamp(child),
                "confidentialityCode" if seen.first(5) => h.confidentiality = Some(self.code(child)),
                "languageCode" if seen.first(6) => h.language = attr(t, child, "code"),
                "setId" if seen.first(7) => h.set_id = Some(self.identifier(child)),
                "versionNumber" if seen.first(8) => h.version_number = attr(t, child, "value"),
                "recordTarget" => {
                    if let Some(role) = t.child(child, "patientRole") {
                        let patient = self.patient(role);
                        h.patients.push(patient);
                    }
                }
                "author" => h.authors.push(self.author(child)),
                "custodian" => {
                    h.custodian = t
                        .path(child, &["assignedCustodian", "representedCustodianOrganization"])
                        .map(|o| self.organization(o));
                }
                "legalAuthenticator" => h.legal_authenticator = Some(self.signer(child)),
                "authenticator" => h.authenticators.push(self.signer(child)),
                "informationRecipient" => {
                    let actor =
                        t.child(child, "intendedRecipient").map(|r| self.actor(r)).unwrap_or_default();
                    h.information_recipients.push(Recipient {
                        type_code: attr(t, child, "typeCode").unwrap_or_else(|| "PRCP".into()),
                        actor,
                        span: t.span(child),
                    });
                }
                "participant" => h.participants.push(self.participant(child)),
                "documentationOf" => {
                    if let Some(event) = t.child(child, "serviceEvent") {
                        let event = self.service_event(event);
                        h.service_events.push(event);
                    }
                }
                "relatedDocument" => h.related_documents.push(self.related_document(child)),
                "componentOf" => {
                    h.encounter = t.child(child, "encompassingEncounter").map(|e| self.encounter(e))
                }
                "inFulfillmentOf" => {
                    if let Some(order) = t.child(child, "order") {
                        h.in_fulfillment_of.extend(self.identifiers(order, "id"));
                    }
                }
                _ => {}
            }
        }
        h
    }

    /// The patient role and its person, each read in one pass over its children.
    fn patient(&mut self, role: NodeId) -> Patient {
        let t = self.tree;
        let mut p = Patient { span: t.span(role), ..Patient::default() };
        let mut person = None;
        for child in t.elements(role) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            match t.local_name(child) {
                "id" => {
                    let id = self.identifier(child);
                    let kind = patient_id_kind(id.root.as_deref().unwrap_or(""));
                    let nir_check =
                        if kind.has_nir_key() { id.extension.as_deref().map(check_nir) } else { None };
                    p.ids.push(PatientId { id, kind, nir_check });
                }
                "addr" => p.addresses.push(address(t, child)),
                "telecom" => p.telecoms.extend(telecom(t, child)),
                "patient" => _ = person.get_or_insert(child),
                _ => {}
            }
        }
        // the first of each counts (an unreadable birth time is not replaced by a second one)
        let mut seen = Seen::default();
        for child in person.map(|person| t.elements(person)).into_iter().flatten() {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            match t.local_name(child) {
                "name" => p.names.push(person_name(t, child)),
                "administrativeGenderCode" if seen.first(0) => p.sex = Some(self.code(child)),
                "birthTime" if seen.first(1) => p.birth_time = self.timestamp(child),
                "birthplace" if seen.first(2) => {
                    p.birthplace = t.child(child, "place").map(|place| {
                        let addr = t.child(place, "addr").map(|a| address(t, a));
                        Birthplace {
                            name: t.child(place, "name").and_then(|n| text(t, n)),
                            cog_code: addr.as_ref().and_then(|a| a.county.as_deref()).map(String::from),
                            address: addr,
                            span: t.span(place),
                        }
                    });
                }
                "guardian" => {
                    let names = match t.child(child, "guardianPerson") {
                        Some(gp) => self.names(gp),
                        None => Vec::new(),
                    };
                    p.guardians.push(Contact {
                        code: self.child_code(child, "code"),
                        names,
                        addresses: self.addresses(child),
                        telecoms: self.telecoms(child),
                        span: t.span(child),
                    });
                }
                _ => {}
            }
        }
        p.ins = self.ins_status(&p);
        p
    }

    /// The INS and the identity traits the référentiel INS requires beside it.
    fn ins_status(&mut self, p: &Patient) -> Option<InsStatus> {
        let ins = p.ids.iter().find(|i| i.kind.is_ins())?;
        let value = ins.id.extension.as_deref().unwrap_or_default().to_string();
        let key_ok = ins.nir_check.as_ref().map(|c| c.key_ok).unwrap_or(false);
        if let Some(check) = &ins.nir_check {
            if !check.key_ok {
                let message = check
                    .problem
                    .clone()
                    .unwrap_or_else(|| format!("the key of the INS \"{value}\" does not match its number"));
                self.findings.push(Finding::error("ins.key", ins.id.span, message));
            }
        }
        let name: Option<&PersonName> = p.names.first();
        let has_family_br = p.names.iter().any(|n| {
            n.parts.iter().any(|x| {
                x.kind == crate::model::common::NamePartKind::Family && x.qualifier.as_deref() == Some("BR")
            })
        });
        let given = |qualifier: Option<&str>| {
            p.names.iter().any(|n| {
                n.parts.iter().any(|x| {
                    x.kind == crate::model::common::NamePartKind::Given && x.qualifier.as_deref() == qualifier
                })
            })
        };
        let mut missing = Vec::new();
        if !has_family_br {
            missing.push("nom de naissance (family qualifier=\"BR\")");
        }
        if !given(None) {
            missing.push("prénoms de naissance (given sans qualifier)");
        }
        if !given(Some("BR")) {
            missing.push("premier prénom de naissance (given qualifier=\"BR\")");
        }
        if p.sex.as_ref().and_then(|s| s.code.as_ref()).is_none() {
            missing.push("sexe (administrativeGenderCode)");
        }
        if p.birth_time.is_none() {
            missing.push("date de naissance (birthTime)");
        }
        if p.birthplace.as_ref().and_then(|b| b.cog_code.as_ref()).is_none() {
            missing.push("code officiel géographique du lieu de naissance (birthplace/place/addr/county)");
        }
        if !missing.is_empty() {
            let span = name.map(|n| n.span).unwrap_or(p.span);
            self.findings.push(Finding::warning(
                "ins.traits",
                span,
                format!(
                    "the patient has an INS but these identity traits are missing: {}",
                    missing.join(", ")
                ),
            ));
        }
        Some(InsStatus { kind: ins.kind, value, key_ok, missing_traits: missing })
    }

    fn author(&mut self, node: NodeId) -> Author {
        let t = self.tree;
        Author {
            time: self.child_timestamp(node, "time"),
            function: self.child_code(node, "functionCode"),
            actor: t.child(node, "assignedAuthor").map(|a| self.actor(a)).unwrap_or_default(),
            span: t.span(node),
        }
    }

    fn signer(&mut self, node: NodeId) -> Signer {
        let t = self.tree;
        Signer {
            time: self.child_timestamp(node, "time"),
            signature_code: t.child(node, "signatureCode").and_then(|n| attr(t, n, "code")),
            actor: t.child(node, "assignedEntity").map(|a| self.actor(a)).unwrap_or_default(),
            span: t.span(node),
        }
    }

    fn participant(&mut self, node: NodeId) -> Participant {
        let t = self.tree;
        let role = t.child(node, "associatedEntity");
        Participant {
            type_code: attr(t, node, "typeCode").unwrap_or_default(),
            function: self.child_code(node, "functionCode"),
            time: self.child_interval(node, "time"),
            class_code: role.and_then(|r| attr(t, r, "classCode")),
            code: role.and_then(|r| self.child_code(r, "code")),
            actor: role.map(|r| self.actor(r)).unwrap_or_default(),
            span: t.span(node),
        }
    }

    fn service_event(&mut self, node: NodeId) -> ServiceEvent {
        let t = self.tree;
        let mut performers = Vec::new();
        for perf in t.children_named(node, Ns::HL7, "performer") {
            performers.push(Performer {
                type_code: attr(t, perf, "typeCode").unwrap_or_default(),
                function: self.child_code(perf, "functionCode"),
                time: self.child_interval(perf, "time"),
                actor: t.child(perf, "assignedEntity").map(|a| self.actor(a)).unwrap_or_default(),
                span: t.span(perf),
            });
        }
        ServiceEvent {
            class_code: attr(t, node, "classCode"),
            ids: self.identifiers(node, "id"),
            code: self.child_code(node, "code"),
            effective_time: self.child_interval(node, "effectiveTime"),
            performers,
            span: t.span(node),
        }
    }

    fn related_document(&mut self, node: NodeId) -> RelatedDocument {
        let t = self.tree;
        let parent = t.child(node, "parentDocument");
        RelatedDocument {
            type_code: attr(t, node, "typeCode").unwrap_or_default(),
            parent_id: parent.and_then(|p| t.child(p, "id")).map(|n| self.identifier(n)),
            parent_set_id: parent.and_then(|p| t.child(p, "setId")).map(|n| self.identifier(n)),
            parent_version_number: parent
                .and_then(|p| t.child(p, "versionNumber"))
                .and_then(|n| attr(t, n, "value")),
            span: t.span(node),
        }
    }

    fn encounter(&mut self, node: NodeId) -> Encounter {
        let t = self.tree;
        let facility = t.path(node, &["location", "healthCareFacility"]).map(|f| {
            let place = t.child(f, "location");
            Facility {
                ids: self.identifiers(f, "id"),
                code: self.child_code(f, "code"),
                location_name: place.and_then(|p| t.child(p, "name")).and_then(|n| text(t, n)),
                location_address: place.and_then(|p| t.child(p, "addr")).map(|a| address(t, a)),
                organization: t.child(f, "serviceProviderOrganization").map(|o| self.organization(o)),
                span: t.span(f),
            }
        });
        Encounter {
            ids: self.identifiers(node, "id"),
            code: self.child_code(node, "code"),
            effective_time: self.child_interval(node, "effectiveTime"),
            responsible: t.path(node, &["responsibleParty", "assignedEntity"]).map(|a| self.actor(a)),
            facility,
            span: t.span(node),
        }
    }

    /// A role played by a person, a device and/or an organization, read in one pass over its
    /// children (a document has tens of roles: authors, signers, participants, performers).
    pub(crate) fn actor(&mut self, role: NodeId) -> Actor {
        let t = self.tree;
        let mut actor = Actor { span: t.span(role), ..Actor::default() };
        for child in t.elements(role) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            match t.local_name(child) {
                "id" => {
                    let id = self.identifier(child);
                    let national = national(&id, practitioner_id);
                    actor.ids.push(PractitionerIdentifier { id, national });
                }
                "code" if actor.specialty.is_none() => {
                    let code = self.code(child);
                    let parts = terminology::split_specialty(code.code.as_deref().unwrap_or(""));
                    actor.specialty = Some(Specialty {
                        profession_code: parts.profession_code,
                        profession: parts.profession_label,
                        specialty_code: parts.specialty_code,
                        specialty: parts.specialty_label,
                        code,
                    });
                }
                "addr" => actor.addresses.push(address(t, child)),
                "telecom" => actor.telecoms.extend(telecom(t, child)),
                "assignedAuthoringDevice" => {
                    actor.device = Some(Device {
                        manufacturer_model_name: t
                            .child(child, "manufacturerModelName")
                            .and_then(|n| text(t, n)),
                        software_name: t.child(child, "softwareName").and_then(|n| text(t, n)),
                        span: t.span(child),
                    });
                }
                name if PERSON_ELEMENTS.contains(&name) => actor.names.extend(self.names(child)),
                name if ORGANIZATION_ELEMENTS.contains(&name) && actor.organization.is_none() => {
                    actor.organization = Some(self.organization(child));
                }
                _ => {}
            }
        }
        actor
    }

    /// An organization, read in one pass over its children.
    pub(crate) fn organization(&mut self, node: NodeId) -> Organization {
        let t = self.tree;
        let mut o = Organization { span: t.span(node), ..Organization::default() };
        let mut seen = Seen::default();
        for child in t.elements(node) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            match t.local_name(child) {
                "id" => {
                    let id = self.identifier(child);
                    let national = national(&id, organization_id);
                    o.ids.push(OrganizationIdentifier { id, national });
                }
                // the first name counts, even an empty one
                "name" if seen.first(0) => o.name = text(t, child),
                "telecom" => o.telecoms.extend(telecom(t, child)),
                "addr" => o.addresses.push(address(t, child)),
                "standardIndustryClassCode" if seen.first(1) => o.practice_setting = Some(self.code(child)),
                _ => {}
            }
        }
        o
    }
}
