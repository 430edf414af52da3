//! A registered model's or a version's description and tags: shown, and edited in a fold-out form. The
//! component plans nothing itself: it hands each edit to its owner (`on_edit`), which plans it with
//! `ciclo_core::registry::edit_meta`, writes it and says the outcome. The owner answers whether the edit
//! was accepted for writing, so a refused key stays in its field to be corrected instead of vanishing.

use ciclo_core::registry::MetaEdit;
use leptos::prelude::*;

use crate::i18n::models::M;
use crate::state::use_app;

/// The description and tags of one registry record, with their editor.
#[component]
pub fn MetaEditor(
    /// Makes the form's element ids unique on the page (`model`, `version`).
    id_prefix: &'static str,
    /// The current description.
    #[prop(into)]
    description: Signal<String>,
    /// The current tags, in key order.
    #[prop(into)]
    tags: Signal<Vec<(String, String)>>,
    /// Plans and writes an edit; `true` when it was accepted for writing.
    on_edit: Callback<MetaEdit, bool>,
) -> impl IntoView {
    let lang = use_app().lang;
    let editing = RwSignal::new(String::new());
    let tag_key = RwSignal::new(String::new());
    let tag_value = RwSignal::new(String::new());
    let save_description = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_edit.run(MetaEdit::Description(editing.get_untracked()));
    };
    let add_tag = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let edit = MetaEdit::SetTag { key: tag_key.get_untracked(), value: tag_value.get_untracked() };
        if on_edit.run(edit) {
            tag_key.set(String::new());
            tag_value.set(String::new());
        }
    };
    let id = move |what: &str| format!("{id_prefix}-{what}");
    view! {
        <div class="meta" data-testid=format!("{id_prefix}-meta")>
            {move || {
                let text = description.get();
                (!text.is_empty()).then(|| view! { <p class="description" data-testid=format!("{id_prefix}-description")>{text}</p> })
            }}
            {move || {
                let tags = tags.get();
                (!tags.is_empty()).then(|| view! {
                    <ul class="tags" aria-label=move || M::MetaTags.text(lang.get()) data-testid=format!("{id_prefix}-tags")>
                        {tags.into_iter().map(|(key, value)| {
                            let remove = key.clone();
                            let label = {
                                let key = key.clone();
                                move || format!("{} {key}", M::MetaRemoveTag.text(lang.get()))
                            };
                            view! {
                                <li>
                                    <code>{key}</code> " = " {value} " "
                                    <button type="button" class="link" aria-label=label
                                        on:click=move |_| { on_edit.run(MetaEdit::DeleteTag(remove.clone())); }>"×"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            <details on:toggle=move |_| editing.set(description.get_untracked())>
                <summary>{move || M::MetaEdit.text(lang.get())}</summary>
                <p class="hint">{move || M::MetaHelp.text(lang.get())}</p>
                <form on:submit=save_description>
                    <div class="field">
                        <label for=id("description")>{move || M::MetaDescription.text(lang.get())}</label>
                        <textarea id=id("description") rows="2" prop:value=move || editing.get()
                            on:input=move |ev| editing.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit">{move || M::MetaSaveDescription.text(lang.get())}</button>
                </form>
                <form on:submit=add_tag class="inline-form">
                    <div class="field">
                        <label for=id("tag-key")>{move || M::MetaTagKey.text(lang.get())}</label>
                        <input id=id("tag-key") type="text" required prop:value=move || tag_key.get()
                            on:input=move |ev| tag_key.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for=id("tag-value")>{move || M::MetaTagValue.text(lang.get())}</label>
                        <input id=id("tag-value") type="text" prop:value=move || tag_value.get()
                            on:input=move |ev| tag_value.set(event_target_value(&ev))/>
                    </div>
                    <button type="submit">{move || M::MetaAddTag.text(lang.get())}</button>
                </form>
            </details>
        </div>
    }
}
