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
                    title={trf!("slot {k}: {v} is chosen", "槽位 {k}：{v} 已选定")}>{ v }</td>
            },
            None => html! {
                <td class="open" data-testid={testid}
                    title={trf!("slot {k}: nothing chosen yet", "槽位 {k}：尚未选定任何值")}>{ "·" }</td>
            },
        }
    });
    let acceptors = s.rows.iter().map(|r| {
        let cells = r.cells.iter().zip(s.first..).map(|(c, k)| {
            let Some(c) = c else {
                return html! { <td class="empty"></td> };
            };
            let Some(b) = c.ballot else {
                // Learned, and the acceptor has forgotten in which ballot it accepted the value.
                let (id, value) = (r.id, &c.value);
                let title = trf!(
                    "node {id}, slot {k}: learned {value}; once the slot was chosen, the acceptor forgot what it accepted",
                    "节点 {id}，槽位 {k}：已学到 {value}；该槽位选定后，接受者忘记了它接受过什么"
                );
                return html! {
                    <td class="committed forgotten" title={title}>
                        <span class="v">{ &c.value }</span><span class="b">{ tr!("learned", "已学到") }</span>
                    </td>
                };
            };
            let (id, value) = (r.id, &c.value);
            let chosen = if c.chosen { tr!(" (the chosen value)", "（即选定的值）") } else { "" };
            let learned = if c.learned { tr!("; learned", "；已学到") } else { "" };
            let title = trf!(
                "node {id}, slot {k}: accepted {value} in ballot {b}{chosen}{learned}",
                "节点 {id}，槽位 {k}：在选票编号 {b} 中接受了 {value}{chosen}{learned}"
            );
            html! {
                <td class={if c.chosen { "committed" } else { "pending" }}
                    style={format!("--term: {}", term_colour(b.round))} title={title}>
                    <span class="v">{ &c.value }</span><span class="b">{ b.to_string() }</span>
                </td>
            }
        });
        let id = r.id;
        let name = trf!("node {id}", "节点 {id}");
        html! {
            <tr class={classes!(r.dim.then_some("dim"))} data-testid={format!("acceptor-{}", r.id)}>
                <th scope="row"><span class={classes!("dot", r.role)}></span>{ name }
                    <span class="promise" title={tr!("the ballot this acceptor promised", "该接受者承诺的选票编号")}>{ ballot(r.promised) }</span></th>
                { for cells }
            </tr>
        }
    });
    html! {
        <div class="log-scroll" data-testid="slots" data-chosen-count={s.total_chosen.to_string()}>
            if count == 0 {
                <p class="muted">{ tr!(
                    "Nothing accepted yet: slots fill when a proposer with a majority of promises sends Accept.",
                    "尚未接受任何值：提议者获得多数派承诺并发出 Accept 后，槽位才会填充。"
                ) }</p>
            } else {
                <table class="slots">
                    <thead><tr><th scope="col" class="corner">{ tr!("slot · promise", "槽位 · 承诺") }</th>{ for numbers }</tr></thead>
                    <tbody>
                        <tr class="chosen-row"><th scope="row">{ tr!("chosen", "已选定") }</th>{ for chosen }</tr>
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
        let (round, id) = (r.round, r.id);
        let name = trf!("node {id}", "节点 {id}");
        let b = r.ballot.map_or_else(|| trf!("round {round}", "轮次 {round}"), |b| trf!("ballot {b}", "选票编号 {b}"));
        html! {
            <tr data-testid={format!("proposer-{}", r.id)} data-phase={r.phase} data-round={r.round.to_string()}>
                <th scope="row"><span class={classes!("dot", r.role)}></span>{ name }</th>
                <td class="phase">{ &r.label }</td>
                <td class="num">{ b }</td>
                <td class="muted">{ &r.detail }</td>
            </tr>
        }
    });
    html! {
        <div class="proposers-panel">
            <h2>{ tr!("Proposers", "提议者") }<span class="muted">{ tr!(
                " — a ballot is round.node; higher wins",
                " — 选票编号为“轮次.节点”；更高者胜出"
            ) }</span></h2>
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
            <div class="row" role="group" aria-label={tr!("Paxos variant", "Paxos 变体")}>
                <span>{ tr!("variant", "变体") }</span>
                <span class="segmented">
                    { variant(Mode::Single, "mode-single", tr!("single-decree", "单值"),
                        tr!("agree on one value (slot 0)", "就一个值达成一致（槽位 0）")) }
                    { variant(Mode::Multi, "mode-multi", "Multi-Paxos",
                        tr!("agree on a log of client writes, with a stable leader", "就客户端写入组成的日志达成一致，由稳定的领导者主导")) }
                </span>
            </div>
            <label class="row">
                <span>{ tr!("proposers", "提议者") }</span>
                <select data-testid="proposers" aria-label={tr!("number of proposers", "提议者数量")} onchange={on_proposers}>{ for options }</select>
                <span class="muted">{ tr!("nodes 0, 1, … propose; every node accepts and learns", "节点 0、1、… 负责提议；每个节点都接受并学习") }</span>
            </label>
            <label class="bug">
                <input type="checkbox" data-testid="backoff" checked={p.backoff} onchange={on_backoff} />
                <span><code>{ "backoff" }</code>{ tr!(
                    " wait a random time before retrying a rejected ballot; off, two proposers can pre-empt each other for ever",
                    " 选票编号被拒后，等待一段随机时间再重试；关闭时，两个提议者可能无休止地互相抢占"
                ) }</span>
            </label>
        </>
    }
}
