//! The settings file, `authhook.toml`: default options and rule levels for a project.
//!
//! It is looked for in the working directory and then in each parent, or named with
//! `--config FILE`. Flags on the command line win over it. A file that cannot be read or holds
//! anything unknown is an error that names the file and the line.
//!
//! ```toml
//! format = "json"          # any --format value
//! strict = false
//! notice = false           # leave out the deprecation notice
//! hidden = false           # directory walks read hidden files too (--hidden)
//! no-ignore = false        # directory walks read what ignore files exclude too (--no-ignore)
//! [rules]
//! id-format = "deny"       # allow | warn | deny, per rule id
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use authhook::assess::policy::Level;
use authhook::contract::Rule;

use super::args::Names;

/// The file's name.
pub const FILE_NAME: &str = "authhook.toml";

/// What the file may say; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    format: Option<Spanned<String>>,
    color: Option<Spanned<String>>,
    strict: Option<bool>,
    quiet: Option<bool>,
    notice: Option<bool>,
    lenient: Option<bool>,
    hidden: Option<bool>,
    no_ignore: Option<bool>,
    select: Option<String>,
    threads: Option<Spanned<u64>>,
    max_payload_bytes: Option<Spanned<u64>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// The settings read from a file, checked.
#[derive(Debug, Clone, Default)]
pub struct FileSettings {
    pub format: Option<String>,
    pub color: Option<String>,
    pub strict: Option<bool>,
    pub quiet: Option<bool>,
    pub notice: Option<bool>,
    pub lenient: Option<bool>,
    pub hidden: Option<bool>,
    pub no_ignore: Option<bool>,
    pub select: Option<String>,
    pub threads: Option<u16>,
    pub max_payload_bytes: Option<u64>,
    pub rules: BTreeMap<Rule, Level>,
}

/// A settings file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: cannot read: {source}")]
    Unreadable { path: String, source: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Invalid { path: String, line: usize, message: String },
}

/// The settings file for a run started in `dir`: the nearest `authhook.toml` at or above it.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join(FILE_NAME)).find(|candidate| candidate.is_file())
}

/// Reads and checks the settings file at `path`; `formats` and `colors` are the values the
/// command line accepts.
pub fn load(path: &Path, formats: &[String], colors: &[String]) -> Result<FileSettings, FileError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| FileError::Unreadable { path: shown.clone(), source })?;
    let invalid = |span: Option<std::ops::Range<usize>>, message: String| FileError::Invalid {
        path: shown.clone(),
        line: span.map_or(1, |s| line_of(&text, s.start)),
        message,
    };
    let raw: Raw = toml::from_str(&text).map_err(|e| invalid(e.span(), e.message().to_owned()))?;
    let check = |value: &Option<Spanned<String>>, what: &str, accepted: &[String]| match value {
        Some(v) if !accepted.contains(v.get_ref()) => {
            let message = format!("{what} {:?} is not accepted; it is one of: {}", v.get_ref(), accepted.join(", "));
            Err(invalid(Some(v.span()), message))
        }
        _ => Ok(value.as_ref().map(|v| v.get_ref().clone())),
    };
    let format = check(&raw.format, "format", formats)?;
    let color = check(&raw.color, "color", colors)?;
    let within = |what: &str, value: Option<Spanned<u64>>, range: &std::ops::RangeInclusive<u64>| match value {
        Some(v) => authhook::limits::check(what, *v.get_ref(), range).map(Some).map_err(|m| invalid(Some(v.span()), m)),
        None => Ok(None),
    };
    let threads_range = authhook::limits::THREADS;
    let threads_range = u64::from(*threads_range.start())..=u64::from(*threads_range.end());
    let threads = within("threads", raw.threads, &threads_range)?.and_then(|t| u16::try_from(t).ok());
    let max_payload_bytes = within("max-payload-bytes", raw.max_payload_bytes, &authhook::limits::MAX_PAYLOAD_BYTES)?;
    let mut rules = BTreeMap::new();
    for (id, level) in &raw.rules {
        let refusal = || invalid(Some(id.span()), Names::rules().refusal(id.get_ref()));
        let rule = Rule::from_id(id.get_ref()).ok_or_else(refusal)?;
        let level = Level::parse(level.get_ref()).ok_or_else(|| {
            invalid(Some(level.span()), format!("rule level {:?} is not one of allow, warn, deny", level.get_ref()))
        })?;
        rules.insert(rule, level);
    }
    Ok(FileSettings {
        format,
        color,
        strict: raw.strict,
        quiet: raw.quiet,
        notice: raw.notice,
        lenient: raw.lenient,
        hidden: raw.hidden,
        no_ignore: raw.no_ignore,
        select: raw.select,
        threads,
        max_payload_bytes,
        rules,
    })
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes().get(..offset).map_or(0, |before| before.iter().filter(|&&b| b == b'\n').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<FileSettings, FileError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        load(&path, &["json".to_owned(), "human".to_owned()], &["never".to_owned()])
    }

    #[test]
    fn reads_options_and_rule_levels() {
        let settings = load_text("format = \"json\"\nstrict = true\n[rules]\nid-format = \"deny\"\n").unwrap();
        assert_eq!(settings.format.as_deref(), Some("json"));
        assert_eq!(settings.strict, Some(true));
        assert_eq!(settings.rules.get(&Rule::IdFormat), Some(&Level::Deny));
    }

    #[test]
    fn reads_the_walk_keys() {
        let settings = load_text("hidden = true\nno-ignore = true\n").unwrap();
        assert_eq!((settings.hidden, settings.no_ignore), (Some(true), Some(true)));
        let settings = load_text("").unwrap();
        assert_eq!((settings.hidden, settings.no_ignore), (None, None));
        assert!(matches!(load_text("no_ignore = true\n"), Err(FileError::Invalid { line: 1, .. })));
    }

    #[test]
    fn names_the_line_of_a_mistake() {
        let cases = [
            ("format = \"json\"\nformt = 1\n", 2, "unknown field"),
            ("[rules]\nid-fromat = \"deny\"\n", 2, "did you mean \"id-format\""),
            ("\n\n[rules]\nsyntax = \"ignore\"\n", 4, "allow, warn, deny"),
            ("format = \"xml\"\n", 1, "format \"xml\""),
            ("strict = \"yes\"\n", 1, ""),
        ];
        for (text, line, words) in cases {
            match load_text(text) {
                Err(FileError::Invalid { line: found, message, .. }) => {
                    assert_eq!(found, line, "{text}: {message}");
                    assert!(message.contains(words), "{text}: {message}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn finds_the_file_in_a_parent() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&nested), Some(dir.path().join(FILE_NAME)));
    }
}
