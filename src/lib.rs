//! gen: a static site generator for translated journalism.
//!
//! The build is a pipeline of plain values, one module per stage:
//! [`config`] → [`content`] (discover, front matter) → [`markdown`] → [`site`] (permalinks,
//! translations, taxonomies) → [`related`] → [`render`] with [`theme`] and [`meta`] → [`output`];
//! [`feeds`] and [`sitemap`] write what machines read besides the pages.
//! [`build`] runs them in order. See ARCHITECTURE.md.

pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod feeds;
pub mod markdown;
pub mod meta;
pub mod output;
pub mod people;
pub mod related;
pub mod render;
pub mod scaffold;
pub mod site;
pub mod sitemap;
pub mod slug;
pub mod theme;

pub use build::{BuildOptions, BuildReport, build, load_site};
pub use diagnostics::{Diagnostic, Error, Result};
