//! The page's tracking store: an in-memory working set that the page reads, written behind to IndexedDB.
//!
//! At start the page opens `ciclo-store`'s IndexedDB store and loads everything into a
//! [`ciclo_core::tracking::MemoryStore`]-like snapshot signal. Every batch of changes is validated and
//! applied to memory at once (so the page never waits for storage) and queued for IndexedDB, where batches
//! are written one after another, each in one transaction. When IndexedDB cannot be opened (private mode,
//! blocked), the page says so and keeps working in memory.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use ciclo_core::tracking::{validate_batch, Change, Snapshot, StoreError};
use ciclo_store::IdbStore;
use leptos::prelude::*;
use leptos::task::spawn_local;

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

struct Backend {
    idb: Option<Rc<IdbStore>>,
    queue: VecDeque<Vec<Change>>,
    writing: bool,
}

/// A handle to the tracking store (cheap to copy; lives as long as the app).
#[derive(Clone, Copy)]
pub struct Tracking {
    /// Everything held, as the page shows it.
    pub snapshot: RwSignal<Snapshot>,
    /// Where it is kept.
    pub status: RwSignal<StorageStatus>,
    backend: StoredValue<Rc<RefCell<Backend>>, LocalStorage>,
}

impl Tracking {
    /// Opens the store and loads it; `on_loaded` runs once the page may use it (loaded or fallen back to
    /// memory).
    pub fn open(on_loaded: impl FnOnce() + 'static) -> Tracking {
        let tracking = Tracking {
            snapshot: RwSignal::new(Snapshot::default()),
            status: RwSignal::new(StorageStatus::Opening),
            backend: StoredValue::new_local(Rc::new(RefCell::new(Backend {
                idb: None,
                queue: VecDeque::new(),
                writing: false,
            }))),
        };
        spawn_local(async move {
            let opened = match IdbStore::open(DB_NAME).await {
                Ok(idb) => idb.load().await.map(|snapshot| (idb, snapshot)),
                Err(error) => Err(error),
            };
            match opened {
                Ok((idb, snapshot)) => {
                    tracking.backend.with_value(|b| b.borrow_mut().idb = Some(Rc::new(idb)));
                    tracking.snapshot.set(snapshot);
                    tracking.status.set(StorageStatus::Persistent);
                }
                Err(error) => {
                    log::warn!("tracking store falls back to memory: {error}");
                    tracking.status.set(StorageStatus::MemoryOnly { reason: error.to_string() });
                }
            }
            on_loaded();
        });
        tracking
    }

    /// Applies `changes` to the page's working set at once, all or nothing, and queues them for IndexedDB.
    pub fn apply(self, changes: Vec<Change>) -> Result<(), StoreError> {
        let next = validate_batch(&self.snapshot.get_untracked(), &changes)?;
        self.snapshot.set(next);
        let backend = self.backend.get_value();
        let start = {
            let mut b = backend.borrow_mut();
            if b.idb.is_none() {
                return Ok(());
            }
            b.queue.push_back(changes);
            !std::mem::replace(&mut b.writing, true)
        };
        if start {
            spawn_local(self.drain(backend));
        }
        Ok(())
    }

    /// Writes queued batches in order, one transaction each.
    async fn drain(self, backend: Rc<RefCell<Backend>>) {
        loop {
            let next = {
                let mut b = backend.borrow_mut();
                match (b.idb.clone(), b.queue.pop_front()) {
                    (Some(idb), Some(batch)) => Some((idb, batch)),
                    _ => {
                        b.writing = false;
                        None
                    }
                }
            };
            let Some((idb, batch)) = next else { return };
            if let Err(error) = idb.apply(&batch).await {
                log::error!("IndexedDB write failed: {error}");
                let mut b = backend.borrow_mut();
                b.idb = None;
                b.queue.clear();
                b.writing = false;
                drop(b);
                self.status.set(StorageStatus::MemoryOnly { reason: error.to_string() });
                return;
            }
        }
    }
}
