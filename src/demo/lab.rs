//! Lab reports — *compte rendu d'examens de biologie médicale* (CR-BIO), shaped like the
//! CI-SIS BIO-CR-BIO 2024.01 examples: chapters and sub-chapters whose narrative table and
//! structured entries say the same thing. Each result carries its LOINC code, UCUM unit,
//! reference range, an interpretation computed from the range, and the previous result
//! (*antériorité*) when there is one; the name cell in the table carries the ID that the
//! entry's `originalText` points at.

use chrono::{NaiveDate, NaiveDateTime};

use super::analytes::Analyte;
use super::header::{self, Coded, Header};
use super::patients::Professional;
use super::time::{fr_date, fr_date_time, hl7_date, hl7_time};
use super::xml::XmlWriter;

const INTERPRETATION_SYSTEM: &str = "2.16.840.1.113883.5.83";

/// One measured value, with the patient's previous value for the same analyte.
#[derive(Debug, Clone)]
pub(crate) struct LabResult {
    pub analyte: &'static Analyte,
    pub value: f64,
    pub previous: Option<(NaiveDate, f64)>,
}

/// A sub-chapter (*sous-chapitre*): one table and one entry. A battery (a blood count) is
/// grouped in an `organizer`; other results hang directly off the entry's `act`.
#[derive(Debug, Clone)]
pub(crate) struct Panel {
    pub code: Coded<'static>,
    pub title: String,
    pub battery: bool,
    pub results: Vec<LabResult>,
    /// A biologist's comment, shown under the table and carried as a comment entry.
    pub comment: Option<String>,
}

/// A chapter (*chapitre*) of the report: Biochimie, Hématologie...
#[derive(Debug, Clone)]
pub(crate) struct Chapter {
    pub code: Coded<'static>,
    pub title: String,
    pub panels: Vec<Panel>,
}

/// A whole lab report: header, specimen collection time, validating biologist, chapters.
#[derive(Debug, Clone)]
pub(crate) struct LabReport<'a> {
    pub header: Header<'a>,
    pub collected: NaiveDateTime,
    pub validated_by: &'a Professional,
    pub chapters: Vec<Chapter>,
}

/// The HL7 interpretation of `value` against the analyte's reference range.
pub(crate) fn interpretation(analyte: &Analyte, value: f64) -> (&'static str, &'static str) {
    match (analyte.low, analyte.high) {
        (Some(low), _) if value < low => ("L", "Anormalement bas"),
        (_, Some(high)) if value > high => ("H", "Anormalement haut"),
        _ => ("N", "Normal"),
    }
}

/// `value` rounded to `decimals`, with a decimal point (for `PQ/@value`).
pub(crate) fn number(value: f64, decimals: usize) -> String {
    format!("{value:.decimals$}")
}

/// `value` as a French report prints it: decimal comma.
pub(crate) fn fr_number(value: f64, decimals: usize) -> String {
    number(value, decimals).replace('.', ",")
}

/// The reference range as printed: `4,10 - 5,90`, `≥ 60`, `≤ 4,20`.
fn fr_range(analyte: &Analyte) -> String {
    let d = analyte.decimals;
    match (analyte.low, analyte.high) {
        (Some(low), Some(high)) => format!("{} - {}", fr_number(low, d), fr_number(high, d)),
        (Some(low), None) => format!("≥ {}", fr_number(low, d)),
        (None, Some(high)) => format!("≤ {}", fr_number(high, d)),
        (None, None) => String::new(),
    }
}

/// Estimated glomerular filtration rate, CKD-EPI 2009 equation (the one French labs printed
/// through 2023), from serum creatinine in µmol/L.
pub(crate) fn ckd_epi_2009(creatinine_umol: f64, age: u32, female: bool) -> f64 {
    let serum_mg_dl = creatinine_umol / 88.4;
    let (kappa, alpha) = if female { (0.7, -0.329) } else { (0.9, -0.411) };
    let ratio = serum_mg_dl / kappa;
    let gfr = 141.0 * ratio.min(1.0).powf(alpha) * ratio.max(1.0).powf(-1.209) * 0.993f64.powi(age as i32);
    if female {
        gfr * 1.018
    } else {
        gfr
    }
}

/// The whole report as an XML document.
pub(crate) fn write_lab_report(report: &LabReport) -> String {
    let mut x = XmlWriter::new();
    header::write_header(&mut x, &report.header);
    x.open("component", &[]);
    x.open("structuredBody", &[]);
    for (i, chapter) in report.chapters.iter().enumerate() {
        write_chapter(&mut x, chapter, report.collected, report.validated_by, &format!("c{}", i + 1));
    }
    x.finish()
}

/// Writes one chapter (`component/section`) with its sub-chapters. `id_prefix` keeps the
/// narrative IDs unique across the document.
pub(crate) fn write_chapter(
    x: &mut XmlWriter,
    chapter: &Chapter,
    collected: NaiveDateTime,
    validated_by: &Professional,
    id_prefix: &str,
) {
    x.open("component", &[]);
    x.open("section", &[]);
    x.comment("Chapitre (IHE PALM Laboratory Specialty Section, FR-CR-BIO-Chapitre)");
    x.empty("templateId", &[("root", "1.3.6.1.4.1.19376.1.3.3.2.1")]);
    x.empty("templateId", &[("root", "1.2.250.1.213.1.1.2.70")]);
    chapter.code.write(x, "code");
    x.text("title", &[], &chapter.title);
    for (i, panel) in chapter.panels.iter().enumerate() {
        let prefix = format!("{id_prefix}p{}", i + 1);
        write_panel(x, chapter, panel, collected, validated_by, &prefix);
    }
    x.close();
    x.close();
}

fn write_panel(
    x: &mut XmlWriter,
    chapter: &Chapter,
    panel: &Panel,
    collected: NaiveDateTime,
    validated_by: &Professional,
    prefix: &str,
) {
    x.open("component", &[]);
    x.open("section", &[]);
    x.comment("Sous-chapitre (IHE PALM Laboratory Report Item Section, FR-CR-BIO-Sous-Chapitre)");
    x.empty("templateId", &[("root", "1.3.6.1.4.1.19376.1.3.3.2.2")]);
    x.empty("templateId", &[("root", "1.2.250.1.213.1.1.2.71")]);
    panel.code.write(x, "code");
    x.text("title", &[], &panel.title);
    write_panel_narrative(x, panel, collected, validated_by, prefix);

    x.open("entry", &[("typeCode", "DRIV")]);
    x.empty("templateId", &[("root", "1.3.6.1.4.1.19376.1.3.1")]);
    x.empty("templateId", &[("root", "1.2.250.1.213.1.1.3.21")]);
    x.open("act", &[("classCode", "ACT"), ("moodCode", "EVN")]);
    chapter.code.write(x, "code");
    x.empty("statusCode", &[("code", "completed")]);
    if panel.battery {
        x.open("entryRelationship", &[("typeCode", "COMP")]);
        x.open("organizer", &[("classCode", "BATTERY"), ("moodCode", "EVN")]);
        x.empty("templateId", &[("root", "1.3.6.1.4.1.19376.1.3.1.4")]);
        x.empty("templateId", &[("root", "1.2.250.1.213.1.1.3.78")]);
        panel.code.write(x, "code");
        x.empty("statusCode", &[("code", "completed")]);
        x.empty("effectiveTime", &[("value", &hl7_time(collected))]);
        for result in &panel.results {
            x.open("component", &[]);
            write_observation(x, result, collected, prefix);
            x.close();
        }
        if panel.comment.is_some() {
            x.open("component", &[]);
            write_comment_entry(x, &format!("{prefix}-commentaire"));
            x.close();
        }
        x.close();
        x.close();
    } else {
        // Without a battery, each result is its own COMP relationship of the act.
        for result in &panel.results {
            x.open("entryRelationship", &[("typeCode", "COMP")]);
            write_observation(x, result, collected, prefix);
            x.close();
        }
        if panel.comment.is_some() {
            x.open("entryRelationship", &[("typeCode", "COMP")]);
            write_comment_entry(x, &format!("{prefix}-commentaire"));
            x.close();
        }
    }
    x.close();
    x.close();
    x.close();
    x.close();
}

fn write_panel_narrative(
    x: &mut XmlWriter,
    panel: &Panel,
    collected: NaiveDateTime,
    validated_by: &Professional,
    prefix: &str,
) {
    x.open("text", &[]);
    x.open("table", &[("border", "0")]);
    x.open("thead", &[]);
    x.open("tr", &[]);
    for heading in ["Examen", "Résultat", "Unité", "Interprétation", "Valeurs de référence", "Antériorité"]
    {
        x.text("th", &[], heading);
    }
    x.close();
    x.close();
    x.open("tbody", &[]);
    for result in &panel.results {
        let a = result.analyte;
        let id = format!("{prefix}-{}", a.id);
        let (code, _) = interpretation(a, result.value);
        x.open("tr", &[("ID", &format!("{id}-ligne"))]);
        x.open("td", &[]);
        x.text("content", &[("ID", &id)], a.label);
        x.close();
        let shown = fr_number(result.value, a.decimals);
        if code == "N" {
            x.text("td", &[], &shown);
        } else {
            x.open("td", &[]);
            x.text("content", &[("styleCode", "Bold")], &shown);
            x.close();
        }
        x.text("td", &[], a.unit_display);
        let flag = match code {
            "H" => "Élevé",
            "L" => "Bas",
            _ => "",
        };
        x.text("td", &[], flag);
        x.text("td", &[], &fr_range(a));
        let previous = match result.previous {
            Some((date, value)) => format!("{} le {}", fr_number(value, a.decimals), fr_date(date)),
            None => String::new(),
        };
        x.text("td", &[], &previous);
        x.close();
    }
    x.close();
    x.close();
    if let Some(comment) = &panel.comment {
        x.text("paragraph", &[("ID", &format!("{prefix}-commentaire")), ("styleCode", "Bold")], comment);
    }
    x.text(
        "paragraph",
        &[],
        &format!(
            "Prélèvement du {} — résultats validés par {}",
            fr_date_time(collected),
            validated_by.display_name()
        ),
    );
    x.close();
}

fn write_observation(x: &mut XmlWriter, result: &LabResult, collected: NaiveDateTime, prefix: &str) {
    let a = result.analyte;
    let id = format!("{prefix}-{}", a.id);
    let value = number(result.value, a.decimals);
    let (code, display) = interpretation(a, result.value);
    x.open("observation", &[("classCode", "OBS"), ("moodCode", "EVN")]);
    x.empty("templateId", &[("root", "1.3.6.1.4.1.19376.1.3.1.6")]);
    x.empty("templateId", &[("root", "1.2.250.1.213.1.1.3.80")]);
    x.open(
        "code",
        &[
            ("code", a.loinc),
            ("displayName", a.loinc_display),
            ("codeSystem", header::LOINC),
            ("codeSystemName", "LOINC"),
        ],
    );
    x.open("originalText", &[]);
    x.empty("reference", &[("value", &format!("#{id}"))]);
    x.close();
    x.close();
    x.open("text", &[]);
    x.empty("reference", &[("value", &format!("#{id}-ligne"))]);
    x.close();
    x.empty("statusCode", &[("code", "completed")]);
    x.empty("effectiveTime", &[("value", &hl7_time(collected))]);
    x.empty("value", &[("xsi:type", "PQ"), ("value", &value), ("unit", a.unit)]);
    x.empty(
        "interpretationCode",
        &[("code", code), ("displayName", display), ("codeSystem", INTERPRETATION_SYSTEM)],
    );
    if let Some((date, previous)) = result.previous {
        x.comment(&format!("Résultat antérieur du {}", fr_date(date)));
        x.open("entryRelationship", &[("typeCode", "REFR")]);
        x.open("observation", &[("classCode", "OBS"), ("moodCode", "EVN")]);
        x.empty(
            "code",
            &[
                ("code", a.loinc),
                ("displayName", a.loinc_display),
                ("codeSystem", header::LOINC),
                ("codeSystemName", "LOINC"),
            ],
        );
        x.empty("statusCode", &[("code", "completed")]);
        x.empty("effectiveTime", &[("value", &hl7_date(date))]);
        x.empty("value", &[("xsi:type", "PQ"), ("value", &number(previous, a.decimals)), ("unit", a.unit)]);
        x.close();
        x.close();
    }
    x.open("referenceRange", &[("typeCode", "REFV")]);
    x.open("observationRange", &[("classCode", "OBS"), ("moodCode", "EVN.CRT")]);
    x.open("value", &[("xsi:type", "IVL_PQ")]);
    if let Some(low) = a.low {
        x.empty("low", &[("value", &number(low, a.decimals)), ("unit", a.unit)]);
    }
    if let Some(high) = a.high {
        x.empty("high", &[("value", &number(high, a.decimals)), ("unit", a.unit)]);
    }
    x.close();
    x.empty(
        "interpretationCode",
        &[("code", "N"), ("displayName", "Normal"), ("codeSystem", INTERPRETATION_SYSTEM)],
    );
    x.close();
    x.close();
    x.close();
}

fn write_comment_entry(x: &mut XmlWriter, narrative_id: &str) {
    x.open("act", &[("classCode", "ACT"), ("moodCode", "EVN")]);
    x.empty("templateId", &[("root", "2.16.840.1.113883.10.20.1.40")]);
    x.empty("templateId", &[("root", "1.3.6.1.4.1.19376.1.5.3.1.4.2")]);
    x.empty("templateId", &[("root", "1.2.250.1.213.1.1.3.32")]);
    Coded::loinc("48767-8", "Commentaire").write(x, "code");
    x.open("text", &[]);
    x.empty("reference", &[("value", &format!("#{narrative_id}"))]);
    x.close();
    x.empty("statusCode", &[("code", "completed")]);
    x.close();
}

#[cfg(test)]
mod tests {
    use super::super::analytes::{EGFR, GLUCOSE, HEMOGLOBIN, TSH};
    use super::*;

    #[test]
    fn interpretation_follows_the_reference_range() {
        assert_eq!(interpretation(&GLUCOSE, 5.0).0, "N");
        assert_eq!(interpretation(&GLUCOSE, 4.10).0, "N");
        assert_eq!(interpretation(&GLUCOSE, 6.2).0, "H");
        assert_eq!(interpretation(&HEMOGLOBIN, 11.4).0, "L");
        // A range open at the top never flags high.
        assert_eq!(interpretation(&EGFR, 140.0).0, "N");
        assert_eq!(interpretation(&EGFR, 55.0).0, "L");
    }

    #[test]
    fn ckd_epi_gives_the_published_orders_of_magnitude() {
        // Woman, 54, creatinine 68 µmol/L: about 88 mL/min/1.73 m².
        let gfr = ckd_epi_2009(68.0, 54, true);
        assert!((85.0..92.0).contains(&gfr), "{gfr}");
        // Man, 70, creatinine 150 µmol/L: stage 3b, about 40.
        let gfr = ckd_epi_2009(150.0, 70, false);
        assert!((35.0..45.0).contains(&gfr), "{gfr}");
    }

    #[test]
    fn french_numbers_use_a_decimal_comma() {
        assert_eq!(fr_number(5.9, 2), "5,90");
        assert_eq!(number(5.9, 2), "5.90");
        assert_eq!(fr_range(&EGFR), "≥ 60");
        assert_eq!(fr_range(&TSH), "0,27 - 4,20");
    }
}
