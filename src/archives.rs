//! Date archives: per language, every year, month and day that has articles, each a list of
//! that period's articles at the prefix of the permalink pattern (`2026/`, `ru/2026/05/20/`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Config;
use crate::site::Article;
use crate::urls;

/// A year, a month of a year, or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Period {
    /// Year.
    pub year: i16,
    /// Month (1–12), for a month or a day.
    pub month: Option<i8>,
    /// Day of the month, for a day.
    pub day: Option<i8>,
}

impl Period {
    /// `year`, `month` or `day`: which kind of period (what templates switch on).
    pub fn level(&self) -> &'static str {
        match (self.month, self.day) {
            (_, Some(_)) => "day",
            (Some(_), None) => "month",
            _ => "year",
        }
    }

    /// The periods an article dated `d` belongs to: its year, month and day.
    pub fn of(d: jiff::civil::Date) -> [Period; 3] {
        let year = d.year();
        let month = Some(d.month());
        [
            Period {
                year,
                month: None,
                day: None,
            },
            Period {
                year,
                month,
                day: None,
            },
            Period {
                year,
                month,
                day: Some(d.day()),
            },
        ]
    }

    /// `2026-05-20`, `2026-05` or `2026`: the value of a `<time datetime>`.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// Whether `other` is within this period (a month of this year, a day of this month).
    pub fn contains(&self, other: &Period) -> bool {
        self.year == other.year
            && (self.month.is_none() || self.month == other.month)
            && (self.day.is_none() || self.day == other.day)
    }
}

/// A language's articles of one period.
#[derive(Debug, Clone)]
pub struct Archive {
    /// Language code.
    pub lang: String,
    /// The period.
    pub period: Period,
    /// Site-relative folder of its first page.
    pub rel: String,
    /// Articles, newest first.
    pub articles: Vec<usize>,
}

/// Every archive of the site, by language (site order), then period (oldest first, a year
/// before its months, a month before its days).
pub fn archives(config: &Config, articles: &[Article]) -> Vec<Archive> {
    let mut map: BTreeMap<(usize, Period), Vec<usize>> = BTreeMap::new();
    for (i, a) in articles.iter().enumerate() {
        let rank = config
            .languages
            .iter()
            .position(|l| l.code == a.lang())
            .unwrap_or(usize::MAX);
        for p in Period::of(a.doc.meta.date.civil_date()) {
            map.entry((rank, p)).or_default().push(i);
        }
    }
    map.into_iter()
        .map(|((_, period), list)| {
            let lang = articles[list[0]].lang().to_string();
            Archive {
                rel: urls::archive(config, &lang, &period),
                lang,
                period,
                articles: list,
            }
        })
        .collect()
}

/// What an archive page links to, as indices into the list of archives.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct Links {
    /// The year of a month; the year and month of a day.
    pub parents: Vec<usize>,
    /// The months of a year, the days of a month.
    pub within: Vec<usize>,
    /// The previous period of the same kind with articles (older).
    pub prev: Option<usize>,
    /// The next one (newer).
    pub next: Option<usize>,
}

/// The links of archive `k`. The list is in [`archives`]' order, so a period's subperiods
/// follow it, and its parents come before it: each scan stops at the language's or the
/// enclosing period's end (no page looks at the whole archive).
pub fn links(all: &[Archive], k: usize) -> Links {
    let me = &all[k];
    let level = me.period.level();
    let same_lang = |j: usize| all[j].lang == me.lang;
    let child = match level {
        "year" => Some("month"),
        "month" => Some("day"),
        _ => None,
    };
    let mut l = Links::default();
    let mut j = k + 1;
    while j < all.len() && same_lang(j) && me.period.contains(&all[j].period) {
        if Some(all[j].period.level()) == child {
            l.within.push(j);
        }
        j += 1;
    }
    // The next period of this kind: the first one after this one's subperiods, skipping
    // shorter periods (the months and days of the next year).
    l.next = (j..all.len())
        .take_while(|&j| same_lang(j))
        .find(|&j| all[j].period.level() == level);
    let parents = match level {
        "day" => 2,
        "month" => 1,
        _ => 0,
    };
    let mut j = k;
    while j > 0 && same_lang(j - 1) && (l.prev.is_none() || l.parents.len() < parents) {
        j -= 1;
        let p = &all[j].period;
        if p.level() == level {
            l.prev.get_or_insert(j);
        } else if p.contains(&me.period) {
            l.parents.push(j);
        }
    }
    l.parents.reverse();
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_nest_and_print() {
        let d: jiff::civil::Date = "2026-05-20".parse().unwrap();
        let [y, m, day] = Period::of(d);
        assert_eq!(
            (y.iso(), m.iso(), day.iso()),
            ("2026".into(), "2026-05".into(), "2026-05-20".into())
        );
        assert_eq!(
            (y.level(), m.level(), day.level()),
            ("year", "month", "day")
        );
        assert!(y.contains(&m) && y.contains(&day) && m.contains(&day));
        assert!(!day.contains(&m));
        assert!(y < m && m < day);
    }

    fn archive(lang: &str, iso: &str) -> Archive {
        let parts: Vec<i32> = iso.split('-').map(|p| p.parse().unwrap()).collect();
        Archive {
            lang: lang.into(),
            period: Period {
                year: parts[0] as i16,
                month: parts.get(1).map(|&m| m as i8),
                day: parts.get(2).map(|&d| d as i8),
            },
            rel: String::new(),
            articles: vec![0],
        }
    }

    #[test]
    fn links_find_parents_children_and_neighbours() {
        let all: Vec<Archive> = [
            ("en", "2025"),
            ("en", "2025-11"),
            ("en", "2025-11-03"),
            ("en", "2025-12"),
            ("en", "2025-12-24"),
            ("en", "2026"),
            ("en", "2026-01"),
            ("en", "2026-01-05"),
            ("en", "2026-01-09"),
            ("ru", "2026"),
            ("ru", "2026-01"),
            ("ru", "2026-01-09"),
        ]
        .into_iter()
        .map(|(l, p)| archive(l, p))
        .collect();
        let l = links(&all, 0);
        assert_eq!((l.within, l.prev, l.next), (vec![1, 3], None, Some(5)));
        let l = links(&all, 5);
        assert_eq!((l.within, l.prev, l.next), (vec![6], Some(0), None));
        // A day: its month and year; the day before is in the previous year.
        let l = links(&all, 7);
        assert_eq!(l.parents, vec![5, 6]);
        assert_eq!((l.prev, l.next), (Some(4), Some(8)));
        let l = links(&all, 6);
        assert_eq!((l.parents, l.within), (vec![5], vec![7, 8]));
        assert_eq!((l.prev, l.next), (Some(3), None));
        // Languages do not mix.
        let l = links(&all, 10);
        assert_eq!(
            (l.parents, l.within, l.prev, l.next),
            (vec![9], vec![11], None, None)
        );
    }
}
