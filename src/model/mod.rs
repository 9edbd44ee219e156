//! The typed model of a CDA document (being written).
pub mod identifiers;
pub mod time;
