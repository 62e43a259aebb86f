//! `/learn`: the guided path's contents, with the steps done ticked (from `localStorage`) and a
//! link into each step. The steps and their goals are `crate::learn`; the goal is checked on
//! the step's own page.

use super::Footer;
use crate::learn::{load_progress, reset_progress, STEPS};
use crate::playground::page::{page_name, Header};
use yew::prelude::*;

#[function_component(Learn)]
pub fn learn() -> Html {
    let done = use_state(load_progress);
    let total = STEPS.len();
    let count = done.len();
    let next = STEPS.iter().find(|s| !done.contains(&s.id));
    let reset = {
        let done = done.clone();
        Callback::from(move |_: MouseEvent| {
            reset_progress();
            done.set(Vec::new());
        })
    };
    let steps = STEPS.iter().enumerate().map(|(i, s)| {
        let is_done = done.contains(&s.id);
        let n = i + 1;
        let page = page_name(s.source.page());
        html! {
            <li class={classes!("step", is_done.then_some("done"))} data-testid={format!("step-{}", s.id)} data-done={is_done.to_string()}>
                <span class="mark" aria-hidden="true">{ if is_done { "✓".to_string() } else { n.to_string() } }</span>
                <div>
                    <h3><a href={s.href()}>{ s.title.get() }</a>
                        <span class="muted">{ trf!(" · step {n}, on the {page} page", " · 第 {n} 步，{page} 页面") }</span>
                        if is_done { <span class="sr-only">{ tr!(" (done)", "（已完成）") }</span> }</h3>
                    <p>{ s.prompt.get() }</p>
                    <p class="goal"><strong>{ tr!("Goal: ", "目标：") }</strong>{ s.goal_text.get() }</p>
                </div>
            </li>
        }
    });
    html! {
        <main class="app front learn">
            <Header current={Some("learn")}>
                <p class="lede">{ tr!(
                    "From one server failing to why consensus exists, in eleven steps. Each step opens a live scenario with a goal; the page notices when you reach it.",
                    "从一台服务器故障到为什么需要共识，共十一步。每一步打开一个带目标的实时场景；达成目标时页面会自动察觉。") }</p>
            </Header>
            <section class="card progress-card">
                <p data-testid="learn-progress">
                    <progress max={total.to_string()} value={count.to_string()} aria-label={tr!("steps done", "已完成步骤")}></progress>
                    { trf!(" {count} of {total} steps done", " 已完成 {count} / {total} 步") }
                </p>
                <p>
                    { match next {
                        Some(s) => html! { <a class="button primary" href={s.href()} data-testid="learn-next">
                            { if count == 0 { tr!("Start: ", "开始：") } else { tr!("Continue: ", "继续：") } }{ s.title.get() }</a> },
                        None => html! { <strong>{ tr!("Every step done. The gallery has more.", "全部完成！案例库里还有更多。") }</strong> },
                    } }
                    if count > 0 { <button type="button" onclick={reset} data-testid="learn-reset">{ tr!("Start over", "重新开始") }</button> }
                </p>
            </section>
            <ol class="steps" data-testid="learn-steps">{ for steps }</ol>
            <Footer />
        </main>
    }
}
