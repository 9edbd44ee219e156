//! `docs/report.schema.json` is generated from the model's types: it must stay current.

use std::path::Path;

#[test]
fn the_report_schema_in_docs_is_current() {
    // the schema of what Vigie writes (fields skipped when empty are optional)
    let generator = schemars::generate::SchemaSettings::default().for_serialize().into_generator();
    let mut schema = generator.into_root_schema_for::<vigie::summary::Report<'static>>();
    schema.insert("title".into(), "Vigie document report".into());
    schema.insert(
        "description".into(),
        "One document read by Vigie: `vigie inspect --json` prints one per line; the HTTP API and the \
         desktop app return the same object."
            .into(),
    );
    let generated = serde_json::to_string_pretty(&schema).expect("the schema serialises") + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("docs/ is writable");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/report.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test --test schema` and commit it"
    );
}

#[test]
fn every_corpus_report_matches_the_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the schema")).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/fr");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).expect("the shared corpus").flatten() {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let document = vigie::read_path(&path, &vigie::xml::Limits::default());
        let name = path.display().to_string();
        let report = serde_json::to_value(vigie::summary::Report::new(&document, &name)).expect("serialises");
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .take(3)
            .map(|e| format!("at {} (schema {})", e.instance_path(), e.schema_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        checked += 1;
    }
    assert!(checked >= 70);
}
