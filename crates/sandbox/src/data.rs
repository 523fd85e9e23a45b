//! What the portal holds per account, and who may see it.

use cowdesk_model::{
    Account, AccountUser, Domain, Invoice, Mailbox, Mandate, Permission, Profile, Resource, Role,
    Service, Ticket, TicketMessage,
};

use crate::http::etag_of;

/// Everything the portal holds for one customer account. Tests change it through
/// `SandboxHandle::with_account`; collections are put back in the contract's order after.
#[derive(Debug, Clone)]
pub struct AccountData {
    /// The account with the role of the demo login when it can see the account, else as
    /// its owner sees it. `GET /accounts` answers with each login's own role.
    pub account: Account,
    pub profile: Profile,
    pub invoices: Vec<Invoice>,
    pub mandates: Vec<Mandate>,
    pub services: Vec<Service>,
    pub domains: Vec<Domain>,
    pub mailboxes: Vec<Mailbox>,
    pub users: Vec<AccountUser>,
    pub tickets: Vec<Ticket>,
    /// Each ticket's conversation by ticket id, oldest message first.
    pub ticket_messages: std::collections::BTreeMap<String, Vec<TicketMessage>>,
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
        // A stable sort: tickets opened in the same instant keep their newest-first order.
        self.tickets
            .sort_by_key(|t| std::cmp::Reverse(t.created_at));
    }

    /// The ETag of one whole collection (or the profile).
    pub(crate) fn etag(&self, resource: Resource) -> String {
        match resource {
            Resource::Profile => etag_of(&self.profile),
            Resource::Invoices => etag_of(&self.invoices),
            Resource::Mandates => etag_of(&self.mandates),
            Resource::Services => etag_of(&self.services),
            Resource::Domains => etag_of(&self.domains),
            Resource::Mailboxes => etag_of(&self.mailboxes),
            Resource::Users => etag_of(&self.users),
            Resource::Tickets => etag_of(&self.tickets),
        }
    }
}

/// Who may see which account, with which role.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub email: String,
    pub account_id: String,
    pub is_own: bool,
    pub role: Role,
}

pub(crate) fn full_access() -> Role {
    Role {
        name: "Full Access".into(),
        permissions: Permission::ALL.to_vec(),
    }
}

/// The role the demo login holds on the shared bakery account: no services, domains,
/// mailboxes or users.
pub(crate) fn accounting() -> Role {
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
