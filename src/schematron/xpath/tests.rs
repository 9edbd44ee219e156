//! The evaluator on small documents: XPath 2.0's rules where they are easy to get wrong
//! (untyped values in comparisons, positions on reverse axes, errors that must stop the
//! evaluation rather than give an answer).

use std::collections::HashMap;
use std::rc::Rc;

use super::*;

const XML: &str = r#"<doc xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <item n="1" code="a"/>
  <item n="2" code="b" nullFlavor="UNK"/>
  <item n="10" code="c">text <b>bold</b> tail</item>
  <value xsi:type="PQ" value="4.5" unit="mmol/L"/>
  <value xsi:type="ST" value="abc"/>
</doc>"#;

fn namespaces() -> HashMap<String, String> {
    [
        ("hl7", "urn:hl7-org:v3"),
        ("cda", "urn:hl7-org:v3"),
        ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
    ]
    .into_iter()
    .map(|(p, u)| (p.to_owned(), u.to_owned()))
    .collect()
}

/// Evaluates `text` from the document element (`$limit` is the string '2').
fn eval(text: &str) -> Result<bool, String> {
    let mut xot = xot::Xot::new();
    let root = xot.parse(XML).expect("test document");
    let element = xot.document_element(root).expect("element");
    let expr = parse(text, &namespaces()).map_err(|e| format!("refused: {e}"))?;
    let doc = Doc::new(root, crate::schematron::matcher::Index::new(&xot, root).elements_by_name());
    let vars = |name: &str| (name == "limit").then(|| Rc::new(vec![value::Item::Str(Rc::from("2"))]));
    let docs = |_: &str| None;
    let env = Env { xot: &xot, doc: &doc, vars: &vars, docs: &docs };
    eval_boolean(&env, &expr, element).map_err(|e| format!("unsupported: {}", e.0))
}

fn holds(text: &str) {
    assert_eq!(eval(text), Ok(true), "{text}");
}

fn fails(text: &str) {
    assert_eq!(eval(text), Ok(false), "{text}");
}

fn stops(text: &str) {
    let result = eval(text);
    assert!(result.as_ref().is_err_and(|e| e.starts_with("unsupported")), "{text}: {result:?}");
}

#[test]
fn paths_and_predicates() {
    holds("count(hl7:item) = 3");
    holds("hl7:item[2]/@code = 'b'");
    holds("hl7:item[last()]/@n = '10'");
    holds("hl7:item[@nullFlavor]/@n = 2");
    holds("count(//hl7:b) = 1 and //hl7:b/../@n = 10");
    holds("hl7:item[3]/hl7:b/ancestor::*[1]/@n = 10");
    holds("local-name(hl7:item[3]/hl7:b/ancestor::*[last()]) = 'doc'");
    holds("count(hl7:item[3]/preceding-sibling::hl7:item) = 2");
    holds("hl7:item[3]/preceding-sibling::hl7:item[1]/@n = 2");
    holds("count(descendant-or-self::*) = 7");
    holds("count(hl7:item/@*) = 7");
    holds("count(hl7:item[2]/(@* except @nullFlavor)) = 2");
    holds("hl7:item[3]/text()[1] = 'text '");
    holds("string(hl7:item[3]) = 'text bold tail'");
}

#[test]
fn comparisons_follow_xpath_2() {
    // an untyped attribute against a number compares as a number...
    holds("hl7:item/@n > 9");
    holds("hl7:value[1]/@value = 4.50");
    // ...against a string, as a string
    fails("hl7:item/@n > '9'");
    holds("hl7:item/@n = $limit");
    // existential over sequences
    holds("hl7:item/@code = ('x', 'c')");
    holds("hl7:item/@code != 'a'");
    // value comparisons take one item, untyped as a string
    holds("hl7:item[1]/@n eq '1'");
    stops("hl7:item/@n eq '1'");
    // an untyped value that is not a number, against a number, is an error (FORG0001)
    stops("hl7:value[2]/@value > 1");
    // a string against a number is a type error
    stops("'1' = 1");
}

#[test]
fn logic_short_circuits_as_saxon_does() {
    // the right operand would raise an error: never evaluated
    fails("false() and (hl7:value[2]/@value > 1)");
    holds("true() or (hl7:value[2]/@value > 1)");
    holds("if (hl7:missing) then (hl7:value[2]/@value > 1) else true()");
    holds("every $i in hl7:item satisfies $i/@code");
    fails("every $i in hl7:item satisfies $i/@nullFlavor");
    holds("some $i in hl7:item satisfies $i/@nullFlavor = 'UNK'");
    holds("every $x in () satisfies false()");
    holds("sum(for $i in hl7:item return xs:integer($i/@n)) = 13");
}

#[test]
fn functions() {
    holds("matches(hl7:value[1]/@unit, '^[a-z]+/L$')");
    holds("matches('ABC', 'abc', 'i')");
    fails("matches('a b', '^\\S+$')");
    holds("string-length(normalize-space('  a   b ')) = 3");
    holds("substring('12345', 2, 3) = '234'");
    holds("substring('12345', 1.5, 2.6) = '234'");
    holds("substring-before('a-b', '-') = 'a' and substring-after('a-b', '-') = 'b'");
    holds("translate('abc', 'ab', 'A') = 'Ac'");
    holds("concat('a', 1, true()) = 'a1true'");
    holds("string(1 div 2) = '0.5' and string(2 * 3) = '6'");
    holds("number('x') != number('x')");
    holds("local-name(hl7:item[1]) = 'item' and name(hl7:value[1]/@xsi:type) = 'xsi:type'");
    holds("string-join(hl7:item/@code, ',') = 'a,b,c'");
    holds("distinct-values(('a', 'b', 'a')) = 'b' and count(distinct-values(('a', 'b', 'a'))) = 2");
    holds("upper-case('é') = 'É'");
    holds("xs:decimal('1.50') = 1.5");
    stops("xs:integer('1.5')");
    stops("matches('a', '(')");
    // only the value sets loaded with the schema are available; doc() of another stops
    fails("doc-available('x.xml')");
    stops("doc('x.xml')");
}

#[test]
fn refused_when_outside_the_evaluator() {
    for text in ["@x castable as xs:integer", "resolve-QName(@xsi:type, .)", "a is b"] {
        assert!(eval(text).is_err_and(|e| e.starts_with("refused")), "{text}");
    }
}

#[test]
fn number_formatting() {
    use value::number_to_string as s;
    assert_eq!(s(Number::Integer(-3)), "-3");
    assert_eq!(s(Number::Decimal(2.5)), "2.5");
    assert_eq!(s(Number::Decimal(3.0)), "3");
    assert_eq!(s(Number::Double(1e6)), "1.0E6");
    assert_eq!(s(Number::Double(0.5)), "0.5");
    assert_eq!(s(Number::Double(f64::NAN)), "NaN");
}

// The parser: what it reads, and what it refuses with a reason.

#[test]
fn kit_tests_parse() {
    for text in [
        "cda:templateId[@root='1.2.250.1.213.1.1.1.1']",
        "count(hl7:id) = 1 and not(@nullFlavor)",
        "every $elm in descendant-or-self::* satisfies $elm[not(@nullFlavor) or (@nullFlavor and not(@* except (@xsi:type|@nullFlavor)))]",
        "../cda:act and (../cda:act/cda:code[@codeSystem = '2.16.840.1.113883.6.1'] or not(../cda:act/cda:code/@code))",
        "not(@qualifier) or (string-length(@qualifier) > 0 and not(matches(@qualifier, '\\s')))",
        "if (@x) then 1 else 2",
        "//hl7:recordTarget/hl7:patientRole/hl7:id/@root = '1.2.250.1.213.1.4.8'",
        "for $i in (1, 2) return $i * 2",
        "string-join(text(), '') != ''",
        "- 1 + +2 div 3 idiv 4 mod 5",
        "(: a comment :) . = 'x'",
        "a/(b | c)/@d",
        "$x-1 le 2",
    ] {
        parse(text, &namespaces()).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

#[test]
fn refusals_say_why() {
    for (text, why) in [
        ("unparsed-text('x.txt')", "unparsed-text"),
        ("a is b", "is"),
        ("@x instance of xs:string", "instance"),
        ("x:y", "undeclared prefix"),
        ("a[", "expected"),
        ("'open", "unterminated"),
        ("1 ! 2", "simple map"),
    ] {
        let refused = parse(text, &namespaces()).unwrap_err();
        assert!(refused.contains(why), "{text}: {refused}");
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let text = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    assert!(parse(&text, &namespaces()).unwrap_err().contains("nested"));
}

#[test]
fn double_slash_becomes_descendant() {
    let Expr::Path { steps, .. } = parse("//hl7:id[@root]", &namespaces()).unwrap() else { panic!() };
    assert!(matches!(steps.as_slice(), [Step::Axis { axis: Axis::Descendant, .. }]));
    // a positional predicate keeps the two steps
    let Expr::Path { steps, .. } = parse("//hl7:id[1]", &namespaces()).unwrap() else { panic!() };
    assert_eq!(steps.len(), 2);
}
