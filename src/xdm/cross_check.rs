//! Does the metadata tell the truth about the document? A DMP or a recipient's software
//! indexes a document by its XDS metadata, not by its CDA header: a package whose entry
//! gives another patient, another type or a stale hash files the document wrongly. Each
//! disagreement is a warning quoting both values, located in the document.

use chrono::DateTime;
use sha1::{Digest as _, Sha1};

use super::entries::{CodedValue, DocumentEntry};
use crate::diag::{Finding, Findings};
use crate::input::Document;
use crate::model::time::{Precision, Timestamp};
use crate::model::{ClinicalDocument, Identifier};
use crate::xml::Span;

/// HL7 Confidentiality, the code system of the CDA `confidentialityCode`; French metadata
/// adds codes of its own (`MASQUE_PS`, `INVISIBLE_PATIENT`) that the CDA never carries.
const HL7_CONFIDENTIALITY: &str = "2.16.840.1.113883.5.25";

/// Cross-checks one document's XDS metadata against the document read from `bytes`.
pub fn cross_check(entry: &DocumentEntry, bytes: &[u8], document: &Document) -> Vec<Finding> {
    let mut findings = Findings::default();
    bytes_check(entry, bytes, &mut findings);
    if let Some(cda) = &document.cda {
        let at = |local: &str| {
            header_child(document, cda, local).unwrap_or(Span::at(cda.header.span.start as usize))
        };
        let mut check = Check { cda, findings: &mut findings };
        check.unique_id(entry);
        check.type_code(entry);
        check.patient(entry);
        check.times(entry, at("effectiveTime"));
        check.authors(entry);
        check.confidentiality(entry);
        check.language(entry, at("languageCode"));
    }
    if let Some(lines) = document.lines() {
        findings.locate(lines);
    }
    findings.into_vec()
}

fn warn(findings: &mut Findings, code: &'static str, span: Span, message: String) {
    findings.push(Finding::warning(code, span, message));
}

fn bytes_check(entry: &DocumentEntry, bytes: &[u8], findings: &mut Findings) {
    if let Some(size) = entry.size {
        if size != bytes.len() as u64 {
            warn(
                findings,
                "xdm.size-mismatch",
                Span::at(0),
                format!(
                    "the package's metadata gives size {size} but the document has {} bytes",
                    bytes.len()
                ),
            );
        }
    }
    if let Some(hash) = &entry.hash {
        let actual: String = Sha1::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        if !hash.trim().eq_ignore_ascii_case(&actual) {
            warn(
                findings,
                "xdm.hash-mismatch",
                Span::at(0),
                format!(
                    "the package's metadata gives hash {} but the document's SHA-1 is {actual}: the file \
                     changed after it was registered, or the entry describes another file",
                    hash.trim()
                ),
            );
        }
    }
}

/// The start tag of a direct child of the `ClinicalDocument`, to point findings at.
fn header_child(document: &Document, cda: &ClinicalDocument, local: &str) -> Option<Span> {
    let tree = document.tree.as_ref()?;
    let root = tree.root()?;
    let node = tree.descendants(root).find(|&n| tree.is_element(n) && tree.span(n) == cda.header.span)?;
    tree.child(node, local).map(|c| tree.head_span(c))
}

/// `root^extension`, or the root alone: how XDS writes a CDA id.
fn xds_id(id: &Identifier) -> Option<String> {
    match (&id.root, &id.extension) {
        (Some(r), Some(e)) => Some(format!("{r}^{e}")),
        (Some(r), None) => Some(r.to_string()),
        _ => None,
    }
}

struct Check<'a> {
    cda: &'a ClinicalDocument,
    findings: &'a mut Findings,
}

impl Check<'_> {
    fn unique_id(&mut self, entry: &DocumentEntry) {
        let (Some(unique_id), Some(id)) = (&entry.unique_id, &self.cda.header.id) else { return };
        let Some(expected) = xds_id(id) else { return };
        if unique_id.trim() != expected {
            warn(
                self.findings,
                "xdm.unique-id-mismatch",
                id.span,
                format!(
                    "the package's metadata gives uniqueId {} but the document's id is {expected} \
                     (XDS writes root^extension)",
                    unique_id.trim()
                ),
            );
        }
    }

    fn type_code(&mut self, entry: &DocumentEntry) {
        let (Some(type_code), Some(code)) = (&entry.type_code, &self.cda.header.code) else { return };
        let Some(cda_code) = &code.code else { return };
        // a scheme written as a name ("LOINC") rather than an OID cannot be compared
        let scheme_differs = matches!((&type_code.scheme, &code.code_system),
            (Some(a), Some(b)) if is_oid(a) && a.trim() != b.trim());
        if type_code.code.trim() != cda_code.trim() || scheme_differs {
            warn(
                self.findings,
                "xdm.type-code-mismatch",
                code.span,
                format!(
                    "the package's metadata gives typeCode {} but the document's code is {}",
                    coded(type_code),
                    with_system(cda_code, code.code_system.as_deref())
                ),
            );
        }
    }

    fn patient(&mut self, entry: &DocumentEntry) {
        let Some(cx) = &entry.patient_id else { return };
        let patients = &self.cda.header.patients;
        let ids: Vec<&Identifier> = patients.iter().flat_map(|p| p.ids.iter().map(|i| &i.id)).collect();
        if ids.is_empty() {
            return;
        }
        let same = |id: &&Identifier| {
            id.extension.as_deref().map(str::trim) == Some(cx.id.as_str())
                && cx
                    .root
                    .as_ref()
                    .is_none_or(|root| id.root.as_deref().map(str::trim) == Some(root.as_str()))
        };
        if !ids.iter().any(same) {
            let listed: Vec<String> = ids
                .iter()
                .map(|id| {
                    format!(
                        "{}^^^&{}&ISO",
                        id.extension.as_deref().unwrap_or("?"),
                        id.root.as_deref().unwrap_or("?")
                    )
                })
                .collect();
            let span = patients.first().map(|p| p.span).unwrap_or_default();
            warn(
                self.findings,
                "xdm.patient-mismatch",
                span,
                format!(
                    "the package's metadata gives patientId {} but the document's patient has {}",
                    cx.value,
                    listed.join(", ")
                ),
            );
        }
    }

    fn times(&mut self, entry: &DocumentEntry, effective_span: Span) {
        let header = &self.cda.header;
        if let (Some(xds), Some(cda)) = (&entry.creation_time, &header.effective_time) {
            self.time("creationTime", xds, "effectiveTime", cda, effective_span);
        }
        let Some(event) = header.service_events.iter().find(|e| e.effective_time.is_some()) else { return };
        let Some(interval) = &event.effective_time else { return };
        let low = interval.low.as_ref().or(interval.value.as_ref());
        let high = interval.high.as_ref().or(interval.value.as_ref());
        if let (Some(xds), Some(cda)) = (&entry.service_start_time, low) {
            self.time("serviceStartTime", xds, "serviceEvent's start", cda, event.span);
        }
        if let (Some(xds), Some(cda)) = (&entry.service_stop_time, high) {
            self.time("serviceStopTime", xds, "serviceEvent's end", cda, event.span);
        }
    }

    fn time(&mut self, xds_name: &str, xds: &str, cda_name: &str, cda: &Timestamp, span: Span) {
        let xds = xds.trim();
        if !xds.bytes().all(|b| b.is_ascii_digit()) || same_time(xds, cda) {
            return;
        }
        let utc = utc_digits(cda).map(|u| format!(" ({u} UTC)")).unwrap_or_default();
        warn(
            self.findings,
            "xdm.time-mismatch",
            span,
            format!(
                "the package's metadata gives {xds_name} {xds} (UTC) but the document's {cda_name} is {}{utc}",
                cda.raw()
            ),
        );
    }

    fn authors(&mut self, entry: &DocumentEntry) {
        let cda_ids: Vec<&Identifier> =
            self.cda.header.authors.iter().flat_map(|a| a.actor.ids.iter().map(|i| &i.id)).collect();
        if cda_ids.is_empty() {
            return;
        }
        for author in &entry.authors {
            let Some(person) = &author.person else { continue };
            let Some(id) = person.id.as_deref() else { continue };
            let same = |cda: &&Identifier| {
                cda.extension.as_deref().map(str::trim) == Some(id)
                    && person
                        .assigning_authority
                        .as_ref()
                        .is_none_or(|oid| cda.root.as_deref().map(str::trim) == Some(oid.as_str()))
            };
            if !cda_ids.iter().any(same) {
                let listed: Vec<String> = cda_ids.iter().filter_map(|i| xds_id(i)).collect();
                let span = self.cda.header.authors.first().map(|a| a.span).unwrap_or_default();
                warn(
                    self.findings,
                    "xdm.author-mismatch",
                    span,
                    format!(
                        "the package's metadata gives the author {} but no author of the document has that \
                         id (the document's authors: {})",
                        person.value,
                        listed.join(", ")
                    ),
                );
            }
        }
    }

    fn confidentiality(&mut self, entry: &DocumentEntry) {
        let Some(code) = &self.cda.header.confidentiality else { return };
        let Some(cda_code) = code.code.as_deref().map(str::trim) else { return };
        let hl7: Vec<&CodedValue> = entry
            .confidentiality_codes
            .iter()
            .filter(|c| c.scheme.as_deref().is_none_or(|s| s.trim() == HL7_CONFIDENTIALITY))
            .collect();
        if !hl7.is_empty() && !hl7.iter().any(|c| c.code.trim() == cda_code) {
            let given: Vec<String> = hl7.iter().map(|c| c.code.clone()).collect();
            warn(
                self.findings,
                "xdm.confidentiality-mismatch",
                code.span,
                format!(
                    "the package's metadata gives confidentialityCode {} but the document's is {cda_code}",
                    given.join(", ")
                ),
            );
        }
    }

    fn language(&mut self, entry: &DocumentEntry, span: Span) {
        let (Some(xds), Some(cda)) = (&entry.language_code, &self.cda.header.language) else { return };
        if !xds.trim().eq_ignore_ascii_case(cda.trim()) {
            warn(
                self.findings,
                "xdm.language-mismatch",
                span,
                format!(
                    "the package's metadata gives languageCode {} but the document's is {}",
                    xds.trim(),
                    cda.trim()
                ),
            );
        }
    }
}

fn is_oid(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty()
        && value.split('.').all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()))
}

fn coded(value: &CodedValue) -> String {
    with_system(&value.code, value.scheme.as_deref())
}

fn with_system(code: &str, system: Option<&str>) -> String {
    match system {
        Some(s) => format!("{code} ({s})"),
        None => code.to_string(),
    }
}

/// The digits of a timestamp as written, before any fraction or offset.
fn written_digits(ts: &Timestamp) -> String {
    ts.raw().chars().take_while(|c| c.is_ascii_digit()).collect()
}

/// The instant in UTC at the timestamp's precision (to the minute or better, offset known).
fn utc_digits(ts: &Timestamp) -> Option<String> {
    let utc = ts.utc()?;
    let full = utc.format("%Y%m%d%H%M%S").to_string();
    let n = written_digits(ts).len().min(full.len());
    full.get(..n).map(str::to_string)
}

/// Whether an XDS time (UTC) and a CDA time agree at the precision of the shorter. A CDA
/// time with an offset is converted to UTC (a date alone is also accepted as written, as
/// senders truncate local dates); one without is taken as written or as Paris time, since
/// French senders write either.
fn same_time(xds: &str, cda: &Timestamp) -> bool {
    let written = written_digits(cda);
    let mut candidates = Vec::new();
    match utc_digits(cda) {
        Some(utc) => {
            candidates.push(utc);
            if xds.len() <= 8 {
                candidates.push(written);
            }
        }
        None => {
            if cda.offset().is_none() && cda.precision() >= Precision::Minute {
                let (seconds, _, _) = cda.sort_key();
                if let Some(utc) = DateTime::from_timestamp(seconds, 0) {
                    let full = utc.format("%Y%m%d%H%M%S").to_string();
                    candidates.extend(full.get(..written.len().min(full.len())).map(str::to_string));
                }
            }
            candidates.push(written);
        }
    }
    candidates.iter().any(|c| {
        let n = c.len().min(xds.len());
        n >= 4 && c.get(..n) == xds.get(..n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn times_are_compared_in_utc_at_the_shorter_precision() {
        assert!(same_time("20240312071500", &ts("20240312081500+0100")));
        assert!(same_time("20240312", &ts("20240312081500+0100")));
        assert!(same_time("20240312071500", &ts("20240312")));
        // local time in the metadata is a mismatch when the document gives its offset
        assert!(!same_time("20240312081500", &ts("20240312081500+0100")));
        assert!(!same_time("20240313", &ts("20240312081500+0100")));
        // without an offset: as written, or as Paris time
        assert!(same_time("20240312081500", &ts("20240312081500")));
        assert!(same_time("20240312071500", &ts("20240312081500")));
        assert!(!same_time("20240312091500", &ts("20240312081500")));
    }
}
