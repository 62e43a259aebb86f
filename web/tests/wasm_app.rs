//! Browser tests: mount the app with a given location and read the DOM (`cargo xtask test`,
//! stage `wasm`). The sim itself is tested natively; these check the Yew wiring.
#![cfg(target_arch = "wasm32")]

use halab_web::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app at `location` in a fresh element and lets Yew render.
async fn mount(location: &'static str) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = AppProps { location: Some(location.into()) };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

/// Yew renders on its scheduler; yield to let it run.
async fn settle() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn attr(root: &Element, selector: &str, name: &str) -> String {
    let el = root.query_selector(selector).unwrap().expect(selector);
    el.get_attribute(name).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn renders_the_cluster_from_the_query() {
    let root = mount("/raft?n=7&seed=4&t=1s").await;
    assert_eq!(count(&root, "[data-testid^=node-]"), 7);
    assert_eq!(root.query_selector("h1").unwrap().unwrap().text_content().as_deref(), Some("HA Lab"));
    assert_eq!(attr(&root, "[data-testid=status]", "data-time"), "1000000");
    assert_eq!(attr(&root, "[data-testid=invariants]", "data-ok"), "true");
    assert_eq!(count(&root, "[data-testid=node-0][data-role]"), 1);

    // Step runs exactly one event.
    let steps: u64 = attr(&root, "[data-testid=status]", "data-steps").parse().unwrap();
    let step: HtmlElement = root.query_selector("[data-testid=step]").unwrap().unwrap().dyn_into().unwrap();
    step.click();
    settle().await;
    let after: u64 = attr(&root, "[data-testid=status]", "data-steps").parse().unwrap();
    assert_eq!(after, steps + 1);
}

#[wasm_bindgen_test]
async fn a_bad_query_shows_a_banner_and_the_default_cluster() {
    let root = mount("/raft?n=99").await;
    let banner = root.query_selector("[data-testid=error-banner]").unwrap().expect("an error banner");
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("\u{201c}n\u{201d}"), "{text}");
    assert_eq!(count(&root, "[data-testid^=node-]"), 5);
}

#[wasm_bindgen_test]
async fn embed_mode_has_no_chrome() {
    let root = mount("/raft?embed=1&n=3&t=0.5s").await;
    assert_eq!(count(&root, "[data-testid^=node-]"), 3);
    assert_eq!(count(&root, "h1"), 0);
    assert_eq!(count(&root, "[data-testid=log]"), 0);
    assert_eq!(count(&root, "[data-testid=play]"), 1);
}

#[wasm_bindgen_test]
async fn mounts_the_paxos_page_with_its_panels() {
    let root = mount("/paxos?mode=single&proposers=3&seed=3&rate=0&t=0.5s").await;
    let counts = [("node-", 5), ("proposer-", 3), ("acceptor-", 5), ("bug-", 3), ("slot-", 1)];
    for (prefix, n) in counts {
        // Rows and nodes only: `proposer-list` and the like have no `data-*` state.
        let rows = format!("[data-testid^={prefix}]:is([data-role],[data-phase],tr,td,input)");
        assert_eq!(count(&root, &rows), n, "{prefix}");
    }
    let attributes = [
        ("nav-paxos", "aria-current", "page"),
        ("node-0", "data-role", "proposer"),
        ("node-4", "data-role", "acceptor"),
        ("slot-0", "data-chosen", "true"),
        ("slots", "data-chosen-count", "1"),
        ("proposer-2", "data-phase", "idle"),
        ("mode-single", "aria-pressed", "true"),
        ("invariants", "data-ok", "true"),
    ];
    for (id, name, value) in attributes {
        assert_eq!(attr(&root, &format!("[data-testid={id}]"), name), value, "{id} {name}");
    }
}

#[wasm_bindgen_test]
async fn the_protocol_in_the_query_picks_the_page() {
    // (location, a panel only that page has, the other page's panel)
    let pages = [
        ("/raft?p=paxos&n=3&t=0.2s", "proposer-list", "log"),
        ("/paxos?p=raft&n=3&t=0.2s", "log", "proposer-list"),
        ("/?p=paxos&t=0.2s", "slots", "log"),
    ];
    for (location, has, lacks) in pages {
        let root = mount(location).await;
        assert_eq!(count(&root, &format!("[data-testid={has}]")), 1, "{location}");
        assert_eq!(count(&root, &format!("[data-testid={lacks}]")), 0, "{location}");
        assert_eq!(count(&root, "[data-testid=error-banner]"), 0, "{location}");
    }
}
