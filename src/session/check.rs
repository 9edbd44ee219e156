//! Checking a session's documents: one [`Checker`] per session, built on first use from the
//! options the session was given (`vigie serve --kit DIR --schema DIR`, the app's `--kit` or
//! `VIGIE_KIT`), then shared by every check.
//!
//! Building the checker (loading the schema, compiling the kit's rules) and checking a large
//! document take longer than any other request, so they run outside the session's lock:
//! [`Session::prepare_check`] takes what a check needs under the lock, [`PendingCheck::run`]
//! runs it after. Without a kit or schema folder the checker still runs the other layers and
//! reports those two as skipped, with why.

use std::sync::{Arc, OnceLock};

use super::Session;
use crate::check::{CheckOptions, Checker, Report};
use crate::input::Document;

/// The session's checker: its options, and the checker once built (or why it could not be).
/// Cloning shares the same checker.
#[derive(Debug, Clone, Default)]
pub(crate) struct SessionChecker {
    options: CheckOptions,
    built: Arc<OnceLock<Result<Checker, String>>>,
}

impl SessionChecker {
    fn new(options: CheckOptions) -> Self {
        Self { options, built: Arc::default() }
    }

    /// The checker, built by the first caller (the others wait for it).
    fn get(&self) -> Result<&Checker, String> {
        self.built
            .get_or_init(|| Checker::new(self.options.clone()).map_err(|error| error.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// A check taken from the session, to run once its lock is released.
#[derive(Debug)]
pub struct PendingCheck {
    document: Arc<Document>,
    file: String,
    checker: SessionChecker,
}

impl PendingCheck {
    /// Checks the document, building the session's checker first if no check has yet. Fails
    /// only when a folder the checker was given cannot be used (the sentence says which).
    pub fn run(self) -> Result<Report, String> {
        Ok(self.checker.get()?.check(&self.document, &self.file))
    }
}

impl Session {
    /// What the session's checks check against; the checker is built again, on first use.
    pub fn set_check_options(&mut self, options: CheckOptions) {
        self.checker = SessionChecker::new(options);
    }

    pub fn check_options(&self) -> &CheckOptions {
        &self.checker.options
    }

    /// Builds the checker now, on this thread, rather than on the first check (so that
    /// `vigie serve` loads the kit while the person opens the page, and says at once when
    /// a folder cannot be used).
    pub fn checker_warmer(&self) -> impl FnOnce() -> Result<(), String> + Send + 'static {
        let checker = self.checker.clone();
        move || checker.get().map(|_| ())
    }

    /// What checking document `id` needs: the document (read, or from the cache), the name
    /// its report gives it, and the session's checker. Run it with [`PendingCheck::run`]
    /// once the session's lock is released.
    pub fn prepare_check(&mut self, id: usize) -> Result<PendingCheck, String> {
        let document = self.document(id)?;
        let entry = &self.entries[id];
        let mut file = entry.path.clone().unwrap_or_else(|| entry.name.clone());
        if let Some(member) = &entry.member {
            file = format!("{file}!{member}");
        }
        Ok(PendingCheck { document, file, checker: self.checker.clone() })
    }

    /// Checks document `id` layer by layer ([`Report`]: each layer run or skipped and why,
    /// every issue located). Holds the session while it runs: a server prefers
    /// [`Session::prepare_check`].
    pub fn check(&mut self, id: usize) -> Result<Report, String> {
        self.prepare_check(id)?.run()
    }
}
