//! HL7 V3 timestamps (`TS`) and intervals (`IVL_TS`), kept at the precision they were written
//! with.
//!
//! A CDA date says exactly as much as its author knew: `birthTime value="1979"` means "some time
//! in 1979", not 1979-01-01T00:00. A [`Timestamp`] therefore keeps its [`Precision`] and never
//! invents a month, a day or midnight; every rendering ([`Timestamp::to_iso`],
//! [`Timestamp::display`]) stops where the author stopped.
//!
//! The UTC offset is kept when written (`+0100`); without one the time is "local, offset
//! unknown". French users read times in Europe/Paris, so [`Timestamp::display`] converts an
//! instant whose offset is known into Paris time, and shows a time without offset as written.
//!
//! Parsing never panics: any input either gives a [`Timestamp`] or a [`TimeError`] whose
//! message says what is wrong and what was expected.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Paris;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// The grammar of an HL7 TS, quoted in error messages.
const TS_GRAMMAR: &str = "YYYY[MM[DD[HH[MM[SS[.S{1,4}]]]]]][+|-ZZzz]";

/// The largest UTC offset accepted, in minutes (±14:00, the widest offset in use on Earth).
const MAX_OFFSET_MINUTES: i32 = 14 * 60;

/// How much of a timestamp was written: the last component present.
///
/// Ordered from the coarsest to the finest, so `precision >= Precision::Minute` reads as "at
/// least to the minute".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    /// `YYYY`
    Year,
    /// `YYYYMM`
    Month,
    /// `YYYYMMDD`
    Day,
    /// `YYYYMMDDHH`
    Hour,
    /// `YYYYMMDDHHMM`
    Minute,
    /// `YYYYMMDDHHMMSS`
    Second,
    /// `YYYYMMDDHHMMSS.S` to `YYYYMMDDHHMMSS.SSSS`
    Fraction,
}

/// Why a string is not an HL7 timestamp, in words a person can act on (the value, what is
/// wrong in it, and what was expected). The caller attaches the source span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TimeError {
    /// The whole explanation, e.g. `month 13 is out of range (1-12) in "20211301"`.
    pub message: String,
}

impl TimeError {
    fn new(message: String) -> Self {
        Self { message }
    }
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TimeError {}

/// The fraction of a second as written: `.25` is 25 over 2 digits, `.0025` is 25 over 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Fraction {
    value: u16,
    digits: u8,
}

impl Fraction {
    fn nanos(self) -> u32 {
        u32::from(self.value) * 10u32.pow(9 - u32::from(self.digits))
    }
}

/// An HL7 V3 point in time (`TS`), e.g. `effectiveTime`, `birthTime`, `time`.
///
/// Components finer than [`Timestamp::precision`] are absent: the accessors return `None` for
/// them. The offset is `None` when the value did not give one, which means "local time, offset
/// unknown" (in French documents, almost always Paris time).
///
/// Serialized as `{ "raw", "iso", "precision", "display" }` so that presenters need no date
/// logic of their own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    raw: crate::model::str::Str,
    precision: Precision,
    year: u16,
    // Components below the precision hold their smallest value and are never shown.
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    fraction: Option<Fraction>,
    offset_minutes: Option<i16>,
}

impl Timestamp {
    /// Parses an HL7 TS value, `YYYY[MM[DD[HH[MM[SS[.S{1,4}]]]]]][+|-ZZzz]`.
    ///
    /// Whitespace around the value is ignored; anything else that does not follow the grammar
    /// (ISO separators, out-of-range components, an offset beyond ±14:00, a second of 60) is an
    /// error. Never panics.
    pub fn parse(input: &str) -> Result<Timestamp, TimeError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(TimeError::new(format!("empty timestamp: expected an HL7 timestamp {TS_GRAMMAR}")));
        }
        if looks_separated(s) {
            return Err(TimeError::new(format!(
                "{} is not an HL7 timestamp: expected YYYYMMDDHHMMSS±ZZZZ without separators",
                quote(s)
            )));
        }

        // The sign of the offset is the only '+' or '-' a TS may hold (several were refused
        // above as separators).
        let (datetime, offset_text) = match s.bytes().position(|b| b == b'+' || b == b'-') {
            Some(at) => (&s[..at], Some(&s[at..])),
            None => (s, None),
        };
        if datetime.is_empty() {
            return Err(TimeError::new(format!(
                "{} has a UTC offset but no date: expected {TS_GRAMMAR}",
                quote(s)
            )));
        }
        let (digits, fraction_text) = match datetime.bytes().position(|b| b == b'.') {
            Some(at) => (&datetime[..at], Some(&datetime[at + 1..])),
            None => (datetime, None),
        };
        if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(TimeError::new(format!(
                "unexpected character {bad:?} in {}: an HL7 timestamp is digits ({TS_GRAMMAR})",
                quote(s)
            )));
        }

        let precision = match digits.len() {
            4 => Precision::Year,
            6 => Precision::Month,
            8 => Precision::Day,
            10 => Precision::Hour,
            12 => Precision::Minute,
            14 => Precision::Second,
            n => {
                return Err(TimeError::new(format!(
                    "{} has {n} digit{} before the fraction and offset: an HL7 timestamp has 4 \
                     (year), 6 (month), 8 (day), 10 (hour), 12 (minute) or 14 (second)",
                    quote(s),
                    if n == 1 { "" } else { "s" }
                )))
            }
        };

        // `digits` is ASCII digits only: every slice is on a char boundary and parses.
        let field = |from: usize, to: usize| -> u16 {
            let bytes = digits.as_bytes().get(from..to).unwrap_or_default();
            bytes.iter().fold(0, |n, b| n * 10 + u16::from(b - b'0'))
        };
        let year = field(0, 4);
        let component = |from: usize, to: usize, present: bool, default: u8| -> u8 {
            if present {
                u8::try_from(field(from, to)).unwrap_or(u8::MAX)
            } else {
                default
            }
        };
        let month = component(4, 6, precision >= Precision::Month, 1);
        let day = component(6, 8, precision >= Precision::Day, 1);
        let hour = component(8, 10, precision >= Precision::Hour, 0);
        let minute = component(10, 12, precision >= Precision::Minute, 0);
        let second = component(12, 14, precision >= Precision::Second, 0);

        if !(1..=12).contains(&month) {
            return Err(out_of_range("month", month, "1-12", s));
        }
        let month_days = days_in_month(year, month);
        if !(1..=month_days).contains(&day) {
            return Err(TimeError::new(format!(
                "day {day} is out of range in {}: {} {year} has {month_days} days",
                quote(s),
                MONTH_NAMES_EN[usize::from(month - 1)]
            )));
        }
        if hour > 23 {
            return Err(out_of_range("hour", hour, "0-23", s));
        }
        if minute > 59 {
            return Err(out_of_range("minute", minute, "0-59", s));
        }
        if second > 59 {
            return Err(out_of_range("second", second, "0-59; leap seconds are not accepted", s));
        }

        let fraction = match fraction_text {
            None => None,
            Some(_) if precision != Precision::Second => {
                return Err(TimeError::new(format!(
                    "{}: a fraction of a second must follow the seconds (YYYYMMDDHHMMSS.S)",
                    quote(s)
                )))
            }
            Some(f) => {
                let ok = (1..=4).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit());
                if !ok {
                    return Err(TimeError::new(format!(
                        "{}: the fraction of a second must be 1 to 4 digits after the '.'",
                        quote(s)
                    )));
                }
                Some(Fraction { value: f.parse().unwrap_or(0), digits: u8::try_from(f.len()).unwrap_or(4) })
            }
        };
        let precision = if fraction.is_some() { Precision::Fraction } else { precision };

        let offset_minutes = match offset_text {
            None => None,
            Some(text) => Some(parse_offset(text, s)?),
        };

        Ok(Timestamp {
            raw: s.into(),
            precision,
            year,
            month,
            day,
            hour,
            minute,
            second,
            fraction,
            offset_minutes,
        })
    }

    /// The value as written (without surrounding whitespace).
    pub fn raw(&self) -> &str {
        self.raw.as_str()
    }

    /// How much of the timestamp was written.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The year, always written (0-9999).
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month (1-12), when written.
    pub fn month(&self) -> Option<u8> {
        self.component(Precision::Month, self.month)
    }

    /// The day of the month, when written.
    pub fn day(&self) -> Option<u8> {
        self.component(Precision::Day, self.day)
    }

    /// The hour (0-23) as written, when written (not converted to Paris time).
    pub fn hour(&self) -> Option<u8> {
        self.component(Precision::Hour, self.hour)
    }

    /// The minute as written, when written.
    pub fn minute(&self) -> Option<u8> {
        self.component(Precision::Minute, self.minute)
    }

    /// The second as written, when written.
    pub fn second(&self) -> Option<u8> {
        self.component(Precision::Second, self.second)
    }

    /// The UTC offset as written; `None` means local time with an unknown offset.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset_minutes.and_then(|m| FixedOffset::east_opt(i32::from(m) * 60))
    }

    fn component(&self, needed: Precision, value: u8) -> Option<u8> {
        (self.precision >= needed).then_some(value)
    }

    /// ISO 8601 at the written precision: `2021`, `2021-04`, `2021-04-01`,
    /// `2021-04-01T17+01:00`, `2021-04-01T17:10+01:00`, `2021-04-01T17:10:05.25+01:00`, and
    /// without offset `2021-04-01T17:10`.
    ///
    /// ISO 8601 has no offset on a date alone, so an offset written on a value coarser than the
    /// hour is left out here (it stays in [`Timestamp::raw`]).
    pub fn to_iso(&self) -> String {
        let mut out = format!("{:04}", self.year);
        if self.precision >= Precision::Month {
            out.push_str(&format!("-{:02}", self.month));
        }
        if self.precision >= Precision::Day {
            out.push_str(&format!("-{:02}", self.day));
        }
        if self.precision >= Precision::Hour {
            out.push_str(&format!("T{:02}", self.hour));
        }
        if self.precision >= Precision::Minute {
            out.push_str(&format!(":{:02}", self.minute));
        }
        if self.precision >= Precision::Second {
            out.push_str(&format!(":{:02}", self.second));
        }
        if let Some(fraction) = self.fraction {
            out.push('.');
            out.push_str(&fraction_digits(fraction));
        }
        if self.precision >= Precision::Hour {
            if let Some(minutes) = self.offset_minutes {
                out.push_str(&format_offset(minutes));
            }
        }
        out
    }

    /// The timestamp for a French reader: `2021`, `04/2021`, `01/04/2021`, `01/04/2021 17h`,
    /// `01/04/2021 17:10`, `01/04/2021 17:10:05`, `01/04/2021 17:10:05,25`.
    ///
    /// Times are shown in Europe/Paris: when the value carries an offset that differs from
    /// Paris's at that instant (`20210701120000+0000`), the instant is converted
    /// (`01/07/2021 14:00`). A time without offset is shown as written, and so is one whose
    /// conversion would change a component finer than the precision (an hour written with a
    /// `+0530` offset). Dates alone are never converted. Seconds are shown only when not zero,
    /// since most software writes a time to the minute as `HHMM00`.
    pub fn display(&self) -> String {
        match self.precision {
            Precision::Year => return format!("{:04}", self.year),
            Precision::Month => return format!("{:02}/{:04}", self.month, self.year),
            Precision::Day => return format!("{:02}/{:02}/{:04}", self.day, self.month, self.year),
            _ => {}
        }
        let (date, hour, minute, second) = match self.in_paris() {
            Some(local) => (
                format!("{:02}/{:02}/{:04}", local.day(), local.month(), local.year()),
                local.hour(),
                local.minute(),
                local.second(),
            ),
            None => (
                format!("{:02}/{:02}/{:04}", self.day, self.month, self.year),
                u32::from(self.hour),
                u32::from(self.minute),
                u32::from(self.second),
            ),
        };
        match (self.precision, self.fraction) {
            (Precision::Hour, _) => format!("{date} {hour:02}h"),
            (_, Some(fraction)) => {
                format!("{date} {hour:02}:{minute:02}:{second:02},{}", fraction_digits(fraction))
            }
            (Precision::Second, None) if second != 0 => {
                format!("{date} {hour:02}:{minute:02}:{second:02}")
            }
            _ => format!("{date} {hour:02}:{minute:02}"),
        }
    }

    /// The written time converted to Paris, when the offset is known and the conversion keeps
    /// the precision (shifts by whole units of it).
    fn in_paris(&self) -> Option<NaiveDateTime> {
        let fixed = self.fixed_datetime()?;
        let paris = fixed.with_timezone(&Paris);
        let shift = paris.offset().fix().local_minus_utc() - fixed.offset().local_minus_utc();
        let unit = match self.precision {
            Precision::Hour => 3600,
            Precision::Minute => 60,
            _ => 1,
        };
        (shift % unit == 0).then(|| paris.naive_local())
    }

    /// The written components as a naive date-time, missing ones at their smallest value.
    fn naive_earliest(&self) -> Option<NaiveDateTime> {
        let nanos = self.fraction.map_or(0, Fraction::nanos);
        NaiveDate::from_ymd_opt(i32::from(self.year), u32::from(self.month), u32::from(self.day))?
            .and_hms_nano_opt(u32::from(self.hour), u32::from(self.minute), u32::from(self.second), nanos)
    }

    fn fixed_datetime(&self) -> Option<DateTime<FixedOffset>> {
        let offset = self.offset()?;
        offset.from_local_datetime(&self.naive_earliest()?).single()
    }

    /// The instant in UTC, only when it is known to the minute or better with its offset;
    /// `None` for a date alone or a time without offset (which would need a guess).
    pub fn utc(&self) -> Option<DateTime<Utc>> {
        if self.precision < Precision::Minute {
            return None;
        }
        self.fixed_datetime().map(|dt| dt.with_timezone(&Utc))
    }

    /// A key that sorts timestamps of mixed precision chronologically: the earliest instant
    /// the value can denote (Unix seconds, nanoseconds), then the precision so that `2021`
    /// comes before `20210101`.
    ///
    /// The written offset is applied when known; without one the time is taken as Paris time
    /// (the earlier instant when the clock goes back, the standard offset inside the hour
    /// skipped in spring).
    pub fn sort_key(&self) -> (i64, u32, Precision) {
        let instant = self.fixed_datetime().map(|dt| dt.with_timezone(&Utc)).or_else(|| {
            let naive = self.naive_earliest()?;
            let in_paris = Paris.from_local_datetime(&naive).earliest().or_else(|| {
                let standard = Paris.offset_from_utc_datetime(&naive).fix();
                standard.from_local_datetime(&naive).single().map(|dt| dt.with_timezone(&Paris))
            })?;
            Some(in_paris.with_timezone(&Utc))
        });
        match instant {
            Some(utc) => (utc.timestamp(), utc.timestamp_subsec_nanos(), self.precision),
            // Unreachable for a parsed value; keeps the function total.
            None => (i64::MIN, 0, self.precision),
        }
    }
}

impl FromStr for Timestamp {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Timestamp", 4)?;
        out.serialize_field("raw", self.raw.as_str())?;
        out.serialize_field("iso", &self.to_iso())?;
        out.serialize_field("precision", &self.precision)?;
        out.serialize_field("display", &self.display())?;
        out.end()
    }
}

impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let precision = generator.subschema_for::<Precision>();
        schemars::json_schema!({
            "description": "An HL7 timestamp: as written, in ISO 8601 at its own precision, and displayed in Europe/Paris.",
            "type": "object",
            "required": ["raw", "iso", "precision", "display"],
            "properties": {
                "raw": { "type": "string", "description": "The value as written in the document." },
                "iso": { "type": "string", "description": "ISO 8601, keeping the precision (\"2021\", \"2021-04-01T17:10+01:00\")." },
                "precision": precision,
                "display": { "type": "string", "description": "For French readers, in Europe/Paris (\"01/04/2021 18:10\")." }
            }
        })
    }
}

/// An HL7 V3 interval of time (`IVL_TS`): `<effectiveTime><low/><high/></effectiveTime>`, a
/// center, or a single point written as `<effectiveTime value="…"/>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Interval {
    /// The start (`<low value=…>`); absent when open or unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Timestamp>,
    /// The end (`<high value=…>`); absent when open or unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Timestamp>,
    /// The middle (`<center value=…>`), given instead of bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub center: Option<Timestamp>,
    /// The `value` attribute: the interval is a single point in time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Timestamp>,
}

impl Interval {
    /// An interval written as a single value (`<effectiveTime value="…"/>`).
    pub fn point(value: Timestamp) -> Self {
        Self { value: Some(value), ..Self::default() }
    }

    /// True when no bound, center or value is present (e.g. only a nullFlavor was written).
    pub fn is_empty(&self) -> bool {
        self.low.is_none() && self.high.is_none() && self.center.is_none() && self.value.is_none()
    }

    /// The interval in French: `01/04/2021`, `du 01/04/2021 au 03/04/2021`,
    /// `le 01/04/2021 de 08:00 à 10:30`, `depuis le 01/04/2021`, `jusqu'au 03/04/2021`,
    /// `de 2020 à 2021`, `vers le 01/04/2021`; empty when nothing is given.
    pub fn display(&self) -> String {
        if let Some(value) = &self.value {
            return value.display();
        }
        match (&self.low, &self.high) {
            (Some(low), Some(high)) => {
                let (from, to) = (low.display(), high.display());
                if from == to {
                    return from;
                }
                let same_day = match (from.split_once(' '), to.split_once(' ')) {
                    (Some((day_from, time_from)), Some((day_to, time_to))) if day_from == day_to => {
                        Some(format!("le {day_from} de {time_from} à {time_to}"))
                    }
                    _ => None,
                };
                same_day.unwrap_or_else(|| {
                    let start = if low.precision >= Precision::Day { "du" } else { "de" };
                    let end = if high.precision >= Precision::Day { "au" } else { "à" };
                    format!("{start} {from} {end} {to}")
                })
            }
            (Some(low), None) => format!("depuis {}", with_article(low, "le ", "")),
            (None, Some(high)) => {
                if high.precision >= Precision::Day {
                    format!("jusqu'au {}", high.display())
                } else {
                    format!("jusqu'en {}", high.display())
                }
            }
            (None, None) => match &self.center {
                Some(center) => format!("vers {}", with_article(center, "le ", "")),
                None => String::new(),
            },
        }
    }
}

impl Interval {
    /// The interval in English, as [`Interval::display`] writes it in French:
    /// `from 01/04/2021 to 03/04/2021`, `on 01/04/2021 from 08:00 to 10:30`, `since
    /// 01/04/2021`, `until 03/04/2021`, `around 01/04/2021`; empty when nothing is given.
    pub fn display_en(&self) -> String {
        if let Some(value) = &self.value {
            return value.display();
        }
        match (&self.low, &self.high) {
            (Some(low), Some(high)) => {
                let (from, to) = (low.display(), high.display());
                if from == to {
                    return from;
                }
                match (from.split_once(' '), to.split_once(' ')) {
                    (Some((day_from, time_from)), Some((day_to, time_to))) if day_from == day_to => {
                        format!("on {day_from} from {time_from} to {time_to}")
                    }
                    _ => format!("from {from} to {to}"),
                }
            }
            (Some(low), None) => format!("since {}", low.display()),
            (None, Some(high)) => format!("until {}", high.display()),
            (None, None) => match &self.center {
                Some(center) => format!("around {}", center.display()),
                None => String::new(),
            },
        }
    }
}

/// `le 01/04/2021` for a day or finer, `2021` / `04/2021` for coarser values.
fn with_article(ts: &Timestamp, day_article: &str, coarse_article: &str) -> String {
    let article = if ts.precision >= Precision::Day { day_article } else { coarse_article };
    format!("{article}{}", ts.display())
}

const MONTH_NAMES_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in a month (1-12) of the proleptic Gregorian calendar; 0 for an invalid month.
fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// ISO-style separators (`2021-04-01`, `17:10`, `T`, `/`, spaces) mean the writer used the
/// wrong format altogether, which deserves its own message. `2021-0400` (a year with a
/// negative offset) is a valid TS and is not caught here.
fn looks_separated(s: &str) -> bool {
    let bytes = s.as_bytes();
    let iso_date = bytes.len() >= 7
        && bytes[4] == b'-'
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes.get(7).is_none_or(|b| !b.is_ascii_digit());
    let mut signs = 0;
    for b in bytes {
        match b {
            b':' | b'T' | b'/' | b' ' => return true,
            b'+' | b'-' => signs += 1,
            _ => {}
        }
    }
    iso_date || signs >= 2
}

/// Parses `+HHMM` / `-HHMM` (the sign included) into minutes east of UTC.
fn parse_offset(text: &str, whole: &str) -> Result<i16, TimeError> {
    let bad_form = || {
        TimeError::new(format!(
            "{}: the UTC offset must be a sign and 4 digits (+HHMM or -HHMM), found {}",
            quote(whole),
            quote(text)
        ))
    };
    let (sign, digits) = text.split_at_checked(1).ok_or_else(bad_form)?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad_form());
    }
    let hours: i32 = digits[..2].parse().map_err(|_| bad_form())?;
    let minutes: i32 = digits[2..].parse().map_err(|_| bad_form())?;
    if minutes > 59 {
        return Err(TimeError::new(format!(
            "offset minutes {minutes} are out of range (0-59) in {}",
            quote(whole)
        )));
    }
    let total = hours * 60 + minutes;
    if total > MAX_OFFSET_MINUTES {
        return Err(TimeError::new(format!(
            "offset {text} is out of range in {}: UTC offsets go from -14:00 to +14:00",
            quote(whole)
        )));
    }
    let signed = if sign == "-" { -total } else { total };
    i16::try_from(signed).map_err(|_| bad_form())
}

fn out_of_range(what: &str, value: u8, range: &str, whole: &str) -> TimeError {
    TimeError::new(format!("{what} {value} is out of range ({range}) in {}", quote(whole)))
}

fn fraction_digits(fraction: Fraction) -> String {
    format!("{:0width$}", fraction.value, width = usize::from(fraction.digits))
}

fn format_offset(minutes: i16) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let abs = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", abs / 60, abs % 60)
}

/// The value in quotes for a message, cut to a readable length.
fn quote(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    if s.chars().count() <= MAX_CHARS {
        format!("{s:?}")
    } else {
        let head: String = s.chars().take(MAX_CHARS).collect();
        format!("{head:?}… ({} characters)", s.chars().count())
    }
}

#[cfg(test)]
mod tests;
