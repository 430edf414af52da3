//! Scoring a logged model the way `mlflow models serve` does: the model's **signature** (its input columns
//! and types, its outputs) read from the fitted pipeline; requests in MLflow's `/invocations` JSON formats
//! (`dataframe_split`, `dataframe_records`, `instances`, `inputs`) checked against the signature, a
//! mismatch named by column as MLflow names it; predictions as `{"predictions": [...]}`; a CSV scored in
//! slices; and, for one customer, how much each column pushed the probability up or down.
//!
//! The contributions are "what if this column were typical": each column in turn is set to its training
//! reference (the mean for a number, the most frequent level for a category, both kept by the pipeline)
//! and the change in probability is that column's push. It is model-agnostic, exact to compute, and reads
//! plainly; it is not a Shapley value (columns are moved one at a time, so interactions are not shared).

mod explain;
mod logged;
mod request;
mod signature;

pub use explain::{contributions, Contribution};
pub use logged::{LoggedModel, ModelLoadError, Prediction, Scorer, MODEL_FORMAT, MODEL_VERSION};
pub use request::{conform, parse_request, RequestError, MAX_REQUEST_ROWS};
pub use signature::{ColSpec, ColType, Signature};
