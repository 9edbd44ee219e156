//! The shape of a clinical summary: plain data (serde, JSON Schema), what
//! `vigie clinical --json`, the HTTP API and the app's cards show.
//!
//! Codes, values and comments are the lab results' types ([`Coded`], [`ResultValue`],
//! [`Comment`]): one way of showing a code with its label, its system and the narrative text
//! it references. Every item keeps its [`Span`] into the decoded source and its line:column,
//! and its narrative reference as written beside the text it resolves to.

use serde::Serialize;

use crate::model::time::Interval;
use crate::results::{Coded, Comment, ResultValue};
use crate::xml::{Position, Span};

fn is_false(b: &bool) -> bool {
    !*b
}

/// The clinical summary of one document: its clinical statement sections grouped by
/// category, in the order a physician reads a summary (allergies first).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct ClinicalSummary {
    /// One group per category present, in [`Category`] order.
    pub groups: Vec<CategoryGroup>,
    /// Items in the whole summary (reactions, steps and details not counted).
    pub item_count: usize,
}

/// What a section is about. The declaration order is the order of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Allergies and intolerances (LOINC 48765-2).
    Allergies,
    /// Foreseeable adverse effects of medications (LOINC 44939-7, IPS-FR).
    AdverseEffects,
    /// Points of vigilance (LOINC 44944-7; VSM 1.4's section titled so).
    Vigilance,
    /// Active problems (LOINC 11450-4).
    Problems,
    /// Treatments: medication history, on admission, administered, at discharge.
    Medications,
    /// Medical history (*antécédents médicaux*, LOINC 11348-0).
    MedicalHistory,
    /// Surgical history and past procedures (LOINC 47519-4).
    SurgicalHistory,
    /// Family history (LOINC 10157-6).
    FamilyHistory,
    /// Risk factors, occupational ones included (LOINC 57207-3, 10161-8).
    RiskFactors,
    /// Habits and way of life: tobacco, alcohol, drugs (LOINC 29762-2).
    SocialHistory,
    /// Vaccinations (LOINC 11369-6).
    Immunizations,
    /// Pregnancy history (LOINC 10162-6).
    PregnancyHistory,
    /// Medical devices, implants, prostheses (LOINC 46264-8).
    Devices,
}

/// The sections of one category, in document order.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CategoryGroup {
    pub category: Category,
    pub sections: Vec<ClinicalSection>,
}

/// A section of the document holding clinical statements of one category.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClinicalSection {
    pub category: Category,
    /// The section's title as written, else its code's label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Coded>,
    /// The section's `ID` attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xml_id: Option<String>,
    /// The items read from the section's entries, in document order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ClinicalItem>,
    /// The section's narrative as plain text (one line per paragraph, row or list item),
    /// given when no entry could be read or an item's subject is not coded: what the
    /// author wrote, to read beside (or instead of) the entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// One clinical statement: a problem, an antecedent, an allergy, a treatment, a
/// vaccination, a habit, a device… Each field is what the entry codes; what it does not
/// code is absent, never guessed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClinicalItem {
    /// The element the item was read from: `observation`, `act`, `procedure`,
    /// `substanceAdministration`, `supply`, `encounter`.
    pub statement: String,
    /// What to show: the label of [`ClinicalItem::substance`] for an allergy, of the
    /// product for a treatment, else of [`ClinicalItem::code`]; else the narrative text the
    /// entry references, else its own text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Where the label comes from: a presenter says so when it is not a coded concept
    /// (the narrative's words, or only the kind of statement: "drug allergy", agent uncoded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_source: Option<ItemLabelSource>,
    /// The coded concept: the problem (an observation's value), the procedure, the device,
    /// the observed thing (a habit's code, whose value is [`ClinicalItem::value`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Coded>,
    /// What kind of statement it is, when the code says so beside the concept: a
    /// problem's type (diagnosis, symptom), an allergy's (drug allergy), a vaccination's
    /// (primary series).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Coded>,
    /// The value of an observation about [`ClinicalItem::code`] (daily smoker, 25 pack-years).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<ResultValue>,
    /// `negationInd="true"`: the statement says the thing did *not* happen or is absent.
    #[serde(skip_serializing_if = "is_false")]
    pub negated: bool,
    /// `moodCode` when it is not an event (`INT`: planned, `GOL`: a goal, `RQO`: requested).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mood: Option<String>,
    /// `statusCode` as written (completed, active, aborted…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The clinical status a status observation gives (LOINC 33999-4: active, resolved…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clinical_status: Option<Coded>,
    /// When: onset and resolution, the date of a procedure or vaccination, a
    /// treatment's period. Kept at the precision written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    /// The concern (problem or allergy list entry) the item was written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concern: Option<Concern>,
    /// Severity (`SEV` observation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Coded>,
    /// An allergy's criticality (LOINC 82606-5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criticality: Option<Coded>,
    /// Certainty (LOINC 66455-7: confirmed, unconfirmed…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certainty: Option<Coded>,
    /// An allergy's agent (the `CSM` participant: a drug, a food, a substance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substance: Option<Coded>,
    /// Reactions: an allergy's manifestations (`MFST`), a vaccination's effects (`CAUS`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
    /// The relative a family history item is about (mother, father…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative: Option<Coded>,
    /// A treatment's or vaccination's product, dose, route, frequency, lot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub administration: Option<Administration>,
    /// Body sites (`targetSiteCode`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub target_sites: Vec<Coded>,
    /// Why (`RSON`): a treatment's indication.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Coded>,
    /// Other observations written about the item (a patient's clinical status, a rank…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
    /// Who performed it (a procedure's surgeon, a vaccination's practitioner).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub performers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
    /// `text/reference/@value` as written: the narrative element the entry is written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_reference: Option<String>,
    /// The narrative text that reference points at, else the entry's own text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// Where an item's label comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ItemLabelSource {
    /// The allergy's agent ([`ClinicalItem::substance`]).
    Substance,
    /// The treatment's product ([`Administration::product`] or its name).
    Product,
    /// The coded concept ([`ClinicalItem::code`]).
    Code,
    /// The narrative text the entry references, or its own text: nothing coded says it.
    Narrative,
    /// Only the kind of statement ([`ClinicalItem::kind`]): what it is about is not coded.
    Kind,
}

impl ClinicalItem {
    /// Whether what the item is about is coded (an agent, a product, a concept).
    pub fn is_coded(&self) -> bool {
        matches!(
            self.label_source,
            Some(ItemLabelSource::Substance | ItemLabelSource::Product | ItemLabelSource::Code)
        )
    }
}

/// The concern act around problems and allergies (IHE PCC Concern Entry): the list
/// entry's own status and period, which may differ from the problem's.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Concern {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    pub span: Span,
}

/// A reaction: an allergy's manifestation or a vaccination's adverse effect.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Reaction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_reference: Option<String>,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// An observation written about an item that has no field of its own.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Detail {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<ResultValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    /// The narrative text the observation references.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub span: Span,
}

/// A `substanceAdministration`'s particulars: what, how much, how, how often.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Administration {
    /// The product (`consumable/manufacturedProduct/manufacturedMaterial/code`: CIS, ATC…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<Coded>,
    /// The product's `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<Coded>,
    /// Where on the body (`approachSiteCode`: left deltoid).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approach_site: Option<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dose: Option<Amount>,
    /// `rateQuantity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<Amount>,
    /// `maxDoseQuantity`: the most that may be taken over a period (`200 mg/1 d`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_dose: Option<Amount>,
    /// When it is taken: the other `effectiveTime`s (PIVL_TS, EIVL_TS, SXPR_TS components).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timing: Vec<Timing>,
    /// Progressive dosage: the subordinate administrations (`entryRelationship
    /// typeCode="COMP"`), each with its own period, dose and timing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// A vaccine's lot number (`lotNumberText`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lot_number: Option<String>,
    /// A vaccination's rank in its series (LOINC 30973-2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dose_number: Option<String>,
}

/// One step of a progressive dosage.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Step {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<Interval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dose: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<Amount>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timing: Vec<Timing>,
    pub span: Span,
}

/// A dose or rate: what the structure says, and what the narrative says.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Amount {
    /// The quantity as written, bounds and unit: `1 {tablet}`, `1–2 {tablet}`, `1500 mg/d`.
    pub display: String,
    /// The narrative text a translation's `originalText` references (`1 cp`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub span: Span,
}

/// One `effectiveTime` that says when a treatment is taken.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Timing {
    /// `xsi:type` as written: PIVL_TS (every period), EIVL_TS (at an event), IVL_TS (a
    /// period of an SXPR_TS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xsi_type: Option<String>,
    /// PIVL_TS: the period as written (`8 h`, `1 d`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// EIVL_TS: the event (`ACM`, before breakfast…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<Coded>,
    /// IVL_TS: the bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    /// IVL_TS: the width as written (`2 d`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<String>,
    /// The narrative text the period's or event's `originalText` references (`1 fois/j`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub span: Span,
}

/// The clinical summary of one document as `vigie clinical --json` prints it, one per line.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DocumentClinical {
    /// The file name or path as given (with the member's path for a packaged document).
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The document's `effectiveTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_date: Option<crate::model::time::Timestamp>,
    pub summary: ClinicalSummary,
}

impl ClinicalSummary {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every section, in summary order.
    pub fn sections(&self) -> impl Iterator<Item = &ClinicalSection> {
        self.groups.iter().flat_map(|g| g.sections.iter())
    }

    /// Every item, in summary order.
    pub fn items(&self) -> impl Iterator<Item = &ClinicalItem> {
        self.sections().flat_map(|s| s.items.iter())
    }
}
