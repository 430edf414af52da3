//! [`IdbStore`]: the tracking store in IndexedDB.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use std::collections::BTreeMap;

use ciclo_core::tracking::{
    runs_read_by, sort_snapshot, validate_batch, Change, Experiment, MetricPoint, Run, Snapshot, StoreError,
    Touched, SCHEMA_VERSION,
};
use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    IdbDatabase, IdbIndex, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode, IdbVersionChangeEvent,
};

use crate::error::{backend, backend_opening, plain};
use crate::js::{self, Opened};
use crate::migrate::{
    ArtifactRecord, HistoryRecord, SchemaRecord, ARTIFACTS, EXPERIMENTS, META, METRIC_HISTORIES, RUNS,
    RUNS_BY_PARENT, RUNS_BY_STAGE_AND_START, SCHEMA_KEY,
};
use crate::record::{decode, decode_all, put};
use crate::upgrade::{self, Failure};

/// An open connection to the tracking database: experiments and runs in IndexedDB, in the layout of
/// [`SCHEMA_VERSION`].
///
/// Works in a window and in a worker. Dropping it closes the connection; so does another tab that
/// upgrades or deletes the database, after which every call fails with a message to reload the page.
pub struct IdbStore {
    database: IdbDatabase,
    name: String,
    /// Closes the connection when another connection wants to upgrade or delete the database.
    _on_version_change: Closure<dyn FnMut(IdbVersionChangeEvent)>,
}

impl fmt::Debug for IdbStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdbStore").field("name", &self.name).finish_non_exhaustive()
    }
}

impl IdbStore {
    /// Opens the database `db_name`, creating it or upgrading it to [`SCHEMA_VERSION`] first.
    ///
    /// Fails if IndexedDB is unavailable, if the database was written by a newer Ciclo, or if another tab
    /// keeps an older version open and does not let go (the upgrade then does not happen).
    pub async fn open(db_name: &str) -> Result<IdbStore, StoreError> {
        let context = format!("cannot open the tracking database `{db_name}`");
        let factory = js::factory().map_err(|why| plain(&context, &why))?;
        let request = factory
            .open_with_u32(db_name, SCHEMA_VERSION)
            .map_err(|error| backend_opening(&context, &error))?;

        let failure: Failure = Rc::new(RefCell::new(None));
        let on_upgrade_needed = {
            let (request, context, failure) = (request.clone(), context.clone(), failure.clone());
            Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |event: IdbVersionChangeEvent| {
                upgrade::on_upgrade_needed(&request, event.old_version(), &context, &failure);
            })
        };
        request.set_onupgradeneeded(Some(on_upgrade_needed.as_ref().unchecked_ref()));
        let outcome = js::open_request(&request).await;
        request.set_onupgradeneeded(None);
        drop(on_upgrade_needed);

        let database = match outcome {
            Opened::Success(database) => database
                .dyn_into::<IdbDatabase>()
                .map_err(|_| plain(&context, "the browser returned something other than a database"))?,
            Opened::Blocked => {
                give_up_when_blocked(&request);
                return Err(plain(
                    &context,
                    "another tab has an older version of Ciclo open: close or reload the other Ciclo tabs, then \
                     reload this page",
                ));
            }
            Opened::Failed(error) => {
                return Err(failure.borrow_mut().take().unwrap_or_else(|| backend_opening(&context, &error)));
            }
        };

        let on_version_change = {
            let database = database.clone();
            Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |_: IdbVersionChangeEvent| database.close())
        };
        database.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        Ok(IdbStore { database, name: db_name.to_string(), _on_version_change: on_version_change })
    }

    /// Everything the database holds, in [`sort_snapshot`] order.
    pub async fn load(&self) -> Result<Snapshot, StoreError> {
        let context = format!("cannot read the tracking database `{}`", self.name);
        let transaction = self.transaction(&[EXPERIMENTS, RUNS], IdbTransactionMode::Readonly, &context)?;
        read_all(&transaction, &context).await
    }

    /// Every experiment and the `n` newest active runs (by start time, with every run that ties with the
    /// last of them, so that the search's order, newest first and then by run id, picks the same first `n`
    /// from them as from all runs), in [`sort_snapshot`] order, and how many active runs are stored.
    ///
    /// Reads the index of runs by lifecycle stage and start time backwards, so it costs the same with 50 or
    /// 10,000 runs stored: the page shows its first page from it while [`IdbStore::load`] reads the rest.
    pub async fn load_newest(&self, n: usize) -> Result<(Snapshot, u32), StoreError> {
        let context = format!("cannot read the newest runs of the tracking database `{}`", self.name);
        let transaction = self.transaction(&[EXPERIMENTS, RUNS], IdbTransactionMode::Readonly, &context)?;
        let store = |name: &str| transaction.object_store(name).map_err(|error| backend(&context, &error));
        let (experiments, runs) = (store(EXPERIMENTS)?, store(RUNS)?);
        let index = runs.index(RUNS_BY_STAGE_AND_START).map_err(|error| backend(&context, &error))?;
        let active = stage_range("active").map_err(|error| backend(&context, &error))?;

        let experiments = experiments.get_all().map_err(|error| backend(&context, &error))?;
        let experiments = js::request(&experiments);
        let count = index.count_with_key(&active).map_err(|error| backend(&context, &error))?;
        let count = js::request(&count);
        let mut newest: Vec<Run> = Vec::new();
        if n > 0 {
            let cursor = open_cursor(&index, &active, "prev").map_err(|error| backend(&context, &error))?;
            loop {
                let step = js::request(&cursor).await.map_err(|error| backend(&context, &error))?;
                if step.is_null() || step.is_undefined() {
                    break;
                }
                let value = js_sys::Reflect::get(&step, &JsValue::from_str("value"))
                    .map_err(|error| backend(&context, &error))?;
                let run: Run = decode(value, "run", &context)?;
                if newest.len() >= n && newest.last().is_some_and(|last| last.start_time != run.start_time) {
                    break;
                }
                newest.push(run);
                continue_cursor(&step).map_err(|error| backend(&context, &error))?;
            }
        }
        let experiments = experiments.await.map_err(|error| backend(&context, &error))?;
        let count = count.await.map_err(|error| backend(&context, &error))?;
        let mut snapshot =
            Snapshot { experiments: decode_all(experiments, "experiment", &context)?, runs: newest };
        sort_snapshot(&mut snapshot);
        Ok((snapshot, count.as_f64().unwrap_or(0.0) as u32))
    }

    /// Applies `changes` in order, all or nothing: checks them with [`validate_batch`] against what is
    /// stored and writes them in one transaction, which also holds the reads the check saw, so that
    /// another tab cannot write in between. Returns what the batch touched, to tell other tabs
    /// ([`crate::TrackingChannel::post`]).
    ///
    /// The check reads only what it needs (every experiment, the runs the changes name, their parents, the
    /// children of purged runs, the histories they extend), so a batch costs the same with 10 or 10,000
    /// runs stored. A purge deletes the run's artifacts and histories as key ranges.
    pub async fn apply(&self, changes: &[Change]) -> Result<Touched, StoreError> {
        if changes.is_empty() {
            return Ok(Touched::default());
        }
        let context = format!("cannot save to the tracking database `{}`", self.name);
        let transaction = self.transaction(
            &[EXPERIMENTS, RUNS, ARTIFACTS, METRIC_HISTORIES],
            IdbTransactionMode::Readwrite,
            &context,
        )?;
        let done = js::transaction(&transaction);

        let written = async {
            let store =
                |name: &str| transaction.object_store(name).map_err(|error| backend(&context, &error));
            let (experiments, runs, artifacts, histories) =
                (store(EXPERIMENTS)?, store(RUNS)?, store(ARTIFACTS)?, store(METRIC_HISTORIES)?);
            let (current, mut logged) = read_for(changes, &experiments, &runs, &histories, &context).await?;
            let next = validate_batch(&current, changes)?;
            let touched = Touched::of(changes);

            for change in changes {
                match change {
                    Change::PutArtifact { run_id, path, content, .. } => {
                        let record = ArtifactRecord {
                            run_id: run_id.clone(),
                            path: path.clone(),
                            content: content.clone(),
                        };
                        put(&artifacts, &record, &context)?;
                    }
                    Change::LogMetric { run_id, key, points } => logged
                        .entry((run_id.clone(), key.clone()))
                        .or_insert_with(Vec::new)
                        .extend_from_slice(points),
                    Change::PurgeRun { run_id } => {
                        logged.retain(|(id, _), _| id != run_id);
                        let range = run_range(run_id).map_err(|error| backend(&context, &error))?;
                        for (store, key) in [
                            (&artifacts, JsValue::from(range.clone())),
                            (&histories, range.into()),
                            (&runs, run_id.into()),
                        ] {
                            store.delete(&key).map_err(|error| backend(&context, &error))?;
                        }
                    }
                    Change::PutExperiment(_) | Change::PutRun(_) => {}
                }
            }
            for ((run_id, key), points) in logged {
                put(&histories, &HistoryRecord { run_id, key, points }, &context)?;
            }
            for id in &touched.experiment_ids {
                if let Some(experiment) = next.experiment(id) {
                    put(&experiments, experiment, &context)?;
                }
            }
            for id in &touched.run_ids {
                if let Some(run) = next.run(id) {
                    put(&runs, run, &context)?;
                }
            }
            Ok(touched)
        }
        .await;

        match written {
            Ok(touched) => done.await.map(|()| touched).map_err(|error| backend(&context, &error)),
            Err(error) => {
                // Fails only when the transaction already ended, which `done` then reports.
                let _ = transaction.abort();
                let _ = done.await;
                Err(error)
            }
        }
    }

    /// What the store holds now for the experiments and runs `touched` names (a touched run that is missing
    /// was purged): after another tab applied a batch, feed this to [`Snapshot::merge`].
    pub async fn load_touched(&self, touched: &Touched) -> Result<Snapshot, StoreError> {
        let context = format!("cannot read the tracking database `{}`", self.name);
        let transaction = self.transaction(&[EXPERIMENTS, RUNS], IdbTransactionMode::Readonly, &context)?;
        let store = |name: &str| transaction.object_store(name).map_err(|error| backend(&context, &error));
        let (experiments, runs) = (store(EXPERIMENTS)?, store(RUNS)?);
        let mut snapshot = Snapshot::default();
        for id in &touched.experiment_ids {
            if let Some(experiment) =
                get::<Experiment>(&experiments, &id.into(), "experiment", &context).await?
            {
                snapshot.experiments.push(experiment);
            }
        }
        for id in touched.run_ids.iter().chain(&touched.purged_run_ids) {
            if let Some(run) = get::<Run>(&runs, &id.into(), "run", &context).await? {
                snapshot.runs.push(run);
            }
        }
        sort_snapshot(&mut snapshot);
        Ok(snapshot)
    }

    /// The content of a run's artifact, if stored.
    pub async fn load_artifact(&self, run_id: &str, path: &str) -> Result<Option<String>, StoreError> {
        let context = format!("cannot read the artifact `{path}` of run `{run_id}`");
        let transaction = self.transaction(&[ARTIFACTS], IdbTransactionMode::Readonly, &context)?;
        let store = transaction.object_store(ARTIFACTS).map_err(|error| backend(&context, &error))?;
        let key = Array::of2(&run_id.into(), &path.into());
        let record = get::<ArtifactRecord>(&store, &key.into(), "artifact", &context).await?;
        Ok(record.map(|record| record.content))
    }

    /// Every point logged for a run's metric, in logging order (empty if none).
    pub async fn load_metric_history(&self, run_id: &str, key: &str) -> Result<Vec<MetricPoint>, StoreError> {
        let context = format!("cannot read the history of metric `{key}` of run `{run_id}`");
        let transaction = self.transaction(&[METRIC_HISTORIES], IdbTransactionMode::Readonly, &context)?;
        let store = transaction.object_store(METRIC_HISTORIES).map_err(|error| backend(&context, &error))?;
        let history_key = Array::of2(&run_id.into(), &key.into());
        let record = get::<HistoryRecord>(&store, &history_key.into(), "metric history", &context).await?;
        Ok(record.map(|record| record.points).unwrap_or_default())
    }

    /// How many artifact contents and metric histories are stored (to see that a purge frees them).
    pub async fn blob_count(&self) -> Result<u32, StoreError> {
        let context = format!("cannot count the records of the tracking database `{}`", self.name);
        let transaction =
            self.transaction(&[ARTIFACTS, METRIC_HISTORIES], IdbTransactionMode::Readonly, &context)?;
        let mut total = 0;
        for name in [ARTIFACTS, METRIC_HISTORIES] {
            let request = transaction
                .object_store(name)
                .and_then(|store| store.count())
                .map_err(|error| backend(&context, &error))?;
            let count = js::request(&request).await.map_err(|error| backend(&context, &error))?;
            total += count.as_f64().unwrap_or(0.0) as u32;
        }
        Ok(total)
    }

    /// The layout version recorded in the database's `meta` store.
    pub async fn schema_version(&self) -> Result<u32, StoreError> {
        let context = format!("cannot read the schema version of the tracking database `{}`", self.name);
        let transaction = self.transaction(&[META], IdbTransactionMode::Readonly, &context)?;
        let meta = transaction.object_store(META).map_err(|error| backend(&context, &error))?;
        let request = meta.get(&JsValue::from_str(SCHEMA_KEY)).map_err(|error| backend(&context, &error))?;
        let record = js::request(&request).await.map_err(|error| backend(&context, &error))?;
        if record.is_undefined() {
            return Err(plain(&context, "the `meta` store has no schema record"));
        }
        let record: SchemaRecord = decode(record, "schema record", &context)?;
        Ok(record.version)
    }

    /// Deletes the database `db_name` and everything in it. Open [`IdbStore`]s on it, in this tab or others,
    /// close themselves to let it happen.
    pub async fn delete_database(db_name: &str) -> Result<(), StoreError> {
        let context = format!("cannot delete the tracking database `{db_name}`");
        let factory = js::factory().map_err(|why| plain(&context, &why))?;
        let request = factory.delete_database(db_name).map_err(|error| backend_opening(&context, &error))?;
        match js::open_request(&request).await {
            Opened::Success(_) => Ok(()),
            Opened::Blocked => Err(plain(
                &context,
                "another tab keeps it open: it will be deleted once the other Ciclo tabs are closed",
            )),
            Opened::Failed(error) => Err(backend_opening(&context, &error)),
        }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn transaction(
        &self,
        stores: &[&str],
        mode: IdbTransactionMode,
        context: &str,
    ) -> Result<IdbTransaction, StoreError> {
        self.database
            .transaction_with_str_sequence_and_mode(&js::store_names(stores), mode)
            .map_err(|error| backend(context, &error))
    }
}

impl Drop for IdbStore {
    fn drop(&mut self) {
        self.database.set_onversionchange(None);
        self.database.close();
        // The `onversionchange` closure is dropped after this, once the database no longer refers to it.
    }
}

/// After giving up on a blocked open, makes sure that the request, which still waits for the other tabs,
/// neither upgrades the database without our upgrade steps nor leaves a connection open when it ends.
fn give_up_when_blocked(request: &IdbOpenDbRequest) {
    let aborting = request.clone();
    let abort = Closure::once_into_js(move |_: JsValue| {
        if let Some(transaction) = aborting.transaction() {
            let _ = transaction.abort();
        }
    });
    request.set_onupgradeneeded(Some(abort.unchecked_ref()));
    let closing = request.clone();
    let close = Closure::once_into_js(move |_: JsValue| {
        if let Ok(database) = closing.result().and_then(|database| database.dyn_into::<IdbDatabase>()) {
            database.close();
        }
    });
    request.set_onsuccess(Some(close.unchecked_ref()));
}

/// Reads every experiment and run within `transaction`, in [`sort_snapshot`] order.
async fn read_all(transaction: &IdbTransaction, context: &str) -> Result<Snapshot, StoreError> {
    let get_all = |name: &str| {
        let store = transaction.object_store(name).map_err(|error| backend(context, &error))?;
        let request = store.get_all().map_err(|error| backend(context, &error))?;
        Ok::<_, StoreError>(js::request(&request))
    };
    let (experiments, runs) = (get_all(EXPERIMENTS)?, get_all(RUNS)?);
    let experiments = experiments.await.map_err(|error| backend(context, &error))?;
    let runs = runs.await.map_err(|error| backend(context, &error))?;
    let mut snapshot = Snapshot {
        experiments: decode_all(experiments, "experiment", context)?,
        runs: decode_all(runs, "run", context)?,
    };
    sort_snapshot(&mut snapshot);
    Ok(snapshot)
}

/// The key range of everything stored under `run_id` in a store keyed `[run_id, ...]`: from `[run_id]` up to
/// `[run_id, []]` (arrays sort after strings, so no `[run_id, "..."]` key lies beyond it).
fn run_range(run_id: &str) -> Result<IdbKeyRange, JsValue> {
    let lower = Array::of1(&run_id.into());
    let upper = Array::of2(&run_id.into(), &Array::new());
    IdbKeyRange::bound(&lower, &upper)
}

/// The key range of the index [`RUNS_BY_STAGE_AND_START`] that holds the runs in lifecycle stage `stage`: from
/// `[stage]` up to `[stage, []]` (arrays sort after numbers).
fn stage_range(stage: &str) -> Result<IdbKeyRange, JsValue> {
    IdbKeyRange::bound(&Array::of1(&stage.into()), &Array::of2(&stage.into(), &Array::new()))
}

/// `index.openCursor(range, direction)`: a request whose `success` fires with each record in turn (then
/// with `null`), each time [`continue_cursor`] asks for the next. Called by name, as `web-sys` gates its
/// cursor types behind features this crate does not enable.
fn open_cursor(index: &IdbIndex, range: &IdbKeyRange, direction: &str) -> Result<IdbRequest, JsValue> {
    let open =
        js_sys::Reflect::get(index, &JsValue::from_str("openCursor"))?.dyn_into::<js_sys::Function>()?;
    open.call2(index, range, &JsValue::from_str(direction))?.dyn_into::<IdbRequest>()
}

/// `cursor.continue()`: the cursor's request fires `success` again with the next record.
fn continue_cursor(cursor: &JsValue) -> Result<(), JsValue> {
    let next =
        js_sys::Reflect::get(cursor, &JsValue::from_str("continue"))?.dyn_into::<js_sys::Function>()?;
    next.call0(cursor)?;
    Ok(())
}

/// The record under `key` in `store`, if any.
async fn get<T: serde::de::DeserializeOwned>(
    store: &IdbObjectStore,
    key: &JsValue,
    what: &str,
    context: &str,
) -> Result<Option<T>, StoreError> {
    let request = store.get(key).map_err(|error| backend(context, &error))?;
    let record = js::request(&request).await.map_err(|error| backend(context, &error))?;
    if record.is_undefined() {
        return Ok(None);
    }
    decode(record, what, context).map(Some)
}

/// Histories being extended by a batch, by `(run id, key)`, starting from what is stored.
type Logged = BTreeMap<(String, String), Vec<MetricPoint>>;

/// Reads what [`validate_batch`] needs to check `changes` (see [`runs_read_by`]) and the stored histories
/// that `LogMetric` changes extend.
async fn read_for(
    changes: &[Change],
    experiments: &IdbObjectStore,
    runs: &IdbObjectStore,
    histories: &IdbObjectStore,
    context: &str,
) -> Result<(Snapshot, Logged), StoreError> {
    let request = experiments.get_all().map_err(|error| backend(context, &error))?;
    let all = js::request(&request).await.map_err(|error| backend(context, &error))?;
    let mut snapshot = Snapshot { experiments: decode_all(all, "experiment", context)?, runs: Vec::new() };
    for id in runs_read_by(changes) {
        if let Some(run) = get::<Run>(runs, &id.as_str().into(), "run", context).await? {
            snapshot.runs.push(run);
        }
    }
    let by_parent = runs.index(RUNS_BY_PARENT).map_err(|error| backend(context, &error))?;
    for change in changes {
        if let Change::PurgeRun { run_id } = change {
            let request =
                by_parent.get_all_with_key(&run_id.into()).map_err(|error| backend(context, &error))?;
            let children = js::request(&request).await.map_err(|error| backend(context, &error))?;
            for child in decode_all::<Run>(children, "run", context)? {
                if !snapshot.runs.iter().any(|r| r.run_id == child.run_id) {
                    snapshot.runs.push(child);
                }
            }
        }
    }
    let mut logged = Logged::new();
    for change in changes {
        if let Change::LogMetric { run_id, key, .. } = change {
            let slot = (run_id.clone(), key.clone());
            if logged.contains_key(&slot) {
                continue;
            }
            let history_key = Array::of2(&run_id.into(), &key.into());
            let stored =
                get::<HistoryRecord>(histories, &history_key.into(), "metric history", context).await?;
            logged.insert(slot, stored.map(|record| record.points).unwrap_or_default());
        }
    }
    sort_snapshot(&mut snapshot);
    Ok((snapshot, logged))
}
