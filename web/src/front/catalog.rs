//! What the front door shows: the HA concepts, each mapped to the page and scenario that shows
//! it, and the gallery's curated scenarios. Scenarios come from the pages' presets by id (so a
//! preset that changes changes here too) or are links of their own; `tests.rs` decodes every
//! one with its page's codec.

use crate::i18n::Text;
use halab_core::scenario::presets::{
    Preset, LB_PRESETS, LOCK_PRESETS, PAXOS_PRESETS, RAFT_PRESETS, TXN_PRESETS,
};

/// An idea of high availability, as the home page and the gallery's filter name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concept {
    FaultTolerance,
    Redundancy,
    LoadBalancing,
    Failover,
    Recovery,
    Consensus,
    Partitioning,
    Locks,
    AtomicCommit,
    Availability,
}

impl Concept {
    pub const ALL: [Concept; 10] = [
        Concept::FaultTolerance,
        Concept::Redundancy,
        Concept::LoadBalancing,
        Concept::Failover,
        Concept::Recovery,
        Concept::Consensus,
        Concept::Partitioning,
        Concept::Locks,
        Concept::AtomicCommit,
        Concept::Availability,
    ];

    /// Language-neutral id, for the gallery's `concept=` and test hooks.
    pub fn slug(self) -> &'static str {
        match self {
            Concept::FaultTolerance => "fault-tolerance",
            Concept::Redundancy => "redundancy",
            Concept::LoadBalancing => "load-balancing",
            Concept::Failover => "failover",
            Concept::Recovery => "recovery",
            Concept::Consensus => "consensus",
            Concept::Partitioning => "partitioning",
            Concept::Locks => "locks",
            Concept::AtomicCommit => "atomic-commit",
            Concept::Availability => "availability",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Concept> {
        Concept::ALL.into_iter().find(|c| c.slug() == slug)
    }

    pub fn title(self) -> Text {
        match self {
            Concept::FaultTolerance => txt!("Fault tolerance", "容错"),
            Concept::Redundancy => txt!("Redundancy: N+1, N+M", "冗余：N+1、N+M"),
            Concept::LoadBalancing => txt!("Load balancing", "负载均衡"),
            Concept::Failover => txt!("Health checks and failover", "健康检查与故障转移"),
            Concept::Recovery => txt!("Automatic recovery", "自动恢复"),
            Concept::Consensus => txt!("Consensus", "共识"),
            Concept::Partitioning => txt!("Partitioning", "数据分区"),
            Concept::Locks => txt!("Locks and leases", "锁与租约"),
            Concept::AtomicCommit => txt!("Atomic commit", "原子提交"),
            Concept::Availability => txt!("The availability maths", "可用性计算"),
        }
    }

    /// One line on why it matters.
    pub fn why(self) -> Text {
        match self {
            Concept::FaultTolerance => txt!(
                "Machines fail every day; a service that answers through a crash is the whole point. Five Raft nodes keep committing with two of them down.",
                "机器每天都会坏；服务在崩溃时照样应答，才是高可用的意义。五个 Raft 节点坏了两个，仍能继续提交。"
            ),
            Concept::Redundancy => txt!(
                "N+0 runs at peak with nothing spare, so one crash overloads the rest. N+1 keeps a spare that takes the dead backend's place.",
                "N+0 在高峰期没有余量，一次崩溃就会压垮其余节点。N+1 多备一台，顶替坏掉的后端。"
            ),
            Concept::LoadBalancing => txt!(
                "How requests are spread decides the tail latency. Two random choices beat random and round robin when backends differ in speed.",
                "请求如何分摊决定了尾延迟。后端快慢不一时，“两次随机选择”胜过随机和轮询。"
            ),
            Concept::Failover => txt!(
                "A balancer only knows what it observes: health checks find a dead backend, and a standby takes over the virtual IP when the master falls silent.",
                "负载均衡器只知道它观察到的：健康检查发现宕掉的后端，主机沉默时备机接管虚拟 IP。"
            ),
            Concept::Recovery => txt!(
                "A node that comes back must catch up on its own, from the log or from a snapshot, without an operator.",
                "节点恢复后必须自己追上进度：从日志或快照补齐，无需人工干预。"
            ),
            Concept::Consensus => txt!(
                "Replicas agree on one value, or one log, even when messages are lost and proposers compete. Paxos and Raft are the two classics.",
                "即使消息丢失、提议者相互竞争，副本也要对同一个值或同一份日志达成一致。Paxos 和 Raft 是两大经典。"
            ),
            Concept::Partitioning => txt!(
                "Keys are spread over nodes by hashing. Consistent hashing moves about 1/n of the keys when a node joins; hash mod n moves almost all.",
                "按哈希把键分到各节点。一致性哈希在加入节点时只迁移约 1/n 的键；取模哈希几乎全部迁移。"
            ),
            Concept::Locks => txt!(
                "A lease expires while its holder is paused, and two clients think they hold the lock. Fencing tokens make the storage refuse the stale one.",
                "持有者暂停时租约到期，两个客户端都以为自己持有锁。防护令牌（fencing token）让存储拒绝过期的那个。"
            ),
            Concept::AtomicCommit => txt!(
                "Every participant commits or none does. Two-phase commit blocks when the coordinator dies at the wrong moment; three-phase commit trades that for splitting under partitions.",
                "所有参与者要么都提交，要么都不提交。两阶段提交在协调者恰好宕机时会阻塞；三阶段提交不阻塞，却会在网络分区下分裂。"
            ),
            Concept::Availability => txt!(
                "How many nines do five nodes with a four-hour repair give? Binomial and Markov models answer, and the simulator measures it.",
                "五个节点、四小时修复时间能有几个 9？二项分布与马尔可夫模型给出答案，模拟器实际测量验证。"
            ),
        }
    }

    /// The scenario that shows it best.
    pub fn source(self) -> Source {
        match self {
            Concept::FaultTolerance => Source::Preset(RAFT_PRESETS, "leader-crash"),
            Concept::Redundancy => Source::Preset(LB_PRESETS, "n-plus-1"),
            Concept::LoadBalancing => Source::Preset(LB_PRESETS, "speeds"),
            Concept::Failover => Source::Preset(LB_PRESETS, "failover"),
            Concept::Recovery => Source::Preset(RAFT_PRESETS, "snapshot-catchup"),
            Concept::Consensus => Source::Preset(PAXOS_PRESETS, "single"),
            Concept::Partitioning => Source::Link(RING_LINK),
            Concept::Locks => Source::Preset(LOCK_PRESETS, "kleppmann"),
            Concept::AtomicCommit => Source::Preset(TXN_PRESETS, "2pc-blocking"),
            Concept::Availability => Source::Link(AVAIL_LINK),
        }
    }
}

const RING_LINK: &str = "p=ring&alg=ring&nodes=0-9&vn=100&keys=20000";
const AVAIL_LINK: &str = "p=avail&n=5&q=3&mtbf=1000h&mttr=4h&x=mttr";

/// Where a scenario's link comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    /// A page's preset, by id.
    Preset(&'static [Preset], &'static str),
    /// A link of its own (`p=` first).
    Link(&'static str),
}

impl Source {
    /// The scenario's query (`p=raft&…`); empty if a preset id is missing (a test forbids it).
    pub fn query(self) -> &'static str {
        match self {
            Source::Preset(list, id) => list.iter().find(|p| p.id == id).map_or("", |p| p.query),
            Source::Link(q) => q,
        }
    }

    /// The page's path segment (`raft`), from `p=`.
    pub fn page(self) -> &'static str {
        let q = self.query();
        crate::url::query_value(q, "p").unwrap_or("raft")
    }

    /// A relative link to the scenario on its page.
    pub fn href(self) -> String {
        format!("{}?{}", self.page(), self.query())
    }
}

/// A scenario in the gallery.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Story {
    /// Stable id, for test hooks.
    pub id: &'static str,
    pub title: Text,
    /// One paragraph: what happens and what to watch.
    pub story: Text,
    pub source: Source,
    pub concepts: &'static [Concept],
    /// A case with a name in the literature or in incident reports.
    pub famous: bool,
}

use Concept::*;

pub const GALLERY: &[Story] = &[
    Story {
        id: "raft-fig8",
        title: txt!("Raft's Figure 8: committing an entry from an old term", "Raft 论文图 8：提交旧任期的日志条目"),
        story: txt!(
            "The Raft paper's Figure 8 shows why a leader may only count replicas for entries of its own term. With the bug switch on, a leader commits an old-term entry once a majority holds it; a later leader that never saw it is elected and overwrites it. The invariant panel turns red at the step a committed entry is lost.",
            "Raft 论文的图 8 说明了为何领导者只能按副本数提交自己任期的条目。打开这个缺陷开关后，领导者一旦看到多数节点持有某个旧任期条目就提交它；随后一个从未见过该条目的新领导者当选并覆盖了它。已提交条目丢失的那一步，不变式面板变红。"
        ),
        source: Source::Preset(RAFT_PRESETS, "bug-fig8"),
        concepts: &[Consensus],
        famous: true,
    },
    Story {
        id: "raft-leader-crash",
        title: txt!("The Raft leader crashes, twice", "Raft 领导者两次崩溃"),
        story: txt!(
            "Five nodes, four writes a second. The leader crashes at 1.5 s and its successor at 3.5 s. Each crash costs one election timeout of unavailability, then three survivors still form a majority and keep committing. Watch the terms rise and the writes queue up while no one leads.",
            "五个节点，每秒四次写入。领导者在 1.5 秒崩溃，继任者在 3.5 秒崩溃。每次崩溃都会带来一个选举超时的不可用期，之后剩下的三个节点仍构成多数，继续提交。观察任期递增，以及无人领导时写入如何排队。"
        ),
        source: Source::Preset(RAFT_PRESETS, "leader-crash"),
        concepts: &[FaultTolerance, Consensus],
        famous: false,
    },
    Story {
        id: "raft-stranded",
        title: txt!("A partition strands the leader", "网络分区困住了领导者"),
        story: txt!(
            "The leader is cut off from everyone at 1.5 s. It keeps believing it leads, but nothing it appends can commit without a majority. The other four elect a new leader in a higher term; when the partition heals, the old leader steps down and its uncommitted entries are overwritten.",
            "领导者在 1.5 秒与所有节点断开。它仍以为自己是领导者，但得不到多数确认，追加的条目都无法提交。另外四个节点以更高任期选出新领导者；分区恢复后，旧领导者退位，它未提交的条目被覆盖。"
        ),
        source: Source::Preset(RAFT_PRESETS, "stranded-leader"),
        concepts: &[Consensus, FaultTolerance],
        famous: false,
    },
    Story {
        id: "raft-snapshot",
        title: txt!("A follower catches up by snapshot", "跟随者通过快照追上进度"),
        story: txt!(
            "Forty writes a second and a snapshot every twenty entries. A follower is down for two seconds; by the time it returns, the leader has compacted the entries it missed, so it sends an InstallSnapshot and then the rest of the log. Recovery needs no operator.",
            "每秒四十次写入，每二十个条目做一次快照。一个跟随者宕机两秒；等它回来时，领导者已把它缺失的条目压缩掉了，于是先发送 InstallSnapshot，再发送其余日志。恢复无需人工干预。"
        ),
        source: Source::Preset(RAFT_PRESETS, "snapshot-catchup"),
        concepts: &[Recovery],
        famous: false,
    },
    Story {
        id: "paxos-duel",
        title: txt!("Duelling proposers", "提议者决斗"),
        story: txt!(
            "Two proposers with no backoff keep pre-empting each other: each Prepare with a higher ballot cancels the other's Accept round. Safety holds, since nothing wrong is ever chosen, but progress can stall for a long time. This is why Multi-Paxos elects a distinguished leader.",
            "两个不做退避的提议者不断抢占对方：每次更高编号的 Prepare 都让对方的 Accept 轮作废。安全性始终成立，不会选出错误的值，但进展可能长时间停滞。这正是 Multi-Paxos 要选出唯一领导者的原因。"
        ),
        source: Source::Preset(PAXOS_PRESETS, "duel"),
        concepts: &[Consensus],
        famous: true,
    },
    Story {
        id: "paxos-ignore",
        title: txt!("Bug: a proposer ignores accepted values", "缺陷：提议者忽略已接受的值"),
        story: txt!(
            "Paxos Made Simple's key rule: a proposer must propose the value of the highest-numbered proposal its promises report. Break it and a second proposer can get a different value chosen in the same slot. The checker, judging from the acceptors' own state, flags two chosen values.",
            "《Paxos Made Simple》的关键规则：提议者必须提议承诺中报告的最高编号提案的值。违反它，第二个提议者就能让同一槽位选出另一个值。检查器根据接受者自身状态判断，标出两个被选中的值。"
        ),
        source: Source::Preset(PAXOS_PRESETS, "bug-ignore"),
        concepts: &[Consensus],
        famous: false,
    },
    Story {
        id: "lock-kleppmann",
        title: txt!("Kleppmann's pause: the lease runs out mid-write", "Kleppmann 的暂停：写到一半租约过期"),
        story: txt!(
            "A client holding the lock stops for two seconds, as in a long garbage-collection pause. Its lease expires, the server grants the lock to another client, and the first one wakes up still believing it holds it. Its write arrives with an older fencing token, and the storage refuses it.",
            "持锁的客户端停顿两秒，就像一次漫长的垃圾回收暂停。它的租约过期，服务器把锁授予另一个客户端，而第一个客户端醒来后仍以为自己持有锁。它的写请求带着更旧的防护令牌到达，被存储拒绝。"
        ),
        source: Source::Preset(LOCK_PRESETS, "kleppmann"),
        concepts: &[Locks],
        famous: true,
    },
    Story {
        id: "lock-nofence",
        title: txt!("The same pause without fencing", "同样的暂停，没有防护令牌"),
        story: txt!(
            "The same pause, but the storage does not check tokens. Both clients write, and the paused client's stale write lands after the new holder's. The invariant panel turns red: leases alone cannot make a lock safe when a client can stop at any moment.",
            "同样的暂停，但存储不检查令牌。两个客户端都写入了，暂停客户端的过期写入落在新持有者之后。不变式面板变红：客户端随时可能停顿，仅靠租约无法保证锁的安全。"
        ),
        source: Source::Preset(LOCK_PRESETS, "kleppmann-nofence"),
        concepts: &[Locks],
        famous: true,
    },
    Story {
        id: "txn-2pc-blocking",
        title: txt!("2PC blocks: the coordinator dies after the votes", "2PC 阻塞：协调者在投票后宕机"),
        story: txt!(
            "Every participant voted yes, and the coordinator crashes before telling anyone the outcome. A participant that voted yes may neither commit nor abort on its own: it holds its locks, in doubt, until the coordinator returns at 6 s. The blocked-time counters show the cost.",
            "所有参与者都投了赞成票，协调者却在宣布结果之前崩溃。投了赞成票的参与者不能自行提交或中止：它持着锁，处于不确定状态，直到协调者在 6 秒恢复。阻塞计时器显示了代价。"
        ),
        source: Source::Preset(TXN_PRESETS, "2pc-blocking"),
        concepts: &[AtomicCommit],
        famous: true,
    },
    Story {
        id: "txn-3pc-split",
        title: txt!("3PC splits under a partition", "3PC 在网络分区下分裂"),
        story: txt!(
            "Three-phase commit adds a pre-commit round so participants can decide alone after a timeout. Cut the network in the middle of it and each side times out into a different decision: one side commits, the other aborts. The checker flags the broken atomicity.",
            "三阶段提交增加了预提交轮，让参与者超时后能独自决定。在这一过程中切断网络，两边各自超时并做出不同决定：一边提交，另一边中止。检查器标出原子性被破坏。"
        ),
        source: Source::Preset(TXN_PRESETS, "3pc-partition"),
        concepts: &[AtomicCommit],
        famous: true,
    },
    Story {
        id: "lb-sinkhole",
        title: txt!("Least request sinkholes into a failing backend", "最少请求算法把流量吸进故障后端"),
        story: txt!(
            "From 2 s one backend answers every request at once, with an error. To least request it looks like the least busy host, so it gets half of all traffic and half of all requests fail, not a quarter. Turn on outlier detection (the next story) and it is ejected within a second.",
            "从 2 秒起，一个后端对每个请求立即返回错误。在最少请求算法看来它最空闲，于是分到一半流量，失败的请求占一半而不是四分之一。打开异常检测（下一个案例），它会在一秒内被摘除。"
        ),
        source: Source::Preset(LB_PRESETS, "sinkhole"),
        concepts: &[LoadBalancing, Failover],
        famous: true,
    },
    Story {
        id: "lb-sinkhole-eject",
        title: txt!("Outlier detection ejects the sinkhole", "异常检测摘除了黑洞后端"),
        story: txt!(
            "The same failing backend, with Envoy-style outlier detection: after five consecutive errors it is ejected for a while, and the success rate comes back to nearly 100%. Each time it returns and fails again, its ejection lasts longer.",
            "同一个故障后端，这次开启了 Envoy 式异常检测：连续五次错误后它被摘除一段时间，成功率回到接近 100%。每次它回来又失败，摘除时间就更长。"
        ),
        source: Source::Preset(LB_PRESETS, "sinkhole-eject"),
        concepts: &[LoadBalancing, Failover],
        famous: false,
    },
    Story {
        id: "lb-retry-storm",
        title: txt!("A retry storm outlives its trigger", "重试风暴比诱因活得更久"),
        story: txt!(
            "All four backends turn three times slower for a moment. Requests time out and every client retries up to three times, so the load can grow fourfold exactly when capacity is lowest. Long after the backends recover, the retries keep them saturated: a metastable failure.",
            "四个后端同时短暂变慢到三分之一的速度。请求超时，每个客户端最多重试三次，于是在容量最低时负载可能涨到四倍。后端恢复很久之后，重试仍让它们满负荷：这是一种亚稳态故障。"
        ),
        source: Source::Preset(LB_PRESETS, "retry-storm"),
        concepts: &[LoadBalancing, FaultTolerance],
        famous: true,
    },
    Story {
        id: "lb-retry-budget",
        title: txt!("A retry budget ends the storm", "重试预算平息了风暴"),
        story: txt!(
            "The same slowdown with a retry budget: retries may add at most a fifth to the load. The system dips while the backends are slow and recovers as soon as they do.",
            "同样的变慢，但设置了重试预算：重试最多只能增加五分之一的负载。后端变慢时系统略有下滑，一恢复就立即好转。"
        ),
        source: Source::Preset(LB_PRESETS, "retry-budget"),
        concepts: &[LoadBalancing, FaultTolerance],
        famous: false,
    },
    Story {
        id: "lb-failover",
        title: txt!("The balancer fails over to its standby", "负载均衡器切换到备机"),
        story: txt!(
            "An active/standby pair of balancers shares a virtual IP, as with VRRP. The master crashes at 2 s; the standby misses three adverts, takes the VIP with a gratuitous ARP, and requests flow again after a short gap.",
            "一对主备负载均衡器共享一个虚拟 IP，就像 VRRP。主机在 2 秒崩溃；备机连续错过三次通告后，用免费 ARP 接管 VIP，短暂中断后请求恢复。"
        ),
        source: Source::Preset(LB_PRESETS, "failover"),
        concepts: &[Failover, Redundancy],
        famous: false,
    },
    Story {
        id: "lb-split-brain",
        title: txt!("Split brain: the advert link is cut", "脑裂：通告链路被切断"),
        story: txt!(
            "Cut only the link between the two balancers. Each stops hearing the other's adverts and decides it is the master, so both answer for the VIP. Fence the pair with a lease from a witness (the next preset on the page) and only one serves.",
            "只切断两台负载均衡器之间的链路。双方都听不到对方的通告，都认为自己是主机，于是同时响应 VIP。用见证节点的租约来隔离这对节点（页面上的下一个预设），就只有一台提供服务。"
        ),
        source: Source::Preset(LB_PRESETS, "split-brain"),
        concepts: &[Failover, Locks],
        famous: true,
    },
    Story {
        id: "lb-n-plus-0",
        title: txt!("N+0 at peak load: one crash overloads the rest", "N+0 峰值负载：一次崩溃压垮其余节点"),
        story: txt!(
            "Four backends carry 320 requests a second, at 80% of their capacity. One crashes, and the three left would need to run at 107%: their queues fill and requests fail until the dead backend returns.",
            "四个后端承担每秒 320 个请求，负载达到容量的 80%。一个崩溃后，剩下三个需要以 107% 运行：队列被填满，请求失败，直到宕机的后端恢复。"
        ),
        source: Source::Preset(LB_PRESETS, "n-plus-0"),
        concepts: &[Redundancy, FaultTolerance],
        famous: false,
    },
    Story {
        id: "lb-n-plus-1",
        title: txt!("N+1: a spare replaces the dead backend", "N+1：备用后端顶替宕机后端"),
        story: txt!(
            "The same load and crash with one spare. A controller notices the dead backend, provisions the spare and adds it to the pool before it removes the dead one (make before break). Requests fail for about a second, while the crash is detected and the spare starts, and then the pool is back to full strength instead of overloaded.",
            "同样的负载和崩溃，外加一台备用节点。控制器发现宕机的后端后，先准备好备用节点并把它加入池中，再移除宕机的那台（先接后断）。在发现崩溃、启动备用节点的大约一秒内请求会失败，之后服务池恢复满员，而不是一直过载。"
        ),
        source: Source::Preset(LB_PRESETS, "n-plus-1"),
        concepts: &[Redundancy, Recovery],
        famous: false,
    },
    Story {
        id: "lb-speeds",
        title: txt!("Two random choices vs random vs round robin", "两次随机选择 vs 随机 vs 轮询"),
        story: txt!(
            "Backends of different speeds: one four times slower, one twice. Round robin and random keep feeding the slow ones and their queues grow; power of two choices looks at two hosts and picks the less busy, and the tail latency drops. Switch the algorithm in the settings and compare.",
            "后端速度不一：一个慢四倍，一个慢两倍。轮询和随机不断往慢节点送请求，队列越积越长；“两次随机选择”看两台主机、挑较空闲的一台，尾延迟随之下降。在设置中切换算法比较看看。"
        ),
        source: Source::Preset(LB_PRESETS, "speeds"),
        concepts: &[LoadBalancing],
        famous: false,
    },
    Story {
        id: "ring-join",
        title: txt!("Add a node to a ring of ten", "往十个节点的环里加一个节点"),
        story: txt!(
            "Twenty thousand keys on a consistent-hashing ring with 100 virtual nodes per server. Add a node and about one key in eleven moves, all of them to the new node. Switch the algorithm to hash mod n and almost every key moves.",
            "两万个键分布在一致性哈希环上，每台服务器 100 个虚拟节点。加入一个节点，约十一分之一的键迁移，而且全部迁往新节点。把算法切换成取模哈希，几乎所有键都要迁移。"
        ),
        source: Source::Link(RING_LINK),
        concepts: &[Partitioning],
        famous: false,
    },
    Story {
        id: "avail-five",
        title: txt!("How many nines do five nodes give?", "五个节点能有几个 9？"),
        story: txt!(
            "Five nodes, a majority of three needed, each failing every 1,000 hours and repaired in four. The curve shows how the nines fall as repairs get slower, by the binomial model and by the Markov chain (a repair crew per node here; try one crew for all).",
            "五个节点，需要三个构成多数；每个节点平均 1000 小时故障一次，修复需要四小时。曲线显示修复越慢，9 的个数如何下降，分别按二项分布模型和马尔可夫链计算（这里每个节点一个修复队；也可以试试所有节点共用一个）。"
        ),
        source: Source::Link(AVAIL_LINK),
        concepts: &[Availability, Redundancy],
        famous: false,
    },
];
