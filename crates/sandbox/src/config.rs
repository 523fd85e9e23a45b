//! The knobs of a sandbox: seed, sizes and token lifetime.

use std::time::Duration;

use chrono::NaiveDate;

/// Size and shape of the generated data. The same (seed, today, sizes) always give the
/// same data.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub seed: u64,
    /// Further accounts shared with the demo user (Full Access), for scale tests.
    pub extra_accounts: u32,
    /// Invoices per account.
    pub invoices: u32,
    /// Domains per account.
    pub domains: u32,
    /// Mailboxes per account.
    pub mailboxes: u32,
    /// Lifetime of an access token; the refresh token lives until logout.
    pub token_ttl: Duration,
    /// The day the data is generated around (due dates, expiries).
    pub today: NaiveDate,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            seed: 1,
            extra_accounts: 0,
            invoices: 24,
            domains: 6,
            mailboxes: 12,
            token_ttl: Duration::from_secs(15 * 60),
            today: chrono::Utc::now().date_naive(),
        }
    }
}
