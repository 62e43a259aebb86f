//! The error banner every page shows above its content: problems with the link it was opened
//! with, and requests it refused. Tests find it by `data-testid="error-banner"`.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    /// One paragraph each; nothing is drawn when empty.
    pub errors: Vec<String>,
    pub on_dismiss: Callback<()>,
}

#[function_component(ErrorBanner)]
pub fn error_banner(p: &ErrorBannerProps) -> Html {
    if p.errors.is_empty() {
        return html! {};
    }
    html! {
        <div class="banner error" data-testid="error-banner" role="alert">
            <div>{ for p.errors.iter().map(|e| html! { <p>{ e }</p> }) }</div>
            <button class="link-button" aria-label={tr!("dismiss", "关闭")} onclick={p.on_dismiss.reform(|_: MouseEvent| ())}>{ "✕" }</button>
        </div>
    }
}
