//! The `vigie` command line: flags are defined once here (clap derive) and the help is
//! generated from them.

pub mod check;
pub mod clinical;
pub mod cumulative;
pub mod inspect;
pub mod list;
pub mod render;
pub mod results;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use crate::summary::Lang;

/// Vigie — viewer and debugger for French health documents (HL7 CDA R2, CI-SIS).
///
/// Documents are read offline; nothing leaves this machine and files are never modified.
#[derive(Debug, Parser)]
#[command(name = "vigie", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a readable summary of each document: type, patient and INS check, authors,
    /// organization, dates, sections, attachments and any problem found.
    ///
    /// Exit code: 0 when every file was read, 1 when some could not be (fully) read,
    /// 2 for a usage error.
    Inspect {
        /// CDA documents (XML, auto-presentable, signed), PDFs; recognised by content.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// One JSON object per document, one per line (schema: docs/report.schema.json).
        #[arg(long)]
        json: bool,
        /// Language of the summary's labels (defaults to French when LANG starts with "fr").
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// Render a document as one self-contained, printable HTML page (inline CSS, images
    /// embedded, a Content-Security-Policy that forbids script and network).
    ///
    /// Hostile content (scripts, event handlers, javascript: links, external images...) is
    /// neutralised and listed in the security report.
    ///
    /// Exit code: 0 when the page was written, 1 when the input could not be read as a CDA
    /// document (or the output could not be written), 2 for a usage error.
    Render {
        /// The CDA document (XML, auto-presentable, signed); recognised by content.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Write the page to this file instead of standard output.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Print the security report to standard error: one line per neutralised item,
        /// `line:col  what  action`.
        #[arg(long)]
        report: bool,
        /// Language of the page's own words: labels, headings, placeholders, the security
        /// report's descriptions (defaults to French when LANG starts with "fr"). The
        /// document's text is never translated.
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// List documents of files, folders and XDM packages, filtered and searched, newest
    /// first; older versions and second copies of a document are folded into its line.
    ///
    /// What was learnt of each file is kept in the library cache,
    /// $XDG_DATA_HOME/vigie/library-v1.sqlite (by default ~/.local/share/vigie/): listing the
    /// same folder again reads only the files that changed (--no-cache reads them all).
    ///
    /// Exit code: 0 when some document matched, 1 when none did, 2 for a usage error.
    List(list::ListArgs),
    /// Print the lab results of documents (CR-BIO, TROD, results sections): per document,
    /// each chapter's results with value and unit, reference range, flag in words and
    /// previous value, specimens, comments and antibiograms; or CSV rows, or JSON.
    ///
    /// Exit code: 0 when results were printed, 1 when none were found, 2 for a usage error.
    Results(results::ResultsArgs),
    /// Print the clinical summary of documents (VSM, IPS-FR, lettres de liaison, DLU…):
    /// allergies, vigilance points, problems, treatments with dose, route and frequency,
    /// medical and surgical history, family history, risk factors, habits, vaccinations,
    /// devices — each item with its code, dates, status and source line; or JSON.
    ///
    /// Exit code: 0 when a summary was printed, 1 when no document has one, 2 for a usage
    /// error.
    Clinical(clinical::ClinicalArgs),
    /// Check documents, folders and XDM packages layer by layer: well-formedness (xml), CDA
    /// structure (cda), the CDA schema (xsd, with --schema), the ANS kit's rules (kit, with
    /// --kit) and Vigie's own rules (builtin: INS, identifiers, versions, embedded files,
    /// narrative references, lab values, XDM metadata). Each finding with its line:column,
    /// a readable path, the rule and a hint; formats for people and for CI.
    ///
    /// Exit code: 0 when no finding reaches --fail-on, 1 when some does, 2 for a usage
    /// error (an unreadable path or SVRL report, a kit or schema folder that is not one).
    Check(check::CheckArgs),
    /// Serve the Vigie interface and its API on http://127.0.0.1 for a browser.
    ///
    /// Files opened from the command line use the library cache as `vigie list` does
    /// ($XDG_DATA_HOME/vigie, by default ~/.local/share/vigie); files sent by the browser are
    /// never stored.
    Serve {
        /// Files or folders to open.
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8617)]
        port: u16,
        /// Open the page in the default browser once the server listens.
        #[arg(long)]
        open: bool,
        /// The ANS kit folder (TestContenuCDA), for the official French rules in the
        /// Problems panel; without it that layer is reported as not run.
        #[arg(long, value_name = "DIR")]
        kit: Option<PathBuf>,
        /// A folder holding the CDA schema (CDA.xsd or CDA_extended.xsd), for XSD
        /// validation in the Problems panel; without it that layer is reported as not run.
        #[arg(long, value_name = "DIR")]
        schema: Option<PathBuf>,
    },
    /// Write the synthetic demo documents (several patients, CR-BIO series, VSM, imaging,
    /// PDF-only, XDM package) into DIR.
    Demo {
        #[arg(default_value = "assets/demo", value_name = "DIR")]
        dir: PathBuf,
    },
}

/// `--since`: the first day of a year, month or day.
fn parse_since(text: &str) -> Result<chrono::NaiveDate, String> {
    parse_partial_date(text).map(|(first, _)| first)
}

/// `--until`: the last day of a year, month or day.
fn parse_until(text: &str) -> Result<chrono::NaiveDate, String> {
    parse_partial_date(text).map(|(_, last)| last)
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the first and last days it covers.
fn parse_partial_date(text: &str) -> Result<(chrono::NaiveDate, chrono::NaiveDate), String> {
    let invalid = || format!("`{text}` is not a date: write YYYY, YYYY-MM or YYYY-MM-DD");
    let parts: Vec<&str> = text.trim().split('-').collect();
    let number = |s: &str| s.parse::<u32>().map_err(|_| invalid());
    let (year, month, day) = match parts.as_slice() {
        [y] => (number(y)?, None, None),
        [y, m] => (number(y)?, Some(number(m)?), None),
        [y, m, d] => (number(y)?, Some(number(m)?), Some(number(d)?)),
        _ => return Err(invalid()),
    };
    let year = i32::try_from(year).map_err(|_| invalid())?;
    let first =
        chrono::NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1)).ok_or_else(invalid)?;
    let last = match (month, day) {
        (_, Some(_)) => first,
        (Some(m), None) => {
            let next = if m == 12 { (year + 1, 1) } else { (year, m + 1) };
            chrono::NaiveDate::from_ymd_opt(next.0, next.1, 1)
                .and_then(|d| d.pred_opt())
                .ok_or_else(invalid)?
        }
        (None, None) => chrono::NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(invalid)?,
    };
    Ok((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_cover_their_whole_year_or_month() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(parse_partial_date("2024"), Ok((d("2024-01-01"), d("2024-12-31"))));
        assert_eq!(parse_partial_date("2024-02"), Ok((d("2024-02-01"), d("2024-02-29"))));
        assert_eq!(parse_partial_date("2023-12"), Ok((d("2023-12-01"), d("2023-12-31"))));
        assert_eq!(parse_partial_date("2024-03-05"), Ok((d("2024-03-05"), d("2024-03-05"))));
        assert!(parse_partial_date("2024-13").is_err());
        assert!(parse_partial_date("hier").unwrap_err().contains("YYYY-MM-DD"));
    }
}
