//! From entries to items: a concern act gives the problems or allergies it holds, a family
//! history organizer the observations about one relative, any other statement one item;
//! then what is written about an item (severity, status, certainty, criticality, reactions,
//! reasons, comments, other observations) is placed on it.

use crate::model::body::{Participation, Statement, Value};
use crate::model::time::Timestamp;
use crate::model::Code;
use crate::results::context::{has_template, is_comment};
use crate::results::{Coded, ResultValue};

use super::types::{Category, ClinicalItem, Concern, Detail, ItemLabelSource, Reaction};
use super::Extractor;

/// HL7 ActCode: the system of codes that say what kind of act a statement is (`DRUG`,
/// `INITIMMUNIZ`, `SEV`), not what it is about.
const ACT_CODE: &str = "2.16.840.1.113883.5.4";

/// Concern entries: IHE PCC Concern, Problem Concern, Allergy and Intolerance Concern;
/// CCD Problem Act, Alert; C-CDA Problem Concern, Allergy Concern; CI-SIS lists of problems
/// and of allergies.
const CONCERN_TEMPLATES: &[&str] = &[
    "1.3.6.1.4.1.19376.1.5.3.1.4.5.1",
    "1.3.6.1.4.1.19376.1.5.3.1.4.5.2",
    "1.3.6.1.4.1.19376.1.5.3.1.4.5.3",
    "2.16.840.1.113883.10.20.1.27",
    "2.16.840.1.113883.10.20.22.4.3",
    "2.16.840.1.113883.10.20.22.4.30",
    "1.2.250.1.213.1.1.3.39",
    "1.2.250.1.213.1.1.3.40",
];

/// Observations whose value is the condition (the code says which kind: diagnosis,
/// symptom, drug allergy): IHE PCC Problem, Allergy and Intolerance, Family History
/// Observation; CCD Problem, Alert, Family History Observation; C-CDA Problem, Allergy
/// Intolerance, Family History Observation; CI-SIS Problème.
const CONDITION_TEMPLATES: &[&str] = &[
    "1.3.6.1.4.1.19376.1.5.3.1.4.5",
    "1.3.6.1.4.1.19376.1.5.3.1.4.6",
    "1.3.6.1.4.1.19376.1.5.3.1.4.13.3",
    "2.16.840.1.113883.10.20.1.28",
    "2.16.840.1.113883.10.20.1.18",
    "2.16.840.1.113883.10.20.1.22",
    "2.16.840.1.113883.10.20.22.4.4",
    "2.16.840.1.113883.10.20.22.4.7",
    "2.16.840.1.113883.10.20.22.4.46",
    "1.2.250.1.213.1.1.3.37",
];

/// Severity: IHE PCC, CCD, C-CDA, CI-SIS FR-Severite.
const SEVERITY_TEMPLATES: &[&str] = &[
    "1.3.6.1.4.1.19376.1.5.3.1.4.1",
    "2.16.840.1.113883.10.20.1.55",
    "2.16.840.1.113883.10.20.22.4.8",
    "1.2.250.1.213.1.1.3.29",
];

/// Problem or allergy status: IHE PCC, CCD (problem, alert), C-CDA, CI-SIS
/// FR-Statut-du-probleme.
const STATUS_TEMPLATES: &[&str] = &[
    "1.3.6.1.4.1.19376.1.5.3.1.4.1.1",
    "2.16.840.1.113883.10.20.1.50",
    "2.16.840.1.113883.10.20.1.39",
    "2.16.840.1.113883.10.20.22.4.6",
    "2.16.840.1.113883.10.20.22.4.28",
    "1.2.250.1.213.1.1.3.30",
];

/// LOINC codes of observations written about an item.
const STATUS_CODE: &str = "33999-4";
const CERTAINTY_CODE: &str = "66455-7";
const CRITICALITY_CODE: &str = "82606-5";
/// *Rang de la vaccination*: a vaccination's rank in its series.
const DOSE_NUMBER_CODE: &str = "30973-2";

/// What surrounds an entry's items: the concern act, the relative of a family history.
#[derive(Debug, Clone, Default)]
pub(super) struct Context {
    concern: Option<Concern>,
    relative: Option<Coded>,
}

/// How an observation written about an item is placed on it.
enum About {
    Severity,
    Status,
    Certainty,
    Criticality,
    DoseNumber,
    Reaction,
    Reason,
    Detail,
}

fn code_of(statement: &Statement) -> Option<&str> {
    statement.code.as_ref().and_then(|c| c.code.as_deref()).map(str::trim)
}

fn about(type_code: Option<&str>, s: &Statement) -> About {
    let code = code_of(s);
    let system = s.code.as_ref().and_then(|c| c.code_system.as_deref());
    if (code == Some("SEV") && system.is_none_or(|sys| sys == ACT_CODE))
        || has_template(s, SEVERITY_TEMPLATES)
    {
        About::Severity
    } else if code == Some(STATUS_CODE) || has_template(s, STATUS_TEMPLATES) {
        About::Status
    } else if code == Some(CERTAINTY_CODE) || has_template(s, &["1.2.250.1.213.1.1.3.171"]) {
        About::Certainty
    } else if code == Some(CRITICALITY_CODE) {
        About::Criticality
    } else if code == Some(DOSE_NUMBER_CODE) {
        About::DoseNumber
    } else {
        match type_code {
            Some("MFST" | "CAUS") => About::Reaction,
            Some("RSON") => About::Reason,
            _ => About::Detail,
        }
    }
}

/// A concern: a concern template, or an act that codes nothing itself and holds
/// statements (other than comments) as its subjects.
fn is_concern(act: &Statement) -> bool {
    has_template(act, CONCERN_TEMPLATES)
        || (code_of(act).is_none()
            && act.relationships.iter().any(|r| {
                r.via == "entryRelationship"
                    && r.type_code.as_deref() == Some("SUBJ")
                    && !is_comment(&r.statement)
            }))
}

/// Whether a coded value says something: a code or a label.
fn meaningful(coded: Coded) -> Option<Coded> {
    (coded.code.is_some() || coded.label.is_some()).then_some(coded)
}

impl Extractor<'_> {
    /// The items an entry (or a statement inside a concern or organizer) gives.
    pub(super) fn entry_items(
        &self,
        s: &Statement,
        category: Category,
        context: &Context,
        out: &mut Vec<ClinicalItem>,
    ) {
        match s.kind.as_str() {
            "act" if is_comment(s) => {}
            "act" if is_concern(s) => {
                let inner = Context {
                    concern: Some(Concern {
                        status: s.status.as_deref().map(String::from),
                        effective_time: s.effective_time.clone().filter(|t| !t.is_empty()),
                        span: s.span,
                    }),
                    relative: context.relative.clone(),
                };
                let before = out.len();
                for r in s.relationships.iter().filter(|r| r.via == "entryRelationship") {
                    self.entry_items(&r.statement, category, &inner, out);
                }
                if out.len() == before {
                    out.push(self.item(s, category, context));
                }
            }
            "organizer" => {
                let relative = s
                    .participations
                    .iter()
                    .find(|p| p.via == "subject")
                    .and_then(|p| p.codes.first())
                    .map(|c| self.coded(c))
                    .or_else(|| context.relative.clone());
                let inner = Context { concern: context.concern.clone(), relative };
                for r in s.relationships.iter().filter(|r| r.via == "component") {
                    self.entry_items(&r.statement, category, &inner, out);
                }
            }
            "observationMedia" | "regionOfInterest" | "externalDocument" => {}
            _ => out.push(self.item(s, category, context)),
        }
    }

    /// One statement as an item.
    fn item(&self, s: &Statement, category: Category, context: &Context) -> ClinicalItem {
        let text = s
            .text_reference
            .as_deref()
            .and_then(|r| self.reader.resolve(r))
            .or_else(|| s.text.as_deref().map(String::from));
        let mut item = ClinicalItem {
            statement: s.kind.to_string(),
            label: None,
            label_source: None,
            code: None,
            kind: None,
            value: None,
            negated: s.negation == Some(true),
            mood: s.mood_code.as_deref().map(String::from).filter(|m| m != "EVN"),
            status: s.status.as_deref().map(String::from),
            clinical_status: None,
            effective_time: s.effective_time.clone().filter(|t| !t.is_empty()),
            concern: context.concern.clone(),
            severity: None,
            criticality: None,
            certainty: None,
            substance: None,
            reactions: Vec::new(),
            relative: context.relative.clone(),
            administration: None,
            target_sites: s.target_sites.iter().map(|c| self.coded(c)).collect(),
            reasons: Vec::new(),
            details: Vec::new(),
            performers: performers(&s.participations),
            comments: Vec::new(),
            text_reference: s.text_reference.as_deref().map(String::from),
            text,
            span: s.span,
            position: self.reader.position(s.span),
        };
        let own_code = || s.code.as_ref().map(|c| self.coded(c)).and_then(meaningful);
        // an ActCode says what kind of act a statement is (DRUG, INITIMMUNIZ, SURG), not what
        // it is about; `DRUG` and `IMMUNIZ` say no more than the section does
        let act_code = s.code.as_ref().and_then(|c| c.code_system.as_deref()) == Some(ACT_CODE);
        let as_kind = || own_code().filter(|c| !matches!(c.code.as_deref(), Some("DRUG" | "IMMUNIZ")));
        match s.kind.as_str() {
            "observation" => self.observation(s, category, &mut item),
            "substanceAdministration" => {
                // any other code is what it is about (IPS-FR's "no information on medications")
                if act_code {
                    item.kind = as_kind();
                } else {
                    item.code = own_code();
                }
                item.administration = Some(self.administration(s));
            }
            "supply" => {
                item.kind = own_code();
                item.code = s
                    .participations
                    .iter()
                    .filter(|p| p.via == "participant" || p.via == "product")
                    .find_map(|p| self.participant_code(p));
            }
            _ if act_code => item.kind = as_kind(),
            _ => item.code = own_code(),
        }
        self.relations(s, &mut item);
        // a value written only as the narrative's words that repeat the kind (IPS-FR's
        // adverse effects: "interaction médicamenteuse" twice) says nothing more
        if item
            .code
            .as_ref()
            .is_some_and(|c| c.code.is_none() && same_words(c.label.as_deref(), item.kind.as_ref()))
        {
            item.code = None;
        }
        let product = item.administration.as_ref().and_then(|a| a.product.as_ref());
        // a code's label taken from the narrative is the document's words, not a concept
        let code_source = match item.code.as_ref() {
            Some(c) if c.code.is_none() => ItemLabelSource::Narrative,
            _ => ItemLabelSource::Code,
        };
        let found = [
            (item.substance.as_ref().and_then(|c| c.label.clone()), ItemLabelSource::Substance),
            (product.and_then(|c| c.label.clone()), ItemLabelSource::Product),
            (item.administration.as_ref().and_then(|a| a.product_name.clone()), ItemLabelSource::Product),
            (item.code.as_ref().and_then(|c| c.label.clone()), code_source),
            (item.text.clone(), ItemLabelSource::Narrative),
            (item.substance.as_ref().and_then(|c| c.code.clone()), ItemLabelSource::Substance),
            (product.and_then(|c| c.code.clone()), ItemLabelSource::Product),
            (item.code.as_ref().and_then(|c| c.code.clone()), ItemLabelSource::Code),
            (item.kind.as_ref().and_then(|c| c.label.clone()), ItemLabelSource::Kind),
        ]
        .into_iter()
        // a form's "Oui" ticked beside the kind of statement names nothing: the kind does
        .filter(|(label, source)| {
            !(*source == ItemLabelSource::Narrative && label.as_deref().is_some_and(yes_or_no))
        })
        .find_map(|(label, source)| Some((label.filter(|l| !l.trim().is_empty())?, source)));
        (item.label, item.label_source) = found.unzip();
        item
    }

    /// An observation: its value is the condition (a problem, an antecedent, an allergy's
    /// nature, a relative's disease) and its code the kind of statement, or its code is
    /// what was observed and its value what was found (smoking status: daily smoker).
    fn observation(&self, s: &Statement, category: Category, item: &mut ClinicalItem) {
        let value = s.values.first();
        let coded_value = value.and_then(|v| v.code.as_ref());
        let condition = has_template(s, CONDITION_TEMPLATES)
            || matches!(
                category,
                Category::Problems
                    | Category::MedicalHistory
                    | Category::Allergies
                    | Category::AdverseEffects
                    | Category::FamilyHistory
            );
        let own_code = s.code.as_ref().map(|c| self.coded(c)).and_then(meaningful);
        match coded_value {
            Some(v) if condition => {
                item.kind = own_code;
                item.code = meaningful(self.coded(v));
            }
            _ => {
                item.code = own_code;
                item.value = value.and_then(|v| self.value(v));
            }
        }
        item.substance = s
            .participations
            .iter()
            .filter(|p| p.via == "participant" && p.type_code.as_deref() == Some("CSM"))
            .find_map(|p| self.participant_code(p));
    }

    /// The code an entity is named by (a drug, a device), or its name when it has no code.
    fn participant_code(&self, p: &Participation) -> Option<Coded> {
        let mut coded = p
            .codes
            .first()
            .map(|c| self.coded(c))
            .unwrap_or_else(|| Coded { span: p.span, ..Coded::default() });
        if coded.label.is_none() {
            coded.label = p.names.first().map(String::from);
        }
        meaningful(coded)
    }

    /// What the statement's relationships say about the item.
    fn relations(&self, s: &Statement, item: &mut ClinicalItem) {
        for r in &s.relationships {
            let inner = &r.statement;
            if r.via != "entryRelationship" {
                continue;
            }
            match inner.kind.as_str() {
                "act" if is_comment(inner) => item.comments.push(self.reader.comment(inner)),
                "observation" => {
                    let value = || self.observed(inner);
                    match about(r.type_code.as_deref(), inner) {
                        About::Severity => item.severity = item.severity.take().or_else(value),
                        About::Status => item.clinical_status = item.clinical_status.take().or_else(value),
                        About::Certainty => item.certainty = item.certainty.take().or_else(value),
                        About::Criticality => item.criticality = item.criticality.take().or_else(value),
                        About::DoseNumber => {
                            let rank = inner.values.first().map(|v| self.reader.value(v).display);
                            if let (Some(a), Some(rank)) = (item.administration.as_mut(), rank) {
                                a.dose_number = a.dose_number.take().or(Some(rank).filter(|r| !r.is_empty()));
                            } else {
                                item.details.push(self.detail(inner));
                            }
                        }
                        About::Reaction => item.reactions.push(self.reaction(inner)),
                        About::Reason => item.reasons.extend(self.reason(inner)),
                        About::Detail => item.details.push(self.detail(inner)),
                    }
                }
                // the drug an adverse effect or an allergy is attributed to
                "substanceAdministration"
                    if item.statement != "substanceAdministration" && item.substance.is_none() =>
                {
                    item.substance = inner
                        .participations
                        .iter()
                        .filter(|p| p.via == "consumable")
                        .find_map(|p| self.participant_code(p));
                }
                "act" | "procedure" | "encounter" if r.type_code.as_deref() == Some("RSON") => {
                    item.reasons.extend(self.reason(inner));
                }
                "act" | "procedure" | "encounter" => item.details.push(self.detail(inner)),
                _ => {}
            }
        }
    }

    /// The coded value of an observation written about an item (a status, a severity), with
    /// the narrative text the observation references when its value references none: what
    /// the author wrote beside what is coded ("Intermittent" beside "Inactif").
    fn observed(&self, s: &Statement) -> Option<Coded> {
        let mut coded = s.values.first().and_then(|v| v.code.as_ref()).map(|c| self.coded(c))?;
        if coded.reference_text.is_none() {
            if let Some(reference) = s.text_reference.as_deref() {
                coded.reference_text = self.reader.resolve(reference);
                coded.reference = coded.reference_text.as_ref().map(|_| reference.to_string());
            }
        }
        Some(coded)
    }

    /// A reaction: its manifestation (the value, else the code) and severity.
    fn reaction(&self, s: &Statement) -> Reaction {
        let code = s
            .values
            .first()
            .and_then(|v| v.code.as_ref())
            .map(|c| self.coded(c))
            .and_then(meaningful)
            .or_else(|| s.code.as_ref().map(|c| self.coded(c)).and_then(meaningful));
        let severity =
            s.relationships.iter().find_map(|r| match about(r.type_code.as_deref(), &r.statement) {
                About::Severity => self.observed(&r.statement),
                _ => None,
            });
        let label = code
            .as_ref()
            .and_then(|c| c.label.clone())
            .or_else(|| s.text_reference.as_deref().and_then(|r| self.reader.resolve(r)))
            .or_else(|| s.text.as_deref().map(String::from))
            .or_else(|| code.as_ref().and_then(|c| c.code.clone()));
        Reaction {
            label,
            code,
            severity,
            effective_time: s.effective_time.clone().filter(|t| !t.is_empty()),
            text_reference: s.text_reference.as_deref().map(String::from),
            span: s.span,
            position: self.reader.position(s.span),
        }
    }

    /// A reason: the coded value of an observation, else the statement's code.
    fn reason(&self, s: &Statement) -> Option<Coded> {
        let value: Option<&Code> = s.values.first().and_then(|v| v.code.as_deref());
        value
            .map(|c| self.coded(c))
            .and_then(meaningful)
            .or_else(|| s.code.as_ref().map(|c| self.coded(c)).and_then(meaningful))
            .or_else(|| {
                let text = s
                    .text_reference
                    .as_deref()
                    .and_then(|r| self.reader.resolve(r))
                    .or_else(|| s.text.as_deref().map(String::from))?;
                Some(Coded { label: Some(text), span: s.span, ..Coded::default() })
            })
    }

    /// A value as the results show it; a point in time written as an interval's `@value`
    /// (IVL_TS) reads as that time. `None` when there is nothing to show.
    fn value(&self, v: &Value) -> Option<ResultValue> {
        let mut shown = self.reader.value(v);
        if shown.display.trim().is_empty() {
            if let Some(raw) = v.value.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                let time = v.xsi_type.as_deref().is_some_and(|t| t.ends_with("TS"));
                shown.display = match Timestamp::parse(raw) {
                    Ok(ts) if time => ts.display(),
                    _ => raw.to_string(),
                };
            }
        }
        (!shown.display.trim().is_empty()).then_some(shown)
    }

    fn detail(&self, s: &Statement) -> Detail {
        Detail {
            code: s.code.as_ref().map(|c| self.coded(c)).and_then(meaningful),
            value: s.values.first().and_then(|v| self.value(v)),
            effective_time: s.effective_time.clone().filter(|t| !t.is_empty()),
            text: s
                .text_reference
                .as_deref()
                .and_then(|r| self.reader.resolve(r))
                .or_else(|| s.text.as_deref().map(String::from)),
            span: s.span,
        }
    }
}

/// Whether a text is only a yes or a no (a form's box).
pub(super) fn yes_or_no(text: &str) -> bool {
    matches!(super::present::fold(text).as_str(), "oui" | "non" | "yes" | "no")
}

/// Whether a text says the same as a code's label, case, accents and punctuation aside.
fn same_words(text: Option<&str>, coded: Option<&Coded>) -> bool {
    match (text, coded.and_then(|c| c.label.as_deref())) {
        (Some(a), Some(b)) => super::present::fold(a) == super::present::fold(b),
        _ => false,
    }
}

/// Each performer as the names it gives (a person, then the organization).
fn performers(participations: &[Participation]) -> Vec<String> {
    participations
        .iter()
        .filter(|p| p.via == "performer" && !p.names.is_empty())
        .map(|p| p.names.join(", "))
        .collect()
}
