//! Lab results read from a document's structured entries, as French CR-BIO / IHE XD-LAB
//! documents write them (and C-CDA result organizers, read the same generic way).
//!
//! [`extract`] turns a read [`Document`] into a [`LabReport`]: chapters (sections, with their
//! sub-chapters) → batteries (the examination `act`, `organizer`s classed BATTERY or CLUSTER,
//! microbiology isolates) → results (`observation`s). Each result carries its test (LOINC or
//! a local code kept as written), its value of any data type, reference ranges,
//! interpretation codes in words, status, method, specimen, parties, comments and previous
//! results (*antériorités*), and two computed facts: whether it is abnormal (and why) and
//! where its value lies against the normal range. A chapter's isolates also give a germ ×
//! antibiotic matrix.
//!
//! Extraction reads only the model (plus the narrative, to resolve references): it never
//! fails and never panics; what it cannot place is left out, never guessed. Presenting — the
//! text grid, CSV rows — is in [`present`].

pub(crate) mod context;
pub mod cumulative;
mod facts;
pub mod interpretation;
mod microbiology;
pub(crate) mod narrative;
mod observation;
pub mod present;
mod types;
pub mod units;
mod value;
mod walk;

pub(crate) use facts::normal_range;
pub use types::*;

use crate::input::Document;
use crate::model::body::Body;

/// The lab results of a document; empty when it has none (or no structured body).
pub fn extract(document: &Document) -> LabReport {
    let Some(cda) = &document.cda else { return LabReport::default() };
    let Body::Structured { sections, .. } = &cda.body else { return LabReport::default() };
    let reader = narrative::Reader::new(cda, document.lines());
    let mut report = LabReport { chapters: reader.chapters(sections), result_count: 0, abnormal_count: 0 };
    report.count();
    report
}

/// One result with where it sits: the chapters and batteries around it, outermost first.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub chapters: Vec<&'a Chapter>,
    pub batteries: Vec<&'a Battery>,
    pub result: &'a LabResult,
}

impl Row<'_> {
    /// The chapter titles, outermost first, a sub-chapter titled as its chapter left out.
    pub fn chapter_titles(&self) -> Vec<&str> {
        let mut titles: Vec<&str> = Vec::new();
        for title in self.chapters.iter().filter_map(|c| c.title.as_deref()) {
            if titles.last().is_none_or(|last| !last.eq_ignore_ascii_case(title)) {
                titles.push(title);
            }
        }
        titles
    }

    /// The innermost battery's label.
    pub fn battery_label(&self) -> Option<&str> {
        self.batteries.iter().rev().find_map(|b| b.code.as_ref().and_then(|c| c.label.as_deref()))
    }

    /// The specimen that applies: the result's own, else the innermost battery's.
    pub fn specimen(&self) -> Option<&Specimen> {
        self.result
            .specimen
            .as_ref()
            .or_else(|| self.batteries.iter().rev().find_map(|b| b.specimen.as_ref()))
    }

    /// The germ, for a result of an isolate.
    pub fn germ(&self) -> Option<&Coded> {
        self.batteries.iter().rev().find_map(|b| b.germ.as_ref())
    }
}

impl LabReport {
    pub fn is_empty(&self) -> bool {
        self.result_count == 0
    }

    /// Every result with its context, in document order (a chapter's own results, then its
    /// batteries', then its sub-chapters').
    pub fn rows(&self) -> Vec<Row<'_>> {
        let mut rows = Vec::with_capacity(self.result_count);
        let mut chapters = Vec::new();
        for chapter in &self.chapters {
            chapter_rows(chapter, &mut chapters, &mut rows);
        }
        rows
    }

    /// Keeps only abnormal results; batteries and chapters left empty go, antibiograms are
    /// rebuilt from what remains.
    pub fn retain_abnormal(&mut self) {
        self.chapters.retain_mut(retain_chapter);
        self.count();
    }

    fn count(&mut self) {
        let mut total = 0;
        let mut abnormal = 0;
        let mut stack: Vec<&Chapter> = self.chapters.iter().collect();
        let mut batteries: Vec<&Battery> = Vec::new();
        while let Some(chapter) = stack.pop() {
            let mut tally = |results: &[LabResult]| {
                total += results.len();
                abnormal += results.iter().filter(|r| r.abnormal.is_some()).count();
            };
            tally(&chapter.results);
            batteries.extend(chapter.batteries.iter());
            while let Some(b) = batteries.pop() {
                tally(&b.results);
                batteries.extend(b.batteries.iter());
            }
            stack.extend(chapter.chapters.iter());
        }
        self.result_count = total;
        self.abnormal_count = abnormal;
    }
}

fn chapter_rows<'a>(chapter: &'a Chapter, chapters: &mut Vec<&'a Chapter>, rows: &mut Vec<Row<'a>>) {
    chapters.push(chapter);
    for result in &chapter.results {
        rows.push(Row { chapters: chapters.clone(), batteries: Vec::new(), result });
    }
    for battery in &chapter.batteries {
        battery_rows(battery, chapters, &mut Vec::new(), rows);
    }
    for sub in &chapter.chapters {
        chapter_rows(sub, chapters, rows);
    }
    chapters.pop();
}

fn battery_rows<'a>(
    battery: &'a Battery,
    chapters: &[&'a Chapter],
    batteries: &mut Vec<&'a Battery>,
    rows: &mut Vec<Row<'a>>,
) {
    batteries.push(battery);
    for result in &battery.results {
        rows.push(Row { chapters: chapters.to_vec(), batteries: batteries.clone(), result });
    }
    for inner in &battery.batteries {
        battery_rows(inner, chapters, batteries, rows);
    }
    batteries.pop();
}

fn retain_chapter(chapter: &mut Chapter) -> bool {
    chapter.results.retain(|r| r.abnormal.is_some());
    chapter.batteries.retain_mut(retain_battery);
    chapter.chapters.retain_mut(retain_chapter);
    chapter.antibiogram = microbiology::antibiogram(&chapter.batteries);
    !(chapter.results.is_empty() && chapter.batteries.is_empty() && chapter.chapters.is_empty())
}

fn retain_battery(battery: &mut Battery) -> bool {
    battery.results.retain(|r| r.abnormal.is_some());
    battery.batteries.retain_mut(retain_battery);
    !(battery.results.is_empty() && battery.batteries.is_empty())
}
