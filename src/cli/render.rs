//! `vigie render`: one self-contained HTML page per document, and its security report.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// `vigie render`: the page to a file or stdout, the security report to stderr; the page's
/// own words in `lang`.
pub fn run(file: &Path, output: Option<&Path>, report: bool, lang: crate::summary::Lang) -> ExitCode {
    let document = crate::read_path(file, &crate::xml::Limits::default());
    if document.cda.is_none() {
        eprintln!("vigie render: {}: not a readable CDA document", file.display());
        for f in document.findings.iter() {
            let at = f.position.map(|p| p.to_string()).unwrap_or_default();
            eprintln!("  {at} {}: {}", f.code, f.message);
        }
        return ExitCode::from(1);
    }
    let options = crate::render::RenderOptions { lang, ..crate::render::RenderOptions::default() };
    let rendered = crate::render::render(&document, &options);
    let written = match output {
        Some(path) => std::fs::write(path, &rendered.html),
        None => std::io::stdout().lock().write_all(rendered.html.as_bytes()),
    };
    if let Err(error) = written {
        let to = output.map_or_else(|| "standard output".to_string(), |p| p.display().to_string());
        eprintln!("vigie render: cannot write to {to}: {error}");
        return ExitCode::from(1);
    }
    if report {
        eprint!("{}", crate::render::report_text(&rendered.report));
    }
    if crate::summary::was_read(&document) {
        ExitCode::SUCCESS
    } else {
        eprintln!("vigie render: {}: the document could not be read completely", file.display());
        ExitCode::from(1)
    }
}
