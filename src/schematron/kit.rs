//! The ANS conformance kit (TestContenuCDA), applied as the kit applies it.
//!
//! Per document, in the order of the kit's `compilverif.bat`: the Structuration minimale
//! header rules, IHE, the French content templates, the ANS templates, terminologies, then
//! the schematron of the document's model (its "volet"), chosen from the document's
//! templateIds. Each schematron is compiled the first time a document needs it and kept:
//! a [`Kit`] is `Send + Sync` and meant to be opened once and shared.
//!
//! How the kit marks severity: an assert's `role` (`error`, `warning`, `info`); no role is
//! an error (the oracle's `failed_errors` counts every failed assert but the
//! `role="warning"`/`"info"` ones).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::check::{Issue, Layer, Message, RuleSource};
use crate::diag::Severity;
use crate::xml::Ns;
use crate::Document;

use super::{CheckKind, CompileOptions, Outcome, Schema, SetupNote, Validation};

/// The kit's cross-cutting schematrons, in the order the kit applies them: (check name, file
/// relative to `schematrons/`).
pub const PROFILES: [(&str, &str); 5] = [
    ("strucmin", "profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch"),
    ("ihe", "profils/IHE.sch"),
    ("modeles-contenus", "profils/CI-SIS_ModelesDeContenusCDA.sch"),
    ("modeles-ans", "profils/CI-SIS_Modeles_ANS.sch"),
    ("terminologies", "profils/terminologies/schematron/terminologie.sch"),
];

/// Document templateIds (`ClinicalDocument/templateId/@root`) of the CI-SIS document
/// models, and the model ("volet") each names; the kit's files for a volet are
/// `schematrons/CI-SIS_<volet>_<version>.sch`.
pub const VOLET_TEMPLATES: [(&str, &str); 47] = [
    ("1.2.250.1.213.1.1.1.40", "ANEST-CR-ANEST"),
    ("1.2.250.1.213.1.1.1.41", "ANEST-CR-CPA"),
    ("1.2.250.1.213.1.1.1.15", "AVC-AUNV"),
    ("1.2.250.1.213.1.1.1.16", "AVC-EUNV"),
    ("1.2.250.1.213.1.1.1.25", "AVC-PAVC"),
    ("1.2.250.1.213.1.1.1.17", "AVC-SUNV"),
    ("1.2.250.1.213.1.1.1.55", "BIO-CR-BIO"),
    ("1.3.6.1.4.1.19376.1.3.3", "BIO-CR-BIO"),
    ("1.2.250.1.213.1.1.1.59", "BIO-TROD"),
    ("1.2.250.1.213.1.1.1.32", "CANCER-CR-GM"),
    ("1.2.250.1.213.1.1.1.28", "CANCER-D2LM-FIDD"),
    ("1.2.250.1.213.1.1.1.27", "CANCER-D2LM-FIN"),
    ("1.2.250.1.213.1.1.1.8", "CANCER-FRCP"),
    ("1.2.250.1.213.1.1.1.26", "CANCER-PPS"),
    ("1.2.250.1.213.1.1.1.2.1.1", "CARD-F-PRC-AVK"),
    ("1.2.250.1.213.1.1.1.2.1.2", "CARD-F-PRC-TAP"),
    ("1.2.250.1.213.1.1.1.2.1.3", "CARD-F-PRC-DCI"),
    ("1.2.250.1.213.1.1.1.2.1.4", "CARD-F-PRC-PSC"),
    ("1.2.250.1.213.1.1.1.2.1.5", "CARD-F-PRC-PPV"),
    ("1.2.250.1.213.1.1.1.36", "CNAM-HR"),
    ("1.2.250.1.213.1.1.1.5.1", "CSE-CS8"),
    ("1.2.250.1.213.1.1.1.5.2", "CSE-CS9"),
    ("1.2.250.1.213.1.1.1.5.3", "CSE-CS24"),
    ("1.2.250.1.213.1.1.1.5.4", "CSE-MDE"),
    ("1.2.250.1.213.1.1.1.22", "DLU-EHPAD-DLU"),
    ("1.2.250.1.213.1.1.1.24", "DLU-EHPAD-FLUDR"),
    ("1.2.250.1.213.1.1.1.23", "DLU-EHPAD-FLUDT"),
    ("1.2.250.1.213.1.1.1.39", "EP-MED-DM"),
    ("1.2.250.1.213.1.1.1.45", "IMG-CR-IMG"),
    ("1.2.250.1.213.1.1.1.47", "IMG-DA-IMG"),
    ("1.2.250.1.213.1.1.1.51", "IPS-FR"),
    ("1.2.250.1.213.1.1.1.21", "LDL-EES"),
    ("1.2.250.1.213.1.1.1.29", "LDL-SES"),
    ("1.2.250.1.213.1.1.1.12.1", "OBP-SAP"),
    ("1.2.250.1.213.1.1.1.12.2", "OBP-SNM"),
    ("1.2.250.1.213.1.1.1.12.3", "OBP-SNE"),
    ("1.2.250.1.213.1.1.1.12.4", "OBP-SCM"),
    ("1.2.250.1.213.1.1.1.12.5", "OBP-SEM"),
    ("1.2.250.1.213.1.1.1.42", "OPH-BRE"),
    ("1.2.250.1.213.1.1.1.18", "OPH-CR-RTN"),
    ("1.2.250.1.213.1.1.1.20", "PPS-PAERPA"),
    ("1.2.250.1.213.1.1.1.30", "SDM-MR"),
    ("1.2.250.1.213.1.1.1.38", "TLM-DA"),
    ("1.2.250.1.213.1.1.1.46", "VAC-NOTE"),
    ("1.2.250.1.213.1.1.1.37", "VAC"),
    ("1.2.250.1.213.1.1.1.13", "VSM"),
    ("1.2.250.1.213.1.1.1.54", "eDISP-MED"),
];

/// Which volet schematron to apply after the cross-cutting ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum VoletChoice {
    /// From the document's templateIds: the version its templateId's extension names, else
    /// the nearest version in time, else (no extension) the oldest.
    #[default]
    Auto,
    /// This file, relative to `schematrons/` (e.g. `CI-SIS_BIO-CR-BIO_2024.01.sch`).
    File(String),
    /// None.
    None,
}

/// What the kit found on one document.
#[derive(Debug, Clone, Default)]
pub struct KitReport {
    pub issues: Vec<Issue>,
    /// The schematron files applied, relative to the kit folder, in order.
    pub applied: Vec<String>,
    /// For each file of `applied`, the `issues` it produced.
    pub issue_ranges: Vec<std::ops::Range<usize>>,
    /// Problems with the kit itself (files missing, rules that cannot be compiled or
    /// evaluated), each once, where they are in the kit (`file:line : message`).
    pub notes: Vec<Message>,
    /// Which volet schematron was applied (or none), and why.
    pub volet: Message,
}

/// One of the kit's schematrons, compiled on first use.
struct Entry {
    path: PathBuf,
    schema: OnceLock<Result<Schema, SetupNote>>,
}

/// The ANS kit, opened from its folder. `Send + Sync`: open once, check from any thread.
pub struct Kit {
    dir: PathBuf,
    profiles: Vec<(&'static str, Entry)>,
    /// Volet → (version, file name relative to `schematrons/`), versions in file order.
    volets: HashMap<String, Vec<(String, String)>>,
    entries: Mutex<HashMap<String, Arc<Entry>>>,
    /// Value sets already read, shared by the schematrons.
    value_sets: Mutex<HashMap<PathBuf, Arc<str>>>,
    /// Where expanded schematrons are kept between runs ([`Kit::with_cache`]).
    cache: Option<PathBuf>,
}

impl std::fmt::Debug for Kit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kit")
            .field("dir", &self.dir)
            .field("volets", &self.volets.len())
            .finish_non_exhaustive()
    }
}

impl Kit {
    /// Opens the kit in `dir` (the folder holding `schematrons/` and `jeuxDeValeurs/`).
    /// Nothing is compiled yet.
    pub fn open(dir: &Path) -> Result<Kit, String> {
        let schematrons = dir.join("schematrons");
        let listing = std::fs::read_dir(&schematrons).map_err(|e| {
            format!(
                "{} n'est pas un kit ANS lisible ({e}) / is not a readable ANS kit folder",
                schematrons.display()
            )
        })?;
        let mut volets: HashMap<String, Vec<(String, String)>> = HashMap::new();
        let mut names: Vec<String> =
            listing.filter_map(|e| e.ok()).filter_map(|e| e.file_name().into_string().ok()).collect();
        names.sort();
        for name in names {
            let Some(stem) = name.strip_prefix("CI-SIS_").and_then(|s| s.strip_suffix(".sch")) else {
                continue;
            };
            // CI-SIS_<volet>_<version>.sch; VSM_1.4_2022.01 is volet VSM, version 1.4_2022.01
            if let Some((volet, version)) = split_volet(stem) {
                volets.entry(volet.to_owned()).or_default().push((version.to_owned(), name.clone()));
            }
        }
        let profiles = PROFILES
            .iter()
            .map(|&(check, file)| (check, Entry { path: schematrons.join(file), schema: OnceLock::new() }))
            .collect();
        Ok(Kit {
            dir: dir.to_path_buf(),
            profiles,
            volets,
            entries: Mutex::new(HashMap::new()),
            value_sets: Mutex::new(HashMap::new()),
            cache: None,
        })
    }

    /// Keeps the expanded schematrons in `folder` between runs (see
    /// [`CompileOptions::cache`]): the next process skips reading and expanding the files
    /// that did not change. `None`: no cache.
    pub fn with_cache(mut self, folder: Option<PathBuf>) -> Kit {
        self.cache = folder;
        self
    }

    /// The volet schematron `choice` selects for `document` (relative to `schematrons/`),
    /// with the reason.
    pub fn volet_for(&self, document: &Document, choice: &VoletChoice) -> (Option<String>, Message) {
        match choice {
            VoletChoice::None => (None, Message::new("aucun volet demandé", "no volet asked for")),
            VoletChoice::File(file) => (
                Some(file.clone()),
                Message::new(format!("volet demandé : {file}"), format!("volet asked for: {file}")),
            ),
            VoletChoice::Auto => self.auto_volet(document),
        }
    }

    fn auto_volet(&self, document: &Document) -> (Option<String>, Message) {
        let template_ids = document_template_ids(document);
        let known: Vec<(&str, &str, Option<&str>)> = template_ids
            .iter()
            .filter_map(|(root, ext)| {
                let volet = VOLET_TEMPLATES.iter().find(|(r, _)| r == root)?.1;
                Some((root.as_str(), volet, ext.as_deref()))
            })
            .collect();
        // a templateId naming a version the kit has
        for &(root, volet, ext) in &known {
            if let (Some(ext), Some(versions)) = (ext, self.volets.get(volet)) {
                if let Some((_, file)) = versions.iter().find(|(v, _)| v == ext) {
                    return (
                        Some(file.clone()),
                        Message::new(
                            format!("volet {file} : le templateId {root}@{ext} nomme {volet} version {ext}"),
                            format!("volet {file}: templateId {root}@{ext} names {volet} version {ext}"),
                        ),
                    );
                }
            }
        }
        for &(root, volet, ext) in &known {
            let Some(versions) = self.volets.get(volet) else { continue };
            let chosen = match ext.and_then(version_month) {
                Some(wanted) => versions
                    .iter()
                    .min_by_key(|(v, _)| version_month(v).map(|m| (m - wanted).abs()).unwrap_or(i64::MAX)),
                None => versions.iter().min_by_key(|(v, _)| version_month(v).unwrap_or(i64::MAX)),
            };
            if let Some((version, file)) = chosen {
                let shown = ext.map(|e| format!("{root}@{e}")).unwrap_or_else(|| root.to_owned());
                return (
                    Some(file.clone()),
                    Message::new(
                        format!(
                            "volet {file} : le templateId {shown} nomme {volet}, version du kit la plus \
                             proche : {version}"
                        ),
                        format!(
                            "volet {file}: templateId {shown} names {volet}, the kit's nearest version \
                             is {version}"
                        ),
                    ),
                );
            }
        }
        match known.first() {
            Some((root, volet, _)) => (
                None,
                Message::new(
                    format!(
                        "aucun volet : le templateId {root} nomme {volet}, dont le kit n'a pas de schematron"
                    ),
                    format!("no volet: templateId {root} names {volet}, for which the kit has no schematron"),
                ),
            ),
            None => (
                None,
                Message::new(
                    "aucun volet : l'en-tête n'a pas de templateId de volet du CI-SIS",
                    "no volet: the header has no CI-SIS volet templateId",
                ),
            ),
        }
    }

    /// Checks `document` against every schematron the kit applies to it.
    pub fn check(&self, document: &Document) -> KitReport {
        self.check_with(document, &VoletChoice::Auto)
    }

    /// As [`Kit::check`], with the volet chosen by the caller.
    pub fn check_with(&self, document: &Document, choice: &VoletChoice) -> KitReport {
        let mut report = KitReport::default();
        let (volet, why) = self.volet_for(document, choice);
        report.volet = why;
        let volet_entry = volet.map(|file| self.volet_entry(&file));
        let entries: Vec<(&str, &Entry)> = self
            .profiles
            .iter()
            .map(|(check, entry)| (*check, entry))
            .chain(volet_entry.as_deref().map(|entry| ("volet", entry)))
            .collect();
        self.read_in_parallel(entries.iter().map(|(_, entry)| *entry));
        let schemas: Vec<(&str, Result<Schema, SetupNote>)> =
            entries.iter().map(|(check, entry)| (*check, self.schema(entry))).collect();
        let Some(tree) = document.tree.as_ref() else {
            report.notes.push(Message::new(
                "ce n'est pas un document XML : règles du kit non appliquées",
                "not an XML document: the kit's rules were not applied",
            ));
            return report;
        };
        let mut seen_notes = std::collections::HashSet::new();
        let mut note = |report: &mut KitReport, text: Message| {
            if seen_notes.insert(text.fr.clone()) {
                report.notes.push(text);
            }
        };
        let mut runs: Vec<(Schema, Validation)> = Vec::new();
        for (_, schema) in &schemas {
            match schema {
                Ok(schema) => {
                    report.applied.push(schema.file().to_owned());
                    for n in schema.notes() {
                        note(&mut report, located(n));
                    }
                    runs.push((schema.clone(), Validation::default()));
                }
                Err(failed) => note(&mut report, located(failed)),
            }
        }
        let loaded = super::with_loaded(tree.source(), |runtime, loaded| {
            for (schema, validation) in runs.iter_mut() {
                schema.run_loaded(runtime, loaded, tree, validation);
            }
        });
        if let Err((fr, en)) = loaded {
            note(&mut report, Message::new(fr, en));
        }
        for (schema, validation) in runs {
            for n in &validation.notes {
                note(&mut report, located(n));
            }
            let start = report.issues.len();
            for outcome in validation.outcomes {
                report.issues.push(issue(&schema, outcome));
            }
            report.issue_ranges.push(start..report.issues.len());
        }
        report
    }

    /// Reads and compiles the schematrons of `entries` not read yet on two threads when
    /// there are cores for it: reading and expanding the kit's files (hundreds of them) is
    /// most of a first check.
    fn read_in_parallel<'e>(&self, entries: impl Iterator<Item = &'e Entry>) {
        let pending: Vec<&Entry> = entries.filter(|entry| entry.schema.get().is_none()).collect();
        if pending.len() < 2 || std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
            return;
        }
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for entry in pending.iter().skip(1).step_by(2) {
                    let _ = self.schema(entry);
                }
            });
            for entry in pending.iter().step_by(2) {
                let _ = self.schema(entry);
            }
        });
    }

    fn volet_entry(&self, file: &str) -> Arc<Entry> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .entry(file.to_owned())
            .or_insert_with(|| {
                Arc::new(Entry { path: self.dir.join("schematrons").join(file), schema: OnceLock::new() })
            })
            .clone()
    }

    fn schema(&self, entry: &Entry) -> Result<Schema, SetupNote> {
        entry
            .schema
            .get_or_init(|| {
                let options = CompileOptions {
                    root: Some(self.dir.clone()),
                    lazy: true,
                    cache: self.cache.clone(),
                    ..CompileOptions::default()
                };
                // the value sets are read once for all the kit's schematrons
                let mut cache =
                    std::mem::take(&mut *self.value_sets.lock().unwrap_or_else(|p| p.into_inner()));
                let schema = Schema::compile_with(&entry.path, &options, &mut cache);
                let mut shared = self.value_sets.lock().unwrap_or_else(|p| p.into_inner());
                shared.extend(cache);
                schema
            })
            .clone()
    }

    /// Compiles every schematron the kit would apply, now (e.g. before a batch), so that
    /// the first document does not pay for it. Returns the notes.
    pub fn prepare(&self, volets: &[&str]) -> Vec<Message> {
        let mut notes = Vec::new();
        for (_, entry) in &self.profiles {
            if let Err(n) = self.schema(entry) {
                notes.push(located(&n));
            }
        }
        for file in volets {
            if let Err(n) = self.schema(&self.volet_entry(file)) {
                notes.push(located(&n));
            }
        }
        notes
    }
}

/// A note about the kit, with where in the kit it comes from.
fn located(note: &SetupNote) -> Message {
    let en = note.message.en.as_deref().unwrap_or(&note.message.fr);
    Message::new(format!("{} : {}", note.origin, note.message.fr), format!("{}: {en}", note.origin))
}

/// `CI-SIS_<volet>_<version>` minus the prefix → (volet, version): the version is the part
/// from the first `_` followed by a digit.
fn split_volet(stem: &str) -> Option<(&str, &str)> {
    let at = stem
        .char_indices()
        .find(|&(i, c)| c == '_' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))?
        .0;
    Some((&stem[..at], &stem[at + 1..]))
}

/// A version or templateId extension as a month count (`2022.01`, `1.4_2022.01`, `201310`).
fn version_month(version: &str) -> Option<i64> {
    let digits: String = version.rsplit('_').next()?.chars().filter(|c| c.is_ascii_digit()).collect();
    let year: i64 = digits.get(..4)?.parse().ok()?;
    let month: i64 = digits.get(4..6).and_then(|m| m.parse().ok()).unwrap_or(1);
    Some(year * 12 + month)
}

/// The `templateId`s of the `ClinicalDocument` (root, extension), in order.
fn document_template_ids(document: &Document) -> Vec<(String, Option<String>)> {
    let Some(tree) = document.tree.as_ref() else { return Vec::new() };
    let Some(root) = tree.root() else { return Vec::new() };
    let clinical = if tree.is(root, Ns::HL7, "ClinicalDocument") {
        Some(root)
    } else {
        tree.descendants(root).find(|&n| tree.is(n, Ns::HL7, "ClinicalDocument"))
    };
    let Some(clinical) = clinical else { return Vec::new() };
    tree.children_named(clinical, Ns::HL7, "templateId")
        .filter_map(|t| {
            Some((tree.attr(t, "root")?.into_owned(), tree.attr(t, "extension").map(|e| e.into_owned())))
        })
        .collect()
}

/// An outcome of the kit as an [`Issue`].
fn issue(schema: &Schema, outcome: Outcome) -> Issue {
    let severity = match outcome.role.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("warning") | Some("warn") => Severity::Warning,
        Some("info") | Some("information") => Severity::Info,
        _ if outcome.kind == CheckKind::Report && outcome.role.is_none() => Severity::Warning,
        _ => Severity::Error,
    };
    let rule = match (&outcome.id, &outcome.pattern) {
        (Some(id), _) => format!("kit:{id}"),
        (None, Some(pattern)) => format!("kit:{pattern}"),
        (None, None) => {
            format!("kit:{}", schema.file().rsplit('/').next().unwrap_or("").trim_end_matches(".sch"))
        }
    };
    Issue {
        rule,
        layer: Layer::Kit,
        severity,
        message: Message::french(outcome.message),
        span: outcome.span,
        position: None,
        path: None,
        location: Some(outcome.location),
        source: RuleSource::Kit {
            file: outcome.origin.file.to_string(),
            pattern: outcome.pattern,
            context: outcome.context,
            test: outcome.test,
            id: outcome.id,
            line: Some(outcome.origin.line),
        },
        hint: None,
        related: Vec::new(),
    }
}
