//! Alerts: rules turn the change set of a write into findings, the ledger records each
//! once (in the write's own transaction), and delivery claims what is pending and shows it
//! as desktop notifications, minding the settings and quiet hours.

mod deliver;
pub(crate) mod evaluate;
pub mod ledger;
pub mod rules;
pub mod text;
pub mod tray;

#[cfg(test)]
mod change_set_tests;
#[cfg(test)]
mod tests;

use chrono::{NaiveTime, Utc};
use cowdesk_model::{Alert, AlertCounts, AlertSettings};

pub use deliver::{in_quiet_hours, parse_time, plan, Outgoing, Plan, SUMMARY_THRESHOLD};
pub use ledger::LedgerReport;
pub use text::Lang;

use crate::error::CoreError;
use crate::notify::Notifier;
use crate::session::Core;

const SETTINGS_KEY: &str = "alert_settings";
/// The notification centre lists at most this many alerts.
pub const CENTRE_LIMIT: u32 = 500;
pub const MIN_INTERVAL_MINUTES: u32 = 5;
pub const MAX_INTERVAL_MINUTES: u32 = 24 * 60;
const MAX_MUTED: usize = 200;

/// What one delivery run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Notifications shown (a summary counts once).
    pub shown: u32,
    pub suppressed: u32,
    pub failed: u32,
    /// Quiet hours held this many alerts back.
    pub held: u32,
}

impl Core {
    pub async fn alert_settings(&self) -> Result<AlertSettings, CoreError> {
        let stored = self.store.setting(SETTINGS_KEY).await?;
        // Unreadable settings (from a newer version, say) fall back to the defaults.
        Ok(stored
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    pub async fn set_alert_settings(
        &self,
        settings: AlertSettings,
    ) -> Result<AlertSettings, CoreError> {
        let settings = validate_settings(settings)?;
        let json =
            serde_json::to_string(&settings).map_err(|e| CoreError::Internal(e.to_string()))?;
        self.store.set_setting(SETTINGS_KEY, &json).await?;
        Ok(settings)
    }

    /// The newest alerts of every account, for the notification centre; none about a
    /// resource the account's role may not read.
    pub async fn alerts(&self) -> Result<Vec<Alert>, CoreError> {
        let hidden = self.hidden_alert_rules().await?;
        self.store.alerts(CENTRE_LIMIT, &hidden).await
    }

    pub async fn alert_counts(&self) -> Result<AlertCounts, CoreError> {
        let hidden = self.hidden_alert_rules().await?;
        self.store.alert_counts(&hidden).await
    }

    pub async fn mark_alert_read(&self, id: i64) -> Result<(), CoreError> {
        if id <= 0 {
            return Err(CoreError::field(
                "id",
                "This alert does not exist.",
                "Diesen Hinweis gibt es nicht.",
            ));
        }
        if self.store.mark_alert_read(id, Utc::now()).await? {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    pub async fn mark_all_alerts_read(&self, account_id: Option<&str>) -> Result<(), CoreError> {
        self.store
            .mark_all_alerts_read(account_id, Utc::now())
            .await
    }

    /// Shows the pending alerts as desktop notifications, unless quiet hours hold them:
    /// they stay pending and go out with the first run after the quiet hours. The alerts
    /// are claimed before they are shown, so runs that overlap never show one twice.
    pub async fn deliver_alerts<N: Notifier>(
        &self,
        notifier: &N,
        lang: Lang,
        local_time: NaiveTime,
    ) -> Result<DeliveryReport, CoreError> {
        let settings = self.alert_settings().await?;
        let hidden = self.hidden_alert_rules().await?;
        let (plan, pending) = self
            .store
            .claim_deliveries(
                |pending| {
                    // An alert about what the role may no longer read is never shown.
                    let (hidden, shown): (Vec<Alert>, Vec<Alert>) =
                        pending.iter().cloned().partition(|a| {
                            hidden.iter().any(|(account, rule)| {
                                *account == a.account_id && *rule == a.rule.as_str()
                            })
                        });
                    let mut plan = deliver::plan(&shown, &settings, local_time, lang);
                    if !plan.held {
                        plan.suppress.extend(hidden.iter().map(|a| a.id));
                    }
                    plan
                },
                Utc::now(),
            )
            .await?;
        let mut report = DeliveryReport::default();
        if plan.held {
            report.held = pending as u32;
            return Ok(report);
        }
        report.suppressed = plan.suppress.len() as u32;
        for outgoing in plan.send {
            match notifier.show(&outgoing).await {
                Ok(()) => report.shown += 1,
                Err(err) => {
                    // The alert stays in the app; the notification is not retried, so a
                    // desktop without a notification service is not asked every minute.
                    tracing::warn!("desktop notification failed: {err}");
                    report.failed += 1;
                    self.store.delivery_failed(&outgoing.alert_ids).await?;
                }
            }
        }
        Ok(report)
    }
}

fn validate_settings(mut settings: AlertSettings) -> Result<AlertSettings, CoreError> {
    let interval = settings.sync_interval_minutes;
    if !(MIN_INTERVAL_MINUTES..=MAX_INTERVAL_MINUTES).contains(&interval) {
        return Err(CoreError::field(
            "syncIntervalMinutes",
            "Choose a sync interval between 5 minutes and 24 hours.",
            "Wählen Sie einen Abstand zwischen 5 Minuten und 24 Stunden.",
        ));
    }
    if let Some(quiet) = &settings.quiet_hours {
        let (start, end) = (parse_time(&quiet.start), parse_time(&quiet.end));
        for (field, time) in [("quietStart", start), ("quietEnd", end)] {
            if time.is_none() {
                return Err(CoreError::field(
                    field,
                    "Enter a time as HH:MM, e.g. 22:00.",
                    "Geben Sie eine Uhrzeit als HH:MM ein, z. B. 22:00.",
                ));
            }
        }
        if start == end {
            return Err(CoreError::field(
                "quietEnd",
                "Quiet hours must end at another time than they start.",
                "Die Ruhezeit muss zu einer anderen Uhrzeit enden, als sie beginnt.",
            ));
        }
    }
    let bad_account = settings
        .muted_accounts
        .iter()
        .any(|id| !crate::validate::is_id(id));
    if bad_account || settings.muted_accounts.len() > MAX_MUTED {
        return Err(CoreError::field(
            "mutedAccounts",
            "The list of muted accounts is not valid.",
            "Die Liste der stummgeschalteten Konten ist ungültig.",
        ));
    }
    settings.muted_categories.sort();
    settings.muted_categories.dedup();
    settings.muted_accounts.sort();
    settings.muted_accounts.dedup();
    Ok(settings)
}
