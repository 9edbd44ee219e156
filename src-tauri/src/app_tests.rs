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

/// The app as `main` builds it, its session holding `paths`, and its main window.
fn app_with(paths: &[PathBuf]) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let mut session = Session::new(Limits::default());
    session.add_paths(paths);
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
