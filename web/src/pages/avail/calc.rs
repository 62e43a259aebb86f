//! The nines calculator: the scenario's n, k, MTBF, MTTR (plus detection and failover), crews
//! and failure domains give an availability (with every digit, or its magnitude where it is
//! below f64's range), its nines, the expected downtime per year, month and week, how often the
//! quorum is lost and for how long, the mean time to quorum loss, the chance of a loss within a
//! mission time, and the chance that a window breaches the SLA (from the Monte Carlo); and the
//! reverse question, what MTTR reaches a target number of nines.

use super::format;
use crate::widgets::field::{number_field, Field};
use halab_core::reliability::analytic::{component, k_of_n};
use halab_core::reliability::ctmc::BirthDeath;
use halab_core::reliability::monte_carlo::Estimate;
use halab_core::reliability::nines::{downtime, nines, required_mttr, Downtime};
use halab_core::reliability::outages::{self, Outages};
use halab_core::reliability::Avail;
use halab_core::scenario::avail::{format_percent, format_time, AvailScenario};
use yew::prelude::*;

/// Everything the calculator shows, worked out from a scenario. Built once per change (the
/// mission probability squares a matrix), not per render.
#[derive(Clone, Debug, PartialEq)]
pub struct Calc {
    pub n: u32,
    pub k: u32,
    pub crews: u32,
    /// Failure domains, 0 for none.
    pub domains: u32,
    /// With the scenario's crews (the binomial when there is one per node), or with its failure
    /// domains (then with a crew per node).
    pub availability: Avail,
    /// With a crew per node and no domains, for comparison.
    pub independent: Avail,
    pub nines: f64,
    pub downtime: Downtime,
    pub outages: Outages,
    /// ln(hours) from all up to fewer than k up, on average (the chain: no domains).
    pub ln_mttql_h: Option<f64>,
    pub mission_h: f64,
    /// ln P(at least one quorum loss within the mission), from all up (the chain: no domains).
    pub ln_mission_loss: Option<f64>,
    /// Detection and failover, seconds.
    pub detect_s: u64,
    pub target: f64,
    /// Longest MTTR (hours, detection included) meeting the target; `None` when even 1-second
    /// repairs fall short.
    pub required_mttr_h: Option<f64>,
}

impl Calc {
    pub fn new(s: &AvailScenario, target: f64) -> Calc {
        let (n, k, crews) = (s.n, s.k(), s.crews());
        let (mtbf, mttr) = (s.mtbf_hours(), s.repair_hours());
        let independent = k_of_n(n, k, component(mtbf, mttr));
        let chain = BirthDeath::new(n, mtbf, mttr, crews);
        let (availability, outages, ln_mttql_h, ln_mission_loss) = match s.failure_domains() {
            Some(d) => {
                let (a, o) = outages::with_domains(n, k, mtbf, mttr, d);
                (a, o, None, None)
            }
            None => {
                // One crew per node: the exact binomial (the chain agrees to rounding).
                let a = if crews >= n { independent } else { chain.at_least_up(k) };
                let o = outages::chain(&chain, k);
                let loss = chain.ln_loss_within(k, s.mission_hours());
                (a, o, Some(chain.ln_mean_time_to_quorum_loss(k)), Some(loss))
            }
        };
        Calc {
            n,
            k,
            crews,
            domains: s.domains,
            availability,
            independent,
            nines: nines(availability),
            downtime: downtime(availability),
            outages,
            ln_mttql_h,
            mission_h: s.mission_hours(),
            ln_mission_loss,
            detect_s: s.detect,
            target,
            required_mttr_h: required_mttr(n, k, crews, mtbf, target),
        }
    }
}

/// The SLA line: the Monte Carlo's windows that breached the target, with exact Poisson bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct Sla {
    pub ppm: u32,
    /// The window, seconds.
    pub window: u64,
    pub estimate: Estimate,
}

#[derive(Properties, PartialEq)]
pub struct CalcProps {
    pub calc: Calc,
    pub sla: Sla,
    pub on_target: Callback<f64>,
    pub on_mission: Callback<u64>,
    pub on_sla: Callback<u32>,
    pub on_bad: Callback<String>,
}

fn sla_text(sla: &Sla) -> (String, Option<String>) {
    let e = &sla.estimate;
    match e.breach() {
        None => (tr!("… (Monte Carlo still running)", "…（蒙特卡洛仍在运行）").into(), None),
        Some((p, _, hi)) if e.breaches == 0 => {
            let (windows, bound) = (format::thousands(e.trials), format::sig(hi));
            (
                trf!(
                    "none in {windows} windows: below {bound} (95% bound)",
                    "{windows} 个窗口中没有一个违反：低于 {bound}（95% 界）"
                ),
                Some(p.to_string()),
            )
        }
        Some((p, lo, hi)) => {
            let (chance, breaches, windows) =
                (format::sig(p), format::thousands(e.breaches), format::thousands(e.trials));
            let (lo_text, hi_text) = (format::sig(lo), format::sig(hi));
            (
                trf!(
                    "{chance} ({breaches} of {windows} windows; 95%: {lo_text}–{hi_text})",
                    "{chance}（{windows} 个窗口中有 {breaches} 个；95%：{lo_text}–{hi_text}）"
                ),
                Some(p.to_string()),
            )
        }
    }
}

pub fn calculator(p: &CalcProps) -> Html {
    let c = &p.calc;
    let a = c.availability;
    let crews = if c.domains > 0 {
        let d = c.domains;
        trf!("a crew per node, {d} failure domains", "每个节点一个修复组，{d} 个故障域")
    } else if c.crews >= c.n {
        tr!("one repair crew per node", "每个节点一个修复组").to_owned()
    } else {
        let (r, s) = (c.crews, if c.crews == 1 { "" } else { "s" });
        trf!("{r} repair crew{s}", "{r} 个修复组")
    };
    let target_text = format::sig(c.target);
    let on_target = number_field(
        target_text.clone(),
        tr!("Target nines", "目标几个九"),
        parse_nines,
        p.on_target.clone(),
        p.on_bad.clone(),
    );
    let mission_text = format_time((c.mission_h * 3600.0).round() as u64);
    let on_mission = number_field(
        mission_text.clone(),
        tr!("Mission time", "任务时长"),
        super::controls::time,
        p.on_mission.clone(),
        p.on_bad.clone(),
    );
    let sla_value = format_percent(p.sla.ppm);
    let on_sla = number_field(
        sla_value.clone(),
        "SLA",
        |s| halab_core::scenario::avail::parse_percent(s).map_err(|e| crate::i18n::zh_core::msg(&e)),
        p.on_sla.clone(),
        p.on_bad.clone(),
    );
    let required = match c.required_mttr_h {
        _ if c.domains > 0 => {
            html! { <b>{ tr!("(not computed with failure domains)", "（有故障域时不计算）") }</b> }
        }
        Some(h) if c.detect_s > 0 && h * 3600.0 <= c.detect_s as f64 => html! {
            <b class="bad">{ tr!("not reachable: detection and failover alone take longer", "无法达到：仅检测和故障转移就已超出") }</b>
        },
        Some(h) if c.detect_s > 0 && h < 1e9 * 0.999 => html! {
            <><b>{ format::hours(h - c.detect_s as f64 / 3600.0) }</b>{ tr!(" or faster, plus detection and failover", " 或更短，另加检测和故障转移") }</>
        },
        Some(h) if h >= 1e9 * 0.999 => {
            html! { <b>{ tr!("any MTTR (even 10⁹ hours) will do", "任何 MTTR 都可以（即使 10⁹ 小时）") }</b> }
        }
        Some(h) => html! { <><b>{ format::hours(h) }</b>{ tr!(" or faster", " 或更短") }</> },
        None => {
            html! { <b class="bad">{ tr!("not reachable even with 1-second repairs", "即使 1 秒完成修复也无法达到") }</b> }
        }
    };
    let compare = (c.crews < c.n || c.domains > 0).then(|| {
        let why = if c.domains > 0 {
            tr!("failure domains cost", "故障域使可用性少了")
        } else {
            tr!("queued repairs cost", "修复排队使可用性少了")
        };
        let (value, n) = (format::availability(c.independent), format::nines(nines(c.independent)));
        let lost = format::nines(nines(c.independent) - c.nines);
        html! {
            <p class="muted small">{ trf!("With a crew per node and no domains it would be {value} ({n} nines): {why} {lost} nines.",
                "若每个节点一个修复组且没有故障域，可用性将是 {value}（{n} 个九）：{why} {lost} 个九。") }</p>
        }
    });
    let detect = (c.detect_s > 0).then(|| {
        let t = format_time(c.detect_s);
        html! { <p class="muted small">{ trf!("Each repair includes {t} of detection and failover.", "每次修复都包含 {t} 的检测和故障转移。") }</p> }
    });
    let chain_only = tr!("not with failure domains", "有故障域时不适用");
    let (mttql, mttql_value) = match c.ln_mttql_h {
        Some(l) => (format::hours_ln(l), Some(l.to_string())),
        None => (chain_only.to_owned(), None),
    };
    let (mission, mission_value) = match c.ln_mission_loss {
        Some(l) => (format::probability_ln(l), Some(l.to_string())),
        None => (chain_only.to_owned(), None),
    };
    let (sla, sla_data) = sla_text(&p.sla);
    html! {
        <div class="calc">
            <p class="calc-what">{ { let (k, n) = (c.k, c.n); trf!("At least {k} of {n} nodes up, {crews}:", "{n} 个节点中至少 {k} 个在线，{crews}：") } }</p>
            <dl class="stats calc-stats">
                <div class="wide" title={tr!("steady-state probability that a quorum is up", "法定人数在线的稳态概率")}>
                    <dt>{ tr!("availability", "可用性") }</dt>
                    <dd data-testid="calc-availability" data-value={a.up.to_string()} data-down={a.down.to_string()}
                        data-ln-down={a.ln_down.to_string()}>
                        { format::availability(a) }
                    </dd>
                </div>
                <div title={tr!("unavailability: the fraction of time without a quorum", "不可用性：没有法定人数的时间比例")}>
                    <dt>{ tr!("unavailability", "不可用性") }</dt><dd data-testid="calc-unavailability">{ format::unavailability(a) }</dd>
                </div>
                <div title={tr!("−log₁₀(unavailability)", "−log₁₀(不可用性)")}>
                    <dt>{ tr!("nines", "几个九") }</dt><dd data-testid="calc-nines" data-value={c.nines.to_string()}>{ format::nines(c.nines) }</dd>
                </div>
                <div><dt>{ tr!("down per year", "每年停机") }</dt>
                    <dd data-testid="calc-downtime-year" data-value={c.downtime.per_year.to_string()}>{ format::downtime_ln(c.downtime.ln_per_year) }</dd></div>
                <div><dt>{ tr!("per month", "每月") }</dt><dd data-testid="calc-downtime-month">{ format::downtime_ln(c.downtime.ln_per_month) }</dd></div>
                <div><dt>{ tr!("per week", "每周") }</dt><dd data-testid="calc-downtime-week">{ format::downtime_ln(c.downtime.ln_per_week) }</dd></div>
                <div title={tr!("how often the quorum is lost, in steady state", "稳态下法定人数丢失的频率")}>
                    <dt>{ tr!("quorum losses", "法定人数丢失") }</dt>
                    <dd data-testid="calc-outages-year" data-value={c.outages.ln_per_year().to_string()}>{ format::per_year_ln(c.outages.ln_per_year()) }</dd>
                </div>
                <div title={tr!("mean length of an outage: unavailability / frequency of loss", "一次中断的平均时长：不可用性 / 丢失频率")}>
                    <dt>{ tr!("mean outage", "平均中断时长") }</dt>
                    <dd data-testid="calc-outage-length" data-value={c.outages.ln_mean_hours.to_string()}>{ format::hours_ln(c.outages.ln_mean_hours) }</dd>
                </div>
                <div title={tr!("mean time from all nodes up until fewer than k are up", "从全部节点在线到在线节点少于 k 个的平均时间")}>
                    <dt>{ tr!("mean time to quorum loss", "法定人数丢失前的平均时间") }</dt><dd data-testid="calc-mttql" data-value={mttql_value}>{ mttql }</dd>
                </div>
            </dl>
            { for compare }
            { for detect }
            <div class="row reverse">
                <span>{ tr!("Chance of a quorum loss within", "从全部在线起，") }</span>
                <Field kind="text" id="avail-mission" class="num" testid="mission" label={tr!("mission time", "任务时长")} min="" max=""
                    step="" value={mission_text} onchange={on_mission} />
                <span>{ tr!("from all up: ", "内丢失法定人数的概率：") }</span>
                <b data-testid="calc-mission-loss" data-value={mission_value}>{ mission }</b>
            </div>
            <div class="row reverse">
                <span>{ tr!("Chance a", "一个") }</span>
                <span>{ { let w = format_time(p.sla.window); trf!("{w} window", "{w} 的窗口") } }</span>
                <span>{ tr!("breaches an SLA of", "违反 SLA") }</span>
                <Field kind="text" id="avail-sla" class="num" testid="sla" label={tr!("SLA availability target, percent", "SLA 可用性目标（百分比）")} min="" max=""
                    step="" value={sla_value} onchange={on_sla} />
                <span>{ tr!("%: ", "% 的概率：") }</span>
                <b data-testid="calc-sla-breach" data-value={sla_data}>{ sla }</b>
            </div>
            <div class="row reverse">
                <label for="avail-target"><span class="name">{ tr!("Target", "目标") }</span></label>
                <Field kind="number" id="avail-target" class="num" testid="target-nines" label={tr!("target nines", "目标几个九")} min="0.1" max="15"
                    step="0.5" value={target_text} onchange={on_target} />
                <span>{ tr!("nines needs an MTTR of ", "个九需要的 MTTR：") }</span>
                <span data-testid="required-mttr" data-value={c.required_mttr_h.map(|h| h.to_string())}>{ required }</span>
            </div>
        </div>
    }
}

fn parse_nines(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 15.0 => Ok(v),
        _ => {
            let got = halab_core::scenario::units::shorten(s);
            Err(trf!(
                "expected a number above 0 and at most 15, got \u{201c}{got}\u{201d}",
                "需要一个大于 0 且不超过 15 的数，实际为 \u{201c}{got}\u{201d}"
            ))
        }
    }
}
