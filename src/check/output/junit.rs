//! JUnit XML, as CI servers show test reports: one `testsuite` per checked input, one
//! `testcase` per layer. A layer fails (`failure`) when one of its issues reaches
//! `--fail-on`, is `skipped` when it did not run (with why), and lists every issue in its
//! `system-out` either way.

use std::fmt::Write as _;

use super::{layer_name, message, severity_word, FailOn};
use crate::check::inputs::Checked;
use crate::check::Issue;
use crate::summary::Lang;

/// The whole document for every checked input.
pub fn document(checked: &[Checked], fail_on: FailOn, lang: Lang) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut skipped) = (0, 0, 0);
    for input in checked {
        let report = &input.report;
        let mut cases = String::new();
        let (mut suite_failures, mut suite_skipped) = (0, 0);
        for run in &report.layers {
            let name = layer_name(run.layer);
            let issues: Vec<&Issue> = report.issues.iter().filter(|i| i.layer == run.layer).collect();
            let _ = writeln!(
                cases,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">",
                escape(&report.file),
                escape(name),
                run.millis / 1000.0
            );
            if let Some(why) = &run.skipped {
                suite_skipped += 1;
                let _ = writeln!(cases, "      <skipped message=\"{}\"/>", escape(message(why, lang)));
            }
            let failing: Vec<&&Issue> = issues.iter().filter(|i| fail_on.fails(i.severity)).collect();
            if let Some(first) = failing.first() {
                suite_failures += 1;
                let _ = writeln!(
                    cases,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    escape(&format!("{} ({} issue(s))", message(&first.message, lang), failing.len())),
                    escape(&first.rule),
                    escape(&lines(&report.file, failing.iter().map(|i| **i), lang))
                );
            }
            if !issues.is_empty() {
                let _ = writeln!(
                    cases,
                    "      <system-out>{}</system-out>",
                    escape(&lines(&report.file, issues.iter().copied(), lang))
                );
            }
            if !run.notes.is_empty() {
                let notes: Vec<&str> = run.notes.iter().map(|n| message(n, lang)).collect();
                let _ = writeln!(cases, "      <system-err>{}</system-err>", escape(&notes.join("\n")));
            }
            cases.push_str("    </testcase>\n");
        }
        let total_time: f64 = report.layers.iter().map(|r| r.millis).sum::<f64>() / 1000.0;
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"{suite_skipped}\" time=\"{total_time:.3}\">\n{cases}  </testsuite>\n",
            escape(&report.file),
            report.layers.len(),
        );
        tests += report.layers.len();
        failures += suite_failures;
        skipped += suite_skipped;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vigie check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n{suites}</testsuites>\n"
    )
}

/// `file:line:col: severity[rule]: message`, one per issue.
fn lines<'a>(file: &str, issues: impl Iterator<Item = &'a Issue>, lang: Lang) -> String {
    let mut out = String::new();
    for issue in issues {
        let at = issue.position.map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default();
        let path = issue.path.as_deref().map(|p| format!(" [{p}]")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{file}{at}: {}[{}]: {}{path}",
            severity_word(issue.severity, lang),
            issue.rule,
            message(&issue.message, lang)
        );
    }
    out
}

/// Escapes text for an attribute or element, dropping characters XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_forbidden_characters_replaced() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;\u{FFFD}");
    }
}
