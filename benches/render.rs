//! Render time: every corpus document read and rendered (the figure compared with xsltproc +
//! CDA.xsl's in-process parse + transform), the render alone, and a generated 5 MB document.
//! See BENCHMARKS.md.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use vigie::render::{render, RenderOptions};
use vigie::xml::Limits;

/// The allocator of both binaries (`vigie` and the app): what a person's reading runs on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/fr");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")));
    files.sort();
    files
        .iter()
        .filter_map(|p| Some((p.file_stem()?.to_string_lossy().into_owned(), std::fs::read(p).ok()?)))
        .collect()
}

fn render_time(c: &mut Criterion) {
    let limits = Limits::default();
    let options = RenderOptions::default();
    let docs = corpus();
    if !docs.is_empty() {
        let total: usize = docs.iter().map(|(_, d)| d.len()).sum();
        let mut group = c.benchmark_group("render-corpus");
        group.throughput(Throughput::Bytes(total as u64));
        group.sample_size(20);
        // divide by the number of documents for the per-document mean
        group.bench_function(format!("read+render all {} documents", docs.len()), |b| {
            b.iter(|| {
                docs.iter()
                    .map(|(_, d)| render(&vigie::read_bytes(black_box(d), &limits), &options).html.len())
                    .sum::<usize>()
            })
        });
        let read: Vec<_> = docs.iter().map(|(_, d)| vigie::read_bytes(d, &limits)).collect();
        group.bench_function(format!("render alone, all {} documents", docs.len()), |b| {
            b.iter(|| read.iter().map(|d| render(black_box(d), &options).html.len()).sum::<usize>())
        });
        group.finish();

        let mut each = c.benchmark_group("render-document");
        each.sample_size(10);
        for (name, bytes) in &docs {
            each.bench_function(name.as_str(), |b| {
                b.iter(|| render(&vigie::read_bytes(black_box(bytes), &limits), &options).html.len())
            });
        }
        each.finish();
    }
    let large = vigie::demo::large_document(5_000_000).into_bytes();
    let mut group = c.benchmark_group("render-generated-5MB");
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.sample_size(10);
    group.bench_function("read+render", |b| {
        b.iter(|| render(&vigie::read_bytes(black_box(&large), &limits), &options).html.len())
    });
    let read = vigie::read_bytes(&large, &limits);
    group.bench_function("render alone", |b| b.iter(|| render(black_box(&read), &options).html.len()));
    group.finish();
}

criterion_group!(benches, render_time);
criterion_main!(benches);
