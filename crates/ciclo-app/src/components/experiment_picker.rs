//! Experiments as MLflow has them: a named group of runs with a description and tags. The picker chooses
//! the experiment new runs are logged in (`mlflow.set_experiment`), creates one, and edits the chosen
//! one's description and tags. Every write goes through the store's checks (MLflow's limits, unique
//! names), and a refusal is shown in words.

use ciclo_core::tracking::{
    next_experiment_id, Change, Experiment, LifecycleStage, Snapshot, StoreError, DEFAULT_EXPERIMENT_ID,
};
use leptos::prelude::*;

use crate::i18n::experiments::{self, Exp};
use crate::state::use_app;

/// The active experiments to choose from: `Default` first (even before it is stored), then by name.
pub fn choices(experiments: &[Experiment]) -> Vec<(String, String)> {
    let mut active: Vec<&Experiment> =
        experiments.iter().filter(|e| e.lifecycle_stage == LifecycleStage::Active).collect();
    active.sort_by(|a, b| {
        (a.experiment_id != DEFAULT_EXPERIMENT_ID, a.name.to_lowercase())
            .cmp(&(b.experiment_id != DEFAULT_EXPERIMENT_ID, b.name.to_lowercase()))
    });
    let mut out: Vec<(String, String)> =
        active.into_iter().map(|e| (e.experiment_id.clone(), e.name.clone())).collect();
    if !out.iter().any(|(id, _)| id == DEFAULT_EXPERIMENT_ID) {
        out.insert(0, (DEFAULT_EXPERIMENT_ID.to_string(), "Default".to_string()));
    }
    out
}

/// A new experiment named `name` (trimmed) with `description`, with the next free id.
pub fn new_experiment(snapshot: &Snapshot, name: &str, description: &str, now_ms: i64) -> Experiment {
    let mut experiment = Experiment::new(next_experiment_id(snapshot), name.trim(), now_ms);
    experiment.description = description.trim().to_string();
    experiment
}

/// The chosen experiment: a select of every active one, its description and tags, and forms to create
/// an experiment or edit the chosen one.
#[component]
pub fn ExperimentPicker() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let tracking = state.tracking;
    let options = Memo::new(move |_| tracking.snapshot.with(|s| choices(&s.experiments)));
    let chosen = Memo::new(move |_| {
        let wanted = state.experiment.get();
        let known = options.with(|o| o.iter().any(|(id, _)| id == &wanted));
        if known {
            wanted
        } else {
            DEFAULT_EXPERIMENT_ID.to_string()
        }
    });
    let current = Memo::new(move |_| {
        let id = chosen.get();
        tracking.snapshot.with(|s| s.experiment(&id).cloned())
    });
    let error = RwSignal::new(None::<StoreError>);
    let new_name = RwSignal::new(String::new());
    let new_description = RwSignal::new(String::new());
    let tag_key = RwSignal::new(String::new());
    let tag_value = RwSignal::new(String::new());
    let editing = RwSignal::new(String::new());

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let now = js_sys::Date::now() as i64;
        let experiment = tracking.snapshot.with_untracked(|s| {
            new_experiment(s, &new_name.get_untracked(), &new_description.get_untracked(), now)
        });
        let mut batch = Vec::new();
        if tracking.snapshot.with_untracked(|s| s.experiment(DEFAULT_EXPERIMENT_ID).is_none()) {
            batch.push(Change::PutExperiment(Experiment::default_at(now)));
        }
        let id = experiment.experiment_id.clone();
        batch.push(Change::PutExperiment(experiment));
        match tracking.apply(batch) {
            Ok(()) => {
                error.set(None);
                new_name.set(String::new());
                new_description.set(String::new());
                state.set_experiment(&id);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    // Writes the chosen experiment after `edit`, creating `Default` when it is not stored yet.
    let update = move |edit: &dyn Fn(&mut Experiment)| {
        let now = js_sys::Date::now() as i64;
        let mut experiment = current.get_untracked().unwrap_or_else(|| Experiment::default_at(now));
        edit(&mut experiment);
        match tracking.apply(vec![Change::PutExperiment(experiment)]) {
            Ok(()) => {
                error.set(None);
                true
            }
            Err(e) => {
                error.set(Some(e));
                false
            }
        }
    };
    let save_description = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = editing.get_untracked();
        update(&|e| e.description = text.trim().to_string());
    };
    let add_tag = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (key, value) = (tag_key.get_untracked(), tag_value.get_untracked());
        if update(&|e| {
            e.tags.insert(key.trim().to_string(), value.clone());
        }) {
            tag_key.set(String::new());
            tag_value.set(String::new());
        }
    };

    view! {
        <section class="card experiment-picker" aria-labelledby="experiment-title" data-testid="experiment-picker">
            <h2 id="experiment-title">{move || Exp::Title.text(lang.get())}</h2>
            <div class="field">
                <label for="experiment-select">{move || Exp::Choose.text(lang.get())}</label>
                <select
                    id="experiment-select"
                    prop:value=move || chosen.get()
                    on:change=move |ev| state.set_experiment(&event_target_value(&ev))
                >
                    {move || options.get().into_iter().map(|(id, name)| {
                        let selected = id == chosen.get_untracked();
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                <p class="hint">{move || Exp::ChooseHelp.text(lang.get())}</p>
            </div>
            {move || current.get().map(|e| {
                let tags: Vec<(String, String)> = e.tags.clone().into_iter().collect();
                view! {
                    {(!e.description.is_empty()).then(|| view! {
                        <p class="experiment-description" data-testid="experiment-description">{e.description.clone()}</p>
                    })}
                    {(!tags.is_empty()).then(|| view! {
                        <ul class="tags" data-testid="experiment-tags">
                            {tags.into_iter().map(|(k, v)| view! { <li><code>{k}</code> " = " {v}</li> }).collect_view()}
                        </ul>
                    })}
                }
            })}
            {move || error.get().map(|e| view! {
                <p class="error" role="alert" data-testid="experiment-error">{experiments::store_error(&e, lang.get())}</p>
            })}
            <details>
                <summary>{move || Exp::Create.text(lang.get())}</summary>
                <form on:submit=create>
                    <div class="field">
                        <label for="experiment-name">{move || Exp::Name.text(lang.get())}</label>
                        <input id="experiment-name" type="text" required prop:value=move || new_name.get()
                            on:input=move |ev| new_name.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="experiment-new-description">{move || Exp::Description.text(lang.get())}</label>
                        <textarea id="experiment-new-description" rows="2" prop:value=move || new_description.get()
                            on:input=move |ev| new_description.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit">{move || Exp::CreateButton.text(lang.get())}</button>
                </form>
            </details>
            <details on:toggle=move |_| editing.set(current.get_untracked().map(|e| e.description).unwrap_or_default())>
                <summary>{move || Exp::Edit.text(lang.get())}</summary>
                <form on:submit=save_description>
                    <div class="field">
                        <label for="experiment-description">{move || Exp::Description.text(lang.get())}</label>
                        <textarea id="experiment-description" rows="2" prop:value=move || editing.get()
                            on:input=move |ev| editing.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit">{move || Exp::SaveDescription.text(lang.get())}</button>
                </form>
                <form on:submit=add_tag class="inline-form">
                    <div class="field">
                        <label for="experiment-tag-key">{move || Exp::TagKey.text(lang.get())}</label>
                        <input id="experiment-tag-key" type="text" required prop:value=move || tag_key.get()
                            on:input=move |ev| tag_key.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="experiment-tag-value">{move || Exp::TagValue.text(lang.get())}</label>
                        <input id="experiment-tag-value" type="text" prop:value=move || tag_value.get()
                            on:input=move |ev| tag_value.set(event_target_value(&ev))/>
                    </div>
                    <button type="submit">{move || Exp::AddTag.text(lang.get())}</button>
                </form>
            </details>
        </section>
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn default_comes_first_and_deleted_experiments_are_not_offered() {
        let mut gone = Experiment::new("3", "gone", 0);
        gone.lifecycle_stage = LifecycleStage::Deleted;
        let list = [Experiment::new("2", "zeta", 0), Experiment::new("1", "Alfa", 0), gone];
        let ids: Vec<String> = choices(&list).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["0", "1", "2"]);
        let with_default = [Experiment::new("1", "b", 0), Experiment::default_at(0)];
        assert_eq!(choices(&with_default)[0], ("0".to_string(), "Default".to_string()));
    }

    #[test]
    fn a_new_experiment_takes_the_next_id_and_trimmed_text() {
        let snapshot = Snapshot::default();
        let e = new_experiment(&snapshot, "  churn-v2 ", " baseline ", 5);
        assert_eq!(
            (e.experiment_id.as_str(), e.name.as_str(), e.description.as_str()),
            ("1", "churn-v2", "baseline")
        );
    }
}
