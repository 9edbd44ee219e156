//! `vigie clinical`: the clinical summary of documents — problems, history, allergies,
//! treatments, vaccinations, vigilance points… — as readable text, or one JSON object per
//! document per line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::clinical::{self, present, DocumentClinical};
use crate::session::Session;
use crate::summary::Lang;
use crate::xml::Limits;

/// The arguments of `vigie clinical`.
#[derive(Debug, Clone, clap::Args)]
pub struct ClinicalArgs {
    /// Files (CDA, XDM zip) and folders (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// One JSON object per document, one per line: the file, its date and its summary's
    /// categories, sections and items (`vigie::clinical::DocumentClinical`).
    #[arg(long)]
    json: bool,
    /// Language of the headings and words (defaults to French when LANG starts with "fr").
    #[arg(long, value_enum)]
    lang: Option<Lang>,
}

pub fn run(args: &ClinicalArgs) -> ExitCode {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let mut session = Session::new(Limits::default());
    let added = session.add_paths(&args.paths);
    for note in &added.notes {
        eprintln!("vigie clinical: {note}");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let ids: Vec<usize> = session.entries().iter().map(|e| e.id).collect();
    let (mut items, mut documents) = (0, 0);
    for id in ids {
        let Some(file) = session.entry(id).map(|e| match (&e.path, &e.member) {
            (Some(path), Some(member)) => format!("{path}!{member}"),
            (Some(path), None) => path.clone(),
            (None, _) => e.name.clone(),
        }) else {
            continue;
        };
        let document = match session.document(id) {
            Ok(document) => document,
            Err(error) => {
                eprintln!("vigie clinical: {file}: {error}");
                continue;
            }
        };
        let summary = clinical::extract(&document);
        if summary.is_empty() {
            continue;
        }
        let header = document.cda.as_ref().map(|cda| &cda.header);
        let found = DocumentClinical {
            file,
            title: header.and_then(|h| h.title.as_ref()).map(|t| t.text.clone()),
            document_date: header.and_then(|h| h.effective_time.clone()),
            summary,
        };
        let written = if args.json {
            match serde_json::to_string(&found) {
                Ok(line) => writeln!(out, "{line}"),
                Err(error) => {
                    eprintln!(
                        "vigie clinical: {}: the summary could not be written as JSON: {error}",
                        found.file
                    );
                    continue;
                }
            }
        } else {
            let gap = if documents > 0 { "\n" } else { "" };
            write!(out, "{gap}{}", present::text(&found, lang))
        };
        if written.is_err() {
            // stdout closed (piped into `head`): stop quietly.
            return ExitCode::SUCCESS;
        }
        items += found.summary.item_count;
        documents += 1;
    }
    let _ = out.flush();
    eprintln!("{items} clinical item(s) in {documents} of {} document(s)", session.entries().len());
    if documents > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
