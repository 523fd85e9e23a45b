//! Reads of one account's cached data. Every command takes the account explicitly, so a
//! view can never be filled with another account's rows.

use cowdesk_core::model::{
    AccountSummary, Dashboard, Listing, Mailbox, Mandate, Service, SignedInStart,
};

use super::input::AccountId;

core_commands! {
    list_accounts() -> Vec<AccountSummary> = |core| core.accounts();

    /// After a sign-in: the accounts, the one shown last and its dashboard, in one answer.
    signed_in_start() -> SignedInStart = |core| core.signed_in_start();

    select_account(account_id: AccountId) -> () = |core| core.select_account(&account_id);
    dashboard(account_id: AccountId) -> Dashboard = |core| core.dashboard(&account_id);
    list_mandates(account_id: AccountId) -> Listing<Mandate> = |core| core.mandates(&account_id);
    list_services(account_id: AccountId) -> Listing<Service> = |core| core.services(&account_id);
    list_mailboxes(account_id: AccountId) -> Listing<Mailbox>
        = |core| core.mailboxes(&account_id);
}
