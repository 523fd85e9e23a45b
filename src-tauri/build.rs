//! tauri-build, with the app's commands as cowdesk-command-list finds them in
//! src-tauri/commands: the handler's list (OUT_DIR/commands.rs), an `allow-…` permission
//! for each, and the permission set `cowdesk-commands` (the one permission of the app the
//! capability grants) holding all of them.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/commands");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let prepared = cowdesk_command_list::prepare(Path::new("src-tauri/commands"), &out)
        .expect("failed to read src-tauri/commands or write the command list");
    // tauri-build keeps both for the rest of the build.
    let names: Vec<&'static str> = prepared.names.into_iter().map(|n| &*n.leak()).collect();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(
                tauri_build::AppManifest::new()
                    .commands(names.leak())
                    .permissions_path_pattern(prepared.permissions.leak()),
            ),
    )
    .expect("failed to run tauri-build");
}
