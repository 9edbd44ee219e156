//! `vigie serve` (being written).
