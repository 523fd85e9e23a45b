//! The provider approval a window waits for: one at a time, cancellable, its page
//! reopenable while it waits. The window's command holds an [`ApprovalTicket`] for as
//! long as it waits; dropping the ticket frees the desk.

use std::sync::{Mutex, MutexGuard};

use tokio::sync::watch;

use crate::error::CoreError;

#[derive(Default)]
pub struct ApprovalDesk {
    current: Mutex<Option<Waiting>>,
}

struct Waiting {
    /// The provider's page, once the portal has answered with it.
    url: Option<String>,
    stop: watch::Sender<bool>,
}

/// A reserved desk: `cancel` turns true when the user cancels.
pub struct ApprovalTicket<'a> {
    pub cancel: watch::Receiver<bool>,
    desk: &'a ApprovalDesk,
}

impl ApprovalTicket<'_> {
    /// The provider's page for this approval, for [`ApprovalDesk::url`].
    pub fn set_url(&self, url: &str) {
        if let Some(waiting) = self.desk.current().as_mut() {
            waiting.url = Some(url.to_owned());
        }
    }
}

impl Drop for ApprovalTicket<'_> {
    fn drop(&mut self) {
        *self.desk.current() = None;
    }
}

impl ApprovalDesk {
    fn current(&self) -> MutexGuard<'_, Option<Waiting>> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserves the desk before anything is asked of the portal; refused while another
    /// approval is waiting.
    pub fn begin(&self) -> Result<ApprovalTicket<'_>, CoreError> {
        let mut current = self.current();
        if current.is_some() {
            return Err(CoreError::field(
                "kind",
                "cowdesk is already waiting for an approval. Finish or cancel it first.",
                "cowdesk wartet bereits auf eine Freigabe. Schließen Sie diese zuerst ab oder brechen Sie sie ab.",
            ));
        }
        let (stop, cancel) = watch::channel(false);
        *current = Some(Waiting { url: None, stop });
        Ok(ApprovalTicket { cancel, desk: self })
    }

    /// Stops the waiting approval, if any; it is withdrawn and nothing is added.
    pub fn cancel(&self) {
        if let Some(waiting) = self.current().as_ref() {
            let _ = waiting.stop.send(true);
        }
    }

    /// Opens the waiting approval's page again (the browser was closed, or did not open).
    pub fn reopen(&self) -> Result<(), CoreError> {
        crate::browser::open(&self.url()?).map_err(|reason| {
            tracing::warn!("approval page not opened: {reason}");
            CoreError::field(
                "kind",
                "The system browser could not be opened.",
                "Der System-Browser konnte nicht geöffnet werden.",
            )
        })
    }

    /// The waiting approval's page (to open it again), or why there is none.
    pub fn url(&self) -> Result<String, CoreError> {
        self.current()
            .as_ref()
            .and_then(|w| w.url.clone())
            .ok_or_else(|| {
                CoreError::field(
                    "kind",
                    "There is no approval waiting any more.",
                    "Es wartet keine Freigabe mehr.",
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mandate_approval_desk_holds_one_approval_at_a_time() {
        let desk = ApprovalDesk::default();
        assert!(desk.url().is_err(), "nothing waits yet");
        let ticket = desk.begin().expect("a free desk");
        assert!(
            desk.begin().is_err(),
            "a second approval waits for the first"
        );
        assert!(desk.url().is_err(), "no page before the portal named it");
        ticket.set_url("https://pay.example/approve/1");
        assert_eq!(desk.url().unwrap(), "https://pay.example/approve/1");
        drop(ticket);
        assert!(desk.url().is_err(), "the page is forgotten with the ticket");
        assert!(desk.begin().is_ok(), "free again once the ticket is gone");
    }

    #[test]
    fn mandate_approval_desk_cancel_reaches_the_waiting_ticket_only() {
        let desk = ApprovalDesk::default();
        desk.cancel();
        let ticket = desk.begin().unwrap();
        assert!(!*ticket.cancel.borrow(), "a new ticket starts uncancelled");
        desk.cancel();
        assert!(*ticket.cancel.borrow());
    }
}
