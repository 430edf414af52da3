//! A section that is not built yet: its title, what it will teach, and one honest line saying so.

use leptos::prelude::*;

use crate::components::teaching_note::TeachingNote;
use crate::i18n::Key;
use crate::route::Route;
use crate::state::use_app;

fn texts(route: Route) -> (Key, Key) {
    match route {
        Route::Models => (Key::ModelsTitle, Key::ModelsTeaching),
        Route::Serving => (Key::ServingTitle, Key::ServingTeaching),
        Route::Monitoring => (Key::MonitoringTitle, Key::MonitoringTeaching),
        Route::Lifecycle => (Key::LifecycleTitle, Key::LifecycleTeaching),
        Route::Data => (Key::DataTitle, Key::DataTeaching),
        Route::Experiments => (Key::ExperimentsTitle, Key::ExperimentsTeaching),
        Route::Runs => (Key::RunsTitle, Key::RunsTeaching),
    }
}

/// The page of a section still to come.
#[component]
pub fn PlannedPage(
    /// The section.
    route: Route,
) -> impl IntoView {
    let lang = use_app().lang;
    let (title, teaching) = texts(route);
    view! {
        <section class="page">
            <h1>{move || title.text(lang.get())}</h1>
            <TeachingNote text=teaching/>
            <p class="notice" data-testid="not-built">{move || Key::NotBuiltYet.text(lang.get())}</p>
        </section>
    }
}
