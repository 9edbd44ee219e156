//! `METADATA.XML`: the ebRIM 3.0 `SubmitObjectsRequest` registering a submission set
//! (`RegistryPackage`), its documents (`ExtrinsicObject`s) and the links between them
//! (`Association`s), read into plain data.
//!
//! Senders differ in prefixes (`rim:`, `ns3:`, none — sometimes never declared), so elements
//! are matched by local name. Classifications are recognised by their scheme UUID, else by
//! what they contain (author slots, the code system); each deviation is a finding located in
//! `METADATA.XML`. Reading is done by the project's XML reader: no DTD, no entity, no fetch.

use std::sync::Arc;

use super::entries::{Association, CodedValue, DocumentEntry, Metadata, SubmissionSetEntry, XdsAuthor};
use super::hl7v2::{CodedString, Cx, Xcn, Xon};
use super::schemes::{self, EntryCode, Identifier, SetCode};
use super::values::{join_uri, language_problem, time_problem};
use crate::diag::{Finding, Findings};
use crate::xml::{self, LineIndex, NodeId, Span, Tree};

/// Reads `METADATA.XML` from its bytes. The findings are located in it (line:column).
pub fn read_metadata(bytes: &[u8], limits: &xml::Limits) -> (Option<Metadata>, Findings) {
    let decoded = xml::decode::decode(bytes);
    let text: Arc<str> = decoded.text;
    let mut findings = decoded.findings;
    let parsed = xml::parse::parse(text.clone(), limits);
    findings.extend(parsed.findings.into_vec());
    let leading = text.len() - text.trim_start().len();
    if !text[leading..].starts_with("<?xml") {
        findings.push(Finding::info(
            "xdm.metadata-no-declaration",
            Span::at(leading),
            "METADATA.XML has no XML declaration (<?xml version=\"1.0\" encoding=\"UTF-8\"?>): read as UTF-8",
        ));
    }
    let tree = parsed.tree;
    let metadata = tree.root().map(|root| Reader { tree: &tree, findings: &mut findings }.metadata(root));
    let index = LineIndex::new(text);
    findings.locate(&index);
    let metadata = metadata.map(|mut m| {
        for d in &mut m.documents {
            d.position = Some(index.position(d.span.start));
        }
        if let Some(s) = &mut m.submission {
            s.position = Some(index.position(s.span.start));
        }
        m
    });
    (metadata, findings)
}

/// A `Slot`: its name, its values (trimmed) and where it is.
struct Slot {
    name: String,
    values: Vec<String>,
    span: Span,
}

impl Slot {
    fn first(&self) -> Option<String> {
        self.values.first().cloned()
    }
}

struct Reader<'t, 'f> {
    tree: &'t Tree,
    findings: &'f mut Findings,
}

impl Reader<'_, '_> {
    fn elements<'a>(&'a self, id: NodeId, local: &'a str) -> impl Iterator<Item = NodeId> + 'a {
        self.tree.elements(id).filter(move |&c| self.tree.local_name(c) == local)
    }

    fn attr(&self, id: NodeId, name: &str) -> Option<String> {
        self.tree.attr(id, name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    /// The text of `Name` or `Description`: its first `LocalizedString/@value`.
    fn localized(&self, id: NodeId, element: &str) -> Option<String> {
        let holder = self.elements(id, element).next()?;
        let string = self.elements(holder, "LocalizedString").next()?;
        self.attr(string, "value")
    }

    fn slots(&self, id: NodeId) -> Vec<Slot> {
        self.elements(id, "Slot")
            .map(|slot| {
                let values = self
                    .elements(slot, "ValueList")
                    .flat_map(|list| self.elements(list, "Value").collect::<Vec<_>>())
                    .map(|v| self.tree.text_content(v).trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect();
                Slot {
                    name: self.attr(slot, "name").unwrap_or_default(),
                    values,
                    span: self.tree.head_span(slot),
                }
            })
            .collect()
    }

    fn warn(&mut self, code: &'static str, span: Span, message: String) {
        self.findings.push(Finding::warning(code, span, message));
    }

    fn metadata(&mut self, root: NodeId) -> Metadata {
        let tree = self.tree;
        if tree.local_name(root) != "SubmitObjectsRequest" {
            self.findings.push(Finding::info(
                "xdm.metadata-root",
                tree.head_span(root),
                format!(
                    "the root element is <{}>, not an ebRIM SubmitObjectsRequest: the registry objects \
                     found in it are read",
                    tree.qualified_name(root)
                ),
            ));
        }
        let list = tree
            .descendants(root)
            .find(|&n| tree.is_element(n) && tree.local_name(n) == "RegistryObjectList");
        let list = match list {
            Some(list) => list,
            None => {
                self.warn(
                    "xdm.metadata-no-list",
                    tree.head_span(root),
                    "METADATA.XML has no RegistryObjectList: no document is registered".into(),
                );
                return Metadata::default();
            }
        };
        let mut metadata = Metadata::default();
        let mut packages = Vec::new();
        // (classified object, classification node) of the top-level classifications
        let mut nodes: Vec<(String, String)> = Vec::new();
        for object in tree.elements(list) {
            match tree.local_name(object) {
                "ExtrinsicObject" => {
                    let entry = self.document_entry(object);
                    metadata.documents.push(entry);
                }
                "RegistryPackage" => packages.push(object),
                "Association" => {
                    if let Some(association) = self.association(object) {
                        metadata.associations.push(association);
                    }
                }
                "Classification" => {
                    if let (Some(object), Some(node)) =
                        (self.attr(object, "classifiedObject"), self.attr(object, "classificationNode"))
                    {
                        nodes.push((object, schemes::bare_uuid(&node)));
                    }
                }
                _ => {}
            }
        }
        self.submission_set(&packages, &nodes, &mut metadata);
        self.check_links(&metadata);
        metadata
    }

    /// Picks the submission set among the packages (the one classified as such, else the
    /// only one not classified as a folder).
    fn submission_set(&mut self, packages: &[NodeId], nodes: &[(String, String)], metadata: &mut Metadata) {
        let node_of = |reader: &Self, package: NodeId| -> Option<String> {
            let id = reader.attr(package, "id").unwrap_or_default();
            let nested = reader
                .elements(package, "Classification")
                .find_map(|c| reader.attr(c, "classificationNode").map(|n| schemes::bare_uuid(&n)));
            nested.or_else(|| nodes.iter().find(|(o, _)| *o == id).map(|(_, n)| n.clone()))
        };
        let marked: Vec<NodeId> = packages
            .iter()
            .copied()
            .filter(|&p| node_of(self, p).as_deref() == Some(schemes::SUBMISSION_SET_NODE))
            .collect();
        let unmarked: Vec<NodeId> =
            packages.iter().copied().filter(|&p| node_of(self, p).is_none()).collect();
        let chosen = match (marked.as_slice(), unmarked.as_slice()) {
            ([first, rest @ ..], _) => {
                for &other in rest {
                    self.warn(
                        "xdm.several-submission-sets",
                        self.tree.head_span(other),
                        "a second RegistryPackage classified as a submission set: an XDM subset holds \
                         one; it is not read"
                            .into(),
                    );
                }
                Some(*first)
            }
            ([], [only]) => {
                self.warn(
                    "xdm.submission-set-unmarked",
                    self.tree.head_span(*only),
                    "the RegistryPackage is not classified as a submission set (classificationNode \
                     urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd): read as the submission set"
                        .into(),
                );
                Some(*only)
            }
            _ => None,
        };
        match chosen {
            Some(package) => metadata.submission = Some(self.submission(package)),
            None => self.warn(
                "xdm.no-submission-set",
                Span::at(0),
                "METADATA.XML registers no submission set (RegistryPackage): the sender, the \
                 submission time and the recipients are unknown"
                    .into(),
            ),
        }
    }

    fn coded(&self, classification: NodeId, slots: &[Slot]) -> Option<CodedValue> {
        let code = self.attr(classification, "nodeRepresentation")?;
        Some(CodedValue {
            code,
            scheme: slots.iter().find(|s| s.name == "codingScheme").and_then(Slot::first),
            display: self.localized(classification, "Name"),
        })
    }

    fn author(&self, slots: &[Slot]) -> XdsAuthor {
        let values = |name: &str| -> Vec<String> {
            slots.iter().filter(|s| s.name == name).flat_map(|s| s.values.clone()).collect()
        };
        XdsAuthor {
            person: values("authorPerson").first().map(|v| Xcn::parse(v)),
            institutions: values("authorInstitution").iter().map(|v| Xon::parse(v)).collect(),
            roles: values("authorRole"),
            specialties: values("authorSpecialty").iter().map(|v| CodedString::parse(v)).collect(),
            telecoms: values("authorTelecommunication"),
        }
    }

    fn document_entry(&mut self, object: NodeId) -> DocumentEntry {
        let tree = self.tree;
        let head = tree.head_span(object);
        let mut e = DocumentEntry {
            id: self.attr(object, "id").unwrap_or_default(),
            mime_type: self.attr(object, "mimeType"),
            title: self.localized(object, "Name"),
            comments: self.localized(object, "Description"),
            span: tree.span(object),
            ..DocumentEntry::default()
        };
        let mut uri_parts: Vec<String> = Vec::new();
        for slot in self.slots(object) {
            let first = slot.first();
            match slot.name.as_str() {
                "creationTime" => e.creation_time = self.time(&slot),
                "serviceStartTime" => e.service_start_time = self.time(&slot),
                "serviceStopTime" => e.service_stop_time = self.time(&slot),
                "languageCode" => {
                    if let Some(problem) = first.as_deref().and_then(language_problem) {
                        self.warn("xdm.language-code", slot.span, problem);
                    }
                    e.language_code = first;
                }
                "hash" => {
                    if let Some(hash) = &first {
                        if hash.len() != 40 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
                            self.warn(
                                "xdm.hash-invalid",
                                slot.span,
                                format!("hash \"{hash}\" is not a SHA-1 digest (40 hexadecimal digits)"),
                            );
                        }
                    }
                    e.hash = first;
                }
                "size" => {
                    e.size = first.as_deref().and_then(|s| s.parse().ok());
                    if let (Some(raw), None) = (&first, e.size) {
                        self.warn(
                            "xdm.size-invalid",
                            slot.span,
                            format!("size \"{raw}\" is not a number of bytes"),
                        );
                    }
                }
                "URI" | "uri" | "Uri" => uri_parts = slot.values.clone(),
                "sourcePatientId" => {
                    e.source_patient_id = first.map(|v| self.cx(&v, "sourcePatientId", slot.span))
                }
                "sourcePatientInfo" => e.source_patient_info = slot.values.clone(),
                "legalAuthenticator" => e.legal_authenticator = first.map(|v| Xcn::parse(&v)),
                "repositoryUniqueId" => e.repository_unique_id = first,
                "urn:ihe:iti:xds:2013:referenceIdList" => e.reference_ids = slot.values.clone(),
                _ => {}
            }
        }
        e.uri = join_uri(&uri_parts);
        for classification in self.elements(object, "Classification").collect::<Vec<_>>() {
            self.entry_classification(classification, &mut e);
        }
        for identifier in self.elements(object, "ExternalIdentifier").collect::<Vec<_>>() {
            let value = self.attr(identifier, "value");
            match (self.identifier(identifier), value) {
                (Some(Identifier::EntryPatient), Some(v)) => {
                    e.patient_id = Some(self.cx(&v, "patientId", tree.head_span(identifier)))
                }
                (Some(Identifier::EntryUnique), Some(v)) => e.unique_id = Some(v),
                _ => {}
            }
        }
        let name = e.title.clone().map(|t| format!("\"{t}\"")).unwrap_or_else(|| format!("\"{}\"", e.id));
        let missing = [
            (
                e.unique_id.is_none(),
                "xdm.unique-id-missing",
                "no uniqueId: the document cannot be identified",
            ),
            (e.patient_id.is_none(), "xdm.patient-id-missing", "no patientId: the patient cannot be checked"),
            (e.mime_type.is_none(), "xdm.mime-type-missing", "no mimeType"),
            (e.uri.is_none(), "xdm.uri-missing", "no URI slot: its file is looked for by hash or position"),
            (
                e.hash.is_none(),
                "xdm.hash-missing",
                "no hash slot: the document's integrity cannot be checked",
            ),
            (e.size.is_none(), "xdm.size-missing", "no size slot"),
        ];
        for (absent, code, what) in missing {
            if absent {
                self.warn(code, head, format!("the document entry {name} has {what}"));
            }
        }
        e
    }

    fn time(&mut self, slot: &Slot) -> Option<String> {
        let value = slot.first()?;
        if let Some(problem) = time_problem(&value) {
            self.warn("xdm.time-invalid", slot.span, format!("{}: {problem}", slot.name));
        }
        Some(value)
    }

    fn cx(&mut self, value: &str, what: &str, span: Span) -> Cx {
        let cx = Cx::parse(value);
        if let Some(problem) = &cx.problem {
            self.warn("xdm.cx-malformed", span, format!("{what} \"{value}\": {problem}"));
        }
        cx
    }

    /// What an `ExternalIdentifier` is: by scheme, else by name (reported either way).
    fn identifier(&mut self, identifier: NodeId) -> Option<Identifier> {
        let scheme = self.attr(identifier, "identificationScheme").unwrap_or_default();
        if let Some(known) = schemes::identifier(&scheme) {
            return Some(known);
        }
        let name = self.localized(identifier, "Name");
        let by_name = name.as_deref().and_then(schemes::identifier_by_name);
        let span = self.tree.head_span(identifier);
        let what = name.map(|n| format!(" (named \"{n}\")")).unwrap_or_default();
        let action = match by_name {
            Some(_) => "recognised from its name",
            None => "ignored",
        };
        self.warn(
            "xdm.unknown-identification-scheme",
            span,
            format!(
                "identificationScheme=\"{scheme}\"{what} is not an XDS identification scheme (urn:uuid:…): {action}"
            ),
        );
        by_name
    }

    fn entry_classification(&mut self, classification: NodeId, e: &mut DocumentEntry) {
        let scheme = self.attr(classification, "classificationScheme");
        let slots = self.slots(classification);
        let span = self.tree.head_span(classification);
        let kind = match scheme.as_deref().and_then(schemes::entry_code) {
            Some(kind) => Some(kind),
            None => {
                let coded = self.coded(classification, &slots);
                let has_author = slots.iter().any(|s| s.name.starts_with("author"));
                let guess = schemes::guess_entry_code(
                    coded.as_ref().and_then(|c| c.scheme.as_deref()),
                    coded.as_ref().map(|c| c.code.as_str()),
                    has_author,
                );
                let scheme = scheme.unwrap_or_default();
                let action = match guess {
                    Some(kind) => format!("read as {} from its content", kind.name()),
                    None => "ignored".to_string(),
                };
                self.warn(
                    "xdm.unknown-classification-scheme",
                    span,
                    format!("classificationScheme=\"{scheme}\" is not a document entry attribute: {action}"),
                );
                guess
            }
        };
        let Some(kind) = kind else { return };
        if kind == EntryCode::Author {
            e.authors.push(self.author(&slots));
            return;
        }
        let Some(code) = self.coded(classification, &slots) else {
            self.warn(
                "xdm.code-missing",
                span,
                format!("the {} classification has no nodeRepresentation (the code)", kind.name()),
            );
            return;
        };
        if code.scheme.is_none() {
            self.warn(
                "xdm.coding-scheme-missing",
                span,
                format!("the {} \"{}\" has no codingScheme slot", kind.name(), code.code),
            );
        }
        let single = match kind {
            EntryCode::Class => &mut e.class_code,
            EntryCode::Type => &mut e.type_code,
            EntryCode::Format => &mut e.format_code,
            EntryCode::PracticeSetting => &mut e.practice_setting_code,
            EntryCode::HealthcareFacilityType => &mut e.healthcare_facility_type_code,
            EntryCode::Confidentiality => return e.confidentiality_codes.push(code),
            EntryCode::Event => return e.event_codes.push(code),
            EntryCode::Author => return,
        };
        if single.is_some() {
            self.warn(
                "xdm.code-repeated",
                span,
                format!("a second {} (\"{}\"): XDS allows one; the first is kept", kind.name(), code.code),
            );
        } else {
            *single = Some(code);
        }
    }

    fn submission(&mut self, package: NodeId) -> SubmissionSetEntry {
        let tree = self.tree;
        let mut s = SubmissionSetEntry {
            id: self.attr(package, "id").unwrap_or_default(),
            title: self.localized(package, "Name"),
            comments: self.localized(package, "Description"),
            span: tree.span(package),
            ..SubmissionSetEntry::default()
        };
        for slot in self.slots(package) {
            match slot.name.as_str() {
                "submissionTime" => s.submission_time = self.time(&slot),
                "intendedRecipient" => s.intended_recipients = slot.values.clone(),
                _ => {}
            }
        }
        for classification in self.elements(package, "Classification").collect::<Vec<_>>() {
            let Some(scheme) = self.attr(classification, "classificationScheme") else {
                continue; // the submission-set marker (classificationNode)
            };
            let slots = self.slots(classification);
            match schemes::set_code(&scheme) {
                Some(SetCode::Author) => s.authors.push(self.author(&slots)),
                Some(SetCode::ContentType) => s.content_type_code = self.coded(classification, &slots),
                None => self.warn(
                    "xdm.unknown-classification-scheme",
                    tree.head_span(classification),
                    format!("classificationScheme=\"{scheme}\" is not a submission set attribute: ignored"),
                ),
            }
        }
        for identifier in self.elements(package, "ExternalIdentifier").collect::<Vec<_>>() {
            let value = self.attr(identifier, "value");
            match (self.identifier(identifier), value) {
                (Some(Identifier::SetUnique), v) => s.unique_id = v,
                (Some(Identifier::SetSource), v) => s.source_id = v,
                (Some(Identifier::SetPatient), Some(v)) => {
                    s.patient_id = Some(self.cx(&v, "patientId", tree.head_span(identifier)))
                }
                _ => {}
            }
        }
        s
    }

    fn association(&mut self, object: NodeId) -> Option<Association> {
        let span = self.tree.head_span(object);
        let field = |name: &str| self.attr(object, name);
        match (field("associationType"), field("sourceObject"), field("targetObject")) {
            (Some(association_type), Some(source_object), Some(target_object)) => {
                Some(Association { id: field("id"), association_type, source_object, target_object, span })
            }
            _ => {
                self.warn(
                    "xdm.association-incomplete",
                    span,
                    "an Association without associationType, sourceObject or targetObject: ignored".into(),
                );
                None
            }
        }
    }

    /// Every document is a member of the set; every association links known objects.
    fn check_links(&mut self, metadata: &Metadata) {
        let known = |id: &str| {
            metadata.documents.iter().any(|d| d.id == id)
                || metadata.submission.as_ref().is_some_and(|s| s.id == id)
                || id.starts_with("urn:uuid:")
        };
        for a in &metadata.associations {
            for end in [&a.source_object, &a.target_object] {
                if !known(end) {
                    self.warn(
                        "xdm.association-dangling",
                        a.span,
                        format!(
                            "the association {} refers to \"{end}\", which METADATA.XML does not register",
                            a.association_type
                        ),
                    );
                }
            }
        }
        let Some(set) = &metadata.submission else { return };
        for d in &metadata.documents {
            let member = metadata.associations.iter().any(|a| {
                schemes::is_has_member(&a.association_type)
                    && a.source_object == set.id
                    && a.target_object == d.id
            });
            if !member {
                self.warn(
                    "xdm.entry-not-member",
                    Span::at(d.span.start as usize),
                    format!(
                        "no HasMember association links the submission set \"{}\" to the document entry \"{}\"",
                        set.id, d.id
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifications_and_identifiers_with_unknown_schemes_are_read_from_their_content() {
        let xml = r#"<?xml version="1.0"?>
<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
    xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"><rim:RegistryObjectList>
  <rim:ExtrinsicObject id="d1" mimeType="text/xml">
    <rim:Slot name="URI"><rim:ValueList><rim:Value>DOC0001.XML</rim:Value></rim:ValueList></rim:Slot>
    <rim:Classification classificationScheme="urn:uuid:00000000-0000-0000-0000-000000000000"
        classifiedObject="d1" nodeRepresentation="10">
      <rim:Slot name="codingScheme"><rim:ValueList><rim:Value>1.2.250.1.213.1.1.4.1</rim:Value></rim:ValueList></rim:Slot>
    </rim:Classification>
    <rim:ExternalIdentifier identificationScheme="1.2.3" value="1.2.250.1.999^42">
      <rim:Name><rim:LocalizedString value="XDSDocumentEntry.uniqueId"/></rim:Name>
    </rim:ExternalIdentifier>
  </rim:ExtrinsicObject>
  <rim:RegistryPackage id="s1"/>
  <rim:Association associationType="HasMember" sourceObject="s1" targetObject="d1"/>
</rim:RegistryObjectList></lcm:SubmitObjectsRequest>"#;
        let (metadata, findings) = read_metadata(xml.as_bytes(), &xml::Limits::default());
        let metadata = metadata.unwrap();
        let entry = &metadata.documents[0];
        assert_eq!(entry.class_code.as_ref().map(|c| c.code.as_str()), Some("10"));
        assert_eq!(entry.unique_id.as_deref(), Some("1.2.250.1.999^42"));
        assert_eq!(metadata.submission.as_ref().map(|s| s.id.as_str()), Some("s1"));
        let codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
        for expected in [
            "xdm.unknown-classification-scheme",
            "xdm.unknown-identification-scheme",
            "xdm.submission-set-unmarked",
            "xdm.patient-id-missing",
        ] {
            assert!(codes.contains(&expected), "{expected} missing from {codes:?}");
        }
        assert!(!codes.contains(&"xdm.entry-not-member"), "{codes:?}");
        let scheme = findings.iter().find(|f| f.code == "xdm.unknown-classification-scheme").unwrap();
        assert!(scheme.message.contains("read as classCode"), "{}", scheme.message);
        assert_eq!(scheme.position.map(|p| p.line), Some(6));
    }
}
