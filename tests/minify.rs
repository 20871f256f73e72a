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

/// Elements that start a new line of text: whitespace around them is not shown.
const BLOCKS: &[&str] = &[
    "html",
    "head",
    "body",
    "div",
    "p",
    "ul",
    "ol",
    "li",
    "section",
    "nav",
    "figure",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "header",
    "footer",
    "main",
    "article",
    "aside",
    "form",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "fieldset",
    "br",
    "hr",
    "meta",
    "link",
    "title",
    "script",
    "style",
    "noscript",
    "template",
];
/// Elements whose whitespace-only children the minifier drops (src/minify.rs, `Ws::Layout`).
const LAYOUT: &[&str] = &[
    "article",
    "aside",
    "blockquote",
    "body",
    "colgroup",
    "datalist",
    "dialog",
    "div",
    "dl",
    "fieldset",
    "figure",
    "footer",
    "form",
    "head",
    "header",
    "hgroup",
    "html",
    "main",
    "map",
    "menu",
    "nav",
    "ol",
    "optgroup",
    "picture",
    "section",
    "select",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];
/// Elements that sit in a line as one box: whitespace on either side of them is shown.
const ATOMS: &[&str] = &[
    "img", "input", "button", "svg", "textarea", "select", "iframe", "video",
];

/// The text an element shows in its own lines, as a browser lays it out: whitespace collapsed
/// to one space, none at the start or end of a line; a block inside it is a line break (`|`,
/// its text is its own entry), an inline box such as an image one mark (`□`). `pre` and
/// `textarea` keep their text exactly; script and style are compared trimmed.
fn shown_text(e: scraper::ElementRef) -> String {
    fn walk(n: scraper::ElementRef, out: &mut String) {
        let layout = LAYOUT.contains(&n.value().name());
        for c in n.children() {
            match c.value() {
                // Whitespace alone between the children of a layout element is dropped, as
                // minify-html did: templates must not rely on it (documented in docs/themes.md).
                scraper::Node::Text(t) if layout && t.trim_ascii().is_empty() => {}
                scraper::Node::Text(t) => out.push_str(t),
                scraper::Node::Element(el) if BLOCKS.contains(&el.name()) => out.push('|'),
                scraper::Node::Element(el) if ATOMS.contains(&el.name()) => out.push('□'),
                scraper::Node::Element(_) => walk(scraper::ElementRef::wrap(c).unwrap(), out),
                _ => {}
            }
        }
    }
    let name = e.value().name();
    let all = || e.text().collect::<String>();
    match name {
        "textarea" => all(),
        "pre" => e
            .descendants()
            .filter(|n| {
                n.parent().is_none_or(|p| {
                    p.id() == e.id()
                        || p.value().as_element().is_none_or(|p| {
                            !matches!(
                                p.name(),
                                "script" | "style" | "noscript" | "textarea" | "title"
                            )
                        })
                })
            })
            .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
            .collect(),
        "script" | "style" => all().trim().to_string(),
        "noscript" => String::new(),
        _ => {
            let mut raw = String::new();
            walk(e, &mut raw);
            let collapsed = collapse_keeping_edges(&raw);
            collapsed
                .replace(" |", "|")
                .replace("| ", "|")
                .trim()
                .to_string()
        }
    }
}

/// Runs of whitespace become one space (a leading or trailing run stays as one space).
fn collapse_keeping_edges(s: &str) -> String {
    let mut out = String::new();
    let mut ws = false;
    for ch in s.chars() {
        if ch.is_ascii_whitespace() {
            ws = true;
        } else {
            if ws {
                out.push(' ');
                ws = false;
            }
            out.push(ch);
        }
    }
    if ws {
        out.push(' ');
    }
    out
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
            let text = shown_text(e);
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

/// Random documents of the kinds of markup gen's templates and Markdown produce — nested
/// blocks and inline elements, `pre`/`textarea`/`script`/`style`, SVG, attributes whose values
/// hold quotes, spaces, `=`, `>` and `&`, text with entities and runs of whitespace — are the
/// same documents minified: the minifier is gen's own code, so it is checked against the HTML
/// parser on far more shapes than the example site has.
mod random {
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                "[a-zA-Zа-яА-Я0-9.,:;!?'\"()/=-]{1,8}",
                Just(" ".to_string()),
                Just("  \n\t ".to_string()),
                Just("&amp;".to_string()),
                Just("&lt;".to_string()),
                Just("&gt;".to_string()),
                Just("&quot;".to_string()),
                Just("&#39;".to_string()),
                Just("&nbsp;".to_string()),
                Just("&copy".to_string()),
                Just("& ".to_string()),
                Just("&amp;copy".to_string()),
                Just("&notit;".to_string()),
                Just("\u{a0}".to_string()),
                Just("—".to_string()),
            ],
            0..6,
        )
        .prop_map(|v| v.concat())
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-z0-9-]{1,6}",
            Just("a b".to_string()),
            Just("x=y".to_string()),
            Just("a>b".to_string()),
            Just("it&#39;s".to_string()),
            Just("&quot;q&quot;".to_string()),
            Just("`tick`".to_string()),
            Just("?a=1&amp;b=2".to_string()),
            Just("?a=1&amp;copy=2".to_string()),
            Just("  padded  ".to_string()),
            Just("get".to_string()),
            Just("text".to_string()),
            Just("submit".to_string()),
        ]
    }

    fn attrs() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                prop_oneof![
                    Just("class"),
                    Just("id"),
                    Just("href"),
                    Just("title"),
                    Just("data-x"),
                    Just("type"),
                    Just("method"),
                    Just("hidden"),
                    Just("lang"),
                    Just("dir"),
                ],
                value(),
                prop::bool::ANY,
            ),
            0..3,
        )
        .prop_map(|v| {
            let mut seen = std::collections::BTreeSet::new();
            v.into_iter()
                .filter(|(k, _, _)| seen.insert(*k))
                .map(|(k, v, dq)| {
                    let q = if dq { '"' } else { '\'' };
                    let v = v.replace(q, if dq { "&quot;" } else { "&#39;" });
                    format!(" {k}={q}{v}{q}")
                })
                .collect()
        })
    }

    fn wrap(tag: &str, a: &str, kids: &[String], nl: bool) -> String {
        let sep = if nl { "\n  " } else { "" };
        format!("<{tag}{a}>{sep}{}{sep}</{tag}>", kids.join(sep))
    }

    /// Phrasing content: text and inline elements (valid nesting, as templates and Markdown
    /// write it; misnested markup is rebuilt by the parser in ways whitespace can change).
    fn inline() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            4 => text(),
            1 => attrs().prop_map(|a| format!("<br{a}>")),
            1 => attrs().prop_map(|a| format!("<img{a} alt=\"a photo\">")),
            1 => attrs().prop_map(|a| format!("<input{a}>")),
            1 => text().prop_map(|t| format!("<textarea>\n{t} </textarea>")),
            1 => Just("<!-- a comment -->".to_string()),
            1 => Just("<svg viewBox=\"0 0 2 2\"><path d=\"M0 0 L2 2\"/> <title>t</title></svg>".to_string()),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            (
                prop_oneof![
                    Just("span"),
                    Just("em"),
                    Just("strong"),
                    Just("code"),
                    Just("label"),
                    Just("time"),
                    Just("q"),
                    Just("cite"),
                ],
                attrs(),
                prop::collection::vec(inner, 0..4),
                prop::bool::ANY,
            )
                .prop_map(|(tag, a, kids, nl)| wrap(tag, &a, &kids, nl))
        })
    }

    /// Flow content: blocks holding blocks or phrasing content.
    fn node() -> impl Strategy<Value = String> {
        let phrasing_block = (
            prop_oneof![
                Just("p"),
                Just("h2"),
                Just("figcaption"),
                Just("li"),
                Just("button"),
                Just("a"),
                Just("pre"),
                Just("td"),
            ],
            attrs(),
            prop::collection::vec(inline(), 0..4),
            prop::bool::ANY,
        )
            .prop_map(|(tag, a, kids, nl)| match tag {
                "li" => format!("<ul>{}</ul>", wrap(tag, &a, &kids, nl)),
                "td" => format!("<table><tr>{}</tr></table>", wrap(tag, &a, &kids, nl)),
                _ => wrap(tag, &a, &kids, nl),
            });
        let leaf = prop_oneof![
            3 => phrasing_block,
            2 => inline(),
            1 => Just("<script>if (a < b && c) { x = \"</p>\"; }</script>".to_string()),
            1 => Just("<style> a > b { color: red }  </style>".to_string()),
        ];
        leaf.prop_recursive(3, 40, 4, |inner| {
            (
                prop_oneof![
                    Just("div"),
                    Just("section"),
                    Just("blockquote"),
                    Just("figure"),
                    Just("nav"),
                    Just("article"),
                ],
                attrs(),
                prop::collection::vec(inner, 0..4),
                prop::bool::ANY,
            )
                .prop_map(|(tag, a, kids, nl)| wrap(tag, &a, &kids, nl))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_documents_minify_to_the_same_document(
            body in prop::collection::vec(super::random::node(), 0..5),
            lang in prop_oneof![Just("en"), Just("ar")],
        ) {
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n  <meta charset=\"utf-8\">\n  <title> A  page </title>\n</head>\n<body>\n{}\n</body>\n</html>\n",
                body.join("\n")
            );
            let min = String::from_utf8(gensite::minify::minify(&html)).expect("UTF-8 out");
            prop_assert_eq!(super::outline(&html), super::outline(&min), "minified:\n{}", min);
            prop_assert!(min.len() <= html.len());
        }

        #[test]
        fn any_text_minifies_without_panicking(s in "\\PC{0,300}") {
            let _ = gensite::minify::minify(&s);
        }
    }
}
