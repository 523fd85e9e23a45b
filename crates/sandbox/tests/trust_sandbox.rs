//! The sandbox's keyed writes and refresh-token rotation (issue 17, items 1 and 16), and
//! the contract that documents them.

use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD, ROUTES};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use cowdesk_sandbox::DEMO_OWN_ACCOUNT as OWN;

async fn tokens(http: &Client, base: &str) -> Value {
    http.post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn refresh(http: &Client, base: &str, token: &str, key: Option<&str>) -> (StatusCode, Value) {
    let mut request = http
        .post(format!("{base}/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": token}));
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn trust_refresh_rotates_and_a_keyed_retry_gets_the_same_tokens() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (http, base) = (Client::new(), sandbox.base_url());
    let first = tokens(&http, &base).await;
    let old = first["refresh_token"].as_str().unwrap();

    let (status, second) = refresh(&http, &base, old, Some("k-1")).await;
    assert_eq!(status, StatusCode::OK);
    let new = second["refresh_token"].as_str().unwrap();
    assert_ne!(new, old, "rotated");
    // The same request again (its answer was lost): the same new tokens, not a 401.
    let (status, again) = refresh(&http, &base, old, Some("k-1")).await;
    assert_eq!((status, &again), (StatusCode::OK, &second));
    // Without the key, the old token is refused.
    let (status, _) = refresh(&http, &base, old, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The same key with another body is a conflict.
    let (status, _) = refresh(&http, &base, new, Some("k-1")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = refresh(&http, &base, new, Some("k-2")).await;
    assert_eq!(status, StatusCode::OK);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn trust_keyed_authcode_is_generated_once() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (http, base) = (Client::new(), sandbox.base_url());
    let access = tokens(&http, &base).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let name = sandbox
        .handle()
        .with_account(OWN, |data| {
            data.domains
                .iter()
                .find(|d| !d.transfer_lock)
                .map(|d| d.name.clone())
        })
        .flatten()
        .expect("an unlocked domain");
    let generate = |key: &'static str| {
        http.post(format!(
            "{base}/api/v1/accounts/{OWN}/domains/{name}/authcode"
        ))
        .bearer_auth(&access)
        .header("Idempotency-Key", key)
        .send()
    };
    let one: Value = generate("a").await.unwrap().json().await.unwrap();
    let replay = generate("a").await.unwrap();
    assert_eq!(
        replay.headers()["cache-control"],
        "no-store",
        "the replay keeps the answer's headers"
    );
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(one, replay);
    assert_eq!(sandbox.handle().authcodes_issued(OWN, &name), 1);
    let other: Value = generate("b").await.unwrap().json().await.unwrap();
    assert_ne!(one["authcode"], other["authcode"]);
    assert_eq!(sandbox.handle().authcodes_issued(OWN, &name), 2);
    sandbox.shutdown().await;
}

#[test]
fn trust_contract_gives_every_unsafe_write_an_idempotency_key() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/portal-api.yaml");
    let text = std::fs::read_to_string(path).expect("docs/portal-api.yaml");
    let doc: Value = serde_yaml_ng::from_str(&text).expect("valid YAML");
    let keyed = |path: &str| {
        doc["paths"][path]["post"]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| {
                p["name"] == "Idempotency-Key"
                    || p["$ref"] == "#/components/parameters/IdempotencyKey"
            })
    };
    let mut checked = 0;
    for (method, path) in ROUTES {
        let unsafe_write = *method == "post"
            && (path.starts_with("/api/v1/accounts/") || *path == "/api/v1/auth/refresh");
        if unsafe_write {
            assert!(keyed(path), "{path} takes no Idempotency-Key");
            checked += 1;
        }
    }
    assert!(checked >= 6, "{checked}");
}
