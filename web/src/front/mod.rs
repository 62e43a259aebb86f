//! The front door (issue 15): the home page with the concept map, the guided path, the gallery
//! and the embedding guide. They hold no simulator: each links to, or frames, the playground
//! page that shows a scenario, so the front bundle stays small.

pub mod catalog;
pub mod embed_doc;
pub mod gallery;
pub mod home;
pub mod learn;
pub mod preview;

#[cfg(test)]
mod tests;

use crate::playground::page::PageProps;
use crate::Route;
use yew::prelude::*;

/// The front door's page for a route, or `None` for a playground's route.
pub fn page(route: &Route, page: PageProps) -> Option<Html> {
    Some(match route {
        Route::Home => html! { <home::Home /> },
        Route::Gallery => html! { <gallery::Gallery ..page /> },
        Route::Learn => html! { <learn::Learn /> },
        Route::Embed => html! { <embed_doc::EmbedDoc /> },
        _ => return None,
    })
}

/// The footer every front page ends with.
#[function_component(Footer)]
pub fn footer() -> Html {
    html! {
        <footer class="front-footer">
            <p class="muted">
                { tr!("Every scenario is a link that replays exactly, in any browser. ", "每个场景都是一个链接，在任何浏览器中都能精确重放。") }
                <a href="embed">{ tr!("Embed a live widget in your docs", "把实时演示嵌入你的文档") }</a>
                { tr!(" · ", " · ") }
                <a href="gallery">{ tr!("Browse the gallery", "浏览案例") }</a>
                { tr!(" · ", " · ") }
                <a href="learn">{ tr!("Follow the guided path", "跟随入门路线") }</a>
            </p>
        </footer>
    }
}
