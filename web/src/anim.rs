//! A `requestAnimationFrame` loop that lives as long as its handle: the page starts one when it
//! mounts and drops it when it unmounts; and the monotonic clock pages time their work with.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

type FrameFn = Closure<dyn FnMut(f64)>;

/// Calls `on_frame(ms since the previous frame)` on every animation frame until dropped.
pub struct FrameLoop {
    id: Rc<Cell<Option<i32>>>,
    slot: Rc<RefCell<Option<FrameFn>>>,
}

impl FrameLoop {
    /// `None` outside a browser window.
    pub fn start(mut on_frame: impl FnMut(f64) + 'static) -> Option<FrameLoop> {
        let window = web_sys::window()?;
        let id = Rc::new(Cell::new(None));
        let slot: Rc<RefCell<Option<FrameFn>>> = Rc::default();
        let (next_id, next_slot) = (id.clone(), Rc::downgrade(&slot));
        let mut last: Option<f64> = None;
        let closure = FrameFn::new(move |ts: f64| {
            let dt = last.map_or(0.0, |l| (ts - l).max(0.0));
            last = Some(ts);
            on_frame(dt);
            // Re-arm unless the handle was dropped meanwhile.
            let (Some(slot), Some(w)) = (next_slot.upgrade(), web_sys::window()) else {
                return;
            };
            if let Some(f) = slot.borrow().as_ref() {
                next_id.set(w.request_animation_frame(f.as_ref().unchecked_ref()).ok());
            };
        });
        id.set(window.request_animation_frame(closure.as_ref().unchecked_ref()).ok());
        *slot.borrow_mut() = Some(closure);
        Some(FrameLoop { id, slot })
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        if let (Some(id), Some(w)) = (self.id.take(), web_sys::window()) {
            let _ = w.cancel_animation_frame(id);
        }
        self.slot.borrow_mut().take();
    }
}

/// Milliseconds from a monotonic clock: `performance.now()` in the browser.
#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

/// Milliseconds from a monotonic clock (native tests).
#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}
