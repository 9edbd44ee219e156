//! Vigie reads XML with a tokenizer of its own (one pass that builds the tree). These tests
//! hold it to quick-xml's reading of the same bytes: every corpus document, the generated
//! demo documents and the hostile fixtures give the same elements, attributes, text and
//! CDATA, in the same order, with the same spans.

mod common;

use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use vigie::xml::parse::parse;
use vigie::xml::{Limits, NodeId, Tree};

/// What a reader saw, in document order: `<qname a="raw"...`, `>` / `/`, text as written.
#[derive(Debug, PartialEq)]
enum Seen {
    Start { at: usize, name: String, attrs: Vec<(String, String)> },
    End,
    Text(String),
}

fn start(tag: &BytesStart<'_>, at: usize) -> Seen {
    let attrs = tag
        .attributes()
        .map(|a| a.expect("well-formed attributes"))
        .map(|a| {
            (
                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                String::from_utf8_lossy(&a.value).into_owned(),
            )
        })
        .filter(|(key, _)| key != "xmlns" && !key.starts_with("xmlns:"))
        .collect();
    Seen::Start { at, name: String::from_utf8_lossy(tag.name().as_ref()).into_owned(), attrs }
}

/// quick-xml's events, text pieces around references joined as they were written.
fn quick_xml(text: &str) -> Vec<Seen> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut seen = Vec::new();
    let mut depth = 0usize;
    let mut pending = String::new();
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().expect("a well-formed document");
        if !matches!(event, Event::Text(_) | Event::GeneralRef(_)) && !pending.is_empty() {
            seen.push(Seen::Text(std::mem::take(&mut pending)));
        }
        match event {
            Event::Start(tag) => {
                seen.push(start(&tag, at));
                depth += 1;
            }
            Event::Empty(tag) => {
                seen.push(start(&tag, at));
                seen.push(Seen::End);
            }
            Event::End(_) => {
                seen.push(Seen::End);
                depth -= 1;
            }
            Event::Text(t) if depth > 0 => pending.push_str(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) if depth > 0 => {
                pending.push_str(&format!("&{};", String::from_utf8_lossy(&r)))
            }
            Event::CData(t) if depth > 0 => seen.push(Seen::Text(String::from_utf8_lossy(&t).into_owned())),
            Event::Eof => break,
            _ => {}
        }
    }
    seen
}

/// Vigie's tree walked in document order.
fn vigie(text: &str) -> Vec<Seen> {
    let parsed = parse(Arc::from(text), &Limits::default());
    assert!(parsed.complete, "{:?}", parsed.findings);
    let tree = &parsed.tree;
    let mut seen = Vec::new();
    let mut stack: Vec<(NodeId, bool)> = tree.root().map(|r| (r, false)).into_iter().collect();
    while let Some((id, closing)) = stack.pop() {
        if closing {
            seen.push(Seen::End);
            continue;
        }
        if tree.is_text(id) {
            seen.push(Seen::Text(raw(tree, id)));
            continue;
        }
        let attrs = tree
            .attributes(id)
            .map(|a| (a.qualified_name().to_string(), text[a.value_span().range()].to_string()))
            .collect();
        seen.push(Seen::Start {
            at: tree.span(id).start as usize,
            name: tree.qualified_name(id).to_string(),
            attrs,
        });
        stack.push((id, true));
        let children: Vec<NodeId> = tree.children(id).collect();
        stack.extend(children.into_iter().rev().map(|c| (c, false)));
    }
    seen
}

fn raw(tree: &Tree, id: NodeId) -> String {
    tree.source()[tree.span(id).range()].to_string()
}

fn assert_same_reading(what: &str, text: &str) {
    let (expected, got) = (quick_xml(text), vigie(text));
    if let Some(i) = (0..expected.len().max(got.len())).find(|&i| expected.get(i) != got.get(i)) {
        panic!("{what}: item {i} differs:\nquick-xml: {:?}\nvigie:     {:?}", expected.get(i), got.get(i));
    }
}

#[test]
fn every_corpus_document_reads_as_quick_xml_reads_it() {
    for path in common::corpus() {
        let bytes = std::fs::read(&path).unwrap();
        let text = vigie::xml::decode::decode(&bytes).text;
        assert_same_reading(&path.display().to_string(), &text);
    }
}

#[test]
fn hostile_fixtures_read_as_quick_xml_reads_them() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        assert_same_reading(&entry.path().display().to_string(), &vigie::xml::decode::decode(&bytes).text);
    }
}

#[test]
fn generated_documents_read_as_quick_xml_reads_them() {
    let dir = std::env::temp_dir().join(format!("vigie-tokenizer-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    vigie::demo::write_demo_set(&dir).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        if bytes.starts_with(b"<?xml") || bytes.starts_with(b"<ClinicalDocument") {
            assert_same_reading(&entry.path().display().to_string(), &String::from_utf8_lossy(&bytes));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert_same_reading("large document", &vigie::demo::large_document(300_000));
}

#[test]
fn markup_of_every_kind_reads_as_quick_xml_reads_it() {
    let text = "<?xml version=\"1.0\"?>\n<!-- before -->\n<a xmlns=\"urn:x\" xmlns:p='urn:p' p:b=\"1 &amp; 2\" c = '&lt;'>\
        t&#233;xt &gt;<![CDATA[ <raw> & ]]>after<!-- c -- c -->\n<?pi x?><p:e/><e\n a=\"x>y\"\n/>  </a >\n<!-- after -->";
    assert_same_reading("every kind", text);
}

/// Every node's span lies inside its parent's, and siblings follow one another.
fn assert_spans_nest(tree: &Tree, what: &str) {
    let len = tree.source().len();
    let mut stack: Vec<NodeId> = tree.root().into_iter().collect();
    while let Some(id) = stack.pop() {
        let span = tree.span(id);
        assert!(span.start <= span.end && span.end as usize <= len, "{what}: {span:?} out of the source");
        let mut previous_end = tree.head_span(id).end;
        for child in tree.children(id) {
            let inner = tree.span(child);
            assert!(
                inner.start >= previous_end && inner.end <= span.end,
                "{what}: {inner:?} not inside {span:?}"
            );
            previous_end = inner.end;
            stack.push(child);
        }
    }
}

#[test]
fn broken_markup_anywhere_reads_what_came_before_with_consistent_spans() {
    let path =
        common::corpus().into_iter().find(|p| std::fs::metadata(p).is_ok_and(|m| m.len() < 60_000)).unwrap();
    let text = vigie::xml::decode::decode(&std::fs::read(&path).unwrap()).text.to_string();
    let bytes = text.as_bytes();
    // cut the document at, or break one of its markup characters in, a few hundred places
    let step = (bytes.len() / 300).max(1);
    for at in (0..bytes.len()).step_by(step) {
        if !text.is_char_boundary(at) {
            continue;
        }
        let cut = &text[..at];
        let parsed = parse(Arc::from(cut), &Limits::default());
        assert_spans_nest(&parsed.tree, &format!("cut at {at}"));
        for replacement in ["<", ">", "&", "\"", "/", "<!", "<?", "]]>"] {
            let broken = format!("{}{replacement}{}", &text[..at], &text[at..]);
            let parsed = parse(Arc::from(broken.as_str()), &Limits::default());
            assert_spans_nest(&parsed.tree, &format!("{replacement:?} at {at}"));
            if parsed.complete {
                assert!(!parsed.findings.iter().any(|f| f.code == "xml.malformed"));
            }
        }
    }
}
