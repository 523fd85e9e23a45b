//! A screenshot that provably shows the page as its DOM is now (issue 17, item 21).
//!
//! WebKit's screenshot is the last frame the window presented. Under load that frame can
//! lag the DOM by more than the two animation frames `painted` waits for: the suspended
//! service's detail was in the DOM while the picture still showed the empty pane between
//! the list and the detail. So each screenshot first changes a few pixels: a 3x3 marker
//! in the window's top-left corner gets a colour it has not had before. A picture whose
//! marker has that colour was presented after the change, and so after every change the
//! test made before it; an older one is taken again. The marker's middle pixel is read:
//! the window's very corner, as the X server has it, is not exactly the page's colour.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::driver::wait_until;
use super::webdriver::WebDriver;

/// How long the window may lag before the screenshot is a failure.
const PATIENCE: Duration = Duration::from_secs(20);

/// A colour no screenshot marker had before in this test binary (the window's own
/// top-left corner is the sidebar's green or the login screen's pale background).
fn next_marker() -> [u8; 3] {
    static SEQ: AtomicU32 = AtomicU32::new(1);
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    [255, (n % 256) as u8, ((n / 256) % 256) as u8]
}

/// The RGB of the pixel at (`x`, `y`) of a PNG.
pub fn pixel_at(png: &[u8], x: usize, y: usize) -> Result<[u8; 3], String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| format!("PNG: {e}"))?;
    let (color, _) = reader.output_color_type();
    for _ in 0..y {
        reader.next_row().map_err(|e| format!("PNG: {e}"))?;
    }
    let row = reader
        .next_row()
        .map_err(|e| format!("PNG: {e}"))?
        .ok_or("PNG without the row")?;
    let data = row.data();
    let channels = match color {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        other => return Err(format!("PNG colour type {other:?} not expected")),
    };
    let at = x * channels;
    match data.get(at..at + channels.min(3)) {
        Some([r, g, b]) => Ok([*r, *g, *b]),
        Some([grey, ..]) => Ok([*grey; 3]),
        _ => Err("PNG narrower than the pixel".into()),
    }
}

/// A PNG of the window presented after everything the DOM holds now; `picture` takes one.
pub fn current_screenshot(
    d: &WebDriver,
    picture: impl Fn() -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, String> {
    let [r, g, b] = next_marker();
    d.execute(&format!(
        "let m = document.getElementById('e2e-frame-marker');
         if (!m) {{
           m = document.createElement('div');
           m.id = 'e2e-frame-marker';
           m.setAttribute('aria-hidden', 'true');
           m.style.cssText = 'position:fixed;left:0;top:0;width:3px;height:3px;z-index:2147483647;pointer-events:none';
           document.documentElement.appendChild(m);
         }}
         m.style.background = 'rgb({r},{g},{b})';
         return true"
    ))?;
    wait_until(PATIENCE, "the window to present the current page", || {
        d.painted()?;
        let png = picture()?;
        Ok((pixel_at(&png, 1, 1)? == [r, g, b]).then_some(png))
    })
}
