//! The kinds of taxonomy: the front matter keys that group articles into lists with pages
//! and feeds. Its own module because URLs ([`crate::urls`]) and the site model
//! ([`crate::site`]) both name them.

use serde::Serialize;

/// The five kinds of taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyKind {
    /// "Story by".
    Authors,
    /// "Translation by".
    Translators,
    /// The outlets of the originals.
    Outlets,
    /// Tags.
    Tags,
    /// Running stories.
    Stories,
}

impl TaxonomyKind {
    /// All kinds in display order.
    pub const ALL: [TaxonomyKind; 5] = [
        Self::Authors,
        Self::Translators,
        Self::Outlets,
        Self::Tags,
        Self::Stories,
    ];

    /// URL segment and template key.
    pub fn name(self) -> &'static str {
        match self {
            Self::Authors => "authors",
            Self::Translators => "translators",
            Self::Outlets => "outlets",
            Self::Tags => "tags",
            Self::Stories => "stories",
        }
    }
}
