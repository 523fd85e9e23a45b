//! Domain transfer endpoints: the transfer lock and authcode generation. The sandbox, like
//! the portal, hands out an authcode only while the lock is off (409 otherwise), and keeps
//! no copy of a code it generated beyond the answer to its Idempotency-Key (a retry of the
//! same request gets the same code, see `idempotency`).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cowdesk_model::{AuthcodeAnswer, Permission, Resource};
use serde_json::Value;

use crate::auth::{authorise, authorise_body};
use crate::http::{error, not_found, validation};
use crate::state::SandboxHandle;

/// Characters of a generated authcode: no look-alikes (0/O, 1/l/I).
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_+=";
const AUTHCODE_LENGTH: usize = 16;

/// `PUT /accounts/{account_id}/domains/{name}/transfer-lock` with `{"locked": bool}`.
pub(crate) async fn set_transfer_lock(
    State(h): State<SandboxHandle>,
    Path((account_id, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match authorise_body(&h, &headers, &account_id, Permission::Domains, &body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(locked) = body.get("locked").and_then(Value::as_bool) else {
        return validation(BTreeMap::from([(
            "locked".into(),
            "Send true or false.".into(),
        )]));
    };
    let mut state = h.lock();
    let Some(data) = state
        .accounts
        .iter_mut()
        .find(|a| a.account.id == account_id)
    else {
        return not_found("No such account.");
    };
    let Some(domain) = data.domains.iter_mut().find(|d| d.name == name) else {
        return not_found("No such domain.");
    };
    if domain.transfer_lock != locked {
        domain.transfer_lock = locked;
        domain.lock_changed_at = Some(chrono::Utc::now());
    }
    let answer = domain.clone();
    state.forget_etags(&account_id, Some(Resource::Domains));
    Json(answer).into_response()
}

/// `POST /accounts/{account_id}/domains/{name}/authcode`: a new code, only while unlocked.
pub(crate) async fn generate_authcode(
    State(h): State<SandboxHandle>,
    Path((account_id, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorise(&h, &headers, &account_id, Permission::Domains) {
        return response;
    }
    let locked = {
        let state = h.lock();
        let Some(data) = state.account(&account_id) else {
            return not_found("No such account.");
        };
        match data.domains.iter().find(|d| d.name == name) {
            Some(domain) => domain.transfer_lock,
            None => return not_found("No such domain."),
        }
    };
    if locked {
        return error(
            StatusCode::CONFLICT,
            "conflict",
            "The transfer lock is on. Disable it before generating an authcode.",
        );
    }
    let Some(authcode) = random_authcode() else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "Could not generate an authcode.",
        );
    };
    *h.lock()
        .authcodes_issued
        .entry((account_id.clone(), name.clone()))
        .or_default() += 1;
    (
        // An authcode must not linger in any cache on the way.
        [(header::CACHE_CONTROL, "no-store")],
        Json(AuthcodeAnswer {
            domain: name,
            authcode,
        }),
    )
        .into_response()
}

/// 16 characters from the OS's randomness, with at least one digit and one symbol as
/// registries ask; `None` without randomness (never a guessable code).
fn random_authcode() -> Option<String> {
    loop {
        let mut bytes = [0u8; AUTHCODE_LENGTH];
        getrandom::fill(&mut bytes).ok()?;
        let code: String = bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect();
        let has_digit = code.chars().any(|c| c.is_ascii_digit());
        let has_symbol = code.chars().any(|c| "-_+=".contains(c));
        if has_digit && has_symbol {
            crate::secret_log::record("authcode", &code);
            return Some(code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_authcodes_are_random_and_well_formed() {
        let a = random_authcode().unwrap();
        let b = random_authcode().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), AUTHCODE_LENGTH);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
    }
}
