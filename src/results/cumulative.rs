//! Cumulative results: every result of one patient across the library, by test and date —
//! the table biologists call *antériorités* and the series a trend chart draws.
//!
//! A report is reduced once, when it is indexed, to its [`LabFact`]s (kept with the library's
//! record and in its cache), so that gathering hundreds of reports is a scan of small values,
//! not a re-reading of files. Series are keyed by test and unit: units of one quantity with
//! other prefixes are converted to the series' most frequent unit ([`super::units`]); other
//! units make a series of their own, never mixed on one axis.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::facts::normal_range;
use super::units;
use super::{LabReport, Meaning};
use crate::model::time::Timestamp;

/// One result reduced to what a cumulative table and a trend need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LabFact {
    /// The test's code (LOINC, or a laboratory's own) and its system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub label: String,
    /// The value as shown: `1.950 m[IU]/L`, `< 0.5 g/L`, `négatif`.
    pub display: String,
    /// The numeric value, when there is one; `bound` says when it is a limit (`<`, `≥`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// When the result applies: its own time, else the specimen's collection, else the
    /// document's date; HL7 form, at the precision written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The normal range's bounds, in `unit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// The interpretation that decides (`H`, `LL`...) and whether the result is abnormal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub abnormal: bool,
}

/// The facts of a report's results, antibiogram readings left out (a germ's susceptibility
/// is not a series). `document_time` is the document's `effectiveTime`, the last resort.
pub fn facts(report: &LabReport, document_time: Option<&Timestamp>) -> Vec<LabFact> {
    let mut out = Vec::with_capacity(report.result_count);
    for row in report.rows() {
        if row.germ().is_some() {
            continue;
        }
        let result = row.result;
        let Some(value) = &result.value else { continue };
        let own = result.effective_time.as_ref().and_then(first_time);
        let collected = row.specimen().and_then(|s| s.collected.as_ref()).and_then(first_time);
        let time = own.or(collected).or(document_time).map(|t| t.raw().to_owned());
        let range = normal_range(&result.reference_ranges).and_then(|r| r.value.as_ref());
        let in_unit =
            |q: &Option<super::Quantity>| q.as_ref().filter(|q| q.unit == value.unit).and_then(|q| q.number);
        let decisive = result
            .interpretations
            .iter()
            .find(|i| i.meaning != Meaning::Change)
            .or(result.interpretations.first());
        out.push(LabFact {
            code: result.test.code.clone(),
            system: result.test.system.clone(),
            label: result.test.label.clone().or_else(|| result.test.code.clone()).unwrap_or_default(),
            display: value.display.clone(),
            number: value.number.filter(|n| n.is_finite()),
            bound: value.comparator.map(|c| c.sign().to_owned()),
            unit: value.unit.clone(),
            time,
            low: range.and_then(|r| in_unit(&r.low)),
            high: range.and_then(|r| in_unit(&r.high)),
            flag: decisive.and_then(|i| i.code.clone()),
            abnormal: result.abnormal.is_some(),
        });
    }
    out
}

fn first_time(interval: &crate::model::time::Interval) -> Option<&Timestamp> {
    interval.value.as_ref().or(interval.low.as_ref()).or(interval.center.as_ref()).or(interval.high.as_ref())
}

/// What tells tests apart: code and system, else the label (lower-cased) when uncoded.
type TestKey<'a> = (Option<&'a str>, Option<&'a str>, String);

/// A report given to [`Cumulative::build`]: its handle in the library, its date and title.
pub struct Source<'a> {
    pub document: usize,
    pub title: Option<&'a str>,
    pub facts: &'a [LabFact],
}

/// A column of the table: one moment of one report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Column {
    /// HL7 form at the precision written.
    pub time: String,
    /// ISO 8601, for a chart's axis.
    pub iso: String,
    /// As a French reader expects it.
    pub display: String,
    pub document: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// One value of a series, in the series' unit.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Point {
    /// Index into [`Cumulative::columns`].
    pub column: usize,
    /// The value as the report wrote it.
    pub display: String,
    /// Converted to the series' unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    pub abnormal: bool,
    /// The unit the report wrote, when it was converted from another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted_from: Option<String>,
}

/// One test in one unit, across the reports.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Series {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// In column order.
    pub points: Vec<Point>,
    pub abnormal: usize,
    /// Whether a chart can draw it: at least two numeric values.
    pub numeric: bool,
}

/// Every result of the given reports, by test and date.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Cumulative {
    pub columns: Vec<Column>,
    /// Ordered by label, then unit.
    pub series: Vec<Series>,
    pub reports: usize,
}

impl Cumulative {
    pub fn build<'a>(sources: impl IntoIterator<Item = Source<'a>>) -> Cumulative {
        // Columns: one per (time, document), oldest first.
        let mut keyed: Vec<(i64, String, &LabFact, usize, Option<&str>)> = Vec::new();
        let mut reports = 0;
        for source in sources {
            reports += 1;
            for fact in source.facts {
                let Some(time) = fact.time.as_deref() else { continue };
                let Ok(ts) = Timestamp::parse(time) else { continue };
                keyed.push((ts.sort_key().0, time.to_owned(), fact, source.document, source.title));
            }
        }
        keyed.sort_by_key(|k| (k.0, k.3));
        let mut columns: Vec<Column> = Vec::new();
        let mut column_of: HashMap<(i64, usize), usize> = HashMap::new();
        let mut placed: Vec<(usize, &LabFact)> = Vec::with_capacity(keyed.len());
        for (sort, time, fact, document, title) in keyed {
            let column = *column_of.entry((sort, document)).or_insert_with(|| {
                let ts = Timestamp::parse(&time).ok();
                columns.push(Column {
                    iso: ts.as_ref().map(Timestamp::to_iso).unwrap_or_default(),
                    display: ts.as_ref().map(Timestamp::display).unwrap_or_else(|| time.clone()),
                    time,
                    document,
                    title: title.map(str::to_owned),
                });
                columns.len() - 1
            });
            placed.push((column, fact));
        }

        // Tests: by code and system, else by label.
        let mut tests: HashMap<TestKey<'_>, Vec<(usize, &LabFact)>> = HashMap::new();
        for (column, fact) in placed {
            let key = match &fact.code {
                Some(code) => (Some(code.as_str()), fact.system.as_deref(), String::new()),
                None => (None, None, fact.label.to_lowercase()),
            };
            tests.entry(key).or_default().push((column, fact));
        }
        let times: Vec<&str> = columns.iter().map(|c| c.time.as_str()).collect();
        let mut series = Vec::new();
        for (_, facts) in tests {
            series.extend(split_by_unit(&facts, &times));
        }
        drop(times);
        let columns = drop_empty_columns(columns, &mut series);
        // By label as a reader looks it up: accents and case aside (« Érythrocytes » by E).
        series.sort_by_cached_key(|s| {
            (deunicode::deunicode(&s.label).to_lowercase(), s.unit.clone(), s.code.clone())
        });
        Cumulative { columns, series, reports }
    }
}

/// A test's facts as one series per family of convertible units, each in its most frequent
/// unit (the earliest on a tie).
/// `times[c]` is column `c`'s time: the same value at the same time in another report (a
/// copy, a corrected report repeating it) is shown once.
fn split_by_unit(facts: &[(usize, &LabFact)], times: &[&str]) -> Vec<Series> {
    // Units by frequency.
    let mut counts: Vec<(Option<&str>, usize)> = Vec::new();
    for (_, fact) in facts {
        let unit = fact.unit.as_deref();
        match counts.iter_mut().find(|(u, _)| *u == unit) {
            Some((_, n)) => *n += 1,
            None => counts.push((unit, 1)),
        }
    }
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(counts[i].1));
    // Each unit joins the first (most frequent) family it converts to.
    let mut families: Vec<Option<&str>> = Vec::new();
    let mut family_of: Vec<(Option<&str>, usize, f64)> = Vec::new();
    for i in order {
        let unit = counts[i].0;
        let found = families.iter().enumerate().find_map(|(f, target)| match (unit, *target) {
            (None, None) => Some((f, 1.0)),
            (Some(u), Some(t)) => units::factor(u, t).map(|k| (f, k)),
            _ => None,
        });
        let (family, factor) = found.unwrap_or_else(|| {
            families.push(unit);
            (families.len() - 1, 1.0)
        });
        family_of.push((unit, family, factor));
    }
    let mut out: Vec<Series> = families
        .iter()
        .map(|unit| Series {
            code: None,
            system: None,
            label: String::new(),
            unit: unit.map(str::to_owned),
            points: Vec::new(),
            abnormal: 0,
            numeric: false,
        })
        .collect();
    for (column, fact) in facts {
        let unit = fact.unit.as_deref();
        let Some(&(_, family, factor)) = family_of.iter().find(|(u, _, _)| *u == unit) else { continue };
        let series = &mut out[family];
        if series.label.is_empty() {
            series.label = fact.label.clone();
            series.code = fact.code.clone();
            series.system = fact.system.clone();
        }
        // One value per column (a report repeating a test at the same time keeps the first),
        // and one per time when another report says the same.
        let repeated = |p: &Point| {
            p.column == *column || (times[p.column] == times[*column] && p.display == fact.display)
        };
        if series.points.iter().any(repeated) {
            continue;
        }
        let scale = |n: Option<f64>| n.map(|n| n * factor);
        series.abnormal += usize::from(fact.abnormal);
        series.points.push(Point {
            column: *column,
            display: fact.display.clone(),
            number: scale(fact.number),
            bound: fact.bound.clone(),
            low: scale(fact.low),
            high: scale(fact.high),
            flag: fact.flag.clone(),
            abnormal: fact.abnormal,
            converted_from: (factor != 1.0 || unit != series.unit.as_deref())
                .then(|| unit.unwrap_or("").to_owned()),
        });
    }
    for series in &mut out {
        series.points.sort_by_key(|p| p.column);
        series.numeric = series.points.iter().filter(|p| p.number.is_some()).count() >= 2;
    }
    out
}

/// The columns some point uses, the points' indexes renumbered.
fn drop_empty_columns(columns: Vec<Column>, series: &mut [Series]) -> Vec<Column> {
    let mut used = vec![false; columns.len()];
    for point in series.iter().flat_map(|s| &s.points) {
        used[point.column] = true;
    }
    let mut renumbered = vec![0; columns.len()];
    let mut kept = Vec::with_capacity(columns.len());
    for (i, column) in columns.into_iter().enumerate() {
        if used[i] {
            renumbered[i] = kept.len();
            kept.push(column);
        }
    }
    for point in series.iter_mut().flat_map(|s| &mut s.points) {
        point.column = renumbered[point.column];
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(code: &str, value: f64, unit: &str, time: &str) -> LabFact {
        LabFact {
            code: Some(code.to_owned()),
            system: Some("2.16.840.1.113883.6.1".to_owned()),
            label: format!("test {code}"),
            display: format!("{value} {unit}"),
            number: Some(value),
            bound: None,
            unit: Some(unit.to_owned()),
            time: Some(time.to_owned()),
            low: None,
            high: None,
            flag: None,
            abnormal: false,
        }
    }

    #[test]
    fn convertible_units_share_a_series_in_the_most_frequent_one() {
        let a = [fact("2345-7", 1.0, "g/L", "20240101"), fact("2345-7", 5.5, "mmol/L", "20240101")];
        let b = [fact("2345-7", 110.0, "mg/dL", "20240201")];
        let c = [fact("2345-7", 0.9, "g/L", "20240301")];
        let cumulative = Cumulative::build([
            Source { document: 0, title: None, facts: &a },
            Source { document: 1, title: None, facts: &b },
            Source { document: 2, title: None, facts: &c },
        ]);
        assert_eq!(cumulative.columns.len(), 3);
        assert_eq!(cumulative.series.len(), 2, "g/L and mmol/L of glucose are never mixed");
        let grams = cumulative.series.iter().find(|s| s.unit.as_deref() == Some("g/L")).unwrap();
        let numbers: Vec<_> = grams.points.iter().map(|p| p.number.unwrap()).collect();
        assert_eq!(numbers.len(), 3);
        assert!((numbers[1] - 1.1).abs() < 1e-9, "110 mg/dL is 1.1 g/L: {numbers:?}");
        assert_eq!(grams.points[1].converted_from.as_deref(), Some("mg/dL"));
        let molar = cumulative.series.iter().find(|s| s.unit.as_deref() == Some("mmol/L")).unwrap();
        assert_eq!(molar.points.len(), 1);
        assert!(!molar.numeric);
    }

    #[test]
    fn columns_are_in_time_order_whatever_the_order_of_reports() {
        let late = [fact("1", 2.0, "g/L", "20240301")];
        let early = [fact("1", 1.0, "g/L", "202401")];
        let cumulative = Cumulative::build([
            Source { document: 7, title: Some("B"), facts: &late },
            Source { document: 3, title: Some("A"), facts: &early },
        ]);
        let times: Vec<_> = cumulative.columns.iter().map(|c| c.time.as_str()).collect();
        assert_eq!(times, ["202401", "20240301"]);
        assert_eq!(cumulative.columns[0].document, 3);
        assert_eq!(cumulative.series[0].points[0].column, 0);
    }

    #[test]
    fn the_same_value_at_the_same_time_in_two_reports_is_shown_once() {
        let first = [fact("1", 2.0, "g/L", "20240301")];
        let copy = [fact("1", 2.0, "g/L", "20240301")];
        let corrected = [fact("1", 2.5, "g/L", "20240301")];
        let cumulative = Cumulative::build([
            Source { document: 0, title: None, facts: &first },
            Source { document: 1, title: None, facts: &copy },
            Source { document: 2, title: None, facts: &corrected },
        ]);
        let values: Vec<_> = cumulative.series[0].points.iter().map(|p| p.display.as_str()).collect();
        assert_eq!(values, ["2 g/L", "2.5 g/L"]);
        assert_eq!(cumulative.columns.len(), 2, "the copy's column is left out");
        assert_eq!(cumulative.columns[1].document, 2);
        assert_eq!(cumulative.series[0].points[1].column, 1);
    }
}
