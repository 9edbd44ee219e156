//! `vigie check`'s layers that need no folder (xml: the reader's findings, cda: the native
//! structure check, builtin: Vigie's rules; no kit, no schema):
//! checking one read corpus document, reading and checking it, and the whole corpus as
//! `vigie check FOLDER` does it — read and check every document, on all cores. See
//! BENCHMARKS.md.

use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use vigie::check::inputs::{self, SvrlImports, Target};
use vigie::check::{CheckOptions, Checker};
use vigie::xml::Limits;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/fr");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")));
    files.sort();
    files
}

fn check(c: &mut Criterion) {
    let checker = Checker::new(CheckOptions::default()).expect("no folder to load");
    let limits = Limits::default();
    let one = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/fr/TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_Microbiologie_V2.xml");
    if let Ok(bytes) = std::fs::read(&one) {
        let document = vigie::read_bytes(&bytes, &limits);
        let mut group = c.benchmark_group("check-document");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("xml + cda + builtin (read document)", |b| {
            b.iter(|| black_box(checker.check(black_box(&document), "doc.xml")))
        });
        group.bench_function("read + xml + cda + builtin", |b| {
            b.iter(|| black_box(checker.check(&vigie::read_bytes(black_box(&bytes), &limits), "doc.xml")))
        });
        group.finish();
    }

    let files = corpus();
    if !files.is_empty() {
        let targets: Vec<Target> = files.iter().cloned().map(Target::File).collect();
        let mut group = c.benchmark_group("check-corpus");
        group.sample_size(10);
        group.throughput(Throughput::Elements(targets.len() as u64));
        group.bench_function(format!("{} documents, all cores", targets.len()), |b| {
            b.iter(|| {
                let mut issues = 0;
                inputs::check_all(&checker, &targets, &SvrlImports::default(), |checked| {
                    issues += checked.iter().map(|c| c.report.issues.len()).sum::<usize>();
                });
                black_box(issues)
            })
        });
        group.finish();
    }
}

criterion_group!(benches, check);
criterion_main!(benches);
