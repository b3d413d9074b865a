//! Directory walks as ripgrep's: hidden files and directories (`.git` among them) and what ignore
//! files exclude are skipped, `--hidden` and `--no-ignore` (or `hidden` and `no-ignore` in
//! `authhook.toml`) read them, and a path named on the command line is always read. What the
//! walk kept from before: sorted order, symbolic link loops and other problems reported, the
//! report file of `-o` never an input.
//!
//! Every command runs with `HOME`, `XDG_CONFIG_HOME`, `GIT_CONFIG_GLOBAL` and
//! `GIT_CONFIG_SYSTEM` pointing into a scratch directory, so git's global excludes file of the
//! machine running the tests cannot change what a walk reads.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use crate::common::{authhook, check, crate_path, parse_lines, run, tempdir};

/// A documented sample, as the files of the walked trees hold it.
fn payload() -> String {
    fs::read_to_string(crate_path("samples/spoof.json")).expect("the spoof sample")
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir {}: {e}", parent.display()));
    }
    fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("scratch paths are UTF-8")
}

/// A home of its own for git's global settings: empty unless a test writes to it.
fn isolated_home(scratch: &Path) -> PathBuf {
    let home = scratch.join("home");
    write(&home.join("gitconfig"), "");
    home
}

/// `cmd` with git's global settings read from `home` only.
fn isolated(mut cmd: Command, home: &Path) -> Command {
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_CONFIG_SYSTEM", home.join("gitconfig"));
    cmd
}

/// `authhook check --format ndjson ARGS...` with git's global settings read from `home` only.
fn walk(home: &Path, args: &[&str]) -> Command {
    let mut cmd = check(&["--format", "ndjson"]);
    cmd.args(args);
    isolated(cmd, home)
}

/// The inputs results were found in, in order, relative to `root` when below it.
fn inputs_of(stdout: &str, root: &Path) -> Vec<String> {
    parse_lines(stdout)
        .iter()
        .map(|result| {
            let path = PathBuf::from(result["source"]["path"].as_str().expect("a source path"));
            path.strip_prefix(root).map_or_else(|_| path.display().to_string(), |p| p.display().to_string())
        })
        .collect()
}

/// A git repository (`.git` a directory, as `git init` makes it) holding a payload in every
/// place a walk may skip: `.git` itself, a hidden file, a hidden directory, a file `.gitignore`
/// excludes, one `.ignore` excludes, and one git's `info/exclude` excludes.
fn repository(scratch: &Path) -> PathBuf {
    let root = scratch.join("repo");
    write(&root.join(".git/HEAD"), "ref: refs/heads/main\n");
    write(&root.join(".git/info/exclude"), "excluded.json\n");
    write(&root.join(".git/logs/payload.json"), &payload());
    write(&root.join(".gitignore"), "by-git.json\n/build/\n");
    write(&root.join(".ignore"), "by-ignore.json\n");
    for name in ["a.json", ".hidden.json", ".hidden/inside.json", "by-git.json", "by-ignore.json", "excluded.json"] {
        write(&root.join(name), &payload());
    }
    write(&root.join("build/out.json"), &payload());
    write(&root.join("sub/z.json"), &payload());
    root
}

const ALWAYS: [&str; 2] = ["a.json", "sub/z.json"];
const GIT: &str = ".git/logs/payload.json";
const HIDDEN: [&str; 2] = [".hidden.json", ".hidden/inside.json"];
const IGNORED: [&str; 4] = ["build/out.json", "by-git.json", "by-ignore.json", "excluded.json"];

/// `names`, sorted as a walk sorts them: by file name within each directory, so component by
/// component (`.hidden/inside.json` before `.hidden.json`).
fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<&str> = names.to_vec();
    names.sort_by(|a, b| Path::new(a).components().cmp(Path::new(b).components()));
    names.into_iter().map(str::to_owned).collect()
}

#[test]
fn a_walk_skips_git_hidden_files_and_ignored_files() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    let (stdout, stderr) = run(&mut walk(&home, &[arg(&root)]), 0);
    assert_eq!(inputs_of(&stdout, &root), ALWAYS, "{stderr}");
    assert_eq!(stderr, "", "skipped files are not problems");
}

#[test]
fn hidden_reads_hidden_files_and_directories_git_included() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    let (stdout, _) = run(&mut walk(&home, &["--hidden", arg(&root)]), 0);
    let expected = sorted(&[&ALWAYS[..], &HIDDEN, &[GIT]].concat());
    assert_eq!(inputs_of(&stdout, &root), expected);
}

#[test]
fn no_ignore_reads_what_ignore_files_exclude() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    let (stdout, _) = run(&mut walk(&home, &["--no-ignore", arg(&root)]), 0);
    assert_eq!(inputs_of(&stdout, &root), sorted(&[&ALWAYS[..], &IGNORED].concat()));
}

#[test]
fn hidden_and_no_ignore_together_read_everything() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    let (stdout, _) = run(&mut walk(&home, &["--hidden", "--no-ignore", arg(&root)]), 0);
    let expected = sorted(&[&ALWAYS[..], &HIDDEN, &IGNORED, &[GIT]].concat());
    assert_eq!(inputs_of(&stdout, &root), expected);
}

#[test]
fn the_settings_file_keys_hidden_and_no_ignore_do_what_the_flags_do() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    let settings = scratch.path().join("authhook.toml");
    write(&settings, "hidden = true\nno-ignore = true\n");
    let (stdout, _) = run(&mut walk(&home, &["--config", arg(&settings), arg(&root)]), 0);
    let expected = sorted(&[&ALWAYS[..], &HIDDEN, &IGNORED, &[GIT]].concat());
    assert_eq!(inputs_of(&stdout, &root), expected);
    write(&settings, "hidden = true\n");
    let (stdout, _) = run(&mut walk(&home, &["--config", arg(&settings), arg(&root)]), 0);
    assert_eq!(inputs_of(&stdout, &root), sorted(&[&ALWAYS[..], &HIDDEN, &[GIT]].concat()));
}

#[test]
fn stats_walks_as_check_does() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    let payloads = |args: &[&str]| {
        let mut cmd = authhook();
        cmd.args(["stats", "--format", "json"]).args(args).arg(arg(&root));
        let (stdout, _) = run(&mut isolated(cmd, &home), 0);
        let stats: Value = serde_json::from_str(&stdout).expect("one JSON document");
        stats["payloads"].as_u64().unwrap_or_else(|| panic!("a payload count in {stats}"))
    };
    assert_eq!(payloads(&[]), 2);
    assert_eq!(payloads(&["--hidden", "--no-ignore"]), 9);
}

#[test]
fn paths_named_on_the_command_line_are_read_even_when_hidden_or_ignored() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    let named = [".hidden.json", "by-git.json", "by-ignore.json", "excluded.json", GIT];
    let paths: Vec<PathBuf> = named.iter().map(|name| root.join(name)).collect();
    let args: Vec<&str> = paths.iter().map(|path| arg(path)).collect();
    let (stdout, _) = run(&mut walk(&home, &args), 0);
    assert_eq!(inputs_of(&stdout, &root), named);
    // A hidden or ignored directory named explicitly is walked; its own files are not hidden.
    let (stdout, _) = run(&mut walk(&home, &[arg(&root.join(".hidden")), arg(&root.join("build"))]), 0);
    assert_eq!(inputs_of(&stdout, &root), [".hidden/inside.json", "build/out.json"]);
}

#[test]
fn a_gitignore_applies_only_inside_a_git_repository_and_an_ignore_file_always() {
    // The system's temporary directory, not the build's: the crate may sit in a git repository.
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let home = isolated_home(scratch.path());
    let root = scratch.path().join("captures");
    assert!(root.ancestors().all(|dir| !dir.join(".git").exists()), "{} is in a git repository", root.display());
    write(&root.join(".gitignore"), "by-git.json\n");
    write(&root.join(".ignore"), "by-ignore.json\n");
    for name in ["a.json", "by-git.json", "by-ignore.json"] {
        write(&root.join(name), &payload());
    }
    let (stdout, _) = run(&mut walk(&home, &[arg(&root)]), 0);
    assert_eq!(inputs_of(&stdout, &root), ["a.json", "by-git.json"]);
    // A `.git` file, as in a worktree or a submodule, makes a repository as a directory does.
    write(&root.join(".git"), "gitdir: elsewhere\n");
    let (stdout, _) = run(&mut walk(&home, &[arg(&root)]), 0);
    assert_eq!(inputs_of(&stdout, &root), ["a.json"]);
}

#[test]
fn the_ignore_files_of_the_walked_directorys_parents_apply() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    write(&root.join(".gitignore"), "*.tmp.json\n");
    write(&root.join("sub/y.tmp.json"), &payload());
    let (stdout, _) = run(&mut walk(&home, &[arg(&root.join("sub"))]), 0);
    assert_eq!(inputs_of(&stdout, &root), ["sub/z.json"]);
}

#[test]
fn gits_global_excludes_file_applies_inside_a_repository() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    write(&home.join(".config/git/ignore"), "z.json\n");
    let (stdout, _) = run(&mut walk(&home, &[arg(&root)]), 0);
    assert_eq!(inputs_of(&stdout, &root), ["a.json"]);
    let (stdout, _) = run(&mut walk(&home, &["--no-ignore", arg(&root)]), 0);
    assert!(inputs_of(&stdout, &root).contains(&"sub/z.json".to_owned()));
}

#[test]
fn a_rule_of_an_ignore_file_that_cannot_be_used_is_a_warning_and_the_rest_applies() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    write(&root.join(".ignore"), "[z-a]\nby-ignore.json\n");
    let (stdout, stderr) = run(&mut walk(&home, &[arg(&root)]), 0);
    assert_eq!(inputs_of(&stdout, &root), ALWAYS);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(".ignore: warning:") && stderr.contains("line 1") && stderr.contains("[z-a]"), "{stderr}");
}

#[test]
fn the_report_file_inside_a_walked_directory_is_never_an_input() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = repository(scratch.path());
    for (i, flags) in [&[][..], &["--hidden"], &["--no-ignore"], &["--hidden", "--no-ignore"]].into_iter().enumerate() {
        // An existing report inside the directory is refused: each run writes a new one.
        for report in [root.join(format!("report-{i}.ndjson")), root.join(format!(".report-{i}.ndjson"))] {
            let args = [flags, &["-o", arg(&report), arg(&root)]].concat();
            let (stdout, _) = run(&mut walk(&home, &args), 0);
            let written = fs::read_to_string(&report).expect("the report");
            let inputs = inputs_of(&written, &root);
            assert!(!inputs.iter().any(|input| input.contains(&format!("report-{i}"))), "{flags:?}: {inputs:?}");
            assert!(stdout.contains(" results: "), "the summary line: {stdout}");
            fs::remove_file(&report).expect("the report removed");
        }
    }
}

#[test]
fn a_symbolic_link_loop_or_broken_link_is_reported_unless_the_walk_skips_the_link() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = scratch.path().join("captures");
    write(&root.join("a.json"), &payload());
    write(&root.join("sub/z.json"), &payload());
    std::os::unix::fs::symlink("..", root.join("sub/loop")).expect("symlink");
    std::os::unix::fs::symlink("..", root.join("sub/.loop")).expect("symlink");
    std::os::unix::fs::symlink("..", root.join("sub/ignored-loop")).expect("symlink");
    std::os::unix::fs::symlink("nowhere", root.join("sub/.dangling")).expect("symlink");
    write(&root.join(".ignore"), "ignored-loop\n");
    let (stdout, stderr) = run(&mut walk(&home, &[arg(&root)]), 2);
    assert_eq!(inputs_of(&stdout, &root), ["a.json", "sub/z.json"]);
    assert_eq!(stderr.lines().count(), 1, "only the link the walk follows: {stderr}");
    assert!(stderr.contains("sub/loop: cannot walk the directory: a symbolic link loops back to"), "{stderr}");
    // Once the walk follows them, every loop is reported.
    let (_, stderr) = run(&mut walk(&home, &["--hidden", "--no-ignore", arg(&root)]), 2);
    let loops: Vec<&str> = stderr.lines().filter(|line| line.contains("loops back")).collect();
    assert_eq!(loops.len(), 3, "{stderr}");
    assert!(["sub/.loop", "sub/ignored-loop", "sub/loop"].iter().all(|link| stderr.contains(link)), "{stderr}");
    assert!(stderr.contains("sub/.dangling: cannot walk the directory"), "and the broken link: {stderr}");
}

#[test]
fn a_walk_is_sorted_by_file_name_at_every_level() {
    let scratch = tempdir();
    let home = isolated_home(scratch.path());
    let root = scratch.path().join("captures");
    // Made out of order; directories sort among the files by name.
    let names = ["m/2.json", "b.json", "Z.json", "m/10.json", "a/z.json", "a.json", "m/1/x.json", "n.json", "_.json"];
    for name in names {
        write(&root.join(name), &payload());
    }
    let (stdout, _) = run(&mut walk(&home, &["--hidden", arg(&root)]), 0);
    let expected =
        ["Z.json", "_.json", "a/z.json", "a.json", "b.json", "m/1/x.json", "m/10.json", "m/2.json", "n.json"];
    assert_eq!(inputs_of(&stdout, &root), expected);
    let (again, _) = run(&mut walk(&home, &["-j", "1", arg(&root)]), 0);
    assert_eq!(inputs_of(&again, &root), expected, "the same with one thread, without --hidden");
}
