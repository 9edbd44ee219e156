//! The [`Checker`]: built once (the schema and the kit's rules loaded once), then run on
//! any number of documents, from any number of threads.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use super::issue::{Issue, Layer, Message};
use super::report::{LayerRun, Report};
use super::{reader, rules};
use crate::input::Document;

/// What a [`Checker`] checks against.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The ANS kit folder (TestContenuCDA: `schematrons/`, `jeuxDeValeurs/`…), for
    /// [`Layer::Kit`]; without it that layer is skipped.
    pub kit_dir: Option<PathBuf>,
    /// A folder holding the CDA schema (`CDA.xsd` or the French `CDA_extended.xsd`), for
    /// [`Layer::Xsd`]; without it that layer is skipped.
    pub schema_dir: Option<PathBuf>,
    /// Where the kit's expanded schemas are kept between runs (in the application's data
    /// folder: [`default_kit_cache`]); `None`: the kit's files are read on every run.
    pub kit_cache: Option<PathBuf>,
}

/// The kit cache folder of the command line and `vigie serve`: `kit-cache/` in the data
/// folder the library cache uses ([`crate::library::store::default_folder`]).
pub fn default_kit_cache() -> Option<PathBuf> {
    crate::library::store::default_folder().map(|folder| folder.join("kit-cache"))
}

/// Checks documents layer by layer. Send + Sync: share one across threads.
#[derive(Debug)]
pub struct Checker {
    options: CheckOptions,
    /// The CDA schema, compiled once (libxml2), when a schema folder was given.
    schema: Option<super::xsd::Schema>,
    /// The ANS kit, when a kit folder was given: each of its schematrons compiled the first
    /// time a document needs it, then kept.
    kit: Option<crate::schematron::Kit>,
}

/// Why a [`Checker`] could not be built: a folder it was pointed at cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckerError {
    pub message: Message,
}

impl std::fmt::Display for CheckerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message.en.as_deref().unwrap_or(&self.message.fr))
    }
}

impl Checker {
    /// Loads what the options point at. Fails only when a folder given cannot be used.
    pub fn new(options: CheckOptions) -> Result<Self, CheckerError> {
        for (dir, what) in
            [(&options.kit_dir, ["du kit", "kit"]), (&options.schema_dir, ["des schémas", "schema"])]
        {
            if let Some(dir) = dir.as_ref().filter(|d| !d.is_dir()) {
                return Err(CheckerError {
                    message: Message::new(
                        format!(
                            "le dossier {} {} n'existe pas ou n'est pas un dossier",
                            what[0],
                            dir.display()
                        ),
                        format!("the {} folder {} does not exist or is not a folder", what[1], dir.display()),
                    ),
                });
            }
        }
        let schema = match &options.schema_dir {
            Some(dir) => Some(super::xsd::Schema::load(dir).map_err(|why| CheckerError {
                message: Message::new(
                    format!("le schéma CDA de {} n'a pas pu être chargé : {why}", dir.display()),
                    format!("the CDA schema in {} could not be loaded: {why}", dir.display()),
                ),
            })?),
            None => None,
        };
        let kit = match &options.kit_dir {
            Some(dir) => Some(
                crate::schematron::Kit::open(dir)
                    .map(|kit| kit.with_cache(options.kit_cache.clone()))
                    .map_err(|why| CheckerError {
                        message: Message::new(
                            format!("le kit ANS de {} n'a pas pu être ouvert : {why}", dir.display()),
                            format!("the ANS kit in {} could not be opened: {why}", dir.display()),
                        ),
                    })?,
            ),
            None => None,
        };
        Ok(Self { options, schema, kit })
    }

    pub fn options(&self) -> &CheckOptions {
        &self.options
    }

    /// Checks one read document; `file` names it in the report. Never fails: a layer that
    /// cannot run on this input says why in the report. Issues come located (line:column,
    /// readable path) and sorted ([`Report::locate`]).
    pub fn check(&self, document: &Document, file: &str) -> Report {
        let mut report = Report::new(file, document.kind);
        // The xml layer is the reader's findings: its time is sorting them, the reading
        // itself having happened before.
        let started = Instant::now();
        let mut mapped = reader::map_findings(document);
        report.push_layer(LayerRun::ran(Layer::Xml, mapped.xml.len(), millis(started)), mapped.xml);

        let no_cda = || {
            Message::new(
                "pas de ClinicalDocument : rien à vérifier à cette couche",
                "no ClinicalDocument: nothing to check at this layer",
            )
        };
        if document.cda.is_none() {
            report.push_layer(LayerRun::skipped(Layer::Cda, no_cda()), Vec::new());
        } else {
            let started = Instant::now();
            // The native structure check, then the data types the reader found wrong while
            // building the model, unless the structure check reports on the same element.
            let mut issues = super::structure::check(document);
            let element = |issue: &Issue| {
                let tree = document.tree.as_ref()?;
                super::path::element_at(tree, issue.span?.start)
            };
            let reported: HashSet<_> = issues.iter().filter_map(element).collect();
            let reader = std::mem::take(&mut mapped.cda);
            issues.extend(reader.into_iter().filter(|i| element(i).is_none_or(|e| !reported.contains(&e))));
            report.push_layer(LayerRun::ran(Layer::Cda, issues.len(), millis(started)), issues);
        }

        let (xsd, issues) = match (&self.schema, &document.tree) {
            (None, _) => (
                LayerRun::skipped(
                    Layer::Xsd,
                    Message::new(
                        "aucun dossier de schémas donné (--schema)",
                        "no schema folder given (--schema)",
                    ),
                ),
                Vec::new(),
            ),
            (Some(_), None) => (
                LayerRun::skipped(Layer::Xsd, Message::new("pas un document XML", "not an XML document")),
                Vec::new(),
            ),
            (Some(schema), Some(_)) => {
                let started = Instant::now();
                let issues = schema.validate(document);
                (LayerRun::ran(Layer::Xsd, issues.len(), millis(started)), issues)
            }
        };
        report.push_layer(xsd, issues);

        let (kit, issues) = match (&self.kit, &document.cda) {
            (None, _) => (
                LayerRun::skipped(
                    Layer::Kit,
                    Message::new("aucun dossier de kit donné (--kit)", "no kit folder given (--kit)"),
                ),
                Vec::new(),
            ),
            (Some(_), None) => (LayerRun::skipped(Layer::Kit, no_cda()), Vec::new()),
            (Some(kit), Some(_)) => {
                let started = Instant::now();
                let found = kit.check(document);
                let mut notes = vec![found.volet];
                notes.extend(found.notes);
                (
                    LayerRun::ran(Layer::Kit, found.issues.len(), millis(started)).with_notes(notes),
                    found.issues,
                )
            }
        };
        report.push_layer(kit, issues);

        let started = Instant::now();
        let mut builtin = std::mem::take(&mut mapped.builtin);
        match rules::Context::new(document) {
            Some(cx) => builtin.extend(rules::run(&cx)),
            None if builtin.is_empty() => {
                report.push_layer(LayerRun::skipped(Layer::Builtin, no_cda()), Vec::new());
                report.locate(document);
                return report;
            }
            None => {}
        }
        report.push_layer(LayerRun::ran(Layer::Builtin, builtin.len(), millis(started)), builtin);
        report.locate(document);
        report
    }
}

fn millis(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checker_is_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Checker>();
    }

    #[test]
    fn a_missing_kit_folder_is_refused_with_its_name() {
        let error =
            Checker::new(CheckOptions { kit_dir: Some("/nonexistent/kit".into()), ..Default::default() })
                .unwrap_err();
        assert!(error.to_string().contains("/nonexistent/kit"), "{error}");
    }
}
