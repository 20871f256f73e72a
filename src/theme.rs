//! The theme: Tera templates (theme's own, overridden by the site's `templates/`), static files,
//! UI strings per language, and the filters templates use for labels, plurals and dates.
//!
//! The default theme lives in `themes/default` and is embedded in the binary, so a folder with
//! only `site.toml` and `content/` builds.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::YMD;
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

/// UI strings of all languages, with English as the fallback.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    by_lang: HashMap<String, HashMap<String, Entry>>,
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
struct Locales {
    plurals: HashMap<String, PluralRules>,
    dates: HashMap<String, FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
}

impl Locales {
    fn new(codes: &[String]) -> Locales {
        let mut plurals = HashMap::new();
        let mut dates = HashMap::new();
        for code in codes.iter().map(String::as_str).chain(["en"]) {
            let Ok(locale) = Locale::try_from_str(code) else {
                continue;
            };
            if let Ok(p) = PluralRules::try_new_cardinal(locale.clone().into()) {
                plurals.insert(code.to_string(), p);
            }
            if let Ok(f) = FixedCalendarDateTimeFormatter::try_new(locale.into(), YMD::long()) {
                dates.insert(code.to_string(), f);
            }
        }
        Locales { plurals, dates }
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
        let f = self
            .dates
            .get(lang)
            .or_else(|| self.dates.get("en"))
            .ok_or("no date formatter")?;
        let date = Date::try_new_gregorian(d.year() as i32, d.month() as u8, d.day() as u8)
            .map_err(|e| e.to_string())?;
        Ok(f.format(&date).to_string())
    }
}

/// The loaded theme: compiled templates, static files and strings.
pub struct Theme {
    /// Compiled templates.
    pub tera: Tera,
    /// Where each template came from, for error messages.
    pub origins: HashMap<String, PathBuf>,
    /// Static files, theme's first, the site's overriding.
    pub static_files: Vec<ThemeFile>,
    /// UI strings.
    pub strings: Arc<Strings>,
}

/// Reads a theme folder's files as (relative path, bytes) pairs, skipping editor leftovers.
fn read_dir_files(dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
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
        }
        let strings = Arc::new(strings);

        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        register_filters(&mut tera, config, strings.clone());
        let origins: HashMap<String, PathBuf> = templates
            .iter()
            .map(|(k, (p, _))| (k.clone(), p.clone()))
            .collect();
        tera.add_raw_templates(templates.iter().map(|(k, (_, t))| (k.as_str(), t.as_str())))
            .map_err(|e| template_error(&e, &origins, None))?;
        tera.global_context().insert("site", config);
        Ok(Theme {
            tera,
            origins,
            static_files: static_files.into_values().collect(),
            strings,
        })
    }

    /// Renders a template, turning Tera's errors into diagnostics naming the template file and
    /// line and the page being rendered.
    pub fn render(&self, name: &str, ctx: &tera::Context, page: &str) -> Result<String> {
        self.tera
            .render(name, ctx)
            .map_err(|e| template_error(&e, &self.origins, Some(page)))
    }
}

fn all_embedded(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<&'static include_dir::File<'static>> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_embedded(d));
    }
    out
}

/// A Tera error as a diagnostic at the template's file and line.
pub fn template_error(
    e: &tera::Error,
    origins: &HashMap<String, PathBuf>,
    page: Option<&str>,
) -> Error {
    let suffix = page
        .map(|p| format!(" (while rendering {p})"))
        .unwrap_or_default();
    let d = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let path = origins
                .get(r.filename())
                .cloned()
                .unwrap_or_else(|| PathBuf::from(r.filename()));
            Diagnostic::error(
                path,
                r.span().start_line,
                r.span().start_col + 1,
                format!("template error: {}{suffix}", r.message()),
            )
            .with_hint("fix the template at this line")
        }
        other => {
            let mut msg = other.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            Diagnostic::error("templates", 0, 0, format!("template error: {msg}{suffix}"))
        }
    };
    Error::Content(vec![d])
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

fn register_filters(tera: &mut Tera, config: &Config, strings: Arc<Strings>) {
    let codes: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();
    let locales = Arc::new(Locales::new(&codes));

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
                    "no UI string `{key}` in any language (add it to i18n/en.toml)"
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
                        "no UI string `{key}` in any language"
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
