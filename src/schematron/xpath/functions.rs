//! The functions of XPath 2.0 the kit's tests call, and `xs:` constructors for the types
//! the evaluator models. Unknown functions and arities are refused when parsing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::eval::{Evaluator, Focus};
use super::value::{atom_string, ebv, parse_double, Item, Seq, Unsupported, R};
use super::{Expr, Number};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Function {
    Not,
    Boolean,
    True,
    False,
    Count,
    Exists,
    Empty,
    String,
    Data,
    NormalizeSpace,
    StringLength,
    Concat,
    Contains,
    StartsWith,
    EndsWith,
    Substring,
    SubstringBefore,
    SubstringAfter,
    Matches,
    Replace,
    Tokenize,
    LowerCase,
    UpperCase,
    Translate,
    Number,
    StringJoin,
    Name,
    LocalName,
    NamespaceUri,
    Position,
    Last,
    Sum,
    Round,
    Floor,
    Ceiling,
    Abs,
    DistinctValues,
    Current,
    ExactlyOne,
    ZeroOrOne,
    OneOrMore,
    Root,
    Reverse,
    Subsequence,
    IndexOf,
    Min,
    Max,
    /// `doc(uri)`, and XSLT's `document(uri)` with one argument.
    Doc,
    DocAvailable,
    /// `xs:string(x)`.
    ToString,
    /// `xs:integer(x)`.
    ToInteger,
    /// `xs:decimal(x)`.
    ToDecimal,
    /// `xs:double(x)`.
    ToDouble,
    /// `xs:boolean(x)`.
    ToBoolean,
}

impl Function {
    /// The function `local` (in the functions namespace) with `arity` arguments.
    pub fn named(local: &str, arity: usize) -> Result<Function, String> {
        use Function::*;
        let (function, min, max) = match local {
            "not" => (Not, 1, 1),
            "boolean" => (Boolean, 1, 1),
            "true" => (True, 0, 0),
            "false" => (False, 0, 0),
            "count" => (Count, 1, 1),
            "exists" => (Exists, 1, 1),
            "empty" => (Empty, 1, 1),
            "string" => (String, 0, 1),
            "data" => (Data, 1, 1),
            "normalize-space" => (NormalizeSpace, 0, 1),
            "string-length" => (StringLength, 0, 1),
            "concat" => (Concat, 2, usize::MAX),
            "contains" => (Contains, 2, 2),
            "starts-with" => (StartsWith, 2, 2),
            "ends-with" => (EndsWith, 2, 2),
            "substring" => (Substring, 2, 3),
            "substring-before" => (SubstringBefore, 2, 2),
            "substring-after" => (SubstringAfter, 2, 2),
            "matches" => (Matches, 2, 3),
            "replace" => (Replace, 3, 4),
            "tokenize" => (Tokenize, 2, 3),
            "lower-case" => (LowerCase, 1, 1),
            "upper-case" => (UpperCase, 1, 1),
            "translate" => (Translate, 3, 3),
            "number" => (Number, 0, 1),
            "string-join" => (StringJoin, 1, 2),
            "name" => (Name, 0, 1),
            "local-name" => (LocalName, 0, 1),
            "namespace-uri" => (NamespaceUri, 0, 1),
            "position" => (Position, 0, 0),
            "last" => (Last, 0, 0),
            "sum" => (Sum, 1, 2),
            "round" => (Round, 1, 1),
            "floor" => (Floor, 1, 1),
            "ceiling" => (Ceiling, 1, 1),
            "abs" => (Abs, 1, 1),
            "distinct-values" => (DistinctValues, 1, 1),
            "current" => (Current, 0, 0),
            "exactly-one" => (ExactlyOne, 1, 1),
            "zero-or-one" => (ZeroOrOne, 1, 1),
            "one-or-more" => (OneOrMore, 1, 1),
            "root" => (Root, 0, 1),
            "reverse" => (Reverse, 1, 1),
            "subsequence" => (Subsequence, 2, 3),
            "index-of" => (IndexOf, 2, 2),
            "min" => (Min, 1, 1),
            "max" => (Max, 1, 1),
            "doc" | "document" => (Doc, 1, 1),
            "doc-available" => (DocAvailable, 1, 1),
            other => return Err(format!("function {other}()")),
        };
        if arity < min || arity > max {
            return Err(format!("{local}() with {arity} arguments"));
        }
        Ok(function)
    }

    /// `xs:local(arg)`: a cast to a type the evaluator models.
    pub fn constructor(local: &str, args: Vec<Expr>) -> Result<Expr, String> {
        let function = match local {
            "string" => Function::ToString,
            "integer" => Function::ToInteger,
            "decimal" => Function::ToDecimal,
            "double" => Function::ToDouble,
            "boolean" => Function::ToBoolean,
            other => return Err(format!("constructor xs:{other}()")),
        };
        if args.len() != 1 {
            return Err(format!("xs:{local}() with {} arguments", args.len()));
        }
        Ok(Expr::Call(function, args))
    }

    /// Whether the result is always a boolean (never a position in a predicate).
    pub fn returns_boolean(self) -> bool {
        use Function::*;
        matches!(
            self,
            Not | Boolean
                | True
                | False
                | Exists
                | Empty
                | Contains
                | StartsWith
                | EndsWith
                | Matches
                | ToBoolean
        )
    }
}

/// Compiled regular expressions by (pattern, flags); `None`: invalid.
type Regexes = HashMap<(String, String), Option<Rc<regexml::Regex>>>;

thread_local! {
    static REGEXES: RefCell<Regexes> = RefCell::new(HashMap::new());
}

/// Regular expressions kept per thread (the kit uses a few hundred distinct ones).
const MAX_REGEXES: usize = 4096;

fn regex(pattern: &str, flags: &str) -> R<Rc<regexml::Regex>> {
    REGEXES.with(|cell| {
        let mut cache = cell.borrow_mut();
        let key = (pattern.to_owned(), flags.to_owned());
        if let Some(found) = cache.get(&key) {
            return found.clone().ok_or(Unsupported("an invalid regular expression (FORX0002)"));
        }
        if cache.len() >= MAX_REGEXES {
            cache.clear();
        }
        let compiled = regexml::Regex::xpath(pattern, flags).ok().map(Rc::new);
        cache.insert(key, compiled.clone());
        compiled.ok_or(Unsupported("an invalid regular expression (FORX0002)"))
    })
}

fn xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn normalize_space(s: &str) -> String {
    s.split(xml_space).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn string(s: impl Into<Rc<str>>) -> Seq {
    vec![Item::Str(s.into())]
}

fn boolean(b: bool) -> Seq {
    vec![Item::Bool(b)]
}

fn integer(i: usize) -> Seq {
    vec![Item::Num(Number::Integer(i as i64))]
}

/// XPath's `round`: half up.
fn round_half_up(x: f64) -> f64 {
    if x.is_nan() || x.is_infinite() {
        x
    } else {
        (x + 0.5).floor()
    }
}

pub(super) fn call(ev: &mut Evaluator<'_, '_>, function: Function, args: &[Expr], focus: &Focus) -> R<Seq> {
    use Function::*;
    // the optional string argument, or the context item
    let string_arg = |ev: &mut Evaluator<'_, '_>, index: usize| -> R<Rc<str>> {
        match args.get(index) {
            Some(arg) => match ev.single_atom(arg, focus)? {
                None => Ok(Rc::from("")),
                Some(item) => atom_string(&item),
            },
            None => ev.string_of(&focus.item),
        }
    };
    Ok(match function {
        Not => boolean(!ev.boolean(&args[0], focus)?),
        Boolean => boolean(ev.boolean(&args[0], focus)?),
        True => boolean(true),
        False => boolean(false),
        Count => integer(ev.eval(&args[0], focus)?.len()),
        Exists => boolean(!ev.eval(&args[0], focus)?.is_empty()),
        Empty => boolean(ev.eval(&args[0], focus)?.is_empty()),
        String => match args.first() {
            None => string(ev.string_of(&focus.item)?),
            Some(arg) => {
                let value = ev.eval(arg, focus)?;
                match value.as_slice() {
                    [] => string(""),
                    [item] => string(ev.string_of(item)?),
                    _ => return Err(Unsupported("string() of several items (XPTY0004)")),
                }
            }
        },
        Data => ev.atomized(&args[0], focus)?,
        NormalizeSpace => string(normalize_space(&string_arg(ev, 0)?)),
        StringLength => integer(string_arg(ev, 0)?.chars().count()),
        Concat => {
            let mut out = std::string::String::new();
            for arg in args {
                if let Some(item) = ev.single_atom(arg, focus)? {
                    out.push_str(&atom_string(&item)?);
                }
            }
            string(out)
        }
        Contains => boolean(string_arg(ev, 0)?.contains(&*string_arg(ev, 1)?)),
        StartsWith => boolean(string_arg(ev, 0)?.starts_with(&*string_arg(ev, 1)?)),
        EndsWith => boolean(string_arg(ev, 0)?.ends_with(&*string_arg(ev, 1)?)),
        Substring => {
            let s = string_arg(ev, 0)?;
            let start = number_arg(ev, &args[1], focus)?;
            let length = match args.get(2) {
                Some(arg) => number_arg(ev, arg, focus)?,
                None => f64::INFINITY,
            };
            let from = round_half_up(start);
            let to = from + round_half_up(length);
            string(
                s.chars()
                    .enumerate()
                    .filter(|(i, _)| {
                        let p = (*i + 1) as f64;
                        p >= from && p < to
                    })
                    .map(|(_, c)| c)
                    .collect::<std::string::String>(),
            )
        }
        SubstringBefore => {
            let (s, t) = (string_arg(ev, 0)?, string_arg(ev, 1)?);
            string(s.find(&*t).map(|at| &s[..at]).unwrap_or(""))
        }
        SubstringAfter => {
            let (s, t) = (string_arg(ev, 0)?, string_arg(ev, 1)?);
            string(s.find(&*t).map(|at| &s[at + t.len()..]).unwrap_or(""))
        }
        Matches => {
            let s = string_arg(ev, 0)?;
            let pattern = string_arg(ev, 1)?;
            let flags = if args.len() > 2 { string_arg(ev, 2)? } else { Rc::from("") };
            boolean(regex(&pattern, &flags)?.is_match(&s))
        }
        Replace => {
            let s = string_arg(ev, 0)?;
            let pattern = string_arg(ev, 1)?;
            let replacement = string_arg(ev, 2)?;
            let flags = if args.len() > 3 { string_arg(ev, 3)? } else { Rc::from("") };
            let replaced = regex(&pattern, &flags)?
                .replace_all(&s, &replacement)
                .map_err(|_| Unsupported("replace() error (FORX0003/4)"))?;
            string(replaced)
        }
        Tokenize => {
            let s = string_arg(ev, 0)?;
            let pattern = string_arg(ev, 1)?;
            let flags = if args.len() > 2 { string_arg(ev, 2)? } else { Rc::from("") };
            if s.is_empty() {
                return Ok(Vec::new());
            }
            let re = regex(&pattern, &flags)?;
            let tokens = re.tokenize(&s).map_err(|_| Unsupported("tokenize() error (FORX0003)"))?;
            tokens.map(|t| Item::Str(Rc::from(t.as_str()))).collect()
        }
        LowerCase => string(string_arg(ev, 0)?.to_lowercase()),
        UpperCase => string(string_arg(ev, 0)?.to_uppercase()),
        Translate => {
            let (s, from, to) = (string_arg(ev, 0)?, string_arg(ev, 1)?, string_arg(ev, 2)?);
            let from: Vec<char> = from.chars().collect();
            let to: Vec<char> = to.chars().collect();
            string(
                s.chars()
                    .filter_map(|c| match from.iter().position(|&f| f == c) {
                        Some(i) => to.get(i).copied(),
                        None => Some(c),
                    })
                    .collect::<std::string::String>(),
            )
        }
        Number => {
            let item = match args.first() {
                Some(arg) => ev.single_atom(arg, focus)?,
                None => Some(match &focus.item {
                    Item::Node(n) => Item::Untyped(Rc::from(ev.xot().string_value(*n))),
                    other => other.clone(),
                }),
            };
            let value = match item {
                None => f64::NAN,
                Some(Item::Num(n)) => n.value(),
                Some(Item::Bool(b)) => f64::from(u8::from(b)),
                Some(Item::Str(s) | Item::Untyped(s)) => parse_double(&s).unwrap_or(f64::NAN),
                Some(Item::Node(_)) => f64::NAN,
            };
            vec![Item::Num(super::Number::Double(value))]
        }
        StringJoin => {
            let items = ev.atomized(&args[0], focus)?;
            let separator = if args.len() > 1 { string_arg(ev, 1)? } else { Rc::from("") };
            let parts: Vec<Rc<str>> = items.iter().map(atom_string).collect::<R<_>>()?;
            string(parts.iter().map(|p| &**p).collect::<Vec<&str>>().join(&separator))
        }
        Name | LocalName | NamespaceUri => {
            let node = match args.first() {
                Some(arg) => {
                    let value = ev.eval(arg, focus)?;
                    match value.as_slice() {
                        [] => return Ok(string("")),
                        [Item::Node(n)] => *n,
                        _ => return Err(Unsupported("a name of something other than one node (XPTY0004)")),
                    }
                }
                None => match &focus.item {
                    Item::Node(n) => *n,
                    _ => return Err(Unsupported("a name of an atomic value (XPTY0004)")),
                },
            };
            let xot = ev.xot();
            let name =
                xot.element(node).map(|e| e.name()).or_else(|| xot.attribute_node(node).map(|a| a.name()));
            let Some(name) = name else { return Ok(string("")) };
            match function {
                LocalName => string(xot.local_name_str(name)),
                NamespaceUri => string(xot.namespace_str(xot.namespace_for_name(name))),
                _ => {
                    let scope =
                        if xot.is_attribute_node(node) { xot.parent(node).unwrap_or(node) } else { node };
                    match xot.full_name(scope, name) {
                        Ok(full) => string(full),
                        Err(_) => return Err(Unsupported("a name without a prefix in scope")),
                    }
                }
            }
        }
        Position => integer(focus.position),
        Last => integer(focus.size),
        Sum => {
            let items = ev.atomized(&args[0], focus)?;
            if items.is_empty() {
                return match args.get(1) {
                    Some(zero) => ev.eval(zero, focus),
                    None => Ok(integer(0)),
                };
            }
            let mut total = super::Number::Integer(0);
            for item in &items {
                let n = match item {
                    Item::Num(n) => *n,
                    Item::Untyped(s) => super::Number::Double(
                        parse_double(s)
                            .ok_or(Unsupported("sum() of a value that is not a number (FORG0001)"))?,
                    ),
                    _ => return Err(Unsupported("sum() of a value that is not a number (FORG0006)")),
                };
                total = add(total, n)?;
            }
            vec![Item::Num(total)]
        }
        Round | Floor | Ceiling | Abs => match ev.single_atom(&args[0], focus)? {
            None => Vec::new(),
            Some(item) => {
                let n = match item {
                    Item::Num(n) => n,
                    Item::Untyped(s) => {
                        super::Number::Double(parse_double(&s).ok_or(Unsupported("not a number (FORG0001)"))?)
                    }
                    _ => return Err(Unsupported("not a number (XPTY0004)")),
                };
                let f = |x: f64| match function {
                    Round => round_half_up(x),
                    Floor => x.floor(),
                    Ceiling => x.ceil(),
                    _ => x.abs(),
                };
                vec![Item::Num(match n {
                    super::Number::Integer(i) if function == Abs => {
                        super::Number::Integer(i.checked_abs().ok_or(Unsupported("integer overflow"))?)
                    }
                    super::Number::Integer(i) => super::Number::Integer(i),
                    super::Number::Decimal(d) => super::Number::Decimal(f(d)),
                    super::Number::Double(d) => super::Number::Double(f(d)),
                })]
            }
        },
        DistinctValues => {
            let items = ev.atomized(&args[0], focus)?;
            let mut out: Seq = Vec::new();
            for item in items {
                let seen = out.iter().any(|o| same_value(o, &item));
                if !seen {
                    out.push(item);
                }
            }
            out
        }
        Current => vec![Item::Node(ev.current)],
        ExactlyOne | ZeroOrOne | OneOrMore => {
            let value = ev.eval(&args[0], focus)?;
            let ok = match function {
                ExactlyOne => value.len() == 1,
                ZeroOrOne => value.len() <= 1,
                _ => !value.is_empty(),
            };
            if !ok {
                return Err(Unsupported("cardinality check failed (FORG0003-5)"));
            }
            value
        }
        Root => {
            let node = match args.first() {
                Some(arg) => match ev.eval(arg, focus)?.as_slice() {
                    [] => return Ok(Vec::new()),
                    [Item::Node(n)] => *n,
                    _ => return Err(Unsupported("root() of something other than one node")),
                },
                None => match &focus.item {
                    Item::Node(n) => *n,
                    _ => return Err(Unsupported("root() of an atomic value")),
                },
            };
            let xot = ev.xot();
            let mut at = node;
            while let Some(parent) = xot.parent(at) {
                at = parent;
            }
            vec![Item::Node(at)]
        }
        Reverse => {
            let mut value = ev.eval(&args[0], focus)?;
            value.reverse();
            value
        }
        Subsequence => {
            let value = ev.eval(&args[0], focus)?;
            let start = round_half_up(number_arg(ev, &args[1], focus)?);
            let end = match args.get(2) {
                Some(arg) => start + round_half_up(number_arg(ev, arg, focus)?),
                None => f64::INFINITY,
            };
            value
                .into_iter()
                .enumerate()
                .filter(|(i, _)| {
                    let p = (*i + 1) as f64;
                    p >= start && p < end
                })
                .map(|(_, item)| item)
                .collect()
        }
        IndexOf => {
            let items = ev.atomized(&args[0], focus)?;
            let Some(wanted) = ev.single_atom(&args[1], focus)? else {
                return Err(Unsupported("index-of() of an empty sequence (XPTY0004)"));
            };
            items
                .iter()
                .enumerate()
                .filter(|(_, item)| same_value(item, &wanted))
                .map(|(i, _)| Item::Num(super::Number::Integer(i as i64 + 1)))
                .collect()
        }
        Min | Max => {
            let items = ev.atomized(&args[0], focus)?;
            if items.is_empty() {
                return Ok(Vec::new());
            }
            // numbers only (untyped values as doubles): strings would need a collation
            let mut best: Option<f64> = None;
            let mut any_double = false;
            for item in &items {
                let value = match item {
                    Item::Num(n) => {
                        any_double |= matches!(n, super::Number::Double(_));
                        n.value()
                    }
                    Item::Untyped(s) => {
                        any_double = true;
                        parse_double(s).ok_or(Unsupported("min/max of a value that is not a number"))?
                    }
                    _ => return Err(Unsupported("min/max of values other than numbers")),
                };
                if value.is_nan() {
                    best = Some(f64::NAN);
                    break;
                }
                best = Some(match best {
                    None => value,
                    Some(b) if function == Min => b.min(value),
                    Some(b) => b.max(value),
                });
            }
            let value = best.unwrap_or(f64::NAN);
            if !any_double {
                return Err(Unsupported("min/max of integers and decimals (type kept)"));
            }
            vec![Item::Num(super::Number::Double(value))]
        }
        Doc | DocAvailable => {
            let Some(reference) = ev.single_atom(&args[0], focus)? else {
                return if function == Doc { Ok(Vec::new()) } else { Ok(boolean(false)) };
            };
            // the store holds the value sets found when the schema was compiled, and nothing
            // else: as in xee, a document is available when it is there
            let node = (ev.env.docs)(&atom_string(&reference)?);
            match (function, node) {
                (Doc, Some(node)) => vec![Item::Node(node)],
                (Doc, None) => return Err(Unsupported("a document that is not among the loaded value sets")),
                (_, found) => boolean(found.is_some()),
            }
        }
        ToString => match ev.single_atom(&args[0], focus)? {
            None => Vec::new(),
            Some(item) => string(atom_string(&item)?),
        },
        ToInteger | ToDecimal | ToDouble | ToBoolean => match ev.single_atom(&args[0], focus)? {
            None => Vec::new(),
            Some(item) => vec![cast(function, &item)?],
        },
    })
}

/// `eq` between two atomic values for `distinct-values` and `index-of` (values of types
/// that cannot be compared are simply different).
fn same_value(a: &Item, b: &Item) -> bool {
    match (a, b) {
        (Item::Num(x), Item::Num(y)) => x.value() == y.value(),
        (Item::Bool(x), Item::Bool(y)) => x == y,
        (Item::Str(x) | Item::Untyped(x), Item::Str(y) | Item::Untyped(y)) => x == y,
        _ => false,
    }
}

fn add(a: Number, b: Number) -> R<Number> {
    Ok(match (a, b) {
        (Number::Integer(x), Number::Integer(y)) => {
            Number::Integer(x.checked_add(y).ok_or(Unsupported("integer overflow"))?)
        }
        (Number::Double(_), _) | (_, Number::Double(_)) => Number::Double(a.value() + b.value()),
        _ => Number::Decimal(a.value() + b.value()),
    })
}

/// A number argument: empty gives NaN (as `substring` and `subsequence` define).
fn number_arg(ev: &mut Evaluator<'_, '_>, arg: &Expr, focus: &Focus) -> R<f64> {
    match ev.single_atom(arg, focus)? {
        None => Err(Unsupported("an empty number argument (XPTY0004)")),
        Some(Item::Num(n)) => Ok(n.value()),
        Some(Item::Untyped(s)) => parse_double(&s).ok_or(Unsupported("not a number (FORG0001)")),
        Some(_) => Err(Unsupported("not a number (XPTY0004)")),
    }
}

/// `xs:integer(x)`, `xs:decimal(x)`, `xs:double(x)`, `xs:boolean(x)`.
fn cast(function: Function, item: &Item) -> R<Item> {
    let failed = Unsupported("a cast that fails (FORG0001)");
    Ok(match (function, item) {
        (Function::ToBoolean, Item::Bool(b)) => Item::Bool(*b),
        (Function::ToBoolean, Item::Num(n)) => Item::Bool(ebv(&[Item::Num(*n)])?),
        (Function::ToBoolean, Item::Str(s) | Item::Untyped(s)) => match s.trim_matches(xml_space) {
            "true" | "1" => Item::Bool(true),
            "false" | "0" => Item::Bool(false),
            _ => return Err(failed),
        },
        (Function::ToDouble, Item::Num(n)) => Item::Num(Number::Double(n.value())),
        (Function::ToDouble, Item::Str(s) | Item::Untyped(s)) => {
            Item::Num(Number::Double(parse_double(s).ok_or(failed)?))
        }
        (Function::ToInteger, Item::Num(n)) => {
            let v = n.value();
            if !v.is_finite() || v.abs() >= i64::MAX as f64 {
                return Err(failed);
            }
            Item::Num(Number::Integer(v.trunc() as i64))
        }
        (Function::ToInteger, Item::Str(s) | Item::Untyped(s)) => {
            let t = s.trim_matches(xml_space);
            let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(failed);
            }
            Item::Num(Number::Integer(t.parse().map_err(|_| Unsupported("integer out of range"))?))
        }
        (Function::ToDecimal, Item::Num(n)) => {
            let v = n.value();
            if !v.is_finite() {
                return Err(failed);
            }
            Item::Num(Number::Decimal(v))
        }
        (Function::ToDecimal, Item::Str(s) | Item::Untyped(s)) => {
            let t = s.trim_matches(xml_space);
            let body = t.strip_prefix(['+', '-']).unwrap_or(t);
            let (int, frac) = body.split_once('.').unwrap_or((body, ""));
            let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
            if int.len() + frac.len() == 0 || !digits(int) || !digits(frac) {
                return Err(failed);
            }
            Item::Num(Number::Decimal(t.parse().map_err(|_| failed)?))
        }
        (Function::ToDouble | Function::ToInteger | Function::ToDecimal, Item::Bool(b)) => {
            let v = f64::from(u8::from(*b));
            Item::Num(match function {
                Function::ToInteger => Number::Integer(v as i64),
                Function::ToDecimal => Number::Decimal(v),
                _ => Number::Double(v),
            })
        }
        _ => return Err(Unsupported("a cast this evaluator does not model")),
    })
}
