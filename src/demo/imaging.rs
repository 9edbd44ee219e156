//! Imaging report — *compte rendu d'imagerie médicale* (CI-SIS IMG-CR-IMG 2024.01, built on
//! DICOM Part 20): clinical information and request, technique with radiation exposure,
//! findings and conclusion, each a section with its DICOM and CI-SIS templates.

use super::header::{self, open_section, Coded, Header, Translation};
use super::sha1::name_uuid;
use super::xml::XmlWriter;

/// Template ids of an IMG-CR-IMG document after the French ones.
pub(crate) const TEMPLATE_IDS: [(&str, Option<&str>); 4] = [
    ("1.2.840.10008.9.1", None),
    ("1.2.840.10008.9.20", None),
    ("1.2.840.10008.9.21", None),
    ("1.2.250.1.213.1.1.1.45", Some("2024.01")),
];

/// One kind of examination: its LOINC code, CCAM act and DICOM modality.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exam {
    pub loinc: &'static str,
    pub loinc_display: &'static str,
    pub ccam: &'static str,
    pub ccam_display: &'static str,
    pub modality: &'static str,
    pub modality_display: &'static str,
}

pub(crate) const CHEST_XRAY: Exam = Exam {
    loinc: "36643-5",
    loinc_display: "Radiographie du thorax 2 incidences",
    ccam: "ZBQK002",
    ccam_display: "Radiographie du thorax",
    modality: "DX",
    modality_display: "Radiographie numérique",
};

pub(crate) const ABDOMINAL_ULTRASOUND: Exam = Exam {
    loinc: "24558-9",
    loinc_display: "Échographie abdominale",
    ccam: "ZCQM006",
    ccam_display: "Échographie transcutanée de l'étage supérieur de l'abdomen",
    modality: "US",
    modality_display: "Échographie",
};

/// What one imaging report says.
#[derive(Debug, Clone)]
pub(crate) struct ImagingReport<'a> {
    pub header: Header<'a>,
    pub exam: Exam,
    pub indication: String,
    pub technique: String,
    /// Dose–area product in Gy·cm², for X-ray modalities.
    pub dose_area_product: Option<f64>,
    pub findings: Vec<String>,
    pub conclusion: String,
}

impl Exam {
    /// The service event code: LOINC, with the CCAM act and the DICOM modality as
    /// translations, as the IMG-CR-IMG example writes it.
    pub(crate) fn service_code(&self) -> (Coded<'static>, Vec<Translation<'static>>) {
        let code = Coded::loinc(self.loinc, self.loinc_display);
        let ccam = Coded {
            system_name: Some("CCAM"),
            ..Coded::new(self.ccam, self.ccam_display, "1.2.250.1.215.300.1")
        };
        let dicom = |code, display| Coded {
            system_name: Some("DCM"),
            ..Coded::new(code, display, "1.2.840.10008.2.16.4")
        };
        let translations = vec![
            Translation { code: ccam, qualifier: None },
            Translation {
                code: dicom(self.modality, self.modality_display),
                qualifier: Some(dicom("121139", "Modalité d'imagerie")),
            },
        ];
        (code, translations)
    }
}

/// The whole report as an XML document.
pub(crate) fn write_imaging_report(r: &ImagingReport) -> String {
    let doc = r.header.set_extension.clone();
    let uuid = |part: &str| name_uuid(&format!("{doc}/{part}"));
    let mut x = XmlWriter::new();
    header::write_header(&mut x, &r.header);
    x.open("component", &[]);
    x.open("structuredBody", &[]);

    open_section(
        &mut x,
        &["1.2.840.10008.9.2", "1.2.250.1.213.1.1.2.205"],
        &uuid("informations-cliniques"),
        Coded::loinc("55752-0", "Informations cliniques"),
        "Informations cliniques",
    );
    x.empty("text", &[]);
    open_section(
        &mut x,
        &["1.2.840.10008.9.7", "1.2.250.1.213.1.1.2.211"],
        &uuid("demande"),
        Coded::loinc("55115-0", "Demande"),
        "Indication de l'examen",
    );
    x.open("text", &[]);
    x.text("paragraph", &[("ID", "indication")], &r.indication);
    x.close();
    for _ in 0..4 {
        x.close();
    }

    open_section(
        &mut x,
        &["1.2.840.10008.9.3", "1.2.250.1.213.1.1.2.206"],
        &uuid("technique"),
        Coded::loinc("55111-9", "Description de l'acte d'imagerie"),
        "Technique",
    );
    x.open("text", &[]);
    x.open("table", &[("border", "0")]);
    x.open("thead", &[]);
    x.open("tr", &[]);
    for heading in ["Acte", "Modalité", "Protocole"] {
        x.text("th", &[], heading);
    }
    x.close();
    x.close();
    x.open("tbody", &[]);
    x.open("tr", &[]);
    x.open("td", &[]);
    x.text("content", &[("ID", "acte-1")], &format!("{} [CCAM : {}]", r.exam.ccam_display, r.exam.ccam));
    x.close();
    x.text("td", &[], r.exam.modality_display);
    x.text("td", &[], &r.technique);
    x.close();
    x.close();
    x.close();
    x.close();
    if let Some(dap) = r.dose_area_product {
        open_section(
            &mut x,
            &["1.2.840.10008.9.8", "1.2.250.1.213.1.1.2.215"],
            &uuid("radioprotection"),
            Coded::loinc("73569-6", "Exposition aux rayonnements et informations de radioprotection"),
            "Radioprotection",
        );
        x.open("text", &[]);
        x.text(
            "paragraph",
            &[],
            &format!("Produit dose × surface : {} Gy·cm².", super::lab::fr_number(dap, 2)),
        );
        x.close();
        x.close();
        x.close();
    }
    x.close();
    x.close();

    open_section(
        &mut x,
        &["2.16.840.1.113883.10.20.6.1.2", "1.2.250.1.213.1.1.2.208"],
        &uuid("resultats"),
        Coded::loinc("59776-5", "Résultats de l'acte"),
        "Résultats",
    );
    x.open("text", &[]);
    x.open("list", &[]);
    for finding in &r.findings {
        x.text("item", &[], finding);
    }
    x.close();
    x.close();
    x.close();
    x.close();

    open_section(
        &mut x,
        &["1.2.840.10008.9.5", "1.2.250.1.213.1.1.2.209"],
        &uuid("conclusion"),
        Coded::loinc("19005-8", "Conclusions"),
        "Conclusion",
    );
    x.open("text", &[]);
    x.text("paragraph", &[("styleCode", "Bold")], &r.conclusion);
    x.close();
    x.finish()
}
