//! Adding files with the window kept informed: while the session reads and indexes what the
//! person chose (a folder may hold thousands of documents), the window receives
//! [`INDEXING_PROGRESS`] events — done, total, the file just read — and may cancel
//! ([`cancel_indexing`]). Documents left unindexed by a cancel stay in the session and are
//! indexed with the next files added.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use tauri::{Emitter, EventTarget, Manager, Runtime, State, Window};
use vigie::session::{Added, Progress};

use crate::commands::{lock, SharedSession};

/// The event the window receives while documents are indexed. `ui/src/backend/tauri.ts`
/// listens to it under the same name.
pub const INDEXING_PROGRESS: &str = "indexing-progress";

/// Progress events are sent at most this often (and once at the end).
const EVERY: Duration = Duration::from_millis(100);

/// Whether the person asked to stop the indexing under way (managed by the app).
#[derive(Default)]
pub struct Indexing {
    cancel: AtomicBool,
}

/// The payload of [`INDEXING_PROGRESS`].
#[derive(Debug, Clone, Serialize)]
pub struct IndexingProgress {
    pub done: usize,
    pub total: usize,
    /// The name of the document just read.
    pub current: String,
    /// True on the last event of a run (finished or cancelled).
    pub finished: bool,
}

/// Stops the indexing under way after the documents being read; what was indexed stays.
#[tauri::command(async)]
pub fn cancel_indexing(indexing: State<'_, Indexing>) -> Result<(), String> {
    indexing.cancel.store(true, Ordering::Relaxed);
    Ok(())
}

/// Adds `paths` to the session, telling `window` how indexing goes. The session stays
/// locked meanwhile (the other commands wait); cancelling does not need the lock.
pub fn add_with_progress<R: Runtime>(window: &Window<R>, paths: &[PathBuf]) -> Added {
    let indexing = window.state::<Indexing>();
    indexing.cancel.store(false, Ordering::Relaxed);
    let target = EventTarget::labeled(window.label());
    let last = Mutex::new(None::<Instant>);
    let send = |done: usize, total: usize, current: &str, finished: bool| {
        let payload = IndexingProgress { done, total, current: current.to_string(), finished };
        // A window that cannot be told (closing) does not stop the indexing.
        let _ = window.emit_to(target.clone(), INDEXING_PROGRESS, payload);
    };
    let progress = |p: Progress| {
        let mut last = last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.is_none_or(|at| at.elapsed() >= EVERY) {
            *last = Some(Instant::now());
            send(p.done, p.total, p.current, false);
        }
        !indexing.cancel.load(Ordering::Relaxed)
    };
    let session = window.state::<SharedSession>();
    let mut session = lock(&session);
    let mut added = session.add_paths_with(paths, &progress);
    let left = session.unindexed();
    drop(session);
    if left > 0 {
        added.notes.push(format!(
            "indexing was stopped: {left} document(s) are not in the list yet; they will be indexed with the next files opened"
        ));
    }
    send(added.entries.len() - left.min(added.entries.len()), added.entries.len(), "", true);
    added
}
