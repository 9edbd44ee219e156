//! `vigie serve`: the web UI and its HTTP API on `127.0.0.1`, over one [`Session`].
//!
//! The browser is treated as an untrusted client of a local server that holds health data:
//! - the server listens on the loopback address only, and refuses any request whose `Host`
//!   is not `127.0.0.1:PORT` or `localhost:PORT` (a page of another site that rebinds its
//!   name to 127.0.0.1 sends its own host name), and any request sent by a page of another
//!   origin (`Origin`);
//! - clients name documents by their session id, never by a path: only the command line adds
//!   files from disk; a browser can only send bytes;
//! - every response carries a strict Content-Security-Policy (no inline script, nothing
//!   loaded from elsewhere), `nosniff` and `no-referrer`; API responses are not cached.
//!
//! The UI's files are compiled into the binary by `build.rs` from `ui/dist` ([`assets`]).
//! The routes are listed in `docs/api.md`.

mod api;
mod assets;
#[cfg(test)]
mod tests;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::library::store::Store;
use crate::session::Session;
use crate::xml::Limits;

/// The Content-Security-Policy of every response (the same as `ui/index.html`'s meta tag).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
    frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

/// What `vigie serve` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Files or folders to open at start.
    pub paths: Vec<PathBuf>,
    /// The port to listen on; 0 lets the system choose a free one.
    pub port: u16,
    /// Whether to open the page in the default browser once listening.
    pub open: bool,
    /// What `GET /api/documents/{id}/check` checks against (the kit and schema folders).
    pub check: crate::check::CheckOptions,
}

/// Serves as [`Options`] say until Ctrl-C. Prints `Listening on http://127.0.0.1:PORT/` on
/// standard output once the port is bound (tests and scripts read the port from it), and what
/// could not be opened on standard error.
pub fn serve(options: Options) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the server: {error}"))?;
    runtime.block_on(async move {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
        let listener = tokio::net::TcpListener::bind(address).await.map_err(|error| {
            format!("cannot listen on {address}: {error} (is the port in use? try `--port 0`)")
        })?;
        let port = listener
            .local_addr()
            .map_err(|error| format!("cannot read the listening address: {error}"))?
            .port();

        let mut session = Session::with_store(Limits::default(), Store::open_default());
        session.set_check_options(options.check);
        let added = session.add_paths(&options.paths);
        for note in &added.notes {
            eprintln!("vigie: {note}");
        }
        // The checker (the kit's rules, the schema) is loaded while the page opens; a folder
        // that cannot be used is said now, and again to each check.
        let warm = session.checker_warmer();
        std::thread::spawn(move || {
            if let Err(error) = warm() {
                eprintln!("vigie serve: documents cannot be checked: {error}");
            }
        });
        let app = router(Arc::new(Mutex::new(session)), port);

        let url = format!("http://127.0.0.1:{port}/");
        println!("Listening on {url}");
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        if options.open {
            open_browser(&url);
        }
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|error| format!("the server stopped: {error}"))
    })
}

/// The session as the handlers share it.
pub(crate) type SharedSession = Arc<Mutex<Session>>;

/// The whole application: API, UI assets, and the security layer around both. `port` is the
/// port the server is bound to: the only one accepted in `Host`.
pub fn router(session: SharedSession, port: u16) -> Router {
    let max_upload = session.lock().map(|s| s.limits().max_input_bytes).unwrap_or(0);
    let guard = Arc::new(Guard::new(port));
    Router::new()
        .route(
            "/api/documents",
            get(api::list_documents).post(api::add_document).layer(DefaultBodyLimit::max(max_upload)),
        )
        .route("/api/library", post(api::query_library))
        .route("/api/documents/{id}", get(api::report))
        .route("/api/documents/{id}/results", get(api::results))
        .route("/api/documents/{id}/cumulative", get(api::cumulative))
        .route("/api/documents/{id}/clinical", get(api::clinical))
        .route("/api/documents/{id}/render", get(api::render))
        .route("/api/documents/{id}/source", get(api::source))
        .route("/api/documents/{id}/check", get(api::check))
        .route("/api/documents/{id}/attachments/{index}", get(api::attachment))
        .route("/api/documents/{id}/file", get(api::pdf_file))
        .route("/api/{*rest}", get(api::not_found).post(api::not_found))
        .fallback(assets::serve_asset)
        .with_state(session)
        .layer(middleware::from_fn_with_state(guard, secure))
}

/// The hosts and origins a request may name.
struct Guard {
    hosts: Vec<String>,
    origins: Vec<String>,
}

impl Guard {
    fn new(port: u16) -> Self {
        let mut hosts = vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")];
        if port == 80 {
            hosts.extend(["127.0.0.1".to_string(), "localhost".to_string()]);
        }
        let origins = hosts.iter().map(|h| format!("http://{h}")).collect();
        Self { hosts, origins }
    }

    /// Why a request is refused, if it is.
    fn refusal(&self, headers: &HeaderMap) -> Option<&'static str> {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        if !host.is_some_and(|h| self.hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(h))) {
            return Some("this server answers only to http://127.0.0.1 and http://localhost on its own port");
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("");
            if !self.origins.iter().any(|allowed| allowed.eq_ignore_ascii_case(origin)) {
                return Some("requests from pages of other sites are refused");
            }
        }
        None
    }
}

/// Refuses foreign hosts and origins; adds the security headers to every response.
async fn secure(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = match guard.refusal(request.headers()) {
        Some(reason) => (StatusCode::FORBIDDEN, reason).into_response(),
        None => next.run(request).await,
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if is_api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Opens `url` in the default browser; failing that, says so (the URL is printed anyway).
fn open_browser(url: &str) {
    #[cfg(target_os = "macos")]
    let mut command = std::process::Command::new("open");
    #[cfg(target_os = "windows")]
    let mut command = {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    };
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    let mut command = std::process::Command::new("xdg-open");
    if let Err(error) = command.arg(url).spawn() {
        eprintln!("vigie: cannot open a browser ({error}): open {url} yourself");
    }
}
