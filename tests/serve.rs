//! `gen serve` end to end: the real binary on fixture sites, driven over HTTP with a raw TCP
//! client (so that `..` and absolute-form targets reach the server as written) and ureq, and
//! with real file operations (writes, renames, deletions, bursts). Every wait polls
//! `/__gen/status` with a deadline; nothing sleeps to synchronise.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

mod serve_common;
use serve_common::*;

fn html(r: &Resp) -> scraper::Html {
    scraper::Html::parse_document(&r.text())
}

fn select_text(doc: &scraper::Html, css: &str) -> Option<String> {
    let s = scraper::Selector::parse(css).unwrap();
    doc.select(&s).next().map(|e| {
        e.text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn count(doc: &scraper::Html, css: &str) -> usize {
    doc.select(&scraper::Selector::parse(css).unwrap()).count()
}

#[test]
fn never_serves_anything_outside_the_site() {
    let site = Site::standard();
    let srv = Server::start(&site, &[]);
    let served = srv.served_dir();
    // Sentinels beside the served folder, and a link out of it.
    std::fs::write(served.parent().unwrap().join("secret.txt"), SENTINEL).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.dir.path().join("secret.txt"), served.join("leak.txt"))
        .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.dir.path(), served.join("leakdir")).unwrap();
    let host = srv.host();
    let targets = [
        "/../secret.txt",
        "/../../secret.txt",
        "/../../../secret.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%5csecret.txt",
        "/..%5c..%5csecret.txt",
        "/..\\secret.txt",
        "/..\\..\\secret.txt",
        "/C:/secret.txt",
        "/C:%5csecret.txt",
        "/c:/windows/win.ini",
        "/index.html%00",
        "/index.html%00.css",
        "/%00/../secret.txt",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/.gen-output",
        "/.git/config",
        "/gen.yaml",
        "//etc/passwd",
        "/./../secret.txt",
    ];
    for t in targets {
        let r = raw(
            srv.port,
            &format!("GET {t} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert!(
            r.status == 404 || r.status == 400,
            "{t}: status {}",
            r.status
        );
        let body = r.text();
        assert!(!body.contains(SENTINEL), "{t} leaked the sentinel");
        assert!(!body.contains("root:"), "{t} leaked /etc/passwd");
    }
    // Absolute-form targets never reach the file system.
    for t in [
        "http://127.0.0.1/../../secret.txt",
        "http://evil.example/../secret.txt",
        &format!("http://{host}/../secret.txt"),
        &format!("http://{host}/index.html"),
    ] {
        let r = raw(
            srv.port,
            &format!("GET {t} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert!(r.status == 400 || r.status == 404, "{t}: {}", r.status);
        assert!(!r.text().contains(SENTINEL));
    }
    // The real files are there.
    assert_eq!(srv.get("/").status, 200);
    assert_eq!(srv.get("/css/extra.css").status, 200);
}

#[test]
fn http_rules() {
    let site = Site::standard();
    let srv = Server::start(&site, &[]);
    let host = srv.host();
    let req = |head: &str| raw(srv.port, &format!("{head}\r\nConnection: close\r\n\r\n"));

    // Host checks (DNS rebinding).
    for h in [
        "evil.example",
        "evil.example:1111",
        "localhost.evil.example",
        "127.0.0.1:1",
    ] {
        let r = req(&format!("GET / HTTP/1.1\r\nHost: {h}"));
        assert_eq!(r.status, 403, "Host {h}");
    }
    assert_eq!(
        req(&format!(
            "GET / HTTP/1.1\r\nHost: evil.example:{}",
            srv.port
        ))
        .status,
        403
    );
    assert_eq!(req("GET / HTTP/1.0").status, 403, "no Host at all");
    for h in [host.clone(), format!("localhost:{}", srv.port)] {
        assert_eq!(
            req(&format!("GET / HTTP/1.1\r\nHost: {h}")).status,
            200,
            "Host {h}"
        );
    }

    // No CORS for foreign origins, on pages and on the server's own endpoints.
    for path in [
        "/",
        "/css/extra.css",
        "/index.xml",
        "/rss.xml",
        "/__gen/livereload.js",
    ] {
        let r = req(&format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.example"
        ));
        assert!(r.header("access-control-allow-origin").is_none(), "{path}");
    }
    for path in ["/__gen/events", "/__gen/status"] {
        let r = req(&format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.example"
        ));
        assert_eq!(r.status, 403, "{path} with a foreign Origin");
        assert!(r.header("access-control-allow-origin").is_none());
    }

    // 404: the site's page, with status 404.
    let r = srv.get("/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let doc = html(&r);
    assert!(
        count(&doc, "body.page-404") + count(&doc, "main") > 0,
        "{}",
        r.text()
    );
    // Under a language's folder, that language's not-found page.
    let r = srv.get("/ru/no/such/page/");
    assert_eq!(r.status, 404);
    let doc = html(&r);
    let s = scraper::Selector::parse("html").unwrap();
    assert_eq!(
        doc.select(&s).next().and_then(|e| e.value().attr("lang")),
        Some("ru"),
        "{}",
        r.text()
    );
    // A folder without index.html: 404, never a listing.
    let r = srv.get("/css/");
    assert_eq!(r.status, 404);
    assert!(!r.text().contains("extra.css"));
    // A folder without its slash: redirect.
    let r = srv.get("/tags");
    assert!(matches!(r.status, 301 | 302 | 307 | 308), "{}", r.status);
    assert_eq!(r.header("location"), Some("/tags/"));

    // Content types, with charset for text.
    let check = |path: &str, want: &str| {
        let r = srv.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(want), "{path}");
    };
    check("/", "text/html; charset=utf-8");
    check("/2024/03/01/alpha/", "text/html; charset=utf-8");
    check("/css/extra.css", "text/css; charset=utf-8");
    check("/rss.xml", "application/xml; charset=utf-8");
    check("/feed.json", "application/json; charset=utf-8");
    check("/robots.txt", "text/plain; charset=utf-8");
    check("/__gen/livereload.js", "text/javascript; charset=utf-8");

    // HEAD: the same headers, no body.
    let get = srv.get("/2024/03/01/alpha/");
    let head = req(&format!("HEAD /2024/03/01/alpha/ HTTP/1.1\r\nHost: {host}"));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), get.header("content-length"));
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(head.header("content-type"), get.header("content-type"));

    // Only GET and HEAD.
    for m in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let r = req(&format!(
            "{m} / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0"
        ));
        assert_eq!(r.status, 405, "{m}");
        assert!(r.header("allow").unwrap().contains("GET"));
    }

    // Conditional requests.
    for path in ["/css/extra.css", "/2024/03/01/alpha/"] {
        let r = srv.get(path);
        let etag = r.header("etag").expect("etag").to_string();
        let again = req(&format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nIf-None-Match: {etag}"
        ));
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        let other = req(&format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nIf-None-Match: \"nope\""
        ));
        assert_eq!(other.status, 200);
    }

    // The live-reload script is in served pages only.
    let doc = html(&srv.get("/2024/03/01/alpha/"));
    assert_eq!(count(&doc, "script[src='/__gen/livereload.js']"), 1);
    let served = tree(&srv.served_dir());
    for (rel, bytes) in &served {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("__gen") && !text.contains("livereload"),
            "{rel}"
        );
    }
}

#[test]
fn error_overlay_then_fix() {
    let site = Site::standard();
    let srv = Server::start(&site, &[]);
    let page = "/2024/03/02/beta/";
    assert_eq!(
        select_text(&html(&srv.get(page)), "h1").as_deref(),
        Some("Beta story")
    );
    let good = site.read("content/en/beta.md");

    // Break the YAML of beta, and add a hostile file name with broken YAML.
    let b = srv.builds();
    site.write(
        "content/en/beta.md",
        &good.replace(
            "title: Beta story",
            "title: Beta story changed\ntags: [unclosed",
        ),
    );
    site.write(
        "content/en/<img src=x onerror=alert(1)>.md",
        "---\ntitle: [oops\ndate: 2024-01-01\n---\nx\n",
    );
    let st = srv.wait_builds(b + 1);
    if st["ok"].as_bool().unwrap() || st["errors"].as_array().unwrap().len() < 2 {
        // The two writes may land in two builds; wait for the second.
        srv.wait_builds(b + 2);
    }
    let st = srv.status();
    assert!(!st["ok"].as_bool().unwrap(), "{st}");
    let r = srv.get(page);
    assert_eq!(r.status, 200, "the last good build is still served");
    assert_eq!(r.header("x-gen-build-error"), Some("1"));
    let err = srv.stderr.lock().unwrap().clone();
    assert!(err.contains("still serving the last good build"), "{err}");
    let doc = html(&r);
    assert_eq!(select_text(&doc, "h1").as_deref(), Some("Beta story"));
    let overlay = select_text(&doc, "#gen-error-overlay").expect("overlay");
    assert!(overlay.contains("content/en/beta.md:"), "{overlay}");
    assert!(
        overlay.contains("<img src=x onerror=alert(1)>.md"),
        "{overlay}"
    );
    assert_eq!(
        count(&doc, "#gen-error-overlay img"),
        0,
        "the file name is text"
    );
    assert_eq!(count(&doc, "img[onerror]"), 0);
    // Each diagnostic names file and line.
    for e in st["errors"].as_array().unwrap() {
        assert!(e["line"].as_u64().unwrap() > 0, "{e}");
    }
    // Other pages carry the overlay too, and so does the 404 page.
    let home = html(&srv.get("/"));
    assert_eq!(count(&home, "#gen-error-overlay"), 1);
    let missing = srv.get("/nope/");
    assert_eq!(missing.status, 404);
    assert_eq!(count(&html(&missing), "#gen-error-overlay"), 1);

    // Fix both: the overlay goes, the new content is served.
    let b = srv.builds();
    std::fs::remove_file(
        site.root()
            .join("content/en/<img src=x onerror=alert(1)>.md"),
    )
    .unwrap();
    site.write(
        "content/en/beta.md",
        &good.replace("title: Beta story", "title: Beta story fixed"),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let st = srv.wait_builds(b + 1);
        if st["ok"].as_bool().unwrap() {
            break;
        }
        assert!(Instant::now() < deadline, "never recovered: {st}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let r = srv.get(page);
    assert!(r.header("x-gen-build-error").is_none());
    let doc = html(&r);
    assert_eq!(count(&doc, "#gen-error-overlay"), 0);
    assert_eq!(select_text(&doc, "h1").as_deref(), Some("Beta story fixed"));
}

#[test]
fn atomic_saves_and_bursts_build_once() {
    let site = Site::standard();
    let srv = Server::start(&site, &[]);

    // An editor's atomic save: write a temporary file, rename it over the article.
    let b = srv.builds();
    let text = site
        .read("content/en/gamma.md")
        .replace("Gamma body text.", "Gamma saved atomically.");
    site.write("content/en/.gamma.md.tmp", &text);
    site.rename("content/en/.gamma.md.tmp", "content/en/gamma.md");
    srv.wait_builds(b + 1);
    srv.assert_no_more_builds(b + 1);
    assert!(
        srv.get("/2024/03/03/gamma/")
            .text()
            .contains("Gamma saved atomically.")
    );

    // vim's default save: probe file 4913, backup by rename, write the new file, drop the backup.
    let b = srv.builds();
    let text = site
        .read("content/en/gamma.md")
        .replace("Gamma saved atomically.", "Gamma saved by vim.");
    site.write("content/en/4913", "");
    site.remove("content/en/4913");
    site.rename("content/en/gamma.md", "content/en/gamma.md~");
    site.write("content/en/gamma.md", &text);
    site.remove("content/en/gamma.md~");
    srv.wait_builds(b + 1);
    srv.assert_no_more_builds(b + 1);
    assert!(
        srv.get("/2024/03/03/gamma/")
            .text()
            .contains("Gamma saved by vim.")
    );

    // A swap file alone builds nothing.
    let b = srv.builds();
    site.write("content/en/.gamma.md.swp", "swap");
    srv.assert_no_more_builds(b);

    // 50 new articles at once: one build, all served.
    let b = srv.builds();
    for i in 0..50 {
        site.write(
            &format!("content/en/burst-{i:02}.md"),
            &article(
                &format!("Burst {i}"),
                &format!("2024-02-{:02}T08:00:00Z", i % 28 + 1),
                "tags: [burst]\n",
                "Burst body.",
            ),
        );
    }
    let st = srv.wait_builds(b + 1);
    srv.assert_no_more_builds(b + 1);
    assert!(st["ok"].as_bool().unwrap(), "{st}");
    for i in [0, 17, 49] {
        let r = srv.get(&format!("/2024/02/{:02}/burst-{i:02}/", i % 28 + 1));
        assert_eq!(r.status, 200, "burst-{i:02}");
    }
    let tag = html(&srv.get("/tags/burst/"));
    assert!(count(&tag, "main a") >= 3);
}

#[test]
fn deleted_and_renamed_articles_disappear_everywhere() {
    let site = Site::standard();
    let srv = Server::start(&site, &[]);
    assert_eq!(srv.get("/2024/03/04/delta/").status, 200);
    assert!(srv.get("/tags/energy/").text().contains("Delta story"));
    assert!(srv.get("/rss.xml").text().contains("Delta story"));

    let b = srv.builds();
    site.remove("content/en/delta.md");
    let st = srv.wait_builds(b + 1);
    assert!(st["ok"].as_bool().unwrap(), "{st}");
    assert_eq!(srv.get("/2024/03/04/delta/").status, 404);
    for page in [
        "/",
        "/tags/energy/",
        "/tags/dams/",
        "/authors/",
        "/rss.xml",
        "/atom.xml",
        "/feed.json",
        "/sitemap.xml",
        "/2024/03/03/gamma/",
    ] {
        let r = srv.get(page);
        assert!(
            !r.text().contains("Delta story") && !r.text().contains("/delta/"),
            "{page} still shows delta"
        );
    }
    // The author of delta only: their page is gone.
    assert_eq!(srv.get("/authors/cy-editor/").status, 404);
    let served = srv.served_dir();
    assert!(!served.join("2024/03/04/delta").exists());

    // Rename: the new URL is served, the old one is gone.
    let b = srv.builds();
    site.rename("content/en/gamma.md", "content/en/gamma-renamed.md");
    srv.wait_builds(b + 1);
    assert_eq!(srv.get("/2024/03/03/gamma/").status, 404);
    assert_eq!(srv.get("/2024/03/03/gamma-renamed/").status, 200);
    assert!(
        srv.get("/tags/energy/")
            .text()
            .contains("/2024/03/03/gamma-renamed/")
    );

    // A folder created with files in it: its pages appear.
    let b = srv.builds();
    let staging = site.dir.path().join("staging");
    std::fs::create_dir_all(staging.join("new")).unwrap();
    std::fs::write(
        staging.join("new/one.md"),
        article("New one", "2024-04-01T00:00:00Z", "", "One."),
    )
    .unwrap();
    std::fs::write(
        staging.join("new/two.md"),
        article("New two", "2024-04-02T00:00:00Z", "", "Two."),
    )
    .unwrap();
    std::fs::rename(staging.join("new"), site.root().join("content/en/new")).unwrap();
    srv.wait_builds(b + 1);
    assert_eq!(srv.get("/2024/04/01/one/").status, 200);
    assert_eq!(srv.get("/2024/04/02/two/").status, 200);
}

/// Reads server-sent events off a raw connection.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(port: u16, origin: Option<&str>) -> (u16, Option<Events>) {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let origin = origin
            .map(|o| format!("Origin: {o}\r\n"))
            .unwrap_or_default();
        s.write_all(
            format!("GET /__gen/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{origin}\r\n")
                .as_bytes(),
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        (status, (status == 200).then_some(Events { reader }))
    }

    /// The next event: (name, data), skipping comments (keep-alives).
    fn next(&mut self) -> (String, serde_json::Value) {
        let mut name = String::new();
        let mut data = String::new();
        loop {
            // Chunked transfer: a size line, then the chunk.
            let mut size = String::new();
            self.reader.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                continue;
            }
            let mut chunk = vec![0u8; n + 2];
            self.reader.read_exact(&mut chunk).unwrap();
            for line in String::from_utf8_lossy(&chunk[..n]).lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            if !name.is_empty() && !data.is_empty() {
                return (name, serde_json::from_str(&data).unwrap());
            }
        }
    }
}

#[test]
fn live_reload_events_follow_builds() {
    let site = Site::standard();
    let srv = Server::start(&site, &[]);
    assert_eq!(Events::open(srv.port, Some("http://evil.example")).0, 403);
    let (status, events) = Events::open(srv.port, Some(&format!("http://127.0.0.1:{}", srv.port)));
    assert_eq!(status, 200);
    let mut events = events.unwrap();
    let (name, hello) = events.next();
    assert_eq!(name, "hello");
    let generation = hello["generation"].as_u64().unwrap();

    // An article edit: a reload naming the article's file, sent once the new page is served.
    let text = site
        .read("content/en/beta.md")
        .replace("Beta body text.", "Beta body, live.");
    site.write("content/en/beta.md", &text);
    let (name, ev) = events.next();
    assert_eq!(name, "reload");
    assert!(ev["generation"].as_u64().unwrap() > generation);
    let files: Vec<&str> = ev["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(files.contains(&"2024/03/02/beta/index.html"), "{files:?}");
    assert!(
        srv.get("/2024/03/02/beta/")
            .text()
            .contains("Beta body, live.")
    );

    // Then the follow-up build that brings the search index up to date, after the page.
    let (name, ev) = events.next();
    assert_eq!(name, "reload", "{ev}");
    let files = ev["files"].as_array().unwrap();
    assert!(
        !files.is_empty()
            && files
                .iter()
                .all(|f| f.as_str().unwrap().starts_with("search-index/")),
        "{ev}"
    );

    // A stylesheet edit: a `css` event, no reload.
    site.write("static/css/extra.css", "body { color: navy; }\n");
    let (name, ev) = events.next();
    assert_eq!(name, "css", "{ev}");
    assert_eq!(ev["files"], serde_json::json!(["css/extra.css"]));
    assert!(srv.get("/css/extra.css").text().contains("navy"));
}

#[test]
fn stops_cleanly_and_reports_usage_errors() {
    let site = Site::standard();
    // The user's own output folder, which serve must never touch.
    site.write("public/keep.txt", "mine");
    let files_before: Vec<PathBuf> = walkdir::WalkDir::new(site.root())
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .collect();
    let mut srv = Server::start(&site, &[]);
    let served = srv.served_dir();
    assert!(served.join("index.html").is_file());
    // A second server on the same port: a clear error naming --port, exit 2.
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["serve", "--port", &srv.port.to_string(), "--root"])
        .arg(site.root())
        .env("TMPDIR", site.tmp())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--port") && err.contains("in use"), "{err}");

    let b = srv.builds();
    site.write(
        "content/en/alpha.md",
        &site
            .read("content/en/alpha.md")
            .replace("Alpha body", "Alpha edited body"),
    );
    srv.wait_builds(b + 1);
    let status = srv.interrupt();
    assert_eq!(
        status.code(),
        Some(0),
        "stderr:\n{}",
        srv.stderr.lock().unwrap()
    );
    assert!(!served.exists(), "the temporary folder is removed");
    let left: Vec<_> = std::fs::read_dir(site.tmp())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("gen-serve-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(site.read("public/keep.txt"), "mine");
    let files_after: Vec<PathBuf> = walkdir::WalkDir::new(site.root())
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .collect();
    assert_eq!(
        files_before, files_after,
        "serve wrote into the site folder"
    );
    assert_eq!(
        std::fs::read_dir(site.root().join("public"))
            .unwrap()
            .count(),
        1
    );

    // --debounce 0 is a usage error.
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["serve", "--debounce", "0", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// When the very first build fails there is no good build to fall back on: the terminal says
/// so (not "still serving the last good build"), and pages show the errors.
#[test]
fn a_failing_first_build_says_nothing_is_built() {
    let site = Site::standard();
    site.write(
        "content/en/beta.md",
        &site
            .read("content/en/beta.md")
            .replace("title: Beta story", "title: [unclosed"),
    );
    let srv = Server::start(&site, &[]);
    let st = srv.status();
    assert!(!st["ok"].as_bool().unwrap(), "{st}");
    let err = srv.stderr.lock().unwrap().clone();
    assert!(err.contains("nothing is built yet"), "{err}");
    assert!(!err.contains("last good build"), "{err}");
    let doc = html(&srv.get("/"));
    let overlay = select_text(&doc, "#gen-error-overlay").expect("overlay");
    assert!(overlay.contains("content/en/beta.md:"), "{overlay}");
}

/// A server killed with SIGKILL cannot remove its private folder (a full copy of the site);
/// the next server removes it, and only it: not the folder of a server still running (its lock
/// is held) nor one of an older gen (no lock file).
#[test]
fn a_killed_servers_folder_is_removed_by_the_next_server() {
    let site = Site::standard();
    let mut first = Server::start(&site, &[]);
    let left = first.served_dir().parent().unwrap().to_path_buf();
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert!(
        left.join("site/index.html").is_file(),
        "SIGKILL leaves the folder"
    );
    let age = |dir: &std::path::Path| {
        let f = std::fs::File::options()
            .write(true)
            .open(dir.join(".lock"))
            .unwrap();
        f.set_modified(std::time::SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
    };
    age(&left);
    // A server still running elsewhere: its lock is held (here, by this test).
    let running = site.tmp().join("gen-serve-1-running");
    std::fs::create_dir_all(running.join("site")).unwrap();
    let held = std::fs::File::create(running.join(".lock")).unwrap();
    held.lock().unwrap();
    age(&running);
    // A folder without a lock file, as older versions made them.
    let older = site.tmp().join("gen-serve-2-older");
    std::fs::create_dir_all(older.join("site")).unwrap();

    let mut second = Server::start(&site, &[]);
    assert!(!left.exists(), "the killed server's folder is removed");
    assert!(
        running.join("site").is_dir(),
        "a running server's folder is kept"
    );
    assert!(
        older.join("site").is_dir(),
        "a folder without a lock is kept"
    );
    let err = second.stderr.lock().unwrap().clone();
    assert!(
        err.contains("removed a preview folder left by dev servers that were killed")
            && err.contains(&*left.to_string_lossy()),
        "{err}"
    );
    let own: Vec<PathBuf> = std::fs::read_dir(site.tmp())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("gen-serve-")
                && *p != running
                && *p != older
        })
        .collect();
    assert_eq!(own.len(), 1, "{own:?}");
    let own = &own[0];
    assert!(own.join("site/index.html").is_file());
    assert_eq!(second.interrupt().code(), Some(0));
    assert!(!own.exists());
    drop(held);
}

#[test]
fn binding_all_interfaces_warns() {
    let site = Site::standard();
    let srv = Server::start(&site, &["--bind", "0.0.0.0"]);
    let err = srv.stderr.lock().unwrap().clone();
    assert!(err.contains("network") && err.contains("drafts"), "{err}");
    // Any IP literal of this machine is fine; a name is not.
    assert_eq!(srv.get("/").status, 200);
    let r = raw(
        srv.port,
        &format!(
            "GET / HTTP/1.1\r\nHost: rebind.example:{}\r\nConnection: close\r\n\r\n",
            srv.port
        ),
    );
    assert_eq!(r.status, 403);
}

#[test]
fn scheduled_articles_are_previews_until_their_time_then_published_without_a_restart() {
    // Due fifteen seconds from now, by the real clock (the server reads it, not a fixed epoch).
    let due = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(15);
    let due = due.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let site = Site::new(&[
        (
            "content/en/now.md",
            &article(
                "Published story",
                "2024-03-01T10:00:00Z",
                "",
                "Out already.",
            ),
        ),
        (
            "content/en/soon.md",
            &article("Embargoed story", &due, "slug: soon\n", "Not yet."),
        ),
    ]);
    let srv = Server::start_with_clock(&site, &[], None);
    let path = format!("/{}/soon/", &due[..10].replace('-', "/"));
    let page = html(&srv.get(&path));
    let notice = select_text(&page, ".notice.scheduled").expect("marked as a preview");
    assert!(notice.contains("not published yet"), "{notice}");
    let home = html(&srv.get("/"));
    assert_eq!(count(&home, ".scheduled-badge"), 1);
    // When its time has come, the server builds again by itself.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = html(&srv.get(&path));
        if select_text(&page, ".notice.scheduled").is_none() {
            assert_eq!(select_text(&page, "h1").as_deref(), Some("Embargoed story"));
            break;
        }
        assert!(Instant::now() < deadline, "still a preview after its time");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(count(&html(&srv.get("/")), ".scheduled-badge"), 0);
}

/// A free port for a server that must come back on the same address (its pages name it).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn incremental_serve_starts_from_what_it_kept() {
    let site = Site::standard();
    let port = free_port().to_string();
    let args = ["--incremental", "--port", port.as_str()];
    let kept = site.root().join(".gen-cache/serve/site");
    // The kept folder holds what a clean build (the `n`th) of the same files writes.
    let assert_clean = |url: &str, n: usize| {
        let clean = site.clean_build(url, n);
        let report = tree_report(&tree(&kept), &tree(&clean));
        assert!(report.is_none(), "{report:?}");
    };
    let mut srv = Server::start(&site, &args);
    srv.wait_quiet();
    let temporary = |site: &Site| {
        std::fs::read_dir(site.tmp())
            .map(|d| {
                d.flatten()
                    .any(|e| e.file_name().to_string_lossy().starts_with("gen-serve-"))
            })
            .unwrap_or(false)
    };
    assert!(
        !temporary(&site),
        "served from .gen-cache/serve/site, not a temporary folder"
    );
    assert_clean(&srv.url, 1);
    assert!(srv.interrupt().success());
    assert!(site.root().join(".gen-cache/serve/state").is_file());
    assert!(!site.root().join(".gen-cache/serve/lock").exists());

    // Started again with nothing changed: nothing is rendered, the folder is what it was.
    let before = tree(&kept);
    let mut srv = Server::start(&site, &args);
    let st = srv.wait_quiet();
    assert_eq!(st["last"]["rendered"].as_u64(), Some(0), "{st}");
    // No follow-up either: the search index and related reading were kept.
    assert_eq!(st["settles"].as_u64(), Some(0), "{st}");
    assert_eq!(st["last"]["written"].as_u64(), Some(0), "{st}");
    assert!(tree_report(&tree(&kept), &before).is_none());
    // While it runs, a second server of the site asking for the same serves from a temporary
    // folder, and says so.
    let other = Server::start(&site, &["--incremental"]);
    other.wait_quiet();
    assert_ne!(other.served_dir(), kept);
    assert!(other.stderr.lock().unwrap().contains("temporary folder"));
    drop(other);
    assert!(srv.interrupt().success());

    // An edit while no server ran is seen at the next start, and the result is a clean build's.
    let text = site.read("content/en/alpha.md");
    site.write(
        "content/en/alpha.md",
        &text.replace("title: Alpha story", "title: Alpha story, corrected"),
    );
    let mut srv = Server::start(&site, &args);
    srv.wait_quiet();
    assert_clean(&srv.url, 2);
    let page = tree(&kept).into_iter().find(|(p, b)| {
        p.ends_with("index.html") && String::from_utf8_lossy(b).contains("Alpha story, corrected")
    });
    assert!(page.is_some(), "the edit is served");
    assert!(srv.interrupt().success());

    // The kept folder is served from the start, before the first build has looked at what
    // changed: here a file broken while no server ran, so that first build fails. The pages
    // are the kept ones, with the overlay of a failed change over a good build.
    let good = site.read("content/en/alpha.md");
    site.write(
        "content/en/alpha.md",
        &good.replace("title: Alpha story, corrected", "title: [unclosed"),
    );
    let before = tree(&kept);
    let mut srv = Server::start(&site, &args);
    let st = srv.wait_quiet();
    assert_eq!(st["builds"].as_u64(), Some(1), "{st}");
    assert_eq!(st["ok"].as_bool(), Some(false), "{st}");
    assert_eq!(st["have_build"].as_bool(), Some(true), "{st}");
    assert!(
        srv.stderr
            .lock()
            .unwrap()
            .contains("serving the site the last gen serve kept"),
        "{}",
        srv.stderr.lock().unwrap()
    );
    assert!(tree_report(&tree(&kept), &before).is_none());
    let home = srv.get("/");
    assert_eq!(home.status, 200);
    let doc = html(&home);
    let overlay = select_text(&doc, "#gen-error-overlay").expect("overlay");
    assert!(
        overlay.contains("You are seeing the last good build"),
        "{overlay}"
    );
    assert!(overlay.contains("content/en/alpha.md:"), "{overlay}");
    assert!(
        select_text(&doc, "main")
            .unwrap_or_default()
            .contains("Alpha story, corrected"),
        "the kept home page"
    );
    // Fixed, it builds like any other change, and the folder is a clean build's again.
    site.write("content/en/alpha.md", &good);
    srv.wait_builds(2);
    srv.wait_quiet();
    assert_clean(&srv.url, 3);
    assert!(srv.interrupt().success());

    // The folder is served on the word of the state's header; when the records after it do
    // not read back (a damaged file), the folder is emptied and everything is built again.
    let state = site.root().join(".gen-cache/serve/state");
    let mut bytes = std::fs::read(&state).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 0x55;
    std::fs::write(&state, &bytes).unwrap();
    // A file no build makes: an emptied folder loses it (a kept one would keep it).
    std::fs::write(kept.join("stray.html"), "stray").unwrap();
    let mut srv = Server::start(&site, &args);
    let st = srv.wait_quiet();
    assert_eq!(st["ok"].as_bool(), Some(true), "{st}");
    assert_eq!(st["have_build"].as_bool(), Some(true), "{st}");
    let err = srv.stderr.lock().unwrap().clone();
    assert!(
        err.contains("serving the site the last gen serve kept"),
        "the header was good, so the folder was served at once: {err}"
    );
    assert!(!kept.join("stray.html").exists(), "{err}");
    assert_clean(&srv.url, 4);
    assert!(srv.interrupt().success());
}

/// `--verbose` prints, after each rebuild's line, its stages with their milliseconds (what
/// `bench/serve.sh` keeps in serve.log to show where a save's time goes).
#[test]
fn verbose_prints_each_rebuilds_stages() {
    let site = Site::standard();
    let srv = Server::start(&site, &["--verbose"]);
    let b = srv.builds();
    let text = site
        .read("content/en/gamma.md")
        .replace("Gamma body text.", "Gamma body, timed.");
    site.write("content/en/gamma.md", &text);
    srv.wait_builds(b + 1);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let stages = loop {
        let err = srv.stderr.lock().unwrap().clone();
        let after = err
            .split_once("rebuilt in ")
            .and_then(|(_, rest)| rest.lines().nth(1).map(str::to_string));
        match after {
            Some(line) => break line,
            None if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            None => panic!("no stages after the rebuild line:\n{err}"),
        }
    };
    let list = stages
        .strip_prefix("  stages (ms): ")
        .unwrap_or_else(|| panic!("{stages:?}"));
    let names: Vec<&str> = list
        .split(", ")
        .map(|entry| {
            let (name, ms) = entry.rsplit_once(' ').expect("name and milliseconds");
            let ms: f64 = ms.parse().unwrap_or_else(|_| panic!("{entry:?}"));
            assert!(ms >= 0.0, "{entry:?}");
            name
        })
        .collect();
    for stage in ["sources", "model", "signatures", "render", "commit"] {
        assert!(names.contains(&stage), "no {stage} in {stages:?}");
    }
}
