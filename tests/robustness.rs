//! No input crashes or hangs gen: absurd nesting in a body is a content error at its line, deep
//! HTML from templates builds, and a fuzz test drives random Markdown bodies and front matter
//! through the whole pipeline (front matter → Markdown → site → templates → minifier).
//!
//! The fuzz test runs a few hundred cases by default; `GEN_FUZZ_CASES=100000 cargo test --test
//! robustness fuzz -- --nocapture` runs longer.
mod common;
use common::*;

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use gensite::build::BuildOptions;
use gensite::config::Overrides;
use gensite::diagnostics::{Error, Severity};
use proptest::prelude::*;

fn site_toml(minify: bool, unsafe_html: bool) -> String {
    format!(
        "title = \"Fixture\"\nbase_url = \"https://fixture.example/\"\ndefault_language = \"en\"\n\
         minify = {minify}\n\n[markdown]\nunsafe_html = {unsafe_html}\n\n\
         [languages.en]\nname = \"English\"\n\n[languages.ru]\nname = \"Русский\"\n\n\
         [languages.uk]\nname = \"Українська\"\n"
    )
}

/// Builds one article whose body is `intro` (two lines) then `body`, and returns gen's output.
fn build_body(body: &str, unsafe_html: bool) -> std::process::Output {
    let f = Fixture::new(&[
        ("site.toml", &site_toml(true, unsafe_html)),
        (
            "content/en/deep.md",
            &article(
                "title: Deep\ndate: 2021-12-08",
                &format!("Intro.\n\n{body}"),
            ),
        ),
    ]);
    f.run(&["build"])
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn absurd_nesting_is_a_content_error_at_its_line() {
    // Block quotes, lists and emphasis, 5,000 levels: the first level past the limit is named.
    let quotes = "> ".repeat(5000) + "x";
    let lists = (0..3000)
        .map(|i| format!("{}- x", "  ".repeat(i)))
        .collect::<Vec<_>>()
        .join("\n");
    let emphasis = format!("{}x{}", "*".repeat(3000), "*".repeat(3000));
    let links = format!("{}x{}", "[".repeat(3000), "](y)".repeat(3000));
    for (what, body, at) in [
        ("quotes", quotes, "7:401"),
        ("lists", lists, "107:201"),
        ("emphasis", emphasis, "7:399"),
    ] {
        let o = build_body(&body, false);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{what}: {err}");
        assert!(
            err.starts_with(&format!(
                "content/en/deep.md:{at}: error: the body nests more than 200 levels deep"
            )),
            "{what}: {err}"
        );
        assert!(err.contains("\n  help: "), "{what}: {err}");
    }
    // pulldown-cmark itself stops nesting link brackets long before: this builds.
    let o = build_body(&links, false);
    assert!(o.status.success(), "links: {}", stderr(&o));
}

#[test]
fn raw_html_counts_with_unsafe_html() {
    let o = build_body(&format!("<div>\n{}\n</div>", "<div>".repeat(5000)), true);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    // The 200th `<div>` on line 8 opens level 201 (line 7 opened the first).
    assert!(err.starts_with("content/en/deep.md:8:996: error:"), "{err}");
    assert!(err.contains("nests more than 200"), "{err}");
    // Without unsafe_html, the same text is shown as text: nothing nests.
    let o = build_body(&"<div>".repeat(5000), false);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn honest_nesting_builds() {
    // Fifty levels of quotes and a quote in a list in a quote: well within the limit.
    let body = "> ".repeat(50) + "x\n\n> - > quoted *in **a** list*\n";
    let f = Fixture::new(&[
        ("site.toml", &site_toml(true, false)),
        (
            "content/en/deep.md",
            &article("title: Deep\ndate: 2021-12-08", &body),
        ),
    ]);
    f.build_ok();
    let doc = f.html("2021/12/08/deep/index.html");
    let s = scraper::Selector::parse("blockquote").unwrap();
    assert!(doc.select(&s).count() >= 50);
}

#[test]
fn deep_html_from_a_template_does_not_overflow_the_stack() {
    // A theme can nest as deep as it likes: gen's workers have stack enough for the passes that
    // recurse per element, and the minifier keeps a stack of names, not of calls. Before, this
    // aborted with a stack overflow.
    let template = "<!doctype html><html lang=\"en\"><head><title>{{ page.title }}</title></head>\
                    <body>{% for i in range(end=5000) %}<div>{% endfor %}{{ article.body | safe }}\
                    {% for i in range(end=5000) %}</div>{% endfor %}</body></html>";
    let f = Fixture::new(&[
        ("site.toml", &site_toml(true, false)),
        ("templates/article.html", template),
        (
            "content/en/a.md",
            &article("title: A\ndate: 2021-12-08", "Text."),
        ),
    ]);
    let o = f.run(&["build"]);
    assert!(o.status.success(), "{:?}\n{}", o.status, stderr(&o));
    let doc = f.html("2021/12/08/a/index.html");
    let s = scraper::Selector::parse("div").unwrap();
    assert!(doc.select(&s).count() >= 5000);
}

// ---------------------------------------------------------------------------------------------
// Fuzzing the whole pipeline.

/// Pieces that Markdown, raw HTML, YAML and the typography pass treat specially.
const PIECES: &[&str] = &[
    "> ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "  ",
    "    ",
    "\t",
    "\n",
    "\n\n",
    "# ",
    "###### ",
    "*",
    "**",
    "_",
    "__",
    "~~",
    "`",
    "```\n",
    "~~~",
    "[",
    "]",
    "(",
    ")",
    "](other.md)",
    "](other.md#part)",
    "](https://example.net/)",
    "](javascript:alert(1))",
    "![",
    "![a](b.png \"c | d\")",
    "[^1]",
    "[^1]: note\n",
    "{#id}",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "<div>",
    "</div>",
    "<em>",
    "</em>",
    "<p>",
    "<li>",
    "<span>",
    "</span>",
    "<table>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<br/>",
    "\"",
    "'",
    "--",
    "---",
    "...",
    "&amp;",
    "&",
    "<",
    ">",
    "\\",
    "---\n",
    "word ",
    "Слово ",
    "«ёж» ",
    "كلمة ",
    "日本 ",
    "\u{0}",
    "\r",
    "\u{feff}",
    "\u{202e}",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => "\\PC{0,12}",
    ]
}

/// A body: runs of pieces, a few of them repeated very many times (deep nesting).
fn body() -> impl Strategy<Value = String> {
    let run = (
        piece(),
        prop_oneof![8 => 1usize..4, 2 => 4usize..300, 1 => Just(2500usize)],
    );
    prop::collection::vec(run, 0..24)
        .prop_map(|runs| runs.iter().map(|(p, n)| p.repeat(*n)).collect())
}

/// A front matter value: usually a JSON-quoted (so valid YAML) string, sometimes as written.
fn value() -> impl Strategy<Value = String> {
    let text = prop_oneof![
        "[ -~]{0,30}",
        "[\\u{400}-\\u{4ff} '\"-]{0,24}",
        "\\PC{0,20}",
        prop::sample::select(vec![
            "He said \"no\" -- it's over...",
            "Ярина Бондар",
            "Анна Ковалёва",
            "Anna Kovaleva",
            "Ђоковић",
            "TODO",
            "",
        ])
        .prop_map(str::to_string),
    ];
    (text, any::<u8>()).prop_map(|(t, how)| {
        if how < 232 {
            serde_json::to_string(&t).unwrap()
        } else {
            t
        }
    })
}

fn front_matter() -> impl Strategy<Value = String> {
    let lang = prop::sample::select(vec!["en", "ru", "uk"]);
    let optional = prop::sample::subsequence(
        vec![
            "kicker",
            "description",
            "authors",
            "translators",
            "tags",
            "story",
            "source",
            "related",
            "image",
            "slug",
            "lang",
            "updated",
            "corrections",
        ],
        0..6,
    );
    (value(), optional, prop::collection::vec(value(), 6), lang).prop_map(
        |(title, keys, vals, lang)| {
            let mut fm = format!("title: {title}\ndate: 2021-12-08T10:00:00+03:00\n");
            let mut translated = false;
            for (k, v) in keys.iter().zip(vals.iter().cycle()) {
                if matches!(*k, "translators" | "source") && std::mem::replace(&mut translated, true) {
                    continue;
                }
                let line = match *k {
                    "authors" | "tags" => format!("{k}: [{v}]"),
                    // A translation credits both (the rule is tested elsewhere).
                    "translators" | "source" => format!(
                        "translators: [{v}]\nsource: {{ name: {v}, url: 'https://example.net/a', lang: ru }}"
                    ),
                    "related" => format!(
                        "related: [{{ title: {v}, url: 'https://example.net/r', kicker: {v} }}]"
                    ),
                    "image" => format!("image: {{ src: 'https://example.net/i.jpg', alt: {v} }}"),
                    "lang" => format!("lang: {lang}"),
                    "updated" => "updated: 2021-12-09".to_string(),
                    "corrections" => format!("corrections: [{{ date: 2021-12-09, text: {v} }}]"),
                    _ => format!("{k}: {v}"),
                };
                fm.push_str(&line);
                fm.push('\n');
            }
            fm
        },
    )
}

fn cases() -> u32 {
    std::env::var("GEN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// Builds the site in `root` in-process on a thread of the default size, with a time limit.
fn build_in_time(root: &Path) -> Result<gensite::build::BuildReport, Error> {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        overrides: Overrides::default(),
        clean: false,
        force: true,
        ..BuildOptions::default()
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(gensite::build::build(&opts));
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(r) => r,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("gen build hung for 60 s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("gen build panicked"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    /// Any body and front matter either builds (minified) or is refused with diagnostics that
    /// name a line and say what to do; nothing panics, overflows the stack or hangs.
    #[test]
    fn fuzz_whole_pipeline(
        fm in front_matter(),
        body in body(),
        other_body in body(),
        unsafe_html in any::<bool>(),
    ) {
        let f = Fixture::new(&[
            ("site.toml", &site_toml(true, unsafe_html)),
            ("content/en/a.md", &format!("---\n{fm}---\n{body}")),
            ("content/en/other.md", &article("title: Other\ndate: 2021-12-01", &other_body)),
        ]);
        match build_in_time(f.root()) {
            Ok(report) => {
                prop_assert!(report.articles >= 1);
                let home = f.read("index.html");
                prop_assert!(home.contains("</html>"), "the home page is complete");
            }
            Err(Error::Content(list)) => {
                prop_assert!(!list.is_empty());
                for d in list.iter().filter(|d| d.severity == Severity::Error) {
                    prop_assert!(d.line >= 1, "no line: {d}");
                    prop_assert!(d.hint.is_some(), "no help: {d}");
                }
            }
            Err(e) => prop_assert!(false, "not a content error: {e}"),
        }
    }
}
