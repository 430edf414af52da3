//! [`TrackingChannel`]: tells the other tabs (and workers) of this origin which records a batch touched, over
//! a `BroadcastChannel`, so that they reload just those records instead of the whole store.
//!
//! The message is the batch's [`Touched`] as JSON text. A tab that receives one reads the touched records
//! with [`crate::IdbStore::load_touched`] and folds them into its view with
//! [`Snapshot::merge`](ciclo_core::tracking::Snapshot::merge). A channel does not hear its own messages.

use std::fmt;

use ciclo_core::tracking::{StoreError, Touched};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

use crate::error::{backend, plain};

/// A `BroadcastChannel` named after the tracking database.
pub struct TrackingChannel {
    channel: BroadcastChannel,
    _listener: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl fmt::Debug for TrackingChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrackingChannel").field("name", &self.channel.name()).finish_non_exhaustive()
    }
}

impl TrackingChannel {
    /// Opens the channel of the database `db_name` (in a window or a worker).
    pub fn open(db_name: &str) -> Result<TrackingChannel, StoreError> {
        let channel = BroadcastChannel::new(&format!("ciclo-tracking:{db_name}"))
            .map_err(|error| backend("cannot tell other tabs about saved runs", &error))?;
        Ok(TrackingChannel { channel, _listener: None })
    }

    /// Tells the other tabs what a batch touched (nothing is sent for an empty batch).
    pub fn post(&self, touched: &Touched) -> Result<(), StoreError> {
        if touched.is_empty() {
            return Ok(());
        }
        let context = "cannot tell other tabs about saved runs";
        let text = serde_json::to_string(touched).map_err(|error| plain(context, &error.to_string()))?;
        self.channel.post_message(&JsValue::from_str(&text)).map_err(|error| backend(context, &error))
    }

    /// Calls `on_applied` with what each batch applied by another tab touched, replacing any earlier
    /// listener. Messages that are not a [`Touched`] (from another version of Ciclo) are ignored.
    pub fn listen(&mut self, mut on_applied: impl FnMut(Touched) + 'static) {
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(touched) = event.data().as_string().and_then(|text| serde_json::from_str(&text).ok())
            {
                on_applied(touched);
            }
        });
        self.channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        self._listener = Some(listener);
    }
}

impl Drop for TrackingChannel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
