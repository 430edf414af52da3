//! `ciclo profile`: what the Data page shows about a file, on the command line: the schema (kind and
//! role of each column), blank cells and their fill, and a per-column profile.

use ciclo_core::dataset::format_number;
use ciclo_core::ingest::{self, ColumnRole, IngestError};
use ciclo_core::profile::profile;

use crate::cli::{print, print_json, usage, Options, RunOptions};
use crate::experiment::{ingest_json, ingest_notes, set};

/// `ciclo profile`.
pub fn profile_command(args: &[String]) -> anyhow::Result<()> {
    let mut options = RunOptions::default();
    let mut cursor = Options::new(args);
    while let Some(option) = cursor.next_option()? {
        match option {
            "-h" | "--help" => return print(crate::HELP),
            "--data" | "--target" | "--json" | "--fill" => {
                options.accept(option, &mut cursor)?;
            }
            other => return Err(usage(format!("unknown option `{other}` for `ciclo profile`"))),
        }
    }
    let path = options.data("profile")?;
    // A file without `Churn` and no --target is still profiled, without a target.
    let ingested = match crate::experiment::load(path, &options) {
        Err(error) if options.target.is_none() && is_no_target(&error) => None,
        other => Some(other?),
    };
    let (data, schema, target) = match &ingested {
        Some(ingested) => (ingested.dataset.clone(), ingested.schema.clone(), Some(ingested.target.clone())),
        None => {
            let bytes = std::fs::read(path)?;
            let data = ingest::read_csv(path, &bytes)?;
            let schema = ingest::schema(&data, "");
            (data, schema, None)
        }
    };
    let profiles = profile(&data, target.as_deref());

    if options.json {
        let mut json = serde_json::json!({
            "command": "profile",
            "rows": data.n_rows(),
            "columns": data.columns().len(),
            "digest": data.digest(),
            "target": target,
            "schema": schema,
            "profile": profiles,
        });
        if let Some(ingested) = &ingested {
            set(&mut json, "data", ingest_json(ingested));
        }
        return print_json(&json);
    }

    let mut text = format!(
        "{}: {} rows, {} columns, digest {}\n",
        data.name,
        data.n_rows(),
        data.columns().len(),
        data.digest()
    );
    match &target {
        Some(target) => text.push_str(&format!("target: `{target}`\n")),
        None => text.push_str("target: none (no `Churn` column; choose one with --target)\n"),
    }
    text.push_str("column               kind         role      missing  distinct  summary\n");
    for (column, p) in schema.iter().zip(&profiles) {
        let role = match &column.role {
            ColumnRole::Feature => "feature",
            ColumnRole::Target => "target",
            ColumnRole::Id { .. } => "id",
            ColumnRole::Empty => "empty",
        };
        let summary = match (&p.numeric, p.top.is_empty()) {
            (Some(n), true) => format!(
                "min {} max {} mean {:.2} std {:.2}",
                format_number(n.min),
                format_number(n.max),
                n.mean,
                n.std
            ),
            (_, false) => p
                .top
                .iter()
                .map(|c| match c.target_rate {
                    Some(rate) => format!("{} {} ({:.0}% positive)", c.level, c.count, rate * 100.0),
                    None => format!("{} {}", c.level, c.count),
                })
                .collect::<Vec<_>>()
                .join(", "),
            (None, true) => String::new(),
        };
        text.push_str(&format!(
            "{:<20} {:<12} {:<9} {:>7}  {:>8}  {summary}\n",
            column.name,
            format!("{:?}", column.kind).to_lowercase(),
            role,
            column.missing,
            column.distinct
        ));
    }
    if let Some(ingested) = &ingested {
        text.push_str(&ingest_notes(ingested));
    }
    print(&text)
}

fn is_no_target(error: &anyhow::Error) -> bool {
    matches!(error.downcast_ref::<IngestError>(), Some(IngestError::NoTarget { .. }))
}
