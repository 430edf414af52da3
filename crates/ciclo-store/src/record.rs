//! Records as plain JavaScript objects: what `serde-wasm-bindgen` writes and reads back.
//!
//! Writing uses the JSON-compatible serializer, so maps become plain objects (not `Map`s), missing values
//! `null`, and the records read well in the browser's developer tools.

use ciclo_core::tracking::StoreError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdbObjectStore;

use crate::error::{backend, plain};

/// Issues a `put` of `value` as a plain JavaScript object; its outcome is the transaction's.
pub(crate) fn put(store: &IdbObjectStore, value: &impl Serialize, context: &str) -> Result<(), StoreError> {
    let value = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|error| plain(context, &format!("a record could not be converted ({error})")))?;
    store.put(&value).map_err(|error| backend(context, &error))?;
    Ok(())
}

/// Reads an array of records as `T`s; `what` names one record in messages.
pub(crate) fn decode_all<T: DeserializeOwned>(
    records: JsValue,
    what: &str,
    context: &str,
) -> Result<Vec<T>, StoreError> {
    let records = records
        .dyn_into::<js_sys::Array>()
        .map_err(|_| plain(context, &format!("reading the stored {what}s did not give a list")))?;
    records.iter().map(|record| decode(record, what, context)).collect()
}

/// Reads one record as a `T`; `what` names it in messages, with its key when it has one.
pub(crate) fn decode<T: DeserializeOwned>(
    record: JsValue,
    what: &str,
    context: &str,
) -> Result<T, StoreError> {
    let key = ["run_id", "experiment_id", "key"]
        .iter()
        .find_map(|field| js_sys::Reflect::get(&record, &JsValue::from_str(field)).ok()?.as_string());
    serde_wasm_bindgen::from_value(record).map_err(|error| {
        let which = key.map(|key| format!(" `{key}`")).unwrap_or_default();
        plain(context, &format!("the stored {what}{which} cannot be read ({error})"))
    })
}
