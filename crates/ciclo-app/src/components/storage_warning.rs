//! The one-sentence notice shown when experiments cannot be saved.

use leptos::prelude::*;

use crate::i18n::Key;
use crate::state::use_app;
use crate::storage::StorageStatus;

/// Says, in one sentence, that IndexedDB is unavailable and the page works in memory; nothing otherwise.
#[component]
pub fn StorageWarning() -> impl IntoView {
    let state = use_app();
    move || match state.tracking.status.get() {
        StorageStatus::MemoryOnly { reason } => Some(view! {
            <p class="notice warning" role="status" data-testid="storage-warning">
                {Key::StorageWarning.text(state.lang.get())}
                <span class="detail">{format!(" ({reason})")}</span>
            </p>
        }),
        _ => None,
    }
}
