//! The cast of the demo: the fixed patients, professionals and organizations of
//! [`super::write_demo_set`], and random ones for [`super::corpus_like`].
//!
//! Every patient carries the **INS-NIR de démonstration** OID, so no document can be mistaken
//! for a real one; names are placeholders, telephone numbers come from the ranges ARCEP
//! reserves for fiction, FINESS and RPPS numbers sit in ranges chosen to look made up.

use chrono::NaiveDate;

use super::patients::{Address, Organization, Patient, Professional, Sex};
use super::rng::SplitMix64;

/// Specialties (JDV J01, code system `1.2.250.1.213.1.1.4.5`) used by the demo.
pub(crate) mod specialty {
    pub(crate) const BIOLOGY: (&str, &str) = ("G15_10/SM03", "Médecin - Biologie médicale (SM)");
    pub(crate) const CARDIOLOGY: (&str, &str) =
        ("G15_10/SM04", "Médecin - Cardiologie et maladies vasculaires (SM)");
    pub(crate) const ENDOCRINOLOGY: (&str, &str) =
        ("G15_10/SM16", "Médecin - Endocrinologie et métabolisme (SM)");
    pub(crate) const GENERAL_PRACTICE: (&str, &str) =
        ("G15_10/SM26", "Médecin - Qualifié en Médecine Générale (SM)");
    pub(crate) const RADIOLOGY: (&str, &str) = ("G15_10/SM44", "Médecin - Radio-diagnostic (SM)");
}

/// Facility types (JDV J02, TRE_R02, code system `1.2.250.1.71.4.2.4`).
pub(crate) mod facility {
    pub(crate) const PUBLIC_HOSPITAL: (&str, &str) = ("SA01", "Etablissement public de santé");
    pub(crate) const PRIVATE_HOSPITAL: (&str, &str) = ("SA04", "Etablissement privé non PSPH");
    pub(crate) const SOLO_PRACTICE: (&str, &str) = ("SA07", "Cabinet individuel");
    pub(crate) const GROUP_PRACTICE: (&str, &str) = ("SA08", "Cabinet de groupe");
    pub(crate) const LABORATORY: (&str, &str) = ("SA25", "Laboratoire de biologie médicale");
}

/// Practice settings (JDV J04, TRE_A01, code system `1.2.250.1.213.1.1.4.9`).
pub(crate) const AMBULATORY: (&str, &str) = ("AMBULATOIRE", "Ambulatoire");
pub(crate) const HOSPITAL_SETTING: (&str, &str) = ("ETABLISSEMENT", "Etablissement de santé");

/// The fixed cast of [`super::write_demo_set`].
#[derive(Debug, Clone)]
pub(crate) struct Cast {
    /// Hélène DUPONT, née MARTEAU: the lab series, a consultation note, the XDM package.
    pub dupont: Patient,
    /// Loïc MARTIN: the medical summary (VSM).
    pub martin: Patient,
    /// Gaëlle DURAND: the imaging report.
    pub durand: Patient,
    /// Jean-Noël PAOLI, born in Ajaccio (2A), living in Marseille: the PDF discharge letter.
    pub paoli: Patient,
    pub biologist: Professional,
    pub gp_lyon: Professional,
    pub endocrinologist: Professional,
    pub gp_rennes: Professional,
    pub radiologist: Professional,
    pub gp_lille: Professional,
    pub cardiologist: Professional,
    pub gp_marseille: Professional,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn patient(
    slug: &str,
    sex: Sex,
    (birth_family, used_family): (&str, Option<&str>),
    (given_names, usual_given): (&str, &str),
    birth_date: NaiveDate,
    (birth_cog, birth_city): (&str, &str),
    birth_order: u16,
    address: Address,
    (phone_home, phone_mobile): (&str, &str),
) -> Patient {
    Patient {
        slug: slug.into(),
        sex,
        birth_family: birth_family.into(),
        used_family: used_family.map(Into::into),
        given_names: given_names.into(),
        usual_given: usual_given.into(),
        birth_date,
        birth_cog: birth_cog.into(),
        birth_city: birth_city.into(),
        birth_order,
        ipp: format!("DEMO{:06}", u32::from(birth_order) * 7 + 100_000),
        address,
        phone_home: phone_home.into(),
        phone_mobile: phone_mobile.into(),
    }
}

fn org(
    finess_body: &str,
    name: &str,
    address: Address,
    phone: &str,
    facility: (&'static str, &'static str),
    practice_setting: (&'static str, &'static str),
) -> Organization {
    Organization {
        finess_body: finess_body.into(),
        name: name.into(),
        address,
        phone: phone.into(),
        facility,
        practice_setting,
    }
}

fn pro(
    rpps_body: &str,
    sex: Sex,
    (given, family): (&str, &str),
    specialty: (&'static str, &'static str),
    organization: &Organization,
) -> Professional {
    Professional {
        rpps_body: rpps_body.into(),
        sex,
        given: given.into(),
        family: family.into(),
        specialty,
        phone: organization.phone.clone(),
        organization: organization.clone(),
    }
}

/// The demo set's cast. Addresses are plausible, names are placeholders, identifiers are
/// demonstration ones.
pub(crate) fn demo_cast() -> Cast {
    use specialty::*;
    let lab = org(
        "69099901",
        "Laboratoire de biologie médicale des Tilleuls",
        Address::new("8", "Rue des Tilleuls", "69003", "LYON"),
        "tel:0465710010",
        facility::LABORATORY,
        AMBULATORY,
    );
    let practice_lyon = org(
        "69099902",
        "Cabinet médical de la Part-Dieu",
        Address::new("21", "Rue Garibaldi", "69003", "LYON"),
        "tel:0465710020",
        facility::GROUP_PRACTICE,
        AMBULATORY,
    );
    let endocrinology = org(
        "69099903",
        "Centre hospitalier de démonstration de Lyon",
        Address::new("5", "Quai des Célestins", "69002", "LYON"),
        "tel:0465710030",
        facility::PUBLIC_HOSPITAL,
        HOSPITAL_SETTING,
    );
    let practice_rennes = org(
        "35099901",
        "Cabinet médical des Hortensias",
        Address::new("12", "Boulevard de la Liberté", "35000", "RENNES"),
        "tel:0261910010",
        facility::SOLO_PRACTICE,
        AMBULATORY,
    );
    let imaging = org(
        "59099901",
        "Centre d'imagerie médicale du Vieux-Lille",
        Address::new("40", "Rue de la Monnaie", "59800", "LILLE"),
        "tel:0353010010",
        facility::GROUP_PRACTICE,
        AMBULATORY,
    );
    let practice_lille = org(
        "59099902",
        "Maison de santé de Wazemmes",
        Address::new("3", "Place de la Nouvelle Aventure", "59000", "LILLE"),
        "tel:0353010020",
        facility::GROUP_PRACTICE,
        AMBULATORY,
    );
    let practice_marseille = org(
        "13099902",
        "Cabinet médical de la Plaine",
        Address::new("30", "Place Jean Jaurès", "13005", "MARSEILLE"),
        "tel:0465710050",
        facility::SOLO_PRACTICE,
        AMBULATORY,
    );
    let clinic = org(
        "13099901",
        "Clinique cardiologique des Calanques",
        Address::new("112", "Boulevard Michelet", "13008", "MARSEILLE"),
        "tel:0465710040",
        facility::PRIVATE_HOSPITAL,
        HOSPITAL_SETTING,
    );

    Cast {
        dupont: patient(
            "dupont",
            Sex::Female,
            ("MARTEAU", Some("DUPONT")),
            ("HELENE MARIE", "Hélène"),
            date(1968, 5, 14),
            ("69383", "LYON 3E ARRONDISSEMENT"),
            42,
            Address::new("14", "Rue Paul Bert", "69003", "LYON"),
            ("tel:0465710101", "tel:0639980101"),
        ),
        martin: patient(
            "martin",
            Sex::Male,
            ("MARTIN", None),
            ("LOIC YVES", "Loïc"),
            date(1951, 11, 2),
            ("35238", "RENNES"),
            118,
            Address::new("3", "Allée des Hortensias", "35000", "RENNES"),
            ("tel:0261910102", "tel:0639980102"),
        ),
        durand: patient(
            "durand",
            Sex::Female,
            ("DURAND", None),
            ("GAELLE", "Gaëlle"),
            date(1985, 2, 27),
            ("59350", "LILLE"),
            203,
            Address::new("27", "Rue de la Deûle", "59000", "LILLE"),
            ("tel:0353010103", "tel:0639980103"),
        ),
        paoli: patient(
            "paoli",
            Sex::Male,
            ("PAOLI", None),
            ("JEAN-NOEL ANTOINE", "Jean-Noël"),
            date(1979, 8, 9),
            ("2A004", "AJACCIO"),
            27,
            Address::new("5", "Cours Julien", "13006", "MARSEILLE"),
            ("tel:0465710104", "tel:0639980104"),
        ),
        biologist: pro("1009990001", Sex::Female, ("Agathe", "VERDIER"), BIOLOGY, &lab),
        gp_lyon: pro("1009990002", Sex::Male, ("Étienne", "FAURE"), GENERAL_PRACTICE, &practice_lyon),
        endocrinologist: pro("1009990003", Sex::Female, ("Isabelle", "ROCHE"), ENDOCRINOLOGY, &endocrinology),
        gp_rennes: pro(
            "1009990004",
            Sex::Female,
            ("Anne-Sophie", "LE GALL"),
            GENERAL_PRACTICE,
            &practice_rennes,
        ),
        radiologist: pro("1009990005", Sex::Male, ("Marc", "VANDAMME"), RADIOLOGY, &imaging),
        gp_lille: pro("1009990006", Sex::Male, ("Karim", "BENALI"), GENERAL_PRACTICE, &practice_lille),
        cardiologist: pro("1009990007", Sex::Female, ("Sophie", "MARCHETTI"), CARDIOLOGY, &clinic),
        gp_marseille: pro(
            "1009990008",
            Sex::Male,
            ("Laurent", "GIRAUD"),
            GENERAL_PRACTICE,
            &practice_marseille,
        ),
    }
}

const FAMILY_NAMES: &[&str] = &[
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFEVRE",
    "FAURE",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
];
const GIVEN_FEMALE: &[(&str, &str)] = &[
    ("CLAIRE", "Claire"),
    ("NATHALIE", "Nathalie"),
    ("ELODIE", "Élodie"),
    ("CHLOE", "Chloé"),
    ("INES", "Inès"),
    ("MARIE", "Marie"),
    ("LEA", "Léa"),
    ("SYLVIE", "Sylvie"),
    ("FRANCOISE", "Françoise"),
    ("MANON", "Manon"),
    ("AURELIE", "Aurélie"),
    ("JOSEPHINE", "Joséphine"),
];
const GIVEN_MALE: &[(&str, &str)] = &[
    ("PIERRE", "Pierre"),
    ("NICOLAS", "Nicolas"),
    ("JEROME", "Jérôme"),
    ("THEO", "Théo"),
    ("FRANCOIS", "François"),
    ("MEHDI", "Mehdi"),
    ("LUCAS", "Lucas"),
    ("HERVE", "Hervé"),
    ("GAETAN", "Gaëtan"),
    ("ANTOINE", "Antoine"),
    ("BENOIT", "Benoît"),
    ("RAPHAEL", "Raphaël"),
];
/// (COG code, city, postal code of a nearby address)
const PLACES: &[(&str, &str, &str)] = &[
    ("75115", "PARIS 15E ARRONDISSEMENT", "75015"),
    ("69381", "LYON 1ER ARRONDISSEMENT", "69001"),
    ("13055", "MARSEILLE", "13005"),
    ("31555", "TOULOUSE", "31000"),
    ("33063", "BORDEAUX", "33000"),
    ("44109", "NANTES", "44000"),
    ("67482", "STRASBOURG", "67000"),
    ("59350", "LILLE", "59000"),
    ("35238", "RENNES", "35000"),
    ("2A004", "AJACCIO", "20000"),
    ("2B033", "BASTIA", "20200"),
    ("21231", "DIJON", "21000"),
    ("63113", "CLERMONT-FERRAND", "63000"),
    ("87085", "LIMOGES", "87000"),
];
const STREETS: &[&str] = &[
    "Rue de la République",
    "Avenue Jean Jaurès",
    "Rue Victor Hugo",
    "Place de la Mairie",
    "Rue des Écoles",
    "Boulevard Pasteur",
    "Impasse des Lilas",
    "Chemin du Moulin",
];

/// A random fictitious patient for large generated sets.
pub(crate) fn random_patient(rng: &mut SplitMix64, index: usize) -> Patient {
    let sex = if rng.chance(0.5) { Sex::Female } else { Sex::Male };
    let (given, usual) = *rng.pick(if sex == Sex::Female { GIVEN_FEMALE } else { GIVEN_MALE });
    let family = *rng.pick(FAMILY_NAMES);
    let married = sex == Sex::Female && rng.chance(0.3);
    let used = married.then(|| *rng.pick(FAMILY_NAMES));
    let birth = date(1930 + rng.below(90) as i32, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
    let (cog, city, _) = *rng.pick(PLACES);
    let (_, home_city, postal) = *rng.pick(PLACES);
    let street = *rng.pick(STREETS);
    let house = (1 + rng.below(120)).to_string();
    let mut p = patient(
        &format!("{}{index}", used.unwrap_or(family).to_lowercase()),
        sex,
        (family, used),
        (given, usual),
        birth,
        (cog, city),
        1 + rng.below(998) as u16,
        Address::new(&house, street, postal, home_city),
        (&format!("tel:019900{:04}", rng.below(10_000)), &format!("tel:063998{:04}", rng.below(10_000))),
    );
    p.ipp = format!("GEN{index:07}");
    p
}

/// A random professional of `specialty` working at a random organization of `kind`.
pub(crate) fn random_professional(
    rng: &mut SplitMix64,
    specialty: (&'static str, &'static str),
    organization: &Organization,
) -> Professional {
    let sex = if rng.chance(0.5) { Sex::Female } else { Sex::Male };
    let (_, given) = *rng.pick(if sex == Sex::Female { GIVEN_FEMALE } else { GIVEN_MALE });
    let family = *rng.pick(FAMILY_NAMES);
    let rpps = format!("10099{:05}", rng.below(100_000));
    pro(&rpps, sex, (given, family), specialty, organization)
}

/// A random organization: `kind` names it ("Laboratoire", "Centre d'imagerie", ...).
pub(crate) fn random_organization(
    rng: &mut SplitMix64,
    kind: &str,
    facility: (&'static str, &'static str),
    practice_setting: (&'static str, &'static str),
) -> Organization {
    let (cog, city, postal) = *rng.pick(PLACES);
    let department = if cog.starts_with('2') && !cog.starts_with("2A") && !cog.starts_with("2B") {
        &cog[..2]
    } else if cog.starts_with("2A") || cog.starts_with("2B") {
        "20"
    } else {
        &cog[..2]
    };
    let street = *rng.pick(STREETS);
    org(
        &format!("{department}0999{:02}", rng.below(100)),
        &format!("{kind} {}", title_case(city)),
        Address::new(&(1 + rng.below(80)).to_string(), street, postal, city),
        &format!("tel:019900{:04}", rng.below(10_000)),
        facility,
        practice_setting,
    )
}

fn title_case(city: &str) -> String {
    let mut out = String::with_capacity(city.len());
    let mut start = true;
    for c in city.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c == ' ' || c == '-';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::patients::nir_key;
    use super::*;
    use chrono::Datelike;

    #[test]
    fn every_demo_patient_has_a_valid_fifteen_character_nir() {
        let cast = demo_cast();
        for p in [&cast.dupont, &cast.martin, &cast.durand, &cast.paoli] {
            let nir = p.nir();
            assert_eq!(nir.len(), 15, "{nir}");
            let (body, key) = nir.split_at(13);
            assert_eq!(nir_key(body).map(|k| format!("{k:02}")).as_deref(), Some(key));
            // Sex, birth year and month are encoded in the first digits.
            assert_eq!(&body[..1], if p.sex == Sex::Female { "2" } else { "1" });
            assert_eq!(&body[1..3], &format!("{:02}", p.birth_date.year() % 100));
            assert_eq!(&body[3..5], &format!("{:02}", p.birth_date.month()));
        }
        assert_eq!(&cast.paoli.nir()[5..7], "2A");
        assert_eq!(cast.dupont.nir(), "268056938304234");
    }

    #[test]
    fn random_patients_have_valid_nirs_too() {
        let mut rng = SplitMix64::new(3);
        for i in 0..200 {
            let nir = random_patient(&mut rng, i).nir();
            assert_eq!(nir.len(), 15, "{nir}");
            assert!(nir_key(&nir[..13]).is_some());
        }
    }

    #[test]
    fn rpps_and_finess_extensions_have_their_prefix_and_length() {
        let cast = demo_cast();
        let rpps = cast.biologist.id_extension();
        assert_eq!(rpps.len(), 12);
        assert!(rpps.starts_with('8'));
        let finess = cast.biologist.organization.id_extension();
        assert_eq!(finess.len(), 10);
        assert!(finess.starts_with('1'));
    }
}
