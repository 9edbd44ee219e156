//! The `vigie` command line: flags are defined once here (clap derive) and the help is
//! generated from them.

pub mod inspect;
pub mod render;

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
    },
    /// Serve the Vigie interface and its API on http://127.0.0.1 for a browser.
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
    },
    /// Write the synthetic demo documents (several patients, CR-BIO series, VSM, imaging,
    /// PDF-only, XDM package) into DIR.
    Demo {
        #[arg(default_value = "assets/demo", value_name = "DIR")]
        dir: PathBuf,
    },
}
