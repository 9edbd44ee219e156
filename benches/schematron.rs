//! The ANS kit run natively: what a whole `vigie check` process pays for the kit (opening
//! it, compiling the schematrons one document needs, checking it), and the time per
//! document once the kit is compiled, over the whole corpus. The kit's own figures are in
//! `../shared/corpus/oracle/ans-timing.md` (cold 15.6 s per document, warm 0.205 s).
//! See BENCHMARKS.md.

use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use vigie::schematron::Kit;
use vigie::xml::Limits;

fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(path)
}

/// Every CDA document of the corpus, read.
fn corpus() -> Vec<(String, vigie::Document)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared("corpus/fr"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")));
    files.sort();
    files
        .iter()
        .map(|p| {
            let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            (stem.rsplit("__").next().unwrap_or(&stem).to_owned(), vigie::read_path(p, &Limits::default()))
        })
        .collect()
}

fn kit(c: &mut Criterion) {
    let dir = shared("ans-kit");
    if !dir.join("schematrons").is_dir() {
        eprintln!("no kit in {}: schematron benchmarks skipped", dir.display());
        return;
    }
    let documents = corpus();
    let Some((_, lab)) = documents.iter().find(|(name, _)| name == "BIO-CR-BIO_2024.01_TSH_1") else {
        return;
    };

    let mut cold = c.benchmark_group("kit-cold");
    cold.sample_size(10);
    // what one `vigie check` process pays: open the kit, compile the five cross-cutting
    // schematrons and the volet this document needs, check it (a new Kit each time: its
    // schematrons are compiled again)
    cold.bench_function("open + compile + check one CR-BIO document", |b| {
        b.iter(|| {
            let kit = Kit::open(&dir).expect("the kit opens");
            kit.check(black_box(lab)).issues.len()
        })
    });
    cold.bench_function("open + compile the five cross-cutting schematrons", |b| {
        b.iter(|| {
            let kit = Kit::open(&dir).expect("the kit opens");
            kit.prepare(&[]).len()
        })
    });
    cold.finish();

    // warm: every schematron the corpus needs compiled once, then each document checked
    let kit = Kit::open(&dir).expect("the kit opens");
    for (_, document) in &documents {
        kit.check(document);
    }
    let mut warm = c.benchmark_group("kit-warm");
    warm.sample_size(10);
    warm.throughput(Throughput::Elements(documents.len() as u64));
    warm.bench_function(format!("check all {} corpus documents", documents.len()), |b| {
        b.iter(|| documents.iter().map(|(_, d)| kit.check(black_box(d)).issues.len()).sum::<usize>())
    });
    warm.finish();

    let mut each = c.benchmark_group("kit-document");
    each.sample_size(10);
    for name in
        ["BIO-CR-BIO_2024.01_TSH_1", "IPS-FR_2024.01", "DLU-EHPAD-DLU_2022.01", "DOC_NON_STRUCTURE_CDA-R2-N1"]
    {
        if let Some((_, document)) = documents.iter().find(|(n, _)| n == name) {
            each.bench_function(name, |b| b.iter(|| kit.check(black_box(document)).issues.len()));
        }
    }
    each.finish();
}

criterion_group!(benches, kit);
criterion_main!(benches);
