//! Turning what the browser throws into [`StoreError::Backend`] messages a person can act on.
//!
//! IndexedDB reports failures as `DOMException`s whose `name` says what went wrong; [`describe`] maps the
//! names that matter to sentences and is pure, so it is tested natively.

use ciclo_core::tracking::StoreError;
use wasm_bindgen::{JsCast, JsValue};

/// What to say when the global `indexedDB` is missing or may not be touched.
pub(crate) const NOT_AVAILABLE: &str =
    "IndexedDB is not available (private browsing or blocked by the browser)";

/// A failure while doing `context` (such as "cannot save to the tracking database `ciclo`"), from the value
/// the browser threw or rejected with.
pub(crate) fn backend(context: &str, error: &JsValue) -> StoreError {
    let (name, message) = name_and_message(error);
    StoreError::Backend(describe(context, &name, &message))
}

/// A failure to open or delete a database. There an `InvalidStateError` means that the browser refuses
/// IndexedDB altogether (Firefox in private browsing did), not that a connection was closed.
pub(crate) fn backend_opening(context: &str, error: &JsValue) -> StoreError {
    match name_and_message(error) {
        (name, message) if name == "InvalidStateError" => {
            StoreError::Backend(describe(context, "SecurityError", &message))
        }
        (name, message) => StoreError::Backend(describe(context, &name, &message)),
    }
}

/// A failure while doing `context`, described in our own words.
pub(crate) fn plain(context: &str, why: &str) -> StoreError {
    StoreError::Backend(format!("{context}: {why}"))
}

/// The sentence for a `DOMException` (or `Error`) called `name` with the browser's `message`.
pub(crate) fn describe(context: &str, name: &str, message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let detail = if message.is_empty() { String::new() } else { format!(" ({message})") };
    match name {
        "QuotaExceededError" => format!(
            "{context}: the browser's storage quota is full: delete old runs or free disk space, then try \
             again{detail}"
        ),
        "VersionError" => format!(
            "{context}: it was written by a newer version of Ciclo: reload the page to get that version{detail}"
        ),
        "InvalidStateError" => format!(
            "{context}: the connection is closed, probably because another tab upgraded or deleted the \
             database: reload the page{detail}"
        ),
        "SecurityError" | "NotAllowedError" => format!("{context}: {NOT_AVAILABLE}{detail}"),
        "UnknownError" => format!(
            "{context}: the browser's database failed, often because the disk is full or the browser profile \
             is damaged{detail}"
        ),
        "AbortError" => format!("{context}: the transaction was aborted{detail}"),
        "DataCloneError" | "DataError" => format!("{context}: a record could not be stored ({})", joined(name, message)),
        _ => match joined(name, message).as_str() {
            "" => context.to_string(),
            why => format!("{context}: {why}"),
        },
    }
}

/// `name: message`, or whichever of them is not empty.
fn joined(name: &str, message: &str) -> String {
    match (name.is_empty(), message.is_empty()) {
        (false, false) => format!("{name}: {message}"),
        (false, true) => name.to_string(),
        (true, _) => message.to_string(),
    }
}

/// The `name` and `message` of a `DOMException` or JavaScript `Error`, or the text of anything else thrown.
fn name_and_message(error: &JsValue) -> (String, String) {
    if let Some(exception) = error.dyn_ref::<web_sys::DomException>() {
        return (exception.name(), exception.message());
    }
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return (String::from(error.name()), String::from(error.message()));
    }
    match error.as_string() {
        Some(text) => (String::new(), text),
        None => (String::new(), format!("{error:?}")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    fn check(name: &str, message: &str, expected: &str) {
        assert_eq!(describe("cannot save to the tracking database `t`", name, message), expected);
    }

    #[test]
    fn names_become_sentences() {
        check(
            "QuotaExceededError",
            "The quota has been exceeded.",
            "cannot save to the tracking database `t`: the browser's storage quota is full: delete old runs or \
             free disk space, then try again (The quota has been exceeded)",
        );
        check(
            "SecurityError",
            "",
            "cannot save to the tracking database `t`: IndexedDB is not available (private browsing or blocked \
             by the browser)",
        );
        check(
            "DataCloneError",
            "could not be cloned.",
            "cannot save to the tracking database `t`: a record could not be stored (DataCloneError: could not \
             be cloned)",
        );
        check("NotFoundError", "gone", "cannot save to the tracking database `t`: NotFoundError: gone");
        check("", "something", "cannot save to the tracking database `t`: something");
        check("", "", "cannot save to the tracking database `t`");
    }
}
