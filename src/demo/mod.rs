//! Demo document generator (being written).
