//! The tray icon: the count of unresolved alerts, "sync now", and a way back to the
//! window when it is closed to the tray.

use cowdesk_core::alerts::tray::TrayLabels;
use cowdesk_core::alerts::Lang;
use cowdesk_core::model::AlertCounts;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::{background, window, AppState};

const TRAY: &str = "main";
/// The window opens the notification centre on this event.
pub const EVENT_SHOW_ALERTS: &str = "show-alerts";

struct TrayMenu<R: Runtime> {
    open: MenuItem<R>,
    alerts: MenuItem<R>,
    sync: MenuItem<R>,
    quit: MenuItem<R>,
}

/// Creates the tray icon on the main thread, unless it is there already, and gives it the
/// current alert count. Desktops without a tray (or a headless test) get none; cowdesk
/// then quits when its window closes.
pub fn create_once<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let queued = app.run_on_main_thread(move || {
        if handle.tray_by_id(TRAY).is_some() {
            return;
        }
        if let Err(err) = create(&handle) {
            tracing::info!("no tray icon: {err}");
            return;
        }
        crate::start_milestone("tray");
        tauri::async_runtime::spawn(async move { background::refresh_counts(&handle).await });
    });
    if let Err(err) = queued {
        tracing::info!("no tray icon: {err}");
    }
}

fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let labels = TrayLabels::new(Lang::En, 0);
    let open = MenuItem::with_id(app, "open", labels.open, true, None::<&str>)?;
    let alerts = MenuItem::with_id(app, "alerts", &labels.alerts, true, None::<&str>)?;
    let sync = MenuItem::with_id(app, "sync", labels.sync, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", labels.quit, true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &open,
            &alerts,
            &PredefinedMenuItem::separator(app)?,
            &sync,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id(TRAY)
        .menu(&menu)
        .tooltip("cowdesk")
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => window::show_and_focus(app),
            "alerts" => {
                window::show_and_focus(app);
                let _ = app.emit(EVENT_SHOW_ALERTS, ());
            }
            "sync" => background::request_sync(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    app.manage(TrayMenu {
        open,
        alerts,
        sync,
        quit,
    });
    // A D-Bus round of its own: not on the main thread.
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        app.state::<AppState>().set_tray_available(host_present());
    });
    Ok(())
}

/// Whether the desktop shows tray icons at all: on Linux, a StatusNotifierWatcher on the
/// session bus. Without one, hiding the window in the tray would leave no way back.
#[cfg(target_os = "linux")]
fn host_present() -> bool {
    let present = || -> zbus::Result<bool> {
        let connection = zbus::blocking::Connection::session()?;
        let bus = zbus::blocking::fdo::DBusProxy::new(&connection)?;
        let name = zbus::names::BusName::try_from("org.kde.StatusNotifierWatcher")?;
        Ok(bus.name_has_owner(name)?)
    };
    present().unwrap_or(false)
}

#[cfg(not(target_os = "linux"))]
fn host_present() -> bool {
    true
}

/// Shows the count next to the icon (where the desktop shows titles) and in the menu.
pub fn update<R: Runtime>(app: &AppHandle<R>, counts: AlertCounts, lang: Lang) {
    let Some(tray) = app.tray_by_id(TRAY) else {
        return;
    };
    let Some(menu) = app.try_state::<TrayMenu<R>>() else {
        return;
    };
    let labels = TrayLabels::new(lang, counts.unresolved);
    let _ = tray.set_title((counts.unresolved > 0).then(|| counts.unresolved.to_string()));
    let _ = tray.set_tooltip(Some(format!("cowdesk — {}", labels.alerts)));
    let _ = menu.alerts.set_text(&labels.alerts);
    let _ = menu.open.set_text(labels.open);
    let _ = menu.sync.set_text(labels.sync);
    let _ = menu.quit.set_text(labels.quit);
}
