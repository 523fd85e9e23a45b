//! tauri-build, with the app's commands as command_list.rs finds them in
//! src-tauri/commands: the handler's list (OUT_DIR/commands.rs), an `allow-…` permission
//! for each, and the permission set `cowdesk-commands` (the one permission of the app the
//! capability grants) holding all of them.

use std::path::{Path, PathBuf};

#[path = "command_list.rs"]
mod command_list;

/// The permission set src-tauri/capabilities/main.json grants to the main window.
const COMMAND_SET: &str = "cowdesk-commands";

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/commands");
    println!("cargo:rerun-if-changed=src-tauri/command_list.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let commands = command_list::commands(Path::new("src-tauri/commands"))
        .expect("failed to read src-tauri/commands");
    write_if_changed(&out.join("commands.rs"), &handler_list(&commands))
        .expect("failed to write the handler's command list");
    let names: Vec<&'static str> = commands.into_iter().map(|c| &*c.name.leak()).collect();
    let permissions = command_set(&out, &names).expect("failed to write the permission set");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(
                tauri_build::AppManifest::new()
                    .commands(names.leak())
                    .permissions_path_pattern(permissions),
            ),
    )
    .expect("failed to run tauri-build");
}

/// The `cowdesk_commands!` call commands/mod.rs includes: the `#[tauri::command]`
/// functions for Tauri's handler, and the modules whose `core_commands!` blocks answer the
/// others.
fn handler_list(commands: &[command_list::Command]) -> String {
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
fn command_set(out: &Path, names: &[&str]) -> std::io::Result<&'static str> {
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
    Ok(Box::leak(
        format!("{}/*.toml", dir.display()).into_boxed_str(),
    ))
}

fn write_if_changed(file: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(file).ok().as_deref() != Some(text) {
        std::fs::write(file, text)?;
    }
    Ok(())
}
