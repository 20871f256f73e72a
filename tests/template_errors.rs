//! Template errors keep the promised format: `file:line:col: error: …` naming the template, the
//! page being rendered when rendering, and a `help:` line that names the nearest filter, tag,
//! function or template when the name is a typo. Checked on `gen build`'s terminal output and,
//! field by field, on `gen check --format json`.
mod common;
use common::*;

const GOOD: &str = "---\ntitle: Good\ndate: 2021-12-08\n---\nFine.\n";

/// One reported problem, from `gen check --format json`.
#[derive(Debug)]
struct Reported {
    path: String,
    line: u64,
    col: u64,
    message: String,
    hint: String,
}

/// A site whose `templates/<name>` is `template`: checks that `gen build` fails with exit code
/// 1 printing `expect_at` (file:line:col) and a help line, and returns what `gen check` reports.
fn template_fails(name: &str, template: &str, expect_at: &str) -> Vec<Reported> {
    let f = Fixture::new(&[("content/en/good.md", GOOD)]);
    f.write(&format!("templates/{name}"), template);

    let out = f.run(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "exit code; stderr:\n{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(&format!("{expect_at}: error: ")))
        .unwrap_or_else(|| panic!("no `{expect_at}: error:` line in:\n{stderr}"));
    assert!(
        lines
            .get(at + 1)
            .is_some_and(|l| l.trim_start().starts_with("help: ")),
        "a help line right after the error:\n{stderr}"
    );

    let out = f.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| Reported {
            path: d["path"].as_str().unwrap_or_default().to_string(),
            line: d["line"].as_u64().unwrap_or(0),
            col: d["col"].as_u64().unwrap_or(0),
            message: d["message"].as_str().unwrap_or_default().to_string(),
            hint: d["hint"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

#[test]
fn unknown_filter_names_its_place_and_the_nearest_filter() {
    let d = template_fails(
        "article.html",
        "<!DOCTYPE html>\n<title>{{ article.title | uppr }}</title>\n",
        "templates/article.html:2:27",
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].path.as_str(), d[0].line, d[0].col),
        ("templates/article.html", 2, 27)
    );
    assert!(d[0].message.contains("unknown filter `uppr`"), "{d:?}");
    assert!(d[0].hint.contains("`upper`"), "{d:?}");
}

#[test]
fn missing_include_names_its_place_and_the_nearest_template() {
    // The default theme has partials/card.html.
    let d = template_fails(
        "article.html",
        "<!DOCTYPE html>\n<title>x</title>\n<main>\n  {% include \"partials/crad.html\" %}\n</main>\n",
        "templates/article.html:4:14",
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].path.as_str(), d[0].line, d[0].col),
        ("templates/article.html", 4, 14)
    );
    assert!(
        d[0].message
            .contains("unknown template `partials/crad.html`"),
        "{d:?}"
    );
    assert!(d[0].hint.contains("`partials/card.html`"), "{d:?}");

    // A name like no other: the hint says what to create.
    let d = template_fails(
        "article.html",
        "{% include \"sidebar-widgets.html\" %}\n",
        "templates/article.html:1:12",
    );
    assert!(
        d[0].hint.contains("create templates/sidebar-widgets.html"),
        "{d:?}"
    );
}

#[test]
fn misspelt_end_tag_is_named_with_the_tag_it_should_be() {
    let d = template_fails(
        "article.html",
        "<!DOCTYPE html>\n{% if article.kicker %}\n<p>{{ article.kicker }}</p>{% endfi %}\n",
        "templates/article.html:3:31",
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].path.as_str(), d[0].line, d[0].col),
        ("templates/article.html", 3, 31)
    );
    assert!(d[0].message.contains("unknown tag `endfi`"), "{d:?}");
    assert!(d[0].hint.contains("{% endif %}"), "{d:?}");

    // An end tag with nothing to close says so.
    let d = template_fails(
        "article.html",
        "<p>x</p>\n{% endfor %}\n",
        "templates/article.html:2:4",
    );
    assert!(d[0].message.contains("unknown tag `endfor`"), "{d:?}");
    assert!(d[0].hint.contains("no open `{% for %}`"), "{d:?}");
}

#[test]
fn every_misspelt_name_is_reported_in_one_run() {
    let d = template_fails(
        "partials/card.html",
        "<article>{{ card.title | lowr }}\n{{ assett(path=\"css/style.css\") }}</article>\n",
        "templates/partials/card.html:1:26",
    );
    let at: Vec<(&str, u64, u64)> = d.iter().map(|r| (r.path.as_str(), r.line, r.col)).collect();
    assert_eq!(
        at,
        [
            ("templates/partials/card.html", 1, 26),
            ("templates/partials/card.html", 2, 4)
        ],
        "{d:?}"
    );
    assert!(d[0].hint.contains("`lower`"), "{d:?}");
    assert!(d[1].hint.contains("`asset`"), "{d:?}");
}

#[test]
fn rendering_error_names_the_page_and_the_nearest_field() {
    let d = template_fails(
        "article.html",
        "<!DOCTYPE html>\n<title>x</title>\n<h1>{{ article.titel }}</h1>\n",
        "templates/article.html:3:16",
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].path.as_str(), d[0].line, d[0].col),
        ("templates/article.html", 3, 16)
    );
    assert!(
        d[0].message.contains("while rendering /2021/12/08/good/"),
        "{d:?}"
    );
    assert!(d[0].hint.contains("`title`"), "{d:?}");
}

#[test]
fn extending_a_missing_template_names_the_line_and_the_nearest() {
    let d = template_fails(
        "article.html",
        "\n{% extends \"bsae.html\" %}\n",
        "templates/article.html:2:12",
    );
    assert!(d[0].message.contains("`bsae.html`"), "{d:?}");
    assert!(d[0].hint.contains("`base.html`"), "{d:?}");
}
