//! Benchmark of `gen serve`: the time from saving one article to its new page being served,
//! on a generated corpus, beside `hugo server` on the same corpus.
//!
//! ```text
//! cargo run --release --example corpus -- --n 10000 --out /dev/shm/corpus10k --seed 1
//! cargo build --release
//! cargo run --release --example serve_bench -- --root /dev/shm/corpus10k [--edits 7] \
//!     [--hugo PATH_TO_HUGO --hugo-site bench/hugo-site]
//! ```
//!
//! For each kind of edit (body text; headline, which shows on list pages, feeds and related
//! cards; tags, which change the site's shape and related reading), it edits `--edits`
//! different English articles one after another: write the file, then GET the article's page
//! every 2 ms until the new text is in it. It reports the median, minimum and maximum of that
//! wall time, and gen's own build time from `/__gen/status` (from the first change the builder
//! saw to the files in place; the watcher's debounce comes before it), and the time until the
//! server is idle again: a change that moves related reading is served first and related reading
//! follows in a second build (for a headline or tags edit). Each edit is undone and
//! the rebuild awaited before the next. With `--hugo`, the same edits are timed against
//! `hugo server` (default fast-render mode, writing to a temporary folder as gen does), with
//! Hugo's own "Total in N ms".
//!
//! Argument parsing is hand-written to keep the example free of extra dependencies.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gensite::config::{Config, Overrides};

struct Args {
    root: PathBuf,
    edits: usize,
    gen_bin: PathBuf,
    hugo: Option<PathBuf>,
    hugo_site: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let release = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot find the target folder")?;
    let mut a = Args {
        root: PathBuf::new(),
        edits: 7,
        gen_bin: release.join("gen"),
        hugo: None,
        hugo_site: PathBuf::from("bench/hugo-site"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--root" => a.root = PathBuf::from(value()?),
            "--edits" => a.edits = value()?.parse().map_err(|_| "--edits: a number")?,
            "--gen" => a.gen_bin = PathBuf::from(value()?),
            "--hugo" => a.hugo = Some(PathBuf::from(value()?)),
            "--hugo-site" => a.hugo_site = PathBuf::from(value()?),
            _ => {
                return Err(format!(
                    "unknown argument {flag}\nusage: serve_bench --root DIR [--edits N] [--gen BIN] [--hugo BIN --hugo-site DIR]"
                ));
            }
        }
    }
    if a.root.as_os_str().is_empty() {
        return Err("--root DIR is required (a corpus made by examples/corpus.rs)".into());
    }
    Ok(a)
}

/// An article to edit: its file, its text, and its page's path.
struct Target {
    file: PathBuf,
    text: String,
    path: String,
}

fn targets(root: &Path, n: usize) -> Vec<Target> {
    let config = Config::load(root, &Overrides::default()).expect("site.toml");
    let mut d = gensite::diagnostics::Diagnostics::default();
    let files = gensite::content::discover(&root.join("content"), &mut d);
    let terms = gensite::terms::Terms::load(&root.join("content"), &mut d);
    let en: Vec<_> = files
        .into_iter()
        .filter(|f| f.rel.starts_with("en/"))
        .collect();
    let step = (en.len() / n.max(1)).max(1);
    en.into_iter()
        .step_by(step)
        .take(n)
        .map(|f| {
            let text = std::fs::read_to_string(&f.abs).unwrap();
            let doc = gensite::content::parse_document(&config, f.clone(), &text).unwrap();
            let rel = gensite::urls::article(&config, &doc, &terms);
            Target {
                file: f.abs,
                text,
                path: format!("/{rel}"),
            }
        })
        .collect()
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Body,
    Title,
    Tags,
}

/// The edited text and the marker to wait for in the page.
fn edit(t: &Target, kind: Kind, n: usize) -> (String, String) {
    let marker = format!("Benchmark{n}x{}", t.text.len());
    let (fm, body) = t.text.split_at(t.text.find("\n---\n").unwrap() + 5);
    match kind {
        Kind::Body => (format!("{fm}{marker} {body}"), marker),
        Kind::Title => {
            let out: Vec<String> = fm
                .lines()
                .map(|l| {
                    if let Some(v) = l.strip_prefix("title: \"") {
                        format!("title: \"{marker} {v}")
                    } else if let Some(v) = l.strip_prefix("title: ") {
                        format!("title: {marker} {v}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            (format!("{}\n{body}", out.join("\n")), marker)
        }
        Kind::Tags => {
            let tag = format!("bench{n}");
            let out: Vec<String> = fm
                .lines()
                .map(|l| {
                    if let Some(v) = l.strip_prefix("tags: [") {
                        format!("tags: [{tag}, {v}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            // The page shows the tag's name.
            (format!("{}\n{body}", out.join("\n")), tag)
        }
    }
}

struct Server {
    child: Child,
    url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn spawn(mut cmd: Command, ready: &'static str) -> Server {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if line.contains(ready)
                        && let Some(i) = line.find("http://")
                    {
                        let url: String = line[i..]
                            .split_whitespace()
                            .next()
                            .unwrap()
                            .trim_end_matches('/')
                            .to_string();
                        let _ = tx.send(url);
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        let url = rx
            .recv_timeout(Duration::from_secs(900))
            .expect("the server did not start");
        Server { child, url, log }
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(1313)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn get(agent: &ureq::Agent, url: &str) -> String {
    match agent.get(url).call() {
        Ok(mut r) => r.body_mut().read_to_string().unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Polls `url` every 2 ms until `pred` holds; returns the time since `start`.
fn until(agent: &ureq::Agent, url: &str, start: Instant, pred: impl Fn(&str) -> bool) -> f64 {
    let deadline = start + Duration::from_secs(120);
    loop {
        if pred(&get(agent, url)) {
            return start.elapsed().as_secs_f64() * 1000.0;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {url}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn stats(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let median = if v.len() % 2 == 1 {
        v[v.len() / 2]
    } else {
        (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
    };
    (median, v[0], v[v.len() - 1])
}

fn gen_status(agent: &ureq::Agent, url: &str) -> serde_json::Value {
    serde_json::from_str(&get(agent, &format!("{url}/__gen/status"))).unwrap_or_default()
}

fn wait_gen_idle(agent: &ureq::Agent, url: &str, builds: u64) {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let st = gen_status(agent, url);
        if st["builds"].as_u64().unwrap_or(0) >= builds
            && st["building"] == false
            && st["pending"] == false
        {
            return;
        }
        assert!(Instant::now() < deadline, "gen never finished: {st}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

const KINDS: [Kind; 3] = [Kind::Body, Kind::Title, Kind::Tags];

fn bench_gen(args: &Args, targets: &[Target]) {
    let mut cmd = Command::new(&args.gen_bin);
    cmd.args(["serve", "--port", "0", "--root"]).arg(&args.root);
    let t = Instant::now();
    let srv = Server::spawn(cmd, "Serving at");
    println!(
        "gen serve: first build and start in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let agent = agent();
    let mut n = 0;
    for kind in KINDS {
        let mut wall = Vec::new();
        let mut build = Vec::new();
        let mut rendered = Vec::new();
        let mut settled = Vec::new();
        let mut stages: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
        for (i, t) in targets.iter().enumerate() {
            n += 1;
            let url = format!("{}{}", srv.url, t.path);
            let before = gen_status(&agent, &srv.url)["builds"].as_u64().unwrap();
            let (text, marker) = edit(t, kind, n);
            let start = Instant::now();
            std::fs::write(&t.file, &text).unwrap();
            let ms = until(&agent, &url, start, |b| b.contains(&marker));
            // The build that served the change (a follow-up for related reading may come).
            let st = loop {
                let st = gen_status(&agent, &srv.url);
                if st["builds"].as_u64().unwrap_or(0) > before {
                    break st;
                }
                std::thread::sleep(Duration::from_millis(1));
            };
            wait_gen_idle(&agent, &srv.url, before + 1);
            let idle = start.elapsed().as_secs_f64() * 1000.0;
            // The first edit of a run warms caches (the page cache, the allocator).
            if i > 0 || targets.len() == 1 {
                wall.push(ms);
                settled.push(idle);
                build.push(st["last"]["ms"].as_f64().unwrap_or(0.0));
                rendered.push(st["last"]["rendered"].as_f64().unwrap_or(0.0));
                if let Some(m) = st["last"]["timings"].as_object() {
                    for (k, v) in m {
                        stages
                            .entry(k.clone())
                            .or_default()
                            .push(v.as_f64().unwrap_or(0.0));
                    }
                }
            }
            let before = gen_status(&agent, &srv.url)["builds"].as_u64().unwrap();
            std::fs::write(&t.file, &t.text).unwrap();
            until(&agent, &url, Instant::now(), |b| !b.contains(&marker));
            wait_gen_idle(&agent, &srv.url, before + 1);
        }
        let (med, min, max) = stats(&mut wall);
        let (bmed, _, _) = stats(&mut build);
        let (rmed, _, _) = stats(&mut rendered);
        let (smed, _, _) = stats(&mut settled);
        println!(
            "gen  {kind:<6?} save→served median {med:7.1} ms (min {min:7.1}, max {max:7.1}); that build (after the quiet period) median {bmed:7.1} ms, {rmed:.0} pages rendered; settled, related reading included, median {smed:7.1} ms; n={}",
            wall.len()
        );
        let parts: Vec<String> = stages
            .iter_mut()
            .map(|(k, v)| format!("{k} {:.1}", stats(v).0))
            .collect();
        println!("     stages (median ms): {}", parts.join(", "));
    }
    srv.stop();
}

fn bench_hugo(args: &Args, hugo: &Path, targets: &[Target]) {
    let cfg = std::env::temp_dir().join(format!("serve-bench-hugo-{}.toml", std::process::id()));
    let mut langs = String::new();
    for l in ["en", "ru", "uk", "de", "fr", "es"] {
        langs.push_str(&format!(
            "[languages.{l}]\ncontentDir = \"{}\"\n",
            args.root.join("content").join(l).display()
        ));
    }
    std::fs::write(&cfg, langs).unwrap();
    let cache = std::env::temp_dir().join(format!("serve-bench-hugo-cache-{}", std::process::id()));
    // `hugo server` writes to disk by default, as gen does: into a temporary folder, never into
    // the Hugo site's own public/.
    let dest = std::env::temp_dir().join(format!("serve-bench-hugo-out-{}", std::process::id()));
    let mut cmd = Command::new(hugo);
    cmd.arg("server")
        .arg("--source")
        .arg(&args.hugo_site)
        .arg("--config")
        .arg(format!("hugo.toml,{}", cfg.display()))
        .args(["--port", &free_port().to_string()])
        .args(["--bind", "127.0.0.1", "--minify", "--noBuildLock"])
        .arg("--cacheDir")
        .arg(&cache)
        .arg("--destination")
        .arg(&dest);
    let t = Instant::now();
    let srv = Server::spawn(cmd, "Web Server is available at");
    println!(
        "hugo server: first build and start in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let agent = agent();
    let totals = |log: &Arc<Mutex<Vec<String>>>| -> Vec<f64> {
        log.lock()
            .unwrap()
            .iter()
            .filter_map(|l| l.split("Total in ").nth(1))
            .filter_map(|r| r.split_whitespace().next()?.parse().ok())
            .collect()
    };
    let wait_total = |count: usize| {
        let deadline = Instant::now() + Duration::from_secs(300);
        while totals(&srv.log).len() < count {
            assert!(Instant::now() < deadline, "hugo never rebuilt");
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    let mut n = 1000;
    for kind in KINDS {
        let mut wall = Vec::new();
        let mut build = Vec::new();
        for (i, t) in targets.iter().enumerate() {
            n += 1;
            let url = format!("{}{}", srv.url, t.path);
            let _ = get(&agent, &url);
            let seen = totals(&srv.log).len();
            let (text, marker) = edit(t, kind, n);
            let start = Instant::now();
            std::fs::write(&t.file, &text).unwrap();
            let ms = until(&agent, &url, start, |b| b.contains(&marker));
            wait_total(seen + 1);
            if i > 0 || targets.len() == 1 {
                wall.push(ms);
                build.push(*totals(&srv.log).last().unwrap());
            }
            let seen = totals(&srv.log).len();
            std::fs::write(&t.file, &t.text).unwrap();
            until(&agent, &url, Instant::now(), |b| !b.contains(&marker));
            wait_total(seen + 1);
        }
        let (med, min, max) = stats(&mut wall);
        let (bmed, _, _) = stats(&mut build);
        println!(
            "hugo {kind:<6?} save→served median {med:7.1} ms (min {min:7.1}, max {max:7.1}); Hugo's \"Total in\" median {bmed:7.1} ms; n={}",
            wall.len()
        );
    }
    srv.stop();
    let _ = std::fs::remove_file(&cfg);
    let _ = std::fs::remove_dir_all(&cache);
    let _ = std::fs::remove_dir_all(&dest);
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let targets = targets(&args.root, args.edits + 1);
    println!(
        "{} articles to edit in {}; machine: {} cores",
        targets.len(),
        args.root.display(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    bench_gen(&args, &targets);
    if let Some(h) = &args.hugo {
        bench_hugo(&args, h, &targets);
    }
    // Leave the corpus as it was.
    for t in &targets {
        std::fs::write(&t.file, &t.text).unwrap();
    }
}
