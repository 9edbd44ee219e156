//! `narrative.coded-value`: a coded result (a CD value: a rapid test's `positif`, a virus
//! `détecté`, cells `absence`) says what the narrative cell it references says. A TROD whose
//! entry codes *positive* while its signed narrative reads *négatif* sends two opposite
//! results for one test.
//!
//! The value's cell is the element its `originalText/reference` names. What is compared is
//! the polarity both sides express — positive (`positif`, `détecté`, `présence`, `réactif`)
//! or negative (`négatif`, `non détecté`, `absence`, `indétectable`): for the entry, its
//! SNOMED CT code when Vigie knows it, else its `displayName`; for the narrative, the cell's
//! text. Other coded values (a germ, a colour) are not judged: their wording varies too much
//! to tell a different result from a different phrasing.

use super::super::{claims_nothing, guillemets, Context, Rule};
use super::written::{narrative_text, referenced, test_name};
use crate::check::{Issue, Message};
use crate::diag::Severity;
use crate::library::search::fold;
use crate::results::{Coded, LabelSource, ValueKind};

pub static RULE: Rule = Rule {
    id: "narrative.coded-value",
    severity: Severity::Warning,
    summary: [
        "Un résultat codé (positif, négatif, détecté...) dit ce que dit la cellule du texte \
         narratif qu'il référence",
        "A coded result (positive, negative, detected...) says what the narrative cell it \
         references says",
    ],
    hint: [
        "générez la valeur codée de l'entrée (value/@code et @displayName) et le texte de la \
         cellule que désigne value/originalText/reference à partir du même résultat",
        "generate the entry's coded value (value/@code and @displayName) and the text of the \
         cell value/originalText/reference names from the same result",
    ],
    claims: claims_nothing,
    check,
};

/// SNOMED CT.
const SNOMED: &str = "2.16.840.1.113883.6.96";

/// SNOMED CT qualifiers of presence, with their polarity.
const CODES: [(&str, Polarity); 8] = [
    ("10828004", Polarity::Positive),  // Positive
    ("260385009", Polarity::Negative), // Negative
    ("260373001", Polarity::Positive), // Detected
    ("260415000", Polarity::Negative), // Not detected
    ("52101004", Polarity::Positive),  // Present
    ("2667000", Polarity::Negative),   // Absent
    ("11214006", Polarity::Positive),  // Reactive
    ("131194007", Polarity::Negative), // Non-reactive
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Polarity {
    Positive,
    Negative,
}

fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let report = cx.lab_report();
    for entry in report.rows() {
        let result = entry.result;
        let Some(value) = result.value.as_ref().filter(|v| v.kind == ValueKind::Coded) else { continue };
        let Some(code) = &value.code else { continue };
        let Some((reference, cell)) = referenced(cx, code.reference.as_deref()) else { continue };
        let text = narrative_text(cx, cell);
        let (Some((coded, said)), Some(shown)) = (entry_polarity(code), polarity(&text)) else { continue };
        if coded == shown {
            continue;
        }
        let test = test_name(result);
        let code_text = code.code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
        let message = Message::new(
            format!(
                "{test} : la valeur codée de l'entrée est {}{code_text}, la cellule du texte narratif dit {}",
                guillemets(&said),
                guillemets(&text)
            ),
            format!("{test}: the entry's coded value is \"{said}\"{code_text}, the narrative cell says \"{text}\""),
        );
        let issue = RULE.issue(message).at(value.span).with_related(
            cx.tree.span(cell),
            Message::new(
                format!("la cellule du texte narratif que référence la valeur ({})", reference.trim()),
                format!("the narrative cell the value references ({})", reference.trim()),
            ),
        );
        out.push(issue);
    }
}

/// What the entry's code says, and the words to quote for it: its SNOMED CT code when
/// known, else its label (never a label read from the narrative itself).
fn entry_polarity(code: &Coded) -> Option<(Polarity, String)> {
    let label = code
        .label
        .as_deref()
        .filter(|_| !matches!(code.label_source, Some(LabelSource::Narrative | LabelSource::OriginalText)));
    let known = (code.system.as_deref() == Some(SNOMED))
        .then(|| CODES.iter().find(|(c, _)| Some(*c) == code.code.as_deref().map(str::trim)))
        .flatten();
    let said = || label.or(code.code.as_deref()).unwrap_or("?").to_owned();
    match known {
        Some((_, polarity)) => Some((*polarity, said())),
        None => Some((polarity(label?)?, said())),
    }
}

/// The polarity a text expresses, when it expresses one and only one.
fn polarity(text: &str) -> Option<Polarity> {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let (mut positive, mut negative) = (false, false);
    for (i, word) in words.iter().enumerate() {
        let negated = i > 0 && matches!(words[i - 1], "non" | "not" | "pas" | "no");
        match *word {
            "negatif" | "negative" | "negatifs" | "negatives" | "absence" | "absent" | "absente"
            | "absents" | "absentes" | "indetectable" | "undetectable" | "nonreactive" => negative = true,
            "positif" | "positive" | "positifs" | "positives" | "presence" | "present" | "presente"
            | "presents" | "presentes" | "detecte" | "detectee" | "detectes" | "detectees" | "detected"
            | "reactif" | "reactive" => {
                if negated {
                    negative = true;
                } else {
                    positive = true;
                }
            }
            _ => {}
        }
    }
    match (positive, negative) {
        (true, false) => Some(Polarity::Positive),
        (false, true) => Some(Polarity::Negative),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_says_positive_or_negative_or_nothing() {
        assert_eq!(polarity("positif"), Some(Polarity::Positive));
        assert_eq!(polarity("Négatif"), Some(Polarity::Negative));
        assert_eq!(polarity("ADN d'HPV-HR détecté"), Some(Polarity::Positive));
        assert_eq!(polarity("ARN non détecté"), Some(Polarity::Negative));
        assert_eq!(polarity("non-détecté"), Some(Polarity::Negative));
        assert_eq!(polarity("absence"), Some(Polarity::Negative));
        assert_eq!(polarity("Pas d'embolie pulmonaire proximale"), None);
        assert_eq!(polarity("nombreux Gram - ; quelques Gram +"), None);
        assert_eq!(polarity("positif puis négatif"), None);
    }
}
