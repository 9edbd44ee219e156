//! The structure checks: loops and depths the libraries would recurse into.
//!
//! A Rust stack overflow aborts the whole process; no `catch_unwind` stops it. Two places
//! in the libraries recurse along a PDF's own references with neither a depth limit nor a
//! loop check:
//!
//! - a page's inherited attributes (`/Resources`, `/MediaBox`) are looked up along its
//!   `/Parent` chain, recursively, by pdf-extract (`get_inherited`, without a loop check)
//!   and by lopdf (`get_page_resources`, with a loop check but no depth limit);
//! - pdf-extract draws a form XObject (`Do`) by recursing into its content, which may draw
//!   another form, or itself.
//!
//! Both are walked here first, iteratively for the page tree and with an explicit depth
//! bound for the forms. A bad page tree stops the extraction; a bad form graph only rules
//! out pdf-extract (lopdf's text extraction does not enter forms).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use lopdf::{Dictionary, Document, Object, ObjectId};

/// Real page trees are a handful of levels deep; lopdf itself stops listing pages at 256.
const MAX_PARENT_DEPTH: usize = 64;
/// Forms drawing forms: a few levels in real documents.
const MAX_FORM_DEPTH: usize = 32;
/// Distinct (form, resources) pairs looked at before giving up on pdf-extract.
const MAX_FORM_VISITS: usize = 10_000;

/// Checks every page's `/Parent` chain: no loop, at most [`MAX_PARENT_DEPTH`] levels.
pub(super) fn check_page_tree(doc: &Document) -> Result<(), String> {
    // Nodes whose chain above is known to be sound, with its length.
    let mut sound: HashMap<ObjectId, usize> = HashMap::new();
    for page in doc.page_iter() {
        let mut path: Vec<ObjectId> = vec![page];
        let mut node = page;
        let mut depth_above = 0;
        while let Some(parent) = parent_of(doc, node) {
            if let Some(&known) = sound.get(&parent) {
                depth_above = known + 1;
                break;
            }
            if path.contains(&parent) {
                return Err(format!(
                    "the page tree loops back on itself at object {} {}",
                    parent.0, parent.1
                ));
            }
            path.push(parent);
            if path.len() > MAX_PARENT_DEPTH {
                return Err(format!("the page tree is nested more than {MAX_PARENT_DEPTH} levels deep"));
            }
            node = parent;
        }
        if path.len() + depth_above > MAX_PARENT_DEPTH {
            return Err(format!("the page tree is nested more than {MAX_PARENT_DEPTH} levels deep"));
        }
        for (i, id) in path.iter().rev().enumerate() {
            sound.insert(*id, depth_above + i);
        }
    }
    Ok(())
}

/// The `/Parent` a page-tree node points at, as both libraries follow it: a reference to a
/// dictionary.
fn parent_of(doc: &Document, node: ObjectId) -> Option<ObjectId> {
    let parent = doc.get_dictionary(node).ok()?.get(b"Parent").ok()?.as_reference().ok()?;
    doc.get_dictionary(parent).ok().map(|_| parent)
}

/// Checks the form XObjects pdf-extract could draw from every page: no form drawing itself
/// (directly or through others), at most [`MAX_FORM_DEPTH`] levels, a bounded number of
/// forms. Every XObject a page's resources name is taken as drawn, which spares parsing the
/// page's content (the slowest step of extraction) for what only adds starting points.
/// Must be called after [`check_page_tree`] (it follows `/Parent` chains).
pub(super) fn check_forms(doc: &Document, deadline: Instant) -> Result<(), String> {
    let mut forms = Forms {
        doc,
        heights: HashMap::new(),
        drawn: HashMap::new(),
        on_path: HashSet::new(),
        visits: 0,
        deadline,
    };
    for page in doc.page_iter() {
        let Some(resources) = inherited_resources(doc, page) else { continue };
        let Some(xobjects) = xobjects(doc, resources) else { continue };
        let names: Vec<Vec<u8>> = xobjects.iter().map(|(name, _)| name.clone()).collect();
        forms.height(&names, resources, 0)?;
    }
    Ok(())
}

/// A page's `/Resources`, looked up along its parents as pdf-extract does.
fn inherited_resources(doc: &Document, page: ObjectId) -> Option<&Dictionary> {
    let mut node = doc.get_dictionary(page).ok()?;
    for _ in 0..=MAX_PARENT_DEPTH {
        if let Ok(resources) = node.get(b"Resources") {
            return doc.dereference(resources).ok()?.1.as_dict().ok();
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn xobjects<'a>(doc: &'a Document, resources: &'a Dictionary) -> Option<&'a Dictionary> {
    let entry = resources.get(b"XObject").ok()?;
    doc.dereference(entry).ok()?.1.as_dict().ok()
}

/// A walk of the forms, remembering the height of each (form, resources) pair explored.
struct Forms<'a> {
    doc: &'a Document,
    /// How many levels of forms each pair draws below it.
    heights: HashMap<(ObjectId, usize), usize>,
    /// The names each form's content draws.
    drawn: HashMap<ObjectId, Vec<Vec<u8>>>,
    on_path: HashSet<(ObjectId, usize)>,
    visits: usize,
    deadline: Instant,
}

impl<'a> Forms<'a> {
    /// How many levels of forms drawing the XObjects `names` of `resources` leads to, from
    /// `depth`. Recursion is bounded by [`MAX_FORM_DEPTH`].
    fn height(
        &mut self,
        names: &[Vec<u8>],
        resources: &'a Dictionary,
        depth: usize,
    ) -> Result<usize, String> {
        if depth >= MAX_FORM_DEPTH {
            return Err(format!("form XObjects are nested more than {MAX_FORM_DEPTH} levels deep"));
        }
        let Some(xobjects) = xobjects(self.doc, resources) else { return Ok(0) };
        let mut height = 0;
        for name in names {
            let Ok(entry) = xobjects.get(name) else { continue };
            let Ok((Some(id), Object::Stream(form))) = self.doc.dereference(entry) else { continue };
            // A form without resources of its own uses those of whoever draws it.
            let form_resources = form
                .dict
                .get(b"Resources")
                .ok()
                .and_then(|r| self.doc.dereference(r).ok())
                .and_then(|(_, r)| r.as_dict().ok())
                .unwrap_or(resources);
            let key = (id, form_resources as *const Dictionary as usize);
            if self.on_path.contains(&key) {
                return Err(format!("form XObject {} {} draws itself", id.0, id.1));
            }
            let below = match self.heights.get(&key) {
                Some(&known) => known,
                None => {
                    self.visits += 1;
                    if self.visits > MAX_FORM_VISITS {
                        return Err(format!("more than {MAX_FORM_VISITS} form XObjects are drawn"));
                    }
                    if Instant::now() >= self.deadline {
                        return Err("out of time while checking the form XObjects".into());
                    }
                    let inner = self
                        .drawn
                        .entry(id)
                        .or_insert_with(|| {
                            // As pdf-extract reads it: decompressed if it can be, else as written.
                            let content =
                                form.decompressed_content().unwrap_or_else(|_| form.content.clone());
                            drawn_names(&content)
                        })
                        .clone();
                    self.on_path.insert(key);
                    let below = self.height(&inner, form_resources, depth + 1)?;
                    self.on_path.remove(&key);
                    self.heights.insert(key, below);
                    below
                }
            };
            if depth + 1 + below > MAX_FORM_DEPTH {
                return Err(format!("form XObjects are nested more than {MAX_FORM_DEPTH} levels deep"));
            }
            height = height.max(below + 1);
        }
        Ok(height)
    }
}

/// The names of the XObjects a content stream draws (`/Name Do`), each once.
fn drawn_names(content: &[u8]) -> Vec<Vec<u8>> {
    if memchr::memmem::find(content, b"Do").is_none() {
        return Vec::new();
    }
    // Content pdf-extract cannot decode makes it stop (it panics, caught): nothing drawn.
    let Ok(decoded) = lopdf::content::Content::decode(content) else { return Vec::new() };
    let mut names: Vec<Vec<u8>> = decoded
        .operations
        .iter()
        .filter(|op| op.operator == "Do")
        .filter_map(|op| op.operands.first()?.as_name().ok().map(<[u8]>::to_vec))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}
