//! MLflow's REST wire format, as far as pushing needs it: percent-encoding, the `log-batch` chunks within
//! the server's limits, and reading answers without ever panicking.

use serde_json::{json, Value as Json};

use crate::exchange::{Point, RunRecord, RUN_ID_TAG};
use crate::tracking::PARENT_RUN_ID_TAG;

/// MLflow's `MAX_PARAMS_TAGS_PER_BATCH` (`mlflow/utils/validation.py`, 3.17): params per `log-batch`,
/// and tags per `log-batch`.
pub const MAX_PARAMS_TAGS_PER_BATCH: usize = 100;
/// MLflow's `MAX_METRICS_PER_BATCH`: metric points per `log-batch`.
pub const MAX_METRICS_PER_BATCH: usize = 1000;
/// MLflow's `MAX_ENTITIES_PER_BATCH`: params, tags and metrics together per `log-batch`.
pub const MAX_ENTITIES_PER_BATCH: usize = 1000;

/// The tag that says how far a push of a run got: [`PUSH_STARTED`] when created, [`PUSH_COMPLETE`] once
/// everything was logged and the status set, [`PUSH_ABANDONED`] on a run a later push replaced.
pub const PUSH_TAG: &str = "ciclo.push";
/// See [`PUSH_TAG`].
pub const PUSH_STARTED: &str = "started";
/// See [`PUSH_TAG`].
pub const PUSH_COMPLETE: &str = "complete";
/// See [`PUSH_TAG`].
pub const PUSH_ABANDONED: &str = "abandoned";

/// The tags a push sets itself: a document's own values for them are not copied.
pub fn is_reserved_tag(key: &str) -> bool {
    key == RUN_ID_TAG || key == PUSH_TAG || key == PARENT_RUN_ID_TAG
}

/// Percent-encodes `text` for a URL's query or path segment: everything but RFC 3986's unreserved
/// characters (UTF-8 bytes encoded one by one).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Percent-encodes each `/`-separated segment of `path`, keeping the slashes.
pub fn encode_path(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}

/// A string for MLflow's search filters: in single quotes, or in double quotes when it holds a single
/// quote (MLflow's filter grammar has no escape; checked against 3.17.2). A value with both kinds of quote
/// cannot be written; the search then finds nothing, and the push creates the record.
pub fn quoted(text: &str) -> String {
    if text.contains('\'') && !text.contains('"') {
        format!("\"{text}\"")
    } else {
        format!("'{text}'")
    }
}

/// One `log-batch` call's content.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// Parameters.
    pub params: Vec<(String, String)>,
    /// Tags.
    pub tags: Vec<(String, String)>,
    /// Metric points, with their key.
    pub metrics: Vec<(String, Point)>,
}

impl Batch {
    fn len(&self) -> usize {
        self.params.len() + self.tags.len() + self.metrics.len()
    }

    /// The request body for the server's run `run_id`.
    pub fn body(&self, run_id: &str) -> String {
        let pairs = |items: &[(String, String)]| -> Vec<Json> {
            items.iter().map(|(key, value)| json!({"key": key, "value": value})).collect()
        };
        let metrics: Vec<Json> = self
            .metrics
            .iter()
            .map(|(key, point)| {
                // `Value` writes NaN as the string "NaN", which MLflow's protobuf JSON parser reads as NaN;
                // a bare `NaN` token is read by Python's json but logged as 0 at timestamp 0.
                let value = serde_json::to_value(point.value).unwrap_or(Json::Null);
                json!({"key": key, "value": value, "timestamp": point.timestamp, "step": point.step})
            })
            .collect();
        json!({"run_id": run_id, "params": pairs(&self.params), "tags": pairs(&self.tags), "metrics": metrics})
            .to_string()
    }

    /// The keys it carries, to name the one a refusal is about.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .map(|(key, _)| key.as_str())
            .chain(self.tags.iter().map(|(key, _)| key.as_str()))
            .chain(self.metrics.iter().map(|(key, _)| key.as_str()))
    }
}

/// A run's params, tags (without the reserved ones, see [`is_reserved_tag`]) and every metric point, cut
/// into `log-batch` calls within MLflow's limits. A metric with a latest value but no history is sent as
/// its latest point, or at step 0 and the run's start time when it has none.
pub fn batches(run: &RunRecord) -> Vec<Batch> {
    let mut out = Vec::new();
    let mut current = Batch::default();
    let flush = |current: &mut Batch, out: &mut Vec<Batch>| {
        if current.len() > 0 {
            out.push(std::mem::take(current));
        }
    };
    for (key, value) in &run.params {
        if current.params.len() >= MAX_PARAMS_TAGS_PER_BATCH || current.len() >= MAX_ENTITIES_PER_BATCH {
            flush(&mut current, &mut out);
        }
        current.params.push((key.clone(), value.clone()));
    }
    for (key, value) in run.tags.iter().filter(|(key, _)| !is_reserved_tag(key)) {
        if current.tags.len() >= MAX_PARAMS_TAGS_PER_BATCH || current.len() >= MAX_ENTITIES_PER_BATCH {
            flush(&mut current, &mut out);
        }
        current.tags.push((key.clone(), value.clone()));
    }
    for (key, point) in metric_points(run) {
        if current.metrics.len() >= MAX_METRICS_PER_BATCH || current.len() >= MAX_ENTITIES_PER_BATCH {
            flush(&mut current, &mut out);
        }
        current.metrics.push((key.to_string(), point));
    }
    flush(&mut current, &mut out);
    out
}

/// Every point of every metric of `run`, history first.
fn metric_points(run: &RunRecord) -> Vec<(&str, Point)> {
    let mut points = Vec::new();
    for (key, history) in &run.metric_history {
        points.extend(history.iter().map(|point| (key.as_str(), *point)));
    }
    for (key, value) in &run.metrics {
        if run.metric_history.get(key).is_some_and(|history| !history.is_empty()) {
            continue;
        }
        let point = run.latest_points.get(key).copied().unwrap_or(Point {
            value: *value,
            step: 0,
            timestamp: run.start_time,
        });
        points.push((key.as_str(), point));
    }
    points
}

/// MLflow's `{"key": .., "value": ..}` list from `(key, value)` pairs.
pub fn tag_list<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> Json {
    Json::Array(tags.into_iter().map(|(key, value)| json!({"key": key, "value": value})).collect())
}

/// A server's error answer: `error_code` and `message`, or the HTTP status and the start of the body when
/// it is not MLflow's JSON (a proxy's page, say). The message is cut to [`MESSAGE_LIMIT`] characters.
pub fn error_of(status: u16, body: &str) -> (String, String) {
    let parsed: Option<Json> = serde_json::from_str(body).ok();
    let field = |name: &str| parsed.as_ref().and_then(|json| json.get(name)).and_then(Json::as_str);
    match (field("error_code"), field("message")) {
        (Some(code), message) => (code.to_string(), bounded(message.unwrap_or(""))),
        (None, _) => (format!("HTTP {status}"), bounded(body.trim())),
    }
}

/// How many characters of a server's message an error keeps.
pub const MESSAGE_LIMIT: usize = 500;

/// `text` cut to [`MESSAGE_LIMIT`] characters, with `…` when cut.
pub fn bounded(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(MESSAGE_LIMIT).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// Reads `pointer` (a JSON pointer such as `/run/info/run_id`) as text.
pub fn text_at(json: &Json, pointer: &str) -> Option<String> {
    match json.pointer(pointer)? {
        Json::String(text) => Some(text.clone()),
        Json::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The value of tag `key` in an MLflow tag list at `pointer`.
pub fn tag_at<'a>(json: &'a Json, pointer: &str, key: &str) -> Option<&'a str> {
    json.pointer(pointer)?
        .as_array()?
        .iter()
        .find(|tag| tag.get("key").and_then(Json::as_str) == Some(key))?
        .get("value")?
        .as_str()
}

/// The path under `/api/2.0/mlflow-artifacts/artifacts/` of a run whose artifact URI is
/// `mlflow-artifacts:/…` (the server proxies its artifacts); `None` for any other store.
pub fn proxied_root(artifact_uri: &str) -> Option<String> {
    let rest = artifact_uri.strip_prefix("mlflow-artifacts:")?;
    // `mlflow-artifacts:/1/<id>/artifacts`, or with a host: `mlflow-artifacts://host:port/1/...`.
    let path = match rest.strip_prefix("//") {
        Some(with_host) => with_host.split_once('/').map(|(_, path)| path)?,
        None => rest,
    };
    let path = path.trim_matches('/');
    (!path.is_empty()).then(|| path.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn encodes_queries_and_paths() {
        assert_eq!(encode("churn <script> é"), "churn%20%3Cscript%3E%20%C3%A9");
        assert_eq!(encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode_path("1/x/artifacts/model/m o.json"), "1/x/artifacts/model/m%20o.json");
        assert_eq!(quoted("abc"), "'abc'");
        assert_eq!(quoted("it's"), "\"it's\"");
    }

    #[test]
    fn finds_the_proxied_root() {
        assert_eq!(proxied_root("mlflow-artifacts:/1/abc/artifacts").as_deref(), Some("1/abc/artifacts"));
        assert_eq!(
            proxied_root("mlflow-artifacts://h:5000/1/abc/artifacts").as_deref(),
            Some("1/abc/artifacts")
        );
        assert_eq!(proxied_root("file:///tmp/mlruns/1/abc/artifacts"), None);
        assert_eq!(proxied_root("s3://bucket/1"), None);
        assert_eq!(proxied_root("mlflow-artifacts:/"), None);
    }

    #[test]
    fn reads_errors_whether_json_or_not() {
        let (code, message) =
            error_of(404, r#"{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no such run"}"#);
        assert_eq!((code.as_str(), message.as_str()), ("RESOURCE_DOES_NOT_EXIST", "no such run"));
        let (code, message) = error_of(502, "<html>bad gateway</html>");
        assert_eq!((code.as_str(), message.as_str()), ("HTTP 502", "<html>bad gateway</html>"));
        let (_, message) =
            error_of(400, &format!(r#"{{"error_code": "X", "message": "{}"}}"#, "é".repeat(900)));
        assert_eq!(message.chars().count(), MESSAGE_LIMIT + 1);
    }
}
