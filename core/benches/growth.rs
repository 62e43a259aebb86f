//! Growth: does a simulated second cost the same at the end of a long run as at the start?
//!
//! Each protocol runs for 10, 60, 300 and 600 simulated seconds, each run in a fresh process (this
//! binary re-runs itself), so the peak resident set (`VmHWM`) is that run's own. Raft (5 nodes)
//! and Multi-Paxos (5 acceptors, 2 proposers) take `scenario::limits::MAX_WRITE_RATE` client
//! writes per simulated second; the lock service and 2PC/3PC (8 nodes) make their own load.
//! 1–10 ms latency, no faults, seed 9, without and then with the protocol's checker.
//!
//! Reported per run: events (simulator steps), wall time, events/s over the whole run, events/s
//! over its last tenth ("tail"), peak RSS, and per protocol the ratio
//! events/s(longest) / events/s(10 s). A flat cost per event gives a ratio near 1.
//!
//! ```sh
//! cargo bench -p halab-core --bench growth
//! HALAB_GROWTH_ONLY=raft,paxos HALAB_GROWTH_MAX=60 cargo bench -p halab-core --bench growth
//! ```
//!
//! Environment:
//! - `HALAB_GROWTH_ONLY`: comma-separated subset of `raft,paxos,lock,2pc,3pc` (default all).
//!   A plain argument (`cargo bench ... -- raft`) filters the same way.
//! - `HALAB_GROWTH_MAX`: longest run in simulated seconds (default 600).
//! - `HALAB_GROWTH_CAP`: wall-clock cap per run in seconds (default 300). A run that reaches it
//!   stops and is printed as `> cap`, with how far it got; longer runs of that protocol and
//!   checker setting are then skipped.
//! - `HALAB_GROWTH_CHECKER`: `off`, `on` or `both` (default both).

use halab_core::client::Service;
use halab_core::lock::{Lock, LockChecker, LockConfig};
use halab_core::paxos::invariants::PaxosChecker;
use halab_core::paxos::{Paxos, PaxosConfig};
use halab_core::protocol::{Describe, Micros, MS, SEC};
use halab_core::raft::{Raft, RaftChecker, RaftConfig};
use halab_core::scenario::limits::MAX_WRITE_RATE;
use halab_core::sim::{Sim, SimConfig};
use halab_core::txn::{Txn, TxnChecker, TxnConfig, TxnMode};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DURATIONS: [u64; 4] = [10, 60, 300, 600];
const PROTOCOLS: [&str; 5] = ["raft", "paxos", "lock", "2pc", "3pc"];
const CHILD_ENV: &str = "HALAB_GROWTH_CHILD";
/// Simulated time between two looks at the wall clock.
const CHUNK: Micros = 100 * MS;

/// What one run measured.
#[derive(Clone, Debug, Default)]
struct Outcome {
    events: u64,
    /// Simulated time reached (the full duration unless the cap stopped it).
    reached: Micros,
    wall: f64,
    finished: bool,
    /// Events and wall seconds of the run's last tenth of simulated time.
    tail_events: u64,
    tail_wall: f64,
    /// Peak resident set of the process, KiB.
    hwm_kib: u64,
    violation: Option<String>,
}

impl Outcome {
    fn rate(&self) -> f64 {
        self.events as f64 / self.wall.max(1e-9)
    }
    fn tail_rate(&self) -> f64 {
        self.tail_events as f64 / self.tail_wall.max(1e-9)
    }
}

fn config(write_rate: u32) -> SimConfig {
    SimConfig { seed: 9, write_rate, ..SimConfig::default() }
}

fn drive<P: Service>(mut sim: Sim<P>, secs: u64, cap: Duration) -> Outcome
where
    P::Msg: Describe,
{
    let end = secs * SEC;
    let tail_from = end - end / 10;
    let start = Instant::now();
    let mut tail_mark: Option<(u64, Instant)> = None;
    let mut t = 0;
    let mut finished = true;
    while t < end {
        if t >= tail_from && tail_mark.is_none() {
            tail_mark = Some((sim.steps(), Instant::now()));
        }
        t = (t + CHUNK).min(end);
        sim.run_until(t);
        if sim.violation().is_some() {
            break;
        }
        if t < end && start.elapsed() > cap {
            finished = false;
            break;
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let (tail_events, tail_wall) = match tail_mark {
        Some((steps, at)) if finished => (sim.steps() - steps, at.elapsed().as_secs_f64()),
        _ => (0, 0.0),
    };
    Outcome {
        events: sim.steps(),
        reached: sim.now(),
        wall,
        finished,
        tail_events,
        tail_wall,
        hwm_kib: peak_rss_kib(),
        violation: sim.violation().map(|v| format!("{}: {}", v.invariant, v.detail.english())),
    }
}

/// One configuration; a run that takes under a second is repeated until a second has passed, and
/// the fastest repetition is kept (lock and 2PC/3PC runs take milliseconds).
fn run(protocol: &str, checked: bool, secs: u64, cap: Duration) -> Outcome {
    let start = Instant::now();
    let mut best = run_once(protocol, checked, secs, cap);
    while best.finished && start.elapsed() < Duration::from_secs(1) {
        let o = run_once(protocol, checked, secs, cap);
        if o.wall < best.wall {
            best = o;
        }
    }
    best
}

fn run_once(protocol: &str, checked: bool, secs: u64, cap: Duration) -> Outcome {
    match protocol {
        "raft" => {
            let sim =
                Sim::new(Raft::new(RaftConfig { nodes: 5, ..RaftConfig::default() }), config(MAX_WRITE_RATE));
            let sim = if checked { sim.with_checker(RaftChecker::default()) } else { sim };
            drive(sim, secs, cap)
        }
        "paxos" => {
            let p = Paxos::new(PaxosConfig { nodes: 5, proposers: 2, ..PaxosConfig::default() });
            let sim = Sim::new(p, config(MAX_WRITE_RATE));
            let sim = if checked { sim.with_checker(PaxosChecker::default()) } else { sim };
            drive(sim, secs, cap)
        }
        "lock" => {
            let sim = Sim::new(Lock::new(LockConfig { nodes: 8, ..LockConfig::default() }), config(0));
            let sim = if checked { sim.with_checker(LockChecker::default()) } else { sim };
            drive(sim, secs, cap)
        }
        "2pc" | "3pc" => {
            let mode = if protocol == "2pc" { TxnMode::TwoPhase } else { TxnMode::ThreePhase };
            let sim = Sim::new(Txn::new(TxnConfig { nodes: 8, mode, ..TxnConfig::default() }), config(0));
            let sim = if checked { sim.with_checker(TxnChecker::default()) } else { sim };
            drive(sim, secs, cap)
        }
        other => panic!("unknown protocol {other}"),
    }
}

/// `VmHWM` from `/proc/self/status` (0 where there is none).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The child's side: one run, printed as one `RESULT` line.
fn child(spec: &str) {
    let parts: Vec<&str> = spec.split(':').collect();
    let [protocol, checked, secs, cap] = parts[..] else {
        panic!("bad {CHILD_ENV}={spec}");
    };
    let o =
        run(protocol, checked == "1", secs.parse().unwrap(), Duration::from_secs_f64(cap.parse().unwrap()));
    println!(
        "RESULT {} {} {:.6} {} {} {:.6} {} {}",
        o.events,
        o.reached,
        o.wall,
        u8::from(o.finished),
        o.tail_events,
        o.tail_wall,
        o.hwm_kib,
        o.violation.unwrap_or_default().replace(char::is_whitespace, "_")
    );
}

/// The parent's side: runs one configuration in a fresh process and reads its result.
fn spawn(protocol: &str, checked: bool, secs: u64, cap: Duration) -> Result<Outcome, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let spec = format!("{protocol}:{}:{secs}:{}", u8::from(checked), cap.as_secs_f64());
    let mut child = Command::new(exe)
        .env(CHILD_ENV, spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| e.to_string())?;
    // The child stops itself at the cap; this is only a backstop (one step can be slow).
    let deadline = Instant::now() + cap + Duration::from_secs(120);
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err("killed after the cap".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("RESULT ")).ok_or("the child printed no result")?;
    let f: Vec<&str> = line.split_whitespace().skip(1).collect();
    let num =
        |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).ok_or(format!("bad result line {line}"));
    Ok(Outcome {
        events: num(0)? as u64,
        reached: num(1)? as u64,
        wall: num(2)?,
        finished: num(3)? == 1.0,
        tail_events: num(4)? as u64,
        tail_wall: num(5)?,
        hwm_kib: num(6)? as u64,
        violation: f.get(7).map(|s| s.to_string()),
    })
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

fn millions(x: f64) -> String {
    if x >= 1e5 {
        format!("{:.2} M", x / 1e6)
    } else {
        format!("{:.1} k", x / 1e3)
    }
}

fn ratio_text(r: f64) -> String {
    if r >= 0.1 {
        format!("{r:.2}")
    } else {
        format!("{r:.4}")
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        child(&spec);
        return;
    }
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let only: Vec<String> = std::env::var("HALAB_GROWTH_ONLY")
        .map(|s| s.split(',').map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let max = env_u64("HALAB_GROWTH_MAX", 600);
    let cap = Duration::from_secs(env_u64("HALAB_GROWTH_CAP", 300));
    let checkers: &[bool] = match std::env::var("HALAB_GROWTH_CHECKER").as_deref() {
        Ok("off") => &[false],
        Ok("on") => &[true],
        _ => &[false, true],
    };
    let protocols: Vec<&str> = PROTOCOLS
        .into_iter()
        .filter(|p| only.is_empty() || only.iter().any(|o| o == p))
        .filter(|p| filters.is_empty() || filters.iter().any(|f| p.contains(f.as_str()) || f.contains(p)))
        .collect();
    let durations: Vec<u64> = DURATIONS.into_iter().filter(|&d| d <= max).collect();
    if protocols.is_empty() || durations.is_empty() {
        println!("growth: nothing selected (HALAB_GROWTH_ONLY / HALAB_GROWTH_MAX / filter)");
        return;
    }
    println!(
        "growth: {} writes/s for raft and paxos; runs of {:?} simulated s; cap {} s wall per run",
        MAX_WRITE_RATE,
        durations,
        cap.as_secs()
    );
    let mut rows = Vec::new();
    for &protocol in &protocols {
        for &checked in checkers {
            let mut first_rate = None;
            let mut capped = false;
            for &secs in &durations {
                let label = format!("{protocol} {} {secs} s", if checked { "checked" } else { "unchecked" });
                if capped {
                    println!("{label}: skipped (a shorter run reached the cap)");
                    rows.push(format!(
                        "| {protocol} | {} | {secs} s | skipped | | | | | |",
                        if checked { "on" } else { "off" }
                    ));
                    continue;
                }
                let o = match spawn(protocol, checked, secs, cap) {
                    Ok(o) => o,
                    Err(e) => {
                        println!("{label}: {e}");
                        capped = true;
                        continue;
                    }
                };
                if secs == durations[0] && o.finished {
                    first_rate = Some(o.rate());
                }
                let ratio = first_rate.map(|r| o.rate() / r);
                let (wall, ratio_s) = if o.finished {
                    (
                        if o.wall < 1.0 {
                            format!("{:.2} ms", o.wall * 1e3)
                        } else {
                            format!("{:.2} s", o.wall)
                        },
                        ratio.map_or(String::new(), ratio_text),
                    )
                } else {
                    capped = true;
                    (
                        format!(
                            "> cap ({:.0} s wall reached {:.1} simulated s)",
                            o.wall,
                            o.reached as f64 / SEC as f64
                        ),
                        // The rate only falls as a run goes on, so the full run's ratio is lower.
                        ratio.map_or(String::new(), |r| format!("< {}", ratio_text(r))),
                    )
                };
                let tail = if o.finished { millions(o.tail_rate()) } else { "n/a".into() };
                let rate = millions(o.rate());
                let violation = o.violation.as_deref().filter(|v| !v.is_empty());
                println!(
                    "{label}: {} events, {wall}, {rate} events/s, last tenth {tail} events/s, vs first {ratio_s}, \
                     peak RSS {} MiB{}",
                    thousands(o.events),
                    o.hwm_kib / 1024,
                    violation.map_or(String::new(), |v| format!(", VIOLATION {v}"))
                );
                rows.push(format!(
                    "| {protocol} | {} | {secs} s | {} | {wall} | {rate} | {tail} | {ratio_s} | {:.1} MiB |",
                    if checked { "on" } else { "off" },
                    thousands(o.events),
                    o.hwm_kib as f64 / 1024.0
                ));
            }
        }
    }
    println!();
    println!("| protocol | checker | simulated | events | wall | events / s | last tenth, events / s | vs first | peak RSS |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}
