//! Share metadata, JSON-LD, hreflang, sitemaps and robots.txt, read back with scraper,
//! serde_json and roxmltree.
mod common;
mod meta_common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::*;
use gensite::site::TaxonomyKind;
use meta_common::*;
use serde_json::Value;

const SM: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const XHTML: &str = "http://www.w3.org/1999/xhtml";
const NEWS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

fn page(public: &Path, base: &str, url: &str) -> scraper::Html {
    let p = file_of(public, base, url);
    scraper::Html::parse_document(
        &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
}

/// hreflang → href of a page's `<link rel=alternate hreflang>`.
fn head_alternates(doc: &scraper::Html) -> BTreeMap<String, String> {
    let s = scraper::Selector::parse("link[rel=alternate][hreflang]").unwrap();
    let mut out = BTreeMap::new();
    for e in doc.select(&s) {
        let (h, href) = (
            e.value().attr("hreflang").unwrap(),
            e.value().attr("href").unwrap(),
        );
        assert!(
            out.insert(h.to_string(), href.to_string()).is_none(),
            "duplicate hreflang {h}"
        );
    }
    out
}

/// loc → (lastmod, hreflang → href) of a `<urlset>`.
fn sitemap_urls(text: &str) -> BTreeMap<String, (Option<String>, BTreeMap<String, String>)> {
    let doc = xml(text);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(root.tag_name().namespace(), Some(SM));
    let mut out = BTreeMap::new();
    for u in root.children().filter(|n| n.is_element()) {
        assert_eq!(u.tag_name().name(), "url");
        let child = |name: &str| {
            u.children()
                .find(|n| n.tag_name().name() == name && n.tag_name().namespace() == Some(SM))
                .and_then(|n| n.text().map(str::to_string))
        };
        let alts: BTreeMap<String, String> = u
            .children()
            .filter(|n| n.tag_name().name() == "link" && n.tag_name().namespace() == Some(XHTML))
            .map(|n| {
                assert_eq!(n.attribute("rel"), Some("alternate"));
                (
                    n.attribute("hreflang").unwrap().to_string(),
                    n.attribute("href").unwrap().to_string(),
                )
            })
            .collect();
        let loc = child("loc").expect("loc");
        assert!(
            out.insert(loc.clone(), (child("lastmod"), alts)).is_none(),
            "{loc} listed twice"
        );
    }
    out
}

#[test]
fn every_example_article_has_share_metadata_and_a_news_article() {
    let public = example_public("meta-example");
    let site = load(repo());
    let base = &site.config.base_url;
    for (i, a) in site.articles.iter().enumerate() {
        let m = &a.doc.meta;
        let url = site.config.abs_url(&a.rel);
        let doc = page(public, base, &url);
        let lang = a.lang();
        let at = &url;

        assert_eq!(
            attrs(&doc, "link[rel=canonical]", "href"),
            [url.as_str()],
            "{at}"
        );
        assert_eq!(
            meta_values(&doc, "property", "og:type"),
            ["article"],
            "{at}"
        );
        assert_eq!(
            meta_values(&doc, "property", "og:url"),
            [url.as_str()],
            "{at}"
        );
        assert_eq!(
            meta_values(&doc, "property", "og:title"),
            [m.title.as_str()],
            "{at}"
        );
        assert_eq!(
            meta_values(&doc, "property", "article:published_time"),
            [m.date.rfc3339()],
            "{at}"
        );
        let modified = gensite::meta::last_modified(a).rfc3339();
        assert_eq!(
            meta_values(&doc, "property", "article:modified_time"),
            [modified.as_str()],
            "{at}"
        );
        assert_eq!(meta_values(&doc, "property", "article:tag"), m.tags, "{at}");
        assert_eq!(
            meta_values(&doc, "property", "article:section"),
            m.story.iter().cloned().collect::<Vec<_>>(),
            "{at}"
        );
        let locale = site.config.language(lang).unwrap().og_locale();
        assert_eq!(meta_values(&doc, "property", "og:locale"), [locale], "{at}");
        let mut others: Vec<String> = a
            .translations
            .iter()
            .map(|&t| {
                site.config
                    .language(site.articles[t].lang())
                    .unwrap()
                    .og_locale()
            })
            .collect();
        others.sort();
        let mut alt = meta_values(&doc, "property", "og:locale:alternate");
        alt.sort();
        assert_eq!(alt, others, "{at}");
        let card = if m.image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        };
        assert_eq!(meta_values(&doc, "name", "twitter:card"), [card], "{at}");
        if let Some(img) = &m.image {
            let og_image = meta_values(&doc, "property", "og:image");
            // The share variant of the photo: its name, a size and a hash (tests/images.rs).
            let stem = img.src.rsplit_once('.').unwrap().0;
            let tail = og_image[0].rsplit('/').next().unwrap();
            assert!(
                og_image[0].starts_with("https://relay.example.org/")
                    && tail.starts_with(&format!("{stem}-")),
                "{at}: {og_image:?}"
            );
            assert_eq!(
                meta_values(&doc, "property", "og:image:alt"),
                [img.alt.as_str()],
                "{at}"
            );
        }

        let ld = json_ld(&doc);
        assert_eq!(ld.len(), 1, "{at}");
        let ld = &ld[0];
        assert_eq!(ld["@context"], "https://schema.org");
        assert_eq!(ld["@type"], "NewsArticle", "{at}");
        assert_eq!(ld["headline"], m.title.as_str(), "{at}");
        assert_eq!(ld["datePublished"], m.date.rfc3339(), "{at}");
        assert_eq!(ld["dateModified"], modified, "{at}");
        assert_eq!(ld["inLanguage"], lang, "{at}");
        assert_eq!(ld["mainEntityOfPage"]["@id"], url.as_str(), "{at}");
        let people = |ids: &[usize], kind: TaxonomyKind| -> Vec<(String, String)> {
            ids.iter()
                .map(|&p| {
                    let person = site.people.get(p);
                    (
                        person.display_name(lang).to_string(),
                        // The person's page in the article's language.
                        site.config.abs_url(&gensite::urls::term(
                            &site.config,
                            lang,
                            kind,
                            &person.slug,
                        )),
                    )
                })
                .collect()
        };
        let ld_people = |v: &Value| -> Vec<(String, String)> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| {
                            assert_eq!(p["@type"], "Person");
                            (
                                p["name"].as_str().unwrap().to_string(),
                                p["url"].as_str().unwrap().to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            ld_people(&ld["author"]),
            people(&a.authors, TaxonomyKind::Authors),
            "{at}"
        );
        assert_eq!(
            ld_people(&ld["translator"]),
            people(&a.translators, TaxonomyKind::Translators),
            "{at}"
        );
        // Author pages resolve to pages that exist.
        for (_, u) in ld_people(&ld["author"])
            .iter()
            .chain(&ld_people(&ld["translator"]))
        {
            assert!(file_of(public, base, u).exists(), "{u}");
        }
        assert_eq!(ld["publisher"]["@type"], "Organization");
        assert_eq!(ld["publisher"]["name"], "The Relay");
        assert_eq!(
            ld["publisher"]["logo"]["url"],
            "https://relay.example.org/images/logo.png"
        );
        let keywords: Vec<&str> = ld["keywords"]
            .as_array()
            .map(|k| k.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        assert_eq!(keywords, m.tags, "{at}");
        assert_eq!(
            ld["correction"].as_array().map_or(0, Vec::len),
            m.corrections.len(),
            "{at}"
        );
        match &m.source {
            Some(s) => {
                assert_eq!(ld["isBasedOn"], s.url.as_str(), "{at}");
                assert_eq!(ld["translationOfWork"]["url"], s.url.as_str(), "{at}");
                assert_eq!(
                    ld["translationOfWork"]["publisher"]["name"],
                    s.name.as_str(),
                    "{at}"
                );
                assert_eq!(ld["sourceOrganization"]["name"], s.name.as_str(), "{at}");
            }
            None => assert!(ld.get("isBasedOn").is_none(), "{at}"),
        }
        let _ = i;
    }
}

#[test]
fn a_translated_article_names_translator_original_and_outlet() {
    let public = example_public("meta-example");
    let doc = page(
        public,
        "https://relay.example.org/",
        "https://relay.example.org/2026/02/13/river-dam-inquiry/",
    );
    let ld = json_ld(&doc).remove(0);
    assert_eq!(names(&ld["author"]), ["Anna Kovaleva", "Ilya Gromov"]);
    assert_eq!(names(&ld["translator"]), ["Daniel Price"]);
    assert_eq!(
        ld["translator"][0]["url"],
        "https://relay.example.org/translators/daniel-price/"
    );
    let original = "https://severny-vestnik.example.net/2026/02/12/treshchiny-v-plotine-na-lesne";
    assert_eq!(ld["isBasedOn"], original);
    let work = &ld["translationOfWork"];
    assert_eq!(work["@type"], "CreativeWork");
    assert_eq!(work["url"], original);
    assert_eq!(work["inLanguage"], "ru");
    assert_eq!(
        work["publisher"],
        serde_json::json!({"@type": "Organization", "name": "Severny Vestnik"})
    );
    assert_eq!(ld["sourceOrganization"]["name"], "Severny Vestnik");
    assert_eq!(meta_values(&doc, "name", "twitter:data2"), ["Daniel Price"]);
    assert_eq!(
        meta_values(&doc, "name", "twitter:label2"),
        ["Translation by"]
    );
}

#[test]
fn hreflang_in_heads_is_reciprocal_and_matches_the_sitemap() {
    let public = example_public("meta-example");
    let base = "https://relay.example.org/";
    let sitemap = sitemap_urls(&std::fs::read_to_string(public.join("sitemap.xml")).unwrap());
    let mut clusters = 0;
    for (loc, (_, alts)) in &sitemap {
        let doc = page(public, base, loc);
        let head = head_alternates(&doc);
        assert_eq!(&head, alts, "{loc}: head and sitemap differ");
        if head.is_empty() {
            continue;
        }
        clusters += 1;
        assert!(
            head.values().any(|h| h == loc),
            "{loc} does not list itself"
        );
        assert!(head.contains_key("x-default"), "{loc}");
        for (lang, href) in &head {
            let other = head_alternates(&page(public, base, href));
            assert_eq!(other, head, "{loc} → {lang} {href} is not reciprocal");
            if lang != "x-default" {
                let html_lang = scraper::Selector::parse("html").unwrap();
                let l = page(public, base, href)
                    .select(&html_lang)
                    .next()
                    .unwrap()
                    .value()
                    .attr("lang")
                    .map(str::to_string);
                assert_eq!(l.as_deref(), Some(lang.as_str()), "{href}");
            }
        }
    }
    assert!(
        clusters >= 5,
        "home pages and the translated articles have alternates"
    );
}

#[test]
fn hreflang_is_reciprocal_across_an_original_and_two_translations() {
    let tr = |lang: &str, title: &str| {
        article(
            &format!(
                "title: {title}\ndate: 2024-05-02T10:00:00Z\nlang: {lang}\ntranslation_of: ru/orig.md\ntranslators: [T]\nsource: {{name: Outlet, url: 'https://outlet.example/orig', lang: ru}}"
            ),
            "Text.",
        )
    };
    let f = Fixture::new(&[
        (
            "content/ru/orig.md",
            &article(
                "title: Оригинал\ndate: 2024-05-01T10:00:00+03:00\nlang: ru",
                "Текст.",
            ),
        ),
        ("content/en/tr.md", &tr("en", "Translation")),
        ("content/ar/tr.md", &tr("ar", "ترجمة")),
        (
            "content/en/alone.md",
            &article("title: Alone\ndate: 2024-05-03T10:00:00Z", "Text."),
        ),
    ]);
    f.build_ok();
    let base = "https://fixture.example/";
    let urls = [
        "https://fixture.example/ru/2024/05/01/orig/",
        "https://fixture.example/2024/05/02/tr/",
        "https://fixture.example/ar/2024/05/02/tr/",
    ];
    let expected: BTreeMap<String, String> = [
        ("ru", urls[0]),
        ("en", urls[1]),
        ("ar", urls[2]),
        ("x-default", urls[0]),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let sitemap = sitemap_urls(&f.read("sitemap.xml"));
    for u in urls {
        assert_eq!(
            head_alternates(&page(&f.public(), base, u)),
            expected,
            "{u}"
        );
        assert_eq!(sitemap[u].1, expected, "{u} in the sitemap");
    }
    let alone = "https://fixture.example/2024/05/03/alone/";
    assert!(head_alternates(&page(&f.public(), base, alone)).is_empty());
    assert!(sitemap[alone].1.is_empty());
    // og:locale:alternate names the two other versions.
    let doc = page(&f.public(), base, urls[1]);
    let mut alt = meta_values(&doc, "property", "og:locale:alternate");
    alt.sort();
    assert_eq!(alt, ["ar_AR", "ru_RU"]);
    // The original's JSON-LD is not a translation.
    let ld = json_ld(&page(&f.public(), base, urls[0])).remove(0);
    assert!(ld.get("translationOfWork").is_none() && ld.get("translator").is_none());
}

#[test]
fn example_sitemap_lists_every_page_with_lastmod() {
    let public = example_public("meta-example");
    let site = load(repo());
    let sitemap = sitemap_urls(&std::fs::read_to_string(public.join("sitemap.xml")).unwrap());
    for a in &site.articles {
        let url = site.config.abs_url(&a.rel);
        let (lastmod, _) = sitemap
            .get(&url)
            .unwrap_or_else(|| panic!("{url} not in sitemap"));
        assert_eq!(
            lastmod.as_deref(),
            Some(gensite::meta::last_modified(a).rfc3339().as_str())
        );
    }
    for l in &site.config.languages {
        assert!(
            sitemap.contains_key(
                &site
                    .config
                    .abs_url(&gensite::urls::home(&site.config, &l.code))
            )
        );
    }
    for terms in site.taxonomies.values() {
        for t in terms {
            let (lastmod, _) = &sitemap[&site.config.abs_url(&t.rel)];
            assert!(lastmod.is_some(), "{}", t.rel);
        }
    }
    for loc in sitemap.keys() {
        assert!(
            file_of(public, &site.config.base_url, loc).exists(),
            "{loc} listed but not built"
        );
    }
    let robots = std::fs::read_to_string(public.join("robots.txt")).unwrap();
    let named: Vec<&str> = robots
        .lines()
        .filter_map(|l| l.strip_prefix("Sitemap: "))
        .collect();
    assert_eq!(
        named,
        [
            "https://relay.example.org/sitemap.xml",
            "https://relay.example.org/news-sitemap.xml"
        ]
    );
    let news = xml_owned(public.join("news-sitemap.xml"));
    assert_eq!(xml(&news).root_element().tag_name().name(), "urlset");
}

fn xml_owned(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

fn news_urls(text: &str) -> Vec<BTreeMap<String, String>> {
    let doc = xml(text);
    let root = doc.root_element();
    assert_eq!(
        (root.tag_name().name(), root.tag_name().namespace()),
        ("urlset", Some(SM))
    );
    assert_eq!(root.lookup_namespace_uri(Some("news")), Some(NEWS));
    root.children()
        .filter(|n| n.is_element())
        .map(|u| {
            u.descendants()
                .filter(|n| {
                    n.is_element() && n.children().all(|c| c.is_text()) && n.text().is_some()
                })
                .map(|n| {
                    let prefix = if n.tag_name().namespace() == Some(NEWS) {
                        "news:"
                    } else {
                        ""
                    };
                    (
                        format!("{prefix}{}", n.tag_name().name()),
                        n.text().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn news_sitemap_is_empty_but_valid_when_the_newest_article_is_older_than_two_days() {
    let f = Fixture::new(&[
        (
            "content/en/a.md",
            &article("title: A\ndate: 2026-03-07T23:00:00Z", "Text."),
        ),
        (
            "content/en/b.md",
            &article("title: B\ndate: 2026-01-01T10:00:00Z", "Text."),
        ),
    ]);
    build_at(&f, epoch("2026-03-10T00:00:00Z"));
    let text = f.read("news-sitemap.xml");
    assert!(news_urls(&text).is_empty(), "{text}");
    // The regular sitemap still lists them.
    assert_eq!(
        sitemap_urls(&f.read("sitemap.xml"))
            .keys()
            .filter(|k| k.contains("/2026/"))
            .count(),
        2
    );
}

#[test]
fn news_sitemap_lists_the_last_two_days() {
    let f = Fixture::new(&[
        (
            "content/en/old.md",
            &article("title: Old\ndate: 2026-03-07T23:59:00Z", "Text."),
        ),
        (
            "content/en/new.md",
            &article(
                "title: New & \"fresh\"\ndate: 2026-03-09T10:00:00+03:00",
                "Text.",
            ),
        ),
        (
            "content/ru/new.md",
            &article(
                "title: Новое\ndate: 2026-03-08T00:30:00Z\nlang: ru",
                "Текст.",
            ),
        ),
    ]);
    build_at(&f, epoch("2026-03-10T00:00:00Z"));
    let urls = news_urls(&f.read("news-sitemap.xml"));
    assert_eq!(urls.len(), 2, "{urls:?}");
    assert_eq!(urls[0]["loc"], "https://fixture.example/2026/03/09/new/");
    assert_eq!(urls[0]["news:name"], "Fixture");
    assert_eq!(urls[0]["news:language"], "en");
    assert_eq!(
        urls[0]["news:publication_date"],
        "2026-03-09T10:00:00+03:00"
    );
    assert_eq!(urls[0]["news:title"], "New & “fresh”");
    assert_eq!(urls[1]["loc"], "https://fixture.example/ru/2026/03/08/new/");
    assert_eq!(urls[1]["news:language"], "ru");
}

#[test]
fn sitemap_splits_into_an_index_past_the_limit() {
    let mut files: Vec<(String, String)> = Vec::new();
    for d in 1..=7 {
        files.push((
            format!("content/en/a{d}.md"),
            article(
                &format!("title: A{d}\ndate: 2024-01-0{d}T10:00:00Z\ntags: [t{d}]"),
                "Text.",
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let f = Fixture::new(&refs);
    f.build_ok();
    let whole = sitemap_urls(&f.read("sitemap.xml"));
    let site = load(f.root());
    for limits in [
        gensite::sitemap::Limits {
            urls: 4,
            bytes: 50 * 1024 * 1024,
        },
        gensite::sitemap::Limits {
            urls: 50_000,
            bytes: 1200,
        },
    ] {
        let out = gensite::sitemap::sitemap_files(&site, limits).unwrap();
        assert!(
            out.len() >= 3,
            "{limits:?}: index and at least two sitemaps"
        );
        assert_eq!(out[0].0, "sitemap.xml");
        let index_text = String::from_utf8(out[0].1.clone()).unwrap();
        let index = xml(&index_text);
        assert_eq!(index.root_element().tag_name().name(), "sitemapindex");
        assert_eq!(index.root_element().tag_name().namespace(), Some(SM));
        let locs = texts(&index, SM, "loc");
        let names: Vec<String> = (1..out.len())
            .map(|n| format!("https://fixture.example/sitemap-{n}.xml"))
            .collect();
        assert_eq!(locs, names);
        let mut union = BTreeMap::new();
        for (name, bytes) in &out[1..] {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(text.len() <= limits.bytes, "{name}: {} bytes", text.len());
            let part = sitemap_urls(&text);
            assert!(!part.is_empty() && part.len() <= limits.urls, "{name}");
            union.extend(part);
        }
        assert_eq!(union, whole, "{limits:?}: the parts list exactly the whole");
    }
}

#[test]
fn home_pages_have_site_metadata_and_language_alternates() {
    let public = example_public("meta-example");
    let doc = page(
        public,
        "https://relay.example.org/",
        "https://relay.example.org/ru/",
    );
    assert_eq!(meta_values(&doc, "property", "og:type"), ["website"]);
    assert_eq!(meta_values(&doc, "property", "og:locale"), ["ru_RU"]);
    assert_eq!(
        meta_values(&doc, "property", "og:locale:alternate").len(),
        4
    );
    let alts = head_alternates(&doc);
    assert_eq!(alts["ru"], "https://relay.example.org/ru/");
    assert_eq!(alts["x-default"], "https://relay.example.org/");
    assert!(json_ld(&doc).is_empty());
    let term = page(
        public,
        "https://relay.example.org/",
        "https://relay.example.org/tags/water/",
    );
    assert_eq!(meta_values(&term, "property", "og:type"), ["website"]);
    // A term's page has a version in every language.
    let alts = head_alternates(&term);
    assert_eq!(alts["ru"], "https://relay.example.org/ru/tags/water/");
    assert_eq!(alts["x-default"], "https://relay.example.org/tags/water/");
}

#[test]
fn hostile_values_round_trip_through_attributes_json_ld_and_sitemaps() {
    use meta_common::hostile::*;
    for minify in [false, true] {
        let f = hostile_site(minify);
        let url = format!("https://fixture.example/news/{PAGE}");
        let raw = f.read(&format!("{PAGE}index.html"));
        let doc = scraper::Html::parse_document(&raw);
        let at = format!("minify={minify}");

        // Attributes and visible text.
        assert_eq!(
            text_of(&doc, "title").unwrap(),
            format!("{TITLE} — Fixture"),
            "{at}"
        );
        assert_eq!(text_of(&doc, ".kicker").as_deref(), Some(KICKER), "{at}");
        for (attr, key, want) in [
            ("property", "og:title", TITLE),
            ("name", "twitter:title", TITLE),
            ("property", "og:description", DESCRIPTION),
            ("name", "twitter:description", DESCRIPTION),
            ("name", "description", DESCRIPTION),
            ("property", "article:tag", TAG),
            ("property", "article:section", STORY),
            ("name", "twitter:data1", AUTHOR),
            ("name", "twitter:data2", TRANSLATOR),
        ] {
            assert_eq!(meta_values(&doc, attr, key), [want], "{at}: {key}");
        }
        // No injected element: one JSON-LD block in <head>, no script holding fixture text
        // (the theme's own copy-link script may be there), no <img> or <b> from the values.
        let head_scripts: Vec<_> = doc
            .select(&scraper::Selector::parse("head script").unwrap())
            .collect();
        assert_eq!(head_scripts.len(), 1, "{at}");
        assert_eq!(
            head_scripts[0].value().attr("type"),
            Some("application/ld+json")
        );
        let scripts: Vec<_> = doc
            .select(&scraper::Selector::parse("script").unwrap())
            .collect();
        for s in &scripts[1..] {
            let text: String = s.text().collect();
            assert!(
                !text.contains("alert") && !text.contains("Test"),
                "{at}: {text}"
            );
        }
        assert_eq!(
            doc.select(&scraper::Selector::parse("head img, head b, img[onerror]").unwrap())
                .count(),
            0
        );

        // JSON-LD: no `<` at all in its text, so nothing can close the element; parses intact.
        let script_text: String = scripts[0].text().collect();
        assert!(
            !script_text.contains('<') && !script_text.contains('>'),
            "{at}: {script_text}"
        );
        assert!(!script_text.to_ascii_lowercase().contains("</script"));
        let ld = json_ld(&doc).remove(0);
        assert_eq!(ld["headline"], TITLE, "{at}");
        assert_eq!(ld["description"], DESCRIPTION, "{at}");
        assert_eq!(ld["keywords"], serde_json::json!([TAG]), "{at}");
        assert_eq!(names(&ld["author"]), [AUTHOR], "{at}");
        assert_eq!(names(&ld["translator"]), [TRANSLATOR], "{at}");
        assert_eq!(ld["isPartOf"]["name"], STORY, "{at}");
        assert_eq!(ld["sourceOrganization"]["name"], OUTLET, "{at}");
        assert_eq!(ld["translationOfWork"]["publisher"]["name"], OUTLET, "{at}");
        assert_eq!(ld["isBasedOn"], SOURCE_URL, "{at}");
        assert_eq!(ld["url"], url.as_str(), "{at}");

        // Sitemaps.
        let sitemap = sitemap_urls(&f.read("sitemap.xml"));
        assert!(sitemap.contains_key(&url), "{at}");
        let site = load(f.root());
        for kind in TaxonomyKind::ALL {
            for t in &site.taxonomies[&kind] {
                assert!(
                    sitemap.contains_key(&site.config.abs_url(&t.rel)),
                    "{at}: {}",
                    t.rel
                );
            }
        }
        let news = news_urls(&f.read("news-sitemap.xml"));
        assert_eq!(news.len(), 1, "{at}");
        assert_eq!(news[0]["news:title"], TITLE, "{at}");
        assert_eq!(news[0]["loc"], url, "{at}");
        let people: BTreeSet<&str> = [AUTHOR, TRANSLATOR].into_iter().collect();
        assert_eq!(people.len(), 2);
    }
}

#[test]
fn corrections_are_correction_comments_and_bump_date_modified() {
    let public = example_public("meta-example");
    let doc = page(
        public,
        "https://relay.example.org/",
        "https://relay.example.org/2026/09/24/dam-inquiry-charges/",
    );
    let ld = json_ld(&doc).remove(0);
    let c = &ld["correction"][0];
    assert_eq!(c["@type"], "CorrectionComment");
    assert_eq!(c["datePublished"], "2026-09-25T00:00:00+00:00");
    assert!(
        c["text"]
            .as_str()
            .unwrap()
            .starts_with("An earlier version")
    );
    assert_eq!(ld["datePublished"], "2026-09-24T16:00:00+03:00");
    assert_eq!(ld["dateModified"], "2026-09-25T00:00:00+00:00");
    assert_eq!(
        meta_values(&doc, "property", "article:modified_time"),
        ["2026-09-25T00:00:00+00:00"]
    );
}

#[test]
fn image_size_and_alt_reach_open_graph_json_ld_and_feeds() {
    // A remote image: shown as written, with the size front matter gives.
    let f = Fixture::new(&[(
        "content/en/pic/index.md",
        &article(
            "title: Pictured\ndate: 2024-05-01T10:00:00Z\nimage: {src: 'https://images.example/photo.jpg', alt: \"A dam & a river\", width: 1600, height: 900}",
            "Text.",
        ),
    )]);
    f.build_ok();
    let doc = f.html("2024/05/01/pic/index.html");
    let src = "https://images.example/photo.jpg";
    assert_eq!(meta_values(&doc, "property", "og:image"), [src]);
    assert_eq!(
        meta_values(&doc, "property", "og:image:alt"),
        ["A dam & a river"]
    );
    assert_eq!(meta_values(&doc, "property", "og:image:width"), ["1600"]);
    assert_eq!(meta_values(&doc, "property", "og:image:height"), ["900"]);
    assert_eq!(
        meta_values(&doc, "name", "twitter:card"),
        ["summary_large_image"]
    );
    assert_eq!(meta_values(&doc, "name", "twitter:image"), [src]);
    let ld = json_ld(&doc).remove(0);
    assert_eq!(
        ld["image"],
        serde_json::json!({"@type": "ImageObject", "url": src, "width": 1600, "height": 900})
    );
    let feed: Value = serde_json::from_str(&f.read("feed.json")).unwrap();
    assert_eq!(feed["items"][0]["image"], src);

    // A photo of the site: its share variant, with the variant's size, in all three; the
    // size front matter gives is the source's and does not apply.
    let f = Fixture::new(&[(
        "content/en/pic/index.md",
        &article(
            "title: Pictured\ndate: 2024-05-01T10:00:00Z\nimage: {src: photo.jpg, alt: \"A dam & a river\", width: 1600, height: 900}",
            "Text.",
        ),
    )]);
    f.write_bytes("content/en/pic/photo.jpg", &common::jpeg(640, 360));
    f.build_ok();
    let doc = f.html("2024/05/01/pic/index.html");
    let og = meta_values(&doc, "property", "og:image");
    assert!(
        og[0].starts_with("https://fixture.example/2024/05/01/pic/photo-640x360-")
            && og[0].ends_with(".jpg"),
        "{og:?}"
    );
    assert_eq!(meta_values(&doc, "property", "og:image:width"), ["640"]);
    assert_eq!(meta_values(&doc, "name", "twitter:image"), og);
    let feed: Value = serde_json::from_str(&f.read("feed.json")).unwrap();
    assert_eq!(feed["items"][0]["image"], og[0].as_str());
}
