use super::*;

fn ts(raw: &str) -> Timestamp {
    match Timestamp::parse(raw) {
        Ok(ts) => ts,
        Err(e) => panic!("{raw:?} should parse: {e}"),
    }
}

/// Parses `raw` and checks its precision, ISO form and French display.
#[track_caller]
fn check(raw: &str, precision: Precision, iso: &str, display: &str) {
    let t = ts(raw);
    assert_eq!(
        (t.precision(), t.to_iso().as_str(), t.display().as_str()),
        (precision, iso, display),
        "for {raw:?}"
    );
}

/// Checks that `raw` is refused with a message containing `expected`.
#[track_caller]
fn check_error(raw: &str, expected: &str) {
    match Timestamp::parse(raw) {
        Ok(t) => panic!("{raw:?} should be refused, parsed as {t:?}"),
        Err(e) => assert!(
            e.message.contains(expected),
            "for {raw:?}: {:?} does not contain {expected:?}",
            e.message
        ),
    }
}

#[test]
fn each_precision_is_kept_and_nothing_is_invented() {
    check("2021", Precision::Year, "2021", "2021");
    check("202104", Precision::Month, "2021-04", "04/2021");
    check("20210401", Precision::Day, "2021-04-01", "01/04/2021");
    check("2021040117", Precision::Hour, "2021-04-01T17", "01/04/2021 17h");
    check("202104011710", Precision::Minute, "2021-04-01T17:10", "01/04/2021 17:10");
    check("20210401171005", Precision::Second, "2021-04-01T17:10:05", "01/04/2021 17:10:05");
    check("20210401171005.25", Precision::Fraction, "2021-04-01T17:10:05.25", "01/04/2021 17:10:05,25");
}

#[test]
fn components_below_the_precision_are_absent() {
    let year = ts("1979");
    assert_eq!((year.year(), year.month(), year.day(), year.hour()), (1979, None, None, None));
    let minute = ts("202104011710");
    assert_eq!((minute.day(), minute.minute(), minute.second()), (Some(1), Some(10), None));
}

#[test]
fn a_summer_utc_time_is_shown_two_hours_later_in_paris() {
    check("20210701120000+0000", Precision::Second, "2021-07-01T12:00:00+00:00", "01/07/2021 14:00");
}

#[test]
fn a_winter_utc_time_is_shown_one_hour_later_in_paris() {
    check("20210115120000+0000", Precision::Second, "2021-01-15T12:00:00+00:00", "15/01/2021 13:00");
}

#[test]
fn a_winter_offset_written_in_summer_is_converted_to_summer_time() {
    // Paris switched to +02:00 on 28/03/2021: +0100 on 1 April is an hour behind.
    check("202104011710+0100", Precision::Minute, "2021-04-01T17:10+01:00", "01/04/2021 18:10");
    check("202104011710+0200", Precision::Minute, "2021-04-01T17:10+02:00", "01/04/2021 17:10");
}

#[test]
fn conversion_can_change_the_day_and_year() {
    // 23:30 at -05:00 is 04:30 UTC on 1 January, 05:30 in Paris.
    check("202112312330-0500", Precision::Minute, "2021-12-31T23:30-05:00", "01/01/2022 05:30");
}

#[test]
fn a_time_without_offset_is_shown_as_written() {
    let t = ts("202107011200");
    assert_eq!((t.display().as_str(), t.offset(), t.utc()), ("01/07/2021 12:00", None, None));
}

#[test]
fn dates_are_never_converted_even_with_an_offset() {
    check("20210401+1400", Precision::Day, "2021-04-01", "01/04/2021");
}

#[test]
fn an_hour_is_converted_only_by_whole_hours() {
    check("2021070112+0000", Precision::Hour, "2021-07-01T12+00:00", "01/07/2021 14h");
    // +05:30 → Paris would be 08:30, finer than the hour written: shown as written.
    check("2021070112+0530", Precision::Hour, "2021-07-01T12+05:30", "01/07/2021 12h");
}

#[test]
fn seconds_are_shown_when_not_zero() {
    check("20210701120005+0200", Precision::Second, "2021-07-01T12:00:05+02:00", "01/07/2021 12:00:05");
}

#[test]
fn fractions_keep_their_digits() {
    check(
        "20210401171005.25+0100",
        Precision::Fraction,
        "2021-04-01T17:10:05.25+01:00",
        "01/04/2021 18:10:05,25",
    );
    check("20210401171005.0025", Precision::Fraction, "2021-04-01T17:10:05.0025", "01/04/2021 17:10:05,0025");
    let utc = ts("20210401171005.5+0000").utc().map(|u| u.timestamp_subsec_millis());
    assert_eq!(utc, Some(500));
}

#[test]
fn utc_needs_a_minute_and_an_offset() {
    assert_eq!(ts("20210401+0100").utc(), None);
    assert_eq!(ts("2021040117+0100").utc(), None);
    assert_eq!(ts("202104011710").utc(), None);
    let utc = ts("202104011710+0200").utc().map(|u| u.to_rfc3339());
    assert_eq!(utc.as_deref(), Some("2021-04-01T15:10:00+00:00"));
}

#[test]
fn surrounding_whitespace_is_ignored_and_not_kept() {
    let t = ts(" \n20210401\t ");
    assert_eq!((t.raw(), t.display().as_str()), ("20210401", "01/04/2021"));
}

#[test]
fn offsets_up_to_fourteen_hours_are_accepted() {
    check("202104011710+1400", Precision::Minute, "2021-04-01T17:10+14:00", "01/04/2021 05:10");
    check("202104011710-1200", Precision::Minute, "2021-04-01T17:10-12:00", "02/04/2021 07:10");
    // A year with a negative offset looks like an ISO date but is a valid TS.
    check("2021-0400", Precision::Year, "2021", "2021");
}

#[test]
fn leap_years_follow_the_gregorian_rules() {
    check("20240229", Precision::Day, "2024-02-29", "29/02/2024");
    check("20000229", Precision::Day, "2000-02-29", "29/02/2000");
    check_error("20230229", "day 29 is out of range in \"20230229\": February 2023 has 28 days");
    check_error("19000229", "February 1900 has 28 days");
    check_error("20210431", "April 2021 has 30 days");
}

#[test]
fn invalid_values_are_refused_with_a_message_saying_why() {
    check_error("20211301", "month 13 is out of range (1-12) in \"20211301\"");
    check_error("20210001", "month 0 is out of range");
    check_error("20210400", "day 0 is out of range");
    check_error("2021040124", "hour 24 is out of range (0-23)");
    check_error("202104011760", "minute 60 is out of range (0-59)");
    check_error("20210401171060", "second 60 is out of range (0-59; leap seconds are not accepted)");
    check_error(
        "2021-04-01",
        "\"2021-04-01\" is not an HL7 timestamp: expected YYYYMMDDHHMMSS±ZZZZ without separators",
    );
    check_error("2021-04-01T17:10:00+01:00", "without separators");
    check_error("01/04/2021", "without separators");
    check_error("20210401 1710", "without separators");
    check_error("", "empty timestamp");
    check_error("   ", "empty timestamp");
    check_error("20210", "has 5 digits before the fraction and offset");
    check_error("2", "has 1 digit before");
    check_error("2021040117100", "has 13 digits");
    check_error("2021x401", "unexpected character 'x'");
    check_error("2021é401", "unexpected character 'é'");
    check_error("+0100", "has a UTC offset but no date");
    check_error("202104011710+01", "the UTC offset must be a sign and 4 digits");
    check_error("202104011710+01:00", "without separators");
    check_error("202104011710+1500", "offset +1500 is out of range");
    check_error("202104011710+1401", "UTC offsets go from -14:00 to +14:00");
    check_error("202104011710+0160", "offset minutes 60 are out of range");
    check_error("202104011710.5", "a fraction of a second must follow the seconds");
    check_error("20210401171005.", "1 to 4 digits");
    check_error("20210401171005.12345", "1 to 4 digits");
    check_error("20210401171005,25", "unexpected character ','");
}

#[test]
fn long_values_are_cut_in_messages() {
    let long = "9".repeat(10_000);
    let message = Timestamp::parse(&long).map(|_| ()).unwrap_err().message;
    assert!(message.len() < 300, "{message}");
    assert!(message.contains("(10000 characters)"), "{message}");
}

#[test]
fn odd_inputs_never_panic() {
    let long_digits = "1".repeat(100_000);
    let long_offset = format!("2021+{}", "9".repeat(50_000));
    let inputs = [
        "",
        "2",
        "20",
        "202",
        "20210",
        "2021013",
        "+0100",
        "-0100",
        "+",
        "-",
        ".",
        "..",
        "2021.",
        ".5",
        "2021+",
        "2021-",
        "2021+0",
        "2021++0100",
        "20210401171005.+0100",
        "20210401171005..5",
        "99999999999999",
        "00000000",
        "00000101",
        "00001231235959.9999+1400",
        "99991231235959.9999-1400",
        "2021\u{0}401",
        "２０２１",
        "2021é",
        "é2021",
        "\u{feff}2021",
        "20210401\u{2003}",
        "𝟚𝟘𝟚𝟙",
        "NaN",
        "nullFlavor",
        "2021-",
        "+0100+0100",
        "2021-04",
        "20210229",
        "2021040117+",
        "2021040117-99999",
        &long_digits,
        &long_offset,
    ];
    for input in inputs {
        let result = std::panic::catch_unwind(|| {
            if let Ok(t) = Timestamp::parse(input) {
                let _ = (t.to_iso(), t.display(), t.utc(), t.sort_key());
            }
        });
        assert!(result.is_ok(), "panicked on {input:?}");
    }
}

#[test]
fn extreme_but_valid_values_render() {
    check("00000101", Precision::Day, "0000-01-01", "01/01/0000");
    check(
        "99991231235959.9999-1400",
        Precision::Fraction,
        "9999-12-31T23:59:59.9999-14:00",
        // 13:59:59 UTC on 1 January 10000, Paris winter time (+01:00).
        "01/01/10000 14:59:59,9999",
    );
}

#[test]
fn sort_key_orders_mixed_precisions_chronologically() {
    let mut values = vec![
        "20210101",
        "2022",
        "20201231233000+0000", // 31/12/2020 23:30 UTC = 01/01/2021 00:30 in Paris
        "2021",                // 01/01/2021 00:00 Paris = 31/12/2020 23:00 UTC
        "202012",
        "2020",
        "202101010000+0100", // the same instant as "2021", finer
        "20201231",
    ];
    values.sort_by_key(|raw| ts(raw).sort_key());
    assert_eq!(
        values,
        [
            "2020",
            "202012",
            "20201231",
            "2021",
            "20210101",
            "202101010000+0100",
            "20201231233000+0000",
            "2022",
        ]
    );
}

#[test]
fn sort_key_without_offset_takes_paris_time() {
    // 16:00 in Paris (summer) is 14:00 UTC: before 15:10 UTC.
    assert!(ts("202104011600").sort_key() < ts("202104011710+0200").sort_key());
}

#[test]
fn serializes_raw_iso_precision_and_display() {
    let json = serde_json::to_value(ts("20210401")).ok();
    let expected = serde_json::json!({
        "raw": "20210401", "iso": "2021-04-01", "precision": "day", "display": "01/04/2021"
    });
    assert_eq!(json, Some(expected));
}

#[test]
fn interval_serializes_only_what_was_written() {
    let interval = Interval { low: Some(ts("2021")), ..Interval::default() };
    let json = serde_json::to_value(&interval).ok();
    let expected = serde_json::json!({
        "low": { "raw": "2021", "iso": "2021", "precision": "year", "display": "2021" }
    });
    assert_eq!(json, Some(expected));
}

#[track_caller]
fn check_interval(low: Option<&str>, high: Option<&str>, center: Option<&str>, expected: &str) {
    let interval = Interval { low: low.map(ts), high: high.map(ts), center: center.map(ts), value: None };
    assert_eq!(interval.display(), expected);
}

#[test]
fn interval_display_in_french() {
    check_interval(Some("20210401"), Some("20210403"), None, "du 01/04/2021 au 03/04/2021");
    check_interval(Some("20210401"), None, None, "depuis le 01/04/2021");
    check_interval(None, Some("20210403"), None, "jusqu'au 03/04/2021");
    check_interval(Some("2020"), Some("2021"), None, "de 2020 à 2021");
    check_interval(Some("2020"), None, None, "depuis 2020");
    check_interval(None, Some("2021"), None, "jusqu'en 2021");
    check_interval(
        Some("202104010800+0200"),
        Some("202104011030+0200"),
        None,
        "le 01/04/2021 de 08:00 à 10:30",
    );
    check_interval(Some("20210401"), Some("20210401"), None, "01/04/2021");
    check_interval(None, None, Some("20210401"), "vers le 01/04/2021");
    check_interval(None, None, None, "");
    assert_eq!(Interval::point(ts("20210401")).display(), "01/04/2021");
    assert!(Interval::default().is_empty());
}

#[test]
fn interval_display_in_english() {
    let en = |low: Option<&str>, high: Option<&str>, center: Option<&str>| {
        Interval { low: low.map(ts), high: high.map(ts), center: center.map(ts), value: None }.display_en()
    };
    assert_eq!(en(Some("20210401"), Some("20210403"), None), "from 01/04/2021 to 03/04/2021");
    assert_eq!(en(Some("20210401"), None, None), "since 01/04/2021");
    assert_eq!(en(None, Some("2021"), None), "until 2021");
    assert_eq!(
        en(Some("202104010800+0200"), Some("202104011030+0200"), None),
        "on 01/04/2021 from 08:00 to 10:30"
    );
    assert_eq!(en(Some("20210401"), Some("20210401"), None), "01/04/2021");
    assert_eq!(en(None, None, Some("20210401")), "around 01/04/2021");
    assert_eq!(en(None, None, None), "");
}
