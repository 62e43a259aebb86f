//! The notes feed: what the protocol said about itself and what the user did, newest first.

use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct NoteView {
    /// Simulated time, already formatted.
    pub time: String,
    /// CSS class (`fault`, `role`, `commit`, ...).
    pub kind: &'static str,
    pub text: String,
}

#[derive(Properties, PartialEq)]
pub struct NotesProps {
    pub notes: Vec<NoteView>,
}

#[function_component(Notes)]
pub fn notes(p: &NotesProps) -> Html {
    if p.notes.is_empty() {
        return html! { <p class="muted" data-testid="notes">{ tr!("Nothing has happened yet.", "还什么都没有发生。") }</p> };
    }
    let items = p.notes.iter().map(|n| {
        html! {
            <li class={n.kind}><time>{ &n.time }</time><span>{ &n.text }</span></li>
        }
    });
    // It scrolls, so it takes the keyboard's focus too (the arrows then scroll it).
    html! { <ol class="notes" data-testid="notes" tabindex="0" aria-label={tr!("notes, newest first", "事件记录，最新在前")}>{ for items }</ol> }
}
