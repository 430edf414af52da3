//! The short note at the top of each page: which MLOps idea it shows and where the report treats it.

use leptos::prelude::*;

use crate::i18n::Key;
use crate::state::use_app;

/// A highlighted paragraph with the text of `text`.
#[component]
pub fn TeachingNote(
    /// The note's text.
    text: Key,
) -> impl IntoView {
    let lang = use_app().lang;
    view! { <aside class="teaching" data-testid="teaching-note"><p>{move || text.text(lang.get())}</p></aside> }
}
