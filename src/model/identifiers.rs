//! Identifiers (being written).
