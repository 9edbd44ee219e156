use super::*;

// ----- patients -----------------------------------------------------------------------

#[test]
fn patient_kinds_come_from_the_root_oid() {
    let cases = [
        ("1.2.250.1.213.1.4.8", PatientIdKind::InsNir, true),
        ("1.2.250.1.213.1.4.9", PatientIdKind::InsNia, true),
        ("1.2.250.1.213.1.4.10", PatientIdKind::InsNirTest, true),
        ("1.2.250.1.213.1.4.11", PatientIdKind::InsNirDemo, true),
        ("1.2.250.1.213.1.4.13", PatientIdKind::Nir, false),
        ("1.2.250.1.213.1.4.14", PatientIdKind::Nia, false),
        // The IPP placeholder root of the ANS examples.
        ("1.2.3.4.567.8.9.10", PatientIdKind::Local, false),
        ("1.2.250.1.213.1.4.1", PatientIdKind::Local, false),
        ("", PatientIdKind::Local, false),
        (" 1.2.250.1.213.1.4.10 ", PatientIdKind::InsNirTest, true),
    ];
    for (root, kind, ins) in cases {
        assert_eq!((patient_id_kind(root), patient_id_kind(root).is_ins()), (kind, ins), "{root:?}");
    }
}

#[test]
fn every_patient_kind_but_local_has_an_oid_that_maps_back_to_it() {
    for (oid, kind) in PATIENT_ROOTS {
        assert_eq!(kind.oid(), Some(oid));
        assert_eq!(patient_id_kind(oid), kind);
        assert!(kind.has_nir_key());
    }
    assert_eq!(PatientIdKind::Local.oid(), None);
}

#[test]
fn patient_kinds_have_labels_and_serialize_in_kebab_case() {
    assert_eq!(PatientIdKind::InsNirTest.label_fr(), "INS-NIR de test");
    assert_eq!(PatientIdKind::InsNir.label_en(), "INS-NIR (national health identifier)");
    let json = serde_json::to_value(PatientIdKind::InsNirDemo).ok();
    assert_eq!(json, Some(serde_json::json!("ins-nir-demo")));
}

#[track_caller]
fn check_key(value: &str, expected_key: u8, key_ok: bool) {
    let check = check_nir(value);
    assert!(check.well_formed, "{value:?}: {:?}", check.problem);
    assert_eq!((check.expected_key, check.key_ok), (Some(expected_key), key_ok), "{value:?}");
    assert_eq!(check.problem.is_none(), key_ok, "{value:?}: {:?}", check.problem);
}

#[test]
fn nir_keys_of_the_corpus_ins() {
    // 2790351215189 mod 97 = 8 → key 97 − 8 = 89 (the test INS of most ANS examples).
    check_key("279035121518989", 89, true);
    // 2770763220829 mod 97 = 87 → key 10.
    check_key("277076322082910", 10, true);
    // Made-up numbers in other ANS examples, whose keys are wrong:
    // 2760592050628 mod 97 = 14 → 83, written 65.
    check_key("276059205062865", 83, false);
    // 2221275056112 mod 97 = 50 → 47, written 01.
    check_key("222127505611201", 47, false);
    // 2210425456114 mod 97 = 14 → 83, written 04.
    check_key("221042545611404", 83, false);
    // 2240275115835 mod 97 = 85 → 12, written 55.
    check_key("224027511583555", 12, false);
}

#[test]
fn nir_key_for_corsica_counts_2a_as_19_and_2b_as_18() {
    // 185022A004123 → 1850219004123 = 97 × 19074422722 + 89 → key 97 − 89 = 08.
    check_key("185022A00412308", 8, true);
    // 269032B045123 → 2690318045123 = 97 × 27735237578 + 57 → key 40.
    check_key("269032B04512340", 40, true);
    // Same digits as the 2A case in 2B: 1850218004123 mod 97 = 62 → 35, so 08 is wrong.
    check_key("185022B00412308", 35, false);
    assert_eq!(check_nir("185022A00412308").department.as_deref(), Some("2A"));
}

#[test]
fn nir_key_can_be_97() {
    // 1990599123456 = 97 × 20521640448 exactly → remainder 0 → key 97.
    check_key("199059912345697", 97, true);
}

#[test]
fn nir_digits_are_explained() {
    let check = check_nir("279035121518989");
    assert_eq!(
        (check.sex_digit, check.birth_year, check.birth_month, check.department.as_deref(), check.given_key),
        (Some(2), Some(79), Some(3), Some("51"), Some(89))
    );
    // Overseas departments have three digits.
    assert_eq!(check_nir("189119710501272").department.as_deref(), Some("971"));
    // A month code outside 01-12 means the month was unknown.
    assert_eq!(check_nir("189209710501272").birth_month, None);
}

#[track_caller]
fn check_malformed(value: &str, expected: &str) {
    let check = check_nir(value);
    assert!(!check.well_formed && !check.key_ok, "{value:?} accepted");
    let problem = check.problem.unwrap_or_default();
    assert!(problem.contains(expected), "{value:?}: {problem:?}");
}

#[test]
fn malformed_nirs_say_why() {
    check_malformed("27903512151898", "has 14 characters");
    check_malformed("2790351215189899", "has 16 characters");
    check_malformed("", "has 0 characters");
    check_malformed("2 79 03 51 215 189 89", "has 21 characters");
    check_malformed("2790351215189 9", "unexpected character ' ' at position 14");
    check_malformed("27903512151898X", "unexpected character 'X' at position 15");
    check_malformed("185022a00412308", "unexpected character 'a' at position 7");
    check_malformed("18502A200412308", "unexpected character 'A' at position 6");
    check_malformed("2790351215189é9", "unexpected character 'é'");
}

#[test]
fn surrounding_whitespace_is_ignored() {
    assert!(check_nir(" 279035121518989\n").key_ok);
}

#[test]
fn odd_values_never_panic() {
    let long = "9".repeat(100_000);
    for value in [
        "",
        "2",
        "99999999999999999",
        "999999999999999",
        "000000000000000",
        "2A2A2A2A2A2A2A2",
        "ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ",
        "12345２A1234567",
        "\u{0}\u{0}",
        &long,
    ] {
        let result = std::panic::catch_unwind(|| {
            let _ = check_nir(value);
            let _ = practitioner_id(OID_PS_NATIONAL, value);
            let _ = organization_id(OID_STRUCTURE_NATIONAL, value);
        });
        assert!(result.is_ok(), "panicked on {value:?}");
    }
}

// ----- professionals ------------------------------------------------------------------

fn ps(extension: &str) -> PractitionerId {
    match practitioner_id(OID_PS_NATIONAL, extension) {
        Some(id) => id,
        None => panic!("{extension:?} should be read as a national PS id"),
    }
}

#[test]
fn rpps_with_its_8_prefix() {
    // The fictitious RPPS of the ANS examples: 0123456789 + Luhn digit 7.
    let id = ps("801234567897");
    assert_eq!(
        (id.kind, id.prefix, id.number.as_str(), id.meaning_fr),
        (PractitionerIdKind::Rpps, '8', "01234567897", "N° RPPS")
    );
    assert_eq!((id.format_ok, id.key_ok, id.problem), (true, Some(true), None));
    assert_eq!(ps("810002422979").key_ok, Some(true));
}

#[test]
fn rpps_with_a_wrong_check_digit() {
    let id = ps("801234567898");
    assert_eq!((id.format_ok, id.key_ok), (true, Some(false)));
    assert_eq!(
        id.problem.as_deref(),
        Some(
            "the check digit of an RPPS number \"01234567898\" is 8 but its other digits \
             call for 7 (Luhn)"
        )
    );
}

#[test]
fn rpps_of_the_wrong_length() {
    let id = ps("8011234567897");
    assert!(!id.format_ok);
    assert_eq!(id.key_ok, None);
    assert!(id.problem.is_some_and(|p| p.contains("expected 11 digits, found 12 characters")));
}

#[test]
fn rpps_without_its_prefix_is_recognised() {
    // Read as prefix 1 (ADELI practice / number), which needs a '/'.
    let id = ps("10100997245");
    assert_eq!((id.kind, id.format_ok), (PractitionerIdKind::Other, false));
    assert!(id.problem.is_some_and(|p| p.ends_with("an RPPS number written without its '8' prefix")));
}

#[test]
fn adeli_numbers() {
    let id = ps("0123456789");
    assert_eq!(
        (id.kind, id.number.as_str(), id.format_ok, id.key_ok),
        (PractitionerIdKind::Adeli, "123456789", true, None)
    );
    assert!(ps("00B1057294").format_ok);
    let wrong = ps("01234567897");
    assert!(!wrong.format_ok);
    assert!(wrong.problem.is_some_and(|p| p.contains("found 10")));
    // A 9-character value under another prefix is likely a bare ADELI number.
    assert!(ps("648238549")
        .problem
        .is_some_and(|p| p.contains("ADELI number written without its '0' prefix")));
}

#[test]
fn structure_and_local_number() {
    // 5 + SIRET of the CNAM (Luhn-valid) + '/' + its own number (an OID here).
    let id = ps("518003502400041/1.2.250.1.215.1.2");
    assert_eq!(
        (id.kind, id.meaning_en, id.format_ok, id.key_ok),
        (PractitionerIdKind::Other, "SIRET / local registration number", true, Some(true))
    );
    assert_eq!(ps("3750803447/12345").key_ok, Some(true));
    assert_eq!(ps("6anything/1").key_ok, None);
    assert!(!ps("5180035024/").format_ok);
    assert!(!ps("3750803447").format_ok);
}

#[test]
fn unknown_ps_prefix() {
    let id = ps("787987897987");
    assert_eq!((id.kind, id.format_ok), (PractitionerIdKind::Other, false));
    assert!(id.problem.is_some_and(|p| p.contains("prefix '7'")));
}

#[test]
fn other_roots_and_empty_extensions_are_not_ps_ids() {
    assert_eq!(practitioner_id(OID_STRUCTURE_NATIONAL, "801234567897"), None);
    assert_eq!(practitioner_id(OID_PS_NATIONAL, "  "), None);
}

// ----- structures ---------------------------------------------------------------------

fn org(extension: &str) -> OrganizationId {
    match organization_id(OID_STRUCTURE_NATIONAL, extension) {
        Some(id) => id,
        None => panic!("{extension:?} should be read as a national structure id"),
    }
}

#[test]
fn finess_with_a_valid_key() {
    // 75080344 + Luhn digit 7.
    let id = org("1750803447");
    assert_eq!(
        (id.kind, id.number.as_str(), id.format_ok, id.key_ok),
        (OrganizationIdKind::Finess, "750803447", true, Some(true))
    );
}

#[test]
fn finess_with_a_wrong_key() {
    // 12045987 calls for 0; the ANS examples' laboratory writes 6.
    let id = org("1120459876");
    assert_eq!((id.format_ok, id.key_ok), (true, Some(false)));
    assert!(id.problem.is_some_and(|p| p.contains("call for 0")));
}

#[test]
fn corsican_finess_is_accepted_without_key_check() {
    let id = org("12A0000154");
    assert_eq!((id.format_ok, id.key_ok), (true, None));
}

#[test]
fn finess_without_its_prefix_is_recognised() {
    let id = org("101235555");
    assert!(!id.format_ok);
    assert!(id.problem.is_some_and(|p| p.contains("a FINESS number written without its '1' prefix")));
}

#[test]
fn siren_and_siret() {
    // 80123456 calls for the Luhn digit 8; the ANS examples' pharmacy writes 7.
    let siren = org("2801234568");
    assert_eq!((siren.kind, siren.key_ok), (OrganizationIdKind::Siren, Some(true)));
    assert_eq!(org("2801234567").key_ok, Some(false));
    // SIRET of the CNAM and of the CNOP.
    let siret = org("318003502400041");
    assert_eq!(
        (siret.kind, siret.meaning_fr, siret.key_ok),
        (OrganizationIdKind::Siret, "SIRET", Some(true))
    );
    assert_eq!(org("378435954900010").key_ok, Some(true));
    assert!(!org("2801234567897").format_ok);
}

#[test]
fn la_poste_sirets_use_the_sum_of_digits() {
    // 3+5+6+1+2+3+4+6 = 30, a multiple of 5 (Luhn would call for 2).
    assert_eq!(org("335600000012346").key_ok, Some(true));
    assert_eq!(org("335600000012345").key_ok, Some(false));
    // The head office is Luhn-valid.
    assert_eq!(org("335600000000048").key_ok, Some(true));
}

#[test]
fn practice_ids_are_kept_without_checks() {
    let adeli = org("00B105729400");
    assert_eq!(
        (adeli.kind, adeli.number.as_str(), adeli.format_ok, adeli.key_ok),
        (OrganizationIdKind::AdeliCabinet, "0B105729400", true, None)
    );
    assert_eq!(org("4123").kind, OrganizationIdKind::RppsCabinet);
    assert!(!org("4").format_ok);
}

#[test]
fn a_professional_rpps_under_the_structure_root_is_flagged() {
    let id = org("801234567897");
    assert_eq!((id.kind, id.format_ok), (OrganizationIdKind::Other, false));
    assert!(id.problem.is_some_and(|p| p.contains("use root 1.2.250.1.71.4.2.1")));
}

#[test]
fn structure_ids_serialize_in_kebab_case() {
    let json = serde_json::to_value(org("1750803447")).ok();
    let expected = serde_json::json!({
        "kind": "finess", "prefix": "1", "number": "750803447", "meaning_fr": "FINESS",
        "meaning_en": "FINESS number", "format_ok": true, "key_ok": true
    });
    assert_eq!(json, Some(expected));
    let kind = serde_json::to_value(OrganizationIdKind::RppsCabinet).ok();
    assert_eq!(kind, Some(serde_json::json!("rpps-cabinet")));
}

#[test]
fn luhn_helpers() {
    assert_eq!(luhn_check_digit("0123456789"), Some(7));
    assert_eq!(luhn_check_digit("12a"), None);
    assert!(luhn_valid("01234567897"));
    assert!(!luhn_valid("01234567898"));
    assert!(!luhn_valid("7"));
    assert!(!luhn_valid(""));
    assert!(!luhn_valid("0é"));
}
