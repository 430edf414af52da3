//! The page's tracking store: an in-memory working set that the page reads, written behind to IndexedDB and
//! kept in step with the other open tabs.
//!
//! At start the page opens `ciclo-store`'s IndexedDB store, loads it into the [`Tracking::snapshot`] signal,
//! and ends the runs a closed tab left RUNNING (those no open tab holds a run lock for) as KILLED. Every
//! batch of changes is validated and applied to memory at once (so the page never waits for storage) and
//! queued for IndexedDB, where batches are written one after another, each in one transaction; each written
//! batch is announced on the [`TrackingChannel`], and the batches other tabs announce are read back and
//! merged into the snapshot.
//!
//! The working set stays the page's source of truth: it is what IndexedDB holds plus the batches not yet
//! written. After a merge, the pending batches that touch the merged records are applied again on top.
//! When IndexedDB refuses a batch (another tab changed a record in between: deleted the run, say), the
//! touched records are read back from IndexedDB and the page carries on with them. When IndexedDB cannot
//! be opened or a write fails (a full disk), the page says so in one sentence and keeps working in memory,
//! artifacts and metric histories included.
//!
//! Reading every run takes IndexedDB about a second with 10,000 runs (issue 4), so the newest page of active
//! runs is read first, through an index, into [`Tracking::newest`]: the runs table shows it at once. The
//! working set itself is only ever complete: it stays empty, and the status [`StorageStatus::Opening`],
//! until every run is loaded, as before, so writes, the recovery of abandoned runs and other tabs' batches
//! never meet a partial snapshot.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use ciclo_core::tracking::{self, validate_batch, Change, MetricPoint, Snapshot, StoreError, Touched};
use ciclo_store::{IdbStore, TrackingChannel};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::runs_table::PAGE_SIZE;

/// The IndexedDB database name.
pub const DB_NAME: &str = "ciclo";

/// Where the tracking data lives.
#[derive(Debug, Clone, PartialEq)]
pub enum StorageStatus {
    /// IndexedDB is being opened; the page waits before training.
    Opening,
    /// Saved in IndexedDB: survives a reload.
    Persistent,
    /// IndexedDB could not be opened or a write failed: memory only, with the browser's reason.
    MemoryOnly {
        /// The reason, in the browser's words.
        reason: String,
    },
}

/// The newest active runs, read before the rest while the store opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Newest {
    /// Every experiment and the newest [`PAGE_SIZE`] active runs (with those tying with the last of them),
    /// so that the runs table's default view of them is its default view of all runs.
    pub snapshot: Snapshot,
    /// How many active runs are stored.
    pub active_runs: u32,
}

/// A batch of changes as the backend keeps it (shared, as artifacts can be large).
type Batch = Rc<Vec<Change>>;

/// Where batches are written.
enum Writer {
    /// IndexedDB is being opened: batches wait in the queue.
    Opening,
    /// Batches are written to IndexedDB.
    Idb(Rc<IdbStore>),
    /// Memory only: batches are kept in [`Backend::unsaved`].
    Memory,
}

struct Backend {
    writer: Writer,
    /// The database to read from: still there after a failed write (a full disk still reads).
    reader: Option<Rc<IdbStore>>,
    /// Tells the other tabs what each written batch touched, and hears theirs.
    channel: Option<TrackingChannel>,
    /// Batches applied to memory and waiting to be written.
    queue: VecDeque<Batch>,
    /// The batch being written.
    in_flight: Option<Batch>,
    /// Whether a task is writing the queue.
    draining: bool,
    /// Batches applied to memory that will never be written (memory only), in order: the artifacts and
    /// metric histories of a memory-only page are read from them.
    unsaved: Vec<Batch>,
}

impl Backend {
    /// Every batch applied to memory and not (yet) in IndexedDB, in order: unsaved, in flight, queued.
    fn pending(&self) -> Vec<Batch> {
        self.unsaved.iter().chain(&self.in_flight).chain(&self.queue).cloned().collect()
    }

    /// The pending batches an IndexedDB read started now does not see: unsaved and queued (the batch in
    /// flight has its transaction already, which a later read waits for).
    fn unseen_by_reads(&self) -> Vec<Batch> {
        self.unsaved.iter().chain(&self.queue).cloned().collect()
    }
}

/// A handle to the tracking store (cheap to copy; lives as long as the app).
#[derive(Clone, Copy)]
pub struct Tracking {
    /// Everything held, as the page shows it.
    pub snapshot: RwSignal<Snapshot>,
    /// Where it is kept.
    pub status: RwSignal<StorageStatus>,
    /// While the store opens (status [`StorageStatus::Opening`]), the newest runs once read; `None` before
    /// and after. For showing only: every write and search works on [`Tracking::snapshot`].
    pub newest: RwSignal<Option<Newest>>,
    backend: StoredValue<Rc<RefCell<Backend>>, LocalStorage>,
}

impl Tracking {
    /// Opens the store [`DB_NAME`] and loads it; `on_loaded` runs once the page may use it (loaded or fallen
    /// back to memory).
    pub fn open(on_loaded: impl FnOnce() + 'static) -> Tracking {
        Tracking::open_named(DB_NAME, on_loaded)
    }

    /// [`Tracking::open`] on the database `db_name` (tests use their own).
    pub fn open_named(db_name: &str, on_loaded: impl FnOnce() + 'static) -> Tracking {
        let tracking = Tracking {
            snapshot: RwSignal::new(Snapshot::default()),
            status: RwSignal::new(StorageStatus::Opening),
            newest: RwSignal::new(None),
            backend: StoredValue::new_local(Rc::new(RefCell::new(Backend {
                writer: Writer::Opening,
                reader: None,
                channel: None,
                queue: VecDeque::new(),
                in_flight: None,
                draining: false,
                unsaved: Vec::new(),
            }))),
        };
        let db_name = db_name.to_string();
        spawn_local(async move {
            match tracking.load(&db_name).await {
                Ok((idb, snapshot)) => tracking.opened(&db_name, Rc::new(idb), snapshot),
                Err(error) => tracking.fall_back(&error),
            }
            on_loaded();
        });
        tracking
    }

    /// Opens the database, shows its newest runs, loads it and ends the runs closed tabs left RUNNING.
    async fn load(self, db_name: &str) -> Result<(IdbStore, Snapshot), StoreError> {
        let idb = IdbStore::open(db_name).await?;
        match idb.load_newest(PAGE_SIZE).await {
            Ok((snapshot, active_runs)) => {
                self.newest.try_set(Some(Newest { snapshot, active_runs }));
            }
            // Only slower: the table shows its first page once everything is loaded.
            Err(error) => log::warn!("the newest runs could not be read first: {error}"),
        }
        let mut snapshot = idb.load().await?;
        let live = ciclo_store::live_runs().await.unwrap_or_else(|error| {
            // Without Web Locks no tab can say it is training: recover them all. A tab still training one
            // records its real end when it finishes.
            log::warn!("recovering every RUNNING run: {error}");
            Default::default()
        });
        let now = js_sys::Date::now() as i64;
        let recovered = tracking::recover_unfinished_except(&snapshot, now, &live);
        if !recovered.is_empty() {
            let touched = idb.apply(&recovered).await?;
            snapshot.merge(idb.load_touched(&touched).await?, &touched);
            if let Ok(channel) = TrackingChannel::open(db_name) {
                let _ = channel.post(&touched);
            }
        }
        Ok((idb, snapshot))
    }

    /// The store is open: show what it holds with the batches applied meanwhile, listen to other tabs,
    /// write what waited.
    fn opened(self, db_name: &str, idb: Rc<IdbStore>, loaded: Snapshot) {
        let channel = match TrackingChannel::open(db_name) {
            Ok(mut channel) => {
                channel.listen(move |touched| spawn_local(self.reload(touched)));
                Some(channel)
            }
            Err(error) => {
                log::warn!("other tabs' runs will show after a reload: {error}");
                None
            }
        };
        let backend = self.backend.get_value();
        let waiting: Vec<Batch> = {
            let mut b = backend.borrow_mut();
            b.writer = Writer::Idb(idb.clone());
            b.reader = Some(idb);
            b.channel = channel;
            b.queue.iter().cloned().collect()
        };
        self.snapshot.set(rebase(loaded, &waiting, |_| true));
        self.newest.set(None);
        self.status.set(StorageStatus::Persistent);
        self.start_writing(&backend);
    }

    /// IndexedDB cannot be used: keep everything in memory from now on, and say why.
    fn fall_back(self, error: &StoreError) {
        log::warn!("tracking store falls back to memory: {error}");
        let backend = self.backend.get_value();
        let mut b = backend.borrow_mut();
        b.writer = Writer::Memory;
        let failed: Vec<Batch> = b.in_flight.take().into_iter().chain(b.queue.drain(..)).collect();
        b.unsaved.extend(failed);
        drop(b);
        self.newest.try_set(None);
        self.status.set(StorageStatus::MemoryOnly { reason: error.to_string() });
    }

    /// Applies `changes` to the page's working set at once, all or nothing, and queues them for IndexedDB.
    pub fn apply(self, changes: Vec<Change>) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        // In place, copying only the records the check reads: a copy of every run per batch blocked the main
        // thread for over 100 ms with 10,000 runs held (issue 4). Readers are told only of an accepted batch.
        self.snapshot
            .try_update_untracked(|current| tracking::apply_batch(current, &changes))
            .ok_or_else(|| StoreError::Backend("the page's tracking store is closed".to_string()))??;
        self.snapshot.notify();
        let backend = self.backend.get_value();
        let batch = Rc::new(changes);
        let mut b = backend.borrow_mut();
        match b.writer {
            Writer::Memory => b.unsaved.push(batch),
            Writer::Opening | Writer::Idb(_) => b.queue.push_back(batch),
        }
        drop(b);
        self.start_writing(&backend);
        Ok(())
    }

    /// Soft-deletes a run and its descendants (MLflow's `delete_run`).
    pub fn delete_run(self, run_id: &str) -> Result<(), StoreError> {
        let now = js_sys::Date::now() as i64;
        self.apply(self.changes(|s| tracking::delete_run(s, run_id, now))?)
    }

    /// Restores a deleted run, its descendants and its deleted ancestors (MLflow's `restore_run`).
    pub fn restore_run(self, run_id: &str) -> Result<(), StoreError> {
        self.apply(self.changes(|s| tracking::restore_run(s, run_id))?)
    }

    /// Removes a deleted run and its descendants for good, freeing their artifacts and histories; returns
    /// how many runs went.
    pub fn purge_run(self, run_id: &str) -> Result<usize, StoreError> {
        self.purge(self.changes(|s| tracking::purge_run(s, run_id))?)
    }

    /// Purges every deleted run (MLflow's `gc`: empties the trash); returns how many runs went.
    pub fn purge_deleted(self) -> Result<usize, StoreError> {
        self.purge(self.changes(|s| Ok(tracking::purge_deleted(s)))?)
    }

    fn purge(self, changes: Vec<Change>) -> Result<usize, StoreError> {
        let purged = changes.iter().filter(|c| matches!(c, Change::PurgeRun { .. })).count();
        self.apply(changes).map(|()| purged)
    }

    /// The changes `build` makes from the current working set.
    fn changes(
        self,
        build: impl FnOnce(&Snapshot) -> Result<Vec<Change>, StoreError>,
    ) -> Result<Vec<Change>, StoreError> {
        self.snapshot
            .try_with_untracked(build)
            .unwrap_or_else(|| Err(StoreError::Backend("the page's tracking store is closed".to_string())))
    }

    /// The content of a run's artifact (`None` if the run does not list it): from memory when it is not
    /// written yet or the page works in memory only, otherwise from IndexedDB.
    pub async fn load_artifact(self, run_id: &str, path: &str) -> Result<Option<String>, StoreError> {
        let listed =
            self.snapshot.try_with_untracked(|s| s.run(run_id).is_some_and(|r| r.artifact(path).is_some()));
        if listed != Some(true) {
            return Ok(None);
        }
        let (unseen, reader) = self.unseen_and_reader();
        if let Some(content) = artifact_in(&unseen, run_id, path) {
            return Ok(content);
        }
        match reader {
            Some(idb) => idb.load_artifact(run_id, path).await,
            None => Ok(None),
        }
    }

    /// Every point logged for a run's metric, in logging order: what IndexedDB holds followed by what is
    /// only in memory.
    pub async fn load_metric_history(self, run_id: &str, key: &str) -> Result<Vec<MetricPoint>, StoreError> {
        if self.snapshot.try_with_untracked(|s| s.run(run_id).is_some()) != Some(true) {
            return Ok(Vec::new());
        }
        let (unseen, reader) = self.unseen_and_reader();
        let (purged, in_memory) = history_in(&unseen, run_id, key);
        let mut points = match reader {
            Some(idb) if !purged => idb.load_metric_history(run_id, key).await?,
            _ => Vec::new(),
        };
        points.extend(in_memory);
        Ok(points)
    }

    /// The batches an IndexedDB read started now would not see, and the database to read.
    fn unseen_and_reader(self) -> (Vec<Batch>, Option<Rc<IdbStore>>) {
        let backend = self.backend.get_value();
        let b = backend.borrow();
        (b.unseen_by_reads(), b.reader.clone())
    }

    /// Whether every batch applied so far is written (or will never be: memory only). Tests wait on it.
    pub fn is_settled(self) -> bool {
        let backend = self.backend.get_value();
        let b = backend.borrow();
        !matches!(b.writer, Writer::Opening) && b.queue.is_empty() && b.in_flight.is_none()
    }

    /// Starts the writing task unless it runs already or there is nowhere to write yet.
    fn start_writing(self, backend: &Rc<RefCell<Backend>>) {
        let mut b = backend.borrow_mut();
        if matches!(b.writer, Writer::Idb(_)) && !b.queue.is_empty() && !b.draining {
            b.draining = true;
            spawn_local(self.drain(backend.clone()));
        }
    }

    /// Writes queued batches in order, one transaction each, and tells the other tabs.
    async fn drain(self, backend: Rc<RefCell<Backend>>) {
        loop {
            let next = {
                let b = &mut *backend.borrow_mut();
                match (&b.writer, b.queue.pop_front()) {
                    (Writer::Idb(idb), Some(batch)) => {
                        let idb = idb.clone();
                        b.in_flight = Some(batch.clone());
                        Some((idb, batch))
                    }
                    (_, batch) => {
                        // Put back a batch that found nowhere to write.
                        if let Some(batch) = batch {
                            b.queue.push_front(batch);
                        }
                        b.draining = false;
                        None
                    }
                }
            };
            let Some((idb, batch)) = next else { return };
            match idb.apply(&batch).await {
                Ok(touched) => {
                    let mut b = backend.borrow_mut();
                    b.in_flight = None;
                    if let Some(Err(error)) = b.channel.as_ref().map(|c| c.post(&touched)) {
                        log::warn!("other tabs will see this batch after a reload: {error}");
                    }
                }
                Err(error @ StoreError::Backend(_)) => {
                    log::error!("IndexedDB write failed: {error}");
                    backend.borrow_mut().draining = false;
                    self.fall_back(&error);
                    return;
                }
                Err(refused) => {
                    // IndexedDB holds something this tab did not know: another tab changed it. Take the
                    // stored records instead of the refused batch.
                    log::warn!("IndexedDB refused a batch another tab overtook, reloading it: {refused}");
                    backend.borrow_mut().in_flight = None;
                    self.reload(Touched::of(&batch)).await;
                }
            }
        }
    }

    /// Reads back the records `touched` names (another tab wrote them, or IndexedDB refused this tab's
    /// batch) and merges them into the working set, with the pending batches that touch them applied again.
    async fn reload(self, touched: Touched) {
        let Some(idb) = self.backend.try_get_value().and_then(|b| b.borrow().reader.clone()) else { return };
        match idb.load_touched(&touched).await {
            Ok(loaded) => {
                let pending = self.backend.get_value().borrow().pending();
                self.snapshot.try_update(|snapshot| {
                    let mut merged = std::mem::take(snapshot);
                    merged.merge(loaded, &touched);
                    *snapshot = rebase(merged, &pending, |batch| overlaps(&Touched::of(batch), &touched));
                });
            }
            Err(error) => log::warn!("could not read the runs another tab saved: {error}"),
        }
    }
}

/// `base` with every batch of `pending` that `select` picks applied again in order; a batch that no longer
/// applies is left out (IndexedDB will refuse it too, and the records are then read back).
fn rebase(base: Snapshot, pending: &[Batch], select: impl Fn(&[Change]) -> bool) -> Snapshot {
    pending.iter().filter(|batch| select(batch)).fold(base, |current, batch| {
        validate_batch(&current, batch).unwrap_or_else(|error| {
            log::warn!("a change no longer applies after another tab's: {error}");
            current
        })
    })
}

/// Whether two batches touch a record in common.
fn overlaps(a: &Touched, b: &Touched) -> bool {
    let runs = |t: &Touched| t.run_ids.iter().chain(&t.purged_run_ids).cloned().collect::<Vec<_>>();
    let b_runs = runs(b);
    a.experiment_ids.iter().any(|id| b.experiment_ids.contains(id))
        || runs(a).iter().any(|id| b_runs.contains(id))
}

/// The content of the artifact `path` of `run_id` as the last of `batches` that puts it leaves it:
/// `Some(Some(content))`, `Some(None)` if the run was purged after, `None` if no batch says.
fn artifact_in(batches: &[Batch], run_id: &str, path: &str) -> Option<Option<String>> {
    batches.iter().rev().flat_map(|batch| batch.iter().rev()).find_map(|change| match change {
        Change::PutArtifact { run_id: r, path: p, content, .. } if r == run_id && p == path => {
            Some(Some(content.clone()))
        }
        Change::PurgeRun { run_id: r } if r == run_id => Some(None),
        _ => None,
    })
}

/// The points `batches` log for the metric `key` of `run_id` since the run was last purged in them, and
/// whether it was (so that older stored points do not count).
fn history_in(batches: &[Batch], run_id: &str, key: &str) -> (bool, Vec<MetricPoint>) {
    let mut purged = false;
    let mut points = Vec::new();
    for change in batches.iter().flat_map(|batch| batch.iter()) {
        match change {
            Change::LogMetric { run_id: r, key: k, points: p } if r == run_id && k == key => {
                points.extend_from_slice(p)
            }
            Change::PurgeRun { run_id: r } if r == run_id => {
                purged = true;
                points.clear();
            }
            _ => {}
        }
    }
    (purged, points)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use ciclo_core::tracking::{ArtifactKind, Experiment, Run, DEFAULT_EXPERIMENT_ID};

    fn put(run: &str, path: &str, content: &str) -> Change {
        Change::PutArtifact {
            run_id: run.into(),
            path: path.into(),
            kind: ArtifactKind::Json,
            content: content.into(),
        }
    }

    fn log(run: &str, key: &str, steps: &[i64]) -> Change {
        let points = steps.iter().map(|&step| MetricPoint { value: 0.5, step, timestamp: 1 }).collect();
        Change::LogMetric { run_id: run.into(), key: key.into(), points }
    }

    fn purge(run: &str) -> Change {
        Change::PurgeRun { run_id: run.into() }
    }

    fn batches(changes: Vec<Vec<Change>>) -> Vec<Batch> {
        changes.into_iter().map(Rc::new).collect()
    }

    #[test]
    fn memory_artifacts_are_the_last_put_unless_purged_after() {
        let b = batches(vec![
            vec![put("r", "a.json", "1"), put("s", "a.json", "x")],
            vec![put("r", "a.json", "2")],
        ]);
        assert_eq!(artifact_in(&b, "r", "a.json"), Some(Some("2".to_string())));
        assert_eq!(artifact_in(&b, "r", "b.json"), None);
        let b = batches(vec![vec![put("r", "a.json", "1")], vec![purge("r")]]);
        assert_eq!(artifact_in(&b, "r", "a.json"), Some(None));
    }

    #[test]
    fn memory_histories_append_in_order_and_restart_after_a_purge() {
        let steps = |(purged, points): (bool, Vec<MetricPoint>)| {
            (purged, points.iter().map(|p| p.step).collect::<Vec<_>>())
        };
        let b = batches(vec![vec![log("r", "k", &[1, 2]), log("r", "j", &[9])], vec![log("r", "k", &[3])]]);
        assert_eq!(steps(history_in(&b, "r", "k")), (false, vec![1, 2, 3]));
        let b = batches(vec![vec![log("r", "k", &[1])], vec![purge("r")], vec![log("r", "k", &[4])]]);
        assert_eq!(steps(history_in(&b, "r", "k")), (true, vec![4]));
    }

    #[test]
    fn rebase_applies_the_pending_batches_that_still_apply() {
        let base = Snapshot { experiments: vec![Experiment::default_at(0)], runs: vec![] };
        let run = |id: &str| Change::PutRun(Run::new(id, DEFAULT_EXPERIMENT_ID, id, 1));
        let pending = batches(vec![vec![run("a")], vec![log("missing", "k", &[1])], vec![run("b")]]);
        let ids = |s: &Snapshot| s.runs.iter().map(|r| r.run_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&rebase(base.clone(), &pending, |_| true)), vec!["a", "b"]);
        let only_b = Touched::of(&[run("b")]);
        assert_eq!(ids(&rebase(base, &pending, |batch| overlaps(&Touched::of(batch), &only_b))), vec!["b"]);
    }
}
