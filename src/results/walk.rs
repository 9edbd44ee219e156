//! From sections to chapters, from entries to batteries: which parts of a document hold lab
//! results, and how they are grouped.
//!
//! Results are read from lab sections — XD-LAB / CR-BIO chapters and sub-chapters, C-CDA
//! Results sections — wherever they sit in a document, and from the results sections of other
//! documents (LOINC 30954-2: the CI-SIS "Résultats d'examens", IPS-FR "Résultats"), where only
//! result organizers and LOINC-coded observations count (not the questionnaire answers coded
//! in the ANS terminologies that such sections also carry). The French "PDF copy" section and
//! attached-document organizers are never results.

use crate::model::body::{Section, Statement};

use super::context::{has_template, is_comment};
use super::microbiology;
use super::narrative::Reader;
use super::types::{Battery, BatteryKind, Chapter};
use super::value::LOINC;

/// Lab sections: IHE XD-LAB Laboratory Specialty Section (FR-CR-BIO-Chapitre) and Laboratory
/// Report Item Section (FR-CR-BIO-Sous-Chapitre); C-CDA Results Section (entries optional,
/// entries required).
const LAB_SECTION_TEMPLATES: &[&str] = &[
    "1.3.6.1.4.1.19376.1.3.3.2.1",
    "1.3.6.1.4.1.19376.1.3.3.2.2",
    "2.16.840.1.113883.10.20.22.2.3",
    "2.16.840.1.113883.10.20.22.2.3.1",
];
/// LOINC 30954-2, "Relevant diagnostic tests/laboratory data": a results section.
const RESULTS_SECTION_CODE: &str = "30954-2";
/// IHE Laboratory Isolate Organizer, CI-SIS FR-Isolat-microbiologique.
const ISOLATE_TEMPLATES: &[&str] = &["1.3.6.1.4.1.19376.1.3.1.5", "1.2.250.1.213.1.1.3.79"];
/// CI-SIS FR-Document-attache: an organizer carrying an attached file, not results.
const ATTACHED_DOCUMENT_TEMPLATE: &str = "1.2.250.1.213.1.1.3.18";
/// LOINC 55107-7, *document attaché*.
const ATTACHED_DOCUMENT_CODE: &str = "55107-7";

/// How a section holds results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    /// A lab section: every entry is read.
    Lab,
    /// A results section of another document: only result organizers and LOINC-coded
    /// observations are read.
    Results,
}

fn section_kind(section: &Section) -> Option<SectionKind> {
    let lab = section
        .template_ids
        .iter()
        .any(|t| t.root.as_deref().is_some_and(|r| LAB_SECTION_TEMPLATES.contains(&r)));
    if lab {
        Some(SectionKind::Lab)
    } else if section.code.as_ref().and_then(|c| c.code.as_deref()) == Some(RESULTS_SECTION_CODE) {
        Some(SectionKind::Results)
    } else {
        None
    }
}

fn code_of(statement: &Statement) -> Option<&str> {
    statement.code.as_ref().and_then(|c| c.code.as_deref())
}

fn is_attached_document(statement: &Statement) -> bool {
    has_template(statement, &[ATTACHED_DOCUMENT_TEMPLATE])
        || code_of(statement) == Some(ATTACHED_DOCUMENT_CODE)
}

/// Whether an entry of a results section (not a lab section) is a result.
fn is_result_entry(statement: &Statement) -> bool {
    match statement.kind.as_str() {
        "organizer" => !is_attached_document(statement),
        "observation" => statement.code.as_ref().and_then(|c| c.code_system.as_deref()) == Some(LOINC),
        _ => false,
    }
}

fn is_isolate(statement: &Statement) -> bool {
    has_template(statement, ISOLATE_TEMPLATES)
        || (statement.class_code.as_deref() == Some("CLUSTER")
            && statement.participations.iter().any(|p| p.via == "specimen"))
}

impl Reader<'_> {
    /// The chapters of a body, in document order.
    pub(crate) fn chapters(&self, sections: &[Section]) -> Vec<Chapter> {
        let mut chapters = Vec::new();
        for section in sections {
            self.collect(section, &mut chapters);
        }
        chapters
    }

    /// A results section becomes a chapter; other sections are searched for results
    /// sections nested in them.
    fn collect(&self, section: &Section, out: &mut Vec<Chapter>) {
        if section.pdf_copy {
            return;
        }
        match section_kind(section) {
            Some(kind) => out.extend(self.chapter(section, kind)),
            None => {
                for sub in &section.sections {
                    self.collect(sub, out);
                }
            }
        }
    }

    /// A chapter with its batteries, results and sub-chapters; `None` when it holds no result.
    fn chapter(&self, section: &Section, kind: SectionKind) -> Option<Chapter> {
        let code = section.code.as_ref().map(|c| self.coded(c));
        let mut chapter = Chapter {
            title: section
                .title
                .as_ref()
                .map(|t| t.text.clone())
                .filter(|t| !t.trim().is_empty())
                .or_else(|| code.as_ref().and_then(|c| c.label.clone())),
            code,
            xml_id: section.xml_id.as_deref().map(String::from),
            results: Vec::new(),
            batteries: Vec::new(),
            chapters: Vec::new(),
            antibiogram: None,
            span: section.span,
            position: self.position(section.span),
        };
        for entry in &section.entries {
            let statement = entry.statement();
            if kind == SectionKind::Results && !is_result_entry(statement) {
                continue;
            }
            match statement.kind.as_str() {
                "observation" => self.push_results(statement, &mut chapter.results),
                _ => chapter.batteries.extend(self.battery(statement)),
            }
        }
        for sub in &section.sections {
            if !sub.pdf_copy {
                let kind = section_kind(sub).unwrap_or(kind);
                chapter.chapters.extend(self.chapter(sub, kind));
            }
        }
        chapter.antibiogram = microbiology::antibiogram(&chapter.batteries);
        let empty = chapter.results.is_empty() && chapter.batteries.is_empty() && chapter.chapters.is_empty();
        (!empty).then_some(chapter)
    }

    /// An examination act, or an organizer, with what it holds; `None` for anything else
    /// (a comment, an attached document) and for groups without results.
    fn battery(&self, s: &Statement) -> Option<Battery> {
        let kind = match s.kind.as_str() {
            "act" if !is_comment(s) => BatteryKind::Examination,
            "organizer" if is_attached_document(s) => return None,
            "organizer" if is_isolate(s) => BatteryKind::Isolate,
            "organizer" if s.class_code.as_deref() == Some("CLUSTER") => BatteryKind::Cluster,
            "organizer" => BatteryKind::Battery,
            _ => return None,
        };
        let mut battery = Battery {
            kind,
            code: s.code.as_ref().map(|c| self.coded(c)),
            status: s.status.as_deref().map(String::from),
            effective_time: s.effective_time.clone().filter(|t| !t.is_empty()),
            specimen: None,
            germ: None,
            parties: self.parties(&s.participations),
            comments: Vec::new(),
            results: Vec::new(),
            batteries: Vec::new(),
            span: s.span,
            position: self.position(s.span),
        };
        for p in s.participations.iter().filter(|p| p.via == "specimen") {
            if kind == BatteryKind::Isolate {
                battery.germ = battery.germ.take().or_else(|| p.codes.first().map(|c| self.coded(c)));
            } else if battery.specimen.is_none() {
                battery.specimen = Some(self.specimen_participation(p));
            }
        }
        for r in &s.relationships {
            let inner = &r.statement;
            match inner.kind.as_str() {
                "observation" if r.type_code.as_deref() != Some("REFR") => {
                    self.push_results(inner, &mut battery.results);
                }
                "act" if is_comment(inner) => battery.comments.push(self.comment(inner)),
                "act" | "organizer" => battery.batteries.extend(self.battery(inner)),
                "procedure" if battery.specimen.is_none() => battery.specimen = Some(self.collection(inner)),
                _ => {}
            }
        }
        (!battery.results.is_empty() || !battery.batteries.is_empty()).then_some(battery)
    }
}
