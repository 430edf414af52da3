//! Fresh run ids for the page, from the browser's `crypto.getRandomValues` (ids only: every random draw
//! of the models comes from a seed), and a pause that yields to the browser.

use ciclo_core::tracking;

/// 16 random bytes; falls back to the clock and `Math.random` if the browser refuses, so ids still differ.
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    if getrandom::getrandom(&mut bytes).is_err() {
        let now = js_sys::Date::now().to_bits().to_le_bytes();
        let noise = js_sys::Math::random().to_bits().to_le_bytes();
        for (slot, byte) in bytes.iter_mut().zip(now.into_iter().chain(noise)) {
            *slot = byte;
        }
    }
    bytes
}

/// A new 32-hex-digit run id, like MLflow's.
pub fn new_run_id() -> String {
    tracking::run_id_from_bytes(random_bytes())
}

/// Yields to the browser for one timer turn, so that a long job done in slices lets the page paint and
/// answer input between them.
pub async fn pause() {
    sleep_ms(0).await;
}

/// Waits `ms` milliseconds on the page's timer.
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
