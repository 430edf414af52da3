//! The few IndexedDB event shapes we wait on, as futures, plus the global `indexedDB` factory.
//!
//! Each future is built by a plain (not `async`) function so that its listeners are attached at once: a
//! request issued now may succeed before the caller first polls. The listeners are the `resolve` and
//! `reject` functions of a JavaScript promise, so no Rust closure outlives its future.
//!
//! A transaction stays active while the microtasks that follow one of its request events run, and
//! `wasm-bindgen-futures` resumes Rust futures in microtasks: that is what lets `async` code issue the next
//! request of a transaction after awaiting the previous one.

use std::future::Future;

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbFactory, IdbOpenDbRequest, IdbRequest, IdbTransaction};

use crate::error::NOT_AVAILABLE;

/// The global `indexedDB` of a window or a worker, or why there is none.
pub(crate) fn factory() -> Result<IdbFactory, String> {
    // Reading the property throws a SecurityError in some sandboxed or opaque-origin contexts.
    let value = Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
        .map_err(|_| NOT_AVAILABLE.to_string())?;
    if value.is_undefined() || value.is_null() {
        return Err(NOT_AVAILABLE.to_string());
    }
    value.dyn_into::<IdbFactory>().map_err(|_| NOT_AVAILABLE.to_string())
}

/// A JavaScript array of store names, as `IDBDatabase.transaction` takes them.
pub(crate) fn store_names(names: &[&str]) -> Array {
    names.iter().map(|name| JsValue::from_str(name)).collect()
}

/// Resolves to the request's `result`, or to its `error` (a `DOMException`).
pub(crate) fn request(request: &IdbRequest) -> impl Future<Output = Result<JsValue, JsValue>> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let settled = JsFuture::from(promise);
    let request = request.clone();
    async move {
        let outcome = settled.await;
        request.set_onsuccess(None);
        request.set_onerror(None);
        match outcome {
            Ok(_) => request.result(),
            Err(_) => Err(request_error(&request)),
        }
    }
}

/// How long an open or delete request may stay blocked before we give up on it. A request is also reported
/// blocked, briefly, while a connection that was asked to close finishes its last transaction.
const BLOCKED_GRACE_MS: i32 = 3000;

/// How an open or delete request ended.
pub(crate) enum Opened {
    /// It succeeded; the value is the request's `result` (the `IDBDatabase` of an open).
    Success(JsValue),
    /// Other connections did not close when asked, and still had not a while later. The request goes on
    /// waiting for them.
    Blocked,
    /// It failed with this error (a `DOMException`).
    Failed(JsValue),
}

/// Resolves when an open or delete request succeeds or fails, or when it has been blocked by other
/// connections for [`BLOCKED_GRACE_MS`].
pub(crate) fn open_request(request: &IdbOpenDbRequest) -> impl Future<Output = Opened> {
    let done = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let blocked = Promise::new(&mut |resolve, _| request.set_onblocked(Some(&resolve)));
    let first = JsFuture::from(Promise::race(&Array::of2(&done, &blocked)));
    let request = request.clone();
    async move {
        // Both promises resolve with their event; on a timeout the race resolves with `undefined`.
        let mut outcome = first.await;
        if matches!(&outcome, Ok(event) if event_type(event) == "blocked") {
            outcome = JsFuture::from(Promise::race(&Array::of2(&done, &sleep(BLOCKED_GRACE_MS)))).await;
        }
        request.set_onsuccess(None);
        request.set_onerror(None);
        request.set_onblocked(None);
        match outcome {
            Ok(event) if event_type(&event) == "success" => match request.result() {
                Ok(result) => Opened::Success(result),
                Err(error) => Opened::Failed(error),
            },
            Ok(_) => Opened::Blocked,
            Err(_) => Opened::Failed(request_error(&request)),
        }
    }
}

/// A promise resolved after `ms` milliseconds, with the `setTimeout` of a window or a worker. Never
/// resolves where there is no `setTimeout`.
fn sleep(ms: i32) -> Promise {
    Promise::new(&mut |resolve, _| {
        let set_timeout = Reflect::get(&js_sys::global(), &JsValue::from_str("setTimeout"))
            .ok()
            .and_then(|function| function.dyn_into::<js_sys::Function>().ok());
        if let Some(set_timeout) = set_timeout {
            let _ = set_timeout.call2(&JsValue::UNDEFINED, &resolve, &JsValue::from(ms));
        }
    })
}

/// Resolves when the transaction commits, or to the reason it was aborted.
pub(crate) fn transaction(transaction: &IdbTransaction) -> impl Future<Output = Result<(), JsValue>> {
    let promise = Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onabort(Some(&reject));
    });
    let settled = JsFuture::from(promise);
    let transaction = transaction.clone();
    async move {
        let outcome = settled.await;
        transaction.set_oncomplete(None);
        transaction.set_onabort(None);
        match outcome {
            Ok(_) => Ok(()),
            // `error` is null when the transaction was aborted on purpose.
            Err(_) => Err(transaction
                .error()
                .map(JsValue::from)
                .unwrap_or_else(|| JsValue::from_str("the transaction was aborted"))),
        }
    }
}

fn request_error(request: &IdbRequest) -> JsValue {
    match request.error() {
        Ok(Some(exception)) => exception.into(),
        Ok(None) => JsValue::from_str("the request failed without saying why"),
        Err(error) => error,
    }
}

fn event_type(event: &JsValue) -> String {
    event.dyn_ref::<web_sys::Event>().map(web_sys::Event::type_).unwrap_or_default()
}
