//! Read throughput: Vigie's full model (decode + parse + build; entries' statements are built
//! on access, so also with every one built) against quick-xml's raw tokenizing of the same
//! bytes, the ceiling. See BENCHMARKS.md.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use quick_xml::events::Event;
use quick_xml::Reader;
use vigie::xml::Limits;

/// The allocator of both binaries (`vigie` and the app): what a person's reading runs on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// quick-xml's tokenizer alone: every event read, nothing kept.
fn tokenize(text: &str) -> usize {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => events += 1,
        }
    }
    events
}

fn corpus() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/fr");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")));
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn bench_set(c: &mut Criterion, name: &str, docs: &[Vec<u8>]) {
    let total: usize = docs.iter().map(Vec::len).sum();
    let texts: Vec<String> = docs.iter().map(|d| String::from_utf8_lossy(d).into_owned()).collect();
    // Vigie's input as the ceiling's: in memory (shared bytes, as the session holds them)
    let shared: Vec<std::sync::Arc<[u8]>> = docs.iter().map(|d| std::sync::Arc::from(&d[..])).collect();
    let limits = Limits::default();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(total as u64));
    group.sample_size(20);
    group.bench_function("quick-xml tokenize (ceiling)", |b| {
        b.iter(|| texts.iter().map(|t| tokenize(black_box(t))).sum::<usize>())
    });
    group.bench_function("vigie full model", |b| {
        b.iter(|| {
            shared
                .iter()
                .map(|d| vigie::read_shared(black_box(d.clone()), &limits).findings.len())
                .sum::<usize>()
        })
    });
    // the same, then every entry's statement built (as `inspect --json`, results and clinical
    // summaries do; reading alone builds none: see `Entry::statement`)
    group.bench_function("vigie full model, every statement built", |b| {
        b.iter(|| {
            shared
                .iter()
                .map(|d| statements_built(&vigie::read_shared(black_box(d.clone()), &limits)))
                .sum::<usize>()
        })
    });
    // the same from borrowed bytes (`read_bytes`), which copies them into the document first
    group.bench_function("vigie full model, borrowed bytes", |b| {
        b.iter(|| docs.iter().map(|d| vigie::read_bytes(black_box(d), &limits).findings.len()).sum::<usize>())
    });
    group.finish();
}

/// Builds every entry's statement of a document, and counts the statements.
fn statements_built(document: &vigie::Document) -> usize {
    let entries = document.cda.iter().flat_map(|c| c.entries());
    entries.map(|e| e.statement().relationships.len() + 1).sum()
}

fn read_throughput(c: &mut Criterion) {
    let docs = corpus();
    if !docs.is_empty() {
        bench_set(c, "corpus", &docs);
    }
    let large = vigie::demo::large_document(5_000_000).into_bytes();
    bench_set(c, "generated-5MB", &[large]);
}

criterion_group!(benches, read_throughput);
criterion_main!(benches);
