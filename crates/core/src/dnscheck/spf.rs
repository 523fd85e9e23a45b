//! SPF (RFC 7208): parsing a record, counting the DNS-querying terms after following every
//! include and redirect, void lookups and include loops, and merging records into one.

use std::future::Future;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::pin::Pin;

use super::lookup::{host_name, DnsLookup};

/// RFC 7208 4.6.4: at most 10 terms that cause DNS queries.
pub const MAX_LOOKUPS: u32 = 10;
/// RFC 7208 4.6.4: at most 2 lookups that return no answer.
pub const MAX_VOID_LOOKUPS: u32 = 2;
pub const MAILCOW_INCLUDE: &str = "spf.mailcow.de";
/// Expansion stops here: far past the limit, and a bound against hostile includes.
const EXPANSION_CAP: u32 = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    Pass,
    Fail,
    SoftFail,
    Neutral,
}

impl Qualifier {
    fn prefix(self) -> &'static str {
        match self {
            Qualifier::Pass => "+",
            Qualifier::Fail => "-",
            Qualifier::SoftFail => "~",
            Qualifier::Neutral => "?",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mechanism {
    All,
    Include(String),
    /// Domain (None: the current one).
    A(Option<String>),
    Mx(Option<String>),
    Ptr(Option<String>),
    Ip4,
    Ip6,
    Exists(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Mechanism(Qualifier, Mechanism),
    Redirect(String),
    /// Any other modifier (`exp=` and unknown ones), kept as written.
    Modifier(String, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpfRecord {
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid SPF term “{term}”")]
pub struct SpfSyntaxError {
    pub term: String,
}

/// `v=spf1` alone or followed by a space (RFC 7208 4.5); case-insensitive.
pub fn is_spf(txt: &str) -> bool {
    let lower = txt.trim_start().to_ascii_lowercase();
    lower == "v=spf1" || lower.starts_with("v=spf1 ")
}

pub fn parse(txt: &str) -> Result<SpfRecord, SpfSyntaxError> {
    let mut tokens = txt.split_ascii_whitespace();
    match tokens.next() {
        Some(version) if version.eq_ignore_ascii_case("v=spf1") => {}
        other => {
            return Err(SpfSyntaxError {
                term: other.unwrap_or_default().to_owned(),
            })
        }
    }
    let terms = tokens
        .map(|token| {
            parse_term(token).ok_or_else(|| SpfSyntaxError {
                term: token.to_owned(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SpfRecord { terms })
}

fn parse_term(token: &str) -> Option<Term> {
    // A modifier's name comes before '='; a mechanism's argument follows ':' or '/'.
    if let Some((name, value)) = token.split_once('=') {
        if !name.contains([':', '/']) {
            let valid_name = name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !valid_name {
                return None;
            }
            return Some(if name.eq_ignore_ascii_case("redirect") {
                Term::Redirect(domain_spec(value)?)
            } else {
                Term::Modifier(name.to_ascii_lowercase(), value.to_owned())
            });
        }
    }
    let (qualifier, rest) = match token.chars().next()? {
        '+' => (Qualifier::Pass, &token[1..]),
        '-' => (Qualifier::Fail, &token[1..]),
        '~' => (Qualifier::SoftFail, &token[1..]),
        '?' => (Qualifier::Neutral, &token[1..]),
        _ => (Qualifier::Pass, token),
    };
    let split = rest.find([':', '/']).unwrap_or(rest.len());
    let (name, arg) = rest.split_at(split);
    let domain_arg = |arg: &str| -> Option<Option<String>> {
        // `a`, `a/24`, `a:host`, `a:host/24//64`
        let (domain, cidr) = match arg.strip_prefix(':') {
            Some(rest) => match rest.find('/') {
                Some(i) => (Some(&rest[..i]), &rest[i..]),
                None => (Some(rest), ""),
            },
            None => (None, arg),
        };
        if !dual_cidr(cidr) {
            return None;
        }
        match domain {
            Some(d) => Some(Some(domain_spec(d)?)),
            None => Some(None),
        }
    };
    let mechanism = match name.to_ascii_lowercase().as_str() {
        "all" if arg.is_empty() => Mechanism::All,
        "include" => Mechanism::Include(domain_spec(arg.strip_prefix(':')?)?),
        "exists" => Mechanism::Exists(domain_spec(arg.strip_prefix(':')?)?),
        "a" => Mechanism::A(domain_arg(arg)?),
        "mx" => Mechanism::Mx(domain_arg(arg)?),
        "ptr" => match arg.strip_prefix(':') {
            Some(d) => Mechanism::Ptr(Some(domain_spec(d)?)),
            None if arg.is_empty() => Mechanism::Ptr(None),
            None => return None,
        },
        "ip4" => {
            let (ip, cidr) = split_cidr(arg.strip_prefix(':')?);
            ip.parse::<Ipv4Addr>().ok()?;
            if !cidr.is_none_or(|c| c.parse::<u8>().is_ok_and(|c| c <= 32)) {
                return None;
            }
            Mechanism::Ip4
        }
        "ip6" => {
            let (ip, cidr) = split_cidr(arg.strip_prefix(':')?);
            ip.parse::<Ipv6Addr>().ok()?;
            if !cidr.is_none_or(|c| c.parse::<u8>().is_ok_and(|c| c <= 128)) {
                return None;
            }
            Mechanism::Ip6
        }
        _ => return None,
    };
    Some(Term::Mechanism(qualifier, mechanism))
}

fn split_cidr(value: &str) -> (&str, Option<&str>) {
    match value.split_once('/') {
        Some((ip, cidr)) => (ip, Some(cidr)),
        None => (value, None),
    }
}

/// `""`, `/24`, `//64` or `/24//64`.
fn dual_cidr(value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    let Some(rest) = value.strip_prefix('/') else {
        return false;
    };
    let (v4, v6) = match rest.split_once("//") {
        Some((v4, v6)) => (v4, Some(v6)),
        None => match rest.strip_prefix('/') {
            Some(v6) => ("", Some(v6)),
            None => (rest, None),
        },
    };
    let v4_ok = v4.is_empty() || v4.parse::<u8>().is_ok_and(|c| c <= 32);
    let v6_ok = v6.is_none_or(|c| c.parse::<u8>().is_ok_and(|c| c <= 128));
    v4_ok && v6_ok
}

/// A domain (macros allowed: they are kept, not expanded), lower case, no trailing dot.
fn domain_spec(value: &str) -> Option<String> {
    let value = value.trim_end_matches('.');
    let ok = !value.is_empty()
        && value.len() <= 253
        && value
            .chars()
            .all(|c| c.is_ascii_graphic() && c != ':' && c != '/');
    ok.then(|| value.to_ascii_lowercase())
}

impl SpfRecord {
    /// The qualifier of the `all` mechanism, if there is one.
    pub fn all(&self) -> Option<Qualifier> {
        self.terms.iter().find_map(|t| match t {
            Term::Mechanism(q, Mechanism::All) => Some(*q),
            _ => None,
        })
    }

    /// `all` is the last mechanism (terms after it are never evaluated).
    pub fn all_is_last(&self) -> bool {
        matches!(
            self.terms
                .iter()
                .rev()
                .find(|t| matches!(t, Term::Mechanism(..))),
            Some(Term::Mechanism(_, Mechanism::All))
        )
    }

    pub fn redirect(&self) -> Option<&str> {
        self.terms.iter().find_map(|t| match t {
            Term::Redirect(d) => Some(d.as_str()),
            _ => None,
        })
    }

    pub fn includes(&self, domain: &str) -> bool {
        self.terms
            .iter()
            .any(|t| matches!(t, Term::Mechanism(_, Mechanism::Include(d)) if d == domain))
    }

    /// How `all` is written (`~all`), or `""` when there is none.
    pub fn all_text(&self) -> String {
        self.all()
            .map(|q| {
                let prefix = if q == Qualifier::Pass {
                    "+"
                } else {
                    q.prefix()
                };
                format!("{prefix}all")
            })
            .unwrap_or_default()
    }
}

/// Merges SPF records into one, so that a domain never has two: every term of every record
/// once (in order), `redirect=` turned into an `include:` (a merged record has its own
/// `all`), `include:spf.mailcow.de` added if missing, and one `all` at the end: `-all` when
/// any record had it, `~all` otherwise.
pub fn merge(records: &[&str]) -> String {
    let mut terms: Vec<String> = Vec::new();
    let mut hard_fail = false;
    let push = |terms: &mut Vec<String>, term: String| {
        if !terms.iter().any(|t| t.eq_ignore_ascii_case(&term)) {
            terms.push(term);
        }
    };
    for record in records {
        for token in record.split_ascii_whitespace().skip(1) {
            // `+include:x` and `include:x` are the same term (and a lone `+` is none).
            let token = token.trim_start_matches('+');
            if token.is_empty() {
                continue;
            }
            let lower = token.to_ascii_lowercase();
            if let Some(qualifier) = lower.strip_suffix("all").filter(|q| q.len() <= 1) {
                if matches!(qualifier, "" | "+" | "-" | "~" | "?") {
                    hard_fail |= qualifier == "-";
                    continue;
                }
            }
            if let Some(target) = lower.strip_prefix("redirect=") {
                push(&mut terms, format!("include:{target}"));
                continue;
            }
            push(&mut terms, token.to_owned());
        }
    }
    let mailcow = format!("include:{MAILCOW_INCLUDE}");
    push(&mut terms, mailcow);
    // Modifiers (exp=) go to the end, after `all`, where RFC 7208 puts them by convention.
    let (modifiers, mechanisms): (Vec<_>, Vec<_>) = terms.into_iter().partition(|t| is_modifier(t));
    let mut out = vec!["v=spf1".to_owned()];
    out.extend(mechanisms);
    out.push(if hard_fail { "-all" } else { "~all" }.to_owned());
    out.extend(modifiers);
    out.join(" ")
}

fn is_modifier(token: &str) -> bool {
    token
        .split_once('=')
        .is_some_and(|(name, _)| !name.contains([':', '/']))
}

/// What following every include and redirect found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// DNS-querying terms counted (include, a, mx, ptr, exists, redirect).
    pub lookups: u32,
    pub void_lookups: u32,
    /// Domains included again while already being expanded.
    pub loops: Vec<String>,
    /// Included or redirected domains without exactly one valid SPF record.
    pub broken_includes: Vec<String>,
    /// Names that could not be looked up (timeouts, refused).
    pub failures: Vec<String>,
    /// `include:spf.mailcow.de` somewhere in the tree.
    pub includes_mailcow: bool,
}

/// Follows `record` (the SPF record of `domain`) through its includes and redirects.
pub async fn expand(dns: &DnsLookup, domain: &str, record: &SpfRecord) -> Expansion {
    let mut out = Expansion::default();
    let mut stack = vec![host_name(domain)];
    expand_into(dns, domain.to_owned(), record.clone(), &mut stack, &mut out).await;
    out
}

fn expand_into<'a>(
    dns: &'a DnsLookup,
    domain: String,
    record: SpfRecord,
    stack: &'a mut Vec<String>,
    out: &'a mut Expansion,
) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
    Box::pin(async move {
        let has_all = record.all().is_some();
        for term in &record.terms {
            if out.lookups >= EXPANSION_CAP {
                return;
            }
            match term {
                Term::Mechanism(_, Mechanism::Include(target)) => {
                    out.lookups += 1;
                    if target == MAILCOW_INCLUDE {
                        out.includes_mailcow = true;
                    }
                    follow(dns, target, stack, out).await;
                }
                // A redirect is only used when the record has no `all`.
                Term::Redirect(target) if !has_all => {
                    out.lookups += 1;
                    follow(dns, target, stack, out).await;
                }
                Term::Mechanism(_, Mechanism::A(target)) => {
                    out.lookups += 1;
                    let name = target.as_deref().unwrap_or(&domain);
                    if !has_macro(name) {
                        match dns.address_count(name).await {
                            Ok(0) => out.void_lookups += 1,
                            Ok(_) => {}
                            Err(_) => out.failures.push(name.to_owned()),
                        }
                    }
                }
                Term::Mechanism(_, Mechanism::Mx(target)) => {
                    out.lookups += 1;
                    let name = target.as_deref().unwrap_or(&domain);
                    if !has_macro(name) {
                        match dns.mx(name).await {
                            Ok(hosts) if hosts.is_empty() => out.void_lookups += 1,
                            Ok(_) => {}
                            Err(_) => out.failures.push(name.to_owned()),
                        }
                    }
                }
                Term::Mechanism(_, Mechanism::Exists(target)) => {
                    out.lookups += 1;
                    if !has_macro(target) {
                        match dns.address_count(target).await {
                            Ok(0) => out.void_lookups += 1,
                            Ok(_) => {}
                            Err(_) => out.failures.push(target.clone()),
                        }
                    }
                }
                Term::Mechanism(_, Mechanism::Ptr(_)) => out.lookups += 1,
                _ => {}
            }
        }
    })
}

async fn follow(dns: &DnsLookup, target: &str, stack: &mut Vec<String>, out: &mut Expansion) {
    if has_macro(target) {
        return;
    }
    let target = host_name(target);
    if stack.contains(&target) {
        if !out.loops.contains(&target) {
            out.loops.push(target);
        }
        return;
    }
    let records = match dns.txt(&target).await {
        Ok(records) => records,
        Err(_) => {
            out.failures.push(target);
            return;
        }
    };
    let spf: Vec<&String> = records.iter().filter(|r| is_spf(r)).collect();
    if records.is_empty() {
        out.void_lookups += 1;
    }
    let parsed = match spf.as_slice() {
        [one] => parse(one).ok(),
        _ => None,
    };
    let Some(parsed) = parsed else {
        if !out.broken_includes.contains(&target) {
            out.broken_includes.push(target);
        }
        return;
    };
    stack.push(target.clone());
    expand_into(dns, target, parsed, stack, out).await;
    stack.pop();
}

fn has_macro(name: &str) -> bool {
    name.contains('%')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnscheck_spf_parses_the_usual_records() {
        let record = parse("v=spf1 ip4:1.2.3.4 ip6:2001:db8::/32 a mx:mail.example.de/24 include:spf.mailcow.de -all").unwrap();
        assert_eq!(record.terms.len(), 6);
        assert_eq!(record.all(), Some(Qualifier::Fail));
        assert!(record.all_is_last());
        assert!(record.includes("spf.mailcow.de"));
        assert_eq!(record.all_text(), "-all");
        let redirect = parse("v=spf1 redirect=_spf.Example.DE.").unwrap();
        assert_eq!(redirect.redirect(), Some("_spf.example.de"));
        assert_eq!(redirect.all(), None);
        assert!(
            parse("v=spf1 a/24//64 exists:%{i}.x.example ptr ?all exp=explain.example").is_ok()
        );
    }

    #[test]
    fn dnscheck_spf_rejects_bad_terms_and_names_them() {
        for (txt, bad) in [
            ("v=spf1 ip4:1.2.3 ~all", "ip4:1.2.3"),
            ("v=spf1 ip4:1.2.3.4/33 ~all", "ip4:1.2.3.4/33"),
            ("v=spf1 include ~all", "include"),
            ("v=spf1 inclde:x.de ~all", "inclde:x.de"),
            ("v=spf1 all:x", "all:x"),
            ("v=spf2 ~all", "v=spf2"),
            ("v=spf1 a/99 ~all", "a/99"),
            ("v=spf1 1x=y", "1x=y"),
        ] {
            assert_eq!(parse(txt).unwrap_err().term, bad, "{txt}");
        }
    }

    #[test]
    fn dnscheck_spf_detects_records() {
        assert!(is_spf("v=spf1 -all"));
        assert!(is_spf("V=SPF1"));
        assert!(!is_spf("v=spf10 -all"));
        assert!(!is_spf("google-site-verification=x"));
    }

    #[test]
    fn dnscheck_spf_merges_into_one_record() {
        assert_eq!(merge(&[]), "v=spf1 include:spf.mailcow.de ~all");
        assert_eq!(
            merge(&["v=spf1 ip4:1.2.3.4 ?all"]),
            "v=spf1 ip4:1.2.3.4 include:spf.mailcow.de ~all"
        );
        assert_eq!(
            merge(&[
                "v=spf1 mx -all",
                "v=spf1 include:_spf.google.com +include:spf.mailcow.de ~all"
            ]),
            "v=spf1 mx include:_spf.google.com include:spf.mailcow.de -all"
        );
        assert_eq!(
            merge(&[
                "v=spf1 redirect=_spf.example.de",
                "v=spf1 MX exp=x.example.de ~all"
            ]),
            "v=spf1 include:_spf.example.de MX include:spf.mailcow.de ~all exp=x.example.de"
        );
        // Already fine: unchanged.
        let good = "v=spf1 include:spf.mailcow.de ~all";
        assert_eq!(merge(&[good]), good);
        assert!(parse(&merge(&["v=spf1 a mx ptr +all"])).is_ok());
        // A lone qualifier is no term; merging is stable.
        let odd = merge(&["v=spf1 + mx +redirect=_spf.example.de"]);
        assert_eq!(
            odd,
            "v=spf1 mx include:_spf.example.de include:spf.mailcow.de ~all"
        );
        assert_eq!(merge(&[odd.as_str()]), odd);
    }
}
