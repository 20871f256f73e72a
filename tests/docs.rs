//! The documentation cannot drift from the code: the README's quick start is run command by
//! command; every `yaml example` and `toml example` block of docs/ builds, and every
//! `yaml wrong` block fails with the error it shows; docs/commands.md is what the command-line
//! definitions generate; every variable a template receives and every UI string key is in the
//! theme guide; every link between the documents resolves.
//!
//! `GEN_BLESS=1 cargo test --test docs` rewrites docs/commands.md after a change of commands.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README, ARCHITECTURE and every guide in docs/.
fn documents() -> Vec<PathBuf> {
    let mut out = vec![root().join("README.md"), root().join("ARCHITECTURE.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    out.extend(docs);
    out
}

/// A fenced code block: its info string and text.
struct Block {
    info: String,
    text: String,
    doc: PathBuf,
}

fn code_blocks(doc: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(doc).unwrap();
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for ev in Parser::new(&text) {
        match ev {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                current = Some(Block {
                    info: info.to_string(),
                    text: String::new(),
                    doc: doc.to_path_buf(),
                })
            }
            Event::Text(t) => {
                if let Some(b) = current.as_mut() {
                    b.text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => out.extend(current.take()),
            _ => {}
        }
    }
    out
}

/// `key=value` or `key="value with spaces"` of an info string.
fn attr(info: &str, key: &str) -> Option<String> {
    let at = info.find(&format!("{key}="))? + key.len() + 1;
    let rest = &info[at..];
    Some(match rest.strip_prefix('"') {
        Some(q) => q[..q.find('"').unwrap_or(q.len())].to_string(),
        None => rest.split_whitespace().next().unwrap_or("").to_string(),
    })
}

fn blocks_of_kind(kind: &str) -> Vec<Block> {
    documents()
        .iter()
        .flat_map(|d| code_blocks(d))
        .filter(|b| b.info.starts_with(kind))
        .collect()
}

const SITE_TOML: &str = r#"title = "Docs"
base_url = "https://docs.example/"
default_language = "en"

[languages.en]
name = "English"

[languages.ru]
name = "Русский"

[languages.uk]
name = "Українська"

[languages.de]
name = "Deutsch"

[languages.ar]
name = "العربية"
"#;

/// Writes a block's file into the fixture: an article gets front matter fences and a body.
fn write_block(f: &common::Fixture, b: &Block) -> String {
    let file = attr(&b.info, "file")
        .unwrap_or_else(|| panic!("{}: `{}` names no file=", b.doc.display(), b.info));
    if file.ends_with(".md") {
        f.write(
            &file,
            &format!("---\n{}---\nThe body of the example.\n", b.text),
        );
    } else {
        f.write(&file, &b.text);
    }
    if let Some(assets) = attr(&b.info, "assets") {
        let dir = Path::new(&file).parent().unwrap();
        for a in assets.split(',') {
            let sample = if a.ends_with(".png") {
                "static/images/logo.png"
            } else {
                "content/en/grain-corridor-talks-open/talks.jpg"
            };
            let p = f.root().join(dir).join(a);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::copy(root().join(sample), p).unwrap();
        }
    }
    file
}

#[test]
fn yaml_examples_build_together() {
    let blocks = blocks_of_kind("yaml example");
    assert!(blocks.len() >= 4, "the writing guide has its examples");
    let f = common::Fixture::new(&[("site.toml", SITE_TOML)]);
    let files: Vec<String> = blocks.iter().map(|b| write_block(&f, b)).collect();
    let out = f.run(&["build", "--future"]);
    assert!(
        out.status.success(),
        "the examples of docs/ do not build:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Each article example is published (or, taken down, leaves its tombstone).
    let published: Vec<String> = walkdir::WalkDir::new(f.public())
        .into_iter()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    for file in files.iter().filter(|f| f.ends_with(".md")) {
        let text = std::fs::read_to_string(f.root().join(file)).unwrap();
        let slug = text
            .lines()
            .find_map(|l| l.strip_prefix("slug: "))
            .map(|s| s.split_whitespace().next().unwrap().to_string())
            .unwrap_or_else(|| {
                let p = Path::new(file);
                let stem = if p.file_name().unwrap() == "index.md" {
                    p.parent().unwrap().file_name().unwrap()
                } else {
                    p.file_stem().unwrap()
                };
                stem.to_string_lossy().into_owned()
            });
        assert!(
            published
                .iter()
                .any(|p| p.ends_with(&format!("/{slug}/index.html"))),
            "{file}: no page for slug {slug}"
        );
    }
}

#[test]
fn wrong_examples_fail_with_the_error_shown() {
    let blocks = blocks_of_kind("yaml wrong");
    assert!(
        blocks.len() >= 5,
        "the troubleshooting guide has its examples"
    );
    for b in &blocks {
        let f = common::Fixture::new(&[("site.toml", SITE_TOML)]);
        let file = write_block(&f, b);
        let error = attr(&b.info, "error").expect("error=");
        let out = f.run(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file} built:\n{}", b.text);
        assert!(
            stderr.contains(&error) && stderr.contains(&file),
            "{file}: expected an error containing {error:?} at the file, got:\n{stderr}"
        );
    }
}

#[test]
fn toml_examples_build() {
    let blocks = blocks_of_kind("toml example");
    assert!(
        blocks.len() >= 2,
        "the configuration guide has its examples"
    );
    for b in &blocks {
        let f = common::Fixture::new(&[
            ("site.toml", b.text.as_str()),
            (
                "content/en/a.md",
                &common::article("title: A\ndate: 2024-01-01", "Text."),
            ),
        ]);
        std::fs::create_dir_all(f.root().join("static/images")).unwrap();
        std::fs::copy(
            root().join("static/images/logo.png"),
            f.root().join("static/images/logo.png"),
        )
        .unwrap();
        let out = f.run(&["build"]);
        assert!(
            out.status.success(),
            "{}: a site.toml example does not build:\n{}\n{}",
            b.doc.display(),
            b.text,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn command_reference_is_generated_from_the_commands() {
    let generated = gensite::cli::reference_markdown();
    let path = root().join("docs/commands.md");
    if std::env::var_os("GEN_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/commands.md is not what the commands generate: run `GEN_BLESS=1 cargo test --test docs`"
    );
    for cmd in [
        "gen build",
        "gen check",
        "gen serve",
        "gen new site",
        "gen new article",
    ] {
        assert!(generated.contains(&format!("`{cmd}`")), "{cmd}");
    }
    assert!(generated.contains("`--future`") && generated.contains("`--deny-warnings`"));
}

/// Every key name in a JSON value (children of free-form maps left out).
fn key_names(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, child) in m {
                out.insert(k.clone());
                // Data, not fields: per-language names and the theme's free data.
                if !matches!(k.as_str(), "extra" | "names") {
                    key_names(child, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|c| key_names(c, out)),
        _ => {}
    }
}

/// Every variable of every page of a site, as key names, with the kinds of page seen.
fn template_keys(site_root: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut timer = gensite::build::Timer::start();
    let (site, _) =
        gensite::build::load_site(site_root, &Default::default(), &mut timer).expect("loads");
    let theme = gensite::theme::Theme::load(&site.config).expect("theme");
    let mut keys = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for job in gensite::render::jobs(&site) {
        kinds.insert(job.kind().template().to_string());
        let ctx = gensite::render::page_context(&site, &theme, &job).unwrap();
        for top in [
            "page",
            "lang",
            "article",
            "cards",
            "pagination",
            "taxonomy",
            "terms",
            "term",
            "person",
            "period",
            "parents",
            "within",
            "prev",
            "next",
            "reason",
            "date",
            "note",
            "ui",
        ] {
            if let Some(v) = ctx.get(top) {
                keys.insert(top.to_string());
                // `ui` is data: the UI strings, listed in a table of their own.
                if top == "ui" {
                    continue;
                }
                key_names(&serde_json::to_value(v).unwrap(), &mut keys);
            }
        }
    }
    (keys, kinds)
}

#[test]
fn every_template_variable_is_documented() {
    let guide = std::fs::read_to_string(root().join("docs/themes.md")).unwrap();
    // The example site has every kind of page but a tombstone; a small site adds one.
    let (mut keys, mut kinds) = template_keys(root());
    let f = common::Fixture::new(&[(
        "content/en/gone.md",
        &common::article(
            "title: Gone\ndate: 2024-01-01\nunpublished: { date: 2024-02-01, reason: legal, note: A court order. }",
            "x",
        ),
    )]);
    let (k, t) = template_keys(f.root());
    keys.extend(k);
    kinds.extend(t);
    for t in [
        "article.html",
        "home.html",
        "taxonomy.html",
        "term.html",
        "archive.html",
        "tombstone.html",
        "404.html",
    ] {
        assert!(kinds.contains(t), "no page rendered by {t}");
        assert!(
            guide.contains(&format!("`{t}`")),
            "{t} is not in docs/themes.md"
        );
    }
    let missing: Vec<&String> = keys
        .iter()
        .filter(|k| !guide.contains(&format!("`{k}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "template variables missing from docs/themes.md: {missing:?}"
    );
}

#[test]
fn every_function_gen_adds_is_documented() {
    let guide = std::fs::read_to_string(root().join("docs/themes.md")).unwrap();
    for f in gensite::theme::GEN_FUNCTIONS {
        assert!(
            guide.contains(&format!("`{f}(path=")) || guide.contains(&format!("`{f}(name=")),
            "docs/themes.md does not document the function `{f}`"
        );
    }
}

#[test]
fn every_ui_string_key_is_documented() {
    let guide = std::fs::read_to_string(root().join("docs/themes.md")).unwrap();
    let en: toml::Table = toml::from_str(
        &std::fs::read_to_string(root().join("themes/default/i18n/en.toml")).unwrap(),
    )
    .unwrap();
    fn walk(t: &toml::Table, prefix: &str, out: &mut Vec<String>) {
        const PLURAL: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];
        for (k, v) in t {
            let key = format!("{prefix}{k}");
            match v {
                toml::Value::Table(inner)
                    if !inner.keys().all(|c| PLURAL.contains(&c.as_str())) =>
                {
                    walk(inner, &format!("{key}."), out)
                }
                _ => out.push(key),
            }
        }
    }
    let mut keys = Vec::new();
    walk(&en, "", &mut keys);
    assert!(keys.len() > 50);
    let missing: Vec<&String> = keys
        .iter()
        .filter(|k| !guide.contains(&format!("`{k}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "UI strings missing from docs/themes.md: {missing:?}"
    );
}

/// GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors_of(doc: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(doc).unwrap();
    let mut out = BTreeSet::new();
    let mut heading: Option<String> = None;
    for ev in Parser::new(&text) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) if level != HeadingLevel::H6 => {
                heading = Some(String::new())
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    out.insert(anchor(&h));
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn links_between_the_documents_resolve() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        for ev in Parser::new(&text) {
            let dest = match ev {
                Event::Start(Tag::Link { dest_url, .. }) => dest_url.to_string(),
                Event::Start(Tag::Image { dest_url, .. }) => dest_url.to_string(),
                _ => continue,
            };
            if dest.contains("://") || dest.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, frag) = match dest.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (dest.as_str(), None),
            };
            let target = if path.is_empty() {
                doc.clone()
            } else {
                doc.parent().unwrap().join(path)
            };
            if !target.exists() {
                problems.push(format!("{}: {dest}: no such file", doc.display()));
                continue;
            }
            if let Some(f) = frag
                && !anchors_of(&target).contains(f)
            {
                problems.push(format!("{}: {dest}: no such heading", doc.display()));
            }
        }
    }
    assert!(checked >= 10, "the documents link each other");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Splits a shell line into words, with double quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

#[test]
fn the_quick_start_works_command_by_command() {
    let block = code_blocks(&root().join("README.md"))
        .into_iter()
        .find(|b| b.info == "sh quickstart")
        .expect("README has a `sh quickstart` block");
    let tmp = tempfile::tempdir().unwrap();
    let mut cwd = tmp.path().to_path_buf();
    let mut served = false;
    for line in block.text.lines().filter(|l| !l.trim().is_empty()) {
        let w = words(line);
        match w[0].as_str() {
            "cd" => cwd = cwd.join(&w[1]),
            "gen" if w.get(1).map(String::as_str) == Some("serve") => {
                let mut child = Command::new(env!("CARGO_BIN_EXE_gen"))
                    .args(&w[1..])
                    .args(["--port", "0"])
                    .current_dir(&cwd)
                    .env("NO_COLOR", "1")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                let stdout = BufReader::new(child.stdout.take().unwrap());
                let url = stdout
                    .lines()
                    .map_while(Result::ok)
                    .find_map(|l| {
                        l.find("http://")
                            .map(|i| l[i..].split_whitespace().next().unwrap().to_string())
                    })
                    .expect("gen serve prints its URL");
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                let body = agent
                    .get(&url)
                    .call()
                    .unwrap()
                    .body_mut()
                    .read_to_string()
                    .unwrap();
                let _ = child.kill();
                let _ = child.wait();
                assert!(body.contains("Council passes the budget"), "{body}");
                served = true;
            }
            "gen" => {
                let out = Command::new(env!("CARGO_BIN_EXE_gen"))
                    .args(&w[1..])
                    .current_dir(&cwd)
                    .env("NO_COLOR", "1")
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "`{line}` failed:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                if w[1] == "check" {
                    let said = String::from_utf8_lossy(&out.stdout);
                    assert!(said.contains("check passed"), "{said}");
                }
            }
            other => panic!("the quick start runs `{other}`, which this test does not know"),
        }
    }
    assert!(served, "the quick start ends with gen serve");
    // The pages the README promises.
    let public = cwd.join("public");
    for page in [
        "index.html",
        "authors/jane-doe/index.html",
        "archive/index.html",
        "rss.xml",
        "sitemap.xml",
    ] {
        assert!(public.join(page).is_file(), "{page}");
    }
    assert!(cwd.join("content/en/council-budget.md").is_file());
    assert!(cwd.join("content/en/first-translation.md").is_file());
    let article = walkdir::WalkDir::new(&public)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.ends_with("council-passes-the-budget/index.html"))
        .expect("the new article's page");
    let html = std::fs::read_to_string(article).unwrap();
    assert!(html.contains("Jane Doe"));
}
