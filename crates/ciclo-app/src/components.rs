//! Components shared by the pages, one per file.

pub mod app;
pub mod experiment_picker;
pub mod lang_switch;
pub mod meta_editor;
pub mod metric_history;
pub mod metrics_panel;
pub mod nav;
pub mod reproduce_panel;
pub mod run_charts;
pub mod runs_table;
pub mod search_panel;
pub mod storage_warning;
pub mod teaching_note;
pub mod train_panel;
