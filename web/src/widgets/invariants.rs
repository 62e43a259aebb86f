//! The invariant verdict: green while every invariant holds, red with the broken one, the step
//! that broke it and the events that led there. An invariant that rests on assumptions (the lock's
//! "at most one holder" needs unpaused clients and bounded clock drift) can be *not judged* once
//! they broke: it is then shown apart, in amber, with the reason, neither green nor red.

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

/// An invariant the checker has stopped judging, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Unjudged {
    pub invariant: &'static str,
    /// Why, in words: `client 1 was paused — 2 overlaps seen`.
    pub why: String,
}

#[derive(Properties, PartialEq)]
pub struct InvariantProps {
    /// The invariants checked after every step.
    pub names: Vec<&'static str>,
    pub steps: u64,
    pub violation: Option<ViolationView>,
    /// Invariants not judged now (their assumptions broke).
    #[prop_or_default]
    pub unjudged: Vec<Unjudged>,
    /// A one-line badge (embed mode) instead of the full panel.
    #[prop_or_default]
    pub compact: bool,
    /// What the page adds under the verdict (e.g. why a red verdict is the protocol's own
    /// limit rather than a bug); not shown in the compact badge.
    #[prop_or_default]
    pub children: Html,
}

fn unjudged_line(u: &Unjudged) -> Html {
    html! {
        <p class="unjudged" data-testid="unjudged" data-invariant={u.invariant}>
            <span class="glyph" aria-hidden="true">{ "◌ " }</span><b>{ shown(u.invariant) }</b>
            { tr!(" — not judged: ", " — 暂不判定：") }{ &u.why }
        </p>
    }
}

/// An invariant's name as the reader sees it; the core's English name stays the key
/// (`data-unjudged`, [`Unjudged::invariant`]).
fn shown(name: &str) -> &str {
    crate::i18n::zh_core::chinese(name)
        .filter(|_| crate::i18n::lang() == crate::i18n::Lang::Zh)
        .unwrap_or(name)
}

fn violated(name: &str) -> String {
    let name = shown(name);
    trf!("✗ {name} violated", "✗ {name} 被违反")
}

#[function_component(Invariants)]
pub fn invariants(p: &InvariantProps) -> Html {
    let ok = p.violation.is_none();
    let partial = !p.unjudged.is_empty();
    let class = classes!(
        "invariants",
        if ok { "ok" } else { "bad" },
        partial.then_some("partial"),
        p.compact.then_some("compact")
    );
    let data_ok = if ok { "true" } else { "false" };
    let skipped = |name: &&str| p.unjudged.iter().any(|u| u.invariant == *name);
    let judged: Vec<&str> = p.names.iter().filter(|n| !skipped(n)).copied().collect();
    let n = judged.len();
    let unjudged_names: Vec<&str> = p.unjudged.iter().map(|u| u.invariant).collect();
    let data_unjudged = unjudged_names.join(", ");
    let skipped_n = p.unjudged.len();
    let holds = match (n, partial) {
        (_, false) => trf!("✓ {n} invariants hold", "✓ {n} 条不变式成立"),
        (1, true) => {
            trf!("✓ 1 invariant holds, {skipped_n} not judged", "✓ 1 条不变式成立，{skipped_n} 条暂不判定")
        }
        (_, true) => trf!(
            "✓ {n} invariants hold, {skipped_n} not judged",
            "✓ {n} 条不变式成立，{skipped_n} 条暂不判定"
        ),
    };
    if p.compact {
        let text = match &p.violation {
            None => holds,
            Some(v) => violated(&v.invariant),
        };
        let mut title: Vec<String> = p.violation.iter().map(|v| v.detail.clone()).collect();
        title.extend(p.unjudged.iter().map(|u| {
            let (name, why) = (shown(u.invariant), &u.why);
            trf!("{name} — not judged: {why}", "{name} — 暂不判定：{why}")
        }));
        let title = (!title.is_empty()).then(|| title.join("\n"));
        return html! {
            <div class={class} data-testid="invariants" data-ok={data_ok} data-unjudged={data_unjudged}
                role="status" title={title}>{ text }</div>
        };
    }
    let unjudged = p.unjudged.iter().map(unjudged_line);
    match &p.violation {
        None => html! {
            <section class={class} data-testid="invariants" data-ok={data_ok} data-unjudged={data_unjudged} role="status">
                <h2>{ holds }</h2>
                <p class="muted">{ { let (steps, names) = (p.steps, judged.iter().map(|n| shown(n)).collect::<Vec<_>>().join(tr!(", ", "、"))); trf!("checked after each of {steps} steps: {names}", "在全部 {steps} 步的每一步之后检查：{names}") } }</p>
                { for unjudged }
                { p.children.clone() }
            </section>
        },
        Some(v) => html! {
            <section class={class} data-testid="invariants" data-ok={data_ok} data-unjudged={data_unjudged} role="alert">
                <h2>{ violated(&v.invariant) }</h2>
                <p class="detail">{ &v.detail }</p>
                <p class="muted">{ { let (step, time) = (v.step, &v.time); trf!("at step {step}, t = {time}; the run stopped there. Change a setting or pick a new seed to run again.", "发生在第 {step} 步，t = {time}；运行在此停止。修改设置或换一个种子可重新运行。") } }</p>
                { p.children.clone() }
                { for unjudged }
                <details>
                    <summary>{ { let k = v.recent.len(); trf!("the {k} events before it", "此前的 {k} 个事件") } }</summary>
                    <ol class="events">{ for v.recent.iter().map(|e| html! { <li>{ e }</li> }) }</ol>
                </details>
            </section>
        },
    }
}
