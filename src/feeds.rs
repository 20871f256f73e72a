//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for each language, the whole site, and each
//! author, translator, outlet, tag and story.
//!
//! Where they are written: `<rel>rss.xml`, `<rel>atom.xml`, `<rel>feed.json`, where `rel` is
//! what the pages announce (named by [`crate::urls::feed`]): a language's home folder (`""` for
//! the default language unless it is prefixed, `ru/`…) and a term's folder
//! (`authors/ivan-petrov/`). The whole site, every language together, is at `all/`, because the
//! root already belongs to the default language's home page and its feed.
//!
//! Credits: authors are the feeds' authors (`dc:creator`, Atom `author`, JSON Feed `authors`).
//! Translators are named as contributors: Dublin Core `dc:contributor` in RSS (the DC element
//! for "an entity responsible for making contributions to the resource", from the namespace
//! `dc:creator` already uses, so no new vocabulary and no misuse of `category`, which readers
//! show as a topic), Atom `contributor`, and a `_gen` extension object in JSON Feed, which has
//! no contributor field. The `_gen` object also carries the source, kicker and story.
//!
//! Items: the newest `feeds.limit` (0 means all) of the feed's articles; full text when
//! `feeds.full_text`, with every URL in it made absolute (readers resolve relative URLs against
//! the feed, not the article), else the summary. Dates are RFC 822 in RSS and RFC 3339 in Atom
//! and JSON Feed. Every URL is absolute. XML is written with quick-xml's writer; text is cleaned
//! of characters XML 1.0 cannot hold.

use std::borrow::Cow;
use std::io;
use std::sync::OnceLock;

use quick_xml::Writer;
use quick_xml::events::BytesText;

use crate::content::Source;
use crate::dates::DateTime;
use crate::diagnostics::{Error, Result};
use crate::meta::{ShareImage, article_image, last_modified, person_url, term_url};
use crate::site::{Site, TaxonomyKind, Term};
use crate::urls::{self, FeedFormat};
use crate::xml::{decl, text_el, xml_text};

const NS_ATOM: &str = "http://www.w3.org/2005/Atom";
const NS_DC: &str = "http://purl.org/dc/elements/1.1/";
const NS_CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";
const GENERATOR: &str = "gen";

/// One feed: which articles, where, and what it is called.
#[derive(Debug, Clone)]
pub struct FeedSpec {
    /// Folder the three files go in (`""`, `ru/`, `tags/water/`).
    pub rel: String,
    /// Title.
    pub title: String,
    /// Description (RSS requires one).
    pub description: String,
    /// Language of every item, for a language's feed.
    pub lang: Option<String>,
    /// Absolute URL of the HTML page the feed belongs to.
    pub page: String,
    /// Article indices, newest first (all of them; the limit is applied when writing).
    pub articles: Vec<usize>,
}

/// Every feed of the site.
pub fn specs(site: &Site) -> Vec<FeedSpec> {
    let c = &site.config;
    let site_description = c.description.clone().unwrap_or_else(|| c.title.clone());
    let mut out = Vec::new();
    for l in &c.languages {
        let rel = urls::home(c, &l.code);
        out.push(FeedSpec {
            title: crate::meta::site_name(site, &l.code),
            description: l
                .description
                .clone()
                .unwrap_or_else(|| site_description.clone()),
            lang: Some(l.code.clone()),
            page: c.abs_url(&rel),
            articles: site.by_lang.get(&l.code).cloned().unwrap_or_default(),
            rel,
        });
    }
    out.push(FeedSpec {
        rel: urls::ALL_FEEDS.to_string(),
        title: c.title.clone(),
        description: site_description.clone(),
        lang: None,
        page: c.abs_url(""),
        articles: (0..site.articles.len()).collect(),
    });
    for terms in site.taxonomies.values() {
        for t in terms {
            for lang in term_feed_langs(site, t) {
                let rel = site.term_rel(t, lang);
                let title = format!(
                    "{} — {}",
                    crate::render::term_name(site, t, lang),
                    crate::meta::site_name(site, lang)
                );
                out.push(FeedSpec {
                    description: title.clone(),
                    title,
                    lang: Some(lang.to_string()),
                    page: c.abs_url(&rel),
                    articles: t
                        .articles
                        .iter()
                        .copied()
                        .filter(|&i| site.articles[i].lang() == lang)
                        .collect(),
                    rel,
                });
            }
        }
    }
    out
}

/// The languages a term has a feed in: those of its articles, in site.toml's order. A term's
/// feed in a language lists its articles in that language (a reader subscribes to a story in
/// the language they read); its page there lists the others too.
pub fn term_feed_langs<'s>(site: &'s Site, t: &Term) -> Vec<&'s str> {
    site.config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .filter(|&l| t.in_language(l) > 0)
        .collect()
}

/// A person credited in an item.
#[derive(Debug, Clone)]
struct Credit {
    name: String,
    url: String,
}

/// What every format needs of one article; computed once per article, on first use.
#[derive(Debug)]
struct Item<'a> {
    url: String,
    /// The identity readers' feed apps know the item by: the URL it was first published at,
    /// kept when its slug changes (a new id would show the article twice).
    id: String,
    title: &'a str,
    kicker: Option<&'a str>,
    summary: &'a str,
    /// Body with absolute URLs, when feeds carry full text.
    html: Option<String>,
    published: crate::dates::DateTime,
    modified: crate::dates::DateTime,
    lang: &'a str,
    authors: Vec<Credit>,
    translators: Vec<Credit>,
    tags: &'a [String],
    story: Option<(&'a str, String)>,
    image: Option<ShareImage>,
    source: Option<&'a Source>,
}

/// Item data of every article, computed on first use and shared by every feed.
pub struct Items<'a> {
    site: &'a Site,
    cache: Vec<OnceLock<Item<'a>>>,
}

impl<'a> Items<'a> {
    /// No item computed yet.
    pub fn new(site: &'a Site) -> Self {
        Items {
            site,
            cache: (0..site.articles.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    fn get(&self, i: usize) -> &Item<'a> {
        self.cache[i].get_or_init(|| item(self.site, i))
    }
}

fn item(site: &Site, i: usize) -> Item<'_> {
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let lang = a.lang();
    let url = site.config.abs_url(&a.rel);
    let credits = |ids: &[usize], kind| {
        ids.iter()
            .map(|&p| Credit {
                name: site.people.get(p).display_name(lang).to_string(),
                url: person_url(site, kind, p, lang),
            })
            .collect()
    };
    Item {
        html: site.config.feeds.full_text.then(|| {
            let body = crate::render::body_html(site, i, false);
            let html = crate::shortcodes::expand_plain(&body, &a.rendered.blocks);
            let html = site.images.body_html(&site.config, i, &html, false);
            absolutize_html(&html, &url, &crate::meta::origin(site))
        }),
        id: a
            .first_rel
            .as_ref()
            .map_or_else(|| url.clone(), |r| site.config.abs_url(r)),
        url,
        title: &m.title,
        kicker: m.kicker.as_deref(),
        summary: m
            .description
            .as_deref()
            .unwrap_or(&a.rendered.first_paragraph),
        published: m.date,
        modified: last_modified(a),
        lang,
        authors: credits(&a.authors, TaxonomyKind::Authors),
        translators: credits(&a.translators, TaxonomyKind::Translators),
        tags: &m.tags,
        story: m
            .story
            .as_deref()
            .map(|s| (s, term_url(site, TaxonomyKind::Stories, s, lang))),
        image: article_image(site, i),
        source: m.source.as_ref(),
    }
}

/// The articles of a feed after `feeds.limit` (0 = no limit).
pub fn limited(site: &Site, spec: &FeedSpec) -> Vec<usize> {
    let limit = site.config.feeds.limit;
    let n = if limit == 0 {
        spec.articles.len()
    } else {
        limit.min(spec.articles.len())
    };
    spec.articles[..n].to_vec()
}

/// The newest change among the items, else the newest in the site, else the epoch: feeds must
/// carry an update time, and it must not be the wall clock, or every build would differ.
fn feed_updated(site: &Site, items: &[&Item<'_>]) -> DateTime {
    let newest = if items.is_empty() {
        site.articles.iter().map(last_modified).max()
    } else {
        items.iter().map(|it| it.modified).max()
    };
    newest.unwrap_or(DateTime {
        ts: jiff::Timestamp::UNIX_EPOCH,
        offset: jiff::tz::Offset::UTC,
        date_only: false,
    })
}

/// One feed file's bytes: `format` of `spec`, with the items' data from `items`.
pub fn feed(
    site: &Site,
    items: &Items<'_>,
    spec: &FeedSpec,
    format: FeedFormat,
) -> Result<Vec<u8>> {
    let chosen: Vec<&Item<'_>> = limited(site, spec)
        .into_iter()
        .map(|i| items.get(i))
        .collect();
    let io_err = |e: io::Error| Error::Internal(format!("writing a feed: {e}"));
    match format {
        FeedFormat::Rss => rss(site, spec, &chosen).map_err(io_err),
        FeedFormat::Atom => atom(site, spec, &chosen).map_err(io_err),
        FeedFormat::Json => Ok(json_feed(site, spec, &chosen)),
    }
}

fn rss(site: &Site, spec: &FeedSpec, items: &[&Item<'_>]) -> io::Result<Vec<u8>> {
    let self_url = site.config.abs_url(&urls::feed(&spec.rel, FeedFormat::Rss));
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    decl(&mut w)?;
    w.create_element("rss")
        .with_attributes([
            ("version", "2.0"),
            ("xmlns:atom", NS_ATOM),
            ("xmlns:dc", NS_DC),
            ("xmlns:content", NS_CONTENT),
        ])
        .write_inner_content(|w| {
            w.create_element("channel").write_inner_content(|w| {
                text_el(w, "title", &spec.title)?;
                text_el(w, "link", &spec.page)?;
                text_el(w, "description", &spec.description)?;
                if let Some(l) = &spec.lang {
                    text_el(w, "language", l)?;
                }
                text_el(w, "generator", GENERATOR)?;
                text_el(w, "lastBuildDate", &feed_updated(site, items).rfc2822())?;
                w.create_element("atom:link")
                    .with_attributes([
                        ("href", self_url.as_str()),
                        ("rel", "self"),
                        ("type", "application/rss+xml"),
                    ])
                    .write_empty()?;
                for it in items {
                    w.create_element("item").write_inner_content(|w| {
                        text_el(w, "title", it.title)?;
                        text_el(w, "link", &it.url)?;
                        // The first URL redirects to the article, so it stays a permalink.
                        w.create_element("guid")
                            .with_attribute(("isPermaLink", "true"))
                            .write_text_content(BytesText::new(&xml_text(&it.id)))?;
                        text_el(w, "pubDate", &it.published.rfc2822())?;
                        if it.modified != it.published {
                            text_el(w, "atom:updated", &it.modified.rfc3339())?;
                        }
                        for a in &it.authors {
                            text_el(w, "dc:creator", &a.name)?;
                        }
                        for t in &it.translators {
                            text_el(w, "dc:contributor", &t.name)?;
                        }
                        text_el(w, "dc:language", it.lang)?;
                        for t in it.tags {
                            text_el(w, "category", t)?;
                        }
                        if let Some((story, url)) = &it.story {
                            w.create_element("category")
                                .with_attribute(("domain", url.as_str()))
                                .write_text_content(BytesText::new(&xml_text(story)))?;
                        }
                        text_el(
                            w,
                            "description",
                            &crate::diagnostics::escape_html(it.summary),
                        )?;
                        if let Some(html) = &it.html {
                            text_el(w, "content:encoded", html)?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

fn atom_person<W: io::Write>(w: &mut Writer<W>, el: &str, c: &Credit) -> io::Result<()> {
    w.create_element(el).write_inner_content(|w| {
        text_el(w, "name", &c.name)?;
        text_el(w, "uri", &c.url)
    })?;
    Ok(())
}

fn atom(site: &Site, spec: &FeedSpec, items: &[&Item<'_>]) -> io::Result<Vec<u8>> {
    let self_url = site
        .config
        .abs_url(&urls::feed(&spec.rel, FeedFormat::Atom));
    let publisher = Credit {
        name: site
            .config
            .publisher
            .name
            .clone()
            .unwrap_or_else(|| site.config.title.clone()),
        url: site
            .config
            .publisher
            .url
            .clone()
            .unwrap_or_else(|| site.config.base_url.clone()),
    };
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    decl(&mut w)?;
    let mut root = w.create_element("feed").with_attribute(("xmlns", NS_ATOM));
    if let Some(l) = &spec.lang {
        root = root.with_attribute(("xml:lang", l.as_str()));
    }
    root.write_inner_content(|w| {
        w.create_element("title")
            .with_attribute(("type", "text"))
            .write_text_content(BytesText::new(&xml_text(&spec.title)))?;
        text_el(w, "subtitle", &spec.description)?;
        text_el(w, "id", &self_url)?;
        w.create_element("link")
            .with_attributes([
                ("rel", "self"),
                ("type", "application/atom+xml"),
                ("href", self_url.as_str()),
            ])
            .write_empty()?;
        w.create_element("link")
            .with_attributes([
                ("rel", "alternate"),
                ("type", "text/html"),
                ("href", spec.page.as_str()),
            ])
            .write_empty()?;
        text_el(w, "updated", &feed_updated(site, items).rfc3339())?;
        // Atom requires an author for every entry; the feed's covers entries without one.
        atom_person(w, "author", &publisher)?;
        text_el(w, "generator", GENERATOR)?;
        if let Some(logo) = crate::meta::logo_url(site) {
            text_el(w, "logo", &logo)?;
        }
        for it in items {
            w.create_element("entry")
                .with_attribute(("xml:lang", it.lang))
                .write_inner_content(|w| {
                    w.create_element("title")
                        .with_attribute(("type", "text"))
                        .write_text_content(BytesText::new(&xml_text(it.title)))?;
                    text_el(w, "id", &it.id)?;
                    w.create_element("link")
                        .with_attributes([
                            ("rel", "alternate"),
                            ("type", "text/html"),
                            ("href", it.url.as_str()),
                        ])
                        .write_empty()?;
                    text_el(w, "published", &it.published.rfc3339())?;
                    text_el(w, "updated", &it.modified.rfc3339())?;
                    for a in &it.authors {
                        atom_person(w, "author", a)?;
                    }
                    for t in &it.translators {
                        atom_person(w, "contributor", t)?;
                    }
                    for t in it.tags {
                        w.create_element("category")
                            .with_attribute(("term", xml_text(t).as_ref()))
                            .write_empty()?;
                    }
                    if let Some((story, url)) = &it.story {
                        w.create_element("category")
                            .with_attributes([
                                ("term", xml_text(story).as_ref()),
                                ("scheme", url.as_str()),
                            ])
                            .write_empty()?;
                    }
                    w.create_element("summary")
                        .with_attribute(("type", "text"))
                        .write_text_content(BytesText::new(&xml_text(it.summary)))?;
                    if let Some(html) = &it.html {
                        w.create_element("content")
                            .with_attribute(("type", "html"))
                            .write_text_content(BytesText::new(&xml_text(html)))?;
                    }
                    Ok(())
                })?;
        }
        Ok(())
    })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

/// JSON Feed 1.1, typed so the keys come out in the spec's order.
mod jf {
    use serde::Serialize;

    #[derive(Serialize)]
    pub struct Feed<'a> {
        pub version: &'static str,
        pub title: &'a str,
        pub home_page_url: &'a str,
        pub feed_url: String,
        pub description: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub language: Option<&'a str>,
        pub items: Vec<Item<'a>>,
    }

    #[derive(Serialize)]
    pub struct Person<'a> {
        pub name: &'a str,
        pub url: &'a str,
    }

    #[derive(Serialize)]
    pub struct Item<'a> {
        pub id: &'a str,
        pub url: &'a str,
        pub title: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub content_html: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub content_text: Option<&'a str>,
        pub summary: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub image: Option<&'a str>,
        pub date_published: String,
        pub date_modified: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub authors: Vec<Person<'a>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<&'a str>,
        pub language: &'a str,
        /// gen's extension: what JSON Feed has no field for.
        #[serde(rename = "_gen", skip_serializing_if = "Ext::is_empty")]
        pub ext: Ext<'a>,
    }

    #[derive(Serialize)]
    pub struct Ext<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub kicker: Option<&'a str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub translators: Vec<Person<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source: Option<Source<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub story: Option<Person<'a>>,
    }

    impl Ext<'_> {
        pub fn is_empty(&self) -> bool {
            self.kicker.is_none()
                && self.translators.is_empty()
                && self.source.is_none()
                && self.story.is_none()
        }
    }

    #[derive(Serialize)]
    pub struct Source<'a> {
        pub name: &'a str,
        pub url: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub language: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub date_published: Option<String>,
    }
}

fn json_feed(site: &Site, spec: &FeedSpec, items: &[&Item<'_>]) -> Vec<u8> {
    fn person(c: &Credit) -> jf::Person<'_> {
        jf::Person {
            name: &c.name,
            url: &c.url,
        }
    }
    let feed = jf::Feed {
        version: "https://jsonfeed.org/version/1.1",
        title: &spec.title,
        home_page_url: &spec.page,
        feed_url: site
            .config
            .abs_url(&urls::feed(&spec.rel, FeedFormat::Json)),
        description: &spec.description,
        language: spec.lang.as_deref(),
        items: items
            .iter()
            .map(|it| jf::Item {
                id: &it.id,
                url: &it.url,
                title: it.title,
                content_html: it.html.as_deref(),
                content_text: it.html.is_none().then_some(it.summary),
                summary: it.summary,
                image: it.image.as_ref().map(|i| i.url.as_str()),
                date_published: it.published.rfc3339(),
                date_modified: it.modified.rfc3339(),
                authors: it.authors.iter().map(person).collect(),
                tags: it.tags.iter().map(String::as_str).collect(),
                language: it.lang,
                ext: jf::Ext {
                    kicker: it.kicker,
                    translators: it.translators.iter().map(person).collect(),
                    source: it.source.map(|s| jf::Source {
                        name: &s.name,
                        url: &s.url,
                        language: s.lang.as_deref(),
                        date_published: s.published.map(|p| p.rfc3339()),
                    }),
                    story: it.story.as_ref().map(|(name, url)| jf::Person {
                        name,
                        url: url.as_str(),
                    }),
                },
            })
            .collect(),
    };
    let mut out = serde_json::to_vec_pretty(&feed).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Makes every URL in `href`, `src`, `srcset`, `poster` and `cite` attributes absolute:
/// root-relative ones (`/news/x/`) against the site's origin, relative ones (`map.png`,
/// `#fn1`) against the article's URL. Everything else is copied byte for byte.
///
/// Written by hand rather than with an HTML parser: the input is the Markdown renderer's own
/// output (attributes always quoted, values already escaped), and a parser would re-serialize
/// every element. The scanner still copes with raw HTML an author let through: single-quoted
/// and unquoted values, comments, and `<script>`/`<style>` bodies, which it copies untouched.
pub fn absolutize_html(html: &str, page: &str, origin: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let lt = i + off;
        out.push_str(&html[i..lt]);
        i = lt;
        if html[i..].starts_with("<!--") {
            let end = html[i + 4..]
                .find("-->")
                .map_or(html.len(), |e| i + 4 + e + 3);
            out.push_str(&html[i..end]);
            i = end;
            continue;
        }
        let name_start = i + 1;
        let mut j = name_start;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == name_start {
            // `</x>`, `<!DOCTYPE>`, or a stray `<`: copy to the end of the tag.
            let end = html[i..].find('>').map_or(html.len(), |e| i + e + 1);
            out.push_str(&html[i..end]);
            i = end;
            continue;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        out.push_str(&html[i..j]);
        i = j;
        // Attributes.
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                out.push(b[i] as char);
                i += 1;
            }
            if i >= b.len() {
                break;
            }
            if b[i] == b'>' {
                out.push('>');
                i += 1;
                break;
            }
            if b[i] == b'/' {
                out.push('/');
                i += 1;
                continue;
            }
            let an_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            if i == an_start {
                // Not an attribute name character we understand: copy it and move on.
                let c = html[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
                continue;
            }
            let attr = html[an_start..i].to_ascii_lowercase();
            out.push_str(&html[an_start..i]);
            let mut k = i;
            while k < b.len() && b[k].is_ascii_whitespace() {
                k += 1;
            }
            if k >= b.len() || b[k] != b'=' {
                continue;
            }
            out.push_str(&html[i..=k]);
            i = k + 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                out.push(b[i] as char);
                i += 1;
            }
            let (quote, v_start) = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => (Some(q as char), i + 1),
                _ => (None, i),
            };
            let v_end = match quote {
                Some(q) => html[v_start..].find(q).map_or(html.len(), |e| v_start + e),
                None => {
                    let mut e = v_start;
                    while e < b.len() && !b[e].is_ascii_whitespace() && b[e] != b'>' {
                        e += 1;
                    }
                    e
                }
            };
            let value = &html[v_start..v_end];
            let new = match attr.as_str() {
                "href" | "src" | "poster" | "cite" | "action" => absolute_url(value, page, origin),
                "srcset" => Cow::Owned(absolute_srcset(value, page, origin)),
                _ => Cow::Borrowed(value),
            };
            if let Some(q) = quote {
                out.push(q);
                out.push_str(&new);
                if v_end < html.len() {
                    out.push(q);
                }
                i = (v_end + 1).min(html.len());
            } else {
                out.push_str(&new);
                i = v_end;
            }
        }
        // Raw text elements: copy their body as is, up to the closing tag.
        if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            let close = format!("</{name}");
            let end = html[i..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(html.len(), |e| i + e);
            out.push_str(&html[i..end]);
            i = end;
        }
    }
    out.push_str(&html[i..]);
    out
}

/// Absolute form of one URL (as written in an attribute, entities and all).
fn absolute_url<'v>(value: &'v str, page: &str, origin: &str) -> Cow<'v, str> {
    let v = value.trim_start();
    if v.is_empty() || v.starts_with("//") || has_scheme(v) {
        Cow::Borrowed(value)
    } else if v.starts_with('/') {
        Cow::Owned(format!("{origin}{v}"))
    } else {
        Cow::Owned(format!("{page}{v}"))
    }
}

fn has_scheme(v: &str) -> bool {
    let Some(colon) = v.find(':') else {
        return false;
    };
    let scheme = &v[..colon];
    scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn absolute_srcset(value: &str, page: &str, origin: &str) -> String {
    value
        .split(',')
        .map(|cand| {
            let t = cand.trim();
            match t.split_once(char::is_whitespace) {
                Some((u, d)) => format!("{} {}", absolute_url(u, page, origin), d.trim()),
                None => absolute_url(t, page, origin).into_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://e.org/news/2026/03/09/a/";
    const ORIGIN: &str = "https://e.org";

    #[test]
    fn urls_in_full_text_become_absolute() {
        let html = r##"<p><a href="/news/tags/x/">x</a> <a href="https://o.net/y">y</a> <a href="#fn1">1</a> <a href="mailto:a@b.c">m</a></p><figure class="figure"><img src="map.png" alt="a &quot;b&quot;" loading="lazy"></figure><img src='/news/i.png' srcset="/a.png 1x, b.png 2x"><a href=/u>u</a><!-- <a href="/c"> --><script>var s = "<a href='/z'>";</script>"##;
        let out = absolutize_html(html, PAGE, ORIGIN);
        assert!(
            out.contains(r#"href="https://e.org/news/tags/x/""#),
            "{out}"
        );
        assert!(out.contains(r#"href="https://o.net/y""#));
        assert!(out.contains(r#"href="https://e.org/news/2026/03/09/a/#fn1""#));
        assert!(out.contains(r#"href="mailto:a@b.c""#));
        assert!(
            out.contains(r#"src="https://e.org/news/2026/03/09/a/map.png" alt="a &quot;b&quot;""#)
        );
        assert!(out.contains(r#"src='https://e.org/news/i.png'"#));
        assert!(out.contains(
            r#"srcset="https://e.org/a.png 1x, https://e.org/news/2026/03/09/a/b.png 2x""#
        ));
        assert!(out.contains("href=https://e.org/u>"));
        assert!(
            out.contains(r#"<!-- <a href="/c"> -->"#),
            "comments untouched"
        );
        assert!(
            out.contains(r#"var s = "<a href='/z'>";"#),
            "script bodies untouched"
        );
    }

    #[test]
    fn absolutize_never_panics_on_broken_html() {
        for s in [
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href=\"",
            "<a href='x",
            "<!--",
            "</",
            "<a =x>",
            "<é href=x>",
            "<a href=\"é\"",
            "<script>",
            "<a\u{0}b>",
        ] {
            let _ = absolutize_html(s, PAGE, ORIGIN);
        }
    }
}
