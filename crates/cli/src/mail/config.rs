//! `cowdesk mail config <address>`: mail client settings of the hosted mailcow, with no
//! sign-in: the settings table, a Thunderbird autoconfig file or an Apple configuration
//! profile (no password inside).

use clap::{Args, ValueEnum};
use cowdesk_core::mailconfig::{
    hosted_mailcow, mailbox_file, settings_table_in, ConfigFormat, MailAccount,
};
use cowdesk_core::model::ErrorInfo;

use crate::lang::Lang;
use crate::output::SUCCESS;

#[derive(Args, Debug)]
pub struct Config {
    /// The mailbox address, e.g. info@example.de.
    address: String,
    #[arg(long, value_enum, default_value_t = MailFormat::Table)]
    format: MailFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum MailFormat {
    Thunderbird,
    Apple,
    Table,
}

impl Config {
    pub fn run(self, lang: Lang) -> Result<i32, ErrorInfo> {
        print!("{}", mail_config(&self.address, self.format, lang)?);
        Ok(SUCCESS)
    }
}

fn mail_config(address: &str, format: MailFormat, lang: Lang) -> Result<String, ErrorInfo> {
    let address = cowdesk_core::validate::mailbox_address(address).map_err(|e| e.info())?;
    let format = match format {
        MailFormat::Thunderbird => ConfigFormat::Thunderbird,
        MailFormat::Apple => ConfigFormat::Apple,
        // The table is for reading, so it is in the reader's language.
        MailFormat::Table => {
            return Ok(settings_table_in(
                &hosted_mailcow(),
                &address.address(),
                lang == Lang::De,
            ))
        }
    };
    let account = MailAccount {
        address,
        name: String::new(),
    };
    mailbox_file(&hosted_mailcow(), &account, format)
        .map(|file| file.contents)
        .map_err(|e| e.info())
}
