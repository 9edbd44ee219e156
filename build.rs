//! Generates two tables the library embeds:
//!
//! - `$OUT_DIR/ui_assets.rs`: the web UI (`ui/dist`, built by `make ui`) for `vigie serve`:
//!   `static ASSETS: &[(&str, &str, &[u8])]`, one (path below `ui/dist`, media type,
//!   `include_bytes!`) per file, sorted by path. Without `ui/dist` the table is empty and the
//!   server says how to build the UI.
//! - `$OUT_DIR/terminology_tables.rs`: each `assets/terminology/*.tsv` table with its
//!   indexes (`src/terminology/`): hash tables of the byte offsets of its rows, laid out here,
//!   so a lookup hashes the key and compares it with the embedded text in one or two slots —
//!   nothing is parsed or indexed when a process starts, and offsets need no relocation
//!   (BENCHMARKS.md, "Rendering").

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/terminology/hash.rs"]
mod hash;

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
/// value sets by code alone (`by_second`) — plus `LABELS`, every value set's rows by code
/// system and code. Each index is a hash table ([`slots`]) that keeps the first row of each
/// key: the file's first, and for `LABELS` the first value set's in `TERMINOLOGY`'s order.
/// Rows are the lines that are not `#` comments and have exactly the table's field count
/// (`src/terminology/mod.rs` reads a row the same way).
fn terminology_tables(manifest: &Path, out_dir: &Path) {
    let dir = manifest.join("assets").join("terminology");
    println!("cargo:rerun-if-changed=assets/terminology");
    println!("cargo:rerun-if-changed=src/terminology/hash.rs");
    let mut out = String::from("// Generated by build.rs from assets/terminology: do not edit.\n");
    // ([code system, code], position << 24 | row offset) of every value-set row, for `LABELS`
    let mut labels: Vec<([String; 2], u32)> = Vec::new();
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
            let position = u32::try_from(position).expect("a few tables") << 24;
            labels.extend(rows.iter().map(|(o, r)| ([r[0].to_owned(), r[1].to_owned()], position | o)));
        }
        let by_key = slots(rows.iter().map(|(offset, row)| (row[..fields - 1].to_vec(), *offset)));
        let by_second = if fields == 3 {
            slots(rows.iter().map(|(offset, row)| (vec![row[1]], *offset)))
        } else {
            String::new()
        };
        let absolute = path.canonicalize().unwrap_or(path);
        let _ = writeln!(
            out,
            "pub(super) const {name}: Table = Table {{ text: include_str!({:?}), fields: {fields}, \
             by_key: &[{by_key}], by_second: &[{by_second}] }};",
            absolute.to_str().expect("a UTF-8 path"),
        );
    }
    let entries = slots(labels.iter().map(|(key, entry)| (key.iter().map(String::as_str).collect(), *entry)));
    let count = entries.split(',').count();
    let _ = writeln!(out, "pub(super) static LABELS: [u32; {count}] = [{entries}];");
    std::fs::write(out_dir.join("terminology_tables.rs"), out).expect("OUT_DIR is writable");
}

/// An open-addressing hash table of `(key, entry)`, written as a comma-separated list of its
/// slots: a power of two of them, at most half full, `u32::MAX` where empty; an entry sits at
/// its key's hash ([`hash::key_hash`]) or in the next free slot after it. Only the first entry
/// of each key goes in, so a lookup finds the first row.
fn slots<'a>(entries: impl Iterator<Item = (Vec<&'a str>, u32)>) -> String {
    let entries: Vec<(Vec<&str>, u32)> = entries.collect();
    let size = (entries.len() * 2).max(2).next_power_of_two();
    let mask = size - 1;
    let mut slots: Vec<Option<&(Vec<&str>, u32)>> = vec![None; size];
    for entry in &entries {
        let mut at = hash::key_hash(&entry.0) as usize & mask;
        while let Some(taken) = slots[at] {
            if taken.0 == entry.0 {
                break;
            }
            at = (at + 1) & mask;
        }
        if slots[at].is_none() {
            slots[at] = Some(entry);
        }
    }
    slots
        .iter()
        .map(|slot| slot.map_or(u32::MAX, |(_, entry)| *entry).to_string())
        .collect::<Vec<_>>()
        .join(",")
}
