//! The gallery: curated scenarios from every page, each with its story and its link, filtered
//! by concept (`concept=` in the address, so a filtered gallery is a link too).

use super::catalog::{Concept, Story, GALLERY};
use super::Footer;
use crate::playground::page::{Header, PageProps};
use crate::url;
use yew::prelude::*;

/// The concept a query filters by; an unknown one shows everything (and says so).
pub fn filter_of(query: &str) -> (Option<Concept>, Option<String>) {
    match url::query_value(query, "concept") {
        None | Some("") | Some("all") => (None, None),
        Some(v) => match Concept::from_slug(v) {
            Some(c) => (Some(c), None),
            None => (None, Some(halab_core::scenario::units::shorten(v))),
        },
    }
}

/// The stories shown under a filter, in gallery order.
pub fn shown(filter: Option<Concept>) -> Vec<&'static Story> {
    GALLERY.iter().filter(|s| filter.is_none_or(|c| s.concepts.contains(&c))).collect()
}

#[function_component(Gallery)]
pub fn gallery(props: &PageProps) -> Html {
    let (initial, unknown) = filter_of(&props.query);
    let filter = use_state(|| initial);
    let choose = |c: Option<Concept>| {
        let filter = filter.clone();
        Callback::from(move |_: MouseEvent| {
            filter.set(c);
            url::replace_query(&c.map_or_else(String::new, |c| format!("concept={}", c.slug())));
        })
    };
    let chip = |c: Option<Concept>, label: &'static str| {
        let on = *filter == c;
        let slug = c.map_or("all", Concept::slug);
        html! {
            <button type="button" class={classes!("chip", on.then_some("on"))} aria-pressed={on.to_string()}
                data-testid={format!("filter-{slug}")} onclick={choose(c)}>{ label }</button>
        }
    };
    let chips = std::iter::once(chip(None, tr!("All", "全部"))).chain(
        Concept::ALL
            .into_iter()
            .filter(|c| GALLERY.iter().any(|s| s.concepts.contains(c)))
            .map(|c| chip(Some(c), c.title().get())),
    );
    let stories = shown(*filter);
    let count = stories.len();
    let cards = stories.into_iter().map(|s| story_card(s, &choose));
    let banner = unknown.map(|v| {
        html! {
            <div class="banner error" role="alert" data-testid="error-banner">
                { trf!("The gallery has no concept called \u{201c}{v}\u{201d}: showing every scenario.", "案例中没有名为 \u{201c}{v}\u{201d} 的概念：显示全部场景。") }
            </div>
        }
    });
    html! {
        <main class="app front gallery">
            <Header current={Some("gallery")}>
                <p class="lede">{ tr!(
                    "Scenarios worth seeing: the famous failures, and the fixes. Each opens as a link that replays exactly.",
                    "值得一看的场景：著名的故障案例，以及它们的解决办法。每个都是能精确重放的链接。") }</p>
            </Header>
            { for banner }
            <nav class="chips" aria-label={tr!("Filter by concept", "按概念筛选")} data-testid="gallery-filter">{ for chips }</nav>
            <p class="muted" aria-live="polite" data-testid="gallery-count">{ trf!("{count} scenarios", "{count} 个场景") }</p>
            <div class="stories" data-testid="stories">{ for cards }</div>
            <Footer />
        </main>
    }
}

fn story_card(s: &Story, choose: &dyn Fn(Option<Concept>) -> Callback<MouseEvent>) -> Html {
    let tags = s.concepts.iter().map(|&c| {
        html! { <button type="button" class="tag" onclick={choose(Some(c))}>{ c.title().get() }</button> }
    });
    let href = s.source.href();
    html! {
        <article class="card story" data-testid={format!("story-{}", s.id)}>
            <h3>
                <a href={href.clone()}>{ s.title.get() }</a>
                if s.famous { <span class="famous">{ tr!("classic", "经典") }</span> }
            </h3>
            <p>{ s.story.get() }</p>
            <p class="tags">{ for tags }</p>
            <p class="link"><a class="button" href={href.clone()} data-testid={format!("open-{}", s.id)}>{ tr!("Open the scenario →", "打开场景 →") }</a>
                <code>{ href }</code></p>
        </article>
    }
}
