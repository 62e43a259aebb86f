//! Browser tests: mount the app with a given location and read the DOM (`cargo xtask test`,
//! stage `wasm`). The sim itself is tested natively; these check the Yew wiring.
//!
//! After a mount or an action, every test waits with [`until`] for the condition it asserts
//! (a generous deadline, polled), never for one timer tick: see `common/mod.rs`.
#![cfg(target_arch = "wasm32")]

#[macro_use]
mod common;

use common::{attr, click, click_svg, count, find, mount, num, text, until, until_within};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn renders_the_cluster_from_the_query() {
    let root = mount("/raft?n=7&seed=4&t=1s").await;
    let steps: u64 = until("7 Raft nodes paused at 1 s", || {
        ensure_eq!(count(&root, "[data-testid^=node-]"), 7);
        ensure_eq!(text(&root, "h1")?, "HA Lab");
        ensure_eq!(attr(&root, "[data-testid=status]", "data-time")?, "1000000");
        ensure_eq!(attr(&root, "[data-testid=invariants]", "data-ok")?, "true");
        ensure_eq!(count(&root, "[data-testid=node-0][data-role]"), 1);
        attr(&root, "[data-testid=status]", "data-steps")?.parse::<u64>().map_err(|e| e.to_string())
    })
    .await;

    // Step runs exactly one event.
    click(&root, "[data-testid=step]").await;
    until("one more step after clicking step", || {
        let after: u64 =
            attr(&root, "[data-testid=status]", "data-steps")?.parse().map_err(|e| format!("{e}"))?;
        ensure_eq!(after, steps + 1, "data-steps");
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_bad_query_shows_a_banner_and_the_default_cluster() {
    let root = mount("/raft?n=99").await;
    until("a banner naming n and the default 5 nodes", || {
        let text = text(&root, "[data-testid=error-banner]")?;
        ensure!(text.contains("\u{201c}n\u{201d}"), "banner: {text}");
        ensure_eq!(count(&root, "[data-testid^=node-]"), 5);
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn embed_mode_has_no_chrome() {
    let root = mount("/raft?embed=1&n=3&t=0.5s").await;
    until("3 nodes, play, and no chrome", || {
        ensure_eq!(count(&root, "[data-testid^=node-]"), 3);
        ensure_eq!(count(&root, "h1"), 0);
        ensure_eq!(count(&root, "[data-testid=log]"), 0);
        ensure_eq!(count(&root, "[data-testid=play]"), 1);
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn mounts_the_paxos_page_with_its_panels() {
    let root = mount("/paxos?mode=single&proposers=3&seed=3&rate=0&t=0.5s").await;
    until("the Paxos panels with slot 0 chosen", || {
        let counts = [("node-", 5), ("proposer-", 3), ("acceptor-", 5), ("bug-", 3), ("slot-", 1)];
        for (prefix, n) in counts {
            // Rows and nodes only: `proposer-list` and the like have no `data-*` state.
            let rows = format!("[data-testid^={prefix}]:is([data-role],[data-phase],tr,td,input)");
            ensure_eq!(count(&root, &rows), n, "{prefix}");
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
            ensure_eq!(attr(&root, &format!("[data-testid={id}]"), name)?, value, "{id} {name}");
        }
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn mounts_the_lock_page_with_its_timeline_and_the_unjudged_invariant() {
    // The pause ends at 2.9 s; one-holder stays unjudged for one TTL after, to 3.9 s.
    let root = mount("/lock?p=lock&n=4&seed=1&faults=pause:2:2s@900ms&t=3.5s").await;
    until("the lock page at 3.5 s: token 2 refused, one-holder unjudged", || {
        let attributes = [
            ("nav-lock", "aria-current", "page"),
            ("node-0", "data-role", "server"),
            ("node-1", "data-role", "storage"),
            ("invariants", "data-ok", "true"),
            ("invariants", "data-unjudged", "at most one holder"),
            ("storage-sum", "data-refused", "1"),
            ("timeline", "data-now", "3500000"),
            ("timeline", "data-start", "0"),
        ];
        for (id, name, value) in attributes {
            ensure_eq!(attr(&root, &format!("[data-testid={id}]"), name)?, value, "{id} {name}");
        }
        let highest = num(&root, "[data-testid=node-1]", "data-term")?;
        ensure!(highest >= 3.0, "the storage's highest token is past the stale 2: {highest}");
        ensure_eq!(num(&root, "[data-testid=storage-sum]", "data-highest")?, highest);
        ensure_eq!(count(&root, "[data-testid^=tl-row-]"), 4);
        ensure_eq!(count(&root, "[data-testid=timeline] .tl-mark[data-class=rejected]"), 1);
        ensure_eq!(count(&root, "[data-testid=timeline] .tl-overlay[data-class=paused][data-node='2']"), 1);
        ensure_eq!(count(&root, "[data-testid=storage-writes] li[data-ok=false][data-token='2']"), 1);
        ensure_eq!(count(&root, "[data-testid=write]"), 0, "no client-write button");
        ensure_eq!(count(&root, "[data-testid^=link-]"), 4, "only the links that carry messages");
        let why = text(&root, "[data-testid=unjudged]")?;
        ensure!(why.contains("client 1 was paused"), "unjudged: {why}");
        Ok(())
    })
    .await;

    // The node menu pauses for 2 s and drifts clocks, and the fault lands in the script.
    click_svg(&root, "[data-testid=node-3]").await;
    until("node 3's menu, with no write item", || {
        ensure_eq!(count(&root, "[data-testid=menu-drift-slow]"), 1);
        ensure_eq!(count(&root, "[data-testid=menu-write]"), 0);
        Ok(())
    })
    .await;
    click(&root, "[data-testid=menu-drift-slow]").await;
    until("node 3's caption to say its clock runs 50% slow", || {
        let caption = text(&root, "[data-testid=node-3] .caption")?;
        ensure!(caption.contains("clock −50%"), "caption: {caption}");
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn mounts_the_commit_page_with_blocked_participants_and_its_timeline() {
    let root = mount("/txn?p=txn&n=4&seed=1&faults=crash:0@840ms,restart:0@6s&t=5.5s").await;
    until("the commit page at 5.5 s: three participants blocked in doubt", || {
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
            ensure_eq!(attr(&root, &format!("[data-testid={id}]"), name)?, value, "{id} {name}");
        }
        for p in 1..=3 {
            let doubt = num(&root, &format!("[data-testid=participant-{p}]"), "data-doubt")?;
            ensure!(doubt >= 4_500_000.0, "participant {p} blocked {doubt} µs");
            let caption = text(&root, &format!("[data-testid=node-{p}] .caption"))?;
            ensure!(caption.contains("blocked 4.7 s") && caption.contains("locks held"), "{caption}");
        }
        ensure_eq!(count(&root, "[data-testid^=tl-row-]"), 4);
        ensure_eq!(count(&root, "[data-testid=timeline] .tl-span[data-class=in-doubt][data-open=true]"), 3);
        ensure_eq!(count(&root, "[data-testid=txn-2] td[data-state=in-doubt]"), 3);
        ensure_eq!(count(&root, "[data-testid=write]"), 0, "no client-write button");
        ensure_eq!(count(&root, "[data-testid^=link-]"), 3, "only the coordinator's links");
        ensure_eq!(count(&root, "[data-testid=verdict-note]"), 0);
        Ok(())
    })
    .await;

    // Switching to 3PC lands in the run: the same crash no longer blocks anyone for long.
    click(&root, "[data-testid=mode-3pc]").await;
    until("3PC selected, the run restarted from 0 and playing", || {
        ensure_eq!(attr(&root, "[data-testid=mode-3pc]", "aria-pressed")?, "true");
        // The run restarted from 0 (and may have played a frame or two since).
        let time = num(&root, "[data-testid=status]", "data-time")?;
        ensure!(time < 1_000_000.0, "the run restarted: t = {time} µs");
        ensure_eq!(attr(&root, "[data-testid=play]", "aria-label")?, "pause");
        Ok(())
    })
    .await;
    // Pause it, so no frame loop keeps rendering while the next tests run.
    click(&root, "[data-testid=play]").await;
    until("the run to pause", || {
        ensure_eq!(attr(&root, "[data-testid=play]", "aria-label")?, "play");
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_commit_page_explains_a_split_under_a_partition() {
    let root = mount("/txn?p=txn&n=4&seed=1&mode=3pc&faults=part:0.1/2.3@863ms&t=3s").await;
    until("a red verdict explaining the 3PC split", || {
        ensure_eq!(attr(&root, "[data-testid=invariants]", "data-ok")?, "false");
        ensure_eq!(attr(&root, "[data-testid=verdict-note]", "data-kind")?, "protocol");
        ensure_eq!(attr(&root, "[data-testid=txn-2]", "data-outcome")?, "split");
        let verdict = text(&root, "[data-testid=invariants]")?;
        ensure!(verdict.contains("Not a bug: this is three-phase commit itself."), "verdict: {verdict}");
        Ok(())
    })
    .await;
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
        until(&format!("{location} to show {has} and not {lacks}"), || {
            ensure_eq!(count(&root, &format!("[data-testid={has}]")), 1, "{location}");
            ensure_eq!(count(&root, &format!("[data-testid={lacks}]")), 0, "{location}");
            ensure_eq!(count(&root, "[data-testid=error-banner]"), 0, "{location}");
            Ok(())
        })
        .await;
    }
}

#[wasm_bindgen_test]
async fn the_ring_lab_draws_the_circle_and_counts_moved_keys() {
    let root = mount("/ring?keys=1000").await;
    until("the ring lab: 10 nodes, 1,000 dots, nothing moved", || {
        ensure_eq!(attr(&root, "[data-testid=nav-ring]", "aria-current")?, "page");
        ensure_eq!(attr(&root, "[data-testid=ring-svg]", "data-mode")?, "dots");
        ensure_eq!(count(&root, "[data-testid=ring-svg] .dots circle"), 1000, "one dot per key");
        ensure_eq!(count(&root, "[data-testid^=node-row-]"), 10);
        ensure_eq!(count(&root, "[data-testid=ring-svg] path.ticks"), 10, "one tick path per node");
        ensure_eq!(attr(&root, "[data-testid=moved-counter]", "data-moved")?, "0");
        Ok(())
    })
    .await;

    click(&root, "[data-testid=add-node]").await;
    until("node 10 added and about 1/11 of the keys moved to it", || {
        ensure_eq!(count(&root, "[data-testid^=node-row-]"), 11);
        let moved = num(&root, "[data-testid=moved-counter]", "data-moved")?;
        let total = num(&root, "[data-testid=moved-counter]", "data-total")?;
        ensure_eq!(total, 1000.0);
        ensure!((moved / total - 1.0 / 11.0).abs() < 0.04, "{moved} of {total}");
        ensure_eq!(
            count(&root, "[data-testid=moved-flows] li:not([data-to='10'])"),
            0,
            "only keys to node 10 move"
        );
        ensure_eq!(count(&root, "[data-testid=flash]"), 1);
        Ok(())
    })
    .await;

    // The table and the failure figures follow a moment later, measured in this browser.
    until("the comparison table and the failure figures", || {
        ensure_eq!(count(&root, "[data-testid=failures]"), 1);
        ensure_eq!(count(&root, "[data-testid=compare-table] tbody tr"), 6);
        let ns = num(&root, "[data-testid=compare-ring]", "data-ns")?;
        ensure!(ns > 0.0, "compare-ring data-ns {ns}");
        ensure_eq!(attr(&root, "[data-testid=compare-ring]", "aria-selected")?, "true");
        ensure_eq!(attr(&root, "[data-testid=failures]", "data-lost")?, "0");
        Ok(())
    })
    .await;

    // Clicking a row switches the algorithm; maglev draws no ring.
    click(&root, "[data-testid=compare-maglev]").await;
    until("the circle redrawn for maglev", || {
        ensure_eq!(attr(&root, "[data-testid=ring-svg]", "data-algorithm")?, "maglev");
        ensure_eq!(count(&root, "[data-testid=ring-svg] path.ticks"), 0, "maglev has no ring");
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_refused_ring_action_shows_the_banner() {
    let root = mount("/ring?nodes=0").await;
    click(&root, "[data-testid=fail-0]").await;
    until("a banner refusing to fail the last node", || {
        let text = text(&root, "[data-testid=error-banner]")?;
        ensure!(text.contains("Can't fail node 0: at least one node must be up."), "{text}");
        ensure_eq!(attr(&root, "[data-testid=node-row-0]", "data-down")?, "false");
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_bad_ring_link_falls_back_and_embed_drops_the_chrome() {
    let root = mount("/ring?vn=0").await;
    until("a banner naming vn and the default 10 nodes", || {
        let text = text(&root, "[data-testid=error-banner]")?;
        ensure!(text.contains("\u{201c}vn\u{201d}"), "{text}");
        ensure_eq!(count(&root, "[data-testid^=node-row-]"), 10, "the default scenario");
        Ok(())
    })
    .await;

    let root = mount("/?p=ring&alg=jump&embed=1").await;
    until("the embedded jump ring without the chrome", || {
        ensure_eq!(count(&root, "h1"), 0);
        ensure_eq!(count(&root, "[data-testid=node-list]"), 0);
        ensure_eq!(attr(&root, "[data-testid=ring-svg]", "data-algorithm")?, "jump");
        let href = attr(&root, ".open-full", "href")?;
        ensure!(!href.contains("embed"), "a link to the full page: {href}");
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_refused_ring_field_goes_back_to_the_current_value() {
    let root = mount("/ring?keys=500").await;
    let input: web_sys::HtmlInputElement = until("the vnodes field showing 100", || {
        let input: web_sys::HtmlInputElement = find(&root, "[data-testid=vnodes]")?.dyn_into().unwrap();
        ensure_eq!(input.value(), "100");
        Ok(input)
    })
    .await;
    input.set_value("0");
    input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    until("a banner refusing 0 vnodes, and the field back at 100", || {
        let text = text(&root, "[data-testid=error-banner]")?;
        ensure!(text.contains("Can't use 0 vnodes: must be between 1 and 1000, got 0."), "{text}");
        ensure_eq!(input.value(), "100");
        Ok(())
    })
    .await;
    input.set_value("250");
    input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    until("250 vnodes per node drawn (2,500 points)", || {
        ensure_eq!(attr(&root, "[data-testid=ring-svg]", "data-points")?, "2500");
        ensure_eq!(input.value(), "250");
        Ok(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_availability_page_computes_in_the_browser() {
    let root = mount("/avail?n=5&q=3&mtbf=99h&mttr=1h&trials=500").await;
    until("the availability page with 3 of 5 at A = 0.99", || {
        ensure_eq!(attr(&root, "[data-testid=nav-avail]", "aria-current")?, "page");
        let a = num(&root, "[data-testid=calc-availability]", "data-value")?;
        ensure!((a - (1.0 - 9.8506e-6)).abs() < 1e-12, "availability {a}");
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
            ensure_eq!(count(&root, &format!("[data-testid={testid}]")), 1, "{testid}");
        }
        Ok(())
    })
    .await;
    // Monte Carlo runs in slices after the first paint, then the band appears. It is real work,
    // so it gets a longer deadline than a render.
    until_within(90_000.0, "Monte Carlo to finish all 7,500 trials and draw its band", || {
        ensure_eq!(attr(&root, "[data-testid=progress]", "data-status")?, "done");
        ensure_eq!(attr(&root, "[data-testid=progress]", "data-done")?, "7500");
        let band = attr(&root, "[data-testid=band-mc]", "d")?;
        ensure!(band.starts_with('M'), "band-mc d={band:?}");
        Ok(())
    })
    .await;
    // The MTTR axis and a bad link.
    let root = mount("/avail?x=mttr&n=0").await;
    until("a banner for n=0 and the chart's axis select", || {
        find(&root, "[data-testid=error-banner]")?;
        ensure_eq!(attr(&root, "[data-testid=axis]", "data-testid")?, "axis");
        Ok(())
    })
    .await;
}

mod frozen {
    use super::common::until;
    use halab_web::widgets::frozen::Frozen;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen_test::wasm_bindgen_test;
    use yew::prelude::*;

    /// What the host draws, set by the test between renders.
    #[derive(Default)]
    struct Knobs {
        version: Cell<u64>,
        text: RefCell<String>,
        redraw: RefCell<Option<UseForceUpdateHandle>>,
        renders: Cell<u32>,
    }

    #[derive(Properties)]
    struct HostProps {
        knobs: Rc<Knobs>,
    }
    impl PartialEq for HostProps {
        fn eq(&self, other: &Self) -> bool {
            Rc::ptr_eq(&self.knobs, &other.knobs)
        }
    }

    #[function_component(Host)]
    fn host(p: &HostProps) -> Html {
        let k = &p.knobs;
        *k.redraw.borrow_mut() = Some(use_force_update());
        k.renders.set(k.renders.get() + 1);
        html! {
            <div>
                <span id="frozen-host">{ k.renders.get() }</span>
                <Frozen version={k.version.get()}><b id="frozen-inner">{ k.text.borrow().clone() }</b></Frozen>
            </div>
        }
    }

    fn read(id: &str) -> String {
        let doc = web_sys::window().unwrap().document().unwrap();
        doc.get_element_by_id(id).and_then(|e| e.text_content()).unwrap_or_default()
    }

    #[wasm_bindgen_test]
    async fn a_frozen_subtree_redraws_only_when_its_version_changes() {
        let doc = web_sys::window().unwrap().document().unwrap();
        let root = doc.create_element("div").unwrap();
        doc.body().unwrap().append_child(&root).unwrap();
        let knobs =
            Rc::new(Knobs { version: Cell::new(1), text: RefCell::new("a".into()), ..Knobs::default() });
        let app =
            yew::Renderer::<Host>::with_root_and_props(root.clone(), HostProps { knobs: knobs.clone() })
                .render();
        until("the first render", || {
            ensure_eq!(read("frozen-inner"), "a");
            Ok(())
        })
        .await;
        // Same version, new children: the host redraws, the frozen part keeps what it drew.
        *knobs.text.borrow_mut() = "b".into();
        let before = knobs.renders.get();
        knobs.redraw.borrow().as_ref().unwrap().force_update();
        until("the host to redraw", || {
            ensure!(read("frozen-host") == (before + 1).to_string(), "host shows {}", read("frozen-host"));
            Ok(())
        })
        .await;
        assert_eq!(read("frozen-inner"), "a", "an equal version must not redraw");
        // A new version draws the new children.
        knobs.version.set(2);
        knobs.redraw.borrow().as_ref().unwrap().force_update();
        until("the frozen part to redraw", || {
            ensure_eq!(read("frozen-inner"), "b");
            Ok(())
        })
        .await;
        app.destroy();
        root.remove();
    }
}

/// Forgets the language a `lang=` link saved, so the tests after this one mount in English.
fn forget_language() {
    if let Some(store) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = store.remove_item(halab_web::i18n::STORAGE_KEY);
    }
}

#[wasm_bindgen_test]
async fn the_front_door_maps_every_concept_and_speaks_chinese_when_asked() {
    let root = mount("/?lang=zh").await;
    // The mount chose Chinese and saved the choice: forget it now, whatever happens below.
    forget_language();
    until("ten concept cards, in Chinese", || {
        ensure_eq!(count(&root, "[data-testid=concept-map] article"), 10);
        let hero = text(&root, ".hero h2")?;
        ensure!(hero.contains("高可用"), "hero: {hero}");
        ensure_eq!(attr(&root, "[data-testid=lang-zh]", "aria-pressed")?, "true");
        Ok(())
    })
    .await;
    let root = mount("/gallery?concept=atomic-commit").await;
    until("the gallery filtered to atomic commit, in English", || {
        ensure_eq!(count(&root, "[data-testid^=story-]"), 2);
        let count_text = text(&root, "[data-testid=gallery-count]")?;
        ensure_eq!(count_text, "2 scenarios");
        Ok(())
    })
    .await;
    let root = mount("/raft?p=raft&n=5&seed=1&rate=4&learn=new-leader").await;
    until("the guided path's card on the Raft page", || {
        ensure_eq!(attr(&root, "[data-testid=guide]", "data-reached")?, "false");
        let guide = text(&root, "[data-testid=guide]")?;
        ensure!(guide.contains("step 9 of 11"), "guide: {guide}");
        Ok(())
    })
    .await;
}
