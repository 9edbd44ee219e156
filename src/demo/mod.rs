//! Demo documents: synthetic French CDA documents that look and behave like the real ones,
//! for a first run (`vigie demo DIR`), for tests and for benchmarks. Everything is fictitious
//! — patients carry the *INS-NIR de démonstration* OID — and everything is deterministic:
//! the same call writes the same bytes.
//!
//! - [`write_demo_set`]: a small set telling a story (a patient's lab results over two years
//!   with a corrected report, a consultation note compressed with deflate, a medical summary,
//!   an imaging report, a PDF discharge letter, an MSSanté XDM package);
//! - [`large_document`]: one lab report of a chosen size;
//! - [`corpus_like`]: any number of varied documents, with versions and duplicates.
//!
//! The documents are written with the real ANS examples as models of structure (header
//! order, template ids, section and entry shapes), never copied from them.
//!
//! Code map: `patients` and `cast` say who (identities, NIR/RPPS/FINESS keys, the fixed cast
//! and random people); `time` and `header` write what every document shares; `analytes` and
//! `lab` write lab reports, `vsm` medical summaries, `imaging` imaging reports, `nonxml` and
//! `pdf` level-1 documents; `reports` assembles a whole document of each kind; `demo_set` is
//! the fixed story and `corpus` the generated sets; `xdm` and `sha1` build MSSanté packages;
//! `xml` (the writer, which escapes everything and balances every element) and `rng` are tools.
//! Every document these produce is parsed back by the tests (`tests`, `test_support`).

mod analytes;
mod cast;
mod corpus;
mod demo_set;
mod document;
mod header;
mod imaging;
mod lab;
mod nonxml;
mod patients;
mod pdf;
mod reports;
mod rng;
mod sha1;
mod time;
mod vsm;
mod xdm;
mod xml;

use std::path::{Path, PathBuf};

/// Writes the demo set into `dir` (created if needed) and returns the files written.
///
/// Existing files of the same names are overwritten; other files in `dir` are left alone.
pub fn write_demo_set(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let (documents, (zip_name, zip)) = demo_set::demo_documents();
    let mut written = Vec::with_capacity(documents.len() + 1);
    for doc in documents {
        let path = dir.join(&doc.file_name);
        std::fs::write(&path, doc.xml)?;
        written.push(path);
    }
    let path = dir.join(zip_name);
    std::fs::write(&path, zip)?;
    written.push(path);
    Ok(written)
}

/// One synthetic structured CDA document of about `target_bytes` (for benchmarks: a CR-BIO
/// with many results and sections), always well-formed.
///
/// The size is reached within a few kilobytes for large targets; a target smaller than a
/// header and one section (about 18 KB) gives that minimal document.
pub fn large_document(target_bytes: usize) -> String {
    corpus::large_lab_report(target_bytes)
}

/// A set of `count` documents shaped like the real corpus (mix of CR-BIO, imaging reports,
/// VSM, PDF-only), deterministic from `seed`, for library/indexing benchmarks later.
///
/// Items are `(file name, bytes)`. About 45 % are lab reports, 20 % imaging reports, 10 %
/// medical summaries and 25 % letters (mostly PDF, some deflated text); about 5 % are a
/// second version replacing the document just before, and 2 % a byte-for-byte copy of it.
/// Documents are generated lazily, one per `next()`.
pub fn corpus_like(count: usize, seed: u64) -> impl Iterator<Item = (String, Vec<u8>)> {
    let world = corpus::World::new(seed, count);
    (0..count).map(move |i| world.document(i))
}

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
