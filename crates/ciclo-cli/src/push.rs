//! `ciclo push FILE --tracking-uri URL [--json]`: an export document pushed to an MLflow tracking server.
//!
//! The core's [`Push`] decides every request; this module only sends them with a blocking HTTP client
//! (`ureq`, https through rustls) and prints progress on standard error and a summary on standard output.

use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};
use ciclo_core::exchange::push::{Counts, Method, Push, PushReport, Request, Response};
use ciclo_core::exchange::{Document, FORMAT, FORMAT_VERSION};

use crate::cli::{print, print_json, usage};

/// Runs `ciclo push`.
pub fn push(args: &[String]) -> anyhow::Result<()> {
    let mut file = None;
    let mut tracking_uri = None;
    let mut json = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tracking-uri" => {
                let value = args.next().ok_or_else(|| usage("--tracking-uri needs a value"))?;
                tracking_uri = Some(value.clone());
            }
            "--json" => json = true,
            option if option.starts_with('-') => {
                return Err(usage(format!("unknown option `{option}` for push")))
            }
            path if file.is_none() => file = Some(path.to_string()),
            other => return Err(usage(format!("unexpected argument `{other}`: push takes one FILE"))),
        }
    }
    let file = file.ok_or_else(|| usage("push needs the document FILE to push"))?;
    let tracking_uri = tracking_uri
        .or_else(|| std::env::var("MLFLOW_TRACKING_URI").ok().filter(|uri| !uri.is_empty()))
        .ok_or_else(|| {
            usage("push needs --tracking-uri URL (or MLFLOW_TRACKING_URI), such as http://127.0.0.1:5000")
        })?;
    let base = base_url(&tracking_uri)?;

    let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {file}"))?;
    let doc = parse(&text).with_context(|| format!("{file} is not a Ciclo export document"))?;

    let client = Client::new(&base);
    let mut push = Push::new(&doc);
    let mut shown = None;
    while let Some(request) = push.next_request() {
        let progress = push.progress();
        if !json && shown.as_ref() != Some(&(progress.step, progress.record.clone())) {
            let record = progress.record.as_ref().map(|r| format!(" for {r}")).unwrap_or_default();
            eprintln!("[{}/{}] {}{record}", progress.done, progress.total, progress.step);
            shown = Some((progress.step, progress.record));
        }
        let response = client.send(&request)?;
        if let Err(error) = push.on_response(response) {
            if !json {
                eprint!("{}", summary(push.report(), &base));
            }
            return Err(anyhow!(error).context(format!("push to {base} stopped")));
        }
    }
    if json {
        print_json(&serde_json::to_value(push.report())?)
    } else {
        print(&summary(push.report(), &base))
    }
}

/// Reads an export document.
// When the exchange work lands `ciclo_core::exchange::import::parse` (format and version checked, typed
// errors), call it here instead.
fn parse(text: &str) -> anyhow::Result<Document> {
    let doc: Document = serde_json::from_str(text)?;
    if doc.format != FORMAT {
        bail!("its format is `{}`, not `{FORMAT}`", doc.format.chars().take(40).collect::<String>());
    }
    if doc.format_version > FORMAT_VERSION {
        bail!(
            "it has format version {}, newer than this ciclo's {FORMAT_VERSION}: update ciclo",
            doc.format_version
        );
    }
    Ok(doc)
}

/// The server's URL without a trailing slash, checked to be http or https.
fn base_url(uri: &str) -> anyhow::Result<String> {
    let trimmed = uri.trim().trim_end_matches('/');
    if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
        return Err(usage(format!("--tracking-uri must be an http:// or https:// URL, not `{uri}`")));
    }
    Ok(trimmed.to_string())
}

/// A blocking HTTP client answering every status as a [`Response`].
struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    fn new(base: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Client { base: base.to_string(), agent }
    }

    fn send(&self, request: &Request) -> anyhow::Result<Response> {
        let url = format!("{}{}", self.base, request.path);
        let body = request.body.as_deref().unwrap_or("");
        let content_type = request.content_type.unwrap_or("application/octet-stream");
        let outcome = match request.method {
            Method::Get => self.agent.get(&url).call(),
            Method::Post => self.agent.post(&url).header("Content-Type", content_type).send(body),
            Method::Put => self.agent.put(&url).header("Content-Type", content_type).send(body),
        };
        let mut response = outcome.map_err(|error| match error {
            ureq::Error::Io(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
            | ureq::Error::Timeout(_) => {
                anyhow!("could not reach {}: is `mlflow server` running? ({error})", self.base)
            }
            other => anyhow!("{} {url} failed: {other}", request.method.as_str()),
        })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .with_context(|| format!("reading the answer to {} {url}", request.method.as_str()))?;
        Ok(Response { status, body })
    }
}

/// The summary: counts per kind, warnings, and the server's ids.
fn summary(report: &PushReport, base: &str) -> String {
    let line = |name: &str, counts: Counts| {
        format!(
            "  {name:<12} {} created, {} found already, {} skipped\n",
            counts.created, counts.found, counts.skipped
        )
    };
    let mut out = format!("pushed to {base}\n");
    out += &line("experiments", report.experiments);
    out += &line("runs", report.runs);
    out += &line("artifacts", report.artifacts);
    out += &line("models", report.models);
    out += &line("versions", report.versions);
    out += &line("stages", report.stages);
    out += &line("aliases", report.aliases);
    if report.deleted_runs > 0 {
        out += &format!("  {} run(s) deleted on the server, as in the document\n", report.deleted_runs);
    }
    for warning in &report.warnings {
        out += &format!("warning: {warning}\n");
    }
    for (playground, server) in &report.run_ids {
        out += &format!("  run {playground} -> {server}\n");
    }
    for mapping in &report.versions_map {
        out += &format!(
            "  model `{}` version {} -> {}\n",
            mapping.name, mapping.document_version, mapping.server_version
        );
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn tracking_uris_are_checked() {
        assert_eq!(base_url("http://127.0.0.1:5000/").unwrap(), "http://127.0.0.1:5000");
        assert!(base_url("127.0.0.1:5000").is_err());
        assert!(base_url("file:///tmp/mlruns").is_err());
    }

    #[test]
    fn an_unreachable_server_says_so() {
        // Port 9 (discard) is closed on test machines; the message names the server and the remedy.
        let client = Client::new("http://127.0.0.1:9");
        let request = Request { method: Method::Get, path: "/health".into(), body: None, content_type: None };
        let error = client.send(&request).unwrap_err().to_string();
        assert!(error.contains("could not reach http://127.0.0.1:9: is `mlflow server` running?"), "{error}");
    }

    #[test]
    fn documents_of_another_format_are_refused() {
        assert!(parse("{}").is_err());
        let error = parse(r#"{"format": "other", "format_version": 1, "exported_at": 0, "producer": "", "experiments": [], "runs": []}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("not `ciclo-export`"), "{error}");
    }
}
