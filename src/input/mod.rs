//! Inputs: turning the paths given on the command line into readable streams.
//!
//! `-` is standard input; a directory stands for every regular file below it, in sorted order,
//! following symbolic links (a loop or a broken link is reported, not followed forever). A walk
//! skips hidden files and what ignore files exclude, as ripgrep does ([`WalkOptions`]); a path
//! named explicitly is always read. A stream that starts like gzip is decompressed on the fly;
//! one in an encoding authhook does not read (UTF-16, UTF-32) is recognised from its first bytes.

mod decode;
mod error;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use same_file::Handle;

pub use decode::{decompressed, unsupported_encoding};
pub use error::InputError;

/// One input to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input, named `-`.
    Stdin,
    /// A file, by its path as given or as found in a directory.
    File(PathBuf),
}

impl Input {
    /// The name used in results: the path as given, or `-`; a JWT-shaped part of a file name is
    /// replaced by its length, as it is everywhere else.
    pub fn name(&self) -> Arc<str> {
        match self {
            Input::Stdin => Arc::from("-"),
            Input::File(path) => {
                let name = path.to_string_lossy();
                Arc::from(crate::contract::without_jwts(&name).as_deref().unwrap_or(&name))
            }
        }
    }

    /// The size of the input in bytes, when it is a file whose size is known.
    pub fn size(&self) -> Option<u64> {
        match self {
            Input::File(path) => std::fs::metadata(path).ok().map(|metadata| metadata.len()),
            Input::Stdin => None,
        }
    }

    /// Opens the input for reading.
    pub fn open(&self) -> Result<Box<dyn Read + Send>, InputError> {
        match self {
            Input::Stdin => Ok(Box::new(io::stdin())),
            Input::File(path) => File::open(path)
                .map(|file| Box::new(file) as Box<dyn Read + Send>)
                .map_err(|source| InputError::Unreadable { path: path.display().to_string(), source }),
        }
    }
}

/// Which files a directory walk reads. A path named explicitly (a file, or the directory walked
/// itself) is always read, hidden or ignored; these choices apply only to what a walk finds below.
///
/// The default is ripgrep's: hidden files and directories are skipped, and so is what ignore
/// files exclude. `.ignore` files apply everywhere; `.gitignore`, `.git/info/exclude` and git's
/// global excludes file (`core.excludesFile`, else `$XDG_CONFIG_HOME/git/ignore`) apply only
/// inside a git repository (a directory with a `.git` at or above it). The ignore files of the
/// walked directory's parents apply too, as they would to `git status` run there.
///
/// ```
/// use authhook::input::{WalkOptions, expand};
///
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("a.log"), "{}")?;
/// std::fs::write(dir.path().join(".b.log"), "{}")?;
/// std::fs::write(dir.path().join("c.log"), "{}")?;
/// std::fs::write(dir.path().join(".ignore"), "c.log\n")?;
/// let paths = [dir.path().to_path_buf()];
/// let (found, problems) = expand(&paths, WalkOptions::default(), None);
/// assert_eq!(found.len(), 1);
/// let everything = WalkOptions { hidden: true, ignore_files: false };
/// let (found, _) = expand(&paths, everything, None);
/// assert_eq!(found.len(), 4, "a.log, .b.log, c.log and .ignore itself");
/// assert!(problems.is_empty());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkOptions {
    /// Read hidden files and directories too (names starting with `.`, `.git` included).
    pub hidden: bool,
    /// Skip what ignore files exclude (`.ignore`; in a git repository, `.gitignore`,
    /// `.git/info/exclude` and git's global excludes file). `false` reads it all.
    pub ignore_files: bool,
}

impl Default for WalkOptions {
    /// ripgrep's defaults: hidden files skipped, ignore files honoured.
    fn default() -> Self {
        WalkOptions { hidden: false, ignore_files: true }
    }
}

/// Expands the paths given into inputs, reporting those that cannot be used; `walk` chooses the
/// files a directory walk reads. `report`, the file the report is being written to, is never an
/// input: a directory walk passes over it.
///
/// A problem with an ignore file ([`InputError::IgnoreFile`]) is a warning: the walk goes on
/// without that rule.
pub fn expand(paths: &[PathBuf], walk: WalkOptions, report: Option<&Handle>) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk_directory(path, walk, report, &mut inputs, &mut problems);
        } else {
            inputs.push(Input::File(path.clone()));
        }
    }
    (inputs, problems)
}

/// The first of `paths` (`-` and none meaning standard input) that is the same file as
/// `report`, compared by identity (device and inode), not by name.
pub fn named_input_that_is(paths: &[PathBuf], report: &Handle) -> Option<PathBuf> {
    let stdin_is_report = || Handle::stdin().is_ok_and(|stdin| &stdin == report);
    if paths.is_empty() {
        return stdin_is_report().then(|| PathBuf::from("-"));
    }
    paths.iter().find(|path| if path.as_os_str() == "-" { stdin_is_report() } else { is_same(path, report) }).cloned()
}

/// The first directory of `paths` that holds the existing file at `report`, which a walk of it
/// would read as an input.
pub fn directory_holding(paths: &[PathBuf], report: &Path) -> Option<PathBuf> {
    let report = std::fs::canonicalize(report).ok()?;
    paths
        .iter()
        .find(|dir| dir.is_dir() && std::fs::canonicalize(dir).is_ok_and(|dir| report.starts_with(dir)))
        .cloned()
}

fn is_same(path: &Path, report: &Handle) -> bool {
    Handle::from_path(path).is_ok_and(|handle| &handle == report)
}

/// Walks `dir`, sorted by file name and following symbolic links, pushing every regular file
/// found (but the report file) onto `inputs` and every problem onto `problems`.
fn walk_directory(
    dir: &Path,
    options: WalkOptions,
    report: Option<&Handle>,
    inputs: &mut Vec<Input>,
    problems: &mut Vec<InputError>,
) {
    let ignore_files = options.ignore_files;
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .hidden(!options.hidden)
        .ignore(ignore_files)
        .git_ignore(ignore_files)
        .git_exclude(ignore_files)
        .git_global(ignore_files)
        .parents(ignore_files)
        .require_git(true);
    // Built only when a symbolic link loop is met, to tell whether the walk would skip the link.
    let mut matchers: Option<Vec<ignore::IncrementalIgnore>> = None;
    for entry in builder.build() {
        match entry {
            Ok(entry) => {
                if let Some(error) = entry.error() {
                    ignore_file_problems(dir, error, problems);
                }
                match entry.file_type() {
                    Some(kind) if kind.is_dir() => {}
                    Some(kind) if kind.is_file() => {
                        if !report.is_some_and(|r| is_same(entry.path(), r)) {
                            inputs.push(Input::File(entry.into_path()));
                        }
                    }
                    _ => problems.push(InputError::NotRegular { path: entry.path().display().to_string() }),
                }
            }
            // Errors of the walk itself carry the depth they happened at; the others come from
            // reading the ignore files of the walked directory's parents.
            // A loop is found before the filters are applied; one through a link the walk skips
            // (hidden, or ignored) is no problem, as a broken link it skips is none.
            Err(error) if error.depth().is_some() => {
                let skipped = loop_link(&error).and_then(|link| link.strip_prefix(dir).ok()).is_some_and(|link| {
                    let matchers = matchers.get_or_insert_with(|| builder.build_matchers());
                    matchers.first_mut().is_some_and(|matcher| matcher.matched(link, true).is_ignore())
                });
                if !skipped {
                    problems.push(walk_problem(dir, &error));
                }
            }
            Err(error) => ignore_file_problems(dir, &error, problems),
        }
    }
}

/// The symbolic link of a loop error: the path that leads back to an ancestor.
fn loop_link(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => loop_link(err),
        _ => None,
    }
}

/// The problem an error of the walk itself is: a symbolic link loop, or an entry that cannot be
/// read (a broken link, a directory that cannot be listed).
fn walk_problem(dir: &Path, error: &ignore::Error) -> InputError {
    let mut path = None;
    let mut current = error;
    let message = loop {
        match current {
            ignore::Error::WithPath { path: at, err } => {
                path.get_or_insert(at);
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => current = err,
            ignore::Error::Loop { ancestor, child } => {
                return InputError::Walk {
                    path: child.display().to_string(),
                    message: format!("a symbolic link loops back to {}", ancestor.display()),
                };
            }
            // The walk wraps the system's error in one that repeats the path; its source is the
            // system's own.
            ignore::Error::Io(io) => {
                break io
                    .get_ref()
                    .and_then(|inner| inner.source())
                    .map_or_else(|| io.to_string(), ToString::to_string);
            }
            other => break other.to_string(),
        }
    };
    InputError::Walk { path: path.map_or(dir, PathBuf::as_path).display().to_string(), message }
}

/// The warnings an error in ignore files is, one per file and line.
fn ignore_file_problems(dir: &Path, error: &ignore::Error, problems: &mut Vec<InputError>) {
    match error {
        ignore::Error::Partial(errors) => {
            for error in errors {
                ignore_file_problems(dir, error, problems);
            }
        }
        ignore::Error::WithPath { path, err } => {
            problems.push(InputError::IgnoreFile { path: path.display().to_string(), message: err.to_string() });
        }
        other => problems.push(InputError::IgnoreFile { path: dir.display().to_string(), message: other.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob_error(path: &str, line: u64, glob: &str) -> ignore::Error {
        let glob = ignore::Error::Glob { glob: Some(glob.to_owned()), err: "invalid range".to_owned() };
        let at_line = ignore::Error::WithLineNumber { line, err: Box::new(glob) };
        ignore::Error::WithPath { path: PathBuf::from(path), err: Box::new(at_line) }
    }

    #[test]
    fn the_default_walk_is_ripgreps() {
        assert_eq!(WalkOptions::default(), WalkOptions { hidden: false, ignore_files: true });
    }

    #[test]
    fn an_ignore_file_with_two_bad_lines_is_two_warnings() {
        let error = ignore::Error::Partial(vec![glob_error("d/.ignore", 2, "[z-a]"), glob_error("d/.ignore", 5, "\\")]);
        let mut problems = Vec::new();
        ignore_file_problems(Path::new("d"), &error, &mut problems);
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "d/.ignore: warning: an ignore file's rule is not applied: line 2: error parsing glob '[z-a]': invalid range",
                "d/.ignore: warning: an ignore file's rule is not applied: line 5: error parsing glob '\\': invalid range",
            ]
        );
        assert!(problems.iter().all(InputError::is_warning));
    }

    #[test]
    fn a_loop_names_the_link_and_the_ancestor_it_leads_back_to() {
        let error = ignore::Error::WithDepth {
            depth: 2,
            err: Box::new(ignore::Error::Loop { ancestor: PathBuf::from("d"), child: PathBuf::from("d/sub/loop") }),
        };
        assert_eq!(loop_link(&error), Some(Path::new("d/sub/loop")));
        let problem = walk_problem(Path::new("d"), &error);
        assert_eq!(problem.to_string(), "d/sub/loop: cannot walk the directory: a symbolic link loops back to d");
        assert!(!problem.is_warning());
    }

    #[test]
    fn an_entry_that_cannot_be_read_is_named_once_with_the_systems_words() {
        let io = io::Error::from(io::ErrorKind::NotFound);
        let words = io.to_string();
        let error = ignore::Error::WithPath {
            path: PathBuf::from("d/dangling"),
            err: Box::new(ignore::Error::WithDepth { depth: 1, err: Box::new(ignore::Error::Io(io)) }),
        };
        assert_eq!(loop_link(&error), None);
        assert_eq!(
            walk_problem(Path::new("d"), &error).to_string(),
            format!("d/dangling: cannot walk the directory: {words}")
        );
    }

    #[test]
    fn a_walk_passes_over_the_report_and_what_it_filters_but_not_what_is_named() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.json", "a.json", ".hidden.json", "ignored.json", "report.json"] {
            std::fs::write(dir.path().join(name), "{}").unwrap();
        }
        std::fs::write(dir.path().join(".ignore"), "ignored.json\n").unwrap();
        let report = Handle::from_path(dir.path().join("report.json")).unwrap();
        let names = |inputs: &[Input]| -> Vec<String> {
            inputs
                .iter()
                .map(|input| match input {
                    Input::File(path) => path.file_name().unwrap().to_string_lossy().into_owned(),
                    Input::Stdin => "-".to_owned(),
                })
                .collect()
        };
        let walked = [dir.path().to_path_buf()];
        let (inputs, problems) = expand(&walked, WalkOptions::default(), Some(&report));
        assert_eq!(names(&inputs), ["a.json", "b.json"]);
        assert!(problems.is_empty());
        let everything = WalkOptions { hidden: true, ignore_files: false };
        let (inputs, _) = expand(&walked, everything, Some(&report));
        assert_eq!(names(&inputs), [".hidden.json", ".ignore", "a.json", "b.json", "ignored.json"]);
        let named = [dir.path().join(".hidden.json"), dir.path().join("ignored.json"), PathBuf::from("-")];
        let (inputs, _) = expand(&named, WalkOptions::default(), Some(&report));
        assert_eq!(names(&inputs), [".hidden.json", "ignored.json", "-"]);
    }
}
