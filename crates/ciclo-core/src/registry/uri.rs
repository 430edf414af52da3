//! Model URIs, as MLflow writes them, parsed and resolved against the registry.

use serde::{Deserialize, Serialize};

use super::model::{ModelVersion, Registry, Stage};

/// A parsed model URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModelUri {
    /// `models:/<name>/<version>`.
    Version {
        /// The registered model.
        name: String,
        /// The version number.
        version: u32,
    },
    /// `models:/<name>/<stage>`: the newest version in that stage.
    Stage {
        /// The registered model.
        name: String,
        /// The stage.
        stage: Stage,
    },
    /// `models:/<name>/latest`: the newest version.
    Latest {
        /// The registered model.
        name: String,
    },
    /// `models:/<name>@<alias>`.
    Alias {
        /// The registered model.
        name: String,
        /// The alias.
        alias: String,
    },
    /// `runs:/<run id>/<path>`: a run's logged model, registered or not.
    Run {
        /// The run.
        run_id: String,
        /// The artifact path (`model`).
        path: String,
    },
}

/// Why a URI does not parse or resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// Neither `models:/` nor `runs:/`.
    #[error("`{0}` is not a model URI: write models:/<name>/<version or stage>, models:/<name>@<alias> or runs:/<run id>/model")]
    Scheme(String),
    /// The URI's shape is wrong (the URI, and what is wrong).
    #[error("`{uri}` is malformed: {detail}")]
    Malformed {
        /// The URI.
        uri: String,
        /// What is wrong.
        detail: &'static str,
    },
    /// No registered model has that name.
    #[error("there is no registered model named `{0}`")]
    UnknownModel(String),
    /// The model has no such version.
    #[error("`{name}` has no version {version}")]
    UnknownVersion {
        /// The model.
        name: String,
        /// The version asked for.
        version: u32,
    },
    /// No version is in that stage.
    #[error("`{name}` has no version in stage {stage}")]
    EmptyStage {
        /// The model.
        name: String,
        /// The stage.
        stage: &'static str,
    },
    /// The alias names no version.
    #[error("`{name}` has no alias @{alias}")]
    UnknownAlias {
        /// The model.
        name: String,
        /// The alias.
        alias: String,
    },
    /// The model has no version at all.
    #[error("`{0}` has no version yet")]
    NoVersion(String),
}

/// Parses `uri`.
pub fn parse_uri(uri: &str) -> Result<ModelUri, UriError> {
    let text = uri.trim();
    let malformed = |detail| UriError::Malformed { uri: text.to_string(), detail };
    if let Some(rest) = text.strip_prefix("runs:/") {
        let rest = rest.trim_start_matches('/');
        let (run_id, path) =
            rest.split_once('/').ok_or_else(|| malformed("a run URI ends with /<artifact path>"))?;
        if run_id.is_empty() || path.is_empty() {
            return Err(malformed("a run URI needs a run id and an artifact path"));
        }
        return Ok(ModelUri::Run {
            run_id: run_id.to_string(),
            path: path.trim_end_matches('/').to_string(),
        });
    }
    let Some(rest) = text.strip_prefix("models:/") else { return Err(UriError::Scheme(text.to_string())) };
    let rest = rest.trim_end_matches('/');
    if let Some((name, alias)) = rest.split_once('@') {
        if name.is_empty() || alias.is_empty() || alias.contains('/') {
            return Err(malformed("an alias URI is models:/<name>@<alias>"));
        }
        return Ok(ModelUri::Alias { name: name.to_string(), alias: alias.to_string() });
    }
    let (name, which) =
        rest.rsplit_once('/').ok_or_else(|| malformed("write models:/<name>/<version or stage>"))?;
    if name.is_empty() || which.is_empty() {
        return Err(malformed("write models:/<name>/<version or stage>"));
    }
    let name = name.to_string();
    if which.eq_ignore_ascii_case("latest") {
        return Ok(ModelUri::Latest { name });
    }
    if let Ok(version) = which.parse::<u32>() {
        if version == 0 {
            return Err(malformed("versions start at 1"));
        }
        return Ok(ModelUri::Version { name, version });
    }
    match Stage::parse(which) {
        Some(stage) => Ok(ModelUri::Stage { name, stage }),
        None => Err(malformed(
            "after the name comes a version number, a stage (None, Staging, Production, Archived) or latest",
        )),
    }
}

/// What a URI names.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved<'a> {
    /// A registered version.
    Version(&'a ModelVersion),
    /// A run's model, registered or not.
    Run {
        /// The run.
        run_id: String,
    },
}

impl Resolved<'_> {
    /// The run whose model this is.
    pub fn run_id(&self) -> &str {
        match self {
            Resolved::Version(v) => &v.run_id,
            Resolved::Run { run_id } => run_id,
        }
    }
}

/// Parses `uri` and finds what it names in `registry` (a `runs:/` URI is not checked against the runs).
pub fn resolve<'a>(registry: &'a Registry, uri: &str) -> Result<Resolved<'a>, UriError> {
    let parsed = parse_uri(uri)?;
    let known =
        |name: &str| registry.model(name).map(|_| ()).ok_or_else(|| UriError::UnknownModel(name.to_string()));
    match parsed {
        ModelUri::Run { run_id, .. } => Ok(Resolved::Run { run_id }),
        ModelUri::Version { name, version } => {
            known(&name)?;
            registry
                .version(&name, version)
                .map(Resolved::Version)
                .ok_or(UriError::UnknownVersion { name, version })
        }
        ModelUri::Stage { name, stage } => {
            known(&name)?;
            registry
                .latest_in_stage(&name, stage)
                .map(Resolved::Version)
                .ok_or(UriError::EmptyStage { name, stage: stage.as_str() })
        }
        ModelUri::Latest { name } => {
            known(&name)?;
            registry
                .versions_of(&name)
                .max_by_key(|v| v.version)
                .map(Resolved::Version)
                .ok_or(UriError::NoVersion(name))
        }
        ModelUri::Alias { name, alias } => {
            known(&name)?;
            registry
                .by_alias(&name, &alias)
                .map(Resolved::Version)
                .ok_or(UriError::UnknownAlias { name, alias })
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    fn parses(uri: &str, expected: Result<ModelUri, &str>) {
        let got = parse_uri(uri).map_err(|e| e.to_string());
        match expected {
            Ok(want) => assert_eq!(got, Ok(want), "{uri}"),
            Err(part) => assert!(got.as_ref().is_err_and(|e| e.contains(part)), "{uri}: {got:?}"),
        }
    }

    #[test]
    fn uris_parse_as_mlflow_writes_them() {
        let name = || "churn".to_string();
        parses("models:/churn/3", Ok(ModelUri::Version { name: name(), version: 3 }));
        parses("models:/churn/Production", Ok(ModelUri::Stage { name: name(), stage: Stage::Production }));
        parses("models:/churn/staging", Ok(ModelUri::Stage { name: name(), stage: Stage::Staging }));
        parses("models:/churn/latest", Ok(ModelUri::Latest { name: name() }));
        parses(" models:/churn@champion ", Ok(ModelUri::Alias { name: name(), alias: "champion".into() }));
        parses("runs:/abc123/model", Ok(ModelUri::Run { run_id: "abc123".into(), path: "model".into() }));
        parses("s3://bucket/model", Err("is not a model URI"));
        parses("models:/churn", Err("write models:/<name>/<version or stage>"));
        parses("models:/churn/0", Err("versions start at 1"));
        parses("models:/churn/Prod", Err("a stage (None, Staging, Production, Archived)"));
        parses("models:/churn@", Err("models:/<name>@<alias>"));
        parses("runs:/abc123", Err("ends with /<artifact path>"));
    }
}
