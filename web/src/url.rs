//! The address bar is the scenario. This module holds the page's own view keys (`embed`,
//! `speed`, `t`; the scenario keys belong to `halab_core::scenario::url`) and the little glue to
//! `location`, `history` and the clipboard. Browser calls never throw into Rust: each one that
//! can fail returns `Option`/`bool`.

use halab_core::protocol::{Micros, SEC};
use halab_core::scenario::units::parse_duration;
use std::collections::BTreeMap;

/// Real-time multiplier when the URL names none: a 1–10 ms message takes 20–200 ms on screen
/// and an election timeout (150–300 ms) a few seconds, slow enough to follow.
pub const DEFAULT_SPEED: f64 = 0.05;
pub const MIN_SPEED: f64 = 0.01;
pub const MAX_SPEED: f64 = 100.0;
/// `t=` beyond this would keep the tab busy for long on open.
pub const MAX_T: Micros = 3_600 * SEC;

/// The view keys, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewOpts {
    pub embed: bool,
    pub speed: f64,
    /// Run to this instant on open and pause there.
    pub t: Option<Micros>,
    /// `view=diagram`: the space-time diagram instead of the cluster (embedded), or first
    /// (on the page).
    pub diagram: bool,
    /// `learn=<step id>`: this run is a step of the guided path (`crate::learn`; the
    /// playground looks the step up, so the pages without one do not carry the steps).
    pub learn: Option<String>,
}

impl Default for ViewOpts {
    fn default() -> Self {
        ViewOpts { embed: false, speed: DEFAULT_SPEED, t: None, diagram: false, learn: None }
    }
}

/// Parses the view keys; a bad value is reported (by key) and its default used.
pub fn parse_view(view: &BTreeMap<String, String>) -> (ViewOpts, Vec<String>) {
    let mut o = ViewOpts::default();
    let mut errors = Vec::new();
    let mut bad = |key: &str, msg: String| errors.push(view_problem(key, &msg));
    if let Some(v) = view.get("embed") {
        match v.as_str() {
            "1" | "true" | "" => o.embed = true,
            "0" | "false" => o.embed = false,
            other => {
                let got = short(other);
                bad(
                    "embed",
                    trf!("expected 0 or 1, got \"{got}\"", "应为 0 或 1，实际为 \u{201c}{got}\u{201d}"),
                )
            }
        }
    }
    if let Some(v) = view.get("speed") {
        match v.parse::<f64>() {
            Ok(s) if (MIN_SPEED..=MAX_SPEED).contains(&s) => o.speed = s,
            _ => {
                let got = short(v);
                bad(
                    "speed",
                    trf!(
                        "expected a number from {MIN_SPEED} to {MAX_SPEED}, got \"{got}\"",
                        "应为 {MIN_SPEED} 到 {MAX_SPEED} 之间的数，实际为 \u{201c}{got}\u{201d}"
                    ),
                )
            }
        }
    }
    if let Some(v) = view.get("view") {
        match v.as_str() {
            "diagram" => o.diagram = true,
            "cluster" | "" => o.diagram = false,
            other => {
                let got = short(other);
                bad(
                    "view",
                    trf!(
                        "expected cluster or diagram, got \"{got}\"",
                        "应为 cluster 或 diagram，实际为 \u{201c}{got}\u{201d}"
                    ),
                )
            }
        }
    }
    if let Some(v) = view.get("learn") {
        o.learn = Some(v.clone());
    }
    if let Some(v) = view.get("t") {
        match parse_duration(v) {
            Ok(t) if t <= MAX_T => o.t = Some(t),
            Ok(_) => bad("t", tr!("at most 3600s", "最多 3600s").into()),
            Err(e) => bad("t", crate::i18n::zh_core::msg(&e)),
        }
    }
    (o, errors)
}

/// The banner text for a view key with a bad value (its default is used).
pub fn view_problem(key: &str, msg: &str) -> String {
    trf!(
        "This link has a problem in \u{201c}{key}\u{201d}: {msg}. Using the default.",
        "链接中的 \u{201c}{key}\u{201d} 有问题：{msg}。改用默认值。"
    )
}

/// The banner text for a link the scenario codec refused: which key, why, and what runs instead.
pub fn link_problem(field: &str, message: &str) -> String {
    trf!(
        "This link has a problem in \u{201c}{field}\u{201d}: {message}. Showing the default scenario instead.",
        "链接中的 \u{201c}{field}\u{201d} 有问题：{message}。改为显示默认场景。"
    )
}

/// The value of `key` in a query (with or without `?`), the first if it is given twice.
pub fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
}

/// Whether a query that failed to decode still asked for embed mode, so that a broken link in an
/// iframe shows its banner inside the small embed layout rather than the whole site.
pub fn salvage_embed(query: &str) -> bool {
    query.trim_start_matches('?').split('&').any(|p| p == "embed=1")
}

/// The query last written to the address bar, so that a page writes only what changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Written(String);

impl Written {
    /// Records `query` as written (when the page opens, the address already holds it).
    pub fn set(&mut self, query: String) {
        self.0 = query;
    }

    /// `query` if it differs from what was written last, which it becomes.
    pub fn change(&mut self, query: String) -> Option<String> {
        (query != self.0).then(|| {
            self.0.clone_from(&query);
            query
        })
    }
}

/// Opens a page that has no clock (the ring lab, availability): decodes `query` (adding
/// `p=<page>` when it names no page) with the page's codec, keeps `embed` from the view keys
/// (`speed` and `t` mean nothing there), and on a decode error reports it and falls back to the
/// default scenario. Returns (scenario, embed, banner messages).
pub fn open_static_page<S: Default>(
    query: &str,
    page: &str,
    decode: impl Fn(&str) -> Result<(S, BTreeMap<String, String>), halab_core::scenario::ScenarioError>,
) -> (S, bool, Vec<String>) {
    let query = query.trim_start_matches('?');
    let full = if crate::playground::model::has_key(query, "p") {
        query.to_owned()
    } else {
        format!("p={page}&{query}")
    };
    match decode(&full) {
        Ok((scenario, view)) => {
            let view: BTreeMap<String, String> = view.into_iter().filter(|(k, _)| k == "embed").collect();
            let (opts, errors) = parse_view(&view);
            (scenario, opts.embed, errors)
        }
        Err(e) => (
            S::default(),
            salvage_embed(query),
            vec![link_problem(&e.field, &crate::i18n::zh_core::msg(&e.message))],
        ),
    }
}

fn short(s: &str) -> String {
    halab_core::scenario::units::shorten(s)
}

/// Two significant digits, no trailing zeros: `0.05`, `1.3`, `25`.
pub fn format_speed(s: f64) -> String {
    let s = round_speed(s);
    let decimals = if s >= 10.0 { 0 } else { (1.0 - s.log10().floor()).max(0.0) as usize };
    let text = format!("{s:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// Rounds to two significant digits, so a log-scale slider gives readable speeds.
pub fn round_speed(s: f64) -> f64 {
    if !s.is_finite() || s <= 0.0 {
        return DEFAULT_SPEED;
    }
    let mag = 10f64.powf(s.log10().floor() - 1.0);
    ((s / mag).round() * mag).clamp(MIN_SPEED, MAX_SPEED)
}

// ---------------------------------------------------------------------------------------------
// Browser glue

/// `location.pathname + location.search`, or `/` if unavailable.
pub fn current_location() -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return "/".into();
    };
    let path = loc.pathname().unwrap_or_else(|_| "/".into());
    let search = loc.search().unwrap_or_default();
    format!("{path}{search}")
}

/// `location.search` without its `?`.
pub fn current_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|s| s.trim_start_matches('?').to_owned())
        .unwrap_or_default()
}

/// Replaces the query of the current address without reloading or adding history. A `lang=`
/// the address had is kept.
pub fn replace_query(query: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let path = window.location().pathname().unwrap_or_else(|_| "/".into());
    let query = crate::i18n::keep_lang(query, &window.location().search().unwrap_or_default());
    let address = if query.is_empty() { path } else { format!("{path}?{query}") };
    let Ok(history) = window.history() else {
        return false;
    };
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address)).is_ok()
}

/// `/halab/raft` with `paxos` → `/halab/paxos`: the path with its last segment replaced.
pub fn with_last_segment(path: &str, segment: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    let base = trimmed.rsplit_once('/').map_or("", |(base, _)| base);
    format!("{base}/{segment}")
}

/// Points the address at another page (same base path and query) without reloading.
pub fn replace_page(segment: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let loc = window.location();
    let path = with_last_segment(&loc.pathname().unwrap_or_default(), segment);
    let search = loc.search().unwrap_or_default();
    let Ok(history) = window.history() else {
        return false;
    };
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{search}"))).is_ok()
}

/// The absolute URL of this page with the given query.
pub fn absolute(query: &str) -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return format!("?{query}");
    };
    let origin = loc.origin().unwrap_or_default();
    let path = loc.pathname().unwrap_or_else(|_| "/".into());
    let query = crate::i18n::keep_lang(query, &loc.search().unwrap_or_default());
    format!("{origin}{path}?{query}")
}

/// The absolute URL of another page of this site (same base path) with the given query.
pub fn absolute_page(segment: &str, query: &str) -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return format!("{segment}?{query}");
    };
    let origin = loc.origin().unwrap_or_default();
    let path = with_last_segment(&loc.pathname().unwrap_or_default(), segment);
    format!("{origin}{path}?{query}")
}

/// `localStorage`, if the browser keeps one (some private modes do not).
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Copies text with `navigator.clipboard`; false if the browser has none or refuses.
pub async fn copy_to_clipboard(text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    // `clipboard` is undefined outside secure contexts; calling into undefined would throw.
    let Ok(clip) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else {
        return false;
    };
    let Ok(clip) = clip.dyn_into::<web_sys::Clipboard>() else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(clip.write_text(text)).await.is_ok()
}

/// Copies `link` in the background, then calls `done(copied)`. Share buttons use it: the page
/// shows the link at once and the outcome when the browser answers.
pub fn copy_then(link: String, done: impl FnOnce(bool) + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        let ok = copy_to_clipboard(&link).await;
        done(ok);
    });
}

/// Starts a download of `text` as `name`: a Blob, an object URL and a temporary `<a download>`.
/// False if the browser refused any step.
pub fn download(name: &str, mime: &str, text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else { return false };
    let Some(document) = window.document() else { return false };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return false };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return false };
    let Some(a) =
        document.create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoke once the download has had time to start.
    wasm_bindgen_futures::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_secs(10)).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn view_keys_parse_and_fall_back() {
        let (o, e) = parse_view(&view(&[("embed", "1"), ("speed", "2.5"), ("t", "1.5s")]));
        assert!(e.is_empty());
        assert_eq!(o, ViewOpts { embed: true, speed: 2.5, t: Some(1_500_000), diagram: false, learn: None });
        let (o, e) = parse_view(&view(&[("speed", "1000"), ("t", "2h"), ("embed", "x")]));
        assert_eq!(o, ViewOpts::default());
        assert_eq!(e.len(), 3);
        assert!(e[0].contains("\u{201c}embed\u{201d}"));
    }

    #[test]
    fn a_key_is_found_whole() {
        assert_eq!(query_value("?p=raft&lang=zh", "lang"), Some("zh"));
        assert_eq!(query_value("language=x&lang=en&lang=zh", "lang"), Some("en"));
        assert_eq!(query_value("p=raft", "lang"), None);
        assert_eq!(query_value("lang", "lang"), None);
    }

    #[test]
    fn the_last_segment_is_replaced() {
        assert_eq!(with_last_segment("/raft", "paxos"), "/paxos");
        assert_eq!(with_last_segment("/halab/raft/", "paxos"), "/halab/paxos");
        assert_eq!(with_last_segment("/", "paxos"), "/paxos");
    }

    #[test]
    fn speeds_print_short() {
        assert_eq!(format_speed(0.05), "0.05");
        assert_eq!(format_speed(0.0501187), "0.05");
        assert_eq!(format_speed(1.0), "1");
        assert_eq!(format_speed(1.2589), "1.3");
        assert_eq!(format_speed(25.11), "25");
        assert_eq!(format_speed(100.0), "100");
        assert_eq!(format_speed(0.01), "0.01");
        for s in ["0.05", "1.3", "25", "0.012"] {
            let v: f64 = s.parse().unwrap_or(0.0);
            assert_eq!(format_speed(v), s);
        }
    }
}
