//! The HTTP side of `gen serve`, on axum.
//!
//! One handler serves everything, written on top of axum rather than with tower-http's
//! `ServeDir`, because the rules below need the response body and the request's raw target:
//! HTML gets the live-reload script (and the error overlay) injected, the site's own 404 page is
//! sent with status 404, every text type carries `charset=utf-8`, the site lives under its base
//! path, and every request is checked before any file is looked at:
//!
//! - `Host` must name this server: `localhost`, `127.0.0.1`, `[::1]` or the bound address, with
//!   the port (when bound to `0.0.0.0`/`::`, any IP literal); otherwise 403. A page of another
//!   site that rebinds its DNS name to 127.0.0.1 sends its own name and is refused.
//! - No `Access-Control-Allow-Origin` is ever sent, and the event stream and status endpoint
//!   refuse a foreign `Origin`, so other sites open in the same browser cannot read drafts.
//! - Only GET and HEAD (405 otherwise). Absolute-form targets (`GET http://x/…`) get 400.
//! - The path is percent-decoded exactly once; NUL, backslashes, `..`, `.`-names (dot files) and
//!   drive letters give 404, the rest goes through [`crate::output::safe_join`], and the file's
//!   canonical path must stay inside the served folder (symbolic links out of it give 404).
//!   Folders serve their `index.html` (a folder without one is 404, never a listing), and
//!   `/x` redirects to `/x/` when `x` is a folder.
//! - ETag (a hash of the bytes sent) and `If-None-Match` give 304; `Cache-Control: no-cache`
//!   makes the browser ask every time.

use std::convert::Infallible;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use super::Shared;
use super::livereload::{self, LiveEvent};

/// Characters encoded in a path segment of a redirect.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The router: one handler for every request.
pub fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

fn plain(status: StatusCode, text: &str) -> Response {
    let mut r = (status, text.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    common_headers(r.headers_mut());
    r
}

fn common_headers(h: &mut HeaderMap) {
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Links from a draft must not tell other sites its address.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // Other origins may not even embed the preview's files.
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
}

/// Splits a `Host` value into host name and port.
fn split_host(v: &str) -> Option<(String, Option<u16>)> {
    let v = v.trim();
    if let Some(rest) = v.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.parse().ok()?),
        };
        return Some((h.to_ascii_lowercase(), port));
    }
    match v.rsplit_once(':') {
        Some((h, p)) => Some((h.to_ascii_lowercase(), Some(p.parse().ok()?))),
        None => Some((v.to_ascii_lowercase(), None)),
    }
}

/// Whether a `Host` (or an `Origin`'s host part) names this server.
pub fn host_allowed(value: &str, bind: IpAddr, port: u16) -> bool {
    let Some((host, p)) = split_host(value) else {
        return false;
    };
    if p.unwrap_or(80) != port {
        return false;
    }
    if host == "localhost" {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == bind || bind.is_unspecified(),
        Err(_) => false,
    }
}

fn origin_allowed(headers: &HeaderMap, bind: IpAddr, port: u16) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() == b"cross-site"
    {
        return false;
    }
    match headers.get(header::ORIGIN).map(|o| o.to_str()) {
        None => true,
        Some(Ok(o)) => o
            .strip_prefix("http://")
            .is_some_and(|h| host_allowed(h, bind, port)),
        Some(Err(_)) => false,
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let host_ok = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| host_allowed(h, shared.bind, shared.port));
    if !host_ok {
        return plain(
            StatusCode::FORBIDDEN,
            "gen serve answers only requests for localhost or its own address\n",
        );
    }
    if parts.uri.scheme().is_some() || parts.uri.authority().is_some() {
        return plain(StatusCode::BAD_REQUEST, "bad request target\n");
    }
    let head = parts.method == Method::HEAD;
    if parts.method != Method::GET && !head {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let path = parts.uri.path().to_string();
    if let Some(internal) = path.strip_prefix("/__gen/") {
        return internal_endpoint(&shared, internal, &parts.headers, head);
    }
    let s = shared.clone();
    let served = tokio::task::spawn_blocking(move || lookup(&s, &path))
        .await
        .unwrap_or(Served::NotFound);
    let lang_404 = not_found_page(&shared, parts.uri.path());
    respond(&shared, served, lang_404, &parts.headers, head)
}

/// The not-found page for a request path: a language's own (`ru/404.html`) when the path is
/// under a folder that has one, else the site's `404.html`.
fn not_found_page(shared: &Shared, raw: &str) -> String {
    let base = shared
        .state
        .lock()
        .map(|s| s.base_path.clone())
        .unwrap_or_else(|_| "/".into());
    let first = raw
        .strip_prefix(base.as_str())
        .and_then(|rest| rest.split('/').next())
        .filter(|s| !s.is_empty() && !s.starts_with('.') && s.len() <= 16);
    if let Some(seg) = first {
        let rel = format!("{seg}/404.html");
        let _tree = shared.tree.read();
        if crate::output::safe_join(&shared.dir, &rel).is_some_and(|p| p.is_file()) {
            return rel;
        }
    }
    "404.html".to_string()
}

fn internal_endpoint(
    shared: &Arc<Shared>,
    what: &str,
    headers: &HeaderMap,
    head: bool,
) -> Response {
    match what {
        "livereload.js" => {
            let mut r = (StatusCode::OK, livereload::SCRIPT).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            );
            common_headers(r.headers_mut());
            r
        }
        "events" | "status" if !origin_allowed(headers, shared.bind, shared.port) => {
            plain(StatusCode::FORBIDDEN, "foreign origin\n")
        }
        "status" => {
            let body = shared.status_json();
            let mut r = (StatusCode::OK, if head { String::new() } else { body }).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            common_headers(r.headers_mut());
            r
        }
        "events" => events(shared).into_response(),
        _ => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// The event stream: `hello`, then build events, until the server stops.
fn events(
    shared: &Arc<Shared>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>> + use<>> {
    let rx = shared.events.subscribe();
    let shutdown = shared.shutdown.clone();
    let hello = {
        let st = shared.state.lock().map(|s| s.generation).unwrap_or(0);
        Event::default()
            .event("hello")
            .data(serde_json::json!({ "server": shared.server, "generation": st }).to_string())
    };
    let server = shared.server.clone();
    let stream = futures_util::stream::unfold(
        (Some(hello), rx, shutdown, server),
        |(first, mut rx, mut shutdown, server)| async move {
            if let Some(ev) = first {
                return Some((Ok(ev), (None, rx, shutdown, server)));
            }
            if *shutdown.borrow() {
                return None;
            }
            let ev = tokio::select! {
                _ = shutdown.changed() => return None,
                msg = rx.recv() => match msg {
                    Ok(ev) => sse_event(&ev),
                    // Missed events: reload to be safe.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        sse_event(&LiveEvent {
                            name: "reload",
                            server: server.clone(),
                            generation: 0,
                            all: true,
                            files: Vec::new(),
                            base: String::new(),
                        })
                    }
                    Err(_) => return None,
                },
            };
            Some((Ok(ev), (None, rx, shutdown, server)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn sse_event(ev: &LiveEvent) -> Event {
    Event::default()
        .event(ev.name)
        .data(serde_json::to_string(ev).unwrap_or_default())
}

/// What a path maps to.
#[derive(Debug)]
pub enum Served {
    /// A file: site-relative path and bytes.
    File(String, Vec<u8>),
    /// A folder asked for without its trailing slash.
    Redirect(String),
    /// Nothing: the 404 page's bytes, when the site has one.
    NotFound,
}

/// Maps a raw request path to a file of the served folder.
pub fn lookup(shared: &Shared, raw: &str) -> Served {
    let base = shared
        .state
        .lock()
        .map(|s| s.base_path.clone())
        .unwrap_or_else(|_| "/".into());
    let _tree = shared.tree.read();
    resolve(&shared.dir, &base, raw)
}

/// [`lookup`] without the locks: `dir` is the canonical served folder.
pub fn resolve(dir: &Path, base: &str, raw: &str) -> Served {
    let Ok(decoded) = percent_decode_str(raw).decode_utf8() else {
        return Served::NotFound;
    };
    if decoded.contains(['\0', '\\']) {
        return Served::NotFound;
    }
    let decoded: &str = &decoded;
    if format!("{decoded}/") == base {
        return Served::Redirect(base.to_string());
    }
    let Some(rest) = decoded.strip_prefix(base) else {
        return Served::NotFound;
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    if segments
        .iter()
        .any(|s| s.starts_with('.') || s.contains(':'))
    {
        return Served::NotFound;
    }
    let rel = segments.join("/");
    let Some(candidate) = crate::output::safe_join(dir, &rel) else {
        return Served::NotFound;
    };
    let inside = |p: &Path| -> Option<std::path::PathBuf> {
        let c = std::fs::canonicalize(p).ok()?;
        c.starts_with(dir).then_some(c)
    };
    let Some(real) = inside(&candidate) else {
        return Served::NotFound;
    };
    let Ok(meta) = std::fs::metadata(&real) else {
        return Served::NotFound;
    };
    if meta.is_dir() {
        if !decoded.ends_with('/') {
            let mut loc = base.to_string();
            for s in &segments {
                loc.push_str(&utf8_percent_encode(s, SEGMENT).to_string());
                loc.push('/');
            }
            return Served::Redirect(loc);
        }
        let Some(index) = inside(&real.join("index.html")) else {
            return Served::NotFound;
        };
        return match std::fs::read(&index) {
            Ok(b) if index.is_file() => Served::File(
                if rel.is_empty() {
                    "index.html".into()
                } else {
                    format!("{rel}/index.html")
                },
                b,
            ),
            _ => Served::NotFound,
        };
    }
    if !meta.is_file() {
        return Served::NotFound;
    }
    match std::fs::read(&real) {
        Ok(b) => Served::File(rel, b),
        Err(_) => Served::NotFound,
    }
}

/// Content type by extension; text types say UTF-8.
pub fn content_type(rel: &str) -> &'static str {
    let ext = rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn etag_of(bytes: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("\"{:016x}-{:x}\"", h.finish(), bytes.len())
}

fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

fn respond(
    shared: &Arc<Shared>,
    served: Served,
    not_found: String,
    headers: &HeaderMap,
    head: bool,
) -> Response {
    let (generation, errors, have_build) = shared
        .state
        .lock()
        .map(|s| (s.generation, s.errors.clone(), s.have_build))
        .unwrap_or_default();
    let (status, rel, bytes) = match served {
        Served::Redirect(loc) => {
            let mut r = plain(StatusCode::FOUND, "moved\n");
            if let Ok(v) = HeaderValue::from_str(&loc) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        Served::File(rel, bytes) => (StatusCode::OK, rel, bytes),
        Served::NotFound => {
            let page = {
                let _tree = shared.tree.read();
                std::fs::read(shared.dir.join(&not_found)).ok()
            };
            match page {
                Some(b) => (StatusCode::NOT_FOUND, not_found, b),
                None if !errors.is_empty() => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "404.html".to_string(),
                    b"<!doctype html><meta charset=utf-8><title>gen serve: build failed</title><body></body>".to_vec(),
                ),
                None => return plain(StatusCode::NOT_FOUND, "404 not found\n"),
            }
        }
    };
    let ctype = content_type(&rel);
    let body = if ctype.starts_with("text/html") {
        let mut extra = String::new();
        if !errors.is_empty() {
            extra.push_str(&livereload::overlay(&errors, have_build));
        }
        extra.push_str(&livereload::script_tag(&rel, &shared.server, generation));
        livereload::inject(&bytes, &extra)
    } else {
        bytes
    };
    let etag = etag_of(&body);
    let not_modified = status == StatusCode::OK && if_none_match(headers, &etag);
    let len = body.len();
    let mut r = if not_modified || head {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(body))
    };
    *r.status_mut() = if not_modified {
        StatusCode::NOT_MODIFIED
    } else {
        status
    };
    let h = r.headers_mut();
    common_headers(h);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if !not_modified {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    if !errors.is_empty() {
        h.insert("x-gen-build-error", HeaderValue::from_static("1"));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(host_allowed("127.0.0.1:1111", lo, 1111));
        assert!(host_allowed("localhost:1111", lo, 1111));
        assert!(host_allowed("LOCALHOST:1111", lo, 1111));
        assert!(host_allowed("[::1]:1111", lo, 1111));
        assert!(!host_allowed("127.0.0.1:1112", lo, 1111));
        assert!(!host_allowed("127.0.0.1", lo, 1111));
        assert!(!host_allowed("evil.example:1111", lo, 1111));
        assert!(!host_allowed("localhost.evil.example:1111", lo, 1111));
        assert!(!host_allowed("10.0.0.5:1111", lo, 1111));
        let any: IpAddr = "0.0.0.0".parse().unwrap();
        assert!(host_allowed("10.0.0.5:1111", any, 1111));
        assert!(!host_allowed("evil.example:1111", any, 1111));
    }

    #[test]
    fn traversal_never_leaves_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("a")).unwrap();
        std::fs::write(site.join("a/index.html"), "A").unwrap();
        std::fs::write(site.join("x.css"), "X").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "SECRET").unwrap();
        std::fs::create_dir_all(site.join("empty")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("leak")).unwrap();
        let site = std::fs::canonicalize(&site).unwrap();
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2e%2e%2fsecret.txt",
            "/..%2fsecret.txt",
            "/%252e%252e/secret.txt",
            "/..%5csecret.txt",
            "/..\\secret.txt",
            "/C:/secret.txt",
            "/x.css%00",
            "/leak",
            "/empty/",
            "/.gen-output",
        ] {
            assert!(
                matches!(resolve(&site, "/", bad), Served::NotFound),
                "{bad}"
            );
        }
        match resolve(&site, "/", "/a") {
            Served::Redirect(l) => assert_eq!(l, "/a/"),
            other => panic!("{other:?}"),
        }
        match resolve(&site, "/", "//a") {
            Served::Redirect(l) => assert_eq!(l, "/a/"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(resolve(&site, "/", "/a/"), Served::File(r, _) if r == "a/index.html"));
        assert!(matches!(
            resolve(&site, "/news/", "/news/x.css"),
            Served::File(..)
        ));
        assert!(matches!(
            resolve(&site, "/news/", "/x.css"),
            Served::NotFound
        ));
        assert!(matches!(resolve(&site, "/news/", "/news"), Served::Redirect(l) if l == "/news/"));
    }

    #[test]
    fn text_types_say_utf8() {
        for f in ["a.html", "a.css", "a.js", "a.xml", "a.json", "a.txt"] {
            assert!(content_type(f).ends_with("charset=utf-8"), "{f}");
        }
        assert_eq!(content_type("a.png"), "image/png");
    }
}
