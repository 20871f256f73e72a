//! Deploy end to end: the example site built for the sub-path `/news/`, served by Debian's real
//! nginx with the configuration docs/deploy.md recommends, and crawled from `/news/` through
//! every link, stylesheet, script, image, feed and sitemap. Nothing may be broken, redirect, or
//! lead out of `/news/`.
//!
//! Needs `/usr/sbin/nginx` (`apt-get install nginx`), hence the `external` feature.
#![cfg(feature = "external")]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// nginx, stopped when dropped (also when the test fails).
struct Nginx {
    child: Child,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn nginx_conf(tmp: &Path, out: &Path, port: u16) -> String {
    let t = tmp.display();
    format!(
        r#"# One process, in the foreground, everything under the test's folder.
master_process off;
worker_processes 1;
pid {t}/nginx.pid;
error_log {t}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    # Feeds and sitemaps are UTF-8; say so, or some readers guess Latin-1.
    charset utf-8;
    charset_types text/xml text/plain text/css application/xml
                  application/rss+xml application/atom+xml application/json
                  application/feed+json application/javascript;
    access_log {t}/access.log;
    client_body_temp_path {t}/body;
    proxy_temp_path {t}/proxy;
    fastcgi_temp_path {t}/fastcgi;
    uwsgi_temp_path {t}/uwsgi;
    scgi_temp_path {t}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        location /news/ {{
            alias {out}/;
            error_page 404 /news/404.html;
        }}
    }}
}}
"#,
        out = out.display()
    )
}

fn start_nginx(tmp: &Path, conf: &Path, port: u16) -> Nginx {
    let child = Command::new("/usr/sbin/nginx")
        .arg("-c")
        .arg(conf)
        .arg("-p")
        .arg(tmp)
        .args(["-g", "daemon off;"])
        .stdin(Stdio::null())
        .spawn()
        .expect("start /usr/sbin/nginx (apt-get install nginx)");
    let nginx = Nginx { child };
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let start = Instant::now();
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            std::fs::read_to_string(tmp.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

/// A fetched resource.
struct Fetched {
    status: u16,
    content_type: String,
    body: String,
}

fn fetch(agent: &ureq::Agent, url: &str) -> Fetched {
    let mut resp = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    Fetched {
        status,
        content_type,
        body,
    }
}

/// The references of an HTML page the crawl follows.
fn html_refs(body: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(body);
    let mut out = Vec::new();
    for (sel, attr) in [
        ("a[href]", "href"),
        ("link[href]", "href"),
        ("img[src]", "src"),
        ("script[src]", "src"),
    ] {
        let s = scraper::Selector::parse(sel).unwrap();
        out.extend(
            doc.select(&s)
                .filter_map(|e| e.value().attr(attr))
                .map(str::to_string),
        );
    }
    out
}

/// URLs in a feed or sitemap: `<loc>`, RSS `<link>`/`<guid>`, Atom `<link href>`, `<id>`.
fn xml_refs(body: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(body).unwrap_or_else(|e| panic!("XML: {e}"));
    let mut out = Vec::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "loc" | "link" | "guid" | "id" => {
                if let Some(t) = n.text() {
                    out.push(t.trim().to_string());
                }
                if let Some(h) = n.attribute("href") {
                    out.push(h.to_string());
                }
            }
            _ => {
                if let Some(h) = n.attribute("href") {
                    out.push(h.to_string());
                }
            }
        }
    }
    out
}

/// URLs in a JSON Feed.
fn json_refs(body: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("JSON: {e}"));
    let mut out = Vec::new();
    for key in ["home_page_url", "feed_url"] {
        if let Some(u) = v[key].as_str() {
            out.push(u.to_string());
        }
    }
    for item in v["items"].as_array().into_iter().flatten() {
        for key in ["url", "id", "image"] {
            if let Some(u) = item[key].as_str() {
                out.push(u.to_string());
            }
        }
    }
    out
}

/// Resolves a reference against the URL of the page it is on; `None` for other sites.
fn resolve(base: &url_lite::Url, reference: &str) -> Option<String> {
    url_lite::join(base, reference)
}

/// Just enough URL handling for one host: absolute, root-relative and relative references,
/// `.` and `..` segments, fragments dropped.
mod url_lite {
    pub struct Url {
        pub origin: String,
        pub path: String,
    }

    pub fn parse(url: &str) -> Url {
        let rest = url.strip_prefix("http://").expect("http URL");
        let slash = rest.find('/').unwrap_or(rest.len());
        Url {
            origin: format!("http://{}", &rest[..slash]),
            path: rest[slash..].split('#').next().unwrap_or("/").to_string(),
        }
    }

    pub fn join(base: &Url, reference: &str) -> Option<String> {
        let reference = reference.split('#').next().unwrap_or("").trim();
        if reference.is_empty() {
            return Some(format!("{}{}", base.origin, base.path));
        }
        if let Some(rest) = reference
            .strip_prefix("http://")
            .or_else(|| reference.strip_prefix("https://"))
        {
            let host = rest.split('/').next().unwrap_or("");
            if format!("http://{host}") != base.origin {
                return None;
            }
            return Some(format!("http://{rest}"));
        }
        if reference.starts_with("//") || reference.contains(':') && !reference.starts_with('/') {
            // Another host, mailto:, tel:, javascript:…: not ours.
            let scheme = reference.split(':').next().unwrap_or("");
            if reference.starts_with("//") || !scheme.contains('/') {
                return None;
            }
        }
        let (path, query) = match reference.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (reference, None),
        };
        let joined = if path.starts_with('/') {
            path.to_string()
        } else {
            let dir = &base.path[..base.path.rfind('/').map(|i| i + 1).unwrap_or(0)];
            format!("{dir}{path}")
        };
        let mut segs: Vec<&str> = Vec::new();
        let parts: Vec<&str> = joined.split('/').collect();
        for (i, s) in parts.iter().enumerate() {
            match *s {
                "." => {}
                ".." => {
                    segs.pop();
                }
                "" if i != 0 && i != parts.len() - 1 => {}
                s => segs.push(s),
            }
        }
        let mut p = segs.join("/");
        if !p.starts_with('/') {
            p.insert(0, '/');
        }
        Some(match query {
            Some(q) => format!("{}{p}?{q}", base.origin),
            None => format!("{}{p}", base.origin),
        })
    }
}

#[test]
fn example_site_under_news_on_nginx_has_no_broken_or_escaping_links() {
    let tmp = tempfile::tempdir().unwrap();
    // nginx workers may run as another user: let them read the output.
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let out = tmp.path().join("site");
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let base = format!("{origin}/news/");

    let build = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--quiet", "--root", env!("CARGO_MANIFEST_DIR")])
        .arg("--base-url")
        .arg(&base)
        .arg("--output")
        .arg(&out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(out.join("404.html").is_file(), "404.html at the root");

    let conf = tmp.path().join("nginx.conf");
    std::fs::write(&conf, nginx_conf(tmp.path(), &out, port)).unwrap();
    let _nginx = start_nginx(tmp.path(), &conf, port);

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();

    // Crawl: every page, asset, feed and sitemap reachable from /news/.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    let mut problems: Vec<String> = Vec::new();
    let mut kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    queue.push_back((base.clone(), "(start)".into()));
    // Sitemaps are announced in robots.txt when the site has one.
    let robots = fetch(&agent, &format!("{base}robots.txt"));
    if robots.status == 200 {
        for line in robots.body.lines() {
            if let Some(u) = line.strip_prefix("Sitemap:") {
                queue.push_back((u.trim().to_string(), "robots.txt".into()));
            }
        }
    }
    seen.insert(base.clone());
    while let Some((url, from)) = queue.pop_front() {
        let r = fetch(&agent, &url);
        if r.status != 200 {
            problems.push(format!("{} {url} (linked from {from})", r.status));
            continue;
        }
        let path = url_lite::parse(&url).path;
        let refs = if r.content_type.starts_with("text/html") {
            *kinds.entry("html").or_default() += 1;
            html_refs(&r.body)
        } else if path.ends_with(".xml") {
            *kinds.entry("xml").or_default() += 1;
            if !r
                .content_type
                .to_ascii_lowercase()
                .contains("charset=utf-8")
            {
                problems.push(format!(
                    "{url} is served as {} without charset=utf-8",
                    r.content_type
                ));
            }
            xml_refs(&r.body)
        } else if path.ends_with(".json") {
            *kinds.entry("json").or_default() += 1;
            if !r
                .content_type
                .to_ascii_lowercase()
                .contains("charset=utf-8")
            {
                problems.push(format!(
                    "{url} is served as {} without charset=utf-8",
                    r.content_type
                ));
            }
            json_refs(&r.body)
        } else {
            *kinds.entry("other").or_default() += 1;
            Vec::new()
        };
        let here = url_lite::parse(&url);
        for reference in refs {
            let Some(next) = resolve(&here, &reference) else {
                continue;
            };
            if !next.starts_with(&base) {
                problems.push(format!(
                    "`{reference}` on {url} leads out of /news/: {next}"
                ));
                continue;
            }
            if seen.insert(next.clone()) {
                queue.push_back((next, url.clone()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    eprintln!("crawled {} URLs under /news/: {kinds:?}", seen.len());
    // The crawl reached the whole site: every article page and the stylesheet.
    let built_pages = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .count();
    assert!(
        kinds["html"] >= built_pages,
        "crawled {} HTML pages of {built_pages}: {kinds:?}",
        kinds["html"]
    );
    assert!(seen.iter().any(|u| u.contains("/news/css/")), "{seen:#?}");
    assert!(
        kinds.get("xml").copied().unwrap_or(0) > 0,
        "feeds were fetched: {kinds:?}"
    );

    // A missing page gets the site's 404 page, whose links work at any depth.
    let missing = fetch(&agent, &format!("{base}no/such/page/"));
    assert_eq!(missing.status, 404);
    let refs = html_refs(&missing.body);
    assert!(!refs.is_empty(), "the 404 page is gen's: {}", missing.body);
    let deep = url_lite::parse(&format!("{base}no/such/page/"));
    for reference in refs.iter().filter(|r| !r.starts_with('#')) {
        if let Some(u) = resolve(&deep, reference) {
            assert!(u.starts_with(&base), "404 page link {reference} → {u}");
            assert_eq!(
                fetch(&agent, &u).status,
                200,
                "404 page link {reference} → {u}"
            );
        }
    }
}

/// An article whose slug changed: the next build of the same folder writes its old URL into
/// `redirects.nginx.map`, and nginx, configured as README's "Moved articles" says, answers the
/// old URL (with and without its slash) with a 301 to the new one.
#[test]
fn nginx_follows_the_redirect_map_with_a_301() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let site = tmp.path().join("src");
    let out = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content/en")).unwrap();
    std::fs::write(
        site.join("site.toml"),
        "title = \"Desk\"\nbase_url = \"https://desk.example/\"\n[languages.en]\nname = \"English\"\n",
    )
    .unwrap();
    let write = |slug: &str| {
        std::fs::write(
            site.join("content/en/port.md"),
            format!("---\ntitle: Port strike\ndate: 2024-01-05\nslug: {slug}\n---\nDockers.\n"),
        )
        .unwrap()
    };
    let build = || {
        let o = Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(["build", "--quiet", "--root"])
            .arg(&site)
            .arg("--output")
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", "1709251200")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    write("port-strike");
    build();
    write("port-strike-ends");
    build();

    let port = free_port();
    let t = tmp.path().display();
    let conf = format!(
        r#"master_process off;
worker_processes 1;
pid {t}/nginx.pid;
error_log {t}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {t}/access.log;
    client_body_temp_path {t}/body;
    proxy_temp_path {t}/proxy;
    fastcgi_temp_path {t}/fastcgi;
    uwsgi_temp_path {t}/uwsgi;
    scgi_temp_path {t}/scgi;
    map $uri $gen_redirect {{
        default "";
        include {out}/redirects.nginx.map;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {out};
        if ($gen_redirect) {{
            return 301 $gen_redirect;
        }}
    }}
}}
"#,
        out = out.display()
    );
    let conf_path = tmp.path().join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let _nginx = start_nginx(tmp.path(), &conf_path, port);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    for old in [
        "/2024/01/05/port-strike/",
        "/2024/01/05/port-strike",
        "/2024/01/05/port-strike/index.html",
    ] {
        let r = agent
            .get(&format!("http://127.0.0.1:{port}{old}"))
            .call()
            .unwrap();
        assert_eq!(r.status().as_u16(), 301, "{old}");
        let location = r.headers().get("location").unwrap().to_str().unwrap();
        assert!(
            location.ends_with("/2024/01/05/port-strike-ends/"),
            "{old} -> {location}"
        );
    }
    let new = fetch(
        &agent,
        &format!("http://127.0.0.1:{port}/2024/01/05/port-strike-ends/"),
    );
    assert_eq!(new.status, 200);
    assert!(new.body.contains("Port strike"));
}
