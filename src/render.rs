//! Pages: which pages the site has (articles, home pages, taxonomy pages, 404), the typed views
//! templates receive, and rendering them in parallel into a [`Sink`].
//!
//! Views borrow from the frozen [`Site`]; list pages get cards, never article bodies.

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::config::Direction;
use crate::diagnostics::{Error, Result};
use crate::site::{Alternate, Related, Site, TaxonomyKind, Term};
use crate::theme::Theme;
use crate::urls::{self, FeedFormat};

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const URL_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a string for a URL query component.
pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, URL_COMPONENT).to_string()
}

/// A person credited, as templates see them.
#[derive(Debug, Hash, Serialize)]
pub struct PersonRef<'a> {
    /// Name in the page's language.
    pub name: &'a str,
    /// Their page.
    pub url: String,
}

/// A named link (tag, story, outlet).
#[derive(Debug, Hash, Serialize)]
pub struct TermRef<'a> {
    /// Name.
    pub name: &'a str,
    /// Its page.
    pub url: String,
}

/// The image of an article or card.
#[derive(Debug, Hash, Serialize)]
pub struct ImageView<'a> {
    /// Root-relative or absolute URL.
    pub src: String,
    /// Absolute URL (for share metadata).
    pub abs: String,
    /// Alternative text.
    pub alt: &'a str,
    /// Caption.
    pub caption: Option<&'a str>,
    /// Credit.
    pub credit: Option<&'a str>,
    /// Width.
    pub width: Option<u32>,
    /// Height.
    pub height: Option<u32>,
    /// `srcset` of its WebP variants (empty for SVG and remote images, shown as they are).
    pub srcset: String,
}

/// An article in a list or a related-reading card.
#[derive(Debug, Hash, Serialize)]
pub struct Card<'a> {
    /// URL.
    pub url: String,
    /// Kicker.
    pub kicker: Option<&'a str>,
    /// Headline.
    pub title: &'a str,
    /// Dek.
    pub description: Option<&'a str>,
    /// Publication date (RFC 3339), when an article of the site.
    pub date: Option<String>,
    /// Language code.
    pub lang: Option<&'a str>,
    /// The language's name in itself (for a badge on a card in another language than the
    /// page's: a theme needs no loop over the site's languages to find it).
    pub lang_name: Option<&'a str>,
    /// Running story.
    pub story: Option<TermRef<'a>>,
    /// Lead image.
    pub image: Option<ImageView<'a>>,
    /// Authors.
    pub authors: Vec<PersonRef<'a>>,
    /// Translators.
    pub translators: Vec<PersonRef<'a>>,
    /// An outside link.
    pub external: bool,
    /// Dated in the future: a scheduled preview (the dev server only). Left out when false:
    /// Tera finds the fields of a map of at most 12 by comparing names and hashes the names
    /// of a larger one, and every card's fields are read some 25 times.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub scheduled: bool,
}

/// Another language version of an article.
#[derive(Debug, Serialize)]
pub struct Version<'a> {
    /// Language code.
    pub lang: &'a str,
    /// Language name in itself.
    pub lang_name: &'a str,
    /// URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Headline in that language.
    pub title: &'a str,
    /// Whether this is the page itself.
    pub current: bool,
}

/// A share link.
#[derive(Debug, Serialize)]
pub struct ShareLink {
    /// Network key (`telegram`, `x`…, `copy`).
    pub network: &'static str,
    /// Share URL (empty for `copy`).
    pub href: String,
}

/// The article as its page sees it.
#[derive(Debug, Serialize)]
pub struct ArticleView<'a> {
    /// Headline.
    pub title: &'a str,
    /// Kicker.
    pub kicker: Option<&'a str>,
    /// Dek.
    pub description: Option<&'a str>,
    /// Dek, else the first paragraph.
    pub summary: &'a str,
    /// Published (RFC 3339).
    pub date: String,
    /// Updated (RFC 3339).
    pub updated: Option<String>,
    /// `updated` names a time of day, not only a day.
    pub updated_time: bool,
    /// The archive of its day (`2026/05/20/`).
    pub day_url: String,
    /// Dated in the future: a scheduled preview (the dev server only).
    pub scheduled: bool,
    /// Language code.
    pub lang: &'a str,
    /// Body HTML, its photos pointing at their variants and its shortcodes drawn by the
    /// theme's `shortcodes/` templates.
    pub body: std::borrow::Cow<'a, str>,
    /// The services the body embeds (`youtube`, `pdf`…), in order of first use: the theme
    /// loads its embed script only on pages with embeds.
    pub embeds: Vec<&'static str>,
    /// Words.
    pub word_count: usize,
    /// Minutes to read.
    pub reading_minutes: usize,
    /// Authors.
    pub authors: Vec<PersonRef<'a>>,
    /// Translators.
    pub translators: Vec<PersonRef<'a>>,
    /// The original publication.
    pub source: Option<SourceView<'a>>,
    /// Tags.
    pub tags: Vec<TermRef<'a>>,
    /// Running story.
    pub story: Option<TermRef<'a>>,
    /// Lead image.
    pub image: Option<ImageView<'a>>,
    /// Corrections.
    pub corrections: Vec<CorrectionView<'a>>,
    /// All language versions including this one (empty when there is only this one).
    pub versions: Vec<Version<'a>>,
    /// Related-reading cards.
    pub related: Vec<Card<'a>>,
    /// The original (in this site) was updated after this translation.
    pub stale: bool,
    /// The original, when it is in this site.
    pub original: Option<Version<'a>>,
    /// Share links.
    pub share: Vec<ShareLink>,
    /// Headings of the body.
    pub headings: &'a [crate::markdown::Heading],
    /// Theme data from front matter.
    pub extra: &'a BTreeMap<String, serde_json::Value>,
}

/// The original publication.
#[derive(Debug, Serialize)]
pub struct SourceView<'a> {
    /// Outlet.
    pub name: &'a str,
    /// Original URL.
    pub url: &'a str,
    /// Original language code.
    pub lang: Option<&'a str>,
    /// When the original appeared.
    pub published: Option<String>,
    /// The outlet's page on this site.
    pub outlet_url: String,
}

/// A correction.
#[derive(Debug, Serialize)]
pub struct CorrectionView<'a> {
    /// Date (RFC 3339).
    pub date: String,
    /// Text.
    pub text: &'a str,
}

/// Page numbers of a list.
#[derive(Debug, Serialize)]
pub struct Pagination {
    /// 1-based current page.
    pub current: usize,
    /// Number of pages.
    pub total: usize,
    /// Previous page URL.
    pub prev: Option<String>,
    /// Next page URL.
    pub next: Option<String>,
    /// The pages a pager lists, number and URL: the first, the last and two either side of
    /// the current one (a gap between two numbers is where a theme puts an ellipsis).
    pub pages: Vec<(usize, String)>,
}

/// An entry of a taxonomy index page.
#[derive(Debug, Serialize)]
pub struct TermSummary<'a> {
    /// Name.
    pub name: &'a str,
    /// URL.
    pub url: String,
    /// Number of articles.
    pub count: usize,
}

/// A person shown on their page.
#[derive(Debug, Serialize)]
pub struct PersonView<'a> {
    /// Name.
    pub name: &'a str,
    /// Other names.
    pub names: &'a BTreeMap<String, String>,
    /// Bio.
    pub bio: Option<&'a str>,
    /// Links.
    pub links: &'a [crate::people::PersonLink],
    /// Photo.
    pub photo: Option<PhotoView>,
}

/// A person's photo: `src` and, when it is a picture of the site, the `srcset` of its
/// variants.
#[derive(Debug, Serialize)]
pub struct PhotoView {
    /// URL.
    pub src: String,
    /// WebP variants (empty for SVG and remote photos).
    pub srcset: String,
}

/// What kind of page a template renders (`page.kind` in templates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PageKind {
    /// An article (`article.html`).
    #[serde(rename = "article")]
    Article,
    /// A language's home list (`home.html`).
    #[serde(rename = "home")]
    Home,
    /// A taxonomy's index (`taxonomy.html`).
    #[serde(rename = "taxonomy")]
    Taxonomy,
    /// A term's list (`term.html`).
    #[serde(rename = "term")]
    Term,
    /// The not-found page (`404.html`).
    #[serde(rename = "404")]
    NotFound,
    /// A date archive, or a language's index of them (`archive.html`).
    #[serde(rename = "archive")]
    Archive,
    /// What stays at the URL of a taken-down article (`tombstone.html`).
    #[serde(rename = "tombstone")]
    Tombstone,
    /// A language's search page (`search.html`).
    #[serde(rename = "search")]
    Search,
}

impl PageKind {
    /// The template that renders this kind of page.
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Article => "article.html",
            PageKind::Home => "home.html",
            PageKind::Taxonomy => "taxonomy.html",
            PageKind::Term => "term.html",
            PageKind::NotFound => "404.html",
            PageKind::Archive => "archive.html",
            PageKind::Tombstone => "tombstone.html",
            PageKind::Search => "search.html",
        }
    }

    /// The name share metadata uses for the page type.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Article => "article",
            PageKind::Home => "home",
            PageKind::Taxonomy => "taxonomy",
            PageKind::Term => "term",
            PageKind::NotFound => "404",
            PageKind::Archive => "archive",
            PageKind::Tombstone => "tombstone",
            PageKind::Search => "search",
        }
    }
}

/// Page-level data every template gets.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    /// `article`, `home`, `taxonomy`, `term`, `404`.
    pub kind: PageKind,
    /// Language code of the page.
    pub lang: &'a str,
    /// `ltr` or `rtl`.
    pub dir: Direction,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL (canonical).
    pub permalink: String,
    /// Title for `<title>`.
    pub title: String,
    /// Meta description.
    pub description: Option<String>,
    /// Other language versions of this page (hreflang), including itself; empty when none.
    pub alternates: Vec<Alternate>,
    /// Feeds to announce.
    pub feeds: Vec<FeedLink>,
    /// Languages for the switcher: code, name, home URL.
    pub languages: Vec<LanguageLink<'a>>,
    /// The page's language's archive of every year and month.
    pub archive_url: String,
    /// The index page of each taxonomy in the page's language, by name (`stories`,
    /// `authors`, `translators`, `outlets`, `tags`).
    pub taxonomies: BTreeMap<&'static str, String>,
    /// The header's menu: `[[menus.<lang>]]` of site.toml, else the language's stories, tags
    /// and archive.
    pub menu: Vec<MenuLink>,
    /// The search page of the page's language, when `[search]` is on (the header's field
    /// submits to it).
    pub search_url: Option<String>,
    /// `<meta name="robots">` (`noindex` on tombstones).
    pub robots: Option<&'static str>,
    /// Share metadata (Open Graph, Twitter card, JSON-LD) for `partials/meta.html`.
    pub meta: crate::meta::Meta,
}

/// A feed autodiscovery link.
#[derive(Debug, Serialize)]
pub struct FeedLink {
    /// MIME type.
    pub mime: &'static str,
    /// Title.
    pub title: String,
    /// Root-relative URL.
    pub href: String,
}

/// A language of the site.
#[derive(Debug, Serialize)]
pub struct LanguageLink<'a> {
    /// Code.
    pub code: &'a str,
    /// Name in itself.
    pub name: &'a str,
    /// Home page URL.
    pub url: String,
    /// Where the language switcher links: this page in that language when it has a version
    /// there (one of `page.alternates`), else that language's home page. Site-relative.
    pub href: String,
    /// `ltr` or `rtl`.
    pub dir: Direction,
}

fn dir_of(site: &Site, lang: &str) -> Direction {
    site.config
        .language(lang)
        .map(|l| l.direction())
        .unwrap_or_default()
}

fn person_refs<'a>(
    site: &'a Site,
    ids: &[usize],
    kind: TaxonomyKind,
    lang: &str,
) -> Vec<PersonRef<'a>> {
    ids.iter()
        .map(|&p| {
            let person = site.people.get(p);
            PersonRef {
                name: person.display_name(lang),
                url: urls::term_url(&site.config, lang, kind, &person.slug),
            }
        })
        .collect()
}

/// A tag, story or outlet named in front matter, linked to its page in `lang` and named in
/// `lang` when terms.yaml has it.
fn term_ref<'a>(site: &'a Site, kind: TaxonomyKind, name: &'a str, lang: &str) -> TermRef<'a> {
    let (name, slug) = site.people.terms.display_and_slug(kind, name, lang);
    TermRef {
        name,
        url: urls::term_url(&site.config, lang, kind, &slug),
    }
}

/// The lead image of an article: relative sources live beside the page (bundles).
/// A picture of the site is shown through its variants (`src` the fallback, `srcset` the WebP
/// widths).
fn image_view(site: &Site, i: usize) -> Option<ImageView<'_>> {
    let a = &site.articles[i];
    let img = a.doc.meta.image.as_ref()?;
    Some(match site.images.lead_of(i) {
        Some(pic) => {
            let f = pic.fallback();
            ImageView {
                src: site.config.url(&f.rel),
                abs: site.config.abs_url(&f.rel),
                alt: &img.alt,
                caption: img.caption.as_deref(),
                credit: img.credit.as_deref(),
                width: Some(f.width),
                height: Some(f.height),
                srcset: pic.srcset(&site.config),
            }
        }
        None => ImageView {
            src: urls::image(&site.config, &a.rel, &img.src),
            abs: urls::image_abs(&site.config, &a.rel, &img.src),
            alt: &img.alt,
            caption: img.caption.as_deref(),
            credit: img.credit.as_deref(),
            width: img.width,
            height: img.height,
            srcset: String::new(),
        },
    })
}

/// The card of an article, in the reader's language for names.
pub fn card<'a>(site: &'a Site, i: usize, lang: &str) -> Card<'a> {
    let a = &site.articles[i];
    let m = &a.doc.meta;
    Card {
        url: site.url(&a.rel),
        kicker: m.kicker.as_deref(),
        title: &m.title,
        description: Some(
            m.description
                .as_deref()
                .unwrap_or(&a.rendered.first_paragraph),
        ),
        date: Some(m.date.rfc3339()),
        lang: Some(&m.lang),
        lang_name: site.config.language(&m.lang).map(|l| l.name.as_str()),
        story: m
            .story
            .as_deref()
            .map(|s| term_ref(site, TaxonomyKind::Stories, s, lang)),
        image: image_view(site, i),
        authors: person_refs(site, &a.authors, TaxonomyKind::Authors, lang),
        translators: person_refs(site, &a.translators, TaxonomyKind::Translators, lang),
        external: false,
        scheduled: a.scheduled,
    }
}

fn related_card<'a>(site: &'a Site, r: &'a Related, lang: &str) -> Card<'a> {
    match r {
        Related::Article(i) => card(site, *i, lang),
        Related::External {
            title,
            url,
            kicker,
            description,
        } => Card {
            url: url.clone(),
            kicker: kicker.as_deref(),
            title,
            description: description.as_deref(),
            date: None,
            lang: None,
            lang_name: None,
            story: None,
            image: None,
            authors: Vec::new(),
            translators: Vec::new(),
            external: true,
            scheduled: false,
        },
    }
}

/// Share links for a page, with URL and title percent-encoded as query components.
pub fn share_links(networks: &[String], url: &str, title: &str) -> Vec<ShareLink> {
    let u = encode_component(url);
    let t = encode_component(title);
    networks
        .iter()
        .filter_map(|n| {
            let (network, href): (&'static str, String) = match n.as_str() {
                "telegram" => (
                    "telegram",
                    format!("https://t.me/share/url?url={u}&text={t}"),
                ),
                "x" => ("x", format!("https://x.com/intent/post?url={u}&text={t}")),
                "facebook" => (
                    "facebook",
                    format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
                ),
                "whatsapp" => ("whatsapp", format!("https://wa.me/?text={t}%20{u}")),
                "vk" => ("vk", format!("https://vk.com/share.php?url={u}&title={t}")),
                "bluesky" => (
                    "bluesky",
                    format!("https://bsky.app/intent/compose?text={t}%20{u}"),
                ),
                "linkedin" => (
                    "linkedin",
                    format!("https://www.linkedin.com/sharing/share-offsite/?url={u}"),
                ),
                "email" => ("email", format!("mailto:?subject={t}&body={u}")),
                "copy" => ("copy", String::new()),
                _ => return None,
            };
            Some(ShareLink { network, href })
        })
        .collect()
}

fn version<'a>(site: &'a Site, i: usize, current: usize) -> Version<'a> {
    let a = &site.articles[i];
    Version {
        lang: a.lang(),
        lang_name: site
            .config
            .language(a.lang())
            .map(|l| l.name.as_str())
            .unwrap_or(a.lang()),
        url: site.url(&a.rel),
        permalink: site.config.abs_url(&a.rel),
        title: &a.doc.meta.title,
        current: i == current,
    }
}

/// The view of article `i`.
pub fn article_view(site: &Site, i: usize) -> ArticleView<'_> {
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let lang = a.lang();
    let permalink = site.config.abs_url(&a.rel);
    let mut versions: Vec<Version<'_>> = Vec::new();
    if !a.translations.is_empty() {
        let mut all: Vec<usize> = a.translations.iter().copied().chain([i]).collect();
        all.sort_by_key(|&j| (site.lang_rank(site.articles[j].lang()), j));
        versions = all.into_iter().map(|j| version(site, j, i)).collect();
    }
    ArticleView {
        title: &m.title,
        kicker: m.kicker.as_deref(),
        description: m.description.as_deref(),
        summary: m
            .description
            .as_deref()
            .unwrap_or(&a.rendered.first_paragraph),
        date: m.date.rfc3339(),
        updated: m.updated.map(|d| d.rfc3339()),
        updated_time: m.updated.is_some_and(|d| !d.date_only),
        day_url: site.url(&urls::archive(
            &site.config,
            lang,
            &crate::archives::Period::of(m.date.civil_date())[2],
        )),
        scheduled: a.scheduled,
        lang,
        body: body_html(site, i, true).into(),
        embeds: {
            let mut ids: Vec<&'static str> = Vec::new();
            for e in a.rendered.blocks.iter().filter_map(|b| b.embed.as_ref()) {
                if !ids.contains(&e.service.id()) {
                    ids.push(e.service.id());
                }
            }
            ids
        },
        word_count: a.rendered.word_count,
        reading_minutes: a.rendered.reading_minutes(),
        authors: person_refs(site, &a.authors, TaxonomyKind::Authors, lang),
        translators: person_refs(site, &a.translators, TaxonomyKind::Translators, lang),
        source: m.source.as_ref().map(|s| SourceView {
            name: &s.name,
            url: &s.url,
            lang: s.lang.as_deref(),
            published: s.published.map(|d| d.rfc3339()),
            outlet_url: site.url(&urls::term(
                &site.config,
                lang,
                TaxonomyKind::Outlets,
                &urls::term_slug(&s.name),
            )),
        }),
        tags: m
            .tags
            .iter()
            .map(|t| term_ref(site, TaxonomyKind::Tags, t, lang))
            .collect(),
        story: m
            .story
            .as_deref()
            .map(|s| term_ref(site, TaxonomyKind::Stories, s, lang)),
        image: image_view(site, i),
        corrections: m
            .corrections
            .iter()
            .map(|c| CorrectionView {
                date: c.date.rfc3339(),
                text: &c.text,
            })
            .collect(),
        versions,
        related: site.related[i]
            .iter()
            .map(|r| related_card(site, r, lang))
            .collect(),
        stale: a.stale,
        original: a.original.map(|o| version(site, o, i)),
        share: share_links(&site.config.share.networks, &permalink, &m.title),
        headings: &a.rendered.headings,
        extra: &m.extra,
    }
}

fn languages(site: &Site) -> Vec<LanguageLink<'_>> {
    site.config
        .languages
        .iter()
        .map(|l| {
            let url = site.url(&urls::home(&site.config, &l.code));
            LanguageLink {
                code: &l.code,
                name: &l.name,
                href: url.clone(),
                url,
                dir: l.direction(),
            }
        })
        .collect()
}

impl PageView<'_> {
    /// Sets the page's versions in other languages, and points the language switcher at them.
    fn set_alternates(&mut self, site: &Site, alternates: Vec<Alternate>) {
        for l in &mut self.languages {
            if let Some(a) = alternates.iter().find(|a| a.hreflang == l.code) {
                l.href = match a.href.strip_prefix(site.config.base_url.as_str()) {
                    Some(rest) => site.url(rest),
                    None => a.href.clone(),
                };
            }
        }
        self.alternates = alternates;
    }
}

/// Feed links of a list whose folder is `rel`: RSS, Atom and JSON Feed.
pub fn feed_links(site: &Site, rel: &str, title: &str) -> Vec<FeedLink> {
    FeedFormat::ALL
        .iter()
        .map(|&f| FeedLink {
            mime: f.mime(),
            title: format!("{title} ({})", f.label()),
            href: site.url(&urls::feed(rel, f)),
        })
        .collect()
}

fn page_view<'a>(
    site: &'a Site,
    kind: PageKind,
    lang: &'a str,
    rel: &str,
    title: String,
    description: Option<String>,
) -> PageView<'a> {
    let permalink = site.config.abs_url(rel);
    let meta = crate::meta::site_meta(
        site,
        kind.name(),
        lang,
        &title,
        description.as_deref(),
        &permalink,
    );
    PageView {
        kind,
        lang,
        dir: dir_of(site, lang),
        url: site.url(rel),
        permalink,
        title,
        description,
        alternates: Vec::new(),
        feeds: Vec::new(),
        languages: languages(site),
        archive_url: site.url(&urls::archive_index(&site.config, lang)),
        taxonomies: {
            let l = if site.config.language(lang).is_some() {
                lang
            } else {
                site.config.default_language.as_str()
            };
            TaxonomyKind::ALL
                .iter()
                .map(|&k| (k.name(), site.url(&urls::taxonomy(&site.config, l, k))))
                .collect()
        },
        menu: menu(site, lang, rel),
        search_url: site.config.search.enabled.then(|| {
            let l = if site.config.language(lang).is_some() {
                lang
            } else {
                site.config.default_language.as_str()
            };
            site.url(&urls::search(&site.config, l))
        }),
        robots: None,
        meta,
    }
}

/// The header's menu of a page in `lang` at `rel`.
fn menu(site: &Site, lang: &str, rel: &str) -> Vec<MenuLink> {
    let here = site.url(rel);
    let link = |name: String, key: Option<&'static str>, url: String| MenuLink {
        key,
        current: url != site.url("")
            && url != site.url(&urls::home(&site.config, lang))
            && here.starts_with(&url),
        name,
        url,
    };
    match site.config.menus.get(lang) {
        Some(list) => list
            .iter()
            .map(|m| {
                let url = if m.url.contains("://") {
                    m.url.clone()
                } else {
                    site.url(m.url.trim_start_matches('/'))
                };
                link(m.name.clone(), None, url)
            })
            .collect(),
        None => {
            let l = if site.config.language(lang).is_some() {
                lang
            } else {
                site.config.default_language.as_str()
            };
            // Named by UI strings, which the theme shows in the page's language.
            [
                (
                    "taxonomy.stories",
                    urls::taxonomy(&site.config, l, TaxonomyKind::Stories),
                ),
                (
                    "taxonomy.tags",
                    urls::taxonomy(&site.config, l, TaxonomyKind::Tags),
                ),
                (
                    "taxonomy.authors",
                    urls::taxonomy(&site.config, l, TaxonomyKind::Authors),
                ),
                ("archive", urls::archive_index(&site.config, l)),
            ]
            .into_iter()
            .map(|(k, r)| link(String::new(), Some(k), site.url(&r)))
            .collect()
        }
    }
}

fn paginate<T>(items: &[T], per: usize) -> Vec<&[T]> {
    if items.is_empty() {
        vec![&items[..0]]
    } else {
        items.chunks(per).collect()
    }
}

fn pagination(site: &Site, base: &str, current: usize, total: usize) -> Pagination {
    Pagination {
        current,
        total,
        prev: (current > 1).then(|| site.url(&urls::list_page(base, current - 1))),
        next: (current < total).then(|| site.url(&urls::list_page(base, current + 1))),
        pages: pager_numbers(current, total)
            .into_iter()
            .map(|n| (n, site.url(&urls::list_page(base, n))))
            .collect(),
    }
}

/// How many page numbers a pager shows either side of the current page.
const PAGER_REACH: usize = 2;

/// The page numbers a pager lists: the first, the last and [`PAGER_REACH`] either side of the
/// current one, in order. Listing all of them would make every page of a long list carry a link
/// to every other, and a list's pages cost the square of its length.
fn pager_numbers(current: usize, total: usize) -> Vec<usize> {
    let around = current.saturating_sub(PAGER_REACH).max(1)..=(current + PAGER_REACH).min(total);
    let mut pages: Vec<usize> = std::iter::once(1)
        .chain(around)
        .chain(std::iter::once(total))
        .filter(|&n| (1..=total).contains(&n))
        .collect();
    pages.dedup();
    pages
}

/// One page to render: which template, for what. [`jobs`] lists every page of the site.
#[derive(Debug, Clone, Copy)]
pub enum Job<'a> {
    /// The page of article `i`.
    Article(usize),
    /// Page `page` (1-based) of a language's home list.
    Home {
        /// Language code.
        lang: &'a str,
        /// 1-based page number.
        page: usize,
        /// Articles on this page.
        items: &'a [usize],
        /// Number of pages.
        total: usize,
    },
    /// The index page of a taxonomy in a language.
    Taxonomy {
        /// Which taxonomy.
        kind: TaxonomyKind,
        /// Language code.
        lang: &'a str,
    },
    /// Page `page` of a term's list in a language (the reader's language first).
    Term {
        /// The term.
        term: &'a Term,
        /// Language code.
        lang: &'a str,
        /// 1-based page number.
        page: usize,
        /// Articles on this page.
        items: &'a [usize],
        /// Number of pages.
        total: usize,
    },
    /// The 404 page of a language.
    NotFound(&'a str),
    /// Page `page` of the date archive `Site::archives[archive]`.
    Archive {
        /// Index into [`Site::archives`].
        archive: usize,
        /// 1-based page number.
        page: usize,
        /// Articles on this page.
        items: &'a [usize],
        /// Number of pages.
        total: usize,
    },
    /// A language's index of its date archives.
    ArchiveIndex(&'a str),
    /// The tombstone of `Site::tombstones[i]`.
    Tombstone(usize),
    /// A language's search page (when `[search]` is on).
    Search(&'a str),
}

/// Every page of the site, in a stable order: the order `gen build` hands them to its threads.
pub fn jobs(site: &Site) -> Vec<Job<'_>> {
    let mut jobs: Vec<Job<'_>> = (0..site.articles.len()).map(Job::Article).collect();
    for (lang, list) in &site.by_lang {
        let chunks = paginate(list, site.config.paginate);
        let total = chunks.len();
        for (n, items) in chunks.into_iter().enumerate() {
            jobs.push(Job::Home {
                lang,
                page: n + 1,
                items,
                total,
            });
        }
    }
    for l in &site.config.languages {
        let lang = l.code.as_str();
        let mut pages = Vec::new();
        for (kind, terms) in &site.taxonomies {
            jobs.push(Job::Taxonomy { kind: *kind, lang });
            for term in terms {
                let chunks = paginate(term.order(lang), site.config.paginate);
                let total = chunks.len();
                for (n, items) in chunks.into_iter().enumerate() {
                    let newest = items.iter().copied().min().unwrap_or(usize::MAX);
                    let job = Job::Term {
                        term,
                        lang,
                        page: n + 1,
                        items,
                        total,
                    };
                    pages.push((newest, job));
                }
            }
        }
        // By the newest article each page lists (articles are sorted newest first): a card
        // is the same on every term page of a language, and in this order the pages that list
        // an article render close together, while the card is still in the partial memo
        // (theme.rs). In taxonomy order they were a language's pages apart: at 100,000
        // articles the 64 MiB memo served 21 % of cards, against 79 % in this order.
        pages.sort_by_key(|&(newest, _)| newest);
        jobs.extend(pages.into_iter().map(|(_, job)| job));
    }
    for lang in site.by_lang.keys() {
        jobs.push(Job::ArchiveIndex(lang));
    }
    for (k, a) in site.archives.iter().enumerate() {
        let chunks = paginate(&a.articles, site.config.paginate);
        let total = chunks.len();
        for (n, items) in chunks.into_iter().enumerate() {
            jobs.push(Job::Archive {
                archive: k,
                page: n + 1,
                items,
                total,
            });
        }
    }
    jobs.extend((0..site.tombstones.len()).map(Job::Tombstone));
    if site.config.search.enabled {
        for l in &site.config.languages {
            jobs.push(Job::Search(&l.code));
        }
    }
    jobs.extend(
        site.config
            .languages
            .iter()
            .map(|l| Job::NotFound(l.code.as_str())),
    );
    jobs
}

/// A page named by numbers instead of borrowed data, so that it outlives the model it came
/// from: the dev server keeps one per page and, after an edit that leaves the site's shape as
/// it was, makes the few pages the edit touches without listing every page again
/// ([`JobRef::job`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobRef {
    /// [`Job::Article`].
    Article(usize),
    /// [`Job::Home`]: the language is the `lang`th key of [`Site::by_lang`].
    Home {
        /// Position of the language in `Site::by_lang`.
        lang: u32,
        /// 1-based page number.
        page: u32,
    },
    /// [`Job::Taxonomy`]: the language is the `lang`th of site.toml's.
    Taxonomy {
        /// Which taxonomy.
        kind: TaxonomyKind,
        /// Position of the language in site.toml.
        lang: u32,
    },
    /// [`Job::Term`].
    Term {
        /// Which taxonomy.
        kind: TaxonomyKind,
        /// Index of the term in its taxonomy's list.
        term: u32,
        /// Position of the language in site.toml.
        lang: u32,
        /// 1-based page number.
        page: u32,
    },
    /// [`Job::NotFound`] (a language of site.toml).
    NotFound(u32),
    /// [`Job::Archive`].
    Archive {
        /// Index into [`Site::archives`].
        archive: u32,
        /// 1-based page number.
        page: u32,
    },
    /// [`Job::ArchiveIndex`] (a key of `Site::by_lang`).
    ArchiveIndex(u32),
    /// [`Job::Tombstone`].
    Tombstone(usize),
    /// [`Job::Search`] (a language of site.toml).
    Search(u32),
}

/// Page `page` (1-based) of `list` cut into pages of `per`, and the number of pages, as
/// [`jobs`] cuts it (an empty list has one empty page).
fn page_of(list: &[usize], per: usize, page: usize) -> Option<(&[usize], usize)> {
    let total = list.len().div_ceil(per.max(1)).max(1);
    if page == 0 || page > total {
        return None;
    }
    let start = (page - 1) * per;
    Some((
        &list[start.min(list.len())..(start + per).min(list.len())],
        total,
    ))
}

/// Position of `item` in `list` when it is one of its elements (found by its address, so
/// in constant time).
pub(crate) fn index_in<T>(list: &[T], item: &T) -> Option<usize> {
    let size = std::mem::size_of::<T>().max(1);
    let k = (item as *const T as usize).wrapping_sub(list.as_ptr() as usize) / size;
    list.get(k).filter(|x| std::ptr::eq(*x, item)).map(|_| k)
}

impl JobRef {
    /// The page this names in `site`, or `None` when the site no longer has it (another
    /// shape than the one it was taken from).
    pub fn job(self, site: &Site) -> Option<Job<'_>> {
        let config_lang = |k: u32| {
            site.config
                .languages
                .get(k as usize)
                .map(|l| l.code.as_str())
        };
        let list_lang = |k: u32| site.by_lang.iter().nth(k as usize);
        let per = site.config.paginate;
        Some(match self {
            JobRef::Article(i) => (i < site.articles.len()).then_some(Job::Article(i))?,
            JobRef::Home { lang, page } => {
                let (lang, list) = list_lang(lang)?;
                let (items, total) = page_of(list, per, page as usize)?;
                Job::Home {
                    lang,
                    page: page as usize,
                    items,
                    total,
                }
            }
            JobRef::Taxonomy { kind, lang } => {
                site.taxonomies.get(&kind)?;
                Job::Taxonomy {
                    kind,
                    lang: config_lang(lang)?,
                }
            }
            JobRef::Term {
                kind,
                term,
                lang,
                page,
            } => {
                let term = site.taxonomies.get(&kind)?.get(term as usize)?;
                let lang = config_lang(lang)?;
                let (items, total) = page_of(term.order(lang), per, page as usize)?;
                Job::Term {
                    term,
                    lang,
                    page: page as usize,
                    items,
                    total,
                }
            }
            JobRef::NotFound(lang) => Job::NotFound(config_lang(lang)?),
            JobRef::Archive { archive, page } => {
                let list = &site.archives.get(archive as usize)?.articles;
                let (items, total) = page_of(list, per, page as usize)?;
                Job::Archive {
                    archive: archive as usize,
                    page: page as usize,
                    items,
                    total,
                }
            }
            JobRef::ArchiveIndex(lang) => Job::ArchiveIndex(list_lang(lang)?.0),
            JobRef::Tombstone(i) => (i < site.tombstones.len()).then_some(Job::Tombstone(i))?,
            JobRef::Search(lang) => Job::Search(config_lang(lang)?),
        })
    }
}

impl Job<'_> {
    /// The numbers that name this page of `site` ([`JobRef::job`] gives it back), or `None`
    /// when its data is not the site's own (a job made by hand).
    pub fn to_ref(&self, site: &Site) -> Option<JobRef> {
        let config_lang = |code: &str| {
            site.config
                .languages
                .iter()
                .position(|l| l.code == code)
                .map(|k| k as u32)
        };
        let list_lang = |code: &str| {
            site.by_lang
                .keys()
                .position(|l| l == code)
                .map(|k| k as u32)
        };
        Some(match self {
            Job::Article(i) => JobRef::Article(*i),
            Job::Home { lang, page, .. } => JobRef::Home {
                lang: list_lang(lang)?,
                page: *page as u32,
            },
            Job::Taxonomy { kind, lang } => JobRef::Taxonomy {
                kind: *kind,
                lang: config_lang(lang)?,
            },
            Job::Term {
                term, lang, page, ..
            } => JobRef::Term {
                kind: term.kind,
                term: index_in(site.taxonomies.get(&term.kind)?, *term)? as u32,
                lang: config_lang(lang)?,
                page: *page as u32,
            },
            Job::NotFound(lang) => JobRef::NotFound(config_lang(lang)?),
            Job::Archive { archive, page, .. } => JobRef::Archive {
                archive: *archive as u32,
                page: *page as u32,
            },
            Job::ArchiveIndex(lang) => JobRef::ArchiveIndex(list_lang(lang)?),
            Job::Tombstone(i) => JobRef::Tombstone(*i),
            Job::Search(lang) => JobRef::Search(config_lang(lang)?),
        })
    }

    /// What kind of page this is.
    pub fn kind(&self) -> PageKind {
        match self {
            Job::Article(_) => PageKind::Article,
            Job::Home { .. } => PageKind::Home,
            Job::Taxonomy { .. } => PageKind::Taxonomy,
            Job::Term { .. } => PageKind::Term,
            Job::NotFound(_) => PageKind::NotFound,
            Job::Archive { .. } | Job::ArchiveIndex(_) => PageKind::Archive,
            Job::Tombstone(_) => PageKind::Tombstone,
            Job::Search(_) => PageKind::Search,
        }
    }

    /// Site-relative folder (or `.html` file) of the page.
    pub fn rel(&self, site: &Site) -> String {
        match self {
            Job::Article(i) => site.articles[*i].rel.clone(),
            Job::Home { lang, page, .. } => urls::list_page(&urls::home(&site.config, lang), *page),
            Job::Taxonomy { kind, lang } => urls::taxonomy(&site.config, lang, *kind),
            Job::Term {
                term, lang, page, ..
            } => urls::list_page(&site.term_rel(term, lang), *page),
            Job::NotFound(lang) => urls::not_found(&site.config, lang),
            Job::Archive { archive, page, .. } => {
                urls::list_page(&site.archives[*archive].rel, *page)
            }
            Job::ArchiveIndex(lang) => urls::archive_index(&site.config, lang),
            Job::Tombstone(i) => site.tombstones[*i].rel.clone(),
            Job::Search(lang) => urls::search(&site.config, lang),
        }
    }

    /// The file the page is written to (`2021/12/08/slug/index.html`, `404.html`).
    pub fn output_rel(&self, site: &Site) -> String {
        urls::page_file(&self.rel(site))
    }
}

/// Files of article `i`'s page bundle: (output path, source file).
pub fn article_assets(site: &Site, i: usize) -> Vec<(String, std::path::PathBuf)> {
    let a = &site.articles[i];
    let Some(dir) = a.doc.file.abs.parent() else {
        return Vec::new();
    };
    a.doc
        .file
        .assets
        .iter()
        .map(|asset| (urls::asset(&a.rel, asset), dir.join(asset)))
        .collect()
}

/// What `article.html` receives.
#[derive(Debug, Serialize)]
pub struct ArticleContext<'a> {
    /// Page-level data.
    pub page: PageView<'a>,
    /// The page's language code (same as `page.lang`).
    pub lang: &'a str,
    /// The article.
    pub article: ArticleView<'a>,
}

/// What `home.html` receives: one page of a language's newest articles; the first page also
/// gets the front page's parts (see [`crate::front`]).
#[derive(Debug, Serialize)]
pub struct HomeContext<'a> {
    /// Page-level data.
    pub page: PageView<'a>,
    /// The page's language code.
    pub lang: &'a str,
    /// The articles of this page, newest first.
    pub cards: Vec<Card<'a>>,
    /// First page: the lead (pinned, else the newest).
    pub lead: Option<Card<'a>>,
    /// First page: the articles after the lead.
    pub latest: Vec<Card<'a>>,
    /// First page: a block per active running story.
    pub stories: Vec<StoryBlock<'a>>,
    /// First page: "Most recent" headlines.
    pub recent: Vec<Card<'a>>,
    /// Page numbers.
    pub pagination: Pagination,
}

/// What `taxonomy.html` receives: every term of one taxonomy.
#[derive(Debug, Serialize)]
pub struct TaxonomyContext<'a> {
    /// Page-level data.
    pub page: PageView<'a>,
    /// The page's language code.
    pub lang: &'a str,
    /// `authors`, `translators`, `outlets`, `tags` or `stories`.
    pub taxonomy: TaxonomyKind,
    /// The terms, by name.
    pub terms: Vec<TermSummary<'a>>,
}

/// What `term.html` receives: one page of a term's articles.
#[derive(Debug, Serialize)]
pub struct TermContext<'a> {
    /// Page-level data.
    pub page: PageView<'a>,
    /// The page's language code.
    pub lang: &'a str,
    /// `authors`, `translators`, `outlets`, `tags` or `stories`.
    pub taxonomy: TaxonomyKind,
    /// The taxonomy's index page in the page's language.
    pub taxonomy_url: String,
    /// The term.
    pub term: TermSummary<'a>,
    /// How many of the term's articles are in the page's language: they come first, the
    /// others after them.
    pub in_language: usize,
    /// Where in `cards` the articles in other languages start, when on this page and after
    /// at least one in the page's language (the theme puts a heading there).
    pub other_from: Option<usize>,
    /// For authors and translators: the person.
    pub person: Option<PersonView<'a>>,
    /// The articles of this page, newest first.
    pub cards: Vec<Card<'a>>,
    /// Page numbers.
    pub pagination: Pagination,
}

/// A running story on the front page.
#[derive(Debug, Serialize)]
pub struct StoryBlock<'a> {
    /// The story: name in the page's language, its page there, how many articles.
    pub story: TermSummary<'a>,
    /// Its newest articles not shown above, the page's language first.
    pub cards: Vec<Card<'a>>,
}

/// An entry of the header's menu.
#[derive(Debug, Serialize)]
pub struct MenuLink {
    /// Link text from site.toml (empty for the default menu's entries).
    pub name: String,
    /// The UI string to show instead (`taxonomy.stories`, `archive`…), for the default menu.
    pub key: Option<&'static str>,
    /// URL.
    pub url: String,
    /// It is the page itself, or the page is under it.
    pub current: bool,
}

/// A period of the date archive, linked.
#[derive(Debug, Serialize)]
pub struct PeriodLink {
    /// `year`, `month` or `day`.
    pub level: &'static str,
    /// `2026`, `2026-05` or `2026-05-20` (for `<time datetime>` and the `period_label`
    /// filter).
    pub iso: String,
    /// The period's name in the page's language ("May 2026").
    pub label: String,
    /// URL of its first page.
    pub url: String,
    /// Number of articles.
    pub count: usize,
}

/// What `archive.html` receives: one page of a period's articles, or (with no `period`) the
/// language's index of every year and month.
#[derive(Debug, Serialize)]
pub struct ArchiveContext<'a> {
    /// Page-level data.
    pub page: PageView<'a>,
    /// The page's language code.
    pub lang: &'a str,
    /// The period; none on the index.
    pub period: Option<PeriodLink>,
    /// The periods around it: the year of a month, the year and month of a day.
    pub parents: Vec<PeriodLink>,
    /// The periods within it (the months of a year, the days of a month); on the index, every
    /// year, newest first.
    pub within: Vec<PeriodLink>,
    /// The previous period of the same kind with articles (older).
    pub prev: Option<PeriodLink>,
    /// The next period of the same kind with articles (newer).
    pub next: Option<PeriodLink>,
    /// The articles of this page, newest first (none on the index).
    pub cards: Vec<Card<'a>>,
    /// Page numbers (one page on the index).
    pub pagination: Pagination,
}

/// What `tombstone.html` receives: the notice at the URL of a taken-down article.
#[derive(Debug, Serialize)]
pub struct TombstoneContext<'a> {
    /// Page-level data.
    pub page: PageView<'a>,
    /// The page's language code (the article's).
    pub lang: &'a str,
    /// `legal`, `retracted` or `other`.
    pub reason: crate::content::TakedownReason,
    /// When it was taken down (RFC 3339).
    pub date: String,
    /// The note for readers.
    pub note: Option<&'a str>,
}

/// What `search.html` receives: the page the search field submits to; `js/search.js` does
/// the searching.
#[derive(Debug, Serialize)]
pub struct SearchContext<'a> {
    /// Page-level data.
    pub page: PageView<'a>,
    /// The page's language code.
    pub lang: &'a str,
    /// Root-relative URL of the index folder (`/news/search-index/`), for the script.
    pub index_url: String,
    /// Languages the index holds: code and name, the page's language first.
    pub languages: Vec<LanguageLink<'a>>,
}

/// What `404.html` receives.
#[derive(Debug, Serialize)]
pub struct NotFoundContext<'a> {
    /// Page-level data.
    pub page: PageView<'a>,
    /// The page's language code.
    pub lang: &'a str,
}

fn article_context(site: &Site, i: usize) -> ArticleContext<'_> {
    let a = &site.articles[i];
    let article = article_view(site, i);
    let mut page = page_view(
        site,
        PageKind::Article,
        a.lang(),
        &a.rel,
        a.doc.meta.title.clone(),
        Some(article.summary.to_string()),
    );
    page.set_alternates(site, site.alternates(i));
    page.meta = crate::meta::article_meta(site, i);
    page.feeds = feed_links(
        site,
        &urls::home(&site.config, a.lang()),
        &site.config.title,
    );
    ArticleContext {
        page,
        lang: a.lang(),
        article,
    }
}

fn home_context<'a>(
    site: &'a Site,
    theme: &Theme,
    lang: &'a str,
    n: usize,
    items: &[usize],
    total: usize,
) -> HomeContext<'a> {
    let base = urls::home(&site.config, lang);
    let rel = urls::list_page(&base, n);
    let l = site.config.language(lang);
    let title = l
        .and_then(|l| l.title.clone())
        .unwrap_or_else(|| site.config.title.clone());
    let description = l
        .and_then(|l| l.description.clone())
        .or_else(|| site.config.description.clone());
    let mut page = page_view(site, PageKind::Home, lang, &rel, title.clone(), description);
    page.feeds = feed_links(site, &base, &title);
    if site.config.languages.len() > 1 {
        // The whole site, every language, for readers of more than one.
        page.feeds.extend(feed_links(
            site,
            urls::ALL_FEEDS,
            &format!(
                "{} — {}",
                site.config.title,
                ui(theme, lang, "all_languages")
            ),
        ));
    }
    if n == 1 {
        page.set_alternates(site, site.home_alternates());
    }
    let front = if n == 1 {
        crate::front::front(site, lang)
    } else {
        crate::front::Front::default()
    };
    let cards_of =
        |list: &[usize]| -> Vec<Card<'a>> { list.iter().map(|&i| card(site, i, lang)).collect() };
    HomeContext {
        page,
        lang,
        cards: cards_of(items),
        lead: front.lead.map(|i| card(site, i, lang)),
        latest: cards_of(&front.latest),
        stories: front
            .stories
            .iter()
            .map(|(k, list)| StoryBlock {
                story: term_summary(site, &site.taxonomies[&TaxonomyKind::Stories][*k], lang),
                cards: cards_of(list),
            })
            .collect(),
        recent: cards_of(&front.recent),
        pagination: pagination(site, &base, n, total),
    }
}

/// A term as a list shows it in `lang`: its name there (people by their name in that
/// language) and its page there.
fn term_summary<'a>(site: &'a Site, t: &'a Term, lang: &str) -> TermSummary<'a> {
    TermSummary {
        name: term_name(site, t, lang),
        url: site.url(&site.term_rel(t, lang)),
        count: t.articles.len(),
    }
}

/// The name of a term in `lang`.
pub fn term_name<'a>(site: &'a Site, t: &'a Term, lang: &str) -> &'a str {
    match t.person {
        Some(p) => site.people.get(p).display_name(lang),
        None => site.people.terms.display(t.kind, &t.name, lang),
    }
}

fn taxonomy_context<'a>(site: &'a Site, kind: TaxonomyKind, lang: &'a str) -> TaxonomyContext<'a> {
    let mut terms: Vec<TermSummary<'_>> = site.taxonomies[&kind]
        .iter()
        .map(|t| term_summary(site, t, lang))
        .collect();
    terms.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.name.cmp(b.name))
    });
    let mut page = page_view(
        site,
        PageKind::Taxonomy,
        lang,
        &urls::taxonomy(&site.config, lang, kind),
        kind.name().to_string(),
        None,
    );
    page.set_alternates(
        site,
        site.language_alternates(|l| urls::taxonomy(&site.config, l, kind)),
    );
    TaxonomyContext {
        page,
        lang,
        taxonomy: kind,
        terms,
    }
}

fn term_context<'a>(
    site: &'a Site,
    term: &'a Term,
    lang: &'a str,
    n: usize,
    items: &[usize],
    total: usize,
) -> TermContext<'a> {
    let base = site.term_rel(term, lang);
    let rel = urls::list_page(&base, n);
    let name = term_name(site, term, lang);
    let in_language = term.in_language(lang);
    let mut page = page_view(site, PageKind::Term, lang, &rel, name.to_string(), None);
    if crate::feeds::term_feed_langs(site, term).contains(&lang) {
        page.feeds = feed_links(
            site,
            &base,
            &format!("{name} — {}", crate::meta::site_name(site, lang)),
        );
    }
    if n == 1 {
        page.set_alternates(site, site.language_alternates(|l| site.term_rel(term, l)));
    }
    let person = term.person.map(|idx| {
        let p = site.people.get(idx);
        PersonView {
            name: p.display_name(lang),
            names: &p.names,
            bio: p.bio_in(lang),
            links: &p.links,
            photo: p.photo.as_ref().map(|ph| match site.images.person(idx) {
                Some(pic) => PhotoView {
                    src: site.config.url(&pic.fallback().rel),
                    srcset: pic.srcset(&site.config),
                },
                None => PhotoView {
                    src: urls::image(&site.config, "", ph),
                    srcset: String::new(),
                },
            }),
        }
    });
    TermContext {
        page,
        lang,
        taxonomy: term.kind,
        taxonomy_url: site.url(&urls::taxonomy(&site.config, lang, term.kind)),
        term: term_summary(site, term, lang),
        in_language,
        other_from: {
            let start = (n - 1) * site.config.paginate;
            (in_language > 0 && in_language >= start && in_language - start < items.len())
                .then(|| in_language - start)
                .filter(|&k| k > 0 || n > 1)
        },
        person,
        cards: items.iter().map(|&i| card(site, i, lang)).collect(),
        pagination: pagination(site, &base, n, total),
    }
}

fn search_context<'a>(site: &'a Site, theme: &Theme, lang: &'a str) -> SearchContext<'a> {
    let rel = urls::search(&site.config, lang);
    let page = page_view(
        site,
        PageKind::Search,
        lang,
        &rel,
        ui(theme, lang, "search.title"),
        None,
    );
    let mut languages: Vec<LanguageLink<'a>> = page
        .languages
        .iter()
        .filter(|l| site.config.search.indexes(l.code))
        .map(|l| LanguageLink {
            code: l.code,
            name: l.name,
            url: l.url.clone(),
            href: l.href.clone(),
            dir: l.dir,
        })
        .collect();
    languages.sort_by_key(|l| l.code != lang);
    SearchContext {
        page,
        lang,
        index_url: site.url(urls::SEARCH_INDEX),
        languages,
    }
}

fn not_found_context<'a>(site: &'a Site, lang: &'a str) -> NotFoundContext<'a> {
    NotFoundContext {
        page: page_view(
            site,
            PageKind::NotFound,
            lang,
            &urls::not_found(&site.config, lang),
            "404".into(),
            None,
        ),
        lang,
    }
}

fn period_link(site: &Site, theme: &Theme, lang: &str, k: usize) -> PeriodLink {
    let a = &site.archives[k];
    let iso = a.period.iso();
    PeriodLink {
        level: a.period.level(),
        label: theme
            .locales
            .period_label(lang, &iso)
            .unwrap_or(iso.clone()),
        iso,
        url: site.url(&a.rel),
        count: a.articles.len(),
    }
}

fn archive_context<'a>(
    site: &'a Site,
    theme: &Theme,
    k: usize,
    n: usize,
    items: &[usize],
    total: usize,
) -> ArchiveContext<'a> {
    let a = &site.archives[k];
    let lang = site
        .by_lang
        .keys()
        .find(|l| **l == a.lang)
        .map(String::as_str)
        .unwrap_or(site.config.default_language.as_str());
    let period = period_link(site, theme, lang, k);
    let rel = urls::list_page(&a.rel, n);
    let title = period.label.clone();
    let page = page_view(site, PageKind::Archive, lang, &rel, title, None);
    let links = crate::archives::links(&site.archives, k);
    let linked = |list: &[usize]| -> Vec<PeriodLink> {
        list.iter()
            .map(|&j| period_link(site, theme, lang, j))
            .collect()
    };
    ArchiveContext {
        page,
        lang,
        period: Some(period),
        parents: linked(&links.parents),
        within: linked(&links.within),
        prev: links.prev.map(|j| period_link(site, theme, lang, j)),
        next: links.next.map(|j| period_link(site, theme, lang, j)),
        cards: items.iter().map(|&i| card(site, i, lang)).collect(),
        pagination: pagination(site, &a.rel, n, total),
    }
}

fn archive_index_context<'a>(site: &'a Site, theme: &Theme, lang: &'a str) -> ArchiveContext<'a> {
    let rel = urls::archive_index(&site.config, lang);
    let title = ui(theme, lang, "archive");
    let page = page_view(site, PageKind::Archive, lang, &rel, title, None);
    let mut within: Vec<PeriodLink> = site
        .archives
        .iter()
        .enumerate()
        .filter(|(_, a)| a.lang == lang && a.period.level() == "year")
        .map(|(j, _)| period_link(site, theme, lang, j))
        .collect();
    within.reverse();
    ArchiveContext {
        page,
        lang,
        period: None,
        parents: Vec::new(),
        within,
        prev: None,
        next: None,
        cards: Vec::new(),
        pagination: pagination(site, &rel, 1, 1),
    }
}

/// A plain UI string of the theme (the key itself when missing: `gen build -v` lists those).
fn ui(theme: &Theme, lang: &str, key: &str) -> String {
    match theme.strings.get(lang, key) {
        Some(crate::theme::Entry::Text(t)) => t.clone(),
        _ => key.to_string(),
    }
}

fn tombstone_context<'a>(site: &'a Site, theme: &Theme, i: usize) -> TombstoneContext<'a> {
    let t = &site.tombstones[i];
    let lang = t.doc.meta.lang.as_str();
    let key = format!("takedown.{}", t.takedown.reason.name());
    let mut page = page_view(
        site,
        PageKind::Tombstone,
        lang,
        &t.rel,
        ui(theme, lang, &key),
        None,
    );
    // Nothing of the article is shared or indexed.
    page.meta = crate::meta::Meta::default();
    page.robots = Some("noindex");
    TombstoneContext {
        page,
        lang,
        reason: t.takedown.reason,
        date: t.takedown.date.rfc3339(),
        note: t.takedown.note.as_deref(),
    }
}

/// Renders one page with its template; the HTML as the template wrote it (not minified), as
/// UTF-8 bytes.
pub fn render_page(site: &Site, theme: &Theme, job: &Job<'_>) -> Result<Vec<u8>> {
    let ctx = page_context(site, theme, job)?;
    theme.render_bytes(job.kind().template(), &ctx, &site.url(&job.rel(site)))
}

/// What the template of `job` receives (besides `site`): the typed context of its kind of
/// page. `tests/docs.rs` checks that the theme guide documents every field of it.
pub fn page_context(site: &Site, theme: &Theme, job: &Job<'_>) -> Result<tera::Context> {
    let mut ctx = kind_context(site, theme, job)?;
    // Every context has `lang`; `ui` is its UI strings (Theme::ui).
    if let Some(ui) = ctx
        .get("lang")
        .and_then(|l| l.as_str())
        .map(|l| theme.ui(l))
    {
        ctx.insert_value("ui", ui);
    }
    Ok(ctx)
}

fn kind_context(site: &Site, theme: &Theme, job: &Job<'_>) -> Result<tera::Context> {
    Ok(match job {
        Job::Article(i) => {
            let mut c = article_context(site, *i);
            let r = &site.articles[*i].rendered;
            if !r.blocks.is_empty() {
                let drawn = crate::shortcodes::expand(
                    &c.article.body,
                    &r.blocks,
                    theme,
                    c.lang,
                    &site.url(&job.rel(site)),
                )?;
                // Photos the shortcodes show (gallery, embed stills) point at their variants too.
                c.article.body = std::borrow::Cow::Owned(
                    site.images
                        .body_html(&site.config, *i, &drawn, true)
                        .into_owned(),
                );
            }
            context(&c)?
        }
        Job::Home {
            lang,
            page,
            items,
            total,
        } => context(&home_context(site, theme, lang, *page, items, *total))?,
        Job::Taxonomy { kind, lang } => context(&taxonomy_context(site, *kind, lang))?,
        Job::Term {
            term,
            lang,
            page,
            items,
            total,
        } => context(&term_context(site, term, lang, *page, items, *total))?,
        Job::NotFound(lang) => context(&not_found_context(site, lang))?,
        Job::Archive {
            archive,
            page,
            items,
            total,
        } => context(&archive_context(
            site, theme, *archive, *page, items, *total,
        ))?,
        Job::ArchiveIndex(lang) => context(&archive_index_context(site, theme, lang))?,
        Job::Tombstone(i) => context(&tombstone_context(site, theme, *i))?,
        Job::Search(lang) => context(&search_context(site, theme, lang))?,
    })
}

/// Tera's context from a context struct.
fn context<T: Serialize>(value: &T) -> Result<tera::Context> {
    tera::Context::from_serialize(value)
        .map_err(|e| Error::Internal(format!("template context: {e}")))
}

/// Article `i`'s body HTML (unpacked) with its images pointing at their variants
/// ([`crate::images::Gallery::body_html`]).
pub fn body_html(site: &Site, i: usize, responsive: bool) -> String {
    let html = site.articles[i].rendered.html();
    match site.images.body_html(&site.config, i, &html, responsive) {
        std::borrow::Cow::Owned(s) => s,
        std::borrow::Cow::Borrowed(_) => html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pager_lists_the_ends_and_the_pages_near_the_current_one() {
        assert_eq!(pager_numbers(1, 1), [1]);
        assert_eq!(pager_numbers(2, 3), [1, 2, 3]);
        assert_eq!(pager_numbers(1, 100), [1, 2, 3, 100]);
        assert_eq!(pager_numbers(50, 100), [1, 48, 49, 50, 51, 52, 100]);
        assert_eq!(pager_numbers(99, 100), [1, 97, 98, 99, 100]);
        assert_eq!(pager_numbers(4, 7), [1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn a_page_of_a_list_is_the_chunk_jobs_cut() {
        let list: Vec<usize> = (0..50).collect();
        for len in 0..=list.len() {
            for per in 1..8 {
                let chunks = paginate(&list[..len], per);
                for (n, chunk) in chunks.iter().enumerate() {
                    assert_eq!(
                        page_of(&list[..len], per, n + 1),
                        Some((*chunk, chunks.len())),
                        "{len} items, {per} a page, page {}",
                        n + 1
                    );
                }
                assert_eq!(page_of(&list[..len], per, 0), None);
                assert_eq!(page_of(&list[..len], per, chunks.len() + 1), None);
            }
        }
    }

    #[test]
    fn an_element_is_found_by_its_address_and_nothing_else_is() {
        let list = vec![String::from("a"), String::from("b"), String::from("c")];
        for (k, item) in list.iter().enumerate() {
            assert_eq!(index_in(&list, item), Some(k));
        }
        let equal = String::from("b");
        assert_eq!(index_in(&list, &equal), None);
        assert_eq!(index_in(&list[..1], &list[2]), None);
    }

    #[test]
    fn share_links_encode_everything() {
        let links = share_links(
            &["telegram".into(), "email".into()],
            "https://e.org/a?b=1#c",
            "Tom & \"Jerry\" #1 — Привет 🎉",
        );
        let t = &links[0].href;
        assert!(
            t.starts_with("https://t.me/share/url?url=https%3A%2F%2Fe.org%2Fa%3Fb%3D1%23c&text="),
            "{t}"
        );
        assert!(t.contains("Tom%20%26%20%22Jerry%22%20%231"));
        assert!(t.contains("%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82"));
        assert!(t.contains("%F0%9F%8E%89"));
        assert!(links[1].href.starts_with("mailto:?subject="));
    }
}
