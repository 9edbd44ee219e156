//! One extraction, on the worker thread: the guards in order, then pdf-extract, then lopdf.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use lopdf::Document;

use super::{quiet, scan, structure, Budget, PdfTextError};

/// The text of `bytes`, or why not. Every library call is under `catch_unwind`.
pub(super) fn run(bytes: &[u8], budget: &Budget, deadline: Instant) -> Result<String, PdfTextError> {
    let timed_out = || PdfTextError::TimedOut { budget: budget.time };
    if scan::is_encrypted(bytes) {
        return Err(PdfTextError::Encrypted);
    }
    scan::check_streams(bytes, budget, deadline)?;

    let doc = match catch_unwind(|| Document::load_mem(bytes)) {
        Ok(Ok(doc)) => doc,
        Ok(Err(error)) => return Err(PdfTextError::Malformed { lopdf: error.to_string() }),
        Err(panic) => return Err(PdfTextError::Malformed { lopdf: quiet::describe(&*panic) }),
    };
    // The raw scan found no `/Encrypt`; lopdf would still have decrypted a file that hides it.
    if doc.is_encrypted() || doc.encryption_state.is_some() {
        return Err(PdfTextError::Encrypted);
    }
    if doc.page_iter().next().is_none() {
        return Err(PdfTextError::Malformed { lopdf: "no page found in the page tree".into() });
    }
    structure::check_page_tree(&doc).map_err(|reason| PdfTextError::UnsafeStructure { reason })?;
    if Instant::now() >= deadline {
        return Err(timed_out());
    }

    // Why pdf-extract gave nothing; `None` when it read every page and found no text.
    let pdf_extract_failure = match structure::check_forms(&doc, deadline) {
        Ok(()) => match catch_unwind(AssertUnwindSafe(|| with_pdf_extract(&doc, budget, deadline))) {
            Ok(Ok(Laid::Out(text))) if !text.trim().is_empty() => return Ok(text),
            Ok(Ok(Laid::Out(_))) => None,
            Ok(Ok(Laid::TimedOut)) => return Err(timed_out()),
            Ok(Err(error)) => Some(error),
            Err(panic) => Some(quiet::describe(&*panic)),
        },
        Err(reason) => Some(format!("not run: {reason}")),
    };
    if Instant::now() >= deadline {
        return Err(timed_out());
    }
    let lopdf = match catch_unwind(AssertUnwindSafe(|| with_lopdf(&doc, budget, deadline))) {
        Ok(Ok(Laid::Out(text))) => return Ok(text),
        Ok(Ok(Laid::TimedOut)) => return Err(timed_out()),
        Ok(Err(error)) => error,
        Err(panic) => quiet::describe(&*panic),
    };
    match pdf_extract_failure {
        // A PDF without text, a scan say: not a failure.
        None => Ok(String::new()),
        Some(pdf_extract) => Err(PdfTextError::ExtractionFailed { pdf_extract, lopdf }),
    }
}

/// What a library laid out.
enum Laid {
    Out(String),
    TimedOut,
}

/// pdf-extract's plain-text layout, written into a [`Sink`] that stops it at the deadline
/// or when the text is long enough.
fn with_pdf_extract(doc: &Document, budget: &Budget, deadline: Instant) -> Result<Laid, String> {
    let mut sink = Sink { text: String::new(), limit: budget.max_text_bytes, deadline, stopped: None };
    let result = {
        let writer: &mut dyn std::io::Write = &mut sink;
        let mut output = pdf_extract::PlainTextOutput::new(writer);
        pdf_extract::output_doc(doc, &mut output)
    };
    match (sink.stopped, result) {
        (Some(Stopped::Deadline), _) => Ok(Laid::TimedOut),
        (Some(Stopped::Full), _) | (None, Ok(())) => Ok(Laid::Out(sink.text)),
        (None, Err(error)) => Err(error.to_string()),
    }
}

/// lopdf's text, page by page: the pages it can read, when it cannot read them all; an error
/// only when it could read none.
fn with_lopdf(doc: &Document, budget: &Budget, deadline: Instant) -> Result<Laid, String> {
    let mut text = String::new();
    let mut first_error = None;
    let mut read_any = false;
    for page in doc.get_pages().into_keys() {
        if Instant::now() >= deadline {
            return Ok(Laid::TimedOut);
        }
        for chunk in doc.extract_text_chunks(&[page]) {
            match chunk {
                Ok(chunk) => {
                    read_any = true;
                    push_within(&mut text, &chunk, budget.max_text_bytes);
                    text.push('\n');
                }
                Err(error) => {
                    first_error.get_or_insert_with(|| format!("page {page}: {error}"));
                }
            }
        }
        if text.len() >= budget.max_text_bytes {
            break;
        }
    }
    match first_error {
        Some(error) if !read_any => Err(error),
        _ => Ok(Laid::Out(text)),
    }
}

/// Appends as much of `piece` as fits in `limit` bytes, cut at a character boundary.
fn push_within(text: &mut String, piece: &str, limit: usize) -> bool {
    let room = limit.saturating_sub(text.len());
    if piece.len() <= room {
        text.push_str(piece);
        return true;
    }
    let mut cut = room;
    while !piece.is_char_boundary(cut) {
        cut -= 1;
    }
    text.push_str(&piece[..cut]);
    false
}

#[derive(Debug, Clone, Copy)]
enum Stopped {
    Deadline,
    Full,
}

/// Where pdf-extract writes: the text, until the deadline or the size limit, at which point
/// a write error makes pdf-extract return.
struct Sink {
    text: String,
    limit: usize,
    deadline: Instant,
    stopped: Option<Stopped>,
}

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if Instant::now() >= self.deadline {
            self.stopped = Some(Stopped::Deadline);
            return Err(std::io::Error::other("out of time"));
        }
        // pdf-extract writes whole `str`s, so `buf` is UTF-8.
        let piece = String::from_utf8_lossy(buf);
        if !push_within(&mut self.text, &piece, self.limit) {
            self.stopped = Some(Stopped::Full);
            return Err(std::io::Error::other("enough text"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
