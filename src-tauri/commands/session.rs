//! Signing in and out, the demo, and password reset.

use cowdesk_core::error::CoreError;
use cowdesk_core::model::LoginInfo;
use cowdesk_core::support::{HeldLink, SupportSession};
use cowdesk_core::validate::signin;

use crate::AppState;

core_commands! {
    request_password_reset(server: String, email: String) -> ()
        = |core| core.request_password_reset(signin::server(&server)?, signin::email(&email)?);

    login(server: String, email: String, password: String) -> LoginInfo
        = |core, app| async move {
            let server = signin::server(&server)?;
            let email = signin::email(&email)?;
            let password = signin::password(&password)?;
            let info = core.login(server, email, password, false).await?;
            crate::background::request_sync(&app);
            Ok::<_, CoreError>(info)
        };

    start_demo() -> LoginInfo = |_, app| async move {
        let info = app.state::<AppState>().active().start_demo().await?;
        crate::background::request_sync(&app);
        Ok::<_, CoreError>(info)
    };

    logout() -> () = |_, app| async move {
        // What the support desk holds in memory goes with the session, whatever else
        // happens.
        app.state::<SupportSession>().forget();
        app.state::<HeldLink>().forget();
        app.state::<AppState>().active().logout().await
    };
}
