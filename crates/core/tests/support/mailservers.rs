//! Real Dovecot (IMAP, LMTP) and Postfix (SMTP submission) on loopback high ports, for
//! the mail doctor's tests and any later test binary (`mod support;`, or
//! `#[path = ".../mailservers.rs"] mod mailservers;`). Debian 12's packages:
//! dovecot-imapd + dovecot-lmtpd 2.3 and postfix 3.7 (scripts/lib/setup.sh installs them).
//!
//! Started once per test binary on first use (`mail_servers()`), stopped when the binary
//! ends: each server runs under a small shell supervisor that holds the read end of a
//! pipe whose write end only this process has; when the process exits — normally, by a
//! panic or killed — the pipe closes, the supervisor stops its server and removes its
//! folder. Nothing is left behind and nothing of the system's mail setup is touched.
//!
//! What runs (one CA made here with rcgen signs the certificates; `ca_file` is its PEM):
//! - Dovecot "main": IMAP with SSL/TLS and STARTTLS, quota (`count`, per-user limits),
//!   SPECIAL-USE Trash/Junk/Sent, LMTP for Postfix, the auth socket for Postfix's SASL.
//!   Users in passwd-files, one per user (`new_mailbox`). On 127.0.0.1 (name `localhost`) a valid
//!   certificate; on 127.0.0.2 an expired one, on 127.0.0.3 one for another name, on
//!   127.0.0.4 one from another CA (Dovecot `local` blocks); on 127.0.0.5 (IMAP only)
//!   no STATUS=SIZE among the capabilities.
//! - Postfix: submission with SSL/TLS and STARTTLS on the same four addresses with the
//!   same certificates, SASL through Dovecot, delivery to Dovecot over LMTP; plus, on
//!   127.0.0.1, a listener without STARTTLS and two without password authentication.
//! - Dovecot "plain" (started on first use): IMAP without TLS, so no STARTTLS.
//! - Dovecot "nopass" (started on first use): IMAP with SSL/TLS and STARTTLS that offers
//!   only CRAM-MD5 (LOGINDISABLED, no AUTH=PLAIN).
//!
//! Needs root (Postfix's master runs only as root; Dovecot switches to the mail user).

#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

// The including crate provides `ports` beside this module (support/ports.rs).
use super::ports::free_port;

/// The mail domain of every test mailbox.
pub const DOMAIN: &str = "example.test";
/// The name with a valid certificate (127.0.0.1).
pub const GOOD_HOST: &str = "localhost";
/// An address whose certificate expired in 2021.
pub const EXPIRED_HOST: &str = "127.0.0.2";
/// An address whose certificate is for `other.example` only.
pub const OTHER_NAME_HOST: &str = "127.0.0.3";
/// An address whose certificate comes from a CA no one trusts.
pub const UNKNOWN_CA_HOST: &str = "127.0.0.4";

/// An address (IMAP only) whose Dovecot does not announce STATUS=SIZE, so a client adds
/// up message sizes itself.
pub const NO_STATUS_SIZE_HOST: &str = "127.0.0.5";

const ADDRESSES: [&str; 5] = [
    "127.0.0.1",
    EXPIRED_HOST,
    OTHER_NAME_HOST,
    UNKNOWN_CA_HOST,
    NO_STATUS_SIZE_HOST,
];
/// The mail store's owner: Dovecot refuses uids below 500 and root.
const MAIL_UID: u32 = 65534;
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// The four ports a mail program uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServicePorts {
    pub imap_tls: u16,
    pub imap_starttls: u16,
    pub smtp_tls: u16,
    pub smtp_starttls: u16,
}

/// A mailbox made for one test.
#[derive(Debug, Clone)]
pub struct Mailbox {
    pub address: String,
    pub local_part: String,
    pub password: String,
}

pub struct MailServers {
    root: PathBuf,
    main_dir: PathBuf,
    main_conf: PathBuf,
    users: PathBuf,
    mail: PathBuf,
    certs: PathBuf,
    /// The CA of every certificate except the unknown CA's.
    pub ca_file: PathBuf,
    /// Dovecot main and Postfix on every address.
    pub ports: ServicePorts,
    /// Postfix on 127.0.0.1 without STARTTLS (but AUTH in the clear).
    pub smtp_no_starttls: u16,
    /// Postfix on 127.0.0.1 without password authentication.
    pub smtp_nopass: (u16, u16),
    pub dovecot_version: String,
    pub postfix_version: String,
    next_user: Mutex<u32>,
    plain: OnceLock<Result<u16, String>>,
    nopass: OnceLock<Result<(u16, u16), String>>,
    supervisors: Mutex<Vec<Supervisor>>,
}

static SERVERS: OnceLock<Result<MailServers, String>> = OnceLock::new();

/// The servers of this test binary, started on first use. Panics with the reason when
/// they cannot run: a test that needs them fails, it is never skipped.
pub fn mail_servers() -> &'static MailServers {
    match SERVERS.get_or_init(MailServers::start) {
        Ok(servers) => servers,
        Err(reason) => panic!("the loopback mail servers are not available: {reason}"),
    }
}

impl MailServers {
    fn start() -> Result<MailServers, String> {
        require_root()?;
        let dovecot_version = dovecot_version()?;
        let postfix_version = postfix_version()?;
        let root = make_root()?;
        let main_dir = root.join("dovecot-main");
        let certs = main_dir.join("certs");
        let mail = main_dir.join("mail");
        for dir in [&main_dir, &certs, &mail] {
            mkdir(dir)?;
        }
        std::os::unix::fs::chown(&mail, Some(MAIL_UID), Some(MAIL_UID)).map_err(io("chown"))?;
        make_certificates(&certs)?;
        let users = main_dir.join("users");
        mkdir(&users)?;

        let ports = ServicePorts {
            imap_tls: free_port()?,
            imap_starttls: free_port()?,
            smtp_tls: free_port()?,
            smtp_starttls: free_port()?,
        };
        let lmtp = free_port()?;
        let smtp_no_starttls = free_port()?;
        let smtp_nopass = (free_port()?, free_port()?);

        let main_conf = main_dir.join("dovecot.conf");
        write(
            &main_conf,
            &dovecot_main_conf(&main_dir, &certs, &users, &mail, ports, lmtp),
        )?;
        let mut supervisors = Vec::new();
        supervisors.push(start_dovecot(&main_dir, &main_conf)?);

        let postfix_dir = root.join("postfix");
        let postfix = start_postfix(
            &postfix_dir,
            &certs,
            &main_dir.join("run").join("auth-client"),
            ports,
            lmtp,
            smtp_no_starttls,
            smtp_nopass,
        )?;
        supervisors.push(postfix);

        Ok(MailServers {
            ca_file: certs.join("ca.pem"),
            root,
            main_dir,
            main_conf,
            users,
            mail,
            certs,
            ports,
            smtp_no_starttls,
            smtp_nopass,
            dovecot_version,
            postfix_version,
            next_user: Mutex::new(0),
            plain: OnceLock::new(),
            nopass: OnceLock::new(),
            supervisors: Mutex::new(supervisors),
        })
    }

    /// A new mailbox with its own password and a storage quota of `quota_kib` KiB.
    pub fn new_mailbox(&self, quota_kib: u64) -> Mailbox {
        let next = self.next_number();
        let local_part = format!("user{}-{}", std::process::id(), next);
        self.add_user(&format!("{local_part}@{DOMAIN}"), quota_kib)
    }

    /// A mailbox with a given address (any domain: the end-to-end test gives a demo
    /// mailbox's address), its own password and a quota of `quota_kib` KiB. IMAP and SMTP
    /// logins work for it; mail to it is delivered only for `DOMAIN`.
    pub fn new_mailbox_at(&self, address: &str, quota_kib: u64) -> Mailbox {
        self.add_user(address, quota_kib)
    }

    fn next_number(&self) -> u32 {
        let mut next = self
            .next_user
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *next += 1;
        *next
    }

    fn add_user(&self, address: &str, quota_kib: u64) -> Mailbox {
        let number = self.next_number();
        let local_part = address.split('@').next().unwrap_or(address).to_owned();
        let address = address.to_owned();
        let password = format!("pw {}\"{}", random_hex(8), number);
        let line = format!(
            "{address}:{{PLAIN}}{password}::::::userdb_quota_rule=*:storage={quota_kib}K\n"
        );
        // One passwd-file per user: Dovecot looks at a changed file at most once a
        // second, so users added to one shared file could be missed for that second.
        let file = self.users.join(&address);
        let partial = self.users.join(format!(".{address}.new"));
        fs::write(&partial, line).expect("adding a user");
        fs::rename(&partial, &file).expect("adding a user");
        Mailbox {
            address,
            local_part,
            password,
        }
    }

    /// Stores a message straight into a folder (doveadm save), as mail that was there
    /// before the test.
    pub fn save_message(&self, mailbox: &Mailbox, folder: &str, message: &[u8]) {
        self.doveadm_save(mailbox, folder, message, &[]);
    }

    /// Stores a message even past the quota (doveadm without the quota plugin), as when
    /// the limit was lowered under a full mailbox.
    pub fn save_message_past_quota(&self, mailbox: &Mailbox, folder: &str, message: &[u8]) {
        self.doveadm_save(mailbox, folder, message, &["-o", "mail_plugins="]);
    }

    fn doveadm_save(&self, mailbox: &Mailbox, folder: &str, message: &[u8], options: &[&str]) {
        let mut child = Command::new("doveadm")
            .arg("-c")
            .arg(&self.main_conf)
            .args(options)
            .args(["save", "-u", &mailbox.address, "-m", folder])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("doveadm");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(message)
            .expect("writing to doveadm");
        let out = child.wait_with_output().expect("doveadm");
        assert!(
            out.status.success(),
            "doveadm save failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The quota as Dovecot itself counts it (doveadm quota get): used and limit in KiB.
    pub fn quota_kib(&self, mailbox: &Mailbox) -> (u64, u64) {
        let out = Command::new("doveadm")
            .arg("-c")
            .arg(&self.main_conf)
            .args(["-f", "tab", "quota", "get", "-u", &mailbox.address])
            .output()
            .expect("doveadm");
        assert!(out.status.success(), "doveadm quota get failed");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        for line in text.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() >= 4 && cols[1] == "STORAGE" {
                let used = cols[2].parse().expect("used");
                let limit = cols[3].parse().expect("limit");
                return (used, limit);
            }
        }
        panic!("no STORAGE line in doveadm's quota: {text}");
    }

    /// How many messages a folder holds, as Dovecot counts them (doveadm mailbox status).
    pub fn messages_in(&self, mailbox: &Mailbox, folder: &str) -> u32 {
        let out = Command::new("doveadm")
            .arg("-c")
            .arg(&self.main_conf)
            .args([
                "-f",
                "flow",
                "mailbox",
                "status",
                "-u",
                &mailbox.address,
                "messages",
                folder,
            ])
            .output()
            .expect("doveadm");
        assert!(out.status.success(), "doveadm mailbox status failed");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.split_whitespace()
            .find_map(|word| word.strip_prefix("messages="))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected doveadm output: {text}"))
    }

    /// The IMAP port of a Dovecot without TLS (so without STARTTLS), started on first use.
    pub fn imap_without_starttls(&self) -> u16 {
        match self.plain.get_or_init(|| self.start_plain()) {
            Ok(port) => *port,
            Err(reason) => panic!("the Dovecot without TLS did not start: {reason}"),
        }
    }

    /// (SSL/TLS, STARTTLS) ports of a Dovecot that offers only CRAM-MD5, started on first
    /// use.
    pub fn imap_without_password_auth(&self) -> (u16, u16) {
        match self.nopass.get_or_init(|| self.start_nopass()) {
            Ok(ports) => *ports,
            Err(reason) => panic!("the Dovecot without password login did not start: {reason}"),
        }
    }

    fn start_plain(&self) -> Result<u16, String> {
        let dir = self.root.join("dovecot-plain");
        mkdir(&dir)?;
        let port = free_port()?;
        let conf = dir.join("dovecot.conf");
        let mut text = dovecot_common(&dir, &self.users, &dir.join("mail"), "plain");
        text.push_str("ssl = no\nauth_mechanisms = plain login\ndisable_plaintext_auth = yes\n");
        text.push_str(&format!(
            "service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n"
        ));
        write(&conf, &text)?;
        let supervisor = start_dovecot(&dir, &conf)?;
        self.keep(supervisor);
        Ok(port)
    }

    fn start_nopass(&self) -> Result<(u16, u16), String> {
        let dir = self.root.join("dovecot-nopass");
        mkdir(&dir)?;
        let (tls, starttls) = (free_port()?, free_port()?);
        let conf = dir.join("dovecot.conf");
        let mut text = dovecot_common(&dir, &self.users, &dir.join("mail"), "nopass");
        text.push_str(&format!(
            "ssl = required\nssl_cert = <{certs}/good.pem\nssl_key = <{certs}/good.key\nauth_mechanisms = cram-md5\n",
            certs = self.certs.display()
        ));
        text.push_str(&format!(
            "service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {starttls}\n  }}\n  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {tls}\n    ssl = yes\n  }}\n}}\n"
        ));
        write(&conf, &text)?;
        let supervisor = start_dovecot(&dir, &conf)?;
        self.keep(supervisor);
        Ok((tls, starttls))
    }

    fn keep(&self, supervisor: Supervisor) {
        self.supervisors
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(supervisor);
    }

    /// Everything the servers logged so far (for a failing test's message).
    pub fn logs(&self) -> String {
        let supervisors = self
            .supervisors
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut out = String::new();
        for s in supervisors.iter() {
            let _ = writeln!(out, "--- {} ---\n{}", s.name, s.log.text());
        }
        out
    }
}

/// A port on 127.0.0.1 where nothing listens.
pub fn closed_port() -> u16 {
    free_port().expect("a free port")
}

/// A port where a server accepts connections and then says nothing, for as long as this
/// test binary runs.
pub fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a silent server");
    let port = listener.local_addr().expect("address").port();
    thread::spawn(move || {
        let mut held: Vec<TcpStream> = Vec::new();
        for conn in listener.incoming().flatten() {
            // Kept open and never written to.
            held.push(conn);
        }
    });
    port
}

/// A message of about `size` bytes with CR LF line ends.
pub fn message_of_size(subject: &str, size: usize) -> Vec<u8> {
    let mut m = format!(
        "From: <sender@{DOMAIN}>\r\nTo: <someone@{DOMAIN}>\r\nSubject: {subject}\r\nMessage-ID: <{}@{DOMAIN}>\r\n\r\n",
        random_hex(8)
    )
    .into_bytes();
    let line = b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01\r\n";
    while m.len() + line.len() <= size {
        m.extend_from_slice(line);
    }
    m
}

// --- starting and stopping ------------------------------------------------------------

/// A server under its shell supervisor. Dropping it does nothing: the supervisor stops
/// the server when this process's end of its stdin closes, which is when the process
/// exits.
struct Supervisor {
    name: String,
    _child: Child,
    _stdin: ChildStdin,
    log: Arc<Log>,
}

/// `$1` the server's folder (removed after it stopped, then its parent if empty), `$2` a
/// stop command (empty: SIGTERM), the rest the server's command line.
const SUPERVISOR: &str = r#"
set -u
dir=$1; stop=$2; shift 2
trap '' INT HUP PIPE
exec 3<&0
"$@" </dev/null 3<&- &
pid=$!
(
  read -r _ <&3 || true
  if [ -n "$stop" ]; then sh -c "$stop" >/dev/null 2>&1 || kill -TERM "$pid"; else kill -TERM "$pid"; fi
) </dev/null &
watcher=$!
exec 3<&-
wait "$pid"; status=$?
kill "$watcher" 2>/dev/null
rm -rf "$dir"
rmdir "$(dirname "$dir")" 2>/dev/null
exit $status
"#;

fn supervise(name: &str, dir: &Path, stop: &str, command: &[&str]) -> Result<Supervisor, String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(SUPERVISOR)
        .arg("supervisor")
        .arg(dir)
        .arg(stop)
        .args(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting {name}: {e}"))?;
    let log = Arc::new(Log::default());
    for pipe in [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let log = log.clone();
        thread::spawn(move || log.read_from(pipe));
    }
    let stdin = child.stdin.take().ok_or("no stdin for the supervisor")?;
    Ok(Supervisor {
        name: name.to_owned(),
        _child: child,
        _stdin: stdin,
        log,
    })
}

/// A server's output, line by line; waiters are woken by each line and at the end.
#[derive(Default)]
struct Log {
    state: Mutex<(Vec<String>, u32)>,
    changed: Condvar,
}

impl Log {
    fn read_from(&self, pipe: Box<dyn Read + Send>) {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.0.push(line);
            self.changed.notify_all();
        }
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.1 += 1;
        self.changed.notify_all();
    }

    /// Waits until a line contains `needle`; fails when both pipes closed (the server
    /// ended) or the time is up.
    fn wait_for(&self, needle: &str, within: Duration) -> Result<(), String> {
        let deadline = Instant::now() + within;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if state.0.iter().any(|l| l.contains(needle)) {
                return Ok(());
            }
            if state.1 >= 2 {
                return Err(format!("it ended:\n{}", state.0.join("\n")));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!(
                    "no \"{needle}\" within {within:?}:\n{}",
                    state.0.join("\n")
                ));
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    fn text(&self) -> String {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .join("\n")
    }
}

fn start_dovecot(dir: &Path, conf: &Path) -> Result<Supervisor, String> {
    let check = Command::new("dovecot")
        .arg("-c")
        .arg(conf)
        .arg("-n")
        .output()
        .map_err(|e| format!("dovecot: {e}"))?;
    if !check.status.success() {
        return Err(format!(
            "Dovecot refuses the configuration {}: {}",
            conf.display(),
            String::from_utf8_lossy(&check.stderr)
        ));
    }
    let conf = conf.to_string_lossy().into_owned();
    let name = format!("dovecot {}", dir.display());
    let supervisor = supervise(&name, dir, "", &["dovecot", "-F", "-c", &conf])?;
    // The master logs this after it has bound every listener.
    supervisor
        .log
        .wait_for("starting up for", START_TIMEOUT)
        .map_err(|e| format!("{name} did not start: {e}"))?;
    Ok(supervisor)
}

fn dovecot_common(dir: &Path, users: &Path, mail: &Path, instance: &str) -> String {
    let dir = dir.display();
    format!(
        r#"# Written by the cowdesk test harness.
instance_name = cowdesk-test-{instance}-{pid}
base_dir = {dir}/run
state_dir = {dir}/state
log_path = /dev/stderr
info_log_path = /dev/stderr
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 500
protocols = imap
listen = 127.0.0.1
mail_location = maildir:{mail}/%d/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {users}/%u
}}
userdb {{
  driver = passwd-file
  args = {users}/%u
  default_fields = uid={uid} gid={uid} home={mail}/%d/%n
}}
"#,
        pid = std::process::id(),
        mail = mail.display(),
        users = users.display(),
        uid = MAIL_UID,
    )
}

fn dovecot_main_conf(
    dir: &Path,
    certs: &Path,
    users: &Path,
    mail: &Path,
    ports: ServicePorts,
    lmtp: u16,
) -> String {
    let certs = certs.display();
    let mut text = dovecot_common(dir, users, mail, "main");
    text.push_str(&format!(
        r#"protocols = imap lmtp
listen = {listen}
ssl = yes
ssl_cert = <{certs}/good.pem
ssl_key = <{certs}/good.key
disable_plaintext_auth = yes
auth_mechanisms = plain login
mail_plugins = quota
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Trash {{
    auto = subscribe
    special_use = \Trash
  }}
  mailbox Junk {{
    auto = subscribe
    special_use = \Junk
  }}
  mailbox Sent {{
    auto = subscribe
    special_use = \Sent
  }}
}}
plugin {{
  quota = count:User quota
  quota_rule = *:storage=10M
  quota_vsizes = yes
}}
protocol imap {{
  mail_plugins = $mail_plugins imap_quota
}}
local {expired} {{
  ssl_cert = <{certs}/expired.pem
  ssl_key = <{certs}/expired.key
}}
local {other} {{
  ssl_cert = <{certs}/other.pem
  ssl_key = <{certs}/other.key
}}
local {unknown} {{
  ssl_cert = <{certs}/unknown.pem
  ssl_key = <{certs}/unknown.key
}}
local {no_size} {{
  protocol imap {{
    imap_capability = IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED SPECIAL-USE QUOTA
  }}
}}
service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp}
  }}
}}
service auth {{
  unix_listener auth-client {{
    mode = 0666
  }}
}}
# Every test connects from 127.0.0.1: the per-IP penalty for failed logins (up to 15 s)
# would let one test's wrong password slow down the next. The 2 s delay of each failed
# login stays, as on a real server.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"#,
        listen = ADDRESSES.join(", "),
        expired = EXPIRED_HOST,
        other = OTHER_NAME_HOST,
        unknown = UNKNOWN_CA_HOST,
        no_size = NO_STATUS_SIZE_HOST,
        imap = ports.imap_starttls,
        imaps = ports.imap_tls,
    ));
    text
}

#[allow(clippy::too_many_arguments)]
fn start_postfix(
    dir: &Path,
    certs: &Path,
    auth_socket: &Path,
    ports: ServicePorts,
    lmtp: u16,
    no_starttls: u16,
    nopass: (u16, u16),
) -> Result<Supervisor, String> {
    let conf = dir.join("conf");
    let queue = dir.join("queue");
    let data = dir.join("data");
    for d in [dir, &conf, &queue, &data] {
        mkdir(d)?;
    }
    let postfix_uid = id_of("postfix")?;
    std::os::unix::fs::chown(&data, Some(postfix_uid), None).map_err(io("chown"))?;
    // Postfix reads its keys as root before dropping privileges; its own copies keep it
    // independent of Dovecot's folder.
    for name in ["good", "expired", "other", "unknown"] {
        for ext in ["pem", "key"] {
            fs::copy(
                certs.join(format!("{name}.{ext}")),
                conf.join(format!("{name}.{ext}")),
            )
            .map_err(io("copying a certificate"))?;
        }
    }
    let c = conf.display();
    let main_cf = format!(
        r#"# Written by the cowdesk test harness.
compatibility_level = 3.6
config_directory = {c}
queue_directory = {queue}
data_directory = {data}
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.{DOMAIN}
mydomain = {DOMAIN}
myorigin = {DOMAIN}
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = /dev/stdout
smtpd_banner = $myhostname ESMTP
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = {DOMAIN}
virtual_mailbox_maps = static:ok
virtual_transport = lmtp:inet:127.0.0.1:{lmtp}
smtpd_sasl_type = dovecot
smtpd_sasl_path = {auth}
smtpd_sasl_auth_enable = yes
smtpd_tls_auth_only = yes
smtpd_tls_security_level = encrypt
smtpd_tls_chain_files = {c}/good.key, {c}/good.pem
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_peername_lookup = no
disable_dns_lookups = yes
smtp_dns_support_level = disabled
biff = no
"#,
        queue = queue.display(),
        data = data.display(),
        auth = auth_socket.display(),
    );
    let mut master_cf = String::from("# Written by the cowdesk test harness.\n");
    for (address, cert) in [
        ("127.0.0.1", "good"),
        (EXPIRED_HOST, "expired"),
        (OTHER_NAME_HOST, "other"),
        (UNKNOWN_CA_HOST, "unknown"),
    ] {
        let chain = format!("-o smtpd_tls_chain_files={c}/{cert}.key,{c}/{cert}.pem");
        let _ = writeln!(
            master_cf,
            "{address}:{} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes {chain}",
            ports.smtp_tls
        );
        let _ = writeln!(
            master_cf,
            "{address}:{} inet n - n - - smtpd {chain}",
            ports.smtp_starttls
        );
    }
    let _ = writeln!(
        master_cf,
        "127.0.0.1:{no_starttls} inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_tls_auth_only=no"
    );
    let _ = writeln!(
        master_cf,
        "127.0.0.1:{} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=no",
        nopass.0
    );
    let _ = writeln!(
        master_cf,
        "127.0.0.1:{} inet n - n - - smtpd -o smtpd_sasl_auth_enable=no",
        nopass.1
    );
    master_cf.push_str(
        "pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
",
    );
    write(&conf.join("main.cf"), &main_cf)?;
    write(&conf.join("master.cf"), &master_cf)?;
    // postconf says what is wrong on stderr; `postfix` itself only tells syslog.
    let check = Command::new("postconf")
        .arg("-c")
        .arg(&conf)
        .arg("-n")
        .output()
        .map_err(|e| format!("postconf: {e}"))?;
    if !check.status.success() || !check.stderr.is_empty() {
        return Err(format!(
            "Postfix refuses the configuration: {}",
            String::from_utf8_lossy(&check.stderr)
        ));
    }
    let conf_s = conf.to_string_lossy().into_owned();
    let stop = format!("postfix -c '{conf_s}' stop");
    let supervisor = supervise(
        "postfix",
        dir,
        &stop,
        &["postfix", "-c", &conf_s, "start-fg"],
    )?;
    // The master logs this once its listeners are open.
    supervisor
        .log
        .wait_for("daemon started", START_TIMEOUT)
        .map_err(|e| format!("Postfix did not start: {e}"))?;
    Ok(supervisor)
}

// --- certificates ---------------------------------------------------------------------

fn make_certificates(dir: &Path) -> Result<(), String> {
    use rcgen::{
        date_time_ymd, BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair,
        KeyUsagePurpose,
    };
    let err = |e: rcgen::Error| format!("making certificates: {e}");
    let ca = |name: &str| -> Result<(CertificateParams, KeyPair), String> {
        let key = KeyPair::generate().map_err(err)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        Ok((params, key))
    };
    let (ca_params, ca_key) = ca("cowdesk test CA")?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(err)?;
    write(&dir.join("ca.pem"), &ca_cert.pem())?;
    let issuer = Issuer::new(ca_params, ca_key);
    let (other_params, other_key) = ca("Somebody else's CA")?;
    let other_issuer = Issuer::new(other_params, other_key);

    let leaf = |file: &str,
                names: &[&str],
                expired: bool,
                issuer: &Issuer<'_, KeyPair>|
     -> Result<(), String> {
        let key = KeyPair::generate().map_err(err)?;
        let mut params =
            CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
                .map_err(err)?;
        params.distinguished_name.push(DnType::CommonName, names[0]);
        if expired {
            params.not_before = date_time_ymd(2020, 1, 1);
            params.not_after = date_time_ymd(2021, 1, 1);
        }
        let cert = params.signed_by(&key, issuer).map_err(err)?;
        write(&dir.join(format!("{file}.pem")), &cert.pem())?;
        write(&dir.join(format!("{file}.key")), &key.serialize_pem())?;
        Ok(())
    };
    leaf(
        "good",
        &[GOOD_HOST, "127.0.0.1", NO_STATUS_SIZE_HOST],
        false,
        &issuer,
    )?;
    leaf("expired", &[EXPIRED_HOST], true, &issuer)?;
    leaf("other", &["other.example"], false, &issuer)?;
    leaf("unknown", &[UNKNOWN_CA_HOST], false, &other_issuer)?;
    Ok(())
}

// --- small helpers --------------------------------------------------------------------

fn require_root() -> Result<(), String> {
    let uid = run("id", &["-u"])?;
    if uid.trim() != "0" {
        return Err(format!(
            "the mail server tests need root (Postfix's master runs only as root); this is uid {}",
            uid.trim()
        ));
    }
    Ok(())
}

fn dovecot_version() -> Result<String, String> {
    let version = run("dovecot", &["--version"]).map_err(|e| {
        format!("{e}; install dovecot-imapd and dovecot-lmtpd (scripts/lib/setup.sh does)")
    })?;
    let version = version.split_whitespace().next().unwrap_or("").to_owned();
    if !version.starts_with("2.3.") {
        return Err(format!(
            "Dovecot {version} is installed; this harness writes Dovecot 2.3 configuration (Debian 12). Dovecot 2.4 (Debian 13) uses another syntax: extend crates/core/tests/support/mailservers.rs for it"
        ));
    }
    if !Path::new("/usr/lib/dovecot/lmtp").exists() {
        return Err("Dovecot's LMTP server is missing: install dovecot-lmtpd".into());
    }
    Ok(version)
}

fn postfix_version() -> Result<String, String> {
    let out = run("postconf", &["-d", "-h", "mail_version"])
        .map_err(|e| format!("{e}; install postfix (scripts/lib/setup.sh does)"))?;
    let version = out.trim().to_owned();
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if (major, minor) < (3, 4) {
        return Err(format!(
            "Postfix {version} is installed; the harness needs 3.4 or newer (start-fg, maillog_file)"
        ));
    }
    Ok(version)
}

fn run(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program} cannot be run ({e})"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn id_of(user: &str) -> Result<u32, String> {
    run("id", &["-u", user])?
        .trim()
        .parse()
        .map_err(|_| format!("no uid for {user}"))
}

fn make_root() -> Result<PathBuf, String> {
    let root = std::env::temp_dir().join(format!(
        "cowdesk-mailservers-{}-{}",
        std::process::id(),
        random_hex(4)
    ));
    mkdir(&root)?;
    Ok(root)
}

/// A folder every server user can pass through (Postfix's smtpd reaches Dovecot's
/// socket as `postfix`).
fn mkdir(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(io("mkdir"))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).map_err(io("chmod"))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

fn io(what: &'static str) -> impl Fn(std::io::Error) -> String {
    move |e| format!("{what}: {e}")
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    let ok = fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .is_ok();
    if !ok {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        buf = nanos.to_be_bytes().to_vec();
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
