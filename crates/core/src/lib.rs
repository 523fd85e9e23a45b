//! cowdesk-core: everything headless — the portal client, the SQLite cache, sync, the
//! keyring — behind the `session::Core` facade that the app and the command line share.
//! No Tauri here.

mod access;
pub mod activity;
pub mod alerts;
pub mod autostart;
pub mod billing;
pub mod browser;
pub mod clipboard;
pub mod connections;
pub mod demo;
pub mod dnsapi;
pub mod dnscheck;
pub mod domains;
pub mod error;
pub mod lists;
pub mod logging;
pub mod mailconfig;
pub mod mailcow;
pub mod maildoctor;
pub mod mailsetup;
pub mod mandates;
pub mod money;
pub mod notify;
pub mod paths;
pub mod portal;
pub mod schedule;
pub mod secrets;
pub mod server_text;
pub mod session;
pub mod start;
pub mod store;
pub mod support;
pub mod sync;
pub mod validate;
pub mod window_args;

pub use cowdesk_model as model;
