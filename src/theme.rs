//! The theme: Tera templates (theme's own, overridden by the site's `templates/`), static files,
//! UI strings per language, and the filters templates use for labels, plurals and dates.
//!
//! The default theme lives in `themes/default` and is embedded in the binary, so a folder with
//! only `site.toml` and `content/` builds.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;
use serde::Serialize;

use icu_calendar::{Date, Gregorian};
use icu_datetime::fieldsets::zone::LocalizedOffsetShort;
use icu_datetime::fieldsets::{T, YM, YMD};
use icu_datetime::{FixedCalendarDateTimeFormatter, NoCalendarFormatter};
use icu_locale::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use include_dir::{Dir, include_dir};
use tera::{Kwargs, State, Tera, Value};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Error, Result};

/// The default theme, embedded at compile time.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A file of the theme or site: where it is shown to come from, and its bytes.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Path relative to the theme's `static/` (or the site's `static/`).
    pub rel: PathBuf,
    /// Where it is on disk; `None` for the embedded default theme.
    pub disk: Option<PathBuf>,
    /// Contents for embedded files.
    pub bytes: Option<&'static [u8]>,
}

/// A UI string: plain, or one form per plural category.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Plain text with `{placeholders}`.
    Text(String),
    /// Forms by CLDR plural category (`one`, `few`, `many`, `other`…).
    Plural(BTreeMap<String, String>),
}

/// Long dates written in one language, by (year, month, day).
type DaysWritten = FxHashMap<(i32, u8, u8), String>;

/// UI strings of all languages, with English as the fallback.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    by_lang: HashMap<String, HashMap<String, Entry>>,
    /// The files the strings were read from, theme's first then the site's: named when a key
    /// is missing.
    pub files: Vec<PathBuf>,
}

impl Strings {
    fn parse(lang: &str, text: &str, origin: &Path) -> Result<HashMap<String, Entry>> {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| crate::config::line_col(text, s.start))
                .unwrap_or((0, 0));
            Error::Content(vec![Diagnostic::error(
                origin,
                line,
                col,
                format!("invalid UI strings for `{lang}`: {}", e.message()),
            )])
        })?;
        let mut map = HashMap::new();
        flatten(&table, "", &mut map);
        Ok(map)
    }

    /// The entry for `key` in `lang`, falling back to the primary language then English.
    pub fn get(&self, lang: &str, key: &str) -> Option<&Entry> {
        let primary = lang.split('-').next().unwrap_or(lang);
        [lang, primary, "en"]
            .into_iter()
            .find_map(|l| self.by_lang.get(l)?.get(key))
    }

    /// The files read, for messages.
    fn looked_in(&self) -> String {
        if self.files.is_empty() {
            return "no i18n files".into();
        }
        self.files
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Every UI string as `lang` sees it (its own, else its primary language's, else
    /// English), nested at the dots of the keys (`search.label` is `ui.search.label`, and also
    /// `ui["search.label"]`, for a key held in a variable); a plural
    /// gives its `other` form, as `t` does. Templates read `{{ ui.key }}`: a map lookup, where
    /// the `t` filter builds its arguments and looks in three tables on every call, a few
    /// percent of a build with the dozens of strings a page shows.
    pub fn table(&self, lang: &str) -> tera::Value {
        #[derive(Serialize)]
        #[serde(untagged)]
        enum Node<'a> {
            Text(&'a str),
            Table(BTreeMap<&'a str, Node<'a>>),
        }
        let primary = lang.split('-').next().unwrap_or(lang);
        let keys: std::collections::BTreeSet<&str> = ["en", primary, lang]
            .iter()
            .filter_map(|l| self.by_lang.get(*l))
            .flat_map(|m| m.keys().map(String::as_str))
            .collect();
        let mut root: BTreeMap<&str, Node> = BTreeMap::new();
        for key in keys {
            let text = match self.get(lang, key) {
                Some(Entry::Text(t)) => t.as_str(),
                Some(Entry::Plural(forms)) => forms.get("other").map_or(key, String::as_str),
                None => continue,
            };
            // A dotted key is also there whole, for a key held in a variable (`ui[m.key]`).
            if key.contains('.') {
                root.insert(key, Node::Text(text));
            }
            let mut parts = key.split('.').peekable();
            let mut map = &mut root;
            while let Some(part) = parts.next() {
                if parts.peek().is_none() {
                    map.insert(part, Node::Text(text));
                    break;
                }
                let node = map
                    .entry(part)
                    .or_insert_with(|| Node::Table(BTreeMap::new()));
                if let Node::Text(_) = node {
                    // `a` in one language's file, `[a]` in another's: the table wins.
                    *node = Node::Table(BTreeMap::new());
                }
                let Node::Table(inner) = node else {
                    unreachable!()
                };
                map = inner;
            }
        }
        tera::Value::from_serializable(&root)
    }

    /// Keys English has that `lang` lacks (for `gen build -v`).
    pub fn missing(&self, lang: &str) -> Vec<String> {
        let Some(en) = self.by_lang.get("en") else {
            return Vec::new();
        };
        let own = self.by_lang.get(lang);
        let mut v: Vec<String> = en
            .keys()
            .filter(|k| own.is_none_or(|o| !o.contains_key(*k)))
            .cloned()
            .collect();
        v.sort();
        v
    }
}

fn flatten(table: &toml::Table, prefix: &str, out: &mut HashMap<String, Entry>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, Entry::Text(s.clone()));
            }
            toml::Value::Table(t)
                if t.keys().all(|k| {
                    matches!(
                        k.as_str(),
                        "zero" | "one" | "two" | "few" | "many" | "other"
                    )
                }) && t.contains_key("other") =>
            {
                let forms = t
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect();
                out.insert(key, Entry::Plural(forms));
            }
            toml::Value::Table(t) => flatten(t, &key, out),
            _ => {}
        }
    }
}

/// Per-language formatters, made once per build.
pub struct Locales {
    plurals: HashMap<String, PluralRules>,
    dates: HashMap<String, FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    months: HashMap<String, FixedCalendarDateTimeFormatter<Gregorian, YM>>,
    times: HashMap<String, NoCalendarFormatter<T>>,
    offsets: HashMap<String, NoCalendarFormatter<LocalizedOffsetShort>>,
    /// Long dates already written, per language and day: a card's date is shown on every list
    /// the card is on, and ICU's formatting costs about 2,000 instructions a call (1.4 % of a
    /// build before this memo). A few thousand days at most, so it is never emptied.
    written: HashMap<String, RwLock<DaysWritten>>,
}

impl Locales {
    fn new(codes: &[String]) -> Locales {
        let mut l = Locales {
            plurals: HashMap::new(),
            dates: HashMap::new(),
            months: HashMap::new(),
            times: HashMap::new(),
            offsets: HashMap::new(),
            written: HashMap::new(),
        };
        for code in codes.iter().map(String::as_str).chain(["en"]) {
            let Ok(locale) = Locale::try_from_str(code) else {
                continue;
            };
            let code = code.to_string();
            if let Ok(p) = PluralRules::try_new_cardinal(locale.clone().into()) {
                l.plurals.insert(code.clone(), p);
            }
            if let Ok(f) =
                FixedCalendarDateTimeFormatter::try_new(locale.clone().into(), YMD::long())
            {
                l.dates.insert(code.clone(), f);
                l.written.insert(code.clone(), RwLock::default());
            }
            if let Ok(f) =
                FixedCalendarDateTimeFormatter::try_new(locale.clone().into(), YM::long())
            {
                l.months.insert(code.clone(), f);
            }
            if let Ok(f) = NoCalendarFormatter::try_new(locale.clone().into(), T::hm()) {
                l.times.insert(code.clone(), f);
            }
            if let Ok(f) = NoCalendarFormatter::try_new(locale.into(), LocalizedOffsetShort) {
                l.offsets.insert(code, f);
            }
        }
        l
    }

    fn pick<'a, F>(map: &'a HashMap<String, F>, lang: &str) -> Result<&'a F, String> {
        map.get(lang)
            .or_else(|| map.get("en"))
            .ok_or_else(|| "no formatter".to_string())
    }

    /// "7 December 2021, 14:30 GMT+3" in the written offset, for times that matter to
    /// readers (an update).
    fn long_date_time(&self, lang: &str, s: &str) -> std::result::Result<String, String> {
        let dt = crate::dates::DateTime::parse(s)?;
        let day = self.long_date(lang, s)?;
        let civil = dt.offset.to_datetime(dt.ts);
        let time = icu_time::Time::try_new(civil.hour() as u8, civil.minute() as u8, 0, 0)
            .map_err(|e| e.to_string())?;
        let time = Self::pick(&self.times, lang)?.format(&time).to_string();
        let offset = icu_time::zone::UtcOffset::try_from_seconds(dt.offset.seconds())
            .map_err(|e| e.to_string())?;
        let offset = Self::pick(&self.offsets, lang)?.format(&offset).to_string();
        Ok(format!("{day}, {time} {offset}"))
    }

    /// The time of day of an RFC 3339 instant, in the offset it was written in ("15:00",
    /// "3:00 PM"), for lists of the day's headlines.
    fn short_time(&self, lang: &str, s: &str) -> std::result::Result<String, String> {
        let dt = crate::dates::DateTime::parse(s)?;
        let civil = dt.offset.to_datetime(dt.ts);
        let time = icu_time::Time::try_new(civil.hour() as u8, civil.minute() as u8, 0, 0)
            .map_err(|e| e.to_string())?;
        Ok(Self::pick(&self.times, lang)?.format(&time).to_string())
    }

    /// A period of the date archive, from `2026`, `2026-05` or `2026-05-20`: "2026",
    /// "May 2026", "20 May 2026" in the reader's language.
    pub fn period_label(&self, lang: &str, iso: &str) -> std::result::Result<String, String> {
        let parts: Vec<&str> = iso.split('-').collect();
        let num = |i: usize| -> std::result::Result<i32, String> {
            parts
                .get(i)
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("`{iso}` is not a year, month or day"))
        };
        match parts.len() {
            1 => Ok(num(0)?.to_string()),
            2 => {
                let date = Date::try_new_gregorian(num(0)?, num(1)? as u8, 1)
                    .map_err(|e| e.to_string())?;
                Ok(Self::pick(&self.months, lang)?.format(&date).to_string())
            }
            _ => self.long_date(lang, iso),
        }
    }

    fn category(&self, lang: &str, n: i64) -> &'static str {
        let rules = self.plurals.get(lang).or_else(|| self.plurals.get("en"));
        match rules.map(|r| r.category_for(n)) {
            Some(PluralCategory::Zero) => "zero",
            Some(PluralCategory::One) => "one",
            Some(PluralCategory::Two) => "two",
            Some(PluralCategory::Few) => "few",
            Some(PluralCategory::Many) => "many",
            _ => "other",
        }
    }

    fn long_date(&self, lang: &str, s: &str) -> std::result::Result<String, String> {
        let d = crate::dates::DateTime::parse(s)?.civil_date();
        let day = (d.year() as i32, d.month() as u8, d.day() as u8);
        let memo = self.written.get(lang);
        if let Some(text) = memo
            .and_then(|m| m.read().ok())
            .and_then(|m| m.get(&day).cloned())
        {
            return Ok(text);
        }
        let f = Self::pick(&self.dates, lang)?;
        let date = Date::try_new_gregorian(day.0, day.1, day.2).map_err(|e| e.to_string())?;
        let text = f.format(&date).to_string();
        if let Some(mut m) = memo.and_then(|m| m.write().ok()) {
            m.insert(day, text.clone());
        }
        Ok(text)
    }
}

/// The loaded theme: compiled templates, static files and strings.
pub struct Theme {
    /// Compiled templates.
    pub tera: Tera,
    /// Where each template came from, for error messages.
    pub origins: HashMap<String, PathBuf>,
    /// Each template's text, for error messages (the tag a syntax error is at).
    sources: HashMap<String, String>,
    /// Static files, theme's first, the site's overriding.
    pub static_files: Vec<ThemeFile>,
    /// UI strings.
    pub strings: Arc<Strings>,
    /// Date and plural formatters of the site's languages.
    pub locales: Arc<Locales>,
    /// Each site language's UI strings as templates read them (`ui`): built once, shared by
    /// every page (a Tera value is reference-counted).
    ui: HashMap<String, tera::Value>,
    /// Output names of static files (fingerprinted when the site asks) and rewritten CSS.
    pub assets: Arc<Assets>,
    /// The static images templates ask for with `image(path=…)`, with their variants.
    pub images: Arc<crate::theme_images::ThemeImages>,
}

/// Reads a theme folder's files as (relative path, bytes) pairs, skipping editor leftovers.
fn read_dir_files(dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    // The site folder (the parent of templates/ and static/, or of themes/<name>/): a symlink
    // whose target lies outside it would publish that file (`static/leak -> ~/.ssh/id_rsa`).
    let site = dir
        .ancestors()
        .find(|a| a.join("site.toml").is_file())
        .and_then(|a| std::fs::canonicalize(a).ok());
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| Error::io(dir, std::io::Error::other(e.to_string())))?;
        if entry.file_type().is_file()
            && !entry
                .file_name()
                .to_str()
                .is_some_and(crate::content::is_ignored_name)
            && let Ok(rel) = entry.path().strip_prefix(dir)
        {
            if let Some(site) = &site {
                let real =
                    std::fs::canonicalize(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                if !real.starts_with(site) {
                    return Err(Error::Content(vec![
                        Diagnostic::error(
                            entry.path(),
                            0,
                            0,
                            format!(
                                "this link points outside the site folder, to {}",
                                real.display()
                            ),
                        )
                        .with_hint("copy the file into the site instead of linking to it"),
                    ]));
                }
            }
            out.push((rel.to_path_buf(), entry.path().to_path_buf()));
        }
    }
    Ok(out)
}

impl Theme {
    /// Loads the configured theme and the site's overrides.
    pub fn load(config: &Config) -> Result<Theme> {
        let theme_dir = config.root.join("themes").join(&config.theme);
        let embedded = !theme_dir.is_dir();
        if embedded && config.theme != "default" {
            return Err(Error::Content(vec![
                Diagnostic::error(
                    "site.toml",
                    0,
                    0,
                    format!("theme `{}` not found in themes/", config.theme),
                )
                .with_hint("create themes/<name>/templates, or set theme = \"default\""),
            ]));
        }
        let mut templates: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
        let mut static_files: BTreeMap<PathBuf, ThemeFile> = BTreeMap::new();
        let mut i18n: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
        let theme_display = PathBuf::from("themes").join(&config.theme);

        if embedded {
            for f in all_embedded(&DEFAULT_THEME) {
                let path = f.path();
                let display = theme_display.join(path);
                if let Ok(rest) = path.strip_prefix("templates") {
                    let name = rest.to_string_lossy().replace('\\', "/");
                    templates.insert(
                        name,
                        (display, String::from_utf8_lossy(f.contents()).into_owned()),
                    );
                } else if let Ok(rest) = path.strip_prefix("static") {
                    static_files.insert(
                        rest.to_path_buf(),
                        ThemeFile {
                            rel: rest.to_path_buf(),
                            disk: None,
                            bytes: Some(f.contents()),
                        },
                    );
                } else if let Ok(rest) = path.strip_prefix("i18n")
                    && let Some(lang) = rest.file_stem().and_then(|s| s.to_str())
                {
                    i18n.insert(
                        lang.to_string(),
                        (display, String::from_utf8_lossy(f.contents()).into_owned()),
                    );
                }
            }
        } else {
            for (rel, abs) in read_dir_files(&theme_dir.join("templates"))? {
                let text = std::fs::read_to_string(&abs).map_err(|e| Error::io(&abs, e))?;
                templates.insert(
                    rel.to_string_lossy().replace('\\', "/"),
                    (theme_display.join("templates").join(&rel), text),
                );
            }
            for (rel, abs) in read_dir_files(&theme_dir.join("static"))? {
                static_files.insert(
                    rel.clone(),
                    ThemeFile {
                        rel,
                        disk: Some(abs),
                        bytes: None,
                    },
                );
            }
            for (rel, abs) in read_dir_files(&theme_dir.join("i18n"))? {
                if let Some(lang) = rel.file_stem().and_then(|s| s.to_str()) {
                    let text = std::fs::read_to_string(&abs).map_err(|e| Error::io(&abs, e))?;
                    i18n.insert(
                        lang.to_string(),
                        (theme_display.join("i18n").join(&rel), text),
                    );
                }
            }
        }
        // The site's own templates and static files win.
        for (rel, abs) in read_dir_files(&config.root.join("templates"))? {
            let text = std::fs::read_to_string(&abs).map_err(|e| Error::io(&abs, e))?;
            templates.insert(
                rel.to_string_lossy().replace('\\', "/"),
                (PathBuf::from("templates").join(&rel), text),
            );
        }
        for (rel, abs) in read_dir_files(&config.root.join("static"))? {
            static_files.insert(
                rel.clone(),
                ThemeFile {
                    rel,
                    disk: Some(abs),
                    bytes: None,
                },
            );
        }

        let mut strings = Strings::default();
        for (lang, (origin, text)) in &i18n {
            strings
                .by_lang
                .insert(lang.clone(), Strings::parse(lang, text, origin)?);
            strings.files.push(origin.clone());
        }
        // The site's own `i18n/<lang>.toml` changes strings key by key, without a copy of the
        // theme.
        for (rel, abs) in read_dir_files(&config.root.join("i18n"))? {
            let Some(lang) = rel
                .file_stem()
                .and_then(|s| s.to_str())
                .filter(|_| rel.extension().is_some_and(|e| e == "toml"))
            else {
                continue;
            };
            let origin = PathBuf::from("i18n").join(&rel);
            let text = std::fs::read_to_string(&abs).map_err(|e| Error::io(&abs, e))?;
            let own = Strings::parse(lang, &text, &origin)?;
            strings
                .by_lang
                .entry(lang.to_string())
                .or_default()
                .extend(own);
            strings.files.push(origin);
        }
        let strings = Arc::new(strings);

        let static_files: Vec<ThemeFile> = static_files.into_values().collect();
        let assets = Arc::new(Assets::plan(config, &static_files)?);
        let images = Arc::new(crate::theme_images::ThemeImages::load(
            config,
            &templates,
            &static_files,
            &assets,
        )?);

        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        let codes: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();
        let locales = Arc::new(Locales::new(&codes));
        register_filters(&mut tera, strings.clone(), locales.clone());
        register_asset_function(&mut tera, assets.clone());
        crate::theme_images::register(&mut tera, images.clone());
        let origins: HashMap<String, PathBuf> = templates
            .iter()
            .map(|(k, (p, _))| (k.clone(), p.clone()))
            .collect();
        let sources: HashMap<String, String> = templates
            .iter()
            .map(|(k, (_, t))| (k.clone(), t.clone()))
            .collect();
        // `partial` is looked up by name when a template is compiled: a stand-in first, the real
        // one once the templates it renders are there.
        register_partial_stand_in(&mut tera);
        tera.add_raw_templates(templates.iter().map(|(k, (_, t))| (k.as_str(), t.as_str())))
            .map_err(|e| {
                Error::Content(template_diagnostics(
                    &e,
                    &Templates {
                        origins: &origins,
                        sources: &sources,
                    },
                    None,
                ))
            })?;
        tera.global_context().insert("site", config);
        let ui: HashMap<String, tera::Value> = codes
            .iter()
            .map(|c| (c.clone(), strings.table(c)))
            .collect();
        let partials = Partials::new(tera.clone(), ui.clone());
        tera.register_function("partial", partials);
        Ok(Theme {
            tera,
            origins,
            sources,
            static_files,
            strings,
            locales,
            assets,
            images,
            ui,
        })
    }

    /// The UI strings of `lang` for a template's `ui` variable ([`Strings::table`]).
    pub fn ui(&self, lang: &str) -> tera::Value {
        match self.ui.get(lang) {
            Some(v) => v.clone(),
            None => self.strings.table(lang),
        }
    }

    /// Renders a template, turning Tera's errors into diagnostics naming the template file and
    /// line and the page being rendered.
    pub fn render(&self, name: &str, ctx: &tera::Context, page: &str) -> Result<String> {
        self.tera
            .render(name, ctx)
            .map_err(|e| self.render_error(&e, page))
    }

    /// [`Theme::render`] as bytes, for a page going straight to the minifier or the disk: the
    /// template's output is UTF-8 already, and checking it again cost about 1 % of a build.
    pub fn render_bytes(&self, name: &str, ctx: &tera::Context, page: &str) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(name, ctx, &mut out)
            .map_err(|e| self.render_error(&e, page))?;
        Ok(out)
    }

    fn render_error(&self, e: &tera::Error, page: &str) -> Error {
        Error::Content(template_diagnostics(
            e,
            &Templates {
                origins: &self.origins,
                sources: &self.sources,
            },
            Some(page),
        ))
    }
}

fn all_embedded(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<&'static include_dir::File<'static>> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_embedded(d));
    }
    out
}

/// The filters templates can use: Tera 2's built-in ones and gen's (see `register_filters`), for
/// "did you mean" hints. A test checks that each is registered.
const FILTERS: &[&str] = &[
    "abs",
    "capitalize",
    "date_long",
    "date_time_long",
    "time_short",
    "default",
    "escape",
    "escape_html",
    "escape_xml",
    "first",
    "float",
    "get",
    "group_by",
    "indent",
    "int",
    "join",
    "json",
    "keys",
    "language_name",
    "last",
    "length",
    "lower",
    "newlines_to_br",
    "nth",
    "pairs",
    "period_label",
    "plural",
    "pluralize",
    "replace",
    "reverse",
    "round",
    "safe",
    "sort",
    "split",
    "str",
    "t",
    "title",
    "trim",
    "trim_end",
    "trim_start",
    "truncate",
    "unique",
    "upper",
    "urlencode",
    "values",
    "wordcount",
];
/// Tera 2's tests (`{% if x is defined %}`).
const TESTS: &[&str] = &[
    "array",
    "bool",
    "containing",
    "defined",
    "divisible_by",
    "ending_with",
    "even",
    "float",
    "integer",
    "iterable",
    "map",
    "none",
    "number",
    "odd",
    "starting_with",
    "string",
    "undefined",
];
/// The functions gen adds (documented in docs/themes.md, which a test checks).
pub const GEN_FUNCTIONS: &[&str] = &["asset", "image", "partial"];
/// The functions: Tera 2's and gen's.
const FUNCTIONS: &[&str] = &["asset", "image", "partial", "range", "throw"];
/// Tera 2's tags (`{% if %}`); those that only close or continue another come after `raw`.
const TAGS: &[&str] = &[
    "block",
    "break",
    "component",
    "continue",
    "extends",
    "filter",
    "for",
    "if",
    "include",
    "raw",
    "set",
    "set_global",
    "elif",
    "else",
    "endblock",
    "endcomponent",
    "endfilter",
    "endfor",
    "endif",
    "endraw",
];
/// The tags that close or continue an opening tag, and that opening tag.
const INNER_TAGS: &[(&str, &str)] = &[
    ("elif", "if"),
    ("else", "if` or `for"),
    ("endblock", "block"),
    ("endcomponent", "component"),
    ("endfilter", "filter"),
    ("endfor", "for"),
    ("endif", "if"),
    ("endraw", "raw"),
];

/// The theme's templates, to read an error against.
pub struct Templates<'a> {
    /// Template name → the file it came from (as shown to the user).
    pub origins: &'a HashMap<String, PathBuf>,
    /// Template name → its text.
    pub sources: &'a HashMap<String, String>,
}

impl Templates<'_> {
    /// The file a template came from, or where the site would put it.
    fn path(&self, name: &str) -> PathBuf {
        self.origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from("templates").join(name))
    }

    /// Line and column (1-based, in characters) where a template names another: the first
    /// `"other"` (or `'other'`) in its text.
    fn find(&self, name: &str, other: &str) -> (usize, usize) {
        let src = self.sources.get(name).map(String::as_str).unwrap_or("");
        [
            format!("\"{other}\""),
            format!("'{other}'"),
            other.to_string(),
        ]
        .iter()
        .find_map(|needle| src.find(needle.as_str()))
        .map_or((1, 1), |i| crate::config::line_col(src, i))
    }

    /// The nearest template name, or some of them when none is near.
    fn template_hint(&self, wanted: &str, action: &str) -> String {
        let mut names: Vec<&str> = self.origins.keys().map(String::as_str).collect();
        names.sort_unstable();
        // A typo keeps the folder: `partials/crad.html` is near `partials/card.html`, while a
        // name of another folder is a suggestion only when one edit away.
        let folder = |n: &str| n.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        let same: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| folder(n) == folder(wanted))
            .collect();
        let near = closest(wanted, &same).or_else(|| {
            names
                .iter()
                .copied()
                .find(|k| strsim::osa_distance(wanted, k) == 1)
        });
        match near {
            Some(n) => format!(
                "did you mean `{n}`? ({} is a template)",
                self.path(n).display()
            ),
            None => format!(
                "{action}; the templates are: {}",
                names
                    .iter()
                    .take(12)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// The known name `wanted` is most likely a typo of: one edit or swap away (`fro` → `for`),
/// else the most similar by Jaro-Winkler.
fn closest<'a>(wanted: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .copied()
        .filter(|k| strsim::osa_distance(wanted, k) == 1)
        .min()
        .or_else(|| crate::diagnostics::did_you_mean(wanted, known.iter().copied()))
}

/// `did you mean `x`?` for a misspelt name, or the list of names.
fn nearest(wanted: &str, known: &[&str], what: &str) -> String {
    match closest(wanted, known) {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!(
            "no {what} is called `{wanted}`; {what}s: {}",
            known.join(", ")
        ),
    }
}

/// The name between the first pair of backticks of a message (`Unknown filter `uppr``).
fn quoted(msg: &str) -> Option<&str> {
    let (_, rest) = msg.split_once('`')?;
    rest.split_once('`').map(|(name, _)| name)
}

/// A Tera error as diagnostics, each at a template's file, line and column, with the page being
/// rendered (when rendering) and what to do about it.
pub fn template_diagnostics(
    e: &tera::Error,
    templates: &Templates<'_>,
    page: Option<&str>,
) -> Vec<Diagnostic> {
    let suffix = page
        .map(|p| format!(" (while rendering {p})"))
        .unwrap_or_default();
    let error = |name: &str, (line, col): (usize, usize), msg: String, hint: String| {
        Diagnostic::error(
            templates.path(name),
            line,
            col,
            format!("template error: {msg}{suffix}"),
        )
        .with_hint(hint)
    };
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            let at = (span.start_line, span.start_col + 1);
            let (msg, hint) = explain_message(r.message(), r.filename(), span, templates);
            vec![error(r.filename(), at, msg, hint)]
        }
        tera::ErrorKind::MissingParent { current, parent } => vec![error(
            current,
            templates.find(current, parent),
            format!("`{current}` extends `{parent}`, which does not exist"),
            templates.template_hint(parent, &format!("create templates/{parent}")),
        )],
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            let next = inheritance_chain
                .get(1)
                .map_or(tpl.as_str(), String::as_str);
            vec![error(
                tpl,
                templates.find(tpl, next),
                format!("`{tpl}` extends itself: {}", inheritance_chain.join(" → ")),
                "a template can extend another only if that one does not lead back to it"
                    .to_string(),
            )]
        }
        tera::ErrorKind::CircularInclude { tpl, include_chain } => {
            let next = include_chain.get(1).map_or(tpl.as_str(), String::as_str);
            vec![error(
                tpl,
                templates.find(tpl, next),
                format!("`{tpl}` includes itself: {}", include_chain.join(" → ")),
                "break the loop: one of these templates must not include the next".to_string(),
            )]
        }
        tera::ErrorKind::TemplateNotFound(name) => vec![error(
            name,
            (0, 0),
            format!("there is no template `{name}`"),
            templates.template_hint(
                name,
                &format!("gen renders pages with it: create templates/{name}"),
            ),
        )],
        tera::ErrorKind::Msg(msg) => {
            let reports = parse_reports(msg);
            if reports.is_empty() {
                vec![fallback(e, templates, &suffix)]
            } else {
                reports
                    .into_iter()
                    .map(|(message, name, line, col)| {
                        let (msg, hint) = explain_reference(&message, templates);
                        error(&name, (line, col), msg, hint)
                    })
                    .collect()
            }
        }
        _ => vec![fallback(e, templates, &suffix)],
    }
}

/// An error Tera gives no place for: at the first template, with Tera's whole message.
fn fallback(e: &tera::Error, templates: &Templates<'_>, suffix: &str) -> Diagnostic {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    // The template the message names, if any (the longest name, so `a/b.html` beats `b.html`).
    let path = templates
        .origins
        .keys()
        .filter(|n| msg.contains(n.as_str()))
        .max_by_key(|n| (n.len(), std::cmp::Reverse(n.as_str())))
        .map_or_else(|| PathBuf::from("templates"), |n| templates.path(n));
    Diagnostic::error(path, 0, 0, format!("template error: {msg}{suffix}"))
        .with_hint("Tera does not say where; look for what the message names in the templates")
}

/// Tera checks every template's filters, tests, functions and includes once all are loaded, and
/// joins what it finds into one message of reports like
/// `error: Unknown filter `uppr`\n --> article.html:2:20\n  |…`: (message, template, line,
/// column) of each.
fn parse_reports(msg: &str) -> Vec<(String, String, usize, usize)> {
    let mut out = Vec::new();
    let mut lines = msg.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(message) = line.strip_prefix("error: ") else {
            continue;
        };
        let Some(place) = lines
            .peek()
            .and_then(|l| l.trim_start().strip_prefix("--> "))
        else {
            continue;
        };
        let mut parts = place.rsplitn(3, ':');
        let (Some(col), Some(line), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(line), Ok(col)) = (line.parse(), col.parse()) {
            out.push((message.to_string(), name.to_string(), line, col));
        }
    }
    out
}

/// Message and hint for an unknown filter, test, function, template or block.
fn explain_reference(message: &str, templates: &Templates<'_>) -> (String, String) {
    let name = quoted(message).unwrap_or("");
    let lower = message.to_lowercase();
    let hint = if lower.starts_with("unknown filter") {
        nearest(name, FILTERS, "filter")
    } else if lower.starts_with("unknown test") {
        nearest(name, TESTS, "test")
    } else if lower.starts_with("unknown function") {
        nearest(name, FUNCTIONS, "function")
    } else if lower.starts_with("unknown template") {
        templates.template_hint(name, &format!("create templates/{name}"))
    } else if lower.starts_with("unknown component") {
        format!("define it with {{% component {name}(…) %}}…{{% endcomponent {name} %}}")
    } else if lower.starts_with("block") {
        "a child template can only fill blocks its parent defines: check the name against the \
         parent's {% block … %} tags"
            .to_string()
    } else {
        "fix the template at this line".to_string()
    };
    (lowercase_first(message), hint)
}

/// Tera's "Available fields: …" (or variables) cut to the first dozen: `ui` has hundreds.
fn shorten_names(message: &str) -> std::borrow::Cow<'_, str> {
    const SHOWN: usize = 12;
    for marker in ["Available fields: ", "Available variables: "] {
        if let Some((head, list)) = message.split_once(marker) {
            let names: Vec<&str> = list.split(", ").collect();
            if names.len() > SHOWN {
                return format!(
                    "{head}{marker}{}, … ({} in all)",
                    names[..SHOWN].join(", "),
                    names.len()
                )
                .into();
            }
        }
    }
    message.into()
}

/// Message and hint for a syntax or rendering error at `span` of template `name`.
fn explain_message(
    message: &str,
    name: &str,
    span: &tera::Span,
    templates: &Templates<'_>,
) -> (String, String) {
    if message == "Unknown tag" {
        let tag: String = templates
            .sources
            .get(name)
            .and_then(|src| src.get(span.range.start..))
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect()
            })
            .unwrap_or_default();
        if tag.is_empty() {
            return (
                "a tag must start with its name".to_string(),
                format!("tags are {}", list_tags()),
            );
        }
        let hint = if let Some((_, opener)) = INNER_TAGS.iter().find(|(t, _)| *t == tag) {
            format!(
                "`{{% {tag} %}}` has no open `{{% {opener} %}}` to belong to here: check the tags above it"
            )
        } else if TAGS.contains(&tag.as_str()) {
            format!("`{tag}` cannot be used here")
        } else {
            match closest(&tag, TAGS) {
                Some(t) => format!("did you mean `{{% {t} %}}`?"),
                None => format!("tags are {}", list_tags()),
            }
        };
        return (format!("unknown tag `{tag}`"), hint);
    }
    let lower = message.to_lowercase();
    // Tera lists the fields of the value: "Field `titel` is not defined. Available fields: a, b".
    let fields: Vec<&str> = message
        .split_once("Available fields: ")
        .map(|(_, list)| list.split(", ").map(str::trim).collect())
        .unwrap_or_default();
    // `ui.…` reads a UI string: its fields are every key of the theme. Tera points at the
    // field, after `ui.`.
    let in_ui = templates
        .sources
        .get(name)
        .and_then(|src| src.get(..span.range.start))
        .is_some_and(|before| {
            let before = before.trim_end();
            before.ends_with("ui.") || before.ends_with("ui[")
        });
    let hint = if lower.contains("is not defined") || lower.contains("undefined") {
        match quoted(message) {
            // A UI key is a typo only when it is nearly one that exists; a new key needs adding.
            Some(field) if in_ui => match fields
                .iter()
                .copied()
                .filter(|k| strsim::osa_distance(field, k) <= 2)
                .min_by_key(|k| (strsim::osa_distance(field, k), *k))
            {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!(
                    "no i18n file has a UI string `{field}`: add it to the site's i18n/en.toml \
                     (and to the other languages' files)"
                ),
            },
            Some(field) if closest(field, &fields).is_some() => format!(
                "did you mean `{}`?",
                closest(field, &fields).unwrap_or_default()
            ),
            Some(field) => format!(
                "`{field}` is not set for this page: test it first ({{% if … %}}) or give a \
                 default (`| default(value=…)`)"
            ),
            None => "a value used here is not set for this page: test it first ({% if … %}) or \
                     give a default (`| default(value=…)`)"
                .to_string(),
        }
    } else if lower.contains("unexpected end of input") {
        "something is not closed: {% if %}, {% for %}, {% block %} and the like need their end \
         tag, `{%` needs `%}` and `{{` needs `}}`"
            .to_string()
    } else if lower.starts_with("invalid type") || lower.contains("expected") {
        "check the value and the arguments used at this line".to_string()
    } else {
        "fix the template at this line".to_string()
    };
    (lowercase_first(&shorten_names(message)), hint)
}

fn list_tags() -> String {
    TAGS.iter()
        .take_while(|t| **t != "elif")
        .map(|t| format!("{{% {t} %}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Unknown filter` → `unknown filter`, leaving acronyms alone.
fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(s[a.len_utf8()..].chars()).collect()
        }
        _ => s.to_string(),
    }
}

fn fill(template: &str, kwargs: &Kwargs) -> String {
    if !template.contains('{') {
        return template.to_string();
    }
    let mut out = template.to_string();
    for (k, v) in kwargs.iter() {
        let key = k.to_string();
        let key = key.trim_matches('"');
        if key == "lang" || key == "key" {
            continue;
        }
        let val = match v.as_str() {
            Some(s) => s.to_string(),
            None => v.to_string(),
        };
        out = out.replace(&format!("{{{key}}}"), &val);
    }
    out
}

fn register_filters(tera: &mut Tera, strings: Arc<Strings>, locales: Arc<Locales>) {
    // {{ "story_by" | t(lang=lang) }}: a UI string, with {placeholders} from the arguments.
    let s = strings.clone();
    tera.register_filter(
        "t",
        move |key: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let lang = kwargs.get::<&str>("lang")?.unwrap_or("en");
            match s.get(lang, key) {
                Some(Entry::Text(t)) => Ok(fill(t, &kwargs)),
                Some(Entry::Plural(forms)) => Ok(fill(
                    forms.get("other").map(String::as_str).unwrap_or(key),
                    &kwargs,
                )),
                None => Err(tera::Error::message(format!(
                    "no UI string `{key}` in any language (looked in {}); add it to the site's i18n/en.toml",
                    s.looked_in()
                ))),
            }
        },
    );

    // {{ count | plural(key="articles", lang=lang) }}: "5 статей", by CLDR plural rules.
    let s = strings.clone();
    let l = locales.clone();
    tera.register_filter(
        "plural",
        move |n: i64, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let lang = kwargs.get::<&str>("lang")?.unwrap_or("en");
            let key = kwargs.must_get::<&str>("key")?;
            let cat = l.category(lang, n);
            let text = match s.get(lang, key) {
                Some(Entry::Plural(forms)) => forms
                    .get(cat)
                    .or_else(|| forms.get("other"))
                    .cloned()
                    .unwrap_or_default(),
                Some(Entry::Text(t)) => t.clone(),
                None => {
                    return Err(tera::Error::message(format!(
                        "no UI string `{key}` in any language (looked in {}); add it to the site's i18n/en.toml",
                        s.looked_in()
                    )));
                }
            };
            Ok(fill(&text, &kwargs).replace("{n}", &n.to_string()))
        },
    );

    // {{ date | date_long(lang=lang) }}: "7 декабря 2021\u{202f}г.", "7. Dezember 2021".
    let l = locales.clone();
    tera.register_filter(
        "date_long",
        move |s: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let lang = kwargs.get::<&str>("lang")?.unwrap_or("en");
            l.long_date(lang, s).map_err(tera::Error::message)
        },
    );

    // {{ date | date_time_long(lang=lang) }}: "7 December 2021, 14:30 GMT+3".
    let l = locales.clone();
    tera.register_filter(
        "date_time_long",
        move |s: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let lang = kwargs.get::<&str>("lang")?.unwrap_or("en");
            l.long_date_time(lang, s).map_err(tera::Error::message)
        },
    );

    // {{ date | time_short(lang=lang) }}: "14:30", "2:30 PM".
    let l = locales.clone();
    tera.register_filter(
        "time_short",
        move |s: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let lang = kwargs.get::<&str>("lang")?.unwrap_or("en");
            l.short_time(lang, s).map_err(tera::Error::message)
        },
    );

    // {{ period.iso | period_label(lang=lang) }}: "2026", "May 2026", "20 May 2026".
    let l = locales.clone();
    tera.register_filter(
        "period_label",
        move |s: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let lang = kwargs.get::<&str>("lang")?.unwrap_or("en");
            l.period_label(lang, s).map_err(tera::Error::message)
        },
    );

    // {{ "ru" | language_name(lang=lang) }}: the name of a language in the reader's language.
    let s = strings;
    tera.register_filter(
        "language_name",
        move |code: &str, kwargs: Kwargs, _: &State| -> String {
            let lang = kwargs.get::<&str>("lang").ok().flatten().unwrap_or("en");
            match s.get(lang, &format!("languages.{code}")) {
                Some(Entry::Text(t)) => t.clone(),
                _ => code.to_string(),
            }
        },
    );

    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode_strict);
    tera.register_filter("json", |v: &Value, _: Kwargs, _: &State| -> String {
        // For inline <script type="application/ld+json">: `<` never appears, so `</script>` cannot.
        let s = serde_json::to_string(v).unwrap_or_default();
        s.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    });
}

/// How static files reach the output: the name each is written under and the URL templates
/// link to, made by [`Assets::plan`] once per build.
///
/// With `fingerprint = true`, CSS and JS files are written only under a name carrying the first
/// eight hex digits of their SHA-256 (`css/style.3f2a9c1b.css`), so a host can serve every
/// `.css` and `.js` file with a year-long cache lifetime: a changed file gets a new name. (A
/// template that links the plain name instead of using `asset()` is caught by `gen check`.)
/// CSS is rewritten before it is hashed: `url(/fonts/x.woff2)` gets the site's base path
/// (sub-path deploys), and a relative reference to another fingerprinted file
/// (`@import "print.css"`) its fingerprinted name.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    base_path: String,
    /// Every static file's site-relative path.
    known: std::collections::BTreeSet<String>,
    /// Site-relative path → what is written for it.
    files: BTreeMap<String, PlannedAsset>,
    /// Static files the stylesheets refer to (`url(../img/bg.jpg)`, `url(/img/bg.jpg)`): they
    /// are published as they are, even when an article shows them as variants.
    pub named_by_css: std::collections::BTreeSet<String>,
}

/// What is written for one static file.
#[derive(Debug, Clone, Default)]
pub struct PlannedAsset {
    /// The fingerprinted name (`css/style.3f2a9c1b.css`), when fingerprinting is on.
    pub fingerprinted: Option<String>,
    /// New bytes when the file was rewritten (CSS); `None` means copy it as it is.
    pub bytes: Option<Vec<u8>>,
}

/// Extensions of the files that get fingerprinted.
const FINGERPRINTED: &[&str] = &["css", "js", "mjs"];

impl Assets {
    /// Plans the output of the static files: reads CSS and (when fingerprinting) JS files,
    /// rewrites CSS references, hashes.
    pub fn plan(config: &Config, files: &[ThemeFile]) -> Result<Assets> {
        let mut sources: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut known = std::collections::BTreeSet::new();
        for f in files {
            let rel = f.rel.to_string_lossy().replace('\\', "/");
            known.insert(rel.clone());
            let ext = rel.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
            let is_css = ext == "css";
            if !(is_css || config.fingerprint && FINGERPRINTED.contains(&ext)) {
                continue;
            }
            let bytes = match (&f.disk, f.bytes) {
                (Some(p), _) => std::fs::read(p).map_err(|e| Error::io(p, e))?,
                (None, Some(b)) => b.to_vec(),
                _ => continue,
            };
            sources.insert(rel, bytes);
        }
        let mut named_by_css = std::collections::BTreeSet::new();
        for (rel, bytes) in sources.iter().filter(|(r, _)| r.ends_with(".css")) {
            let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            map_css_urls(&String::from_utf8_lossy(bytes), |url| {
                let path = split_suffix(url).0;
                let target = match path.strip_prefix('/') {
                    Some(rest) if !rest.starts_with('/') => Some(rest.to_string()),
                    Some(_) => None,
                    None if is_external(url) => None,
                    None => join_rel(dir, path),
                };
                named_by_css.extend(target);
                None
            });
        }
        let mut out = Assets {
            base_path: config.base_path.clone(),
            known,
            files: BTreeMap::new(),
            named_by_css,
        };
        // CSS referring to other fingerprinted files must wait for their names: settle files in
        // rounds, each taking those whose references are settled; a cycle is settled as is.
        let mut pending: Vec<String> = sources.keys().cloned().collect();
        while !pending.is_empty() {
            let ready: Vec<String> = pending
                .iter()
                .filter(|rel| {
                    !rel.ends_with(".css")
                        || css_refs(&String::from_utf8_lossy(&sources[rel.as_str()]), rel)
                            .iter()
                            .all(|t| !pending.contains(t) || t == *rel)
                })
                .cloned()
                .collect();
            let round = if ready.is_empty() {
                std::mem::take(&mut pending)
            } else {
                pending.retain(|p| !ready.contains(p));
                ready
            };
            for rel in round {
                let original = &sources[&rel];
                let rewritten = if rel.ends_with(".css") {
                    let text = String::from_utf8_lossy(original);
                    let new = out.rewrite_css(&text, &rel);
                    (new != text).then(|| new.into_bytes())
                } else {
                    None
                };
                let fingerprinted = config.fingerprint.then(|| {
                    let bytes = rewritten.as_deref().unwrap_or(original);
                    fingerprinted_name(&rel, bytes)
                });
                out.files.insert(
                    rel,
                    PlannedAsset {
                        fingerprinted,
                        bytes: rewritten,
                    },
                );
            }
        }
        Ok(out)
    }

    /// What to write for a static file, when it is not a plain copy under its own name.
    pub fn planned(&self, rel: &str) -> Option<&PlannedAsset> {
        self.files.get(rel)
    }

    /// Site-relative name a static file is linked under: fingerprinted when on.
    pub fn name<'a>(&'a self, rel: &'a str) -> &'a str {
        self.files
            .get(rel)
            .and_then(|p| p.fingerprinted.as_deref())
            .unwrap_or(rel)
    }

    /// Root-relative URL of a static file (`/news/css/style.3f2a9c1b.css`).
    pub fn url(&self, rel: &str) -> String {
        let rel = rel.trim_start_matches('/');
        format!("{}{}", self.base_path, self.name(rel))
    }

    /// Rewrites the references of a CSS file at `rel`: root-relative ones get the base path,
    /// relative ones to fingerprinted files their new name.
    fn rewrite_css(&self, css: &str, rel: &str) -> String {
        let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        map_css_urls(css, |url| {
            if let Some(rest) = url.strip_prefix('/') {
                if rest.starts_with('/') || url.starts_with(&self.base_path) {
                    return None;
                }
                return Some(format!("{}{rest}", self.base_path));
            }
            if is_external(url) {
                return None;
            }
            let (path, suffix) = split_suffix(url);
            let target = join_rel(dir, path)?;
            let fp = self.files.get(&target)?.fingerprinted.as_deref()?;
            let new_file = fp.rsplit('/').next().unwrap_or(fp);
            let (prefix, _) = path.rsplit_once('/').unwrap_or(("", path));
            Some(if prefix.is_empty() {
                format!("{new_file}{suffix}")
            } else {
                format!("{prefix}/{new_file}{suffix}")
            })
        })
    }
}

/// `css/style.css` + bytes → `css/style.3f2a9c1b.css` (first 8 hex digits of the SHA-256, so
/// `sha256sum` shows the same digits).
pub fn fingerprinted_name(rel: &str, bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    match rel.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') && !stem.is_empty() => {
            format!("{stem}.{hex}.{ext}")
        }
        _ => format!("{rel}.{hex}"),
    }
}

fn is_external(url: &str) -> bool {
    url.is_empty()
        || url.starts_with('#')
        || url.starts_with("//")
        || url
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/') && !scheme.is_empty())
}

/// Splits `a.css?v=1#x` into `a.css` and `?v=1#x`.
fn split_suffix(url: &str) -> (&str, &str) {
    match url.find(['?', '#']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    }
}

/// Joins a relative reference to a folder of the site (`css` + `../img/a.png` → `img/a.png`);
/// `None` when it climbs above the site root.
fn join_rel(dir: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in reference.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Site-relative paths of the files a CSS file at `rel` refers to relatively.
fn css_refs(css: &str, rel: &str) -> Vec<String> {
    let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let mut out = Vec::new();
    map_css_urls(css, |url| {
        if !url.starts_with('/')
            && !is_external(url)
            && let Some(t) = join_rel(dir, split_suffix(url).0)
        {
            out.push(t);
        }
        None
    });
    out
}

/// Calls `f` on every `url(…)` and `@import "…"` reference of a stylesheet (comments and other
/// strings skipped) and puts back what it returns in place of the reference. Written by hand:
/// a full CSS parser would be a large dependency for finding one token kind.
fn map_css_urls(css: &str, mut f: impl FnMut(&str) -> Option<String>) -> String {
    let b = css.as_bytes();
    let mut out = String::with_capacity(css.len());
    let mut i = 0;
    let mut copied = 0;
    // Emits the text before `start`, then the replacement of `css[start..end]` if any.
    let mut replace = |out: &mut String, copied: &mut usize, start: usize, end: usize| {
        if let Some(new) = f(&css[start..end]) {
            out.push_str(&css[*copied..start]);
            out.push_str(&new);
            *copied = end;
        }
    };
    let skip_string = |i: usize| -> usize {
        let q = b[i];
        let mut j = i + 1;
        while j < b.len() && b[j] != q {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        (j + 1).min(b.len())
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = css[i + 2..]
                    .find("*/")
                    .map(|k| i + 2 + k + 2)
                    .unwrap_or(b.len());
            }
            b'"' | b'\'' => i = skip_string(i),
            b'@' if css[i..].len() >= 7 && css[i + 1..i + 7].eq_ignore_ascii_case("import") => {
                let mut j = i + 7;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let end = skip_string(j);
                    if end > j + 1 && b[end - 1] == b[j] {
                        replace(&mut out, &mut copied, j + 1, end - 1);
                    }
                    i = end;
                } else {
                    i = j;
                }
            }
            b'u' | b'U'
                if css[i..].len() >= 4
                    && css[i..i + 4].eq_ignore_ascii_case("url(")
                    && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-')) =>
            {
                let mut j = i + 4;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let end = skip_string(j);
                    if end > j + 1 && b[end - 1] == b[j] {
                        replace(&mut out, &mut copied, j + 1, end - 1);
                    }
                    i = end;
                } else {
                    let close = css[j..].find(')').map(|k| j + k).unwrap_or(b.len());
                    let inner = css[j..close].trim_end();
                    if !inner.is_empty() {
                        replace(&mut out, &mut copied, j, j + inner.len());
                    }
                    i = close;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&css[copied..]);
    out
}

/// `{{ partial(name="partials/card.html") }}`: the template `name` rendered from the variables
/// it reads, taken from the caller's scope as `{% include %}` would (and `ui`, the UI strings of
/// `lang`), with the same bytes; each distinct set of values is rendered once and its HTML
/// reused. A card is on a dozen lists or more, and the card partial was about a fifth of a build.
///
/// The key is a 128-bit hash of the template name and of every variable the template reads (its
/// top-level variables and those of the templates it includes, as Tera reports them) with its
/// value, so a value that differs in anything the template can see renders again. The memo holds
/// at most [`PARTIAL_MEMO_BYTES`] of HTML and starts over when full.
struct Partials {
    /// The theme's templates, with the stand-in `partial` (a partial does not call it).
    tera: Tera,
    /// Per template, the variables it reads from its caller (sorted; `ui` and `site` are gen's)
    /// and whether it reads `ui`.
    reads: HashMap<String, (Vec<String>, bool)>,
    ui: HashMap<String, tera::Value>,
    memo: std::sync::Mutex<PartialMemo>,
}

#[derive(Default)]
struct PartialMemo {
    html: FxHashMap<u128, Arc<str>>,
    bytes: usize,
}

/// How much rendered HTML [`Partials`] keeps: the distinct cards of a 10,000-article site fit.
const PARTIAL_MEMO_BYTES: usize = 64 << 20;

/// The `partial` of the templates [`Partials`] renders with: a partial that calls `partial()`
/// gets an error (what it would read is not known to the caller's memo key).
fn register_partial_stand_in(tera: &mut Tera) {
    tera.register_function(
        "partial",
        |_: Kwargs, _: &State| -> tera::TeraResult<String> {
            Err(tera::Error::message(
                "partial() cannot be called from inside a partial it renders",
            ))
        },
    );
}

impl Partials {
    fn new(tera: Tera, ui: HashMap<String, tera::Value>) -> Partials {
        let mut reads = HashMap::new();
        let names: Vec<String> = tera.get_template_names().map(str::to_string).collect();
        for name in names {
            let Ok(vars) = tera.get_template_variables(&name) else {
                continue;
            };
            let ui = vars.contains("ui");
            let mut vars: Vec<String> = vars
                .into_iter()
                .filter(|v| *v != "ui" && *v != "site" && *v != "lang")
                .map(str::to_string)
                .collect();
            // `lang` always: it picks `ui`.
            vars.push("lang".to_string());
            vars.sort();
            reads.insert(name, (vars, ui));
        }
        Partials {
            tera,
            reads,
            ui,
            memo: Default::default(),
        }
    }
}

/// Writes a template value as bytes that tell apart what rendering can: its kind, every string
/// (and whether it is marked safe, which changes escaping), number, key and item, each string
/// with its length first.
fn key_bytes(v: &Value, out: &mut Vec<u8>) {
    use tera::value::ValueKind;
    let text = |s: &[u8], out: &mut Vec<u8>| {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s);
    };
    let kind = v.kind();
    out.push(kind as u8);
    match kind {
        ValueKind::Undefined | ValueKind::None => {}
        ValueKind::Bool => out.push(u8::from(v.as_bool().unwrap_or(false))),
        ValueKind::String => {
            out.push(u8::from(v.is_safe()));
            text(v.as_str().unwrap_or_default().as_bytes(), out);
        }
        ValueKind::Bytes => text(v.as_bytes().unwrap_or_default(), out),
        ValueKind::Array => {
            let items = v.as_array().unwrap_or_default();
            out.extend_from_slice(&(items.len() as u64).to_le_bytes());
            for item in items {
                key_bytes(item, out);
            }
        }
        ValueKind::Map => {
            if let Some(map) = v.as_map() {
                out.extend_from_slice(&(map.len() as u64).to_le_bytes());
                for (k, item) in map {
                    match k.as_str() {
                        Some(name) => {
                            out.push(b's');
                            text(name.as_bytes(), out);
                        }
                        None => {
                            // Booleans and numbers: as the template would print them.
                            out.push(b'n');
                            text(format!("{k:?}").as_bytes(), out);
                        }
                    }
                    key_bytes(item, out);
                }
            }
        }
        ValueKind::F64 => out.extend_from_slice(&v.as_f64().unwrap_or(0.0).to_bits().to_le_bytes()),
        _ => out.extend_from_slice(
            &v.as_i128()
                .or_else(|| v.as_u128().map(|n| n as i128))
                .unwrap_or(0)
                .to_le_bytes(),
        ),
    }
}

impl tera::Function<tera::TeraResult<String>> for Partials {
    fn call(&self, kwargs: Kwargs, state: &State) -> tera::TeraResult<String> {
        use siphasher::sip128::Hasher128;
        use std::hash::Hasher;
        let name = kwargs.must_get::<&str>("name")?;
        let Some((reads, reads_ui)) = self.reads.get(name) else {
            return Err(tera::Error::message(format!(
                "partial(name=\"{name}\"): no such template"
            )));
        };
        let mut values: Vec<(&str, Value)> = Vec::with_capacity(reads.len());
        let mut bytes = Vec::with_capacity(2048);
        bytes.extend_from_slice(name.as_bytes());
        for var in reads {
            let Some(value) = state.get::<Value>(var)? else {
                continue;
            };
            bytes.push(0);
            bytes.extend_from_slice(var.as_bytes());
            key_bytes(&value, &mut bytes);
            values.push((var, value));
        }
        let k = {
            let mut h = siphasher::sip128::SipHasher13::new_with_keys(
                0x243f_6a88_85a3_08d3,
                0x1319_8a2e_0370_7344,
            );
            h.write(&bytes);
            h.finish128().as_u128()
        };
        if let Some(html) = self.memo.lock().ok().and_then(|m| m.html.get(&k).cloned()) {
            return Ok(html.to_string());
        }
        let mut ctx = tera::Context::new();
        for (var, value) in values {
            ctx.insert_value(var.to_string(), value);
        }
        if *reads_ui {
            let lang = state.get::<String>("lang")?.unwrap_or_default();
            let Some(ui) = self.ui.get(&lang) else {
                return Err(tera::Error::message(format!(
                    "partial(name=\"{name}\") reads `ui`: `lang` must be one of the site's languages, not \"{lang}\""
                )));
            };
            ctx.insert_value("ui", ui.clone());
        }
        let html = self.tera.render(name, &ctx)?;
        if let Ok(mut m) = self.memo.lock() {
            if m.bytes + html.len() > PARTIAL_MEMO_BYTES {
                m.html.clear();
                m.bytes = 0;
            }
            m.bytes += html.len();
            m.html.insert(k, Arc::from(html.as_str()));
        }
        Ok(html)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `{{ asset(path="css/style.css") }}`: the root-relative URL of a static file, with the base
/// path and, when `fingerprint = true`, the fingerprinted name. A path that is no static file is
/// an error, so a typo shows at build time rather than as a 404 in production.
fn register_asset_function(tera: &mut Tera, assets: Arc<Assets>) {
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?;
            let rel = path.trim_start_matches('/');
            if assets.known.contains(rel) {
                Ok(assets.url(rel))
            } else {
                Err(tera::Error::message(format!(
                    "asset(path=\"{path}\"): no such file in the theme's or the site's static/"
                )))
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `partial()` gives what `{% include %}` gives, call after call, when any value the partial
    /// reads differs only a little from one already memoised: a nested field, a number's type,
    /// a string marked safe, an unset variable, the language (and so `ui`).
    #[test]
    fn partial_renders_what_include_renders_and_never_a_stale_memo() {
        let partial = "{% set t = card.title %}<p>{{ t }}|{{ card.meta.n }}|{{ x | default(value='-') }}|{{ s | default(value='') }}|{{ ui.hello }}|{{ lang }}</p>";
        let body = "{% for card in cards %}{% if loop.index == 2 %}{% set x = 1 %}{% endif %}{% if loop.index == 3 %}{% set s = '<b>' | safe %}{% elif loop.index == 4 %}{% set s = '<b>' %}{% endif %}CALL{% endfor %}";
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        register_partial_stand_in(&mut tera);
        tera.add_raw_templates([
            ("p.html", partial.to_string()),
            (
                "memo.html",
                body.replace("CALL", "{{ partial(name='p.html') }}"),
            ),
            (
                "include.html",
                body.replace("CALL", "{% include 'p.html' %}"),
            ),
        ])
        .unwrap();
        let ui: HashMap<String, Value> = ["en", "ru"]
            .iter()
            .map(|l| {
                let mut m = tera::Map::new();
                m.insert("hello".into(), Value::from(format!("hello-{l}")));
                (l.to_string(), Value::from(m))
            })
            .collect();
        let partials = Partials::new(tera.clone(), ui.clone());
        tera.register_function("partial", partials);
        let card = |title: &str, n: serde_json::Value| serde_json::json!({"title": title, "meta": {"n": n}});
        let cards = vec![
            card("A", serde_json::json!(1)),
            card("A", serde_json::json!(1)),
            card("A", serde_json::json!(1)),
            card("A", serde_json::json!(1)),
            card("A", serde_json::json!(2)),
            card("A", serde_json::json!(2.0)),
            card("A", serde_json::json!("2")),
            card("A <i>", serde_json::json!(1)),
        ];
        let mut seen = Vec::new();
        for lang in ["en", "ru", "en"] {
            let mut ctx = tera::Context::new();
            ctx.insert("cards", &cards);
            ctx.insert("lang", lang);
            ctx.insert_value("ui", ui[lang].clone());
            let memo = tera.render("memo.html", &ctx).unwrap();
            let include = tera.render("include.html", &ctx).unwrap();
            assert_eq!(memo, include, "{lang}");
            seen.push(memo);
        }
        assert_ne!(seen[0], seen[1], "the language changes `ui`");
        assert_eq!(seen[0], seen[2]);
        let first = &seen[0];
        assert!(first.contains("<p>A|1|-||hello-en|en</p>"), "{first}");
        assert!(first.contains("<p>A|1|1||hello-en|en</p>"), "{first}");
        assert!(first.contains("|<b>|"), "{first}");
        assert!(first.contains("|&lt;b&gt;|"), "{first}");
        assert!(first.contains("<p>A &lt;i&gt;|1|"), "{first}");
        // `ui` comes from gen's table for `lang`, so a language gen does not know is an error.
        let mut ctx = tera::Context::new();
        ctx.insert("cards", &cards);
        ctx.insert("lang", "xx");
        ctx.insert_value("ui", ui["en"].clone());
        assert!(tera.render("memo.html", &ctx).is_err());
    }

    #[test]
    fn ui_table_nests_keys_and_falls_back_like_t() {
        let mut strings = Strings::default();
        let en = "updated = \"Updated\"\nlist_and = \" and \"\n[search]\nlabel = \"Search\"\n[articles]\none = \"{n} article\"\nother = \"{n} articles\"\n";
        let pt = "updated = \"Atualizado\"\n[search]\nlabel = \"Pesquisar\"\n";
        let pt_br = "updated = \"Atualizada\"\n";
        for (lang, text) in [("en", en), ("pt", pt), ("pt-BR", pt_br)] {
            let own = Strings::parse(lang, text, Path::new("x.toml")).unwrap();
            strings.by_lang.insert(lang.to_string(), own);
        }
        let table = strings.table("pt-BR");
        let json = serde_json::to_value(&table).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                // Its own, then its primary language's, then English; a plural's `other`.
                "updated": "Atualizada",
                "search": { "label": "Pesquisar" },
                "search.label": "Pesquisar",
                "list_and": " and ",
                "articles": "{n} articles",
            })
        );
        // Each leaf is what `t` gives for the dotted key.
        for (key, leaf) in [("updated", "Atualizada"), ("search.label", "Pesquisar")] {
            assert!(matches!(strings.get("pt-BR", key), Some(Entry::Text(t)) if t == leaf));
        }
    }

    #[test]
    fn russian_plurals_and_dates() {
        let l = Locales::new(&["ru".to_string(), "de".to_string()]);
        assert_eq!(l.category("ru", 1), "one");
        assert_eq!(l.category("ru", 2), "few");
        assert_eq!(l.category("ru", 5), "many");
        assert_eq!(
            l.long_date("ru", "2021-12-07").unwrap(),
            "7 декабря 2021\u{202f}г."
        );
        assert_eq!(l.long_date("de", "2021-12-07").unwrap(), "7. Dezember 2021");
        assert_eq!(l.long_date("en", "2021-12-07").unwrap(), "December 7, 2021");
    }

    fn config(text: &str) -> Config {
        Config::parse(
            Path::new("/site"),
            &format!("title = \"T\"\n{text}"),
            &crate::config::Overrides::default(),
        )
        .unwrap()
    }

    fn file(rel: &str, bytes: &'static [u8]) -> ThemeFile {
        ThemeFile {
            rel: PathBuf::from(rel),
            disk: None,
            bytes: Some(bytes),
        }
    }

    #[test]
    fn css_urls_are_found_and_replaced() {
        let css = "/* url(/no) */ a{background:url( /img/a.png )} b{x:url('../f.woff2?v=1#x')}\n@import \"print.css\"; @import url(x.css); c{content:\"url(/no)\"}";
        let mut seen = Vec::new();
        let out = map_css_urls(css, |u| {
            seen.push(u.to_string());
            Some(format!("<{u}>"))
        });
        assert_eq!(
            seen,
            ["/img/a.png", "../f.woff2?v=1#x", "print.css", "x.css"]
        );
        assert!(out.contains("url( </img/a.png> )"), "{out}");
        assert!(out.contains("@import \"<print.css>\""), "{out}");
        assert!(out.contains("/* url(/no) */") && out.contains("\"url(/no)\""));
    }

    #[test]
    fn fingerprints_css_and_rewrites_references() {
        let c = config("base_url = \"https://e.org/news/\"\nfingerprint = true\n");
        let files = [
            file(
                "css/style.css",
                b"@import \"print.css\";\nbody{background:url(/img/bg.png)}",
            ),
            file("css/print.css", b"p{color:red}"),
            file("js/app.js", b"console.log(1)"),
            file("img/bg.png", b"png"),
        ];
        let a = Assets::plan(&c, &files).unwrap();
        let print = fingerprinted_name("css/print.css", b"p{color:red}");
        assert_eq!(a.url("css/print.css"), format!("/news/{print}"));
        let style = a.planned("css/style.css").unwrap();
        let text = String::from_utf8(style.bytes.clone().unwrap()).unwrap();
        let print_file = print.rsplit('/').next().unwrap();
        assert!(
            text.contains(&format!("@import \"{print_file}\"")),
            "{text}"
        );
        assert!(text.contains("url(/news/img/bg.png)"), "{text}");
        assert_eq!(
            style.fingerprinted.as_deref(),
            Some(fingerprinted_name("css/style.css", text.as_bytes()).as_str())
        );
        assert!(a.url("js/app.js").starts_with("/news/js/app."));
        assert_eq!(a.url("img/bg.png"), "/news/img/bg.png");
        assert!(a.planned("img/bg.png").is_none());
    }

    #[test]
    fn without_fingerprint_only_root_relative_css_urls_change() {
        let c = config("base_url = \"https://e.org/\"\n");
        let files = [file("css/style.css", b"body{background:url(/img/bg.png)}")];
        let a = Assets::plan(&c, &files).unwrap();
        assert_eq!(a.url("css/style.css"), "/css/style.css");
        assert!(a.planned("css/style.css").unwrap().bytes.is_none());
        let c = config("base_url = \"https://e.org/news/\"\n");
        let a = Assets::plan(&c, &files).unwrap();
        assert_eq!(a.url("css/style.css"), "/news/css/style.css");
        let p = a.planned("css/style.css").unwrap();
        assert!(p.fingerprinted.is_none());
        assert_eq!(
            p.bytes.as_deref(),
            Some(&b"body{background:url(/news/img/bg.png)}"[..])
        );
    }

    #[test]
    fn hints_name_only_filters_tests_and_functions_templates_can_use() {
        let c = config("base_url = \"https://e.org/\"\n");
        let mut tera = Tera::default();
        let codes: Vec<String> = c.languages.iter().map(|l| l.code.clone()).collect();
        register_filters(
            &mut tera,
            Arc::new(Strings::default()),
            Arc::new(Locales::new(&codes)),
        );
        register_asset_function(&mut tera, Arc::new(Assets::default()));
        crate::theme_images::register(&mut tera, Default::default());
        register_partial_stand_in(&mut tera);
        let known = |tera: &mut Tera, text: &str| tera.add_raw_template("t.html", text).is_ok();
        for f in FILTERS {
            assert!(
                known(&mut tera, &format!("{{{{ x | {f} }}}}")),
                "filter {f}"
            );
        }
        for t in TESTS {
            let text = format!("{{% if x is {t} %}}{{% endif %}}");
            assert!(known(&mut tera, &text), "test {t}");
        }
        for f in FUNCTIONS {
            assert!(
                known(&mut tera, &format!("{{{{ {f}() }}}}")),
                "function {f}"
            );
        }
        assert!(!known(&mut tera, "{{ x | uppr }}"));
        assert_eq!(closest("uppr", FILTERS), Some("upper"));
        assert_eq!(closest("fro", TAGS), Some("for"));
        assert_eq!(closest("endfi", TAGS), Some("endif"));
        assert_eq!(closest("zzzzzz", TAGS), None);
    }

    #[test]
    fn tera_reports_are_read_for_their_places() {
        let msg = "error: Unknown filter `uppr`\n --> article.html:2:20\n  |\n2 | {{ a | uppr }}\n  |        ^^^^\n\nerror: Unknown template `x.html`\n  --> partials/a.html:10:12\n   |";
        assert_eq!(
            parse_reports(msg),
            [
                (
                    "Unknown filter `uppr`".to_string(),
                    "article.html".to_string(),
                    2,
                    20
                ),
                (
                    "Unknown template `x.html`".to_string(),
                    "partials/a.html".to_string(),
                    10,
                    12
                )
            ]
        );
    }

    #[test]
    fn fingerprint_is_sha256_prefix() {
        // printf 'abc' | sha256sum → ba7816bf…
        assert_eq!(fingerprinted_name("a/b.css", b"abc"), "a/b.ba7816bf.css");
        assert_eq!(fingerprinted_name("LICENSE", b"abc"), "LICENSE.ba7816bf");
    }
}
