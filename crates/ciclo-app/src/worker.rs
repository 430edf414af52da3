//! The training Web Worker's side: listens for [`ToWorker`] messages and answers with [`FromWorker`]s.
//!
//! Written against `web-sys` directly rather than `gloo-worker`: a gloo worker can only be asked to stop
//! between messages, while a long fit must be cancellable at once, which only `Worker.terminate()` from
//! the page does. The page side is `trainer.rs`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::protocol::{self, FromWorker};

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    match serde_json::to_string(message) {
        Ok(text) => {
            if let Err(error) = scope.post_message(&JsValue::from_str(&text)) {
                log::error!("worker could not post a message: {error:?}");
            }
        }
        Err(error) => log::error!("worker could not encode a message: {error}"),
    }
}

/// Starts listening; called by the worker binary's `main`.
pub fn run() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        log::error!("the worker binary was started outside a dedicated worker");
        return;
    };
    let reply_scope = scope.clone();
    let mut state = protocol::WorkerState::default();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        let now = || reply_scope.performance().map(|p| p.now()).unwrap_or_else(js_sys::Date::now);
        state.handle(&text, &now, &mut |answer| post(&reply_scope, &answer));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its handler: leaking the closure is how it stays registered.
    on_message.forget();
    post(&scope, &FromWorker::Ready);
}
