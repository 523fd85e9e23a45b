//! Reading mailcow's answers as they really come (MAILCOW-SESSION.md, "Answers and
//! units"): numbers as numbers or strings, flags as `1`, `"1"` or `true`, empty lists as
//! `{}`, `percent_in_use` as `"- "` when unlimited, write answers as arrays of
//! `{type, msg, log}` whose LAST entry is the verdict.

use serde_json::{Map, Value};

use super::error::MailcowError;
use super::messages::{refusal, Level, Operation, ServerMessage};
use super::model::{Accepted, MailcowAlias, MailcowDomain, MailcowMailbox};

fn unexpected(what: impl Into<String>) -> MailcowError {
    MailcowError::Unexpected(what.into())
}

/// A whole number from a number or a string; `None` for anything else (`"- "`, null).
pub(crate) fn number(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<u64>().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| *f >= 0.0)
                    .map(|f| f.round() as u64)
            })
        }
        _ => None,
    }
}

pub(crate) fn flag(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(other) => number(Some(other)) == Some(1),
        None => false,
    }
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The items of a list answer: an array, `{}` (empty) or one object.
pub(crate) fn items(body: Value) -> Result<Vec<Map<String, Value>>, MailcowError> {
    let objects = |values: Vec<Value>| {
        values
            .into_iter()
            .map(|v| match v {
                Value::Object(map) => Ok(map),
                other => Err(unexpected(format!("list item {}", kind_of(&other)))),
            })
            .collect()
    };
    match body {
        Value::Array(values) => objects(values),
        Value::Object(map) if map.is_empty() => Ok(Vec::new()),
        Value::Object(map) if map.contains_key("type") && map.contains_key("msg") => Err(
            unexpected(format!("error answer to a read: {}", text(map.get("msg")))),
        ),
        Value::Object(map) => Ok(vec![map]),
        other => Err(unexpected(format!("list answer {}", kind_of(&other)))),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub(crate) fn domain(item: &Map<String, Value>) -> Result<MailcowDomain, MailcowError> {
    let name = text(item.get("domain_name"));
    if name.is_empty() {
        return Err(unexpected("domain without domain_name"));
    }
    let n = |key: &str| number(item.get(key)).unwrap_or(0);
    Ok(MailcowDomain {
        name: name.to_ascii_lowercase(),
        active: flag(item.get("active_int").or_else(|| item.get("active"))),
        mailboxes_used: n("mboxes_in_domain"),
        mailboxes_allowed: n("max_num_mboxes_for_domain"),
        aliases_used: n("aliases_in_domain"),
        aliases_allowed: n("max_num_aliases_for_domain"),
        storage_used_bytes: n("bytes_total"),
        storage_assigned_bytes: n("quota_used_in_domain"),
        storage_allowed_bytes: n("max_quota_for_domain"),
        max_mailbox_quota_bytes: n("max_quota_for_mbox"),
        default_mailbox_quota_bytes: n("def_quota_for_mbox"),
    })
}

pub(crate) fn mailbox(item: &Map<String, Value>) -> Result<MailcowMailbox, MailcowError> {
    let address = text(item.get("username")).to_ascii_lowercase();
    let Some((local, dom)) = address.rsplit_once('@') else {
        return Err(unexpected("mailbox without a username"));
    };
    let local_part = match text(item.get("local_part")) {
        s if s.is_empty() => local.to_owned(),
        s => s.to_ascii_lowercase(),
    };
    let domain = match text(item.get("domain")) {
        s if s.is_empty() => dom.to_owned(),
        s => s.to_ascii_lowercase(),
    };
    let quota_bytes = number(item.get("quota")).unwrap_or(0);
    let used_bytes = number(item.get("quota_used")).unwrap_or(0);
    let percent = if quota_bytes == 0 {
        None
    } else {
        number(item.get("percent_in_use"))
            .map(|p| u32::try_from(p).unwrap_or(u32::MAX))
            .or_else(|| Some(((used_bytes as f64 / quota_bytes as f64) * 100.0).round() as u32))
    };
    let last_login = [
        "last_imap_login",
        "last_smtp_login",
        "last_pop3_login",
        "last_sso_login",
    ]
    .iter()
    .filter_map(|key| number(item.get(*key)))
    .filter(|t| *t > 0)
    .max()
    .and_then(|t| i64::try_from(t).ok());
    Ok(MailcowMailbox {
        address,
        local_part,
        domain,
        name: text(item.get("name")),
        quota_bytes,
        used_bytes,
        percent,
        messages: number(item.get("messages")).unwrap_or(0),
        active: flag(item.get("active_int").or_else(|| item.get("active"))),
        last_login,
    })
}

pub(crate) fn alias(item: &Map<String, Value>) -> Result<MailcowAlias, MailcowError> {
    let id = number(item.get("id")).ok_or_else(|| unexpected("alias without id"))?;
    let address = text(item.get("address")).to_ascii_lowercase();
    let domain = match text(item.get("domain")) {
        s if s.is_empty() => address
            .rsplit_once('@')
            .map(|(_, d)| d.to_owned())
            .unwrap_or_default(),
        s => s.to_ascii_lowercase(),
    };
    Ok(MailcowAlias {
        id,
        address,
        domain,
        targets: split_targets(&text(item.get("goto"))),
        active: flag(item.get("active_int").or_else(|| item.get("active"))),
    })
}

/// A `goto` list (commas, and in files also semicolons, spaces or new lines) as
/// separate, lower-cased, de-duplicated addresses in their order.
pub fn split_targets(list: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for target in list.split([',', ';', ' ', '\n', '\r', '\t']) {
        let target = target.trim().to_ascii_lowercase();
        if !target.is_empty() && !out.contains(&target) {
            out.push(target);
        }
    }
    out
}

fn server_message(entry: &Map<String, Value>) -> Result<ServerMessage, MailcowError> {
    let level = entry
        .get("type")
        .and_then(Value::as_str)
        .and_then(Level::parse)
        .ok_or_else(|| unexpected("write answer without a known type"))?;
    let (key, args) = match entry.get("msg") {
        Some(Value::String(s)) => (s.clone(), Vec::new()),
        Some(Value::Array(parts)) => {
            let mut parts = parts.iter();
            let key = parts.next().map(|v| text(Some(v))).unwrap_or_default();
            let args = parts
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            (key, args)
        }
        _ => (String::new(), Vec::new()),
    };
    Ok(ServerMessage { level, key, args })
}

/// The last entry of a write answer (the array grows within a cookie session, so
/// earlier entries may belong to earlier calls).
pub(crate) fn last_message(body: &Value) -> Result<ServerMessage, MailcowError> {
    match body {
        Value::Array(entries) => match entries.last() {
            Some(Value::Object(entry)) => server_message(entry),
            Some(_) => Err(unexpected("write answer entry is not an object")),
            None => Err(unexpected("empty write answer")),
        },
        Value::Object(entry) => server_message(entry),
        other => Err(unexpected(format!("write answer {}", kind_of(other)))),
    }
}

/// Success only when the server said so; anything else is a refusal, worded.
pub(crate) fn verdict(body: &Value, op: Operation) -> Result<Accepted, MailcowError> {
    let message = last_message(body)?;
    if message.level == Level::Success {
        Ok(Accepted { message })
    } else {
        Err(MailcowError::Refused(Box::new(refusal(message, op))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mailcow_numbers_flags_and_lists_in_every_shape() {
        assert_eq!(number(Some(&json!("524288000"))), Some(524_288_000));
        assert_eq!(number(Some(&json!(7))), Some(7));
        assert_eq!(number(Some(&json!("- "))), None);
        assert_eq!(number(Some(&json!(null))), None);
        assert!(flag(Some(&json!("1"))) && flag(Some(&json!(1))) && flag(Some(&json!(true))));
        assert!(!flag(Some(&json!("0"))) && !flag(None));
        assert!(items(json!({})).unwrap().is_empty());
        assert_eq!(items(json!([{"a": 1}, {"b": 2}])).unwrap().len(), 2);
        assert!(items(json!({"type": "error", "msg": "x"})).is_err());
    }

    #[test]
    fn mailcow_mailbox_units_are_normalised() {
        let item = json!({
            "username": "Anna@Example.test", "name": "Anna", "quota": "1073741824",
            "quota_used": 500000000, "percent_in_use": "47", "messages": "12",
            "active": "1", "last_imap_login": "1700000000", "last_smtp_login": 1700000500,
        });
        let m = mailbox(item.as_object().unwrap()).unwrap();
        assert_eq!(m.address, "anna@example.test");
        assert_eq!(
            (m.local_part.as_str(), m.domain.as_str()),
            ("anna", "example.test")
        );
        assert_eq!(
            (m.quota_bytes, m.used_bytes, m.percent),
            (1 << 30, 500_000_000, Some(47))
        );
        assert_eq!(
            (m.messages, m.active, m.last_login),
            (12, true, Some(1_700_000_500))
        );
        let unlimited = json!({"username": "u@x.de", "quota": 0, "percent_in_use": "- ",
            "active_int": 0, "last_imap_login": 0});
        let u = mailbox(unlimited.as_object().unwrap()).unwrap();
        assert_eq!((u.percent, u.active, u.last_login), (None, false, None));
    }

    #[test]
    fn mailcow_write_verdict_reads_the_last_entry() {
        let grown = json!([
            {"type": "danger", "log": [], "msg": ["object_exists", "a@x.de"]},
            {"type": "success", "log": [], "msg": ["mailbox_added", "b@x.de"]},
        ]);
        let ok = verdict(&grown, Operation::AddMailbox).unwrap();
        assert_eq!(ok.message.key, "mailbox_added");
        assert_eq!(ok.message.args, ["b@x.de"]);
        let refused = json!([
            {"type": "success", "msg": ["rl_saved", "a@x.de"]},
            {"type": "danger", "msg": ["mailbox_quota_left_exceeded", 300]},
        ]);
        match verdict(&refused, Operation::AddMailbox) {
            Err(MailcowError::Refused(r)) => {
                assert_eq!(r.field, Some("quota_mib"));
                assert_eq!(r.server.args, ["300"]);
            }
            other => panic!("{other:?}"),
        }
        // A lone object (the generic answers) counts too; a warning is not success.
        assert!(verdict(
            &json!({"type": "warning", "msg": "x"}),
            Operation::DeleteAlias
        )
        .is_err());
        assert!(verdict(&json!([]), Operation::DeleteAlias).is_err());
    }

    #[test]
    fn mailcow_targets_are_split_and_deduplicated() {
        assert_eq!(
            split_targets(" A@x.de, b@y.de;a@x.de  c@z.de\n"),
            ["a@x.de", "b@y.de", "c@z.de"]
        );
        assert!(split_targets(" , ").is_empty());
    }
}
