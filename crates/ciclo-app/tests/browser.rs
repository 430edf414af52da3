//! The page's components and the core, in headless Chromium (`cargo xtask test` runs these through
//! `wasm-bindgen-test-runner`).
#![cfg(target_arch = "wasm32")]
// A test reports failure by panicking; wasm_bindgen_test functions are not `#[test]`s to clippy.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use ciclo_app::i18n::Lang;
use gloo_storage::Storage;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Waits `ms` milliseconds, letting Leptos run its effects and IndexedDB answer.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Polls `check` every 20 ms for up to `ms` milliseconds.
async fn wait_for(ms: i32, check: impl Fn() -> bool) -> bool {
    for _ in 0..(ms / 20) {
        if check() {
            return true;
        }
        sleep(20).await;
    }
    check()
}

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

fn text_of(selector: &str) -> String {
    document().query_selector(selector).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default()
}

#[wasm_bindgen_test]
fn the_generator_gives_the_native_digest_in_the_browser() {
    // The same value is pinned in ciclo-core's native tests (telco::tests): one generator on every target.
    assert_eq!(ciclo_core::telco::generate(100, 42).digest(), "64a8026cd2086122");
}

#[wasm_bindgen_test]
fn every_family_gives_the_native_metrics_in_the_browser() {
    // Pinned natively in protocol::tests::metrics_are_the_same_on_every_target. Equal to the bit (issue 3):
    // the solver, the generator and the metrics compute transcendental functions with `libm` and sum in a
    // fixed order, so glibc and the browser cannot disagree in the last digits.
    for (kind, auc, log_loss) in ciclo_app::protocol::PINNED_METRICS {
        let got = ciclo_app::protocol::pinned_case(kind).expect("training works");
        assert_eq!(got, (auc, log_loss), "{kind:?}");
    }
}

#[wasm_bindgen_test]
async fn the_app_mounts_switches_language_and_remembers_it() {
    gloo_storage::LocalStorage::delete("ciclo.lang");
    let host = document().create_element("div").expect("a div");
    document().body().expect("a body").append_child(&host).expect("appended");
    let host: web_sys::HtmlElement = host.unchecked_into();
    let handle = leptos::mount::mount_to(host, ciclo_app::App);

    let ready = wait_for(5000, || {
        document().document_element().and_then(|e| e.get_attribute("data-ready")).as_deref() == Some("true")
    })
    .await;
    assert!(ready, "the page marks itself ready once the store has loaded");
    assert!(text_of("[data-testid=data-preview]").contains("customerID"));

    let click = |name: &str| {
        let buttons = document().query_selector_all(".lang-switch button").expect("buttons");
        for i in 0..buttons.length() {
            if let Some(b) = buttons.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
                if b.text_content().unwrap_or_default().trim() == name {
                    b.click();
                }
            }
        }
    };
    click("Español");
    assert!(
        wait_for(2000, || text_of("nav").contains("Experimentos")).await,
        "nav in Spanish: {}",
        text_of("nav")
    );
    assert_eq!(document().document_element().and_then(|e| e.get_attribute("lang")).as_deref(), Some("es"));
    click("English");
    assert!(
        wait_for(2000, || text_of("nav").contains("Experiments")).await,
        "nav in English: {}",
        text_of("nav")
    );
    let stored: Option<String> = gloo_storage::LocalStorage::get("ciclo.lang").ok();
    assert_eq!(stored.as_deref().and_then(Lang::from_code), Some(Lang::En));
    drop(handle);
}
