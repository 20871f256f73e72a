//! The `gen` command as people meet it: `gen new site` and `gen new article`, builds that leave
//! unchanged files alone, help and version, colours, exit codes and closed pipes.
mod common;
use common::*;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `gen` with colours off and no CI-dependent behaviour.
fn gen_cmd() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gen"));
    c.env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("EDITOR")
        .env_remove("VISUAL");
    c
}

fn run(args: &[&str]) -> Output {
    gen_cmd().args(args).output().expect("run gen")
}

fn run_in(root: &Path, args: &[&str]) -> Output {
    gen_cmd()
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("run gen")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
}

/// Finds the one output file whose path ends with `suffix`.
fn find_file(dir: &Path, suffix: &str) -> PathBuf {
    let found: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    assert_eq!(found.len(), 1, "{suffix} in {}: {found:?}", dir.display());
    found.into_iter().next().unwrap()
}

fn parse(path: &Path) -> scraper::Html {
    scraper::Html::parse_document(&std::fs::read_to_string(path).unwrap())
}

const SAMPLE_TITLE: &str = "City council approves a new budget for public transport";

#[test]
fn new_site_builds_at_once_and_shows_the_sample_article() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("my-site");
    let o = run(&["new", "site", site.to_str().unwrap()]);
    assert_ok(&o);
    assert!(stdout(&o).contains("site.toml"), "{}", stdout(&o));
    assert!(site.join("content/people.yaml").is_file());
    assert!(
        !site.join("themes").exists(),
        "the theme is copied only with --theme-copy"
    );
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    for key in [
        "title",
        "base_url",
        "default_language",
        "permalink",
        "fingerprint",
        "paginate",
    ] {
        let line = toml
            .lines()
            .position(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key} in site.toml"));
        assert!(
            toml.lines().nth(line - 1).unwrap().starts_with('#'),
            "`{key}` has a comment above it"
        );
    }

    let o = run_in(&site, &["build"]);
    assert_ok(&o);
    let public = site.join("public");
    let home = parse(&public.join("index.html"));
    assert!(
        attrs(&home, "a", "href")
            .iter()
            .any(|h| h.ends_with("/city-transport-budget/")),
        "the home page links the sample"
    );
    let home_text = home.root_element().text().collect::<String>();
    assert!(home_text.contains(SAMPLE_TITLE), "{home_text}");

    let page = parse(&find_file(&public, "city-transport-budget/index.html"));
    assert_eq!(text_of(&page, "h1").as_deref(), Some(SAMPLE_TITLE));
    let text = page.root_element().text().collect::<String>();
    assert!(text.contains("Example Courier"), "the source line is shown");
    assert!(text.contains("Sam Taylor"), "the translator is credited");

    // The sample is complete: nothing for `gen check` to complain about in the content.
    let o = run_in(&site, &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let content_problems: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().starts_with("content/"))
        .collect();
    assert!(content_problems.is_empty(), "{content_problems:?}");
}

#[test]
fn new_site_with_theme_copy_builds_from_the_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("s");
    assert_ok(&run(&[
        "new",
        "site",
        site.to_str().unwrap(),
        "--theme-copy",
    ]));
    let base = site.join("themes/default/templates/base.html");
    assert!(base.is_file());
    assert!(site.join("themes/default/i18n/en.toml").is_file());
    // A change to the copy shows in the output: the build uses it.
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&base, text.replace("<body", "<body data-copied=\"yes\"")).unwrap();
    assert_ok(&run_in(&site, &["build"]));
    let home = parse(&site.join("public/index.html"));
    assert_eq!(attrs(&home, "body", "data-copied"), ["yes"]);
}

#[test]
fn new_site_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let o = run(&["new", "site", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "nothing was written"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

/// A new site to add articles to.
fn scaffolded() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    assert_ok(&run(&["new", "site", site.to_str().unwrap()]));
    (tmp, site)
}

/// The front matter of a Markdown file as YAML.
fn front_matter(path: &Path) -> serde_yaml::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let yaml = text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
        .map(|(y, _)| y)
        .expect("front matter");
    serde_yaml::from_str(yaml).unwrap()
}

#[test]
fn new_article_writes_front_matter_that_builds() {
    let (_tmp, site) = scaffolded();
    let o = run_in(
        &site,
        &[
            "new",
            "article",
            "en/",
            "--title",
            "Leaders: a \"call\" #1",
            "--author",
            "Jane Doe",
            "--author",
            "Maria Ivanova",
        ],
    );
    assert_ok(&o);
    let path = site.join("content/en/leaders-a-call-1.md");
    assert!(path.is_file(), "{}", stdout(&o));
    let fm = front_matter(&path);
    assert_eq!(fm["title"].as_str(), Some("Leaders: a \"call\" #1"));
    assert_eq!(fm["lang"].as_str(), Some("en"));
    assert_eq!(fm["authors"][0].as_str(), Some("Jane Doe"));
    assert_eq!(fm["authors"][1].as_str(), Some("Maria Ivanova"));
    assert!(fm.get("source").is_none(), "not a translation");
    let date = fm["date"].as_str().unwrap();
    assert!(
        date.len() == 25 && date.as_bytes()[10] == b'T' && matches!(&date[19..20], "+" | "-"),
        "date with the UTC offset: {date}"
    );

    assert_ok(&run_in(&site, &["build"]));
    let page = parse(&find_file(
        &site.join("public"),
        "leaders-a-call-1/index.html",
    ));
    // The headline gets the body's typography (the front matter keeps what was typed).
    assert_eq!(
        text_of(&page, "h1").as_deref(),
        Some("Leaders: a “call” #1")
    );

    // Never overwrites.
    let before = std::fs::read(&path).unwrap();
    let o = run_in(&site, &["new", "article", "en/leaders-a-call-1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // A language the site does not have, and a path leaving content/: usage errors.
    let o = run_in(&site, &["new", "article", "en/x", "--lang", "xx"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("[languages.xx]"), "{}", stderr(&o));
    let o = run_in(&site, &["new", "article", "../../escape"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!site.join("../escape.md").exists());
}

#[test]
fn new_translation_has_placeholders_that_build_and_that_check_refuses() {
    let (_tmp, site) = scaffolded();
    let o = run_in(
        &site,
        &[
            "new",
            "article",
            "en/border-talks",
            "--translator",
            "Sam Taylor",
            "--lang",
            "en",
        ],
    );
    assert_ok(&o);
    let path = site.join("content/en/border-talks.md");
    let fm = front_matter(&path);
    assert_eq!(fm["translators"][0].as_str(), Some("Sam Taylor"));
    assert!(fm["source"]["name"].as_str().unwrap().contains("TODO"));
    assert!(
        fm["source"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert_eq!(fm["title"].as_str(), Some("Border talks"));

    // It builds, so a draft can be previewed…
    assert_ok(&run_in(&site, &["build"]));
    // …but `gen check` names the placeholder's line and fails.
    let o = run_in(&site, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("name: ") && l.contains("TODO"))
        .unwrap()
        + 1;
    assert!(
        stderr(&o).contains(&format!("content/en/border-talks.md:{line}:")),
        "{}",
        stderr(&o)
    );

    // With the source URL given, it is used.
    let o = run_in(
        &site,
        &[
            "new",
            "article",
            "en/other",
            "--source-url",
            "https://example.net/2026/03/original",
        ],
    );
    assert_ok(&o);
    let fm = front_matter(&site.join("content/en/other.md"));
    assert_eq!(
        fm["source"]["url"].as_str(),
        Some("https://example.net/2026/03/original")
    );
}

#[test]
fn new_article_opens_the_editor() {
    let (tmp, site) = scaffolded();
    let editor = tmp.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'Written in the editor.\\n' >> \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let o = gen_cmd()
        .args(["new", "article", "en/edited", "--edit", "--root"])
        .arg(&site)
        .env("EDITOR", &editor)
        .output()
        .unwrap();
    assert_ok(&o);
    let text = std::fs::read_to_string(site.join("content/en/edited.md")).unwrap();
    assert!(text.ends_with("Written in the editor.\n"), "{text}");
}

/// Every output file with its modification time and inode.
fn stamps(dir: &Path) -> BTreeMap<PathBuf, (i64, i64, u64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                (m.mtime(), m.mtime_nsec(), m.ino()),
            )
        })
        .collect()
}

#[test]
fn unchanged_content_rewrites_no_file_and_clean_rewrites_all() {
    let f = Fixture::new(&[
        (
            "content/en/a.md",
            &article(
                "title: A\ndate: 2021-12-08T10:00:00+03:00\ntags: [x]",
                "Body.",
            ),
        ),
        (
            "content/en/b.md",
            &article("title: B\ndate: 2021-12-09T10:00:00+03:00", "Body."),
        ),
    ]);
    let o = f.build_ok();
    let first = stamps(&f.public());
    assert!(first.len() > 5);
    assert!(stdout(&o).contains(&format!("{} files written", first.len() - 1)));
    std::thread::sleep(std::time::Duration::from_millis(50));

    let o = f.build_ok();
    assert_eq!(stamps(&f.public()), first, "no file was rewritten");
    assert!(stdout(&o).contains(" 0 files written"), "{}", stdout(&o));

    // A change rewrites what shows it, and nothing else.
    f.write(
        "content/en/b.md",
        &article("title: B changed\ndate: 2021-12-09T10:00:00+03:00", "Body."),
    );
    f.build_ok();
    let third = stamps(&f.public());
    let changed: Vec<&PathBuf> = third
        .iter()
        .filter(|(p, s)| first.get(*p) != Some(s))
        .map(|(p, _)| p)
        .collect();
    assert!(changed.contains(&&PathBuf::from("2021/12/09/b/index.html")));
    assert!(!changed.contains(&&PathBuf::from("2021/12/08/a/index.html")));
    assert!(!changed.contains(&&PathBuf::from("css/style.css")));

    std::thread::sleep(std::time::Duration::from_millis(50));
    f.run(&["build", "--clean"]);
    let clean = stamps(&f.public());
    assert_eq!(
        clean.keys().collect::<Vec<_>>(),
        third.keys().collect::<Vec<_>>()
    );
    for (p, s) in &clean {
        assert_ne!(s.2, third[p].2, "{} was rewritten by --clean", p.display());
        assert!(
            (s.0, s.1) > (third[p].0, third[p].1),
            "{} is newer",
            p.display()
        );
    }
}

#[test]
fn version_and_help_with_examples() {
    let o = run(&["--version"]);
    assert_ok(&o);
    assert_eq!(
        stdout(&o).trim(),
        format!("gen {}", env!("CARGO_PKG_VERSION"))
    );
    for args in [
        &["--help"][..],
        &["build", "--help"],
        &["check", "--help"],
        &["completions", "--help"],
        &["new", "--help"],
        &["new", "site", "--help"],
        &["new", "article", "--help"],
    ] {
        let o = run(args);
        assert_ok(&o);
        assert!(
            stdout(&o).contains("Examples:\n  gen "),
            "{args:?}:\n{}",
            stdout(&o)
        );
    }
    let o = run(&["completions", "bash"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("complete"));
}

/// A site with one broken article, to get diagnostics on stderr.
fn broken_site() -> Fixture {
    Fixture::new(&[(
        "content/en/bad.md",
        "---\ntitle: [unclosed\ndate: 2021-01-01\n---\n",
    )])
}

#[test]
fn no_color_means_no_escape_sequences() {
    let f = broken_site();
    let esc = |o: &Output| o.stdout.contains(&0x1b) || o.stderr.contains(&0x1b);
    // CLICOLOR_FORCE turns colours on even through a pipe: the check below is not vacuous…
    let forced = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--root"])
        .arg(f.root())
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(esc(&forced), "{}", stderr(&forced));
    // …and NO_COLOR wins over it.
    for args in [
        &["build"][..],
        &["check"],
        &["nonsense"],
        &["build", "--help"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(args)
            .arg("--root")
            .arg(f.root())
            .env("NO_COLOR", "1")
            .env("CLICOLOR_FORCE", "1")
            .output()
            .unwrap();
        assert!(!esc(&o), "{args:?}: {}", stderr(&o));
    }
    // Piped output without either has no colours and no progress bar.
    let good = Fixture::new(&[(
        "content/en/a.md",
        &article("title: A\ndate: 2021-01-01", "Body."),
    )]);
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--root"])
        .arg(good.root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    assert_ok(&o);
    assert!(!esc(&o), "{}", stderr(&o));
}

#[test]
fn exit_codes() {
    let good = Fixture::new(&[(
        "content/en/a.md",
        &article("title: A\ndate: 2021-01-01", "Body."),
    )]);
    assert_eq!(good.run(&["build"]).status.code(), Some(0));
    assert_eq!(
        good.run(&["check"]).status.code().map(|c| c <= 1),
        Some(true)
    );
    // Content error: 1, with file:line.
    let o = broken_site().run(&["build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("content/en/bad.md:2:"),
        "{}",
        stderr(&o)
    );
    assert_eq!(broken_site().run(&["check"]).status.code(), Some(1));
    // Usage errors: 2.
    assert_eq!(
        good.run(&["build", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["-q", "-v", "build"]).status.code(), Some(2));
    // A mistake in site.toml is an error in the site's files: 1, at its line.
    let typo = Fixture::new(&[(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://e.org/\"\nminfy = true\n",
    )]);
    let o = typo.run(&["build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("site.toml:3:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("minify"), "{}", stderr(&o));
    // A folder gen did not write is refused as output: 2, and left alone.
    std::fs::create_dir_all(good.root().join("mine")).unwrap();
    std::fs::write(good.root().join("mine/keep.txt"), "x").unwrap();
    let o = good.run(&[
        "build",
        "--output",
        good.root().join("mine").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(good.root().join("mine/keep.txt")).unwrap(),
        "x"
    );
    // No site here: 2, with advice.
    let empty = tempfile::tempdir().unwrap();
    let o = run_in(empty.path(), &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("gen new site"), "{}", stderr(&o));
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    let good = Fixture::new(&[(
        "content/en/a.md",
        &article("title: A\ndate: 2021-01-01", "Body."),
    )]);
    // `gen build | head -c0`: the reader is gone before gen writes its summary.
    for args in [
        &["build"][..],
        &["completions", "bash"],
        &["--help"],
        &["check"],
    ] {
        let mut child = gen_cmd()
            .args(args)
            .arg("--root")
            .arg(good.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
        assert!(o.status.code().is_some_and(|c| c <= 1), "{args:?}: {o:?}");
    }
}

#[test]
fn sub_path_build_with_fingerprinted_assets() {
    let f = Fixture::new(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://e.org/\"\nfingerprint = true\nminify = false\n",
        ),
        (
            "content/en/a.md",
            &article(
                "title: A\ndate: 2021-12-08T10:00:00+03:00\ntags: [x]",
                "See [B](b.md).",
            ),
        ),
        (
            "content/en/b.md",
            &article("title: B\ndate: 2021-12-09T10:00:00+03:00", "Body."),
        ),
    ]);
    let o = f.run(&["build", "--base-url", "https://e.org/news/"]);
    assert_ok(&o);
    let doc = f.html("2021/12/08/a/index.html");
    let css = attrs(&doc, "link[rel=stylesheet]", "href");
    assert_eq!(css.len(), 1);
    let name = css[0]
        .strip_prefix("/news/css/style.")
        .and_then(|r| r.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("{}", css[0]));
    assert!(
        name.len() == 8 && name.bytes().all(|b| b.is_ascii_hexdigit()),
        "{name}"
    );
    let served = f.public().join(&css[0]["/news/".len()..]);
    assert!(served.is_file(), "{}", served.display());
    assert!(
        !f.public().join("css/style.css").exists(),
        "only the fingerprinted name is written, so every .css may be cached for good"
    );
    // Every root-relative URL of every page stays under /news/, every absolute one too.
    for e in walkdir::WalkDir::new(f.public())
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.path().extension().is_some_and(|x| x == "html") {
            let doc = parse(e.path());
            for (sel, attr) in [
                ("a", "href"),
                ("link", "href"),
                ("img", "src"),
                ("script", "src"),
            ] {
                for url in attrs(&doc, &format!("{sel}[{attr}]"), attr) {
                    if url.starts_with('/') {
                        assert!(url.starts_with("/news/"), "{url} in {}", e.path().display());
                    } else if url.starts_with("https://e.org") {
                        assert!(url.starts_with("https://e.org/news/"), "{url}");
                    }
                }
            }
        }
    }
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        ["https://e.org/news/2021/12/08/a/"]
    );
}

#[test]
fn new_article_with_a_trailing_slash_is_a_page_bundle() {
    let (_tmp, site) = scaffolded();
    let o = run_in(&site, &["new", "article", "en/bundle-test/"]);
    assert_ok(&o);
    let index = site.join("content/en/bundle-test/index.md");
    assert!(index.is_file(), "{}", stdout(&o));
    assert!(!site.join("content/en/bundle-test/bundle-test.md").exists());
    assert_eq!(front_matter(&index)["title"].as_str(), Some("Bundle test"));
    // An image beside it is published with it, as variants.
    std::fs::write(site.join("content/en/bundle-test/photo.jpg"), jpeg(64, 48)).unwrap();
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, format!("{text}![A photo](photo.jpg)\n")).unwrap();
    assert_ok(&run_in(&site, &["build"]));
    find_file(&site.join("public"), ".webp");
    // A language folder alone still names the file after the title.
    let o = run_in(&site, &["new", "article", "en/", "--title", "Budget vote"]);
    assert_ok(&o);
    assert!(site.join("content/en/budget-vote.md").is_file());
}

#[test]
fn new_article_in_an_undeclared_language_folder_is_refused() {
    let (_tmp, site) = scaffolded();
    let o = run_in(
        &site,
        &[
            "new",
            "article",
            "ru/sud",
            "--title",
            "Суд отложил заседание",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("content/ru/sud.md"), "{e}");
    assert!(e.contains("help: add `[languages.ru]`"), "{e}");
    assert!(!site.join("content/ru").exists(), "nothing written");
    // A file put there by hand fails the build, whatever its `lang:` says.
    std::fs::create_dir_all(site.join("content/ru")).unwrap();
    std::fs::write(
        site.join("content/ru/sud.md"),
        "---\ntitle: Суд отложил заседание\ndate: 2021-12-08\nlang: en\n---\nТекст.\n",
    )
    .unwrap();
    let o = run_in(&site, &["build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("content/ru/sud.md:4:7"),
        "{}",
        stderr(&o)
    );
}

/// A site whose translation is older than its original's update: one warning.
fn site_with_a_warning() -> Fixture {
    Fixture::new(&[
        (
            "content/ru/orig.md",
            "---\ntitle: O\ndate: 2021-12-07\nupdated: 2021-12-10\n---\nТекст.\n",
        ),
        (
            "content/en/tr.md",
            "---\ntitle: T\ndate: 2021-12-08\ntranslation_of: ru/orig.md\ntranslators: [Sam Taylor]\nsource: { name: O, url: 'https://o.example/a', lang: ru }\n---\nText.\n",
        ),
    ])
}

#[test]
fn build_prints_warnings_with_their_count_and_deny_warnings_fails() {
    let f = site_with_a_warning();
    let o = f.run(&["build"]);
    assert_ok(&o);
    assert!(
        stderr(&o).contains("content/en/tr.md:4:1: warning:"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains(", 1 warning\n"), "{}", stdout(&o));
    let before = snapshot(&f.public());

    // The original is updated again: the next build would change files, but warnings fail it.
    f.write(
        "content/ru/orig.md",
        "---\ntitle: O2\ndate: 2021-12-07\nupdated: 2021-12-11\n---\nТекст.\n",
    );
    let o = f.run(&["build", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("content/en/tr.md:4:1: warning:"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("1 warning and --deny-warnings"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&f.public()), before, "output untouched");

    // Two warnings are counted in the plural; without warnings the flag changes nothing.
    f.write(
        "content/ar/tr2.md",
        "---\ntitle: T2\ndate: 2021-12-09\ntranslation_of: ru/orig.md\ntranslators: [Sam Taylor]\nsource: { name: O, url: 'https://o.example/b', lang: ru }\n---\nText.\n",
    );
    let o = f.run(&["build"]);
    assert_ok(&o);
    assert!(stdout(&o).contains(", 2 warnings\n"), "{}", stdout(&o));
    f.write(
        "content/ru/orig.md",
        "---\ntitle: O\ndate: 2021-12-07\n---\nТекст.\n",
    );
    assert_ok(&f.run(&["build", "--deny-warnings"]));
}

/// Many warnings of one kind (here: five translations older than their originals' updates): the
/// build shows the first three and counts the rest; `--verbose`, `gen check` and `--format json`
/// give all five.
#[test]
fn build_shows_a_few_warnings_of_a_kind_and_counts_the_rest() {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 1..=5 {
        files.push((
            format!("content/ru/orig{i}.md"),
            format!("---\ntitle: O{i}\ndate: 2021-12-07\nupdated: 2021-12-10\n---\nТекст.\n"),
        ));
        files.push((
            format!("content/en/tr{i}.md"),
            format!(
                "---\ntitle: T{i}\ndate: 2021-12-08\ntranslation_of: ru/orig{i}.md\ntranslators: [Sam Taylor]\nsource: {{ name: O, url: 'https://o.example/{i}', lang: ru }}\n---\nText.\n"
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let f = Fixture::new(&refs);
    let shown = |text: &str| {
        (1..=5)
            .filter(|i| text.contains(&format!("content/en/tr{i}.md:4:1: warning:")))
            .count()
    };

    let o = f.run(&["build"]);
    assert_ok(&o);
    let err = stderr(&o);
    assert_eq!(shown(&err), 3, "{err}");
    assert!(
        err.contains("… and 2 more warnings like \"the original … was updated on … after this translation; it may be stale\": run `gen check` or `gen build --verbose` to see all"),
        "{err}"
    );
    assert!(stdout(&o).contains(", 5 warnings\n"), "{}", stdout(&o));

    let o = f.run(&["build", "--verbose"]);
    assert_ok(&o);
    assert_eq!(shown(&stderr(&o)), 5, "{}", stderr(&o));
    assert!(!stderr(&o).contains("more warnings like"), "{}", stderr(&o));

    let o = f.run(&["check"]);
    assert_eq!(shown(&stderr(&o)), 5, "{}", stderr(&o));

    let o = f.run(&["build", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(shown(&stderr(&o)), 5, "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["warnings"], 5);
}
