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
async fn mounts_the_lock_page_with_its_timeline_and_the_unjudged_invariant() {
    let root = mount("/lock?p=lock&n=4&seed=1&faults=pause:2:2s@900ms&t=4s").await;
    let attributes = [
        ("nav-lock", "aria-current", "page"),
        ("node-0", "data-role", "server"),
        ("node-1", "data-role", "storage"),
        ("invariants", "data-ok", "true"),
        ("invariants", "data-unjudged", "at most one holder"),
        ("storage-sum", "data-refused", "1"),
        ("timeline", "data-now", "4000000"),
        ("timeline", "data-start", "0"),
    ];
    for (id, name, value) in attributes {
        assert_eq!(attr(&root, &format!("[data-testid={id}]"), name), value, "{id} {name}");
    }
    let highest = num(&root, "[data-testid=node-1]", "data-term");
    assert!(highest >= 3.0, "the storage's highest token is past the stale 2: {highest}");
    assert_eq!(num(&root, "[data-testid=storage-sum]", "data-highest"), highest);
    assert_eq!(count(&root, "[data-testid^=tl-row-]"), 4);
    assert_eq!(count(&root, "[data-testid=timeline] .tl-mark[data-class=rejected]"), 1);
    assert_eq!(count(&root, "[data-testid=timeline] .tl-overlay[data-class=paused][data-node='2']"), 1);
    assert_eq!(count(&root, "[data-testid=storage-writes] li[data-ok=false][data-token='2']"), 1);
    assert_eq!(count(&root, "[data-testid=write]"), 0, "no client-write button");
    assert_eq!(count(&root, "[data-testid^=link-]"), 4, "only the links that carry messages");
    let text = root.query_selector("[data-testid=unjudged]").unwrap().expect("unjudged").text_content();
    assert!(text.unwrap_or_default().contains("client 1 was paused"));

    // The node menu pauses for 2 s and drifts clocks, and the fault lands in the script.
    click_svg(&root, "[data-testid=node-3]");
    settle().await;
    assert_eq!(count(&root, "[data-testid=menu-write]"), 0);
    click(&root, "[data-testid=menu-drift-slow]");
    settle().await;
    let caption =
        root.query_selector("[data-testid=node-3] .caption").unwrap().expect("caption").text_content();
    assert!(caption.unwrap_or_default().contains("clock −50%"));
}

#[wasm_bindgen_test]
async fn mounts_the_commit_page_with_blocked_participants_and_its_timeline() {
    let root = mount("/txn?p=txn&n=4&seed=1&faults=crash:0@840ms,restart:0@6s&t=5.5s").await;
    let attributes = [
        ("nav-txn", "aria-current", "page"),
        ("node-0", "data-role", "crashed"),
        ("node-1", "data-role", "in-doubt"),
        ("node-3", "data-role", "in-doubt"),
        ("node-2", "data-term", "2"),
        ("invariants", "data-ok", "true"),
        ("txn-2", "data-outcome", "open"),
        ("txn-1", "data-outcome", "aborted"),
        ("txn-sum", "data-aborted", "1"),
        ("participant-2", "data-role", "in-doubt"),
        ("timeline", "data-now", "5500000"),
        ("mode-2pc", "aria-pressed", "true"),
    ];
    for (id, name, value) in attributes {
        assert_eq!(attr(&root, &format!("[data-testid={id}]"), name), value, "{id} {name}");
    }
    for p in 1..=3 {
        let doubt = num(&root, &format!("[data-testid=participant-{p}]"), "data-doubt");
        assert!(doubt >= 4_500_000.0, "participant {p} blocked {doubt} µs");
        let caption = root
            .query_selector(&format!("[data-testid=node-{p}] .caption"))
            .unwrap()
            .expect("caption")
            .text_content()
            .unwrap_or_default();
        assert!(caption.contains("blocked 4.7 s") && caption.contains("locks held"), "{caption}");
    }
    assert_eq!(count(&root, "[data-testid^=tl-row-]"), 4);
    assert_eq!(count(&root, "[data-testid=timeline] .tl-span[data-class=in-doubt][data-open=true]"), 3);
    assert_eq!(count(&root, "[data-testid=txn-2] td[data-state=in-doubt]"), 3);
    assert_eq!(count(&root, "[data-testid=write]"), 0, "no client-write button");
    assert_eq!(count(&root, "[data-testid^=link-]"), 3, "only the coordinator's links");
    assert_eq!(count(&root, "[data-testid=verdict-note]"), 0);

    // Switching to 3PC lands in the run: the same crash no longer blocks anyone for long.
    click(&root, "[data-testid=mode-3pc]");
    settle().await;
    assert_eq!(attr(&root, "[data-testid=mode-3pc]", "aria-pressed"), "true");
    // The run restarted from 0 (and may have played a frame or two since).
    let time = num(&root, "[data-testid=status]", "data-time");
    assert!(time < 1_000_000.0, "the run restarted: t = {time} µs");
    // Pause it, so no frame loop keeps rendering while the next tests run.
    assert_eq!(attr(&root, "[data-testid=play]", "aria-label"), "pause");
    click(&root, "[data-testid=play]");
    settle().await;
    assert_eq!(attr(&root, "[data-testid=play]", "aria-label"), "play");
}

#[wasm_bindgen_test]
async fn the_commit_page_explains_a_split_under_a_partition() {
    let root = mount("/txn?p=txn&n=4&seed=1&mode=3pc&faults=part:0.1/2.3@863ms&t=3s").await;
    assert_eq!(attr(&root, "[data-testid=invariants]", "data-ok"), "false");
    assert_eq!(attr(&root, "[data-testid=verdict-note]", "data-kind"), "protocol");
    assert_eq!(attr(&root, "[data-testid=txn-2]", "data-outcome"), "split");
    let text = root.query_selector("[data-testid=invariants]").unwrap().expect("verdict").text_content();
    assert!(text.unwrap_or_default().contains("Not a bug: this is three-phase commit itself."));
}

#[wasm_bindgen_test]
async fn the_protocol_in_the_query_picks_the_page() {
    // (location, a panel only that page has, the other page's panel)
    let pages = [
        ("/raft?p=paxos&n=3&t=0.2s", "proposer-list", "log"),
        ("/paxos?p=raft&n=3&t=0.2s", "log", "proposer-list"),
        ("/?p=paxos&t=0.2s", "slots", "log"),
        ("/raft?p=lock&t=0.2s", "timeline", "log"),
        ("/lock?p=raft&t=0.2s", "log", "timeline"),
        ("/raft?p=txn&t=0.2s", "transactions", "log"),
        ("/txn?p=lock&t=0.2s", "storage-writes", "transactions"),
    ];
    for (location, has, lacks) in pages {
        let root = mount(location).await;
        assert_eq!(count(&root, &format!("[data-testid={has}]")), 1, "{location}");
        assert_eq!(count(&root, &format!("[data-testid={lacks}]")), 0, "{location}");
        assert_eq!(count(&root, "[data-testid=error-banner]"), 0, "{location}");
    }
}

/// Clicks an element that is not an `HtmlElement` (an SVG group) with a bubbling click event,
/// which Yew's delegated listeners receive.
fn click_svg(root: &Element, selector: &str) {
    let el = root.query_selector(selector).unwrap().expect(selector);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let click = web_sys::Event::new_with_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&click).unwrap();
}

fn click(root: &Element, selector: &str) {
    let el: HtmlElement = root.query_selector(selector).unwrap().expect(selector).dyn_into().unwrap();
    el.click();
}

fn num(root: &Element, selector: &str, name: &str) -> f64 {
    attr(root, selector, name).parse().unwrap_or(f64::NAN)
}

#[wasm_bindgen_test]
async fn the_ring_lab_draws_the_circle_and_counts_moved_keys() {
    let root = mount("/ring?keys=1000").await;
    assert_eq!(attr(&root, "[data-testid=nav-ring]", "aria-current"), "page");
    assert_eq!(attr(&root, "[data-testid=ring-svg]", "data-mode"), "dots");
    assert_eq!(count(&root, "[data-testid=ring-svg] .dots circle"), 1000, "one dot per key");
    assert_eq!(count(&root, "[data-testid^=node-row-]"), 10);
    assert_eq!(count(&root, "[data-testid=ring-svg] path.ticks"), 10, "one tick path per node");
    assert_eq!(attr(&root, "[data-testid=moved-counter]", "data-moved"), "0");

    click(&root, "[data-testid=add-node]");
    settle().await;
    assert_eq!(count(&root, "[data-testid^=node-row-]"), 11);
    let moved = num(&root, "[data-testid=moved-counter]", "data-moved");
    let total = num(&root, "[data-testid=moved-counter]", "data-total");
    assert_eq!(total, 1000.0);
    assert!((moved / total - 1.0 / 11.0).abs() < 0.04, "{moved} of {total}");
    assert_eq!(
        count(&root, "[data-testid=moved-flows] li:not([data-to='10'])"),
        0,
        "only keys to node 10 move"
    );
    assert_eq!(count(&root, "[data-testid=flash]"), 1);

    // The table and the failure figures follow a moment later, measured in this browser.
    for _ in 0..100 {
        if count(&root, "[data-testid=failures]") == 1 {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    assert_eq!(count(&root, "[data-testid=compare-table] tbody tr"), 6);
    assert!(num(&root, "[data-testid=compare-ring]", "data-ns") > 0.0);
    assert_eq!(attr(&root, "[data-testid=compare-ring]", "aria-selected"), "true");
    assert_eq!(attr(&root, "[data-testid=failures]", "data-lost"), "0");

    // Clicking a row switches the algorithm; failing the last live node is refused in words.
    click(&root, "[data-testid=compare-maglev]");
    settle().await;
    assert_eq!(attr(&root, "[data-testid=ring-svg]", "data-algorithm"), "maglev");
    assert_eq!(count(&root, "[data-testid=ring-svg] path.ticks"), 0, "maglev has no ring");
}

#[wasm_bindgen_test]
async fn a_refused_ring_action_shows_the_banner() {
    let root = mount("/ring?nodes=0").await;
    click(&root, "[data-testid=fail-0]");
    settle().await;
    let banner = root.query_selector("[data-testid=error-banner]").unwrap().expect("a banner");
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("Can't fail node 0: at least one node must be up."), "{text}");
    assert_eq!(attr(&root, "[data-testid=node-row-0]", "data-down"), "false");
}

#[wasm_bindgen_test]
async fn a_bad_ring_link_falls_back_and_embed_drops_the_chrome() {
    let root = mount("/ring?vn=0").await;
    let text = root
        .query_selector("[data-testid=error-banner]")
        .unwrap()
        .expect("banner")
        .text_content()
        .unwrap_or_default();
    assert!(text.contains("\u{201c}vn\u{201d}"), "{text}");
    assert_eq!(count(&root, "[data-testid^=node-row-]"), 10, "the default scenario");

    let root = mount("/?p=ring&alg=jump&embed=1").await;
    assert_eq!(count(&root, "h1"), 0);
    assert_eq!(count(&root, "[data-testid=node-list]"), 0);
    assert_eq!(attr(&root, "[data-testid=ring-svg]", "data-algorithm"), "jump");
    let link = root.query_selector(".open-full").unwrap().expect("a link to the full page");
    assert!(!link.get_attribute("href").unwrap_or_default().contains("embed"));
}

#[wasm_bindgen_test]
async fn a_refused_ring_field_goes_back_to_the_current_value() {
    let root = mount("/ring?keys=500").await;
    let input: web_sys::HtmlInputElement =
        root.query_selector("[data-testid=vnodes]").unwrap().expect("vnodes").dyn_into().unwrap();
    assert_eq!(input.value(), "100");
    input.set_value("0");
    input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    let text = root
        .query_selector("[data-testid=error-banner]")
        .unwrap()
        .expect("banner")
        .text_content()
        .unwrap_or_default();
    assert!(text.contains("Can't use 0 vnodes: must be between 1 and 1000, got 0."), "{text}");
    assert_eq!(input.value(), "100");
    input.set_value("250");
    input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    assert_eq!(attr(&root, "[data-testid=ring-svg]", "data-points"), "2500");
    assert_eq!(input.value(), "250");
}

#[wasm_bindgen_test]
async fn the_availability_page_computes_in_the_browser() {
    let root = mount("/avail?n=5&q=3&mtbf=99h&mttr=1h&trials=500").await;
    assert_eq!(attr(&root, "[data-testid=nav-avail]", "aria-current"), "page");
    let a = num(&root, "[data-testid=calc-availability]", "data-value");
    assert!((a - (1.0 - 9.8506e-6)).abs() < 1e-12, "{a}");
    for testid in [
        "series-kofn",
        "series-ctmc",
        "series-mc",
        "export-csv",
        "export-svg",
        "share",
        "axis",
        "n",
        "quorum",
    ] {
        assert_eq!(count(&root, &format!("[data-testid={testid}]")), 1, "{testid}");
    }
    // Monte Carlo runs in slices after the first paint, then the band appears.
    for _ in 0..200 {
        if attr(&root, "[data-testid=progress]", "data-status") == "done" {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    assert_eq!(attr(&root, "[data-testid=progress]", "data-status"), "done");
    assert_eq!(attr(&root, "[data-testid=progress]", "data-done"), "7500");
    assert!(attr(&root, "[data-testid=band-mc]", "d").starts_with('M'));
    // The MTTR axis and a bad link.
    let root = mount("/avail?x=mttr&n=0").await;
    assert!(root.query_selector("[data-testid=error-banner]").unwrap().is_some());
    assert_eq!(attr(&root, "[data-testid=axis]", "data-testid"), "axis");
}
