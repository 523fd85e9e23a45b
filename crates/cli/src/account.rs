//! The accounts a login can see and what is cached of them: `sync`, `accounts`,
//! `invoices`.

use std::io::IsTerminal;

use clap::Args;
use cowdesk_core::model::{ErrorInfo, ErrorKind, Invoice, InvoiceStatus, SyncProgress};
use cowdesk_core::money;
use cowdesk_core::session::ProfileSync;

use crate::command::{Context, Run};
use crate::lang::Lang;
use crate::output::{self, print_json, SUCCESS};

/// Fetch every connection's data into the local cache: the portal preview's accounts
/// (when signed in) and every mailcow connection.
#[derive(Args, Debug)]
pub struct Sync {
    #[arg(long)]
    json: bool,
}

impl Run for Sync {
    fn json(&self) -> bool {
        self.json
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let core = ctx.core().await?;
        let show_progress = !self.json && std::io::stderr().is_terminal();
        let progress = move |p: SyncProgress| {
            if show_progress {
                eprint!("\r{} {}/{}  ", p.account_id, p.done, p.total);
            }
        };
        let ProfileSync {
            connections,
            accounts: outcomes,
        } = core
            .sync_profile(&|| (), &progress)
            .await
            .map_err(|e| e.info())?;
        if show_progress && !outcomes.is_empty() {
            eprintln!();
        }
        if self.json {
            // One list: the portal accounts' outcomes (`account_id`), then the mailcow
            // connections' (`connection_id`); each with `error`.
            let mut all: Vec<serde_json::Value> = Vec::new();
            for o in &outcomes {
                all.push(serde_json::to_value(o).unwrap_or_default());
            }
            for o in &connections {
                all.push(serde_json::to_value(o).unwrap_or_default());
            }
            print_json(&all);
        } else {
            let lang = ctx.lang;
            for o in &outcomes {
                let id = &o.account_id;
                match &o.error {
                    None => {
                        let (changed, unchanged, not_permitted, requests) = (
                            o.changed.len(),
                            o.unchanged.len(),
                            o.not_permitted.len(),
                            o.requests,
                        );
                        println!(
                            "{}",
                            lang.pick(
                                format!("{id}: {changed} changed, {unchanged} unchanged, {not_permitted} not permitted, {requests} requests"),
                                format!("{id}: {changed} geändert, {unchanged} unverändert, {not_permitted} nicht erlaubt, {requests} Anfragen"),
                            )
                        );
                    }
                    Some(err) => println!(
                        "{id}: {} {}",
                        lang.pick("failed:", "fehlgeschlagen:"),
                        lang.message(err)
                    ),
                }
            }
            for o in &connections {
                let id = &o.connection_id;
                match &o.error {
                    None => println!(
                        "{}",
                        lang.pick(
                            format!(
                                "{id}: {} domains, {} mailboxes, {} aliases, {} new alerts",
                                o.domains, o.mailboxes, o.aliases, o.new_alerts
                            ),
                            format!(
                                "{id}: {} Domains, {} Postfächer, {} Aliasse, {} neue Hinweise",
                                o.domains, o.mailboxes, o.aliases, o.new_alerts
                            ),
                        )
                    ),
                    Some(err) => println!(
                        "{id}: {} {}",
                        lang.pick("failed:", "fehlgeschlagen:"),
                        lang.message(err)
                    ),
                }
            }
        }
        let first_error = outcomes
            .into_iter()
            .find_map(|o| o.error)
            .or_else(|| connections.into_iter().find_map(|o| o.error));
        match first_error {
            Some(err) => Err(err),
            None => Ok(SUCCESS),
        }
    }
}

/// The accounts this login can see, from the cache.
#[derive(Args, Debug)]
pub struct Accounts {
    #[arg(long)]
    json: bool,
}

impl Run for Accounts {
    fn json(&self) -> bool {
        self.json
    }

    fn exit_code(kind: ErrorKind) -> i32 {
        output::always_refused(kind)
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let core = ctx.signed_in_core().await?;
        let accounts = core.accounts().await.map_err(|e| e.info())?;
        if self.json {
            print_json(&accounts);
            return Ok(SUCCESS);
        }
        let lang = ctx.lang;
        for s in &accounts {
            let a = &s.account;
            let whose = match a.is_own {
                true => lang.pick("own", "eigen"),
                false => lang.pick("shared", "geteilt"),
            };
            let synced = s
                .last_synced
                .map(|t| output::moment(t, lang))
                .unwrap_or_else(|| lang.pick("never synced", "nie synchronisiert").to_owned());
            println!(
                "{:<14} {:<8} {:<32} {:<6} {:<14} {}",
                a.id, a.customer_number, a.name, whose, a.role.name, synced
            );
        }
        Ok(SUCCESS)
    }
}

/// Invoices of one account, from the cache.
#[derive(Args, Debug)]
pub struct Invoices {
    /// Account id (default: the login's own account).
    #[arg(long)]
    account: Option<String>,
    #[arg(long)]
    json: bool,
}

impl Run for Invoices {
    fn json(&self) -> bool {
        self.json
    }

    fn exit_code(kind: ErrorKind) -> i32 {
        output::always_refused(kind)
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let core = ctx.signed_in_core().await?;
        let account_id = match self.account {
            Some(id) => id,
            None => core.own_account_id().await.map_err(|e| e.info())?,
        };
        let listing = core.invoices(&account_id).await.map_err(|e| e.info())?;
        let lang = ctx.lang;
        if self.json {
            print_json(&listing);
        } else if !listing.permitted {
            println!(
                "{}",
                lang.pick(
                    format!("Your role on {account_id} does not include invoices."),
                    format!("Ihre Rolle in {account_id} umfasst keine Rechnungen."),
                )
            );
        } else if listing.items.is_empty() {
            println!(
                "{}",
                lang.pick(
                    format!("No invoices for {account_id}."),
                    format!("Keine Rechnungen für {account_id}."),
                )
            );
        } else {
            for invoice in &listing.items {
                println!("{}", invoice_line(invoice, lang));
            }
        }
        Ok(SUCCESS)
    }
}

fn invoice_line(invoice: &Invoice, lang: Lang) -> String {
    let status = match invoice.status {
        InvoiceStatus::Open => lang.pick("open", "offen"),
        InvoiceStatus::Paid => lang.pick("paid", "bezahlt"),
        InvoiceStatus::Overdue => lang.pick("overdue", "überfällig"),
        InvoiceStatus::Cancelled => lang.pick("cancelled", "storniert"),
    };
    let reminder = match invoice.dunning_level {
        0 => String::new(),
        level => lang.pick(
            format!("reminder level {level}"),
            format!("Mahnstufe {level}"),
        ),
    };
    let (amount_en, amount_de) = money::amount(invoice.amount_cents);
    let (issued, due) = match lang {
        Lang::En => (
            invoice.issue_date.format("%Y-%m-%d"),
            invoice.due_date.format("%Y-%m-%d"),
        ),
        Lang::De => (
            invoice.issue_date.format("%d.%m.%Y"),
            invoice.due_date.format("%d.%m.%Y"),
        ),
    };
    format!(
        "{:<16} {} {issued}  {} {due}  {:>12} {}  {:<9} {}",
        invoice.number,
        lang.pick("issued", "vom"),
        lang.pick("due", "fällig"),
        lang.pick(amount_en, amount_de),
        invoice.currency,
        status,
        reminder
    )
}
