//! The JSON-vector runner shared by the native and the wasm test suites.
//! See tests/vectors/README.md for the case format.

use serde_json::Value;

/// Every vector file, embedded so the wasm tests (which cannot read files) see them too.
/// `tests/vectors.rs` checks that this list matches the directory.
pub const FILES: [(&str, &str); 15] = [
    ("backoff.json", include_str!("../vectors/backoff.json")),
    (
        "bad/channels.json",
        include_str!("../vectors/bad/channels.json"),
    ),
    ("bad/dates.json", include_str!("../vectors/bad/dates.json")),
    (
        "bad/policy.json",
        include_str!("../vectors/bad/policy.json"),
    ),
    ("bad/queue.json", include_str!("../vectors/bad/queue.json")),
    ("bad/sizes.json", include_str!("../vectors/bad/sizes.json")),
    ("bad/types.json", include_str!("../vectors/bad/types.json")),
    ("contract.json", include_str!("../vectors/contract.json")),
    ("decide.json", include_str!("../vectors/decide.json")),
    ("errors.json", include_str!("../vectors/errors.json")),
    ("genesys.json", include_str!("../vectors/genesys.json")),
    ("lifecycle.json", include_str!("../vectors/lifecycle.json")),
    ("payload.json", include_str!("../vectors/payload.json")),
    ("plan.json", include_str!("../vectors/plan.json")),
    ("queue.json", include_str!("../vectors/queue.json")),
];

/// A fixed clock: cases never depend on it (they pass options.now where time matters).
pub const NOW_MS: i64 = 1_795_000_000_000;

/// `actual` contains `expected`: objects by key, arrays by length and element.
pub fn subset(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let av = a.get(k).ok_or_else(|| format!("{path}.{k}: missing"))?;
                subset(ev, av, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{path}: expected {} elements, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset(ev, av, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("{path}: expected {e}, got {a}")),
    }
}

/// Expands `{"$repeat": v, "times": n}` (an array of n copies of v) and
/// `{"$repeatString": s, "times": n}` (s repeated n times) and `{"$nest": n}` (n nested
/// empty arrays), for huge and deep inputs.
pub fn expand(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.contains_key("$repeat") => {
            let n = m["times"].as_u64().unwrap_or(0) as usize;
            Value::Array(vec![expand(&m["$repeat"]); n])
        }
        Value::Object(m) if m.contains_key("$nest") => {
            let mut v = Value::Array(Vec::new());
            for _ in 0..m["$nest"].as_u64().unwrap_or(0) {
                v = Value::Array(vec![v]);
            }
            v
        }
        Value::Object(m) if m.contains_key("$repeatString") => {
            let n = m["times"].as_u64().unwrap_or(0) as usize;
            Value::String(m["$repeatString"].as_str().unwrap_or("").repeat(n))
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), expand(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(expand).collect()),
        other => other.clone(),
    }
}

fn code_field(v: &Value) -> Value {
    serde_json::json!([v["code"], v["field"]])
}

/// Checks one envelope (the raw answer of `call`) against a case's `expect`.
pub fn check(expect: &Value, envelope: &Value) -> Result<(), String> {
    if let Some(ok) = expect.get("ok") {
        let got = envelope
            .get("ok")
            .ok_or_else(|| format!("expected ok, got {envelope}"))?;
        return if got == ok {
            Ok(())
        } else {
            Err(format!("expected {ok}\n     got {got}"))
        };
    }
    if let Some(ok) = expect.get("okSubset") {
        let got = envelope
            .get("ok")
            .ok_or_else(|| format!("expected ok, got {envelope}"))?;
        return subset(ok, got, "$");
    }
    if let Some(want) = expect.get("reject") {
        let got = envelope
            .get("ok")
            .ok_or_else(|| format!("expected a reject decision, got {envelope}"))?;
        if got["action"] != "reject" {
            return Err(format!("expected action reject, got {got}"));
        }
        let errors: Vec<Value> = got["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(code_field)
            .collect();
        return if &Value::Array(errors.clone()) == want {
            Ok(())
        } else {
            Err(format!("expected errors {want}, got {errors:?}"))
        };
    }
    if let Some(want) = expect.get("includes") {
        let got = envelope
            .get("ok")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("expected an array, got {envelope}"))?;
        return match want
            .as_array()
            .into_iter()
            .flatten()
            .find(|w| !got.contains(w))
        {
            None => Ok(()),
            Some(w) => Err(format!("{w} is missing from {envelope}")),
        };
    }
    if let Some(want) = expect.get("error") {
        let got = envelope
            .get("error")
            .ok_or_else(|| format!("expected an error, got {envelope}"))?;
        return if &code_field(got) == want {
            Ok(())
        } else {
            Err(format!("expected error {want}, got {got}"))
        };
    }
    Err(format!("unknown expect form {expect}"))
}

/// Replaces `{"$saved": name}` in a case's arguments by the answer an earlier case
/// saved under that name (`"save": name`): how vectors pass a prepared list's handle.
pub fn substitute(v: &Value, saved: &std::collections::BTreeMap<String, Value>) -> Value {
    match v {
        Value::Object(m) if m.contains_key("$saved") => m["$saved"]
            .as_str()
            .and_then(|k| saved.get(k))
            .cloned()
            .unwrap_or(Value::Null),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), substitute(v, saved)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|v| substitute(v, saved)).collect()),
        other => other.clone(),
    }
}

/// Every case of every file, in order: (file, case).
pub fn cases() -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    for (file, text) in FILES {
        let doc: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        for case in doc["cases"]
            .as_array()
            .unwrap_or_else(|| panic!("{file}: no cases"))
        {
            out.push((file, case.clone()));
        }
    }
    out
}

/// Runs every case through `call(op, argsJson) -> envelope`, in order, in one instance.
/// Returns the raw answers; panics with every failure listed.
pub fn run_all(call: impl Fn(&str, &str) -> String) -> Vec<String> {
    let mut failures = Vec::new();
    let mut answers = Vec::new();
    let mut saved = std::collections::BTreeMap::new();
    let all = cases();
    for (file, case) in &all {
        let name = case["name"].as_str().unwrap_or("?");
        let op = case["op"]
            .as_str()
            .unwrap_or_else(|| panic!("{file}/{name}: no op"));
        let args = substitute(&expand(&case["args"]), &saved);
        let answer = call(op, &args.to_string());
        let envelope: Value = serde_json::from_str(&answer)
            .unwrap_or_else(|e| panic!("{file}/{name}: answer is not JSON: {e}"));
        if let (Some(key), Some(ok)) = (case["save"].as_str(), envelope.get("ok")) {
            saved.insert(key.to_string(), ok.clone());
        }
        if let Err(why) = check(&case["expect"], &envelope) {
            // A huge answer would bury the report: show its start.
            let why: String = why.chars().take(2_000).collect();
            failures.push(format!("{file} / {name}: {why}"));
        }
        answers.push(answer);
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    answers
}
