//! The Paxos page's own panels: the slot table (chosen values over the acceptors' accepted
//! values), the proposers and their ballots, and the variant / proposers / backoff settings.

use super::view::{ballot, ProposerRow, SlotsView};
use crate::widgets::log::term_colour;
use halab_core::paxos::Mode;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SlotTableProps {
    pub slots: SlotsView,
}

/// Columns are slots (the newest [`super::view::SLOT_WINDOW`]); the first row is what is
/// chosen, then one row per acceptor. Each accepted value is coloured by its ballot's round and
/// drawn solid when it is the chosen one.
pub fn slot_table(p: &SlotTableProps) -> Html {
    let s = &p.slots;
    let count = s.chosen.len() as u64;
    let numbers = (s.first..s.first + count).map(|k| html! { <th scope="col">{ k }</th> });
    let chosen = s.chosen.iter().zip(s.first..).map(|(c, k)| {
        let testid = format!("slot-{k}");
        match c {
            Some(v) => html! {
                <td class="chosen" data-testid={testid} data-chosen="true" data-value={v.clone()}
                    title={format!("slot {k}: {v} is chosen")}>{ v }</td>
            },
            None => html! { <td class="open" data-testid={testid} title={format!("slot {k}: nothing chosen yet")}>{ "·" }</td> },
        }
    });
    let acceptors = s.rows.iter().map(|r| {
        let cells = r.cells.iter().zip(s.first..).map(|(c, k)| {
            let Some(c) = c else {
                return html! { <td class="empty"></td> };
            };
            let Some(b) = c.ballot else {
                // Learned, and the acceptor has forgotten in which ballot it accepted the value.
                let title = format!(
                    "node {}, slot {k}: learned {}; once the slot was chosen, the acceptor forgot what it accepted",
                    r.id, c.value
                );
                return html! {
                    <td class="committed forgotten" title={title}>
                        <span class="v">{ &c.value }</span><span class="b">{ "learned" }</span>
                    </td>
                };
            };
            let title = format!(
                "node {}, slot {k}: accepted {} in ballot {b}{}{}",
                r.id,
                c.value,
                if c.chosen { " (the chosen value)" } else { "" },
                if c.learned { "; learned" } else { "" }
            );
            html! {
                <td class={if c.chosen { "committed" } else { "pending" }}
                    style={format!("--term: {}", term_colour(b.round))} title={title}>
                    <span class="v">{ &c.value }</span><span class="b">{ b.to_string() }</span>
                </td>
            }
        });
        html! {
            <tr class={classes!(r.dim.then_some("dim"))} data-testid={format!("acceptor-{}", r.id)}>
                <th scope="row"><span class={classes!("dot", r.role)}></span>{ format!("node {}", r.id) }
                    <span class="promise" title="the ballot this acceptor promised">{ ballot(r.promised) }</span></th>
                { for cells }
            </tr>
        }
    });
    html! {
        <div class="log-scroll" data-testid="slots" data-chosen-count={s.total_chosen.to_string()}>
            if count == 0 {
                <p class="muted">{ "Nothing accepted yet: slots fill when a proposer with a majority of promises sends Accept." }</p>
            } else {
                <table class="slots">
                    <thead><tr><th scope="col" class="corner">{ "slot · promise" }</th>{ for numbers }</tr></thead>
                    <tbody>
                        <tr class="chosen-row"><th scope="row">{ "chosen" }</th>{ for chosen }</tr>
                        { for acceptors }
                    </tbody>
                </table>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProposersProps {
    pub rows: Vec<ProposerRow>,
}

/// Each proposer's phase and ballot: in a duel both ballots keep climbing.
pub fn proposers(p: &ProposersProps) -> Html {
    let rows = p.rows.iter().map(|r| {
        let b = r.ballot.map_or_else(|| format!("round {}", r.round), |b| format!("ballot {b}"));
        html! {
            <tr data-testid={format!("proposer-{}", r.id)} data-phase={r.phase} data-round={r.round.to_string()}>
                <th scope="row"><span class={classes!("dot", r.role)}></span>{ format!("node {}", r.id) }</th>
                <td class="phase">{ &r.label }</td>
                <td class="num">{ b }</td>
                <td class="muted">{ &r.detail }</td>
            </tr>
        }
    });
    html! {
        <div class="proposers-panel">
            <h2>{ "Proposers" }<span class="muted">{ " — a ballot is round.node; higher wins" }</span></h2>
            <table class="proposers" data-testid="proposer-list"><tbody>{ for rows }</tbody></table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PaxosSettingsProps {
    pub mode: Mode,
    pub proposers: u8,
    pub max_proposers: u8,
    pub backoff: bool,
    pub on_mode: Callback<Mode>,
    pub on_proposers: Callback<u8>,
    pub on_backoff: Callback<bool>,
}

pub fn paxos_settings(p: &PaxosSettingsProps) -> Html {
    let variant = |mode: Mode, id: &'static str, text: &'static str, help: &'static str| {
        let on = p.mode == mode;
        html! {
            <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()} title={help}
                data-testid={id} onclick={p.on_mode.reform(move |_: MouseEvent| mode)}>{ text }</button>
        }
    };
    let on_proposers = p.on_proposers.reform(|e: Event| {
        let sel: HtmlSelectElement = e.target_unchecked_into();
        sel.value().parse::<u8>().unwrap_or(1)
    });
    let on_backoff = p.on_backoff.reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().checked());
    let options = (1..=p.max_proposers.max(p.proposers))
        .map(|k| html! { <option value={k.to_string()} selected={k == p.proposers}>{ k }</option> });
    html! {
        <>
            <div class="row" role="group" aria-label="Paxos variant">
                <span>{ "variant" }</span>
                <span class="segmented">
                    { variant(Mode::Single, "mode-single", "single-decree", "agree on one value (slot 0)") }
                    { variant(Mode::Multi, "mode-multi", "Multi-Paxos", "agree on a log of client writes, with a stable leader") }
                </span>
            </div>
            <label class="row">
                <span>{ "proposers" }</span>
                <select data-testid="proposers" aria-label="number of proposers" onchange={on_proposers}>{ for options }</select>
                <span class="muted">{ "nodes 0, 1, … propose; every node accepts and learns" }</span>
            </label>
            <label class="bug">
                <input type="checkbox" data-testid="backoff" checked={p.backoff} onchange={on_backoff} />
                <span><code>{ "backoff" }</code>{ " wait a random time before retrying a rejected ballot; off, two proposers can pre-empt each other for ever" }</span>
            </label>
        </>
    }
}
