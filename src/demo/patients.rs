//! Who appears in the demo documents: patients with the identity traits of the INS,
//! health professionals with RPPS numbers, organizations with FINESS numbers, and the
//! identifier arithmetic (NIR key, Luhn key) that makes those numbers well-formed.
//!
//! Identifiers are well-formed (NIR keys, Luhn keys of RPPS and FINESS are computed) but every
//! patient carries the **INS-NIR de démonstration** OID, so no document can be mistaken for a
//! real one; telephone numbers are taken from the ranges ARCEP reserves for fiction.

use chrono::{Datelike, NaiveDate};

/// OID of the INS-NIR *de démonstration* (`1.2.250.1.213.1.4.11`).
pub(crate) const INS_DEMO_OID: &str = "1.2.250.1.213.1.4.11";
/// OID of health professional identifiers (RPPS, prefixed with `8`).
pub(crate) const RPPS_OID: &str = "1.2.250.1.71.4.2.1";
/// OID of organization identifiers (FINESS, prefixed with `1`).
pub(crate) const FINESS_OID: &str = "1.2.250.1.71.4.2.2";
/// Example arc (ITU-T X.660 `2.999`) under which the demo allocates its own identifiers:
/// document ids, set ids, patient IPPs. Nothing real lives there.
pub(crate) const DEMO_OID: &str = "2.999.1.33";

/// Administrative sex, as `administrativeGenderCode` and the NIR's first digit encode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sex {
    Female,
    Male,
}

impl Sex {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
        }
    }

    pub(crate) fn display(self) -> &'static str {
        match self {
            Sex::Female => "Féminin",
            Sex::Male => "Masculin",
        }
    }

    /// `MME` or `M`, the civility of TRE_R81 used in `name/prefix`.
    pub(crate) fn civility(self) -> &'static str {
        match self {
            Sex::Female => "MME",
            Sex::Male => "M",
        }
    }
}

/// A postal address in the CI-SIS structured form.
#[derive(Debug, Clone)]
pub(crate) struct Address {
    pub house_number: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
}

impl Address {
    pub(crate) fn new(house_number: &str, street: &str, postal_code: &str, city: &str) -> Self {
        Self {
            house_number: house_number.into(),
            street: street.into(),
            postal_code: postal_code.into(),
            city: city.into(),
        }
    }

    /// One line, for narrative text and PDF letters.
    pub(crate) fn one_line(&self) -> String {
        format!("{} {}, {} {}", self.house_number, self.street, self.postal_code, self.city)
    }
}

/// A patient with the identity traits the INS requires: birth name and first names, sex,
/// birth date and the COG code of the birthplace.
#[derive(Debug, Clone)]
pub(crate) struct Patient {
    /// Short lower-case name used in file names (`dupont`).
    pub slug: String,
    pub sex: Sex,
    /// Birth name (`family qualifier="BR"`), upper case as the INS returns it.
    pub birth_family: String,
    /// Used name when it differs, e.g. a married name (`family qualifier="SP"`).
    pub used_family: Option<String>,
    /// All birth first names, space separated (`given` without qualifier).
    pub given_names: String,
    /// The usual first name, in ordinary case, for letters and narrative.
    pub usual_given: String,
    pub birth_date: NaiveDate,
    /// COG code of the birth commune (`69383`, `2A004`); a foreign birth would be `99xxx`.
    pub birth_cog: String,
    pub birth_city: String,
    /// Order number of the birth in the commune's register that month (NIR digits 11–13).
    pub birth_order: u16,
    /// Identifier in the health facilities' shared patient index (IPP).
    pub ipp: String,
    pub address: Address,
    pub phone_home: String,
    pub phone_mobile: String,
}

impl Patient {
    /// First birth first name (`given qualifier="BR"`).
    pub(crate) fn first_given(&self) -> &str {
        self.given_names.split(' ').next().unwrap_or(&self.given_names)
    }

    /// "Hélène DUPONT (née MARTEAU)" for narrative and letters.
    pub(crate) fn display_name(&self) -> String {
        match &self.used_family {
            Some(used) => {
                let born = if self.sex == Sex::Female { "née" } else { "né" };
                format!("{} {} ({born} {})", self.usual_given, used, self.birth_family)
            }
            None => format!("{} {}", self.usual_given, self.birth_family),
        }
    }

    /// The 13 digits of the NIR before its key, as written (Corsica keeps `2A`/`2B`).
    pub(crate) fn nir_body(&self) -> String {
        let sex = match self.sex {
            Sex::Male => '1',
            Sex::Female => '2',
        };
        format!(
            "{sex}{:02}{:02}{}{:03}",
            self.birth_date.year() % 100,
            self.birth_date.month(),
            self.birth_cog,
            self.birth_order
        )
    }

    /// The full 15-character NIR (body and key), used as INS.
    pub(crate) fn nir(&self) -> String {
        let body = self.nir_body();
        match nir_key(&body) {
            Some(key) => format!("{body}{key:02}"),
            None => body,
        }
    }

    /// Age in whole years on `date`.
    pub(crate) fn age_on(&self, date: NaiveDate) -> u32 {
        date.years_since(self.birth_date).unwrap_or(0)
    }
}

/// The key of a 13-character NIR body: 97 − (body mod 97), where Corsica's `2A` and `2B`
/// count as 19 and 18. `None` if the body is not 13 digits (after that substitution).
pub(crate) fn nir_key(body: &str) -> Option<u8> {
    let digits = if body.len() == 13 && body.is_char_boundary(5) && body.is_char_boundary(7) {
        match &body[5..7] {
            "2A" | "2a" => format!("{}19{}", &body[..5], &body[7..]),
            "2B" | "2b" => format!("{}18{}", &body[..5], &body[7..]),
            _ => body.to_string(),
        }
    } else {
        return None;
    };
    let number: u64 = digits.parse().ok()?;
    Some((97 - number % 97) as u8)
}

/// The Luhn check digit to append to `digits` (ASCII digits only).
pub(crate) fn luhn_check_digit(digits: &str) -> u8 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b.wrapping_sub(b'0') % 10);
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// A health organization (laboratory, practice, hospital) identified by its FINESS number.
#[derive(Debug, Clone)]
pub(crate) struct Organization {
    /// First 8 digits of the FINESS; the 9th is its Luhn key.
    pub finess_body: String,
    pub name: String,
    pub address: Address,
    pub phone: String,
    /// Facility type (TRE_R02 SecteurActivite, JDV J02), e.g. `SA25`.
    pub facility: (&'static str, &'static str),
    /// Practice setting (TRE_A01 CadreExercice, JDV J04), e.g. `AMBULATOIRE`.
    pub practice_setting: (&'static str, &'static str),
}

impl Organization {
    /// `1` + FINESS, the `extension` under [`FINESS_OID`].
    pub(crate) fn id_extension(&self) -> String {
        format!("1{}{}", self.finess_body, luhn_check_digit(&self.finess_body))
    }
}

/// A health professional identified by RPPS, with a specialty from JDV J01.
#[derive(Debug, Clone)]
pub(crate) struct Professional {
    /// First 10 digits of the RPPS; the 11th is its Luhn key.
    pub rpps_body: String,
    pub sex: Sex,
    pub given: String,
    pub family: String,
    /// `G15_10/SM26` and its display name.
    pub specialty: (&'static str, &'static str),
    pub organization: Organization,
    pub phone: String,
}

impl Professional {
    /// `8` + RPPS, the `extension` under [`RPPS_OID`].
    pub(crate) fn id_extension(&self) -> String {
        format!("8{}{}", self.rpps_body, luhn_check_digit(&self.rpps_body))
    }

    /// "Dr Agathe VERDIER".
    pub(crate) fn display_name(&self) -> String {
        format!("Dr {} {}", self.given, self.family)
    }

    /// A fictitious MSSanté address.
    pub(crate) fn mssante(&self) -> String {
        let plain = |s: &str| -> String {
            s.chars()
                .filter_map(|c| match c {
                    'é' | 'è' | 'ê' | 'ë' | 'É' => Some('e'),
                    'à' | 'â' => Some('a'),
                    'ï' | 'î' => Some('i'),
                    'ô' => Some('o'),
                    'ç' => Some('c'),
                    ' ' | '\'' => Some('-'),
                    c if c.is_ascii_alphanumeric() || c == '-' => Some(c.to_ascii_lowercase()),
                    _ => None,
                })
                .collect()
        };
        format!("{}.{}@demo.mssante.fr", plain(&self.given), plain(&self.family))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nir_key_matches_the_ans_test_identities() {
        // Published ANS test INS: 279035121518989 and 162018885045327.
        assert_eq!(nir_key("2790351215189"), Some(89));
        assert_eq!(nir_key("1620188850453"), Some(27));
    }

    #[test]
    fn corsican_departments_count_as_19_and_18() {
        let expected_2a = 97 - 1_790_819_004_027u64 % 97;
        assert_eq!(nir_key("179082A004027"), Some(expected_2a as u8));
        let expected_2b = 97 - 1_790_818_033_027u64 % 97;
        assert_eq!(nir_key("179082B033027"), Some(expected_2b as u8));
        assert_eq!(nir_key("not a nir"), None);
        assert_eq!(nir_key("1790é2A00402"), None);
    }

    #[test]
    fn luhn_key_follows_the_reference_example() {
        assert_eq!(luhn_check_digit("7992739871"), 3);
        assert_eq!(luhn_check_digit("0"), 0);
    }
}
