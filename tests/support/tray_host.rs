//! A tray host for tests: an org.kde.StatusNotifierWatcher on a private session bus, where
//! the app's tray icon (libayatana-appindicator) registers itself. Through it a test reads
//! the icon's label and menu and clicks menu items, as a panel would (com.canonical.dbusmenu).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use zbus::message::Header;
use zbus::zvariant::{OwnedValue, Value};

use super::notifications::PrivateBus;

#[derive(Default, Clone)]
struct Watcher {
    /// (sender's unique name, the service string it registered)
    items: Arc<Mutex<Vec<(String, String)>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(&self, #[zbus(header)] header: Header<'_>, service: String) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        self.items.lock().expect("lock").push((sender, service));
    }

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        let items = self.items.lock().expect("lock");
        items.iter().map(|(_, service)| service.clone()).collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// One entry of the tray menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub id: i32,
    pub label: String,
}

pub struct TrayHost {
    watcher: Watcher,
    connection: zbus::Connection,
}

type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

impl TrayHost {
    pub async fn start(bus: &PrivateBus) -> TrayHost {
        let watcher = Watcher::default();
        let connection = zbus::connection::Builder::address(bus.address.as_str())
            .expect("bus address")
            .name("org.kde.StatusNotifierWatcher")
            .expect("name")
            .serve_at("/StatusNotifierWatcher", watcher.clone())
            .expect("object")
            .build()
            .await
            .expect("connect to the private bus");
        TrayHost {
            watcher,
            connection,
        }
    }

    /// The registered item: its bus name and object path, once it has registered.
    pub fn item(&self) -> Option<(String, String)> {
        let items = self.watcher.items.lock().expect("lock");
        let (sender, service) = items.first()?.clone();
        // An item registers either its object path (on its own connection) or a bus name.
        Some(if service.starts_with('/') {
            (sender, service)
        } else {
            (service, "/StatusNotifierItem".to_owned())
        })
    }

    async fn item_property<T>(&self, name: &str) -> zbus::Result<T>
    where
        T: TryFrom<OwnedValue>,
        T::Error: Into<zbus::Error>,
    {
        let (destination, path) = self.item().ok_or(zbus::Error::Failure("no item".into()))?;
        let proxy = zbus::Proxy::new(
            &self.connection,
            destination,
            path,
            "org.kde.StatusNotifierItem",
        )
        .await?;
        proxy.get_property(name).await
    }

    /// The text shown next to the icon (the tray's title).
    pub async fn label(&self) -> zbus::Result<String> {
        self.item_property("XAyatanaLabel").await
    }

    async fn menu(&self) -> zbus::Result<zbus::Proxy<'static>> {
        let (destination, _) = self.item().ok_or(zbus::Error::Failure("no item".into()))?;
        let path: zbus::zvariant::OwnedObjectPath = self.item_property("Menu").await?;
        zbus::Proxy::new(
            &self.connection,
            destination,
            path,
            "com.canonical.dbusmenu",
        )
        .await
    }

    /// The menu's entries with a label, in order (mnemonic underscores removed).
    pub async fn menu_entries(&self) -> zbus::Result<Vec<MenuEntry>> {
        let menu = self.menu().await?;
        let (_revision, root): (u32, Layout) = menu
            .call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))
            .await?;
        let mut entries = Vec::new();
        for child in root.2 {
            let (id, properties, _): Layout = child.try_into()?;
            if let Some(label) = properties.get("label") {
                let label: String = label.try_clone()?.try_into()?;
                entries.push(MenuEntry {
                    id,
                    label: label.replace('_', ""),
                });
            }
        }
        Ok(entries)
    }

    /// Clicks menu entry `id`.
    pub async fn click(&self, id: i32) -> zbus::Result<()> {
        let menu = self.menu().await?;
        menu.call_method("Event", &(id, "clicked", Value::from(0i32), 0u32))
            .await?;
        Ok(())
    }
}
