//! Per-result facts computed from what the document says: where the value lies against its
//! normal range, and whether the result is abnormal — by its interpretation code when one
//! decides, else by that range.

use super::types::{
    AbnormalBy, Comparator, Interpretation, Meaning, Quantity, RangePosition, ReferenceRange, ResultValue,
};

/// The normal range: the first range that stands for N (or for nothing said) and has a
/// numeric bound.
pub(crate) fn normal_range(ranges: &[ReferenceRange]) -> Option<&ReferenceRange> {
    ranges.iter().find(|r| {
        let normal = r.interpretation.as_ref().is_none_or(|i| i.meaning == Meaning::Normal);
        let numeric = r.value.as_ref().is_some_and(|v| bound(&v.low).is_some() || bound(&v.high).is_some());
        normal && numeric
    })
}

/// Where a numeric value lies against a range, when the units agree and the answer is
/// certain (`≤ 1.0` against `≤ 5.0` is within; `≥ 0.5` against `2–4` is unknown).
pub(crate) fn range_position(value: &ResultValue, range: &ReferenceRange) -> Option<RangePosition> {
    let n = value.number?;
    let bounds = range.value.as_ref()?;
    let same_unit = |q: &Quantity| q.unit == value.unit;
    let low = bound(&bounds.low).filter(|q| same_unit(q));
    let high = bound(&bounds.high).filter(|q| same_unit(q));
    if low.is_none() && high.is_none() {
        return None;
    }
    let exclusive = |q: &Quantity| q.inclusive == Some(false);
    let below = |q: &Quantity, n: f64| q.number.is_some_and(|l| n < l || (exclusive(q) && n == l));
    let above = |q: &Quantity, n: f64| q.number.is_some_and(|h| n > h || (exclusive(q) && n == h));
    match value.comparator {
        None => {
            if low.is_some_and(|l| below(l, n)) {
                Some(RangePosition::Below)
            } else if high.is_some_and(|h| above(h, n)) {
                Some(RangePosition::Above)
            } else {
                Some(RangePosition::Within)
            }
        }
        Some(Comparator::Less | Comparator::LessOrEqual) => match (low, high) {
            (Some(l), _)
                if below(l, n) || (value.comparator == Some(Comparator::Less) && l.number == Some(n)) =>
            {
                Some(RangePosition::Below)
            }
            (None, Some(h)) if !above(h, n) => Some(RangePosition::Within),
            _ => None,
        },
        Some(Comparator::Greater | Comparator::GreaterOrEqual) => match (low, high) {
            (_, Some(h))
                if above(h, n) || (value.comparator == Some(Comparator::Greater) && h.number == Some(n)) =>
            {
                Some(RangePosition::Above)
            }
            (Some(l), None) if !below(l, n) => Some(RangePosition::Within),
            _ => None,
        },
    }
}

/// Whether a result is abnormal, and why: an interpretation that says so; else, when no
/// interpretation says normal either, a value outside the normal range.
pub(crate) fn abnormal(
    interpretations: &[Interpretation],
    position: Option<RangePosition>,
) -> Option<AbnormalBy> {
    if interpretations.iter().any(|i| i.meaning.is_abnormal()) {
        return Some(AbnormalBy::Interpretation);
    }
    if interpretations.iter().any(|i| i.meaning == Meaning::Normal) {
        return None;
    }
    matches!(position, Some(RangePosition::Below | RangePosition::Above)).then_some(AbnormalBy::Range)
}

fn bound(q: &Option<Quantity>) -> Option<&Quantity> {
    q.as_ref().filter(|q| q.number.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::interpretation::from_code;
    use crate::results::types::ValueKind;
    use crate::xml::Span;

    fn q(n: f64, inclusive: Option<bool>) -> Quantity {
        Quantity {
            value: n.to_string(),
            number: Some(n),
            unit: Some("g/L".into()),
            inclusive,
            translations: Vec::new(),
            span: Span::at(0),
        }
    }

    fn value(n: f64, comparator: Option<Comparator>) -> ResultValue {
        ResultValue {
            kind: ValueKind::Quantity,
            number: Some(n),
            comparator,
            unit: Some("g/L".into()),
            ..ResultValue::default()
        }
    }

    fn range(low: Option<Quantity>, high: Option<Quantity>) -> ReferenceRange {
        let mut v = value(0.0, None);
        v.number = None;
        v.low = low;
        v.high = high;
        ReferenceRange {
            value: Some(v),
            text: None,
            text_reference: None,
            interpretation: None,
            population: None,
            span: Span::at(0),
            position: None,
        }
    }

    #[test]
    fn a_value_lies_below_within_or_above_its_range() {
        let r = range(Some(q(0.7, None)), Some(q(1.08, None)));
        assert_eq!(range_position(&value(0.5, None), &r), Some(RangePosition::Below));
        assert_eq!(range_position(&value(0.88, None), &r), Some(RangePosition::Within));
        assert_eq!(range_position(&value(1.08, None), &r), Some(RangePosition::Within));
        assert_eq!(range_position(&value(1.2, None), &r), Some(RangePosition::Above));
        let exclusive = range(None, Some(q(1.08, Some(false))));
        assert_eq!(range_position(&value(1.08, None), &exclusive), Some(RangePosition::Above));
    }

    #[test]
    fn a_bound_is_placed_only_when_certain() {
        let upper = range(None, Some(q(5.0, None)));
        assert_eq!(
            range_position(&value(1.0, Some(Comparator::LessOrEqual)), &upper),
            Some(RangePosition::Within)
        );
        let both = range(Some(q(2.0, None)), Some(q(4.0, None)));
        assert_eq!(range_position(&value(0.5, Some(Comparator::GreaterOrEqual)), &both), None);
        assert_eq!(range_position(&value(5.0, Some(Comparator::Greater)), &both), Some(RangePosition::Above));
        assert_eq!(range_position(&value(1.0, Some(Comparator::Less)), &both), Some(RangePosition::Below));
    }

    #[test]
    fn units_must_agree() {
        let r = range(Some(q(0.7, None)), Some(q(1.08, None)));
        let mut v = value(4.89, None);
        v.unit = Some("mmol/L".into());
        assert_eq!(range_position(&v, &r), None);
    }

    #[test]
    fn the_interpretation_decides_before_the_range() {
        assert_eq!(
            abnormal(&[from_code("H")], Some(RangePosition::Within)),
            Some(AbnormalBy::Interpretation)
        );
        assert_eq!(abnormal(&[from_code("N")], Some(RangePosition::Above)), None);
        assert_eq!(abnormal(&[], Some(RangePosition::Above)), Some(AbnormalBy::Range));
        assert_eq!(abnormal(&[from_code("S")], Some(RangePosition::Below)), Some(AbnormalBy::Range));
        assert_eq!(abnormal(&[], Some(RangePosition::Within)), None);
        assert_eq!(abnormal(&[], None), None);
    }
}
