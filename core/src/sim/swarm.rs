//! Random fault schedules ("swarm testing", as in TigerBeetle's VOPR): each seed draws its own
//! mix of crashes, restarts, pauses (a quarter of the seeds cut one short with a crash),
//! partitions, cuts and network settings, then heals everything at a fixed instant so a
//! liveness phase can follow.

use super::fault::{Fault, Scheduled};
use super::rng::SimRng;
use crate::protocol::{Micros, NodeId, MS};

/// How aggressive a schedule is.
#[derive(Clone, Copy, Debug)]
pub struct Swarm {
    pub nodes: usize,
    /// Faults happen in `[0, heal_at)`; at `heal_at` the network heals and every node restarts.
    pub heal_at: Micros,
    pub max_faults: u64,
}

/// Draws a schedule; the same seed gives the same schedule.
pub fn random_script(seed: u64, swarm: Swarm) -> Vec<Scheduled> {
    let mut rng = SimRng::new(seed ^ 0x5eed_fa17);
    let n = swarm.nodes as u64;
    let count = rng.below(swarm.max_faults + 1);
    let mut script = Vec::new();
    let node = |rng: &mut SimRng| rng.below(n) as NodeId;
    for _ in 0..count {
        let at = rng.below(swarm.heal_at.max(1));
        let fault = match rng.below(15) {
            // Stale leaders and divergent log suffixes are born when a leader is cut off.
            12 | 13 => Fault::IsolateLeader,
            14 => Fault::CrashLeader,
            10 | 11 => {
                // A bounce: the process dies and comes straight back, the classic way to lose
                // volatile state mid-election.
                let x = node(&mut rng);
                let back = at + rng.range(MS..=300 * MS);
                script.push(Scheduled { at: back.min(swarm.heal_at), fault: Fault::Restart(x) });
                Fault::Crash(x)
            }
            0 | 1 => Fault::Crash(node(&mut rng)),
            2 | 3 => Fault::Restart(node(&mut rng)),
            4 => Fault::Pause(node(&mut rng), rng.range(10 * MS..=800 * MS)),
            5 => {
                let mut groups = vec![Vec::new(), Vec::new()];
                for x in 0..n {
                    groups[rng.below(2) as usize].push(x as NodeId);
                }
                Fault::Partition(groups)
            }
            6 => Fault::Cut(node(&mut rng), node(&mut rng)),
            7 => Fault::Heal,
            8 => Fault::SetLoss(rng.below(300_001) as u32),
            _ => Fault::SetDup(rng.below(100_001) as u32),
        };
        script.push(Scheduled { at, fault });
    }
    // A pause that a crash cuts short: what the paused node had received must die with it, and
    // its next life must not inherit it. Drawn from a stream of its own, so the schedules above
    // stay what they were.
    let mut extra = SimRng::new(seed ^ 0x0bad_cafe);
    if extra.chance(0.25) && swarm.heal_at > 2 * MS {
        let x = extra.below(n) as NodeId;
        let at = extra.below(swarm.heal_at / 2);
        let pause = extra.range(50 * MS..=800 * MS);
        let crash = (at + extra.range(MS..=pause)).min(swarm.heal_at - 1);
        let back = (crash + extra.range(MS..=200 * MS)).min(swarm.heal_at);
        script.push(Scheduled { at, fault: Fault::Pause(x, pause) });
        script.push(Scheduled { at: crash, fault: Fault::Crash(x) });
        script.push(Scheduled { at: back, fault: Fault::Restart(x) });
    }
    script.sort_by_key(|s| s.at);
    script.extend(healing(swarm.nodes, swarm.heal_at));
    script
}

/// The faults that end a safety phase: heal, no loss or duplication, every node up.
pub fn healing(nodes: usize, at: Micros) -> Vec<Scheduled> {
    let mut v = vec![
        Scheduled { at, fault: Fault::Heal },
        Scheduled { at, fault: Fault::SetLoss(0) },
        Scheduled { at, fault: Fault::SetDup(0) },
    ];
    v.extend((0..nodes).map(|x| Scheduled { at, fault: Fault::Restart(x as NodeId) }));
    v
}
