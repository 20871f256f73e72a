//! Reproducible output: the same files give the same bytes, whatever the process, the order the
//! files were created in, or what the output folder held before; and a second build into the
//! same folder rewrites nothing (unchanged files keep their inode and modification time).
//!
//! Every build runs the real binary in its own process, so anything seeded per process (hash
//! maps with random keys) shows up as a difference.
mod common;

#[allow(dead_code)]
#[path = "../examples/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fixed "now" for the Google News sitemap and anything else that reads the clock.
const EPOCH: &str = "1798761600"; // 2027-01-01T00:00:00Z, after every example article

/// Runs `gen build --root ROOT --output OUT` in a new process and returns its stdout.
fn build(root: &Path, out: &Path) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
        .output()
        .expect("run gen");
    assert!(
        o.status.success(),
        "gen build {} failed:\n{}",
        root.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    common::snapshot(dir).into_iter().collect()
}

/// Inode and modification time of every file under `dir`.
fn stamps(dir: &Path) -> BTreeMap<PathBuf, (u64, i64, i64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                (m.ino(), m.mtime(), m.mtime_nsec()),
            )
        })
        .collect()
}

/// Asserts two output trees are byte for byte the same, naming the files that differ.
fn assert_same_trees(a: &Path, b: &Path, what: &str) {
    let (ta, tb) = (tree(a), tree(b));
    assert!(ta.len() > 10, "{}: almost nothing built", a.display());
    let only_a: Vec<_> = ta.keys().filter(|k| !tb.contains_key(*k)).collect();
    let only_b: Vec<_> = tb.keys().filter(|k| !ta.contains_key(*k)).collect();
    let differ: Vec<_> = ta
        .iter()
        .filter(|(k, v)| tb.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        only_a.is_empty() && only_b.is_empty() && differ.is_empty(),
        "{what}: {} files differ (first: {:?}), only in the first: {:?}, only in the second: {:?}",
        differ.len(),
        differ.iter().take(5).collect::<Vec<_>>(),
        only_a.iter().take(5).collect::<Vec<_>>(),
        only_b.iter().take(5).collect::<Vec<_>>(),
    );
}

/// Copies a site, creating the files of `content/` in reverse order of their paths (folders
/// too), so that a file-system walk in creation order meets them the other way round.
fn copy_site_reversed(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for top in ["site.toml", "static", "templates", "themes"] {
        let src = from.join(top);
        if src.is_file() {
            std::fs::copy(&src, to.join(top)).unwrap();
        } else if src.is_dir() {
            copy_tree(&src, &to.join(top), false);
        }
    }
    copy_tree(&from.join("content"), &to.join("content"), true);
}

fn copy_tree(from: &Path, to: &Path, reverse: bool) {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(from)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(from).unwrap().to_path_buf())
        .collect();
    if reverse {
        files.reverse();
    }
    for rel in files {
        let dst = to.join(&rel);
        std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&rel), dst).unwrap();
    }
}

/// The whole check on one site: two builds in separate processes and a build of a reversed
/// copy give identical trees, and a second build into the first folder rewrites nothing.
fn check_reproducible(root: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two, rev) = (
        tmp.path().join("one"),
        tmp.path().join("two"),
        tmp.path().join("rev"),
    );
    build(root, &one);
    build(root, &two);
    assert_same_trees(&one, &two, "two builds of the same files");

    let copy = tmp.path().join("copy");
    copy_site_reversed(root, &copy);
    build(&copy, &rev);
    assert_same_trees(&one, &rev, "a copy of content/ made in reverse order");

    // Again into the first folder: every file is the one already there.
    let before = stamps(&one);
    let report = build(root, &one);
    let after = stamps(&one);
    let rewritten: Vec<_> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(before.len(), after.len(), "{report}");
    assert!(
        rewritten.is_empty(),
        "an unchanged site rewrote {} files, e.g. {:?}\n{report}",
        rewritten.len(),
        rewritten.iter().take(5).collect::<Vec<_>>()
    );
}

#[test]
fn the_example_site_builds_to_the_same_bytes_every_time() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    check_reproducible(root);

    // The case that was seen: a person's names in other languages, in a defined order.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(root, &out);
    let page = std::fs::read_to_string(out.join("authors/anna-kovaleva/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&page);
    let names: Vec<(String, String)> = doc
        .select(&scraper::Selector::parse(".person-names [lang]").unwrap())
        .map(|e| {
            (
                e.value().attr("lang").unwrap().to_string(),
                e.text().collect(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("ru".to_string(), "Анна Ковалёва".to_string()),
            ("uk".to_string(), "Анна Ковальова".to_string())
        ]
    );
}

/// A generated archive of 1,000 articles in six languages, with a people.yaml giving many of
/// its authors and translators names in several languages (maps in the templates' data).
///
/// Four builds of 1,000 articles take minutes in a debug build (about 290 s on the 2-core CI
/// machine under load), so it runs on demand:
/// `cargo test --release --test determinism -- --ignored`.
#[test]
#[ignore = "four builds of 1,000 articles; run with --ignored"]
fn a_generated_archive_of_1000_articles_builds_to_the_same_bytes_every_time() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let stats = corpus::generate(&corpus::Args {
        n: 1000,
        out: root.clone(),
        seed: 7,
        minify: true,
        related: 3,
    })
    .unwrap();
    assert_eq!(stats.articles, 1000);

    // Credited names, from the articles' front matter.
    let mut people = std::collections::BTreeSet::new();
    for e in walkdir::WalkDir::new(root.join("content")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let yaml = text.split("---\n").nth(1).unwrap();
            let fm: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
            for key in ["authors", "translators"] {
                if let Some(list) = fm.get(key).and_then(|v| v.as_sequence()) {
                    people.extend(list.iter().filter_map(|v| v.as_str().map(str::to_string)));
                }
            }
        }
    }
    assert!(people.len() > 50, "{} people", people.len());
    let mut yaml = String::new();
    for name in people.iter().take(120) {
        yaml.push_str(&format!(
            "- name: \"{name}\"\n  names: {{ ru: \"{name} (ru)\", uk: \"{name} (uk)\", de: \"{name} (de)\", fr: \"{name} (fr)\" }}\n  bios: {{ en: \"Bio of {name}\", ru: \"Био {name}\" }}\n"
        ));
    }
    std::fs::write(root.join("content/people.yaml"), yaml).unwrap();

    check_reproducible(&root);
}
