//! The front page: lead (pinned in site.toml or front matter, until a date, else the newest),
//! latest, story blocks, "Most recent" with times, and the header's menus per language.
mod common;
use common::*;

fn dated(i: u32, extra: &str) -> String {
    article(
        &format!(
            "title: Story {i}\ndate: 2026-03-{i:02}T{:02}:00:00Z\n{extra}",
            8 + i % 10
        ),
        &format!("Text of story {i}."),
    )
}

fn site(home: &str, pins: &[(u32, &str)]) -> Fixture {
    let mut files: Vec<(String, String)> = (1..=12)
        .map(|i| {
            let extra = pins
                .iter()
                .find(|(n, _)| *n == i)
                .map_or(String::new(), |(_, fm)| fm.to_string());
            let story = match i {
                // An active story (newest article 2026-03-12) and a stale one.
                2 | 5 | 11 => "story: Dam inquiry\n",
                1 => "story: Old affair\n",
                _ => "",
            };
            (
                format!("content/en/s{i}.md"),
                dated(i, &format!("{story}{extra}")),
            )
        })
        .collect();
    files.push((
        "content/ru/r1.md".into(),
        article(
            "title: Плотина\ndate: 2026-03-10T10:00:00Z\nstory: Dam inquiry",
            "Текст.",
        ),
    ));
    // paginate comes before the tables.
    files.push((
        "site.toml".into(),
        SITE_TOML.replacen("minify = false\n", "minify = false\npaginate = 20\n", 1) + home,
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Fixture::new(&refs)
}

fn titles(doc: &scraper::Html, sel: &str) -> Vec<String> {
    let s = scraper::Selector::parse(sel).unwrap();
    doc.select(&s)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

const HOME: &str =
    "[home]\nlatest = 3\nrecent = 4\nactive_days = 5\nstories = 2\nstory_cards = 2\n";

#[test]
fn the_newest_leads_then_latest_story_blocks_and_most_recent() {
    let f = site(HOME, &[]);
    f.build_ok();
    let doc = f.html("index.html");
    assert_eq!(titles(&doc, ".lead-story .card-title"), ["Story 12"]);
    assert_eq!(
        titles(&doc, ".front > .card .card-title"),
        ["Story 11", "Story 10", "Story 9"]
    );
    // "Dam inquiry" is active (an article within 5 days of the newest); its articles not
    // shown above, the page's language first, then the Russian one marked with its language.
    assert_eq!(titles(&doc, ".story-block h2 a"), ["Dam inquiry"]);
    assert_eq!(
        titles(&doc, ".story-block .card-title"),
        ["Story 5", "Story 2"]
    );
    assert_eq!(
        attrs(&doc, ".story-block h2 a", "href"),
        ["/stories/dam-inquiry/"]
    );
    // Most recent: the next four, with their times.
    assert_eq!(
        titles(&doc, ".recent-list a"),
        ["Story 8", "Story 7", "Story 6", "Story 4"]
    );
    assert_eq!(titles(&doc, ".recent-list time")[0], "4:00\u{202f}PM");
    assert_eq!(
        attrs(&doc, ".recent-list time", "datetime")[0],
        "2026-03-08T16:00:00+00:00"
    );
    // The Russian front page: its story block shows the English articles after its own.
    let ru = f.html("ru/index.html");
    assert_eq!(titles(&ru, ".lead-story .card-title"), ["Плотина"]);
    assert_eq!(
        titles(&ru, ".story-block .card-title"),
        ["Story 11", "Story 5"]
    );
    assert_eq!(attrs(&ru, ".story-block .lang-badge", "lang"), ["en", "en"]);
}

#[test]
fn pins_lead_until_they_expire() {
    // site.toml's pin has expired: the front matter pin leads.
    let f = site(
        &format!(
            "{HOME}[home.lead]\nen = [{{ article = \"en/s3.md\", until = \"2020-01-01\" }}, {{ article = \"en/s4.md\" }}]\n"
        ),
        &[(6, "home: lead\n")],
    );
    f.build_ok();
    let doc = f.html("index.html");
    assert_eq!(titles(&doc, ".lead-story .card-title"), ["Story 4"]);
    assert!(!titles(&doc, ".front > .card .card-title").contains(&"Story 4".to_string()));

    let f = site(
        HOME,
        &[
            (6, "home: lead\n"),
            (9, "home: { pin: lead, until: 2020-01-01 }\n"),
        ],
    );
    f.build_ok();
    assert_eq!(
        titles(&f.html("index.html"), ".lead-story .card-title"),
        ["Story 6"]
    );
    // A wrong pin is an error at its line.
    let f = site(HOME, &[(6, "home: top\n")]);
    let out = f.run(&["build"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/en/s6.md:4:7: error: unknown `home: top`"),
        "{stderr}"
    );
}

#[test]
fn menus_per_language_in_the_header() {
    let f = site(
        &format!(
            "{HOME}[[menus.ru]]\nname = \"Плотина\"\nurl = \"/ru/stories/dam-inquiry/\"\n[[menus.ru]]\nname = \"Сайт\"\nurl = \"https://example.org/\"\n"
        ),
        &[],
    );
    f.build_ok();
    let ru = f.html("ru/stories/dam-inquiry/index.html");
    assert_eq!(titles(&ru, "header nav.menu a"), ["Плотина", "Сайт"]);
    assert_eq!(
        attrs(&ru, "header nav.menu a[aria-current]", "href"),
        ["/ru/stories/dam-inquiry/"]
    );
    // The menu opens without a script: a checkbox and its label.
    assert_eq!(attrs(&ru, "header input.menu-toggle", "type"), ["checkbox"]);
    assert_eq!(
        attrs(&ru, "header label.menu-button", "for"),
        ["menu-toggle"]
    );
    // English has no [[menus.en]]: its stories, tags, authors and archive, in English.
    let en = f.html("index.html");
    assert_eq!(
        titles(&en, "header nav.menu a"),
        ["Stories", "Tags", "Authors", "Archive"]
    );
    assert_eq!(attrs(&en, "header nav.menu a", "href")[0], "/stories/");
    // A menu for a language the site does not have is an error.
    let f = site("[[menus.fr]]\nname = \"x\"\nurl = \"/\"\n", &[]);
    let out = f.run(&["build"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("`fr`, which is not among [languages]"));
}
