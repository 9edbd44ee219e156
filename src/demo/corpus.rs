//! Generated corpora for benchmarks: many documents shaped like the real ones (lab reports,
//! imaging reports, medical summaries, PDF and text letters), with the versions and
//! duplicates a real folder holds, all reproducible from a seed; and single documents of a
//! chosen size.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::analytes::{self, Analyte};
use super::cast::{
    facility, random_organization, random_patient, random_professional, specialty, AMBULATORY,
    HOSPITAL_SETTING,
};
use super::document::GeneratedDocument;
use super::header::{self, ParticipantRole};
use super::imaging::{ABDOMINAL_ULTRASOUND, CHEST_XRAY};
use super::lab::{self, Chapter, Panel};
use super::patients::{Patient, Professional, Sex};
use super::pdf::Line;
use super::reports::{self, DocId, History, Letter, Parties};
use super::rng::SplitMix64;
use super::time;
use super::vsm::{Allergy, Problem, Summary, Treatment};
use super::xml::XmlWriter;

/// Share of documents that are a second version of the document before them.
const REPLACEMENT_RATE: f64 = 0.05;
/// Share of documents that are a byte-for-byte copy of the document before them (the same
/// file downloaded twice), on top of the replacements.
const DUPLICATE_RATE: f64 = 0.02;

/// The people a generated corpus is about and written by.
pub(crate) struct World {
    seed: u64,
    patients: Vec<Patient>,
    biologists: Vec<Professional>,
    radiologists: Vec<Professional>,
    general_practitioners: Vec<Professional>,
    specialists: Vec<Professional>,
}

impl World {
    /// A world sized for `count` documents (about six per patient).
    pub(crate) fn new(seed: u64, count: usize) -> Self {
        let mut rng = SplitMix64::new(seed ^ 0x5EED_0FC0_4205);
        let patients = (0..(count / 6).max(4)).map(|i| random_patient(&mut rng, i)).collect();
        let mut staff = |n: usize, kind: &str, fac, setting, spec| -> Vec<Professional> {
            (0..n)
                .map(|_| {
                    let org = random_organization(&mut rng, kind, fac, setting);
                    random_professional(&mut rng, spec, &org)
                })
                .collect()
        };
        let biologists = staff(3, "Laboratoire", facility::LABORATORY, AMBULATORY, specialty::BIOLOGY);
        let radiologists =
            staff(2, "Centre d'imagerie", facility::GROUP_PRACTICE, AMBULATORY, specialty::RADIOLOGY);
        let general_practitioners =
            staff(6, "Cabinet médical", facility::SOLO_PRACTICE, AMBULATORY, specialty::GENERAL_PRACTICE);
        let mut specialists = staff(
            2,
            "Centre hospitalier",
            facility::PUBLIC_HOSPITAL,
            HOSPITAL_SETTING,
            specialty::CARDIOLOGY,
        );
        specialists.extend(staff(
            2,
            "Clinique",
            facility::PRIVATE_HOSPITAL,
            HOSPITAL_SETTING,
            specialty::ENDOCRINOLOGY,
        ));
        Self { seed, patients, biologists, radiologists, general_practitioners, specialists }
    }

    /// The first draw of item `i` decides whether it is an original, a replacement or a copy.
    fn draw(&self, i: usize) -> f64 {
        SplitMix64::for_item(self.seed, i as u64).unit()
    }

    fn is_original(&self, i: usize) -> bool {
        i == 0 || self.draw(i) >= REPLACEMENT_RATE + DUPLICATE_RATE
    }

    /// Document `i` of the corpus: its file name and bytes.
    pub(crate) fn document(&self, i: usize) -> (String, Vec<u8>) {
        let draw = self.draw(i);
        if i > 0 && self.is_original(i - 1) {
            if draw < REPLACEMENT_RATE {
                let doc = self.render(i - 1, 2);
                return (format!("{i:05}-{}", doc.file_name), doc.xml.into_bytes());
            }
            if draw < REPLACEMENT_RATE + DUPLICATE_RATE {
                let doc = self.render(i - 1, 1);
                return (format!("{i:05}-copie-{}", doc.file_name), doc.xml.into_bytes());
            }
        }
        let doc = self.render(i, 1);
        (format!("{i:05}-{}", doc.file_name), doc.xml.into_bytes())
    }

    /// Version `version` of the document specified by item `index`.
    fn render(&self, index: usize, version: u32) -> GeneratedDocument {
        let mut rng = SplitMix64::for_item(self.seed, index as u64);
        let _ = rng.unit(); // the draw of `document`
        let patient = rng.pick(&self.patients);
        let gp = rng.pick(&self.general_practitioners);
        let day = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default()
            + Duration::days(rng.below(6 * 365 + 180) as i64);
        let when = day.and_hms_opt(7 + rng.below(11) as u32, rng.below(60) as u32, 0).unwrap_or_default();
        let id = DocId { set: format!("GEN-{}-{index:06}", day.format("%Y%m%d")), version };
        let date = day.format("%Y-%m-%d");
        let choice = rng.unit();
        if choice < 0.45 {
            let author = rng.pick(&self.biologists);
            let parties =
                Parties { patient, author, referrer: gp, referrer_role: ParticipantRole::Prescriber };
            let chapters = random_lab_chapters(&mut rng, patient, day);
            let codes: Vec<_> = chapters.iter().map(|c| c.code).collect();
            let validated = when + Duration::hours(6) + Duration::days(i64::from(version - 1));
            let header = reports::lab_header(parties, id, when, validated, &codes);
            let name = format!("cr-bio-{date}-{}{}.xml", patient.slug, suffix(version));
            reports::lab_document(name, header, when, chapters)
        } else if choice < 0.65 {
            let author = rng.pick(&self.radiologists);
            let parties =
                Parties { patient, author, referrer: gp, referrer_role: ParticipantRole::Prescriber };
            let name = format!("cr-imagerie-{date}-{}{}.xml", patient.slug, suffix(version));
            if rng.chance(0.6) {
                reports::imaging_document(
                    name,
                    parties,
                    id,
                    CHEST_XRAY,
                    when,
                    "Dyspnée d'effort récente. Recherche d'une anomalie pleuro-parenchymateuse.",
                    "Radiographie du thorax de face et de profil, debout.",
                    Some(rng.range(0.04, 0.2)),
                    &[
                        "Pas d'opacité parenchymateuse.",
                        "Culs-de-sac pleuraux libres.",
                        "Index cardio-thoracique normal.",
                    ],
                    "Radiographie thoracique sans anomalie.",
                )
            } else {
                reports::imaging_document(
                    name,
                    parties,
                    id,
                    ABDOMINAL_ULTRASOUND,
                    when,
                    "Douleurs de l'hypochondre droit post-prandiales.",
                    "Échographie abdominale par voie transcutanée, patient à jeun.",
                    None,
                    &[
                        "Foie de taille et d'échostructure normales.",
                        "Vésicule biliaire lithiasique, paroi fine.",
                        "Voies biliaires non dilatées.",
                        "Reins et rate sans particularité.",
                    ],
                    "Lithiase vésiculaire non compliquée.",
                )
            }
        } else if choice < 0.75 {
            let parties = Parties {
                patient,
                author: gp,
                referrer: gp,
                referrer_role: ParticipantRole::PrimaryCarePhysician,
            };
            let name = format!("vsm-{date}-{}{}.xml", patient.slug, suffix(version));
            let (active, treatments) = random_problems(&mut rng, day);
            let past = rng.chance(0.5).then(|| Problem {
                cim10: "J18.9",
                cim10_display: "Pneumopathie, sans précision",
                label: "Pneumopathie infectieuse",
                start: day - Duration::days(400),
                end: Some(day - Duration::days(386)),
            });
            let allergy = rng.chance(0.3).then(|| Allergy {
                agent_atc: "J01CA04",
                agent: "Amoxicilline",
                allergy_snomed: ("91936005", "Allergie à la pénicilline"),
                reaction: "Éruption cutanée",
                since: day - Duration::days(3000),
            });
            reports::vsm_document(name, parties, id, when, |header| Summary {
                header,
                active_problems: active,
                past_problems: past.into_iter().collect(),
                allergies: allergy.into_iter().collect(),
                treatments,
                vigilance: vec!["Pas de point de vigilance particulier.".into()],
            })
        } else {
            let author = rng.pick(&self.specialists);
            let parties = Parties {
                patient,
                author,
                referrer: gp,
                referrer_role: ParticipantRole::PrimaryCarePhysician,
            };
            let (letter, kind, end) = if rng.chance(0.5) {
                (Letter::Discharge, "lettre-liaison", when + Duration::days(1 + rng.below(8) as i64))
            } else {
                (Letter::Consultation, "consultation", when + Duration::minutes(30))
            };
            let as_pdf = rng.chance(0.8);
            let lines = random_letter(&mut rng, letter, patient, author, when);
            let name = format!(
                "{kind}-{date}-{}{}{}.xml",
                patient.slug,
                if as_pdf { "-pdf" } else { "-texte" },
                suffix(version)
            );
            let title = match letter {
                Letter::Discharge => "Lettre de liaison à la sortie",
                Letter::Consultation => "Compte rendu de consultation",
            };
            reports::letter_document(name, parties, id, letter, title.into(), (when, end), &lines, as_pdf)
        }
    }
}

fn suffix(version: u32) -> String {
    if version > 1 {
        format!("-v{version}")
    } else {
        String::new()
    }
}

/// A value of `analyte`, usually inside its reference range, sometimes out of it, rounded to
/// the analyte's precision so entry and narrative show the same number.
fn random_value(rng: &mut SplitMix64, analyte: &Analyte) -> f64 {
    let low = analyte.low.unwrap_or(0.0);
    let high = analyte.high.unwrap_or(low * 2.0);
    let span = high - low;
    let value = if rng.chance(0.8) {
        rng.range(low + 0.1 * span, high - 0.1 * span)
    } else if rng.chance(0.5) {
        rng.range(high, high + 0.5 * span)
    } else {
        rng.range((low - 0.3 * span).max(low * 0.5), low)
    };
    let scale = 10f64.powi(analyte.decimals as i32);
    (value * scale).round() / scale
}

fn random_lab_chapters(rng: &mut SplitMix64, patient: &Patient, day: NaiveDate) -> Vec<Chapter> {
    let mut values: Vec<(&'static Analyte, f64)> = Vec::new();
    let glycaemia = rng.chance(0.7);
    let renal = rng.chance(0.6);
    let thyroid = rng.chance(0.3);
    let blood_count = rng.chance(0.6) || !(glycaemia || renal || thyroid);
    if glycaemia {
        values.push((&analytes::GLUCOSE, random_value(rng, &analytes::GLUCOSE)));
        values.push((&analytes::HBA1C, random_value(rng, &analytes::HBA1C)));
    }
    if renal {
        let creatinine = random_value(rng, &analytes::CREATININE);
        let egfr = lab::ckd_epi_2009(creatinine, patient.age_on(day), patient.sex == Sex::Female);
        values.push((&analytes::CREATININE, creatinine));
        values.push((&analytes::EGFR, egfr.round()));
    }
    if thyroid {
        values.push((&analytes::TSH, random_value(rng, &analytes::TSH)));
    }
    if blood_count {
        for analyte in analytes::HEMOGRAM_ANALYTES {
            values.push((analyte, random_value(rng, analyte)));
        }
    }
    reports::lab_chapters(&values, &History::new())
}

type ProblemSpec = (&'static str, &'static str, &'static str);
type TreatmentSpec = (&'static str, &'static str, &'static str, u32);

/// Problems (CIM-10 code, CIM-10 label, narrative label) and the treatment each gets (ATC,
/// product, posology, hours between intakes).
const PROBLEMS: [(ProblemSpec, TreatmentSpec); 7] = [
    (
        ("I10", "Hypertension essentielle (primitive)", "Hypertension artérielle"),
        ("C09AA05", "RAMIPRIL 5 mg, comprimé", "1 comprimé le matin", 24),
    ),
    (
        ("E11.9", "Diabète sucré de type 2, sans complication", "Diabète de type 2"),
        ("A10BA02", "METFORMINE 1000 mg, comprimé pelliculé", "1 comprimé matin et soir", 12),
    ),
    (
        ("E78.0", "Hypercholestérolémie essentielle", "Hypercholestérolémie"),
        ("C10AA05", "ATORVASTATINE 20 mg, comprimé pelliculé", "1 comprimé le soir", 24),
    ),
    (
        ("E03.9", "Hypothyroïdie, sans précision", "Hypothyroïdie"),
        ("H03AA01", "LÉVOTHYROXINE SODIQUE 75 µg, comprimé", "1 comprimé le matin à jeun", 24),
    ),
    (
        ("M17.9", "Gonarthrose, sans précision", "Gonarthrose"),
        ("N02BE01", "PARACÉTAMOL 1 g, comprimé", "1 comprimé jusqu'à 3 fois par jour", 8),
    ),
    (
        ("F32.9", "Épisode dépressif, sans précision", "Épisode dépressif"),
        ("N06AB06", "SERTRALINE 50 mg, gélule", "1 gélule le matin", 24),
    ),
    (
        ("K21.9", "Reflux gastro-œsophagien sans œsophagite", "Reflux gastro-œsophagien"),
        ("A02BC05", "ÉSOMÉPRAZOLE 20 mg, gélule gastro-résistante", "1 gélule le matin", 24),
    ),
];

fn random_problems(rng: &mut SplitMix64, day: NaiveDate) -> (Vec<Problem>, Vec<Treatment>) {
    let first = rng.below(PROBLEMS.len() as u64) as usize;
    let count = 1 + rng.below(4) as usize;
    let mut problems = Vec::new();
    let mut treatments = Vec::new();
    for k in 0..count {
        let ((cim10, cim10_display, label), (atc, product, posology, every_hours)) =
            PROBLEMS[(first + k * 3) % PROBLEMS.len()];
        let start = day - Duration::days(30 + rng.below(15 * 365) as i64);
        problems.push(Problem { cim10, cim10_display, label, start, end: None });
        treatments.push(Treatment {
            atc,
            product,
            posology,
            tablets: 1,
            every_hours,
            start,
            reason: Some(k),
        });
    }
    (problems, treatments)
}

fn random_letter(
    rng: &mut SplitMix64,
    letter: Letter,
    patient: &Patient,
    author: &Professional,
    when: NaiveDateTime,
) -> Vec<Line> {
    const REASONS: [&str; 5] = [
        "décompensation cardiaque à fraction d'éjection préservée",
        "pneumopathie communautaire",
        "malaise avec perte de connaissance brève",
        "déséquilibre glycémique",
        "douleur thoracique atypique",
    ];
    const CONCLUSIONS: [&str; 4] = [
        "Évolution favorable, retour à domicile.",
        "Traitement adapté, contrôle biologique dans 15 jours.",
        "Pas de cause grave retrouvée ; surveillance par le médecin traitant.",
        "Avis spécialisé à programmer dans 3 mois.",
    ];
    let heading = match letter {
        Letter::Discharge => "LETTRE DE LIAISON À LA SORTIE",
        Letter::Consultation => "COMPTE RENDU DE CONSULTATION",
    };
    vec![
        Line::Heading(author.organization.name.clone()),
        Line::Text(author.organization.address.one_line()),
        Line::Blank,
        Line::Heading(heading.into()),
        Line::Text(format!(
            "Patient(e) : {}, né(e) le {}.",
            patient.display_name(),
            time::fr_date(patient.birth_date)
        )),
        Line::Text(format!("Date : {}.", time::fr_date(when.date()))),
        Line::Text(format!("Motif : {}.", rng.pick(&REASONS))),
        Line::Text(rng.pick(&CONCLUSIONS).to_string()),
        Line::Blank,
        Line::Text(author.display_name()),
        Line::Text("Document fictif généré par Vigie.".into()),
    ]
}

/// One lab report of about `target_bytes`: the demo's first patient, with sub-chapters of
/// random results appended until the size is reached.
pub(crate) fn large_lab_report(target_bytes: usize) -> String {
    let cast = super::cast::demo_cast();
    let mut rng = SplitMix64::new(target_bytes as u64);
    let collected =
        NaiveDate::from_ymd_opt(2024, 6, 4).and_then(|d| d.and_hms_opt(8, 0, 0)).unwrap_or_default();
    let parties = Parties {
        patient: &cast.dupont,
        author: &cast.biologist,
        referrer: &cast.gp_lyon,
        referrer_role: ParticipantRole::Prescriber,
    };
    let mut header = reports::lab_header(
        parties,
        DocId::first("CRBIO-BENCH-0001"),
        collected,
        collected + Duration::hours(8),
        &[analytes::BIOCHEMISTRY, analytes::HEMATOLOGY],
    );
    header.title = "Compte rendu d'examens de biologie médicale (document volumineux de test)".into();

    let mut x = XmlWriter::with_capacity(target_bytes + 64 * 1024);
    header::write_header(&mut x, &header);
    x.open("component", &[]);
    x.open("structuredBody", &[]);
    let closing = "</structuredBody></component></ClinicalDocument>".len() + 16;
    let mut n = 0;
    let mut last_chunk = 0;
    loop {
        n += 1;
        let before = x.len();
        let chapter = random_chapter(&mut rng, &cast.dupont, collected.date(), n);
        lab::write_chapter(&mut x, &chapter, collected, &cast.biologist, &format!("c{n}"));
        last_chunk = last_chunk.max(x.len() - before);
        if x.len() + closing + last_chunk / 2 >= target_bytes {
            break;
        }
    }
    x.finish()
}

/// A chapter holding one sub-chapter of random results, so the document grows in small steps.
fn random_chapter(rng: &mut SplitMix64, patient: &Patient, day: NaiveDate, n: usize) -> Chapter {
    let mut chapters = random_lab_chapters(rng, patient, day);
    let pick = rng.below(chapters.len().max(1) as u64) as usize;
    let mut chapter = if chapters.is_empty() {
        Chapter { code: analytes::BIOCHEMISTRY, title: "BIOCHIMIE".into(), panels: Vec::new() }
    } else {
        chapters.swap_remove(pick)
    };
    let panel_pick = rng.below(chapter.panels.len().max(1) as u64) as usize;
    let panels: Vec<Panel> = chapter.panels.drain(..).skip(panel_pick).take(1).collect();
    chapter.panels = panels;
    chapter.title = format!("{} — série {n}", chapter.title);
    chapter
}
