//! The training form: a model family, its parameters (each explained in one line), the split; trains in
//! the worker with progress and cancel.

use ciclo_core::ml::{ModelKind, Stage};
use ciclo_core::telco;
use ciclo_core::tracking::{self, DatasetInput};
use leptos::prelude::*;

use crate::i18n::{params, Key, Lang};
use crate::protocol::DataSource;
use crate::state::{use_app, AppState, BUILTIN_ROWS, BUILTIN_SEED};
use crate::storage::StorageStatus;
use crate::train_form::{default_params, param_field_id, FormError, TrainForm};
use crate::training::{Placement, TrainStatus};

/// One labelled text field with a one-line explanation.
#[component]
pub fn TextField(
    /// The field's label.
    #[prop(into)]
    label: Signal<String>,
    /// Its explanation.
    #[prop(into)]
    help: Signal<String>,
    /// Its id (ties label and help to it).
    #[prop(into)]
    id: String,
    /// Its value.
    value: RwSignal<String>,
    /// The form's current error, to mark this field when it is at fault.
    #[prop(into)]
    error: Signal<Option<FormError>>,
) -> impl IntoView {
    let help_id = format!("{id}-help");
    let field_id = id.clone();
    let invalid = move || error.get().is_some_and(|e| e.field() == field_id).to_string();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type="text"
                inputmode="decimal"
                autocomplete="off"
                aria-describedby=help_id.clone()
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <small id=help_id>{help}</small>
        </div>
    }
}

/// The `<select>` of model families, with the chosen family's one-line description.
#[component]
pub fn FamilyPicker(
    /// The chosen family.
    kind: RwSignal<ModelKind>,
    /// The element id.
    id: &'static str,
) -> impl IntoView {
    let lang = use_app().lang;
    let help_id = format!("{id}-help");
    view! {
        <div class="field">
            <label for=id>{move || Key::TrainFamily.text(lang.get())}</label>
            <select
                id=id
                aria-describedby=help_id.clone()
                on:change=move |ev| {
                    if let Ok(chosen) = ModelKind::from_name(&event_target_value(&ev)) {
                        kind.set(chosen);
                    }
                }
            >
                {ModelKind::ALL
                    .into_iter()
                    .map(|k| {
                        view! {
                            <option value=k.name() selected=move || kind.get() == k>
                                {move || params::family(k, lang.get())}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <small id=help_id>{move || params::family_help(kind.get(), lang.get())}</small>
        </div>
    }
}

/// The page's built-in data set as a dataset input of a run, and the source the worker regenerates.
pub fn builtin_input(state: AppState) -> (DataSource, DatasetInput) {
    let view_data = state.data.get_value();
    let dataset = DatasetInput {
        name: telco::DATASET_NAME.to_string(),
        digest: view_data.digest.clone(),
        rows: view_data.data.n_rows(),
        context: tracking::CONTEXT_TRAINING.to_string(),
        schema: view_data.schema_json.clone(),
        profile: view_data.profile_json.clone(),
    };
    (DataSource::Synthetic { rows: BUILTIN_ROWS, seed: BUILTIN_SEED }, dataset)
}

/// A family's parameter fields: `(name, value)` signals.
fn param_signals(kind: ModelKind) -> Vec<(String, RwSignal<String>)> {
    default_params(kind).into_iter().map(|(name, value)| (name, RwSignal::new(value))).collect()
}

/// The parameter fields of `fields`.
pub fn param_fields(
    fields: RwSignal<Vec<(String, RwSignal<String>)>>,
    prefix: &'static str,
    error: Signal<Option<FormError>>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    move || {
        fields
            .get()
            .into_iter()
            .map(|(name, value)| {
                let help_name = name.clone();
                let id = format!("{prefix}{}", param_field_id(&name));
                view! {
                    <TextField
                        label=name.clone()
                        help=Signal::derive(move || params::param_help(&help_name, lang.get()).to_string())
                        id=id
                        value=value
                        error=error
                    />
                }
            })
            .collect_view()
    }
}

/// Trains a model of any family on the built-in data set.
#[component]
pub fn TrainPanel() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let training = state.training;
    let defaults = TrainForm::default();
    let kind = RwSignal::new(defaults.kind);
    let fields = RwSignal::new(param_signals(defaults.kind));
    let test_size = RwSignal::new(defaults.test_size);
    let seed = RwSignal::new(defaults.seed);
    let form_error = RwSignal::new(None::<FormError>);
    Effect::watch(
        move || kind.get(),
        move |kind, _, _| {
            fields.set(param_signals(*kind));
            form_error.set(None);
        },
        false,
    );

    let busy = move || training.status.get().is_busy();
    let store_opening = move || state.tracking.status.get() == StorageStatus::Opening;

    let train = move |_| {
        let form = TrainForm {
            kind: kind.get_untracked(),
            params: fields.get_untracked().into_iter().map(|(n, v)| (n, v.get_untracked())).collect(),
            test_size: test_size.get_untracked(),
            seed: seed.get_untracked(),
        };
        match form.config() {
            Ok(config) => {
                form_error.set(None);
                let (source, dataset) = builtin_input(state);
                training.start(
                    state.tracking,
                    source,
                    dataset,
                    config,
                    Placement::in_experiment(state.current_experiment()),
                );
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
        TrainStatus::Running(Stage::Fitting { percent }) => 0.3 + 0.5 * f64::from(percent) / 100.0,
        TrainStatus::Running(Stage::Evaluating) => 0.85,
        _ => 1.0,
    };
    let error_signal = Signal::derive(move || form_error.get());

    view! {
        <div class="card train-panel">
            <h2>{move || Key::TrainTitle.text(lang.get())}</h2>
            <FamilyPicker kind=kind id="model-family"/>
            <fieldset class="params">
                <legend>{move || Key::TrainParams.text(lang.get())}</legend>
                {param_fields(fields, "", error_signal, lang)}
            </fieldset>
            <TextField
                label=Signal::derive(move || Key::TrainParamTestSize.text(lang.get()).to_string())
                help=Signal::derive(move || Key::TrainParamTestSizeHelp.text(lang.get()).to_string())
                id="param-test-size"
                value=test_size
                error=error_signal
            />
            <TextField
                label=Signal::derive(move || Key::TrainParamSeed.text(lang.get()).to_string())
                help=Signal::derive(move || Key::TrainParamSeedHelp.text(lang.get()).to_string())
                id="param-seed"
                value=seed
                error=error_signal
            />
            {move || form_error.get().map(|e| view! { <p class="error" role="alert" data-testid="form-error">{e.message(lang.get())}</p> })}
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    data-testid="train-button"
                    disabled=move || busy() || store_opening()
                    on:click=train
                >
                    {move || params::train_button(kind.get(), lang.get())}
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
