//! XDM packages in a session: a zip opened (from disk or uploaded) becomes one entry per
//! clinical document it holds, each read from the zip in memory when needed and
//! cross-checked against its XDS metadata. The package's own problems (layout, metadata,
//! limits) become notes; its signatures are named in a note, never listed as documents.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Finding, Severity};
use crate::input::{Document, FileError};
use crate::library::record::Coded;
use crate::library::XdsFacts;
use crate::xdm::{self, ArchiveLimits, DocumentEntry, DocumentRole, XdmPackage};
use crate::xml::{Limits, Span};

/// Where a package's bytes are.
#[derive(Debug, Clone)]
pub(super) enum Zip {
    /// A zip on disk, read again whenever one of its documents is.
    File(PathBuf),
    /// A zip sent by a browser, kept in memory.
    Uploaded(Arc<[u8]>),
}

/// A document inside a package.
#[derive(Debug, Clone)]
pub(super) struct Packaged {
    pub zip: Zip,
    /// The member's path inside the zip.
    pub member: String,
    /// Its entry in the package's METADATA.XML, when one describes it.
    pub entry: Option<Arc<DocumentEntry>>,
}

/// A clinical document found in a package, ready to become a session entry.
pub(super) struct Found {
    pub name: String,
    pub size: u64,
    pub packaged: Packaged,
}

/// Reads the zip at `path` (or `bytes`) and lists its clinical documents, with notes on
/// what the package holds besides and on the problems found.
pub(super) fn open(zip: Zip, shown: &str, limits: &Limits) -> (Vec<Found>, Vec<String>) {
    let bytes = match load(&zip, limits) {
        Ok(bytes) => bytes,
        Err(note) => return (Vec::new(), vec![format!("{shown}: {note}")]),
    };
    let package = xdm::read_package(&bytes, &ArchiveLimits::default(), limits);
    let notes = notes(&package, shown);
    let mut found = Vec::new();
    for set in &package.submission_sets {
        for document in set.documents.iter().filter(|d| d.role == DocumentRole::Clinical) {
            let name = document.path.rsplit('/').next().unwrap_or(&document.path).to_string();
            found.push(Found {
                name,
                size: document.size,
                packaged: Packaged {
                    zip: zip.clone(),
                    member: document.path.clone(),
                    entry: document.entry.clone().map(Arc::new),
                },
            });
        }
    }
    if found.is_empty() && package.submission_sets.is_empty() {
        // Not an XDM package: the zip's files are not guessed at.
        let files = package.members.len();
        return (Vec::new(), [notes, vec![format!("{shown}: a zip of {files} file(s) that is not an XDM package: nothing was opened from it")]].concat());
    }
    (found, notes)
}

/// The bytes of a zip, within the reading limit.
fn load(zip: &Zip, limits: &Limits) -> Result<Arc<[u8]>, String> {
    match zip {
        Zip::Uploaded(bytes) => Ok(bytes.clone()),
        Zip::File(path) => {
            crate::input::read_file(path, limits.max_input_bytes).map_err(|error| match error {
                FileError::TooLarge(size) => {
                    format!(
                        "the package is {size} bytes, more than the {}-byte reading limit",
                        limits.max_input_bytes
                    )
                }
                FileError::Directory => "cannot be read (it is a folder)".to_owned(),
                FileError::Io(error) => format!("cannot be read ({error})"),
            })
        }
    }
}

/// One note per problem of the package worth a person's attention (warnings and errors),
/// and one naming its signatures.
fn notes(package: &XdmPackage, shown: &str) -> Vec<String> {
    let mut notes = Vec::new();
    let worth = |f: &&Finding| f.severity >= Severity::Warning;
    for finding in package.findings.iter().filter(worth) {
        notes.push(format!("{shown}: {}", finding.message));
    }
    for set in &package.submission_sets {
        for finding in set.metadata_findings.iter().filter(worth) {
            let at = finding
                .position
                .map(|p| format!(" ({}:{p})", set.metadata_path.as_deref().unwrap_or("METADATA.XML")));
            notes.push(format!("{shown}{}: {}", at.unwrap_or_default(), finding.message));
        }
        let signatures: Vec<&str> = set
            .documents
            .iter()
            .filter(|d| d.role == DocumentRole::Signature)
            .map(|d| d.path.as_str())
            .collect();
        if !signatures.is_empty() {
            notes.push(format!(
                "{shown}: the package is signed ({}); the signature is the package's, not a clinical document, \
                 and is not verified by Vigie",
                signatures.join(", ")
            ));
        }
    }
    notes
}

/// Reads a packaged document: the member from its zip, then the document, cross-checked
/// against its metadata entry; with the member's bytes (none when they could not be read).
pub(super) fn read_with_bytes(packaged: &Packaged, limits: &Limits) -> (Document, Option<Vec<u8>>) {
    let zip = match load(&packaged.zip, limits) {
        Ok(zip) => zip,
        Err(note) => {
            let finding = Finding::error("io.package", Span::at(0), format!("its package {note}"));
            return (crate::input::failed(0, finding), None);
        }
    };
    match xdm::read_member(&zip, &packaged.member, &ArchiveLimits::default()) {
        Ok(bytes) => {
            let mut document = crate::read_bytes(&bytes, limits);
            if let Some(entry) = &packaged.entry {
                let checks = xdm::cross_check(entry, &bytes, &document);
                document.findings.extend(checks);
            }
            (document, Some(bytes))
        }
        Err(finding) => (crate::input::failed(0, finding), None),
    }
}

/// What the library takes from a document's XDS metadata: its class and the DMP's
/// confidentiality codes.
pub(super) fn xds_facts(entry: &DocumentEntry) -> XdsFacts {
    let coded = |c: &xdm::CodedValue| {
        let label = c
            .scheme
            .as_deref()
            .and_then(|scheme| crate::terminology::label(scheme, &c.code))
            .map(str::to_string)
            .or_else(|| c.display.clone())
            .unwrap_or_else(|| c.code.clone());
        Coded { code: c.code.clone(), system: c.scheme.clone(), label }
    };
    XdsFacts {
        class: entry.class_code.as_ref().map(coded),
        confidentiality: entry.confidentiality_codes.iter().map(coded).collect(),
    }
}

/// The path shown for a packaged document: the zip's, then `!` and the member's.
pub(super) fn shown_path(zip: &Path, member: &str) -> String {
    format!("{}!{member}", zip.display())
}
