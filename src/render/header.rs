//! The header card: what the document is, when, for whom, by whom — from the model, with
//! the French labels a reader expects.

use crate::model::common::{Code, PersonName};
use crate::model::header::{Actor, Header, Organization, Patient};

use super::html::escape_into;

fn code_text(code: &Code) -> String {
    code.text()
}

fn first_name(names: &[PersonName]) -> String {
    names.first().map(PersonName::display).unwrap_or_default()
}

/// A `<dt>label</dt><dd>…</dd>` row; `value` is already HTML.
fn row(out: &mut String, label: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    out.push_str("<dt>");
    out.push_str(label);
    out.push_str("</dt><dd>");
    out.push_str(value);
    out.push_str("</dd>\n");
}

fn esc(text: &str) -> String {
    super::html::escape(text)
}

pub(super) fn card(out: &mut String, h: &Header) {
    out.push_str("<header class=\"vg-card\">\n<p class=\"vg-kind\">");
    match &h.code {
        Some(code) => escape_into(out, &code_text(code)),
        None => out.push_str("Document (type non précisé)"),
    }
    out.push_str("</p>\n<h1>");
    match h.title.as_ref().map(|t| t.text.trim()).filter(|t| !t.is_empty()) {
        Some(t) => escape_into(out, t),
        None => out.push_str("(sans titre)"),
    }
    out.push_str("</h1>\n<dl class=\"vg-facts\">\n");
    if let Some(t) = &h.effective_time {
        row(out, "Date", &esc(&t.display()));
    }
    if let Some(c) = &h.confidentiality {
        row(out, "Confidentialité", &esc(&code_text(c)));
    }
    for p in &h.patients {
        row(out, "Patient", &patient(p));
    }
    for a in &h.authors {
        let mut value = actor(&a.actor);
        if let Some(t) = &a.time {
            value.push_str(&format!("<br><span class=\"vg-muted\">le {}</span>", esc(&t.display())));
        }
        row(out, "Auteur", &value);
    }
    if let Some(s) = &h.legal_authenticator {
        let mut value = actor(&s.actor);
        if let Some(t) = &s.time {
            value.push_str(&format!("<br><span class=\"vg-muted\">le {}</span>", esc(&t.display())));
        }
        row(out, "Validé par", &value);
    }
    if let Some(o) = &h.custodian {
        row(out, "Conservé par", &organization(o));
    }
    if let Some(e) = &h.encounter {
        let mut parts = Vec::new();
        if let Some(t) = &e.effective_time {
            parts.push(esc(&t.display()));
        }
        if let Some(f) = &e.facility {
            if let Some(c) = &f.code {
                parts.push(esc(&code_text(c)));
            }
            if let Some(n) = &f.location_name {
                parts.push(esc(n));
            }
        }
        row(out, "Prise en charge", &parts.join(" · "));
    }
    out.push_str("</dl>\n</header>\n");
}

fn patient(p: &Patient) -> String {
    let mut line = format!("<strong>{}</strong>", esc(&first_name(&p.names)));
    if let Some(sex) = &p.sex {
        let label = match sex.code.as_deref() {
            Some("M") => "masculin".to_string(),
            Some("F") => "féminin".to_string(),
            Some("U") => "indéterminé".to_string(),
            _ => code_text(sex),
        };
        line.push_str(&format!(" · {}", esc(&label)));
    }
    if let Some(b) = &p.birth_time {
        line.push_str(&format!(" · né·e le {}", esc(&b.display())));
    }
    for id in &p.ids {
        line.push_str("<br><span class=\"vg-id\">");
        line.push_str(&esc(id.kind.label_fr()));
        line.push(' ');
        line.push_str(&esc(id.id.extension.as_deref().unwrap_or("?")));
        if let Some(check) = &id.nir_check {
            line.push_str(if check.key_ok {
                " <span class=\"vg-ok\">✓ clé valide</span>"
            } else {
                " <span class=\"vg-bad\">✗ clé invalide</span>"
            });
        }
        line.push_str("</span>");
    }
    if let Some(ins) = &p.ins {
        if !ins.missing_traits.is_empty() {
            line.push_str(&format!(
                "<br><span class=\"vg-bad\">⚠ traits INS manquants : {}</span>",
                esc(&ins.missing_traits.join(", "))
            ));
        }
    }
    line
}

fn actor(a: &Actor) -> String {
    let mut parts = Vec::new();
    let who = first_name(&a.names);
    if !who.is_empty() {
        parts.push(format!("<strong>{}</strong>", esc(&who)));
    }
    if let Some(d) = &a.device {
        let name = d.display();
        if !name.is_empty() {
            parts.push(esc(&name));
        }
    }
    if let Some(s) = &a.specialty {
        let text = s.display();
        parts.push(esc(&text));
    }
    for id in &a.ids {
        if let Some(n) = &id.national {
            parts.push(format!("<span class=\"vg-id\">{} {}</span>", esc(n.meaning_fr), esc(&n.number)));
        }
    }
    let mut line = parts.join(" · ");
    if let Some(o) = &a.organization {
        let org = organization(o);
        if !org.is_empty() {
            line.push_str("<br>");
            line.push_str(&org);
        }
    }
    line
}

fn organization(o: &Organization) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &o.name {
        parts.push(esc(n));
    }
    for id in &o.ids {
        if let Some(n) = &id.national {
            parts.push(format!("<span class=\"vg-id\">{} {}</span>", esc(n.meaning_fr), esc(&n.number)));
        }
    }
    parts.join(" · ")
}
