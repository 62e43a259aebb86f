//! The service lab's own view data: where each node sits (clients → balancers → backends), what
//! each believes (the balancer's view of every backend: in the pool, healthy, ejected), the
//! meter's bins for the charts, and the per-backend table.

use crate::playground::{Model, NodeFacts};
use crate::widgets::cluster::{Place, HEIGHT, WIDTH};
use halab_core::lb::balancer::{BalancerState, Host};
use halab_core::lb::controller::Slot;
use halab_core::lb::meter::Meter;
use halab_core::lb::vrrp::Role;
use halab_core::lb::{
    serving_balancer, Arrivals, Lb, LbChecker, LbConfig, LbMsg, LbState, Mode, Status, CLIENTS,
};
use halab_core::protocol::{Micros, NodeId, MS};

/// The node's role as a CSS class and `data-role`: by what the node itself is and does.
pub fn role(s: &LbState) -> &'static str {
    match s {
        LbState::Clients(_) => "clients",
        LbState::Balancer(b) if b.vrrp.role == Role::Master => "master",
        LbState::Balancer(_) => "backup",
        LbState::Witness(_) => "witness",
        LbState::Controller(_) => "controller",
        LbState::Backend(b) => match b.mode {
            Mode::Healthy => "backend",
            Mode::Slow { .. } => "slow",
            Mode::FailFast => "failing",
        },
    }
}

/// CSS classes of a message in flight: requests out (big when forwarded to a backend), answers
/// back (small; hollow for an error), and the control plane's chatter in muted colours.
pub fn msg_class(msg: &LbMsg) -> &'static str {
    match msg {
        LbMsg::Request { .. } => "msg-req",
        LbMsg::Forward { .. } => "msg-req data",
        LbMsg::Done { status: Status::Ok, .. } | LbMsg::Response { status: Status::Ok, .. } => "msg-resp ack",
        LbMsg::Done { .. } | LbMsg::Response { .. } => "msg-resp ack no",
        LbMsg::Check { .. } => "msg-check",
        LbMsg::CheckReply { healthy: true, .. } => "msg-check ack",
        LbMsg::CheckReply { .. } => "msg-check ack no",
        LbMsg::Advert { .. } | LbMsg::Garp | LbMsg::Arp => "msg-advert",
        LbMsg::LeaseAsk { .. } | LbMsg::LeaseRelease { .. } => "msg-lease",
        LbMsg::LeaseGrant { .. } => "msg-lease ack",
        LbMsg::LeaseDeny => "msg-lease ack no",
        LbMsg::Pool { .. } | LbMsg::Provision | LbMsg::Provisioned => "msg-pool",
    }
}

/// The short text inside a node's circle.
pub fn label(c: &LbConfig, id: NodeId) -> String {
    match id {
        CLIENTS => "C".into(),
        _ if c.is_balancer(id) => format!("LB{id}"),
        _ if Some(id) == c.witness() => "W".into(),
        _ if Some(id) == c.controller() => "K".into(),
        _ => format!("B{}", c.backend(id).map_or(0, |i| i + 1)),
    }
}

/// A node's name in notes and menus.
pub fn name(c: &LbConfig, id: NodeId) -> String {
    match id {
        CLIENTS => tr!("the clients", "客户端").into(),
        _ if c.is_balancer(id) => trf!("balancer {id}", "负载均衡器 {id}"),
        _ if Some(id) == c.witness() => tr!("the witness", "见证者").into(),
        _ if Some(id) == c.controller() => tr!("the controller", "控制器").into(),
        _ => {
            let b = c.backend(id).map_or(0, |i| i + 1);
            trf!("backend B{b}", "后端 B{b}")
        }
    }
}

/// Left to right: the clients, the balancers (the witness above them, the controller below),
/// the backends in one column, or two when there are many.
pub fn places(c: &LbConfig, n: usize) -> Option<Vec<Place>> {
    if n != c.nodes() {
        return None;
    }
    let (w, h) = (WIDTH, HEIGHT);
    let mut places = vec![Place { x: 0.1 * w, y: 0.5 * h, caption: (0.0, 1.0) }; n];
    let balancers: Vec<NodeId> = c.balancers().collect();
    for (k, &b) in balancers.iter().enumerate() {
        let y = if balancers.len() == 1 { 0.5 * h } else { [0.36, 0.64][k] * h };
        let caption = if balancers.len() == 1 || k == 0 { (0.0, -1.0) } else { (0.0, 1.0) };
        places[usize::from(b)] = Place { x: 0.38 * w, y, caption };
    }
    if let Some(wi) = c.witness() {
        places[usize::from(wi)] = Place { x: 0.38 * w, y: 0.1 * h, caption: (1.0, 0.0) };
    }
    if let Some(k) = c.controller() {
        places[usize::from(k)] = Place { x: 0.38 * w, y: 0.9 * h, caption: (1.0, 0.0) };
    }
    let count = c.backends.len();
    let two_columns = count > 7;
    let rows = if two_columns { count.div_ceil(2) } else { count };
    for i in 0..count {
        let (col, row) = if two_columns { (i % 2, i / 2) } else { (0, i) };
        let y = if rows == 1 { 0.5 * h } else { (0.08 + 0.84 * row as f64 / (rows - 1) as f64) * h };
        let x = if two_columns { [0.62, 0.8][col] * w } else { 0.72 * w };
        places[usize::from(c.backend_node(i))] = Place { x, y, caption: (1.0, 0.0) };
    }
    Some(places)
}

/// The balancer that serves the VIP now (the master with a valid lease), else the one the
/// clients send to.
pub fn serving(m: &Model<Lb>) -> Option<(NodeId, &BalancerState)> {
    let cluster = m.sim.cluster();
    serving_balancer(cluster).or_else(|| match cluster.state(CLIENTS) {
        Some(LbState::Clients(s)) => match cluster.state(s.vip) {
            Some(LbState::Balancer(b)) => Some((s.vip, b)),
            _ => None,
        },
        _ => None,
    })
}

/// How the serving balancer sees backend `i`, in a word.
pub fn host_status(h: &Host) -> &'static str {
    if !h.in_pool {
        "spare"
    } else if h.ejected_until.is_some() {
        "ejected"
    } else if h.unhealthy {
        "unhealthy"
    } else if h.warming_since.is_some() {
        "warming up"
    } else {
        "in pool"
    }
}

/// A [`host_status`] (or `out of pool`) in the reader's language; the English is the key
/// that `data-status` and the CSS class carry.
pub fn status_words(status: &'static str) -> &'static str {
    match status {
        "spare" => tr!("spare", "备用"),
        "ejected" => tr!("ejected", "已摘除"),
        "unhealthy" => tr!("unhealthy", "不健康"),
        "warming up" => tr!("warming up", "预热中"),
        "in pool" => tr!("in pool", "在池中"),
        "out of pool" => tr!("out of pool", "已移出池"),
        other => other,
    }
}

/// `12 ms`, `1.2 s`.
pub fn ms(us: Micros) -> String {
    if us >= 10 * 1_000 * MS {
        format!("{:.0} s", us as f64 / 1e6)
    } else if us >= 1_000 * MS {
        format!("{:.1} s", us as f64 / 1e6)
    } else if us >= 10 * MS {
        format!("{:.0} ms", us as f64 / 1e3)
    } else {
        format!("{:.1} ms", us as f64 / 1e3)
    }
}

pub fn node(m: &Model<Lb>, i: usize, role: &'static str) -> NodeFacts {
    let cluster = m.sim.cluster();
    let c = &cluster.protocol.config;
    let id = i as NodeId;
    let name = name(c, id);
    let mut caption = Vec::new();
    let mut term = 0;
    let summary = match cluster.state(id) {
        None => tr!("down", "宕机").to_owned(),
        Some(LbState::Clients(s)) => {
            let st = &s.stats;
            term = st.ok;
            caption.push(match c.arrivals {
                Arrivals::Open { per_sec } => format!("{per_sec} req/s"),
                Arrivals::Closed { users, .. } => trf!("{users} users", "{users} 个用户"),
            });
            let (ok, failed) = (st.ok, st.errors + st.timeouts);
            caption.push(trf!("{ok} ok · {failed} failed", "成功 {ok} · 失败 {failed}"));
            if c.pair.is_some() {
                caption.push(format!("VIP → LB{}", s.vip));
            }
            let open = s.pending.len();
            trf!(
                "{open} open requests, {ok} ok, {failed} failed",
                "{open} 个请求未完成，成功 {ok}，失败 {failed}"
            )
        }
        Some(LbState::Balancer(b)) => {
            term = b.routed;
            let serves = b.vrrp.serving(c, cluster.nodes[i].clock.local(m.sim.now()));
            caption.push(match (b.vrrp.role, serves) {
                (Role::Master, true) => tr!("serves the VIP", "服务 VIP").to_owned(),
                (Role::Master, false) => tr!("master, no lease", "主机，无租约").to_owned(),
                (Role::Backup, _) => tr!("backup", "备机").to_owned(),
            });
            let routed = b.routed;
            caption.push(trf!("{routed} routed", "已路由 {routed}"));
            if b.panic {
                caption.push(tr!("panic: routes to all", "恐慌模式：路由到全部").to_owned());
            }
            let first = &caption[0];
            trf!("{first}, {routed} requests routed", "{first}，已路由 {routed} 个请求")
        }
        Some(LbState::Witness(w)) => {
            let text = match w.holder {
                _ if w.waiting => tr!("waits out a lease", "等待租约过期").to_owned(),
                Some((h, _)) => trf!("lease: LB{h}", "租约：LB{h}"),
                None => tr!("no lease given", "未授出租约").to_owned(),
            };
            caption.push(text.clone());
            text
        }
        Some(LbState::Controller(k)) => {
            term = k.epoch;
            let dead = k.slots.iter().filter(|s| **s == Slot::Dead).count();
            let (epoch, replaced) = (k.epoch, k.replacements);
            caption.push(trf!("pool v{epoch}", "池 v{epoch}"));
            if dead > 0 {
                caption.push(trf!("{dead} dead, replacing", "{dead} 个已死，替换中"));
            } else if replaced > 0 {
                caption.push(trf!("{replaced} replaced", "已替换 {replaced}"));
            }
            trf!("pool version {epoch}, {replaced} replacements", "池版本 {epoch}，已替换 {replaced} 次")
        }
        Some(LbState::Backend(b)) => {
            term = b.served;
            let workers = b.busy.len();
            let busy = b.busy.iter().flatten().count();
            let host = serving(m).and_then(|(_, s)| s.hosts.get(b.index));
            let status = status_words(host.map_or("", host_status));
            caption.push(match b.mode {
                Mode::Healthy => status.to_owned(),
                Mode::Slow { factor } => trf!("{status} · {factor}× slow", "{status} · 慢 {factor}×"),
                Mode::FailFast => trf!("{status} · failing", "{status} · 失败中"),
            });
            match b.queue.len() {
                0 if busy > 0 => caption.push(trf!("{busy}/{workers} busy", "{busy}/{workers} 忙")),
                0 => {}
                q => caption.push(trf!("{busy}/{workers} busy +{q}", "{busy}/{workers} 忙 +{q}")),
            }
            let (served, refused, failed) = (b.served, b.refused, b.failed);
            trf!(
                "{status}, {served} served, {refused} refused, {failed} failed",
                "{status}，已服务 {served}，已拒绝 {refused}，失败 {failed}"
            )
        }
    };
    if role == "paused" {
        if let Some(first) = caption.first_mut() {
            *first = format!("❚❚ {first}");
        }
    }
    let title = trf!("{name}: {summary}. Click for actions.", "{name}：{summary}。点击查看操作。");
    NodeFacts { term, caption, timer: None, title, summary }
}

/// The meter the checker keeps.
pub fn meter(m: &Model<Lb>) -> Option<&Meter> {
    m.sim.checker_as::<LbChecker>().map(|c| &c.meter)
}

/// One row of the backends table, as the serving balancer and the backend itself see it.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendRow {
    pub node: NodeId,
    pub label: String,
    pub status: &'static str,
    pub mode: String,
    pub weight: u32,
    pub up: bool,
    pub outstanding: u32,
    pub routed: u64,
    pub served: u64,
    pub refused: u64,
    pub failed: u64,
    pub queued: usize,
    pub ejections: u32,
}

pub fn backends(m: &Model<Lb>) -> Vec<BackendRow> {
    let cluster = m.sim.cluster();
    let c = &cluster.protocol.config;
    let lb = serving(m).map(|(_, s)| s);
    (0..c.backends.len())
        .map(|i| {
            let node = c.backend_node(i);
            let host = lb.and_then(|s| s.hosts.get(i));
            let own = match cluster.state(node) {
                Some(LbState::Backend(b)) => Some(b),
                _ => None,
            };
            let status = match host.map_or("—", host_status) {
                // Replaced while down: out of the pool, not standing by.
                "spare" if own.is_none() => "out of pool",
                s => s,
            };
            BackendRow {
                node,
                label: label(c, node),
                status,
                mode: match own.map(|b| b.mode) {
                    None => tr!("down", "宕机").into(),
                    Some(Mode::Healthy) => tr!("healthy", "健康").into(),
                    Some(Mode::Slow { factor }) => trf!("{factor}× slow", "慢 {factor}×"),
                    Some(Mode::FailFast) => tr!("failing (5xx)", "失败中（5xx）").into(),
                },
                weight: c.weight(i),
                up: own.is_some(),
                outstanding: host.map_or(0, |h| h.outstanding),
                routed: host.map_or(0, |h| h.forwarded),
                served: own.map_or(0, |b| b.served),
                refused: own.map_or(0, |b| b.refused),
                failed: own.map_or(0, |b| b.failed),
                queued: own.map_or(0, |b| b.queue.len()),
                ejections: host.map_or(0, |h| h.ejections),
            }
        })
        .collect()
}
