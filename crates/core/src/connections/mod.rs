//! The profile's mailcow connections: a hosted mailcow's domain administrator (web
//! session, TOTP as second factor) or a Managed mailcow's API key. Connecting checks the
//! login with the server; the password or key then lives in the keyring under the
//! connection's id, the session cookie in this process's memory. Every read comes from
//! the cache, which `sync` fills through the one write path; every change is made on the
//! server first and, once the server said success, read back from it.

mod changes;
mod import;
mod import_desk;
mod list;
pub(crate) mod records;
mod sync;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cowdesk_model::{
    ConnectOutcome, Connection, ConnectionAccess, ConnectionKind, ConnectionState, ErrorKind,
    GuardFindingKind, PortalConnection, ProfileConnections,
};

pub use changes::{AliasInput, MailboxInput};
pub use import::ImportOptions;
pub use import_desk::{ImportDesk, ImportRun};

use crate::error::CoreError;
use crate::mailcow::{Access, AnyMailcow, ApiKeyClient, LoginOutcome, MailcowError, SessionClient};
use crate::secrets::SecretsError;
use crate::session::Core;
use crate::support::guard::KnownSecret;
use records::Record;

/// The clients of this process, by connection id.
pub type Clients = Mutex<HashMap<String, Arc<AnyMailcow>>>;

/// The keyring entry of a connection: the domain administrator's password or the API key.
pub fn secret_key(connection_id: &str) -> String {
    format!("mailcow-connection:{connection_id}")
}

fn new_id() -> Result<String, CoreError> {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).map_err(|e| CoreError::Internal(e.to_string()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("mailcow-{hex}"))
}

fn access_of(access: Access) -> ConnectionAccess {
    match access {
        Access::ReadOnly => ConnectionAccess::ReadOnly,
        Access::ReadWrite => ConnectionAccess::ReadWrite,
    }
}

/// Where a connection stands after this error of its login or its server.
fn state_after(err: &MailcowError) -> Option<ConnectionState> {
    match err {
        MailcowError::InvalidCredentials | MailcowError::SignedOut | MailcowError::BadApiKey => {
            Some(ConnectionState::SignedOut)
        }
        MailcowError::TwoFactorNeeded | MailcowError::TotpRejected => {
            Some(ConnectionState::NeedsTotp)
        }
        MailcowError::UnsupportedSecondFactor
        | MailcowError::ApiKeyIpNotAllowed(_)
        | MailcowError::Unreachable(_)
        | MailcowError::Unexpected(_)
        | MailcowError::Insecure(_) => Some(ConnectionState::Error),
        // A refused or invalid change, or a write a read-only key may not make, says
        // nothing about the connection.
        MailcowError::Invalid { .. }
        | MailcowError::Refused(_)
        | MailcowError::ReadOnlyKey
        | MailcowError::WriteForbidden => None,
    }
}

fn not_connected(record: &Record) -> CoreError {
    let what = match record.kind {
        ConnectionKind::Session => ("password", "Passwort"),
        ConnectionKind::ApiKey => ("API key", "API-Schlüssel"),
    };
    CoreError::Service {
        kind: ErrorKind::NotSignedIn,
        message: format!(
            "The keyring no longer holds the {} of the mailcow connection {}: connect it again.",
            what.0, record.id
        ),
        message_de: format!(
            "Der Schlüsselbund enthält das {} der mailcow-Verbindung {} nicht mehr: Bitte erneut verbinden.",
            what.1, record.id
        ),
        fields: Default::default(),
        fields_de: Default::default(),
        server_words: false,
    }
}

fn unknown_connection(id: &str) -> CoreError {
    CoreError::field(
        "connection",
        &format!("This profile has no mailcow connection {id} (see `cowdesk connections`)."),
        &format!("Dieses Profil hat keine mailcow-Verbindung {id} (siehe `cowdesk connections`)."),
    )
}

impl Core {
    fn clients(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<AnyMailcow>>> {
        self.mailcow_clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every mailcow connection of the profile, with its state and what it holds.
    pub async fn connections(&self) -> Result<Vec<Connection>, CoreError> {
        let records = records::all(&self.store).await?;
        let figures = records::figures(&self.store).await?;
        Ok(records
            .into_iter()
            .map(|r| {
                let (synced, domains, mailboxes) = figures
                    .iter()
                    .find(|f| f.0 == r.id)
                    .map(|f| (f.1, f.2, f.3))
                    .unwrap_or_default();
                let (last_error, last_error_de) = r.last_error.unzip();
                Connection {
                    id: r.id,
                    kind: r.kind,
                    url: r.url,
                    user: r.user,
                    access: r.access,
                    state: r.state,
                    last_error,
                    last_error_de,
                    last_synced: synced,
                    domains,
                    mailboxes,
                }
            })
            .collect())
    }

    /// Every connection of the profile: the portal preview's sign-in, the DNS API access
    /// (its user, read from the keyring) and the mailcows.
    pub async fn profile_connections(&self) -> Result<ProfileConnections, CoreError> {
        let portal = self.store.login().await?.map(|login| PortalConnection {
            state: match login.remembered {
                true => ConnectionState::Connected,
                false => ConnectionState::SignedOut,
            },
            server: login.server,
            email: login.email,
            demo: login.demo,
        });
        let dns_api_user = match self.dns_settings().await {
            Ok(settings) => settings.api_username,
            // Without a keyring the access cannot be read; the rest is still worth showing.
            Err(err) if err.kind() == ErrorKind::KeyringUnavailable => None,
            Err(err) => return Err(err),
        };
        Ok(ProfileConnections {
            portal,
            dns_api_user,
            mailcows: self.connections().await?,
        })
    }

    pub(crate) async fn connection_record(&self, id: &str) -> Result<Record, CoreError> {
        records::find(&self.store, id)
            .await?
            .ok_or_else(|| unknown_connection(id))
    }

    async fn connection(&self, id: &str) -> Result<Connection, CoreError> {
        self.connections()
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| unknown_connection(id))
    }

    /// Signs in to a mailcow as domain administrator (the hosted mailcow: the e-mail
    /// address and password of the Servercow account) and keeps the connection. With
    /// two-factor authentication on, either pass the six digits as `totp`, or call
    /// [`Core::verify_mailcow_totp`] when the outcome says `totp_needed`. A login whose
    /// only second factor is a security key (WebAuthn) is refused with an explanation.
    pub async fn connect_mailcow_session(
        &self,
        url: &str,
        user: &str,
        password: &str,
        totp: Option<&str>,
    ) -> Result<ConnectOutcome, CoreError> {
        let client = SessionClient::new(url, user, password)?;
        let (url, user) = (client.server().to_owned(), client.user().to_owned());
        let existing =
            records::find_login(&self.store, ConnectionKind::Session, &url, Some(&user)).await?;
        let signed_in = match client.login().await {
            Ok(LoginOutcome::SignedIn) => Ok(()),
            Ok(LoginOutcome::TotpNeeded) => match totp {
                Some(code) => client.verify_totp(code).await,
                None => Err(MailcowError::TwoFactorNeeded),
            },
            // The password (or the server) refused: nothing is kept of a new login, and
            // an existing connection keeps the login it had.
            Err(err) => return Err(err.into()),
        };
        // The password is right: keep the connection, waiting for its code if need be.
        let id = match &existing {
            Some(r) => r.id.clone(),
            None => new_id()?,
        };
        let state = match &signed_in {
            Ok(()) => ConnectionState::Connected,
            Err(_) => ConnectionState::NeedsTotp,
        };
        let record = Record {
            id: id.clone(),
            kind: ConnectionKind::Session,
            url,
            user: Some(user),
            access: ConnectionAccess::ReadWrite,
            state,
            last_error: None,
        };
        self.keep_connection(&record, password).await?;
        self.clients()
            .insert(id.clone(), Arc::new(AnyMailcow::Session(client)));
        match signed_in {
            Ok(()) => {}
            // Asked for a code and given none: the caller asks the user.
            Err(MailcowError::TwoFactorNeeded) => {}
            Err(err) => return Err(err.into()),
        }
        Ok(ConnectOutcome {
            connection: self.connection(&id).await?,
            totp_needed: state == ConnectionState::NeedsTotp,
        })
    }

    /// Finishes a domain administrator's login that waits for its TOTP code.
    pub async fn verify_mailcow_totp(&self, id: &str, code: &str) -> Result<Connection, CoreError> {
        let record = self.connection_record(id).await?;
        let client = self.client_for(&record).await?;
        let AnyMailcow::Session(session) = client.as_ref() else {
            return Err(CoreError::field(
                "totp",
                "An API key needs no two-factor code.",
                "Ein API-Schlüssel braucht keinen Zwei-Faktor-Code.",
            ));
        };
        match session.verify_totp(code).await {
            Ok(()) => {
                records::set_state(&self.store, id, ConnectionState::Connected, None).await?;
                self.connection(id).await
            }
            Err(err) => Err(self.mailcow_failed(id, err).await),
        }
    }

    /// Connects a Managed mailcow with an API key: checks the key and finds out whether
    /// it may write (nothing is changed by asking), then keeps the connection.
    pub async fn connect_mailcow_api_key(
        &self,
        url: &str,
        api_key: &str,
    ) -> Result<ConnectOutcome, CoreError> {
        let client = ApiKeyClient::new(url, api_key, None)?;
        let url = client.server().to_owned();
        let existing = records::find_login(&self.store, ConnectionKind::ApiKey, &url, None).await?;
        let access = client.probe_access().await?;
        let id = match &existing {
            Some(r) => r.id.clone(),
            None => new_id()?,
        };
        let record = Record {
            id: id.clone(),
            kind: ConnectionKind::ApiKey,
            url,
            user: None,
            access: access_of(access),
            state: ConnectionState::Connected,
            last_error: None,
        };
        self.keep_connection(&record, api_key.trim()).await?;
        self.clients()
            .insert(id.clone(), Arc::new(AnyMailcow::ApiKey(client)));
        Ok(ConnectOutcome {
            connection: self.connection(&id).await?,
            totp_needed: false,
        })
    }

    /// The secret into the keyring first: a connection without it could not be used by
    /// the next start.
    async fn keep_connection(&self, record: &Record, secret: &str) -> Result<(), CoreError> {
        self.secret_set(secret_key(&record.id), secret.to_owned())
            .await?;
        records::save(&self.store, &self.profile, record).await
    }

    /// The password or API key of each connection, as the keyring holds it, with what to
    /// call it (never the value) — for the password guard, which must stop them leaving in
    /// a ticket. A keyring that cannot be read yields what was read so far.
    pub(crate) async fn connection_secrets(&self) -> Result<Vec<KnownSecret>, CoreError> {
        let mut found = Vec::new();
        for record in records::all(&self.store).await? {
            let what = match record.kind {
                ConnectionKind::Session => "password",
                ConnectionKind::ApiKey => "API key",
            };
            match self.secret_get(secret_key(&record.id)).await {
                Ok(Some(value)) => found.push(KnownSecret {
                    value,
                    label: format!("{what} of {}", record.label()),
                    kind: GuardFindingKind::KnownSecret,
                }),
                Ok(None) => {}
                Err(err) => {
                    tracing::info!("guard: connection secrets not read: {err}");
                    break;
                }
            }
        }
        Ok(found)
    }

    /// Removes a connection: its keyring entry, then every row it cached, its sync state
    /// and its alerts. When the keyring cannot delete the entry, nothing is removed (the
    /// secret would otherwise stay behind unseen).
    pub async fn disconnect(&self, id: &str) -> Result<(), CoreError> {
        let record = self.connection_record(id).await?;
        self.secret_delete(secret_key(&record.id)).await?;
        self.clients().remove(&record.id);
        records::remove(&self.store, &record.id).await?;
        // No trace of the rows in freed pages or the WAL.
        self.store.scrub().await
    }

    /// The connection's client: the one this process holds, else one made from the
    /// keyring (a session signs in on its first request).
    pub(crate) async fn client_for(&self, record: &Record) -> Result<Arc<AnyMailcow>, CoreError> {
        if let Some(client) = self.clients().get(&record.id) {
            return Ok(client.clone());
        }
        let secret = match self.secret_get(secret_key(&record.id)).await {
            Ok(Some(secret)) => secret,
            Ok(None) => {
                let err = not_connected(record);
                let words = (err.info().message, err.info().message_de);
                records::set_state(
                    &self.store,
                    &record.id,
                    ConnectionState::SignedOut,
                    Some(words),
                )
                .await?;
                return Err(err);
            }
            Err(err @ SecretsError::Unavailable(_)) | Err(err @ SecretsError::Failed(_)) => {
                return Err(err.into())
            }
        };
        let client = match record.kind {
            ConnectionKind::Session => AnyMailcow::Session(SessionClient::new(
                &record.url,
                record.user.as_deref().unwrap_or_default(),
                &secret,
            )?),
            ConnectionKind::ApiKey => {
                let access = match record.access {
                    ConnectionAccess::ReadOnly => Access::ReadOnly,
                    ConnectionAccess::ReadWrite => Access::ReadWrite,
                };
                AnyMailcow::ApiKey(ApiKeyClient::new(&record.url, &secret, Some(access))?)
            }
        };
        let client = Arc::new(client);
        self.clients().insert(record.id.clone(), client.clone());
        Ok(client)
    }

    /// Records what an error says about the connection (signed out, waiting for a code,
    /// unreachable) and turns it into the error the caller reports.
    pub(crate) async fn mailcow_failed(&self, id: &str, err: MailcowError) -> CoreError {
        self.record_failure(id, &err).await;
        if matches!(err, MailcowError::WriteForbidden) {
            // For a key, the server said it is read-only: later writes are refused before
            // sending. (A session's 403 means a login still waiting for its code.)
            let key = records::find(&self.store, id)
                .await
                .ok()
                .flatten()
                .is_some_and(|r| r.kind == ConnectionKind::ApiKey);
            if key {
                if let Err(e) =
                    records::set_access(&self.store, id, ConnectionAccess::ReadOnly).await
                {
                    tracing::warn!("connection access not recorded: {}", e.kind_name());
                }
            }
        }
        err.into()
    }

    async fn record_failure(&self, id: &str, err: &MailcowError) {
        let Some(state) = state_after(err) else {
            return;
        };
        let (_, en, de) = err.describe();
        if let Err(e) = records::set_state(&self.store, id, state, Some((en, de))).await {
            tracing::warn!("connection state not recorded: {}", e.kind_name());
        }
    }
}
