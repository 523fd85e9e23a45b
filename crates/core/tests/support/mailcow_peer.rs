//! The real mailcow peer (`shared/peers/mailcow`: mailcow's own web and API code with a
//! private MariaDB and Redis), started once per test binary and stopped when the binary
//! exits. Helpers make more domains, administrators, mailboxes and aliases through its
//! API with the read-write key, write quota usage where Dovecot would, switch on TOTP
//! for a domain administrator through the web interface, and end web sessions.
//!
//! There is no fallback: a test that cannot find or start the peer fails.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

pub struct Peer {
    pub dir: PathBuf,
    pub url: String,
    pub rw_key: String,
    pub ro_key: String,
    pub domain: String,
    pub domain_admin: String,
    pub domain_admin_password: String,
    /// How long start.sh took.
    pub started_in: Duration,
}

static PEER: OnceLock<Peer> = OnceLock::new();

/// The peer's folder: `COWDESK_MAILCOW_PEER`, else `<repo>/../shared/peers/mailcow`, else
/// `/work/shared/peers/mailcow`.
pub fn peer_scripts() -> PathBuf {
    if let Ok(dir) = std::env::var("COWDESK_MAILCOW_PEER") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("start.sh").is_file(),
            "COWDESK_MAILCOW_PEER={} has no start.sh",
            dir.display()
        );
        return dir;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for candidate in [
        repo.join("../shared/peers/mailcow"),
        PathBuf::from("/work/shared/peers/mailcow"),
    ] {
        if candidate.join("start.sh").is_file() {
            return candidate;
        }
    }
    panic!(
        "the mailcow peer was not found: set COWDESK_MAILCOW_PEER, or put it at <repo>/../shared/peers/mailcow"
    );
}

/// The running peer, started on first use.
pub fn peer() -> &'static Peer {
    PEER.get_or_init(start)
}

fn start() -> Peer {
    let scripts = peer_scripts();
    let dir = tempfile::Builder::new()
        .prefix("cowdesk-mailcow-")
        .tempdir()
        .expect("temporary folder")
        .keep();
    let began = Instant::now();
    let output = Command::new("bash")
        .arg(scripts.join("start.sh"))
        .arg(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("run the mailcow peer's start.sh");
    let started_in = began.elapsed();
    assert!(
        output.status.success(),
        "the mailcow peer did not start ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Stopped by stop.sh when this test binary exits, however it exits: a reaper in its
    // own session (`setsid -f` forks it off and returns at once) waits for our PID.
    let reaper = Command::new("setsid")
        .args([
            "-f",
            "sh",
            "-c",
            r#"tail --pid="$1" -f /dev/null; exec bash "$2" "$3""#,
            "mailcow-peer-reaper",
        ])
        .arg(std::process::id().to_string())
        .arg(scripts.join("stop.sh"))
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start the peer's reaper");
    assert!(reaper.success(), "the peer's reaper did not start");
    let env = std::fs::read_to_string(dir.join("peer.env")).expect("peer.env");
    let vars: HashMap<&str, &str> = env.lines().filter_map(|l| l.split_once('=')).collect();
    let var = |name: &str| {
        vars.get(name)
            .unwrap_or_else(|| panic!("peer.env lacks {name}"))
            .to_string()
    };
    eprintln!("mailcow peer started in {:.1} s", started_in.as_secs_f64());
    Peer {
        url: var("MAILCOW_URL"),
        rw_key: var("MAILCOW_RW_KEY"),
        ro_key: var("MAILCOW_RO_KEY"),
        domain: var("MAILCOW_DOMAIN"),
        domain_admin: var("MAILCOW_DOMAIN_ADMIN"),
        domain_admin_password: var("MAILCOW_DOMAIN_ADMIN_PASSWORD"),
        dir,
        started_in,
    }
}

/// A name no other test of this run uses (tests share the peer and run in parallel).
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}{}x{nanos:x}", N.fetch_add(1, Ordering::SeqCst))
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("cowdesk-tests")
        .build()
        .expect("HTTP client")
}

/// The last entry of a write answer must say success.
pub fn assert_success(answer: &Value) {
    let last = match answer {
        Value::Array(entries) => entries.last().cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    assert_eq!(last["type"], "success", "the peer refused: {answer}");
}

impl Peer {
    pub async fn api_get(&self, path: &str) -> Value {
        let response = http()
            .get(format!("{}/api/v1/{path}", self.url))
            .header("X-API-Key", &self.rw_key)
            .send()
            .await
            .expect("GET the peer");
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON from the peer")
    }

    pub async fn api_post(&self, path: &str, body: Value) -> Value {
        let response = http()
            .post(format!("{}/api/v1/{path}", self.url))
            .header("X-API-Key", &self.rw_key)
            .json(&body)
            .send()
            .await
            .expect("POST to the peer");
        assert_eq!(response.status(), 200, "POST {path}");
        response.json().await.expect("JSON from the peer")
    }

    /// A domain with room for `mailboxes` mailboxes of up to `max_mib` each, `quota_mib`
    /// in all.
    pub async fn add_domain(&self, domain: &str, mailboxes: u32, quota_mib: u64, max_mib: u64) {
        let answer = self
            .api_post(
                "add/domain",
                json!({
                    "domain": domain, "aliases": "400", "mailboxes": mailboxes.to_string(),
                    "defquota": max_mib.min(1024).to_string(), "maxquota": max_mib.to_string(),
                    "quota": quota_mib.to_string(), "active": "1",
                }),
            )
            .await;
        assert_success(&answer);
    }

    /// A domain of its own (`mailboxes` slots, `quota_mib` in all, `max_mib` each)
    /// administered by an administrator of its own with `password`: tests that share the
    /// peer and run in parallel never meet.
    pub async fn tenant(
        &self,
        mailboxes: u32,
        quota_mib: u64,
        max_mib: u64,
        password: &str,
    ) -> (String, String) {
        let domain = format!("{}.test", unique("dom"));
        let admin = unique("da");
        self.add_domain(&domain, mailboxes, quota_mib, max_mib)
            .await;
        self.add_domain_admin(&admin, password, &[&domain]).await;
        (domain, admin)
    }

    pub async fn add_domain_admin(&self, user: &str, password: &str, domains: &[&str]) {
        let answer = self
            .api_post(
                "add/domain-admin",
                json!({
                    "username": user, "domains": domains.join(","), "password": password,
                    "password2": password, "active": "1",
                }),
            )
            .await;
        assert_success(&answer);
    }

    pub async fn add_mailbox(&self, address: &str, name: &str, quota_mib: u64, password: &str) {
        let (local, domain) = address.split_once('@').expect("an address");
        let answer = self
            .api_post(
                "add/mailbox",
                json!({
                    "local_part": local, "domain": domain, "name": name,
                    "quota": quota_mib.to_string(), "password": password,
                    "password2": password, "active": "1",
                }),
            )
            .await;
        assert_success(&answer);
    }

    pub async fn add_alias(&self, address: &str, targets: &[&str]) {
        let answer = self
            .api_post(
                "add/alias",
                json!({"address": address, "goto": targets.join(","), "active": "1"}),
            )
            .await;
        assert_success(&answer);
    }

    /// The mailbox as the API shows it to the read-write key; `None` when it does not exist.
    pub async fn mailbox(&self, address: &str) -> Option<Value> {
        let value = self.api_get(&format!("get/mailbox/{address}")).await;
        (value.as_object().is_some_and(|o| !o.is_empty())).then_some(value)
    }

    pub async fn mailboxes_of(&self, domain: &str) -> Vec<Value> {
        match self.api_get(&format!("get/mailbox/all/{domain}")).await {
            Value::Array(items) => items,
            _ => Vec::new(),
        }
    }

    pub async fn alias(&self, address: &str) -> Option<Value> {
        match self.api_get("get/alias/all").await {
            Value::Array(items) => items.into_iter().find(|a| a["address"] == address),
            _ => None,
        }
    }

    /// SQL against the peer's MariaDB, tab-separated rows without a header.
    pub fn sql(&self, statement: &str) -> String {
        let output = Command::new("mariadb")
            .arg("-S")
            .arg(self.dir.join("mysql/mysqld.sock"))
            .args(["-uroot", "mailcow", "-N", "-B", "-e", statement])
            .output()
            .expect("run mariadb");
        assert!(
            output.status.success(),
            "SQL failed: {statement}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Quota usage where Dovecot would write it (the peer's README).
    pub fn set_quota_usage(&self, address: &str, bytes: u64, messages: u64) {
        self.sql(&format!(
            "REPLACE INTO quota2 (username, bytes, messages) VALUES ('{address}', {bytes}, {messages})"
        ));
    }

    /// The stored password hash of a mailbox.
    pub fn password_hash(&self, address: &str) -> String {
        self.sql(&format!(
            "SELECT password FROM mailbox WHERE username = '{address}'"
        ))
    }

    /// Whether the mailbox's owner can log in to the mailcow web interface with this
    /// password (the user login at `/`, checked against the stored hash).
    pub async fn mailbox_login_works(&self, address: &str, password: &str) -> bool {
        let response = http()
            .post(format!("{}/", self.url))
            .form(&[("login_user", address), ("pass_user", password)])
            .send()
            .await
            .expect("POST the user login");
        response.status().is_redirection()
    }

    /// Switches on TOTP for a domain administrator the way the web interface does
    /// (`set_tfa` with a first code), and returns the base32 secret.
    pub async fn enable_totp(&self, user: &str, password: &str) -> String {
        let mut bytes = [0u8; 20];
        getrandom::fill(&mut bytes).expect("random bytes");
        let secret = totp_rs::Secret::from(bytes).to_base32();
        let client = http();
        let login = client
            .post(format!("{}/domainadmin", self.url))
            .form(&[("login_user", user), ("pass_user", password)])
            .send()
            .await
            .expect("log in");
        assert!(
            login.status().is_redirection(),
            "the domain admin login failed"
        );
        let cookie = session_cookie(login.headers());
        let page = client
            .get(format!("{}/domainadmin/user", self.url))
            .header("Cookie", &cookie)
            .send()
            .await
            .expect("GET the user page")
            .text()
            .await
            .expect("the page");
        let start = page.find("var csrf_token = '").expect("a CSRF token") + 18;
        let token = &page[start..start + page[start..].find('\'').expect("token end")];
        let code = totp_code(&secret, 0);
        let answer = client
            .post(format!("{}/domainadmin/user", self.url))
            .header("Cookie", &cookie)
            .form(&[
                ("set_tfa", ""),
                ("tfa_method", "totp"),
                ("totp_secret", secret.as_str()),
                ("totp_confirm_token", code.as_str()),
                ("key_id", "authenticator app"),
                ("confirm_password", password),
                ("csrf_token", token),
            ])
            .send()
            .await
            .expect("POST set_tfa");
        assert!(answer.status().is_success());
        let rows = self.sql(&format!(
            "SELECT COUNT(*) FROM tfa WHERE username = '{user}' AND authmech = 'totp' AND active = 1"
        ));
        assert_eq!(rows, "1", "TOTP was not stored for {user}");
        secret
    }

    /// Gives a domain administrator a security key (WebAuthn) as its only second factor,
    /// as the `tfa` table holds one (the key itself is never used).
    pub fn add_webauthn_key(&self, user: &str) {
        self.sql(&format!(
            "INSERT INTO tfa (key_id, username, authmech, keyHandle, publicKey, counter, active) \
             VALUES ('security key', '{user}', 'webauthn', 'a2V5aGFuZGxl', 'cHVibGlja2V5', 0, 1)"
        ));
    }

    /// Ends every web session of `user` on the server side, as a lapsed session would be
    /// (PHP keeps them as files in its session folder); returns how many.
    pub fn end_sessions_of(&self, user: &str) -> usize {
        let output = Command::new("php")
            .args(["-r", "echo session_save_path();"])
            .output()
            .expect("ask PHP for its session folder");
        let folder = match String::from_utf8_lossy(&output.stdout).trim() {
            "" => std::env::temp_dir(),
            path => PathBuf::from(path.rsplit(';').next().unwrap_or(path)),
        };
        let needle = format!("mailcow_cc_username|s:{}:\"{user}\"", user.len());
        let mut ended = 0;
        for entry in std::fs::read_dir(&folder).expect("the PHP session folder") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !name.starts_with("sess_") {
                continue;
            }
            if std::fs::read_to_string(&path).is_ok_and(|s| s.contains(&needle)) {
                std::fs::remove_file(&path).expect("remove the session");
                ended += 1;
            }
        }
        ended
    }
}

/// A mailbox file of 200 rows for `domain`: 180 new mailboxes (20 with a typed password), and 20 that cannot be made
/// or need not be: bad characters, bad numbers, a repeat, too much quota, a foreign
/// domain, an alias's address, an existing mailbox with the same or other values.
pub fn two_hundred_rows(domain: &str) -> (String, usize) {
    let mut csv = String::from("local_part,domain,name,quota_mib,password,active\n");
    for i in 0..180 {
        let password = if i % 9 == 0 {
            format!("Typed-pw-{i}")
        } else {
            String::new()
        };
        csv += &format!("user{i:03},{domain},User {i},10,{password},1\n");
    }
    let bad = [
        format!("max+news,{domain},Max,10,,1"),       // bad: "+"
        format!("jürgen,{domain},Jürgen,10,,1"),      // bad: "ü"
        format!(".dot,{domain},Dot,10,,1"),           // bad: leading dot
        format!("nonum,{domain},No number,ten,,1"),   // bad: quota
        format!("zero,{domain},Zero,0,,1"),           // bad: quota 0
        format!("flag,{domain},Flag,10,,maybe"),      // bad: active
        format!("user001,{domain},Again,10,,1"),      // bad: repeat of line 3
        format!("user002,{domain},Again,10,,1"),      // bad: repeat
        format!(",{domain},Empty,10,,1"),             // bad: empty local part
        format!("big,{domain},Big,5000,,1"),          // conflict: over the per-mailbox max
        "far,elsewhere.test,Far,10,,1".to_owned(),    // conflict: not this login's domain
        "far2,nowhere.test,Far,10,,1".to_owned(),     // conflict
        format!("info,{domain},Info,10,,1"),          // conflict: an alias
        format!("same,{domain},Same,10,,1"),          // unchanged: exists like this
        format!("differs,{domain},Other name,20,,0"), // conflict: exists otherwise
        format!("same2,{domain},Same two,10,,1"),     // unchanged
        format!("bad name,{domain},Space,10,,1"),     // bad: space
        format!("semi;colon,{domain},X,10,,1"),       // bad: ";"
        format!("toolong{},{domain},X,10,,1", "x".repeat(60)), // bad: length
        format!("bigger,{domain},Bigger,99999,,1"),   // conflict
    ];
    for row in &bad {
        csv += row;
        csv.push('\n');
    }
    (csv, 180)
}

/// What a peer needs for [`two_hundred_rows`] to plan as documented there (180 to create,
/// 2 unchanged, 6 conflicts, 12 bad): the mailboxes `same`, `same2`, `differs` and the
/// alias `info` in `domain`, which has room for 300 mailboxes of up to 1024 MiB.
pub async fn prepare_two_hundred_rows(p: &Peer, domain: &str, password: &str) {
    p.add_mailbox(&format!("same@{domain}"), "Same", 10, password)
        .await;
    p.add_mailbox(&format!("same2@{domain}"), "Same two", 10, password)
        .await;
    p.add_mailbox(&format!("differs@{domain}"), "Differs", 10, password)
        .await;
    p.add_alias(&format!("info@{domain}"), &["someone@else.example"])
        .await;
}

fn session_cookie(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .rfind(|pair| pair.starts_with("MCSESSID=") && !pair.ends_with("=deleted"))
        .expect("a session cookie")
        .to_owned()
}

/// The TOTP code of `secret` (base32) for the 30-second step `offset` steps from now.
pub fn totp_code(secret: &str, offset: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).expect("a base32 secret");
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .build_noncompliant();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64;
    totp.generate((now + offset * 30).max(0) as u64).to_string()
}

/// A request the proxy forwarded.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub user_agent: Option<String>,
    pub sec_fetch_dest: Option<String>,
}

/// An HTTP proxy on loopback in front of the peer: it records every request, can spoil
/// the CSRF token of the next form POSTs to `/api/v1/` (as a token gone stale would be),
/// can answer a route the way an older mailcow does, and can hold requests until several
/// are in flight at once.
pub struct Proxy {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    spoil: Arc<AtomicU32>,
    cookies: Arc<Mutex<Vec<String>>>,
    gate: Arc<Mutex<Option<Arc<Gate>>>>,
    unknown: Arc<Mutex<Vec<String>>>,
}

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    client: reqwest::Client,
    seen: Arc<Mutex<Vec<Seen>>>,
    spoil: Arc<AtomicU32>,
    cookies: Arc<Mutex<Vec<String>>>,
    gate: Arc<Mutex<Option<Arc<Gate>>>>,
    unknown: Arc<Mutex<Vec<String>>>,
}

/// GETs held until `together` of them have arrived (`Proxy::hold_until_together`).
struct Gate {
    prefixes: Vec<String>,
    together: usize,
    arrived: tokio::sync::watch::Sender<usize>,
}

impl Gate {
    fn holds(&self, method: &str, path: &str) -> bool {
        method == "GET" && self.prefixes.iter().any(|p| path.starts_with(p.as_str()))
    }

    async fn pass(&self) {
        self.arrived.send_modify(|n| *n += 1);
        let together = self.together;
        // The sender lives in the gate, so the wait ends only when enough have come.
        let _ = self.arrived.subscribe().wait_for(|n| *n >= together).await;
    }
}

impl Proxy {
    pub async fn start(upstream: &str) -> Proxy {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let spoil = Arc::new(AtomicU32::new(0));
        let cookies = Arc::new(Mutex::new(Vec::new()));
        let gate = Arc::new(Mutex::new(None));
        let unknown = Arc::new(Mutex::new(Vec::new()));
        let state = ProxyState {
            upstream: upstream.trim_end_matches('/').to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("proxy client"),
            seen: seen.clone(),
            spoil: spoil.clone(),
            cookies: cookies.clone(),
            gate: gate.clone(),
            unknown: unknown.clone(),
        };
        let app = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve the proxy");
        });
        Proxy {
            url,
            seen,
            spoil,
            cookies,
            gate,
            unknown,
        }
    }

    /// From now on, GETs whose path starts with `prefix` are answered as a mailcow older
    /// than the route answers them: the route's word is taken for an object's name that
    /// does not exist, and the answer is `{}`.
    pub fn answer_as_older_mailcow(&self, prefix: &str) {
        self.unknown.lock().expect("lock").push(prefix.to_owned());
    }

    /// From now on, GETs whose path starts with one of `prefixes` are forwarded only once
    /// `together` of them have arrived: a client that sends them one after the other
    /// waits for its first answer forever.
    pub fn hold_until_together(&self, prefixes: &[&str], together: usize) {
        let (arrived, _) = tokio::sync::watch::channel(0);
        *self.gate.lock().expect("lock") = Some(Arc::new(Gate {
            prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
            together,
            arrived,
        }));
    }

    /// The values of every session cookie the peer set through this proxy (for the leak
    /// scan: they must end up nowhere).
    pub fn session_cookies(&self) -> Vec<String> {
        self.cookies.lock().expect("lock").clone()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    /// Requests whose path starts with `prefix`.
    pub fn count(&self, method: &str, prefix: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.method == method && s.path.starts_with(prefix))
            .count()
    }

    pub fn spoil_next_tokens(&self, n: u32) {
        self.spoil.store(n, Ordering::SeqCst);
    }
}

async fn forward(
    axum::extract::State(state): axum::extract::State<ProxyState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let mut body = axum::body::to_bytes(body, 64 << 20)
        .await
        .expect("the request body")
        .to_vec();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    state.seen.lock().expect("lock").push(Seen {
        method: parts.method.to_string(),
        path: path.clone(),
        user_agent: header("user-agent"),
        sec_fetch_dest: header("sec-fetch-dest"),
    });
    let unknown = state
        .unknown
        .lock()
        .expect("lock")
        .iter()
        .any(|p| path.starts_with(p.as_str()));
    if parts.method == "GET" && unknown {
        return axum::response::Response::builder()
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{}"))
            .expect("a response");
    }
    let gate = state.gate.lock().expect("lock").clone();
    if let Some(gate) = gate.filter(|g| g.holds(parts.method.as_str(), &path)) {
        gate.pass().await;
    }
    if parts.method == "POST" && path.starts_with("/api/v1/") {
        let text = String::from_utf8_lossy(&body).into_owned();
        if let Some(at) = text.find("csrf_token=") {
            let spoil = state
                .spoil
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if spoil {
                let start = at + "csrf_token=".len();
                let end = text[start..]
                    .find('&')
                    .map(|e| start + e)
                    .unwrap_or(text.len());
                body = format!("{}{}{}", &text[..start], "0".repeat(64), &text[end..]).into_bytes();
            }
        }
    }
    let mut upstream = state
        .client
        .request(parts.method.clone(), format!("{}{path}", state.upstream))
        .body(body);
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            upstream = upstream.header(name, value);
        }
    }
    let answer = upstream.send().await.expect("the peer answers the proxy");
    for value in answer.headers().get_all("set-cookie") {
        let pair = value.to_str().unwrap_or("").split(';').next().unwrap_or("");
        if let Some(("MCSESSID" | "PHPSESSID", cookie)) = pair.split_once('=') {
            if cookie != "deleted" && !cookie.is_empty() {
                state.cookies.lock().expect("lock").push(cookie.to_owned());
            }
        }
    }
    let mut response = axum::response::Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != "transfer-encoding" && name != "content-length" {
            response = response.header(name, value);
        }
    }
    let bytes = answer.bytes().await.expect("the peer's body");
    response
        .body(axum::body::Body::from(bytes))
        .expect("a response")
}
