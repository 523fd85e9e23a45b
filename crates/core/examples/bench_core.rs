//! Figures of the core alone, for scripts/bench.sh: the sync part of `cowdesk sync`
//! (without process start, keyring and opening the cache) against a running sandbox, and
//! what the mailbox list costs to build and serialise (the whole list as `mailboxes()`
//! gives it, and a window). Prints one JSON object; nothing here passes or fails.
//!
//! ```sh
//! cargo run --release -p cowdesk-core --example bench_core -- <sandbox-url> <email> <password>
//! ```

use std::sync::Arc;
use std::time::Instant;

use cowdesk_core::model::{MailboxFilter, MailboxQuery, MailboxSort, Window};
use cowdesk_core::secrets::MemorySecretStore;
use cowdesk_core::session::Core;

const RUNS: usize = 5;
const OWN: &str = "acc-100001";

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, email, password] = args.as_slice() else {
        return Err("usage: bench_core <sandbox-url> <email> <password>".into());
    };
    let mut full = Vec::new();
    let mut incremental = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let dir = tempfile::TempDir::new()?;
        let core = Core::open(
            dir.path(),
            "default",
            Arc::new(MemorySecretStore::default()),
        )
        .await?;
        core.login(url, email, password, false).await?;
        let started = Instant::now();
        let outcomes = core.sync_all(&|_| {}).await?;
        full.push(started.elapsed().as_secs_f64());
        if let Some(error) = outcomes.iter().find_map(|o| o.error.as_ref()) {
            return Err(format!("sync failed: {}", error.message).into());
        }
        for _ in 0..RUNS {
            let started = Instant::now();
            core.sync_all(&|_| {}).await?;
            incremental.push(started.elapsed().as_secs_f64());
        }
        last = Some((dir, core));
    }
    let Some((_dir, core)) = last else {
        return Err("no run".into());
    };

    // The whole list as today's `list_mailboxes` builds and sends it.
    let mut whole = Vec::new();
    let mut whole_bytes = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let listing = core.mailboxes(OWN).await?;
        whole_bytes = serde_json::to_string(&listing)?.len();
        whole.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    // A window of 100 rows, sorted by usage, with a search: what a virtual list asks for.
    let query = MailboxQuery {
        search: "a".into(),
        filter: MailboxFilter::All,
        sort: MailboxSort::Usage,
        descending: true,
    };
    let mut window = Vec::new();
    let mut window_bytes = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let rows = core
            .mailbox_window(
                OWN,
                &query,
                Window {
                    offset: 5000,
                    limit: 100,
                },
            )
            .await?;
        window_bytes = serde_json::to_string(&rows)?.len();
        window.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let figures = serde_json::json!({
        "sync_full_core_s": median(full),
        "sync_incremental_core_s": median(incremental),
        "mailbox_list_whole_ms": median(whole),
        "mailbox_list_whole_bytes": whole_bytes,
        "mailbox_window_100_ms": median(window),
        "mailbox_window_100_bytes": window_bytes,
    });
    println!("{figures}");
    Ok(())
}
