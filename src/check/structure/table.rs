//! The shape of the CDA content model table (`schema_table.rs`, generated from the schema by
//! `scripts/gen_cda_schema.py`) and the lookups the structure check makes in it.
//!
//! Every complex type of the schema is a deterministic automaton over its child elements:
//! a state per place in the content model, a transition per element name allowed there, each
//! transition naming the type the child gets. Ranges into the flat arrays are [`Word`]s, so
//! the whole table is static data: nothing is built at run time.

use super::schema_table as t;

/// A run `(start, length)` in one of the table's flat arrays.
#[derive(Debug, Clone, Copy)]
pub(super) struct Word(pub u32, pub u32);

impl Word {
    fn range(self) -> std::ops::Range<usize> {
        self.0 as usize..(self.0 + self.1) as usize
    }
}

/// How a simple type's values are written, as the schema constrains them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lex {
    /// Any string (`st`, `xs:string`).
    Str,
    /// A token without whitespace (`cs`).
    Cs,
    /// `true` or `false` (`bl`).
    Bl,
    /// `xs:boolean`: also `1` and `0`.
    Boolean,
    /// An HL7 timestamp (`ts`).
    Ts,
    /// An OID, a UUID or an HL7 reserved identifier (`uid`).
    Uid,
    Oid,
    Int,
    /// `xs:decimal` or `xs:double` (`real`, and those built-in types).
    Real,
    /// A `xs:double` between 0 and 1.
    Probability,
    NmToken,
    NmTokens,
    /// `xs:ID`, `xs:IDREF`: an XML name without colon.
    NcName,
    NcNames,
    /// `xs:anyURI`: accepted as written (libxml2 accepts almost anything there too).
    AnyUri,
}

/// The HL7 data type a type derives from, which the data type rules key on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    Ii,
    Cs,
    Cd,
    Ts,
    Pq,
    Int,
    Real,
    Bl,
    Ed,
    Other,
}

/// A simple type: (name, lexical kind, enumerated values, is a list, collapses whitespace).
#[derive(Debug)]
pub(super) struct Simple(pub &'static str, pub Lex, pub Word, pub bool, pub bool);

impl Simple {
    pub fn name(&self) -> &'static str {
        self.0
    }
    pub fn lex(&self) -> Lex {
        self.1
    }
    /// The values the schema enumerates, sorted; `None` when any value of the kind goes.
    pub fn values(&self) -> Option<&'static [&'static str]> {
        (self.2 .1 > 0).then(|| &t::VALUES[self.2.range()])
    }
    /// A whitespace-separated list of values (`use="H WP"`).
    pub fn is_list(&self) -> bool {
        self.3
    }
    /// Whether whitespace is collapsed before the value is checked (every type but strings).
    pub fn collapses(&self) -> bool {
        self.4
    }
}

/// An attribute of a complex type: (namespace, name, simple type, required, fixed value).
#[derive(Debug)]
pub(super) struct Attr(pub u8, pub &'static str, pub u16, pub bool, pub Option<&'static str>);

impl Attr {
    pub fn ns(&self) -> u8 {
        self.0
    }
    pub fn name(&self) -> &'static str {
        self.1
    }
    pub fn simple(&self) -> &'static Simple {
        &t::SIMPLES[self.2 as usize]
    }
    pub fn required(&self) -> bool {
        self.3
    }
    pub fn fixed(&self) -> Option<&'static str> {
        self.4
    }
}

/// A state of a type's automaton: (accepting, its transitions in `TRANS`).
#[derive(Debug)]
pub(super) struct State(pub bool, pub Word);

/// A transition (element name, next state, the child's type), or in `ALPHABET` (element name,
/// the child's type, most occurrences, 0 = unbounded).
#[derive(Debug, Clone, Copy)]
pub(super) struct Trans(pub u16, pub u16, pub u16);

/// A type of the schema.
#[derive(Debug)]
pub(super) struct Type {
    pub name: &'static str,
    /// The type it derives from (`NONE` for none).
    pub base: u16,
    pub is_abstract: bool,
    /// Text allowed between its child elements.
    pub mixed: bool,
    /// `anyType` or a wildcard's content: nothing inside is checked.
    pub skip: bool,
    /// For a simple type used as an element's type: the simple type (`NONE` otherwise).
    pub simple: u16,
    pub family: Family,
    pub attrs: Word,
    pub start: u16,
    pub alphabet: Word,
}

pub(super) const NONE: u16 = u16::MAX;
pub(super) use t::{CLINICAL_DOCUMENT, WILDCARD};

/// The namespace table's index for "no namespace".
pub(super) const NO_NAMESPACE: u8 = 5;

pub(super) fn ty(index: u16) -> &'static Type {
    &t::TYPES[usize::from(index)]
}

pub(super) fn namespaces() -> &'static [&'static str] {
    &t::NAMESPACES
}

/// The name id of an element, if the schema knows it anywhere.
pub(super) fn name_id(ns: u8, local: &str) -> Option<u16> {
    t::NAMES.binary_search_by(|&(n, l)| (n, l).cmp(&(ns, local))).ok().map(|i| i as u16)
}

/// An element name for messages: `code`, `sdtc:raceCode`, `lab:statusCode`.
pub(super) fn display_name(id: u16) -> String {
    if id == WILDCARD {
        return "(any element of another namespace)".to_owned();
    }
    let (ns, local) = t::NAMES[usize::from(id)];
    match ns {
        1 => format!("sdtc:{local}"),
        2 => format!("lab:{local}"),
        3 => format!("pharm:{local}"),
        4 => format!("dicom:{local}"),
        _ => local.to_owned(),
    }
}

impl Type {
    pub fn attrs(&self) -> &'static [Attr] {
        &t::ATTRS[self.attrs.range()]
    }
    pub fn simple_type(&self) -> Option<&'static Simple> {
        (self.simple != NONE).then(|| &t::SIMPLES[usize::from(self.simple)])
    }
    /// Every element name its content allows, with the child's type and most occurrences.
    pub fn alphabet(&self) -> &'static [Trans] {
        &t::ALPHABET[self.alphabet.range()]
    }
    pub fn allows(&self, name: u16) -> Option<Trans> {
        let alphabet = self.alphabet();
        alphabet.binary_search_by_key(&name, |a| a.0).ok().map(|i| alphabet[i])
    }
}

pub(super) fn state(index: u16) -> &'static State {
    &t::STATES[usize::from(index)]
}

impl State {
    pub fn accepts(&self) -> bool {
        self.0
    }
    pub fn transitions(&self) -> &'static [Trans] {
        &t::TRANS[self.1.range()]
    }
    /// The transition on `name`; an element of another namespace falls back on the state's
    /// wildcard, if it has one.
    pub fn step(&self, name: Option<u16>, other_namespace: bool) -> Option<Trans> {
        let transitions = self.transitions();
        if let Some(name) = name {
            if let Ok(i) = transitions.binary_search_by_key(&name, |t| t.0) {
                return Some(transitions[i]);
            }
        }
        if other_namespace {
            return transitions.last().filter(|t| t.0 == WILDCARD).copied();
        }
        None
    }
}

/// A named type by namespace and name (for `xsi:type`).
pub(super) fn named_type(ns: u8, name: &str) -> Option<u16> {
    let named = &t::NAMED_TYPES;
    named.binary_search_by(|&(n, l, _)| (n, l).cmp(&(ns, name))).ok().map(|i| named[i].2)
}

/// Whether type `derived` is `base` or derives from it (every type derives from anyType).
pub(super) fn derives_from(derived: u16, base: u16) -> bool {
    if ty(base).skip {
        return true;
    }
    let mut at = derived;
    for _ in 0..64 {
        if at == base {
            return true;
        }
        at = ty(at).base;
        if at == NONE {
            return false;
        }
    }
    false
}
