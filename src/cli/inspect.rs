//! `vigie inspect`: a readable summary, or one JSON object per line, for each file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::summary::{self, Lang, Report};
use crate::xml::Limits;

pub fn run(files: &[PathBuf], json: bool, lang: Lang) -> ExitCode {
    let limits = Limits::default();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_read = true;
    for (i, path) in files.iter().enumerate() {
        let document = crate::read_path(path, &limits);
        let name = path.display().to_string();
        all_read &= summary::was_read(&document);
        let written = if json {
            match serde_json::to_string(&Report::new(&document, &name)) {
                Ok(line) => writeln!(out, "{line}"),
                Err(error) => writeln!(out, "{{\"file\":{:?},\"error\":{:?}}}", name, error.to_string()),
            }
        } else {
            if i > 0 {
                let _ = writeln!(out);
            }
            write!(out, "{}", summary::text(&document, &name, lang))
        };
        if written.is_err() {
            // stdout closed (e.g. piped into `head`): stop quietly
            return ExitCode::from(if all_read { 0 } else { 1 });
        }
    }
    if all_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
