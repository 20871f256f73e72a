//! Headlines, kickers and deks get the typography of the body (the language's quote marks,
//! apostrophes, dashes) everywhere they are shown: the article page, its `<title>`, Open Graph,
//! JSON-LD, home-page cards and feeds.
mod common;
use common::*;

const SITE: &str = r#"title = "Fixture"
base_url = "https://fixture.example/"
default_language = "en"
minify = true

[languages.en]
name = "English"

[languages.fr]
name = "Français"

[languages.ru]
name = "Русский"
"#;

/// (language, page, expected headline, expected kicker, expected dek)
const CASES: [(&str, &str, &str, &str, &str); 3] = [
    (
        "en",
        "2021/12/08/dam/index.html",
        "Inspectors were told to “wait one more season” – and they did",
        "The dam’s “last” warning",
        "It’s the inspectors’ own words…",
    ),
    (
        "fr",
        "fr/2021/12/08/armee/index.html",
        "L’armée répond «\u{a0}non\u{a0}»",
        "«\u{a0}Pas question\u{a0}»",
        "Aujourd’hui, l’état-major dit «\u{a0}jamais\u{a0}».",
    ),
    (
        "ru",
        "ru/2021/12/08/plotina/index.html",
        "Инспекторам сказали «подождать ещё сезон»",
        "«Последнее» предупреждение",
        "Он сказал: «Это „временно“».",
    ),
];

fn site() -> Fixture {
    Fixture::new(&[
        ("site.toml", SITE),
        (
            "content/en/dam.md",
            &article(
                "title: Inspectors were told to \"wait one more season\" -- and they did\nkicker: The dam's \"last\" warning\ndescription: It's the inspectors' own words...\ndate: 2021-12-08T10:00:00Z",
                "He said \"wait\".",
            ),
        ),
        (
            "content/fr/armee.md",
            &article(
                "title: L'armée répond \"non\"\nkicker: '\"Pas question\"'\ndescription: Aujourd'hui, l'état-major dit \"jamais\".\ndate: 2021-12-08T09:00:00Z",
                "Il a dit \"non\".",
            ),
        ),
        (
            "content/ru/plotina.md",
            &article(
                "title: Инспекторам сказали \"подождать ещё сезон\"\nkicker: '\"Последнее\" предупреждение'\ndescription: 'Он сказал: \"Это ''временно''\".'\ndate: 2021-12-08T08:00:00Z",
                "Он сказал \"нет\".",
            ),
        ),
    ])
}

/// Text of the first match, as written (`text_of` folds the no-break spaces of French quotes).
fn text(doc: &scraper::Html, selector: &str) -> Option<String> {
    let s = scraper::Selector::parse(selector).unwrap();
    doc.select(&s)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_string())
}

fn meta_content(doc: &scraper::Html, property: &str) -> String {
    attrs(doc, &format!("meta[property=\"{property}\"]"), "content")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {property}"))
}

fn json_ld(doc: &scraper::Html) -> serde_json::Value {
    let s = scraper::Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    let text: String = doc.select(&s).next().expect("JSON-LD").text().collect();
    serde_json::from_str(&text).expect("valid JSON-LD")
}

#[test]
fn article_pages_show_typographic_headlines() {
    let f = site();
    f.build_ok();
    for (lang, page, title, kicker, dek) in CASES {
        let doc = f.html(page);
        assert_eq!(text(&doc, "h1").as_deref(), Some(title), "{lang} h1");
        assert_eq!(
            text(&doc, "article .kicker, .kicker").as_deref(),
            Some(kicker),
            "{lang} kicker"
        );
        assert_eq!(text(&doc, ".dek").as_deref(), Some(dek), "{lang} dek");
        let head_title = text(&doc, "title").unwrap();
        assert!(
            head_title.starts_with(title),
            "{lang} <title>: {head_title}"
        );
        assert_eq!(meta_content(&doc, "og:title"), title, "{lang} og:title");
        assert_eq!(
            meta_content(&doc, "og:description"),
            dek,
            "{lang} og:description"
        );
        let ld = json_ld(&doc);
        assert_eq!(ld["headline"], title, "{lang} JSON-LD headline");
        assert_eq!(ld["description"], dek, "{lang} JSON-LD description");
    }
}

#[test]
fn cards_and_feeds_show_typographic_headlines() {
    let f = site();
    f.build_ok();
    for (lang, _, title, kicker, dek) in CASES {
        let prefix = if lang == "en" {
            String::new()
        } else {
            format!("{lang}/")
        };
        // The home page's card.
        let home = f.html(&format!("{prefix}index.html"));
        assert_eq!(
            text(&home, ".card-title").as_deref(),
            Some(title),
            "{lang} card"
        );
        assert_eq!(
            text(&home, ".card .kicker").as_deref(),
            Some(kicker),
            "{lang} card kicker"
        );
        assert_eq!(
            text(&home, ".card .dek").as_deref(),
            Some(dek),
            "{lang} card dek"
        );
        // RSS and Atom items.
        let rss = f.read(&format!("{prefix}rss.xml"));
        let rss = roxmltree::Document::parse(&rss).expect("RSS parses");
        let item_title = rss
            .descendants()
            .find(|n| n.has_tag_name("item"))
            .and_then(|i| i.children().find(|n| n.has_tag_name("title")))
            .and_then(|t| t.text())
            .unwrap_or_default()
            .to_string();
        assert_eq!(item_title, title, "{lang} RSS item title");
        let atom = f.read(&format!("{prefix}atom.xml"));
        let feed = feed_rs::parser::parse(atom.as_bytes()).expect("Atom parses");
        assert_eq!(
            feed.entries[0].title.as_ref().map(|t| t.content.as_str()),
            Some(title),
            "{lang} Atom entry title"
        );
    }
}
