//! The text of a PDF, for full-text search — safely, whatever the PDF.
//!
//! Many French documents are PDF-only: a level-1 CDA (*N1*) whose `nonXMLBody` is a base64
//! PDF, a CDA carrying a PDF copy of itself, or a bare PDF file. [`extract`] gives their
//! words to the library's index. The extraction itself is pdf-extract's (it lays text out
//! from glyph positions); lopdf, the parser pdf-extract is built on, reads the file and is
//! the fallback when pdf-extract fails or panics on it.
//!
//! Neither library was written for hostile input: pdf-extract `unwrap`s and `panic!`s on
//! many malformations, both recurse along object references, and both decompress streams
//! without a limit. So a PDF goes through four guards before its text comes back:
//!
//! 1. **Size** ([`Budget::max_bytes`]): larger PDFs are not opened.
//! 2. **Raw scan** (`scan`): before any parser sees the bytes, every stream's decompressed
//!    size is measured with capped decoders ([`Budget::max_inflated_bytes`]: a deflate or
//!    LZW bomb is refused, not inflated), and encrypted PDFs are refused.
//! 3. **Structure** (`structure`): after lopdf has parsed the file, the page tree and the
//!    graph of form XObjects are walked without recursion; a loop or a chain deeper than a
//!    few dozen levels — on which the libraries would recurse until the stack overflows,
//!    which aborts the process and cannot be caught — stops the extraction there.
//! 4. **Panics and time**: the extraction runs on a worker thread of its own under
//!    [`std::panic::catch_unwind`], and the caller stops waiting when [`Budget::time`] is
//!    spent (see [`extract`] for what happens to that thread).
//!
//! Every failure is a [`PdfTextError`] saying what happened and what to do about it.

mod extract;
mod quiet;
mod scan;
mod structure;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The limits one extraction runs within. [`Budget::default`] suits indexing a library:
/// generous for real documents (a scanned report of several pages), small enough that a
/// hostile PDF costs at most a couple of seconds of one core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// How long the caller waits for the text.
    pub time: Duration,
    /// PDFs larger than this are not opened.
    pub max_bytes: usize,
    /// The most bytes one stream may decompress to, and all streams together four times
    /// that: beyond, the PDF is refused as a probable decompression bomb.
    pub max_inflated_bytes: usize,
    /// The text is cut (at a character boundary) once it reaches this many bytes.
    pub max_text_bytes: usize,
}

impl Budget {
    /// 2 s, 64 MiB in, 128 MiB per decompressed stream (a 600 dpi A4 scan in colour is about
    /// 100 MiB raw), 4 MiB of text (a thousand pages of dense text).
    pub const DEFAULT: Budget = Budget {
        time: Duration::from_secs(2),
        max_bytes: 64 << 20,
        max_inflated_bytes: 128 << 20,
        max_text_bytes: 4 << 20,
    };
}

impl Default for Budget {
    fn default() -> Self {
        Budget::DEFAULT
    }
}

/// Why a PDF's text could not be had. The message ([`std::fmt::Display`]) is meant for the
/// person who opened the document; [`PdfTextError::code`] is a stable identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PdfTextError {
    /// No `%PDF-` header in the first kilobyte.
    NotPdf,
    /// Larger than [`Budget::max_bytes`].
    TooLarge { size: usize, limit: usize },
    /// The file is encrypted (`/Encrypt` in its trailer).
    Encrypted,
    /// A stream decompresses to more than the budget allows.
    InflateLimit { limit: usize },
    /// A loop or an excessive depth in the page tree or among form XObjects.
    UnsafeStructure { reason: String },
    /// The extraction did not finish within [`Budget::time`].
    TimedOut { budget: Duration },
    /// Skipped without being opened: too many earlier extractions that ran out of time are
    /// still running in the background.
    Busy { running: usize },
    /// lopdf could not parse the file as a PDF.
    Malformed { lopdf: String },
    /// Both pdf-extract and lopdf failed to lay out the text.
    ExtractionFailed { pdf_extract: String, lopdf: String },
}

impl PdfTextError {
    /// A short stable identifier, in the style of the reader's finding codes.
    pub fn code(&self) -> &'static str {
        match self {
            PdfTextError::NotPdf => "pdf.not-pdf",
            PdfTextError::TooLarge { .. } => "pdf.too-large",
            PdfTextError::Encrypted => "pdf.encrypted",
            PdfTextError::InflateLimit { .. } => "pdf.inflate-limit",
            PdfTextError::UnsafeStructure { .. } => "pdf.unsafe-structure",
            PdfTextError::TimedOut { .. } => "pdf.timed-out",
            PdfTextError::Busy { .. } => "pdf.busy",
            PdfTextError::Malformed { .. } => "pdf.malformed",
            PdfTextError::ExtractionFailed { .. } => "pdf.extraction-failed",
        }
    }
}

impl std::fmt::Display for PdfTextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NOT_SEARCHABLE: &str = "its words are not searchable; open it in a PDF viewer";
        match self {
            PdfTextError::NotPdf => {
                write!(
                    f,
                    "this is not a PDF (no %PDF- header in its first kilobyte): its text cannot be read"
                )
            }
            PdfTextError::TooLarge { size, limit } => write!(
                f,
                "the PDF is {} MiB, more than the {} MiB Vigie reads for search: {NOT_SEARCHABLE}",
                mib(*size),
                mib(*limit)
            ),
            PdfTextError::Encrypted => write!(
                f,
                "the PDF is encrypted and Vigie does not decrypt PDFs to index them: {NOT_SEARCHABLE}"
            ),
            PdfTextError::InflateLimit { limit } => write!(
                f,
                "a compressed stream of the PDF expands beyond {} MiB (a decompression bomb?): it \
                 was not decompressed, and {NOT_SEARCHABLE}",
                mib(*limit)
            ),
            PdfTextError::UnsafeStructure { reason } => {
                write!(f, "the PDF's structure is unsafe to walk ({reason}): {NOT_SEARCHABLE}")
            }
            PdfTextError::TimedOut { budget } => write!(
                f,
                "reading the PDF's text took longer than {:.1} s and was abandoned: {NOT_SEARCHABLE}",
                budget.as_secs_f64()
            ),
            PdfTextError::Busy { running } => write!(
                f,
                "the PDF was skipped: {running} earlier PDFs that ran out of time are still being \
                 read in the background; reopen it later to index its words"
            ),
            PdfTextError::Malformed { lopdf } => {
                write!(f, "the PDF cannot be parsed (lopdf: {lopdf}): {NOT_SEARCHABLE}")
            }
            PdfTextError::ExtractionFailed { pdf_extract, lopdf } => write!(
                f,
                "the PDF's text could not be laid out (pdf-extract: {pdf_extract}; lopdf: {lopdf}): \
                 {NOT_SEARCHABLE}"
            ),
        }
    }
}

impl std::error::Error for PdfTextError {}

fn mib(bytes: usize) -> String {
    let mib = bytes as f64 / (1 << 20) as f64;
    if mib >= 10.0 {
        format!("{mib:.0}")
    } else {
        format!("{mib:.1}")
    }
}

/// How many extraction threads that ran out of time may still be running before new PDFs
/// are skipped ([`PdfTextError::Busy`]): each may hold a core and some memory until it ends.
pub const MAX_ABANDONED: usize = 2;

/// Extraction threads abandoned by their caller and not finished yet.
static ABANDONED: AtomicUsize = AtomicUsize::new(0);

/// How many extraction threads that ran out of time are still running.
pub fn abandoned_threads() -> usize {
    ABANDONED.load(Ordering::SeqCst)
}

/// The name of the extraction threads; the panic hook (`quiet`) keeps their panics silent.
const WORKER_NAME: &str = "vigie-pdf-text";

/// The worker's stack: the structure checks bound the libraries' recursion to a few dozen
/// levels; this leaves a wide margin for their frames.
const WORKER_STACK: usize = 16 << 20;

/// A job's state, shared by the caller and its worker, so that exactly one of them counts
/// an abandoned thread out.
const RUNNING: usize = 0;
const DONE: usize = 1;
const ABANDONED_STATE: usize = 2;

/// The text of a PDF, within `budget`.
///
/// Never panics and never prints. The extraction runs on a worker thread: when
/// `budget.time` is spent, this returns [`PdfTextError::TimedOut`] and the thread is left
/// to finish on its own — it cannot be killed, but it checks the deadline between steps and
/// while writing text, so it usually stops soon after; a parser stuck in a single long step
/// runs until that step ends. While [`MAX_ABANDONED`] such threads are still running, new
/// PDFs are skipped with [`PdfTextError::Busy`] rather than piling up more.
///
/// The text is pdf-extract's when it succeeds and finds text, else lopdf's page by page
/// (whatever pages it can read). A PDF without text (a scan) gives an empty string.
pub fn extract(bytes: &[u8], budget: Budget) -> Result<String, PdfTextError> {
    if bytes.len() > budget.max_bytes {
        return Err(PdfTextError::TooLarge { size: bytes.len(), limit: budget.max_bytes });
    }
    if !scan::has_pdf_header(bytes) {
        return Err(PdfTextError::NotPdf);
    }
    let running = ABANDONED.load(Ordering::SeqCst);
    if running >= MAX_ABANDONED {
        return Err(PdfTextError::Busy { running });
    }
    quiet::install();

    let started = Instant::now();
    let deadline = started + budget.time;
    let owned: Arc<[u8]> = Arc::from(bytes);
    let state = Arc::new(AtomicUsize::new(RUNNING));
    let (sender, receiver) = mpsc::sync_channel(1);
    let worker_state = state.clone();
    let spawned =
        std::thread::Builder::new().name(WORKER_NAME.into()).stack_size(WORKER_STACK).spawn(move || {
            // `run` guards each library call; this catches anything left, so the state below is
            // always updated.
            let result = std::panic::catch_unwind(|| extract::run(&owned, &budget, deadline)).unwrap_or_else(
                |panic| {
                    Err(PdfTextError::ExtractionFailed {
                        pdf_extract: quiet::describe(&*panic),
                        lopdf: "not tried".into(),
                    })
                },
            );
            // If the caller gave up meanwhile, this thread was counted as abandoned: count it out.
            if worker_state.compare_exchange(RUNNING, DONE, Ordering::SeqCst, Ordering::SeqCst).is_err() {
                ABANDONED.fetch_sub(1, Ordering::SeqCst);
            }
            let _ = sender.send(result);
        });
    if let Err(error) = spawned {
        return Err(PdfTextError::ExtractionFailed {
            pdf_extract: format!("no thread could be started ({error})"),
            lopdf: "not tried".into(),
        });
    }
    match receiver.recv_timeout(budget.time) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // Counted in before the state changes, so the worker never counts out first.
            ABANDONED.fetch_add(1, Ordering::SeqCst);
            if state.compare_exchange(RUNNING, ABANDONED_STATE, Ordering::SeqCst, Ordering::SeqCst).is_err() {
                // It finished just now: take its result after all.
                ABANDONED.fetch_sub(1, Ordering::SeqCst);
                return receiver.recv().unwrap_or(Err(PdfTextError::TimedOut { budget: budget.time }));
            }
            Err(PdfTextError::TimedOut { budget: budget.time })
        }
        // The worker ended without sending: only possible if it panicked outside the guards.
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(PdfTextError::ExtractionFailed {
            pdf_extract: "the extraction thread stopped unexpectedly".into(),
            lopdf: "not tried".into(),
        }),
    }
}
