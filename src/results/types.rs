//! The shape of extracted lab results: plain data (serde, JSON Schema), what
//! `vigie results --json`, the HTTP API and the app's grid show.
//!
//! Every item keeps its [`Span`] into the decoded source and its line:column, and every
//! narrative reference (`text/reference/@value`, `originalText/reference/@value`) as written,
//! beside the narrative text it resolves to, so that a presenter can link a row to its entry
//! in the XML source and to the narrative cell it stands for.

use serde::Serialize;

use crate::model::time::{Interval, Timestamp};
use crate::xml::{Position, Span};

/// The lab results of one document: its chapters (sections) in document order.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct LabReport {
    pub chapters: Vec<Chapter>,
    /// Results in the whole document (previous results not counted).
    pub result_count: usize,
    /// Results with [`LabResult::abnormal`] set.
    pub abnormal_count: usize,
}

/// A chapter (CR-BIO *chapitre*, a lab specialty section) or a sub-chapter
/// (*sous-chapitre*), or a results section of another kind of document.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Chapter {
    /// The section's title, else its code's label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Coded>,
    /// The section's `ID` attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xml_id: Option<String>,
    /// Results written directly as entries of the section, outside any battery.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<LabResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub batteries: Vec<Battery>,
    /// Sub-chapters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chapters: Vec<Chapter>,
    /// The germ × antibiotic matrix of this chapter's isolates, when it has antibiograms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub antibiogram: Option<Antibiogram>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// What grouped the results of a [`Battery`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BatteryKind {
    /// The entry's `act` (CR-BIO *examen*, XD-LAB Laboratory Report Data Processing Entry):
    /// it carries the performing laboratory, the specimen and the results or batteries.
    Examination,
    /// An `organizer classCode="BATTERY"` (a panel: blood count, antibiogram…).
    Battery,
    /// An `organizer classCode="CLUSTER"` that is not an isolate.
    Cluster,
    /// A microbiology isolate: a CLUSTER organizer whose specimen is the germ found.
    Isolate,
}

/// A group of results: an examination act, a battery, a cluster or an isolate. Batteries
/// nest (an isolate holds its count and its antibiogram battery).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Battery {
    pub kind: BatteryKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    /// The specimen, when written at this level; results below inherit it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specimen: Option<Specimen>,
    /// For an isolate: the germ identified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub germ: Option<Coded>,
    /// Performing laboratory, authors, validating biologist, devices.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<Party>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<LabResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub batteries: Vec<Battery>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// One result: an `observation` of a test, with its value, reference ranges and flags.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LabResult {
    /// What was measured: LOINC code, or a local code kept as written.
    pub test: Coded,
    /// The first `value` (any data type); absent when none was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<ResultValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reference_ranges: Vec<ReferenceRange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interpretations: Vec<Interpretation>,
    /// Set when the result is abnormal, saying on what ground.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abnormal: Option<AbnormalBy>,
    /// Where the numeric value falls against the normal reference range, whenever both are
    /// numeric in the same unit (computed even when an interpretation is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range_position: Option<RangePosition>,
    /// `statusCode` (completed, active, aborted…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Coded>,
    /// The specimen, when written on the observation itself (else see its batteries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specimen: Option<Specimen>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<Party>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
    /// Previous results (*antériorités*, `entryRelationship typeCode="REFR"`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub previous: Vec<PreviousResult>,
    /// `text/reference/@value` as written: the narrative element (often a table row) the
    /// result is written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_reference: Option<String>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// Where a label shown for a code came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LabelSource {
    /// The code's `displayName`.
    Document,
    /// Vigie's terminology tables.
    Terminology,
    /// The narrative element `originalText/reference` points at.
    Narrative,
    /// The text of `originalText`.
    OriginalText,
    /// A translation's `displayName` (a code given only as a translation).
    Translation,
}

/// A code with the label to show for it and its narrative reference.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Coded {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The code system's OID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// `codeSystemName` as written, else the name Vigie knows for the OID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_source: Option<LabelSource>,
    /// `originalText/reference/@value` as written (`#id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The text of the narrative element that reference points at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_text: Option<String>,
    /// Other codes for the same thing (a local code beside the LOINC one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_flavor: Option<String>,
    pub span: Span,
}

/// What data type a result value is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ValueKind {
    /// PQ, INT, REAL, MO: a number, with a unit for PQ.
    Quantity,
    /// IVL_PQ, IVL_INT, IVL_REAL: bounds (`≤ 1.0`, `≥ 0.512`, `2–4`).
    Interval,
    /// RTO (a titre, `1:40`).
    Ratio,
    /// CD, CE, CV, CO, CS: a coded value (`négatif`, a germ).
    Coded,
    /// ST, ED, SC: free text.
    Text,
    /// BL.
    Boolean,
    /// TS.
    Time,
    /// Only a nullFlavor was written.
    #[default]
    Null,
    /// Another or no `xsi:type`.
    Other,
}

/// How a value relates to its number when it is a bound rather than a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Comparator {
    #[serde(rename = "<")]
    Less,
    #[serde(rename = "<=")]
    LessOrEqual,
    #[serde(rename = ">")]
    Greater,
    #[serde(rename = ">=")]
    GreaterOrEqual,
}

impl Comparator {
    /// The sign as printed: `<`, `≤`, `>`, `≥`.
    pub fn sign(self) -> &'static str {
        match self {
            Comparator::Less => "<",
            Comparator::LessOrEqual => "≤",
            Comparator::Greater => ">",
            Comparator::GreaterOrEqual => "≥",
        }
    }
}

/// A number with its unit: a PQ bound, a translation, a ratio's term.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Quantity {
    /// The value as written.
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// `inclusive` on an interval bound (HL7's default is inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inclusive: Option<bool>,
    /// The same bound in other units (`translation`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Quantity>,
    pub span: Span,
}

/// A result's value, of any HL7 data type, with what presenters need: the text to show,
/// the number when there is one, the unit and its name.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct ResultValue {
    pub kind: ValueKind,
    /// `xsi:type` as written, without prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xsi_type: Option<String>,
    /// The value as a person reads it: `1.950 m[IU]/L`, `≤ 1.0 mg/L`, `négatif`.
    pub display: String,
    /// The value as written (`@value` of PQ, INT, REAL, BL, TS; the text of ST).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The numeric value, when one can be read (a bound's number for one-sided intervals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
    /// Set when `number` is a bound (`<`, `≤`, `>`, `≥`), not a measure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparator: Option<Comparator>,
    /// UCUM unit as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The unit's UCUM name, when Vigie knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_name: Option<&'static str>,
    /// Interval bounds (IVL_*).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Quantity>,
    /// Ratio terms (RTO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<Quantity>,
    /// A coded value (CD/CE) with its label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Coded>,
    /// The same quantity in other units: PQ `translation`s (e.g. mmol/L beside g/L).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_flavor: Option<String>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// A reference range (`referenceRange/observationRange`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReferenceRange {
    /// The range (usually IVL_PQ: low and high with their units and inclusive flags).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<ResultValue>,
    /// The range's text: `observationRange/text`, or the narrative it references.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_reference: Option<String>,
    /// Which interpretation the range stands for (N: the normal range).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<Interpretation>,
    /// The population it applies to (a `precondition`'s criterion: sex, age…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// What an interpretation code says, in kind: what presenters colour, and what decides
/// whether a result is abnormal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Meaning {
    /// N, NEG, ND, NR, EXP.
    Normal,
    /// L, LU, LX.
    Low,
    /// H, HU, HX.
    High,
    /// LL.
    CriticalLow,
    /// HH.
    CriticalHigh,
    /// AA.
    Critical,
    /// A, POS, DET, RR, WR, CAR, UNE, EX, W.
    Abnormal,
    /// `<`, below the limit of detection: neither normal nor abnormal by itself.
    OffScaleLow,
    /// `>`, above the measuring range: neither normal nor abnormal by itself.
    OffScaleHigh,
    /// S, I, R, SDD, NS, SYN-S, SYN-R: an antibiogram's reading.
    Susceptibility,
    /// U, D, B: a change from the previous result.
    Change,
    /// E, IND, IE, NCL: no conclusion.
    Uncertain,
    /// A code Vigie does not know.
    Unknown,
}

impl Meaning {
    /// Whether a result with this interpretation is abnormal.
    pub fn is_abnormal(self) -> bool {
        matches!(
            self,
            Meaning::Low
                | Meaning::High
                | Meaning::CriticalLow
                | Meaning::CriticalHigh
                | Meaning::Critical
                | Meaning::Abnormal
        )
    }
}

/// An interpretation code with its words: the CI-SIS French label and the HL7 English
/// print name, so that a flag is never shown by colour alone.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Interpretation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The document's displayName.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub french: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub english: Option<&'static str>,
    pub meaning: Meaning,
    pub span: Span,
}

/// Why a result is abnormal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AbnormalBy {
    /// An interpretation code says so (H, L, HH, A…).
    Interpretation,
    /// No interpretation decides, and the value lies outside the normal reference range.
    Range,
}

/// Where a value lies against a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RangePosition {
    Below,
    Within,
    Above,
}

/// A specimen: its type, identifiers, and when it was collected and received.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Specimen {
    /// The nature of the specimen (urine, blood…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specimen_type: Option<Coded>,
    /// The collection act (`procedure/code`: NABM *ponction veineuse*…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection: Option<Coded>,
    /// Specimen identifiers (bar codes), `extension (root)`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collected: Option<Interval>,
    /// When the laboratory received it (`act` SPRECEIVE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<Interval>,
    /// Who collected it (the procedure's performer).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub collectors: Vec<String>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// The part someone or something took in the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PartyRole {
    /// `performer`: the laboratory (and biologist) that performed the tests.
    Performer,
    /// `author`.
    Author,
    /// `participant typeCode="AUTHEN"`: the biologist who validated the results.
    Validator,
    /// `participant typeCode="DEV"`: the device (a rapid test, an analyser).
    Device,
    /// Any other participant.
    Participant,
}

/// A performer, author, validator or device, reduced to what it names.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Party {
    pub role: PartyRole,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_code: Option<String>,
    /// Names in document order: the person, then the organization.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// Codes (a specialty, a device's reference), with their labels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Interval>,
    pub span: Span,
}

/// A comment (`act` coded 48767-8, *commentaire*).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Comment {
    /// The comment's text: its own `text`, else the narrative it references.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// A previous result of the same test (*antériorité*).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PreviousResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<ResultValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interpretations: Vec<Interpretation>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// Microbiology: the antibiograms of a chapter's isolates as one germ × antibiotic matrix.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Antibiogram {
    /// The columns: one per isolate, in document order.
    pub isolates: Vec<Isolate>,
    /// The rows: one per antibiotic, in order of first appearance.
    pub antibiotics: Vec<AntibioticRow>,
}

/// A column of an [`Antibiogram`].
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Isolate {
    /// What the column shows: the germ's label, else `isolate N`.
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub germ: Option<Coded>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// A row of an [`Antibiogram`]: one antibiotic, one cell per isolate.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AntibioticRow {
    /// The antibiotic's name, short (the label before its LOINC axes `[Sensibilité]…`).
    pub label: String,
    pub test: Coded,
    /// One cell per isolate, `null` where that isolate was not tested.
    pub cells: Vec<Option<Susceptibility>>,
}

/// A cell of an [`Antibiogram`]: S, I or R, and the MIC or diameter when given.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Susceptibility {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<Interpretation>,
    /// The value as shown (`≥ 0.512 ug/mL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The result's span, to link the cell to its entry.
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// The results of one document as `vigie results --json` prints it, one per line.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DocumentResults {
    /// The file name or path as given (with the member's path for a packaged document).
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The document's `effectiveTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_date: Option<Timestamp>,
    pub report: LabReport,
}
