//! Helpers shared by the integration tests: the binary run from the crate root with a fixed
//! date and colour off, and the plumbing to read what it printed.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// The date every test runs on, so the deprecation notice does not change.
pub const TODAY: &str = "2026-11-25";

/// How long one command may take before the test fails as a hang; generous, for a debug build
/// on two cores.
pub const LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// `authhook` run from the crate root with a fixed date, colour off and a time limit.
pub fn authhook() -> Command {
    let mut cmd = Command::cargo_bin("authhook").expect("the authhook binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("AUTHHOOK_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .timeout(LIMIT);
    cmd
}

/// `authhook check --color never ARGS...`
pub fn check(args: &[&str]) -> Command {
    let mut cmd = authhook();
    cmd.args(["check", "--color", "never"]).args(args);
    cmd
}

/// `authhook check --color never ARGS...` as [`check`] runs it, allowed `seconds` of CPU time
/// (`ulimit -t`, applied by `sh` before it becomes `authhook`): past them the kernel kills the
/// run, so the exit status [`run`] asserts is missing and the test fails. For tests of running
/// time: CPU time is the work done, which does not grow when other tests load the machine, as
/// time on the clock does (a 15 s run took 64 s while another module's tests ran).
pub fn check_within_cpu_seconds(seconds: u32, args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -t {seconds} && exec \"$0\" check --color never \"$@\""))
        .arg(env!("CARGO_BIN_EXE_authhook"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("AUTHHOOK_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .timeout(LIMIT);
    cmd
}

/// Runs `cmd`, asserts its exit status, and returns its stdout and stderr.
pub fn run(cmd: &mut Command, code: i32) -> (String, String) {
    let assert = cmd.assert().code(code);
    let output = assert.get_output();
    let stdout = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    let stderr = String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8");
    assert!(!stderr.contains("panicked"), "authhook panicked:\n{stderr}");
    (stdout, stderr)
}

/// A path inside the crate.
pub fn crate_path(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A temporary directory under the build's own temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary directory")
}

/// Parses `--format ndjson` output, one value per line.
pub fn parse_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect()
}

/// A small deterministic generator (xorshift64*) for generated inputs, shuffles and white space.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Kills the child with SIGKILL if it is still running after `limit`, so a hang fails the test
/// rather than stalling it. Dropping the guard disarms it.
pub struct Watchdog {
    done: Arc<AtomicBool>,
}

impl Watchdog {
    pub fn new(pid: u32, limit: Duration) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        std::thread::spawn(move || {
            let start = Instant::now();
            while start.elapsed() < limit {
                if flag.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if !flag.load(Ordering::SeqCst) {
                let _ = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            }
        });
        Watchdog { done }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
    }
}
