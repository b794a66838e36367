//! Finding features by what is written in them: every text of every property (names, aliases,
//! notes, nested lists) and numbers, across all layers, forgiving case, accents,
//! word order and small typos. Shared by the GUI's search box and the tests.
//!
//! Ranking, best first: the whole text equals the query; the text starts with it; a word starts
//! with it; it appears inside; every query word is found in some word, in any order (a typo
//! allowed from four letters, two from eight). Names, aliases and titles outrank other
//! properties; among equals, the shorter text (the closer match) and then document order win.

use serde_json::Value;

use crate::model::{Document, Feature, FeatureRef};

/// One feature found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub feature: FeatureRef,
    /// Higher is better.
    pub score: u32,
    /// The property whose text matched (`sources.title` inside nested objects).
    pub key: String,
    /// That text.
    pub text: String,
}

/// Properties that name a feature: a match there counts more.
const NAME_KEYS: [&str; 6] = ["name", "aliases", "alias", "title", "label", "name_km"];

/// At most this many texts of one feature are looked at (deeply nested data is not searched
/// past that).
const MAX_TEXTS: usize = 200;

/// The best `limit` features for `query`, best first. An empty query finds nothing.
pub fn search(doc: &Document, query: &str, limit: usize) -> Vec<Hit> {
    let query = Query::new(query);
    if query.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(Hit, usize)> = Vec::new();
    for (layer_id, layer) in doc.layers() {
        for (index, feature) in layer.features.iter().enumerate() {
            if let Some((score, key, text)) = best_match(&query, feature) {
                let len = text.chars().count();
                hits.push((
                    Hit {
                        feature: FeatureRef {
                            layer: layer_id,
                            index,
                        },
                        score,
                        key,
                        text,
                    },
                    len,
                ));
            }
        }
    }
    // Stable: document order among equals.
    hits.sort_by(|(a, alen), (b, blen)| b.score.cmp(&a.score).then(alen.cmp(blen)));
    hits.truncate(limit);
    hits.into_iter().map(|(hit, _)| hit).collect()
}

/// The best-matching text of a feature: (score, key, text).
fn best_match(query: &Query, feature: &Feature) -> Option<(u32, String, String)> {
    let mut texts: Vec<(String, String)> = Vec::new();
    // Read without keeping the parsed properties: a search scans every feature of layers
    // that may hold a million.
    feature.with_properties(|props| {
        for (key, value) in props.into_iter().flatten() {
            collect_texts(key, value, &mut texts, 0);
            if texts.len() >= MAX_TEXTS {
                break;
            }
        }
    });
    let mut best: Option<(u32, String, String)> = None;
    for (key, text) in texts {
        let Some(score) = query.score(&text) else {
            continue;
        };
        let bonus = if NAME_KEYS.contains(&key.to_lowercase().as_str()) {
            100
        } else {
            0
        };
        let score = score + bonus;
        if best.as_ref().is_none_or(|(s, _, t)| {
            score > *s || (score == *s && text.chars().count() < t.chars().count())
        }) {
            best = Some((score, key, text));
        }
    }
    best
}

fn collect_texts(key: &str, value: &Value, out: &mut Vec<(String, String)>, depth: usize) {
    if out.len() >= MAX_TEXTS || depth > 3 {
        return;
    }
    match value {
        Value::String(s) => out.push((key.to_owned(), s.clone())),
        Value::Number(n) => out.push((key.to_owned(), n.to_string())),
        Value::Array(items) => {
            for item in items {
                collect_texts(key, item, out, depth + 1);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                collect_texts(&format!("{key}.{k}"), v, out, depth + 1);
            }
        }
        Value::Bool(_) | Value::Null => {}
    }
}

/// A query, normalised once.
struct Query {
    whole: String,
    words: Vec<String>,
}

impl Query {
    fn new(text: &str) -> Self {
        let whole = normalise(text);
        let words = whole.split_whitespace().map(str::to_owned).collect();
        Self {
            whole: whole.split_whitespace().collect::<Vec<_>>().join(" "),
            words,
        }
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// How well `text` matches, if at all.
    fn score(&self, text: &str) -> Option<u32> {
        let norm = normalise(text);
        let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
        if norm.is_empty() {
            return None;
        }
        if norm == self.whole {
            return Some(1000);
        }
        if norm.starts_with(&self.whole) {
            return Some(800);
        }
        let words: Vec<&str> = norm
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if norm.contains(&self.whole) {
            let at_word = words.iter().any(|w| w.starts_with(self.whole.as_str()))
                || norm.match_indices(&self.whole).any(|(i, _)| {
                    i == 0
                        || !norm[..i]
                            .chars()
                            .next_back()
                            .is_some_and(char::is_alphanumeric)
                });
            return Some(if at_word { 700 } else { 600 });
        }
        // Every query word found in some word of the text: exactly, as a prefix, or with a
        // typo or two.
        let mut total_cost = 0;
        for q in &self.words {
            let q_words: Vec<&str> = q
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            for q in q_words {
                let cost = words.iter().filter_map(|w| word_cost(q, w)).min()?;
                total_cost += cost;
            }
        }
        if !self.words.is_empty() {
            return Some(500u32.saturating_sub(40 * total_cost));
        }
        None
    }
}

/// 0 when `q` starts word `w` (or is in it), else its typo distance if small for its length.
fn word_cost(q: &str, w: &str) -> Option<u32> {
    if w.starts_with(q) {
        return Some(0);
    }
    if q.chars().count() >= 3 && w.contains(q) {
        return Some(1);
    }
    let n = q.chars().count();
    let allowed = match n {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    if allowed == 0 {
        return None;
    }
    // Compare with the word, and with its start as long as the query (a typo in a prefix).
    let prefix: String = w.chars().take(n).collect();
    let d = edit_distance(q, w).min(edit_distance(q, &prefix) + 1);
    (d <= allowed).then_some(1 + d as u32)
}

/// Optimal string alignment distance (Levenshtein with transpositions), over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Lower case, with the accents of Latin letters taken off (so "kratie" finds "Kratié" and
/// "phu khuong" finds "Phú Khương"). Other scripts (Khmer) are kept as they are.
fn normalise(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(strip_accent)
        .collect()
}

fn strip_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ' | 'ẫ'
        | 'ậ' | 'ắ' | 'ằ' | 'ẳ' | 'ẵ' | 'ặ' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'đ' | 'ď' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | 'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể' | 'ễ' | 'ệ' => {
            'e'
        }
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ỉ' | 'ị' | 'ĩ' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ơ' | 'ọ' | 'ỏ' | 'ố' | 'ồ' | 'ổ' | 'ỗ' | 'ộ'
        | 'ớ' | 'ờ' | 'ở' | 'ỡ' | 'ợ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ư' | 'ụ' | 'ủ' | 'ũ' | 'ứ' | 'ừ' | 'ử' | 'ữ' | 'ự' | 'ů' => {
            'u'
        }
        'ý' | 'ÿ' | 'ỳ' | 'ỵ' | 'ỷ' | 'ỹ' => 'y',
        'š' | 'ś' => 's',
        'ž' | 'ź' | 'ż' => 'z',
        other => other,
    }
}

#[cfg(test)]
mod tests;
