//! The navigation between the lifecycle's sections.

use leptos::prelude::*;

use crate::i18n::Key;
use crate::route::Route;
use crate::state::use_app;

/// Links to every section; the current one is marked with `aria-current="page"`.
#[component]
pub fn Nav(
    /// The section shown now.
    current: Memo<Route>,
) -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <nav class="app-nav" aria-label=move || Key::NavLabel.text(lang.get())>
            <ol>
                {Route::ALL
                    .into_iter()
                    .enumerate()
                    .map(|(i, route)| {
                        view! {
                            <li>
                                <a
                                    href=route.href()
                                    aria-current=move || (current.get() == route).then_some("page")
                                >
                                    <span class="step" aria-hidden="true">{i + 1}</span>
                                    {move || route.label().text(lang.get())}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}
