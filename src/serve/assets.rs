//! The web UI's files, compiled into the binary by `build.rs` from `ui/dist`.

use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

// `ASSETS: &[(&str, &str, &[u8])]`: (path below `ui/dist`, media type, bytes), sorted by path.
include!(concat!(env!("OUT_DIR"), "/ui_assets.rs"));

/// The page served at `/` when the binary was built without the UI.
const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Vigie</title></head><body><h1>Vigie</h1>\
<p>The UI is not built: run <code>make ui</code>, then build vigie again.</p>\
<p>The API answers at <a href=\"/api/documents\">/api/documents</a>.</p></body></html>";

/// Looks an asset up by its URL path (`/` is `index.html`).
pub(crate) fn find(path: &str) -> Option<(&'static str, &'static [u8])> {
    let path = path.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    ASSETS.binary_search_by(|(p, _, _)| (*p).cmp(path)).ok().map(|i| (ASSETS[i].1, ASSETS[i].2))
}

/// `GET` of anything outside `/api/`: a file of the UI, or 404.
pub(crate) async fn serve_asset(method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "only GET is served here").into_response();
    }
    let path = uri.path();
    match find(path) {
        Some((media_type, bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
            // Vite names the files under assets/ by their content hash.
            let cache =
                if path.starts_with("/assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            response
        }
        None if ASSETS.is_empty() && (path == "/" || path == "/index.html") => {
            let mut response = NOT_BUILT.into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            response
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
