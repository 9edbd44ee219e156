//! Microbiology: the isolates of a chapter (CLUSTER organizers whose specimen is the germ
//! identified) and their antibiograms, as one germ × antibiotic matrix of S/I/R readings.

use super::types::{
    Antibiogram, AntibioticRow, Battery, BatteryKind, Isolate, LabResult, Meaning, Susceptibility,
};

/// LOINC 18769-0, the antibiogram panel (*antibiogramme*, microbial susceptibility tests).
const ANTIBIOGRAM_CODE: &str = "18769-0";

/// The matrix of the isolates found in `batteries` (at any depth); `None` when no isolate
/// has a susceptibility result.
pub(crate) fn antibiogram(batteries: &[Battery]) -> Option<Antibiogram> {
    let mut isolates = Vec::new();
    let mut stack: Vec<&Battery> = batteries.iter().rev().collect();
    while let Some(b) = stack.pop() {
        if b.kind == BatteryKind::Isolate {
            isolates.push(b);
        } else {
            stack.extend(b.batteries.iter().rev());
        }
    }
    let mut matrix = Antibiogram { isolates: Vec::new(), antibiotics: Vec::new() };
    for (column, isolate) in isolates.iter().enumerate() {
        matrix.isolates.push(Isolate {
            label: isolate
                .germ
                .as_ref()
                .and_then(|g| g.label.clone().or_else(|| g.reference_text.clone()).or_else(|| g.code.clone()))
                .unwrap_or_else(|| format!("isolate {}", column + 1)),
            germ: isolate.germ.clone(),
            span: isolate.span,
            position: isolate.position,
        });
        let mut found = Vec::new();
        susceptibilities(isolate, false, &mut found);
        for result in found {
            let row = row_for(&mut matrix.antibiotics, result, isolates.len());
            if row.cells[column].is_none() {
                row.cells[column] = Some(Susceptibility {
                    interpretation: result
                        .interpretations
                        .iter()
                        .find(|i| i.meaning == Meaning::Susceptibility)
                        .or(result.interpretations.first())
                        .cloned(),
                    value: result.value.as_ref().map(|v| v.display.clone()).filter(|d| !d.is_empty()),
                    span: result.span,
                    position: result.position,
                });
            }
        }
    }
    (!matrix.antibiotics.is_empty()).then_some(matrix)
}

/// The results of an isolate that are susceptibility readings: those with an S/I/R-like
/// interpretation, and every result of an antibiogram battery.
fn susceptibilities<'a>(battery: &'a Battery, in_antibiogram: bool, out: &mut Vec<&'a LabResult>) {
    let in_antibiogram =
        in_antibiogram || battery.code.as_ref().and_then(|c| c.code.as_deref()) == Some(ANTIBIOGRAM_CODE);
    for result in &battery.results {
        if in_antibiogram || result.interpretations.iter().any(|i| i.meaning == Meaning::Susceptibility) {
            out.push(result);
        }
    }
    for inner in &battery.batteries {
        susceptibilities(inner, in_antibiogram, out);
    }
}

/// The row of a result's antibiotic (same code and system, else same label), added when new.
fn row_for<'a>(
    rows: &'a mut Vec<AntibioticRow>,
    result: &LabResult,
    columns: usize,
) -> &'a mut AntibioticRow {
    let test = &result.test;
    let same = |row: &AntibioticRow| match (&test.code, &row.test.code) {
        (Some(code), Some(other)) => code == other && test.system == row.test.system,
        _ => test.label.is_some() && test.label == row.test.label,
    };
    let index = match rows.iter().position(same) {
        Some(index) => index,
        None => {
            rows.push(AntibioticRow {
                label: short_label(result),
                test: test.clone(),
                cells: vec![None; columns],
            });
            rows.len() - 1
        }
    };
    &mut rows[index]
}

/// An antibiotic's name without its LOINC axes: `Amoxicilline+clavulanate [Sensibilité]
/// Isolat ; …` → `Amoxicilline+clavulanate`; else the narrative text or the code.
fn short_label(result: &LabResult) -> String {
    let test = &result.test;
    test.label
        .as_deref()
        .map(|l| l.split(" [").next().unwrap_or(l).trim().to_string())
        .filter(|l| !l.is_empty())
        .or_else(|| test.reference_text.clone())
        .or_else(|| test.code.clone())
        .unwrap_or_default()
}
