//! Which pending alerts become desktop notifications now, and how: the settings, quiet
//! hours and the summary threshold, as a pure plan the caller carries out.

use chrono::NaiveTime;
use cowdesk_model::{Alert, AlertSettings, AlertSeverity, NavTarget, Navigation};

use super::text::{self, Lang};

/// This many alerts of one account at once become one summary notification.
pub const SUMMARY_THRESHOLD: usize = 5;

/// One desktop notification and the alerts it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub alert_ids: Vec<i64>,
    /// With the account name: "Müller Webdesign: Payment reminder".
    pub title: String,
    pub body: String,
    pub severity: AlertSeverity,
    pub target: Navigation,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub send: Vec<Outgoing>,
    /// Alerts whose notifications the settings turn off.
    pub suppress: Vec<i64>,
    /// Quiet hours: nothing happens now; everything stays pending.
    pub held: bool,
}

/// Parses "HH:MM" (24-hour).
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// Whether `now` lies in the window; a window may span midnight (22:00–07:00).
pub fn in_quiet_hours(settings: &AlertSettings, now: NaiveTime) -> bool {
    let Some(quiet) = &settings.quiet_hours else {
        return false;
    };
    let (Some(start), Some(end)) = (parse_time(&quiet.start), parse_time(&quiet.end)) else {
        return false;
    };
    if start <= end {
        start <= now && now < end
    } else {
        now >= start || now < end
    }
}

pub fn plan(
    pending: &[Alert],
    settings: &AlertSettings,
    local_time: NaiveTime,
    lang: Lang,
) -> Plan {
    if pending.is_empty() {
        return Plan::default();
    }
    if in_quiet_hours(settings, local_time) {
        return Plan {
            held: true,
            ..Plan::default()
        };
    }
    let mut plan = Plan::default();
    // Accounts in the order their first alert came.
    let mut groups: Vec<(&str, Vec<&Alert>)> = Vec::new();
    for alert in pending {
        let muted = !settings.enabled
            || settings.muted_categories.contains(&alert.rule.category())
            || settings.muted_accounts.contains(&alert.account_id);
        if muted {
            plan.suppress.push(alert.id);
            continue;
        }
        match groups.iter_mut().find(|(id, _)| *id == alert.account_id) {
            Some((_, alerts)) => alerts.push(alert),
            None => groups.push((&alert.account_id, vec![alert])),
        }
    }
    for (account_id, alerts) in groups {
        let account = &alerts[0].account_name;
        let texts_of = |a: &Alert| match lang {
            Lang::En => (a.title.clone(), a.body.clone()),
            Lang::De => (a.title_de.clone(), a.body_de.clone()),
        };
        if alerts.len() >= SUMMARY_THRESHOLD {
            let titles: Vec<String> = alerts.iter().map(|a| texts_of(a).0).collect();
            let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
            let (title, body) = text::summary(alerts.len(), &titles, lang);
            plan.send.push(Outgoing {
                alert_ids: alerts.iter().map(|a| a.id).collect(),
                title: format!("{account}: {title}"),
                body,
                severity: alerts
                    .iter()
                    .map(|a| a.severity)
                    .max()
                    .unwrap_or(AlertSeverity::Info),
                target: Navigation {
                    account_id: account_id.to_owned(),
                    target: NavTarget::Alerts,
                },
            });
        } else {
            for alert in alerts {
                let (title, body) = texts_of(alert);
                plan.send.push(Outgoing {
                    alert_ids: vec![alert.id],
                    title: format!("{account}: {title}"),
                    body,
                    severity: alert.severity,
                    target: alert.target.clone(),
                });
            }
        }
    }
    plan
}
