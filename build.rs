//! Records what `authhook --version` tells for a bug report: the commit built and the target.

use std::path::Path;
use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=AUTHHOOK_COMMIT={commit}");
    println!("cargo:rustc-env=AUTHHOOK_TARGET={}", std::env::var("TARGET").unwrap_or_default());
    // Built again when the commit changes: HEAD, and the branch it points to, are watched.
    let git = Path::new(".git");
    let head = git.join("HEAD");
    if head.is_file() {
        println!("cargo:rerun-if-changed={}", head.display());
        let branch = std::fs::read_to_string(&head)
            .ok()
            .and_then(|text| text.strip_prefix("ref: ").map(|r| r.trim().to_owned()));
        for watched in branch.iter().map(|branch| git.join(branch)).chain([git.join("packed-refs")]) {
            if watched.is_file() {
                println!("cargo:rerun-if-changed={}", watched.display());
            }
        }
    } else {
        println!("cargo:rerun-if-changed=build.rs");
    }
}
