//! The window's IPC commands, read from src-tauri/commands/*.rs: each `#[tauri::command]`
//! function and each entry of a `core_commands!` block. Writing the command is the one
//! edit: the window's build script (src-tauri/build.rs) registers the handler over this
//! list and declares a permission for each, granted to the main window; tests/security.rs
//! checks the result. A command written some other way is not found, is never called, and
//! fails the build's dead-code check.

use std::path::Path;

/// The permission set src-tauri/capabilities/main.json grants to the main window.
pub const COMMAND_SET: &str = "cowdesk-commands";

/// One command: where it is written, and how.
#[derive(Debug, PartialEq)]
pub struct Command {
    pub module: String,
    pub name: String,
    /// An entry of the module's `core_commands!` block (answered by the module's
    /// `core_command`), not a `#[tauri::command]` function.
    pub in_core_block: bool,
}

/// Every command of the `.rs` files in `dir`, in file order.
pub fn commands(dir: &Path) -> std::io::Result<Vec<Command>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let module = file.file_stem().unwrap_or_default().to_string_lossy();
        let text = std::fs::read_to_string(&file)?;
        found.extend(
            in_module(&text)
                .into_iter()
                .map(|(name, in_core_block)| Command {
                    module: module.to_string(),
                    name,
                    in_core_block,
                }),
        );
    }
    Ok(found)
}

/// What the build hands to tauri-build: every command's name, and the pattern that finds
/// the permission set holding an `allow-…` permission for each.
pub struct Prepared {
    pub names: Vec<String>,
    pub permissions: String,
}

/// Reads the commands of `commands_dir` and writes, into `out`, the handler's list
/// (`commands.rs`, which src-tauri/commands/mod.rs includes) and the permission set.
pub fn prepare(commands_dir: &Path, out: &Path) -> std::io::Result<Prepared> {
    let commands = commands(commands_dir)?;
    write_if_changed(&out.join("commands.rs"), &handler_list(&commands))?;
    let names: Vec<String> = commands.into_iter().map(|c| c.name).collect();
    let permissions = command_set(out, &names)?;
    Ok(Prepared { names, permissions })
}

/// The `cowdesk_commands!` call commands/mod.rs includes: the `#[tauri::command]`
/// functions for Tauri's handler, and the modules whose `core_commands!` blocks answer the
/// others.
fn handler_list(commands: &[Command]) -> String {
    let written: Vec<String> = commands
        .iter()
        .filter(|c| !c.in_core_block)
        .map(|c| format!("{}::{}", c.module, c.name))
        .collect();
    let mut blocks: Vec<&str> = commands
        .iter()
        .filter(|c| c.in_core_block)
        .map(|c| c.module.as_str())
        .collect();
    blocks.dedup();
    format!(
        "cowdesk_commands! {{ written: [{}], core_blocks: [{}] }}\n",
        written.join(", "),
        blocks.join(", ")
    )
}

/// Writes the set of every command's `allow-…` permission; answers the pattern that
/// finds it.
fn command_set(out: &Path, names: &[String]) -> std::io::Result<String> {
    let dir = out.join("app-permissions");
    std::fs::create_dir_all(&dir)?;
    let allowed: Vec<String> = names
        .iter()
        .map(|c| format!("\"allow-{}\"", c.replace('_', "-")))
        .collect();
    let toml = format!(
        "[[set]]\nidentifier = \"{COMMAND_SET}\"\ndescription = \"Every command of src-tauri/commands.\"\npermissions = [{}]\n",
        allowed.join(", ")
    );
    write_if_changed(&dir.join(format!("{COMMAND_SET}.toml")), &toml)?;
    Ok(format!("{}/*.toml", dir.display()))
}

/// Leaves a file that is already right untouched, so that nothing rebuilds for it.
fn write_if_changed(file: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(file).ok().as_deref() != Some(text) {
        std::fs::write(file, text)?;
    }
    Ok(())
}

/// The module's commands, each with whether it is an entry of a `core_commands!` block.
fn in_module(text: &str) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    let mut attributed = false;
    let mut in_block = false;
    for line in text.lines() {
        if in_block {
            // An entry starts one level in: `    name(`; its other lines are further in.
            match line.strip_prefix("    ") {
                _ if line == "}" => in_block = false,
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_lowercase()) => {
                    found.extend(ident(rest).map(|name| (name, true)));
                }
                _ => {}
            }
        } else if line == "core_commands! {" {
            in_block = true;
        } else if line == "#[tauri::command]" {
            attributed = true;
        } else if attributed && !line.starts_with("#[") {
            let after_fn = line.split_once("fn ").map(|(_, rest)| rest);
            found.extend(after_fn.and_then(ident).map(|name| (name, false)));
            attributed = false;
        }
    }
    found
}

fn ident(text: &str) -> Option<String> {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    (end > 0).then(|| text[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::{in_module, prepare};

    #[test]
    fn perf_shape_command_list_writes_the_handler_list_and_the_permission_set() {
        let root =
            std::env::temp_dir().join(format!("cowdesk-command-list-{}", std::process::id()));
        let (commands, out) = (root.join("commands"), root.join("out"));
        std::fs::create_dir_all(&commands).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        let block = "core_commands! {\n    list_alerts() -> Vec<Alert> = |core| core.alerts();\n    alert_counts() -> AlertCounts = |core| core.alert_counts();\n}\n";
        let written = "#[tauri::command]\npub fn ui_ready<R: Runtime>(app: AppHandle<R>) {}\n";
        std::fs::write(commands.join("alerts.rs"), block).unwrap();
        std::fs::write(commands.join("app.rs"), written).unwrap();
        std::fs::write(commands.join("notes.txt"), written).unwrap();

        let prepared = prepare(&commands, &out).unwrap();

        assert_eq!(prepared.names, ["list_alerts", "alert_counts", "ui_ready"]);
        assert_eq!(
            std::fs::read_to_string(out.join("commands.rs")).unwrap(),
            "cowdesk_commands! { written: [app::ui_ready], core_blocks: [alerts] }\n"
        );
        let set = out.join("app-permissions/cowdesk-commands.toml");
        assert_eq!(
            prepared.permissions,
            format!("{}/*.toml", set.parent().unwrap().display())
        );
        let toml = std::fs::read_to_string(&set).unwrap();
        assert!(toml.contains("identifier = \"cowdesk-commands\""), "{toml}");
        assert!(
            toml.contains(
                r#"permissions = ["allow-list-alerts", "allow-alert-counts", "allow-ui-ready"]"#
            ),
            "{toml}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn perf_shape_command_list_finds_both_forms_and_nothing_else() {
        let text = r#"
use x;

core_commands! {
    list_accounts() -> Vec<AccountSummary> = |core| core.accounts();

    /// A doc line.
    mailcow_add_mailbox(
        connection_id: ConnectionId,
        address: String,
    ) -> MailcowChangeOutcome = |core| {
        let mailbox = MailboxInput { address };
        core.add(connection_id.get(), mailbox)
    };

    sync_now() -> Vec<SyncOutcome> = |_, app| async move { sync_and_report(&app).await };

    /// One that needs the window's app beside the core.
    generate_authcode(account_id: AccountId) -> Authcode
        = |core, app| async move {
            let code = core.generate_authcode(&account_id).await?;
            app.state::<SecretClipboard>().hold(&code);
            Ok::<_, CoreError>(code)
        };
}

#[tauri::command]
pub async fn billing_export<R: Runtime>(app: AppHandle<R>) -> CmdResult<()> {
    helper(app)
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub fn forget_authcode(clipboard: State<'_, SecretClipboard>) {}

fn helper<R: Runtime>(app: AppHandle<R>) {}
"#;
        assert_eq!(
            in_module(text),
            [
                ("list_accounts".to_owned(), true),
                ("mailcow_add_mailbox".to_owned(), true),
                ("sync_now".to_owned(), true),
                ("generate_authcode".to_owned(), true),
                ("billing_export".to_owned(), false),
                ("forget_authcode".to_owned(), false)
            ]
        );
    }
}
