//! HL7 V3 data types shared by the header and the body: identifiers (II), codes (CD/CE),
//! names (PN), addresses (AD), telecoms (TEL), located text.

use serde::Serialize;

use crate::model::str::Str;
use crate::xml::Span;

fn is_false(b: &bool) -> bool {
    !*b
}

/// An instance identifier (II): an OID or UUID `root`, optionally an `extension`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Identifier {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigning_authority_name: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_flavor: Option<Str>,
    /// What the root OID is, when Vigie knows it (e.g. "INS-NIR", "RPPS/ADELI").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_name: Option<&'static str>,
    pub span: Span,
}

impl Identifier {
    /// `root^extension`, or the root alone: how the id is usually quoted.
    pub fn display(&self) -> String {
        match (&self.root, &self.extension) {
            (Some(r), Some(e)) => format!("{e} ({r})"),
            (Some(r), None) => r.to_string(),
            (None, Some(e)) => e.to_string(),
            (None, None) => self.null_flavor.as_deref().unwrap_or_default().to_string(),
        }
    }
}

/// A coded value (CD, CE, CV, CS): code, system, the document's displayName and the label
/// Vigie knows for it from the embedded terminology tables.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
pub struct Code {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_system: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_system_name: Option<Str>,
    /// The label written in the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<Str>,
    /// The label from Vigie's terminology tables, when the code is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_flavor: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_text: Option<Str>,
    /// `originalText/reference/@value`, pointing at a narrative element's ID (`#id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_text_reference: Option<Str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Code>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub qualifiers: Vec<CodeQualifier>,
    pub span: Span,
}

impl Code {
    /// What to show a person: the known label, else the document's displayName, else the
    /// original text, else the code itself.
    pub fn text(&self) -> String {
        self.label
            .or(self.display_name.as_deref())
            .or(self.original_text.as_deref())
            .or(self.code.as_deref())
            .map(str::to_string)
            .or_else(|| self.null_flavor.as_ref().map(|n| format!("nullFlavor {n}")))
            .unwrap_or_default()
    }
}

/// A CD qualifier (name = value), as used by some SNOMED-coded entries.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CodeQualifier {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Box<Code>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Box<Code>>,
}

/// Located text: a string and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Text {
    pub text: String,
    pub span: Span,
}

/// The part of a person's name a [`NamePart`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NamePartKind {
    Family,
    Given,
    Prefix,
    Suffix,
    /// Text directly inside `<name>`, outside any part.
    Free,
}

/// One part of a name with its qualifier: for French identities, a family name qualified
/// `BR` is the birth name (nom de naissance), `SP` the used name (nom d'usage, e.g. a
/// spouse's), `CL` a chosen name; a given name qualified `BR` lists the birth first names.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NamePart {
    pub kind: NamePartKind,
    pub value: Str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<Str>,
}

/// A person name (PN).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PersonName {
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_code: Option<Str>,
    pub parts: Vec<NamePart>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_flavor: Option<Str>,
    pub span: Span,
}

impl PersonName {
    fn parts_of(&self, kind: NamePartKind) -> impl Iterator<Item = &NamePart> {
        self.parts.iter().filter(move |p| p.kind == kind)
    }

    /// The birth name: the family part qualified BR, else the first unqualified family part.
    pub fn birth_name(&self) -> Option<&str> {
        self.parts_of(NamePartKind::Family)
            .find(|p| p.qualifier.as_deref() == Some("BR"))
            .or_else(|| self.parts_of(NamePartKind::Family).find(|p| p.qualifier.is_none()))
            .map(|p| p.value.as_str())
    }

    /// The used name: family part qualified CL (nom utilisé), else SP (nom d'usage).
    pub fn used_name(&self) -> Option<&str> {
        let q = |q: &str| self.parts_of(NamePartKind::Family).find(|p| p.qualifier.as_deref() == Some(q));
        q("CL").or_else(|| q("SP")).map(|p| p.value.as_str())
    }

    /// The first name to address the person by: the used first name (CL), else the first
    /// birth first name (BR), else the first given part.
    pub fn used_given(&self) -> Option<&str> {
        let q = |q: &str| self.parts_of(NamePartKind::Given).find(|p| p.qualifier.as_deref() == Some(q));
        q("CL")
            .or_else(|| q("BR"))
            .or_else(|| self.parts_of(NamePartKind::Given).next())
            .map(|p| p.value.as_str())
    }

    /// Given names in order.
    pub fn given(&self) -> Vec<&str> {
        self.parts_of(NamePartKind::Given).map(|p| p.value.as_str()).collect()
    }

    /// A readable form: prefix, given names, used name, "née" birth name when they differ.
    pub fn display(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        words.extend(self.parts_of(NamePartKind::Prefix).map(|p| p.value.to_string()));
        if let Some(first) = self.used_given() {
            words.push(first.to_string());
        }
        let birth = self.birth_name();
        match (self.used_name(), birth) {
            (Some(used), Some(birth)) if used != birth => {
                words.push(used.to_uppercase());
                words.push(format!("(né·e {})", birth.to_uppercase()));
            }
            (Some(used), _) => words.push(used.to_uppercase()),
            (None, Some(birth)) => words.push(birth.to_uppercase()),
            (None, None) => {}
        }
        words.extend(self.parts_of(NamePartKind::Suffix).map(|p| p.value.to_string()));
        words.extend(self.parts_of(NamePartKind::Free).map(|p| p.value.to_string()));
        let text = words.join(" ");
        if text.is_empty() {
            self.null_flavor.as_ref().map(|n| format!("(nullFlavor {n})")).unwrap_or_default()
        } else {
            text
        }
    }
}

/// A postal address (AD).
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
pub struct Address {
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_code: Option<Str>,
    /// Street lines (streetAddressLine, or houseNumber + streetName, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<Str>,
    /// `county`: for a French birthplace, the INSEE COG code of the commune.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub county: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_flavor: Option<Str>,
    pub span: Span,
}

impl Address {
    pub fn display(&self) -> String {
        let mut parts: Vec<&str> = self.lines.iter().map(Str::as_str).collect();
        let city = [self.postal_code.as_deref(), self.city.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !city.is_empty() {
            parts.push(&city);
        }
        if let Some(c) = &self.country {
            parts.push(c);
        }
        parts.join(", ")
    }
}

/// What a telecom address is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TelecomKind {
    Phone,
    Fax,
    Email,
    /// A secure health messaging address (MSSanté).
    Mssante,
    Url,
    Other,
}

/// A telecom (TEL): phone, fax, e-mail, MSSanté address.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Telecom {
    pub kind: TelecomKind,
    /// The address without its scheme (`tel:`, `mailto:`...).
    pub value: Str,
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_code: Option<Str>,
    #[serde(skip_serializing_if = "is_false")]
    pub null: bool,
    pub span: Span,
}
