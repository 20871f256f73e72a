//! `gen new site` and `gen new article`: files that build at once, written so that a newcomer
//! learns the format by reading them (every key of site.toml is explained where it stands).
//!
//! Neither command ever overwrites anything: a new site needs an empty folder, a new article a
//! free path. Values that only the journalist knows (the outlet of an original, say) are written
//! as `TODO …` placeholders: they build, so a draft can be previewed, and `gen check` refuses
//! them, so they are not published.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::{Config, Overrides};
use crate::diagnostics::{Error, Result};
use crate::output::safe_join;
use crate::theme::DEFAULT_THEME;

/// Options of `gen new article`.
#[derive(Debug, Clone, Default)]
pub struct NewArticle {
    /// Path under `content/`, with or without `.md` (`en/story`, `ru/story/index.md`). A path
    /// ending in `/` is a page bundle (`en/story/` → `en/story/index.md`), except a language
    /// folder alone (`ru/`), where the file is named after the title.
    pub path: String,
    /// Language code; by default the language folder of the path, else the site's default.
    pub lang: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// "Story by".
    pub authors: Vec<String>,
    /// "Translation by".
    pub translators: Vec<String>,
    /// URL of the original.
    pub source_url: Option<String>,
}

/// Current time with the local UTC offset, as front matter wants it
/// (`2026-03-09T14:05:00+02:00`).
pub fn now_rfc3339() -> String {
    jiff::Zoned::now()
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// A YAML scalar that reads back as exactly `s`, whatever it holds (`:`, `#`, quotes, a
/// leading `-`): JSON strings are valid YAML double-quoted scalars.
fn yaml_str(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '.' || c == '\'')
        && !s.starts_with(['-', ' ', '\''])
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "on" | "off" | "null" | "y" | "n" | "~"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

fn yaml_list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| yaml_str(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Whether a folder holds anything (a missing folder is empty).
fn is_empty_dir(dir: &Path) -> Result<bool> {
    match fs::read_dir(dir) {
        Ok(mut rd) => Ok(rd.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(Error::Usage(format!(
            "{} is a file, not a folder; pick a folder name for the new site",
            dir.display()
        ))),
        Err(e) => Err(Error::io(dir, e)),
    }
}

fn write_new(path: &Path, text: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    f.write_all(text).map_err(|e| Error::io(path, e))
}

/// `gen new site DIR`: a site that builds at once. Refuses a folder that holds anything.
/// Returns the files written, relative to `dir`.
pub fn new_site(dir: &Path, theme_copy: bool) -> Result<Vec<PathBuf>> {
    if !is_empty_dir(dir)? {
        return Err(Error::Usage(format!(
            "{} is not empty; gen new site only writes into a new or empty folder, so nothing of yours is overwritten",
            dir.display()
        )));
    }
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let now = jiff::Zoned::now();
    let date = now.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let published = now
        .checked_sub(jiff::Span::new().hours(20))
        .unwrap_or_else(|_| now.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        ("site.toml".into(), SITE_TOML.as_bytes().to_vec()),
        (".gitignore".into(), b"/public/\n# gen's caches (image variants, gen build --incremental), safe to delete.\n/.gen-cache/\n".to_vec()),
        (
            "content/people.yaml".into(),
            PEOPLE_YAML.as_bytes().to_vec(),
        ),
        (
            "content/en/first-translation.md".into(),
            SAMPLE_ARTICLE
                .replace("{date}", &date)
                .replace("{published}", &published)
                .into_bytes(),
        ),
    ];
    if theme_copy {
        copy_embedded(&DEFAULT_THEME, Path::new("themes/default"), &mut files);
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        write_new(&dir.join(&rel), &bytes)?;
        written.push(rel);
    }
    Ok(written)
}

fn copy_embedded(
    d: &'static include_dir::Dir<'static>,
    to: &Path,
    out: &mut Vec<(PathBuf, Vec<u8>)>,
) {
    for f in d.files() {
        out.push((to.join(f.path()), f.contents().to_vec()));
    }
    for sub in d.dirs() {
        copy_embedded(sub, to, out);
    }
}

/// Every file of the site's theme as (path in the theme: `templates/article.html`, bytes): the
/// built-in default theme, or the folder `themes/<name>/`.
fn theme_files(config: &Config) -> Result<Vec<(String, Vec<u8>)>> {
    let dir = config.root.join("themes").join(&config.theme);
    let mut out = Vec::new();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| Error::Internal(format!("{}: {e}", dir.display())))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            if ["templates/", "static/", "i18n/"]
                .iter()
                .any(|p| rel.starts_with(p))
            {
                let bytes = fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                out.push((rel, bytes));
            }
        }
    } else if config.theme == "default" {
        let mut files = Vec::new();
        copy_embedded(&DEFAULT_THEME, Path::new(""), &mut files);
        out.extend(
            files
                .into_iter()
                .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b)),
        );
        out.sort();
    } else {
        return Err(Error::Usage(format!(
            "the theme `{}` has no folder themes/{}/",
            config.theme, config.theme
        )));
    }
    Ok(out)
}

/// `gen theme eject [FILE…]`: copies theme files into the site's own `templates/`, `static/`
/// and `i18n/`, where they override the theme's, to edit them without forking the theme. A
/// FILE is named as in the theme (`templates/article.html`) or shorter (`article.html`,
/// `partials/card.html`, `css/style.css`, `ru.toml`); none means every file. Never overwrites
/// a file of the site. Returns the files written, relative to the site root.
pub fn eject(root: &Path, names: &[String]) -> Result<Vec<PathBuf>> {
    let config = Config::load(root, &Overrides::default())?;
    let all = theme_files(&config)?;
    let chosen: Vec<&(String, Vec<u8>)> = if names.is_empty() {
        all.iter().collect()
    } else {
        let mut chosen = Vec::new();
        for name in names {
            let n = name.trim_start_matches("./").replace('\\', "/");
            let found = all.iter().find(|(rel, _)| {
                *rel == n
                    || ["templates/", "static/", "i18n/"]
                        .iter()
                        .any(|p| *rel == format!("{p}{n}"))
            });
            match found {
                Some(f) => chosen.push(f),
                None => {
                    // Compared by the short name too (`artcle.html` → templates/article.html).
                    let short = |r: &str| {
                        ["templates/", "static/", "i18n/"]
                            .iter()
                            .find_map(|p| r.strip_prefix(p))
                            .unwrap_or(r)
                            .to_string()
                    };
                    let shorts: Vec<String> = all.iter().map(|(r, _)| short(r)).collect();
                    let hint = crate::diagnostics::did_you_mean(
                        &short(&n),
                        shorts.iter().map(String::as_str),
                    )
                    .and_then(|near| all.iter().find(|(r, _)| short(r) == near))
                    .map(|(r, _)| format!("; did you mean `{r}`?"))
                    .unwrap_or_default();
                    return Err(Error::Usage(format!(
                        "the theme `{}` has no file `{name}`{hint}",
                        config.theme
                    )));
                }
            }
        }
        chosen
    };
    let existing: Vec<&str> = chosen
        .iter()
        .filter(|(rel, _)| root.join(rel).exists())
        .map(|(rel, _)| rel.as_str())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Usage(format!(
            "the site already has {}; gen theme eject never overwrites: edit it, or delete it to start again from the theme's",
            existing.join(", ")
        )));
    }
    let mut written = Vec::new();
    for (rel, bytes) in chosen {
        write_new(&root.join(rel), bytes)?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

/// Turns `grain-deal_signed` into "Grain deal signed", for a title nobody gave.
fn title_from_stem(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut c = words.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => "Untitled".into(),
    }
}

/// `gen new article PATH`: writes `content/PATH.md` with its front matter filled in, and
/// returns its path. Refuses to overwrite, and refuses paths leaving `content/`.
pub fn new_article(root: &Path, opts: &NewArticle) -> Result<PathBuf> {
    let config = Config::load(root, &Overrides::default())?;
    let mut rel = opts.path.replace('\\', "/");
    if let Some(r) = rel.strip_prefix("content/") {
        rel = r.to_string();
    }
    let rel = rel
        .trim_start_matches("./")
        .trim_start_matches('/')
        .to_string();
    let title = opts
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let slug = title.map(crate::slug::slugify_ascii);
    let folder = rel.trim_end_matches('/');
    let language_folder = folder.is_empty()
        || (!folder.contains('/')
            && (config.language(folder).is_some() || crate::content::is_language_code(folder)));
    let rel = if rel.ends_with('/') && !language_folder {
        // A page bundle: the article and its images in one folder.
        format!("{folder}/index.md")
    } else if rel.is_empty() || rel.ends_with('/') {
        let Some(slug) = &slug else {
            return Err(Error::Usage(format!(
                "`{}` is a folder: give the file a name (`{}my-story`) or a --title to name it after",
                opts.path, rel
            )));
        };
        format!("{rel}{slug}.md")
    } else if rel.ends_with(".md") {
        rel
    } else {
        format!("{rel}.md")
    };
    let content = root.join("content");
    let Some(path) = safe_join(&content, &rel) else {
        return Err(Error::Usage(format!(
            "`{}` would leave content/; give a path inside it such as en/my-story",
            opts.path
        )));
    };
    let known: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    if let Some((first, _)) = rel.split_once('/')
        && !known.contains(&first)
        && crate::content::is_language_code(first)
    {
        return Err(Error::Content(vec![
            crate::diagnostics::Diagnostic::error(
                Path::new("content").join(&rel),
                0,
                0,
                format!(
                    "the folder `{first}/` is named like the language code `{first}`, which is not declared in site.toml (it has: {})",
                    known.join(", ")
                ),
            )
            .with_hint(format!(
                "add `[languages.{first}]` with `name = \"…\"` to site.toml, then run this again"
            )),
        ]));
    }
    let folder_lang = rel
        .split_once('/')
        .map(|(first, _)| first)
        .filter(|f| known.contains(f));
    let lang = match &opts.lang {
        Some(l) if !known.contains(&l.as_str()) => {
            return Err(Error::Usage(format!(
                "language `{l}` is not declared in site.toml (it has: {}); add [languages.{l}] first",
                known.join(", ")
            )));
        }
        Some(l) => l.clone(),
        None => folder_lang.unwrap_or(&config.default_language).to_string(),
    };
    let stem = Path::new(&rel)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("untitled");
    let stem = if stem == "index" {
        Path::new(&rel)
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or("untitled")
    } else {
        stem
    };
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| title_from_stem(stem));

    let translated = !opts.translators.is_empty() || opts.source_url.is_some();
    let mut y = String::from("---\n");
    y.push_str(&format!("title: {}\n", yaml_str(&title)));
    y.push_str("# kicker: Rubric above the headline\n");
    y.push_str("# description: One sentence under the headline (the dek)\n");
    y.push_str(&format!("date: {}\n", now_rfc3339()));
    y.push_str(&format!("lang: {lang}\n"));
    if opts.authors.is_empty() {
        y.push_str("authors: []   # \"Story by\": the reporters\n");
    } else {
        y.push_str(&format!("authors: {}\n", yaml_list(&opts.authors)));
    }
    if translated {
        let translators = if opts.translators.is_empty() {
            vec![format!("{} translator's name", crate::check::TODO)]
        } else {
            opts.translators.clone()
        };
        y.push_str(&format!("translators: {}\n", yaml_list(&translators)));
        y.push_str("source:   # the original publication\n");
        y.push_str(&format!(
            "  name: {}\n",
            yaml_str(&format!(
                "{} outlet that published the original",
                crate::check::TODO
            ))
        ));
        let url = opts.source_url.clone().unwrap_or_else(|| {
            format!(
                "https://example.com/{}-link-to-the-original",
                crate::check::TODO
            )
        });
        y.push_str(&format!("  url: {}\n", yaml_str(&url)));
        y.push_str("  # lang: ru   # language code of the original\n");
        y.push_str("  # published: 2021-12-07T18:00:00+03:00\n");
    }
    y.push_str("# tags: [politics]\n");
    y.push_str("# story: Name of the running story\n");
    y.push_str(
        "# image: { src: photo.jpg, alt: What the photo shows, caption: ..., credit: ... }\n",
    );
    if let Some(slug) = &slug
        && slug != &crate::content::default_slug(&rel)
    {
        y.push_str(&format!("slug: {slug}\n"));
    }
    y.push_str("draft: false\n---\n\n");
    write_new_article(&path, &rel, y.as_bytes())?;
    Ok(path)
}

fn write_new_article(path: &Path, rel: &str, text: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut f) => f.write_all(text).map_err(|e| Error::io(path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::Usage(format!(
            "content/{rel} already exists; gen new article never overwrites: pick another path, or edit that file"
        ))),
        Err(e) => Err(Error::io(path, e)),
    }
}

const SITE_TOML: &str = r#"# site.toml: the settings of this site. Keys left out take the default shown.
# Unknown keys are an error, so a typo never goes unnoticed.

# Name of the site, in <title>, feeds and structured data.
title = "My Newsroom"
# One line about the site, for search engines and feeds.
description = "Reporting from other newsrooms, translated"
# Where the site will be served, ending in /. A sub-path works too:
# "https://example.org/news/". `gen build --base-url URL` overrides it (staging).
base_url = "https://example.org/"
# Language of pages that do not say otherwise; must be one of [languages] below.
default_language = "en"
# Theme folder under themes/; "default" is built into gen (copy it with
# `gen new site DIR --theme-copy` to change it).
theme = "default"
# Where `gen build` writes the site. gen replaces this folder on every build.
output_dir = "public"
# URL of an article: :lang, :year, :month, :day, :section, :story and :slug.
# The default language's /en/ prefix is dropped unless prefix_default_language is true.
permalink = "/:lang/:year/:month/:day/:slug/"
prefix_default_language = false
# Minify HTML output.
minify = true
# Articles per list page (home pages, author, tag and story pages).
paginate = 10
# Give CSS and JS files a content hash in their name (style.3f2a9c1b.css) so hosts can
# cache them for a year; see the deploy notes in README.md.
fingerprint = false

# Languages the site publishes in: one table per BCP 47 code.
[languages.en]
# Name of the language in itself, for the language switcher.
name = "English"
# dir = "rtl"            # text direction; guessed for ar, he, fa, ur
# locale = "en_GB"       # Open Graph locale; derived from the code
# title = "..."          # the site's title in this language
# description = "..."    # the site's description in this language

# [languages.ru]
# name = "Русский"

# The organisation named as publisher in structured data.
[publisher]
# name = "My Newsroom"   # the site title when left out
# logo = "/images/logo.png"
# url = "https://example.org/"

# Share buttons under each article, in this order. Known: telegram, x, facebook,
# whatsapp, vk, bluesky, linkedin, email, copy.
[share]
networks = ["telegram", "x", "facebook", "whatsapp", "bluesky", "email", "copy"]

# RSS, Atom and JSON feeds.
[feeds]
# Items per feed.
limit = 20
# Whole articles in feeds (true) or only their summary (false).
full_text = false

# Related reading under each article: how much each shared trait weighs.
[related]
# Cards per article; 0 turns related reading off.
count = 3
# Same running story (`story:` in front matter).
story = 10.0
# Shared tags (rarer tags weigh more).
tags = 3.0
# Shared authors.
people = 1.0
# Shared translators (weaker: translators follow languages more than topics).
translators = 0.25
# Same original outlet.
outlet = 0.5
# Similar text.
text = 4.0
# Closeness in time: the tie-breaker.
recency = 0.25
# Fewer cards rather than weak ones: hide a candidate scoring below this share of the best.
min_score = 0.15

[markdown]
# Let raw HTML in Markdown through. Off: a pasted <script> shows as text.
unsafe_html = false

# Free values for themes, read in templates as site.extra.
[extra]
"#;

const PEOPLE_YAML: &str = r#"# People credited on this site: authors and translators.
# `name` is the name shown by default; `names` gives it per language; `aliases` are
# other spellings (as written in an original's byline) that mean the same person.
# Each person gets a page listing their work, at /authors/<name>/ or /translators/<name>/.

- name: Maria Ivanova
  names:
    ru: Мария Иванова
  aliases: [Мария Иванова, Mariya Ivanova]
  bio: Correspondent of the Example Courier, covering regional politics.
  links:
    - title: Author page at the Example Courier
      url: https://courier.example.net/authors/maria-ivanova

- name: Sam Taylor
  bio: Translator from Russian and Ukrainian.
"#;

const SAMPLE_ARTICLE: &str = r#"---
# The headline.
title: "City council approves a new budget for public transport"
# The rubric above the headline.
kicker: Local politics
# One sentence under the headline (the dek); also the summary in lists and feeds.
description: After three weeks of debate, the council voted to double spending on buses.
# When it was published here, with your UTC offset.
date: {date}
# updated: {date}          # when it was last changed
# Language of this version; by default the language folder of the file.
lang: en
# "Story by": the reporters, as named in content/people.yaml.
authors: [Maria Ivanova]
# "Translation by". A translated article credits its translators and its source.
translators: [Sam Taylor]
# The original publication.
source:
  name: Example Courier
  url: https://courier.example.net/2026/city-budget-transport
  lang: ru
  published: {published}
# When the original is on this site too (content/ru/…), name it: the versions link each
# other and share hreflang alternates.
# translation_of: ru/city-transport-budget.md
# Topics; each gets a page and feeds.
tags: [transport, city budget]
# The running story this belongs to: "Read more about …".
story: City budget
# Articles to show first under "Related reading": a slug or content path of this site,
# or an outside link.
# related:
#   - other-article-slug
#   - { title: Earlier coverage, url: https://example.net/earlier }
# The lead image, a file beside index.md when the article is a folder (en/story/index.md).
# image: { src: photo.jpg, alt: Buses at the central station, caption: ..., credit: ... }
# corrections:
#   - { date: 2026-03-10, text: An earlier version misstated the vote count. }
# The last part of the URL; by default the file name.
slug: city-transport-budget
# Drafts are built only with `gen build --drafts`.
draft: false
---
The city council on Tuesday approved a budget that doubles spending on public transport, after three weeks of debate that split the ruling coalition.

"We have waited ten years for this," said a member of the transport committee.

## What changes

Twelve new bus routes will open next year, and night buses will run on weekends.[^1] The full text of the decision is on the [council's website](https://council.example.net/decisions).

## What it costs

The plan will be paid for by a new parking fee in the city centre.

[^1]: According to the draft timetable published by the city's transport department.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_read_back() {
        for s in [
            "Plain title",
            "Leaders: a call",
            "# not a comment",
            "- dash",
            "yes",
            "2021",
            "«Кавычки» и \"quotes\"",
            "",
        ] {
            let y = format!("k: {}\n", yaml_str(s));
            let v: std::collections::BTreeMap<String, String> = serde_yaml::from_str(&y).unwrap();
            assert_eq!(v["k"], s, "{y}");
        }
    }

    #[test]
    fn titles_from_file_names() {
        assert_eq!(title_from_stem("grain-deal_signed"), "Grain deal signed");
        assert_eq!(title_from_stem(""), "Untitled");
    }
}
