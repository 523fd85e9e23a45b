//! Small steps on the page a user takes, over the WebDriver client: click a control
//! scrolled into view, replace what a field holds, read text and attributes, wait until
//! the DOM has been painted.

use std::time::Duration;

use serde_json::Value;

use super::driver::{wait_until, AppUnderTest};
use super::webdriver::WebDriver;

/// Lays the page out and waits two animation frames, so a screenshot shows what the DOM
/// already holds (WebKitGTK may otherwise leave a just-filled textarea unpainted).
pub fn painted(d: &WebDriver) {
    d.execute("document.body.getBoundingClientRect(); return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
        .expect("a frame");
}

/// A screenshot of what the DOM holds now, named `label`.
pub fn shot(app: &AppUnderTest, label: &str) {
    painted(app.driver());
    app.screenshot(label).expect("screenshot");
}

/// The element's text with whitespace collapsed, or "" when there is none.
pub fn text_of(d: &WebDriver, css: &str) -> String {
    d.execute(&format!(
        "const el = document.querySelector({css:?}); return el ? el.textContent.replace(/\\s+/g, ' ').trim() : null"
    ))
    .expect("script")
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// One attribute of every element `css` matches, in document order.
pub fn attributes(d: &WebDriver, css: &str, attribute: &str) -> Vec<String> {
    let value = d
        .execute(&format!(
            "return [...document.querySelectorAll({css:?})].map(e => e.getAttribute({attribute:?}) ?? '')"
        ))
        .expect("script");
    serde_json::from_value(value).unwrap_or_default()
}

/// Scrolls a control into view, then clicks it.
pub fn click(d: &WebDriver, css: &str) {
    d.execute(&format!(
        "document.querySelector({css:?}).scrollIntoView({{block: 'center'}}); return true"
    ))
    .unwrap_or_else(|e| panic!("no {css} to scroll to: {e}"));
    painted(d);
    let element = d.find(css).unwrap_or_else(|e| panic!("{e}"));
    d.click(&element)
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Empties a field and types `text` into it, key by key.
pub fn replace_text(d: &WebDriver, css: &str, text: &str) {
    let element = d.find(css).unwrap_or_else(|e| panic!("{e}"));
    d.clear(&element)
        .unwrap_or_else(|e| panic!("clear {css}: {e}"));
    d.send_keys(&element, text)
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// Waits until `css` matches an element.
pub fn wait_for(d: &WebDriver, limit: Duration, css: &str) {
    wait_until(limit, css, || {
        Ok(d.find_all(css)
            .map(|found| !found.is_empty())
            .unwrap_or(false)
            .then_some(()))
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Scrolls the content pane to the top (only it scrolls, never the window).
pub fn scroll_to_top(d: &WebDriver) {
    d.execute("const pane = document.querySelector('main.content'); if (pane) pane.scrollTop = 0; return true")
        .expect("script");
    painted(d);
}

/// Scrolls the content pane so that `css` is at its top, as a user scrolls to read it.
pub fn scroll_to(d: &WebDriver, css: &str) {
    d.execute(&format!(
        "document.querySelector({css:?}).scrollIntoView({{block: 'start'}}); return true"
    ))
    .unwrap_or_else(|e| panic!("no {css} to scroll to: {e}"));
    painted(d);
}

/// Calls one of the window's commands as its UI would and returns the error it answered
/// with (`Ok` with the answer when it succeeded).
pub fn invoke(d: &WebDriver, command: &str, args: &Value) -> Result<Value, Value> {
    let answer = d
        .execute(&format!(
            "return window.__TAURI_INTERNALS__.invoke({command:?}, {args})
               .then(ok => ({{ ok }}), err => ({{ err }}))"
        ))
        .expect("script");
    match answer.get("err") {
        Some(err) => Err(err.clone()),
        None => Ok(answer["ok"].clone()),
    }
}
