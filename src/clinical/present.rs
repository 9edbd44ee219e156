//! A clinical summary as text, as `vigie clinical` prints it: per category, each item on a
//! line (label, code, date), then what is written about it (kind, status, severity,
//! treatment particulars, reactions, comments) and where it is in the source.

use std::fmt::Write as _;

use crate::model::time::Interval;
use crate::results::{Coded, ResultValue, ValueKind};
use crate::summary::Lang;

use super::types::{
    Administration, Category, ClinicalItem, ClinicalSection, Detail, DocumentClinical, ItemLabelSource,
    Timing,
};

fn pick(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

impl Category {
    /// The category's name, as a heading.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Category::Allergies => pick(lang, "Allergies et intolérances", "Allergies and intolerances"),
            Category::AdverseEffects => {
                pick(lang, "Effets indésirables des médicaments", "Adverse drug effects")
            }
            Category::Vigilance => pick(lang, "Points de vigilance", "Points of vigilance"),
            Category::Problems => pick(lang, "Problèmes actifs", "Active problems"),
            Category::Medications => pick(lang, "Traitements", "Treatments"),
            Category::MedicalHistory => pick(lang, "Antécédents médicaux", "Medical history"),
            Category::SurgicalHistory => {
                pick(lang, "Antécédents chirurgicaux et actes", "Surgical history and procedures")
            }
            Category::FamilyHistory => pick(lang, "Antécédents familiaux", "Family history"),
            Category::RiskFactors => pick(lang, "Facteurs de risque", "Risk factors"),
            Category::SocialHistory => pick(lang, "Habitus, mode de vie", "Habits and way of life"),
            Category::Immunizations => pick(lang, "Vaccinations", "Vaccinations"),
            Category::PregnancyHistory => pick(lang, "Historique des grossesses", "Pregnancy history"),
            Category::Devices => pick(lang, "Dispositifs médicaux", "Medical devices"),
        }
    }
}

/// An interval in words: French as [`Interval::display`] writes it, or English.
pub fn interval_text(interval: &Interval, lang: Lang) -> String {
    if lang == Lang::Fr {
        return interval.display();
    }
    if let Some(value) = &interval.value {
        return value.display();
    }
    match (&interval.low, &interval.high, &interval.center) {
        (Some(low), Some(high), _) if low.display() == high.display() => low.display(),
        (Some(low), Some(high), _) => format!("from {} to {}", low.display(), high.display()),
        (Some(low), None, _) => format!("since {}", low.display()),
        (None, Some(high), _) => format!("until {}", high.display()),
        (None, None, Some(center)) => format!("around {}", center.display()),
        (None, None, None) => String::new(),
    }
}

/// `CIM-10 E06.3`: the system's name (else its OID) and the code; empty without a code.
pub fn code_reference(coded: &Coded) -> String {
    let Some(code) = coded.code.as_deref() else { return String::new() };
    match coded.system_name.as_deref().or(coded.system.as_deref()) {
        Some(system) => format!("{system} {code}"),
        None => code.to_string(),
    }
}

/// A text reduced to its letters and digits, lower case, accents and ligatures unfolded:
/// how two texts are compared to tell whether they say the same.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Whether the narrative's words say something other than a code's label: neither holds
/// the other once case, accents, spaces and punctuation are set aside, nor do they share
/// most of their start ("Inactif" and "Intermittent" differ; "Nausée" and "nausées",
/// "PLAVIX 75 mg" and "PLAVIX 75mg", "Actif" and "Active" do not).
pub fn differs(label: &str, text: &str) -> bool {
    let (label, text) = (fold(label), fold(text));
    if label.is_empty() || text.is_empty() || label.contains(&text) || text.contains(&label) {
        return false;
    }
    let shorter = label.chars().count().min(text.chars().count());
    let common = label.chars().zip(text.chars()).take_while(|(a, b)| a == b).count();
    common * 5 < shorter * 4 || common < 4
}

/// A code's label, and the narrative's words after it when they say something else:
/// `Inactif (texte : Intermittent)`.
pub fn coded_words(coded: &Coded, lang: Lang) -> Option<String> {
    let shown = label(coded)?;
    Some(match coded.reference_text.as_deref() {
        Some(text) if differs(shown, text) => {
            format!("{shown} ({}{}{text})", pick(lang, "texte", "text"), colon(lang))
        }
        _ => shown.to_string(),
    })
}

/// A PIVL_TS period (`1 d`, `6 h`) as a posology says it: `1 fois par jour`, `toutes les
/// 6 h`; a unit Vigie does not know reads `période 3 x`.
pub fn period_words(period: &str, lang: Lang) -> String {
    let mut parts = period.split_whitespace();
    let (Some(value), unit) = (parts.next(), parts.next()) else { return period.to_string() };
    let once = value == "1";
    let text = match (unit.unwrap_or(""), once, lang) {
        ("d", true, Lang::Fr) => "1 fois par jour".to_string(),
        ("d", true, Lang::En) => "once a day".to_string(),
        ("wk", true, Lang::Fr) => "1 fois par semaine".to_string(),
        ("wk", true, Lang::En) => "once a week".to_string(),
        ("mo", true, Lang::Fr) => "1 fois par mois".to_string(),
        ("mo", true, Lang::En) => "once a month".to_string(),
        ("a", true, Lang::Fr) => "1 fois par an".to_string(),
        ("a", true, Lang::En) => "once a year".to_string(),
        ("h", true, Lang::Fr) => "toutes les heures".to_string(),
        ("h", true, Lang::En) => "every hour".to_string(),
        ("h", false, Lang::Fr) => format!("toutes les {value} h"),
        ("min", _, Lang::Fr) => format!("toutes les {value} min"),
        ("d", false, Lang::Fr) => format!("tous les {value} jours"),
        ("wk", false, Lang::Fr) => format!("toutes les {value} semaines"),
        ("mo", false, Lang::Fr) => format!("tous les {value} mois"),
        ("a", false, Lang::Fr) => format!("tous les {value} ans"),
        ("h" | "min", _, Lang::En) => format!("every {period}"),
        ("d", false, Lang::En) => format!("every {value} days"),
        ("wk", false, Lang::En) => format!("every {value} weeks"),
        ("mo", false, Lang::En) => format!("every {value} months"),
        ("a", false, Lang::En) => format!("every {value} years"),
        _ => format!("{} {period}", pick(lang, "période", "period")),
    };
    text
}

/// The UCUM annotations posologies write for a unit of presentation, in words (singular,
/// plural); `{count}` counts units and says nothing more.
const DOSE_UNITS: &[(&[&str], [&str; 2], [&str; 2])] = &[
    (
        &["{tablet}", "{Tablet}", "{tbl}", "{cp}", "{comprime}"],
        ["comprimé", "comprimés"],
        ["tablet", "tablets"],
    ),
    (&["{capsule}", "{Capsule}", "{caps}", "{gelule}"], ["gélule", "gélules"], ["capsule", "capsules"]),
    (&["{drop}", "{drp}", "{goutte}"], ["goutte", "gouttes"], ["drop", "drops"]),
    (&["{puff}", "{bouffee}"], ["bouffée", "bouffées"], ["puff", "puffs"]),
    (&["{sachet}", "{sach}"], ["sachet", "sachets"], ["sachet", "sachets"]),
    (&["{ampoule}", "{amp}"], ["ampoule", "ampoules"], ["ampoule", "ampoules"]),
    (&["{suppository}", "{suppo}"], ["suppositoire", "suppositoires"], ["suppository", "suppositories"]),
    (&["{application}"], ["application", "applications"], ["application", "applications"]),
    (&["{dose}"], ["dose", "doses"], ["dose", "doses"]),
    (&["{count}"], ["", ""], ["", ""]),
];

/// A dose as written (`2 {tablet}`, `1–2 {tbl}`) with its unit of presentation in words:
/// `2 comprimés`, `1–2 comprimés`; other units stay as written (`500 mg`).
pub fn dose_words(display: &str, lang: Lang) -> String {
    let Some((number, unit)) = display.rsplit_once(' ') else { return display.to_string() };
    let Some((_, fr, en)) = DOSE_UNITS.iter().find(|(codes, ..)| codes.contains(&unit)) else {
        return display.to_string();
    };
    let plural = number
        .split(['–', '-', ' ', '≥', '≤'])
        .filter_map(|n| n.trim().replace(',', ".").parse::<f64>().ok())
        .any(|n| n > 1.0);
    let [one, many] = pick_pair(lang, fr, en);
    let word = if plural { many } else { one };
    if word.is_empty() {
        number.to_string()
    } else {
        format!("{number} {word}")
    }
}

fn pick_pair<'a>(lang: Lang, fr: &'a [&'a str; 2], en: &'a [&'a str; 2]) -> [&'a str; 2] {
    match lang {
        Lang::Fr => *fr,
        Lang::En => *en,
    }
}

/// A `statusCode` in words (HL7 ActStatus).
pub fn status_word(status: &str, lang: Lang) -> String {
    let word = match status {
        "active" => pick(lang, "actif", "active"),
        "completed" => pick(lang, "terminé", "completed"),
        "suspended" => pick(lang, "suspendu", "suspended"),
        "aborted" => pick(lang, "interrompu", "aborted"),
        "cancelled" => pick(lang, "annulé", "cancelled"),
        "held" => pick(lang, "en attente", "held"),
        "new" => pick(lang, "nouveau", "new"),
        "nullified" => pick(lang, "invalidé", "nullified"),
        "obsolete" => pick(lang, "obsolète", "obsolete"),
        other => return other.to_string(),
    };
    word.to_string()
}

/// A `moodCode` in words (HL7 ActMood).
pub fn mood_word(mood: &str, lang: Lang) -> String {
    let word = match mood {
        "INT" => pick(lang, "prévu", "planned"),
        "RQO" => pick(lang, "demandé", "requested"),
        "PRP" => pick(lang, "proposé", "proposed"),
        "PRMS" => pick(lang, "promis", "promised"),
        "GOL" => pick(lang, "objectif", "goal"),
        "APT" => pick(lang, "rendez-vous", "appointment"),
        "ARQ" => pick(lang, "rendez-vous demandé", "appointment requested"),
        "RSK" => pick(lang, "risque", "risk"),
        "EXPEC" => pick(lang, "attendu", "expected"),
        other => return other.to_string(),
    };
    word.to_string()
}

/// The status to show for an item: its clinical status (coded), else its concern's status,
/// else its own `statusCode` unless `completed` — which says the statement is written, not
/// that the problem or the treatment is over.
pub fn item_status(item: &ClinicalItem, lang: Lang) -> Option<String> {
    if let Some(status) = item.clinical_status.as_ref().and_then(|s| coded_words(s, lang)) {
        return Some(status);
    }
    if let Some(status) = item.concern.as_ref().and_then(|c| c.status.as_deref()) {
        return Some(status_word(status, lang));
    }
    item.status.as_deref().filter(|s| *s != "completed").map(|s| status_word(s, lang))
}

/// The coded subject the label names: the agent, the product or the concept.
pub fn subject(item: &ClinicalItem) -> Option<&Coded> {
    let product = item.administration.as_ref().and_then(|a| a.product.as_ref());
    match item.label_source {
        Some(ItemLabelSource::Substance) => item.substance.as_ref(),
        Some(ItemLabelSource::Product) => product,
        _ => item.code.as_ref().or(item.substance.as_ref()).or(product),
    }
}

/// The narrative's words for the item's subject when they say something other than its
/// label (IPS-FR: "Autre problème (texte libre)" written for CIM-10 R69).
pub fn narrative_beside(item: &ClinicalItem) -> Option<&str> {
    let text = subject(item)?.reference_text.as_deref().filter(|t| !super::items::yes_or_no(t))?;
    differs(item.label.as_deref()?, text).then_some(text)
}

/// A value in words: booleans as yes or no, others as displayed.
fn value_text(value: &ResultValue, lang: Lang) -> String {
    match (value.kind, value.display.as_str()) {
        (ValueKind::Boolean, "true") => pick(lang, "oui", "yes").to_string(),
        (ValueKind::Boolean, "false") => pick(lang, "non", "no").to_string(),
        _ => value.display.clone(),
    }
}

/// What separates a name from its value: ` : ` in French typography, `: ` in English.
fn colon(lang: Lang) -> &'static str {
    pick(lang, " : ", ": ")
}

fn label(coded: &Coded) -> Option<&str> {
    coded.label.as_deref().or(coded.code.as_deref())
}

/// The summary of one document: a heading line, then per category its sections and items.
pub fn text(document: &DocumentClinical, lang: Lang) -> String {
    let summary = &document.summary;
    let mut out = String::new();
    let date = document.document_date.as_ref().map(|d| format!(" — {}", d.display())).unwrap_or_default();
    let title = document.title.as_deref().map(|t| format!(" — {t}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{title}{date} — {} {}",
        document.file,
        summary.item_count,
        pick(lang, "élément(s)", "item(s)")
    );
    for group in &summary.groups {
        let _ = writeln!(out, "\n{}", group.category.name(lang).to_uppercase());
        for section in &group.sections {
            write_section(&mut out, section, lang);
        }
    }
    out
}

fn write_section(out: &mut String, section: &ClinicalSection, lang: Lang) {
    let line = section
        .position
        .map(|p| format!(" ({} {})", pick(lang, "ligne", "line"), p.line))
        .unwrap_or_default();
    let title = section.title.as_deref().unwrap_or("—");
    let _ = writeln!(out, "  {title}{line}");
    if let Some(narrative) = &section.narrative {
        let _ = writeln!(
            out,
            "    {}",
            pick(lang, "(non codé — texte du document :)", "(not coded — the document's text:)")
        );
        for l in narrative.lines() {
            let _ = writeln!(out, "    │ {l}");
        }
    }
    for item in &section.items {
        write_item(out, item, lang);
    }
}

fn write_item(out: &mut String, item: &ClinicalItem, lang: Lang) {
    let c = colon(lang);
    let mut head = String::from("    - ");
    head.push_str(item.label.as_deref().unwrap_or(pick(lang, "(sans libellé)", "(no label)")));
    match item.label_source {
        Some(ItemLabelSource::Narrative) => {
            head.push_str(pick(lang, " (texte, non codé)", " (text, not coded)"))
        }
        Some(ItemLabelSource::Kind) => head.push_str(pick(lang, " (objet non codé)", " (subject not coded)")),
        _ => {}
    }
    if let Some(value) = item.value.as_ref().map(|v| value_text(v, lang)).filter(|v| !v.is_empty()) {
        let _ = write!(head, "{c}{value}");
    }
    if let Some(coded) = subject(item).map(code_reference).filter(|c| !c.is_empty()) {
        let _ = write!(head, "  [{coded}]");
    }
    if item.negated {
        head.push_str(pick(lang, "  [négation : negationInd]", "  [negated: negationInd]"));
    }
    if let Some(time) = item.effective_time.as_ref().map(|t| interval_text(t, lang)).filter(|t| !t.is_empty())
    {
        let _ = write!(head, " — {time}");
    }
    let _ = writeln!(out, "{head}");

    let mut facts: Vec<String> = Vec::new();
    if let Some(text) = narrative_beside(item) {
        facts.push(format!("{}{c}{text}", pick(lang, "texte", "text")));
    }
    if let Some(relative) = item.relative.as_ref().and_then(label) {
        facts.push(format!("{}{c}{relative}", pick(lang, "parent", "relative")));
    }
    // a kind is worth its label only (`SURG` alone says little)
    if let Some(kind) = item
        .kind
        .as_ref()
        .and_then(|k| k.label.as_deref())
        .filter(|_| item.label_source != Some(ItemLabelSource::Kind))
    {
        facts.push(kind.to_string());
    }
    if let Some(mood) = &item.mood {
        facts.push(mood_word(mood, lang));
    }
    if let Some(status) = item_status(item, lang) {
        facts.push(format!("{}{c}{status}", pick(lang, "statut", "status")));
    }
    for (name, coded) in [
        (pick(lang, "sévérité", "severity"), &item.severity),
        (pick(lang, "criticité", "criticality"), &item.criticality),
        (pick(lang, "certitude", "certainty"), &item.certainty),
    ] {
        if let Some(text) = coded.as_ref().and_then(|c| coded_words(c, lang)) {
            facts.push(format!("{name}{c}{text}"));
        }
    }
    if let Some(substance) = &item.substance {
        if let Some(code) = item.code.as_ref().and_then(label) {
            if Some(code) != label(substance) {
                facts.push(code.to_string());
            }
        }
    }
    for site in &item.target_sites {
        facts.extend(label(site).map(|s| format!("{}{c}{s}", pick(lang, "site", "site"))));
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "        {}", facts.join(" · "));
    }
    if let Some(administration) = &item.administration {
        write_administration(out, administration, lang);
    }
    for reaction in &item.reactions {
        let mut line = format!(
            "        {}{c}{}",
            pick(lang, "réaction", "reaction"),
            reaction.label.as_deref().unwrap_or("—")
        );
        if let Some(severity) = reaction.severity.as_ref().and_then(|s| coded_words(s, lang)) {
            let _ = write!(line, " ({}{c}{severity})", pick(lang, "sévérité", "severity"));
        }
        if let Some(time) =
            reaction.effective_time.as_ref().map(|t| interval_text(t, lang)).filter(|t| !t.is_empty())
        {
            let _ = write!(line, " — {time}");
        }
        let _ = writeln!(out, "{line}");
    }
    let reasons: Vec<String> = item.reasons.iter().filter_map(|r| coded_words(r, lang)).collect();
    if !reasons.is_empty() {
        let _ = writeln!(out, "        {}{c}{}", pick(lang, "motif", "reason"), reasons.join(" ; "));
    }
    for detail in &item.details {
        let name = detail.code.as_ref().and_then(label);
        let value = detail_value(detail, lang);
        let value = value.as_deref();
        match (name, value) {
            (Some(name), Some(value)) => {
                let _ = writeln!(out, "        {name}{c}{value}");
            }
            (Some(text), None) | (None, Some(text)) => {
                let _ = writeln!(out, "        {text}");
            }
            (None, None) => {}
        }
    }
    if !item.performers.is_empty() {
        let _ = writeln!(out, "        {}{c}{}", pick(lang, "par", "by"), item.performers.join(" ; "));
    }
    for comment in &item.comments {
        if let Some(text) = &comment.text {
            let _ = writeln!(out, "        {}{c}{text}", pick(lang, "commentaire", "comment"));
        }
    }
    if let Some(position) = item.position {
        let _ = writeln!(out, "        {} {}", pick(lang, "ligne", "line"), position.line);
    }
}

/// What an observation about an item found: its value (and the narrative's words when they
/// say something else: `certain(e) (texte : probable)`), else the text it references.
pub fn detail_value(detail: &Detail, lang: Lang) -> Option<String> {
    let Some(value) = detail.value.as_ref().map(|v| value_text(v, lang)).filter(|v| !v.is_empty()) else {
        return detail.text.clone();
    };
    Some(match detail.text.as_deref() {
        Some(text) if differs(&value, text) => {
            format!("{value} ({}{}{text})", pick(lang, "texte", "text"), colon(lang))
        }
        _ => value,
    })
}

fn write_administration(out: &mut String, a: &Administration, lang: Lang) {
    let c = colon(lang);
    let mut facts: Vec<String> = Vec::new();
    if let Some(dose) = &a.dose {
        facts.push(format!(
            "{}{c}{}",
            pick(lang, "dose", "dose"),
            amount(&dose_words(&dose.display, lang), dose.text.as_deref())
        ));
    }
    if let Some(rate) = &a.rate {
        facts.push(format!(
            "{}{c}{}",
            pick(lang, "débit", "rate"),
            amount(&rate.display, rate.text.as_deref())
        ));
    }
    if let Some(max) = &a.max_dose {
        facts.push(format!(
            "{}{c}{}",
            pick(lang, "dose max.", "max. dose"),
            amount(&max.display, max.text.as_deref())
        ));
    }
    for timing in &a.timing {
        facts.extend(timing_text(timing, lang));
    }
    if let Some(route) = a.route.as_ref().and_then(label) {
        facts.push(format!("{}{c}{route}", pick(lang, "voie", "route")));
    }
    if let Some(site) = a.approach_site.as_ref().and_then(label) {
        facts.push(format!("{}{c}{site}", pick(lang, "site", "site")));
    }
    if let Some(rank) = &a.dose_number {
        facts.push(format!("{}{c}{rank}", pick(lang, "rang", "dose number")));
    }
    if let Some(lot) = &a.lot_number {
        facts.push(format!("{}{c}{lot}", pick(lang, "lot", "lot")));
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "        {}", facts.join(" · "));
    }
    for (n, step) in a.steps.iter().enumerate() {
        let mut facts: Vec<String> = Vec::new();
        if let Some(time) =
            step.effective_time.as_ref().map(|t| interval_text(t, lang)).filter(|t| !t.is_empty())
        {
            facts.push(time);
        }
        if let Some(dose) = &step.dose {
            facts.push(format!(
                "{}{c}{}",
                pick(lang, "dose", "dose"),
                amount(&dose_words(&dose.display, lang), dose.text.as_deref())
            ));
        }
        for timing in &step.timing {
            facts.extend(timing_text(timing, lang));
        }
        let _ = writeln!(out, "        {} {}{c}{}", pick(lang, "palier", "step"), n + 1, facts.join(" · "));
    }
}

/// `1 comprimé (1 cp)`: the structured amount, and the narrative's words when they are
/// written otherwise.
fn amount(display: &str, text: Option<&str>) -> String {
    match text {
        Some(text) if fold(text) != fold(display) => format!("{display} ({})", text.trim()),
        _ => display.to_string(),
    }
}

fn timing_text(timing: &Timing, lang: Lang) -> Option<String> {
    let structured = if let Some(period) = &timing.period {
        Some(period_words(period, lang))
    } else if let Some(event) = &timing.event {
        label(event).map(str::to_string)
    } else {
        let interval = timing.interval.as_ref().map(|i| interval_text(i, lang)).filter(|t| !t.is_empty());
        let width = timing.width.as_ref().map(|w| format!("{} {w}", pick(lang, "pendant", "for")));
        match (interval, width) {
            (Some(i), Some(w)) => Some(format!("{i} {w}")),
            (i, w) => i.or(w),
        }
    }?;
    Some(match &timing.text {
        Some(text) if fold(text) != fold(&structured) => format!("{structured} ({text})"),
        _ => structured,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_reads_as_a_frequency() {
        assert_eq!(period_words("1 d", Lang::Fr), "1 fois par jour");
        assert_eq!(period_words("1 d", Lang::En), "once a day");
        assert_eq!(period_words("6 h", Lang::Fr), "toutes les 6 h");
        assert_eq!(period_words("2 d", Lang::Fr), "tous les 2 jours");
        assert_eq!(period_words("1 wk", Lang::En), "once a week");
        assert_eq!(period_words("3 x", Lang::Fr), "période 3 x");
        assert_eq!(period_words("d", Lang::Fr), "période d");
    }

    #[test]
    fn a_unit_of_presentation_reads_as_words() {
        assert_eq!(dose_words("2 {tablet}", Lang::Fr), "2 comprimés");
        assert_eq!(dose_words("1 {tbl}", Lang::Fr), "1 comprimé");
        assert_eq!(dose_words("1–2 {capsule}", Lang::En), "1–2 capsules");
        assert_eq!(dose_words("0,5 {tablet}", Lang::Fr), "0,5 comprimé");
        assert_eq!(dose_words("1 {count}", Lang::Fr), "1");
        assert_eq!(dose_words("500 mg", Lang::Fr), "500 mg");
        assert_eq!(dose_words("{tablet}", Lang::Fr), "{tablet}");
    }

    #[test]
    fn the_narrative_differs_only_when_it_says_something_else() {
        assert!(differs("Inactif", "Intermittent"));
        assert!(differs("certain(e)", "probable"));
        assert!(!differs("Nausée", "nausées"));
        assert!(!differs("PLAVIX 75 mg, comprimé pelliculé", "PLAVIX 75mg, comprimé pelliculé"));
        assert!(!differs("Actif", "Active"));
        assert!(!differs("Thyroïdite auto-immune", "Thyroïdite auto-immune (CIM-10 : E06.3)"));
        assert!(!differs("", "texte"));
        assert_eq!(fold("Œdème, cœur"), "oedemecoeur");
    }
}
