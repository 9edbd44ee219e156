//! `vigie list`: the library on the command line — one line per document, filtered and
//! searched like the library pane, or the whole result (rows and facets) as JSON.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::library::store::Store;
use crate::library::{BodyKind, DateField, Query, Row, SortBy};
use crate::session::Session;
use crate::xml::Limits;

/// `--body`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum BodyFilter {
    /// Documents with a structured body (sections and narrative).
    Structured,
    /// PDF documents: a PDF in a CDA nonXMLBody, or a bare PDF file.
    Pdf,
}

/// `--sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortArg {
    Date,
    Type,
    Author,
}

/// The arguments of `vigie list`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    /// Files (CDA, PDF, XDM zip) and folders (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Documents of this type (J07 / LOINC code, e.g. 11502-2); repeat for several.
    #[arg(long = "type", value_name = "CODE")]
    types: Vec<String>,
    /// Documents of this class (J06 code, known from XDM metadata); repeat for several.
    #[arg(long = "class", value_name = "CODE")]
    classes: Vec<String>,
    /// Documents by an author of this specialty (J01 code, e.g. G15_10/SM26); repeat for several.
    #[arg(long = "specialty", value_name = "CODE")]
    specialties: Vec<String>,
    /// Documents by an author whose name contains TEXT (accents and case ignored).
    #[arg(long, value_name = "TEXT")]
    author: Option<String>,
    /// Documents dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = super::parse_since)]
    since: Option<chrono::NaiveDate>,
    /// Documents dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = super::parse_until)]
    until: Option<chrono::NaiveDate>,
    /// Apply --since/--until to the date of the act (serviceEvent) instead of the document's.
    #[arg(long)]
    service_dates: bool,
    /// Only structured documents, or only PDF documents.
    #[arg(long, value_enum)]
    body: Option<BodyFilter>,
    /// Search titles, types, authors, organizations and patients (fuzzy), and the text
    /// of the narratives.
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
    /// Also list older versions and second copies on their own lines.
    #[arg(long)]
    all_versions: bool,
    /// Order of the lines.
    #[arg(long, value_enum, default_value_t = SortArg::Date)]
    sort: SortArg,
    /// Reverse the order (oldest first).
    #[arg(long)]
    reverse: bool,
    /// Print at most N lines.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// One JSON object: the rows, the counts and every facet with its counts.
    #[arg(long)]
    json: bool,
    /// Read every document again, without the library cache (nothing is read from it or
    /// written to it).
    #[arg(long)]
    no_cache: bool,
}

impl ListArgs {
    /// The library query these arguments ask for.
    pub fn query(&self) -> Query {
        Query {
            since: self.since,
            until: self.until,
            date_field: if self.service_dates { DateField::Service } else { DateField::Document },
            types: self.types.clone(),
            classes: self.classes.clone(),
            specialties: self.specialties.clone(),
            author_text: self.author.clone(),
            bodies: match self.body {
                None => Vec::new(),
                Some(BodyFilter::Structured) => vec![BodyKind::Structured],
                Some(BodyFilter::Pdf) => vec![BodyKind::Pdf, BodyKind::BarePdf],
            },
            all_versions: self.all_versions,
            search: self.search.clone(),
            sort: match self.sort {
                SortArg::Date => SortBy::Date,
                SortArg::Type => SortBy::Type,
                SortArg::Author => SortBy::Author,
            },
            reverse: self.reverse,
            limit: self.limit,
            ..Query::default()
        }
    }
}

pub fn run(args: &ListArgs) -> ExitCode {
    let mut session = if args.no_cache {
        Session::new(Limits::default())
    } else {
        Session::with_store(Limits::default(), Store::open_default())
    };
    let added = session.add_paths_with(&args.paths, &progress_on_terminal());
    for note in &added.notes {
        eprintln!("vigie list: {note}");
    }
    let results = session.library().query(&args.query());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = if args.json {
        match serde_json::to_string(&results) {
            Ok(json) => writeln!(out, "{json}"),
            Err(error) => {
                eprintln!("vigie list: the result could not be written as JSON: {error}");
                return ExitCode::from(1);
            }
        }
    } else {
        write_table(&mut out, &results.rows)
    };
    if written.is_err() {
        // stdout closed (piped into `head`): stop quietly.
        return ExitCode::SUCCESS;
    }
    if !args.json {
        let mut summary = format!("{} document(s) of {}", results.total, results.library_size);
        if results.total > results.rows.len() {
            summary.push_str(&format!(", {} shown", results.rows.len()));
        }
        if results.hidden_versions > 0 {
            summary.push_str(&format!(
                "; {} older version(s) or copies folded (--all-versions lists them)",
                results.hidden_versions
            ));
        }
        eprintln!("{summary}");
    }
    if results.total > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// A progress line on standard error while indexing, when it is a terminal.
fn progress_on_terminal() -> impl Fn(crate::session::Progress) -> bool + Sync {
    let terminal = std::io::stderr().is_terminal();
    move |p: crate::session::Progress| {
        if terminal && (p.done.is_multiple_of(64) || p.done == p.total) {
            let name: String = p.current.chars().take(50).collect();
            eprint!("\r\x1b[Kindexing {}/{}  {name}", p.done, p.total);
            if p.done == p.total {
                eprint!("\r\x1b[K");
            }
        }
        true
    }
}

/// One aligned line per row: date, type, title, first author and specialty, patient, file,
/// and what is folded into it.
fn write_table(out: &mut impl Write, rows: &[Row<'_>]) -> std::io::Result<()> {
    let lines: Vec<[String; 6]> = rows.iter().map(columns).collect();
    let mut widths = [0usize; 5];
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for line in &lines {
        let mut text = String::new();
        for (i, cell) in line.iter().enumerate() {
            if i < 5 {
                text.push_str(cell);
                let pad = widths[i] - cell.chars().count();
                text.extend(std::iter::repeat_n(' ', pad + 2));
            } else {
                text.push_str(cell);
            }
        }
        writeln!(out, "{}", text.trim_end())?;
    }
    Ok(())
}

const MAX_CELL: usize = 40;

fn cell(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > MAX_CELL {
        let cut: String = text.chars().take(MAX_CELL - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn columns(row: &Row<'_>) -> [String; 6] {
    let r = row.record;
    let date = r.date_display.clone().unwrap_or_else(|| "—".into());
    let type_label = r.type_code.as_ref().map_or("—", |t| t.label.as_str());
    let title = r.title.as_deref().unwrap_or("");
    let author = r
        .authors
        .first()
        .map(|a| match &a.specialty {
            Some(s) => format!("{} ({})", a.name, s.label),
            None => a.name.clone(),
        })
        .unwrap_or_default();
    let patient = r.patient.as_ref().map(|p| p.name.clone()).unwrap_or_default();
    let mut file = match &r.source.path {
        Some(path) => match &r.source.member {
            Some(member) => format!("{path}!{member}"),
            None => path.clone(),
        },
        None => r.source.name.clone(),
    };
    let s = row.standing;
    if !s.older.is_empty() {
        file.push_str(&format!("  [+{} older version(s)]", s.older.len()));
    }
    if let Some(latest) = s.latest {
        file.push_str(&format!("  [replaced: see #{latest}]"));
    }
    if !s.copies.is_empty() {
        file.push_str(&format!("  [{} other cop(ies)]", s.copies.len()));
    }
    for code in &r.confidentiality {
        if code.code != "N" {
            file.push_str(&format!("  [{}]", code.code));
        }
    }
    [cell(&date), cell(type_label), cell(title), cell(&author), cell(&patient), file]
}
