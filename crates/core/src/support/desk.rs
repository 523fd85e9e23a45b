//! The support desk over the cache: what a ticket form can be prefilled from, a draft
//! prefilled from what the user picked, the secrets the password guard must know (kept in
//! the keyring), what the bounce explainer knows of the account, a ticket's thread, and
//! which secret service the links go to.

use cowdesk_model::{
    BounceExplanation, CachedTicketThread, Invoice, InvoiceStatus, SupportCategory, SupportChoice,
    SupportContext, SupportDraft, SupportSelection, SupportTicketText, TicketMessage,
};

use super::bounce::{explain_bounce, BounceContext};
use super::guard::KnownSecret;
use super::secret::DEFAULT_SECRET_SERVER;
use super::tickets::{render_ticket, Prefill};
use crate::error::CoreError;
use crate::portal::check_server;
use crate::session::Core;
use cowdesk_model::GuardFindingKind;

/// The settings key of a secret service the user chose (none: the default).
pub const SETTING_SECRET_SERVER: &str = "support.secret_server";
/// The form's lists stay short enough to pick from; the guard asks the keyring for the
/// kept password of at most this many of the account's mailboxes.
const MAX_CHOICES: usize = 500;
const MAX_KEYRING_LOOKUPS: usize = 1000;

fn name<T: serde::Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

/// Open and overdue invoices first (the most urgent reminder first), then the rest,
/// newest first.
fn by_urgency(invoices: &mut [Invoice]) {
    let unpaid = |i: &Invoice| matches!(i.status, InvoiceStatus::Open | InvoiceStatus::Overdue);
    invoices.sort_by(|a, b| {
        unpaid(b)
            .cmp(&unpaid(a))
            .then(b.dunning_level.cmp(&a.dunning_level))
            .then_with(|| {
                if unpaid(a) {
                    a.due_date.cmp(&b.due_date)
                } else {
                    b.issue_date.cmp(&a.issue_date)
                }
            })
    });
}

/// The text with every secret link's key taken out (`…/#/s/<id>/<key>` becomes
/// `…/#/s/<id>`): what cowdesk keeps of a ticket it sent never opens the secret.
pub fn without_link_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = ["/#/s/", "/#/f/"]
        .iter()
        .filter_map(|m| rest.find(m).map(|i| (i, m.len())))
        .min()
    {
        let (start, marker) = at;
        let after = &rest[start + marker..];
        let id_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(after.len());
        let tail = &after[id_len..];
        let key_len = tail
            .strip_prefix('/')
            .map(|k| {
                k.find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(k.len())
            })
            .unwrap_or(0);
        out.push_str(&rest[..start + marker + id_len]);
        rest = if key_len > 0 {
            &tail[1 + key_len..]
        } else {
            tail
        };
    }
    out.push_str(rest);
    out
}

fn keyless(messages: Vec<TicketMessage>) -> Vec<TicketMessage> {
    messages
        .into_iter()
        .map(|m| TicketMessage {
            body: without_link_keys(&m.body),
            ..m
        })
        .collect()
}

/// The cached value `value` names (case aside), if any.
fn picked(value: &Option<String>, known: impl IntoIterator<Item = String>) -> Option<String> {
    let value = value.as_deref()?.trim();
    known.into_iter().find(|k| k.eq_ignore_ascii_case(value))
}

fn service_value(product: &str, id: &str) -> String {
    format!("{product} ({id})")
}

impl Core {
    /// What the cache of `account_id` offers the ticket forms.
    pub async fn support_context(&self, account_id: &str) -> Result<SupportContext, CoreError> {
        let account = self.store().account(account_id).await?;
        let customer_number = match self.store().profile(account_id).await? {
            Some(profile) => profile.customer_number,
            None => account.customer_number,
        };
        let mut invoices = self.store().invoices(account_id).await?;
        by_urgency(&mut invoices);
        let invoices = invoices
            .into_iter()
            .take(MAX_CHOICES)
            .map(|i| SupportChoice {
                value: i.number.clone(),
                id: i.number,
                status: name(&i.status),
                date: Some(i.due_date),
                amount_cents: Some(i.amount_cents),
            })
            .collect();
        let services = self
            .store()
            .services(account_id)
            .await?
            .into_iter()
            .take(MAX_CHOICES)
            .map(|s| SupportChoice {
                value: service_value(&s.product, &s.id),
                id: s.id,
                status: name(&s.status),
                date: Some(s.period_end),
                amount_cents: None,
            })
            .collect();
        let domains = self
            .store()
            .domains(account_id)
            .await?
            .into_iter()
            .take(MAX_CHOICES)
            .map(|d| d.name)
            .collect();
        let mailboxes = self
            .store()
            .mailboxes(account_id)
            .await?
            .into_iter()
            .take(MAX_CHOICES)
            .map(|m| m.address)
            .collect();
        Ok(SupportContext {
            customer_number: Some(customer_number).filter(|c| !c.is_empty()),
            login_email: self.login_info().map(|l| l.email),
            invoices,
            services,
            domains,
            mailboxes,
        })
    }

    /// A draft of `category` prefilled from the cache: what the user picked where it names
    /// something of the account, else the only domain / mailbox / service there is and the
    /// most urgent invoice.
    pub async fn support_draft_from(
        &self,
        account_id: &str,
        category: SupportCategory,
        selection: &SupportSelection,
    ) -> Result<SupportDraft, CoreError> {
        let mut invoices = self.store().invoices(account_id).await?;
        by_urgency(&mut invoices);
        let services = self.store().services(account_id).await?;
        let domains = self.store().domains(account_id).await?;
        let mailboxes = self.store().mailboxes(account_id).await?;
        let only = |items: Vec<String>| (items.len() == 1).then(|| items[0].clone());
        let invoice = picked(
            &selection.invoice_number,
            invoices.iter().map(|i| i.number.clone()),
        )
        .or_else(|| invoices.first().map(|i| i.number.clone()));
        let service = picked(&selection.service_id, services.iter().map(|s| s.id.clone()))
            .or_else(|| only(services.iter().map(|s| s.id.clone()).collect()));
        let domain = picked(&selection.domain, domains.iter().map(|d| d.name.clone()))
            .or_else(|| only(domains.iter().map(|d| d.name.clone()).collect()));
        let mailbox = picked(
            &selection.mailbox,
            mailboxes.iter().map(|m| m.address.clone()),
        )
        .or_else(|| only(mailboxes.iter().map(|m| m.address.clone()).collect()));
        let prefill = Prefill {
            invoice_number: invoice,
            service,
            domain,
            mailbox,
            ..Prefill::default()
        };
        self.support_draft(Some(account_id), category, prefill)
            .await
    }

    /// The secrets kept in the keyring that a ticket must never carry: the DNS API
    /// password, the password or API key of each mailcow connection, and the kept password
    /// of each of the account's mailboxes. Without a usable keyring nothing can have been
    /// kept there, so none are known.
    pub async fn support_known_secrets(
        &self,
        account_id: Option<&str>,
    ) -> Result<Vec<KnownSecret>, CoreError> {
        let mut known = Vec::new();
        match self.dns_api_credentials().await {
            Ok(Some((user, password))) => known.push(KnownSecret {
                value: password.expose().clone(),
                label: format!("DNS API ({user})"),
                kind: GuardFindingKind::KnownSecret,
            }),
            Ok(None) => {}
            Err(err) => tracing::info!("guard: DNS API password not read: {}", err.kind_name()),
        }
        known.extend(self.connection_secrets().await?);
        let Some(account_id) = account_id else {
            return Ok(known);
        };
        let mailboxes = self.store().mailboxes(account_id).await?;
        for mailbox in mailboxes.iter().take(MAX_KEYRING_LOOKUPS) {
            match self.mailbox_password(&mailbox.address).await {
                Ok(Some(password)) => known.push(KnownSecret {
                    value: password.expose().clone(),
                    label: mailbox.address.clone(),
                    kind: GuardFindingKind::KnownSecret,
                }),
                Ok(None) => {}
                Err(err) => {
                    tracing::info!("guard: kept passwords not read: {}", err.kind_name());
                    break;
                }
            }
        }
        Ok(known)
    }

    /// The profile's own mail domains: the account's domains and those of its mailboxes,
    /// and the domains of every mailcow connection.
    pub async fn bounce_context(
        &self,
        account_id: Option<&str>,
    ) -> Result<BounceContext, CoreError> {
        // The mailcow connections' domains are the profile's own whatever the account.
        let mut own_domains: Vec<String> = self
            .mailcow_domains()
            .await?
            .into_iter()
            .map(|d| d.name.to_ascii_lowercase())
            .collect();
        if let Some(account_id) = account_id {
            for domain in self.store().domains(account_id).await? {
                own_domains.push(domain.name.to_ascii_lowercase());
            }
            for mailbox in self.store().mailboxes(account_id).await? {
                if let Some((_, domain)) = mailbox.address.rsplit_once('@') {
                    own_domains.push(domain.to_ascii_lowercase());
                }
            }
        }
        own_domains.sort();
        own_domains.dedup();
        Ok(BounceContext { own_domains })
    }

    /// A pasted bounce explained with what the cache knows of the account (checked
    /// first: not empty, at most 8 MB). Parsing a large message takes a moment: it runs
    /// off the async threads.
    pub async fn explain_bounce_text(
        &self,
        account_id: Option<&str>,
        text: &str,
    ) -> Result<BounceExplanation, CoreError> {
        let text = crate::validate::support::bounce_text(text)?;
        let context = self.bounce_context(account_id).await?;
        let input = text.as_bytes().to_vec();
        let explained = tokio::task::spawn_blocking(move || explain_bounce(&input, &context))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok(explained?)
    }

    /// A ticket and its conversation: read from the portal when signed in (and kept),
    /// else, or when the portal cannot be reached, what the cache holds.
    pub async fn ticket_thread(
        &self,
        account_id: &str,
        ticket_id: &str,
    ) -> Result<CachedTicketThread, CoreError> {
        let Some(ticket) = self.store().ticket(account_id, ticket_id).await? else {
            return Err(CoreError::Refused {
                message: "This ticket is not in the cache (any more). Sync and try again."
                    .into(),
                message_de:
                    "Dieses Ticket ist nicht (mehr) im Zwischenspeicher. Bitte synchronisieren und erneut versuchen."
                        .into(),
            });
        };
        if let Ok(portal) = self.portal() {
            match portal.ticket_thread(account_id, ticket_id).await {
                Ok(thread) => {
                    let messages = keyless(thread.messages);
                    let now = chrono::Utc::now();
                    self.store()
                        .replace_ticket_messages(account_id, ticket_id, &messages, now)
                        .await?;
                    return Ok(CachedTicketThread {
                        ticket: thread.ticket,
                        messages,
                        fetched_at: Some(now),
                        from_cache: false,
                    });
                }
                Err(err @ (CoreError::Forbidden { .. } | CoreError::NotSignedIn)) => {
                    return Err(err)
                }
                Err(err) => tracing::info!("ticket thread from the cache: {}", err.kind_name()),
            }
        }
        let (messages, fetched_at) = self.store().ticket_messages(account_id, ticket_id).await?;
        Ok(CachedTicketThread {
            ticket,
            messages,
            fetched_at,
            from_cache: true,
        })
    }

    /// The finished text of a draft, checked (every bad field named in both languages).
    pub fn support_preview(&self, draft: &SupportDraft) -> Result<SupportTicketText, CoreError> {
        render_ticket(draft, self.today())
    }

    /// The secret service the links go to: the user's choice, else `default`.
    pub async fn secret_server(&self, default: &str) -> Result<String, CoreError> {
        Ok(self
            .setting(SETTING_SECRET_SERVER)
            .await?
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| default.to_owned()))
    }

    /// Sets the secret service (HTTPS, or HTTP to loopback); empty goes back to the
    /// default.
    pub async fn set_secret_server(&self, server: Option<&str>) -> Result<(), CoreError> {
        let value = match server.map(str::trim).filter(|s| !s.is_empty()) {
            None => String::new(),
            Some(s) if s.trim_end_matches('/') == DEFAULT_SECRET_SERVER => String::new(),
            Some(s) => {
                let url = check_server(s).map_err(|_| {
                    CoreError::field(
                        "server",
                        "Enter the secret service's address, starting with https:// (e.g. https://secrets.servercow.de).",
                        "Geben Sie die Adresse des Secret-Dienstes ein, beginnend mit https:// (z. B. https://secrets.servercow.de).",
                    )
                })?;
                url.as_str().trim_end_matches('/').to_owned()
            }
        };
        self.set_setting(SETTING_SECRET_SERVER, &value).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn invoice(number: &str, status: InvoiceStatus, dunning: u8, due: &str) -> Invoice {
        let due: NaiveDate = due.parse().unwrap();
        Invoice {
            number: number.into(),
            issue_date: due,
            due_date: due,
            amount_cents: 100,
            currency: "EUR".into(),
            status,
            dunning_level: dunning,
            paid_on: None,
        }
    }

    #[test]
    fn support_thread_keeps_no_link_key() {
        let text = "Link: https://s.example/#/s/3f2a-9b/AbCdEfGhIjKlMnOpQrStUv, and https://s.example/#/s/xyz and /#/f/q1/Zz9";
        assert_eq!(
            without_link_keys(text),
            "Link: https://s.example/#/s/3f2a-9b, and https://s.example/#/s/xyz and /#/f/q1"
        );
        assert_eq!(without_link_keys("no link here"), "no link here");
        assert_eq!(without_link_keys("/#/s/"), "/#/s/");
    }

    #[test]
    fn support_invoices_most_urgent_first() {
        let mut list = vec![
            invoice("paid-new", InvoiceStatus::Paid, 0, "2026-11-01"),
            invoice("open", InvoiceStatus::Open, 0, "2026-12-10"),
            invoice("reminded", InvoiceStatus::Overdue, 2, "2026-10-01"),
            invoice("paid-old", InvoiceStatus::Paid, 0, "2026-01-01"),
            invoice("overdue", InvoiceStatus::Overdue, 0, "2026-11-20"),
        ];
        by_urgency(&mut list);
        let order: Vec<_> = list.iter().map(|i| i.number.as_str()).collect();
        assert_eq!(
            order,
            ["reminded", "overdue", "open", "paid-new", "paid-old"]
        );
    }
}
