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
    /// Training and runs.
    Experiments,
    /// The model registry.
    Models,
    /// Predictions.
    Serving,
    /// Production monitoring.
    Monitoring,
    /// The lifecycle diagram.
    Lifecycle,
}

impl Route {
    /// Every route, in navigation order.
    pub const ALL: [Route; 6] =
        [Route::Data, Route::Experiments, Route::Models, Route::Serving, Route::Monitoring, Route::Lifecycle];

    /// The path after `#`.
    pub fn path(self) -> &'static str {
        match self {
            Route::Data => "/data",
            Route::Experiments => "/experiments",
            Route::Models => "/models",
            Route::Serving => "/serving",
            Route::Monitoring => "/monitoring",
            Route::Lifecycle => "/lifecycle",
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
            Route::Models => Key::NavModels,
            Route::Serving => Key::NavServing,
            Route::Monitoring => Key::NavMonitoring,
            Route::Lifecycle => Key::NavLifecycle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_round_trip_and_unknown_goes_to_data() {
        for route in Route::ALL {
            assert_eq!(Route::from_hash(&route.href()), route);
        }
        assert_eq!(Route::from_hash(""), Route::Data);
        assert_eq!(Route::from_hash("#/nowhere"), Route::Data);
    }
}
