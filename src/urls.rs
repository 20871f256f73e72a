//! Every kind of URL the site publishes, in one place.
//!
//! Functions here return *site-relative* paths (`2024/03/01/slug/`, `ru/`, `tags/water/`):
//! [`Config::url`] turns one into a root-relative URL (with the base path) and
//! [`Config::abs_url`] into an absolute one. Folders end in `/`; the file a folder's page is
//! written to is [`page_file`]. Pages, feeds, sitemaps, share metadata and the dev server all
//! name URLs through these functions, so a URL scheme changes here and nowhere else.

use crate::config::Config;
use crate::content::Document;
use crate::slug::slugify_ascii;
use crate::taxonomy::TaxonomyKind;
use crate::terms::Terms;

/// Folder of the whole-site feed (every language): the root already belongs to the default
/// language's home page and its feed.
pub const ALL_FEEDS: &str = "all/";
/// The not-found page, at the root so that static hosts find it.
pub const NOT_FOUND: &str = "404.html";
/// The sitemap (or sitemap index).
pub const SITEMAP: &str = "sitemap.xml";
/// The Google News sitemap.
pub const NEWS_SITEMAP: &str = "news-sitemap.xml";
/// robots.txt.
pub const ROBOTS: &str = "robots.txt";
/// Folder of the search index (see `search.rs`); not `search/`, which is the default
/// language's search page.
pub const SEARCH_INDEX: &str = "search-index/";

/// Folder of a language's search page (`search/`, `ru/search/`).
pub fn search(config: &Config, lang: &str) -> String {
    format!("{}search/", home(config, lang))
}

/// The file a page at site-relative `rel` is written to: `index.html` in a folder, or the
/// `.html` file itself.
pub fn page_file(rel: &str) -> String {
    if rel.ends_with(".html") {
        rel.to_string()
    } else {
        format!("{rel}index.html")
    }
}

/// Folder of an article from the permalink pattern (`:lang`, `:year`, `:month`, `:day`,
/// `:slug`, `:section`, `:story`). `:story` is the slug of the story's term (through
/// terms.yaml, as its page is): the language versions of an article whose story is named per
/// language share that segment.
pub fn article(config: &Config, doc: &Document, terms: &Terms) -> String {
    let d = doc.meta.date.civil_date();
    let mut parts = Vec::new();
    for seg in config.permalink.split('/').filter(|s| !s.is_empty()) {
        let v = match seg {
            ":lang" => {
                if home(config, &doc.meta.lang).is_empty() {
                    continue;
                }
                doc.meta.lang.clone()
            }
            ":year" => format!("{:04}", d.year()),
            ":month" => format!("{:02}", d.month()),
            ":day" => format!("{:02}", d.day()),
            ":slug" => doc.meta.slug.clone(),
            ":section" => {
                let mut comps: Vec<&str> = doc.file.rel.split('/').collect();
                comps.pop();
                if comps.first().is_some_and(|c| config.language(c).is_some()) {
                    comps.remove(0);
                }
                match comps.first() {
                    Some(c) => crate::slug::slugify_keep_unicode(c),
                    None => continue,
                }
            }
            ":story" => match &doc.meta.story {
                Some(s) => terms.slug(TaxonomyKind::Stories, s),
                None => continue,
            },
            other => other.to_string(),
        };
        parts.push(v);
    }
    let mut rel = parts.join("/");
    rel.push('/');
    rel
}

/// Folder of a language's home page, the prefix of its URLs: `""` for the default language
/// (unless the site prefixes it), else `ru/`.
pub fn home(config: &Config, lang: &str) -> String {
    config.lang_prefix(lang)
}

/// Folder of page `n` (1-based) of a paginated list whose first page is `base`.
pub fn list_page(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// Folder of a taxonomy's index page in a language (`tags/`, `ru/tags/`).
pub fn taxonomy(config: &Config, lang: &str, kind: TaxonomyKind) -> String {
    format!("{}{}/", home(config, lang), kind.name())
}

/// The slug of a tag, story or outlet name (people have theirs from people.yaml or their
/// name, see [`crate::people`]).
pub fn term_slug(name: &str) -> String {
    slugify_ascii(name)
}

/// Folder of a term's page in a language (`tags/water/`, `ru/authors/ivan-petrov/`) from its
/// slug: every term has a page in every language of the site.
pub fn term(config: &Config, lang: &str, kind: TaxonomyKind, slug: &str) -> String {
    [&home(config, lang), kind.name(), "/", slug, "/"].concat()
}

/// Root-relative URL of a term's page: `config.url(&term(…))` in one allocation (a card links
/// three or four terms, on every list it is on).
pub fn term_url(config: &Config, lang: &str, kind: TaxonomyKind, slug: &str) -> String {
    let lang = config.lang_segment(lang);
    let sep = if lang.is_empty() { "" } else { "/" };
    [
        config.base_path.as_str(),
        lang,
        sep,
        kind.name(),
        "/",
        slug,
        "/",
    ]
    .concat()
}

/// The not-found page of a language: [`NOT_FOUND`] at the root for the default language (what
/// static hosts serve), `ru/404.html` for the others.
pub fn not_found(config: &Config, lang: &str) -> String {
    if lang == config.default_language {
        NOT_FOUND.to_string()
    } else {
        format!("{}{NOT_FOUND}", home(config, lang))
    }
}

/// Folder of a language's date archives: the permalink pattern's literal segments before
/// `:year` (`/:lang/:year/…` gives the language's home, `/news/:year/…` gives `news/`), after
/// the language's prefix; `archive/` when the pattern has no `:year` or puts the slug, section
/// or story before it.
pub fn archive_base(config: &Config, lang: &str) -> String {
    let mut base = home(config, lang);
    let mut literal = Vec::new();
    let mut dated = false;
    for seg in config.permalink.split('/').filter(|s| !s.is_empty()) {
        match seg {
            ":year" => {
                dated = true;
                break;
            }
            ":lang" => {}
            s if s.starts_with(':') => break,
            s => literal.push(s),
        }
    }
    if dated {
        for s in literal {
            base.push_str(s);
            base.push('/');
        }
    } else {
        base.push_str("archive/");
    }
    base
}

/// Folder of a language's page of every archived year and month (`archive/`, `ru/archive/`).
pub fn archive_index(config: &Config, lang: &str) -> String {
    format!("{}archive/", home(config, lang))
}

/// Folder of a language's archive of a year, month or day (`2026/05/`, `ru/2026/05/20/`).
pub fn archive(config: &Config, lang: &str, p: &crate::archives::Period) -> String {
    let mut rel = archive_base(config, lang);
    rel.push_str(&format!("{:04}/", p.year));
    if let Some(m) = p.month {
        rel.push_str(&format!("{m:02}/"));
    }
    if let Some(d) = p.day {
        rel.push_str(&format!("{d:02}/"));
    }
    rel
}

/// Files a static host reads for redirects: Netlify's and Cloudflare Pages' `_redirects`.
pub const REDIRECTS: &str = "_redirects";
/// The nginx `map` entries of every redirect, for `include` in a `map $uri …` block.
pub const NGINX_REDIRECTS: &str = "redirects.nginx.map";

/// The three feed formats every list has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeedFormat {
    /// RSS 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.1.
    Json,
}

impl FeedFormat {
    /// Every format, in the order pages announce them.
    pub const ALL: [FeedFormat; 3] = [FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json];

    /// File name in the list's folder.
    pub fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Rss => "rss.xml",
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Json => "feed.json",
        }
    }

    /// MIME type announced in `<link rel=alternate>`.
    pub fn mime(self) -> &'static str {
        match self {
            FeedFormat::Rss => "application/rss+xml",
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Json => "application/feed+json",
        }
    }

    /// Name shown after the feed's title.
    pub fn label(self) -> &'static str {
        match self {
            FeedFormat::Rss => "RSS",
            FeedFormat::Atom => "Atom",
            FeedFormat::Json => "JSON Feed",
        }
    }
}

/// A feed file of the list whose folder is `list` (`""`, `ru/`, `tags/water/`, [`ALL_FEEDS`]).
pub fn feed(list: &str, format: FeedFormat) -> String {
    format!("{list}{}", format.file_name())
}

/// A file of an article's page bundle, beside its page.
pub fn asset(article_rel: &str, asset: &std::path::Path) -> String {
    format!(
        "{article_rel}{}",
        asset.to_string_lossy().replace('\\', "/")
    )
}

/// URL of an image named in front matter or people.yaml: absolute URLs stay, `/path` is under
/// the site's root, anything else is beside the page at `page_rel` (a page bundle). Returned
/// root-relative (with the base path) unless absolute.
pub fn image(config: &Config, page_rel: &str, src: &str) -> String {
    if src.contains("://") {
        src.to_string()
    } else if let Some(rest) = src.strip_prefix('/') {
        config.url(rest)
    } else {
        config.url(&format!("{page_rel}{src}"))
    }
}

/// [`image`] as an absolute URL (share metadata, feeds, structured data).
pub fn image_abs(config: &Config, page_rel: &str, src: &str) -> String {
    if src.contains("://") {
        src.to_string()
    } else if let Some(rest) = src.strip_prefix('/') {
        config.abs_url(rest)
    } else {
        config.abs_url(&format!("{page_rel}{src}"))
    }
}

/// A variant of the image whose original would be published at site path `original`
/// (`2024/03/01/x/photo.jpg`): beside it, named by its stem, size and content hash
/// (`2024/03/01/x/photo-800x533-3fa2b1c4d5.webp`), so it can be cached for ever.
pub fn image_variant(original: &str, width: u32, height: u32, hash: &str, ext: &str) -> String {
    let (dir, file) = match original.rsplit_once('/') {
        Some((d, f)) => (format!("{d}/"), f),
        None => (String::new(), original),
    };
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    format!("{dir}{stem}-{width}x{height}-{hash}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_language_pages() {
        let c = Config::parse(
            std::path::Path::new("/site"),
            "title = \"T\"\nbase_url = \"https://e.org/\"\n\
             [languages.en]\nname = \"English\"\n[languages.ru]\nname = \"Русский\"\n",
            &Default::default(),
        )
        .unwrap();
        assert_eq!(term(&c, "en", TaxonomyKind::Tags, "water"), "tags/water/");
        assert_eq!(
            term(&c, "ru", TaxonomyKind::Stories, "dam-inquiry"),
            "ru/stories/dam-inquiry/"
        );
        assert_eq!(taxonomy(&c, "ru", TaxonomyKind::Authors), "ru/authors/");
        assert_eq!(taxonomy(&c, "en", TaxonomyKind::Authors), "authors/");
        assert_eq!(not_found(&c, "en"), "404.html");
        assert_eq!(not_found(&c, "ru"), "ru/404.html");
    }

    #[test]
    fn term_url_is_the_url_of_the_term_folder() {
        for extra in ["", "prefix_default_language = true\n"] {
            for base in ["https://e.org/", "https://e.org/news/"] {
                let c = Config::parse(
                    std::path::Path::new("/site"),
                    &format!(
                        "title = \"T\"\nbase_url = \"{base}\"\n{extra}\
                         [languages.en]\nname = \"English\"\n[languages.ru]\nname = \"Русский\"\n"
                    ),
                    &Default::default(),
                )
                .unwrap();
                for lang in ["en", "ru"] {
                    for kind in [TaxonomyKind::Tags, TaxonomyKind::Authors] {
                        assert_eq!(
                            term_url(&c, lang, kind, "x-y"),
                            c.url(&term(&c, lang, kind, "x-y")),
                            "{base} {extra} {lang}"
                        );
                    }
                }
            }
        }
        let c = Config::parse(
            std::path::Path::new("/site"),
            "title = \"T\"\nbase_url = \"https://e.org/news/\"\n[languages.en]\nname = \"English\"\n[languages.ru]\nname = \"Русский\"\n",
            &Default::default(),
        )
        .unwrap();
        assert_eq!(
            term_url(&c, "ru", TaxonomyKind::Tags, "a"),
            "/news/ru/tags/a/"
        );
        assert_eq!(term_url(&c, "en", TaxonomyKind::Tags, "a"), "/news/tags/a/");
    }

    #[test]
    fn list_pages_and_files() {
        assert_eq!(list_page("tags/x/", 1), "tags/x/");
        assert_eq!(list_page("tags/x/", 3), "tags/x/page/3/");
        assert_eq!(page_file("ru/"), "ru/index.html");
        assert_eq!(page_file(""), "index.html");
        assert_eq!(page_file(NOT_FOUND), "404.html");
        assert_eq!(feed("ru/", FeedFormat::Atom), "ru/atom.xml");
        assert_eq!(feed(ALL_FEEDS, FeedFormat::Json), "all/feed.json");
        assert_eq!(
            asset("2024/01/02/x/", std::path::Path::new("img/a.png")),
            "2024/01/02/x/img/a.png"
        );
        assert_eq!(
            image_variant("2024/01/02/x/a.b.jpg", 800, 533, "0123456789", "webp"),
            "2024/01/02/x/a.b-800x533-0123456789.webp"
        );
        assert_eq!(
            image_variant("logo.png", 1, 2, "h", "png"),
            "logo-1x2-h.png"
        );
    }
}
