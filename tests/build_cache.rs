//! `gen build --incremental`: the build cache in `.gen-cache/build/` is used when valid and
//! ignored when anything it was made from changed, and the output always equals a full build
//! of the same folder. (Random edit sequences are in `tests/serve_random.rs`.)

mod common;

use std::path::Path;

use common::{Fixture, article, copy_tree, snapshot};

const EPOCH: &str = "1767225600";

fn site() -> Fixture {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..12 {
        files.push((
            format!("content/en/story-{i}.md"),
            article(
                &format!(
                    "title: Story number {i}\ndate: 2025-0{}-1{}T10:00:00Z\nauthors: [Jane Doe]\ntags: [water, t{}]\nstory: Dam inquiry",
                    1 + i % 9,
                    i % 10,
                    i % 3
                ),
                &format!("Paragraph of story {i} about the dam and the river.\n\nA second paragraph, with [a link](story-{}.md).", (i + 1) % 12),
            ),
        ));
    }
    files.push((
        "content/ru/story-0.md".into(),
        article(
            "title: История ноль\ndate: 2025-01-11T10:00:00Z\ntranslation_of: en/story-0.md\ntranslators: [Tanya Perevod]\nsource: {name: Fixture, url: 'https://fixture.example/2025/01/10/story-0/', lang: en}\ntags: [water]",
            "Текст про плотину.",
        ),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Fixture::new(&refs)
}

/// `gen build --incremental --format json` (plus `extra`) into `out`: the report.
fn incremental(f: &Fixture, out: &Path, extra: &[&str]) -> serde_json::Value {
    let o = run(f, out, &[&["--incremental"], extra].concat());
    assert!(
        o.status.success(),
        "gen build --incremental failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn run(f: &Fixture, out: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--format", "json", "--output"])
        .arg(out)
        .args(args)
        .arg("--root")
        .arg(f.root())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap()
}

/// A full build of the same files into a copy of `out` (so that it sees the same previous
/// build): the incremental output must equal it.
fn assert_equals_full_build(f: &Fixture, out: &Path) {
    assert_equals_full_build_with(f, out, &[]);
}

fn rendered(r: &serde_json::Value) -> (u64, u64) {
    (
        r["rendered"].as_u64().unwrap(),
        r["pages"].as_u64().unwrap(),
    )
}

#[test]
fn an_unchanged_site_renders_and_writes_nothing() {
    let f = site();
    let out = f.root().join("public");
    let first = incremental(&f, &out, &[]);
    let (r, pages) = rendered(&first);
    assert_eq!(r, pages, "no cache yet: every page rendered");
    assert!(f.root().join(".gen-cache/build/state").is_file());
    let before = snapshot(&out);
    let again = incremental(&f, &out, &[]);
    assert_eq!(rendered(&again), (0, pages));
    assert_eq!(again["written"], 0);
    assert_eq!(snapshot(&out), before);
    assert_equals_full_build(&f, &out);
}

#[test]
fn an_edit_renders_only_the_pages_that_show_it() {
    let f = site();
    let out = f.root().join("public");
    incremental(&f, &out, &[]);
    let path = "content/en/story-5.md";
    let text = std::fs::read_to_string(f.root().join(path)).unwrap();
    f.write(
        path,
        &text.replace("Paragraph of story 5", "A corrected paragraph of story 5"),
    );
    let r = incremental(&f, &out, &[]);
    let (n, pages) = rendered(&r);
    assert!(n > 0 && n < pages / 2, "{n} of {pages} pages rendered");
    assert!(
        std::fs::read_to_string(out.join("2025/06/15/story-5/index.html"))
            .unwrap()
            .contains("A corrected paragraph")
    );
    assert_equals_full_build(&f, &out);

    // A new article: in lists, feeds and its tags' pages too; the result is a full build's.
    f.write(
        "content/en/new.md",
        &article(
            "title: A new story\ndate: 2025-12-01T10:00:00Z\nauthors: [Jane Doe]\ntags: [water]",
            "Fresh news about [story 0](story-0.md).",
        ),
    );
    let r = incremental(&f, &out, &[]);
    let (n, pages2) = rendered(&r);
    assert!(pages2 > pages && n < pages2, "{n} of {pages2}");
    assert_equals_full_build(&f, &out);

    // Removed again: its page goes.
    std::fs::remove_file(f.root().join("content/en/new.md")).unwrap();
    incremental(&f, &out, &[]);
    assert!(!out.join("2025/12/01/new").exists());
    assert_equals_full_build(&f, &out);
}

#[test]
fn templates_site_toml_and_people_invalidate_what_they_change() {
    let f = site();
    let out = f.root().join("public");
    incremental(&f, &out, &[]);
    // A template of the site: every page is rendered again.
    f.write(
        "templates/partials/head.html",
        "<meta name=\"x-test\" content=\"template edit\">",
    );
    let r = incremental(&f, &out, &[]);
    let (n, pages) = rendered(&r);
    assert_eq!(n, pages);
    assert!(
        std::fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("template edit")
    );
    assert_equals_full_build(&f, &out);
    // site.toml: the cache is not used at all.
    let toml = std::fs::read_to_string(f.root().join("site.toml")).unwrap();
    f.write(
        "site.toml",
        &toml.replace("title = \"Fixture\"", "title = \"Fixture two\""),
    );
    let r = incremental(&f, &out, &[]);
    assert_eq!(rendered(&r).0, rendered(&r).1);
    assert!(
        std::fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("Fixture two")
    );
    assert_equals_full_build(&f, &out);
    // people.yaml: the bylines change.
    f.write(
        "content/people.yaml",
        "- name: Jane Doe\n  names: {ru: Джейн Доу}\n  bio: Jane covers water.\n",
    );
    incremental(&f, &out, &[]);
    assert_equals_full_build(&f, &out);
    // Command-line options are part of the key.
    let r = incremental(&f, &out, &["--base-url", "https://other.example/news/"]);
    assert_eq!(rendered(&r).0, rendered(&r).1);
    assert_equals_full_build_with(&f, &out, &["--base-url", "https://other.example/news/"]);
}

fn assert_equals_full_build_with(f: &Fixture, out: &Path, args: &[&str]) {
    let full = f.root().join("full-build");
    let _ = std::fs::remove_dir_all(&full);
    copy_tree(out, &full);
    let o = run(f, &full, &[&["--force"], args].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (a, b) = (snapshot(out), snapshot(&full));
    let names =
        |s: &[(std::path::PathBuf, Vec<u8>)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the same files");
    for ((p, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{} differs from a full build", p.display());
    }
}

#[test]
fn an_edit_that_keeps_size_and_time_is_seen() {
    // Saved within a moment of the build: the stamp proves nothing, the bytes are compared.
    let f = site();
    let out = f.root().join("public");
    incremental(&f, &out, &[]);
    let path = f.root().join("content/en/story-3.md");
    let meta = std::fs::metadata(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace("story 3 about", "story 3 aboot");
    assert_eq!(edited.len(), text.len());
    std::fs::write(&path, &edited).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(meta.modified().unwrap()).unwrap();
    drop(file);
    incremental(&f, &out, &[]);
    assert!(
        std::fs::read_to_string(out.join("2025/04/13/story-3/index.html"))
            .unwrap()
            .contains("aboot")
    );
}

#[test]
fn a_lost_output_or_a_broken_cache_means_a_full_build() {
    let f = site();
    let out = f.root().join("public");
    let first = incremental(&f, &out, &[]);
    let all = snapshot(&out);
    // The output folder is gone (a CI that keeps only .gen-cache): everything is written.
    std::fs::remove_dir_all(&out).unwrap();
    let r = incremental(&f, &out, &[]);
    assert_eq!(rendered(&r), rendered(&first));
    assert_eq!(snapshot(&out), all);
    // Another output folder: the records describe the first one.
    let other = f.root().join("elsewhere");
    let r = incremental(&f, &other, &[]);
    assert_eq!(rendered(&r).0, rendered(&r).1);
    assert_eq!(snapshot(&other), all);
    // A cache cut short or overwritten: ignored, never an error.
    let state = f.root().join(".gen-cache/build/state");
    for broken in [
        std::fs::read(&state).unwrap()[..100].to_vec(),
        b"not a cache".to_vec(),
    ] {
        std::fs::write(&state, broken).unwrap();
        let r = incremental(&f, &out, &[]);
        assert_eq!(rendered(&r).0, rendered(&r).1);
        assert_eq!(snapshot(&out), all);
    }
    // A cache damaged inside: one record names another file, and it still decodes. Its
    // checksum no longer matches, so it is not trusted.
    let mut damaged = std::fs::read(&state).unwrap();
    let at = damaged
        .windows(10)
        .position(|w| w == b"story-1.md")
        .expect("the records name content/en/story-1.md");
    damaged[at..at + 10].copy_from_slice(b"story-9.md");
    std::fs::write(&state, damaged).unwrap();
    let r = incremental(&f, &out, &[]);
    assert_eq!(rendered(&r).0, rendered(&r).1);
    assert_eq!(snapshot(&out), all);
    // A full build of the same folder in between, of other content: the folder is another
    // one (swapped in), so the records are not trusted even though the content is back.
    let path = f.root().join("content/en/story-1.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("story 1 about", "story one about")).unwrap();
    let o = run(&f, &out, &[]);
    assert!(o.status.success());
    std::fs::write(&path, &text).unwrap();
    let r = incremental(&f, &out, &[]);
    assert_eq!(rendered(&r).0, rendered(&r).1);
    assert_eq!(snapshot(&out), all);
    // The marker of the output folder changed (another build wrote it): not trusted.
    incremental(&f, &out, &[]);
    let o = run(&f, &out, &["--clean"]);
    assert!(o.status.success());
    std::fs::write(out.join(".gen-output"), b"{}\n").unwrap();
    let r = incremental(&f, &out, &[]);
    assert_eq!(rendered(&r).0, rendered(&r).1);
    assert_eq!(snapshot(&out), all);
}

#[test]
fn a_failed_incremental_build_changes_nothing() {
    let f = site();
    let out = f.root().join("public");
    incremental(&f, &out, &[]);
    let before = snapshot(&out);
    let state = std::fs::read(f.root().join(".gen-cache/build/state")).unwrap();
    f.write(
        "content/en/story-2.md",
        "---\ntitle: Broken\ndate: not a date\n---\nBody.\n",
    );
    let o = run(&f, &out, &["--incremental"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("content/en/story-2.md:3:"), "{err}");
    assert_eq!(snapshot(&out), before, "the output is untouched");
    assert_eq!(
        std::fs::read(f.root().join(".gen-cache/build/state")).unwrap(),
        state,
        "the cache still describes the output"
    );
    // Fixed: the next build takes the cache up again.
    f.write(
        "content/en/story-2.md",
        &article("title: Fixed\ndate: 2025-03-12T10:00:00Z", "Body."),
    );
    let r = incremental(&f, &out, &[]);
    assert!(rendered(&r).0 < rendered(&r).1);
    assert_equals_full_build(&f, &out);
}
