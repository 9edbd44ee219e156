//! `vigie check`: each built-in rule on its fixture (the rendered diagnostic snapshotted),
//! the corpus (no panic, what fires by layer and rule), the output formats (JSON against
//! its schema, SARIF against the OASIS schema, JUnit well-formed), exit codes, SVRL import
//! and XDM packages.

mod common;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use vigie::check::inputs::{self, Checked, SvrlImports, Target};
use vigie::check::output::{json, junit, sarif, text, FailOn};
use vigie::check::{rules, svrl, CheckOptions, Checker, Layer};
use vigie::summary::Lang;
use vigie::xml::Limits;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/check").join(name)
}

fn checker() -> Checker {
    Checker::new(CheckOptions::default()).expect("no folder to load")
}

/// A fixture checked, labelled by its path in the repository (stable across machines).
fn check_fixture(name: &str) -> Checked {
    let document = vigie::read_path(&fixture(name), &Limits::default());
    let report = checker().check(&document, &format!("tests/fixtures/check/{name}"));
    Checked { report, source: document.tree.as_ref().map(|t| t.source().clone()) }
}

fn rendered(checked: &Checked) -> String {
    format!("{}\n--- en ---\n{}", text::render(checked, Lang::Fr), text::render(checked, Lang::En))
}

/// The fixture folder `xdm/` as a zip, in a temporary folder.
fn fixture_package(dir: &Path) -> PathBuf {
    let path = dir.join("package.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).expect("a temporary file"));
    let root = fixture("xdm");
    for name in ["IHE_XDM/SUBSET01/DOC0001.XML", "IHE_XDM/SUBSET01/METADATA.XML"] {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).expect("zip entry");
        zip.write_all(&std::fs::read(root.join(name)).expect("the fixture")).expect("zip write");
    }
    zip.finish().expect("zip written");
    path
}

#[test]
fn the_clean_fixture_passes_every_builtin_rule() {
    let checked = check_fixture("clean.xml");
    assert!(checked.report.issues.is_empty(), "{}", rendered(&checked));
    let ran: Vec<(Layer, bool)> = checked.report.layers.iter().map(|l| (l.layer, l.ran)).collect();
    assert_eq!(
        ran,
        [
            (Layer::Xml, true),
            (Layer::Cda, true),
            (Layer::Xsd, false),
            (Layer::Kit, false),
            (Layer::Builtin, true)
        ]
    );
}

#[test]
fn each_builtin_rule_fires_on_its_fixture_and_only_there() {
    for rule in rules::ALL {
        let mut checked = check_fixture(&format!("{}.xml", rule.id));
        // The other layers have fixtures of their own: only the built-in rules' issues here.
        checked.report.issues.retain(|i| i.layer == Layer::Builtin);
        let fired: Vec<&str> = checked.report.issues.iter().map(|i| i.rule.as_str()).collect();
        assert!(!fired.is_empty(), "{} does not fire on its fixture", rule.id);
        assert!(fired.iter().all(|r| *r == rule.id), "{}: other rules fired too: {fired:?}", rule.id);
        let issue = &checked.report.issues[0];
        assert!(issue.position.is_some() && issue.path.is_some(), "{}: located", rule.id);
        insta::assert_snapshot!(format!("rule__{}", rule.id), rendered(&checked));
    }
}

#[test]
fn the_xdm_rules_fire_on_the_fixture_package() {
    let dir = tempfile::tempdir().unwrap();
    let zip = fixture_package(dir.path());
    let checked = inputs::check_target(&checker(), &Target::Package(zip), &SvrlImports::default());
    let mut out = String::new();
    for input in &checked {
        let mut input = input.clone();
        input.report.file = input.report.file.replace(&dir.path().display().to_string(), "TMP");
        out.push_str(&text::render(&input, Lang::En));
    }
    assert_eq!(checked.len(), 2, "the package, then its document");
    let rules: Vec<&str> =
        checked.iter().flat_map(|c| c.report.issues.iter().map(|i| i.rule.as_str())).collect();
    for expected in ["xdm.no-index", "xdm.hash-mismatch", "xdm.size-mismatch", "xdm.patient-mismatch"] {
        assert!(rules.contains(&expected), "{expected} in {rules:?}");
    }
    insta::assert_snapshot!("rule__xdm", out);
}

#[test]
fn every_rule_has_its_page_and_every_reader_code_is_documented() {
    for rule in rules::ALL.iter().chain(rules::PACKAGE.iter()) {
        let page = std::fs::read_to_string(repo().join(rule.page()))
            .unwrap_or_else(|_| panic!("{} has no page {}", rule.id, rule.page()));
        assert!(page.starts_with(&format!("# {}", rule.id)), "{} titles its page", rule.id);
    }
    let reader = std::fs::read_to_string(repo().join(vigie::check::reader::PAGE)).expect("the reader's page");
    for (code, _) in vigie::check::reader::CODES {
        assert!(reader.contains(&format!("`{code}`")), "{code} is documented");
    }
}

#[test]
fn the_corpus_is_checked_without_panic_and_what_fires_is_pinned() {
    let checker = checker();
    let mut by_layer: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    let files = common::corpus();
    for path in &files {
        let document = vigie::read_path(path, &Limits::default());
        let report = checker.check(&document, &path.display().to_string());
        for issue in &report.issues {
            let layer = serde_json::to_value(issue.layer).unwrap().as_str().unwrap().to_owned();
            *by_layer.entry(layer).or_default() += 1;
            *by_rule.entry(issue.rule.clone()).or_default() += 1;
            assert!(
                issue.span.is_none() || issue.position.is_some(),
                "{}: {} located",
                path.display(),
                issue.rule
            );
        }
    }
    assert!(files.len() >= 70);
    insta::assert_json_snapshot!(
        "corpus_counts",
        serde_json::json!({ "by_layer": by_layer, "by_rule": by_rule })
    );
}

#[test]
fn json_lines_match_the_documented_schema() {
    let generated = serde_json::to_string_pretty(&json::schema()).unwrap() + "\n";
    let path = repo().join("docs/check.schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("docs/ is writable");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/check.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test --test check`"
    );
    let validator = jsonschema::validator_for(&json::schema()).expect("a valid JSON Schema");
    for name in ["clean.xml", "narrative.reference.xml", "version.replaces.xml"] {
        let line: serde_json::Value = serde_json::from_str(&json::line(&check_fixture(name).report)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&line).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    let mut report = check_fixture("narrative.reference.xml").report;
    report.layers.iter_mut().for_each(|l| l.millis = 0.0);
    insta::assert_json_snapshot!("json_report", report);
}

/// The OASIS schema as the serde-sarif crate ships it (found through `cargo metadata`).
fn sarif_schema() -> serde_json::Value {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(repo())
        .output()
        .expect("cargo metadata runs");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("cargo metadata's JSON");
    let manifest = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == "serde-sarif"))
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif is a dev-dependency");
    let schema = Path::new(manifest).with_file_name("src/schema.json");
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema).expect("serde-sarif ships src/schema.json"))
            .expect("the schema is JSON");
    // The 2.1.0 schema's invalid regular expression (a stray `]`, in the `language`
    // properties), as OASIS errata 01 corrects it, so that the schema itself validates.
    let mut stack = vec![&mut schema];
    let mut corrected = 0;
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::String(s) if s == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" => {
                *s = "^[a-zA-Z]{2}$|^[a-zA-Z]{2}-[a-zA-Z]{2}$".into();
                corrected += 1;
            }
            serde_json::Value::Array(items) => stack.extend(items.iter_mut()),
            serde_json::Value::Object(map) => stack.extend(map.values_mut()),
            _ => {}
        }
    }
    assert!(corrected > 0, "the schema as shipped has the erratum");
    schema
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let mut checked: Vec<Checked> =
        ["ins.key.xml", "narrative.reference.xml", "clean.xml"].map(check_fixture).into();
    let dir = tempfile::tempdir().unwrap();
    checked.extend(inputs::check_target(
        &checker(),
        &Target::Package(fixture_package(dir.path())),
        &SvrlImports::default(),
    ));
    let log = sarif::log(&checked, Lang::Fr);
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(&log).take(5).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(log.clone()).expect("reads back as SARIF");
    assert_eq!(typed.runs.len(), 1);
    let run = &log["runs"][0];
    let first = &run["results"][0];
    assert_eq!(first["ruleId"], "ins.key");
    assert_eq!(first["locations"][0]["physicalLocation"]["region"]["startLine"], 18);
    assert_eq!(
        first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "recordTarget/patientRole/id"
    );
    let rule = &run["tool"]["driver"]["rules"][0];
    assert!(rule["helpUri"].as_str().unwrap().ends_with("docs/rules/ins.key.md"), "{rule}");
    let member = run["artifacts"].as_array().unwrap().iter().find(|a| a["parentIndex"].is_number());
    assert_eq!(member.expect("a packaged document")["location"]["uri"], "IHE_XDM/SUBSET01/DOC0001.XML");
}

#[test]
fn junit_output_is_well_formed_with_a_suite_per_input_and_a_case_per_layer() {
    let checked: Vec<Checked> =
        ["clean.xml", "ins.key.xml", "narrative.reference.xml"].map(check_fixture).into();
    let xml = junit::document(&checked, FailOn::Error, Lang::En);
    let read = vigie::read_bytes(xml.as_bytes(), &Limits::default());
    assert!(read.findings.iter().all(|f| !f.code.starts_with("xml.")), "{:?}", read.findings);
    let tree = read.tree.expect("a tree");
    let root = tree.root().expect("a root");
    assert_eq!(tree.local_name(root), "testsuites");
    assert_eq!(tree.attr(root, "failures").as_deref(), Some("1"), "only the error fails; warnings do not");
    let suites: Vec<_> = tree.elements(root).collect();
    assert_eq!(suites.len(), 3);
    assert_eq!(tree.elements(suites[1]).count(), 5, "one test case per layer");
    assert!(xml.contains("<failure message=\"the key 35"), "{xml}");
    assert!(xml.contains("<skipped message=\"no kit folder given (--kit)\"/>"));
    let warnings = junit::document(&checked, FailOn::Warning, Lang::En);
    assert!(warnings.contains("failures=\"2\""), "with --fail-on warning, warnings fail too");
}

fn vigie(args: &[&str]) -> std::process::Output {
    let data = tempfile::tempdir().expect("a temporary folder");
    vigie_with_data(data.path(), args)
}

/// `vigie` with `data` as its data folder (`XDG_DATA_HOME`).
fn vigie_with_data(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .env("LANG", "C")
        .env("XDG_DATA_HOME", data)
        .current_dir(repo())
        .output()
        .expect("vigie runs")
}

/// A JSON report without its timings.
fn without_timings(stdout: &[u8]) -> serde_json::Value {
    let mut report: serde_json::Value = serde_json::from_slice(stdout).expect("one JSON line");
    for layer in report["layers"].as_array_mut().expect("layers") {
        layer.as_object_mut().expect("a layer").remove("millis");
    }
    report
}

#[test]
fn the_expanded_kit_is_kept_in_the_data_folder_unless_no_cache() {
    let kit = common::shared().join("ans-kit");
    let lab = common::corpus_file("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml");
    let (kit, lab) = (kit.to_str().expect("utf-8 path"), lab.to_str().expect("utf-8 path"));
    let args = ["check", "--kit", kit, lab, "--format", "json"];
    let entries =
        |data: &Path| std::fs::read_dir(data.join("vigie/kit-cache")).map(|d| d.count()).unwrap_or(0);

    let data = tempfile::tempdir().expect("a temporary folder");
    let first = vigie_with_data(data.path(), &args);
    // the header profiles, the content templates and the volet: one entry each
    assert!(entries(data.path()) >= 3, "{} entries", entries(data.path()));
    let second = vigie_with_data(data.path(), &args);
    assert_eq!(second.status.code(), first.status.code());
    assert_eq!(
        without_timings(&second.stdout),
        without_timings(&first.stdout),
        "read back, the same findings"
    );

    let uncached = tempfile::tempdir().expect("a temporary folder");
    let mut no_cache = args.to_vec();
    no_cache.push("--no-cache");
    let third = vigie_with_data(uncached.path(), &no_cache);
    assert_eq!(without_timings(&third.stdout), without_timings(&first.stdout));
    assert_eq!(entries(uncached.path()), 0, "--no-cache writes nothing");
}

#[test]
fn exit_codes_follow_fail_on() {
    let code = |args: &[&str]| vigie(args).status.code();
    let clean = "tests/fixtures/check/clean.xml";
    let error = "tests/fixtures/check/ins.key.xml";
    let warning = "tests/fixtures/check/ins.missing.xml";
    assert_eq!(code(&["check", clean]), Some(0));
    assert_eq!(code(&["check", error]), Some(1));
    assert_eq!(code(&["check", warning]), Some(0), "warnings do not fail by default");
    assert_eq!(code(&["check", "--fail-on", "warning", warning]), Some(1));
    assert_eq!(code(&["check", "--fail-on", "never", error]), Some(0));
    assert_eq!(code(&["check"]), Some(2));
    assert_eq!(code(&["check", "--format", "yaml", clean]), Some(2));
    assert_eq!(code(&["check", "--kit", "/nonexistent/kit", clean]), Some(2));
    assert_eq!(code(&["check", "--svrl", clean, clean]), Some(2), "a CDA document is not an SVRL report");
}

#[test]
fn an_unreadable_path_is_named_and_exits_2() {
    let out = vigie(&["check", "tests/fixtures/check/clean.xml", "no/such/file.xml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no/such/file.xml") && stderr.contains("cannot be opened"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("no/such/file.xml: error[io.read]"), "{stdout}");
}

#[test]
fn text_output_is_in_input_order_with_a_summary() {
    let out =
        vigie(&["check", "tests/fixtures/check/version.number.xml", "tests/fixtures/check/ins.key.xml"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let version = stdout.find("error[version.number]").expect("first file's issue");
    let key = stdout.find("error[ins.key]").expect("second file's issue");
    assert!(version < key, "input order kept: {stdout}");
    let summary = stdout.trim_end().lines().last().unwrap_or_default();
    assert!(summary.starts_with("2 files checked: ") && summary.ends_with(" infos"), "{stdout}");
    let json = vigie(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/check/clean.xml",
        "tests/fixtures/check/ins.key.xml",
    ]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["issues"][0]["rule"], "ins.key");
}

#[test]
fn svrl_findings_are_shown_at_their_locations() {
    let name = "TestContenuCDA-2-41__ExemplesCDA__OBP-SCE_2021.01";
    let svrl_path = common::shared().join(format!("corpus/oracle/ans-svrl/{name}/volet.svrl.xml"));
    let report = svrl::read(&std::fs::read(&svrl_path).unwrap(), "volet.svrl.xml").expect("an SVRL report");
    assert_eq!(report.document_name(), Some(format!("{name}.xml").as_str()));
    let document = vigie::read_path(&common::corpus_file(&format!("{name}.xml")), &Limits::default());
    let issues = report.issues(&document);
    assert_eq!(issues.len(), report.findings.len());
    assert!(issues.iter().all(|i| i.span.is_some()), "every location found");
    let imports = SvrlImports { reports: vec![report], sole_target: false };
    let checked = inputs::check_target(
        &checker(),
        &Target::File(common::corpus_file(&format!("{name}.xml"))),
        &imports,
    );
    let svrl: Vec<(String, String)> = checked[0]
        .report
        .issues
        .iter()
        .filter(|i| i.layer == Layer::Svrl)
        .map(|i| (format!("{}", i.position.unwrap()), i.path.clone().unwrap()))
        .collect();
    assert_eq!(svrl.len(), issues.len());
    assert!(svrl.contains(&("678:9".into(), "section[code=29554-3]".into())), "{svrl:?}");
    assert!(svrl.contains(&("239:5".into(), "documentationOf/serviceEvent".into())), "{svrl:?}");
}

#[test]
fn svrl_reports_of_the_oracle_locate_every_failed_assert() {
    let root = common::shared().join("corpus/oracle/ans-svrl");
    let mut located = 0;
    for path in common::corpus() {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let Ok(entries) = std::fs::read_dir(root.join(&stem)) else { continue };
        let document = vigie::read_path(&path, &Limits::default());
        for entry in entries.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".svrl.xml")) {
            let Ok(report) = svrl::read(&std::fs::read(entry.path()).unwrap(), "r.svrl.xml") else {
                continue;
            };
            for (finding, issue) in report.findings.iter().zip(report.issues(&document)) {
                if finding.location.starts_with('/') {
                    assert!(issue.span.is_some(), "{stem}: {}", finding.location);
                    located += 1;
                }
            }
        }
    }
    assert!(located > 10, "{located}");
}

/// `--kit`: the ANS kit's Schematron rules run as a layer of `vigie check` (the agreement
/// with the kit over the whole corpus is `tests/kit_oracle.rs`'s).
#[test]
fn the_kit_layer_runs_the_ans_kit_and_says_which_volet() {
    let kit = common::shared().join("ans-kit");
    let lab = common::corpus_file("TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml");
    let (kit, lab) = (kit.to_str().expect("utf-8 path"), lab.to_str().expect("utf-8 path"));

    let output = vigie(&["check", "--kit", kit, lab, "--format", "json", "--lang", "en"]);
    assert_eq!(output.status.code(), Some(1), "the kit finds an error");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    let layer = report["layers"].as_array().unwrap().iter().find(|l| l["layer"] == "kit").unwrap();
    assert_eq!(layer["ran"], true);
    let volet = layer["notes"][0]["en"].as_str().unwrap();
    assert!(
        volet.starts_with("volet CI-SIS_BIO-CR-BIO_2021.01.sch: templateId 1.3.6.1.4.1.19376.1.3.3"),
        "{volet}"
    );

    let kit_issues: Vec<&serde_json::Value> =
        report["issues"].as_array().unwrap().iter().filter(|i| i["layer"] == "kit").collect();
    assert_eq!(kit_issues.len(), layer["issues"].as_u64().unwrap() as usize);
    let sections =
        kit_issues.iter().find(|i| i["rule"] == "kit:Entete_CR-BIO").expect("the sections rule fires");
    assert_eq!(sections["severity"], "error");
    assert_eq!(
        (sections["position"]["line"].as_u64(), sections["position"]["column"].as_u64()),
        (Some(684), Some(7))
    );
    assert_eq!(sections["path"], "section[code=55108-5]");
    assert!(sections["message"]["fr"]
        .as_str()
        .unwrap()
        .contains("un CR-BIO ne peut comporter que les sections"));
    assert_eq!(sections["source"]["kind"], "kit");
    assert!(sections["source"]["file"].as_str().unwrap().ends_with("Entete/Entete_CR-BIO.sch"), "{sections}");
    assert_eq!(sections["source"]["line"], 141);

    // the text summary says once which volet ran; a document the kit passes exits 0
    let output = vigie(&["check", "--kit", kit, lab, "--lang", "en", "--fail-on", "never"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("error[kit:Entete_CR-BIO]"), "{text}");
    assert!(text.contains("note: layer kit (1 file): volet CI-SIS_BIO-CR-BIO_2021.01.sch"), "{text}");
    let clean = common::corpus_file("TestContenuCDA-3-0__ExemplesCDA__IPS-FR_2024.01.xml");
    let output = vigie(&["check", "--kit", kit, clean.to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    let kit_errors = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["layer"] == "kit" && i["severity"] == "error")
        .count();
    assert_eq!(kit_errors, 0, "{report}");
}

#[test]
fn a_folder_that_is_not_a_kit_is_a_usage_error() {
    let output = vigie(&["check", "--kit", "tests/fixtures", "tests/fixtures/check/clean.xml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("tests/fixtures"));
}
