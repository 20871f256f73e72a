//! Related reading: pinned entries first, then articles ranked by shared running story, shared
//! tags and people weighted by rarity, and recency. Candidates come from an inverted index, so
//! the cost follows the number of shared features, not the square of the archive.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::site::{Related, Site};

/// Fills `site.related` for every article.
pub fn attach(site: &mut Site) {
    let computed = compute(site);
    for (i, list) in computed.into_iter().enumerate() {
        let want = site.articles[i]
            .doc
            .meta
            .related_count
            .unwrap_or(site.config.related.count);
        let mut out = site.articles[i].pinned.clone();
        for j in list {
            if out.len() >= want {
                break;
            }
            if !out.contains(&Related::Article(j)) {
                out.push(Related::Article(j));
            }
        }
        site.related[i] = out;
    }
}

/// A hash of everything [`attach`] reads of article `i`: while no article's key changes (and
/// no article comes or goes), every related list stays the same, so the dev server carries the
/// lists over instead of computing them again. Whatever the ranking starts to read of an
/// article (its text, say) must be hashed here too.
pub fn input_key(site: &Site, i: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    features(site, i).hash(&mut h);
    (
        &a.doc.file.rel,
        m.date.ts.as_second(),
        a.lang(),
        m.related_count,
    )
        .hash(&mut h);
    for &t in &a.translations {
        site.articles[t].doc.file.rel.hash(&mut h);
    }
    for r in &a.pinned {
        match r {
            Related::Article(j) => site.articles[*j].doc.file.rel.hash(&mut h),
            other => format!("{other:?}").hash(&mut h),
        }
    }
    h.finish()
}

/// Feature keys of an article: story, tags, people, outlet.
fn features(site: &Site, i: usize) -> Vec<(u8, String)> {
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let mut f = Vec::new();
    if let Some(s) = &m.story {
        f.push((0, crate::slug::slugify_ascii(s)));
    }
    for t in &m.tags {
        f.push((1, crate::slug::slugify_ascii(t)));
    }
    for &p in a.authors.iter().chain(&a.translators) {
        f.push((2, site.people.get(p).slug.clone()));
    }
    if let Some(s) = &m.source {
        f.push((3, crate::slug::slugify_ascii(&s.name)));
    }
    f.sort();
    f.dedup();
    f
}

/// Ranked candidate indices per article (pinned ones not included).
pub fn compute(site: &Site) -> Vec<Vec<usize>> {
    let n = site.articles.len();
    let cfg = &site.config.related;
    if cfg.count == 0
        && site
            .articles
            .iter()
            .all(|a| a.doc.meta.related_count.unwrap_or(0) == 0)
    {
        return vec![Vec::new(); n];
    }
    let feats: Vec<Vec<(u8, String)>> = (0..n).map(|i| features(site, i)).collect();
    let mut index: HashMap<&(u8, String), Vec<usize>> = HashMap::new();
    for (i, f) in feats.iter().enumerate() {
        for k in f {
            index.entry(k).or_default().push(i);
        }
    }
    let weight = |kind: u8| match kind {
        0 => cfg.story,
        1 => cfg.tags,
        2 => cfg.people,
        _ => cfg.outlet,
    };
    let nf = n as f64;
    (0..n)
        .into_par_iter()
        .map(|i| {
            let a = &site.articles[i];
            let want = a.doc.meta.related_count.unwrap_or(cfg.count);
            if want == 0 {
                return Vec::new();
            }
            let mut scores: HashMap<usize, f64> = HashMap::new();
            for k in &feats[i] {
                let posting = &index[k];
                // A feature on more than half the archive says little; a story always counts.
                if k.0 != 0 && posting.len() as f64 > nf * 0.5 && n > 20 {
                    continue;
                }
                let idf = (1.0 + nf / posting.len() as f64).ln();
                for &j in posting {
                    *scores.entry(j).or_default() += weight(k.0) * idf;
                }
            }
            scores.remove(&i);
            for t in &a.translations {
                scores.remove(t);
            }
            let mut ranked: Vec<(f64, usize)> = scores
                .into_iter()
                .map(|(j, s)| {
                    let b = &site.articles[j];
                    let days = (a.doc.meta.date.ts.as_second() - b.doc.meta.date.ts.as_second())
                        .abs() as f64
                        / 86_400.0;
                    let recency = cfg.recency / (1.0 + days / 30.0);
                    let lang = if b.lang() == a.lang() { 1.0 } else { 0.0 };
                    (s + recency + lang * 100.0, j)
                })
                .collect();
            ranked.sort_by(|x, y| {
                y.0.total_cmp(&x.0)
                    .then_with(|| {
                        site.articles[y.1]
                            .doc
                            .meta
                            .date
                            .cmp(&site.articles[x.1].doc.meta.date)
                    })
                    .then_with(|| {
                        site.articles[x.1]
                            .doc
                            .file
                            .rel
                            .cmp(&site.articles[y.1].doc.file.rel)
                    })
            });
            ranked
                .into_iter()
                .take(want + a.pinned.len())
                .map(|(_, j)| j)
                .collect()
        })
        .collect()
}
