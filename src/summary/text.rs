//! The readable summary of a CDA document's header, sections and attachments.

use crate::model::body::{Body, Section};
use crate::model::common::{Code, Identifier, PersonName};
use crate::model::header::{Actor, Header, Organization, Patient};
use crate::model::{AttachmentKind, ClinicalDocument};

use super::{human_size, Lang, Writer};

pub(super) fn document(w: &mut Writer<'_>, cda: &ClinicalDocument) {
    let h = &cda.header;
    header(w, h);
    body(w, cda);
}

fn code_text(code: &Code) -> String {
    match &code.code {
        Some(c) if code.text() != *c => format!("{} ({c})", code.text()),
        _ => code.text(),
    }
}

fn names(names: &[PersonName]) -> String {
    names.first().map(PersonName::display).unwrap_or_default()
}

fn header(w: &mut Writer<'_>, h: &Header) {
    let mut kind =
        h.code.as_ref().map(code_text).unwrap_or_else(|| w.pick("(sans type)", "(no type)").into());
    if let Some(title) = &h.title {
        kind.push_str(&format!(" — « {} »", title.text));
    }
    w.line(("Document", "Document"), &kind);
    if let Some(t) = &h.effective_time {
        w.line(("Date", "Date"), &t.display());
    }
    if let Some(c) = &h.confidentiality {
        w.line(("Confidentialité", "Confidentiality"), &code_text(c));
    }
    let mut version = Vec::new();
    if let Some(v) = &h.version_number {
        version.push(format!("v{v}"));
    }
    if let Some(id) = &h.id {
        version.push(format!("id {}", id.display()));
    }
    if let Some(set) = &h.set_id {
        version.push(format!("setId {}", set.display()));
    }
    if !version.is_empty() {
        w.line(("Version", "Version"), &version.join(" · "));
    }
    for r in &h.related_documents {
        let parent = r.parent_id.as_ref().map(Identifier::display).unwrap_or_default();
        let what = match r.type_code.as_str() {
            "RPLC" => w.pick("remplace", "replaces"),
            "APND" => w.pick("complète", "appends to"),
            "XFRM" => w.pick("transforme", "transforms"),
            _ => w.pick("lié à", "related to"),
        };
        w.line(("Relation", "Related"), &format!("{what} {parent}"));
    }
    for p in &h.patients {
        patient(w, p);
    }
    for a in &h.authors {
        let mut line = actor(w.lang, &a.actor);
        if let Some(t) = &a.time {
            line.push_str(&format!("\n{} {}", w.pick("le", "on"), t.display()));
        }
        w.line(("Auteur", "Author"), &line);
    }
    if let Some(o) = &h.custodian {
        w.line(("Conservé par", "Custodian"), &organization(o));
    }
    if let Some(s) = &h.legal_authenticator {
        let mut line = actor(w.lang, &s.actor);
        if let Some(t) = &s.time {
            line.push_str(&format!("\n{} {}", w.pick("le", "on"), t.display()));
        }
        w.line(("Validé par", "Signed by"), &line);
    }
    for r in &h.information_recipients {
        w.line(("Destinataire", "Recipient"), &actor(w.lang, &r.actor));
    }
    for e in &h.service_events {
        let mut line = e.code.as_ref().map(code_text).unwrap_or_default();
        if let Some(t) = &e.effective_time {
            line.push_str(&format!(" · {}", t.display()));
        }
        for p in &e.performers {
            line.push_str(&format!(
                "\n{} {}",
                w.pick("réalisé par", "performed by"),
                actor(w.lang, &p.actor)
            ));
        }
        w.line(("Acte", "Service"), line.trim_start_matches(" · "));
    }
    if let Some(e) = &h.encounter {
        let mut parts = Vec::new();
        if let Some(t) = &e.effective_time {
            parts.push(t.display());
        }
        if let Some(f) = &e.facility {
            if let Some(c) = &f.code {
                parts.push(code_text(c));
            }
            if let Some(n) = &f.location_name {
                parts.push(n.clone());
            }
        }
        if !parts.is_empty() {
            w.line(("Prise en charge", "Encounter"), &parts.join(" · "));
        }
    }
}

fn patient(w: &mut Writer<'_>, p: &Patient) {
    let mut first = names(&p.names);
    if let Some(sex) = p.sex.as_ref().and_then(|s| s.code.clone()) {
        first.push_str(&format!(" · {sex}"));
    }
    if let Some(b) = &p.birth_time {
        first.push_str(&format!(" · {} {}", w.pick("né·e le", "born"), b.display()));
    }
    if let Some(place) = &p.birthplace {
        let city = place.address.as_ref().and_then(|a| a.city.as_deref()).or(place.name.as_deref());
        match (&place.cog_code, city) {
            (Some(cog), Some(city)) => first.push_str(&format!(" {} {city} ({cog})", w.pick("à", "in"))),
            (Some(cog), None) => first.push_str(&format!(" · COG {cog}")),
            (None, Some(city)) => first.push_str(&format!(" {} {city}", w.pick("à", "in"))),
            (None, None) => {}
        }
    }
    let mut lines = vec![first];
    for id in &p.ids {
        let label = match w.lang {
            Lang::Fr => id.kind.label_fr(),
            Lang::En => id.kind.label_en(),
        };
        let mut line = format!("{label} {}", id.id.extension.as_deref().unwrap_or("?"));
        if let Some(check) = &id.nir_check {
            line.push_str(if check.key_ok {
                w.pick(" ✓ clé valide", " ✓ key valid")
            } else {
                w.pick(" ✗ clé invalide", " ✗ key invalid")
            });
        }
        if !id.kind.is_ins() {
            if let Some(root) = &id.id.root {
                line.push_str(&format!(" ({root})"));
            }
        }
        lines.push(line);
    }
    if let Some(ins) = &p.ins {
        if !ins.missing_traits.is_empty() {
            lines.push(format!(
                "{} {}",
                w.pick("⚠ traits INS manquants :", "⚠ missing INS traits:"),
                ins.missing_traits.join(", ")
            ));
        }
    }
    w.line(("Patient", "Patient"), &lines.join("\n"));
}

fn actor(lang: Lang, a: &Actor) -> String {
    let mut parts = Vec::new();
    let who = names(&a.names);
    if !who.is_empty() {
        parts.push(who);
    }
    if let Some(d) = &a.device {
        parts.push(d.display());
    }
    if let Some(s) = &a.specialty {
        parts.push(s.display());
    }
    for id in &a.ids {
        match &id.national {
            Some(n) => parts.push(format!(
                "{} {}",
                match lang {
                    Lang::Fr => n.meaning_fr,
                    Lang::En => n.meaning_en,
                },
                n.number
            )),
            None => parts.push(id.id.display()),
        }
    }
    let mut line = parts.join(" · ");
    if let Some(o) = &a.organization {
        let org = organization(o);
        if !org.is_empty() {
            line.push_str(&format!("\n{org}"));
        }
    }
    line
}

fn organization(o: &Organization) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &o.name {
        parts.push(n.clone());
    }
    for id in &o.ids {
        match &id.national {
            Some(n) => parts.push(format!("{} {}", n.meaning_fr, n.number)),
            None => parts.push(id.id.display()),
        }
    }
    if let Some(ps) = &o.practice_setting {
        parts.push(code_text(ps));
    }
    parts.join(" · ")
}

fn body(w: &mut Writer<'_>, cda: &ClinicalDocument) {
    match &cda.body {
        Body::Structured { sections, .. } => {
            let (count, entries) = count(sections);
            w.line(
                ("Corps", "Body"),
                &format!(
                    "{} : {count} sections, {entries} {}",
                    w.pick("structuré", "structured"),
                    w.pick("entrées", "entries")
                ),
            );
            let mut lines = Vec::new();
            outline(sections, "", &mut lines, w.pick("(sans titre)", "(untitled)"));
            w.line(("Sections", "Sections"), &lines.join("\n"));
        }
        Body::NonXml(b) => {
            let media = b.media_type.as_deref().unwrap_or("?");
            w.line(("Corps", "Body"), &format!("{} : {media}", w.pick("non structuré", "non-XML")));
        }
        Body::Missing => w.line(("Corps", "Body"), w.pick("absent", "missing")),
    }
    if !cda.attachments.is_empty() {
        let lines: Vec<String> = cda
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let kind = match a.kind {
                    AttachmentKind::Body => w.pick("corps", "body"),
                    AttachmentKind::ObservationMedia => "observationMedia",
                    AttachmentKind::PdfCopy => w.pick("copie PDF", "PDF copy"),
                };
                let mut line = format!(
                    "{}. {} · {kind} · ~{}",
                    i + 1,
                    a.media_type.as_deref().unwrap_or("?"),
                    human_size(a.estimated_size)
                );
                if !a.section_path.is_empty() {
                    line.push_str(&format!(" · {}", a.section_path.join(" › ")));
                }
                if let Some(r) = &a.reference {
                    line.push_str(&format!(" · → {r}"));
                }
                line
            })
            .collect();
        w.line(("Pièces jointes", "Attachments"), &lines.join("\n"));
    }
}

fn count(sections: &[Section]) -> (usize, usize) {
    sections.iter().fold((0, 0), |(s, e), sec| {
        let (ss, ee) = count(&sec.sections);
        (s + 1 + ss, e + sec.entries.len() + ee)
    })
}

fn outline(sections: &[Section], prefix: &str, lines: &mut Vec<String>, untitled: &str) {
    for (i, s) in sections.iter().enumerate() {
        let number = format!("{prefix}{}", i + 1);
        let title = s.title.as_ref().map(|t| t.text.clone()).unwrap_or_else(|| untitled.to_string());
        let code =
            s.code.as_ref().and_then(|c| c.code.clone()).map(|c| format!(" [{c}]")).unwrap_or_default();
        let entries =
            if s.entries.is_empty() { String::new() } else { format!(" · {} entr.", s.entries.len()) };
        let indent = "  ".repeat(prefix.matches('.').count());
        lines.push(format!("{indent}{number}. {title}{code}{entries}"));
        outline(&s.sections, &format!("{number}."), lines, untitled);
    }
}
