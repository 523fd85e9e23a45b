//! The write path as it was before the bulk writes: one single-row INSERT per row, after
//! deleting the resource's rows. Kept for the tests only, as the reference the bulk path
//! must match row for row.

use chrono::{DateTime, Utc};
use cowdesk_model::Resource;
use sqlx::{Sqlite, Transaction};

use super::{name_of, to_json, ResourceData, ResourceUpdate};
use crate::error::CoreError;

/// One account's sync result, written row by row inside the caller's transaction.
pub(crate) async fn write_sync_row_by_row(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: &str,
    updates: &[ResourceUpdate],
    synced_at: DateTime<Utc>,
) -> Result<(), CoreError> {
    let synced_at = synced_at.to_rfc3339();
    for update in updates {
        let (resource, etag, permitted) = match update {
            ResourceUpdate::Changed { data, etag } => {
                let resource = data.resource();
                clear_resource(tx, account_id, resource).await?;
                insert_resource(tx, account_id, data).await?;
                (resource, etag.clone(), true)
            }
            ResourceUpdate::Unchanged(resource) => {
                let name = name_of(resource)?;
                sqlx::query!(
                    "UPDATE sync_state SET synced_at = ? WHERE account_id = ? AND resource = ?",
                    synced_at,
                    account_id,
                    name
                )
                .execute(&mut **tx)
                .await?;
                continue;
            }
            ResourceUpdate::NotPermitted(resource) => {
                clear_resource(tx, account_id, *resource).await?;
                (*resource, None, false)
            }
            ResourceUpdate::Patched { .. } | ResourceUpdate::Mailcow(_) => {
                return Err(CoreError::Internal("the old path had no patches".into()))
            }
        };
        let name = name_of(&resource)?;
        sqlx::query!(
            "INSERT INTO sync_state (account_id, resource, etag, permitted, synced_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (account_id, resource) DO UPDATE SET etag = excluded.etag,
                 permitted = excluded.permitted, synced_at = excluded.synced_at",
            account_id,
            name,
            etag,
            permitted,
            synced_at
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub(crate) async fn clear_resource(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: &str,
    resource: Resource,
) -> Result<(), CoreError> {
    let statement = match resource {
        Resource::Profile => sqlx::query!("DELETE FROM profiles WHERE account_id = ?", account_id),
        Resource::Invoices => sqlx::query!("DELETE FROM invoices WHERE account_id = ?", account_id),
        Resource::Mandates => sqlx::query!("DELETE FROM mandates WHERE account_id = ?", account_id),
        Resource::Services => sqlx::query!("DELETE FROM services WHERE account_id = ?", account_id),
        Resource::Domains => sqlx::query!("DELETE FROM domains WHERE account_id = ?", account_id),
        Resource::Mailboxes => {
            sqlx::query!("DELETE FROM mailboxes WHERE account_id = ?", account_id)
        }
        Resource::Users => {
            sqlx::query!("DELETE FROM account_users WHERE account_id = ?", account_id)
        }
        Resource::Tickets => sqlx::query!("DELETE FROM tickets WHERE account_id = ?", account_id),
    };
    statement.execute(&mut **tx).await?;
    Ok(())
}

pub(crate) async fn insert_resource(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: &str,
    data: &ResourceData,
) -> Result<(), CoreError> {
    match data {
        ResourceData::Profile(p) => {
            let billing = to_json(&p.billing_emails)?;
            sqlx::query!(
                "INSERT INTO profiles (account_id, customer_number, email, company, name, street,
                     postal_code, city, country, billing_emails)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                account_id,
                p.customer_number,
                p.email,
                p.address.company,
                p.address.name,
                p.address.street,
                p.address.postal_code,
                p.address.city,
                p.address.country,
                billing
            )
            .execute(&mut **tx)
            .await?;
        }
        ResourceData::Invoices(items) => {
            for i in items {
                let (issue, due) = (i.issue_date.to_string(), i.due_date.to_string());
                let paid = i.paid_on.map(|d| d.to_string());
                let status = name_of(&i.status)?;
                sqlx::query!(
                    "INSERT INTO invoices (account_id, number, issue_date, due_date, amount_cents,
                         currency, status, dunning_level, paid_on)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    account_id,
                    i.number,
                    issue,
                    due,
                    i.amount_cents,
                    i.currency,
                    status,
                    i.dunning_level,
                    paid
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Mandates(items) => {
            for m in items {
                let (kind, status) = (name_of(&m.kind)?, name_of(&m.status)?);
                let created = m.created_on.to_string();
                sqlx::query!(
                    "INSERT INTO mandates (account_id, id, kind, label, status, is_default, created_on)
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                    account_id,
                    m.id,
                    kind,
                    m.label,
                    status,
                    m.is_default,
                    created
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Services(items) => {
            for s in items {
                let status = name_of(&s.status)?;
                let end = s.period_end.to_string();
                let mailbox_limit = s.mail_allowance.map(|a| a.mailboxes);
                let storage_limit = s.mail_allowance.map(|a| a.storage_bytes);
                sqlx::query!(
                    "INSERT INTO services (account_id, id, kind, product, status, term_months,
                         period_end, status_reason, mailbox_limit, storage_limit_bytes)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    account_id,
                    s.id,
                    s.kind,
                    s.product,
                    status,
                    s.term_months,
                    end,
                    s.status_reason,
                    mailbox_limit,
                    storage_limit
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Domains(items) => {
            for d in items {
                let expires = d.expires_on.to_string();
                let lock_changed = d.lock_changed_at.map(|t| t.to_rfc3339());
                let (services, invoices) = (to_json(&d.service_ids)?, to_json(&d.invoice_numbers)?);
                sqlx::query!(
                    "INSERT INTO domains (account_id, name, expires_on, transfer_lock, auto_renew,
                         status, lock_changed_at, service_ids, invoice_numbers)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    account_id,
                    d.name,
                    expires,
                    d.transfer_lock,
                    d.auto_renew,
                    d.status,
                    lock_changed,
                    services,
                    invoices
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Mailboxes(items) => {
            for m in items {
                sqlx::query!(
                    "INSERT INTO mailboxes (account_id, address, name, quota_bytes, used_bytes, active)
                     VALUES (?, ?, ?, ?, ?, ?)",
                    account_id,
                    m.address,
                    m.name,
                    m.quota_bytes,
                    m.used_bytes,
                    m.active
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Users(items) => {
            for u in items {
                let permissions = to_json(&u.role.permissions)?;
                sqlx::query!(
                    "INSERT INTO account_users (account_id, email, role_name, permissions)
                     VALUES (?, ?, ?, ?)",
                    account_id,
                    u.email,
                    u.role.name,
                    permissions
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Tickets(items) => {
            for t in items {
                let status = name_of(&t.status)?;
                let created = t.created_at.to_rfc3339();
                sqlx::query!(
                    "INSERT INTO tickets (account_id, id, subject, status, created_at)
                     VALUES (?, ?, ?, ?, ?)",
                    account_id,
                    t.id,
                    t.subject,
                    status,
                    created
                )
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};
    use cowdesk_model::{Account, InvoiceStatus, Permission, Role, ServiceStatus};
    use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
    use sqlx::Row;
    use tempfile::TempDir;

    use super::*;
    use crate::alerts::evaluate::Reach;
    use crate::portal::{Fetched, HttpPortal, Portal};
    use crate::store::rows::all_tables;
    use crate::store::Store;
    use crate::sync::commit::commit_in;
    use crate::sync::fetch_updates;

    const OWN: &str = "acc-100001";
    const SHARED: &str = "acc-200002";

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 16).unwrap()
    }

    /// Every row of the synced tables and of the sync state (without the moment of
    /// writing), as text, in a stable order.
    async fn dump(store: &Store) -> Vec<String> {
        let mut conn = store.pool().acquire().await.unwrap();
        let mut tables: Vec<&str> = all_tables().iter().map(|t| t.name).collect();
        tables.push("sync_state");
        let mut lines = Vec::new();
        for table in tables {
            let columns: Vec<String> =
                sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap();
            let quoted: Vec<String> = columns
                .iter()
                .filter(|c| c.as_str() != "synced_at")
                .map(|c| format!("quote(\"{c}\")"))
                .collect();
            let sql = format!(
                "SELECT '{table}|' || {} AS line FROM {table} ORDER BY line",
                quoted.join(" || '|' || ")
            );
            for row in sqlx::query(&sql).fetch_all(&mut *conn).await.unwrap() {
                lines.push(row.get::<String, _>("line"));
            }
        }
        lines
    }

    async fn accounts(portal: &HttpPortal) -> Vec<Account> {
        match portal.accounts(None).await.unwrap() {
            Fetched::Fresh { value, .. } => value,
            Fetched::Unchanged => unreachable!("no ETag was sent"),
        }
    }

    /// The same answers of the portal, written by the bulk path (with its change set and
    /// alerts) into one cache and row by row into another, round after round of changes
    /// on the server: both caches hold the same rows, byte for byte.
    #[tokio::test]
    async fn perf_bulk_writes_equal_the_single_row_path_row_for_row() {
        let sandbox = Sandbox::start(SandboxConfig {
            today: today(),
            invoices: 400,
            domains: 60,
            mailboxes: 1500,
            extra_accounts: 1,
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        let portal = HttpPortal::new(&sandbox.base_url()).unwrap();
        portal.login(DEMO_EMAIL, DEMO_PASSWORD).await.unwrap();
        let dir = TempDir::new().unwrap();
        let bulk = Store::open(&dir.path().join("bulk.sqlite")).await.unwrap();
        let single = Store::open(&dir.path().join("single.sqlite"))
            .await
            .unwrap();
        let handle = sandbox.handle();
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap();

        for round in 0..5 {
            match round {
                1 => {
                    handle
                        .with_account(OWN, |a| {
                            for i in a.invoices.iter_mut().step_by(7) {
                                i.amount_cents += 1;
                                i.status = InvoiceStatus::Paid;
                                i.paid_on = Some(today());
                            }
                            a.mailboxes.retain(|m| !m.address.contains(".1"));
                            let mut new = a.mailboxes[3].clone();
                            new.address = format!("neu.{}", new.address);
                            new.name = "Jörg „Neu“ Ärmel".into();
                            a.mailboxes.push(new);
                            a.domains[2].transfer_lock = false;
                            a.domains[2].lock_changed_at = Some(now);
                            a.domains.pop();
                            a.services[0].status = ServiceStatus::Suspended;
                            a.services[0].status_reason = Some("Unpaid invoice".into());
                            a.profile.address.city = "Osnabrück-Süd".into();
                            a.profile.address.company = None;
                        })
                        .unwrap();
                }
                2 => {
                    handle.set_role(
                        DEMO_EMAIL,
                        SHARED,
                        Role {
                            name: "Profile only".into(),
                            permissions: vec![Permission::Profile],
                        },
                    );
                    handle
                        .with_account(OWN, |a| {
                            a.tickets.pop();
                            a.users.pop();
                        })
                        .unwrap();
                }
                4 => {
                    handle.set_role(
                        DEMO_EMAIL,
                        SHARED,
                        Role {
                            name: "Everything".into(),
                            permissions: Permission::ALL.to_vec(),
                        },
                    );
                    handle
                        .with_account(OWN, |a| {
                            a.mandates[0].is_default = !a.mandates[0].is_default
                        })
                        .unwrap();
                }
                // 0: the first sync; 3: nothing changed, every resource answers 304.
                _ => {}
            }
            let accounts = accounts(&portal).await;
            bulk.replace_accounts(&accounts, None).await.unwrap();
            single.replace_accounts(&accounts, None).await.unwrap();
            for account in &accounts {
                let updates = fetch_updates(&portal, &bulk, account, &|_| {})
                    .await
                    .unwrap();
                let mut tx = bulk.begin_write().await.unwrap();
                commit_in(
                    &mut tx,
                    &account.id,
                    &updates,
                    (today(), now),
                    Reach::ChangeSet,
                    &[],
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
                let mut tx = single.begin_write().await.unwrap();
                write_sync_row_by_row(&mut tx, &account.id, &updates, now)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
            let (b, s) = (dump(&bulk).await, dump(&single).await);
            assert!(b.len() > 2000, "round {round}: {} rows", b.len());
            if b != s {
                let only_bulk: Vec<_> = b.iter().filter(|l| !s.contains(l)).take(5).collect();
                let only_single: Vec<_> = s.iter().filter(|l| !b.contains(l)).take(5).collect();
                panic!("round {round}: bulk has {only_bulk:#?}, single rows {only_single:#?}");
            }
        }
    }
}
