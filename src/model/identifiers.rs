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

impl<Kind> NationalId<Kind> {
    /// The identifier with the outcome of its checks; a recognised common mistake is added to
    /// the problem as a hint.
    fn checked(
        kind: Kind,
        prefix: char,
        number: &str,
        (meaning_fr, meaning_en): (&'static str, &'static str),
        verdict: Verdict,
        hint: Option<&'static str>,
    ) -> Self {
        let problem = verdict.problem.map(|p| match hint {
            Some(hint) => format!("{p}; {hint}"),
            None => p,
        });
        NationalId {
            kind,
            prefix,
            number: number.to_owned(),
            meaning_fr,
            meaning_en,
            format_ok: verdict.format_ok,
            key_ok: verdict.key_ok,
            problem,
        }
    }
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
    Some(NationalId::checked(
        kind,
        prefix,
        number,
        (meaning_fr, meaning_en),
        verdict,
        practitioner_hint(prefix, extension),
    ))
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
    Some(NationalId::checked(
        kind,
        prefix,
        number,
        (meaning_fr, meaning_en),
        verdict,
        organization_hint(prefix, extension),
    ))
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
mod tests;
