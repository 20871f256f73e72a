//! gen: a static site generator for translated journalism.
//!
//! The build is a pipeline of plain values, one module per stage:
//! [`config`] → [`content`] (discover, front matter) → [`markdown`] → [`site`] (permalinks,
//! translations, taxonomies) → [`related`] → [`images`] (variants of every photo) →
//! [`outputs`] (the list of everything published:
//! pages by [`render`] with [`theme`] and [`meta`], [`feeds`], [`sitemap`], static files) →
//! [`output`]. [`urls`] names every URL. [`build`] runs them in order. See ARCHITECTURE.md.

pub mod archives;
pub mod build;
pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod embeds;
pub mod feeds;
pub mod front;
pub mod images;
pub mod markdown;
pub mod meta;
pub mod minify;
pub mod output;
pub mod outputs;
pub mod people;
pub mod publishing;
pub mod related;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod shortcodes;
pub mod site;
pub mod sitemap;
pub mod slug;
pub mod taxonomy;
pub mod terms;
pub mod theme;
pub mod theme_images;
pub mod timer;
pub mod urls;
pub mod xml;

pub use build::{BuildOptions, BuildReport, build, load_site};
pub use diagnostics::{Diagnostic, Error, Result};
