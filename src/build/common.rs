//! Readers for the HL7 V3 data types shared by header and body: II, CD, PN, AD, TEL, TS, IVL_TS.

use crate::diag::Finding;
use crate::model::common::{
    Address, Code, CodeQualifier, Identifier, NamePart, NamePartKind, PersonName, Telecom, TelecomKind, Text,
};
use crate::model::str::Str;
use crate::model::time::{Interval, Timestamp};
use crate::terminology;
use crate::xml::{NodeId, Ns, Tree};

use super::Ctx;

/// A non-empty, trimmed attribute value.
pub(crate) fn attr<S: for<'a> From<&'a str>>(tree: &Tree, node: NodeId, name: &str) -> Option<S> {
    let value = tree.attr(node, name)?;
    let value = value.trim();
    (!value.is_empty()).then(|| S::from(value))
}

/// What [`attr`] gives for each of `names` (at most 32), read in one pass over the element's
/// attributes instead of a search per name: the builders of the most frequent elements
/// (identifiers, codes, values, statements) each read four or five attributes, most absent.
pub(crate) fn attrs<S: for<'a> From<&'a str>, const N: usize>(
    tree: &Tree,
    node: NodeId,
    names: [&str; N],
) -> [Option<S>; N] {
    let mut out = [const { None }; N];
    // the first attribute of a name counts, as for `attr` (a duplicate is a reader finding)
    let mut seen = 0u32;
    for a in tree.attributes(node) {
        if a.ns() != Ns::NONE {
            continue;
        }
        let name = a.qualified_name();
        if let Some(i) = names.iter().position(|n| *n == name) {
            if seen & (1 << i) == 0 {
                seen |= 1 << i;
                let value = a.value();
                let value = value.trim();
                if !value.is_empty() {
                    out[i] = Some(S::from(value));
                }
            }
        }
    }
    out
}

/// The element's text, whitespace-normalised (runs of white space become one space).
pub(crate) fn text<S: for<'a> From<&'a str> + From<String>>(tree: &Tree, node: NodeId) -> Option<S> {
    // the common case: one text child with nothing to normalise
    let mut children = tree.children(node);
    if let (Some(only), None) = (children.next(), children.next()) {
        if tree.is_text(only) {
            let raw = tree.text(only);
            let trimmed = raw.trim();
            if is_normal_space(trimmed) {
                return (!trimmed.is_empty()).then(|| S::from(trimmed));
            }
        }
    }
    Some(normalize_space(&tree.text_content(node))).filter(|t| !t.is_empty()).map(S::from)
}

/// Whether `normalize_space` would leave trimmed text as it is: no white space but single
/// spaces. One pass over the bytes; a byte that may start a non-ASCII white space character
/// (U+0085, U+00A0, U+1680, U+2000-U+205F, U+3000: lead bytes C2, E1, E2, E3) sends the text to
/// the general path, so accented letters (C3 ..) do not.
fn is_normal_space(trimmed: &str) -> bool {
    let mut after_space = false;
    for &b in trimmed.as_bytes() {
        match b {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | 0xC2 | 0xE1 | 0xE2 | 0xE3 => return false,
            _ => after_space = false,
        }
    }
    true
}

/// Runs of white space become one space; leading and trailing space go.
pub(crate) fn normalize_space(raw: &str) -> String {
    // white space between elements, the most frequent text: nothing to allocate, and a byte
    // loop rather than `trim`'s decoding of each character
    if raw.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        return String::new();
    }
    let raw = raw.trim();
    let mut out = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

pub(crate) fn located_text(tree: &Tree, node: NodeId) -> Option<Text> {
    text(tree, node).map(|text| Text { text, span: tree.span(node) })
}

impl Ctx<'_> {
    pub(crate) fn identifier(&mut self, node: NodeId) -> Identifier {
        let t = self.tree;
        let [root, extension, assigning_authority_name, null_flavor] =
            attrs(t, node, ["root", "extension", "assigningAuthorityName", "nullFlavor"]);
        let root_name = root.as_deref().and_then(terminology::oid_name);
        Identifier {
            extension,
            assigning_authority_name,
            null_flavor,
            root_name,
            root,
            span: t.head_span(node),
        }
    }

    pub(crate) fn identifiers(&mut self, parent: NodeId, name: &str) -> Vec<Identifier> {
        let t = self.tree;
        t.children_named(parent, Ns::HL7, name).map(|n| self.identifier(n)).collect()
    }

    /// A coded element (CD/CE/CV/CS) with its label from the terminology tables.
    pub(crate) fn code(&mut self, node: NodeId) -> Code {
        let t = self.tree;
        let [code, code_system, display_name, code_system_name, null_flavor]: [Option<Str>; 5] =
            attrs(t, node, ["code", "codeSystem", "displayName", "codeSystemName", "nullFlavor"]);
        let label = match (&code_system, &code) {
            (Some(system), Some(code)) => terminology::label(system, code),
            _ => None,
        };
        let original = t.child(node, "originalText");
        let original_text = original.and_then(|o| {
            // the text of originalText, without its <reference>
            let mut s = String::new();
            for c in t.children(o) {
                if t.is_text(c) {
                    s.push_str(&t.text(c));
                }
            }
            Some(normalize_space(&s)).filter(|s| !s.is_empty()).map(Str::from)
        });
        let original_text_reference =
            original.and_then(|o| t.child(o, "reference")).and_then(|r| attr(t, r, "value"));
        let translations = t.children_named(node, Ns::HL7, "translation").map(|n| self.code(n)).collect();
        let qualifiers = t
            .children_named(node, Ns::HL7, "qualifier")
            .map(|q| CodeQualifier {
                name: t.child(q, "name").map(|n| Box::new(self.code(n))),
                value: t.child(q, "value").map(|n| Box::new(self.code(n))),
            })
            .collect();
        Code {
            display_name,
            code_system_name,
            null_flavor,
            label,
            code,
            code_system,
            original_text,
            original_text_reference,
            translations,
            qualifiers,
            span: t.head_span(node),
        }
    }

    pub(crate) fn child_code(&mut self, parent: NodeId, name: &str) -> Option<Code> {
        self.tree.child(parent, name).map(|n| self.code(n))
    }

    /// A timestamp from `@value`; an unreadable one is reported and dropped.
    pub(crate) fn timestamp(&mut self, node: NodeId) -> Option<Timestamp> {
        let value: Str = attr(self.tree, node, "value")?;
        match Timestamp::parse(&value) {
            Ok(ts) => Some(ts),
            Err(error) => {
                let span = self
                    .tree
                    .attribute(node, "value")
                    .map(|a| a.value_span())
                    .unwrap_or_else(|| self.tree.head_span(node));
                self.findings.push(Finding::warning("datatype.timestamp", span, error.to_string()));
                None
            }
        }
    }

    pub(crate) fn child_timestamp(&mut self, parent: NodeId, name: &str) -> Option<Timestamp> {
        self.tree.child(parent, name).and_then(|n| self.timestamp(n))
    }

    /// An interval of time (IVL_TS), or a single point written as `@value`.
    pub(crate) fn interval(&mut self, node: NodeId) -> Option<Interval> {
        let t = self.tree;
        let (mut low, mut high, mut center) = (None, None, None);
        for child in t.elements(node) {
            if t.ns(child) != Ns::HL7 {
                continue;
            }
            match t.local_name(child) {
                "low" => _ = low.get_or_insert(child),
                "high" => _ = high.get_or_insert(child),
                "center" => _ = center.get_or_insert(child),
                _ => {}
            }
        }
        let value = self.timestamp(node);
        let low = low.and_then(|n| self.timestamp(n));
        let high = high.and_then(|n| self.timestamp(n));
        let center = center.and_then(|n| self.timestamp(n));
        if value.is_none() && low.is_none() && high.is_none() && center.is_none() {
            return None;
        }
        Some(Interval { low, high, center, value })
    }

    pub(crate) fn child_interval(&mut self, parent: NodeId, name: &str) -> Option<Interval> {
        self.tree.child(parent, name).and_then(|n| self.interval(n))
    }

    pub(crate) fn names(&mut self, parent: NodeId) -> Vec<PersonName> {
        let t = self.tree;
        t.children_named(parent, Ns::HL7, "name").map(|n| person_name(t, n)).collect()
    }

    pub(crate) fn addresses(&mut self, parent: NodeId) -> Vec<Address> {
        let t = self.tree;
        t.children_named(parent, Ns::HL7, "addr").map(|n| address(t, n)).collect()
    }

    pub(crate) fn telecoms(&mut self, parent: NodeId) -> Vec<Telecom> {
        let t = self.tree;
        t.children_named(parent, Ns::HL7, "telecom").filter_map(|n| telecom(t, n)).collect()
    }
}

pub(crate) fn person_name(tree: &Tree, node: NodeId) -> PersonName {
    let mut parts = Vec::new();
    for child in tree.children(node) {
        if tree.is_text(child) {
            let free = normalize_space(&tree.text(child));
            if !free.is_empty() {
                parts.push(NamePart { kind: NamePartKind::Free, value: free.into(), qualifier: None });
            }
            continue;
        }
        if tree.ns(child) != Ns::HL7 {
            continue;
        }
        let kind = match tree.local_name(child) {
            "family" => NamePartKind::Family,
            "given" => NamePartKind::Given,
            "prefix" => NamePartKind::Prefix,
            "suffix" => NamePartKind::Suffix,
            _ => continue,
        };
        if let Some(value) = text(tree, child) {
            parts.push(NamePart { kind, value, qualifier: attr(tree, child, "qualifier") });
        }
    }
    PersonName {
        use_code: attr(tree, node, "use"),
        parts,
        null_flavor: attr(tree, node, "nullFlavor"),
        span: tree.span(node),
    }
}

pub(crate) fn address(tree: &Tree, node: NodeId) -> Address {
    let mut a = Address {
        use_code: attr(tree, node, "use"),
        null_flavor: attr(tree, node, "nullFlavor"),
        span: tree.span(node),
        ..Address::default()
    };
    let mut street: Vec<Str> = Vec::new();
    for child in tree.elements(node) {
        let Some(value) = text(tree, child) else { continue };
        match tree.local_name(child) {
            "streetAddressLine" | "additionalLocator" | "postBox" | "deliveryAddressLine" => {
                a.lines.push(value)
            }
            "houseNumber"
            | "houseNumberNumeric"
            | "buildingNumberSuffix"
            | "streetNameType"
            | "streetName"
            | "streetNameBase"
            | "unitID"
            | "unitType"
            | "careOf"
            | "delimiter" => street.push(value),
            "postalCode" => a.postal_code = Some(value),
            "city" => a.city = Some(value),
            "county" => a.county = Some(value),
            "state" => a.state = Some(value),
            "country" => a.country = Some(value),
            _ => a.lines.push(value),
        }
    }
    if !street.is_empty() {
        a.lines.insert(0, street.join(" ").into());
    }
    if a.lines.is_empty() && a.city.is_none() && a.postal_code.is_none() {
        // free-text address
        let free = tree
            .children(node)
            .filter(|&c| tree.is_text(c))
            .map(|c| normalize_space(&tree.text(c)))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !free.is_empty() {
            a.lines.push(free.into());
        }
    }
    a
}

pub(crate) fn telecom(tree: &Tree, node: NodeId) -> Option<Telecom> {
    let raw: Option<Str> = attr(tree, node, "value");
    let null = attr::<Str>(tree, node, "nullFlavor").is_some();
    let raw = match raw {
        Some(raw) => raw,
        None if null => Str::default(),
        None => return None,
    };
    let (scheme, rest) = raw.split_once(':').unwrap_or(("", raw.as_str()));
    let is = |name: &str| scheme.eq_ignore_ascii_case(name);
    let kind = if is("tel") {
        TelecomKind::Phone
    } else if is("fax") {
        TelecomKind::Fax
    } else if is("mailto") {
        let mssante = rest.as_bytes().windows(11).any(|w| w.eq_ignore_ascii_case(b".mssante.fr"));
        if mssante {
            TelecomKind::Mssante
        } else {
            TelecomKind::Email
        }
    } else if is("http") || is("https") {
        TelecomKind::Url
    } else {
        TelecomKind::Other
    };
    let value =
        if kind == TelecomKind::Other || kind == TelecomKind::Url { raw.clone() } else { Str::from(rest) };
    Some(Telecom { kind, value, use_code: attr(tree, node, "use"), null, span: tree.head_span(node) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_already_normal_is_recognised_and_any_other_is_normalised() {
        for normal in ["", "a", "Dupont Jean", "Hôpital Saint-Éloi", "a b c"] {
            assert!(is_normal_space(normal), "{normal:?}");
        }
        for other in ["a  b", "a\tb", "a\nb", "a\u{a0}b", "a\u{2009}b", "a\u{3000}b", "a\u{85}b", "a\x0bb"] {
            assert!(!is_normal_space(other), "{other:?}");
            assert_ne!(normalize_space(other), other, "{other:?}");
        }
        // what the fast path accepts is what the general path gives
        for s in ["Dupont Jean", "Hôpital Saint-Éloi", "€ 12", "a b"] {
            assert_eq!(normalize_space(s), s);
        }
    }

    #[test]
    fn attributes_read_in_one_pass_are_what_each_lookup_gives() {
        let xml = r#"<code xmlns="urn:hl7-org:v3" xmlns:x="urn:x" x:code="no" code=" 2 " displayName="  " codeSystem="1.2" />"#;
        let parsed = crate::xml::parse::parse(std::sync::Arc::from(xml), &crate::xml::Limits::default());
        let (tree, node) = (&parsed.tree, parsed.tree.root().unwrap());
        let names = ["code", "codeSystem", "displayName", "nullFlavor", "x:code"];
        let each = names.map(|n| attr::<Str>(tree, node, n));
        assert_eq!(attrs(tree, node, names), each);
        // trimmed, empty values dropped, absent ones absent, a prefixed attribute is not unprefixed
        assert_eq!(each, [Some("2".into()), Some("1.2".into()), None, None, None]);
    }
}
