//! The narrative block and the entries: IDs unique, every reference resolved, and each lab
//! result's value shown in the narrative it points at.

pub mod id_unique;
pub mod lab_range;
pub mod lab_value;
pub mod reference;
