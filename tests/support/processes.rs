//! The processes a test's program started, found through /proc (the window is started by
//! WebKitWebDriver, which tauri-driver starts, so its id is not the test's to know).

/// The process below `ancestor` whose command name is `comm`, once it runs.
pub fn descendant_named(ancestor: u32, comm: &str) -> Option<u32> {
    let entries = std::fs::read_dir("/proc").ok()?;
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            name.trim() == comm && descends_from(*pid, ancestor)
        })
}

/// The processes named `comm` started with `key=value` in their environment: a program
/// started again by the one a test started descends from the test no longer.
pub fn named_with_env(comm: &str, key: &str, value: &str) -> Vec<u32> {
    let wanted = format!("{key}={value}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            name.trim() == comm
                && environ
                    .split(|b| *b == 0)
                    .any(|entry| entry == wanted.as_bytes())
        })
        .collect()
}

/// Whether `pid` still runs; a zombie does not, it only waits to be reaped.
pub fn running(pid: u32) -> bool {
    stat_field(pid, 0).is_some_and(|state| state != "Z")
}

fn parent_of(pid: u32) -> Option<u32> {
    stat_field(pid, 1)?.parse().ok()
}

/// Field `n` of /proc/`pid`/stat after the command name (0 is the state, 1 the parent).
fn stat_field(pid: u32, n: usize) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: the fields follow the last ')'.
    let field = stat.rsplit_once(')')?.1.split_whitespace().nth(n)?;
    Some(field.to_owned())
}

fn descends_from(mut pid: u32, ancestor: u32) -> bool {
    while let Some(parent) = parent_of(pid) {
        if parent == ancestor {
            return true;
        }
        if parent <= 1 {
            return false;
        }
        pid = parent;
    }
    false
}
