//! Input recognition (being written).
pub struct Document;
pub enum InputKind {}
pub fn read_bytes() {}
pub fn read_path() {}
