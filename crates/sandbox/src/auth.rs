//! Sign-in, token refresh, logout and password reset, and the checks every other
//! endpoint runs: a valid access token (401), a visible account (404), a permission (403).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cowdesk_model::{Account, Permission, TokenResponse};

use crate::http::{
    error, forbidden, json_object, not_found, plausible_email, present_field, string_field,
    validation,
};
use crate::state::SandboxHandle;

/// Expired access tokens are kept this long so they answer `token_expired` (the client
/// refreshes) rather than `unauthorized` (the client signs in again).
const EXPIRED_TOKEN_MEMORY: Duration = Duration::from_secs(24 * 60 * 60);

// Deliberately no Debug: these hold bearer tokens.
struct AccessToken {
    email: String,
    refresh_token: String,
    expires: Instant,
}

/// Issued tokens. Tokens are 256 random bits from the OS, never derived from the seed.
#[derive(Default)]
pub(crate) struct Sessions {
    access: HashMap<String, AccessToken>,
    /// refresh token -> e-mail of its login
    refresh: HashMap<String, String>,
}

enum Rejected {
    Unknown,
    Expired,
}

impl Sessions {
    /// A new refresh token and a first access token for `email`.
    fn start(&mut self, email: &str, ttl: Duration) -> Option<TokenResponse> {
        let refresh_token = random_token()?;
        self.refresh.insert(refresh_token.clone(), email.to_owned());
        self.issue(email, refresh_token, ttl)
    }

    /// A new access token AND a new refresh token for a live refresh token (rotation):
    /// the old refresh token stops working at once; access tokens issued from it stay
    /// valid until they expire and now belong to the new one (so logout ends them).
    /// `Ok(None)` without OS randomness.
    fn renew(&mut self, refresh_token: &str, ttl: Duration) -> Result<Option<TokenResponse>, ()> {
        let email = self.refresh.get(refresh_token).cloned().ok_or(())?;
        let Some(rotated) = random_token() else {
            return Ok(None);
        };
        self.refresh.remove(refresh_token);
        self.refresh.insert(rotated.clone(), email.clone());
        for token in self.access.values_mut() {
            if token.refresh_token == refresh_token {
                token.refresh_token = rotated.clone();
            }
        }
        Ok(self.issue(&email, rotated, ttl))
    }

    fn issue(
        &mut self,
        email: &str,
        refresh_token: String,
        ttl: Duration,
    ) -> Option<TokenResponse> {
        let now = Instant::now();
        self.access
            .retain(|_, t| t.expires + EXPIRED_TOKEN_MEMORY > now);
        let access_token = random_token()?;
        self.access.insert(
            access_token.clone(),
            AccessToken {
                email: email.to_owned(),
                refresh_token: refresh_token.clone(),
                expires: now + ttl,
            },
        );
        Some(TokenResponse {
            access_token,
            refresh_token,
            token_type: "Bearer".into(),
            expires_in: ttl.as_secs(),
        })
    }

    /// Ends the session of `refresh_token` if it belongs to `email`: the refresh token
    /// and every access token issued from it stop working.
    fn revoke(&mut self, email: &str, refresh_token: &str) {
        if self.refresh.get(refresh_token).map(String::as_str) == Some(email) {
            self.refresh.remove(refresh_token);
            self.access.retain(|_, t| t.refresh_token != refresh_token);
        }
    }

    fn check(&self, access_token: &str, now: Instant) -> Result<String, Rejected> {
        let token = self.access.get(access_token).ok_or(Rejected::Unknown)?;
        if token.expires <= now {
            return Err(Rejected::Expired);
        }
        Ok(token.email.clone())
    }

    pub fn expire_all(&mut self, now: Instant) {
        for token in self.access.values_mut() {
            token.expires = token.expires.min(now);
        }
    }
}

/// 256 bits from the OS as hex; `None` when the OS has no randomness to give (then no
/// token is handed out rather than a guessable one).
fn random_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    crate::secret_log::record("token", &token);
    Some(token)
}

fn no_randomness() -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        "Could not create a session.",
    )
}

fn tokens(issued: Option<TokenResponse>) -> Response {
    match issued {
        Some(tokens) => Json(tokens).into_response(),
        None => no_randomness(),
    }
}

pub(crate) async fn login(State(h): State<SandboxHandle>, body: Bytes) -> Response {
    let body = match json_object(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let email = string_field(&body, "email").map(|e| e.to_lowercase());
    // Passwords are compared as typed: spaces may be part of them.
    let password = present_field(&body, "password");
    let mut fields = BTreeMap::new();
    match &email {
        None => {
            fields.insert("email".into(), "Enter your e-mail address.".into());
        }
        Some(e) if !plausible_email(e) => {
            fields.insert("email".into(), "This is not an e-mail address.".into());
        }
        Some(_) => {}
    }
    if password.is_none() {
        fields.insert("password".into(), "Enter your password.".into());
    }
    let (Some(email), Some(password), true) = (email, password, fields.is_empty()) else {
        return validation(fields);
    };
    // Wrong passwords too: a test that types one must not find it in a log either.
    crate::secret_log::record("password", &password);
    let mut state = h.lock();
    if state.passwords.get(&email) != Some(&password) {
        // The same answer for an unknown address and a wrong password.
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "E-mail address or password is wrong.",
        );
    }
    tokens(state.sessions.start(&email, h.token_ttl()))
}

pub(crate) async fn refresh(State(h): State<SandboxHandle>, body: Bytes) -> Response {
    let refresh_token = match refresh_token(&body) {
        Ok(token) => token,
        Err(response) => return response,
    };
    match h.lock().sessions.renew(&refresh_token, h.token_ttl()) {
        Ok(issued) => tokens(issued),
        Err(()) => error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "The session has ended; sign in again.",
        ),
    }
}

pub(crate) async fn logout(
    State(h): State<SandboxHandle>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let email = match authenticate(&h, &headers) {
        Ok(email) => email,
        Err(response) => return response,
    };
    let refresh_token = match refresh_token(&body) {
        Ok(token) => token,
        Err(response) => return response,
    };
    // Only the login's own session can be ended; an unknown token is ended already.
    h.lock().sessions.revoke(&email, &refresh_token);
    StatusCode::NO_CONTENT.into_response()
}

pub(crate) async fn password_reset(body: Bytes) -> Response {
    let body = match json_object(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    match string_field(&body, "email") {
        // The same answer whether or not the address exists: no account enumeration.
        Some(email) if plausible_email(&email) => {
            (StatusCode::ACCEPTED, Json(serde_json::json!({}))).into_response()
        }
        _ => validation(BTreeMap::from([(
            "email".into(),
            "This is not an e-mail address.".into(),
        )])),
    }
}

#[allow(clippy::result_large_err)] // an axum Response is the error to send
fn refresh_token(body: &[u8]) -> Result<String, Response> {
    let body = json_object(body)?;
    present_field(&body, "refresh_token").ok_or_else(|| {
        validation(BTreeMap::from([(
            "refresh_token".into(),
            "The refresh token is missing.".into(),
        )]))
    })
}

/// The e-mail of the login behind the request's bearer token.
#[allow(clippy::result_large_err)] // an axum Response is the error to send
pub(crate) fn authenticate(h: &SandboxHandle, headers: &HeaderMap) -> Result<String, Response> {
    let unauthorized = || {
        error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in to continue.",
        )
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(unauthorized)?;
    match h.lock().sessions.check(token.trim(), Instant::now()) {
        Ok(email) => Ok(email),
        Err(Rejected::Unknown) => Err(unauthorized()),
        Err(Rejected::Expired) => Err(error(
            StatusCode::UNAUTHORIZED,
            "token_expired",
            "The access token has expired; refresh it.",
        )),
    }
}

/// The account as the caller sees it, if the caller is signed in (else 401), may see the
/// account (else 404, exactly as for an unknown one) and its role holds `permission`
/// (else 403 naming the permission).
#[allow(clippy::result_large_err)] // an axum Response is the error to send
pub(crate) fn authorise(
    h: &SandboxHandle,
    headers: &HeaderMap,
    account_id: &str,
    permission: Permission,
) -> Result<Account, Response> {
    let email = authenticate(h, headers)?;
    let account = h
        .lock()
        .visible_account(&email, account_id)
        .ok_or_else(|| not_found("No such account."))?;
    if !account.role.allows(permission) {
        return Err(forbidden(permission));
    }
    Ok(account)
}

/// What a write endpoint checks first: `authorise`, then a JSON object body (else 422).
#[allow(clippy::result_large_err)] // an axum Response is the error to send
pub(crate) fn authorise_body(
    h: &SandboxHandle,
    headers: &HeaderMap,
    account_id: &str,
    permission: Permission,
    body: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, Response> {
    authorise(h, headers, account_id, permission)?;
    json_object(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_long() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn sessions_expire_renew_and_revoke() {
        let mut sessions = Sessions::default();
        let ttl = Duration::from_secs(60);
        let first = sessions.start("a@b.de", ttl).unwrap();
        let now = Instant::now();
        assert_eq!(
            sessions.check(&first.access_token, now).ok().as_deref(),
            Some("a@b.de")
        );
        sessions.expire_all(now);
        assert!(matches!(
            sessions.check(&first.access_token, now),
            Err(Rejected::Expired)
        ));
        let second = sessions.renew(&first.refresh_token, ttl).unwrap().unwrap();
        assert_ne!(second.refresh_token, first.refresh_token, "rotated");
        assert!(
            sessions.renew(&first.refresh_token, ttl).is_err(),
            "the old refresh token is refused"
        );
        assert!(sessions.check(&second.access_token, now).is_ok());
        sessions.revoke("someone-else@b.de", &second.refresh_token);
        assert!(
            sessions.check(&second.access_token, now).is_ok(),
            "not theirs to end"
        );
        sessions.revoke("a@b.de", &second.refresh_token);
        assert!(matches!(
            sessions.check(&second.access_token, now),
            Err(Rejected::Unknown)
        ));
        assert!(sessions.renew(&second.refresh_token, ttl).is_err());
    }
}
