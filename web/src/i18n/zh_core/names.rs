//! Chinese for the core's fixed texts: preset titles and stories, bug switches, invariant
//! names, and the labels of the core's enums. Keys are the English texts, exactly as the core
//! writes them.
pub const ZH: &[(&str, &str)] = &[
    // Raft presets (core/src/scenario/presets.rs, RAFT_PRESETS): titles and stories.
    ("Healthy 5-node cluster", "健康的 5 节点集群"),
    (
        "A leader is elected within the first second and every client write commits on a majority; nothing \
            fails.",
        "第一秒内就选出领导者，每次客户端写入都在多数派上提交；没有任何故障。",
    ),
    ("The leader crashes, twice", "领导者两次崩溃"),
    (
        "Each crash costs an election timeout; three of five nodes still form a majority.",
        "每次崩溃都要耗掉一个选举超时；五个节点中剩下的三个仍构成多数派。",
    ),
    ("A partition strands the leader", "网络分区困住了领导者"),
    (
        "The old leader keeps accepting writes it can never commit; after the heal its uncommitted entries \
            are overwritten by the new leader's log.",
        "旧领导者继续接受它永远无法提交的写入；分区恢复后，它未提交的条目被新领导者的日志覆盖。",
    ),
    ("A lossy, duplicating network", "会丢包、会重复的网络"),
    (
        "20% of messages lost and 5% duplicated: retries and idempotent replies keep the log safe.",
        "20% 的消息丢失、5% 的消息重复：重试和幂等的应答保证日志安全。",
    ),
    ("A follower catches up by snapshot", "跟随者通过快照追上进度"),
    (
        "Every node snapshots each 20 entries and drops its log up to there (§7). Node 2 is down for two \
            seconds; by then the leader no longer holds what it missed, so it sends InstallSnapshot (brown) \
            and then the entries after it. Watch s20, s40, … in the log table.",
        "每个节点每 20 个条目做一次快照，并丢弃到该处为止的日志（§7）。节点 2 宕机两秒；等它回来时，\
            领导者已不再持有它错过的条目，于是先发送 InstallSnapshot（棕色），再发送快照之后的条目。\
            留意日志表中的 s20、s40、…。",
    ),
    ("Bug: votes without the log check", "缺陷：投票时不检查日志"),
    (
        "A node with a stale log wins an election and lacks a committed entry.",
        "日志过时的节点赢得了选举，却缺少一个已提交的条目。",
    ),
    ("Bug: Figure 8, committing an old term", "缺陷：论文图 8，提交旧任期的条目"),
    (
        "A leader commits an earlier term's entry by counting replicas; a later leader never had it.",
        "领导者按副本数提交了较早任期的条目；而后来的领导者从未拥有过它。",
    ),
    ("Bug: votedFor forgotten on restart", "缺陷：重启后忘记 votedFor"),
    (
        "Node 2 votes in the first election, crashes and is back 2 ms later with no memory of its vote, so \
            it votes twice in term 1: two leaders of the same term are elected.",
        "节点 2 在第一次选举中投票后崩溃，2 ms 后恢复，却不记得自己投过票，于是在任期 1 中投了两次票：\
            同一任期选出了两个领导者。",
    ),
    ("Bug: installing a late snapshot", "缺陷：安装迟到的快照"),
    (
        "Followers install every InstallSnapshot without Figure 13's checks. A duplicated, slow copy reaches \
            node 2 after it has moved on: it throws away entries it had acknowledged and its state machine \
            goes back in time.",
        "跟随者不做论文图 13 中的检查，收到 InstallSnapshot 就安装。一份重复且迟到的副本在节点 \
            2 已经前进之后才到达：它丢弃了自己确认过的条目，状态机回到了过去。",
    ),

    // Paxos presets (PAXOS_PRESETS).
    ("Multi-Paxos with a steady leader", "领导者稳定的 Multi-Paxos"),
    (
        "One proposer wins phase 1 once, then each client write costs only phase 2.",
        "一个提议者只需赢得一次阶段 1，此后每次客户端写入只需阶段 2。",
    ),
    ("Single-decree: three proposers, one value", "单值决议：三个提议者，一个值"),
    (
        "Three proposers race for one slot; promises carry accepted values, so all learn the same one.",
        "三个提议者争夺同一个槽位；承诺会带上已接受的值，所以所有节点学到的是同一个值。",
    ),
    ("Duelling proposers (no backoff)", "提议者决斗（无退避）"),
    (
        "Each proposer pre-empts the other's ballot before it can be accepted: ballots climb and nothing is \
            chosen for 2.7 s. Turn backoff on to break the tie within a few rounds.",
        "每个提议者都在对方的选票编号被接受之前抢占它：选票编号不断攀升，2.7 s 内没有任何值被选定。\
            打开退避，几轮之内就能打破僵局。",
    ),
    ("The Multi-Paxos leader crashes", "Multi-Paxos 领导者崩溃"),
    (
        "Another proposer runs phase 1, adopts the values accepted in open slots and fills gaps with no-ops.",
        "另一个提议者执行阶段 1，采纳未决槽位中已接受的值，并用空操作（no-op）填补空缺。",
    ),
    ("Bug: proposer ignores accepted values", "缺陷：提议者忽略已接受的值"),
    (
        "A proposer with a majority of promises proposes its own value instead of the one already accepted.",
        "获得多数派承诺的提议者提议了自己的值，而不是已被接受的那个值。",
    ),
    ("Bug: acceptor ignores its promise", "缺陷：接受者无视自己的承诺"),
    (
        "An acceptor accepts a lower ballot after promising a higher one; two values get chosen.",
        "接受者承诺了较高的选票编号后，又接受了较低的选票编号；结果选定了两个值。",
    ),
    ("Bug: acceptor forgets its promise on restart", "缺陷：接受者重启后忘记自己的承诺"),
    (
        "After a restart an acceptor accepts a ballot it had promised to refuse.",
        "重启之后，接受者接受了一个它曾承诺拒绝的选票编号。",
    ),

    // Lock presets (LOCK_PRESETS).
    ("Two clients take turns", "两个客户端轮流持锁"),
    (
        "Each client acquires a lease, works, writes with its token and releases; tokens go 1, 2, 3, ...",
        "每个客户端获取租约、工作、带着令牌写入，然后释放；令牌依次为 1, 2, 3, ...",
    ),
    ("Kleppmann: a GC pause outlives the lease", "Kleppmann：GC 停顿比租约还长"),
    (
        "Client 1 pauses for 2 s while holding token 2. Its lease expires, client 2 gets token 3 and writes. \
            Client 1 wakes, still believing it holds the lock, and writes with token 2: the storage refuses \
            it, because it has seen token 3.",
        "客户端 1 持有令牌 2 时停顿了 2 s。它的租约过期，客户端 2 拿到令牌 3 并写入。客户端 \
            1 醒来后仍以为自己持有锁，带着令牌 2 写入：存储拒绝了它，因为存储已经见过令牌 3。",
    ),
    ("Bug: the same pause without fencing", "缺陷：同样的停顿，但没有防护令牌"),
    (
        "The storage does not check tokens, so client 1's stale write (token 2) lands after client 2's \
            (token 3): a lost update that no lease can prevent.",
        "存储不检查令牌，于是客户端 1 的过期写入（令牌 2）落在客户端 2 的写入（令牌 3）之后：\
            这是任何租约都无法阻止的更新丢失。",
    ),
    ("The lock server crashes and restarts", "锁服务器崩溃并重启"),
    (
        "The token counter is durable, so numbering continues; the restarted server grants nothing for one \
            TTL, since it forgot who held the lease.",
        "令牌计数器是持久化的，所以编号接着递增；重启后的服务器在一个 TTL 内不授予任何租约，\
            因为它忘了谁持有租约。",
    ),
    ("Bug: the token counter is not persisted", "缺陷：令牌计数器没有持久化"),
    (
        "After the restart the server grants token 1 again, at once, while the old holder may still be \
            working: tokens no longer order the holders.",
        "重启后服务器立即再次授予令牌 1，而旧持有者可能仍在工作：令牌不再能为持有者排定先后。",
    ),
    ("Clocks drift past the bound", "时钟漂移超出上限"),
    (
        "The server's clock runs 50% fast and client 1's 50% slow: the server expires leases that client \
            1 still believes in, so two clients hold at once (the lease's assumption is gone). Fencing \
            still refuses the stale write.",
        "服务器的时钟快 50%，客户端 1 的时钟慢 50%：服务器让客户端 1 仍认为有效的租约过期，\
            于是两个客户端同时持锁（租约的前提假设已不成立）。防护令牌仍会拒绝过期的写入。",
    ),
    ("Bug: the lease counted from the grant's arrival", "缺陷：租约从授予消息到达时起算"),
    (
        "Grants take up to 300 ms and 20% of messages are lost. When renewals are lost the server lets the \
            lease expire, but the client counted its lease from the grant's arrival, so it still believes \
            it holds the lock when another client is granted it.",
        "授予消息最长要 300 ms 才到达，且 20% 的消息会丢失。续约丢失时服务器让租约过期，\
            但客户端是从授予消息到达时开始计算租约的，所以当另一个客户端获得锁时，它仍以为自己持有锁。",
    ),
    ("A client restarts while its messages are in flight", "客户端在消息仍在途中时重启"),
    (
        "Client 1 holds token 1 when it crashes at 850 ms and is back 20 ms later; links take 50–500 ms, so \
            a Grant answering its previous life's retry is still on its way. Each acquisition carries the \
            client's life (a durable counter), so the new life (acquisition 1.0) hands the stale Grant \
            (0.0) back, waits for the old lease to go, and gets token 2.",
        "客户端 1 持有令牌 1 时在 850 ms 崩溃，20 ms 后恢复；链路延迟为 50–500 ms，\
            所以一个答复它上一次生命中重试的 Grant 仍在路上。\
            每次申请都带有客户端的生命编号（一个持久化的计数器），因此新生命（申请 1.0）把过期的 \
            Grant（0.0）退回，等旧租约失效，然后拿到令牌 2。",
    ),
    ("Bug: a restarted client reuses its acquisition ids", "缺陷：重启的客户端重用申请编号"),
    (
        "The same restart, but the client forgets its life and numbers acquisitions from 0 again. It takes \
            the Grant meant for its previous life as its own and holds token 1 a second time; a slow \
            Release from the old life could now end the lease it believes in, and another client would be \
            granted the lock beside it.",
        "同样的重启，但客户端忘了自己的生命编号，又从 0 开始为申请编号。它把发给上一次生命的 Grant \
            当成自己的，第二次持有令牌 1；此时来自旧生命的一个迟到的 Release 就可能结束它以为有效的租约，\
            另一个客户端便会与它同时获得锁。",
    ),

    // Atomic-commit presets (TXN_PRESETS).
    ("Two-phase commit, healthy", "两阶段提交，一切正常"),
    (
        "Prepare, votes forced to the log, the decision forced to the log, then Commit and Ack. About one \
            vote in ten is no, and that transaction aborts everywhere.",
        "Prepare，投票强制写入日志，决定强制写入日志，然后是 Commit 和 Ack。大约每十张票中有一张反对票，\
            那个事务就在所有节点上中止。",
    ),
    ("2PC blocks: the coordinator dies after the votes", "2PC 阻塞：协调者在投票后宕机"),
    (
        "All three voted yes for txn 2, then the coordinator crashed while logging its decision. The \
            participants are in doubt: they may neither commit nor abort, and hold their locks until the \
            coordinator returns at 6 s and answers (presumed abort).",
        "三个参与者都对事务 2 投了赞成票，随后协调者在记录决定时崩溃。参与者处于不确定状态：\
            既不能提交也不能中止，只能持着锁，直到协调者在 6 s 恢复并作答（推定中止）。",
    ),
    ("A participant crashes before voting", "参与者在投票前崩溃"),
    (
        "Participant 2 dies as txn 2's Prepare arrives; its vote never comes, the coordinator aborts at the \
            vote timeout, and nobody was left in doubt.",
        "参与者 2 在事务 2 的 Prepare 到达时宕机；它的投票始终没有到来，协调者在投票超时时中止事务，\
            没有任何节点处于不确定状态。",
    ),
    ("3PC does not block on a coordinator crash", "协调者崩溃时 3PC 不会阻塞"),
    (
        "The coordinator crashes right after sending PreCommit. Every participant is pre-committed, so each \
            commits on its own timeout instead of waiting for the coordinator.",
        "协调者刚发出 PreCommit 就崩溃了。每个参与者都已预提交，所以各自在自己的超时到期后提交，\
            而不必等待协调者。",
    ),
    ("3PC splits under a partition", "3PC 在网络分区下分裂"),
    (
        "A partition cuts participants 2 and 3 off just as PreCommit goes out. Participant 1 is \
            pre-committed and commits; 2 and 3, still uncertain, time out and abort. Timeouts cannot tell a \
            crash from a partition: this is why real systems commit through consensus.",
        "就在 PreCommit 发出时，网络分区把参与者 2 和 3 隔开了。参与者 1 已预提交，于是提交；2 和 \
            3 仍不确定，超时后中止。超时无法区分崩溃和分区：这就是实际系统要通过共识来提交的原因。",
    ),
    ("Bug: commit at the vote timeout", "缺陷：投票超时时提交"),
    (
        "Participant 2 crashes before voting; the buggy coordinator commits anyway when the timeout fires.",
        "参与者 2 在投票前崩溃；有缺陷的协调者在超时触发时照样提交。",
    ),

    // Service-lab presets (LB_PRESETS).
    ("Four backends behind one balancer", "一个负载均衡器后面的四个后端"),
    (
        "200 requests a second, round robin: each backend serves a quarter, every request succeeds, p99 \
            stays near 50 ms.",
        "每秒 200 个请求，轮询：每个后端处理四分之一，所有请求都成功，p99 保持在 50 ms 左右。",
    ),
    ("Least request sinkholes into a failing backend", "最少请求算法把流量吸进故障后端"),
    (
        "300 requests a second over four backends of four workers each. From 2 s backend B2 (node 3) answers \
            every request at once with a 500. Least request sees it with the fewest requests outstanding \
            and sends it half the traffic: half of all requests fail, not a quarter.",
        "每秒 300 个请求，分给四个后端，每个后端有四个工作线程。从 2 s 起，后端 B2（节点 3）\
            对每个请求都立即返回 500。最少请求算法看到它未完成的请求最少，就把一半流量发给它：\
            一半的请求失败，而不是四分之一。",
    ),
    ("… and outlier detection ejects it", "……而异常检测把它摘除"),
    (
        "The same failing backend with outlier detection on: after five 500s in a row the balancer ejects it \
            for 5 s, then 10 s, … (at most half the pool at once), and the errors stop.",
        "同一个故障后端，这次开启了异常检测：连续五次 500 后，负载均衡器将它摘除 5 s，然后 10 s，\
            …（同一时刻最多摘除池中的一半），错误随之停止。",
    ),
    ("A retry storm outlives its trigger", "重试风暴比诱因活得更久"),
    (
        "250 requests a second against 400 of capacity, and clients retry three times after a 100 ms \
            timeout. Every backend turns three times slower from 2 s to 3 s: queues grow, requests time \
            out, retries pile on, and when the slowdown ends the load of retries keeps the queues full (a \
            metastable failure). Switch the retry budget on to see it recover.",
        "每秒 250 个请求，容量为 400，客户端在 100 ms 超时后重试三次。从 2 s 到 3 s，每个后端都慢了三倍：\
            队列增长，请求超时，重试不断叠加；变慢结束后，重试带来的负载仍让队列保持满载（亚稳态故障）。\
            打开重试预算，看它恢复。",
    ),
    ("… and a retry budget ends it", "……而重试预算终结了它"),
    (
        "The same slowdown with retries held to 20% of requests in flight: the extra load stays small, and \
            the queues drain once the slowdown ends.",
        "同样的变慢，但重试被限制在在途请求的 20% 以内：额外负载一直很小，变慢一结束，队列就排空了。",
    ),
    (
        "Backends of different speeds: two choices vs random vs round robin",
        "速度不同的后端：二选一 vs 随机 vs 轮询",
    ),
    (
        "B1 is four times slower and B2 twice (they serve 25 and 50 requests a second) against 180 a second. \
            Round robin and random give each backend its quarter, so B1's queue never stops growing and its \
            requests time out; the power of two choices sends the next request to the less loaded of two, \
            and none fails. Compare them with the algorithm menu.",
        "B1 慢四倍，B2 慢两倍（每秒分别能处理 25 和 50 个请求），而负载是每秒 180 个。\
            轮询和随机给每个后端分四分之一，所以 B1 的队列不停增长，请求超时；二选一（P2C）\
            把下一个请求发给两个后端中负载较轻的那个，没有请求失败。用算法菜单比较它们。",
    ),
    ("Health checks find a dead backend", "健康检查发现宕机的后端"),
    (
        "B2 (node 3) crashes at 2 s. Checks go out every 500 ms and two misses mark a backend down, so the \
            balancer stops sending it traffic within interval × fall = 1 s (plus the check's timeout); only \
            the requests of that second fail. Without checks (hc off) a quarter fail, for good.",
        "B2（节点 3）在 2 s 崩溃。健康检查每 500 ms 发一次，连续两次没有应答就把后端标记为宕机，\
            所以负载均衡器在 检查间隔 × 失败次数 = 1 s 内（再加上检查的超时）停止向它发送流量；\
            只有这一秒内的请求失败。没有健康检查（hc 关闭）时，四分之一的请求会一直失败下去。",
    ),
    ("The panic threshold: most hosts fail their checks", "恐慌阈值：大多数主机未通过健康检查"),
    (
        "Three of four backends crash at 2 s and health checks mark them down. With one healthy host of \
            four, below the 50% panic threshold, the balancer stops trusting its checks and routes to every \
            host, betting that the checks are wrong rather than the hosts. Here they are right, so three \
            requests in four fail; with panic=0 all 200 a second go to the survivor, which serves 100 and \
            refuses the rest.",
        "四个后端中有三个在 2 s 崩溃，健康检查把它们标记为宕机。四台主机只剩一台健康，低于 50% 的恐慌阈值，\
            负载均衡器便不再相信检查结果，转而路由到所有主机：它赌的是检查出了错，而不是主机出了错。\
            这里检查是对的，所以四个请求中有三个失败；设 panic=0 时，每秒 200 个请求全部发往幸存的主机，\
            它处理 100 个，拒绝其余的。",
    ),
    ("The balancer fails over to its standby", "负载均衡器切换到备机"),
    (
        "Balancer 1 crashes at 2 s. The standby hears no VRRP advert for 3 × advert_int + skew (about \
            0.7 s), takes the virtual IP and announces it; the requests in that gap time out. Balancer \
            1 returns at 4 s and, with its higher priority, takes the VIP back.",
        "负载均衡器 1 在 2 s 崩溃。备机在 3 × advert_int + 偏移（约 0.7 s）内收不到 VRRP 通告，便接管虚拟 IP \
            并对外宣告；这段空档内的请求超时。负载均衡器 1 在 4 s 恢复，凭借更高的优先级收回 VIP。",
    ),
    ("Split brain: the advert link is cut", "脑裂：通告链路被切断"),
    (
        "The balancers stop hearing each other at 2 s and both take the VIP: clients follow whichever \
            announced last. Nothing fails here, because both route to the same stateless backends; the harm \
            comes with state only one owner may hold (sessions, a lock, a sequence number), and with two \
            balancers each checking and ejecting on its own.",
        "两个负载均衡器从 2 s 起听不到对方，于是都接管了 VIP：客户端跟随最后宣告的那一个。这里没有请求失败，\
            因为两者都路由到同一组无状态后端；危害来自只能由一个所有者持有的状态（会话、锁、序列号），\
            以及两个负载均衡器各自检查、各自摘除后端。",
    ),
    ("… fenced by a lease from a witness", "……用见证者的租约加以防护"),
    (
        "The same cut with a witness (node 3): a balancer serves only while it holds the witness's lease, \
            which goes to one at a time, so the standby stays a backup.",
        "同样的切断，但有一个见证者（节点 3）：负载均衡器只有在持有见证者的租约时才提供服务，\
            而租约同一时刻只给一方，所以备机仍然只是备份。",
    ),
    ("N+0 at peak load: a crash overloads the rest", "N+0 峰值负载：一次崩溃压垮其余节点"),
    (
        "Four backends carry 320 requests a second, 80% of what they can. B2 (node 3) crashes at 2 s: the \
            other three run at 107% of capacity, so their queues grow until a request waits longer than its \
            300 ms timeout, and then almost every request fails (the backends work on requests nobody waits \
            for any more). B2 returns at 6 s; slow start gives it a share that grows over a second, and the \
            queues drain.",
        "四个后端承担每秒 320 个请求，达到其能力的 80%。B2（节点 3）在 2 s 崩溃：其余三个以 107% \
            的容量运行，队列不断增长，直到请求的等待时间超过 300 ms 的超时，\
            此后几乎所有请求都失败（后端在处理已经没人等待的请求）。B2 在 6 s 恢复；\
            慢启动让它的流量份额在一秒内逐步增加，队列随之排空。",
    ),
    ("N+1: a spare replaces the dead backend", "N+1：备用后端顶替宕机后端"),
    (
        "The same load and crash with a warm spare: the controller misses B2 (node 4) three times, \
            provisions the spare for 2 s and swaps it in. The outage is detection + provisioning + the \
            balancer's own checks, and then the pool is back to full strength.",
        "同样的负载和崩溃，外加一台温备节点：控制器连续三次联系不上 B2（节点 4），用 2 s \
            准备好备用节点并把它换上。中断时长 = 检测 + 准备 + 负载均衡器自己的健康检查，之后池恢复满员。",
    ),
    ("Bug: a fenced standby promotes without the lease", "缺陷：受防护的备机未取得租约就升为主机"),
    (
        "With the advert link cut, the standby takes the VIP without asking the witness: two balancers serve \
            at once.",
        "通告链路被切断后，备机不询问见证者就接管了 VIP：两个负载均衡器同时提供服务。",
    ),
    ("Bug: outlier detection ejects every host", "缺陷：异常检测摘除了所有主机"),
    (
        "Three of four backends fail fast; ignoring max_ejection_percent, the balancer ejects all three.",
        "四个后端中有三个快速失败；负载均衡器无视 max_ejection_percent，把三个全部摘除。",
    ),
    ("Bug: a retry without a timeout", "缺陷：没有超时的重试"),
    (
        "Clients retry twice over a network that loses 5% of messages, but a retry has no timeout of its \
            own: a lost retry leaves its request open forever.",
        "客户端在会丢失 5% 消息的网络上重试两次，但重试没有自己的超时：\
            一次丢失的重试会让它的请求永远悬而未决。",
    ),

    // Bug switches: the descriptions in BUG_NAMES, PAXOS_BUG_NAMES, LOCK_BUG_NAMES, TXN_BUG_NAMES and
    // LB_BUG_NAMES.
    ("grant votes without the log up-to-date check (§5.4.1)", "投票时不检查候选者的日志是否足够新（§5.4.1）"),
    (
        "commit entries of earlier terms by counting replicas (Figure 8)",
        "按副本数提交较早任期的条目（论文图 8）",
    ),
    ("forget votedFor on restart", "重启后忘记 votedFor"),
    (
        "install every snapshot by discarding the log, even a late copy or one that matches (§7)",
        "安装每个快照时都丢弃日志，即使是迟到的副本或与日志相符的快照（§7）",
    ),
    ("acceptors forget their promise on restart", "接受者重启后忘记自己的承诺"),
    ("proposers ignore accepted values reported in promises", "提议者忽略承诺中报告的已接受值"),
    ("acceptors accept without checking their promise", "接受者不检查自己的承诺就接受"),
    ("the storage accepts any token (fencing off)", "存储接受任何令牌（关闭防护）"),
    (
        "clients count the lease from the grant's arrival, without a drift margin",
        "客户端从授予消息到达时起算租约，且不留时钟漂移余量",
    ),
    (
        "the server forgets its token counter on restart and grants at once",
        "服务器重启后忘记令牌计数器，并立即授予租约",
    ),
    ("a restarted client numbers its acquisitions from 0 again", "重启的客户端又从 0 开始为申请编号"),
    (
        "the coordinator commits when the vote timeout fires, without every vote",
        "投票超时触发时，协调者未收齐投票就提交",
    ),
    (
        "a retry is sent without a timeout of its own, so an unanswered retry hangs",
        "重试发出时没有自己的超时，得不到应答的重试会一直挂起",
    ),
    (
        "the balancer keeps routing to hosts it ejected or marked unhealthy",
        "负载均衡器继续把请求路由到已摘除或已标记为不健康的主机",
    ),
    ("outlier detection ignores max_ejection_percent", "异常检测无视 max_ejection_percent"),
    (
        "a fenced standby takes the VIP without the witness's lease",
        "受防护的备机未取得见证者的租约就接管 VIP",
    ),
    (
        "a restarted witness grants the lease at once, though it forgot who held it",
        "重启的见证者立即授予租约，尽管它已忘了租约在谁手里",
    ),
    (
        "a restarted balancer forgets the controller's pool and routes by the boot-time one",
        "重启的负载均衡器忘记控制器下发的池，按启动时的池路由",
    ),

    // Invariant names (core/src/*/invariants.rs).
    ("election safety", "选举安全性"),
    ("log matching", "日志匹配"),
    ("leader completeness", "领导者完整性"),
    ("state machine safety", "状态机安全性"),
    ("applied state matches the committed log", "已应用的状态与已提交的日志一致"),
    ("one value per slot", "每个槽位只有一个值"),
    ("only proposed values are chosen", "只有被提议的值才会被选定"),
    ("learners learn only chosen values", "学习者只学习已选定的值"),
    ("the chosen prefix never changes", "已选定的前缀永不改变"),
    ("applied state matches the chosen log", "已应用的状态与已选定的日志一致"),
    ("storage accepts no lower token", "存储不接受更低的令牌"),
    ("tokens increase", "令牌递增"),
    ("at most one holder", "至多一个持有者"),
    ("atomicity", "原子性"),
    ("commit only if all voted yes", "全员投赞成票才提交"),
    ("every request ends exactly once", "每个请求恰好结束一次"),
    ("no request is lost silently", "没有请求被悄无声息地丢失"),
    (
        "no new request goes to an ejected or unhealthy backend outside panic mode",
        "非恐慌模式下，新请求不会发往已摘除或不健康的后端",
    ),
    (
        "outlier detection ejects at most max_ejection_percent of hosts",
        "异常检测摘除的主机不超过 max_ejection_percent",
    ),
    (
        "at most one balancer serves the VIP while fencing's assumptions hold",
        "在防护的前提假设成立时，至多一个负载均衡器为 VIP 提供服务",
    ),
    (
        "a balancer's pool is the controller's, and never goes back to an older one, even after a restart",
        "负载均衡器的池就是控制器给出的池，且即使重启也绝不回退到更旧的池",
    ),

    // Balancing algorithms as the service lab's menu says them (scenario/lb.rs, Algo::title).
    ("round robin", "轮询"),
    ("weighted round robin", "加权轮询"),
    ("random", "随机"),
    ("least request", "最少请求"),
    ("power of two choices", "二选一（P2C）"),
    ("peak EWMA", "峰值 EWMA"),
    ("hash ring (by session)", "哈希环（按会话）"),
    ("hash ring, bounded loads", "哈希环，有界负载"),
    ("Maglev (by session)", "Maglev（按会话）"),

    // Service-time distributions (scenario/lb.rs, ServiceDist::title).
    ("exponential", "指数分布"),
    ("log-normal (heavy tail)", "对数正态分布（重尾）"),
    ("constant", "恒定"),

    // What a node answers a client write (client.rs, Reply::outcome), shown in the trace.
    ("redirect", "重定向"),
    ("accepted", "已接受"),
    ("committed", "已提交"),
    ("rejected", "已拒绝"),
];
