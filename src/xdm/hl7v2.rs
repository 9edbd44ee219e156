//! The HL7 v2 data types XDS metadata writes its people and identifiers in: CX (patient
//! ids), XCN (persons), XON (organisations), and the coded author specialty.
//!
//! `^` separates components, `&` sub-components. The assigning authority is an HD,
//! `namespace&universalId&universalIdType`; French metadata always gives an OID with type
//! `ISO` (`^^^&1.2.250.1.213.1.4.10&ISO^NH`). Parsing keeps the raw value and never fails:
//! what does not follow the grammar is reported by the caller from [`Cx::problem`].

use serde::Serialize;

fn components(value: &str) -> Vec<&str> {
    value.split('^').collect()
}

fn non_empty(s: Option<&&str>) -> Option<String> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The universal id of an HD (`namespace&universalId&ISO`), else its namespace id.
fn hd_root(hd: &str) -> Option<String> {
    let mut parts = hd.split('&');
    let namespace = parts.next().map(str::trim).filter(|s| !s.is_empty());
    let universal = parts.next().map(str::trim).filter(|s| !s.is_empty());
    universal.or(namespace).map(str::to_string)
}

/// A patient identifier (HL7 v2 CX), as `XDSDocumentEntry.patientId` and
/// `sourcePatientId` carry it: `id^^^&oid&ISO^type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cx {
    /// The value as written.
    pub value: String,
    /// The identifier itself (component 1): for an INS, the NIR or NIA.
    pub id: String,
    /// The assigning authority's OID (component 4, universal id): the `root` the CDA `id`
    /// should carry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// The identifier type code (component 5): `NH` for an INS, `PI` for a local id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_type: Option<String>,
    /// What is wrong with the value's form, when something is (the caller reports it).
    #[serde(skip)]
    pub problem: Option<String>,
}

impl Cx {
    /// Reads a CX. A misplaced assigning authority (`id^^&oid&ISO`, seen in the wild) is
    /// still found, and described in [`Cx::problem`].
    pub fn parse(value: &str) -> Cx {
        let value = value.trim();
        let c = components(value);
        let id = c.first().map(|s| s.trim().to_string()).unwrap_or_default();
        let mut problem = None;
        let mut root = c.get(3).and_then(|hd| hd_root(hd));
        if root.is_none() {
            if let Some((at, hd)) = c.iter().enumerate().skip(1).find(|(_, s)| s.contains('&')) {
                root = hd_root(hd);
                problem = Some(format!(
                    "the assigning authority is in component {} instead of 4 (expected id^^^&oid&ISO)",
                    at + 1
                ));
            } else {
                problem = Some("no assigning authority (expected id^^^&oid&ISO)".to_string());
            }
        }
        if id.is_empty() {
            problem = Some("no identifier before the first ^".to_string());
        }
        Cx { value: value.to_string(), id, root, id_type: non_empty(c.get(4)), problem }
    }
}

/// A person (HL7 v2 XCN), as `authorPerson` and `legalAuthenticator` carry them:
/// `id^family^given^^^^^^&oid&ISO^D^^^IDNPS` in French metadata (RPPS or ADELI id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Xcn {
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    /// The assigning authority's OID (component 9): the `root` of the CDA author's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigning_authority: Option<String>,
    /// The identifier type code (component 13): `IDNPS` for a national professional id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_type: Option<String>,
}

impl Xcn {
    pub fn parse(value: &str) -> Xcn {
        let value = value.trim();
        let c = components(value);
        Xcn {
            value: value.to_string(),
            id: non_empty(c.first()),
            family: non_empty(c.get(1)),
            given: non_empty(c.get(2)),
            assigning_authority: c.get(8).and_then(|hd| hd_root(hd)),
            id_type: non_empty(c.get(12)),
        }
    }
}

/// An organisation (HL7 v2 XON), as `authorInstitution` carries it:
/// `name^^^^^&oid&ISO^IDNST^^^id` (FINESS, SIRET...), or just a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Xon {
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The organisation identifier (component 10, or the older component 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The assigning authority's OID (component 6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigning_authority: Option<String>,
    /// The identifier type code (component 7): `IDNST` for a national structure id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_type: Option<String>,
}

impl Xon {
    pub fn parse(value: &str) -> Xon {
        let value = value.trim();
        let c = components(value);
        Xon {
            value: value.to_string(),
            name: non_empty(c.first()),
            id: non_empty(c.get(9)).or_else(|| non_empty(c.get(2))),
            assigning_authority: c.get(5).and_then(|hd| hd_root(hd)),
            id_type: non_empty(c.get(6)),
        }
    }
}

/// A coded author role or specialty: `code^label^^^^^^&oid&ISO` (IHE), `code^label^oid`
/// (French DMP metadata) or free text (`Orthopedic`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodedString {
    pub value: String,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// The code system's OID, when one is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
}

impl CodedString {
    pub fn parse(value: &str) -> CodedString {
        let value = value.trim();
        let c = components(value);
        let scheme = c
            .get(2)
            .filter(|s| !s.trim().is_empty() && !s.contains('&'))
            .map(|s| s.trim().to_string())
            .or_else(|| c.iter().skip(1).find(|s| s.contains('&')).and_then(|hd| hd_root(hd)));
        CodedString {
            value: value.to_string(),
            code: c.first().map(|s| s.trim().to_string()).unwrap_or_default(),
            display: non_empty(c.get(1)),
            scheme,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_french_ins_is_split_into_nir_oid_and_type() {
        let cx = Cx::parse("162018885045327^^^&1.2.250.1.213.1.4.10&ISO^NH");
        assert_eq!(cx.id, "162018885045327");
        assert_eq!(cx.root.as_deref(), Some("1.2.250.1.213.1.4.10"));
        assert_eq!(cx.id_type.as_deref(), Some("NH"));
        assert_eq!(cx.problem, None);
    }

    #[test]
    fn a_misplaced_assigning_authority_is_found_and_reported() {
        let cx = Cx::parse("111111111^^&2.16.840.1.113883.4.1&ISO");
        assert_eq!(cx.root.as_deref(), Some("2.16.840.1.113883.4.1"));
        assert!(cx.problem.unwrap().contains("component 3"));
        assert!(Cx::parse("42").problem.unwrap().contains("no assigning authority"));
    }

    #[test]
    fn persons_and_organisations_in_french_form() {
        let p = Xcn::parse("899700367909^DOC0036790^KIT^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS");
        assert_eq!(p.id.as_deref(), Some("899700367909"));
        assert_eq!(p.family.as_deref(), Some("DOC0036790"));
        assert_eq!(p.given.as_deref(), Some("KIT"));
        assert_eq!(p.assigning_authority.as_deref(), Some("1.2.250.1.71.4.2.1"));
        assert_eq!(p.id_type.as_deref(), Some("IDNPS"));
        let o = Xon::parse("BCOM^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^499700367909006");
        assert_eq!(o.name.as_deref(), Some("BCOM"));
        assert_eq!(o.id.as_deref(), Some("499700367909006"));
        assert_eq!(o.assigning_authority.as_deref(), Some("1.2.250.1.71.4.2.2"));
        assert_eq!(Xon::parse("Cleveland Clinic").name.as_deref(), Some("Cleveland Clinic"));
    }

    #[test]
    fn specialties_in_every_form() {
        let ihe = CodedString::parse("G15_10/SM26^Médecine générale^^^^^^&1.2.250.1.213.1.1.4.5&ISO");
        assert_eq!(ihe.code, "G15_10/SM26");
        assert_eq!(ihe.scheme.as_deref(), Some("1.2.250.1.213.1.1.4.5"));
        let dmp = CodedString::parse("G15_10/SM26^Médecine générale^1.2.250.1.213.1.1.4.5");
        assert_eq!(dmp.display.as_deref(), Some("Médecine générale"));
        assert_eq!(dmp.scheme.as_deref(), Some("1.2.250.1.213.1.1.4.5"));
        let free = CodedString::parse("Orthopedic");
        assert_eq!((free.code.as_str(), free.scheme), ("Orthopedic", None));
    }
}
