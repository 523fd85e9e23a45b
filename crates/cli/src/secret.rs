//! `cowdesk secret create|open`: secret links instead of passwords in tickets. `create`
//! encrypts standard input in cowdesk with a fresh key, stores only the ciphertext on the
//! Yopass server and prints the link with the key; `open` fetches and decrypts one. The
//! secret and the key are printed only where asked for (standard output), never logged.

use std::io::{BufRead, Read};

use clap::{Args, Subcommand};
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{ErrorInfo, SecretExpiry};
use cowdesk_core::support::secret::SecretText;
use cowdesk_core::support::{
    create_secret_link, open_secret_link, SecretError, SecretOptions, DEFAULT_SECRET_SERVER,
};

use crate::command::{Context, Run};
use crate::output::{print_json, SUCCESS};

/// The secret service takes at most 10,000 characters of ciphertext; reading more than
/// this from standard input is pointless.
const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// Share a secret as a link (Yopass), or open such a link.
#[derive(Args, Debug)]
pub struct Secret {
    #[command(subcommand)]
    command: SecretCommand,
}

#[derive(Subcommand, Debug)]
enum SecretCommand {
    /// Encrypt standard input and print the secret link with its key (one final line end
    /// of the input is not part of the secret).
    Create {
        /// The secret service (a Yopass server).
        #[arg(long, value_name = "URL", default_value = DEFAULT_SECRET_SERVER)]
        server: String,
        /// How long the secret is kept: 1h, 1d or 1w.
        #[arg(long, value_name = "1h|1d|1w", default_value = "1w", value_parser = parse_expiry)]
        expires: SecretExpiry,
        /// Allow more than one download (default: deleted after the first).
        #[arg(long)]
        reusable: bool,
        /// Print `{"link": …, "expires_in_seconds": …, "one_time": …}` (errors as JSON too).
        #[arg(long)]
        json: bool,
    },
    /// Print the secret of a link (a one-time secret is gone afterwards). `-` reads the
    /// link from standard input, so it does not show in the process list.
    Open {
        #[arg(value_name = "LINK|-")]
        link: String,
        /// Print `{"secret": …}` (errors as JSON too).
        #[arg(long)]
        json: bool,
    },
}

fn parse_expiry(value: &str) -> Result<SecretExpiry, String> {
    SecretExpiry::parse(value).ok_or_else(|| "use 1h, 1d or 1w".to_owned())
}

impl Run for Secret {
    fn json(&self) -> bool {
        match &self.command {
            SecretCommand::Create { json, .. } | SecretCommand::Open { json, .. } => *json,
        }
    }

    async fn run(self, _ctx: &Context) -> Result<i32, ErrorInfo> {
        match self.command {
            SecretCommand::Create {
                server,
                expires,
                reusable,
                json,
            } => {
                let secret = read_secret()?;
                let options = SecretOptions {
                    server,
                    expiry: expires,
                    one_time: !reusable,
                };
                let created = create_secret_link(secret.expose(), &options)
                    .await
                    .map_err(info)?;
                let link = created.link.to_text();
                match json {
                    true => print_json(&serde_json::json!({
                        "link": link.expose(),
                        "expires_in_seconds": expires.seconds(),
                        "one_time": !reusable,
                    })),
                    false => println!("{}", link.expose()),
                }
            }
            SecretCommand::Open { link, json } => {
                let link = match link.as_str() {
                    "-" => read_link()?,
                    _ => SecretText::new(link),
                };
                let secret = open_secret_link(link.expose(), None).await.map_err(info)?;
                match json {
                    true => print_json(&serde_json::json!({ "secret": secret.expose() })),
                    false => println!("{}", secret.expose()),
                }
            }
        }
        Ok(SUCCESS)
    }
}

fn info(err: SecretError) -> ErrorInfo {
    CoreError::from(err).info()
}

fn unreadable(what: &str, was: &str) -> ErrorInfo {
    CoreError::field(
        what,
        &format!("The {what} could not be read from standard input."),
        &format!("{was} ließ sich nicht von der Standardeingabe lesen."),
    )
    .info()
}

/// Standard input as the secret, without one final line end.
fn read_secret() -> Result<SecretText, ErrorInfo> {
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(MAX_SECRET_BYTES)
        .read_to_end(&mut bytes);
    let text = String::from_utf8(bytes);
    if read.is_err() {
        return Err(unreadable("secret", "Das Geheimnis"));
    }
    let Ok(mut text) = text.map(SecretText::new) else {
        return Err(CoreError::field(
            "secret",
            "The secret must be text (UTF-8).",
            "Das Geheimnis muss Text sein (UTF-8).",
        )
        .info());
    };
    for end in ["\r\n", "\n"] {
        if let Some(kept) = text.expose().strip_suffix(end) {
            text = SecretText::new(kept.to_owned());
            break;
        }
    }
    Ok(text)
}

/// The first line of standard input as the link.
fn read_link() -> Result<SecretText, ErrorInfo> {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    let line = SecretText::new(line);
    read.map_err(|_| unreadable("link", "Der Link"))?;
    Ok(SecretText::new(line.expose().trim().to_owned()))
}
