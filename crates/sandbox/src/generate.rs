//! Deterministic demo data: the same seed, date and sizes always give the same accounts.
//!
//! Guarantees the dashboard and the tests rely on, in every account with at least two
//! invoices, one domain and one mailbox: the newest invoice is open and not yet due; the
//! second newest is overdue with a payment reminder and a suspended service names it, and
//! a fifth service is terminated; the
//! first domain expires in 12 days; the `info@` mailbox is 94 % full. Invoice numbers are
//! unique across all accounts.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use cowdesk_model::{
    Account, AccountUser, Domain, Invoice, InvoiceStatus, MailAllowance, Mailbox, Mandate,
    MandateKind, MandateStatus, PostalAddress, Profile, Role, Service, ServiceStatus, Ticket,
    TicketAuthor, TicketMessage, TicketStatus,
};
use std::collections::BTreeMap;

use crate::data::{accounting, full_access, AccountData, Grant};
use crate::{SandboxConfig, DEMO_EMAIL, OTHER_EMAIL, SHARED_OWNER_EMAIL};

/// SplitMix64: small, fast and the same on every platform and release.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

struct Company {
    id: String,
    number: String,
    name: String,
    slug: String,
    owner: String,
    person: &'static str,
    street: &'static str,
    postal_code: &'static str,
    city: &'static str,
}

impl Company {
    #[allow(clippy::too_many_arguments)]
    fn new(
        number: u32,
        name: &str,
        slug: &str,
        owner: &str,
        person: &'static str,
        street: &'static str,
        postal_code: &'static str,
        city: &'static str,
    ) -> Company {
        Company {
            id: format!("acc-{number}"),
            number: number.to_string(),
            name: name.to_owned(),
            slug: slug.to_owned(),
            owner: owner.to_owned(),
            person,
            street,
            postal_code,
            city,
        }
    }
}

/// (kind, product, monthly net price in cents)
const PRODUCTS: &[(&str, &str, i64)] = &[
    ("webhosting", "Webhosting Business", 1490),
    ("mail", "Shared mailcow", 2900),
    ("domain", "Domain .de", 119),
    ("server", "vServer S", 990),
    ("webhosting", "Webhosting Starter", 490),
    ("server", "vServer M", 1990),
];
const FIRST_NAMES: &[&str] = &[
    "anna", "jonas", "lena", "paul", "mia", "felix", "laura", "lukas", "sophie", "max", "emma",
    "leon", "hannah", "noah", "marie", "elias",
];
const ROLE_MAILBOXES: &[&str] = &["info", "buchhaltung", "kontakt", "service", "team", "shop"];
const TLDS: &[&str] = &["de", "eu", "com", "net", "shop"];
const CITIES: &[(&str, &str, &str)] = &[
    ("Ringstraße 1", "10115", "Berlin"),
    ("Domplatz 4", "50667", "Köln"),
    ("Königsallee 20", "40212", "Düsseldorf"),
    ("Marienplatz 2", "80331", "München"),
    ("Schlossstraße 9", "01067", "Dresden"),
];

const MIB: i64 = 1024 * 1024;
/// Invoices reach back at most about ten years, however many there are.
const INVOICE_SPAN_DAYS: u64 = 3650;

/// Every account, and who may see which.
pub(crate) fn generate(config: &SandboxConfig) -> (Vec<AccountData>, Vec<Grant>) {
    let mut rng = Rng(config.seed);
    let mut invoice_seq = 0u64;
    let mut accounts = Vec::new();
    let mut grants = Vec::new();

    let demo_own = Company::new(
        100_001,
        "Müller Webdesign",
        "mueller-webdesign",
        DEMO_EMAIL,
        "Anna Müller",
        "Lindenstraße 12",
        "49074",
        "Osnabrück",
    );
    let demo_shared = Company::new(
        200_002,
        "Bäckerei Schmidt GmbH",
        "baeckerei-schmidt",
        SHARED_OWNER_EMAIL,
        "Jonas Schmidt",
        "Marktplatz 3",
        "48143",
        "Münster",
    );
    let other_own = Company::new(
        300_003,
        "Weber Consulting",
        "weber-consulting",
        OTHER_EMAIL,
        "Lena Weber",
        "Hafenweg 8",
        "20457",
        "Hamburg",
    );

    let mut companies = vec![
        (demo_own, None),
        (demo_shared, Some(accounting())),
        (other_own, None),
    ];
    for i in 1..=config.extra_accounts {
        // Not from `rng`: extra accounts must not change the demo accounts' data.
        let (street, postal_code, city) = CITIES[i as usize % CITIES.len()];
        let company = Company::new(
            400_000 + i,
            &format!("Kunde {i} GmbH"),
            &format!("kunde-{i}"),
            &format!("inhaber@kunde-{i}.example"),
            "Kim Becker",
            street,
            postal_code,
            city,
        );
        companies.push((company, Some(full_access())));
    }

    for (company, shared_with_demo) in companies {
        grants.push(Grant {
            email: company.owner.clone(),
            account_id: company.id.clone(),
            is_own: true,
            role: full_access(),
        });
        if let Some(role) = &shared_with_demo {
            grants.push(Grant {
                email: DEMO_EMAIL.to_owned(),
                account_id: company.id.clone(),
                is_own: false,
                role: role.clone(),
            });
        }
        let view = match shared_with_demo {
            Some(role) => (false, role),
            None => (true, full_access()),
        };
        accounts.push(account_data(
            &company,
            view,
            config,
            &mut rng,
            &mut invoice_seq,
        ));
    }
    (accounts, grants)
}

fn account_data(
    company: &Company,
    (is_own, role): (bool, Role),
    config: &SandboxConfig,
    rng: &mut Rng,
    invoice_seq: &mut u64,
) -> AccountData {
    let today = config.today;
    let account = Account {
        id: company.id.clone(),
        customer_number: company.number.clone(),
        name: company.name.clone(),
        is_own,
        role,
    };
    let profile = Profile {
        customer_number: company.number.clone(),
        email: company.owner.clone(),
        address: PostalAddress {
            company: Some(company.name.clone()),
            name: company.person.to_owned(),
            street: company.street.to_owned(),
            postal_code: company.postal_code.to_owned(),
            city: company.city.to_owned(),
            country: "DE".to_owned(),
        },
        billing_emails: vec![
            format!("rechnung@{}.de", company.slug),
            format!("buchhaltung@{}.de", company.slug),
        ],
    };

    let invoices = invoices(config, rng, invoice_seq);
    let overdue_number = invoices
        .iter()
        .find(|i| i.status == InvoiceStatus::Overdue)
        .map(|i| i.number.clone());

    let mandates = vec![
        Mandate {
            id: format!("{}-m1", company.id),
            kind: MandateKind::Sepa,
            label: format!(
                "DE{:02} **** **** **** **{:02} {:02}",
                10 + rng.below(90),
                rng.below(100),
                rng.below(100)
            ),
            status: MandateStatus::Active,
            is_default: true,
            created_on: before(today, 400),
        },
        Mandate {
            id: format!("{}-m2", company.id),
            kind: MandateKind::Paypal,
            label: format!("zahlung@{}.de", company.slug),
            status: MandateStatus::Cancelled,
            is_default: false,
            created_on: before(today, 900),
        },
    ];

    let services: Vec<Service> = PRODUCTS
        .iter()
        .take(5)
        .enumerate()
        .map(|(n, (kind, product, _))| {
            // The vServer is suspended over the overdue invoice; the old starter package
            // was terminated two months ago.
            let (status, status_reason) = match (n, &overdue_number) {
                (3, Some(number)) => (
                    ServiceStatus::Suspended,
                    Some(format!("Unpaid invoice {number}")),
                ),
                (4, _) => (
                    ServiceStatus::Terminated,
                    Some("Terminated at the end of the term".to_owned()),
                ),
                _ => (ServiceStatus::Active, None),
            };
            let period_end = if n == 4 {
                before(today, 60)
            } else {
                after(today, 20 + 45 * n as u64)
            };
            Service {
                id: format!("{}-s{}", company.id, n + 1),
                kind: (*kind).to_owned(),
                product: (*product).to_owned(),
                status,
                term_months: if n % 2 == 0 { 12 } else { 1 },
                period_end,
                status_reason,
                status_reason_text: None,
                mail_allowance: (*kind == "mail").then(|| mail_allowance(config.mailboxes)),
            }
        })
        .collect();

    let domains = (0..config.domains)
        .map(|i| {
            let name = if i == 0 {
                format!("{}.de", company.slug)
            } else {
                format!("{}-{}.{}", company.slug, i, rng.pick(TLDS))
            };
            // The first domain expires within 30 days; the rest spread over the year.
            let expires_in = if i == 0 { 12 } else { 40 + rng.below(320) };
            let transfer_lock = i % 5 != 4;
            Domain {
                name,
                expires_on: after(today, expires_in),
                transfer_lock,
                auto_renew: i % 3 != 2,
                status: "active".to_owned(),
                // Unlocked ten days ago and forgotten: the re-lock reminder's case.
                lock_changed_at: Some(morning(before(today, if transfer_lock { 400 } else { 10 }))),
                service_ids: domain_services(&services, i),
                invoice_numbers: domain_invoices(&invoices, i),
            }
        })
        .collect();

    let mailboxes = (0..config.mailboxes)
        .map(|i| {
            let (local, name) = match ROLE_MAILBOXES.get(i as usize) {
                Some(role) => ((*role).to_owned(), capitalised(role)),
                None => {
                    let first = rng.pick(FIRST_NAMES);
                    (
                        format!("{first}.{i}"),
                        format!("{} ({i})", capitalised(first)),
                    )
                }
            };
            // Within the shared mailcow's default 20 GB for the default dozen mailboxes.
            let quota_bytes = [512, 1024, 2048][rng.below(3) as usize] * MIB;
            // info@ is nearly full; the rest use at most 80 %.
            let used_bytes = if i == 0 {
                quota_bytes * 94 / 100
            } else {
                quota_bytes * rng.below(81) as i64 / 100
            };
            Mailbox {
                address: format!("{local}@{}.de", company.slug),
                name,
                quota_bytes,
                used_bytes,
                active: i % 11 != 10,
            }
        })
        .collect();

    let mut users = vec![AccountUser {
        email: company.owner.clone(),
        role: full_access(),
    }];
    if !is_own {
        users.push(AccountUser {
            email: DEMO_EMAIL.to_owned(),
            role: account.role.clone(),
        });
    }

    let tickets = vec![
        Ticket {
            id: format!("{}-t1", company.id),
            subject: "Frage zur Rechnung".to_owned(),
            status: TicketStatus::Answered,
            created_at: morning(before(today, 20)),
        },
        Ticket {
            id: format!("{}-t2", company.id),
            subject: "Umzug der Domain".to_owned(),
            status: TicketStatus::Closed,
            created_at: morning(before(today, 95)),
        },
    ];

    let asked = morning(before(today, 20));
    let ticket_messages = BTreeMap::from([
        (
            format!("{}-t1", company.id),
            vec![
                TicketMessage {
                    author: TicketAuthor::Customer,
                    body: "Guten Tag,\nauf der letzten Rechnung ist der Managed mailcow doppelt aufgeführt. Können Sie das bitte prüfen?\nViele Grüße".to_owned(),
                    sent_at: asked,
                },
                TicketMessage {
                    author: TicketAuthor::Support,
                    body: "Hallo,\nvielen Dank für den Hinweis. Die zweite Position war eine Gutschrift für den Vormonat; die Rechnung ist korrekt. Bei Fragen melden Sie sich gern.\nIhr Servercow-Support".to_owned(),
                    sent_at: asked + chrono::Duration::hours(3),
                },
            ],
        ),
        (
            format!("{}-t2", company.id),
            vec![
                TicketMessage {
                    author: TicketAuthor::Customer,
                    body: "Wir möchten eine Domain von einem anderen Anbieter zu Servercow umziehen. Was ist zu tun?".to_owned(),
                    sent_at: morning(before(today, 95)),
                },
                TicketMessage {
                    author: TicketAuthor::Support,
                    body: "Bitte geben Sie uns den Auth-Code über einen Secret-Link (secrets.servercow.de), nicht im Ticket. Den Umzug stoßen wir dann an.".to_owned(),
                    sent_at: morning(before(today, 94)),
                },
                TicketMessage {
                    author: TicketAuthor::Support,
                    body: "Der Umzug ist abgeschlossen. Wir schließen das Ticket.".to_owned(),
                    sent_at: morning(before(today, 90)),
                },
            ],
        ),
    ]);

    let mut data = AccountData {
        account,
        profile,
        invoices,
        mandates,
        services,
        domains,
        mailboxes,
        users,
        tickets,
        ticket_messages,
    };
    data.sort();
    data
}

/// The domain service bills every domain; the first domain also carries the web hosting.
/// The FAQ's default allowance (20 mailboxes, 20 GB); a generated large account gets a
/// bigger plan with room to spare (the next thousand mailboxes, 2 GiB each).
fn mail_allowance(mailboxes: u32) -> MailAllowance {
    const DEFAULT_MAILBOXES: u32 = 20;
    if mailboxes <= DEFAULT_MAILBOXES {
        MailAllowance {
            mailboxes: DEFAULT_MAILBOXES,
            storage_bytes: 20 * 1024 * MIB,
        }
    } else {
        let limit = (mailboxes / 1000 + 1) * 1000;
        MailAllowance {
            mailboxes: limit,
            storage_bytes: i64::from(limit) * 2 * 1024 * MIB,
        }
    }
}

fn domain_services(services: &[Service], index: u32) -> Vec<String> {
    services
        .iter()
        .filter(|s| s.kind == "domain" || (index == 0 && s.kind == "webhosting"))
        .map(|s| s.id.clone())
        .collect()
}

/// The first domain's renewal is on the overdue invoice (so the transfer checklist has an
/// invoice to pay first); the others were billed on a paid one.
fn domain_invoices(invoices: &[Invoice], index: u32) -> Vec<String> {
    let pick = if index == 0 {
        invoices.iter().find(|i| i.status == InvoiceStatus::Overdue)
    } else {
        let paid: Vec<&Invoice> = invoices
            .iter()
            .filter(|i| i.status == InvoiceStatus::Paid)
            .collect();
        (!paid.is_empty()).then(|| paid[index as usize % paid.len()])
    };
    pick.map(|i| vec![i.number.clone()]).unwrap_or_default()
}

/// Invoices going back from 15 days ago, monthly while they fit into ten years, denser
/// for large counts. Newer invoices carry higher numbers.
fn invoices(config: &SandboxConfig, rng: &mut Rng, invoice_seq: &mut u64) -> Vec<Invoice> {
    let today = config.today;
    let count = u64::from(config.invoices);
    // Monthly while that fits into the span; for large counts several share a day.
    let span = (30 * count).min(INVOICE_SPAN_DAYS);
    let first_number = *invoice_seq + 1;
    *invoice_seq += count;
    (0..count)
        .map(|i| {
            let issue_date = before(today, 15 + i * span / count);
            let (_, _, price) = *rng.pick(PRODUCTS);
            // Gross, with 19 % VAT.
            let amount_cents = price * (1 + rng.below(3) as i64) * 119 / 100;
            let (status, dunning_level, paid_on, due_date) = match i {
                // Issued 15 days ago, due tomorrow: open, not overdue.
                0 => (InvoiceStatus::Open, 0, None, after(today, 1)),
                // Due before today, with a payment reminder.
                1 => (InvoiceStatus::Overdue, 1, None, after(issue_date, 14)),
                _ if rng.below(40) == 0 => {
                    (InvoiceStatus::Cancelled, 0, None, after(issue_date, 14))
                }
                // Paid 3 to 12 days after issue: always in the past.
                _ => (
                    InvoiceStatus::Paid,
                    0,
                    Some(after(issue_date, 3 + rng.below(10))),
                    after(issue_date, 14),
                ),
            };
            Invoice {
                number: format!(
                    "RE-{}-{:06}",
                    issue_date.format("%Y"),
                    first_number + (count - 1 - i)
                ),
                issue_date,
                due_date,
                amount_cents,
                currency: "EUR".to_owned(),
                status,
                dunning_level,
                paid_on,
            }
        })
        .collect()
}

fn before(day: NaiveDate, days: u64) -> NaiveDate {
    // Only fails beyond the year 262,000.
    day.checked_sub_days(Days::new(days)).unwrap_or(day)
}

fn after(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

fn morning(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
        + chrono::Duration::minutes(9 * 60 + 30)
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn config() -> SandboxConfig {
        SandboxConfig {
            today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            ..SandboxConfig::default()
        }
    }

    #[test]
    fn the_demo_login_sees_its_own_and_the_shared_account_by_their_published_ids() {
        let (_, grants) = generate(&config());
        let mut seen: Vec<_> = grants
            .iter()
            .filter(|g| g.email == DEMO_EMAIL)
            .map(|g| (g.account_id.as_str(), g.is_own))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            vec![
                (crate::DEMO_OWN_ACCOUNT, true),
                (crate::DEMO_SHARED_ACCOUNT, false)
            ]
        );
    }

    #[test]
    fn same_seed_gives_same_data() {
        let (a, _) = generate(&config());
        let (b, _) = generate(&config());
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.invoices, y.invoices);
            assert_eq!(x.mailboxes, y.mailboxes);
            assert_eq!(x.domains, y.domains);
            assert_eq!(x.mandates, y.mandates);
        }
        let (c, _) = generate(&SandboxConfig {
            seed: 2,
            ..config()
        });
        assert_ne!(a[0].invoices, c[0].invoices);
    }

    #[test]
    fn invoice_numbers_are_unique_across_accounts_and_grow_with_time() {
        let (accounts, _) = generate(&SandboxConfig {
            extra_accounts: 3,
            ..config()
        });
        let numbers: Vec<_> = accounts
            .iter()
            .flat_map(|a| a.invoices.iter().map(|i| i.number.clone()))
            .collect();
        let unique: BTreeSet<_> = numbers.iter().collect();
        assert_eq!(unique.len(), numbers.len());
        for account in &accounts {
            let seq = |i: &Invoice| i.number[8..].parse::<u64>().unwrap();
            assert!(account
                .invoices
                .windows(2)
                .all(|w| w[0].issue_date > w[1].issue_date && seq(&w[0]) > seq(&w[1])));
        }
    }

    #[test]
    fn large_sizes_stay_plausible_and_unique() {
        let config = SandboxConfig {
            invoices: 5_000,
            mailboxes: 10_000,
            domains: 300,
            ..config()
        };
        let (accounts, _) = generate(&config);
        let own = &accounts[0];
        let oldest = own.invoices.last().unwrap().issue_date;
        assert!((config.today - oldest).num_days() <= 3650 + 15);
        for invoice in &own.invoices {
            assert!(invoice.paid_on.is_none_or(|paid| paid < config.today));
        }
        let addresses: BTreeSet<_> = own.mailboxes.iter().map(|m| &m.address).collect();
        let domains: BTreeSet<_> = own.domains.iter().map(|d| &d.name).collect();
        assert_eq!(addresses.len(), 10_000);
        assert_eq!(domains.len(), 300);
    }

    #[test]
    fn extra_accounts_leave_the_demo_accounts_unchanged() {
        let (plain, _) = generate(&config());
        let (more, grants) = generate(&SandboxConfig {
            extra_accounts: 2,
            ..config()
        });
        assert_eq!(more.len(), plain.len() + 2);
        assert_eq!(plain[0].invoices, more[0].invoices);
        assert_eq!(plain[1].invoices, more[1].invoices);
        let demo_sees = grants.iter().filter(|g| g.email == DEMO_EMAIL).count();
        assert_eq!(demo_sees, 4);
    }
}
