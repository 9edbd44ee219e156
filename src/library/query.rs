//! Filters, facets and sorting: what the library pane and `vigie list` ask of the library.
//!
//! Every filter combines with every other. Each facet counts its values among the documents
//! that pass all the *other* filters, so that a person sees how many documents each choice
//! would give before making it (the usual faceted-search rule).
//!
//! Facet values are interned when a document is added ([`Facets`] keeps one table per
//! facet), so that a query compares and counts small integers: over 100,000 documents a
//! query, its facets and its order take a few milliseconds.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::record::{AuthorRecord, BodyKind, Record};
use super::search::fold;
use super::versions::Standing;

/// Which date the date range applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DateField {
    /// The document's date (`effectiveTime`).
    #[default]
    Document,
    /// The date of the act documented (`serviceEvent/effectiveTime`), else the document's.
    Service,
}

/// How the rows are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SortBy {
    /// Newest first (the default), or by relevance while searching.
    #[default]
    Date,
    /// By document type label, then newest first.
    Type,
    /// By first author's name, then newest first.
    Author,
}

/// What to show. Empty lists mean "any"; several values in one list mean "any of them".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Query {
    /// First day of the date range (inclusive).
    pub since: Option<NaiveDate>,
    /// Last day of the date range (inclusive).
    pub until: Option<NaiveDate>,
    pub date_field: DateField,
    /// Document type codes (J07 / LOINC).
    pub types: Vec<String>,
    /// Document class codes (J06).
    pub classes: Vec<String>,
    /// Author specialty codes (J01), matched on any author.
    pub specialties: Vec<String>,
    /// Author keys as the facet gives them (the identifier, else the name).
    pub authors: Vec<String>,
    /// Text that an author's name must contain (accents and case ignored).
    pub author_text: Option<String>,
    /// Organization names as the facet gives them.
    pub organizations: Vec<String>,
    /// Patient keys as the facet gives them.
    pub patients: Vec<String>,
    pub bodies: Vec<BodyKind>,
    /// Show older versions and second copies too (by default only the newest version's
    /// first copy is shown).
    pub all_versions: bool,
    /// The search box: fuzzy over title, type, authors, organizations and patient, and full
    /// text over the narratives.
    pub search: Option<String>,
    pub sort: SortBy,
    /// Reverse the order (oldest first for dates).
    pub reverse: bool,
    /// Rows skipped, for paging.
    pub offset: usize,
    /// Most rows returned; `None` for all.
    pub limit: Option<usize>,
}

/// One value of a facet with how many documents it would give.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FacetValue {
    /// What to put in the query to select it.
    pub value: String,
    pub label: String,
    /// The group it belongs to: the class of a type, the profession of a specialty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub count: usize,
    pub selected: bool,
}

/// Every facet, under the current filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FacetCounts {
    pub types: Vec<FacetValue>,
    pub classes: Vec<FacetValue>,
    pub specialties: Vec<FacetValue>,
    pub authors: Vec<FacetValue>,
    pub organizations: Vec<FacetValue>,
    pub patients: Vec<FacetValue>,
    pub bodies: Vec<FacetValue>,
}

/// The filters, one bit each in a record's failure mask. The facets are `Type..=Body`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Dim {
    Date = 0,
    Type,
    Class,
    Specialty,
    Author,
    Organization,
    Patient,
    Body,
}

const FACETS: [Dim; 7] =
    [Dim::Type, Dim::Class, Dim::Specialty, Dim::Author, Dim::Organization, Dim::Patient, Dim::Body];

/// The facet tables index, for a facet [`Dim`].
fn slot(dim: Dim) -> usize {
    dim as usize - 1
}

/// The values of one facet, interned.
#[derive(Debug, Default)]
struct Table {
    values: Vec<Entry>,
    ids: HashMap<String, u32>,
}

#[derive(Debug)]
struct Entry {
    value: String,
    label: String,
    group: Option<String>,
}

impl Table {
    fn intern(&mut self, value: &str, label: &str, group: Option<&str>) -> u32 {
        if let Some(&id) = self.ids.get(value) {
            // A later document may know the group (a type's class from a package's metadata).
            let entry = &mut self.values[id as usize];
            if entry.group.is_none() {
                entry.group = group.map(str::to_string);
            }
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(Entry {
            value: value.to_string(),
            label: label.to_string(),
            group: group.map(str::to_string),
        });
        self.ids.insert(value.to_string(), id);
        id
    }
}

/// The facet tables of a library, and what each record is for filtering, kept in flat
/// arrays indexed by record id: a query walks them in order, touching little memory (the
/// records themselves, large and scattered, are not read while filtering).
#[derive(Debug, Default)]
pub(super) struct Facets {
    tables: [Table; 7],
    /// Every record's facet value ids, one run per record.
    values: Vec<u32>,
    /// `spans[id][f]..spans[id][f + 1]`: record `id`'s values for facet slot `f`, in `values`.
    spans: Vec<[u32; 8]>,
    /// The distinct sets of authors' folded names (joined by new lines), and each record's
    /// set: the author-name filter tests each set once, not each record.
    author_sets: Vec<Box<str>>,
    author_set_ids: HashMap<Box<str>, u32>,
    author_set_of: Vec<u32>,
    /// Each record's document date and date of the act as spans of days; an empty span
    /// (`MAX, MIN`) when unknown. The act's date falls back on the document's.
    days: Vec<[(i32, i32); 2]>,
}

/// A span of days no date range overlaps.
const NO_DAYS: (i32, i32) = (i32::MAX, i32::MIN);

impl Facets {
    /// Interns the facet values of `record` and stores what it is at `record.id`.
    pub(super) fn add(&mut self, record: &Record) {
        let mut lists: [Vec<u32>; 7] = Default::default();
        let mut put = |tables: &mut [Table; 7], dim: Dim, value: &str, label: &str, group: Option<&str>| {
            let id = tables[slot(dim)].intern(value, label, group);
            let list = &mut lists[slot(dim)];
            if !list.contains(&id) {
                list.push(id);
            }
        };
        let tables = &mut self.tables;
        if let Some(t) = &record.type_code {
            put(tables, Dim::Type, &t.code, &t.label, record.class_code.as_ref().map(|c| c.label.as_str()));
        }
        if let Some(c) = &record.class_code {
            put(tables, Dim::Class, &c.code, &c.label, None);
        }
        for author in &record.authors {
            if let Some(s) = &author.specialty {
                put(
                    tables,
                    Dim::Specialty,
                    &s.code,
                    &s.label,
                    author.profession.as_ref().map(|p| p.label.as_str()),
                );
            }
            if !author.name.is_empty() {
                put(tables, Dim::Author, &author_key(author), &author.name, None);
            }
        }
        for organization in &record.organizations {
            put(tables, Dim::Organization, organization, organization, None);
        }
        if let Some(p) = &record.patient {
            let label = match &p.birth_date {
                Some(birth) => format!("{} ({})", p.name, birth),
                None => p.name.clone(),
            };
            put(tables, Dim::Patient, &p.key, &label, None);
        }
        let (value, label) = body_value(record.body);
        put(tables, Dim::Body, value, label, None);

        // A replaced record's old run stays in `values`, unused: records are rarely replaced.
        let mut spans = [0u32; 8];
        spans[0] = self.values.len() as u32;
        for (f, list) in lists.iter().enumerate() {
            self.values.extend_from_slice(list);
            spans[f + 1] = self.values.len() as u32;
        }
        let names: Vec<String> = record.authors.iter().map(|a| fold(&a.name)).collect();
        let document = record.date_days.unwrap_or(NO_DAYS);
        let joined = names.join("\n").into_boxed_str();
        let author_set = match self.author_set_ids.get(&joined) {
            Some(&set) => set,
            None => {
                let set = self.author_sets.len() as u32;
                self.author_sets.push(joined.clone());
                self.author_set_ids.insert(joined, set);
                set
            }
        };
        let id = record.id;
        if id >= self.spans.len() {
            self.spans.resize(id + 1, [0; 8]);
            self.author_set_of.resize(id + 1, 0);
            self.days.resize(id + 1, [NO_DAYS; 2]);
        }
        self.spans[id] = spans;
        self.author_set_of[id] = author_set;
        self.days[id] = [document, record.service_days.unwrap_or(document)];
    }

    /// Record `id`'s values for facet `dim`.
    fn values_of(&self, id: usize, dim: Dim) -> &[u32] {
        let spans = &self.spans[id];
        &self.values[spans[slot(dim)] as usize..spans[slot(dim) + 1] as usize]
    }

    /// The query's selections as value ids, ready to test records against.
    pub(super) fn compile<'q>(&self, query: &'q Query) -> Compiled<'q> {
        use chrono::Datelike;
        let days = match (query.since, query.until) {
            (None, None) => None,
            (since, until) => Some((
                since.map_or(i32::MIN, |d| d.num_days_from_ce()),
                until.map_or(i32::MAX, |d| d.num_days_from_ce()),
            )),
        };
        let bodies: Vec<String> = query.bodies.iter().map(|b| body_value(*b).0.to_string()).collect();
        let selections = FACETS.map(|dim| {
            let chosen: &[String] = match dim {
                Dim::Type => &query.types,
                Dim::Class => &query.classes,
                Dim::Specialty => &query.specialties,
                Dim::Author => &query.authors,
                Dim::Organization => &query.organizations,
                Dim::Patient => &query.patients,
                Dim::Body => &bodies,
                Dim::Date => &[],
            };
            let table = &self.tables[slot(dim)];
            Selection {
                chosen: chosen.to_vec(),
                ids: chosen.iter().filter_map(|v| table.ids.get(v).copied()).collect(),
            }
        });
        let author_text = query.author_text.as_deref().map(fold).filter(|t| !t.trim().is_empty());
        let author_sets = author_text
            .map(|text| self.author_sets.iter().map(|names| names.contains(text.as_str())).collect());
        Compiled { query, days, selections, author_sets }
    }

    /// The filters record `id` fails, as a bit mask of [`Dim`]s.
    pub(super) fn failures(&self, compiled: &Compiled<'_>, id: usize) -> u8 {
        let mut mask = 0u8;
        if let Some((from, to)) = compiled.days {
            let field = match compiled.query.date_field {
                DateField::Document => 0,
                DateField::Service => 1,
            };
            let (a, b) = self.days[id][field];
            if !(a <= to && b >= from) {
                mask |= 1 << Dim::Date as u8;
            }
        }
        for dim in FACETS {
            let selection = &compiled.selections[slot(dim)];
            let mut ok = selection.chosen.is_empty()
                || self.values_of(id, dim).iter().any(|v| selection.ids.contains(v));
            if dim == Dim::Author {
                if let Some(sets) = &compiled.author_sets {
                    ok &= sets[self.author_set_of[id] as usize];
                }
            }
            if !ok {
                mask |= 1 << dim as u8;
            }
        }
        mask
    }

    /// Counts each facet's values among the records whose failure mask is `masks[id]`
    /// (`u8::MAX` for a record out of the running: hidden or not found).
    pub(super) fn count(&self, compiled: &Compiled<'_>, masks: &[u8]) -> FacetCounts {
        let mut counts: [Vec<u32>; 7] = std::array::from_fn(|i| vec![0; self.tables[i].values.len()]);
        for (id, &mask) in masks.iter().enumerate() {
            if mask.count_ones() > 1 {
                continue;
            }
            for dim in FACETS {
                if mask & !(1 << dim as u8) == 0 {
                    for &v in self.values_of(id, dim) {
                        counts[slot(dim)][v as usize] += 1;
                    }
                }
            }
        }
        let mut out = FACETS
            .map(|dim| {
                let table = &self.tables[slot(dim)];
                let selection = &compiled.selections[slot(dim)];
                let mut values: Vec<FacetValue> = counts[slot(dim)]
                    .iter()
                    .enumerate()
                    .filter(|&(id, &count)| count > 0 || selection.ids.contains(&(id as u32)))
                    .map(|(id, &count)| {
                        let entry = &table.values[id];
                        FacetValue {
                            value: entry.value.clone(),
                            label: entry.label.clone(),
                            group: entry.group.clone(),
                            count: count as usize,
                            selected: selection.ids.contains(&(id as u32)),
                        }
                    })
                    .collect();
                // Values chosen but unknown to the library stay listed, so they can be removed.
                for value in &selection.chosen {
                    if !table.ids.contains_key(value) {
                        values.push(FacetValue {
                            value: value.clone(),
                            label: value.clone(),
                            group: None,
                            count: 0,
                            selected: true,
                        });
                    }
                }
                values.sort_by(|a, b| {
                    (&a.group, std::cmp::Reverse(a.count), &a.label).cmp(&(
                        &b.group,
                        std::cmp::Reverse(b.count),
                        &b.label,
                    ))
                });
                values
            })
            .into_iter();
        let mut next = || out.next().unwrap_or_default();
        FacetCounts {
            types: next(),
            classes: next(),
            specialties: next(),
            authors: next(),
            organizations: next(),
            patients: next(),
            bodies: next(),
        }
    }
}

struct Selection {
    chosen: Vec<String>,
    ids: Vec<u32>,
}

/// A query compiled against the facet tables.
pub(super) struct Compiled<'q> {
    pub(super) query: &'q Query,
    days: Option<(i32, i32)>,
    selections: [Selection; 7],
    /// With an author-name filter: whether each distinct set of authors matches it.
    author_sets: Option<Vec<bool>>,
}

/// The key of an author in the facet and in [`Query::authors`].
pub fn author_key(author: &AuthorRecord) -> String {
    author.id.clone().unwrap_or_else(|| fold(&author.name))
}

/// The query value of a body kind and its English label (the UI translates the value).
fn body_value(body: BodyKind) -> (&'static str, &'static str) {
    match body {
        BodyKind::Structured => ("structured", "Structured"),
        BodyKind::Pdf => ("pdf", "PDF in CDA"),
        BodyKind::OtherFile => ("other-file", "Other file in CDA"),
        BodyKind::BarePdf => ("bare-pdf", "PDF file"),
        BodyKind::Unreadable => ("unreadable", "Not a readable document"),
    }
}

/// What a query returns: the rows in order (a page of them), how many there are in all, and
/// the facets.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Results<'l> {
    /// Documents matching every filter (before paging).
    pub total: usize,
    /// Documents in the library, all versions and copies counted.
    pub library_size: usize,
    /// Matching documents hidden because they are older versions or second copies.
    pub hidden_versions: usize,
    pub rows: Vec<Row<'l>>,
    pub facets: FacetCounts,
}

/// One row: a record and its standing among versions and copies.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Row<'l> {
    #[serde(flatten)]
    pub record: &'l Record,
    #[serde(flatten)]
    pub standing: &'l Standing,
}
