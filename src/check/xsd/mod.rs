//! Layer 2, in full: XSD validation of a document against the CDA schema folder the user
//! points to (the ANS kit's `CDA_extended.xsd`, HL7's `CDA.xsd`...), by libxml2 — the
//! engine of `xmllint`, which the ANS kit itself runs.
//!
//! [`Schema::load`] compiles the schema once; [`Schema::validate`] checks a read document
//! and maps each libxml2 error onto the source (its line, the element and attribute it
//! names), with libxml2's message and a French rendering of the common ones. A `Schema` is
//! `Send + Sync`: documents are validated from several threads with one compiled schema
//! (each validation has its own libxml2 context).
//!
//! Safety, whatever the document or the schema folder holds:
//! - libxml2 never reads a document's DTD or entities: it is given the decoded text with the
//!   prolog blanked (only the XML declaration kept, every line in place), parsed with no
//!   network, no DTD loading and no entity substitution;
//! - the process's external entity loader refuses everything but local files, and those only
//!   while a schema is being loaded: a schema's `http:` import, a document's
//!   `xsi:schemaLocation` or external entity are never fetched;
//! - libxml2 prints nothing: its errors are collected.

mod ffi;
mod locate;
mod messages;

use std::ffi::{c_char, c_int, c_void, CString};
use std::path::{Path, PathBuf};

use crate::check::Issue;
use crate::input::Document;

/// Issues reported for one document, at most (then one more says how many were left out).
pub const MAX_ISSUES: usize = 1_000;

/// The entry points looked for in a schema folder, French extensions first.
const ENTRY_POINTS: [&str; 3] = ["CDA_extended.xsd", "CDA.xsd", "CDA_SDTC.xsd"];
/// Where a kit or HL7's distribution keeps them below the folder the user points at.
const SUBFOLDERS: [&str; 3] = ["", "infrastructure/cda", "normative/infrastructure/cda"];

/// A compiled CDA schema.
pub struct Schema {
    compiled: Compiled,
    file: PathBuf,
    skipped: Vec<String>,
}

/// The compiled libxml2 schema, freed on drop.
struct Compiled(&'static ffi::Api, *mut ffi::XmlSchema);

// SAFETY: a compiled xmlSchema is only read once built; each validation works in a
// validation context of its own, created and freed on the calling thread.
unsafe impl Send for Compiled {}
unsafe impl Sync for Compiled {}

impl Drop for Compiled {
    fn drop(&mut self) {
        // SAFETY: built by xmlSchemaParse, freed once.
        unsafe { (self.0.schema_free)(self.1) }
    }
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schema").field("file", &self.file).finish_non_exhaustive()
    }
}

impl Schema {
    /// Compiles the schema at `dir_or_file`: an `.xsd` file, or a folder holding
    /// `CDA_extended.xsd` or `CDA.xsd` (also under `infrastructure/cda/`). Imports and
    /// includes are read from local files only. The error says what was wrong, in French
    /// and English.
    pub fn load(dir_or_file: &Path) -> Result<Schema, String> {
        let file = entry_point(dir_or_file)?;
        let api = ffi::api()?;
        let c_path = CString::new(file.to_string_lossy().as_bytes())
            .map_err(|_| format!("chemin de schéma invalide (invalid schema path): {}", file.display()))?;
        let mut errors: Vec<ffi::RawError> = Vec::new();
        let sink: *mut Vec<ffi::RawError> = &mut errors;
        // SAFETY: `sink` outlives the call and nothing else touches `errors` meanwhile; the
        // parser context is created, used and freed here.
        let compiled = unsafe {
            ffi::with_errors(api, sink, true, || {
                let ctxt = (api.schema_new_parser_ctxt)(c_path.as_ptr());
                if ctxt.is_null() {
                    return std::ptr::null_mut();
                }
                (api.schema_set_parser_structured_errors)(ctxt, ffi::collector(), sink as *mut c_void);
                let schema = (api.schema_parse)(ctxt);
                (api.schema_free_parser_ctxt)(ctxt);
                schema
            })
        };
        let refused = ffi::take_refused();
        if compiled.is_null() {
            let mut reasons: Vec<String> = errors
                .iter()
                .filter(|e| e.level >= 2)
                .take(5)
                .map(|e| match (&e.file, e.line) {
                    (Some(file), line) if line > 0 => format!("{file}:{line}: {}", e.message),
                    _ => e.message.clone(),
                })
                .collect();
            reasons.extend(refused.iter().map(|url| {
                format!("{url} non lu : Vigie n'utilise jamais le réseau (not read: Vigie never uses the network)")
            }));
            return Err(format!(
                "le schéma {} n'a pas pu être compilé (the schema could not be compiled): {}",
                file.display(),
                if reasons.is_empty() {
                    "libxml2 n'a rien dit (libxml2 said nothing)".to_owned()
                } else {
                    reasons.join("; ")
                }
            ));
        }
        Ok(Schema { compiled: Compiled(api, compiled), file, skipped: refused })
    }

    /// The schema file validated against.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Imports or includes the schema names but that were not read because they are not
    /// local files (`http:`...): elements they declare cannot be validated.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }

    /// Validates a read document; one [`Issue`] per libxml2 error, sorted by position. A
    /// document without XML gets none (the reader said why); one libxml2 cannot parse gets
    /// one issue saying so.
    pub fn validate(&self, doc: &Document) -> Vec<Issue> {
        let Some(tree) = doc.tree.as_ref() else { return Vec::new() };
        let schema = self.file.display().to_string();
        let text = locate::without_prolog(tree);
        let Ok(size) = c_int::try_from(text.len()) else {
            return vec![messages::not_validated(&schema, "the document is larger than 2 GiB")];
        };
        let mut errors: Vec<ffi::RawError> = Vec::new();
        let sink: *mut Vec<ffi::RawError> = &mut errors;
        // SAFETY: `text` and `sink` outlive the call; the validation context and the
        // document are created, used and freed here, on this thread.
        let api = self.compiled.0;
        let outcome = unsafe {
            ffi::with_errors(api, sink, false, || {
                let ctxt = (api.schema_new_valid_ctxt)(self.compiled.1);
                if ctxt.is_null() {
                    return Err("libxml2 could not create a validation context");
                }
                (api.schema_set_valid_structured_errors)(ctxt, ffi::collector(), sink as *mut c_void);
                let parsed = (api.read_memory)(
                    text.as_ptr() as *const c_char,
                    size,
                    c"document.xml".as_ptr(),
                    c"UTF-8".as_ptr(),
                    ffi::DOCUMENT_OPTIONS,
                );
                if parsed.is_null() {
                    (api.schema_free_valid_ctxt)(ctxt);
                    return Err("libxml2 could not parse the document");
                }
                let rc = (api.schema_validate_doc)(ctxt, parsed);
                (api.free_doc)(parsed);
                (api.schema_free_valid_ctxt)(ctxt);
                Ok(rc)
            })
        };
        // nothing can be refused here short of a bug: the prolog is blank and the schema built
        let _ = ffi::take_refused();
        if let Err(why) = outcome {
            let first = errors.iter().find(|e| e.level >= 2).map(|e| format!("{why}: {}", e.message));
            return vec![messages::not_validated(&schema, first.as_deref().unwrap_or(why))];
        }
        let lines = locate::Lines::new(tree);
        let relevant: Vec<&ffi::RawError> =
            errors.iter().filter(|e| e.domain == 17 || e.domain == 15).collect();
        let mut issues: Vec<Issue> =
            relevant.iter().take(MAX_ISSUES).map(|e| messages::issue(e, &schema, &lines)).collect();
        issues.sort_by_key(|issue| issue.span.map(|s| s.start));
        if relevant.len() > MAX_ISSUES {
            issues.push(messages::limit(&schema, MAX_ISSUES, relevant.len()));
        }
        issues
    }
}

fn entry_point(path: &Path) -> Result<PathBuf, String> {
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    if !path.is_dir() {
        return Err(format!(
            "{} n'existe pas : indiquez le dossier du schéma CDA ou son fichier .xsd \
             ({} does not exist: give the CDA schema folder or its .xsd file)",
            path.display(),
            path.display()
        ));
    }
    for sub in SUBFOLDERS {
        for name in ENTRY_POINTS {
            let candidate = path.join(sub).join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(format!(
        "aucun schéma CDA dans {} : ni CDA_extended.xsd ni CDA.xsd, ni dans infrastructure/cda/ \
         (no CDA schema in {}: neither CDA_extended.xsd nor CDA.xsd, nor under infrastructure/cda/)",
        path.display(),
        path.display()
    ))
}
