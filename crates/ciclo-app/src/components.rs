//! Components shared by the pages, one per file.

pub mod app;
pub mod lang_switch;
pub mod metrics_panel;
pub mod nav;
pub mod run_charts;
pub mod runs_table;
pub mod search_panel;
pub mod storage_warning;
pub mod teaching_note;
pub mod train_panel;
