//! The service lab: what load balancing, health checks, failover and redundancy add to the
//! shared [`crate::playground`] page — clients, one or two balancers (a witness and a controller
//! if configured) and the backends laid out left to right, requests and answers in flight, each
//! backend as the serving balancer sees it, live charts of throughput, latency and load with
//! marks where faults hit, the backends table, and the settings. Backends' menus make them slow,
//! fail fast, or recover.

pub mod panels;
pub mod view;

use crate::playground::{Act, Model, NodeFacts, Playground};
use crate::widgets::cluster::Place;
use halab_core::lb::invariants::LB_INVARIANTS;
use halab_core::lb::{Lb, LbMsg, LbState, BALANCER, CLIENTS, LB_BUG_NAMES};
use halab_core::protocol::{Micros, NodeId};
use halab_core::scenario::lb::{Algo, PairMode, ServiceDist};
use halab_core::scenario::limits::MAX_LB_NODES;
use halab_core::scenario::presets::{Preset, LB_PRESETS};
use halab_core::scenario::{ProtocolKind, Scenario};
use halab_core::sim::Sim;
use yew::prelude::*;

impl Playground for Lb {
    const KIND: ProtocolKind = ProtocolKind::Lb;
    const TITLE: &'static str = "Load balancing";
    const PRESETS: &'static [Preset] = LB_PRESETS;
    const BUGS: &'static [(&'static str, &'static str)] = LB_BUG_NAMES;
    const INVARIANTS: &'static [&'static str] = LB_INVARIANTS;
    const ROLES: &'static [(&'static str, &'static str)] = &[
        ("clients", "clients"),
        ("master", "balancer holding the VIP"),
        ("backup", "standby balancer"),
        ("witness", "lease witness"),
        ("controller", "spare controller"),
        ("backend", "backend"),
        ("slow", "slow backend"),
        ("failing", "backend failing fast"),
    ];
    const MESSAGES: &'static [(&'static str, &'static str)] = &[
        ("msg-req", "request (big: to a backend)"),
        ("msg-resp ack", "answer (hollow: an error)"),
        ("msg-check", "health check"),
        ("msg-advert", "VRRP advert, ARP"),
        ("msg-lease", "lease"),
        ("msg-pool", "pool, provisioning"),
    ];
    const TIMER: &'static str = "";
    /// Room for backend captions on the right and client captions on the left.
    const PICTURE_PAD: f64 = 110.0;
    const PICTURE_PAD_Y: f64 = 20.0;
    /// 200 requests a second: at 0.25× fifty a second cross the picture, and a preset's fault
    /// at 2 s comes after 8 s of watching.
    const SPEED: f64 = 0.25;

    fn sim(s: &Scenario) -> Sim<Lb> {
        s.lb_sim()
    }

    fn bug_flag<'a>(s: &'a mut Scenario, name: &str) -> Option<&'a mut bool> {
        s.lb.bugs.flag_mut(name)
    }

    /// The cluster-size control adds or removes backends; spares stay fewer than them.
    fn fit(s: &mut Scenario) {
        let backends = s.nodes.saturating_sub(s.lb.overhead()).max(1);
        s.lb.spares = s.lb.spares.min(backends - 1);
        s.nodes = (backends + s.lb.overhead()).min(MAX_LB_NODES);
    }

    fn role(&self, s: &LbState) -> &'static str {
        view::role(s)
    }

    fn msg_class(msg: &LbMsg) -> &'static str {
        view::msg_class(msg)
    }

    fn node(m: &Model<Lb>, i: usize, role: &'static str) -> NodeFacts {
        view::node(m, i, role)
    }

    /// Never used: the clients make their own requests.
    fn write_target(_m: &Model<Lb>) -> (NodeId, String) {
        (BALANCER, "the clients make their own requests".to_owned())
    }

    fn node_name(&self, id: NodeId) -> String {
        view::name(&self.config, id)
    }

    fn node_label(&self, id: NodeId) -> String {
        view::label(&self.config, id)
    }

    fn places(&self, n: usize) -> Option<Vec<Place>> {
        view::places(&self.config, n)
    }

    fn degradable(&self, x: NodeId) -> bool {
        self.config.backend(x).is_some()
    }

    /// Clients to balancers, balancers to each other and to backends; the witness to the
    /// balancers; the controller to the balancers and the backends.
    fn draws_link(&self, a: NodeId, b: NodeId) -> bool {
        let c = &self.config;
        let backend = |x| c.backend(x).is_some();
        match (a, b) {
            (CLIENTS, b) => c.is_balancer(b),
            (a, b) if c.is_balancer(a) => {
                c.is_balancer(b) || backend(b) || Some(b) == c.witness() || Some(b) == c.controller()
            }
            (a, b) if Some(a) == c.witness() => c.is_balancer(b),
            (a, b) if Some(a) == c.controller() => backend(b),
            _ => false,
        }
    }

    fn lede(_m: &Model<Lb>) -> Html {
        html! {
            { "Clients send requests to a virtual IP; a load balancer spreads them over the backends. Crash a backend, make one \
               slow or fail fast, crash the balancer or cut the link between a pair — and watch success rate, latency and \
               each backend's share respond. Health checks, outlier detection, retries, a standby and spares each fix one \
               of these." }
        }
    }

    fn under_picture(m: &Model<Lb>) -> Html {
        let Some(meter) = view::meter(m) else { return Html::default() };
        let protocol = &m.sim.cluster().protocol;
        let faults: Vec<(Micros, String)> = m
            .scenario
            .faults
            .iter()
            .map(|f| {
                (
                    f.at,
                    crate::playground::view::describe_fault_as(&f.fault, m.scenario.nodes, |x| {
                        protocol.node_name(x)
                    }),
                )
            })
            .collect();
        let labels: Vec<String> = (0..protocol.config.backends.len())
            .map(|i| view::label(&protocol.config, protocol.config.backend_node(i)))
            .collect();
        html! {
            <div class="lb-live" data-testid="lb-live">
                <panels::Charts bins={meter.bins.iter().cloned().collect::<Vec<_>>()} marks={meter.marks.iter().cloned().collect::<Vec<_>>()}
                    {faults} {labels} now={m.view_time as Micros} />
            </div>
        }
    }

    fn detail(m: &Model<Lb>, act: &Act<Lb>) -> Html {
        let (ok, failed, open, latency, retries) = match m.sim.cluster().state(CLIENTS) {
            Some(LbState::Clients(s)) => {
                let st = &s.stats;
                let l = &st.latency;
                (
                    st.ok,
                    st.errors + st.timeouts,
                    s.pending.len(),
                    [l.quantile(0.5), l.quantile(0.99), l.quantile(0.999)],
                    st.retries,
                )
            }
            _ => (0, 0, 0, [0; 3], 0),
        };
        html! {
            <section class="card detail lb-detail">
                { panels::summary(&panels::SummaryProps { ok, failed, open, latency, retries }) }
                { view::meter(m).map(|meter| {
                    let c = &m.sim.cluster().protocol.config;
                    let labels: Vec<String> = (0..c.backends.len()).map(|i| view::label(c, c.backend_node(i))).collect();
                    panels::availability(&meter.availability(c), &labels)
                }).unwrap_or_default() }
                { panels::backends_table(&view::backends(m), &act.on(|m, (i, w): (usize, u32)| m.reconfigure(|s| set_weight(s, i, w)))) }
                { panels::explainer() }
            </section>
        }
    }

    fn settings(m: &Model<Lb>, act: &Act<Lb>) -> Html {
        let l = &m.scenario.lb;
        html! {
            { panels::settings(&panels::SettingsProps {
                algo: l.algo,
                rps: l.rps,
                timeout: l.timeout,
                retries: l.retries,
                budget: l.budget,
                health: l.health,
                eject: l.eject,
                pair: l.pair,
                spares: l.spares,
                provision: l.provision,
                on_provision: act.on(|m, v: Micros| m.reconfigure(|s| s.lb.provision = v)),
                inter: l.inter,
                fall: l.fall,
                rise: l.rise,
                c5xx: l.c5xx,
                eject_time: l.eject_time,
                max_eject: l.max_eject,
                panic: l.panic,
                slow_start: l.slow_start,
                service: l.service,
                dist: l.dist,
                workers: l.workers,
                on_service: act.on(|m, v: Micros| m.reconfigure(|s| s.lb.service = v)),
                on_dist: act.on(|m, v: ServiceDist| m.reconfigure(|s| s.lb.dist = v)),
                on_workers: act.on(|m, v: u16| m.reconfigure(|s| s.lb.workers = v)),
                on_inter: act.on(|m, v: Micros| m.reconfigure(|s| s.lb.inter = v)),
                on_fall: act.on(|m, v: u16| m.reconfigure(|s| s.lb.fall = v)),
                on_rise: act.on(|m, v: u16| m.reconfigure(|s| s.lb.rise = v)),
                on_c5xx: act.on(|m, v: u16| m.reconfigure(|s| s.lb.c5xx = v)),
                on_eject_time: act.on(|m, v: Micros| m.reconfigure(|s| s.lb.eject_time = v)),
                on_max_eject: act.on(|m, v: u8| m.reconfigure(|s| s.lb.max_eject = v)),
                on_panic: act.on(|m, v: u8| m.reconfigure(|s| s.lb.panic = v)),
                on_slow_start: act.on(|m, v: Micros| m.reconfigure(|s| s.lb.slow_start = v)),
                on_algo: act.on(|m, a: Algo| m.reconfigure(|s| s.lb.algo = a)),
                on_rps: act.on(|m, r: u32| m.reconfigure(|s| s.lb.rps = r)),
                on_timeout: act.on(|m, t: Micros| m.reconfigure(|s| {
                    s.lb.timeout = t;
                    s.lb.hedge = s.lb.hedge.min(t);
                })),
                on_retries: act.on(|m, r: u8| m.reconfigure(|s| s.lb.retries = r)),
                on_budget: act.on(|m, b: bool| m.reconfigure(|s| s.lb.budget = b)),
                on_health: act.on(|m, b: bool| m.reconfigure(|s| s.lb.health = b)),
                on_eject: act.on(|m, b: bool| m.reconfigure(|s| s.lb.eject = b)),
                on_pair: act.on(|m, p: PairMode| m.reconfigure(|s| keep_backends(s, |s| s.lb.pair = p))),
                on_spares: act.on(|m, k: u8| m.reconfigure(|s| keep_backends(s, |s| s.lb.spares = k))),
            }) }
        }
    }
}

/// Sets backend `i`'s weight, keeping the list no longer than it needs to be (trailing 1s go).
fn set_weight(s: &mut Scenario, i: usize, w: u32) {
    let l = &mut s.lb;
    if l.weights.len() <= i {
        l.weights.resize(i + 1, 1);
    }
    l.weights[i] = w.max(1);
    while l.weights.last() == Some(&1) {
        l.weights.pop();
    }
}

/// Changes what surrounds the backends without changing how many there are (within the
/// picture's limit), so the fault script's backend nodes move with them.
fn keep_backends(s: &mut Scenario, change: impl FnOnce(&mut Scenario)) {
    let before = s.lb.overhead();
    let backends = s.nodes.saturating_sub(before);
    change(s);
    s.nodes = (backends + s.lb.overhead()).min(MAX_LB_NODES);
    s.lb.spares = s.lb.spares.min(s.nodes.saturating_sub(s.lb.overhead()).saturating_sub(1));
    let shift = i16::from(s.lb.overhead()) - i16::from(before);
    if shift != 0 {
        // Backend nodes keep their place in the pool; faults on other nodes stay put.
        for f in &mut s.faults {
            f.fault.renumber(|x| if x >= before { (i16::from(x) + shift).max(0) as NodeId } else { x });
        }
        let n = s.nodes;
        s.faults.retain_mut(|f| f.fault.restrict_to(n));
    }
}

#[cfg(test)]
mod tests;
