//! The app on Tauri's mock runtime, with its real configuration and capabilities (compiled in
//! by `context()`): what the webview may invoke, what it may not, and what a drop does. The
//! smoke test (`tests/desktop/smoke.mjs`) checks the same on the real window.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, DragDropEvent, Listener, Manager, PhysicalPosition, WebviewWindow, WindowEvent};
use vigie::session::Session;
use vigie::xml::Limits;

use crate::drops::{self, DOCUMENTS_ADDED};

fn document() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/desktop/cr-bio.xml")
}

/// The app's data folder (recent folders) in a temporary folder, never the real home: set
/// once for the whole test binary, before any app is built.
fn isolate_data_folder() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let dir = std::env::temp_dir().join(format!("vigie-app-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary data folder");
        // SAFETY: set once, before any thread of the tests reads the environment through Tauri.
        unsafe { std::env::set_var("XDG_DATA_HOME", &dir) };
    });
}

/// The app as `main` builds it, its session holding `paths`, and its main window.
fn app_with(paths: &[PathBuf]) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let mut session = Session::new(Limits::default());
    session.add_paths(paths);
    app_of(session)
}

/// The app as `main` builds it over `session`, and its main window.
fn app_of(session: Session) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    isolate_data_folder();
    let app = crate::app(mock_builder(), session).build(crate::context()).expect("the app builds");
    let window = match app.get_webview_window("main") {
        Some(window) => window,
        None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("the main window opens"),
    };
    (app, window)
}

/// What the page gets from `invoke(command, args)`: the answer, or the refusal.
fn invoke(window: &WebviewWindow<MockRuntime>, command: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("a URL"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().expect("JSON"))
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().into_iter().flatten().filter_map(|entry| entry["name"].as_str()).collect()
}

#[test]
fn the_webview_reads_the_documents_it_was_given() {
    let (_app, window) = app_with(&[document()]);
    let list = invoke(&window, "list_documents", json!({})).expect("list_documents is allowed");
    assert_eq!(names(&list), ["cr-bio.xml"]);
    let source = invoke(&window, "document_source", json!({ "id": 0 })).expect("document_source is allowed");
    assert!(source.as_str().is_some_and(|xml| xml.contains("ClinicalDocument")));
    let results =
        invoke(&window, "document_results", json!({ "id": 0 })).expect("document_results is allowed");
    assert!(results["chapters"].is_array(), "{results}");
    assert!(results["result_count"].is_u64(), "{results}");
}

#[test]
fn the_webview_checks_a_document_and_hears_why_a_layer_did_not_run() {
    let (_app, window) = app_with(&[document()]);
    let report = invoke(&window, "check_document", json!({ "id": 0 })).expect("check_document is allowed");
    let layers = report["layers"].as_array().expect("layers");
    let layer = |name: &str| layers.iter().find(|l| l["layer"] == name).cloned().unwrap_or_default();
    assert_eq!(layer("xml")["ran"], true, "{report}");
    assert_eq!(layer("builtin")["ran"], true, "{report}");
    // No kit folder given: the layer is reported, not run, with why (never an error).
    assert_eq!(layer("kit")["ran"], false, "{report}");
    assert!(!layer("kit")["skipped"].is_null(), "{report}");
    assert!(report["issues"].is_array(), "{report}");
    for issue in report["issues"].as_array().into_iter().flatten() {
        assert!(issue["message"]["fr"].is_string(), "{issue}");
    }
    let missing = invoke(&window, "check_document", json!({ "id": 7 })).expect_err("no document #7");
    assert!(missing.as_str().is_some_and(|m| m.contains("no document #7")), "{missing}");
}

#[test]
fn a_kit_folder_that_cannot_be_used_is_named_when_checking() {
    let mut session = Session::new(Limits::default());
    session.add_paths(&[document()]);
    session.set_check_options(vigie::check::CheckOptions {
        kit_dir: Some("/nonexistent/ans-kit".into()),
        ..Default::default()
    });
    let (_app, window) = app_of(session);
    let refused = invoke(&window, "check_document", json!({ "id": 0 })).expect_err("the kit cannot be used");
    assert!(refused.as_str().is_some_and(|m| m.contains("/nonexistent/ans-kit")), "{refused}");
}

#[test]
fn the_webview_cannot_name_a_file_to_add() {
    let (_app, window) = app_with(&[]);
    let path = document().display().to_string();
    let refused = invoke(&window, "add_paths", json!({ "paths": [path] }));
    let message = refused.expect_err("add_paths was allowed").to_string();
    assert!(message.contains("not allowed"), "{message}");
    let list = invoke(&window, "list_documents", json!({})).expect("list_documents is allowed");
    assert_eq!(names(&list), Vec::<&str>::new());
}

#[test]
fn the_webview_cannot_open_the_dialog_plugin_itself() {
    let (_app, window) = app_with(&[]);
    let refused = invoke(&window, "plugin:dialog|open", json!({ "options": { "multiple": true } }));
    let message = refused.expect_err("plugin:dialog|open was allowed").to_string();
    assert!(message.contains("not allowed"), "{message}");
}

#[test]
fn a_drop_adds_the_files_then_tells_the_window() {
    let (app, window) = app_with(&[]);
    let (sender, received) = mpsc::channel();
    app.listen_any(DOCUMENTS_ADDED, move |event| {
        let _ = sender.send(event.payload().to_string());
    });

    let missing = document().with_file_name("absent.xml");
    let drop =
        DragDropEvent::Drop { paths: vec![document(), missing], position: PhysicalPosition::new(0.0, 0.0) };
    drops::on_window_event(&window.as_ref().window(), &WindowEvent::DragDrop(drop));

    let payload = received.recv_timeout(Duration::from_secs(30)).expect("documents-added was emitted");
    let added: Value = serde_json::from_str(&payload).expect("JSON");
    assert_eq!(names(&added["entries"]), ["cr-bio.xml"]);
    assert_eq!(added["notes"].as_array().map(Vec::len), Some(1), "{added}");
    let list = invoke(&window, "list_documents", json!({})).expect("list_documents is allowed");
    assert_eq!(names(&list), ["cr-bio.xml"]);
}

#[test]
fn a_dropped_folder_is_indexed_with_progress_remembered_and_queryable() {
    let (app, window) = app_with(&[]);
    let (sender, received) = mpsc::channel();
    let progress = sender.clone();
    app.listen_any(crate::indexing::INDEXING_PROGRESS, move |event| {
        let _ = progress.send(("progress", event.payload().to_string()));
    });
    app.listen_any(DOCUMENTS_ADDED, move |event| {
        let _ = sender.send(("added", event.payload().to_string()));
    });
    let folder = document().parent().expect("the fixture's folder").to_path_buf();
    let drop = DragDropEvent::Drop { paths: vec![folder.clone()], position: PhysicalPosition::new(0.0, 0.0) };
    drops::on_window_event(&window.as_ref().window(), &WindowEvent::DragDrop(drop));

    let mut last_progress = Value::Null;
    loop {
        let (kind, payload) = received.recv_timeout(Duration::from_secs(30)).expect("events were emitted");
        let payload: Value = serde_json::from_str(&payload).expect("JSON");
        if kind == "progress" {
            last_progress = payload;
        } else {
            assert!(names(&payload["entries"]).contains(&"cr-bio.xml"), "{payload}");
            break;
        }
    }
    assert_eq!(last_progress["finished"], true, "the last progress event closes the run: {last_progress}");
    assert_eq!(last_progress["done"], last_progress["total"]);

    let results = invoke(&window, "query_library", json!({ "query": { "search": "biologie" } }))
        .expect("query_library is allowed");
    assert!(results["total"].as_u64().is_some_and(|n| n >= 1), "{results}");

    let recent = invoke(&window, "recent_folders", json!({})).expect("recent_folders is allowed");
    let name = folder.file_name().and_then(|n| n.to_str()).expect("a name");
    assert_eq!(recent[0]["name"], name, "{recent}");
    assert_eq!(recent[0]["exists"], true);
    let again = invoke(&window, "open_recent", json!({ "index": 0 })).expect("open_recent is allowed");
    assert!(names(&again["entries"]).contains(&"cr-bio.xml"), "{again}");
    let missing = invoke(&window, "open_recent", json!({ "index": 99 })).expect_err("no such folder");
    assert!(missing.as_str().is_some_and(|m| m.contains("no recent folder #99")), "{missing}");
    invoke(&window, "cancel_indexing", json!({})).expect("cancel_indexing is allowed");
}

#[test]
fn a_document_saved_into_a_watched_folder_appears_in_the_list() {
    let (app, window) = app_with(&[]);
    let folder = std::env::temp_dir().join(format!("vigie-watch-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let (sender, received) = mpsc::channel();
    app.listen_any(DOCUMENTS_ADDED, move |event| {
        let _ = sender.send(event.payload().to_string());
    });
    let drop = DragDropEvent::Drop { paths: vec![folder.clone()], position: PhysicalPosition::new(0.0, 0.0) };
    drops::on_window_event(&window.as_ref().window(), &WindowEvent::DragDrop(drop));
    received.recv_timeout(Duration::from_secs(30)).expect("the (empty) folder was added");

    std::fs::copy(document(), folder.join("nouveau.xml")).expect("a document saved into the folder");
    let payload = received.recv_timeout(Duration::from_secs(30)).expect("the watcher told the window");
    let added: Value = serde_json::from_str(&payload).expect("JSON");
    assert_eq!(names(&added["entries"]), ["nouveau.xml"], "{added}");
    let list = invoke(&window, "list_documents", json!({})).expect("list_documents is allowed");
    assert_eq!(names(&list), ["nouveau.xml"]);
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn the_webview_reads_a_bare_pdf_file_and_only_that() {
    isolate_data_folder();
    let folder = std::env::temp_dir().join(format!("vigie-app-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let pdf = folder.join("scan.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 pages").expect("a PDF");
    let (_app, window) = app_with(&[pdf, document()]);

    let bytes = invoke(&window, "document_file", json!({ "id": 0 })).expect("document_file is allowed");
    let bytes: Vec<u8> = serde_json::from_value(bytes).expect("bytes");
    assert_eq!(bytes, b"%PDF-1.4 pages");
    let refused = invoke(&window, "document_file", json!({ "id": 1 })).expect_err("a CDA is not a PDF file");
    assert!(refused.as_str().is_some_and(|m| m.contains("not a PDF file")), "{refused}");
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn the_webview_may_ask_to_open_a_link_and_rust_refuses_what_is_not_one() {
    let (_app, window) = app_with(&[]);
    let overlong = format!("https://example.org/{}", "a".repeat(crate::external::MAX_URL_LENGTH));
    for (url, why) in [
        ("javascript:alert(document.domain)", "only web"),
        ("file:///etc/passwd", "only web"),
        ("data:text/html,<script>alert(1)</script>", "only web"),
        ("../secret.pdf", "not a full URL"),
        ("https://www.ameli.fr@example.org/", "user name or password"),
        ("mailto:a@b.example?attach=/etc/passwd", "attach"),
        (overlong.as_str(), "more than the 2048"),
    ] {
        // Allowed by the capability, refused by the command before anything is launched.
        let refused = invoke(&window, "open_external", json!({ "url": url })).expect_err(url);
        assert!(refused.as_str().is_some_and(|m| m.contains(why)), "{url}: {refused}");
    }
}

#[test]
fn the_webview_has_no_opener_or_shell_plugin() {
    let (_app, window) = app_with(&[]);
    for command in ["plugin:opener|open_url", "plugin:opener|open_path", "plugin:shell|open"] {
        let refused = invoke(&window, command, json!({ "url": "https://example.org/", "path": "/etc" }));
        let message = refused.expect_err(command).to_string();
        assert!(message.contains("not allowed") || message.contains("not found"), "{command}: {message}");
    }
}
