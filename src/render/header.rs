//! The header card: what the document is, when, for whom, by whom — from the model, with
//! the labels a reader expects, in the page's language.

use crate::model::common::{Code, PersonName};
use crate::model::header::{Actor, Header, Organization, Patient};
use crate::model::identifiers::NationalId;
use crate::summary::Lang;

use super::html::escape_into;
use super::words::Words;

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

/// What the card needs to know of the language: its words, and which of the identifiers'
/// French and English meanings to show.
#[derive(Clone, Copy)]
struct Labels {
    w: &'static Words,
    lang: Lang,
}

impl Labels {
    fn meaning<K>(self, n: &NationalId<K>) -> &'static str {
        match self.lang {
            Lang::Fr => n.meaning_fr,
            Lang::En => n.meaning_en,
        }
    }
}

pub(super) fn card(out: &mut String, h: &Header, w: &'static Words, lang: Lang) {
    let l = Labels { w, lang };
    out.push_str("<header class=\"vg-card\">\n<p class=\"vg-kind\">");
    match &h.code {
        Some(code) => escape_into(out, &code_text(code)),
        None => out.push_str(w.untyped_document),
    }
    out.push_str("</p>\n<h1>");
    match h.title.as_ref().map(|t| t.text.trim()).filter(|t| !t.is_empty()) {
        Some(t) => escape_into(out, t),
        None => out.push_str(w.untitled),
    }
    out.push_str("</h1>\n<dl class=\"vg-facts\">\n");
    if let Some(t) = &h.effective_time {
        row(out, w.date, &esc(&t.display()));
    }
    if let Some(c) = &h.confidentiality {
        row(out, w.confidentiality, &esc(&code_text(c)));
    }
    for p in &h.patients {
        row(out, w.patient, &patient(p, l));
    }
    let on = |t: &crate::model::time::Timestamp| {
        format!("<br><span class=\"vg-muted\">{} {}</span>", w.on, esc(&t.display()))
    };
    for a in &h.authors {
        let mut value = actor(&a.actor, l);
        if let Some(t) = &a.time {
            value.push_str(&on(t));
        }
        row(out, w.author, &value);
    }
    if let Some(s) = &h.legal_authenticator {
        let mut value = actor(&s.actor, l);
        if let Some(t) = &s.time {
            value.push_str(&on(t));
        }
        row(out, w.signed_by, &value);
    }
    if let Some(o) = &h.custodian {
        row(out, w.custodian, &organization(o, l));
    }
    if let Some(e) = &h.encounter {
        let mut parts = Vec::new();
        if let Some(t) = &e.effective_time {
            parts.push(esc(&match lang {
                Lang::Fr => t.display(),
                Lang::En => t.display_en(),
            }));
        }
        if let Some(f) = &e.facility {
            if let Some(c) = &f.code {
                parts.push(esc(&code_text(c)));
            }
            if let Some(n) = &f.location_name {
                parts.push(esc(n));
            }
        }
        row(out, w.encounter, &parts.join(" · "));
    }
    out.push_str("</dl>\n</header>\n");
}

fn patient(p: &Patient, l: Labels) -> String {
    let w = l.w;
    let mut line = format!("<strong>{}</strong>", esc(&first_name(&p.names)));
    if let Some(sex) = &p.sex {
        let label = match sex.code.as_deref() {
            Some("M") => w.male.to_string(),
            Some("F") => w.female.to_string(),
            Some("U") => w.undetermined.to_string(),
            _ => code_text(sex),
        };
        line.push_str(&format!(" · {}", esc(&label)));
    }
    if let Some(b) = &p.birth_time {
        line.push_str(&format!(" · {} {}", w.born, esc(&b.display())));
    }
    for id in &p.ids {
        line.push_str("<br><span class=\"vg-id\">");
        line.push_str(&esc(match l.lang {
            Lang::Fr => id.kind.label_fr(),
            Lang::En => id.kind.label_en(),
        }));
        line.push(' ');
        line.push_str(&esc(id.id.extension.as_deref().unwrap_or("?")));
        if let Some(check) = &id.nir_check {
            line.push_str(&if check.key_ok {
                format!(" <span class=\"vg-ok\">{}</span>", w.key_ok)
            } else {
                format!(" <span class=\"vg-bad\">{}</span>", w.key_bad)
            });
        }
        line.push_str("</span>");
    }
    if let Some(ins) = &p.ins {
        if !ins.missing_traits.is_empty() {
            line.push_str(&format!(
                "<br><span class=\"vg-bad\">{}{}</span>",
                w.missing_ins_traits,
                esc(&ins.missing_traits.join(", "))
            ));
        }
    }
    line
}

fn actor(a: &Actor, l: Labels) -> String {
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
            parts.push(format!("<span class=\"vg-id\">{} {}</span>", esc(l.meaning(n)), esc(&n.number)));
        }
    }
    let mut line = parts.join(" · ");
    if let Some(o) = &a.organization {
        let org = organization(o, l);
        if !org.is_empty() {
            line.push_str("<br>");
            line.push_str(&org);
        }
    }
    line
}

fn organization(o: &Organization, l: Labels) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &o.name {
        parts.push(esc(n));
    }
    for id in &o.ids {
        if let Some(n) = &id.national {
            parts.push(format!("<span class=\"vg-id\">{} {}</span>", esc(l.meaning(n)), esc(&n.number)));
        }
    }
    parts.join(" · ")
}
