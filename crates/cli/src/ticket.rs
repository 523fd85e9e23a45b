//! `cowdesk ticket new --category C [--field k=v ...]`: a support ticket from the FAQ's
//! form of that category, prefilled from the cache when signed in, checked, and stopped
//! by the password guard when a secret is in it. Signed in with the portal preview
//! connection it is sent; otherwise the finished text is printed for the customer portal.
//! `cowdesk ticket forms` lists every category's fields.

use clap::{Args, Subcommand};
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{
    ErrorInfo, GuardFindingKind, SupportCategory, SupportDraft, SupportForm, SupportHandOff,
};
use cowdesk_core::session::Core;
use cowdesk_core::support::{forms, KnownSecret, Prefill};

use crate::command::{Context, Run};
use crate::lang::Lang;
use crate::output::{print_json, SUCCESS};

/// Support tickets with the FAQ's checklists.
#[derive(Args, Debug)]
pub struct Ticket {
    #[command(subcommand)]
    command: TicketCommand,
}

#[derive(Subcommand, Debug)]
enum TicketCommand {
    /// Write a ticket: send it with the preview connection when signed in, else print its
    /// text for the customer portal (the steps go to standard error).
    New {
        /// payment_made, payment_extension, cancellation, restore_after_termination,
        /// service_not_visible, mail_not_arriving, deleted_mail_restore, more_storage,
        /// mass_mailing_approval, migration_estimate, technical_problem.
        #[arg(long, value_name = "C")]
        category: String,
        /// A field of the category's form (`cowdesk ticket forms` lists them); an empty
        /// value removes a prefilled one. Repeat for each field.
        #[arg(long = "field", value_name = "KEY=VALUE")]
        fields: Vec<String>,
        /// The account the ticket is about (default: the login's own account).
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Every category's form: its fields, which are required, and what each holds.
    Forms {
        #[arg(long)]
        json: bool,
    },
}

impl Run for Ticket {
    fn json(&self) -> bool {
        match &self.command {
            TicketCommand::New { json, .. } | TicketCommand::Forms { json } => *json,
        }
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        match self.command {
            TicketCommand::Forms { json } => {
                let forms = forms();
                if json {
                    print_json(&forms);
                } else {
                    print_forms(&forms, ctx.lang);
                }
                Ok(SUCCESS)
            }
            TicketCommand::New {
                category,
                fields,
                account,
                json,
            } => {
                let category = parse_category(&category)?;
                let fields = parse_fields(&fields)?;
                let handed = new_ticket(ctx, category, &fields, account).await?;
                if json {
                    print_json(&handed);
                } else {
                    print_hand_off(&handed, ctx.lang);
                }
                Ok(SUCCESS)
            }
        }
    }
}

fn parse_category(name: &str) -> Result<SupportCategory, ErrorInfo> {
    SupportCategory::parse(name).ok_or_else(|| {
        let names = SupportCategory::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        CoreError::field(
            "category",
            &format!("Unknown category “{name}”: use one of {names}."),
            &format!("Unbekannte Kategorie „{name}“: Verwenden Sie eine von {names}."),
        )
        .info()
    })
}

/// `key=value` pairs, in the order given (a later one wins).
fn parse_fields(fields: &[String]) -> Result<Vec<(String, String)>, ErrorInfo> {
    fields
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                Ok((key.trim().to_owned(), value.to_owned()))
            }
            _ => Err(CoreError::field(
                "field",
                "Write each field as --field key=value.",
                "Schreiben Sie jedes Feld als --field schlüssel=wert.",
            )
            .info()),
        })
        .collect()
}

async fn new_ticket(
    ctx: &Context,
    category: SupportCategory,
    fields: &[(String, String)],
    account: Option<String>,
) -> Result<SupportHandOff, ErrorInfo> {
    let core = ctx.core().await?;
    // Reaches the keyring only when a sign-in is stored.
    core.resume().await.map_err(|e| e.info())?;
    let account = match (core.login_info(), account) {
        (None, _) => None,
        (Some(_), Some(id)) => Some(id),
        // Signed in but nothing synced yet: nothing to send it for; the portal's way.
        (Some(_), None) => core.own_account_id().await.ok(),
    };
    let mut draft = core
        .support_draft(account.as_deref(), category, Prefill::default())
        .await
        .map_err(|e| e.info())?;
    for (key, value) in fields {
        if value.trim().is_empty() {
            draft.values.remove(key);
        } else {
            draft.values.insert(key.clone(), value.clone());
        }
    }
    let mut known = stored_mailbox_passwords(&core, &draft).await;
    // The DNS API password, the mailcow connections' passwords and API keys, the account's
    // kept mailbox passwords.
    known.extend(
        core.support_known_secrets(account.as_deref())
            .await
            .map_err(|e| e.info())?,
    );
    core.hand_off_support_ticket(account.as_deref(), &draft, &known)
        .await
        .map_err(|e| e.info())
}

/// The kept passwords of the mailboxes the ticket names, for the password guard. A
/// keyring that cannot be read leaves the guard its own checks (lines, tokens).
async fn stored_mailbox_passwords(core: &Core, draft: &SupportDraft) -> Vec<KnownSecret> {
    let mut known = Vec::new();
    let addresses = draft
        .values
        .values()
        .flat_map(|v| v.split(|c: char| c.is_whitespace() || c == ',' || c == ';'))
        .map(|word| word.trim_matches(|c: char| matches!(c, '<' | '>' | '"' | '\'')))
        .filter(|word| cowdesk_core::validate::email(word).is_ok());
    let mut seen = std::collections::BTreeSet::new();
    for address in addresses {
        if !seen.insert(address.to_lowercase()) {
            continue;
        }
        match core.mailbox_password(address).await {
            Ok(Some(password)) => known.push(KnownSecret {
                value: password.expose().clone(),
                label: format!("mailbox password of {address}"),
                kind: GuardFindingKind::KnownSecret,
            }),
            Ok(None) => {}
            Err(err) => {
                tracing::warn!("the password guard cannot read the keyring: {err}");
                break;
            }
        }
    }
    known
}

fn print_hand_off(handed: &SupportHandOff, lang: Lang) {
    match handed {
        SupportHandOff::Sent { ticket_id, subject } => println!(
            "{}",
            lang.pick(
                format!("Sent as ticket {ticket_id}: {subject}"),
                format!("Als Ticket {ticket_id} gesendet: {subject}"),
            )
        ),
        SupportHandOff::Portal {
            url,
            steps_en,
            steps_de,
            subject,
            body,
        } => {
            // The ticket on standard output (to pipe into the clipboard), the way to the
            // portal on standard error.
            println!("{subject}\n\n{body}");
            eprintln!(
                "\n{} {url}: {}",
                lang.pick("Open", "Öffnen Sie"),
                lang.pick(steps_en, steps_de).replace(
                    lang.pick(
                        " (it is on the clipboard)",
                        " (er liegt in der Zwischenablage)"
                    ),
                    ""
                )
            );
        }
    }
}

fn print_forms(forms: &[SupportForm], lang: Lang) {
    for form in forms {
        println!(
            "{} — {}",
            form.category.as_str(),
            lang.pick(&form.title_en, &form.title_de)
        );
        for field in &form.fields {
            let required = match field.required {
                true => lang.pick("required", "Pflicht"),
                false => lang.pick("optional", "optional"),
            };
            println!(
                "  {:<24} {:<9} {}",
                field.key,
                required,
                lang.pick(&field.label_en, &field.label_de)
            );
        }
        println!();
    }
}
