//! Reading JSON input with field paths: the typed getters behind [`crate::api`].
//!
//! `null` counts as absent, so JS callers can pass `{ timeZone: null }`. A wrong type is
//! an error with the reader's code (`INVALID_ARGUMENT`, `INVALID_JOB`, ...) and the
//! field's full path.

use crate::error::{join_path, Error, ErrorCode, Result};
use serde_json::{Map, Value};

/// The JSON type name of a value, for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON object being read, with its path and the code for type errors.
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    /// The object's field path.
    pub path: String,
    code: ErrorCode,
}

impl<'a> Obj<'a> {
    /// Reads `v` as an object; `what` describes it in the error.
    pub fn new(v: &'a Value, path: &str, code: ErrorCode, what: &str) -> Result<Obj<'a>> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                path: path.to_string(),
                code,
            }),
            other => Err(Error::new(
                code,
                path,
                format!("{what} must be an object, not {}", type_name(other)),
            )),
        }
    }

    /// An empty object, for omitted options.
    pub fn empty(path: &str, code: ErrorCode) -> Obj<'static> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        Obj {
            map: EMPTY.get_or_init(Map::new),
            path: path.to_string(),
            code,
        }
    }

    /// Reads an optional object argument: absent or `null` gives an empty object.
    pub fn optional(
        v: Option<&'a Value>,
        path: &str,
        code: ErrorCode,
        what: &str,
    ) -> Result<Obj<'a>> {
        match v {
            None | Some(Value::Null) => Ok(Obj::empty(path, code)),
            Some(v) => Obj::new(v, path, code, what),
        }
    }

    /// The path of `key` inside this object.
    pub fn field(&self, key: &str) -> String {
        join_path(&self.path, key)
    }

    /// The value at `key`; `null` reads as absent.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Whether `key` is present and not null.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn wrong(&self, key: &str, want: &str, got: &Value, code: ErrorCode) -> Error {
        Error::new(
            code,
            self.field(key),
            format!("{key} must be {want}, not {}", type_name(got)),
        )
    }

    /// Rejects keys outside `allowed`, to catch typos such as `timezone` for `timeZone`.
    pub fn only<K: AsRef<str>>(&self, allowed: &[K]) -> Result<()> {
        for k in self.map.keys() {
            if !allowed.iter().any(|a| a.as_ref() == k) {
                let shown: String = k.chars().take(40).collect();
                return Err(Error::new(
                    self.code,
                    self.field(&shown),
                    format!(
                        "unknown field {shown:?}; expected one of: {}",
                        allowed
                            .iter()
                            .map(AsRef::as_ref)
                            .collect::<Vec<&str>>()
                            .join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// An optional string, with `code` for a wrong type.
    pub fn str_as(&self, key: &str, code: ErrorCode) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.wrong(key, "a string", v, code)),
        }
    }

    /// An optional string.
    pub fn str(&self, key: &str) -> Result<Option<&'a str>> {
        self.str_as(key, self.code)
    }

    /// An optional boolean.
    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.wrong(key, "true or false", v, self.code)),
        }
    }

    /// An optional whole number in `0..=max`.
    pub fn uint(&self, key: &str, max: u64) -> Result<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => whole_number(v, max).map(Some).ok_or_else(|| {
                Error::new(
                    self.code,
                    self.field(key),
                    format!(
                        "{key} must be a whole number from 0 to {max}, not {}",
                        show(v)
                    ),
                )
            }),
        }
    }

    /// An optional finite number.
    pub fn number(&self, key: &str) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => {
                n.as_f64()
                    .filter(|f| f.is_finite())
                    .map(Some)
                    .ok_or_else(|| {
                        Error::new(
                            self.code,
                            self.field(key),
                            format!("{key} must be a finite number"),
                        )
                    })
            }
            Some(v) => Err(Error::new(
                self.code,
                self.field(key),
                format!("{key} must be a finite number, not {}", show(v)),
            )),
        }
    }

    /// An optional array.
    pub fn array(&self, key: &str) -> Result<Option<&'a Vec<Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(v) => Err(self.wrong(key, "an array", v, self.code)),
        }
    }
}

/// A short rendering of a value for messages (strings quoted and cut).
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{:?}", s.chars().take(40).collect::<String>()),
        Value::Number(n) => n.to_string(),
        other => type_name(other).to_string(),
    }
}

/// A JSON number that is a whole number in `0..=max`.
pub fn whole_number(v: &Value, max: u64) -> Option<u64> {
    let Value::Number(n) = v else { return None };
    let x = match n.as_u64() {
        Some(x) => x,
        None => {
            let f = n.as_f64()?;
            if !(f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= 9.007_199_254_740_992e15) {
                return None;
            }
            f as u64
        }
    };
    (x <= max).then_some(x)
}
