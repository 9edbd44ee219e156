//! `narrative.lab-range`: a lab result's reference range in its entry is the one its
//! narrative shows. A range written `3,89 - 6,00` in the signed narrative and `3.89–3.89` in
//! the entry makes software flag a normal value as high. The narrative row is found as for
//! [`super::lab_value`]; a row that shows no range (ranges in another column or a legend) is
//! not judged.

use super::super::{claims_nothing, guillemets, Context, Rule};
use super::lab_value::{enclosing_row, narrative_text, numbers, same};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::results::{extract, normal_range};

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
    let report = extract(cx.document);
    for entry in report.rows() {
        let result = entry.result;
        let Some(range) = normal_range(&result.reference_ranges) else { continue };
        let Some(bounds) = &range.value else { continue };
        let (Some(low), Some(high)) =
            (bounds.low.as_ref().and_then(|q| q.number), bounds.high.as_ref().and_then(|q| q.number))
        else {
            continue;
        };
        let own = result.text_reference.as_deref().and_then(|r| cx.by_id(r.trim().strip_prefix('#')?));
        let by_name = || cx.by_id(result.test.reference.as_deref()?.trim().strip_prefix('#')?);
        let Some(row) = own.or_else(by_name).and_then(|n| enclosing_row(cx, n).or(Some(n))) else { continue };
        let text = narrative_text(cx, row);
        let shown = ranges(&text);
        if shown.is_empty() || shown.iter().any(|&(a, b, _)| same(a, low) && same(b, high)) {
            continue;
        }
        let narrative_range = shown[0].2.to_owned();
        let test = result.test.label.as_deref().or(result.test.code.as_deref()).unwrap_or("?");
        let written = |q: &Option<crate::results::Quantity>| q.as_ref().map(|q| q.value.trim().to_owned());
        let unit = bounds.low.as_ref().and_then(|q| q.unit.as_deref()).unwrap_or("");
        let entry_range = format!(
            "{}–{} {unit}",
            written(&bounds.low).unwrap_or_default(),
            written(&bounds.high).unwrap_or_default()
        )
        .trim()
        .to_owned();
        out.push(
            RULE.issue(Message::new(
                format!(
                    "{test} : l'entrée donne l'intervalle de référence {}, le texte narratif {}",
                    guillemets(&entry_range),
                    guillemets(&narrative_range)
                ),
                format!(
                    "{test}: the entry gives the reference range \"{entry_range}\", the narrative \"{narrative_range}\""
                ),
            ))
            .at(bounds.span),
        );
    }
}

/// The ranges a narrative text writes: two numbers joined by `-`, `–`, `—`, `à`, `a`, `;`
/// or `..` (`3,90 - 6,10`, `[3.9 ; 6.1]`, `de 3,9 à 6,1`), low first.
fn ranges(text: &str) -> Vec<(f64, f64, &str)> {
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
fn number_spans(text: &str) -> Vec<(usize, usize, f64)> {
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
