//! The log of the window and the command line: `COWDESK_LOG` filters it (by default
//! warnings, and cowdesk's own information), to standard error, or appended to the file
//! `COWDESK_LOG_FILE` names (the end-to-end tests scan it for secrets).

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_env("COWDESK_LOG")
        .unwrap_or_else(|_| EnvFilter::new("warn,cowdesk=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let file = std::env::var_os("COWDESK_LOG_FILE").and_then(|path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()
    });
    match file {
        Some(file) => builder
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init(),
        None => builder.with_writer(std::io::stderr).init(),
    }
}
