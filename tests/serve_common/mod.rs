//! Helpers shared by the `gen serve` tests (tests/serve.rs, tests/serve_random.rs): fixture
//! sites in a temporary folder, the real `gen serve` binary with its status polled over HTTP,
//! clean `gen build`s of the same files, and output trees compared byte for byte.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The build time of every build here (sitemaps name it).
pub const EPOCH: &str = "1735689600";
/// The content of the file that must never be served.
pub const SENTINEL: &str = "SENTINEL-7f3a-never-serve-me";

pub const SITE_TOML: &str = r#"title = "Serve fixture"
base_url = "https://serve.example/"
default_language = "en"
paginate = 3

[languages.en]
name = "English"

[languages.ru]
name = "Русский"

[feeds]
limit = 4

[related]
count = 2
"#;

/// A site in `<tmp>/site`, the server's temporary folder in `<tmp>/tmp`, and sentinels beside
/// both.
pub struct Site {
    pub dir: tempfile::TempDir,
}

pub fn article(title: &str, date: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n")
}

impl Site {
    pub fn new(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let s = Site { dir };
        std::fs::create_dir_all(s.tmp()).unwrap();
        std::fs::write(s.dir.path().join("secret.txt"), SENTINEL).unwrap();
        std::fs::write(s.tmp().join("secret.txt"), SENTINEL).unwrap();
        s.write("site.toml", SITE_TOML);
        for (p, t) in files {
            s.write(p, t);
        }
        s
    }

    /// A small site: articles with tags, a story, people, a translation pair.
    pub fn standard() -> Site {
        Site::new(&[
            (
                "content/en/alpha.md",
                &article(
                    "Alpha story",
                    "2024-03-01T10:00:00Z",
                    "authors: [Ann Writer]\ntags: [water, dams]\nstory: Dam inquiry\n",
                    "Alpha body text. See [beta](beta.md).",
                ),
            ),
            (
                "content/en/beta.md",
                &article(
                    "Beta story",
                    "2024-03-02T10:00:00Z",
                    "authors: [Bob Reporter]\ntags: [water]\nstory: Dam inquiry\n",
                    "Beta body text.",
                ),
            ),
            (
                "content/en/gamma.md",
                &article(
                    "Gamma story",
                    "2024-03-03T10:00:00Z",
                    "authors: [Ann Writer]\ntags: [energy]\n",
                    "Gamma body text.",
                ),
            ),
            (
                "content/en/delta.md",
                &article(
                    "Delta story",
                    "2024-03-04T10:00:00Z",
                    "authors: [Cy Editor]\ntags: [energy, dams]\n",
                    "Delta body text.",
                ),
            ),
            (
                "content/ru/alpha.md",
                &article(
                    "Альфа",
                    "2024-03-05T10:00:00Z",
                    "lang: ru\ntranslation_of: en/alpha.md\ntranslators: [Tanya Perevod]\nsource: {name: Serve fixture, url: 'https://serve.example/2024/03/01/alpha/', lang: en}\ntags: [water]\n",
                    "Текст «альфы».",
                ),
            ),
            ("static/css/extra.css", "body { color: black; }\n"),
        ])
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub fn tmp(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root().join(rel)).unwrap();
    }

    pub fn rename(&self, from: &str, to: &str) {
        let to = self.root().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(self.root().join(from), to).unwrap();
    }

    /// `gen build` of the same files for the same URL, into a fresh folder.
    pub fn clean_build(&self, base_url: &str, n: usize) -> PathBuf {
        self.try_clean_build(base_url, &format!("clean-{n}"))
            .unwrap_or_else(|err| panic!("gen build failed:\n{err}"))
    }

    /// `gen build` of the same files for the same URL (and build time as the server) into a
    /// fresh folder `<tmp>/<name>`; its stderr when it fails.
    pub fn try_clean_build(&self, base_url: &str, name: &str) -> Result<PathBuf, String> {
        let out = self.dir.path().join(name);
        self.build_into(base_url, &out, &["-q"])?;
        Ok(out)
    }

    /// `gen build` (plus `extra`) of the same files for the same URL and build time as the
    /// server, into `out`: its stdout, or its stderr when it fails.
    pub fn build_into(
        &self,
        base_url: &str,
        out: &Path,
        extra: &[&str],
    ) -> Result<Vec<u8>, String> {
        let o = Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(["build", "--base-url", base_url, "--output"])
            .arg(out)
            .args(extra)
            .arg("--root")
            .arg(self.root())
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .output()
            .unwrap();
        if o.status.success() {
            Ok(o.stdout)
        } else {
            Err(String::from_utf8_lossy(&o.stderr).into_owned())
        }
    }
}

/// A response read off the wire.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` as is and reads the whole response (the server closes the connection).
pub fn raw(port: u16, request: &str) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(&buf)));
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: buf[end + 4..].to_vec(),
    }
}

pub struct Server {
    pub child: Child,
    pub port: u16,
    pub url: String,
    pub stderr: Arc<Mutex<String>>,
    pub tmp: PathBuf,
    pub agent: ureq::Agent,
}

impl Server {
    pub fn start(site: &Site, extra: &[&str]) -> Server {
        Server::start_with_clock(site, extra, Some(EPOCH))
    }

    /// [`Server::start`] with the build time from `SOURCE_DATE_EPOCH` (`None`: the clock).
    pub fn start_with_clock(site: &Site, extra: &[&str], epoch: Option<&str>) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gen"));
        cmd.arg("serve");
        // Any free port, unless the test names one.
        if !extra.contains(&"--port") {
            cmd.args(["--port", "0"]);
        }
        cmd.args(["--debounce", "30"])
            .args(extra)
            .arg("--root")
            .arg(site.root())
            .env("TMPDIR", site.tmp())
            .env("NO_COLOR", "1");
        match epoch {
            Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
            None => cmd.env_remove("SOURCE_DATE_EPOCH"),
        };
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let err = child.stderr.take().unwrap();
            let log = stderr.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    let mut l = log.lock().unwrap();
                    l.push_str(&line);
                    l.push('\n');
                }
            });
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(i) = line.find("http://") {
                    let url: String = line[i..].split_whitespace().next().unwrap().into();
                    let _ = tx.send(url);
                }
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(u) => u,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "gen serve printed no URL; stderr:\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        let port = url
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        Server {
            child,
            port,
            url,
            stderr,
            tmp: site.tmp(),
            agent,
        }
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// GET with the right Host.
    pub fn get(&self, path: &str) -> Resp {
        raw(
            self.port,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.host()
            ),
        )
    }

    pub fn status(&self) -> serde_json::Value {
        let mut r = self
            .agent
            .get(&format!("{}__gen/status", self.url))
            .call()
            .unwrap();
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap()
    }

    pub fn builds(&self) -> u64 {
        self.status()["builds"].as_u64().unwrap()
    }

    /// Waits until at least `n` builds finished and nothing is pending.
    pub fn wait_builds(&self, n: u64) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let st = self.status();
            if st["builds"].as_u64().unwrap() >= n
                && !st["building"].as_bool().unwrap()
                && !st["pending"].as_bool().unwrap()
            {
                return st;
            }
            assert!(
                Instant::now() < deadline,
                "no build {n} in time: {st}\nstderr:\n{}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    /// Asserts that no further build starts for a while (after bursts).
    pub fn assert_no_more_builds(&self, builds: u64) {
        let until = Instant::now() + Duration::from_millis(1200);
        while Instant::now() < until {
            let st = self.status();
            assert_eq!(
                st["builds"].as_u64().unwrap(),
                builds,
                "an extra build ran: {st}"
            );
            assert!(
                !st["pending"].as_bool().unwrap(),
                "a build is pending: {st}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the server has been idle (no build running or pending, no build or follow-up
    /// finished) for a second: for edits whose files the watcher may report in two batches.
    pub fn wait_quiet(&self) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        let key = |st: &serde_json::Value| {
            (
                st["builds"].as_u64(),
                st["settles"].as_u64(),
                st["building"].as_bool(),
                st["pending"].as_bool(),
            )
        };
        let mut last = self.status();
        let mut since = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(50));
            let st = self.status();
            let idle = !st["building"].as_bool().unwrap() && !st["pending"].as_bool().unwrap();
            if key(&st) != key(&last) || !idle {
                since = Instant::now();
            } else if since.elapsed() > Duration::from_secs(1) {
                return st;
            }
            last = st;
            assert!(
                Instant::now() < deadline,
                "the server never became idle: {last}\nstderr:\n{}",
                self.stderr.lock().unwrap()
            );
        }
    }

    /// The folder the server serves.
    pub fn served_dir(&self) -> PathBuf {
        std::fs::read_dir(&self.tmp)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("gen-serve-")
            })
            .expect("the server's folder")
            .join("site")
    }

    /// Sends SIGINT and waits for the exit status.
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            assert!(
                Instant::now() < deadline,
                "gen serve did not stop on SIGINT"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel != ".gen-output" {
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// The first difference between two trees, for messages.
pub fn tree_diff(
    served: &BTreeMap<String, Vec<u8>>,
    clean: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    for k in clean.keys() {
        if !served.contains_key(k) {
            return Some(format!("missing from the served tree: {k}"));
        }
    }
    for k in served.keys() {
        if !clean.contains_key(k) {
            return Some(format!("served but not in a clean build: {k}"));
        }
    }
    for (k, a) in served {
        let b = &clean[k];
        if a != b {
            let at = a
                .iter()
                .zip(b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            let from = at.saturating_sub(120);
            return Some(format!(
                "{k} differs at byte {at}:\n served: {}\n clean:  {}",
                String::from_utf8_lossy(&a[from..(at + 120).min(a.len())]),
                String::from_utf8_lossy(&b[from..(at + 120).min(b.len())])
            ));
        }
    }
    None
}

/// Every difference between two trees: files only in one, and for the first few files whose
/// bytes differ, the bytes around the first difference and the first differing line.
pub fn tree_report(
    served: &BTreeMap<String, Vec<u8>>,
    clean: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let mut out = String::new();
    let missing: Vec<&String> = clean.keys().filter(|k| !served.contains_key(*k)).collect();
    let extra: Vec<&String> = served.keys().filter(|k| !clean.contains_key(*k)).collect();
    let changed: Vec<&String> = served
        .iter()
        .filter(|(k, v)| clean.get(*k).is_some_and(|c| c != *v))
        .map(|(k, _)| k)
        .collect();
    if missing.is_empty() && extra.is_empty() && changed.is_empty() {
        return None;
    }
    for k in &missing {
        out.push_str(&format!("  missing from the served tree: {k}\n"));
    }
    for k in &extra {
        out.push_str(&format!("  served but not in a clean build: {k}\n"));
    }
    for (i, k) in changed.iter().enumerate() {
        out.push_str(&format!("  differs: {k}\n"));
        if i >= 6 {
            continue;
        }
        let (a, b) = (&served[*k], &clean[*k]);
        let at = a
            .iter()
            .zip(b.iter())
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        let from = at.saturating_sub(150);
        out.push_str(&format!(
            "    at byte {at}:\n    served: {}\n    clean:  {}\n",
            String::from_utf8_lossy(&a[from..(at + 150).min(a.len())]).replace('\n', "⏎"),
            String::from_utf8_lossy(&b[from..(at + 150).min(b.len())]).replace('\n', "⏎"),
        ));
    }
    Some(out)
}
