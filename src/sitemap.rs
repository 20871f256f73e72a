//! Sitemaps for search engines: `sitemap.xml` with `xhtml:link` hreflang alternates and
//! `lastmod` (split into a sitemap index and numbered files past the protocol's limits), the
//! Google News sitemap `news-sitemap.xml` of the last two days, and `robots.txt` naming both.
//!
//! hreflang alternates are the same clusters the pages' `<head>` carries
//! ([`Site::alternates`] for articles, [`Site::home_alternates`] for home pages): only
//! versions this site publishes, each listing itself, every other version and `x-default`.
//!
//! The build time is passed in ([`news_sitemap`]'s `now`), so tests can fix it; [`build_time`]
//! honours `SOURCE_DATE_EPOCH`, the reproducible-builds convention for "the time of this build".

use std::io::{self, Write};

use jiff::{SignedDuration, Timestamp};
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, Event};

use crate::dates::DateTime;
use crate::diagnostics::{Error, Result};
use crate::meta::last_modified;
use crate::site::{Alternate, Site};
use crate::urls;
use crate::xml::{decl, text_el};

const NS_SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NS_XHTML: &str = "http://www.w3.org/1999/xhtml";
const NS_NEWS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// How big one sitemap file may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// URLs per file (the protocol allows 50,000).
    pub urls: usize,
    /// Bytes per file, uncompressed (the protocol allows 50 MiB).
    pub bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            urls: 50_000,
            bytes: 50 * 1024 * 1024,
        }
    }
}

/// Google News lists articles of the last two days only.
pub const NEWS_WINDOW: SignedDuration = SignedDuration::from_hours(48);
/// Google News reads at most 1,000 URLs from one news sitemap.
pub const NEWS_MAX: usize = 1000;

/// The time this build happened: `SOURCE_DATE_EPOCH` (seconds) when set and valid, else now.
pub fn build_time() -> Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok())
        .unwrap_or_else(Timestamp::now)
}

/// One `<url>` as [`each_entry`] hands it over: the language versions of a page share one
/// list of alternates, so a large archive's sitemap is never held whole.
#[derive(Debug, Clone, Copy)]
pub struct UrlRef<'a> {
    /// Absolute URL.
    pub loc: &'a str,
    /// Last change.
    pub lastmod: Option<DateTime>,
    /// hreflang alternates (empty when the page has no other language versions).
    pub alternates: &'a [Alternate],
}

fn newest(site: &Site, list: &[usize]) -> Option<DateTime> {
    list.iter().map(|&i| last_modified(&site.articles[i])).max()
}

/// Every URL the sitemap lists, one at a time, in order: home pages, articles, taxonomy indexes
/// and term pages (first pages of lists only; the later pages hold nothing the first pages and
/// articles do not). Stops at the first error `f` returns.
pub fn each_entry<E>(site: &Site, mut f: impl FnMut(UrlRef<'_>) -> Result<(), E>) -> Result<(), E> {
    let c = &site.config;
    let homes = site.home_alternates();
    for l in &c.languages {
        let list = site.by_lang.get(&l.code).map(Vec::as_slice).unwrap_or(&[]);
        f(UrlRef {
            loc: &c.abs_url(&urls::home(c, &l.code)),
            lastmod: newest(site, list),
            alternates: &homes,
        })?;
    }
    for (i, a) in site.articles.iter().enumerate() {
        f(UrlRef {
            loc: &c.abs_url(&a.rel),
            lastmod: Some(last_modified(a)),
            alternates: &site.alternates(i),
        })?;
    }
    // Taxonomy indexes and term pages exist in every language, linked as one cluster each.
    for (kind, terms) in &site.taxonomies {
        if terms.is_empty() {
            continue;
        }
        let lastmod = terms.iter().filter_map(|t| newest(site, &t.articles)).max();
        let index = site.language_alternates(|l| urls::taxonomy(c, l, *kind));
        for l in &c.languages {
            f(UrlRef {
                loc: &c.abs_url(&urls::taxonomy(c, &l.code, *kind)),
                lastmod,
                alternates: &index,
            })?;
        }
        for t in terms {
            let cluster = site.language_alternates(|l| site.term_rel(t, l));
            let lastmod = newest(site, &t.articles);
            for l in &c.languages {
                f(UrlRef {
                    loc: &c.abs_url(&site.term_rel(t, &l.code)),
                    lastmod,
                    alternates: &cluster,
                })?;
            }
        }
    }
    Ok(())
}

fn io_err(e: io::Error) -> Error {
    Error::Internal(format!("writing a sitemap: {e}"))
}

/// One `<url>` element, serialized on its own so files can be cut by size.
fn url_xml(e: UrlRef<'_>, out: Vec<u8>) -> io::Result<Vec<u8>> {
    let mut w = Writer::new(out);
    w.create_element("url").write_inner_content(|w| {
        text_el(w, "loc", e.loc)?;
        if let Some(m) = e.lastmod {
            text_el(w, "lastmod", &m.rfc3339())?;
        }
        for a in e.alternates {
            w.create_element("xhtml:link")
                .with_attributes([
                    ("rel", "alternate"),
                    ("hreflang", a.hreflang.as_str()),
                    ("href", a.href.as_str()),
                ])
                .write_empty()?;
        }
        Ok(())
    })?;
    Ok(w.into_inner())
}

/// The start of every `<urlset>` file, up to its first `<url>`.
fn urlset_head() -> io::Result<Vec<u8>> {
    let mut w = Writer::new(Vec::new());
    decl(&mut w)?;
    w.get_mut().write_all(b"\n")?;
    let start = BytesStart::new("urlset")
        .with_attributes([("xmlns", NS_SITEMAP), ("xmlns:xhtml", NS_XHTML)]);
    w.write_event(Event::Start(start))?;
    Ok(w.into_inner())
}

/// Closes a `<urlset>` file begun with [`urlset_head`].
fn urlset_end(file: Vec<u8>) -> io::Result<Vec<u8>> {
    let mut w = Writer::new(file);
    w.get_mut().write_all(b"\n")?;
    w.write_event(Event::End(BytesEnd::new("urlset")))?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

/// The sitemap files: `[("sitemap.xml", urlset)]`, or past the limits `sitemap.xml` as a
/// sitemap index over `sitemap-1.xml`, `sitemap-2.xml`…
pub fn sitemap_files(site: &Site, limits: Limits) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    each_sitemap_file(site, limits, |rel, bytes| {
        files.push((rel, bytes));
        Ok(())
    })?;
    // The index, made last, first.
    files.rotate_right(1);
    Ok(files)
}

/// Makes [`sitemap_files`] one file at a time and hands each to `emit` as soon as it is
/// complete (the index last), so that at most two files' bytes are held at once.
pub fn each_sitemap_file(
    site: &Site,
    limits: Limits,
    mut emit: impl FnMut(String, Vec<u8>) -> Result<()>,
) -> Result<()> {
    // Room for the declaration, the <urlset> tags and the newlines.
    let overhead = 256;
    let head = urlset_head().map_err(io_err)?;
    struct Chunk {
        file: Vec<u8>,
        urls: usize,
        bytes: usize,
        lastmod: Option<DateTime>,
    }
    let fresh = || Chunk {
        file: head.clone(),
        urls: 0,
        bytes: overhead,
        lastmod: None,
    };
    let mut chunk = fresh();
    // The lastmod of every numbered file emitted, for the index.
    let mut done: Vec<Option<DateTime>> = Vec::new();
    let mut part = Vec::new();
    each_entry(site, |e| {
        part.clear();
        part = url_xml(e, std::mem::take(&mut part)).map_err(io_err)?;
        let full = chunk.urls >= limits.urls.max(1)
            || (chunk.urls > 0 && chunk.bytes + part.len() + 1 > limits.bytes);
        if full {
            let c = std::mem::replace(&mut chunk, fresh());
            done.push(c.lastmod);
            emit(
                format!("sitemap-{}.xml", done.len()),
                urlset_end(c.file).map_err(io_err)?,
            )?;
        }
        chunk.file.push(b'\n');
        chunk.file.extend_from_slice(&part);
        chunk.urls += 1;
        chunk.bytes += part.len() + 1;
        chunk.lastmod = chunk.lastmod.max(e.lastmod);
        Ok(())
    })?;
    if done.is_empty() {
        return emit(
            urls::SITEMAP.into(),
            urlset_end(chunk.file).map_err(io_err)?,
        );
    }
    done.push(chunk.lastmod);
    emit(
        format!("sitemap-{}.xml", done.len()),
        urlset_end(chunk.file).map_err(io_err)?,
    )?;
    let mut index = Writer::new_with_indent(Vec::new(), b' ', 2);
    decl(&mut index).map_err(io_err)?;
    index
        .create_element("sitemapindex")
        .with_attribute(("xmlns", NS_SITEMAP))
        .write_inner_content(|w| {
            for (n, lastmod) in done.iter().enumerate() {
                let name = format!("sitemap-{}.xml", n + 1);
                w.create_element("sitemap").write_inner_content(|w| {
                    text_el(w, "loc", &site.config.abs_url(&name))?;
                    if let Some(m) = lastmod {
                        text_el(w, "lastmod", &m.rfc3339())?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })
        .map_err(io_err)?;
    let mut idx = index.into_inner();
    idx.push(b'\n');
    emit(urls::SITEMAP.to_string(), idx)
}

/// `news:language`: an ISO 639 code, with Google's two exceptions `zh-cn` and `zh-tw`.
pub fn news_language(lang: &str) -> String {
    let lower = lang.to_ascii_lowercase();
    let mut parts = lower.split(['-', '_']);
    let primary = parts.next().unwrap_or("").to_string();
    if primary == "zh" {
        let traditional = parts.any(|p| matches!(p, "hant" | "tw" | "hk" | "mo"));
        return if traditional { "zh-tw" } else { "zh-cn" }.into();
    }
    primary
}

/// The articles the news sitemap lists at `now`: published in the two days before it (or
/// later), newest first, at most [`NEWS_MAX`].
pub fn news_articles(site: &Site, now: Timestamp) -> Vec<usize> {
    let since = now.checked_sub(NEWS_WINDOW).unwrap_or(Timestamp::MIN);
    (0..site.articles.len())
        .filter(|&i| site.articles[i].doc.meta.date.ts >= since)
        .take(NEWS_MAX)
        .collect()
}

/// The Google News sitemap: articles published in the two days before `now` (and any dated
/// after it, which are live already: gen publishes what it builds), newest first, at most
/// [`NEWS_MAX`]. With none it is an empty, valid `<urlset>`.
pub fn news_sitemap(site: &Site, now: Timestamp) -> Result<Vec<u8>> {
    let recent = news_articles(site, now);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    decl(&mut w).map_err(io_err)?;
    w.create_element("urlset")
        .with_attributes([("xmlns", NS_SITEMAP), ("xmlns:news", NS_NEWS)])
        .write_inner_content(|w| {
            for &i in &recent {
                let a = &site.articles[i];
                w.create_element("url").write_inner_content(|w| {
                    text_el(w, "loc", &site.config.abs_url(&a.rel))?;
                    w.create_element("news:news").write_inner_content(|w| {
                        w.create_element("news:publication")
                            .write_inner_content(|w| {
                                text_el(w, "news:name", &crate::meta::site_name(site, a.lang()))?;
                                text_el(w, "news:language", &news_language(a.lang()))
                            })?;
                        text_el(w, "news:publication_date", &a.doc.meta.date.rfc3339())?;
                        text_el(w, "news:title", &a.doc.meta.title)
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })
        .map_err(io_err)?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

/// `robots.txt`: everything may be crawled; both sitemaps named by absolute URL.
pub fn robots_txt(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        site.config.abs_url(urls::SITEMAP),
        site.config.abs_url(urls::NEWS_SITEMAP)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_languages() {
        assert_eq!(news_language("pt-BR"), "pt");
        assert_eq!(news_language("zh-Hant"), "zh-tw");
        assert_eq!(news_language("zh"), "zh-cn");
        assert_eq!(news_language("uk"), "uk");
    }
}
