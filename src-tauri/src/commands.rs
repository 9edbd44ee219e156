//! The commands the webview invokes (`invoke('list_documents')`, …): each locks the session,
//! calls one [`Session`] method and hands back its result, serialised by Tauri. They mirror
//! the routes of `vigie serve` (`docs/api.md`), so the UI has one model for both.
//!
//! No command takes a path: the webview names documents by their session id only, and files
//! enter the session through the native Open dialog shown from here ([`open_files`],
//! [`open_folder`]), a drop on the window (`drops.rs`) or the command line — all chosen by the
//! person, none by the page. A script injected into the page can therefore read only what the
//! person already opened.
//!
//! Every command runs off the main thread (`async`), so reading a large document never
//! freezes the window, and a dialog can wait for the person without blocking the event loop.
//! Errors are the session's own sentences, for the UI to show as they are. Commands return
//! `Result` even when they cannot fail: Tauri requires it of async commands that borrow
//! managed state.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tauri::ipc::Response;
use tauri::{Manager, Runtime, State, Window};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};
use vigie::session::{Added, Entry, Session};

/// The session as Tauri manages it (`app.manage(Mutex::new(session))`).
pub type SharedSession = Mutex<Session>;

/// Locks the session. A command that panicked while holding the lock leaves the session as
/// it was between two method calls (they only append entries and swap cache slots), so the
/// lock is taken back rather than failing every later command.
pub fn lock<'a>(session: &'a State<'_, SharedSession>) -> MutexGuard<'a, Session> {
    session.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Every document of the session, in the order they were added (`GET /api/documents`).
#[tauri::command(async)]
pub fn list_documents(session: State<'_, SharedSession>) -> Result<Vec<Entry>, String> {
    Ok(lock(&session).entries().to_vec())
}

/// The documents matching a library query, ordered, with the facets' counts
/// (`POST /api/library`).
#[tauri::command(async)]
pub fn query_library(
    session: State<'_, SharedSession>,
    query: vigie::library::Query,
) -> Result<serde_json::Value, String> {
    serde_json::to_value(lock(&session).library().query(&query))
        .map_err(|error| format!("the library's answer could not be written: {error}"))
}

/// The report of document `id`: header, sections, results, findings
/// (`GET /api/documents/{id}`, `vigie inspect --json`).
#[tauri::command(async)]
pub fn open_document(session: State<'_, SharedSession>, id: usize) -> Result<serde_json::Value, String> {
    lock(&session).report_json(id)
}

/// Shows the native Open dialog, where several files may be chosen, adds them and returns
/// their entries and what could not be added; `null` when the person cancelled.
#[tauri::command(async)]
pub fn open_files<R: Runtime>(
    window: Window<R>,
    session: State<'_, SharedSession>,
) -> Result<Option<Added>, String> {
    let _ = session;
    let chosen = open_dialog(&window, "Ouvrir des documents").blocking_pick_files();
    Ok(chosen.map(|files| add_chosen(&window, files)))
}

/// Shows the native dialog for choosing a folder, adds every document under it and returns
/// their entries and what could not be added; `null` when the person cancelled.
#[tauri::command(async)]
pub fn open_folder<R: Runtime>(
    window: Window<R>,
    session: State<'_, SharedSession>,
) -> Result<Option<Added>, String> {
    let _ = session;
    let chosen = open_dialog(&window, "Ouvrir un dossier").blocking_pick_folder();
    Ok(chosen.map(|folder| add_chosen(&window, [folder])))
}

/// The lab results of document `id`: chapters, batteries, results, counts
/// (`GET /api/documents/{id}/results`, the `report` of `vigie results --json`).
#[tauri::command(async)]
pub fn document_results(session: State<'_, SharedSession>, id: usize) -> Result<serde_json::Value, String> {
    lock(&session).results(id)
}

/// The clinical summary of document `id`: categories, sections, items
/// (`GET /api/documents/{id}/clinical`, the `summary` of `vigie clinical --json`).
#[tauri::command(async)]
pub fn document_clinical(session: State<'_, SharedSession>, id: usize) -> Result<serde_json::Value, String> {
    lock(&session).clinical(id)
}

/// Document `id` as the hardened page for the sandboxed iframe, its own words in `lang`
/// (`fr`, the default, or `en`), and its security report
/// (`GET /api/documents/{id}/render?lang=`: `{ html, report }`).
#[tauri::command(async)]
pub fn document_render(
    session: State<'_, SharedSession>,
    id: usize,
    lang: Option<vigie::summary::Lang>,
) -> Result<vigie::render::Rendered, String> {
    lock(&session).render(id, lang.unwrap_or(vigie::summary::Lang::Fr))
}

/// Every lab result of document `id`'s patient across the session, by test and date
/// (`GET /api/documents/{id}/cumulative`).
#[tauri::command(async)]
pub fn document_cumulative(
    session: State<'_, SharedSession>,
    id: usize,
) -> Result<vigie::results::cumulative::Cumulative, String> {
    lock(&session).cumulative(id)
}

/// The decoded XML source of document `id`, the text every span points into
/// (`GET /api/documents/{id}/source`).
#[tauri::command(async)]
pub fn document_source(session: State<'_, SharedSession>, id: usize) -> Result<String, String> {
    lock(&session).source(id).map(|source| source.to_string())
}

/// Document `id` checked layer by layer: each layer run or skipped (and why), every issue
/// located (`GET /api/documents/{id}/check`). The check runs after the session's lock is
/// released, so that the list and the library keep answering while the kit's rules run.
#[tauri::command(async)]
pub fn check_document(session: State<'_, SharedSession>, id: usize) -> Result<vigie::check::Report, String> {
    let pending = lock(&session).prepare_check(id)?;
    pending.run()
}

/// The decoded bytes of attachment `index` of document `id` (an embedded PDF, an image), as
/// an `ArrayBuffer` on the JavaScript side (`GET /api/documents/{id}/attachments/{index}`);
/// its media type is in the document's report.
#[tauri::command(async)]
pub fn document_attachment(
    session: State<'_, SharedSession>,
    id: usize,
    index: usize,
) -> Result<Response, String> {
    lock(&session).attachment(id, index).map(|(_media_type, bytes)| Response::new(bytes))
}

/// The bytes of document `id` when it is a bare PDF file, for the app's PDF viewer, as an
/// `ArrayBuffer` (`GET /api/documents/{id}/file`); any other kind of document is refused.
#[tauri::command(async)]
pub fn document_file(session: State<'_, SharedSession>, id: usize) -> Result<Response, String> {
    lock(&session).pdf_file(id).map(Response::new)
}

/// The Open dialog, titled, in front of `window`. The `blocking_pick_*` methods run it on the
/// main thread and wait for it on this one (a command's, from Tauri's thread pool). On Linux
/// it is not made modal to the window, as the dialog plugin's own `open` does not either.
fn open_dialog<R: Runtime>(window: &Window<R>, title: &str) -> FileDialogBuilder<R> {
    let dialog = window.dialog().file().set_title(title);
    #[cfg(any(windows, target_os = "macos"))]
    let dialog = dialog.set_parent(window);
    dialog
}

/// Adds what the dialog returned, with progress events; folders are remembered among the
/// recent ones and watched. The session is locked only now, once the person has chosen: the
/// other commands keep answering while the dialog is open.
fn add_chosen<R: Runtime>(window: &Window<R>, chosen: impl IntoIterator<Item = FilePath>) -> Added {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut unreadable = Vec::new();
    for file in chosen {
        let shown = file.to_string();
        match file.into_path() {
            Ok(path) => paths.push(path),
            // Only mobile platforms answer with URLs; this app is built for desktops.
            Err(error) => unreadable.push(format!("{shown}: cannot be opened ({error})")),
        }
    }
    let mut added = add_paths(window, &paths);
    added.notes.extend(unreadable);
    added
}

/// Adds a folder chosen by the person (the dialog, a recent folder).
pub fn open_chosen_folder<R: Runtime>(window: &Window<R>, folder: PathBuf) -> Added {
    add_paths(window, &[folder])
}

/// Adds paths the person gave (dialog, drop, recent folder): indexed with progress events;
/// the folders among them remembered and watched.
pub fn add_paths<R: Runtime>(window: &Window<R>, paths: &[PathBuf]) -> Added {
    let added = crate::indexing::add_with_progress(window, paths);
    for folder in paths.iter().filter(|p| p.is_dir()) {
        window.state::<crate::recent::RecentFolders>().remember(window.app_handle(), folder);
        window.state::<crate::watch::Watcher>().watch(window.app_handle(), folder.clone());
    }
    added
}
