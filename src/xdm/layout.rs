//! Where things are in the zip: the package root, the submission set folders, and which
//! file each document entry describes. ITI-32 says `INDEX.HTM`, `README.TXT` and
//! `IHE_XDM/SUBSETnn/METADATA.XML` at the top; real packages add a root folder, rename the
//! subset, mix cases or forget `IHE_XDM/`. Each deviation is tolerated and reported.

use super::entries::DocumentEntry;
use super::Member;
use crate::diag::{Finding, Findings};
use crate::xml::Span;

/// A submission set's folder, found from its `METADATA.XML` (or from `IHE_XDM/<folder>/`).
#[derive(Debug)]
pub(crate) struct SubsetFolder {
    /// The full member path of the folder ("" when `METADATA.XML` is at the top of the zip).
    pub full: String,
    /// The folder as the package names it, after the root (`IHE_XDM/SUBSET01`).
    pub relative: String,
    pub metadata: Option<usize>,
}

/// The package's layout: its root and its submission sets' folders.
#[derive(Debug)]
pub(crate) struct Layout {
    pub root: String,
    pub subsets: Vec<SubsetFolder>,
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(p, _)| p).unwrap_or("")
}

fn is_subset_name(name: &str) -> bool {
    match (name.get(..6), name.get(6..)) {
        (Some(word), Some(number)) => {
            word.eq_ignore_ascii_case("SUBSET")
                && !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

fn info(findings: &mut Findings, code: &'static str, message: String) {
    findings.push(Finding::info(code, Span::at(0), message));
}

fn warning(findings: &mut Findings, code: &'static str, message: String) {
    findings.push(Finding::warning(code, Span::at(0), message));
}

/// Finds the root and the submission set folders, reporting each deviation from ITI-32.
pub(crate) fn discover(members: &[Member], findings: &mut Findings) -> Layout {
    let mut subsets: Vec<SubsetFolder> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if file_name(&m.path).eq_ignore_ascii_case("METADATA.XML") {
            let folder = parent(&m.path);
            if subsets.iter().any(|s| s.full == folder) {
                continue;
            }
            subsets.push(SubsetFolder {
                full: folder.to_string(),
                relative: String::new(),
                metadata: Some(i),
            });
        }
    }
    // IHE_XDM/<folder>/ without a METADATA.XML is still a submission set, with its metadata missing
    for m in members {
        let parts: Vec<&str> = m.path.split('/').collect();
        if let Some(at) = parts.iter().position(|p| p.eq_ignore_ascii_case("IHE_XDM")) {
            if parts.len() > at + 2 {
                let folder = parts[..at + 2].join("/");
                let inside = |s: &SubsetFolder| {
                    s.full == folder || folder.starts_with(&format!("{}/", s.full)) && !s.full.is_empty()
                };
                if !subsets.iter().any(inside) {
                    subsets.push(SubsetFolder { full: folder, relative: String::new(), metadata: None });
                }
            }
        }
    }
    subsets.sort_by(|a, b| a.full.cmp(&b.full));

    let mut roots: Vec<String> = Vec::new();
    for s in &mut subsets {
        let parts: Vec<&str> = if s.full.is_empty() { Vec::new() } else { s.full.split('/').collect() };
        let (root, relative) = match parts.iter().position(|p| p.eq_ignore_ascii_case("IHE_XDM")) {
            Some(at) => (parts[..at].join("/"), parts[at..].join("/")),
            None => {
                let split = parts.len().saturating_sub(1);
                (parts[..split].join("/"), parts[split..].join("/"))
            }
        };
        let root = if root.is_empty() { root } else { format!("{root}/") };
        report_subset(s, &parts, findings);
        s.relative = relative;
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    let root = roots.first().cloned().unwrap_or_default();
    if roots.len() > 1 {
        warning(
            findings,
            "xdm.several-roots",
            format!(
                "the submission sets sit in different folders ({}): a package has one root",
                roots.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>().join(", ")
            ),
        );
    }
    if subsets.is_empty() {
        if members.is_empty() && findings.has_errors() {
            return Layout { root, subsets }; // not a zip at all: already said
        }
        findings.push(Finding::error(
            "xdm.not-xdm",
            Span::at(0),
            "the zip holds no METADATA.XML and no IHE_XDM folder: this is not an IHE XDM package \
             (its files are listed, none is registered)",
        ));
        return Layout { root, subsets };
    }
    if !root.is_empty() {
        info(
            findings,
            "xdm.extra-root-folder",
            format!(
                "the package is inside a folder \"{root}\": ITI-32 puts INDEX.HTM, README.TXT and \
                 IHE_XDM/ at the top of the zip"
            ),
        );
    }
    for (expected, code) in [("INDEX.HTM", "xdm.no-index"), ("README.TXT", "xdm.no-readme")] {
        let found = members.iter().find(|m| {
            m.path.strip_prefix(root.as_str()).is_some_and(|name| name.eq_ignore_ascii_case(expected))
        });
        match found {
            None => info(
                findings,
                code,
                format!("the package has no {expected} at its root (ITI-32 requires one)"),
            ),
            Some(m) if !m.path.ends_with(expected) => name_case(findings, &m.path, expected),
            Some(_) => {}
        }
    }
    for s in &subsets {
        if let Some(m) = s.metadata.and_then(|i| members.get(i)) {
            if file_name(&m.path) != "METADATA.XML" {
                name_case(findings, &m.path, "METADATA.XML");
            }
        }
    }
    Layout { root, subsets }
}

fn name_case(findings: &mut Findings, path: &str, expected: &str) {
    info(
        findings,
        "xdm.name-case",
        format!("\"{path}\" should be named {expected}: ITI-32 names are upper case (read regardless)"),
    );
}

fn report_subset(s: &SubsetFolder, parts: &[&str], findings: &mut Findings) {
    let Some(name) = parts.last() else {
        warning(
            findings,
            "xdm.metadata-outside-subset",
            "METADATA.XML is at the top of the zip, not in IHE_XDM/SUBSET01/: read as the only submission set"
                .into(),
        );
        return;
    };
    let ihe_xdm = parts.len().checked_sub(2).and_then(|at| parts.get(at)).copied();
    let under_ihe_xdm = ihe_xdm.is_some_and(|p| p.eq_ignore_ascii_case("IHE_XDM"));
    if let Some(folder) = ihe_xdm.filter(|p| under_ihe_xdm && *p != "IHE_XDM") {
        name_case(findings, folder, "IHE_XDM");
    }
    if is_subset_name(name) && name.bytes().any(|b| b.is_ascii_lowercase()) {
        name_case(findings, name, &name.to_ascii_uppercase());
    }
    if !under_ihe_xdm {
        warning(
            findings,
            "xdm.no-ihe-xdm-folder",
            format!("the submission set folder \"{}\" is not inside IHE_XDM/, as ITI-32 requires", s.full),
        );
    }
    if !is_subset_name(name) {
        info(
            findings,
            "xdm.subset-name",
            format!(
                "the submission set folder is named \"{name}\", not SUBSET01, SUBSET02…: read as a \
                 submission set because it holds a METADATA.XML"
            ),
        );
    }
    if s.metadata.is_none() {
        findings.push(Finding::error(
            "xdm.metadata-missing",
            Span::at(0),
            format!(
                "the submission set folder \"{}\" has no METADATA.XML: its documents are listed but \
                 nothing registers them (patient, author, hash)",
                s.full
            ),
        ));
    }
}

/// The members of a subset folder other than its `METADATA.XML` (indices into `members`).
pub(crate) fn subset_members(members: &[Member], subset: &SubsetFolder, layout: &Layout) -> Vec<usize> {
    let prefix = if subset.full.is_empty() { String::new() } else { format!("{}/", subset.full) };
    let in_other = |path: &str| {
        layout.subsets.iter().any(|o| {
            !o.full.is_empty()
                && o.full != subset.full
                && o.full.len() > subset.full.len()
                && path.starts_with(&format!("{}/", o.full))
        })
    };
    members
        .iter()
        .enumerate()
        .filter(|(i, m)| Some(*i) != subset.metadata && m.path.starts_with(&prefix) && !in_other(&m.path))
        // at the top of the zip, only what is not the package's own front matter
        .filter(|(_, m)| !subset.full.is_empty() || !is_front_matter(&m.path))
        .map(|(i, _)| i)
        .collect()
}

fn is_front_matter(path: &str) -> bool {
    ["INDEX.HTM", "README.TXT"].iter().any(|n| path.eq_ignore_ascii_case(n))
}

/// Whether an entry's URI names `path`, and how: `None`, or `Some(true)` when the URI
/// wrongly includes the subset folder (or starts from the package root).
pub(crate) fn uri_names(uri: &str, path: &str, subset: &SubsetFolder, root: &str) -> Option<bool> {
    let uri = uri.trim().replace('\\', "/");
    let uri = uri.trim_start_matches("./").trim_start_matches('/');
    let join = |base: &str| if base.is_empty() { uri.to_string() } else { format!("{base}/{uri}") };
    if join(&subset.full).eq_ignore_ascii_case(path) {
        return Some(false);
    }
    let from_parent = join(parent(&subset.full));
    let from_root = join(root.trim_end_matches('/'));
    (from_parent.eq_ignore_ascii_case(path) || from_root.eq_ignore_ascii_case(path)).then_some(true)
}

/// Whether a file could hold a document of this MIME type (for matching by position).
pub(crate) fn fits_mime_type(path: &str, mime_type: Option<&str>) -> bool {
    let extension = file_name(path).rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if is_auxiliary(path) {
        return false;
    }
    match mime_type.map(|m| m.trim().to_ascii_lowercase()).as_deref() {
        Some("text/xml") | Some("application/xml") | Some("application/hl7-v3") => extension == "xml",
        Some("application/pdf") => extension == "pdf",
        Some("application/dicom") => extension == "dcm" || extension.is_empty(),
        _ => true,
    }
}

/// Files an XDM package carries beside its documents: stylesheets, the index, notes.
pub(crate) fn is_auxiliary(path: &str) -> bool {
    let extension = file_name(path).rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(extension.as_str(), "xsl" | "xslt" | "css" | "htm" | "html" | "txt")
}

/// A finding about a document entry, located at its `ExtrinsicObject` in `METADATA.XML`.
pub(crate) fn at_entry(entry: &DocumentEntry, finding: Finding) -> Finding {
    Finding { span: Span::at(entry.span.start as usize), position: entry.position, ..finding }
}

/// The local name of the first element of an XML file's first bytes, if it is XML.
pub(crate) fn root_element(head: &[u8]) -> Option<String> {
    let decoded = crate::xml::decode::decode(head);
    let text = &*decoded.text;
    let mut at = 0;
    loop {
        let rest = text.get(at..)?;
        let open = rest.find('<')?;
        let tag = &rest[open..];
        let skip_to = |end: &str| tag.find(end).map(|i| at + open + i + end.len());
        at = if tag.starts_with("<?") {
            skip_to("?>")?
        } else if tag.starts_with("<!--") {
            skip_to("-->")?
        } else if tag.starts_with("<!") {
            skip_to(">")?
        } else {
            let name: String =
                tag[1..].chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
            let local = name.rsplit(':').next().unwrap_or_default().to_string();
            return (!local.is_empty()).then_some(local);
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_element_is_found_after_declarations_and_comments() {
        let head = b"<?xml version=\"1.0\"?>\n<!-- a > b -->\n<?xml-stylesheet href=\"x\"?><ds:Signature xmlns:ds=\"x\">";
        assert_eq!(root_element(head).as_deref(), Some("Signature"));
        assert_eq!(root_element(b"\xEF\xBB\xBF<ClinicalDocument>").as_deref(), Some("ClinicalDocument"));
        assert_eq!(root_element(b"%PDF-1.4"), None);
    }

    #[test]
    fn subset_names() {
        assert!(is_subset_name("SUBSET01"));
        assert!(is_subset_name("subset12"));
        assert!(!is_subset_name("SS000001"));
        assert!(!is_subset_name("SUBSET"));
        assert!(!is_subset_name("SUBSEÉ01"));
    }
}
