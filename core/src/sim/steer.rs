//! Steered runs: the world stands still but for explicit steps.
//!
//! After [`Fault::Steer`]`(true)` a message that arrives, a timer that comes due and a client
//! that would retry all wait (in `held`, in the order they came due) instead of happening.
//! What happens instead are the step faults: [`Fault::Deliver`] a message, early or late,
//! [`Fault::Lose`] or [`Fault::Copy`] one, [`Fault::Fire`] a node's armed timer, and crashes,
//! restarts and writes as usual. The network stops losing and copying messages by chance.
//!
//! This is how the exhaustive checker's counterexamples replay in the simulator, bit-exactly and
//! from a URL (each step is a scripted fault), and how a user picks the next delivery by hand
//! (DSLabs' debugger does the same). `Steer(false)` gives the held events back to the queue,
//! still due, and the run goes on by itself.
//!
//! A steered step ignores pauses: the step is the schedule.

use super::{Flight, Item, Sim};
use crate::client::Service;
use crate::protocol::{Describe, Event, NodeId};
use crate::sim::trace::TraceKind;

impl<P: Service> Sim<P>
where
    P::Msg: Describe,
{
    /// Whether the run is steered (see the module's doc).
    pub fn steered(&self) -> bool {
        self.steered
    }

    /// The id the last message sent got (0: none yet); the next one gets the one after.
    pub fn last_message_id(&self) -> u64 {
        self.next_msg
    }

    pub(super) fn steer(&mut self, on: bool) {
        self.steered = on;
        if !on {
            for (at, item) in std::mem::take(&mut self.held) {
                self.push(at, item);
            }
            self.settle();
        }
    }

    /// Takes message `id` off the wire, wherever it is (flying or waiting).
    pub(super) fn take_flight(&mut self, id: u64) -> Option<Flight<P>> {
        let is = |item: &Item<P>| matches!(item, Item::Deliver(f) if f.id == id);
        if let Some(i) = self.held.iter().position(|(_, item)| is(item)) {
            let (_, Item::Deliver(f)) = self.held.remove(i) else { unreachable!("matched above") };
            return Some(f);
        }
        let mut found = None;
        self.queue.retain(|_, item| match item {
            Item::Deliver(f) if found.is_none() && f.id == id => {
                found = Some(f.clone());
                false
            }
            _ => true,
        });
        self.settle();
        found
    }

    /// A second copy of message `id`, a new packet as the network's duplicates are, flying from
    /// now until the original's arrival (or waiting at once if that has passed).
    pub(super) fn copy_flight(&mut self, id: u64) {
        let original = self.in_flight().into_iter().find(|f| f.id == id).cloned();
        let Some(f) = original else { return };
        let delay = f.arrives.saturating_sub(self.now);
        self.fly(f.from, f.to, f.msg, delay, f.lost, f.cut_at_send, true);
    }

    /// Fires node `x`'s `k`-th armed timer now; its queued (or held) entry is void from here.
    pub(super) fn fire(&mut self, x: NodeId, k: u16) -> Option<NodeId> {
        let node = self.cluster.nodes.get_mut(x as usize)?;
        let timer = node.timers.keys().nth(usize::from(k)).cloned()?;
        node.timers.remove(&timer);
        self.record(TraceKind::Timer { node: x, label: format!("{timer:?}") });
        self.run_handler(x, Event::Timer(timer));
        self.settle();
        Some(x)
    }
}
