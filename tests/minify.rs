//! Minified pages are the same documents as unminified ones: the example site is built with
//! `minify = true` and with `minify = false`, every page of both is parsed, and the element
//! trees, attributes and the text each element shows must agree (whitespace compared as the
//! browser collapses it inside text and inline elements, exactly inside `pre`, ignored between
//! blocks). The minified site must also be smaller.

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// The example site (site.toml, content, static) in a temporary folder, built with `minify`.
fn build_example(minify: bool) -> (tempfile::TempDir, PathBuf) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for sub in ["content", "static"] {
        if repo.join(sub).is_dir() {
            copy_tree(&repo.join(sub), &dir.path().join(sub));
        }
    }
    let toml = std::fs::read_to_string(repo.join("site.toml")).unwrap();
    assert!(
        toml.contains("\nminify = true\n"),
        "the example site minifies"
    );
    let toml = toml.replace("\nminify = true\n", &format!("\nminify = {minify}\n"));
    std::fs::write(dir.path().join("site.toml"), toml).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["build", "--root"])
        .arg(dir.path())
        .env("SOURCE_DATE_EPOCH", "1900000000")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = dir.path().join("public");
    (dir, public)
}

fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut list: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| p.strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    list.sort();
    list
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every element in document order: name, attributes (class as a set of words) and the text
/// it shows.
fn outline(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let all = scraper::Selector::parse("*").unwrap();
    doc.select(&all)
        .map(|e| {
            let name = e.value().name();
            let mut attrs: Vec<String> = e
                .value()
                .attrs()
                // Values an element has without saying them may go.
                .filter(|&(k, v)| {
                    !matches!(
                        (name, k, v),
                        ("form", "method", "get")
                            | ("button", "type", "submit")
                            | ("input", "type", "text")
                            | ("script", "type", "text/javascript")
                    )
                })
                .map(|(k, v)| {
                    if k == "class" {
                        format!("{k}={}", collapse(v))
                    } else {
                        format!("{k}={v}")
                    }
                })
                .collect();
            attrs.sort();
            // With scripting on (as here), `noscript` holds its markup as text: left out.
            let text: String = e
                .descendants()
                .filter(|n| {
                    n.parent()
                        .and_then(|p| p.value().as_element().map(|p| p.name() != "noscript"))
                        .unwrap_or(true)
                })
                .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
                .collect();
            // Whitespace between blocks may go; inside text and inline elements a browser
            // shows it as one space, which must stay; inside `pre`, all of it.
            let text = match name {
                "pre" | "textarea" => text,
                "script" | "style" => text.trim().to_string(),
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "a" | "span" | "em"
                | "strong" | "time" | "figcaption" | "button" | "label" | "title" | "dt" | "dd"
                | "td" | "th" | "code" | "q" | "cite" => collapse(&text),
                _ => text.split_whitespace().collect(),
            };
            format!("<{name} {}> {text}", attrs.join(" "))
        })
        .collect()
}

#[test]
fn minified_pages_are_the_same_documents() {
    let (_a, raw) = build_example(false);
    let (_b, min) = build_example(true);
    let list = pages(&raw);
    assert_eq!(list, pages(&min), "the same pages");
    assert!(list.len() > 50, "{} pages", list.len());
    let (mut raw_bytes, mut min_bytes) = (0, 0);
    for rel in &list {
        let r = std::fs::read_to_string(raw.join(rel)).unwrap();
        let m = std::fs::read_to_string(min.join(rel)).unwrap();
        raw_bytes += r.len();
        min_bytes += m.len();
        let (ro, mo) = (outline(&r), outline(&m));
        if ro != mo {
            let at = ro.iter().zip(&mo).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "{}: the minified page differs at element {at}:\n  unminified: {:?}\n  minified:   {:?}",
                rel.display(),
                ro.get(at),
                mo.get(at)
            );
        }
        assert!(m.len() <= r.len(), "{} grew", rel.display());
    }
    // Whitespace between blocks, quotes and escaped entities go: a twentieth at least.
    assert!(
        min_bytes * 20 < raw_bytes * 19,
        "{min_bytes} bytes minified, {raw_bytes} not"
    );
}
