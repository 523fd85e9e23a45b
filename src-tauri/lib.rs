//! The cowdesk window (`cowdesk-window`): a thin Tauri shell over `cowdesk-core`. The
//! command line is crates/cli (`cowdesk`), the demo's portal crates/sandbox
//! (`cowdesk-sandbox`), each a program of its own.

mod autostart;
mod background;
mod clipboard;
mod commands;
mod dialogs;
mod start_failure;
mod state;
mod test_hooks;
mod tray;
mod window;

use cowdesk_core::start::failure::StartFailure;
use cowdesk_core::window_args;
use tauri::{Builder, Manager, Runtime};

pub use state::AppState;

/// When `main_entry` began: the start's milestones are logged against it
/// (`COWDESK_LOG=cowdesk::start=debug`), so what the first paint waits on can be read
/// from one run.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Logs a milestone of the start with the milliseconds since `main_entry` began.
pub(crate) fn start_milestone(what: &str) {
    if let Some(started) = STARTED.get() {
        tracing::debug!(target: "cowdesk::start", "{what} at {} ms", started.elapsed().as_millis());
    }
}

/// Registers plugins, commands and state on a builder. Tests pass
/// `tauri::test::mock_builder()` here; the app passes `tauri::Builder::default()`.
pub fn setup<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .manage(state)
        .manage(clipboard::system())
        .manage(cowdesk_core::mandates::ApprovalDesk::default())
        .manage(cowdesk_core::dnscheck::pending::PendingPlans::default())
        .manage(cowdesk_core::maildoctor::PendingTrash::default())
        .manage(cowdesk_core::support::SupportSession::default())
        .manage(cowdesk_core::support::HeldLink::default())
        .invoke_handler({
            let handler = commands::handler();
            move |invoke| {
                // The command's name only: its arguments may carry secrets.
                start_milestone(invoke.message.command());
                handler(invoke)
            }
        })
        .on_window_event(window::on_window_event)
        .setup(|app| {
            start_milestone("setup");
            // Hidden, the tray is the only way to the window: at once. Visible, it comes
            // when the window first has the focus (window.rs), so that its set-up does not
            // hold up the main thread the page's load and the window's showing run on.
            if app.state::<AppState>().start_hidden() {
                tray::create_once(app.handle());
            }
            background::start(app.handle());
            window::show_when_painted(app.handle());
            Ok(())
        })
}

/// Entry point of the window binary.
pub fn main_entry() -> i32 {
    STARTED.get_or_init(std::time::Instant::now);
    draw_without_gpu_compositing();
    let args = match window_args::parse(std::env::args_os().skip(1)) {
        Ok(window_args::Parsed::Run(args)) => args,
        Ok(window_args::Parsed::Print(text)) => {
            println!("{text}");
            return 0;
        }
        Err(message) => {
            eprintln!("cowdesk-window: {message}");
            return 2;
        }
    };
    cowdesk_core::logging::init();
    run_app(args.demo, args.hidden, args.data_dir)
}

/// The page is drawn by the CPU, without WebKit's GPU compositing (decision 0022): for
/// this UI of lists and forms the window is on screen about 60 ms sooner and the process
/// tree holds about 85 MiB less, and the blank windows some GPU drivers give WebKitGTK
/// cannot happen. WebKit reads the switch when it starts, so it is set here, before GTK,
/// WebKit or any other thread of this process exists. A user's own setting (`0` turns
/// compositing back on) is kept.
fn draw_without_gpu_compositing() {
    const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if cfg!(target_os = "linux") && std::env::var_os(SWITCH).is_none() {
        std::env::set_var(SWITCH, "1");
    }
}

fn run_app(demo: bool, hidden: bool, data_dir: Option<std::path::PathBuf>) -> i32 {
    let data_dir = cowdesk_core::paths::data_dir(data_dir);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            let line = format!("cannot start the async runtime: {err}");
            return start_failure::tell(&line, |lang| StartFailure::window(lang, &line));
        }
    };
    tauri::async_runtime::set(runtime.handle().clone());
    start_milestone("runtime");
    // The cache is opened before the window exists, so the first paint reads real data.
    let state = match runtime.block_on(AppState::open(data_dir.clone(), demo, hidden)) {
        Ok(state) => state,
        Err(err) => {
            let line = format!("{} ({err})", err.info().message);
            return start_failure::tell(&line, |lang| StartFailure::cache(lang, &err, &data_dir));
        }
    };
    start_milestone("cache opened");
    // First: a second launch on the same cache only brings the running window to the front.
    let single_instance = tauri_plugin_single_instance::Builder::new()
        .callback(|app, _, _| window::show_and_focus(app))
        .dbus_id(cowdesk_core::paths::instance_id(&data_dir))
        .build();
    let builder = Builder::default().plugin(single_instance);
    #[cfg(any(target_os = "macos", windows))]
    let builder = builder.plugin(autostart::plugin());
    let result = setup(builder, state).run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(err) => {
            let line = err.to_string();
            start_failure::tell(&line, |lang| StartFailure::window(lang, &line))
        }
    }
}
