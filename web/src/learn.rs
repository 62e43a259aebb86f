//! The guided path (issue 15): steps from "one server fails" to "why consensus". Each step is a
//! scenario, a prompt and a goal that the playground page checks from the simulation itself
//! (`playground::guide`); progress is kept in the browser's `localStorage`. The `/learn` page
//! (`front::learn`) lists the steps, and a step's link is its scenario plus `learn=<id>`.

use crate::front::catalog::Source;
use crate::i18n::Text;

/// What a step asks the reader to make happen, judged from the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// You crash a backend, and requests fail.
    CrashedBackendFails,
    /// You crash a backend, and a second later no request fails any more.
    HealthChecksRecover,
    /// A spare joins the pool in place of a dead backend.
    SpareJoins,
    /// You crash the serving balancer, and the standby takes the virtual IP.
    StandbyTakesOver,
    /// Both balancers serve the virtual IP at once.
    SplitBrain,
    /// The storage refuses a write with a stale fencing token.
    StaleTokenRefused,
    /// The invariant panel turns red.
    Violation,
    /// A participant is left in doubt, unable to decide, for a second.
    InDoubt,
    /// You crash the leader, and another node is elected leader.
    NewLeader,
    /// Two nodes believe they lead at once, in different terms.
    TwoLeaders,
}

/// A step of the path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// Stable id: the `learn=` value and the progress key.
    pub id: &'static str,
    pub title: Text,
    /// What to do, and the question to think about.
    pub prompt: Text,
    /// The goal, as the reader sees it.
    pub goal_text: Text,
    pub goal: Goal,
    pub source: Source,
}

impl Step {
    /// The faults the step's own scenario schedules: any other fault in the run is the reader's.
    pub fn script(&self) -> Vec<halab_core::sim::fault::Scheduled> {
        halab_core::scenario::url::decode(self.source.query())
            .map_or_else(|_| Vec::new(), |d| d.scenario.faults)
    }

    /// The step's link, relative: its scenario on its page, with `learn=`.
    pub fn href(&self) -> String {
        format!("{}?{}&learn={}", self.source.page(), self.source.query(), self.id)
    }
}

const LB_BASE: Source = Source::Link("p=lb&n=6&seed=1&rps=320&timeout=300ms");
const LB_HC: Source = Source::Link("p=lb&n=6&seed=1&rps=250&hc=1&timeout=300ms");
const LB_PAIR: Source = Source::Link("p=lb&n=7&seed=1&pair=on&timeout=300ms");
const LOCK_BASE: Source = Source::Link("p=lock&n=4&seed=1");
const TXN_BASE: Source = Source::Link("p=txn&n=4&seed=1");
// Three steps are presets. Their links are written out, not looked up, so that a page carries
// only its own presets (a test keeps them equal to the presets').
/// `LB_PRESETS`' `n-plus-1`.
pub const N_PLUS_1: &str =
    "p=lb&n=8&seed=1&rps=320&hc=1&timeout=300ms&slowstart=1s&spares=1&faults=crash:4@2s";
/// `LOCK_PRESETS`' `kleppmann-nofence`.
pub const NO_FENCING: &str = "p=lock&n=4&seed=1&bugs=nofence&faults=pause:2:2s@900ms";
/// `RAFT_PRESETS`' `bug-fig8`.
pub const FIGURE_8: &str =
    "p=raft&n=5&seed=1970&bugs=fig8&faults=crash:leader@129.918ms,isolate:leader@487.415ms,\
                            crash:2@1.077115s,part:0.3.4/1.2@1.422618s,isolate:leader@1.909099s";
const RAFT_BASE: Source = Source::Link("p=raft&n=5&seed=1&rate=4");

pub const STEPS: &[Step] = &[
    Step {
        id: "one-fails",
        title: txt!("One server fails", "一台服务器故障"),
        prompt: txt!(
            "Four backends share the requests behind one load balancer. Click a backend and crash it. The balancer does not know yet: what happens to the requests it still sends there?",
            "四个后端在一个负载均衡器后面分担请求。点击一个后端，让它崩溃。均衡器还不知道：它继续发往那里的请求会怎样？"
        ),
        goal_text: txt!("Crash a backend and see requests fail.", "让一个后端崩溃，看到请求失败。"),
        goal: Goal::CrashedBackendFails,
        source: LB_BASE,
    },
    Step {
        id: "health-checks",
        title: txt!("Health checks take it out", "健康检查把它摘除"),
        prompt: txt!(
            "Now the balancer probes every backend twice a second and takes a host out after two failed checks. Crash a backend again. How long until requests stop failing?",
            "现在均衡器每秒探测每个后端两次，连续两次失败就把主机摘除。再让一个后端崩溃。请求要过多久才不再失败？"
        ),
        goal_text: txt!(
            "Crash a backend, then watch a full second pass with no failed request.",
            "让一个后端崩溃，然后看到整整一秒没有失败的请求。"
        ),
        goal: Goal::HealthChecksRecover,
        source: LB_HC,
    },
    Step {
        id: "n-plus-1",
        title: txt!("Redundancy: N+1", "冗余：N+1"),
        prompt: txt!(
            "At peak load the backends run at 80% of their capacity, so losing one overloads the rest. This cluster keeps a spare. When a backend dies, what does the controller do, and in which order?",
            "高峰时后端以 80% 的容量运行，少一台就会压垮其余节点。这个集群留有一台备用。后端宕机时，控制器做了什么？按什么顺序？"
        ),
        goal_text: txt!("Watch the spare join the pool.", "看到备用后端加入服务池。"),
        goal: Goal::SpareJoins,
        source: Source::Link(N_PLUS_1),
    },
    Step {
        id: "failover",
        title: txt!("The balancer itself fails", "负载均衡器自己故障"),
        prompt: txt!(
            "The balancer is a single point of failure, so here it has a standby that listens for its adverts. Crash the master balancer (node 1). How long is the virtual IP unanswered?",
            "负载均衡器是单点故障，所以这里给它配了一台监听其通告的备机。让主均衡器（节点 1）崩溃。虚拟 IP 无人应答的时间有多长？"
        ),
        goal_text: txt!("Crash the master and see the standby take over.", "让主机崩溃，看到备机接管。"),
        goal: Goal::StandbyTakesOver,
        source: LB_PAIR,
    },
    Step {
        id: "split-brain",
        title: txt!("Split brain", "脑裂"),
        prompt: txt!(
            "The standby decides the master is dead when it stops hearing adverts. Click the link between the two balancers to cut it. Who serves now?",
            "备机听不到通告就认定主机已死。点击两台均衡器之间的链路把它切断。现在谁在提供服务？"
        ),
        goal_text: txt!("Make both balancers serve the virtual IP at once.", "让两台均衡器同时响应虚拟 IP。"),
        goal: Goal::SplitBrain,
        source: LB_PAIR,
    },
    Step {
        id: "lease",
        title: txt!("Locks and leases", "锁与租约"),
        prompt: txt!(
            "Two clients take turns holding a lock with a one-second lease, and write to the storage with their fencing token. Open the menu of the client that holds the lock and pause it. When it wakes, is its write still safe?",
            "两个客户端轮流持有租期一秒的锁，并带着防护令牌写入存储。打开持锁客户端的菜单，让它暂停。它醒来后，它的写入还安全吗？"
        ),
        goal_text: txt!("Make the storage refuse a stale token.", "让存储拒绝一个过期令牌。"),
        goal: Goal::StaleTokenRefused,
        source: LOCK_BASE,
    },
    Step {
        id: "no-fencing",
        title: txt!("A lease is not enough", "仅有租约是不够的"),
        prompt: txt!(
            "The same pause, with a storage that ignores tokens. Play the run. What does the paused client overwrite?",
            "同样的暂停，但存储忽略令牌。运行它。暂停的客户端覆盖了什么？"
        ),
        goal_text: txt!("Turn the invariant panel red.", "让不变式面板变红。"),
        goal: Goal::Violation,
        source: Source::Link(NO_FENCING),
    },
    Step {
        id: "two-phase",
        title: txt!("All or nothing: two-phase commit", "全有或全无：两阶段提交"),
        prompt: txt!(
            "A coordinator asks three participants to vote, then tells them the outcome. Crash the coordinator (node 0) right after the votes come in. What can a participant that voted yes do?",
            "协调者请三个参与者投票，再通知他们结果。在投票刚收齐时让协调者（节点 0）崩溃。投了赞成票的参与者能做什么？"
        ),
        goal_text: txt!("Leave a participant in doubt for a whole second.", "让一个参与者处于不确定状态整整一秒。"),
        goal: Goal::InDoubt,
        source: TXN_BASE,
    },
    Step {
        id: "new-leader",
        title: txt!("Why consensus: a new leader", "为什么需要共识：新的领导者"),
        prompt: txt!(
            "Five Raft nodes replicate a log; the leader decides the order of writes. Crash the leader. What happens to the writes in flight, and who decides the order now?",
            "五个 Raft 节点复制一份日志；领导者决定写入的顺序。让领导者崩溃。正在传输的写入会怎样？现在由谁决定顺序？"
        ),
        goal_text: txt!("Crash the leader and see another node elected.", "让领导者崩溃，看到另一个节点当选。"),
        goal: Goal::NewLeader,
        source: RAFT_BASE,
    },
    Step {
        id: "two-leaders",
        title: txt!("Two leaders, one log", "两个领导者，一份日志"),
        prompt: txt!(
            "Cut the leader off: open its menu and isolate it. The others elect a new leader, but the old one still believes it leads. Why can it never commit anything?",
            "把领导者隔离：打开它的菜单选择隔离。其余节点会选出新的领导者，但旧领导者仍以为自己在领导。为什么它再也无法提交任何东西？"
        ),
        goal_text: txt!("See two leaders at once, in different terms.", "同时看到两个领导者，任期不同。"),
        goal: Goal::TwoLeaders,
        source: RAFT_BASE,
    },
    Step {
        id: "figure-8",
        title: txt!("Why the rules matter: Figure 8", "规则为何重要：图 8"),
        prompt: txt!(
            "This run has one rule of Raft switched off: a leader commits an entry from an earlier term once a majority holds it. Play it and watch the log table. Which committed entry is lost?",
            "这次运行关闭了 Raft 的一条规则：领导者只要看到多数节点持有旧任期的条目就提交它。运行并观察日志表。哪个已提交的条目丢失了？"
        ),
        goal_text: txt!("Play until the invariant panel turns red.", "运行直到不变式面板变红。"),
        goal: Goal::Violation,
        source: Source::Link(FIGURE_8),
    },
];

/// The faults in `faults` that are not in `script` (each scripted fault matched once): what the
/// reader added, wherever `push_fault` put them in time order, and whatever a fork cut.
pub fn added(
    faults: &[halab_core::sim::fault::Scheduled],
    script: &[halab_core::sim::fault::Scheduled],
) -> Vec<halab_core::sim::fault::Scheduled> {
    let mut unmatched: Vec<&halab_core::sim::fault::Scheduled> = script.iter().collect();
    faults
        .iter()
        .filter(|f| match unmatched.iter().position(|s| s == f) {
            Some(i) => {
                unmatched.swap_remove(i);
                false
            }
            None => true,
        })
        .cloned()
        .collect()
}

/// The step with this id.
pub fn step(id: &str) -> Option<&'static Step> {
    STEPS.iter().find(|s| s.id == id)
}

/// The step after this one.
pub fn next(id: &str) -> Option<&'static Step> {
    let i = STEPS.iter().position(|s| s.id == id)?;
    STEPS.get(i + 1)
}

/// The `localStorage` key of the steps done (ids, comma-separated).
pub const PROGRESS_KEY: &str = "halab.learn.done";

/// Progress as stored: the ids of steps done, in path order, unknown ids dropped.
pub fn parse_progress(stored: &str) -> Vec<&'static str> {
    let done: Vec<&str> = stored.split(',').map(str::trim).collect();
    STEPS.iter().filter(|s| done.contains(&s.id)).map(|s| s.id).collect()
}

/// Progress with `id` added.
pub fn with_done(stored: &str, id: &str) -> String {
    let mut done = parse_progress(stored);
    if let Some(s) = step(id) {
        if !done.contains(&s.id) {
            done.push(s.id);
        }
    }
    STEPS.iter().filter(|s| done.contains(&s.id)).map(|s| s.id).collect::<Vec<_>>().join(",")
}

/// Browser side: the steps done.
pub fn load_progress() -> Vec<&'static str> {
    crate::url::local_storage()
        .and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten())
        .map_or_else(Vec::new, |v| parse_progress(&v))
}

/// Browser side: marks a step done. False if the browser keeps no storage (private mode).
pub fn mark_done(id: &str) -> bool {
    let Some(store) = crate::url::local_storage() else { return false };
    let now = store.get_item(PROGRESS_KEY).ok().flatten().unwrap_or_default();
    store.set_item(PROGRESS_KEY, &with_done(&now, id)).is_ok()
}

/// Browser side: forgets all progress.
pub fn reset_progress() {
    if let Some(store) = crate::url::local_storage() {
        let _ = store.remove_item(PROGRESS_KEY);
    }
}
