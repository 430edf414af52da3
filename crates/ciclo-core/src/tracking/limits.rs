//! MLflow's limits on keys and values, so that everything Ciclo records would also be accepted by an MLflow
//! server (and exports cleanly).
//!
//! The figures and rules are those of MLflow's `mlflow/utils/validation.py` (MLflow 2.x):
//! `MAX_ENTITY_KEY_LENGTH = 250`, `MAX_PARAM_VAL_LENGTH = 6000`, `MAX_TAG_VAL_LENGTH = 5000`,
//! `MAX_EXPERIMENT_NAME_LENGTH = 500`, `MAX_EXPERIMENT_TAG_KEY_LENGTH = 250`,
//! `MAX_EXPERIMENT_TAG_VAL_LENGTH = 5000`, `MAX_DATASET_NAME_SIZE = 500`, `MAX_DATASET_DIGEST_SIZE = 36`,
//! `MAX_DATASET_SCHEMA_SIZE = 1048575`, `MAX_DATASET_PROFILE_SIZE = 16777215`,
//! `MAX_INPUT_TAG_VALUE_SIZE = 500`; keys match `_VALID_PARAM_AND_METRIC_NAMES` (`^[/\w.\- :]*$` since
//! MLflow 2.10, which added the colon; `^[/\w.\- ]*$` before) and must not change under
//! `posixpath.normpath` (`path_not_unique`); run ids match `_RUN_ID_REGEX` (`^[a-zA-Z0-9][\w\-]{0,255}$`)
//! and experiment ids `_EXPERIMENT_ID_REGEX` (`^[a-zA-Z0-9][\w\-]{0,63}$`). Lengths are counted as Python
//! counts them, in Unicode code points, and `\w` is Python's Unicode word class (letters, digits and `_`
//! of any script). A metric value is a 64-bit float; MLflow stores NaN as such and clamps infinities to
//! ±`f64::MAX` in its SQL store, so Ciclo accepts NaN and refuses infinities rather than change a value.
//! MLflow requires timestamps to be non-negative.

use serde::{Deserialize, Serialize};

/// Longest param, metric or tag key (MLflow's `MAX_ENTITY_KEY_LENGTH`).
pub const MAX_ENTITY_KEY_LENGTH: usize = 250;
/// Longest param value (MLflow's `MAX_PARAM_VAL_LENGTH`).
pub const MAX_PARAM_VAL_LENGTH: usize = 6000;
/// Longest run tag value (MLflow's `MAX_TAG_VAL_LENGTH`).
pub const MAX_TAG_VAL_LENGTH: usize = 5000;
/// Longest experiment name (MLflow's `MAX_EXPERIMENT_NAME_LENGTH`).
pub const MAX_EXPERIMENT_NAME_LENGTH: usize = 500;
/// Longest experiment tag key (MLflow's `MAX_EXPERIMENT_TAG_KEY_LENGTH`).
pub const MAX_EXPERIMENT_TAG_KEY_LENGTH: usize = 250;
/// Longest experiment tag value (MLflow's `MAX_EXPERIMENT_TAG_VAL_LENGTH`); also the description's limit.
pub const MAX_EXPERIMENT_TAG_VAL_LENGTH: usize = 5000;
/// Longest dataset name (MLflow's `MAX_DATASET_NAME_SIZE`).
pub const MAX_DATASET_NAME_SIZE: usize = 500;
/// Longest dataset digest (MLflow's `MAX_DATASET_DIGEST_SIZE`).
pub const MAX_DATASET_DIGEST_SIZE: usize = 36;
/// Longest dataset schema text (MLflow's `MAX_DATASET_SCHEMA_SIZE`).
pub const MAX_DATASET_SCHEMA_SIZE: usize = 1_048_575;
/// Longest dataset profile text (MLflow's `MAX_DATASET_PROFILE_SIZE`).
pub const MAX_DATASET_PROFILE_SIZE: usize = 16_777_215;
/// Longest input tag value, hence dataset context (MLflow's `MAX_INPUT_TAG_VALUE_SIZE`).
pub const MAX_INPUT_TAG_VALUE_SIZE: usize = 500;
/// Longest run id (MLflow's `_RUN_ID_REGEX` allows 1 + 255 characters).
pub const MAX_RUN_ID_LENGTH: usize = 256;
/// Longest experiment id (MLflow's `_EXPERIMENT_ID_REGEX` allows 1 + 63 characters).
pub const MAX_EXPERIMENT_ID_LENGTH: usize = 64;
/// Longest artifact path. Ciclo's own limit: MLflow leaves it to the artifact repository.
pub const MAX_ARTIFACT_PATH_LENGTH: usize = 500;
/// Largest artifact content, in bytes. Ciclo's own limit (MLflow has none): one artifact must not fill the
/// browser's quota; 16 MiB is MLflow's dataset profile size, and far above a curve or a fitted forest.
pub const MAX_ARTIFACT_SIZE: usize = 16 * 1024 * 1024;

/// The field a [`LimitError`] is about. The page names it in its own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    /// A run id.
    RunId,
    /// An experiment id.
    ExperimentId,
    /// An experiment's name.
    ExperimentName,
    /// An experiment's description.
    ExperimentDescription,
    /// An experiment tag's key.
    ExperimentTagKey,
    /// An experiment tag's value.
    ExperimentTagValue,
    /// A parameter's key.
    ParamKey,
    /// A parameter's value.
    ParamValue,
    /// A metric's key.
    MetricKey,
    /// A run tag's key.
    TagKey,
    /// A run tag's value.
    TagValue,
    /// A dataset's name.
    DatasetName,
    /// A dataset's digest.
    DatasetDigest,
    /// A dataset input's context.
    DatasetContext,
    /// A dataset's schema.
    DatasetSchema,
    /// A dataset's profile.
    DatasetProfile,
    /// An artifact's path.
    ArtifactPath,
    /// An artifact's content.
    ArtifactContent,
}

impl Field {
    /// An English name for messages (the page uses its own words).
    pub fn name(self) -> &'static str {
        match self {
            Field::RunId => "run id",
            Field::ExperimentId => "experiment id",
            Field::ExperimentName => "experiment name",
            Field::ExperimentDescription => "experiment description",
            Field::ExperimentTagKey => "experiment tag key",
            Field::ExperimentTagValue => "experiment tag value",
            Field::ParamKey => "parameter key",
            Field::ParamValue => "parameter value",
            Field::MetricKey => "metric key",
            Field::TagKey => "tag key",
            Field::TagValue => "tag value",
            Field::DatasetName => "dataset name",
            Field::DatasetDigest => "dataset digest",
            Field::DatasetContext => "dataset context",
            Field::DatasetSchema => "dataset schema",
            Field::DatasetProfile => "dataset profile",
            Field::ArtifactPath => "artifact path",
            Field::ArtifactContent => "artifact content",
        }
    }
}

/// A key or value outside MLflow's limits.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LimitError {
    /// The field is empty.
    #[error("the {} is empty", field.name())]
    Empty {
        /// Which field.
        field: Field,
    },
    /// A character outside the allowed set, at a byte position of `value`.
    #[error(
        "the {} `{value}` has the character `{character}` at byte {position}: use letters, digits, `_`, `-`, \
         `.`, spaces, `:` and `/`",
        field.name()
    )]
    BadCharacter {
        /// Which field.
        field: Field,
        /// The value as given.
        value: String,
        /// Byte position of the character in `value`.
        position: usize,
        /// The character.
        character: char,
    },
    /// A key that is not a normal relative path (`a//b`, `./a`, `a/`, `/a`, `..a`): MLflow may store keys as
    /// file names, and such a key would name another file.
    #[error("the {} `{value}` is not a plain relative path: remove empty, `.` and `..` parts and leading `/`", field.name())]
    NotAPlainPath {
        /// Which field.
        field: Field,
        /// The value as given.
        value: String,
    },
    /// Longer than MLflow allows.
    #[error("the {} is {length} characters long, more than the {limit} MLflow allows", field.name())]
    TooLong {
        /// Which field.
        field: Field,
        /// Its length (characters, or bytes for artifact contents).
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// A metric value that is infinite.
    #[error("metric `{key}` has the value {value}, which is infinite: log a finite number or NaN")]
    InfiniteMetric {
        /// The metric's key.
        key: String,
        /// The value.
        value: f64,
    },
    /// A negative timestamp.
    #[error("metric `{key}` has the timestamp {timestamp}, which is negative")]
    NegativeTimestamp {
        /// The metric's key.
        key: String,
        /// The timestamp.
        timestamp: i64,
    },
}

/// Python's `\w` for one character: a letter, digit or `_` of any script.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Checks a param, metric or tag key: MLflow's characters, a plain relative path, at most `limit` characters.
pub fn check_key(field: Field, key: &str, limit: usize) -> Result<(), LimitError> {
    if key.is_empty() {
        return Err(LimitError::Empty { field });
    }
    if let Some((position, character)) =
        key.char_indices().find(|&(_, c)| !(is_word(c) || matches!(c, '/' | '.' | '-' | ' ' | ':')))
    {
        return Err(LimitError::BadCharacter { field, value: key.to_string(), position, character });
    }
    if !is_plain_path(key) {
        return Err(LimitError::NotAPlainPath { field, value: key.to_string() });
    }
    check_length(field, key, limit)
}

/// Whether `posixpath.normpath` leaves `path` as it is and it neither is `.` nor starts with `..` or `/`
/// (MLflow's `path_not_unique`, negated).
fn is_plain_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.starts_with("..")
        && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Checks that `value` has at most `limit` characters (Unicode code points, as Python's `len`).
pub fn check_length(field: Field, value: &str, limit: usize) -> Result<(), LimitError> {
    // Bytes bound characters from above: count only when it could matter.
    if value.len() <= limit {
        return Ok(());
    }
    let length = value.chars().count();
    if length > limit {
        return Err(LimitError::TooLong { field, length, limit });
    }
    Ok(())
}

/// Checks an id against `^[a-zA-Z0-9][\w\-]{0,limit-1}$` (MLflow's run and experiment id rules).
pub fn check_id(field: Field, id: &str, limit: usize) -> Result<(), LimitError> {
    let mut chars = id.char_indices();
    match chars.next() {
        None => return Err(LimitError::Empty { field }),
        Some((_, first)) if first.is_ascii_alphanumeric() => {}
        Some((position, character)) => {
            return Err(LimitError::BadCharacter { field, value: id.to_string(), position, character })
        }
    }
    if let Some((position, character)) = chars.find(|&(_, c)| !(is_word(c) || c == '-')) {
        return Err(LimitError::BadCharacter { field, value: id.to_string(), position, character });
    }
    check_length(field, id, limit)
}

/// Checks a metric point's value (finite or NaN) and timestamp (non-negative).
pub fn check_metric_point(key: &str, value: f64, timestamp: i64) -> Result<(), LimitError> {
    if value.is_infinite() {
        return Err(LimitError::InfiniteMetric { key: key.to_string(), value });
    }
    if timestamp < 0 {
        return Err(LimitError::NegativeTimestamp { key: key.to_string(), timestamp });
    }
    Ok(())
}

/// Checks an artifact path: a plain relative path of any characters but `\`, at most
/// [`MAX_ARTIFACT_PATH_LENGTH`] characters.
pub fn check_artifact_path(path: &str) -> Result<(), LimitError> {
    let field = Field::ArtifactPath;
    if path.is_empty() {
        return Err(LimitError::Empty { field });
    }
    if let Some((position, character)) = path.char_indices().find(|&(_, c)| c == '\\' || c.is_control()) {
        return Err(LimitError::BadCharacter { field, value: path.to_string(), position, character });
    }
    if !is_plain_path(path) {
        return Err(LimitError::NotAPlainPath { field, value: path.to_string() });
    }
    check_length(field, path, MAX_ARTIFACT_PATH_LENGTH)
}
