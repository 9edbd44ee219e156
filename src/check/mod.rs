//! `vigie check`: layered validation of a document (see [`Layer`]), every problem an
//! [`Issue`] with its location, for the CLI, `vigie serve` and the app's Problems panel.

mod issue;

pub use issue::{Issue, Layer, Message, RuleSource};
pub mod structure;
pub mod xsd;
