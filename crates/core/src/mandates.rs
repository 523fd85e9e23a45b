//! Payment mandates: add SEPA (checked here before any request), add PayPal or card
//! through the provider's approval (polled with a time limit, cancellable), make one the
//! default, cancel one. After each change the account's mandates are fetched again, so
//! the cache holds exactly the server's list: a failed add leaves no row behind.
//! The cache never holds a full IBAN or card number: the server answers masked labels.

mod approval_desk;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use cowdesk_model::{
    ActivityAction, ApprovalProgress, ApprovalStatus, Invoice, InvoiceStatus, Mandate,
    MandateApproval, MandateImpact, MandateKind, MandateStatus, NewMandate, Permission, Resource,
};
use tokio::sync::watch;

use crate::alerts::evaluate::Acknowledged;
use crate::error::CoreError;
use crate::portal::{account_path, segment, Fetched, Method, Portal};
use crate::session::Core;
use crate::store::{ResourceData, ResourceUpdate};
use crate::validate::sepa;

pub use approval_desk::{ApprovalDesk, ApprovalTicket};

/// How long cowdesk waits for an approval at the provider, at most.
pub const APPROVAL_TIME_LIMIT: Duration = Duration::from_secs(10 * 60);
/// How often the approval is polled.
pub const APPROVAL_POLL: Duration = Duration::from_secs(1);

/// What the waiting loop reports: the approval's status and the seconds left.
pub type ApprovalReport<'a> = &'a (dyn Fn(ApprovalStatus, u32) + Send + Sync);

pub use crate::validate::ids::mandate_id as object_id;

/// A key unique to one add request, so a retried POST never adds twice.
fn idempotency_key(account_id: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    format!(
        "cowdesk-{account_id}-{nanos}-{}",
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

fn refused(en: &str, de: &str) -> CoreError {
    CoreError::Refused {
        message: en.to_owned(),
        message_de: de.to_owned(),
    }
}

impl Core {
    /// Adds a SEPA mandate. Holder, IBAN and BIC are checked first (nothing is sent when
    /// one is wrong); the server's 422 comes back with its field errors.
    pub async fn add_sepa_mandate(
        &self,
        account_id: &str,
        holder: &str,
        iban: &str,
        bic: &str,
    ) -> Result<Mandate, CoreError> {
        let checked = (sepa::holder(holder), sepa::iban(iban), sepa::bic(bic));
        let (holder, iban, bic) = match checked {
            (Ok(h), Ok(i), Ok(b)) => (h, i, b),
            (h, i, b) => return Err(merge_field_errors([h.err(), i.err(), b.err()])),
        };
        self.may_change_mandates(account_id).await?;
        let body = NewMandate {
            kind: MandateKind::Sepa,
            holder: Some(holder),
            iban: Some(iban),
            bic,
        };
        let portal = self.portal()?;
        let key = idempotency_key(account_id);
        let (_, mandate): (_, Mandate) = portal
            .call(
                Method::POST,
                &account_path(account_id, "mandates"),
                Some(&body),
                Some(&key),
            )
            .await?;
        drop(body);
        self.refresh_mandates(account_id, &[]).await?;
        self.record_activity(account_id, ActivityAction::MandateAdded, &mandate.label)
            .await;
        Ok(mandate)
    }

    /// Starts a PayPal subscription or card mandate: the approval to open in the browser.
    pub async fn start_provider_mandate(
        &self,
        account_id: &str,
        kind: MandateKind,
    ) -> Result<MandateApproval, CoreError> {
        if kind == MandateKind::Sepa {
            return Err(CoreError::field(
                "kind",
                "SEPA mandates are added with the form.",
                "SEPA-Mandate werden über das Formular hinzugefügt.",
            ));
        }
        self.may_change_mandates(account_id).await?;
        let portal = self.portal()?;
        let body = NewMandate {
            kind,
            holder: None,
            iban: None,
            bic: None,
        };
        let key = idempotency_key(account_id);
        let (_, approval): (_, MandateApproval) = portal
            .call(
                Method::POST,
                &account_path(account_id, "mandates"),
                Some(&body),
                Some(&key),
            )
            .await?;
        crate::portal::check_server(&approval.approval_url).map_err(|_| {
            CoreError::Server("the approval address is not an HTTPS address".into())
        })?;
        Ok(approval)
    }

    /// Adds a PayPal or card mandate: reserves `desk`, starts the approval, opens the
    /// provider's page in the system browser and waits (polling, with a time limit,
    /// cancellable through `desk`) until it is decided; `progress` hears every state.
    pub async fn add_provider_mandate(
        &self,
        desk: &ApprovalDesk,
        account_id: &str,
        kind: MandateKind,
        progress: &(dyn Fn(ApprovalProgress) + Send + Sync),
    ) -> Result<Mandate, CoreError> {
        let ticket = desk.begin()?;
        let approval = self.start_provider_mandate(account_id, kind).await?;
        ticket.set_url(&approval.approval_url);
        let browser_opened = match crate::browser::open(&approval.approval_url) {
            Ok(()) => true,
            Err(reason) => {
                tracing::warn!("approval page not opened: {reason}");
                false
            }
        };
        let report = |status, seconds_left| {
            progress(ApprovalProgress {
                account_id: account_id.to_owned(),
                kind,
                status,
                seconds_left,
                browser_opened,
            })
        };
        report(
            ApprovalStatus::Pending,
            APPROVAL_TIME_LIMIT.as_secs() as u32,
        );
        let cancel = ticket.cancel.clone();
        self.wait_for_approval(account_id, &approval, APPROVAL_TIME_LIMIT, cancel, &report)
            .await
    }

    /// Polls the approval until it is decided, `limit` passes or `cancel` turns true.
    /// Approved: the mandates are fetched again and the new one is returned. Anything
    /// else: the approval is cancelled on the server (best effort) and nothing is added.
    pub async fn wait_for_approval(
        &self,
        account_id: &str,
        approval: &MandateApproval,
        limit: Duration,
        mut cancel: watch::Receiver<bool>,
        report: ApprovalReport<'_>,
    ) -> Result<Mandate, CoreError> {
        let portal = self.portal()?;
        let path = account_path(
            account_id,
            &format!("mandate-approvals/{}", segment(object_id(&approval.id)?)),
        );
        let deadline = tokio::time::Instant::now() + limit;
        let mut listening = true;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let (_, current): (_, MandateApproval) =
                portal.call::<(), _>(Method::GET, &path, None, None).await?;
            report(current.status, left.as_secs() as u32);
            match current.status {
                ApprovalStatus::Pending => {}
                ApprovalStatus::Approved => {
                    let mandates = self.refresh_mandates(account_id, &[]).await?;
                    let mandate = mandates
                        .into_iter()
                        .find(|m| Some(&m.id) == current.mandate_id.as_ref())
                        .ok_or_else(|| CoreError::Server("approved mandate not listed".into()))?;
                    self.record_activity(account_id, ActivityAction::MandateAdded, &mandate.label)
                        .await;
                    return Ok(mandate);
                }
                ApprovalStatus::Denied => {
                    return Err(refused(
                        "The payment provider reports that the approval was denied. Nothing was added.",
                        "Der Zahlungsanbieter meldet, dass die Freigabe abgelehnt wurde. Es wurde nichts hinzugefügt.",
                    ))
                }
                ApprovalStatus::Expired | ApprovalStatus::Cancelled => {
                    return Err(refused(
                        "The approval is no longer valid. Nothing was added; please start again.",
                        "Die Freigabe ist nicht mehr gültig. Es wurde nichts hinzugefügt; bitte erneut beginnen.",
                    ))
                }
            }
            if left.is_zero() {
                self.cancel_approval(account_id, &approval.id).await;
                return Err(refused(
                    "No approval arrived in time. Nothing was added; please start again.",
                    "Die Freigabe kam nicht rechtzeitig. Es wurde nichts hinzugefügt; bitte erneut beginnen.",
                ));
            }
            let pause = APPROVAL_POLL.min(left);
            // Some(true): the user stopped; Some(false): nobody can stop any more.
            let stopped = if listening {
                tokio::select! {
                    _ = tokio::time::sleep(pause) => None,
                    changed = cancel.wait_for(|stop| *stop) => Some(changed.is_ok()),
                }
            } else {
                tokio::time::sleep(pause).await;
                None
            };
            match stopped {
                Some(true) => {
                    self.cancel_approval(account_id, &approval.id).await;
                    return Err(refused(
                        "You stopped waiting for the approval. Nothing was added.",
                        "Sie haben das Warten auf die Freigabe beendet. Es wurde nichts hinzugefügt.",
                    ));
                }
                Some(false) => {
                    listening = false;
                    tokio::time::sleep(pause).await;
                }
                None => {}
            }
        }
    }

    /// Stops an approval on the server so its link no longer works (best effort).
    async fn cancel_approval(&self, account_id: &str, approval_id: &str) {
        let Ok(portal) = self.portal() else { return };
        let path = account_path(
            account_id,
            &format!("mandate-approvals/{}/cancel", segment(approval_id)),
        );
        let key = idempotency_key(account_id);
        let result: Result<(_, MandateApproval), _> = portal
            .call::<(), _>(Method::POST, &path, None, Some(&key))
            .await;
        if let Err(err) = result {
            tracing::info!("approval not cancelled on the server: {}", err.kind_name());
        }
    }

    /// What making `mandate_id` the default or cancelling it affects, from the cache.
    pub async fn mandate_impact(
        &self,
        account_id: &str,
        mandate_id: &str,
    ) -> Result<MandateImpact, CoreError> {
        let mandate_id = object_id(mandate_id)?;
        let account = self.store().account(account_id).await?;
        self.require(&account, Resource::Mandates).await?;
        let mandates: Vec<Mandate> = self.readable(&account).await?;
        let mandate = mandates
            .iter()
            .find(|m| m.id == mandate_id)
            .cloned()
            .ok_or(CoreError::NotFound)?;
        let active = mandates
            .iter()
            .filter(|m| m.status == MandateStatus::Active)
            .count();
        let mut open_invoices: Vec<_> = self
            .readable::<Invoice>(&account)
            .await?
            .into_iter()
            .filter(|i| matches!(i.status, InvoiceStatus::Open | InvoiceStatus::Overdue))
            .collect();
        open_invoices.sort_by_key(|i| i.due_date);
        Ok(MandateImpact {
            last_active: mandate.status == MandateStatus::Active && active == 1,
            mandate,
            open_invoices,
        })
    }

    /// Makes an active mandate the default for new invoices.
    pub async fn set_default_mandate(
        &self,
        account_id: &str,
        mandate_id: &str,
    ) -> Result<Mandate, CoreError> {
        self.change_mandate(
            account_id,
            mandate_id,
            "default",
            ActivityAction::MandateDefaulted,
        )
        .await
    }

    pub async fn cancel_mandate(
        &self,
        account_id: &str,
        mandate_id: &str,
    ) -> Result<Mandate, CoreError> {
        self.change_mandate(
            account_id,
            mandate_id,
            "cancel",
            ActivityAction::MandateCancelled,
        )
        .await
    }

    async fn change_mandate(
        &self,
        account_id: &str,
        mandate_id: &str,
        verb: &str,
        action: ActivityAction,
    ) -> Result<Mandate, CoreError> {
        let mandate_id = object_id(mandate_id)?;
        self.may_change_mandates(account_id).await?;
        let portal = self.portal()?;
        let path = account_path(
            account_id,
            &format!("mandates/{}/{verb}", segment(mandate_id)),
        );
        // One key for every attempt: a retry after a lost answer gets the first answer
        // ("done"), not a 409 for the state the first attempt already changed.
        let key = idempotency_key(account_id);
        let (_, mandate): (_, Mandate) = portal
            .call::<(), _>(Method::POST, &path, None, Some(&key))
            .await
            .map_err(|err| match err {
                CoreError::Conflict(_) => refused(
                    "This is not possible in the mandate's current state (only an active mandate can be the default; a cancelled one cannot be cancelled again). Sync and try again.",
                    "Das ist im aktuellen Zustand des Mandats nicht möglich (nur ein aktives Mandat kann Standard sein; ein gekündigtes kann nicht erneut gekündigt werden). Bitte synchronisieren und erneut versuchen.",
                ),
                other => other,
            })?;
        // The user's own change is no news to them; anything else the list shows is.
        self.refresh_mandates(account_id, &[(Resource::Mandates, mandate_id.to_owned())])
            .await?;
        self.record_activity(account_id, action, &mandate.label)
            .await;
        Ok(mandate)
    }

    /// The cached role allows mandates (a 403 from the server says the same later).
    async fn may_change_mandates(&self, account_id: &str) -> Result<(), CoreError> {
        let account = self.store().account(account_id).await?;
        if account.role.allows(Permission::Mandates) {
            Ok(())
        } else {
            Err(CoreError::Forbidden {
                permission: Some(Permission::Mandates),
            })
        }
    }

    /// Fetches the account's mandates and makes the cache exactly that list, through the
    /// write path: a change made elsewhere (a mandate cancelled at the bank, say) is
    /// announced as a sync would announce it; events about `acknowledged` mandates (the
    /// user's own change) are not.
    async fn refresh_mandates(
        &self,
        account_id: &str,
        acknowledged: &Acknowledged,
    ) -> Result<Vec<Mandate>, CoreError> {
        let portal = self.portal()?;
        let (mandates, etag) = match portal
            .collection::<Mandate>(account_id, Resource::Mandates, None)
            .await?
        {
            Fetched::Fresh { value, etag } => (value, etag),
            Fetched::Unchanged => return self.store().mandates(account_id).await,
        };
        let update = ResourceUpdate::Changed {
            data: ResourceData::Mandates(mandates.clone()),
            etag,
        };
        self.write_cache(account_id, &[update], acknowledged)
            .await?;
        Ok(mandates)
    }
}

/// One error carrying every field problem of the form.
fn merge_field_errors(errors: [Option<CoreError>; 3]) -> CoreError {
    let mut fields = std::collections::BTreeMap::new();
    let mut fields_de = std::collections::BTreeMap::new();
    let mut first: Option<(String, String)> = None;
    for err in errors.into_iter().flatten() {
        if let CoreError::InvalidInput {
            message,
            message_de,
            fields: more,
            fields_de: more_de,
            ..
        } = err
        {
            first.get_or_insert((message, message_de));
            fields.extend(more);
            fields_de.extend(more_de);
        }
    }
    let (message, message_de) = first.unwrap_or_default();
    CoreError::fields(&message, &message_de, fields, fields_de)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mandate_ids_are_checked() {
        assert!(object_id("acc-100001-m1").is_ok());
        for bad in ["", "../x", "a b", "a/b"] {
            assert!(object_id(bad).is_err(), "{bad:?}");
        }
        assert!(object_id(&"a".repeat(65)).is_err());
    }

    #[test]
    fn mandate_idempotency_keys_differ() {
        assert_ne!(idempotency_key("acc-1"), idempotency_key("acc-1"));
    }

    #[test]
    fn mandate_form_errors_are_merged_per_field() {
        let err = merge_field_errors([
            sepa::holder("").err(),
            sepa::iban("DE00").err(),
            sepa::bic("").err(),
        ]);
        let info = err.info();
        assert_eq!(
            info.fields.keys().map(String::as_str).collect::<Vec<_>>(),
            ["holder", "iban"]
        );
    }
}
