//! Which UCUM units a series may mix, and by what factor: the same base quantity with other
//! metric prefixes (`mg/dL` and `g/L`, `µmol/L` and `mmol/L`, `10*9/L` and `G/L`).
//!
//! Nothing else is converted: `mmol/L` and `g/L` of glucose need the molar mass, and `%` is
//! not `/L` — such series are shown apart, never drawn on one axis.

/// A unit split into a numeric factor and its base (`mg/dL` → 0.01 × `g/L`).
#[derive(Debug, Clone, PartialEq)]
pub struct Scaled {
    pub factor: f64,
    /// The base units, numerator then denominator (`g/L`).
    pub base: String,
}

/// Base units a prefix may stand before: mass, volume, amount, catalytic activity, units,
/// length, time.
const BASES: [&str; 12] = ["g", "L", "l", "mol", "eq", "kat", "U", "[IU]", "[iU]", "m", "s", "Pa"];

/// Prefixes of the SI, as UCUM writes them (`u` for micro; `µ` as some documents write it).
const PREFIXES: [(&str, f64); 14] = [
    ("f", 1e-15),
    ("p", 1e-12),
    ("n", 1e-9),
    ("u", 1e-6),
    ("µ", 1e-6),
    ("μ", 1e-6),
    ("m", 1e-3),
    ("c", 1e-2),
    ("d", 1e-1),
    ("da", 1e1),
    ("h", 1e2),
    ("k", 1e3),
    ("M", 1e6),
    ("G", 1e9),
];

/// A unit of arbitrary count written by its power of ten: `10*9`, `10^9`, `10.E9`.
fn power_of_ten(term: &str) -> Option<f64> {
    let exponent = term
        .strip_prefix("10*")
        .or_else(|| term.strip_prefix("10^"))
        .or_else(|| term.strip_prefix("10.E"))
        .or_else(|| term.strip_prefix("10E"))?;
    let e: i32 = exponent.parse().ok()?;
    (-24..=24).contains(&e).then(|| 10f64.powi(e))
}

/// One term of a unit (no `/`): `mg` → (1e-3, `g`); `10*9` → (1e9, ``); `G` alone → (1e9, ``).
fn term(text: &str) -> Option<(f64, String)> {
    if text.is_empty() || text == "1" {
        return Some((1.0, String::new()));
    }
    if let Some(f) = power_of_ten(text) {
        return Some((f, String::new()));
    }
    // Products of a count and a base (`10*3.U`) are rare in lab reports; not converted.
    if BASES.contains(&text) {
        return Some((1.0, normalise_base(text)));
    }
    for (prefix, factor) in PREFIXES {
        if let Some(rest) = text.strip_prefix(prefix) {
            if BASES.contains(&rest) {
                return Some((factor, normalise_base(rest)));
            }
        }
    }
    // `G/L`, `T/L` in French haematology stand for 10*9/L and 10*12/L.
    match text {
        "T" => Some((1e12, String::new())),
        _ => None,
    }
}

fn normalise_base(base: &str) -> String {
    match base {
        "l" => "L".to_owned(),
        "[iU]" => "[IU]".to_owned(),
        other => other.to_owned(),
    }
}

/// The unit as a factor and a base, when it is made of known terms; `None` otherwise
/// (such a unit only ever goes with itself).
pub fn scale(unit: &str) -> Option<Scaled> {
    let unit = unit.trim();
    if unit.is_empty() || unit.contains(['{', ' ']) {
        return None;
    }
    let mut parts = unit.split('/');
    let numerator = parts.next()?;
    let denominator = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let (nf, nb) = if numerator == "G" { (1e9, String::new()) } else { term(numerator)? };
    let (df, db) = match denominator {
        Some(d) => term(d)?,
        None => (1.0, String::new()),
    };
    if nb.is_empty() && db.is_empty() && denominator.is_none() {
        // A bare count (`10*9`) is not a unit one compares.
        return None;
    }
    Some(Scaled { factor: nf / df, base: format!("{nb}/{db}") })
}

/// The factor that turns a value in `from` into a value in `to`, when the two measure the
/// same thing: `factor("mg/dL", "g/L") == Some(0.01)`. Identical units always convert (×1).
pub fn factor(from: &str, to: &str) -> Option<f64> {
    if from.trim() == to.trim() {
        return Some(1.0);
    }
    let (a, b) = (scale(from)?, scale(to)?);
    (a.base == b.base).then(|| a.factor / b.factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| ((a - b) / b).abs() < 1e-9)
    }

    #[test]
    fn prefixes_of_one_base_convert() {
        assert!(close(factor("mg/dL", "g/L"), 0.01));
        assert!(close(factor("g/L", "mg/L"), 1000.0));
        assert!(close(factor("umol/L", "mmol/L"), 0.001));
        assert!(close(factor("µmol/L", "mmol/L"), 0.001));
        assert!(close(factor("10*9/L", "G/L"), 1.0));
        assert!(close(factor("10*3/uL", "10*9/L"), 1.0));
        assert!(close(factor("mU/L", "U/L"), 0.001));
        assert!(close(factor("m[IU]/L", "[IU]/L"), 0.001));
        assert!(close(factor("fL", "pL"), 0.001));
    }

    #[test]
    fn different_quantities_never_convert() {
        assert_eq!(factor("mmol/L", "g/L"), None);
        assert_eq!(factor("%", "/L"), None);
        assert_eq!(factor("{ratio}", "1"), None);
        assert_eq!(factor("mm[Hg]", "kPa"), None);
        assert_eq!(factor("s", "%"), None);
    }

    #[test]
    fn a_unit_goes_with_itself_even_unknown() {
        assert_eq!(factor("{cells}/uL", "{cells}/uL"), Some(1.0));
        assert_eq!(factor("%", "%"), Some(1.0));
    }
}
