//! The domain administrator's web session (MAILCOW-SESSION.md): the login form at
//! `/domainadmin` (before release 2025-03 the single form at `/`), the session cookie in
//! memory, one constant User-Agent, a CSRF token read fresh from a page before every
//! form POST, an empty `/api/v1/get/…` answer taken as "signed out" (sign in once more,
//! then report), and TOTP as the second factor.

use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::header::{COOKIE, LOCATION};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::Value;
use tokio::sync::Mutex;

use super::cookies::CookieJar;
use super::error::MailcowError;
use super::http::{self, MAX_JSON_BYTES, MAX_PAGE_BYTES};
use super::login_page::{self, LoginPage};
use super::ops::{Transport, Write};
use crate::portal::Sensitive;

/// Which login layout the server has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Since release 2025-03: `/domainadmin` (admins `/admin`, users `/`).
    Current,
    /// Before: one form at `/` for every role.
    Legacy,
}

impl Layout {
    fn login_path(self) -> &'static str {
        match self {
            Layout::Current => "/domainadmin",
            Layout::Legacy => "/",
        }
    }

    /// A small page of the domain administrator's interface that embeds the CSRF token.
    fn token_page(self) -> &'static str {
        match self {
            Layout::Current => "/domainadmin/user",
            Layout::Legacy => "/user",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Login {
    SignedOut,
    /// Password accepted; the server waits for the code of this TOTP authenticator.
    WaitingForTotp {
        authenticator: String,
    },
    SignedIn,
}

#[derive(Debug)]
struct State {
    jar: CookieJar,
    layout: Option<Layout>,
    login: Login,
}

/// The result of a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    SignedIn,
    /// Ask the user for the six digits, then call [`SessionClient::verify_totp`].
    TotpNeeded,
}

/// Where a session stands, for a connections page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    SignedOut,
    TotpNeeded,
    SignedIn,
}

/// A domain administrator's session. Every request of one client goes out in turn (the
/// server handles a session's requests one at a time anyway), so a CSRF token read for a
/// POST is the one that POST sends.
#[derive(Debug)]
pub struct SessionClient {
    base: String,
    user: String,
    password: Sensitive<String>,
    client: reqwest::Client,
    state: Mutex<State>,
    requests: AtomicU32,
}

fn is_redirect(status: StatusCode) -> bool {
    status.is_redirection() && status != StatusCode::NOT_MODIFIED
}

/// What the status of a login answer means.
#[derive(Debug, PartialEq, Eq)]
enum LoginStep {
    /// No `/domainadmin` (a release before 2025-03): try the single form at `/`.
    TryLegacy,
    /// A redirect: to the mailbox list, or to `/domainadmin` for a forced password change
    /// or two-factor set-up (the session is signed in either way).
    SignedIn,
    /// The page again: failed, or the two-factor dialog.
    ReadPage,
    Unexpected(u16),
}

fn login_step(layout: Layout, status: StatusCode) -> LoginStep {
    if status == StatusCode::NOT_FOUND && layout == Layout::Current {
        LoginStep::TryLegacy
    } else if is_redirect(status) {
        LoginStep::SignedIn
    } else if status == StatusCode::OK {
        LoginStep::ReadPage
    } else {
        LoginStep::Unexpected(status.as_u16())
    }
}

/// The form the UI sends for a write: `attr` and `items` as JSON, plus the token.
fn form(write: &Write, token: &str) -> Vec<(&'static str, String)> {
    let mut fields = Vec::new();
    match write {
        Write::Add { attr, .. } => fields.push(("attr", attr.expose().to_string())),
        Write::Edit { items, attr, .. } => {
            fields.push(("items", items.to_string()));
            fields.push(("attr", attr.expose().to_string()));
        }
        Write::Delete { items, .. } => fields.push(("items", items.to_string())),
    }
    fields.push(("csrf_token", token.to_owned()));
    fields
}

/// The answer mailcow gives when it dropped a POST's form fields: a CSRF token that was
/// no longer the session's (or a User-Agent that changed).
fn form_was_dropped(body: &Value) -> bool {
    body.get("type").and_then(Value::as_str) == Some("error")
        && body
            .get("msg")
            .and_then(Value::as_str)
            .is_some_and(|m| m.starts_with("Cannot find ") && m.ends_with(" in post data"))
}

impl SessionClient {
    /// `server` is e.g. `https://hosted.mailcow.de` (plain HTTP only to loopback). Nothing
    /// is sent until the first call.
    pub fn new(server: &str, user: &str, password: &str) -> Result<SessionClient, MailcowError> {
        let user = user.trim();
        if user.is_empty() {
            return Err(MailcowError::invalid(
                "user",
                "Enter the user name of the domain administrator (on the hosted mailcow: the e-mail address of your Servercow account).",
                "Geben Sie den Benutzernamen des Domain-Administrators ein (beim gehosteten mailcow: die E-Mail-Adresse Ihres Servercow-Kontos).",
            ));
        }
        if password.is_empty() {
            return Err(MailcowError::invalid(
                "password",
                "Enter the password.",
                "Geben Sie das Passwort ein.",
            ));
        }
        Ok(SessionClient {
            base: http::base_url(server)?,
            user: user.to_owned(),
            password: Sensitive::new(password.to_owned()),
            client: http::client()?,
            state: Mutex::new(State {
                jar: CookieJar::default(),
                layout: None,
                login: Login::SignedOut,
            }),
            requests: AtomicU32::new(0),
        })
    }

    pub fn server(&self) -> &str {
        &self.base
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    /// HTTP requests sent so far (logins and token pages included).
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::SeqCst)
    }

    pub async fn state(&self) -> SessionState {
        match self.state.lock().await.login {
            Login::SignedOut => SessionState::SignedOut,
            Login::WaitingForTotp { .. } => SessionState::TotpNeeded,
            Login::SignedIn => SessionState::SignedIn,
        }
    }

    /// Signs in (again): a fresh cookie jar, the password posted to the login form.
    pub async fn login(&self) -> Result<LoginOutcome, MailcowError> {
        let mut state = self.state.lock().await;
        self.sign_in(&mut state).await
    }

    /// Finishes a login that waits for its second factor with the six digits of the
    /// authenticator app. A wrong code is explained, and the login is made ready for the
    /// next code (the server forgets a login after one wrong code).
    pub async fn verify_totp(&self, code: &str) -> Result<(), MailcowError> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(MailcowError::invalid(
                "totp",
                "Enter the six digits from your authenticator app.",
                "Geben Sie die sechs Ziffern aus Ihrer Authenticator-App ein.",
            ));
        }
        let mut state = self.state.lock().await;
        if state.login == Login::SignedOut {
            self.sign_in(&mut state).await?;
        }
        let authenticator = match &state.login {
            Login::SignedIn => return Ok(()),
            Login::WaitingForTotp { authenticator } => authenticator.clone(),
            Login::SignedOut => return Err(MailcowError::SignedOut),
        };
        let layout = state.layout.unwrap_or(Layout::Current);
        let url = format!("{}{}", self.base, layout.login_path());
        let fields = [
            ("verify_tfa_login", ""),
            ("tfa_method", "totp"),
            ("id", authenticator.as_str()),
            ("token", code.as_str()),
        ];
        let response = self
            .send(&mut state, self.client.post(&url).form(&fields))
            .await?;
        if is_redirect(response.status()) {
            state.login = Login::SignedIn;
            return Ok(());
        }
        // The server has dropped the pending login: sign in again so that the next code
        // has a login to finish.
        state.login = Login::SignedOut;
        match self.sign_in(&mut state).await? {
            LoginOutcome::TotpNeeded => Err(MailcowError::TotpRejected),
            LoginOutcome::SignedIn => Ok(()),
        }
    }

    /// Sends with the session's cookies and keeps the ones the answer sets.
    async fn send(
        &self,
        state: &mut State,
        request: RequestBuilder,
    ) -> Result<Response, MailcowError> {
        let request = match state.jar.header() {
            Some(cookies) => request.header(COOKIE, cookies),
            None => request,
        };
        self.requests.fetch_add(1, Ordering::SeqCst);
        let response = request.send().await.map_err(http::transport)?;
        state.jar.store(response.headers());
        Ok(response)
    }

    async fn sign_in(&self, state: &mut State) -> Result<LoginOutcome, MailcowError> {
        let layouts: &[Layout] = match state.layout {
            Some(Layout::Legacy) => &[Layout::Legacy],
            _ => &[Layout::Current, Layout::Legacy],
        };
        let fields = [
            ("login_user", self.user.as_str()),
            ("pass_user", self.password.expose().as_str()),
        ];
        for layout in layouts {
            state.jar.clear();
            state.login = Login::SignedOut;
            let url = format!("{}{}", self.base, layout.login_path());
            let response = self
                .send(state, self.client.post(&url).form(&fields))
                .await?;
            match login_step(*layout, response.status()) {
                LoginStep::TryLegacy => continue,
                LoginStep::SignedIn => {
                    tracing::debug!(
                        location = ?response.headers().get(LOCATION),
                        "mailcow login accepted"
                    );
                    state.layout = Some(*layout);
                    state.login = Login::SignedIn;
                    return Ok(LoginOutcome::SignedIn);
                }
                LoginStep::Unexpected(code) => {
                    return Err(MailcowError::Unexpected(format!(
                        "the login form answered HTTP {code}"
                    )))
                }
                LoginStep::ReadPage => state.layout = Some(*layout),
            }
            let page = http::body(response, MAX_PAGE_BYTES).await?;
            return match login_page::login_page(&String::from_utf8_lossy(&page)) {
                LoginPage::Failed => Err(MailcowError::InvalidCredentials),
                LoginPage::SecondFactor { totp_ids, .. } => match totp_ids.into_iter().next() {
                    Some(authenticator) => {
                        state.login = Login::WaitingForTotp { authenticator };
                        Ok(LoginOutcome::TotpNeeded)
                    }
                    None => Err(MailcowError::UnsupportedSecondFactor),
                },
            };
        }
        Err(MailcowError::Unexpected(
            "no domain administrator login form at /domainadmin or /".into(),
        ))
    }

    /// Signed in, or an error that says what is missing.
    async fn ensure_signed_in(&self, state: &mut State) -> Result<(), MailcowError> {
        match state.login {
            Login::SignedIn => Ok(()),
            Login::WaitingForTotp { .. } => Err(MailcowError::TwoFactorNeeded),
            Login::SignedOut => match self.sign_in(state).await? {
                LoginOutcome::SignedIn => Ok(()),
                LoginOutcome::TotpNeeded => Err(MailcowError::TwoFactorNeeded),
            },
        }
    }

    /// Signs in once more after the server forgot the session.
    async fn sign_in_again(&self, state: &mut State) -> Result<(), MailcowError> {
        tracing::debug!("mailcow session lapsed, signing in again");
        state.login = Login::SignedOut;
        self.ensure_signed_in(state).await
    }

    async fn get_once(&self, state: &mut State, path: &str) -> Result<Option<Value>, MailcowError> {
        let url = format!("{}/api/v1/{path}", self.base);
        let response = self.send(state, self.client.get(&url)).await?;
        let status = response.status();
        if status != StatusCode::OK {
            return Err(MailcowError::Unexpected(format!(
                "GET {path} answered HTTP {}",
                status.as_u16()
            )));
        }
        let body = http::body(response, MAX_JSON_BYTES).await?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None); // signed out
        }
        http::json(&body).map(Some)
    }

    /// A fresh CSRF token from a page of the domain administrator's interface; `None`
    /// when the page says the session is gone (a redirect to the login, or no token).
    async fn token_once(&self, state: &mut State) -> Result<Option<String>, MailcowError> {
        let layout = state.layout.unwrap_or(Layout::Current);
        let url = format!("{}{}", self.base, layout.token_page());
        let response = self.send(state, self.client.get(&url)).await?;
        if response.status() != StatusCode::OK {
            return Ok(None);
        }
        let page = http::body(response, MAX_PAGE_BYTES).await?;
        Ok(login_page::csrf_token(&String::from_utf8_lossy(&page)))
    }

    async fn token(&self, state: &mut State) -> Result<String, MailcowError> {
        if let Some(token) = self.token_once(state).await? {
            return Ok(token);
        }
        self.sign_in_again(state).await?;
        self.token_once(state).await?.ok_or(MailcowError::SignedOut)
    }

    async fn post_once(
        &self,
        state: &mut State,
        write: &Write,
    ) -> Result<Option<Value>, MailcowError> {
        let token = self.token(state).await?;
        let url = format!("{}/api/v1/{}", self.base, write.route());
        let response = self
            .send(state, self.client.post(&url).form(&form(write, &token)))
            .await?;
        match response.status() {
            StatusCode::OK => {}
            StatusCode::FORBIDDEN => return Err(MailcowError::WriteForbidden),
            other => {
                return Err(MailcowError::Unexpected(format!(
                    "POST {} answered HTTP {}",
                    write.route(),
                    other.as_u16()
                )))
            }
        }
        let body = http::body(response, MAX_JSON_BYTES).await?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let value = http::json(&body)?;
        Ok((!form_was_dropped(&value)).then_some(value))
    }
}

impl Transport for SessionClient {
    async fn get(&self, path: &str) -> Result<Value, MailcowError> {
        let mut state = self.state.lock().await;
        self.ensure_signed_in(&mut state).await?;
        if let Some(value) = self.get_once(&mut state, path).await? {
            return Ok(value);
        }
        self.sign_in_again(&mut state).await?;
        self.get_once(&mut state, path)
            .await?
            .ok_or(MailcowError::SignedOut)
    }

    async fn write(&self, write: Write) -> Result<Value, MailcowError> {
        let mut state = self.state.lock().await;
        self.ensure_signed_in(&mut state).await?;
        if let Some(value) = self.post_once(&mut state, &write).await? {
            return Ok(value);
        }
        // The token was stale (or the session went away between page and POST): a new
        // token, and once more.
        tracing::debug!(
            route = write.route(),
            "mailcow dropped the form, new CSRF token"
        );
        if let Some(value) = self.post_once(&mut state, &write).await? {
            return Ok(value);
        }
        self.sign_in_again(&mut state).await?;
        self.post_once(&mut state, &write)
            .await?
            .ok_or(MailcowError::SignedOut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mailcow_session_form_is_attr_items_and_token() {
        let edit = Write::Edit {
            route: "edit/mailbox",
            items: json!(["a@x.de"]),
            attr: Sensitive::new(json!({"name": "A"})),
        };
        let fields = form(&edit, "tok");
        assert_eq!(
            fields,
            [
                ("items", r#"["a@x.de"]"#.to_owned()),
                ("attr", r#"{"name":"A"}"#.to_owned()),
                ("csrf_token", "tok".to_owned())
            ]
        );
    }

    #[test]
    fn mailcow_login_falls_back_to_the_pre_2025_form_only_on_404() {
        use Layout::*;
        assert_eq!(
            login_step(Current, StatusCode::NOT_FOUND),
            LoginStep::TryLegacy
        );
        assert_eq!(
            login_step(Legacy, StatusCode::NOT_FOUND),
            LoginStep::Unexpected(404)
        );
        for layout in [Current, Legacy] {
            assert_eq!(login_step(layout, StatusCode::FOUND), LoginStep::SignedIn);
            assert_eq!(login_step(layout, StatusCode::OK), LoginStep::ReadPage);
            assert_eq!(
                login_step(layout, StatusCode::FORBIDDEN),
                LoginStep::Unexpected(403)
            );
        }
        assert_eq!((Legacy.login_path(), Legacy.token_page()), ("/", "/user"));
        assert_eq!(
            (Current.login_path(), Current.token_page()),
            ("/domainadmin", "/domainadmin/user")
        );
    }

    #[test]
    fn mailcow_dropped_form_is_recognised() {
        assert!(form_was_dropped(
            &json!({"type": "error", "msg": "Cannot find attributes in post data"})
        ));
        assert!(!form_was_dropped(
            &json!([{"type": "danger", "msg": ["object_exists", "a"]}])
        ));
    }

    #[test]
    fn mailcow_session_password_is_not_in_debug_output() {
        let client = SessionClient::new("https://hosted.mailcow.de", "da", "s3cret-pass").unwrap();
        assert!(!format!("{client:?}").contains("s3cret-pass"));
        assert!(SessionClient::new("http://mail.example.com", "da", "x").is_err());
        assert!(SessionClient::new("http://127.0.0.1:8080", "da", "x").is_ok());
    }
}
