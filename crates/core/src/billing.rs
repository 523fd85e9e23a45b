//! Billing and contracts (FAQ "Customer Portal & Billing" and "Suspension, Termination &
//! Access"): the invoice list and detail, PDFs in the cache, the accountant export,
//! "I already paid" and payment extensions, contracts with their notice deadlines,
//! cancellation and restore requests, and the billing settings.
//!
//! Reads come from the cache. Every request goes to the portal first and is kept in the
//! cache only from the portal's answer; a rule that fails, a role that lacks a permission
//! or a portal that cannot be reached sends nothing and loses nothing.

pub mod files;
pub mod forms;
pub mod notice;
pub mod query;
pub mod settings;

use std::path::Path;

use chrono::{NaiveDate, Utc};
use cowdesk_model::{
    Account, BillingRequest, BillingSettings, CancellationRequest, ExportProgress, ExportReport,
    ExtensionRequest, Invoice, InvoiceDetail, InvoiceList, InvoiceQuery, InvoiceRow, Listing,
    NewTicket, PaymentNotice, PdfResult, Permission, Profile, ProfileUpdate, Resource,
    RestoreRequest, Service, ServiceContract, ServiceDetail, ServiceStatus, TicketCategory,
};

use crate::error::CoreError;
use crate::portal::invoice_pdf_path;
use crate::session::Core;
use crate::store::{ResourceData, ResourceUpdate};

impl Core {
    /// The account with a check that its cached role holds `permissions`; a missing one
    /// fails before anything is sent, naming the permission.
    async fn account_allowing(
        &self,
        account_id: &str,
        permissions: &[Permission],
    ) -> Result<Account, CoreError> {
        let account = self.store().account(account_id).await?;
        if let Some(missing) = permissions.iter().find(|p| !account.role.allows(**p)) {
            return Err(CoreError::Forbidden {
                permission: Some(*missing),
            });
        }
        Ok(account)
    }

    async fn customer_number(&self, account: &Account) -> Result<String, CoreError> {
        Ok(match self.readable_profile(account).await? {
            Some(profile) => profile.customer_number,
            None => account.customer_number.clone(),
        })
    }

    // ----- invoices ----------------------------------------------------------------------

    pub async fn invoice_list(
        &self,
        account_id: &str,
        query: &InvoiceQuery,
    ) -> Result<InvoiceList, CoreError> {
        let account = self.store().account(account_id).await?;
        let permitted = self.permitted(&account, Resource::Invoices).await?;
        // What the role may not read is not shown, whatever the cache still holds.
        let invoices: Vec<Invoice> = self.readable(&account).await?;
        let today = self.today();
        // One look at the folder instead of one file check per row.
        let cached = files::cached_pdfs(self.files_dir(), account_id);
        let items = query::select(&invoices, query, today)
            .into_iter()
            .map(|invoice| InvoiceRow {
                overdue: query::is_overdue(invoice, today),
                pdf_cached: cached.contains(&invoice.number),
                invoice: invoice.clone(),
            })
            .collect();
        Ok(InvoiceList {
            items,
            total_count: invoices.len() as u32,
            years: query::totals_per_year(&invoices),
            permitted,
            last_synced: self.store().last_synced(account_id).await?,
        })
    }

    pub(crate) fn pdf_cached(&self, account_id: &str, number: &str) -> bool {
        files::invoice_pdf_path(self.files_dir(), account_id, number).is_ok_and(|p| p.is_file())
    }

    /// The cached invoice, if the role may read invoices.
    async fn cached_invoice(
        &self,
        account: &Account,
        number: &str,
    ) -> Result<Option<Invoice>, CoreError> {
        Ok(self
            .readable::<Invoice>(account)
            .await?
            .into_iter()
            .find(|i| i.number == number))
    }

    pub async fn invoice_detail(
        &self,
        account_id: &str,
        number: &str,
    ) -> Result<InvoiceDetail, CoreError> {
        let account = self.store().account(account_id).await?;
        self.require(&account, Resource::Invoices).await?;
        let invoice = self
            .cached_invoice(&account, number)
            .await?
            .ok_or(CoreError::NotFound)?;
        let today = self.today();
        let overdue = query::is_overdue(&invoice, today);
        let suspended_services = self
            .readable::<Service>(&account)
            .await?
            .into_iter()
            .filter(|s| s.status == ServiceStatus::Suspended && names(s, &invoice.number))
            .collect();
        let requests = self
            .store()
            .billing_requests(account_id)
            .await?
            .into_iter()
            .filter(|r| r.reference == invoice.number)
            .collect();
        Ok(InvoiceDetail {
            days_overdue: if overdue {
                (today - invoice.due_date).num_days().max(0)
            } else {
                0
            },
            overdue,
            pdf_cached: self.pdf_cached(account_id, number),
            customer_number: self.customer_number(&account).await?,
            suspended_services,
            requests,
            invoice,
        })
    }

    /// The invoice's PDF in the cache: fetched from the portal the first time, from the
    /// cache afterwards (also offline).
    pub async fn invoice_pdf(
        &self,
        account_id: &str,
        number: &str,
    ) -> Result<PdfResult, CoreError> {
        let account = self
            .account_allowing(account_id, &[Permission::Invoices])
            .await?;
        self.require(&account, Resource::Invoices).await?;
        let path = files::invoice_pdf_path(self.files_dir(), account_id, number)?;
        if path.is_file() {
            return Ok(PdfResult {
                path: path.display().to_string(),
                from_cache: true,
            });
        }
        if self.cached_invoice(&account, number).await?.is_none() {
            return Err(CoreError::NotFound);
        }
        self.fetch_invoice_pdf(account_id, number, path).await
    }

    /// Fetches an invoice's PDF into the cache at `path`.
    async fn fetch_invoice_pdf(
        &self,
        account_id: &str,
        number: &str,
        path: std::path::PathBuf,
    ) -> Result<PdfResult, CoreError> {
        let bytes = self
            .portal()?
            .fetch_pdf(account_id, &invoice_pdf_path(number))
            .await?;
        files::write_atomically(&path, &bytes)?;
        Ok(PdfResult {
            path: path.display().to_string(),
            from_cache: false,
        })
    }

    /// The data processing agreement (FAQ "Is there a DPA?"): fetched fresh when the portal
    /// answers, the cached copy otherwise.
    pub async fn dpa_pdf(&self, account_id: &str) -> Result<PdfResult, CoreError> {
        self.account_allowing(account_id, &[Permission::Profile])
            .await?;
        let path = files::dpa_path(self.files_dir(), account_id)?;
        let fetched = match self.portal() {
            Ok(portal) => portal.fetch_pdf(account_id, "dpa").await,
            Err(err) => Err(err),
        };
        match fetched {
            Ok(bytes) => {
                files::write_atomically(&path, &bytes)?;
                Ok(PdfResult {
                    path: path.display().to_string(),
                    from_cache: false,
                })
            }
            Err(CoreError::Offline(_) | CoreError::NotSignedIn) if path.is_file() => {
                Ok(PdfResult {
                    path: path.display().to_string(),
                    from_cache: true,
                })
            }
            Err(err) => Err(err),
        }
    }

    /// Copies the PDFs of every invoice issued from `from` to `to` into a new folder inside
    /// `chosen`, with a CSV summary. PDFs not yet cached are fetched; when that fails
    /// because the portal cannot be reached, the invoice is listed as missing and its CSV
    /// row stays. `progress` hears of every invoice.
    pub async fn export_invoices(
        &self,
        account_id: &str,
        from: NaiveDate,
        to: NaiveDate,
        chosen: &Path,
        progress: &(dyn Fn(ExportProgress) + Send + Sync),
    ) -> Result<ExportReport, CoreError> {
        let account = self
            .account_allowing(account_id, &[Permission::Invoices])
            .await?;
        if from > to {
            return Err(CoreError::field(
                "period",
                "The period ends before it starts.",
                "Der Zeitraum endet, bevor er beginnt.",
            ));
        }
        self.require(&account, Resource::Invoices).await?;
        let mut invoices: Vec<Invoice> = self
            .readable(&account)
            .await?
            .into_iter()
            .filter(|i: &Invoice| i.issue_date >= from && i.issue_date <= to)
            .collect();
        if invoices.is_empty() {
            return Err(CoreError::field(
                "period",
                "No invoices were issued in this period.",
                "In diesem Zeitraum wurden keine Rechnungen ausgestellt.",
            ));
        }
        invoices.sort_by(|a, b| {
            a.issue_date
                .cmp(&b.issue_date)
                .then(a.number.cmp(&b.number))
        });
        let folder = files::export_folder(chosen, &self.customer_number(&account).await?, from, to);
        std::fs::create_dir_all(&folder).map_err(|e| files::io_error(&folder, &e))?;
        let total = invoices.len() as u32;
        let mut rows = Vec::with_capacity(invoices.len());
        let mut missing = Vec::new();
        for (done, invoice) in invoices.iter().enumerate() {
            progress(ExportProgress {
                done: done as u32,
                total,
                number: invoice.number.clone(),
            });
            // The invoices come from the cache and the permission is checked: straight to
            // the file (or the portal), no lookup per invoice.
            let path = files::invoice_pdf_path(self.files_dir(), account_id, &invoice.number)?;
            let pdf = if path.is_file() {
                Ok(PdfResult {
                    path: path.display().to_string(),
                    from_cache: true,
                })
            } else {
                self.fetch_invoice_pdf(account_id, &invoice.number, path)
                    .await
            };
            let file = match pdf {
                Ok(pdf) => {
                    let name = format!("{}.pdf", invoice.number);
                    let target = folder.join(&name);
                    std::fs::copy(&pdf.path, &target).map_err(|e| files::io_error(&target, &e))?;
                    Some(name)
                }
                Err(CoreError::Offline(_) | CoreError::NotSignedIn | CoreError::NotFound) => {
                    missing.push(invoice.number.clone());
                    None
                }
                Err(err) => return Err(err),
            };
            rows.push((invoice, file));
        }
        let csv_name = format!("invoices-{}.csv", files::period_label(from, to));
        let csv_path = folder.join(&csv_name);
        files::write_atomically(&csv_path, files::csv(&rows).as_bytes())?;
        progress(ExportProgress {
            done: total,
            total,
            number: String::new(),
        });
        Ok(ExportReport {
            folder: folder.display().to_string(),
            csv_file: csv_path.display().to_string(),
            pdf_count: rows.iter().filter(|(_, f)| f.is_some()).count() as u32,
            missing,
        })
    }

    // ----- tickets -----------------------------------------------------------------------

    /// Sends a checked ticket, keeps the portal's answer in the cache and remembers what it
    /// was about.
    async fn send_billing_ticket(
        &self,
        account_id: &str,
        ticket: NewTicket,
        date: Option<NaiveDate>,
    ) -> Result<BillingRequest, CoreError> {
        let portal = self.portal()?;
        let created = portal.create_ticket(account_id, &ticket).await?;
        // Kept at once, so views show it before the next sync brings the whole list.
        let update = ResourceUpdate::Patched {
            data: ResourceData::Tickets(vec![created.clone()]),
            existing_only: false,
        };
        self.write_cache(account_id, &[update], &[]).await?;
        let request = BillingRequest {
            ticket_id: created.id.clone(),
            category: ticket.category.unwrap_or(TicketCategory::General),
            reference: ticket.reference.clone().unwrap_or_default(),
            subject: created.subject.clone(),
            sent_at: Utc::now(),
            status: created.status,
            date,
        };
        self.store()
            .record_billing_request(account_id, &request)
            .await?;
        Ok(request)
    }

    pub async fn send_payment_notice(
        &self,
        account_id: &str,
        notice: &PaymentNotice,
    ) -> Result<BillingRequest, CoreError> {
        let account = self
            .account_allowing(account_id, &[Permission::Tickets])
            .await?;
        let invoice = self
            .cached_invoice(&account, &notice.invoice_number)
            .await?;
        let customer = self.customer_number(&account).await?;
        let ticket = forms::payment_notice(notice, invoice.as_ref(), &customer, self.today())?;
        self.send_billing_ticket(account_id, ticket, Some(notice.payment_date))
            .await
    }

    pub async fn send_payment_extension(
        &self,
        account_id: &str,
        request: &ExtensionRequest,
    ) -> Result<BillingRequest, CoreError> {
        let account = self
            .account_allowing(account_id, &[Permission::Tickets])
            .await?;
        let invoice = self
            .cached_invoice(&account, &request.invoice_number)
            .await?;
        let customer = self.customer_number(&account).await?;
        let ticket = forms::payment_extension(request, invoice.as_ref(), &customer, self.today())?;
        self.send_billing_ticket(account_id, ticket, Some(request.expected_date))
            .await
    }

    pub async fn send_cancellation(
        &self,
        account_id: &str,
        request: &CancellationRequest,
    ) -> Result<BillingRequest, CoreError> {
        let account = self
            .account_allowing(account_id, &[Permission::Services, Permission::Tickets])
            .await?;
        let service = self.cached_service(&account, &request.service_id).await?;
        let today = self.today();
        let earliest_end = service
            .as_ref()
            .map(|s| notice::contract_dates(s.period_end, s.term_months, today).earliest_end);
        let customer = self.customer_number(&account).await?;
        let ticket =
            forms::cancellation(request, service.as_ref(), earliest_end, &customer, today)?;
        self.send_billing_ticket(account_id, ticket, Some(request.date))
            .await
    }

    pub async fn send_restore_request(
        &self,
        account_id: &str,
        request: &RestoreRequest,
    ) -> Result<BillingRequest, CoreError> {
        let account = self
            .account_allowing(account_id, &[Permission::Services, Permission::Tickets])
            .await?;
        let service = self.cached_service(&account, &request.service_id).await?;
        let customer = self.customer_number(&account).await?;
        let ticket = forms::restore(request, service.as_ref(), &customer, self.today())?;
        self.send_billing_ticket(account_id, ticket, Some(request.noticed_on))
            .await
    }

    // ----- services ----------------------------------------------------------------------

    /// The cached service, if the role may read services.
    async fn cached_service(
        &self,
        account: &Account,
        id: &str,
    ) -> Result<Option<Service>, CoreError> {
        Ok(self
            .readable::<Service>(account)
            .await?
            .into_iter()
            .find(|s| s.id == id))
    }

    fn contract(
        &self,
        service: Service,
        requests: &[BillingRequest],
        today: NaiveDate,
    ) -> ServiceContract {
        let dates = notice::contract_dates(service.period_end, service.term_months, today);
        let cancellation = requests
            .iter()
            .find(|r| r.category == TicketCategory::Cancellation && r.reference == service.id)
            .cloned();
        ServiceContract {
            notice_deadline: dates.deadline,
            days_to_deadline: dates.days_left,
            earliest_end: dates.earliest_end,
            cancellation,
            service,
        }
    }

    pub async fn service_contracts(
        &self,
        account_id: &str,
    ) -> Result<Listing<ServiceContract>, CoreError> {
        let account = self.store().account(account_id).await?;
        let permitted = self.permitted(&account, Resource::Services).await?;
        let requests = self.store().billing_requests(account_id).await?;
        let today = self.today();
        let services: Vec<Service> = self.readable(&account).await?;
        let items = services
            .into_iter()
            .map(|s| self.contract(s, &requests, today))
            .collect();
        Ok(Listing {
            items,
            permitted,
            last_synced: self.store().last_synced(account_id).await?,
        })
    }

    pub async fn service_detail(
        &self,
        account_id: &str,
        service_id: &str,
    ) -> Result<ServiceDetail, CoreError> {
        let account = self.store().account(account_id).await?;
        self.require(&account, Resource::Services).await?;
        let service = self
            .cached_service(&account, service_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let today = self.today();
        let all_requests = self.store().billing_requests(account_id).await?;
        let open_invoices = if service.status == ServiceStatus::Suspended {
            invoices_behind(&service, self.readable(&account).await?, today)
        } else {
            Vec::new()
        };
        let requests = all_requests
            .iter()
            .filter(|r| {
                r.reference == service.id || open_invoices.iter().any(|i| i.number == r.reference)
            })
            .cloned()
            .collect();
        Ok(ServiceDetail {
            contract: self.contract(service, &all_requests, today),
            customer_number: self.customer_number(&account).await?,
            open_invoices,
            requests,
        })
    }

    // ----- billing settings --------------------------------------------------------------

    pub async fn billing_settings(&self, account_id: &str) -> Result<BillingSettings, CoreError> {
        let account = self.store().account(account_id).await?;
        let permitted = self.permitted(&account, Resource::Profile).await?;
        Ok(BillingSettings {
            profile: self.readable_profile(&account).await?,
            permitted,
            last_synced: self.store().last_synced(account_id).await?,
        })
    }

    /// Sends the new address and billing e-mails; the cache takes the portal's answer.
    pub async fn update_billing_settings(
        &self,
        account_id: &str,
        update: &ProfileUpdate,
    ) -> Result<Profile, CoreError> {
        self.account_allowing(account_id, &[Permission::Profile])
            .await?;
        let update = settings::checked_update(update)?;
        let profile = self.portal()?.update_profile(account_id, &update).await?;
        // The profile's ETag stays, so the next sync fetches it once more.
        let update = ResourceUpdate::Patched {
            data: ResourceData::Profile(Box::new(profile.clone())),
            existing_only: false,
        };
        self.write_cache(account_id, &[update], &[]).await?;
        Ok(profile)
    }
}

/// Whether a service's status reason names the invoice.
fn names(service: &Service, number: &str) -> bool {
    service
        .status_reason
        .as_deref()
        .is_some_and(|reason| reason.contains(number))
}

/// The unpaid invoices behind a suspension: those the reason names, else every overdue or
/// reminded unpaid invoice; most urgent first.
fn invoices_behind(service: &Service, invoices: Vec<Invoice>, today: NaiveDate) -> Vec<Invoice> {
    let unpaid: Vec<Invoice> = invoices.into_iter().filter(query::is_unpaid).collect();
    let named: Vec<Invoice> = unpaid
        .iter()
        .filter(|i| names(service, &i.number))
        .cloned()
        .collect();
    let mut behind = if named.is_empty() {
        unpaid
            .into_iter()
            .filter(|i| query::is_overdue(i, today) || i.dunning_level > 0)
            .collect()
    } else {
        named
    };
    behind.sort_by(|a, b| {
        b.dunning_level
            .cmp(&a.dunning_level)
            .then(a.due_date.cmp(&b.due_date))
    });
    behind
}

#[cfg(test)]
mod tests {
    use super::*;
    use cowdesk_model::InvoiceStatus;

    fn invoice(number: &str, status: InvoiceStatus, due: &str, dunning: u8) -> Invoice {
        Invoice {
            number: number.into(),
            issue_date: "2026-10-01".parse().unwrap(),
            due_date: due.parse().unwrap(),
            amount_cents: 100,
            currency: "EUR".into(),
            status,
            dunning_level: dunning,
            paid_on: None,
        }
    }

    #[test]
    fn billing_suspension_lists_the_invoices_behind_it() {
        let today: NaiveDate = "2026-11-25".parse().unwrap();
        let invoices = vec![
            invoice("RE-1", InvoiceStatus::Overdue, "2026-11-01", 1),
            invoice("RE-2", InvoiceStatus::Open, "2026-11-20", 0),
            invoice("RE-3", InvoiceStatus::Open, "2026-12-20", 0),
            invoice("RE-4", InvoiceStatus::Paid, "2026-10-20", 0),
        ];
        let mut service = Service {
            id: "s".into(),
            kind: "server".into(),
            product: "vServer S".into(),
            status: ServiceStatus::Suspended,
            term_months: 1,
            period_end: today,
            status_reason: Some("Unpaid invoice RE-2".into()),
            status_reason_text: None,
            mail_allowance: None,
        };
        let numbers = |v: Vec<Invoice>| v.into_iter().map(|i| i.number).collect::<Vec<_>>();
        assert_eq!(
            numbers(invoices_behind(&service, invoices.clone(), today)),
            ["RE-2"]
        );
        service.status_reason = Some("Contract issue".into());
        assert_eq!(
            numbers(invoices_behind(&service, invoices, today)),
            ["RE-1", "RE-2"]
        );
    }
}
