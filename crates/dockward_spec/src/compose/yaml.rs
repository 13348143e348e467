//! A YAML tree with byte spans, read with `serde-saphyr` under a budget.
//!
//! Anchors, aliases and merge keys are expanded by the parser; every node keeps
//! the span where its value was *defined* (for an alias, the anchored node; for
//! a merged entry, the entry in the merged mapping), so a finding points at the
//! text that wrote the value.

use std::fmt;

use dockward_diagnostics::Span;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// One YAML node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub span: Span,
}

/// A YAML value. Scalars keep their resolved type (YAML 1.2 core schema).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn new(value: Value, span: Span) -> Node {
        Node { value, span }
    }

    /// The entries of a mapping, or `None`.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under the string key `key` of a mapping (the last one wins).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.key_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The entry (key and value) under `key`.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.key_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// A scalar as a mapping key.
    pub fn key_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar, as compose reads a scalar where it wants a string
    /// (`8080` and `true` become `"8080"` and `"true"`); `None` for null and collections.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(n) => Some(n.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// A short name of the node's type for messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }

    /// The number of nodes in the tree, counting no further than `limit`.
    pub fn count(&self, limit: usize) -> usize {
        let mut total = 1;
        match &self.value {
            Value::Seq(items) => {
                for item in items {
                    if total > limit {
                        break;
                    }
                    total += item.count(limit - total);
                }
            }
            Value::Map(entries) => {
                for (key, value) in entries {
                    if total > limit {
                        break;
                    }
                    total += key.count(limit - total) + value.count(limit.saturating_sub(total));
                }
            }
            _ => {}
        }
        total
    }

    /// Sets every span in the tree to `span` (for nodes from another file).
    pub fn relocate(&mut self, span: Span) {
        self.span = span;
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.relocate(span)),
            Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.relocate(span);
                v.relocate(span);
            }),
            _ => {}
        }
    }
}

/// Converts a saphyr location to a byte span; empty at 0 when unknown.
fn byte_span(spanned_defined: serde_saphyr::Location, referenced: serde_saphyr::Location) -> Span {
    for location in [spanned_defined, referenced] {
        let span = location.span();
        if let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len())
            && location != serde_saphyr::Location::UNKNOWN
        {
            let start = usize::try_from(start).unwrap_or(usize::MAX);
            let len = usize::try_from(len).unwrap_or(0);
            return Span::new(start, start.saturating_add(len));
        }
    }
    Span::default()
}

/// Deserialization target: a value with its span.
struct SpannedValue(Value);

impl<'de> Deserialize<'de> for SpannedValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(SpannedValue)
    }
}

fn node<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
    let spanned = Spanned::<SpannedValue>::deserialize(deserializer)?;
    let mut span = byte_span(spanned.defined, spanned.referenced);
    // The parser gives a collection the span of its first token; widen it to
    // cover the children written after it.
    let children_end = match &spanned.value.0 {
        Value::Seq(items) => items
            .iter()
            .filter(|n| n.span.start >= span.start)
            .map(|n| n.span.end)
            .max(),
        Value::Map(entries) => entries
            .iter()
            .flat_map(|(k, v)| [k.span, v.span])
            .filter(|s| s.start >= span.start)
            .map(|s| s.end)
            .max(),
        _ => None,
    };
    if let Some(end) = children_end {
        span.end = span.end.max(end);
    }
    Ok(Node::new(spanned.value.0, span))
}

struct NodeSeed;

impl<'de> de::DeserializeSeed<'de> for NodeSeed {
    type Value = Node;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        node(deserializer)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i128::try_from(v).map_or_else(|_| Value::Str(v.to_string()), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(NodeSeed)? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key_seed(NodeSeed)? {
            let value = map.next_value_seed(NodeSeed)?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

/// Why the YAML could not be read.
#[derive(Debug, Clone)]
pub(crate) struct YamlError {
    pub message: String,
    pub span: Option<Span>,
}

/// Parses `text` into a tree, with limits against alias bombs and deep nesting.
pub(crate) fn parse(text: &str) -> Result<Node, YamlError> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 64;
    budget.flow_nesting_limit = 64;
    budget.max_nodes = 500_000;
    budget.max_events = 2_000_000;
    budget.max_recorded_anchor_events = 100_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.leading_zero_numbers_as_strings = true;
    options.underscored_numbers_as_strings = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
    options.with_snippet = false;
    let mut limits = serde_saphyr::options::AliasLimits::default();
    limits.max_total_replayed_events = 100_000;
    options.alias_limits = limits;
    match serde_saphyr::from_str_with_options::<Option<RootNode>>(text, options) {
        Ok(Some(RootNode(mut node))) => {
            close_flow(&mut node, text, 0);
            Ok(node)
        }
        Ok(None) => Ok(Node::new(Value::Null, Span::default())),
        Err(e) => Err(YamlError {
            message: e.to_string(),
            span: e.location().map(|l| byte_span(l, l)),
        }),
    }
}

struct RootNode(Node);

impl<'de> Deserialize<'de> for RootNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        node(deserializer).map(RootNode)
    }
}

/// Widens the span of a flow collection (`[a, b]`, `{a: 1}`) to its closing
/// bracket, which the parser's spans stop short of.
fn close_flow(node: &mut Node, text: &str, depth: usize) {
    if depth > 128 {
        return;
    }
    let opener = text.as_bytes().get(node.span.start).copied();
    let close = match &mut node.value {
        Value::Seq(items) => {
            for item in items.iter_mut() {
                close_flow(item, text, depth + 1);
            }
            (opener == Some(b'[')).then_some(b']')
        }
        Value::Map(entries) => {
            for (key, value) in entries.iter_mut() {
                close_flow(key, text, depth + 1);
                close_flow(value, text, depth + 1);
            }
            (opener == Some(b'{')).then_some(b'}')
        }
        _ => None,
    };
    let Some(close) = close else { return };
    let rest = text.as_bytes().get(node.span.end..).unwrap_or_default();
    let skipped = rest
        .iter()
        .take_while(|b| b.is_ascii_whitespace() || **b == b',')
        .count();
    if rest.get(skipped) == Some(&close) {
        node.span.end += skipped + 1;
    }
}
