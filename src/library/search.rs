//! Searching the library: the quick-search box (fuzzy, over each document's title, type,
//! authors, organizations and patient) and full-text search over the narratives.
//!
//! Both work on *folded* text: lower case, accents and ligatures removed, so that "creat"
//! finds "Créatinine" and "coeur" finds "cœur". Folding happens once per document when it is
//! indexed and once per query, never per comparison.

use std::collections::HashMap;

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Lower case, without accents or ligatures ("Œdème Aigu" → "oedeme aigu"). Characters with
/// no Latin transliteration are kept as they are (lower-cased).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            match deunicode::deunicode_char(c) {
                Some(latin) if !latin.is_empty() && latin.is_ascii() => {
                    out.extend(latin.chars().map(|l| l.to_ascii_lowercase()))
                }
                _ => out.extend(c.to_lowercase()),
            }
        } else if c.is_whitespace() {
            out.push(' ');
        } else {
            // Punctuation and symbols: apostrophes, dashes, µ... kept when they have an ASCII
            // form (’ → '), else a space so that words stay apart.
            match deunicode::deunicode_char(c) {
                Some(latin) if latin.len() == 1 && latin.is_ascii() => out.push_str(latin),
                _ => out.push(' '),
            }
        }
    }
    out
}

/// The words of a folded text: runs of letters and digits, at least one character long.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// The fuzzy matcher of the quick-search box, reused across queries (it keeps buffers).
///
/// nucleo-matcher, not the design's fuzzy-matcher: on the same folded keys it answers in
/// less time and its scores separate near-contiguous matches from scattered ones (see
/// `BENCHMARKS.md`, "Quick search").
pub struct QuickMatcher {
    matcher: Matcher,
    buffer: Vec<char>,
}

impl Default for QuickMatcher {
    fn default() -> Self {
        Self { matcher: Matcher::new(Config::DEFAULT), buffer: Vec::new() }
    }
}

/// A quick-search query, compiled once: one fuzzy atom per word.
pub struct QuickQuery {
    words: Vec<QuickWord>,
}

struct QuickWord {
    text: String,
    atom: Atom,
    /// Scores below this are scattered matches ("creat" in "charlescreteil"), not what a
    /// person meant.
    min_score: u16,
}

/// The least score per query character for a word to count as found. nucleo gives 16 per
/// matched character plus bonuses for word starts and runs, minus gap penalties: a
/// contiguous or nearly contiguous match scores well above 18 per character, letters merely
/// occurring in order well below ("creat" scores 140 against "créatinine", 67 against a key
/// whose letters merely occur in order).
const MIN_SCORE_PER_CHAR: u16 = 18;

impl QuickQuery {
    /// The query as typed; `None` when it holds no word. Every word must match a word of
    /// the key, fuzzily (letters in order, a few missing allowed).
    pub fn new(query: &str) -> Option<Self> {
        let folded = fold(query);
        let words: Vec<QuickWord> = words(&folded)
            .map(|word| QuickWord {
                text: word.to_string(),
                atom: Atom::new(word, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy, false),
                min_score: (word.chars().count() as u16).saturating_mul(MIN_SCORE_PER_CHAR),
            })
            .collect();
        (!words.is_empty()).then_some(Self { words })
    }
}

impl QuickMatcher {
    /// The score of `key` (already folded) for `query`: every query word must match one of
    /// the key's words; `None` otherwise. Higher is better.
    pub fn score(&mut self, query: &QuickQuery, key: &str) -> Option<u32> {
        let mut total = 0u32;
        for word in &query.words {
            let best = words(key).filter_map(|candidate| self.word_score(word, candidate)).max()?;
            total += u32::from(best);
        }
        Some(total)
    }

    /// The score of one key word for one query word. Words shorter than [`MIN_PREFIX`]
    /// match as prefixes only ("cr" finds "cr" and "creatinine", not "cardio").
    fn word_score(&mut self, word: &QuickWord, candidate: &str) -> Option<u16> {
        if word.text.len() < MIN_PREFIX {
            return candidate.starts_with(&word.text).then_some(word.min_score.max(1));
        }
        let haystack = Utf32Str::new(candidate, &mut self.buffer);
        word.atom.score(haystack, &mut self.matcher).filter(|&score| score >= word.min_score)
    }
}

/// An inverted index over the folded words of each document's text, for full-text search.
///
/// Documents are added one at a time; the vocabulary is sorted once a batch is added
/// ([`TextIndex::prepare`]) so that a query word is looked up as a *prefix* ("glyc" finds
/// "glycémie" and "glycosurie") by a binary search and a walk over the words sharing it.
#[derive(Debug, Default)]
pub struct TextIndex {
    ids: HashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
    /// `postings[w]`: the documents holding word `w`, in the order they were added.
    postings: Vec<Vec<u32>>,
    /// Word ids in the order of their words; stale when `prepared` is false.
    sorted: Vec<u32>,
    prepared: bool,
}

/// The shortest query word looked up as a prefix; shorter words must match whole.
const MIN_PREFIX: usize = 3;

impl TextIndex {
    /// Adds the words of a document's folded text. Documents are expected in increasing order.
    pub fn add(&mut self, document: u32, folded: &str) {
        let mut seen: Vec<&str> = words(folded).collect();
        seen.sort_unstable();
        seen.dedup();
        for word in seen {
            let id = match self.ids.get(word) {
                Some(&id) => id,
                None => {
                    let id = self.words.len() as u32;
                    self.ids.insert(word.into(), id);
                    self.words.push(word.into());
                    self.postings.push(Vec::new());
                    self.prepared = false;
                    id
                }
            };
            let list = &mut self.postings[id as usize];
            if list.last() != Some(&document) {
                if list.last().is_some_and(|&last| last > document) {
                    // Added out of order (a document read again): `prepare` sorts the list.
                    self.prepared = false;
                }
                list.push(document);
            }
        }
    }

    /// Forgets a document's words, before it is added again with its new text.
    pub fn remove(&mut self, document: u32) {
        for list in &mut self.postings {
            list.retain(|&d| d != document);
        }
    }

    /// Sorts the vocabulary after documents were added; searching needs it.
    pub fn prepare(&mut self) {
        if self.prepared {
            return;
        }
        let words = &self.words;
        self.sorted = (0..words.len() as u32).collect();
        self.sorted.sort_unstable_by(|&a, &b| words[a as usize].cmp(&words[b as usize]));
        for list in &mut self.postings {
            if !list.is_sorted() {
                list.sort_unstable();
                list.dedup();
            }
        }
        self.prepared = true;
    }

    /// How many distinct words the index holds.
    pub fn word_count(&self) -> usize {
        self.words.len()
    }

    /// The documents holding every word of `query` (each as a prefix, see [`TextIndex`]),
    /// sorted; `None` when the query has no word. Call [`TextIndex::prepare`] first.
    pub fn search(&self, query: &str) -> Option<Vec<u32>> {
        let folded = fold(query);
        let mut result: Option<Vec<u32>> = None;
        for word in words(&folded) {
            let hits = self.documents_with(word);
            result = Some(match result {
                None => hits,
                Some(previous) => intersect(&previous, &hits),
            });
            if result.as_ref().is_some_and(Vec::is_empty) {
                break;
            }
        }
        result
    }

    /// The documents whose words match every word of `query` fuzzily, each with its score
    /// (the sum of each query word's best match), sorted by document. Call
    /// [`TextIndex::prepare`] first.
    ///
    /// Each query word is matched against the vocabulary, not against every document: the
    /// words of titles, types, names and organizations repeat across documents, so the
    /// vocabulary stays small while the library grows.
    pub fn fuzzy_search(&self, query: &QuickQuery, matcher: &mut QuickMatcher) -> Vec<(u32, u32)> {
        let mut result: Option<Vec<(u32, u32)>> = None;
        for word in &query.words {
            // The best score of this word in each document.
            let mut hits: Vec<(u32, u32)> = Vec::new();
            for (id, candidate) in self.words.iter().enumerate() {
                if let Some(score) = matcher.word_score(word, candidate) {
                    hits.extend(self.postings[id].iter().map(|&d| (d, u32::from(score))));
                }
            }
            hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            hits.dedup_by_key(|h| h.0);
            result = Some(match result {
                None => hits,
                Some(previous) => intersect_scored(&previous, &hits),
            });
            if result.as_ref().is_some_and(Vec::is_empty) {
                break;
            }
        }
        result.unwrap_or_default()
    }

    /// The documents holding `word`, or a word starting with it when it is long enough.
    fn documents_with(&self, word: &str) -> Vec<u32> {
        let word_of = |id: &u32| &*self.words[*id as usize];
        let first = self.sorted.partition_point(|id| word_of(id) < word);
        if word.chars().count() < MIN_PREFIX {
            return match self.sorted.get(first) {
                Some(id) if word_of(id) == word => self.postings[*id as usize].clone(),
                _ => Vec::new(),
            };
        }
        let lists: Vec<&[u32]> = self.sorted[first..]
            .iter()
            .take_while(|id| word_of(id).starts_with(word))
            .map(|id| self.postings[*id as usize].as_slice())
            .collect();
        match lists.as_slice() {
            [] => Vec::new(),
            [one] => one.to_vec(),
            _ => {
                let mut all: Vec<u32> = lists.concat();
                all.sort_unstable();
                all.dedup();
                all
            }
        }
    }
}

/// The documents in both lists, with their scores added.
fn intersect_scored(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_accents_and_ligatures() {
        assert_eq!(fold("Créatinine"), "creatinine");
        assert_eq!(fold("Œdème AIGU"), "oedeme aigu");
        assert_eq!(fold("cœur à l’effort"), "coeur a l'effort");
        assert_eq!(fold("Hémoglobine glyquée (HbA1c)"), "hemoglobine glyquee (hba1c)");
    }

    #[test]
    fn quick_search_ignores_accents_and_case() {
        let mut matcher = QuickMatcher::default();
        let query = QuickQuery::new("creat").expect("a query");
        assert!(matcher.score(&query, &fold("Créatinine sérique")).is_some());
        assert!(matcher.score(&query, &fold("Glycémie à jeun")).is_none());
        let scattered = "historique des vaccinations · m charles muller dr · cabinet du dr muller";
        assert!(matcher.score(&query, scattered).is_none(), "letters merely in order are not a match");
        let short = QuickQuery::new("cr").expect("a query");
        assert!(matcher.score(&short, "cr d'examens biologiques").is_some());
        assert!(matcher.score(&short, "cardiologie").is_none(), "a short word matches as a prefix");
        let typo = QuickQuery::new("muler").expect("a query");
        assert!(matcher.score(&typo, "m charles muller dr").is_some(), "a missing letter is forgiven");
        let query = QuickQuery::new("Dupont cardio").expect("a query");
        assert!(matcher.score(&query, &fold("Compte rendu — Dr Jean DUPONT, Cardiologie")).is_some());
        assert!(QuickQuery::new("  ").is_none());
    }

    #[test]
    fn fuzzy_search_over_the_vocabulary_needs_every_word_in_the_same_document() {
        let mut index = TextIndex::default();
        let keys = ["cr d'examens biologiques · dr jean dupont · cardiologie", "dr paul dupond · radiologie"];
        for (i, key) in keys.iter().enumerate() {
            index.add(i as u32, key);
        }
        index.prepare();
        let mut matcher = QuickMatcher::default();
        let found = |index: &TextIndex, matcher: &mut QuickMatcher, text: &str| -> Vec<u32> {
            let query = QuickQuery::new(text).expect("a query");
            index.fuzzy_search(&query, matcher).into_iter().map(|(d, _)| d).collect()
        };
        assert_eq!(found(&index, &mut matcher, "Dupont cardio"), [0]);
        assert_eq!(found(&index, &mut matcher, "dupon"), [0, 1]);
        assert_eq!(found(&index, &mut matcher, "radio dupont"), Vec::<u32>::new());
    }

    #[test]
    fn a_document_read_again_is_found_by_its_new_words_only() {
        let mut index = TextIndex::default();
        index.add(0, "glycemie normale");
        index.add(1, "glycemie basse");
        index.prepare();
        index.remove(0);
        index.add(0, "creatinine");
        index.prepare();
        assert_eq!(index.search("glycemie"), Some(vec![1]));
        assert_eq!(index.search("creatinine"), Some(vec![0]));
        index.remove(1);
        index.add(1, "creatinine haute");
        index.prepare();
        assert_eq!(index.search("creatinine"), Some(vec![0, 1]), "postings stay sorted");
    }

    #[test]
    fn full_text_finds_words_by_prefix_in_every_document() {
        let mut index = TextIndex::default();
        for (i, text) in ["Glycémie à jeun normale", "Glycosurie absente", "Créatinine"].iter().enumerate()
        {
            index.add(i as u32, &fold(text));
        }
        index.prepare();
        assert_eq!(index.search("glyc"), Some(vec![0, 1]));
        assert_eq!(index.search("GLYCÉMIE jeun"), Some(vec![0]));
        assert_eq!(index.search("glyc absente"), Some(vec![1]));
        assert_eq!(index.search("a"), Some(vec![0]), "a short word matches whole words only");
        assert_eq!(index.search("urée"), Some(vec![]));
        assert_eq!(index.search(" ,; "), None);
    }
}
