//! The JSON API over the session: list, add, report, results, clinical, render, source, check,
//! attachment, a bare PDF's file (see `docs/api.md`).
//!
//! Reading a document is blocking work (file I/O, parsing up to the input limit): each
//! handler runs it on the blocking pool, holding the session's lock only there.

use std::sync::PoisonError;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::SharedSession;
use crate::session::Session;

/// An error answered as `{"error": "..."}` with its status.
pub(crate) struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

/// Runs `work` on the session, on the blocking pool. An unknown id is a 404; any other error
/// of `work` a 422 (the document exists but cannot give what was asked).
async fn with_session<T: Send + 'static>(
    session: SharedSession,
    id: Option<usize>,
    work: impl FnOnce(&mut Session) -> Result<T, String> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut session = session.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(id) = id {
            if session.entry(id).is_none() {
                return Err(ApiError(
                    StatusCode::NOT_FOUND,
                    format!("there is no document #{id} in this session"),
                ));
            }
        }
        work(&mut session).map_err(|message| ApiError(StatusCode::UNPROCESSABLE_ENTITY, message))
    })
    .await
    .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "the request failed inside the server".into()))?
}

/// `GET /api/documents`: every entry of the session.
pub(crate) async fn list_documents(State(session): State<SharedSession>) -> Result<Response, ApiError> {
    let entries = with_session(session, None, |s| Ok(s.entries().to_vec())).await?;
    Ok(Json(entries).into_response())
}

/// `POST /api/library`: the body is a [`crate::library::Query`] (JSON, every field
/// optional); the answer its [`crate::library::Results`]: rows, counts and facets.
pub(crate) async fn query_library(
    State(session): State<SharedSession>,
    Json(query): Json<crate::library::Query>,
) -> Result<Response, ApiError> {
    let results = with_session(session, None, move |s| {
        serde_json::to_value(s.library().query(&query))
            .map_err(|error| format!("the library's answer could not be written: {error}"))
    })
    .await?;
    Ok(Json(results).into_response())
}

/// `POST /api/documents`: the body is the file, `X-File-Name` its name (percent-encoded UTF-8).
pub(crate) async fn add_document(
    State(session): State<SharedSession>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let name =
        headers.get("x-file-name").and_then(|v| v.to_str().ok()).map(percent_decode).ok_or_else(|| {
            ApiError(
                StatusCode::BAD_REQUEST,
                "the file name is missing: send it, percent-encoded, in the X-File-Name header".into(),
            )
        })?;
    let added = with_session(session, None, move |s| s.add_bytes(&name, body.to_vec())).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

/// `GET /api/documents/{id}`: the report (`vigie inspect --json`).
pub(crate) async fn report(
    State(session): State<SharedSession>,
    Path(id): Path<usize>,
) -> Result<Response, ApiError> {
    let report = with_session(session, Some(id), move |s| s.report_json(id)).await?;
    Ok(Json(report).into_response())
}

/// `GET /api/documents/{id}/cumulative`: every lab result of the document's patient across
/// the session, by test and date (`Cumulative`: columns, series, reports).
pub(crate) async fn cumulative(
    State(session): State<SharedSession>,
    Path(id): Path<usize>,
) -> Result<Response, ApiError> {
    let cumulative = with_session(session, Some(id), move |s| s.cumulative(id)).await?;
    Ok(Json(cumulative).into_response())
}

/// `GET /api/documents/{id}/results`: the lab results (`LabReport`: chapters, batteries,
/// results, counts).
pub(crate) async fn results(
    State(session): State<SharedSession>,
    Path(id): Path<usize>,
) -> Result<Response, ApiError> {
    let results = with_session(session, Some(id), move |s| s.results(id)).await?;
    Ok(Json(results).into_response())
}

/// `GET /api/documents/{id}/clinical`: the clinical summary (`ClinicalSummary`: categories,
/// sections, items with codes, dates, status, treatment particulars, count).
pub(crate) async fn clinical(
    State(session): State<SharedSession>,
    Path(id): Path<usize>,
) -> Result<Response, ApiError> {
    let clinical = with_session(session, Some(id), move |s| s.clinical(id)).await?;
    Ok(Json(clinical).into_response())
}

/// The query of `GET /api/documents/{id}/render`.
#[derive(serde::Deserialize)]
pub(crate) struct RenderQuery {
    /// The language of the page's own words, `fr` (the default) or `en`.
    lang: Option<crate::summary::Lang>,
}

/// `GET /api/documents/{id}/render?lang=fr|en`: the hardened page for the app's sandboxed
/// iframe (`srcdoc`) and its security report (`{ html, report }`, see `docs/api.md`).
pub(crate) async fn render(
    State(session): State<SharedSession>,
    Path(id): Path<usize>,
    Query(query): Query<RenderQuery>,
) -> Result<Response, ApiError> {
    let lang = query.lang.unwrap_or(crate::summary::Lang::Fr);
    let rendered = with_session(session, Some(id), move |s| s.render(id, lang)).await?;
    Ok(Json(rendered).into_response())
}

/// The decoded source, shared with the session's cache rather than copied.
struct SourceText(std::sync::Arc<str>);

impl AsRef<[u8]> for SourceText {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// `GET /api/documents/{id}/source`: the decoded XML as UTF-8 text.
pub(crate) async fn source(
    State(session): State<SharedSession>,
    Path(id): Path<usize>,
) -> Result<Response, ApiError> {
    let text = with_session(session, Some(id), move |s| s.source(id)).await?;
    let mut response = Body::from(Bytes::from_owner(SourceText(text))).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    Ok(response)
}

/// `GET /api/documents/{id}/check`: the document checked layer by layer (`vigie check`'s
/// JSON report of one document). The check runs after the session's lock is released: the
/// other requests are answered meanwhile.
pub(crate) async fn check(
    State(session): State<SharedSession>,
    Path(id): Path<usize>,
) -> Result<Response, ApiError> {
    let pending = with_session(session, Some(id), move |s| s.prepare_check(id)).await?;
    let report = tokio::task::spawn_blocking(move || pending.run())
        .await
        .map_err(|_| {
            ApiError(StatusCode::INTERNAL_SERVER_ERROR, "the check failed inside the server".into())
        })?
        .map_err(|message| ApiError(StatusCode::UNPROCESSABLE_ENTITY, message))?;
    Ok(Json(report).into_response())
}

/// Media types shown inline by the browser; anything else is downloaded as
/// `application/octet-stream`. No HTML, no SVG, no XML: nothing that can run a script in our
/// origin.
const INLINE_TYPES: &[(&str, &str)] = &[
    ("application/pdf", "pdf"),
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
    ("text/plain", "txt"),
];

/// `GET /api/documents/{id}/attachments/{index}`: the decoded bytes of an attachment.
pub(crate) async fn attachment(
    State(session): State<SharedSession>,
    Path((id, index)): Path<(usize, usize)>,
) -> Result<Response, ApiError> {
    let (media_type, bytes) = with_session(session, Some(id), move |s| s.attachment(id, index)).await?;
    let essence = media_type
        .as_deref()
        .and_then(|m| m.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let inline = INLINE_TYPES.iter().find(|(t, _)| *t == essence);
    let (content_type, disposition) = match inline {
        Some((t, ext)) => (*t, format!("inline; filename=\"document-{id}-{index}.{ext}\"")),
        None => ("application/octet-stream", format!("attachment; filename=\"document-{id}-{index}.bin\"")),
    };
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `GET /api/documents/{id}/file`: the bytes of a bare PDF file (a document read as `pdf`),
/// for the app's PDF viewer; any other kind of document is a 422.
pub(crate) async fn pdf_file(
    State(session): State<SharedSession>,
    Path(id): Path<usize>,
) -> Result<Response, ApiError> {
    let bytes = with_session(session, Some(id), move |s| s.pdf_file(id)).await?;
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"document-{id}.pdf\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// Any other `/api/...` path.
pub(crate) async fn not_found() -> ApiError {
    ApiError(StatusCode::NOT_FOUND, "no such API route: see docs/api.md".into())
}

/// Decodes `%XX` escapes (as `encodeURIComponent` writes them); invalid UTF-8 is replaced.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn file_names_are_percent_decoded() {
        assert_eq!(percent_decode("compte%20rendu%C3%A9.xml"), "compte rendué.xml");
        assert_eq!(percent_decode("100%.xml"), "100%.xml");
        assert_eq!(percent_decode("%FF.xml"), "\u{FFFD}.xml");
    }
}
