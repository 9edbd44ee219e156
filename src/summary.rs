//! Text summary (being written).
