//! Clinical summaries read from structured entries: the corpus's summaries (VSM 1.4, IPS-FR,
//! lettres de liaison) and every other document with such sections, by snapshot (text and
//! JSON); facts asserted by hand from reading the XML; every corpus document summarised
//! without panic, truncated ones too; and `vigie clinical` as a user runs it.

mod common;

use std::process::Command;

use vigie::clinical::{
    self, present, Category, ClinicalItem, ClinicalSummary, DocumentClinical, ItemLabelSource,
};
use vigie::summary::Lang;
use vigie::xml::Limits;

const VSM: &str = "TestContenuCDA-3-0__ExemplesCDA__VSM_1.4_2022.01.xml";
const VSM_2_41: &str = "TestContenuCDA-2-41__ExemplesCDA__VSM_1.4.xml";
const IPS: &str = "TestContenuCDA-3-0__ExemplesCDA__IPS-FR_2024.01.xml";
const LDL_EES: &str = "TestContenuCDA-3-0__ExemplesCDA__LDL-EES_2022.01.xml";
const LDL_SES: &str = "TestContenuCDA-3-0__ExemplesCDA__LDL-SES_2022.01.xml";
const CR_BIO: &str = "TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml";

/// The summary documents the issue names: VSM 1.4 (both kit versions), IPS-FR, the two
/// lettres de liaison.
const SUMMARIES: &[&str] = &[VSM_2_41, VSM, IPS, LDL_EES, LDL_SES];

fn summarise(name: &str) -> ClinicalSummary {
    let document = vigie::read_path(&common::corpus_file(name), &Limits::default());
    clinical::extract(&document)
}

/// The summary as `vigie clinical` prints it, headed by the file's name (not its path).
fn text(name: &str, lang: Lang) -> String {
    let document = vigie::read_path(&common::corpus_file(name), &Limits::default());
    let header = document.cda.as_ref().map(|c| &c.header);
    let clinical = DocumentClinical {
        file: name.to_string(),
        title: header.and_then(|h| h.title.as_ref()).map(|t| t.text.clone()),
        document_date: header.and_then(|h| h.effective_time.clone()),
        summary: clinical::extract(&document),
    };
    present::text(&clinical, lang)
}

/// The first item whose label contains `label`, in a category.
fn item<'a>(summary: &'a ClinicalSummary, category: Category, label: &str) -> &'a ClinicalItem {
    summary
        .groups
        .iter()
        .filter(|g| g.category == category)
        .flat_map(|g| g.sections.iter().flat_map(|s| s.items.iter()))
        .find(|i| i.label.as_deref().is_some_and(|l| l.contains(label)))
        .unwrap_or_else(|| panic!("no {category:?} item labelled {label:?}"))
}

fn categories(summary: &ClinicalSummary) -> Vec<Category> {
    summary.groups.iter().map(|g| g.category).collect()
}

// ---------------------------------------------------------------------------------------
// The corpus, by snapshot
// ---------------------------------------------------------------------------------------

#[test]
fn the_summary_documents_by_snapshot_in_text_and_json() {
    for name in SUMMARIES {
        insta::assert_snapshot!(format!("text__{name}"), text(name, Lang::Fr));
        insta::assert_json_snapshot!(format!("json__{name}"), summarise(name));
    }
}

/// Every other document of the corpus with clinical statement sections (anaesthesia, DLU,
/// certificates, AVC, cancer, prescriptions…), in text.
#[test]
fn every_other_corpus_document_with_clinical_sections_by_snapshot() {
    let mut count = 0;
    for path in common::corpus() {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if SUMMARIES.contains(&name.as_str()) || summarise(&name).is_empty() {
            continue;
        }
        count += 1;
        insta::assert_snapshot!(format!("text__{name}"), text(&name, Lang::Fr));
    }
    assert!(count >= 25, "expected the corpus's other documents with clinical sections, found {count}");
}

#[test]
fn the_summaries_hold_what_the_volets_ask_for() {
    let vsm = summarise(VSM);
    assert_eq!(vsm.item_count, 11);
    assert_eq!(
        categories(&vsm),
        [
            Category::Allergies,
            Category::Vigilance,
            Category::Problems,
            Category::Medications,
            Category::MedicalHistory,
            Category::SurgicalHistory,
            Category::FamilyHistory,
            Category::RiskFactors,
            Category::SocialHistory,
        ],
        "allergies first, in the order a physician reads a summary"
    );
    let ips = summarise(IPS);
    assert_eq!(ips.item_count, 25);
    for category in [
        Category::Allergies,
        Category::AdverseEffects,
        Category::Vigilance,
        Category::Problems,
        Category::Medications,
        Category::MedicalHistory,
        Category::SurgicalHistory,
        Category::FamilyHistory,
        Category::SocialHistory,
        Category::Immunizations,
        Category::PregnancyHistory,
        Category::Devices,
    ] {
        assert!(categories(&ips).contains(&category), "IPS-FR has no {category:?}");
    }
    assert_eq!(summarise(LDL_EES).item_count, 4);
    assert_eq!(summarise(LDL_SES).item_count, 4);
}

// ---------------------------------------------------------------------------------------
// Facts asserted by hand from the XML
// ---------------------------------------------------------------------------------------

/// VSM 1.4 (2022.01), lines 1255–1331: PLAVIX 75 mg, 2 tablets once a day by mouth since
/// 11/08/2019, for unstable angina (I20.0). The narrative says "1 cp/j": what is coded is
/// what is shown.
#[test]
fn plavix_in_the_vsm_has_its_dose_route_frequency_and_reason() {
    let vsm = summarise(VSM);
    let plavix = item(&vsm, Category::Medications, "PLAVIX");
    assert_eq!(plavix.statement, "substanceAdministration");
    assert_eq!(plavix.label.as_deref(), Some("PLAVIX 75 mg, comprimé pelliculé"));
    assert_eq!(plavix.label_source, Some(ItemLabelSource::Product));
    assert_eq!(plavix.position.map(|p| p.line), Some(1255));
    assert!(plavix.kind.is_none(), "DRUG says no more than the section does");
    let period = plavix.effective_time.as_ref().expect("a period");
    assert_eq!(period.low.as_ref().map(|t| t.raw()), Some("20190811"));
    assert!(period.high.is_none(), "the end is nullFlavor UNK");

    let a = plavix.administration.as_ref().expect("the administration's particulars");
    let product = a.product.as_ref().expect("a product");
    assert_eq!((product.code.as_deref(), product.system_name.as_deref()), (Some("63564053"), Some("CIS")));
    assert_eq!(a.product_name.as_deref(), Some("PLAVIX 75 mg"));
    assert_eq!(a.dose.as_ref().map(|d| d.display.as_str()), Some("2 {tablet}"));
    assert!(a.rate.is_none(), "rateQuantity is nullFlavor NAV");
    assert!(a.max_dose.is_none(), "maxDoseQuantity holds an empty numerator and denominator");
    let route = a.route.as_ref().expect("a route");
    assert_eq!((route.code.as_deref(), route.label.as_deref()), (Some("20053000"), Some("Voie orale")));
    assert_eq!(a.timing.len(), 1);
    assert_eq!(a.timing[0].xsi_type.as_deref(), Some("PIVL_TS"));
    assert_eq!(a.timing[0].period.as_deref(), Some("1 d"));
    assert_eq!(a.lot_number, None, "an empty lotNumberText");

    assert_eq!(plavix.reasons.len(), 1);
    assert_eq!(plavix.reasons[0].code.as_deref(), Some("I20.0"));
    assert_eq!(plavix.reasons[0].label.as_deref(), Some("Angine de poitrine instable"));

    let shown = text(VSM, Lang::Fr);
    assert!(
        shown.contains("    - PLAVIX 75 mg, comprimé pelliculé  [CIS 63564053] — depuis le 11/08/2019\n"),
        "{shown}"
    );
    assert!(shown.contains("        dose : 2 comprimés · 1 fois par jour · voie : Voie orale\n"), "{shown}");
    assert!(
        shown.contains("        dose : 1 comprimé · toutes les 6 h · voie : Voie orale\n"),
        "COUMADINE\n{shown}"
    );
    let english = text(VSM, Lang::En);
    assert!(english.contains("        dose: 2 tablets · once a day · route: Voie orale\n"), "{english}");
}

/// VSM 1.4 (2022.01), lines 900–962: an allergy to PARACETAMOL (CIS 60234100), a drug
/// allergy since 03/06/2018, its clinical status coded "inactive" while the narrative's
/// status cell (which the status observation references) reads "Intermittent".
#[test]
fn the_paracetamol_allergy_in_the_vsm_has_its_agent_type_and_status() {
    let vsm = summarise(VSM);
    assert_eq!(vsm.groups[0].category, Category::Allergies);
    let allergy = item(&vsm, Category::Allergies, "PARACETAMOL");
    assert_eq!(allergy.statement, "observation");
    assert_eq!(allergy.label_source, Some(ItemLabelSource::Substance));
    assert_eq!(allergy.position.map(|p| p.line), Some(900));
    let substance = allergy.substance.as_ref().expect("the agent");
    assert_eq!(
        (substance.code.as_deref(), substance.system_name.as_deref()),
        (Some("60234100"), Some("CIS"))
    );
    assert_eq!(substance.reference_text.as_deref(), Some("Paracétamol"));
    let kind = allergy.kind.as_ref().expect("the type of allergy");
    assert_eq!(
        (kind.code.as_deref(), kind.label.as_deref()),
        (Some("416098002"), Some("allergie médicamenteuse"))
    );
    assert!(allergy.code.is_none(), "the value is an empty CD: no clinical description");
    assert_eq!(
        allergy.effective_time.as_ref().and_then(|t| t.low.as_ref()).map(|t| t.raw()),
        Some("20180603")
    );

    let status = allergy.clinical_status.as_ref().expect("a clinical status");
    assert_eq!((status.code.as_deref(), status.label.as_deref()), (Some("inactive"), Some("Inactif")));
    assert_eq!(
        status.reference_text.as_deref(),
        Some("Intermittent"),
        "the narrative's word, from the observation's text"
    );
    let concern = allergy.concern.as_ref().expect("the allergy list entry");
    assert_eq!(concern.status.as_deref(), Some("active"));
    assert!(concern.effective_time.is_none(), "its low is nullFlavor UNK");
    assert_eq!(present::item_status(allergy, Lang::Fr).as_deref(), Some("Inactif (texte : Intermittent)"));
}

/// IPS-FR, lines 1747–1985: PARACETAMOL (CIM-11 XM5DJ7), active, low criticality, confirmed,
/// with two reactions and their severities.
#[test]
fn the_ips_allergy_has_its_criticality_certainty_and_reactions() {
    let ips = summarise(IPS);
    let allergy = item(&ips, Category::Allergies, "PARACETAMOL");
    let substance = allergy.substance.as_ref().expect("the agent");
    assert_eq!(
        (substance.code.as_deref(), substance.system_name.as_deref()),
        (Some("XM5DJ7"), Some("CIM-11"))
    );
    assert_eq!(allergy.clinical_status.as_ref().and_then(|c| c.label.as_deref()), Some("Actif"));
    assert_eq!(allergy.criticality.as_ref().and_then(|c| c.label.as_deref()), Some("Bas"));
    assert_eq!(allergy.certainty.as_ref().and_then(|c| c.label.as_deref()), Some("Confirmé"));
    let reactions: Vec<(&str, &str)> = allergy
        .reactions
        .iter()
        .map(|r| {
            (
                r.label.as_deref().unwrap_or(""),
                r.severity.as_ref().and_then(|s| s.label.as_deref()).unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        reactions,
        [
            ("Bronchospasme d'origine médicamenteuse", "modéré"),
            ("Troubles allergiques ou d'hypersensibilité de la peau ou des muqueuses", "léger"),
        ]
    );
}

/// IPS-FR, lines 2033–2250: the adverse effect to AMOXICILLINE: the type is written once
/// (the value only repeats it as narrative text), the imputability coded "certain(e)" while
/// the narrative says "probable".
#[test]
fn the_ips_adverse_effect_shows_its_type_once_and_the_narratives_other_words() {
    let ips = summarise(IPS);
    let effect = item(&ips, Category::AdverseEffects, "AMOXICILLINE");
    assert_eq!(effect.kind.as_ref().and_then(|k| k.label.as_deref()), Some("interaction médicamenteuse"));
    assert!(effect.code.is_none(), "a value of narrative words only, repeating the type");
    assert_eq!(effect.substance.as_ref().and_then(|s| s.code.as_deref()), Some("3400935186607"));
    assert_eq!(effect.reactions.len(), 1);
    assert_eq!(effect.reactions[0].label.as_deref(), Some("Nausée"));
    let imputability = effect
        .details
        .iter()
        .find(|d| d.code.as_ref().and_then(|c| c.code.as_deref()) == Some("GEN-318"))
        .expect("the imputability");
    assert_eq!(
        present::detail_value(imputability, Lang::Fr).as_deref(),
        Some("certain(e) (texte : probable)")
    );
}

/// IPS-FR, lines 2296 and 3371: LEVOTHYROX with the narrative's words for its dose and
/// frequency; REVAXIS with its lot, rank, route, site and performer.
#[test]
fn the_ips_treatment_and_vaccination_keep_their_particulars() {
    let ips = summarise(IPS);
    let levothyrox = item(&ips, Category::Medications, "LEVOTHYROX");
    let a = levothyrox.administration.as_ref().expect("particulars");
    let dose = a.dose.as_ref().expect("a dose");
    assert_eq!((dose.display.as_str(), dose.text.as_deref()), ("1 {tablet}", Some("1 cp")));
    assert_eq!(a.timing[0].text.as_deref(), Some("1 fois/j"));

    let revaxis: Vec<&ClinicalItem> = ips
        .groups
        .iter()
        .filter(|g| g.category == Category::Immunizations)
        .flat_map(|g| g.sections.iter().flat_map(|s| s.items.iter()))
        .collect();
    assert_eq!(revaxis.len(), 2);
    let second = revaxis[0].administration.as_ref().expect("particulars");
    assert_eq!(second.lot_number.as_deref(), Some("4456672"));
    assert_eq!(second.dose_number.as_deref(), Some("2"));
    assert_eq!(second.route.as_ref().and_then(|r| r.code.as_deref()), Some("20035000"));
    assert_eq!(second.approach_site.as_ref().and_then(|s| s.label.as_deref()), Some("Deltoïde gauche"));
    assert_eq!(revaxis[0].kind.as_ref().and_then(|k| k.code.as_deref()), Some("INITIMMUNIZ"));
    assert_eq!(revaxis[0].performers, ["MULLER Charles DR, Cabinet médical du Dr MULLER"]);
    assert_eq!(revaxis[1].administration.as_ref().and_then(|a| a.dose_number.as_deref()), Some("1"));
    // the second entry is dated 28/09/2009 as the first, though its narrative row says
    // 25/08/2009: the coded date is shown
    let date = revaxis[1].effective_time.as_ref().and_then(|t| t.value.as_ref()).map(|t| t.raw());
    assert_eq!(date, Some("20090928094914+0100"));
}

/// Lettre de liaison d'entrée, lines 458 and 828: SOLIAN with its rate and maximum dose; a
/// procedure's label written over two lines reads as one.
#[test]
fn the_ldl_ees_treatment_has_its_rate_and_maximum_dose() {
    let ldl = summarise(LDL_EES);
    let solian = item(&ldl, Category::Medications, "SOLIAN");
    let a = solian.administration.as_ref().expect("particulars");
    assert_eq!(
        a.dose.as_ref().map(|d| (d.display.as_str(), d.text.as_deref())),
        Some(("1 {count}", Some("1 comprimé")))
    );
    assert_eq!(a.rate.as_ref().map(|r| r.display.as_str()), Some("100 mg/d"));
    assert_eq!(a.max_dose.as_ref().map(|m| m.display.as_str()), Some("200 mg/1 d"));
    let stent = item(&ldl, Category::SurgicalHistory, "Dilatation");
    assert_eq!(
        stent.label.as_deref(),
        Some("Dilatation intraluminale de deux vaisseaux coronaires avec pose d'endoprothèse, par voie artérielle transcutanée")
    );
}

/// Lettre de liaison de sortie, lines 1240–1300: "Aucune allergie" written, and an allergy
/// entry whose agent and description are empty: shown as the kind only, said not coded,
/// beside the section's text.
#[test]
fn the_ldl_ses_empty_allergy_is_its_kind_beside_the_narrative() {
    let ldl = summarise(LDL_SES);
    let section = &ldl.groups[0].sections[0];
    assert_eq!(section.category, Category::Allergies);
    assert_eq!(
        section.narrative.as_deref(),
        Some("Aucune allergie / intolérance identifiée pendant le séjour")
    );
    let allergy = &section.items[0];
    assert_eq!(allergy.label.as_deref(), Some("allergie médicamenteuse"));
    assert_eq!(allergy.label_source, Some(ItemLabelSource::Kind));
    assert!(!allergy.is_coded());
    let stopped = item(&ldl, Category::Medications, "SOLIAN");
    let period = stopped.effective_time.as_ref().expect("a period");
    assert_eq!(period.high.as_ref().map(|t| t.raw()), Some("20191029"));
}

/// The older VSM 1.4 (kit 2.41) nests the same sections and writes its vigilance points as a
/// section titled so.
#[test]
fn the_older_vsm_has_its_vigilance_points_by_title() {
    let vsm = summarise(VSM_2_41);
    let vigilance = vsm.groups.iter().find(|g| g.category == Category::Vigilance).expect("vigilance points");
    let narrative = vigilance.sections[0].narrative.as_deref().unwrap_or("");
    assert!(narrative.contains("ECG Hémibloc antérieur gauche"), "{narrative}");
}

// ---------------------------------------------------------------------------------------
// Never panics; empty when there is nothing
// ---------------------------------------------------------------------------------------

#[test]
fn every_corpus_document_is_summarised_without_panic_in_both_languages() {
    for path in common::corpus() {
        let document = vigie::read_path(&path, &Limits::default());
        let summary = clinical::extract(&document);
        let counted: usize = summary.sections().map(|s| s.items.len()).sum();
        assert_eq!(summary.item_count, counted, "{}", path.display());
        let clinical = DocumentClinical { file: String::new(), title: None, document_date: None, summary };
        for lang in [Lang::Fr, Lang::En] {
            assert!(!present::text(&clinical, lang).is_empty());
        }
        serde_json::to_string(&clinical).expect("the summary is JSON");
    }
}

/// Truncated anywhere, a summary document is still summarised (with what could be read).
#[test]
fn truncated_summary_documents_never_panic() {
    for name in [VSM, IPS] {
        let bytes = std::fs::read(common::corpus_file(name)).expect("the corpus");
        for cut in (1..40).map(|n| bytes.len() * n / 40) {
            let document = common::read(&bytes[..cut]);
            let _ = present::text(
                &DocumentClinical {
                    file: String::new(),
                    title: None,
                    document_date: None,
                    summary: clinical::extract(&document),
                },
                Lang::Fr,
            );
        }
    }
}

#[test]
fn a_document_without_clinical_sections_gives_an_empty_summary() {
    let lab = summarise(CR_BIO);
    assert!(lab.is_empty());
    assert_eq!(lab.item_count, 0);
    assert_eq!(serde_json::to_value(&lab).unwrap(), serde_json::json!({ "groups": [], "item_count": 0 }));
    let level_one = summarise("TestContenuCDA-3-0__ExemplesCDA__DOC_NON_STRUCTURE_CDA-R2-N1.xml");
    assert!(level_one.is_empty());
    assert!(clinical::extract(&common::read(b"not xml at all")).is_empty());
}

// ---------------------------------------------------------------------------------------
// vigie clinical
// ---------------------------------------------------------------------------------------

fn vigie(args: &[&str]) -> std::process::Output {
    // a temporary data folder: the session may keep a library cache there
    let data = tempfile::tempdir().expect("a temporary folder");
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .env("LANG", "C")
        .env("XDG_DATA_HOME", data.path())
        .output()
        .expect("vigie runs")
}

fn corpus_path(name: &str) -> String {
    common::corpus_file(name).display().to_string()
}

#[test]
fn clinical_prints_the_summary_and_exits_0() {
    let out = vigie(&["clinical", "--lang", "fr", &corpus_path(VSM)]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("— 11 élément(s)\n"), "{text}");
    assert!(text.contains("\nALLERGIES ET INTOLÉRANCES\n"), "{text}");
    assert!(text.contains("    - PARACETAMOL  [CIS 60234100] — depuis le 03/06/2018\n"), "{text}");
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(errors.contains("11 clinical item(s) in 1 of 1 document(s)"), "{errors}");
}

#[test]
fn clinical_json_is_one_object_per_document_per_line() {
    let out = vigie(&["clinical", "--json", &corpus_path(VSM), &corpus_path(CR_BIO), &corpus_path(IPS)]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2, "the lab report has no summary and prints nothing");
    assert!(lines[0]["file"].as_str().is_some_and(|f| f.ends_with(VSM)));
    assert_eq!(lines[0]["summary"]["item_count"], 11);
    assert_eq!(lines[0]["summary"]["groups"][0]["category"], "allergies");
    assert_eq!(lines[0]["document_date"]["raw"], "20200312111700+0100");
    assert_eq!(lines[1]["summary"]["item_count"], 25);
}

#[test]
fn clinical_exits_1_when_no_document_has_a_summary() {
    let out = vigie(&["clinical", &corpus_path(CR_BIO)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.xml");
    assert_eq!(vigie(&["clinical", missing.to_str().unwrap()]).status.code(), Some(1));
}

#[test]
fn clinical_usage_errors_exit_2() {
    assert_eq!(vigie(&["clinical"]).status.code(), Some(2));
    assert_eq!(vigie(&["clinical", "--lang", "de", &corpus_path(VSM)]).status.code(), Some(2));
    assert_eq!(vigie(&["clinical", "--frobnicate", &corpus_path(VSM)]).status.code(), Some(2));
}

#[test]
fn clinical_help_explains_the_exit_codes() {
    let out = vigie(&["clinical", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Exit code: 0 when a summary was printed, 1 when no document has one"), "{help}");
}
