//! Signing in and out, and what is signed in: `login`, `logout`, `status`.

use std::io::{BufRead, IsTerminal};

use clap::Args;
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{ErrorInfo, ErrorKind};

use crate::command::{Context, Run};
use crate::lang::Lang;
use crate::output::{self, print_json, SUCCESS};

/// Sign in to the portal preview and keep the sign-in in the system keyring.
/// Servercow's customer portal has no public API: the preview needs a server that
/// speaks cowdesk's portal contract (docs/portal-api.yaml), such as `cowdesk-sandbox`.
#[derive(Args, Debug)]
pub struct Login {
    /// Address of a server that speaks the portal contract (there is no default).
    #[arg(long, value_name = "URL")]
    server: String,
    #[arg(long)]
    email: String,
    /// Read the password from the first line of standard input
    /// (else $COWDESK_PASSWORD, else a prompt).
    #[arg(long)]
    password_stdin: bool,
    #[arg(long)]
    json: bool,
}

impl Run for Login {
    fn json(&self) -> bool {
        self.json
    }

    fn exit_code(kind: ErrorKind) -> i32 {
        output::always_refused(kind)
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        // Refused before a password is asked for: it would go nowhere.
        cowdesk_core::portal::preview_server(&self.server).map_err(|e| e.info())?;
        let core = ctx.core().await?;
        let password = read_password(self.password_stdin, ctx.lang)?;
        let info = core
            .login(&self.server, &self.email, &password, false)
            .await
            .map_err(|e| e.info())?;
        if self.json {
            print_json(&info);
            return Ok(SUCCESS);
        }
        println!(
            "{}",
            ctx.lang.pick(
                format!("Signed in as {} at {}.", info.email, info.server),
                format!("Angemeldet als {} bei {}.", info.email, info.server),
            )
        );
        if !info.remembered {
            println!(
                "{}",
                ctx.lang.pick(
                    "The system keyring is not available: sign in again next time.",
                    "Der System-Schlüsselbund ist nicht verfügbar: Melden Sie sich beim nächsten Mal erneut an.",
                )
            );
        }
        Ok(SUCCESS)
    }
}

/// Sign out: revoke the session, delete the keyring entry and the cached data.
#[derive(Args, Debug)]
pub struct Logout {
    #[arg(long)]
    json: bool,
}

impl Run for Logout {
    fn json(&self) -> bool {
        self.json
    }

    fn exit_code(kind: ErrorKind) -> i32 {
        output::always_refused(kind)
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let core = ctx.core().await?;
        core.logout().await.map_err(|e| e.info())?;
        if self.json {
            print_json(&serde_json::json!({ "signed_out": true }));
        } else {
            println!(
                "{}",
                ctx.lang.pick(
                    "Signed out; the keyring entry and the cached data are removed.",
                    "Abgemeldet; der Eintrag im Schlüsselbund und die zwischengespeicherten Daten sind entfernt.",
                )
            );
        }
        Ok(SUCCESS)
    }
}

/// Who is signed in, which accounts are cached and how old their data is.
#[derive(Args, Debug)]
pub struct Status {
    #[arg(long)]
    json: bool,
}

impl Run for Status {
    fn json(&self) -> bool {
        self.json
    }

    fn exit_code(kind: ErrorKind) -> i32 {
        output::always_refused(kind)
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let core = ctx.core().await?;
        let status = core.status().await.map_err(|e| e.info())?;
        if self.json {
            print_json(&status);
            return Ok(SUCCESS);
        }
        let lang = ctx.lang;
        match &status.login {
            Some(login) => println!(
                "{}",
                lang.pick(
                    format!("Signed in as {} at {}", login.email, login.server),
                    format!("Angemeldet als {} bei {}", login.email, login.server),
                )
            ),
            None => println!("{}", lang.pick("Not signed in.", "Nicht angemeldet.")),
        }
        println!(
            "{} {}",
            lang.pick("Cache:", "Zwischenspeicher:"),
            status.database
        );
        for s in &status.accounts {
            let synced = s
                .last_synced
                .map(|t| output::moment(t, lang))
                .unwrap_or_else(|| lang.pick("never", "nie").to_owned());
            let (name, id, overdue) = (&s.account.name, &s.account.id, s.overdue_count);
            println!(
                "{}",
                lang.pick(
                    format!("  {name} ({id}): last synced {synced}, {overdue} overdue"),
                    format!(
                        "  {name} ({id}): zuletzt synchronisiert {synced}, {overdue} überfällig"
                    ),
                )
            );
        }
        Ok(SUCCESS)
    }
}

/// The password from the first line of standard input, `$COWDESK_PASSWORD` or a prompt.
fn read_password(from_stdin: bool, lang: Lang) -> Result<String, ErrorInfo> {
    let missing = || {
        CoreError::field(
            "password",
            "No password given: use --password-stdin, $COWDESK_PASSWORD or a terminal prompt.",
            "Kein Passwort angegeben: --password-stdin, $COWDESK_PASSWORD oder Eingabe im Terminal.",
        )
        .info()
    };
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|_| missing())?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        return if password.is_empty() {
            Err(missing())
        } else {
            Ok(password)
        };
    }
    if let Ok(password) = std::env::var("COWDESK_PASSWORD") {
        if !password.is_empty() {
            return Ok(password);
        }
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(lang.pick("Password: ", "Passwort: "))
            .map_err(|_| missing());
    }
    Err(missing())
}
