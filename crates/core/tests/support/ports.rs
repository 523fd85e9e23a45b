//! Loopback ports for the servers a test starts that take a port number instead of
//! reporting the one they got (tauri-driver, WebKitWebDriver, Dovecot, Postfix).
//!
//! Asking the system for a free port (binding port 0) and passing the number on races:
//! the port is free again once it is reported, and the system may give it to the next
//! such question or to an outgoing connection before the server binds it. The tests of a
//! binary start their servers at once; one CI run saw a WebKitWebDriver fail to listen on
//! the port another test's had been given. These ports come from below the system's
//! ephemeral range (32768–60999 on Linux), which it never hands out by itself, at random,
//! and only where nothing listens yet.

use std::hash::{BuildHasher, Hasher};
use std::net::TcpListener;

const FIRST: u16 = 20_000;
const END: u16 = 32_000;

pub fn free_port() -> Result<u16, String> {
    for _ in 0..1_000 {
        // A fresh `RandomState` is a new random key: its empty hash is a random number.
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let port = FIRST + (random % u64::from(END - FIRST)) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err(format!("no free loopback port from {FIRST} to {END}"))
}
