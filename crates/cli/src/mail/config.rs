//! `cowdesk mail config <address> [--server HOST]`: mail client settings of the hosted
//! mailcow, or of a Managed mailcow's own server, with no sign-in: the settings table, a
//! Thunderbird autoconfig file or an Apple configuration profile (no password inside).

use clap::{Args, ValueEnum};
use cowdesk_core::mailconfig::{
    hosted_mailcow, mailbox_file, mailcow_servers, server_name, settings_table_in, ConfigFormat,
    MailAccount,
};
use cowdesk_core::model::{ErrorInfo, MailClientConfig};

use crate::lang::Lang;
use crate::output::SUCCESS;

#[derive(Args, Debug)]
pub struct Config {
    /// The mailbox address, e.g. info@example.de.
    address: String,
    #[arg(long, value_enum, default_value_t = MailFormat::Table)]
    format: MailFormat,
    /// The mail server: a Managed mailcow's own name (default: the hosted mailcow,
    /// hosted.mailcow.de).
    #[arg(long, value_name = "HOST")]
    server: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum MailFormat {
    Thunderbird,
    Apple,
    Table,
}

impl Config {
    pub fn run(self, lang: Lang) -> Result<i32, ErrorInfo> {
        let config = match self.server.as_deref() {
            Some(server) => mailcow_servers(&server_name(server).map_err(|e| e.info())?),
            None => hosted_mailcow(),
        };
        print!(
            "{}",
            mail_config(&config, &self.address, self.format, lang)?
        );
        Ok(SUCCESS)
    }
}

fn mail_config(
    config: &MailClientConfig,
    address: &str,
    format: MailFormat,
    lang: Lang,
) -> Result<String, ErrorInfo> {
    let address = cowdesk_core::validate::mailbox_address(address).map_err(|e| e.info())?;
    let format = match format {
        MailFormat::Thunderbird => ConfigFormat::Thunderbird,
        MailFormat::Apple => ConfigFormat::Apple,
        // The table is for reading, so it is in the reader's language.
        MailFormat::Table => {
            return Ok(settings_table_in(
                config,
                &address.address(),
                lang == Lang::De,
            ))
        }
    };
    let account = MailAccount {
        address,
        name: String::new(),
    };
    mailbox_file(config, &account, format)
        .map(|file| file.contents)
        .map_err(|e| e.info())
}
