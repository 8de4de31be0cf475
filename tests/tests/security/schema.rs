//! Values drawn from the OpenAPI document's JSON Schemas: the smallest value
//! that has the schema's shape (for the access matrix), and random ones,
//! well-formed or hostile (for the fuzzer).

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::{Map, Value, json};

/// Strings an attacker would try: injections, markup, control characters,
/// odd Unicode, and very long text.
pub const HOSTILE: [&str; 10] = [
    "' OR '1'='1",
    "'); DROP TABLE referrals; --",
    "<script>alert('warren')</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "\u{0000}\u{0007}\u{001b}[31m",
    "%00%0d%0aSet-Cookie: x=1",
    "🐹🦔 Ünïcödé \u{202e}reversed",
    "{{7*7}} ${7*7}",
    "../../../../etc/passwd",
];

/// How values are drawn.
pub struct Draw<'a> {
    /// The whole document, to resolve `$ref`s.
    pub document: &'a Value,
    /// `None` gives the smallest well-shaped value; `Some` draws at random,
    /// now and then breaking the schema on purpose.
    pub rng: Option<&'a mut StdRng>,
}

impl Draw<'_> {
    fn target<'s>(document: &'s Value, schema: &'s Value) -> &'s Value {
        match schema["$ref"].as_str() {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                &document["components"]["schemas"][name]
            }
            None => schema,
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng
            .as_deref_mut()
            .is_some_and(|rng| rng.random_bool(p))
    }

    fn pick<'v, T>(&mut self, options: &'v [T]) -> &'v T {
        match self.rng.as_deref_mut() {
            Some(rng) => options.choose(rng).expect("options"),
            None => &options[0],
        }
    }

    /// A value for `schema`, `depth` levels deep.
    pub fn value(&mut self, schema: &Value, depth: usize) -> Value {
        let document = self.document;
        let schema = Self::target(document, schema);
        if depth > 6 {
            return Value::Null;
        }
        if self.chance(0.03) {
            // A value of the wrong type altogether.
            let wrong = [
                json!(null),
                json!(-1),
                json!("x"),
                json!([]),
                json!({}),
                json!(true),
            ];
            return self.pick(&wrong).clone();
        }
        if let Some(example) = schema.get("example")
            && self.rng.is_none()
        {
            return example.clone();
        }
        if let Some(values) = schema["enum"].as_array() {
            return self.pick(values).clone();
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(options) = schema[key].as_array() {
                let non_null: Vec<&Value> = options
                    .iter()
                    .filter(|option| option["type"] != "null")
                    .collect();
                let chosen = if non_null.is_empty() || self.chance(0.2) {
                    &options[0]
                } else {
                    *self.pick(&non_null)
                };
                return self.value(chosen, depth + 1);
            }
        }
        if let Some(parts) = schema["allOf"].as_array() {
            let mut merged = Map::new();
            for part in parts {
                match self.value(part, depth + 1) {
                    Value::Object(map) => merged.extend(map),
                    other => return other,
                }
            }
            return Value::Object(merged);
        }
        let kind = match &schema["type"] {
            Value::String(kind) => kind.clone(),
            Value::Array(kinds) => {
                let kinds: Vec<&str> = kinds
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|kind| *kind != "null" || self.rng.is_some())
                    .collect();
                (*self.pick(&kinds)).to_owned()
            }
            _ if schema.get("properties").is_some() => "object".to_owned(),
            _ => return json!({}),
        };
        match kind.as_str() {
            "null" => Value::Null,
            "boolean" => json!(self.chance(0.5)),
            "integer" => json!(self.integer(schema)),
            "number" => {
                let value = self.integer(schema) as f64;
                json!(value + if self.chance(0.5) { 0.5 } else { 0.0 })
            }
            "string" => json!(self.string(schema)),
            "array" => {
                let least = schema["minItems"].as_u64().unwrap_or(0) as usize;
                let count = match self.rng.as_deref_mut() {
                    Some(rng) => least + rng.random_range(0..3),
                    None => least.max(1),
                };
                let items = &schema["items"];
                Value::Array((0..count).map(|_| self.value(items, depth + 1)).collect())
            }
            _ => {
                let required: Vec<&str> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let mut object = Map::new();
                for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                    let needed = required.contains(&name.as_str());
                    if needed && self.chance(0.03) {
                        continue;
                    }
                    if needed || self.chance(0.5) {
                        object.insert(name.clone(), self.value(property, depth + 1));
                    }
                }
                if self.chance(0.03) {
                    object.insert("unexpected_field".into(), json!("surprise"));
                }
                Value::Object(object)
            }
        }
    }

    fn integer(&mut self, schema: &Value) -> i64 {
        let low = schema["minimum"].as_i64().unwrap_or(0);
        let high = schema["maximum"]
            .as_i64()
            .unwrap_or(low.saturating_add(100));
        match self.rng.as_deref_mut() {
            None => low.max(1).min(high),
            Some(rng) => match rng.random_range(0..6) {
                0 => i64::MIN,
                1 => i64::MAX,
                2 => -1,
                _ => rng.random_range(low..=high.max(low)),
            },
        }
    }

    fn string(&mut self, schema: &Value) -> String {
        let format = schema["format"].as_str().unwrap_or_default();
        let well_formed = match format {
            "uuid" => uuid::Uuid::new_v4().to_string(),
            "date-time" => "2026-06-01T10:00:00Z".to_owned(),
            "date" => "2026-06-01".to_owned(),
            "email" => "fuzz@example.test".to_owned(),
            "uri" => "https://example.test/warren".to_owned(),
            _ => {
                let least = schema["minLength"].as_u64().unwrap_or(1) as usize;
                "warren".repeat(least.div_ceil(6).max(1))
            }
        };
        let Some(rng) = self.rng.as_deref_mut() else {
            return well_formed;
        };
        match rng.random_range(0..8) {
            0 => (*HOSTILE.choose(rng).expect("hostile strings")).to_owned(),
            1 => "x".repeat(rng.random_range(0..20_000)),
            2 => String::new(),
            _ => well_formed,
        }
    }
}

/// The smallest value of `schema`'s shape.
pub fn minimal(document: &Value, schema: &Value) -> Value {
    Draw {
        document,
        rng: None,
    }
    .value(schema, 0)
}

/// A random value of about `schema`'s shape.
pub fn random(document: &Value, schema: &Value, rng: &mut StdRng) -> Value {
    Draw {
        document,
        rng: Some(rng),
    }
    .value(schema, 0)
}
