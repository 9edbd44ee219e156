//! Vigie's native XPath evaluator against xee on the ANS kit's own tests: every corpus
//! document is checked with the kit in verification mode, where each assert, report and
//! let the native evaluator answers is also evaluated by xee, node by node's verdicts
//! compared. They must agree everywhere (`tests/kit_oracle.rs` then compares the findings
//! with the kit's own output).
//!
//! Heavy in debug builds (every test evaluated twice): `cargo test --release --test
//! xpath_native` is quicker.

use std::path::Path;

use vigie::schematron::{self, Kit};

const KIT: &str = "../shared/ans-kit";
const CORPUS: &str = "../shared/corpus/fr";

#[test]
fn native_evaluator_agrees_with_xee_on_the_kit_over_the_corpus() {
    let kit = Kit::open(Path::new(KIT)).expect("the kit opens");
    let mut files: Vec<_> = std::fs::read_dir(CORPUS)
        .expect("the corpus is beside the repository")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
        .collect();
    files.sort();
    assert!(files.len() >= 70, "the corpus is there");
    schematron::verify_native_evaluator(true);
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for path in &files {
        let document = vigie::read_path(path, &Default::default());
        let _ = kit.check(&document);
        let (count, found) = schematron::native_disagreements();
        compared += count;
        for what in found {
            disagreements.push(format!("{}: {what}", path.file_name().unwrap_or_default().to_string_lossy()));
        }
    }
    schematron::verify_native_evaluator(false);
    println!("{compared} verdicts compared on {} documents", files.len());
    // the kit's tests, node by node, over the corpus: most are answered natively
    assert!(compared > 100_000, "only {compared} verdicts compared: is the native evaluator used?");
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}
