//! Things that happen to an account on the portal's side while cowdesk is running: a
//! payment reminder goes out, a service is suspended. Tests and the demo use them to see
//! alerts arrive with the next sync.

use chrono::Days;
use cowdesk_model::{Invoice, InvoiceStatus, Service, ServiceStatus};

use crate::SandboxHandle;

impl SandboxHandle {
    /// Raises the dunning level of an unpaid invoice — `number`, or the newest unpaid one
    /// without a reminder — and makes it overdue. The changed invoice, or `None` when the
    /// account or a fitting invoice does not exist.
    pub fn send_payment_reminder(&self, account_id: &str, number: Option<&str>) -> Option<Invoice> {
        let yesterday = self.today().checked_sub_days(Days::new(1))?;
        self.with_account(account_id, |data| {
            let invoice = data.invoices.iter_mut().find(|i| match number {
                Some(number) => i.number == number,
                None => {
                    matches!(i.status, InvoiceStatus::Open | InvoiceStatus::Overdue)
                        && i.dunning_level == 0
                }
            })?;
            if matches!(
                invoice.status,
                InvoiceStatus::Paid | InvoiceStatus::Cancelled
            ) {
                return None;
            }
            // A reminder goes out only after the due date.
            invoice.due_date = invoice.due_date.min(yesterday);
            invoice.status = InvoiceStatus::Overdue;
            invoice.dunning_level = invoice.dunning_level.saturating_add(1).min(3);
            Some(invoice.clone())
        })
        .flatten()
    }

    /// Suspends a service — `id`, or the first active one — for an unpaid invoice.
    pub fn suspend_service(
        &self,
        account_id: &str,
        id: Option<&str>,
        invoice_number: &str,
    ) -> Option<Service> {
        let reason = format!("Unpaid invoice {invoice_number}");
        self.set_service_status(account_id, id, ServiceStatus::Active, |service| {
            service.status = ServiceStatus::Suspended;
            service.status_reason = Some(reason);
        })
    }

    /// Reactivates a suspended service — `id`, or the first suspended one.
    pub fn reactivate_service(&self, account_id: &str, id: Option<&str>) -> Option<Service> {
        self.set_service_status(account_id, id, ServiceStatus::Suspended, |service| {
            service.status = ServiceStatus::Active;
            service.status_reason = None;
        })
    }

    /// Changes service `id`, or the first service whose status is `from`.
    fn set_service_status(
        &self,
        account_id: &str,
        id: Option<&str>,
        from: ServiceStatus,
        change: impl FnOnce(&mut Service),
    ) -> Option<Service> {
        self.with_account(account_id, |data| {
            let service = data.services.iter_mut().find(|s| match id {
                Some(id) => s.id == id,
                None => s.status == from,
            })?;
            change(service);
            Some(service.clone())
        })
        .flatten()
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use cowdesk_model::{InvoiceStatus, ServiceStatus};

    use crate::{SandboxConfig, SandboxHandle};

    const OWN: &str = "acc-100001";

    fn handle() -> SandboxHandle {
        SandboxHandle::new(&SandboxConfig {
            today: NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
            ..SandboxConfig::default()
        })
    }

    #[test]
    fn alert_scenario_reminder_makes_the_newest_open_invoice_overdue() {
        let h = handle();
        let newest = h.with_account(OWN, |d| d.invoices[0].clone()).unwrap();
        assert_eq!(
            (newest.status, newest.dunning_level),
            (InvoiceStatus::Open, 0)
        );
        let reminded = h.send_payment_reminder(OWN, None).unwrap();
        assert_eq!(reminded.number, newest.number);
        assert_eq!(reminded.status, InvoiceStatus::Overdue);
        assert_eq!(reminded.dunning_level, 1);
        assert_eq!(
            reminded.due_date,
            NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
        );
        // A second one raises the level; paid invoices get none.
        let again = h.send_payment_reminder(OWN, Some(&newest.number)).unwrap();
        assert_eq!(again.dunning_level, 2);
        let paid = h
            .with_account(OWN, |d| {
                d.invoices
                    .iter()
                    .find(|i| i.status == InvoiceStatus::Paid)
                    .unwrap()
                    .number
                    .clone()
            })
            .unwrap();
        assert_eq!(h.send_payment_reminder(OWN, Some(&paid)), None);
        assert_eq!(h.send_payment_reminder("acc-nobody", None), None);
    }

    #[test]
    fn alert_scenario_suspends_and_reactivates_a_service() {
        let h = handle();
        let suspended = h.suspend_service(OWN, None, "RE-2026-000001").unwrap();
        assert_eq!(suspended.status, ServiceStatus::Suspended);
        assert_eq!(
            suspended.status_reason.as_deref(),
            Some("Unpaid invoice RE-2026-000001")
        );
        let stored = h
            .with_account(OWN, |d| {
                d.services.iter().find(|s| s.id == suspended.id).cloned()
            })
            .flatten()
            .unwrap();
        assert_eq!(stored, suspended);
        let back = h.reactivate_service(OWN, Some(&suspended.id)).unwrap();
        assert_eq!(
            (back.status, back.status_reason),
            (ServiceStatus::Active, None)
        );
    }
}

/// What the demo's alert centre can make happen on the portal (its demo buttons), on the
/// demo user's own account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoEvent {
    /// A payment reminder for an unpaid invoice.
    Reminder,
    /// A service suspended for the invoice with a reminder.
    Suspension,
    /// The suspended service active again.
    Reactivation,
}

impl DemoEvent {
    /// "reminder", "suspension" or "reactivation".
    pub fn parse(name: &str) -> Option<DemoEvent> {
        match name {
            "reminder" => Some(DemoEvent::Reminder),
            "suspension" => Some(DemoEvent::Suspension),
            "reactivation" => Some(DemoEvent::Reactivation),
            _ => None,
        }
    }
}

impl SandboxHandle {
    /// Makes `event` happen on the demo user's own account. False when nothing is left
    /// for it (every invoice reminded, no service to suspend or reactivate).
    pub fn demo_event(&self, event: DemoEvent) -> bool {
        let own = self
            .lock()
            .visible_accounts(crate::DEMO_EMAIL)
            .into_iter()
            .find(|a| a.is_own)
            .map(|a| a.id);
        let Some(own) = own else {
            return false;
        };
        match event {
            DemoEvent::Reminder => self.send_payment_reminder(&own, None).is_some(),
            DemoEvent::Suspension => {
                let number = self
                    .with_account(&own, |d| {
                        d.invoices
                            .iter()
                            .find(|i| i.dunning_level > 0)
                            .map(|i| i.number.clone())
                    })
                    .flatten()
                    .unwrap_or_default();
                self.suspend_service(&own, None, &number).is_some()
            }
            DemoEvent::Reactivation => self.reactivate_service(&own, None).is_some(),
        }
    }
}
