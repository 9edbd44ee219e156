//! `vigie results`: the lab results of documents — a compact grid per document, one CSV row
//! per result, or one JSON object per document per line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::cumulative;
use crate::results::{self, present, DocumentResults};
use crate::session::Session;
use crate::summary::Lang;
use crate::xml::Limits;

/// The arguments of `vigie results`.
#[derive(Debug, Clone, clap::Args)]
pub struct ResultsArgs {
    /// Files (CDA, XDM zip) and folders (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// One CSV row per result, after a header line: file, document date, chapter, battery,
    /// code, system, label, value, unit, low, high, range text, interpretation, status,
    /// specimen, collected, line:column, abnormal.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
    /// One JSON object per document, one per line: the file, its date and its chapters,
    /// batteries and results (`vigie::results::DocumentResults`).
    #[arg(long)]
    json: bool,
    /// Only abnormal results: an interpretation code says so (H, L, HH, A…), or, when no
    /// code decides, the value lies outside the reference range.
    #[arg(long)]
    abnormal: bool,
    /// Every result of each patient across the documents, by test and date (antériorités):
    /// one line per test with its values oldest first; with --csv one row per value, with
    /// --json one object per patient. Units of one quantity with other prefixes are
    /// converted to the test's most frequent unit; other units make a series of their own.
    #[arg(long)]
    cumulative: bool,
    /// Language of the flags' words and headings (defaults to French when LANG starts with "fr").
    #[arg(long, value_enum)]
    lang: Option<Lang>,
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Csv,
    Json,
}

pub fn run(args: &ResultsArgs) -> ExitCode {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let format = match (args.csv, args.json) {
        (true, _) => Format::Csv,
        (_, true) => Format::Json,
        _ => Format::Text,
    };
    let mut session = Session::new(Limits::default());
    let added = session.add_paths(&args.paths);
    for note in &added.notes {
        eprintln!("vigie results: {note}");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.cumulative {
        let format = match format {
            Format::Text => cumulative::Format::Text,
            Format::Csv => cumulative::Format::Csv,
            Format::Json => cumulative::Format::Json,
        };
        return match cumulative::write(&mut session, format, args.abnormal, lang, &mut out) {
            Ok(0) => {
                eprintln!("vigie results: no lab result with a date and a patient in these documents");
                ExitCode::from(1)
            }
            _ => ExitCode::SUCCESS,
        };
    }
    if format == Format::Csv && out.write_all(present::csv_header().as_bytes()).is_err() {
        return ExitCode::SUCCESS;
    }
    let ids: Vec<usize> = session.entries().iter().map(|e| e.id).collect();
    let (mut results, mut documents) = (0, 0);
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
                eprintln!("vigie results: {file}: {error}");
                continue;
            }
        };
        let mut report = results::extract(&document);
        if args.abnormal {
            report.retain_abnormal();
        }
        if report.is_empty() {
            continue;
        }
        let header = document.cda.as_ref().map(|cda| &cda.header);
        let found = DocumentResults {
            file,
            title: header.and_then(|h| h.title.as_ref()).map(|t| t.text.clone()),
            document_date: header.and_then(|h| h.effective_time.clone()),
            report,
        };
        let written = match format {
            Format::Csv => out.write_all(present::csv_rows(&found, lang).as_bytes()),
            Format::Json => match serde_json::to_string(&found) {
                Ok(line) => writeln!(out, "{line}"),
                Err(error) => {
                    eprintln!(
                        "vigie results: {}: the results could not be written as JSON: {error}",
                        found.file
                    );
                    continue;
                }
            },
            Format::Text => {
                let gap = if documents > 0 { "\n" } else { "" };
                write!(out, "{gap}{}", present::text(&found, lang))
            }
        };
        if written.is_err() {
            // stdout closed (piped into `head`): stop quietly.
            return ExitCode::SUCCESS;
        }
        results += found.report.result_count;
        documents += 1;
    }
    let what = if args.abnormal { "abnormal result(s)" } else { "result(s)" };
    eprintln!("{results} {what} in {documents} of {} document(s)", session.entries().len());
    if results > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
