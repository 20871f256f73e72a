//! People's names are romanized by the rules of the language they are written in, so one
//! person credited in Cyrillic and in Latin letters has one page, at a slug readers expect.
mod common;
use common::*;

const SITE: &str = r#"title = "Fixture"
base_url = "https://fixture.example/"
default_language = "en"

[languages.en]
name = "English"

[languages.ru]
name = "Русский"

[languages.uk]
name = "Українська"
"#;

fn names_site(people_yaml: Option<&str>) -> Fixture {
    let mut files = vec![
        ("site.toml", SITE.to_string()),
        (
            "content/uk/mist.md",
            article(
                "title: Міст\ndate: 2021-12-06T10:00:00+02:00\nauthors: [Ярина Бондар]",
                "Текст.",
            ),
        ),
        (
            "content/ru/plotina.md",
            article(
                "title: Плотина\ndate: 2021-12-07T10:00:00+03:00\nauthors: [Анна Ковалёва]",
                "Текст.",
            ),
        ),
        (
            "content/en/dam.md",
            article(
                "title: The dam\ndate: 2021-12-08T10:00:00Z\nauthors: [Anna Kovaleva, Yaryna Bondar]",
                "Text.",
            ),
        ),
    ];
    if let Some(p) = people_yaml {
        files.push(("content/people.yaml", p.to_string()));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    Fixture::new(&files)
}

fn author_pages(f: &Fixture) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(f.public().join("authors"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn story_by(f: &Fixture, page: &str) -> Vec<String> {
    attrs(&f.html(page), ".story-by a", "href")
}

#[test]
fn one_page_per_person_at_the_slug_of_their_language() {
    let f = names_site(None);
    f.build_ok();
    // Ukrainian national system for the Ukrainian credit (not Russian rules' iarina-bondar);
    // Russian ё → e, so the Russian and the English credit are one person. Credits link the
    // person's page in the article's language.
    assert_eq!(author_pages(&f), ["anna-kovaleva", "yaryna-bondar"]);
    assert_eq!(
        story_by(&f, "uk/2021/12/06/mist/index.html"),
        ["/uk/authors/yaryna-bondar/"]
    );
    assert_eq!(
        story_by(&f, "ru/2021/12/07/plotina/index.html"),
        ["/ru/authors/anna-kovaleva/"]
    );
    assert_eq!(
        story_by(&f, "2021/12/08/dam/index.html"),
        ["/authors/anna-kovaleva/", "/authors/yaryna-bondar/"]
    );
    // Each person's page lists the articles credited in both scripts.
    for (slug, n) in [("anna-kovaleva", 2), ("yaryna-bondar", 2)] {
        let page = f.html(&format!("authors/{slug}/index.html"));
        let s = scraper::Selector::parse(".card").unwrap();
        assert_eq!(page.select(&s).count(), n, "{slug}");
    }
}

#[test]
fn a_slug_fixed_in_people_yaml_stays() {
    let f = names_site(Some(
        "- name: Yaryna Bondar\n  slug: iarina-bondar\n  names: { uk: Ярина Бондар }\n",
    ));
    f.build_ok();
    assert_eq!(author_pages(&f), ["anna-kovaleva", "iarina-bondar"]);
    assert_eq!(
        story_by(&f, "uk/2021/12/06/mist/index.html"),
        ["/uk/authors/iarina-bondar/"]
    );
}
