//! Embeds and shortcodes through the real binary: the built example site loads nothing from a
//! third party (parsed with scraper), shortcodes are drawn by templates a site can override,
//! feeds get plain HTML, and mistakes are errors at the Markdown file's line and column.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Fixture, article, attrs, snapshot};
use scraper::{Html, Selector};

/// Every attribute that makes a browser fetch something on its own (not a link the reader
/// follows).
const LOADING_ATTRS: &[&str] = &[
    "src",
    "srcset",
    "href",
    "poster",
    "data",
    "action",
    "formaction",
    "background",
    "manifest",
];

/// The host of an absolute (or scheme-relative) URL.
fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    Some(
        rest.split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase(),
    )
}

#[test]
fn the_example_site_loads_nothing_from_third_parties() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let status = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args([
            "build",
            "--quiet",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--output",
        ])
        .arg(&out)
        .env("NO_COLOR", "1")
        .status()
        .unwrap();
    assert!(status.success());
    let own = "relay.example.org";
    let all = Selector::parse("*").unwrap();
    let mut pages = 0;
    let mut services: Vec<String> = Vec::new();
    let mut offending = Vec::new();
    for e in walkdir::WalkDir::new(&out).sort_by_file_name() {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        pages += 1;
        let doc = Html::parse_document(&std::fs::read_to_string(e.path()).unwrap());
        for el in doc.select(&all) {
            let name = el.value().name();
            assert!(
                !matches!(name, "iframe" | "embed" | "object"),
                "{}: a <{name}> in the built page",
                e.path().display()
            );
            if name == "a" {
                continue;
            }
            for attr in LOADING_ATTRS {
                let Some(v) = el.value().attr(attr) else {
                    continue;
                };
                for url in v
                    .split(',')
                    .map(|c| c.split_whitespace().next().unwrap_or(""))
                {
                    if let Some(h) = host_of(url)
                        && h != own
                    {
                        offending.push(format!("{}: <{name} {attr}=\"{v}\">", e.path().display()));
                    }
                }
            }
        }
        services.extend(attrs(&doc, "figure[data-embed]", "data-embed"));
        // Every card works without JavaScript: its link is a real link to the item.
        let cards = Selector::parse("figure[data-embed]").unwrap();
        let link = Selector::parse(".embed-link a[href]").unwrap();
        let button = Selector::parse(".embed-actions[hidden] button.embed-load").unwrap();
        for card in doc.select(&cards) {
            let href = card
                .select(&link)
                .next()
                .and_then(|a| a.value().attr("href"))
                .unwrap_or_else(|| panic!("{}: a card without its link", e.path().display()));
            assert!(
                card.value().attr("data-embed") == Some("pdf") || href.starts_with("https://"),
                "{href}"
            );
            assert!(card.select(&button).next().is_some(), "{}", card.html());
        }
    }
    assert!(pages > 20);
    assert!(offending.is_empty(), "{}", offending.join("\n"));
    for s in ["youtube", "telegram", "x"] {
        assert!(
            services.iter().any(|x| x == s),
            "no {s} embed in {services:?}"
        );
    }
    // The script is published with the theme and named only by pages with embeds.
    let article =
        std::fs::read_to_string(out.join("2026/01/22/grain-corridor-talks-open/index.html"))
            .unwrap();
    assert!(article.contains("/js/embeds.js"));
    let plain = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!plain.contains("embeds.js"));
    assert!(out.join("js/embeds.js").is_file());
}

const FM: &str = "title: Shortcodes\ndate: 2024-03-01T10:00:00Z\nlang: en";

#[test]
fn shortcodes_are_drawn_by_templates_a_site_overrides() {
    let body = "First paragraph.\n\n{{ pullquote(text=\"Nobody \\\"listened\\\"\", by=\"An engineer\") }}\n\nhttps://youtu.be/dQw4w9WgXcQ?si=track\n\n{% note(title=\"Correction\") %}\nAn earlier version *misnamed* the dam.\n{% end %}\n\n{{ embed(url=\"https://t.me/severny_vestnik/4182\", caption=\"The channel's post\", image=\"still.jpg\") }}\n";
    let f = Fixture::new(&[
        ("content/en/a/index.md", &article(FM, body)),
        (
            "templates/shortcodes/pullquote.html",
            "<blockquote class=\"site-pq\" data-by=\"{{ by }}\">{{ text }}</blockquote>",
        ),
    ]);
    f.write_bytes("content/en/a/still.jpg", &common::jpeg(64, 36));
    f.build_ok();
    let doc = f.html("2024/03/01/a/index.html");
    // The site's own template…
    assert_eq!(
        attrs(&doc, "blockquote.site-pq", "data-by"),
        ["An engineer"]
    );
    assert_eq!(
        common::text_of(&doc, "blockquote.site-pq").as_deref(),
        Some("Nobody “listened”")
    );
    // …and the theme's for the rest.
    assert_eq!(
        common::text_of(&doc, ".editors-note-title").as_deref(),
        Some("Correction")
    );
    assert_eq!(
        attrs(&doc, "figure.embed", "data-embed"),
        ["youtube", "telegram"]
    );
    assert_eq!(
        attrs(&doc, "figure.embed-youtube .embed-link a", "href"),
        ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]
    );
    // The still is published as variants (tests/images.rs).
    let still = attrs(&doc, "figure.embed-telegram img.embed-thumb", "src");
    assert!(
        still.len() == 1 && still[0].starts_with("/2024/03/01/a/still-64x36-"),
        "{still:?}"
    );
    assert_eq!(
        common::text_of(&doc, "figure.embed-telegram figcaption").as_deref(),
        Some("The channel’s post")
    );
    assert_eq!(
        common::text_of(&doc, "figure.embed-youtube .embed-load").as_deref(),
        Some("Load content from YouTube")
    );
    assert!(
        attrs(&doc, "figure.embed-youtube", "data-embed-src")[0]
            .starts_with("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    );
    // The URL of the embed is no summary of the article.
    let home = f.read("index.html");
    assert!(home.contains("First paragraph."));
}

#[test]
fn feeds_get_embeds_as_links() {
    let toml = format!("{}\n[feeds]\nfull_text = true\n", common::SITE_TOML);
    let f = Fixture::new(&[
        ("site.toml", &toml),
        (
            "content/en/a.md",
            &article(
                FM,
                "Intro.\n\nhttps://x.com/Reuters/status/1790000000000000001\n\n{{ pullquote(text=\"Quoted\") }}\n",
            ),
        ),
    ]);
    f.build_ok();
    let feed = f.read("rss.xml");
    let feed = roxmltree::Document::parse(&feed).unwrap();
    let item = feed
        .descendants()
        .find(|n| n.tag_name().name() == "encoded")
        .and_then(|n| n.text())
        .expect("content:encoded")
        .to_string();
    assert!(
        item.contains("<a href=\"https://x.com/Reuters/status/1790000000000000001\">"),
        "{item}"
    );
    assert!(
        !item.contains('\u{0}') && !item.contains("Quoted"),
        "{item}"
    );
}

fn fails_at(body: &str, files: &[(&str, &str)], location: &str, words: &[&str]) {
    let doc = article(FM, body);
    let mut all = vec![("content/en/a/index.md", doc.as_str())];
    all.extend_from_slice(files);
    let f = Fixture::new(&[(
        "content/en/good.md",
        &article(FM.replace("Shortcodes", "Good").as_str(), "Fine."),
    )]);
    f.build_ok();
    let before = snapshot(&f.public());
    for (p, t) in &all {
        f.write(p, t);
    }
    let out = f.run(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(location), "expected {location} in:\n{err}");
    for w in words {
        assert!(err.contains(w), "expected `{w}` in:\n{err}");
    }
    assert!(err.contains("help:"), "{err}");
    assert_eq!(
        snapshot(&f.public()),
        before,
        "a failed build changed the output"
    );
}

#[test]
fn bad_shortcodes_are_errors_at_their_line_and_column() {
    // The front matter is 5 lines; the body starts on line 6.
    fails_at(
        "Intro.\n\n{{ pulquote(text=\"x\") }}\n",
        &[],
        "content/en/a/index.md:8:1",
        &["unknown shortcode `pulquote`", "did you mean `pullquote`"],
    );
    fails_at(
        "{{ pullquote(text=\"x\", who=\"y\") }}\n",
        &[],
        "content/en/a/index.md:6:24",
        &["no argument `who`", "text, by"],
    );
    fails_at(
        "{{ embed(url=\"https://www.bbc.com/news/x\") }}\n",
        &[],
        "content/en/a/index.md:6:10",
        &["cannot embed", "YouTube"],
    );
    fails_at(
        "{% gallery() %}\n![Alt](missing.jpg)\n{% end %}\n",
        &[],
        "content/en/a/index.md:7:1",
        &["missing image `missing.jpg`"],
    );
    fails_at(
        "{% gallery() %}\n![](x.jpg)\n{% end %}\n",
        &[("content/en/a/x.jpg", "x")],
        "content/en/a/index.md:7:1",
        &["no alt text"],
    );
    fails_at(
        "{% note() %}\nNever closed.\n",
        &[],
        "content/en/a/index.md:6:1",
        &["no `{% end %}`"],
    );
    fails_at(
        "{{ embed(url=\"report.pdf\") }}\n",
        &[],
        "content/en/a/index.md:6:1",
        &["report.pdf"],
    );
}

#[test]
fn gen_check_reports_shortcode_errors_too() {
    let f = Fixture::new(&[("content/en/a.md", &article(FM, "{{ aside(title=3) }}\n"))]);
    let out = f.run(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(err.contains("content/en/a.md:6:10"), "{err}");
    assert!(err.contains("takes text"), "{err}");
    assert!(!Path::new(&f.public()).exists());
}
