//! The log of the window and the command line: `COWDESK_LOG` filters it (by default
//! warnings, and cowdesk's own information), to standard error, or appended to the file
//! `COWDESK_LOG_FILE` names (the end-to-end tests scan it for secrets).
//!
//! `COWDESK_LOG` takes `target=level` directives and a bare default level, separated by
//! commas (`warn,cowdesk::start=debug`). The filter is `Targets`, not `EnvFilter`: the
//! latter's span and field directives need a regular-expression engine (regex-automata
//! with its DFA builder), which was the only use of one in the command line.

use std::io::IsTerminal;

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::prelude::*;

const VARIABLE: &str = "COWDESK_LOG";

/// The filter `COWDESK_LOG`'s value asks for; without one, or with one that does not
/// parse, warnings and cowdesk's own information.
pub fn filter(value: Option<&str>) -> Targets {
    value.and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        Targets::new()
            .with_default(Level::WARN)
            .with_target("cowdesk", Level::INFO)
    })
}

pub fn init() {
    let filter = filter(std::env::var(VARIABLE).ok().as_deref());
    let file = std::env::var_os("COWDESK_LOG_FILE").and_then(|path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()
    });
    // Colours only for a terminal: a log in a file stays plain text.
    let (writer, ansi) = match file {
        Some(file) => (BoxMakeWriter::new(std::sync::Mutex::new(file)), false),
        None => (
            BoxMakeWriter::new(std::io::stderr),
            std::io::stderr().is_terminal(),
        ),
    };
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(ansi)
                .with_writer(writer)
                .with_filter(filter),
        )
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logging_filter_reads_targets_and_levels() {
        let default = filter(None);
        assert!(default.would_enable("cowdesk_core::sync", &Level::INFO));
        assert!(!default.would_enable("cowdesk_core::sync", &Level::DEBUG));
        assert!(default.would_enable("hyper_util::client", &Level::WARN));
        assert!(!default.would_enable("hyper_util::client", &Level::INFO));

        let start = filter(Some("warn,cowdesk::start=debug"));
        assert!(start.would_enable("cowdesk::start", &Level::DEBUG));
        assert!(!start.would_enable("cowdesk_core::sync", &Level::INFO));
        assert!(start.would_enable("sqlx::query", &Level::WARN));

        let everything = filter(Some("trace"));
        assert!(everything.would_enable("zbus::connection", &Level::TRACE));

        // A value that does not parse is the default, not silence.
        let unreadable = filter(Some("cowdesk=loud"));
        assert!(unreadable.would_enable("cowdesk_core::sync", &Level::INFO));
        assert!(!unreadable.would_enable("cowdesk_core::sync", &Level::DEBUG));
    }
}
