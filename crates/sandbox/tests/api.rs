//! The sandbox over real HTTP on loopback: auth, scoping, paging, ETags, tickets, PDFs,
//! the demo guarantees and fault injection.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use cowdesk_model::{InvoiceStatus, ServiceStatus};
use cowdesk_sandbox::{Fault, Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const OWN: &str = "acc-100001";
const SHARED: &str = "acc-200002";

struct Session {
    sandbox: Sandbox,
    http: Client,
    access: String,
    refresh: String,
}

impl Session {
    async fn start(config: SandboxConfig) -> Session {
        let sandbox = Sandbox::start(config).await.expect("sandbox");
        let http = Client::new();
        let tokens: Value = http
            .post(format!("{}/api/v1/auth/login", sandbox.base_url()))
            .json(&json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Session {
            access: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh: tokens["refresh_token"].as_str().unwrap().to_owned(),
            sandbox,
            http,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/api/v1{path}", self.sandbox.base_url()))
            .bearer_auth(&self.access)
            .send()
            .await
            .unwrap()
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
}

#[tokio::test]
async fn sandbox_refuses_to_listen_beyond_loopback() {
    let addr = "0.0.0.0:0".parse().unwrap();
    let err = Sandbox::start_on(addr, SandboxConfig::default())
        .await
        .err();
    assert_eq!(
        err.map(|e| e.kind()),
        Some(std::io::ErrorKind::InvalidInput)
    );
}

#[tokio::test]
async fn sandbox_tokens_expire_refresh_and_revoke() {
    let s = Session::start(SandboxConfig::default()).await;
    assert_eq!(s.get("/accounts").await.status(), StatusCode::OK);
    s.sandbox.handle().expire_access_tokens();
    let expired = s.get("/accounts").await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    let body: Value = expired.json().await.unwrap();
    assert_eq!(body["error"]["code"], "token_expired");

    let base = s.sandbox.base_url();
    let refreshed: Value = s
        .http
        .post(format!("{base}/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": s.refresh}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = refreshed["access_token"].as_str().unwrap();
    let ok = s
        .http
        .get(format!("{base}/api/v1/accounts"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);

    let logout = s
        .http
        .post(format!("{base}/api/v1/auth/logout"))
        .bearer_auth(access)
        .json(&json!({"refresh_token": s.refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let after = s
        .http
        .post(format!("{base}/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": s.refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sandbox_scopes_accounts_by_login_and_role() {
    let s = Session::start(SandboxConfig::default()).await;
    let accounts: Value = s.get("/accounts").await.json().await.unwrap();
    let ids: Vec<&str> = accounts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [OWN, SHARED], "own account first, then shared");
    assert_eq!(accounts[1]["role"]["name"], "Accounting");
    assert_eq!(
        s.get(&format!("/accounts/{SHARED}/invoices"))
            .await
            .status(),
        StatusCode::OK
    );
    for denied in ["services", "domains", "mailboxes", "users"] {
        let response = s.get(&format!("/accounts/{SHARED}/{denied}")).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{denied}");
    }
    assert_eq!(
        s.get("/accounts/acc-300003/invoices").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn sandbox_pages_cover_every_item_once() {
    let s = Session::start(SandboxConfig {
        invoices: 23,
        today: today(),
        ..SandboxConfig::default()
    })
    .await;
    let mut seen = Vec::new();
    let mut page = Some(1);
    while let Some(n) = page {
        let body: Value = s
            .get(&format!("/accounts/{OWN}/invoices?page={n}&per_page=5"))
            .await
            .json()
            .await
            .unwrap();
        seen.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["number"].as_str().unwrap().to_owned()),
        );
        assert_eq!(body["total"], 23);
        page = body["next_page"].as_u64();
    }
    let unique: BTreeSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (23, 23));
    for bad in ["per_page=0", "per_page=501", "page=0", "page=x"] {
        let status = s
            .get(&format!("/accounts/{OWN}/invoices?{bad}"))
            .await
            .status();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

#[tokio::test]
async fn sandbox_etag_follows_the_data() {
    let s = Session::start(SandboxConfig::default()).await;
    let first = s.get(&format!("/accounts/{OWN}/invoices")).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let conditional = |etag: String| {
        s.http
            .get(format!(
                "{}/api/v1/accounts/{OWN}/invoices",
                s.sandbox.base_url()
            ))
            .bearer_auth(&s.access)
            .header("If-None-Match", etag)
            .send()
    };
    assert_eq!(
        conditional(etag.clone()).await.unwrap().status(),
        StatusCode::NOT_MODIFIED
    );
    s.sandbox
        .handle()
        .with_account(OWN, |data| data.invoices[0].dunning_level = 2);
    let changed = conditional(etag).await.unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
}

#[tokio::test]
async fn sandbox_tickets_are_idempotent() {
    let s = Session::start(SandboxConfig::default()).await;
    let post = |key: &str, subject: &str, body: &str| {
        s.http
            .post(format!(
                "{}/api/v1/accounts/{OWN}/tickets",
                s.sandbox.base_url()
            ))
            .bearer_auth(&s.access)
            .header("Idempotency-Key", key)
            .json(&json!({"subject": subject, "body": body}))
            .send()
    };
    let first = post("a", "Zahlung", "Bezahlt am 1.3.").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = post("a", "Zahlung", "Bezahlt am 1.3.").await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    assert_eq!(
        post("a", "Zahlung", "anders").await.unwrap().status(),
        StatusCode::CONFLICT
    );
    let empty = post("b", " ", "").await.unwrap();
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Value = empty.json().await.unwrap();
    assert!(
        fields["error"]["fields"]["subject"].is_string()
            && fields["error"]["fields"]["body"].is_string()
    );
    let listed: Value = s
        .get(&format!("/accounts/{OWN}/tickets"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"][0]["id"], first["id"],
        "newest ticket first, once"
    );
}

#[tokio::test]
async fn sandbox_serves_real_pdfs() {
    let s = Session::start(SandboxConfig::default()).await;
    let number = s
        .sandbox
        .handle()
        .with_account(OWN, |d| d.invoices[0].number.clone())
        .unwrap();
    let response = s
        .get(&format!("/accounts/{OWN}/invoices/{number}/pdf"))
        .await;
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains(&number));
    // The xref table points at each object's exact offset.
    let xref_at: usize = text
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(text[xref_at..].starts_with("xref"));
    assert!(text.contains(&format!("{:010} 00000 n", text.find("1 0 obj").unwrap())));
    assert_eq!(
        s.get(&format!("/accounts/{OWN}/invoices/RE-0/pdf"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn sandbox_demo_data_has_what_the_dashboard_must_show() {
    let s = Session::start(SandboxConfig {
        today: today(),
        ..SandboxConfig::default()
    })
    .await;
    let own = s.sandbox.handle().with_account(OWN, |d| d.clone()).unwrap();
    let overdue = own
        .invoices
        .iter()
        .find(|i| i.status == InvoiceStatus::Overdue && i.dunning_level >= 1)
        .expect("an overdue invoice with a reminder");
    let suspended = own
        .services
        .iter()
        .find(|s| s.status == ServiceStatus::Suspended)
        .expect("a suspended service");
    assert!(suspended
        .status_reason
        .as_deref()
        .unwrap_or_default()
        .contains(&overdue.number));
    assert!(own
        .domains
        .iter()
        .any(|d| (d.expires_on - today()).num_days() <= 30 && d.expires_on >= today()));
    assert!(own
        .mailboxes
        .iter()
        .any(|m| m.percent_used().is_some_and(|p| p > 90.0)));
    let shared = s
        .sandbox
        .handle()
        .with_account(SHARED, |d| d.clone())
        .unwrap();
    assert!(shared
        .invoices
        .iter()
        .any(|i| i.status == InvoiceStatus::Open));
    let own_numbers: BTreeSet<_> = own.invoices.iter().map(|i| &i.number).collect();
    assert!(shared
        .invoices
        .iter()
        .all(|i| !own_numbers.contains(&i.number)));
}

#[tokio::test]
async fn sandbox_injects_faults_then_recovers() {
    let s = Session::start(SandboxConfig::default()).await;
    let handle = s.sandbox.handle();
    handle.inject_fault(Fault {
        path_contains: "/domains".into(),
        status: 503,
        retry_after: None,
        times: 2,
    });
    let before = handle.request_count();
    assert_eq!(
        s.get(&format!("/accounts/{OWN}/domains")).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        s.get(&format!("/accounts/{OWN}/domains")).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        s.get(&format!("/accounts/{OWN}/domains")).await.status(),
        StatusCode::OK
    );
    assert_eq!(handle.request_count() - before, 3);

    handle.inject_fault(Fault {
        path_contains: "/accounts".into(),
        status: 429,
        retry_after: Some(7),
        times: 1,
    });
    let limited = s.get("/accounts").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["retry-after"], "7");
}
