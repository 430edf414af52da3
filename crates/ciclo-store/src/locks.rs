//! Run locks: which RUNNING runs some tab is still training, so that a tab opening the store recovers only
//! the runs a closed tab left behind (`ciclo_core::tracking::recover_unfinished_except`).
//!
//! A tab training a run holds the Web Lock `ciclo-run:<run id>` ([`RunLock::hold`]) until the run ends; the
//! browser releases it when the tab closes or crashes. [`live_runs`] lists the run ids whose locks are held
//! in any tab or worker of this origin. Web Locks are reached through `js_sys::Reflect`, as `web-sys` binds
//! them only behind its unstable-API flag.

use std::collections::BTreeSet;
use std::fmt;

use ciclo_core::tracking::StoreError;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error::{backend, plain};

const PREFIX: &str = "ciclo-run:";
const CONTEXT: &str = "cannot tell which runs other tabs are training";

/// The `navigator.locks` lock manager of a window or a worker.
fn lock_manager() -> Result<JsValue, StoreError> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).map_err(|e| backend(CONTEXT, &e))?;
    let locks = Reflect::get(&navigator, &"locks".into()).map_err(|e| backend(CONTEXT, &e))?;
    if locks.is_undefined() || locks.is_null() {
        return Err(plain(CONTEXT, "this browser has no Web Locks"));
    }
    Ok(locks)
}

fn method(object: &JsValue, name: &str) -> Result<Function, StoreError> {
    Reflect::get(object, &name.into())
        .map_err(|e| backend(CONTEXT, &e))?
        .dyn_into::<Function>()
        .map_err(|_| plain(CONTEXT, &format!("`locks.{name}` is not a function")))
}

/// The lock a tab holds while it trains a run; dropping it releases the lock.
pub struct RunLock {
    run_id: String,
    release: Option<Function>,
}

impl fmt::Debug for RunLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunLock").field("run_id", &self.run_id).finish_non_exhaustive()
    }
}

impl RunLock {
    /// Asks for the lock of `run_id` and holds it until dropped. The lock is granted asynchronously (at
    /// once, as run ids are unique).
    pub fn hold(run_id: &str) -> Result<RunLock, StoreError> {
        let locks = lock_manager()?;
        let mut release = None;
        let held = Promise::new(&mut |resolve, _| release = Some(resolve));
        // The lock is held until the promise the callback returns settles.
        let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue { held.into() });
        let name = JsValue::from_str(&format!("{PREFIX}{run_id}"));
        // `request` returns a promise that settles when the lock is released; nothing waits for it.
        method(&locks, "request")?.call2(&locks, &name, &callback).map_err(|e| backend(CONTEXT, &e))?;
        Ok(RunLock { run_id: run_id.to_string(), release })
    }

    /// The run it locks.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

/// The ids of the runs whose locks are held now, in this tab or any other of this origin.
pub async fn live_runs() -> Result<BTreeSet<String>, StoreError> {
    let locks = lock_manager()?;
    let query = method(&locks, "query")?.call0(&locks).map_err(|e| backend(CONTEXT, &e))?;
    let state = JsFuture::from(Promise::resolve(&query)).await.map_err(|e| backend(CONTEXT, &e))?;
    let held = Reflect::get(&state, &"held".into()).map_err(|e| backend(CONTEXT, &e))?;
    let held = held.dyn_into::<js_sys::Array>().map_err(|_| plain(CONTEXT, "`held` is not a list"))?;
    Ok(held
        .iter()
        .filter_map(|lock| Reflect::get(&lock, &"name".into()).ok()?.as_string())
        .filter_map(|name| name.strip_prefix(PREFIX).map(str::to_string))
        .collect())
}
