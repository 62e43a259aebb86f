//! The nines calculator: the scenario's n, k, MTBF, MTTR and crews give an availability (with
//! every digit), its nines, the expected downtime per year, month and week and the mean time to
//! quorum loss; and the reverse question, what MTTR reaches a target number of nines.

use super::format;
use crate::widgets::field::{number_field, Field};
use halab_core::reliability::analytic::{component, k_of_n};
use halab_core::reliability::ctmc::BirthDeath;
use halab_core::reliability::nines::{downtime, nines, required_mttr, Downtime};
use halab_core::reliability::Avail;
use halab_core::scenario::avail::AvailScenario;
use yew::prelude::*;

/// Everything the calculator shows, worked out from a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Calc {
    pub n: u32,
    pub k: u32,
    pub crews: u32,
    /// With the scenario's crews (the binomial when there is one per node).
    pub availability: Avail,
    /// With a crew per node, for comparison when crews are fewer.
    pub independent: Avail,
    pub nines: f64,
    pub downtime: Downtime,
    /// Hours from all up to fewer than k up, on average.
    pub mttql_h: f64,
    pub target: f64,
    /// Longest MTTR (hours) meeting the target; `None` when even 1-second repairs fall short.
    pub required_mttr_h: Option<f64>,
}

impl Calc {
    pub fn new(s: &AvailScenario, target: f64) -> Calc {
        let (n, k, crews) = (s.n, s.k(), s.crews());
        let independent = k_of_n(n, k, component(s.mtbf_hours(), s.mttr_hours()));
        let chain = BirthDeath::new(n, s.mtbf_hours(), s.mttr_hours(), crews);
        // One crew per node: the exact binomial (the chain agrees to rounding).
        let availability = if crews >= n { independent } else { chain.at_least_up(k) };
        Calc {
            n,
            k,
            crews,
            availability,
            independent,
            nines: nines(availability),
            downtime: downtime(availability),
            mttql_h: chain.mean_time_to_quorum_loss(k),
            target,
            required_mttr_h: required_mttr(n, k, crews, s.mtbf_hours(), target),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct CalcProps {
    pub calc: Calc,
    pub on_target: Callback<f64>,
    pub on_bad: Callback<String>,
}

#[function_component(Calculator)]
pub fn calculator(p: &CalcProps) -> Html {
    let c = &p.calc;
    let a = c.availability;
    let crews = if c.crews >= c.n {
        "one repair crew per node".to_owned()
    } else {
        format!("{} repair crew{}", c.crews, if c.crews == 1 { "" } else { "s" })
    };
    let target_text = format::sig(c.target);
    let on_target =
        number_field(target_text.clone(), "Target nines", parse_nines, p.on_target.clone(), p.on_bad.clone());
    let required = match c.required_mttr_h {
        Some(h) if h >= 1e9 * 0.999 => html! { <b>{ "any MTTR (even 10⁹ hours) will do" }</b> },
        Some(h) => html! { <><b>{ format::hours(h) }</b>{ " or faster" }</> },
        None => html! { <b class="bad">{ "not reachable even with 1-second repairs" }</b> },
    };
    let compare = (c.crews < c.n).then(|| {
        html! {
            <p class="muted small">{ format!("With a crew per node it would be {} ({} nines): queued repairs cost {} nines.",
                format::availability(c.independent), format::nines(nines(c.independent)),
                format::nines(nines(c.independent) - c.nines)) }</p>
        }
    });
    html! {
        <div class="calc">
            <p class="calc-what">{ format!("At least {} of {} nodes up, {crews}:", c.k, c.n) }</p>
            <dl class="stats calc-stats">
                <div class="wide" title="steady-state probability that a quorum is up">
                    <dt>{ "availability" }</dt>
                    <dd data-testid="calc-availability" data-value={a.up.to_string()} data-down={a.down.to_string()}>
                        { format::availability(a) }
                    </dd>
                </div>
                <div title="unavailability: the fraction of time without a quorum">
                    <dt>{ "unavailability" }</dt><dd>{ format::unavailability(a) }</dd>
                </div>
                <div title="−log₁₀(unavailability)">
                    <dt>{ "nines" }</dt><dd data-testid="calc-nines" data-value={c.nines.to_string()}>{ format::nines(c.nines) }</dd>
                </div>
                <div><dt>{ "down per year" }</dt>
                    <dd data-testid="calc-downtime-year" data-value={c.downtime.per_year.to_string()}>{ format::downtime(c.downtime.per_year) }</dd></div>
                <div><dt>{ "per month" }</dt><dd data-testid="calc-downtime-month">{ format::downtime(c.downtime.per_month) }</dd></div>
                <div><dt>{ "per week" }</dt><dd data-testid="calc-downtime-week">{ format::downtime(c.downtime.per_week) }</dd></div>
                <div title="mean time from all nodes up until fewer than k are up">
                    <dt>{ "mean time to quorum loss" }</dt><dd data-testid="calc-mttql" data-value={c.mttql_h.to_string()}>{ format::hours(c.mttql_h) }</dd>
                </div>
            </dl>
            { for compare }
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
