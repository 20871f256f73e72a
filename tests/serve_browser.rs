//! `gen serve` in a real browser (Debian's headless Chromium through chromedriver): an open
//! article shows the new text after its Markdown is edited, without a manual reload; a
//! stylesheet edit is swapped in without a reload; a broken edit shows the escaped error
//! overlay and fixing it removes it; the page reconnects and reloads after the server restarts.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`apt-get install chromium
//! chromium-driver`); `scripts/test.sh` installs them and runs `cargo test --features external`.
//! The WebDriver client is `tests/webdriver/mod.rs`.
#![cfg(feature = "external")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod webdriver;
use webdriver::{Browser, agent, free_port};

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
    let b = Browser::start(&[]);
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
    let b = Browser::start(&[]);
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
