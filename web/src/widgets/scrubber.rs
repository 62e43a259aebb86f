//! Time travel's controls under the picture: a slider over the run so far, one event back and
//! forward, and a way back to where the run had got.

use halab_core::protocol::Micros;
use yew::prelude::*;

pub struct ScrubberProps {
    /// The instant and step on screen.
    pub now: Micros,
    pub step: u64,
    /// How far the run has got.
    pub end: Micros,
    pub last: u64,
    pub in_past: bool,
    /// How long the last drag's landing took, in ms (for the benchmark, `data-landing-ms`).
    pub landing_ms: Option<f64>,
    pub on_time: Callback<Micros>,
    pub on_back: Callback<()>,
    pub on_forward: Callback<()>,
    pub on_live: Callback<()>,
}

pub fn scrubber(p: ScrubberProps) -> Html {
    let on_time = p.on_time.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        use wasm_bindgen::JsCast;
        let ms = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.value().parse::<u64>().ok());
        if let Some(ms) = ms {
            on_time.emit(ms * 1_000);
        }
    });
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    // Always there (disabled at the frontier): Yew matches unkeyed children from the end, so a
    // button that came and went would replace the slider under a dragging pointer.
    let live = html! {
        <button class="small" data-testid="scrub-live" onclick={click(&p.on_live)} disabled={!p.in_past}
            title={tr!("back to where the run had got", "回到运行已到达的位置")}>{ tr!("latest ▶▶", "最新 ▶▶") }</button>
    };
    html! {
        <div class={classes!("scrubber", p.in_past.then_some("past"))} data-testid="scrubber"
            data-now={p.now.to_string()} data-end={p.end.to_string()} data-step={p.step.to_string()}
            data-last={p.last.to_string()} data-past={p.in_past.to_string()}
            data-landing-ms={p.landing_ms.map(|ms| format!("{ms:.2}"))}>
            <button class="small" data-testid="scrub-back" onclick={click(&p.on_back)} disabled={p.step == 0}
                title={tr!("one event back", "后退一个事件")} aria-label={tr!("one event back", "后退一个事件")}>{ tr!("◀ event", "◀ 事件") }</button>
            <input type="range" min="0" max={(p.end / 1_000).to_string()} step="1" value={(p.now / 1_000).to_string()}
                aria-label={tr!("the run's time: drag to travel", "运行时间：拖动以穿越")} data-testid="scrub-range" {oninput} />
            <button class="small" data-testid="scrub-forward" onclick={click(&p.on_forward)}
                title={tr!("one event forward", "前进一个事件")} aria-label={tr!("one event forward", "前进一个事件")}>{ tr!("event ▶", "事件 ▶") }</button>
            { live }
            <span class="scrub-text">
                { { let (now, end, step, last) = (p.now as f64 / 1e6, p.end as f64 / 1e6, p.step, p.last);
                    trf!("{now:.3} s of {end:.3} s · event {step} of {last}", "{now:.3} 秒 / {end:.3} 秒 · 事件 {step} / {last}") } }
                { if p.in_past { html! { <span class="badge past">{ tr!(" in the past: play re-runs it; a fault forks it", " 过去的时刻：运行会重跑；注入故障会分叉") }</span> } } else { html! {} } }
            </span>
        </div>
    }
}
