//! The per-thread XPath state: xee's document store (the checked document, the value sets
//! the rules read) and the schemas compiled on this thread.
//!
//! xee keeps documents and programs behind `Rc`/`RefCell`, so none of this can be shared
//! between threads. A [`Schema`](super::Schema) is shared (plain data); each thread that
//! validates compiles it once into its own [`Runtime`] and keeps it for the thread's life.
//! The store is rebuilt every [`RECYCLE_AFTER`] documents: xee annotates every node it
//! sorts and never forgets an annotation, so a long batch would otherwise grow without end.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::rc::Rc;

use xee_xpath::Documents;

use super::compile::Compiled;
use super::matcher::Index;

/// Documents checked before the store is rebuilt.
const RECYCLE_AFTER: usize = 128;

/// A checked document loaded in the store.
pub(crate) struct Loaded {
    /// The document node.
    pub root: xot::Node,
    /// Indexes for matching native patterns, and the document order of every element (and
    /// the document node), for sorting what rules fire on.
    pub index: Index,
    /// The native XPath evaluator's tables for this document.
    pub doc: super::xpath::Doc,
    /// Changes when the store is rebuilt: values computed from its value sets are then stale.
    pub generation: u64,
}

pub(crate) struct Runtime {
    pub documents: Documents,
    /// The value sets already in `documents`, by URI: their document nodes.
    loaded: HashMap<String, xot::Node>,
    compiled: HashMap<u64, Rc<Compiled>>,
    checked: usize,
    generation: u64,
}

/// Store generations, unique in the process (a runtime dropped after a panic and rebuilt
/// must not look like the old one).
fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

thread_local! {
    static RUNTIME: RefCell<Option<Runtime>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's runtime. Not reentrant (nothing in the engine calls back).
pub(crate) fn with_runtime<R>(f: impl FnOnce(&mut Runtime) -> R) -> R {
    RUNTIME.with(|cell| {
        let mut slot = cell.borrow_mut();
        let runtime = slot.get_or_insert_with(Runtime::new);
        f(runtime)
    })
}

/// Drops this thread's runtime (after a panic inside the XPath engine, its state is not
/// trusted any more).
pub(crate) fn reset_runtime() {
    RUNTIME.with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = None;
        }
    });
}

impl Runtime {
    fn new() -> Self {
        Self {
            documents: Documents::new(),
            loaded: HashMap::default(),
            compiled: HashMap::default(),
            checked: 0,
            generation: next_generation(),
        }
    }

    /// The schema `id` compiled on this thread, compiling it with `compile` the first time.
    pub fn compiled(&mut self, id: u64, compile: impl FnOnce() -> Compiled) -> Rc<Compiled> {
        self.compiled.entry(id).or_insert_with(|| Rc::new(compile())).clone()
    }

    /// Makes sure the value set `uri` (with its text) is in the store. A text xee cannot
    /// parse is an error message.
    pub fn ensure_document(&mut self, uri: &str, text: &str) -> Result<(), String> {
        if self.loaded.contains_key(uri) {
            return Ok(());
        }
        let iri = uri.try_into().map_err(|_| format!("{uri}: not a valid URI"))?;
        let handle = self.documents.add_string(iri, text).map_err(|e| format!("{uri}: {e}"))?;
        let node = self.documents.document_node(handle).ok_or_else(|| format!("{uri}: not stored"))?;
        self.loaded.insert(uri.to_owned(), node);
        Ok(())
    }

    /// The document node of the value set `uri`, if it is in the store.
    pub fn value_set(&self, uri: &str) -> Option<xot::Node> {
        self.loaded.get(uri).copied()
    }

    /// Loads the checked document.
    pub fn load(&mut self, xml: &str) -> Result<Loaded, String> {
        if self.checked >= RECYCLE_AFTER {
            self.documents = Documents::new();
            self.loaded.clear();
            self.checked = 0;
            self.generation = next_generation();
        }
        self.checked += 1;
        let handle = self.documents.add_string_without_uri(xml).map_err(|e| e.to_string())?;
        let root = self.documents.document_node(handle).ok_or("the document was not stored")?;
        let xot = self.documents.xot();
        let index = Index::new(xot, root);
        let doc = super::xpath::Doc::new(root, index.elements_by_name());
        Ok(Loaded { root, index, doc, generation: self.generation })
    }

    /// Removes the checked document's nodes from the store.
    pub fn unload(&mut self, loaded: Loaded) {
        let _ = self.documents.xot_mut().remove(loaded.root);
    }
}
