//! The contract layer's shape, checked from its source: no file over 400 lines, and no
//! dependency cycle among its modules (a module depends on another when its code names
//! a path under `crate::api::` that resolves to the other's file). Each failure names
//! the files concerned.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Most lines in one file of `src/api/`.
const MAX_FILE_LINES: usize = 400;

fn api_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api")
}

/// Every `.rs` file under `dir`, with its module path relative to `crate::api`
/// (`""` for `mod.rs`, `"ops::next"` for `ops/next.rs`).
fn modules(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).expect("src/api is readable") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let join = |n: &str| {
            if prefix.is_empty() {
                n.to_string()
            } else if n.is_empty() {
                prefix.to_string()
            } else {
                format!("{prefix}::{n}")
            }
        };
        if path.is_dir() {
            modules(&path, &join(&name), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = if name == "mod" { join("") } else { join(&name) };
            // `tests.rs` is the layer's test module (declared under `cfg(test)`).
            if module != "tests" {
                out.insert(module, std::fs::read_to_string(&path).expect("readable"));
            }
        }
    }
}

/// The code of a file without its `#[cfg(test)]` module (tests may use anything) and
/// without comments.
fn code_of(text: &str) -> String {
    let test_module = text
        .find("\nmod tests {")
        .and_then(|i| text[..i].rfind("#[cfg("));
    let text = match test_module {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules a file's code names: for each `crate::api::a::b::c`, the longest prefix
/// that is a module; in a `use` tree, each branch.
fn dependencies(code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut deps = BTreeSet::new();
    let flat: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut rest = flat.as_str();
    while let Some(i) = rest.find("crate::api::") {
        rest = &rest[i + "crate::api::".len()..];
        let end = rest
            .find(|c: char| {
                !(c.is_alphanumeric()
                    || c == '_'
                    || c == ':'
                    || c == '{'
                    || c == '}'
                    || c == ','
                    || c == ' ')
            })
            .unwrap_or(rest.len());
        let tree = &rest[..end];
        // Expand `a::{b, c::{d}}` into its paths (enough for the trees this code writes).
        let mut paths = Vec::new();
        expand("", tree, &mut paths);
        for p in paths {
            let segments: Vec<&str> = p.split("::").filter(|s| !s.is_empty()).collect();
            let found = (1..=segments.len())
                .rev()
                .map(|n| segments[..n].join("::"))
                .find(|m| known.contains(m));
            if let Some(m) = found {
                deps.insert(m);
            }
        }
    }
    deps
}

fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    match tree.find('{') {
        None => out.push(format!("{prefix}{}", tree.split(' ').next().unwrap_or(""))),
        Some(i) => {
            let head = &tree[..i];
            let Some(close) = tree.rfind('}') else { return };
            let inner = &tree[i + 1..close];
            let mut depth = 0;
            let mut start = 0;
            for (k, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&format!("{prefix}{head}"), &inner[start..k], out);
                        start = k + 1;
                    }
                    _ => {}
                }
            }
            expand(&format!("{prefix}{head}"), &inner[start..], out);
        }
    }
}

/// The first cycle of `graph` found depth-first, as a path that ends where it starts.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == m) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        stack.push(m.to_string());
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|m| visit(m, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_file_of_the_contract_layer_is_over_400_lines() {
    let mut files = BTreeMap::new();
    modules(&api_dir(), "", &mut files);
    let long: Vec<String> = files
        .iter()
        .filter(|(_, text)| text.lines().count() > MAX_FILE_LINES)
        .map(|(m, text)| format!("crate::api::{m} ({} lines)", text.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_FILE_LINES} lines: {}",
        long.join(", ")
    );
}

#[test]
fn the_contract_layer_has_no_dependency_cycle() {
    let mut files = BTreeMap::new();
    modules(&api_dir(), "", &mut files);
    let known: BTreeSet<String> = files.keys().cloned().collect();
    // Every dependency is written as a `crate::api::` path, so that this check sees it.
    let relative: Vec<&String> = files
        .iter()
        .filter(|(_, text)| code_of(text).contains("super::"))
        .map(|(m, _)| m)
        .collect();
    assert!(
        relative.is_empty(),
        "name api modules as crate::api::…, not super::…, in {relative:?}"
    );
    let graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|(m, text)| {
            let mut deps = dependencies(&code_of(text), &known);
            deps.remove(m);
            (m.clone(), deps)
        })
        .collect();
    if let Some(cycle) = find_cycle(&graph) {
        let shown: Vec<String> = cycle
            .iter()
            .map(|m| {
                if m.is_empty() {
                    "api".into()
                } else {
                    format!("api::{m}")
                }
            })
            .collect();
        panic!("a dependency cycle: {}", shown.join(" -> "));
    }
    // The check sees dependencies at all: the operation table names every family.
    assert!(graph[""].contains("table"), "api names its table");
    assert!(
        graph["table"].contains("ops::next"),
        "the table names ops::next"
    );
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let known: BTreeSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
    let a = dependencies("use crate::api::b::{x, y::{z}};", &known);
    let b = dependencies("fn f() { crate::api::a::g() }", &known);
    assert_eq!(a, ["b".to_string()].into());
    assert_eq!(b, ["a".to_string()].into());
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a".to_string(), a), ("b".to_string(), b)].into();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
    let acyclic: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), ["b".to_string()].into()),
        ("b".to_string(), BTreeSet::new()),
    ]
    .into();
    assert_eq!(find_cycle(&acyclic), None);
}

#[test]
fn the_core_takes_no_field_paths() {
    // The core says what is wrong; the contract layer says where (`Within::within`). A
    // core function that takes the caller's field path would mix the two again.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                if path != src.join("api") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                let code = code_of(&std::fs::read_to_string(&path).expect("readable"));
                let flat = code.split_whitespace().collect::<Vec<_>>().join(" ");
                for sig in flat.split("fn ").skip(1) {
                    let params = sig.split(')').next().unwrap_or("");
                    if params.contains("field: &str") {
                        let name = sig.split('(').next().unwrap_or("?");
                        found.push(format!("{}: {name}", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "core functions that take a field path: {found:?}"
    );
}
