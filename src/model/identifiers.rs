//! French identifiers carried by CDA `id` elements, recognised from their root OID and checked.
//!
//! - Patients (`patientRole/id`): the **INS** (identifiant national de santé, the national
//!   health identifier every French health document must carry when known) is a **NIR**
//!   (numéro d'inscription au répertoire, the INSEE registration number also used as social
//!   security number) or, while a NIR is pending, a **NIA** (numéro identifiant d'attente). Both
//!   are 13 characters and a 2-digit key, checked by [`check_nir`].
//! - Health professionals (`assignedAuthor/id`, `assignedEntity/id`): the national PS
//!   identifier (IdNatPS, root `1.2.250.1.71.4.2.1`) is a one-character type prefix followed
//!   by an **RPPS** number (répertoire partagé des professionnels de santé, 11 digits), an
//!   **ADELI** number (the older departmental register, 9 characters) or a structure's
//!   identifier and its own registration number. See [`practitioner_id`].
//! - Structures (`representedOrganization/id`, custodian): the national structure identifier
//!   (IdNatStruct, root `1.2.250.1.71.4.2.2`) is a prefix followed by a **FINESS** number
//!   (fichier national des établissements sanitaires et sociaux, 9 characters), a SIREN
//!   (company, 9 digits), a SIRET (establishment of a company, 14 digits) or a practice id.
//!   See [`organization_id`].
//!
//! What this relies on:
//! - Patient OIDs: INS-NIR `…4.8`, INS-NIA `…4.9`, INS-NIR de test `…4.10`, INS-NIR de
//!   démonstration `…4.11` from the ANS CDA stylesheet labels and the CI-SIS structuration
//!   minimale schematron (corpus `terminology/oids-fr-cda-reference.json`); NIR and NIA used as
//!   social security number `…4.13` / `…4.14` from the ANS médico-social CDA specifications and
//!   FR Core (`NSS-NIR`, `NSS-NIA` slices), and the CSE examples of the corpus.
//! - PS prefixes, nomenclature TRE_G08-TypeIdentifiantPersonne (value set JDV_J77): 0 N° ADELI,
//!   1 Id cabinet ADELI / n° de registre, 3 FINESS / n° de registre, 4 SIREN / n° de registre,
//!   5 SIRET / n° de registre, 6 Id cabinet RPPS / n° de registre, 8 N° RPPS.
//! - Structure prefixes, TRE_G07-TypeIdentifiantStructure (JDV_J104): 0 Id cabinet ADELI,
//!   1 FINESS, 2 SIREN, 3 SIRET, 4 Id cabinet RPPS. Prefix 1 does not say whether the FINESS is
//!   that of the legal entity (EJ) or of a site (EG): the specifications call it "entité
//!   juridique et entité géographique indéterminées", so there is one [`OrganizationIdKind::Finess`].
//! - Check keys: NIR/NIA key = 97 − (13-digit number mod 97), Corsica's 2A/2B counted as 19/18
//!   (INSEE). RPPS, FINESS, SIREN and SIRET end with a Luhn check digit; real numbers in the
//!   corpus (FINESS 750803447, RPPS 10100997245, SIRET 18003502400041...) all pass it, the
//!   made-up ones of the ANS examples often do not. La Poste's SIRETs (SIREN 356000000)
//!   use instead "sum of the digits divisible by 5". ADELI and practice ids have no key
//!   checked here, and the Luhn key of a Corsican FINESS (2A/2B) is not checked either.

use serde::Serialize;

/// INS-NIR: a NIR used as INS (production).
pub const OID_INS_NIR: &str = "1.2.250.1.213.1.4.8";
/// INS-NIA: a NIA (numéro identifiant d'attente) used as INS.
pub const OID_INS_NIA: &str = "1.2.250.1.213.1.4.9";
/// INS-NIR de test: test identities (used throughout the ANS examples).
pub const OID_INS_NIR_TEST: &str = "1.2.250.1.213.1.4.10";
/// INS-NIR de démonstration.
pub const OID_INS_NIR_DEMO: &str = "1.2.250.1.213.1.4.11";
/// NIR used as social security number (NSS), not as INS.
pub const OID_NSS_NIR: &str = "1.2.250.1.213.1.4.13";
/// NIA used as social security number (NSS), not as INS.
pub const OID_NSS_NIA: &str = "1.2.250.1.213.1.4.14";
/// Identifiant national PS (IdNatPS): the national identifier of a health professional.
pub const OID_PS_NATIONAL: &str = "1.2.250.1.71.4.2.1";
/// Identifiant national de structure (IdNatStruct).
pub const OID_STRUCTURE_NATIONAL: &str = "1.2.250.1.71.4.2.2";

/// What a patient identifier is, from its root OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PatientIdKind {
    /// INS based on the NIR (production), root [`OID_INS_NIR`].
    InsNir,
    /// INS-NIR of a test identity, root [`OID_INS_NIR_TEST`].
    InsNirTest,
    /// INS-NIR of a demonstration identity, root [`OID_INS_NIR_DEMO`].
    InsNirDemo,
    /// INS based on a NIA, the temporary number given while a NIR is pending, root
    /// [`OID_INS_NIA`].
    InsNia,
    /// A NIR used as social security number, root [`OID_NSS_NIR`]: often the number of the
    /// insured parent, so it does not identify the patient.
    Nir,
    /// A NIA used as social security number, root [`OID_NSS_NIA`].
    Nia,
    /// Any other root: an identifier local to a facility (IPP) or an unknown authority.
    Local,
}

/// The one table from patient root OIDs to kinds.
const PATIENT_ROOTS: [(&str, PatientIdKind); 6] = [
    (OID_INS_NIR, PatientIdKind::InsNir),
    (OID_INS_NIA, PatientIdKind::InsNia),
    (OID_INS_NIR_TEST, PatientIdKind::InsNirTest),
    (OID_INS_NIR_DEMO, PatientIdKind::InsNirDemo),
    (OID_NSS_NIR, PatientIdKind::Nir),
    (OID_NSS_NIA, PatientIdKind::Nia),
];

/// The kind of a patient identifier from its root OID (surrounding whitespace ignored).
pub fn patient_id_kind(root: &str) -> PatientIdKind {
    let root = root.trim();
    PATIENT_ROOTS.iter().find(|(oid, _)| *oid == root).map_or(PatientIdKind::Local, |(_, kind)| *kind)
}

impl PatientIdKind {
    /// True for the four INS kinds: the identifiers that require the INS identity traits
    /// (birth names, birth date, sex, birthplace) beside them.
    pub fn is_ins(self) -> bool {
        matches!(self, Self::InsNir | Self::InsNirTest | Self::InsNirDemo | Self::InsNia)
    }

    /// True when the value is a NIR or NIA, whose key [`check_nir`] can verify.
    pub fn has_nir_key(self) -> bool {
        self != Self::Local
    }

    /// The root OID of this kind; `None` for [`PatientIdKind::Local`].
    pub fn oid(self) -> Option<&'static str> {
        PATIENT_ROOTS.iter().find(|(_, kind)| *kind == self).map(|(oid, _)| *oid)
    }

    /// The label a French user knows (as the ANS stylesheet shows it).
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::InsNir => "INS-NIR",
            Self::InsNirTest => "INS-NIR de test",
            Self::InsNirDemo => "INS-NIR de démonstration",
            Self::InsNia => "INS-NIA (identifiant d'attente)",
            Self::Nir => "NIR (numéro de sécurité sociale)",
            Self::Nia => "NIA (numéro de sécurité sociale)",
            Self::Local => "identifiant local",
        }
    }

    /// The label in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::InsNir => "INS-NIR (national health identifier)",
            Self::InsNirTest => "INS-NIR (test identity)",
            Self::InsNirDemo => "INS-NIR (demonstration identity)",
            Self::InsNia => "INS-NIA (temporary national health identifier)",
            Self::Nir => "NIR (social security number)",
            Self::Nia => "NIA (social security number)",
            Self::Local => "local identifier",
        }
    }
}

/// The result of checking a NIR or NIA (the number behind an INS): its form, what its digits
/// say, and its key.
///
/// Layout of the 15 characters: sex (1), year of birth (2), month of birth (2), department of
/// birth (2, or 3 for overseas 97x/98x; 99 for a birth abroad), commune or country (3, or 2
/// overseas), order number (3), key (2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NirCheck {
    /// 15 characters: digits, with `2A` or `2B` as Corsican department.
    pub well_formed: bool,
    /// What is wrong (form or key), in words a person can act on; `None` when all is right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// 1 for a man, 2 for a woman (7 and 8 in temporary numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex_digit: Option<u8>,
    /// The year of birth, two digits (the century is not in the number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<u8>,
    /// The month of birth, 1-12; `None` for the codes outside 01-12 INSEE uses when the month
    /// was unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_month: Option<u8>,
    /// The department of birth: `75`, `2A`, `971`; `99` for a birth abroad.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The key the number calls for (1-97).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_key: Option<u8>,
    /// The key written in the last two characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_key: Option<u8>,
    /// The value is well formed and its key matches.
    pub key_ok: bool,
}

/// Checks a NIR or NIA (13 characters and a 2-digit key, without spaces): form, what the
/// digits say, and the key, 97 − (number mod 97) with Corsica's 2A/2B counted as 19/18.
///
/// Surrounding whitespace is ignored; spaces inside are a problem (the INS is exchanged
/// without separators). Never panics.
pub fn check_nir(value: &str) -> NirCheck {
    let value = value.trim();
    let mut check = NirCheck {
        well_formed: false,
        problem: None,
        sex_digit: None,
        birth_year: None,
        birth_month: None,
        department: None,
        expected_key: None,
        given_key: None,
        key_ok: false,
    };
    let chars: Vec<char> = value.chars().collect();
    if chars.len() != 15 {
        check.problem = Some(format!(
            "{} has {} characters: a NIR is 13 characters and a 2-digit key, 15 in all",
            quote(value),
            chars.len()
        ));
        return check;
    }
    let corsica = match (chars[5], chars[6]) {
        ('2', 'A') => Some(19),
        ('2', 'B') => Some(18),
        _ => None,
    };
    let bad = chars.iter().enumerate().find(|&(i, c)| {
        let corsican_letter = i == 6 && corsica.is_some();
        !(c.is_ascii_digit() || corsican_letter)
    });
    if let Some((i, c)) = bad {
        check.problem = Some(format!(
            "unexpected character {c:?} at position {} of {}: a NIR is digits, with 2A or 2B \
             as department for Corsica",
            i + 1,
            quote(value)
        ));
        return check;
    }

    // All characters are ASCII from here on.
    let digit = |i: usize| chars[i].to_digit(10).map_or(0, |d| d as u8);
    let two = |i: usize| digit(i) * 10 + digit(i + 1);
    check.well_formed = true;
    check.sex_digit = Some(digit(0));
    check.birth_year = Some(two(1));
    check.birth_month = Some(two(3)).filter(|m| (1..=12).contains(m));
    let department_len = if matches!((chars[5], chars[6]), ('9', '7') | ('9', '8')) { 3 } else { 2 };
    check.department = Some(chars[5..5 + department_len].iter().collect());

    let number = chars[..13].iter().enumerate().fold(0u64, |n, (i, c)| {
        let d = match (i, corsica) {
            (5, Some(_)) => 1,
            (6, Some(replacement)) => replacement % 10,
            _ => u64::from(c.to_digit(10).unwrap_or(0)),
        };
        n * 10 + d
    });
    let expected = (97 - number % 97) as u8;
    let given = two(13);
    check.expected_key = Some(expected);
    check.given_key = Some(given);
    check.key_ok = expected == given;
    if !check.key_ok {
        check.problem = Some(format!(
            "the key {given:02} of {} does not match its number: expected {expected:02} \
             (97 − number mod 97)",
            quote(value)
        ));
    }
    check
}

/// What a national health professional identifier (IdNatPS) holds, from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PractitionerIdKind {
    /// Prefix 8: an RPPS number (11 digits, Luhn key), the national register of health
    /// professionals.
    Rpps,
    /// Prefix 0: an ADELI number (9 characters), the departmental register RPPS replaces.
    Adeli,
    /// Any other prefix: a structure's identifier and the structure's own number for the
    /// person (`3` + FINESS + `/` + number...), or an unknown prefix.
    Other,
}

/// A national identifier split and checked: a health professional's (root
/// `1.2.250.1.71.4.2.1`, [`PractitionerId`]) or a structure's (root `1.2.250.1.71.4.2.2`,
/// [`OrganizationId`]). Both are a one-character type prefix followed by the number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NationalId<Kind> {
    /// What the prefix says the number is (RPPS, ADELI, FINESS, SIRET...).
    pub kind: Kind,
    /// The type prefix, the first character of the extension (TRE_G08 for professionals,
    /// TRE_G07 for structures).
    pub prefix: char,
    /// The extension without its prefix.
    pub number: String,
    /// What the prefix means, in French (the TRE label).
    pub meaning_fr: &'static str,
    /// What the prefix means, in English.
    pub meaning_en: &'static str,
    /// The number has the length and characters its kind calls for.
    pub format_ok: bool,
    /// The check digit matches (RPPS, FINESS, SIREN, SIRET); `None` when the kind has no key
    /// checked here or the format is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_ok: Option<bool>,
    /// What is wrong and, where a common mistake is recognised, the likely fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// A national health professional identifier (root `1.2.250.1.71.4.2.1`).
pub type PractitionerId = NationalId<PractitionerIdKind>;

/// Splits and checks a national PS identifier. `None` when `root` is not
/// [`OID_PS_NATIONAL`] or the extension is empty (nothing to check).
pub fn practitioner_id(root: &str, extension: &str) -> Option<PractitionerId> {
    if root.trim() != OID_PS_NATIONAL {
        return None;
    }
    let extension = extension.trim();
    let prefix = extension.chars().next()?;
    let number = &extension[prefix.len_utf8()..];
    let (kind, meaning_fr, meaning_en) = match prefix {
        '0' => (PractitionerIdKind::Adeli, "N° ADELI", "ADELI number"),
        '1' => (
            PractitionerIdKind::Other,
            "Id cabinet ADELI / n° de registre",
            "ADELI practice id / local registration number",
        ),
        '3' => (PractitionerIdKind::Other, "FINESS / n° de registre", "FINESS / local registration number"),
        '4' => (PractitionerIdKind::Other, "SIREN / n° de registre", "SIREN / local registration number"),
        '5' => (PractitionerIdKind::Other, "SIRET / n° de registre", "SIRET / local registration number"),
        '6' => (
            PractitionerIdKind::Other,
            "Id cabinet RPPS / n° de registre",
            "RPPS practice id / local registration number",
        ),
        '8' => (PractitionerIdKind::Rpps, "N° RPPS", "RPPS number"),
        _ => (PractitionerIdKind::Other, "type d'identifiant inconnu", "unknown identifier type"),
    };
    let verdict = match prefix {
        '8' => check_keyed_digits(number, 11, "an RPPS number", Luhn::Plain),
        '0' => check_adeli(number),
        '3' => check_registered(number, Some((9, "a FINESS number", Luhn::Finess))),
        '4' => check_registered(number, Some((9, "a SIREN number", Luhn::Plain))),
        '5' => check_registered(number, Some((14, "a SIRET number", Luhn::Siret))),
        '1' | '6' => check_registered(number, None),
        _ => Verdict::bad(format!(
            "prefix {prefix:?} is not a national PS identifier type: expected 8 (RPPS), \
             0 (ADELI), or 1, 3, 4, 5, 6 followed by a structure id, '/' and a number"
        )),
    };
    let problem = verdict.problem.map(|p| match practitioner_hint(prefix, extension) {
        Some(hint) => format!("{p}; {hint}"),
        None => p,
    });
    Some(PractitionerId {
        kind,
        prefix,
        number: number.to_owned(),
        meaning_fr,
        meaning_en,
        format_ok: verdict.format_ok,
        key_ok: verdict.key_ok,
        problem,
    })
}

/// Common mistakes recognisable from the whole extension.
fn practitioner_hint(prefix: char, extension: &str) -> Option<&'static str> {
    let all_digits = extension.bytes().all(|b| b.is_ascii_digit());
    if prefix == '1' && extension.len() == 11 && all_digits && luhn_valid(extension) {
        Some("this looks like an RPPS number written without its '8' prefix")
    } else if prefix != '0' && extension.len() == 9 && extension.is_ascii() {
        Some("9 characters: an ADELI number written without its '0' prefix?")
    } else {
        None
    }
}

/// What a national structure identifier (IdNatStruct) holds, from its prefix
/// (TRE_G07-TypeIdentifiantStructure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OrganizationIdKind {
    /// Prefix 0: the id of a practice registered in ADELI.
    AdeliCabinet,
    /// Prefix 1: a FINESS number (9 characters, Luhn key), legal entity (EJ) or site (EG) —
    /// the prefix does not say which.
    Finess,
    /// Prefix 2: a SIREN number (9 digits, Luhn key), a company.
    Siren,
    /// Prefix 3: a SIRET number (14 digits, Luhn key), an establishment of a company.
    Siret,
    /// Prefix 4: the id of a practice registered in RPPS.
    RppsCabinet,
    /// Any other prefix.
    Other,
}

/// A national structure identifier (root `1.2.250.1.71.4.2.2`).
pub type OrganizationId = NationalId<OrganizationIdKind>;

/// Splits and checks a national structure identifier. `None` when `root` is not
/// [`OID_STRUCTURE_NATIONAL`] or the extension is empty.
pub fn organization_id(root: &str, extension: &str) -> Option<OrganizationId> {
    if root.trim() != OID_STRUCTURE_NATIONAL {
        return None;
    }
    let extension = extension.trim();
    let prefix = extension.chars().next()?;
    let number = &extension[prefix.len_utf8()..];
    let (kind, meaning_fr, meaning_en, verdict) = match prefix {
        '0' => (
            OrganizationIdKind::AdeliCabinet,
            "Id cabinet ADELI",
            "ADELI practice id",
            check_non_empty(number),
        ),
        '1' => (
            OrganizationIdKind::Finess,
            "FINESS",
            "FINESS number",
            check_keyed_digits(number, 9, "a FINESS number", Luhn::Finess),
        ),
        '2' => (
            OrganizationIdKind::Siren,
            "SIREN",
            "SIREN number",
            check_keyed_digits(number, 9, "a SIREN number", Luhn::Plain),
        ),
        '3' => (
            OrganizationIdKind::Siret,
            "SIRET",
            "SIRET number",
            check_keyed_digits(number, 14, "a SIRET number", Luhn::Siret),
        ),
        '4' => {
            (OrganizationIdKind::RppsCabinet, "Id cabinet RPPS", "RPPS practice id", check_non_empty(number))
        }
        _ => (
            OrganizationIdKind::Other,
            "type d'identifiant inconnu",
            "unknown identifier type",
            Verdict::bad(format!(
                "prefix {prefix:?} is not a national structure identifier type: expected \
                 1 (FINESS), 2 (SIREN), 3 (SIRET), 0 or 4 (practice id)"
            )),
        ),
    };
    let problem = verdict.problem.map(|p| match organization_hint(prefix, extension) {
        Some(hint) => format!("{p}; {hint}"),
        None => p,
    });
    Some(OrganizationId {
        kind,
        prefix,
        number: number.to_owned(),
        meaning_fr,
        meaning_en,
        format_ok: verdict.format_ok,
        key_ok: verdict.key_ok,
        problem,
    })
}

/// Common mistakes recognisable from the whole extension.
fn organization_hint(prefix: char, extension: &str) -> Option<&'static str> {
    let all_digits = extension.bytes().all(|b| b.is_ascii_digit());
    if prefix == '8' && extension.len() == 12 && all_digits {
        Some("8 + 11 digits is a professional's RPPS identifier: use root 1.2.250.1.71.4.2.1")
    } else if extension.len() == 9 && is_finess_shaped(extension) {
        Some("9 characters: a FINESS number written without its '1' prefix?")
    } else if extension.len() == 14 && all_digits {
        Some("14 digits: a SIRET number written without its '3' prefix?")
    } else {
        None
    }
}

/// The outcome of a format check, before it is attached to an identifier.
struct Verdict {
    format_ok: bool,
    key_ok: Option<bool>,
    problem: Option<String>,
}

impl Verdict {
    fn ok(key_ok: Option<bool>) -> Self {
        Self { format_ok: true, key_ok, problem: None }
    }

    fn bad(problem: String) -> Self {
        Self { format_ok: false, key_ok: None, problem: Some(problem) }
    }
}

/// How the last digit of a number is checked.
#[derive(Clone, Copy)]
enum Luhn {
    /// The Luhn algorithm on all digits.
    Plain,
    /// Luhn, except for Corsican numbers (2A/2B) which are not checked.
    Finess,
    /// Luhn, except La Poste's establishments (SIREN 356000000, other than its head office
    /// 35600000000048), whose digits must add up to a multiple of 5.
    Siret,
}

/// A number of `len` characters ending with a check digit.
fn check_keyed_digits(number: &str, len: usize, what: &str, luhn: Luhn) -> Verdict {
    let shape_ok = match luhn {
        Luhn::Finess => number.len() == len && is_finess_shaped(number),
        Luhn::Plain | Luhn::Siret => number.len() == len && number.bytes().all(|b| b.is_ascii_digit()),
    };
    if !shape_ok {
        let shape = match luhn {
            Luhn::Finess => "characters (digits, with 2A or 2B for Corsica)",
            Luhn::Plain | Luhn::Siret => "digits",
        };
        return Verdict::bad(format!(
            "{} is not {what}: expected {len} {shape}, found {} characters",
            quote(number),
            number.chars().count()
        ));
    }
    if matches!(luhn, Luhn::Finess) && !number.bytes().all(|b| b.is_ascii_digit()) {
        return Verdict::ok(None);
    }
    let valid = match luhn {
        Luhn::Siret if number.starts_with("356000000") && number != "35600000000048" => {
            number.bytes().map(|b| u32::from(b - b'0')).sum::<u32>() % 5 == 0
        }
        _ => luhn_valid(number),
    };
    let mut verdict = Verdict::ok(Some(valid));
    if !valid {
        verdict.problem = Some(match luhn_check_digit(&number[..len - 1]) {
            Some(expected) if !matches!(luhn, Luhn::Siret) || !number.starts_with("356000000") => {
                format!(
                    "the check digit of {what} {} is {} but its other digits call for {expected} \
                     (Luhn)",
                    quote(number),
                    &number[len - 1..]
                )
            }
            _ => format!("the check digit of {what} {} does not match", quote(number)),
        });
    }
    verdict
}

/// ADELI: 9 characters (department, which may be 2A/2B, then digits); no key checked.
fn check_adeli(number: &str) -> Verdict {
    let shape_ok = number.len() == 9 && number.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
    if shape_ok {
        Verdict::ok(None)
    } else {
        Verdict::bad(format!(
            "{} is not an ADELI number: expected 9 characters (digits, with 2A or 2B for \
             Corsica), found {}",
            quote(number),
            number.chars().count()
        ))
    }
}

/// `<structure id>/<number>`: a person known by a structure's identifier and the structure's
/// own registration number; the structure id is checked when its kind is known.
fn check_registered(number: &str, structure: Option<(usize, &str, Luhn)>) -> Verdict {
    let Some((structure_id, local)) = number.split_once('/') else {
        return Verdict::bad(format!(
            "{} has no '/': expected the structure identifier, '/', then the structure's own \
             number for the person",
            quote(number)
        ));
    };
    if structure_id.is_empty() || local.is_empty() {
        return Verdict::bad(format!(
            "{}: both the structure identifier and the number after '/' must be given",
            quote(number)
        ));
    }
    match structure {
        Some((len, what, luhn)) => check_keyed_digits(structure_id, len, what, luhn),
        None => Verdict::ok(None),
    }
}

fn check_non_empty(number: &str) -> Verdict {
    if number.is_empty() {
        Verdict::bad("the identifier has a type prefix but no number after it".to_owned())
    } else {
        Verdict::ok(None)
    }
}

/// 9 characters shaped like a FINESS number: digits, or 2A/2B then digits.
fn is_finess_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 9
        && b.iter()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || (i == 1 && b[0] == b'2' && (*c == b'A' || *c == b'B')))
}

/// Whether a string of ASCII digits passes the Luhn check; false for anything else.
fn luhn_valid(digits: &str) -> bool {
    if digits.len() < 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (payload, key) = digits.split_at(digits.len() - 1);
    luhn_check_digit(payload).is_some_and(|expected| key.as_bytes() == [b'0' + expected])
}

/// The Luhn check digit that completes `payload` (ASCII digits); `None` for anything else.
fn luhn_check_digit(payload: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, b) in payload.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// The value in quotes for a message, cut to a readable length.
fn quote(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    if s.chars().count() <= MAX_CHARS {
        format!("{s:?}")
    } else {
        let head: String = s.chars().take(MAX_CHARS).collect();
        format!("{head:?}… ({} characters)", s.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ----- patients -----------------------------------------------------------------------

    #[test]
    fn patient_kinds_come_from_the_root_oid() {
        let cases = [
            ("1.2.250.1.213.1.4.8", PatientIdKind::InsNir, true),
            ("1.2.250.1.213.1.4.9", PatientIdKind::InsNia, true),
            ("1.2.250.1.213.1.4.10", PatientIdKind::InsNirTest, true),
            ("1.2.250.1.213.1.4.11", PatientIdKind::InsNirDemo, true),
            ("1.2.250.1.213.1.4.13", PatientIdKind::Nir, false),
            ("1.2.250.1.213.1.4.14", PatientIdKind::Nia, false),
            // The IPP placeholder root of the ANS examples.
            ("1.2.3.4.567.8.9.10", PatientIdKind::Local, false),
            ("1.2.250.1.213.1.4.1", PatientIdKind::Local, false),
            ("", PatientIdKind::Local, false),
            (" 1.2.250.1.213.1.4.10 ", PatientIdKind::InsNirTest, true),
        ];
        for (root, kind, ins) in cases {
            assert_eq!((patient_id_kind(root), patient_id_kind(root).is_ins()), (kind, ins), "{root:?}");
        }
    }

    #[test]
    fn every_patient_kind_but_local_has_an_oid_that_maps_back_to_it() {
        for (oid, kind) in PATIENT_ROOTS {
            assert_eq!(kind.oid(), Some(oid));
            assert_eq!(patient_id_kind(oid), kind);
            assert!(kind.has_nir_key());
        }
        assert_eq!(PatientIdKind::Local.oid(), None);
    }

    #[test]
    fn patient_kinds_have_labels_and_serialize_in_kebab_case() {
        assert_eq!(PatientIdKind::InsNirTest.label_fr(), "INS-NIR de test");
        assert_eq!(PatientIdKind::InsNir.label_en(), "INS-NIR (national health identifier)");
        let json = serde_json::to_value(PatientIdKind::InsNirDemo).ok();
        assert_eq!(json, Some(serde_json::json!("ins-nir-demo")));
    }

    #[track_caller]
    fn check_key(value: &str, expected_key: u8, key_ok: bool) {
        let check = check_nir(value);
        assert!(check.well_formed, "{value:?}: {:?}", check.problem);
        assert_eq!((check.expected_key, check.key_ok), (Some(expected_key), key_ok), "{value:?}");
        assert_eq!(check.problem.is_none(), key_ok, "{value:?}: {:?}", check.problem);
    }

    #[test]
    fn nir_keys_of_the_corpus_ins() {
        // 2790351215189 mod 97 = 8 → key 97 − 8 = 89 (the test INS of most ANS examples).
        check_key("279035121518989", 89, true);
        // 2770763220829 mod 97 = 87 → key 10.
        check_key("277076322082910", 10, true);
        // Made-up numbers in other ANS examples, whose keys are wrong:
        // 2760592050628 mod 97 = 14 → 83, written 65.
        check_key("276059205062865", 83, false);
        // 2221275056112 mod 97 = 50 → 47, written 01.
        check_key("222127505611201", 47, false);
        // 2210425456114 mod 97 = 14 → 83, written 04.
        check_key("221042545611404", 83, false);
        // 2240275115835 mod 97 = 85 → 12, written 55.
        check_key("224027511583555", 12, false);
    }

    #[test]
    fn nir_key_for_corsica_counts_2a_as_19_and_2b_as_18() {
        // 185022A004123 → 1850219004123 = 97 × 19074422722 + 89 → key 97 − 89 = 08.
        check_key("185022A00412308", 8, true);
        // 269032B045123 → 2690318045123 = 97 × 27735237578 + 57 → key 40.
        check_key("269032B04512340", 40, true);
        // Same digits as the 2A case in 2B: 1850218004123 mod 97 = 62 → 35, so 08 is wrong.
        check_key("185022B00412308", 35, false);
        assert_eq!(check_nir("185022A00412308").department.as_deref(), Some("2A"));
    }

    #[test]
    fn nir_key_can_be_97() {
        // 1990599123456 = 97 × 20521640448 exactly → remainder 0 → key 97.
        check_key("199059912345697", 97, true);
    }

    #[test]
    fn nir_digits_are_explained() {
        let check = check_nir("279035121518989");
        assert_eq!(
            (
                check.sex_digit,
                check.birth_year,
                check.birth_month,
                check.department.as_deref(),
                check.given_key
            ),
            (Some(2), Some(79), Some(3), Some("51"), Some(89))
        );
        // Overseas departments have three digits.
        assert_eq!(check_nir("189119710501272").department.as_deref(), Some("971"));
        // A month code outside 01-12 means the month was unknown.
        assert_eq!(check_nir("189209710501272").birth_month, None);
    }

    #[track_caller]
    fn check_malformed(value: &str, expected: &str) {
        let check = check_nir(value);
        assert!(!check.well_formed && !check.key_ok, "{value:?} accepted");
        let problem = check.problem.unwrap_or_default();
        assert!(problem.contains(expected), "{value:?}: {problem:?}");
    }

    #[test]
    fn malformed_nirs_say_why() {
        check_malformed("27903512151898", "has 14 characters");
        check_malformed("2790351215189899", "has 16 characters");
        check_malformed("", "has 0 characters");
        check_malformed("2 79 03 51 215 189 89", "has 21 characters");
        check_malformed("2790351215189 9", "unexpected character ' ' at position 14");
        check_malformed("27903512151898X", "unexpected character 'X' at position 15");
        check_malformed("185022a00412308", "unexpected character 'a' at position 7");
        check_malformed("18502A200412308", "unexpected character 'A' at position 6");
        check_malformed("2790351215189é9", "unexpected character 'é'");
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert!(check_nir(" 279035121518989\n").key_ok);
    }

    #[test]
    fn odd_values_never_panic() {
        let long = "9".repeat(100_000);
        for value in [
            "",
            "2",
            "99999999999999999",
            "999999999999999",
            "000000000000000",
            "2A2A2A2A2A2A2A2",
            "ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ",
            "12345２A1234567",
            "\u{0}\u{0}",
            &long,
        ] {
            let result = std::panic::catch_unwind(|| {
                let _ = check_nir(value);
                let _ = practitioner_id(OID_PS_NATIONAL, value);
                let _ = organization_id(OID_STRUCTURE_NATIONAL, value);
            });
            assert!(result.is_ok(), "panicked on {value:?}");
        }
    }

    // ----- professionals ------------------------------------------------------------------

    fn ps(extension: &str) -> PractitionerId {
        match practitioner_id(OID_PS_NATIONAL, extension) {
            Some(id) => id,
            None => panic!("{extension:?} should be read as a national PS id"),
        }
    }

    #[test]
    fn rpps_with_its_8_prefix() {
        // The fictitious RPPS of the ANS examples: 0123456789 + Luhn digit 7.
        let id = ps("801234567897");
        assert_eq!(
            (id.kind, id.prefix, id.number.as_str(), id.meaning_fr),
            (PractitionerIdKind::Rpps, '8', "01234567897", "N° RPPS")
        );
        assert_eq!((id.format_ok, id.key_ok, id.problem), (true, Some(true), None));
        assert_eq!(ps("810002422979").key_ok, Some(true));
    }

    #[test]
    fn rpps_with_a_wrong_check_digit() {
        let id = ps("801234567898");
        assert_eq!((id.format_ok, id.key_ok), (true, Some(false)));
        assert_eq!(
            id.problem.as_deref(),
            Some(
                "the check digit of an RPPS number \"01234567898\" is 8 but its other digits \
                 call for 7 (Luhn)"
            )
        );
    }

    #[test]
    fn rpps_of_the_wrong_length() {
        let id = ps("8011234567897");
        assert!(!id.format_ok);
        assert_eq!(id.key_ok, None);
        assert!(id.problem.is_some_and(|p| p.contains("expected 11 digits, found 12 characters")));
    }

    #[test]
    fn rpps_without_its_prefix_is_recognised() {
        // Read as prefix 1 (ADELI practice / number), which needs a '/'.
        let id = ps("10100997245");
        assert_eq!((id.kind, id.format_ok), (PractitionerIdKind::Other, false));
        assert!(id.problem.is_some_and(|p| p.ends_with("an RPPS number written without its '8' prefix")));
    }

    #[test]
    fn adeli_numbers() {
        let id = ps("0123456789");
        assert_eq!(
            (id.kind, id.number.as_str(), id.format_ok, id.key_ok),
            (PractitionerIdKind::Adeli, "123456789", true, None)
        );
        assert!(ps("00B1057294").format_ok);
        let wrong = ps("01234567897");
        assert!(!wrong.format_ok);
        assert!(wrong.problem.is_some_and(|p| p.contains("found 10")));
        // A 9-character value under another prefix is likely a bare ADELI number.
        assert!(ps("648238549")
            .problem
            .is_some_and(|p| p.contains("ADELI number written without its '0' prefix")));
    }

    #[test]
    fn structure_and_local_number() {
        // 5 + SIRET of the CNAM (Luhn-valid) + '/' + its own number (an OID here).
        let id = ps("518003502400041/1.2.250.1.215.1.2");
        assert_eq!(
            (id.kind, id.meaning_en, id.format_ok, id.key_ok),
            (PractitionerIdKind::Other, "SIRET / local registration number", true, Some(true))
        );
        assert_eq!(ps("3750803447/12345").key_ok, Some(true));
        assert_eq!(ps("6anything/1").key_ok, None);
        assert!(!ps("5180035024/").format_ok);
        assert!(!ps("3750803447").format_ok);
    }

    #[test]
    fn unknown_ps_prefix() {
        let id = ps("787987897987");
        assert_eq!((id.kind, id.format_ok), (PractitionerIdKind::Other, false));
        assert!(id.problem.is_some_and(|p| p.contains("prefix '7'")));
    }

    #[test]
    fn other_roots_and_empty_extensions_are_not_ps_ids() {
        assert_eq!(practitioner_id(OID_STRUCTURE_NATIONAL, "801234567897"), None);
        assert_eq!(practitioner_id(OID_PS_NATIONAL, "  "), None);
    }

    // ----- structures ---------------------------------------------------------------------

    fn org(extension: &str) -> OrganizationId {
        match organization_id(OID_STRUCTURE_NATIONAL, extension) {
            Some(id) => id,
            None => panic!("{extension:?} should be read as a national structure id"),
        }
    }

    #[test]
    fn finess_with_a_valid_key() {
        // 75080344 + Luhn digit 7.
        let id = org("1750803447");
        assert_eq!(
            (id.kind, id.number.as_str(), id.format_ok, id.key_ok),
            (OrganizationIdKind::Finess, "750803447", true, Some(true))
        );
    }

    #[test]
    fn finess_with_a_wrong_key() {
        // 12045987 calls for 0; the ANS examples' laboratory writes 6.
        let id = org("1120459876");
        assert_eq!((id.format_ok, id.key_ok), (true, Some(false)));
        assert!(id.problem.is_some_and(|p| p.contains("call for 0")));
    }

    #[test]
    fn corsican_finess_is_accepted_without_key_check() {
        let id = org("12A0000154");
        assert_eq!((id.format_ok, id.key_ok), (true, None));
    }

    #[test]
    fn finess_without_its_prefix_is_recognised() {
        let id = org("101235555");
        assert!(!id.format_ok);
        assert!(id.problem.is_some_and(|p| p.contains("a FINESS number written without its '1' prefix")));
    }

    #[test]
    fn siren_and_siret() {
        // 80123456 calls for the Luhn digit 8; the ANS examples' pharmacy writes 7.
        let siren = org("2801234568");
        assert_eq!((siren.kind, siren.key_ok), (OrganizationIdKind::Siren, Some(true)));
        assert_eq!(org("2801234567").key_ok, Some(false));
        // SIRET of the CNAM and of the CNOP.
        let siret = org("318003502400041");
        assert_eq!(
            (siret.kind, siret.meaning_fr, siret.key_ok),
            (OrganizationIdKind::Siret, "SIRET", Some(true))
        );
        assert_eq!(org("378435954900010").key_ok, Some(true));
        assert!(!org("2801234567897").format_ok);
    }

    #[test]
    fn la_poste_sirets_use_the_sum_of_digits() {
        // 3+5+6+1+2+3+4+6 = 30, a multiple of 5 (Luhn would call for 2).
        assert_eq!(org("335600000012346").key_ok, Some(true));
        assert_eq!(org("335600000012345").key_ok, Some(false));
        // The head office is Luhn-valid.
        assert_eq!(org("335600000000048").key_ok, Some(true));
    }

    #[test]
    fn practice_ids_are_kept_without_checks() {
        let adeli = org("00B105729400");
        assert_eq!(
            (adeli.kind, adeli.number.as_str(), adeli.format_ok, adeli.key_ok),
            (OrganizationIdKind::AdeliCabinet, "0B105729400", true, None)
        );
        assert_eq!(org("4123").kind, OrganizationIdKind::RppsCabinet);
        assert!(!org("4").format_ok);
    }

    #[test]
    fn a_professional_rpps_under_the_structure_root_is_flagged() {
        let id = org("801234567897");
        assert_eq!((id.kind, id.format_ok), (OrganizationIdKind::Other, false));
        assert!(id.problem.is_some_and(|p| p.contains("use root 1.2.250.1.71.4.2.1")));
    }

    #[test]
    fn structure_ids_serialize_in_kebab_case() {
        let json = serde_json::to_value(org("1750803447")).ok();
        let expected = serde_json::json!({
            "kind": "finess", "prefix": "1", "number": "750803447", "meaning_fr": "FINESS",
            "meaning_en": "FINESS number", "format_ok": true, "key_ok": true
        });
        assert_eq!(json, Some(expected));
        let kind = serde_json::to_value(OrganizationIdKind::RppsCabinet).ok();
        assert_eq!(kind, Some(serde_json::json!("rpps-cabinet")));
    }

    #[test]
    fn luhn_helpers() {
        assert_eq!(luhn_check_digit("0123456789"), Some(7));
        assert_eq!(luhn_check_digit("12a"), None);
        assert!(luhn_valid("01234567897"));
        assert!(!luhn_valid("01234567898"));
        assert!(!luhn_valid("7"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("0é"));
    }
}
