//! Values and codes as results show them: a [`Value`] of any HL7 data type becomes a
//! [`ResultValue`] (display text, number, comparator, unit and its name, bounds, the second
//! unit), and a [`Code`] becomes a [`Coded`] with the label to show and its narrative text.

use crate::model::body::Value;
use crate::model::time::Timestamp;
use crate::model::Code;
use crate::terminology;

use super::narrative::Reader;
use super::types::{Coded, Comparator, LabelSource, Quantity, ResultValue, ValueKind};

/// LOINC.
pub const LOINC: &str = "2.16.840.1.113883.6.1";

impl Reader<'_> {
    /// A code with its label: the document's displayName, else Vigie's terminology label,
    /// else the narrative text its originalText references, else the originalText. A code
    /// given only as a translation (a local code, as the CI-SIS asks for codes outside
    /// LOINC) is read from its first translation, kept as written.
    pub(crate) fn coded(&self, code: &Code) -> Coded {
        let reference = code.original_text_reference.as_deref().map(String::from);
        let reference_text = reference.as_deref().and_then(|r| self.resolve(r));
        let main =
            if code.code.is_none() && code.null_flavor.is_none() { code.translations.first() } else { None };
        let (source, from_translation) = match main {
            Some(translation) => (translation, true),
            None => (code, false),
        };
        let terminology = || {
            source
                .code_system
                .as_deref()
                .zip(source.code.as_deref())
                .and_then(|(s, c)| terminology::label(s, c))
        };
        let (label, label_source) = if let Some(name) =
            source.display_name.as_deref().map(String::from).filter(|n| !n.trim().is_empty())
        {
            let how = if from_translation { LabelSource::Translation } else { LabelSource::Document };
            (Some(name), Some(how))
        } else if let Some(label) = source.label.or_else(terminology) {
            (Some(label.to_string()), Some(LabelSource::Terminology))
        } else if let Some(text) = reference_text.clone() {
            (Some(text), Some(LabelSource::Narrative))
        } else if let Some(text) = code.original_text.as_deref().map(String::from) {
            (Some(text), Some(LabelSource::OriginalText))
        } else {
            (None, None)
        };
        let translations = code
            .translations
            .iter()
            .skip(usize::from(from_translation))
            .map(|t| Coded {
                code: t.code.as_deref().map(String::from),
                system: t.code_system.as_deref().map(String::from),
                system_name: system_name(t),
                label: t.display_name.as_deref().map(String::from).or_else(|| t.label.map(str::to_string)),
                label_source: t.display_name.as_ref().map(|_| LabelSource::Document),
                span: t.span,
                ..Coded::default()
            })
            .collect();
        Coded {
            code: source.code.as_deref().map(String::from),
            system: source.code_system.as_deref().map(String::from),
            system_name: system_name(source),
            label,
            label_source,
            reference,
            reference_text,
            translations,
            null_flavor: code.null_flavor.as_deref().map(String::from),
            span: code.span,
        }
    }

    /// A value of any data type.
    pub(crate) fn value(&self, value: &Value) -> ResultValue {
        let xsi_type = value.xsi_type.as_deref().map(String::from);
        let mut v = ResultValue {
            kind: kind(xsi_type.as_deref(), value),
            xsi_type,
            null_flavor: value.null_flavor.as_deref().map(String::from),
            span: value.span,
            position: self.position(value.span),
            ..ResultValue::default()
        };
        match v.kind {
            ValueKind::Quantity => {
                v.value = value.value.as_deref().map(String::from);
                v.number = value.value.as_deref().and_then(number);
                v.unit = unit(value);
                v.translations = value.translations.iter().map(|t| self.quantity(t)).collect();
            }
            ValueKind::Interval => {
                v.low = value.low.as_deref().map(|b| self.quantity(b));
                v.high = value.high.as_deref().map(|b| self.quantity(b));
                if let Some(center) = value.center.as_deref() {
                    v.value = center.value.as_deref().map(String::from);
                    v.number = center.value.as_deref().and_then(number);
                }
                let bound_unit = |b: &Option<Quantity>| b.as_ref().and_then(|q| q.unit.clone());
                v.unit = bound_unit(&v.low).or_else(|| bound_unit(&v.high)).or_else(|| unit(value));
                let (number, comparator) = one_sided(v.low.as_ref(), v.high.as_ref());
                if v.number.is_none() {
                    v.number = number;
                    v.comparator = comparator;
                }
            }
            ValueKind::Ratio => {
                v.numerator = value.numerator.as_deref().map(|t| self.quantity(t));
                v.denominator = value.denominator.as_deref().map(|t| self.quantity(t));
                let n = v.numerator.as_ref().and_then(|q| q.number);
                let d = v.denominator.as_ref().and_then(|q| q.number).filter(|d| *d != 0.0);
                v.number = n.zip(d).map(|(n, d)| n / d);
            }
            ValueKind::Coded => v.code = value.code.as_ref().map(|c| self.coded(c)),
            ValueKind::Text => {
                v.value = value.text.as_deref().map(String::from);
                if let Some((comparator, n)) = value.text.as_deref().and_then(leading_number) {
                    v.number = Some(n);
                    v.comparator = comparator;
                }
            }
            ValueKind::Boolean | ValueKind::Time | ValueKind::Other => {
                v.value = value
                    .value
                    .as_deref()
                    .map(String::from)
                    .or_else(|| value.text.as_deref().map(String::from));
            }
            ValueKind::Null => {}
        }
        v.unit_name = v.unit.as_deref().and_then(terminology::ucum_name);
        v.display = display(&v);
        v
    }

    /// An interval bound, a ratio term or a translation.
    fn quantity(&self, value: &Value) -> Quantity {
        Quantity {
            value: value.value.as_deref().map(String::from).unwrap_or_default(),
            number: value.value.as_deref().and_then(number),
            unit: unit(value),
            inclusive: value.inclusive,
            translations: value.translations.iter().map(|t| self.quantity(t)).collect(),
            span: value.span,
        }
    }
}

/// `codeSystemName`, else the name Vigie knows for the OID.
fn system_name(code: &Code) -> Option<String> {
    code.code_system_name
        .as_deref()
        .map(String::from)
        .or_else(|| code.code_system.as_deref().and_then(terminology::oid_name).map(str::to_string))
}

/// A unit worth showing: absent, empty and `1` (UCUM's "no unit") are none.
fn unit(value: &Value) -> Option<String> {
    value.unit.as_deref().map(str::trim).filter(|u| !u.is_empty() && *u != "1").map(str::to_string)
}

fn kind(xsi_type: Option<&str>, value: &Value) -> ValueKind {
    match xsi_type {
        Some("PQ" | "INT" | "REAL" | "MO") => ValueKind::Quantity,
        Some(t) if t.starts_with("IVL_") || t.starts_with("URG_") => ValueKind::Interval,
        Some(t) if t == "RTO" || t.starts_with("RTO_") => ValueKind::Ratio,
        Some("CD" | "CE" | "CV" | "CO" | "CS") => ValueKind::Coded,
        Some("ST" | "ED" | "SC") => ValueKind::Text,
        Some("BL") => ValueKind::Boolean,
        Some("TS") => ValueKind::Time,
        _ if value.null_flavor.is_some() && value.value.is_none() && value.text.is_none() => ValueKind::Null,
        None if value.text.is_some() => ValueKind::Text,
        _ => ValueKind::Other,
    }
}

/// A number as written in a value: `1.950`, `-2`, `1e3`; a decimal comma is accepted
/// (free text written by French software).
pub(crate) fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    let parsed = text.parse::<f64>().ok().or_else(|| {
        (text.matches(',').count() == 1 && !text.contains('.'))
            .then(|| text.replace(',', ".").parse().ok())?
    })?;
    parsed.is_finite().then_some(parsed)
}

/// The comparator and number a free text starts with: `<1.0 mg/L` → (`<`, 1.0).
fn leading_number(text: &str) -> Option<(Option<Comparator>, f64)> {
    let text = text.trim_start();
    let signs: [(&str, Comparator); 6] = [
        ("<=", Comparator::LessOrEqual),
        (">=", Comparator::GreaterOrEqual),
        ("≤", Comparator::LessOrEqual),
        ("≥", Comparator::GreaterOrEqual),
        ("<", Comparator::Less),
        (">", Comparator::Greater),
    ];
    let (comparator, rest) = signs
        .iter()
        .find_map(|(sign, c)| text.strip_prefix(sign).map(|rest| (Some(*c), rest.trim_start())))
        .unwrap_or((None, text));
    let end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+')))
        .map_or(rest.len(), |(i, _)| i);
    Some((comparator, number(rest.get(..end)?)?))
}

/// For an interval with a single bound, its number and how the value relates to it
/// (bounds are inclusive unless `inclusive="false"`); a point interval gives its value.
fn one_sided(low: Option<&Quantity>, high: Option<&Quantity>) -> (Option<f64>, Option<Comparator>) {
    let exclusive = |q: &Quantity| q.inclusive == Some(false);
    match (low, high) {
        (Some(l), None) => (
            l.number,
            l.number.map(|_| if exclusive(l) { Comparator::Greater } else { Comparator::GreaterOrEqual }),
        ),
        (None, Some(h)) => (
            h.number,
            h.number.map(|_| if exclusive(h) { Comparator::Less } else { Comparator::LessOrEqual }),
        ),
        (Some(l), Some(h)) if l.number.is_some() && l.number == h.number && l.unit == h.unit => {
            (l.number, None)
        }
        _ => (None, None),
    }
}

fn with_unit(value: &str, unit: Option<&str>) -> String {
    match unit {
        Some(unit) => format!("{value} {unit}"),
        None => value.to_string(),
    }
}

fn quantity_text(q: &Quantity) -> String {
    with_unit(&q.value, q.unit.as_deref())
}

/// What a person reads for a value.
fn display(v: &ResultValue) -> String {
    let text = match v.kind {
        ValueKind::Quantity => v.value.as_deref().map(|value| with_unit(value, v.unit.as_deref())),
        ValueKind::Interval => interval_text(v),
        ValueKind::Ratio => match (&v.numerator, &v.denominator) {
            (Some(n), Some(d)) => Some(format!("{}:{}", quantity_text(n), quantity_text(d))),
            (Some(n), None) => Some(quantity_text(n)),
            (None, Some(d)) => Some(format!("1:{}", quantity_text(d))),
            (None, None) => None,
        },
        ValueKind::Coded => v.code.as_ref().and_then(|c| {
            c.label
                .clone()
                .or_else(|| c.code.clone())
                .or_else(|| c.null_flavor.as_ref().map(|n| format!("({n})")))
        }),
        ValueKind::Time => v
            .value
            .as_deref()
            .map(|raw| Timestamp::parse(raw).map_or_else(|_| raw.to_string(), |t| t.display())),
        ValueKind::Text | ValueKind::Boolean | ValueKind::Other => v.value.clone(),
        ValueKind::Null => None,
    };
    text.filter(|t| !t.trim().is_empty())
        .or_else(|| v.null_flavor.as_ref().map(|n| format!("({n})")))
        .unwrap_or_default()
}

/// `≤ 1.0 mg/L`, `≥ 0.512 ug/mL`, `0.270–4.200 m[IU]/L`, `3.50 mmol/L–0.48 g/L`.
fn interval_text(v: &ResultValue) -> Option<String> {
    if let (Some(value), None, None) = (&v.value, &v.low, &v.high) {
        return Some(with_unit(value, v.unit.as_deref()));
    }
    match (&v.low, &v.high) {
        (Some(l), Some(h)) if l.unit == h.unit => {
            Some(with_unit(&format!("{}–{}", l.value, h.value), l.unit.as_deref()))
        }
        (Some(l), Some(h)) => Some(format!("{}–{}", quantity_text(l), quantity_text(h))),
        (Some(bound), None) | (None, Some(bound)) => {
            let sign = v.comparator.map(Comparator::sign).unwrap_or_default();
            Some(format!("{sign} {}", quantity_text(bound)).trim().to_string())
        }
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_written() {
        assert_eq!(number("1.950"), Some(1.95));
        assert_eq!(number(" -2 "), Some(-2.0));
        assert_eq!(number("0,88"), Some(0.88));
        assert_eq!(number("1,000.5"), None);
        assert_eq!(number("NaN"), None);
        assert_eq!(number("abc"), None);
    }

    #[test]
    fn free_text_yields_its_leading_bound() {
        assert_eq!(leading_number("<1.0 mg/L"), Some((Some(Comparator::Less), 1.0)));
        assert_eq!(leading_number("≥ 60"), Some((Some(Comparator::GreaterOrEqual), 60.0)));
        assert_eq!(leading_number("12,5 %"), Some((None, 12.5)));
        assert_eq!(leading_number("absence"), None);
    }
}
