//! Reference for `benches/startup.sh`: a trivial Rust binary that reads the file given as
//! argument and prints its length in bytes, the floor that `authhook check` on one small payload
//! is compared with (process start, one read, one line of output, exit).
//!
//! ```text
//! cargo run --release --example read_tiny -- samples/pass.json
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: read_tiny FILE");
        return ExitCode::from(2);
    };
    match std::fs::read(&path) {
        Ok(data) => {
            println!("{}", data.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("read_tiny: cannot read {}: {e}", path.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}
