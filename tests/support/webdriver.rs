//! A minimal W3C WebDriver client: just what the end-to-end tests use, over reqwest.

use std::time::Duration;

use serde_json::{json, Value};

/// The key under which WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct WebDriver {
    http: reqwest::blocking::Client,
    session_url: String,
}

#[derive(Clone, Debug)]
pub struct Element(String);

impl WebDriver {
    /// Opens a session on `driver_url` with the given capabilities.
    pub fn new_session(driver_url: &str, capabilities: Value) -> Result<WebDriver, String> {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| e.to_string())?;
        let body = json!({ "capabilities": { "alwaysMatch": capabilities } });
        let answer = send(http.post(format!("{driver_url}/session")).json(&body))?;
        let id = answer["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {answer}"))?;
        Ok(WebDriver {
            http,
            session_url: format!("{driver_url}/session/{id}"),
        })
    }

    /// Find commands wait up to this long for an element to appear.
    pub fn set_implicit_wait(&self, wait: Duration) -> Result<(), String> {
        self.post("timeouts", json!({ "implicit": wait.as_millis() as u64 }))
            .map(|_| ())
    }

    pub fn find(&self, css: &str) -> Result<Element, String> {
        let value = self.post("element", json!({ "using": "css selector", "value": css }))?;
        element_of(&value).ok_or_else(|| format!("no element for {css}: {value}"))
    }

    pub fn find_all(&self, css: &str) -> Result<Vec<Element>, String> {
        let value = self.post("elements", json!({ "using": "css selector", "value": css }))?;
        Ok(value
            .as_array()
            .map(|items| items.iter().filter_map(element_of).collect())
            .unwrap_or_default())
    }

    /// The element that has the keyboard focus.
    pub fn active(&self) -> Result<Element, String> {
        let value = self.get("element/active")?;
        element_of(&value).ok_or_else(|| format!("no focused element: {value}"))
    }

    pub fn click(&self, element: &Element) -> Result<(), String> {
        self.post(&format!("element/{}/click", element.0), json!({}))
            .map(|_| ())
    }

    /// Types `text` into an element; for a file input, `text` is the path of the file.
    pub fn send_keys(&self, element: &Element, text: &str) -> Result<(), String> {
        self.post(
            &format!("element/{}/value", element.0),
            json!({ "text": text }),
        )
        .map(|_| ())
    }

    /// Empties an input, as selecting its text and deleting it would.
    pub fn clear(&self, element: &Element) -> Result<(), String> {
        self.post(&format!("element/{}/clear", element.0), json!({}))
            .map(|_| ())
    }

    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>, String> {
        let value = self.get(&format!("element/{}/attribute/{name}", element.0))?;
        Ok(value.as_str().map(str::to_owned))
    }

    pub fn text(&self, element: &Element) -> Result<String, String> {
        let value = self.get(&format!("element/{}/text", element.0))?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Runs a script in the page and returns its result.
    pub fn execute(&self, script: &str) -> Result<Value, String> {
        self.post("execute/sync", json!({ "script": script, "args": [] }))
    }

    /// Resizes the window to `width` x `height` (the page's viewport, as the app has no
    /// window decorations under Xvfb). Call it once the window is shown (`painted`
    /// returned): resizing the app's still hidden window stalls WebKit's rendering.
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<(), String> {
        self.post("window/rect", json!({ "width": width, "height": height }))
            .map(|_| ())
    }

    /// Waits until the page has rendered and presented its current state: two animation
    /// frames. WebKit's screenshot returns the last presented frame, which can be older
    /// than the DOM a test just read.
    pub fn painted(&self) -> Result<(), String> {
        self.execute(
            "return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))",
        )
        .map(|_| ())
    }

    pub fn close(self) -> Result<(), String> {
        send(self.http.delete(&self.session_url)).map(|_| ())
    }

    fn get(&self, path: &str) -> Result<Value, String> {
        send(self.http.get(format!("{}/{path}", self.session_url)))
    }

    fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        send(
            self.http
                .post(format!("{}/{path}", self.session_url))
                .json(&body),
        )
    }
}

fn element_of(value: &Value) -> Option<Element> {
    value[ELEMENT_KEY].as_str().map(|id| Element(id.to_owned()))
}

/// Sends a request and unwraps WebDriver's `{"value": ...}` envelope.
fn send(request: reqwest::blocking::RequestBuilder) -> Result<Value, String> {
    let response = request.send().map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(body["value"].clone())
    } else {
        Err(format!("WebDriver answered {status}: {}", body["value"]))
    }
}
