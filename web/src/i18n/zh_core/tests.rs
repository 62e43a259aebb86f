use super::*;
use crate::i18n::set_lang;
use crate::i18n::tests::{is_chinese, literal, sources};
use halab_core::scenario::presets::{LB_PRESETS, LOCK_PRESETS, PAXOS_PRESETS, RAFT_PRESETS, TXN_PRESETS};
use std::path::Path;

/// Every `msg!` template in the core's sources (not its tests), with where it is.
fn core_templates() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let mut out = Vec::new();
    for (path, text) in &files {
        // msg.rs defines the macro and tests it on made-up sentences.
        if path.ends_with("msg.rs") || path.ends_with("tests.rs") {
            continue;
        }
        // A file's own `mod tests` is its tests too.
        let text = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or(text);
        for (start, _) in text.match_indices("msg!(") {
            if text[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let line = text[..start].matches('\n').count() + 1;
            let at = format!("{}:{line}", path.strip_prefix(&root).unwrap_or(path).display());
            match literal(&text[start + 5..]) {
                Some((template, _)) => out.push((at, template)),
                None if text[start + 5..].trim_start().starts_with(['@', '$']) => {} // the macro itself
                None => out.push((at, "<not a string literal>".to_owned())),
            }
        }
    }
    out
}

/// The fixed texts the pages show from the core.
fn fixed_texts() -> Vec<&'static str> {
    let mut out = Vec::new();
    for p in [RAFT_PRESETS, PAXOS_PRESETS, LOCK_PRESETS, TXN_PRESETS, LB_PRESETS].into_iter().flatten() {
        out.extend([p.title, p.about]);
    }
    use halab_core::{lb, lock, paxos, raft, txn};
    for bugs in [
        raft::config::BUG_NAMES,
        paxos::config::PAXOS_BUG_NAMES,
        lock::config::LOCK_BUG_NAMES,
        txn::config::TXN_BUG_NAMES,
        lb::config::LB_BUG_NAMES,
    ] {
        out.extend(bugs.iter().map(|&(_, what)| what));
    }
    use crate::playground::Playground;
    for names in [
        <raft::Raft as Playground>::INVARIANTS,
        <paxos::Paxos as Playground>::INVARIANTS,
        <lock::Lock as Playground>::INVARIANTS,
        <txn::Txn as Playground>::INVARIANTS,
        <lb::Lb as Playground>::INVARIANTS,
    ] {
        out.extend(names);
    }
    out.extend([raft::invariants::APPLIED_STATE, paxos::invariants::APPLIED_STATE]);
    use halab_core::client::Reply;
    use halab_core::scenario::lb::{Algo, ServiceDist};
    out.extend(Algo::ALL.map(Algo::title));
    out.extend(ServiceDist::ALL.map(ServiceDist::title));
    let req = 0;
    out.extend(
        [
            Reply::Redirect { req, leader: None },
            Reply::Accepted { req },
            Reply::Committed { req },
            Reply::Rejected { req },
        ]
        .map(|r| r.outcome()),
    );
    out
}

fn holes(s: &str) -> Vec<&str> {
    let mut h: Vec<&str> = halab_core::msg::holes(s).collect();
    h.sort_unstable();
    h
}

fn check(at: &str, en: &str, bad: &mut Vec<String>) {
    match chinese(en) {
        None => bad.push(format!("{at}: no Chinese for {en:?}")),
        Some(zh) if en.chars().any(|c| c.is_ascii_alphabetic()) && !zh.chars().any(is_chinese) => {
            bad.push(format!("{at}: {zh:?} is not Chinese (English {en:?})"))
        }
        Some(zh) if holes(en) != holes(zh) => bad.push(format!("{at}: holes differ: {en:?} / {zh:?}")),
        Some(_) => {}
    }
}

/// The coverage check for the core's texts.
#[test]
fn every_core_text_has_its_chinese() {
    let templates = core_templates();
    assert!(
        templates.len() > 100,
        "only {} templates found: is the scanner still reading the core?",
        templates.len()
    );
    let mut bad = Vec::new();
    for (at, t) in &templates {
        check(at, t, &mut bad);
    }
    for t in fixed_texts() {
        check("fixed", t, &mut bad);
    }
    assert!(bad.is_empty(), "{} core texts lack their Chinese:\n{}", bad.len(), bad.join("\n"));
}

/// An entry nothing uses is a translation of a text that changed: the text now shows in English.
#[test]
fn every_entry_translates_something() {
    let mut used: Vec<String> = core_templates().into_iter().map(|(_, t)| t).collect();
    used.extend(fixed_texts().into_iter().map(str::to_owned));
    let mut seen = std::collections::BTreeSet::new();
    let mut stale = Vec::new();
    for (en, _) in TABLES.iter().flat_map(|t| t.iter()) {
        if !seen.insert(*en) {
            stale.push(format!("{en:?} twice"));
        } else if !used.iter().any(|u| u == en) {
            stale.push(format!("{en:?} is not a core text"));
        }
    }
    assert!(stale.is_empty(), "{} stale entries:\n{}", stale.len(), stale.join("\n"));
}

#[test]
fn a_sentence_is_translated_with_the_words_inside_it() {
    let cfg = halab_core::lock::config::LockConfig::default();
    let (who, token) = (cfg.name(halab_core::lock::config::FIRST_CLIENT), 4u64);
    let m = halab_core::msg!("{who} holds the lock, token {token}", who, token);
    set_lang(Lang::Zh);
    let zh = msg(&m);
    set_lang(Lang::En);
    assert_eq!(msg(&m), "client 1 holds the lock, token 4");
    assert!(zh.contains('4') && zh.chars().any(is_chinese) && !zh.contains("client"), "{zh}");
}
