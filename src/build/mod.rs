//! Tree → model (being written).
