//! A space-time record of who held what and when, kept by a checker on the simulator's true
//! clock: spans ("client 1 holds token 3" from 1.2 s to 2.0 s) and marks ("write rejected" at
//! 2.4 s). Pages draw it as a timeline; tests read it as plain data.

use crate::msg::Msg;
use crate::protocol::{Micros, NodeId};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// Spans and marks kept; older ones are forgotten first, so a long run stays bounded.
pub const MAX_TIMELINE_ITEMS: usize = 4_000;

/// A node in one state over an interval; `to == None` while it lasts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub node: NodeId,
    pub from: Micros,
    pub to: Option<Micros>,
    /// A CSS-friendly state name (`holding`, `in-doubt`, ...).
    pub class: &'static str,
    /// In words, as a [`Msg`] so a page shows it in its own language and reads its values
    /// (`token {token}`) as data.
    pub label: Msg,
}

/// A point event on a node's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mark {
    pub node: NodeId,
    pub at: Micros,
    pub class: &'static str,
    pub label: Msg,
}

#[derive(Clone, Debug, Default)]
pub struct Timeline {
    spans: VecDeque<Span>,
    marks: VecDeque<Mark>,
    /// Each node's open span, by its position counted from the first span ever pushed.
    open: BTreeMap<NodeId, u64>,
    dropped: u64,
}

impl Timeline {
    /// Puts `node` in state `(class, label)` from `now` on (`None`: no state, no span); does
    /// nothing if that is already its state.
    pub fn set(&mut self, node: NodeId, now: Micros, state: Option<(&'static str, Msg)>) {
        if let Some(&pos) = self.open.get(&node) {
            if let Some(span) = self.spans.get_mut((pos - self.dropped) as usize) {
                if state.as_ref().is_some_and(|(c, l)| *c == span.class && *l == span.label) {
                    return;
                }
                span.to = Some(now);
            }
            self.open.remove(&node);
        }
        if let Some((class, label)) = state {
            self.open.insert(node, self.dropped + self.spans.len() as u64);
            self.spans.push_back(Span { node, from: now, to: None, class, label });
            while self.spans.len() > MAX_TIMELINE_ITEMS {
                self.spans.pop_front();
                self.dropped += 1;
                self.open.retain(|_, p| *p >= self.dropped);
            }
        }
    }

    pub fn mark(&mut self, node: NodeId, at: Micros, class: &'static str, label: Msg) {
        self.marks.push_back(Mark { node, at, class, label });
        if self.marks.len() > MAX_TIMELINE_ITEMS {
            self.marks.pop_front();
        }
    }

    /// Spans in the order they began.
    pub fn spans(&self) -> impl Iterator<Item = &Span> {
        self.spans.iter()
    }

    pub fn marks(&self) -> impl Iterator<Item = &Mark> {
        self.marks.iter()
    }

    /// The span `node` is in now, if any.
    pub fn current(&self, node: NodeId) -> Option<&Span> {
        let pos = *self.open.get(&node)?;
        self.spans.get((pos - self.dropped) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_state_closes_the_old_span_and_a_repeated_one_does_not() {
        let mut t = Timeline::default();
        let token = |token: u64| crate::msg!("token {token}", token);
        t.set(1, 10, Some(("holding", token(1))));
        t.set(1, 20, Some(("holding", token(1))));
        t.set(2, 25, Some(("holding", token(2))));
        t.set(1, 30, None);
        let spans: Vec<_> = t.spans().map(|s| (s.node, s.from, s.to)).collect();
        assert_eq!(spans, vec![(1, 10, Some(30)), (2, 25, None)]);
        assert_eq!(t.current(2).map(|s| s.label.english()).as_deref(), Some("token 2"));
        assert!(t.current(1).is_none());
    }

    #[test]
    fn it_stays_bounded_and_keeps_open_spans_addressable() {
        let mut t = Timeline::default();
        for i in 0..(MAX_TIMELINE_ITEMS as u64 + 50) {
            t.set(0, i, Some(("a", crate::msg!("{i}", i))));
            t.mark(1, i, "m", crate::msg!(""));
        }
        assert_eq!(t.spans().count(), MAX_TIMELINE_ITEMS);
        assert_eq!(t.marks().count(), MAX_TIMELINE_ITEMS);
        let last = MAX_TIMELINE_ITEMS as u64 + 49;
        assert_eq!(t.current(0).map(|s| s.from), Some(last));
    }
}
