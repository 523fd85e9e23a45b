//! The window's privileges, checked from the files that grant them (docs/SECURITY.md):
//! the capability grants exactly cowdesk's own commands, and the CSP no remote origin.

use std::collections::BTreeSet;

// The app's one permission the capability grants: every registered command.
use cowdesk_command_list::COMMAND_SET;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The commands written in src-tauri/commands, as the build finds them, without their
/// module.
fn commands_in_sources() -> BTreeSet<String> {
    let dir = std::path::Path::new(ROOT).join("src-tauri/commands");
    let found = cowdesk_command_list::commands(&dir).expect("src-tauri/commands is readable");
    found.into_iter().map(|c| c.name).collect()
}

/// The permissions of the set build.rs declared, as tauri-build resolved them (it writes
/// every manifest to gen/schemas while building this test).
fn commands_in_permission_set() -> BTreeSet<String> {
    let manifests: Value = serde_json::from_str(&read("gen/schemas/acl-manifests.json"))
        .expect("tauri-build's manifests");
    manifests["__app-acl__"]["permission_sets"][COMMAND_SET]["permissions"]
        .as_array()
        .expect("the set cowdesk-commands")
        .iter()
        .map(|p| {
            let name = p.as_str().expect("a name");
            name.strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{name} is not one of cowdesk's own commands"))
                .replace('-', "_")
        })
        .collect()
}

fn capability() -> Value {
    serde_json::from_str(&read("src-tauri/capabilities/main.json")).expect("capability JSON")
}

/// The only non-command permissions the window may hold: listening to cowdesk's events.
const ALLOWED_CORE: [&str; 2] = ["core:event:allow-listen", "core:event:allow-unlisten"];

mod security {
    use super::*;

    #[test]
    fn the_capability_grants_exactly_the_registered_commands() {
        let registered = commands_in_sources();
        assert!(registered.len() > 100, "found the commands: {registered:?}");
        assert_eq!(commands_in_permission_set(), registered);

        let capability = capability();
        assert_eq!(capability["windows"], serde_json::json!(["main"]));
        let granted: BTreeSet<&str> = capability["permissions"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|p| p.as_str().expect("plain permission names, no scopes"))
            .collect();
        let expected: BTreeSet<&str> = ALLOWED_CORE.into_iter().chain([COMMAND_SET]).collect();
        assert_eq!(granted, expected);
    }

    #[test]
    fn no_other_capability_file_widens_the_window() {
        let files: Vec<String> = std::fs::read_dir(format!("{ROOT}/src-tauri/capabilities"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files, ["main.json"]);
    }

    #[test]
    fn the_csp_allows_no_remote_origin() {
        let config: Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
        let csp = config["app"]["security"]["csp"]
            .as_str()
            .expect("a CSP is set");
        let allowed = [
            "'self'",
            "'none'",
            "ipc:",
            "http://ipc.localhost",
            "data:",
            // Svelte sets element styles; no script is inline.
            "'unsafe-inline'",
        ];
        let mut directives = BTreeSet::new();
        for directive in csp.split(';').map(str::trim).filter(|d| !d.is_empty()) {
            let mut parts = directive.split_whitespace();
            let name = parts.next().unwrap();
            directives.insert(name);
            for source in parts {
                assert!(allowed.contains(&source), "{name} allows {source}");
                if source == "'unsafe-inline'" {
                    assert_eq!(name, "style-src", "inline code only for styles");
                }
            }
        }
        for required in ["default-src", "script-src", "connect-src", "object-src"] {
            assert!(directives.contains(required), "the CSP sets {required}");
        }
        assert!(config["app"]["security"]["dangerousDisableAssetCspModification"].is_null());
        assert!(
            config["app"]["withGlobalTauri"].is_null() || config["app"]["withGlobalTauri"] == false
        );
    }

    #[test]
    fn the_window_loads_only_the_bundled_ui() {
        let config: Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
        for window in config["app"]["windows"].as_array().unwrap() {
            assert!(window["url"].is_null(), "no window opens a remote address");
        }
        assert_eq!(config["build"]["frontendDist"], "ui/dist");
    }
}
