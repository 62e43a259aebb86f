//! HA Lab's Raft beside tikv's raft-rs (`raft` 0.7, `RawNode` over `MemStorage`), in one run.
//!
//! Both sides: 5 nodes, 16-byte entries, no simulator, no clock. Messages are pumped straight
//! from node to node through one FIFO queue, as raft-rs's own test harness (`Network`) does:
//! - raft-rs: node 1 campaigns; after every `step` (and every proposal) the node's `Ready` is
//!   drained: its entries are appended to `MemStorage`, the hard state is stored, messages go on
//!   the queue, then `advance` and `advance_apply`. Ticks are never called.
//! - HA Lab: `halab_core::raft::Raft` through the public `Protocol` trait. Node 0's election
//!   timer fires once; after that timers are ignored. Client writes are `Event::Input` at the
//!   leader (`Service::write`: request id, key, value); `Effect::Send` goes on the queue;
//!   `Effect::Persist` is applied to the node's stable storage with `Protocol::store`, as the
//!   simulator's cluster does; `Effect::Output` is read through `Service::reply`. (The first
//!   figures, at `f58042d`, predate `store`: there a `Persist` carried the whole durable state
//!   and the pump dropped it, which costs what replacing the stored copy costs.)
//!
//! Unbatched: one entry is proposed, then the queue is pumped until empty. Batched: 64 entries
//! are proposed, then the queue is pumped until empty. Counted: messages stepped (handed to a
//! node) and entries committed (reported by the leader: committed entries with data in raft-rs,
//! `Reply::Committed` outputs in HA Lab). Each contender runs 5,000 and 20,000 entries from a
//! fresh cluster, since the cost per entry may grow with the log.
//!
//! Last, "through the full simulator": HA Lab Raft in `Sim` (5 nodes, 200 writes per simulated
//! second, 1–10 ms latency) for 25 and 100 simulated seconds (about 5,000 and 20,000 writes),
//! counting delivered messages and committed writes.
//!
//! `cargo bench -p halab-core --bench raft_peer` prints a comparison table after criterion's
//! own figures (each row the best of repeated runs over 2 s). `HALAB_PEER_QUICK=1` skips
//! criterion and prints only the table.

use criterion::{BenchmarkId, Criterion, Throughput};
use halab_core::client::{Reply, Service};
use halab_core::protocol::{Effect, Effects, Event, NodeId, Protocol};
use halab_core::raft::{Raft, RaftConfig};
use halab_core::scenario::limits::MAX_WRITE_RATE;
use halab_core::sim::trace::TraceKind;
use halab_core::sim::{Sim, SimConfig};
use raft::eraftpb::{ConfState, Message};
use raft::storage::MemStorage;
use raft::{Config, RawNode};
use std::collections::VecDeque;
use std::hint::black_box;
use std::time::{Duration, Instant};

const NODES: u64 = 5;
const ENTRY_BYTES: usize = 16;
const BATCH: usize = 64;
const SIZES: [u64; 2] = [5_000, 20_000];

/// What one run counted.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    stepped: u64,
    committed: u64,
}

// ---------------------------------------------------------------------------------------------
// raft-rs

struct RsCluster {
    nodes: Vec<RawNode<MemStorage>>,
    queue: VecDeque<Message>,
    counts: Counts,
    leader: u64,
}

impl RsCluster {
    /// `skip_bcast_commit`: raft-rs's own switch; by default its leader sends every follower an
    /// AppendEntries as soon as its commit index moves, which HA Lab's leader does not do (its
    /// followers learn the commit index from the next AppendEntries or heartbeat).
    fn new(skip_bcast_commit: bool) -> Self {
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        let voters: Vec<u64> = (1..=NODES).collect();
        let nodes = voters
            .iter()
            .map(|&id| {
                let storage = MemStorage::new_with_conf_state(ConfState::from((voters.clone(), vec![])));
                let config = Config {
                    id,
                    election_tick: 10,
                    heartbeat_tick: 3,
                    // Room for HA Lab's 64 entries per AppendEntries and more.
                    max_size_per_msg: 1024 * 1024,
                    max_inflight_msgs: 256,
                    skip_bcast_commit,
                    ..Config::default()
                };
                config.validate().expect("config");
                RawNode::new(&config, storage, &logger).expect("raw node")
            })
            .collect();
        let mut c = RsCluster { nodes, queue: VecDeque::new(), counts: Counts::default(), leader: 1 };
        c.nodes[0].campaign().expect("campaign");
        c.on_ready(1);
        c.pump();
        assert_eq!(c.nodes[0].raft.state, raft::StateRole::Leader, "raft-rs node 1 leads");
        c.counts = Counts::default();
        c
    }

    fn propose(&mut self, n: usize, next: &mut u64) {
        for _ in 0..n {
            let mut data = vec![0u8; ENTRY_BYTES];
            data[..8].copy_from_slice(&next.to_le_bytes());
            *next += 1;
            self.nodes[(self.leader - 1) as usize].propose(vec![], data).expect("propose");
        }
        self.on_ready(self.leader);
        self.pump();
    }

    fn pump(&mut self) {
        while let Some(m) = self.queue.pop_front() {
            let to = m.to;
            self.counts.stepped += 1;
            // A step can fail only for a message from an unknown peer, which cannot happen here.
            let _ = self.nodes[(to - 1) as usize].step(m);
            self.on_ready(to);
        }
    }

    /// The `Ready` loop of raft-rs's `five_mem_node` example, without the application.
    fn on_ready(&mut self, id: u64) {
        let is_leader = id == self.leader;
        let node = &mut self.nodes[(id - 1) as usize];
        if !node.has_ready() {
            return;
        }
        let store = node.raft.raft_log.store.clone();
        let mut ready = node.ready();
        self.queue.extend(ready.take_messages());
        if *ready.snapshot() != raft::eraftpb::Snapshot::default() {
            store.wl().apply_snapshot(ready.snapshot().clone()).expect("snapshot");
        }
        let mut count = |entries: Vec<raft::eraftpb::Entry>| {
            if is_leader {
                self.counts.committed += entries.iter().filter(|e| !e.data.is_empty()).count() as u64;
            }
        };
        count(ready.take_committed_entries());
        store.wl().append(ready.entries()).expect("append");
        if let Some(hs) = ready.hs() {
            store.wl().set_hardstate(hs.clone());
        }
        self.queue.extend(ready.take_persisted_messages());
        let mut light = node.advance(ready);
        if let Some(commit) = light.commit_index() {
            store.wl().mut_hard_state().set_commit(commit);
        }
        self.queue.extend(light.take_messages());
        count(light.take_committed_entries());
        node.advance_apply();
    }
}

fn run_rs(entries: u64, batch: usize, skip_bcast_commit: bool) -> Counts {
    let mut c = RsCluster::new(skip_bcast_commit);
    let mut next = 0;
    while next < entries {
        let n = batch.min((entries - next) as usize);
        c.propose(n, &mut next);
    }
    assert_eq!(c.counts.committed, entries, "raft-rs committed every entry");
    c.counts
}

// ---------------------------------------------------------------------------------------------
// HA Lab, through the Protocol trait only

struct LabCluster<P: Protocol> {
    protocol: P,
    states: Vec<P::State>,
    /// Each node's stable storage, as its writes left it.
    durable: Vec<Option<P::Durable>>,
    queue: VecDeque<(NodeId, NodeId, P::Msg)>,
    counts: Counts,
    /// Passed as `now`; one microsecond per handler call, so time moves forward.
    now: u64,
}

impl<P: Service> LabCluster<P> {
    fn new(protocol: P) -> Self {
        let mut c = LabCluster {
            states: Vec::new(),
            durable: Vec::new(),
            queue: VecDeque::new(),
            counts: Counts::default(),
            now: 0,
            protocol,
        };
        for id in 0..c.protocol.nodes() {
            let mut out = Effects::default();
            let s = c.protocol.init(id as NodeId, None, &mut out);
            c.states.push(s);
            c.durable.push(None);
            c.apply(id as NodeId, out);
        }
        c
    }

    fn handle(&mut self, id: NodeId, ev: Event<P>) {
        self.now += 1;
        let mut out = Effects::default();
        self.protocol.handle(id, self.now, &mut self.states[id as usize], ev, &mut out);
        self.apply(id, out);
    }

    fn apply(&mut self, id: NodeId, out: Effects<P>) {
        for e in out.0 {
            match e {
                Effect::Send { to, msg } => self.queue.push_back((id, to, msg)),
                Effect::Output(o) => {
                    if matches!(self.protocol.reply(&o), Reply::Committed { .. }) {
                        self.counts.committed += 1;
                    }
                }
                Effect::Persist(w) => self.protocol.store(&mut self.durable[id as usize], &w),
                // Timers are ignored: the leader is elected once and never loses its lease.
                _ => {}
            }
        }
    }

    fn pump(&mut self) {
        while let Some((from, to, msg)) = self.queue.pop_front() {
            self.counts.stepped += 1;
            self.handle(to, Event::Msg { from, msg });
        }
    }

    fn propose(&mut self, leader: NodeId, n: usize, next: &mut u64) {
        for _ in 0..n {
            let input = self.protocol.write(*next, (*next % 8) as u8, *next as u32);
            *next += 1;
            self.handle(leader, Event::Input(input));
        }
        self.pump();
    }
}

fn lab_cluster() -> LabCluster<Raft> {
    let mut c = LabCluster::new(Raft::new(RaftConfig { nodes: NODES as usize, ..RaftConfig::default() }));
    c.handle(0, Event::Timer(halab_core::raft::Timer::Election));
    c.pump();
    assert!(c.protocol.is_leader(&c.states[0]), "HA Lab node 0 leads");
    c.counts = Counts::default();
    c
}

fn run_lab(entries: u64, batch: usize) -> Counts {
    let mut c = lab_cluster();
    let mut next = 0;
    while next < entries {
        let n = batch.min((entries - next) as usize);
        c.propose(0, n, &mut next);
    }
    assert_eq!(c.counts.committed, entries, "HA Lab committed every entry");
    c.counts
}

// ---------------------------------------------------------------------------------------------
// HA Lab in the simulator

fn run_sim(writes: u64) -> Counts {
    let secs = writes / u64::from(MAX_WRITE_RATE);
    let config = SimConfig { seed: 9, write_rate: MAX_WRITE_RATE, ..SimConfig::default() };
    let mut sim = Sim::new(Raft::new(RaftConfig { nodes: NODES as usize, ..RaftConfig::default() }), config);
    let end = secs * halab_core::protocol::SEC;
    let mut counts = Counts::default();
    while sim.next_time().is_some_and(|t| t <= end) {
        let Some(events) = sim.step() else { break };
        for e in events {
            match e.kind {
                TraceKind::Deliver { .. } => counts.stepped += 1,
                TraceKind::ClientReply { outcome: "committed", .. } => counts.committed += 1,
                _ => {}
            }
        }
    }
    counts
}

// ---------------------------------------------------------------------------------------------

/// Best wall time of `run` over repetitions until `budget` has passed (at least one).
fn best_of(budget: Duration, mut run: impl FnMut() -> Counts) -> (Counts, f64) {
    let start = Instant::now();
    let mut best = f64::INFINITY;
    let mut counts = Counts::default();
    while best.is_infinite() || start.elapsed() < budget {
        let t = Instant::now();
        counts = black_box(run());
        best = best.min(t.elapsed().as_secs_f64());
    }
    (counts, best)
}

struct Row {
    setup: String,
    /// The raft-rs setup to compare with, when not this row's own (the full-simulator rows are
    /// held against raft-rs unbatched, stepped directly, with as many entries).
    peer_setup: Option<String>,
    contender: &'static str,
    counts: Counts,
    wall: f64,
}

impl Row {
    fn msgs_per_s(&self) -> f64 {
        self.counts.stepped as f64 / self.wall
    }
    fn entries_per_s(&self) -> f64 {
        self.counts.committed as f64 / self.wall
    }
}

fn criterion_runs(c: &mut Criterion) {
    for (mode, batch) in [("unbatched", 1), ("batched64", BATCH)] {
        for entries in SIZES {
            let mut g = c.benchmark_group(format!("raft_peer_{mode}_{entries}"));
            g.sample_size(10)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(3));
            g.throughput(Throughput::Elements(entries));
            g.bench_function(BenchmarkId::from_parameter("raft-rs"), |b| {
                b.iter(|| run_rs(entries, batch, false))
            });
            g.bench_function(BenchmarkId::from_parameter("raft-rs_skip_bcast_commit"), |b| {
                b.iter(|| run_rs(entries, batch, true))
            });
            g.bench_function(BenchmarkId::from_parameter("halab"), |b| b.iter(|| run_lab(entries, batch)));
            g.finish();
        }
    }
    let mut g = c.benchmark_group("raft_peer_halab_sim");
    g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for writes in SIZES {
        g.throughput(Throughput::Elements(writes));
        g.bench_function(BenchmarkId::from_parameter(writes), |b| b.iter(|| run_sim(writes)));
    }
    g.finish();
}

const RS: &str = "raft-rs 0.7";
const RS_SKIP: &str = "raft-rs 0.7, skip_bcast_commit";

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

fn million(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else {
        format!("{:.0} k", x / 1e3)
    }
}

fn table() {
    let budget = Duration::from_secs(2);
    let mut rows = Vec::new();
    for (mode, batch) in [("unbatched", 1), ("batched 64", BATCH)] {
        for entries in SIZES {
            let setup = format!("{mode}, {} entries", thousands(entries));
            let (counts, wall) = best_of(budget, || run_rs(entries, batch, false));
            rows.push(Row { setup: setup.clone(), peer_setup: None, contender: RS, counts, wall });
            let (counts, wall) = best_of(budget, || run_rs(entries, batch, true));
            rows.push(Row { setup: setup.clone(), peer_setup: None, contender: RS_SKIP, counts, wall });
            let (counts, wall) = best_of(budget, || run_lab(entries, batch));
            rows.push(Row { setup, peer_setup: None, contender: "HA Lab", counts, wall });
        }
    }
    for writes in SIZES {
        let (counts, wall) = best_of(budget, || run_sim(writes));
        let secs = writes / u64::from(MAX_WRITE_RATE);
        rows.push(Row {
            setup: format!("full simulator, {MAX_WRITE_RATE} writes/s, {secs} simulated s"),
            peer_setup: Some(format!("unbatched, {} entries", thousands(writes))),
            contender: "HA Lab in Sim",
            counts,
            wall,
        });
    }
    println!();
    println!(
        "| setup | contender | messages stepped | entries committed | wall | messages / s | entries / s | \
         messages / s vs raft-rs | entries / s vs raft-rs | entries / s vs raft-rs, skip_bcast_commit |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let peer =
        |setup: &str, contender: &str| rows.iter().find(|r| r.setup == setup && r.contender == contender);
    for r in &rows {
        let vs = |mine: f64, p: Option<f64>| p.map_or(String::new(), |p| format!("{:.2}×", mine / p));
        let against = r.peer_setup.as_deref().unwrap_or(&r.setup);
        let msgs = vs(r.msgs_per_s(), peer(against, RS).map(Row::msgs_per_s));
        let ratio = vs(r.entries_per_s(), peer(against, RS).map(Row::entries_per_s));
        let ratio_skip = vs(r.entries_per_s(), peer(against, RS_SKIP).map(Row::entries_per_s));
        println!(
            "| {} | {} | {} | {} | {:.1} ms | {} | {} | {msgs} | {ratio} | {ratio_skip} |",
            r.setup,
            r.contender,
            thousands(r.counts.stepped),
            thousands(r.counts.committed),
            r.wall * 1e3,
            million(r.msgs_per_s()),
            million(r.entries_per_s()),
        );
    }
}

fn main() {
    let quick = std::env::var("HALAB_PEER_QUICK").is_ok_and(|v| v != "0");
    if !quick {
        let mut c = Criterion::default().configure_from_args();
        criterion_runs(&mut c);
        c.final_summary();
    }
    // A filter that names another benchmark (`cargo bench -p halab-core -- ring`) skips the table.
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    if filters.is_empty() || filters.iter().any(|f| ["raft", "peer", "halab"].iter().any(|k| f.contains(k))) {
        table();
    }
}
