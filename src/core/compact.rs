//! The in-memory form of a loaded deck: the file's own text is the string arena and
//! each card is a small record of spans into it, so a 500,000-card deck costs little
//! more than its file. Parsed in one pass with a `DeserializeSeed`, without a String
//! per field; bundled decks borrow the text embedded in the binary.
use crate::core::deck::{CardKind, CardView, validate_view};
use crate::core::error::{LoadError, Reporter, from_serde};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A string stored in the deck: (offset, length); the top bit of the offset marks
/// strings that had escapes and live in the side arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Sp(u32, u32);

const SIDE: u32 = 1 << 31;
const NONE: Sp = Sp(u32::MAX, 0);

/// One card as parsed: spans into the deck's text.
#[derive(Debug, Clone, Copy)]
struct Rec {
    id: Sp,
    front: Sp,
    back: Sp,
    extra: Sp,
    source: Sp,
    options: (u32, u16),
    tags: (u32, u16),
    kind: CardKind,
}

/// One card as kept: 40 bytes. The rarely present parts (extra, options, tags) sit
/// in `lists` as three entries starting at `aux` (`u32::MAX` when none).
#[derive(Debug, Clone, Copy)]
struct Slim {
    id: Sp,
    front: Sp,
    back: Sp,
    source: Sp,
    aux: u32,
    kind: CardKind,
}

/// A loaded deck.
#[derive(Debug)]
pub struct LoadedDeck {
    /// Deck id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Manual and edition.
    pub source: String,
    /// Deck-wide tags.
    pub tags: Vec<String>,
    /// Notes.
    pub notes: Option<String>,
    text: Cow<'static, str>,
    side: String,
    recs: Vec<Slim>,
    lists: Vec<Sp>,
}

impl LoadedDeck {
    fn get(&self, sp: Sp) -> &str {
        if sp == NONE {
            return "";
        }
        let (base, off): (&str, u32) = if sp.0 & SIDE != 0 {
            (&self.side, sp.0 & !SIDE)
        } else {
            (&self.text, sp.0)
        };
        base.get(off as usize..off as usize + sp.1 as usize)
            .unwrap_or("")
    }

    /// Entries `start..start + n` of `lists` (empty when out of range).
    fn list(&self, start: u32, n: u32) -> &[Sp] {
        self.lists
            .get(start as usize..start as usize + n as usize)
            .unwrap_or(&[])
    }

    fn opt(&self, sp: Sp) -> Option<&str> {
        (sp != NONE).then(|| self.get(sp))
    }

    /// Number of cards.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// True when the deck has no cards.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// Card `i`'s id.
    pub fn card_id(&self, i: usize) -> &str {
        self.get(self.recs[i].id)
    }

    /// Card `i`'s kind.
    pub fn kind(&self, i: usize) -> CardKind {
        self.recs[i].kind
    }

    /// Card `i`'s front.
    pub fn front(&self, i: usize) -> &str {
        self.get(self.recs[i].front)
    }

    /// (extra, options, tags) of card `i`.
    fn aux(&self, i: usize) -> (Sp, (u32, u32), (u32, u32)) {
        let a = self.recs[i].aux as usize;
        match self.lists.get(a..a + 3) {
            Some([extra, opt, tags]) => (*extra, (opt.0, opt.1), (tags.0, tags.1)),
            _ => (NONE, (0, 0), (0, 0)),
        }
    }

    /// Whether card `i` (or the deck) carries `tag`.
    pub fn has_tag(&self, i: usize, tag: &str) -> bool {
        let (start, n) = self.aux(i).2;
        self.tags.iter().any(|t| t == tag)
            || self.list(start, n).iter().any(|sp| self.get(*sp) == tag)
    }

    /// Card `i`'s tags.
    pub fn card_tags(&self, i: usize) -> Vec<&str> {
        let (start, n) = self.aux(i).2;
        self.list(start, n).iter().map(|sp| self.get(*sp)).collect()
    }

    /// A view of card `i`.
    pub fn card(&self, i: usize) -> CardView<'_> {
        let r = &self.recs[i];
        let (extra, (start, n), _) = self.aux(i);
        CardView {
            id: self.get(r.id),
            front: self.get(r.front),
            back: self.get(r.back),
            kind: r.kind,
            extra: self.opt(extra),
            source: self.opt(r.source),
            options: self.list(start, n).iter().map(|sp| self.get(*sp)).collect(),
        }
    }

    /// Parses and validates deck `text`; `file` names it in errors; bundled decks
    /// (`require_source`) must cite a section on every card.
    pub fn parse(
        file: &str,
        text: Cow<'static, str>,
        require_source: bool,
    ) -> Result<LoadedDeck, LoadError> {
        let base = text.as_ptr() as usize;
        let mut side = String::new();
        let mut lists = Vec::new();
        let mut de = serde_json::Deserializer::from_str(&text);
        let head = DeckSeed {
            base,
            len: text.len(),
            side: &mut side,
            lists: &mut lists,
        }
        .deserialize(&mut de)
        .and_then(|h| de.end().map(|()| h))
        .map_err(|e| LoadError(vec![from_serde(file, &e)]))?;
        let deck = LoadedDeck {
            id: head.id,
            title: head.title,
            source: head.source,
            tags: head.tags,
            notes: head.notes,
            text: Cow::Borrowed(""),
            side,
            recs: head.recs,
            lists,
        };
        let deck = LoadedDeck { text, ..deck };
        let mut r = Reporter::new(file, &deck.text);
        validate_view(
            &mut r,
            require_source,
            [&deck.id, &deck.title, &deck.source],
            deck.len(),
            |i| deck.card(i),
        );
        r.finish()?;
        Ok(deck)
    }

    /// Reads a deck file.
    pub fn load(path: &std::path::Path, require_source: bool) -> Result<LoadedDeck, LoadError> {
        let file = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| crate::core::error::read_error(&file, &e))?;
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        Self::parse(&file, Cow::Owned(text), require_source)
    }
}

/// Magic and format version of a compiled deck file.
const COMPILED_MAGIC: &[u8; 8] = b"MUSTERD1";

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_sp(out: &mut Vec<u8>, sp: Sp) {
    out.extend_from_slice(&sp.0.to_le_bytes());
    out.extend_from_slice(&sp.1.to_le_bytes());
}

fn get_u64(r: &mut impl std::io::Read) -> Option<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b).ok()?;
    Some(u64::from_le_bytes(b))
}

/// Reads a length-prefixed string of at most `limit` bytes straight into its buffer.
fn get_str(r: &mut impl std::io::Read, limit: u64) -> Option<String> {
    let n = get_u64(r)?;
    if n > limit {
        return None;
    }
    let mut b = vec![0u8; n as usize];
    r.read_exact(&mut b).ok()?;
    String::from_utf8(b).ok()
}

fn sp_at(b: &[u8]) -> Sp {
    let w = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    Sp(w(0), w(4))
}

impl LoadedDeck {
    /// Writes the deck in its compiled form (its text and card records as they are in
    /// memory), tagged with `fingerprint` (the source file's identity), so the next
    /// launch can skip JSON parsing and validation.
    pub fn write_compiled(&self, path: &std::path::Path, fingerprint: &str) -> std::io::Result<()> {
        crate::core::store::write_atomic_with(path, |w| {
            // Small pieces go through a scratch buffer; the text is written as it is.
            let mut out = Vec::with_capacity(1 << 16);
            out.extend_from_slice(COMPILED_MAGIC);
            put_str(&mut out, fingerprint);
            put_str(&mut out, &self.id);
            put_str(&mut out, &self.title);
            put_str(&mut out, &self.source);
            put_str(&mut out, self.notes.as_deref().unwrap_or(""));
            out.push(u8::from(self.notes.is_some()));
            out.extend_from_slice(&(self.tags.len() as u64).to_le_bytes());
            for t in &self.tags {
                put_str(&mut out, t);
            }
            out.extend_from_slice(&(self.text.len() as u64).to_le_bytes());
            w.write_all(&out)?;
            w.write_all(self.text.as_bytes())?;
            out.clear();
            put_str(&mut out, &self.side);
            out.extend_from_slice(&(self.lists.len() as u64).to_le_bytes());
            for sp in &self.lists {
                put_sp(&mut out, *sp);
                if out.len() > 1 << 15 {
                    w.write_all(&out)?;
                    out.clear();
                }
            }
            out.extend_from_slice(&(self.recs.len() as u64).to_le_bytes());
            for r in &self.recs {
                for sp in [r.id, r.front, r.back, r.source] {
                    put_sp(&mut out, sp);
                }
                out.extend_from_slice(&r.aux.to_le_bytes());
                out.push(r.kind as u8);
                if out.len() > 1 << 15 {
                    w.write_all(&out)?;
                    out.clear();
                }
            }
            w.write_all(&out)
        })
    }

    /// Reads a compiled deck written for `fingerprint`; None when the file is missing,
    /// stale (other fingerprint or format) or damaged in any way.
    pub fn read_compiled(path: &std::path::Path, fingerprint: &str) -> Option<LoadedDeck> {
        use std::io::Read;
        let file = std::fs::File::open(path).ok()?;
        let limit = file.metadata().ok()?.len();
        let mut r = std::io::BufReader::with_capacity(1 << 16, file);
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic).ok()?;
        if &magic != COMPILED_MAGIC || get_str(&mut r, limit)? != fingerprint {
            return None;
        }
        let id = get_str(&mut r, limit)?;
        let title = get_str(&mut r, limit)?;
        let source = get_str(&mut r, limit)?;
        let notes_text = get_str(&mut r, limit)?;
        let mut has_notes = [0u8; 1];
        r.read_exact(&mut has_notes).ok()?;
        let ntags = get_u64(&mut r)?.min(limit);
        let tags = (0..ntags)
            .map(|_| get_str(&mut r, limit))
            .collect::<Option<Vec<_>>>()?;
        let text = get_str(&mut r, limit)?;
        let side = get_str(&mut r, limit)?;
        let nlists = get_u64(&mut r)?;
        if nlists > limit / 8 {
            return None;
        }
        let mut lists = Vec::with_capacity(nlists as usize);
        let mut b = [0u8; 8];
        for _ in 0..nlists {
            r.read_exact(&mut b).ok()?;
            lists.push(sp_at(&b));
        }
        let nrecs = get_u64(&mut r)?;
        if nrecs > limit / 37 {
            return None;
        }
        let mut recs = Vec::with_capacity(nrecs as usize);
        let mut rb = [0u8; 37];
        for _ in 0..nrecs {
            r.read_exact(&mut rb).ok()?;
            let kind = match rb[36] {
                0 => CardKind::Basic,
                1 => CardKind::TrueFalse,
                2 => CardKind::MultipleChoice,
                3 => CardKind::Typed,
                4 => CardKind::Cloze,
                _ => return None,
            };
            recs.push(Slim {
                id: sp_at(&rb[0..8]),
                front: sp_at(&rb[8..16]),
                back: sp_at(&rb[16..24]),
                source: sp_at(&rb[24..32]),
                aux: u32::from_le_bytes([rb[32], rb[33], rb[34], rb[35]]),
                kind,
            });
        }
        if r.read(&mut [0u8; 1]).ok()? != 0 {
            return None;
        }
        Some(LoadedDeck {
            id,
            title,
            source,
            tags,
            notes: (has_notes[0] == 1).then_some(notes_text),
            text: Cow::Owned(text),
            side,
            recs,
            lists,
        })
    }

    /// Loads a deck file through the compiled cache in `cache_dir`: the cached form
    /// when the file is unchanged (same path, size and modification time), else the
    /// JSON, validated, then cached for next time.
    pub fn load_cached(
        path: &std::path::Path,
        cache_dir: &std::path::Path,
    ) -> Result<LoadedDeck, LoadError> {
        let meta = std::fs::metadata(path)
            .map_err(|e| crate::core::error::read_error(&path.display().to_string(), &e))?;
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let fingerprint = format!(
            "{}|{}|{mtime}|{}",
            path.display(),
            meta.len(),
            env!("CARGO_PKG_VERSION")
        );
        let name = format!(
            "{:016x}.deck",
            crate::core::study::key_hash(&path.display().to_string(), "")
        );
        let compiled = cache_dir.join(name);
        if let Some(d) = Self::read_compiled(&compiled, &fingerprint) {
            return Ok(d);
        }
        let deck = Self::load(path, false)?;
        // Best effort: without a cache the next launch parses the JSON again.
        let _ = deck.write_compiled(&compiled, &fingerprint);
        Ok(deck)
    }
}

struct Head {
    id: String,
    title: String,
    source: String,
    tags: Vec<String>,
    notes: Option<String>,
    recs: Vec<Slim>,
}

/// Stores a string: borrowed ones as spans into the text, escaped ones in `side`.
struct StrSeed<'s> {
    base: usize,
    len: usize,
    side: &'s mut String,
}

impl<'de> DeserializeSeed<'de> for StrSeed<'_> {
    type Value = Sp;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Sp, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for StrSeed<'_> {
    type Value = Sp;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Sp, E> {
        let off = (v.as_ptr() as usize).wrapping_sub(self.base);
        if off < self.len && off + v.len() <= self.len && off < SIDE as usize {
            Ok(Sp(off as u32, v.len() as u32))
        } else {
            self.visit_str(v)
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Sp, E> {
        let off = self.side.len();
        if off + v.len() >= SIDE as usize || v.len() > u32::MAX as usize {
            return Err(E::custom("deck text too large"));
        }
        self.side.push_str(v);
        Ok(Sp(off as u32 | SIDE, v.len() as u32))
    }
}

/// A list of strings appended to `lists`; yields (start, count).
struct ListSeed<'s> {
    base: usize,
    len: usize,
    side: &'s mut String,
    lists: &'s mut Vec<Sp>,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = (u32, u16);
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(u32, u16), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_> {
    type Value = (u32, u16);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(u32, u16), A::Error> {
        let start = self.lists.len();
        while let Some(sp) = seq.next_element_seed(StrSeed {
            base: self.base,
            len: self.len,
            side: &mut *self.side,
        })? {
            self.lists.push(sp);
        }
        let n = self.lists.len() - start;
        if n > u16::MAX as usize {
            return Err(de::Error::custom("too many entries in one list"));
        }
        Ok((start as u32, n as u16))
    }
}

struct DeckSeed<'s> {
    base: usize,
    len: usize,
    side: &'s mut String,
    lists: &'s mut Vec<Sp>,
}

impl<'de> DeserializeSeed<'de> for DeckSeed<'_> {
    type Value = Head;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Head, D::Error> {
        d.deserialize_map(self)
    }
}

const DECK_FIELDS: &[&str] = &["id", "title", "source", "tags", "notes", "cards"];
const CARD_FIELDS: &[&str] = &[
    "id", "front", "back", "kind", "options", "extra", "tags", "source",
];

impl<'de> Visitor<'de> for DeckSeed<'_> {
    type Value = Head;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a deck object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
        let (mut id, mut title, mut source, mut tags, mut notes, mut recs) =
            (None, None, None, Vec::new(), None, None);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "id" => id = Some(map.next_value::<String>()?),
                "title" => title = Some(map.next_value::<String>()?),
                "source" => source = Some(map.next_value::<String>()?),
                "tags" => tags = map.next_value::<Vec<String>>()?,
                "notes" => notes = map.next_value::<Option<String>>()?,
                "cards" => {
                    recs = Some(map.next_value_seed(CardsSeed {
                        base: self.base,
                        len: self.len,
                        side: &mut *self.side,
                        lists: &mut *self.lists,
                    })?)
                }
                other => return Err(de::Error::unknown_field(other, DECK_FIELDS)),
            }
        }
        Ok(Head {
            id: id.ok_or_else(|| de::Error::missing_field("id"))?,
            title: title.ok_or_else(|| de::Error::missing_field("title"))?,
            source: source.ok_or_else(|| de::Error::missing_field("source"))?,
            tags,
            notes,
            recs: recs.ok_or_else(|| de::Error::missing_field("cards"))?,
        })
    }
}

struct CardsSeed<'s> {
    base: usize,
    len: usize,
    side: &'s mut String,
    lists: &'s mut Vec<Sp>,
}

impl<'de> DeserializeSeed<'de> for CardsSeed<'_> {
    type Value = Vec<Slim>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<Slim>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for CardsSeed<'_> {
    type Value = Vec<Slim>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of cards")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Slim>, A::Error> {
        let mut recs = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(r) = seq.next_element_seed(CardSeed {
            base: self.base,
            len: self.len,
            side: &mut *self.side,
            lists: &mut *self.lists,
        })? {
            let aux = if r.extra == NONE && r.options.1 == 0 && r.tags.1 == 0 {
                u32::MAX
            } else {
                let at = self.lists.len();
                self.lists.push(r.extra);
                self.lists.push(Sp(r.options.0, u32::from(r.options.1)));
                self.lists.push(Sp(r.tags.0, u32::from(r.tags.1)));
                u32::try_from(at).map_err(|_| de::Error::custom("deck too large"))?
            };
            recs.push(Slim {
                id: r.id,
                front: r.front,
                back: r.back,
                source: r.source,
                aux,
                kind: r.kind,
            });
        }
        recs.shrink_to_fit();
        Ok(recs)
    }
}

struct CardSeed<'s> {
    base: usize,
    len: usize,
    side: &'s mut String,
    lists: &'s mut Vec<Sp>,
}

impl<'de> DeserializeSeed<'de> for CardSeed<'_> {
    type Value = Rec;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Rec, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for CardSeed<'_> {
    type Value = Rec;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a card object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Rec, A::Error> {
        let (base, len) = (self.base, self.len);
        let mut rec = Rec {
            id: NONE,
            front: NONE,
            back: NONE,
            extra: NONE,
            source: NONE,
            options: (0, 0),
            tags: (0, 0),
            kind: CardKind::Basic,
        };
        let (mut has_id, mut has_front) = (false, false);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "id" => {
                    rec.id = map.next_value_seed(StrSeed {
                        base,
                        len,
                        side: &mut *self.side,
                    })?;
                    has_id = true;
                }
                "front" => {
                    rec.front = map.next_value_seed(StrSeed {
                        base,
                        len,
                        side: &mut *self.side,
                    })?;
                    has_front = true;
                }
                "back" => {
                    rec.back = map.next_value_seed(StrSeed {
                        base,
                        len,
                        side: &mut *self.side,
                    })?
                }
                "extra" => {
                    rec.extra = map.next_value_seed(OptSeed(StrSeed {
                        base,
                        len,
                        side: &mut *self.side,
                    }))?
                }
                "source" => {
                    rec.source = map.next_value_seed(OptSeed(StrSeed {
                        base,
                        len,
                        side: &mut *self.side,
                    }))?
                }
                "kind" => rec.kind = map.next_value::<CardKind>()?,
                "options" => {
                    rec.options = map.next_value_seed(ListSeed {
                        base,
                        len,
                        side: &mut *self.side,
                        lists: &mut *self.lists,
                    })?
                }
                "tags" => {
                    rec.tags = map.next_value_seed(ListSeed {
                        base,
                        len,
                        side: &mut *self.side,
                        lists: &mut *self.lists,
                    })?
                }
                other => return Err(de::Error::unknown_field(other, CARD_FIELDS)),
            }
        }
        if !has_id {
            return Err(de::Error::missing_field("id"));
        }
        if !has_front {
            return Err(de::Error::missing_field("front"));
        }
        Ok(rec)
    }
}

/// `null` or a string.
struct OptSeed<'s>(StrSeed<'s>);

impl<'de> DeserializeSeed<'de> for OptSeed<'_> {
    type Value = Sp;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Sp, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptSeed<'_> {
    type Value = Sp;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Sp, E> {
        Ok(NONE)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Sp, E> {
        Ok(NONE)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Sp, D::Error> {
        self.0.deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::deck::Deck;

    const TEXT: &str = r#"{"id":"t","title":"T","source":"S","tags":["deck-tag"],"cards":[
  {"id":"a","front":"Q \"quoted\" \u00e9","back":"A","source":"§1","tags":["x","y"]},
  {"id":"b","front":"Pick","back":"Two","kind":"multiple-choice","options":["One","Two"],"extra":null,"source":"§2"},
  {"id":"c","front":"{{c1::Cloze}} text","back":"","kind":"cloze","source":"§3"}
]}"#;

    #[test]
    fn compact_deck_matches_the_serde_model() {
        let d = LoadedDeck::parse("t.json", Cow::Borrowed(TEXT), true).expect("valid");
        let full = Deck::parse("t.json", TEXT, true).expect("valid");
        assert_eq!(d.len(), full.cards.len());
        for (i, c) in full.cards.iter().enumerate() {
            let v = d.card(i);
            assert_eq!(
                (v.id, v.front, v.back, v.kind, v.source),
                (
                    c.id.as_str(),
                    c.front.as_str(),
                    c.back.as_str(),
                    c.kind,
                    c.source.as_deref()
                )
            );
            assert_eq!(
                v.options,
                c.options.iter().map(String::as_str).collect::<Vec<_>>()
            );
            assert_eq!(v.extra, c.extra.as_deref());
        }
        assert_eq!(d.front(0), "Q \"quoted\" é");
        assert!(d.has_tag(0, "y") && d.has_tag(1, "deck-tag") && !d.has_tag(1, "x"));
        assert_eq!(d.card_tags(0), vec!["x", "y"]);
    }

    #[test]
    fn compiled_deck_round_trips_and_rejects_damage() {
        let d = LoadedDeck::parse("t.json", Cow::Borrowed(TEXT), true).expect("valid");
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("t.deck");
        d.write_compiled(&p, "fp-1").expect("write");
        let back = LoadedDeck::read_compiled(&p, "fp-1").expect("read");
        assert_eq!(
            (
                back.id.as_str(),
                back.title.as_str(),
                back.tags.clone(),
                back.notes.clone()
            ),
            (
                d.id.as_str(),
                d.title.as_str(),
                d.tags.clone(),
                d.notes.clone()
            )
        );
        for i in 0..d.len() {
            assert_eq!(back.card(i), d.card(i));
            assert_eq!(back.card_tags(i), d.card_tags(i));
        }
        assert!(
            LoadedDeck::read_compiled(&p, "fp-2").is_none(),
            "stale fingerprint"
        );
        let bytes = std::fs::read(&p).expect("read");
        for cut in 0..bytes.len() {
            std::fs::write(&p, &bytes[..cut]).expect("w");
            assert!(
                LoadedDeck::read_compiled(&p, "fp-1").is_none(),
                "truncated at {cut}"
            );
        }
        // Corrupt spans never panic: they read as empty text.
        let mut bad = bytes.clone();
        let n = bad.len();
        for b in &mut bad[n - 37..n - 5] {
            *b = 0xff;
        }
        std::fs::write(&p, &bad).expect("w");
        if let Some(d) = LoadedDeck::read_compiled(&p, "fp-1") {
            let _ = d.card(d.len() - 1);
            let _ = d.card_tags(d.len() - 1);
        }
    }

    #[test]
    fn load_cached_reuses_the_compiled_form_until_the_file_changes() {
        let dir = tempfile::tempdir().expect("tmp");
        let src = dir.path().join("d.json");
        std::fs::write(&src, TEXT).expect("w");
        let cache = dir.path().join("cache");
        let a = LoadedDeck::load_cached(&src, &cache).expect("first");
        assert_eq!(std::fs::read_dir(&cache).expect("cache dir").count(), 1);
        let b = LoadedDeck::load_cached(&src, &cache).expect("second");
        assert_eq!(a.card(0), b.card(0));
        // A changed file is parsed (and validated) again.
        std::fs::write(&src, TEXT.replace("\"back\":\"A\"", "\"back\":\"\"")).expect("w");
        assert!(
            LoadedDeck::load_cached(&src, &cache).is_err(),
            "the edit made the back empty"
        );
    }

    #[test]
    fn large_decks_still_report_duplicate_ids() {
        // The duplicate check sorts hashes; make sure it still names both cards at scale.
        let text = crate::core::synth::deck_json("big", 20_500)
            .replace("\"id\":\"c20400\"", "\"id\":\"c7\"");
        let e = LoadedDeck::parse("big.json", text.into(), false).expect_err("duplicate");
        assert_eq!(e.0.len(), 1, "{e}");
        assert!(
            e.to_string()
                .contains("cards[20400].id: duplicate card id \"c7\" (first used by cards[7])"),
            "{e}"
        );
    }

    #[test]
    fn errors_keep_positions() {
        let e = LoadedDeck::parse(
            "x.json",
            Cow::Borrowed("{\"id\":\"t\",\n\"cards\":[{\"id\":\"a\",\"front\":\"Q\",\"bakc\":1}]}"),
            false,
        )
        .expect_err("bad");
        assert!(e.to_string().starts_with("x.json:2:"), "{e}");
        assert!(e.to_string().contains("unknown field `bakc`"), "{e}");
        let e = LoadedDeck::parse(
            "y.json",
            Cow::Borrowed(
                "{\"id\":\"t\",\"title\":\"T\",\"source\":\"S\",\"cards\":[{\"id\":\"a\"}]}",
            ),
            false,
        )
        .expect_err("bad");
        assert!(e.to_string().contains("missing field `front`"), "{e}");
        let e = LoadedDeck::parse("z.json", Cow::Borrowed("{\"id\":\"t\",\"title\":\"T\",\"source\":\"S\",\"cards\":[\n{\"id\":\"a\",\"front\":\"Q\",\"back\":\"Maybe\",\"kind\":\"true-false\"}]}"), false).expect_err("bad");
        assert!(
            e.to_string()
                .contains("z.json:2:30: cards[0].back: true-false"),
            "{e}"
        );
        for t in ["", "[]", "{", "{\"cards\":5}", "{\"id\":1}", "null"] {
            assert!(
                LoadedDeck::parse("g.json", Cow::Borrowed(t), false).is_err(),
                "{t}"
            );
        }
    }
}
