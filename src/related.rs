//! Related reading: the pinned `related:` entries first, then articles chosen the way a news
//! editor would choose them.
//!
//! # Ranking
//!
//! Every candidate gets a [`Score`] made of parts, each a signal in 0‥1 times its weight from
//! `[related]` in site.toml:
//!
//! - **story** — the same running story, whichever is newer (an old article links its
//!   follow-ups; Hugo hides newer pages by default, which is wrong for news);
//! - **tags**, **people** (authors), **translators** and **outlet** — each shared term counts by
//!   its rarity, `ln(N/df) / ln(N)` (a tag on half the archive says little, one on two
//!   articles a lot), divided by `√(terms of A × terms of B)` so that an article with twenty tags
//!   does not match everything; the part stays within 0‥1;
//! - **text** — cosine similarity of TF-IDF vectors over the words of title (×3), dek (×2) and
//!   body, cut to each article's [`TOP_TERMS`] heaviest terms; terms on a single article or on
//!   more than half the archive are dropped, and so are stop words of the article's language;
//! - **recency** — closeness in time, `1 / (1 + days apart / 30)`, a tie-breaker.
//!
//! Candidates are ordered by tier, then total score, then date (newer first), then content path:
//! tier 0 shares something with the article and is in the reader's language, tier 1 shares
//! something in another language (shown only when the reader's language runs out). An article
//! that shares nothing is never "related", however recent: fewer cards (or none) rather than
//! filler. Never the article itself, one of its language versions, a draft, a pinned article,
//! or two versions of one article.
//!
//! Nor a candidate that shares too little compared with the best one: a candidate whose
//! relevance (the score without recency) is below `[related] min_score` times the best
//! candidate's is cut, so that an article with two strong matches shows two cards rather than
//! two and a weak third. Cut candidates rank after all the others (so they never take the
//! place of a strong candidate in another language) and `gen related` lists them as cut.
//!
//! # Cost
//!
//! Not quadratic: inverted indexes from features and terms to articles give the candidates, and
//! they are pruned — for a feature only the [`FEATURE_WINDOW`] articles nearest in time, for a
//! term only its heaviest articles (see [`TEXT_POSTINGS`]). A first pass adds up the parts along those
//! lists; the best few are then scored exactly by [`Model::score`], the same function that
//! `gen related` prints, so what an editor reads is what decided. Articles are ranked in
//! parallel. Nothing depends on the order the files were found in: ties, term identities and
//! posting orders all come from dates, paths and the words themselves.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use rayon::prelude::*;

use crate::config::RelatedConfig;
use crate::diagnostics::plural;
use crate::site::{Related, Site, TaxonomyKind};
use crate::slug::slugify_ascii;

/// Terms kept per article: enough to describe a news story, few enough to bound the work.
pub const TOP_TERMS: usize = 24;
/// Postings read per text term, heaviest first: `16 + TEXT_POSTINGS × w²` for a term of weight
/// `w` in the article (the weights' squares sum to 1, so about `TEXT_POSTINGS + 16 × terms` in
/// all): the terms that matter most to the article are read deepest.
pub const TEXT_POSTINGS: usize = 2000;
/// Articles read from each tag's, person's, outlet's or story's postings (the nearest in time).
pub const FEATURE_WINDOW: usize = 64;
/// Words of the body read: the lede and the first paragraphs say what a story is about (later
/// ones drift into background and quotes), and a cap keeps a 20,000-word feature as cheap as a
/// brief.
pub const BODY_WORDS: usize = 400;
/// How many times a title word counts.
const TITLE_BOOST: f32 = 3.0;
/// How many times a dek word counts.
const DEK_BOOST: f32 = 2.0;
/// Days apart at which the recency part halves.
const RECENCY_DAYS: f64 = 30.0;

/// FxHash: fast, fixed (no random seed, so runs are reproducible), good enough for hashing keys
/// that are already hashes or short strings.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
type FxSet<K> = HashSet<K, BuildHasherDefault<Fx>>;

// ---------------------------------------------------------------------------------------------
// Tokenisation
// ---------------------------------------------------------------------------------------------

/// FNV-1a, 64 bits: a term is known by the hash of its normalised spelling, so that per-article
/// term lists hold no strings and term identity does not depend on which article came first.
fn term_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Short stop-word lists, written for gen: function words that say nothing about a topic.
/// Words common in a given archive are dropped by document frequency anyway.
pub(crate) fn stop_words(lang: &str) -> &'static str {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    match primary {
        "en" => concat!(
            "a about after again against all also am an and any are as at be because been before ",
            "being between both but by can could did do does down during each even few for from ",
            "further had has have he her here him his how if in into is it its just like may me ",
            "might more most must my no nor not now of off on once one only or other our out over ",
            "own per said same say says she should since so some still such than that the their ",
            "them then there these they this those through to too two under until up us very was ",
            "we were what when where which while who whom why will with would yet you your",
        ),
        "ru" => concat!(
            "а без более бы был была были было быть в вам вас весь во вот все всего всех вы где ",
            "да даже для до его ее ей ему если есть еще же за здесь и из или им их к как какой ",
            "когда кто ли либо между меня мне может мы на над надо нас не него нее нет ни них но ",
            "ну о об однако он она они оно от очень по под после при про раз с свой свою себе ",
            "себя со так также такой там тем то того тоже только том тот у уже чем что чтобы эта ",
            "эти это этого этой этом этот эту я который которая которое которые которых котором ",
            "которой сказал заявил будет будут через перед",
        ),
        "uk" => concat!(
            "а або адже але б без би був була були було бути в вже ви від він вона вони воно все ",
            "всі де для до є ж же з за зі і із й її їх їм його к коли котрий лише між ми на над ",
            "не ні о от під після по про проте саме своє свої свій себе собі та так також там те ",
            "теж ти ті тільки тим тих то тоді той тому тут у усі це цей ці цих ця цього цієї чи ",
            "що щоб щодо як яка яке які який якого яких якщо я буде будуть через перед сказав ",
            "заявив",
        ),
        "de" => concat!(
            "aber alle allem als also am an auch auf aus bei bereits bis da damit dann das dass ",
            "daß dem den denn der des dich die dies diese diesem diesen dieser dieses doch dort ",
            "du durch ein eine einem einen einer eines er es etwa für gegen hat hatte hatten ",
            "haben hier ich ihr ihre ihrem ihren ihrer im in ist jede jeder kann kein keine ",
            "können man mehr mit muss müssen nach nicht noch nun nur ob oder ohne sagte schon ",
            "sehr sein seine seinem seinen seiner seit sich sie sind so soll sollen sowie über um ",
            "und uns unter vom von vor war waren was weil wenn wer werden wie wir wird wo wurde ",
            "wurden zu zum zur zwischen",
        ),
        "fr" => concat!(
            "à après au aussi aux avait avant avec avoir ça car ce cela ces cet cette chez comme ",
            "dans de déjà depuis des donc dont du elle elles en encore entre est et été être eux ",
            "fait il ils je la le les leur leurs lors lui ma mais me même mes moins mon ne ni nos ",
            "notre nous on ont ou où par pas plus pour qu que qui quoi sa sans se selon ses si ",
            "son sont sous sur ta tes ton tous tout toute toutes très tu un une vers vos votre ",
            "vous",
        ),
        "es" => concat!(
            "a al algo ante aunque como con cual cuando de del desde donde dijo durante el él ",
            "ella ellas ellos en entre era eran es esa esas ese eso esos esta está están estaba ",
            "estar estas este esto estos fue fueron ha había han hasta hay hacia la las le les lo ",
            "los más me menos mientras mismo muy ni no nos o otra otras otro otros para pero por ",
            "porque que quien quienes se según ser si sí sido sin sino sobre su sus también te ",
            "toda todas todo todos tras tu un una unas uno unos usted y ya yo",
        ),
        "ar" => concat!(
            "في من على إلى عن مع أن إن أنه أنها إنه كان كانت يكون ليس هذا هذه ذلك تلك التي الذي ",
            "الذين ما لا لم لن قد هو هي هم نحن أنا أو ثم كل بعد قبل حتى عند بين إذا لكن غير أي ",
            "منذ كما أيضا حيث خلال ضد نحو لدى عليه عليها فيه فيها منه منها به بها له لها قال قالت ",
            "وقال وكان وفي ومن إلا لأن وقد فقد بأن وأن هناك هنا عام",
        ),
        _ => "",
    }
}

/// Splits text into normalised terms: lowercase, split on anything that is not a letter or a
/// digit, Arabic diacritics and tatweel removed, alef/ya/ta marbuta forms folded, the Arabic
/// article `ال` (with a leading و/ب/ك/ف) stripped, ё read as е, an apostrophe inside a Cyrillic
/// word kept out (Ukrainian `м'ясо` → `мясо`); one-letter words, numbers and the language's stop
/// words dropped.
pub struct Tokenizer {
    stop: FxSet<u64>,
}

impl Tokenizer {
    /// A tokenizer with the stop words of `lang` (none for a language gen has no list for).
    pub fn new(lang: &str) -> Tokenizer {
        let mut stop = FxSet::default();
        let bare = Tokenizer {
            stop: FxSet::default(),
        };
        for w in stop_words(lang).split_whitespace() {
            bare.raw(w, |_, h| {
                stop.insert(h);
                true
            });
        }
        Tokenizer { stop }
    }

    /// Calls `f(term, hash)` for every term of `text`, in order.
    pub fn each(&self, text: &str, f: impl FnMut(&str, u64)) {
        self.first(text, usize::MAX, f);
    }

    /// Like [`Tokenizer::each`], for the first `words` words of `text` (stop words included in
    /// the count).
    pub fn first(&self, text: &str, words: usize, mut f: impl FnMut(&str, u64)) {
        let mut seen = 0;
        self.raw(text, |t, h| {
            seen += 1;
            if seen <= words && !self.stop.contains(&h) {
                f(t, h);
            }
            seen < words
        });
    }

    /// Tokenises without the stop list (which is built with it). ASCII bytes and Russian
    /// letters take fast paths: this is the hottest loop of the stage.
    fn raw(&self, text: &str, mut f: impl FnMut(&str, u64) -> bool) {
        let bytes = text.as_bytes();
        let mut buf = String::with_capacity(32);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                i += 1;
                if b.is_ascii_alphanumeric() {
                    buf.push(char::from(b.to_ascii_lowercase()));
                } else if b == b'\'' && ends_cyrillic(&buf) {
                    // Inside a Ukrainian or Belarusian word.
                } else if !buf.is_empty() {
                    if !self.finish(&buf, &mut f) {
                        return;
                    }
                    buf.clear();
                }
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            match c {
                'а'..='я' => buf.push(c),
                'А'..='Я' => buf.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
                // Arabic harakat, superscript alef, tatweel; Latin combining accents.
                '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{0300}'..='\u{036F}' => {}
                '’' | 'ʼ' if ends_cyrillic(&buf) => {}
                'أ' | 'إ' | 'آ' | 'ٱ' => buf.push('ا'),
                'ى' => buf.push('ي'),
                'ة' => buf.push('ه'),
                'ё' | 'Ё' => buf.push('е'),
                c if c.is_alphanumeric() => buf.extend(c.to_lowercase()),
                _ => {
                    if !buf.is_empty() {
                        if !self.finish(&buf, &mut f) {
                            return;
                        }
                        buf.clear();
                    }
                }
            }
        }
        if !buf.is_empty() {
            self.finish(&buf, &mut f);
        }
    }

    /// Hands a finished word to `f`; false when `f` wants no more.
    fn finish(&self, buf: &str, f: &mut impl FnMut(&str, u64) -> bool) -> bool {
        let mut chars = buf.chars();
        if chars.next().is_none() || chars.next().is_none() || is_number(buf) {
            return true;
        }
        let h = term_hash(buf);
        if self.stop.contains(&h) {
            // Counted as a word, never a term (also for the stripped form below).
            return f(buf, h);
        }
        let bare = strip_arabic_article(buf);
        if bare.len() == buf.len() {
            f(buf, h)
        } else {
            f(bare, term_hash(bare))
        }
    }
}

/// All digits, in any script. Letters of the common scripts answer without a Unicode lookup.
fn is_number(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii_digit()
            || !c.is_ascii()
                && !('\u{0400}'..='\u{04FF}').contains(&c)
                && !('\u{0620}'..='\u{064A}').contains(&c)
                && c.is_numeric()
    })
}

fn ends_cyrillic(s: &str) -> bool {
    s.chars()
        .next_back()
        .is_some_and(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// `الماء`, `والماء`, `بالماء` → `ماء`, when at least three letters remain.
fn strip_arabic_article(s: &str) -> &str {
    // Every prefix starts with an Arabic letter, encoded from 0xD8 or 0xD9.
    if !matches!(s.as_bytes().first(), Some(0xD8 | 0xD9)) {
        return s;
    }
    for prefix in ["وال", "بال", "كال", "فال", "لل", "ال"] {
        if let Some(rest) = s.strip_prefix(prefix)
            && rest.chars().count() >= 3
        {
            return rest;
        }
    }
    s
}

/// The terms of `text` for an article in `lang`, as strings (for tests and explanations).
pub fn tokenize(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    Tokenizer::new(lang).each(text, |t, _| out.push(t.to_string()));
    out
}

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/// What two articles can share besides their words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    /// The same running story.
    Story,
    /// A tag.
    Tag,
    /// An author ("Story by"): reporters keep to their beats.
    Person,
    /// A translator: weaker evidence, translators are assigned by language more than by topic.
    Translator,
    /// The outlet of the original.
    Outlet,
}

impl Signal {
    fn index(self) -> usize {
        self as usize
    }
    /// Name in explanations.
    pub fn label(self) -> &'static str {
        match self {
            Signal::Story => "story",
            Signal::Tag => "tag",
            Signal::Person => "author",
            Signal::Translator => "translator",
            Signal::Outlet => "outlet",
        }
    }
}

struct Feature {
    kind: Signal,
    name: String,
    /// Rarity in 0‥1 (1 for a story: sharing one is the strongest signal whatever its size).
    rarity: f64,
    /// Articles that may be related, in canonical order (newest first).
    postings: Vec<u32>,
}

/// One article's score against another, in parts. The ranking and `gen related` both use it.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Shared story, tags, people, outlet: feature id and weighted points, in feature order.
    pub shared: Vec<(u32, f64)>,
    /// Weighted text similarity.
    pub text: f64,
    /// Shared terms (by hash) and their points, in hash order.
    pub terms: Vec<(u64, f64)>,
    /// Weighted closeness in time.
    pub recency: f64,
    /// Days from the article to the candidate (positive: the candidate is newer).
    pub days: f64,
    /// The candidate is in the reader's language.
    pub same_lang: bool,
}

impl Score {
    /// Everything but recency: what the two articles have in common.
    pub fn relevance(&self) -> f64 {
        self.shared.iter().map(|s| s.1).sum::<f64>() + self.text
    }
    /// The score the ranking sorts by (within a tier).
    pub fn total(&self) -> f64 {
        self.relevance() + self.recency
    }
    /// 0: related, in the reader's language; 1: related, in another language; 2: shares
    /// nothing, never shown.
    pub fn tier(&self) -> u8 {
        match (self.relevance() > 0.0, self.same_lang) {
            (false, _) => 2,
            (true, true) => 0,
            (true, false) => 1,
        }
    }
}

/// A ranked candidate.
#[derive(Debug, Clone)]
pub struct Scored {
    /// Article index.
    pub article: usize,
    /// Its score.
    pub score: Score,
}

/// The ranked candidates of one article and the relevance the threshold is relative to.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// The best candidates, exactly scored, in ranking order: tier, total score, newer,
    /// content path; those below the threshold after all the others.
    pub candidates: Vec<Scored>,
    /// Relevance of the best candidate (the one with the highest relevance): `min_score`
    /// times this is the threshold.
    pub best: f64,
}

/// Everything the ranking needs, computed once per build from the site.
pub struct Model<'a> {
    site: &'a Site,
    weights: RelatedConfig,
    /// Canonical position of each article: newest first, ties by content path.
    rank: Vec<u32>,
    /// Translation group (smallest canonical position among the versions).
    group: Vec<u32>,
    /// May be suggested (not a draft).
    eligible: Vec<bool>,
    secs: Vec<i64>,
    /// Language of each article, as a small number.
    lang: Vec<u16>,
    feats: Vec<Vec<u32>>,
    /// Per article, how many features of each kind it has.
    counts: Vec<[u16; 5]>,
    features: Vec<Feature>,
    /// Per article, its top terms (hash, weight), L2-normalised, sorted by hash.
    terms: Vec<Vec<(u64, f32)>>,
    /// Term → articles having it among their top terms, heaviest first.
    postings: FxMap<u64, Vec<(u32, f32)>>,
}

impl<'a> Model<'a> {
    /// Builds the indexes of a site.
    pub fn new(site: &'a Site) -> Model<'a> {
        Model::new_until(site, &|| false).expect("never stopped")
    }

    /// [`Model::new`], asking `stop` as it goes (per article in the long passes); `None` when
    /// it answered `true` (the dev server then has a change to build first).
    pub fn new_until(site: &'a Site, stop: Stop<'_>) -> Option<Model<'a>> {
        let arts = &site.articles;
        let n = arts.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            arts[b]
                .doc
                .meta
                .date
                .cmp(&arts[a].doc.meta.date)
                .then_with(|| arts[a].doc.file.rel.cmp(&arts[b].doc.file.rel))
        });
        let mut rank = vec![0u32; n];
        for (pos, &i) in order.iter().enumerate() {
            rank[i] = pos as u32;
        }
        let group: Vec<u32> = (0..n)
            .map(|i| {
                arts[i]
                    .translations
                    .iter()
                    .filter(|&&j| j < n)
                    .map(|&j| rank[j])
                    .fold(rank[i], u32::min)
            })
            .collect();
        let eligible: Vec<bool> = arts.iter().map(|a| !a.doc.meta.draft).collect();
        let secs = arts
            .iter()
            .map(|a| a.doc.meta.date.ts.as_second())
            .collect();
        let live = eligible.iter().filter(|&&e| e).count();
        let mut codes: Vec<&str> = arts.iter().map(|a| a.lang()).collect();
        codes.sort_unstable();
        codes.dedup();
        let lang = arts
            .iter()
            .map(|a| codes.binary_search(&a.lang()).unwrap_or(0) as u16)
            .collect();

        // Features, interned in the order of their keys.
        let keys: Vec<Vec<(Signal, String, String)>> = (0..n)
            .map(|i| (!stop()).then(|| keys_of(site, i)))
            .collect::<Option<_>>()?;
        let mut names: HashMap<(Signal, &str), &str> = HashMap::new();
        for &i in &order {
            for (k, key, name) in &keys[i] {
                names.entry((*k, key.as_str())).or_insert(name.as_str());
            }
        }
        let mut sorted: Vec<(Signal, &str)> = names.keys().copied().collect();
        sorted.sort();
        let ids: HashMap<(Signal, &str), u32> = sorted
            .iter()
            .enumerate()
            .map(|(id, k)| (*k, id as u32))
            .collect();
        let mut features: Vec<Feature> = sorted
            .iter()
            .map(|k| Feature {
                kind: k.0,
                name: names[k].to_string(),
                rarity: 1.0,
                postings: Vec::new(),
            })
            .collect();
        let mut feats = vec![Vec::new(); n];
        let mut counts = vec![[0u16; 5]; n];
        for &i in &order {
            let mut list: Vec<u32> = keys[i]
                .iter()
                .map(|(k, key, _)| ids[&(*k, key.as_str())])
                .collect();
            list.sort_unstable();
            list.dedup();
            for &f in &list {
                let kind = features[f as usize].kind;
                counts[i][kind.index()] = counts[i][kind.index()].saturating_add(1);
                if eligible[i] {
                    features[f as usize].postings.push(i as u32);
                }
            }
            feats[i] = list;
        }
        let ln_n = (live.max(2) as f64).ln();
        for f in &mut features {
            if f.kind != Signal::Story {
                let df = f.postings.len().max(1) as f64;
                f.rarity = ((live.max(1) as f64 / df).ln() / ln_n).clamp(0.0, 1.0);
            }
        }

        // A few strings per feature of every article: freed before the text pass, where the
        // stage's memory peaks.
        drop(ids);
        drop(sorted);
        drop(names);
        drop(keys);
        let (terms, postings) = text_index(site, &eligible, &order, stop)?;

        Some(Model {
            site,
            weights: site.config.related.clone(),
            rank,
            group,
            eligible,
            secs,
            lang,
            feats,
            counts,
            features,
            terms,
            postings,
        })
    }

    fn weight(&self, kind: Signal) -> f64 {
        match kind {
            Signal::Story => self.weights.story,
            Signal::Tag => self.weights.tags,
            Signal::Person => self.weights.people,
            Signal::Translator => self.weights.translators,
            Signal::Outlet => self.weights.outlet,
        }
    }

    /// Points for sharing feature `f` between `a` and `b`.
    fn feature_points(&self, f: u32, a: usize, b: usize) -> f64 {
        let feat = &self.features[f as usize];
        let k = feat.kind.index();
        let norm = match feat.kind {
            Signal::Tag | Signal::Person | Signal::Translator => (f64::from(self.counts[a][k])
                * f64::from(self.counts[b][k]))
            .sqrt()
            .max(1.0),
            Signal::Story | Signal::Outlet => 1.0,
        };
        self.weight(feat.kind) * feat.rarity / norm
    }

    fn recency(&self, a: usize, b: usize) -> (f64, f64) {
        let days = (self.secs[b] - self.secs[a]) as f64 / 86_400.0;
        (
            self.weights.recency / (1.0 + days.abs() / RECENCY_DAYS),
            days,
        )
    }

    /// The exact score of `b` as related reading for `a`, in parts.
    pub fn score(&self, a: usize, b: usize) -> Score {
        let (fa, fb) = (&self.feats[a], &self.feats[b]);
        let (ta, tb) = (&self.terms[a], &self.terms[b]);
        let mut s = Score {
            shared: Vec::with_capacity(fa.len().min(fb.len())),
            terms: Vec::with_capacity(ta.len().min(tb.len())),
            ..Score::default()
        };
        let (mut x, mut y) = (0, 0);
        while x < fa.len() && y < fb.len() {
            match fa[x].cmp(&fb[y]) {
                std::cmp::Ordering::Less => x += 1,
                std::cmp::Ordering::Greater => y += 1,
                std::cmp::Ordering::Equal => {
                    let p = self.feature_points(fa[x], a, b);
                    if p > 0.0 {
                        s.shared.push((fa[x], p));
                    }
                    x += 1;
                    y += 1;
                }
            }
        }
        let (mut x, mut y) = (0, 0);
        while x < ta.len() && y < tb.len() {
            match ta[x].0.cmp(&tb[y].0) {
                std::cmp::Ordering::Less => x += 1,
                std::cmp::Ordering::Greater => y += 1,
                std::cmp::Ordering::Equal => {
                    let p = self.weights.text * f64::from(ta[x].1) * f64::from(tb[y].1);
                    if p > 0.0 {
                        s.terms.push((ta[x].0, p));
                        s.text += p;
                    }
                    x += 1;
                    y += 1;
                }
            }
        }
        (s.recency, s.days) = self.recency(a, b);
        s.same_lang = self.lang[a] == self.lang[b];
        s
    }

    /// The relevance below which a candidate is cut, for a best candidate of relevance `best`.
    pub fn threshold(&self, best: f64) -> f64 {
        self.weights.min_score * best
    }

    /// Whether a candidate shares too little with the article, compared with the best one.
    fn is_weak(&self, s: &Score, best: f64) -> bool {
        s.relevance() < self.threshold(best)
    }

    /// Sort order of ranked candidates: below the threshold last, then tier, total score,
    /// newer, content path.
    fn order(&self, x: &Scored, y: &Scored, best: f64) -> std::cmp::Ordering {
        self.is_weak(&x.score, best)
            .cmp(&self.is_weak(&y.score, best))
            .then_with(|| x.score.tier().cmp(&y.score.tier()))
            .then_with(|| y.score.total().total_cmp(&x.score.total()))
            .then_with(|| self.rank[x.article].cmp(&self.rank[y.article]))
    }

    /// Articles never suggested for `a`: itself and its versions, and the pinned ones with
    /// theirs (by translation group).
    fn taken_groups(&self, a: usize) -> Vec<u32> {
        let mut g = vec![self.group[a]];
        for p in &self.site.articles[a].pinned {
            if let Related::Article(j) = p
                && let Some(&gj) = self.group.get(*j)
            {
                g.push(gj);
            }
        }
        g
    }

    /// The best `depth` candidates for `a`, exactly scored and sorted (pinned ones excluded),
    /// and the relevance of the best candidate, which does not depend on `depth`: the first
    /// pass's most relevant candidate (ties: newer, then content path), exactly scored.
    pub fn rank(&self, a: usize, depth: usize, acc: &mut Accumulator) -> Ranking {
        if depth == 0 {
            return Ranking::default();
        }
        acc.reset(self.site.articles.len());
        // Features: the postings nearest in time.
        for &f in &self.feats[a] {
            let list = &self.features[f as usize].postings;
            let pos = list.partition_point(|&j| self.rank[j as usize] < self.rank[a]);
            let hi = (pos + FEATURE_WINDOW / 2).min(list.len());
            let lo = hi.saturating_sub(FEATURE_WINDOW);
            let hi = (lo + FEATURE_WINDOW).min(list.len());
            for &j in &list[lo..hi] {
                acc.add(j, self.feature_points(f, a, j as usize) as f32);
            }
        }
        // Text: the heaviest postings of each of the article's terms.
        for &(t, wa) in &self.terms[a] {
            if let Some(list) = self.postings.get(&t) {
                let w = self.weights.text as f32 * wa;
                let take = 16 + (TEXT_POSTINGS as f32 * wa * wa) as usize;
                for &(j, wb) in list.iter().take(take) {
                    acc.add(j, w * wb);
                }
            }
        }
        let taken = self.taken_groups(a);
        let lang = self.lang[a];
        // (relevance, tier, total, canonical position, article)
        let mut rough: Vec<(f32, u8, f32, u32, u32)> = acc
            .touched
            .iter()
            .filter(|&&j| {
                let j = j as usize;
                self.eligible[j] && !taken.contains(&self.group[j])
            })
            .filter_map(|&j| {
                let same = self.lang[j as usize] == lang;
                let rel = acc.score[j as usize];
                if rel <= 0.0 {
                    return None;
                }
                let tier = u8::from(!same);
                let total = rel + self.recency(a, j as usize).0 as f32;
                Some((rel, tier, total, self.rank[j as usize], j))
            })
            .collect();
        let Some(top) = rough
            .iter()
            .max_by(|x, y| x.0.total_cmp(&y.0).then_with(|| y.3.cmp(&x.3)))
            .map(|r| r.4 as usize)
        else {
            return Ranking::default();
        };
        let best = self.score(a, top).relevance();
        let floor = self.threshold(best) as f32;
        let cmp = |x: &(f32, u8, f32, u32, u32), y: &(f32, u8, f32, u32, u32)| {
            (x.0 < floor)
                .cmp(&(y.0 < floor))
                .then_with(|| x.1.cmp(&y.1))
                .then_with(|| y.2.total_cmp(&x.2))
                .then_with(|| x.3.cmp(&y.3))
        };
        // Exact scores can reorder the rough ones a little: look at twice as many.
        let keep = (2 * depth + 4).min(rough.len());
        if keep < rough.len() {
            rough.select_nth_unstable_by(keep, cmp);
            rough.truncate(keep);
        }
        let candidates = self.scored(a, rough.iter().map(|r| r.4 as usize));
        self.ranking(candidates, best, depth)
    }

    /// Scores candidates exactly and drops those with nothing in common.
    fn scored(&self, a: usize, candidates: impl Iterator<Item = usize>) -> Vec<Scored> {
        candidates
            .map(|j| Scored {
                article: j,
                score: self.score(a, j),
            })
            .filter(|s| s.score.tier() < 2)
            .collect()
    }

    /// Sorts scored candidates into ranking order and keeps the best `depth`.
    fn ranking(&self, mut candidates: Vec<Scored>, best: f64, depth: usize) -> Ranking {
        candidates.sort_by(|x, y| self.order(x, y, best));
        candidates.truncate(depth);
        Ranking { candidates, best }
    }

    /// Like [`Model::rank`] without pruning: every article is scored, and the best is the
    /// most relevant of all. Quadratic over a whole site; for measuring what the pruning loses
    /// (the benchmark) and for tests.
    pub fn rank_exhaustive(&self, a: usize, depth: usize) -> Ranking {
        let taken = self.taken_groups(a);
        let candidates = (0..self.site.articles.len())
            .filter(|&j| self.eligible[j] && !taken.contains(&self.group[j]));
        let scored = self.scored(a, candidates);
        let best = scored
            .iter()
            .map(|s| s.score.relevance())
            .fold(0.0, f64::max);
        self.ranking(scored, best, depth)
    }

    /// The cards [`Model::pick`] would choose with no pruning.
    pub fn pick_exhaustive(&self, a: usize) -> Vec<usize> {
        let room = self
            .wanted(a)
            .saturating_sub(self.site.articles[a].pinned.len());
        let ranked = self.rank_exhaustive(a, room + 3);
        self.shown(a, &ranked)
    }

    /// The articles of a ranking that [`Model::choose`] shows, in order.
    fn shown(&self, a: usize, ranked: &Ranking) -> Vec<usize> {
        self.choose(a, ranked)
            .iter()
            .zip(&ranked.candidates)
            .filter(|(p, _)| **p == Pick::Shown)
            .map(|(_, s)| s.article)
            .collect()
    }

    /// How many cards `a` shows in all (pinned included).
    pub fn wanted(&self, a: usize) -> usize {
        self.site.articles[a]
            .doc
            .meta
            .related_count
            .unwrap_or(self.weights.count)
    }

    /// Picks the computed cards from a ranking: none below the threshold, at most one version
    /// of an article, up to the cards left after the pinned ones. Returns, per ranked
    /// candidate, whether it is shown and why not.
    pub fn choose(&self, a: usize, ranked: &Ranking) -> Vec<Pick> {
        let room = self
            .wanted(a)
            .saturating_sub(self.site.articles[a].pinned.len());
        let mut groups: Vec<(u32, usize)> = Vec::new();
        let mut shown = 0;
        ranked
            .candidates
            .iter()
            .map(|s| {
                let g = self.group[s.article];
                if self.is_weak(&s.score, ranked.best) {
                    Pick::BelowThreshold
                } else if let Some(&(_, other)) = groups.iter().find(|(x, _)| *x == g) {
                    Pick::OtherVersion(other)
                } else if shown < room {
                    shown += 1;
                    groups.push((g, s.article));
                    Pick::Shown
                } else {
                    Pick::NoRoom
                }
            })
            .collect()
    }

    /// The computed cards of `a`, in order: what [`attach`] shows after the pinned ones.
    pub fn pick(&self, a: usize, acc: &mut Accumulator) -> Vec<usize> {
        let room = self
            .wanted(a)
            .saturating_sub(self.site.articles[a].pinned.len());
        if room == 0 {
            return Vec::new();
        }
        // Room for other-language versions skipped by `choose`.
        let ranked = self.rank(a, room + 3, acc);
        self.shown(a, &ranked)
    }

    /// Display name of a feature and its kind.
    pub fn feature(&self, id: u32) -> (Signal, &str) {
        let f = &self.features[id as usize];
        (f.kind, &f.name)
    }
}

/// What became of a ranked candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// On the page.
    Shown,
    /// Another language version of the same article (this index) is shown instead.
    OtherVersion(usize),
    /// The cards are full.
    NoRoom,
    /// It shares too little compared with the best candidate (`[related] min_score`).
    BelowThreshold,
}

/// Per-thread scratch space of the first pass: a dense score array and the touched indices,
/// so that ranking one article costs what it touches, not the size of the archive.
#[derive(Default)]
pub struct Accumulator {
    score: Vec<f32>,
    seen: Vec<bool>,
    touched: Vec<u32>,
}

impl Accumulator {
    fn reset(&mut self, n: usize) {
        for &j in &self.touched {
            self.score[j as usize] = 0.0;
            self.seen[j as usize] = false;
        }
        self.touched.clear();
        if self.score.len() != n {
            self.score = vec![0.0; n];
            self.seen = vec![false; n];
        }
    }
    fn add(&mut self, j: u32, points: f32) {
        let k = j as usize;
        if !self.seen[k] {
            self.seen[k] = true;
            self.touched.push(j);
        }
        self.score[k] += points;
    }
}

/// The feature keys of an article: (kind, key, display name).
fn keys_of(site: &Site, i: usize) -> Vec<(Signal, String, String)> {
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let mut out = Vec::new();
    // One key for every name terms.yaml gives a story or tag.
    let terms = &site.people.terms;
    if let Some(s) = &m.story {
        out.push((
            Signal::Story,
            terms.slug(TaxonomyKind::Stories, s),
            s.clone(),
        ));
    }
    for t in &m.tags {
        out.push((Signal::Tag, terms.slug(TaxonomyKind::Tags, t), t.clone()));
    }
    for &p in &a.authors {
        let person = site.people.get(p);
        out.push((Signal::Person, person.slug.clone(), person.name.clone()));
    }
    for &p in &a.translators {
        let person = site.people.get(p);
        out.push((Signal::Translator, person.slug.clone(), person.name.clone()));
    }
    if let Some(s) = &m.source {
        out.push((Signal::Outlet, slugify_ascii(&s.name), s.name.clone()));
    }
    out.retain(|(_, key, _)| !key.is_empty());
    out
}

/// Term frequencies of an article: title and dek words count more than body words. The
/// boosts are whole numbers, so a frequency is a whole number too.
fn term_counts(tok: &Tokenizer, site: &Site, i: usize) -> Vec<(u64, u32)> {
    const _: () = assert!(TITLE_BOOST.fract() == 0.0 && DEK_BOOST.fract() == 0.0);
    let a = &site.articles[i];
    let mut tf: FxMap<u64, u32> = FxMap::default();
    let add = |tf: &mut FxMap<u64, u32>, text: &str, boost: u32| {
        tok.each(text, |_, h| *tf.entry(h).or_default() += boost);
    };
    add(&mut tf, &a.doc.meta.title, TITLE_BOOST as u32);
    if let Some(d) = &a.doc.meta.description {
        add(&mut tf, d, DEK_BOOST as u32);
    }
    tok.first(&a.rendered.text(), BODY_WORDS, |_, h| {
        *tf.entry(h).or_default() += 1
    });
    tf.into_iter().collect()
}

/// Every article's term counts, held until the document frequencies are known: a term is a
/// number in a vocabulary (in the order terms were first met) and an article's counts are
/// varints, (gap from the previous term number, count), about 3 bytes a term where a
/// (hash, count) pair takes 16. At a million articles of ~150 distinct terms each, the pairs
/// were 2.4 GB, the largest thing a build held at its peak.
#[derive(Default)]
struct Counts {
    /// Term number → term hash.
    hashes: Vec<u64>,
    /// Term hash → term number.
    numbers: FxMap<u64, u32>,
    /// Term number → published articles having it.
    df: Vec<u32>,
    /// Per article, its counts as varints.
    packed: Vec<Box<[u8]>>,
}

impl Counts {
    /// Adds the next article's counts (the articles come in index order).
    fn push(&mut self, counts: Vec<(u64, u32)>, eligible: bool) {
        let mut numbered: Vec<(u32, u32)> = counts
            .into_iter()
            .map(|(h, tf)| {
                let next = self.hashes.len() as u32;
                let t = *self.numbers.entry(h).or_insert(next);
                if t == next {
                    self.hashes.push(h);
                    self.df.push(0);
                }
                if eligible {
                    self.df[t as usize] += 1;
                }
                (t, tf)
            })
            .collect();
        numbered.sort_unstable();
        let mut out = Vec::with_capacity(numbered.len() * 3);
        let mut prev = 0;
        for (t, tf) in numbered {
            crate::search::put_varint(&mut out, u64::from(t - prev));
            crate::search::put_varint(&mut out, u64::from(tf));
            prev = t;
        }
        self.packed.push(crate::markdown::exact(out));
    }

    /// Article `i`'s (term number, count), by term number.
    fn of(&self, i: usize) -> impl Iterator<Item = (u32, u32)> + '_ {
        let bytes = &self.packed[i];
        let mut pos = 0;
        let mut t = 0u32;
        std::iter::from_fn(move || {
            let gap = crate::search::get_varint(bytes, &mut pos)?;
            let tf = crate::search::get_varint(bytes, &mut pos)?;
            t += gap as u32;
            Some((t, tf as u32))
        })
    }
}

type TextIndex = (Vec<Vec<(u64, f32)>>, FxMap<u64, Vec<(u32, f32)>>);

/// Articles whose terms are counted at once: the (hash, count) pairs of a batch are packed
/// before the next batch is counted.
const COUNT_BATCH: usize = 4096;

/// Top terms per article and the postings of each term.
fn text_index(
    site: &Site,
    eligible: &[bool],
    order: &[usize],
    stop: Stop<'_>,
) -> Option<TextIndex> {
    let n = site.articles.len();
    let mut tokenizers: HashMap<&str, Tokenizer> = HashMap::new();
    for a in &site.articles {
        tokenizers
            .entry(a.lang())
            .or_insert_with(|| Tokenizer::new(a.lang()));
    }
    let mut counts = Counts {
        packed: Vec::with_capacity(n),
        ..Counts::default()
    };
    for start in (0..n).step_by(COUNT_BATCH) {
        let batch: Vec<Vec<(u64, u32)>> = (start..(start + COUNT_BATCH).min(n))
            .into_par_iter()
            .map(|i| (!stop()).then(|| term_counts(&tokenizers[site.articles[i].lang()], site, i)))
            .collect::<Option<_>>()?;
        for (i, c) in (start..).zip(batch) {
            counts.push(c, eligible[i]);
        }
    }
    let live = eligible.iter().filter(|&&e| e).count();
    // A term on one article matches nothing; one on more than half of them says little.
    let max_df = (live / 2) as u32;
    let nf = live.max(1) as f32;
    let terms: Vec<Vec<(u64, f32)>> = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut w: Vec<(u64, f32)> = counts
                .of(i)
                .filter_map(|(t, tf)| {
                    let d = counts.df[t as usize];
                    (2..=max_df).contains(&d).then(|| {
                        let tf = tf as f32;
                        (
                            counts.hashes[t as usize],
                            (1.0 + tf.ln()) * (nf / d as f32).ln(),
                        )
                    })
                })
                .filter(|p| p.1 > 0.0)
                .collect();
            let by_weight =
                |x: &(u64, f32), y: &(u64, f32)| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0));
            if w.len() > TOP_TERMS {
                w.select_nth_unstable_by(TOP_TERMS, by_weight);
                w.truncate(TOP_TERMS);
            }
            // Held for every article until the cards are picked: without this each list kept
            // the room of all the article's terms (~150), 2.4 KB where 24 terms take 384 bytes
            // (2.4 GB held at a million articles).
            w.shrink_to_fit();
            // By hash before the norm is summed, so that the sum's order (and its last bit)
            // does not depend on how the terms were numbered.
            w.sort_unstable_by_key(|p| p.0);
            let norm = w.iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
            for p in &mut w {
                p.1 /= norm;
            }
            w
        })
        .collect();
    drop(counts);
    let mut postings: FxMap<u64, Vec<(u32, f32)>> = FxMap::default();
    for &i in order {
        if eligible[i] {
            for &(h, w) in &terms[i] {
                postings.entry(h).or_default().push((i as u32, w));
            }
        }
    }
    // Stable sort: equal weights keep canonical order.
    postings
        .par_iter_mut()
        .for_each(|(_, list)| list.sort_by(|x, y| y.1.total_cmp(&x.1)));
    Some((terms, postings))
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/// Asked at checkpoints of a long computation: `true` stops it. The dev server stops a
/// follow-up build this way when a change arrives, so the change is served first; it must be
/// cheap (it is asked once per article).
pub type Stop<'a> = &'a (dyn Fn() -> bool + Sync);

/// The computed cards of every article (pinned ones not included), article indices in order.
pub fn compute(site: &Site) -> Vec<Vec<usize>> {
    compute_until(site, &|| false).expect("never stopped")
}

/// [`compute`], asking `stop` once per article; `None` when it answered `true`.
pub fn compute_until(site: &Site, stop: Stop<'_>) -> Option<Vec<Vec<usize>>> {
    let n = site.articles.len();
    let any = site.articles.iter().any(|a| {
        a.doc
            .meta
            .related_count
            .unwrap_or(site.config.related.count)
            > a.pinned.len()
    });
    if !any {
        return Some(vec![Vec::new(); n]);
    }
    let model = Model::new_until(site, stop)?;
    (0..n)
        .into_par_iter()
        .map_init(Accumulator::default, |acc, a| {
            (!stop()).then(|| model.pick(a, acc))
        })
        .collect()
}

/// Fills `site.related` for every article: the pinned entries, in order, then computed ones up
/// to `related_count` (front matter) or `[related] count` (site.toml).
pub fn attach(site: &mut Site) {
    let lists = lists(site, compute(site));
    site.related = lists;
}

/// `site.related` as [`attach`] sets it, from [`compute`]'s cards: the pinned entries, then
/// the computed ones.
pub fn lists(site: &Site, computed: Vec<Vec<usize>>) -> Vec<Vec<Related>> {
    computed
        .into_iter()
        .enumerate()
        .map(|(i, list)| {
            let mut out = site.articles[i].pinned.clone();
            out.extend(list.into_iter().map(Related::Article));
            out
        })
        .collect()
}

/// A hash of everything [`attach`] reads of article `i` (see [`Model::new`] and
/// `term_counts`): its features, date, language, draft flag, translations, pinned entries and
/// card count, and the words of its title, dek and the first [`BODY_WORDS`] words of its body.
/// While no article's key changes (and no article comes or goes), every related list stays the
/// same, so the dev server carries the lists over instead of computing them again. Whatever the
/// ranking starts to read of an article must be hashed here too.
pub fn input_key(site: &Site, i: usize) -> u64 {
    input_key_with(site, i, text_key(&site.articles[i]))
}

/// [`input_key`] with the article's [`text_key`] already known (it depends on the article
/// alone, so the dev server keeps it while the file is unchanged).
pub fn input_key_with(site: &Site, i: usize, text: u64) -> u64 {
    use std::hash::Hash;
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    keys_of(site, i).hash(&mut h);
    (
        &a.doc.file.rel,
        m.date.ts.as_second(),
        a.lang(),
        m.draft,
        m.related_count,
        text,
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
    std::hash::Hasher::finish(&h)
}

/// A hash of the words the ranking reads of an article: title, dek and the first
/// [`BODY_WORDS`] words of the body, before stop words are dropped (a superset).
pub fn text_key(a: &crate::site::Article) -> u64 {
    use std::hash::Hash;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let words = Tokenizer {
        stop: FxSet::default(),
    };
    (a.lang(), &a.doc.meta.title, &a.doc.meta.description).hash(&mut h);
    words.first(&a.rendered.text(), BODY_WORDS, |_, w| w.hash(&mut h));
    std::hash::Hasher::finish(&h)
}

/// Finds an article by content path: `content/en/x.md`, `en/x.md`, a bundle folder, or a path
/// on disk under the site's content folder.
pub fn find_article(site: &Site, path: &Path) -> Result<usize, String> {
    let content = site.config.root.join("content");
    let mut candidates = Vec::new();
    if let Ok(abs) = path.canonicalize()
        && let Ok(c) = content.canonicalize()
        && let Ok(rel) = abs.strip_prefix(&c)
    {
        candidates.push(rel.to_string_lossy().replace('\\', "/"));
    }
    let s = path.to_string_lossy().replace('\\', "/");
    let s = s.trim_start_matches("./").trim_end_matches('/');
    candidates.push(s.strip_prefix("content/").unwrap_or(s).to_string());
    for c in &candidates {
        let c = c.trim_end_matches('/');
        for key in [c.to_string(), format!("{c}/index.md"), format!("{c}.md")] {
            if let Some(i) = site.articles.iter().position(|a| a.doc.file.rel == key) {
                return Ok(i);
            }
        }
    }
    let wanted = candidates.last().cloned().unwrap_or_default();
    let nearest = crate::diagnostics::did_you_mean(
        &wanted,
        site.articles.iter().map(|a| a.doc.file.rel.as_str()),
    );
    Err(match nearest {
        Some(n) => format!(
            "no article at `{}`; the nearest is `content/{n}`",
            path.display()
        ),
        None => format!(
            "no article at `{}`; give a path like content/en/story.md",
            path.display()
        ),
    })
}

/// Why an article gets the related reading it gets.
#[derive(Debug)]
pub struct Explanation {
    /// The article.
    pub article: usize,
    /// Cards in all.
    pub wanted: usize,
    /// Pinned entries, in order, with the score an article would have had.
    pub pinned: Vec<(Related, Option<Score>)>,
    /// Relevance of the best candidate.
    pub best: f64,
    /// `[related] min_score`: candidates whose relevance is below this share of `best` are cut.
    pub min_score: f64,
    /// The best computed candidates, ranked, with what became of each.
    pub candidates: Vec<(Scored, Pick)>,
    /// Spelling of the shared terms, by hash.
    pub words: HashMap<u64, String>,
    /// Display names of the shared features, by id.
    pub features: HashMap<u32, (Signal, String)>,
}

/// Ranks `top` candidates for article `i` with [`Model::score`], the code that chooses the cards.
pub fn explain(site: &Site, i: usize, top: usize) -> Explanation {
    let model = Model::new(site);
    let mut acc = Accumulator::default();
    let shown = model.pick(i, &mut acc);
    let Ranking {
        candidates: mut ranked,
        best,
    } = model.rank(i, top, &mut acc);
    // A deeper look may rank a candidate the build did not reach; the marks say what the build
    // shows.
    for &j in &shown {
        if !ranked.iter().any(|s| s.article == j) {
            ranked.push(Scored {
                article: j,
                score: model.score(i, j),
            });
        }
    }
    let picks: Vec<Pick> = ranked
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let same = |o: &usize| model.group[*o] == model.group[s.article];
            if shown.contains(&s.article) {
                Pick::Shown
            } else if model.is_weak(&s.score, best) {
                Pick::BelowThreshold
            } else if let Some(&o) = shown.iter().find(|o| same(o)) {
                Pick::OtherVersion(o)
            } else if let Some(o) = ranked[..k].iter().map(|r| r.article).find(|o| same(o)) {
                Pick::OtherVersion(o)
            } else {
                Pick::NoRoom
            }
        })
        .collect();
    let pinned: Vec<(Related, Option<Score>)> = site.articles[i]
        .pinned
        .iter()
        .map(|p| match p {
            Related::Article(j) => (p.clone(), Some(model.score(i, *j))),
            Related::External { .. } => (p.clone(), None),
        })
        .collect();
    // Shared terms are the article's own: its words spell them.
    let mut words = HashMap::new();
    let a = &site.articles[i];
    let tok = Tokenizer::new(a.lang());
    let body = a.rendered.text();
    for text in [
        a.doc.meta.title.as_str(),
        a.doc.meta.description.as_deref().unwrap_or(""),
        body.as_str(),
    ] {
        tok.each(text, |t, h| {
            words.entry(h).or_insert_with(|| t.to_string());
        });
    }
    let mut features = HashMap::new();
    let scores = ranked
        .iter()
        .map(|s| &s.score)
        .chain(pinned.iter().filter_map(|p| p.1.as_ref()));
    for s in scores {
        for &(f, _) in &s.shared {
            let (k, name) = model.feature(f);
            features.insert(f, (k, name.to_string()));
        }
    }
    Explanation {
        article: i,
        wanted: model.wanted(i),
        pinned,
        best,
        min_score: model.weights.min_score,
        candidates: ranked.into_iter().zip(picks).collect(),
        words,
        features,
    }
}

impl Explanation {
    /// A report for people, one block per candidate.
    pub fn to_text(&self, site: &Site) -> String {
        let a = &site.articles[self.article];
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} — \"{}\" ({}, {})",
            a.doc.display_path().display(),
            a.doc.meta.title,
            a.lang(),
            a.doc.meta.date.civil_date()
        );
        let shown = self.pinned.len()
            + self
                .candidates
                .iter()
                .filter(|(_, p)| *p == Pick::Shown)
                .count();
        let _ = writeln!(
            out,
            "Cards on the page: {} of {} ({} pinned, then the best computed ones). Computed \
             candidates are ordered: related in {}, then related in other languages; within \
             each, by score.",
            shown,
            self.wanted,
            self.pinned.len(),
            a.lang(),
        );
        if self.best > 0.0 {
            let _ = writeln!(
                out,
                "Threshold: a candidate whose relevance (its score without recency) is below {:.2} \
                 = {} % of the best candidate's {:.2} ([related] min_score = {}) is not shown.",
                self.min_score * self.best,
                self.min_score * 100.0,
                self.best,
                self.min_score,
            );
        }
        out.push('\n');
        let mut n = 0;
        for (p, score) in &self.pinned {
            n += 1;
            match p {
                Related::Article(j) => {
                    let b = &site.articles[*j];
                    let _ = writeln!(
                        out,
                        "{n:>2}. pinned   {} — \"{}\" ({}, {})",
                        b.doc.display_path().display(),
                        b.doc.meta.title,
                        b.lang(),
                        b.doc.meta.date.civil_date()
                    );
                    if let Some(s) = score {
                        self.reasons(&mut out, s);
                    }
                }
                Related::External { title, url, .. } => {
                    let _ = writeln!(out, "{n:>2}. pinned   {url} — \"{title}\" (outside link)");
                }
            }
        }
        if self.candidates.is_empty() {
            let _ = writeln!(
                out,
                "no computed candidates: nothing shares a story, tag, person, outlet or words with this article"
            );
        }
        for (s, pick) in &self.candidates {
            n += 1;
            let b = &site.articles[s.article];
            let mark = match pick {
                Pick::Shown => "shown ",
                _ => "      ",
            };
            let _ = writeln!(
                out,
                "{n:>2}. {mark} {:>6.2}  {} — \"{}\" ({}, {})",
                s.score.total(),
                b.doc.display_path().display(),
                b.doc.meta.title,
                b.lang(),
                b.doc.meta.date.civil_date()
            );
            self.reasons(&mut out, &s.score);
            match pick {
                Pick::OtherVersion(o) => {
                    let _ = writeln!(
                        out,
                        "              not shown: {} is another version of it",
                        site.articles[*o].doc.display_path().display()
                    );
                }
                Pick::NoRoom => {
                    let _ = writeln!(out, "              not shown: the cards are full");
                }
                Pick::BelowThreshold => {
                    let _ = writeln!(
                        out,
                        "              not shown: relevance {:.2} is below the threshold {:.2} \
                         ({} % of the best candidate's {:.2})",
                        s.score.relevance(),
                        self.min_score * self.best,
                        self.min_score * 100.0,
                        self.best,
                    );
                }
                Pick::Shown => {}
            }
        }
        out
    }

    fn reasons(&self, out: &mut String, s: &Score) {
        let pad = "              ";
        for kind in [
            Signal::Story,
            Signal::Tag,
            Signal::Person,
            Signal::Translator,
            Signal::Outlet,
        ] {
            let items: Vec<String> = s
                .shared
                .iter()
                .filter_map(|(f, p)| {
                    let (k, name) = self.features.get(f)?;
                    (*k == kind).then(|| format!("{name} +{p:.2}"))
                })
                .collect();
            if !items.is_empty() {
                let label = match kind {
                    Signal::Story => "same story",
                    Signal::Tag => "tags",
                    Signal::Person => "authors",
                    Signal::Translator => "translators",
                    Signal::Outlet => "outlet",
                };
                let _ = writeln!(out, "{pad}{label}: {}", items.join(", "));
            }
        }
        if s.text > 0.0 {
            let mut terms = s.terms.clone();
            terms.sort_by(|p, q| q.1.total_cmp(&p.1).then(p.0.cmp(&q.0)));
            let words: Vec<String> = terms
                .iter()
                .take(6)
                .map(|(h, p)| {
                    let w = self.words.get(h).map_or("?", String::as_str);
                    format!("{w} {p:.2}")
                })
                .collect();
            let _ = writeln!(
                out,
                "{pad}text +{:.2}: {}{}",
                s.text,
                words.join(", "),
                if s.terms.len() > 6 { ", …" } else { "" }
            );
        }
        let days = s.days.abs().round() as usize;
        let when = if s.days.abs() < 1.0 {
            "the same day".to_string()
        } else if s.days > 0.0 {
            format!("{} later", plural(days, "day", "days"))
        } else {
            format!("{} earlier", plural(days, "day", "days"))
        };
        let lang = if s.same_lang {
            ""
        } else {
            ", another language"
        };
        let _ = writeln!(out, "{pad}recency +{:.2} ({when}{lang})", s.recency);
    }
}
