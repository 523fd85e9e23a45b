//! `cowdesk mail config <address>`: mail client settings of the hosted mailcow, with no
//! sign-in: the settings table, a Thunderbird autoconfig file or an Apple configuration
//! profile (no password inside).

use clap::{Args, Subcommand, ValueEnum};
use cowdesk_core::mailconfig::{mailbox_file, settings_table_in, ConfigFormat, MailAccount};
use cowdesk_core::model::{ErrorInfo, ErrorKind};

use crate::command::{Context, Run};
use crate::lang::Lang;
use crate::output::{self, SUCCESS};

/// Mail client settings of the hosted mailcow.
#[derive(Args, Debug)]
pub struct Mail {
    #[command(subcommand)]
    command: MailCommand,
}

#[derive(Subcommand, Debug)]
enum MailCommand {
    /// Print the client configuration of a mailbox: the settings table, a Thunderbird
    /// autoconfig file or an Apple configuration profile (no password inside).
    Config {
        /// The mailbox address, e.g. info@example.de.
        address: String,
        #[arg(long, value_enum, default_value_t = MailFormat::Table)]
        format: MailFormat,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum MailFormat {
    Thunderbird,
    Apple,
    Table,
}

impl Run for Mail {
    fn exit_code(kind: ErrorKind) -> i32 {
        output::always_refused(kind)
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let MailCommand::Config { address, format } = self.command;
        print!("{}", mail_config(&address, format, ctx.lang)?);
        Ok(SUCCESS)
    }
}

fn mail_config(address: &str, format: MailFormat, lang: Lang) -> Result<String, ErrorInfo> {
    let address = cowdesk_core::validate::mailbox_address(address).map_err(|e| e.info())?;
    let format = match format {
        MailFormat::Thunderbird => ConfigFormat::Thunderbird,
        MailFormat::Apple => ConfigFormat::Apple,
        // The table is for reading, so it is in the reader's language.
        MailFormat::Table => return Ok(settings_table_in(&address.address(), lang == Lang::De)),
    };
    let account = MailAccount {
        address,
        name: String::new(),
    };
    mailbox_file(&account, format)
        .map(|file| file.contents)
        .map_err(|e| e.info())
}
