//! Publishing control: scheduled articles held back until their time, redirects from old URLs
//! (aliases and changed permalinks), takedowns with tombstones, date archives, date checks.
//! Every build runs the real binary with a fixed clock (`SOURCE_DATE_EPOCH`).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{Fixture, article, attrs, text_of};

/// 2024-03-01T00:00:00Z.
const MARCH: &str = "1709251200";
/// 2024-07-01T00:00:00Z.
const JULY: &str = "1719792000";

fn gen_at(f: &Fixture, epoch: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(args)
        .arg("--root")
        .arg(f.root())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .expect("run gen")
}

fn build_at(f: &Fixture, epoch: &str, args: &[&str]) -> Output {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let out = gen_at(f, epoch, &all);
    assert!(
        out.status.success(),
        "gen build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every file of the output, as text where it is text.
fn all_text(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            if let Ok(t) = std::fs::read_to_string(e.path()) {
                out.push((rel, t));
            }
        }
    }
    out
}

fn files_mentioning(dir: &Path, needle: &str) -> Vec<String> {
    all_text(dir)
        .into_iter()
        .filter(|(rel, t)| rel != ".gen-output" && t.contains(needle))
        .map(|(rel, _)| rel)
        .collect()
}

fn scheduled_site() -> Fixture {
    Fixture::new(&[
        (
            "content/en/budget.md",
            &article(
                "title: City budget passes\ndate: 2024-02-10T09:00:00Z\ntags: [budget]\nstory: City hall",
                "The council approved the budget.",
            ),
        ),
        (
            "content/en/embargo.md",
            &article(
                "title: Embargoed audit findings\ndate: 2024-06-01T06:00:00+03:00\ntags: [budget]\nstory: City hall\nslug: audit-findings",
                "The audit found gaps in the water accounts.",
            ),
        ),
        (
            "content/ru/embargo.md",
            &article(
                "title: Аудит под эмбарго\ndate: 2024-06-02T08:00:00+03:00\ntranslation_of: en/embargo.md\ntranslators: [Ivan Petrov]\nsource: { name: City Desk, url: https://citydesk.example/audit, lang: en }\nslug: audit-ru",
                "Аудит нашёл пробелы.",
            ),
        ),
    ])
}

#[test]
fn a_future_article_is_absent_everywhere_until_its_time() {
    let f = scheduled_site();
    let out = build_at(&f, MARCH, &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["articles"], 1);
    let held: Vec<&str> = report["scheduled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap())
        .collect();
    assert_eq!(held, ["content/en/embargo.md", "content/ru/embargo.md"]);
    // 06:00 at +03:00 is 03:00 UTC: the earliest of the two.
    assert_eq!(report["next_publish"], "2024-06-01T03:00:00Z");

    let public = f.public();
    for needle in ["audit-findings", "Embargoed audit", "audit-ru", "Аудит"] {
        assert_eq!(
            files_mentioning(&public, needle),
            Vec::<String>::new(),
            "{needle}"
        );
    }
    // The feeds parse and hold the one published article.
    let feed = feed_rs::parser::parse(f.read("rss.xml").as_bytes()).unwrap();
    assert_eq!(feed.entries.len(), 1);
    let sitemap = f.read("sitemap.xml");
    let xml = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.iter().all(|l| !l.contains("audit")), "{locs:?}");

    // The text summary says what waits and when to build again.
    let text = build_at(&f, MARCH, &[]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("Held back 2 scheduled articles"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Build again at 2024-06-01T03:00:00Z"),
        "{stdout}"
    );

    // --future publishes them now.
    build_at(&f, MARCH, &["--future"]);
    assert!(
        f.public()
            .join("2024/06/01/audit-findings/index.html")
            .is_file()
    );
    assert!(f.read("rss.xml").contains("audit-findings"));

    // Moving the clock past their date publishes them with no other change.
    let out = build_at(&f, JULY, &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["articles"], 3);
    assert_eq!(report["next_publish"], serde_json::Value::Null);
    let page = f.html("2024/06/01/audit-findings/index.html");
    assert_eq!(
        text_of(&page, "h1").as_deref(),
        Some("Embargoed audit findings")
    );
    assert!(f.read("index.html").contains("audit-findings"));
    assert!(f.read("tags/budget/rss.xml").contains("audit-findings"));
    assert!(f.read("sitemap.xml").contains("audit-findings"));
    // The published page is not marked as a preview.
    assert!(text_of(&page, ".notice.scheduled").is_none());
}

#[test]
fn aliases_leave_redirect_pages_and_redirect_files() {
    let f = Fixture::new(&[(
        "content/en/dam.md",
        &article(
            "title: Dam inspectors testify\ndate: 2024-01-05\nslug: dam-inspectors\naliases: [2023/12/30/dam-hearing/, /old/dam.html]",
            "Body.",
        ),
    )]);
    build_at(&f, MARCH, &[]);
    let new_abs = "https://fixture.example/2024/01/05/dam-inspectors/";
    for old in ["2023/12/30/dam-hearing/index.html", "old/dam.html"] {
        let page = f.html(old);
        assert_eq!(attrs(&page, "link[rel=canonical]", "href"), [new_abs]);
        assert_eq!(
            attrs(&page, "meta[name=robots]", "content"),
            ["noindex"],
            "{old}"
        );
        assert_eq!(
            attrs(&page, "meta[http-equiv=refresh]", "content"),
            [format!("0; url={new_abs}")]
        );
        assert_eq!(attrs(&page, "body a", "href"), [new_abs]);
        assert_eq!(attrs(&page, "html", "lang"), ["en"]);
    }
    let redirects = f.read("_redirects");
    let rules: Vec<Vec<&str>> = redirects
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rules,
        [
            [
                "/2023/12/30/dam-hearing/",
                "/2024/01/05/dam-inspectors/",
                "301"
            ],
            ["/old/dam.html", "/2024/01/05/dam-inspectors/", "301"],
        ]
    );
    let map = f.read("redirects.nginx.map");
    assert!(map.contains("\"/2023/12/30/dam-hearing\" \"/2024/01/05/dam-inspectors/\";"));
    assert!(
        map.contains("\"/2023/12/30/dam-hearing/index.html\" \"/2024/01/05/dam-inspectors/\";")
    );
    // Old URLs are in no sitemap or feed.
    assert!(
        files_mentioning(&f.public(), "dam-hearing")
            .iter()
            .all(|p| p.starts_with("2023/") || p == "_redirects" || p == "redirects.nginx.map")
    );
}

#[test]
fn an_alias_naming_another_page_is_an_error_at_its_line() {
    let f = Fixture::new(&[
        (
            "content/en/a.md",
            &article("title: A\ndate: 2024-01-05\nslug: a", "x"),
        ),
        (
            "content/en/b.md",
            &article(
                "title: B\ndate: 2024-01-06\nslug: b\naliases:\n  - 2024/01/05/a/",
                "x",
            ),
        ),
        (
            "content/en/c.md",
            &article(
                "title: C\ndate: 2024-01-07\naliases: [https://e.org/x]",
                "x",
            ),
        ),
    ]);
    let out = gen_at(&f, MARCH, &["build"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content/en/c.md:4"), "{err}");
    assert!(err.contains("invalid alias `https://e.org/x`"), "{err}");
    f.write(
        "content/en/c.md",
        &article("title: C\ndate: 2024-01-07", "x"),
    );
    let out = gen_at(&f, MARCH, &["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("content/en/b.md:5"), "{err}");
    assert!(err.contains("remove it from `aliases:`"), "{err}");
    assert!(!f.public().exists(), "nothing published");
}

#[test]
fn a_changed_slug_redirects_from_the_old_url_and_keeps_the_feed_identity() {
    let f = Fixture::new(&[
        (
            "content/en/port.md",
            &article(
                "title: Port strike ends\ndate: 2024-01-05T10:00:00Z\nslug: port-strike",
                "Dockers return.",
            ),
        ),
        (
            "content/en/other.md",
            &article("title: Other\ndate: 2024-01-01", "x"),
        ),
    ]);
    build_at(&f, MARCH, &[]);
    let first = "https://fixture.example/2024/01/05/port-strike/";
    f.write(
        "content/en/port.md",
        &article(
            "title: Port strike ends after nine days\ndate: 2024-01-05T10:00:00Z\nupdated: 2024-01-06T15:30:00Z\nslug: port-strike-ends",
            "Dockers return to work.",
        ),
    );
    build_at(&f, MARCH, &[]);
    let page = f.html("2024/01/05/port-strike/index.html");
    assert_eq!(
        attrs(&page, "link[rel=canonical]", "href"),
        ["https://fixture.example/2024/01/05/port-strike-ends/"]
    );
    assert!(
        f.read("_redirects")
            .contains("/2024/01/05/port-strike/ /2024/01/05/port-strike-ends/ 301")
    );
    // Feed readers know the item by its first URL, in every format.
    let check_ids = |f: &Fixture| {
        for file in ["rss.xml", "atom.xml", "feed.json"] {
            let feed = feed_rs::parser::parse(f.read(file).as_bytes()).unwrap();
            let entry = feed
                .entries
                .iter()
                .find(|e| e.title.as_ref().is_some_and(|t| t.content.contains("Port")))
                .unwrap();
            assert_eq!(entry.id, first, "{file}");
            assert_eq!(
                entry.links[0].href, "https://fixture.example/2024/01/05/port-strike-ends/",
                "{file}"
            );
        }
    };
    check_ids(&f);
    // The page shows the update with its time.
    let page = f.html("2024/01/05/port-strike-ends/index.html");
    let updated = text_of(&page, ".updated").unwrap();
    assert!(
        updated.contains("Updated") && updated.contains("3:30"),
        "{updated}"
    );
    assert!(!f.read("sitemap.xml").contains("/port-strike/"));

    // A later build of the same folder keeps the redirect and the identity.
    f.write(
        "content/en/other.md",
        &article("title: Other, edited\ndate: 2024-01-01", "y"),
    );
    build_at(&f, MARCH, &[]);
    assert!(
        f.public()
            .join("2024/01/05/port-strike/index.html")
            .is_file()
    );
    check_ids(&f);
    // The slug going back removes the redirect: the article is there again.
    f.write(
        "content/en/port.md",
        &article(
            "title: Port strike ends\ndate: 2024-01-05T10:00:00Z\nslug: port-strike",
            "x",
        ),
    );
    build_at(&f, MARCH, &[]);
    let page = f.html("2024/01/05/port-strike/index.html");
    assert_eq!(text_of(&page, "h1").as_deref(), Some("Port strike ends"));
    assert!(
        f.read("_redirects")
            .contains("/2024/01/05/port-strike-ends/ /2024/01/05/port-strike/ 301")
    );
}

fn takedown_site() -> Fixture {
    Fixture::new(&[
        (
            "content/en/mayor.md",
            &article(
                "title: Mayor's contracts under scrutiny\ndate: 2024-01-10\nslug: mayor-contracts\ntags: [contracts]\nunpublished:\n  date: 2024-02-01\n  reason: legal\n  note: Removed under a court order of 30 January 2024.",
                "Documents seen by reporters.",
            ),
        ),
        (
            "content/ru/mayor.md",
            &article(
                "title: Контракты мэра\ndate: 2024-01-11\ntranslation_of: en/mayor.md\ntranslators: [Ivan Petrov]\nsource: { name: City Desk, url: https://citydesk.example/mayor, lang: en }\nslug: mayor-ru\ntags: [contracts]",
                "Документы.",
            ),
        ),
        (
            "content/ar/mayor.md",
            &article(
                "title: عقود رئيس البلدية\ndate: 2024-01-12\ntranslation_of: en/mayor.md\ntranslators: [Layla Haddad]\nsource: { name: City Desk, url: https://citydesk.example/mayor, lang: en }\nslug: mayor-ar\nunpublished: false",
                "وثائق.",
            ),
        ),
        (
            "content/en/follow.md",
            &article(
                "title: Council reacts\ndate: 2024-01-20\ntags: [contracts]\nrelated: [en/mayor.md]",
                "See [the earlier story](mayor.md).",
            ),
        ),
        (
            "content/en/poll.md",
            &article(
                "title: Poll numbers\ndate: 2024-01-05\nunpublished: { date: 2024-01-06, reason: retracted, note: The poll was fabricated. }",
                "x",
            ),
        ),
    ])
}

#[test]
fn a_takedown_removes_the_article_and_its_translations_and_leaves_tombstones() {
    let f = takedown_site();
    build_at(&f, MARCH, &[]);
    let public = f.public();
    // The tombstone, in the article's language, not indexed, without the headline.
    let en = f.html("2024/01/10/mayor-contracts/index.html");
    assert_eq!(attrs(&en, "meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(attrs(&en, "html", "lang"), ["en"]);
    assert_eq!(
        text_of(&en, "h1").as_deref(),
        Some("This article has been removed for legal reasons")
    );
    assert!(
        text_of(&en, ".tombstone-note")
            .unwrap()
            .contains("court order")
    );
    assert_eq!(
        attrs(&en, ".tombstone-date time", "datetime")[0],
        "2024-02-01T00:00:00+00:00"
    );
    // The translation follows, in Russian.
    let ru = f.html("ru/2024/01/11/mayor-ru/index.html");
    assert_eq!(attrs(&ru, "html", "lang"), ["ru"]);
    assert_eq!(
        text_of(&ru, "h1").as_deref(),
        Some("Статья удалена по юридическим причинам")
    );
    // A retraction is said differently.
    let poll = f.html("2024/01/05/poll/index.html");
    assert_eq!(
        text_of(&poll, "h1").as_deref(),
        Some("This article has been retracted")
    );
    assert_eq!(text_of(&poll, ".kicker").as_deref(), Some("Retraction"));

    // Nothing lists, feeds, maps or relates them; the headlines are gone from every file.
    for needle in ["contracts under scrutiny", "Контракты мэра", "Poll numbers"] {
        assert_eq!(
            files_mentioning(&public, needle),
            Vec::<String>::new(),
            "{needle}"
        );
    }
    let follow = f.html("2024/01/20/follow/index.html");
    assert!(
        attrs(&follow, ".related a", "href")
            .iter()
            .all(|h| !h.contains("mayor")),
        "related reading drops it"
    );
    // A link in a body still leads to the URL, where the tombstone is.
    assert_eq!(
        attrs(&follow, ".body a", "href"),
        ["/2024/01/10/mayor-contracts/"]
    );
    // The version that said `unpublished: false` stays, with no link to the removed ones.
    let ar = f.html("ar/2024/01/12/mayor-ar/index.html");
    assert_eq!(text_of(&ar, "h1").as_deref(), Some("عقود رئيس البلدية"));
    assert!(attrs(&ar, "link[rel=alternate][hreflang]", "href").is_empty());
    assert!(f.read("ar/rss.xml").contains("mayor-ar"));
    let sitemap = f.read("sitemap.xml");
    assert!(!sitemap.contains("mayor-contracts") && !sitemap.contains("mayor-ru"));
    assert!(sitemap.contains("mayor-ar"));
}

#[test]
fn takedown_mistakes_are_errors_at_their_line() {
    let f = Fixture::new(&[
        (
            "content/en/a.md",
            &article("title: A\ndate: 2024-01-05\nunpublished: true", "x"),
        ),
        (
            "content/en/b.md",
            &article(
                "title: B\ndate: 2024-01-05\nunpublished:\n  date: 2024-02-01\n  reason: lawyers",
                "x",
            ),
        ),
    ]);
    let out = gen_at(&f, MARCH, &["build"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content/en/a.md:4"), "{err}");
    assert!(err.contains("needs the date and the reason"), "{err}");
    assert!(err.contains("content/en/b.md:6"), "{err}");
    assert!(
        err.contains("unknown `unpublished.reason` `lawyers`"),
        "{err}"
    );
    assert!(err.contains("legal, retracted or other"), "{err}");
}

fn archive_site() -> Fixture {
    let toml = common::SITE_TOML.replace("minify = false\n", "minify = false\npaginate = 2\n");
    Fixture::new(&[
        ("site.toml", &toml),
        (
            "content/en/a.md",
            &article("title: Alpha\ndate: 2023-11-03T10:00:00Z", "x"),
        ),
        (
            "content/en/b.md",
            &article("title: Bravo\ndate: 2024-01-05T08:00:00Z", "x"),
        ),
        (
            "content/en/c.md",
            &article("title: Charlie\ndate: 2024-01-05T18:00:00Z", "x"),
        ),
        (
            "content/en/d.md",
            &article("title: Delta\ndate: 2024-01-09T12:00:00Z", "x"),
        ),
        (
            "content/en/e.md",
            &article("title: Echo\ndate: 2024-02-14T12:00:00Z", "x"),
        ),
        (
            "content/ru/f.md",
            &article("title: Фокстрот\ndate: 2024-01-09T12:00:00+03:00", "x"),
        ),
    ])
}

fn titles(page: &scraper::Html) -> Vec<String> {
    let sel = scraper::Selector::parse(".card-title").unwrap();
    page.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

#[test]
fn date_archives_list_each_periods_articles_in_order() {
    let f = archive_site();
    build_at(&f, MARCH, &[]);
    // A year: newest first, two per page.
    let y = f.html("2024/index.html");
    assert_eq!(text_of(&y, "h1").as_deref(), Some("2024"));
    assert_eq!(titles(&y), ["Echo", "Delta"]);
    assert_eq!(
        titles(&f.html("2024/page/2/index.html")),
        ["Charlie", "Bravo"]
    );
    assert_eq!(
        attrs(&y, ".archive-periods a", "href"),
        ["/2024/01/", "/2024/02/"]
    );
    assert_eq!(attrs(&y, ".archive-prev", "href"), ["/2023/"]);
    assert!(attrs(&y, ".archive-next", "href").is_empty());
    // A month, with its days and its neighbours.
    let m = f.html("2024/01/index.html");
    assert_eq!(text_of(&m, "h1").as_deref(), Some("January 2024"));
    assert_eq!(
        attrs(&m, ".archive-periods a", "href"),
        ["/2024/01/05/", "/2024/01/09/"]
    );
    assert_eq!(attrs(&m, ".archive-prev", "href"), ["/2023/11/"]);
    assert_eq!(attrs(&m, ".archive-next", "href"), ["/2024/02/"]);
    // A day, in order, with breadcrumbs up to its month and year.
    let d = f.html("2024/01/05/index.html");
    assert_eq!(titles(&d), ["Charlie", "Bravo"]);
    assert_eq!(
        attrs(&d, ".archive-header .kicker a", "href"),
        ["/archive/", "/2024/", "/2024/01/"]
    );
    assert_eq!(attrs(&d, ".archive-prev", "href"), ["/2023/11/03/"]);
    assert_eq!(attrs(&d, ".archive-next", "href"), ["/2024/01/09/"]);
    // Each language has its own, in its language.
    let ru = f.html("ru/2024/01/index.html");
    assert_eq!(titles(&ru), ["Фокстрот"]);
    assert!(text_of(&ru, "h1").unwrap().contains("2024"));
    assert_eq!(attrs(&ru, "html", "lang"), ["ru"]);
    assert!(attrs(&ru, ".archive-prev", "href").is_empty());
    // The index lists the years, newest first; the footer and datelines lead there.
    let index = f.html("archive/index.html");
    assert_eq!(
        attrs(&index, ".archive-periods a", "href"),
        ["/2024/", "/2023/"]
    );
    let article = f.html("2024/01/09/d/index.html");
    assert_eq!(attrs(&article, ".dateline-day", "href"), ["/2024/01/09/"]);
    assert!(attrs(&article, ".site-footer a", "href").contains(&"/archive/".to_string()));
    assert_eq!(
        attrs(
            &f.html("ru/index.html"),
            ".site-footer a[href*=archive]",
            "href"
        ),
        ["/ru/archive/"]
    );
}

#[test]
fn check_warns_about_dates_that_cannot_be_right() {
    let f = Fixture::new(&[
        (
            "content/en/orig.md",
            &article(
                "title: Original\ndate: 2024-01-10T12:00:00Z\nupdated: 2024-01-09",
                "x",
            ),
        ),
        (
            "content/ru/tr.md",
            &article(
                "title: Перевод\ndate: 2024-01-10T10:00:00Z\ntranslation_of: en/orig.md\ntranslators: [Ivan Petrov]\nsource: { name: City Desk, url: https://citydesk.example/orig, lang: en }",
                "x",
            ),
        ),
    ]);
    let out = gen_at(&f, MARCH, &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content/en/orig.md:4"), "{err}");
    assert!(
        err.contains("`updated` (2024-01-09T00:00:00+00:00) is before `date`"),
        "{err}"
    );
    assert!(err.contains("content/ru/tr.md:3"), "{err}");
    assert!(
        err.contains("before content/en/orig.md was published"),
        "{err}"
    );
}

/// A front-page pin's expiry is another time to build again: `pin_expires`, and `next_build`
/// (the sooner of it and `next_publish`) in the JSON summary, a line in the text one.
#[test]
fn a_pin_expiry_is_a_time_to_build_again() {
    let f = Fixture::new(&[
        (
            "content/en/old.md",
            &article(
                "title: Pinned\ndate: 2024-02-01T10:00:00Z\nhome: { pin: lead, until: 2024-04-01T12:00:00Z }",
                "Text.",
            ),
        ),
        (
            "content/en/new.md",
            &article("title: Newer\ndate: 2024-02-20T10:00:00Z", "Text."),
        ),
        (
            "content/en/later.md",
            &article("title: Later\ndate: 2024-06-01T00:00:00Z", "Text."),
        ),
    ]);
    let out = build_at(&f, MARCH, &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["next_publish"], "2024-06-01T00:00:00Z");
    assert_eq!(report["pin_expires"], "2024-04-01T12:00:01Z");
    assert_eq!(report["next_build"], "2024-04-01T12:00:01Z");
    let text = build_at(&f, MARCH, &[]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("A front-page pin expires at 2024-04-01T12:00:01Z"),
        "{stdout}"
    );
    // Past the pin and the scheduled article: nothing to wait for.
    let out = build_at(&f, JULY, &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pin_expires"], serde_json::Value::Null);
    assert_eq!(report["next_build"], serde_json::Value::Null);
}
