//! Stage timings, for `gen build -v`, the dev server's status and benchmarks.

use std::time::{Duration, Instant};

/// Time spent in one stage.
#[derive(Debug, Clone)]
pub struct Timing {
    /// Stage name.
    pub stage: &'static str,
    /// Wall time.
    pub time: Duration,
}

/// Records stage timings.
#[derive(Default)]
pub struct Timer {
    /// Finished stages.
    pub timings: Vec<Timing>,
    last: Option<Instant>,
}

impl Timer {
    /// Starts timing.
    pub fn start() -> Timer {
        Timer {
            timings: Vec::new(),
            last: Some(Instant::now()),
        }
    }
    /// Ends the current stage.
    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        if let Some(l) = self.last {
            self.timings.push(Timing {
                stage,
                time: now - l,
            });
        }
        self.last = Some(now);
    }
}
