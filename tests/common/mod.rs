//! Helpers shared by the integration tests: where the shared corpus is, reading a document.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use vigie::xml::Limits;
use vigie::Document;

/// `../shared`, beside the repository (as in CI).
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// Every document of `../shared/corpus/fr`, sorted.
pub fn corpus() -> Vec<PathBuf> {
    let dir = shared().join("corpus/fr");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the shared corpus must be at {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .collect();
    files.sort();
    files
}

pub fn corpus_file(name: &str) -> PathBuf {
    shared().join("corpus/fr").join(name)
}

pub fn read(bytes: &[u8]) -> Document {
    vigie::read_bytes(bytes, &Limits::default())
}

pub fn codes(document: &Document) -> Vec<&'static str> {
    document.findings.iter().map(|f| f.code).collect()
}

/// A rendered page from `<body>` on, with embedded images shortened, for a reviewable
/// snapshot.
pub fn reviewable(html: &str) -> String {
    let body = &html[html.find("<body>").expect("a body")..];
    let mut out = String::new();
    let mut rest = body;
    while let Some(at) = rest.find(";base64,") {
        out.push_str(&rest[..at + 8]);
        rest = &rest[at + 8..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push_str(&format!("…{} base64 characters…", end));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
