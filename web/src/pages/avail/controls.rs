//! The scenario's controls. Every control emits an [`Action`]; input it cannot read is reported
//! as a message instead. Times are typed with a unit (`1000h`, `4h`, `30min`, `2d`; a bare
//! number means hours), as the URL writes them.

use super::model::Action;
use crate::widgets::field::{number_field, Field};
use halab_core::protocol::Micros;
use halab_core::reliability::MAX_N;
use halab_core::scenario::avail::{
    format_time, parse_time, AvailScenario, Axis, Shape, MAX_DOMAINS, MAX_TRIALS, MIN_TRIALS,
};
use halab_core::scenario::units::{
    format_duration, format_hundredths, parse_duration, parse_hundredths, shorten,
};
use halab_core::scenario::ProtocolKind;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

fn whole(s: &str) -> Result<u32, String> {
    let digits: String = s.chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
    digits.parse::<u32>().map_err(|_| format!("expected a whole number, got \u{201c}{}\u{201d}", shorten(s)))
}

/// `1000h`, `4 h`, `30min`; a bare number is hours.
pub fn time(s: &str) -> Result<u64, String> {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return parse_time(&format!("{t}h"));
    }
    parse_time(&t)
}

/// Simulated times: `20s`, `500ms`; a bare number is seconds.
pub fn sim_time(s: &str) -> Result<Micros, String> {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return parse_duration(&format!("{t}s"));
    }
    parse_duration(&t)
}

pub fn axis_title(a: Axis) -> &'static str {
    match a {
        Axis::Nodes => "nodes n",
        Axis::Mttr => "MTTR",
        Axis::Mtbf => "MTBF",
        Axis::Crews => "repair crews",
    }
}

#[derive(Properties, PartialEq)]
pub struct SetupProps {
    pub scenario: AvailScenario,
    pub on_action: Callback<Action>,
    pub on_bad: Callback<String>,
}

fn select_cb(cb: &Callback<Action>, f: impl Fn(&str) -> Option<Action> + 'static) -> Callback<Event> {
    let cb = cb.clone();
    Callback::from(move |e: Event| {
        let sel: HtmlSelectElement = e.target_unchecked_into();
        if let Some(a) = f(&sel.value()) {
            cb.emit(a);
        }
    })
}

/// A lifetime shape: exponential, or Weibull with its shape parameter.
fn shape_row(
    label: &'static str,
    testid: &'static str,
    shape: Shape,
    make: fn(Shape) -> Action,
    on_action: &Callback<Action>,
    on_bad: &Callback<String>,
) -> Html {
    let k = match shape {
        Shape::Weibull(k) => k,
        Shape::Exp => 150,
    };
    let on_kind = select_cb(on_action, move |v| match v {
        "exp" => Some(make(Shape::Exp)),
        "weibull" => Some(make(Shape::Weibull(k))),
        _ => None,
    });
    let on_shape = number_field(
        format_hundredths(k),
        "Weibull shape",
        parse_hundredths,
        on_action.reform(move |k| make(Shape::Weibull(k))),
        on_bad.clone(),
    );
    let weibull = matches!(shape, Shape::Weibull(_));
    html! {
        <div class="row">
            <label for={format!("avail-{testid}")}><span class="name">{ label }</span></label>
            <select id={format!("avail-{testid}")} data-testid={testid} aria-label={label} onchange={on_kind}>
                <option value="exp" selected={!weibull}>{ "exponential" }</option>
                <option value="weibull" selected={weibull}>{ "Weibull" }</option>
            </select>
            if weibull {
                <Field kind="number" class="num" testid={format!("{testid}-shape")} label={format!("{label} Weibull shape")}
                    min="0.2" max="10" step="0.1" value={format_hundredths(k)} onchange={on_shape} />
                <span class="muted">{ if k < 100 { "shape < 1: early failures" } else if k > 100 { "shape > 1: wear-out" } else { "shape 1 = exponential" } }</span>
            }
        </div>
    }
}

pub fn setup(p: &SetupProps) -> Html {
    let s = &p.scenario;
    let cb = &p.on_action;
    let on_axis = select_cb(cb, |v| Axis::ALL.into_iter().find(|a| a.name() == v).map(Action::Axis));
    let on_n = number_field(s.n.to_string(), "Nodes", whole, cb.reform(Action::N), p.on_bad.clone());
    let on_quorum = select_cb(cb, |v| match v {
        "majority" => Some(Action::Quorum(None)),
        v => v.parse().ok().map(|q| Action::Quorum(Some(q))),
    });
    let on_crews = select_cb(cb, |v| match v {
        "all" => Some(Action::Crews(None)),
        v => v.parse().ok().map(|c| Action::Crews(Some(c))),
    });
    let on_mtbf = number_field(format_time(s.mtbf), "MTBF", time, cb.reform(Action::Mtbf), p.on_bad.clone());
    let on_mttr = number_field(format_time(s.mttr), "MTTR", time, cb.reform(Action::Mttr), p.on_bad.clone());
    let on_trials =
        number_field(s.trials.to_string(), "Trials", whole, cb.reform(Action::Trials), p.on_bad.clone());
    let on_detect = number_field(
        format_time(s.detect),
        "Detection and failover",
        time,
        cb.reform(Action::Detect),
        p.on_bad.clone(),
    );
    let on_domains = select_cb(cb, |v| v.parse().ok().map(Action::Domains));
    let on_dmtbf = number_field(
        format_time(s.domain_mtbf),
        "Domain MTBF",
        time,
        cb.reform(Action::DomainMtbf),
        p.on_bad.clone(),
    );
    let on_dmttr = number_field(
        format_time(s.domain_mttr),
        "Domain MTTR",
        time,
        cb.reform(Action::DomainMttr),
        p.on_bad.clone(),
    );
    let domains = std::iter::once(0).chain(2..=MAX_DOMAINS).map(|d| {
        html! { <option value={d.to_string()} selected={s.domains == d}>{ if d == 0 { "none".to_owned() } else { d.to_string() } }</option> }
    });
    let axes = Axis::ALL
        .iter()
        .map(|&a| html! { <option value={a.name()} selected={a == s.axis}>{ axis_title(a) }</option> });
    let quorums = (1..=s.n)
        .map(|q| html! { <option value={q.to_string()} selected={s.quorum == Some(q)}>{ q }</option> });
    let crews = (1..=s.n)
        .map(|c| html! { <option value={c.to_string()} selected={s.crews == Some(c)}>{ c }</option> });
    let majority = s.n / 2 + 1;
    html! {
        <div class="settings avail-setup">
            <label class="row">
                <span class="name">{ "x axis" }</span>
                <select data-testid="axis" aria-label="x axis of the chart" onchange={on_axis}>{ for axes }</select>
            </label>
            <div class="row">
                <label for="avail-n"><span class="name">{ "nodes n" }</span></label>
                <Field kind="number" id="avail-n" class="num" testid="n" label="nodes" min="1" max={MAX_N.to_string()} step="1"
                    value={s.n.to_string()} onchange={on_n} />
                <label class="row" for="avail-q"><span>{ "quorum k" }</span></label>
                <select id="avail-q" data-testid="quorum" aria-label="quorum: nodes that must be up" onchange={on_quorum}>
                    <option value="majority" selected={s.quorum.is_none()}>{ format!("majority ({majority})") }</option>
                    { for quorums }
                </select>
            </div>
            <div class="row">
                <label for="avail-mtbf"><span class="name">{ "MTBF" }</span></label>
                <Field kind="text" id="avail-mtbf" class="num" testid="mtbf" label="MTBF: mean time between failures of a node"
                    min="" max="" step="" value={format_time(s.mtbf)} onchange={on_mtbf} />
                <label for="avail-mttr"><span>{ "MTTR" }</span></label>
                <Field kind="text" id="avail-mttr" class="num" testid="mttr" label="MTTR: mean time to repair a node"
                    min="" max="" step="" value={format_time(s.mttr)} onchange={on_mttr} />
                <span class="muted hint">{ "per node; units s, min, h, d, y (a bare number is hours)" }</span>
            </div>
            <label class="row">
                <span class="name">{ "crews" }</span>
                <select data-testid="crews" aria-label="repair crews" onchange={on_crews}>
                    <option value="all" selected={s.crews.is_none()}>{ "one per node" }</option>
                    { for crews }
                </select>
                <span class="muted hint">{ "repairs beyond the crews wait their turn" }</span>
            </label>
            <div class="row">
                <label for="avail-detect"><span class="name">{ "detect" }</span></label>
                <Field kind="text" id="avail-detect" class="num" testid="detect" label="detection and failover time, added to every repair"
                    min="" max="" step="" value={format_time(s.detect)} onchange={on_detect} />
                <span class="muted hint">{ "detection and failover, added to every repair" }</span>
            </div>
            <div class="row">
                <label for="avail-dom"><span class="name">{ "domains" }</span></label>
                <select id="avail-dom" data-testid="domains" aria-label="failure domains (racks or zones)" onchange={on_domains}>{ for domains }</select>
                if s.domains > 0 {
                    <label for="avail-dmtbf"><span>{ "outage every" }</span></label>
                    <Field kind="text" id="avail-dmtbf" class="num" testid="dmtbf" label="domain MTBF" min="" max="" step=""
                        value={format_time(s.domain_mtbf)} onchange={on_dmtbf} />
                    <label for="avail-dmttr"><span>{ "for" }</span></label>
                    <Field kind="text" id="avail-dmttr" class="num" testid="dmttr" label="domain MTTR" min="" max="" step=""
                        value={format_time(s.domain_mttr)} onchange={on_dmttr} />
                }
                <span class="muted hint">{ "racks or zones: node i in domain i mod D, all down together" }</span>
            </div>
            { shape_row("failures", "fail", s.failures, Action::Failures, cb, &p.on_bad) }
            { shape_row("repairs", "repair", s.repairs, Action::Repairs, cb, &p.on_bad) }
            <div class="row">
                <label for="avail-trials"><span class="name">{ "trials" }</span></label>
                <Field kind="number" id="avail-trials" class="num wide" testid="trials" label="Monte Carlo trials per point"
                    min={MIN_TRIALS.to_string()} max={MAX_TRIALS.to_string()} step="1000" value={s.trials.to_string()} onchange={on_trials} />
                <span class="muted hint">{ format!("Monte Carlo runs per point, each a window of {}", format_time(s.horizon)) }</span>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct MeasureProps {
    pub scenario: AvailScenario,
    pub on_action: Callback<Action>,
    pub on_bad: Callback<String>,
}

/// Measured points on/off, the protocol, and the simulated MTBF/MTTR.
pub fn measure_setup(p: &MeasureProps) -> Html {
    let s = &p.scenario;
    let cb = &p.on_action;
    let on_measure = {
        let cb = cb.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(Action::Measure(input.checked()));
        })
    };
    let on_proto = select_cb(cb, |v| match v {
        "raft" => Some(Action::Protocol(ProtocolKind::Raft)),
        "paxos" => Some(Action::Protocol(ProtocolKind::Paxos)),
        _ => None,
    });
    let on_smtbf = number_field(
        format_duration(s.sim_mtbf),
        "Simulated MTBF",
        sim_time,
        cb.reform(Action::SimMtbf),
        p.on_bad.clone(),
    );
    let on_smttr = number_field(
        format_duration(s.sim_mttr),
        "Simulated MTTR",
        sim_time,
        cb.reform(Action::SimMttr),
        p.on_bad.clone(),
    );
    html! {
        <div class="settings avail-setup">
            <label class="bug">
                <input type="checkbox" data-testid="measure" checked={s.measure} onchange={on_measure} />
                <span>{ "Measure the protocol itself: crash and restart nodes at random in the simulator, n = 1 to 9, and count writes that commit within 100 ms." }</span>
            </label>
            if s.measure {
                <label class="row">
                    <span class="name">{ "protocol" }</span>
                    <select data-testid="protocol" aria-label="protocol to measure" onchange={on_proto}>
                        <option value="raft" selected={s.protocol == ProtocolKind::Raft}>{ "Raft" }</option>
                        <option value="paxos" selected={s.protocol == ProtocolKind::Paxos}>{ "Multi-Paxos" }</option>
                    </select>
                </label>
                <div class="row">
                    <label for="avail-smtbf"><span class="name">{ "sim MTBF" }</span></label>
                    <Field kind="text" id="avail-smtbf" class="num" testid="sim-mtbf" label="simulated MTBF" min="" max="" step=""
                        value={format_duration(s.sim_mtbf)} onchange={on_smtbf} />
                    <label for="avail-smttr"><span>{ "sim MTTR" }</span></label>
                    <Field kind="text" id="avail-smttr" class="num" testid="sim-mttr" label="simulated MTTR" min="" max="" step=""
                        value={format_duration(s.sim_mttr)} onchange={on_smttr} />
                    <span class="muted hint">{ "simulated seconds (elections take a fraction of one)" }</span>
                </div>
            }
        </div>
    }
}
