//! One component per section of the page.

pub mod compare_page;
pub mod data_page;
pub mod exchange_page;
pub mod experiments_page;
pub mod lifecycle_page;
pub mod models_page;
pub mod monitoring_page;
pub mod runs_page;
pub mod serving_page;
