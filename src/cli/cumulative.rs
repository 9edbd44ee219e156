//! `vigie results --cumulative`: every result of each patient across the given documents, by
//! test and date — one line per test (text), one CSV row per value, or one JSON object per
//! patient.

use std::collections::BTreeMap;
use std::io::Write;

use crate::results::cumulative::{Cumulative, Series};
use crate::results::present::csv_line;
use crate::session::Session;
use crate::summary::Lang;

/// The output format of the cumulative view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Csv,
    Json,
}

const CSV_HEADER: [&str; 12] = [
    "patient",
    "code",
    "system",
    "label",
    "unit",
    "time",
    "file",
    "value",
    "number",
    "interpretation",
    "abnormal",
    "converted_from",
];

/// Writes the cumulative results of every patient of the session; the number of values.
pub fn write(
    session: &mut Session,
    format: Format,
    abnormal: bool,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<usize> {
    // Patients by name, each with its key.
    let patients: BTreeMap<String, String> = session
        .library()
        .records()
        .iter()
        .filter(|r| !r.lab.is_empty())
        .filter_map(|r| r.patient.as_ref())
        .map(|p| (p.key.clone(), p.name.clone()))
        .collect();
    if format == Format::Csv {
        out.write_all(csv_line(CSV_HEADER.iter().map(|s| s.to_string())).as_bytes())?;
    }
    let mut values = 0;
    for (n, (key, name)) in patients.iter().enumerate() {
        let mut cumulative = session.library().cumulative(key);
        if abnormal {
            cumulative.series.retain(|s| s.abnormal > 0);
        }
        values += cumulative.series.iter().map(|s| s.points.len()).sum::<usize>();
        let files: Vec<String> = cumulative
            .columns
            .iter()
            .map(|c| session.entry(c.document).map(|e| e.name.clone()).unwrap_or_default())
            .collect();
        match format {
            Format::Json => {
                let line = serde_json::json!({ "patient": name, "key": key, "files": files, "cumulative": cumulative });
                writeln!(out, "{line}")?;
            }
            Format::Csv => {
                for series in &cumulative.series {
                    for point in &series.points {
                        let column = &cumulative.columns[point.column];
                        out.write_all(
                            csv_line([
                                name.clone(),
                                series.code.clone().unwrap_or_default(),
                                series.system.clone().unwrap_or_default(),
                                series.label.clone(),
                                series.unit.clone().unwrap_or_default(),
                                column.iso.clone(),
                                files[point.column].clone(),
                                point.display.clone(),
                                point.number.map(|n| n.to_string()).unwrap_or_default(),
                                point.flag.clone().unwrap_or_default(),
                                point.abnormal.to_string(),
                                point.converted_from.clone().unwrap_or_default(),
                            ])
                            .as_bytes(),
                        )?;
                    }
                }
            }
            Format::Text => {
                let gap = if n > 0 { "\n" } else { "" };
                write!(out, "{gap}{}", text(name, &cumulative, lang))?;
            }
        }
    }
    Ok(values)
}

/// One heading per patient, then one line per test: its values oldest first with their date.
fn text(patient: &str, cumulative: &Cumulative, lang: Lang) -> String {
    let (reports, dates) = match lang {
        Lang::Fr => ("compte(s) rendu(s)", "date(s)"),
        Lang::En => ("report(s)", "date(s)"),
    };
    let mut out =
        format!("{patient} — {} {reports}, {} {dates}\n", cumulative.reports, cumulative.columns.len());
    for series in &cumulative.series {
        out.push_str(&series_line(series, cumulative));
    }
    out
}

fn series_line(series: &Series, cumulative: &Cumulative) -> String {
    let unit = series.unit.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
    let code = series.code.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default();
    let values: Vec<String> = series
        .points
        .iter()
        .map(|p| {
            let date = &cumulative.columns[p.column].display;
            let shown = match (p.number, &p.converted_from) {
                (Some(n), Some(_)) => format!("{}{}", p.bound.as_deref().unwrap_or(""), trim_number(n)),
                _ => p.display.clone(),
            };
            let flag = match (&p.flag, p.abnormal) {
                (Some(f), true) => format!(" {f}!"),
                (None, true) => " !".to_owned(),
                _ => String::new(),
            };
            format!("{date} {shown}{flag}")
        })
        .collect();
    format!("  {}{unit}{code}: {}\n", series.label, values.join(" · "))
}

/// A converted number without float noise: 1.1000000000000001 → 1.1.
fn trim_number(n: f64) -> String {
    let text = format!("{:.6}", n);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}
