//! Taking work out of the playground and back in: the export [`Document`] (one versioned JSON document
//! with experiments, runs, metric histories, artifacts and the model registry, described field by field
//! in `docs/export-format.md`).
//!
//! Export: [`select`] the records of a [`Selection`], load what [`Export::needs`] (histories and
//! artifact contents are stored apart from the runs), and make the [`Document`]
//! ([`Export::into_document`], [`Document::to_json`]). Import: [`parse`] (size, JSON, format and version,
//! every field, then [`validate`]), and [`plan_import`] the changes that bring it into a store in a
//! [`Mode`], which the page and the CLI apply (`tracking::Store::apply`, `registry::Registry::apply`).
//! Pure, like the rest of the core: times come in as arguments.

mod document;
mod export;
mod import;

pub use document::{
    ArtifactFile, Document, Point, RegistryRecord, RunRecord, Value, FORMAT, FORMAT_VERSION, RUN_ID_TAG,
};
pub use export::{select, Contents, Export, ExportError, Need, Selection};
pub use import::{
    parse, plan_import, validate, Counts, ImportError, ImportPlan, ImportSummary, Mode, MAX_DOCUMENT_BYTES,
};

pub mod push;
