//! Pages: which pages the site has (articles, home pages, taxonomy pages, 404), the typed views
//! templates receive, and rendering them in parallel into a [`Sink`].
//!
//! Views borrow from the frozen [`Site`]; list pages get cards, never article bodies.

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Direction;
use crate::diagnostics::{Diagnostic, Error, Result};
use crate::output::Sink;
use crate::site::{Article, Related, Site, TaxonomyKind, Term};
use crate::theme::Theme;

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
#[derive(Debug, Serialize)]
pub struct PersonRef<'a> {
    /// Name in the page's language.
    pub name: &'a str,
    /// Their page.
    pub url: String,
}

/// A named link (tag, story, outlet).
#[derive(Debug, Serialize)]
pub struct TermRef<'a> {
    /// Name.
    pub name: &'a str,
    /// Its page.
    pub url: String,
}

/// The image of an article or card.
#[derive(Debug, Serialize)]
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
}

/// An article in a list or a related-reading card.
#[derive(Debug, Serialize)]
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
    /// Language code.
    pub lang: &'a str,
    /// Body HTML.
    pub body: &'a str,
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
    /// Every page: number and URL.
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
    pub photo: Option<String>,
}

/// Page-level data every template gets.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    /// `article`, `home`, `taxonomy`, `term`, `404`.
    pub kind: &'static str,
    /// Language code of the page.
    pub lang: &'a str,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
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
    /// Share metadata (Open Graph, Twitter card, JSON-LD) for `partials/meta.html`.
    pub meta: crate::meta::Meta,
}

/// An hreflang alternate.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    /// BCP 47 code, or `x-default`.
    pub hreflang: String,
    /// Absolute URL.
    pub href: String,
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
    /// `ltr` or `rtl`.
    pub dir: &'static str,
}

fn dir_of(site: &Site, lang: &str) -> &'static str {
    match site.config.language(lang).map(|l| l.direction()) {
        Some(Direction::Rtl) => "rtl",
        _ => "ltr",
    }
}

/// Site-relative folder of a paginated list's page `n`.
pub fn page_rel(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// Site-relative folder of a language's home page.
pub fn home_rel(site: &Site, lang: &str) -> String {
    site.config.lang_prefix(lang)
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
                url: site.url(&format!("{}/{}/", kind.name(), person.slug)),
            }
        })
        .collect()
}

fn term_ref<'a>(site: &Site, kind: TaxonomyKind, name: &'a str) -> TermRef<'a> {
    TermRef {
        name,
        url: site.url(&format!(
            "{}/{}/",
            kind.name(),
            crate::slug::slugify_ascii(name)
        )),
    }
}

/// URL of an article's image: relative sources live beside the page (bundles).
fn image_view<'a>(site: &Site, a: &'a Article) -> Option<ImageView<'a>> {
    let img = a.doc.meta.image.as_ref()?;
    let src = if img.src.contains("://") || img.src.starts_with('/') {
        if img.src.starts_with('/') {
            site.url(&img.src)
        } else {
            img.src.clone()
        }
    } else {
        site.url(&format!("{}{}", a.rel, img.src))
    };
    let abs = if src.contains("://") {
        src.clone()
    } else {
        format!(
            "{}{}",
            site.config
                .base_url
                .trim_end_matches(&site.config.base_path[..])
                .trim_end_matches('/'),
            src
        )
    };
    Some(ImageView {
        src,
        abs,
        alt: &img.alt,
        caption: img.caption.as_deref(),
        credit: img.credit.as_deref(),
        width: img.width,
        height: img.height,
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
        story: m
            .story
            .as_deref()
            .map(|s| term_ref(site, TaxonomyKind::Stories, s)),
        image: image_view(site, a),
        authors: person_refs(site, &a.authors, TaxonomyKind::Authors, lang),
        translators: person_refs(site, &a.translators, TaxonomyKind::Translators, lang),
        external: false,
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
            story: None,
            image: None,
            authors: Vec::new(),
            translators: Vec::new(),
            external: true,
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
        let rank = |i: usize| {
            site.config
                .languages
                .iter()
                .position(|l| l.code == site.articles[i].lang())
                .unwrap_or(usize::MAX)
        };
        all.sort_by_key(|&j| (rank(j), j));
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
        lang,
        body: &a.rendered.html,
        word_count: a.rendered.word_count,
        reading_minutes: a.rendered.reading_minutes(),
        authors: person_refs(site, &a.authors, TaxonomyKind::Authors, lang),
        translators: person_refs(site, &a.translators, TaxonomyKind::Translators, lang),
        source: m.source.as_ref().map(|s| SourceView {
            name: &s.name,
            url: &s.url,
            lang: s.lang.as_deref(),
            published: s.published.map(|d| d.rfc3339()),
            outlet_url: site.url(&format!("outlets/{}/", crate::slug::slugify_ascii(&s.name))),
        }),
        tags: m
            .tags
            .iter()
            .map(|t| term_ref(site, TaxonomyKind::Tags, t))
            .collect(),
        story: m
            .story
            .as_deref()
            .map(|s| term_ref(site, TaxonomyKind::Stories, s)),
        image: image_view(site, a),
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
        .map(|l| LanguageLink {
            code: &l.code,
            name: &l.name,
            url: site.url(&home_rel(site, &l.code)),
            dir: if l.direction() == Direction::Rtl {
                "rtl"
            } else {
                "ltr"
            },
        })
        .collect()
}

/// Feed links of a list: RSS, Atom and JSON Feed at `<rel>rss.xml`, `atom.xml`, `feed.json`.
pub fn feed_links(site: &Site, rel: &str, title: &str) -> Vec<FeedLink> {
    vec![
        FeedLink {
            mime: "application/rss+xml",
            title: format!("{title} (RSS)"),
            href: site.url(&format!("{rel}rss.xml")),
        },
        FeedLink {
            mime: "application/atom+xml",
            title: format!("{title} (Atom)"),
            href: site.url(&format!("{rel}atom.xml")),
        },
        FeedLink {
            mime: "application/feed+json",
            title: format!("{title} (JSON Feed)"),
            href: site.url(&format!("{rel}feed.json")),
        },
    ]
}

fn page_view<'a>(
    site: &'a Site,
    kind: &'static str,
    lang: &'a str,
    rel: &str,
    title: String,
    description: Option<String>,
) -> PageView<'a> {
    let permalink = site.config.abs_url(rel);
    let meta = crate::meta::site_meta(site, kind, lang, &title, description.as_deref(), &permalink);
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
        meta,
    }
}

/// hreflang alternates of an article: every version, itself included, and x-default (the
/// original when it is in the group, else the default language's version, else the first).
pub fn alternates(site: &Site, i: usize) -> Vec<Alternate> {
    let a = &site.articles[i];
    if a.translations.is_empty() {
        return Vec::new();
    }
    let mut group: Vec<usize> = a.translations.iter().copied().chain([i]).collect();
    let rank = |j: usize| {
        site.config
            .languages
            .iter()
            .position(|l| l.code == site.articles[j].lang())
            .unwrap_or(usize::MAX)
    };
    group.sort_by_key(|&j| (rank(j), j));
    let x_default = group
        .iter()
        .copied()
        .find(|&j| {
            site.articles[j].original.is_none()
                && group.iter().any(|&k| site.articles[k].original == Some(j))
        })
        .or_else(|| {
            group
                .iter()
                .copied()
                .find(|&j| site.articles[j].lang() == site.config.default_language)
        })
        .unwrap_or(group[0]);
    let mut out: Vec<Alternate> = group
        .iter()
        .map(|&j| Alternate {
            hreflang: site.articles[j].lang().to_string(),
            href: site.config.abs_url(&site.articles[j].rel),
        })
        .collect();
    out.push(Alternate {
        hreflang: "x-default".into(),
        href: site.config.abs_url(&site.articles[x_default].rel),
    });
    out
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
        prev: (current > 1).then(|| site.url(&page_rel(base, current - 1))),
        next: (current < total).then(|| site.url(&page_rel(base, current + 1))),
        pages: (1..=total)
            .map(|n| (n, site.url(&page_rel(base, n))))
            .collect(),
    }
}

/// Every page to render: template, output folder, and how to build its context.
enum Job<'a> {
    Article(usize),
    Home {
        lang: &'a str,
        page: usize,
        items: &'a [usize],
        total: usize,
    },
    Taxonomy(TaxonomyKind),
    Term {
        term: &'a Term,
        page: usize,
        items: &'a [usize],
        total: usize,
    },
    NotFound,
}

/// Renders every HTML page of the site into `sink`; returns how many pages.
pub fn render_pages(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    transform: &(dyn Fn(String) -> Vec<u8> + Sync),
) -> Result<usize> {
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
    for (kind, terms) in &site.taxonomies {
        jobs.push(Job::Taxonomy(*kind));
        for term in terms {
            let chunks = paginate(&term.articles, site.config.paginate);
            let total = chunks.len();
            for (n, items) in chunks.into_iter().enumerate() {
                jobs.push(Job::Term {
                    term,
                    page: n + 1,
                    items,
                    total,
                });
            }
        }
    }
    jobs.push(Job::NotFound);

    let errors: Vec<Error> = jobs
        .par_iter()
        .filter_map(|job| render_job(site, theme, sink, transform, job).err())
        .collect();
    if !errors.is_empty() {
        let mut list: Vec<Diagnostic> = errors.iter().flat_map(Error::diagnostics).collect();
        crate::diagnostics::sort(&mut list);
        list.dedup_by(|a, b| {
            a.path == b.path
                && a.line == b.line
                && a.message.split(" (while").next() == b.message.split(" (while").next()
        });
        return Err(Error::Content(list));
    }
    Ok(jobs.len())
}

fn render_job(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    transform: &(dyn Fn(String) -> Vec<u8> + Sync),
    job: &Job<'_>,
) -> Result<()> {
    let mut ctx = tera::Context::new();
    let default_lang = site.config.default_language.as_str();
    let (template, rel, page) = match job {
        Job::Article(i) => {
            let a = &site.articles[*i];
            let view = article_view(site, *i);
            let mut page = page_view(
                site,
                "article",
                a.lang(),
                &a.rel,
                a.doc.meta.title.clone(),
                Some(view.summary.to_string()),
            );
            page.alternates = alternates(site, *i);
            page.meta = crate::meta::article_meta(site, *i);
            page.feeds = feed_links(site, &home_rel(site, a.lang()), &site.config.title);
            ctx.insert("article", &view);
            for asset in &a.doc.file.assets {
                let Some(dir) = a.doc.file.abs.parent() else {
                    continue;
                };
                let rel = format!("{}{}", a.rel, asset.to_string_lossy().replace('\\', "/"));
                sink.copy(&rel, &dir.join(asset))?;
            }
            ("article.html", a.rel.clone(), page)
        }
        Job::Home {
            lang,
            page: n,
            items,
            total,
        } => {
            let base = home_rel(site, lang);
            let rel = page_rel(&base, *n);
            let l = site.config.language(lang);
            let title = l
                .and_then(|l| l.title.clone())
                .unwrap_or_else(|| site.config.title.clone());
            let description = l
                .and_then(|l| l.description.clone())
                .or_else(|| site.config.description.clone());
            let mut page = page_view(site, "home", lang, &rel, title.clone(), description);
            page.feeds = feed_links(site, &base, &title);
            if *n == 1 {
                page.alternates = crate::sitemap::home_alternates(site);
            }
            let cards: Vec<Card<'_>> = items.iter().map(|&i| card(site, i, lang)).collect();
            ctx.insert("cards", &cards);
            ctx.insert("pagination", &pagination(site, &base, *n, *total));
            ("home.html", rel, page)
        }
        Job::Taxonomy(kind) => {
            let rel = format!("{}/", kind.name());
            let terms = &site.taxonomies[kind];
            let mut list: Vec<TermSummary<'_>> = terms
                .iter()
                .map(|t| TermSummary {
                    name: &t.name,
                    url: site.url(&t.rel),
                    count: t.articles.len(),
                })
                .collect();
            list.sort_by(|a, b| {
                a.name
                    .to_lowercase()
                    .cmp(&b.name.to_lowercase())
                    .then(a.name.cmp(b.name))
            });
            let page = page_view(
                site,
                "taxonomy",
                default_lang,
                &rel,
                kind.name().to_string(),
                None,
            );
            ctx.insert("taxonomy", kind.name());
            ctx.insert("terms", &list);
            ("taxonomy.html", rel, page)
        }
        Job::Term {
            term,
            page: n,
            items,
            total,
        } => {
            let rel = page_rel(&term.rel, *n);
            let mut page = page_view(site, "term", default_lang, &rel, term.name.clone(), None);
            page.feeds = feed_links(
                site,
                &term.rel,
                &format!("{} — {}", term.name, site.config.title),
            );
            let cards: Vec<Card<'_>> = items.iter().map(|&i| card(site, i, default_lang)).collect();
            let person = term.person.map(|p| {
                let p = site.people.get(p);
                PersonView {
                    name: &p.name,
                    names: &p.names,
                    bio: p.bio_in(default_lang),
                    links: &p.links,
                    photo: p.photo.as_ref().map(|ph| {
                        if ph.contains("://") {
                            ph.clone()
                        } else {
                            site.url(ph)
                        }
                    }),
                }
            });
            ctx.insert("taxonomy", term.kind.name());
            ctx.insert(
                "term",
                &TermSummary {
                    name: &term.name,
                    url: site.url(&term.rel),
                    count: term.articles.len(),
                },
            );
            ctx.insert("person", &person);
            ctx.insert("cards", &cards);
            ctx.insert("pagination", &pagination(site, &term.rel, *n, *total));
            ("term.html", rel, page)
        }
        Job::NotFound => {
            let page = page_view(site, "404", default_lang, "404.html", "404".into(), None);
            ("404.html", "404.html".to_string(), page)
        }
    };
    ctx.insert("page", &page);
    ctx.insert("lang", page.lang);
    let html = theme.render(template, &ctx, &page.url)?;
    let out_rel = if rel.ends_with(".html") {
        rel
    } else {
        format!("{rel}index.html")
    };
    sink.write(&out_rel, &transform(html))
}

#[cfg(test)]
mod tests {
    use super::*;

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
