//! The service lab: what load balancing, health checks, failover and redundancy add to the
//! shared [`crate::playground`] page — clients, one or two balancers (a witness and a controller
//! if configured) and the backends laid out left to right, requests and answers in flight, each
//! backend as the serving balancer sees it, live charts of throughput, latency and load with
//! marks where faults hit, the backends table, and the settings. Backends' menus make them slow,
//! fail fast, or recover.

pub mod panels;
pub mod view;

use crate::i18n::Text;
use crate::learn::Goal;
use crate::playground::{Act, Model, NodeFacts, Playground};
use crate::widgets::cluster::Place;
use halab_core::lb::invariants::LbChecker;
use halab_core::lb::invariants::LB_INVARIANTS;
use halab_core::lb::meter::{Bin, MarkKind};
use halab_core::lb::{Lb, LbMsg, LbState, BALANCER, CLIENTS, LB_BUG_NAMES};
use halab_core::protocol::{Degrade, Micros, NodeId};
use halab_core::scenario::lb::{LbParams, PairMode};
use halab_core::scenario::limits::MAX_LB_NODES;
use halab_core::scenario::presets::{Preset, LB_PRESETS};
use halab_core::scenario::{ProtocolKind, Scenario};
use halab_core::sim::fault::Fault;
use halab_core::sim::fault::Scheduled;
use halab_core::sim::Sim;
use yew::prelude::*;

impl Playground for Lb {
    const KIND: ProtocolKind = ProtocolKind::Lb;
    const TITLE: Text = txt!("Load balancing", "负载均衡");
    const PRESETS: &'static [Preset] = LB_PRESETS;
    const BUGS: &'static [(&'static str, &'static str)] = LB_BUG_NAMES;
    const INVARIANTS: &'static [&'static str] = LB_INVARIANTS;
    const ROLES: &'static [(&'static str, Text)] = &[
        ("clients", txt!("clients", "客户端")),
        ("master", txt!("balancer holding the VIP", "持有 VIP 的负载均衡器")),
        ("backup", txt!("standby balancer", "备用负载均衡器")),
        ("witness", txt!("lease witness", "租约见证者")),
        ("controller", txt!("spare controller", "备用后端控制器")),
        ("backend", txt!("backend", "后端")),
        ("slow", txt!("slow backend", "慢后端")),
        ("failing", txt!("backend failing fast", "快速失败的后端")),
    ];
    const MESSAGES: &'static [(&'static str, Text)] = &[
        ("msg-req", txt!("request (big: to a backend)", "请求（大：发往后端）")),
        ("msg-resp ack", txt!("answer (hollow: an error)", "应答（空心：错误）")),
        ("msg-check", txt!("health check", "健康检查")),
        ("msg-advert", txt!("VRRP advert, ARP", "VRRP 通告、ARP")),
        ("msg-lease", txt!("lease", "租约")),
        ("msg-pool", txt!("pool, provisioning", "资源池、开通")),
    ];
    const LABEL_CLASSES: &'static [(&'static str, &'static str)] = &[
        ("Request", "msg-req"),
        ("Forward", "msg-req"),
        ("Done", "msg-resp"),
        ("Response", "msg-resp"),
        ("Check", "msg-check"),
        ("CheckReply", "msg-check"),
        ("Advert", "msg-advert"),
        ("GARP", "msg-advert"),
        ("ARP", "msg-advert"),
        ("LeaseAsk", "msg-lease"),
        ("LeaseGrant", "msg-lease"),
        ("LeaseDeny", "msg-lease"),
        ("LeaseRelease", "msg-lease"),
        ("Provision", "msg-pool"),
        ("Provisioned", "msg-pool"),
        ("Pool", "msg-pool"),
    ];
    const DIAGRAM_SPAN: Micros = 200 * halab_core::protocol::MS;
    const TIMER: Text = txt!("", "");
    /// Room for backend captions on the right and client captions on the left.
    const PICTURE_PAD: f64 = 110.0;
    const PICTURE_PAD_Y: f64 = 20.0;
    /// 200 requests a second: at 0.25× fifty a second cross the picture, and a preset's fault
    /// at 2 s comes after 8 s of watching.
    const SPEED: f64 = 0.25;

    fn sim(s: &Scenario) -> Sim<Lb> {
        s.lb_sim()
    }

    fn goal(m: &Model<Lb>, goal: Goal, clicked: &[Scheduled]) -> bool {
        let config = &m.sim.cluster().protocol.config;
        let first = config.first_backend();
        let crash_of = |pick: &dyn Fn(NodeId) -> bool| {
            clicked.iter().filter(|f| matches!(f.fault, Fault::Crash(x) if pick(x))).map(|f| f.at).min()
        };
        let Some(checker) = m.sim.checker_as::<LbChecker>() else { return false };
        let meter = &checker.meter;
        let failed = |b: &Bin| b.errors + b.timeouts > 0;
        match goal {
            Goal::CrashedBackendFails => {
                crash_of(&|x| x >= first).is_some_and(|t| meter.bins.iter().any(|b| b.end > t && failed(b)))
            }
            // After the crash some request failed, and later four bins in a row (a second) had
            // answers and no failure.
            Goal::HealthChecksRecover => crash_of(&|x| x >= first).is_some_and(|t| {
                let after: Vec<&Bin> = meter.bins.iter().filter(|b| b.end > t).collect();
                let Some(first_fail) = after.iter().position(|b| failed(b)) else { return false };
                after[first_fail..].windows(4).any(|w| w.iter().all(|b| !failed(b) && b.ok > 0))
            }),
            Goal::SpareJoins => meter.marks.iter().any(|k| k.kind == MarkKind::Replacement),
            Goal::StandbyTakesOver => crash_of(&|x| x != CLIENTS && x < first)
                .is_some_and(|t| meter.marks.iter().any(|k| k.kind == MarkKind::Failover && k.at > t)),
            Goal::SplitBrain => checker.split_brains > 0,
            _ => false,
        }
    }

    fn in_legend(m: &Model<Self>, class: &str) -> bool {
        let l = &m.scenario.lb;
        let degraded = |slow: bool| {
            m.scenario.faults.iter().any(|f| match f.fault {
                Fault::Degrade(_, Degrade::Slow(_)) => slow,
                Fault::Degrade(_, Degrade::FailFast) => !slow,
                _ => false,
            })
        };
        match class {
            "backup" => l.pair != PairMode::Off,
            "witness" | "msg-lease" => l.pair == PairMode::Fenced,
            "controller" | "msg-pool" => l.spares > 0,
            "msg-check" => l.health,
            "slow" => degraded(true),
            "failing" => degraded(false),
            _ => true,
        }
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
        (BALANCER, tr!("the clients make their own requests", "客户端自己发出请求").to_owned())
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
            { tr!(
                "Clients send requests to a virtual IP; a load balancer spreads them over the backends. Crash a backend, make one \
                 slow or fail fast, crash the balancer or cut the link between a pair — and watch success rate, latency and \
                 each backend's share respond. Health checks, outlier detection, retries, a standby and spares each fix one \
                 of these.",
                "客户端把请求发往一个虚拟 IP（VIP）；负载均衡器把请求分摊到各个后端。让一个后端崩溃、变慢或快速失败，\
                 让负载均衡器崩溃，或切断主备之间的链路——观察成功率、延迟和各后端的份额如何变化。健康检查、异常检测、\
                 重试、备用负载均衡器和备用后端，各自解决其中一个问题。"
            ) }
        }
    }

    fn embed_strip(m: &Model<Lb>) -> Html {
        view::meter(m).map_or_else(Html::default, |meter| panels::embed_strip(&meter.bins))
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
        html! {
            { panels::settings(&panels::SettingsProps {
                params: m.scenario.lb.clone(),
                on_change: act.on(|m, l: LbParams| m.reconfigure(|s| {
                    // A pair, a witness or a controller takes a node: keep the backends.
                    if (l.pair, l.spares) != (s.lb.pair, s.lb.spares) {
                        keep_backends(s, |s| s.lb = l);
                    } else {
                        s.lb = l;
                    }
                    let l = &mut s.lb;
                    (l.hedge, l.check_jitter) = (l.hedge.min(l.timeout), l.check_jitter.min(l.inter));
                })),
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
