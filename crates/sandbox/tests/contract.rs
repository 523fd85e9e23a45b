//! What the sandbox serves matches docs/portal-api.yaml: the same routes, and every
//! answer valid against the document's schemas (a small validator for the subset of JSON
//! Schema the document uses).

use std::collections::BTreeSet;

use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD, ROUTES};
use serde_json::{json, Value};

const OWN: &str = "acc-100001";
const SHARED: &str = "acc-200002";
const INVISIBLE: &str = "acc-300003";

fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/portal-api.yaml");
    let text = std::fs::read_to_string(path).expect("docs/portal-api.yaml");
    serde_yaml_ng::from_str(&text).expect("valid YAML")
}

/// Follows a local `$ref` ("#/components/...").
fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            resolve(
                doc,
                doc.pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling {reference}")),
            )
        }
        None => node,
    }
}

/// The JSON schema of `method path` answering `status`.
fn response_schema<'a>(doc: &'a Value, path: &str, method: &str, status: u16) -> &'a Value {
    let operation = &doc["paths"][path][method];
    assert!(
        operation.is_object(),
        "{method} {path} is not in the document"
    );
    let response = resolve(doc, &operation["responses"][status.to_string()]);
    assert!(
        response.is_object(),
        "{method} {path} documents no {status}"
    );
    resolve(doc, &response["content"]["application/json"]["schema"])
}

fn validate(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(types) = schema.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let fits =
            allowed.contains(&actual) || (actual == "integer" && allowed.contains(&"number"));
        if !fits {
            errors.push(format!("{at}: {actual} where {allowed:?} is documented"));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            errors.push(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if let (Some(format), Some(text)) =
        (schema.get("format").and_then(Value::as_str), value.as_str())
    {
        let ok = match format {
            "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
            "date-time" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{at}: {text:?} is not a {format}"));
        }
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_i64),
        value.as_i64(),
    ) {
        if n < min {
            errors.push(format!("{at}: {n} below {min}"));
        }
    }
    if let (Some(max), Some(n)) = (
        schema.get("maximum").and_then(Value::as_i64),
        value.as_i64(),
    ) {
        if n > max {
            errors.push(format!("{at}: {n} above {max}"));
        }
    }
    if let Value::Object(object) = value {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                errors.push(format!("{at}: required field {name:?} is missing"));
            }
        }
        for (name, field) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(field_schema) => {
                    validate(doc, field_schema, field, &format!("{at}.{name}"), errors)
                }
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{at}: field {name:?} is not documented"))
                    }
                    Some(extra @ Value::Object(_)) => {
                        validate(doc, extra, field, &format!("{at}.{name}"), errors)
                    }
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(doc, item_schema, item, &format!("{at}[{i}]"), errors);
        }
    }
}

fn assert_valid(doc: &Value, path: &str, method: &str, status: u16, body: &Value) {
    let mut errors = Vec::new();
    validate(
        doc,
        response_schema(doc, path, method, status),
        body,
        "$",
        &mut errors,
    );
    assert!(
        errors.is_empty(),
        "{method} {path} {status}:\n{}",
        errors.join("\n")
    );
}

#[test]
fn contract_routes_match_the_document() {
    let doc = document();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter(|(method, _)| {
                    ["get", "post", "put", "patch", "delete"].contains(&method.as_str())
                })
                .map(move |(method, _)| (method.clone(), path.clone()))
        })
        .collect();
    let served: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, served);
}

/// Properties a schema documents but the server may leave out: exactly the model's
/// `skip_serializing_if` fields. Every other documented property must be required, so a
/// property added to the document alone shows up as "missing" in the answers.
const OPTIONAL: &[(&str, &str)] = &[("error", "permission"), ("error", "fields")];

fn object_schemas<'a>(name: &str, schema: &'a Value, out: &mut Vec<(String, &'a Value)>) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        out.push((name.to_owned(), schema));
        for (field, sub) in properties {
            object_schemas(field, sub, out);
        }
    }
}

#[test]
fn contract_documents_every_property_as_required() {
    let doc = document();
    let mut objects = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        object_schemas(name, schema, &mut objects);
    }
    assert!(objects.len() > 20, "{} object schemas", objects.len());
    for (name, schema) in objects {
        assert_eq!(
            schema["additionalProperties"],
            json!(false),
            "{name} must forbid undocumented fields"
        );
        let required: BTreeSet<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let properties: BTreeSet<&str> = schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.as_str())
            .filter(|k| !OPTIONAL.contains(&(name.as_str(), *k)))
            .collect();
        assert_eq!(required, properties, "{name}: required vs properties");
    }
}

/// The request bodies the model serialises fit the document's request schemas.
#[test]
fn contract_request_bodies_match_the_model() {
    use cowdesk_model::{LoginRequest, NewTicket, PasswordResetRequest, RefreshRequest};
    let doc = document();
    let bodies = [
        (
            "LoginRequest",
            serde_json::to_value(LoginRequest {
                email: "a@b.de".into(),
                password: "x".into(),
            }),
        ),
        (
            "RefreshRequest",
            serde_json::to_value(RefreshRequest {
                refresh_token: "r".into(),
            }),
        ),
        (
            "PasswordResetRequest",
            serde_json::to_value(PasswordResetRequest {
                email: "a@b.de".into(),
            }),
        ),
        (
            "NewTicket",
            serde_json::to_value(NewTicket {
                subject: "s".into(),
                body: "b".into(),
            }),
        ),
    ];
    for (name, body) in bodies {
        let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        let mut errors = Vec::new();
        validate(&doc, &schema, &body.unwrap(), name, &mut errors);
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
}

/// Every value of the model's enums is documented, and nothing else.
#[test]
fn contract_enums_match_the_model() {
    use cowdesk_model::{InvoiceStatus, MandateKind, MandateStatus, Permission, ServiceStatus};
    let doc = document();
    let documented = |pointer: &str| -> BTreeSet<String> {
        doc.pointer(pointer)
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{pointer}"))
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    fn names<T: serde::Serialize>(values: &[T]) -> BTreeSet<String> {
        values
            .iter()
            .map(|v| {
                serde_json::to_value(v)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }
    use cowdesk_model::TicketStatus;
    let s = "/components/schemas";
    assert_eq!(
        documented(&format!("{s}/Permission/enum")),
        names(&Permission::ALL)
    );
    assert_eq!(
        documented(&format!("{s}/Invoice/properties/status/enum")),
        names(&[
            InvoiceStatus::Open,
            InvoiceStatus::Paid,
            InvoiceStatus::Overdue,
            InvoiceStatus::Cancelled
        ])
    );
    assert_eq!(
        documented(&format!("{s}/Mandate/properties/kind/enum")),
        names(&[MandateKind::Sepa, MandateKind::Paypal, MandateKind::Card])
    );
    assert_eq!(
        documented(&format!("{s}/Mandate/properties/status/enum")),
        names(&[
            MandateStatus::Pending,
            MandateStatus::Active,
            MandateStatus::Failed,
            MandateStatus::Cancelled
        ])
    );
    assert_eq!(
        documented(&format!("{s}/Service/properties/status/enum")),
        names(&[
            ServiceStatus::Active,
            ServiceStatus::Suspended,
            ServiceStatus::Cancelled,
            ServiceStatus::Terminated
        ])
    );
    assert_eq!(
        documented(&format!("{s}/Ticket/properties/status/enum")),
        names(&[
            TicketStatus::Open,
            TicketStatus::Answered,
            TicketStatus::Closed
        ])
    );
}

#[test]
fn contract_says_it_is_cowdesks_own() {
    let doc = document();
    assert_eq!(doc["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
    let description = doc["info"]["description"].as_str().unwrap_or_default();
    assert!(description.contains("Servercow publishes no API"));
    assert!(description.contains("cowdesk-sandbox"));
}

#[test]
fn contract_validator_catches_drift() {
    let doc = document();
    let schema = json!({ "$ref": "#/components/schemas/Domain" });
    let good = json!({"name": "a.de", "expires_on": "2026-12-01", "transfer_lock": true, "auto_renew": false, "status": "active"});
    let check = |value: &Value| {
        let mut errors = Vec::new();
        validate(&doc, &schema, value, "$", &mut errors);
        errors
    };
    assert!(check(&good).is_empty());
    let mut added = good.clone();
    added["registrar"] = json!("x");
    assert!(!check(&added).is_empty(), "an undocumented field passed");
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("auto_renew");
    assert!(!check(&missing).is_empty(), "a missing field passed");
    let mut wrong = good.clone();
    wrong["expires_on"] = json!("01.12.2026");
    assert!(!check(&wrong).is_empty(), "a malformed date passed");
    let mut null = good.clone();
    null["name"] = Value::Null;
    assert!(
        !check(&null).is_empty(),
        "null passed for a non-optional field"
    );

    // The document side: a renamed property makes the model's JSON fail.
    let model = serde_json::to_value(cowdesk_model::Domain {
        name: "a.de".into(),
        expires_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        transfer_lock: true,
        auto_renew: false,
        status: "active".into(),
    })
    .unwrap();
    assert!(check(&model).is_empty());
    let mut renamed = doc.clone();
    let domain = &mut renamed["components"]["schemas"]["Domain"];
    let field = domain["properties"]
        .as_object_mut()
        .unwrap()
        .remove("auto_renew")
        .unwrap();
    domain["properties"]["autorenew"] = field;
    domain["required"] = json!(["name", "expires_on", "transfer_lock", "autorenew", "status"]);
    let mut errors = Vec::new();
    validate(&renamed, &schema, &model, "$", &mut errors);
    assert_eq!(errors.len(), 2, "{errors:?}");

    // Options are `[X, "null"]`: both values of the model pass.
    let invoice = json!({ "$ref": "#/components/schemas/Invoice" });
    let mut paid = serde_json::to_value(cowdesk_model::Invoice {
        number: "RE-2026-000001".into(),
        issue_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        due_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
        amount_cents: 1190,
        currency: "EUR".into(),
        status: cowdesk_model::InvoiceStatus::Paid,
        dunning_level: 0,
        paid_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 5),
    })
    .unwrap();
    let mut errors = Vec::new();
    validate(&doc, &invoice, &paid, "$", &mut errors);
    paid["paid_on"] = Value::Null;
    validate(&doc, &invoice, &paid, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
}

#[tokio::test]
async fn contract_answers_match_the_schemas() {
    let doc = document();
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let base = sandbox.base_url();
    let http = reqwest::Client::new();

    let bad_login = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": DEMO_EMAIL, "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_login.status(), 401);
    assert_valid(
        &doc,
        "/api/v1/auth/login",
        "post",
        401,
        &bad_login.json().await.unwrap(),
    );

    let invalid = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "no-at-sign"}))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    assert_valid(
        &doc,
        "/api/v1/auth/login",
        "post",
        422,
        &invalid.json().await.unwrap(),
    );

    let tokens: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_valid(&doc, "/api/v1/auth/login", "post", 200, &tokens);
    let refreshed: Value = http
        .post(format!("{base}/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_valid(&doc, "/api/v1/auth/refresh", "post", 200, &refreshed);
    let token = refreshed["access_token"].as_str().unwrap().to_owned();

    let get = |path: String| {
        let request = http.get(format!("{base}{path}")).bearer_auth(&token);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };

    // Every GET the sandbox serves, on the own account (Full Access), and a second page.
    for (method, template) in ROUTES
        .iter()
        .filter(|(m, p)| *m == "get" && !p.ends_with("/pdf"))
    {
        for query in ["", "?page=1&per_page=2"] {
            let path = format!("{}{query}", template.replace("{account_id}", OWN));
            let (status, body) = get(path.clone()).await;
            assert_eq!(status, 200, "{path}: {body}");
            assert_valid(&doc, template, method, 200, &body);
        }
    }

    let (status, body) = get(format!("/api/v1/accounts/{SHARED}/domains")).await;
    assert_eq!(status, 403);
    assert_valid(
        &doc,
        "/api/v1/accounts/{account_id}/domains",
        "get",
        403,
        &body,
    );
    assert_eq!(body["error"]["permission"], "domains");

    let (status, body) = get(format!("/api/v1/accounts/{INVISIBLE}/invoices")).await;
    assert_eq!(status, 404);
    assert_valid(
        &doc,
        "/api/v1/accounts/{account_id}/invoices",
        "get",
        404,
        &body,
    );

    let (status, body) = get(format!("/api/v1/accounts/{OWN}/mailboxes?per_page=0")).await;
    assert_eq!(status, 422);
    assert_valid(
        &doc,
        "/api/v1/accounts/{account_id}/mailboxes",
        "get",
        422,
        &body,
    );

    let anonymous = http
        .get(format!("{base}/api/v1/accounts"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_valid(
        &doc,
        "/api/v1/accounts",
        "get",
        401,
        &anonymous.json().await.unwrap(),
    );

    let ticket_path = format!("{base}/api/v1/accounts/{OWN}/tickets");
    let post_ticket = |subject: &str| {
        http.post(&ticket_path)
            .bearer_auth(&token)
            .header("Idempotency-Key", "k-1")
            .json(&json!({"subject": subject, "body": "Bitte prüfen."}))
            .send()
    };
    let created = post_ticket("Frage").await.unwrap();
    assert_eq!(created.status(), 201);
    assert_valid(
        &doc,
        "/api/v1/accounts/{account_id}/tickets",
        "post",
        201,
        &created.json().await.unwrap(),
    );
    let conflict = post_ticket("Andere Frage").await.unwrap();
    assert_eq!(conflict.status(), 409);
    assert_valid(
        &doc,
        "/api/v1/accounts/{account_id}/tickets",
        "post",
        409,
        &conflict.json().await.unwrap(),
    );

    let reset = http
        .post(format!("{base}/api/v1/auth/password-reset"))
        .json(&json!({"email": "someone@example.de"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 202);
    assert_valid(
        &doc,
        "/api/v1/auth/password-reset",
        "post",
        202,
        &reset.json().await.unwrap(),
    );

    sandbox.shutdown().await;
}
