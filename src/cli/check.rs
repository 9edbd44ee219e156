//! `vigie check`: layered validation of documents, folders and XDM packages, written for a
//! person (compiler-style text) or for CI (JSON lines, SARIF 2.1.0, JUnit XML).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::check::inputs::{self, Checked, SvrlImports};
use crate::check::output::{json, junit, sarif, text, FailOn};
use crate::check::{svrl, CheckOptions, Checker, Counts};
use crate::summary::Lang;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Like a compiler: file:line:col, severity, rule, message, the source line with a
    /// caret, the readable path, a hint and where the rule is written.
    #[default]
    Text,
    /// One JSON object per checked input, one per line (docs/check.md, docs/check.schema.json).
    Json,
    /// One SARIF 2.1.0 log, for code-scanning tools.
    Sarif,
    /// One JUnit XML document: a test suite per input, a test case per layer.
    Junit,
}

/// The arguments of `vigie check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Files (CDA documents), folders (walked recursively) and XDM packages (zip).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The ANS kit folder (TestContenuCDA), to run its Schematron rules.
    #[arg(long, value_name = "DIR")]
    kit: Option<PathBuf>,
    /// A folder holding the CDA schema (CDA.xsd, or the French CDA_extended.xsd), to
    /// validate against it.
    #[arg(long, value_name = "DIR")]
    schema: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with code 1 when a finding is at least this serious.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// An SVRL report (from the ANS kit or an online validator) to show at its locations in
    /// the document it is about (matched by the file name in its `document` attribute, or
    /// the only document checked); repeat for several.
    #[arg(long, value_name = "REPORT")]
    svrl: Vec<PathBuf>,
    /// Language of the messages (defaults to French when LANG starts with "fr").
    #[arg(long, value_enum)]
    lang: Option<Lang>,
    /// Read the kit's files on every run: without this, the expanded kit is kept in the data
    /// folder ($XDG_DATA_HOME/vigie/kit-cache, by default ~/.local/share/vigie/) and read
    /// back while its files are unchanged.
    #[arg(long)]
    no_cache: bool,
}

/// Exit codes: 0 no finding reaches `--fail-on`, 1 some does, 2 a usage error (an
/// unreadable path or SVRL report, a kit or schema folder that is not one).
pub fn run(args: &CheckArgs) -> ExitCode {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let say = |english: &str, french: &str| match lang {
        Lang::Fr => eprintln!("vigie check : {french}"),
        Lang::En => eprintln!("vigie check: {english}"),
    };
    let checker = match Checker::new(CheckOptions {
        kit_dir: args.kit.clone(),
        schema_dir: args.schema.clone(),
        kit_cache: if args.no_cache { None } else { crate::check::default_kit_cache() },
    }) {
        Ok(checker) => checker,
        Err(error) => {
            say(&error.to_string(), &error.message.fr);
            return ExitCode::from(2);
        }
    };
    let mut usage_error = false;
    let mut reports = Vec::new();
    for path in &args.svrl {
        let read = std::fs::read(path).map_err(|e| e.to_string());
        match read.map(|bytes| svrl::read(&bytes, &path.display().to_string())) {
            Ok(Ok(report)) => reports.push(report),
            Ok(Err(message)) => {
                say(message.en.as_deref().unwrap_or(&message.fr), &message.fr);
                usage_error = true;
            }
            Err(error) => {
                say(
                    &format!("{}: the SVRL report cannot be read ({error})", path.display()),
                    &format!("{} : le rapport SVRL ne peut pas être lu ({error})", path.display()),
                );
                usage_error = true;
            }
        }
    }
    let collected = inputs::collect(&args.paths);
    for why in &collected.unreadable {
        say(&format!("{why}: cannot be opened"), &format!("{why} : ne peut pas être ouvert"));
        usage_error = true;
    }
    let svrl = SvrlImports { reports, sole_target: collected.targets.len() == 1 };
    let packages = collected.targets.iter().any(|t| matches!(t, inputs::Target::Package(_)));
    for report in svrl.reports.iter().filter(|_| !svrl.sole_target && !packages) {
        let name = report.document_name().unwrap_or("?");
        let named = |t: &inputs::Target| t.path().file_name().is_some_and(|n| n.to_string_lossy() == name);
        if !collected.targets.iter().any(named) {
            say(
                &format!(
                    "{}: the document it reports on ({name}) is not among the files checked",
                    report.file
                ),
                &format!(
                    "{} : le document dont il rend compte ({name}) n'est pas parmi les fichiers vérifiés",
                    report.file
                ),
            );
        }
    }

    let mut totals = Counts::default();
    let mut documents = 0usize;
    let mut failed = false;
    let mut tally = text::Tally::default();
    let mut kept: Vec<Checked> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut broken_pipe = false;
    let mut not_cda = 0usize;
    inputs::check_all(&checker, &collected.targets, &svrl, |checked| {
        not_cda += usize::from(checked.is_empty());
        for input in checked {
            documents += 1;
            totals.merge(input.report.counts);
            failed |= input.report.issues.iter().any(|i| args.fail_on.fails(i.severity));
            let written = match args.format {
                Format::Text => {
                    text::tally(&input, &mut tally, lang);
                    out.write_all(text::render(&input, lang).as_bytes())
                }
                Format::Json => writeln!(out, "{}", json::line(&input.report)),
                Format::Sarif | Format::Junit => {
                    kept.push(input);
                    Ok(())
                }
            };
            broken_pipe |= written.is_err();
        }
    });
    let closing = match args.format {
        Format::Text => text::summary(documents, totals, &tally, lang),
        Format::Json => String::new(),
        Format::Sarif => {
            let log = sarif::log(&kept, lang);
            serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
        }
        Format::Junit => junit::document(&kept, args.fail_on, lang),
    };
    if !broken_pipe {
        let _ = out.write_all(closing.as_bytes());
        let _ = out.flush();
    }
    if not_cda > 0 {
        say(
            &format!("{not_cda} file(s) found in the folders are not CDA documents: not checked"),
            &format!("{not_cda} fichier(s) trouvé(s) dans les dossiers ne sont pas des documents CDA : non vérifiés"),
        );
    }
    // the compiled kit is large and the process ends here: freeing it would only cost time
    std::mem::forget(checker);
    if usage_error {
        ExitCode::from(2)
    } else if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
