//! Times related reading on a site (e.g. the corpus of `examples/corpus.rs`).
//!
//! ```text
//! cargo run --release --example corpus -- --n 10000 --out /dev/shm/corpus10k --seed 1
//! cargo run --release --example related_bench -- /dev/shm/corpus10k [RUNS]
//! ```
//!
//! Prints the stage laps of `load_site` (its `related` lap is the whole computation: indexes,
//! ranking, choice), then RUNS runs of `related::compute` alone: least and median wall time,
//! CPU time of all threads (steadier than wall time on a shared machine), the time spent
//! building the indexes, and the heap: what the loaded site holds and the most that related
//! reading adds on top of it (counted by a global allocator wrapper, so the figure is exact),
//! and, for a sample of 200 articles, how many of the cards chosen with pruning are the ones
//! chosen by scoring every article.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use gensite::build::{Timer, load_site};
use gensite::config::Overrides;

/// Counts heap bytes: the current and the peak since the last reset.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// CPU time of the process so far (all threads), in seconds.
fn cpu() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn status(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut timer = Timer::start();
    let (site, _) = match load_site(&root, &Overrides::default(), &mut timer) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!("{} articles", site.articles.len());
    for t in &timer.timings {
        println!(
            "  {:<14} {:>8.1} ms",
            t.stage,
            t.time.as_secs_f64() * 1000.0
        );
    }
    let loaded = CURRENT.load(Ordering::Relaxed);
    let process_peak = PEAK.load(Ordering::Relaxed);
    PEAK.store(loaded, Ordering::Relaxed);
    let t = Instant::now();
    let out = gensite::related::compute(&site);
    let first = t.elapsed().as_secs_f64() * 1000.0;
    let extra = PEAK.load(Ordering::Relaxed) - loaded;
    drop(out);
    let mut index = Vec::new();
    let mut times = vec![first];
    let mut cpu_total = 0.0;
    for _ in 1..runs.max(1) {
        let t = Instant::now();
        let model = gensite::related::Model::new(&site);
        index.push(t.elapsed().as_secs_f64() * 1000.0);
        drop(model);
        let c = cpu();
        let t = Instant::now();
        std::hint::black_box(gensite::related::compute(&site));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if let (Some(a), Some(b)) = (c, cpu()) {
            cpu_total += b - a;
        }
    }
    if runs > 1 {
        println!(
            "CPU time per run (indexes + ranking, all threads): {:.0} ms",
            cpu_total * 1000.0 / (runs - 1) as f64
        );
    }
    times.sort_by(f64::total_cmp);
    index.sort_by(f64::total_cmp);
    println!(
        "related::compute x{}: min {:.1} ms, median {:.1} ms",
        times.len(),
        times[0],
        times[times.len() / 2]
    );
    if !index.is_empty() {
        println!(
            "  of which building the indexes (Model::new): min {:.1} ms",
            index[0]
        );
    }
    println!(
        "heap: site loaded {:.1} MiB; related adds at most {:.1} MiB; process peak {:.1} MiB",
        loaded as f64 / 1048576.0,
        extra as f64 / 1048576.0,
        process_peak as f64 / 1048576.0
    );
    // What pruning loses: the cards of a sample of articles against scoring every article.
    let model = gensite::related::Model::new(&site);
    let mut acc = gensite::related::Accumulator::default();
    let n = site.articles.len();
    let step = (n / 200).max(1);
    let (mut same, mut found, mut total, mut sampled) = (0, 0, 0, 0);
    let (mut got, mut best, mut worst) = (0.0, 0.0, 1.0f64);
    for a in (0..n).step_by(step) {
        let fast = model.pick(a, &mut acc);
        let exact = model.pick_exhaustive(a);
        sampled += 1;
        same += usize::from(fast == exact);
        total += exact.len();
        found += exact.iter().filter(|j| fast.contains(j)).count();
        let f: f64 = fast.iter().map(|&j| model.score(a, j).total()).sum();
        let e: f64 = exact.iter().map(|&j| model.score(a, j).total()).sum();
        got += f;
        best += e;
        if e > 0.0 {
            worst = worst.min(f / e);
        }
    }
    println!(
        "pruning vs scoring every article, {sampled} articles: same cards for {same}; {found} of \
         {total} best cards found; {:.1} % of the best total score (worst article {:.1} %)",
        100.0 * got / best.max(f64::MIN_POSITIVE),
        100.0 * worst
    );
    if let Some(h) = status("VmHWM:") {
        println!("peak resident set: {:.1} MiB", h as f64 / 1024.0);
    }
}
