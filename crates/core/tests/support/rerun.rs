//! Runs one test of the current test binary again, in a child process with a changed
//! environment: how a test proves that another test FAILS (rather than skipping and
//! counting as passed) when what it needs is missing. Shared by cowdesk-core's tests and
//! the app's end-to-end tests (`#[path]`).

use std::process::Command;

/// What the child run of one test reported.
pub struct Rerun {
    pub passed: bool,
    /// stdout and stderr of the child, for the assertions and a failure message.
    pub output: String,
}

/// Runs the test `name` (exact name) of this test binary with `set` added to and
/// `remove` taken from the environment.
pub fn rerun_test(name: &str, set: &[(&str, &str)], remove: &[&str]) -> Rerun {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut command = Command::new(exe);
    command.args([name, "--exact", "--nocapture", "--test-threads=1"]);
    for (key, value) in set {
        command.env(key, value);
    }
    for key in remove {
        command.env_remove(key);
    }
    let out = command.output().expect("the test binary runs again");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        output.contains("running 1 test"),
        "the child ran exactly {name}: {output}"
    );
    Rerun {
        passed: out.status.success(),
        output,
    }
}

impl Rerun {
    /// The child failed, and said `why` (what to install or start).
    pub fn assert_failed_saying(&self, why: &str) {
        assert!(
            !self.passed,
            "the test passed although what it needs is missing:\n{}",
            self.output
        );
        assert!(
            self.output.contains("1 failed") && !self.output.contains("1 passed"),
            "{}",
            self.output
        );
        assert!(
            self.output.contains(why),
            "the failure does not say {why:?}:\n{}",
            self.output
        );
        assert!(
            !self.output.to_lowercase().contains("skipping") && !self.output.contains("SKIPPED"),
            "{}",
            self.output
        );
    }
}
