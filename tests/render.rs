//! `vigie::render`: nothing silently lost over the whole corpus, snapshots of representative
//! documents, one test per hostile document, the CSP, and `vigie render` as a user runs it.

mod common;

use std::path::PathBuf;
use std::process::Command;

use vigie::model::{Body, NarrativeNode, Nodes, Section};
use vigie::render::{render, Neutralised, RenderOptions, Rendered, CONTENT_SECURITY_POLICY};

fn render_file(path: &std::path::Path) -> (vigie::Document, Rendered) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let document = common::read(&bytes);
    let rendered = render(&document, &RenderOptions::default());
    (document, rendered)
}

fn hostile(name: &str) -> Rendered {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile").join(name);
    let (document, rendered) = render_file(&path);
    assert!(document.cda.is_some(), "{name} is a CDA document");
    rendered
}

// ---------------------------------------------------------------- nothing silently lost

/// The words of every narrative text node, in document order, each node split on its own.
fn narrative_words(sections: &[Section], words: &mut Vec<String>) {
    fn walk(nodes: Nodes<'_>, words: &mut Vec<String>) {
        for n in nodes {
            match n {
                NarrativeNode::Text(text) => words.extend(text.text().split_whitespace().map(str::to_string)),
                NarrativeNode::Element(element) => walk(element.children(), words),
            }
        }
    }
    for s in sections {
        if let Some(t) = &s.text {
            walk(t.nodes(), words);
        }
        narrative_words(&s.sections, words);
    }
}

/// The visible text of the page's body: tags replaced by a space, the entities the renderer
/// writes unescaped.
fn visible_words(html: &str) -> Vec<String> {
    let body = &html[html.find("<body>").expect("a body")..];
    let mut text = String::with_capacity(body.len());
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().map(str::to_string).collect()
}

/// How many of `wanted` appear in `visible` in order. A wanted word may also be the
/// continuation of a visible word (two adjacent text nodes written without a tag between).
fn matched_in_order(wanted: &[String], visible: &[String]) -> usize {
    let (mut i, mut offset, mut matched) = (0, 0, 0);
    'words: for w in wanted {
        let (start_i, start_offset) = (i, offset);
        while i < visible.len() {
            if visible[i][offset..].starts_with(w.as_str()) {
                offset += w.len();
                if offset == visible[i].len() {
                    i += 1;
                    offset = 0;
                }
                matched += 1;
                continue 'words;
            }
            i += 1;
            offset = 0;
        }
        // not found: leave the position where it was, so that one lost word does not hide the others
        (i, offset) = (start_i, start_offset);
    }
    matched
}

#[test]
fn every_narrative_word_of_the_corpus_is_shown_in_order() {
    let mut failures = Vec::new();
    let (mut total, mut shown) = (0, 0);
    for path in common::corpus() {
        let (document, rendered) = render_file(&path);
        let Some(cda) = &document.cda else { continue };
        let Body::Structured { sections, .. } = &cda.body else { continue };
        let mut wanted = Vec::new();
        narrative_words(sections, &mut wanted);
        let matched = matched_in_order(&wanted, &visible_words(&rendered.html));
        total += wanted.len();
        shown += matched;
        if matched != wanted.len() {
            failures.push(format!(
                "{}: {matched}/{} words ({:.2} %)",
                path.file_name().unwrap_or_default().to_string_lossy(),
                wanted.len(),
                100.0 * matched as f64 / wanted.len() as f64
            ));
        }
    }
    eprintln!("narrative coverage over the corpus: {shown}/{total} words");
    assert!(total > 10_000, "the corpus has narrative text ({total} words)");
    assert!(
        failures.is_empty(),
        "coverage {shown}/{total} words; documents below 100 %:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_coverage_measure_can_fail() {
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(matched_in_order(&words("a b c"), &words("x a y b c")), 3);
    assert_eq!(matched_in_order(&words("a b c"), &words("c b a")), 1);
    assert_eq!(matched_in_order(&words("ab cd"), &words("abcd")), 2);
    assert_eq!(matched_in_order(&words("a lost b"), &words("a b")), 2);
}

#[test]
fn every_corpus_document_renders_with_the_csp_and_no_script() {
    for path in common::corpus() {
        let (_, rendered) = render_file(&path);
        assert_safe(&rendered.html, &path.display().to_string());
    }
}

// ---------------------------------------------------------------- snapshots

fn snapshot(name: &str) {
    let (_, rendered) = render_file(&common::corpus_file(name));
    insta::assert_snapshot!(name, common::reviewable(&rendered.html));
}

#[test]
fn snapshot_lab_report() {
    snapshot("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml");
}

#[test]
fn snapshot_vaccination_note_with_lists() {
    snapshot("TestContenuCDA-3-0__ExemplesCDA__VAC_2023.01.xml");
}

#[test]
fn snapshot_pdf_only_document() {
    snapshot("TestContenuCDA-3-0__ExemplesCDA__DOC_NON_STRUCTURE_CDA-R2-N1.xml");
}

/// The same lab report with the page's own words in English: labels, headings, placeholders
/// and the report's descriptions; the document's words as written.
#[test]
fn snapshot_lab_report_in_english() {
    let path = common::corpus_file("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml");
    let document = common::read(&std::fs::read(&path).expect("the corpus document"));
    let options = RenderOptions { lang: vigie::render::Lang::En, ..RenderOptions::default() };
    let rendered = render(&document, &options);
    assert!(rendered.html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    insta::assert_snapshot!("lab-report-in-english", common::reviewable(&rendered.html));
}

#[test]
fn the_security_report_speaks_the_page_language() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/unknown-elements.xml");
    let document = common::read(&std::fs::read(&path).expect("the fixture"));
    let options = RenderOptions { lang: vigie::render::Lang::En, ..RenderOptions::default() };
    let r = render(&document, &options);
    reported(&r.report, "unknown-element", "element <script> unknown to the narrative block");
    reported(&r.report, "foreign-element", "of another namespace");
    assert!(r.html.contains("item"), "{}", r.html);
    insta::assert_snapshot!("hostile-unknown-elements-in-english", vigie::render::report_text(&r.report));
}

#[test]
fn snapshot_hostile_document() {
    insta::assert_snapshot!(
        "hostile-unknown-elements",
        common::reviewable(&hostile("unknown-elements.xml").html)
    );
}

// ---------------------------------------------------------------- hostile documents

/// Nothing that can run or fetch: no script element, no event handler, no script URL, no
/// tracker, no HTML data URL.
fn assert_safe(html: &str, what: &str) {
    let lower = html.to_ascii_lowercase();
    for forbidden in [
        "<script",
        "javascript:",
        "vbscript:",
        "http://tracker",
        "data:text/html",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<link",
        "<base",
    ] {
        assert!(!lower.contains(forbidden), "{what}: the page contains {forbidden:?}");
    }
    let bytes = lower.as_bytes();
    for (i, _) in lower.match_indices(" on") {
        let name: String = lower[i + 3..].chars().take_while(|c| c.is_ascii_lowercase()).collect();
        let after = bytes.get(i + 3 + name.len());
        assert!(
            name.is_empty() || after != Some(&b'='),
            "{what}: the page contains an event handler \" on{name}=\""
        );
    }
    let csp = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">");
    assert!(html.contains(&csp), "{what}: the CSP meta is missing");
    let head = &html[..html.find("</head>").expect("a head")];
    assert!(head.find(&csp) < head.find("<style>"), "{what}: the CSP comes before any content");
}

/// The report lists an item of `code` located in the source.
fn reported<'r>(report: &'r [Neutralised], code: &str, contains: &str) -> &'r Neutralised {
    let item = report
        .iter()
        .find(|n| n.code == code && n.what.contains(contains))
        .unwrap_or_else(|| panic!("no {code} item containing {contains:?} in the report: {report:#?}"));
    assert!(item.position.is_some() && item.span.start > 0, "{item:?} points into the document");
    item
}

#[test]
fn javascript_links_keep_their_text_and_lose_their_target() {
    let r = hostile("javascript-link.xml");
    assert_safe(&r.html, "javascript-link");
    assert!(r.html.contains("le résultat"), "the link text stays");
    reported(&r.report, "unsafe-link", "javascript:alert(1)");
    reported(&r.report, "unsafe-link", "ScRiPt:alert(2)");
    reported(&r.report, "unsafe-link", "vbscript:");
    assert_eq!(r.report.iter().filter(|n| n.code == "unsafe-link").count(), 3);
}

#[test]
fn event_handlers_and_styles_on_cells_are_dropped() {
    let r = hostile("onmouseover-td.xml");
    assert_safe(&r.html, "onmouseover-td");
    assert!(r.html.contains(">cellule piégée</td>"));
    assert!(r.html.contains("<td align=\"center\">cellule saine</td>"), "{}", r.html);
    let item = reported(&r.report, "event-handler", "onmouseover");
    assert_eq!(item.position.map(|p| (p.line, p.column)), Some((18, 15)));
    reported(&r.report, "inline-style", "background");
    reported(&r.report, "bad-attribute-value", "colspan");
}

#[test]
fn a_style_code_cannot_break_out_of_its_attribute() {
    let r = hostile("stylecode-breakout.xml");
    assert_safe(&r.html, "stylecode-breakout");
    assert!(r.html.contains("<span>texte stylé</span>"), "{}", r.html);
    assert!(r.html.contains("<span class=\"sc-Bold sc-xRowGroup\">gras</span>"));
    reported(&r.report, "bad-style-code", "onclick");
}

#[test]
fn an_external_image_is_never_fetched() {
    let r = hostile("external-image.xml");
    assert_safe(&r.html, "external-image");
    assert!(!r.html.contains("<img"), "no image element at all");
    assert!(r.html.contains("référence externe (non chargée"));
    reported(&r.report, "external-reference", "http://tracker.example/pixel.png");
}

#[test]
fn markup_written_as_text_stays_text() {
    let r = hostile("script-text.xml");
    assert_safe(&r.html, "script-text");
    assert!(r.html.contains("&lt;/iframe&gt;&lt;script&gt;alert(1)&lt;/script&gt; fin"));
    assert!(r.html.contains("&lt;/iframe&gt;&lt;script&gt;alert(2)&lt;/script&gt; encore"));
    assert!(r.report.is_empty(), "text is not a neutralised item: {:?}", r.report);
}

#[test]
fn an_html_data_url_is_not_a_link() {
    let r = hostile("data-html-link.xml");
    assert_safe(&r.html, "data-html-link");
    assert!(r.html.contains("ouvrir"));
    reported(&r.report, "unsafe-link", "data:text/html");
}

#[test]
fn an_svg_image_with_script_is_not_rendered() {
    let r = hostile("svg-script.xml");
    assert_safe(&r.html, "svg-script");
    assert!(!r.html.contains("<svg") && !r.html.contains("<img"), "neither inline nor as an image");
    assert!(r.html.contains("[pièce jointe image/svg+xml"), "a placeholder says what it is");
    reported(&r.report, "active-media", "image/svg+xml");
}

#[test]
fn an_html_body_is_not_rendered() {
    let r = hostile("html-body.xml");
    assert_safe(&r.html, "html-body");
    assert!(r.html.contains("Corps text/html"), "a placeholder says what the body is");
    reported(&r.report, "active-body", "text/html");
}

#[test]
fn unknown_and_foreign_elements_show_their_text_with_a_marker() {
    let r = hostile("unknown-elements.xml");
    assert_safe(&r.html, "unknown-elements");
    assert!(r.html.contains("⟨script⟩</span>alert(1)</span>"), "{}", r.html);
    assert!(r.html.contains("cadre") && r.html.contains("étranger"));
    reported(&r.report, "unknown-element", "<script>");
    reported(&r.report, "unknown-element", "<iframe>");
    reported(&r.report, "foreign-element", "<img>");
    reported(&r.report, "event-handler", "onerror");
}

// ---------------------------------------------------------------- the narrative block

fn render_narrative(text: &str) -> Rendered {
    let xml = format!(
        r#"<ClinicalDocument xmlns="urn:hl7-org:v3"><title>t</title><component><structuredBody><component><section><title>S</title><text>{text}</text></section></component></structuredBody></component></ClinicalDocument>"#
    );
    render(&common::read(xml.as_bytes()), &RenderOptions::default())
}

fn narrative_html(text: &str) -> String {
    let html = render_narrative(text).html;
    let start = html.find("<div class=\"cda-narrative\">").expect("a narrative") + 27;
    let end = html[start..].find("</div>\n").expect("its end") + start;
    html[start..end].to_string()
}

#[test]
fn revisions_footnotes_and_internal_links() {
    let html = narrative_html(
        r##"<content revised="insert">ajouté</content><content revised="delete">retiré</content><linkHtml href="#r1">voir</linkHtml><content ID="r1">ici</content>a<footnote ID="f1">note</footnote> b<footnoteRef IDREF="f1"/>"##,
    );
    assert_eq!(
        html,
        r##"<ins>ajouté</ins><del>retiré</del><a href="#n-r1">voir</a><span id="n-r1">ici</span>a<sup class="cda-fnref"><a id="fnref-1" href="#fn-1" aria-label="note 1">1</a></sup> b<sup class="cda-fnref"><a href="#fn-1">1</a></sup>"##
    );
    let page = render_narrative(r#"a<footnote ID="f1">note</footnote>"#).html;
    assert!(page.contains(r##"<li id="fn-1" value="1"><span id="n-f1"></span><span>note</span> <a class="cda-fnback" href="#fnref-1""##));
}

#[test]
fn lists_and_tables_with_their_legal_attributes() {
    let html = narrative_html(
        r#"<list listType="ordered" styleCode="LittleRoman"><caption>Liste</caption><item>un</item></list><table border="1" width="100%"><caption>T</caption><colgroup><col span="2" width="50"/></colgroup><thead><tr><th scope="col" abbr="R">Résultat</th></tr></thead><tbody><tr><td rowspan="2" valign="top" headers="h1 h2">1</td></tr></tbody></table>"#,
    );
    assert_eq!(
        html,
        r#"<div class="cda-caption">Liste</div><ol class="cda-list sc-LittleRoman"><li>un</li></ol><table border="1" width="100%"><caption class="cda-caption">T</caption><colgroup><col span="2" width="50"></colgroup><thead><tr><th scope="col" abbr="R">Résultat</th></tr></thead><tbody><tr><td rowspan="2" valign="top" headers="n-h1 n-h2">1</td></tr></tbody></table>"#
    );
}

#[test]
fn external_links_show_their_target() {
    let html = narrative_html(r#"<linkHtml href="https://esante.gouv.fr/x?a=1&amp;b=2">ANS</linkHtml>"#);
    assert_eq!(
        html,
        r#"<a class="cda-external" rel="noopener noreferrer" target="_blank" href="https://esante.gouv.fr/x?a=1&amp;b=2">ANS</a> <span class="vg-target">⟨https://esante.gouv.fr/x?a=1&amp;b=2⟩</span>"#
    );
}

/// Found by tests/fidelity.rs: an untitled section (a CR-BIO sub-chapter, TSH_1.xml) had no
/// heading at all, where CDA.xsl names it by its code's displayName.
#[test]
fn an_untitled_section_is_named_by_its_code_as_cda_xsl_names_it() {
    let xml = r#"<ClinicalDocument xmlns="urn:hl7-org:v3"><title>t</title><component><structuredBody>
        <component><section><code code="18719-5" codeSystem="2.16.840.1.113883.6.1" displayName="Biochimie"/><title>BIOCHIMIE</title>
          <component><section><code code="18719-5" codeSystem="2.16.840.1.113883.6.1" displayName="Biochimie"/><text>TSH</text></section></component>
          <component><section><code code="18719-5" codeSystem="2.16.840.1.113883.6.1" displayName="Biochimie"/><title nullFlavor="NA"/><text>FT4</text></section></component>
          <component><section><text>sans code</text></section></component>
        </section></component></structuredBody></component></ClinicalDocument>"#;
    let html = render(&common::read(xml.as_bytes()), &RenderOptions::default()).html;
    assert!(html.contains("<h2>BIOCHIMIE</h2>"), "a title stays the heading: {html}");
    assert!(
        html.contains("id=\"s-1-1\">\n<h3 class=\"vg-from-code\">Biochimie</h3>")
            && html.contains("id=\"s-1-2\">\n<h3 class=\"vg-from-code\">Biochimie</h3>"),
        "no title, or a nullFlavor one: the code's displayName, styled apart: {html}"
    );
    assert!(html.contains("id=\"s-1-3\">\n<div class=\"cda-narrative\">sans code"), "{html}");
    assert!(html.contains("<a href=\"#s-1-1\"><span class=\"vg-from-code\">Biochimie</span></a>"));
    assert!(html.contains("<a href=\"#s-1-3\"><span class=\"vg-untitled\">(sans titre)</span></a>"));
}

#[test]
fn white_space_is_kept_as_written_and_br_breaks_lines() {
    let html = narrative_html("<paragraph>ligne 1<br/>  ligne   2\n    suite</paragraph>");
    assert_eq!(html, "<div class=\"cda-paragraph\">ligne 1<br>  ligne   2\n    suite</div>");
}

#[test]
fn inline_png_images_are_embedded_and_others_are_placeholders() {
    // a 1×1 PNG
    let png =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let svg = "PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+"; // <svg onload="alert(1)"/>
    let xml = format!(
        r#"<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><title>t</title><component><structuredBody><component><section><title>S</title><text><renderMultiMedia referencedObject="IMG1"><caption>Radio</caption></renderMultiMedia><renderMultiMedia referencedObject="IMG2"/><renderMultiMedia referencedObject="NONE"/></text>
        <entry><observationMedia classCode="OBS" moodCode="EVN" ID="IMG1"><value xsi:type="ED" mediaType="image/png" representation="B64">{png}</value></observationMedia></entry>
        <entry><observationMedia classCode="OBS" moodCode="EVN" ID="IMG2"><value xsi:type="ED" mediaType="image/png" representation="B64">{svg}</value></observationMedia></entry>
        </section></component></structuredBody></component></ClinicalDocument>"#
    );
    let r = render(&common::read(xml.as_bytes()), &RenderOptions::default());
    assert!(r.html.contains(&format!("src=\"data:image/png;base64,{png}\"")), "{}", r.html);
    assert!(r.html.contains("<div class=\"cda-caption\">Radio</div>"));
    assert!(!r.html.contains("onload"), "an SVG declared as PNG is not embedded");
    reported(&r.report, "not-an-image", "image/png");
    reported(&r.report, "missing-object", "NONE");
}

// ---------------------------------------------------------------- the command line

fn vigie(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vigie")).args(args).env("LANG", "C").output().expect("vigie runs")
}

#[test]
fn render_writes_the_page_to_stdout_or_a_file() {
    let doc = common::corpus_file("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml");
    let out = vigie(&["render", doc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("Thyréostimuline"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.html");
    let out = vigie(&["render", doc.to_str().unwrap(), "-o", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), page);
}

#[test]
fn render_lang_chooses_the_language_of_the_page() {
    let doc = common::corpus_file("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml");
    let page = |args: &[&str]| String::from_utf8_lossy(&vigie(args).stdout).into_owned();
    let english = page(&["render", doc.to_str().unwrap(), "--lang", "en"]);
    assert!(english.contains("<h2>Contents</h2>") && english.contains("Thyréostimuline"));
    let french = page(&["render", doc.to_str().unwrap(), "--lang", "fr"]);
    assert!(french.contains("<h2>Sommaire</h2>"));
    // without --lang, the environment's locale (LANG=C here: English)
    assert_eq!(page(&["render", doc.to_str().unwrap()]), english);
    assert_eq!(vigie(&["render", doc.to_str().unwrap(), "--lang", "de"]).status.code(), Some(2));
}

#[test]
fn render_report_prints_one_line_per_item_on_stderr() {
    let doc = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/javascript-link.xml");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.html");
    let out = vigie(&["render", doc.to_str().unwrap(), "-o", file.to_str().unwrap(), "--report"]);
    assert_eq!(out.status.code(), Some(0));
    let report = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 3, "{report}");
    assert!(
        lines[0].starts_with("17:29 ")
            && lines[0].contains("javascript:alert(1)")
            && lines[0].ends_with("link removed, text kept"),
        "{report}"
    );
}

#[test]
fn render_exits_1_when_the_input_is_not_a_document_and_2_on_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.xml");
    std::fs::write(&garbage, "<html><body>not CDA</body></html>").unwrap();
    let out = vigie(&["render", garbage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(vigie(&["render", dir.path().join("missing.xml").to_str().unwrap()]).status.code(), Some(1));
    assert_eq!(vigie(&["render"]).status.code(), Some(2));
    assert_eq!(vigie(&["render", "a.xml", "--frobnicate"]).status.code(), Some(2));
}
