//! Author specialties: a JDV_J01 code such as `G15_10/SM26` packs a profession (TRE_G15 `10`,
//! Médecin) and a specialty (TRE_R38 `SM26`, Qualifié en Médecine générale) into one code of
//! TRE_A02. Splitting it lets a viewer show "Médecin — Qualifié en Médecine générale (SM)"
//! and filter documents by profession or by specialty.
//!
//! Forms met in real documents: `G15_10/SM26` (profession and specialty), `G15_10`
//! (profession alone), `G15_21/A` (pharmacist section), `G15_10/C25`, `G15_10/DSM205`
//! (qualifications and diplomas other than TRE_R38), `G16_10` (in training), `G15_10-SM19`
//! (a `-` typed for the `/`), and non-PS producers (`DISPOSITIF`, `ALIM_AM`) or non-PS
//! professions (`72`, Psychothérapeute, also in J48).

use serde::Serialize;

use super::{profession, specialite_ordinale, value_set_label, ValueSet};

/// An author specialty code from J01 split into profession and specialty, e.g. "G15_10/SM26".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SpecialtyParts {
    /// The TRE_G15 code (`10`) when the code starts with `G15_`; otherwise the profession part
    /// as written (`G16_10`, `DISPOSITIF`, `72`).
    pub profession_code: Option<String>,
    /// The profession's label: TRE_G15 for `G15_` codes ("Médecin"), else the J01 or J48
    /// label ("Médecin en formation", "Dispositif médical").
    pub profession_label: Option<&'static str>,
    /// What follows the profession (`SM26`, `C25`, `A`); a code that cannot be placed at all
    /// (an old TRE_A02 code, a typo) is kept here whole, with no label, so it is still shown.
    pub specialty_code: Option<String>,
    /// The specialty's label: TRE_R38 when it is an ordinal specialty ("Qualifié en Médecine
    /// générale (SM)"), else the J01 label of the whole code without its "<profession> - "
    /// prefix ("Gynécologie médicale (C)", "Pharmacien titulaire d'officine").
    pub specialty_label: Option<&'static str>,
}

/// Splits an author specialty code (`assignedAuthor/code/@code`) into its profession and its
/// specialty, each with its French label when the tables know it. Never fails: an empty code
/// gives empty parts, an unknown one comes back as the specialty code.
pub fn split_specialty(code: &str) -> SpecialtyParts {
    let code = code.trim();
    if code.is_empty() {
        return SpecialtyParts::default();
    }
    if let Some(parts) = split_profession_code(code) {
        return parts.resolve();
    }
    if let Some(label) = specialite_ordinale(code) {
        return SpecialtyParts {
            specialty_code: Some(code.to_string()),
            specialty_label: Some(label),
            ..SpecialtyParts::default()
        };
    }
    let profession_label = profession(code)
        .or_else(|| value_set_label(ValueSet::AuthorSpecialty, code))
        .or_else(|| value_set_label(ValueSet::ProfessionNonPs, code));
    match profession_label {
        Some(label) => SpecialtyParts {
            profession_code: Some(code.to_string()),
            profession_label: Some(label),
            ..SpecialtyParts::default()
        },
        None => SpecialtyParts { specialty_code: Some(code.to_string()), ..SpecialtyParts::default() },
    }
}

/// A `G15_<profession>[/<specialty>]` or `G16_…` code taken apart, before any lookup.
struct ProfessionCode<'a> {
    /// `G15_10`: the profession as a J01 code of its own.
    segment: &'a str,
    /// `G15` or `G16`.
    scheme: &'a str,
    /// `10`.
    number: &'a str,
    /// `SM26`, if any.
    specialty: Option<&'a str>,
}

fn split_profession_code(code: &str) -> Option<ProfessionCode<'_>> {
    let (scheme, rest) = code.split_once('_')?;
    if !matches!(scheme, "G15" | "G16") {
        return None;
    }
    let (number, specialty) = match rest.split_once('/').or_else(|| rest.split_once('-')) {
        Some((number, specialty)) => (number, Some(specialty).filter(|s| !s.is_empty())),
        None => (rest, None),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let segment = &code[..scheme.len() + 1 + number.len()];
    Some(ProfessionCode { segment, scheme, number, specialty })
}

impl ProfessionCode<'_> {
    fn resolve(&self) -> SpecialtyParts {
        let j01 = |code: &str| value_set_label(ValueSet::AuthorSpecialty, code);
        let segment_label = j01(self.segment);
        let (profession_code, profession_label) = if self.scheme == "G15" {
            (self.number, profession(self.number).or(segment_label))
        } else {
            (self.segment, segment_label)
        };
        let specialty_label = self.specialty.and_then(|specialty| {
            specialite_ordinale(specialty).or_else(|| {
                let whole = j01(&format!("{}/{specialty}", self.segment))?;
                let prefix = segment_label.map(|label| format!("{label} - "));
                Some(prefix.and_then(|p| whole.strip_prefix(p.as_str())).unwrap_or(whole))
            })
        });
        SpecialtyParts {
            profession_code: Some(profession_code.to_string()),
            profession_label,
            specialty_code: self.specialty.map(str::to_string),
            specialty_label,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(
        profession: (Option<&str>, Option<&'static str>),
        specialty: (Option<&str>, Option<&'static str>),
    ) -> SpecialtyParts {
        SpecialtyParts {
            profession_code: profession.0.map(str::to_string),
            profession_label: profession.1,
            specialty_code: specialty.0.map(str::to_string),
            specialty_label: specialty.1,
        }
    }

    #[test]
    fn a_general_practitioner_splits_into_medecin_and_sm26() {
        assert_eq!(
            split_specialty("G15_10/SM26"),
            parts((Some("10"), Some("Médecin")), (Some("SM26"), Some("Qualifié en Médecine générale (SM)")))
        );
    }

    #[test]
    fn a_profession_without_specialty_has_no_specialty() {
        assert_eq!(split_specialty("G15_60"), parts((Some("60"), Some("Infirmier")), (None, None)));
        assert_eq!(split_specialty("G15_10/"), parts((Some("10"), Some("Médecin")), (None, None)));
    }

    #[test]
    fn a_pharmacist_section_takes_its_j01_label() {
        assert_eq!(
            split_specialty("G15_21/A"),
            parts((Some("21"), Some("Pharmacien")), (Some("A"), Some("Pharmacien titulaire d'officine")))
        );
    }

    #[test]
    fn specialties_outside_tre_r38_take_the_j01_label_without_the_profession() {
        let split = split_specialty("G15_10/C25");
        assert_eq!(split.specialty_label, Some("Gynécologie médicale (C)"));
        let split = split_specialty("G15_10/DSM205");
        assert_eq!(split.specialty_label, Some("Biologie moléculaire (DNQ)"));
        let split = split_specialty("G15_10/SM73");
        assert_eq!(split.specialty_label, Some("Médecine cardiovasculaire (SM)"), "not in R38 2022");
    }

    #[test]
    fn a_dash_typed_for_the_slash_still_splits() {
        let split = split_specialty("G15_10-SM19");
        assert_eq!(split.profession_label, Some("Médecin"));
        assert_eq!(split.specialty_label, Some("Gynécologie médicale (SM)"));
    }

    #[test]
    fn a_bare_ordinal_specialty_has_no_profession() {
        assert_eq!(
            split_specialty("SM26"),
            parts((None, None), (Some("SM26"), Some("Qualifié en Médecine générale (SM)")))
        );
    }

    #[test]
    fn in_training_and_non_ps_producers_are_professions() {
        assert_eq!(
            split_specialty("G16_10"),
            parts((Some("G16_10"), Some("Médecin en formation")), (None, None))
        );
        assert_eq!(
            split_specialty("DISPOSITIF"),
            parts((Some("DISPOSITIF"), Some("Dispositif médical")), (None, None))
        );
        assert_eq!(split_specialty("72"), parts((Some("72"), Some("Psychothérapeute")), (None, None)));
    }

    #[test]
    fn unknown_codes_are_kept_whole_without_labels() {
        assert_eq!(split_specialty("M01"), parts((None, None), (Some("M01"), None)));
        let split = split_specialty("G15_10/SCH10");
        assert_eq!(split.profession_label, Some("Médecin"));
        assert_eq!(split.specialty_code.as_deref(), Some("SCH10"));
        assert_eq!(split.specialty_label, None, "SCH10 is in no embedded table");
        assert_eq!(split_specialty("  "), SpecialtyParts::default());
    }
}
