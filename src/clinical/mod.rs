//! Clinical summaries read from a document's structured entries: problems, medical and
//! surgical history, allergies and intolerances, treatments, vaccinations, vigilance points,
//! risk factors, habits, family history, devices — as the CI-SIS summaries write them (VSM,
//! IPS-FR, *lettres de liaison*, DLU) and wherever else such sections appear.
//!
//! [`extract`] turns a read [`Document`] into a [`ClinicalSummary`]: the sections recognised
//! by their LOINC code or templates ([`sections`]), grouped by [`Category`], each with its
//! items read from its entries by kind ([`items`]: an observation, a concern act and the
//! problems or allergies it holds, a family history organizer, a procedure, a supply, a
//! `substanceAdministration` with its dose, route, timing and lot — the particulars the
//! generic model does not keep are read from the tree, [`administration`]). Codes, values,
//! comments and narrative references are read with the lab results' readers, so that a code
//! shows the same label everywhere.
//!
//! What is coded is shown as coded, what the narrative says beside it; nothing is inferred.
//! Extraction never fails and never panics: a missing piece is `None`, a section whose
//! entries cannot be read keeps its narrative as text. Presenting is in [`present`].

mod administration;
mod items;
pub mod present;
mod sections;
mod types;

pub use types::*;

use crate::input::Document;
use crate::model::body::{Body, Section};
use crate::model::Code;
use crate::results::narrative::Reader;
use crate::results::Coded;
use crate::xml::Tree;

/// The clinical summary of a document; empty when it has no such section (or no
/// structured body).
pub fn extract(document: &Document) -> ClinicalSummary {
    let Some(cda) = &document.cda else { return ClinicalSummary::default() };
    let Body::Structured { sections, .. } = &cda.body else { return ClinicalSummary::default() };
    // most documents opened are not summaries: find out before indexing the narrative
    if !any_clinical_section(sections) {
        return ClinicalSummary::default();
    }
    let extractor = Extractor { reader: Reader::new(cda, document.lines()), tree: document.tree.as_ref() };
    let mut found = Vec::new();
    for section in sections {
        extractor.collect(section, None, &mut found);
    }
    let mut summary = ClinicalSummary::default();
    // a stable sort: document order within a category
    found.sort_by_key(|s| s.category);
    for section in found {
        summary.item_count += section.items.len();
        match summary.groups.last_mut() {
            Some(group) if group.category == section.category => group.sections.push(section),
            _ => summary.groups.push(CategoryGroup { category: section.category, sections: vec![section] }),
        }
    }
    summary
}

/// Whether a section, at any depth, is of a category (an explicit stack: no recursion).
fn any_clinical_section(sections: &[Section]) -> bool {
    let mut stack: Vec<&Section> = sections.iter().collect();
    while let Some(section) = stack.pop() {
        if section.pdf_copy {
            continue;
        }
        if sections::category(section).is_some() {
            return true;
        }
        stack.extend(section.sections.iter());
    }
    false
}

/// What every extraction step of one document shares.
pub(crate) struct Extractor<'a> {
    reader: Reader<'a>,
    /// The document's tree, for what the model does not keep (a dose, a lot number).
    tree: Option<&'a std::sync::Arc<Tree>>,
}

impl Extractor<'_> {
    /// A code as the results read it, its label and narrative text on one line: a
    /// `displayName` written over several lines reads as the words it holds.
    fn coded(&self, code: &Code) -> Coded {
        let mut coded = self.reader.coded(code);
        for text in [&mut coded.label, &mut coded.reference_text] {
            if let Some(t) = text.as_mut().filter(|t| t.contains(char::is_whitespace)) {
                *t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            }
            if text.as_deref().is_some_and(str::is_empty) {
                *text = None;
            }
        }
        coded
    }

    /// A recognised section becomes a [`ClinicalSection`] (pushed before its sub-sections,
    /// which are visited too); a sub-section of no category of its own takes its parent's.
    /// Returns whether the section or one below it has a category.
    fn collect(
        &self,
        section: &Section,
        inherited: Option<Category>,
        out: &mut Vec<ClinicalSection>,
    ) -> bool {
        if section.pdf_copy {
            return false;
        }
        let category = sections::category(section).or(inherited);
        let at = out.len();
        let mut below = false;
        for sub in &section.sections {
            below |= self.collect(sub, category, out);
        }
        if let Some(category) = category {
            let clinical = self.section(section, category);
            // a section without entries shows its narrative, unless its sub-sections are
            // where the content is (VSM's "Facteurs de risque" around "Mode de vie"…)
            if !clinical.items.is_empty() || (clinical.narrative.is_some() && !below) {
                out.insert(at, clinical);
            }
        }
        category.is_some() || below
    }

    fn section(&self, section: &Section, category: Category) -> ClinicalSection {
        let code = section.code.as_ref().map(|c| self.coded(c));
        let mut items = Vec::new();
        for entry in &section.entries {
            self.entry_items(entry.statement(), category, &items::Context::default(), &mut items);
        }
        let narrative = if items.iter().all(ClinicalItem::is_coded) && !items.is_empty() {
            None
        } else {
            section.text.as_ref().and_then(sections::narrative_text)
        };
        ClinicalSection {
            category,
            title: section
                .title
                .as_ref()
                .map(|t| t.text.trim().to_string())
                .filter(|t| !t.is_empty())
                .or_else(|| code.as_ref().and_then(|c| c.label.clone())),
            code,
            xml_id: section.xml_id.as_deref().map(String::from),
            items,
            narrative,
            span: section.span,
            position: self.reader.position(section.span),
        }
    }
}
