//! `narrative.lab-unit`: a lab result's unit in its entry is the one its narrative writes. A
//! value of `5.5` is glycaemia in `mmol/L` and a coma in `g/L`: software reads the entry's
//! unit, the physician the narrative's. The narrative row is found by [`super::written`];
//! the unit it writes is the word right after the value (`45 UI/l`, `8,2 x 10^9/L`, a flag
//! such as `H` skipped) or a unit in parentheses (`Leucocytes (10*9/L)`).
//!
//! Spellings are read before comparing, so that only another unit is reported: case where
//! it cannot change the meaning (`mmol/l`), `µ` and `u`, `UI`, `IU`, `[IU]` and `U`,
//! `10^9`, `10*9`, `x10⁹` and `G/L`, `mm3` and `µL`, `sec` and `s`; two units of one
//! quantity and the same scale are the same (`mg/L` and `ug/mL`). A row that writes no
//! recognisable unit, or writes the entry's unit anywhere, is not judged.

use super::super::{claims_nothing, guillemets, Context, Rule};
use super::lab_range::number_spans;
use super::lab_value::{same, without_thousands_separators};
use super::written::{test_name, written};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::results::units::scale;
use crate::results::ValueKind;

pub static RULE: Rule = Rule {
    id: "narrative.lab-unit",
    severity: Severity::Warning,
    summary: [
        "L'unité d'un résultat de biologie est celle que montre son texte narratif",
        "A lab result's unit is the one its narrative text shows",
    ],
    hint: [
        "générez l'unité de l'entrée (value/@unit, en UCUM) et celle du narratif à partir de la \
         même unité ; si le narratif montre une autre unité, l'une des deux valeurs est fausse",
        "generate the entry's unit (value/@unit, in UCUM) and the narrative's from the same unit; \
         when the narrative shows another unit, one of the two values is wrong",
    ],
    claims: claims_nothing,
    check,
};

/// Flags a narrative may write between a value and its unit (`7,67 L pg/mL`).
const FLAGS: [&str; 12] = ["H", "L", "N", "A", "HH", "LL", "*", "**", "↑", "↓", "+", "-"];

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let report = cx.lab_report();
    for entry in report.rows() {
        let result = entry.result;
        let Some(value) = &result.value else { continue };
        let (ValueKind::Quantity, Some(number), None, Some(unit)) =
            (value.kind, value.number, value.comparator, value.unit.as_deref())
        else {
            continue;
        };
        // UCUM annotations (`{ratio}`, `10*9/L{cells}`) are not written in narratives.
        let unit = without_annotations(unit);
        if unit.is_empty() || unit == "1" {
            continue;
        }
        let Some(narrative) = written(cx, result) else { continue };
        let text = narrative.text(cx);
        let mut shown = units_shown(&text, number);
        if shown.is_empty() {
            // `100 000 /mL`: the value written with thousands separators.
            shown = units_shown(&without_thousands_separators(&text), number);
        }
        if shown.is_empty() || words(&text).any(|word| same_unit(word, &unit)) {
            continue;
        }
        let test = test_name(result);
        let narrative_unit = &shown[0];
        let message = Message::new(
            format!(
                "{test} : l'entrée donne l'unité {}, le texte narratif {}",
                guillemets(&unit),
                guillemets(narrative_unit)
            ),
            format!("{test}: the entry gives the unit \"{unit}\", the narrative \"{narrative_unit}\""),
        );
        out.push(narrative.attach(cx, RULE.issue(message).at(value.span)));
    }
}

/// The units a narrative row writes for a value: the word after each place the value is
/// written (past a flag; `x 10^9/L` read as one), and the units in parentheses.
fn units_shown(text: &str, number: f64) -> Vec<String> {
    let mut shown = Vec::new();
    for (start, end, n) in number_spans(text) {
        // The value written as a number of its own: not the `9` of `10*9/L` or of `B9`.
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let standalone = before.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | ':'))
            && after.is_none_or(|c| !matches!(c, '*' | '^' | '/' | '.' | ','));
        if !same(n, number) || !standalone {
            continue;
        }
        let mut following = text[end..].split_whitespace();
        let Some(mut word) = following.next() else { continue };
        if FLAGS.contains(&word) {
            let Some(next) = following.next() else { continue };
            word = next;
        }
        let word = match word {
            "x" | "X" | "×" => match following.next() {
                Some(next) => format!("x{next}"),
                None => continue,
            },
            _ => word.to_owned(),
        };
        let word = word.trim_end_matches([',', ';', ':']);
        if is_unit(word) {
            shown.push(word.to_owned());
        }
    }
    for word in text.split_whitespace() {
        if let Some(inner) =
            word.strip_prefix('(').and_then(|w| w.trim_end_matches([',', ';']).strip_suffix(')'))
        {
            if is_unit(inner) {
                shown.push(inner.to_owned());
            }
        }
    }
    shown
}

/// The words of a text, stripped of the brackets and punctuation around them.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace().map(|w| w.trim_matches(['(', ')', ',', ';', ':']))
}

/// Whether a word is a unit Vigie can read (`g/L`, `UI/l`, `10^9/L`, `%`, `fL`).
fn is_unit(word: &str) -> bool {
    let spelled = ucum(word);
    spelled == "%" || scale(&spelled).is_some()
}

/// Whether two spellings name the same unit: the same quantity at the same scale, or the
/// same UCUM text.
fn same_unit(a: &str, b: &str) -> bool {
    let (a, b) = (ucum(a), ucum(b));
    if a == b {
        return true;
    }
    match (scale(&a), scale(&b)) {
        (Some(x), Some(y)) => x.base == y.base && same(x.factor, y.factor),
        _ => false,
    }
}

/// `mmol/L` without its annotations (`{ratio}` → ``).
fn without_annotations(unit: &str) -> String {
    let mut out = String::with_capacity(unit.len());
    let mut depth = 0usize;
    for c in unit.trim().chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A unit as people write it, in UCUM where a spelling is common: `µmol/l` → `umol/l`,
/// `UI/l` → `[IU]/l`, `x10⁹/L` → `10^9/L`, `/mm3` → `/uL`, `g/100mL` → `g/dL`; a unit
/// written in capitals (`MMOL/L`) is read in lower case when it cannot be read as written.
fn ucum(word: &str) -> String {
    let as_written = spelled(word);
    if scale(&as_written).is_some() || as_written == "%" {
        return as_written;
    }
    let lower = spelled(&word.to_lowercase());
    if scale(&lower).is_some() {
        lower
    } else {
        as_written
    }
}

fn spelled(word: &str) -> String {
    const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut text = String::with_capacity(word.len());
    let mut raised = false;
    for c in word.trim().chars() {
        match SUPERSCRIPTS.iter().position(|&s| s == c) {
            // `10⁹` → `10^9`, `mm³` → `mm^3`.
            Some(digit) => {
                if !raised {
                    text.push('^');
                }
                raised = true;
                text.push(char::from(b'0' + digit as u8));
            }
            None => {
                raised = false;
                text.push(if matches!(c, 'µ' | 'μ') { 'u' } else { c });
            }
        }
    }
    // `x10^9/L`, `×10*9/L`: the sign of a product before a power of ten.
    if let Some(rest) = text.strip_prefix(['x', 'X', '×']).filter(|rest| rest.starts_with("10")) {
        text = rest.to_owned();
    }
    text.split('/').map(term).collect::<Vec<_>>().join("/")
}

/// One term of a unit in UCUM: `mm3` → `uL`, `100mL` → `dL`, `sec` → `s`, `mUI` → `m[IU]`.
fn term(term: &str) -> String {
    match term {
        "mm3" | "mm^3" => return "uL".to_owned(),
        "100mL" | "100ml" => return "dL".to_owned(),
        "sec" => return "s".to_owned(),
        _ => {}
    }
    // International units, and enzyme units that French reports write UI: one unit here.
    for unit in ["[IU]", "[iU]", "[iu]", "UI", "IU", "ui", "iu", "U"] {
        if let Some(prefix) = term.strip_suffix(unit) {
            if matches!(prefix, "" | "m" | "u" | "k" | "n" | "p") {
                return format!("{prefix}[IU]");
            }
        }
    }
    term.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_unit_are_the_same_unit() {
        for (a, b) in [
            ("mmol/l", "mmol/L"),
            ("µmol/L", "umol/L"),
            ("UI/l", "[IU]/L"),
            ("U/L", "[IU]/L"),
            ("mUI/L", "m[IU]/L"),
            ("G/L", "10*9/L"),
            ("x10^9/L", "10*9/L"),
            ("10⁹/L", "10*9/L"),
            ("T/L", "10*12/L"),
            ("/mm3", "/uL"),
            ("g/100mL", "g/dL"),
            ("ug/mL", "mg/L"),
            ("MMOL/L", "mmol/L"),
            ("fL", "fL"),
            ("%", "%"),
        ] {
            assert!(same_unit(a, b), "{a} = {b}");
        }
        for (a, b) in [("g/L", "mmol/L"), ("mg/dL", "g/L"), ("G/L", "g/L"), ("%", "g/L"), ("pg", "pg/mL")] {
            assert!(!same_unit(a, b), "{a} ≠ {b}");
        }
    }

    #[test]
    fn the_unit_shown_is_the_word_after_the_value() {
        assert_eq!(units_shown("Transaminases GOT (ASAT) 45 UI/l (10 - 50)", 45.0), ["UI/l"]);
        assert_eq!(units_shown("Thyroxine libre 7,67 L pg/mL", 7.67), ["pg/mL"]);
        assert_eq!(units_shown("Leucocytes 8,2 x 10^9/L", 8.2), ["x10^9/L"]);
        assert_eq!(units_shown("Leucocytes (10*9/L) 8.2 5 à 10", 8.2), ["10*9/L"]);
        // Not a unit: a range, a comment; not the value: the 9 of 10*9.
        assert!(units_shown("Glucose 5,50 (3,90 - 6,10)", 5.5).is_empty());
        assert!(units_shown("Leucocytes 10*9/L", 9.0).is_empty());
        assert!(units_shown("Résultat 12 N/A", 12.0).is_empty());
    }
}
