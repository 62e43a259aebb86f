//! A subtree that redraws only when its `version` changes. The playground page re-renders on
//! every animation frame while a run plays; the panels around the picture (invariants, settings,
//! the log table, notes) then redraw at most ten times a second, which no reader can tell from
//! sixty, and a frame's budget goes to the picture (issue 12, goal 6).
//!
//! Yew compares a component's new props with its old ones and, when they are equal, keeps the
//! old ones and skips the render. Equality here is the version alone, so a caller that knows
//! nothing changed may pass `Html::default()` as the children and skip building them.

use yew::prelude::*;

#[derive(Properties)]
pub struct FrozenProps {
    /// Bumped by the caller whenever the children must be drawn again.
    pub version: u64,
    #[prop_or_default]
    pub children: Html,
}

impl PartialEq for FrozenProps {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

#[function_component(Frozen)]
pub fn frozen(p: &FrozenProps) -> Html {
    p.children.clone()
}
