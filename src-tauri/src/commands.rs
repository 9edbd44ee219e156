//! The commands the webview invokes (`invoke('list_documents')`, …): each locks the session,
//! calls one [`Session`] method and hands back its result, serialised by Tauri. They mirror
//! the routes of `vigie serve` (`docs/api.md`), so the UI has one model for both.
//!
//! Every command runs off the main thread (`async`), so reading a large document never
//! freezes the window. Errors are the session's own sentences, for the UI to show as they are.
//! Commands return `Result` even when they cannot fail: Tauri requires it of async commands
//! that borrow managed state.

use std::sync::{Mutex, MutexGuard, PoisonError};

use tauri::ipc::Response;
use tauri::State;
use vigie::session::{Added, Entry, Session};

/// The session as Tauri manages it (`app.manage(Mutex::new(session))`).
type SharedSession = Mutex<Session>;

/// Locks the session. A command that panicked while holding the lock leaves the session as
/// it was between two method calls (they only append entries and swap cache slots), so the
/// lock is taken back rather than failing every later command.
fn lock<'a>(session: &'a State<'_, SharedSession>) -> MutexGuard<'a, Session> {
    session.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Every document of the session, in the order they were added (`GET /api/documents`).
#[tauri::command(async)]
pub fn list_documents(session: State<'_, SharedSession>) -> Result<Vec<Entry>, String> {
    Ok(lock(&session).entries().to_vec())
}

/// The report of document `id`: header, sections, results, findings
/// (`GET /api/documents/{id}`, `vigie inspect --json`).
#[tauri::command(async)]
pub fn open_document(session: State<'_, SharedSession>, id: usize) -> Result<serde_json::Value, String> {
    lock(&session).report_json(id)
}

/// Adds files or folders the person chose (the Open dialog, or a drop on the window), and
/// returns their entries and what could not be added.
#[tauri::command(async)]
pub fn add_paths(session: State<'_, SharedSession>, paths: Vec<String>) -> Result<Added, String> {
    Ok(lock(&session).add_paths(&paths))
}

/// The decoded XML source of document `id`, the text every span points into
/// (`GET /api/documents/{id}/source`).
#[tauri::command(async)]
pub fn document_source(session: State<'_, SharedSession>, id: usize) -> Result<String, String> {
    lock(&session).source(id).map(|source| source.to_string())
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
