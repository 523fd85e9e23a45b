//! A screenshot that provably shows the page as its DOM is now (issue 17, item 21).
//!
//! WebKit's screenshot is the last frame the window presented. Under load that frame can
//! lag the DOM by more than the two animation frames `painted` waits for: the suspended
//! service's detail was in the DOM while the picture still showed the empty pane between
//! the list and the detail. So each screenshot first changes one pixel: a 1x1 marker in
//! the window's top-left corner gets a colour it has not had before. A picture whose
//! corner has that colour was presented after the change, and so after every change the
//! test made before it; an older one is taken again.

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

/// The RGB of the top-left pixel of a PNG.
pub fn corner_pixel(png: &[u8]) -> Result<[u8; 3], String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| format!("PNG: {e}"))?;
    let (color, _) = reader.output_color_type();
    let row = reader
        .next_row()
        .map_err(|e| format!("PNG: {e}"))?
        .ok_or("PNG without rows")?;
    let data = row.data();
    match color {
        png::ColorType::Rgb | png::ColorType::Rgba if data.len() >= 3 => {
            Ok([data[0], data[1], data[2]])
        }
        png::ColorType::Grayscale | png::ColorType::GrayscaleAlpha if !data.is_empty() => {
            Ok([data[0]; 3])
        }
        other => Err(format!("PNG colour type {other:?} not expected")),
    }
}

/// A PNG of the window presented after everything the DOM holds now.
pub fn current_screenshot(d: &WebDriver) -> Result<Vec<u8>, String> {
    let [r, g, b] = next_marker();
    d.execute(&format!(
        "let m = document.getElementById('e2e-frame-marker');
         if (!m) {{
           m = document.createElement('div');
           m.id = 'e2e-frame-marker';
           m.setAttribute('aria-hidden', 'true');
           m.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;z-index:2147483647;pointer-events:none';
           document.documentElement.appendChild(m);
         }}
         m.style.background = 'rgb({r},{g},{b})';
         return true"
    ))?;
    wait_until(PATIENCE, "the window to present the current page", || {
        d.painted()?;
        let png = d.screenshot()?;
        Ok((corner_pixel(&png)? == [r, g, b]).then_some(png))
    })
}
