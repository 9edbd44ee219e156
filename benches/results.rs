//! Lab results extraction: the time to turn an already read document into its results, for
//! each CR-BIO and TROD document of the corpus, and for a generated 5 MB lab report (read +
//! extract too, for scale); and the cumulative view of one patient with 500 reports in the
//! library (gathering, series, JSON). See BENCHMARKS.md.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use vigie::xml::Limits;

/// The corpus's lab documents (CR-BIO in every version and transport, TROD), by short name.
fn lab_documents() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/fr");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml"))
            && (name.contains("CR-BIO") || name.contains("BIO-TROD") || name.contains("CR_Bio"))
    });
    files.sort();
    files
        .iter()
        .filter_map(|p| {
            // the part after the last `__`: short and still unique (`BIO-CR-BIO_2024.01_TSH_1`)
            let stem = p.file_stem()?.to_string_lossy().into_owned();
            let name = stem.rsplit("__").next().unwrap_or(&stem).to_string();
            Some((name, std::fs::read(p).ok()?))
        })
        .collect()
}

fn extraction(c: &mut Criterion) {
    let limits = Limits::default();
    let docs = lab_documents();
    if !docs.is_empty() {
        let read: Vec<_> = docs.iter().map(|(name, d)| (name, vigie::read_bytes(d, &limits))).collect();
        let mut all = c.benchmark_group("results-corpus");
        all.sample_size(20);
        // divide by the number of documents for the per-document mean
        all.bench_function(format!("extract, all {} lab documents", read.len()), |b| {
            b.iter(|| {
                read.iter().map(|(_, d)| vigie::results::extract(black_box(d)).result_count).sum::<usize>()
            })
        });
        all.finish();

        let mut each = c.benchmark_group("results-document");
        each.sample_size(20);
        for (name, document) in &read {
            each.bench_function(name.as_str(), |b| {
                b.iter(|| vigie::results::extract(black_box(document)).result_count)
            });
        }
        each.finish();
    }

    let large = vigie::demo::large_document(5_000_000).into_bytes();
    let document = vigie::read_bytes(&large, &limits);
    let mut group = c.benchmark_group("results-generated-5MB");
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.sample_size(10);
    group
        .bench_function("extract", |b| b.iter(|| vigie::results::extract(black_box(&document)).result_count));
    group.bench_function("read+extract", |b| {
        b.iter(|| vigie::results::extract(&vigie::read_bytes(black_box(&large), &limits)).result_count)
    });
    group.finish();
}

/// 500 lab reports of one patient: the corpus's lab documents over and over, each a
/// distinct document a day apart, in one library.
fn cumulative(c: &mut Criterion) {
    use vigie::library::{Library, Record, SourceRecord};
    let limits = Limits::default();
    let docs = lab_documents();
    let templates: Vec<Record> = docs
        .iter()
        .map(|(name, bytes)| {
            let document = vigie::read_bytes(bytes, &limits);
            Record::of(0, &document, SourceRecord { path: None, name: name.clone(), member: None }, None)
        })
        .filter(|r| !r.lab.is_empty())
        .collect();
    if templates.is_empty() {
        return;
    }
    let mut library = Library::default();
    let key = "patient-under-test".to_owned();
    for i in 0..500usize {
        let mut record = templates[i % templates.len()].clone();
        record.id = i;
        record.document_id = Some(format!("1.2.3^{i}"));
        record.set_id = None;
        record.replaces.clear();
        if let Some(patient) = &mut record.patient {
            patient.key = key.clone();
        }
        let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(i as u64);
        let time = day.format("%Y%m%d0830").to_string();
        for fact in &mut record.lab {
            fact.time = Some(time.clone());
        }
        library.add(record, "");
    }
    let facts: usize = library.records().iter().map(|r| r.lab.len()).sum();
    let mut group = c.benchmark_group("cumulative");
    group.sample_size(20);
    group.bench_function(format!("one patient, 500 reports, {facts} results"), |b| {
        b.iter(|| library.cumulative(black_box(&key)).series.len())
    });
    group.bench_function("the same, with its JSON", |b| {
        b.iter(|| serde_json::to_string(&library.cumulative(black_box(&key))).map(|j| j.len()).unwrap_or(0))
    });
    group.finish();
}

criterion_group!(benches, extraction, cumulative);
criterion_main!(benches);
