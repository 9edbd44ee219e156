//! IHE XDM packages (ITI-32): the zip an MSSanté message carries, read in memory.
//!
//! A package holds one or more submission sets, each a folder (`IHE_XDM/SUBSET01/`) with the
//! documents and a `METADATA.XML` registering them: patient INS, authors, class, type,
//! format, facility, practice setting, confidentiality, and each document's size and SHA-1.
//! [`read_package`] lists the members, finds the submission sets, reads their metadata and
//! pairs each document entry with its file; [`read_member`] reads one file again when the
//! user opens it; [`cross_check`] compares an entry with the CDA document it describes.
//!
//! Like the rest of the reader, this never fails and never panics on input: a broken zip is
//! an empty package with findings; every deviation from ITI-32 seen in real packages (an
//! extra root folder, mixed-case names, back-slash paths, a missing `IHE_XDM/`, a missing
//! URI, an undeclared prefix in the metadata) is read through and reported. Nothing from the
//! zip is written to disk; every inflation is bounded by [`ArchiveLimits`].
//!
//! Code map: `archive` (the zip: listing, path checks, bounded reads), `layout` (root,
//! submission set folders, where an entry's file is), `metadata` (ebRIM → [`Metadata`], the
//! types in `entries`, value forms in `values`), `schemes` (the ITI TF-3 UUIDs), `hl7v2`
//! (CX, XCN, XON), `cross_check`; this file pairs entries with files.

mod archive;
mod cross_check;
mod entries;
mod hl7v2;
mod layout;
mod metadata;
mod schemes;
mod values;

use serde::Serialize;

use crate::diag::{Finding, Findings};
use crate::xml::Span;

pub use cross_check::cross_check;
pub use entries::{Association, CodedValue, DocumentEntry, Metadata, SubmissionSetEntry, XdsAuthor};
pub use hl7v2::{CodedString, Cx, Xcn, Xon};
pub use metadata::read_metadata;

/// How much a package may make Vigie inflate: a zip of a few kilobytes can expand to
/// gigabytes, so each limit is checked while inflating and reported when hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Most entries listed; the rest are not read.
    pub max_entries: usize,
    /// Largest member, inflated.
    pub max_entry_bytes: u64,
    /// Most bytes inflated while reading one package.
    pub max_total_bytes: u64,
    /// Largest inflated/compressed ratio of a member, checked once it passes 1 MiB.
    pub max_ratio: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            max_entry_bytes: 256 * 1024 * 1024,
            max_total_bytes: 1024 * 1024 * 1024,
            max_ratio: 200,
        }
    }
}

/// One file of the zip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The path with `/` separators, as stored otherwise (case kept): what
    /// [`read_member`] takes.
    pub path: String,
    /// The name as the zip stores it (back-slashes and all).
    pub raw_name: String,
    /// The inflated size the zip declares (not trusted when reading).
    pub size: u64,
    pub compressed_size: u64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
    /// Position in the zip's directory (or in its local headers when the directory is damaged).
    #[serde(skip)]
    pub(crate) index: usize,
}

/// What a file of a submission set is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentRole {
    /// A document to show: a CDA document, a PDF, a DICOM manifest.
    Clinical,
    /// An IHE DSG signature (XAdES) of the submission set or of documents.
    Signature,
    /// A stylesheet, an index, a note.
    Other,
}

/// A file of a submission set and the metadata entry that describes it.
#[derive(Debug, Clone, Serialize)]
pub struct PackageDocument {
    /// The member's path (for [`read_member`]).
    pub path: String,
    /// The inflated size the zip declares.
    pub size: u64,
    /// The entry describing this file: matched by URI, else by hash, else by position when
    /// only one entry and one file are left. Serialised as the entry's `id` (the entry itself
    /// is in the submission set's metadata).
    #[serde(serialize_with = "entry_id")]
    pub entry: Option<DocumentEntry>,
    pub role: DocumentRole,
    /// For a signature: the ids of the registry objects it signs (`signs` associations).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signs: Vec<String>,
}

fn entry_id<S: serde::Serializer>(entry: &Option<DocumentEntry>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_some(&entry.as_ref().map(|e| e.id.as_str()))
}

/// One submission set: its folder, its metadata and its documents.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionSet {
    /// The folder after the package root, e.g. `IHE_XDM/SUBSET01`.
    pub folder: String,
    /// The member path of its `METADATA.XML`, when there is one.
    pub metadata_path: Option<String>,
    pub metadata: Option<Metadata>,
    /// Problems found in `METADATA.XML`, located in it (line:column).
    pub metadata_findings: Findings,
    pub documents: Vec<PackageDocument>,
}

/// A package, read: every member, the submission sets, and what was found on the way.
#[derive(Debug, Clone, Serialize)]
pub struct XdmPackage {
    /// Every file of the zip, in its order; not folders, and not the entries whose path would
    /// leave the package (those are reported and never read).
    pub members: Vec<Member>,
    /// The folder holding the package inside the zip (`samplexdm/`, `KA202401/`, or "").
    pub root: String,
    pub submission_sets: Vec<SubmissionSet>,
    /// Layout deviations (info, warning), limits hit and unreadable members (error). These
    /// concern the zip, not a text: their position is `None`.
    pub findings: Findings,
}

/// How much of a file is read to recognise it.
const HEAD_BYTES: u64 = 4096;

/// Reads a package from the zip's bytes. Never fails: a broken zip gives an empty package
/// with findings.
pub fn read_package(zip: &[u8], limits: &ArchiveLimits, xml_limits: &crate::xml::Limits) -> XdmPackage {
    let mut findings = Findings::default();
    let mut archive = archive::Archive::open(zip, limits, &mut findings);
    let members = std::mem::take(&mut archive.members);
    let layout = layout::discover(&members, &mut findings);
    let mut reader = Reader { archive, members: &members, limits, budget: limits.max_total_bytes, findings };
    let mut submission_sets = Vec::with_capacity(layout.subsets.len());
    for folder in &layout.subsets {
        let metadata_member = folder.metadata.and_then(|i| members.get(i));
        let mut set = SubmissionSet {
            folder: folder.relative.clone(),
            metadata_path: metadata_member.map(|m| m.path.clone()),
            metadata: None,
            metadata_findings: Findings::default(),
            documents: Vec::new(),
        };
        if let Some(member) = metadata_member {
            match reader.read(member) {
                Ok(bytes) => {
                    let (metadata, metadata_findings) = read_metadata(&bytes, xml_limits);
                    set.metadata = metadata;
                    set.metadata_findings = metadata_findings;
                }
                Err(finding) => reader.findings.push(finding),
            }
        }
        let files = layout::subset_members(&members, folder, &layout);
        set.documents =
            reader.documents(folder, &layout.root, &files, &set.metadata, &mut set.metadata_findings);
        submission_sets.push(set);
    }
    let findings = reader.findings;
    XdmPackage { root: layout.root, members, submission_sets, findings }
}

/// Reads one member's bytes again, by its normalised path (as in [`Member::path`]), within
/// the limits: to open a packaged document on demand.
pub fn read_member(zip: &[u8], path: &str, limits: &ArchiveLimits) -> Result<Vec<u8>, Finding> {
    let mut findings = Findings::default();
    let mut archive = archive::Archive::open(zip, limits, &mut findings);
    let exact = archive.members.iter().find(|m| m.path == path);
    let member =
        exact.or_else(|| archive.members.iter().find(|m| m.path.eq_ignore_ascii_case(path))).cloned();
    let Some(member) = member else {
        let cause = findings.iter().find(|f| f.severity == crate::diag::Severity::Error);
        return Err(cause.cloned().unwrap_or_else(|| {
            Finding::error("xdm.member-not-found", Span::at(0), format!("the package has no file \"{path}\""))
        }));
    };
    let mut budget = limits.max_total_bytes;
    archive.read(&member, limits, &mut budget, None)
}

/// The zip being read, with what is left of the inflation budget.
struct Reader<'a, 'z> {
    archive: archive::Archive<'z>,
    members: &'a [Member],
    limits: &'a ArchiveLimits,
    budget: u64,
    findings: Findings,
}

impl Reader<'_, '_> {
    fn read(&mut self, member: &Member) -> Result<Vec<u8>, Finding> {
        self.archive.read(member, self.limits, &mut self.budget, None)
    }

    fn head(&mut self, member: &Member) -> Option<Vec<u8>> {
        self.archive.read(member, self.limits, &mut self.budget, Some(HEAD_BYTES)).ok()
    }

    fn sha1(&mut self, member: &Member) -> Option<String> {
        use sha1::{Digest as _, Sha1};
        match self.read(member) {
            Ok(bytes) => Some(Sha1::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()),
            Err(finding) => {
                self.findings.push(finding);
                None
            }
        }
    }

    /// Pairs the subset's files with its metadata's entries, and says what each file is.
    fn documents(
        &mut self,
        folder: &layout::SubsetFolder,
        root: &str,
        files: &[usize],
        metadata: &Option<Metadata>,
        metadata_findings: &mut Findings,
    ) -> Vec<PackageDocument> {
        let members = self.members;
        let entries: &[DocumentEntry] = metadata.as_ref().map(|m| m.documents.as_slice()).unwrap_or(&[]);
        let mut entry_of: Vec<Option<usize>> = vec![None; files.len()];
        let mut taken = vec![false; entries.len()];
        let mut uri_failed = vec![false; entries.len()];

        for (e, entry) in entries.iter().enumerate() {
            let Some(uri) = &entry.uri else { continue };
            let found = files.iter().enumerate().find_map(|(d, &m)| {
                layout::uri_names(uri, &members[m].path, folder, root).map(|wide| (d, wide))
            });
            match found {
                Some((d, _)) if entry_of[d].is_some() => metadata_findings.push(layout::at_entry(
                    entry,
                    Finding::warning(
                        "xdm.uri-repeated",
                        Span::at(0),
                        format!("URI \"{uri}\" names a file another entry already describes"),
                    ),
                )),
                Some((d, wide)) => {
                    entry_of[d] = Some(e);
                    taken[e] = true;
                    if wide {
                        metadata_findings.push(layout::at_entry(
                            entry,
                            Finding::info(
                                "xdm.uri-includes-folder",
                                Span::at(0),
                                format!(
                                    "URI \"{uri}\" includes the folder: ITI-32 gives the file name \
                                     relative to the submission set folder"
                                ),
                            ),
                        ));
                    }
                }
                None => uri_failed[e] = true,
            }
        }

        if entries.iter().enumerate().any(|(e, entry)| !taken[e] && entry.hash.is_some()) {
            for (d, &m) in files.iter().enumerate() {
                if entry_of[d].is_some() || layout::is_auxiliary(&members[m].path) {
                    continue;
                }
                let Some(hash) = self.sha1(&members[m]) else { continue };
                let hit = entries.iter().enumerate().find(|(e, entry)| {
                    !taken[*e] && entry.hash.as_deref().is_some_and(|h| h.trim().eq_ignore_ascii_case(&hash))
                });
                if let Some((e, entry)) = hit {
                    entry_of[d] = Some(e);
                    taken[e] = true;
                    metadata_findings.push(layout::at_entry(
                        entry,
                        Finding::info(
                            "xdm.matched-by-hash",
                            Span::at(0),
                            format!("the entry is paired with {} by its hash", members[m].path),
                        ),
                    ));
                }
            }
        }

        // by position only when nothing else could identify the file: no URI, no hash
        let free: Vec<usize> = (0..entries.len()).filter(|&e| !taken[e]).collect();
        let blind = |e: usize| entries[e].uri.is_none() && entries[e].hash.is_none();
        if let [e] = free[..] {
            let candidates: Vec<usize> = (0..files.len())
                .filter(|&d| {
                    entry_of[d].is_none()
                        && layout::fits_mime_type(&members[files[d]].path, entries[e].mime_type.as_deref())
                })
                .collect();
            if let ([d], true) = (&candidates[..], blind(e)) {
                let d = *d;
                entry_of[d] = Some(e);
                taken[e] = true;
                metadata_findings.push(layout::at_entry(
                    &entries[e],
                    Finding::info(
                        "xdm.matched-by-position",
                        Span::at(0),
                        format!(
                            "the entry is paired with {}, the only file of its type left in the folder",
                            members[files[d]].path
                        ),
                    ),
                ));
            }
        }

        for (e, entry) in entries.iter().enumerate() {
            if taken[e] {
                if uri_failed[e] {
                    let finding = Finding::warning(
                        "xdm.uri-wrong",
                        Span::at(0),
                        format!(
                            "URI \"{}\" names no file of the package: the entry was paired with its file \
                             otherwise",
                            entry.uri.as_deref().unwrap_or_default()
                        ),
                    );
                    metadata_findings.push(layout::at_entry(entry, finding));
                }
                continue;
            }
            let finding = match &entry.uri {
                Some(_) => uri_names_nothing(entry, folder),
                None => Finding::warning(
                    "xdm.document-missing",
                    Span::at(0),
                    format!(
                        "the metadata registers the document {} but no file of the folder could be paired with it",
                        describe(entry)
                    ),
                ),
            };
            metadata_findings.push(layout::at_entry(entry, finding));
        }

        let associations = metadata.as_ref().map(|m| m.associations.as_slice()).unwrap_or(&[]);
        let mut documents = Vec::with_capacity(files.len());
        for (d, &m) in files.iter().enumerate() {
            let member = &members[m];
            let entry = entry_of[d].and_then(|e| entries.get(e));
            let (role, signs) = match entry {
                Some(entry) => entry_role(entry, associations),
                None => {
                    if metadata.is_some() && !layout::is_auxiliary(&member.path) {
                        self.findings.push(Finding::warning(
                            "xdm.document-unlisted",
                            Span::at(0),
                            format!(
                                "{} is in the submission set's folder but METADATA.XML does not register it",
                                member.path
                            ),
                        ));
                    }
                    (self.sniff_role(member), Vec::new())
                }
            };
            documents.push(PackageDocument {
                path: member.path.clone(),
                size: member.size,
                entry: entry.cloned(),
                role,
                signs,
            });
        }
        documents
    }

    /// The role of a file no entry describes, from its name and its first bytes.
    fn sniff_role(&mut self, member: &Member) -> DocumentRole {
        if layout::is_auxiliary(&member.path) {
            return DocumentRole::Other;
        }
        let head = self.head(member).unwrap_or_default();
        let mentions_cda = memchr::memmem::find(&head, b"ClinicalDocument").is_some();
        match layout::root_element(&head).as_deref() {
            Some("ClinicalDocument") => DocumentRole::Clinical,
            Some("Signature") if !mentions_cda => DocumentRole::Signature,
            Some(_) if mentions_cda => DocumentRole::Clinical,
            Some(_) => DocumentRole::Other,
            None if head.starts_with(b"%PDF-") => DocumentRole::Clinical,
            None => DocumentRole::Other,
        }
    }
}

fn describe(entry: &DocumentEntry) -> String {
    match (&entry.title, &entry.unique_id) {
        (Some(t), Some(u)) => format!("\"{t}\" ({u})"),
        (Some(t), None) => format!("\"{t}\""),
        (None, Some(u)) => u.clone(),
        (None, None) => format!("\"{}\"", entry.id),
    }
}

fn uri_names_nothing(entry: &DocumentEntry, folder: &layout::SubsetFolder) -> Finding {
    Finding::warning(
        "xdm.document-missing",
        Span::at(0),
        format!(
            "URI \"{}\" of the document {} names no file of the package (looked in \"{}/\")",
            entry.uri.as_deref().unwrap_or_default(),
            describe(entry),
            folder.full
        ),
    )
}

/// Whether an entry is an IHE DSG signature (by its codes or a `signs` association), and
/// what it signs.
fn entry_role(entry: &DocumentEntry, associations: &[Association]) -> (DocumentRole, Vec<String>) {
    let code = |c: &Option<CodedValue>| c.as_ref().map(|c| c.code.trim().to_string()).unwrap_or_default();
    let signs: Vec<String> = associations
        .iter()
        .filter(|a| schemes::is_signs(&a.association_type) && a.source_object == entry.id)
        .map(|a| a.target_object.clone())
        .collect();
    let coded_as_signature = code(&entry.class_code) == schemes::DSG_CLASS_CODE
        || code(&entry.format_code) == schemes::DSG_FORMAT_CODE
        || code(&entry.type_code) == schemes::DSG_TYPE_CODE;
    if coded_as_signature || !signs.is_empty() {
        (DocumentRole::Signature, signs)
    } else {
        (DocumentRole::Clinical, signs)
    }
}
