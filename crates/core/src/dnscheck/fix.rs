//! "Fix it": from a report and the zone as the DNS API lists it, the changes that fix what
//! can be fixed, per (name, type) set, before and after; then applying them with the API's
//! replace-the-whole-set semantics. TXT sets are read, changed and written back whole, so
//! unrelated TXT values (site verifications, other keys) survive.

use std::collections::BTreeSet;

use cowdesk_model::{DnsChange, DnsFixPlan, DnsProgress, DnsReport, DnsStatus};

use super::{dkim, dmarc, mailcow_mx, spf, AUTOCONFIG_NAMES};
use crate::dnsapi::{ApiRecord, DnsApi, DEFAULT_TTL};
use crate::error::CoreError;
use crate::mailconfig::HOSTED_MAILCOW;

const SPF_FIXABLE: [&str; 4] = [
    "spf_missing",
    "spf_multiple",
    "spf_no_mailcow",
    "spf_bad_all",
];
const DKIM_FIXABLE: [&str; 6] = [
    "dkim_missing",
    "dkim_multiple",
    "dkim_too_weak",
    "dkim_weak",
    "dkim_invalid",
    "dkim_revoked",
];

/// The values of one (name, type) set of the zone.
fn current(zone: &[ApiRecord], name: &str, record_type: &str) -> Vec<String> {
    zone.iter()
        .filter(|r| {
            r.name.eq_ignore_ascii_case(name) && r.record_type.eq_ignore_ascii_case(record_type)
        })
        .flat_map(|r| r.content.iter().cloned())
        .collect()
}

/// TXT values as the API may hand them back: with or without surrounding quotes.
fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// A DKIM record pasted by the user (from the mailcow admin) is checked before it is planned.
pub fn check_dkim_value(value: &str) -> Result<String, CoreError> {
    let value = value.trim().to_owned();
    let invalid = || {
        CoreError::field(
            "dkim",
            "This is not a DKIM key record. Copy the whole value (v=DKIM1; k=rsa; p=…) from mailcow.",
            "Das ist kein DKIM-Schlüsseleintrag. Bitte den ganzen Wert (v=DKIM1; k=rsa; p=…) aus mailcow kopieren.",
        )
    };
    match dkim::parse_record(&value) {
        Ok(dkim::DkimKey::Rsa { bits }) if bits >= dkim::FAIL_BELOW_BITS => Ok(value),
        Ok(dkim::DkimKey::Ed25519) => Ok(value),
        Ok(dkim::DkimKey::Rsa { .. }) => Err(CoreError::field(
            "dkim",
            "This key is shorter than 1024 bits. Create a 2048-bit key in mailcow.",
            "Dieser Schlüssel ist kürzer als 1024 Bit. Bitte in mailcow einen 2048-Bit-Schlüssel erzeugen.",
        )),
        _ => Err(invalid()),
    }
}

/// The changes that fix the report's findings. `dkim_value`: a checked DKIM record to
/// publish (mailcow makes the key; cowdesk cannot).
pub fn plan(
    domain: &str,
    report: &DnsReport,
    zone: &[ApiRecord],
    dkim_value: Option<&str>,
) -> DnsFixPlan {
    let open: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.status != DnsStatus::Pass)
        .map(|f| f.code.as_str())
        .collect();
    let has = |code: &str| open.contains(&code);
    let mut changes: Vec<DnsChange> = Vec::new();
    // Fixed without a change of their own (e.g. DMARC once SPF is fixed).
    let mut fixed_too: BTreeSet<String> = BTreeSet::new();
    let mut change = |name: &str, record_type: &str, after: Vec<String>, fixes: Vec<&str>| {
        let before = current(zone, name, record_type);
        if before == after {
            return;
        }
        changes.push(DnsChange {
            name: name.to_owned(),
            record_type: record_type.to_owned(),
            before,
            after,
            fixes: fixes.into_iter().map(str::to_owned).collect(),
        });
    };

    let mx_codes: Vec<&str> = ["mx_missing", "mx_wrong"]
        .into_iter()
        .filter(|c| has(c))
        .collect();
    if !mx_codes.is_empty() {
        change("", "MX", vec![mailcow_mx()], mx_codes);
    }

    let spf_codes: Vec<&str> = SPF_FIXABLE.into_iter().filter(|c| has(c)).collect();
    let spf_will_pass = report
        .findings
        .iter()
        .filter(|f| f.check == cowdesk_model::DnsCheck::Spf && f.status == DnsStatus::Fail)
        .all(|f| SPF_FIXABLE.contains(&f.code.as_str()));
    if !spf_codes.is_empty() {
        let before = current(zone, "", "TXT");
        let records: Vec<&str> = before
            .iter()
            .map(|v| unquote(v))
            .filter(|v| spf::is_spf(v))
            .collect();
        let merged = spf::merge(&records);
        // The merged record takes the place of the first SPF record; others go.
        let mut after: Vec<String> = Vec::new();
        let mut placed = false;
        for value in &before {
            if spf::is_spf(unquote(value)) {
                if !placed {
                    after.push(merged.clone());
                    placed = true;
                }
            } else {
                after.push(value.clone());
            }
        }
        if !placed {
            after.push(merged);
        }
        change("", "TXT", after, spf_codes);
    }

    let dkim_codes: Vec<&str> = DKIM_FIXABLE.into_iter().filter(|c| has(c)).collect();
    let dkim_passes = report.status_of(cowdesk_model::DnsCheck::Dkim) != DnsStatus::Fail;
    let dkim_name = format!("{}._domainkey", dkim::SELECTOR);
    let dkim_will_pass = match dkim_value {
        Some(value) if !dkim_codes.is_empty() => {
            let mut after: Vec<String> = current(zone, &dkim_name, "TXT")
                .into_iter()
                .filter(|v| !dkim::is_dkim(unquote(v)))
                .collect();
            after.push(value.to_owned());
            change(&dkim_name, "TXT", after, dkim_codes);
            true
        }
        _ => dkim_passes,
    };

    let dmarc_before = current(zone, "_dmarc", "TXT");
    let rewrite_dmarc = |policy: &str| -> Vec<String> {
        dmarc_before
            .iter()
            .map(|v| {
                if dmarc::is_dmarc(unquote(v)) {
                    dmarc::with_policy(unquote(v), policy)
                } else {
                    v.clone()
                }
            })
            .collect()
    };
    if has("dmarc_too_early") && !(spf_will_pass && dkim_will_pass) {
        change(
            "_dmarc",
            "TXT",
            rewrite_dmarc("none"),
            vec!["dmarc_too_early"],
        );
    } else if has("dmarc_too_early") {
        // SPF and DKIM pass once the other changes are in: the policy may stay.
        fixed_too.insert("dmarc_too_early".to_owned());
    }
    let missing_policy = report.findings.iter().any(|f| {
        f.code == "dmarc_invalid"
            && f.params.get("reason").map(String::as_str) == Some("missing_policy")
    });
    if missing_policy {
        change(
            "_dmarc",
            "TXT",
            rewrite_dmarc("none"),
            vec!["dmarc_invalid"],
        );
    }
    if has("dmarc_missing") {
        let mut after = dmarc_before.clone();
        after.push(dmarc::recommended(domain));
        change("_dmarc", "TXT", after, vec!["dmarc_missing"]);
    }

    for label in AUTOCONFIG_NAMES {
        let fqdn = format!("{label}.{domain}");
        let codes: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.status != DnsStatus::Pass)
            .filter(|f| f.params.get("name") == Some(&fqdn))
            .filter(|f| matches!(f.code.as_str(), "autoconfig_missing" | "autoconfig_wrong"))
            .map(|f| f.code.as_str())
            .collect();
        if !codes.is_empty() {
            change(label, "CNAME", vec![format!("{HOSTED_MAILCOW}.")], codes);
        }
    }

    let fixed: BTreeSet<String> = changes
        .iter()
        .flat_map(|c| c.fixes.iter().cloned())
        .chain(fixed_too)
        .collect();
    let not_fixable = report
        .findings
        .iter()
        .filter(|f| f.status != DnsStatus::Pass && !fixed.contains(&f.code))
        .map(|f| f.code.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    DnsFixPlan {
        domain: domain.to_owned(),
        changes,
        not_fixable,
    }
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let a: BTreeSet<&str> = a.iter().map(|v| unquote(v)).collect();
    let b: BTreeSet<&str> = b.iter().map(|v| unquote(v)).collect();
    a == b
}

/// What applying a plan did: the record sets changed, those not changed, and the error
/// that stopped it half-way, if one did.
#[derive(Debug)]
pub struct Applied {
    pub applied: Vec<DnsChange>,
    pub not_applied: Vec<DnsChange>,
    pub error: Option<CoreError>,
}

/// Applies `plan` to the zone `plan.domain`. The zone is read first: when a set no longer
/// holds what the plan saw, nothing is written (the plan would overwrite someone's change)
/// and the error comes back as `Err`. Once writing started, an error stops it and comes
/// back in `Applied`, with the zone read again to tell exactly which sets now hold their
/// new values and which do not (a write whose answer was lost may have happened).
pub async fn apply(
    api: &DnsApi,
    plan: &DnsFixPlan,
    progress: &(dyn Fn(DnsProgress) + Send + Sync),
) -> Result<Applied, CoreError> {
    let zone = &plan.domain;
    let records = api.records(zone).await?;
    for change in &plan.changes {
        if !same_set(
            &current(&records, &change.name, &change.record_type),
            &change.before,
        ) {
            return Err(CoreError::Refused {
                message: format!(
                    "The {} records of {} changed since the plan was made. Check again and review the new plan.",
                    change.record_type,
                    display_name(&change.name, zone)
                ),
                message_de: format!(
                    "Die {}-Einträge von {} wurden seit der Planung geändert. Bitte erneut prüfen und den neuen Plan ansehen.",
                    change.record_type,
                    display_name(&change.name, zone)
                ),
            });
        }
    }
    let total = plan.changes.len() as u32;
    for (i, change) in plan.changes.iter().enumerate() {
        progress(DnsProgress {
            domain: zone.clone(),
            step: "apply".to_owned(),
            done: i as u32,
            total,
        });
        let written = if change.after.is_empty() {
            api.delete(zone, &change.name, &change.record_type).await
        } else {
            let ttl = records
                .iter()
                .find(|r| r.name == change.name && r.record_type == change.record_type)
                .map(|r| r.ttl)
                .unwrap_or(DEFAULT_TTL);
            api.replace(zone, &change.name, &change.record_type, &change.after, ttl)
                .await
        };
        if let Err(err) = written {
            tracing::info!("DNS fix of {zone} stopped at change {}: {err}", i + 1);
            let (applied, not_applied) = sort_out(api, plan, i).await;
            return Ok(Applied {
                applied,
                not_applied,
                error: Some(err.into()),
            });
        }
    }
    progress(DnsProgress {
        domain: zone.clone(),
        step: "apply".to_owned(),
        done: total,
        total,
    });
    Ok(Applied {
        applied: plan.changes.clone(),
        not_applied: Vec::new(),
        error: None,
    })
}

/// After writing stopped at change `failed`: which sets hold their new values and which
/// do not, by the zone as the API lists it now. If the zone cannot be read, the changes
/// before `failed` count as made and the rest as not made.
async fn sort_out(
    api: &DnsApi,
    plan: &DnsFixPlan,
    failed: usize,
) -> (Vec<DnsChange>, Vec<DnsChange>) {
    match api.records(&plan.domain).await {
        Ok(now) => plan.changes.iter().cloned().partition(|change| {
            same_set(
                &current(&now, &change.name, &change.record_type),
                &change.after,
            )
        }),
        Err(err) => {
            tracing::info!("zone not read again after the stop: {err}");
            let (made, rest) = plan.changes.split_at(failed);
            (made.to_vec(), rest.to_vec())
        }
    }
}

fn display_name(name: &str, zone: &str) -> String {
    if name.is_empty() {
        zone.to_owned()
    } else {
        format!("{name}.{zone}")
    }
}
