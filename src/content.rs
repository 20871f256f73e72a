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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
///
/// Names that [`is_ignored_name`] matches are skipped before anything looks at them: Emacs'
/// lock file `.#story.md` is a symbolic link to a target that does not exist, so even a `stat`
/// of it fails. Symbolic links are therefore followed by hand ([`walk`]), after the name test.
pub fn discover(content_dir: &Path, diags: &mut Diagnostics) -> Vec<SourceFile> {
    let mut files = Vec::new();
    if !content_dir.is_dir() {
        return files;
    }
    let site_root = content_dir
        .parent()
        .and_then(|p| std::fs::canonicalize(p).ok());
    let mut found = Vec::new();
    let mut chain: Vec<PathBuf> = std::fs::canonicalize(content_dir).into_iter().collect();
    // Without a link on the way, a file under content/ is inside the site: only linked files
    // (or a content/ that is itself elsewhere) are resolved, not every file of an archive.
    let content_inside = match (&site_root, chain.first()) {
        (Some(site), Some(content)) => content.starts_with(site),
        _ => false,
    };
    walk(content_dir, content_dir, &mut chain, &mut found, diags);
    let mut bundle_dirs: Vec<PathBuf> = Vec::new();
    let mut candidates = Vec::new();
    for (path, linked) in found {
        let path = path.as_path();
        let Ok(rel) = path.strip_prefix(content_dir) else {
            continue;
        };
        // A link whose target lies outside the site would publish that file.
        if (linked || !content_inside)
            && let (Some(site), Ok(real)) = (&site_root, std::fs::canonicalize(path))
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

/// Lists the files under `dir` (sorted by name, depth first) into `out`, skipping ignored
/// names without touching them. A symbolic link is followed only after its name passed: to a
/// file, it is listed; to a folder, that folder is walked under the link's path, unless it
/// holds the link or a folder being walked (a loop). `chain` holds the real paths of the
/// folders being walked.
fn walk(
    content_dir: &Path,
    dir: &Path,
    chain: &mut Vec<PathBuf>,
    out: &mut Vec<(PathBuf, bool)>,
    diags: &mut Diagnostics,
) {
    // Inside a linked folder: every file found was reached through a link.
    let in_link = chain.len() > 1;
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_some_and(is_ignored_name));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| rel_display(content_dir, p))
                    .unwrap_or_else(|| "content".into());
                diags.push(
                    Diagnostic::error(path, 0, 0, format!("cannot read: {err}"))
                        .with_hint("remove the link or move it out of content/"),
                );
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let path = entry.path();
        if entry.file_type().is_file() {
            out.push((path.to_path_buf(), in_link));
            continue;
        }
        if !entry.path_is_symlink() {
            continue;
        }
        let cannot_read = |e: std::io::Error| {
            Diagnostic::error(
                rel_display(content_dir, path),
                0,
                0,
                format!("cannot read: {e}"),
            )
            .with_hint("remove the link or move it out of content/")
        };
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => out.push((path.to_path_buf(), true)),
            Ok(m) if m.is_dir() => {
                let (real, here) = match (
                    std::fs::canonicalize(path),
                    path.parent().map(std::fs::canonicalize),
                ) {
                    (Ok(r), Some(Ok(h))) => (r, h),
                    (Err(e), _) | (_, Some(Err(e))) => {
                        diags.push(cannot_read(e));
                        continue;
                    }
                    (_, None) => continue,
                };
                if here.starts_with(&real) || chain.iter().any(|c| c.starts_with(&real)) {
                    let shown = rel_display(content_dir, path);
                    diags.push(
                        Diagnostic::error(
                            &shown,
                            0,
                            0,
                            format!("filesystem loop at {}", shown.display()),
                        )
                        .with_hint("remove the link or move it out of content/"),
                    );
                    continue;
                }
                chain.push(real);
                walk(content_dir, path, chain, out, diags);
                chain.pop();
            }
            Ok(_) => {}
            Err(e) => diags.push(cannot_read(e)),
        }
    }
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
    focus: Option<Vec<f64>>,
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
    #[serde(default, deserialize_with = "one_or_many")]
    aliases: Vec<String>,
    unpublished: Option<RawUnpublished>,
    home: Option<RawHome>,
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// `home:` as written: `lead`, or `{ pin: lead, until: 2026-04-01 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawHome {
    Word(String),
    Pin { pin: String, until: Option<String> },
}

/// `home: lead`: the article leads its language's front page (until a date).
#[derive(Debug, Clone, Copy, serde::Serialize, PartialEq, Eq)]
pub struct HomePin {
    /// The last day (or instant) it leads; none: while the key is there.
    pub until: Option<DateTime>,
}

/// `unpublished:` as written: the takedown, or `false` for a translation that stays up when
/// its original is taken down.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawUnpublished {
    Flag(bool),
    Takedown {
        date: Option<String>,
        reason: Option<String>,
        note: Option<String>,
    },
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
    /// Focal point `[x, y]`, each 0–1 from the left and top: share crops center on it.
    #[serde(skip)]
    pub focus: Option<(f64, f64)>,
    /// File line of `src`, for errors found later.
    #[serde(skip)]
    pub src_line: usize,
    /// File column of `src`'s value.
    #[serde(skip)]
    pub src_col: usize,
}

/// Why an article was taken down; the theme says each differently (a retraction is the
/// newsroom withdrawing its own story, not a correction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TakedownReason {
    /// A court order or another legal demand.
    Legal,
    /// The newsroom retracted the story.
    Retracted,
    /// Anything else.
    Other,
}

impl TakedownReason {
    /// Name in front matter.
    pub fn name(self) -> &'static str {
        match self {
            TakedownReason::Legal => "legal",
            TakedownReason::Retracted => "retracted",
            TakedownReason::Other => "other",
        }
    }
}

/// A takedown: the article leaves every list, feed and sitemap, and a tombstone page stays at
/// its URL.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Takedown {
    /// When it was taken down.
    pub date: DateTime,
    /// Why.
    pub reason: TakedownReason,
    /// A note for readers.
    pub note: Option<String>,
}

/// What `unpublished:` says.
#[derive(Debug, Clone, Default)]
pub enum Unpublished {
    /// Nothing: published, unless the original it translates is taken down.
    #[default]
    Unset,
    /// `unpublished: false`: stays published even when its original is taken down.
    Kept,
    /// Taken down.
    Removed(Takedown),
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
    /// Earlier site-relative paths of the article (`2024/01/02/old-slug/`), redirected to it.
    pub aliases: Vec<String>,
    /// Takedown.
    pub unpublished: Unpublished,
    /// Pinned as its language's lead.
    pub home: Option<HomePin>,
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
    /// Markdown after the front matter, compressed ([`Document::body`] unpacks it): every
    /// file's body is held from loading until the Markdown stage. Empty once rendered in a site
    /// that does not keep it ([`crate::site::BodyRenderer::keeps_markdown`]).
    pub body: crate::markdown::Packed,
    /// 1-based file line where the body starts.
    pub body_line: usize,
    /// 1-based file line of each top-level front matter key, for later errors.
    pub key_lines: KeyLines,
}

impl Document {
    /// The Markdown after the front matter.
    pub fn body(&self) -> String {
        self.body.get()
    }

    /// File line of a front matter key (the `---` line when the key is absent).
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).unwrap_or(1)
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

/// File lines of a document's top-level front matter keys, sorted by key: a list rather than a
/// map, because every article keeps one until the build ends (a map's nodes cost several
/// times the room).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyLines(Box<[(Box<str>, u32)]>);

impl KeyLines {
    /// File line of `key`.
    pub fn get(&self, key: &str) -> Option<usize> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| self.0[i].1 as usize)
    }

    /// Whether `key` is in the front matter.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// File lines of top-level keys (`key:` at column 0) of a YAML block.
fn top_level_key_lines(yaml: &str, first_line: usize) -> KeyLines {
    let mut map = BTreeMap::new();
    for (i, l) in yaml.lines().enumerate() {
        if l.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some((k, _)) = l.split_once(':') {
            let k = k.trim().trim_matches(['"', '\'']);
            if !k.is_empty() {
                map.entry(k).or_insert(first_line + i);
            }
        }
    }
    KeyLines(
        map.into_iter()
            .map(|(k, l)| (Box::from(k), u32::try_from(l).unwrap_or(u32::MAX)))
            .collect(),
    )
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
///
/// The front matter is split off, parsed into [`RawFrontMatter`] (a [`Reporter`] places every
/// later problem at its key), then each key is checked by its own function; the problems of
/// all keys are reported together.
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
    let raw = parse_yaml(&display, &split)?;
    let key_lines = top_level_key_lines(split.yaml, split.yaml_line);
    let mut r = Reporter {
        display,
        split: &split,
        key_lines: &key_lines,
        errs: Vec::new(),
    };

    let title = check_title(&mut r, raw.title.as_deref());
    let date = check_date(&mut r, "date", raw.date.as_deref());
    let updated = raw
        .updated
        .as_deref()
        .and_then(|v| check_date(&mut r, "updated", Some(v)));
    let lang = check_lang(&mut r, config, &file.rel, raw.lang.as_deref());
    let source = raw.source.as_ref().map(|s| check_source(&mut r, s));
    let authors = clean_names(&raw.authors);
    let translators = clean_names(&raw.translators);
    check_credits(
        &mut r,
        &lang,
        source.as_ref(),
        &translators,
        raw.translation_of.is_some(),
    );
    let image = raw.image.as_ref().and_then(|img| check_image(&mut r, img));
    let corrections = check_corrections(&mut r, &raw.corrections);
    let slug = check_slug_key(&mut r, &file.rel, raw.slug.as_deref());
    let related = check_related(&mut r, &raw.related);
    let aliases = check_aliases(&mut r, &raw.aliases);
    let unpublished = check_unpublished(&mut r, raw.unpublished.as_ref());
    let home = check_home(&mut r, raw.home.as_ref());

    let (Some(date), true) = (date, r.errs.is_empty()) else {
        return Err(r.errs);
    };
    let mut doc = Document {
        file,
        meta: FrontMatter {
            title,
            kicker: raw.kicker.filter(|s| !s.trim().is_empty()),
            description: raw.description.filter(|s| !s.trim().is_empty()),
            date,
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
            aliases,
            unpublished,
            home,
            extra: raw.extra,
        },
        body: crate::markdown::Packed::new(split.body),
        body_line: split.body_line,
        key_lines,
    };
    crate::markdown::typeset_front_matter(&mut doc.meta);
    Ok(doc)
}

/// The YAML of the front matter into [`RawFrontMatter`]; a syntax or type error at its file
/// line and column, said in the words of the front matter rather than of serde.
fn parse_yaml(display: &Path, split: &Split<'_>) -> Result<RawFrontMatter, Vec<Diagnostic>> {
    if split.yaml.trim().is_empty() {
        return Ok(RawFrontMatter::default());
    }
    serde_yaml::from_str(split.yaml).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (l.line() + split.yaml_line - 1, l.column()))
            .unwrap_or((split.yaml_line, 1));
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        let (message, hint) = match explain_mapping_expected(&msg) {
            Some((m, h)) => (m, Some(h)),
            None => {
                let (m, h) = explain_serde_message(&msg);
                (format!("invalid front matter: {m}"), h)
            }
        };
        let hint = hint.or_else(|| {
            Some("fix the YAML front matter; quote values that hold `:` or `#`".into())
        });
        vec![Diagnostic {
            hint,
            ..Diagnostic::error(display, line, col, message)
        }]
    })
}

/// serde's "invalid type: string "court.png", expected struct RawImage" for a key that takes a
/// mapping: the message names the key and the hint shows the mapping to write.
fn explain_mapping_expected(msg: &str) -> Option<(String, String)> {
    let (key, example) = [
        (
            "RawImage",
            "image",
            "{ src: VALUE, alt: What the picture shows }",
        ),
        (
            "RawSource",
            "source",
            "{ name: Example Outlet, url: https://example.net/story, lang: ru }",
        ),
        (
            "RawCorrection",
            "corrections",
            "[ { date: 2021-12-09, text: What was corrected } ]",
        ),
    ]
    .into_iter()
    .find(|(ty, ..)| msg.contains(&format!("expected struct {ty}")))
    .map(|(_, key, example)| (key, example))?;
    let written = msg
        .split_once("invalid type: ")
        .map(|(_, rest)| rest.split(", expected").next().unwrap_or(rest))
        .unwrap_or("this value");
    let value = written
        .strip_prefix("string ")
        .map(|s| s.trim_matches('"').to_string())
        .unwrap_or_else(|| "photo.jpg".into());
    let example = example.replace("VALUE", &value);
    let shape = if key == "corrections" {
        "a list of mappings with `date:` and `text:`"
    } else if key == "image" {
        "a mapping with `src:` and `alt:`"
    } else {
        "a mapping with `name:`, `url:` and `lang:`"
    };
    Some((
        format!("`{key}` must be {shape}, not {written}"),
        format!("write `{key}: {example}`"),
    ))
}

/// Places the problems of one file's front matter at file lines and columns: the one place
/// that turns a key into a position.
struct Reporter<'a> {
    display: PathBuf,
    split: &'a Split<'a>,
    key_lines: &'a KeyLines,
    errs: Vec<Diagnostic>,
}

impl Reporter<'_> {
    /// File line of a top-level key; the opening `---` when the key is absent.
    fn line(&self, key: &str) -> usize {
        self.key_lines.get(key).unwrap_or(self.split.yaml_line - 1)
    }

    /// Column of a top-level key's value (`title: x` → 8); 1 when the key is absent.
    fn value_col(&self, key: &str) -> usize {
        if self.key_lines.contains_key(key) {
            key.chars().count() + 3
        } else {
            1
        }
    }

    /// File line of `key` nested under the top-level `parent`, else the parent's line.
    fn nested_line(&self, parent: &str, key: &str) -> usize {
        nested_key_line(
            self.split.yaml,
            self.split.yaml_line,
            self.line(parent),
            key,
        )
    }

    /// Line and column of the value of `key` nested under `parent`, in block style on its own
    /// line or in flow style (`image: { src: x }`) on the parent's line.
    fn nested_value(&self, parent: &str, key: &str) -> (usize, usize) {
        let line = self.nested_line(parent, key);
        let text = self
            .split
            .yaml
            .lines()
            .nth(line.saturating_sub(self.split.yaml_line))
            .unwrap_or("");
        let col = value_col_in_line(text, key).unwrap_or(1);
        (line, col)
    }

    /// An error at the value of a top-level key.
    fn at_key(&mut self, key: &str, message: impl Into<String>, hint: impl Into<String>) {
        let (line, col) = (self.line(key), self.value_col(key));
        self.at(line, col, message, hint);
    }

    /// An error at a file line and column.
    fn at(&mut self, line: usize, col: usize, message: impl Into<String>, hint: impl Into<String>) {
        self.errs
            .push(Diagnostic::error(&self.display, line, col, message).with_hint(hint));
    }
}

/// 1-based column (in characters) of the value of `key:` in one YAML line.
fn value_col_in_line(line: &str, key: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = line[from..].find(key) {
        let at = from + i;
        let before_ok = line[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c == ' ' || c == '{' || c == ',' || c == '-' || c == '\t');
        let rest = &line[at + key.len()..];
        if before_ok && let Some(after) = rest.strip_prefix(':') {
            let value_at = at + key.len() + 1 + (after.len() - after.trim_start().len());
            return Some(line[..value_at].chars().count() + 1);
        }
        from = at + key.len();
    }
    None
}

fn clean_names(v: &[String]) -> Vec<String> {
    v.iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `title`: required, not blank.
fn check_title(r: &mut Reporter<'_>, title: Option<&str>) -> String {
    match title.map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            r.at_key(
                "title",
                "missing `title`",
                "add `title: Headline of the article` to the front matter",
            );
            String::new()
        }
    }
}

/// `date` (required) and `updated`: RFC 3339 or a plain date.
/// `home:`: only `lead` is a place to pin to; `until` is a date.
fn check_home(r: &mut Reporter<'_>, raw: Option<&RawHome>) -> Option<HomePin> {
    let (word, until) = match raw? {
        RawHome::Word(w) => (w.as_str(), None),
        RawHome::Pin { pin, until } => (pin.as_str(), until.as_deref()),
    };
    if word.trim() != "lead" {
        r.at_key(
            "home",
            format!("unknown `home: {word}`"),
            "write `home: lead` to make it the lead of its language's front page, or `home: { pin: lead, until: 2026-04-01 }`",
        );
        return None;
    }
    let until = match until.map(DateTime::parse) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            r.at_key(
                "home",
                format!("invalid `until` of `home`: {e}"),
                "write dates as 2026-04-01 or 2026-04-01T18:00:00+02:00",
            );
            return None;
        }
    };
    Some(HomePin { until })
}

fn check_date(r: &mut Reporter<'_>, key: &str, value: Option<&str>) -> Option<DateTime> {
    let Some(value) = value else {
        let line = r.line(key);
        r.at(
            line,
            1,
            format!("missing `{key}`"),
            "add `date: 2021-12-08T10:00:00+03:00` to the front matter",
        );
        return None;
    };
    match DateTime::parse(value) {
        Ok(d) => Some(d),
        Err(e) => {
            r.at_key(
                key,
                format!("invalid `{key}` `{value}`: {e}"),
                "write dates as 2021-12-08 or 2021-12-08T10:00:00+03:00",
            );
            None
        }
    }
}

/// `lang`: declared in site.toml. Without it, the language folder (`content/ru/…`) or the
/// site's default. A top-level folder named like a language code that site.toml does not
/// declare is an error: its articles would be published as the default language.
fn check_lang(r: &mut Reporter<'_>, config: &Config, rel: &str, lang: Option<&str>) -> String {
    let known = || {
        config
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let folder = rel.split_once('/').map(|(first, _)| first);
    if let Some(f) = folder
        && config.language(f).is_none()
        && is_language_code(f)
        && lang != Some(f)
    {
        let (line, col) = if r.key_lines.contains_key("lang") {
            (r.line("lang"), r.value_col("lang"))
        } else {
            (r.split.yaml_line - 1, 1)
        };
        r.at(
            line,
            col,
            format!(
                "this article is in the folder `{f}/`, named like the language code `{f}`, which is not declared in site.toml"
            ),
            format!(
                "add `[languages.{f}]` to site.toml (with `name = \"…\"`), or move the file out of `{f}/`"
            ),
        );
    }
    match lang {
        Some(l) => {
            if config.language(l).is_none() {
                r.at_key(
                    "lang",
                    format!("language `{l}` is not declared in site.toml"),
                    format!(
                        "add `[languages.{l}]` to site.toml, or use one of: {}",
                        known()
                    ),
                );
            }
            l.to_string()
        }
        None => match folder {
            Some(f) if config.language(f).is_some() => f.to_string(),
            _ => config.default_language.clone(),
        },
    }
}

/// `source`: an outlet name, an absolute http(s) URL, a language code, a date.
fn check_source(r: &mut Reporter<'_>, s: &RawSource) -> Source {
    let name = s.name.clone().unwrap_or_default();
    if name.trim().is_empty() {
        let line = r.nested_line("source", "name");
        r.at(
            line,
            1,
            "`source` has no `name`",
            "name the outlet that published the original: `name: Example Outlet`",
        );
    }
    let url = s.url.clone().unwrap_or_default();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 12 {
        let line = r.nested_line("source", "url");
        r.at(
            line,
            1,
            format!("`source.url` `{url}` is not an absolute http(s) URL"),
            "link the original article, e.g. `url: https://example.net/2021/12/07/story`",
        );
    }
    if let Some(l) = &s.lang
        && !crate::config::is_language_tag(l)
    {
        let line = r.nested_line("source", "lang");
        r.at(
            line,
            1,
            format!("`source.lang` `{l}` is not a language code"),
            "use a code such as ru, uk, de",
        );
    }
    let published = s
        .published
        .as_deref()
        .and_then(|v| match DateTime::parse(v) {
            Ok(d) => Some(d),
            Err(e) => {
                let line = r.nested_line("source", "published");
                r.at(
                    line,
                    1,
                    format!("invalid `source.published` `{v}`: {e}"),
                    "write dates as 2021-12-08 or 2021-12-08T10:00:00+03:00",
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
}

/// Whether two language tags name one language (`pt` and `pt-BR` do).
pub fn same_language(a: &str, b: &str) -> bool {
    let primary = |s: &str| s.split(['-', '_']).next().unwrap_or(s).to_ascii_lowercase();
    primary(a) == primary(b)
}

/// Credits: a translation (`translation_of`, or a `source` in another language or of unknown
/// language) credits at least one translator, and translators credit their source. A
/// republication — a `source` in the article's own language, no translators — is allowed.
fn check_credits(
    r: &mut Reporter<'_>,
    lang: &str,
    source: Option<&Source>,
    translators: &[String],
    translation_of: bool,
) {
    if !translators.is_empty() {
        if source.is_none() {
            let line = r.line("translators");
            r.at(
                line,
                1,
                "a translated article (it has `translators`) must credit its source",
                "add `source:` with `name:`, `url:` and `lang:` of the original publication",
            );
        }
        return;
    }
    let add = "add `translators: [Translator Name]`";
    if translation_of {
        let line = r.line("translation_of");
        r.at(
            line,
            1,
            "a translation (it has `translation_of`) must credit at least one translator",
            add,
        );
        return;
    }
    let Some(source) = source else {
        return;
    };
    let line = r.line("source");
    match source.lang.as_deref() {
        Some(l) if same_language(l, lang) => {}
        Some(l) => r.at(
            line,
            1,
            format!(
                "a translated article (its `source` is in `{l}`, the article in `{lang}`) must credit at least one translator"
            ),
            add,
        ),
        None => r.at(
            line,
            1,
            "a translated article (it has `source`) must credit at least one translator",
            format!(
                "{add}; for a republication in the original's language, set `lang: {lang}` under `source:`"
            ),
        ),
    }
}

/// `image`: alt text required and a safe URL. (Whether the file exists is checked with the
/// body's images, by [`crate::site::link_errors`].)
fn check_image(r: &mut Reporter<'_>, img: &RawImage) -> Option<Image> {
    let alt = match img.alt.as_deref().map(str::trim) {
        Some(alt) if !alt.is_empty() => alt.to_string(),
        _ => {
            let line = r.nested_line("image", "alt");
            r.at(
                line,
                1,
                "`image` has no `alt` text",
                "describe the image for readers who cannot see it: `alt: Two men at a table`",
            );
            return None;
        }
    };
    let (src_line, src_col) = r.nested_value("image", "src");
    if is_dangerous_url(&img.src) {
        let line = r.line("image");
        r.at(
            line,
            1,
            format!("`image.src` `{}` uses a forbidden URL scheme", img.src),
            "use a file name, a /path or an https:// URL",
        );
    }
    let focus = match img.focus.as_deref() {
        None => None,
        Some(&[x, y]) if (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y) => Some((x, y)),
        Some(other) => {
            let line = r.nested_line("image", "focus");
            r.at(
                line,
                1,
                format!("`image.focus` {other:?} is not a point [x, y] with x and y from 0 to 1"),
                "write the focal point as shares of the width and height from the top left, e.g. `focus: [0.3, 0.4]`",
            );
            return None;
        }
    };
    Some(Image {
        src: img.src.clone(),
        alt,
        caption: img.caption.clone(),
        credit: img.credit.clone(),
        width: img.width,
        height: img.height,
        focus,
        src_line,
        src_col,
    })
}

/// `corrections`: each with a valid date.
fn check_corrections(r: &mut Reporter<'_>, corrections: &[RawCorrection]) -> Vec<Correction> {
    corrections
        .iter()
        .filter_map(|c| match DateTime::parse(&c.date) {
            Ok(date) => Some(Correction {
                date,
                text: c.text.clone(),
            }),
            Err(e) => {
                let line = r.line("corrections");
                r.at(
                    line,
                    1,
                    format!("invalid correction date `{}`: {e}", c.date),
                    "write dates as 2021-12-09",
                );
                None
            }
        })
        .collect()
}

/// `aliases`: earlier paths of the article, site-relative (`2024/01/02/old-slug/` or
/// `old.html`), each turned into a folder or `.html` file path.
fn check_aliases(r: &mut Reporter<'_>, aliases: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for a in aliases {
        match alias_path(a) {
            Ok(p) => {
                if !out.contains(&p) {
                    out.push(p)
                }
            }
            Err(why) => r.at_key(
                "aliases",
                format!("invalid alias `{a}`: {why}"),
                "write the old path of the article on this site, e.g. `aliases: [2024/01/02/old-slug/]`",
            ),
        }
    }
    out
}

/// An alias as a site-relative folder (`a/b/`) or `.html` file path.
pub fn alias_path(a: &str) -> Result<String, &'static str> {
    let t = a.trim();
    if t.contains("://") || t.starts_with("//") {
        return Err("it is a full URL; aliases are paths on this site");
    }
    if t.contains(['?', '#', '\\', '"', '<', '>', ' ']) {
        return Err("a path cannot hold `?`, `#`, spaces, quotes or backslashes");
    }
    let segs: Vec<&str> = t.split('/').filter(|s| !s.is_empty()).collect();
    if segs.is_empty() {
        return Err("it names the home page");
    }
    if segs.iter().any(|s| *s == "." || *s == "..") {
        return Err("`.` and `..` are not allowed");
    }
    let joined = segs.join("/");
    Ok(if joined.ends_with(".html") {
        joined
    } else {
        format!("{joined}/")
    })
}

/// `unpublished`: `false`, or `{ date, reason: legal | retracted | other, note }`.
fn check_unpublished(r: &mut Reporter<'_>, raw: Option<&RawUnpublished>) -> Unpublished {
    const EXAMPLE: &str =
        "write `unpublished: { date: 2026-05-01, reason: legal, note: Removed by court order }`";
    match raw {
        None => Unpublished::Unset,
        Some(RawUnpublished::Flag(false)) => Unpublished::Kept,
        Some(RawUnpublished::Flag(true)) => {
            r.at_key(
                "unpublished",
                "`unpublished` needs the date and the reason of the takedown",
                EXAMPLE,
            );
            Unpublished::Unset
        }
        Some(RawUnpublished::Takedown { date, reason, note }) => {
            let date = match date.as_deref().map(DateTime::parse) {
                Some(Ok(d)) => Some(d),
                Some(Err(e)) => {
                    let (line, col) = r.nested_value("unpublished", "date");
                    r.at(
                        line,
                        col,
                        format!("invalid `unpublished.date`: {e}"),
                        "write dates as 2026-05-01 or 2026-05-01T10:00:00+03:00",
                    );
                    None
                }
                None => {
                    let line = r.line("unpublished");
                    r.at(line, 1, "`unpublished` has no `date`", EXAMPLE);
                    None
                }
            };
            let reason = match reason.as_deref().map(str::trim) {
                Some("legal") => Some(TakedownReason::Legal),
                Some("retracted") => Some(TakedownReason::Retracted),
                Some("other") => Some(TakedownReason::Other),
                Some(other) => {
                    let (line, col) = r.nested_value("unpublished", "reason");
                    r.at(
                        line,
                        col,
                        format!("unknown `unpublished.reason` `{other}`"),
                        "use legal, retracted or other",
                    );
                    None
                }
                None => {
                    let line = r.line("unpublished");
                    r.at(line, 1, "`unpublished` has no `reason`", EXAMPLE);
                    None
                }
            };
            match (date, reason) {
                (Some(date), Some(reason)) => Unpublished::Removed(Takedown {
                    date,
                    reason,
                    note: note
                        .as_ref()
                        .map(|n| n.trim().to_string())
                        .filter(|n| !n.is_empty()),
                }),
                _ => Unpublished::Unset,
            }
        }
    }
}

/// `slug`: one safe URL segment; by default from the file name.
fn check_slug_key(r: &mut Reporter<'_>, rel: &str, slug: Option<&str>) -> String {
    let Some(s) = slug else {
        return default_slug(rel);
    };
    match check_slug(s) {
        Ok(()) => s.to_string(),
        Err(why) => {
            r.at_key(
                "slug",
                format!("invalid `slug` {s:?}: {why}"),
                "use letters, digits and dashes, e.g. `slug: leaders-video-call`",
            );
            String::new()
        }
    }
}

/// `related`: each entry with its file line; outside links absolute http(s).
fn check_related(r: &mut Reporter<'_>, related: &[RawRelated]) -> Vec<PinnedRelated> {
    let start = r.line("related");
    let first = r.split.yaml_line;
    let lines: Vec<usize> = r
        .split
        .yaml
        .lines()
        .enumerate()
        .skip(start.saturating_sub(first) + 1)
        .take_while(|(_, l)| l.starts_with([' ', '\t', '-']))
        .filter(|(_, l)| l.trim_start().starts_with('-'))
        .map(|(i, _)| first + i)
        .collect();
    let pinned: Vec<PinnedRelated> = related
        .iter()
        .enumerate()
        .map(|(i, item)| PinnedRelated {
            item: item.clone(),
            line: lines.get(i).copied().unwrap_or(start),
        })
        .collect();
    for p in &pinned {
        if let RawRelated::External { url, .. } = &p.item
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            r.at(
                p.line,
                1,
                format!("related link `{url}` is not an absolute http(s) URL"),
                "outside links need https://…; articles of this site are named by slug",
            );
        }
    }
    pinned
}

/// Where a file named in an article (an image, a linked file) is published from.
#[derive(Debug, PartialEq, Eq)]
pub enum FileRef {
    /// Not a file of this site: another site, `mailto:`, a fragment.
    NotLocal,
    /// Relative, staying inside the article's folder: a file of its page bundle (this path,
    /// `/`-separated and percent-decoded).
    Beside(String),
    /// Root-relative (`/images/x.png`): a static file or another page's file (this site path).
    Root(String),
    /// Relative, climbing out of the article's folder with `..` (as written, decoded).
    Climbing(String),
}

/// Classifies a link or image destination as written in an article.
pub fn file_ref(dest: &str) -> FileRef {
    let dest = dest.trim();
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let has_scheme = path
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
    if path.is_empty() || has_scheme || path.starts_with("//") {
        return FileRef::NotLocal;
    }
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned();
    if let Some(rooted) = decoded.strip_prefix('/') {
        return FileRef::Root(rooted.to_string());
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return FileRef::Climbing(decoded.clone());
                }
            }
            s => parts.push(s),
        }
    }
    FileRef::Beside(parts.join("/"))
}

/// Why a file named relative to an article (`photo.jpg`, `img/map.png`) would not be
/// published, with what to do; `None` when it is published, or when it is not a file beside
/// the article (URLs, `/paths` and `../` paths are checked with the whole site). Only a page
/// bundle (`slug/index.md`) publishes the files beside it.
pub fn missing_local_file(file: &SourceFile, dest: &str) -> Option<(String, String)> {
    let FileRef::Beside(p) = file_ref(dest) else {
        return None;
    };
    if p.is_empty() {
        return None;
    }
    let bundle = file.rel.ends_with("/index.md") || file.rel == "index.md";
    let folder = Path::new("content").join(&file.rel);
    let folder = folder.parent().unwrap_or(Path::new("content"));
    if bundle {
        let assets: Vec<String> = file
            .assets
            .iter()
            .map(|a| a.to_string_lossy().replace('\\', "/"))
            .collect();
        if assets.contains(&p) {
            return None;
        }
        let hint = match crate::diagnostics::did_you_mean(&p, assets.iter().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "put `{p}` in {}/ beside index.md, or fix the name",
                folder.display()
            ),
        };
        return Some((format!("no file `{p}` in {}/", folder.display()), hint));
    }
    let beside = file
        .abs
        .parent()
        .map(|d| d.join(&p))
        .is_some_and(|f| f.is_file());
    let stem = Path::new(&file.rel).with_extension("");
    let bundle_path = Path::new("content").join(&stem).join("index.md");
    let hint = format!(
        "make the article a page bundle: move it to {} and `{p}` beside it",
        bundle_path.display()
    );
    let why = if beside {
        format!(
            "`{p}` is in {}/, but only a page bundle (a folder with index.md) publishes the files beside it",
            folder.display()
        )
    } else {
        "no such file beside the article, and only a page bundle (a folder with index.md) publishes files beside it".to_string()
    };
    Some((why, hint))
}

/// ISO 639-1 language codes: a top-level folder of content/ named like one holds that
/// language's articles, so it must be declared in site.toml.
const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Whether a folder name reads as a language code: an ISO 639-1 code, optionally with script
/// and region subtags (`pt-br`, `sr-latn`, `zh-hant-tw`, `es-419`), in any case.
pub fn is_language_code(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let mut parts = lower.split(['-', '_']);
    let Some(primary) = parts.next() else {
        return false;
    };
    ISO_639_1.binary_search(&primary).is_ok()
        && parts.all(|p| {
            (p.len() == 4 && p.bytes().all(|b| b.is_ascii_lowercase()))
                || (p.len() == 2 && p.bytes().all(|b| b.is_ascii_lowercase()))
                || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
        })
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
        assert_eq!(d.body(), "Body\n");
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
    fn language_codes_are_iso_639_1_with_subtags() {
        for yes in [
            "ru",
            "de",
            "pt-br",
            "pt-BR",
            "sr-latn",
            "zh-hant-tw",
            "es-419",
            "no",
        ] {
            assert!(is_language_code(yes), "{yes}");
        }
        for no in [
            "xx",
            "news",
            "world",
            "eng",
            "pt-",
            "ru-x",
            "en-toolong",
            "",
        ] {
            assert!(!is_language_code(no), "{no}");
        }
        assert!(
            ISO_639_1.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary search"
        );
    }

    #[test]
    fn undeclared_language_folder_is_an_error() {
        let e = parse("de/a.md", "---\ntitle: x\ndate: 2021-01-01\n---\n").unwrap_err();
        assert_eq!((e[0].line, e[0].col), (1, 1));
        assert!(e[0].hint.as_deref().unwrap().contains("[languages.de]"));
        // Only the top-level folder counts; sections are not languages.
        assert!(parse("news/a.md", "---\ntitle: x\ndate: 2021-01-01\n---\n").is_ok());
        assert!(parse("en/de/a.md", "---\ntitle: x\ndate: 2021-01-01\n---\n").is_ok());
    }

    #[test]
    fn credits_of_translations_and_republications() {
        let src = |lang: &str| {
            format!("source:\n  name: O\n  url: https://o.example/x\n  lang: {lang}\n")
        };
        let e = parse(
            "en/a.md",
            "---\ntitle: x\ndate: 2021-01-01\ntranslation_of: ru/a.md\n---\n",
        )
        .unwrap_err();
        assert_eq!(e[0].line, 4);
        assert!(e[0].message.contains("translator"), "{}", e[0]);
        let e = parse(
            "en/a.md",
            &format!("---\ntitle: x\ndate: 2021-01-01\n{}---\n", src("ru")),
        )
        .unwrap_err();
        assert!(e[0].message.contains("`ru`"), "{}", e[0]);
        // Same language: a republication, no translators needed.
        for lang in ["en", "en-GB"] {
            let d = parse(
                "en/a.md",
                &format!("---\ntitle: x\ndate: 2021-01-01\n{}---\n", src(lang)),
            )
            .unwrap();
            assert!(d.meta.translators.is_empty());
        }
    }

    #[test]
    fn mapping_keys_written_as_strings_say_what_to_write() {
        let e = parse(
            "en/a.md",
            "---\ntitle: x\ndate: 2021-01-01\nimage: court.png\n---\n",
        )
        .unwrap_err();
        assert_eq!((e[0].line, e[0].col), (4, 8));
        assert!(
            e[0].message.starts_with("`image` must be a mapping"),
            "{}",
            e[0]
        );
        assert_eq!(
            e[0].hint.as_deref(),
            Some("write `image: { src: court.png, alt: What the picture shows }`")
        );
    }

    #[test]
    fn file_refs() {
        assert_eq!(file_ref("map.png"), FileRef::Beside("map.png".into()));
        assert_eq!(
            file_ref("./img/../map%20a.png?x#y"),
            FileRef::Beside("map a.png".into())
        );
        assert_eq!(
            file_ref("/images/x.png"),
            FileRef::Root("images/x.png".into())
        );
        assert_eq!(
            file_ref("../b/x.png"),
            FileRef::Climbing("../b/x.png".into())
        );
        for not_local in [
            "https://e.org/x.png",
            "//cdn/x.png",
            "mailto:a@b",
            "#top",
            "",
        ] {
            assert_eq!(file_ref(not_local), FileRef::NotLocal, "{not_local}");
        }
    }

    #[test]
    fn value_columns() {
        assert_eq!(value_col_in_line("  src: a.jpg", "src"), Some(8));
        assert_eq!(
            value_col_in_line("image: { src: a.jpg, alt: b }", "alt"),
            Some(27)
        );
        assert_eq!(value_col_in_line("image: { xsrc: a.jpg }", "src"), None);
    }

    #[test]
    fn ignored_names() {
        for n in [".#x.md", "x.md~", ".x.md.swp", "4913", ".DS_Store"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("x.md"));
    }
}
