//! The form that trains a logistic regression in the worker, with progress and cancel.

use ciclo_core::ml::Stage;
use ciclo_core::telco;
use ciclo_core::tracking::DatasetInput;
use leptos::prelude::*;

use crate::i18n::Key;
use crate::protocol::DataSource;
use crate::state::{use_app, BUILTIN_ROWS, BUILTIN_SEED};
use crate::storage::StorageStatus;
use crate::train_form::TrainForm;
use crate::training::TrainStatus;

/// One labelled text field with a one-line explanation.
#[component]
fn Field(
    /// The field's label.
    label: Key,
    /// Its explanation.
    help: Key,
    /// Its id (ties label and help to it).
    id: &'static str,
    /// Its value.
    value: RwSignal<String>,
) -> impl IntoView {
    let lang = use_app().lang;
    let help_id = format!("{id}-help");
    view! {
        <div class="field">
            <label for=id>{move || label.text(lang.get())}</label>
            <input
                id=id
                type="text"
                inputmode="decimal"
                aria-describedby=help_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <small id=help_id>{move || help.text(lang.get())}</small>
        </div>
    }
}

/// Trains a logistic regression on the built-in data set.
#[component]
pub fn TrainPanel() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let training = state.training;
    let defaults = TrainForm::default();
    let c = RwSignal::new(defaults.c);
    let test_size = RwSignal::new(defaults.test_size);
    let seed = RwSignal::new(defaults.seed);
    let form_error = RwSignal::new(None);

    let busy = move || training.status.get().is_busy();
    let store_opening = move || state.tracking.status.get() == StorageStatus::Opening;

    let train = move |_| {
        let form = TrainForm {
            c: c.get_untracked(),
            test_size: test_size.get_untracked(),
            seed: seed.get_untracked(),
        };
        match form.config() {
            Ok(config) => {
                form_error.set(None);
                let view_data = state.data.get_value();
                let dataset = DatasetInput {
                    name: telco::DATASET_NAME.to_string(),
                    digest: view_data.digest.clone(),
                    rows: view_data.data.n_rows(),
                    context: "training".to_string(),
                };
                let source = DataSource::Synthetic { rows: BUILTIN_ROWS, seed: BUILTIN_SEED };
                training.start(state.tracking, source, dataset, config);
            }
            Err(error) => form_error.set(Some(error)),
        }
    };

    let stage_text = move || match training.status.get() {
        TrainStatus::Starting => Some(Key::StageStarting),
        TrainStatus::Running(Stage::Preparing) => Some(Key::StagePreparing),
        TrainStatus::Running(Stage::Fitting { .. }) => Some(Key::StageFitting),
        TrainStatus::Running(Stage::Evaluating) => Some(Key::StageEvaluating),
        _ => None,
    };
    // Stages are the progress steps: the worker reports each as it starts.
    let progress_value = move || match training.status.get() {
        TrainStatus::Starting => 0.1,
        TrainStatus::Running(Stage::Preparing) => 0.25,
        TrainStatus::Running(Stage::Fitting { percent }) => 0.5 + 0.3 * f64::from(percent) / 100.0,
        TrainStatus::Running(Stage::Evaluating) => 0.85,
        _ => 1.0,
    };

    view! {
        <div class="card train-panel">
            <h2>{move || Key::TrainTitle.text(lang.get())}</h2>
            <Field label=Key::TrainParamC help=Key::TrainParamCHelp id="param-c" value=c/>
            <Field label=Key::TrainParamTestSize help=Key::TrainParamTestSizeHelp id="param-test-size" value=test_size/>
            <Field label=Key::TrainParamSeed help=Key::TrainParamSeedHelp id="param-seed" value=seed/>
            {move || form_error.get().map(|e| view! { <p class="error" role="alert">{e.message(lang.get())}</p> })}
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    data-testid="train-button"
                    disabled=move || busy() || store_opening()
                    on:click=train
                >
                    {move || Key::TrainButton.text(lang.get())}
                </button>
                <Show when=busy>
                    <button
                        type="button"
                        data-testid="cancel-button"
                        on:click=move |_| training.cancel(state.tracking)
                    >
                        {move || Key::CancelButton.text(lang.get())}
                    </button>
                </Show>
            </div>
            <Show when=busy>
                <div class="progress" role="status">
                    <progress data-testid="train-progress" max="1" value=progress_value></progress>
                    <span>{move || stage_text().map(|k| k.text(lang.get()))}</span>
                </div>
            </Show>
            {move || match training.status.get() {
                TrainStatus::Failed(error) => Some(view! { <p class="error" role="alert" data-testid="train-error">{error}</p> }.into_any()),
                TrainStatus::WorkerDidNotStart => Some(view! { <p class="error" role="alert" data-testid="train-error">{Key::WorkerFailed.text(lang.get())}</p> }.into_any()),
                TrainStatus::Cancelled => Some(view! { <p class="notice" role="status">{Key::TrainCancelled.text(lang.get())}</p> }.into_any()),
                _ => None,
            }}
        </div>
    }
}
