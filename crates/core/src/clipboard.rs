//! Copying to the clipboard for the window, which has no clipboard permission and never
//! gets a secret back: an authcode is held in memory only, for the copy button; a copied
//! secret is marked for clipboard managers (the system clipboard does that, in the
//! window) and cleared after a while if the clipboard still holds it. The system
//! clipboard itself is the window's; here it is a trait, so the rules run headless.

use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(60);
/// How long a generated authcode is held for the copy button.
const HOLD_FOR: Duration = Duration::from_secs(15 * 60);

/// What the clearing logic needs from a clipboard; the system one and a fake for tests.
pub trait Clipboard: Send {
    fn text(&mut self) -> Option<String>;
    fn set_text(&mut self, text: &str) -> Result<(), String>;
    /// Like `set_text`, marked as a secret for clipboard managers.
    fn set_secret(&mut self, text: &str) -> Result<(), String>;
    fn clear(&mut self) -> Result<(), String>;
}

/// Opens the system clipboard when it is first needed.
pub type OpenClipboard = Box<dyn Fn() -> Result<Box<dyn Clipboard>, String> + Send + Sync>;
/// Runs the delayed clearing on the app's async runtime.
pub type Spawn = Box<dyn Fn(Pin<Box<dyn Future<Output = ()> + Send>>) + Send + Sync>;

/// The held secret; deliberately without Debug, so it cannot reach a log.
struct Held {
    account_id: String,
    subject: String,
    secret: String,
    since: Instant,
}

/// App state: the clipboard (kept open: on X11 the copied text lives as long as the
/// owner does) and the last generated authcode.
pub struct SecretClipboard {
    clipboard: Arc<Mutex<Option<Box<dyn Clipboard>>>>,
    open: OpenClipboard,
    spawn: Spawn,
    held: Mutex<Option<Held>>,
    /// Keyed hashing: the clearing task compares fingerprints, not the code itself.
    hasher: RandomState,
    clear_after: Duration,
}

#[derive(Debug)]
pub enum CopyError {
    NothingHeld,
    Clipboard(String),
}

impl SecretClipboard {
    pub fn new(open: OpenClipboard, spawn: Spawn, clear_after: Duration) -> SecretClipboard {
        SecretClipboard {
            clipboard: Arc::new(Mutex::new(None)),
            open,
            spawn,
            held: Mutex::new(None),
            hasher: RandomState::new(),
            clear_after,
        }
    }

    /// Holds `secret` (about `subject` of `account_id`) for a later `copy`.
    pub fn hold(&self, account_id: &str, subject: &str, secret: &str) {
        *lock(&self.held) = Some(Held {
            account_id: account_id.to_owned(),
            subject: subject.to_owned(),
            secret: secret.to_owned(),
            since: Instant::now(),
        });
    }

    pub fn forget(&self) {
        *lock(&self.held) = None;
    }

    /// Copies the held secret of `subject` and clears the clipboard after the delay if it
    /// still holds it then. `Err` when nothing (or something else) is held, or the system
    /// clipboard fails.
    pub fn copy(&self, account_id: &str, subject: &str) -> Result<(), CopyError> {
        let secret = {
            let held = lock(&self.held);
            match held.as_ref() {
                Some(h)
                    if h.account_id == account_id
                        && h.subject == subject
                        && h.since.elapsed() < HOLD_FOR =>
                {
                    h.secret.clone()
                }
                _ => return Err(CopyError::NothingHeld),
            }
        };
        self.copy_secret(&secret)
    }

    /// Copies `secret` marked as a secret, and clears the clipboard after the delay if it
    /// still holds it then. What is held for `copy` stays as it is.
    pub fn copy_secret(&self, secret: &str) -> Result<(), CopyError> {
        let fingerprint = self.hasher.hash_one(secret);
        self.put(secret, true)?;
        let shared = self.clipboard.clone();
        let hasher = self.hasher.clone();
        let delay = self.clear_after;
        (self.spawn)(Box::pin(async move {
            tokio::time::sleep(delay).await;
            clear_if_unchanged(&shared, &hasher, fingerprint);
        }));
        Ok(())
    }

    /// Puts plain, non-secret text (a server name, a port, an address) on the clipboard
    /// and leaves it there.
    pub fn copy_plain(&self, text: &str) -> Result<(), CopyError> {
        self.put(text, false)
    }

    /// Puts `text` on the clipboard, marked as a secret when `secret`.
    fn put(&self, text: &str, secret: bool) -> Result<(), CopyError> {
        let mut clipboard = lock(&self.clipboard);
        if clipboard.is_none() {
            *clipboard = Some((self.open)().map_err(CopyError::Clipboard)?);
        }
        let Some(clipboard) = clipboard.as_mut() else {
            return Err(CopyError::Clipboard("no clipboard".into()));
        };
        if secret {
            clipboard.set_secret(text).map_err(CopyError::Clipboard)
        } else {
            clipboard.set_text(text).map_err(CopyError::Clipboard)
        }
    }
}

/// Clears the clipboard if its text still has `fingerprint`: whatever the user copied
/// since stays.
fn clear_if_unchanged(
    clipboard: &Mutex<Option<Box<dyn Clipboard>>>,
    hasher: &RandomState,
    fingerprint: u64,
) -> bool {
    let mut guard = lock(clipboard);
    let Some(clipboard) = guard.as_mut() else {
        return false;
    };
    let still_ours = clipboard
        .text()
        .is_some_and(|text| hasher.hash_one(&text) == fingerprint);
    if still_ours {
        if let Err(err) = clipboard.clear() {
            tracing::warn!("clipboard not cleared: {err}");
            return false;
        }
    }
    still_ours
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Fake(Arc<Mutex<Option<String>>>, Arc<Mutex<bool>>);

    impl Clipboard for Fake {
        fn text(&mut self) -> Option<String> {
            lock(&self.0).clone()
        }
        fn set_text(&mut self, text: &str) -> Result<(), String> {
            *lock(&self.0) = Some(text.to_owned());
            *lock(&self.1) = false;
            Ok(())
        }
        fn set_secret(&mut self, text: &str) -> Result<(), String> {
            *lock(&self.0) = Some(text.to_owned());
            *lock(&self.1) = true;
            Ok(())
        }
        fn clear(&mut self) -> Result<(), String> {
            *lock(&self.0) = None;
            Ok(())
        }
    }

    /// A clipboard over the fake; the clearing is left to the test.
    fn with_fake() -> (SecretClipboard, Fake) {
        let fake = Fake::default();
        let opened = fake.clone();
        let board = SecretClipboard::new(
            Box::new(move || Ok(Box::new(opened.clone()) as Box<dyn Clipboard>)),
            Box::new(|_| {}),
            Duration::from_secs(60),
        );
        (board, fake)
    }

    #[test]
    fn domain_authcode_copy_needs_the_held_code_of_that_domain() {
        let (board, fake) = with_fake();
        assert!(matches!(
            board.copy("acc-1", "a.de"),
            Err(CopyError::NothingHeld)
        ));
        board.hold("acc-1", "a.de", "Secret-42");
        assert!(board.copy("acc-1", "b.de").is_err());
        assert!(board.copy("acc-2", "a.de").is_err());
        board.copy("acc-1", "a.de").unwrap();
        assert_eq!(fake.0.lock().unwrap().as_deref(), Some("Secret-42"));
        assert!(*fake.1.lock().unwrap(), "trust: marked as a secret");
        board.forget();
        assert!(board.copy("acc-1", "a.de").is_err());
    }

    #[test]
    fn mailsetup_plain_copy_needs_nothing_held_and_stays() {
        let (board, fake) = with_fake();
        board.copy_plain("hosted.mailcow.de").unwrap();
        assert_eq!(fake.0.lock().unwrap().as_deref(), Some("hosted.mailcow.de"));
        assert!(!*fake.1.lock().unwrap());
    }

    #[test]
    fn domain_authcode_clipboard_cleared_only_if_it_still_holds_the_code() {
        let (board, fake) = with_fake();
        board.copy_plain("opens the fake").unwrap();
        let fingerprint = board.hasher.hash_one("Secret-42");
        *fake.0.lock().unwrap() = Some("Secret-42".into());
        assert!(clear_if_unchanged(
            &board.clipboard,
            &board.hasher,
            fingerprint
        ));
        assert_eq!(*fake.0.lock().unwrap(), None);

        *fake.0.lock().unwrap() = Some("something the user copied since".into());
        assert!(!clear_if_unchanged(
            &board.clipboard,
            &board.hasher,
            fingerprint
        ));
        assert_eq!(
            fake.0.lock().unwrap().as_deref(),
            Some("something the user copied since")
        );
    }

    #[tokio::test]
    async fn domain_authcode_copied_secret_is_cleared_by_the_task_it_hands_over() {
        type Task = Pin<Box<dyn Future<Output = ()> + Send>>;
        let fake = Fake::default();
        let opened = fake.clone();
        let tasks: Arc<Mutex<Vec<Task>>> = Arc::default();
        let handed = tasks.clone();
        let board = SecretClipboard::new(
            Box::new(move || Ok(Box::new(opened.clone()) as Box<dyn Clipboard>)),
            Box::new(move |task| lock(&handed).push(task)),
            Duration::ZERO,
        );
        board.copy_secret("Secret-42").unwrap();
        assert_eq!(fake.0.lock().unwrap().as_deref(), Some("Secret-42"));
        let task = lock(&tasks).pop().expect("a clearing task");
        task.await;
        assert_eq!(*fake.0.lock().unwrap(), None);
    }
}
