//! The identifiers ebRIM metadata uses to say what a classification or an external
//! identifier is (IHE ITI TF-3 §4.2.5), and what to do when a sender writes another one.

/// What a classification of a document entry (an `ExtrinsicObject`) gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryCode {
    Author,
    Class,
    Type,
    Format,
    PracticeSetting,
    HealthcareFacilityType,
    Confidentiality,
    Event,
}

impl EntryCode {
    /// The XDS attribute name, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            EntryCode::Author => "author",
            EntryCode::Class => "classCode",
            EntryCode::Type => "typeCode",
            EntryCode::Format => "formatCode",
            EntryCode::PracticeSetting => "practiceSettingCode",
            EntryCode::HealthcareFacilityType => "healthcareFacilityTypeCode",
            EntryCode::Confidentiality => "confidentialityCode",
            EntryCode::Event => "eventCodeList",
        }
    }
}

/// `classificationScheme` UUIDs of `XDSDocumentEntry` attributes.
const ENTRY_SCHEMES: [(&str, EntryCode); 8] = [
    ("93606bcf-9494-43ec-9b4e-a7748d1a838d", EntryCode::Author),
    ("41a5887f-8865-4c09-adf7-e362475b143a", EntryCode::Class),
    ("f0306f51-975f-434e-a61c-c59651d33983", EntryCode::Type),
    ("a09d5840-386c-46f2-b5ad-9c3699a4309d", EntryCode::Format),
    ("cccf5598-8b07-4b77-a05e-ae952c785ead", EntryCode::PracticeSetting),
    ("f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1", EntryCode::HealthcareFacilityType),
    ("f4f85eac-e6cb-4883-b524-f2705394840f", EntryCode::Confidentiality),
    ("2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4", EntryCode::Event),
];

/// What a classification of the submission set (a `RegistryPackage`) gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetCode {
    Author,
    ContentType,
}

const SET_SCHEMES: [(&str, SetCode); 2] = [
    ("a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d", SetCode::Author),
    ("aa543740-bdda-424e-8c96-df4873be8500", SetCode::ContentType),
];

/// What an `ExternalIdentifier` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Identifier {
    EntryPatient,
    EntryUnique,
    SetUnique,
    SetSource,
    SetPatient,
}

const IDENTIFICATION_SCHEMES: [(&str, Identifier, &str); 5] = [
    ("58a6f841-87b3-4a3e-92fd-a8ffeff98427", Identifier::EntryPatient, "XDSDocumentEntry.patientId"),
    ("2e82c1f6-a085-4c72-9da3-8640a32e42ab", Identifier::EntryUnique, "XDSDocumentEntry.uniqueId"),
    ("96fdda7c-d067-4183-912e-bf5ee74998a8", Identifier::SetUnique, "XDSSubmissionSet.uniqueId"),
    ("554ac39e-e3fe-47fe-b233-965d2a147832", Identifier::SetSource, "XDSSubmissionSet.sourceId"),
    ("6b5aea1a-874d-4603-a4bc-96a0a7b38446", Identifier::SetPatient, "XDSSubmissionSet.patientId"),
];

/// `classificationNode` marking a `RegistryPackage` as the submission set (a folder has
/// another node, and is not read).
pub(crate) const SUBMISSION_SET_NODE: &str = "a54d6aa5-d40d-43f9-88c5-b4633d873bdd";

/// A scheme written `urn:uuid:X`, `X` or in upper case, as the bare lower-case UUID.
pub(crate) fn bare_uuid(scheme: &str) -> String {
    let s = scheme.trim();
    let s = match (s.get(..9), s.get(9..)) {
        (Some(prefix), Some(uuid)) if prefix.eq_ignore_ascii_case("urn:uuid:") => uuid,
        _ => s,
    };
    s.to_ascii_lowercase()
}

pub(crate) fn entry_code(scheme: &str) -> Option<EntryCode> {
    let uuid = bare_uuid(scheme);
    ENTRY_SCHEMES.iter().find(|(s, _)| *s == uuid).map(|(_, c)| *c)
}

pub(crate) fn set_code(scheme: &str) -> Option<SetCode> {
    let uuid = bare_uuid(scheme);
    SET_SCHEMES.iter().find(|(s, _)| *s == uuid).map(|(_, c)| *c)
}

pub(crate) fn identifier(scheme: &str) -> Option<Identifier> {
    let uuid = bare_uuid(scheme);
    IDENTIFICATION_SCHEMES.iter().find(|(s, _, _)| *s == uuid).map(|(_, i, _)| *i)
}

/// An identifier recognised from its `Name` (`XDSDocumentEntry.uniqueId`) when its scheme is
/// not one XDS defines.
pub(crate) fn identifier_by_name(name: &str) -> Option<Identifier> {
    IDENTIFICATION_SCHEMES.iter().find(|(_, _, n)| n.eq_ignore_ascii_case(name.trim())).map(|(_, i, _)| *i)
}

/// A document-entry classification recognised without its scheme: from its author slots,
/// its coding scheme (the French nomenclatures' OIDs, HL7 Confidentiality, LOINC) or the
/// shape of its code (format codes are URNs).
pub(crate) fn guess_entry_code(
    coding_scheme: Option<&str>,
    node_representation: Option<&str>,
    has_author_slots: bool,
) -> Option<EntryCode> {
    if has_author_slots {
        return Some(EntryCode::Author);
    }
    let by_scheme = match coding_scheme.map(str::trim) {
        Some("1.2.250.1.213.1.1.4.1") => Some(EntryCode::Class),
        Some("1.2.250.1.213.1.1.4.12") | Some("2.16.840.1.113883.6.1") => Some(EntryCode::Type),
        Some("1.2.250.1.71.4.2.4") => Some(EntryCode::HealthcareFacilityType),
        Some("1.2.250.1.213.1.1.4.9") => Some(EntryCode::PracticeSetting),
        Some("2.16.840.1.113883.5.25") | Some("1.2.250.1.213.1.1.4.13") => Some(EntryCode::Confidentiality),
        Some("1.3.6.1.4.1.19376.1.2.3") | Some("1.2.250.1.213.1.1.4.2.282") => Some(EntryCode::Format),
        _ => None,
    };
    by_scheme.or_else(|| {
        node_representation
            .filter(|n| n.starts_with("urn:ihe:") || n.starts_with("urn:asip:"))
            .map(|_| EntryCode::Format)
    })
}

/// The IHE Document Digital Signature (DSG) codes of a signature document entry.
pub(crate) const DSG_CLASS_CODE: &str = "urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1";
pub(crate) const DSG_FORMAT_CODE: &str = "http://www.w3.org/2000/09/xmldsig#";
pub(crate) const DSG_TYPE_CODE: &str = "E1762";

/// `urn:ihe:iti:2007:AssociationType:signs` (or the short form `signs`).
pub(crate) fn is_signs(association_type: &str) -> bool {
    let t = association_type.trim();
    t == "signs" || t.ends_with(":signs")
}

/// `urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember` (or the short form).
pub(crate) fn is_has_member(association_type: &str) -> bool {
    let t = association_type.trim();
    t == "HasMember" || t.ends_with(":HasMember")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_recognised_however_written() {
        assert_eq!(entry_code("urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a"), Some(EntryCode::Class));
        assert_eq!(entry_code("URN:UUID:41A5887F-8865-4C09-ADF7-E362475B143A"), Some(EntryCode::Class));
        assert_eq!(entry_code("41a5887f-8865-4c09-adf7-e362475b143a"), Some(EntryCode::Class));
        assert_eq!(entry_code("urn:uuid:é"), None);
        assert_eq!(identifier("1.2.3"), None);
        assert_eq!(identifier_by_name(" XDSDocumentEntry.uniqueId "), Some(Identifier::EntryUnique));
    }

    #[test]
    fn classifications_without_a_known_scheme_are_read_from_their_content() {
        assert_eq!(
            guess_entry_code(Some("1.2.250.1.213.1.1.4.1"), Some("10"), false),
            Some(EntryCode::Class)
        );
        assert_eq!(guess_entry_code(None, Some("urn:ihe:lab:xd-lab:2008"), false), Some(EntryCode::Format));
        assert_eq!(guess_entry_code(None, None, true), Some(EntryCode::Author));
        assert_eq!(guess_entry_code(Some("9.9"), Some("x"), false), None);
    }
}
