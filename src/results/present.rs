//! Lab results as text: the compact grid `vigie results` prints, and CSV rows (one per
//! result). Flags are always written in words beside their code.

use std::fmt::Write as _;

use crate::model::time::{Interval, Timestamp};
use crate::summary::Lang;

use super::facts::normal_range;
use super::types::{
    AbnormalBy, Battery, BatteryKind, Chapter, LabResult, LabelSource, RangePosition, ReferenceRange,
    ResultValue,
};
use super::DocumentResults;

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 18] = [
    "file",
    "document_date",
    "chapter",
    "battery",
    "code",
    "system",
    "label",
    "value",
    "unit",
    "low",
    "high",
    "range_text",
    "interpretation",
    "status",
    "specimen",
    "collected",
    "line:column",
    "abnormal",
];

/// The CSV header line (with its line break).
pub fn csv_header() -> String {
    csv_line(CSV_HEADER.iter().map(|s| s.to_string()))
}

/// One CSV line per result of a document.
pub fn csv_rows(document: &DocumentResults, lang: Lang) -> String {
    let date = document.document_date.as_ref().map(Timestamp::to_iso).unwrap_or_default();
    let mut out = String::new();
    for row in document.report.rows() {
        let r = row.result;
        let value = r.value.as_ref();
        let range = normal_range(&r.reference_ranges).or(r.reference_ranges.first());
        let bounds = range.and_then(|range| range.value.as_ref());
        let specimen = row.specimen();
        out.push_str(&csv_line([
            document.file.clone(),
            date.clone(),
            row.chapter_titles().join(" › "),
            row.battery_label().unwrap_or_default().to_string(),
            r.test.code.clone().unwrap_or_default(),
            r.test.system.clone().unwrap_or_default(),
            r.test.label.clone().unwrap_or_default(),
            value.map(bare_value).unwrap_or_default(),
            value.and_then(|v| v.unit.clone()).unwrap_or_default(),
            bounds.and_then(|b| b.low.as_ref()).map(|q| q.value.clone()).unwrap_or_default(),
            bounds.and_then(|b| b.high.as_ref()).map(|q| q.value.clone()).unwrap_or_default(),
            range.map(range_text).unwrap_or_default(),
            flags(r, lang),
            r.status.clone().unwrap_or_default(),
            specimen
                .and_then(|s| s.specimen_type.as_ref())
                .and_then(|t| t.label.clone().or_else(|| t.code.clone()))
                .unwrap_or_default(),
            specimen
                .and_then(|s| s.collected.as_ref())
                .and_then(instant)
                .map(Timestamp::to_iso)
                .unwrap_or_default(),
            r.position.map(|p| p.to_string()).unwrap_or_default(),
            match r.abnormal {
                Some(AbnormalBy::Interpretation) => "interpretation".to_string(),
                Some(AbnormalBy::Range) => "range".to_string(),
                None => String::new(),
            },
        ]));
    }
    out
}

pub(crate) fn csv_line(fields: impl IntoIterator<Item = String>) -> String {
    let quoted: Vec<String> =
        fields
            .into_iter()
            .map(|f| {
                if f.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f
                }
            })
            .collect();
    let mut line = quoted.join(",");
    line.push('\n');
    line
}

/// The value without its unit (the unit has its own column).
fn bare_value(v: &ResultValue) -> String {
    match &v.unit {
        Some(unit) => {
            v.display.strip_suffix(unit.as_str()).map_or(v.display.as_str(), str::trim_end).to_string()
        }
        None => v.display.clone(),
    }
}

/// The moment of an interval: its value, else its end (CR-BIO writes a collection time as
/// `high`), else its start.
fn instant(interval: &Interval) -> Option<&Timestamp> {
    interval.value.as_ref().or(interval.high.as_ref()).or(interval.low.as_ref()).or(interval.center.as_ref())
}

fn range_text(range: &ReferenceRange) -> String {
    let bounds = range.value.as_ref().map(|v| v.display.clone()).filter(|d| !d.is_empty());
    let text = bounds.or_else(|| range.text.clone()).unwrap_or_default();
    match &range.population {
        Some(population) => format!("{text} ({population})"),
        None => text,
    }
}

/// The interpretation codes in words, and what the range says when no code decides.
fn flags(r: &LabResult, lang: Lang) -> String {
    let french = lang == Lang::Fr;
    let mut words: Vec<String> =
        r.interpretations.iter().map(|i| i.words(french)).filter(|w| !w.is_empty()).collect();
    if r.abnormal == Some(AbnormalBy::Range) {
        let side = match (r.range_position, french) {
            (Some(RangePosition::Below), true) => "bas",
            (Some(RangePosition::Below), false) => "low",
            (_, true) => "haut",
            (_, false) => "high",
        };
        words.push(if french {
            format!("hors intervalle ({side})")
        } else {
            format!("outside range ({side})")
        });
    }
    words.join("; ")
}

/// The compact grid of one document: a heading, then per chapter its results (test, value,
/// reference range, flag in words, previous value), specimens, comments and antibiogram.
pub fn text(document: &DocumentResults, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    let report = &document.report;
    let mut out = String::new();
    let date = document.document_date.as_ref().map(|d| format!(" — {}", d.display())).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{date} — {} {}, {} {}",
        document.file,
        report.result_count,
        if fr { "résultat(s)" } else { "result(s)" },
        report.abnormal_count,
        if fr { "anormal(aux)" } else { "abnormal" },
    );
    let mut path = Vec::new();
    for chapter in &report.chapters {
        write_chapter(&mut out, chapter, &mut path, lang);
    }
    out
}

fn write_chapter<'a>(out: &mut String, chapter: &'a Chapter, path: &mut Vec<&'a str>, lang: Lang) {
    let title = chapter.title.as_deref().unwrap_or("—");
    let repeated = path.last().is_some_and(|last| last.eq_ignore_ascii_case(title));
    if !repeated {
        path.push(title);
    }
    if !chapter.results.is_empty() || !chapter.batteries.is_empty() {
        let _ = writeln!(out, "{}", path.join(" › "));
        let mut all = Vec::new();
        collect_results(chapter, &mut all);
        let widths = Widths::of(&all, lang);
        for r in &chapter.results {
            write_result(out, r, &widths, lang);
        }
        for battery in &chapter.batteries {
            write_battery(out, battery, &widths, lang);
        }
        if let Some(matrix) = &chapter.antibiogram {
            write_antibiogram(out, matrix, lang);
        }
    }
    for sub in &chapter.chapters {
        write_chapter(out, sub, path, lang);
    }
    if !repeated {
        path.pop();
    }
}

fn collect_results<'a>(chapter: &'a Chapter, out: &mut Vec<&'a LabResult>) {
    out.extend(chapter.results.iter());
    let mut stack: Vec<&Battery> = chapter.batteries.iter().collect();
    while let Some(b) = stack.pop() {
        out.extend(b.results.iter());
        stack.extend(b.batteries.iter());
    }
}

fn write_battery(out: &mut String, battery: &Battery, widths: &Widths, lang: Lang) {
    let fr = lang == Lang::Fr;
    let label = battery.code.as_ref().and_then(|c| c.label.as_deref().or(c.reference_text.as_deref()));
    match (battery.kind, &battery.germ) {
        (BatteryKind::Isolate, germ) => {
            let germ = germ.as_ref().and_then(|g| g.label.as_deref()).unwrap_or("?");
            let _ = writeln!(out, "  {} {germ}", if fr { "Isolat :" } else { "Isolate:" });
        }
        (BatteryKind::Battery | BatteryKind::Cluster, _) => {
            if let Some(label) = label {
                let _ = writeln!(out, "  {label}");
            }
        }
        (BatteryKind::Examination, _) => {}
    }
    if let Some(specimen) = &battery.specimen {
        let kind = specimen.specimen_type.as_ref().and_then(|t| t.label.as_deref()).unwrap_or("?");
        let mut line = format!("  {} {kind}", if fr { "Prélèvement :" } else { "Specimen:" });
        if let Some(collected) = specimen.collected.as_ref().and_then(instant) {
            let _ = write!(line, ", {}", collected.display());
        }
        if let Some(received) = specimen.received.as_ref().and_then(instant) {
            let _ = write!(line, " ({} {})", if fr { "reçu" } else { "received" }, received.display());
        }
        let _ = writeln!(out, "{line}");
    }
    for r in &battery.results {
        write_result(out, r, widths, lang);
    }
    for inner in &battery.batteries {
        write_battery(out, inner, widths, lang);
    }
    for comment in &battery.comments {
        if let Some(text) = &comment.text {
            let _ = writeln!(out, "  « {text} »");
        }
    }
}

/// Column widths of a chapter's grid, in characters.
struct Widths {
    test: usize,
    value: usize,
    range: usize,
    flag: usize,
}

const TEST_WIDTH: usize = 42;

impl Widths {
    fn of(results: &[&LabResult], lang: Lang) -> Self {
        let max = |f: &dyn Fn(&LabResult) -> String| {
            results.iter().map(|r| f(r).chars().count()).max().unwrap_or(0)
        };
        Widths {
            test: max(&test_name).min(TEST_WIDTH),
            value: max(&value_text),
            range: max(&|r| first_range(r)),
            flag: max(&|r| flags(r, lang)),
        }
    }
}

/// The test's name, short: its label without the LOINC axes (`Glucose à jeun [Moles/Volume]
/// Sérum/Plasma ; Numérique` → `Glucose à jeun`), else the narrative text it references,
/// else its code.
fn test_name(r: &LabResult) -> String {
    let t = &r.test;
    let from_code = matches!(
        t.label_source,
        Some(LabelSource::Document | LabelSource::Terminology | LabelSource::Translation)
    );
    let short = t.label.as_deref().filter(|_| from_code).map(|l| l.split(" [").next().unwrap_or(l).trim());
    let name = short
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| t.reference_text.clone())
        .or_else(|| t.label.clone())
        .or_else(|| t.code.clone())
        .unwrap_or_default();
    if name.chars().count() > TEST_WIDTH {
        let cut: String = name.chars().take(TEST_WIDTH - 1).collect();
        format!("{cut}…")
    } else {
        name
    }
}

/// The value as shown, with its other units: `0.62 g/L (0.71 mmol/L)`.
fn value_text(r: &LabResult) -> String {
    let Some(v) = &r.value else { return String::new() };
    let others: Vec<String> = v
        .translations
        .iter()
        .map(|q| match &q.unit {
            Some(unit) => format!("{} {unit}", q.value),
            None => q.value.clone(),
        })
        .collect();
    if others.is_empty() {
        v.display.clone()
    } else {
        format!("{} ({})", v.display, others.join(", "))
    }
}

fn first_range(r: &LabResult) -> String {
    normal_range(&r.reference_ranges).or(r.reference_ranges.first()).map(range_text).unwrap_or_default()
}

fn pad(text: &str, width: usize) -> String {
    let len = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(len)))
}

fn write_result(out: &mut String, r: &LabResult, w: &Widths, lang: Lang) {
    let fr = lang == Lang::Fr;
    let marker = if r.abnormal.is_some() { "!" } else { " " };
    let value = value_text(r);
    let mut line = format!(
        "  {marker} {}  {}  {}  {}",
        pad(&test_name(r), w.test),
        pad(&value, w.value),
        pad(&first_range(r), w.range),
        pad(&flags(r, lang), w.flag),
    );
    if let Some(previous) = r.previous.first() {
        let value = previous.value.as_ref().map(|v| v.display.as_str()).unwrap_or("?");
        let when =
            previous.effective_time.as_ref().map(|t| format!(" ({})", t.display())).unwrap_or_default();
        let _ = write!(line, "  {} {value}{when}", if fr { "antériorité" } else { "previous" });
    }
    let _ = writeln!(out, "{}", line.trim_end());
    for comment in &r.comments {
        if let Some(text) = &comment.text {
            let _ = writeln!(out, "      « {text} »");
        }
    }
}

fn write_antibiogram(out: &mut String, matrix: &super::types::Antibiogram, lang: Lang) {
    let fr = lang == Lang::Fr;
    let first = matrix.antibiotics.iter().map(|a| a.label.chars().count()).max().unwrap_or(0).max(12);
    let columns: Vec<usize> = matrix.isolates.iter().map(|i| i.label.chars().count().max(3)).collect();
    let mut header = format!("  {}", pad(if fr { "Antibiogramme" } else { "Antibiogram" }, first));
    for (isolate, width) in matrix.isolates.iter().zip(&columns) {
        let _ = write!(header, "  {}", pad(&isolate.label, *width));
    }
    let _ = writeln!(out, "{}", header.trim_end());
    for row in &matrix.antibiotics {
        let mut line = format!("  {}", pad(&row.label, first));
        for (cell, width) in row.cells.iter().zip(&columns) {
            let code = cell
                .as_ref()
                .and_then(|c| c.interpretation.as_ref())
                .and_then(|i| i.code.clone())
                .unwrap_or_else(|| "·".to_string());
            let _ = write!(line, "  {}", pad(&code, *width));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let legend = if fr {
        "S sensible · I intermédiaire · R résistant"
    } else {
        "S susceptible · I intermediate · R resistant"
    };
    let _ = writeln!(out, "  ({legend})");
}
