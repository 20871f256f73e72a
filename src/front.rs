//! The front page of a language: what leads, what follows, which running stories get a block.
//!
//! Everything is chosen from content and `[home]` (and, for pins with `until`, the build's
//! "now", as scheduling is), never from the order of files, so one set of files gives one page:
//!
//! - **lead**: the first pin of `[home] lead.<lang>` that has not expired, else the newest
//!   article of the language with `home: lead` that has not expired, else the newest article;
//! - **latest**: the next `latest` articles, newest first;
//! - **stories**: running stories with an article in the language dated at most `active_days`
//!   before the language's newest article, newest first, at most `stories` of them, each with
//!   its `story_cards` newest articles (the reader's language first) not shown above;
//! - **recent**: the `recent` articles after those, as headlines with times.

use jiff::{SignedDuration, Timestamp};

use crate::content::HomePin;
use crate::dates::DateTime;
use crate::site::{Site, TaxonomyKind};

/// What a language's front page shows (article indices; stories by index into the stories
/// taxonomy).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Front {
    /// The lead.
    pub lead: Option<usize>,
    /// The articles after the lead.
    pub latest: Vec<usize>,
    /// Active stories: the story's index in `site.taxonomies[Stories]` and its articles shown.
    pub stories: Vec<(usize, Vec<usize>)>,
    /// Headlines with times.
    pub recent: Vec<usize>,
}

/// The first instant a pin that lasts `until` no longer holds: a date without a time holds to
/// the end of that day, a time up to and including itself.
fn ends(until: &DateTime) -> Timestamp {
    if until.date_only {
        until.ts + SignedDuration::from_hours(24)
    } else {
        until.ts + SignedDuration::from_nanos(1)
    }
}

/// Whether a pin that lasts `until` still holds at `now`.
fn holds(until: Option<DateTime>, now: Timestamp) -> bool {
    until.is_none_or(|u| now < ends(&u))
}

/// The next instant after the site's "now" at which a pin of any language's front page
/// (`[home] lead` or `home: {pin: lead, until}`) expires: the dev server then decides the
/// front pages again ([`crate::serve::incremental::Changes::now`]); `gen build` decides once.
pub fn next_expiry(site: &Site) -> Option<Timestamp> {
    let now = site.config.now;
    let configured = site
        .config
        .home
        .lead
        .values()
        .flatten()
        .filter_map(|p| DateTime::parse(p.until.as_deref()?).ok());
    let written = site.articles.iter().filter_map(|a| match &a.doc.meta.home {
        Some(HomePin { until: Some(u) }) => Some(*u),
        _ => None,
    });
    configured
        .chain(written)
        .map(|u| ends(&u))
        .filter(|&t| t > now)
        .min()
}

/// The front page of `lang`.
pub fn front(site: &Site, lang: &str) -> Front {
    let list: &[usize] = site.by_lang.get(lang).map(Vec::as_slice).unwrap_or(&[]);
    let home = &site.config.home;
    let now = site.config.now;
    let pinned = home
        .lead
        .get(lang)
        .into_iter()
        .flatten()
        .find(|p| holds(p.until.as_deref().and_then(|u| DateTime::parse(u).ok()), now))
        .and_then(|p| {
            list.iter()
                .copied()
                .find(|&i| site.articles[i].doc.file.rel == p.article)
        })
        .or_else(|| {
            list.iter().copied().find(|&i| {
                matches!(site.articles[i].doc.meta.home, Some(HomePin { until }) if holds(until, now))
            })
        });
    let lead = pinned.or_else(|| list.first().copied());
    let mut rest = list.iter().copied().filter(|&i| Some(i) != lead);
    let latest: Vec<usize> = rest.by_ref().take(home.latest).collect();
    // An article shown is shown with its language versions: a story block does not offer the
    // English version of the lead.
    let mut shown: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let show = |shown: &mut std::collections::HashSet<usize>, i: usize| {
        shown.insert(i);
        shown.extend(site.articles[i].translations.iter().copied());
    };
    for &i in lead.iter().chain(&latest) {
        show(&mut shown, i);
    }

    let mut stories: Vec<(usize, Vec<usize>, Timestamp)> = Vec::new();
    if let (Some(&newest), Some(terms)) =
        (list.first(), site.taxonomies.get(&TaxonomyKind::Stories))
    {
        let since = site.articles[newest].doc.meta.date.ts
            - SignedDuration::from_hours(24 * i64::from(home.active_days));
        for (k, t) in terms.iter().enumerate() {
            let Some(&mine) = t
                .articles
                .iter()
                .find(|&&i| site.articles[i].lang() == lang)
            else {
                continue;
            };
            let date = site.articles[mine].doc.meta.date.ts;
            if date < since {
                continue;
            }
            stories.push((k, Vec::new(), date));
        }
        stories.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        stories.truncate(home.stories);
        for (k, cards, _) in &mut stories {
            *cards = terms[*k]
                .order(lang)
                .iter()
                .copied()
                .filter(|i| !shown.contains(i))
                .take(home.story_cards)
                .collect();
            for &i in cards.iter() {
                show(&mut shown, i);
            }
        }
        stories.retain(|(_, cards, _)| !cards.is_empty());
    }
    let recent = rest
        .filter(|i| !shown.contains(i))
        .take(home.recent)
        .collect();
    Front {
        lead,
        latest,
        stories: stories.into_iter().map(|(k, c, _)| (k, c)).collect(),
        recent,
    }
}
