//! Dates and times as the documents write them: HL7 timestamps with the Paris offset of
//! the day, UTC for XDS metadata, day-precision dates, and French display forms.

use chrono::{NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Europe::Paris;

/// A date and time in Paris written as HL7 `TS` with its UTC offset: `+0100` in winter,
/// `+0200` in summer, as French documents carry them.
pub(crate) fn hl7_time(local: NaiveDateTime) -> String {
    let offset_seconds = Paris
        .offset_from_local_datetime(&local)
        .earliest()
        .unwrap_or_else(|| Paris.offset_from_utc_datetime(&local))
        .fix()
        .local_minus_utc();
    let sign = if offset_seconds < 0 { '-' } else { '+' };
    let minutes = offset_seconds.abs() / 60;
    format!("{}{sign}{:02}{:02}", local.format("%Y%m%d%H%M%S"), minutes / 60, minutes % 60)
}

/// The same instant in UTC without offset, as XDS metadata times are written.
pub(crate) fn xds_time(local: NaiveDateTime) -> String {
    match Paris.from_local_datetime(&local).earliest() {
        Some(paris) => paris.naive_utc().format("%Y%m%d%H%M%S").to_string(),
        None => local.format("%Y%m%d%H%M%S").to_string(),
    }
}

/// A date at day precision (`birthTime`, problem dates).
pub(crate) fn hl7_date(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// `12/03/2024`, as narrative text shows dates.
pub(crate) fn fr_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// `12/03/2024 à 08h15`.
pub(crate) fn fr_date_time(local: NaiveDateTime) -> String {
    local.format("%d/%m/%Y à %Hh%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|date| date.and_hms_opt(h, min, 0)).unwrap()
    }

    #[test]
    fn paris_offset_follows_daylight_saving_time() {
        // 2024: summer time from Sunday 31 March to Sunday 27 October.
        assert_eq!(hl7_time(at(2024, 3, 30, 8, 15)), "20240330081500+0100");
        assert_eq!(hl7_time(at(2024, 4, 1, 8, 15)), "20240401081500+0200");
        assert_eq!(hl7_time(at(2024, 10, 26, 8, 15)), "20241026081500+0200");
        assert_eq!(hl7_time(at(2024, 10, 28, 8, 15)), "20241028081500+0100");
    }

    #[test]
    fn xds_times_are_utc() {
        assert_eq!(xds_time(at(2024, 3, 12, 8, 15)), "20240312071500");
        assert_eq!(xds_time(at(2024, 7, 12, 8, 15)), "20240712061500");
    }
}
