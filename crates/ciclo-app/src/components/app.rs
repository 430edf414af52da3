//! The root component: shared state, header, navigation and the current section.

use leptos::prelude::*;

use crate::components::lang_switch::LangSwitch;
use crate::components::nav::Nav;
use crate::components::storage_warning::StorageWarning;
use crate::i18n::Key;
use crate::pages::compare_page::ComparePage;
use crate::pages::data_page::DataPage;
use crate::pages::exchange_page::ExchangePage;
use crate::pages::experiments_page::ExperimentsPage;
use crate::pages::lifecycle_page::LifecyclePage;
use crate::pages::models_page::ModelsPage;
use crate::pages::monitoring_page::MonitoringPage;
use crate::pages::runs_page::{RunPage, RunsPage};
use crate::pages::serving_page::ServingPage;
use crate::route::{Page, Route};
use crate::state::AppState;

/// Tells tests and benchmarks that the page is interactive: `<html data-ready="true">` and a
/// `ciclo-ready` performance mark.
fn mark_ready() {
    let Some(window) = web_sys::window() else { return };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-ready", "true");
    }
    if let Some(performance) = window.performance() {
        let _ = performance.mark("ciclo-ready");
    }
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(mark_ready);
    provide_context(state);
    let lang = state.lang;

    let page = RwSignal::new(Page::from_hash(&current_hash()));
    let listener =
        window_event_listener(leptos::ev::hashchange, move |_| page.set(Page::from_hash(&current_hash())));
    let section = Memo::new(move |_| page.with(Page::section));
    on_cleanup(move || listener.remove());

    // Keep `<html lang>` in step with the chosen language (screen readers, hyphenation).
    Effect::new(move |_| {
        let code = lang.get().code();
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("lang", code);
        }
    });

    view! {
        <header class="app-header">
            <div class="brand">
                <span class="logo" aria-hidden="true">"↻"</span>
                <div>
                    <p class="app-name">"Ciclo"</p>
                    <p class="tagline">{move || Key::AppTagline.text(lang.get())}</p>
                </div>
            </div>
            <LangSwitch/>
        </header>
        <Nav current=section/>
        <StorageWarning/>
        <main id="main">
            {move || match page.get() {
                Page::Section(Route::Data) => view! { <DataPage/> }.into_any(),
                Page::Section(Route::Experiments) => view! { <ExperimentsPage/> }.into_any(),
                Page::Section(Route::Runs) => view! { <RunsPage/> }.into_any(),
                Page::Section(Route::Models) => view! { <ModelsPage/> }.into_any(),
                Page::Section(Route::Serving) => view! { <ServingPage/> }.into_any(),
                Page::Section(Route::Monitoring) => view! { <MonitoringPage/> }.into_any(),
                Page::Section(Route::Lifecycle) => view! { <LifecyclePage/> }.into_any(),
                Page::Section(Route::Exchange) => view! { <ExchangePage/> }.into_any(),
                Page::Run(id) => view! { <RunPage run_id=id/> }.into_any(),
                Page::Compare(ids) => view! { <ComparePage run_ids=ids/> }.into_any(),
            }}
        </main>
        <footer class="app-footer">{move || Key::Footer.text(lang.get())}</footer>
    }
}
