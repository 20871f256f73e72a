//! Bad input: every case exits non-zero, names file:line:col, says what to do, and leaves the
//! previous output folder byte for byte as it was.
mod common;
use common::*;

const GOOD: &str = "---\ntitle: Good\ndate: 2021-12-08\n---\nFine.\n";

/// Builds a good site, plants `bad` at `path`, builds again, and checks the failure.
fn fails_with(path: &str, bad: &[u8], expect_location: &str, expect_words: &str) -> String {
    let f = Fixture::new(&[("content/en/good.md", GOOD)]);
    f.build_ok();
    let before = snapshot(&f.public());
    assert!(!before.is_empty());
    let p = f.root().join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bad).unwrap();
    let out = f.run(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "exit code; stderr:\n{stderr}");
    assert!(
        stderr.contains(expect_location),
        "expected `{expect_location}` in:\n{stderr}"
    );
    assert!(
        stderr.contains(expect_words),
        "expected `{expect_words}` in:\n{stderr}"
    );
    assert!(stderr.contains("help:"), "a hint on what to do:\n{stderr}");
    assert_eq!(snapshot(&f.public()), before, "output folder changed");
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".gen-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
    stderr
}

#[test]
fn unterminated_front_matter() {
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\ndate: 2021-01-01\n",
        "content/en/bad.md:1:1",
        "not closed",
    );
}

#[test]
fn invalid_yaml_points_at_the_file_line() {
    fails_with(
        "content/en/bad.md",
        b"\n\n---\ntitle: x\ndate: [2021\n---\n",
        "content/en/bad.md:5:7",
        "invalid front matter",
    );
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: \"unclosed\ndate: 2021-01-01\n---\n",
        "content/en/bad.md:",
        "invalid front matter",
    );
}

#[test]
fn wrong_type() {
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\ndate: 2021-01-01\nauthors: 5\n---\n",
        "content/en/bad.md:4:10",
        "authors",
    );
}

#[test]
fn unknown_key_with_hint() {
    let e = fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\ndate: 2021-01-01\ntranslater: [A]\n---\n",
        "content/en/bad.md:4:1",
        "unknown key `translater`",
    );
    assert!(e.contains("did you mean `translators`?"), "{e}");
}

#[test]
fn missing_title_and_date() {
    fails_with(
        "content/en/bad.md",
        b"---\ndate: 2021-01-01\n---\n",
        "content/en/bad.md:",
        "missing `title`",
    );
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\n---\n",
        "content/en/bad.md:",
        "missing `date`",
    );
}

#[test]
fn invalid_date() {
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\ndate: 2024-13-45\n---\n",
        "content/en/bad.md:3:7",
        "invalid `date`",
    );
}

#[test]
fn translation_without_source_or_translator() {
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\ndate: 2021-01-01\ntranslators: [T]\n---\n",
        "content/en/bad.md:4:1",
        "must credit its source",
    );
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\ndate: 2021-01-01\nsource:\n  name: Outlet\n  url: https://outlet.example/a\n  lang: ru\n---\n",
        "content/en/bad.md:4:1",
        "translator",
    );
}

#[test]
fn dangerous_slugs() {
    for slug in [
        "../../../tmp/pwn",
        "a/b",
        "'a\\b'",
        "\"a\\0b\"",
        "..",
        "\"C:evil\"",
    ] {
        let text = format!("---\ntitle: x\ndate: 2021-01-01\nslug: {slug}\n---\n");
        fails_with(
            "content/en/bad.md",
            text.as_bytes(),
            "content/en/bad.md:4:",
            "invalid `slug`",
        );
    }
}

#[test]
fn invalid_utf8() {
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: caf\xe9\ndate: 2021-01-01\n---\n",
        "content/en/bad.md:2:",
        "not valid UTF-8",
    );
}

#[test]
fn template_syntax_error() {
    fails_with(
        "templates/article.html",
        b"<html>\n<body>\n{% if %}\n</body>\n",
        "templates/article.html:3:",
        "template error",
    );
}

#[test]
fn a_misspelt_or_missing_ui_string_says_what_to_do() {
    let e = fails_with(
        "templates/article.html",
        b"<!DOCTYPE html>\n<title>x</title>\n{{ ui.updatd }}\n",
        "templates/article.html:3:",
        "did you mean `updated`?",
    );
    // `ui` has hundreds of keys: the message names a dozen and the count.
    let line = e
        .lines()
        .find(|l| l.contains("Available fields: "))
        .expect("the fields are listed");
    let (names, rest) = line
        .split_once("Available fields: ")
        .unwrap()
        .1
        .split_once(", … (")
        .expect("the list is cut");
    assert_eq!(names.split(", ").count(), 12, "{line}");
    let total: usize = rest.split(' ').next().unwrap().parse().expect("a count");
    assert!(total > 100, "{line}");
    let e = fails_with(
        "templates/article.html",
        b"<!DOCTYPE html>\n<title>x</title>\n{{ ui.correction_notice_heading }}\n",
        "templates/article.html:3:",
        "no i18n file has a UI string `correction_notice_heading`",
    );
    assert!(e.contains("i18n/en.toml"), "{e}");
}

#[test]
fn template_runtime_error_names_the_page() {
    let e = fails_with(
        "templates/article.html",
        b"<!DOCTYPE html>\n<title>x</title>\n{{ article.nope.deeper }}\n",
        "templates/article.html:3:",
        "while rendering /2021/12/08/good/",
    );
    assert!(e.contains("template error"), "{e}");
}

#[test]
fn language_not_declared() {
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\ndate: 2021-01-01\nlang: fr\n---\n",
        "content/en/bad.md:4:7",
        "not declared in site.toml",
    );
}

#[test]
fn image_without_alt() {
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\ndate: 2021-01-01\nimage:\n  src: a.jpg\n---\n",
        "content/en/bad.md:4:",
        "no `alt`",
    );
}

#[test]
fn two_articles_one_url_names_both() {
    let e = fails_with(
        "content/en/other.md",
        b"---\ntitle: x\ndate: 2021-12-08\nslug: good\n---\n",
        "content/en/other.md:4:",
        "content/en/good.md",
    );
    assert!(e.contains("/2021/12/08/good/"), "{e}");
}

#[test]
fn several_errors_reported_together_sorted() {
    let f = Fixture::new(&[
        ("content/en/a.md", "---\ntitle: x\n---\n"),
        ("content/en/b.md", "---\ndate: 2021-01-01\n---\n"),
        ("content/en/c.md", "---\ntitle: x\ndate: nope\n---\n"),
    ]);
    let out = f.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    let a = e.find("content/en/a.md").expect("a");
    let b = e.find("content/en/b.md").expect("b");
    let c = e.find("content/en/c.md").expect("c");
    assert!(a < b && b < c, "{e}");
    assert!(e.contains("3 errors"), "{e}");
}

#[test]
fn dangerous_output_folders_refused_nothing_deleted() {
    let f = Fixture::new(&[("content/en/good.md", GOOD)]);
    let before = snapshot(f.root());
    let root = f.root().to_string_lossy().to_string();
    let dotdot = format!("{root}/..");
    let content = format!("{root}/content");
    for out in [
        ".",
        "..",
        root.as_str(),
        "/",
        dotdot.as_str(),
        content.as_str(),
    ] {
        let o = f.run(&["build", "--output", out]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "--output {out}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("refusing"),
            "{out}"
        );
    }
    assert_eq!(snapshot(f.root()), before);
}

#[test]
fn foreign_non_empty_output_needs_force() {
    let f = Fixture::new(&[
        ("content/en/good.md", GOOD),
        ("public/precious.txt", "keep me"),
    ]);
    let o = f.run(&["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(f.read("precious.txt"), "keep me");
    assert!(f.run(&["build", "--force"]).status.success());
}

#[test]
fn hostile_title_is_escaped() {
    let f = Fixture::new(&[(
        "content/en/x.md",
        "---\ntitle: '</script><img src=x onerror=alert(1)>'\ndate: 2021-12-08\n---\nBody <script>alert(2)</script> [a](javascript:alert(3))\n",
    )]);
    f.build_ok();
    let doc = f.html("2021/12/08/x/index.html");
    let imgs = scraper::Selector::parse("img[onerror]").unwrap();
    assert_eq!(doc.select(&imgs).count(), 0);
    // The JSON-LD holds the title as data (with `<` escaped), never as a live script.
    let scripts = scraper::Selector::parse("script:not([type=\"application/ld+json\"])").unwrap();
    assert!(
        doc.select(&scripts)
            .all(|s| !s.inner_html().contains("alert")),
        "no live script from content"
    );
    let ld = scraper::Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    for s in doc.select(&ld) {
        let text: String = s.text().collect();
        assert!(!text.contains('<'), "{text}");
        serde_json::from_str::<serde_json::Value>(&text).expect("JSON-LD parses");
    }
    assert_eq!(
        text_of(&doc, "h1").as_deref(),
        Some("</script><img src=x onerror=alert(1)>")
    );
    assert!(
        attrs(&doc, "a", "href")
            .iter()
            .all(|h| !h.starts_with("javascript:"))
    );
}

#[test]
fn editor_droppings_and_hidden_files_ignored() {
    let f = Fixture::new(&[
        ("content/en/good.md", GOOD),
        ("content/en/.#good.md", "garbage"),
        ("content/en/good.md~", "garbage"),
        ("content/en/.good.md.swp", "garbage"),
        ("content/en/4913", "garbage"),
        ("content/.DS_Store", "garbage"),
    ]);
    f.build_ok();
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_an_error_not_a_hang() {
    let f = Fixture::new(&[("content/en/good.md", GOOD)]);
    std::os::unix::fs::symlink(f.root().join("content"), f.root().join("content/en/loop")).unwrap();
    let o = f.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("filesystem loop"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn unknown_site_toml_key_hint() {
    let f = Fixture::new(&[
        (
            "site.toml",
            "title = 'x'\nbase_url = 'https://x.example/'\nminfy = true\n",
        ),
        ("content/en/good.md", GOOD),
    ]);
    let o = f.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("site.toml:3:1") && e.contains("did you mean `minify`?"),
        "{e}"
    );
}

#[test]
fn yaml_bombs_fail_fast() {
    let mut laughs = String::from(
        "---\ntitle: x\ndate: 2021-01-01\nextra:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        laughs.push_str(&format!("  {name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    laughs.push_str("---\n");
    fails_with(
        "content/en/bad.md",
        laughs.as_bytes(),
        "content/en/bad.md:",
        "invalid front matter",
    );
    let deep = format!(
        "---\ntitle: x\ndate: 2021-01-01\nextra:\n  k: {}{}\n---\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    fails_with(
        "content/en/bad.md",
        deep.as_bytes(),
        "content/en/bad.md:",
        "invalid front matter",
    );
}

#[test]
fn bom_and_crlf_accepted() {
    let f = Fixture::new(&[(
        "content/en/crlf.md",
        "\u{feff}---\r\ntitle: Windows\r\ndate: 2021-12-08\r\n---\r\nBody line.\r\n",
    )]);
    f.build_ok();
    assert_eq!(
        text_of(&f.html("2021/12/08/crlf/index.html"), "h1").as_deref(),
        Some("Windows")
    );
}

#[cfg(unix)]
#[test]
fn links_to_files_outside_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    std::fs::write(outside.path().join("secret.md"), GOOD).unwrap();
    for (link, target) in [
        ("static/leak.txt", "secret.txt"),
        ("content/en/leak.md", "secret.md"),
        // A linked folder: every file in it was reached through the link.
        ("content/en/linked", "."),
    ] {
        let f = Fixture::new(&[("content/en/good.md", GOOD)]);
        f.build_ok();
        let before = snapshot(&f.public());
        std::fs::create_dir_all(f.root().join(link).parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(outside.path().join(target), f.root().join(link)).unwrap();
        let o = f.run(&["build"]);
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{link}: {e}");
        assert!(e.contains("points outside the site folder"), "{e}");
        assert_eq!(snapshot(&f.public()), before);
    }
}

// ---- Issue 13: what gen publishes is right ----

#[cfg(unix)]
#[test]
fn emacs_lock_file_a_dangling_link_is_skipped() {
    // Emacs keeps `.#name.md` beside a file being edited: a link to `user@host.pid:time`, which
    // does not exist. A link to a missing target under any other name is still an error.
    let f = Fixture::new(&[("content/en/good.md", GOOD)]);
    std::os::unix::fs::symlink(
        "editor@host.4242:1700000000",
        f.root().join("content/en/.#good.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink("nowhere", f.root().join("content/#scratch.md#")).unwrap();
    f.build_ok();
    assert!(f.public().join("2021/12/08/good/index.html").is_file());

    std::os::unix::fs::symlink("nowhere", f.root().join("content/en/dangling.md")).unwrap();
    let o = f.run(&["build"]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("content/en/dangling.md"), "{e}");
}

#[test]
fn undeclared_language_folder_is_an_error_with_the_fix() {
    // The fixture declares en, ru and ar; `de` and `pt-br` read as language codes.
    let e = fails_with(
        "content/de/urteil.md",
        "---\ntitle: Das Gericht hat entschieden\ndate: 2021-12-08\n---\nText.\n".as_bytes(),
        "content/de/urteil.md:1:1",
        "not declared in site.toml",
    );
    assert!(e.contains("help: add `[languages.de]` to site.toml"), "{e}");
    // `lang: en` written in the file (as `gen new article` did) does not make it English.
    fails_with(
        "content/pt-br/noticia.md",
        b"---\ntitle: Tribunal decide\ndate: 2021-12-08\nlang: en\n---\nTexto.\n",
        "content/pt-br/noticia.md:4:7",
        "[languages.pt-br]",
    );
    // Section folders that are not language codes, and declared languages, are fine.
    let f = Fixture::new(&[
        ("content/world/a.md", GOOD),
        ("content/ru/b.md", GOOD),
        ("content/c.md", GOOD),
    ]);
    f.build_ok();
}

#[test]
fn missing_lead_image_is_a_build_error_at_its_src() {
    fails_with(
        "content/en/story/index.md",
        b"---\ntitle: x\ndate: 2021-12-08\nimage:\n  src: talks.jpg\n  alt: Two men at a table\n---\nText.\n",
        "content/en/story/index.md:5:8",
        "missing image `talks.jpg`",
    );
    // In flow style, at the value on the `image:` line; a file that is not a bundle's says how
    // to make one.
    let e = fails_with(
        "content/en/flat.md",
        b"---\ntitle: x\ndate: 2021-12-08\nimage: { src: talks.jpg, alt: Two men }\n---\n",
        "content/en/flat.md:4:15",
        "missing image `talks.jpg`",
    );
    assert!(e.contains("content/en/flat/index.md"), "{e}");
    // A /path names a file of static/.
    fails_with(
        "content/en/rooted.md",
        b"---\ntitle: x\ndate: 2021-12-08\nimage:\n  src: /images/none.jpg\n  alt: Nothing\n---\n",
        "content/en/rooted.md:5:8",
        "missing image `/images/none.jpg`",
    );
}

#[test]
fn missing_body_image_and_broken_article_link_are_build_errors() {
    fails_with(
        "content/en/story/index.md",
        b"---\ntitle: x\ndate: 2021-12-08\n---\nIntro.\n\nSee the map: ![Map of the river](map.png)\n",
        "content/en/story/index.md:7:14",
        "missing image `map.png`",
    );
    // A root-relative link to a Markdown file that does not exist.
    fails_with(
        "content/en/linker.md",
        b"---\ntitle: x\ndate: 2021-12-08\n---\nRead [the first part](/en/part-one.md) too.\n",
        "content/en/linker.md:5:6",
        "broken link `/en/part-one.md`",
    );
    fails_with(
        "content/en/linker.md",
        b"---\ntitle: x\ndate: 2021-12-08\n---\n\nAlso [this](../ru/missing.md#part).\n",
        "content/en/linker.md:6:6",
        "broken link `../ru/missing.md#part`",
    );
}

#[test]
fn present_images_and_root_relative_article_links_build() {
    let f = Fixture::new(&[
        ("content/en/good.md", GOOD),
        (
            "content/en/story/index.md",
            "---\ntitle: Story\ndate: 2021-12-09\nimage: { src: lead.jpg, alt: A river }\n---\nSee ![A map](img/map.png) and [the good one](/en/good.md).\n",
        ),
        (
            "content/en/static-pic.md",
            "---\ntitle: Logo\ndate: 2021-12-07\nimage: { src: /images/logo.png, alt: The logo }\n---\n![The logo](/images/logo.png)\n",
        ),
    ]);
    f.write_bytes("content/en/story/lead.jpg", &common::jpeg(40, 30));
    f.write_bytes("content/en/story/img/map.png", &common::png(40, 30));
    f.write_bytes("static/images/logo.png", &common::png(40, 30));
    f.build_ok();
    let doc = f.html("2021/12/09/story/index.html");
    assert!(attrs(&doc, ".body a", "href").contains(&"/2021/12/08/good/".to_string()));
}

#[test]
fn body_image_without_alt_text_is_an_error() {
    let f = Fixture::new(&[("content/en/good.md", GOOD)]);
    f.build_ok();
    f.write("content/en/story/court.png", "png");
    let e = fails_with(
        "content/en/story/index.md",
        b"---\ntitle: x\ndate: 2021-12-08\n---\nThe court.\n\n![](court.png)\n",
        "content/en/story/index.md:7:1",
        "image `court.png` has no alt text",
    );
    assert!(
        e.contains("\"decorative\""),
        "the hint shows the decorative marker: {e}"
    );
}

#[test]
fn decorative_image_gets_empty_alt_and_no_title() {
    let f = Fixture::new(&[(
        "content/en/story/index.md",
        "---\ntitle: Story\ndate: 2021-12-08\n---\nText.\n\n![](rule.png \"decorative\")\n\nMore ![](dot.png \"Decorative\") text.\n",
    )]);
    f.write_bytes("content/en/story/rule.png", &common::png(40, 2));
    f.write_bytes("content/en/story/dot.png", &common::png(4, 4));
    f.build_ok();
    let doc = f.html("2021/12/08/story/index.html");
    let s = scraper::Selector::parse(".body img").unwrap();
    let imgs: Vec<_> = doc.select(&s).collect();
    assert_eq!(imgs.len(), 2);
    for img in imgs {
        assert_eq!(img.value().attr("alt"), Some(""), "{:?}", img.value());
        assert_eq!(img.value().attr("title"), None, "{:?}", img.value());
    }
    assert_eq!(text_of(&doc, ".body figcaption"), None, "no caption");
    // Decorative with alt text is a contradiction.
    f.write(
        "content/en/story/index.md",
        "---\ntitle: Story\ndate: 2021-12-08\n---\n![A rule](rule.png \"decorative\")\n",
    );
    let o = f.run(&["build"]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("content/en/story/index.md:5:1"), "{e}");
}

#[test]
fn translation_without_translators_is_an_error() {
    let f = Fixture::new(&[("content/ru/orig.md", GOOD)]);
    f.build_ok();
    let before = snapshot(&f.public());
    f.write(
        "content/en/tr.md",
        "---\ntitle: x\ndate: 2021-12-09\ntranslation_of: ru/orig.md\n---\n",
    );
    let o = f.run(&["build"]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("content/en/tr.md:4:1"), "{e}");
    assert!(
        e.contains("translator") && e.contains("help: add `translators:"),
        "{e}"
    );
    assert_eq!(snapshot(&f.public()), before);
    // A source in another language needs translators too.
    fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\ndate: 2021-01-01\nsource:\n  name: Outlet\n  url: https://outlet.example/a\n  lang: de\n---\n",
        "content/en/bad.md:4:1",
        "its `source` is in `de`",
    );
}

#[test]
fn republication_in_the_original_language_credits_the_outlet() {
    let f = Fixture::new(&[
        (
            "content/en/republished.md",
            "---\ntitle: Republished\ndate: 2021-12-08\nauthors: [Jane Doe]\nsource:\n  name: Example Outlet\n  url: https://outlet.example/story\n  lang: en\n---\nText.\n",
        ),
        (
            "content/ru/perepechatka.md",
            "---\ntitle: Перепечатка\ndate: 2021-12-08\nsource: { name: Издание, url: 'https://outlet.example/ru', lang: ru }\n---\nТекст.\n",
        ),
    ]);
    f.build_ok();
    let doc = f.html("2021/12/08/republished/index.html");
    assert_eq!(
        text_of(&doc, ".credits .republished-by").as_deref(),
        Some("Originally published by Example Outlet")
    );
    assert_eq!(
        attrs(&doc, ".credits .republished-by a", "href"),
        vec!["https://outlet.example/story".to_string()]
    );
    assert_eq!(
        text_of(&doc, ".translation-by"),
        None,
        "no translation credit"
    );
    assert_eq!(text_of(&doc, ".article-header .source"), None);
    // Structured data: based on the original and its outlet, not a translation of it.
    let sel = scraper::Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    let ld: serde_json::Value = serde_json::from_str(
        &doc.select(&sel)
            .next()
            .expect("JSON-LD")
            .text()
            .collect::<String>(),
    )
    .unwrap();
    assert_eq!(ld["isBasedOn"], "https://outlet.example/story");
    assert_eq!(ld["sourceOrganization"]["name"], "Example Outlet");
    assert!(ld.get("translationOfWork").is_none(), "{ld:#}");
    let ru = f.html("ru/2021/12/08/perepechatka/index.html");
    assert_eq!(
        text_of(&ru, ".credits .republished-by").as_deref(),
        Some("Впервые опубликовано изданием Издание")
    );
}

#[test]
fn image_written_as_a_string_says_what_to_write() {
    let e = fails_with(
        "content/en/bad.md",
        b"---\ntitle: x\ndate: 2021-01-01\nimage: court.png\n---\n",
        "content/en/bad.md:4:8",
        "`image` must be a mapping with `src:` and `alt:`",
    );
    assert!(
        e.contains("help: write `image: { src: court.png, alt:"),
        "{e}"
    );
    assert!(!e.contains("RawImage"), "{e}");
}
