//! The window's pixels, read from the X server: WebKitWebDriver takes no screenshot of a
//! page drawn without GPU compositing, the way cowdesk draws (decision 0022). Also a
//! window's title and its closing, for windows no WebDriver reaches (a native dialog).
//!
//! Every top-level window's contents are kept off screen by the X server (the Composite
//! extension's automatic redirection, in force while this test binary's connection
//! lives), so a window that another test's window covers is still read whole.

use std::sync::{Mutex, OnceLock};

use x11rb::connection::Connection;
use x11rb::protocol::composite::{ConnectionExt as _, Redirect};
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ClientMessageEvent, ConnectionExt as _, EventMask, ImageFormat, MapState,
    Window,
};
use x11rb::rust_connection::RustConnection;

struct Display {
    conn: RustConnection,
    root: Window,
    net_wm_pid: u32,
}

fn failed(what: &str) -> impl Fn(String) -> String + '_ {
    move |e| format!("X server, {what}: {e}")
}

fn open() -> Result<Display, String> {
    let (conn, screen) = x11rb::connect(None).map_err(|e| failed("connect")(e.to_string()))?;
    let root = conn.setup().roots[screen].root;
    conn.composite_query_version(0, 4)
        .map_err(|e| e.to_string())
        .and_then(|c| c.reply().map_err(|e| e.to_string()))
        .map_err(failed("the Composite extension"))?;
    conn.composite_redirect_subwindows(root, Redirect::AUTOMATIC)
        .map_err(|e| e.to_string())
        .and_then(|c| c.check().map_err(|e| e.to_string()))
        .map_err(failed("redirecting the windows"))?;
    let net_wm_pid = atom(&conn, "_NET_WM_PID").map_err(failed("_NET_WM_PID"))?;
    Ok(Display {
        conn,
        root,
        net_wm_pid,
    })
}

fn with_display<T>(use_it: impl FnOnce(&Display) -> Result<T, String>) -> Result<T, String> {
    static DISPLAY: OnceLock<Result<Mutex<Display>, String>> = OnceLock::new();
    let display = DISPLAY
        .get_or_init(|| open().map(Mutex::new))
        .as_ref()
        .map_err(Clone::clone)?;
    let display = display.lock().unwrap_or_else(|p| p.into_inner());
    use_it(&display)
}

/// The top-level window the process `pid` shows, once it is on screen.
pub fn window_of(pid: u32) -> Result<Option<Window>, String> {
    with_display(|x| {
        let conn = &x.conn;
        let tree = conn
            .query_tree(x.root)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| e.to_string())?;
        for window in tree.children {
            let Ok(owner) = conn
                .get_property(false, window, x.net_wm_pid, AtomEnum::CARDINAL, 0, 1)
                .map_err(|e| e.to_string())?
                .reply()
            else {
                continue; // gone meanwhile
            };
            if owner.value32().and_then(|mut v| v.next()) != Some(pid) {
                continue;
            }
            let Ok(attributes) = conn
                .get_window_attributes(window)
                .map_err(|e| e.to_string())?
                .reply()
            else {
                continue;
            };
            if attributes.map_state == MapState::VIEWABLE {
                return Ok(Some(window));
            }
        }
        Ok(None)
    })
}

fn atom(conn: &RustConnection, name: &str) -> Result<Atom, String> {
    Ok(conn
        .intern_atom(false, name.as_bytes())
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?
        .atom)
}

/// The window's title as the window manager reads it (`_NET_WM_NAME`, UTF-8).
pub fn title_of(window: Window) -> Result<String, String> {
    with_display(|x| {
        let conn = &x.conn;
        let (name, utf8) = (atom(conn, "_NET_WM_NAME")?, atom(conn, "UTF8_STRING")?);
        let title = conn
            .get_property(false, window, name, utf8, 0, 1024)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| e.to_string())?;
        String::from_utf8(title.value).map_err(|e| e.to_string())
    })
}

/// Asks the window to close, as its title bar's close button does (`WM_DELETE_WINDOW`).
pub fn ask_to_close(window: Window) -> Result<(), String> {
    with_display(|x| {
        let conn = &x.conn;
        let protocols = atom(conn, "WM_PROTOCOLS")?;
        let delete = atom(conn, "WM_DELETE_WINDOW")?;
        let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
        conn.send_event(false, window, EventMask::NO_EVENT, event)
            .map_err(|e| e.to_string())?
            .check()
            .map_err(|e| e.to_string())
    })
}

/// The window's pixels: width, height and RGB bytes, row by row.
pub fn rgb_of(window: Window) -> Result<(u32, u32, Vec<u8>), String> {
    with_display(|x| {
        let conn = &x.conn;
        let geometry = conn
            .get_geometry(window)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| e.to_string())?;
        // The window's own off-screen contents, whatever covers it on the screen.
        let pixmap = conn.generate_id().map_err(|e| e.to_string())?;
        conn.composite_name_window_pixmap(window, pixmap)
            .map_err(|e| e.to_string())?
            .check()
            .map_err(|e| e.to_string())?;
        let image = conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                pixmap,
                0,
                0,
                geometry.width,
                geometry.height,
                !0,
            )
            .map_err(|e| e.to_string())?
            .reply();
        let _ = conn.free_pixmap(pixmap);
        let image = image.map_err(|e| e.to_string())?;
        // Depth 24 comes as four bytes a pixel: blue, green, red, unused.
        let rgb = image
            .data
            .chunks_exact(4)
            .flat_map(|p| [p[2], p[1], p[0]])
            .collect();
        Ok((u32::from(geometry.width), u32::from(geometry.height), rgb))
    })
}

/// The window of process `pid` as a PNG.
pub fn png_of(pid: u32) -> Result<Vec<u8>, String> {
    let window = window_of(pid)?.ok_or("the window is not on screen")?;
    let (width, height, rgb) = rgb_of(window)?;
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(png)
}
