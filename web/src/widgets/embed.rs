//! Embedding (issue 15): the **Embed** control every page has, which gives the iframe HTML for
//! the scenario on screen, and the snippet a host page adds so each widget reports its height.
//!
//! An embedded page (`embed=1`) posts `{source: "halab", type: "resize", height, href}` to its
//! parent whenever its content changes height (`static/index.html`); [`HOST_SCRIPT`] sets the
//! height of the iframe the message came from.

use crate::url;
use yew::prelude::*;

/// What the host page adds once: it sizes each HA Lab iframe to the height the widget reports.
pub const HOST_SCRIPT: &str = "<script>addEventListener(\"message\",function(e){var d=e.data;\
if(!d||d.source!==\"halab\"||d.type!==\"resize\")return;document.querySelectorAll(\"iframe\").forEach(\
function(f){if(f.contentWindow===e.source)f.style.height=d.height+\"px\"})});</script>";

/// A first height for a page's widget, in px, before it reports its own.
pub fn initial_height(page: &str, diagram: bool) -> u32 {
    match (page, diagram) {
        (_, true) => 380,
        ("ring", _) => 520,
        ("avail", _) => 500,
        ("lb", _) => 460,
        _ => 430,
    }
}

/// The iframe for `src` (an absolute URL with `embed=1`), followed by the host script.
pub fn embed_code(src: &str, title: &str, height: u32) -> String {
    let title = title.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    let src = src.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<iframe src=\"{src}\" title=\"{title}\" width=\"100%\" height=\"{height}\" style=\"border:0;max-width:720px\" loading=\"lazy\"></iframe>\n{HOST_SCRIPT}"
    )
}

/// `query` as an embed: `embed=1` added (once), a guided-path step (`learn=`) dropped: a
/// widget in someone's page records no progress.
pub fn embed_query(query: &str) -> String {
    let mut parts: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty() && *kv != "embed=1" && !kv.starts_with("learn="))
        .collect();
    parts.push("embed=1");
    parts.join("&")
}

#[derive(Properties, PartialEq)]
pub struct EmbedButtonProps {
    /// The query to embed (the page's share link), asked for when the panel opens.
    pub query: Callback<(), String>,
    /// The widget's title, for the iframe's `title` (screen readers announce it).
    pub title: AttrValue,
    pub page: &'static str,
    #[prop_or_default]
    pub diagram: bool,
}

/// **Embed**: opens a panel with the iframe code for the scenario on screen, and a Copy button.
#[function_component(EmbedButton)]
pub fn embed_button(p: &EmbedButtonProps) -> Html {
    let code = use_state(|| None::<String>);
    let copied = use_state(|| None::<bool>);
    let toggle = {
        let (code, copied, query, title, page, diagram) =
            (code.clone(), copied.clone(), p.query.clone(), p.title.clone(), p.page, p.diagram);
        Callback::from(move |_: MouseEvent| {
            copied.set(None);
            if code.is_some() {
                code.set(None);
            } else {
                let src = url::absolute(&embed_query(&query.emit(())));
                code.set(Some(embed_code(&src, &title, initial_height(page, diagram))));
            }
        })
    };
    let panel = code.as_ref().map(|text| {
        let copy = {
            let (text, copied) = (text.clone(), copied.clone());
            Callback::from(move |_: MouseEvent| {
                let copied = copied.clone();
                url::copy_then(text.clone(), move |ok| copied.set(Some(ok)));
            })
        };
        let result = match *copied {
            Some(true) => html! { <span class="share-result ok" data-testid="embed-copied">{ tr!("✓ copied", "✓ 已复制") }</span> },
            Some(false) => html! { <span class="share-result">{ tr!("select the code and copy it", "请选中代码手动复制") }</span> },
            None => html! {},
        };
        html! {
            <div class="embed-panel" data-testid="embed-panel">
                <label>
                    <span>{ tr!("Paste this into your page: the widget replays this scenario to this instant and sizes itself.",
                                "把这段代码粘贴到你的页面：小组件会重放这个场景到此刻，并自动调整高度。") }</span>
                    <textarea readonly=true rows="4" value={text.clone()} data-testid="embed-code"
                        onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().select())} />
                </label>
                <p><button type="button" onclick={copy} data-testid="embed-copy">{ tr!("Copy", "复制") }</button>
                    { result }<a href="embed" target="_blank" rel="noopener">{ tr!("How embedding works", "嵌入说明") }</a></p>
            </div>
        }
    });
    html! {
        <span class="embed-control">
            <button type="button" onclick={toggle} data-testid="embed" aria-expanded={code.is_some().to_string()}
                title={tr!("Embed this scenario in a web page", "把这个场景嵌入网页")}>{ tr!("</> Embed", "</> 嵌入") }</button>
            { for panel }
        </span>
    }
}

/// [`HOST_SCRIPT`]'s work, for this site's own pages that frame widgets (`selector` picks the
/// iframes). Returns the effect's cleanup.
pub fn listen_for_heights(selector: &'static str) -> impl FnOnce() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let data = e.data();
        let get = |k: &str| js_sys::Reflect::get(&data, &k.into()).ok();
        if get("source").and_then(|v| v.as_string()).as_deref() != Some("halab") {
            return;
        }
        let Some(height) = get("height").and_then(|v| v.as_f64()) else { return };
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let Ok(frames) = doc.query_selector_all(selector) else { return };
        for i in 0..frames.length() {
            let Some(frame) = frames.item(i).and_then(|f| f.dyn_into::<web_sys::HtmlIFrameElement>().ok())
            else {
                continue;
            };
            let same = frame.content_window().is_some_and(|w| {
                e.source().is_some_and(|s| wasm_bindgen::JsValue::from(w) == wasm_bindgen::JsValue::from(s))
            });
            if same {
                // The style, not the attribute: a page's CSS may size its frames (the home page's
                // cards do), and a style attribute wins over it as the host script's does.
                let px = height.clamp(120.0, 2000.0).round();
                let _ = frame.set_attribute("style", &format!("height: {px}px"));
            }
        }
    });
    let window = web_sys::window();
    if let Some(w) = &window {
        let _ = w.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
    }
    move || {
        if let Some(w) = window {
            let _ = w.remove_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
        }
    }
}
