//! libxml2's validation errors as issues: a rule id named after the XML Schema constraint
//! (`xsd.cvc-complex-type.2.4`, `xsd.cvc-pattern-valid`...), libxml2's message as it says it
//! (English), and a French rendering of the common ones.

use crate::check::{Issue, Layer, Message, RuleSource};
use crate::diag::Severity;

use super::ffi::RawError;
use super::locate::Lines;

/// libxml2's schema validation error codes (`xmlParserErrors`, 1801-1879) and the
/// constraint each stands for.
const CODES: [(i32, &str); 24] = [
    (1824, "cvc-datatype-valid.1.2.1"),
    (1825, "cvc-datatype-valid.1.2.2"),
    (1826, "cvc-datatype-valid.1.2.3"),
    (1829, "cvc-facet-valid"),
    (1830, "cvc-length-valid"),
    (1831, "cvc-minLength-valid"),
    (1832, "cvc-maxLength-valid"),
    (1833, "cvc-minInclusive-valid"),
    (1834, "cvc-maxInclusive-valid"),
    (1839, "cvc-pattern-valid"),
    (1840, "cvc-enumeration-valid"),
    (1841, "cvc-complex-type.2.1"),
    (1842, "cvc-complex-type.2.2"),
    (1843, "cvc-complex-type.2.3"),
    (1844, "cvc-complex-type.2.4"),
    (1845, "cvc-elt.1"),
    (1847, "cvc-elt.3.1"),
    (1850, "cvc-elt.4.1"),
    (1851, "cvc-elt.4.2"),
    (1852, "cvc-elt.4.3"),
    (1866, "cvc-complex-type.3.2.1"),
    (1867, "cvc-complex-type.3.2.2"),
    (1868, "cvc-complex-type.4"),
    (1871, "cvc-complex-type.2.4"),
];

fn rule(code: i32) -> String {
    match CODES.iter().find(|(c, _)| *c == code) {
        Some((_, name)) => format!("xsd.{name}"),
        None => format!("xsd.libxml2-{code}"),
    }
}

/// The issue for one libxml2 error.
pub(super) fn issue(error: &RawError, schema: &str, lines: &Lines<'_>) -> Issue {
    let (element, attribute) = subject(&error.message);
    let local = |name: &str| name.rsplit_once('}').map_or(name, |(_, local)| local).to_owned();
    let element = element.map(local);
    let attribute = attribute.map(local);
    let span = lines.span(error.line, error.column, element.as_deref(), attribute.as_deref());
    Issue {
        rule: rule(error.code),
        layer: Layer::Xsd,
        severity: if error.level <= 1 { Severity::Warning } else { Severity::Error },
        message: Message::new(french(&error.message), error.message.clone()),
        span: Some(span),
        position: None,
        path: None,
        location: None,
        source: RuleSource::Xsd { schema: schema.to_owned() },
        related: Vec::new(),
        hint: None,
    }
}

/// One issue saying the document was not validated, and why.
pub(super) fn not_validated(schema: &str, why: &str) -> Issue {
    Issue {
        rule: "xsd.not-validated".to_owned(),
        layer: Layer::Xsd,
        severity: Severity::Error,
        message: Message::new(
            format!("validation XSD impossible : libxml2 ne peut pas lire le document ({why})"),
            format!("XSD validation could not run: libxml2 cannot read the document ({why})"),
        ),
        span: Some(crate::xml::Span::at(0)),
        position: None,
        path: None,
        location: None,
        source: RuleSource::Xsd { schema: schema.to_owned() },
        related: Vec::new(),
        hint: Some(Message::bilingual(
            "Corrigez d'abord les erreurs de la couche XML (bonne formation, entités). \
             (Fix the XML layer's errors first: well-formedness, entities.)",
        )),
    }
}

/// The note that only the first `shown` of `found` errors were reported.
pub(super) fn limit(schema: &str, shown: usize, found: usize) -> Issue {
    Issue {
        rule: "xsd.limit".to_owned(),
        layer: Layer::Xsd,
        severity: Severity::Info,
        message: Message::new(
            format!("libxml2 a trouvé au moins {found} erreurs ; seules les {shown} premières sont montrées"),
            format!("libxml2 found at least {found} errors; only the first {shown} are shown"),
        ),
        span: Some(crate::xml::Span::at(0)),
        position: None,
        path: None,
        location: None,
        source: RuleSource::Xsd { schema: schema.to_owned() },
        related: Vec::new(),
        hint: Some(Message::bilingual(
            "Corrigez les premières erreurs (souvent une même erreur répétée) puis validez à nouveau. \
             (Fix the first errors, often one mistake repeated, then validate again.)",
        )),
    }
}

/// The element and attribute an error names: `Element '{ns}x', attribute 'y': ...`.
fn subject(message: &str) -> (Option<&str>, Option<&str>) {
    let Some(rest) = message.strip_prefix("Element '") else { return (None, None) };
    let Some(end) = rest.find('\'') else { return (None, None) };
    let element = &rest[..end];
    let attribute = rest[end + 1..].strip_prefix(", attribute '").and_then(|a| a.find('\'').map(|e| &a[..e]));
    (Some(element), attribute)
}

/// A French rendering of libxml2's message: the subject (`Element '...', attribute '...'`)
/// and the common sentences translated, names and values kept; the CDA namespace left out of
/// names. What is not recognised stays in English.
pub(super) fn french(message: &str) -> String {
    let text = message.replace("{urn:hl7-org:v3}", "");
    let (head, body) = match text.split_once("': ") {
        Some((head, body)) if head.starts_with("Element '") => (Some(format!("{head}'")), body.to_owned()),
        _ => (None, text.clone()),
    };
    let head =
        head.map(|h| h.replacen("Element '", "Élément '", 1).replacen(", attribute '", ", attribut '", 1));
    let mut body = body;
    for (en, fr) in SENTENCES {
        body = body.replace(en, fr);
    }
    match head {
        Some(head) => format!("{head} : {body}"),
        None => body,
    }
}

/// libxml2's sentences and their French, applied in this order.
const SENTENCES: [(&str, &str); 22] = [
    (
        "This element is not expected. Expected is one of (",
        "cet élément n'est pas attendu ici. Attendu : l'un de (",
    ),
    ("This element is not expected. Expected is (", "cet élément n'est pas attendu ici. Attendu : ("),
    ("This element is not expected.", "cet élément n'est pas attendu ici."),
    (
        "Missing child element(s). Expected is one of (",
        "élément(s) enfant(s) manquant(s). Attendu : l'un de (",
    ),
    ("Missing child element(s). Expected is (", "élément(s) enfant(s) manquant(s). Attendu : ("),
    ("The attribute '", "l'attribut '"),
    ("' is not allowed.", "' n'est pas autorisé."),
    ("' is required but missing.", "' est obligatoire mais absent."),
    ("[facet 'pattern'] The value '", "[facette 'pattern'] la valeur '"),
    ("' is not accepted by the pattern '", "' ne correspond pas au motif '"),
    ("[facet 'enumeration'] The value '", "[facette 'enumeration'] la valeur '"),
    ("' is not an element of the set {", "' ne fait pas partie de l'ensemble {"),
    ("' is not a valid value of the atomic type '", "' n'est pas une valeur valide du type atomique '"),
    (
        "' is not a valid value of the local atomic type.",
        "' n'est pas une valeur valide du type atomique local.",
    ),
    ("' is not a valid value of the union type '", "' n'est pas une valeur valide du type union '"),
    ("' is not a valid value of the list type '", "' n'est pas une valeur valide du type liste '"),
    ("The value '", "la valeur '"),
    ("' does not match the fixed value constraint '", "' ne correspond pas à la valeur fixée '"),
    (
        "Character content other than whitespace is not allowed because the content type is 'element-only'.",
        "du texte n'est pas autorisé : le type de cet élément n'admet que des éléments.",
    ),
    (
        "No matching global declaration available for the validation root.",
        "aucune déclaration globale ne correspond à l'élément racine.",
    ),
    ("The type definition is abstract.", "la définition de type est abstraite (xsi:type est nécessaire)."),
    (
        "' of the xsi:type attribute does not resolve to a type definition.",
        "' de l'attribut xsi:type ne désigne aucun type.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_messages_read_in_french() {
        assert_eq!(
            french("Element '{urn:hl7-org:v3}title': This element is not expected. Expected is ( {urn:hl7-org:v3}code )."),
            "Élément 'title' : cet élément n'est pas attendu ici. Attendu : ( code )."
        );
        assert_eq!(
            french("Element '{urn:hl7-org:v3}id', attribute 'foo': The attribute 'foo' is not allowed."),
            "Élément 'id', attribut 'foo' : l'attribut 'foo' n'est pas autorisé."
        );
        assert_eq!(
            subject("Element '{urn:hl7-org:v3}id', attribute 'foo': x"),
            (Some("{urn:hl7-org:v3}id"), Some("foo"))
        );
    }
}
