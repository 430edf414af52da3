//! The Español / English switch.

use leptos::prelude::*;

use crate::i18n::{Key, Lang};
use crate::state::use_app;

/// Two buttons, the active one pressed; the choice is remembered across reloads.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let state = use_app();
    let button = move |lang: Lang, name: &'static str| {
        view! {
            <button
                type="button"
                lang=lang.code()
                aria-pressed=move || (state.lang.get() == lang).to_string()
                on:click=move |_| state.set_lang(lang)
            >
                {name}
            </button>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=move || Key::LanguageLabel.text(state.lang.get())>
            {button(Lang::Es, "Español")}
            {button(Lang::En, "English")}
        </div>
    }
}
