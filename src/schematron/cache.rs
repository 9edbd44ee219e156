//! The expanded schemas of a kit, kept between runs.
//!
//! Reading the ANS kit's Schematron files (~580 files, 2.8 MB, includes resolved) and
//! expanding its abstract patterns is most of a one-document `vigie check --kit` process.
//! The result, an [`Expanded`] schema, is plain data: it is written once to the cache
//! folder (the application's data folder, `kit-cache/`) and read back by the next run.
//!
//! An entry is trusted only when it is exactly what reading the files again would give:
//! - its key is the main file's canonical path, the root folder (file names in messages are
//!   relative to it) and the phase;
//! - it records every file the reading opened (size and modification time, to the
//!   nanosecond) and every include that was missing; a file changed, added or removed is
//!   a miss, and the entry is rewritten;
//! - it carries the cache format and Vigie's version: a new Vigie never reads an old entry.
//!
//! The folder holds at most [`MAX_ENTRIES`] entries, the least recently written removed
//! first. The cache is an optimisation only: an entry that cannot be read, decoded or written is
//! ignored (the files are read as if there were no cache), never an error. Entries are
//! written to a temporary file and renamed, so a reader never sees half an entry.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use super::model::Expanded;
use super::Phase;

/// Changes whenever [`Expanded`] or this header changes shape.
const FORMAT: u32 = 2;

/// Entries larger than this are not read (the kit's largest is a few MB).
const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;

/// Entries kept in the folder (a kit applies 5 to 7 schematrons: several kits, or copies of
/// one, fit); past this, the least recently written are removed.
const MAX_ENTRIES: usize = 64;

/// What an entry was made from.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Header {
    format: u32,
    vigie: String,
    root: PathBuf,
    main: PathBuf,
    phase: String,
    /// Every file read: canonical path, size, modification time (ns since the epoch).
    files: Vec<(PathBuf, u64, u128)>,
    /// Includes that pointed to no file: they must still be missing.
    missing: Vec<PathBuf>,
}

/// What the reading of a schema opened, for an entry's header.
pub(crate) struct Inputs {
    pub files: Vec<PathBuf>,
    pub missing: Vec<PathBuf>,
}

fn phase_key(phase: &Phase) -> String {
    match phase {
        Phase::Default => "#DEFAULT".to_owned(),
        Phase::All => "#ALL".to_owned(),
        Phase::Named(name) => format!("phase:{name}"),
    }
}

/// The entry file for `main` (canonical) read below `root` with `phase`.
fn entry_path(dir: &Path, root: &Path, main: &Path, phase: &Phase) -> PathBuf {
    let mut hasher = Sha1::new();
    hasher.update(root.to_string_lossy().as_bytes());
    hasher.update([0]);
    hasher.update(main.to_string_lossy().as_bytes());
    hasher.update([0]);
    hasher.update(phase_key(phase).as_bytes());
    let digest = hasher.finalize();
    let name: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{name}.bin"))
}

/// Size and modification time of `path`, or `None` when it cannot be read.
fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
    Some((meta.len(), modified))
}

/// The expanded schema kept for `main` (canonical) read below `root` (canonical) with
/// `phase`, when every file it was read from is unchanged.
pub(crate) fn load(dir: &Path, root: &Path, main: &Path, phase: &Phase) -> Option<Expanded> {
    let path = entry_path(dir, root, main, phase);
    if std::fs::metadata(&path).ok()?.len() > MAX_ENTRY_BYTES {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    let (header, rest) = postcard::take_from_bytes::<Header>(&bytes).ok()?;
    let current = header.format == FORMAT
        && header.vigie == env!("CARGO_PKG_VERSION")
        && header.root == root
        && header.main == main
        && header.phase == phase_key(phase)
        && header.files.iter().all(|(file, len, modified)| stamp(file) == Some((*len, *modified)))
        && header.missing.iter().all(|file| !file.exists());
    if !current {
        return None;
    }
    postcard::from_bytes(rest).ok()
}

/// Keeps `expanded`, read from `inputs`, for the next run. Best effort: a failure leaves
/// no entry (and no partial file).
pub(crate) fn store(
    dir: &Path,
    root: &Path,
    main: &Path,
    phase: &Phase,
    inputs: &Inputs,
    expanded: &Expanded,
) {
    let files: Option<Vec<(PathBuf, u64, u128)>> = inputs
        .files
        .iter()
        .map(|file| stamp(file).map(|(len, modified)| (file.clone(), len, modified)))
        .collect();
    let Some(files) = files else { return };
    let header = Header {
        format: FORMAT,
        vigie: env!("CARGO_PKG_VERSION").to_owned(),
        root: root.to_path_buf(),
        main: main.to_path_buf(),
        phase: phase_key(phase),
        files,
        missing: inputs.missing.clone(),
    };
    let (Ok(mut bytes), Ok(body)) = (postcard::to_stdvec(&header), postcard::to_stdvec(expanded)) else {
        return;
    };
    bytes.extend_from_slice(&body);
    if crate::library::store::create_private_folder(dir).is_err() {
        return;
    }
    let path = entry_path(dir, root, main, phase);
    let Ok((temporary, mut file)) = tempfile_in(dir) else { return };
    let written = std::io::Write::write_all(&mut file, &bytes);
    drop(file);
    if written.and_then(|()| std::fs::rename(&temporary, &path)).is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    prune(dir, MAX_ENTRIES);
}

/// Removes the least recently written entries of `dir` beyond `keep`.
fn prune(dir: &Path, keep: usize) {
    let Ok(listing) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = listing
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let written = std::fs::metadata(&path).ok()?.modified().ok()?;
            (path.extension()? == "bin").then_some((written, path))
        })
        .collect();
    if entries.len() <= keep {
        return;
    }
    entries.sort();
    for (_, path) in &entries[..entries.len() - keep] {
        let _ = std::fs::remove_file(path);
    }
}

/// A new file in `dir`, named so that concurrent writers never share one.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = format!(".tmp-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let path = dir.join(name);
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_keeps_the_most_recently_written_entries() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..5u64 {
            let path = dir.path().join(format!("{i}.bin"));
            std::fs::write(&path, b"entry").unwrap();
            let written = UNIX_EPOCH + std::time::Duration::from_secs(1_000_000 + i);
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(written).unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), b"not an entry").unwrap();
        prune(dir.path(), 3);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["2.bin", "3.bin", "4.bin", "notes.txt"]);
    }
}
