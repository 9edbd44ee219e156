//! The native structure check (`vigie::check::structure`) on already read documents: a
//! typical lab report, the largest structured document of the corpus, and the whole corpus
//! one document after the other; XSD validation by libxml2 (`vigie::check::xsd`) on the
//! typical one, for comparison. The target: well under 1 ms for a typical document.
//! See BENCHMARKS.md.

use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use vigie::xml::Limits;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared().join("corpus/fr"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")));
    files.sort();
    files
}

fn structure(c: &mut Criterion) {
    let limits = Limits::default();
    let documents: Vec<(String, vigie::Document)> = corpus()
        .iter()
        .map(|p| {
            let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let name = stem.rsplit("__").next().unwrap_or(&stem).to_owned();
            (name, vigie::read_path(p, &limits))
        })
        .collect();
    if documents.is_empty() {
        return;
    }
    let mut group = c.benchmark_group("structure");
    for wanted in ["BIO-CR-BIO_2024.01_TSH_1", "ANEST-CR-ANEST_2022.01", "01_Modeles_contenus_CDA"] {
        if let Some((name, doc)) = documents.iter().find(|(n, _)| n == wanted) {
            group
                .bench_function(name.as_str(), |b| b.iter(|| vigie::check::structure::check(black_box(doc))));
        }
    }
    group.sample_size(20);
    group.bench_function("corpus-76", |b| {
        b.iter(|| {
            documents.iter().map(|(_, d)| vigie::check::structure::check(black_box(d)).len()).sum::<usize>()
        })
    });
    group.finish();

    let Ok(schema) = vigie::check::xsd::Schema::load(&shared().join("ans-kit/infrastructure/cda")) else {
        return;
    };
    let mut xsd = c.benchmark_group("xsd");
    xsd.sample_size(20);
    if let Some((name, doc)) = documents.iter().find(|(n, _)| n == "BIO-CR-BIO_2024.01_TSH_1") {
        xsd.bench_function(name.as_str(), |b| b.iter(|| schema.validate(black_box(doc))));
    }
    xsd.bench_function("load-CDA_extended", |b| {
        b.iter(|| {
            vigie::check::xsd::Schema::load(&shared().join("ans-kit/infrastructure/cda"))
                .map(|s| s.skipped().len())
        })
    });
    xsd.finish();
}

criterion_group!(benches, structure);
criterion_main!(benches);
