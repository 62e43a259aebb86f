//! The scenario's controls. Every control emits an [`Action`]; input it cannot read is reported
//! as a message instead. Times are typed with a unit (`1000h`, `4h`, `30min`, `2d`; a bare
//! number means hours), as the URL writes them.

use super::model::Action;
use crate::i18n::zh_core;
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
    let got = shorten(s);
    digits.parse::<u32>().map_err(|_| {
        trf!(
            "expected a whole number, got \u{201c}{got}\u{201d}",
            "需要一个整数，实际为 \u{201c}{got}\u{201d}"
        )
    })
}

/// `1000h`, `4 h`, `30min`; a bare number is hours.
pub fn time(s: &str) -> Result<u64, String> {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return parse_time(&format!("{t}h")).map_err(|e| zh_core::msg(&e));
    }
    parse_time(&t).map_err(|e| zh_core::msg(&e))
}

/// Simulated times: `20s`, `500ms`; a bare number is seconds.
pub fn sim_time(s: &str) -> Result<Micros, String> {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return parse_duration(&format!("{t}s")).map_err(|e| zh_core::msg(&e));
    }
    parse_duration(&t).map_err(|e| zh_core::msg(&e))
}

pub fn axis_title(a: Axis) -> &'static str {
    match a {
        Axis::Nodes => tr!("nodes n", "节点数 n"),
        Axis::Mttr => "MTTR",
        Axis::Mtbf => "MTBF",
        Axis::Crews => tr!("repair crews", "修复组数"),
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
        tr!("Weibull shape", "威布尔形状参数"),
        |s| parse_hundredths(s).map_err(|e| zh_core::msg(&e)),
        on_action.reform(move |k| make(Shape::Weibull(k))),
        on_bad.clone(),
    );
    let weibull = matches!(shape, Shape::Weibull(_));
    html! {
        <div class="row">
            <label for={format!("avail-{testid}")}><span class="name">{ label }</span></label>
            <select id={format!("avail-{testid}")} data-testid={testid} aria-label={label} onchange={on_kind}>
                <option value="exp" selected={!weibull}>{ tr!("exponential", "指数分布") }</option>
                <option value="weibull" selected={weibull}>{ tr!("Weibull", "威布尔分布") }</option>
            </select>
            if weibull {
                <Field kind="number" class="num" testid={format!("{testid}-shape")} label={trf!("{label} Weibull shape", "{label}的威布尔形状参数")}
                    min="0.2" max="10" step="0.1" value={format_hundredths(k)} onchange={on_shape} />
                <span class="muted">{ if k < 100 {
                    tr!("shape < 1: early failures", "形状 < 1：早期失效")
                } else if k > 100 {
                    tr!("shape > 1: wear-out", "形状 > 1：磨损老化")
                } else {
                    tr!("shape 1 = exponential", "形状 1 = 指数分布")
                } }</span>
            }
        </div>
    }
}

pub fn setup(p: &SetupProps) -> Html {
    let s = &p.scenario;
    let cb = &p.on_action;
    let on_axis = select_cb(cb, |v| Axis::ALL.into_iter().find(|a| a.name() == v).map(Action::Axis));
    let on_n =
        number_field(s.n.to_string(), tr!("Nodes", "节点数"), whole, cb.reform(Action::N), p.on_bad.clone());
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
    let on_trials = number_field(
        s.trials.to_string(),
        tr!("Trials", "试验次数"),
        whole,
        cb.reform(Action::Trials),
        p.on_bad.clone(),
    );
    let on_detect = number_field(
        format_time(s.detect),
        tr!("Detection and failover", "检测与故障转移"),
        time,
        cb.reform(Action::Detect),
        p.on_bad.clone(),
    );
    let on_domains = select_cb(cb, |v| v.parse().ok().map(Action::Domains));
    let on_dmtbf = number_field(
        format_time(s.domain_mtbf),
        tr!("Domain MTBF", "故障域 MTBF"),
        time,
        cb.reform(Action::DomainMtbf),
        p.on_bad.clone(),
    );
    let on_dmttr = number_field(
        format_time(s.domain_mttr),
        tr!("Domain MTTR", "故障域 MTTR"),
        time,
        cb.reform(Action::DomainMttr),
        p.on_bad.clone(),
    );
    let domains = std::iter::once(0).chain(2..=MAX_DOMAINS).map(|d| {
        html! { <option value={d.to_string()} selected={s.domains == d}>{ if d == 0 { tr!("none", "无").to_owned() } else { d.to_string() } }</option> }
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
                <span class="name">{ tr!("x axis", "x 轴") }</span>
                <select data-testid="axis" aria-label={tr!("x axis of the chart", "图表的 x 轴")} onchange={on_axis}>{ for axes }</select>
            </label>
            <div class="row">
                <label for="avail-n"><span class="name">{ tr!("nodes n", "节点数 n") }</span></label>
                <Field kind="number" id="avail-n" class="num" testid="n" label={tr!("nodes", "节点数")} min="1" max={MAX_N.to_string()} step="1"
                    value={s.n.to_string()} onchange={on_n} />
                <label class="row" for="avail-q"><span>{ tr!("quorum k", "法定人数 k") }</span></label>
                <select id="avail-q" data-testid="quorum" aria-label={tr!("quorum: nodes that must be up", "法定人数：必须在线的节点数")} onchange={on_quorum}>
                    <option value="majority" selected={s.quorum.is_none()}>{ trf!("majority ({majority})", "过半数（{majority}）") }</option>
                    { for quorums }
                </select>
            </div>
            <div class="row">
                <label for="avail-mtbf"><span class="name">{ "MTBF" }</span></label>
                <Field kind="text" id="avail-mtbf" class="num" testid="mtbf" label={tr!("MTBF: mean time between failures of a node", "MTBF：节点的平均故障间隔")}
                    min="" max="" step="" value={format_time(s.mtbf)} onchange={on_mtbf} />
                <label for="avail-mttr"><span>{ "MTTR" }</span></label>
                <Field kind="text" id="avail-mttr" class="num" testid="mttr" label={tr!("MTTR: mean time to repair a node", "MTTR：节点的平均修复时间")}
                    min="" max="" step="" value={format_time(s.mttr)} onchange={on_mttr} />
                <span class="muted hint">{ tr!("per node; units s, min, h, d, y (a bare number is hours)", "每个节点；单位 s、min、h、d、y（不带单位的数字按小时计）") }</span>
            </div>
            <label class="row">
                <span class="name">{ tr!("crews", "修复组") }</span>
                <select data-testid="crews" aria-label={tr!("repair crews", "修复组数")} onchange={on_crews}>
                    <option value="all" selected={s.crews.is_none()}>{ tr!("one per node", "每个节点一个") }</option>
                    { for crews }
                </select>
                <span class="muted hint">{ tr!("repairs beyond the crews wait their turn", "超出修复组数的修复排队等待") }</span>
            </label>
            <div class="row">
                <label for="avail-detect"><span class="name">{ tr!("detect", "检测") }</span></label>
                <Field kind="text" id="avail-detect" class="num" testid="detect" label={tr!("detection and failover time, added to every repair", "检测与故障转移时间，计入每次修复")}
                    min="" max="" step="" value={format_time(s.detect)} onchange={on_detect} />
                <span class="muted hint">{ tr!("detection and failover, added to every repair", "检测与故障转移，计入每次修复") }</span>
            </div>
            <div class="row">
                <label for="avail-dom"><span class="name">{ tr!("domains", "故障域") }</span></label>
                <select id="avail-dom" data-testid="domains" aria-label={tr!("failure domains (racks or zones)", "故障域（机架或可用区）")} onchange={on_domains}>{ for domains }</select>
                if s.domains > 0 {
                    <label for="avail-dmtbf"><span>{ tr!("outage every", "每隔") }</span></label>
                    <Field kind="text" id="avail-dmtbf" class="num" testid="dmtbf" label={tr!("domain MTBF", "故障域 MTBF")} min="" max="" step=""
                        value={format_time(s.domain_mtbf)} onchange={on_dmtbf} />
                    <label for="avail-dmttr"><span>{ tr!("for", "中断一次，持续") }</span></label>
                    <Field kind="text" id="avail-dmttr" class="num" testid="dmttr" label={tr!("domain MTTR", "故障域 MTTR")} min="" max="" step=""
                        value={format_time(s.domain_mttr)} onchange={on_dmttr} />
                }
                <span class="muted hint">{ tr!("racks or zones: node i in domain i mod D, all down together", "机架或可用区：节点 i 属于故障域 i mod D，同一故障域的节点一起宕机") }</span>
            </div>
            { shape_row(tr!("failures", "故障"), "fail", s.failures, Action::Failures, cb, &p.on_bad) }
            { shape_row(tr!("repairs", "修复"), "repair", s.repairs, Action::Repairs, cb, &p.on_bad) }
            <div class="row">
                <label for="avail-trials"><span class="name">{ tr!("trials", "试验次数") }</span></label>
                <Field kind="number" id="avail-trials" class="num wide" testid="trials" label={tr!("Monte Carlo trials per point", "每个点的蒙特卡洛试验次数")}
                    min={MIN_TRIALS.to_string()} max={MAX_TRIALS.to_string()} step="1000" value={s.trials.to_string()} onchange={on_trials} />
                <span class="muted hint">{ { let h = format_time(s.horizon); trf!("Monte Carlo runs per point, each a window of {h}", "每个点的蒙特卡洛运行次数，每次运行一个 {h} 的窗口") } }</span>
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
        tr!("Simulated MTBF", "模拟 MTBF"),
        sim_time,
        cb.reform(Action::SimMtbf),
        p.on_bad.clone(),
    );
    let on_smttr = number_field(
        format_duration(s.sim_mttr),
        tr!("Simulated MTTR", "模拟 MTTR"),
        sim_time,
        cb.reform(Action::SimMttr),
        p.on_bad.clone(),
    );
    html! {
        <div class="settings avail-setup">
            <label class="bug">
                <input type="checkbox" data-testid="measure" checked={s.measure} onchange={on_measure} />
                <span>{ tr!(
                    "Measure the protocol itself: crash and restart nodes at random in the simulator, n = 1 to 9, and count writes that commit within 100 ms.",
                    "实测协议本身：在模拟器中随机让节点崩溃和重启（n = 1 到 9），统计在 100 ms 内提交的写入。"
                ) }</span>
            </label>
            if s.measure {
                <label class="row">
                    <span class="name">{ tr!("protocol", "协议") }</span>
                    <select data-testid="protocol" aria-label={tr!("protocol to measure", "要实测的协议")} onchange={on_proto}>
                        <option value="raft" selected={s.protocol == ProtocolKind::Raft}>{ "Raft" }</option>
                        <option value="paxos" selected={s.protocol == ProtocolKind::Paxos}>{ "Multi-Paxos" }</option>
                    </select>
                </label>
                <div class="row">
                    <label for="avail-smtbf"><span class="name">{ tr!("sim MTBF", "模拟 MTBF") }</span></label>
                    <Field kind="text" id="avail-smtbf" class="num" testid="sim-mtbf" label={tr!("simulated MTBF", "模拟 MTBF")} min="" max="" step=""
                        value={format_duration(s.sim_mtbf)} onchange={on_smtbf} />
                    <label for="avail-smttr"><span>{ tr!("sim MTTR", "模拟 MTTR") }</span></label>
                    <Field kind="text" id="avail-smttr" class="num" testid="sim-mttr" label={tr!("simulated MTTR", "模拟 MTTR")} min="" max="" step=""
                        value={format_duration(s.sim_mttr)} onchange={on_smttr} />
                    <span class="muted hint">{ tr!("simulated seconds (elections take a fraction of one)", "模拟的秒数（一次选举只需其中一小部分）") }</span>
                </div>
            }
        </div>
    }
}
