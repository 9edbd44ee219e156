//! `narrative.lab-range`: a lab result's reference range in its entry is the one its
//! narrative shows. A range written `3,89 - 6,00` in the signed narrative and `3.89–3.89` in
//! the entry makes software flag a normal value as high. The narrative row is found by
//! [`super::written`]; a row that shows no range (ranges in another column or a legend) is
//! not judged.

use super::super::{claims_nothing, guillemets, Context, Rule};
use super::lab_value::{numbers, same};
use super::written::{test_name, written, Written};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::results::{normal_range, LabResult, Quantity};
use crate::xml::Span;

pub static RULE: Rule = Rule {
    id: "narrative.lab-range",
    severity: Severity::Warning,
    summary: [
        "L'intervalle de référence d'un résultat de biologie est celui que montre son texte narratif",
        "A lab result's reference range is the one its narrative text shows",
    ],
    hint: [
        "générez l'intervalle de référence de l'entrée (referenceRange/observationRange/value low \
         et high) et celui du narratif à partir des mêmes bornes",
        "generate the entry's reference range (referenceRange/observationRange/value low and \
         high) and the narrative's from the same bounds",
    ],
    claims: claims_nothing,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let report = cx.lab_report();
    for entry in report.rows() {
        let result = entry.result;
        let Some(found) = disagreement(cx, result) else { continue };
        let test = test_name(result);
        let (entry_range, narrative_range) = (&found.entry, &found.narrative);
        let issue = RULE
            .issue(Message::new(
                format!(
                    "{test} : l'entrée donne l'intervalle de référence {}, le texte narratif {}",
                    guillemets(entry_range),
                    guillemets(narrative_range)
                ),
                format!(
                    "{test}: the entry gives the reference range \"{entry_range}\", the narrative \"{narrative_range}\""
                ),
            ))
            .at(found.span);
        out.push(found.written.attach(cx, issue));
    }
}

/// A result whose normal range in its entry is not one its narrative row writes.
pub(super) struct Disagreement<'r> {
    pub written: Written<'r>,
    /// The entry's range as written (`3.90–3.90 mmol/L`).
    pub entry: String,
    /// The first range the narrative writes (`3,90 - 6,10`).
    pub narrative: String,
    /// The entry's range (`observationRange/value`).
    pub span: Span,
}

/// Whether a result's normal range (both bounds numeric) differs from every range its
/// narrative row writes; `None` when they agree or the row writes no range.
pub(super) fn disagreement<'r>(cx: &Context<'_>, result: &'r LabResult) -> Option<Disagreement<'r>> {
    let range = normal_range(&result.reference_ranges)?;
    let bounds = range.value.as_ref()?;
    let low = bounds.low.as_ref().and_then(|q| q.number)?;
    let high = bounds.high.as_ref().and_then(|q| q.number)?;
    let written = written(cx, result)?;
    let text = written.text(cx);
    let shown = ranges(&text);
    if shown.is_empty() || shown.iter().any(|&(a, b, _)| same(a, low) && same(b, high)) {
        return None;
    }
    let narrative = shown[0].2.to_owned();
    let as_written = |q: &Option<Quantity>| q.as_ref().map(|q| q.value.trim().to_owned()).unwrap_or_default();
    let unit = bounds.low.as_ref().and_then(|q| q.unit.as_deref()).unwrap_or("");
    let entry = format!("{}–{} {unit}", as_written(&bounds.low), as_written(&bounds.high)).trim().to_owned();
    Some(Disagreement { written, entry, narrative, span: bounds.span })
}

/// The ranges a narrative text writes: two numbers joined by `-`, `–`, `—`, `à`, `a`, `;`
/// or `..` (`3,90 - 6,10`, `[3.9 ; 6.1]`, `de 3,9 à 6,1`), low first.
pub(super) fn ranges(text: &str) -> Vec<(f64, f64, &str)> {
    let spans = number_spans(text);
    // Whether numbers i and i + 1 are joined by a range separator.
    let joined: Vec<bool> = spans
        .windows(2)
        .map(|pair| {
            matches!(text[pair[0].1..pair[1].0].trim(), "-" | "–" | "—" | "à" | "a" | ";" | ".." | "to")
        })
        .collect();
    let mut found = Vec::new();
    for (i, pair) in spans.windows(2).enumerate() {
        // Three numbers in a chain (`12-03-2024`) are a date, not a range.
        let chained = (i > 0 && joined[i - 1]) || joined.get(i + 1).copied().unwrap_or(false);
        let (a, b) = (pair[0].2, pair[1].2);
        if joined[i] && !chained && a <= b {
            found.push((a, b, &text[pair[0].0..pair[1].1]));
        }
    }
    found
}

/// Each number of a text with its byte range, as [`numbers`] reads them.
pub(super) fn number_spans(text: &str) -> Vec<(usize, usize, f64)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_digit()
                || (matches!(bytes[i], b'.' | b',') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
        {
            i += 1;
        }
        if let Some(n) = numbers(&text[start..i]).next() {
            out.push((start, i, n));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn ranges_are_read_as_people_write_them() {
        assert_eq!(ranges("Glucose 5,50 mmol/L (3,90 - 6,10)"), vec![(3.9, 6.1, "3,90 - 6,10")]);
        assert_eq!(ranges("[3.9 ; 6.1]"), vec![(3.9, 6.1, "3.9 ; 6.1")]);
        assert_eq!(ranges("de 3,9 à 6,1 g/L"), vec![(3.9, 6.1, "3,9 à 6,1")]);
        assert_eq!(ranges("Leucocytes 6.8 G/L"), vec![]);
        // A date is not a range; neither are decreasing numbers.
        assert_eq!(ranges("le 12-03-2024"), vec![]);
    }
}
