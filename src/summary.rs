//! Presenting a read document: the JSON report (one object per document, the shape of
//! `vigie inspect --json`, of the HTTP API and of the desktop app's commands) and the
//! readable text summary.

use serde::Serialize;

use crate::diag::Finding;
use crate::input::{Document, InputKind};
use crate::model::ClinicalDocument;

/// One document as the presenters see it. Its JSON Schema is `docs/report.schema.json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Report<'a> {
    /// The file name or path as given.
    pub file: &'a str,
    pub kind: InputKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// Size of the input in bytes.
    pub size: usize,
    /// Number of lines of the XML source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<usize>,
    /// Whether the whole input could be read.
    pub complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<&'a ClinicalDocument>,
    pub findings: Vec<&'a Finding>,
}

impl<'a> Report<'a> {
    pub fn new(document: &'a Document, file: &'a str) -> Self {
        Self {
            file,
            kind: document.kind,
            encoding: document.encoding,
            size: document.size,
            lines: document.lines().map(|l| l.line_count()),
            complete: document.complete,
            document: document.cda.as_ref(),
            findings: document.findings.iter().collect(),
        }
    }
}

/// The language of labels in human-readable output (`fr`, `en` on the command line, in the
/// HTTP API's `lang` parameter and the Tauri commands' `lang` argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// French when the environment's locale is French, English otherwise.
    pub fn from_env() -> Lang {
        let lang = std::env::var("LC_ALL")
            .ok()
            .filter(|v| !v.is_empty())
            .or_else(|| std::env::var("LANG").ok())
            .unwrap_or_default();
        if lang.starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    fn pick(self, fr: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// Whether an input counts as read for `vigie inspect`'s exit code: a document was found (or
/// it is a PDF), the whole input was parsed, and it is well-formed XML within the limits.
/// Problems in the content (a wrong INS key, a bad timestamp) do not count here.
pub fn was_read(document: &Document) -> bool {
    let unreadable = |f: &&Finding| {
        f.severity == crate::diag::Severity::Error
            && ["xml.", "limits.", "io.", "input."].iter().any(|p| f.code.starts_with(p))
    };
    match document.kind {
        InputKind::Pdf => true,
        InputKind::Zip | InputKind::OtherXml | InputKind::Unknown => false,
        _ => document.cda.is_some() && document.complete && !document.findings.iter().any(|f| unreadable(&f)),
    }
}

/// The readable summary of one document, as `vigie inspect` prints it.
pub fn text(document: &Document, file: &str, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(file);
    out.push('\n');
    let mut w = Writer { out: &mut out, lang };
    w.line(
        ("Lecture", "Read"),
        &format!(
            "{} · {} · {}{}",
            kind_label(document.kind, lang),
            human_size(document.size),
            document.encoding.unwrap_or("-"),
            if document.complete { "" } else { lang.pick(" · INCOMPLET", " · INCOMPLETE") }
        ),
    );
    if let Some(cda) = &document.cda {
        text::document(&mut w, cda);
    }
    if !document.findings.is_empty() {
        w.heading(("Problèmes", "Problems"));
        for f in document.findings.iter() {
            let at = f.position.map(|p| p.to_string()).unwrap_or_default();
            w.out.push_str(&format!(
                "    {at:<9} {:<7} {}: {}\n",
                format!("{:?}", f.severity).to_lowercase(),
                f.code,
                f.message
            ));
        }
    }
    out
}

fn kind_label(kind: InputKind, lang: Lang) -> &'static str {
    match kind {
        InputKind::ClinicalDocument => lang.pick("document CDA", "CDA document"),
        InputKind::AutoPresentable => {
            lang.pick("document CDA auto-présentable", "auto-presentable CDA document")
        }
        InputKind::Signed => lang.pick("document CDA signé", "signed CDA document"),
        InputKind::Pdf => "PDF",
        InputKind::Zip => lang.pick("archive zip (paquet XDM ?)", "zip archive (XDM package?)"),
        InputKind::OtherXml => lang.pick("XML sans document CDA", "XML without a CDA document"),
        InputKind::Unknown => lang.pick("format inconnu", "unknown format"),
    }
}

/// A size for people: bytes, KB, MB.
pub fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// Writes labelled lines in two columns.
pub(crate) struct Writer<'a> {
    pub out: &'a mut String,
    pub lang: Lang,
}

impl Writer<'_> {
    pub fn line(&mut self, label: (&'static str, &'static str), value: &str) {
        let label = self.lang.pick(label.0, label.1);
        let mut lines = value.lines();
        self.out.push_str(&format!("  {label:<15} {}\n", lines.next().unwrap_or("")));
        for rest in lines {
            self.out.push_str(&format!("  {:<15} {rest}\n", ""));
        }
    }
    pub fn heading(&mut self, label: (&'static str, &'static str)) {
        let label = self.lang.pick(label.0, label.1);
        self.out.push_str(&format!("  {label}\n"));
    }
    pub fn pick(&self, fr: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(fr, en)
    }
}

mod text;
