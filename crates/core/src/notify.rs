//! Desktop notifications through notify-rust: D-Bus (org.freedesktop.Notifications) on
//! Linux and the BSDs, the notification centre on macOS, toasts on Windows. Where the
//! platform reports clicks (D-Bus), a click hands the alert's place in the app to the
//! caller.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cowdesk_model::{AlertSeverity, Navigation};

use crate::alerts::Outgoing;

/// What shows a notification. The app uses [`DesktopNotifier`]; tests may record.
pub trait Notifier: Send + Sync {
    fn show(&self, notification: &Outgoing)
        -> impl Future<Output = Result<(), NotifyError>> + Send;
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("the notification service did not answer in time")]
    Timeout,
    #[error("notification not shown: {0}")]
    Failed(String),
}

/// Called with the alert's place in the app when the user clicks a notification.
pub type OnClick = Arc<dyn Fn(Navigation) + Send + Sync>;

/// A missing notification service must not hold up a sync: D-Bus activation of an absent
/// service can take long.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Clicks are listened for at most this long, and for at most this many notifications at
/// once; older ones still show, they just no longer open the app.
const CLICK_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);
const MAX_LISTENING: usize = 32;

pub struct DesktopNotifier {
    app_name: String,
    on_click: Option<OnClick>,
    listening: Arc<AtomicUsize>,
}

impl DesktopNotifier {
    pub fn new(app_name: &str, on_click: Option<OnClick>) -> DesktopNotifier {
        DesktopNotifier {
            app_name: app_name.to_owned(),
            on_click,
            listening: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn build(&self, n: &Outgoing) -> notify_rust::Notification {
        let mut notification = notify_rust::Notification::new();
        notification
            .appname(&self.app_name)
            .summary(&n.title)
            .body(&n.body);
        #[cfg(any(windows, all(unix, not(target_os = "macos"))))]
        notification.urgency(match n.severity {
            AlertSeverity::Info => notify_rust::Urgency::Low,
            AlertSeverity::Warning => notify_rust::Urgency::Normal,
            AlertSeverity::Critical => notify_rust::Urgency::Critical,
        });
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            notification.hint(notify_rust::Hint::DesktopEntry(self.app_name.clone()));
            if self.on_click.is_some() {
                // "default" is the action of clicking the notification itself.
                notification.action("default", "Open");
            }
        }
        notification
    }
}

impl Notifier for DesktopNotifier {
    #[cfg(all(unix, not(target_os = "macos")))]
    async fn show(&self, n: &Outgoing) -> Result<(), NotifyError> {
        let notification = self.build(n);
        let handle = tokio::time::timeout(SEND_TIMEOUT, notification.show_async())
            .await
            .map_err(|_| NotifyError::Timeout)?
            .map_err(|e| NotifyError::Failed(e.to_string()))?;
        let Some(on_click) = self.on_click.clone() else {
            return Ok(());
        };
        if self.listening.fetch_add(1, Ordering::SeqCst) >= MAX_LISTENING {
            self.listening.fetch_sub(1, Ordering::SeqCst);
            return Ok(());
        }
        let listening = self.listening.clone();
        let target = n.target.clone();
        tokio::spawn(async move {
            let wait = handle.wait_for_action_async(|response| {
                if let notify_rust::NotificationResponse::Default = response {
                    on_click(target);
                }
            });
            let _ = tokio::time::timeout(CLICK_WINDOW, wait).await;
            listening.fetch_sub(1, Ordering::SeqCst);
        });
        Ok(())
    }

    #[cfg(not(all(unix, not(target_os = "macos"))))]
    async fn show(&self, n: &Outgoing) -> Result<(), NotifyError> {
        let notification = self.build(n);
        let shown = tokio::task::spawn_blocking(move || notification.show().map(|_| ()));
        tokio::time::timeout(SEND_TIMEOUT, shown)
            .await
            .map_err(|_| NotifyError::Timeout)?
            .map_err(|e| NotifyError::Failed(e.to_string()))?
            .map_err(|e| NotifyError::Failed(e.to_string()))
    }
}
