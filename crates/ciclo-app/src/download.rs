//! Files the page hands to the person: a text made into a `Blob` and downloaded through a temporary
//! link, and an uploaded file read as text.

use wasm_bindgen::JsCast;

/// Offers `text` for download as `filename` of type `mime`.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link = document
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "not a link".to_string())?;
    link.set_href(&url);
    link.set_download(filename);
    link.click();
    // The URL must outlive the click's navigation: let it go a minute later.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Ok(())
}

/// The text of the first file chosen in the `<input type="file">` of `event`, with its name.
pub async fn read_chosen_file(event: &web_sys::Event) -> Result<Option<(String, String)>, String> {
    let Some(input) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
        return Ok(None);
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else { return Ok(None) };
    let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.map_err(|e| format!("{e:?}"))?;
    Ok(Some((file.name(), text.as_string().unwrap_or_default())))
}
