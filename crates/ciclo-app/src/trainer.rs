//! The page's side of the training worker: start it, send a job, hear its progress, cancel it.
//!
//! Cancel terminates the worker outright (`Worker.terminate()`), so a long fit stops at once; the next job
//! starts a fresh worker. See `worker.rs` for why this is not `gloo-worker`.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions};

use crate::protocol::{FromWorker, ToWorker};

/// The worker's loader, which Trunk writes next to the page (`data-loader-shim`): it imports `worker.js`
/// and starts its wasm. Relative, so the page works from any sub-path.
const WORKER_SCRIPT: &str = "./worker_loader.js";

/// A running worker. Dropping it terminates the worker.
pub struct TrainerHandle {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl TrainerHandle {
    /// Starts a worker, sends `request` once it is ready, and calls `on_event` with every answer (and with
    /// a `Failed` answer if the worker script cannot load or dies).
    pub fn start(
        request: ToWorker,
        on_event: impl Fn(FromWorker) + 'static,
    ) -> Result<TrainerHandle, String> {
        let options = WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Classic);
        let worker =
            Worker::new_with_options(WORKER_SCRIPT, &options).map_err(|error| format!("{error:?}"))?;
        let on_event = Rc::new(on_event);
        let pending = Rc::new(RefCell::new(Some(request)));
        let job = match &*pending.borrow() {
            Some(ToWorker::Train { job, .. }) => *job,
            None => 0,
        };

        let sender = worker.clone();
        let events = on_event.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let text = event.data().as_string().unwrap_or_default();
            let answer = match serde_json::from_str::<FromWorker>(&text) {
                Ok(answer) => answer,
                Err(error) => FromWorker::BadMessage { error: error.to_string() },
            };
            if matches!(answer, FromWorker::Ready) {
                if let Some(request) = pending.borrow_mut().take() {
                    let sent = serde_json::to_string(&request).map_err(|e| e.to_string()).and_then(|text| {
                        sender.post_message(&JsValue::from_str(&text)).map_err(|e| format!("{e:?}"))
                    });
                    if let Err(error) = sent {
                        events(FromWorker::Failed { job, error });
                    }
                }
                return;
            }
            events(answer);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));

        let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            on_event(FromWorker::Failed { job, error: event.message() });
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

        Ok(TrainerHandle { worker, _on_message: on_message, _on_error: on_error })
    }
}

impl Drop for TrainerHandle {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
