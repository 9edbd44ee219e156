//! Reading an input: recognise what it is by its content, decode, parse, build the model.
//!
//! Inputs are recognised by content, never by extension: a `ClinicalDocument`; an
//! auto-presentable document (an `xsl:stylesheet` root wrapping the document — the document
//! is read, the stylesheet is never run); a document inside an XML signature; a bare PDF; a
//! zip (an XDM package: read by the library, not here).

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::diag::{Finding, Findings};
use crate::model::ClinicalDocument;
use crate::xml::{self, Limits, LineIndex, NodeId, Ns, Span, Tree};

/// What an input turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// An XML file whose root is a CDA `ClinicalDocument`.
    ClinicalDocument,
    /// An `xsl:stylesheet` carrying a `ClinicalDocument` inside (auto-presentable document).
    AutoPresentable,
    /// A `ClinicalDocument` inside an XML signature (`ds:Signature`).
    Signed,
    /// A PDF file.
    Pdf,
    /// A zip archive (an IHE XDM package, as sent over MSSanté).
    Zip,
    /// XML that contains no `ClinicalDocument`.
    OtherXml,
    /// Neither XML nor a known binary format.
    Unknown,
}

/// One input, read: what it is, its source, its model and every problem found.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: InputKind,
    /// The encoding the bytes were decoded from (XML inputs).
    pub encoding: Option<&'static str>,
    pub size: usize,
    /// The XML tree, for XML inputs.
    pub tree: Option<Arc<Tree>>,
    /// Line starts of the XML source, computed on first use ([`Document::lines`]).
    line_index: std::sync::OnceLock<LineIndex>,
    /// The CDA document, when one was found (possibly partial: see `complete`).
    pub cda: Option<ClinicalDocument>,
    /// Whether the whole input could be read.
    pub complete: bool,
    pub findings: Findings,
}

/// Reads a file. I/O errors are returned as a finding on an `Unknown` document, so that a
/// caller reading many files handles every outcome the same way. The file is read into shared
/// memory and parsed where it lies ([`read_file`], [`read_shared`]).
pub fn read_path(path: &Path, limits: &Limits) -> Document {
    match read_file(path, limits.max_input_bytes) {
        Ok(bytes) => read_shared(bytes, limits),
        Err(error) => unreadable(error, limits),
    }
}

/// The document of a file [`read_file`] could not read: its one finding says why.
pub(crate) fn unreadable(error: FileError, limits: &Limits) -> Document {
    match error {
        FileError::TooLarge(size) => failed(
            usize::try_from(size).unwrap_or(usize::MAX),
            Finding::error(
                "limits.input-size",
                Span::at(0),
                format!(
                    "the file is {size} bytes, more than the {}-byte reading limit",
                    limits.max_input_bytes
                ),
            ),
        ),
        FileError::Directory => {
            failed(0, Finding::error("io.is-directory", Span::at(0), "this is a folder, not a file"))
        }
        FileError::Io(error) => {
            failed(0, Finding::error("io.read", Span::at(0), format!("cannot read the file: {error}")))
        }
    }
}

/// Why [`read_file`] could not read a file.
#[derive(Debug)]
pub enum FileError {
    /// The file is larger than the limit (its size in bytes).
    TooLarge(u64),
    /// The path names a folder.
    Directory,
    Io(std::io::Error),
}

/// Reads a whole file of at most `limit` bytes into one shared allocation, the one the
/// document is then parsed in: no second copy, and no buffer grown (and copied) as it fills.
/// A file that changes size while it is read is read as it is at the end.
pub fn read_file(path: &Path, limit: usize) -> Result<Arc<[u8]>, FileError> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(FileError::Io)?;
    let meta = file.metadata().map_err(FileError::Io)?;
    if meta.is_dir() {
        return Err(FileError::Directory);
    }
    if meta.len() > limit as u64 {
        return Err(FileError::TooLarge(meta.len()));
    }
    let zeroed = Arc::<[u8]>::new_zeroed_slice(meta.len() as usize);
    // SAFETY: zeroed memory is a valid `[u8]`. A zeroed allocation (`calloc`) of fresh memory
    // costs no pass over it: the pages come zeroed from the system.
    let mut bytes: Arc<[u8]> = unsafe { zeroed.assume_init() };
    let buffer = Arc::get_mut(&mut bytes).expect("a new Arc has one owner");
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(FileError::Io(error)),
        }
    }
    let mut rest = Vec::new();
    let grew = (&mut file).take((limit - filled) as u64 + 1).read_to_end(&mut rest).map_err(FileError::Io)?;
    if filled < bytes.len() || grew > 0 {
        let mut whole = bytes[..filled].to_vec();
        whole.extend_from_slice(&rest);
        if whole.len() > limit {
            return Err(FileError::TooLarge(whole.len() as u64));
        }
        return Ok(Arc::from(whole));
    }
    Ok(bytes)
}

pub(crate) fn failed(size: usize, finding: Finding) -> Document {
    let mut findings = Findings::default();
    findings.push(finding);
    Document {
        kind: InputKind::Unknown,
        encoding: None,
        size,
        tree: None,
        line_index: std::sync::OnceLock::new(),
        cda: None,
        complete: false,
        findings,
    }
}

/// Reads an input from memory. Never fails, never panics: see [`Document::findings`].
pub fn read_bytes(bytes: &[u8], limits: &Limits) -> Document {
    read_input(bytes, None, limits)
}

/// Reads an input held in shared memory, as [`read_bytes`] does; a UTF-8 document (nearly
/// every one) is parsed where it lies, without a copy: its source text and `bytes` are then the
/// same memory.
pub fn read_shared(bytes: Arc<[u8]>, limits: &Limits) -> Document {
    read_input(&bytes, Some(&bytes), limits)
}

fn read_input(bytes: &[u8], shared: Option<&Arc<[u8]>>, limits: &Limits) -> Document {
    if bytes.len() > limits.max_input_bytes {
        return failed(
            bytes.len(),
            Finding::error(
                "limits.input-size",
                Span::at(0),
                format!(
                    "the input is {} bytes, more than the {}-byte reading limit",
                    bytes.len(),
                    limits.max_input_bytes
                ),
            ),
        );
    }
    if let Some(kind) = sniff_binary(bytes) {
        let mut findings = Findings::default();
        if kind == InputKind::Zip {
            findings.push(Finding::info(
                "input.zip",
                Span::at(0),
                "this is a zip archive (an XDM package?): open it as a package in the library \
                 (`vigie list`), not as a single document",
            ));
        }
        return Document {
            kind,
            encoding: None,
            size: bytes.len(),
            tree: None,
            line_index: std::sync::OnceLock::new(),
            cda: None,
            complete: true,
            findings,
        };
    }

    let decoded = match shared {
        Some(shared) => xml::decode::decode_shared(shared.clone()),
        None => xml::decode::decode(bytes),
    };
    let source: Arc<str> = decoded.text;
    let parsed = xml::parse::parse(source.clone(), limits);
    let mut findings = decoded.findings;
    findings.extend(parsed.findings.into_vec());
    let tree = Arc::new(parsed.tree);

    let (kind, cda_root) = match tree.root() {
        None => (InputKind::Unknown, None),
        Some(root) => locate_document(&tree, root),
    };
    let cda = cda_root.map(|root| crate::build::build(&tree, root, &mut findings));
    if kind == InputKind::OtherXml {
        if let Some(root) = tree.root() {
            findings.push(Finding::error(
                "input.not-cda",
                tree.head_span(root),
                format!(
                    "the root element is <{}> ({}), and no ClinicalDocument (urn:hl7-org:v3) was found in it",
                    tree.qualified_name(root),
                    match tree.namespace_uri(tree.ns(root)) {
                        "" => "no namespace".to_string(),
                        uri => uri.to_string(),
                    }
                ),
            ));
        }
    }
    let line_index = std::sync::OnceLock::new();
    if !findings.is_empty() {
        findings.locate(line_index.get_or_init(|| LineIndex::new(source)));
    }
    Document {
        kind,
        encoding: Some(decoded.encoding),
        size: bytes.len(),
        tree: Some(tree),
        line_index,
        cda,
        complete: parsed.complete,
        findings,
    }
}

fn sniff_binary(bytes: &[u8]) -> Option<InputKind> {
    let head = &bytes[..bytes.len().min(1024)];
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some(InputKind::Zip)
    } else if memchr::memmem::find(head, b"%PDF-").is_some_and(|at| !head[..at].contains(&b'<')) {
        // `%PDF-` near the start, not inside markup (a PDF's own `<<` dictionaries follow it).
        Some(InputKind::Pdf)
    } else {
        None
    }
}

/// Finds the `ClinicalDocument`: the root itself, or (wrapped in a stylesheet or a signature)
/// the first one below it, found without recursion.
fn locate_document(tree: &Tree, root: NodeId) -> (InputKind, Option<NodeId>) {
    if tree.is(root, Ns::HL7, "ClinicalDocument") {
        return (InputKind::ClinicalDocument, Some(root));
    }
    let found = tree.descendants(root).find(|&n| tree.is(n, Ns::HL7, "ClinicalDocument"));
    let kind = if tree.ns(root) == Ns::XSL {
        InputKind::AutoPresentable
    } else if tree.ns(root) == Ns::DSIG && tree.local_name(root) == "Signature" {
        InputKind::Signed
    } else if found.is_some() {
        InputKind::ClinicalDocument
    } else {
        InputKind::OtherXml
    };
    (kind, found)
}

impl Document {
    /// The line index of the XML source (computed once, on first use).
    pub fn lines(&self) -> Option<&LineIndex> {
        let tree = self.tree.as_ref()?;
        Some(self.line_index.get_or_init(|| LineIndex::new(tree.source().clone())))
    }

    /// The decoded bytes of an attachment: base64 decoded, deflate inflated when
    /// `compression="DF"`, within `max_bytes`. Errors are findings located at the payload.
    pub fn attachment_bytes(&self, index: usize, max_bytes: usize) -> Result<Vec<u8>, Finding> {
        let cda = self.cda.as_ref();
        let attachment = cda.and_then(|c| c.attachments.get(index)).ok_or_else(|| {
            Finding::error("attachment.unknown", Span::at(0), format!("there is no attachment #{index}"))
        })?;
        let tree = self.tree.as_ref().ok_or_else(|| {
            Finding::error("attachment.unknown", attachment.span, "the document has no XML source")
        })?;
        crate::build::payload::decode(tree, attachment, max_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_whole_into_shared_memory_and_parsed_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.xml");
        let text =
            "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Compte rendu</title></ClinicalDocument>";
        std::fs::write(&path, text).unwrap();
        let bytes = read_file(&path, 1 << 20).unwrap();
        assert_eq!(&*bytes, text.as_bytes());
        let document = read_path(&path, &Limits::default());
        assert_eq!(document.kind, InputKind::ClinicalDocument);
        // the tree reads the text the file holds
        let source = document.tree.as_ref().unwrap().source();
        assert_eq!(&**source, text);
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "").unwrap();
        assert!(read_file(&empty, 10).unwrap().is_empty());
    }

    #[test]
    fn folders_and_files_over_the_limit_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(read_file(dir.path(), 10), Err(FileError::Directory)));
        let path = dir.path().join("big.xml");
        std::fs::write(&path, [b'x'; 11]).unwrap();
        assert!(matches!(read_file(&path, 10), Err(FileError::TooLarge(11))));
        assert!(matches!(read_file(&dir.path().join("missing"), 10), Err(FileError::Io(_))));
        let limits = Limits { max_input_bytes: 10, ..Limits::default() };
        let document = read_path(&path, &limits);
        assert_eq!(document.findings.iter().next().unwrap().code, "limits.input-size");
        let document = read_path(dir.path(), &limits);
        assert_eq!(document.findings.iter().next().unwrap().code, "io.is-directory");
    }
}
