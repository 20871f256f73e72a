//! Content loading: discover Markdown files under `content/`, split and parse their front matter,
//! and check each file on its own. Cross-file rules (URLs, translations, related) belong to
//! [`crate::site`].

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Deserializer};
use walkdir::WalkDir;

use crate::config::Config;
use crate::dates::DateTime;
use crate::diagnostics::{Diagnostic, Diagnostics, explain_serde_message};

/// A Markdown file found under `content/`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to `content/`, with `/` separators (`en/story.md`, `en/story/index.md`).
    pub rel: String,
    /// Path on disk.
    pub abs: PathBuf,
    /// For a page bundle (`slug/index.md`), the other files of its folder, relative to it.
    pub assets: Vec<PathBuf>,
}

/// Names that editors and tools leave beside real files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || name == "Thumbs.db"
}

/// Walks `content/` and lists Markdown files in a stable order. Loops, unreadable entries and
/// non-UTF-8 names are diagnostics, not panics.
pub fn discover(content_dir: &Path, diags: &mut Diagnostics) -> Vec<SourceFile> {
    let mut files = Vec::new();
    if !content_dir.is_dir() {
        return files;
    }
    let walker = WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_some_and(is_ignored_name));
    let site_root = content_dir
        .parent()
        .and_then(|p| std::fs::canonicalize(p).ok());
    let mut bundle_dirs: Vec<PathBuf> = Vec::new();
    let mut candidates = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| rel_display(content_dir, p))
                    .unwrap_or_else(|| "content".into());
                let msg = if err.loop_ancestor().is_some() {
                    format!("filesystem loop at {}", path.display())
                } else {
                    format!("cannot read: {err}")
                };
                diags.push(
                    Diagnostic::error(path, 0, 0, msg)
                        .with_hint("remove the link or move it out of content/"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let Ok(rel) = path.strip_prefix(content_dir) else {
            continue;
        };
        // A link whose target lies outside the site would publish that file.
        if let (Some(site), Ok(real)) = (&site_root, std::fs::canonicalize(path))
            && !real.starts_with(site)
        {
            diags.push(
                Diagnostic::error(
                    rel_display(content_dir, path),
                    0,
                    0,
                    format!(
                        "this link points outside the site folder, to {}",
                        real.display()
                    ),
                )
                .with_hint("copy the file into the site instead of linking to it"),
            );
            continue;
        }
        let Some(rel_str) = rel.to_str() else {
            diags.push(
                Diagnostic::error(
                    rel_display(content_dir, path),
                    0,
                    0,
                    "file name is not valid UTF-8",
                )
                .with_hint("rename the file using UTF-8 characters"),
            );
            continue;
        };
        if path.extension().is_some_and(|e| e == "md") {
            if path.file_name().is_some_and(|n| n == "index.md") && rel.components().count() > 1 {
                bundle_dirs.push(path.parent().map(Path::to_path_buf).unwrap_or_default());
            }
            candidates.push((rel_str.replace('\\', "/"), path.to_path_buf()));
        } else {
            candidates.push((String::new(), path.to_path_buf()));
        }
    }
    // Assets are the non-Markdown files inside a bundle folder (at any depth).
    let mut assets: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for (rel, abs) in &candidates {
        if rel.is_empty()
            && let Some(dir) = bundle_dirs
                .iter()
                .filter(|d| abs.starts_with(d))
                .max_by_key(|d| d.as_os_str().len())
            && let Ok(r) = abs.strip_prefix(dir)
        {
            assets.entry(dir.clone()).or_default().push(r.to_path_buf());
        }
    }
    for (rel, abs) in candidates {
        if rel.is_empty() {
            continue;
        }
        let assets = if abs.file_name().is_some_and(|n| n == "index.md") {
            abs.parent()
                .and_then(|d| assets.get(d))
                .cloned()
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        files.push(SourceFile { rel, abs, assets });
    }
    files
}

fn rel_display(content_dir: &Path, p: &Path) -> PathBuf {
    let base = content_dir.parent().unwrap_or(content_dir);
    p.strip_prefix(base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

/// `authors: Jane Doe` and `authors: [Jane Doe]` both mean one person; anything else (a
/// number, a map) is a type error at the value's position.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a name or a list of names")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(V)
}

/// The original publication of a translated article, as written in front matter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    name: Option<String>,
    url: Option<String>,
    lang: Option<String>,
    published: Option<String>,
}

/// An entry of `related:` in front matter.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawRelated {
    /// Another article of the site, by slug or content path.
    Internal(String),
    /// An outside link.
    External {
        /// Card title.
        title: String,
        /// Absolute URL.
        url: String,
        /// Card kicker.
        #[serde(default)]
        kicker: Option<String>,
        /// Card dek.
        #[serde(default)]
        description: Option<String>,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImage {
    src: String,
    alt: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrection {
    date: String,
    text: String,
}

/// Front matter exactly as written; every key of DESIGN.md, nothing else.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    kicker: Option<String>,
    description: Option<String>,
    date: Option<String>,
    updated: Option<String>,
    lang: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    authors: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    translators: Vec<String>,
    source: Option<RawSource>,
    translation_of: Option<String>,
    translation_key: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    tags: Vec<String>,
    story: Option<String>,
    #[serde(default)]
    related: Vec<RawRelated>,
    related_count: Option<usize>,
    image: Option<RawImage>,
    #[serde(default)]
    corrections: Vec<RawCorrection>,
    slug: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// The original publication, checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Source {
    /// Outlet name.
    pub name: String,
    /// Absolute http(s) URL of the original article.
    pub url: String,
    /// Language of the original.
    pub lang: Option<String>,
    /// When the original was published.
    pub published: Option<DateTime>,
}

/// The lead image of an article.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Image {
    /// Path relative to the article (bundle) or site-absolute `/…`, or an absolute URL.
    pub src: String,
    /// Text alternative (required).
    pub alt: String,
    /// Caption.
    pub caption: Option<String>,
    /// Credit line.
    pub credit: Option<String>,
    /// Width in pixels, when known.
    pub width: Option<u32>,
    /// Height in pixels, when known.
    pub height: Option<u32>,
}

/// A published correction.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Correction {
    /// When it was made.
    pub date: DateTime,
    /// What was corrected.
    pub text: String,
}

/// A pinned related item as written, with the line it is on.
#[derive(Debug, Clone)]
pub struct PinnedRelated {
    /// The reference.
    pub item: RawRelated,
    /// Line in the file, for errors.
    pub line: usize,
}

/// Front matter checked on its own (no cross-file knowledge yet).
#[derive(Debug, Clone)]
pub struct FrontMatter {
    /// Headline.
    pub title: String,
    /// Rubric above the headline.
    pub kicker: Option<String>,
    /// Dek.
    pub description: Option<String>,
    /// Publication time.
    pub date: DateTime,
    /// Last update.
    pub updated: Option<DateTime>,
    /// Language code.
    pub lang: String,
    /// "Story by".
    pub authors: Vec<String>,
    /// "Translation by".
    pub translators: Vec<String>,
    /// The original publication.
    pub source: Option<Source>,
    /// Content path of the original in this site.
    pub translation_of: Option<String>,
    /// A key shared by all versions of one article.
    pub translation_key: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Running story.
    pub story: Option<String>,
    /// Pinned related items.
    pub related: Vec<PinnedRelated>,
    /// Per-article number of related cards.
    pub related_count: Option<usize>,
    /// Lead image.
    pub image: Option<Image>,
    /// Corrections.
    pub corrections: Vec<Correction>,
    /// URL slug.
    pub slug: String,
    /// Draft (left out unless `--drafts`).
    pub draft: bool,
    /// Theme data.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A parsed article: front matter, Markdown body, and where things are in the file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file.
    pub file: SourceFile,
    /// Checked front matter.
    pub meta: FrontMatter,
    /// Markdown after the front matter.
    pub body: String,
    /// 1-based file line where the body starts.
    pub body_line: usize,
    /// 1-based file line of each top-level front matter key, for later errors.
    pub key_lines: BTreeMap<String, usize>,
}

impl Document {
    /// File line of a front matter key (the `---` line when the key is absent).
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
    }

    /// Path for diagnostics, as the user sees it (`content/en/x.md`).
    pub fn display_path(&self) -> PathBuf {
        Path::new("content").join(&self.file.rel)
    }
}

/// Reads and parses every file in parallel; problems of all files are collected.
pub fn load(config: &Config, files: Vec<SourceFile>, diags: &mut Diagnostics) -> Vec<Document> {
    let results: Vec<Result<Document, Vec<Diagnostic>>> = files
        .into_par_iter()
        .map(|file| {
            let display = Path::new("content").join(&file.rel);
            let bytes = std::fs::read(&file.abs).map_err(|e| {
                vec![Diagnostic::error(
                    &display,
                    0,
                    0,
                    format!("cannot read: {e}"),
                )]
            })?;
            let text = String::from_utf8(bytes).map_err(|e| {
                let (line, col) = crate::config::line_col(
                    &String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]),
                    usize::MAX,
                );
                vec![
                    Diagnostic::error(&display, line, col, "file is not valid UTF-8")
                        .with_hint("save the file as UTF-8"),
                ]
            })?;
            parse_document(config, file, &text)
        })
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(d) => docs.push(d),
            Err(ds) => diags.extend(ds),
        }
    }
    docs
}

/// Parts of a file around its front matter.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// YAML text between the fences.
    pub yaml: &'a str,
    /// 1-based file line of the first YAML line.
    pub yaml_line: usize,
    /// Markdown after the closing fence.
    pub body: &'a str,
    /// 1-based file line where the body starts.
    pub body_line: usize,
}

/// Splits `---` fenced front matter off a file whose BOM is removed and line endings are `\n`.
/// Blank lines before the opening fence are allowed. Errors carry the file line.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, &'static str, &'static str)> {
    let mut offset = 0;
    let mut line = 1;
    for l in text.split_inclusive('\n') {
        if l.trim().is_empty() {
            offset += l.len();
            line += 1;
            continue;
        }
        break;
    }
    let rest = &text[offset..];
    let first = rest.split('\n').next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err((
            line,
            "the file does not start with front matter",
            "start the file with a line `---`, then `title:` and `date:`, then a closing `---`",
        ));
    }
    let open_line = line;
    let yaml_start = offset + first.len() + 1;
    if yaml_start > text.len() {
        return Err((
            open_line,
            "front matter is not closed",
            "add a line `---` after the last front matter key",
        ));
    }
    let mut pos = yaml_start;
    for (cur_line, l) in (open_line + 1..).zip(text[yaml_start..].split_inclusive('\n')) {
        let t = l.trim_end();
        if t == "---" || t == "..." {
            let body_start = pos + l.len();
            return Ok(Split {
                yaml: &text[yaml_start..pos],
                yaml_line: open_line + 1,
                body: &text[body_start.min(text.len())..],
                body_line: cur_line + 1,
            });
        }
        pos += l.len();
    }
    Err((
        open_line,
        "front matter is not closed",
        "add a line `---` after the last front matter key",
    ))
}

/// File lines of top-level keys (`key:` at column 0) of a YAML block.
fn top_level_key_lines(yaml: &str, first_line: usize) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for (i, l) in yaml.lines().enumerate() {
        if l.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some((k, _)) = l.split_once(':') {
            let k = k.trim().trim_matches(['"', '\'']);
            if !k.is_empty() {
                map.entry(k.to_string()).or_insert(first_line + i);
            }
        }
    }
    map
}

/// File line of a nested key (`alt:` under `image:`), else the parent's line.
fn nested_key_line(yaml: &str, first_line: usize, parent_line: usize, key: &str) -> usize {
    let start = parent_line.saturating_sub(first_line);
    for (i, l) in yaml.lines().enumerate().skip(start + 1) {
        if !l.starts_with([' ', '\t', '-']) {
            break;
        }
        let t = l.trim_start_matches([' ', '\t', '-']);
        if t.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
        {
            return first_line + i;
        }
    }
    parent_line
}

/// Parses one file's text into a checked document, or every problem found in it.
pub fn parse_document(
    config: &Config,
    file: SourceFile,
    text: &str,
) -> Result<Document, Vec<Diagnostic>> {
    let display = Path::new("content").join(&file.rel);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let normalized;
    let text = if text.contains('\r') {
        normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        text
    };
    let split = split_front_matter(text).map_err(|(line, msg, hint)| {
        vec![Diagnostic::error(&display, line, 1, msg).with_hint(hint)]
    })?;
    let raw: RawFrontMatter = if split.yaml.trim().is_empty() {
        RawFrontMatter::default()
    } else {
        serde_yaml::from_str(split.yaml).map_err(|e| {
            let (line, col) = e
                .location()
                .map(|l| (l.line() + split.yaml_line - 1, l.column()))
                .unwrap_or((split.yaml_line, 1));
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            let (message, hint) = explain_serde_message(&msg);
            let hint = hint.or_else(|| {
                Some("fix the YAML front matter; quote values that hold `:` or `#`".into())
            });
            vec![Diagnostic {
                hint,
                ..Diagnostic::error(
                    &display,
                    line,
                    col,
                    format!("invalid front matter: {message}"),
                )
            }]
        })?
    };
    let key_lines = top_level_key_lines(split.yaml, split.yaml_line);
    let line = |k: &str| key_lines.get(k).copied().unwrap_or(split.yaml_line - 1);
    let col_of_value = |k: &str| k.chars().count() + 3;
    let mut errs = Vec::new();
    let mut err = |key: &str, msg: String, hint: &str| {
        errs.push(
            Diagnostic::error(
                &display,
                line(key),
                if key_lines.contains_key(key) {
                    col_of_value(key)
                } else {
                    1
                },
                msg,
            )
            .with_hint(hint),
        );
    };

    let title = match raw.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            err(
                "title",
                "missing `title`".into(),
                "add `title: Headline of the article` to the front matter",
            );
            String::new()
        }
    };
    let parse_date = |key: &str, value: &str, errs: &mut Vec<Diagnostic>| -> Option<DateTime> {
        match DateTime::parse(value) {
            Ok(d) => Some(d),
            Err(e) => {
                errs.push(
                    Diagnostic::error(
                        &display,
                        line(key),
                        if key_lines.contains_key(key) {
                            col_of_value(key)
                        } else {
                            1
                        },
                        format!("invalid `{key}` `{value}`: {e}"),
                    )
                    .with_hint("write dates as 2021-12-08 or 2021-12-08T10:00:00+03:00"),
                );
                None
            }
        }
    };
    let date = match raw.date.as_deref() {
        Some(v) => parse_date("date", v, &mut errs),
        None => {
            errs.push(
                Diagnostic::error(&display, line("date"), 1, "missing `date`")
                    .with_hint("add `date: 2021-12-08T10:00:00+03:00` to the front matter"),
            );
            None
        }
    };
    let updated = raw
        .updated
        .as_deref()
        .and_then(|v| parse_date("updated", v, &mut errs));

    let lang = match raw.lang.clone() {
        Some(l) => {
            if config.language(&l).is_none() {
                let known: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
                errs.push(
                    Diagnostic::error(
                        &display,
                        line("lang"),
                        col_of_value("lang"),
                        format!("language `{l}` is not declared in site.toml"),
                    )
                    .with_hint(format!(
                        "add [languages.{l}] to site.toml, or use one of: {}",
                        known.join(", ")
                    )),
                );
            }
            l
        }
        None => {
            let first = file.rel.split('/').next().unwrap_or("");
            if file.rel.contains('/') && config.language(first).is_some() {
                first.to_string()
            } else {
                config.default_language.clone()
            }
        }
    };

    let source = raw.source.as_ref().map(|s| {
        let src_line = line("source");
        let sub = |k: &str| nested_key_line(split.yaml, split.yaml_line, src_line, k);
        let name = s.name.clone().unwrap_or_default();
        if name.trim().is_empty() {
            errs.push(
                Diagnostic::error(&display, sub("name"), 1, "`source` has no `name`").with_hint(
                    "name the outlet that published the original: `name: Example Outlet`",
                ),
            );
        }
        let url = s.url.clone().unwrap_or_default();
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 12 {
            errs.push(
                Diagnostic::error(
                    &display,
                    sub("url"),
                    1,
                    format!("`source.url` `{url}` is not an absolute http(s) URL"),
                )
                .with_hint(
                    "link the original article, e.g. `url: https://example.net/2021/12/07/story`",
                ),
            );
        }
        if let Some(l) = &s.lang
            && !crate::config::is_language_tag(l)
        {
            errs.push(
                Diagnostic::error(
                    &display,
                    sub("lang"),
                    1,
                    format!("`source.lang` `{l}` is not a language code"),
                )
                .with_hint("use a code such as ru, uk, de"),
            );
        }
        let published = s
            .published
            .as_deref()
            .and_then(|v| match DateTime::parse(v) {
                Ok(d) => Some(d),
                Err(e) => {
                    errs.push(
                        Diagnostic::error(
                            &display,
                            sub("published"),
                            1,
                            format!("invalid `source.published` `{v}`: {e}"),
                        )
                        .with_hint("write dates as 2021-12-08 or 2021-12-08T10:00:00+03:00"),
                    );
                    None
                }
            });
        Source {
            name,
            url,
            lang: s.lang.clone(),
            published,
        }
    });
    let clean_names = |v: &[String]| {
        v.iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    };
    let authors = clean_names(&raw.authors);
    let translators = clean_names(&raw.translators);
    if source.is_some() && translators.is_empty() {
        errs.push(
            Diagnostic::error(
                &display,
                line("source"),
                1,
                "a translated article (it has `source`) must credit at least one translator",
            )
            .with_hint("add `translators: [Translator Name]`"),
        );
    }
    if !translators.is_empty() && source.is_none() {
        errs.push(
            Diagnostic::error(
                &display,
                line("translators"),
                1,
                "a translated article (it has `translators`) must credit its source",
            )
            .with_hint(
                "add `source:` with `name:`, `url:` and `lang:` of the original publication",
            ),
        );
    }

    let image = raw.image.as_ref().and_then(|img| {
        let img_line = line("image");
        match img.alt.as_deref().map(str::trim) {
            Some(alt) if !alt.is_empty() => Some(Image {
                src: img.src.clone(),
                alt: alt.to_string(),
                caption: img.caption.clone(),
                credit: img.credit.clone(),
                width: img.width,
                height: img.height,
            }),
            _ => {
                errs.push(
                    Diagnostic::error(&display, nested_key_line(split.yaml, split.yaml_line, img_line, "alt"), 1, "`image` has no `alt` text")
                        .with_hint("describe the image for readers who cannot see it: `alt: Two men at a table`"),
                );
                None
            }
        }
    });
    if let Some(img) = &image
        && is_dangerous_url(&img.src)
    {
        errs.push(
            Diagnostic::error(
                &display,
                line("image"),
                1,
                format!("`image.src` `{}` uses a forbidden URL scheme", img.src),
            )
            .with_hint("use a file name, a /path or an https:// URL"),
        );
    }

    let corrections = raw
        .corrections
        .iter()
        .filter_map(|c| match DateTime::parse(&c.date) {
            Ok(date) => Some(Correction {
                date,
                text: c.text.clone(),
            }),
            Err(e) => {
                errs.push(
                    Diagnostic::error(
                        &display,
                        line("corrections"),
                        1,
                        format!("invalid correction date `{}`: {e}", c.date),
                    )
                    .with_hint("write dates as 2021-12-09"),
                );
                None
            }
        })
        .collect();

    let slug = match &raw.slug {
        Some(s) => match check_slug(s) {
            Ok(()) => s.clone(),
            Err(why) => {
                errs.push(
                    Diagnostic::error(
                        &display,
                        line("slug"),
                        col_of_value("slug"),
                        format!("invalid `slug` {s:?}: {why}"),
                    )
                    .with_hint("use letters, digits and dashes, e.g. `slug: leaders-video-call`"),
                );
                String::new()
            }
        },
        None => default_slug(&file.rel),
    };

    let related_lines: Vec<usize> = {
        let start = line("related");
        let first = split.yaml_line;
        split
            .yaml
            .lines()
            .enumerate()
            .skip(start.saturating_sub(first) + 1)
            .take_while(|(_, l)| l.starts_with([' ', '\t', '-']))
            .filter(|(_, l)| l.trim_start().starts_with('-'))
            .map(|(i, _)| first + i)
            .collect()
    };
    let related = raw
        .related
        .iter()
        .enumerate()
        .map(|(i, item)| PinnedRelated {
            item: item.clone(),
            line: related_lines.get(i).copied().unwrap_or(line("related")),
        })
        .collect::<Vec<_>>();
    for r in &related {
        if let RawRelated::External { url, .. } = &r.item
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            errs.push(
                Diagnostic::error(
                    &display,
                    r.line,
                    1,
                    format!("related link `{url}` is not an absolute http(s) URL"),
                )
                .with_hint("outside links need https://…; articles of this site are named by slug"),
            );
        }
    }

    if !errs.is_empty() {
        return Err(errs);
    }
    let body_line = split.body_line;
    let body = split.body.to_string();
    let mut doc = Document {
        file,
        meta: FrontMatter {
            title,
            kicker: raw.kicker.filter(|s| !s.trim().is_empty()),
            description: raw.description.filter(|s| !s.trim().is_empty()),
            date: date.expect("checked above"),
            updated,
            lang,
            authors,
            translators,
            source,
            translation_of: raw.translation_of,
            translation_key: raw.translation_key,
            tags: clean_names(&raw.tags),
            story: raw
                .story
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            related,
            related_count: raw.related_count,
            image,
            corrections,
            slug,
            draft: raw.draft,
            extra: raw.extra,
        },
        body,
        body_line,
        key_lines,
    };
    crate::markdown::typeset_front_matter(&mut doc.meta);
    Ok(doc)
}

/// Why a slug given in front matter cannot be used, if it cannot. A slug becomes one path
/// segment, so anything that could climb out of the output folder is refused.
pub fn check_slug(s: &str) -> Result<(), &'static str> {
    if s.trim().is_empty() {
        return Err("it is empty");
    }
    if s.contains(['/', '\\']) {
        return Err("it contains a slash");
    }
    if s == "." || s == ".." || s.contains("..") {
        return Err("it contains `..`");
    }
    if s.chars().any(|c| c.is_control()) {
        return Err("it contains a control character");
    }
    if s.contains([':', '?', '#', '%', '<', '>', '"', '|', '*']) {
        return Err("it contains a character reserved in URLs or file names");
    }
    if s.starts_with('.') {
        return Err("it starts with a dot");
    }
    Ok(())
}

/// The slug implied by a file name: `en/Story Name.md` → `story-name`, `en/x/index.md` → `x`.
pub fn default_slug(rel: &str) -> String {
    let p = Path::new(rel);
    let stem = if p.file_name().is_some_and(|n| n == "index.md") {
        p.parent().and_then(|d| d.file_name())
    } else {
        p.file_stem()
    }
    .and_then(|s| s.to_str())
    .unwrap_or("index");
    let s = crate::slug::slugify_keep_unicode(stem);
    if s.is_empty() { "article".into() } else { s }
}

/// `javascript:`, `vbscript:` and `data:` URLs never become links or image sources.
pub fn is_dangerous_url(url: &str) -> bool {
    let u: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    u.starts_with("javascript:") || u.starts_with("vbscript:") || u.starts_with("data:")
}

/// Whether a relative path stays inside its folder (no `..`, no root, no prefix).
pub fn is_contained(rel: &Path) -> bool {
    rel.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    fn config() -> Config {
        Config::parse(
            Path::new("/s"),
            "title='T'\nbase_url='https://e.org/'\n[languages.en]\nname='English'\n[languages.ru]\nname='Русский'\n",
            &Overrides::default(),
        )
        .unwrap()
    }

    fn parse(rel: &str, text: &str) -> Result<Document, Vec<Diagnostic>> {
        let file = SourceFile {
            rel: rel.into(),
            abs: PathBuf::from(rel),
            assets: vec![],
        };
        parse_document(&config(), file, text)
    }

    #[test]
    fn lines_are_file_lines_with_blank_lines_and_bom() {
        for (prefix, expect) in [("", 3), ("\n", 4), ("\n\n\n", 6), ("\u{feff}", 3)] {
            let text = format!("{prefix}---\ntitle: x\ndate: [\n---\nbody");
            let e = parse("en/a.md", &text).unwrap_err();
            assert_eq!(e[0].line, expect, "{prefix:?}: {}", e[0]);
        }
    }

    #[test]
    fn crlf_is_accepted() {
        let d = parse(
            "en/a.md",
            "---\r\ntitle: Hello\r\ndate: 2021-12-08\r\n---\r\nBody\r\n",
        )
        .unwrap();
        assert_eq!(d.meta.title, "Hello");
        assert_eq!(d.body, "Body\n");
        assert_eq!(d.body_line, 5);
    }

    #[test]
    fn wrong_type_points_at_value() {
        let e = parse(
            "en/a.md",
            "---\ntitle: x\ndate: 2021-01-01\nauthors: 5\n---\n",
        )
        .unwrap_err();
        assert_eq!((e[0].line, e[0].col), (4, 10));
    }

    #[test]
    fn unknown_key_hint() {
        let e = parse(
            "en/a.md",
            "---\ntitle: x\ndate: 2021-01-01\ntranslater: [A]\n---\n",
        )
        .unwrap_err();
        assert_eq!(e[0].line, 4);
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `translators`?"));
    }

    #[test]
    fn translation_needs_source_and_translator() {
        let e = parse(
            "en/a.md",
            "---\ntitle: x\ndate: 2021-01-01\ntranslators: [A]\n---\n",
        )
        .unwrap_err();
        assert!(e[0].message.contains("must credit its source"));
        let e = parse("en/a.md", "---\ntitle: x\ndate: 2021-01-01\nsource:\n  name: O\n  url: https://o.example/x\n---\n").unwrap_err();
        assert!(e[0].message.contains("translator"));
    }

    #[test]
    fn bad_slugs_refused() {
        for s in ["../x", "a/b", "a\\\\b", "..", "\"a\\0b\"", "\"C:evil\""] {
            let e = parse(
                "en/a.md",
                &format!("---\ntitle: x\ndate: 2021-01-01\nslug: {s}\n---\n"),
            );
            assert!(e.is_err(), "{s}");
            assert_eq!(e.unwrap_err()[0].line, 4);
        }
    }

    #[test]
    fn lang_from_folder_and_norwegian_no_stays_a_string() {
        let d = parse("ru/a.md", "---\ntitle: x\ndate: 2021-01-01\n---\n").unwrap();
        assert_eq!(d.meta.lang, "ru");
        let e = parse(
            "en/a.md",
            "---\ntitle: x\ndate: 2021-01-01\nlang: no\n---\n",
        )
        .unwrap_err();
        assert!(e[0].message.contains("`no` is not declared"), "{}", e[0]);
    }

    #[test]
    fn missing_alt_is_an_error_on_its_line() {
        let e = parse(
            "en/a.md",
            "---\ntitle: x\ndate: 2021-01-01\nimage:\n  src: a.jpg\n  caption: c\n---\n",
        )
        .unwrap_err();
        assert!(e[0].message.contains("alt"));
        assert_eq!(e[0].line, 4);
    }

    #[test]
    fn unterminated_front_matter() {
        let e = parse("en/a.md", "---\ntitle: x\n").unwrap_err();
        assert_eq!(e[0].line, 1);
        assert!(e[0].message.contains("not closed"));
    }

    #[test]
    fn ignored_names() {
        for n in [".#x.md", "x.md~", ".x.md.swp", "4913", ".DS_Store"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("x.md"));
    }
}
