//! Watching the folders the person opened: a document saved, replaced or copied into one
//! of them is read (again) and the window told with the same event as a drop
//! ([`crate::drops::DOCUMENTS_ADDED`]), so the list follows the folder. Events are
//! debounced (a file being written fires many) and handled off the main thread.
//!
//! A removed file stays in the list until the app is restarted: its entry says it cannot be
//! read when opened.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, DebouncedEventKind, Debouncer};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use vigie::session::Added;

use crate::commands::{lock, SharedSession};
use crate::drops::DOCUMENTS_ADDED;

/// Changes closer than this are handled together.
const DEBOUNCE: Duration = Duration::from_millis(500);
/// The most folders watched at once (each costs the platform's watch handles).
const MAX_FOLDERS: usize = 16;

/// The folders watched (managed by the app).
#[derive(Default)]
pub struct Watcher {
    inner: Mutex<Option<Debouncer<RecommendedWatcher>>>,
    folders: Mutex<Vec<PathBuf>>,
}

impl Watcher {
    /// Starts watching `folder` (recursively), once; errors (no inotify handles left...) are
    /// said on stderr: the folder is open either way, just not followed.
    pub fn watch<R: Runtime>(&self, app: &AppHandle<R>, folder: PathBuf) {
        let mut folders = self.folders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if folders.contains(&folder) || folders.len() >= MAX_FOLDERS {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if inner.is_none() {
            let app = app.clone();
            match new_debouncer(DEBOUNCE, move |events: DebounceEventResult| changed(&app, events)) {
                Ok(debouncer) => *inner = Some(debouncer),
                Err(error) => {
                    eprintln!("vigie-app: folders cannot be watched on this system: {error}");
                    return;
                }
            }
        }
        if let Some(debouncer) = inner.as_mut() {
            match debouncer.watcher().watch(&folder, RecursiveMode::Recursive) {
                Ok(()) => folders.push(folder),
                Err(error) => eprintln!("vigie-app: {} will not be followed: {error}", folder.display()),
            }
        }
    }
}

/// Reads the files that changed and tells the window what was added or read again.
fn changed<R: Runtime>(app: &AppHandle<R>, events: DebounceEventResult) {
    let Ok(events) = events else { return };
    let mut paths: Vec<PathBuf> = events
        .into_iter()
        .filter(|e| matches!(e.kind, DebouncedEventKind::Any | DebouncedEventKind::AnyContinuous))
        .map(|e| e.path)
        .filter(|p| p.is_file() && !is_hidden(p))
        .collect();
    paths.sort();
    paths.dedup();
    if paths.is_empty() {
        return;
    }
    let mut added = Added::default();
    {
        let session = app.state::<SharedSession>();
        let mut session = lock(&session);
        for path in &paths {
            let more = session.refresh_path(path);
            added.entries.extend(more.entries);
            added.notes.extend(more.notes);
        }
    }
    if let Err(error) = app.emit(DOCUMENTS_ADDED, &added) {
        eprintln!("vigie-app: changed files were read again, but the window could not be told: {error}");
    }
}

/// Hidden files (editors' temporary files, `.DS_Store`) are not documents.
fn is_hidden(path: &std::path::Path) -> bool {
    path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
}
