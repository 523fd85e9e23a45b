//! A Yopass client speaking both API generations: up to 13 `POST /secret`, from 14 on
//! `POST /create/secret` (and `GET /config`). Reads with `GET /secret/<id>`. Only the
//! ciphertext travels; HTTPS except to loopback, no redirects.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use super::secret::SecretError;

const TIMEOUT: Duration = Duration::from_secs(20);
/// No Yopass answer is bigger: a stored message has at most 10,000 characters by default.
const MAX_ANSWER: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Generation {
    /// Yopass 13 and older: `POST /secret`, no `/config`.
    Legacy,
    /// Yopass 14 and newer: `POST /create/secret`, `GET /config`.
    Current { force_one_time: bool },
}

#[derive(Serialize)]
struct CreateBody<'a> {
    message: &'a str,
    expiration: u32,
    one_time: bool,
}

#[derive(Deserialize)]
struct MessageBody {
    message: String,
}

#[derive(Debug)]
pub(super) struct YopassClient {
    base: String,
    client: reqwest::Client,
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn transport(err: reqwest::Error) -> SecretError {
    // The URL may carry nothing secret (ids only), but keep the message short anyway.
    SecretError::Offline(err.without_url().to_string())
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, SecretError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_ANSWER {
            return Err(SecretError::Server("answer too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn message_of(response: reqwest::Response) -> Result<String, SecretError> {
    let body = read_capped(response).await?;
    serde_json::from_slice::<MessageBody>(&body)
        .map(|b| b.message)
        .map_err(|_| SecretError::Server("the answer is not Yopass JSON".into()))
}

/// What a 400 answer's message means.
fn refusal(message: &str) -> SecretError {
    let lower = message.to_ascii_lowercase();
    if lower.contains("one time") || lower.contains("one-time") || lower.contains("onetime") {
        SecretError::ForcedOneTime
    } else if lower.contains("expiration") || lower.contains("expiry") {
        SecretError::BadExpiry
    } else if lower.contains("too long") || lower.contains("length") || lower.contains("too large")
    {
        SecretError::TooLong
    } else {
        SecretError::Server(message.chars().take(200).collect())
    }
}

impl YopassClient {
    pub fn new(server: &str) -> Result<YopassClient, SecretError> {
        let trimmed = server.trim().trim_end_matches('/');
        let url = url::Url::parse(trimmed).map_err(|_| SecretError::InvalidServer)?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(SecretError::InsecureServer),
            _ => return Err(SecretError::InvalidServer),
        }
        if url.host().is_none() || url.query().is_some() || url.fragment().is_some() {
            return Err(SecretError::InvalidServer);
        }
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cowdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SecretError::Server(format!("HTTP client: {e}")))?;
        Ok(YopassClient {
            base: url.as_str().trim_end_matches('/').to_owned(),
            client,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Asks `/config`: present from Yopass 14 on.
    pub async fn generation(&self) -> Result<Generation, SecretError> {
        let response = self
            .client
            .get(self.url("/config"))
            .send()
            .await
            .map_err(transport)?;
        match response.status() {
            StatusCode::OK => {
                let body = read_capped(response).await?;
                let config: serde_json::Value =
                    serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
                let force_one_time = config
                    .get("FORCE_ONETIME_SECRETS")
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false);
                Ok(Generation::Current { force_one_time })
            }
            s if s.is_server_error() => Err(SecretError::Server(format!("HTTP {s}"))),
            _ => Ok(Generation::Legacy),
        }
    }

    async fn post(
        &self,
        path: &str,
        body: &CreateBody<'_>,
    ) -> Result<reqwest::Response, SecretError> {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .map_err(transport)
    }

    /// Stores the ciphertext; returns the secret's id.
    pub async fn create(
        &self,
        armored: &str,
        expiration: u32,
        one_time: bool,
    ) -> Result<String, SecretError> {
        let generation = self.generation().await?;
        if generation
            == (Generation::Current {
                force_one_time: true,
            })
            && !one_time
        {
            return Err(SecretError::ForcedOneTime);
        }
        let body = CreateBody {
            message: armored,
            expiration,
            one_time,
        };
        let mut response = match generation {
            Generation::Current { .. } => self.post("/create/secret", &body).await?,
            Generation::Legacy => self.post("/secret", &body).await?,
        };
        // A server that has /config but no /create/secret: fall back to the old route.
        if matches!(generation, Generation::Current { .. })
            && matches!(
                response.status(),
                StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
            )
        {
            response = self.post("/secret", &body).await?;
        }
        match response.status() {
            s if s.is_success() => {
                let id = message_of(response).await?;
                if crate::validate::is_secret_id(&id) {
                    Ok(id)
                } else {
                    Err(SecretError::Server("the server gave no usable id".into()))
                }
            }
            StatusCode::BAD_REQUEST => {
                Err(refusal(&message_of(response).await.unwrap_or_default()))
            }
            StatusCode::PAYLOAD_TOO_LARGE => Err(SecretError::TooLong),
            s => Err(SecretError::Server(format!("HTTP {s}"))),
        }
    }

    /// The stored ciphertext of `id`.
    pub async fn fetch(&self, id: &str) -> Result<String, SecretError> {
        let response = self
            .client
            .get(self.url(&format!("/secret/{id}")))
            .send()
            .await
            .map_err(transport)?;
        match response.status() {
            StatusCode::OK => message_of(response).await,
            StatusCode::NOT_FOUND => Err(SecretError::NotFound),
            s => Err(SecretError::Server(format!("HTTP {s}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_yopass_server_must_use_https_except_loopback() {
        assert!(YopassClient::new("https://secrets.servercow.de").is_ok());
        assert!(YopassClient::new("http://127.0.0.1:8080/yopass/").is_ok());
        assert!(matches!(
            YopassClient::new("http://secrets.servercow.de"),
            Err(SecretError::InsecureServer)
        ));
        assert!(matches!(
            YopassClient::new("ftp://x.example"),
            Err(SecretError::InvalidServer)
        ));
        assert_eq!(
            YopassClient::new("http://localhost:1/a/").unwrap().base(),
            "http://localhost:1/a"
        );
    }

    #[test]
    fn support_yopass_refusals_are_named() {
        assert!(matches!(
            refusal("Secret must be one time download"),
            SecretError::ForcedOneTime
        ));
        assert!(matches!(
            refusal("Invalid expiration specified"),
            SecretError::BadExpiry
        ));
        assert!(matches!(
            refusal("The encrypted message is too long"),
            SecretError::TooLong
        ));
    }
}
