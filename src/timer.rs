//! Stage timings, for `gen build -v`, the dev server's status and benchmarks.

use std::time::{Duration, Instant};

/// Time spent in one stage.
#[derive(Debug, Clone)]
pub struct Timing {
    /// Stage name.
    pub stage: &'static str,
    /// Wall time.
    pub time: Duration,
    /// The process's resident memory when the stage ended (Linux only).
    pub memory: Option<Memory>,
}

/// Resident memory, in bytes, from `/proc/self/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Resident now (`VmRSS`): what the stage left held for the next.
    pub now: u64,
    /// The peak so far (`VmHWM`). It only grows, so the stage where it jumps is where the
    /// build's peak is; the kernel's counter is read, never reset, so `time -v` still sees the
    /// whole run's peak.
    pub peak: u64,
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
                memory: memory(),
            });
        }
        self.last = Some(now);
    }
}

/// The process's resident memory now and at its peak.
pub fn memory() -> Option<Memory> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line[name.len()..]
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()?;
        Some(kib * 1024)
    };
    Some(Memory {
        now: field("VmRSS:")?,
        peak: field("VmHWM:")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn a_lap_records_a_peak_that_only_grows() {
        let mut t = Timer::start();
        t.lap("first");
        let held = vec![1u8; 64 << 20];
        std::hint::black_box(&held);
        t.lap("second");
        let (a, b) = (t.timings[0].memory.unwrap(), t.timings[1].memory.unwrap());
        assert!(a.now > 0 && a.peak >= a.now, "{a:?}");
        assert!(b.now >= a.now + (60 << 20), "{a:?} then {b:?}");
        assert!(b.peak >= b.now && b.peak >= a.peak, "{a:?} then {b:?}");
    }
}
