//! The default theme on fixture sites: every part of the article page, credits, share links,
//! labels and dates in the page's language, right-to-left pages, escaping, plurals.
//! Everything is checked by parsing the HTML (scraper), never by grepping it.
mod common;

use common::*;
use scraper::{ElementRef, Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

fn all<'a>(doc: &'a Html, s: &str) -> Vec<ElementRef<'a>> {
    doc.select(&sel(s)).collect()
}

fn one<'a>(doc: &'a Html, s: &str) -> ElementRef<'a> {
    let found = all(doc, s);
    assert!(!found.is_empty(), "no element matches `{s}`");
    found[0]
}

/// Text with whitespace runs collapsed (the narrow no-break space ICU uses is kept).
fn text(e: ElementRef<'_>) -> String {
    let raw: String = e.text().collect();
    raw.split([' ', '\n', '\t'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn attr(e: ElementRef<'_>, name: &str) -> String {
    e.value().attr(name).unwrap_or_default().to_string()
}

/// `(key, decoded value)` pairs of a URL's query.
fn query(href: &str) -> Vec<(String, String)> {
    let q = href.split_once('?').map(|(_, q)| q).unwrap_or("");
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                k.to_string(),
                percent_encoding::percent_decode_str(v)
                    .decode_utf8()
                    .expect("utf-8")
                    .into_owned(),
            )
        })
        .collect()
}

const EN_TALKS: &str = r#"title: Leaders discuss the border crisis in a video call
kicker: Deep concerns
description: The two presidents spoke for two hours behind closed doors.
date: 2021-12-08T10:00:00+03:00
updated: 2021-12-08T12:30:00+03:00
lang: en
authors: [Anna Alpha, Boris Beta, Clara Gamma]
translators: [Dan Delta]
source:
  name: Example Outlet
  url: https://example.net/2021/12/07/original-story
  lang: ru
translation_of: ru/talks.md
tags: [diplomacy, sanctions]
story: Geneva summit
image:
  src: https://cdn.example.net/talks.jpg
  alt: Two presidents on a video screen
  caption: The call lasted two hours.
  credit: Photo by Agency
corrections:
  - date: 2021-12-09
    text: An earlier version misstated the call's length."#;

const EN_TALKS_BODY: &str = r#"The call began at noon, officials said.

> We have deep concerns, one aide said.

- sanctions
- troops
- gas

| Side | Hours |
|------|-------|
| A    | 2     |

The length was disputed.[^1]

![A map of the border region](https://cdn.example.net/map.png "The border region. | Credit: Example Outlet")

[^1]: According to two officials.
"#;

const RU_TALKS: &str = r#"title: Лидеры обсудили кризис на границе по видеосвязи
kicker: Глубокая обеспокоенность
description: Президенты говорили два часа за закрытыми дверями.
date: 2021-12-07T18:00:00+03:00
updated: 2021-12-09T09:00:00+03:00
lang: ru
authors: [Anna Alpha]
tags: [diplomacy]
story: Geneva summit"#;

const EN_EXPLAINER: &str = r#"title: What is at stake in Geneva
kicker: Explainer
description: Five questions about the summit.
date: 2021-12-06T09:00:00+03:00
lang: en
authors: [Boris Beta]
tags: [diplomacy]
story: Geneva summit"#;

const AR_WATER: &str = r#"title: المياه ثلاثة أيام في الأسبوع
kicker: أزمة المياه
description: جدول جديد للتقنين.
date: 2021-12-05T09:00:00+03:00
lang: ar
authors: [كريم ناصر, ليلى حداد, سامي خليل]
tags: [water]
story: Water shortages"#;

fn news_site() -> Fixture {
    let f = Fixture::new(&[
        ("content/en/talks.md", &article(EN_TALKS, EN_TALKS_BODY)),
        (
            "content/ru/talks.md",
            &article(
                RU_TALKS,
                "Эксперты назвали переговоры \"трудными\".\n\nВторой абзац.",
            ),
        ),
        (
            "content/en/explainer.md",
            &article(EN_EXPLAINER, "Five questions."),
        ),
        (
            "content/ar/water.md",
            &article(AR_WATER, "أعلنت مؤسسة المياه \"جدولاً\" جديداً."),
        ),
    ]);
    f.build_ok();
    f
}

const EN_PAGE: &str = "2021/12/08/talks/index.html";
const RU_PAGE: &str = "ru/2021/12/07/talks/index.html";
const AR_PAGE: &str = "ar/2021/12/05/water/index.html";

/// Headings never skip a level going down, and there is exactly one h1.
fn assert_headings_in_order(doc: &Html, page: &str) {
    let levels: Vec<usize> = all(doc, "h1, h2, h3, h4, h5, h6")
        .iter()
        .map(|h| h.value().name()[1..].parse().unwrap())
        .collect();
    assert_eq!(
        levels.iter().filter(|&&l| l == 1).count(),
        1,
        "{page}: one h1, got {levels:?}"
    );
    assert_eq!(
        levels.first(),
        Some(&1),
        "{page}: the h1 comes first, got {levels:?}"
    );
    for w in levels.windows(2) {
        assert!(w[1] <= w[0] + 1, "{page}: heading levels skip: {levels:?}");
    }
}

fn assert_landmarks(doc: &Html, page: &str) {
    for s in [
        "header.site-header",
        "main#main",
        "footer.site-footer",
        "nav",
    ] {
        assert!(!all(doc, s).is_empty(), "{page}: no `{s}`");
    }
    assert_eq!(all(doc, "main").len(), 1, "{page}: one main");
    let skip = one(doc, "a.skip");
    assert_eq!(attr(skip, "href"), "#main", "{page}: skip link");
    assert!(
        !attr(one(doc, "html"), "lang").is_empty(),
        "{page}: html lang"
    );
}

#[test]
fn article_page_has_all_seven_parts() {
    let f = news_site();
    let doc = f.html(EN_PAGE);

    // 1–2: kicker, headline, dek, date, "Updated".
    assert_eq!(text(one(&doc, "article .kicker")), "Deep concerns");
    assert_eq!(
        text(one(&doc, "h1")),
        "Leaders discuss the border crisis in a video call"
    );
    assert_eq!(
        text(one(&doc, ".article-header .dek")),
        "The two presidents spoke for two hours behind closed doors."
    );
    let published = one(&doc, ".dateline-day > time");
    assert_eq!(attr(published, "datetime"), "2021-12-08T10:00:00+03:00");
    assert_eq!(text(published), "December 8, 2021");
    let updated = one(&doc, ".dateline .updated");
    assert!(text(updated).starts_with("· Updated"), "{}", text(updated));
    assert_eq!(
        attr(one(&doc, ".updated time"), "datetime"),
        "2021-12-08T12:30:00+03:00"
    );

    // 3: source line naming outlet and language, linking the original outside and inside.
    let source = one(&doc, ".source");
    assert_eq!(
        text(source),
        "Source: Originally published in Russian by Example Outlet · Read the original"
    );
    let outlet = one(&doc, ".source a.source-link");
    assert_eq!(
        attr(outlet, "href"),
        "https://example.net/2021/12/07/original-story"
    );
    assert_eq!(attr(outlet, "hreflang"), "ru");
    let original = one(&doc, ".source a.original-link");
    assert_eq!(attr(original, "href"), "/ru/2021/12/07/talks/");

    // 4: share bar.
    let share = one(&doc, "section.share");
    assert_eq!(attr(share, "aria-label"), "Share this article");
    assert_eq!(text(one(&doc, ".share-title")), "Share to");
    let links = all(&doc, ".share a.share-link");
    assert_eq!(links.len(), 8, "every network but copy is a link");
    assert_eq!(attr(links[0], "aria-label"), "Share to Telegram");
    let copy = one(&doc, ".share button.share-copy");
    assert_eq!(attr(copy, "type"), "button");
    assert_eq!(
        attr(copy, "data-url"),
        "https://fixture.example/2021/12/08/talks/"
    );
    // Without JavaScript the copy button stays hidden.
    let copy_item = ElementRef::wrap(copy.parent().unwrap()).unwrap();
    assert!(copy_item.value().attr("hidden").is_some());

    // 5: body with quote, list, table, footnote and figure.
    for s in [
        ".body p",
        ".body blockquote",
        ".body ul li",
        ".body table th",
        ".body .footnote-definition",
        ".body figure img[alt]",
        ".body figure figcaption .credit",
    ] {
        assert!(!all(&doc, s).is_empty(), "body has no `{s}`");
    }

    // The lead image as a figure with caption and credit.
    let lead = one(&doc, "figure.lead-figure");
    assert_eq!(
        attr(one(&doc, "figure.lead-figure img"), "alt"),
        "Two presidents on a video screen"
    );
    assert_eq!(
        text(one(&doc, ".lead-figure .caption")),
        "The call lasted two hours."
    );
    assert_eq!(text(one(&doc, ".lead-figure .credit")), "Photo by Agency");
    assert!(lead.select(&sel("figcaption")).next().is_some());

    // 6: related reading: one label (the shared story's name, not the card's kicker) over
    // title and dek; the heading says why they are here.
    let related = one(&doc, "section.related");
    assert_eq!(text(one(&doc, "#related-heading")), "Related reading");
    let card = related
        .select(&sel(".card"))
        .find(|c| text(*c).contains("What is at stake in Geneva"))
        .expect("the explainer is related");
    let labels: Vec<String> = card.select(&sel(".kicker")).map(text).collect();
    assert_eq!(labels, ["Geneva summit"]);
    assert_eq!(
        text(card.select(&sel(".dek")).next().unwrap()),
        "Five questions about the summit."
    );
    assert_eq!(
        attr(card.select(&sel(".card-title a")).next().unwrap(), "href"),
        "/2021/12/06/explainer/"
    );

    // Corrections with their dates.
    let correction = one(&doc, ".corrections li");
    assert_eq!(
        attr(one(&doc, ".corrections li time"), "datetime"),
        "2021-12-09T00:00:00+00:00"
    );
    assert!(
        text(correction).starts_with("December 9, 2021"),
        "{}",
        text(correction)
    );
    assert!(text(correction).contains("misstated"));

    // 7: credits, names joined properly, each a link to the person's page.
    assert_eq!(
        text(one(&doc, ".story-by")),
        "Story by Anna Alpha, Boris Beta and Clara Gamma"
    );
    assert_eq!(
        attrs(&doc, ".story-by a", "href"),
        [
            "/authors/anna-alpha/",
            "/authors/boris-beta/",
            "/authors/clara-gamma/"
        ]
    );
    assert_eq!(
        text(one(&doc, ".translation-by")),
        "Translation by Dan Delta"
    );
    assert_eq!(
        attrs(&doc, ".translation-by a", "href"),
        ["/translators/dan-delta/"]
    );

    // Tags, story and outlet pages.
    assert_eq!(
        attrs(&doc, "a[rel=tag]", "href"),
        ["/tags/diplomacy/", "/tags/sanctions/"]
    );
    assert_eq!(
        attr(one(&doc, ".topic-story a"), "href"),
        "/stories/geneva-summit/"
    );
    assert_eq!(
        attr(one(&doc, ".topic-outlet a"), "href"),
        "/outlets/example-outlet/"
    );

    // Versions: every language version, this one marked.
    let versions = all(&doc, "nav.versions a");
    let hrefs: Vec<String> = versions.iter().map(|a| attr(*a, "href")).collect();
    assert_eq!(hrefs, ["/2021/12/08/talks/", "/ru/2021/12/07/talks/"]);
    assert_eq!(attr(versions[0], "aria-current"), "page");
    assert_eq!(attr(versions[1], "lang"), "ru");
    assert_eq!(attr(versions[1], "hreflang"), "ru");

    // The original was updated after this translation: a notice links to it.
    let notice = one(&doc, ".notice.stale");
    assert!(
        text(notice).contains("may be out of date"),
        "{}",
        text(notice)
    );
    assert_eq!(
        attr(one(&doc, ".notice.stale a"), "href"),
        "/ru/2021/12/07/talks/"
    );

    // Page furniture.
    assert_eq!(attr(one(&doc, "html"), "lang"), "en");
    assert_eq!(attr(one(&doc, "html"), "dir"), "ltr");
    assert_landmarks(&doc, EN_PAGE);
    assert_headings_in_order(&doc, EN_PAGE);
    assert_eq!(
        attrs(&doc, "link[rel=stylesheet]", "href"),
        ["/css/style.css"],
        "stylesheet from base_path"
    );
    let switcher = all(&doc, "nav.languages a");
    assert_eq!(switcher.len(), 3, "site language switcher lists en, ru, ar");
    for a in &switcher {
        assert!(
            !attr(*a, "lang").is_empty(),
            "language names carry their lang"
        );
    }
    // The site switcher leads to this article's version where there is one, else that home page.
    assert_eq!(
        attrs(&doc, "nav.languages a", "href"),
        ["/2021/12/08/talks/", "/ar/", "/ru/2021/12/07/talks/"]
    );
}

/// Every related card has one label over its headline: the story it shares with the page,
/// else its own kicker, else "External link" for a link to another site; never two.
#[test]
fn related_cards_have_one_label() {
    let f = Fixture::new(&[
        (
            "content/en/main.md",
            &article(
                "title: Main\nkicker: Analysis\ndate: 2021-12-08\nlang: en\nstory: Geneva summit\n\
                 related_count: 6\nrelated:\n  - same\n  - other\n  - plain\n\
                 \x20 - { title: Background, url: 'https://example.org/x', kicker: Explainer }\n\
                 \x20 - { title: Elsewhere, url: 'https://example.org/y' }",
                "Body.",
            ),
        ),
        (
            "content/en/same.md",
            &article(
                "title: Same story\nkicker: Interview\ndate: 2021-12-07\nlang: en\nstory: Geneva summit",
                "Body.",
            ),
        ),
        (
            "content/en/other.md",
            &article(
                "title: Other story\nkicker: Opinion\ndate: 2021-12-06\nlang: en\nstory: Water shortages",
                "Body.",
            ),
        ),
        (
            "content/en/plain.md",
            &article("title: Plain\ndate: 2021-12-05\nlang: en", "Body."),
        ),
    ]);
    f.build_ok();
    let doc = f.html("2021/12/08/main/index.html");
    let cards = all(&doc, ".related .card");
    let got: Vec<(String, Vec<String>)> = cards
        .iter()
        .map(|c| {
            (
                text(c.select(&sel(".card-title")).next().unwrap()),
                c.select(&sel("p.kicker")).map(text).collect(),
            )
        })
        .collect();
    let want: Vec<(String, Vec<String>)> = [
        ("Same story", vec!["Geneva summit"]),
        ("Other story", vec!["Opinion"]),
        ("Plain", vec![]),
        ("Background (opens another site)", vec!["Explainer"]),
        ("Elsewhere (opens another site)", vec!["External link"]),
    ]
    .into_iter()
    .map(|(t, l)| (t.to_string(), l.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(got, want);
    // Nothing else in a card reads as a label: no element left over from the old
    // "Read more about <story>" line.
    for c in &cards {
        assert_eq!(
            c.select(&sel("p"))
                .filter(|p| !p
                    .value()
                    .classes()
                    .any(|k| k == "kicker" || k == "dek" || k == "card-meta"))
                .count(),
            0
        );
    }
    // Cards of the home page keep their kicker (no story label there).
    let home = f.html("index.html");
    let same = all(&home, ".card")
        .into_iter()
        .find(|c| text(*c).contains("Same story"))
        .expect("the home page lists it");
    let labels: Vec<String> = same.select(&sel("p.kicker")).map(text).collect();
    assert_eq!(labels, ["Interview"]);
}

#[test]
fn the_original_has_no_stale_notice_and_names_join_in_other_languages() {
    let f = news_site();
    let doc = f.html(RU_PAGE);
    assert!(all(&doc, ".notice.stale").is_empty());
    assert!(
        all(&doc, ".source").is_empty(),
        "an original has no source line"
    );

    let ar = f.html(AR_PAGE);
    // Arabic joins with "، " and attaches "و" to the last name.
    assert_eq!(
        text(one(&ar, ".story-by")),
        "كتابة: كريم ناصر، ليلى حداد وسامي خليل"
    );
}

#[test]
fn russian_article_has_russian_labels_dates_and_quotes() {
    let f = news_site();
    let doc = f.html(RU_PAGE);
    assert_eq!(attr(one(&doc, "html"), "lang"), "ru");
    // ICU writes a narrow no-break space before "г.".
    assert_eq!(
        text(one(&doc, ".dateline-day > time")),
        "7 декабря 2021\u{202f}г."
    );
    // An update written with a time shows it, with the offset it was written in.
    assert_eq!(
        text(one(&doc, ".updated")),
        "· Обновлено 9 декабря 2021\u{202f}г., 09:00 GMT+3"
    );
    assert_eq!(text(one(&doc, ".story-by .label")), "Текст:");
    assert_eq!(text(one(&doc, ".share-title")), "Поделиться");
    assert_eq!(
        attr(one(&doc, ".share a.share-telegram"), "aria-label"),
        "Поделиться: Telegram"
    );
    assert_eq!(text(one(&doc, ".share a.share-vk")), "ВКонтакте");
    assert_eq!(text(one(&doc, "#related-heading")), "Читайте также");
    // The shared story labels the card, by its name in the reader's language.
    assert_eq!(text(one(&doc, ".related .card-story")), "Geneva summit");
    assert_eq!(text(one(&doc, ".versions .label")), "Язык:");
    assert_eq!(text(one(&doc, ".skip")), "Перейти к основному содержанию");
    let body = text(one(&doc, ".body"));
    assert!(
        body.contains("«трудными»"),
        "Russian quotes in the body: {body}"
    );
    // Cards in another language carry their own lang.
    let card_title = one(&doc, ".related .card-title");
    assert_eq!(attr(card_title, "lang"), "en");
    assert_headings_in_order(&doc, RU_PAGE);
}

#[test]
fn arabic_article_is_right_to_left_with_arabic_labels() {
    let f = news_site();
    let doc = f.html(AR_PAGE);
    let html = one(&doc, "html");
    assert_eq!(attr(html, "dir"), "rtl");
    assert_eq!(attr(html, "lang"), "ar");
    assert_eq!(text(one(&doc, ".share-title")), "شارك عبر");
    assert_eq!(text(one(&doc, ".story-by .label")), "كتابة:");
    assert_eq!(text(one(&doc, ".skip")), "انتقل إلى المحتوى");
    assert_eq!(
        attr(one(&doc, "section.share"), "aria-label"),
        "شارك هذا المقال"
    );
    // The footer's section names are Arabic too.
    let footer: Vec<String> = all(&doc, ".site-footer nav a")
        .iter()
        .map(|a| text(*a))
        .collect();
    assert!(footer.contains(&"الكتّاب".to_string()), "{footer:?}");
    assert_landmarks(&doc, AR_PAGE);
    assert_headings_in_order(&doc, AR_PAGE);
}

#[test]
fn share_links_follow_site_toml_and_encode_url_and_title() {
    let title = r#"Tom & Jerry #1: "quotes" — Привет 🎉"#;
    let site = format!(
        "{SITE_TOML}\n[share]\nnetworks = [\"telegram\", \"whatsapp\", \"email\", \"copy\"]\n"
    );
    let fm = format!(
        "title: '{}'\ndate: 2021-12-08T10:00:00+03:00\nauthors: [Anna Alpha]",
        title.replace('\'', "''")
    );
    let f = Fixture::new(&[
        ("site.toml", &site),
        ("content/en/tom.md", &article(&fm, "Body.")),
    ]);
    f.build_ok();
    let doc = f.html("2021/12/08/tom/index.html");
    // Published with the body's typography.
    let title = "Tom & Jerry #1: “quotes” — Привет 🎉";
    assert_eq!(text(one(&doc, "h1")), title);
    let url = "https://fixture.example/2021/12/08/tom/";

    let links = all(&doc, ".share a.share-link");
    let classes: Vec<String> = links.iter().map(|a| attr(*a, "class")).collect();
    assert_eq!(
        classes,
        [
            "share-link share-telegram",
            "share-link share-whatsapp",
            "share-link share-email"
        ],
        "only the networks site.toml names, in its order"
    );
    assert_eq!(all(&doc, ".share button.share-copy").len(), 1);
    for a in &links {
        let href = attr(*a, "href");
        assert!(
            !href.contains(' ') && !href.contains('"') && !href.contains('#'),
            "{href}"
        );
    }

    let telegram = attr(links[0], "href");
    assert!(
        telegram.starts_with("https://t.me/share/url?"),
        "{telegram}"
    );
    assert_eq!(
        query(&telegram),
        [("url".into(), url.into()), ("text".into(), title.into())]
    );

    let whatsapp = attr(links[1], "href");
    assert!(whatsapp.starts_with("https://wa.me/?"), "{whatsapp}");
    assert_eq!(
        query(&whatsapp),
        [("text".to_string(), format!("{title} {url}"))]
    );

    let email = attr(links[2], "href");
    assert!(email.starts_with("mailto:?"), "{email}");
    assert_eq!(
        query(&email),
        [
            ("subject".into(), title.into()),
            ("body".into(), url.into())
        ]
    );
}

#[test]
fn share_bar_can_be_turned_off() {
    let site = format!("{SITE_TOML}\n[share]\nnetworks = []\n");
    let f = Fixture::new(&[
        ("site.toml", &site),
        (
            "content/en/a.md",
            &article("title: A\ndate: 2021-12-08", "Body."),
        ),
    ]);
    f.build_ok();
    let doc = f.html("2021/12/08/a/index.html");
    assert!(all(&doc, ".share").is_empty());
    assert!(
        all(&doc, r#"script:not([type="application/ld+json"])"#).is_empty(),
        "no copy-link script without a copy button (the JSON-LD is data, not a script)"
    );
}

#[test]
fn hostile_front_matter_is_escaped_everywhere() {
    let evil = "</script><img src=x onerror=alert(1)>";
    let fm = format!(
        "title: '{evil}'\nkicker: '{evil}'\ndescription: '{evil}'\ndate: 2021-12-08\nauthors: ['{evil}']\ntags: ['{evil}']\nstory: '{evil}'"
    );
    let f = Fixture::new(&[
        ("content/en/evil.md", &article(&fm, "Body.")),
        (
            "content/en/other.md",
            &article(
                &format!("title: Other\ndate: 2021-12-07\nstory: '{evil}'"),
                "x",
            ),
        ),
    ]);
    f.build_ok();
    let mut pages = vec![
        "2021/12/08/evil/index.html".to_string(),
        "index.html".into(),
        "2021/12/07/other/index.html".into(),
    ];
    for dir in ["tags", "stories", "authors"] {
        for e in std::fs::read_dir(f.public().join(dir)).unwrap() {
            let e = e.unwrap();
            if e.path().is_dir() {
                pages.push(format!(
                    "{dir}/{}/index.html",
                    e.file_name().to_string_lossy()
                ));
            }
        }
        pages.push(format!("{dir}/index.html"));
    }
    for page in &pages {
        let doc = f.html(page);
        assert!(
            all(&doc, "img[onerror]").is_empty(),
            "{page}: an injected img element"
        );
        for s in all(&doc, "script") {
            let code: String = s.text().collect();
            assert!(
                !code.contains("<img"),
                "{page}: script holds markup: {code}"
            );
        }
    }
    let doc = f.html("2021/12/08/evil/index.html");
    assert_eq!(text(one(&doc, "h1")), evil);
    assert_eq!(text(one(&doc, "title")), format!("{evil} — Fixture"));
    assert_eq!(text(one(&doc, "article .kicker")), evil);
}

#[test]
fn russian_plurals_on_taxonomy_pages_and_pagination() {
    let site = r#"title = "Вестник"
base_url = "https://vestnik.example/"
default_language = "ru"
minify = false
paginate = 2

[languages.ru]
name = "Русский"
"#;
    let mut files: Vec<(String, String)> = vec![("site.toml".into(), site.into())];
    for i in 1..=5 {
        let tags = match i {
            1 => "[пять, два, одна]",
            2 => "[пять, два]",
            _ => "[пять]",
        };
        files.push((
            format!("content/a{i}.md"),
            article(
                &format!(
                    "title: Статья {i}\ndate: 2021-12-0{i}\ntags: {tags}\nauthors: [Иван Петров]"
                ),
                "Текст.",
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let f = Fixture::new(&refs);
    f.build_ok();

    let doc = f.html("tags/index.html");
    assert_eq!(attr(one(&doc, "html"), "lang"), "ru");
    assert_eq!(text(one(&doc, "h1")), "Теги");
    let counts: Vec<(String, String)> = all(&doc, ".terms li")
        .iter()
        .map(|li| {
            (
                text(li.select(&sel("a")).next().unwrap()),
                text(li.select(&sel(".count")).next().unwrap()),
            )
        })
        .collect();
    for (name, want) in [
        ("одна", "1 статья"),
        ("два", "2 статьи"),
        ("пять", "5 статей"),
    ] {
        assert!(
            counts.contains(&(name.to_string(), want.to_string())),
            "{name}: {want} in {counts:?}"
        );
    }
    assert_headings_in_order(&doc, "tags/index.html");

    // A term page: label, count, cards, and pagination by site.toml's `paginate`.
    let term = all(&doc, ".terms li a")
        .into_iter()
        .find(|a| text(*a) == "пять")
        .unwrap();
    let rel = attr(term, "href").trim_start_matches('/').to_string();
    let page = f.html(&format!("{rel}index.html"));
    assert_eq!(text(one(&page, ".term-header .kicker")), "Тег");
    assert_eq!(text(one(&page, ".term-count")), "5 статей");
    assert_eq!(all(&page, ".card").len(), 2);
    let next = one(&page, ".pagination a[rel=next]");
    assert_eq!(text(next), "Более ранние");
    assert_eq!(attr(next, "href"), format!("/{rel}page/2/"));
    assert_eq!(text(one(&page, ".page-of")), "Страница 1 из 3");
    assert_headings_in_order(&page, &rel);

    // The front page leads with the newest; the next pages list `paginate` articles each.
    let home = f.html("index.html");
    assert_eq!(
        text(one(&home, ".front .lead-story .card-title")),
        "Статья 5",
        "newest first"
    );
    let second = f.html("page/2/index.html");
    assert_eq!(all(&second, ".front .card").len(), 2, "home paginated");
    assert_eq!(
        attr(one(&home, ".pagination a[rel=next]"), "href"),
        "/page/2/"
    );
    assert_headings_in_order(&home, "index.html");

    let person = f.html("authors/ivan-petrov/index.html");
    assert_eq!(text(one(&person, ".kicker")), "Автор");
    assert_eq!(text(one(&person, "h1")), "Иван Петров");
}

#[test]
fn home_404_and_person_pages() {
    let f = news_site();
    let home = f.html("index.html");
    assert_landmarks(&home, "index.html");
    assert_headings_in_order(&home, "index.html");
    let cards = all(&home, ".front .card");
    assert_eq!(cards.len(), 2, "English articles only");
    // Newest first, with kicker, title, dek and credits.
    let lead = cards[0];
    assert_eq!(
        text(lead.select(&sel(".kicker")).next().unwrap()),
        "Deep concerns"
    );
    assert_eq!(
        text(lead.select(&sel(".card-title")).next().unwrap()),
        "Leaders discuss the border crisis in a video call"
    );
    assert!(lead.select(&sel(".dek")).next().is_some());
    let meta = text(lead.select(&sel(".card-meta")).next().unwrap());
    assert!(
        meta.contains("Story by Anna Alpha, Boris Beta and Clara Gamma"),
        "{meta}"
    );
    assert!(meta.contains("Translation by Dan Delta"), "{meta}");

    let ru_home = f.html("ru/index.html");
    assert_eq!(attr(one(&ru_home, "html"), "lang"), "ru");
    assert_eq!(attr(one(&ru_home, ".site-name"), "href"), "/ru/");
    assert_eq!(
        attr(one(&ru_home, "nav.languages a[aria-current]"), "lang"),
        "ru"
    );

    let nf = f.html("404.html");
    assert_landmarks(&nf, "404.html");
    assert_headings_in_order(&nf, "404.html");
    assert_eq!(text(one(&nf, "h1")), "Page not found");
    assert_eq!(attr(one(&nf, ".not-found a.button"), "href"), "/");
    // The other languages get their own way home.
    let ru = all(&nf, ".not-found-languages li")
        .into_iter()
        .find(|li| attr(*li, "lang") == "ru")
        .unwrap();
    assert_eq!(text(ru.select(&sel("a")).next().unwrap()), "На главную");

    let person = f.html("authors/anna-alpha/index.html");
    assert_landmarks(&person, "person");
    assert_headings_in_order(&person, "person");
    assert_eq!(text(one(&person, ".term-header .kicker")), "Author");
    assert_eq!(text(one(&person, ".term-count")), "2 articles");
    let langs: Vec<String> = all(&person, ".card .card-title")
        .iter()
        .map(|a| attr(*a, "lang"))
        .collect();
    assert!(
        langs.contains(&"ru".to_string()),
        "the Russian article's card is marked: {langs:?}"
    );

    let outlet = f.html("outlets/example-outlet/index.html");
    assert_eq!(text(one(&outlet, "h1")), "Example Outlet");
    assert_eq!(text(one(&outlet, ".term-count")), "1 article");

    let story = f.html("stories/geneva-summit/index.html");
    assert_eq!(text(one(&story, ".term-header .kicker")), "Story");
    assert_eq!(text(one(&story, ".term-count")), "3 articles");
}

#[test]
fn a_site_under_a_sub_path_links_within_it() {
    let site = SITE_TOML.replace("https://fixture.example/", "https://fixture.example/news/");
    let f = Fixture::new(&[
        ("site.toml", &site),
        (
            "content/en/a.md",
            &article(
                "title: A\ndate: 2021-12-08\nauthors: [Anna Alpha]\ntags: [x]",
                "Body.",
            ),
        ),
        (
            "content/ru/a.md",
            &article(
                "title: Б\ndate: 2021-12-08\nlang: ru\nauthors: [Anna Alpha]",
                "Текст.",
            ),
        ),
    ]);
    f.build_ok();
    for page in [
        "2021/12/08/a/index.html",
        "index.html",
        "404.html",
        "tags/x/index.html",
        "ru/index.html",
    ] {
        let doc = f.html(page);
        assert_eq!(
            attrs(&doc, "link[rel=stylesheet]", "href"),
            ["/news/css/style.css"],
            "{page}"
        );
        for href in attrs(&doc, "a[href]", "href") {
            assert!(
                href.starts_with("/news/")
                    || href.starts_with("https://")
                    || href.starts_with('#')
                    || href.starts_with("mailto:"),
                "{page}: {href} leaves /news/"
            );
        }
    }
    let doc = f.html("ru/index.html");
    assert_eq!(attr(one(&doc, ".site-name"), "href"), "/news/ru/");
}

#[test]
fn a_site_changes_ui_strings_key_by_key_without_a_copy_of_the_theme() {
    let f = news_site();
    f.write("i18n/en.toml", "story_by = \"Reporting by\"\n");
    f.write("i18n/ru.toml", "[articles]\none = \"{n} материал\"\nfew = \"{n} материала\"\nmany = \"{n} материалов\"\nother = \"{n} материала\"\n");
    f.build_ok();
    let doc = f.html(EN_PAGE);
    assert_eq!(text(one(&doc, ".story-by .label")), "Reporting by");
    // Every other string still comes from the theme.
    assert_eq!(text(one(&doc, ".share-title")), "Share to");
    let ru = f.html(RU_PAGE);
    assert_eq!(text(one(&ru, ".story-by .label")), "Текст:");
}

#[test]
fn a_missing_ui_string_names_the_files_looked_in() {
    let f = news_site();
    f.write("i18n/de.toml", "story_by = \"Von\"\n");
    f.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}{{ \"no_such_key\" | t(lang=lang) }}{% endblock main %}",
    );
    let out = f.run(&["build"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no UI string `no_such_key`"), "{err}");
    assert!(err.contains("themes/default/i18n/en.toml"), "{err}");
    assert!(err.contains("i18n/de.toml"), "{err}");
    assert!(err.contains("templates/404.html"), "{err}");
}

#[test]
fn theme_eject_copies_files_the_site_then_overrides_and_never_overwrites() {
    let f = news_site();
    f.build_ok();
    let before = snapshot(&f.public());
    // Ejecting everything changes nothing in the output: the copies are the theme's files.
    let out = f.run(&["theme", "eject"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "templates/article.html",
        "templates/partials/card.html",
        "static/css/style.css",
        "i18n/ru.toml",
    ] {
        assert!(f.root().join(file).is_file(), "{file}");
    }
    f.build_ok();
    assert_eq!(snapshot(&f.public()), before);
    // A copy the site edits wins.
    let path = f.root().join("templates/article.html");
    std::fs::remove_file(&path).unwrap();
    let out = f.run(&["theme", "eject", "article.html"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let edited = std::fs::read_to_string(&path).unwrap().replace(
        "<article class=\"article\"",
        "<article class=\"article edited-by-site\"",
    );
    std::fs::write(&path, edited).unwrap();
    f.build_ok();
    assert_eq!(all(&f.html(EN_PAGE), "article.edited-by-site").len(), 1);
    // Never overwritten; unknown names get the nearest.
    let again = f.run(&["theme", "eject", "article.html"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
    let unknown = f.run(&["theme", "eject", "artcle.html"]);
    assert_eq!(unknown.status.code(), Some(2));
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        err.contains("did you mean `templates/article.html`"),
        "{err}"
    );
}

/// docs/web-fonts: a site's `templates/partials/head.html` adds its stylesheet after the theme's
/// and preloads the headline's face in the page's script; the stylesheet's fonts are published
/// where its `url()`s point. Without that partial the head has the theme's stylesheet only.
#[test]
fn a_site_adds_web_fonts_through_the_head_partial() {
    let head = include_str!("../docs/web-fonts/head.html");
    let css = include_str!("../docs/web-fonts/fonts.css");
    let mut files: Vec<(String, String)> = vec![
        ("templates/partials/head.html".into(), head.into()),
        ("static/css/fonts.css".into(), css.into()),
        (
            "content/en/a.md".into(),
            article("title: A\ndate: 2021-12-08\nlang: en", "Text."),
        ),
        (
            "content/ru/a.md".into(),
            article("title: А\ndate: 2021-12-08\nlang: ru", "Текст."),
        ),
        (
            "content/ar/a.md".into(),
            article("title: أ\ndate: 2021-12-08\nlang: ar", "نص."),
        ),
    ];
    for face in [
        "serif-latin",
        "serif-cyrillic",
        "serif-latin-italic",
        "serif-cyrillic-italic",
        "sans-latin",
        "sans-cyrillic",
        "naskh-arabic",
    ] {
        // Stand-ins: static files are published as they are.
        files.push((format!("static/fonts/{face}.woff2"), format!("wOF2 {face}")));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let f = Fixture::new(&refs);
    f.build_ok();
    for (page, face) in [
        ("2021/12/08/a/index.html", "serif-latin"),
        ("ru/2021/12/08/a/index.html", "serif-cyrillic"),
        ("ar/2021/12/08/a/index.html", "naskh-arabic"),
    ] {
        let doc = f.html(page);
        let sheets: Vec<String> = all(&doc, "head link[rel=stylesheet]")
            .into_iter()
            .map(|l| attr(l, "href"))
            .collect();
        assert_eq!(sheets, ["/css/style.css", "/css/fonts.css"], "{page}");
        let preload = one(&doc, "head link[rel=preload]");
        assert_eq!(
            attr(preload, "href"),
            format!("/fonts/{face}.woff2"),
            "{page}"
        );
        assert_eq!(attr(preload, "as"), "font");
        assert_eq!(attr(preload, "type"), "font/woff2");
        assert!(preload.value().attr("crossorigin").is_some(), "{page}");
    }
    // Every url() of the published stylesheet names a published font.
    let published = f.read("css/fonts.css");
    let urls: Vec<&str> = published
        .split("url(")
        .skip(1)
        .map(|s| s.split(')').next().unwrap().trim_matches(['"', '\'']))
        .collect();
    assert_eq!(urls.len(), 7, "{published}");
    for u in urls {
        let rel = u.trim_start_matches("../");
        assert!(f.public().join(rel).is_file(), "{u} in fonts.css");
    }
    assert!(published.contains("font-display: swap") || published.contains("font-display:swap"));

    // The theme's own partial adds nothing.
    let plain = Fixture::new(&[(
        "content/en/a.md",
        &article("title: A\ndate: 2021-12-08\nlang: en", "Text."),
    )]);
    plain.build_ok();
    let doc = plain.html("2021/12/08/a/index.html");
    assert_eq!(all(&doc, "head link[rel=stylesheet]").len(), 1);
    assert!(all(&doc, "head link[rel=preload]").is_empty());
}
