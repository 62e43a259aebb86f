//! The lock service playground: what the lease lock with fencing tokens adds to the shared
//! [`crate::playground`] page — a server, a storage and clients with their own roles and
//! message colours, each node's belief read on its own clock (the server's lease and time left,
//! the storage's highest token, a client's "holds token 3"), the holders timeline under the
//! picture, the writes the storage took or refused, and the TTL, drift bound and work settings.
//! The node menu pauses for 2 s (a GC pause) and makes clocks drift.

pub mod panels;
pub mod view;

use crate::i18n::Text;
use crate::learn::Goal;
use crate::playground::{Act, Model, NodeFacts, Playground};
use crate::widgets::timeline::timeline_panel;
use halab_core::lock::invariants::LOCK_INVARIANTS;
use halab_core::lock::{
    Lock, LockDurable, LockMsg, LockState, FIRST_CLIENT, LOCK_BUG_NAMES, SERVER, STORAGE,
};
use halab_core::protocol::{Micros, NodeId, SEC};
use halab_core::scenario::presets::{Preset, LOCK_PRESETS};
use halab_core::scenario::{ProtocolKind, Scenario};
use halab_core::sim::fault::Scheduled;
use halab_core::sim::Sim;
use yew::prelude::*;

impl Playground for Lock {
    const KIND: ProtocolKind = ProtocolKind::Lock;
    const TITLE: Text = txt!("Lock", "锁");
    const PRESETS: &'static [Preset] = LOCK_PRESETS;
    const BUGS: &'static [(&'static str, &'static str)] = LOCK_BUG_NAMES;
    const INVARIANTS: &'static [&'static str] = LOCK_INVARIANTS;
    const ROLES: &'static [(&'static str, Text)] = &[
        ("server", txt!("lock server", "锁服务器")),
        ("storage", txt!("storage", "存储")),
        ("idle", txt!("idle client", "空闲的客户端")),
        ("asking", txt!("asking for the lock", "正在请求锁")),
        ("holder", txt!("believes it holds the lock", "认为自己持有锁")),
    ];
    const MESSAGES: &'static [(&'static str, Text)] = &[
        ("msg-acquire", txt!("Acquire", "Acquire（申请）")),
        ("msg-grant", txt!("Grant (hollow: Deny)", "Grant（授予；空心：Deny 拒绝）")),
        ("msg-renew", txt!("Renew (small: Renewed)", "Renew（续约；小：Renewed 已续约）")),
        ("msg-lost no", txt!("Lost", "Lost（已失去）")),
        ("msg-release", txt!("Release", "Release（释放）")),
        ("msg-write data", txt!("Write with a token", "Write（带令牌的写入）")),
        ("msg-written", txt!("Written", "Written（已写入）")),
        ("msg-fenced no", txt!("Fenced (refused)", "Fenced（被防护拒绝）")),
    ];
    const LABEL_CLASSES: &'static [(&'static str, &'static str)] = &[
        ("Deny", "msg-grant no"),
        ("Renewed", "msg-renew"),
        ("Lost", "msg-lost no"),
        ("Fenced", "msg-fenced no"),
    ];
    const DIAGRAM_SPAN: Micros = 2 * SEC;
    const TIMER: Text = txt!("lease left", "租约剩余");
    /// Room for "3 stored · 1 refused" beside the storage, even at a phone's caption size.
    const PICTURE_PAD: f64 = 64.0;
    /// The server and the storage side by side at the top, the clients below them.
    const PICTURE_TURN: f64 = 0.5;
    /// A lease lasts about a second: at 0.1× a lease takes ten seconds to watch.
    const SPEED: f64 = 0.1;
    const PAUSE: Micros = 2 * SEC;
    const PAUSE_WHY: Text = txt!("a GC pause", "一次 GC 停顿");
    const CLOCKS: bool = true;

    fn sim(s: &Scenario) -> Sim<Lock> {
        s.lock_sim()
    }

    fn bug_flag<'a>(s: &'a mut Scenario, name: &str) -> Option<&'a mut bool> {
        s.lock.bugs.flag_mut(name)
    }

    fn role(&self, s: &LockState) -> &'static str {
        view::role(s)
    }

    fn msg_class(msg: &LockMsg) -> &'static str {
        view::msg_class(msg)
    }

    fn node(m: &Model<Lock>, i: usize, role: &'static str) -> NodeFacts {
        view::node(m, i, role)
    }

    /// Never used: the lock's clients make their own requests (no client-write button).
    fn write_target(_m: &Model<Lock>) -> (NodeId, String) {
        (SERVER, tr!("the clients make their own requests", "客户端自行发出请求").to_owned())
    }

    fn node_name(&self, id: NodeId) -> String {
        crate::i18n::zh_core::msg(&self.config.name(id))
    }

    fn node_label(&self, id: NodeId) -> String {
        view::label(id)
    }

    /// Clients talk to the server and the storage; nobody else talks.
    fn draws_link(&self, a: NodeId, b: NodeId) -> bool {
        matches!(a, SERVER | STORAGE) && b >= FIRST_CLIENT
    }

    fn goal(m: &Model<Lock>, goal: Goal, _clicked: &[Scheduled]) -> bool {
        match goal {
            Goal::StaleTokenRefused => {
                matches!(m.sim.cluster().state(STORAGE), Some(LockState::Storage(s)) if s.rejected > 0)
            }
            _ => false,
        }
    }

    fn unjudged(m: &Model<Lock>) -> Vec<(&'static str, String)> {
        view::unjudged(m)
    }

    fn lede(_m: &Model<Lock>) -> Html {
        html! {
            { tr!(
                "A lock server grants a lease with a fencing token; a client works, then writes to the storage with \
                 its token. Pause a client (a GC pause) or make a clock drift: the lease alone cannot stop a late \
                 write, the storage refusing old tokens does.",
                "锁服务器授予租约并附带一个防护令牌（fencing token）；客户端完成工作后，带着令牌写入存储。\
                 暂停一个客户端（GC 停顿）或让时钟漂移：单靠租约挡不住迟到的写入，\
                 靠的是存储拒绝旧令牌。"
            ) }
        }
    }

    fn under_picture(m: &Model<Lock>) -> Html {
        timeline_panel(
            view::timeline(m),
            tr!("who held what", "谁持有过什么"),
            tr!("writes at the storage", "存储收到的写入"),
            view::timeline_legend(),
            tr!("lock holders over time", "锁持有者随时间的变化"),
        )
    }

    fn detail(m: &Model<Lock>, _act: &Act<Lock>) -> Html {
        let node = &m.sim.cluster().nodes[STORAGE as usize];
        // A crashed storage shows what it persisted (its refusals were never written down).
        let (highest, accepted, refused) = match (&node.state, &node.durable) {
            (Some(LockState::Storage(s)), _) => (s.highest, s.accepted, s.rejected),
            (None, Some(LockDurable::Storage { highest, accepted, .. })) => (*highest, *accepted, 0),
            _ => (0, 0, 0),
        };
        html! {
            <section class="card detail lock-detail">
                { panels::writes(&panels::WritesProps { writes: view::writes(m), highest, accepted, refused }) }
                { panels::explainer() }
            </section>
        }
    }

    fn settings(m: &Model<Lock>, act: &Act<Lock>) -> Html {
        let l = &m.scenario.lock;
        html! {
            { panels::lock_settings(&panels::LockSettingsProps {
                ttl: l.ttl,
                bound_ppm: l.bound_ppm,
                work: (l.work_min, l.work_max),
                on_ttl: act.on(|m, ttl: Micros| m.reconfigure(|s| s.lock.ttl = ttl)),
                on_bound: act.on(|m, ppm: u32| m.reconfigure(|s| s.lock.bound_ppm = ppm)),
                on_work: act.on(|m, (lo, hi): (Micros, Micros)| m.reconfigure(|s| (s.lock.work_min, s.lock.work_max) = (lo, hi))),
            }) }
        }
    }
}

#[cfg(test)]
mod tests;
