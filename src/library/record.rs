//! One line of the library: what a physician needs to find a document — its dates, type,
//! authors with their specialty and organization, patient, confidentiality, body kind,
//! title and version — taken from the CDA header (and from the XDS metadata of the package
//! it came in, when it came in one).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::input::{Document, InputKind};
use crate::model::time::Timestamp;
use crate::model::{Body, Identifier};
use crate::results::cumulative::LabFact;

/// A coded value as the library shows and filters it: the code, its system, and a label.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Coded {
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The label from Vigie's tables, else the document's own, else the code.
    pub label: String,
}

impl Coded {
    fn of(code: &crate::model::Code) -> Option<Self> {
        let value = code.code.as_deref()?.to_string();
        let label = code.text();
        Some(Self { code: value, system: code.code_system.as_deref().map(String::from), label })
    }
}

/// What the body of a document is, for the "structured / PDF-only" filter.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    /// A structuredBody: sections with narrative (CDA "level 3" or "level 2").
    Structured,
    /// A nonXMLBody holding a PDF (the French "N1" documents).
    Pdf,
    /// A nonXMLBody holding something else (text, an image, RTF).
    OtherFile,
    /// A bare PDF file, not wrapped in a CDA document.
    BarePdf,
    /// Not a readable clinical document (no body, other XML, unknown bytes).
    Unreadable,
}

/// An author as the library lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuthorRecord {
    /// The person's name, or the software's for a device.
    pub name: String,
    /// The national identifier (RPPS/ADELI with its prefix) or the first id given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The author specialty (J01), its code and the "profession, specialty" label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specialty: Option<Coded>,
    /// The profession part of the specialty (G15), used to group specialties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profession: Option<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
}

/// The patient of a document, as the library lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PatientRecord {
    pub name: String,
    /// The INS (or the first identifier) as `root^extension`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Birth date, ISO 8601 at the precision written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// What tells patients apart in the library: the INS when there is one, else the
    /// first identifier, else name and birth date.
    pub key: String,
}

/// Where a document was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceRecord {
    /// The file on disk (the zip, for a document read from a package).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The file name shown: the file's, or the member's inside a package.
    pub name: String,
    /// The member's path inside the package, for a document read from a zip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

/// Facts only a package's XDS metadata gives (the CDA header has no class code, and the
/// DMP's masking codes live there).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct XdsFacts {
    pub class: Option<Coded>,
    pub confidentiality: Vec<Coded>,
}

/// One document of the library.
///
/// Serialised as the library's JSON rows; deserialised by the library cache
/// ([`crate::library::store`]), which keeps the skipped day spans and sort time in columns of
/// their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Record {
    /// The document's handle in its session.
    pub id: usize,
    pub source: SourceRecord,
    pub size: u64,
    pub kind: InputKind,
    pub body: BodyKind,
    /// `ClinicalDocument/id` as `root^extension`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    /// `setId` as `root^extension`: every version of a document shares it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// The documents this one replaces (`relatedDocument[@typeCode='RPLC']/parentDocument/id`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
    /// The document date (`effectiveTime`), ISO 8601 at the precision written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The same, as a French reader expects it ("01/04/2021 10:30").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_display: Option<String>,
    /// The act documented (`documentationOf/serviceEvent/effectiveTime`), ISO 8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_end: Option<String>,
    /// The document type (J07 / LOINC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_code: Option<Coded>,
    /// The document class (J06), known from a package's metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_code: Option<Coded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<AuthorRecord>,
    /// Every organization named: the authors', the custodian, the encounter's facility.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<PatientRecord>,
    /// `confidentialityCode` and, from a package, the XDS confidentiality codes (`MASQUE_PS`,
    /// `INVISIBLE_PATIENT`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confidentiality: Vec<Coded>,
    pub attachments: usize,
    /// Error findings met while reading.
    pub errors: usize,
    /// The document date as a span of days (the precision written: a year covers the
    /// year), for date filters. Days since 0001-01-01.
    #[serde(skip)]
    pub date_days: Option<(i32, i32)>,
    /// The service dates as a span of days, likewise.
    #[serde(skip)]
    pub service_days: Option<(i32, i32)>,
    /// The date as a sortable instant (Unix seconds), `i64::MIN` when unknown.
    #[serde(skip)]
    pub sort_time: i64,
    /// Its lab results, reduced to what the cumulative view needs; left out of the rows'
    /// JSON (the cache keeps it in a column of its own).
    #[serde(skip)]
    pub lab: Vec<LabFact>,
}

impl Record {
    /// The record of a read document; `xds` comes from its package, when it came in one.
    pub fn of(id: usize, document: &Document, source: SourceRecord, xds: Option<&XdsFacts>) -> Self {
        let header = document.cda.as_ref().map(|cda| &cda.header);
        let body = match (document.kind, document.cda.as_ref().map(|cda| &cda.body)) {
            (InputKind::Pdf, _) => BodyKind::BarePdf,
            (_, Some(Body::Structured { .. })) => BodyKind::Structured,
            (_, Some(Body::NonXml(non_xml))) => {
                let pdf =
                    non_xml.media_type.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("application/pdf"));
                if pdf {
                    BodyKind::Pdf
                } else {
                    BodyKind::OtherFile
                }
            }
            _ => BodyKind::Unreadable,
        };
        let mut record = Record {
            id,
            source,
            size: document.size as u64,
            kind: document.kind,
            body,
            document_id: None,
            set_id: None,
            version: None,
            replaces: Vec::new(),
            date: None,
            date_display: None,
            service_start: None,
            service_end: None,
            type_code: None,
            class_code: xds.and_then(|x| x.class.clone()),
            title: None,
            authors: Vec::new(),
            organizations: Vec::new(),
            patient: None,
            confidentiality: Vec::new(),
            attachments: document.cda.as_ref().map_or(0, |cda| cda.attachments.len()),
            errors: document.findings.iter().filter(|f| f.severity == crate::diag::Severity::Error).count(),
            date_days: None,
            service_days: None,
            sort_time: i64::MIN,
            lab: Vec::new(),
        };
        let Some(header) = header else {
            return record;
        };
        if body == BodyKind::Structured {
            let report = crate::results::extract(document);
            if !report.is_empty() {
                record.lab = crate::results::cumulative::facts(&report, header.effective_time.as_ref());
            }
        }
        record.document_id = header.id.as_ref().and_then(identifier_key);
        record.set_id = header.set_id.as_ref().and_then(identifier_key);
        record.version = header.version_number.as_deref().and_then(|v| v.trim().parse().ok());
        record.replaces = header
            .related_documents
            .iter()
            .filter(|r| r.type_code.eq_ignore_ascii_case("RPLC"))
            .filter_map(|r| r.parent_id.as_ref().and_then(identifier_key))
            .collect();
        if let Some(time) = &header.effective_time {
            record.date = Some(time.to_iso());
            record.date_display = Some(time.display());
            record.date_days = day_span(time);
            record.sort_time = time.sort_key().0;
        }
        if let Some(interval) = header.service_events.iter().find_map(|e| e.effective_time.as_ref()) {
            let start = interval.low.as_ref().or(interval.value.as_ref()).or(interval.center.as_ref());
            let end = interval.high.as_ref().or(start);
            record.service_start = start.map(Timestamp::to_iso);
            record.service_end = end.map(Timestamp::to_iso);
            let first = start.or(end).and_then(day_span).map(|d| d.0);
            let last = end.or(start).and_then(day_span).map(|d| d.1);
            record.service_days = match (first, last) {
                (Some(a), Some(b)) => Some((a.min(b), a.max(b))),
                _ => None,
            };
        }
        record.type_code = header.code.as_ref().and_then(Coded::of);
        record.title = header.title.as_ref().map(|t| t.text.trim().to_string()).filter(|t| !t.is_empty());
        for author in &header.authors {
            let actor = &author.actor;
            let name = actor
                .names
                .first()
                .map(|n| n.display())
                .filter(|n| !n.trim().is_empty())
                .or_else(|| actor.device.as_ref().map(|d| d.display()).filter(|d| !d.is_empty()));
            let organization = actor.organization.as_ref().and_then(|o| o.name.clone());
            let id = actor
                .ids
                .iter()
                .find(|i| i.national.is_some())
                .or(actor.ids.first())
                .and_then(|i| identifier_key(&i.id));
            let specialty = actor.specialty.as_ref().and_then(|s| {
                let code = s.code.code.as_deref()?.to_string();
                Some(Coded {
                    code,
                    system: s.code.code_system.as_deref().map(String::from),
                    label: s.display(),
                })
            });
            let profession = actor.specialty.as_ref().and_then(|s| {
                let code = s.profession_code.clone()?;
                Some(Coded {
                    label: s.profession.map_or_else(|| code.clone(), str::to_string),
                    code,
                    system: None,
                })
            });
            if name.is_none() && organization.is_none() && specialty.is_none() {
                continue;
            }
            record.authors.push(AuthorRecord {
                name: name.unwrap_or_default(),
                id,
                specialty,
                profession,
                organization,
            });
        }
        let mut organizations: Vec<String> = Vec::new();
        let custodian = header.custodian.as_ref().and_then(|o| o.name.clone());
        let facility =
            header.encounter.as_ref().and_then(|e| e.facility.as_ref()).and_then(|f| {
                f.organization.as_ref().and_then(|o| o.name.clone()).or(f.location_name.clone())
            });
        for name in
            record.authors.iter().filter_map(|a| a.organization.clone()).chain(custodian).chain(facility)
        {
            let name = name.trim().to_string();
            if !name.is_empty() && !organizations.contains(&name) {
                organizations.push(name);
            }
        }
        record.organizations = organizations;
        record.patient = header.patients.first().map(|patient| {
            let name = patient.names.first().map(|n| n.display()).unwrap_or_default();
            let id = patient
                .ins
                .as_ref()
                .map(|ins| ins.value.clone())
                .and_then(|value| {
                    patient.ids.iter().find(|i| i.id.extension.as_deref() == Some(value.as_str()))
                })
                .or(patient.ids.first())
                .and_then(|i| identifier_key(&i.id));
            let birth_date = patient.birth_time.as_ref().map(Timestamp::to_iso);
            let key = id.clone().unwrap_or_else(|| {
                format!("{}|{}", crate::library::search::fold(&name), birth_date.as_deref().unwrap_or(""))
            });
            PatientRecord { name, id, birth_date, key }
        });
        record.confidentiality = header.confidentiality.as_ref().and_then(Coded::of).into_iter().collect();
        if let Some(xds) = xds {
            for code in &xds.confidentiality {
                if !record.confidentiality.iter().any(|c| c.code == code.code) {
                    record.confidentiality.push(code.clone());
                }
            }
        }
        record
    }

    /// The text the quick-search box matches, folded: title, type, class, authors with
    /// their specialty and organization, organizations, patient. (The file name goes to the
    /// full-text index: unique per document, it would swell the fuzzy vocabulary.)
    pub fn quick_key(&self) -> String {
        let mut key = String::new();
        let mut push = |part: &str| {
            if !part.is_empty() {
                key.push_str(part);
                key.push_str(" · ");
            }
        };
        push(self.title.as_deref().unwrap_or(""));
        push(self.type_code.as_ref().map_or("", |c| c.label.as_str()));
        push(self.class_code.as_ref().map_or("", |c| c.label.as_str()));
        for author in &self.authors {
            push(&author.name);
            push(author.specialty.as_ref().map_or("", |c| c.label.as_str()));
        }
        for organization in &self.organizations {
            push(organization);
        }
        if let Some(patient) = &self.patient {
            push(&patient.name);
        }
        crate::library::search::fold(&key)
    }
}

/// `root^extension`, or the root alone: how XDS quotes an id, and the library's key for it.
pub fn identifier_key(id: &Identifier) -> Option<String> {
    match (id.root.as_deref().map(str::trim), id.extension.as_deref().map(str::trim)) {
        (Some(root), Some(ext)) if !root.is_empty() && !ext.is_empty() => Some(format!("{root}^{ext}")),
        (Some(root), _) if !root.is_empty() => Some(root.to_string()),
        _ => None,
    }
}

/// The days a timestamp covers at its precision: a year covers the whole year, a month the
/// whole month, a day or anything finer that day (as written, in the author's local time).
pub fn day_span(time: &Timestamp) -> Option<(i32, i32)> {
    use chrono::Datelike;
    let year = i32::from(time.year());
    let start = NaiveDate::from_ymd_opt(
        year,
        u32::from(time.month().unwrap_or(1)),
        u32::from(time.day().unwrap_or(1)),
    )?;
    let end = match (time.month(), time.day()) {
        (_, Some(_)) => start,
        (Some(month), None) => {
            let next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, u32::from(month) + 1, 1)
            };
            next?.pred_opt()?
        }
        (None, None) => NaiveDate::from_ymd_opt(year, 12, 31)?,
    };
    Some((start.num_days_from_ce(), end.num_days_from_ce()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str) -> (NaiveDate, NaiveDate) {
        let time = Timestamp::parse(text).expect("a timestamp");
        let (a, b) = day_span(&time).expect("a span");
        (NaiveDate::from_num_days_from_ce_opt(a).unwrap(), NaiveDate::from_num_days_from_ce_opt(b).unwrap())
    }

    #[test]
    fn a_timestamp_covers_the_days_of_its_precision() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(span("2021"), (d("2021-01-01"), d("2021-12-31")));
        assert_eq!(span("202402"), (d("2024-02-01"), d("2024-02-29")));
        assert_eq!(span("202112"), (d("2021-12-01"), d("2021-12-31")));
        assert_eq!(span("20210401171000+0100"), (d("2021-04-01"), d("2021-04-01")));
    }
}
