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
        None => ("… (Monte Carlo still running)".into(), None),
        Some((p, _, hi)) if e.breaches == 0 => (
            format!("none in {} windows: below {} (95% bound)", format::thousands(e.trials), format::sig(hi)),
            Some(p.to_string()),
        ),
        Some((p, lo, hi)) => (
            format!(
                "{} ({} of {} windows; 95%: {}–{})",
                format::sig(p),
                format::thousands(e.breaches),
                format::thousands(e.trials),
                format::sig(lo),
                format::sig(hi)
            ),
            Some(p.to_string()),
        ),
    }
}

pub fn calculator(p: &CalcProps) -> Html {
    let c = &p.calc;
    let a = c.availability;
    let crews = if c.domains > 0 {
        format!("a crew per node, {} failure domains", c.domains)
    } else if c.crews >= c.n {
        "one repair crew per node".to_owned()
    } else {
        format!("{} repair crew{}", c.crews, if c.crews == 1 { "" } else { "s" })
    };
    let target_text = format::sig(c.target);
    let on_target =
        number_field(target_text.clone(), "Target nines", parse_nines, p.on_target.clone(), p.on_bad.clone());
    let mission_text = format_time((c.mission_h * 3600.0).round() as u64);
    let on_mission = number_field(
        mission_text.clone(),
        "Mission time",
        super::controls::time,
        p.on_mission.clone(),
        p.on_bad.clone(),
    );
    let sla_value = format_percent(p.sla.ppm);
    let on_sla = number_field(
        sla_value.clone(),
        "SLA",
        halab_core::scenario::avail::parse_percent,
        p.on_sla.clone(),
        p.on_bad.clone(),
    );
    let required = match c.required_mttr_h {
        _ if c.domains > 0 => html! { <b>{ "(not computed with failure domains)" }</b> },
        Some(h) if c.detect_s > 0 && h * 3600.0 <= c.detect_s as f64 => {
            html! { <b class="bad">{ "not reachable: detection and failover alone take longer" }</b> }
        }
        Some(h) if c.detect_s > 0 && h < 1e9 * 0.999 => {
            html! { <><b>{ format::hours(h - c.detect_s as f64 / 3600.0) }</b>{ " or faster, plus detection and failover" }</> }
        }
        Some(h) if h >= 1e9 * 0.999 => html! { <b>{ "any MTTR (even 10⁹ hours) will do" }</b> },
        Some(h) => html! { <><b>{ format::hours(h) }</b>{ " or faster" }</> },
        None => html! { <b class="bad">{ "not reachable even with 1-second repairs" }</b> },
    };
    let compare = (c.crews < c.n || c.domains > 0).then(|| {
        let why = if c.domains > 0 { "failure domains cost" } else { "queued repairs cost" };
        html! {
            <p class="muted small">{ format!("With a crew per node and no domains it would be {} ({} nines): {why} {} nines.",
                format::availability(c.independent), format::nines(nines(c.independent)),
                format::nines(nines(c.independent) - c.nines)) }</p>
        }
    });
    let detect = (c.detect_s > 0).then(|| {
        html! { <p class="muted small">{ format!("Each repair includes {} of detection and failover.", format_time(c.detect_s)) }</p> }
    });
    let chain_only = "not with failure domains";
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
            <p class="calc-what">{ format!("At least {} of {} nodes up, {crews}:", c.k, c.n) }</p>
            <dl class="stats calc-stats">
                <div class="wide" title="steady-state probability that a quorum is up">
                    <dt>{ "availability" }</dt>
                    <dd data-testid="calc-availability" data-value={a.up.to_string()} data-down={a.down.to_string()}
                        data-ln-down={a.ln_down.to_string()}>
                        { format::availability(a) }
                    </dd>
                </div>
                <div title="unavailability: the fraction of time without a quorum">
                    <dt>{ "unavailability" }</dt><dd data-testid="calc-unavailability">{ format::unavailability(a) }</dd>
                </div>
                <div title="−log₁₀(unavailability)">
                    <dt>{ "nines" }</dt><dd data-testid="calc-nines" data-value={c.nines.to_string()}>{ format::nines(c.nines) }</dd>
                </div>
                <div><dt>{ "down per year" }</dt>
                    <dd data-testid="calc-downtime-year" data-value={c.downtime.per_year.to_string()}>{ format::downtime_ln(c.downtime.ln_per_year) }</dd></div>
                <div><dt>{ "per month" }</dt><dd data-testid="calc-downtime-month">{ format::downtime_ln(c.downtime.ln_per_month) }</dd></div>
                <div><dt>{ "per week" }</dt><dd data-testid="calc-downtime-week">{ format::downtime_ln(c.downtime.ln_per_week) }</dd></div>
                <div title="how often the quorum is lost, in steady state">
                    <dt>{ "quorum losses" }</dt>
                    <dd data-testid="calc-outages-year" data-value={c.outages.ln_per_year().to_string()}>{ format::per_year_ln(c.outages.ln_per_year()) }</dd>
                </div>
                <div title="mean length of an outage: unavailability / frequency of loss">
                    <dt>{ "mean outage" }</dt>
                    <dd data-testid="calc-outage-length" data-value={c.outages.ln_mean_hours.to_string()}>{ format::hours_ln(c.outages.ln_mean_hours) }</dd>
                </div>
                <div title="mean time from all nodes up until fewer than k are up">
                    <dt>{ "mean time to quorum loss" }</dt><dd data-testid="calc-mttql" data-value={mttql_value}>{ mttql }</dd>
                </div>
            </dl>
            { for compare }
            { for detect }
            <div class="row reverse">
                <span>{ "Chance of a quorum loss within" }</span>
                <Field kind="text" id="avail-mission" class="num" testid="mission" label="mission time" min="" max=""
                    step="" value={mission_text} onchange={on_mission} />
                <span>{ "from all up: " }</span>
                <b data-testid="calc-mission-loss" data-value={mission_value}>{ mission }</b>
            </div>
            <div class="row reverse">
                <span>{ "Chance a" }</span>
                <span>{ format!("{} window", format_time(p.sla.window)) }</span>
                <span>{ "breaches an SLA of" }</span>
                <Field kind="text" id="avail-sla" class="num" testid="sla" label="SLA availability target, percent" min="" max=""
                    step="" value={sla_value} onchange={on_sla} />
                <span>{ "%: " }</span>
                <b data-testid="calc-sla-breach" data-value={sla_data}>{ sla }</b>
            </div>
            <div class="row reverse">
                <label for="avail-target"><span class="name">{ "Target" }</span></label>
                <Field kind="number" id="avail-target" class="num" testid="target-nines" label="target nines" min="0.1" max="15"
                    step="0.5" value={target_text} onchange={on_target} />
                <span>{ "nines needs an MTTR of " }</span>
                <span data-testid="required-mttr" data-value={c.required_mttr_h.map(|h| h.to_string())}>{ required }</span>
            </div>
        </div>
    }
}

fn parse_nines(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 15.0 => Ok(v),
        _ => Err(format!(
            "expected a number above 0 and at most 15, got \u{201c}{}\u{201d}",
            halab_core::scenario::units::shorten(s)
        )),
    }
}
