//! The trace: every send, delivery, drop, timer, fault, client event and note, folded into a
//! platform-independent hash, with the most recent events kept for the UI and for violations.

use crate::protocol::{Micros, NodeId, NoteKind};
use crate::sim::fault::Fault;
use serde::Serialize;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

/// How many recent events a [`Trace`] keeps by default (the hash covers all of them).
pub const TRACE_KEEP: usize = 4_096;

/// The trace fingerprint: FxHash's round (rotate, xor, multiply) over 64-bit words, with
/// `usize`/`isize` widened to 64 bits so that wasm32 and x86_64 agree. (std's `DefaultHasher` is
/// randomly keyed and may change between releases.) Every message body passes through it, so it
/// takes a word per round: FNV-1a, used until issue 12, took a byte per round and was the
/// simulator's largest single cost per message (BENCHMARKS.md, "Raft beside raft-rs"). It is a
/// fingerprint for equal runs, not a defence against crafted collisions.
#[derive(Clone, Debug)]
pub struct StableHasher(u64);

const SEED: u64 = 0xcbf2_9ce4_8422_2325;
const K: u64 = 0x517c_c1b7_2722_0a95;

impl StableHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher(SEED)
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            // The tail's length goes in too, so trailing zero bytes are not padding.
            self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 60));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.add(i as i64 as u64);
    }
}

/// A well-mixed 64-bit value from any `Hash` value: [`stable_hash`] through MurmurHash3's
/// finalizer, so that every bit depends on every input bit. FxHash's round alone leaves the low
/// bits of nearby inputs correlated, which is fine for a fingerprint and wrong for a choice.
pub fn mixed_hash<T: Hash + ?Sized>(value: &T) -> u64 {
    crate::ring::hash::mix(stable_hash(value))
}

/// Hashes any `Hash` value with [`StableHasher`].
pub fn stable_hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = StableHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum DropReason {
    /// Lost by the network's loss probability.
    Lost,
    /// The link was cut when it was sent or when it arrived.
    Partitioned,
    /// The receiver was down when it arrived.
    NodeDown,
    /// It had arrived while the receiver was paused, and the receiver crashed before handling
    /// it: inbound messages are volatile.
    Crashed,
}

/// What happened in one event of a trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TraceKind {
    /// `copy`: a duplicate the network made of the message sent just before; `routine`:
    /// `Describe::routine`. Neither is hashed: both follow from the rest.
    Send {
        msg: u64,
        from: NodeId,
        to: NodeId,
        label: &'static str,
        arrives: Micros,
        copy: bool,
        routine: bool,
    },
    Deliver {
        msg: u64,
        from: NodeId,
        to: NodeId,
        label: &'static str,
    },
    Drop {
        msg: u64,
        from: NodeId,
        to: NodeId,
        label: &'static str,
        reason: DropReason,
    },
    Timer {
        node: NodeId,
        label: String,
    },
    Fault(Fault),
    ClientSubmit {
        req: u64,
        node: NodeId,
    },
    ClientReply {
        req: u64,
        node: NodeId,
        outcome: &'static str,
    },
    Note {
        node: NodeId,
        kind: NoteKind,
        text: crate::msg::Msg,
    },
}

/// One event with its place in the run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TraceEvent {
    /// The simulator step that produced it (one step handles one queued event).
    pub step: u64,
    pub time: Micros,
    pub kind: TraceKind,
}

/// A running hash of every event plus a window of the latest ones.
#[derive(Clone, Debug)]
pub struct Trace {
    hasher: StableHasher,
    recent: VecDeque<TraceEvent>,
    keep: usize,
    total: u64,
}

impl Default for Trace {
    fn default() -> Self {
        Trace::with_capacity(TRACE_KEEP)
    }
}

impl Trace {
    pub fn with_capacity(keep: usize) -> Self {
        Trace { hasher: StableHasher::default(), recent: VecDeque::new(), keep, total: 0 }
    }

    pub fn push(&mut self, ev: TraceEvent) {
        fingerprint(&ev, &mut self.hasher);
        self.total += 1;
        if self.keep > 0 {
            if self.recent.len() == self.keep {
                self.recent.pop_front();
            }
            self.recent.push_back(ev);
        }
    }

    /// Keeps only the newest `n` events of the window (a checkpoint needs few), releasing the
    /// rest's memory. The hash and the count are untouched.
    pub fn trim(&mut self, n: usize) {
        let extra = self.recent.len().saturating_sub(n);
        if extra > 0 {
            self.recent.drain(..extra);
            self.recent.shrink_to_fit();
        }
    }

    /// Folds extra content (e.g. a message body) into the hash without storing it.
    pub fn absorb<T: Hash + ?Sized>(&mut self, value: &T) {
        value.hash(&mut self.hasher);
    }

    /// The hash of everything so far; equal hashes mean equal runs.
    pub fn hash(&self) -> u64 {
        self.hasher.finish()
    }

    /// Events recorded so far, including those no longer kept.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The kept window, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &TraceEvent> + ExactSizeIterator {
        self.recent.iter()
    }

    /// The latest `n` kept events, oldest first (fewer if fewer are kept).
    pub fn latest(&self, n: usize) -> std::collections::vec_deque::Iter<'_, TraceEvent> {
        self.recent.range(self.recent.len().saturating_sub(n)..)
    }
}

/// What the hash takes from an event: its time and what happened, each fact once. The step
/// number is left out (it counts the simulator's bookkeeping, e.g. a timer that was re-armed,
/// not what happened), and so is a message's label: a send's label follows from the body,
/// which is folded in beside it, and a delivery's or a drop's from the message id.
fn fingerprint(ev: &TraceEvent, h: &mut StableHasher) {
    h.write_u64(ev.time);
    // Tags 0–2 are the variants' own indices, so they cannot collide with the derived hash of
    // the other variants, which starts with the index.
    match &ev.kind {
        TraceKind::Send { msg, from, to, label: _, arrives, copy: _, routine: _ } => {
            (0u8, msg, from, to, arrives).hash(h)
        }
        TraceKind::Deliver { msg, from, to, label: _ } => (1u8, msg, from, to).hash(h),
        TraceKind::Drop { msg, from, to, label: _, reason } => (2u8, msg, from, to, reason).hash(h),
        other => other.hash(h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_is_pinned() {
        // Pinned so that a change to the hasher (which would silently change every recorded
        // trace hash) fails here first. The wasm test pins the same values.
        assert_eq!(stable_hash(&0u64), 0x098f_3af4_374f_d9ad);
        assert_eq!(stable_hash(&(1u8, 2u16, 3u32, 4u128, "HA Lab", -5i64)), PINNED_MIX);
        assert_eq!(stable_hash(&(3usize, "raft")), stable_hash(&(3u64, "raft")));
    }

    const PINNED_MIX: u64 = 0x5081_2164_3e46_4942;

    #[test]
    fn bytes_are_taken_a_word_at_a_time_and_trailing_zeros_count() {
        let raw = |bytes: &[u8]| {
            let mut h = StableHasher::default();
            h.write(bytes);
            h.finish()
        };
        let all: Vec<u64> =
            [&b""[..], b"\x01", b"\x01\x00", b"\x01\x00\x00\x00\x00\x00\x00\x00", b"abcdefgh", b"abcdefghi"]
                .iter()
                .map(|b| raw(b))
                .collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b, "{all:x?}");
            }
        }
        // A difference anywhere in a long body changes the hash.
        let body: Vec<u8> = (0..100).collect();
        for i in 0..body.len() {
            let mut other = body.clone();
            other[i] ^= 0x80;
            assert_ne!(raw(&body), raw(&other), "byte {i}");
        }
    }

    #[test]
    fn trace_window_is_bounded_but_hash_covers_all() {
        let mut a = Trace::with_capacity(2);
        let mut b = Trace::with_capacity(10);
        for i in 0..5 {
            let ev = TraceEvent { step: i, time: i, kind: TraceKind::Timer { node: 0, label: "x".into() } };
            a.push(ev.clone());
            b.push(ev);
        }
        assert_eq!(a.recent().len(), 2);
        assert_eq!(a.total(), 5);
        assert_eq!(a.hash(), b.hash());
        assert_eq!(a.recent().next().unwrap().step, 3);
    }
}
