//! The profile's mailcow connections: `connect mailcow`, `connections`, `disconnect`.
//! A password or API key is read from standard input only, never from an argument.

use std::io::BufRead;

use clap::{Args, Subcommand};
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{
    Connection, ConnectionAccess, ConnectionKind, ConnectionState, ErrorInfo,
};

use crate::command::{Context, Run};
use crate::lang::Lang;
use crate::output::{self, print_json, SUCCESS};

/// Connect a real service to this profile.
#[derive(Args, Debug)]
pub struct Connect {
    #[command(subcommand)]
    service: Service,
}

#[derive(Subcommand, Debug)]
enum Service {
    /// A mailcow: the hosted mailcow as domain administrator (the e-mail address and
    /// password of the Servercow account), or a Managed mailcow with an API key.
    Mailcow(ConnectMailcow),
}

#[derive(Args, Debug)]
pub struct ConnectMailcow {
    /// The mailcow's address, e.g. https://hosted.mailcow.de.
    #[arg(long)]
    url: String,
    /// The domain administrator (the hosted mailcow: the Servercow account's e-mail).
    #[arg(long, requires = "password_stdin", conflicts_with = "api_key_stdin")]
    user: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
    /// The six digits of the authenticator app, when two-factor authentication is on.
    #[arg(long, requires = "user")]
    totp: Option<String>,
    /// Read a Managed mailcow's API key from the first line of standard input.
    #[arg(long, conflicts_with_all = ["user", "password_stdin"])]
    api_key_stdin: bool,
    #[arg(long)]
    json: bool,
}

/// The first line of standard input, for a secret.
pub fn secret_from_stdin(field: &str) -> Result<String, ErrorInfo> {
    let missing = || {
        CoreError::field(
            field,
            "Nothing on standard input: pipe the secret in (it is never taken from an argument).",
            "Nichts auf der Standardeingabe: Das Geheimnis bitte hineinleiten (es wird nie als Argument angenommen).",
        )
        .info()
    };
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|_| missing())?;
    let secret = line.trim_end_matches(['\r', '\n']).to_owned();
    if secret.is_empty() {
        return Err(missing());
    }
    Ok(secret)
}

fn state_text(state: ConnectionState, lang: Lang) -> &'static str {
    match state {
        ConnectionState::Connected => lang.pick("connected", "verbunden"),
        ConnectionState::SignedOut => lang.pick("signed out", "abgemeldet"),
        ConnectionState::NeedsTotp => lang.pick("2FA code needed", "2FA-Code nötig"),
        ConnectionState::Error => lang.pick("error", "Fehler"),
    }
}

fn describe(c: &Connection, lang: Lang) -> String {
    let who = match (&c.kind, &c.user) {
        (ConnectionKind::Session, Some(user)) => lang
            .pick("domain admin {user}", "Domain-Admin {user}")
            .replace("{user}", user),
        _ => match c.access {
            ConnectionAccess::ReadOnly => {
                lang.pick("API key, read-only", "API-Schlüssel, nur lesen")
            }
            ConnectionAccess::ReadWrite => lang.pick(
                "API key, read and write",
                "API-Schlüssel, lesen und schreiben",
            ),
        }
        .to_owned(),
    };
    let synced = c
        .last_synced
        .map(|t| output::moment(t, lang))
        .unwrap_or_else(|| lang.pick("never synced", "nie synchronisiert").to_owned());
    let mut line = format!(
        "{}  {}  {}  {}  {}: {}, {}: {}, {}",
        c.id,
        c.url,
        who,
        state_text(c.state, lang),
        lang.pick("domains", "Domains"),
        c.domains,
        lang.pick("mailboxes", "Postfächer"),
        c.mailboxes,
        synced
    );
    if let Some(error) = lang.pick(&c.last_error, &c.last_error_de) {
        line.push_str(&format!("\n    {error}"));
    }
    line
}

impl Run for Connect {
    fn json(&self) -> bool {
        let Service::Mailcow(args) = &self.service;
        args.json
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let Service::Mailcow(args) = self.service;
        let core = ctx.core().await?;
        let outcome = if args.api_key_stdin {
            let key = secret_from_stdin("api_key")?;
            core.connect_mailcow_api_key(&args.url, &key).await
        } else if let (Some(user), true) = (&args.user, args.password_stdin) {
            let password = secret_from_stdin("password")?;
            core.connect_mailcow_session(&args.url, user, &password, args.totp.as_deref())
                .await
        } else {
            Err(CoreError::field(
                "user",
                "Give --user NAME --password-stdin (a domain administrator) or --api-key-stdin (an API key).",
                "Bitte --user NAME --password-stdin (Domain-Administrator) oder --api-key-stdin (API-Schlüssel) angeben.",
            ))
        }
        .map_err(|e| e.info())?;
        if outcome.totp_needed {
            // Waiting for the second factor: the connection is kept, the command failed.
            return Err(CoreError::field(
                "totp",
                "This login uses two-factor authentication: run the command again with --totp and the six digits from the authenticator app.",
                "Diese Anmeldung nutzt Zwei-Faktor-Authentifizierung: Den Befehl mit --totp und den sechs Ziffern aus der Authenticator-App wiederholen.",
            )
            .info());
        }
        // The first sync, so that the lists have something to show at once.
        let synced = core
            .sync_connection(&outcome.connection.id)
            .await
            .map_err(|e| e.info())?;
        let connection = core
            .connections()
            .await
            .map_err(|e| e.info())?
            .into_iter()
            .find(|c| c.id == outcome.connection.id)
            .unwrap_or(outcome.connection);
        if args.json {
            print_json(&serde_json::json!({ "connection": connection, "sync": synced }));
        } else {
            println!(
                "{}",
                ctx.lang.pick("Connected: ", "Verbunden: ").to_owned()
                    + &describe(&connection, ctx.lang)
            );
        }
        match synced.error {
            Some(err) => Err(err),
            None => Ok(SUCCESS),
        }
    }
}

/// The profile's mailcow connections and their state.
#[derive(Args, Debug)]
pub struct Connections {
    #[arg(long)]
    json: bool,
}

impl Run for Connections {
    fn json(&self) -> bool {
        self.json
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let core = ctx.core().await?;
        let connections = core.connections().await.map_err(|e| e.info())?;
        if self.json {
            print_json(&connections);
        } else if connections.is_empty() {
            println!(
                "{}",
                ctx.lang.pick(
                    "No mailcow connection (cowdesk connect mailcow …).",
                    "Keine mailcow-Verbindung (cowdesk connect mailcow …)."
                )
            );
        } else {
            for c in &connections {
                println!("{}", describe(c, ctx.lang));
            }
        }
        Ok(SUCCESS)
    }
}

/// Remove a connection: its keyring entry and everything cached of it.
#[derive(Args, Debug)]
pub struct Disconnect {
    /// The connection's id (see `cowdesk connections`).
    id: String,
    #[arg(long)]
    json: bool,
}

impl Run for Disconnect {
    fn json(&self) -> bool {
        self.json
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let core = ctx.core().await?;
        core.disconnect(&self.id).await.map_err(|e| e.info())?;
        if self.json {
            print_json(&serde_json::json!({ "disconnected": self.id }));
        } else {
            println!(
                "{}",
                ctx.lang.pick(
                    format!("Removed {}: its keyring entry and cached data are gone.", self.id),
                    format!("{} entfernt: Schlüsselbund-Eintrag und zwischengespeicherte Daten sind gelöscht.", self.id),
                )
            );
        }
        Ok(SUCCESS)
    }
}
