//! HA Lab in the browser: a Yew app that runs the deterministic core (`halab-core`) in the page.
//!
//! Layout: [`pages`] holds one page per protocol (each owns its `Sim` and turns it into view
//! data), [`widgets`] the protocol-neutral pieces they draw with, [`url`] the address-bar glue
//! (the URL *is* the scenario), [`anim`] the animation-frame loop, [`panic`] the last-resort
//! error banner.

pub mod anim;
pub mod pages;
pub mod panic;
pub mod url;
pub mod widgets;

use yew::prelude::*;

/// Which page a path shows. Routing looks at the last path segment only, so the site works
/// from any base path (`/raft`, `/halab/raft`, `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Raft,
    NotFound(String),
}

impl Route {
    pub fn from_path(path: &str) -> Route {
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        match last {
            "" | "raft" | "index.html" => Route::Raft,
            other => Route::NotFound(halab_core::scenario::units::shorten(other)),
        }
    }
}

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// Path and query to show (`/raft?n=7`); the browser's own location when absent. Tests use it.
    #[prop_or_default]
    pub location: Option<AttrValue>,
}

/// Root component: picks the page from the path and hands it the query.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let location = props.location.as_ref().map_or_else(url::current_location, |l| l.to_string());
    let (path, query) = location.split_once('?').unwrap_or((&location, ""));
    match Route::from_path(path) {
        Route::Raft => {
            html! { <pages::raft::RaftPage query={AttrValue::from(query.to_owned())} /> }
        }
        Route::NotFound(name) => html! {
            <main class="app">
                <header class="top"><h1>{ "HA Lab" }</h1></header>
                <div class="banner error" data-testid="error-banner" role="alert">
                    { format!("There is no page called \u{201c}{name}\u{201d} here. ") }
                    <a href="raft">{ "Open the Raft playground" }</a>
                </div>
            </main>
        },
    }
}

#[cfg(test)]
mod tests {
    use super::Route;

    #[test]
    fn routes_by_last_segment() {
        assert_eq!(Route::from_path("/"), Route::Raft);
        assert_eq!(Route::from_path("/raft"), Route::Raft);
        assert_eq!(Route::from_path("/halab/raft/"), Route::Raft);
        assert_eq!(Route::from_path("/index.html"), Route::Raft);
        assert_eq!(Route::from_path("/paxos"), Route::NotFound("paxos".into()));
    }
}
