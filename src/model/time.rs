//! HL7 timestamps (being written).
