//! A WebDriver client for the browser tests: chromedriver driving Debian's headless Chromium,
//! spoken to with a few JSON requests over `ureq` (already a dev-dependency) rather than a
//! WebDriver crate, which would bring an async runtime and a hundred crates more to every CI run.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Debian's Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An HTTP client that returns error statuses instead of failing on them.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// chromedriver with one headless Chromium session.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session; `extra` adds browser flags.
    pub fn start(extra: &[&str]) -> Browser {
        Browser::start_with(extra, json!({}))
    }

    /// [`Browser::start`] with more capabilities (e.g. `goog:loggingPrefs`).
    pub fn start_with(extra: &[&str], capabilities: Value) -> Browser {
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
        let args: Vec<String> = args
            .into_iter()
            .chain(extra.iter().map(|s| s.to_string()))
            .collect();
        let mut always = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
        });
        if let (Some(a), Some(more)) = (always.as_object_mut(), capabilities.as_object()) {
            a.extend(more.clone());
        }
        let v = b.post(
            "/session",
            &json!({"capabilities": {"alwaysMatch": always}}),
        );
        b.session = v["sessionId"].as_str().expect("session").to_string();
        b
    }

    /// POSTs a WebDriver command of this session (or `/session` itself); returns `value`.
    pub fn post(&self, path: &str, body: &Value) -> Value {
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

    /// Navigates to a URL.
    pub fn goto(&self, url: &str) {
        self.post("/url", &json!({ "url": url }));
    }

    /// Runs a script and returns its result.
    pub fn js(&self, script: &str) -> Value {
        self.post("/execute/sync", &json!({ "script": script, "args": [] }))
    }

    /// Entries of a browser log (`performance` when the session asked for it with
    /// `goog:loggingPrefs`) since the last call, each entry's `message` parsed.
    pub fn log(&self, kind: &str) -> Vec<Value> {
        let v = self.post("/se/log", &json!({ "type": kind }));
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["message"].as_str())
                    .filter_map(|m| serde_json::from_str::<Value>(m).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The WebDriver id of the first element matching a CSS selector.
    pub fn find(&self, css: &str) -> String {
        let v = self.post(
            "/element",
            &json!({ "using": "css selector", "value": css }),
        );
        v["element-6066-11e4-a52e-4f735466cecf"]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    /// Clicks the first element matching a CSS selector, as a reader's pointer would.
    pub fn click(&self, css: &str) {
        // Into view first, at once: a page's smooth scrolling would move it under the pointer.
        let sel = serde_json::to_string(css).unwrap();
        self.js(&format!(
            "document.querySelector({sel}).scrollIntoView({{block: 'center', behavior: 'instant'}}); return 1"
        ));
        let id = self.find(css);
        self.post(&format!("/element/{id}/click"), &json!({}));
    }

    /// Presses and releases a key (a WebDriver key code, e.g. `\u{E007}` for Enter) on the
    /// focused element.
    pub fn press(&self, key: &str) {
        self.post(
            "/actions",
            &json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": key},
                {"type": "keyUp", "value": key}
            ]}]}),
        );
    }

    /// Saves a PNG screenshot of the viewport.
    pub fn screenshot(&self, path: &Path) {
        let agent = &self.agent;
        let url = format!("{}/session/{}/screenshot", self.base, self.session);
        let text = agent
            .get(&url)
            .call()
            .unwrap()
            .into_body()
            .read_to_string()
            .unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let b64 = v["value"].as_str().expect("screenshot");
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64 screenshot");
        std::fs::write(path, png).unwrap();
    }

    /// Sets the window size.
    pub fn set_width(&self, width: u32, height: u32) {
        self.post("/window/rect", &json!({ "width": width, "height": height }));
    }

    /// Polls a script until it returns `true`.
    pub fn wait_for(&self, what: &str, script: &str) {
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
