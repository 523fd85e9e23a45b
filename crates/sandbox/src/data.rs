//! Deterministic demo data: the same seed, date and sizes always give the same accounts.

use chrono::{DateTime, Duration as Days, NaiveDate, TimeZone, Utc};
use cowdesk_model::{
    Account, AccountUser, Domain, Invoice, InvoiceStatus, Mailbox, Mandate, MandateKind,
    MandateStatus, Permission, PostalAddress, Profile, Role, Service, ServiceStatus, Ticket,
    TicketStatus,
};

use crate::{SandboxConfig, DEMO_EMAIL, OTHER_EMAIL};

/// Everything the portal holds for one customer account.
#[derive(Debug, Clone)]
pub struct AccountData {
    /// As the demo login sees it (role, own or shared).
    pub account: Account,
    pub profile: Profile,
    pub invoices: Vec<Invoice>,
    pub mandates: Vec<Mandate>,
    pub services: Vec<Service>,
    pub domains: Vec<Domain>,
    pub mailboxes: Vec<Mailbox>,
    pub users: Vec<AccountUser>,
    pub tickets: Vec<Ticket>,
}

impl AccountData {
    /// Puts every collection in the contract's order, so pages stay stable whatever a
    /// test changed.
    pub(crate) fn sort(&mut self) {
        self.invoices.sort_by(|a, b| {
            b.issue_date
                .cmp(&a.issue_date)
                .then_with(|| b.number.cmp(&a.number))
        });
        self.mandates.sort_by(|a, b| a.id.cmp(&b.id));
        self.services.sort_by(|a, b| a.id.cmp(&b.id));
        self.domains.sort_by(|a, b| a.name.cmp(&b.name));
        self.mailboxes.sort_by(|a, b| a.address.cmp(&b.address));
        self.users.sort_by(|a, b| a.email.cmp(&b.email));
        // Stable: tickets opened in the same instant keep their newest-first order.
        self.tickets
            .sort_by_key(|t| std::cmp::Reverse(t.created_at));
    }
}

/// Who may see which account, with which role.
#[derive(Debug, Clone)]
pub struct Grant {
    pub email: String,
    pub account_id: String,
    pub is_own: bool,
    pub role: Role,
}

pub fn full_access() -> Role {
    Role {
        name: "Full Access".into(),
        permissions: Permission::ALL.to_vec(),
    }
}

pub fn accounting() -> Role {
    Role {
        name: "Accounting".into(),
        permissions: vec![
            Permission::Profile,
            Permission::Invoices,
            Permission::Mandates,
            Permission::Tickets,
        ],
    }
}

/// SplitMix64: small, fast and stable across platforms and releases.
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
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

struct Company {
    id: &'static str,
    number: &'static str,
    name: &'static str,
    slug: &'static str,
    person: &'static str,
    street: &'static str,
    postal_code: &'static str,
    city: &'static str,
}

const DEMO_OWN: Company = Company {
    id: "acc-100001",
    number: "100001",
    name: "Müller Webdesign",
    slug: "mueller-webdesign",
    person: "Anna Müller",
    street: "Lindenstraße 12",
    postal_code: "49074",
    city: "Osnabrück",
};
const DEMO_SHARED: Company = Company {
    id: "acc-200002",
    number: "200002",
    name: "Bäckerei Schmidt GmbH",
    slug: "baeckerei-schmidt",
    person: "Jonas Schmidt",
    street: "Marktplatz 3",
    postal_code: "48143",
    city: "Münster",
};
const OTHER_OWN: Company = Company {
    id: "acc-300003",
    number: "300003",
    name: "Weber Consulting",
    slug: "weber-consulting",
    person: "Lena Weber",
    street: "Hafenweg 8",
    postal_code: "20457",
    city: "Hamburg",
};

const PRODUCTS: &[(&str, &str, i64)] = &[
    ("webhosting", "Webhosting Business", 1490),
    ("mail", "Managed mailcow", 2900),
    ("domain", "Domain .de", 119),
    ("server", "vServer S", 990),
    ("webhosting", "Webhosting Starter", 490),
];
const FIRST_NAMES: &[&str] = &[
    "anna", "jonas", "lena", "paul", "mia", "felix", "laura", "lukas", "sophie", "max",
];
const ROLES: &[&str] = &["info", "buchhaltung", "kontakt", "service", "team", "shop"];
const TLDS: &[&str] = &["de", "eu", "com", "net", "shop"];

const MIB: i64 = 1024 * 1024;

/// Generates every account and who may see it.
pub fn generate(config: &SandboxConfig) -> (Vec<AccountData>, Vec<Grant>) {
    let mut rng = Rng(config.seed);
    let mut invoice_seq = 0u64;
    let mut accounts = Vec::new();
    let mut grants = Vec::new();

    let mut add = |company: &Company,
                   owner: &str,
                   shared_with_demo: Option<Role>,
                   rng: &mut Rng,
                   invoice_seq: &mut u64| {
        let demo_role = if owner == DEMO_EMAIL {
            full_access()
        } else {
            shared_with_demo.clone().unwrap_or_else(full_access)
        };
        let data = account_data(company, owner, demo_role, config, rng, invoice_seq);
        grants.push(Grant {
            email: owner.to_owned(),
            account_id: company.id.to_owned(),
            is_own: true,
            role: full_access(),
        });
        if let Some(role) = shared_with_demo {
            grants.push(Grant {
                email: DEMO_EMAIL.to_owned(),
                account_id: company.id.to_owned(),
                is_own: false,
                role,
            });
        }
        accounts.push(data);
    };

    add(&DEMO_OWN, DEMO_EMAIL, None, &mut rng, &mut invoice_seq);
    add(
        &DEMO_SHARED,
        "jonas@baeckerei-schmidt.example",
        Some(accounting()),
        &mut rng,
        &mut invoice_seq,
    );
    add(&OTHER_OWN, OTHER_EMAIL, None, &mut rng, &mut invoice_seq);
    for i in 0..config.extra_accounts {
        // Leaked once per extra account: a sandbox lives as long as its process.
        let id: &'static str = Box::leak(format!("acc-{}", 400_000 + i).into_boxed_str());
        let number: &'static str = Box::leak(format!("{}", 400_000 + i).into_boxed_str());
        let name: &'static str = Box::leak(format!("Kunde {} GmbH", i + 1).into_boxed_str());
        let slug: &'static str = Box::leak(format!("kunde-{}", i + 1).into_boxed_str());
        let company = Company {
            id,
            number,
            name,
            slug,
            person: "Kim Becker",
            street: "Ringstraße 1",
            postal_code: "10115",
            city: "Berlin",
        };
        let owner = format!("owner{}@kunde.example", i + 1);
        add(
            &company,
            &owner,
            Some(full_access()),
            &mut rng,
            &mut invoice_seq,
        );
    }
    (accounts, grants)
}

fn account_data(
    company: &Company,
    owner: &str,
    demo_role: Role,
    config: &SandboxConfig,
    rng: &mut Rng,
    invoice_seq: &mut u64,
) -> AccountData {
    let today = config.today;
    let account = Account {
        id: company.id.to_owned(),
        customer_number: company.number.to_owned(),
        name: company.name.to_owned(),
        is_own: owner == DEMO_EMAIL,
        role: demo_role,
    };
    let profile = Profile {
        customer_number: company.number.to_owned(),
        email: owner.to_owned(),
        address: PostalAddress {
            company: Some(company.name.to_owned()),
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

    // Invoices: one a month going back, the newest still open. The three newest carry
    // the states the dashboard has to show: overdue with a reminder, open, paid.
    let mut invoices = Vec::with_capacity(config.invoices as usize);
    for i in 0..config.invoices {
        *invoice_seq += 1;
        let issue_date = today - Days::days(15 + 30 * i64::from(i));
        let due_date = issue_date + Days::days(14);
        let (_, _, price) = PRODUCTS[rng.below(PRODUCTS.len() as u64) as usize];
        let amount_cents = price * (1 + rng.below(3) as i64) * 119 / 100;
        let (status, dunning_level, paid_on) = match i {
            0 => (InvoiceStatus::Open, 0, None),
            1 => (InvoiceStatus::Overdue, 1, None),
            _ if rng.below(40) == 0 => (InvoiceStatus::Cancelled, 0, None),
            _ => (
                InvoiceStatus::Paid,
                0,
                Some(issue_date + Days::days(3 + rng.below(10) as i64)),
            ),
        };
        // The newest invoice is issued 15 days ago and due tomorrow: open, not overdue.
        let due_date = if i == 0 {
            today + Days::days(1)
        } else {
            due_date
        };
        invoices.push(Invoice {
            number: format!("RE-{}-{:06}", issue_date.format("%Y"), *invoice_seq),
            issue_date,
            due_date,
            amount_cents,
            currency: "EUR".to_owned(),
            status,
            dunning_level,
            paid_on,
        });
    }
    let overdue_number = invoices
        .iter()
        .find(|i| i.status == InvoiceStatus::Overdue)
        .map(|i| i.number.clone());

    let mandates = vec![
        Mandate {
            id: format!("{}-m1", company.id),
            kind: MandateKind::Sepa,
            label: format!(
                "DE89 **** **** **** **{:02} {:02}",
                rng.below(100),
                rng.below(100)
            ),
            status: MandateStatus::Active,
            is_default: true,
            created_on: today - Days::days(400),
        },
        Mandate {
            id: format!("{}-m2", company.id),
            kind: MandateKind::Paypal,
            label: format!("zahlung@{}.de", company.slug),
            status: MandateStatus::Cancelled,
            is_default: false,
            created_on: today - Days::days(900),
        },
    ];

    let mut services = Vec::new();
    for (n, (kind, product, _)) in PRODUCTS.iter().take(4).enumerate() {
        let status = match (n, &overdue_number) {
            (3, Some(number)) => (
                ServiceStatus::Suspended,
                Some(format!("Unpaid invoice {number}")),
            ),
            _ => (ServiceStatus::Active, None),
        };
        services.push(Service {
            id: format!("{}-s{}", company.id, n + 1),
            kind: (*kind).to_owned(),
            product: (*product).to_owned(),
            status: status.0,
            term_months: if n % 2 == 0 { 12 } else { 1 },
            period_end: today + Days::days(20 + 45 * n as i64),
            status_reason: status.1,
        });
    }

    let mut domains = Vec::with_capacity(config.domains as usize);
    for i in 0..config.domains {
        let name = if i == 0 {
            format!("{}.de", company.slug)
        } else {
            format!("{}-{}.{}", company.slug, i, rng.pick(TLDS))
        };
        // The first domain expires within 30 days; the rest spread over the year.
        let expires_in = if i == 0 {
            12
        } else {
            40 + rng.below(330) as i64
        };
        domains.push(Domain {
            name,
            expires_on: today + Days::days(expires_in),
            transfer_lock: i % 5 != 4,
            auto_renew: i % 3 != 2,
            status: "active".to_owned(),
        });
    }

    let mut mailboxes = Vec::with_capacity(config.mailboxes as usize);
    for i in 0..config.mailboxes {
        let local = if i == 0 {
            "info".to_owned()
        } else if (i as usize) < ROLES.len() {
            ROLES[i as usize].to_owned()
        } else {
            format!("{}.{}", rng.pick(FIRST_NAMES), i)
        };
        let quota_bytes = [1024, 2048, 5120][rng.below(3) as usize] * MIB;
        // The first mailbox is nearly full; the rest use up to 80 %.
        let used_bytes = if i == 0 {
            quota_bytes * 94 / 100
        } else {
            quota_bytes * rng.below(80) as i64 / 100
        };
        mailboxes.push(Mailbox {
            address: format!("{local}@{}.de", company.slug),
            name: local.replace('.', " "),
            quota_bytes,
            used_bytes,
            active: i % 11 != 10,
        });
    }

    let mut users = vec![AccountUser {
        email: owner.to_owned(),
        role: full_access(),
    }];
    if company.id == DEMO_SHARED.id {
        users.push(AccountUser {
            email: DEMO_EMAIL.to_owned(),
            role: accounting(),
        });
    }

    let tickets = vec![Ticket {
        id: format!("{}-t1", company.id),
        subject: "Frage zur Rechnung".to_owned(),
        status: TicketStatus::Answered,
        created_at: morning(today - Days::days(20)),
    }];

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
    };
    data.sort();
    data
}

fn morning(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(9, 30, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SandboxConfig {
        SandboxConfig {
            today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            ..SandboxConfig::default()
        }
    }

    #[test]
    fn same_seed_gives_same_data() {
        let (a, _) = generate(&config());
        let (b, _) = generate(&config());
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.invoices, y.invoices);
            assert_eq!(x.mailboxes, y.mailboxes);
        }
        let (c, _) = generate(&SandboxConfig {
            seed: 2,
            ..config()
        });
        assert_ne!(a[0].invoices, c[0].invoices);
    }

    #[test]
    fn invoice_numbers_are_unique_across_accounts() {
        let (accounts, _) = generate(&SandboxConfig {
            extra_accounts: 3,
            ..config()
        });
        let mut numbers: Vec<_> = accounts
            .iter()
            .flat_map(|a| a.invoices.iter().map(|i| i.number.clone()))
            .collect();
        let total = numbers.len();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), total);
    }
}
