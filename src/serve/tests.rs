//! The HTTP API, exercised through the router as a browser would call it.

use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt as _;

use super::{router, CONTENT_SECURITY_POLICY};
use crate::session::Session;
use crate::xml::Limits;

const PORT: u16 = 4321;
const HOST: &str = "127.0.0.1:4321";

const DOCUMENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <title>Compte rendu</title>
  <component><structuredBody/></component>
</ClinicalDocument>
"#;

fn app() -> Router {
    app_with(Limits::default())
}

fn app_with(limits: Limits) -> Router {
    router(Arc::new(Mutex::new(Session::new(limits))), PORT)
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
    Answer { status, headers, body }
}

async fn get(app: &Router, uri: &str) -> Answer {
    send(app, Request::get(uri).header(header::HOST, HOST).body(Body::empty()).unwrap()).await
}

async fn upload(app: &Router, name: &str, bytes: &[u8]) -> Answer {
    let request = Request::post("/api/documents")
        .header(header::HOST, HOST)
        .header("x-file-name", name)
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn the_library_answers_a_query_with_rows_and_facets() {
    let app = app();
    upload(&app, "a.xml", DOCUMENT.as_bytes()).await;
    let request = Request::post("/api/library")
        .header(header::HOST, HOST)
        .header("content-type", "application/json")
        .body(Body::from(r#"{"bodies": ["structured"], "limit": 10}"#))
        .unwrap();
    let answer = send(&app, request).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json = answer.json();
    assert_eq!(json["total"], 1);
    assert_eq!(json["rows"][0]["source"]["name"], "a.xml");
    assert_eq!(json["facets"]["bodies"][0]["value"], "structured");
}

#[tokio::test]
async fn an_uploaded_document_is_listed_and_its_report_and_source_served() {
    let app = app();
    let created = upload(&app, "compte%20rendu.xml", DOCUMENT.as_bytes()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let entry = created.json()["entries"][0].clone();
    assert_eq!(entry["name"], "compte rendu.xml");
    let id = entry["id"].as_u64().unwrap();

    let list = get(&app, "/api/documents").await;
    assert_eq!(list.json()[0]["id"], id);

    let report = get(&app, &format!("/api/documents/{id}")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert_eq!(report.json()["kind"], "clinical-document");
    assert_eq!(report.header("cache-control"), "no-store");

    let source = get(&app, &format!("/api/documents/{id}/source")).await;
    assert_eq!(source.header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(source.text(), DOCUMENT);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = app();
    for uri in ["/", "/api/documents", "/api/documents/7", "/nothing-here"] {
        let answer = get(&app, uri).await;
        assert_eq!(answer.header("content-security-policy"), CONTENT_SECURITY_POLICY, "{uri}");
        assert_eq!(answer.header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(answer.header("referrer-policy"), "no-referrer", "{uri}");
    }
}

#[tokio::test]
async fn a_foreign_host_is_refused() {
    let app = app();
    for host in ["evil.example:4321", "127.0.0.1:9999", "localhost"] {
        let request = Request::get("/api/documents").header(header::HOST, host).body(Body::empty()).unwrap();
        let answer = send(&app, request).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{host}");
        assert_eq!(answer.header("content-security-policy"), CONTENT_SECURITY_POLICY);
    }
    let request = Request::get("/api/documents").body(Body::empty()).unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::FORBIDDEN, "no Host at all");
    let ok =
        Request::get("/api/documents").header(header::HOST, "localhost:4321").body(Body::empty()).unwrap();
    assert_eq!(send(&app, ok).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_request_from_another_origin_is_refused() {
    let app = app();
    let request = Request::post("/api/documents")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "https://evil.example")
        .header("x-file-name", "a.xml")
        .body(Body::from(DOCUMENT))
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, "/api/documents").await.json(), serde_json::json!([]));
    let same = Request::post("/api/documents")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "http://127.0.0.1:4321")
        .header("x-file-name", "a.xml")
        .body(Body::from(DOCUMENT))
        .unwrap();
    assert_eq!(send(&app, same).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404_with_a_message() {
    let app = app();
    let answer = get(&app, "/api/documents/3").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.json()["error"].as_str().unwrap().contains("no document #3"));
    assert_eq!(get(&app, "/api/documents/3/source").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/api/documents/0/attachments/0").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/api/files/etc/passwd").await.status, StatusCode::NOT_FOUND);
    // A path is never an id.
    assert_eq!(get(&app, "/api/documents/..%2Fetc%2Fpasswd").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn uploads_need_a_name_and_respect_the_size_limit() {
    let app = app_with(Limits { max_input_bytes: 64, ..Limits::default() });
    let nameless =
        Request::post("/api/documents").header(header::HOST, HOST).body(Body::from("<a/>")).unwrap();
    let answer = send(&app, nameless).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["error"].as_str().unwrap().contains("X-File-Name"));
    let big = upload(&app, "big.xml", &[b' '; 65]).await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(get(&app, "/api/documents").await.json(), serde_json::json!([]));
}

#[tokio::test]
async fn a_document_without_xml_source_says_why() {
    let app = app();
    let id = upload(&app, "scan.pdf", b"%PDF-1.4").await.json()["entries"][0]["id"].as_u64().unwrap();
    let answer = get(&app, &format!("/api/documents/{id}/source")).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.json()["error"].as_str().unwrap().contains("no XML source"));
}

#[tokio::test]
async fn a_bare_pdf_is_served_as_its_file_and_a_cda_is_not() {
    let app = app();
    let pdf = upload(&app, "scan.pdf", b"%PDF-1.4 pages").await.json()["entries"][0]["id"].as_u64().unwrap();
    let answer = get(&app, &format!("/api/documents/{pdf}/file")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.body, b"%PDF-1.4 pages");
    assert_eq!(answer.header("content-type"), "application/pdf");
    assert_eq!(answer.header("x-content-type-options"), "nosniff");

    let cda = upload(&app, "a.xml", DOCUMENT.as_bytes()).await.json()["entries"][0]["id"].as_u64().unwrap();
    let refused = get(&app, &format!("/api/documents/{cda}/file")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.json()["error"].as_str().unwrap().contains("not a PDF file"));
    assert_eq!(get(&app, "/api/documents/9/file").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_page_is_served_at_the_root() {
    let answer = get(&app(), "/").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.header("content-type").starts_with("text/html"));
    if super::assets::ASSETS.is_empty() {
        assert!(answer.text().contains("make ui"));
    } else {
        assert!(answer.text().contains("<div id=\"app\""), "{}", answer.text());
    }
}

const LAB_DOCUMENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <title>CR de biologie</title>
  <component><structuredBody><component><section>
    <templateId root="1.3.6.1.4.1.19376.1.3.3.2.1"/>
    <code code="18719-5" codeSystem="2.16.840.1.113883.6.1" displayName="Biochimie"/>
    <title>Biochimie</title>
    <entry><observation classCode="OBS" moodCode="EVN">
      <code code="3016-3" codeSystem="2.16.840.1.113883.6.1" displayName="TSH"/>
      <statusCode code="completed"/>
      <value xsi:type="PQ" value="7.5" unit="m[IU]/L"/>
      <interpretationCode code="H" codeSystem="2.16.840.1.113883.5.83"/>
    </observation></entry>
  </section></component></structuredBody></component>
</ClinicalDocument>
"#;

#[tokio::test]
async fn the_lab_results_of_a_document_are_served_by_chapter() {
    let app = app();
    let id =
        upload(&app, "bio.xml", LAB_DOCUMENT.as_bytes()).await.json()["entries"][0]["id"].as_u64().unwrap();
    let answer = get(&app, &format!("/api/documents/{id}/results")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("cache-control"), "no-store");
    let json = answer.json();
    assert_eq!(json["result_count"], 1, "{json}");
    assert_eq!(json["abnormal_count"], 1, "{json}");
    let chapter = &json["chapters"][0];
    assert_eq!(chapter["title"], "Biochimie");
    let result = &chapter["results"][0];
    assert_eq!(result["test"]["code"], "3016-3");
    assert_eq!(result["value"]["number"], 7.5);
    assert_eq!(result["abnormal"], "interpretation");

    let empty = upload(&app, "a.xml", DOCUMENT.as_bytes()).await.json()["entries"][0]["id"].as_u64().unwrap();
    let answer = get(&app, &format!("/api/documents/{empty}/results")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), serde_json::json!({ "chapters": [], "result_count": 0, "abnormal_count": 0 }));
    assert_eq!(get(&app, "/api/documents/9/results").await.status, StatusCode::NOT_FOUND);
}

const ALLERGY_DOCUMENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <title>Synthèse</title>
  <component><structuredBody><component><section>
    <code code="48765-2" codeSystem="2.16.840.1.113883.6.1"/>
    <title>Allergies</title>
    <entry><observation classCode="OBS" moodCode="EVN">
      <code code="416098002" codeSystem="2.16.840.1.113883.6.96" displayName="allergie médicamenteuse"/>
      <effectiveTime><low value="20211204"/></effectiveTime>
      <value xsi:type="CD"/>
      <participant typeCode="CSM"><participantRole><playingEntity>
        <code code="XM5DJ7" codeSystem="2.16.840.1.113883.6.347" displayName="PARACETAMOL"/>
      </playingEntity></participantRole></participant>
    </observation></entry>
  </section></component></structuredBody></component>
</ClinicalDocument>
"#;

#[tokio::test]
async fn the_clinical_summary_of_a_document_is_served_by_category() {
    let app = app();
    let id = upload(&app, "vsm.xml", ALLERGY_DOCUMENT.as_bytes()).await.json()["entries"][0]["id"]
        .as_u64()
        .unwrap();
    let answer = get(&app, &format!("/api/documents/{id}/clinical")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("cache-control"), "no-store");
    let json = answer.json();
    assert_eq!(json["item_count"], 1, "{json}");
    let group = &json["groups"][0];
    assert_eq!(group["category"], "allergies");
    let item = &group["sections"][0]["items"][0];
    assert_eq!(item["label"], "PARACETAMOL");
    assert_eq!(item["label_source"], "substance");
    assert_eq!(item["kind"]["label"], "allergie médicamenteuse");
    assert_eq!(item["effective_time"]["low"]["raw"], "20211204");
    assert_eq!(item["position"]["line"], 7);

    let empty = upload(&app, "a.xml", DOCUMENT.as_bytes()).await.json()["entries"][0]["id"].as_u64().unwrap();
    let answer = get(&app, &format!("/api/documents/{empty}/clinical")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), serde_json::json!({ "groups": [], "item_count": 0 }));
    assert_eq!(get(&app, "/api/documents/9/clinical").await.status, StatusCode::NOT_FOUND);
}

/// A section whose link is `javascript:` (line 5) and whose cell carries an event handler.
const HOSTILE_DOCUMENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <title>Compte rendu</title>
  <component><structuredBody><component><section><title>Résultats</title><text>
    <linkHtml href="javascript:window.pwned=1">voir</linkHtml>
    <table><tbody><tr><td onmouseover="window.pwned=1">Hémoglobine</td></tr></tbody></table>
  </text></section></component></structuredBody></component>
</ClinicalDocument>
"#;

#[tokio::test]
async fn a_document_is_rendered_for_the_iframe_with_its_security_report() {
    let app = app();
    let id = upload(&app, "hostile.xml", HOSTILE_DOCUMENT.as_bytes()).await.json()["entries"][0]["id"]
        .as_u64()
        .unwrap();
    let answer = get(&app, &format!("/api/documents/{id}/render")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("cache-control"), "no-store");
    let json = answer.json();
    let html = json["html"].as_str().unwrap();
    // A whole page, with the renderer's own CSP, without the header card the app shows.
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains(crate::render::CONTENT_SECURITY_POLICY), "{html}");
    assert!(!html.contains("class=\"vg-card\""), "{html}");
    assert!(html.contains("Hémoglobine"));
    assert!(html.contains("data-span=\""), "sections carry their span: {html}");
    assert!(!html.contains("javascript:") && !html.contains("onmouseover"), "{html}");
    let report = json["report"].as_array().unwrap();
    let codes: Vec<_> = report.iter().map(|n| n["code"].as_str().unwrap()).collect();
    assert_eq!(report.len(), 2, "{json}");
    assert!(report.iter().all(|n| n["what"].is_string() && n["action"].is_string()), "{json}");
    let link = report.iter().find(|n| n["what"].as_str().unwrap().contains("javascript:")).expect("the link");
    assert_eq!(link["position"]["line"], 5, "{json} ({codes:?})");

    assert_eq!(get(&app, "/api/documents/9/render").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_rendered_page_speaks_the_language_asked() {
    let app = app();
    let id = upload(&app, "hostile.xml", HOSTILE_DOCUMENT.as_bytes()).await.json()["entries"][0]["id"]
        .as_u64()
        .unwrap();
    let page = |json: serde_json::Value| json["html"].as_str().unwrap().to_string();
    let french = page(get(&app, &format!("/api/documents/{id}/render")).await.json());
    assert!(french.contains("<html lang=\"fr\">") && french.contains("Rendu par Vigie"), "French by default");
    let answer = get(&app, &format!("/api/documents/{id}/render?lang=en")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let json = answer.json();
    let english = page(json.clone());
    assert!(english.contains("<html lang=\"en\">") && english.contains("Rendered by Vigie"), "{english}");
    assert!(english.contains("Hémoglobine"), "the document's own words stay as written");
    let link = &json["report"][0]["what"];
    assert!(link.as_str().unwrap().ends_with("(javascript: scheme)"), "{link}");
    assert_eq!(
        get(&app, &format!("/api/documents/{id}/render?lang=de")).await.status,
        StatusCode::BAD_REQUEST
    );
}

/// A section whose entry points at a narrative ID that does not exist (line 6).
const DANGLING_REFERENCE: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <title>Compte rendu</title>
  <component><structuredBody><component><section>
    <text><paragraph ID="p-1">Texte</paragraph></text>
    <entry><observation classCode="OBS" moodCode="EVN"><text><reference value="#p-2"/></text></observation></entry>
  </section></component></structuredBody></component>
</ClinicalDocument>
"##;

#[tokio::test]
async fn a_document_is_checked_and_the_layers_without_a_folder_say_why() {
    let app = app();
    let id = upload(&app, "a.xml", DANGLING_REFERENCE.as_bytes()).await.json()["entries"][0]["id"]
        .as_u64()
        .unwrap();
    let answer = get(&app, &format!("/api/documents/{id}/check")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("cache-control"), "no-store");
    let json = answer.json();

    let layer = |name: &str| {
        json["layers"].as_array().unwrap().iter().find(|l| l["layer"] == name).cloned().unwrap_or_default()
    };
    assert_eq!(layer("xml")["ran"], true, "{json}");
    assert_eq!(layer("builtin")["ran"], true, "{json}");
    for skipped in ["kit", "xsd"] {
        assert_eq!(layer(skipped)["ran"], false, "{json}");
        assert!(!layer(skipped)["skipped"].is_null(), "a skipped layer says why: {json}");
    }

    let issues = json["issues"].as_array().unwrap();
    let dangling = issues
        .iter()
        .find(|issue| issue["rule"] == "narrative.reference")
        .unwrap_or_else(|| panic!("the dangling reference is reported: {json}"));
    assert_eq!(dangling["layer"], "builtin");
    assert!(
        ["error", "warning", "info"].contains(&dangling["severity"].as_str().unwrap_or("")),
        "{dangling}"
    );
    assert_eq!(dangling["position"]["line"], 6, "{dangling}");
    let span = &dangling["span"];
    let (start, end) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
    assert!(DANGLING_REFERENCE[start..end].contains("#p-2"), "{}", &DANGLING_REFERENCE[start..end]);
    assert!(dangling["message"]["fr"].as_str().is_some_and(|m| m.contains("p-2")), "{dangling}");

    assert_eq!(get(&app, "/api/documents/9/check").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_kit_folder_that_cannot_be_used_is_named_to_each_check() {
    let mut session = Session::new(Limits::default());
    session.set_check_options(crate::check::CheckOptions {
        kit_dir: Some("/nonexistent/ans-kit".into()),
        ..Default::default()
    });
    let app = router(Arc::new(Mutex::new(session)), PORT);
    let id = upload(&app, "a.xml", DOCUMENT.as_bytes()).await.json()["entries"][0]["id"].as_u64().unwrap();
    let answer = get(&app, &format!("/api/documents/{id}/check")).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.json()["error"].as_str().unwrap().contains("/nonexistent/ans-kit"), "{}", answer.text());
}
