//! The library: one [`Record`] per document opened, and the filters, facets, versions and
//! search a physician uses to find the right document among many.
//!
//! The library computes; it reads nothing itself. Documents are read elsewhere (the
//! [`crate::session::Session`] indexes files in parallel) and handed over with
//! [`Library::add`]; queries then run in memory, so that any filter or search answers in a
//! few milliseconds however many documents are held.

pub mod query;
pub mod record;
pub mod search;
pub mod store;
pub mod versions;

pub use query::{DateField, FacetCounts, FacetValue, Query, Results, Row, SortBy};
pub use record::{BodyKind, PatientRecord, Record, SourceRecord, XdsFacts};
pub use versions::Standing;

use crate::results::cumulative::{Cumulative, Source};
use search::{fold, QuickMatcher, QuickQuery, TextIndex};

/// Every document of a session, indexed for filtering and search. Record `i` is the
/// session's document `i`.
#[derive(Default)]
pub struct Library {
    records: Vec<Record>,
    facets: query::Facets,
    /// The words of each record's quick-search key (title, type, authors...), for fuzzy search.
    keys: TextIndex,
    /// The words of each record's narratives, for full-text search.
    text: FullText,
    /// Brought up to date before a query when `stale`.
    standings: Vec<Standing>,
    /// Every record, newest first.
    by_date: Vec<u32>,
    /// Whether each record is shown when only the latest versions are.
    current: Vec<bool>,
    /// Each record's rank by type label, and by first author's name.
    type_rank: Vec<u32>,
    author_rank: Vec<u32>,
    stale: bool,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("records", &self.records.len())
            .field("key_words", &self.keys.word_count())
            .field("text_words", &self.text.word_count())
            .finish()
    }
}

/// What a match in the quick-search keys weighs against a match in the narratives alone:
/// enough that every key match ranks first.
const KEY_MATCH_WEIGHT: u32 = 1 << 16;

/// The full-text index over the records' narrative words, completed off the caller's thread.
///
/// Indexing every word of every document is most of the work of adding thousands of them
/// at once (reopening a folder from the library cache: 10,000 documents, about 0.2 s). So
/// the words of a large batch wait, and the next query starts indexing them on a thread of
/// their own: the list shows at once, and only a search waits for the index to be complete.
#[derive(Default)]
struct FullText {
    index: TextIndex,
    /// Words handed over and not yet in `index`, in the order they came, and their size.
    waiting: Vec<(u32, String)>,
    waiting_bytes: usize,
    /// `index` being completed on another thread (`index` is then empty).
    building: Option<std::thread::JoinHandle<TextIndex>>,
}

/// Below this many bytes of words, a batch is indexed at once on the caller's thread.
const BACKGROUND_TEXT_BYTES: usize = 1 << 20;

impl FullText {
    fn add(&mut self, document: u32, folded: &str) {
        self.waiting_bytes += folded.len();
        self.waiting.push((document, folded.to_owned()));
    }

    /// Forgets a document's words (it was read again).
    fn remove(&mut self, document: u32) {
        self.join();
        self.waiting.retain(|(waiting, _)| *waiting != document);
        self.index.remove(document);
    }

    /// Indexes the waiting words: on another thread when they are many, else at once.
    fn start(&mut self) {
        if self.waiting_bytes < BACKGROUND_TEXT_BYTES {
            self.complete();
            return;
        }
        self.join();
        let mut index = std::mem::take(&mut self.index);
        let waiting = std::mem::take(&mut self.waiting);
        self.waiting_bytes = 0;
        self.building = Some(std::thread::spawn(move || {
            for (document, words) in &waiting {
                index.add(*document, words);
            }
            index.prepare();
            index
        }));
    }

    /// The index holding every word handed over, ready to search.
    fn complete(&mut self) -> &TextIndex {
        self.join();
        for (document, words) in self.waiting.drain(..) {
            self.index.add(document, &words);
        }
        self.waiting_bytes = 0;
        self.index.prepare();
        &self.index
    }

    /// Waits for the thread completing the index, if one is.
    fn join(&mut self) {
        if let Some(building) = self.building.take() {
            self.index = building.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    }

    fn word_count(&self) -> usize {
        self.index.word_count()
    }
}

impl Library {
    /// Adds or replaces the record of document `record.id`, with the folded text of its
    /// narratives (and PDF text) for full-text search.
    pub fn add(&mut self, record: Record, folded_text: &str) {
        let id = record.id;
        if id < self.records.len() {
            // Read again (a file changed on disk): its old words must not find it any more.
            self.keys.remove(id as u32);
            self.text.remove(id as u32);
        }
        self.keys.add(id as u32, &record.quick_key());
        self.text.add(id as u32, folded_text);
        self.text.add(id as u32, &fold(&record.source.name));
        self.facets.add(&record);
        if id < self.records.len() {
            self.records[id] = record;
        } else {
            // Ids are handed out in order by the session; fill any gap with placeholders.
            while self.records.len() < id {
                let missing = placeholder(self.records.len());
                self.facets.add(&missing);
                self.records.push(missing);
            }
            self.records.push(record);
        }
        self.stale = true;
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn record(&self, id: usize) -> Option<&Record> {
        self.records.get(id)
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Where document `id` stands among versions and copies.
    pub fn standing(&mut self, id: usize) -> Option<&Standing> {
        self.refresh();
        self.standings.get(id)
    }

    /// Brings versions, orders and search indexes up to date after documents were added.
    fn refresh(&mut self) {
        if !self.stale {
            return;
        }
        self.standings = versions::standings(&self.records);
        self.merge_copies();
        self.current = self.standings.iter().map(Standing::is_current).collect();
        self.keys.prepare();
        self.text.start();
        let records = &self.records;
        self.by_date = (0..records.len() as u32).collect();
        self.by_date.sort_by(|&a, &b| {
            let (a, b) = (&records[a as usize], &records[b as usize]);
            b.sort_time.cmp(&a.sort_time).then(a.id.cmp(&b.id))
        });
        self.type_rank = ranks(records.iter().map(|r| r.type_code.as_ref().map(|t| t.label.as_str())));
        self.author_rank = ranks(records.iter().map(|r| r.authors.first().map(|a| a.name.as_str())));
        self.stale = false;
    }

    /// Gives the first copy of a document what only its other copies know: the class and
    /// the confidentiality codes come from a package's metadata, so a document received
    /// both as a file and in an MSSanté package (or from the DMP, masked) shows them.
    fn merge_copies(&mut self) {
        for first in 0..self.records.len() {
            let copies = &self.standings[first].copies;
            if copies.is_empty() {
                continue;
            }
            let mut merged = self.records[first].clone();
            for &copy in copies {
                let other = &self.records[copy];
                if merged.class_code.is_none() {
                    merged.class_code = other.class_code.clone();
                }
                for code in &other.confidentiality {
                    if !merged.confidentiality.iter().any(|c| c.code == code.code) {
                        merged.confidentiality.push(code.clone());
                    }
                }
            }
            if merged != self.records[first] {
                self.facets.add(&merged);
                self.records[first] = merged;
            }
        }
    }

    /// Every lab result of one patient (by [`PatientRecord::key`]) across the library, by
    /// test and date: the newest version of each report, one copy of each.
    pub fn cumulative(&mut self, patient_key: &str) -> Cumulative {
        self.refresh();
        let sources = self
            .records
            .iter()
            .zip(&self.current)
            .filter(|(record, &current)| {
                current
                    && !record.lab.is_empty()
                    && record.patient.as_ref().is_some_and(|p| p.key == patient_key)
            })
            .map(|(record, _)| Source {
                document: record.id,
                title: record.title.as_deref(),
                facts: &record.lab,
            });
        Cumulative::build(sources)
    }

    /// The documents matching `query`, ordered, with facet counts.
    pub fn query(&mut self, query: &Query) -> Results<'_> {
        self.refresh();
        let compiled = self.facets.compile(query);

        // The search box narrows the candidates first and gives a relevance to each.
        let relevance: Option<Vec<u32>> = query.search.as_deref().and_then(|text| {
            let quick = QuickQuery::new(text)?;
            let mut scores = vec![0u32; self.records.len()];
            for (document, score) in self.keys.fuzzy_search(&quick, &mut QuickMatcher::default()) {
                scores[document as usize] = KEY_MATCH_WEIGHT + score;
            }
            for document in self.text.complete().search(text).unwrap_or_default() {
                let score = &mut scores[document as usize];
                *score = (*score).max(1);
            }
            Some(scores)
        });

        // Each record's failed filters, walking the flat per-record arrays in id order;
        // `u8::MAX` for a record out of the running (not found, or folded into another).
        let mut masks: Vec<u8> = vec![u8::MAX; self.records.len()];
        let mut hidden_versions = 0;
        for (id, slot) in masks.iter_mut().enumerate() {
            if relevance.as_ref().is_some_and(|scores| scores[id] == 0) {
                continue;
            }
            let mask = self.facets.failures(&compiled, id);
            if query.all_versions || self.current[id] {
                *slot = mask;
            } else {
                hidden_versions += usize::from(mask == 0);
            }
        }
        let facets = self.facets.count(&compiled, &masks);
        let mut rows: Vec<u32> = self.by_date.iter().copied().filter(|&id| masks[id as usize] == 0).collect();
        // `rows` is newest first: stable sorts keep that order among equals.
        match (query.sort, &relevance) {
            (SortBy::Date, None) => {}
            (SortBy::Date, Some(scores)) => rows.sort_by_key(|&i| std::cmp::Reverse(scores[i as usize])),
            (SortBy::Type, _) => rows.sort_by_key(|&i| self.type_rank[i as usize]),
            (SortBy::Author, _) => rows.sort_by_key(|&i| self.author_rank[i as usize]),
        }
        if query.reverse {
            rows.reverse();
        }
        let total = rows.len();
        let page = rows.into_iter().skip(query.offset).take(query.limit.unwrap_or(usize::MAX));
        Results {
            total,
            library_size: self.records.len(),
            hidden_versions,
            rows: page
                .map(|i| Row { record: &self.records[i as usize], standing: &self.standings[i as usize] })
                .collect(),
            facets,
        }
    }
}

/// Each item's rank in the order of its folded text, missing ones last.
fn ranks<'a>(items: impl Iterator<Item = Option<&'a str>>) -> Vec<u32> {
    let keys: Vec<Option<String>> = items.map(|i| i.map(fold)).collect();
    let mut distinct: Vec<&str> = keys.iter().flatten().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    keys.iter()
        .map(|k| match k {
            Some(k) => distinct.binary_search(&k.as_str()).map_or(u32::MAX, |r| r as u32),
            None => u32::MAX,
        })
        .collect()
}

/// A record for a document that could not be indexed (never read).
fn placeholder(id: usize) -> Record {
    let document = crate::input::read_bytes(b"", &crate::xml::Limits::default());
    Record::of(id, &document, SourceRecord { path: None, name: String::new(), member: None }, None)
}

/// The folded text of a document for full-text search: its title, its narratives (section
/// titles included) and the text of the PDFs it carries — a level-1 document's nonXMLBody,
/// the French PDF copy section, any observationMedia declared `application/pdf`.
///
/// Each PDF is decoded and read within [`crate::pdf_text::Budget::DEFAULT`] (up to 2 s each,
/// on a worker thread); a PDF that cannot be read (encrypted, malformed, too large, out of
/// time) adds no words, and the rest of the document is indexed all the same. A bare PDF
/// file has no `Document` source to read it from: see [`pdf_document_text`].
pub fn document_text(document: &crate::input::Document) -> String {
    use crate::model::{AttachmentKind, Body, NarrativeNode, Section};
    fn narrative<'t>(nodes: impl Iterator<Item = NarrativeNode<'t>>, out: &mut String) {
        for node in nodes {
            match node {
                NarrativeNode::Text(text) => {
                    out.push_str(&text.text());
                    out.push(' ');
                }
                NarrativeNode::Element(element) => narrative(element.children(), out),
            }
        }
    }
    fn section(s: &Section, out: &mut String) {
        if let Some(title) = &s.title {
            out.push_str(&title.text);
            out.push(' ');
        }
        if let Some(text) = &s.text {
            narrative(text.nodes(), out);
        }
        for child in &s.sections {
            section(child, out);
        }
    }
    let mut out = String::new();
    if let Some(cda) = &document.cda {
        if let Some(title) = &cda.header.title {
            out.push_str(&title.text);
            out.push(' ');
        }
        if let Body::Structured { sections, .. } = &cda.body {
            for s in sections {
                section(s, &mut out);
            }
        }
        // The PDF of a PDF-only ("N1") document is its whole content: its words are indexed.
        // The PDF copy and the PDFs attached to a *structured* document are not: the copy
        // repeats the narrative, and laying out their text (pdf-extract, 12–67 ms per lab
        // report copy) made first indexing 12–20× slower (BENCHMARKS.md, "PDF text").
        let budget = crate::pdf_text::Budget::DEFAULT;
        for (index, attachment) in cda.attachments.iter().enumerate() {
            let declared_pdf = match attachment.media_type.as_deref() {
                Some(media_type) => media_type.trim().eq_ignore_ascii_case("application/pdf"),
                None => true,
            };
            if attachment.kind != AttachmentKind::Body || !declared_pdf {
                continue;
            }
            let bytes = document.attachment_bytes(index, budget.max_bytes).ok();
            if let Some(text) = bytes.and_then(|bytes| crate::pdf_text::extract(&bytes, budget).ok()) {
                out.push_str(&text);
                out.push(' ');
            }
        }
    }
    search::fold(&out)
}

/// The folded text of a bare PDF file (an input read as [`crate::InputKind::Pdf`], whose
/// bytes the `Document` does not keep), for full-text search, or why it has none. Read
/// within [`crate::pdf_text::Budget::DEFAULT`].
pub fn pdf_document_text(bytes: &[u8]) -> Result<String, crate::pdf_text::PdfTextError> {
    crate::pdf_text::extract(bytes, crate::pdf_text::Budget::DEFAULT).map(|text| search::fold(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_text_indexed_on_another_thread_finds_what_was_handed_over_and_forgets_what_was_removed() {
        let mut text = FullText::default();
        let filler = "mot ".repeat(BACKGROUND_TEXT_BYTES / 4);
        text.add(0, &format!("glycemie {filler}"));
        text.add(1, "creatinine glycemie");
        text.add(2, "glycosurie");
        text.start();
        assert!(text.building.is_some(), "a large batch is indexed on a thread of its own");
        text.remove(1);
        text.add(1, "uree");
        assert_eq!(text.complete().search("glyc"), Some(vec![0, 2]));
        assert_eq!(text.complete().search("uree"), Some(vec![1]));
        assert_eq!(text.complete().search("creat"), Some(vec![]));
    }
}
