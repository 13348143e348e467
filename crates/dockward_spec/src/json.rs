//! An order-preserving JSON tree and lookups that follow Go's `encoding/json`.
//!
//! The daemon decodes a `/containers/create` body into Go structs. Go matches an
//! object key to a struct field exactly or, failing that, case-insensitively
//! (with Unicode simple folding, so `ſ` U+017F matches `s` and `K` U+212A matches
//! `k`), and processes keys in document order:
//! - a scalar field takes the value of the last matching key; `null` leaves it as it was;
//! - a struct, pointer-to-struct or map field decodes each occurrence *into* the
//!   existing value, so duplicate objects merge key by key; `null` resets a pointer
//!   or a map (not a plain struct);
//! - a slice field is decoded element by element *into the slice's existing
//!   backing array*: element `i` of a later array is decoded into whatever element
//!   `i` already held (a `null` element keeps it; an object merges into it), the
//!   length becomes the later array's, and elements past the length survive in
//!   the backing array and come back if a later, longer array reaches them. An
//!   empty array or `null` starts afresh. Verified on Engine 20.10:
//!   `"Binds":["/tmp:/h","/var:/v"],"Binds":["/etc:/e"],"Binds":[null,null]`
//!   creates the binds `/etc:/e` and `/var:/v`.
//!
//! `serde_json::Value` keeps one entry per key and is case-sensitive, so bodies are
//! parsed into [`Json`], whose objects are `Vec<(String, Json)>` in document order.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value whose objects keep every key, duplicates included, in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Converts a `serde_json::Value` (keys are already unique there).
    pub(crate) fn from_value(value: &serde_json::Value) -> Json {
        match value {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(*b),
            serde_json::Value::Number(n) => Json::Number(n.clone()),
            serde_json::Value::String(s) => Json::String(s.clone()),
            serde_json::Value::Array(items) => {
                Json::Array(items.iter().map(Json::from_value).collect())
            }
            serde_json::Value::Object(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Json::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// A short name of the value's JSON type, for errors.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        serde_json::Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Json>()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

/// Folds one character the way Go's case-insensitive key match does for
/// ASCII field names: ASCII case, plus the two non-ASCII characters whose
/// simple case folding reaches an ASCII letter.
fn fold(c: char) -> char {
    match c {
        '\u{017F}' => 's',
        '\u{212A}' => 'k',
        _ => c.to_ascii_lowercase(),
    }
}

/// Whether a JSON key selects the Go struct field `field` (an ASCII name).
pub(crate) fn key_matches(key: &str, field: &str) -> bool {
    key.chars().map(fold).eq(field.chars().map(fold))
}

/// A view of one Go struct (or map) decoded from every JSON object that reached
/// it, in order: the entries of all those objects, concatenated.
#[derive(Debug, Clone, Default)]
pub(crate) struct Obj<'a> {
    entries: Vec<&'a (String, Json)>,
}

impl<'a> Obj<'a> {
    /// The view of a single JSON object.
    pub(crate) fn of(entries: &'a [(String, Json)]) -> Self {
        Obj {
            entries: entries.iter().collect(),
        }
    }

    /// Appends the entries of one more JSON object decoded into this struct.
    pub(crate) fn extend(&mut self, entries: &'a [(String, Json)]) {
        self.entries.extend(entries.iter());
    }

    /// Every value whose key selects the struct field `field`, in document order.
    pub(crate) fn matches(&self, field: &str) -> impl Iterator<Item = &'a Json> + '_ {
        let field = field.to_owned();
        self.entries
            .iter()
            .filter(move |(k, _)| key_matches(k, &field))
            .map(|(_, v)| v)
    }

    /// A scalar field: the last non-null matching value (Go leaves a scalar
    /// unchanged on `null`).
    pub(crate) fn scalar(&self, field: &str) -> Option<&'a Json> {
        self.matches(field)
            .filter(|v| !matches!(v, Json::Null))
            .last()
    }

    /// A slice field as Go decodes it (see the module docs): for each element
    /// of the final slice, every JSON value decoded into it, oldest first.
    /// A matching value that is neither an array nor `null` is returned as the error.
    pub(crate) fn slice(&self, field: &str) -> Result<Vec<Vec<&'a Json>>, &'a Json> {
        let mut backing: Vec<Vec<&'a Json>> = Vec::new();
        let mut len = 0;
        for value in self.matches(field) {
            match value {
                Json::Null => {
                    backing.clear();
                    len = 0;
                }
                Json::Array(items) if items.is_empty() => {
                    backing.clear();
                    len = 0;
                }
                Json::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        match backing.get_mut(i) {
                            Some(element) => element.push(item),
                            None => backing.push(vec![item]),
                        }
                    }
                    len = items.len();
                }
                other => return Err(other),
            }
        }
        backing.truncate(len);
        Ok(backing)
    }

    /// A pointer-to-struct or map field: every matching object merged, restarting
    /// after a `null`. Non-object values are returned as an error value.
    pub(crate) fn nullable_object(&self, field: &str) -> Result<Option<Obj<'a>>, &'a Json> {
        self.object(field, true)
    }

    /// A plain struct field: every matching object merged; `null` is ignored.
    pub(crate) fn struct_field(&self, field: &str) -> Result<Option<Obj<'a>>, &'a Json> {
        self.object(field, false)
    }

    fn object(&self, field: &str, null_resets: bool) -> Result<Option<Obj<'a>>, &'a Json> {
        let mut merged: Option<Obj<'a>> = None;
        for value in self.matches(field) {
            match value {
                Json::Null => {
                    if null_resets {
                        merged = None;
                    }
                }
                Json::Object(entries) => {
                    merged
                        .get_or_insert_with(Obj::default)
                        .entries
                        .extend(entries.iter());
                }
                other => return Err(other),
            }
        }
        Ok(merged)
    }

    /// The map's entries with exact keys, the last duplicate winning, in order of
    /// first appearance (Go map keys are not folded).
    pub(crate) fn map_entries(&self) -> Vec<(&'a str, &'a Json)> {
        let mut out: Vec<(&'a str, &'a Json)> = Vec::new();
        for (k, v) in &self.entries {
            if let Some(slot) = out.iter_mut().find(|(key, _)| *key == k.as_str()) {
                slot.1 = v;
            } else {
                out.push((k.as_str(), v));
            }
        }
        out
    }
}
