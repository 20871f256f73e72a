//! Related reading: a fixture with obvious answers, pinned entries, errors, stability, the
//! `gen related` report, and tokenisation in three scripts.
mod common;
use common::*;

use gensite::build::{Timer, load_site};
use gensite::config::Overrides;
use gensite::related::{self, tokenize};
use gensite::site::{Related, Site};

/// A harbour strike told in three chapters (and a Russian version of the first), a pay dispute
/// that shares its tags, a crane article that shares only its words, and unrelated pieces
/// published later (so that "newest first" would pick them).
fn files() -> Vec<(&'static str, String)> {
    let strike = "Dockworkers at the northern harbour walked out over pay and night shifts. \
        The union says the port authority ignored three rounds of talks. Ships are waiting \
        at anchor outside the harbour while the strike goes on.";
    vec![
        (
            "content/en/strike-begins.md",
            article(
                "title: Dockworkers walk out at the northern harbour\ndate: 2024-01-10T09:00:00Z\n\
                 story: Harbour strike\ntags: [labour, ports]\nauthors: [Mira Holt]\n\
                 translation_key: strike-begins",
                strike,
            ),
        ),
        (
            "content/ru/strike-begins.md",
            article(
                "title: Докеры северной гавани объявили забастовку\ndate: 2024-01-10T12:00:00+03:00\n\
                 lang: ru\nstory: Harbour strike\ntags: [labour, ports]\n\
                 translation_key: strike-begins",
                "Докеры северной гавани прекратили работу из-за зарплат и ночных смен.",
            ),
        ),
        (
            "content/en/strike-talks.md",
            article(
                "title: Harbour strike talks stall over night shifts\ndate: 2024-02-01T09:00:00Z\n\
                 story: Harbour strike\ntags: [labour]\nauthors: [Mira Holt]",
                "Talks between the union and the port authority stalled again over night shifts \
                 at the harbour. Dockworkers have now been on strike for three weeks.",
            ),
        ),
        (
            "content/en/strike-ends.md",
            article(
                "title: Harbour strike ends with a pay deal\ndate: 2024-03-15T09:00:00Z\n\
                 story: Harbour strike\ntags: [labour, ports]\nauthors: [Omar Reyes]",
                "The dockworkers' union accepted a pay deal and the harbour reopened. The port \
                 authority agreed to limit night shifts.",
            ),
        ),
        (
            "content/en/dockworkers-pay.md",
            article(
                "title: Why dockworkers earn less than they did a decade ago\n\
                 date: 2023-06-01T09:00:00Z\ntags: [labour, ports, wages]\nauthors: [Omar Reyes]",
                "Wages on the quays have fallen behind inflation for ten years.",
            ),
        ),
        (
            "content/en/port-automation.md",
            article(
                "title: The harbour buys automated gantry cranes\ndate: 2023-05-01T09:00:00Z\n\
                 tags: [technology]\nauthors: [Lena Fisk]",
                "The terminal operator ordered twelve automated gantry cranes. The gantry \
                 cranes run on remote-control software and lift containers without a driver \
                 in the cab. Automated cranes, the operator says, move containers faster.",
            ),
        ),
        (
            "content/en/crane-software.md",
            article(
                "title: Remote-control software is coming to container cranes\n\
                 date: 2022-11-20T09:00:00Z\ntags: [industry]\nauthors: [Tom Baker]",
                "Makers of gantry cranes are replacing the driver's cab with remote-control \
                 software. Automated cranes stack containers around the clock at terminals.",
            ),
        ),
        (
            "content/en/cooking.md",
            article(
                "title: A winter soup for cold evenings\ndate: 2024-06-01T09:00:00Z\n\
                 tags: [food]\nauthors: [Ada Lind]",
                "Roast the squash with garlic, then simmer it with stock and cream.",
            ),
        ),
        (
            "content/en/football.md",
            article(
                "title: The town club wins the regional cup\ndate: 2024-06-01T09:00:00Z\n\
                 tags: [sport]\nauthors: [Ben Cole]",
                "A late goal from the captain settled a tense final in front of a full stadium.",
            ),
        ),
        (
            "content/en/chess.md",
            article(
                "title: A schoolgirl wins the city chess championship\ndate: 2024-06-01T09:00:00Z\n\
                 tags: [games]\nauthors: [Ben Cole]",
                "Nine rounds, seven wins and two draws: the youngest champion in the club's history.",
            ),
        ),
        (
            "content/ru/weather.md",
            article(
                "title: В городе ожидаются сильные морозы\ndate: 2024-05-01T09:00:00+03:00\nlang: ru\n\
                 tags: [weather]",
                "Синоптики обещают до минус тридцати градусов в выходные.",
            ),
        ),
    ]
}

fn fixture(extra: &[(&str, String)]) -> Fixture {
    let mut all = files();
    for (p, t) in extra {
        all.retain(|(q, _)| q != p);
        all.push((p, t.clone()));
    }
    let refs: Vec<(&str, &str)> = all.iter().map(|(p, t)| (*p, t.as_str())).collect();
    Fixture::new(&refs)
}

fn load(f: &Fixture) -> Site {
    load_with(f, false)
}

fn load_with(f: &Fixture, drafts: bool) -> Site {
    let overrides = Overrides {
        drafts,
        ..Overrides::default()
    };
    match load_site(f.root(), &overrides, &mut Timer::start()) {
        Ok((site, _)) => site,
        Err(e) => panic!("load_site failed: {e}"),
    }
}

fn index(site: &Site, rel: &str) -> usize {
    site.articles
        .iter()
        .position(|a| a.doc.file.rel == rel)
        .unwrap_or_else(|| panic!("no article {rel}"))
}

/// Related entries of an article as content paths (`url:…` for outside links).
fn related_of(site: &Site, rel: &str) -> Vec<String> {
    site.related[index(site, rel)]
        .iter()
        .map(|r| match r {
            Related::Article(j) => site.articles[*j].doc.file.rel.clone(),
            Related::External { url, .. } => format!("url:{url}"),
        })
        .collect()
}

#[test]
fn story_siblings_come_first_including_newer_follow_ups() {
    let f = fixture(&[]);
    let site = load(&f);
    let first = related_of(&site, "en/strike-begins.md");
    assert_eq!(first.len(), 3, "{first:?}");
    let mut siblings = first[..2].to_vec();
    siblings.sort();
    // The oldest chapter links both follow-ups, which are newer than it.
    assert_eq!(
        siblings,
        ["en/strike-ends.md", "en/strike-talks.md"],
        "{first:?}"
    );
    // Then the article that shares its tags.
    assert_eq!(first[2], "en/dockworkers-pay.md", "{first:?}");

    let last = related_of(&site, "en/strike-ends.md");
    let mut earlier = last[..2].to_vec();
    earlier.sort();
    assert_eq!(
        earlier,
        ["en/strike-begins.md", "en/strike-talks.md"],
        "{last:?}"
    );
}

#[test]
fn topical_neighbours_by_tags_and_by_text() {
    let f = fixture(&[]);
    let site = load(&f);
    // No story, one tag nobody else has: only the words can find the crane article.
    let cranes = related_of(&site, "en/port-automation.md");
    assert_eq!(
        cranes.first().map(String::as_str),
        Some("en/crane-software.md"),
        "{cranes:?}"
    );
    // Shares labour, ports and an author with the strike, nothing with soup or football.
    let pay = related_of(&site, "en/dockworkers-pay.md");
    assert_eq!(pay.len(), 3);
    for r in &pay {
        assert!(r.starts_with("en/strike-"), "{pay:?}");
    }
}

#[test]
fn no_self_no_language_version_no_two_versions_of_one_article() {
    let f = fixture(&[]);
    let site = load(&f);
    for (i, a) in site.articles.iter().enumerate() {
        let mut groups = Vec::new();
        for r in &site.related[i] {
            if let Related::Article(j) = r {
                assert_ne!(*j, i, "{} relates to itself", a.doc.file.rel);
                assert!(
                    !a.translations.contains(j),
                    "{} relates to its own version {}",
                    a.doc.file.rel,
                    site.articles[*j].doc.file.rel
                );
                let mut g: Vec<usize> = site.articles[*j].translations.clone();
                g.push(*j);
                g.sort();
                assert!(
                    !groups.contains(&g),
                    "{} shows two versions of {}",
                    a.doc.file.rel,
                    site.articles[*j].doc.file.rel
                );
                groups.push(g);
            }
        }
    }
    // The Russian version: its English original never; other chapters of its story yes.
    let ru = related_of(&site, "ru/strike-begins.md");
    assert!(!ru.contains(&"en/strike-begins.md".to_string()), "{ru:?}");
    assert!(ru.contains(&"en/strike-talks.md".to_string()), "{ru:?}");
    // The reader's language first: for an English chapter, the Russian version of another
    // chapter only after every related English article.
    let talks = related_of(&site, "en/strike-talks.md");
    assert!(
        talks.contains(&"en/strike-begins.md".to_string()),
        "{talks:?}"
    );
    assert!(
        !talks.contains(&"ru/strike-begins.md".to_string()),
        "{talks:?}"
    );
}

#[test]
fn reader_language_first_then_others_when_it_runs_out() {
    let f = fixture(&[]);
    let site = load(&f);
    // The only other Russian article shares nothing; the related English chapters are shown.
    // (The pay piece, sharing two tags and no words with the Russian text, scores under
    // `min_score` of the best chapter: two cards rather than a weak third.)
    let ru = related_of(&site, "ru/strike-begins.md");
    assert_eq!(ru.len(), 2, "{ru:?}");
    assert!(ru.iter().all(|r| r.starts_with("en/strike-")), "{ru:?}");
}

#[test]
fn pinned_items_first_and_in_order_then_computed() {
    let f = fixture(&[(
        "content/en/strike-talks.md",
        article(
            "title: Harbour strike talks stall over night shifts\ndate: 2024-02-01T09:00:00Z\n\
             story: Harbour strike\ntags: [labour]\nauthors: [Mira Holt]\nrelated_count: 4\n\
             related:\n  - chess\n  - title: The union's statement\n    url: https://union.example.org/statement\n  - en/cooking.md",
            "Talks between the union and the port authority stalled again.",
        ),
    )]);
    let site = load(&f);
    let list = related_of(&site, "en/strike-talks.md");
    assert_eq!(
        list[..3],
        [
            "en/chess.md",
            "url:https://union.example.org/statement",
            "en/cooking.md"
        ],
        "{list:?}"
    );
    assert_eq!(list.len(), 4, "{list:?}");
    assert!(list[3].starts_with("en/strike-"), "{list:?}");

    // The page shows the same cards in the same order.
    f.build_ok();
    let doc = f.html("2024/02/01/strike-talks/index.html");
    let hrefs = attrs(&doc, "section.related .card-title a", "href");
    assert_eq!(hrefs.len(), 4, "{hrefs:?}");
    assert!(hrefs[0].ends_with("/chess/"), "{hrefs:?}");
    assert_eq!(hrefs[1], "https://union.example.org/statement");
    assert!(hrefs[2].ends_with("/cooking/"), "{hrefs:?}");
    assert!(hrefs[3].contains("/strike-"), "{hrefs:?}");
}

#[test]
fn an_unresolvable_pinned_slug_names_file_line_and_nearest() {
    let f = fixture(&[(
        "content/en/cooking.md",
        article(
            "title: A winter soup\ndate: 2024-06-01T09:00:00Z\ntags: [food]\nrelated:\n  - football\n  - strike-endz",
            "Soup.",
        ),
    )]);
    let out = f.run(&["build"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    // The second entry is on line 7 of the file (line 1 is `---`).
    assert!(err.contains("content/en/cooking.md:7"), "{err}");
    assert!(err.contains("strike-ends"), "{err}");
}

#[test]
fn drafts_are_never_suggested() {
    let f = fixture(&[(
        "content/en/strike-draft.md",
        article(
            "title: 'Harbour strike: what comes next'\ndate: 2024-03-16T09:00:00Z\ndraft: true\n\
             story: Harbour strike\ntags: [labour, ports]\nauthors: [Mira Holt]",
            "Dockworkers at the harbour strike over night shifts and pay.",
        ),
    )]);
    let site = load_with(&f, true);
    for (i, _) in site.articles.iter().enumerate() {
        for r in &site.related[i] {
            if let Related::Article(j) = r {
                assert!(!site.articles[*j].doc.meta.draft);
            }
        }
    }
    // The draft itself still gets related reading, for its preview.
    assert!(!related_of(&site, "en/strike-draft.md").is_empty());
}

#[test]
fn front_matter_count_overrides_the_site() {
    let f = fixture(&[(
        "content/en/strike-ends.md",
        article(
            "title: Harbour strike ends with a pay deal\ndate: 2024-03-15T09:00:00Z\n\
             story: Harbour strike\ntags: [labour, ports]\nrelated_count: 1",
            "The harbour reopened.",
        ),
    )]);
    let site = load(&f);
    assert_eq!(related_of(&site, "en/strike-ends.md").len(), 1);
    // The site's count (3) for the others: the two other chapters; the pay piece, with a tag
    // and a word in common, is cut by `min_score` rather than padding the list.
    assert_eq!(
        related_of(&site, "en/strike-talks.md"),
        ["en/strike-begins.md", "en/strike-ends.md"]
    );
}

/// Puts the articles in another order, fixing every index that points into the list.
fn permute(site: &mut Site, perm: &[usize]) {
    // perm[new] = old
    let mut new_of = vec![0; perm.len()];
    for (new, &old) in perm.iter().enumerate() {
        new_of[old] = new;
    }
    let mut old: Vec<Option<gensite::site::Article>> = std::mem::take(&mut site.articles)
        .into_iter()
        .map(Some)
        .collect();
    site.articles = perm.iter().map(|&o| old[o].take().unwrap()).collect();
    for a in &mut site.articles {
        for t in &mut a.translations {
            *t = new_of[*t];
        }
        a.original = a.original.map(|o| new_of[o]);
        for p in &mut a.pinned {
            if let Related::Article(j) = p {
                *j = new_of[*j];
            }
        }
    }
    site.related = vec![Vec::new(); perm.len()];
}

fn all_related(site: &Site) -> Vec<(String, Vec<String>)> {
    let mut v: Vec<(String, Vec<String>)> = site
        .articles
        .iter()
        .map(|a| (a.doc.file.rel.clone(), related_of(site, &a.doc.file.rel)))
        .collect();
    v.sort();
    v
}

#[test]
fn ranking_does_not_depend_on_the_order_articles_were_found_in() {
    // Equal dates and equal scores among the unrelated pieces: ties must break by path.
    let f = fixture(&[]);
    let mut site = load(&f);
    let before = all_related(&site);
    let n = site.articles.len();
    for seed in 1..6u64 {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        let mut perm: Vec<usize> = (0..n).collect();
        perm.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
        permute(&mut site, &perm);
        related::attach(&mut site);
        assert_eq!(all_related(&site), before, "shuffle {seed}");
    }

    // And on disk: the same files written in reverse order into another folder.
    let mut rev = files();
    rev.reverse();
    let refs: Vec<(&str, &str)> = rev.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let g = Fixture::new(&refs);
    assert_eq!(all_related(&load(&g)), before);
}

#[test]
fn gen_related_explains_with_scores_and_reasons() {
    let f = fixture(&[]);
    let out = f.run(&["related", "content/en/strike-begins.md", "--top", "6"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("same story: Harbour strike"), "{text}");
    assert!(text.contains("tags: labour"), "{text}");
    assert!(text.contains("authors: Mira Holt"), "{text}");
    assert!(text.contains("text +"), "{text}");
    assert!(text.contains("recency +"), "{text}");
    // Three shown, and more candidates than that listed.
    assert_eq!(text.matches(" shown ").count(), 3, "{text}");
    assert!(text.contains("not shown"), "{text}");

    // Relative to content/, and a bundle-less typo gets a suggestion.
    let out = f.run(&["related", "en/strike-ends.md"]);
    assert!(out.status.success());
    let out = f.run(&["related", "en/strike-endz.md"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content/en/strike-ends.md"), "{err}");
}

#[test]
fn explanation_uses_the_ranking_scores() {
    let f = fixture(&[]);
    let site = load(&f);
    let i = index(&site, "en/strike-begins.md");
    let e = related::explain(&site, i, 8);
    let shown: Vec<usize> = e
        .candidates
        .iter()
        .filter(|(_, p)| *p == related::Pick::Shown)
        .map(|(s, _)| s.article)
        .collect();
    let attached: Vec<usize> = site.related[i]
        .iter()
        .filter_map(|r| match r {
            Related::Article(j) => Some(*j),
            Related::External { .. } => None,
        })
        .collect();
    assert_eq!(shown, attached);
    let model = related::Model::new(&site);
    for (s, _) in &e.candidates {
        let again = model.score(i, s.article);
        assert_eq!(again.total(), s.score.total());
    }
}

#[test]
fn tokenises_latin_text() {
    assert_eq!(
        tokenize("The Minister's NEW plan: 2024 budget, cut by 5%!", "en"),
        ["minister", "new", "plan", "budget", "cut"]
    );
    // French elision and accents.
    assert_eq!(
        tokenize("L'été de la grève à Marseille", "fr"),
        ["grève", "marseille"]
    );
    assert_eq!(
        tokenize("Die Regierung war gegen den Plan", "de"),
        ["regierung", "plan"]
    );
    // "war" is a German stop word, not an English one.
    assert_eq!(tokenize("The war in the north", "en"), ["war", "north"]);
}

#[test]
fn tokenises_cyrillic_text() {
    assert_eq!(
        tokenize("Трещины в плотине на Лесне ЗАМЕТИЛИ ещё в 2023 году", "ru"),
        ["трещины", "плотине", "лесне", "заметили", "году"]
    );
    // ё is read as е, so both spellings meet.
    assert_eq!(tokenize("Ковалёва", "ru"), tokenize("Ковалева", "ru"));
    // An apostrophe inside a Ukrainian word keeps the word whole.
    assert_eq!(
        tokenize("Ціни на м'ясо та п’ять інших продуктів", "uk"),
        ["ціни", "мясо", "пять", "інших", "продуктів"]
    );
}

#[test]
fn tokenises_arabic_text() {
    // Diacritics and tatweel go, alef forms and ta marbuta fold, the article is stripped,
    // stop words (إلى) drop out.
    assert_eq!(
        tokenize("وصلت السفينةُ إلى الميناء", "ar"),
        ["وصلت", "سفينه", "ميناء"]
    );
    assert_eq!(tokenize("المــاء", "ar"), tokenize("ماء", "ar"));
    assert_eq!(tokenize("بالقمح والقمح", "ar"), ["قمح", "قمح"]);
    assert_eq!(tokenize("أحمد", "ar"), tokenize("احمد", "ar"));
}

#[test]
fn a_rare_shared_tag_outweighs_a_common_one() {
    // "news" is on every article but one; "salt-marsh" on two. The reader of the marsh piece
    // gets the other marsh piece first, though the common-tag one is closer in time.
    let mut files: Vec<(String, String)> = (0..8)
        .map(|k| {
            (
                format!("content/en/filler-{k}.md"),
                article(
                    &format!(
                        "title: Filler {k}\ndate: 2024-0{}-01T09:00:00Z\ntags: [news]",
                        k + 1
                    ),
                    "Nothing in common.",
                ),
            )
        })
        .collect();
    files.push((
        "content/en/marsh.md".into(),
        article(
            "title: Birds return\ndate: 2024-05-02T09:00:00Z\ntags: [news, salt-marsh]",
            "Text.",
        ),
    ));
    files.push((
        "content/en/marsh-old.md".into(),
        article(
            "title: Dykes\ndate: 2021-05-02T09:00:00Z\ntags: [salt-marsh]",
            "Words.",
        ),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let f = Fixture::new(&refs);
    let site = load(&f);
    let list = related_of(&site, "en/marsh.md");
    assert_eq!(
        list.first().map(String::as_str),
        Some("en/marsh-old.md"),
        "{list:?}"
    );
    let e = related::explain(&site, index(&site, "en/marsh.md"), 5);
    let points = |rel: &str| {
        e.candidates
            .iter()
            .find(|(s, _)| site.articles[s.article].doc.file.rel == rel)
            .map(|(s, _)| s.score.relevance())
            .unwrap()
    };
    assert!(points("en/marsh-old.md") > 5.0 * points("en/filler-4.md"));
}

/// A press-freedom story and its follow-up, a city-budget piece that shares only a tag with it,
/// and pieces that share nothing.
fn press_site(site_toml_extra: &str) -> Fixture {
    let site_toml = format!("{SITE_TOML}{site_toml_extra}");
    let files = [
        ("site.toml", site_toml),
        (
            "content/en/press-law.md",
            article(
                "title: Court strikes down the town's accreditation rules for journalists\n\
                 date: 2024-03-01T09:00:00Z\nstory: Press law\n\
                 tags: [press-freedom, courts, local-government]\nauthors: [Ines Varga]",
                "Reporters no longer need a permit from the mayor's office to cover public \
                 hearings, the court ruled. The accreditation rules broke the press law.",
            ),
        ),
        (
            "content/en/press-law-appeal.md",
            article(
                "title: The town appeals the ruling on accreditation for journalists\n\
                 date: 2024-04-01T09:00:00Z\nstory: Press law\ntags: [press-freedom, courts]\n\
                 authors: [Ines Varga]",
                "The mayor's office will appeal the ruling that struck down its accreditation \
                 rules for reporters.",
            ),
        ),
        (
            "content/en/city-budget.md",
            article(
                "title: Next year's city budget adds money for roads\n\
                 date: 2024-03-02T09:00:00Z\ntags: [local-government, budget]\n\
                 authors: [Paul Kern]",
                "Spending on roads and schools grows while parks lose funding.",
            ),
        ),
        (
            "content/en/football.md",
            article(
                "title: The club wins the cup\ndate: 2024-03-03T09:00:00Z\ntags: [sport]",
                "A late goal settled the final.",
            ),
        ),
        (
            "content/en/soup.md",
            article(
                "title: A winter soup\ndate: 2024-03-04T09:00:00Z\ntags: [food]",
                "Simmer squash with garlic.",
            ),
        ),
        (
            "content/en/chess.md",
            article(
                "title: A schoolgirl wins at chess\ndate: 2024-03-05T09:00:00Z\ntags: [games]",
                "Seven wins and two draws.",
            ),
        ),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    Fixture::new(&refs)
}

/// The entry of `gen related` about one candidate: its numbered line and the indented lines
/// under it.
fn entry(report: &str, path: &str) -> Option<String> {
    let mut entries: Vec<String> = Vec::new();
    for line in report.lines() {
        let t = line.trim_start();
        let numbered = t
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if numbered {
            entries.push(String::new());
        }
        if let Some(e) = entries.last_mut() {
            e.push_str(line);
            e.push('\n');
        }
    }
    entries.into_iter().find(|e| {
        e.lines()
            .next()
            .is_some_and(|first| first.contains(&format!(" {path} ")))
    })
}

#[test]
fn a_weak_candidate_is_cut_rather_than_padding_the_cards() {
    // Default threshold: the follow-up is shown, the budget piece (one shared tag, a small
    // share of the follow-up's score) is not, though there is room for three cards.
    let f = press_site("");
    let site = load(&f);
    assert_eq!(
        related_of(&site, "en/press-law.md"),
        ["en/press-law-appeal.md"]
    );
    f.build_ok();
    let doc = f.html("2024/03/01/press-law/index.html");
    let hrefs = attrs(&doc, "section.related .card-title a", "href");
    assert_eq!(hrefs, ["/2024/04/01/press-law-appeal/"]);
    // For the budget piece the press story is the best candidate there is: the threshold is
    // relative to the best, so it stays.
    assert_eq!(related_of(&site, "en/city-budget.md"), ["en/press-law.md"]);

    // `gen related` says what the threshold cut, and why.
    let out = f.run(&["related", "content/en/press-law.md"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Cards on the page: 1 of 3"), "{text}");
    assert!(text.contains("min_score = 0.15"), "{text}");
    let budget = entry(&text, "content/en/city-budget.md")
        .unwrap_or_else(|| panic!("the cut candidate is listed:\n{text}"));
    assert!(budget.contains("not shown: relevance"), "{budget}");
    assert!(budget.contains("below the threshold"), "{budget}");
    let appeal = entry(&text, "content/en/press-law-appeal.md").unwrap();
    assert!(appeal.contains("shown "), "{appeal}");
    assert!(!appeal.contains("not shown"), "{appeal}");

    // The threshold is what cut it: with min_score = 0 the card pads the list again.
    let f = press_site("\n[related]\nmin_score = 0\n");
    let site = load(&f);
    assert_eq!(
        related_of(&site, "en/press-law.md"),
        ["en/press-law-appeal.md", "en/city-budget.md"]
    );
}

#[test]
fn min_score_out_of_range_is_an_error_in_site_toml() {
    let f = press_site("\n[related]\nmin_score = 25\n");
    let out = f.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("site.toml:"), "{err}");
    assert!(err.contains("min_score"), "{err}");
    assert!(err.contains("help:"), "{err}");
}
