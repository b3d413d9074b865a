//! The commands on a terminal: run under a pseudo-terminal (`script`), where the progress bar
//! draws on standard error and Ctrl-C comes from the terminal, not from `kill`.
//!
//! Every child is watched: a run that does not end within the time limit is killed and fails the
//! test, so a hang is a failure, not a stalled suite, and a failing test ends its terminal too.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use unicode_width::UnicodeWidthStr;

use crate::common::{LIMIT, TODAY, Watchdog, check, run, tempdir};

const BIN: &str = env!("CARGO_BIN_EXE_authhook");

/// A terminal running a command, killed (with what runs on it, which loses its terminal) if it
/// outlives the time limit or the test.
struct Terminal {
    child: Child,
    _watchdog: Watchdog,
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `shell` run by `script` on a new pseudo-terminal; its standard input is what the test types.
fn on_terminal(shell: &str) -> Terminal {
    let child = Command::new("script")
        .args(["-q", "-e", "-c", shell, "/dev/null"])
        .env("AUTHHOOK_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    Terminal { _watchdog: Watchdog::new(child.id(), LIMIT), child }
}

/// Waits for the terminal's command to end, and returns its exit status and what it printed.
/// The terminal's watchdog kills it at the time limit: a hang fails the test, with no status.
fn finish(mut terminal: Terminal) -> (i32, String) {
    let child = &mut terminal.child;
    let mut stdout = child.stdout.take().expect("stdout");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        let _ = sender.send(text);
    });
    let status = child.wait().expect("the child can be waited for");
    let text = receiver.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
    let text = String::from_utf8_lossy(&text).into_owned();
    assert!(!text.contains("panicked"), "authhook panicked:\n{text}");
    let code = status.code().unwrap_or_else(|| {
        panic!("the terminal was killed ({status}), by the watchdog if it ran past {LIMIT:?}: a hang\n{text}")
    });
    (code, text)
}

#[test]
fn every_command_finishes_on_a_terminal_when_input_is_slow() {
    let commands =
        ["check -q", "check", "check --format table", "check --format ndjson", "stats", "stats --format table"];
    for command in commands {
        let shell = format!("(sleep 1; {BIN} sample --all) | {BIN} {command}");
        let (status, text) = finish(on_terminal(&shell));
        // The samples hold one invalid payload (a face-mask and a lenses sample share one
        // transactionId with different content), so the run finds a problem: status 1.
        assert_eq!(status, 1, "{command}: {text}");
        assert!(text.contains("spoof-detected") || text.contains("7 results"), "{command}: {text}");
    }
}

#[test]
fn a_large_input_shows_progress_and_finishes_on_a_terminal() {
    let dir = tempdir();
    let path = dir.path().join("large.ndjson");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let spoof = authhook::contract::samples::find("spoof").expect("a sample").compact();
    for i in 0..60_000u64 {
        let line = spoof.replace("e59ee5a064e24d129d1beed9", &format!("{i:024x}"));
        writeln!(file, "{line}").expect("write");
    }
    file.flush().expect("flush");
    drop(file);
    let shell = format!("{BIN} check -q {}", path.display());
    let (status, text) = finish(on_terminal(&shell));
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("60000 results: 0 PASS, 60000 FAIL"), "{text}");
}

/// The lines of the tables in what a terminal showed: those drawn with box characters.
fn table_lines(text: &str) -> Vec<&str> {
    text.lines().map(|line| line.trim_end_matches('\r')).filter(|line| line.starts_with(['┌', '│', '╞', '└'])).collect()
}

#[test]
fn a_table_fits_an_80_column_terminal_cutting_long_values_and_a_pipe_gets_them_whole() {
    let dir = tempdir();
    let path = dir.path().join("a-capture-from-the-webhook-receiver-with-a-rather-long-name.log");
    let sample = |name| authhook::contract::samples::find(name).expect("a sample").compact();
    let log = format!(
        "2026-11-25T10:00:00.123456Z INFO body={}\n2026-11-25T10:00:01Z WARN body={}\n",
        sample("pass"),
        sample("spoof")
    );
    std::fs::write(&path, log).expect("write");
    let path = path.display().to_string();
    let table = format!("{BIN} check --no-notice --format table {path}");
    // `stty` sets the size of the pseudo-terminal, which authhook asks for.
    let (status, text) = finish(on_terminal(&format!("unset COLUMNS; stty cols 80 rows 24; exec {table}")));
    assert_eq!(status, 0, "{text}");
    let lines = table_lines(&text);
    assert!(lines.len() >= 10, "a table of two rows and one of counts:\n{text}");
    for line in &lines {
        assert!(line.width() <= 80, "{} columns wide:\n{line}\n{text}", line.width());
    }
    assert!(!text.contains(&path), "the path is too long for 80 columns:\n{text}");
    let first_row = lines.iter().find(|line| line.contains("rather-long-name.log:1:")).expect("the first row");
    assert!(first_row.starts_with("│ …"), "the path is cut at its start, keeping line and column:\n{text}");
    // COLUMNS says how wide the terminal is, whatever the terminal says.
    let (status, text) = finish(on_terminal(&format!("stty cols 80 rows 24; COLUMNS=120 exec {table}")));
    assert_eq!(status, 0, "{text}");
    let widths: Vec<usize> = table_lines(&text).iter().map(|line| line.width()).collect();
    assert!(widths.iter().all(|&width| width <= 120) && widths.iter().any(|&width| width > 80), "{widths:?}\n{text}");
    // In a pipe, nothing is cut, whatever COLUMNS says.
    let (stdout, _) = run(check(&["--no-notice", "--format", "table", &path]).env("COLUMNS", "80"), 0);
    assert!(stdout.contains(&format!("{path}:1:")) && !stdout.contains('…'), "{stdout}");
    assert!(stdout.contains("2026-11-25T10:00:00.123456Z") && stdout.contains("549994d9r3474bfcbbbdc5a5"), "{stdout}");
}

/// Types `keys` into the terminal.
fn type_keys(stdin: &mut ChildStdin, keys: &[u8]) {
    stdin.write_all(keys).and_then(|()| stdin.flush()).expect("the terminal takes input");
}

/// Runs `check --format ndjson FIFO` on a terminal, writes one payload to the FIFO and waits for
/// its line; returns the terminal, its input and the FIFO writer. The FIFO is opened for reading
/// and writing, which never blocks, so a run that never opens it cannot stall the test.
fn streaming_from_a_fifo(dir: &std::path::Path) -> (Terminal, ChildStdin, std::fs::File) {
    let fifo = dir.join("live.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let shell = format!("exec {BIN} check --format ndjson {}", fifo.display());
    let mut terminal = on_terminal(&shell);
    let stdin = terminal.child.stdin.take().expect("stdin");
    let mut writer = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).expect("the FIFO opens");
    let spoof = authhook::contract::samples::find("spoof").expect("a sample").compact();
    writeln!(writer, "{spoof}").expect("a payload");
    writer.flush().expect("flush");
    // The terminal's output is read line by line until the result comes; the watchdog ends the
    // terminal, and so the reading, if it never does.
    let mut out = BufReader::new(terminal.child.stdout.take().expect("stdout"));
    let mut line = String::new();
    while !line.contains("spoof-detected") {
        line.clear();
        let read = out.read_line(&mut line).expect("a line");
        assert!(read > 0, "the terminal closed before a result line came");
    }
    terminal.child.stdout = Some(out.into_inner());
    (terminal, stdin, writer)
}

#[test]
fn ctrl_c_on_a_terminal_stops_the_run_at_the_next_input_with_status_130() {
    let dir = tempdir();
    let (terminal, mut keys, mut writer) = streaming_from_a_fifo(dir.path());
    type_keys(&mut keys, b"\x03");
    std::thread::sleep(Duration::from_millis(300));
    let spoof = authhook::contract::samples::find("spoof").expect("a sample").compact();
    // The FIFO may already be closed by an authhook that stopped; either way it must end.
    let _ = writeln!(writer, "{spoof}").and_then(|()| writer.flush());
    drop(keys);
    let (status, text) = finish(terminal);
    drop(writer);
    assert_eq!(status, 130, "{text}");
}

#[test]
fn a_second_ctrl_c_on_a_terminal_ends_a_run_blocked_on_silent_input() {
    let dir = tempdir();
    let (terminal, mut keys, writer) = streaming_from_a_fifo(dir.path());
    type_keys(&mut keys, b"\x03");
    std::thread::sleep(Duration::from_millis(300));
    // The run may have ended on the first already; then the terminal is gone, which is fine.
    let _ = keys.write_all(b"\x03").and_then(|()| keys.flush());
    drop(keys);
    let (status, text) = finish(terminal);
    drop(writer);
    assert_eq!(status, 130, "{text}");
}

#[test]
fn ctrl_c_on_a_terminal_stops_a_listener_with_its_summary() {
    let mut terminal = on_terminal(&format!("exec {BIN} listen --port 0 --no-notice"));
    let mut keys = terminal.child.stdin.take().expect("stdin");
    let mut out = BufReader::new(terminal.child.stdout.take().expect("stdout"));
    let mut line = String::new();
    let url = loop {
        line.clear();
        let read = out.read_line(&mut line).expect("a line");
        assert!(read > 0, "the terminal closed before the listener said where it listens");
        if let Some(url) = line.trim().strip_prefix("listening on ") {
            break url.to_owned();
        }
    };
    let spoof = authhook::contract::samples::find("spoof").expect("a sample").compact();
    let answer = crate::listen::post(&url, &[("Content-Type", "application/json")], spoof.as_bytes());
    assert_eq!(answer.status, 200);
    while !line.contains("FAIL") {
        line.clear();
        let read = out.read_line(&mut line).expect("a line");
        assert!(read > 0, "the terminal closed before the result was shown");
    }
    terminal.child.stdout = Some(out.into_inner());
    type_keys(&mut keys, b"\x03");
    drop(keys);
    let (status, text) = finish(terminal);
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("1 result: 0 PASS, 1 FAIL"), "{text}");
}
