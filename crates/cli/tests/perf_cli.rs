//! The command line is a program without a window: its binary needs none of GTK, WebKit
//! or JavaScriptCore, read from its ELF dynamic section (DT_NEEDED) as the loader reads it.
#![cfg(target_os = "linux")]

mod support;

const WINDOW_LIBRARIES: [&str; 4] = ["webkit2gtk", "libgtk", "javascriptcore", "libgdk"];

#[test]
fn perf_cli_binary_links_no_webkit() {
    let binary = support::cowdesk_binary();
    let bytes = std::fs::read(&binary).expect("the built cowdesk binary");
    let elf = goblin::elf::Elf::parse(&bytes).expect("an ELF file");
    let needed: Vec<&str> = elf.libraries.clone();
    // The reader sees the dynamic section at all: every Linux program needs the C library.
    assert!(
        needed.iter().any(|l| l.starts_with("libc.so")),
        "no libc in DT_NEEDED of {}: {needed:?}",
        binary.display()
    );
    let window: Vec<&&str> = needed
        .iter()
        .filter(|lib| WINDOW_LIBRARIES.iter().any(|w| lib.contains(w)))
        .collect();
    assert!(
        window.is_empty(),
        "{} needs window libraries {window:?} (all: {needed:?})",
        binary.display()
    );
}
