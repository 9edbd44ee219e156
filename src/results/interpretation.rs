//! Interpretation codes (`interpretationCode`, HL7 ObservationInterpretation as profiled by
//! the CI-SIS): what each means, in words and in kind.
//!
//! The French words come from the CI-SIS value set (`assets/terminology/interpretations.tsv`,
//! through [`crate::terminology`]); the English words are HL7's print names, listed here with
//! the kind of each code. A code outside HL7's system keeps its document label and reads as
//! [`Meaning::Unknown`].

use crate::model::Code;
use crate::terminology::{self, ValueSet};
use crate::xml::Span;

use super::types::{Interpretation, Meaning};

/// HL7 ObservationInterpretation.
pub const INTERPRETATION_SYSTEM: &str = "2.16.840.1.113883.5.83";

/// Every code of the CI-SIS value set: the HL7 English print name and the kind.
const CODES: &[(&str, &str, Meaning)] = &[
    ("<", "Off scale low", Meaning::OffScaleLow),
    (">", "Off scale high", Meaning::OffScaleHigh),
    ("A", "Abnormal", Meaning::Abnormal),
    ("AA", "Critical abnormal", Meaning::Critical),
    ("B", "Better", Meaning::Change),
    ("CAR", "Carrier", Meaning::Abnormal),
    ("D", "Significant change down", Meaning::Change),
    ("DET", "Detected", Meaning::Abnormal),
    ("E", "Equivocal", Meaning::Uncertain),
    ("EX", "Outside threshold", Meaning::Abnormal),
    ("EXP", "Expected", Meaning::Normal),
    ("H", "High", Meaning::High),
    ("HH", "Critical high", Meaning::CriticalHigh),
    ("HU", "Significantly high", Meaning::High),
    ("HX", "Above high threshold", Meaning::High),
    ("I", "Intermediate", Meaning::Susceptibility),
    ("IE", "Insufficient evidence", Meaning::Uncertain),
    ("IND", "Indeterminate", Meaning::Uncertain),
    ("L", "Low", Meaning::Low),
    ("LL", "Critical low", Meaning::CriticalLow),
    ("LU", "Significantly low", Meaning::Low),
    ("LX", "Below low threshold", Meaning::Low),
    ("N", "Normal", Meaning::Normal),
    ("NCL", "No CLSI defined breakpoint", Meaning::Uncertain),
    ("ND", "Not detected", Meaning::Normal),
    ("NEG", "Negative", Meaning::Normal),
    ("NR", "Non-reactive", Meaning::Normal),
    ("NS", "Non-susceptible", Meaning::Susceptibility),
    ("POS", "Positive", Meaning::Abnormal),
    ("R", "Resistant", Meaning::Susceptibility),
    ("RR", "Reactive", Meaning::Abnormal),
    ("S", "Susceptible", Meaning::Susceptibility),
    ("SDD", "Susceptible-dose dependent", Meaning::Susceptibility),
    ("SYN-R", "Synergy - resistant", Meaning::Susceptibility),
    ("SYN-S", "Synergy - susceptible", Meaning::Susceptibility),
    ("U", "Significant change up", Meaning::Change),
    ("UNE", "Unexpected", Meaning::Abnormal),
    ("W", "Worse", Meaning::Change),
    ("WR", "Weakly reactive", Meaning::Abnormal),
];

/// An `interpretationCode` with its words and meaning.
pub(crate) fn interpretation(code: &Code) -> Interpretation {
    let known = known(code);
    let french = code.code.as_deref().and_then(|c| match code.code_system.as_deref() {
        Some(system) if system != INTERPRETATION_SYSTEM => terminology::label(system, c),
        _ => terminology::value_set_label(ValueSet::Interpretation, c),
    });
    Interpretation {
        code: code.code.as_deref().map(String::from),
        system: code.code_system.as_deref().map(String::from),
        display_name: code.display_name.as_deref().map(String::from),
        french,
        english: known.map(|(_, english, _)| *english),
        meaning: known.map_or(Meaning::Unknown, |(_, _, meaning)| *meaning),
        span: code.span,
    }
}

/// The HL7 entry for a code, when it is in HL7's system (or written without a system).
fn known(code: &Code) -> Option<&'static (&'static str, &'static str, Meaning)> {
    if code.code_system.as_deref().is_some_and(|s| s != INTERPRETATION_SYSTEM) {
        return None;
    }
    let value = code.code.as_deref()?.trim();
    CODES.iter().find(|(c, _, _)| *c == value)
}

/// An interpretation made from a bare code, for tests and presenters.
pub fn from_code(code: &str) -> Interpretation {
    interpretation(&Code {
        code: Some(code.into()),
        code_system: Some(INTERPRETATION_SYSTEM.into()),
        span: Span::at(0),
        ..Code::default()
    })
}

impl Interpretation {
    /// The code and its words in one language, e.g. `H Anormalement haut`: what a grid
    /// shows (never a colour alone).
    pub fn words(&self, french: bool) -> String {
        let words = if french { self.french.or(self.english) } else { self.english.or(self.french) };
        let words = words.map(str::to_string).or_else(|| self.display_name.clone());
        match (self.code.as_deref(), words) {
            (Some(code), Some(words)) => format!("{code} {words}"),
            (Some(code), None) => code.to_string(),
            (None, Some(words)) => words,
            (None, None) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_of_the_value_set_has_french_and_english_words() {
        for (code, english, _) in CODES {
            let i = from_code(code);
            assert!(i.french.is_some(), "no French label for {code}");
            assert_eq!(i.english, Some(*english));
        }
    }

    #[test]
    fn flags_read_in_words() {
        assert_eq!(from_code("H").words(true), "H Anormalement haut");
        assert_eq!(from_code("H").words(false), "H High");
        assert_eq!(from_code("R").words(true), "R Résistant");
        assert!(from_code("LL").meaning.is_abnormal());
        assert!(!from_code("NEG").meaning.is_abnormal());
        assert!(!from_code("S").meaning.is_abnormal());
        assert_eq!(from_code("XYZ").meaning, Meaning::Unknown);
    }

    #[test]
    fn a_code_of_another_system_is_not_read_as_hl7() {
        let other = Code {
            code: Some("H".into()),
            code_system: Some("1.2.3".into()),
            display_name: Some("Haut".into()),
            ..Code::default()
        };
        let i = interpretation(&other);
        assert_eq!(i.meaning, Meaning::Unknown);
        assert_eq!(i.words(true), "H Haut");
    }
}
