//! `narrative.lab-interpretation`: a lab result's interpretation code agrees with its value
//! and reference range, and with the flag its narrative row writes. Receiving software
//! colours a result by its `interpretationCode`; a `45 UI/L` within `10–50` flagged `H`, or
//! an INR of `1.5` under a `2.5 - 3.5` target flagged `N`, shows a result wrong.
//!
//! Against the range: the value's place in the entry's normal range as
//! [`crate::results::extract`] computes it (same unit, bounds inclusive unless said), or in a
//! range written only as text (`observationRange/text` `2.5 - 3.5`, one range and nothing
//! else); N outside it, H or HH at or below its top, L or LL at or above its bottom, A or AA
//! within it contradict it. When the narrative row writes another range than the entry
//! (`narrative.lab-range` reports that), the range is not trusted and not used here.
//!
//! Against the narrative: a cell of the result's table row that holds only a flag (`H`,
//! `L`, `N`, `A`, `↑`, `Normal`, `Élevé`, `Bas`, `Anormal`...). A normal flag on one side and
//! an abnormal one on the other, or high against low, disagree; `H` against `HH` does not.

use super::super::{claims_nothing, guillemets, Context, Rule};
use super::lab_range::{disagreement, ranges};
use super::written::{narrative_text, test_name, written, Written};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::library::search::fold;
use crate::results::{normal_range, Interpretation, LabResult, Meaning, RangePosition, ValueKind};
use crate::xml::Ns;

pub static RULE: Rule = Rule {
    id: "narrative.lab-interpretation",
    severity: Severity::Warning,
    summary: [
        "L'interprétation d'un résultat de biologie s'accorde avec sa valeur, son intervalle de \
         référence et son texte narratif",
        "A lab result's interpretation agrees with its value, its reference range and its \
         narrative text",
    ],
    hint: [
        "calculez interpretationCode à partir de la valeur et de l'intervalle de référence \
         transmis (N dedans, H au-dessus, L en dessous), et écrivez le même indicateur dans le \
         narratif ; si l'interprétation est juste, c'est l'intervalle qui est faux",
        "compute interpretationCode from the value and the reference range sent (N within, H \
         above, L below), and write the same flag in the narrative; when the interpretation is \
         right, the range is wrong",
    ],
    claims: claims_nothing,
    check,
};

/// What a flag says of a result, in kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Normal,
    High,
    Low,
    /// Abnormal without saying which way (A, AA, `Anormal`).
    Abnormal,
}

impl Direction {
    fn of(meaning: Meaning) -> Option<Self> {
        match meaning {
            Meaning::Normal => Some(Self::Normal),
            Meaning::High | Meaning::CriticalHigh => Some(Self::High),
            Meaning::Low | Meaning::CriticalLow => Some(Self::Low),
            Meaning::Abnormal | Meaning::Critical => Some(Self::Abnormal),
            _ => None,
        }
    }

    /// Whether a flag of this kind contradicts a value at this place of its range.
    fn contradicts(self, position: RangePosition) -> bool {
        use RangePosition::*;
        matches!(
            (self, position),
            (Self::Normal, Below | Above)
                | (Self::High, Within | Below)
                | (Self::Low, Within | Above)
                | (Self::Abnormal, Within)
        )
    }

    /// Whether two flags disagree: normal against abnormal, high against low.
    fn disagrees(self, other: Self) -> bool {
        use Direction::*;
        matches!(
            (self, other),
            (Normal, High | Low | Abnormal) | (High | Low | Abnormal, Normal) | (High, Low) | (Low, High)
        )
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let report = cx.lab_report();
    for entry in report.rows() {
        let result = entry.result;
        let Some((flag, direction)) =
            result.interpretations.iter().find_map(|i| Some((i, Direction::of(i.meaning)?)))
        else {
            continue;
        };
        let narrative = written(cx, result);
        let test = test_name(result);
        let attach = |issue: Issue| match &narrative {
            Some(narrative) => narrative.attach(cx, issue),
            None => issue,
        };
        if let Some((position, range)) = place(cx, result) {
            if direction.contradicts(position) {
                let value = result.value.as_ref().map_or("", |v| v.display.as_str());
                let (fr_place, en_place) = match position {
                    RangePosition::Below => ("en dessous de", "below"),
                    RangePosition::Within => ("dans", "within"),
                    RangePosition::Above => ("au-dessus de", "above"),
                };
                let message = Message::new(
                    format!(
                        "{test} : l'entrée interprète la valeur {} comme {}, alors qu'elle est {fr_place} \
                         l'intervalle de référence {}",
                        guillemets(value),
                        flag_words(flag, true),
                        guillemets(&range)
                    ),
                    format!(
                        "{test}: the entry flags the value \"{value}\" {} while it lies {en_place} the \
                         reference range \"{range}\"",
                        flag_words(flag, false)
                    ),
                );
                out.push(attach(RULE.issue(message).at(flag.span)));
                continue;
            }
        }
        let Some((shown, written_flag)) = narrative.as_ref().and_then(|n| narrative_flag(cx, n, result))
        else {
            continue;
        };
        if direction.disagrees(shown) {
            let message = Message::new(
                format!(
                    "{test} : l'entrée interprète le résultat comme {}, le texte narratif l'indique {}",
                    flag_words(flag, true),
                    guillemets(&written_flag)
                ),
                format!(
                    "{test}: the entry flags the result {}, the narrative shows \"{written_flag}\"",
                    flag_words(flag, false)
                ),
            );
            out.push(attach(RULE.issue(message).at(flag.span)));
        }
    }
}

/// `« H » (Anormalement haut)`, `"H" (High)`.
fn flag_words(flag: &Interpretation, french: bool) -> String {
    let code = flag.code.as_deref().unwrap_or("?");
    let words = if french { flag.french.or(flag.english) } else { flag.english.or(flag.french) };
    let words = words.map(str::to_owned).or_else(|| flag.display_name.clone());
    let code = if french { guillemets(code) } else { format!("\"{code}\"") };
    match words {
        Some(words) => format!("{code} ({words})"),
        None => code,
    }
}

/// Where the value lies against its normal range, and that range as written; `None` when
/// that cannot be said for certain, or the narrative contradicts the entry's range.
fn place(cx: &Context<'_>, result: &LabResult) -> Option<(RangePosition, String)> {
    if let Some(position) = result.range_position {
        if disagreement(cx, result).is_some() {
            return None;
        }
        let range = normal_range(&result.reference_ranges)?.value.as_ref()?.display.clone();
        return Some((position, range));
    }
    // A range written only as text: `2.5 - 3.5`, and nothing else but the value's unit.
    let value = result.value.as_ref()?;
    let (ValueKind::Quantity, Some(n), None) = (value.kind, value.number, value.comparator) else {
        return None;
    };
    let mut texts = result.reference_ranges.iter().filter(|r| {
        r.interpretation.as_ref().is_none_or(|i| i.meaning == Meaning::Normal)
            && r.value.as_ref().is_none_or(|v| v.low.is_none() && v.high.is_none())
    });
    let text = texts.next()?.text.as_deref()?.trim();
    if texts.next().is_some() {
        return None;
    }
    let [(low, high, written)] = ranges(text)[..] else { return None };
    let rest = text.replacen(written, "", 1);
    let rest = rest.trim_matches(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']'));
    if !(rest.is_empty() || value.unit.as_deref().is_some_and(|u| u == rest)) {
        return None;
    }
    let position = if n < low {
        RangePosition::Below
    } else if n > high {
        RangePosition::Above
    } else {
        RangePosition::Within
    };
    Some((position, text.to_owned()))
}

/// The flag a result's table row writes in a cell of its own, with the cell's text.
fn narrative_flag(
    cx: &Context<'_>,
    narrative: &Written<'_>,
    result: &LabResult,
) -> Option<(Direction, String)> {
    let t = cx.tree;
    if !t.is(narrative.row, Ns::HL7, "tr") {
        return None;
    }
    // A cell `L` is a litre when the value is in litres.
    let litres =
        result.value.as_ref().and_then(|v| v.unit.as_deref()).is_some_and(|u| u.eq_ignore_ascii_case("l"));
    let mut found: Option<(Direction, String)> = None;
    for cell in t.elements(narrative.row).filter(|&c| t.is(c, Ns::HL7, "td")) {
        let text = narrative_text(cx, cell);
        let Some(direction) = flag_of(&text) else { continue };
        if litres && text.trim().eq_ignore_ascii_case("l") {
            continue;
        }
        match &found {
            Some((other, _)) if *other != direction => return None,
            Some(_) => {}
            None => found = Some((direction, text)),
        }
    }
    found
}

/// What a cell's whole text says as a flag, if it is one.
fn flag_of(text: &str) -> Option<Direction> {
    let text = text.trim();
    match text {
        "H" | "HH" | "↑" | "↑↑" => return Some(Direction::High),
        "L" | "LL" | "↓" | "↓↓" => return Some(Direction::Low),
        "N" => return Some(Direction::Normal),
        "A" | "AA" => return Some(Direction::Abnormal),
        _ => {}
    }
    match fold(text).trim() {
        "normal" | "normale" | "dans les normes" => Some(Direction::Normal),
        "haut" | "eleve" | "elevee" | "augmente" | "augmentee" | "high" | "anormalement haut" => {
            Some(Direction::High)
        }
        "bas" | "basse" | "abaisse" | "abaissee" | "diminue" | "diminuee" | "low" | "anormalement bas" => {
            Some(Direction::Low)
        }
        "anormal" | "anormale" | "abnormal" => Some(Direction::Abnormal),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_contradicts_the_place_of_its_value() {
        assert!(Direction::Normal.contradicts(RangePosition::Below));
        assert!(Direction::High.contradicts(RangePosition::Within));
        assert!(Direction::Low.contradicts(RangePosition::Above));
        assert!(Direction::Abnormal.contradicts(RangePosition::Within));
        assert!(!Direction::High.contradicts(RangePosition::Above));
        assert!(!Direction::Abnormal.contradicts(RangePosition::Below));
    }

    #[test]
    fn cells_holding_only_a_flag_are_read_as_flags() {
        assert_eq!(flag_of(" H "), Some(Direction::High));
        assert_eq!(flag_of("Élevé"), Some(Direction::High));
        assert_eq!(flag_of("Normal"), Some(Direction::Normal));
        assert_eq!(flag_of("↓"), Some(Direction::Low));
        assert_eq!(flag_of("7,67 L"), None);
        assert_eq!(flag_of("Hématies"), None);
        assert!(!Direction::High.disagrees(Direction::Abnormal));
        assert!(Direction::High.disagrees(Direction::Low));
        assert!(Direction::Normal.disagrees(Direction::Abnormal));
    }
}
