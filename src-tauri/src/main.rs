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
mod indexing;
mod recent;
mod watch;

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Mutex;

use tauri::{Builder, Context, Manager, Runtime};
use vigie::library::store::Store;
use vigie::session::Session;
use vigie::xml::Limits;

const USAGE: &str = "\
Vigie — viewer and debugger for French HL7 CDA R2 health documents

Usage: vigie-app [FILE | FOLDER]...

Opens the app with the given documents, folders of documents or XDM packages in its list.
More can be added from the window (Open, or drop files on it).

Options:
  -h, --help     Print this help
  -V, --version  Print the version
";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Invocation {
    Help,
    Version,
    Open(Vec<PathBuf>),
}

/// Reads the command line. Anything that is not one of the two options is a path: the session
/// says which ones cannot be opened. `--` ends the options, for a file whose name starts
/// with a dash.
fn parse_args(args: impl IntoIterator<Item = OsString>) -> Invocation {
    let mut paths = Vec::new();
    let mut options_ended = false;
    for arg in args {
        if !options_ended {
            match arg.to_str() {
                Some("-h" | "--help") => return Invocation::Help,
                Some("-V" | "--version") => return Invocation::Version,
                Some("--") => {
                    options_ended = true;
                    continue;
                }
                _ => {}
            }
        }
        paths.push(PathBuf::from(arg));
    }
    Invocation::Open(paths)
}

fn main() {
    let paths = match parse_args(std::env::args_os().skip(1)) {
        Invocation::Help => {
            print!("{USAGE}");
            return;
        }
        Invocation::Version => {
            println!("vigie-app {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Invocation::Open(paths) => paths,
    };

    // The session is made once the app knows its data folder (for the library cache): see
    // `app`'s setup, which opens the command line's paths.
    let startup = Startup(paths);
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
                start(app.handle(), &startup.0);
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
            commands::document_attachment,
            indexing::cancel_indexing,
            recent::recent_folders,
            recent::open_recent,
        ])
}

/// The paths given on the command line, opened once the app runs.
struct Startup(Vec<PathBuf>);

/// Gives the app its session with the library cache in the app's own data folder (or none,
/// said once in the notes, when it cannot be opened), opens the command line's paths and
/// watches its folders.
fn start<R: Runtime>(app: &tauri::AppHandle<R>, paths: &[PathBuf]) {
    let store = app
        .path()
        .app_data_dir()
        .map_err(|error| format!("the app has no data folder ({error}): documents are read again each time"))
        .and_then(|folder| Store::open_in(&folder));
    let mut session = Session::with_store(Limits::default(), store);
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

    #[test]
    fn every_argument_that_is_not_an_option_is_a_path_to_open() {
        assert_eq!(
            parse(&["a.xml", "dossier"]),
            Invocation::Open(vec![PathBuf::from("a.xml"), PathBuf::from("dossier")])
        );
        assert_eq!(parse(&[]), Invocation::Open(vec![]));
    }

    #[test]
    fn help_and_version_win_over_paths() {
        assert_eq!(parse(&["a.xml", "--help"]), Invocation::Help);
        assert_eq!(parse(&["-V"]), Invocation::Version);
    }

    #[test]
    fn a_double_dash_lets_a_file_name_start_with_a_dash() {
        assert_eq!(parse(&["--", "-h"]), Invocation::Open(vec![PathBuf::from("-h")]));
    }
}
