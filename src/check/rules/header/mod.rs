//! The header essentials: the patient's INS and its traits, national identifiers of
//! professionals and organizations, the author's specialty, the document type and versions.

pub mod author_specialty;
pub mod document_type;
pub mod ins_key;
pub mod ins_missing;
pub mod ins_traits;
pub mod organization_id;
pub mod practitioner_id;
pub mod version_number;
pub mod version_replaces;
pub mod version_set_id;
