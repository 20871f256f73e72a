//! People, outlets, stories and languages: translation groups, taxonomy pages, people matched
//! across scripts, stale translations and `gen check`.
mod common;
use common::*;

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
    assert!(hrefs(&ru, ".credits a").contains(&"/authors/anna-kovaleva/".to_string()));
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
