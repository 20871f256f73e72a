//! The dev server's incremental engine, in process: for each kind of edit, which path it takes
//! (the fast content path or a model rebuild) and exactly which outputs it produces again —
//! and that the served folder then equals a clean `gen build` of the same files, byte for byte.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Once;

use gensite::build::{BuildOptions, build};
use gensite::config::Overrides;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use gensite::serve::incremental::{Changes, Engine, Stats};

/// Builds here are dated by `SOURCE_DATE_EPOCH` (the news sitemap names the time). Every test
/// sets it through this one `Once` before anything reads the environment.
fn fixed_clock() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: every test calls this first, and `Once` makes the others wait until it is
        // set, so no thread reads the environment while it is written.
        unsafe { std::env::set_var("SOURCE_DATE_EPOCH", "1735689600") };
    });
}

const SITE_TOML: &str = r#"title = "Engine fixture"
base_url = "https://engine.example/"
default_language = "en"
paginate = 10

[languages.en]
name = "English"

[languages.ru]
name = "Русский"

[related]
count = 0
"#;

fn article(fm: &str, body: &str) -> String {
    format!("---\n{fm}\n---\n{body}\n")
}

struct Fixture {
    dir: tempfile::TempDir,
    engine: Engine,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture::with_config(SITE_TOML)
    }

    fn with_config(site_toml: &str) -> Fixture {
        fixed_clock();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let files: &[(&str, String)] = &[
            ("site.toml", site_toml.to_string()),
            (
                "content/en/dams.md",
                article(
                    "title: Dams on the river\ndate: 2024-03-01T10:00:00Z\nauthors: [Ann Writer]\ntags: [water]\nstory: Dam inquiry",
                    "First paragraph about dams.\n\nSecond paragraph, deeper in the body.",
                ),
            ),
            (
                "content/en/budget.md",
                article(
                    "title: City budget\ndate: 2024-02-01T10:00:00Z\nauthors: [Bob Reporter]\ntags: [money]",
                    "The budget grew.\n\nMore on the budget.",
                ),
            ),
            (
                "content/ru/dams.md",
                article(
                    "title: Плотины на реке\ndate: 2024-03-02T10:00:00Z\nauthors: [Ann Writer]\ntranslators: [Ivan Translator]\nsource:\n  name: Engine Daily\n  url: https://daily.example/dams\n  lang: en\ntranslation_of: en/dams.md\ntags: [water]",
                    "Первый абзац о плотинах.\n\nВторой абзац.",
                ),
            ),
            (
                "static/style-extra.css",
                "body { color: black }\n".to_string(),
            ),
        ];
        for (rel, text) in files {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let out = dir.path().join("served");
        std::fs::create_dir_all(&out).unwrap();
        let engine = Engine::new(&root, Overrides::default(), None, &out);
        let mut f = Fixture { dir, engine };
        let stats = f.apply(Changes::default());
        assert!(!stats.fast);
        f.assert_equals_clean_build();
        f
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn replace(&self, rel: &str, from: &str, to: &str) -> PathBuf {
        let p = self.root().join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replacen(from, to, 1))
    }

    /// Runs one rebuild, and the follow-up that computes related reading when asked.
    fn apply(&mut self, ch: Changes) -> Stats {
        let update = self
            .engine
            .prepare(&ch)
            .unwrap_or_else(|e| panic!("{e:#?}"));
        let (_, stats) = self.engine.commit(update).unwrap();
        self.settle();
        stats
    }

    /// Runs the follow-up builds (related reading, search index, photo encodes) until none is
    /// left.
    fn settle(&mut self) {
        while self.engine.unsettled() {
            let settle = Changes {
                settle: true,
                ..Changes::default()
            };
            let update = self.engine.prepare(&settle).unwrap();
            self.engine.commit(update).unwrap();
        }
    }

    fn edit_content(&mut self, path: PathBuf) -> Stats {
        self.apply(Changes {
            content: BTreeSet::from([path]),
            ..Changes::default()
        })
    }

    fn assert_equals_clean_build(&self) {
        self.assert_equals_clean_build_at(None);
    }

    /// The same, the clean build deciding against `now` (else SOURCE_DATE_EPOCH).
    fn assert_equals_clean_build_at(&self, now: Option<jiff::Timestamp>) {
        let clean = self.dir.path().join("clean");
        build(&BuildOptions {
            root: self.root(),
            overrides: Overrides {
                output_dir: Some(clean.clone()),
                now,
                ..Overrides::default()
            },
            clean: true,
            force: true,
            deny_warnings: false,
            incremental: false,
        })
        .unwrap();
        let served = tree(&self.dir.path().join("served"));
        let mut built = tree(&clean);
        // gen's marker of a folder it wrote, which the dev server's private folder has no need of.
        built.remove(".gen-output");
        let only_served: Vec<_> = served.keys().filter(|k| !built.contains_key(*k)).collect();
        let only_built: Vec<_> = built.keys().filter(|k| !served.contains_key(*k)).collect();
        let differ: Vec<_> = served
            .iter()
            .filter(|(k, v)| built.get(*k).is_some_and(|b| b != *v))
            .map(|(k, _)| k)
            .collect();
        assert!(
            only_served.is_empty() && only_built.is_empty() && differ.is_empty(),
            "served folder differs from a clean build: only served {only_served:?}, only built \
             {only_built:?}, different {differ:?}"
        );
    }
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn set(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn produced(stats: &Stats) -> BTreeSet<String> {
    stats.produced.iter().cloned().collect()
}

const DAMS: &str = "2024/03/01/dams/index.html";
const DAMS_RU: &str = "ru/2024/03/02/dams/index.html";

#[test]
fn a_body_edit_renders_the_article_and_nothing_that_does_not_show_its_body() {
    let mut f = Fixture::new();
    let p = f.replace(
        "content/en/dams.md",
        "Second paragraph, deeper",
        "Second paragraph, rewritten and deeper",
    );
    let stats = f.edit_content(p);
    assert!(stats.fast, "a body edit takes the fast path");
    // Cards (home, tag, story, author pages, the Russian version's page) show the first
    // paragraph, not the second; feeds carry summaries here.
    assert_eq!(produced(&stats), set(&[DAMS]));
    f.assert_equals_clean_build();
}

#[test]
fn a_first_paragraph_edit_renders_what_shows_the_card() {
    let mut f = Fixture::new();
    let p = f.replace(
        "content/en/dams.md",
        "First paragraph about dams.",
        "First paragraph about the dams.",
    );
    let stats = f.edit_content(p);
    assert!(stats.fast);
    let got = produced(&stats);
    for want in [
        DAMS,
        // The Russian version lists its language versions by title only: not produced.
        "index.html",
        "tags/water/index.html",
        "stories/dam-inquiry/index.html",
        "authors/ann-writer/index.html",
        "rss.xml",
        "atom.xml",
        "feed.json",
        "all/rss.xml",
        "tags/water/rss.xml",
    ] {
        assert!(got.contains(want), "{want} not produced: {got:?}");
    }
    for not in [
        DAMS_RU,
        "2024/02/01/budget/index.html",
        "tags/money/index.html",
        "ru/index.html",
        "ru/rss.xml",
        "sitemap.xml",
        "tags/index.html",
    ] {
        assert!(!got.contains(not), "{not} produced: {got:?}");
    }
    f.assert_equals_clean_build();
}

#[test]
fn a_title_edit_reaches_the_other_language_version() {
    let mut f = Fixture::new();
    let p = f.replace(
        "content/en/dams.md",
        "title: Dams on the river",
        "title: Dams on the wide river",
    );
    let stats = f.edit_content(p);
    assert!(stats.fast);
    let got = produced(&stats);
    assert!(got.contains(DAMS_RU), "{got:?}");
    assert!(got.contains("news-sitemap.xml") || !got.contains("sitemap.xml"));
    assert!(!got.contains("2024/02/01/budget/index.html"), "{got:?}");
    f.assert_equals_clean_build();
}

#[test]
fn a_tags_edit_rebuilds_the_model_and_removes_the_empty_tag() {
    let mut f = Fixture::new();
    let p = f.replace("content/en/budget.md", "tags: [money]", "tags: [water]");
    let stats = f.edit_content(p);
    assert!(!stats.fast, "tags are structural");
    let got = produced(&stats);
    assert!(got.contains("tags/water/index.html"), "{got:?}");
    assert!(got.contains("tags/index.html"), "{got:?}");
    assert!(got.contains("sitemap.xml"), "{got:?}");
    assert!(
        !got.contains(DAMS),
        "the dams page shows neither the budget article nor the tag list: {got:?}"
    );
    assert!(!f.dir.path().join("served/tags/money/index.html").exists());
    f.assert_equals_clean_build();
}

#[test]
fn translation_fields_rebuild_the_model_and_both_versions() {
    let mut f = Fixture::new();
    // The Russian article stops being a translation: both pages lose their version links.
    let p = f.replace("content/ru/dams.md", "translation_of: en/dams.md\n", "");
    let stats = f.edit_content(p);
    assert!(!stats.fast);
    let got = produced(&stats);
    assert!(got.contains(DAMS) && got.contains(DAMS_RU), "{got:?}");
    assert!(
        got.contains("sitemap.xml"),
        "hreflang clusters changed: {got:?}"
    );
    f.assert_equals_clean_build();
    // And back, by translation_key this time.
    f.replace(
        "content/en/dams.md",
        "story: Dam inquiry",
        "story: Dam inquiry\ntranslation_key: dams-2024",
    );
    let p = f.replace(
        "content/ru/dams.md",
        "tags: [water]",
        "tags: [water]\ntranslation_key: dams-2024",
    );
    let mut ch = Changes::default();
    ch.content.insert(p);
    ch.content.insert(f.root().join("content/en/dams.md"));
    let stats = f.apply(ch);
    assert!(!stats.fast);
    assert!(produced(&stats).contains(DAMS_RU));
    f.assert_equals_clean_build();
}

#[test]
fn a_static_file_edit_copies_only_that_file() {
    let mut f = Fixture::new();
    let p = f.write("static/style-extra.css", "body { color: navy }\n");
    let stats = f.apply(Changes {
        statics: true,
        files: BTreeSet::from([p]),
        ..Changes::default()
    });
    assert_eq!(produced(&stats), set(&["style-extra.css"]));
    f.assert_equals_clean_build();
}

#[test]
fn a_template_edit_renders_every_page() {
    let mut f = Fixture::new();
    f.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Not here</h1>{% endblock main %}",
    );
    let stats = f.apply(Changes {
        theme: true,
        ..Changes::default()
    });
    assert_eq!(stats.rendered, stats.pages, "every page rendered");
    f.assert_equals_clean_build();
}

#[test]
fn a_people_edit_rebuilds_the_model() {
    let mut f = Fixture::new();
    f.write(
        "content/people.yaml",
        "- name: Ann Writer\n  names:\n    ru: Анна Райтер\n  bio: Covers rivers.\n",
    );
    let stats = f.apply(Changes {
        people: true,
        ..Changes::default()
    });
    assert!(!stats.fast);
    let got = produced(&stats);
    assert!(got.contains("authors/ann-writer/index.html"), "{got:?}");
    assert!(
        got.contains(DAMS_RU),
        "the Russian page names her in Russian: {got:?}"
    );
    assert!(!got.contains("2024/02/01/budget/index.html"), "{got:?}");
    f.assert_equals_clean_build();
}

#[test]
fn adding_and_removing_an_article_in_each_language() {
    let mut f = Fixture::new();
    for (rel, fm) in [
        (
            "content/en/new.md",
            "title: New one\ndate: 2024-04-01T10:00:00Z\ntags: [water]",
        ),
        (
            "content/ru/new.md",
            "title: Новая\ndate: 2024-04-02T10:00:00Z\ntags: [water]",
        ),
    ] {
        let p = f.write(rel, &article(fm, "Text."));
        let stats = f.edit_content(p.clone());
        assert!(!stats.fast);
        f.assert_equals_clean_build();
        std::fs::remove_file(&p).unwrap();
        let stats = f.apply(Changes {
            rediscover: true,
            content: BTreeSet::from([p]),
            ..Changes::default()
        });
        assert!(!stats.fast);
        f.assert_equals_clean_build();
    }
}

#[test]
fn a_body_edit_naming_a_missing_site_file_is_an_error_not_a_fast_publish() {
    let mut f = Fixture::new();
    let p = f.replace(
        "content/en/dams.md",
        "Second paragraph, deeper in the body.",
        "Second paragraph.\n\n![A map of the river](/maps/river.png)",
    );
    let err = f
        .engine
        .prepare(&Changes {
            content: BTreeSet::from([p]),
            ..Changes::default()
        })
        .err()
        .expect("a missing /path image is an error");
    assert!(
        err.iter()
            .any(|d| d.message.contains("missing image `/maps/river.png`")),
        "{err:#?}"
    );
    // Once the file exists, the edit is published and equals a clean build.
    let png = f.root().join("static/maps/river.png");
    std::fs::create_dir_all(png.parent().unwrap()).unwrap();
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(40, 30, image::Rgb([20, 90, 160]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    std::fs::write(&png, bytes).unwrap();
    let stats = f.apply(Changes {
        statics: true,
        files: BTreeSet::from([png]),
        ..Changes::default()
    });
    assert!(!stats.fast);
    f.assert_equals_clean_build();
}

/// The search index reads every article: a body edit serves the page first, and the follow-up
/// build makes the index; the served folder then equals a clean build.
#[test]
fn a_body_edit_serves_the_page_before_the_search_index() {
    let mut f = Fixture::new();
    let p = f.replace(
        "content/en/dams.md",
        "Second paragraph, deeper",
        "Second paragraph, about sluices and deeper",
    );
    let update = f
        .engine
        .prepare(&Changes {
            content: BTreeSet::from([p]),
            ..Changes::default()
        })
        .unwrap();
    let (_, first) = f.engine.commit(update).unwrap();
    assert_eq!(produced(&first), set(&[DAMS]));
    assert!(f.engine.unsettled(), "the index is left to a follow-up");
    let update = f
        .engine
        .prepare(&Changes {
            settle: true,
            ..Changes::default()
        })
        .unwrap();
    let (_, second) = f.engine.commit(update).unwrap();
    assert_eq!(produced(&second), set(&["search-index/meta.json"]));
    assert!(!f.engine.unsettled());
    f.assert_equals_clean_build();
}

/// A photo not in the image cache yet: the page that shows it is served first (its `<img>`
/// already names the variants), and the follow-up build encodes them; a second edit of the
/// article finds them in the cache and serves page and pictures in one build.
#[test]
fn a_new_photo_is_encoded_after_its_page_is_served() {
    let mut f = Fixture::new();
    let img = image::RgbImage::from_fn(900, 600, |x, y| {
        image::Rgb([(x / 4) as u8, (y / 3) as u8, ((x + y) / 6) as u8])
    });
    let mut jpg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, 80)
        .encode_image(&img)
        .unwrap();
    let bundle = f.root().join("content/en/flood");
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::write(bundle.join("lead.jpg"), &jpg).unwrap();
    let p = f.write(
        "content/en/flood/index.md",
        &article(
            "title: Flood\ndate: 2024-04-01T10:00:00Z\ntags: [water]\nimage: { src: lead.jpg, alt: A flooded street }",
            "Water in the streets.",
        ),
    );
    let update = f
        .engine
        .prepare(&Changes {
            content: BTreeSet::from([p.clone()]),
            ..Changes::default()
        })
        .unwrap();
    let (_, first) = f.engine.commit(update).unwrap();
    let page = "2024/04/01/flood/index.html";
    assert!(produced(&first).contains(page), "{:?}", produced(&first));
    assert!(
        !produced(&first).iter().any(|p| p.ends_with(".webp")),
        "no variant is encoded before the page is served: {:?}",
        produced(&first)
    );
    assert!(f.engine.unsettled(), "the variants are left to a follow-up");
    let served = f.dir.path().join("served");
    let html = std::fs::read_to_string(served.join(page)).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("article img[srcset]").unwrap();
    let srcset = doc
        .select(&sel)
        .next()
        .expect("the lead image is on the page")
        .value()
        .attr("srcset")
        .unwrap()
        .to_string();
    f.settle();
    for candidate in srcset.split(", ") {
        let url = candidate.split(' ').next().unwrap();
        assert!(
            served.join(url.trim_start_matches('/')).is_file(),
            "{url} exists after the follow-up"
        );
    }
    f.assert_equals_clean_build();
    // Cached now: a headline edit serves the page with nothing held back.
    let p = f.replace(
        "content/en/flood/index.md",
        "title: Flood",
        "title: Flood waters",
    );
    let update = f
        .engine
        .prepare(&Changes {
            content: BTreeSet::from([p]),
            ..Changes::default()
        })
        .unwrap();
    let (_, third) = f.engine.commit(update).unwrap();
    assert!(produced(&third).contains(page));
    f.settle();
    f.assert_equals_clean_build();
}

/// A static image a template shows through `image()`: editing the file gives every page that
/// calls it the new variants' names, the old variants go, and the served folder equals a clean
/// build.
#[test]
fn a_static_image_a_template_shows_is_picked_up_when_edited() {
    let mut f = Fixture::new();
    let photo = |shade: u8| {
        let img = image::RgbImage::from_fn(1000, 400, |x, y| {
            image::Rgb([(x / 4) as u8, shade, (y / 2) as u8])
        });
        let mut jpg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, 80)
            .encode_image(&img)
            .unwrap();
        jpg
    };
    let path = f.root().join("static/images/masthead.jpg");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, photo(10)).unwrap();
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap()
    .replacen(
        "</header>",
        "{% set m = image(path=\"images/masthead.jpg\") %}<img class=\"masthead\" src=\"{{ m.src }}\" srcset=\"{{ m.srcset }}\" width=\"{{ m.width }}\" height=\"{{ m.height }}\" alt=\"\"></header>",
        1,
    );
    f.write("templates/base.html", &base);
    f.apply(Changes {
        theme: true,
        statics: true,
        files: BTreeSet::from([path.clone()]),
        ..Changes::default()
    });
    f.assert_equals_clean_build();
    let served = f.dir.path().join("served");
    let src_of = |page: &str| {
        let html = std::fs::read_to_string(served.join(page)).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("img.masthead").unwrap();
        let el = doc.select(&sel).next().expect("the masthead");
        el.value().attr("src").unwrap().to_string()
    };
    let before = src_of(DAMS);
    assert!(served.join(before.trim_start_matches('/')).is_file());
    assert!(!served.join("images/masthead.jpg").exists(), "no original");

    std::fs::write(&path, photo(200)).unwrap();
    let stats = f.apply(Changes {
        statics: true,
        files: BTreeSet::from([path.clone()]),
        ..Changes::default()
    });
    assert_eq!(stats.rendered, stats.pages, "every page shows the masthead");
    let after = src_of(DAMS);
    assert_ne!(after, before, "new bytes, new variant names");
    assert_eq!(src_of("index.html"), after);
    assert!(served.join(after.trim_start_matches('/')).is_file());
    assert!(
        !served.join(before.trim_start_matches('/')).exists(),
        "old variants removed"
    );
    f.assert_equals_clean_build();
}

#[test]
fn a_pin_moves_the_lead_and_terms_yaml_renames_a_story_everywhere() {
    let mut f = Fixture::new();
    // `home: lead` on the older article: the English front page changes, nothing else of it.
    let p = f.replace(
        "content/en/budget.md",
        "tags: [money]",
        "tags: [money]\nhome: lead",
    );
    let stats = f.edit_content(p);
    let got = produced(&stats);
    assert!(got.contains("index.html"), "{got:?}");
    assert!(!got.contains("ru/index.html"), "{got:?}");
    f.assert_equals_clean_build();
    // terms.yaml names the story in Russian: the Russian pages that show it follow.
    f.write(
        "content/terms.yaml",
        "stories:\n  - name: Dam inquiry\n    names: { ru: Расследование о плотине }\n",
    );
    let stats = f.apply(Changes {
        people: true,
        ..Changes::default()
    });
    let got = produced(&stats);
    assert!(got.contains("ru/stories/dam-inquiry/index.html"), "{got:?}");
    assert!(got.contains("ru/stories/index.html"), "{got:?}");
    f.assert_equals_clean_build();
}

/// The headline link of the lead on a served front page.
fn lead_href(f: &Fixture, page: &str) -> String {
    let html = std::fs::read_to_string(f.dir.path().join("served").join(page)).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse(".lead-story .card-title a").unwrap();
    let a = doc.select(&sel).next().expect("a lead");
    a.value().attr("href").unwrap().to_string()
}

#[test]
fn a_pin_expiring_during_the_session_re_renders_only_that_front_page() {
    let mut f = Fixture::new();
    // SOURCE_DATE_EPOCH is 2025-01-01T00:00:00Z: the pin holds for six more hours.
    let p = f.replace(
        "content/en/budget.md",
        "tags: [money]",
        "tags: [money]\nhome: { pin: lead, until: 2025-01-01T06:00:00Z }",
    );
    f.edit_content(p);
    assert_eq!(lead_href(&f, "index.html"), "/2024/02/01/budget/");
    let ends: jiff::Timestamp = "2025-01-01T06:00:00.000000001Z".parse().unwrap();
    // The server's timer is armed for the first instant the pin no longer holds.
    assert_eq!(f.engine.next_pin_expiry(), Some(ends));

    // The timer fired early (it waits at most a day at a time): nothing changes.
    let early: jiff::Timestamp = "2025-01-01T05:59:59Z".parse().unwrap();
    let stats = f.apply(Changes {
        now: Some(early),
        ..Changes::default()
    });
    assert!(produced(&stats).is_empty(), "{:?}", produced(&stats));
    assert_eq!(f.engine.next_pin_expiry(), Some(ends));

    // Its time passed: the English front page, and nothing else, is made again, with the
    // newest article leading; no pin is left to wait for.
    let later: jiff::Timestamp = "2025-01-01T06:00:01Z".parse().unwrap();
    let stats = f.apply(Changes {
        now: Some(later),
        ..Changes::default()
    });
    // The model is kept (only its clock moves); every output's signature is looked at.
    assert!(stats.fast);
    assert_eq!(produced(&stats), set(&["index.html"]));
    assert_eq!(lead_href(&f, "index.html"), "/2024/03/01/dams/");
    assert_eq!(f.engine.next_pin_expiry(), None);
    // What `gen build` decides at that time.
    f.assert_equals_clean_build_at(Some(later));

    // A date without a time holds to the end of that day.
    let p = f.replace(
        "content/en/budget.md",
        "until: 2025-01-01T06:00:00Z",
        "until: 2025-01-02",
    );
    f.edit_content(p);
    assert_eq!(lead_href(&f, "index.html"), "/2024/02/01/budget/");
    assert_eq!(
        f.engine.next_pin_expiry(),
        Some("2025-01-03T00:00:00Z".parse().unwrap())
    );
    f.assert_equals_clean_build_at(Some(later));
}

/// Runs the pending follow-up build with a stop hook that stands in for the server's "a change
/// is waiting" flag: from its `at`-th question on, it saves `file` with `from` replaced by `to`
/// (once) and answers "stop". Returns whether the follow-up ran to its end, and the saved file
/// (none when the follow-up asked fewer than `at` times).
fn follow_up_stopped_at(
    f: &mut Fixture,
    at: usize,
    file: &str,
    from: &str,
    to: &str,
) -> (bool, Option<PathBuf>) {
    let asked = AtomicUsize::new(0);
    let edited: Mutex<Option<PathBuf>> = Mutex::new(None);
    let source = f.root().join(file);
    let hook = || {
        if asked.fetch_add(1, Ordering::SeqCst) + 1 < at {
            return false;
        }
        let mut edited = edited.lock().unwrap();
        if edited.is_none() {
            let text = std::fs::read_to_string(&source).unwrap();
            std::fs::write(&source, text.replacen(from, to, 1)).unwrap();
            *edited = Some(source.clone());
        }
        true
    };
    let settle = Changes {
        settle: true,
        ..Changes::default()
    };
    let outcome = f.engine.prepare_until(&settle, &hook).unwrap();
    (outcome.is_some(), edited.into_inner().unwrap())
}

/// Links of a served page's related-reading section.
fn related_links(served: &Path, page: &str) -> Vec<String> {
    let html = std::fs::read_to_string(served.join(page)).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("section.related a[href]").unwrap();
    doc.select(&sel)
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect()
}

/// A change that arrives while the follow-up build computes related reading stops it at its
/// next checkpoint, whichever that is (in the ranking, the keys, the signatures or the
/// outputs made): the follow-up changes nothing, the change is built and served with the lists
/// served before, and the follow-up, run again afterwards, leaves the folder equal to a clean
/// build. The hook stands in for the server's "a change is waiting" flag: at its `at`-th
/// question it saves a headline edit and answers `true` from then on.
#[test]
fn a_change_during_the_follow_up_is_served_first() {
    let config = SITE_TOML.replace("[related]\ncount = 0", "[related]\ncount = 2");
    let budget = "2024/02/01/budget/index.html";
    let mut at = 1;
    loop {
        let mut f = Fixture::with_config(&config);
        for (rel, fm, body) in [
            (
                "content/en/sluice.md",
                "title: Sluice gates opened\ndate: 2024-01-10T10:00:00Z\ntags: [water]",
                "The sluice gates on the dam opened.",
            ),
            (
                "content/en/tax.md",
                "title: Tax rise\ndate: 2024-01-05T10:00:00Z\ntags: [money]",
                "The city budget needs a tax rise.",
            ),
            (
                "content/en/river.md",
                "title: River levels\ndate: 2024-01-20T10:00:00Z\ntags: [water]",
                "The river rose behind the dam.",
            ),
        ] {
            f.write(rel, &article(fm, body));
        }
        f.apply(Changes {
            rediscover: true,
            ..Changes::default()
        });
        f.assert_equals_clean_build();
        let served = f.dir.path().join("served");
        let before = related_links(&served, budget);
        assert!(!before.is_empty(), "the budget story has related reading");

        // Retagged: its related reading moves, and is left to a follow-up.
        let p = f.replace(
            "content/en/budget.md",
            "tags: [money]",
            "tags: [water]\nstory: Dam inquiry",
        );
        let update = f
            .engine
            .prepare(&Changes {
                content: BTreeSet::from([p]),
                ..Changes::default()
            })
            .unwrap();
        f.engine.commit(update).unwrap();
        assert!(f.engine.unsettled());
        assert_eq!(
            related_links(&served, budget),
            before,
            "served with the old lists"
        );

        // The retagged story's own headline: its page is made again, with the lists served.
        let (finished, edited) = follow_up_stopped_at(
            &mut f,
            at,
            "content/en/budget.md",
            "title: City budget",
            "title: City budget, revised",
        );
        let Some(p) = edited else {
            // Fewer checkpoints than `at`: the follow-up ran to its end; every stop was tried.
            assert!(finished);
            assert!(at > 8, "the follow-up has checkpoints");
            break;
        };
        assert!(!finished, "stopped at checkpoint {at}");
        assert!(
            f.engine.unsettled(),
            "still to follow up after a stop at {at}"
        );

        // The change is built from the state before the follow-up, without computing it.
        let update = f
            .engine
            .prepare(&Changes {
                content: BTreeSet::from([p]),
                ..Changes::default()
            })
            .unwrap();
        let (_, stats) = f.engine.commit(update).unwrap();
        assert!(
            stats.fast,
            "a headline edit takes the fast path (stop at {at})"
        );
        assert!(produced(&stats).contains(budget));
        let html = std::fs::read_to_string(served.join(budget)).unwrap();
        assert!(html.contains("City budget, revised"));
        assert_eq!(
            related_links(&served, budget),
            before,
            "the follow-up's lists are not served before the change (stop at {at})"
        );
        assert!(f.engine.unsettled());

        f.settle();
        let after = related_links(&served, budget);
        assert_ne!(after, before, "the follow-up moved the lists");
        f.assert_equals_clean_build();
        at *= 2;
    }
}

/// The same for a follow-up that makes only the search index (related reading is off): a
/// body edit arriving at any checkpoint stops it, is served first with the index still held
/// back, and the folder then settles to a clean build.
#[test]
fn a_change_during_the_search_follow_up_is_served_first() {
    let mut at = 1;
    loop {
        let mut f = Fixture::new();
        let p = f.replace(
            "content/en/dams.md",
            "Second paragraph, deeper",
            "Second paragraph, about sluices and deeper",
        );
        let update = f
            .engine
            .prepare(&Changes {
                content: BTreeSet::from([p]),
                ..Changes::default()
            })
            .unwrap();
        f.engine.commit(update).unwrap();
        assert!(f.engine.unsettled(), "the index is left to a follow-up");
        let served = f.dir.path().join("served");
        let index = std::fs::read(served.join("search-index/meta.json")).unwrap();

        let (finished, edited) = follow_up_stopped_at(
            &mut f,
            at,
            "content/en/budget.md",
            "The budget grew.",
            "The budget shrank.",
        );
        let Some(p) = edited else {
            assert!(finished);
            assert!(at > 1, "the follow-up has checkpoints");
            break;
        };
        assert!(!finished, "stopped at checkpoint {at}");
        let update = f
            .engine
            .prepare(&Changes {
                content: BTreeSet::from([p]),
                ..Changes::default()
            })
            .unwrap();
        let (_, stats) = f.engine.commit(update).unwrap();
        assert!(stats.fast);
        assert!(
            !produced(&stats).contains("search-index/meta.json"),
            "the index is still held back (stop at {at}): {:?}",
            produced(&stats)
        );
        assert!(
            std::fs::read_to_string(served.join("2024/02/01/budget/index.html"))
                .unwrap()
                .contains("The budget shrank.")
        );
        assert_eq!(
            std::fs::read(served.join("search-index/meta.json")).unwrap(),
            index,
            "the follow-up's index is not served before the change (stop at {at})"
        );
        assert!(f.engine.unsettled());
        f.settle();
        f.assert_equals_clean_build();
        at *= 2;
    }
}

/// The fast path makes the products an edit touches from locators kept since the last full
/// plan: each product but the static files has one, and the product made from it is the same
/// product: the same path, maker, description and signature. Returns what makes each (as
/// `Template(article.html)`, `Writer(rss)`, `Copy(Some(…))`).
fn assert_products_made_again_from_locators(engine: &Engine) -> BTreeSet<String> {
    use gensite::outputs::{Env, Facet, Locator, Plan, Product};
    use std::hash::{Hash, Hasher};

    let (site, theme) = (engine.site().unwrap(), engine.theme().unwrap());
    let plan = Plan::new(site, theme);
    let locators: Vec<Option<Locator>> = plan.products.iter().map(|p| p.locate(&plan)).collect();
    for (p, l) in plan.products.iter().zip(&locators) {
        assert_eq!(
            l.is_none(),
            matches!(p, Product::Static { .. }),
            "{}",
            p.describe(&plan)
        );
    }
    let kept: Vec<&Product<'_>> = plan
        .products
        .iter()
        .filter(|p| !matches!(p, Product::Static { .. }))
        .collect();
    let which: Vec<Locator> = locators.iter().flatten().copied().collect();
    let partial = Plan::partial(site, theme, &plan.shape(), &which).expect("same site");
    assert_eq!(partial.products.len(), kept.len());
    let env = Env::current();
    let key = |i: usize, facet: Facet| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (i, facet).hash(&mut h);
        h.finish()
    };
    let mut kinds = BTreeSet::new();
    for (a, b) in kept.iter().zip(&partial.products) {
        assert_eq!(a.path(&plan), b.path(&partial));
        assert_eq!(a.maker(), b.maker());
        assert_eq!(a.describe(&plan), b.describe(&partial));
        assert_eq!(
            a.signature(&plan, &env, &key),
            b.signature(&partial, &env, &key),
            "{}",
            a.describe(&plan)
        );
        kinds.insert(format!("{:?}", a.maker()).replace('"', ""));
    }
    kinds
}

#[test]
fn every_product_is_made_again_from_its_locator() {
    fixed_clock();
    // The example site: every kind of page, photos, feeds, the search index.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    // After the example's newest article, so that none is scheduled.
    let overrides = Overrides {
        now: Some("2027-01-01T00:00:00Z".parse().unwrap()),
        ..Overrides::default()
    };
    let mut engine = Engine::new(repo, overrides, None, &out.path().join("served"));
    let update = engine
        .prepare(&Changes {
            full: true,
            ..Changes::default()
        })
        .unwrap_or_else(|e| panic!("{e:#?}"));
    drop(update);
    let kinds = assert_products_made_again_from_locators(&engine);
    for kind in [
        "Template(article.html)",
        "Template(home.html)",
        "Template(term.html)",
        "Template(taxonomy.html)",
        "Template(archive.html)",
        "Template(search.html)",
        "Template(404.html)",
        "Writer(images)",
        "Writer(rss)",
        "Writer(atom)",
        "Writer(json-feed)",
        "Writer(news-sitemap)",
        "Writer(search-index)",
    ] {
        assert!(kinds.contains(kind), "no {kind} in {kinds:?}");
    }

    // A bundle file published as it is, and redirects from old addresses.
    let mut f = Fixture::new();
    f.write(
        "content/en/report/index.md",
        &article(
            "title: The full report\ndate: 2024-01-10T10:00:00Z\ntags: [water]\naliases: [old/report/, 2023/01/01/report/]",
            "The [data](data.csv).",
        ),
    );
    f.write("content/en/report/data.csv", "year,level\n2023,4\n");
    f.apply(Changes {
        full: true,
        ..Changes::default()
    });
    let kinds = assert_products_made_again_from_locators(&f.engine);
    for kind in ["Writer(redirect)", "Writer(redirects)", "Writer(nginx-map)"] {
        assert!(kinds.contains(kind), "no {kind} in {kinds:?}");
    }
    assert!(
        kinds.iter().any(|k| k.starts_with("Copy(Some")),
        "no bundle file in {kinds:?}"
    );
}
