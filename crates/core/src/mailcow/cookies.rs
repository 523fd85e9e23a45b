//! The web session's cookies, for one server, in memory only. The session cookie
//! (`MCSESSID`, `PHPSESSID` in older releases, or whatever name the server sets) is a
//! secret: it is never written anywhere, and Debug shows only the names.

use std::collections::BTreeMap;
use std::fmt;

use reqwest::header::{HeaderMap, HeaderValue, SET_COOKIE};

#[derive(Default)]
pub(crate) struct CookieJar {
    cookies: BTreeMap<String, String>,
}

impl fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieJar")
            .field("names", &self.cookies.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl CookieJar {
    pub(crate) fn clear(&mut self) {
        self.cookies.clear();
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// Takes every `Set-Cookie` of an answer: new values replace old ones, a deleted
    /// cookie (`deleted`, `Max-Age=0`, an expiry in the past) is dropped.
    pub(crate) fn store(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(SET_COOKIE) {
            let Ok(value) = value.to_str() else { continue };
            let mut parts = value.split(';');
            let Some((name, val)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let (name, val) = (name.trim(), val.trim());
            if name.is_empty() {
                continue;
            }
            let removed = val.is_empty()
                || val == "deleted"
                || parts.any(|attr| {
                    let attr = attr.trim().to_ascii_lowercase();
                    attr == "max-age=0"
                        || attr.starts_with("max-age=-")
                        || attr.starts_with("expires=thu, 01 jan 1970")
                        || attr.starts_with("expires=thu, 01-jan-1970")
                });
            if removed {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), val.to_owned());
            }
        }
    }

    /// The `Cookie` header to send, if there is anything to send.
    pub(crate) fn header(&self) -> Option<HeaderValue> {
        if self.cookies.is_empty() {
            return None;
        }
        let line = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut value = HeaderValue::from_str(&line).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for line in lines {
            map.append(SET_COOKIE, HeaderValue::from_str(line).unwrap());
        }
        map
    }

    #[test]
    fn mailcow_cookies_are_kept_replaced_and_dropped() {
        let mut jar = CookieJar::default();
        jar.store(&headers(&[
            "MCSESSID=abc123; path=/; HttpOnly; SameSite=Lax",
        ]));
        assert_eq!(jar.header().unwrap().to_str().unwrap(), "MCSESSID=abc123");
        jar.store(&headers(&["MCSESSID=def456; path=/", "other=1"]));
        assert_eq!(
            jar.header().unwrap().to_str().unwrap(),
            "MCSESSID=def456; other=1"
        );
        jar.store(&headers(&[
            "MCSESSID=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/",
            "other=; Max-Age=0",
        ]));
        assert!(jar.header().is_none() && jar.is_empty());
    }

    #[test]
    fn mailcow_cookie_values_stay_out_of_debug() {
        let mut jar = CookieJar::default();
        jar.store(&headers(&["MCSESSID=s3cr3t-session; path=/"]));
        let shown = format!("{jar:?}");
        assert!(shown.contains("MCSESSID") && !shown.contains("s3cr3t-session"));
        assert!(jar.header().unwrap().is_sensitive());
    }
}
