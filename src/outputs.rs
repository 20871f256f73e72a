//! The one list of what a site publishes.
//!
//! Every file gen writes is made by one [`Product`]: a page (every [`Job`]), a page-bundle
//! asset, a feed file, the sitemap, the news sitemap, robots.txt or a static file. Each product
//! knows, side by side in one `impl`:
//!
//! - its output path ([`Product::path`]),
//! - what makes it ([`Product::maker`]: a template, a writer, or a copy),
//! - what it reads ([`Product::signature`]: equal signatures mean equal bytes, given the same
//!   templates and configuration), and
//! - how to make its bytes ([`Product::produce`]).
//!
//! [`Plan::new`] lists the products of a site. `gen build` produces all of them into
//! [`crate::output::Output`]; `gen check` produces them into a [`MemorySink`] and knows each
//! file's template from its product; `gen serve` compares signatures with what it produced last
//! time and produces only the products whose signature changed. After an edit that keeps the
//! site's shape, it makes a [`Plan::partial`] of the few products the edit touches from their
//! [`Locator`]s instead of listing every product again.
//!
//! **Adding a kind of output** (image variants, a search index, redirect pages, date
//! archives) means one new variant here: list it in [`Plan::new`], and fill in the five
//! methods (and give it a [`Locator`] if the dev server may need it after an edit of content).
//! Build, check and serve pick it up; the compiler points at every `match` to extend.
//! Its signature must hash everything its bytes depend on besides templates and configuration:
//! `tests/serve_random.rs` compares the dev server's output with clean builds after random edits
//! and catches a missing input.
//!
//! [`MemorySink`]: crate::output::MemorySink

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use jiff::Timestamp;
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Error, Result};
use crate::feeds::{FeedSpec, Items};
use crate::output::Sink;
use crate::render::Job;
use crate::site::{Related, Site};
use crate::sitemap::Limits;
use crate::theme::Theme;
use crate::timer::Timer;
use crate::urls::{self, FeedFormat};

/// Where a static file's output bytes come from.
#[derive(Debug, Clone, Copy)]
pub enum StaticSource<'a> {
    /// A file on disk, copied as it is.
    Disk(&'a Path),
    /// Bytes in memory: embedded theme files, rewritten CSS.
    Bytes(&'a [u8]),
}

/// One file (or, for the sitemap, one set of files) the site publishes.
#[derive(Debug, Clone)]
pub enum Product<'a> {
    /// An HTML page.
    Page(Job<'a>),
    /// A file of article `article`'s page bundle, copied beside its page.
    Asset {
        /// Index of the article.
        article: usize,
        /// Output path.
        rel: String,
        /// Source file.
        src: PathBuf,
    },
    /// The variants of one image (of `site.images.pictures`, or of the static images the theme
    /// asks for with `image()`), made from its source in one decode: WebP widths, the fallback,
    /// share crops.
    Image(&'a crate::images::Picture),
    /// One format of one feed (`Plan::feeds[spec]`).
    Feed {
        /// Index into [`Plan::feeds`].
        spec: usize,
        /// RSS, Atom or JSON Feed.
        format: FeedFormat,
    },
    /// `sitemap.xml`, split into an index and numbered files past the protocol's limits.
    Sitemap,
    /// The Google News sitemap.
    NewsSitemap,
    /// robots.txt.
    Robots,
    /// A redirect page at an old URL of an article (`Site::redirects[i]`).
    Redirect(usize),
    /// `_redirects`: every redirect, for Netlify and Cloudflare Pages.
    RedirectsFile,
    /// Every redirect as nginx `map` entries.
    NginxMap,
    /// The search index: every file under `search-index/` (see `search.rs`).
    SearchIndex,
    /// A static file of the theme or the site.
    Static {
        /// Output path (fingerprinted when the theme asks).
        rel: String,
        /// Where its bytes come from.
        src: StaticSource<'a>,
    },
}

/// What makes a product's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Maker<'a> {
    /// A template of the theme (`article.html`…).
    Template(&'static str),
    /// One of gen's writers (`rss`, `atom`, `json-feed`, `sitemap`, `news-sitemap`, `robots`).
    Writer(&'static str),
    /// A copy of a file (its source, when on disk).
    Copy(Option<&'a Path>),
}

/// Stages of production, in the order `gen build` times them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Pages and their bundle assets, and the search index.
    Render,
    /// Feeds, sitemaps, robots.txt, redirects.
    Feeds,
    /// Static files.
    Static,
}

impl Stage {
    /// Name in timings.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Render => "render",
            Stage::Feeds => "feeds+sitemaps",
            Stage::Static => "static",
        }
    }
}

/// What outputs read besides the site and the theme.
#[derive(Debug, Clone, Copy)]
pub struct Env {
    /// The build time (the news sitemap lists the two days before it).
    pub now: Timestamp,
    /// Sitemap file limits.
    pub limits: Limits,
}

impl Env {
    /// The build time from `SOURCE_DATE_EPOCH` (else now) and the protocol's limits.
    pub fn current() -> Env {
        Env {
            now: crate::sitemap::build_time(),
            limits: Limits::default(),
        }
    }
}

/// What an output shows of an article, for signatures: an edit changes the key of a facet only
/// when something that facet shows changed, so a body edit re-renders the article's page but
/// not the lists that show its card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    /// Everything (the article's own page).
    Page,
    /// Its card, as lists, related reading and the news sitemap show it.
    Card,
    /// What its other language versions show of it: URL, language, headline.
    Version,
    /// Its feed item.
    Feed,
    /// What the search index holds of it (`search::article_key`).
    Search,
}

/// Where a product hands each file it makes: its output path and what to write there.
pub type Emit<'e> = &'e mut dyn FnMut(String, Made) -> Result<()>;

/// Bytes made by a product, or a file to copy.
#[derive(Debug)]
pub enum Made {
    /// Bytes in memory.
    Bytes(Vec<u8>),
    /// A file on disk, copied as it is.
    File(PathBuf),
    /// A file in gen's own cache (`.gen-cache/`): written once under a name that is a hash of
    /// what made it and never changed afterwards, so the output may share it (a hard link)
    /// instead of holding a copy.
    Cached(PathBuf),
}

/// The products of one site model with one theme.
pub struct Plan<'a> {
    /// The site.
    pub site: &'a Site,
    /// The theme.
    pub theme: &'a Theme,
    /// Every feed (products refer to them by index); shared with the plans the dev server
    /// makes from [`Locator`]s while the site keeps its shape.
    pub feeds: Arc<Vec<FeedSpec>>,
    /// Every product, in a stable order: pages, assets, feeds, sitemaps, robots.txt,
    /// redirects, static.
    pub products: Vec<Product<'a>>,
    /// The redirects made (indices into `Site::redirects`): all but automatic ones whose old
    /// URL another page now has.
    pub redirects: Vec<usize>,
    /// What the search index's signature reads of the taxonomies (every term's folder and
    /// names in every language), hashed once: the same while the site keeps its shape.
    search_facets: OnceLock<u64>,
}

/// A product named by numbers (and a static file's index), not by borrowing the site: the dev
/// server keeps one per product of a plan and, after an edit of content fields (the site's
/// shape unchanged), makes just the products the edit touches with [`Plan::partial`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locator {
    /// [`Product::Page`].
    Page(crate::render::JobRef),
    /// [`Product::Asset`]: the `nth` file of the article's bundle.
    Asset {
        /// Index of the article.
        article: usize,
        /// Position among the bundle's files.
        nth: usize,
    },
    /// [`Product::Image`]: a photo of the site (`Site::images.pictures`) or a static image of
    /// the theme (`Theme::images.pictures`).
    Image {
        /// Whether it is the theme's.
        theme: bool,
        /// Index in its list.
        index: usize,
    },
    /// [`Product::Feed`].
    Feed {
        /// Index into [`Plan::feeds`].
        spec: usize,
        /// RSS, Atom or JSON Feed.
        format: FeedFormat,
    },
    /// [`Product::Sitemap`].
    Sitemap,
    /// [`Product::NewsSitemap`].
    NewsSitemap,
    /// [`Product::Robots`].
    Robots,
    /// [`Product::Redirect`].
    Redirect(usize),
    /// [`Product::RedirectsFile`].
    RedirectsFile,
    /// [`Product::NginxMap`].
    NginxMap,
    /// [`Product::SearchIndex`].
    SearchIndex,
}

/// What a plan shares with the partial plans made from it ([`Plan::shape`]).
#[derive(Debug, Clone)]
pub struct Shape {
    feeds: Arc<Vec<FeedSpec>>,
    redirects: Vec<usize>,
    search_facets: u64,
}

/// State shared while producing: feed items computed once, the minifier.
pub struct Producer<'p, 'a> {
    plan: &'p Plan<'a>,
    items: Items<'a>,
    minify: bool,
    env: Env,
    /// Words of the search index kept between builds (the dev server, the build cache).
    search: Option<&'p crate::search::Memo>,
}

impl<'a> Plan<'a> {
    /// Lists every product of `site` with `theme`.
    pub fn new(site: &'a Site, theme: &'a Theme) -> Plan<'a> {
        let jobs = crate::render::jobs(site);
        let feeds = crate::feeds::specs(site);
        let mut products: Vec<Product<'a>> = Vec::with_capacity(jobs.len() + feeds.len() * 3);
        products.extend(jobs.into_iter().map(Product::Page));
        // Photos the site shows and static images the theme asks for with `image()`, one
        // product per file.
        let mut pictures: Vec<&'a crate::images::Picture> = site.images.pictures.iter().collect();
        let shown: std::collections::HashSet<&str> =
            pictures.iter().map(|p| p.site_path.as_str()).collect();
        pictures.extend(
            theme
                .images
                .pictures
                .iter()
                .filter(|p| !shown.contains(p.site_path.as_str())),
        );
        // They are published as variants, without their metadata; not as originals, unless
        // the site asks, or the theme names the file itself (`asset()`, a stylesheet's `url()`).
        let withheld: std::collections::HashSet<&str> = if site.config.images.keep_original {
            Default::default()
        } else {
            pictures
                .iter()
                .map(|p| p.site_path.as_str())
                .filter(|p| {
                    !theme.images.named_by_asset.contains(*p)
                        && !theme.assets.named_by_css.contains(*p)
                })
                .collect()
        };
        for i in 0..site.articles.len() {
            for (rel, src) in crate::render::article_assets(site, i) {
                if withheld.contains(rel.as_str()) {
                    continue;
                }
                products.push(Product::Asset {
                    article: i,
                    rel,
                    src,
                });
            }
        }
        products.extend(pictures.into_iter().map(Product::Image));
        for spec in 0..feeds.len() {
            for format in FeedFormat::ALL {
                products.push(Product::Feed { spec, format });
            }
        }
        products.push(Product::Sitemap);
        products.push(Product::NewsSitemap);
        products.push(Product::Robots);
        if site.config.search.enabled {
            products.push(Product::SearchIndex);
        }
        products.extend(
            static_outputs(theme, &withheld)
                .into_iter()
                .map(|(rel, src)| Product::Static { rel, src }),
        );
        let mut plan = Plan {
            site,
            theme,
            feeds: Arc::new(feeds),
            products,
            redirects: Vec::new(),
            search_facets: OnceLock::new(),
        };
        plan.redirects = plan.made_redirects();
        if !plan.redirects.is_empty() {
            let at = plan.products.len()
                - plan
                    .products
                    .iter()
                    .rev()
                    .take_while(|p| matches!(p, Product::Static { .. }))
                    .count();
            let list: Vec<Product<'a>> = plan
                .redirects
                .iter()
                .map(|&r| Product::Redirect(r))
                .chain([Product::RedirectsFile, Product::NginxMap])
                .collect();
            plan.products.splice(at..at, list);
        }
        plan
    }

    /// The products `which` of a site of the shape `from` was listed for (the same pages,
    /// feeds, redirects and pictures: only content fields of articles changed since), in that
    /// order, without listing the others; `None` when one is no longer there.
    pub fn partial(
        site: &'a Site,
        theme: &'a Theme,
        from: &Shape,
        which: &[Locator],
    ) -> Option<Plan<'a>> {
        let products = which
            .iter()
            .map(|l| Product::located(*l, site, theme))
            .collect::<Option<Vec<_>>>()?;
        Some(Plan {
            site,
            theme,
            feeds: Arc::clone(&from.feeds),
            products,
            redirects: from.redirects.clone(),
            search_facets: from.search_facets.into(),
        })
    }

    /// What [`Plan::partial`] needs of this plan besides the locators, kept by the dev server
    /// while the site keeps its shape.
    pub fn shape(&self) -> Shape {
        Shape {
            feeds: Arc::clone(&self.feeds),
            redirects: self.redirects.clone(),
            search_facets: self.search_facets(),
        }
    }

    /// Hash of what the search index's signature reads of the taxonomies.
    fn search_facets(&self) -> u64 {
        *self.search_facets.get_or_init(|| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for (kind, terms) in &self.site.taxonomies {
                kind.hash(&mut h);
                for t in terms {
                    let names = crate::search::facet_names(self.site, *kind, t);
                    (&t.rel, names, &t.articles).hash(&mut h);
                }
            }
            h.finish()
        })
    }

    /// The redirects to make: an automatic one (a permalink that changed since the last build)
    /// gives way to any page that now has its URL; one from `aliases:` is made, and reported
    /// by [`Plan::collisions`] when it meets another output.
    fn made_redirects(&self) -> Vec<usize> {
        let site = self.site;
        if site.redirects.is_empty() {
            return Vec::new();
        }
        let taken: std::collections::HashSet<String> = if site.redirects.iter().any(|r| r.automatic)
        {
            self.products.iter().map(|p| p.path(self)).collect()
        } else {
            Default::default()
        };
        let mut seen = std::collections::HashSet::new();
        (0..site.redirects.len())
            .filter(|&i| {
                let r = &site.redirects[i];
                !r.automatic
                    || (!taken.contains(&urls::page_file(&r.from)) && seen.insert(r.from.clone()))
            })
            .collect()
    }

    /// Paths two products would write, each reported once with what makes it.
    pub fn collisions(&self) -> Vec<Diagnostic> {
        let mut by_path: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, p) in self.products.iter().enumerate() {
            by_path.entry(p.path(self)).or_default().push(i);
        }
        let mut out = Vec::new();
        for (path, list) in by_path.into_iter().filter(|(_, l)| l.len() > 1) {
            let who: Vec<String> = list
                .iter()
                .map(|&i| self.products[i].describe(self))
                .collect();
            // An alias is what to change when it meets a page: it comes first.
            let mut list = list;
            list.sort_by_key(|&i| !matches!(self.products[i], Product::Redirect(_)));
            let (file, line) = list
                .iter()
                .find_map(|&i| match &self.products[i] {
                    Product::Page(Job::Article(a)) | Product::Asset { article: a, .. } => {
                        let d = &self.site.articles[*a].doc;
                        Some((d.display_path(), d.line_of("slug")))
                    }
                    Product::Redirect(r) => {
                        let d = &self.site.articles[self.site.redirects[*r].to].doc;
                        Some((d.display_path(), d.line_of("aliases")))
                    }
                    _ => None,
                })
                .unwrap_or_else(|| (PathBuf::from("content"), 0));
            let pages = list
                .iter()
                .all(|&i| matches!(self.products[i], Product::Page(_)));
            let message = if pages {
                let url = self
                    .site
                    .url(path.strip_suffix("index.html").unwrap_or(&path));
                format!("two pages share the URL {url}: {}", who.join(" and "))
            } else {
                format!(
                    "two outputs would be written to {}: {}",
                    self.site.url(&path),
                    who.join(" and ")
                )
            };
            let redirect = list
                .iter()
                .any(|&i| matches!(self.products[i], Product::Redirect(_)));
            out.push(
                Diagnostic::error(file, line, 0, message).with_hint(if redirect {
                    "an alias names the URL of another page: remove it from `aliases:`"
                } else {
                    "give one of them another `slug:`, or rename the tag, story, person or file"
                }),
            );
        }
        out
    }

    /// Indices of the products to make when paths collide: the first product of each path.
    pub fn unique(&self) -> Vec<usize> {
        let mut seen = std::collections::HashSet::new();
        (0..self.products.len())
            .filter(|&i| seen.insert(self.products[i].path(self)))
            .collect()
    }

    /// A producer for this plan; `search`: the words of the search index kept between builds,
    /// if this process builds again.
    pub fn producer<'p>(
        &'p self,
        env: Env,
        search: Option<&'p crate::search::Memo>,
    ) -> Producer<'p, 'a> {
        Producer {
            plan: self,
            items: Items::new(self.site),
            minify: self.site.config.minify,
            env,
            search,
        }
    }

    /// Produces the products `which` (all when `None`) into `sink`, stage by stage, each stage in
    /// parallel, timing the stages in `timer`. Every error of a stage is reported. Returns the
    /// files each product wrote besides its own path (the parts of a split sitemap), by product
    /// index, for products that wrote any. `search`: see [`Plan::producer`].
    pub fn produce(
        &self,
        which: Option<&[usize]>,
        sink: &dyn Sink,
        env: Env,
        search: Option<&crate::search::Memo>,
        timer: &mut Timer,
    ) -> Result<Vec<(usize, Vec<String>)>> {
        let all: Vec<usize>;
        let which = match which {
            Some(w) => w,
            None => {
                all = (0..self.products.len()).collect();
                &all
            }
        };
        let producer = self.producer(env, search);
        let run = |i: usize| -> Result<(usize, Vec<String>)> {
            let own = self.products[i].path(self);
            let mut others = Vec::new();
            // Each file goes to the sink as soon as it is made: a product of many files (the
            // search index, a split sitemap) never holds them all.
            self.products[i].produce(&producer, &mut |rel, m| {
                match m {
                    Made::Bytes(b) => sink.write(&rel, &b)?,
                    Made::File(p) => sink.copy(&rel, &p)?,
                    Made::Cached(p) => sink.share(&rel, &p)?,
                }
                if rel != own {
                    others.push(rel);
                }
                Ok(())
            })?;
            Ok((i, others))
        };
        let kept = |r: &Result<(usize, Vec<String>)>| {
            r.as_ref().map_or(true, |(_, others)| !others.is_empty())
        };
        let mut extra = Vec::new();
        for stage in [Stage::Render, Stage::Feeds, Stage::Static] {
            let (long, short): (Vec<usize>, Vec<usize>) = which
                .iter()
                .copied()
                .filter(|&i| self.products[i].stage() == stage)
                .partition(|&i| self.products[i].long());
            // A long product starts with the stage, beside the others, rather than being the
            // last one left while the other core has nothing to do.
            let (mut results, rest): (Vec<_>, Vec<_>) = rayon::join(
                || long.into_iter().map(run).filter(kept).collect(),
                || short.par_iter().map(|&i| run(i)).filter(kept).collect(),
            );
            results.extend(rest);
            let mut errors = Vec::new();
            for r in results {
                match r {
                    Ok(e) => extra.push(e),
                    Err(e) => errors.push(e),
                }
            }
            if !errors.is_empty() {
                return Err(merge_errors(errors));
            }
            timer.lap(stage.name());
        }
        Ok(extra)
    }
}

/// One error of many, with every diagnostic; a template error repeated on many pages once.
fn merge_errors(errors: Vec<Error>) -> Error {
    if errors.len() == 1 && !matches!(errors[0], Error::Content(_)) {
        return errors.into_iter().next().expect("one error");
    }
    let mut list: Vec<Diagnostic> = errors.iter().flat_map(Error::diagnostics).collect();
    crate::diagnostics::sort(&mut list);
    list.dedup_by(|a, b| {
        a.path == b.path
            && a.line == b.line
            && a.message.split(" (while").next() == b.message.split(" (while").next()
    });
    Error::Content(list)
}

impl Product<'_> {
    /// The output path (for the sitemap, its first file: more appear past the limits).
    pub fn path(&self, plan: &Plan<'_>) -> String {
        match self {
            Product::Page(job) => job.output_rel(plan.site),
            Product::Asset { rel, .. } | Product::Static { rel, .. } => rel.clone(),
            Product::Image(pic) => pic.variants[0].rel.clone(),
            Product::Feed { spec, format } => urls::feed(&plan.feeds[*spec].rel, *format),
            Product::Sitemap => urls::SITEMAP.to_string(),
            Product::NewsSitemap => urls::NEWS_SITEMAP.to_string(),
            Product::Robots => urls::ROBOTS.to_string(),
            Product::Redirect(r) => urls::page_file(&plan.site.redirects[*r].from),
            Product::RedirectsFile => urls::REDIRECTS.to_string(),
            Product::NginxMap => urls::NGINX_REDIRECTS.to_string(),
            Product::SearchIndex => format!("{}meta.json", urls::SEARCH_INDEX),
        }
    }

    /// Its [`Locator`] in `plan`; `None` for a static file (an edit of content never needs
    /// one again) or a product not made from the plan's site and theme.
    pub fn locate(&self, plan: &Plan<'_>) -> Option<Locator> {
        Some(match self {
            Product::Page(job) => Locator::Page(job.to_ref(plan.site)?),
            Product::Asset { article, rel, .. } => Locator::Asset {
                article: *article,
                nth: crate::render::article_assets(plan.site, *article)
                    .iter()
                    .position(|(r, _)| r == rel)?,
            },
            Product::Image(pic) => {
                let (theme, index) = match crate::render::index_in(&plan.site.images.pictures, pic)
                {
                    Some(k) => (false, k),
                    None => (
                        true,
                        crate::render::index_in(&plan.theme.images.pictures, pic)?,
                    ),
                };
                Locator::Image { theme, index }
            }
            Product::Feed { spec, format } => Locator::Feed {
                spec: *spec,
                format: *format,
            },
            Product::Sitemap => Locator::Sitemap,
            Product::NewsSitemap => Locator::NewsSitemap,
            Product::Robots => Locator::Robots,
            Product::Redirect(r) => Locator::Redirect(*r),
            Product::RedirectsFile => Locator::RedirectsFile,
            Product::NginxMap => Locator::NginxMap,
            Product::SearchIndex => Locator::SearchIndex,
            Product::Static { .. } => return None,
        })
    }

    /// The product `l` names in `site` with `theme`.
    fn located<'a>(l: Locator, site: &'a Site, theme: &'a Theme) -> Option<Product<'a>> {
        Some(match l {
            Locator::Page(job) => Product::Page(job.job(site)?),
            Locator::Asset { article, nth } => {
                if article >= site.articles.len() {
                    return None;
                }
                let (rel, src) = crate::render::article_assets(site, article)
                    .into_iter()
                    .nth(nth)?;
                Product::Asset { article, rel, src }
            }
            Locator::Image {
                theme: false,
                index,
            } => Product::Image(site.images.pictures.get(index)?),
            Locator::Image { theme: true, index } => {
                Product::Image(theme.images.pictures.get(index)?)
            }
            Locator::Feed { spec, format } => Product::Feed { spec, format },
            Locator::Sitemap => Product::Sitemap,
            Locator::NewsSitemap => Product::NewsSitemap,
            Locator::Robots => Product::Robots,
            Locator::Redirect(r) => Product::Redirect(r),
            Locator::RedirectsFile => Product::RedirectsFile,
            Locator::NginxMap => Product::NginxMap,
            Locator::SearchIndex => Product::SearchIndex,
        })
    }

    /// What makes it.
    pub fn maker(&self) -> Maker<'_> {
        match self {
            Product::Page(job) => Maker::Template(job.kind().template()),
            Product::Asset { src, .. } => Maker::Copy(Some(src)),
            Product::Image(_) => Maker::Writer("images"),
            Product::Static { src, .. } => Maker::Copy(match src {
                StaticSource::Disk(p) => Some(p),
                StaticSource::Bytes(_) => None,
            }),
            Product::Feed { format, .. } => Maker::Writer(match format {
                FeedFormat::Rss => "rss",
                FeedFormat::Atom => "atom",
                FeedFormat::Json => "json-feed",
            }),
            Product::Sitemap => Maker::Writer("sitemap"),
            Product::NewsSitemap => Maker::Writer("news-sitemap"),
            Product::Robots => Maker::Writer("robots"),
            Product::Redirect(_) => Maker::Writer("redirect"),
            Product::RedirectsFile => Maker::Writer("redirects"),
            Product::NginxMap => Maker::Writer("nginx-map"),
            Product::SearchIndex => Maker::Writer("search-index"),
        }
    }

    /// When `gen build` makes it.
    pub fn stage(&self) -> Stage {
        match self {
            Product::Page(_) | Product::Asset { .. } | Product::Image(_) => Stage::Render,
            Product::Feed { .. }
            | Product::Sitemap
            | Product::NewsSitemap
            | Product::Robots
            | Product::Redirect(_)
            | Product::RedirectsFile
            | Product::NginxMap => Stage::Feeds,
            // Made while the pages are rendered: it reads only the site, and most of it is
            // one language at a time (see `long`).
            Product::SearchIndex => Stage::Render,
            Product::Static { .. } => Stage::Static,
        }
    }

    /// A product that takes long and is partly sequential (the search index): its stage starts
    /// it first, beside the rest.
    pub fn long(&self) -> bool {
        matches!(self, Product::SearchIndex)
    }

    /// Whether its bytes can change with no change to the site's files (the news sitemap
    /// follows the clock): the dev server looks at it on every rebuild.
    pub fn volatile(&self) -> bool {
        matches!(self, Product::NewsSitemap)
    }

    /// For messages: what makes this file.
    pub fn describe(&self, plan: &Plan<'_>) -> String {
        let site = plan.site;
        match self {
            Product::Page(Job::Article(i)) => format!(
                "the article {}",
                site.articles[*i].doc.display_path().display()
            ),
            Product::Page(Job::Term { term, .. }) => {
                format!("the {} page of `{}`", term.kind.name(), term.name)
            }
            Product::Page(job) => format!("the {} page", job.kind().name()),
            Product::Asset { src, .. } => format!("the bundle file {}", src.display()),
            Product::Image(pic) => format!("the variants of {}", pic.disk.display()),
            Product::Static { src, rel } => match src {
                StaticSource::Disk(p) => format!("the static file {}", p.display()),
                StaticSource::Bytes(_) => format!("the theme's static file {rel}"),
            },
            Product::Feed { spec, format } => {
                format!("the {} feed of /{}", format.label(), plan.feeds[*spec].rel)
            }
            Product::Sitemap => "the sitemap".into(),
            Product::NewsSitemap => "the news sitemap".into(),
            Product::Robots => "robots.txt".into(),
            Product::Redirect(r) => {
                let r = &site.redirects[*r];
                format!(
                    "the redirect from /{} to {}",
                    r.from,
                    site.articles[r.to].doc.display_path().display()
                )
            }
            Product::RedirectsFile => "the _redirects file".into(),
            Product::NginxMap => "the nginx redirect map".into(),
            Product::SearchIndex => "the search index".into(),
        }
    }

    /// A hash of everything [`Product::produce`] reads besides the templates and the
    /// configuration: equal signatures mean equal bytes. `article(i, facet)` hashes what
    /// `facet` shows of article `i` (the dev server makes it from the article's file, rendered
    /// body, permalink, people and flags); a signature adds which articles the product shows,
    /// in what order and role, and its own data.
    pub fn signature(
        &self,
        plan: &Plan<'_>,
        env: &Env,
        article: &dyn Fn(usize, Facet) -> u64,
    ) -> u64 {
        let site = plan.site;
        // The path is not hashed: signatures are compared per path.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        match self {
            Product::Page(job) => page_signature(site, job, article, &mut h),
            Product::Asset { src, .. } => (0u8, src, stamp(src)).hash(&mut h),
            // The source's digest, size and the settings, through the variants' names.
            Product::Image(pic) => (3u8, pic.key()).hash(&mut h),
            Product::Static { src, .. } => match src {
                StaticSource::Disk(p) => (1u8, p, stamp(p)).hash(&mut h),
                StaticSource::Bytes(b) => (2u8, b).hash(&mut h),
            },
            Product::Feed { spec, format } => {
                let spec = &plan.feeds[*spec];
                (
                    format,
                    &spec.rel,
                    &spec.title,
                    &spec.description,
                    &spec.lang,
                    &spec.page,
                )
                    .hash(&mut h);
                let chosen = crate::feeds::limited(site, spec);
                for &i in &chosen {
                    article(i, Facet::Feed).hash(&mut h);
                }
                if chosen.is_empty() {
                    // An empty feed is dated by the newest article of the whole site.
                    site.articles
                        .iter()
                        .map(crate::meta::last_modified)
                        .max()
                        .map(|d| d.rfc3339())
                        .hash(&mut h);
                }
            }
            Product::Sitemap => {
                // URLs, modification dates and hreflang clusters: exactly what it lists.
                crate::sitemap::each_entry(site, |e| {
                    e.loc.hash(&mut h);
                    e.lastmod.map(|d| d.rfc3339()).hash(&mut h);
                    for a in e.alternates {
                        (&a.hreflang, &a.href).hash(&mut h);
                    }
                    Ok::<(), std::convert::Infallible>(())
                })
                .unwrap_or_else(|e| match e {});
                (env.limits.urls, env.limits.bytes).hash(&mut h);
            }
            Product::NewsSitemap => {
                env.now.as_second().hash(&mut h);
                for i in crate::sitemap::news_articles(site, env.now) {
                    article(i, Facet::Card).hash(&mut h);
                }
            }
            Product::Robots => crate::sitemap::robots_txt(site).hash(&mut h),
            Product::Redirect(r) => {
                let r = &site.redirects[*r];
                article(r.to, Facet::Version).hash(&mut h);
            }
            Product::RedirectsFile | Product::NginxMap => {
                for &r in &plan.redirects {
                    let r = &site.redirects[r];
                    (&r.from, article(r.to, Facet::Version)).hash(&mut h);
                }
            }
            Product::SearchIndex => {
                // Which articles, in what order, and what the index reads of each; the
                // taxonomies' folders and names (the filters).
                for i in crate::search::indexed(site) {
                    article(i, Facet::Search).hash(&mut h);
                }
                plan.search_facets().hash(&mut h);
            }
        }
        h.finish()
    }

    /// Makes the product's files, handing each to `emit` (output path, bytes or file) as it
    /// is made.
    pub fn produce(&self, p: &Producer<'_, '_>, emit: Emit<'_>) -> Result<()> {
        let plan = p.plan;
        let site = plan.site;
        let mut one = |bytes: Vec<u8>| emit(self.path(plan), Made::Bytes(bytes));
        match self {
            Product::Page(job) => {
                let html = crate::render::render_page(site, plan.theme, job)?;
                one(if p.minify {
                    crate::minify::minify(&html)
                } else {
                    html
                })
            }
            Product::Asset { rel, src, .. } => emit(rel.clone(), Made::File(src.clone())),
            Product::Image(pic) => {
                for (rel, m) in crate::images::produce(&site.config, pic)? {
                    emit(rel, m)?;
                }
                Ok(())
            }
            Product::Static { rel, src } => emit(
                rel.clone(),
                match src {
                    StaticSource::Disk(path) => Made::File(path.to_path_buf()),
                    StaticSource::Bytes(b) => Made::Bytes(b.to_vec()),
                },
            ),
            Product::Feed { spec, format } => one(crate::feeds::feed(
                site,
                &p.items,
                &plan.feeds[*spec],
                *format,
            )?),
            Product::Sitemap => crate::sitemap::each_sitemap_file(site, p.env.limits, |rel, b| {
                emit(rel, Made::Bytes(b))
            }),
            Product::NewsSitemap => one(crate::sitemap::news_sitemap(site, p.env.now)?),
            Product::Robots => one(crate::sitemap::robots_txt(site).into_bytes()),
            Product::Redirect(r) => one(crate::publishing::redirect_page(
                site,
                plan.theme,
                &site.redirects[*r],
            )),
            Product::RedirectsFile => {
                one(crate::publishing::redirects_file(site, &plan.redirects).into_bytes())
            }
            Product::NginxMap => {
                one(crate::publishing::nginx_map(site, &plan.redirects).into_bytes())
            }
            Product::SearchIndex => {
                crate::search::each_file(site, p.search, |rel, b| emit(rel, Made::Bytes(b)))
            }
        }
    }
}

fn page_signature(
    site: &Site,
    job: &Job<'_>,
    article: &dyn Fn(usize, Facet) -> u64,
    h: &mut std::collections::hash_map::DefaultHasher,
) {
    let card = |i: usize| article(i, Facet::Card);
    let version = |i: usize| article(i, Facet::Version);
    match job {
        Job::Article(i) => {
            0u8.hash(h);
            let a = &site.articles[*i];
            article(*i, Facet::Page).hash(h);
            for &t in &a.translations {
                version(t).hash(h);
            }
            1u8.hash(h);
            a.original.map(version).hash(h);
            for r in &site.related[*i] {
                match r {
                    Related::Article(j) => (0u8, card(*j)).hash(h),
                    Related::External {
                        title,
                        url,
                        kicker,
                        description,
                    } => (1u8, title, url, kicker, description).hash(h),
                }
            }
        }
        Job::Home {
            lang,
            page,
            items,
            total,
        } => {
            (1u8, lang, page, total).hash(h);
            for &i in *items {
                card(i).hash(h);
            }
            if *page == 1 {
                // The front page's parts: which articles in which part, their cards, and the
                // stories' names, pages and counts.
                let front = crate::front::front(site, lang);
                front.hash(h);
                for i in front
                    .lead
                    .iter()
                    .chain(&front.latest)
                    .chain(&front.recent)
                    .chain(front.stories.iter().flat_map(|(_, l)| l))
                {
                    card(*i).hash(h);
                }
                for (k, _) in &front.stories {
                    let t = &site.taxonomies[&crate::site::TaxonomyKind::Stories][*k];
                    let name = crate::render::term_name(site, t, lang);
                    (name, &t.slug, t.articles.len()).hash(h);
                }
            }
        }
        Job::Taxonomy { kind, lang } => {
            (2u8, kind, lang).hash(h);
            for t in &site.taxonomies[kind] {
                let name = crate::render::term_name(site, t, lang);
                (name, &t.rel, t.articles.len()).hash(h);
            }
        }
        Job::Term {
            term,
            lang,
            page,
            items,
            total,
        } => {
            let name = crate::render::term_name(site, term, lang);
            (3u8, term.kind, name, &term.rel, term.articles.len(), lang).hash(h);
            (page, total).hash(h);
            // Whether it announces a feed, and where its other-language articles start.
            crate::feeds::term_feed_langs(site, term)
                .contains(lang)
                .hash(h);
            term.in_language(lang).hash(h);
            if let Some(p) = term.person {
                serde_json::to_string(site.people.get(p))
                    .unwrap_or_default()
                    .hash(h);
                site.images.person_key(p).hash(h);
            }
            for &i in *items {
                card(i).hash(h);
            }
        }
        Job::NotFound(lang) => (4u8, lang).hash(h),
        Job::Archive {
            archive,
            page,
            items,
            total,
        } => {
            let a = &site.archives[*archive];
            (5u8, &a.lang, a.period, page, total).hash(h);
            let links = crate::archives::links(&site.archives, *archive);
            for j in links
                .parents
                .iter()
                .chain(&links.within)
                .chain(links.prev.iter())
                .chain(links.next.iter())
            {
                let b = &site.archives[*j];
                (b.period, &b.rel, b.articles.len()).hash(h);
            }
            (links.prev.is_some(), links.next.is_some()).hash(h);
            for &i in *items {
                card(i).hash(h);
            }
        }
        Job::ArchiveIndex(lang) => {
            (6u8, lang).hash(h);
            for a in site.archives.iter().filter(|a| a.lang == *lang) {
                if a.period.level() == "year" {
                    (a.period, a.articles.len()).hash(h);
                }
            }
        }
        // Its language; the rest is configuration and templates.
        Job::Search(lang) => (8u8, lang).hash(h),
        Job::Tombstone(i) => {
            let t = &site.tombstones[*i];
            (7u8, &t.doc.meta.lang, t.takedown.reason).hash(h);
            (t.takedown.date.rfc3339(), &t.takedown.note).hash(h);
        }
    }
}

/// Size and modification time of a file: what a copy's signature reads.
fn stamp(path: &Path) -> Option<(u64, Option<std::time::SystemTime>)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()))
}

/// Every static file of the theme and the site but the `withheld` ones (images published as
/// variants only): output path (fingerprinted when the theme asks) and source.
pub fn static_outputs<'t>(
    theme: &'t Theme,
    withheld: &std::collections::HashSet<&str>,
) -> Vec<(String, StaticSource<'t>)> {
    let mut out = Vec::with_capacity(theme.static_files.len());
    for f in &theme.static_files {
        let rel = f.rel.to_string_lossy().replace('\\', "/");
        if withheld.contains(rel.as_str()) {
            continue;
        }
        if let Some(plan) = theme.assets.planned(&rel) {
            // Rewritten CSS and fingerprinted copies (see `theme::Assets`).
            let src = match (&plan.bytes, &f.disk, f.bytes) {
                (Some(b), _, _) => StaticSource::Bytes(b.as_slice()),
                (None, Some(p), _) => StaticSource::Disk(p),
                (None, None, Some(b)) => StaticSource::Bytes(b),
                (None, None, None) => continue,
            };
            out.push((plan.fingerprinted.clone().unwrap_or(rel), src));
            continue;
        }
        match (&f.disk, f.bytes) {
            (Some(p), _) => out.push((rel, StaticSource::Disk(p))),
            (None, Some(b)) => out.push((rel, StaticSource::Bytes(b))),
            _ => {}
        }
    }
    out
}
