//! `narrative.lab-value`: a lab result's value appears in the narrative it points at. The
//! narrative is what a person reads and what the laboratory signs (accreditation asks the
//! two to agree); the entry is what software reads. A number in one and not in the other is
//! a result shown wrong somewhere. Results are read by [`crate::results::extract`]; the
//! narrative is found by [`super::written`]: the element the observation's `text/reference`
//! names, or the table row (list item, paragraph) holding the test name its code's
//! `originalText/reference` names.

use super::super::{claims_nothing, guillemets, Context, Rule};
use super::written::{test_name, written};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::results::ValueKind;

pub static RULE: Rule = Rule {
    id: "narrative.lab-value",
    severity: Severity::Warning,
    summary: [
        "La valeur d'un résultat de biologie figure dans le texte narratif qu'il référence",
        "A lab result's value appears in the narrative text it references",
    ],
    hint: [
        "générez la partie narrative et les entrées à partir de la même valeur ; vérifiez que \
         text/reference de l'observation désigne la bonne ligne du tableau",
        "generate the narrative and the entries from the same value; check that the \
         observation's text/reference names the right table row",
    ],
    claims: claims_nothing,
    check,
};

/// The longest narrative excerpt quoted in a message.
const EXCERPT: usize = 80;

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let report = cx.lab_report();
    for entry in report.rows() {
        let result = entry.result;
        let Some(value) = &result.value else { continue };
        let (ValueKind::Quantity, Some(written_value), Some(number), None) =
            (value.kind, value.value.as_deref(), value.number, value.comparator)
        else {
            continue;
        };
        let Some(narrative) = written(cx, result) else { continue };
        let text = narrative.text(cx);
        let grouped = without_thousands_separators(&text);
        if numbers(&text).chain(numbers(&grouped)).any(|n| same(n, number)) {
            continue;
        }
        let shown =
            format!("{} {}", written_value.trim(), value.unit.as_deref().unwrap_or("")).trim().to_owned();
        let excerpt: String = text.chars().take(EXCERPT).collect();
        let ellipsis = if text.chars().count() > EXCERPT { "…" } else { "" };
        let test = test_name(result);
        let reference = narrative.reference;
        let message = Message::new(
            format!(
                "{test} : la valeur {} n'apparaît pas dans le texte narratif référencé ({reference} : {})",
                guillemets(&shown),
                guillemets(&format!("{excerpt}{ellipsis}"))
            ),
            format!(
                "{test}: the value \"{shown}\" does not appear in the referenced narrative ({reference}: \
                 \"{excerpt}{ellipsis}\")"
            ),
        );
        out.push(narrative.attach(cx, RULE.issue(message).at(value.span)));
    }
}

/// The numbers written in a text (`3.5`, `3,5`, `12`), as read.
pub(super) fn numbers(text: &str) -> impl Iterator<Item = f64> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i + 1 < bytes.len() && matches!(bytes[i], b'.' | b',') && bytes[i + 1].is_ascii_digit() {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let token = text[start..i].replace(',', ".");
            if let Ok(n) = token.parse() {
                return Some(n);
            }
        }
        None
    })
}

/// `100 000` written as `100000`: a space (or no-break space) between a digit and a group
/// of exactly three digits is a thousands separator, as French writes numbers.
pub(super) fn without_thousands_separators(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let separator = matches!(c, ' ' | '\u{a0}' | '\u{202f}')
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1..i + 4).is_some_and(|group| group.iter().all(char::is_ascii_digit))
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit);
        if !separator {
            out.push(c);
        }
    }
    out
}

pub(super) fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_with_a_decimal_point_or_comma() {
        let found: Vec<f64> = numbers("Glycémie 5,50 mmol/L (3.9-6.1) x2").collect();
        assert_eq!(found, vec![5.5, 3.9, 6.1, 2.0]);
    }

    #[test]
    fn french_thousands_separators_are_read_through() {
        let grouped = without_thousands_separators("Dénombrement 100 000 /mL, 1\u{a0}234,5 et 12 3456");
        assert_eq!(grouped, "Dénombrement 100000 /mL, 1234,5 et 12 3456");
    }
}
