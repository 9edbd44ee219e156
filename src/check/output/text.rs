//! Text like a compiler's: each issue as `file:line:col: severity[rule]: message`, the
//! source line with carets under what it is about, then its path, its related places
//! (`note: file:line:col: what`, e.g. the narrative cell of a lab result), hint and rule
//! source; a summary line at the end.
//!
//! ```text
//! doc.xml:12:5: error[ins.key]: the key 88 of "279035121518988" does not match…
//!    |
//! 12 |     <id root="1.2.250.1.213.1.4.10" extension="279035121518988"/>
//!    |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
//!    = path: recordTarget/patientRole/id
//!    = note: doc.xml:40:9: (a related place, when the issue has one)
//!    = help: copy the INS exactly as the INSi teleservice returned it…
//!    = rule: docs/rules/ins.key.md
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{hint, layer_name, message, rule_source, severity_word};
use crate::check::inputs::Checked;
use crate::check::{Counts, Issue, Layer};
use crate::summary::Lang;

/// The widest excerpt of a source line shown, in characters (minified documents are one
/// line long).
const WINDOW: usize = 120;
/// How many characters before the column the window starts, on a long line.
const LEAD: usize = 40;

/// Every issue of one checked input.
pub fn render(checked: &Checked, lang: Lang) -> String {
    let mut out = String::new();
    for issue in &checked.report.issues {
        render_issue(&mut out, &checked.report.file, checked.source.as_deref(), issue, lang);
    }
    out
}

/// One issue, with its excerpt when the source is at hand.
pub fn render_issue(out: &mut String, file: &str, source: Option<&str>, issue: &Issue, lang: Lang) {
    let severity = severity_word(issue.severity, lang);
    let text = message(&issue.message, lang);
    match issue.position {
        Some(p) => {
            let _ = writeln!(out, "{file}:{}:{}: {severity}[{}]: {text}", p.line, p.column, issue.rule);
        }
        None => {
            let _ = writeln!(out, "{file}: {severity}[{}]: {text}", issue.rule);
        }
    }
    let excerpt = match (source, issue.span, issue.position) {
        (Some(source), Some(span), Some(position)) => {
            excerpt(source, span.start as usize, span.end as usize, position.line)
        }
        _ => None,
    };
    let gutter = issue.position.map_or(1, |p| p.line.to_string().len());
    let pad = " ".repeat(gutter);
    if let Some((line_number, line, carets)) = excerpt {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line_number:>gutter$} | {line}");
        let _ = writeln!(out, "{pad} | {carets}");
    }
    if let Some(path) = &issue.path {
        let _ = writeln!(out, "{pad} = path: {path}");
    }
    for related in &issue.related {
        let at = related.position.map(|p| format!("{file}:{}:{}: ", p.line, p.column)).unwrap_or_default();
        let _ = writeln!(out, "{pad} = note: {at}{}", message(&related.message, lang));
    }
    if issue.layer == Layer::Svrl {
        if let Some(location) = &issue.location {
            let _ = writeln!(out, "{pad} = location: {location}");
        }
    }
    if let Some(hint) = hint(issue, lang) {
        let _ = writeln!(out, "{pad} = help: {hint}");
    }
    let _ = writeln!(out, "{pad} = rule: {}", rule_source(&issue.source));
    out.push('\n');
}

/// The line holding `start`, cut to a window around it, and the carets under
/// `start..end` (on that line).
fn excerpt(source: &str, start: usize, end: usize, line_number: u32) -> Option<(u32, String, String)> {
    let start = start.min(source.len());
    if !source.is_char_boundary(start) {
        return None;
    }
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..].find('\n').map_or(source.len(), |i| start + i);
    let line = source[line_start..line_end].trim_end_matches('\r');
    let end = end.clamp(start, line_start + line.len());
    let end = (start..=end).rev().find(|&i| source.is_char_boundary(i)).unwrap_or(start);
    let chars: Vec<char> = line.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let column = source[line_start..start].chars().count();
    let width = source[start..end].chars().count().max(1);
    let (from, to) = if chars.len() <= WINDOW {
        (0, chars.len())
    } else {
        let from = column.saturating_sub(LEAD).min(chars.len().saturating_sub(WINDOW));
        (from, (from + WINDOW).min(chars.len()))
    };
    let mut shown: String = chars[from..to].iter().collect();
    let mut caret_at = column - from;
    if from > 0 {
        shown.insert(0, '…');
        caret_at += 1;
    }
    if to < chars.len() {
        shown.push('…');
    }
    let room = (to - from + usize::from(from > 0)).saturating_sub(caret_at).max(1);
    let carets = format!("{}{}", " ".repeat(caret_at), "^".repeat(width.min(room)));
    Some((line_number, shown.trim_end().to_owned(), carets))
}

/// What the layers said about how they ran over a whole run, each once with the number of
/// files ([`tally`]): why a layer did not run, and its notes (the kit's volets, kit files
/// it could not read).
#[derive(Debug, Default)]
pub struct Tally {
    skipped: BTreeMap<(Layer, String), usize>,
    notes: BTreeMap<(Layer, String), usize>,
}

/// The closing lines: the layers' notes and the layers that did not run (each once, with
/// the number of files), then how many files (documents, packages) and issues by severity.
pub fn summary(documents: usize, counts: Counts, tally: &Tally, lang: Lang) -> String {
    let mut out = String::new();
    for ((layer, note), count) in &tally.notes {
        let layer = layer_name(*layer);
        let _ = match lang {
            Lang::Fr => {
                writeln!(
                    out,
                    "note : couche {layer} ({}) : {note}",
                    plural(*count, "fichier", "fichiers", lang)
                )
            }
            Lang::En => {
                writeln!(out, "note: layer {layer} ({}): {note}", plural(*count, "file", "files", lang))
            }
        };
    }
    for ((layer, why), count) in &tally.skipped {
        let layer = layer_name(*layer);
        let _ = match lang {
            Lang::Fr => writeln!(
                out,
                "note : couche {layer} non exécutée pour {} : {why}",
                plural(*count, "fichier", "fichiers", lang)
            ),
            Lang::En => writeln!(
                out,
                "note: layer {layer} not run for {}: {why}",
                plural(*count, "file", "files", lang)
            ),
        };
    }
    let _ = match lang {
        Lang::Fr => writeln!(
            out,
            "{} vérifié{} : {}, {}, {}",
            plural(documents, "fichier", "fichiers", lang),
            if documents > 1 { "s" } else { "" },
            plural(counts.errors, "erreur", "erreurs", lang),
            plural(counts.warnings, "avertissement", "avertissements", lang),
            plural(counts.infos, "info", "infos", lang),
        ),
        Lang::En => writeln!(
            out,
            "{} checked: {}, {}, {}",
            plural(documents, "file", "files", lang),
            plural(counts.errors, "error", "errors", lang),
            plural(counts.warnings, "warning", "warnings", lang),
            plural(counts.infos, "info", "infos", lang),
        ),
    };
    out
}

/// Records the layers an input skipped and what they noted, for [`summary`].
pub fn tally(checked: &Checked, tally: &mut Tally, lang: Lang) {
    for run in &checked.report.layers {
        if let Some(why) = &run.skipped {
            *tally.skipped.entry((run.layer, message(why, lang).to_owned())).or_default() += 1;
        }
        for note in &run.notes {
            *tally.notes.entry((run.layer, message(note, lang).to_owned())).or_default() += 1;
        }
    }
}

/// `n` and the word: in French 0 and 1 are singular, in English only 1 is.
fn plural(n: usize, one: &str, many: &str, lang: Lang) -> String {
    let singular = match lang {
        Lang::Fr => n <= 1,
        Lang::En => n == 1,
    };
    format!("{n} {}", if singular { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_sit_under_the_span_on_its_line() {
        let source = "<a>\n  <id root=\"x\"/>\n</a>";
        let start = source.find("<id").unwrap();
        let (line, shown, carets) = excerpt(source, start, start + 14, 2).unwrap();
        assert_eq!((line, shown.as_str()), (2, "  <id root=\"x\"/>"));
        assert_eq!(carets, "  ^^^^^^^^^^^^^^");
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let source = format!("{}<bad/>{}", "x".repeat(500), "y".repeat(500));
        let start = 500;
        let (_, shown, carets) = excerpt(&source, start, start + 6, 1).unwrap();
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert_eq!(shown.chars().count(), WINDOW + 2);
        let at = carets.find('^').unwrap();
        assert_eq!(shown.chars().skip(at).take(6).collect::<String>(), "<bad/>");
    }
}
