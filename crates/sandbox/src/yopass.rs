//! A double of the Yopass secret service (secrets.servercow.de) that answers like Yopass
//! 11 or like Yopass 14, selectable: the create route of each generation (`POST /secret`
//! up to 13, `POST /create/secret` from 14), `GET /config` only in 14, the expiry list,
//! the 10,000-character limit, forced one-time secrets, 404s and `DELETE`. Ids are UUID v4
//! (11) or 22-character base62 (14). It only ever receives ciphertext.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The expiries Yopass accepts, in seconds.
pub const YOPASS_EXPIRIES: [u32; 3] = [3600, 86_400, 604_800];
/// Yopass's default limit of the encrypted message, in characters.
pub const YOPASS_MAX_LENGTH: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YopassVersion {
    /// Yopass 11 (up to 13): `POST /secret`, no `/config`, UUID ids.
    V11,
    /// Yopass 14: `POST /create/secret`, `GET /config`, base62 ids.
    V14,
}

#[derive(Debug, Clone)]
pub struct YopassConfig {
    pub version: YopassVersion,
    /// `FORCE_ONETIME_SECRETS`: refuse secrets that are not one-time.
    pub force_one_time: bool,
    pub max_length: usize,
}

impl Default for YopassConfig {
    fn default() -> Self {
        YopassConfig {
            version: YopassVersion::V14,
            force_one_time: false,
            max_length: YOPASS_MAX_LENGTH,
        }
    }
}

/// A stored secret as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecret {
    pub message: String,
    pub expiration: u32,
    pub one_time: bool,
}

struct Entry {
    secret: StoredSecret,
    expires: Instant,
}

struct Inner {
    config: YopassConfig,
    secrets: Mutex<HashMap<String, Entry>>,
    /// Every secret ever stored, by id (tests compare what a client posted).
    posted: Mutex<Vec<(String, StoredSecret)>>,
}

/// The double's state; cheap to clone.
#[derive(Clone)]
pub struct YopassDouble {
    inner: Arc<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn message(status: StatusCode, text: &str) -> Response {
    (status, Json(json!({ "message": text }))).into_response()
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::fill(&mut bytes).is_err() {
        // Unique enough for a test double when the OS source fails.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (nanos >> ((i % 16) * 8)) as u8 ^ i as u8;
        }
    }
    bytes
}

fn uuid_v4() -> String {
    let mut b = random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn base62_id() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut id = String::with_capacity(22);
    while id.len() < 22 {
        for byte in random_bytes::<32>() {
            // 248 = 4 * 62: no modulo bias.
            if byte < 248 && id.len() < 22 {
                id.push(char::from(ALPHABET[usize::from(byte) % 62]));
            }
        }
    }
    id
}

#[derive(Deserialize)]
struct CreateBody {
    message: String,
    expiration: u32,
    #[serde(default)]
    one_time: bool,
}

impl YopassDouble {
    pub fn new(config: YopassConfig) -> YopassDouble {
        YopassDouble {
            inner: Arc::new(Inner {
                config,
                secrets: Mutex::new(HashMap::new()),
                posted: Mutex::new(Vec::new()),
            }),
        }
    }

    pub fn config(&self) -> &YopassConfig {
        &self.inner.config
    }

    /// Every secret stored so far, oldest first: (id, what was posted).
    pub fn posted(&self) -> Vec<(String, StoredSecret)> {
        lock(&self.inner.posted).clone()
    }

    /// Stores a message directly (as another client would have), returning its id.
    pub fn insert(&self, message: &str, expiration: u32, one_time: bool) -> String {
        let id = self.new_id();
        self.store(&id, message, expiration, one_time);
        id
    }

    /// Whether `id` is still stored.
    pub fn contains(&self, id: &str) -> bool {
        lock(&self.inner.secrets).contains_key(id)
    }

    fn new_id(&self) -> String {
        match self.inner.config.version {
            YopassVersion::V11 => uuid_v4(),
            YopassVersion::V14 => base62_id(),
        }
    }

    fn store(&self, id: &str, message: &str, expiration: u32, one_time: bool) {
        let secret = StoredSecret {
            message: message.to_owned(),
            expiration,
            one_time,
        };
        lock(&self.inner.posted).push((id.to_owned(), secret.clone()));
        lock(&self.inner.secrets).insert(
            id.to_owned(),
            Entry {
                secret,
                expires: Instant::now() + Duration::from_secs(u64::from(expiration)),
            },
        );
    }

    fn create(&self, body: &[u8]) -> Response {
        let Ok(body) = serde_json::from_slice::<CreateBody>(body) else {
            return message(StatusCode::BAD_REQUEST, "Unable to parse json");
        };
        let config = &self.inner.config;
        if !YOPASS_EXPIRIES.contains(&body.expiration) {
            return message(StatusCode::BAD_REQUEST, "Invalid expiration specified");
        }
        if config.force_one_time && !body.one_time {
            return message(StatusCode::BAD_REQUEST, "Secret must be one time download");
        }
        if body.message.chars().count() > config.max_length {
            return message(StatusCode::BAD_REQUEST, "The encrypted message is too long");
        }
        if !body
            .message
            .trim_start()
            .starts_with("-----BEGIN PGP MESSAGE-----")
        {
            return message(StatusCode::BAD_REQUEST, "Message must be PGP encrypted");
        }
        let id = self.new_id();
        self.store(&id, &body.message, body.expiration, body.one_time);
        message(StatusCode::OK, &id)
    }

    fn read(&self, id: &str) -> Response {
        let mut secrets = lock(&self.inner.secrets);
        let Some(entry) = secrets.get(id) else {
            return message(StatusCode::NOT_FOUND, "Secret not found");
        };
        if entry.expires <= Instant::now() {
            secrets.remove(id);
            return message(StatusCode::NOT_FOUND, "Secret not found");
        }
        let secret = entry.secret.clone();
        if secret.one_time {
            secrets.remove(id);
        }
        Json(json!({
            "expiration": secret.expiration,
            "message": secret.message,
            "one_time": secret.one_time,
        }))
        .into_response()
    }

    fn delete(&self, id: &str) -> Response {
        match lock(&self.inner.secrets).remove(id) {
            Some(_) => StatusCode::NO_CONTENT.into_response(),
            None => message(StatusCode::NOT_FOUND, "Secret not found"),
        }
    }

    fn config_answer(&self) -> Response {
        Json(json!({
            "DISABLE_UPLOAD": false,
            "FORCE_ONETIME_SECRETS": self.inner.config.force_one_time,
            "DEFAULT_EXPIRY": 3600,
            "DISABLE_FEATURES": false,
            "NO_LANGUAGE_SWITCHER": false,
        }))
        .into_response()
    }

    /// The routes of the selected generation, at the root (nest it for a prefix).
    pub fn router(&self) -> Router {
        let create =
            post(|State(d): State<YopassDouble>, body: Bytes| async move { d.create(&body) });
        let one = get(
            |State(d): State<YopassDouble>, Path(id): Path<String>| async move { d.read(&id) },
        )
        .delete(
            |State(d): State<YopassDouble>, Path(id): Path<String>| async move { d.delete(&id) },
        );
        let router = Router::new().route("/secret/{id}", one);
        let router = match self.inner.config.version {
            YopassVersion::V11 => router.route("/secret", create),
            YopassVersion::V14 => router.route("/create/secret", create).route(
                "/config",
                get(|State(d): State<YopassDouble>| async move { d.config_answer() }),
            ),
        };
        router
            .fallback(|| async { message(StatusCode::NOT_FOUND, "404 page not found") })
            .with_state(self.clone())
    }
}

/// A Yopass double served on loopback, for tests.
pub struct YopassServer {
    addr: SocketAddr,
    double: YopassDouble,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl YopassServer {
    /// Serves on 127.0.0.1 with a random free port.
    pub async fn start(config: YopassConfig) -> std::io::Result<YopassServer> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let double = YopassDouble::new(config);
        let app = double.router();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(err) = served {
                tracing::warn!("yopass double stopped: {err}");
            }
        });
        Ok(YopassServer {
            addr,
            double,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// "http://127.0.0.1:PORT".
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn double(&self) -> &YopassDouble {
        &self.double
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for YopassServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_yopass_ids_look_like_each_generation() {
        let uuid = uuid_v4();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
        let id = base62_id();
        assert_eq!(id.len(), 22);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(base62_id(), id);
    }
}
