//! The guided path's card on a playground page (`learn=<step>`): the step's prompt and goal,
//! ticked when the run reaches it, and the way on.

use crate::learn::{next, Step, STEPS};
use yew::prelude::*;

/// The card, or nothing when this run is not a step. Not generic, so every protocol's page
/// shares one copy.
pub fn card(step: Option<&'static Step>, reached: bool) -> Html {
    let Some(step) = step else { return Html::default() };
    let n = STEPS.iter().position(|s| s.id == step.id).map_or(0, |i| i + 1);
    let total = STEPS.len();
    let after = if reached {
        match next(step.id) {
            Some(s) => {
                let title = s.title.get();
                html! {
                    <p class="reached" role="status" data-testid="goal-reached">{ tr!("✓ Goal reached. ", "✓ 目标达成。") }
                        <a class="button primary" href={s.href()} data-testid="next-step">{ trf!("Next: {title} →", "下一步：{title} →") }</a></p>
                }
            }
            None => html! {
                <p class="reached" role="status" data-testid="goal-reached">{ tr!("✓ Goal reached: that was the last step. ", "✓ 目标达成：这是最后一步。") }
                    <a href="gallery">{ tr!("The gallery has more.", "案例库里还有更多。") }</a></p>
            },
        }
    } else {
        Html::default()
    };
    html! {
        <section class={classes!("card", "guide", reached.then_some("reached"))} data-testid="guide" data-reached={reached.to_string()}
            aria-label={tr!("Guided path", "入门路线")}>
            <p class="muted step-no">{ trf!("Guided path · step {n} of {total} · ", "入门路线 · 第 {n} / {total} 步 · ") }
                <a href="learn">{ tr!("all steps", "全部步骤") }</a></p>
            <h2>{ step.title.get() }</h2>
            <p>{ step.prompt.get() }</p>
            <p class="goal" data-testid="goal"><span aria-hidden="true">{ if reached { "☑ " } else { "☐ " } }</span>
                <strong>{ tr!("Goal: ", "目标：") }</strong>{ step.goal_text.get() }</p>
            { after }
        </section>
    }
}
