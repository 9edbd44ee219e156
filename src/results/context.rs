//! What surrounds results: the specimen (CR-BIO's specimen collection `procedure` with its
//! `participant typeCode="PRD"` and reception `act`, or a `specimen` participation), the
//! performing laboratory and other parties, and comments.

use crate::model::body::{Participation, Statement};

use super::narrative::Reader;
use super::types::{Comment, Party, PartyRole, Specimen};

/// LOINC 48767-8, *commentaire* (annotation comment).
const COMMENT_CODE: &str = "48767-8";
/// Templates of a comment entry (CCD, IHE PCC, CI-SIS FR-Commentaire-ER).
const COMMENT_TEMPLATES: &[&str] =
    &["2.16.840.1.113883.10.20.1.40", "1.3.6.1.4.1.19376.1.5.3.1.4.2", "1.2.250.1.213.1.1.3.32"];
/// IHE PALM Specimen Received, CI-SIS FR-Reception-echantillon.
const RECEPTION_TEMPLATES: &[&str] = &["1.3.6.1.4.1.19376.1.3.1.3", "1.2.250.1.213.1.1.3.107"];

/// Whether a statement has one of these templates.
pub(crate) fn has_template(statement: &Statement, templates: &[&str]) -> bool {
    statement.template_ids.iter().any(|t| t.root.as_deref().is_some_and(|r| templates.contains(&r)))
}

/// Whether a statement is a comment (an `act` coded 48767-8, or with a comment template).
pub(crate) fn is_comment(statement: &Statement) -> bool {
    statement.kind == "act"
        && (statement.code.as_ref().and_then(|c| c.code.as_deref()) == Some(COMMENT_CODE)
            || has_template(statement, COMMENT_TEMPLATES))
}

fn is_reception(statement: &Statement) -> bool {
    statement.kind == "act"
        && (statement.code.as_ref().and_then(|c| c.code.as_deref()) == Some("SPRECEIVE")
            || has_template(statement, RECEPTION_TEMPLATES))
}

impl Reader<'_> {
    pub(crate) fn comment(&self, statement: &Statement) -> Comment {
        let reference = statement.text_reference.as_deref().map(String::from);
        Comment {
            text: statement
                .text
                .as_deref()
                .map(String::from)
                .or_else(|| reference.as_deref().and_then(|r| self.resolve(r))),
            reference,
            span: statement.span,
            position: self.position(statement.span),
        }
    }

    /// A specimen collection `procedure`: when (its effectiveTime), what (its PRD
    /// participant's code and ids), by whom (its performer), and when it was received.
    pub(crate) fn collection(&self, procedure: &Statement) -> Specimen {
        let mut specimen = Specimen {
            collection: procedure.code.as_ref().map(|c| self.coded(c)),
            collected: procedure.effective_time.clone().filter(|t| !t.is_empty()),
            span: procedure.span,
            position: self.position(procedure.span),
            ..Specimen::default()
        };
        for p in &procedure.participations {
            match (p.via.as_str(), p.type_code.as_deref()) {
                ("participant", Some("PRD")) | ("specimen", _) => {
                    if specimen.specimen_type.is_none() {
                        specimen.specimen_type = p.codes.first().map(|c| self.coded(c));
                    }
                    specimen.ids.extend(p.ids.iter().map(|i| i.display()));
                }
                ("performer", _) => specimen.collectors.extend(p.names.iter().map(String::from)),
                _ => {}
            }
        }
        if specimen.specimen_type.is_none() {
            specimen.specimen_type = procedure.target_sites.first().map(|c| self.coded(c));
        }
        specimen.received = procedure
            .relationships
            .iter()
            .map(|r| &r.statement)
            .find(|s| is_reception(s))
            .and_then(|s| s.effective_time.clone())
            .filter(|t| !t.is_empty());
        specimen
    }

    /// A `specimen` participation (`specimenRole/specimenPlayingEntity/code`).
    pub(crate) fn specimen_participation(&self, p: &Participation) -> Specimen {
        Specimen {
            specimen_type: p.codes.first().map(|c| self.coded(c)),
            ids: p.ids.iter().map(|i| i.display()).collect(),
            span: p.span,
            position: self.position(p.span),
            ..Specimen::default()
        }
    }

    /// Performers, authors and participants (a specimen's PRD participant excepted).
    pub(crate) fn parties(&self, participations: &[Participation]) -> Vec<Party> {
        participations
            .iter()
            .filter_map(|p| {
                let role = match (p.via.as_str(), p.type_code.as_deref()) {
                    ("performer", _) => PartyRole::Performer,
                    ("author", _) => PartyRole::Author,
                    ("participant", Some("AUTHEN")) => PartyRole::Validator,
                    ("participant", Some("DEV")) => PartyRole::Device,
                    ("participant", Some("PRD")) => return None,
                    ("participant", _) => PartyRole::Participant,
                    _ => return None,
                };
                Some(Party {
                    role,
                    type_code: p.type_code.as_deref().map(String::from),
                    names: p.names.iter().map(String::from).collect(),
                    ids: p.ids.iter().map(|i| i.display()).collect(),
                    codes: p.codes.iter().map(|c| self.coded(c)).collect(),
                    time: p.time.clone().filter(|t| !t.is_empty()),
                    span: p.span,
                })
            })
            .collect()
    }
}
