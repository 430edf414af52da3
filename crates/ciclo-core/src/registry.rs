//! The model registry, as MLflow's Model Registry has it: registered models with numbered versions, each
//! linked to the run that produced it; a version's place in the lifecycle kept both ways MLflow has known,
//! **stages** (None → Staging → Production → Archived, the report's way) and **aliases** (`@champion`,
//! `@challenger`: MLflow's way since 2.9, which deprecated stages); model URIs resolved
//! (`models:/churn/3`, `models:/churn/Production`, `models:/churn@champion`, `runs:/<id>/model`);
//! promotion gates checked before a promotion and stored with their numbers; and an audit log of every
//! registration, transition and alias move (what MLflow users ask for in mlflow#2169).
//!
//! Like tracking, every operation is a pure function of the current [`Registry`] returning the
//! [`RegistryChange`]s to apply (or a typed [`RegistryError`]): the page writes the changes to IndexedDB
//! in one transaction, and the same changes applied to memory give the same state.

mod gate;
mod meta;
mod model;
mod ops;
mod uri;

pub use gate::{check_gate, GateCheck, GateRule};
pub use meta::{edit_meta, MetaEdit, Subject};
pub use model::{
    AuditEntry, AuditEvent, ModelVersion, RegisteredModel, Registry, RegistryChange, Stage,
    MODEL_ARTIFACT_PATH,
};
pub use ops::{
    delete_alias, promote, register, set_alias, transition, validate_alias, validate_model_name, Promotion,
    PromotionOutcome, RegistryError, Target,
};
pub use uri::{parse_uri, resolve, ModelUri, Resolved, UriError};
