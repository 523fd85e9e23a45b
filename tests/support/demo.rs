//! The step most end-to-end tests start with: the window on a given cache folder, the
//! demo entered from the sign-in screen, the own account's dashboard shown.

use std::path::Path;

use super::driver::{AppUnderTest, Launch};

/// The demo login's own account, and the one shared with it under the "Accounting" role.
pub const OWN: &str = cowdesk_sandbox::DEMO_OWN_ACCOUNT;
pub const SHARED: &str = cowdesk_sandbox::DEMO_SHARED_ACCOUNT;

/// Starts the app on `data_dir` (screenshots under artifacts/e2e/`artifacts`/) with `env`,
/// enters the demo and waits for the own account's dashboard.
pub fn launch_demo(artifacts: &str, data_dir: &Path, env: &[(&str, &str)]) -> AppUnderTest {
    let app = AppUnderTest::launch(
        artifacts,
        Launch {
            data_dir: Some(data_dir),
            env,
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver");
    let d = app.driver();
    d.click(&d.find("[data-testid=demo-button]").expect("login screen"))
        .expect("start the demo");
    d.find(&format!("[data-testid=dashboard][data-account-id={OWN}]"))
        .expect("dashboard of the own account");
    app
}
