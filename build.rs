//! Generates two tables the library embeds:
//!
//! - `$OUT_DIR/ui_assets.rs`: the web UI (`ui/dist`, built by `make ui`) for `vigie serve`:
//!   `static ASSETS: &[(&str, &str, &[u8])]`, one (path below `ui/dist`, media type,
//!   `include_bytes!`) per file, sorted by path. Without `ui/dist` the table is empty and the
//!   server says how to build the UI.
//! - `$OUT_DIR/terminology_tables.rs`: each `assets/terminology/*.tsv` table with its sorted
//!   indexes (`src/terminology/`): the byte offsets of its rows, ordered by key, so a lookup is
//!   a binary search over the embedded text — nothing is parsed or hashed when a process
//!   starts, and offsets need no relocation (BENCHMARKS.md, "Rendering").

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    terminology_tables(&manifest, &out_dir);
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
    let target = out_dir.join("ui_assets.rs");
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

/// The terminology tables: (constant name, file, fields per row). Three-field tables are
/// value sets (`codeSystem<TAB>code<TAB>label`), two-field ones `code<TAB>label`.
const TERMINOLOGY: [(&str, &str, usize); 17] = [
    ("DOCUMENT_TYPES", "document-types.tsv", 3),
    ("DOCUMENT_CLASSES", "document-classes.tsv", 3),
    ("AUTHOR_SPECIALTIES", "author-specialties.tsv", 3),
    ("PROFESSIONS_NON_PS", "professions-non-ps.tsv", 3),
    ("FACILITY_TYPES", "facility-types.tsv", 3),
    ("PRACTICE_SETTINGS", "practice-settings.tsv", 3),
    ("CONFIDENTIALITY", "confidentiality.tsv", 3),
    ("INTERPRETATIONS", "interpretations.tsv", 3),
    ("ADMINISTRATIVE_GENDERS", "administrative-genders.tsv", 3),
    ("CIVILITIES", "civilities.tsv", 3),
    ("TITLES", "titles.tsv", 3),
    ("PATIENT_RELATIONS", "patient-relations.tsv", 3),
    ("MEDIA_TYPES", "media-types.tsv", 3),
    ("PROFESSIONS", "professions.tsv", 2),
    ("SPECIALITES_ORDINALES", "specialites-ordinales.tsv", 2),
    ("UCUM_UNITS", "ucum-units.tsv", 2),
    ("OIDS", "oids.tsv", 2),
];

/// Writes `terminology_tables.rs`: per table, a `Table` constant with the text and its row
/// indexes — by every field but the label (`by_key`: code system and code, or code), and for
/// value sets by code alone (`by_second`) — each stable, so among equal keys the first row of
/// the file comes first.
/// Rows are the lines that are not `#` comments and have exactly the table's field count
/// (`src/terminology/mod.rs` reads a row the same way).
fn terminology_tables(manifest: &Path, out_dir: &Path) {
    let dir = manifest.join("assets").join("terminology");
    println!("cargo:rerun-if-changed=assets/terminology");
    let mut out = String::from("// Generated by build.rs from assets/terminology: do not edit.\n");
    // (system, code, value set's position, row offset) of every value-set row, for `LABELS`
    let mut labels: Vec<(String, String, usize, u32)> = Vec::new();
    for (position, (name, file, fields)) in TERMINOLOGY.into_iter().enumerate() {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut rows: Vec<(u32, Vec<&str>)> = Vec::new();
        let mut offset = 0usize;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let line = line.strip_suffix('\n').unwrap_or(line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split('\t').collect();
            if parts.len() == fields {
                // LABELS packs an offset in 24 bits
                assert!(start < 1 << 24, "{file} is larger than 16 MB");
                rows.push((u32::try_from(start).expect("under 16 MB"), parts));
            }
        }
        if fields == 3 {
            labels.extend(rows.iter().map(|(o, r)| (r[0].to_owned(), r[1].to_owned(), position, *o)));
        }
        // sort_by is stable: among equal keys, rows keep the file's order
        let mut by_key: Vec<&(u32, Vec<&str>)> = rows.iter().collect();
        by_key.sort_by(|a, b| a.1[..fields - 1].cmp(&b.1[..fields - 1]));
        let mut by_second: Vec<&(u32, Vec<&str>)> = rows.iter().collect();
        by_second.sort_by(|a, b| a.1[1].cmp(b.1[1]));
        let list = |rows: &[&(u32, Vec<&str>)]| {
            rows.iter().map(|(offset, _)| offset.to_string()).collect::<Vec<_>>().join(",")
        };
        let absolute = path.canonicalize().unwrap_or(path);
        let _ = writeln!(
            out,
            "pub(super) const {name}: Table = Table {{ text: include_str!({:?}), fields: {fields}, \
             by_key: &[{}], by_second: &[{}] }};",
            absolute.to_str().expect("a UTF-8 path"),
            list(&by_key),
            if fields == 3 { list(&by_second) } else { String::new() },
        );
    }
    // Every value set's rows by (code system, code); among equal keys, the value set that comes
    // first in TERMINOLOGY (ValueSet::ALL's order), then the file's order. An entry is
    // `position << 24 | offset`.
    labels.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    let entries: Vec<String> =
        labels.iter().map(|(_, _, p, o)| ((*p as u32) << 24 | o).to_string()).collect();
    let _ = writeln!(out, "pub(super) static LABELS: [u32; {}] = [{}];", entries.len(), entries.join(","));
    std::fs::write(out_dir.join("terminology_tables.rs"), out).expect("OUT_DIR is writable");
}
