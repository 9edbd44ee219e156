//! The forms of single metadata values: XDS times, language tags, split URIs.

/// A long URI may be split into numbered values (`1|http://…`, `2|…`).
pub(crate) fn join_uri(values: &[String]) -> Option<String> {
    let numbered = values.len() > 1
        && values.iter().all(|v| v.split_once('|').is_some_and(|(n, _)| n.parse::<u32>().is_ok()));
    if numbered {
        let mut parts: Vec<(u32, &str)> = values
            .iter()
            .filter_map(|v| v.split_once('|').and_then(|(n, rest)| Some((n.parse().ok()?, rest))))
            .collect();
        parts.sort_by_key(|(n, _)| *n);
        return Some(parts.into_iter().map(|(_, p)| p).collect());
    }
    values.first().cloned()
}

/// Why a value is not an XDS time (`YYYY[MM[DD[hh[mm[ss]]]]]`, UTC, no offset).
pub(crate) fn time_problem(value: &str) -> Option<String> {
    if value.contains(['+', '-']) && value.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Some(format!("\"{value}\" has a UTC offset: XDS times are written in UTC, without one"));
    }
    match crate::model::time::Timestamp::parse(value) {
        Ok(ts) if ts.precision() <= crate::model::time::Precision::Second => None,
        Ok(_) => Some(format!("\"{value}\" has a fraction of a second: XDS times stop at the second")),
        Err(error) => Some(error.message),
    }
}

/// Why a language code is not a tag such as `fr-FR`.
pub(crate) fn language_problem(tag: &str) -> Option<String> {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok = primary.len() == 2 && primary.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        return None;
    }
    let why = if primary.len() == 3 && primary.chars().all(|c| c.is_ascii_alphabetic()) {
        format!(
            ": \"{primary}\" is a three-letter ISO 639-2 code, meant for languages with no two-letter one"
        )
    } else {
        String::new()
    };
    Some(format!(
        "languageCode \"{tag}\" is not a language tag such as \"fr-FR\"{why}; expected a two-letter \
         ISO 639-1 language, optionally with a region"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xds_times_are_utc_without_offset() {
        assert_eq!(time_problem("20240116151112"), None);
        assert_eq!(time_problem("2024"), None);
        assert!(time_problem("20240116151112+0100").unwrap().contains("UTC offset"));
        assert!(time_problem("2024-01-16").is_some());
        assert!(time_problem("202401161").is_some());
    }

    #[test]
    fn language_tags() {
        assert_eq!(language_problem("fr-FR"), None);
        assert_eq!(language_problem("en-us"), None);
        assert!(language_problem("art").unwrap().contains("ISO 639-2"));
        assert!(language_problem("français").is_some());
    }

    #[test]
    fn long_uris_are_joined_in_order() {
        let parts = ["2|/b".to_string(), "1|http://a".to_string()];
        assert_eq!(join_uri(&parts).as_deref(), Some("http://a/b"));
        assert_eq!(join_uri(&["DOC0001.XML".to_string()]).as_deref(), Some("DOC0001.XML"));
    }
}
