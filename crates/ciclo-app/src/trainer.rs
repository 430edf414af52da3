//! The page's side of a Web Worker: start it, send it jobs, hear its answers, stop it.
//!
//! Cancel terminates the worker outright (`Worker.terminate()`), so a long fit stops at once; the next job
//! starts a fresh worker. See `worker.rs` for why this is not `gloo-worker`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions};

use crate::protocol::{FromWorker, ToWorker};

/// The worker's loader, which Trunk writes next to the page (`data-loader-shim`): it imports `worker.js`
/// and starts its wasm. Relative, so the page works from any sub-path.
const WORKER_SCRIPT: &str = "./worker_loader.js";

/// What the page keeps of a worker: messages wait here until the worker says it is ready (a message
/// posted before its wasm has started listening would be lost).
struct Channel {
    worker: Worker,
    ready: Cell<bool>,
    pending: RefCell<Vec<ToWorker>>,
}

impl Channel {
    fn post(&self, request: &ToWorker) -> Result<(), String> {
        let text = serde_json::to_string(request).map_err(|e| e.to_string())?;
        self.worker.post_message(&JsValue::from_str(&text)).map_err(|e| format!("{e:?}"))
    }
}

/// A running worker. Dropping it terminates the worker.
pub struct TrainerHandle {
    channel: Rc<Channel>,
    on_event: Rc<dyn Fn(FromWorker)>,
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
        let job = request.job();
        let handle = TrainerHandle::spawn(job, on_event)?;
        handle.send(request);
        Ok(handle)
    }

    /// Starts a worker with nothing to do yet; `job` names the work in a `Failed` answer if the worker
    /// dies. Send it work with [`TrainerHandle::send`].
    pub fn spawn(job: u32, on_event: impl Fn(FromWorker) + 'static) -> Result<TrainerHandle, String> {
        let options = WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Classic);
        let worker =
            Worker::new_with_options(WORKER_SCRIPT, &options).map_err(|error| format!("{error:?}"))?;
        let channel = Rc::new(Channel { worker, ready: Cell::new(false), pending: RefCell::new(Vec::new()) });
        let on_event: Rc<dyn Fn(FromWorker)> = Rc::new(on_event);

        let events = on_event.clone();
        let ready_channel = channel.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let text = event.data().as_string().unwrap_or_default();
            let answer = match serde_json::from_str::<FromWorker>(&text) {
                Ok(answer) => answer,
                Err(error) => FromWorker::BadMessage { error: error.to_string() },
            };
            if matches!(answer, FromWorker::Ready) {
                ready_channel.ready.set(true);
                let pending = std::mem::take(&mut *ready_channel.pending.borrow_mut());
                for request in pending {
                    if let Err(error) = ready_channel.post(&request) {
                        events(FromWorker::Failed { job: request.job(), error });
                    }
                }
            }
            events(answer);
        });
        channel.worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));

        let error_events = on_event.clone();
        let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            error_events(FromWorker::Failed { job, error: event.message() });
        });
        channel.worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

        Ok(TrainerHandle { channel, on_event, _on_message: on_message, _on_error: on_error })
    }

    /// Sends `request` now, or as soon as the worker is ready. A message that cannot be posted is answered
    /// with `Failed`.
    pub fn send(&self, request: ToWorker) {
        if !self.channel.ready.get() {
            self.channel.pending.borrow_mut().push(request);
            return;
        }
        if let Err(error) = self.channel.post(&request) {
            (self.on_event)(FromWorker::Failed { job: request.job(), error });
        }
    }
}

/// Runs `request` in a fresh worker and waits for its answer: the first that is neither `Ready` nor
/// progress. The worker is terminated once it has answered. For short jobs that need no cancel button
/// (a gate's hold-out); long ones keep their [`TrainerHandle`] to terminate it.
pub async fn ask(request: ToWorker) -> Result<FromWorker, String> {
    let answer: Rc<RefCell<Option<FromWorker>>> = Rc::new(RefCell::new(None));
    let resolver: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
    let slot = resolver.clone();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| *slot.borrow_mut() = Some(resolve));
    let (store, wake) = (answer.clone(), resolver.clone());
    let handle = TrainerHandle::start(request, move |event| {
        if matches!(event, FromWorker::Ready | FromWorker::Progress { .. } | FromWorker::ScoreProgress { .. })
        {
            return;
        }
        if store.borrow().is_some() {
            return;
        }
        *store.borrow_mut() = Some(event);
        if let Some(resolve) = wake.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    })?;
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    drop(handle);
    let answer = answer.borrow_mut().take();
    answer.ok_or_else(|| "the worker stopped without answering".to_string())
}

impl Drop for TrainerHandle {
    fn drop(&mut self) {
        self.channel.worker.set_onmessage(None);
        self.channel.worker.set_onerror(None);
        self.channel.worker.terminate();
    }
}
