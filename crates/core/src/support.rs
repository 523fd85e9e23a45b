//! The support desk (issue 15): the bounce explainer, secret links (a Yopass client and
//! OpenPGP password encryption), the password guard, and the ticket forms of the FAQ's
//! "send support the following" answers. Headless: the window and the command line only
//! wire these functions up.

pub mod bounce;
mod bounce_parts;
mod bounce_reason;
mod bounce_scan;
mod bounce_text;
mod desk;
pub mod guard;
pub mod links;
pub mod secret;
mod secret_crypto;
mod secret_yopass;
pub mod session;
pub mod tickets;
mod tickets_forms;
mod tickets_send;

pub use bounce::{explain_bounce, BounceContext, BounceError, BounceSummary, MAX_BOUNCE_BYTES};
pub use desk::{without_link_keys, SETTING_SECRET_SERVER};
pub use guard::{guard_text, replace_finding, KnownSecret};
pub use links::HeldLink;
pub use secret::{
    create_secret_link, open_secret_link, CreatedSecret, SecretError, SecretLink, SecretOptions,
    SecretText, DEFAULT_SECRET_SERVER,
};
pub use session::{guard_hits, SupportSession};
pub use tickets::{
    check_draft, finish_ticket, form, forms, guard_draft, mail_not_arriving_draft, prefill,
    render_ticket, Prefill, PORTAL_TICKET_URL,
};
pub use tickets_send::HandOffVia;
