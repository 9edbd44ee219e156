//! The Schematron engine on small schemas written for the tests
//! (`tests/fixtures/schematron/`): every construct the ANS kit relies on, each pinned by
//! what a user sees in the results.

use std::path::{Path, PathBuf};

use vigie::schematron::{span_of, CheckKind, CompileOptions, Outcome, Phase, Schema, SetupNote};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schematron")
}

fn schema(phase: Phase) -> Schema {
    let options = CompileOptions { phase, root: Some(fixtures().join("kit")), ..Default::default() };
    Schema::compile(&fixtures().join("kit/main.sch"), &options).expect("the test schema compiles")
}

fn document() -> vigie::Document {
    vigie::read_path(&fixtures().join("doc.xml"), &Default::default())
}

/// One line per outcome: pattern | location | role | message.
fn lines(outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .map(|o| {
            format!(
                "{} | {} | {} | {}",
                o.pattern.as_deref().unwrap_or("-"),
                o.location,
                o.role.as_deref().unwrap_or("-"),
                o.message
            )
        })
        .collect()
}

fn notes(notes: &[SetupNote]) -> Vec<String> {
    notes.iter().map(|n| n.to_string()).collect()
}

#[test]
fn every_construct_of_the_kit_runs() {
    let validation = schema(Phase::Default).validate(&document());
    insta::assert_snapshot!(lines(&validation.outcomes).join("\n"), @r"
    gender | /ClinicalDocument/recordTarget/patientRole/patient/administrativeGenderCode | - | L'élément administrativeGenderCode [X] doit faire partie du jeu de valeurs jdv.xml.
    header | /ClinicalDocument | error | Le document « Compte rendu de test tres long » a le code 34133-9 au lieu de 11502-2 (2 sections).
    header | /ClinicalDocument | info | L'élément ClinicalDocument compte 2 sections.
    first-rule-wins | /ClinicalDocument/component/structuredBody/component/section | - | Première règle : section Résultats.
    first-rule-wins | /ClinicalDocument/component/structuredBody/component[2]/section | - | Seconde règle : section Commentaire.
    data-types | /ClinicalDocument/effectiveTime | - | La date 2024011512 n'a pas une précision admise.
    data-types | /ClinicalDocument/component/structuredBody/component[2]/section/effectiveTime | - | La date n'a pas une précision admise.
    broken | /ClinicalDocument/title | warning | Le titre « Compte rendu de test tres long » est long.
    outside | /ClinicalDocument/confidentialityCode | - | Jamais lu.
    ");
}

#[test]
fn a_phase_selects_its_patterns() {
    let light = schema(Phase::Named("light".into())).validate(&document());
    // the report reads `$section_count`, a let of a pattern this phase leaves out: noted
    assert_eq!(light.outcomes.iter().filter_map(|o| o.id.as_deref()).collect::<Vec<_>>(), ["header-code"]);
    assert!(notes(&light.notes).iter().any(|n| n.contains("$section_count > 1")), "{:#?}", light.notes);
    let all = schema(Phase::All).validate(&document());
    assert_eq!(all.outcomes.len(), 9, "{:#?}", lines(&all.outcomes));
    let unknown = schema(Phase::Named("nope".into()));
    assert!(unknown.validate(&document()).outcomes.is_empty());
    assert!(notes(unknown.notes()).iter().any(|n| n.contains("la phase « nope » n'existe pas")));
}

#[test]
fn lets_are_read_at_every_level() {
    let outcomes = schema(Phase::Default).validate(&document()).outcomes;
    // schema-level $title, rule-level $code, pattern-level $section_count
    let header = outcomes.iter().find(|o| o.id.as_deref() == Some("header-code")).unwrap();
    assert!(header.message.contains("« Compte rendu de test tres long »"));
    assert!(header.message.contains("le code 34133-9"));
    assert!(header.message.contains("(2 sections)"));
}

#[test]
fn asserts_fail_and_reports_fire() {
    let outcomes = schema(Phase::Default).validate(&document()).outcomes;
    let report =
        outcomes.iter().find(|o| o.id.as_deref() == Some("header-sections")).expect("the report fired");
    assert_eq!(report.kind, CheckKind::Report);
    assert_eq!(report.test, "$section_count > 1");
    let assert = outcomes.iter().find(|o| o.id.as_deref() == Some("header-code")).expect("the assert failed");
    assert_eq!(assert.kind, CheckKind::Assert);
    assert_eq!(assert.context, "cda:ClinicalDocument");
    assert!(assert.origin.file.ends_with("main.sch"), "{}", assert.origin);
}

#[test]
fn a_rule_that_does_not_compile_is_noted_and_the_others_run() {
    let schema = schema(Phase::Default);
    let notes = notes(schema.notes());
    let broken: Vec<&String> = notes.iter().filter(|n| n.contains("XPath non compilable")).collect();
    assert_eq!(broken.len(), 1, "{notes:#?}");
    assert!(broken[0].starts_with("main.sch:60 : assert « string-length(.) > 0 and ( »"), "{}", broken[0]);
    // the other assert of the same rule still runs
    let outcomes = schema.validate(&document()).outcomes;
    assert!(outcomes.iter().any(|o| o.message.starts_with("Le titre")));
}

#[test]
fn value_sets_are_read_inside_the_kit_only() {
    let schema = schema(Phase::Default);
    let notes = notes(schema.notes());
    assert!(
        notes
            .iter()
            .any(|n| n.contains("document « ../outside.xml » non chargé")
                && n.contains("outside the kit folder")),
        "{notes:#?}"
    );
    // jdv.xml, inside the kit, was read: F and M pass, X fails
    let outcomes = schema.validate(&document()).outcomes;
    let gender: Vec<_> = outcomes.iter().filter(|o| o.pattern.as_deref() == Some("gender")).collect();
    assert_eq!(gender.len(), 1);
    let valid = vigie::read_bytes(
        std::fs::read_to_string(fixtures().join("doc.xml"))
            .unwrap()
            .replace("code=\"X\"", "code=\"F\"")
            .as_bytes(),
        &Default::default(),
    );
    assert!(schema.validate(&valid).outcomes.iter().all(|o| o.pattern.as_deref() != Some("gender")));
}

#[test]
fn locations_point_into_the_source() {
    let document = document();
    let outcomes = schema(Phase::Default).validate(&document).outcomes;
    let source = document.tree.as_ref().unwrap().source().clone();
    let second = outcomes.iter().find(|o| o.message.starts_with("Seconde règle")).unwrap();
    let span = second.span.expect("a span");
    assert!(source[span.range()].starts_with("<section>\n          <title>Commentaire"));
    let line = document.lines().unwrap().position(span.start).line;
    assert_eq!(line, 24);
    // the same mapping as a function, attributes included
    let tree = document.tree.as_ref().unwrap();
    let code = span_of(tree, "/ClinicalDocument/code/@code").unwrap();
    assert_eq!(&source[code.range()], "code=\"34133-9\"");
}

#[test]
fn a_document_that_is_not_xml_is_noted() {
    let pdf = vigie::read_bytes(b"%PDF-1.4 not xml", &Default::default());
    let validation = schema(Phase::Default).validate(&pdf);
    assert!(validation.outcomes.is_empty());
    assert!(notes(&validation.notes)[0].contains("pas un document XML"));
}

#[test]
fn a_schema_that_cannot_be_read_is_an_error_value() {
    let missing = Schema::compile(&fixtures().join("kit/nope.sch"), &CompileOptions::default());
    assert!(missing.unwrap_err().to_string().contains("schéma illisible"));
    let not_schematron = Schema::compile(&fixtures().join("kit/jdv.xml"), &CompileOptions::default());
    assert!(not_schematron.unwrap_err().to_string().contains("n'est pas un <schema> Schematron"));
}

#[test]
fn compiled_schemas_are_shared_between_threads() {
    fn shareable<T: Send + Sync>(_: &T) {}
    let schema = schema(Phase::Default);
    shareable(&schema);
    let here = lines(&schema.validate(&document()).outcomes);
    let there =
        std::thread::scope(|s| s.spawn(|| lines(&schema.validate(&document()).outcomes)).join().unwrap());
    assert_eq!(here, there);
}

/// Writes `sch` and `xml` in a temporary folder; the outcomes as `location | message`.
fn run_inline(sch: &str, xml: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.sch"), sch).unwrap();
    let options =
        CompileOptions { phase: Phase::All, root: Some(dir.path().to_owned()), ..Default::default() };
    let schema = Schema::compile(&dir.path().join("t.sch"), &options).expect("the test schema compiles");
    let validation = schema.validate(&vigie::read_bytes(xml.as_bytes(), &Default::default()));
    validation.outcomes.iter().map(|o| format!("{} | {}", o.location, o.message)).collect()
}

#[test]
fn wildcard_and_template_contexts_fire_once_per_node_in_document_order() {
    // `…/section/*[…]` is matched from the sections down (not by testing every element), and
    // must still see nested sections' children in document order; `*[templateId/@root=…]`
    // narrows to parents of such templateIds, a parent with two of them around a nested one
    // firing once.
    let sch = r#"<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="cda" uri="urn:hl7-org:v3"/>
  <pattern id="others">
    <rule context="cda:section/*[not(self::cda:title)]">
      <report test="true()">autre : <name/></report>
    </rule>
  </pattern>
  <pattern id="templates">
    <rule context="*[cda:templateId/@root = 'A']">
      <report test="true()">modèle A : <name/></report>
    </rule>
  </pattern>
</schema>"#;
    let xml = r#"<ClinicalDocument xmlns="urn:hl7-org:v3">
  <component><structuredBody><component>
    <section>
      <templateId root="A"/>
      <title>Externe</title>
      <component><section>
        <templateId root="A"/>
        <title>Interne</title>
        <text>interne</text>
      </section></component>
      <templateId root="A"/>
      <text>externe</text>
    </section>
  </component></structuredBody></component>
</ClinicalDocument>"#;
    let section = "/ClinicalDocument/component/structuredBody/component/section";
    assert_eq!(
        run_inline(sch, xml),
        [
            format!("{section}/templateId | autre : templateId"),
            format!("{section}/component | autre : component"),
            format!("{section}/component/section/templateId | autre : templateId"),
            format!("{section}/component/section/text | autre : text"),
            format!("{section}/templateId[2] | autre : templateId"),
            format!("{section}/text | autre : text"),
            format!("{section} | modèle A : section"),
            format!("{section}/component/section | modèle A : section"),
        ]
    );
}

/// The test kit copied to a temporary folder (to be changed by a test).
fn kit_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&fixtures().join("kit"), dir.path());
    dir
}

#[test]
fn the_kit_cache_gives_the_same_findings_and_follows_changed_files() {
    let kit = kit_copy();
    let cache = tempfile::tempdir().unwrap();
    let compile = |cache: Option<&Path>| {
        let options = CompileOptions {
            phase: Phase::Default,
            root: Some(kit.path().to_owned()),
            cache: cache.map(Path::to_owned),
            ..Default::default()
        };
        let schema =
            Schema::compile(&kit.path().join("main.sch"), &options).expect("the test schema compiles");
        lines(&schema.validate(&document()).outcomes)
    };
    let uncached = compile(None);
    assert_eq!(std::fs::read_dir(cache.path()).map(|d| d.count()).unwrap_or(0), 0);
    // the first run writes one entry; the second reads it: the same findings
    assert_eq!(compile(Some(cache.path())), uncached);
    let entries: Vec<_> = std::fs::read_dir(cache.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(compile(Some(cache.path())), uncached);
    // the same file read below another root folder (its messages name files relative to
    // it) is another entry
    let wider = CompileOptions {
        root: kit.path().parent().map(Path::to_owned),
        cache: Some(cache.path().to_owned()),
        ..Default::default()
    };
    Schema::compile(&kit.path().join("main.sch"), &wider).expect("the test schema compiles");
    assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 2);

    // An included file changed: read again.
    let included = kit.path().join("include/patterns.sch");
    let text = std::fs::read_to_string(&included).unwrap();
    let changed = text.replace("n'a pas une précision admise", "a une précision refusée");
    std::fs::write(&included, &changed).unwrap();
    let after = compile(Some(cache.path()));
    assert!(after.iter().any(|l| l.contains("La date 2024011512 a une précision refusée")), "{after:#?}");
    assert_eq!(compile(None), after);

    // What the cache trusts: a file of the same size and modification time is taken as
    // unchanged (as make and cargo do). Proof that the entry is read, not the files.
    let modified = std::fs::metadata(&included).unwrap().modified().unwrap();
    let same_size = changed.replace("refusée", "REFUSÉE");
    assert_eq!(same_size.len(), changed.len());
    std::fs::write(&included, &same_size).unwrap();
    std::fs::File::options().write(true).open(&included).unwrap().set_modified(modified).unwrap();
    assert_eq!(compile(Some(cache.path())), after, "read from the entry");
    assert_ne!(compile(None), after);

    // A file removed: read again, and the missing include is noted as without a cache.
    std::fs::remove_file(&included).unwrap();
    let options = CompileOptions {
        phase: Phase::Default,
        root: Some(kit.path().to_owned()),
        cache: Some(cache.path().to_owned()),
        ..Default::default()
    };
    let schema = Schema::compile(&kit.path().join("main.sch"), &options).unwrap();
    assert!(notes(schema.notes()).iter().any(|n| n.contains("patterns.sch")), "{:#?}", schema.notes());

    // A damaged entry is ignored and rewritten.
    std::fs::write(&included, &text).unwrap();
    for entry in std::fs::read_dir(cache.path()).unwrap() {
        std::fs::write(entry.unwrap().path(), b"not an entry").unwrap();
    }
    assert_eq!(compile(Some(cache.path())), uncached);
    assert_eq!(compile(Some(cache.path())), uncached);
}
