//! The sandbox's mandate behaviour over real HTTP: an add is idempotent per key, and an
//! approval can be decided once, only while it is open.

use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use cowdesk_sandbox::DEMO_OWN_ACCOUNT as OWN;

async fn token(http: &Client, base: &str) -> String {
    let tokens: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn mandate_add_is_idempotent_per_key() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let base = sandbox.base_url();
    let http = Client::new();
    let token = token(&http, &base).await;
    let add = |key: &str, holder: &str| {
        http.post(format!("{base}/api/v1/accounts/{OWN}/mandates"))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&json!({"kind": "sepa", "holder": holder, "iban": "DE89370400440532013000"}))
            .send()
    };
    let first = add("k-1", "Anna").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = add("k-1", "Anna").await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    assert_eq!(
        add("k-1", "Jonas").await.unwrap().status(),
        StatusCode::CONFLICT
    );
    let count = sandbox
        .handle()
        .with_account(OWN, |d| d.mandates.len())
        .unwrap();
    assert_eq!(count, 3, "two from the demo data, one added once");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn mandate_approval_is_decided_once_while_open() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let base = sandbox.base_url();
    let http = Client::new();
    let token = token(&http, &base).await;
    let start = || {
        http.post(format!("{base}/api/v1/accounts/{OWN}/mandates"))
            .bearer_auth(&token)
            .json(&json!({"kind": "card"}))
            .send()
    };
    let decide = |url: String, decision: &'static str| {
        http.post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("decision={decision}"))
            .send()
    };
    let approval: Value = start().await.unwrap().json().await.unwrap();
    let url = approval["approval_url"].as_str().unwrap().to_owned();
    assert_eq!(
        decide(url.clone(), "deny").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        decide(url.clone(), "approve").await.unwrap().status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        decide(url, "maybe").await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let approval: Value = start().await.unwrap().json().await.unwrap();
    let url = approval["approval_url"].as_str().unwrap().to_owned();
    sandbox.handle().expire_approvals();
    assert_eq!(
        decide(url, "approve").await.unwrap().status(),
        StatusCode::CONFLICT
    );
    let count = sandbox
        .handle()
        .with_account(OWN, |d| d.mandates.len())
        .unwrap();
    assert_eq!(
        count, 2,
        "neither a denied nor an expired approval adds a mandate"
    );
    sandbox.shutdown().await;
}
