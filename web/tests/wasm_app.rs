//! Browser test: mounts the app and reads the DOM (`cargo xtask test`, stage `wasm`).
#![cfg(target_arch = "wasm32")]

use halab_web::App;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn app_renders_title() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    // Yew renders on its scheduler; yield once to let it run.
    gloo_timers::future::TimeoutFuture::new(0).await;
    let h1 = root.query_selector("h1").unwrap().expect("an <h1>");
    assert_eq!(h1.text_content().as_deref(), Some("HA Lab"));
}
