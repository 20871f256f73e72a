//! The built example site in a real browser (Debian's headless Chromium through chromedriver):
//! no page scrolls sideways at 390 px, and the article page shows its parts.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`apt-get install chromium
//! chromium-driver`); `scripts/test.sh` installs them and runs `cargo test --features external`.
//!
//! The WebDriver client is `tests/webdriver/mod.rs`.
#![cfg(feature = "external")]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

mod webdriver;
use webdriver::Browser;

/// Serves a folder over HTTP on 127.0.0.1 (GET only; `/x/` serves `x/index.html`; anything
/// missing gets `404.html` with status 404, as a static host would).
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = answer(&root, stream);
            });
        }
    });
    port
}

fn answer(root: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
    }
    let raw = line.split_whitespace().nth(1).unwrap_or("/");
    let path = raw.split(['?', '#']).next().unwrap_or("/");
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();
    let mut file = None;
    if !path.split('/').any(|s| s == "..") {
        let mut p = root.join(path.trim_start_matches('/'));
        if p.is_dir() {
            p = p.join("index.html");
        }
        if p.is_file() {
            file = Some(p);
        }
    }
    let (status, body, p) = match file {
        Some(p) => ("200 OK", std::fs::read(&p)?, p),
        None => (
            "404 Not Found",
            std::fs::read(root.join("404.html")).unwrap_or_default(),
            root.join("404.html"),
        ),
    };
    let mime = match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("svg") => "image/svg+xml",
        Some("xml") => "application/xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

/// Builds the example site (the repository itself) into a temporary folder.
fn build_example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let status = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args([
            "build",
            "--quiet",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--output",
        ])
        .arg(&out)
        .env("NO_COLOR", "1")
        .status()
        .expect("run gen");
    assert!(status.success(), "gen build of the example site failed");
    (tmp, out)
}

/// Every HTML page of the built site as a URL path (`/`, `/2026/…/slug/`, `/404.html`).
fn pages(out: &Path) -> Vec<String> {
    let mut v = Vec::new();
    for e in walkdir::WalkDir::new(out).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html") {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            v.push(match rel.strip_suffix("index.html") {
                Some(dir) => format!("/{dir}"),
                None => format!("/{rel}"),
            });
        }
    }
    v
}

/// The article pages among them: `/YYYY/…` or `/<lang>/YYYY/…`.
fn is_article(path: &str) -> bool {
    path.split('/')
        .filter(|s| !s.is_empty())
        .take(2)
        .any(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()))
}

/// Width of the page's content against the viewport, and what sticks out when it is wider.
const OVERFLOW_JS: &str = r#"
const d = document.documentElement;
const w = d.clientWidth;
const out = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width > 0 && (r.right > w + 1 || r.left < -1)) {
    out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ /g, '.') : '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    if (out.length > 5) break;
  }
}
return { scroll: d.scrollWidth, client: w, sticking_out: out, ready: document.readyState };
"#;

#[test]
fn no_page_scrolls_sideways_at_390px_and_the_article_shows_its_parts() {
    let (_tmp, out) = build_example();
    let port = serve(out.clone());
    let site = format!("http://127.0.0.1:{port}");
    let all = pages(&out);
    let articles: Vec<&String> = all.iter().filter(|p| is_article(p)).collect();
    assert!(articles.len() >= 10, "example site articles: {articles:?}");
    assert!(all.iter().any(|p| p == "/404.html"));

    let browser = Browser::start(&["--hide-scrollbars", "--window-size=390,900"]);
    browser.set_width(390, 900);
    let mut wide = Vec::new();
    let mut checked = 0;
    for path in &all {
        browser.goto(&format!("{site}{path}"));
        let v = browser.js(OVERFLOW_JS);
        let (scroll, client) = (v["scroll"].as_i64().unwrap(), v["client"].as_i64().unwrap());
        assert!(
            (300..=390).contains(&client),
            "{path}: viewport is {client}px wide, not a phone's"
        );
        if scroll > client {
            wide.push(format!(
                "{path}: {scroll} > {client}; {}",
                v["sticking_out"]
            ));
        }
        checked += 1;
    }
    assert!(
        wide.is_empty(),
        "pages that scroll sideways at 390 px:\n{}",
        wide.join("\n")
    );
    assert!(checked >= articles.len() + 2);

    // A missing page is answered with the 404 page.
    browser.goto(&format!("{site}/no/such/page/"));
    let h1 = browser.js("return document.querySelector('h1').textContent");
    assert_eq!(h1, "Page not found");

    // The article page, at both widths: every part present and visible.
    let article = format!("{site}/2026/05/20/dam-inspectors-testify/");
    let parts = [
        ("kicker", ".article-header .kicker"),
        ("headline", "main h1"),
        ("dek", ".article-header .dek"),
        ("date", ".dateline time[datetime]"),
        ("source line", ".source a[href^='https://']"),
        ("share bar", "section.share a[href^='https://t.me/']"),
        (
            "copy link (JavaScript on)",
            "section.share button.share-copy",
        ),
        ("lead image", "figure.lead-figure img[alt]"),
        ("body", ".body p"),
        ("body figure", ".body figure figcaption"),
        ("related cards", "section.related .card .card-title a"),
        ("credits", ".credits .story-by a[href*='/authors/']"),
        (
            "translation credit",
            ".credits .translation-by a[href*='/translators/']",
        ),
        ("header landmark", "header.site-header"),
        ("main landmark", "main#main"),
        ("footer landmark", "footer.site-footer"),
    ];
    for (width, height) in [(390, 900), (1280, 1000)] {
        browser.set_width(width, height);
        browser.goto(&article);
        for (name, selector) in parts {
            let script = format!(
                "const e = document.querySelector({sel}); if (!e) return 'missing'; \
                 const r = e.getBoundingClientRect(); \
                 return (r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden') ? 'visible' : 'hidden';",
                sel = serde_json::to_string(selector).unwrap()
            );
            assert_eq!(
                browser.js(&script),
                "visible",
                "at {width}px the article's {name} (`{selector}`)"
            );
        }
        let related =
            browser.js("return document.querySelectorAll('section.related .card').length");
        assert!(related.as_i64().unwrap() >= 1);
    }

    // The Arabic article is laid out right to left.
    browser.set_width(1280, 1000);
    browser.goto(&format!("{site}/ar/2026/07/28/water-rationing/"));
    // The kicker's text starts at the right edge of its box and leaves room on the left.
    let v = browser.js(
        "const k = document.querySelector('.article-header .kicker'); \
         const range = document.createRange(); range.selectNodeContents(k); \
         const t = range.getBoundingClientRect(); const b = k.getBoundingClientRect(); \
         return { dir: getComputedStyle(document.body).direction, \
                  gap_right: b.right - t.right, gap_left: t.left - b.left };",
    );
    assert_eq!(v["dir"], "rtl");
    let (gap_right, gap_left) = (
        v["gap_right"].as_f64().unwrap(),
        v["gap_left"].as_f64().unwrap(),
    );
    assert!(
        gap_right.abs() < 2.0 && gap_left > 50.0,
        "RTL text hugs the right edge: {v}"
    );
}

/// The URL of every request the page made since the last look, from Chromium's own network
/// events (the DevTools protocol's `Network.requestWillBeSent`, through chromedriver's
/// performance log): what the page asked for, not what the browser does in the background.
fn requests(browser: &Browser) -> Vec<String> {
    browser
        .log("performance")
        .into_iter()
        .filter(|m| m["message"]["method"] == "Network.requestWillBeSent")
        .filter_map(|m| {
            m["message"]["params"]["request"]["url"]
                .as_str()
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn embeds_load_nothing_from_the_service_until_the_reader_asks() {
    let (_tmp, out) = build_example();
    let port = serve(out);
    let own = format!("http://127.0.0.1:{port}/");
    let browser = Browser::start_with(
        &["--window-size=1280,900"],
        serde_json::json!({"goog:loggingPrefs": {"performance": "ALL"}}),
    );
    for path in [
        "2026/01/22/grain-corridor-talks-open/",
        "2026/05/20/dam-inspectors-testify/",
        "ar/2026/07/28/water-rationing/",
        "ru/2026/02/12/river-dam-inquiry/",
    ] {
        // Only this page's requests: what came before (the new-tab page) is read and dropped.
        browser.goto("about:blank");
        requests(&browser);
        browser.goto(&format!("{own}{path}"));
        browser.wait_for(
            "the embed script",
            "return document.readyState === 'complete' && \
             [...document.querySelectorAll('.embed-actions')].every(a => !a.hidden)",
        );
        // Scroll through the page so that lazy images load too, then look at every request.
        browser.js("window.scrollTo(0, document.body.scrollHeight); return 1");
        std::thread::sleep(std::time::Duration::from_millis(500));
        let seen = requests(&browser);
        assert!(
            seen.iter().any(|u| u.ends_with("/js/embeds.js")),
            "{path}: the log shows no request for the script: {seen:?}"
        );
        let elsewhere: Vec<&String> = seen
            .iter()
            .filter(|u| !u.starts_with(&own) && !u.starts_with("data:"))
            .collect();
        assert!(
            elsewhere.is_empty(),
            "{path}: requests to other hosts before any click: {elsewhere:?}"
        );
        assert_eq!(
            browser.js("return document.querySelectorAll('iframe').length"),
            0
        );
    }

    // A click on the YouTube card puts the privacy-enhanced player in its place.
    browser.goto(&format!("{own}2026/01/22/grain-corridor-talks-open/"));
    browser.wait_for(
        "the YouTube card's button",
        "return !document.querySelector('.embed-youtube .embed-actions').hidden",
    );
    requests(&browser);
    assert_eq!(
        browser.js("return document.querySelector('.embed-youtube .embed-load').textContent"),
        "Load content from YouTube"
    );
    browser.click(".embed-youtube .embed-load");
    let frame = browser.js(
        "const f = document.querySelector('figure.embed-youtube iframe'); \
         return f && { src: f.src, title: f.title, card: !!document.querySelector('.embed-youtube .embed-card'), \
         focused: document.activeElement === f }",
    );
    assert!(
        frame["src"]
            .as_str()
            .unwrap_or("")
            .starts_with("https://www.youtube-nocookie.com/embed/Zr7aWq3LmT0?autoplay=1&start=42"),
        "{frame}"
    );
    assert_eq!(frame["card"], false, "{frame}");
    // Now, and only now, the browser asks the service (in vain here: there is no internet).
    std::thread::sleep(std::time::Duration::from_millis(300));
    let after = requests(&browser);
    assert!(
        after
            .iter()
            .any(|u| u.starts_with("https://www.youtube-nocookie.com/embed/Zr7aWq3LmT0")),
        "{after:?}"
    );
    assert_eq!(frame["focused"], true, "{frame}");
    assert!(
        frame["title"]
            .as_str()
            .unwrap_or("")
            .starts_with("YouTube: ")
    );
    // Only that card: the X post still waits for its own click.
    assert_eq!(
        browser.js("return document.querySelectorAll('iframe').length"),
        1
    );
    // The keyboard works as well: Enter on the focused X button.
    browser.js("document.querySelector('.embed-x .embed-load').focus(); return 1");
    browser.press("\u{E007}");
    let x = browser
        .js("const f = document.querySelector('figure.embed-x iframe'); return f ? f.src : null");
    assert!(
        x.as_str().unwrap_or("").starts_with(
            "https://platform.twitter.com/embed/Tweet.html?id=1749123456789012345&dnt=true"
        ),
        "{x}"
    );

    // Right to left, in Arabic: the card's button speaks the page's language.
    browser.goto(&format!("{own}ar/2026/07/28/water-rationing/"));
    browser.wait_for(
        "the X card's button",
        "return !document.querySelector('.embed-x .embed-actions').hidden",
    );
    assert_eq!(
        browser.js("return document.querySelector('.embed-x .embed-load').textContent"),
        "تحميل المحتوى من X"
    );
}

#[test]
fn a_reader_may_choose_to_always_load_one_service() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "site.toml",
        "title = \"R\"\nbase_url = \"https://r.example/\"\n[embeds]\nremember = true\n",
    );
    write(
        "content/en/a.md",
        "---\ntitle: Two videos and a post\ndate: 2024-05-01T10:00:00Z\n---\nFirst.\n\n\
         https://youtu.be/dQw4w9WgXcQ\n\nhttps://www.youtube.com/shorts/aBcDeFgHiJk\n\n\
         https://t.me/severny_vestnik/4182\n",
    );
    let out = root.join("public");
    let status = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .env("NO_COLOR", "1")
        .status()
        .unwrap();
    assert!(status.success());
    let port = serve(out);
    let page = format!("http://127.0.0.1:{port}/2024/05/01/a/");
    let browser = Browser::start(&["--window-size=1280,900"]);
    browser.goto(&page);
    browser.wait_for(
        "the cards' buttons",
        "return [...document.querySelectorAll('.embed-actions')].every(a => !a.hidden)",
    );
    let frames = "return [...document.querySelectorAll('iframe')].map(f => f.src.split('/')[2])";
    assert_eq!(browser.js(frames), serde_json::json!([]));
    // Ticking "always" on one YouTube card loads both, and nothing of Telegram.
    browser.click("figure.embed-youtube .embed-remember input");
    browser.click("figure.embed-youtube .embed-load");
    assert_eq!(
        browser.js(frames),
        serde_json::json!(["www.youtube-nocookie.com", "www.youtube-nocookie.com"])
    );
    assert_eq!(
        browser.js("return localStorage.getItem('gen-embeds')"),
        "{\"youtube\":true}"
    );
    // The choice holds on the next visit; Telegram still waits for its own click.
    browser.goto(&page);
    browser.wait_for(
        "the remembered frames",
        "return document.querySelectorAll('iframe').length === 2",
    );
    assert_eq!(
        browser.js("return !!document.querySelector('figure.embed-telegram .embed-card')"),
        true
    );
}

/// The Largest Contentful Paint of the page as Chromium reports it (the last
/// `largest-contentful-paint` entry), described: its element, whether it is the headline or
/// the lead picture, and where it is against the viewport.
const LCP_JS: &str = r#"
const e = window.__lcp && window.__lcp.element;
if (!e) return null;
const r = e.getBoundingClientRect();
return {
  element: e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''),
  headline: e.matches('main h1.headline'),
  lead_picture: e.matches('figure.lead-figure img'),
  top: r.top,
  viewport: window.innerHeight,
};
"#;

#[test]
fn an_article_paints_its_headline_or_lead_picture_first_at_390px() {
    let (_tmp, out) = build_example();
    let port = serve(out.clone());
    let site = format!("http://127.0.0.1:{port}");
    let browser = Browser::start(&["--hide-scrollbars", "--window-size=390,844"]);
    browser.set_width(390, 844);
    // With a lead picture and a translation credit, without a picture, and right to left.
    for path in [
        "/2026/05/20/dam-inspectors-testify/",
        "/2026/11/18/drought-olive-harvest/",
        "/ru/2026/03/27/newsroom-licensing-law/",
        "/ar/2026/07/28/water-rationing/",
    ] {
        assert!(
            out.join(path.trim_start_matches('/'))
                .join("index.html")
                .exists(),
            "{path}"
        );
        browser.goto(&format!("{site}{path}"));
        browser.js(
            "window.__lcp = null; new PerformanceObserver(l => { const e = l.getEntries(); \
             window.__lcp = e[e.length - 1]; }).observe({type: 'largest-contentful-paint', buffered: true}); return 1",
        );
        browser.wait_for("a largest-contentful-paint entry", "return !!window.__lcp");
        let v = browser.js(LCP_JS);
        assert!(
            v["headline"] == true || v["lead_picture"] == true,
            "{path}: the largest paint is {v}"
        );
        assert!(
            v["top"].as_f64().unwrap() < v["viewport"].as_f64().unwrap(),
            "{path}: below the first screen: {v}"
        );
    }
}
