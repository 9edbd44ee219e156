//! The analytes the demo labs report — one definition each: LOINC code and French display
//! name, report label, UCUM unit and printed unit, reference range, precision — and the
//! LOINC codes of the chapters they are reported under.

use super::header::Coded;

/// One quantity a lab measures, with how the demo lab reports it.
#[derive(Debug, PartialEq)]
pub(crate) struct Analyte {
    pub loinc: &'static str,
    /// LOINC display name in the French linguistic variant.
    pub loinc_display: &'static str,
    /// The label a report shows.
    pub label: &'static str,
    /// Stem of the narrative IDs (`glucose` → `r3-glucose`).
    pub id: &'static str,
    /// UCUM unit written in the entry.
    pub unit: &'static str,
    /// The unit as a French report prints it.
    pub unit_display: &'static str,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub decimals: usize,
}

macro_rules! analyte {
    ($name:ident, $loinc:literal, $display:literal, $label:literal, $id:literal,
     $unit:literal, $unit_display:literal, $low:expr, $high:expr, $decimals:literal) => {
        pub(crate) const $name: Analyte = Analyte {
            loinc: $loinc,
            loinc_display: $display,
            label: $label,
            id: $id,
            unit: $unit,
            unit_display: $unit_display,
            low: $low,
            high: $high,
            decimals: $decimals,
        };
    };
}

analyte!(
    GLUCOSE,
    "40193-5",
    "Glucose à jeun [Moles/Volume] Sérum/Plasma ; Numérique",
    "Glycémie à jeun",
    "glucose",
    "mmol/L",
    "mmol/L",
    Some(4.10),
    Some(5.90),
    2
);
analyte!(
    HBA1C,
    "4548-4",
    "Hémoglobine A1c/hémoglobine totale [Fraction massique] Sang ; Numérique",
    "Hémoglobine glyquée (HbA1c)",
    "hba1c",
    "%",
    "%",
    Some(4.0),
    Some(6.0),
    1
);
analyte!(
    CREATININE,
    "14682-9",
    "Créatinine [Moles/Volume] Sérum/Plasma ; Numérique",
    "Créatinine",
    "creatinine",
    "umol/L",
    "µmol/L",
    Some(45.0),
    Some(90.0),
    0
);
analyte!(EGFR, "62238-1",
    "Débit de filtration glomérulaire/1,73 m² prédit [Volume/Temps/Surface] Sérum/Plasma ; Numérique ; Formule CKD-EPI",
    "Débit de filtration glomérulaire (CKD-EPI)", "dfg", "mL/min/{1.73_m2}",
    "mL/min/1,73 m²", Some(60.0), None, 0);
analyte!(
    TSH,
    "3016-3",
    "Thyréostimuline [Arbitraire/Volume] Sérum/Plasma ; Numérique",
    "Thyréostimuline (TSH)",
    "tsh",
    "m[IU]/L",
    "mUI/L",
    Some(0.27),
    Some(4.20),
    2
);
analyte!(
    LEUKOCYTES,
    "6690-2",
    "Leucocytes [Nombre/Volume] Sang ; Numérique ; Comptage automate",
    "Leucocytes",
    "leucocytes",
    "10*9/L",
    "G/L",
    Some(4.0),
    Some(10.0),
    1
);
analyte!(
    ERYTHROCYTES,
    "789-8",
    "Érythrocytes [Nombre/Volume] Sang ; Numérique ; Comptage automate",
    "Hématies",
    "hematies",
    "10*12/L",
    "T/L",
    Some(3.80),
    Some(5.30),
    2
);
analyte!(
    HEMOGLOBIN,
    "718-7",
    "Hémoglobine [Masse/Volume] Sang ; Numérique",
    "Hémoglobine",
    "hemoglobine",
    "g/dL",
    "g/dL",
    Some(12.0),
    Some(16.0),
    1
);
analyte!(
    HEMATOCRIT,
    "4544-3",
    "Hématocrite [Fraction volumique] Sang ; Numérique ; Comptage automate",
    "Hématocrite",
    "hematocrite",
    "%",
    "%",
    Some(35.0),
    Some(47.0),
    1
);
analyte!(
    MCV,
    "30428-7",
    "Volume globulaire moyen [Volume d'entité] Erythrocytes ; Numérique ; Comptage automate",
    "Volume globulaire moyen (VGM)",
    "vgm",
    "fL",
    "fL",
    Some(80.0),
    Some(100.0),
    0
);
analyte!(
    PLATELETS,
    "777-3",
    "Plaquettes [Nombre/Volume] Sang ; Numérique ; Comptage automate",
    "Plaquettes",
    "plaquettes",
    "10*9/L",
    "G/L",
    Some(150.0),
    Some(400.0),
    0
);

pub(crate) const BIOCHEMISTRY: Coded<'static> = Coded::loinc("18719-5", "Biochimie");
pub(crate) const HEMATOLOGY: Coded<'static> = Coded::loinc("18723-7", "Hématologie");
pub(crate) const HEMOGRAM: Coded<'static> = Coded::loinc("58410-2", "Hémogramme complet sur automate");
/// The six results of a blood count, in report order.
pub(crate) const HEMOGRAM_ANALYTES: [&Analyte; 6] =
    [&LEUKOCYTES, &ERYTHROCYTES, &HEMOGLOBIN, &HEMATOCRIT, &MCV, &PLATELETS];
