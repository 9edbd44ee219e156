//! The zip itself, read in memory within limits.
//!
//! Nothing is ever written to disk, so a hostile entry name cannot overwrite a file; such
//! names (`../x`, `/etc/x`, `C:\x`) are still refused and reported, because the paths shown
//! and matched must be the package's own. Sizes are checked while inflating, never trusted
//! from the headers: each read goes through `Read::take(limit + 1)`, the limit being the
//! smallest of the per-member size, the compression ratio allowance and what is left of the
//! package's total.
//!
//! When the central directory cannot be read (a truncated download), the members are
//! recovered from their local headers, in order, as far as they go.

use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

use super::{ArchiveLimits, Member};
use crate::diag::{Finding, Findings};
use crate::xml::Span;

/// Below this many inflated bytes the compression ratio is not checked: small, very
/// repetitive XML legitimately compresses far beyond any sensible ratio limit.
const RATIO_FLOOR: u64 = 1024 * 1024;

/// A zip opened for reading: its members and how to get at their bytes.
pub(crate) struct Archive<'z> {
    zip: &'z [u8],
    /// `None` when the central directory was unreadable and members come from local headers.
    central: Option<ZipArchive<Cursor<&'z [u8]>>>,
    pub(crate) members: Vec<Member>,
}

impl<'z> Archive<'z> {
    /// Opens the zip and lists its files. Every problem is pushed to `findings`.
    pub(crate) fn open(zip: &'z [u8], limits: &ArchiveLimits, findings: &mut Findings) -> Self {
        let mut listing = Listing { members: Vec::new(), backslashes: false, findings };
        let central = match ZipArchive::new(Cursor::new(zip)) {
            Ok(mut archive) => {
                listing.central(&mut archive, limits);
                Some(archive)
            }
            Err(error) => {
                listing.stream(zip, limits, &error);
                None
            }
        };
        if listing.backslashes {
            listing.findings.push(Finding::warning(
                "xdm.backslash-paths",
                Span::at(0),
                "the zip's paths use Windows back-slashes (SUBSET01\\METADATA.XML); a zip separates \
                 folders with '/': read as such",
            ));
        }
        Archive { zip, central, members: listing.members }
    }

    /// The bytes of `member`, inflated within the limits. `head` reads only the first bytes
    /// (to recognise a file) and never fails on a limit.
    pub(crate) fn read(
        &mut self,
        member: &Member,
        limits: &ArchiveLimits,
        budget: &mut u64,
        head: Option<u64>,
    ) -> Result<Vec<u8>, Finding> {
        if member.encrypted {
            return Err(encrypted(member));
        }
        let compressed = member.compressed_size.min(self.zip.len() as u64);
        match &mut self.central {
            Some(archive) => match archive.by_index(member.index) {
                Ok(file) => read_limited(file, member, compressed, limits, budget, head),
                Err(error) => Err(zip_error(member, &error)),
            },
            None => {
                let mut cursor = Cursor::new(self.zip);
                for _ in 0..member.index {
                    match zip::read::read_zipfile_from_stream(&mut cursor) {
                        Ok(Some(_skipped)) => {}
                        Ok(None) => return Err(unreadable(member, "the zip ends before it")),
                        Err(error) => return Err(zip_error(member, &error)),
                    }
                }
                let result = match zip::read::read_zipfile_from_stream(&mut cursor) {
                    Ok(Some(file)) => read_limited(file, member, compressed, limits, budget, head),
                    Ok(None) => Err(unreadable(member, "the zip ends before it")),
                    Err(error) => Err(zip_error(member, &error)),
                };
                result
            }
        }
    }
}

struct Listing<'f> {
    members: Vec<Member>,
    backslashes: bool,
    findings: &'f mut Findings,
}

impl Listing<'_> {
    fn central(&mut self, archive: &mut ZipArchive<Cursor<&[u8]>>, limits: &ArchiveLimits) {
        let count = archive.len();
        if count > limits.max_entries {
            self.findings.push(too_many(count, limits));
        }
        for index in 0..count.min(limits.max_entries) {
            let name = archive.name_for_index(index).unwrap_or("?").to_string();
            match archive.by_index_raw(index) {
                Ok(file) => self.add(
                    index,
                    file.name(),
                    file.is_dir(),
                    file.size(),
                    file.compressed_size(),
                    file.encrypted(),
                ),
                Err(error) => {
                    self.findings.push(Finding::error(
                        "xdm.member-unreadable",
                        Span::at(0),
                        format!("the zip entry \"{name}\" cannot be read: {error}"),
                    ));
                }
            }
        }
    }

    /// Recovers members from local headers when the central directory is unreadable.
    fn stream(&mut self, zip: &[u8], limits: &ArchiveLimits, central_error: &ZipError) {
        let mut cursor = Cursor::new(zip);
        let mut index = 0;
        let stopped = loop {
            if index >= limits.max_entries {
                self.findings.push(too_many(index + 1, limits));
                break None;
            }
            match zip::read::read_zipfile_from_stream(&mut cursor) {
                Ok(Some(file)) => {
                    let (name, dir) = (file.name().to_string(), file.is_dir());
                    self.add(index, &name, dir, file.size(), file.compressed_size(), file.encrypted());
                    index += 1;
                }
                Ok(None) => break None,
                Err(error) => break Some(error),
            }
        };
        if index == 0 {
            self.findings.push(Finding::error(
                "xdm.not-a-zip",
                Span::at(0),
                format!("this is not a zip archive, or one damaged beyond reading: {central_error}"),
            ));
            return;
        }
        let stop =
            stopped.map(|e| format!("; reading stopped after {index} entries: {e}")).unwrap_or_default();
        self.findings.push(Finding::error(
            "xdm.zip-damaged",
            Span::at(0),
            format!(
                "the zip's central directory cannot be read ({central_error}): the members were \
                 recovered from their own headers, and the last one may be incomplete (a truncated \
                 download?){stop}"
            ),
        ));
    }

    fn add(
        &mut self,
        index: usize,
        raw: &str,
        is_dir: bool,
        size: u64,
        compressed_size: u64,
        encrypted: bool,
    ) {
        if raw.contains('\\') {
            self.backslashes = true;
        }
        let path = match normalise(raw) {
            Ok(path) => path,
            Err(reason) => {
                self.findings.push(Finding::error(
                    "xdm.path-escapes",
                    Span::at(0),
                    format!("the zip entry \"{}\" {reason}: it is not read", raw.escape_debug()),
                ));
                return;
            }
        };
        if is_dir || path.is_empty() {
            return;
        }
        if self.members.iter().any(|m| m.path == path) {
            self.findings.push(Finding::warning(
                "xdm.duplicate-path",
                Span::at(0),
                format!("the zip holds \"{path}\" twice: only the first is read"),
            ));
            return;
        }
        let member = Member { path, raw_name: raw.to_string(), size, compressed_size, encrypted, index };
        if encrypted {
            self.findings.push(encrypted_finding(&member));
        }
        self.members.push(member);
    }
}

/// A member's path with `/` separators and no `.` component; an error saying why when it
/// would leave the package (absolute, a drive, `..`) or holds a NUL.
pub(crate) fn normalise(raw: &str) -> Result<String, &'static str> {
    if raw.contains('\0') {
        return Err("holds a NUL character");
    }
    let path = raw.replace('\\', "/");
    if path.starts_with('/') {
        return Err("is an absolute path");
    }
    let bytes = path.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err("names a Windows drive");
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("climbs out of the package with \"..\""),
            part => parts.push(part),
        }
    }
    Ok(parts.join("/"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cap {
    Entry,
    Ratio,
    Total,
}

fn read_limited(
    file: impl Read,
    member: &Member,
    compressed: u64,
    limits: &ArchiveLimits,
    budget: &mut u64,
    head: Option<u64>,
) -> Result<Vec<u8>, Finding> {
    let ratio_cap = compressed.saturating_mul(limits.max_ratio).max(RATIO_FLOOR);
    let caps = [(limits.max_entry_bytes, Cap::Entry), (ratio_cap, Cap::Ratio), (*budget, Cap::Total)];
    let (limit, cap) = caps.into_iter().min_by_key(|(value, _)| *value).unwrap_or((0, Cap::Total));
    let take = match head {
        Some(n) => n.min(limit),
        None => limit.saturating_add(1),
    };
    // never trust the declared size for the allocation beyond what may be read
    let capacity = member.size.min(take).min(RATIO_FLOOR);
    let mut out = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    let result = file.take(take).read_to_end(&mut out);
    *budget = budget.saturating_sub(out.len() as u64);
    if let Err(error) = result {
        return Err(io_error(member, &error));
    }
    if head.is_none() && out.len() as u64 > limit {
        return Err(limit_finding(member, cap, limit, compressed, limits));
    }
    Ok(out)
}

fn limit_finding(member: &Member, cap: Cap, limit: u64, compressed: u64, limits: &ArchiveLimits) -> Finding {
    let path = &member.path;
    match cap {
        Cap::Entry => Finding::error(
            "limits.zip-entry-size",
            Span::at(0),
            format!("{path} inflates to more than {limit} bytes, the limit for one member: it is not read"),
        ),
        Cap::Ratio => Finding::error(
            "limits.zip-ratio",
            Span::at(0),
            format!(
                "{path} inflated past {limit} bytes from {compressed} compressed bytes, a ratio above \
                 {}:1: this looks like a zip bomb, reading stopped",
                limits.max_ratio
            ),
        ),
        Cap::Total => Finding::error(
            "limits.zip-total",
            Span::at(0),
            format!(
                "reading {path} takes the package past {} inflated bytes, the limit for one package: \
                 it is not read",
                limits.max_total_bytes
            ),
        ),
    }
}

fn too_many(count: usize, limits: &ArchiveLimits) -> Finding {
    Finding::error(
        "limits.zip-entries",
        Span::at(0),
        format!(
            "the zip holds {}{count} entries, more than the limit of {}: only the first {} are read",
            if count > limits.max_entries { "at least " } else { "" },
            limits.max_entries,
            limits.max_entries
        ),
    )
}

fn encrypted_finding(member: &Member) -> Finding {
    Finding::error(
        "xdm.encrypted",
        Span::at(0),
        format!(
            "{} is encrypted: Vigie does not decrypt zip entries; ask the sender for the package \
             without a zip password (MSSanté messages are already protected in transit)",
            member.path
        ),
    )
}

fn encrypted(member: &Member) -> Finding {
    encrypted_finding(member)
}

fn unreadable(member: &Member, why: &str) -> Finding {
    Finding::error("xdm.member-unreadable", Span::at(0), format!("{} cannot be read: {why}", member.path))
}

fn zip_error(member: &Member, error: &ZipError) -> Finding {
    match error {
        ZipError::UnsupportedArchive(what) if *what == ZipError::PASSWORD_REQUIRED => encrypted(member),
        ZipError::UnsupportedArchive(what) => unreadable(member, what),
        ZipError::Io(io) => io_error(member, io),
        other => unreadable(member, &other.to_string()),
    }
}

fn io_error(member: &Member, error: &std::io::Error) -> Finding {
    let message = if error.to_string().contains("checksum") {
        format!("{} is damaged: its content does not match its CRC-32 checksum", member.path)
    } else {
        format!("{} is damaged: {error}", member.path)
    };
    Finding::error("xdm.member-corrupt", Span::at(0), message)
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn paths_are_normalised_or_refused() {
        assert_eq!(normalise("SUBSET01\\METADATA.xml"), Ok("SUBSET01/METADATA.xml".into()));
        assert_eq!(normalise("./IHE_XDM//SUBSET01/./DOC.XML"), Ok("IHE_XDM/SUBSET01/DOC.XML".into()));
        assert!(normalise("../x").unwrap_err().contains(".."));
        assert!(normalise("IHE_XDM/../../x").is_err());
        assert!(normalise("/etc/x").unwrap_err().contains("absolute"));
        assert!(normalise("C:\\x").unwrap_err().contains("drive"));
        assert!(normalise("\\\\server\\share\\x").is_err());
        assert!(normalise("a\0b").is_err());
    }
}
