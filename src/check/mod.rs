//! `vigie check`: layered validation of a document (see [`Layer`]), every problem an
//! [`Issue`] with its location, for the CLI, `vigie serve` and the app's Problems panel.
//!
//! A [`Checker`] is built once from [`CheckOptions`] (a kit folder, a schema folder) and run
//! on each read [`Document`](crate::Document): [`Checker::check`] runs the layers in order —
//! the reader's findings (xml), the CDA structure (cda), the XSD (xsd), the ANS kit (kit),
//! Vigie's own rules (builtin, [`rules`]) — and returns a [`Report`] whose issues carry
//! line:column and a readable path ([`path`]). [`svrl`] imports another validator's SVRL
//! report at its locations; [`inputs`] turns the command line's paths (files, folders, XDM
//! packages) into checked reports; [`output`] writes them as text, JSON, SARIF or JUnit.

mod checker;
pub mod inputs;
mod issue;
pub mod output;
pub mod path;
pub mod reader;
mod report;
pub mod rules;
pub mod svrl;

pub use checker::{default_kit_cache, CheckOptions, Checker, CheckerError};
pub use issue::{Issue, Layer, Message, Related, RuleSource};
pub use report::{Counts, LayerRun, Report};
pub mod structure;
pub mod xsd;
