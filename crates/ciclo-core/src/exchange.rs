//! Taking work out of the playground and back in: the export [`Document`] (one versioned JSON document
//! with experiments, runs, metric histories, artifacts and the model registry).

mod document;

pub use document::{
    ArtifactFile, Document, Point, RegistryRecord, RunRecord, Value, FORMAT, FORMAT_VERSION, RUN_ID_TAG,
};

pub mod push;
