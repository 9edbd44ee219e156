//! Medical summary — *volet de synthèse médicale* (VSM), the summary a *médecin traitant*
//! keeps in the DMP: active problems, past history, allergies, long-term treatments and
//! points of vigilance, with the section and entry templates of the CI-SIS VSM example.

use chrono::NaiveDate;

use super::header::{self, open_section, Coded, Header};
use super::sha1::name_uuid;
use super::time::{fr_date, hl7_date};
use super::xml::XmlWriter;

const CIM10: &str = "2.16.840.1.113883.6.3";
const SNOMED: &str = "2.16.840.1.113883.6.96";
const ATC: &str = "2.16.840.1.113883.6.73";
const EDQM: &str = "0.4.0.127.0.16.1.1.2.1";

/// A problem coded in CIM-10 (ICD-10 French modification), active or resolved.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub cim10: &'static str,
    pub cim10_display: &'static str,
    /// The wording the physician uses in the narrative.
    pub label: &'static str,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// A drug allergy: the agent (ATC) and what it caused.
#[derive(Debug, Clone)]
pub(crate) struct Allergy {
    pub agent_atc: &'static str,
    pub agent: &'static str,
    pub allergy_snomed: (&'static str, &'static str),
    pub reaction: &'static str,
    pub since: NaiveDate,
}

/// A long-term treatment: substance (ATC), posology and the problem it treats.
#[derive(Debug, Clone)]
pub(crate) struct Treatment {
    pub atc: &'static str,
    pub product: &'static str,
    pub posology: &'static str,
    /// Tablets per intake and hours between intakes.
    pub tablets: u32,
    pub every_hours: u32,
    pub start: NaiveDate,
    /// Index into the summary's active problems.
    pub reason: Option<usize>,
}

/// Everything one VSM says.
#[derive(Debug, Clone)]
pub(crate) struct Summary<'a> {
    pub header: Header<'a>,
    pub active_problems: Vec<Problem>,
    pub past_problems: Vec<Problem>,
    pub allergies: Vec<Allergy>,
    pub treatments: Vec<Treatment>,
    pub vigilance: Vec<String>,
}

/// The whole summary as an XML document.
pub(crate) fn write_vsm(s: &Summary) -> String {
    let doc = s.header.set_extension.clone();
    let uuid = |part: &str| name_uuid(&format!("{doc}/{part}"));
    let mut x = XmlWriter::new();
    header::write_header(&mut x, &s.header);
    x.open("component", &[]);
    x.open("structuredBody", &[]);

    open_section(
        &mut x,
        &["1.2.250.1.213.1.1.2.29"],
        &uuid("pathologies"),
        Coded::loinc("46612-8", "Conclusions de synthèse"),
        "Pathologie en cours, antécédents, allergies et facteurs de risque",
    );
    open_section(
        &mut x,
        &["1.2.250.1.213.1.1.2.30"],
        &uuid("pathologies-antecedents"),
        Coded::loinc("34117-2", "Historique et physique"),
        "Pathologies en cours, antécédents et allergies",
    );
    open_section(
        &mut x,
        &["2.16.840.1.113883.10.20.1.11", "1.3.6.1.4.1.19376.1.5.3.1.3.6", "1.2.250.1.213.1.1.2.132"],
        &uuid("problemes-actifs"),
        Coded::loinc("11450-4", "Liste des problèmes actifs"),
        "Pathologies en cours",
    );
    write_problems(&mut x, &s.active_problems, "pb-actif", &doc, true);
    x.close();
    x.close();
    open_section(
        &mut x,
        &["1.3.6.1.4.1.19376.1.5.3.1.3.8", "1.2.250.1.213.1.1.2.134"],
        &uuid("antecedents"),
        Coded::loinc("11348-0", "Antécédents médicaux"),
        "Antécédents médicaux",
    );
    write_problems(&mut x, &s.past_problems, "antecedent", &doc, false);
    x.close();
    x.close();
    open_section(
        &mut x,
        &["2.16.840.1.113883.10.20.1.2", "1.3.6.1.4.1.19376.1.5.3.1.3.13", "1.2.250.1.213.1.1.2.137"],
        &uuid("allergies"),
        Coded::loinc("48765-2", "Allergies et hypersensibilités"),
        "Allergies et hypersensibilités",
    );
    write_allergies(&mut x, &s.allergies, &doc);
    for _ in 0..3 {
        x.close(); // allergies section, then the two enclosing sections
        x.close();
    }

    open_section(
        &mut x,
        &["1.3.6.1.4.1.19376.1.5.3.1.3.27", "1.2.250.1.213.1.1.2.150"],
        &uuid("vigilance"),
        Coded::loinc("30954-2", "Résultats d'examens"),
        "Points de vigilance",
    );
    x.open("text", &[]);
    x.open("list", &[]);
    for point in &s.vigilance {
        x.text("item", &[], point);
    }
    x.close();
    x.close();
    x.close();
    x.close();

    open_section(
        &mut x,
        &["1.2.250.1.213.1.1.2.32"],
        &uuid("plan-traitement"),
        Coded::loinc("18776-5", "Plan de traitement"),
        "Traitement au long cours",
    );
    open_section(
        &mut x,
        &["2.16.840.1.113883.10.20.1.8", "1.3.6.1.4.1.19376.1.5.3.1.3.19", "1.2.250.1.213.1.1.2.143"],
        &uuid("traitements"),
        Coded::loinc("10160-0", "Traitements"),
        "Traitements",
    );
    write_treatments(&mut x, s, &doc);
    x.finish()
}

/// Writes a one-paragraph text for an empty list (a table needs at least one row) and says
/// whether it did.
fn write_if_empty<T>(x: &mut XmlWriter, items: &[T], nothing: &str) -> bool {
    if items.is_empty() {
        x.open("text", &[]);
        x.text("paragraph", &[], nothing);
        x.close();
    }
    items.is_empty()
}

fn write_problems(x: &mut XmlWriter, problems: &[Problem], stem: &str, doc: &str, active: bool) {
    let nothing = if active {
        "Aucune pathologie en cours renseignée."
    } else {
        "Aucun antécédent médical renseigné."
    };
    if write_if_empty(x, problems, nothing) {
        return;
    }
    x.open("text", &[]);
    x.open("table", &[("border", "0")]);
    x.open("thead", &[]);
    x.open("tr", &[]);
    for heading in ["Début", "Fin", "Pathologie", "Code CIM-10"] {
        x.text("th", &[], heading);
    }
    x.close();
    x.close();
    x.open("tbody", &[]);
    for (i, p) in problems.iter().enumerate() {
        x.open("tr", &[]);
        x.text("td", &[], &fr_date(p.start));
        x.text("td", &[], &p.end.map(fr_date).unwrap_or_else(|| "—".into()));
        x.open("td", &[]);
        x.text("content", &[("ID", &format!("{stem}-{}", i + 1))], p.label);
        x.close();
        x.text("td", &[], p.cim10);
        x.close();
    }
    x.close();
    x.close();
    x.close();

    for (i, p) in problems.iter().enumerate() {
        let reference = format!("#{stem}-{}", i + 1);
        x.open("entry", &[]);
        x.open("act", &[("classCode", "ACT"), ("moodCode", "EVN")]);
        for root in [
            "2.16.840.1.113883.10.20.1.27",
            "1.3.6.1.4.1.19376.1.5.3.1.4.5.1",
            "1.3.6.1.4.1.19376.1.5.3.1.4.5.2",
            "1.2.250.1.213.1.1.3.39",
        ] {
            x.empty("templateId", &[("root", root)]);
        }
        x.empty("id", &[("root", &name_uuid(&format!("{doc}/{stem}/{i}")))]);
        x.empty("code", &[("nullFlavor", "NA")]);
        x.empty("statusCode", &[("code", if active { "active" } else { "completed" })]);
        write_interval(x, p.start, p.end);
        x.open("entryRelationship", &[("typeCode", "SUBJ"), ("inversionInd", "false")]);
        x.open("observation", &[("classCode", "OBS"), ("moodCode", "EVN"), ("negationInd", "false")]);
        for root in
            ["2.16.840.1.113883.10.20.1.28", "1.3.6.1.4.1.19376.1.5.3.1.4.5", "1.2.250.1.213.1.1.3.37"]
        {
            x.empty("templateId", &[("root", root)]);
        }
        x.empty("id", &[("root", &name_uuid(&format!("{doc}/{stem}/{i}/obs")))]);
        x.empty(
            "code",
            &[
                ("code", "282291009"),
                ("displayName", "interprétation diagnostique"),
                ("codeSystem", SNOMED),
                ("codeSystemName", "SNOMED CT"),
            ],
        );
        x.open("text", &[]);
        x.empty("reference", &[("value", &reference)]);
        x.close();
        x.empty("statusCode", &[("code", "completed")]);
        write_interval(x, p.start, p.end);
        x.open(
            "value",
            &[
                ("xsi:type", "CD"),
                ("code", p.cim10),
                ("displayName", p.cim10_display),
                ("codeSystem", CIM10),
                ("codeSystemName", "CIM10"),
            ],
        );
        x.open("originalText", &[]);
        x.empty("reference", &[("value", &reference)]);
        x.close();
        x.close();
        x.close();
        x.close();
        x.close();
        x.close();
    }
}

fn write_interval(x: &mut XmlWriter, start: NaiveDate, end: Option<NaiveDate>) {
    x.open("effectiveTime", &[("xsi:type", "IVL_TS")]);
    x.empty("low", &[("value", &hl7_date(start))]);
    if let Some(end) = end {
        x.empty("high", &[("value", &hl7_date(end))]);
    }
    x.close();
}

fn write_allergies(x: &mut XmlWriter, allergies: &[Allergy], doc: &str) {
    if write_if_empty(x, allergies, "Aucune allergie connue.") {
        return;
    }
    x.open("text", &[]);
    x.open("table", &[("border", "0")]);
    x.open("thead", &[]);
    x.open("tr", &[]);
    for heading in ["Depuis", "Type", "Agent", "Réaction"] {
        x.text("th", &[], heading);
    }
    x.close();
    x.close();
    x.open("tbody", &[]);
    for (i, a) in allergies.iter().enumerate() {
        let n = i + 1;
        x.open("tr", &[]);
        x.text("td", &[], &fr_date(a.since));
        x.open("td", &[]);
        x.text("content", &[("ID", &format!("allergie-{n}-type"))], "Allergie médicamenteuse");
        x.close();
        x.open("td", &[]);
        x.text("content", &[("ID", &format!("allergie-{n}-agent"))], a.agent);
        x.close();
        x.text("td", &[], a.reaction);
        x.close();
    }
    x.close();
    x.close();
    x.close();

    for (i, a) in allergies.iter().enumerate() {
        let n = i + 1;
        x.open("entry", &[]);
        x.open("act", &[("classCode", "ACT"), ("moodCode", "EVN")]);
        for root in [
            "2.16.840.1.113883.10.20.1.27",
            "1.3.6.1.4.1.19376.1.5.3.1.4.5.1",
            "1.3.6.1.4.1.19376.1.5.3.1.4.5.3",
            "1.2.250.1.213.1.1.3.40",
        ] {
            x.empty("templateId", &[("root", root)]);
        }
        x.empty("id", &[("root", &name_uuid(&format!("{doc}/allergie/{n}")))]);
        x.empty("code", &[("nullFlavor", "NA")]);
        x.empty("statusCode", &[("code", "active")]);
        write_interval(x, a.since, None);
        x.open("entryRelationship", &[("typeCode", "SUBJ"), ("inversionInd", "false")]);
        x.open("observation", &[("classCode", "OBS"), ("moodCode", "EVN"), ("negationInd", "false")]);
        for root in [
            "2.16.840.1.113883.10.20.1.18",
            "2.16.840.1.113883.10.20.1.28",
            "1.3.6.1.4.1.19376.1.5.3.1.4.5",
            "1.3.6.1.4.1.19376.1.5.3.1.4.6",
            "1.2.250.1.213.1.1.3.41",
        ] {
            x.empty("templateId", &[("root", root)]);
        }
        x.empty("id", &[("root", &name_uuid(&format!("{doc}/allergie/{n}/obs")))]);
        x.empty(
            "code",
            &[
                ("code", "416098002"),
                ("displayName", "allergie médicamenteuse"),
                ("codeSystem", SNOMED),
                ("codeSystemName", "SNOMED CT"),
            ],
        );
        x.open("text", &[]);
        x.empty("reference", &[("value", &format!("#allergie-{n}-type"))]);
        x.close();
        x.empty("statusCode", &[("code", "completed")]);
        write_interval(x, a.since, None);
        let (code, display) = a.allergy_snomed;
        x.empty(
            "value",
            &[
                ("xsi:type", "CD"),
                ("code", code),
                ("displayName", display),
                ("codeSystem", SNOMED),
                ("codeSystemName", "SNOMED CT"),
            ],
        );
        x.open("participant", &[("typeCode", "CSM")]);
        x.open("participantRole", &[("classCode", "MANU")]);
        x.open("playingEntity", &[("classCode", "MMAT")]);
        x.open(
            "code",
            &[
                ("code", a.agent_atc),
                ("displayName", a.agent),
                ("codeSystem", ATC),
                ("codeSystemName", "ATC"),
            ],
        );
        x.open("originalText", &[]);
        x.empty("reference", &[("value", &format!("#allergie-{n}-agent"))]);
        x.close();
        x.close();
        x.close();
        x.close();
        x.close();
        x.close();
        x.close();
        x.close();
        x.close();
    }
}

fn write_treatments(x: &mut XmlWriter, s: &Summary, doc: &str) {
    if write_if_empty(x, &s.treatments, "Aucun traitement au long cours.") {
        return;
    }
    x.open("text", &[]);
    x.open("table", &[("border", "0")]);
    x.open("thead", &[]);
    x.open("tr", &[]);
    for heading in ["Depuis", "Médicament", "Posologie", "Voie", "Motif"] {
        x.text("th", &[], heading);
    }
    x.close();
    x.close();
    x.open("tbody", &[]);
    for (i, t) in s.treatments.iter().enumerate() {
        let n = i + 1;
        x.open("tr", &[]);
        x.text("td", &[], &fr_date(t.start));
        x.open("td", &[]);
        x.text("content", &[("ID", &format!("med-{n}"))], t.product);
        x.close();
        x.text("td", &[], t.posology);
        x.text("td", &[], "Voie orale");
        let reason = t.reason.and_then(|r| s.active_problems.get(r));
        x.open("td", &[]);
        if let Some(problem) = reason {
            x.text("content", &[("ID", &format!("med-{n}-motif"))], problem.label);
        }
        x.close();
        x.close();
    }
    x.close();
    x.close();
    x.close();

    for (i, t) in s.treatments.iter().enumerate() {
        let n = i + 1;
        x.open("entry", &[("typeCode", "DRIV")]);
        x.open("substanceAdministration", &[("classCode", "SBADM"), ("moodCode", "EVN")]);
        for root in [
            "2.16.840.1.113883.10.20.1.24",
            "1.3.6.1.4.1.19376.1.5.3.1.4.7",
            "1.2.250.1.213.1.1.3.42",
            "1.3.6.1.4.1.19376.1.5.3.1.4.7.1",
        ] {
            x.empty("templateId", &[("root", root)]);
        }
        x.empty("id", &[("root", &name_uuid(&format!("{doc}/med/{n}")))]);
        x.empty(
            "code",
            &[
                ("code", "DRUG"),
                ("displayName", "Médicament"),
                ("codeSystem", "2.16.840.1.113883.5.4"),
                ("codeSystemName", "HL7:ActCode"),
            ],
        );
        x.open("text", &[]);
        x.empty("reference", &[("value", &format!("#med-{n}"))]);
        x.close();
        x.empty("statusCode", &[("code", "completed")]);
        x.open("effectiveTime", &[("xsi:type", "IVL_TS")]);
        x.empty("low", &[("value", &hl7_date(t.start))]);
        x.empty("high", &[("nullFlavor", "UNK")]);
        x.close();
        x.open("effectiveTime", &[("xsi:type", "PIVL_TS"), ("operator", "A")]);
        x.empty("period", &[("value", &t.every_hours.to_string()), ("unit", "h")]);
        x.close();
        x.empty(
            "routeCode",
            &[
                ("code", "20053000"),
                ("displayName", "Voie orale"),
                ("codeSystem", EDQM),
                ("codeSystemName", "EDQM"),
            ],
        );
        x.open("doseQuantity", &[]);
        let tablets = t.tablets.to_string();
        x.empty("low", &[("value", &tablets), ("unit", "{tablet}")]);
        x.empty("high", &[("value", &tablets), ("unit", "{tablet}")]);
        x.close();
        x.open("consumable", &[]);
        x.open("manufacturedProduct", &[]);
        for root in
            ["2.16.840.1.113883.10.20.1.53", "1.3.6.1.4.1.19376.1.5.3.1.4.7.2", "1.2.250.1.213.1.1.3.43"]
        {
            x.empty("templateId", &[("root", root)]);
        }
        x.open("manufacturedMaterial", &[]);
        x.open(
            "code",
            &[("code", t.atc), ("displayName", t.product), ("codeSystem", ATC), ("codeSystemName", "ATC")],
        );
        x.open("originalText", &[]);
        x.empty("reference", &[("value", &format!("#med-{n}"))]);
        x.close();
        x.close();
        x.text("name", &[], t.product);
        x.close();
        x.close();
        x.close();
        if let Some(problem) = t.reason.and_then(|r| s.active_problems.get(r)) {
            x.open("entryRelationship", &[("typeCode", "RSON")]);
            x.open("act", &[("classCode", "ACT"), ("moodCode", "EVN")]);
            x.empty("templateId", &[("root", "1.3.6.1.4.1.19376.1.5.3.1.4.4.1")]);
            x.empty("templateId", &[("root", "1.2.250.1.213.1.1.3.36")]);
            x.empty("id", &[("root", &name_uuid(&format!("{doc}/med/{n}/motif")))]);
            x.open(
                "code",
                &[
                    ("code", problem.cim10),
                    ("displayName", problem.cim10_display),
                    ("codeSystem", CIM10),
                    ("codeSystemName", "CIM10"),
                ],
            );
            x.open("originalText", &[]);
            x.empty("reference", &[("value", &format!("#med-{n}-motif"))]);
            x.close();
            x.close();
            x.close();
            x.close();
        }
        x.close();
        x.close();
    }
}
