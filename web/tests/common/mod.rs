//! What the browser tests share: mounting the app, reading the DOM without panicking, and
//! [`until`], the one way a test waits.
//!
//! A test never waits for one timer tick or a fixed time. Yew renders on its own scheduler, some
//! pages defer work past the next paint, and on a busy machine any of that can take seconds. So
//! after every mount and every action a test polls the condition it is about to assert, with a
//! generous deadline, and on timeout says what it waited for and what it last saw. The checks
//! inside are as strict as plain assertions; only the waiting differs.
#![allow(dead_code)] // not every test file uses every helper

use std::cell::RefCell;

use halab_web::{App, AppProps};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::AppHandle;

/// How long [`until`] waits by default. Generous: a loaded 2-core machine can stall the browser
/// for seconds; a passing check returns at its first success, so this costs nothing then.
pub const DEADLINE_MS: f64 = 20_000.0;
/// How often [`until`] looks again.
const POLL_MS: u32 = 20;

/// `Err(message)` from a check inside [`until`] unless `$cond` holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        let holds: bool = $cond;
        if !holds {
            return Err(format!($($msg)+));
        }
    };
}

/// `Err` naming both sides from a check inside [`until`] unless `$a == $b`.
macro_rules! ensure_eq {
    ($a:expr, $b:expr $(,)?) => {
        ensure_eq!($a, $b, "{}", stringify!($a))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        match (&$a, &$b) {
            (a, b) => {
                if a != b {
                    return Err(format!("{}: got {:?}, expected {:?}", format!($($msg)+), a, b));
                }
            }
        }
    };
}

/// Polls `check` until it returns `Ok`, and returns that value. Panics after [`DEADLINE_MS`]
/// with `what` and the last `Err` the check gave.
pub async fn until<T>(what: &str, check: impl FnMut() -> Result<T, String>) -> T {
    until_within(DEADLINE_MS, what, check).await
}

/// [`until`] with its own deadline, for work that is slow even on an idle machine.
pub async fn until_within<T>(
    deadline_ms: f64,
    what: &str,
    mut check: impl FnMut() -> Result<T, String>,
) -> T {
    let start = js_sys::Date::now();
    let mut polls = 0u32;
    loop {
        polls += 1;
        match check() {
            Ok(v) => return v,
            Err(last) => {
                let waited = js_sys::Date::now() - start;
                if waited >= deadline_ms {
                    panic!("waited {:.1} s ({polls} looks) for {what}; last saw: {last}", waited / 1_000.0);
                }
            }
        }
        gloo_timers::future::TimeoutFuture::new(POLL_MS).await;
    }
}

thread_local! {
    /// Apps mounted by earlier tests (one page runs them all), destroyed by the next mount so
    /// their frame loops stop and the document holds one app at a time.
    static MOUNTED: RefCell<Vec<(AppHandle<App>, Element)>> = const { RefCell::new(Vec::new()) };
}

/// Destroys the apps mounted so far, mounts the app at `location` in a fresh element, and waits
/// until it has rendered something.
pub async fn mount(location: &'static str) -> Element {
    for (app, root) in MOUNTED.with(|m| m.take()) {
        app.destroy();
        root.remove();
    }
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = AppProps { location: Some(location.into()) };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    MOUNTED.with(|m| m.borrow_mut().push((app, root.clone())));
    until(&format!("the app at {location} to render"), || {
        ensure!(root.first_element_child().is_some(), "an empty root");
        Ok(())
    })
    .await;
    root
}

pub fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

/// The element, or `Err` saying none matches yet.
pub fn find(root: &Element, selector: &str) -> Result<Element, String> {
    root.query_selector(selector).unwrap().ok_or_else(|| format!("no element matches {selector}"))
}

/// An attribute (`""` if the element lacks it), or `Err` if no element matches.
pub fn attr(root: &Element, selector: &str, name: &str) -> Result<String, String> {
    Ok(find(root, selector)?.get_attribute(name).unwrap_or_default())
}

/// An attribute as a number (NaN if it is not one), or `Err` if no element matches.
pub fn num(root: &Element, selector: &str, name: &str) -> Result<f64, String> {
    Ok(attr(root, selector, name)?.parse().unwrap_or(f64::NAN))
}

/// The element's text, or `Err` if no element matches.
pub fn text(root: &Element, selector: &str) -> Result<String, String> {
    Ok(find(root, selector)?.text_content().unwrap_or_default())
}

/// Waits for the element, then clicks it.
pub async fn click(root: &Element, selector: &str) {
    let el: HtmlElement =
        until(&format!("{selector} to click"), || find(root, selector)).await.dyn_into().unwrap();
    el.click();
}

/// Waits for an element that is not an `HtmlElement` (an SVG group), then clicks it with a
/// bubbling click event, which Yew's delegated listeners receive.
pub async fn click_svg(root: &Element, selector: &str) {
    let el = until(&format!("{selector} to click"), || find(root, selector)).await;
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let click = web_sys::Event::new_with_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&click).unwrap();
}
