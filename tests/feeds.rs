//! Feeds: every feed of the example site parses with a real feed parser (feed-rs) and lists the
//! newest articles with their authors, translators and dates; limits, full text with absolute
//! URLs, and hostile values that must round-trip.
mod common;
mod meta_common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use gensite::site::{Site, TaxonomyKind};
use meta_common::*;

const DC: &str = "http://purl.org/dc/elements/1.1/";

fn parse_feed(path: &Path) -> feed_rs::model::Feed {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn person_names(list: &[feed_rs::model::Person]) -> Vec<String> {
    list.iter().filter_map(|p| p.name.clone()).collect()
}

/// What an article must look like in a feed.
struct Expect {
    url: String,
    title: String,
    published: i64,
    modified: i64,
    authors: Vec<String>,
    translators: Vec<String>,
}

fn expect(site: &Site, i: usize) -> Expect {
    let a = &site.articles[i];
    let lang = a.lang();
    let names = |ids: &[usize]| -> Vec<String> {
        ids.iter()
            .map(|&p| site.people.get(p).display_name(lang).to_string())
            .collect()
    };
    Expect {
        url: site.config.abs_url(&a.rel),
        title: a.doc.meta.title.clone(),
        published: a.doc.meta.date.ts.as_second(),
        modified: gensite::meta::last_modified(a).ts.as_second(),
        authors: names(&a.authors),
        translators: names(&a.translators),
    }
}

/// Checks the three feeds in `dir` list exactly `want`, in order, with credits and dates.
fn check_feeds(dir: &Path, want: &[Expect]) {
    for file in ["rss.xml", "atom.xml", "feed.json"] {
        let path = dir.join(file);
        let feed = parse_feed(&path);
        let got: Vec<String> = feed
            .entries
            .iter()
            .map(|e| e.links.first().map(|l| l.href.clone()).unwrap_or_default())
            .collect();
        let urls: Vec<String> = want.iter().map(|w| w.url.clone()).collect();
        assert_eq!(got, urls, "{}", path.display());
        for (e, w) in feed.entries.iter().zip(want) {
            let at = format!("{} in {}", w.url, path.display());
            assert_eq!(e.id, w.url, "{at}");
            assert_eq!(
                e.title.as_ref().map(|t| t.content.as_str()),
                Some(w.title.trim()),
                "{at}"
            );
            assert_eq!(
                e.published.map(|d| d.timestamp()),
                Some(w.published),
                "{at}"
            );
            assert_eq!(e.updated.map(|d| d.timestamp()), Some(w.modified), "{at}");
            assert_eq!(person_names(&e.authors), w.authors, "{at}");
            if file == "atom.xml" {
                assert_eq!(person_names(&e.contributors), w.translators, "{at}");
            }
        }
        let text = std::fs::read_to_string(&path).unwrap();
        match file {
            "rss.xml" => {
                // Translators are dc:contributor, which feed-rs does not read.
                let doc = xml(&text);
                let items: Vec<_> = doc
                    .descendants()
                    .filter(|n| n.has_tag_name("item"))
                    .collect();
                for (item, w) in items.iter().zip(want) {
                    let tr: Vec<String> = item
                        .children()
                        .filter(|n| {
                            n.tag_name().name() == "contributor"
                                && n.tag_name().namespace() == Some(DC)
                        })
                        .map(|n| n.text().unwrap_or("").to_string())
                        .collect();
                    assert_eq!(tr, w.translators, "{} in {}", w.url, path.display());
                }
            }
            "feed.json" => {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
                for (item, w) in v["items"].as_array().unwrap().iter().zip(want) {
                    assert_eq!(
                        names(&item["_gen"]["translators"]),
                        w.translators,
                        "{}",
                        w.url
                    );
                }
            }
            _ => {}
        }
    }
}

fn newest(list: &[usize], limit: usize) -> Vec<usize> {
    list.iter()
        .copied()
        .take(if limit == 0 { usize::MAX } else { limit })
        .collect()
}

#[test]
fn example_site_feeds_list_the_newest_articles_with_credits_and_dates() {
    let public = example_public("feeds-example");
    let site = load(repo());
    let limit = site.config.feeds.limit;
    // Each language at its home folder.
    for l in &site.config.languages {
        let rel = gensite::urls::home(&site.config, &l.code);
        let want: Vec<Expect> = newest(&site.by_lang[&l.code], limit)
            .into_iter()
            .map(|i| expect(&site, i))
            .collect();
        check_feeds(&public.join(&rel), &want);
    }
    // The whole site.
    let all: Vec<usize> = (0..site.articles.len()).collect();
    let want: Vec<Expect> = newest(&all, limit)
        .into_iter()
        .map(|i| expect(&site, i))
        .collect();
    check_feeds(&public.join("all"), &want);
    // Every author, translator, outlet, tag and story, in each language it has articles in,
    // listing those articles; none in the others.
    let mut terms = 0;
    for kind in TaxonomyKind::ALL {
        for t in &site.taxonomies[&kind] {
            for l in &site.config.languages {
                let mine: Vec<usize> = t
                    .articles
                    .iter()
                    .copied()
                    .filter(|&i| site.articles[i].lang() == l.code)
                    .collect();
                let dir = public.join(site.term_rel(t, &l.code));
                if mine.is_empty() {
                    assert!(!dir.join("rss.xml").exists(), "{}", dir.display());
                    continue;
                }
                let want: Vec<Expect> = newest(&mine, limit)
                    .into_iter()
                    .map(|i| expect(&site, i))
                    .collect();
                check_feeds(&dir, &want);
            }
            terms += 1;
        }
    }
    assert!(
        terms > 20,
        "the example has people, outlets, tags and stories"
    );

    // Every article of the example is in some site feed (the newest `limit` per language).
    let mut seen = BTreeSet::new();
    for l in &site.config.languages {
        let rel = gensite::urls::home(&site.config, &l.code);
        for e in parse_feed(&public.join(&rel).join("atom.xml")).entries {
            seen.insert(e.id);
        }
    }
    for (i, a) in site.articles.iter().enumerate() {
        let pos = site.by_lang[a.lang()].iter().position(|&j| j == i).unwrap();
        if limit == 0 || pos < limit {
            assert!(
                seen.contains(&site.config.abs_url(&a.rel)),
                "{} missing",
                a.rel
            );
        }
    }
}

#[test]
fn a_known_translation_carries_its_credits_in_every_format() {
    let public = example_public("feeds-example");
    let url = "https://relay.example.org/2026/10/30/grain-corridor-deal-signed/";
    let atom = parse_feed(&public.join("atom.xml"));
    let e = atom.entries.iter().find(|e| e.id == url).expect("entry");
    assert_eq!(
        person_names(&e.authors),
        ["Olena Marchenko", "Taras Hnatiuk", "Bohdan Kravets"]
    );
    assert_eq!(
        person_names(&e.contributors),
        ["Kateryna Lysenko", "Daniel Price"]
    );
    assert_eq!(
        e.published.unwrap().to_rfc3339(),
        "2026-10-30T18:00:00+00:00"
    );
    assert_eq!(e.updated.unwrap().to_rfc3339(), "2026-10-31T09:30:00+00:00");
    assert_eq!(
        e.authors[0].uri.as_deref(),
        Some("https://relay.example.org/authors/olena-marchenko/")
    );
    let rss = std::fs::read_to_string(public.join("rss.xml")).unwrap();
    assert!(
        rss.contains("<pubDate>Fri, 30 Oct 2026 20:00:00 +0200</pubDate>"),
        "RFC 822 date"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(public.join("feed.json")).unwrap()).unwrap();
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == url)
        .unwrap();
    assert_eq!(item["date_published"], "2026-10-30T20:00:00+02:00");
    assert_eq!(item["_gen"]["source"]["name"], "Dnipro Chronicle");
    assert_eq!(item["_gen"]["source"]["language"], "uk");
}

#[test]
fn every_feed_file_parses_and_uses_absolute_urls() {
    let public = example_public("feeds-example");
    let mut count = 0;
    for e in walkdir::WalkDir::new(public) {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy();
        if !matches!(name.as_ref(), "rss.xml" | "atom.xml" | "feed.json") {
            continue;
        }
        count += 1;
        let feed = parse_feed(e.path());
        for l in &feed.links {
            assert!(
                l.href.starts_with("https://relay.example.org/"),
                "{}: {}",
                e.path().display(),
                l.href
            );
        }
        for entry in &feed.entries {
            for l in &entry.links {
                assert!(
                    l.href.starts_with("https://"),
                    "{}: {}",
                    e.path().display(),
                    l.href
                );
            }
            for p in entry.authors.iter().chain(&entry.contributors) {
                if let Some(u) = &p.uri {
                    assert!(u.starts_with("https://"), "{u}");
                }
            }
        }
        if name.ends_with(".xml") {
            xml(&std::fs::read_to_string(e.path()).unwrap());
        }
    }
    let site = load(repo());
    let term_feeds: usize = site
        .taxonomies
        .values()
        .flatten()
        .map(|t| gensite::feeds::term_feed_langs(&site, t).len())
        .sum();
    assert_eq!(count, 3 * (site.config.languages.len() + 1 + term_feeds));
}

fn dated(title: &str, date: &str, extra: &str) -> String {
    article(
        &format!("title: {title}\ndate: {date}\nauthors: [Ann Writer]\n{extra}"),
        "See [the tags](/tags/), [a note](#n) and ![a map](map.png).\n\n<span>raw</span>",
    )
}

#[test]
fn limit_keeps_the_newest_and_full_text_has_absolute_urls() {
    let f = Fixture::new(&[
        (
            "site.toml",
            "title = \"F\"\nbase_url = \"https://f.example/\"\nminify = false\n[feeds]\nlimit = 2\nfull_text = true\n",
        ),
        // Page bundles: the body's image is a file beside each article.
        (
            "content/a/index.md",
            &dated("Oldest", "2024-01-01T10:00:00Z", ""),
        ),
        (
            "content/b/index.md",
            &dated("Middle", "2024-02-01T10:00:00Z", ""),
        ),
        (
            "content/c/index.md",
            &dated(
                "Newest",
                "2024-03-01T10:00:00Z",
                "updated: 2024-03-02T10:00:00Z",
            ),
        ),
    ]);
    for x in ["a", "b", "c"] {
        f.write_bytes(&format!("content/{x}/map.png"), &common::png(40, 30));
    }
    f.build_ok();
    for file in [
        "rss.xml",
        "atom.xml",
        "feed.json",
        "all/rss.xml",
        "authors/ann-writer/atom.xml",
    ] {
        let feed = parse_feed(&f.public().join(file));
        let titles: Vec<String> = feed
            .entries
            .iter()
            .map(|e| e.title.clone().unwrap().content)
            .collect();
        assert_eq!(titles, ["Newest", "Middle"], "{file}");
        let content = feed.entries[0]
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .expect("full text");
        let html = scraper::Html::parse_fragment(&content);
        let sel = scraper::Selector::parse("[href], [src]").unwrap();
        let urls: Vec<String> = html
            .select(&sel)
            .flat_map(|e| {
                ["href", "src"]
                    .into_iter()
                    .filter_map(|a| e.value().attr(a).map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(
            urls.contains(&"https://f.example/tags/".to_string()),
            "{file}: {urls:?}"
        );
        assert!(
            urls.contains(&"https://f.example/2024/03/01/c/#n".to_string()),
            "{file}: {urls:?}"
        );
        // The body's image is its fallback variant, absolute, with no srcset.
        assert!(
            urls.iter().any(
                |u| u.starts_with("https://f.example/2024/03/01/c/map-40x30-")
                    && u.ends_with(".png")
            ),
            "{file}: {urls:?}"
        );
        assert!(!content.contains("srcset"), "{content}");
        assert!(
            urls.iter().all(|u| u.starts_with("https://f.example/")),
            "{file}: {urls:?}"
        );
    }
    // Summary only by default.
    f.write(
        "site.toml",
        "title = \"F\"\nbase_url = \"https://f.example/\"\nminify = false\n",
    );
    f.build_ok();
    let feed = parse_feed(&f.public().join("atom.xml"));
    assert_eq!(feed.entries.len(), 3);
    assert!(feed.entries.iter().all(|e| e.content.is_none()));
    assert!(
        feed.entries[0]
            .summary
            .as_ref()
            .unwrap()
            .content
            .starts_with("See the tags")
    );
}

#[test]
fn hostile_values_round_trip_through_all_three_feeds() {
    use meta_common::hostile::*;
    for minify in [false, true] {
        let f = hostile_site(minify);
        let site = load(f.root());
        let url = format!("https://fixture.example/news/{PAGE}");
        let mut feeds = vec!["".to_string(), "all/".to_string()];
        for kind in TaxonomyKind::ALL {
            for t in &site.taxonomies[&kind] {
                feeds.push(t.rel.clone());
            }
        }
        assert_eq!(feeds.len(), 7, "one of each taxonomy: {feeds:?}");
        for rel in &feeds {
            for file in ["rss.xml", "atom.xml", "feed.json"] {
                let path = f.public().join(rel).join(file);
                let text = std::fs::read_to_string(&path).unwrap();
                if file.ends_with(".xml") {
                    xml(&text);
                }
                let feed = parse_feed(&path);
                let at = path.display().to_string();
                assert_eq!(feed.entries.len(), 1, "{at}");
                let e = &feed.entries[0];
                assert_eq!(e.id, url, "{at}");
                assert_eq!(e.title.as_ref().unwrap().content, TITLE, "{at}");
                let summary = e.summary.as_ref().unwrap();
                let summary = if file == "rss.xml" {
                    html_text(&summary.content)
                } else {
                    summary.content.clone()
                };
                assert_eq!(summary, DESCRIPTION, "{at}");
                assert_eq!(person_names(&e.authors), [AUTHOR], "{at}");
                let cats: Vec<&str> = e.categories.iter().map(|c| c.term.as_str()).collect();
                assert!(cats.contains(&TAG), "{at}: {cats:?}");
                if file != "feed.json" {
                    assert!(cats.contains(&STORY), "{at}: {cats:?}");
                }
                match file {
                    "atom.xml" => assert_eq!(person_names(&e.contributors), [TRANSLATOR], "{at}"),
                    "rss.xml" => {
                        let doc = xml(&text);
                        assert_eq!(texts(&doc, DC, "contributor"), [TRANSLATOR], "{at}");
                    }
                    _ => {
                        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                        let g = &v["items"][0]["_gen"];
                        assert_eq!(names(&g["translators"]), [TRANSLATOR], "{at}");
                        assert_eq!(g["kicker"], KICKER, "{at}");
                        assert_eq!(g["story"]["name"], STORY, "{at}");
                        assert_eq!(g["source"]["name"], OUTLET, "{at}");
                        assert_eq!(g["source"]["url"], SOURCE_URL, "{at}");
                    }
                }
                // Full text is on in this fixture: the body's links are absolute.
                let body = e.content.as_ref().and_then(|c| c.body.clone()).unwrap();
                assert!(
                    body.contains("https://fixture.example/news/tags/"),
                    "{at}: {body}"
                );
                assert!(body.contains(&format!("{url}#x")), "{at}: {body}");
            }
        }
        // Term feeds are titled by the term.
        let tag_feed = site.term_for(TaxonomyKind::Tags, TAG).unwrap();
        let feed = parse_feed(&f.public().join(&tag_feed.rel).join("atom.xml"));
        assert!(feed.title.unwrap().content.starts_with(TAG));
    }
}
