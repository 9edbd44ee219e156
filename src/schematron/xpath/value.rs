//! The data model: items (nodes of xee's tree, or atomic values of the types the kit's
//! tests use: `xs:string`, `xs:untypedAtomic` — what a node atomizes to —, numbers and
//! booleans) and the operations on atomic values: the effective boolean value, casts from
//! untyped values, general and value comparisons, arithmetic, as XPath 2.0 defines them
//! (not its 1.0 compatibility mode). A dynamic error, or a value of another type, is
//! [`Unsupported`]: the runner then asks xee.

use std::rc::Rc;

use xot::Node;

use super::{Arith, Cmp, Number};

/// An evaluation this module does not finish: a dynamic error in XPath, or a value it does
/// not model. Carries the reason, for tests and diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unsupported(pub &'static str);

pub(crate) type R<T> = Result<T, Unsupported>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Node(Node),
    Str(Rc<str>),
    Untyped(Rc<str>),
    Num(Number),
    Bool(bool),
}

pub(crate) type Seq = Vec<Item>;

/// An xee item as a native one (`None`: a type this module does not model).
pub(crate) fn from_xee(item: &xee_xpath::Item) -> Option<Item> {
    use xee_xpath::atomic::StringType;
    use xee_xpath::Atomic;
    Some(match item {
        xee_xpath::Item::Node(node) => Item::Node(*node),
        xee_xpath::Item::Atomic(atomic) => match atomic {
            Atomic::Untyped(s) => Item::Untyped(s.clone()),
            Atomic::String(StringType::String, s) => Item::Str(s.clone()),
            Atomic::Boolean(b) => Item::Bool(*b),
            Atomic::Double(d) => Item::Num(Number::Double(d.0)),
            Atomic::Integer(_, i) => Item::Num(Number::Integer(i.to_string().parse().ok()?)),
            Atomic::Decimal(d) => Item::Num(Number::Decimal(d.to_string().parse().ok()?)),
            _ => return None,
        },
        xee_xpath::Item::Function(_) => return None,
    })
}

/// The effective boolean value (XPath 2.0, 2.4.3).
pub(super) fn ebv(seq: &[Item]) -> R<bool> {
    match seq {
        [] => Ok(false),
        [Item::Node(_), ..] => Ok(true),
        [Item::Bool(b)] => Ok(*b),
        [Item::Str(s) | Item::Untyped(s)] => Ok(!s.is_empty()),
        [Item::Num(n)] => {
            let v = n.value();
            Ok(!(v == 0.0 || v.is_nan()))
        }
        _ => Err(Unsupported("no effective boolean value (FORG0006)")),
    }
}

/// An atomic value: an item that is not a node.
pub(super) fn is_atomic(item: &Item) -> bool {
    !matches!(item, Item::Node(_))
}

/// A string as XPath writes a number.
pub(crate) fn number_to_string(n: Number) -> String {
    match n {
        Number::Integer(i) => i.to_string(),
        Number::Decimal(d) => {
            if d == d.trunc() && d.abs() < 1e15 {
                format!("{}", d as i64)
            } else {
                format!("{d}")
            }
        }
        Number::Double(d) => {
            if d.is_nan() {
                "NaN".into()
            } else if d.is_infinite() {
                if d > 0.0 { "INF" } else { "-INF" }.into()
            } else if d == 0.0 {
                if d.is_sign_negative() { "-0" } else { "0" }.into()
            } else if (1e-6..1e6).contains(&d.abs()) {
                if d == d.trunc() {
                    format!("{}", d as i64)
                } else {
                    format!("{d}")
                }
            } else {
                // canonical xs:double: one digit before the point, an exponent
                let s = format!("{d:E}");
                match s.split_once('E') {
                    Some((mantissa, exponent)) if !mantissa.contains('.') => {
                        format!("{mantissa}.0E{exponent}")
                    }
                    _ => s,
                }
            }
        }
    }
}

/// `text` as an `xs:double` (XML Schema's lexical form), if it is one.
pub(super) fn parse_double(text: &str) -> Option<f64> {
    let t = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    match t {
        "INF" | "+INF" => return Some(f64::INFINITY),
        "-INF" => return Some(f64::NEG_INFINITY),
        "NaN" => return Some(f64::NAN),
        _ => {}
    }
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !digits(int) || !digits(frac) {
        return None;
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e.is_empty() || !digits(e) {
            return None;
        }
    }
    t.parse().ok()
}

/// An atomic item's string value.
pub(super) fn atom_string(item: &Item) -> R<Rc<str>> {
    Ok(match item {
        Item::Str(s) | Item::Untyped(s) => s.clone(),
        Item::Num(n) => Rc::from(number_to_string(*n)),
        Item::Bool(b) => Rc::from(if *b { "true" } else { "false" }),
        Item::Node(_) => return Err(Unsupported("string of a node without the tree")),
    })
}

/// Which kind of comparison, once untyped values are cast.
enum Kind {
    Num(f64),
    Str(Rc<str>),
    Bool(bool),
}

fn compare_kinds(op: Cmp, a: Kind, b: Kind) -> R<bool> {
    use std::cmp::Ordering;
    let ordering = match (a, b) {
        (Kind::Num(x), Kind::Num(y)) => {
            if x.is_nan() || y.is_nan() {
                return Ok(op == Cmp::Ne);
            }
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (Kind::Str(x), Kind::Str(y)) => x.cmp(&y),
        (Kind::Bool(x), Kind::Bool(y)) => x.cmp(&y),
        _ => return Err(Unsupported("values that cannot be compared (XPTY0004)")),
    };
    Ok(match op {
        Cmp::Eq => ordering == Ordering::Equal,
        Cmp::Ne => ordering != Ordering::Equal,
        Cmp::Lt => ordering == Ordering::Less,
        Cmp::Le => ordering != Ordering::Greater,
        Cmp::Gt => ordering == Ordering::Greater,
        Cmp::Ge => ordering != Ordering::Less,
    })
}

fn untyped_as_double(s: &str) -> R<Kind> {
    parse_double(s).map(Kind::Num).ok_or(Unsupported("an untyped value that is not a number (FORG0001)"))
}

fn untyped_as_boolean(s: &str) -> R<Kind> {
    match s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) {
        "true" | "1" => Ok(Kind::Bool(true)),
        "false" | "0" => Ok(Kind::Bool(false)),
        _ => Err(Unsupported("an untyped value that is not a boolean (FORG0001)")),
    }
}

/// One pair of a general comparison (XPath 2.0, 3.5.2).
pub(super) fn general_pair(op: Cmp, a: &Item, b: &Item) -> R<bool> {
    let (x, y) = match (a, b) {
        (Item::Untyped(s), Item::Num(n)) => (untyped_as_double(s)?, Kind::Num(n.value())),
        (Item::Num(n), Item::Untyped(s)) => (Kind::Num(n.value()), untyped_as_double(s)?),
        (Item::Untyped(s), Item::Bool(v)) => (untyped_as_boolean(s)?, Kind::Bool(*v)),
        (Item::Bool(v), Item::Untyped(s)) => (Kind::Bool(*v), untyped_as_boolean(s)?),
        _ => (kind(a)?, kind(b)?),
    };
    compare_kinds(op, x, y)
}

/// One value comparison: untyped values compare as strings.
pub(super) fn value_pair(op: Cmp, a: &Item, b: &Item) -> R<bool> {
    compare_kinds(op, kind(a)?, kind(b)?)
}

fn kind(item: &Item) -> R<Kind> {
    Ok(match item {
        Item::Str(s) | Item::Untyped(s) => Kind::Str(s.clone()),
        Item::Num(n) => Kind::Num(n.value()),
        Item::Bool(b) => Kind::Bool(*b),
        Item::Node(_) => return Err(Unsupported("a node where a value was expected")),
    })
}

/// A numeric operand of arithmetic: untyped values as doubles.
pub(super) fn numeric(item: &Item) -> R<Number> {
    match item {
        Item::Num(n) => Ok(*n),
        Item::Untyped(s) => parse_double(s)
            .map(Number::Double)
            .ok_or(Unsupported("an untyped value that is not a number (FORG0001)")),
        _ => Err(Unsupported("arithmetic on a value that is not a number (XPTY0004)")),
    }
}

pub(super) fn arithmetic(op: Arith, a: Number, b: Number) -> R<Number> {
    use Number::*;
    if let (Integer(x), Integer(y)) = (a, b) {
        return match op {
            Arith::Add => x.checked_add(y).map(Integer).ok_or(Unsupported("integer overflow")),
            Arith::Sub => x.checked_sub(y).map(Integer).ok_or(Unsupported("integer overflow")),
            Arith::Mul => x.checked_mul(y).map(Integer).ok_or(Unsupported("integer overflow")),
            Arith::Div if y == 0 => Err(Unsupported("division by zero (FOAR0001)")),
            Arith::Div => Ok(Decimal(x as f64 / y as f64)),
            Arith::IDiv | Arith::Mod if y == 0 => Err(Unsupported("division by zero (FOAR0001)")),
            Arith::IDiv => Ok(Integer(x.wrapping_div(y))),
            Arith::Mod => Ok(Integer(x.wrapping_rem(y))),
        };
    }
    let double = matches!(a, Double(_)) || matches!(b, Double(_));
    let (x, y) = (a.value(), b.value());
    if !double && y == 0.0 && matches!(op, Arith::Div | Arith::IDiv | Arith::Mod) {
        return Err(Unsupported("division by zero (FOAR0001)"));
    }
    let value = match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => x * y,
        Arith::Div => x / y,
        Arith::Mod => x % y,
        Arith::IDiv => {
            let q = (x / y).trunc();
            if !q.is_finite() || q.abs() > i64::MAX as f64 {
                return Err(Unsupported("idiv out of range (FOAR0002)"));
            }
            return Ok(Integer(q as i64));
        }
    };
    Ok(if double { Double(value) } else { Decimal(value) })
}

/// An integer operand (`to`): untyped values cast to integers.
pub(super) fn integer(item: &Item) -> R<Number> {
    match item {
        Item::Num(Number::Integer(i)) => Ok(Number::Integer(*i)),
        Item::Untyped(s) => {
            s.trim().parse::<i64>().map(Number::Integer).map_err(|_| Unsupported("not an integer (FORG0001)"))
        }
        _ => Err(Unsupported("not an integer (XPTY0004)")),
    }
}
