//! Resolves `tauri.conf.json` and the capabilities at compile time (Tauri embeds the result).
//!
//! Listing the app's commands here makes Tauri generate one `allow-<command>` permission per
//! command, so a command is reachable from the webview only if `capabilities/default.json`
//! names it: the commands are an explicit allow-list, like the plugins' are.

fn main() {
    let commands = tauri_build::AppManifest::new().commands(&[
        "list_documents",
        "open_document",
        "query_library",
        "open_files",
        "open_folder",
        "document_source",
        "document_results",
        "document_cumulative",
        "document_clinical",
        "document_render",
        "check_document",
        "document_attachment",
        "document_file",
        "open_external",
        "cancel_indexing",
        "recent_folders",
        "open_recent",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands))
        .expect("tauri-build: invalid tauri.conf.json or capabilities");
}
