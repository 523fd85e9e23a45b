//! The test suite's independent OpenPGP implementation: openpgp.js (the library Yopass's
//! browser code uses) run by node from tests/support/openpgp, to check what cowdesk
//! encrypted for a secret link and to make messages as Yopass's browser code does.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// tests/support/openpgp of the repository, from any package's test.
fn tool_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("tests/support/openpgp"))
        .find(|dir| dir.join("openpgp-tool.mjs").is_file())
        .expect("tests/support/openpgp in the repository")
}

/// Runs `openpgp-tool.mjs ARGS` with `input` on stdin: (succeeded, stdout). Fails the
/// test when node or the package is missing.
pub fn openpgp_js(args: &[&str], input: &str) -> (bool, String) {
    let dir = tool_dir();
    assert!(
        dir.join("node_modules/openpgp").is_dir(),
        "openpgp.js is not installed in {}: run `npm ci` there (scripts/lib/setup.sh install_openpgp_check)",
        dir.display()
    );
    let mut child = Command::new("node")
        .arg("openpgp-tool.mjs")
        .args(args)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node must be installed for the secret-link tests");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("node reads its input");
    let out = child.wait_with_output().expect("node ran");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("utf-8 output"),
    )
}
