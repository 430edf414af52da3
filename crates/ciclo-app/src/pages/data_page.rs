//! The Data section: the built-in data set, a preview and a profile per column.

use ciclo_core::dataset::ColumnKind;
use ciclo_core::profile::ColumnProfile;
use leptos::prelude::*;

use crate::components::teaching_note::TeachingNote;
use crate::i18n::{self, Key, Lang};
use crate::state::use_app;

/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 10;

/// The data set's name, size and digest, its first rows, and a summary of every column.
#[component]
pub fn DataPage() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let view_data = state.data.get_value();
    let data = &view_data.data;
    let columns = data.columns();

    let header = columns.iter().map(|c| view! { <th scope="col">{c.name.clone()}</th> }).collect_view();
    let rows = (0..data.n_rows().min(PREVIEW_ROWS))
        .map(|row| {
            let cells = columns.iter().map(|c| view! { <td>{c.cell_text(row)}</td> }).collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    let summary =
        view_data.profile.iter().cloned().map(|column| view! { <SummaryRow column=column/> }).collect_view();
    let n_rows = data.n_rows();
    let n_columns = columns.len();
    let digest = view_data.digest.clone();

    view! {
        <section class="page" aria-labelledby="data-title">
            <h1 id="data-title">{move || Key::DataTitle.text(lang.get())}</h1>
            <TeachingNote text=Key::DataTeaching/>
            <p class="dataset-facts">
                <strong>{move || Key::DataSourceSynthetic.text(lang.get())}</strong>
                " · "
                {move || i18n::count(lang.get(), n_rows, Key::DataRows)}
                " · "
                {move || i18n::count(lang.get(), n_columns, Key::DataColumns)}
                " · "
                <span title=move || Key::DataDigestHelp.text(lang.get())>
                    {move || Key::DataDigest.text(lang.get())}
                    " "
                    <code data-testid="dataset-digest">{digest.clone()}</code>
                </span>
            </p>
            <div class="table-scroll">
                <table class="data" data-testid="data-preview">
                    <caption>{move || Key::DataPreviewCaption.text(lang.get())}</caption>
                    <thead>
                        <tr>{header}</tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="table-scroll">
                <table class="data summary" data-testid="column-summary">
                    <caption>{move || Key::DataSummaryCaption.text(lang.get())}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || Key::ColName.text(lang.get())}</th>
                            <th scope="col">{move || Key::ColType.text(lang.get())}</th>
                            <th scope="col" class="num">{move || Key::ColMissing.text(lang.get())}</th>
                            <th scope="col" class="num">{move || Key::ColDistinct.text(lang.get())}</th>
                            <th scope="col">{move || Key::ColStats.text(lang.get())}</th>
                            <th scope="col" title=move || Key::ChurnRateHelp.text(lang.get())>
                                {move || Key::ColChurnRate.text(lang.get())}
                            </th>
                        </tr>
                    </thead>
                    <tbody>{summary}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Mean ± std and range of a numeric column.
fn numeric_stats(lang: Lang, column: &ColumnProfile) -> String {
    match &column.numeric {
        Some(s) => format!(
            "{} ± {} ({} – {})",
            lang.number(s.mean, 2),
            lang.number(s.std, 2),
            lang.number(s.min, 2),
            lang.number(s.max, 2)
        ),
        None => String::new(),
    }
}

/// One column's line of the summary.
#[component]
fn SummaryRow(
    /// The column's profile.
    column: ColumnProfile,
) -> impl IntoView {
    let lang = use_app().lang;
    let column = StoredValue::new(column);
    let kind = move || match column.with_value(|c| c.kind) {
        ColumnKind::Numeric => Key::KindNumeric.text(lang.get()),
        ColumnKind::Categorical => Key::KindCategorical.text(lang.get()),
    };
    let stats = move || {
        let lang = lang.get();
        column.with_value(|c| {
            if c.id_like {
                return view! { <em>{Key::IdLike.text(lang)}</em> }.into_any();
            }
            if c.kind == ColumnKind::Numeric {
                return numeric_stats(lang, c).into_any();
            }
            let items = c
                .top
                .iter()
                .map(|t| view! { <li>{format!("{} ({})", t.level, t.count)}</li> })
                .collect_view();
            view! { <ul class="top">{items}</ul> }.into_any()
        })
    };
    let rates = move || {
        let lang = lang.get();
        column.with_value(|c| {
            if c.id_like || c.kind == ColumnKind::Numeric {
                return "—".into_any();
            }
            let items = c
                .top
                .iter()
                .map(|t| view! { <li>{t.target_rate.map(|r| lang.percent(r)).unwrap_or_else(|| "—".into())}</li> })
                .collect_view();
            view! { <ul class="top">{items}</ul> }.into_any()
        })
    };
    view! {
        <tr data-testid="summary-row">
            <th scope="row">{column.with_value(|c| c.name.clone())}</th>
            <td>{kind}</td>
            <td class="num">{column.with_value(|c| c.missing)}</td>
            <td class="num">{column.with_value(|c| c.distinct)}</td>
            <td>{stats}</td>
            <td>{rates}</td>
        </tr>
    }
}
