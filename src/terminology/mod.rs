//! Terminology tables (being written).
