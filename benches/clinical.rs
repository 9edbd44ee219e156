//! Clinical summary extraction: the time to turn an already read document into its clinical
//! summary, for the corpus's summaries (VSM 1.4, IPS-FR, lettres de liaison) one by one and
//! for every corpus document with clinical sections together; and the summary with its JSON,
//! which is what `GET /api/documents/{id}/clinical` and `document_clinical` send. See
//! BENCHMARKS.md.

use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use vigie::xml::Limits;

/// The summary documents the issue names, by short name.
const SUMMARIES: &[&str] = &[
    "TestContenuCDA-2-41__ExemplesCDA__VSM_1.4.xml",
    "TestContenuCDA-3-0__ExemplesCDA__VSM_1.4_2022.01.xml",
    "TestContenuCDA-3-0__ExemplesCDA__IPS-FR_2024.01.xml",
    "TestContenuCDA-3-0__ExemplesCDA__LDL-EES_2022.01.xml",
    "TestContenuCDA-3-0__ExemplesCDA__LDL-SES_2022.01.xml",
];

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/fr");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")));
    files.sort();
    files
}

/// The part of a corpus name after its last `__`: short and still unique (`IPS-FR_2024.01`).
fn short(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    stem.rsplit("__").next().unwrap_or(&stem).to_string()
}

fn extraction(c: &mut Criterion) {
    let limits = Limits::default();
    let read: Vec<(PathBuf, vigie::Document)> =
        corpus().into_iter().map(|p| (p.clone(), vigie::read_path(&p, &limits))).collect();
    if read.is_empty() {
        return;
    }

    let mut each = c.benchmark_group("clinical-document");
    each.sample_size(30);
    for (path, document) in &read {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !SUMMARIES.contains(&name.as_str()) {
            continue;
        }
        each.bench_function(short(path), |b| {
            b.iter(|| vigie::clinical::extract(black_box(document)).item_count)
        });
        each.bench_function(format!("{} + JSON", short(path)), |b| {
            b.iter(|| serde_json::to_vec(&vigie::clinical::extract(black_box(document))).map(|v| v.len()))
        });
    }
    each.finish();

    let with_sections: Vec<&vigie::Document> =
        read.iter().map(|(_, d)| d).filter(|d| !vigie::clinical::extract(d).is_empty()).collect();
    let mut all = c.benchmark_group("clinical-corpus");
    all.sample_size(20);
    // divide by the number of documents for the per-document mean
    all.bench_function(
        format!("extract, all {} documents with clinical sections", with_sections.len()),
        |b| {
            b.iter(|| {
                with_sections.iter().map(|d| vigie::clinical::extract(black_box(d)).item_count).sum::<usize>()
            })
        },
    );
    all.bench_function(format!("extract, all {} corpus documents", read.len()), |b| {
        b.iter(|| read.iter().map(|(_, d)| vigie::clinical::extract(black_box(d)).item_count).sum::<usize>())
    });
    all.finish();
}

criterion_group!(benches, extraction);
criterion_main!(benches);
