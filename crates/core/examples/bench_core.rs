//! Figures of the core alone, for scripts/bench.sh: the sync part of `cowdesk sync`
//! (without process start, keyring and opening the cache) against a running sandbox, and
//! what the mailbox list costs to build and serialise (the whole list as `mailboxes()`
//! gives it, and windows of it). Prints one JSON object; nothing here passes or fails.
//!
//! ```sh
//! cargo run --release -p cowdesk-core --example bench_core -- <sandbox-url> <email> <password>
//! ```

use std::sync::Arc;
use std::time::Instant;

use cowdesk_core::model::{MailboxEntryQuery, MailboxFilter, MailboxQuery, MailboxSort, Window};
use cowdesk_core::secrets::MemorySecretStore;
use cowdesk_core::session::Core;

const RUNS: usize = 5;
/// The sandbox's own account, the large one in the bench's profile.
const OWN: &str = cowdesk_sandbox::DEMO_OWN_ACCOUNT;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("BENCH_CORE_DEBUG").is_some() {
        // Where the time goes: the sync logs its fetch and write times at debug level.
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(std::io::stderr)
            .init();
    }
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
    // Windows of 100 rows in the middle of the list, as a virtual list asks for them: in
    // the list's own order, and searched and sorted by usage (the most work).
    let plain = MailboxQuery {
        search: String::new(),
        domain: None,
        filter: MailboxFilter::All,
        sort: MailboxSort::Address,
        descending: false,
    };
    let searched = MailboxQuery {
        search: "a".into(),
        domain: None,
        filter: MailboxFilter::All,
        sort: MailboxSort::Usage,
        descending: true,
    };
    let mut windows = Vec::new();
    for query in [&plain, &searched] {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let rows = core
                .mailbox_window(
                    OWN,
                    query,
                    Window {
                        offset: 5000,
                        limit: 100,
                    },
                )
                .await?;
            bytes = serde_json::to_string(&rows)?.len();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        windows.push((median(times), bytes));
    }
    // The merged list (portal preview and mailcows, one row per address), a window of
    // 100 in the middle, and the mailcow figures of a dashboard.
    let merged = MailboxEntryQuery {
        search: String::new(),
        domain: None,
        filter: MailboxFilter::All,
        sort: MailboxSort::Address,
        descending: false,
        mailcow_only: false,
    };
    let mut entry_window = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let rows = core
            .mailbox_entry_window(
                &merged,
                Window {
                    offset: 5000,
                    limit: 100,
                },
            )
            .await?;
        serde_json::to_string(&rows)?;
        entry_window.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let mut summary = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        core.mailcow_summary().await?;
        summary.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let figures = serde_json::json!({
        "sync_full_core_s": median(full),
        "sync_incremental_core_s": median(incremental),
        "mailbox_list_whole_ms": median(whole),
        "mailbox_list_whole_bytes": whole_bytes,
        "mailbox_window_100_ms": windows[0].0,
        "mailbox_window_100_bytes": windows[0].1,
        "mailbox_window_100_searched_ms": windows[1].0,
        "mailbox_entry_window_100_ms": median(entry_window),
        "mailcow_summary_ms": median(summary),
    });
    println!("{figures}");
    Ok(())
}
