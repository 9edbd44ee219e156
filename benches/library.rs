//! The library's queries over 100,000 documents: the default list, filters, facets, the
//! quick search and full-text search (goal: any filter or search ≤ 16 ms), and the
//! comparison of the two fuzzy matchers the design considered, on accent-folded keys.
//!
//! The 100,000 records are 2,000 documents generated like the corpus (`corpus_like`), each
//! read once, then repeated 50 times with their own ids and dates spread over ten years.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use vigie::library::search::fold;
use vigie::library::{BodyKind, Library, Query, Record, SourceRecord};
use vigie::xml::Limits;

const DISTINCT: usize = 2_000;
const REPEATS: usize = 50;

fn library() -> Library {
    let limits = Limits::default();
    let read: Vec<(Record, String)> = vigie::demo::corpus_like(DISTINCT, 42)
        .enumerate()
        .map(|(i, (name, bytes))| {
            let document = vigie::read_bytes(&bytes, &limits);
            let source = SourceRecord { path: None, name, member: None };
            (Record::of(i, &document, source, None), vigie::library::document_text(&document))
        })
        .collect();
    let mut library = Library::default();
    let day = 24 * 3600;
    for repeat in 0..REPEATS {
        for (i, (record, text)) in read.iter().enumerate() {
            let id = repeat * DISTINCT + i;
            let mut record = record.clone();
            record.id = id;
            // Each repeat is another set of documents: other ids, other dates.
            record.document_id = record.document_id.map(|d| format!("{d}.{repeat}"));
            record.set_id = record.set_id.map(|d| format!("{d}.{repeat}"));
            record.replaces = record.replaces.iter().map(|d| format!("{d}.{repeat}")).collect();
            let shift = (repeat as i64 * 73) % 3650;
            record.sort_time -= shift * day;
            record.date_days = record.date_days.map(|(a, b)| (a - shift as i32, b - shift as i32));
            library.add(record, text);
        }
    }
    library
}

fn queries(c: &mut Criterion) {
    let mut library = library();
    // The first query brings versions and the text index up to date: not measured.
    let _ = library.query(&Query::default());
    let first_type =
        library.query(&Query::default()).facets.types.first().map(|t| t.value.clone()).unwrap_or_default();
    let since = chrono::NaiveDate::from_ymd_opt(2022, 1, 1);
    // A name present in the library: the longest word of the most frequent author's.
    let author = library.query(&Query::default()).facets.authors.first().map_or(String::new(), |a| {
        a.label.split_whitespace().max_by_key(|w| w.len()).unwrap_or_default().to_lowercase()
    });

    let mut group = c.benchmark_group("library-100k");
    group.sample_size(20);
    let cases: Vec<(&str, Query)> = vec![
        ("all, newest first, facets", Query { limit: Some(200), ..Query::default() }),
        (
            "type + since 2022 + structured",
            Query {
                types: vec![first_type.clone()],
                since,
                bodies: vec![BodyKind::Structured],
                limit: Some(200),
                ..Query::default()
            },
        ),
        (
            "author name contains",
            Query { author_text: Some(author.clone()), limit: Some(200), ..Query::default() },
        ),
        ("search 'creat'", Query { search: Some("creat".into()), limit: Some(200), ..Query::default() }),
        (
            "search 'glycemie a jeun'",
            Query { search: Some("glycémie à jeun".into()), limit: Some(200), ..Query::default() },
        ),
        (
            "sort by author",
            Query { sort: vigie::library::SortBy::Author, limit: Some(200), ..Query::default() },
        ),
    ];
    for (name, query) in &cases {
        let total = library.query(query).total;
        eprintln!("{name}: {total} documents");
        group.bench_function(*name, |b| b.iter(|| black_box(library.query(query).total)));
    }
    // What the UI waits for: the query and its JSON (200 rows and every facet).
    let page = Query { limit: Some(200), ..Query::default() };
    group.bench_function("all, 200 rows + facets as JSON", |b| {
        b.iter(|| serde_json::to_vec(&library.query(&page)).map(|json| json.len()).unwrap_or(0))
    });
    group.finish();

    // The matchers alone, each scanning the same 100,000 folded keys whole.
    let keys: Vec<String> = library.records().iter().map(Record::quick_key).collect();
    let mut group = c.benchmark_group("quick-search-matcher-100k");
    group.sample_size(10);
    for text in ["creat", "dupont cardio", "cr bio"] {
        let folded = fold(text);
        let skim = SkimMatcherV2::default();
        let pattern = Pattern::parse(&folded, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buffer = Vec::new();
        let mut nucleo = |key: &str| pattern.score(Utf32Str::new(key, &mut buffer), &mut matcher).is_some();
        let skim_hits = keys.iter().filter(|k| skim.fuzzy_match(k, &folded).is_some()).count();
        let nucleo_hits = keys.iter().filter(|k| nucleo(k)).count();
        eprintln!("{text}: fuzzy-matcher {skim_hits} hits, nucleo-matcher {nucleo_hits} hits");
        group.bench_function(format!("fuzzy-matcher '{text}'"), |b| {
            b.iter(|| keys.iter().filter(|k| skim.fuzzy_match(k, &folded).is_some()).count())
        });
        group.bench_function(format!("nucleo-matcher '{text}'"), |b| {
            b.iter(|| keys.iter().filter(|k| nucleo(k)).count())
        });
    }
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
