//! Embeds the web UI (`ui/dist`, built by `make ui`) into the binary for `vigie serve`.
//!
//! Generates `$OUT_DIR/ui_assets.rs`: `static ASSETS: &[(&str, &str, &[u8])]`, one
//! (path below `ui/dist`, media type, `include_bytes!`) per file, sorted by path. Without
//! `ui/dist` the table is empty and the server says how to build the UI.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dist = manifest.join("ui").join("dist");
    if dist.is_dir() {
        println!("cargo:rerun-if-changed=ui/dist");
    } else if manifest.join("ui").is_dir() {
        // Watching a missing path would rerun this script on every build; watching `ui`
        // notices `ui/dist` appearing.
        println!("cargo:rerun-if-changed=ui");
    }

    let mut files = Vec::new();
    if dist.is_dir() {
        walk(&dist, &mut files);
    }
    let mut rows: Vec<(String, PathBuf)> = files
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(&dist).ok()?;
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_str().map(str::to_string))
                .collect::<Option<_>>()?;
            Some((parts.join("/"), path))
        })
        .collect();
    rows.sort();

    let mut out = String::from("pub(crate) static ASSETS: &[(&str, &str, &[u8])] = &[\n");
    for (url_path, path) in &rows {
        let absolute = path.canonicalize().unwrap_or_else(|_| path.clone());
        let absolute = absolute.to_str().expect("a UTF-8 path");
        let _ =
            writeln!(out, "    ({url_path:?}, {:?}, include_bytes!({absolute:?})),", media_type(url_path));
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("ui_assets.rs");
    std::fs::write(&target, out).expect("OUT_DIR is writable");
}

/// Every regular file below `dir`, symbolic links not followed.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(reader) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in reader.flatten() {
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            walk(&entry.path(), files);
        } else if file_type.is_file() {
            files.push(entry.path());
        }
    }
}

fn media_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}
