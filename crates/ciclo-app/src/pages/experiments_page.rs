//! The Experiments section: train a model, see its metrics, and the runs recorded so far.

use leptos::prelude::*;

use crate::components::experiment_picker::ExperimentPicker;
use crate::components::metrics_panel::MetricsPanel;
use crate::components::search_panel::SearchPanel;
use crate::components::teaching_note::TeachingNote;
use crate::components::train_panel::TrainPanel;
use crate::i18n::Key;
use crate::state::use_app;

/// Training, its metrics and the runs table.
#[component]
pub fn ExperimentsPage() -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <section class="page" aria-labelledby="experiments-title">
            <h1 id="experiments-title">{move || Key::ExperimentsTitle.text(lang.get())}</h1>
            <TeachingNote text=Key::ExperimentsTeaching/>
            <ExperimentPicker/>
            <div class="columns">
                <TrainPanel/>
                <MetricsPanel/>
            </div>
            <SearchPanel/>
        </section>
    }
}
