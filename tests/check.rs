//! `gen check`: internal links, `#anchors` and images of the rendered site, each problem at the
//! file and line to fix.
mod common;
use common::*;

use std::process::Output;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `gen check --format json` → (exit code, diagnostics).
fn check_json(f: &Fixture, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let o = f.run(&args);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    (
        o.status.code(),
        v["diagnostics"].as_array().cloned().unwrap_or_default(),
    )
}

/// The diagnostics at `path:line` whose message contains `needle`.
fn at<'a>(
    list: &'a [serde_json::Value],
    path: &str,
    line: u64,
    needle: &str,
) -> Vec<&'a serde_json::Value> {
    list.iter()
        .filter(|d| {
            d["path"] == path
                && d["line"] == line
                && d["message"].as_str().unwrap_or("").contains(needle)
        })
        .collect()
}

/// The 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

const PLANTED: &str = "---
title: Planted
date: 2021-12-08T10:00:00+03:00
---
Intro paragraph.

## The first part

A [fine link](other/index.md) and a [fine anchor](other/index.md#the-evidence).

A [broken link](../2021/no-such-story/) to nowhere.

A [missing anchor](other/index.md#no-such-heading) in another article.

![A missing image](missing-map.png)

Back to [the first part](#the-first-part), and [a missing one](#the-second-part).
";

const OTHER: &str = "---
title: Other
date: 2021-12-07T10:00:00+03:00
image: { src: lead-photo.jpg, alt: The dam at dawn }
---
## The evidence

![A map](map.png)
";

fn planted() -> Fixture {
    let f = Fixture::new(&[
        ("content/en/planted.md", PLANTED),
        ("content/en/other/index.md", OTHER),
    ]);
    f.write_bytes("content/en/other/map.png", &common::png(40, 30));
    f
}

#[test]
fn finds_planted_broken_link_missing_anchor_and_missing_image() {
    let f = planted();
    let (code, list) = check_json(&f, &[]);
    assert_eq!(code, Some(1), "{list:#?}");
    let file = "content/en/planted.md";
    let cases = [
        ("../2021/no-such-story/", "broken link"),
        ("#no-such-heading", "missing anchor `#no-such-heading`"),
        ("missing-map.png", "missing image `missing-map.png`"),
        ("#the-second-part", "missing anchor `#the-second-part`"),
    ];
    for (needle, message) in cases {
        let line = line_of(PLANTED, needle);
        assert_eq!(
            at(&list, file, line, message).len(),
            1,
            "{message} at {file}:{line} in {list:#?}"
        );
    }
    // The fine ones are not reported.
    for fine in ["(other/index.md)", "#the-evidence", "(#the-first-part)"] {
        let line = line_of(PLANTED, fine);
        if fine.contains("first-part") {
            // That line also holds the missing anchor: only one problem there.
            assert_eq!(at(&list, file, line, "").len(), 1, "{list:#?}");
        } else {
            assert!(at(&list, file, line, "").is_empty(), "{fine}: {list:#?}");
        }
    }
    // The lead image named in front matter is missing: reported at its key, once, whether the
    // article page, a card or share metadata shows it.
    let lead: Vec<&serde_json::Value> = list
        .iter()
        .filter(|d| d["path"] == "content/en/other/index.md")
        .collect();
    assert_eq!(lead.len(), 1, "{list:#?}");
    assert_eq!(lead[0]["line"], line_of(OTHER, "image:"));
    assert!(
        lead[0]["message"]
            .as_str()
            .unwrap()
            .contains("missing image `lead-photo.jpg`"),
        "{lead:#?}"
    );
    // A near miss gets a hint.
    let anchor = at(
        &list,
        file,
        line_of(PLANTED, "#the-second-part"),
        "missing anchor",
    );
    assert_eq!(
        anchor[0]["hint"].as_str(),
        Some("did you mean `#the-first-part`?")
    );

    // The same as text, for people: `file:line[:col]: …` and exit 1.
    let o = f.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for (needle, message) in cases {
        let at_line = format!("{file}:{}:", line_of(PLANTED, needle));
        let expected = format!(" error: {message}");
        assert!(
            err.lines()
                .any(|l| l.starts_with(&at_line) && l.contains(&expected)),
            "{at_line}…{expected}\nin\n{err}"
        );
    }
    // `gen build` refuses the missing images (they would be published broken); links to
    // pages and anchors are `gen check`'s.
    let o = f.run(&["build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stderr(&o).contains("missing anchor"), "{}", stderr(&o));
}

#[test]
fn template_links_are_blamed_on_the_template() {
    let f = Fixture::new(&[
        (
            "content/en/a.md",
            &article("title: A\ndate: 2021-12-08T10:00:00+03:00", "Body."),
        ),
        (
            "templates/404.html",
            "<!DOCTYPE html><html><head><title>404</title></head><body>\
             <a href=\"{{ site.base_path }}no-such-page/\">x</a>\
             <a href=\"relative/\">y</a></body></html>",
        ),
    ]);
    let (code, list) = check_json(&f, &[]);
    assert_eq!(code, Some(1));
    let from_template: Vec<&serde_json::Value> = list
        .iter()
        .filter(|d| d["path"] == "templates/404.html")
        .collect();
    assert!(
        from_template.iter().any(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("broken link `/no-such-page/`")),
        "{list:#?}"
    );
    assert!(
        from_template.iter().any(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("relative `relative/` in 404.html")),
        "{list:#?}"
    );
}

#[test]
fn two_pages_sharing_a_url_are_reported() {
    let f = Fixture::new(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://e.org/\"\npermalink = \"/:slug/\"\n",
        ),
        (
            "content/en/tags.md",
            &article(
                "title: Tags\ndate: 2021-12-08T10:00:00+03:00\ntags: [x]",
                "Body.",
            ),
        ),
    ]);
    let (code, list) = check_json(&f, &[]);
    assert_eq!(code, Some(1));
    assert!(
        list.iter().any(|d| d["path"] == "content/en/tags.md"
            && d["message"]
                .as_str()
                .unwrap()
                .contains("two pages share the URL /tags/")),
        "{list:#?}"
    );
}

#[test]
fn sub_path_links_are_checked_under_the_base_path() {
    let f = Fixture::new(&[
        (
            "content/en/a.md",
            &article(
                "title: A\ndate: 2021-12-08T10:00:00+03:00",
                "A [root link](/about/) that leaves a sub-path site.",
            ),
        ),
        (
            "content/en/b.md",
            &article(
                "title: B\ndate: 2021-12-09T10:00:00+03:00",
                "Links [A](a.md) and [its top](a.md#top).",
            ),
        ),
    ]);
    let (_, list) = check_json(&f, &["--base-url", "https://e.org/news/"]);
    let leaves = at(&list, "content/en/a.md", 5, "leaves the site");
    assert_eq!(leaves.len(), 1, "{list:#?}");
    assert_eq!(leaves[0]["severity"], "warning");
    assert!(
        list.iter().all(|d| d["path"] != "content/en/b.md"),
        "content links and #top resolve: {list:#?}"
    );
    assert!(
        list.iter()
            .filter(|d| d["severity"] == "error")
            .all(|d| !d["path"].as_str().unwrap().starts_with("content/")),
        "article links resolve under /news/: {list:#?}"
    );
}

#[test]
fn the_example_site_passes() {
    let root = env!("CARGO_MANIFEST_DIR");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["check", "--root", root])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("check passed"), "{out}");
    // And as it will be deployed under a sub-path.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
        .args([
            "check",
            "--root",
            root,
            "--base-url",
            "https://example.org/news/",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("leaves the site"), "{}", stderr(&o));
}

/// A broken content link is a problem of the site model; `gen check` goes on and reports the
/// problems only the rendered pages show (anchors, images) in the same run.
#[test]
fn one_run_lists_every_problem() {
    let a = "---\ntitle: A\ndate: 2021-12-08T10:00:00+03:00\n---\nSee [gone](no-such-story.md).\n\nAnd [there](b.md#no-such-heading).\n\n![A map](missing-map.png)\n";
    let f = Fixture::new(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://e.org/\"\n",
        ),
        ("content/en/a.md", a),
        (
            "content/en/b.md",
            "---\ntitle: B\ndate: 2021-12-07T10:00:00+03:00\n---\n## Evidence\n\nText.\n",
        ),
    ]);
    let (code, list) = check_json(&f, &[]);
    assert_eq!(code, Some(1));
    let path = "content/en/a.md";
    assert_eq!(
        at(
            &list,
            path,
            line_of(a, "no-such-story.md"),
            "no-such-story.md"
        )
        .len(),
        1,
        "{list:#?}"
    );
    assert_eq!(
        at(
            &list,
            path,
            line_of(a, "#no-such-heading"),
            "missing anchor"
        )
        .len(),
        1,
        "{list:#?}"
    );
    assert_eq!(
        at(
            &list,
            path,
            line_of(a, "missing-map.png"),
            "missing-map.png"
        )
        .len(),
        1,
        "{list:#?}"
    );
}
