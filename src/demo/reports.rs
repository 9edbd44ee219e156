//! Assembles whole documents of each kind — lab report, medical summary, imaging report,
//! PDF letter, compressed text note — from the people involved and the clinical content,
//! filling in the header the way each CI-SIS volet expects. Shared by the fixed demo set
//! and the generated corpora.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::analytes::{self, Analyte};
use super::document::{
    DocumentMeta, FormatCode, GeneratedDocument, CLASS_REPORT, CLASS_SUMMARY, FORMAT_IMAGING, FORMAT_LAB,
    FORMAT_PDF, FORMAT_TEXT, FORMAT_VSM,
};
use super::header::{Coded, Header, ParticipantRole, ServiceEvent};
use super::imaging::{self, Exam, ImagingReport};
use super::lab::{self, Chapter, LabReport, LabResult, Panel};
use super::nonxml::{self, Packing, XDS_SD_TEMPLATE};
use super::patients::{Patient, Professional};
use super::pdf::{self, Line};
use super::vsm::{self, Summary};

const ACT_CODE: &str = "2.16.840.1.113883.5.4";
const SNOMED: &str = "2.16.840.1.113883.6.96";
pub(crate) const AMBULATORY_ENCOUNTER: Coded<'static> = Coded::new("AMB", "Ambulatoire", ACT_CODE);
pub(crate) const INPATIENT_ENCOUNTER: Coded<'static> = Coded::new("IMP", "Hospitalisation", ACT_CODE);

/// The people around one document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parties<'a> {
    pub patient: &'a Patient,
    pub author: &'a Professional,
    /// Prescriber of the exam, or the patient's *médecin traitant*.
    pub referrer: &'a Professional,
    pub referrer_role: ParticipantRole,
}

impl<'a> Parties<'a> {
    /// The referrer as a header participant, with the time the role dates from.
    fn participant(&self, start: NaiveDateTime) -> (ParticipantRole, &'a Professional, NaiveDateTime) {
        let since = match self.referrer_role {
            ParticipantRole::Prescriber => start - Duration::days(3),
            ParticipantRole::PrimaryCarePhysician => start - Duration::days(3 * 365),
        };
        (self.referrer_role, self.referrer, since)
    }
}

/// Which document of which set: the `setId` extension and the version number. A version
/// above 1 replaces the previous one (`relatedDocument typeCode="RPLC"`).
#[derive(Debug, Clone)]
pub(crate) struct DocId {
    pub set: String,
    pub version: u32,
}

impl DocId {
    pub(crate) fn first(set: impl Into<String>) -> Self {
        Self { set: set.into(), version: 1 }
    }
}

/// The previous value of each analyte (by LOINC code), to report as *antériorité*.
pub(crate) type History = HashMap<&'static str, (NaiveDate, f64)>;

/// Groups measured values into the chapters and sub-chapters of a lab report, in a fixed
/// order, attaching previous values from `history`.
pub(crate) fn lab_chapters(values: &[(&'static Analyte, f64)], history: &History) -> Vec<Chapter> {
    let result = |analyte: &'static Analyte| {
        values.iter().find(|(a, _)| *a == analyte).map(|&(analyte, value)| LabResult {
            analyte,
            value,
            previous: history.get(analyte.loinc).copied(),
        })
    };
    let panel = |title: &str, code, battery, analytes: &[&'static Analyte]| {
        let results: Vec<LabResult> = analytes.iter().filter_map(|a| result(a)).collect();
        (!results.is_empty()).then(|| Panel {
            code,
            title: title.to_string(),
            battery,
            results,
            comment: None,
        })
    };
    let biochemistry: Vec<Panel> = [
        panel("Bilan glycémique", analytes::BIOCHEMISTRY, false, &[&analytes::GLUCOSE, &analytes::HBA1C]),
        panel("Fonction rénale", analytes::BIOCHEMISTRY, false, &[&analytes::CREATININE, &analytes::EGFR]),
        panel("Bilan thyroïdien", analytes::BIOCHEMISTRY, false, &[&analytes::TSH]),
    ]
    .into_iter()
    .flatten()
    .collect();
    let hematology: Vec<Panel> =
        panel("Hémogramme", analytes::HEMOGRAM, true, &analytes::HEMOGRAM_ANALYTES).into_iter().collect();

    let mut chapters = Vec::new();
    if !biochemistry.is_empty() {
        chapters.push(Chapter {
            code: analytes::BIOCHEMISTRY,
            title: "BIOCHIMIE".into(),
            panels: biochemistry,
        });
    }
    if !hematology.is_empty() {
        chapters.push(Chapter {
            code: analytes::HEMATOLOGY,
            title: "HÉMATOLOGIE".into(),
            panels: hematology,
        });
    }
    chapters
}

/// The header of a CR-BIO (XD-LAB, CI-SIS BIO-CR-BIO 2024.01).
pub(crate) fn lab_header<'a>(
    parties: Parties<'a>,
    id: DocId,
    collected: NaiveDateTime,
    validated: NaiveDateTime,
    chapter_codes: &[Coded<'static>],
) -> Header<'a> {
    Header {
        template_ids: vec![("1.3.6.1.4.1.19376.1.3.3", None), ("1.2.250.1.213.1.1.1.55", None)],
        set_extension: id.set,
        version: id.version,
        code: Coded::loinc("11502-2", "CR d'examens biologiques"),
        title: "Compte rendu d'examens de biologie médicale".into(),
        effective: validated,
        patient: parties.patient,
        author: parties.author,
        participants: vec![parties.participant(collected)],
        service: ServiceEvent {
            code: chapter_codes.first().copied().unwrap_or(analytes::BIOCHEMISTRY),
            translations: Vec::new(),
            start: collected,
            end: validated,
            performer: parties.author,
        },
        secondary_acts: chapter_codes.iter().skip(1).copied().collect(),
        encounter_code: AMBULATORY_ENCOUNTER,
        lab: true,
    }
}

/// A complete lab report document.
pub(crate) fn lab_document(
    file_name: String,
    header: Header,
    collected: NaiveDateTime,
    chapters: Vec<Chapter>,
) -> GeneratedDocument {
    let validated_by = header.author;
    let meta = DocumentMeta::new(&header, CLASS_REPORT, FORMAT_LAB);
    let report = LabReport { header, collected, validated_by, chapters };
    GeneratedDocument { file_name, xml: lab::write_lab_report(&report), meta }
}

/// The header of a document written by one physician about one visit or stay.
#[allow(clippy::too_many_arguments)]
pub(crate) fn clinical_header<'a>(
    parties: Parties<'a>,
    template_ids: Vec<(&'a str, Option<&'a str>)>,
    code: Coded<'a>,
    title: String,
    id: DocId,
    (start, end): (NaiveDateTime, NaiveDateTime),
    service: (Coded<'a>, Vec<super::header::Translation<'a>>),
    encounter_code: Coded<'a>,
) -> Header<'a> {
    Header {
        template_ids,
        // A corrected version is issued the day after the original.
        effective: end + Duration::days(i64::from(id.version.saturating_sub(1))),
        set_extension: id.set,
        version: id.version,
        code,
        title,
        patient: parties.patient,
        author: parties.author,
        participants: vec![parties.participant(start)],
        service: ServiceEvent {
            code: service.0,
            translations: service.1,
            start,
            end,
            performer: parties.author,
        },
        secondary_acts: Vec::new(),
        encounter_code,
        lab: false,
    }
}

/// A VSM from its clinical content.
pub(crate) fn vsm_document(
    file_name: String,
    parties: Parties,
    id: DocId,
    written: NaiveDateTime,
    content: impl FnOnce(Header) -> Summary,
) -> GeneratedDocument {
    let header = clinical_header(
        parties,
        vec![("1.2.250.1.213.1.1.1.13", Some("201310"))],
        Coded::loinc("60591-5", "Synthèse médicale"),
        "Volet de synthèse médicale".into(),
        id,
        (written - Duration::minutes(30), written),
        (Coded::loinc("34117-2", "Historique et clinique"), Vec::new()),
        AMBULATORY_ENCOUNTER,
    );
    let meta = DocumentMeta::new(&header, CLASS_SUMMARY, FORMAT_VSM);
    GeneratedDocument { file_name, xml: vsm::write_vsm(&content(header)), meta }
}

/// An imaging report.
#[allow(clippy::too_many_arguments)]
pub(crate) fn imaging_document(
    file_name: String,
    parties: Parties,
    id: DocId,
    exam: Exam,
    performed: NaiveDateTime,
    indication: &str,
    technique: &str,
    dose_area_product: Option<f64>,
    findings: &[&str],
    conclusion: &str,
) -> GeneratedDocument {
    let header = clinical_header(
        parties,
        imaging::TEMPLATE_IDS.to_vec(),
        Coded::loinc("18748-4", "CR d'imagerie médicale"),
        format!("Compte rendu — {}", exam.ccam_display),
        id,
        (performed, performed + Duration::minutes(40)),
        exam.service_code(),
        AMBULATORY_ENCOUNTER,
    );
    let meta = DocumentMeta::new(&header, CLASS_REPORT, FORMAT_IMAGING);
    let report = ImagingReport {
        header,
        exam,
        indication: indication.into(),
        technique: technique.into(),
        dose_area_product,
        findings: findings.iter().map(|f| f.to_string()).collect(),
        conclusion: conclusion.into(),
    };
    GeneratedDocument { file_name, xml: imaging::write_imaging_report(&report), meta }
}

/// What kind of unstructured document to wrap.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Letter {
    /// *Lettre de liaison à la sortie* after a hospital stay.
    Discharge,
    /// *Compte rendu de consultation*.
    Consultation,
}

impl Letter {
    fn code(self) -> Coded<'static> {
        match self {
            Letter::Discharge => {
                Coded::loinc("11490-0", "Lettre de liaison à la sortie d'un établissement de soins")
            }
            Letter::Consultation => Coded::loinc("11488-4", "CR ou fiche de consultation ou de visite"),
        }
    }

    fn act(self) -> Coded<'static> {
        match self {
            Letter::Discharge => {
                Coded { system_name: Some("SNOMED CT"), ..Coded::new("32485007", "hospitalisation", SNOMED) }
            }
            Letter::Consultation => {
                Coded { system_name: Some("SNOMED CT"), ..Coded::new("11429006", "consultation", SNOMED) }
            }
        }
    }

    fn class(self) -> (&'static str, &'static str) {
        match self {
            Letter::Discharge => CLASS_SUMMARY,
            Letter::Consultation => CLASS_REPORT,
        }
    }
}

/// A level-1 document: a one-page PDF (wrapped base64) or UTF-8 text (deflated), from lines.
#[allow(clippy::too_many_arguments)]
pub(crate) fn letter_document(
    file_name: String,
    parties: Parties,
    id: DocId,
    letter: Letter,
    title: String,
    period: (NaiveDateTime, NaiveDateTime),
    lines: &[Line],
    as_pdf: bool,
) -> GeneratedDocument {
    let encounter = match letter {
        Letter::Discharge => INPATIENT_ENCOUNTER,
        Letter::Consultation => AMBULATORY_ENCOUNTER,
    };
    let header = clinical_header(
        parties,
        vec![XDS_SD_TEMPLATE],
        letter.code(),
        title.clone(),
        id,
        period,
        (letter.act(), Vec::new()),
        encounter,
    );
    let (format, xml): (FormatCode, String) = if as_pdf {
        let bytes = pdf::simple_pdf(&title, lines, period.1);
        let xml = nonxml::write_non_xml_document(&header, "application/pdf", &bytes, Packing::Base64Wrapped);
        (FORMAT_PDF, xml)
    } else {
        let text = plain_text(lines);
        let xml =
            nonxml::write_non_xml_document(&header, "text/plain", text.as_bytes(), Packing::DeflateBase64);
        (FORMAT_TEXT, xml)
    };
    let meta = DocumentMeta::new(&header, letter.class(), format);
    GeneratedDocument { file_name, xml, meta }
}

/// The lines as plain text, headings underlined.
pub(crate) fn plain_text(lines: &[Line]) -> String {
    let mut out = String::new();
    for line in lines {
        match line {
            Line::Heading(text) => {
                out.push_str(text);
                out.push('\n');
                out.push_str(&"=".repeat(text.chars().count()));
                out.push('\n');
            }
            Line::Text(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Line::Blank => out.push('\n'),
        }
    }
    out
}
