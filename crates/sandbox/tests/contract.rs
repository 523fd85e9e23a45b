//! What the sandbox serves matches docs/portal-api.yaml: the same routes, and every
//! answer valid against the document's schemas (a small validator for the subset of JSON
//! Schema the document uses).

use std::collections::BTreeSet;

use cowdesk_sandbox::{Fault, Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD, ROUTES};
use serde_json::{json, Value};

use cowdesk_sandbox::DEMO_OWN_ACCOUNT as OWN;
use cowdesk_sandbox::DEMO_SHARED_ACCOUNT as SHARED;
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

/// The documented response of `method path` for `status`: the exact status, else its
/// range ("5XX"), else `default`. Success answers must be documented exactly.
fn documented_response<'a>(doc: &'a Value, path: &str, method: &str, status: u16) -> &'a Value {
    let operation = &doc["paths"][path][method];
    assert!(
        operation.is_object(),
        "{method} {path} is not in the document"
    );
    let responses = &operation["responses"];
    let mut keys = vec![status.to_string()];
    if status >= 400 {
        keys.push(format!("{}XX", status / 100));
        keys.push("default".to_owned());
    }
    let response = keys
        .iter()
        .map(|key| &responses[key.as_str()])
        .find(|r| r.is_object())
        .unwrap_or_else(|| panic!("{method} {path} documents no {status}"));
    resolve(doc, response)
}

/// Checks a real answer against the document: its status is documented, the headers the
/// document requires are there (integers where it says so), and the body is what the
/// document describes (a JSON body valid against its schema, a PDF, or nothing). Returns
/// the status and the JSON body, if any.
async fn conforms(
    doc: &Value,
    path: &str,
    method: &str,
    response: reqwest::Response,
) -> (u16, Option<Value>) {
    let status = response.status().as_u16();
    let documented = documented_response(doc, path, method, status);
    let headers = response.headers().clone();
    let at = format!("{method} {path} {status}");
    for (name, header) in documented["headers"].as_object().into_iter().flatten() {
        let header = resolve(doc, header);
        let value = headers.get(name.as_str()).and_then(|v| v.to_str().ok());
        if header["required"] == json!(true) {
            assert!(value.is_some(), "{at}: header {name} is missing");
        }
        if let (Some(value), "integer") = (value, header["schema"]["type"].as_str().unwrap_or("")) {
            assert!(
                value.parse::<u64>().is_ok(),
                "{at}: {name}: {value:?} is no integer"
            );
        }
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = response.bytes().await.unwrap();
    let content = documented["content"].as_object();
    match content {
        None => {
            assert!(bytes.is_empty(), "{at}: a body where none is documented");
            (status, None)
        }
        Some(content) if content.contains_key("application/json") => {
            assert!(
                content_type.starts_with("application/json"),
                "{at}: {content_type}"
            );
            let body: Value = serde_json::from_slice(&bytes).expect("a JSON body");
            let mut errors = Vec::new();
            let schema = &content["application/json"]["schema"];
            validate(doc, schema, &body, "$", &mut errors);
            assert!(errors.is_empty(), "{at}:\n{}", errors.join("\n"));
            (status, Some(body))
        }
        Some(content) => {
            assert!(
                content.contains_key(content_type.as_str()),
                "{at}: {content_type} is not documented"
            );
            (status, None)
        }
    }
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
const OPTIONAL: &[(&str, &str)] = &[
    ("error", "permission"),
    ("error", "fields"),
    ("NewTicket", "category"),
    ("NewTicket", "reference"),
    ("NewTicket", "attachments"),
];

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
            serde_json::to_value(NewTicket::plain("s", "b")),
        ),
        (
            "NewTicket",
            serde_json::to_value(NewTicket {
                category: Some(cowdesk_model::TicketCategory::PaymentMade),
                reference: Some("RE-2026-000001".into()),
                attachments: vec![cowdesk_model::TicketAttachment {
                    file_name: "beleg.pdf".into(),
                    content_type: "application/pdf".into(),
                    data_base64: "JVBERi0=".into(),
                }],
                ..NewTicket::plain("s", "b")
            }),
        ),
        (
            "ProfileUpdate",
            serde_json::to_value(cowdesk_model::ProfileUpdate {
                address: cowdesk_model::PostalAddress {
                    company: None,
                    name: "Anna Müller".into(),
                    street: "Lindenstraße 12".into(),
                    postal_code: "49074".into(),
                    city: "Osnabrück".into(),
                    country: "DE".into(),
                },
                billing_emails: vec!["rechnung@mueller-webdesign.de".into()],
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
    use cowdesk_model::{TicketCategory, TicketStatus};
    let s = "/components/schemas";
    assert_eq!(
        documented(&format!("{s}/TicketCategory/enum")),
        names(&[
            TicketCategory::General,
            TicketCategory::PaymentMade,
            TicketCategory::PaymentExtension,
            TicketCategory::Cancellation,
            TicketCategory::Restore
        ])
    );
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
    let good = json!({"name": "a.de", "expires_on": "2026-12-01", "transfer_lock": true, "auto_renew": false, "status": "active",
        "lock_changed_at": null, "service_ids": [], "invoice_numbers": []});
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
        lock_changed_at: None,
        service_ids: vec!["s-1".into()],
        invoice_numbers: Vec::new(),
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

/// Every `{name}` in a path is a documented path parameter of each of its operations,
/// and every documented path parameter appears in the path.
#[test]
fn contract_path_parameters_match_the_paths() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let in_path: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        for (method, operation) in item.as_object().expect("path item") {
            let declared: BTreeSet<&str> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| resolve(&doc, p))
                .filter(|p| p["in"] == "path")
                .inspect(|p| assert_eq!(p["required"], json!(true), "{method} {path}"))
                .filter_map(|p| p["name"].as_str())
                .collect();
            assert_eq!(declared, in_path, "{method} {path}");
        }
    }
}

/// Every operation but login, refresh and password reset needs the bearer token, as the
/// sandbox enforces.
#[test]
fn contract_security_matches_the_sandbox() {
    let doc = document();
    assert_eq!(doc["security"], json!([{"bearer": []}]));
    for (method, path) in ROUTES {
        let operation = &doc["paths"][*path][*method];
        let public = operation["security"] == json!([]);
        let expected_public = [
            "/api/v1/auth/login",
            "/api/v1/auth/refresh",
            "/api/v1/auth/password-reset",
        ]
        .contains(path);
        assert_eq!(public, expected_public, "{method} {path}");
    }
}

fn concrete(template: &str, account: &str) -> String {
    template.replace("{account_id}", account)
}

#[tokio::test]
async fn contract_answers_match_the_schemas() {
    let doc = document();
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let handle = sandbox.handle();
    let base = sandbox.base_url();
    let http = reqwest::Client::new();
    let send = |request: reqwest::RequestBuilder| async move { request.send().await.unwrap() };

    let login = "/api/v1/auth/login";
    let post_login = |body: Value| send(http.post(format!("{base}{login}")).json(&body));
    let (status, _) = conforms(
        &doc,
        login,
        "post",
        post_login(json!({"email": DEMO_EMAIL, "password": "wrong"})).await,
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = conforms(
        &doc,
        login,
        "post",
        post_login(json!({"email": "no-at-sign"})).await,
    )
    .await;
    assert_eq!(status, 422);
    let (status, tokens) = conforms(
        &doc,
        login,
        "post",
        post_login(json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD})).await,
    )
    .await;
    assert_eq!(status, 200);
    let tokens = tokens.unwrap();

    let refresh = "/api/v1/auth/refresh";
    let post_refresh = |token: Value| {
        send(
            http.post(format!("{base}{refresh}"))
                .json(&json!({"refresh_token": token})),
        )
    };
    let (status, refreshed) = conforms(
        &doc,
        refresh,
        "post",
        post_refresh(tokens["refresh_token"].clone()).await,
    )
    .await;
    assert_eq!(status, 200);
    let refreshed = refreshed.unwrap();
    // The refresh token rotates: the old one is refused from now on, the new one works.
    let (status, _) = conforms(
        &doc,
        refresh,
        "post",
        post_refresh(tokens["refresh_token"].clone()).await,
    )
    .await;
    assert_eq!(status, 401);
    let tokens = json!({"refresh_token": refreshed["refresh_token"].clone()});
    let (status, _) = conforms(
        &doc,
        refresh,
        "post",
        post_refresh(json!("not-a-token")).await,
    )
    .await;
    assert_eq!(status, 401);
    let token = refreshed["access_token"].as_str().unwrap().to_owned();

    let get = |path: String, etag: Option<String>| {
        let mut request = http.get(format!("{base}{path}")).bearer_auth(&token);
        if let Some(etag) = etag {
            request = request.header("If-None-Match", etag);
        }
        send(request)
    };

    // Every GET the sandbox serves, on both of the demo login's accounts: the first page,
    // a short second page, and the same again with its ETag (304, no body).
    for account in [OWN, SHARED] {
        for (method, template) in ROUTES.iter().filter(|(m, _)| *m == "get") {
            let path = concrete(template, account);
            if template.ends_with("/dpa") {
                let (status, _) = conforms(&doc, template, method, get(path, None).await).await;
                assert_eq!(status, 200);
                continue;
            }
            if template.matches('{').count() > 1 && !template.ends_with("/pdf") {
                // A single item (an approval, say): covered by its feature's test below.
                continue;
            }
            if template.ends_with("/pdf") {
                let number = handle
                    .with_account(account, |d| d.invoices[0].number.clone())
                    .unwrap();
                let pdf = get(path.replace("{number}", &number), None).await;
                let (status, _) = conforms(&doc, template, method, pdf).await;
                assert_eq!(status, 200);
                let missing = get(path.replace("{number}", "RE-0000-000000"), None).await;
                assert_eq!(conforms(&doc, template, method, missing).await.0, 404);
                continue;
            }
            for query in ["", "?page=2&per_page=1"] {
                let response = get(format!("{path}{query}"), None).await;
                let etag = response
                    .headers()
                    .get("etag")
                    .map(|v| v.to_str().unwrap().to_owned());
                let (status, _) = conforms(&doc, template, method, response).await;
                if status == 403 {
                    assert_eq!(account, SHARED, "{path}");
                    continue;
                }
                assert_eq!(status, 200, "{path}{query}");
                let again = get(format!("{path}{query}"), etag).await;
                assert_eq!(
                    conforms(&doc, template, method, again).await.0,
                    304,
                    "{path}"
                );
            }
        }
    }

    let template = "/api/v1/accounts/{account_id}/domains";
    let (status, body) = conforms(
        &doc,
        template,
        "get",
        get(concrete(template, SHARED), None).await,
    )
    .await;
    assert_eq!(
        (status, &body.unwrap()["error"]["permission"]),
        (403, &json!("domains"))
    );
    let template = "/api/v1/accounts/{account_id}/invoices";
    let (status, _) = conforms(
        &doc,
        template,
        "get",
        get(concrete(template, INVISIBLE), None).await,
    )
    .await;
    assert_eq!(status, 404);
    let template = "/api/v1/accounts/{account_id}/mailboxes";
    let per_page_zero = get(format!("{}?per_page=0", concrete(template, OWN)), None).await;
    assert_eq!(conforms(&doc, template, "get", per_page_zero).await.0, 422);

    let anonymous = send(http.get(format!("{base}/api/v1/accounts"))).await;
    assert_eq!(
        conforms(&doc, "/api/v1/accounts", "get", anonymous).await.0,
        401
    );

    let tickets = "/api/v1/accounts/{account_id}/tickets";
    let post_ticket = |subject: &str| {
        send(
            http.post(format!("{base}{}", concrete(tickets, OWN)))
                .bearer_auth(&token)
                .header("Idempotency-Key", "k-1")
                .json(&json!({"subject": subject, "body": "Bitte prüfen."})),
        )
    };
    assert_eq!(
        conforms(&doc, tickets, "post", post_ticket("Frage").await)
            .await
            .0,
        201
    );
    assert_eq!(
        conforms(&doc, tickets, "post", post_ticket("Frage").await)
            .await
            .0,
        200
    );
    assert_eq!(
        conforms(&doc, tickets, "post", post_ticket("Andere Frage").await)
            .await
            .0,
        409
    );
    assert_eq!(
        conforms(&doc, tickets, "post", post_ticket("").await)
            .await
            .0,
        422
    );

    let reset = "/api/v1/auth/password-reset";
    for (email, expected) in [("someone@example.de", 202), ("someone", 422)] {
        let response = send(
            http.post(format!("{base}{reset}"))
                .json(&json!({ "email": email })),
        )
        .await;
        assert_eq!(conforms(&doc, reset, "post", response).await.0, expected);
    }

    // Faults look like the documented 429 and 5XX answers, on any operation.
    for (status, retry_after) in [(429, Some(30)), (503, Some(5)), (500, None)] {
        handle.inject_fault(Fault {
            path_contains: "/profile".into(),
            status,
            retry_after,
            times: 1,
        });
        let template = "/api/v1/accounts/{account_id}/profile";
        let response = get(concrete(template, OWN), None).await;
        let (answered, body) = conforms(&doc, template, "get", response).await;
        assert_eq!(answered, status);
        let code = if status == 429 {
            "rate_limited"
        } else {
            "server_error"
        };
        assert_eq!(body.unwrap()["error"]["code"], code);
    }

    // An expired access token, and logout.
    handle.expire_access_tokens();
    let expired = get("/api/v1/accounts".into(), None).await;
    let (status, body) = conforms(&doc, "/api/v1/accounts", "get", expired).await;
    assert_eq!(
        (status, &body.unwrap()["error"]["code"]),
        (401, &json!("token_expired"))
    );
    let (_, fresh) = conforms(
        &doc,
        refresh,
        "post",
        post_refresh(tokens["refresh_token"].clone()).await,
    )
    .await;
    let fresh = fresh.unwrap();
    let access = fresh["access_token"].as_str().unwrap().to_owned();
    let logout = "/api/v1/auth/logout";
    let response = send(
        http.post(format!("{base}{logout}"))
            .bearer_auth(&access)
            .json(&json!({"refresh_token": fresh["refresh_token"]})),
    )
    .await;
    assert_eq!(conforms(&doc, logout, "post", response).await.0, 204);

    sandbox.shutdown().await;
}

/// The billing operations: profile update, DPA, tickets with category, reference and
/// attachments, and their refusals (413, 403, 422), all as documented.
#[tokio::test]
async fn contract_billing_answers_match_the_schemas() {
    use base64::Engine as _;
    let doc = document();
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let base = sandbox.base_url();
    let http = reqwest::Client::new();
    let tokens: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_owned();

    let profile = "/api/v1/accounts/{account_id}/profile";
    let put_profile = |account: &str, body: Value| {
        http.put(format!("{base}{}", concrete(profile, account)))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let address = json!({"company": null, "name": "Anna Müller", "street": "Neue Straße 1",
        "postal_code": "49076", "city": "Osnabrück", "country": "DE"});
    let good = json!({"address": address, "billing_emails": ["a@mueller.de", "b@mueller.de"]});
    let (status, body) = conforms(
        &doc,
        profile,
        "put",
        put_profile(OWN, good.clone()).await.unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let body = body.unwrap();
    assert_eq!(body["address"]["street"], "Neue Straße 1");
    assert_eq!(
        body["billing_emails"],
        json!(["a@mueller.de", "b@mueller.de"])
    );
    let mut bad = good.clone();
    bad["billing_emails"] = json!(["a@mueller.de", "kein-at"]);
    bad["address"]["postal_code"] = json!("123");
    let (status, body) = conforms(&doc, profile, "put", put_profile(OWN, bad).await.unwrap()).await;
    assert_eq!(status, 422);
    let fields = &body.unwrap()["error"]["fields"];
    assert!(fields["billing_emails"].is_string() && fields["address.postal_code"].is_string());
    assert_eq!(
        conforms(
            &doc,
            profile,
            "put",
            put_profile(INVISIBLE, good).await.unwrap()
        )
        .await
        .0,
        404
    );

    let tickets = "/api/v1/accounts/{account_id}/tickets";
    let post = |account: &str, body: Value| {
        http.post(format!("{base}{}", concrete(tickets, account)))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let b64 = |n: usize| base64::engine::general_purpose::STANDARD.encode(vec![b'%'; n]);
    let invoice = sandbox
        .handle()
        .with_account(OWN, |d| d.invoices[1].number.clone())
        .unwrap();
    let paid = json!({"subject": "Zahlung", "body": "Bezahlt.", "category": "payment_made",
        "reference": invoice,
        "attachments": [{"file_name": "beleg.pdf", "content_type": "application/pdf", "data_base64": b64(1000)}]});
    let (status, _) = conforms(
        &doc,
        tickets,
        "post",
        post(OWN, paid.clone()).await.unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    let received = sandbox.handle().received_tickets(OWN);
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].1.attachments[0].file_name, "beleg.pdf");

    let mut too_large = paid.clone();
    too_large["attachments"][0]["data_base64"] =
        json!(b64(cowdesk_sandbox::MAX_ATTACHMENT_BYTES + 1));
    let (status, body) = conforms(&doc, tickets, "post", post(OWN, too_large).await.unwrap()).await;
    assert_eq!(status, 413);
    assert!(body.unwrap()["error"]["fields"]["attachments"]
        .as_str()
        .unwrap()
        .contains("5 MB"));

    let mut unknown = paid.clone();
    unknown["reference"] = json!("RE-0000-000000");
    assert_eq!(
        conforms(&doc, tickets, "post", post(OWN, unknown).await.unwrap())
            .await
            .0,
        422
    );

    // The shared account's role (Accounting) has tickets but not services.
    let cancel = json!({"subject": "Kündigung", "body": "Bitte kündigen.", "category": "cancellation",
        "reference": "acc-200002-s1"});
    let (status, body) = conforms(&doc, tickets, "post", post(SHARED, cancel).await.unwrap()).await;
    assert_eq!(
        (status, &body.unwrap()["error"]["permission"]),
        (403, &json!("services"))
    );
    assert_eq!(
        sandbox.handle().received_tickets(SHARED).len(),
        0,
        "nothing filed"
    );

    let dpa = "/api/v1/accounts/{account_id}/dpa";
    let response = http
        .get(format!("{base}{}", concrete(dpa, SHARED)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(conforms(&doc, dpa, "get", response).await.0, 200);
    sandbox.shutdown().await;
}

/// Signs in as the demo login and returns the access token.
async fn demo_access_token(http: &reqwest::Client, base: &str) -> String {
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

/// Domain transfer: the lock and the authcode answer as documented, including the 409
/// while locked and the 403 of a role without domains.
#[tokio::test]
async fn contract_domain_transfer_answers_match_the_schemas() {
    let doc = document();
    let mut errors = Vec::new();
    let lock_body = serde_json::to_value(cowdesk_model::TransferLockRequest { locked: false });
    let schema = json!({ "$ref": "#/components/schemas/TransferLockRequest" });
    validate(&doc, &schema, &lock_body.unwrap(), "$", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");

    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let base = sandbox.base_url();
    let http = reqwest::Client::new();
    let token = demo_access_token(&http, &base).await;
    let (locked, unlocked) = sandbox
        .handle()
        .with_account(OWN, |d| {
            let locked = d.domains.iter().find(|x| x.transfer_lock).unwrap();
            let unlocked = d.domains.iter().find(|x| !x.transfer_lock).unwrap();
            (locked.name.clone(), unlocked.name.clone())
        })
        .unwrap();
    let lock = "/api/v1/accounts/{account_id}/domains/{name}/transfer-lock";
    let authcode = "/api/v1/accounts/{account_id}/domains/{name}/authcode";
    let at = |template: &str, account: &str, name: &str| {
        format!(
            "{base}{}",
            concrete(template, account).replace("{name}", name)
        )
    };

    let code = http
        .post(at(authcode, OWN, &locked))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(conforms(&doc, authcode, "post", code).await.0, 409);
    let code = http
        .post(at(authcode, OWN, &unlocked))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(code.headers().get("cache-control").unwrap(), "no-store");
    let (status, body) = conforms(&doc, authcode, "post", code).await;
    assert_eq!(status, 200);
    assert_eq!(body.unwrap()["domain"], json!(unlocked));

    let put = |account: &'static str, name: String, body: Value| {
        http.put(at(lock, account, &name))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let (status, body) = conforms(
        &doc,
        lock,
        "put",
        put(OWN, locked.clone(), json!({"locked": false}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let body = body.unwrap();
    assert_eq!(body["transfer_lock"], json!(false));
    assert!(body["lock_changed_at"].is_string());
    for (account, name, payload, expected) in [
        (OWN, locked.clone(), json!({"locked": "no"}), 422),
        (OWN, "nope.de".to_owned(), json!({"locked": true}), 404),
        (
            SHARED,
            "baeckerei-schmidt.de".to_owned(),
            json!({"locked": true}),
            403,
        ),
        (
            INVISIBLE,
            "weber-consulting.de".to_owned(),
            json!({"locked": true}),
            404,
        ),
    ] {
        let response = put(account, name.clone(), payload).await.unwrap();
        assert_eq!(
            conforms(&doc, lock, "put", response).await.0,
            expected,
            "{account} {name}"
        );
    }
    sandbox.shutdown().await;
}

/// Mandates: add SEPA (201, masked), PayPal (202 approval, then approve at the provider
/// page, then the approval names the mandate), default, cancel, and the error answers.
#[tokio::test]
async fn contract_mandate_answers_match_the_schemas() {
    let doc = document();
    let mut errors = Vec::new();
    let body = serde_json::to_value(cowdesk_model::NewMandate {
        kind: cowdesk_model::MandateKind::Sepa,
        holder: Some("Anna Müller".into()),
        iban: Some("DE89370400440532013000".into()),
        bic: None,
    });
    let schema = json!({ "$ref": "#/components/schemas/NewMandate" });
    validate(&doc, &schema, &body.unwrap(), "$", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");

    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let base = sandbox.base_url();
    let http = reqwest::Client::new();
    let token = demo_access_token(&http, &base).await;
    let add = "/api/v1/accounts/{account_id}/mandates";
    let post = |path: String, body: Option<Value>| {
        let request = http.post(format!("{base}{path}")).bearer_auth(&token);
        match body {
            Some(body) => request.json(&body).send(),
            None => request.send(),
        }
    };

    let sepa = json!({"kind": "sepa", "holder": "Anna Müller", "iban": "DE89 3704 0044 0532 0130 00", "bic": null});
    let (status, mandate) = conforms(
        &doc,
        add,
        "post",
        post(concrete(add, OWN), Some(sepa)).await.unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    let mandate = mandate.unwrap();
    assert_eq!(mandate["label"], json!("DE89 **** **** **** **30 00"));
    assert_eq!(mandate["status"], json!("active"));
    for (body, field) in [
        (
            json!({"kind": "sepa", "holder": "A", "iban": "DE89 3704 0044 0532 0130 01"}),
            "iban",
        ),
        (
            json!({"kind": "sepa", "iban": "DE89370400440532013000"}),
            "holder",
        ),
        (
            json!({"kind": "sepa", "holder": "A", "iban": "DE89370400440532013000", "bic": "XX"}),
            "bic",
        ),
        (json!({"kind": "cash"}), "kind"),
    ] {
        let (status, answer) = conforms(
            &doc,
            add,
            "post",
            post(concrete(add, OWN), Some(body)).await.unwrap(),
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            answer.unwrap()["error"]["fields"][field].is_string(),
            "{field}"
        );
    }

    let (status, approval) = conforms(
        &doc,
        add,
        "post",
        post(concrete(add, OWN), Some(json!({"kind": "paypal"})))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202);
    let approval = approval.unwrap();
    assert_eq!(approval["status"], json!("pending"));
    let url = approval["approval_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&base), "{url}");
    let page = http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Approve") && page.contains("Deny"));
    let decided = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("decision=approve")
        .send()
        .await
        .unwrap();
    assert!(decided.text().await.unwrap().contains("Approved"));
    let poll = "/api/v1/accounts/{account_id}/mandate-approvals/{approval_id}";
    let id = approval["id"].as_str().unwrap();
    let response = http
        .get(format!(
            "{base}{}",
            concrete(poll, OWN).replace("{approval_id}", id)
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (status, polled) = conforms(&doc, poll, "get", response).await;
    assert_eq!(status, 200);
    let polled = polled.unwrap();
    assert_eq!(polled["status"], json!("approved"));
    let paypal_id = polled["mandate_id"].as_str().unwrap().to_owned();
    let cancel_approval = "/api/v1/accounts/{account_id}/mandate-approvals/{approval_id}/cancel";
    let response = post(
        concrete(cancel_approval, OWN).replace("{approval_id}", id),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        conforms(&doc, cancel_approval, "post", response).await.0,
        409
    );
    let missing = http
        .get(format!(
            "{base}{}",
            concrete(poll, OWN).replace("{approval_id}", "nope")
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(conforms(&doc, poll, "get", missing).await.0, 404);

    let default = "/api/v1/accounts/{account_id}/mandates/{mandate_id}/default";
    let cancel = "/api/v1/accounts/{account_id}/mandates/{mandate_id}/cancel";
    let at = |template: &str, id: &str| concrete(template, OWN).replace("{mandate_id}", id);
    let (status, body) = conforms(
        &doc,
        default,
        "post",
        post(at(default, &paypal_id), None).await.unwrap(),
    )
    .await;
    assert_eq!((status, &body.unwrap()["is_default"]), (200, &json!(true)));
    let (status, body) = conforms(
        &doc,
        cancel,
        "post",
        post(at(cancel, &paypal_id), None).await.unwrap(),
    )
    .await;
    assert_eq!(
        (status, &body.unwrap()["status"]),
        (200, &json!("cancelled"))
    );
    assert_eq!(
        conforms(
            &doc,
            cancel,
            "post",
            post(at(cancel, &paypal_id), None).await.unwrap()
        )
        .await
        .0,
        409
    );
    assert_eq!(
        conforms(
            &doc,
            default,
            "post",
            post(at(default, &paypal_id), None).await.unwrap()
        )
        .await
        .0,
        409
    );
    assert_eq!(
        conforms(
            &doc,
            default,
            "post",
            post(at(default, "nope"), None).await.unwrap()
        )
        .await
        .0,
        404
    );
    let invisible = post(concrete(add, INVISIBLE), Some(json!({"kind": "paypal"})))
        .await
        .unwrap();
    assert_eq!(conforms(&doc, add, "post", invisible).await.0, 404);
    sandbox.shutdown().await;
}
