//! Secret links against the Yopass double (both API generations) over loopback, with an
//! independent OpenPGP implementation (openpgp.js run by node) on the other side.

#[path = "../../../tests/support/openpgp_js.rs"]
mod openpgp_js;

use cowdesk_core::model::SecretExpiry;
use cowdesk_core::support::secret::{decrypt_secret, SecretText};
use cowdesk_core::support::{
    create_secret_link, open_secret_link, SecretError, SecretLink, SecretOptions,
};
use cowdesk_sandbox::{
    record_secret, Sandbox, SandboxConfig, YopassConfig, YopassServer, YopassVersion,
};
use openpgp_js::openpgp_js;

/// Every secret and key a test makes goes to the suite's leak scan.
fn record(secret: &str, link: &SecretLink) {
    record_secret("secret_link", secret);
    if let Some(key) = &link.key {
        record_secret("secret_link", key.expose());
    }
}

fn options(server: &str) -> SecretOptions {
    SecretOptions {
        server: server.to_owned(),
        expiry: SecretExpiry::Day,
        one_time: true,
    }
}

fn is_base62(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

async fn round_trip_through(version: YopassVersion) {
    let server = YopassServer::start(YopassConfig {
        version,
        ..YopassConfig::default()
    })
    .await
    .unwrap();
    let secret =
        format!("Mailbox password for support: Wz8#kQ2!vL9p-{version:?}\nzweite Zeile äöü");
    let created = create_secret_link(&secret, &options(&server.base_url()))
        .await
        .unwrap();
    record(&secret, &created.link);

    // The link: https://<host>/#/s/<id>/<key>, the key 22 characters of [A-Za-z0-9].
    let text = created.link.to_text();
    let prefix = format!("{}/#/s/", server.base_url());
    let rest = text.expose().strip_prefix(&prefix).expect("link format");
    let (id, key) = rest.split_once('/').unwrap();
    assert!(is_base62(key, 22), "key {key:?}");
    match version {
        YopassVersion::V11 => {
            assert_eq!(id.len(), 36, "UUID v4 id: {id}");
            assert_eq!(&id[14..15], "4");
        }
        YopassVersion::V14 => assert!(is_base62(id, 22), "base62 id: {id}"),
    }
    assert!(!format!("{created:?}").contains(key), "Debug shows the key");

    // What cowdesk posted: ciphertext only, with the chosen expiry and one-time flag...
    let posted = server.double().posted();
    assert_eq!(posted.len(), 1);
    let (posted_id, stored) = &posted[0];
    assert_eq!(posted_id, id);
    assert_eq!(stored.expiration, 86_400);
    assert!(stored.one_time);
    assert!(stored.message.starts_with("-----BEGIN PGP MESSAGE-----"));
    assert!(!stored.message.contains("Wz8#kQ2"));
    // ...that openpgp.js decrypts to the very secret.
    let (ok, plain) = openpgp_js(&["decrypt", key], &stored.message);
    assert!(ok, "openpgp.js could not decrypt what cowdesk posted");
    assert_eq!(plain, secret);

    // Opening the link gives the secret once; a one-time secret is gone afterwards.
    let opened = open_secret_link(text.expose(), None).await.unwrap();
    assert_eq!(opened.expose(), secret);
    let again = open_secret_link(text.expose(), None).await.unwrap_err();
    assert!(matches!(again, SecretError::NotFound), "{again:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn support_secret_link_round_trip_yopass_14() {
    round_trip_through(YopassVersion::V14).await;
}

#[tokio::test]
async fn support_secret_link_round_trip_yopass_11() {
    round_trip_through(YopassVersion::V11).await;
}

#[tokio::test]
async fn support_secret_messages_of_openpgp_js_open_in_cowdesk() {
    let server = YopassServer::start(YopassConfig::default()).await.unwrap();
    for settings in ["v1", "v2"] {
        let key = cowdesk_core::support::secret::new_secret_key();
        let secret = format!("Authcode Tr4n$fer-{settings}\nline two");
        record_secret("secret_link", &secret);
        record_secret("secret_link", key.expose());
        let (ok, armored) = openpgp_js(&["encrypt", key.expose(), settings], &secret);
        assert!(ok && armored.starts_with("-----BEGIN PGP MESSAGE-----"));
        let id = server.double().insert(&armored, 3600, true);
        let link = format!("{}/#/s/{id}/{}", server.base_url(), key.expose());
        let opened = open_secret_link(&link, None).await.unwrap();
        assert_eq!(opened.expose(), secret, "openpgp.js {settings} message");
        // The same message with a wrong key fails cleanly, in both languages.
        let wrong = decrypt_secret(&armored, "WrongKeyWrongKeyWrong1").unwrap_err();
        assert!(matches!(wrong, SecretError::WrongKey), "{wrong:?}");
        let (en, de) = wrong.messages();
        assert!(en.contains("key") && de.contains("Schlüssel"));
    }
    // A wrong key in a link: nothing is shown.
    let key = cowdesk_core::support::secret::new_secret_key();
    let (_, armored) = openpgp_js(&["encrypt", key.expose(), "v1"], "geheim-12345678");
    record_secret("secret_link", key.expose());
    let id = server.double().insert(&armored, 3600, false);
    let link = format!("{}/#/s/{id}/AAAAAAAAAAAAAAAAAAAAAA", server.base_url());
    assert!(matches!(
        open_secret_link(&link, None).await,
        Err(SecretError::WrongKey)
    ));
    server.shutdown().await;
}

#[tokio::test]
async fn support_secret_forced_one_time_and_length_limit_are_explained() {
    for version in [YopassVersion::V11, YopassVersion::V14] {
        let server = YopassServer::start(YopassConfig {
            version,
            force_one_time: true,
            ..YopassConfig::default()
        })
        .await
        .unwrap();
        let reusable = SecretOptions {
            one_time: false,
            ..options(&server.base_url())
        };
        let err = create_secret_link("Passwort-0815-xyz", &reusable)
            .await
            .unwrap_err();
        record_secret("secret_link", "Passwort-0815-xyz");
        assert!(
            matches!(err, SecretError::ForcedOneTime),
            "{version:?}: {err:?}"
        );
        let info = cowdesk_core::error::CoreError::from(err).info();
        assert!(info.fields.contains_key("one_time"));
        assert!(info.message_de.contains("Einmal"));

        let long = "x".repeat(9_000);
        let err = create_secret_link(&long, &options(&server.base_url()))
            .await
            .unwrap_err();
        assert!(matches!(err, SecretError::TooLong), "{version:?}: {err:?}");
        assert!(server.double().posted().is_empty());
        server.shutdown().await;
    }
}

#[tokio::test]
async fn support_yopass_double_answers_like_each_generation() {
    let http = reqwest::Client::new();
    let v11 = YopassServer::start(YopassConfig {
        version: YopassVersion::V11,
        ..YopassConfig::default()
    })
    .await
    .unwrap();
    let v14 = YopassServer::start(YopassConfig::default()).await.unwrap();
    let body = |expiration: u32| serde_json::json!({"message": "-----BEGIN PGP MESSAGE-----\nx\n-----END PGP MESSAGE-----", "expiration": expiration, "one_time": true});
    // /config only in 14; each generation's create route only.
    let status = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(
        status(
            http.get(format!("{}/config", v11.base_url()))
                .send()
                .await
                .unwrap()
        ),
        404
    );
    assert_eq!(
        status(
            http.get(format!("{}/config", v14.base_url()))
                .send()
                .await
                .unwrap()
        ),
        200
    );
    assert_eq!(
        status(
            http.post(format!("{}/create/secret", v11.base_url()))
                .json(&body(3600))
                .send()
                .await
                .unwrap()
        ),
        404
    );
    assert_eq!(
        status(
            http.post(format!("{}/secret", v14.base_url()))
                .json(&body(3600))
                .send()
                .await
                .unwrap()
        ),
        404
    );
    // The expiry list.
    for (server, route) in [(&v11, "/secret"), (&v14, "/create/secret")] {
        for ok in [3600, 86_400, 604_800] {
            let r = http
                .post(format!("{}{route}", server.base_url()))
                .json(&body(ok))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
        }
        let r = http
            .post(format!("{}{route}", server.base_url()))
            .json(&body(1234))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
        let json: serde_json::Value = r.json().await.unwrap();
        assert_eq!(json["message"], "Invalid expiration specified");
        let r = http
            .post(format!("{}{route}", server.base_url()))
            .body("{")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
    }
    // 404 for an unknown secret; DELETE removes a stored one.
    let id = v14
        .double()
        .insert("-----BEGIN PGP MESSAGE-----\ny", 3600, false);
    let url = format!("{}/secret/{id}", v14.base_url());
    assert_eq!(status(http.get(&url).send().await.unwrap()), 200);
    assert_eq!(
        status(http.get(&url).send().await.unwrap()),
        200,
        "not one-time: stays"
    );
    assert_eq!(status(http.delete(&url).send().await.unwrap()), 204);
    assert_eq!(status(http.delete(&url).send().await.unwrap()), 404);
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let json: serde_json::Value = r.json().await.unwrap();
    assert_eq!(json["message"], "Secret not found");
    v11.shutdown().await;
    v14.shutdown().await;
}

#[tokio::test]
async fn support_secret_service_of_the_demo_sandbox_works() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let secret = "demo-secret-Qx7!pL2#";
    let created = create_secret_link(secret, &options(&sandbox.yopass_url()))
        .await
        .unwrap();
    record(secret, &created.link);
    assert!(created
        .link
        .to_text()
        .expose()
        .starts_with(&format!("{}/#/s/", sandbox.yopass_url())));
    let opened: SecretText = open_secret_link(created.link.to_text().expose(), None)
        .await
        .unwrap();
    assert_eq!(opened.expose(), secret);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn support_secret_service_needs_https_and_a_key() {
    let err = create_secret_link("x-secret-value", &options("http://secrets.example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, SecretError::InsecureServer));
    let err = open_secret_link("https://secrets.example.org/#/s/abc", None)
        .await
        .unwrap_err();
    assert!(matches!(err, SecretError::MissingKey));
    assert!(matches!(
        open_secret_link("not a link", None).await,
        Err(SecretError::InvalidLink)
    ));
}
