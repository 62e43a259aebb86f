use super::catalog::{Concept, Source, GALLERY};
use super::gallery::{filter_of, shown};
use crate::learn::{parse_progress, with_done, STEPS};
use halab_core::scenario::{avail, ring, url};

/// Decodes a scenario with its page's codec: every link the front door gives must open
/// without a banner.
fn decodes(source: Source) -> Result<(), String> {
    let q = source.query();
    if q.is_empty() {
        return Err("missing preset".into());
    }
    match source.page() {
        "ring" => ring::decode(q).map(|_| ()).map_err(|e| e.message.english()),
        "avail" => avail::decode(q).map(|_| ()).map_err(|e| e.message.english()),
        _ => url::decode(q).map(|_| ()).map_err(|e| e.message.english()),
    }
}

#[test]
fn every_link_on_the_front_door_opens_its_scenario() {
    for c in Concept::ALL {
        decodes(c.source()).unwrap_or_else(|e| panic!("{c:?}: {e}"));
    }
    for s in GALLERY {
        decodes(s.source).unwrap_or_else(|e| panic!("{}: {e}", s.id));
    }
    for s in STEPS {
        decodes(s.source).unwrap_or_else(|e| panic!("{}: {e}", s.id));
        assert!(s.href().ends_with(&format!("&learn={}", s.id)));
    }
}

#[test]
fn the_gallery_has_the_famous_cases_and_every_concept() {
    let ids: Vec<&str> = GALLERY.iter().map(|s| s.id).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "ids are unique");
    for famous in [
        "raft-fig8",
        "lock-kleppmann",
        "txn-2pc-blocking",
        "txn-3pc-split",
        "lb-sinkhole",
        "lb-retry-storm",
        "lb-split-brain",
    ] {
        assert!(GALLERY.iter().any(|s| s.id == famous && s.famous), "{famous}");
    }
    for c in Concept::ALL {
        assert!(!shown(Some(c)).is_empty(), "{c:?} filters to nothing");
        assert!(shown(Some(c)).len() < GALLERY.len() || c == Concept::Consensus, "{c:?} filters nothing out");
        assert_eq!(Concept::from_slug(c.slug()), Some(c));
    }
    // Every page has a scenario in the gallery.
    for page in ["raft", "paxos", "lock", "txn", "lb", "ring", "avail"] {
        assert!(GALLERY.iter().any(|s| s.source.page() == page), "{page}");
    }
}

#[test]
fn the_filter_comes_from_the_address_and_an_unknown_one_is_reported() {
    assert_eq!(filter_of("concept=locks"), (Some(Concept::Locks), None));
    assert_eq!(filter_of("?lang=zh&concept=atomic-commit"), (Some(Concept::AtomicCommit), None));
    assert_eq!(filter_of(""), (None, None));
    assert_eq!(filter_of("concept=all"), (None, None));
    assert_eq!(filter_of("concept=<b>"), (None, Some("<b>".into())));
    assert_eq!(shown(None).len(), GALLERY.len());
}

#[test]
fn the_path_has_eight_to_twelve_steps_and_progress_survives_bad_storage() {
    assert!((8..=12).contains(&STEPS.len()));
    let mut ids: Vec<&str> = STEPS.iter().map(|s| s.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), STEPS.len());
    assert_eq!(parse_progress("garbage,,new-leader,one-fails"), vec!["one-fails", "new-leader"]);
    assert_eq!(with_done("new-leader", "one-fails"), "one-fails,new-leader");
    assert_eq!(with_done("one-fails", "one-fails"), "one-fails");
    assert_eq!(with_done("", "nonesuch"), "");
}

#[test]
fn the_e2e_host_page_uses_the_documented_script_and_code_escapes_its_url() {
    use crate::widgets::embed::{embed_code, embed_query, HOST_SCRIPT};
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/embed-host.html");
    let host = std::fs::read_to_string(fixture).unwrap_or_default();
    assert!(
        host.contains(HOST_SCRIPT),
        "tests/fixtures/embed-host.html must use HOST_SCRIPT as /embed shows it"
    );
    let code = embed_code("https://x/raft?p=raft&n=3&embed=1", "A \"quoted\" <title>", 430);
    assert!(code.starts_with(
        "<iframe src=\"https://x/raft?p=raft&amp;n=3&amp;embed=1\" title=\"A &quot;quoted&quot; &lt;title>\" width=\"100%\" height=\"430\""
    ), "{code}");
    assert_eq!(embed_query("p=raft&embed=1&t=2s"), "p=raft&t=2s&embed=1");
    assert_eq!(embed_query("?p=raft"), "p=raft&embed=1");
    assert_eq!(embed_query("p=raft&learn=new-leader&t=1s"), "p=raft&t=1s&embed=1");
}

#[test]
fn the_paths_written_out_presets_are_the_presets() {
    use crate::learn::{FIGURE_8, NO_FENCING, N_PLUS_1};
    use halab_core::scenario::presets::{LB_PRESETS, LOCK_PRESETS, RAFT_PRESETS};
    assert_eq!(Source::Preset(LB_PRESETS, "n-plus-1").query(), N_PLUS_1);
    assert_eq!(Source::Preset(LOCK_PRESETS, "kleppmann-nofence").query(), NO_FENCING);
    assert_eq!(Source::Preset(RAFT_PRESETS, "bug-fig8").query(), FIGURE_8);
}
