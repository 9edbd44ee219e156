//! The narrative block and the entries: IDs unique, every reference resolved, and each lab
//! result's value, unit, reference range, interpretation and coded value shown in the
//! narrative it points at, every result pointing at one.

pub mod coded_value;
pub mod id_unique;
pub mod lab_interpretation;
pub mod lab_range;
pub mod lab_unit;
pub mod lab_value;
pub mod reference;
pub mod unreferenced_entry;
mod written;
