//! HTTP from the page: the transport of the MLflow push, over `fetch`.
//!
//! The core's `exchange::push::Push` decides every request; this module only sends one and hands back the
//! status and body. A `fetch` that fails gives no reason (the browser hides it on purpose), so a failure
//! is probed once more with a `no-cors` request to the server's `/health`: if that one is answered, the
//! server is up and refused the page's origin (CORS), which the page explains with the command that
//! allows it; if not, the server is unreachable.

use ciclo_core::exchange::push::{Request, Response};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a request got no HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// The address is not an `http://` or `https://` URL.
    BadUrl(String),
    /// Nothing answered at the address.
    Unreachable {
        /// The server's address.
        url: String,
    },
    /// The server answered, but not to this page's origin: it must be started allowing it.
    CorsRefused {
        /// The server's address.
        url: String,
        /// This page's origin, as `--cors-allowed-origins` wants it.
        origin: String,
    },
    /// The browser refused to send, with its words.
    Browser(String),
}

/// The server's base address from what the person typed: trimmed, scheme checked, no trailing slash.
pub fn base_url(typed: &str) -> Result<String, HttpError> {
    let typed = typed.trim().trim_end_matches('/');
    let scheme_ok = typed.starts_with("http://") || typed.starts_with("https://");
    let host = typed.split_once("://").map_or("", |(_, rest)| rest);
    if !scheme_ok || host.is_empty() || host.contains(char::is_whitespace) {
        return Err(HttpError::BadUrl(typed.chars().take(80).collect()));
    }
    Ok(typed.to_string())
}

/// This page's origin (`http://127.0.0.1:8080`), what the server must allow.
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Sends `request` to the server at `base` and reads the whole answer.
pub async fn send(base: &str, request: &Request) -> Result<Response, HttpError> {
    let url = format!("{base}{}", request.path);
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_mode(web_sys::RequestMode::Cors);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let headers = web_sys::Headers::new().map_err(browser)?;
    if let Some(content_type) = request.content_type {
        headers.set("Content-Type", content_type).map_err(browser)?;
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| HttpError::Browser("no window".to_string()))?;
    let answer = match JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await {
        Ok(answer) => answer,
        Err(_) => return Err(probe(base).await),
    };
    let response: web_sys::Response = answer.dyn_into().map_err(browser)?;
    let status = response.status();
    let text = JsFuture::from(response.text().map_err(browser)?).await.map_err(browser)?;
    Ok(Response { status, body: text.as_string().unwrap_or_default() })
}

/// Tells an unreachable server from one that refused this origin (see the module's note).
async fn probe(base: &str) -> HttpError {
    let unreachable = HttpError::Unreachable { url: base.to_string() };
    let Some(window) = web_sys::window() else { return unreachable };
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_mode(web_sys::RequestMode::NoCors);
    match JsFuture::from(window.fetch_with_str_and_init(&format!("{base}/health"), &init)).await {
        Ok(_) => HttpError::CorsRefused { url: base.to_string(), origin: page_origin() },
        Err(_) => unreachable,
    }
}

fn browser(error: JsValue) -> HttpError {
    let text = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"));
    HttpError::Browser(text.chars().take(200).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_is_trimmed_and_checked() {
        assert_eq!(base_url(" http://127.0.0.1:5000/ "), Ok("http://127.0.0.1:5000".to_string()));
        assert_eq!(base_url("https://mlflow.example.org"), Ok("https://mlflow.example.org".to_string()));
        assert!(matches!(base_url("127.0.0.1:5000"), Err(HttpError::BadUrl(_))));
        assert!(matches!(base_url("http://"), Err(HttpError::BadUrl(_))));
        assert!(matches!(base_url("http://a b"), Err(HttpError::BadUrl(_))));
        assert!(matches!(base_url("ftp://x"), Err(HttpError::BadUrl(_))));
    }
}
