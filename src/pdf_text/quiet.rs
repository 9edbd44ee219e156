//! Keeping caught panics of the PDF libraries off the console.
//!
//! `catch_unwind` stops a panic, but not its message: the panic hook runs first, and Rust's
//! default hook prints `thread '…' panicked at …` (and a backtrace hint) to stderr whether or
//! not the panic is caught later. pdf-extract panics on many malformed PDFs, so without this
//! every such PDF met while indexing would print a scary message in the user's terminal.
//!
//! The standard library has a single, process-wide hook and no per-thread one, so this
//! module installs, once, a hook that wraps the one in place: on the extraction threads
//! (named [`super::WORKER_NAME`]) it records the panic's location for the error message and
//! prints nothing; on every other thread it calls the previous hook unchanged. A program
//! that sets its own hook afterwards replaces this one, and extraction panics then go
//! through that program's hook.

use std::cell::RefCell;
use std::sync::Once;

thread_local! {
    /// Where the last panic on this extraction thread happened (`file:line`).
    static LAST_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the hook, the first time only.
pub(super) fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(super::WORKER_NAME) {
                let location = info.location().map(|l| format!("{}:{}", short_path(l.file()), l.line()));
                LAST_LOCATION.with(|last| *last.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
}

/// A caught panic's payload as a sentence for an error message, with where it happened
/// when the hook saw it.
pub(super) fn describe(payload: &(dyn std::any::Any + Send)) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "no message".to_string());
    match LAST_LOCATION.with(|last| last.borrow_mut().take()) {
        Some(location) => format!("internal error \"{message}\" at {location}"),
        None => format!("internal error \"{message}\""),
    }
}

/// A source path from the crate's own folder on (`pdf-extract-0.12.1/src/lib.rs`), not the
/// build machine's registry path.
fn short_path(file: &str) -> &str {
    let parts: Vec<usize> = file.match_indices('/').map(|(i, _)| i).collect();
    match parts.len() {
        0..=2 => file,
        n => &file[parts[n - 3] + 1..],
    }
}
