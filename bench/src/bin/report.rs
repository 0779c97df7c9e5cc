//! Till's verify next to its floor and its peers, as Markdown: medians of timed batches,
//! allocations per verify on every outcome of the shared vectors, and the throughput of one
//! verifier shared by one and by two threads, and single calls after the caches are flushed.
//!
//! ```text
//! report [--json PATH] [--rounds N]   the full report; PATH receives the figures as JSON
//! report --reference-only [--rounds N] medians of the reference key and its floor, in ns
//! report --spin SECONDS [--case NAME] verifies a key (the reference key unless NAME says)
//!                                     in a loop, for a profiler
//! ```
//!
//! Timing is plain `Instant` over batches, independent of criterion: each round times one
//! batch of every operation in turn, so that a change in the machine's load during the run
//! touches every figure alike, and the median round is reported.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use till_bench::floor::Floor;
use till_bench::peers::{Biscuits, Claims, Jwt, Macaroons};
use till_bench::vectors::{self, Case, SetupError};
use till_core::Grant;

/// Counts the allocations of the current thread. The count is thread-local so that threads
/// measuring throughput do not contend on it.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn bump() {
    // During thread teardown the count may be gone; such allocations are not measured.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

fn allocations() -> u64 {
    ALLOCATIONS.try_with(Cell::get).unwrap_or(0)
}

// SAFETY: every call is passed unchanged to the system allocator; counting allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: the caller upholds `alloc`'s contract, which is forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, hence from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        // SAFETY: `ptr` came from this allocator, hence from `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Time one batch of each operation should take.
const BATCH_TIME: Duration = Duration::from_millis(4);

/// Rounds of batches unless `--rounds` says otherwise.
const DEFAULT_ROUNDS: usize = 61;

/// How long each throughput run lasts.
const THROUGHPUT_TIME: Duration = Duration::from_millis(1500);

/// The outcomes in the order they are reported; others follow by name.
const OUTCOMES: [&str; 14] = [
    "success",
    "malformed",
    "bad_checksum",
    "too_large",
    "unsupported_version",
    "unknown_root_key",
    "invalid_signature",
    "wrong_environment",
    "wrong_audience",
    "expired",
    "not_yet_valid",
    "revoked",
    "insufficient_scope",
    "delegation_limit",
];

struct Op<'a> {
    name: &'static str,
    label: String,
    length: usize,
    run: Box<dyn Fn() -> bool + 'a>,
}

#[derive(Clone, Copy)]
struct Timing {
    median: f64,
    p10: f64,
    p90: f64,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("report: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), SetupError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let rounds = match value("--rounds") {
        Some(n) => n.parse()?,
        None => DEFAULT_ROUNDS,
    };
    if let Some(seconds) = value("--spin") {
        let case = value("--case").map_or("reference", String::as_str);
        return spin(case, Duration::from_secs_f64(seconds.parse()?));
    }
    if args.iter().any(|a| a == "--reference-only") {
        let case = vectors::load("reference")?;
        let floor = Floor::of(&case)?;
        let ops = [
            Op {
                name: "till_reference",
                label: String::new(),
                length: case.key.len(),
                run: Box::new(|| case.verify().is_ok()),
            },
            Op {
                name: "floor",
                label: String::new(),
                length: 0,
                run: Box::new(|| {
                    black_box(floor.sign());
                    true
                }),
            },
        ];
        let timing = measure(&ops, rounds)?;
        println!("rust_reference_ns {:.1}", timing[0].median);
        println!("floor_ns {:.1}", timing[1].median);
        println!("ratio {:.2}", timing[0].median / timing[1].median);
        return Ok(());
    }

    let load_before = load_average();
    let cases: Vec<Case> = till_bench::REFERENCE_CASES
        .iter()
        .map(|name| vectors::load(name))
        .collect::<Result<_, _>>()?;
    let floor = Floor::of(&cases[0])?;
    let claims = Claims::reference()?;
    let jwt = Jwt::new(&claims)?;
    let macaroons = Macaroons::new(&claims)?;
    let biscuit_1 = Biscuits::new(&claims, 1)?;
    let biscuit_2 = Biscuits::new(&claims, 2)?;

    let till = |i: usize, name, label: &str| -> Op<'_> {
        let case = &cases[i];
        Op {
            name,
            label: label.to_owned(),
            length: case.key.len(),
            run: Box::new(move || case.verify().is_ok()),
        }
    };
    let reference = &cases[0];
    let ops = vec![
        till(0, "till_reference", "Till verify, reference key"),
        Op {
            name: "till_reference_text",
            label: "Till verify_scope, reference key, scope as text".to_owned(),
            length: reference.key.len(),
            run: Box::new(move || reference.verify_text().is_ok()),
        },
        till(1, "till_1_block", "Till verify, reference key + 1 block"),
        till(2, "till_3_blocks", "Till verify, reference key + 3 blocks"),
        Op {
            name: "floor",
            label: format!("floor: ring HMAC-SHA256 over {} bytes", floor.len()),
            length: 0,
            run: Box::new(|| {
                black_box(floor.sign());
                true
            }),
        },
        Op {
            name: "jsonwebtoken",
            label: "jsonwebtoken 9 HS256 decode + scope check".to_owned(),
            length: jwt.len(),
            run: Box::new(|| jwt.verify()),
        },
        Op {
            name: "macaroon",
            label: "macaroon 0.3, 2 first-party caveats".to_owned(),
            length: macaroons.len(),
            run: Box::new(|| macaroons.verify()),
        },
        Op {
            name: "biscuit_1_block",
            label: "biscuit-auth 6, 1 block".to_owned(),
            length: biscuit_1.len(),
            run: Box::new(|| biscuit_1.verify()),
        },
        Op {
            name: "biscuit_2_blocks",
            label: "biscuit-auth 6, 2 blocks".to_owned(),
            length: biscuit_2.len(),
            run: Box::new(|| biscuit_2.verify()),
        },
    ];
    let timings = measure(&ops, rounds)?;
    let per_call: Vec<f64> = ops.iter().map(|op| allocations_per_call(&op.run)).collect();
    let by_name: BTreeMap<&str, Timing> = ops
        .iter()
        .map(|op| op.name)
        .zip(timings.iter().copied())
        .collect();

    let outcomes = allocations_by_outcome()?;
    let case = &cases[0];
    let throughput = throughput(case);
    let cold = cold(&ops);
    let load_after = load_average();

    print_report(&ops, &timings, &per_call, &by_name, floor.len());
    print_allocations(&outcomes);
    print_throughput(&throughput);
    print_cold(&cold);

    if let Some(path) = value("--json") {
        let figures = json!({
            "load_before": load_before,
            "load_after": load_after,
            "rounds": rounds,
            "floor_bytes": floor.len(),
            "ops": ops.iter().zip(&timings).zip(&per_call).map(|((op, t), a)| {
                (op.name.to_owned(), json!({
                    "label": op.label,
                    "median_ns": t.median,
                    "p10_ns": t.p10,
                    "p90_ns": t.p90,
                    "allocations": a,
                    "length": op.length,
                }))
            }).collect::<serde_json::Map<String, Value>>(),
            "allocations": outcomes.iter().map(|(k, o)| (k.clone(), json!({
                "cases": o.cases,
                "max": o.max,
                "worst": o.worst,
            }))).collect::<serde_json::Map<String, Value>>(),
            "throughput": throughput.iter().map(|(t, rate)| {
                (t.to_string(), json!({
                    "wall": rate.wall,
                    "cpu": rate.cpu,
                    "cores": rate.cores,
                }))
            }).collect::<serde_json::Map<String, Value>>(),
            "cold": cold.iter().map(|(label, t)| json!({
                "label": label,
                "median_ns": t.median,
                "p10_ns": t.p10,
                "p90_ns": t.p90,
            })).collect::<Vec<Value>>(),
            "cold_flush_bytes": FLUSH_BYTES,
            "result_bytes": std::mem::size_of::<Result<Grant, till_core::Error>>(),
        });
        std::fs::write(path, serde_json::to_string_pretty(&figures)?)?;
    }
    Ok(())
}

/// Median, 10th and 90th percentile of the time of one call, over `rounds` rounds.
fn measure(ops: &[Op<'_>], rounds: usize) -> Result<Vec<Timing>, SetupError> {
    let mut batches = Vec::new();
    for op in ops {
        if !(op.run)() {
            return Err(format!("{} gives the wrong answer", op.name).into());
        }
        batches.push(calibrate(&op.run));
    }
    let mut samples = vec![Vec::with_capacity(rounds); ops.len()];
    for _ in 0..rounds {
        for ((op, &batch), times) in ops.iter().zip(&batches).zip(&mut samples) {
            let start = Instant::now();
            for _ in 0..batch {
                black_box((op.run)());
            }
            times.push(start.elapsed().as_nanos() as f64 / batch as f64);
        }
    }
    Ok(samples.into_iter().map(percentiles).collect())
}

/// Median, 10th and 90th percentile of `times`, which must not be empty.
fn percentiles(mut times: Vec<f64>) -> Timing {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    Timing {
        median: at(0.5),
        p10: at(0.1),
        p90: at(0.9),
    }
}

/// The operations also timed after the caches are flushed.
const COLD_OPS: [&str; 3] = ["till_reference", "floor", "jsonwebtoken"];

/// Calls of each operation timed after a flush.
const COLD_SAMPLES: usize = 301;

/// Bytes written between two timed calls: eight times the 1 MiB of level-2 cache these
/// machines have per core, so that what a call uses comes back from the shared level 3 (or
/// from memory), as in a server whose other work ran in between.
const FLUSH_BYTES: usize = 8 << 20;

/// Each of [`COLD_OPS`] timed one call at a time, each call after `FLUSH_BYTES` of writes;
/// the last entry is the same with no call, which is what reading the clock costs there.
fn cold<'a>(ops: &'a [Op<'a>]) -> Vec<(&'a str, Timing)> {
    let chosen: Vec<&Op<'_>> = COLD_OPS
        .iter()
        .filter_map(|name| ops.iter().find(|op| op.name == *name))
        .collect();
    let mut flush = vec![0u64; FLUSH_BYTES / 8];
    let mut samples = vec![Vec::with_capacity(COLD_SAMPLES); chosen.len() + 1];
    for _ in 0..COLD_SAMPLES {
        for (i, times) in samples.iter_mut().enumerate() {
            for (j, word) in flush.iter_mut().enumerate() {
                *word = word.wrapping_add(j as u64);
            }
            black_box(&mut flush);
            let start = Instant::now();
            if let Some(op) = chosen.get(i) {
                black_box((op.run)());
            }
            times.push(start.elapsed().as_nanos() as f64);
        }
    }
    let names = chosen
        .iter()
        .map(|op| op.label.as_str())
        .chain(["reading the clock alone"]);
    names.zip(samples.into_iter().map(percentiles)).collect()
}

/// Calls that fill one batch, found by running the operation for a while first.
fn calibrate(run: &dyn Fn() -> bool) -> u64 {
    let warm_up = BATCH_TIME * 25;
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < warm_up {
        black_box(run());
        calls += 1;
    }
    let per_call = start.elapsed().as_secs_f64() / calls as f64;
    ((BATCH_TIME.as_secs_f64() / per_call) as u64).max(1)
}

fn allocations_per_call(run: &dyn Fn() -> bool) -> f64 {
    const CALLS: u64 = 64;
    black_box(run());
    let before = allocations();
    for _ in 0..CALLS {
        black_box(run());
    }
    (allocations() - before) as f64 / CALLS as f64
}

struct Outcome {
    cases: usize,
    max: f64,
    worst: String,
}

/// For each outcome (success or an error code), the most allocations any vector case with
/// that outcome makes in one verify.
fn allocations_by_outcome() -> Result<Vec<(String, Outcome)>, SetupError> {
    let (cases, _) = vectors::load_all()?;
    let mut outcomes: BTreeMap<String, Outcome> = BTreeMap::new();
    for case in &cases {
        let kind = case.expect.clone().unwrap_or_else(|| "success".to_owned());
        let count = allocations_per_call(&|| case.verify().is_ok())
            .max(allocations_per_call(&|| case.verify_text().is_ok()));
        let entry = outcomes.entry(kind).or_insert(Outcome {
            cases: 0,
            max: -1.0,
            worst: String::new(),
        });
        entry.cases += 1;
        if count > entry.max {
            entry.max = count;
            entry.worst = case.name.clone();
        }
    }
    let rank = |k: &str| {
        OUTCOMES
            .iter()
            .position(|o| *o == k)
            .unwrap_or(OUTCOMES.len())
    };
    let mut sorted: Vec<(String, Outcome)> = outcomes.into_iter().collect();
    sorted.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then(a.0.cmp(&b.0)));
    Ok(sorted)
}

/// One throughput figure: verifies per second of wall time, and per second of CPU time that
/// the threads actually got. On a machine busy with other work the second shows whether the
/// threads slow each other down, which the first cannot tell apart from waiting for a core.
#[derive(Clone, Copy)]
struct Rate {
    wall: f64,
    cpu: f64,
    cores: f64,
}

/// One verifier shared by 1 and by 2 threads: three runs of each, alternating, and the
/// median run of each (by wall-clock rate).
fn throughput(case: &Case) -> Vec<(usize, Rate)> {
    let mut runs: BTreeMap<usize, Vec<Rate>> = BTreeMap::new();
    for _ in 0..3 {
        for threads in [1, 2] {
            runs.entry(threads).or_default().push(rate(case, threads));
        }
    }
    runs.into_iter()
        .map(|(threads, mut rates)| {
            rates.sort_by(|a, b| a.wall.total_cmp(&b.wall));
            (threads, rates[rates.len() / 2])
        })
        .collect()
}

fn rate(case: &Case, threads: usize) -> Rate {
    let stop = AtomicBool::new(false);
    let start_line = Barrier::new(threads + 1);
    let (done, cpu, elapsed) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    start_line.wait();
                    let cpu_start = thread_cpu_ns();
                    let mut done = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        for _ in 0..256 {
                            black_box(case.verify().is_ok());
                        }
                        done += 256;
                    }
                    (done, thread_cpu_ns().saturating_sub(cpu_start))
                })
            })
            .collect();
        start_line.wait();
        let start = Instant::now();
        std::thread::sleep(THROUGHPUT_TIME);
        stop.store(true, Ordering::Relaxed);
        let (done, cpu) = workers
            .into_iter()
            .map(|w| w.join().unwrap_or((0, 0)))
            .fold((0, 0), |(d, c), (wd, wc)| (d + wd, c + wc));
        (done, cpu, start.elapsed())
    });
    let cpu_secs = cpu as f64 / 1e9;
    Rate {
        wall: done as f64 / elapsed.as_secs_f64(),
        cpu: done as f64 / cpu_secs,
        cores: cpu_secs / elapsed.as_secs_f64(),
    }
}

/// Nanoseconds this thread has spent on a CPU, from the scheduler's statistics.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split(' ').next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn spin(name: &str, duration: Duration) -> Result<(), SetupError> {
    let case = vectors::load(name)?;
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < duration {
        for _ in 0..1024 {
            black_box(black_box(&case).verify().is_ok());
        }
        calls += 1024;
    }
    println!("{calls} verifies in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split(' ').next().and_then(|l| l.parse().ok()))
        .unwrap_or(f64::NAN)
}

/// An allocation count: whole when it is, else to one decimal (an average over calls).
fn count(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n:.1}")
    }
}

fn micros(ns: f64) -> String {
    format!("{:.3} µs", ns / 1000.0)
}

fn print_cold(cold: &[(&str, Timing)]) {
    println!(
        "| One call after {} MiB of writes (levels 1 and 2 of the cache flushed) | Median | p10 – p90 |",
        FLUSH_BYTES >> 20
    );
    println!("|---|---:|---:|");
    for (label, t) in cold {
        println!(
            "| {label} | {} | {} – {} |",
            micros(t.median),
            micros(t.p10),
            micros(t.p90)
        );
    }
}

fn print_report(
    ops: &[Op<'_>],
    timings: &[Timing],
    allocations: &[f64],
    by_name: &BTreeMap<&str, Timing>,
    floor_bytes: usize,
) {
    let median = |name: &str| by_name.get(name).map_or(f64::NAN, |t| t.median);
    let till = median("till_reference");

    println!("| Operation | Median | p10 – p90 | Allocations per call | Token length |");
    println!("|---|---:|---:|---:|---:|");
    for ((op, t), a) in ops.iter().zip(timings).zip(allocations) {
        let length = if op.length == 0 {
            "–".to_owned()
        } else {
            op.length.to_string()
        };
        println!(
            "| {} | {} | {} – {} | {} | {} |",
            op.label,
            micros(t.median),
            micros(t.p10),
            micros(t.p90),
            count(*a),
            length
        );
    }
    println!();

    println!("| Ratio (same run) | Value |");
    println!("|---|---:|");
    println!(
        "| Till reference key / floor (HMAC over {floor_bytes} bytes) | {:.2}× |",
        till / median("floor")
    );
    println!(
        "| Cost of one block: (1 block − reference) | {} |",
        micros(median("till_1_block") - till)
    );
    println!(
        "| Cost per block: (3 blocks − reference) / 3 | {} |",
        micros((median("till_3_blocks") - till) / 3.0)
    );
    for (name, label) in [
        ("jsonwebtoken", "jsonwebtoken HS256 / Till reference key"),
        ("macaroon", "macaroon (2 caveats) / Till reference key"),
        (
            "biscuit_1_block",
            "biscuit-auth 1 block / Till reference key",
        ),
        (
            "biscuit_2_blocks",
            "biscuit-auth 2 blocks / Till reference key",
        ),
    ] {
        println!("| {label} | {:.1}× |", median(name) / till);
    }
    println!(
        "| biscuit-auth 2 blocks / Till reference key + 1 block | {:.1}× |",
        median("biscuit_2_blocks") / median("till_1_block")
    );
    println!();
}

fn print_allocations(outcomes: &[(String, Outcome)]) {
    println!(
        "| Outcome of verify | Vector cases | Allocations per verify (most) | First case with it |"
    );
    println!("|---|---:|---:|---|");
    for (kind, o) in outcomes {
        println!("| {kind} | {} | {} | {} |", o.cases, count(o.max), o.worst);
    }
    println!();
}

fn print_throughput(rates: &[(usize, Rate)]) {
    let Some(one) = rates.iter().find(|(t, _)| *t == 1).map(|r| r.1) else {
        return;
    };
    println!(
        "| Threads sharing one Verifier | Verifies per second | vs 1 thread \
         | CPU cores obtained | Verifies per CPU-second | vs 1 thread |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for (threads, rate) in rates {
        println!(
            "| {threads} | {:.0} | {:.2}× | {:.2} | {:.0} | {:.2}× |",
            rate.wall,
            rate.wall / one.wall,
            rate.cores,
            rate.cpu,
            rate.cpu / one.cpu
        );
    }
    println!();
}
