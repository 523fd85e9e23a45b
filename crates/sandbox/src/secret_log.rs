//! For the test suite's leak scan: when `COWDESK_SANDBOX_SECRET_LOG` names a file, every
//! secret the sandbox hands out or accepts (tokens, authcodes, passwords, DNS API passwords) is
//! appended to it, one `kind<TAB>value` per line. `scripts/leak-scan.py` then searches
//! everything the suite left behind for those values. Unset (the demo for users, every
//! other run), nothing is written anywhere.

use std::io::Write;

pub const ENV: &str = "COWDESK_SANDBOX_SECRET_LOG";

/// Appends one secret to the log (a no-op unless the variable is set). Tests record the
/// secrets they make themselves here too (kind `secret_link`: a secret and its link key).
pub fn record(kind: &str, value: &str) {
    let Some(path) = std::env::var_os(ENV) else {
        return;
    };
    // One write per line on an O_APPEND file: lines of parallel sandboxes never interleave.
    let line = format!("{kind}\t{value}\n");
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(line.as_bytes()));
    if let Err(e) = written {
        // A scan that misses a secret would pass for the wrong reason: say so loudly.
        eprintln!("sandbox: cannot record a {kind} for the leak scan: {e}");
    }
}
