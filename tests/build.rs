//! `gen build` end to end on fixture sites.
mod common;
use common::*;

#[test]
fn builds_an_article_page() {
    let f = Fixture::new(&[(
        "content/en/hello.md",
        &article(
            "title: Hello\ndate: 2021-12-08T10:00:00+03:00\nkicker: Deep concerns",
            "Body \"quoted\".",
        ),
    )]);
    f.build_ok();
    let doc = f.html("2021/12/08/hello/index.html");
    assert_eq!(text_of(&doc, "h1").as_deref(), Some("Hello"));
    assert_eq!(text_of(&doc, ".kicker").as_deref(), Some("Deep concerns"));
}

#[test]
fn deleted_articles_do_not_linger() {
    let f = Fixture::new(&[
        (
            "content/en/keep.md",
            &article("title: Keep\ndate: 2021-12-08", "Keep."),
        ),
        (
            "content/en/gone.md",
            &article("title: Gone\ndate: 2021-12-09\ntags: [x]", "Gone."),
        ),
    ]);
    f.build_ok();
    assert!(f.public().join("2021/12/09/gone/index.html").exists());
    std::fs::remove_file(f.root().join("content/en/gone.md")).unwrap();
    f.build_ok();
    assert!(!f.public().join("2021/12/09/gone").exists());
    assert!(!f.public().join("tags/x").exists());
    assert!(!f.read("index.html").contains("Gone"));
    assert!(!f.read("sitemap.xml").contains("/gone/"));
}

#[test]
fn page_bundles_copy_their_files_beside_the_page() {
    let f = Fixture::new(&[
        (
            "content/en/story/index.md",
            &article(
                "title: Bundle\ndate: 2021-12-08\nimage: { src: photo.jpg, alt: A photo }",
                "![Map](map.png \"The map | Credit: Agency\")\n\n[The report](report.pdf)",
            ),
        ),
        ("content/en/story/report.pdf", "%PDF report"),
    ]);
    f.write_bytes("content/en/story/photo.jpg", &common::jpeg(64, 48));
    f.write_bytes("content/en/story/map.png", &common::png(64, 48));
    f.build_ok();
    // Other files are copied; photos are published only as variants (see tests/images.rs).
    assert_eq!(f.read("2021/12/08/story/report.pdf"), "%PDF report");
    assert!(!f.public().join("2021/12/08/story/photo.jpg").exists());
    assert!(!f.public().join("2021/12/08/story/map.png").exists());
    let doc = f.html("2021/12/08/story/index.html");
    let src = attrs(&doc, "figure img", "src");
    assert!(
        src.iter()
            .any(|s| s.starts_with("/2021/12/08/story/map-64x48-") && s.ends_with(".png")),
        "{src:?}"
    );
    assert_eq!(
        text_of(&doc, ".body figcaption .credit").as_deref(),
        Some("Credit: Agency")
    );
}

#[test]
fn drafts_only_with_the_flag() {
    let f = Fixture::new(&[(
        "content/en/d.md",
        &article("title: Draft\ndate: 2021-12-08\ndraft: true", "Soon."),
    )]);
    f.build_ok();
    assert!(!f.public().join("2021/12/08/d").exists());
    let out = f.run(&["build", "--drafts"]);
    assert!(out.status.success());
    assert!(f.public().join("2021/12/08/d/index.html").exists());
}

#[test]
fn site_templates_override_the_theme_and_a_bare_site_builds() {
    let f = Fixture::new(&[
        (
            "content/en/a.md",
            &article("title: A\ndate: 2021-12-08", "Body."),
        ),
        (
            "templates/404.html",
            "<!DOCTYPE html><html lang=\"en\"><title>Custom</title><p>Custom 404</p></html>",
        ),
        ("static/robots-extra.txt", "hello"),
    ]);
    f.build_ok();
    assert!(f.read("404.html").contains("Custom 404"));
    assert_eq!(f.read("robots-extra.txt"), "hello");
    // Only site.toml and content/: the embedded default theme renders the article.
    assert!(f.read("2021/12/08/a/index.html").contains("<h1"));
    assert!(
        f.public().join("css").exists() || f.read("2021/12/08/a/index.html").contains("stylesheet")
    );
}

#[test]
fn permalink_pattern_and_language_prefixes() {
    let f = Fixture::new(&[
        (
            "site.toml",
            &SITE_TOML.replace(
                "minify = false",
                "minify = false\npermalink = \"/:lang/:section/:slug/\"",
            ),
        ),
        (
            "content/en/world/a.md",
            &article("title: A\ndate: 2021-12-08", "Body."),
        ),
        (
            "content/ru/world/b.md",
            &article("title: B\ndate: 2021-12-08", "Текст."),
        ),
    ]);
    f.build_ok();
    assert!(f.public().join("world/a/index.html").exists());
    assert!(f.public().join("ru/world/b/index.html").exists());
}

#[test]
fn summary_line_and_quiet() {
    let f = Fixture::new(&[(
        "content/en/a.md",
        &article("title: A\ndate: 2021-12-08", "Body."),
    )]);
    let out = f.build_ok();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 articles") || stdout.contains("1 article"),
        "{stdout}"
    );
    let q = f.run(&["build", "-q"]);
    assert!(q.status.success());
    assert!(q.stdout.is_empty());
}

#[test]
fn same_input_same_bytes() {
    let files = [
        (
            "content/en/a.md",
            article(
                "title: A\ndate: 2021-12-08\ntags: [x, y]\nstory: S",
                "Alpha text.",
            ),
        ),
        (
            "content/en/b.md",
            article(
                "title: B\ndate: 2021-12-09\ntags: [x]\nstory: S",
                "Beta text.",
            ),
        ),
        (
            "content/en/c.md",
            article("title: C\ndate: 2021-12-09\ntags: [y]", "Gamma text."),
        ),
    ];
    let one = Fixture::new(
        &files
            .iter()
            .map(|(p, t)| (*p, t.as_str()))
            .collect::<Vec<_>>(),
    );
    let two = Fixture::new(
        &files
            .iter()
            .rev()
            .map(|(p, t)| (*p, t.as_str()))
            .collect::<Vec<_>>(),
    );
    let env = [("SOURCE_DATE_EPOCH", "1639000000")];
    for f in [&one, &two] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(["build", "--root"])
            .arg(f.root())
            .envs(env)
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    assert_eq!(snapshot(&one.public()), snapshot(&two.public()));
}
