//! Vigie's desktop app: a Tauri window showing the Svelte UI (`ui/`) over one [`Session`].
//!
//! This crate is deliberately thin — `src-tauri` holds no domain logic: it adds the paths given
//! on the command line to a session, keeps the session behind a mutex, and lets the webview
//! reach it through the commands of [`commands`], the same operations `vigie serve` offers
//! over HTTP. Files are added only by the person: the command line, the native Open dialog
//! (shown by a command) and drops on the window ([`drops`], handled here, not in the page);
//! no command takes a path. What the webview may call is fixed at build time by
//! `capabilities/default.json` (Vigie's commands and listening to events: nothing else), and
//! what it may load by the Content-Security-Policy of `tauri.conf.json`.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod app_tests;
mod commands;
mod drops;
mod external;
mod indexing;
mod recent;
mod watch;

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Mutex;

use tauri::{Builder, Context, Manager, Runtime};
use vigie::check::CheckOptions;
use vigie::library::store::Store;

/// The `vigie` binary's allocator: reading, indexing and checking documents allocate a great
/// many small values, which mimalloc serves with less CPU than glibc (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use vigie::session::Session;
use vigie::xml::Limits;

const USAGE: &str = "\
Vigie — viewer and debugger for French HL7 CDA R2 health documents

Usage: vigie-app [OPTIONS] [FILE | FOLDER]...

Opens the app with the given documents, folders of documents or XDM packages in its list.
More can be added from the window (Open, or drop files on it).

Options:
      --kit DIR     The ANS kit folder (TestContenuCDA), for the official French rules in
                    the Problems panel (default: $VIGIE_KIT; without it, not run)
      --schema DIR  A folder holding the CDA schema (CDA.xsd or CDA_extended.xsd), for XSD
                    validation (default: $VIGIE_SCHEMA; without it, not run)
  -h, --help        Print this help
  -V, --version     Print the version
";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Invocation {
    Help,
    Version,
    Open(Vec<PathBuf>, CheckFolders),
    /// An option that needs a value was given none.
    Missing(&'static str),
}

/// The folders the checks use (`--kit`, `--schema`), each defaulting to its environment
/// variable (`VIGIE_KIT`, `VIGIE_SCHEMA`).
#[derive(Debug, Default, PartialEq)]
struct CheckFolders {
    kit: Option<PathBuf>,
    schema: Option<PathBuf>,
}

impl CheckFolders {
    /// The folders given, else those the environment names.
    fn or_env(self, var: impl Fn(&str) -> Option<OsString>) -> CheckOptions {
        let from_env = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        CheckOptions {
            kit_dir: self.kit.or_else(|| from_env("VIGIE_KIT")),
            schema_dir: self.schema.or_else(|| from_env("VIGIE_SCHEMA")),
            // set at start, in the app's data folder
            kit_cache: None,
        }
    }
}

/// Reads the command line. Anything that is not an option is a path: the session says which
/// ones cannot be opened. `--` ends the options, for a file whose name starts with a dash.
fn parse_args(args: impl IntoIterator<Item = OsString>) -> Invocation {
    let mut paths = Vec::new();
    let mut folders = CheckFolders::default();
    let mut options_ended = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if !options_ended {
            let text = arg.to_str().unwrap_or("");
            let (flag, inline) = match text.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
                _ => (text, None),
            };
            match flag {
                "-h" | "--help" => return Invocation::Help,
                "-V" | "--version" => return Invocation::Version,
                "--" => {
                    options_ended = true;
                    continue;
                }
                "--kit" | "--schema" => {
                    let name = if flag == "--kit" { "--kit" } else { "--schema" };
                    let value = match inline {
                        Some(value) => Some(OsString::from(value)),
                        None => args.next(),
                    };
                    let Some(value) = value.filter(|v| !v.is_empty()) else {
                        return Invocation::Missing(name);
                    };
                    let slot = if name == "--kit" { &mut folders.kit } else { &mut folders.schema };
                    *slot = Some(PathBuf::from(value));
                    continue;
                }
                _ => {}
            }
        }
        paths.push(PathBuf::from(arg));
    }
    Invocation::Open(paths, folders)
}

fn main() {
    let (paths, folders) = match parse_args(std::env::args_os().skip(1)) {
        Invocation::Help => {
            print!("{USAGE}");
            return;
        }
        Invocation::Version => {
            println!("vigie-app {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Invocation::Missing(flag) => {
            eprintln!("vigie-app: {flag} needs a folder: {flag} DIR\n\n{USAGE}");
            std::process::exit(2);
        }
        Invocation::Open(paths, folders) => (paths, folders),
    };

    // The session is made once the app knows its data folder (for the library cache): see
    // `app`'s setup, which opens the command line's paths.
    let startup = Startup { paths, check: folders.or_env(|name| std::env::var_os(name)) };
    if let Err(error) =
        app(Builder::default().manage(startup), Session::new(Limits::default())).run(context())
    {
        eprintln!("vigie-app: the window could not be shown: {error}");
        std::process::exit(1);
    }
}

/// The app over `session`: its state, commands and window events — everything the webview can
/// reach. Generic over the runtime so that the tests drive the same app on Tauri's mock one.
fn app<R: Runtime>(builder: Builder<R>, session: Session) -> Builder<R> {
    builder
        // For `DialogExt` in the Open commands; the capability grants none of its commands.
        .plugin(tauri_plugin_dialog::init())
        .manage(Mutex::new(session))
        .manage(indexing::Indexing::default())
        .manage(watch::Watcher::default())
        // The recent folders live in the app's own data folder, nowhere else.
        .manage(recent::RecentFolders::default())
        .setup(|app| {
            if let Some(startup) = app.try_state::<Startup>() {
                start(app.handle(), &startup);
            }
            Ok(())
        })
        .on_window_event(drops::on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::list_documents,
            commands::open_document,
            commands::query_library,
            commands::open_files,
            commands::open_folder,
            commands::document_source,
            commands::document_results,
            commands::document_cumulative,
            commands::document_clinical,
            commands::document_render,
            commands::check_document,
            commands::document_attachment,
            commands::document_file,
            external::open_external,
            indexing::cancel_indexing,
            recent::recent_folders,
            recent::open_recent,
        ])
}

/// What the command line gave, used once the app runs: the paths to open, the folders the
/// checks use.
struct Startup {
    paths: Vec<PathBuf>,
    check: CheckOptions,
}

/// Gives the app its session with the library cache in the app's own data folder (or none,
/// said once in the notes, when it cannot be opened), opens the command line's paths and
/// watches its folders; the checker (the kit's rules) is loaded meanwhile, on a thread.
fn start<R: Runtime>(app: &tauri::AppHandle<R>, startup: &Startup) {
    let paths = &startup.paths;
    let data = app.path().app_data_dir();
    let store = data
        .as_ref()
        .map_err(|error| format!("the app has no data folder ({error}): documents are read again each time"))
        .and_then(|folder| Store::open_in(folder));
    let mut session = Session::with_store(Limits::default(), store);
    // the kit's expanded rules are kept beside the library cache
    let kit_cache = data.ok().map(|folder| folder.join("kit-cache"));
    session.set_check_options(CheckOptions { kit_cache, ..startup.check.clone() });
    let warm = session.checker_warmer();
    std::thread::spawn(move || {
        if let Err(error) = warm() {
            eprintln!("vigie-app: documents cannot be checked: {error}");
        }
    });
    for note in session.add_paths(paths).notes {
        eprintln!("vigie-app: {note}");
    }
    *commands::lock(&app.state::<commands::SharedSession>()) = session;
    // Folders given on the command line are followed like the ones opened in the window.
    for folder in paths.iter().filter(|p| p.is_dir()) {
        app.state::<watch::Watcher>().watch(app, folder.clone());
    }
}

/// `tauri.conf.json`, the capabilities and the embedded UI, resolved at compile time.
fn context<R: Runtime>() -> Context<R> {
    tauri::generate_context!()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Invocation {
        parse_args(args.iter().map(OsString::from))
    }

    fn open(paths: &[&str]) -> Invocation {
        Invocation::Open(paths.iter().map(PathBuf::from).collect(), CheckFolders::default())
    }

    #[test]
    fn every_argument_that_is_not_an_option_is_a_path_to_open() {
        assert_eq!(parse(&["a.xml", "dossier"]), open(&["a.xml", "dossier"]));
        assert_eq!(parse(&[]), open(&[]));
    }

    #[test]
    fn the_kit_and_schema_folders_come_from_the_options_else_the_environment() {
        let folders = CheckFolders { kit: Some("/kit".into()), schema: Some("/xsd".into()) };
        assert_eq!(
            parse(&["--kit", "/kit", "a.xml", "--schema=/xsd"]),
            Invocation::Open(vec![PathBuf::from("a.xml")], folders)
        );
        assert_eq!(parse(&["a.xml", "--kit"]), Invocation::Missing("--kit"));

        let env = |name: &str| (name == "VIGIE_KIT").then(|| OsString::from("/env-kit"));
        let options = CheckFolders { kit: None, schema: Some("/xsd".into()) }.or_env(env);
        assert_eq!(options.kit_dir, Some(PathBuf::from("/env-kit")));
        assert_eq!(options.schema_dir, Some(PathBuf::from("/xsd")));
        let given = CheckFolders { kit: Some("/kit".into()), schema: None }.or_env(env);
        assert_eq!(given.kit_dir, Some(PathBuf::from("/kit")), "an option wins over the environment");
    }

    #[test]
    fn help_and_version_win_over_paths() {
        assert_eq!(parse(&["a.xml", "--help"]), Invocation::Help);
        assert_eq!(parse(&["-V"]), Invocation::Version);
    }

    #[test]
    fn a_double_dash_lets_a_file_name_start_with_a_dash() {
        assert_eq!(parse(&["--", "-h"]), open(&["-h"]));
    }
}
