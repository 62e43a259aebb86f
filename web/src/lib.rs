//! HA Lab browser playground (placeholder: the real app replaces this).

use yew::prelude::*;

/// Root component.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <main>
            <h1>{ "HA Lab" }</h1>
        </main>
    }
}
