//! `site.toml`: read strictly (unknown keys are errors with a hint), then checked into a
//! [`Config`] that later stages trust.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Error, Result, explain_serde_message};

/// Text direction of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Left to right.
    #[default]
    Ltr,
    /// Right to left (Arabic, Hebrew, Persian…).
    Rtl,
}

/// One language the site publishes in.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// BCP 47 code (`en`, `ru`, `pt-BR`); filled from the table key.
    #[serde(skip_deserializing)]
    pub code: String,
    /// Name of the language in itself ("Русский").
    pub name: String,
    /// Text direction; right-to-left is guessed for ar, he, fa, ur when not given.
    #[serde(default)]
    pub dir: Option<Direction>,
    /// Open Graph locale (`ru_RU`); derived from the code when not given.
    #[serde(default)]
    pub locale: Option<String>,
    /// Title of the site in this language, when it differs.
    #[serde(default)]
    pub title: Option<String>,
    /// Description of the site in this language.
    #[serde(default)]
    pub description: Option<String>,
}

impl Language {
    /// The language's direction, explicit or guessed from the code.
    pub fn direction(&self) -> Direction {
        self.dir.unwrap_or_else(|| {
            let primary = self.code.split('-').next().unwrap_or("");
            if matches!(primary, "ar" | "he" | "fa" | "ur" | "yi" | "ps") {
                Direction::Rtl
            } else {
                Direction::Ltr
            }
        })
    }

    /// Open Graph locale such as `en_US`.
    pub fn og_locale(&self) -> String {
        if let Some(l) = &self.locale {
            return l.clone();
        }
        let primary = self.code.split('-').next().unwrap_or("en");
        let region = match primary {
            "en" => "US",
            "ru" => "RU",
            "uk" => "UA",
            "de" => "DE",
            "fr" => "FR",
            "es" => "ES",
            "ar" => "AR",
            "it" => "IT",
            "pt" => "PT",
            "pl" => "PL",
            "be" => "BY",
            "kk" => "KZ",
            "ka" => "GE",
            "he" => "IL",
            "fa" => "IR",
            "tr" => "TR",
            other => return other.to_string(),
        };
        format!("{primary}_{region}")
    }
}

/// The publisher named in structured data.
#[derive(Debug, Clone, Deserialize, serde::Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// Organisation name; the site title when not given.
    #[serde(default)]
    pub name: Option<String>,
    /// Logo URL or path under the site.
    #[serde(default)]
    pub logo: Option<String>,
    /// The organisation's home page.
    #[serde(default)]
    pub url: Option<String>,
}

/// Feed settings.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Feeds {
    /// Items per feed.
    pub limit: usize,
    /// Full article text in feeds, else the summary.
    pub full_text: bool,
}

impl Default for Feeds {
    fn default() -> Self {
        Self {
            limit: 20,
            full_text: false,
        }
    }
}

/// Weights of the related-reading ranking (see `related.rs`). Each signal is measured in 0‥1
/// before its weight multiplies it, so the weights compare directly: with the defaults, sharing
/// the running story (10) outweighs everything else together (at most 3 + 1 + 0.25 + 0.5 + 4 +
/// 0.25).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RelatedConfig {
    /// Cards per article, pinned ones included (0 turns computed related reading off).
    pub count: usize,
    /// Weight of sharing the running story, newer follow-ups included.
    pub story: f64,
    /// Weight of shared tags; each tag counts by its rarity, and the sum is divided by
    /// √(tags of one × tags of the other).
    pub tags: f64,
    /// Weight of shared authors, counted like tags.
    pub people: f64,
    /// Weight of shared translators, counted like tags (weaker evidence than authors:
    /// translators follow languages more than topics).
    pub translators: f64,
    /// Weight of sharing the outlet of the original, by the outlet's rarity.
    pub outlet: f64,
    /// Weight of text similarity (cosine of TF-IDF vectors of title, dek and lede).
    pub text: f64,
    /// Weight of closeness in time, `1 / (1 + days apart / 30)`: a tie-breaker.
    pub recency: f64,
    /// Fewer cards rather than weak ones: a candidate whose relevance (score without recency)
    /// is below this share of the best candidate's is not shown. 0 keeps every candidate that
    /// shares something; 1 keeps only the best.
    pub min_score: f64,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        Self {
            count: 3,
            story: 10.0,
            tags: 3.0,
            people: 1.0,
            translators: 0.25,
            outlet: 0.5,
            text: 4.0,
            recency: 0.25,
            min_score: 0.15,
        }
    }
}

/// The front page (`[home]`): how many articles each part shows and what is pinned.
#[derive(Debug, Clone, Deserialize, serde::Serialize, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct HomeConfig {
    /// Articles after the lead, shown with thumbnails.
    pub latest: usize,
    /// Headlines with their times under "Most recent".
    pub recent: usize,
    /// A running story gets a block while it has an article this many days before the
    /// language's newest article (counted from content, so the same files give the same page).
    pub active_days: u32,
    /// At most this many story blocks.
    pub stories: usize,
    /// Articles in a story block.
    pub story_cards: usize,
    /// Pinned leads per language code: the first that has not expired is the lead.
    pub lead: BTreeMap<String, Vec<Pin>>,
}

impl Default for HomeConfig {
    fn default() -> Self {
        Self {
            latest: 4,
            recent: 6,
            active_days: 14,
            stories: 3,
            story_cards: 3,
            lead: BTreeMap::new(),
        }
    }
}

/// An article pinned as a language's lead, until a date.
#[derive(Debug, Clone, Deserialize, serde::Serialize, Hash)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// Content path (`en/river-dam-inquiry.md`).
    pub article: String,
    /// Last day (or instant) it leads; none: until removed.
    #[serde(default)]
    pub until: Option<String>,
}

/// One entry of a language's menu (`[[menus.en]]`).
#[derive(Debug, Clone, Deserialize, serde::Serialize, Hash)]
#[serde(deny_unknown_fields)]
pub struct MenuEntry {
    /// Link text.
    pub name: String,
    /// `/stories/x/` (under the site's base path), or an absolute URL.
    pub url: String,
}

/// Site search (`[search]`): an index written by the build, read by the theme's script.
#[derive(Debug, Clone, Deserialize, serde::Serialize, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Write the index and the search pages. On by default.
    pub enabled: bool,
    /// Languages to index (codes); empty means every language of the site.
    pub languages: Vec<String>,
    /// Index article bodies; off indexes headlines, kickers, deks and credits only (a smaller
    /// index for very large archives).
    pub body: bool,
    /// Index credits (authors' and translators' names).
    pub credits: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            languages: Vec::new(),
            body: true,
            credits: true,
        }
    }
}

impl SearchConfig {
    /// Whether articles in `lang` are indexed.
    pub fn indexes(&self, lang: &str) -> bool {
        self.enabled && (self.languages.is_empty() || self.languages.iter().any(|l| l == lang))
    }
}

/// Markdown settings.
#[derive(Debug, Clone, Deserialize, serde::Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// Pass raw HTML in Markdown through. Off by default: a pasted `<script>` is shown as text.
    pub unsafe_html: bool,
}

/// Embed settings (see `shortcodes/embed.html` of the default theme).
#[derive(Debug, Clone, Deserialize, serde::Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct EmbedsConfig {
    /// Offer readers "always load content from this service", remembered in their browser's
    /// localStorage. Off by default: every embed waits for its own click.
    pub remember: bool,
}

/// Image settings: which variants gen makes of every photo it publishes (see `images.rs`).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Widths of the variants in pixels; an image is never enlarged, so a smaller one gets the
    /// widths below its own and its own width.
    pub widths: Vec<u32>,
    /// Encoder quality, 1–100 (WebP and JPEG).
    pub quality: u8,
    /// Keep the creator and copyright fields of the original's EXIF (everything else is
    /// always dropped: GPS, camera, serial numbers, maker notes, thumbnails, XMP, IPTC).
    pub keep_copyright: bool,
    /// Publish the original file too. Off by default: it carries every metadata field.
    pub keep_original: bool,
    /// Largest image in pixels (width × height) gen decodes; read from the file's header, so
    /// a decompression bomb is refused before it takes memory.
    pub max_pixels: u64,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        Self {
            widths: vec![480, 800, 1200, 1600],
            quality: 78,
            keep_copyright: false,
            keep_original: false,
            max_pixels: 60_000_000,
        }
    }
}

/// Share-bar settings.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Share {
    /// Networks in the order shown.
    pub networks: Vec<String>,
}

/// Networks the default theme knows how to link to.
pub const SHARE_NETWORKS: &[&str] = &[
    "telegram", "x", "facebook", "whatsapp", "vk", "bluesky", "linkedin", "email", "copy",
];

impl Default for Share {
    fn default() -> Self {
        Self {
            networks: SHARE_NETWORKS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default = "default_language")]
    default_language: String,
    #[serde(default)]
    languages: BTreeMap<String, Language>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_output")]
    output_dir: PathBuf,
    #[serde(default = "default_permalink")]
    permalink: String,
    #[serde(default)]
    prefix_default_language: bool,
    #[serde(default = "yes")]
    minify: bool,
    #[serde(default = "default_paginate")]
    paginate: usize,
    #[serde(default)]
    fingerprint: bool,
    #[serde(default)]
    share: Share,
    #[serde(default)]
    publisher: Publisher,
    #[serde(default)]
    feeds: Feeds,
    #[serde(default)]
    related: RelatedConfig,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    embeds: EmbedsConfig,
    #[serde(default)]
    images: ImagesConfig,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    home: HomeConfig,
    #[serde(default)]
    menus: BTreeMap<String, Vec<MenuEntry>>,
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_output() -> PathBuf {
    "public".into()
}
fn default_permalink() -> String {
    "/:lang/:year/:month/:day/:slug/".into()
}
fn yes() -> bool {
    true
}
fn default_paginate() -> usize {
    10
}

/// The checked site configuration.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Config {
    /// Folder holding `site.toml`.
    #[serde(skip)]
    pub root: PathBuf,
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: Option<String>,
    /// Absolute base URL, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url` (`/` or `/news/`), prefixed to every link.
    pub base_path: String,
    /// Code of the default language.
    pub default_language: String,
    /// Languages, default first, then by code.
    pub languages: Vec<Language>,
    /// Theme name under `themes/`.
    pub theme: String,
    /// Output folder (absolute).
    #[serde(skip)]
    pub output_dir: PathBuf,
    /// Permalink pattern of articles.
    pub permalink: String,
    /// Whether the default language gets a `/en/` prefix too.
    pub prefix_default_language: bool,
    /// Minify HTML output.
    pub minify: bool,
    /// Items per list page.
    pub paginate: usize,
    /// Fingerprint CSS and JS assets for long cache lifetimes.
    pub fingerprint: bool,
    /// Share bar.
    pub share: Share,
    /// Publisher for structured data.
    pub publisher: Publisher,
    /// Feeds.
    pub feeds: Feeds,
    /// Related reading.
    pub related: RelatedConfig,
    /// Markdown.
    pub markdown: MarkdownConfig,
    /// Embeds.
    pub embeds: EmbedsConfig,
    /// Image variants (see `images.rs`).
    pub images: ImagesConfig,
    /// Site search.
    pub search: SearchConfig,
    /// The front page.
    pub home: HomeConfig,
    /// Header menus per language code.
    pub menus: BTreeMap<String, Vec<MenuEntry>>,
    /// Free data for themes.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Include drafts (from the command line).
    pub drafts: bool,
    /// Publish articles dated in the future (`--future`).
    pub future: bool,
    /// Mark articles dated in the future as scheduled previews (the dev server).
    pub preview_scheduled: bool,
    /// "Now" for publishing decisions: `SOURCE_DATE_EPOCH` when set, else the clock when the
    /// configuration was loaded.
    #[serde(skip)]
    pub now: jiff::Timestamp,
}

/// Command-line settings that override `site.toml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--base-url`.
    pub base_url: Option<String>,
    /// `--output`.
    pub output_dir: Option<PathBuf>,
    /// `--drafts`.
    pub drafts: bool,
    /// `--future`.
    pub future: bool,
    /// The dev server: include future articles, marked as scheduled previews.
    pub preview_scheduled: bool,
    /// "Now" for publishing decisions instead of `SOURCE_DATE_EPOCH` or the clock (the dev
    /// server's timer when a front-page pin expires; tests).
    pub now: Option<jiff::Timestamp>,
}

impl Config {
    /// Reads `root/site.toml`.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config> {
        let path = root.join("site.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Usage(format!(
                    "no site.toml in {}: run gen inside a site folder, pass --root DIR, or create one with `gen new site DIR`",
                    root.display()
                ))
            } else {
                Error::io(&path, e)
            }
        })?;
        Config::parse(root, &text, overrides)
    }

    /// Parses the text of `site.toml`.
    pub fn parse(root: &Path, text: &str, overrides: &Overrides) -> Result<Config> {
        let file = PathBuf::from("site.toml");
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            let (message, hint) = explain_serde_message(e.message());
            let mut d = Diagnostic::error(&file, line, col, message);
            if let Some(h) = hint {
                d = d.with_hint(h);
            }
            Error::Content(vec![d])
        })?;
        let key_line = |key: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(key))
                .map(|i| i + 1)
                .unwrap_or(0)
        };
        let fail = |key: &str, msg: String, hint: &str| {
            Error::Content(vec![
                Diagnostic::error(&file, key_line(key), 1, msg).with_hint(hint),
            ])
        };

        let base_url = overrides.base_url.clone().unwrap_or(raw.base_url);
        let base_path = base_path_of(&base_url).ok_or_else(|| {
            fail(
                "base_url",
                format!("base_url `{base_url}` is not an absolute http(s) URL"),
                "write it like https://example.org/ or https://example.org/news/",
            )
        })?;
        let base_url = if base_url.ends_with('/') {
            base_url
        } else {
            format!("{base_url}/")
        };

        let mut languages: Vec<Language> = raw
            .languages
            .into_iter()
            .map(|(code, mut l)| {
                l.code = code;
                l
            })
            .collect();
        for l in &languages {
            if !is_language_tag(&l.code) {
                return Err(fail(
                    "[languages",
                    format!("`{}` is not a language code", l.code),
                    "use BCP 47 codes such as en, ru, pt-BR",
                ));
            }
        }
        if languages.is_empty() {
            languages.push(Language {
                code: raw.default_language.clone(),
                name: raw.default_language.clone(),
                dir: None,
                locale: None,
                title: None,
                description: None,
            });
        }
        let Some(pos) = languages
            .iter()
            .position(|l| l.code == raw.default_language)
        else {
            let known: Vec<&str> = languages.iter().map(|l| l.code.as_str()).collect();
            return Err(fail(
                "default_language",
                format!(
                    "default_language `{}` is not among [languages]",
                    raw.default_language
                ),
                &format!(
                    "declare it as [languages.{}] or pick one of: {}",
                    raw.default_language,
                    known.join(", ")
                ),
            ));
        };
        let default = languages.remove(pos);
        languages.insert(0, default);

        if raw.images.widths.is_empty() || raw.images.widths.iter().any(|&w| w == 0 || w > 8192) {
            return Err(fail(
                "widths",
                format!(
                    "[images] widths {:?} must list widths from 1 to 8192",
                    raw.images.widths
                ),
                "write e.g. widths = [480, 800, 1200, 1600]",
            ));
        }
        if !(1..=100).contains(&raw.images.quality) {
            return Err(fail(
                "quality",
                format!(
                    "[images] quality {} is not from 1 to 100",
                    raw.images.quality
                ),
                "78 keeps photos sharp at a third of a JPEG's bytes; write e.g. quality = 78",
            ));
        }
        if !raw.permalink.contains(":slug") {
            return Err(fail(
                "permalink",
                format!("permalink `{}` has no :slug", raw.permalink),
                "articles would share one URL; include :slug, e.g. /:lang/:year/:month/:day/:slug/",
            ));
        }
        for token in raw.permalink.split('/').filter(|s| s.starts_with(':')) {
            if !matches!(
                token,
                ":lang" | ":year" | ":month" | ":day" | ":slug" | ":section" | ":story"
            ) {
                return Err(fail(
                    "permalink",
                    format!("unknown permalink token `{token}`"),
                    "use :lang, :year, :month, :day, :section, :story and :slug",
                ));
            }
        }
        let min_score = raw.related.min_score;
        if !(0.0..=1.0).contains(&min_score) {
            return Err(fail(
                "min_score",
                format!("[related] min_score = {min_score} is not between 0 and 1"),
                "it is a share of the best candidate's score: 0.15 shows only candidates scoring \
                 at least 15 % of the best one; 0 turns the threshold off",
            ));
        }
        if let Some(l) = raw
            .search
            .languages
            .iter()
            .find(|l| !languages.iter().any(|d| d.code == **l))
        {
            return Err(fail(
                "[search",
                format!("[search] languages names `{l}`, which is not among [languages]"),
                "list codes declared under [languages], or leave languages out to index every one",
            ));
        }
        for (l, list) in raw
            .home
            .lead
            .iter()
            .map(|(l, p)| (l, p.len()))
            .chain(raw.menus.iter().map(|(l, m)| (l, m.len())))
        {
            if list > 0 && !languages.iter().any(|d| d.code == *l) {
                return Err(fail(
                    &format!("{l} ="),
                    format!("[home] lead or [menus] names `{l}`, which is not among [languages]"),
                    "use codes declared under [languages]",
                ));
            }
        }
        for pin in raw.home.lead.values().flatten() {
            if let Some(u) = &pin.until
                && let Err(e) = crate::dates::DateTime::parse(u)
            {
                return Err(fail(
                    "until",
                    format!("[home] lead until `{u}`: {e}"),
                    "write until = \"2026-04-01\" (the last day it leads)",
                ));
            }
        }
        if raw.paginate == 0 {
            return Err(fail(
                "paginate",
                "paginate must be at least 1".into(),
                "set paginate = 10",
            ));
        }
        for n in &raw.share.networks {
            if !SHARE_NETWORKS.contains(&n.as_str()) {
                let hint = match crate::diagnostics::did_you_mean(n, SHARE_NETWORKS.iter().copied())
                {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!("known networks: {}", SHARE_NETWORKS.join(", ")),
                };
                return Err(fail(
                    "networks",
                    format!("unknown share network `{n}`"),
                    &hint,
                ));
            }
        }

        let output = overrides.output_dir.clone().unwrap_or(raw.output_dir);
        let output_dir = if output.is_absolute() {
            output
        } else {
            root.join(output)
        };

        Ok(Config {
            root: root.to_path_buf(),
            title: raw.title,
            description: raw.description,
            base_url,
            base_path,
            default_language: raw.default_language,
            languages,
            theme: raw.theme,
            output_dir,
            permalink: raw.permalink,
            prefix_default_language: raw.prefix_default_language,
            minify: raw.minify,
            paginate: raw.paginate,
            fingerprint: raw.fingerprint,
            share: raw.share,
            publisher: raw.publisher,
            feeds: raw.feeds,
            related: raw.related,
            markdown: raw.markdown,
            embeds: raw.embeds,
            images: raw.images,
            search: raw.search,
            home: raw.home,
            menus: raw.menus,
            extra: raw.extra,
            drafts: overrides.drafts,
            future: overrides.future || overrides.preview_scheduled,
            preview_scheduled: overrides.preview_scheduled,
            now: overrides.now.unwrap_or_else(crate::publishing::now),
        })
    }

    /// The language with this code.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// URL path prefix of a language: `""` for the default one (unless prefixed), else `"ru/"`.
    pub fn lang_prefix(&self, code: &str) -> String {
        match self.lang_segment(code) {
            "" => String::new(),
            seg => [seg, "/"].concat(),
        }
    }

    /// The language's folder name in URLs, without the slash: `""` for the default language
    /// (unless prefixed), else the code. For joining a URL in one allocation.
    pub fn lang_segment<'a>(&self, code: &'a str) -> &'a str {
        if code == self.default_language && !self.prefix_default_language {
            ""
        } else {
            code
        }
    }

    /// Site-relative path (`ru/tags/x/`) to a root-relative URL (`/news/ru/tags/x/`).
    /// (Joined without `format!`: every link of every card passes here, and the formatting
    /// machinery cost more than the copy.)
    pub fn url(&self, rel: &str) -> String {
        [self.base_path.as_str(), rel.trim_start_matches('/')].concat()
    }

    /// Site-relative path to an absolute URL.
    pub fn abs_url(&self, rel: &str) -> String {
        [self.base_url.as_str(), rel.trim_start_matches('/')].concat()
    }
}

/// The path of an absolute http(s) URL, ending in `/`.
fn base_path_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() || path.contains(['?', '#']) {
        return None;
    }
    Some(if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    })
}

/// Whether `s` looks like a BCP 47 tag (letters and digits in `-`-separated parts).
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("/site"), text, &Overrides::default())
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse("title = \"T\"\nbase_url = \"https://example.org/news\"\n").unwrap();
        assert_eq!(c.base_url, "https://example.org/news/");
        assert_eq!(c.base_path, "/news/");
        assert_eq!(c.languages[0].code, "en");
        assert_eq!(c.url("ru/x/"), "/news/ru/x/");
        assert!(c.minify);
    }

    #[test]
    fn unknown_key_names_line_and_hint() {
        let err =
            parse("title = \"T\"\nbase_url = \"https://e.org/\"\nminfy = true\n").unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!((d.line, d.col), (3, 1));
        assert_eq!(d.hint.as_deref(), Some("did you mean `minify`?"));
    }

    #[test]
    fn default_language_first_and_rtl_guessed() {
        let c = parse("title = \"T\"\nbase_url = \"https://e.org/\"\ndefault_language = \"ru\"\n[languages.ar]\nname = \"العربية\"\n[languages.ru]\nname = \"Русский\"\n").unwrap();
        assert_eq!(c.languages[0].code, "ru");
        assert_eq!(c.language("ar").unwrap().direction(), Direction::Rtl);
        assert_eq!(c.lang_prefix("ru"), "");
        assert_eq!(c.lang_prefix("ar"), "ar/");
    }

    #[test]
    fn related_min_score_is_a_share_between_0_and_1() {
        let site = "title = \"T\"\nbase_url = \"https://e.org/\"\n";
        assert_eq!(parse(site).unwrap().related.min_score, 0.15);
        let c = parse(&format!("{site}[related]\nmin_score = 0.5\n")).unwrap();
        assert_eq!(c.related.min_score, 0.5);
        let err = parse(&format!("{site}[related]\nmin_score = 25\n")).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.line, 4);
        assert!(d.message.contains("between 0 and 1"), "{}", d.message);
        assert!(d.hint.as_deref().unwrap_or("").contains("share"), "{d:?}");
    }

    #[test]
    fn relative_base_url_refused() {
        assert!(parse("title = \"T\"\nbase_url = \"example.org\"\n").is_err());
    }
}
