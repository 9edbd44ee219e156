//! One result: an `observation` read as CR-BIO / XD-LAB write it — the test, the value, the
//! reference ranges, the interpretation codes, previous results (`entryRelationship
//! typeCode="REFR"`), comments, specimen and parties — and the facts computed from them.

use crate::model::body::Statement;

use super::context::is_comment;
use super::facts;
use super::interpretation::interpretation;
use super::narrative::Reader;
use super::types::{Coded, LabResult, PreviousResult, ReferenceRange};

/// Whether an observation reports something that happened (`moodCode` EVN or unsaid), as
/// results do, rather than a criterion, goal or request.
pub(crate) fn is_event(statement: &Statement) -> bool {
    statement.kind == "observation" && statement.mood_code.as_deref().is_none_or(|m| m == "EVN")
}

fn is_previous(type_code: Option<&str>) -> bool {
    type_code == Some("REFR")
}

impl Reader<'_> {
    /// Pushes the result an observation reports, then the results nested in it (an
    /// observation component of another, other than a previous result).
    pub(crate) fn push_results(&self, statement: &Statement, out: &mut Vec<LabResult>) {
        if !is_event(statement) {
            return;
        }
        out.push(self.result(statement));
        for r in &statement.relationships {
            if r.via == "entryRelationship" && !is_previous(r.type_code.as_deref()) && is_event(&r.statement)
            {
                self.push_results(&r.statement, out);
            }
        }
    }

    fn result(&self, s: &Statement) -> LabResult {
        let mut result = LabResult {
            test: s
                .code
                .as_ref()
                .map_or_else(|| Coded { span: s.span, ..Coded::default() }, |c| self.coded(c)),
            value: s.values.first().map(|v| self.value(v)),
            reference_ranges: Vec::new(),
            interpretations: s.interpretations.iter().map(interpretation).collect(),
            abnormal: None,
            range_position: None,
            status: s.status.as_deref().map(String::from),
            effective_time: s.effective_time.clone().filter(|t| !t.is_empty()),
            methods: s.methods.iter().map(|m| self.coded(m)).collect(),
            specimen: None,
            parties: self.parties(&s.participations),
            comments: Vec::new(),
            previous: Vec::new(),
            text_reference: s.text_reference.as_deref().map(String::from),
            span: s.span,
            position: self.position(s.span),
        };
        for p in &s.participations {
            if p.via == "specimen" && result.specimen.is_none() {
                result.specimen = Some(self.specimen_participation(p));
            }
        }
        for r in &s.relationships {
            let inner = &r.statement;
            match (r.via.as_str(), inner.kind.as_str()) {
                ("referenceRange", _) => result.reference_ranges.push(self.range(inner)),
                ("entryRelationship", "observation") if is_previous(r.type_code.as_deref()) => {
                    result.previous.push(self.previous(inner));
                }
                (_, "act") if is_comment(inner) => result.comments.push(self.comment(inner)),
                (_, "procedure") if result.specimen.is_none() => {
                    result.specimen = Some(self.collection(inner))
                }
                _ => {}
            }
        }
        if let (Some(value), Some(range)) = (&result.value, facts::normal_range(&result.reference_ranges)) {
            result.range_position = facts::range_position(value, range);
        }
        result.abnormal = facts::abnormal(&result.interpretations, result.range_position);
        result
    }

    /// `referenceRange/observationRange`: bounds, text, what it stands for, for whom.
    fn range(&self, s: &Statement) -> ReferenceRange {
        let population = s
            .relationships
            .iter()
            .filter(|r| r.via == "precondition")
            .map(|r| {
                let criterion = &r.statement;
                let name = criterion.code.as_ref().map(|c| self.coded(c)).and_then(|c| c.label.or(c.code));
                let value = criterion.values.first().map(|v| self.value(v).display).filter(|d| !d.is_empty());
                match (name, value) {
                    (Some(name), Some(value)) => format!("{name} : {value}"),
                    (name, value) => name
                        .or(value)
                        .or_else(|| criterion.text.as_deref().map(String::from))
                        .unwrap_or_default(),
                }
            })
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>();
        ReferenceRange {
            value: s.values.first().map(|v| self.value(v)),
            text: s
                .text
                .as_deref()
                .map(String::from)
                .or_else(|| s.text_reference.as_deref().and_then(|r| self.resolve(r))),
            text_reference: s.text_reference.as_deref().map(String::from),
            interpretation: s.interpretations.first().map(interpretation),
            population: (!population.is_empty()).then(|| population.join(" ; ")),
            span: s.span,
            position: self.position(s.span),
        }
    }

    fn previous(&self, s: &Statement) -> PreviousResult {
        PreviousResult {
            test: s.code.as_ref().map(|c| self.coded(c)),
            value: s.values.first().map(|v| self.value(v)),
            effective_time: s.effective_time.clone().filter(|t| !t.is_empty()),
            interpretations: s.interpretations.iter().map(interpretation).collect(),
            span: s.span,
            position: self.position(s.span),
        }
    }
}
