//! When the background sync runs: at start, every interval, on demand, and — after a
//! failure — with a growing delay, or at once when the server is reachable again.

use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use cowdesk_model::{ErrorInfo, ErrorKind, ScheduleState, SyncOutcome, SyncSchedule};
use tokio::sync::Notify;
use tokio::time::Instant;

/// The first retry after a failure waits this long; each further failure doubles it.
pub const FIRST_RETRY: Duration = Duration::from_secs(60);
/// Retries never wait longer than this.
pub const MAX_RETRY: Duration = Duration::from_secs(60 * 60);
/// While offline, the server is probed this often to notice the network coming back.
pub const PROBE_EVERY: Duration = Duration::from_secs(15);
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// Pending notifications (held by quiet hours) are looked at this often.
pub const TICK: Duration = Duration::from_secs(60);

/// Why the loop woke up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Time to sync: first run, the interval passed, or a retry is due.
    Due,
    /// Someone asked (button, tray, sign-in).
    OnDemand,
    /// The server answers again after an offline spell.
    NetworkRegained,
    /// Nothing to sync; look at pending notifications.
    Tick,
}

/// What a finished sync means for the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Offline or server trouble: back off and retry.
    Retry(ErrorInfo),
    /// The sign-in has ended: wait until the user acts.
    Pause(ErrorInfo),
    /// Nobody signed in.
    Idle,
}

impl Verdict {
    /// The verdict of a whole run: the worst of its accounts.
    pub fn of(result: &Result<Vec<SyncOutcome>, ErrorInfo>) -> Verdict {
        let errors: Vec<&ErrorInfo> = match result {
            Ok(outcomes) => outcomes.iter().filter_map(|o| o.error.as_ref()).collect(),
            Err(err) if err.kind == ErrorKind::NotSignedIn => return Verdict::Idle,
            Err(err) => vec![err],
        };
        let pause = errors.iter().find(|e| {
            matches!(
                e.kind,
                ErrorKind::SessionExpired | ErrorKind::InvalidCredentials | ErrorKind::NotSignedIn
            )
        });
        if let Some(err) = pause {
            return Verdict::Pause((*err).clone());
        }
        // Only passing trouble is retried early; an account that keeps failing otherwise
        // (its error shows in the window) must not hold back the others' schedule.
        let retry = errors.iter().find(|e| {
            matches!(
                e.kind,
                ErrorKind::Offline | ErrorKind::Server | ErrorKind::RateLimited
            )
        });
        match retry {
            Some(err) => Verdict::Retry((*err).clone()),
            None => Verdict::Ok,
        }
    }
}

/// The delay before retry number `failures` (from 1).
pub fn retry_delay(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    FIRST_RETRY.saturating_mul(1 << doublings).min(MAX_RETRY)
}

struct Inner {
    interval: Duration,
    state: ScheduleState,
    /// When the next sync is due; `None` while idle or paused.
    due: Option<Instant>,
    failures: u32,
    last_error: Option<ErrorInfo>,
    demanded: bool,
}

/// Shared by the sync loop and whoever wants a sync now.
pub struct Scheduler {
    inner: Mutex<Inner>,
    wake: Notify,
    probe_every: Duration,
}

impl Scheduler {
    /// Idle until the first `request_now` (the app asks once its window has painted).
    pub fn new(interval: Duration) -> Scheduler {
        Scheduler {
            inner: Mutex::new(Inner {
                interval,
                state: ScheduleState::Idle,
                due: None,
                failures: 0,
                last_error: None,
                demanded: false,
            }),
            wake: Notify::new(),
            probe_every: PROBE_EVERY,
        }
    }

    /// Probes a returning network this often instead (tests).
    pub fn with_probe_every(mut self, every: Duration) -> Scheduler {
        self.probe_every = every;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Asks for a sync as soon as the running one (if any) is done.
    pub fn request_now(&self) {
        self.lock().demanded = true;
        self.wake.notify_one();
    }

    pub fn set_interval(&self, interval: Duration) {
        let mut inner = self.lock();
        let was = inner.interval;
        inner.interval = interval;
        // A shorter interval takes effect now, not after the old wait.
        if inner.state == ScheduleState::Waiting && interval < was {
            if let Some(due) = inner.due {
                inner.due = Some(due.checked_sub(was - interval).unwrap_or(due));
            }
        }
        drop(inner);
        self.wake.notify_one();
    }

    pub fn started(&self) {
        let mut inner = self.lock();
        inner.state = ScheduleState::Running;
        inner.demanded = false;
    }

    /// Plans the next sync from how this one ended.
    pub fn finished(&self, verdict: Verdict) {
        self.finished_at(verdict, Instant::now());
    }

    fn finished_at(&self, verdict: Verdict, now: Instant) {
        let mut inner = self.lock();
        match verdict {
            Verdict::Ok => {
                inner.state = ScheduleState::Waiting;
                inner.failures = 0;
                inner.last_error = None;
                inner.due = Some(now + inner.interval);
            }
            Verdict::Retry(err) => {
                inner.failures += 1;
                inner.state = ScheduleState::BackingOff;
                inner.last_error = Some(err);
                inner.due = Some(now + retry_delay(inner.failures));
            }
            Verdict::Pause(err) => {
                inner.state = ScheduleState::Paused;
                inner.last_error = Some(err);
                inner.due = None;
            }
            Verdict::Idle => {
                inner.state = ScheduleState::Idle;
                inner.failures = 0;
                inner.last_error = None;
                inner.due = None;
            }
        }
    }

    /// The schedule as the UI shows it.
    pub fn status(&self) -> SyncSchedule {
        let inner = self.lock();
        let now = Instant::now();
        SyncSchedule {
            state: inner.state,
            interval_minutes: (inner.interval.as_secs() / 60) as u32,
            next_at: inner.due.map(|due| {
                let wait = due.saturating_duration_since(now);
                Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default()
            }),
            failures: inner.failures,
            last_error: inner.last_error.clone(),
        }
    }

    /// Waits for the next reason to act. While backing off from an offline spell, probes
    /// `server` (the portal's base URL) and wakes as soon as it answers.
    pub async fn next(&self, server: Option<&str>) -> Wake {
        let tick = Instant::now() + TICK;
        loop {
            let (due, demanded, probing) = {
                let inner = self.lock();
                let offline = inner.state == ScheduleState::BackingOff
                    && inner
                        .last_error
                        .as_ref()
                        .is_some_and(|e| e.kind == ErrorKind::Offline);
                (inner.due, inner.demanded, offline)
            };
            if demanded {
                return Wake::OnDemand;
            }
            let now = Instant::now();
            if due.is_some_and(|due| due <= now) {
                return Wake::Due;
            }
            if now >= tick {
                return Wake::Tick;
            }
            let mut until = due.map_or(tick, |due| due.min(tick));
            if probing {
                until = until.min(now + self.probe_every);
            }
            tokio::select! {
                _ = self.wake.notified() => continue,
                _ = tokio::time::sleep_until(until) => {}
            }
            if probing && Instant::now() < due.unwrap_or(tick) {
                if let Some(server) = server {
                    if reachable(server).await {
                        return Wake::NetworkRegained;
                    }
                }
            }
        }
    }
}

/// Whether a TCP connection to the server's host and port can be opened.
pub async fn reachable(server: &str) -> bool {
    let Ok(url) = url::Url::parse(server) else {
        return false;
    };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    matches!(
        tokio::time::timeout(PROBE_TIMEOUT, tokio::net::TcpStream::connect((host, port))).await,
        Ok(Ok(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn error(kind: ErrorKind) -> ErrorInfo {
        ErrorInfo {
            kind,
            message: String::new(),
            message_de: String::new(),
            fields: BTreeMap::new(),
            fields_de: BTreeMap::new(),
            server_words: false,
        }
    }

    fn outcome(error: Option<ErrorInfo>) -> SyncOutcome {
        SyncOutcome {
            account_id: "acc-1".into(),
            changed: vec![],
            unchanged: vec![],
            not_permitted: vec![],
            requests: 0,
            error,
        }
    }

    #[test]
    fn alert_sync_retries_back_off_and_are_capped() {
        assert_eq!(retry_delay(1), Duration::from_secs(60));
        assert_eq!(retry_delay(2), Duration::from_secs(120));
        assert_eq!(retry_delay(4), Duration::from_secs(480));
        assert_eq!(retry_delay(7), MAX_RETRY);
        assert_eq!(retry_delay(1000), MAX_RETRY);
    }

    #[test]
    fn alert_sync_verdicts_follow_the_worst_error() {
        let ok = Ok(vec![outcome(None), outcome(None)]);
        assert_eq!(Verdict::of(&ok), Verdict::Ok);
        let offline = Ok(vec![
            outcome(None),
            outcome(Some(error(ErrorKind::Offline))),
        ]);
        assert!(matches!(Verdict::of(&offline), Verdict::Retry(e) if e.kind == ErrorKind::Offline));
        let expired = Ok(vec![
            outcome(Some(error(ErrorKind::Offline))),
            outcome(Some(error(ErrorKind::SessionExpired))),
        ]);
        assert!(matches!(Verdict::of(&expired), Verdict::Pause(_)));
        assert_eq!(
            Verdict::of(&Err(error(ErrorKind::NotSignedIn))),
            Verdict::Idle
        );
        assert!(matches!(
            Verdict::of(&Err(error(ErrorKind::Server))),
            Verdict::Retry(_)
        ));
        let not_found = Ok(vec![
            outcome(Some(error(ErrorKind::NotFound))),
            outcome(None),
        ]);
        assert_eq!(Verdict::of(&not_found), Verdict::Ok);
    }

    #[tokio::test]
    async fn alert_sync_schedule_backs_off_then_returns_to_the_interval() {
        let interval = Duration::from_secs(15 * 60);
        let scheduler = Scheduler::new(interval);
        assert_eq!(scheduler.status().state, ScheduleState::Idle);
        scheduler.request_now();
        assert_eq!(
            scheduler.next(None).await,
            Wake::OnDemand,
            "first sync at start"
        );
        scheduler.started();
        assert_eq!(scheduler.status().state, ScheduleState::Running);

        let now = Instant::now();
        scheduler.finished_at(Verdict::Retry(error(ErrorKind::Offline)), now);
        scheduler.finished_at(Verdict::Retry(error(ErrorKind::Offline)), now);
        let status = scheduler.status();
        assert_eq!(status.state, ScheduleState::BackingOff);
        assert_eq!(status.failures, 2);
        let due = scheduler.lock().due.unwrap();
        assert_eq!(due - now, Duration::from_secs(120));

        scheduler.finished_at(Verdict::Ok, now);
        let status = scheduler.status();
        assert_eq!((status.state, status.failures), (ScheduleState::Waiting, 0));
        assert_eq!(scheduler.lock().due.unwrap() - now, interval);

        // A shorter interval applies to the current wait: due at once here.
        scheduler.set_interval(Duration::ZERO);
        assert_eq!(scheduler.next(None).await, Wake::Due);
        scheduler.set_interval(interval);
        scheduler.finished_at(Verdict::Ok, now);
        // On demand wins over the wait.
        assert!(scheduler.lock().due.unwrap() > Instant::now());
        scheduler.request_now();
        assert_eq!(scheduler.next(None).await, Wake::OnDemand);
        scheduler.finished_at(Verdict::Pause(error(ErrorKind::SessionExpired)), now);
        assert_eq!(scheduler.status().next_at, None);
    }

    #[tokio::test]
    async fn alert_sync_notices_the_network_coming_back() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = format!("http://{}", listener.local_addr().unwrap());
        assert!(reachable(&server).await);
        assert!(!reachable("not a url").await);

        let scheduler =
            Scheduler::new(Duration::from_secs(900)).with_probe_every(Duration::from_millis(20));
        scheduler.started();
        scheduler.finished(Verdict::Retry(error(ErrorKind::Offline)));
        // The retry is a minute away, but the server answers: wake now.
        let woke = tokio::time::timeout(Duration::from_secs(5), scheduler.next(Some(&server)))
            .await
            .expect("woke before the retry was due");
        assert_eq!(woke, Wake::NetworkRegained);

        drop(listener);
        assert!(!reachable(&server).await, "closed port is unreachable");
        // Server trouble (not offline) is not probed: it waits for its retry.
        scheduler.finished(Verdict::Retry(error(ErrorKind::Server)));
        let waited =
            tokio::time::timeout(Duration::from_millis(200), scheduler.next(Some(&server))).await;
        assert!(waited.is_err(), "no early wake without an offline spell");
    }
}
