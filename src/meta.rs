//! Share metadata: what social networks, search engines and aggregators read in a page's
//! `<head>`. Open Graph and Twitter card tags for every page, and for articles the schema.org
//! `NewsArticle` as JSON-LD that describes a translation as a translation: the translator
//! credited (never folded into `author`), the original linked (`translationOfWork`,
//! `isBasedOn`, `sourceOrganization`).
//!
//! Values are plain strings here; the theme escapes them into attributes. The JSON-LD is the
//! one value the theme must not escape (HTML entities are not decoded inside `<script>`), so it
//! is serialized here with `<`, `>` and `&` written as `\u003c`, `\u003e` and `\u0026`: nothing
//! from front matter can close the `<script>` element or open a comment.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::dates::DateTime;
use crate::site::{Article, Site, TaxonomyKind};

/// One `<meta>` tag: `property`/`name` and `content`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Tag {
    /// `og:title`, `article:tag`, `twitter:card`…
    pub key: String,
    /// The value, unescaped.
    pub content: String,
}

/// A Twitter label pair ("Story by" / names); the theme translates `key` with its UI strings.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Label {
    /// UI string key: `story_by` or `translation_by`.
    pub key: &'static str,
    /// Names, comma-separated.
    pub data: String,
}

/// Everything `partials/meta.html` writes into a page's `<head>`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Meta {
    /// Open Graph and `article:*` tags (`<meta property=…>`), in document order.
    pub og: Vec<Tag>,
    /// Twitter card tags (`<meta name=…>`).
    pub twitter: Vec<Tag>,
    /// `twitter:labelN`/`twitter:dataN` pairs: who wrote and who translated.
    pub labels: Vec<Label>,
    /// The JSON-LD, ready to put between `<script type="application/ld+json">` tags as is.
    pub json_ld: Option<String>,
}

fn tag(key: &str, content: impl Into<String>) -> Tag {
    Tag {
        key: key.to_string(),
        content: content.into(),
    }
}

/// `https://host` of the site: `base_url` without its path. Root-relative URLs made by
/// [`crate::config::Config::url`] already carry the base path, so this is what goes before them.
pub fn origin(site: &Site) -> String {
    let base = &site.config.base_url;
    let path = &site.config.base_path;
    base.strip_suffix(path.as_str())
        .unwrap_or(base.trim_end_matches('/'))
        .to_string()
}

/// An absolute URL for a root-relative one (`/news/x/`), a site path (`images/logo.png`) or an
/// absolute URL (kept).
pub fn absolute(site: &Site, url: &str) -> String {
    if url.contains("://") {
        url.to_string()
    } else if url.starts_with('/') && url.starts_with(site.config.base_path.as_str()) {
        format!("{}{}", origin(site), url)
    } else {
        site.config.abs_url(url)
    }
}

/// When the article last changed: its `updated:` or its newest correction, else its date.
/// Corrections bump the modification date (DESIGN: corrections).
pub fn last_modified(a: &Article) -> DateTime {
    let m = &a.doc.meta;
    m.corrections
        .iter()
        .map(|c| c.date)
        .chain(m.updated)
        .fold(m.date, |acc, d| if d > acc { d } else { acc })
}

/// Absolute URL of a person's page here, in `lang`.
pub fn person_url(site: &Site, kind: TaxonomyKind, person: usize, lang: &str) -> String {
    site.config.abs_url(&crate::urls::term(
        &site.config,
        lang,
        kind,
        &site.people.get(person).slug,
    ))
}

/// Absolute URL of a tag's, story's or outlet's page here, in `lang`.
pub fn term_url(site: &Site, kind: TaxonomyKind, name: &str, lang: &str) -> String {
    site.config.abs_url(&crate::urls::term(
        &site.config,
        lang,
        kind,
        &site.people.terms.slug(kind, name),
    ))
}

/// The lead image of an article as share metadata sees it.
#[derive(Debug, Clone)]
pub struct ShareImage {
    /// Absolute URL.
    pub url: String,
    /// Alternative text.
    pub alt: String,
    /// Width in pixels (of the variant, or as front matter gives it).
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// 16:9, 4:3 and 1:1 crops (absolute URL, width, height), for structured data.
    pub crops: Vec<(String, u32, u32)>,
}

/// The article's image with an absolute URL: a picture of the site through its share variant
/// (at least 1200 px wide when the source is), else as written (relative sources live beside
/// the page).
pub fn article_image(site: &Site, i: usize) -> Option<ShareImage> {
    let a = &site.articles[i];
    let img = a.doc.meta.image.as_ref()?;
    Some(match site.images.lead_of(i) {
        Some(pic) => {
            let f = pic.fallback();
            ShareImage {
                url: site.config.abs_url(&f.rel),
                alt: img.alt.clone(),
                width: Some(f.width),
                height: Some(f.height),
                crops: crate::images::Aspect::ALL
                    .iter()
                    .filter_map(|&x| pic.crop(x))
                    .map(|v| (site.config.abs_url(&v.rel), v.width, v.height))
                    .collect(),
            }
        }
        None => ShareImage {
            url: crate::urls::image_abs(&site.config, &a.rel, &img.src),
            alt: img.alt.clone(),
            width: img.width,
            height: img.height,
            crops: Vec::new(),
        },
    })
}

/// The publisher's logo as an absolute URL, if configured.
pub fn logo_url(site: &Site) -> Option<String> {
    site.config
        .publisher
        .logo
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .map(|l| absolute(site, l))
}

/// The site's name in a language (`[languages.xx] title`, else `title`).
pub fn site_name(site: &Site, lang: &str) -> String {
    site.config
        .language(lang)
        .and_then(|l| l.title.clone())
        .unwrap_or_else(|| site.config.title.clone())
}

fn og_locale(site: &Site, lang: &str) -> String {
    site.config
        .language(lang)
        .map(|l| l.og_locale())
        .unwrap_or_else(|| lang.replace('-', "_"))
}

/// Metadata of a page that is not an article (home, taxonomy, term, 404): `og:type website`,
/// and the other languages' locales on home pages, which exist in every language.
pub fn site_meta(
    site: &Site,
    kind: &str,
    lang: &str,
    title: &str,
    description: Option<&str>,
    permalink: &str,
) -> Meta {
    let mut og = vec![
        tag("og:type", "website"),
        tag("og:site_name", site_name(site, lang)),
        tag("og:title", title),
    ];
    if let Some(d) = description {
        og.push(tag("og:description", d));
    }
    og.push(tag("og:url", permalink));
    og.push(tag("og:locale", og_locale(site, lang)));
    if kind == "home" {
        for l in &site.config.languages {
            if l.code != lang {
                og.push(tag("og:locale:alternate", l.og_locale()));
            }
        }
    }
    let mut twitter = vec![tag("twitter:card", "summary"), tag("twitter:title", title)];
    if let Some(d) = description {
        twitter.push(tag("twitter:description", d));
    }
    if let Some(logo) = logo_url(site) {
        og.push(tag("og:image", logo.clone()));
        twitter.push(tag("twitter:image", logo));
    }
    Meta {
        og,
        twitter,
        labels: Vec::new(),
        json_ld: None,
    }
}

/// Open Graph, Twitter card and JSON-LD of article `i`.
pub fn article_meta(site: &Site, i: usize) -> Meta {
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let lang = a.lang();
    let permalink = site.config.abs_url(&a.rel);
    let summary = m
        .description
        .as_deref()
        .unwrap_or(&a.rendered.first_paragraph);
    let image = article_image(site, i);
    let modified = last_modified(a);

    let mut og = vec![
        tag("og:type", "article"),
        tag("og:site_name", site_name(site, lang)),
        tag("og:title", m.title.as_str()),
        tag("og:description", summary),
        tag("og:url", permalink.as_str()),
        tag("og:locale", og_locale(site, lang)),
    ];
    let mut seen = vec![lang];
    for &t in &a.translations {
        let other = site.articles[t].lang();
        if !seen.contains(&other) {
            seen.push(other);
            og.push(tag("og:locale:alternate", og_locale(site, other)));
        }
    }
    match &image {
        Some(img) => {
            og.push(tag("og:image", img.url.as_str()));
            if !img.alt.is_empty() {
                og.push(tag("og:image:alt", img.alt.as_str()));
            }
            if let Some(w) = img.width {
                og.push(tag("og:image:width", w.to_string()));
            }
            if let Some(h) = img.height {
                og.push(tag("og:image:height", h.to_string()));
            }
        }
        None => {
            if let Some(logo) = logo_url(site) {
                og.push(tag("og:image", logo));
            }
        }
    }
    og.push(tag("article:published_time", m.date.rfc3339()));
    og.push(tag("article:modified_time", modified.rfc3339()));
    for &p in &a.authors {
        og.push(tag(
            "article:author",
            person_url(site, TaxonomyKind::Authors, p, a.lang()),
        ));
    }
    if let Some(story) = &m.story {
        og.push(tag("article:section", story.as_str()));
    }
    for t in &m.tags {
        og.push(tag("article:tag", t.as_str()));
    }

    let mut twitter = vec![
        tag(
            "twitter:card",
            if image.is_some() {
                "summary_large_image"
            } else {
                "summary"
            },
        ),
        tag("twitter:title", m.title.as_str()),
        tag("twitter:description", summary),
    ];
    if let Some(img) = &image {
        twitter.push(tag("twitter:image", img.url.as_str()));
        if !img.alt.is_empty() {
            twitter.push(tag("twitter:image:alt", img.alt.as_str()));
        }
    }

    let names = |ids: &[usize]| {
        ids.iter()
            .map(|&p| site.people.get(p).display_name(lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut labels = Vec::new();
    if !a.authors.is_empty() {
        labels.push(Label {
            key: "story_by",
            data: names(&a.authors),
        });
    }
    if !a.translators.is_empty() {
        labels.push(Label {
            key: "translation_by",
            data: names(&a.translators),
        });
    }

    Meta {
        og,
        twitter,
        labels,
        json_ld: Some(script_json(&news_article(site, i))),
    }
}

fn person(site: &Site, kind: TaxonomyKind, p: usize, lang: &str) -> Value {
    let person = site.people.get(p);
    let mut o = Map::new();
    o.insert("@type".into(), "Person".into());
    o.insert("name".into(), person.display_name(lang).into());
    o.insert("url".into(), person_url(site, kind, p, lang).into());
    let same_as: Vec<Value> = person
        .links
        .iter()
        .filter(|l| l.url.starts_with("https://") || l.url.starts_with("http://"))
        .map(|l| Value::from(l.url.as_str()))
        .collect();
    if !same_as.is_empty() {
        o.insert("sameAs".into(), Value::Array(same_as));
    }
    Value::Object(o)
}

/// The publisher: `[publisher]` of site.toml (name defaults to the site title, logo made
/// absolute).
pub fn publisher(site: &Site) -> Value {
    let p = &site.config.publisher;
    let mut o = Map::new();
    o.insert("@type".into(), "Organization".into());
    o.insert(
        "name".into(),
        p.name
            .clone()
            .unwrap_or_else(|| site.config.title.clone())
            .into(),
    );
    o.insert(
        "url".into(),
        p.url
            .clone()
            .unwrap_or_else(|| site.config.base_url.clone())
            .into(),
    );
    if let Some(logo) = logo_url(site) {
        o.insert(
            "logo".into(),
            json!({ "@type": "ImageObject", "url": logo }),
        );
    }
    Value::Object(o)
}

/// The schema.org `NewsArticle` of article `i`, as a JSON value.
pub fn news_article(site: &Site, i: usize) -> Value {
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let lang = a.lang();
    let permalink = site.config.abs_url(&a.rel);
    let mut o = Map::new();
    o.insert("@context".into(), "https://schema.org".into());
    o.insert("@type".into(), "NewsArticle".into());
    o.insert("headline".into(), m.title.as_str().into());
    let summary = m
        .description
        .as_deref()
        .unwrap_or(&a.rendered.first_paragraph);
    if !summary.is_empty() {
        o.insert("description".into(), summary.into());
    }
    if let Some(img) = article_image(site, i) {
        let caption = m.image.as_ref().and_then(|i| i.caption.as_deref());
        if !img.crops.is_empty() {
            // Google's recommendation for articles: high-resolution images in 16:9, 4:3 and 1:1.
            let list: Vec<Value> = img
                .crops
                .iter()
                .map(|(url, w, h)| {
                    let mut io = Map::new();
                    io.insert("@type".into(), "ImageObject".into());
                    io.insert("url".into(), url.as_str().into());
                    io.insert("width".into(), (*w).into());
                    io.insert("height".into(), (*h).into());
                    if let Some(c) = caption {
                        io.insert("caption".into(), c.into());
                    }
                    Value::Object(io)
                })
                .collect();
            o.insert("image".into(), Value::Array(list));
        }
    }
    if let Some(img) = article_image(site, i).filter(|i| i.crops.is_empty()) {
        let mut io = Map::new();
        io.insert("@type".into(), "ImageObject".into());
        io.insert("url".into(), img.url.into());
        if let Some(w) = img.width {
            io.insert("width".into(), w.into());
        }
        if let Some(h) = img.height {
            io.insert("height".into(), h.into());
        }
        if let Some(c) = m.image.as_ref().and_then(|i| i.caption.as_deref()) {
            io.insert("caption".into(), c.into());
        }
        o.insert("image".into(), Value::Object(io));
    }
    o.insert("datePublished".into(), m.date.rfc3339().into());
    o.insert("dateModified".into(), last_modified(a).rfc3339().into());
    o.insert("inLanguage".into(), lang.into());
    o.insert("url".into(), permalink.as_str().into());
    o.insert(
        "mainEntityOfPage".into(),
        json!({ "@type": "WebPage", "@id": permalink }),
    );
    if !a.authors.is_empty() {
        o.insert(
            "author".into(),
            a.authors
                .iter()
                .map(|&p| person(site, TaxonomyKind::Authors, p, lang))
                .collect(),
        );
    }
    if !a.translators.is_empty() {
        o.insert(
            "translator".into(),
            a.translators
                .iter()
                .map(|&p| person(site, TaxonomyKind::Translators, p, lang))
                .collect(),
        );
    }
    o.insert("publisher".into(), publisher(site));
    if !m.tags.is_empty() {
        o.insert(
            "keywords".into(),
            m.tags.iter().map(|t| Value::from(t.as_str())).collect(),
        );
    }
    if let Some(story) = &m.story {
        o.insert(
            "isPartOf".into(),
            json!({
                "@type": "CreativeWorkSeries",
                "name": story,
                "url": term_url(site, TaxonomyKind::Stories, story, lang),
            }),
        );
    }
    if let Some(s) = &m.source {
        let outlet = json!({ "@type": "Organization", "name": s.name });
        let mut work = Map::new();
        work.insert("@type".into(), "CreativeWork".into());
        work.insert("url".into(), s.url.as_str().into());
        if let Some(l) = &s.lang {
            work.insert("inLanguage".into(), l.as_str().into());
        }
        if let Some(p) = s.published {
            work.insert("datePublished".into(), p.rfc3339().into());
        }
        work.insert("publisher".into(), outlet.clone());
        // A republication in the original language is based on the original, not a
        // translation of it.
        let republished = a.translators.is_empty() && s.lang.as_deref() == Some(a.lang());
        if !republished {
            o.insert("translationOfWork".into(), Value::Object(work));
        }
        o.insert("isBasedOn".into(), s.url.as_str().into());
        o.insert("sourceOrganization".into(), outlet);
    } else if let Some(orig) = a.original {
        // An original published only here: the translation is of our own page.
        let oa = &site.articles[orig];
        let url = site.config.abs_url(&oa.rel);
        o.insert(
            "translationOfWork".into(),
            json!({
                "@type": "CreativeWork",
                "url": url,
                "inLanguage": oa.lang(),
                "publisher": publisher(site),
            }),
        );
        o.insert("isBasedOn".into(), url.into());
    }
    if !m.corrections.is_empty() {
        o.insert(
            "correction".into(),
            m.corrections
                .iter()
                .map(|c| {
                    json!({
                        "@type": "CorrectionComment",
                        "text": c.text,
                        "datePublished": c.date.rfc3339(),
                    })
                })
                .collect(),
        );
    }
    if a.rendered.word_count > 0 {
        o.insert("wordCount".into(), a.rendered.word_count.into());
    }
    Value::Object(o)
}

/// JSON for inside `<script type="application/ld+json">`: `<`, `>` and `&` become `\u003c`,
/// `\u003e`, `\u0026`, so neither `</script>` nor `<!--` can appear. These characters can only
/// occur inside JSON strings, where the escapes mean the same characters.
pub fn script_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = json!({ "headline": "a</script><script>alert(1)</script> & <!-- \"q\" 🎉 مرحبا" });
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
