//! Body builder: nonXMLBody, or structuredBody → sections, narrative, entries, attachments.

use crate::model::body::{
    Attachment, AttachmentKind, Body, Entry, NonXmlBody, Participation, Relationship, Section, Statement,
    Value,
};
use crate::model::{Narrative, Str};
use crate::xml::{NodeId, Ns, Span};

use super::common::{attr, attrs, located_text, text};
use super::Ctx;

/// templateId of the French "copie PDF" section (FR-Document-PDF-copie).
pub const PDF_COPY_TEMPLATE: &str = "1.2.250.1.213.1.1.2.243";

/// Whether a child of a clinical statement links to another statement.
fn is_relationship(name: &str) -> bool {
    matches!(name, "entryRelationship" | "component" | "referenceRange" | "precondition" | "reference")
}

/// Whether a child of a clinical statement names a participating entity.
fn is_participation(name: &str) -> bool {
    matches!(
        name,
        "consumable"
            | "product"
            | "specimen"
            | "performer"
            | "author"
            | "informant"
            | "participant"
            | "subject"
            | "location"
            | "responsibleParty"
    )
}

impl Ctx<'_> {
    pub(crate) fn body(&mut self, doc: NodeId) -> Body {
        let t = self.tree;
        let Some(component) = t.child(doc, "component") else { return Body::Missing };
        if let Some(structured) = t.child(component, "structuredBody") {
            let mut sections = Vec::new();
            for comp in t.children_named(structured, Ns::HL7, "component") {
                if let Some(section) = t.child(comp, "section") {
                    sections.push(self.section(section, &mut Vec::new(), false));
                }
            }
            return Body::Structured { sections, span: t.span(structured) };
        }
        if let Some(non_xml) = t.child(component, "nonXMLBody") {
            let text_node = t.child(non_xml, "text");
            let attachment = text_node.map(|n| self.attachment(n, AttachmentKind::Body, &[]));
            let att = attachment.and_then(|i| self.attachments.get(i));
            return Body::NonXml(NonXmlBody {
                media_type: att.and_then(|a| a.media_type.clone()),
                representation: att.and_then(|a| a.representation.clone()),
                compression: att.and_then(|a| a.compression.clone()),
                reference: att.and_then(|a| a.reference.clone()),
                attachment,
                span: t.span(non_xml),
            });
        }
        Body::Missing
    }

    fn section(&mut self, node: NodeId, path: &mut Vec<String>, in_pdf_copy: bool) -> Section {
        let t = self.tree;
        let mut section = Section { xml_id: attr(t, node, "ID"), span: t.span(node), ..Section::default() };
        // the section's own fields in one pass (the first of each counts): a search per name
        // went through every entry for those that are absent
        let (mut title_node, mut code_node, mut text_node, mut language_node) = (None, None, None, None);
        for child in t.elements(node) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            match t.local_name(child) {
                "templateId" => section.template_ids.push(self.identifier(child)),
                "id" => section.ids.push(self.identifier(child)),
                "title" => _ = title_node.get_or_insert(child),
                "code" => _ = code_node.get_or_insert(child),
                "text" => _ = text_node.get_or_insert(child),
                "languageCode" => _ = language_node.get_or_insert(child),
                _ => {}
            }
        }
        section.code = code_node.map(|n| self.code(n));
        section.text = text_node.map(|n| Narrative::new(t.clone(), n));
        section.language = language_node.and_then(|n| attr(t, n, "code"));
        section.title = title_node.and_then(|n| located_text(t, n));
        section.pdf_copy = section.template_ids.iter().any(|i| i.root.as_deref() == Some(PDF_COPY_TEMPLATE));
        path.push(section.title.as_ref().map(|t| t.text.clone()).unwrap_or_default());
        let in_pdf_copy = in_pdf_copy || section.pdf_copy;
        for child in t.elements(node) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            match t.local_name(child) {
                "entry" => {
                    if let Some(stmt) = t.elements(child).find(|&c| is_statement(t, c)) {
                        let mut media = Vec::new();
                        self.scan_statement(stmt, path, in_pdf_copy, &mut media);
                        let type_code = attr(t, child, "typeCode");
                        section.entries.push(Entry::new(type_code, t.span(child), t.clone(), stmt, media));
                    }
                }
                "component" => {
                    if let Some(sub) = t.child(child, "section") {
                        let sub = self.section(sub, path, in_pdf_copy);
                        section.sections.push(sub);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        section
    }

    /// What reading the document does for a statement that is built only when asked for
    /// ([`Entry::statement`]): registers the files of its observationMedia as attachments, in
    /// `media` too, and reports its unreadable timestamps. It walks the statements, and reads
    /// their times, as [`Self::statement`] does, so that the findings are the same.
    fn scan_statement(
        &mut self,
        node: NodeId,
        path: &[String],
        in_pdf_copy: bool,
        media: &mut Vec<(NodeId, usize)>,
    ) {
        let t = self.tree;
        let is_media = t.local_name(node) == "observationMedia";
        let mut time_read = false;
        for child in t.elements(node) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            let name = t.local_name(child);
            match name {
                // the statement reads its first effectiveTime only
                "effectiveTime" if !time_read => {
                    time_read = true;
                    self.interval(child);
                }
                "value" if is_media => {
                    let kind =
                        if in_pdf_copy { AttachmentKind::PdfCopy } else { AttachmentKind::ObservationMedia };
                    let index = self.attachment(child, kind, path);
                    if let (Some(id), Some(a)) = (attr(t, node, "ID"), self.attachments.get_mut(index)) {
                        a.xml_id = Some(id);
                    }
                    media.push((child, index));
                }
                _ if is_relationship(name) => {
                    if let Some(inner) = t.elements(child).find(|&c| is_statement(t, c)) {
                        self.scan_statement(inner, path, in_pdf_copy, media);
                    }
                }
                _ if is_participation(name) => {
                    self.child_interval(child, "time");
                }
                _ => {}
            }
        }
    }

    /// A clinical statement and the statements nested in it, built from the tree.
    pub(crate) fn statement(&mut self, node: NodeId) -> Box<Statement> {
        let t = self.tree;
        let kind = Str::from(t.local_name(node));
        // one pass over the children finds what the statement's own fields read (seven
        // lookups by name did: a statement is the model's most frequent element)
        let (mut template_ids, mut ids) = (Vec::new(), Vec::new());
        let (mut text_node, mut code_node, mut status_node, mut time_node) = (None, None, None, None);
        for child in t.elements(node) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            match t.local_name(child) {
                "templateId" => template_ids.push(self.identifier(child)),
                "id" => ids.push(self.identifier(child)),
                "code" => _ = code_node.get_or_insert(child),
                "text" => _ = text_node.get_or_insert(child),
                "statusCode" => _ = status_node.get_or_insert(child),
                "effectiveTime" => _ = time_node.get_or_insert(child),
                _ => {}
            }
        }
        // boxed where it is built: a statement is large, and moving it into its parent's
        // relationships would copy it at every level
        let [class_code, mood_code, negation, xml_id] =
            attrs(t, node, ["classCode", "moodCode", "negationInd", "ID"]);
        let mut s = Box::new(Statement {
            class_code,
            mood_code,
            negation: negation.map(|v| v == "true"),
            xml_id,
            template_ids,
            ids,
            code: code_node.map(|n| self.code(n)),
            text_reference: text_node.and_then(|n| t.child(n, "reference")).and_then(|r| attr(t, r, "value")),
            text: text_node.and_then(|n| {
                let own: String =
                    t.children(n).filter(|&c| t.is_text(c)).map(|c| t.text(c).into_owned()).collect();
                Some(super::common::normalize_space(&own)).filter(|s| !s.is_empty()).map(Str::from)
            }),
            status: status_node.and_then(|n| attr(t, n, "code")),
            effective_time: time_node.and_then(|n| self.interval(n)),
            span: t.span(node),
            kind,
            ..Statement::default()
        });
        for child in t.elements(node) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            let name = t.local_name(child);
            match name {
                "value" if s.kind == "observationMedia" => {
                    if let Some(&(_, index)) = self.media.iter().find(|&&(n, _)| n == child) {
                        s.attachment = Some(index);
                    }
                }
                "value" => {
                    let value = self.value(child);
                    s.values.push(value);
                }
                "interpretationCode" => {
                    let code = self.code(child);
                    s.interpretations.push(code);
                }
                "methodCode" => {
                    let code = self.code(child);
                    s.methods.push(code);
                }
                "targetSiteCode" => {
                    let code = self.code(child);
                    s.target_sites.push(code);
                }
                _ if is_relationship(name) => {
                    if let Some(inner) = t.elements(child).find(|&c| is_statement(t, c)) {
                        let statement = self.statement(inner);
                        s.relationships.push(Relationship {
                            via: name.into(),
                            type_code: attr(t, child, "typeCode"),
                            inversion: attr::<Str>(t, child, "inversionInd").map(|v| v == "true"),
                            sequence_number: t
                                .child(child, "sequenceNumber")
                                .and_then(|n| attr(t, n, "value")),
                            statement,
                        });
                    }
                }
                _ if is_participation(name) => {
                    let participation = self.participation(child);
                    s.participations.push(participation);
                }
                _ => {}
            }
        }
        s
    }

    /// A participation summarised by the codes, names and ids found inside it (without
    /// descending into nested clinical statements).
    fn participation(&mut self, node: NodeId) -> Participation {
        let t = self.tree;
        let mut p = Participation {
            via: t.local_name(node).into(),
            type_code: attr(t, node, "typeCode"),
            codes: Vec::new(),
            names: Vec::new(),
            ids: Vec::new(),
            time: self.child_interval(node, "time"),
            span: t.span(node),
        };
        let mut stack: Vec<NodeId> = t.elements(node).collect();
        stack.reverse();
        while let Some(n) = stack.pop() {
            if t.ns(n) != Ns::HL7 || is_statement(t, n) {
                continue;
            }
            match t.local_name(n) {
                "code" => {
                    let code = self.code(n);
                    p.codes.push(code);
                    continue;
                }
                "name" | "manufacturerModelName" | "softwareName" | "lotNumberText" => {
                    if let Some(name) = text(t, n) {
                        p.names.push(name);
                    }
                    continue;
                }
                "id" => {
                    let id = self.identifier(n);
                    p.ids.push(id);
                    continue;
                }
                _ => {}
            }
            let mut children: Vec<NodeId> = t.elements(n).collect();
            children.reverse();
            stack.extend(children);
        }
        p
    }

    pub(crate) fn value(&mut self, node: NodeId) -> Value {
        let t = self.tree;
        let xsi_type: Option<Str> = t.attr_ns(node, Ns::XSI, "type").map(|v| {
            let v = v.trim();
            v.rsplit_once(':').map(|(_, local)| local).unwrap_or(v).into()
        });
        let coded = matches!(xsi_type.as_deref(), Some("CD" | "CE" | "CV" | "CS" | "CO"));
        let [value, unit, inclusive, null_flavor, representation] =
            attrs(t, node, ["value", "unit", "inclusive", "nullFlavor", "representation"]);
        let mut v = Value {
            value,
            unit,
            inclusive: inclusive.map(|v| v == "true"),
            null_flavor,
            span: t.span(node),
            ..Value::default()
        };
        if coded {
            v.code = Some(Box::new(self.code(node)));
        } else if matches!(xsi_type.as_deref(), Some("ST" | "ED" | "SC") | None) {
            let base64 = representation.as_deref() == Some("B64");
            if !base64 {
                v.text = text(t, node);
            }
        }
        for child in t.elements(node) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            let boxed = |ctx: &mut Self| Some(Box::new(ctx.value(child)));
            match t.local_name(child) {
                "low" => v.low = boxed(self),
                "high" => v.high = boxed(self),
                "center" => v.center = boxed(self),
                "numerator" => v.numerator = boxed(self),
                "denominator" => v.denominator = boxed(self),
                "translation" if !coded => {
                    let mut tr = self.value(child);
                    // A PQ's translation (PQR) writes its unit in `code`: `<translation
                    // value="0.71" code="mmol/L" codeSystem="2.16.840.1.113883.6.8"/>`.
                    if tr.unit.is_none() {
                        tr.unit = attr(t, child, "code");
                    }
                    v.translations.push(tr);
                }
                _ => {}
            }
        }
        v.xsi_type = xsi_type;
        v
    }

    /// Records an embedded file (an ED: nonXMLBody/text or observationMedia/value) and
    /// returns its index. The content is not decoded here.
    fn attachment(&mut self, node: NodeId, kind: AttachmentKind, path: &[String]) -> usize {
        let t = self.tree;
        let content = t.inner_span(node);
        // the base64 text, minus the <reference> element if there is one
        let reference = t.child(node, "reference").and_then(|r| attr(t, r, "value"));
        let content = match t.child(node, "reference") {
            Some(r) if t.span(r).start <= content.start => Span { start: t.span(r).end, end: content.end },
            _ => content,
        };
        let encoded_size = content.len();
        let representation = attr(t, node, "representation");
        let estimated_size =
            if representation.as_deref() == Some("B64") { encoded_size / 4 * 3 } else { encoded_size };
        self.attachments.push(Attachment {
            kind,
            media_type: attr(t, node, "mediaType"),
            representation,
            compression: attr(t, node, "compression"),
            reference,
            xml_id: None,
            section_path: path.iter().filter(|p| !p.is_empty()).cloned().collect(),
            content,
            encoded_size,
            estimated_size,
            span: t.span(node),
        });
        self.attachments.len() - 1
    }
}

/// Whether an element is a clinical statement (anything an entry or relationship carries:
/// act, observation, organizer, ...) rather than a data element.
fn is_statement(tree: &crate::xml::Tree, node: NodeId) -> bool {
    tree.ns(node) == Ns::HL7
        && matches!(
            tree.local_name(node),
            "act"
                | "observation"
                | "organizer"
                | "substanceAdministration"
                | "supply"
                | "encounter"
                | "procedure"
                | "observationMedia"
                | "regionOfInterest"
                | "observationRange"
                | "criterion"
                | "externalAct"
                | "externalObservation"
                | "externalProcedure"
                | "externalDocument"
                | "section"
        )
}
