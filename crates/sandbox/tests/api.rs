//! The sandbox over real HTTP on loopback: auth, scoping, paging, ETags, tickets, PDFs,
//! the demo guarantees and fault injection.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use cowdesk_model::{InvoiceStatus, ServiceStatus};
use cowdesk_sandbox::{Fault, Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use cowdesk_sandbox::DEMO_OWN_ACCOUNT as OWN;
use cowdesk_sandbox::DEMO_SHARED_ACCOUNT as SHARED;

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
        assert_eq!(body["page"], n);
        assert_eq!(body["per_page"], 5);
        page = body["next_page"].as_u64();
        if n == 5 {
            assert!(body["items"].as_array().unwrap().len() == 3);
            assert!(
                body["next_page"].is_null(),
                "null, not missing, on the last page"
            );
        } else {
            assert_eq!(page, Some(n + 1));
        }
    }
    let beyond: Value = s
        .get(&format!("/accounts/{OWN}/invoices?page=9&per_page=5"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(beyond["items"], json!([]));
    assert!(beyond["next_page"].is_null());
    let defaults: Value = s
        .get(&format!("/accounts/{OWN}/invoices"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (defaults["page"].as_u64(), defaults["per_page"].as_u64()),
        (Some(1), Some(100))
    );
    let largest = s
        .get(&format!("/accounts/{OWN}/invoices?per_page=500"))
        .await;
    assert_eq!(largest.status(), StatusCode::OK);
    // A stranger gets 401 before any word about the parameters.
    let anonymous = s
        .http
        .get(format!(
            "{}/api/v1/accounts/{OWN}/invoices?per_page=0",
            s.sandbox.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let unique: BTreeSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (23, 23));
    for (bad, field) in [
        ("per_page=0", "per_page"),
        ("per_page=501", "per_page"),
        ("per_page=-1", "per_page"),
        ("page=0", "page"),
        ("page=x", "page"),
    ] {
        let response = s.get(&format!("/accounts/{OWN}/invoices?{bad}")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "validation");
        assert!(body["error"]["fields"][field].is_string(), "{bad}: {body}");
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
    let listed = s.get(&format!("/accounts/{OWN}/tickets")).await;
    let etag = listed.headers()["etag"].clone();
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(
        listed["items"][0]["id"], first["id"],
        "newest ticket first, once"
    );
    let ids: Vec<&Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert_eq!(ids.iter().filter(|id| ***id == first["id"]).count(), 1);

    // A new ticket changes the collection's ETag; the same key on another account is
    // another ticket.
    assert_eq!(
        post("c", "Neu", "Text").await.unwrap().status(),
        StatusCode::CREATED
    );
    let after = s
        .http
        .get(format!(
            "{}/api/v1/accounts/{OWN}/tickets",
            s.sandbox.base_url()
        ))
        .bearer_auth(&s.access)
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    let shared = s
        .http
        .post(format!(
            "{}/api/v1/accounts/{SHARED}/tickets",
            s.sandbox.base_url()
        ))
        .bearer_auth(&s.access)
        .header("Idempotency-Key", "a")
        .json(&json!({"subject": "Zahlung", "body": "Bezahlt am 1.3."}))
        .send()
        .await
        .unwrap();
    assert_eq!(shared.status(), StatusCode::CREATED);
    assert_ne!(shared.json::<Value>().await.unwrap()["id"], first["id"]);
    // Without a key every post is a new ticket.
    let plain = |subject: &'static str| {
        s.http
            .post(format!(
                "{}/api/v1/accounts/{OWN}/tickets",
                s.sandbox.base_url()
            ))
            .bearer_auth(&s.access)
            .json(&json!({"subject": subject, "body": "x"}))
            .send()
    };
    let (a, b) = (plain("Eins").await.unwrap(), plain("Eins").await.unwrap());
    assert_eq!(
        (a.status(), b.status()),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_ne!(
        a.json::<Value>().await.unwrap()["id"],
        b.json::<Value>().await.unwrap()["id"]
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
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(&number));
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
    assert!(text[xref_at..].starts_with("xref\n0 6\n"));
    // Every in-use xref entry points at exactly its object.
    let entries: Vec<&str> = text[xref_at..]
        .lines()
        .skip(3)
        .take_while(|l| l.ends_with(" n "))
        .collect();
    assert_eq!(entries.len(), 5);
    for (n, entry) in entries.iter().enumerate() {
        let offset: usize = entry[..10].parse().unwrap();
        assert!(
            text[offset..].starts_with(&format!("{} 0 obj", n + 1)),
            "object {} not at {offset}",
            n + 1
        );
    }
    // The content stream is as long as it says.
    let stream_at = text.find("stream\n").unwrap() + "stream\n".len();
    let end_at = text.find("endstream").unwrap();
    let length: usize = text[..stream_at]
        .rsplit("/Length ")
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(end_at - stream_at, length);
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

async fn login(http: &Client, base: &str, body: Value) -> (StatusCode, Value) {
    let response = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn sandbox_login_accepts_only_the_right_password() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (http, base) = (Client::new(), sandbox.base_url());
    assert!(!base.ends_with('/') && base.starts_with("http://127.0.0.1:"));

    let (status, tokens) = login(
        &http,
        &base,
        json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 15 * 60);
    let access = tokens["access_token"].as_str().unwrap();
    assert!(access.len() >= 32);
    assert_ne!(tokens["access_token"], tokens["refresh_token"]);

    let (status, again) = login(
        &http,
        &base,
        json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(
        again["access_token"], tokens["access_token"],
        "fresh tokens"
    );

    let (status, body) = login(
        &http,
        &base,
        json!({"email": DEMO_EMAIL, "password": "cowdesk-dem0"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "invalid_credentials");
    assert!(
        !body.to_string().contains("cowdesk-dem0"),
        "no secret echoed"
    );

    let (status, body) = login(&http, &base, json!({"email": "not-an-address"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "validation");
    assert!(body["error"]["fields"]["email"].is_string());
    assert!(body["error"]["fields"]["password"].is_string());

    // The password counts as typed: no trimming.
    let (status, body) = login(
        &http,
        &base,
        json!({"email": DEMO_EMAIL, "password": format!(" {DEMO_PASSWORD} ")}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "invalid_credentials");
    let (status, _) = login(
        &http,
        &base,
        json!({"email": "nobody@cowdesk.example", "password": DEMO_PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = login(&http, &base, json!({"email": DEMO_EMAIL, "password": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["password"].is_string());

    let (status, body) = login(&http, &base, json!({"password": "x"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["email"].is_string());
    assert!(body["error"]["fields"].get("password").is_none());

    let anonymous = http
        .get(format!("{base}/api/v1/accounts"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    let forged = http
        .get(format!("{base}/api/v1/accounts"))
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sandbox_logout_revokes_the_access_token_too() {
    let s = Session::start(SandboxConfig::default()).await;
    let logout = s
        .http
        .post(format!("{}/api/v1/auth/logout", s.sandbox.base_url()))
        .bearer_auth(&s.access)
        .json(&json!({"refresh_token": s.refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let after = s.get("/accounts").await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    let body: Value = after.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn sandbox_password_reset_does_not_reveal_accounts() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let http = Client::new();
    let reset = |email: &str| {
        http.post(format!("{}/api/v1/auth/password-reset", sandbox.base_url()))
            .json(&json!({ "email": email }))
            .send()
    };
    for email in [DEMO_EMAIL, "nobody@nowhere.example"] {
        let response = reset(email).await.unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{email}");
        assert_eq!(response.json::<Value>().await.unwrap(), json!({}));
    }
    let malformed = reset("nobody").await.unwrap();
    assert_eq!(malformed.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn sandbox_other_login_sees_only_its_own_account() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (http, base) = (Client::new(), sandbox.base_url());
    let (status, tokens) = login(
        &http,
        &base,
        json!({"email": "other@cowdesk.example", "password": "other-password"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let token = tokens["access_token"].as_str().unwrap();
    let get = |path: String| {
        http.get(format!("{base}/api/v1{path}"))
            .bearer_auth(token)
            .send()
    };
    let accounts: Value = get("/accounts".into()).await.unwrap().json().await.unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 1);
    assert_eq!(accounts[0]["is_own"], true);
    let own = accounts[0]["id"].as_str().unwrap().to_owned();
    assert_ne!(own, OWN);
    assert_eq!(
        get(format!("/accounts/{own}/invoices"))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // The demo user's accounts look exactly like accounts that do not exist.
    for path in [
        format!("/accounts/{OWN}/invoices"),
        format!("/accounts/{SHARED}/profile"),
        "/accounts/acc-999999/invoices".to_owned(),
    ] {
        let response = get(path.clone()).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found");
    }
    // And the demo user cannot see the other account either.
    let s = Session::start(SandboxConfig::default()).await;
    let hidden = s.get(&format!("/accounts/{own}/profile")).await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let forbidden: Value = s
        .get(&format!("/accounts/{SHARED}/domains"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(forbidden["error"]["code"], "forbidden");
    assert_eq!(forbidden["error"]["permission"], "domains");
}

#[tokio::test]
async fn sandbox_etag_is_the_same_on_every_page_and_304_is_empty() {
    let s = Session::start(SandboxConfig::default()).await;
    let mut etags = BTreeSet::new();
    for page in 1..=3 {
        let response = s
            .get(&format!("/accounts/{OWN}/mailboxes?page={page}&per_page=4"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        etags.insert(response.headers()["etag"].to_str().unwrap().to_owned());
    }
    assert_eq!(etags.len(), 1, "{etags:?}");
    let etag = etags.into_iter().next().unwrap();
    assert!(etag.starts_with('"') && etag.ends_with('"'));
    let other = s.get(&format!("/accounts/{OWN}/domains")).await;
    assert_ne!(other.headers()["etag"].to_str().unwrap(), etag);

    for path in ["/accounts".to_owned(), format!("/accounts/{OWN}/profile")] {
        let first = s.get(&path).await;
        let tag = first.headers()["etag"].clone();
        let again = s
            .http
            .get(format!("{}/api/v1{path}", s.sandbox.base_url()))
            .bearer_auth(&s.access)
            .header("If-None-Match", tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn sandbox_is_deterministic_for_seed_and_date() {
    let config = || SandboxConfig {
        today: today(),
        ..SandboxConfig::default()
    };
    let a = Session::start(config()).await;
    let b = Session::start(config()).await;
    let c = Session::start(SandboxConfig {
        seed: 99,
        ..config()
    })
    .await;
    for resource in ["invoices", "mandates", "domains", "mailboxes", "services"] {
        let path = format!("/accounts/{OWN}/{resource}?per_page=500");
        let (ra, rb) = (a.get(&path).await, b.get(&path).await);
        assert_eq!(ra.headers()["etag"], rb.headers()["etag"], "{resource}");
        let (va, vb): (Value, Value) = (ra.json().await.unwrap(), rb.json().await.unwrap());
        assert_eq!(va, vb, "{resource}");
    }
    let path = format!("/accounts/{OWN}/invoices?per_page=500");
    let (va, vc): (Value, Value) = (
        a.get(&path).await.json().await.unwrap(),
        c.get(&path).await.json().await.unwrap(),
    );
    assert_ne!(va, vc, "another seed gives other data");
}

#[tokio::test]
async fn sandbox_scales_to_thousands_of_items() {
    let s = Session::start(SandboxConfig {
        invoices: 5_000,
        mailboxes: 10_000,
        extra_accounts: 3,
        today: today(),
        ..SandboxConfig::default()
    })
    .await;
    let accounts: Value = s.get("/accounts").await.json().await.unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 5);
    assert!(accounts
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .all(|a| a["is_own"] == false));
    for (resource, key, expected) in [
        ("invoices", "number", 5_000),
        ("mailboxes", "address", 10_000),
    ] {
        let mut seen = BTreeSet::new();
        let mut previous: Option<Value> = None;
        let mut page = Some(1);
        let mut etags = BTreeSet::new();
        while let Some(n) = page {
            let response = s
                .get(&format!("/accounts/{OWN}/{resource}?page={n}&per_page=500"))
                .await;
            etags.insert(response.headers()["etag"].to_str().unwrap().to_owned());
            let body: Value = response.json().await.unwrap();
            for item in body["items"].as_array().unwrap() {
                assert!(seen.insert(item[key].as_str().unwrap().to_owned()));
                if resource == "mailboxes" {
                    if let Some(prev) = &previous {
                        assert!(prev[key].as_str() < item[key].as_str(), "sorted by address");
                    }
                }
                previous = Some(item.clone());
            }
            page = body["next_page"].as_u64();
        }
        assert_eq!(seen.len(), expected, "{resource}");
        assert_eq!(etags.len(), 1);
    }
}

#[tokio::test]
async fn sandbox_faults_carry_error_bodies_and_stop_after_shutdown() {
    let s = Session::start(SandboxConfig::default()).await;
    s.sandbox.handle().inject_fault(Fault {
        path_contains: "/invoices".into(),
        status: 500,
        retry_after: None,
        times: 1,
    });
    let failed = s.get(&format!("/accounts/{OWN}/invoices")).await;
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = failed.json().await.unwrap();
    assert_eq!(body["error"]["code"], "server_error");
    // A fault on another path leaves this one alone.
    s.sandbox.handle().inject_fault(Fault {
        path_contains: "/mandates".into(),
        status: 503,
        retry_after: None,
        times: 1,
    });
    assert_eq!(
        s.get(&format!("/accounts/{OWN}/invoices")).await.status(),
        StatusCode::OK
    );
    let wrong_method = s
        .http
        .delete(format!("{}/api/v1/accounts", s.sandbox.base_url()))
        .bearer_auth(&s.access)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong_method.json::<Value>().await.unwrap()["error"]["code"].is_string());

    let Session { sandbox, http, .. } = s;
    let base = sandbox.base_url();
    sandbox.shutdown().await;
    let gone = Client::new()
        .get(format!("{base}/api/v1/accounts"))
        .send()
        .await;
    assert!(gone.is_err(), "still answering after shutdown");
    drop(http);
}

#[tokio::test]
async fn sandbox_token_ttl_sets_the_access_token_lifetime() {
    let s = Session::start(SandboxConfig {
        token_ttl: std::time::Duration::ZERO,
        ..SandboxConfig::default()
    })
    .await;
    // A zero lifetime: the token is past its ttl as soon as it is issued.
    let response = s.get("/accounts").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "token_expired");

    let long = Sandbox::start(SandboxConfig {
        token_ttl: std::time::Duration::from_secs(3600),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let (_, tokens) = login(
        &Client::new(),
        &long.base_url(),
        json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}),
    )
    .await;
    assert_eq!(tokens["expires_in"], 3600);
}

#[tokio::test]
async fn sandbox_pdfs_are_scoped_to_their_account() {
    let s = Session::start(SandboxConfig::default()).await;
    let shared_number = s
        .sandbox
        .handle()
        .with_account(SHARED, |d| d.invoices[0].number.clone())
        .unwrap();
    let wrong_account = s
        .get(&format!("/accounts/{OWN}/invoices/{shared_number}/pdf"))
        .await;
    assert_eq!(wrong_account.status(), StatusCode::NOT_FOUND);
    let right_account = s
        .get(&format!("/accounts/{SHARED}/invoices/{shared_number}/pdf"))
        .await;
    assert_eq!(right_account.status(), StatusCode::OK);
    let hidden = s
        .get("/accounts/acc-300003/invoices/RE-2026-000001/pdf")
        .await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
}
