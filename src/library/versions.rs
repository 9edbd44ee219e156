//! Versions and duplicates. A CDA document is revised by issuing a new document with the
//! same `setId`, a higher `versionNumber` and a `relatedDocument` of type RPLC naming the
//! replaced one; the library shows the newest with "n older versions". The same document
//! received twice (same `ClinicalDocument/id`: by MSSanté and from the DMP, say) is shown
//! once, with both sources.

use std::collections::HashMap;

use serde::Serialize;

use super::record::Record;

/// Where a document stands among its versions and copies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Standing {
    /// The document this one is a copy of (same id), when it is not the first copy read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<usize>,
    /// The other copies of this document, for the first copy.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<usize>,
    /// The newest version, for an older one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<usize>,
    /// The older versions, newest first, for the newest one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub older: Vec<usize>,
}

impl Standing {
    /// Whether the document is shown when only the latest versions are: the first copy of
    /// the newest version.
    pub fn is_current(&self) -> bool {
        self.copy_of.is_none() && self.latest.is_none()
    }
}

/// The standing of every record, `standings[i]` for `records[i]`.
pub fn standings(records: &[Record]) -> Vec<Standing> {
    let mut standings = vec![Standing::default(); records.len()];

    // Copies: the first record read with a given id is the one shown.
    let mut first_with_id: HashMap<&str, usize> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        let Some(id) = record.document_id.as_deref() else { continue };
        match first_with_id.get(id) {
            Some(&first) => {
                standings[i].copy_of = Some(first);
                standings[first].copies.push(i);
            }
            None => {
                first_with_id.insert(id, i);
            }
        }
    }

    // Versions: union the first copies sharing a setId or linked by RPLC.
    let mut groups = UnionFind::new(records.len());
    let mut first_with_set: HashMap<&str, usize> = HashMap::new();
    let mut replaced = vec![false; records.len()];
    for (i, record) in records.iter().enumerate() {
        if standings[i].copy_of.is_some() {
            continue;
        }
        if let Some(set) = record.set_id.as_deref() {
            match first_with_set.get(set) {
                Some(&first) => groups.union(first, i),
                None => {
                    first_with_set.insert(set, i);
                }
            }
        }
        for parent in &record.replaces {
            if let Some(&p) = first_with_id.get(parent.as_str()) {
                if p != i {
                    groups.union(p, i);
                    replaced[p] = true;
                }
            }
        }
    }
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, standing) in standings.iter().enumerate() {
        if standing.copy_of.is_none() {
            members.entry(groups.find(i)).or_default().push(i);
        }
    }
    for mut group in members.into_values() {
        if group.len() < 2 {
            continue;
        }
        // Newest first: not replaced, then highest version, then latest date, then last read.
        group.sort_by_key(|&i| {
            let r = &records[i];
            std::cmp::Reverse((!replaced[i], r.version.unwrap_or(0), r.sort_time, i))
        });
        let latest = group[0];
        standings[latest].older = group[1..].to_vec();
        for &older in &group[1..] {
            standings[older].latest = Some(latest);
        }
    }
    standings
}

/// Disjoint sets over record indices, with path halving.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self { parent: (0..n).collect() }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}
