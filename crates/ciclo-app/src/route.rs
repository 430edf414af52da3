//! Hash routes: `#/data`, `#/experiments`, ...
//!
//! Hash routing rather than path routing: the built page is a static folder that a course may host under
//! any sub-path (`/course/ciclo/`), and a hash route reloads there with no server rewrite and no base path
//! fixed at build time.

use crate::i18n::Key;

/// A section of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The data set.
    Data,
    /// Training and searching.
    Experiments,
    /// The runs table, a run's detail, and comparisons.
    Runs,
    /// The model registry.
    Models,
    /// Predictions.
    Serving,
    /// Production monitoring.
    Monitoring,
    /// The lifecycle diagram.
    Lifecycle,
    /// Export, import, and push to an MLflow server.
    Exchange,
}

impl Route {
    /// Every route, in navigation order.
    pub const ALL: [Route; 8] = [
        Route::Data,
        Route::Experiments,
        Route::Runs,
        Route::Models,
        Route::Serving,
        Route::Monitoring,
        Route::Lifecycle,
        Route::Exchange,
    ];

    /// The path after `#`.
    pub fn path(self) -> &'static str {
        match self {
            Route::Data => "/data",
            Route::Experiments => "/experiments",
            Route::Runs => "/runs",
            Route::Models => "/models",
            Route::Serving => "/serving",
            Route::Monitoring => "/monitoring",
            Route::Lifecycle => "/lifecycle",
            Route::Exchange => "/exchange",
        }
    }

    /// The link target, relative to the page.
    pub fn href(self) -> String {
        format!("#{}", self.path())
    }

    /// The route for a `location.hash` (`#/data`); unknown or empty hashes go to the data page.
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#');
        Route::ALL.into_iter().find(|r| r.path() == path).unwrap_or(Route::Data)
    }

    /// The navigation label.
    pub fn label(self) -> Key {
        match self {
            Route::Data => Key::NavData,
            Route::Experiments => Key::NavExperiments,
            Route::Runs => Key::NavRuns,
            Route::Models => Key::NavModels,
            Route::Serving => Key::NavServing,
            Route::Monitoring => Key::NavMonitoring,
            Route::Lifecycle => Key::NavLifecycle,
            Route::Exchange => Key::NavExchange,
        }
    }
}

/// What the URL's hash shows: a section, or one of the runs section's views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// A section's main view.
    Section(Route),
    /// One run's detail: `#/runs/<run id>`.
    Run(String),
    /// Runs side by side: `#/compare/<id>,<id>,...`.
    Compare(Vec<String>),
}

impl Page {
    /// The page for a `location.hash`; unknown or empty hashes go to the data page.
    pub fn from_hash(hash: &str) -> Page {
        let path = hash.trim_start_matches('#');
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        if let Some(id) = path.strip_prefix("/runs/").filter(|id| is_run_id(id)) {
            return Page::Run(id.to_string());
        }
        if let Some(ids) = path.strip_prefix("/compare/") {
            let ids: Vec<String> = ids.split(',').filter(|id| is_run_id(id)).map(str::to_string).collect();
            return Page::Compare(ids);
        }
        Page::Section(Route::from_hash(path))
    }

    /// The section the navigation marks as current.
    pub fn section(&self) -> Route {
        match self {
            Page::Section(route) => *route,
            Page::Run(_) | Page::Compare(_) => Route::Runs,
        }
    }

    /// The link to this page.
    pub fn href(&self) -> String {
        match self {
            Page::Section(route) => route.href(),
            Page::Run(id) => format!("#/runs/{id}"),
            Page::Compare(ids) => format!("#/compare/{}", ids.join(",")),
        }
    }
}

/// Whether `id` can be a run id in a URL: 1 to 64 ASCII letters, digits, `-` or `_` (ours are 32 hex
/// digits; imported ones may differ). Anything else is ignored rather than shown.
fn is_run_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_trip_and_bad_ids_are_dropped() {
        let id = "0123456789abcdef0123456789abcdef".to_string();
        for page in
            [Page::Section(Route::Runs), Page::Run(id.clone()), Page::Compare(vec![id.clone(), "b1".into()])]
        {
            assert_eq!(Page::from_hash(&page.href()), page);
        }
        assert_eq!(Page::from_hash("#/runs/<script>"), Page::Section(Route::Data));
        assert_eq!(Page::from_hash("#/compare/a,<b>,c"), Page::Compare(vec!["a".into(), "c".into()]));
        assert_eq!(Page::from_hash("#/runs?q=metrics.f1>0.5"), Page::Section(Route::Runs));
        assert_eq!(Page::Run(id).section(), Route::Runs);
    }

    #[test]
    fn hashes_round_trip_and_unknown_goes_to_data() {
        for route in Route::ALL {
            assert_eq!(Route::from_hash(&route.href()), route);
        }
        assert_eq!(Route::from_hash(""), Route::Data);
        assert_eq!(Route::from_hash("#/nowhere"), Route::Data);
    }
}
