//! `gen serve` in a real browser (Debian's headless Chromium through chromedriver): an open
//! article shows the new text after its Markdown is edited, without a manual reload; a
//! stylesheet edit is swapped in without a reload; a broken edit shows the escaped error
//! overlay and fixing it removes it; the page reconnects and reloads after the server restarts.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`apt-get install chromium
//! chromium-driver`); `scripts/test.sh` installs them and runs `cargo test --features external`.
//! Like `tests/browser.rs`, the WebDriver client is a few JSON requests over `ureq`.
#![cfg(feature = "external")]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// chromedriver with one headless Chromium session.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Browser {
        assert!(
            Path::new(CHROMIUM).exists(),
            "{CHROMIUM} missing: apt-get install chromium"
        );
        assert!(
            Path::new(CHROMEDRIVER).exists(),
            "{CHROMEDRIVER} missing: apt-get install chromium-driver"
        );
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut b = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            agent: agent(),
            _profile: tempfile::tempdir().unwrap(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !b
            .agent
            .get(format!("{}/status", b.base))
            .call()
            .ok()
            .and_then(|r| r.into_body().read_to_string().ok())
            .and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .is_some_and(|v| v["value"]["ready"] == true)
        {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            format!("--user-data-dir={}", b._profile.path().display()),
        ];
        let v = b.post(
            "/session",
            &json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
            }}}),
        );
        b.session = v["sessionId"].as_str().expect("session").to_string();
        b
    }

    fn post(&self, path: &str, body: &Value) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let resp = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = resp.status();
        let text = resp.into_body().read_to_string().unwrap_or_default();
        assert!(status.is_success(), "POST {path} → {status}: {text}");
        serde_json::from_str::<Value>(&text).unwrap_or(Value::Null)["value"].clone()
    }

    fn goto(&self, url: &str) {
        self.post("/url", &json!({ "url": url }));
    }

    fn js(&self, script: &str) -> Value {
        self.post("/execute/sync", &json!({ "script": script, "args": [] }))
    }

    /// Polls a script until it returns `true`.
    fn wait_for(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if self.js(script) == Value::Bool(true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; page text: {}",
                self.js("return document.body ? document.body.innerText.slice(0, 600) : ''")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `gen serve` on a port.
struct Serve {
    child: Child,
}

impl Serve {
    fn start(root: &Path, port: u16) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(root)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if line.contains("http://") {
                    let _ = tx.send(());
                }
            }
        });
        rx.recv_timeout(Duration::from_secs(120))
            .expect("gen serve did not start");
        Serve { child }
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write(
        &root,
        "site.toml",
        "title = \"Live\"\nbase_url = \"https://live.example/\"\n[languages.en]\nname = \"English\"\n",
    );
    write(
        &root,
        "content/en/story.md",
        "---\ntitle: The first headline\ndate: 2024-05-01T10:00:00Z\ntags: [water]\n---\nThe first paragraph.\n",
    );
    write(
        &root,
        "content/en/other.md",
        "---\ntitle: Unrelated story\ndate: 2024-05-02T10:00:00Z\ntags: [fire]\n---\nOther text.\n",
    );
    // Replaces the theme's stylesheet (the site's static files win).
    write(
        &root,
        "static/css/style.css",
        "h1 { color: rgb(1, 2, 3); }\n",
    );
    (dir, root)
}

#[test]
fn an_open_article_follows_its_markdown() {
    let (_dir, root) = site();
    let port = free_port();
    let mut srv = Serve::start(&root, port);
    let b = Browser::start();
    let url = format!("http://127.0.0.1:{port}/2024/05/01/story/");
    b.goto(&url);
    b.wait_for(
        "the article",
        "return document.querySelector('h1').textContent.includes('The first headline')",
    );
    // Marks this page load: a reload clears it.
    b.js("window.__genMark = 42; return true");
    b.wait_for(
        "the live-reload connection",
        "return window.__genServe === 'connected'",
    );

    // Edit the Markdown: the page shows the new text by itself.
    write(
        &root,
        "content/en/story.md",
        "---\ntitle: The edited headline\ndate: 2024-05-01T10:00:00Z\ntags: [water]\n---\nThe edited paragraph.\n",
    );
    b.wait_for(
        "the edited text",
        "return document.querySelector('h1').textContent.includes('The edited headline') && document.body.innerText.includes('The edited paragraph.')",
    );
    assert_eq!(
        b.js("return window.__genMark === undefined"),
        true,
        "it was a reload"
    );

    // Editing an article this page does not show does not reload it.
    b.js("window.__genMark = 7; return true");
    write(
        &root,
        "content/en/other.md",
        "---\ntitle: Unrelated story\ndate: 2024-05-02T10:00:00Z\ntags: [fire]\n---\nOther text, edited.\n",
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let agent = agent();
    loop {
        let other = agent
            .get(format!("http://127.0.0.1:{port}/2024/05/02/other/"))
            .call()
            .unwrap()
            .into_body()
            .read_to_string()
            .unwrap();
        if other.contains("Other text, edited.") {
            break;
        }
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        b.js("return window.__genMark"),
        7,
        "an unrelated edit reloaded the page"
    );
    srv.stop();
}

#[test]
fn stylesheets_swap_and_errors_show_over_the_page() {
    let (_dir, root) = site();
    let port = free_port();
    let mut srv = Serve::start(&root, port);
    let b = Browser::start();
    b.goto(&format!("http://127.0.0.1:{port}/2024/05/01/story/"));
    b.js("window.__genMark = 1; return true");
    b.wait_for(
        "the first color",
        "return getComputedStyle(document.querySelector('h1')).color === 'rgb(1, 2, 3)'",
    );
    b.wait_for(
        "the live-reload connection",
        "return window.__genServe === 'connected'",
    );
    write(
        &root,
        "static/css/style.css",
        "h1 { color: rgb(4, 5, 6); }\n",
    );
    b.wait_for(
        "the new color",
        "return getComputedStyle(document.querySelector('h1')).color === 'rgb(4, 5, 6)'",
    );
    assert_eq!(
        b.js("return window.__genMark"),
        1,
        "a CSS edit reloaded the page"
    );

    // A broken edit: the overlay, escaped, over the last good page.
    write(
        &root,
        "content/en/<img src=x onerror=window.__xss=1>.md",
        "---\ntitle: [broken\ndate: 2024-05-03\n---\nx\n",
    );
    b.wait_for(
        "the error overlay",
        "return !!document.getElementById('gen-error-overlay')",
    );
    let text = b.js("return document.getElementById('gen-error-overlay').innerText");
    assert!(
        text.as_str()
            .unwrap()
            .contains("<img src=x onerror=window.__xss=1>.md"),
        "{text}"
    );
    assert_eq!(
        b.js("return document.querySelectorAll('#gen-error-overlay img').length"),
        0
    );
    assert_eq!(b.js("return window.__xss === undefined"), true);
    assert_eq!(
        b.js("return document.querySelector('h1').textContent.includes('The first headline')"),
        true,
        "the last good page is still shown"
    );
    // Fix it: the overlay goes away.
    std::fs::remove_file(root.join("content/en/<img src=x onerror=window.__xss=1>.md")).unwrap();
    b.wait_for(
        "the overlay to go",
        "return !document.getElementById('gen-error-overlay') && !!document.querySelector('h1')",
    );

    // The server restarts (with a change made meanwhile): the page reconnects and reloads.
    b.js("window.__genMark = 3; return true");
    srv.stop();
    write(
        &root,
        "content/en/story.md",
        "---\ntitle: Edited while the server was down\ndate: 2024-05-01T10:00:00Z\n---\nText.\n",
    );
    let _srv2 = Serve::start(&root, port);
    b.wait_for(
        "the page after the restart",
        "return document.querySelector('h1') && document.querySelector('h1').textContent.includes('Edited while the server was down')",
    );
    assert_eq!(b.js("return window.__genMark === undefined"), true);
}
