//! People, outlets, stories and languages: translation groups, taxonomy pages, people matched
//! across scripts, stale translations and `gen check`.
mod common;
use common::*;
use std::collections::BTreeMap;

const PEOPLE: &str = "- name: Anna Kovaleva\n  names: { ru: Анна Ковалёва }\n  aliases: [Анна Ковальова]\n  bio: Covers energy for Severny Vestnik.\n  links: [{ title: Website, url: 'https://anna.example/' }]\n- name: Daniel Price\n  bio: Translator.\n";

fn group_site() -> Fixture {
    Fixture::new(&[
        ("content/people.yaml", PEOPLE),
        (
            "content/ru/dam.md",
            &article(
                "title: Плотина\ndate: 2021-12-07T10:00:00+03:00\nupdated: 2021-12-10T10:00:00+03:00\nauthors: [Анна Ковалёва]\ntags: [energy]\nstory: River dam inquiry",
                "Он сказал \"нет\".",
            ),
        ),
        (
            "content/en/dam.md",
            &article(
                "title: The dam\ndate: 2021-12-08T10:00:00+03:00\nauthors: [Anna Kovaleva]\ntranslators: [Daniel Price]\nsource: { name: Severny Vestnik, url: 'https://sv.example/dam', lang: ru }\ntranslation_of: ru/dam.md\ntags: [energy, courts]\nstory: River dam inquiry",
                "Text.",
            ),
        ),
        (
            "content/ar/dam.md",
            &article(
                "title: السد\ndate: 2021-12-09T10:00:00+03:00\nauthors: [Anna Kovaleva]\ntranslators: [Karim Nasser]\nsource: { name: Severny Vestnik, url: 'https://sv.example/dam', lang: ru }\ntranslation_of: ../ru/dam.md\ntags: [energy]\nstory: River dam inquiry",
                "نص.",
            ),
        ),
        (
            "content/en/other.md",
            &article(
                "title: Other\ndate: 2021-11-01\ntags: [courts]",
                "Other text.",
            ),
        ),
    ])
}

fn hrefs(doc: &scraper::Html, sel: &str) -> Vec<String> {
    attrs(doc, sel, "href")
}

#[test]
fn every_version_links_every_other() {
    let f = group_site();
    f.build_ok();
    let pages = [
        ("en", "2021/12/08/dam/index.html"),
        ("ru", "ru/2021/12/07/dam/index.html"),
        ("ar", "ar/2021/12/09/dam/index.html"),
    ];
    let urls: Vec<String> = pages
        .iter()
        .map(|(_, p)| {
            format!(
                "https://fixture.example/{}",
                p.trim_end_matches("index.html")
            )
        })
        .collect();
    for (lang, page) in pages {
        let doc = f.html(page);
        // hreflang: every version, itself included, plus x-default pointing at the original.
        let mut alternates: Vec<(String, String)> = {
            let s = scraper::Selector::parse("link[rel=alternate][hreflang]").unwrap();
            doc.select(&s)
                .map(|e| {
                    (
                        e.value().attr("hreflang").unwrap().to_string(),
                        e.value().attr("href").unwrap().to_string(),
                    )
                })
                .collect()
        };
        alternates.sort();
        let mut expected: Vec<(String, String)> = pages
            .iter()
            .zip(&urls)
            .map(|((l, _), u)| (l.to_string(), u.clone()))
            .collect();
        expected.push(("x-default".into(), urls[1].clone()));
        expected.sort();
        assert_eq!(alternates, expected, "{lang}");
        // The visible switcher lists every version.
        let switcher = hrefs(&doc, "nav.versions a");
        assert_eq!(switcher.len(), 3, "{lang}: {switcher:?}");
    }
}

#[test]
fn taxonomy_pages_list_the_right_articles() {
    let f = group_site();
    f.build_ok();
    let titles = |page: &str| -> Vec<String> {
        let doc = f.html(page);
        let s = scraper::Selector::parse("main .card h2 a, main .card h3 a").unwrap();
        let mut v: Vec<String> = doc
            .select(&s)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect();
        v.sort();
        v
    };
    // One person whatever the script: the Russian original and both translations.
    let mut expected: Vec<String> = ["Плотина", "السد", "The dam"].map(String::from).to_vec();
    expected.sort();
    assert_eq!(titles("authors/anna-kovaleva/index.html"), expected);
    assert_eq!(
        titles("translators/daniel-price/index.html"),
        vec!["The dam".to_string()]
    );
    assert_eq!(titles("outlets/severny-vestnik/index.html").len(), 2);
    assert_eq!(titles("stories/river-dam-inquiry/index.html").len(), 3);
    assert_eq!(
        titles("tags/courts/index.html"),
        vec!["Other".to_string(), "The dam".to_string()]
    );
    // The person page shows the bio and links from people.yaml.
    let person = f.html("authors/anna-kovaleva/index.html");
    assert!(
        f.read("authors/anna-kovaleva/index.html")
            .contains("Covers energy for Severny Vestnik.")
    );
    assert!(
        hrefs(&person, "a")
            .iter()
            .any(|h| h == "https://anna.example/")
    );
    // A person missing from people.yaml still gets a page; the index lists people by name with counts.
    assert!(
        f.public()
            .join("translators/karim-nasser/index.html")
            .exists()
    );
    let index = f.read("translators/index.html");
    let d = index.find("Daniel Price").unwrap();
    let k = index.find("Karim Nasser").unwrap();
    assert!(d < k);
}

#[test]
fn credits_link_to_person_pages_in_the_page_language() {
    let f = group_site();
    f.build_ok();
    let ru = f.html("ru/2021/12/07/dam/index.html");
    assert!(text_of(&ru, ".credits").unwrap().contains("Анна Ковалёва"));
    assert!(hrefs(&ru, ".credits a").contains(&"/ru/authors/anna-kovaleva/".to_string()));
    let en = f.html("2021/12/08/dam/index.html");
    assert!(text_of(&en, ".credits").unwrap().contains("Anna Kovaleva"));
}

#[test]
fn stale_translation_warns_and_shows_a_notice() {
    let f = group_site();
    let out = f.build_ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/en/dam.md") && stderr.contains("may be stale"),
        "{stderr}"
    );
    let check = f.run(&["check"]);
    assert!(check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("may be stale"), "{stderr}");
    assert!(
        stderr.contains("`Karim Nasser` is not in content/people.yaml"),
        "{stderr}"
    );
}

#[test]
fn check_json_for_tools() {
    let f = group_site();
    let out = f.run(&["check", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["ok"], true);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["severity"] == "warning" && d["path"] == "content/en/dam.md")
    );
    f.write("content/en/bad.md", "---\ntitle: x\ndate: 2021-01-01\nsource: { name: O, url: 'ftp://x', lang: ru }\ntranslators: [T]\n---\n");
    let out = f.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["ok"], false);
    assert!(v["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["severity"] == "error"
            && d["message"]
                .as_str()
                .unwrap()
                .contains("not an absolute http(s) URL")
    }));
}

#[test]
fn per_language_home_pages() {
    let f = group_site();
    f.build_ok();
    let ru = f.html("ru/index.html");
    assert_eq!(attrs(&ru, "html", "lang"), vec!["ru".to_string()]);
    assert!(f.read("ru/index.html").contains("Плотина"));
    assert!(!f.read("ru/index.html").contains("The dam\u{3c}"));
    let ar = f.html("ar/index.html");
    assert_eq!(attrs(&ar, "html", "dir"), vec!["rtl".to_string()]);
}

#[test]
fn taxonomy_pages_exist_in_every_language() {
    let f = group_site();
    f.build_ok();
    // The Russian story page: Russian UI, the Russian article first, then the others under a
    // heading and marked with their language.
    let ru = f.html("ru/stories/river-dam-inquiry/index.html");
    assert_eq!(attrs(&ru, "html", "lang"), vec!["ru".to_string()]);
    let titles: Vec<String> = {
        let s = scraper::Selector::parse("main .card-title a").unwrap();
        ru.select(&s)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    };
    assert_eq!(titles, vec!["Плотина", "السد", "The dam"]);
    assert_eq!(
        text_of(&ru, "h2.other-languages").as_deref(),
        Some("На других языках")
    );
    assert_eq!(attrs(&ru, "main .lang-badge", "lang"), vec!["ar", "en"]);
    // The badge names the card's language in itself (the card's `lang_name`).
    let badges: Vec<String> = {
        let s = scraper::Selector::parse("main .lang-badge").unwrap();
        ru.select(&s)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    };
    assert_eq!(badges, vec!["العربية", "English"]);
    assert_eq!(
        hrefs(&ru, ".term-header .kicker a"),
        vec!["/ru/stories/".to_string()]
    );
    // Cards link people, stories and tags in the page's language.
    let ar = f.html("ar/stories/river-dam-inquiry/index.html");
    assert_eq!(attrs(&ar, "html", "dir"), vec!["rtl".to_string()]);
    // hreflang: every language's version of the term page and x-default.
    let mut alts = attrs(&ru, "link[rel=alternate][hreflang]", "hreflang");
    alts.sort();
    assert_eq!(alts, vec!["ar", "en", "ru", "x-default"]);
    // The index in Russian names people in Russian and links their Russian pages.
    let index = f.html("ru/authors/index.html");
    assert!(hrefs(&index, "main .terms a").contains(&"/ru/authors/anna-kovaleva/".to_string()));
    assert!(
        text_of(&index, "main .terms")
            .unwrap()
            .contains("Анна Ковалёва")
    );
    assert!(text_of(&index, "h1").unwrap().contains("Авторы"));
    // The footer links the taxonomies in the page's language.
    assert!(hrefs(&ru, "footer a").contains(&"/ru/tags/".to_string()));
    // A term's feed in a language lists that language's articles, and its page there says so.
    let feed = f.read("ru/stories/river-dam-inquiry/rss.xml");
    assert!(
        feed.contains("Плотина") && !feed.contains("The dam"),
        "{feed}"
    );
    assert!(
        f.read("stories/river-dam-inquiry/rss.xml")
            .contains("The dam")
    );
    assert!(!f.public().join("ar/tags/courts/rss.xml").exists());
    assert!(f.public().join("ar/tags/courts/index.html").exists());
    let ar_courts = f.html("ar/tags/courts/index.html");
    assert!(attrs(&ar_courts, "link[type='application/rss+xml']", "href").is_empty());
    // The not-found page in each language.
    let nf = f.html("ru/404.html");
    assert_eq!(attrs(&nf, "html", "lang"), vec!["ru".to_string()]);
    // Home pages announce the whole-site feed.
    let home = f.html("ru/index.html");
    assert!(
        attrs(
            &home,
            "link[rel=alternate][type='application/atom+xml']",
            "href"
        )
        .contains(&"/all/atom.xml".to_string())
    );
    // The sitemap lists the new pages with their alternates.
    let sitemap = f.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://fixture.example/ru/stories/river-dam-inquiry/</loc>"));
    assert!(sitemap.contains("<loc>https://fixture.example/ar/authors/</loc>"));
}

fn pressure_site(terms: Option<&str>) -> Fixture {
    let mut files: Vec<(&str, String)> = vec![
        (
            "content/en/law.md",
            article(
                "title: The law\ndate: 2026-03-26T10:00:00Z\nstory: Journalists under pressure\ntags: [media-freedom]",
                "Text.",
            ),
        ),
        (
            "content/ru/law.md",
            article(
                "title: Закон\ndate: 2026-03-27T10:00:00Z\ntranslation_of: en/law.md\ntranslators: [Tanya Lee]\nsource: { name: Daily, url: 'https://d.example/law', lang: en }\nstory: Журналисты под давлением\ntags: [свобода прессы]",
                "Текст.",
            ),
        ),
        (
            "content/ar/law.md",
            article(
                "title: القانون\ndate: 2026-03-28T10:00:00Z\ntranslation_of: en/law.md\ntranslators: [Tanya Lee]\nsource: { name: Daily, url: 'https://d.example/law', lang: en }\nstory: Journalists under pressure\ntags: [media-freedom]",
                "نص.",
            ),
        ),
    ];
    if let Some(t) = terms {
        files.push(("content/terms.yaml", t.to_string()));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    Fixture::new(&refs)
}

#[test]
fn check_suggests_one_term_for_translations_naming_different_stories() {
    let f = pressure_site(None);
    let out = f.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // At the translation's `story:` line, with the terms.yaml entry to add; never merged.
    assert!(
        stderr.contains("content/ru/law.md:7:1: warning: story `Журналисты под давлением` differs from `Journalists under pressure`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("stories: [{ name: Journalists under pressure, names: { ru: Журналисты под давлением } }]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("tags `свобода прессы` differ from `media-freedom`"),
        "{stderr}"
    );
    // The Arabic version names the same story: nothing to say.
    assert!(
        !stderr
            .lines()
            .any(|l| l.contains("content/ar/law.md") && l.contains("differ")),
        "{stderr}"
    );
    f.build_ok();
    assert!(
        f.public()
            .join("ru/stories/zhurnalisty-pod-davleniem/index.html")
            .exists()
    );
}

#[test]
fn terms_yaml_makes_one_story_across_languages() {
    let f = pressure_site(Some(
        "stories:\n  - name: Journalists under pressure\n    names: { ru: Журналисты под давлением }\ntags:\n  - name: media-freedom\n    names: { ru: свобода прессы, ar: حرية الصحافة }\n",
    ));
    let out = f.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("differ"), "{stderr}");
    f.build_ok();
    assert!(
        !f.public()
            .join("stories/zhurnalisty-pod-davleniem")
            .exists()
    );
    // One page per language listing all three, named in the page's language.
    let ru = f.html("ru/stories/journalists-under-pressure/index.html");
    assert_eq!(
        text_of(&ru, "h1").as_deref(),
        Some("Журналисты под давлением")
    );
    assert_eq!(attrs(&ru, "main .card-title a", "href").len(), 3);
    let en = f.html("stories/journalists-under-pressure/index.html");
    assert_eq!(
        text_of(&en, "h1").as_deref(),
        Some("Journalists under pressure")
    );
    // The Russian article links the story and tag by their names in Russian, to Russian pages;
    // the Arabic one shows the tag's Arabic name though its front matter says media-freedom.
    let art = f.html("ru/2026/03/27/law/index.html");
    assert!(hrefs(&art, "main a").contains(&"/ru/stories/journalists-under-pressure/".to_string()));
    assert!(hrefs(&art, "main a").contains(&"/ru/tags/media-freedom/".to_string()));
    let ar = f.read("ar/2026/03/28/law/index.html");
    assert!(ar.contains("حرية الصحافة"));
    // The story's Russian feed lists the Russian article only.
    let feed = f.read("ru/stories/journalists-under-pressure/atom.xml");
    assert!(feed.contains("Закон") && !feed.contains("The law"));
}

#[test]
fn terms_yaml_errors_name_the_file_line_and_column() {
    let f = pressure_site(Some("stories:\n  - name: A\n    names: [ru]\n"));
    let out = f.run(&["build"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("content/terms.yaml:3:"), "{stderr}");
    assert!(stderr.contains("invalid terms.yaml"), "{stderr}");
}

/// Every filter value of the search index's facet shards, decoded with gen's own reader.
fn search_facets(f: &Fixture) -> BTreeMap<String, Vec<u32>> {
    let root = f.public().join("search-index");
    let meta: serde_json::Value = serde_json::from_str(&f.read("search-index/meta.json")).unwrap();
    let mut out = BTreeMap::new();
    for n in 0..meta["facets"].as_array().unwrap().len() {
        let bytes = std::fs::read(root.join(format!("facets/{n}.bin"))).unwrap();
        for (key, e) in gensite::search::decode_shard(&bytes).expect("a facet shard decodes") {
            out.insert(key, e.postings.iter().map(|p| p.0).collect());
        }
    }
    out
}

/// The language of each search document (`docs/N.json`, in document order).
fn search_docs(f: &Fixture) -> Vec<serde_json::Value> {
    let meta: serde_json::Value = serde_json::from_str(&f.read("search-index/meta.json")).unwrap();
    let size = meta["fragment"].as_u64().unwrap() as usize;
    let count = meta["docs"].as_u64().unwrap() as usize;
    (0..count.div_ceil(size))
        .flat_map(|n| {
            let list: Vec<serde_json::Value> =
                serde_json::from_str(&f.read(&format!("search-index/docs/{n}.json"))).unwrap();
            list
        })
        .collect()
}

#[test]
fn a_terms_yaml_story_is_one_search_filter_and_one_permalink_segment() {
    let terms = "stories:\n  - name: Journalists under pressure\n    slug: press\n    names: { ru: Журналисты под давлением }\ntags:\n  - name: media-freedom\n    names: { ru: свобода прессы, ar: حرية الصحافة }\n";
    let f = pressure_site(Some(terms));
    f.write(
        "site.toml",
        &format!("permalink = \"/:lang/:story/:slug/\"\n{SITE_TOML}"),
    );
    f.build_ok();

    // `:story` is the term's slug in every language, as its pages are.
    for page in [
        "press/law/index.html",
        "ru/press/law/index.html",
        "ar/press/law/index.html",
        "ru/stories/press/index.html",
    ] {
        assert!(f.public().join(page).exists(), "{page}");
    }

    // The story and the tag are one filter value each, listing the article in all three
    // languages.
    let facets = search_facets(&f);
    let docs = search_docs(&f);
    let langs_of = |key: &str| -> Vec<String> {
        let mut v: Vec<String> = facets[key]
            .iter()
            .map(|&d| docs[d as usize]["l"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(langs_of("stories/press/"), ["ar", "en", "ru"]);
    assert_eq!(langs_of("tags/media-freedom/"), ["ar", "en", "ru"]);
    assert!(
        !facets
            .keys()
            .any(|k| k.contains("zhurnalisty") || k.contains("svoboda")),
        "{:?}",
        facets.keys().collect::<Vec<_>>()
    );
    // facets.json names each value in the default language, with the names readers of other
    // languages see; a result names its story in its own language.
    let names: serde_json::Value =
        serde_json::from_str(&f.read("search-index/facets.json")).unwrap();
    assert_eq!(
        names["stories"],
        serde_json::json!([["stories/press/", "Journalists under pressure", 3, {"ru": "Журналисты под давлением"}]])
    );
    assert_eq!(
        names["tags"],
        serde_json::json!([["tags/media-freedom/", "media-freedom", 3, {"ar": "حرية الصحافة", "ru": "свобода прессы"}]])
    );
    let ru = docs.iter().find(|d| d["l"] == "ru").unwrap();
    assert_eq!(ru["s"], "Журналисты под давлением");

    // Without terms.yaml the two spellings are two stories, two filters and two segments.
    let f = pressure_site(None);
    f.write(
        "site.toml",
        &format!("permalink = \"/:lang/:story/:slug/\"\n{SITE_TOML}"),
    );
    f.build_ok();
    assert!(
        f.public()
            .join("ru/zhurnalisty-pod-davleniem/law/index.html")
            .exists()
    );
    assert!(
        f.public()
            .join("journalists-under-pressure/law/index.html")
            .exists()
    );
    let facets = search_facets(&f);
    assert_eq!(facets["stories/zhurnalisty-pod-davleniem/"].len(), 1);
    assert_eq!(facets["stories/journalists-under-pressure/"].len(), 2);
}
