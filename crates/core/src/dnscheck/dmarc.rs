//! DMARC records (RFC 7489 6.3): `v=DMARC1` first, a valid policy, known tags with valid
//! values.

/// A valid record's policy and whether reports are asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dmarc {
    /// `none`, `quarantine` or `reject`.
    pub policy: String,
    pub has_rua: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DmarcError {
    #[error("v=DMARC1 must be the first tag")]
    VersionNotFirst,
    #[error("no p= tag")]
    MissingPolicy,
    #[error("tag {tag} has an invalid value {value}")]
    BadValue { tag: String, value: String },
    #[error("unknown tag {0}")]
    UnknownTag(String),
    #[error("tag {0} appears twice")]
    Duplicate(String),
}

impl DmarcError {
    pub fn code(&self) -> &'static str {
        match self {
            DmarcError::VersionNotFirst => "version_not_first",
            DmarcError::MissingPolicy => "missing_policy",
            DmarcError::BadValue { .. } => "bad_value",
            DmarcError::UnknownTag(_) => "unknown_tag",
            DmarcError::Duplicate(_) => "duplicate_tag",
        }
    }

    /// The tag concerned, for the finding's parameters.
    pub fn tag(&self) -> Option<&str> {
        match self {
            DmarcError::BadValue { tag, .. }
            | DmarcError::UnknownTag(tag)
            | DmarcError::Duplicate(tag) => Some(tag),
            _ => None,
        }
    }
}

/// Any TXT at `_dmarc` that claims to be DMARC, wherever its `v=` tag stands (so that a
/// broken one is reported, not ignored).
pub fn is_dmarc(txt: &str) -> bool {
    tags(txt).iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("v")
            && value
                .get(..5)
                .is_some_and(|p| p.eq_ignore_ascii_case("dmarc"))
    })
}

fn tags(record: &str) -> Vec<(String, String)> {
    record
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((name, value)) => (name.trim().to_owned(), value.trim().to_owned()),
            None => (part.to_owned(), String::new()),
        })
        .collect()
}

const POLICIES: [&str; 3] = ["none", "quarantine", "reject"];

pub fn parse(record: &str) -> Result<Dmarc, DmarcError> {
    let tags = tags(record);
    match tags.first() {
        Some((name, value)) if name == "v" && value == "DMARC1" => {}
        _ => return Err(DmarcError::VersionNotFirst),
    }
    let mut seen: Vec<String> = Vec::new();
    let mut policy = None;
    let mut has_rua = false;
    for (name, value) in &tags[1..] {
        let tag = name.to_ascii_lowercase();
        let bad = || DmarcError::BadValue {
            tag: tag.clone(),
            value: value.clone(),
        };
        if seen.contains(&tag) || tag == "v" {
            return Err(DmarcError::Duplicate(tag));
        }
        let valid = match tag.as_str() {
            "p" | "sp" | "np" => POLICIES.contains(&value.to_ascii_lowercase().as_str()),
            "adkim" | "aspf" => matches!(value.to_ascii_lowercase().as_str(), "r" | "s"),
            "pct" => value.parse::<u8>().is_ok_and(|pct| pct <= 100),
            "ri" => value.parse::<u32>().is_ok(),
            "fo" => value
                .split(':')
                .all(|o| matches!(o.trim(), "0" | "1" | "d" | "s")),
            "rf" => value
                .split(':')
                .all(|f| f.trim().eq_ignore_ascii_case("afrf")),
            // Byte slicing would split a multi-byte character of hostile input.
            "rua" | "ruf" => value.split(',').all(|uri| {
                let uri = uri.trim();
                uri.len() > 7
                    && uri
                        .get(..7)
                        .is_some_and(|s| s.eq_ignore_ascii_case("mailto:"))
            }),
            "psd" => matches!(value.as_str(), "y" | "n" | "u"),
            "t" => matches!(value.as_str(), "y" | "n"),
            _ => return Err(DmarcError::UnknownTag(tag)),
        };
        if !valid {
            return Err(bad());
        }
        if tag == "p" {
            policy = Some(value.to_ascii_lowercase());
        }
        has_rua |= tag == "rua";
        seen.push(tag);
    }
    let policy = policy.ok_or(DmarcError::MissingPolicy)?;
    Ok(Dmarc { policy, has_rua })
}

/// `record` with its policy set to `policy` (added after `v=` when missing), every other
/// tag kept as written.
pub fn with_policy(record: &str, policy: &str) -> String {
    let mut tags = tags(record);
    match tags.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case("p")) {
        Some(tag) => tag.1 = policy.to_owned(),
        None => {
            let at = usize::from(!tags.is_empty());
            tags.insert(at, ("p".to_owned(), policy.to_owned()));
        }
    }
    if !matches!(tags.first(), Some((n, v)) if n == "v" && v == "DMARC1") {
        tags.retain(|(n, _)| !n.eq_ignore_ascii_case("v"));
        tags.insert(0, ("v".to_owned(), "DMARC1".to_owned()));
    }
    tags.iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What to publish once SPF and DKIM pass: monitoring first, with reports.
pub fn recommended(domain: &str) -> String {
    format!("v=DMARC1; p=none; rua=mailto:postmaster@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnscheck_dmarc_valid_records() {
        assert_eq!(
            parse("v=DMARC1; p=reject; rua=mailto:d@example.de; pct=100; adkim=s"),
            Ok(Dmarc {
                policy: "reject".into(),
                has_rua: true
            })
        );
        assert_eq!(parse("v=DMARC1;p=none").unwrap().policy, "none");
        assert!(parse(&recommended("example.de")).is_ok());
    }

    #[test]
    fn dnscheck_dmarc_invalid_records() {
        assert_eq!(parse("p=none; v=DMARC1"), Err(DmarcError::VersionNotFirst));
        assert_eq!(parse("v=DMARC2; p=none"), Err(DmarcError::VersionNotFirst));
        assert_eq!(
            parse("v=DMARC1; rua=mailto:a@b.de"),
            Err(DmarcError::MissingPolicy)
        );
        assert_eq!(parse("v=DMARC1; p=block").unwrap_err().code(), "bad_value");
        assert_eq!(
            parse("v=DMARC1; p=none; pct=101").unwrap_err().tag(),
            Some("pct")
        );
        assert_eq!(
            parse("v=DMARC1; p=none; foo=bar"),
            Err(DmarcError::UnknownTag("foo".into()))
        );
        assert_eq!(
            parse("v=DMARC1; p=none; p=reject"),
            Err(DmarcError::Duplicate("p".into()))
        );
        assert_eq!(
            parse("v=DMARC1; p=none; rua=a@b.de").unwrap_err().tag(),
            Some("rua")
        );
    }

    #[test]
    fn dnscheck_dmarc_policy_rewrite_keeps_other_tags() {
        assert_eq!(
            with_policy("v=DMARC1; p=reject; rua=mailto:d@x.de", "none"),
            "v=DMARC1; p=none; rua=mailto:d@x.de"
        );
        assert_eq!(
            with_policy("v=DMARC1; rua=mailto:d@x.de", "none"),
            "v=DMARC1; p=none; rua=mailto:d@x.de"
        );
    }
}
