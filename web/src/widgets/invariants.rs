//! The invariant verdict: green while every invariant holds, red with the broken one, the step
//! that broke it and the events that led there.

use yew::prelude::*;

/// A violation, formatted for display.
#[derive(Clone, Debug, PartialEq)]
pub struct ViolationView {
    pub invariant: String,
    pub detail: String,
    pub step: u64,
    pub time: String,
    /// The last events before it, oldest first.
    pub recent: Vec<String>,
}

#[derive(Properties, PartialEq)]
pub struct InvariantProps {
    /// The invariants checked after every step.
    pub names: Vec<&'static str>,
    pub steps: u64,
    pub violation: Option<ViolationView>,
    /// A one-line badge (embed mode) instead of the full panel.
    #[prop_or_default]
    pub compact: bool,
}

#[function_component(Invariants)]
pub fn invariants(p: &InvariantProps) -> Html {
    let ok = p.violation.is_none();
    let class = classes!("invariants", if ok { "ok" } else { "bad" }, p.compact.then_some("compact"));
    let data_ok = if ok { "true" } else { "false" };
    let n = p.names.len();
    if p.compact {
        let text = match &p.violation {
            None => format!("✓ {n} invariants hold"),
            Some(v) => format!("✗ {} violated", v.invariant),
        };
        let title = p.violation.as_ref().map(|v| v.detail.clone());
        return html! {
            <div class={class} data-testid="invariants" data-ok={data_ok} role="status" title={title}>{ text }</div>
        };
    }
    match &p.violation {
        None => html! {
            <section class={class} data-testid="invariants" data-ok={data_ok} role="status">
                <h2>{ format!("✓ {n} invariants hold") }</h2>
                <p class="muted">{ format!("checked after each of {} steps: {}", p.steps, p.names.join(", ")) }</p>
            </section>
        },
        Some(v) => html! {
            <section class={class} data-testid="invariants" data-ok={data_ok} role="alert">
                <h2>{ format!("✗ {} violated", v.invariant) }</h2>
                <p class="detail">{ &v.detail }</p>
                <p class="muted">{ format!("at step {}, t = {}; the run stopped there. Change a setting or pick a new seed to run again.", v.step, v.time) }</p>
                <details>
                    <summary>{ format!("the {} events before it", v.recent.len()) }</summary>
                    <ol class="events">{ for v.recent.iter().map(|e| html! { <li>{ e }</li> }) }</ol>
                </details>
            </section>
        },
    }
}
