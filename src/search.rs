//! The site's search index, written by the build and read in the browser by the theme's
//! `js/search.js` (no server, no third-party request).
//!
//! Layout under [`crate::urls::SEARCH_INDEX`]:
//!
//! - `meta.json` — format version, a content hash (`v`, added to every fetch as `?v=` so a
//!   browser never mixes files of two builds), the languages with the first key of each of
//!   their shards, the facet shards, the fragment size.
//! - `LANG/N.bin` — a language's inverted index, cut into shards of consecutive keys (about
//!   [`SHARD_BYTES`] each), so a query fetches only the shard(s) holding its words' keys.
//! - `facets/N.bin` — the same format for filters: a key per story, outlet, author, translator
//!   and tag (its page's folder, `stories/dnipro-dam/`), listing its documents.
//! - `facets.json` — filter names and counts, fetched when the reader opens the filters: per
//!   taxonomy a list of `[key, name, count]`, with a fourth item `{lang: name}` when readers of
//!   another language see another name (terms.yaml, people.yaml).
//! - `docs/N.json` — what a result shows (URL, kicker, headline, dek, date, credits, language,
//!   story, outlet, a short excerpt) for [`fragment_size`] documents each.
//!
//! **Keys.** Words are split by Unicode rules (UAX #29, `unicode-segmentation`; the script
//! uses `Intl.Segmenter`, the same rules), folded by [`fold`] (lowercase, ё → е, apostrophes
//! dropped, Arabic diacritics removed and alef forms unified) and stemmed by Snowball
//! (`rust-stemmers`) for the languages it has, or by [`ukrainian_stem`], a suffix stripper.
//! The script does not stem: for a query word it takes the *longest key that starts the word*
//! and is at most [`MAX_STRIP`] letters shorter ("плотина" → "плотин", the stem of "плотины").
//! Where that rule would pick the wrong key for a word of the archive (Arabic prefixes,
//! English y → i), the index holds the word itself as an alias of its stem. So words of the
//! archive find exactly their stem, and unseen forms of known words still find them.
//!
//! **Entries** (every number an unsigned LEB128 varint): a shard is its entry count, then per
//! entry the key front-coded against the previous one (shared UTF-8 byte count, suffix byte
//! count, suffix bytes), a flags number (1: postings follow, 2: an alias follows), the alias
//! (byte count, UTF-8) and the postings: document count, then per document the gap from the
//! previous document number and the BM25 score × [`SCORE_SCALE`]. Scores are computed here
//! (headline ×3, kicker and dek ×2, credits ×1.5, body ×1, per language), so the script only
//! adds the scores of a document's words. Document numbers follow the site's order, newest
//! first: the lower number wins a tie, so recency breaks ties.
//!
//! The same site gives the same bytes: keys are sorted, maps are ordered or sorted before
//! writing.

use std::collections::{BTreeMap, HashMap};

use rustc_hash::{FxHashMap, FxHashSet};
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::site::Site;
use crate::taxonomy::TaxonomyKind;
use crate::urls;

/// Format version of the files (the script refuses others).
pub const VERSION: u32 = 1;
/// Roughly how many bytes of entries a shard holds before the next one starts (a key whose
/// postings alone are bigger gets a shard of its own).
pub const SHARD_BYTES: usize = 48 * 1024;
/// Longest ending the query rule removes from a word to find its key.
pub const MAX_STRIP: usize = 5;
/// Scores are stored as whole numbers: BM25 × this.
pub const SCORE_SCALE: f64 = 8.0;
/// Characters of body text kept as a result's excerpt.
const EXCERPT_CHARS: usize = 160;
/// Field weights in halves (a term frequency is a sum of them, kept exact as a whole number):
/// headline 3, kicker and dek 2, credits 1.5, body 1.
const W_TITLE: u32 = 6;
const W_LEAD: u32 = 4;
const W_CREDITS: u32 = 3;
const W_BODY: u32 = 2;
/// BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Documents per `docs/N.json`: 24, more past 96,000 documents, so the count of fragment
/// files stays near 4,000. The first page of results is ten documents scattered over as many
/// fragments, so their size is most of what a query downloads: 24 records of about 500 bytes
/// keep a one-word query under 100 KiB (gzip) at 100,000 articles (see bench/search.sh).
pub fn fragment_size(docs: usize) -> usize {
    24.max(docs.div_ceil(4000))
}

/// The articles the index holds, in site order: published articles (the site model already
/// left out drafts, taken-down and future-dated ones) of the languages `[search]` names;
/// never a scheduled preview of the dev server.
pub fn indexed(site: &Site) -> Vec<usize> {
    if !site.config.search.enabled {
        return Vec::new();
    }
    (0..site.articles.len())
        .filter(|&i| {
            let a = &site.articles[i];
            !a.scheduled && site.config.search.indexes(a.lang())
        })
        .collect()
}

/// Lowercases and folds a word the way the script folds a query word.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold`] into a buffer (cleared first): the index folds every word of the archive, and a
/// new string for each was a visible share of its time.
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    // Most words of a European archive are ASCII with no apostrophe: lower-cased in place.
    if word.is_ascii() && !word.bytes().any(|b| b == b'\'' || b == b'`') {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        match c {
            '\'' | '’' | 'ʼ' | '`' => {}
            // Arabic harakat, superscript alef, tatweel.
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            'ё' | 'Ё' => out.push('е'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// Inflectional endings of Ukrainian nouns, adjectives and verbs, longest first.
const UK_ENDINGS: &[&str] = &[
    "ами", "ями", "ові", "еві", "ого", "ому", "ими", "іми", "ати", "ити", "ють", "ать", "ять",
    "ала", "ила", "али", "или", "ало", "ило", "ах", "ях", "ом", "ем", "ою", "ею", "ів", "їв", "ий",
    "ій", "ої", "ую", "юю", "ія", "ії", "ію", "ам", "ям", "ав", "ив", "ла", "ли", "ло", "ть", "а",
    "я", "о", "е", "і", "ї", "и", "у", "ю", "й", "ь",
];

/// Ukrainian has no Snowball stemmer: the longest inflectional ending is removed when at least
/// three letters remain (`греблі`, `греблею` → `гребл`). The script's longest-key rule then
/// finds the same key for any form with a known ending.
pub fn ukrainian_stem(word: &str) -> &str {
    let n = word.chars().count();
    let mut best = word;
    for e in UK_ENDINGS {
        if let Some(rest) = word.strip_suffix(e)
            && n - e.chars().count() >= 3
            && rest.len() < best.len()
        {
            best = rest;
        }
    }
    best
}

/// A language's stemmer.
pub enum Stem {
    /// Snowball.
    Snowball(Stemmer),
    /// [`ukrainian_stem`].
    Ukrainian,
    /// Words as folded.
    None,
}

impl Stem {
    /// The stemmer for a language code (`pt-BR` uses `pt`'s).
    pub fn new(lang: &str) -> Stem {
        let primary = lang.split(['-', '_']).next().unwrap_or(lang);
        let alg = match primary {
            "ar" => Algorithm::Arabic,
            "da" => Algorithm::Danish,
            "de" => Algorithm::German,
            "el" => Algorithm::Greek,
            "en" => Algorithm::English,
            "es" => Algorithm::Spanish,
            "fi" => Algorithm::Finnish,
            "fr" => Algorithm::French,
            "hu" => Algorithm::Hungarian,
            "it" => Algorithm::Italian,
            "nl" => Algorithm::Dutch,
            "no" | "nb" | "nn" => Algorithm::Norwegian,
            "pt" => Algorithm::Portuguese,
            "ro" => Algorithm::Romanian,
            "ru" => Algorithm::Russian,
            "sv" => Algorithm::Swedish,
            "ta" => Algorithm::Tamil,
            "tr" => Algorithm::Turkish,
            "uk" => return Stem::Ukrainian,
            _ => return Stem::None,
        };
        Stem::Snowball(Stemmer::create(alg))
    }

    /// The key of a folded word.
    pub fn key(&self, folded: &str) -> String {
        match self {
            Stem::Snowball(s) => {
                let k = s.stem(folded);
                if k.is_empty() {
                    folded.to_string()
                } else {
                    fold(&k)
                }
            }
            Stem::Ukrainian => ukrainian_stem(folded).to_string(),
            Stem::None => folded.to_string(),
        }
    }
}

/// Calls `f(folded word)` for each word of `text` (Unicode word boundaries; words made only
/// of punctuation are skipped).
///
/// Text written only in characters whose word-break class [`simple_class`] knows (Latin,
/// Cyrillic, digits and common punctuation: most of a European archive) is split by
/// [`simple_words`], which gives the same words as UAX #29 at a fraction of the cost of the
/// general tables; any other text goes through `unicode-segmentation`.
pub fn words(text: &str, mut f: impl FnMut(&str)) {
    let mut folded = String::new();
    let each = |w: &str| {
        fold_into(w, &mut folded);
        if !folded.is_empty() {
            f(&folded);
        }
    };
    if text.chars().all(|c| simple_class(c).is_some()) {
        simple_words(text, each);
    } else {
        text.unicode_words().for_each(each);
    }
}

/// A character's word-break class (UAX #29), for the characters [`simple_words`] handles.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum WordClass {
    /// ALetter.
    Letter,
    /// Numeric.
    Digit,
    /// ExtendNumLet (`_`, the narrow no-break space).
    Joiner,
    /// MidLetter: joins two letters.
    MidLetter,
    /// MidNum: joins two digits.
    MidNum,
    /// MidNumLet and Single_Quote: joins two letters or two digits.
    MidBoth,
    /// Anything else: spaces, line breaks and punctuation that never joins (none of them a
    /// letter or digit for `char::is_alphanumeric`, so none is a word by itself).
    Break,
}

/// The class of `c`, or `None` for a character whose rules [`simple_words`] does not follow
/// (other scripts, combining marks, format characters, emoji, superscript digits…).
/// `tests::simple_words_agree_with_uax29` checks every character this accepts.
fn simple_class(c: char) -> Option<WordClass> {
    match ASCII_CLASS.get(c as usize) {
        Some(&k) => k,
        None => class_of(c),
    }
}

/// [`class_of`] for the ASCII characters, looked up (most characters of most text).
static ASCII_CLASS: [Option<WordClass>; 128] = {
    let mut t = [None; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = class_of(b as u8 as char);
        b += 1;
    }
    t
};

/// [`simple_class`], worked out.
const fn class_of(c: char) -> Option<WordClass> {
    use WordClass::*;
    Some(match c {
        'a'..='z' | 'A'..='Z' => Letter,
        '0'..='9' => Digit,
        '_' | '\u{202F}' => Joiner,
        ':' | '\u{00B7}' | '\u{2027}' => MidLetter,
        ',' | ';' => MidNum,
        '.' | '\'' | '\u{2018}' | '\u{2019}' | '\u{2024}' => MidBoth,
        '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | ' ' => Break,
        '!'..='/' | '<'..='@' | '['..='^' | '`' | '{'..='~' => Break,
        '\u{AA}' | '\u{B5}' | '\u{BA}' => Letter,
        '\u{A0}'..='\u{A9}' | '\u{AB}' | '\u{AC}' | '\u{AE}'..='\u{B1}' | '\u{B4}' => Break,
        '\u{B6}' | '\u{BB}' | '\u{BF}' | '\u{D7}' | '\u{F7}' => Break,
        '\u{C0}'..='\u{24F}' => Letter,
        '\u{400}'..='\u{481}' | '\u{48A}'..='\u{52F}' => Letter,
        '\u{2010}'..='\u{2017}' | '\u{201A}'..='\u{2023}' | '\u{2025}' | '\u{2026}' => Break,
        '\u{2030}'..='\u{203E}' | '\u{20AC}' | '\u{2116}' => Break,
        _ => return None,
    })
}

/// UAX #29 word segmentation for text of [`simple_class`] characters only: letters, digits
/// and joiners run together (WB5, WB8–WB10, WB13a–b); a MidLetter or MidNumLet between two
/// letters (WB6–7) and a MidNum or MidNumLet between two digits (WB11–12) join too; every
/// other character is a boundary on both sides. Calls `f` with each segment that holds a
/// letter or a digit, as `unicode_words` would.
fn simple_words(text: &str, mut f: impl FnMut(&str)) {
    use WordClass::*;
    let class = |c: char| simple_class(c).unwrap_or(Break);
    let mut chars = text.char_indices().peekable();
    // The open segment: its start, whether it holds a letter or digit, the class of its last
    // character.
    let mut open: Option<(usize, bool, WordClass)> = None;
    while let Some((i, c)) = chars.next() {
        let k = class(c);
        match k {
            Letter | Digit | Joiner => match &mut open {
                Some((_, alnum, last)) => {
                    *alnum |= k != Joiner;
                    *last = k;
                }
                None => open = Some((i, k != Joiner, k)),
            },
            MidLetter | MidNum | MidBoth => {
                if let Some((start, alnum, last)) = open {
                    let next = chars.peek().map(|&(_, n)| class(n));
                    let joins = match (last, next) {
                        (Letter, Some(Letter)) => k != MidNum,
                        (Digit, Some(Digit)) => k != MidLetter,
                        _ => false,
                    };
                    if !joins {
                        if alnum {
                            f(&text[start..i]);
                        }
                        open = None;
                    }
                }
            }
            Break => {
                if let Some((start, true, _)) = open.take() {
                    f(&text[start..i]);
                }
            }
        }
    }
    if let Some((start, true, _)) = open {
        f(&text[start..]);
    }
}

/// The key the script's rule finds for `word` among `keys`: the longest key that starts it and
/// leaves at most [`MAX_STRIP`] letters (and at least three, or the whole word).
pub fn rule_key(word: &str, has: impl Fn(&str) -> bool) -> Option<&str> {
    let n = word.chars().count();
    let ends: Vec<usize> = word
        .char_indices()
        .map(|(i, _)| i)
        .skip(1)
        .chain([word.len()])
        .collect();
    for (count, &end) in ends.iter().enumerate().rev() {
        let len = count + 1;
        if n - len > MAX_STRIP || (len < 3 && len < n) {
            break;
        }
        if has(&word[..end]) {
            return Some(&word[..end]);
        }
    }
    None
}

/// Unsigned LEB128.
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Reads an unsigned LEB128 at `*pos`.
pub fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// One entry of a shard.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Entry {
    /// Another key to use for this word.
    pub alias: Option<String>,
    /// (document, score × [`SCORE_SCALE`]), by document.
    pub postings: Vec<(u32, u32)>,
}

/// Encodes one entry's body (flags, alias, postings).
fn encode_entry(e: &Entry, out: &mut Vec<u8>) {
    let flags = u64::from(!e.postings.is_empty()) | (u64::from(e.alias.is_some()) << 1);
    put_varint(out, flags);
    if let Some(a) = &e.alias {
        put_varint(out, a.len() as u64);
        out.extend_from_slice(a.as_bytes());
    }
    if !e.postings.is_empty() {
        put_varint(out, e.postings.len() as u64);
        let mut prev = 0u32;
        for (k, &(doc, score)) in e.postings.iter().enumerate() {
            put_varint(out, u64::from(if k == 0 { doc } else { doc - prev }));
            put_varint(out, u64::from(score));
            prev = doc;
        }
    }
}

/// Cuts sorted entries into shards of about [`SHARD_BYTES`], consuming the entries as they are
/// encoded and handing each shard (first key, file bytes) to `f` as soon as it is complete, so
/// that a language's index is never held twice (entries and bytes).
pub fn shard_each<E>(
    entries: impl IntoIterator<Item = (String, Entry)>,
    mut f: impl FnMut(String, Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let mut keys: Vec<String> = Vec::new();
    let mut bodies: Vec<Vec<u8>> = Vec::new();
    let mut size = 0;
    let mut flush = |keys: &mut Vec<String>, bodies: &mut Vec<Vec<u8>>| {
        if bodies.is_empty() {
            return Ok(());
        }
        let mut out = Vec::with_capacity(bodies.iter().map(Vec::len).sum::<usize>() + 16);
        put_varint(&mut out, bodies.len() as u64);
        let mut prev: &[u8] = &[];
        for (key, body) in keys.iter().zip(bodies.iter()) {
            let key = key.as_bytes();
            let shared = key.iter().zip(prev).take_while(|(a, b)| a == b).count();
            put_varint(&mut out, shared as u64);
            put_varint(&mut out, (key.len() - shared) as u64);
            out.extend_from_slice(&key[shared..]);
            out.extend_from_slice(body);
            prev = key;
        }
        let first = keys.swap_remove(0);
        keys.clear();
        bodies.clear();
        f(first, out)
    };
    for (key, e) in entries {
        if size >= SHARD_BYTES {
            flush(&mut keys, &mut bodies)?;
            size = 0;
        }
        let mut body = Vec::new();
        encode_entry(&e, &mut body);
        size += body.len() + key.len() + 2;
        keys.push(key);
        bodies.push(body);
    }
    flush(&mut keys, &mut bodies)
}

/// Decodes a shard (tests and `tests/search.rs` read the built output with it).
pub fn decode_shard(bytes: &[u8]) -> Option<Vec<(String, Entry)>> {
    let mut pos = 0;
    let n = get_varint(bytes, &mut pos)?;
    let mut out: Vec<(String, Entry)> = Vec::new();
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..n {
        let shared = get_varint(bytes, &mut pos)? as usize;
        let len = get_varint(bytes, &mut pos)? as usize;
        let mut key = prev.get(..shared)?.to_vec();
        key.extend_from_slice(bytes.get(pos..pos + len)?);
        pos += len;
        let flags = get_varint(bytes, &mut pos)?;
        let mut e = Entry::default();
        if flags & 2 != 0 {
            let len = get_varint(bytes, &mut pos)? as usize;
            e.alias = Some(String::from_utf8(bytes.get(pos..pos + len)?.to_vec()).ok()?);
            pos += len;
        }
        if flags & 1 != 0 {
            let count = get_varint(bytes, &mut pos)?;
            let mut doc = 0u64;
            for k in 0..count {
                let gap = get_varint(bytes, &mut pos)?;
                doc = if k == 0 { gap } else { doc + gap };
                let score = get_varint(bytes, &mut pos)?;
                e.postings
                    .push((u32::try_from(doc).ok()?, u32::try_from(score).ok()?));
            }
        }
        out.push((String::from_utf8(key.clone()).ok()?, e));
        prev = key;
    }
    (pos == bytes.len()).then_some(out)
}

/// The words of the index kept between builds by a process that builds again (the dev server,
/// `gen build --incremental` through its cache): per language, a vocabulary of folded words
/// with their keys, and per document, found by a hash of everything the index reads of it,
/// its weighted length and the weighted count of each of its words. An unchanged article is
/// then not split, folded and stemmed again, which was most of the index's time when one
/// article of an archive changed. The files made do not depend on it: any memo, or none,
/// gives the same bytes for the same site.
#[derive(Default)]
pub struct Memo {
    langs: std::sync::Mutex<BTreeMap<String, Vocab>>,
}

impl Memo {
    fn langs(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vocab>> {
        self.langs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Documents held, over every language.
    pub fn docs(&self) -> usize {
        self.langs().values().map(|v| v.docs.len()).sum()
    }
}

/// One byte string per language (see [`Vocab::encode`]).
impl Serialize for Memo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let langs = self.langs();
        let encoded: BTreeMap<&str, crate::markdown::Bytes> = langs
            .iter()
            .map(|(l, v)| (l.as_str(), crate::markdown::Bytes(v.encode().into())))
            .collect();
        encoded.serialize(s)
    }
}

/// A language whose bytes do not decode is left out: its documents are read again.
impl<'de> serde::Deserialize<'de> for Memo {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Memo, D::Error> {
        let encoded = BTreeMap::<String, crate::markdown::Bytes>::deserialize(d)?;
        let langs = encoded
            .into_iter()
            .filter_map(|(l, b)| Some((l, Vocab::decode(&b.0)?)))
            .collect();
        Ok(Memo {
            langs: std::sync::Mutex::new(langs),
        })
    }
}

/// A language's part of the [`Memo`].
#[derive(Default)]
struct Vocab {
    /// Folded words, each with the id of its key.
    words: Vec<(Box<str>, u32)>,
    word_ids: FxHashMap<Box<str>, u32>,
    keys: Vec<Box<str>>,
    key_ids: FxHashMap<Box<str>, u32>,
    /// By [`doc_hash`]: [`pack`]ed words of the document.
    docs: FxHashMap<u128, Box<[u8]>>,
}

impl Vocab {
    /// The id of a folded word, added with its key when new.
    fn word(&mut self, folded: String, key: String) -> u32 {
        if let Some(&id) = self.word_ids.get(folded.as_str()) {
            return id;
        }
        let k = match self.key_ids.get(key.as_str()) {
            Some(&k) => k,
            None => {
                let k = self.keys.len() as u32;
                let key: Box<str> = key.into();
                self.keys.push(key.clone());
                self.key_ids.insert(key, k);
                k
            }
        };
        let id = self.words.len() as u32;
        let folded: Box<str> = folded.into();
        self.words.push((folded.clone(), k));
        self.word_ids.insert(folded, id);
        id
    }

    /// Words (byte count, UTF-8, key id), keys (byte count, UTF-8), documents (16-byte hash,
    /// byte count, bytes), each list after its length; every number a varint.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let text = |out: &mut Vec<u8>, s: &str| {
            put_varint(out, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        };
        put_varint(&mut out, self.words.len() as u64);
        for (w, k) in &self.words {
            text(&mut out, w);
            put_varint(&mut out, u64::from(*k));
        }
        put_varint(&mut out, self.keys.len() as u64);
        for k in &self.keys {
            text(&mut out, k);
        }
        put_varint(&mut out, self.docs.len() as u64);
        for (h, p) in &self.docs {
            out.extend_from_slice(&h.to_le_bytes());
            put_varint(&mut out, p.len() as u64);
            out.extend_from_slice(p);
        }
        out
    }

    fn decode(bytes: &[u8]) -> Option<Vocab> {
        let mut pos = 0;
        let take = |pos: &mut usize, n: usize| -> Option<&[u8]> {
            let b = bytes.get(*pos..pos.checked_add(n)?)?;
            *pos += n;
            Some(b)
        };
        let mut v = Vocab::default();
        let words = get_varint(bytes, &mut pos)? as usize;
        let mut word_keys = Vec::with_capacity(words.min(bytes.len()));
        for _ in 0..words {
            let n = get_varint(bytes, &mut pos)? as usize;
            let w: Box<str> = std::str::from_utf8(take(&mut pos, n)?).ok()?.into();
            word_keys.push((w, u32::try_from(get_varint(bytes, &mut pos)?).ok()?));
        }
        let keys = get_varint(bytes, &mut pos)? as usize;
        for _ in 0..keys {
            let n = get_varint(bytes, &mut pos)? as usize;
            let k: Box<str> = std::str::from_utf8(take(&mut pos, n)?).ok()?.into();
            v.key_ids.insert(k.clone(), v.keys.len() as u32);
            v.keys.push(k);
        }
        if v.key_ids.len() != v.keys.len() || word_keys.iter().any(|&(_, k)| k as usize >= keys) {
            return None;
        }
        for (w, k) in word_keys {
            v.word_ids.insert(w.clone(), v.words.len() as u32);
            v.words.push((w, k));
        }
        if v.word_ids.len() != v.words.len() {
            return None;
        }
        let docs = get_varint(bytes, &mut pos)? as usize;
        for _ in 0..docs {
            let h = u128::from_le_bytes(take(&mut pos, 16)?.try_into().ok()?);
            let n = get_varint(bytes, &mut pos)? as usize;
            v.docs.insert(h, take(&mut pos, n)?.into());
        }
        (pos == bytes.len()).then_some(v)
    }
}

/// A document's weighted length and its words' ids with their weighted counts (sorted by id),
/// in halves: the length, the word count, then per word the gap from the previous id and the
/// count, as varints.
fn pack(len: u32, words: &[(u32, u32)]) -> Box<[u8]> {
    let mut out = Vec::with_capacity(words.len() * 3 + 8);
    put_varint(&mut out, u64::from(len));
    put_varint(&mut out, words.len() as u64);
    let mut prev = 0;
    for &(w, c) in words {
        put_varint(&mut out, u64::from(w - prev));
        put_varint(&mut out, u64::from(c));
        prev = w;
    }
    out.into_boxed_slice()
}

/// [`pack`] undone; `None` when the bytes name a word the vocabulary (of `words` words) lacks.
fn unpack(bytes: &[u8], words: usize) -> Option<(u32, Vec<(u32, u32)>)> {
    let mut pos = 0;
    let len = u32::try_from(get_varint(bytes, &mut pos)?).ok()?;
    let n = get_varint(bytes, &mut pos)? as usize;
    let mut out = Vec::with_capacity(n.min(bytes.len()));
    let mut w = 0u32;
    for _ in 0..n {
        w = w.checked_add(u32::try_from(get_varint(bytes, &mut pos)?).ok()?)?;
        let c = u32::try_from(get_varint(bytes, &mut pos)?).ok()?;
        if w as usize >= words {
            return None;
        }
        out.push((w, c));
    }
    (pos == bytes.len()).then_some((len, out))
}

/// A hash of everything the index reads of article `i` (and of the settings that say what it
/// reads): equal hashes, equal words.
fn doc_hash(site: &Site, i: usize, names: &[&str], text: Option<&str>) -> u128 {
    use siphasher::sip128::Hasher128;
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let cfg = &site.config.search;
    let mut h = siphasher::sip128::SipHasher13::new();
    (a.lang(), &m.title, &m.kicker, &m.description).hash(&mut h);
    (cfg.credits, names, cfg.body, text).hash(&mut h);
    h.finish128().as_u128()
}

/// What one document contributes to its language's index, before its new words have ids.
struct DocWords {
    /// [`doc_hash`], when words are kept in a [`Memo`].
    hash: Option<u128>,
    /// Found in the memo: nothing to keep.
    kept: bool,
    /// Weighted length, in halves.
    len: u32,
    /// Words the vocabulary knew: (id, weighted count in halves).
    known: Vec<(u32, u32)>,
    /// Words it did not: (folded, key, weighted count in halves).
    new: Vec<(String, String, u32)>,
}

/// Splits, folds and stems article `i`, or takes its words from `vocab` when it holds them
/// (`memo`: words are kept between builds, so the document's hash is worked out).
fn doc_words(
    site: &Site,
    i: usize,
    stem: &Stem,
    stop: &FxHashSet<String>,
    vocab: &Vocab,
    memo: bool,
) -> DocWords {
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let cfg = &site.config.search;
    let names: Vec<&str> = if cfg.credits {
        a.authors
            .iter()
            .chain(&a.translators)
            .map(|&p| site.people.get(p).display_name(a.lang()))
            .collect()
    } else {
        Vec::new()
    };
    let text = cfg.body.then(|| a.rendered.text());
    let hash = memo.then(|| doc_hash(site, i, &names, text.as_deref()));
    if let Some(h) = hash
        && let Some(p) = vocab.docs.get(&h)
        && let Some((len, known)) = unpack(p, vocab.words.len())
    {
        return DocWords {
            hash,
            kept: true,
            len,
            known,
            new: Vec::new(),
        };
    }
    let mut known: FxHashMap<u32, u32> = FxHashMap::default();
    let mut new: FxHashMap<String, (String, u32)> = FxHashMap::default();
    let mut len = 0u32;
    let mut add = |text: &str, w: u32| {
        words(text, |folded| {
            len += w;
            if stop.contains(folded) {
                return;
            }
            if let Some(&id) = vocab.word_ids.get(folded) {
                *known.entry(id).or_default() += w;
            } else if let Some((_, c)) = new.get_mut(folded) {
                *c += w;
            } else {
                new.insert(folded.to_string(), (stem.key(folded), w));
            }
        });
    };
    add(&m.title, W_TITLE);
    if let Some(k) = &m.kicker {
        add(k, W_LEAD);
    }
    if let Some(d) = &m.description {
        add(d, W_LEAD);
    }
    for name in &names {
        add(name, W_CREDITS);
    }
    if let Some(t) = &text {
        add(t, W_BODY);
    }
    DocWords {
        hash,
        kept: false,
        len,
        known: known.into_iter().collect(),
        new: new.into_iter().map(|(f, (k, c))| (f, k, c)).collect(),
    }
}

/// A word's postings while a language is gathered: (document number − the previous one,
/// 2 × term frequency) as varints, about 3 bytes a posting where a pair of numbers takes 8 —
/// most of the index's memory at archive scale. Exact: a term frequency is a sum of weights
/// that are multiples of ½.
#[derive(Default)]
struct Gathered {
    bytes: Vec<u8>,
    last: u32,
    count: u32,
}

impl Gathered {
    /// Adds document `n`, numbered after every document added before, with its term
    /// frequency in halves.
    fn push(&mut self, n: u32, halves: u32) {
        put_varint(&mut self.bytes, u64::from(n - self.last));
        put_varint(&mut self.bytes, u64::from(halves));
        self.last = n;
        self.count += 1;
    }

    /// (document, term frequency), in the order they were added.
    fn iter(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        let mut pos = 0;
        let mut doc = 0u32;
        std::iter::from_fn(move || {
            let delta = get_varint(&self.bytes, &mut pos)?;
            let halves = get_varint(&self.bytes, &mut pos)?;
            doc += delta as u32;
            Some((doc, halves as f32 / 2.0))
        })
    }
}

/// The entries of one language: postings of its documents (`docs`: (document number, article)),
/// and aliases where the script's rule would miss, in key order. With a `memo`, the words of
/// documents it holds are taken from it, and it keeps those of this build's documents only.
fn language_entries(
    site: &Site,
    lang: &str,
    docs: &[(u32, usize)],
    memo: Option<&Memo>,
) -> impl Iterator<Item = (String, Entry)> + use<> {
    let stem = Stem::new(lang);
    let stop: FxHashSet<String> = stop_words(lang).into_iter().collect();
    let mut vocab = memo
        .and_then(|m| m.langs().remove(lang))
        .unwrap_or_default();
    // By key id while gathering (a tree's string comparisons per term and document grew
    // faster than the corpus); keys are sorted once at the end, so the order stays the same.
    let mut postings: Vec<Gathered> = Vec::new();
    let mut used_words: Vec<bool> = Vec::new();
    let mut used_docs: FxHashSet<u128> = FxHashSet::default();
    let mut lens: Vec<f32> = Vec::with_capacity(docs.len());
    let mut total = 0f64;
    let mut terms: Vec<(u32, u32)> = Vec::new();
    // In chunks, so that only a chunk's per-document words are held at once.
    for chunk in docs.chunks(512) {
        let made: Vec<DocWords> = chunk
            .par_iter()
            .map(|&(_, i)| doc_words(site, i, &stem, &stop, &vocab, memo.is_some()))
            .collect();
        for (&(n, _), d) in chunk.iter().zip(made) {
            let mut ids = d.known;
            for (folded, key, c) in d.new {
                ids.push((vocab.word(folded, key), c));
            }
            ids.sort_unstable();
            if let Some(h) = d.hash {
                if !d.kept {
                    vocab.docs.insert(h, pack(d.len, &ids));
                }
                used_docs.insert(h);
            }
            used_words.resize(vocab.words.len(), false);
            postings.resize_with(vocab.keys.len(), Gathered::default);
            terms.clear();
            for &(w, c) in &ids {
                used_words[w as usize] = true;
                terms.push((vocab.words[w as usize].1, c));
            }
            // A key's frequency: the counts of its words ("plan", "plans") added up.
            terms.sort_unstable_by_key(|t| t.0);
            let mut k = 0;
            while k < terms.len() {
                let (key, mut c) = terms[k];
                k += 1;
                while k < terms.len() && terms[k].0 == key {
                    c += terms[k].1;
                    k += 1;
                }
                postings[key as usize].push(n, c);
            }
            let len = d.len as f32 / 2.0;
            total += f64::from(len);
            lens.push(len);
        }
    }
    let count = docs.len() as f64;
    let avg = if docs.is_empty() { 1.0 } else { total / count };
    let mut len_of = vec![0f32; docs.iter().map(|&(n, _)| n as usize + 1).max().unwrap_or(0)];
    for (&(n, _), len) in docs.iter().zip(lens) {
        len_of[n as usize] = len;
    }
    // Aliases first (they need only the set of keys), then the entries in key order, each
    // scored as the shards take it: the scored postings of a language are never all held
    // (at a million articles they took about 8 bytes a posting, 0.6 GB for one language).
    let listed = |k: &str| {
        vocab
            .key_ids
            .get(k)
            .is_some_and(|&id| postings[id as usize].count > 0)
    };
    let mut forms: Vec<(&str, &str)> = used_words
        .iter()
        .enumerate()
        .filter(|&(_, &used)| used)
        .map(|(w, _)| {
            let (form, key) = &vocab.words[w];
            (&**form, &*vocab.keys[*key as usize])
        })
        .collect();
    forms.sort_unstable();
    let aliases: Vec<(String, String)> = forms
        .into_iter()
        .filter(|&(form, key)| rule_key(form, listed) != Some(key))
        .map(|(form, key)| (form.to_string(), key.to_string()))
        .collect();
    let mut postings: Vec<(String, Gathered)> = postings
        .into_iter()
        .enumerate()
        .filter(|(_, g)| g.count > 0)
        .map(|(k, g)| (vocab.keys[k].to_string(), g))
        .collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    if let Some(memo) = memo {
        vocab.docs.retain(|h, _| used_docs.contains(h));
        // Words of edited or removed documents stay in the vocabulary; when they are most of
        // it, it starts again (the next build reads every document once more).
        let used = used_words.iter().filter(|&&u| u).count();
        if used * 2 >= vocab.words.len() {
            memo.langs().insert(lang.to_string(), vocab);
        }
    }
    let score = move |list: Gathered| -> Vec<(u32, u32)> {
        let df = f64::from(list.count);
        let idf = (1.0 + (count - df + 0.5) / (df + 0.5)).ln();
        list.iter()
            .map(|(n, tf)| {
                let tf = f64::from(tf);
                let dl = f64::from(len_of[n as usize]);
                let s = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * dl / avg));
                (n, ((s * SCORE_SCALE).round() as u32).max(1))
            })
            .collect()
    };
    let mut keys = postings.into_iter().peekable();
    let mut aliases = aliases.into_iter().peekable();
    std::iter::from_fn(move || {
        let order = match (keys.peek(), aliases.peek()) {
            (None, None) => return None,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((key, _)), Some((form, _))) => key.cmp(form),
        };
        // Equal: the key has postings and is an alias too; one entry holds both.
        let listed = (order != std::cmp::Ordering::Greater)
            .then(|| keys.next())
            .flatten();
        let aliased = (order != std::cmp::Ordering::Less)
            .then(|| aliases.next())
            .flatten();
        let (key, postings) = match listed {
            Some((key, list)) => (Some(key), score(list)),
            None => (None, Vec::new()),
        };
        let (form, alias) = aliased.unzip();
        Some((key.or(form)?, Entry { alias, postings }))
    })
}

/// A result as `docs/N.json` holds it.
#[derive(Serialize)]
struct DocView<'a> {
    /// URL.
    u: String,
    /// Language.
    l: &'a str,
    /// Kicker.
    #[serde(skip_serializing_if = "Option::is_none")]
    k: Option<&'a str>,
    /// Headline.
    h: &'a str,
    /// Dek.
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<&'a str>,
    /// Date (RFC 3339).
    t: String,
    /// Authors.
    a: Vec<&'a str>,
    /// Translators.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    r: Vec<&'a str>,
    /// Story, named in the article's language (terms.yaml).
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<&'a str>,
    /// Outlet.
    #[serde(skip_serializing_if = "Option::is_none")]
    o: Option<&'a str>,
    /// Excerpt of the body.
    x: String,
}

fn excerpt(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(p) if p > EXCERPT_CHARS / 2 => &cut[..p],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

/// `meta.json`.
#[derive(Serialize)]
struct Meta {
    version: u32,
    v: String,
    docs: usize,
    fragment: usize,
    max_strip: usize,
    languages: Vec<LangMeta>,
    facets: Vec<String>,
}

#[derive(Serialize)]
struct LangMeta {
    code: String,
    docs: usize,
    shards: Vec<String>,
    /// Folded stop words: not indexed, and skipped in queries.
    stop: Vec<String>,
}

/// The folded stop words of a language (those of related reading), sorted.
pub fn stop_words(lang: &str) -> Vec<String> {
    let mut v: Vec<String> = crate::related::stop_words(lang)
        .split_whitespace()
        .map(fold)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// One filter value in `facets.json`: key, name (in the default language), documents, and
/// the names readers of other languages see where they differ (a story or tag of terms.yaml,
/// a person of people.yaml named per language).
#[derive(Serialize)]
#[serde(untagged)]
enum FacetValue {
    Plain(String, String, usize),
    Named(String, String, usize, BTreeMap<String, String>),
}

impl FacetValue {
    fn name(&self) -> &str {
        match self {
            FacetValue::Plain(_, n, _) | FacetValue::Named(_, n, _, _) => n,
        }
    }
    fn key(&self) -> &str {
        match self {
            FacetValue::Plain(k, _, _) | FacetValue::Named(k, _, _, _) => k,
        }
    }
}

/// Makes every file of the index, (site-relative path, bytes), and hands each to `emit` as soon
/// as it is made (`meta.json` last: it names a hash of all the others). Languages are indexed
/// one after the other, so only one language's postings are held at once.
pub fn each_file(
    site: &Site,
    memo: Option<&Memo>,
    mut emit: impl FnMut(String, Vec<u8>) -> crate::diagnostics::Result<()>,
) -> crate::diagnostics::Result<()> {
    let docs = indexed(site);
    let base = urls::SEARCH_INDEX;
    let number: HashMap<usize, u32> = docs
        .iter()
        .enumerate()
        .map(|(n, &i)| (i, n as u32))
        .collect();
    let mut by_lang: BTreeMap<&str, Vec<(u32, usize)>> = BTreeMap::new();
    for (n, &i) in docs.iter().enumerate() {
        by_lang
            .entry(site.articles[i].lang())
            .or_default()
            .push((n as u32, i));
    }
    // The version in meta.json: a hash of every other file, in the order they are made.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut put = |rel: String, bytes: Vec<u8>| {
        (&rel, &bytes).hash(&mut h);
        emit(rel, bytes)
    };
    let mut languages = Vec::new();
    for (lang, list) in &by_lang {
        let mut firsts = Vec::new();
        shard_each(language_entries(site, lang, list, memo), |first, bytes| {
            put(format!("{base}{lang}/{}.bin", firsts.len()), bytes)?;
            firsts.push(first);
            Ok::<(), crate::diagnostics::Error>(())
        })?;
        languages.push(LangMeta {
            code: lang.to_string(),
            docs: list.len(),
            shards: firsts,
            stop: stop_words(lang),
        });
    }
    if let Some(m) = memo {
        m.langs().retain(|l, _| by_lang.contains_key(l.as_str()));
    }
    // Filters.
    let mut facet_entries: Vec<(String, Entry)> = Vec::new();
    let mut filters: BTreeMap<&str, Vec<FacetValue>> = BTreeMap::new();
    for (kind, terms) in &site.taxonomies {
        let names = filters.entry(kind.name()).or_default();
        for t in terms {
            let postings: Vec<(u32, u32)> = {
                let mut p: Vec<(u32, u32)> = t
                    .articles
                    .iter()
                    .filter_map(|i| number.get(i).map(|&n| (n, 0)))
                    .collect();
                p.sort_unstable();
                p.dedup();
                p
            };
            if postings.is_empty() {
                continue;
            }
            // The key is the term's page folder, so every spelling terms.yaml joins (one story
            // named per language) is one filter value listing the articles of every language.
            let (name, others) = facet_names(site, *kind, t);
            names.push(if others.is_empty() {
                FacetValue::Plain(t.rel.clone(), name, postings.len())
            } else {
                FacetValue::Named(t.rel.clone(), name, postings.len(), others)
            });
            facet_entries.push((
                t.rel.clone(),
                Entry {
                    alias: None,
                    postings,
                },
            ));
        }
        names.sort_by(|a, b| {
            a.name()
                .to_lowercase()
                .cmp(&b.name().to_lowercase())
                .then(a.key().cmp(b.key()))
        });
    }
    facet_entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut facet_firsts = Vec::new();
    shard_each(facet_entries, |first, bytes| {
        put(format!("{base}facets/{}.bin", facet_firsts.len()), bytes)?;
        facet_firsts.push(first);
        Ok::<(), crate::diagnostics::Error>(())
    })?;
    put(
        format!("{base}facets.json"),
        serde_json::to_vec(&filters).unwrap_or_default(),
    )?;
    // Result fragments.
    let size = fragment_size(docs.len());
    for (n, chunk) in docs.chunks(size).enumerate() {
        let views: Vec<DocView<'_>> = chunk.iter().map(|&i| doc_view(site, i)).collect();
        put(
            format!("{base}docs/{n}.json"),
            serde_json::to_vec(&views).unwrap_or_default(),
        )?;
    }
    let meta = Meta {
        version: VERSION,
        v: format!("{:016x}", h.finish()),
        docs: docs.len(),
        fragment: size,
        max_strip: MAX_STRIP,
        languages,
        facets: facet_firsts,
    };
    emit(
        format!("{base}meta.json"),
        serde_json::to_vec(&meta).unwrap_or_default(),
    )
}

/// A filter value's name in the default language, and its names in the other languages where
/// they differ (people.yaml's and terms.yaml's names per language). The search index's
/// signature hashes this too.
pub fn facet_names(
    site: &Site,
    kind: TaxonomyKind,
    t: &crate::site::Term,
) -> (String, BTreeMap<String, String>) {
    let name_in = |lang: &str| -> String {
        match (kind, t.person) {
            (TaxonomyKind::Authors | TaxonomyKind::Translators, Some(p)) => {
                site.people.get(p).display_name(lang).to_string()
            }
            (TaxonomyKind::Stories | TaxonomyKind::Tags, _) => {
                site.people.terms.display(kind, &t.name, lang).to_string()
            }
            _ => t.name.clone(),
        }
    };
    let default_lang = site.config.default_language.as_str();
    let name = name_in(default_lang);
    let others = site
        .config
        .languages
        .iter()
        .filter(|l| l.code != default_lang)
        .map(|l| (l.code.clone(), name_in(&l.code)))
        .filter(|(_, n)| *n != name)
        .collect();
    (name, others)
}

fn doc_view(site: &Site, i: usize) -> DocView<'_> {
    let a = &site.articles[i];
    let m = &a.doc.meta;
    let lang = a.lang();
    let names = |ids: &[usize]| -> Vec<&str> {
        ids.iter()
            .map(|&p| site.people.get(p).display_name(lang))
            .collect()
    };
    DocView {
        u: site.url(&a.rel),
        l: lang,
        k: m.kicker.as_deref(),
        h: &m.title,
        d: m.description.as_deref(),
        t: m.date.rfc3339(),
        a: names(&a.authors),
        r: names(&a.translators),
        s: m.story
            .as_deref()
            .map(|s| site.people.terms.display(TaxonomyKind::Stories, s, lang)),
        o: m.source.as_ref().map(|s| s.name.as_str()),
        x: {
            let text = a.rendered.text();
            excerpt(if m.description.is_some() {
                &text
            } else {
                text.strip_prefix(a.rendered.first_paragraph.as_str())
                    .unwrap_or(&text)
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_matches_the_script() {
        assert_eq!(fold("Ёлка"), "елка");
        assert_eq!(fold("м’ясо"), "мясо");
        assert_eq!(fold("إِسْلام"), "اسلام");
        assert_eq!(fold("DAMS"), "dams");
        // ASCII words: in place when they have no apostrophe, char by char when they do.
        assert_eq!(fold("O'Neill"), "oneill");
        assert_eq!(fold("it`s"), "its");
        assert_eq!(fold("Naïve"), "naïve");
        for w in ["COVID-19", "U.S", "x_y", "MiXeD", "a'b`c", "'", "9.5"] {
            let by_char: String = w
                .chars()
                .filter(|&c| c != '\'' && c != '`')
                .map(|c| c.to_ascii_lowercase())
                .collect();
            assert_eq!(fold(w), by_char, "{w}");
        }
    }

    #[test]
    fn stemmers_reduce_inflected_forms_to_one_key() {
        let ru = Stem::new("ru");
        assert_eq!(ru.key("плотины"), ru.key("плотина"));
        assert_eq!(ru.key("плотину"), "плотин");
        let en = Stem::new("en");
        assert_eq!(en.key("dams"), "dam");
        let de = Stem::new("de");
        assert_eq!(de.key("staudämme"), de.key("staudämmen"));
        let uk = Stem::new("uk");
        assert_eq!(uk.key("греблі"), "гребл");
        assert_eq!(uk.key("греблею"), "гребл");
        assert_eq!(uk.key("дамба"), "дамб");
        // Short words keep three letters.
        assert_eq!(ukrainian_stem("ріка"), "рік");
        assert_eq!(ukrainian_stem("он"), "он");
    }

    #[test]
    fn the_query_rule_finds_the_stem_of_an_unseen_form() {
        let keys = ["плот", "плотин", "dam"];
        let has = |k: &str| keys.contains(&k);
        assert_eq!(rule_key("плотина", has), Some("плотин"));
        assert_eq!(rule_key("плотинами", has), Some("плотин"));
        assert_eq!(rule_key("dams", has), Some("dam"));
        // At most MAX_STRIP letters go.
        assert_eq!(rule_key("damnationsxyz", has), None);
        assert_eq!(rule_key("da", has), None);
    }

    /// Every character `simple_class` accepts, in contexts that tell its class apart (between
    /// letters, between digits, after a digit and a point, at the ends), and runs of mixed
    /// text: the simple splitter gives exactly `unicode_words`' words.
    #[test]
    fn simple_words_agree_with_uax29() {
        let uax = |t: &str| t.unicode_words().map(str::to_string).collect::<Vec<_>>();
        let simple = |t: &str| {
            let mut v = Vec::new();
            simple_words(t, |w| v.push(w.to_string()));
            v
        };
        let accepted: Vec<char> = (0..=0x2FFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| simple_class(c).is_some())
            .collect();
        assert!(accepted.len() > 700, "{}", accepted.len());
        let mut wrong = Vec::new();
        for &c in &accepted {
            for t in [
                format!("{c}"),
                format!("a{c}b"),
                format!("1{c}2"),
                format!("1.{c}"),
                format!("a.{c}"),
                format!("a:{c}"),
                format!("1,{c}"),
                format!("{c}{c}a{c}"),
                format!(" {c}_ x{c}9{c}. "),
            ] {
                if simple(&t) != uax(&t) {
                    wrong.push(format!("U+{:04X} in {t:?}", c as u32));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
        let mut seed = 7u64;
        for _ in 0..20_000 {
            let t: String = (0..12)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    accepted[(seed >> 33) as usize % accepted.len()]
                })
                .collect();
            assert_eq!(simple(&t), uax(&t), "{t:?}");
        }
        for t in [
            "Гребля, «плотины» — and dams' 2023 U.S. 1,000.50 м’ясо l'État a_b __ x.y.z 3:30",
            "Ein Ausschuss (2024) prüfte: „Der Vertrag“… 12,5 % – ça; naïve «déjà» vu.",
        ] {
            assert_eq!(simple(t), uax(t), "{t:?}");
        }
    }

    #[test]
    fn words_split_by_unicode_rules() {
        let mut out = Vec::new();
        words(
            "Гребля, «плотины» — and dams' 2023 U.S.",
            |w| out.push(w.to_string()),
        );
        assert_eq!(out, ["гребля", "плотины", "and", "dams", "2023", "u.s"]);
    }

    #[test]
    fn gathered_postings_give_back_what_was_added() {
        let added = [
            (0, 1.0),
            (3, 4.5),
            (4, 1.5),
            (300_000, 3.0),
            (4_000_000_000, 1234.5),
        ];
        let mut g = Gathered::default();
        for &(n, tf) in &added {
            g.push(n, (tf * 2.0) as u32);
        }
        assert_eq!(g.count, 5);
        assert_eq!(g.iter().collect::<Vec<_>>(), added);
    }

    /// The site model of the fixture in `root`.
    fn load(root: &std::path::Path) -> Site {
        let mut timer = crate::timer::Timer::start();
        crate::build::load_site(root, &crate::config::Overrides::default(), &mut timer)
            .expect("the fixture loads")
            .0
    }

    /// The files of the index of the site in `root`, made with `memo` (or none).
    fn index_files(root: &std::path::Path, memo: Option<&Memo>) -> Vec<(String, Vec<u8>)> {
        let site = load(root);
        let mut files = Vec::new();
        each_file(&site, memo, |rel, bytes| {
            files.push((rel, bytes));
            Ok(())
        })
        .unwrap();
        files
    }

    /// Documents of the memo that [`doc_words`] takes as they are, for the site in `root`.
    fn kept(root: &std::path::Path, memo: &Memo) -> usize {
        let site = load(root);
        let langs = memo.langs();
        indexed(&site)
            .into_iter()
            .filter(|&i| {
                let lang = site.articles[i].lang();
                let (stem, stop) = (Stem::new(lang), FxHashSet::default());
                langs
                    .get(lang)
                    .is_some_and(|v| doc_words(&site, i, &stem, &stop, v, true).kept)
            })
            .count()
    }

    #[test]
    fn kept_words_give_the_same_index_and_follow_every_edit() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://t.example/\"\ndefault_language = \"en\"\n\
             [languages.en]\nname = \"English\"\n[languages.ru]\nname = \"Русский\"\n",
        );
        write(
            "content/people.yaml",
            "- name: Jane Doe\n  names: { ru: Джейн Доу }\n- name: Ivan Petrov\n",
        );
        let article = |rel: &str, title: &str, body: &str, people: &str| {
            write(
                rel,
                &format!(
                    "---\ntitle: {title}\ndate: 2025-03-0{}T10:00:00Z\nauthors: [{people}]\n---\n{body}\n",
                    1 + rel.len() % 9
                ),
            );
        };
        article(
            "content/en/dam.md",
            "Dam repairs begin",
            "Engineers inspected the dam and the flooded fields.",
            "Jane Doe",
        );
        article(
            "content/en/budget.md",
            "The city budget",
            "Councillors argued over planned spending on schools.",
            "Ivan Petrov",
        );
        article(
            "content/en/river.md",
            "River levels",
            "The river rose after rains; planners planned new dykes.",
            "Jane Doe",
        );
        article(
            "content/ru/plotina.md",
            "Ремонт плотины",
            "Инженеры осмотрели плотину и затопленные поля.",
            "Jane Doe",
        );
        article(
            "content/ru/budzhet.md",
            "Бюджет города",
            "Депутаты спорили о расходах на школы.",
            "Ivan Petrov",
        );

        let memo = Memo::default();
        assert_eq!(index_files(root, Some(&memo)), index_files(root, None));
        assert_eq!(memo.docs(), 5, "every document is kept");
        assert_eq!(kept(root, &memo), 5);

        // Through the build cache's encoding.
        let memo: Memo = rmp_serde::from_slice(&rmp_serde::to_vec(&memo).unwrap()).unwrap();
        assert_eq!(kept(root, &memo), 5);

        // A body, a headline and a display name change (the last changes the credits of
        // three documents); one article goes, one with new words comes.
        article(
            "content/en/dam.md",
            "Dam repairs begin",
            "Engineers drained the reservoir below the dam.",
            "Jane Doe",
        );
        article(
            "content/en/budget.md",
            "The city budget is cut",
            "Councillors argued over planned spending on schools.",
            "Ivan Petrov",
        );
        write(
            "content/people.yaml",
            "- name: Jane Doe\n  names: { ru: Джейн Доу-Смит }\n- name: Ivan Petrov\n",
        );
        std::fs::remove_file(root.join("content/en/river.md")).unwrap();
        article(
            "content/en/harbour.md",
            "Harbour dredging",
            "Dredgers deepened the harbour channel for ferries.",
            "Ivan Petrov",
        );
        // Unchanged: the Russian budget article only (its author's name did not change).
        assert_eq!(kept(root, &memo), 1);
        assert_eq!(index_files(root, Some(&memo)), index_files(root, None));
        assert_eq!(
            memo.docs(),
            5,
            "the removed and edited documents are forgotten"
        );
        assert_eq!(kept(root, &memo), 5);
        let en = |memo: &Memo| memo.langs().get("en").map(|v| v.words.len()).unwrap();
        let words = en(&memo);

        // A language left out of the index is dropped from the memo.
        write(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://t.example/\"\ndefault_language = \"en\"\n\
             [languages.en]\nname = \"English\"\n[languages.ru]\nname = \"Русский\"\n\
             [search]\nlanguages = [\"en\"]\n",
        );
        assert_eq!(index_files(root, Some(&memo)), index_files(root, None));
        assert_eq!(memo.docs(), 3);
        assert_eq!(en(&memo), words);
    }

    #[test]
    fn varints_and_shards_round_trip() {
        let mut buf = Vec::new();
        for v in [0u64, 1, 127, 128, 300, 1 << 35] {
            put_varint(&mut buf, v);
        }
        let mut pos = 0;
        for v in [0u64, 1, 127, 128, 300, 1 << 35] {
            assert_eq!(get_varint(&buf, &mut pos), Some(v));
        }
        let mut entries: Vec<(String, Entry)> = (0..5000)
            .map(|k| {
                (
                    format!("term{k:05}"),
                    Entry {
                        alias: (k % 7 == 0).then(|| format!("alias{k}")),
                        postings: (0..(k % 13) as u32).map(|d| (d * 3 + 1, d + 2)).collect(),
                    },
                )
            })
            .collect();
        entries.retain(|(_, e)| e.alias.is_some() || !e.postings.is_empty());
        let mut shards = Vec::new();
        shard_each(entries.clone(), |first, bytes| {
            shards.push((first, bytes));
            Ok::<(), std::convert::Infallible>(())
        })
        .unwrap();
        assert!(shards.len() > 1, "{} shards", shards.len());
        let mut back = Vec::new();
        for (first, bytes) in &shards {
            let d = decode_shard(bytes).expect("decodes");
            assert_eq!(&d[0].0, first);
            back.extend(d);
        }
        assert_eq!(back, entries);
    }
}
