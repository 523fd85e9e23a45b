//! tauri-build, with the app's commands from src-tauri/commands/registry.rs: each gets
//! its `allow-…` permission, and the permission set `cowdesk-commands` (written to
//! OUT_DIR, the one permission of the app the capability grants) holds all of them.

use std::path::PathBuf;

/// `COMMANDS`: the names in registry.rs, without their module.
macro_rules! cowdesk_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        const COMMANDS: &[&str] = &[$(stringify!($command)),*];
    };
}
include!("commands/registry.rs");

/// The permission set src-tauri/capabilities/main.json grants to the main window.
const COMMAND_SET: &str = "cowdesk-commands";

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/commands/registry.rs");
    let permissions = command_set().expect("failed to write the command permission set");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(
                tauri_build::AppManifest::new()
                    .commands(COMMANDS)
                    .permissions_path_pattern(permissions),
            ),
    )
    .expect("failed to run tauri-build");
}

/// Writes the set of every command's `allow-…` permission; answers the pattern that
/// finds it.
fn command_set() -> std::io::Result<&'static str> {
    let dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("app-permissions");
    std::fs::create_dir_all(&dir)?;
    let allowed: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("\"allow-{}\"", c.replace('_', "-")))
        .collect();
    let toml = format!(
        "[[set]]\nidentifier = \"{COMMAND_SET}\"\ndescription = \"Every command of src-tauri/commands/registry.rs.\"\npermissions = [{}]\n",
        allowed.join(", ")
    );
    let file = dir.join(format!("{COMMAND_SET}.toml"));
    if std::fs::read_to_string(&file).ok().as_deref() != Some(toml.as_str()) {
        std::fs::write(&file, toml)?;
    }
    Ok(Box::leak(
        format!("{}/*.toml", dir.display()).into_boxed_str(),
    ))
}
