//! The fixed demo set: a story a new user can follow. Hélène DUPONT's diabetes, kidney
//! function, thyroid and blood count over two years of lab reports (one corrected by a second
//! version), a diabetology consultation as compressed text, all three sent to her GP in an
//! MSSanté XDM package; Loïc MARTIN's medical summary; Gaëlle DURAND's chest X-ray report;
//! Jean-Noël PAOLI's discharge letter as a PDF.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::analytes::{self, Analyte};
use super::cast::{demo_cast, Cast};
use super::document::GeneratedDocument;
use super::header::ParticipantRole;
use super::imaging::CHEST_XRAY;
use super::lab;
use super::pdf::Line;
use super::reports::{self, DocId, History, Letter, Parties};
use super::vsm::{Allergy, Problem, Summary, Treatment};
use super::xdm::{self, Submission};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).and_then(|date| date.and_hms_opt(h, min, 0)).unwrap_or_default()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// One blood test: what was measured that morning.
struct Visit {
    collected: (i32, u32, u32, u32, u32),
    glucose: f64,
    hba1c: f64,
    creatinine: f64,
    tsh: Option<f64>,
    /// Leucocytes, hématies, hémoglobine, hématocrite, VGM, plaquettes.
    blood_count: Option<[f64; 6]>,
}

/// Hélène DUPONT's visits: glycaemic control improves under treatment, creatinine creeps
/// up (the eGFR falls under 60 at the end), a hypothyroidism appears and is treated, a mild
/// anaemia comes and goes.
const VISITS: [Visit; 6] = [
    Visit {
        collected: (2023, 1, 10, 8, 5),
        glucose: 8.9,
        hba1c: 8.6,
        creatinine: 68.0,
        tsh: Some(2.10),
        blood_count: Some([6.8, 4.21, 12.9, 38.9, 92.0, 254.0]),
    },
    Visit {
        collected: (2023, 5, 16, 7, 50),
        glucose: 7.6,
        hba1c: 7.9,
        creatinine: 72.0,
        tsh: None,
        blood_count: None,
    },
    Visit {
        collected: (2023, 10, 3, 8, 20),
        glucose: 6.8,
        hba1c: 7.3,
        creatinine: 79.0,
        tsh: Some(6.85),
        blood_count: Some([7.4, 3.72, 11.4, 34.6, 93.0, 301.0]),
    },
    Visit {
        collected: (2024, 3, 12, 8, 15),
        glucose: 6.2,
        hba1c: 6.9,
        creatinine: 86.0,
        tsh: Some(5.10),
        blood_count: Some([5.9, 3.85, 11.8, 35.8, 93.0, 287.0]),
    },
    Visit {
        collected: (2024, 9, 17, 7, 45),
        glucose: 5.7,
        hba1c: 6.5,
        creatinine: 93.0,
        tsh: Some(3.20),
        blood_count: None,
    },
    Visit {
        collected: (2024, 12, 10, 8, 10),
        glucose: 5.4,
        hba1c: 6.2,
        creatinine: 97.0,
        tsh: Some(2.40),
        blood_count: Some([6.5, 4.30, 13.1, 39.4, 92.0, 262.0]),
    },
];

/// The visit whose first report carried a typo and was replaced by a version 2.
const CORRECTED_VISIT: usize = 3;

impl Visit {
    fn collected(&self) -> NaiveDateTime {
        let (y, m, d, h, min) = self.collected;
        at(y, m, d, h, min)
    }

    fn values(&self, cast: &Cast) -> Vec<(&'static Analyte, f64)> {
        let p = &cast.dupont;
        let age = p.age_on(self.collected().date());
        let female = p.sex == super::patients::Sex::Female;
        let egfr = lab::ckd_epi_2009(self.creatinine, age, female).round();
        let mut values = vec![
            (&analytes::GLUCOSE, self.glucose),
            (&analytes::HBA1C, self.hba1c),
            (&analytes::CREATININE, self.creatinine),
            (&analytes::EGFR, egfr),
        ];
        if let Some(tsh) = self.tsh {
            values.push((&analytes::TSH, tsh));
        }
        if let Some(count) = self.blood_count {
            values.extend(analytes::HEMOGRAM_ANALYTES.iter().copied().zip(count));
        }
        values
    }
}

/// Every document of the demo set, in the order a reader would take them, and the XDM zip
/// (file name, bytes).
pub(crate) fn demo_documents() -> (Vec<GeneratedDocument>, (String, Vec<u8>)) {
    let cast = demo_cast();
    let mut docs = lab_series(&cast);
    let consultation = consultation(&cast);
    // The two latest lab reports and the consultation, in date order.
    let mut xdm_members: Vec<GeneratedDocument> = docs[docs.len() - 2..].to_vec();
    xdm_members.push(consultation.clone());
    xdm_members.sort_by_key(|d| d.meta.created);
    docs.push(consultation);
    docs.push(summary(&cast));
    docs.push(chest_xray(&cast));
    docs.push(discharge_letter(&cast));

    let members: Vec<&GeneratedDocument> = xdm_members.iter().collect();
    let zip = xdm::xdm_zip(
        &members,
        &Submission {
            sender: &cast.endocrinologist,
            recipient: &cast.gp_lyon,
            submitted: at(2024, 12, 16, 10, 0),
            title: "Suivi diabétologique de Mme Hélène DUPONT".into(),
            number: 1,
        },
    );
    (docs, ("xdm-mssante-dupont.zip".into(), zip))
}

fn lab_series(cast: &Cast) -> Vec<GeneratedDocument> {
    let parties = Parties {
        patient: &cast.dupont,
        author: &cast.biologist,
        referrer: &cast.gp_lyon,
        referrer_role: ParticipantRole::Prescriber,
    };
    let mut history = History::new();
    let mut docs = Vec::new();
    for (n, visit) in VISITS.iter().enumerate() {
        let collected = visit.collected();
        let values = visit.values(cast);
        let chapters = reports::lab_chapters(&values, &history);
        let codes: Vec<_> = chapters.iter().map(|c| c.code).collect();
        let date = collected.date();
        let set = format!("CRBIO-{}-{:04}", date.format("%Y%m%d"), 40 + n);
        let name = format!("cr-bio-{}-{}", date.format("%Y-%m-%d"), cast.dupont.slug);
        let validated = collected + Duration::hours(7);

        if n == CORRECTED_VISIT {
            // Version 1 went out with the haemoglobin keyed as 1.18 instead of 11.8.
            let mut wrong = chapters.clone();
            for panel in wrong.iter_mut().flat_map(|c| c.panels.iter_mut()) {
                for result in &mut panel.results {
                    if result.analyte == &analytes::HEMOGLOBIN {
                        result.value /= 10.0;
                    }
                }
            }
            let header =
                reports::lab_header(parties, DocId::first(set.clone()), collected, validated, &codes);
            docs.push(reports::lab_document(format!("{name}.xml"), header, collected, wrong));

            let mut corrected = chapters;
            let hb = values.iter().find(|(a, _)| *a == &analytes::HEMOGLOBIN).map_or(0.0, |(_, v)| *v);
            for panel in corrected.iter_mut().flat_map(|c| c.panels.iter_mut()) {
                if panel.battery {
                    panel.comment = Some(format!(
                        "Compte rendu rectificatif : l'hémoglobine publiée le {} ({} g/dL) \
                         résultait d'une erreur de saisie ; la valeur exacte est {} g/dL.",
                        date.format("%d/%m/%Y"),
                        lab::fr_number(hb / 10.0, 2),
                        lab::fr_number(hb, 1)
                    ));
                }
            }
            let reissued = at(2024, 3, 13, 9, 40);
            let id = DocId { set, version: 2 };
            let header = reports::lab_header(parties, id, collected, reissued, &codes);
            docs.push(reports::lab_document(format!("{name}-v2.xml"), header, collected, corrected));
        } else {
            let header = reports::lab_header(parties, DocId::first(set), collected, validated, &codes);
            docs.push(reports::lab_document(format!("{name}.xml"), header, collected, chapters));
        }
        for (analyte, value) in values {
            history.insert(analyte.loinc, (date, value));
        }
    }
    docs
}

/// The diabetology consultation of 24/09/2024, as deflated plain text, quoting the lab
/// values of the week before so the documents agree with each other.
fn consultation(cast: &Cast) -> GeneratedDocument {
    let p = &cast.dupont;
    let first = VISITS[0].values(cast);
    let last = VISITS[4].values(cast);
    let value = |values: &[(&'static Analyte, f64)], analyte: &Analyte| {
        values
            .iter()
            .find(|(a, _)| *a == analyte)
            .map(|(a, v)| format!("{} {}", lab::fr_number(*v, a.decimals), a.unit_display))
            .unwrap_or_default()
    };
    let start = at(2024, 9, 24, 14, 30);
    let lines = vec![
        Line::Heading("Consultation de diabétologie du 24/09/2024".into()),
        Line::Blank,
        Line::Text(format!(
            "Patiente : Mme {}, {} ans. Adressée par {}.",
            p.display_name(),
            p.age_on(start.date()),
            cast.gp_lyon.display_name()
        )),
        Line::Text("Motif : suivi d'un diabète de type 2 connu depuis 2019.".into()),
        Line::Blank,
        Line::Text(format!(
            "Biologie du 17/09/2024 : HbA1c {} (contre {} en janvier 2023), glycémie à jeun {}, \
             créatinine {}, DFG {}.",
            value(&last, &analytes::HBA1C),
            value(&first, &analytes::HBA1C),
            value(&last, &analytes::GLUCOSE),
            value(&last, &analytes::CREATININE),
            value(&last, &analytes::EGFR)
        )),
        Line::Text(format!(
            "TSH {} sous lévothyroxine 50 µg depuis octobre 2023 : euthyroïdie.",
            value(&last, &analytes::TSH)
        )),
        Line::Blank,
        Line::Text(
            "Conclusion : objectif glycémique atteint (HbA1c < 7 %). Baisse progressive du DFG, \
             à surveiller : adapter la metformine si le DFG passe sous 45 mL/min/1,73 m²."
                .into(),
        ),
        Line::Text("Prochain contrôle biologique dans 3 mois (HbA1c, créatinine, NFS).".into()),
        Line::Blank,
        Line::Text(format!("{} — Endocrinologie", cast.endocrinologist.display_name())),
    ];
    reports::letter_document(
        format!("consultation-2024-09-24-{}-deflate.xml", p.slug),
        Parties {
            patient: p,
            author: &cast.endocrinologist,
            referrer: &cast.gp_lyon,
            referrer_role: ParticipantRole::PrimaryCarePhysician,
        },
        DocId::first("CS-20240924-0007"),
        Letter::Consultation,
        "Compte rendu de consultation de diabétologie".into(),
        (start, start + Duration::minutes(30)),
        &lines,
        false,
    )
}

fn summary(cast: &Cast) -> GeneratedDocument {
    let problem =
        |cim10, cim10_display, label, start, end| Problem { cim10, cim10_display, label, start, end };
    let active = vec![
        problem(
            "I10",
            "Hypertension essentielle (primitive)",
            "Hypertension artérielle",
            day(2009, 3, 15),
            None,
        ),
        problem(
            "E11.9",
            "Diabète sucré de type 2, sans complication",
            "Diabète de type 2",
            day(2014, 6, 2),
            None,
        ),
        problem("E78.0", "Hypercholestérolémie essentielle", "Hypercholestérolémie", day(2016, 9, 20), None),
        problem(
            "I48.0",
            "Fibrillation auriculaire paroxystique",
            "Fibrillation atriale paroxystique",
            day(2021, 10, 8),
            None,
        ),
    ];
    let past = vec![
        problem(
            "S52.5",
            "Fracture de l'extrémité inférieure du radius",
            "Fracture du poignet gauche (chute)",
            day(2012, 12, 3),
            Some(day(2013, 2, 10)),
        ),
        problem(
            "J18.9",
            "Pneumopathie, sans précision",
            "Pneumopathie infectieuse",
            day(2019, 1, 12),
            Some(day(2019, 1, 26)),
        ),
    ];
    let treatment = |atc, product, posology, tablets, every_hours, start, reason| Treatment {
        atc,
        product,
        posology,
        tablets,
        every_hours,
        start,
        reason: Some(reason),
    };
    let treatments = vec![
        treatment("C09AA05", "RAMIPRIL 5 mg, comprimé", "1 comprimé le matin", 1, 24, day(2009, 3, 15), 0),
        treatment(
            "A10BA02",
            "METFORMINE 1000 mg, comprimé pelliculé",
            "1 comprimé matin et soir",
            1,
            12,
            day(2014, 6, 2),
            1,
        ),
        treatment(
            "C10AA05",
            "ATORVASTATINE 20 mg, comprimé pelliculé",
            "1 comprimé le soir",
            1,
            24,
            day(2016, 9, 20),
            2,
        ),
        treatment(
            "B01AF02",
            "APIXABAN 5 mg, comprimé pelliculé",
            "1 comprimé matin et soir",
            1,
            12,
            day(2021, 10, 8),
            3,
        ),
    ];
    reports::vsm_document(
        format!("vsm-{}.xml", cast.martin.slug),
        Parties {
            patient: &cast.martin,
            author: &cast.gp_rennes,
            referrer: &cast.gp_rennes,
            referrer_role: ParticipantRole::PrimaryCarePhysician,
        },
        DocId::first("VSM-20250120-0001"),
        at(2025, 1, 20, 10, 30),
        |header| {
            Summary {
            header,
            active_problems: active,
            past_problems: past,
            allergies: vec![Allergy {
                agent_atc: "J01CA04",
                agent: "Amoxicilline",
                allergy_snomed: ("91936005", "Allergie à la pénicilline"),
                reaction: "Urticaire généralisée",
                since: day(1998, 7, 1),
            }],
            treatments,
            vigilance: vec![
                "Anticoagulant (apixaban) : risque hémorragique, éviter les AINS.".into(),
                "Allergie aux pénicillines : pas d'amoxicilline ni de dérivés.".into(),
                "Fonction rénale à surveiller (metformine, apixaban) : DFG 64 mL/min/1,73 m² en décembre 2024."
                    .into(),
            ],
        }
        },
    )
}

fn chest_xray(cast: &Cast) -> GeneratedDocument {
    reports::imaging_document(
        format!("cr-imagerie-2024-11-05-{}.xml", cast.durand.slug),
        Parties {
            patient: &cast.durand,
            author: &cast.radiologist,
            referrer: &cast.gp_lille,
            referrer_role: ParticipantRole::Prescriber,
        },
        DocId::first("IMG-20241105-0312"),
        CHEST_XRAY,
        at(2024, 11, 5, 10, 40),
        "Toux sèche persistante depuis trois semaines chez une patiente non fumeuse, \
         fébricule à 38 °C. Recherche d'un foyer pulmonaire.",
        "Radiographie du thorax de face et de profil, debout, en inspiration profonde.",
        Some(0.08),
        &[
            "Pas d'opacité parenchymateuse systématisée ni de nodule.",
            "Discret épaississement péribronchique des bases.",
            "Culs-de-sac pleuraux libres, pas d'épanchement.",
            "Silhouette cardio-médiastinale de taille normale.",
            "Pas d'anomalie osseuse visible.",
        ],
        "Aspect compatible avec une bronchite ; pas de pneumopathie franche. \
         Contrôle radiographique si persistance des symptômes au-delà de 6 semaines.",
    )
}

fn discharge_letter(cast: &Cast) -> GeneratedDocument {
    let p = &cast.paoli;
    let doctor = &cast.cardiologist;
    let clinic = &doctor.organization;
    let (admitted, discharged) = (at(2024, 7, 8, 9, 0), at(2024, 7, 12, 16, 30));
    let lines = vec![
        Line::Heading(clinic.name.clone()),
        Line::Text(format!("{} — Service de cardiologie", clinic.address.one_line())),
        Line::Blank,
        Line::Heading("LETTRE DE LIAISON À LA SORTIE".into()),
        Line::Text(format!(
            "Patient : M. {}, né le {} à {} (Corse-du-Sud).",
            p.display_name(),
            p.birth_date.format("%d/%m/%Y"),
            "Ajaccio"
        )),
        Line::Text(format!("INS (démonstration) : {}", p.nir())),
        Line::Text("Séjour du 08/07/2024 au 12/07/2024.".into()),
        Line::Text(format!("Médecin traitant : {}.", cast.gp_marseille.display_name())),
        Line::Blank,
        Line::Text("Motif d'hospitalisation : douleur thoracique atypique à l'effort.".into()),
        Line::Text(
            "Examens : ECG normal ; troponine négative à deux reprises ; coronarographie : \
             réseau coronaire sans lésion significative."
                .into(),
        ),
        Line::Text(
            "Conclusion : douleur thoracique non coronarienne ; reflux gastro-œsophagien probable.".into(),
        ),
        Line::Text("Traitement de sortie : ésoméprazole 20 mg, 1 gélule le matin pendant 4 semaines.".into()),
        Line::Text("Suivi : consultation chez le médecin traitant dans un mois.".into()),
        Line::Blank,
        Line::Text(format!("{} — Cardiologie", doctor.display_name())),
        Line::Text("Document fictif généré par Vigie à des fins de démonstration.".into()),
    ];
    reports::letter_document(
        format!("lettre-liaison-2024-07-12-{}-pdf.xml", p.slug),
        Parties {
            patient: p,
            author: doctor,
            referrer: &cast.gp_marseille,
            referrer_role: ParticipantRole::PrimaryCarePhysician,
        },
        DocId::first("LL-20240712-0458"),
        Letter::Discharge,
        "Lettre de liaison à la sortie — cardiologie".into(),
        (admitted, discharged),
        &lines,
        true,
    )
}
