//! Every real ANS example document is read completely, with its header and body.

mod common;

use vigie::model::Body;
use vigie::summary::{self, Lang};
use vigie::xml::Limits;
use vigie::InputKind;

#[test]
fn every_corpus_document_is_read_without_error() {
    let files = common::corpus();
    assert!(files.len() >= 70, "expected the 76 corpus documents, found {}", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let doc = vigie::read_path(path, &Limits::default());
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let errors: Vec<String> = doc
            .findings
            .iter()
            .filter(|f| f.severity == vigie::diag::Severity::Error && !f.code.starts_with("ins."))
            .map(|f| {
                format!("{} {} {}", f.position.map(|p| p.to_string()).unwrap_or_default(), f.code, f.message)
            })
            .collect();
        if !summary::was_read(&doc) || !errors.is_empty() {
            failures
                .push(format!("{name}: kind {:?}, complete {}, errors {errors:?}", doc.kind, doc.complete));
            continue;
        }
        let cda = doc.cda.as_ref().unwrap();
        if cda.header.code.is_none() || cda.header.patients.is_empty() || cda.header.authors.is_empty() {
            failures.push(format!("{name}: header incomplete"));
        }
        if matches!(cda.body, Body::Missing) {
            failures.push(format!("{name}: no body"));
        }
    }
    assert!(failures.is_empty(), "{} documents not read:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn auto_presentable_documents_are_read_from_their_clinical_document() {
    let doc = vigie::read_path(
        &common::corpus_file("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2021.01_Auto-Presentable.xml"),
        &Limits::default(),
    );
    assert_eq!(doc.kind, InputKind::AutoPresentable);
    let cda = doc.cda.expect("the wrapped ClinicalDocument");
    assert_eq!(cda.header.code.and_then(|c| c.code).as_deref(), Some("11502-2"));
}

/// The summaries of representative documents, one per kind of document in the corpus.
#[test]
fn summaries_of_representative_documents() {
    let representative = [
        "TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml",
        "TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2021.01_Auto-Presentable.xml",
        "TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_Microbiologie_V2.xml",
        "TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_Glycemie-deux-unites-principales_mole_masse.xml",
        "TestContenuCDA-3-0__ExemplesCDA__BIO-TROD_2024.01_COVID-19.xml",
        "TestContenuCDA-3-0__ExemplesCDA__DOC_NON_STRUCTURE_CDA-R2-N1.xml",
        "TestContenuCDA-2-41__ExemplesCDA__DOC_NON_STRUCTURE_CDA-R1.xml",
        "TestContenuCDA-3-0__ExemplesCDA__IMG_CR_IMG_2024.01.xml",
        "TestContenuCDA-3-0__ExemplesCDA__VSM_1.4_2022.01.xml",
        "TestContenuCDA-3-0__ExemplesCDA__IPS-FR_2024.01.xml",
        "TestContenuCDA-3-0__ExemplesCDA__LDL-SES_2022.01.xml",
        "TestContenuCDA-3-0__ExemplesCDA__VAC_2023.01.xml",
        "TestContenuCDA-3-0__ExemplesCDA__eP-MED-DM_2024.01_PosoStruct.xml",
        "TestContenuCDA-3-0__ExemplesCDA__CNAM-HR_2021.01.xml",
        "TestContenuCDA-3-0__ExemplesCDA__CANCER-PPS_2022.01_Autopresentable.xml",
        "TestContenuCDA-3-0__ExemplesCDA__CSE-CS8_2025.01.xml",
        "interop-outil-cda-testcontenucda3.0__ExemplesCDA__SDM-MR_2025.01_nouveau-ne.xml",
        "hl7V2-exemples__Volets__TRANS_DOC_CDA_HL7V2__V2.1__ORU__Remplacement-ORU__CR_Bio_CDA_Niv3_v2.XML",
        "interop-outil-cda-testcontenucda3.0__ExemplesCDA__eDISP-MED_2024.01.xml",
    ];
    for name in representative {
        let doc = vigie::read_path(&common::corpus_file(name), &Limits::default());
        let text = summary::text(&doc, name, Lang::En);
        insta::assert_snapshot!(name, text);
    }
}
