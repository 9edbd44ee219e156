//! Vigie's core: reads French HL7 CDA R2 documents (CI-SIS) into a typed model with source
//! spans, for the CLI, `vigie serve` and the desktop app.
//!
//! Data flows one way: bytes → [`xml`] (decode, parse into a tree with spans) →
//! [`build`] (tree → [`model`]) → presenters ([`summary`], JSON, the HTTP API, the app).
//! The core never does network I/O and never panics on input: problems are [`diag::Finding`]s.

pub mod build;
pub mod check;
pub mod cli;
pub mod clinical;
pub mod demo;
pub mod diag;
pub mod input;
pub mod library;
pub mod model;
pub mod pdf_text;
pub mod render;
pub mod results;
pub mod rtf;
pub mod schematron;
pub mod serve;
pub mod session;
pub mod summary;
pub mod terminology;
pub mod xdm;
pub mod xml;

pub use input::{read_bytes, read_path, read_shared, Document, InputKind};
