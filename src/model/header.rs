//! The CDA header: who the document is about, who wrote it, for whom, when, and what it is.

use serde::Serialize;

use crate::model::common::{Address, Code, Identifier, PersonName, Telecom, Text};
use crate::model::identifiers::{NirCheck, OrganizationId, PatientIdKind, PractitionerId};
use crate::model::time::{Interval, Timestamp};
use crate::xml::Span;

/// Everything in the header of a `ClinicalDocument`, typed.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Header {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
    pub template_ids: Vec<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Identifier>,
    /// The document type (J07 / LOINC), with its label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_id: Option<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_number: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_documents: Vec<RelatedDocument>,
    /// recordTarget: the patient(s) the document is about (one in practice).
    pub patients: Vec<Patient>,
    pub authors: Vec<Author>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custodian: Option<Organization>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_authenticator: Option<Signer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authenticators: Vec<Signer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub information_recipients: Vec<Recipient>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<Participant>,
    /// documentationOf/serviceEvent: the act(s) the document reports on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service_events: Vec<ServiceEvent>,
    /// componentOf/encompassingEncounter: the encounter the document belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Encounter>,
    /// inFulfillmentOf/order ids: the orders (prescriptions) this document fulfils.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub in_fulfillment_of: Vec<Identifier>,
    pub span: Span,
}

/// relatedDocument: the document this one replaces (RPLC), appends to (APND) or transforms (XFRM).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RelatedDocument {
    pub type_code: String,
    /// The parent document's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_set_id: Option<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_version_number: Option<String>,
    pub span: Span,
}

/// One patient identifier with what it is (INS-NIR, INS-NIA, NIR, local IPP...).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PatientId {
    pub id: Identifier,
    pub kind: PatientIdKind,
    /// For an INS-NIR or NIR: the key check of the number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nir_check: Option<NirCheck>,
}

/// The patient (recordTarget/patientRole).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Patient {
    pub ids: Vec<PatientId>,
    pub names: Vec<PersonName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthplace: Option<Birthplace>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub telecoms: Vec<Telecom>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub guardians: Vec<Contact>,
    /// When an INS is present: the identity traits it requires that are missing (empty when
    /// all are there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ins: Option<InsStatus>,
    pub span: Span,
}

/// The INS (identifiant national de santé) of a patient and the traits that must accompany it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InsStatus {
    pub kind: PatientIdKind,
    pub value: String,
    /// Whether the NIR key matches.
    pub key_ok: bool,
    /// Identity traits the INS requires that the document does not give (in French, as the
    /// référentiel names them: "nom de naissance", "premier prénom", ...).
    pub missing_traits: Vec<&'static str>,
}

/// A birthplace: the INSEE COG code of the commune (in `addr/county`) and/or its name.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Birthplace {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// The COG code (5 characters; 99xxx for a birth abroad).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cog_code: Option<String>,
    pub span: Span,
}

/// A person related to the patient (guardian, contact).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Contact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    pub names: Vec<PersonName>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub telecoms: Vec<Telecom>,
    pub span: Span,
}

/// A practitioner identifier with what it is (RPPS, ADELI...).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PractitionerIdentifier {
    pub id: Identifier,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national: Option<PractitionerId>,
}

/// An author specialty (J01) split into profession and specialty, with labels.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Specialty {
    pub code: Code,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profession_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profession: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specialty_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specialty: Option<&'static str>,
}

impl Specialty {
    /// "profession, specialty" with their labels, or the code's own text when neither is known.
    pub fn display(&self) -> String {
        match (self.profession, self.specialty) {
            (Some(p), Some(sp)) => format!("{p}, {sp}"),
            (Some(p), None) => p.to_string(),
            (None, Some(sp)) => sp.to_string(),
            (None, None) => self.code.text(),
        }
    }
}

/// A healthcare professional or a device acting in a role (assignedAuthor, assignedEntity).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Actor {
    pub ids: Vec<PractitionerIdentifier>,
    /// The role's code: for authors and performers, the specialty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specialty: Option<Specialty>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<PersonName>,
    /// When the actor is software or a device (assignedAuthoringDevice).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<Device>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub telecoms: Vec<Telecom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    pub span: Span,
}

/// Software or a device that authored or performed something.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Device {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manufacturer_model_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_name: Option<String>,
    pub span: Span,
}

impl Device {
    /// The software and model names, as one line.
    pub fn display(&self) -> String {
        [self.software_name.as_deref(), self.manufacturer_model_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An author of the document.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Author {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<Code>,
    pub actor: Actor,
    pub span: Span,
}

/// An organization (representedOrganization, custodian, serviceProviderOrganization...).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Organization {
    pub ids: Vec<OrganizationIdentifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub telecoms: Vec<Telecom>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// standardIndustryClassCode: the practice setting (J04).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practice_setting: Option<Code>,
    pub span: Span,
}

/// An organization identifier with what it is (FINESS, SIRET...).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OrganizationIdentifier {
    pub id: Identifier,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national: Option<OrganizationId>,
}

/// legalAuthenticator or authenticator: who signed, when.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Signer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_code: Option<String>,
    pub actor: Actor,
    pub span: Span,
}

/// informationRecipient: who the document is addressed to.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Recipient {
    pub type_code: String,
    pub actor: Actor,
    pub span: Span,
}

/// A header participant (referrer, payer, emergency contact, ...).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Participant {
    pub type_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Interval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    pub actor: Actor,
    pub span: Span,
}

/// documentationOf/serviceEvent: the act reported on, with its performers.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ServiceEvent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_code: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub performers: Vec<Performer>,
    pub span: Span,
}

/// A performer of a service event.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Performer {
    pub type_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Interval>,
    pub actor: Actor,
    pub span: Span,
}

/// componentOf/encompassingEncounter: the encounter, where it took place and who was responsible.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Encounter {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible: Option<Actor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facility: Option<Facility>,
    pub span: Span,
}

/// healthCareFacility: the kind of facility (J02) and its location.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Facility {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<Identifier>,
    /// The facility type (J02).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    pub span: Span,
}
