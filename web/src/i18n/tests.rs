use super::*;
use std::path::Path;

#[test]
fn the_url_wins_then_the_saved_choice_then_the_browser() {
    let browser = |tags: &[&str]| tags.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    assert_eq!(choose(Some("zh"), Some("en"), &browser(&["en-US"])), Lang::Zh);
    assert_eq!(choose(Some("klingon"), Some("zh"), &browser(&["en-US"])), Lang::Zh);
    assert_eq!(choose(None, None, &browser(&["fr-FR", "zh-TW", "en"])), Lang::Zh);
    assert_eq!(choose(None, None, &browser(&["fr-FR"])), Lang::En);
    assert_eq!(choose(None, Some("garbage"), &browser(&["zh-Hans-CN"])), Lang::Zh);
    assert_eq!(Lang::parse("ZH_cn"), Some(Lang::Zh));
    assert_eq!(Lang::parse("e"), None);
}

#[test]
fn lang_rides_along_in_the_query() {
    assert_eq!(lang_in_query("?p=raft&lang=zh&n=5"), Some("zh"));
    assert_eq!(with_lang("p=raft&lang=en&n=5", Lang::Zh), "p=raft&n=5&lang=zh");
    assert_eq!(with_lang("", Lang::En), "lang=en");
    assert_eq!(keep_lang("p=raft&n=5", "?p=raft&lang=zh"), "p=raft&n=5&lang=zh");
    assert_eq!(keep_lang("", "?lang=zh"), "lang=zh");
    assert_eq!(keep_lang("p=raft&lang=en", "?lang=zh"), "p=raft&lang=en");
    assert_eq!(keep_lang("p=raft", "?p=raft"), "p=raft");
}

#[test]
fn the_macros_pick_by_the_current_language() {
    let n = 3;
    set_lang(Lang::Zh);
    assert_eq!(tr!("Play", "运行"), "运行");
    assert_eq!(trf!("{n} nodes", "{n} 个节点"), "3 个节点");
    set_lang(Lang::En);
    assert_eq!(tr!("Play", "运行"), "Play");
    assert_eq!(trf!("{n} nodes", "{n} 个节点"), "3 nodes");
}

/// Strings that are the same in both languages: names, units, symbols.
const SAME_IN_BOTH: &[&str] = &["HA Lab", "Raft", "Paxos", "2PC/3PC", "English", "中文"];

/// A `tr!`/`trf!` pair found in the sources, with where it is.
struct Pair {
    at: String,
    en: String,
    zh: String,
}

/// Reads a string literal at the start of `s` (after whitespace): its value and the rest.
pub(crate) fn literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '\n' => {
                    // A line continuation: skip the next line's indentation.
                    while chars.clone().next().is_some_and(|(_, c)| c.is_whitespace()) {
                        chars.next();
                    }
                }
                'u' => {
                    let rest = &body[i + 2..];
                    let end = rest.find('}')?;
                    let code = u32::from_str_radix(&rest[1..end], 16).ok()?;
                    out.push(char::from_u32(code)?);
                    for _ in 0..=end {
                        chars.next();
                    }
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

fn pairs_in(file: &Path, text: &str, found: &mut Vec<Pair>, broken: &mut Vec<String>) {
    let mut starts: Vec<usize> =
        text.match_indices("tr").chain(text.match_indices("txt!(")).map(|(i, _)| i).collect();
    starts.sort_unstable();
    for start in starts {
        let rest = &text[start..];
        let Some(args) = rest
            .strip_prefix("tr!(")
            .or_else(|| rest.strip_prefix("trf!("))
            .or_else(|| rest.strip_prefix("txt!("))
        else {
            continue;
        };
        // Skip the macros' own definitions and identifiers that end in `tr`.
        if text[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let line = text[..start].matches('\n').count() + 1;
        let at = format!("{}:{line}", file.display());
        let parsed = literal(args).and_then(|(en, rest)| {
            let rest = rest.trim_start().strip_prefix(',')?;
            literal(rest).map(|(zh, _)| (en, zh))
        });
        match parsed {
            Some((en, zh)) => found.push(Pair { at, en, zh }),
            None if args.trim_start().starts_with('$') => {} // the macro definitions
            None => broken.push(at),
        }
    }
}

pub(crate) fn sources(dir: &Path, out: &mut Vec<(std::path::PathBuf, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.clone(), std::fs::read_to_string(&path).unwrap_or_default()));
        }
    }
}

fn placeholders(s: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name.split(':').next().unwrap_or("").to_owned()))
        .filter(|name| !name.is_empty() || s.contains("{}"))
        .collect();
    out.sort();
    out
}

pub(crate) fn is_chinese(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}')
}

/// The coverage check: every pair in `web/src` has a Chinese side that is Chinese (or a name
/// that reads the same in both) and takes the same `{placeholders}` as the English.
#[test]
fn every_pair_is_complete() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let (mut pairs, mut broken) = (Vec::new(), Vec::new());
    for (path, text) in &files {
        if path.ends_with("i18n/tests.rs") {
            continue;
        }
        pairs_in(path.strip_prefix(&root).unwrap_or(path), text, &mut pairs, &mut broken);
    }
    assert!(broken.is_empty(), "tr!/trf!/txt! must take two plain string literals: {broken:?}");
    assert!(pairs.len() > 100, "only {} pairs found: is the scanner still reading the sources?", pairs.len());
    let mut bad = Vec::new();
    for p in &pairs {
        let has_letters = p.en.chars().any(|c| c.is_ascii_alphabetic());
        if p.zh.trim().is_empty() && !p.en.trim().is_empty() {
            bad.push(format!("{}: no Chinese for {:?}", p.at, p.en));
        } else if has_letters && !p.zh.chars().any(is_chinese) && !SAME_IN_BOTH.contains(&p.zh.as_str()) {
            bad.push(format!("{}: {:?} is not Chinese (English {:?})", p.at, p.zh, p.en));
        }
        // `{s}` is an English plural ending; Chinese has none.
        let mut en_names = placeholders(&p.en);
        if !p.zh.contains("{s}") {
            en_names.retain(|n| n != "s");
        }
        if en_names != placeholders(&p.zh) {
            bad.push(format!("{}: placeholders differ: {:?} / {:?}", p.at, p.en, p.zh));
        }
    }
    assert!(bad.is_empty(), "{} incomplete pairs:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn the_scanner_reads_what_the_macros_take() {
    let src = "let a = txt!(\"Play\", \"运行\");\nlet b = trf!(\n  \"{n} nodes\",\n  \"{n} 个\\u{8282}点\",\n);\nlet c = tr!(x, y);";
    let (mut pairs, mut broken) = (Vec::new(), Vec::new());
    pairs_in(Path::new("x.rs"), src, &mut pairs, &mut broken);
    assert_eq!(pairs.len(), 2);
    assert_eq!(pairs[1].zh, "{n} 个节点");
    assert_eq!(broken, vec!["x.rs:6".to_string()]);
    assert_eq!(placeholders("{a} and {b:.1}"), vec!["a", "b"]);
}
