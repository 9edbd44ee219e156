//! Files dropped on the window. The drop is taken from the window's own event, in Rust: the
//! paths go from the platform straight into the session, and the webview only hears what was
//! added ([`DOCUMENTS_ADDED`]). Like the Open dialog's commands, this keeps every path out of
//! the page's reach — the page never names a file to read.

use tauri::{DragDropEvent, Emitter, EventTarget, Runtime, Window, WindowEvent};

/// The event the window receives after a drop, with the session's `Added` (entries, notes) as
/// payload. `ui/src/backend/tauri.ts` listens to it under the same name.
pub const DOCUMENTS_ADDED: &str = "documents-added";

/// The app's window-event handler (`Builder::on_window_event`): adds the files and folders
/// dropped on a window, then tells that window. The other events (the drag entering and
/// leaving, for the drop zone's highlight) reach the webview through Tauri's own events.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event else {
        return;
    };
    if paths.is_empty() {
        return;
    }
    let (window, paths) = (window.clone(), paths.clone());
    // This handler runs on the main thread, which drives the window: reading a folder of
    // documents there would freeze it.
    tauri::async_runtime::spawn_blocking(move || {
        let added = crate::commands::add_paths(&window, &paths);
        let target = EventTarget::labeled(window.label());
        if let Err(error) = window.emit_to(target, DOCUMENTS_ADDED, &added) {
            eprintln!("vigie-app: the dropped files were added, but the window could not be told: {error}");
        }
    });
}
