//! cowdesk's programs for a test that runs another than its own: built with cargo into
//! the target folder and profile of the running test, once per test process, so they sit
//! beside each other as the .deb installs them (the window finds `cowdesk-sandbox` beside
//! itself, `cowdesk` finds both). Shared by tests/ and crates/cli/tests/.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The folder of the running test's profile, e.g. `<target>/debug`.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    // <target>/<profile>/deps/<test>-<hash>
    exe.parent()
        .and_then(Path::parent)
        .expect("a test binary lives in <target>/<profile>/deps")
        .to_path_buf()
}

/// `<target>/<profile>/<name>`, built from `package` if cargo finds it out of date.
/// Panics (fails the test) when it cannot be built.
pub fn program(package: &str, name: &str) -> PathBuf {
    static BUILT: Mutex<Option<HashMap<String, PathBuf>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    let built = built.get_or_insert_with(HashMap::new);
    if let Some(path) = built.get(name) {
        return path.clone();
    }
    let path = build(package, name, &profile_dir());
    built.insert(name.to_owned(), path.clone());
    path
}

/// `cargo build -p <package> --bin <name>` into `profile_dir`'s target folder and profile.
pub fn build(package: &str, name: &str, profile_dir: &Path) -> PathBuf {
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a profile folder name");
    let target_dir = profile_dir.parent().expect("the target folder");
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--quiet", "-p", package, "--bin", name])
        .arg("--target-dir")
        .arg(target_dir);
    match profile {
        "debug" => {}
        "release" => {
            cargo.arg("--release");
        }
        other => {
            cargo.args(["--profile", other]);
        }
    }
    let output = cargo.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo build -p {package} --bin {name} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = profile_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "{} was not built", path.display());
    path
}
