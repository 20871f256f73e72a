//! `gen serve` and `gen build --incremental` against random edit sequences: after every edit the
//! served folder, and the folder an incremental build (with its build cache) changed in place,
//! must equal, byte for byte, a clean `gen build` of the same files (same base URL, same
//! `SOURCE_DATE_EPOCH`).
//!
//! The fixture is a four-language site (en, ru, uk, de) with originals and translations linked by
//! `translation_of` and `translation_key`, credits (`translators`, `source`), people with names
//! per language, stories, tags, a page bundle with real images, a theme on disk (so its UI strings
//! can be edited) and a site `templates/` override. Edits touch every front matter key, the
//! people file, site.toml, templates, UI strings, static files and bundle assets, and add, delete
//! and rename articles in every language. Some edits make the site invalid on purpose (and
//! random ones may too): whether the site should build is decided by the clean build; then the
//! server must report errors and keep serving the last good build, and the next edit (which
//! undoes the broken one) must converge again.
//!
//! Environment: `GEN_RANDOM_EDITS` (edits per seed, default 40; undoing a broken edit is an
//! extra step), `GEN_RANDOM_EDITS_SEEDS` (how many seeds, default 1), `GEN_RANDOM_EDITS_SEED`
//! (the first seed, default 1: `GEN_RANDOM_EDITS_SEED=4 GEN_RANDOM_EDITS_SEEDS=1` replays seed
//! 4). A failing seed stops at its first difference; the other seeds still run, and the test
//! fails at the end listing every failure with its seed, edit number, edit log and differences.
//! The incremental build's test reads `GEN_BUILD_EDITS` and `GEN_BUILD_EDITS_SEEDS` instead
//! (defaults 40 and 1; its first seed is `GEN_RANDOM_EDITS_SEED` too).

mod serve_common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serve_common::{EPOCH, Server, Site, tree, tree_report};

/// Real image files for the page bundles.
const PNG: &[u8] = include_bytes!("../content/en/dam-inspectors-testify/map.png");
const JPG: &[u8] = include_bytes!("../content/en/dam-inspectors-testify/dam.jpg");

const LANGS: [&str; 4] = ["en", "ru", "uk", "de"];
const AUTHORS: [&str; 7] = [
    "Ann Writer",
    "Анна Райтер",
    "Bob Reporter",
    "Cy Editor",
    "Anna Kovaleva",
    "Анна Ковалёва",
    "Dana Field",
];
const TRANSLATORS: [&str; 5] = [
    "Tanya Perevod",
    "Таня Перевод",
    "Max Ubersetzer",
    "Olena Marchenko",
    "Олена Марченко",
];
const TAGS: [&str; 8] = [
    "water", "dams", "energy", "grain", "courts", "press", "вода", "ports",
];
const STORIES: [&str; 3] = ["Dam inquiry", "Grain corridor", "Плотина"];
const KEYS: [&str; 3] = ["k-dam", "k-grain", "k-court"];

fn words(lang: &str) -> &'static [&'static str] {
    match lang {
        "ru" => &[
            "плотина",
            "река",
            "паводок",
            "зерно",
            "коридор",
            "порт",
            "суд",
            "вода",
            "энергия",
            "деревня",
            "засуха",
            "урожай",
            "отчёт",
            "министр",
            "бюджет",
        ],
        "uk" => &[
            "гребля",
            "річка",
            "повінь",
            "зерно",
            "коридор",
            "порт",
            "суд",
            "вода",
            "енергія",
            "село",
            "посуха",
            "врожай",
            "звіт",
            "міністр",
            "бюджет",
        ],
        "de" => &[
            "Staudamm",
            "Fluss",
            "Hochwasser",
            "Getreide",
            "Korridor",
            "Hafen",
            "Gericht",
            "Wasser",
            "Energie",
            "Dorf",
            "Dürre",
            "Ernte",
            "Bericht",
            "Minister",
            "Haushalt",
        ],
        _ => &[
            "dam", "river", "flood", "grain", "corridor", "port", "court", "water", "energy",
            "village", "drought", "harvest", "report", "minister", "budget",
        ],
    }
}

/// One article as the editor knows it; written out as Markdown with front matter.
#[derive(Clone, Debug, Default)]
struct Art {
    /// Content path: `en/alpha.md`, or `en/beta/index.md` for a page bundle.
    path: String,
    lang: Option<String>,
    title: String,
    kicker: Option<String>,
    description: Option<String>,
    date: String,
    updated: Option<String>,
    authors: Vec<String>,
    translators: Vec<String>,
    /// A YAML flow mapping.
    source: Option<String>,
    translation_of: Option<String>,
    translation_key: Option<String>,
    tags: Vec<String>,
    story: Option<String>,
    /// YAML flow items: a slug, a content path or an outside link.
    related: Vec<String>,
    related_count: Option<u32>,
    /// A YAML flow mapping.
    image: Option<String>,
    /// YAML flow mappings.
    corrections: Vec<String>,
    slug: Option<String>,
    /// Earlier paths (always under `old/`, so they name no other page).
    aliases: Vec<String>,
    draft: bool,
    /// A takedown (a YAML flow mapping), or `false`.
    unpublished: Option<String>,
    /// A YAML flow mapping.
    extra: Option<String>,
    body: String,
}

impl Art {
    fn folder_lang(&self) -> &str {
        self.path.split('/').next().unwrap()
    }

    fn lang(&self) -> &str {
        self.lang.as_deref().unwrap_or(self.folder_lang())
    }

    fn is_bundle(&self) -> bool {
        self.path.ends_with("/index.md")
    }

    /// The bundle folder (`en/beta`), for bundles.
    fn dir(&self) -> &str {
        self.path.trim_end_matches("/index.md")
    }

    /// The slug it gets from its file name.
    fn file_slug(&self) -> String {
        let p = if self.is_bundle() {
            self.dir()
        } else {
            self.path.trim_end_matches(".md")
        };
        p.rsplit('/').next().unwrap().to_string()
    }

    fn slug(&self) -> String {
        self.slug.clone().unwrap_or_else(|| self.file_slug())
    }

    fn text(&self) -> String {
        let mut s = format!("---\ntitle: {}\n", self.title);
        let mut line = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                s.push_str(&format!("{k}: {v}\n"));
            }
        };
        line("kicker", &self.kicker);
        line("description", &self.description);
        line("date", &Some(self.date.clone()));
        line("updated", &self.updated);
        line("lang", &self.lang);
        let list = |v: &[String]| (!v.is_empty()).then(|| format!("[{}]", v.join(", ")));
        line("authors", &list(&self.authors));
        line("translators", &list(&self.translators));
        line("source", &self.source);
        line("translation_of", &self.translation_of);
        line("translation_key", &self.translation_key);
        line("tags", &list(&self.tags));
        line("story", &self.story);
        if !self.related.is_empty() {
            s.push_str("related:\n");
            for r in &self.related {
                s.push_str(&format!("  - {r}\n"));
            }
        }
        if let Some(n) = self.related_count {
            s.push_str(&format!("related_count: {n}\n"));
        }
        if let Some(i) = &self.image {
            s.push_str(&format!("image: {i}\n"));
        }
        if !self.corrections.is_empty() {
            s.push_str("corrections:\n");
            for c in &self.corrections {
                s.push_str(&format!("  - {c}\n"));
            }
        }
        if let Some(v) = &self.slug {
            s.push_str(&format!("slug: {v}\n"));
        }
        if !self.aliases.is_empty() {
            s.push_str(&format!("aliases: [{}]\n", self.aliases.join(", ")));
        }
        if self.draft {
            s.push_str("draft: true\n");
        }
        if let Some(u) = &self.unpublished {
            s.push_str(&format!("unpublished: {u}\n"));
        }
        if let Some(e) = &self.extra {
            s.push_str(&format!("extra: {e}\n"));
        }
        s.push_str("---\n");
        s.push_str(&self.body);
        s
    }
}

/// What site.toml says.
#[derive(Clone, Debug)]
struct Conf {
    title: String,
    paginate: u32,
    feed_limit: u32,
    full_text: bool,
    related_count: u32,
    tags_weight: f32,
    fingerprint: bool,
    minify: bool,
    prefix_default: bool,
    permalink: &'static str,
    ru_name: &'static str,
    uk_title: Option<String>,
}

impl Conf {
    fn text(&self) -> String {
        let mut s = format!(
            "title = \"{}\"\nbase_url = \"https://random.example/\"\ndefault_language = \"en\"\n\
             theme = \"local\"\npermalink = \"{}\"\nprefix_default_language = {}\nminify = {}\n\
             paginate = {}\nfingerprint = {}\n\n",
            self.title,
            self.permalink,
            self.prefix_default,
            self.minify,
            self.paginate,
            self.fingerprint
        );
        s.push_str("[languages.en]\nname = \"English\"\n\n");
        s.push_str(&format!("[languages.ru]\nname = \"{}\"\n\n", self.ru_name));
        s.push_str("[languages.uk]\nname = \"Українська\"\n");
        if let Some(t) = &self.uk_title {
            s.push_str(&format!("title = \"{t}\"\n"));
        }
        s.push_str("\n[languages.de]\nname = \"Deutsch\"\n\n");
        s.push_str("[publisher]\nname = \"Random Relay\"\nlogo = \"/images/logo.png\"\n\n");
        s.push_str(&format!(
            "[feeds]\nlimit = {}\nfull_text = {}\n\n",
            self.feed_limit, self.full_text
        ));
        s.push_str(&format!(
            "[related]\ncount = {}\ntags = {:.1}\n",
            self.related_count, self.tags_weight
        ));
        s
    }
}

/// The editor's picture of the site: what an undo puts back.
#[derive(Clone, Debug)]
struct Model {
    arts: Vec<Art>,
    conf: Conf,
}

/// One file as it was before an edit (`None`: it did not exist).
struct Touched {
    rel: String,
    before: Option<Vec<u8>>,
}

/// Makes random edits to the fixture through the file system.
struct Editor {
    rng: ChaCha8Rng,
    m: Model,
    next_id: usize,
    /// Files the current edit changed, with their bytes before it.
    touched: Vec<Touched>,
    /// What undoes the last edit.
    undo: Option<(Vec<Touched>, Model)>,
}

/// Kinds of edit; `add`, `delete` and `break` come up more often in the random phase.
const OPS: [&str; 33] = [
    "title",
    "kicker",
    "description",
    "body",
    "date",
    "updated",
    "authors",
    "translators",
    "source",
    "translation_of",
    "translation_key",
    "story",
    "tags",
    "corrections",
    "image",
    "asset",
    "draft",
    "slug",
    "lang",
    "related",
    "related_count",
    "extra",
    "aliases",
    "unpublished",
    "add",
    "delete",
    "rename",
    "people",
    "site",
    "template",
    "i18n",
    "static",
    "break",
];

fn source_variants(id: usize) -> [String; 4] {
    [
        format!(
            "{{name: Severny Vestnik, url: 'https://severny-vestnik.example.net/2024/{id}', lang: ru, published: 2024-02-01T08:00:00+03:00}}"
        ),
        format!(
            "{{name: Dnipro Chronicle, url: 'https://dnipro.example.net/news/{id}', lang: uk}}"
        ),
        format!("{{name: Random Relay, url: 'https://random.example/{id}/', lang: en}}"),
        format!(
            "{{name: Berliner Blatt, url: 'https://blatt.example.de/{id}', lang: de, published: 2024-01-20}}"
        ),
    ]
}

impl Editor {
    fn new(seed: u64) -> Editor {
        Editor {
            rng: ChaCha8Rng::seed_from_u64(seed),
            m: Model {
                arts: initial_articles(),
                conf: Conf {
                    title: "Random Relay".into(),
                    paginate: 3,
                    feed_limit: 4,
                    full_text: false,
                    related_count: 2,
                    tags_weight: 3.0,
                    fingerprint: false,
                    minify: true,
                    prefix_default: false,
                    permalink: "/:lang/:year/:month/:day/:slug/",
                    ru_name: "Русский",
                    uk_title: None,
                },
            },
            next_id: 100,
            touched: Vec::new(),
            undo: None,
        }
    }

    fn id(&mut self) -> usize {
        self.next_id += 1;
        self.next_id
    }

    /// Whether an edit of an optional key removes it: sometimes when it is set.
    fn drop(&mut self, set: bool) -> bool {
        set && self.chance(0.35)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn one<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from.choose(&mut self.rng).unwrap()
    }

    /// Writes (`Some`) or deletes (`None`) a file of the site, remembering what it was.
    fn put(&mut self, site: &Site, rel: &str, bytes: Option<&[u8]>) {
        let p = site.root().join(rel);
        let before = std::fs::read(&p).ok();
        if before.as_deref() == bytes {
            return;
        }
        if !self.touched.iter().any(|t| t.rel == rel) {
            self.touched.push(Touched {
                rel: rel.to_string(),
                before: before.clone(),
            });
        }
        match bytes {
            Some(b) => {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, b).unwrap();
            }
            None => {
                std::fs::remove_file(&p).unwrap();
                // An emptied bundle folder goes too.
                let dir = p.parent().unwrap();
                if dir != site.root().join("content")
                    && dir.starts_with(site.root().join("content"))
                    && std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
                {
                    std::fs::remove_dir(dir).unwrap();
                }
            }
        }
    }

    fn write_art(&mut self, site: &Site, i: usize) {
        let a = &self.m.arts[i];
        let (rel, text) = (format!("content/{}", a.path), a.text());
        self.put(site, &rel, Some(text.as_bytes()));
    }

    fn pick(&mut self) -> usize {
        self.rng.random_range(0..self.m.arts.len())
    }

    /// Another article than `i`, in another language when `other_lang`.
    fn pick_other(&mut self, i: usize, other_lang: bool) -> Option<usize> {
        let lang = self.m.arts[i].lang().to_string();
        let c: Vec<usize> = (0..self.m.arts.len())
            .filter(|&j| j != i && (!other_lang || self.m.arts[j].lang() != lang))
            .collect();
        c.choose(&mut self.rng).copied()
    }

    /// How the article `j` is named from article `i`: content path, relative path or slug.
    fn reference(&mut self, i: usize, j: usize) -> String {
        let target = self.m.arts[j].path.clone();
        match self.rng.random_range(0..3) {
            0 => target,
            1 => {
                let depth = self.m.arts[i].path.matches('/').count();
                format!("{}{target}", "../".repeat(depth))
            }
            _ => self.m.arts[j].slug(),
        }
    }

    /// Whether another article names `i` (links, translation_of, related): deleting or renaming
    /// it would break the site.
    fn referenced(&self, i: usize) -> bool {
        let a = &self.m.arts[i];
        let (path, slug) = (a.path.as_str(), a.slug());
        let dir_ref = a.dir().to_string();
        self.m.arts.iter().enumerate().any(|(j, b)| {
            j != i
                && (b.body.contains(path)
                    || b.body.contains(&dir_ref)
                    || b.translation_of
                        .as_deref()
                        .is_some_and(|t| t.contains(path) || t.contains(&dir_ref) || t == slug)
                    || b.related
                        .iter()
                        .any(|r| r.contains(path) || r.contains(&dir_ref) || *r == slug))
        })
    }

    fn title(&mut self, lang: &str) -> String {
        let w = words(lang);
        let n = self.rng.random_range(0..1000);
        let mut t: Vec<String> = (0..3)
            .map(|_| w.choose(&mut self.rng).unwrap().to_string())
            .collect();
        t[0] = capitalize(&t[0]);
        format!("{} {n}", t.join(" "))
    }

    fn date(&mut self) -> String {
        // Some dates fall in the two days before the build time (SOURCE_DATE_EPOCH is
        // 2025-01-01T00:00Z), so the news sitemap has entries.
        if self.chance(0.15) {
            return format!(
                "2024-12-{}T{:02}:30:00Z",
                self.one(&["30", "31"]),
                self.rng.random_range(0..24)
            );
        }
        let (m, d) = (self.rng.random_range(1..=6), self.rng.random_range(1..=28));
        match self.rng.random_range(0..4) {
            0 => format!("2024-{m:02}-{d:02}"),
            1 => format!(
                "2024-{m:02}-{d:02}T{:02}:00:00+03:00",
                self.rng.random_range(0..24)
            ),
            _ => format!(
                "2024-{m:02}-{d:02}T{:02}:00:00Z",
                self.rng.random_range(0..24)
            ),
        }
    }

    fn body(&mut self, i: usize) -> String {
        let lang = self.m.arts[i].lang().to_string();
        let w = words(&lang);
        let mut b = String::new();
        for p in 0..self.rng.random_range(1..=3) {
            let n = self.rng.random_range(6..16);
            let mut s: Vec<String> = (0..n)
                .map(|_| w.choose(&mut self.rng).unwrap().to_string())
                .collect();
            s[0] = capitalize(&s[0]);
            if self.chance(0.3) {
                let k = self.rng.random_range(1..n);
                s[k] = format!("\"{}\"", s[k]);
            }
            b.push_str(&format!(
                "{} {}.\n\n",
                s.join(" "),
                self.rng.random_range(0..100)
            ));
            if p == 0 && self.chance(0.3) {
                b.push_str(&format!(
                    "## {}\n\n",
                    capitalize(w.choose(&mut self.rng).unwrap())
                ));
            }
        }
        if self.chance(0.4)
            && let Some(j) = self.pick_other(i, false)
            && !self.m.arts[j].draft
        {
            let target = self.m.arts[j].path.clone();
            let link = if self.chance(0.5) {
                format!("@/{target}")
            } else {
                let depth = self.m.arts[i].path.matches('/').count();
                format!("{}{target}", "../".repeat(depth))
            };
            b.push_str(&format!("See [this report]({link}).\n\n"));
        }
        if self.m.arts[i].is_bundle() && self.chance(0.5) {
            b.push_str("![A map of the river](map.png \"The river | Map by the desk\")\n\n");
        }
        if self.chance(0.2) {
            b.push_str("A claim.[^1]\n\n[^1]: A note.\n");
        }
        b
    }

    fn image(&mut self, i: usize, site: &Site) -> Option<String> {
        let n = self.rng.random_range(0..100);
        let extra = match self.rng.random_range(0..3) {
            0 => String::new(),
            1 => format!(", caption: Caption {n}, credit: Photo {n}"),
            _ => format!(", caption: Caption {n}, width: 800, height: {}", 400 + n),
        };
        let src = if self.m.arts[i].is_bundle() && self.chance(0.8) {
            let dir = site.root().join("content").join(self.m.arts[i].dir());
            let mut files: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|f| f != "index.md")
                .collect();
            files.sort();
            files.choose(&mut self.rng)?.clone()
        } else if self.chance(0.5) {
            format!("'https://images.example/{n}.jpg'")
        } else {
            "/images/logo.png".into()
        };
        Some(format!("{{src: {src}, alt: Picture {n}{extra}}}"))
    }

    fn credits(&mut self, i: usize) {
        let id = self.id();
        let sources = source_variants(id);
        let a = &mut self.m.arts[i];
        a.source = Some(sources.choose(&mut self.rng).unwrap().clone());
        let n = self.rng.random_range(1..=2);
        a.translators = TRANSLATORS
            .choose_multiple(&mut self.rng, n)
            .map(|s| s.to_string())
            .collect();
    }

    /// A new article in a random language: an original, a translation or a bundle.
    fn add(&mut self, site: &Site) -> String {
        let id = self.id();
        let lang = self.one(&LANGS).to_string();
        let bundle = self.chance(0.3);
        let path = if bundle {
            format!("{lang}/new-{id}/index.md")
        } else {
            format!("{lang}/new-{id}.md")
        };
        let mut a = Art {
            path: path.clone(),
            ..Art::default()
        };
        a.title = self.title(&lang);
        a.date = self.date();
        a.authors = vec![self.one(&AUTHORS).to_string()];
        let t = self.rng.random_range(0..3);
        a.tags = TAGS
            .choose_multiple(&mut self.rng, t)
            .map(|s| s.to_string())
            .collect();
        if self.chance(0.4) {
            a.story = Some(self.one(&STORIES).to_string());
        }
        if self.chance(0.3) {
            a.kicker = Some(format!("Kicker {id}"));
        }
        self.m.arts.push(a);
        let i = self.m.arts.len() - 1;
        let kind = self.rng.random_range(0..10);
        if kind < 4
            && let Some(j) = self.pick_other(i, true)
        {
            let r = self.reference(i, j);
            self.m.arts[i].translation_of = Some(r);
            self.credits(i);
        } else if kind < 6 {
            self.m.arts[i].translation_key = Some(self.one(&KEYS).to_string());
            if self.chance(0.7) {
                self.credits(i);
            }
        }
        if bundle {
            let dir = format!("content/{lang}/new-{id}");
            self.put(site, &format!("{dir}/photo.jpg"), Some(JPG));
            self.put(site, &format!("{dir}/map.png"), Some(PNG));
            self.m.arts[i].image = self.image(i, site);
        }
        self.m.arts[i].body = self.body(i);
        self.write_art(site, i);
        format!("add {path}")
    }

    /// Makes one edit of kind `op`; returns its description and whether it must break the site.
    fn edit(&mut self, site: &Site, op: &str) -> (String, bool) {
        let i = self.pick();
        let p = self.m.arts[i].path.clone();
        let lang = self.m.arts[i].lang().to_string();
        let what = format!("{op} of {p}");
        match op {
            "title" => self.m.arts[i].title = self.title(&lang),
            "kicker" => {
                self.m.arts[i].kicker = (!self.drop(self.m.arts[i].kicker.is_some()))
                    .then(|| format!("Kicker {}", self.rng.random_range(0..99)))
            }
            "description" => {
                self.m.arts[i].description = (!self.drop(self.m.arts[i].description.is_some()))
                    .then(|| format!("Dek number {}", self.rng.random_range(0..99)))
            }
            "body" => self.m.arts[i].body = self.body(i),
            "date" => self.m.arts[i].date = self.date(),
            "updated" => {
                self.m.arts[i].updated = if !self.drop(self.m.arts[i].updated.is_some()) {
                    Some(format!(
                        "2024-{:02}-{:02}T12:00:00Z",
                        self.rng.random_range(3..=12),
                        self.rng.random_range(1..=28)
                    ))
                } else {
                    None
                }
            }
            "authors" => {
                let n = self.rng.random_range(0..=2);
                self.m.arts[i].authors = AUTHORS
                    .choose_multiple(&mut self.rng, n)
                    .map(|s| s.to_string())
                    .collect();
            }
            "translators" => {
                if self.m.arts[i].source.is_none() {
                    self.credits(i);
                } else {
                    let n = self.rng.random_range(1..=2);
                    self.m.arts[i].translators = TRANSLATORS
                        .choose_multiple(&mut self.rng, n)
                        .map(|s| s.to_string())
                        .collect();
                }
            }
            "source" => {
                if self.m.arts[i].source.is_some() && self.chance(0.4) {
                    self.m.arts[i].source = None;
                    self.m.arts[i].translators.clear();
                    self.write_art(site, i);
                    return (format!("drop source and translators of {p}"), false);
                }
                let keep = self.m.arts[i].translators.clone();
                self.credits(i);
                if !keep.is_empty() {
                    self.m.arts[i].translators = keep;
                }
            }
            "translation_of" => {
                if self.drop(self.m.arts[i].translation_of.is_some()) {
                    self.m.arts[i].translation_of = None;
                } else if let Some(j) = self.pick_other(i, true) {
                    let r = self.reference(i, j);
                    self.m.arts[i].translation_of = Some(r);
                    if self.m.arts[i].source.is_none() && self.chance(0.7) {
                        self.credits(i);
                    }
                }
            }
            "translation_key" => {
                // Mostly a key another language version already has: groups merge and split.
                let lang = self.m.arts[i].lang().to_string();
                let keyed: Vec<String> = self
                    .m
                    .arts
                    .iter()
                    .filter(|b| b.lang() != lang)
                    .filter_map(|b| b.translation_key.clone())
                    .collect();
                self.m.arts[i].translation_key =
                    if self.drop(self.m.arts[i].translation_key.is_some()) {
                        None
                    } else if !keyed.is_empty() && self.chance(0.7) {
                        keyed.choose(&mut self.rng).cloned()
                    } else {
                        Some(self.one(&KEYS).to_string())
                    };
            }
            "story" => {
                self.m.arts[i].story = (!self.drop(self.m.arts[i].story.is_some()))
                    .then(|| self.one(&STORIES).to_string())
            }
            "tags" => {
                let n = self.rng.random_range(0..=3);
                self.m.arts[i].tags = TAGS
                    .choose_multiple(&mut self.rng, n)
                    .map(|s| s.to_string())
                    .collect();
            }
            "corrections" => {
                let n = self.rng.random_range(0..=2);
                self.m.arts[i].corrections = (0..n)
                    .map(|k| {
                        format!(
                            "{{date: 2024-{:02}-{:02}, text: Correction {k} of {}.}}",
                            self.rng.random_range(6..=12),
                            self.rng.random_range(1..=28),
                            self.rng.random_range(0..99)
                        )
                    })
                    .collect();
            }
            "image" => {
                self.m.arts[i].image = if !self.drop(self.m.arts[i].image.is_some()) {
                    self.image(i, site)
                } else {
                    None
                }
            }
            "asset" => return (self.asset(site), false),
            "draft" => self.m.arts[i].draft = !self.m.arts[i].draft,
            "aliases" => {
                self.m.arts[i].aliases = if self.drop(!self.m.arts[i].aliases.is_empty()) {
                    Vec::new()
                } else {
                    (0..self.rng.random_range(1..=2))
                        .map(|_| format!("old/{}/", self.id()))
                        .collect()
                }
            }
            "unpublished" => {
                self.m.arts[i].unpublished = match self.rng.random_range(0..4) {
                    0 | 1 => None,
                    2 => Some(format!(
                        "{{date: 2024-07-{:02}, reason: {}, note: Taken down {}.}}",
                        self.rng.random_range(1..=28),
                        self.one(&["legal", "retracted", "other"]),
                        self.id()
                    )),
                    _ => Some("false".into()),
                }
            }
            "slug" => {
                self.m.arts[i].slug = match self.rng.random_range(0..3) {
                    0 => None,
                    1 => Some(format!("custom-{}", self.id())),
                    // Another article's slug: the same URL only when language and date agree.
                    _ => self.pick_other(i, false).map(|j| self.m.arts[j].slug()),
                }
            }
            "lang" => {
                self.m.arts[i].lang = if self.chance(0.3) {
                    None
                } else {
                    Some(self.one(&LANGS).to_string())
                }
            }
            "related" => {
                let n = self.rng.random_range(0..=3);
                let mut items = Vec::new();
                for _ in 0..n {
                    if self.chance(0.3) {
                        let k = self.rng.random_range(0..99);
                        items.push(format!(
                            "{{title: Background {k}, url: 'https://elsewhere.example/{k}', kicker: Explainer, description: Context {k}}}"
                        ));
                    } else if let Some(j) = self.pick_other(i, false) {
                        let r = self.reference(i, j);
                        if !items.contains(&r) {
                            items.push(r);
                        }
                    }
                }
                self.m.arts[i].related = items;
            }
            "related_count" => {
                self.m.arts[i].related_count = (!self.drop(self.m.arts[i].related_count.is_some()))
                    .then(|| self.rng.random_range(0..=3))
            }
            "extra" => {
                self.m.arts[i].extra = match self.rng.random_range(0..3) {
                    0 => None,
                    1 => Some("{mood: calm}".into()),
                    _ => Some(format!(
                        "{{rank: {}, flags: [a, b]}}",
                        self.rng.random_range(0..9)
                    )),
                }
            }
            "add" => return (self.add(site), false),
            "delete" => {
                let c: Vec<usize> = (0..self.m.arts.len())
                    .filter(|&j| !self.referenced(j))
                    .collect();
                let Some(&j) = c.choose(&mut self.rng) else {
                    return ("nothing to delete".into(), false);
                };
                let a = self.m.arts.remove(j);
                for f in bundle_files(site, &a) {
                    self.put(site, &f, None);
                }
                return (format!("delete {}", a.path), false);
            }
            "rename" => {
                let c: Vec<usize> = (0..self.m.arts.len())
                    .filter(|&j| !self.referenced(j))
                    .collect();
                let Some(&j) = c.choose(&mut self.rng) else {
                    return ("nothing to rename".into(), false);
                };
                let id = self.id();
                let a = self.m.arts[j].clone();
                let to = if a.is_bundle() {
                    format!("{}/moved-{id}/index.md", a.folder_lang())
                } else {
                    format!("{}/moved-{id}.md", a.folder_lang())
                };
                let (from_dir, to_dir) = if a.is_bundle() {
                    (
                        format!("content/{}", a.dir()),
                        format!("content/{}", Path::new(&to).parent().unwrap().display()),
                    )
                } else {
                    (format!("content/{}", a.path), format!("content/{to}"))
                };
                // Record every file for the undo, then move with one rename.
                for f in bundle_files(site, &a) {
                    let new = f.replacen(&from_dir, &to_dir, 1);
                    self.touched.push(Touched {
                        before: std::fs::read(site.root().join(&f)).ok(),
                        rel: f,
                    });
                    self.touched.push(Touched {
                        rel: new,
                        before: None,
                    });
                }
                site.rename(&from_dir, &to_dir);
                self.m.arts[j].path = to.clone();
                return (format!("rename {} to {to}", a.path), false);
            }
            "people" => return (self.people(site), false),
            "site" => return (self.site_toml(site), false),
            "template" => return (self.template(site), false),
            "i18n" => return (self.i18n(site), false),
            "static" => return (self.statics(site), false),
            "break" => return (self.breakage(site), true),
            _ => unreachable!("{op}"),
        }
        self.write_art(site, i);
        (what, false)
    }

    /// Adds, removes or changes a file of a page bundle.
    fn asset(&mut self, site: &Site) -> String {
        let bundles: Vec<usize> = (0..self.m.arts.len())
            .filter(|&j| self.m.arts[j].is_bundle())
            .collect();
        let Some(&j) = bundles.choose(&mut self.rng) else {
            return self.add(site);
        };
        let dir = format!("content/{}", self.m.arts[j].dir());
        let mut files: Vec<String> = std::fs::read_dir(site.root().join(&dir))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|f| f != "index.md")
            .collect();
        files.sort();
        match self.rng.random_range(0..3) {
            0 if !files.is_empty() => {
                let f = files.choose(&mut self.rng).unwrap().clone();
                self.put(site, &format!("{dir}/{f}"), None);
                format!("remove asset {dir}/{f}")
            }
            1 if !files.is_empty() => {
                let f = files.choose(&mut self.rng).unwrap().clone();
                let mut bytes = if f.ends_with(".png") { PNG } else { JPG }.to_vec();
                bytes.extend_from_slice(format!("{}", self.id()).as_bytes());
                self.put(site, &format!("{dir}/{f}"), Some(&bytes));
                format!("change asset {dir}/{f}")
            }
            _ => {
                let f = format!("extra-{}.png", self.id());
                self.put(site, &format!("{dir}/{f}"), Some(PNG));
                format!("add asset {dir}/{f}")
            }
        }
    }

    fn people(&mut self, site: &Site) -> String {
        let n = self.rng.random_range(0..100);
        let mut y = String::from("# People of the fixture.\n");
        if self.chance(0.85) {
            let uk = self.one(&["Анна Райтер", "Ганна Райтер"]);
            y.push_str(&format!(
                "- name: Ann Writer\n  names:\n    ru: Анна Райтер\n    uk: {uk}\n"
            ));
            if self.chance(0.7) {
                y.push_str("  aliases: [Анна Райтер]\n");
            }
            y.push_str(&format!(
                "  bio: Ann covers rivers, bio {n}.\n  bios:\n    ru: Анна пишет о реках, {n}.\n"
            ));
            if self.chance(0.5) {
                y.push_str(&format!(
                    "  links:\n    - {{title: Site {n}, url: 'https://ann.example/{n}'}}\n"
                ));
            }
        }
        if self.chance(0.85) {
            y.push_str(
                "- name: Anna Kovaleva\n  names: {ru: Анна Ковалёва, uk: Анна Ковальова}\n  aliases: [Анна Ковалёва]\n",
            );
        }
        if self.chance(0.85) {
            let ru = self.one(&["Таня Перевод", "Татьяна Перевод"]);
            y.push_str(&format!(
                "- name: Tanya Perevod\n  names: {{ru: {ru}}}\n  aliases: [Таня Перевод]\n  bio: Translator {n}.\n"
            ));
        }
        if self.chance(0.6) {
            y.push_str(
                "- name: Olena Marchenko\n  names: {uk: Олена Марченко, ru: Елена Марченко}\n  aliases: [Олена Марченко]\n",
            );
        }
        self.put(site, "content/people.yaml", Some(y.as_bytes()));
        "people.yaml".into()
    }

    fn site_toml(&mut self, site: &Site) -> String {
        let c = &mut self.m.conf;
        let what = match self.rng.random_range(0..11) {
            0 => {
                c.paginate = [2, 3, 10][self.rng.random_range(0..3)];
                "paginate"
            }
            1 => {
                c.feed_limit = [2, 4, 0][self.rng.random_range(0..3)];
                "feeds.limit"
            }
            2 => {
                c.full_text = !c.full_text;
                "feeds.full_text"
            }
            3 => {
                c.related_count = self.rng.random_range(1..=3);
                "related.count"
            }
            4 => {
                c.tags_weight = [0.0, 3.0, 8.0][self.rng.random_range(0..3)];
                "related.tags"
            }
            5 => {
                c.fingerprint = !c.fingerprint;
                "fingerprint"
            }
            6 => {
                c.minify = !c.minify;
                "minify"
            }
            7 => {
                c.prefix_default = !c.prefix_default;
                "prefix_default_language"
            }
            8 => {
                c.permalink = [
                    "/:lang/:year/:month/:day/:slug/",
                    "/:lang/:slug/",
                    "/:lang/:year/:slug/",
                ][self.rng.random_range(0..3)];
                "permalink"
            }
            9 => {
                c.ru_name = ["Русский", "По-русски"][self.rng.random_range(0..2)];
                c.uk_title = self
                    .rng
                    .random_bool(0.5)
                    .then(|| format!("Реле {}", self.rng.random_range(0..9)));
                "language names"
            }
            _ => {
                c.title = format!("Random Relay {}", self.rng.random_range(0..99));
                "title"
            }
        };
        let text = self.m.conf.text();
        self.put(site, "site.toml", Some(text.as_bytes()));
        format!("site.toml {what}")
    }

    /// Overrides a theme template in the site's templates/, or removes an override.
    fn template(&mut self, site: &Site) -> String {
        let n = self.rng.random_range(0..1000);
        let theme = |name: &str| {
            std::fs::read_to_string(site.root().join("themes/local/templates").join(name)).unwrap()
        };
        match self.rng.random_range(0..5) {
            0 => {
                self.put(
                    site,
                    "templates/404.html",
                    Some(
                        format!(
                            "<!doctype html><title>{{{{ page.title }}}}</title><p>Lost {n} in {{{{ lang }}}}</p>\n"
                        )
                        .as_bytes(),
                    ),
                );
                "template 404.html".into()
            }
            1 => {
                let t = theme("partials/card.html").replacen(
                    "<article class=\"card",
                    &format!("<article data-v=\"{n}\" class=\"card"),
                    1,
                );
                self.put(site, "templates/partials/card.html", Some(t.as_bytes()));
                "template partials/card.html".into()
            }
            2 => {
                let t = theme("article.html").replacen(
                    "{% block main %}",
                    &format!("{{% block main %}}<p class=\"v\">v{n}</p>"),
                    1,
                );
                self.put(site, "templates/article.html", Some(t.as_bytes()));
                "template article.html".into()
            }
            3 => {
                let t = theme("base.html").replacen(
                    "<meta charset=\"utf-8\">",
                    &format!("<meta charset=\"utf-8\"><meta name=\"v\" content=\"{n}\">"),
                    1,
                );
                self.put(site, "templates/base.html", Some(t.as_bytes()));
                "template base.html".into()
            }
            _ => {
                let f = self.one(&[
                    "404.html",
                    "partials/card.html",
                    "article.html",
                    "base.html",
                ]);
                let rel = format!("templates/{f}");
                if site.root().join(&rel).exists() {
                    self.put(site, &rel, None);
                }
                format!("remove template override {f}")
            }
        }
    }

    /// Changes one UI string of the theme in one language.
    fn i18n(&mut self, site: &Site) -> String {
        let lang = self.one(&LANGS);
        let (key, value) = match self.rng.random_range(0..6) {
            0 => ("external", "Elsewhere"),
            1 => ("story_by", "Words by"),
            2 => ("translation_by", "Translated by"),
            3 => ("source_label", "Original:"),
            4 => ("tags_label", "Topics:"),
            _ => ("related_reading", "Also read"),
        };
        let rel = format!("themes/local/i18n/{lang}.toml");
        let text = std::fs::read_to_string(site.root().join(&rel)).unwrap_or_default();
        let n = self.rng.random_range(0..100);
        let line = format!("{key} = \"{value} {n}\"");
        let mut found = false;
        let mut out: Vec<String> = text
            .lines()
            .map(|l| {
                if !found && l.starts_with(&format!("{key} = ")) {
                    found = true;
                    line.clone()
                } else {
                    l.to_string()
                }
            })
            .collect();
        if !found {
            // Top-level keys go before the first table.
            let at = out
                .iter()
                .position(|l| l.starts_with('['))
                .unwrap_or(out.len());
            out.insert(at, line);
        }
        self.put(site, &rel, Some((out.join("\n") + "\n").as_bytes()));
        format!("UI string {key} in {lang}")
    }

    fn statics(&mut self, site: &Site) -> String {
        let n = self.id();
        match self.rng.random_range(0..4) {
            // Every other time (the same random draws as before it was added, so seeds replay
            // as they did): the masthead the theme shows through `image()`, new bytes.
            0 if n % 2 == 1 => {
                let img = image::RgbImage::from_fn(700, 200, |x, y| {
                    image::Rgb([(x % 256) as u8, (n % 256) as u8, (y % 256) as u8])
                });
                let mut jpg = Vec::new();
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, 70)
                    .encode_image(&img)
                    .unwrap();
                self.put(site, "static/images/masthead.jpg", Some(&jpg));
                "static images/masthead.jpg".into()
            }
            0 => {
                self.put(
                    site,
                    "static/css/extra.css",
                    Some(format!("body {{ z-index: {n}; }}\n").as_bytes()),
                );
                "static css/extra.css".into()
            }
            1 => {
                self.put(
                    site,
                    &format!("static/files/note-{n}.txt"),
                    Some(b"a note\n"),
                );
                format!("add static files/note-{n}.txt")
            }
            2 => {
                let dir = site.root().join("static/files");
                let files: Vec<String> = std::fs::read_dir(dir)
                    .map(|d| {
                        d.flatten()
                            .map(|e| e.file_name().to_string_lossy().into_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                let mut files = files;
                files.sort();
                match files.choose(&mut self.rng) {
                    Some(f) => {
                        let rel = format!("static/files/{f}");
                        self.put(site, &rel, None);
                        format!("remove {rel}")
                    }
                    None => "no static file to remove".into(),
                }
            }
            _ => {
                let rel = "themes/local/static/css/style.css";
                let mut css = std::fs::read(site.root().join(rel)).unwrap();
                css.extend_from_slice(format!(".v{n} {{ color: red; }}\n").as_bytes());
                self.put(site, rel, Some(&css));
                "theme css/style.css".into()
            }
        }
    }

    /// An edit after which the site must not build.
    fn breakage(&mut self, site: &Site) -> String {
        // Links, references and credits of drafts and taken-down articles are not checked
        // (what gen publishes of them is nothing, or a tombstone): break a published article.
        let arts = &self.m.arts;
        let taken = |a: &Art| a.unpublished.as_deref().is_some_and(|u| u != "false");
        // Translations follow a taken-down original: stay away from every version of one.
        let near_takedown = |a: &Art| {
            arts.iter().filter(|t| taken(t)).any(|t| {
                std::ptr::eq(t, a)
                    || a.translation_of.as_deref() == Some(t.path.as_str())
                    || t.translation_of.as_deref() == Some(a.path.as_str())
                    || (a.translation_of.is_some() && a.translation_of == t.translation_of)
                    || (a.translation_key.is_some() && a.translation_key == t.translation_key)
            })
        };
        let live: Vec<usize> = (0..arts.len())
            .filter(|&j| !arts[j].draft && !near_takedown(&arts[j]))
            .collect();
        let i = match live.choose(&mut self.rng) {
            Some(&i) => i,
            None => self.pick(),
        };
        let p = self.m.arts[i].path.clone();
        let rel = format!("content/{p}");
        match self.rng.random_range(0..14) {
            0 => {
                let t = self.m.arts[i]
                    .text()
                    .replacen("title:", "title: [broken\nx:", 1);
                self.put(site, &rel, Some(t.as_bytes()));
                format!("break: bad YAML in {p}")
            }
            1 => {
                if self.m.arts[i].source.is_none() {
                    self.credits(i);
                    self.m.arts[i].translators.clear();
                    self.write_art(site, i);
                    format!("break: source without translators in {p}")
                } else {
                    self.m.arts[i].translators.clear();
                    self.write_art(site, i);
                    format!("break: translation without translators: {p}")
                }
            }
            2 => {
                self.m.arts[i].translators = vec!["Tanya Perevod".into()];
                self.m.arts[i].source = None;
                self.write_art(site, i);
                format!("break: translators without source in {p}")
            }
            3 => {
                self.m.arts[i]
                    .body
                    .push_str("\nA [broken link](@/en/nothing-here.md).\n");
                self.write_art(site, i);
                format!("break: broken link in {p}")
            }
            4 => {
                self.m.arts[i].translation_of = Some("ru/missing-original.md".into());
                self.write_art(site, i);
                format!("break: translation_of a missing article in {p}")
            }
            5 => {
                let t = self.m.arts[i]
                    .text()
                    .replacen("title:", "titel: Typo\ntitle:", 1);
                self.put(site, &rel, Some(t.as_bytes()));
                format!("break: unknown key in {p}")
            }
            6 => {
                self.put(
                    site,
                    "templates/partials/card.html",
                    Some(b"{% if %}broken"),
                );
                "break: template syntax".into()
            }
            7 => {
                let t = format!("colour = \"red\"\n{}", self.m.conf.text());
                self.put(site, "site.toml", Some(t.as_bytes()));
                "break: unknown key in site.toml".into()
            }
            8 => {
                let rel = "themes/local/i18n/ru.toml";
                let mut t = std::fs::read(site.root().join(rel)).unwrap();
                t.extend_from_slice(b"\nstory_by = \"unterminated\n");
                self.put(site, rel, Some(&t));
                "break: bad TOML in UI strings".into()
            }
            9 => {
                self.put(site, "content/people.yaml", Some(b"- name: [broken\n"));
                "break: bad people.yaml".into()
            }
            10 => {
                self.m.arts[i].image = Some("{src: photo.jpg, caption: No alt}".into());
                self.write_art(site, i);
                format!("break: image without alt in {p}")
            }
            11 => {
                self.m.arts[i].date = "2024-13-45".into();
                self.write_art(site, i);
                format!("break: invalid date in {p}")
            }
            12 => {
                // Two versions in one language: a translation of an article in its own language.
                let lang = self.m.arts[i].lang().to_string();
                let same: Vec<usize> = (0..self.m.arts.len())
                    .filter(|&j| j != i && self.m.arts[j].lang() == lang && !self.m.arts[j].draft)
                    .collect();
                match same.choose(&mut self.rng) {
                    Some(&j) if !self.m.arts[i].draft => {
                        self.m.arts[i].translation_of = Some(self.m.arts[j].path.clone());
                        self.write_art(site, i);
                        format!("break: translation_of an article in the same language in {p}")
                    }
                    _ => {
                        self.m.arts[i].slug = Some("a/b".into());
                        self.write_art(site, i);
                        format!("break: slug with a slash in {p}")
                    }
                }
            }
            _ => {
                self.m.arts[i].related = vec!["no-such-article".into()];
                self.write_art(site, i);
                format!("break: related names a missing article in {p}")
            }
        }
    }

    /// Puts back the files and the model of the last edit.
    fn revert(&mut self, site: &Site) -> String {
        let (touched, model) = self.undo.take().expect("an edit to undo");
        for t in touched.iter().rev() {
            self.put(site, &t.rel, t.before.as_deref());
        }
        self.m = model;
        format!(
            "undo ({})",
            touched
                .iter()
                .map(|t| t.rel.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    /// Runs `f` as one edit, remembering how to undo it; `None` when it changed no file.
    fn run(
        &mut self,
        site: &Site,
        f: impl FnOnce(&mut Editor, &Site) -> (String, bool),
    ) -> Option<(String, bool)> {
        let before = self.m.clone();
        self.touched.clear();
        let r = f(self, site);
        if self.touched.is_empty() {
            self.m = before;
            return None;
        }
        self.undo = Some((std::mem::take(&mut self.touched), before));
        Some(r)
    }
}

/// The files of an article: its Markdown file, and for a bundle everything in its folder.
fn bundle_files(site: &Site, a: &Art) -> Vec<String> {
    if !a.is_bundle() {
        return vec![format!("content/{}", a.path)];
    }
    let dir = site.root().join("content").join(a.dir());
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| format!("content/{}/{}", a.dir(), e.file_name().to_string_lossy()))
        .collect();
    // The Markdown file last: the folder stops being a bundle only at the end.
    files.sort_by_key(|f| (f.ends_with("/index.md"), f.clone()));
    files
}

/// The last `n` lines of a log.
fn tail(log: &str, n: usize) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn art(path: &str, title: &str, date: &str, f: impl FnOnce(&mut Art)) -> Art {
    let mut a = Art {
        path: path.into(),
        title: title.into(),
        date: date.into(),
        ..Art::default()
    };
    f(&mut a);
    a
}

fn initial_articles() -> Vec<Art> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        art("en/about.md", "About us", "2024-01-15T09:00:00Z", |a| {
            a.body = "Who we are.\n".into();
        }),
        art(
            "en/alpha.md",
            "Alpha dam report",
            "2024-03-01T10:00:00Z",
            |a| {
                a.authors = s(&["Ann Writer"]);
                a.tags = s(&["water", "dams"]);
                a.story = Some("Dam inquiry".into());
                a.kicker = Some("Deep concerns".into());
                a.body =
                    "The dam \"leaks\" into the river. See [about us](@/en/about.md).\n".into();
            },
        ),
        art(
            "en/beta/index.md",
            "Beta flood pictures",
            "2024-03-02T10:00:00Z",
            |a| {
                a.authors = s(&["Bob Reporter"]);
                a.tags = s(&["water"]);
                a.story = Some("Dam inquiry".into());
                a.image = Some(
                "{src: photo.jpg, alt: The flooded village, caption: After the flood, credit: Photo by the desk, width: 800, height: 600}".into(),
            );
                a.body = "The flood reached the village.\n\n![A map of the river](map.png \"The river | Map by the desk\")\n".into();
            },
        ),
        art(
            "en/gamma.md",
            "Gamma energy prices",
            "2024-03-03T10:00:00Z",
            |a| {
                a.authors = s(&["Dana Field"]);
                a.translators = s(&["Max Ubersetzer"]);
                a.source = Some("{name: Berliner Blatt, url: 'https://blatt.example.de/energie', lang: de, published: 2024-03-02T18:00:00+01:00}".into());
                a.tags = s(&["energy"]);
                a.body = "Energy prices rose in the village.\n".into();
            },
        ),
        art(
            "ru/alpha.md",
            "Альфа, доклад о плотине",
            "2024-03-05T10:00:00+03:00",
            |a| {
                a.translation_of = Some("en/alpha.md".into());
                a.authors = s(&["Ann Writer"]);
                a.translators = s(&["Таня Перевод"]);
                a.source = Some("{name: Random Relay, url: 'https://random.example/2024/03/01/alpha-dam-report/', lang: en, published: 2024-03-01T10:00:00Z}".into());
                a.tags = s(&["water"]);
                a.story = Some("Dam inquiry".into());
                a.body = "Плотина \"течёт\" в реку.\n".into();
            },
        ),
        art(
            "ru/plotina.md",
            "Трещины в плотине",
            "2024-02-12T08:00:00+03:00",
            |a| {
                a.authors = s(&["Анна Ковалёва", "Анна Райтер"]);
                a.tags = s(&["вода", "dams"]);
                a.story = Some("Плотина".into());
                a.translation_key = Some("k-dam".into());
                a.updated = Some("2024-02-20T08:00:00+03:00".into());
                a.body = "Весной инженеры описали трещину в плотине.\n".into();
            },
        ),
        art(
            "en/plotina.md",
            "Cracks in the dam",
            "2024-02-14T08:00:00Z",
            |a| {
                a.translation_of = Some("../ru/plotina.md".into());
                a.authors = s(&["Anna Kovaleva", "Ann Writer"]);
                a.translators = s(&["Tanya Perevod"]);
                a.source = Some("{name: Severny Vestnik, url: 'https://severny-vestnik.example.net/2024/02/12/treshchiny', lang: ru, published: 2024-02-12T08:00:00+03:00}".into());
                a.tags = s(&["water", "dams"]);
                a.story = Some("Dam inquiry".into());
                a.body = "In spring, engineers described a crack in the dam.\n".into();
            },
        ),
        art(
            "uk/plotina.md",
            "Тріщини в греблі",
            "2024-02-15T08:00:00+02:00",
            |a| {
                a.translation_key = Some("k-dam".into());
                a.authors = s(&["Анна Ковальова"]);
                a.translators = s(&["Олена Марченко"]);
                a.source = Some("{name: Severny Vestnik, url: 'https://severny-vestnik.example.net/2024/02/12/treshchiny', lang: ru}".into());
                a.tags = s(&["water"]);
                a.body = "Навесні інженери описали тріщину в греблі.\n".into();
            },
        ),
        art(
            "uk/zerno.md",
            "Зерновий коридор",
            "2024-01-20T09:00:00+02:00",
            |a| {
                a.authors = s(&["Olena Marchenko"]);
                a.tags = s(&["grain", "ports"]);
                a.story = Some("Grain corridor".into());
                a.related = s(&[
                    "plotina",
                    "{title: Background, url: 'https://elsewhere.example/grain', kicker: Explainer, description: How the corridor works}",
                ]);
                a.body = "Кораблі з зерном вийшли з порту.\n".into();
            },
        ),
        art(
            "en/grain.md",
            "Grain corridor reopens",
            "2024-01-22T09:00:00Z",
            |a| {
                a.translation_of = Some("../uk/zerno.md".into());
                a.translators = s(&["Max Ubersetzer"]);
                a.source = Some("{name: Dnipro Chronicle, url: 'https://dnipro.example.net/news/zerno', lang: uk}".into());
                a.tags = s(&["grain"]);
                a.story = Some("Grain corridor".into());
                a.corrections =
                    s(&["{date: 2024-01-23, text: An earlier version misnamed the port.}"]);
                a.body = "Ships with grain left the port.\n".into();
            },
        ),
        art(
            "de/getreide.md",
            "Getreidekorridor wieder offen",
            "2024-01-23T09:00:00+01:00",
            |a| {
                a.translation_of = Some("uk/zerno.md".into());
                a.translators = s(&["Max Ubersetzer"]);
                a.source = Some("{name: Dnipro Chronicle, url: 'https://dnipro.example.net/news/zerno', lang: uk}".into());
                a.tags = s(&["grain"]);
                a.body = "Schiffe mit Getreide verließen den Hafen.\n".into();
            },
        ),
        art(
            "ru/sud.md",
            "Суд над подрядчиком",
            "2024-03-10T12:00:00+03:00",
            |a| {
                a.authors = s(&["Bob Reporter"]);
                a.tags = s(&["courts"]);
                a.related = s(&["alpha"]);
                a.related_count = Some(3);
                a.extra = Some("{mood: calm}".into());
                a.slug = Some("sud-podryadchik".into());
                a.body = "Суд начал рассматривать дело подрядчика.\n".into();
            },
        ),
    ]
}

/// Writes the fixture: site.toml, the default theme copied to `themes/local`, articles, people,
/// a bundle's images and a static file.
fn fixture(ed: &Editor) -> Site {
    let site = Site::new(&[("site.toml", &ed.m.conf.text())]);
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    for e in walkdir::WalkDir::new(&theme) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&theme).unwrap();
            let to = site.root().join("themes/local").join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(e.path(), to).unwrap();
        }
    }
    for a in &ed.m.arts {
        site.write(&format!("content/{}", a.path), &a.text());
    }
    std::fs::write(site.root().join("content/en/beta/photo.jpg"), JPG).unwrap();
    // A static masthead shown through `image()`.
    let base = site.root().join("themes/local/templates/base.html");
    let text = std::fs::read_to_string(&base).unwrap().replacen(
        "</header>",
        "{% set m = image(path=\"images/masthead.jpg\") %}<img class=\"masthead\" src=\"{{ m.src }}\" srcset=\"{{ m.srcset }}\" width=\"{{ m.width }}\" height=\"{{ m.height }}\" alt=\"\"></header>",
        1,
    );
    std::fs::write(&base, text).unwrap();
    std::fs::create_dir_all(site.root().join("static/images")).unwrap();
    std::fs::write(site.root().join("static/images/masthead.jpg"), JPG).unwrap();
    std::fs::write(site.root().join("content/en/beta/map.png"), PNG).unwrap();
    site.write(
        "content/people.yaml",
        "- name: Ann Writer\n  names:\n    ru: Анна Райтер\n    uk: Анна Райтер\n  aliases: [Анна Райтер]\n  bio: Ann covers rivers.\n\
         - name: Anna Kovaleva\n  names: {ru: Анна Ковалёва, uk: Анна Ковальова}\n  aliases: [Анна Ковалёва]\n\
         - name: Tanya Perevod\n  names: {ru: Таня Перевод}\n  aliases: [Таня Перевод]\n",
    );
    site.write("static/css/extra.css", "body { color: black; }\n");
    site
}

/// A failed comparison.
struct Failure {
    seed: u64,
    edit: usize,
    log: Vec<String>,
    message: String,
}

/// The failed seeds, each with how to replay it (`replay`: the variables that run one seed of
/// `edits` edits, up to the `=` of the count).
fn report(failures: &[Failure], seeds: u64, replay: &str, edits: usize) -> String {
    let mut msg = format!("{} of {seeds} seeds failed:", failures.len());
    for f in failures {
        msg.push_str(&format!(
            "\n=== seed {} failed after edit {} (replay: GEN_RANDOM_EDITS_SEED={} {replay}={edits})\nedits:\n  {}\n{}\n",
            f.seed,
            f.edit,
            f.seed,
            f.log.join("\n  "),
            f.message
        ));
    }
    msg
}

fn env_num(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        Err(_) => default,
    }
}

/// Runs one seed; `Err` at the first edit after which the server and a clean build disagree.
fn run_seed(seed: u64, edits: usize) -> Result<(), Failure> {
    let mut ed = Editor::new(seed);
    let site = fixture(&ed);
    let srv = Server::start(&site, &[]);
    let mut log: Vec<String> = Vec::new();
    let fail = |edit: usize, log: &[String], message: String| Failure {
        seed,
        edit,
        log: log.to_vec(),
        message,
    };

    // The last tree a clean build wrote: what the server keeps serving while the site is broken.
    let first = site
        .try_clean_build(&srv.url, "clean-0")
        .map_err(|e| fail(0, &log, format!("the fixture does not build:\n{e}")))?;
    let mut last_good = tree(&first);
    std::fs::remove_dir_all(&first).unwrap();
    if let Some(d) = tree_report(&tree(&srv.served_dir()), &last_good) {
        return Err(fail(0, &log, format!("the first build differs:\n{d}")));
    }

    // Every kind of edit once, in a random order, then random ones. The list has its own
    // generator, so a longer run starts with the same edits as a shorter one.
    let mut order = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let mut ops: Vec<&str> = OPS.to_vec();
    ops.shuffle(&mut order);
    while ops.len() < edits {
        let op = match order.random_range(0..14) {
            0 => "add",
            1 => "delete",
            2 => "break",
            3 => "translation_of",
            4 => "translation_key",
            5 => "translators",
            6 => "source",
            _ => *OPS.choose(&mut order).unwrap(),
        };
        ops.push(op);
    }
    ops.truncate(edits);
    let mut ops = ops.into_iter();
    let mut needs_undo = false;
    let mut n = 0;
    let mut errors = 0;
    let mut retries = 0;
    loop {
        let b = srv.builds();
        let step = if needs_undo {
            ed.run(&site, |e, s| (e.revert(s), false))
        } else {
            let Some(op) = ops.next() else { break };
            // An edit may happen to change nothing (a value drawn again): draw again.
            (0..8).find_map(|_| ed.run(&site, |e, s| e.edit(s, op)))
        };
        let Some((what, must_break)) = step else {
            continue;
        };
        n += 1;
        let clean = site.try_clean_build(&srv.url, &format!("clean-{n}"));
        log.push(match &clean {
            Ok(_) => format!("{n}: {what}"),
            Err(e) => format!(
                "{n}: {what} [site invalid: {}]",
                e.lines().find(|l| l.contains("error")).unwrap_or("")
            ),
        });
        if must_break && clean.is_ok() {
            return Err(fail(
                n,
                &log,
                "this edit should make the site invalid, but gen build succeeded".into(),
            ));
        }
        let expected = match &clean {
            Ok(dir) => {
                let t = tree(dir);
                std::fs::remove_dir_all(dir).unwrap();
                t
            }
            Err(_) => last_good.clone(),
        };
        let check = |st: &serde_json::Value| -> Result<(), String> {
            let ok = st["ok"].as_bool().unwrap();
            match &clean {
                Ok(_) if !ok => {
                    return Err(format!(
                        "gen build succeeds but the server reports errors: {}",
                        st["errors"]
                    ));
                }
                Err(e) if ok => {
                    return Err(format!(
                        "gen build fails but the server reports no error; gen build said:\n{e}"
                    ));
                }
                _ => {}
            }
            match tree_report(&tree(&srv.served_dir()), &expected) {
                None => Ok(()),
                Some(d) if clean.is_ok() => {
                    Err(format!("the served tree differs from a clean build:\n{d}"))
                }
                Some(d) => Err(format!(
                    "the site is invalid, and the served tree is no longer the last good build:\n{d}"
                )),
            }
        };
        let st = srv.wait_builds(b + 1);
        eprintln!("seed {seed} edit {}", log.last().unwrap());
        if let Err(first) = check(&st) {
            retries += 1;
            eprintln!(
                "  not settled at first look: {}",
                first.lines().next().unwrap_or("")
            );
            // The watcher may have reported the edit's files in two batches: let every build
            // finish, then compare again.
            let st = srv.wait_quiet();
            if let Err(second) = check(&st) {
                return Err(fail(
                    n,
                    &log,
                    format!(
                        "{second}\n(first look, before the server was quiet: {first})\nserver status: {st}\n\
                         server stderr (last lines):\n{}",
                        tail(&srv.stderr.lock().unwrap(), 30)
                    ),
                ));
            }
        }
        needs_undo = clean.is_err();
        if clean.is_ok() {
            last_good = expected;
        } else {
            errors += 1;
        }
    }
    let st = srv.status();
    eprintln!(
        "seed {seed}: {n} edits, {errors} of them invalid, {retries} compared again once the \
         server was quiet; server builds {}, follow-ups {}",
        st["builds"], st["settles"]
    );
    Ok(())
}

/// `gen build` of the fixture into `out` (with `--incremental`, or a full build), for the same
/// URL and build time as the clean builds: `Ok((pages, rendered))` or its stderr.
fn build_into(site: &Site, out: &Path, incremental: bool) -> Result<(u64, u64), String> {
    let mut args = vec!["--format", "json"];
    if incremental {
        args.push("--incremental");
    }
    let stdout = site.build_into(BUILD_URL, out, &args)?;
    let report: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    Ok((
        report["pages"].as_u64().unwrap(),
        report["rendered"].as_u64().unwrap(),
    ))
}

const BUILD_URL: &str = "https://news.example/";

/// Runs one seed of incremental builds: after every edit, `gen build --incremental` changes the
/// same output folder in place and must leave it equal to a clean build; when the edit breaks
/// the site, it must fail and leave the folder as the last good build.
fn run_seed_build(seed: u64, edits: usize) -> Result<(u64, u64), Failure> {
    let mut ed = Editor::new(seed);
    let site = fixture(&ed);
    let out = site.tmp().join("incremental");
    let reference = site.tmp().join("full");
    let mut log: Vec<String> = Vec::new();
    let fail = |edit: usize, log: &[String], message: String| Failure {
        seed,
        edit,
        log: log.to_vec(),
        message,
    };
    // Whole-site builds (the first, and after edits that change the theme or site.toml) and
    // builds that rendered only part of the site.
    let (mut partial, mut builds) = (0, 0);
    let mut last_good = BTreeMap::new();
    let mut order = ChaCha8Rng::seed_from_u64(seed ^ 0xb11d);
    let mut needs_undo = false;
    for n in 0..=edits {
        let what = if n == 0 {
            "first build".to_string()
        } else if needs_undo {
            ed.run(&site, |e, s| (e.revert(s), false))
                .map(|(w, _)| w)
                .unwrap_or_else(|| "undo (nothing)".into())
        } else {
            let op = if order.random_range(0..4) == 0 {
                ["add", "delete", "break"][order.random_range(0..3)]
            } else {
                *OPS.choose(&mut order).unwrap()
            };
            match (0..8).find_map(|_| ed.run(&site, |e, s| e.edit(s, op))) {
                Some((w, _)) => w,
                None => continue,
            }
        };
        // The full build writes into a folder of its own, built after every edit like the
        // incremental one: a build keeps the first URL of an article that moved (its feed
        // identity) from the folder's previous build, so both folders need the same history.
        let clean = build_into(&site, &reference, false);
        log.push(format!(
            "{n}: {what}{}",
            if clean.is_err() {
                " [site invalid]"
            } else {
                ""
            }
        ));
        let got = build_into(&site, &out, true);
        match (&clean, got) {
            (Ok(_), Ok((pages, rendered))) => {
                builds += 1;
                if rendered < pages {
                    partial += 1;
                }
                let expected = tree(&reference);
                if let Some(d) = tree_report(&tree(&out), &expected) {
                    return Err(fail(
                        n,
                        &log,
                        format!(
                            "the incremental build differs from a clean build ({rendered} of {pages} pages rendered):\n{d}"
                        ),
                    ));
                }
                last_good = expected;
                needs_undo = false;
            }
            (Ok(_), Err(e)) => {
                return Err(fail(
                    n,
                    &log,
                    format!("gen build succeeds, gen build --incremental fails:\n{e}"),
                ));
            }
            (Err(e), Ok(_)) => {
                return Err(fail(
                    n,
                    &log,
                    format!(
                        "gen build fails, gen build --incremental succeeds; gen build said:\n{e}"
                    ),
                ));
            }
            (Err(_), Err(_)) => {
                if n == 0 {
                    return Err(fail(n, &log, "the fixture does not build".into()));
                }
                if let Some(d) = tree_report(&tree(&out), &last_good) {
                    return Err(fail(
                        n,
                        &log,
                        format!("a failed incremental build changed the output:\n{d}"),
                    ));
                }
                needs_undo = true;
            }
        }
        eprintln!("seed {seed} {}", log.last().unwrap());
    }
    Ok((builds, partial))
}

#[test]
fn random_edits_incremental_build_equals_a_clean_build() {
    let edits = env_num("GEN_BUILD_EDITS", 40) as usize;
    let seeds = env_num("GEN_BUILD_EDITS_SEEDS", 1);
    let first = env_num("GEN_RANDOM_EDITS_SEED", 1);
    let mut failures = Vec::new();
    let (mut builds, mut partial) = (0, 0);
    for seed in first..first + seeds {
        match run_seed_build(seed, edits) {
            Ok((b, p)) => {
                builds += b;
                partial += p;
            }
            Err(f) => failures.push(f),
        }
    }
    assert!(
        failures.is_empty(),
        "{}",
        report(
            &failures,
            seeds,
            "GEN_BUILD_EDITS_SEEDS=1 GEN_BUILD_EDITS",
            edits
        )
    );
    // The cache was used: most builds after an edit of content render part of the site only.
    assert!(
        partial * 2 > builds,
        "only {partial} of {builds} incremental builds rendered fewer pages than the site has"
    );
}

#[test]
fn random_edits_equal_a_clean_build() {
    let edits = env_num("GEN_RANDOM_EDITS", 40) as usize;
    let seeds = env_num("GEN_RANDOM_EDITS_SEEDS", 1);
    let first = env_num("GEN_RANDOM_EDITS_SEED", 1);
    assert_eq!(
        EPOCH, "1735689600",
        "the dates above assume this build time"
    );
    let mut failures = Vec::new();
    for seed in first..first + seeds {
        let t = Instant::now();
        if let Err(f) = run_seed(seed, edits) {
            failures.push(f);
        }
        eprintln!("seed {seed} took {:.1} s", t.elapsed().as_secs_f64());
    }
    if !failures.is_empty() {
        panic!(
            "{}",
            report(
                &failures,
                seeds,
                "GEN_RANDOM_EDITS_SEEDS=1 GEN_RANDOM_EDITS",
                edits
            )
        );
    }
}
