//! The layout as README's "Architecture" section draws it: each folder of `src/` is a stage, and
//! a stage imports only stages below it, so there is no import loop between stages and none
//! within one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The stages, lowest first. A module may use the modules of its own stage and of those before.
const STAGES: &[&[&str]] = &[
    &["limits"],
    &["json"],
    &["contract"],
    &["input"],
    &["scan"],
    &["rules"],
    &["assess"],
    &["stream"],
    &["report"],
    &["stats"],
    &["checker", "lib"],
];

fn stage_of(module: &str) -> Option<usize> {
    STAGES.iter().position(|stage| stage.contains(&module))
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

/// A source file's text without its unit tests, which may use anything.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The names that follow `prefix` in `code` (`crate::json::Node` gives `json`).
fn names_after<'c>(code: &'c str, prefix: &str) -> BTreeSet<&'c str> {
    code.match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = &code[at + prefix.len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            (end > 0).then(|| &rest[..end])
        })
        .collect()
}

/// Also the names inside `crate::{a, b::c}`.
fn crate_imports(code: &str) -> BTreeSet<&str> {
    let mut names = names_after(code, "crate::");
    for (at, _) in code.match_indices("crate::{") {
        let inside = &code[at + "crate::{".len()..];
        let inside = &inside[..inside.find('}').unwrap_or(0)];
        for item in inside.split(',') {
            let name = item.trim().split("::").next().unwrap_or_default();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names.remove("");
    names
}

#[test]
fn no_stage_imports_a_higher_one() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut upward = Vec::new();
    for path in sources(&src) {
        let relative = path.strip_prefix(&src).unwrap_or(&path);
        let module = relative.components().next().and_then(|c| c.as_os_str().to_str()).unwrap_or_default();
        let module = module.trim_end_matches(".rs");
        if module == "cli" || module == "main" {
            continue;
        }
        let Some(own) = stage_of(module) else {
            panic!("{} is in no stage of this test; add it where README's diagram puts it", relative.display());
        };
        for used in crate_imports(&code_of(&path)) {
            match stage_of(used) {
                Some(stage) if stage > own => upward.push(format!("{} uses crate::{used}", relative.display())),
                Some(_) => {}
                None => panic!("{} uses crate::{used}, which is in no stage", relative.display()),
            }
        }
    }
    assert!(upward.is_empty(), "imports from a lower stage to a higher one:\n{}", upward.join("\n"));
}

#[test]
fn no_import_loop_within_a_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // Edges between the files of one folder that name each other: `super::file::…` or
    // `crate::folder::file::…`.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in sources(&src) {
        let relative = path.strip_prefix(&src).unwrap_or(&path);
        let parts: Vec<&str> = relative.iter().filter_map(|part| part.to_str()).collect();
        let [folder, file] = parts.as_slice() else { continue };
        let name = file.trim_end_matches(".rs");
        if name == "mod" {
            // A folder's root declares and re-exports its files; loops are looked for between them.
            continue;
        }
        let code = code_of(&path);
        let mut used = names_after(&code, "super::");
        used.extend(names_after(&code, &format!("crate::{folder}::")));
        let siblings: BTreeSet<String> = used
            .into_iter()
            .filter(|sibling| src.join(folder).join(format!("{sibling}.rs")).exists() && sibling != &name)
            .map(|sibling| format!("{folder}/{sibling}"))
            .collect();
        edges.insert(format!("{folder}/{name}"), siblings);
    }
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = edges.get(start).into_iter().flatten().collect();
        while let Some(next) = stack.pop() {
            assert_ne!(next, start, "{start} imports itself through its siblings");
            if seen.insert(next) {
                stack.extend(edges.get(next).into_iter().flatten());
            }
        }
    }
}
