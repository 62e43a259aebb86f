//! Last line of defence: if a panic ever happens (it should not: nothing that depends on input
//! or on the browser is unwrapped), show a plain-text banner instead of a silently dead page.

/// Installs the hook (browser only; native tests keep the default one).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&msg.as_str().into());
        show_banner(&msg);
    }));
}

fn show_banner(msg: &str) -> Option<()> {
    let doc = web_sys::window()?.document()?;
    let div = doc.create_element("div").ok()?;
    div.set_class_name("banner error panic");
    div.set_attribute("role", "alert").ok()?;
    div.set_attribute("data-testid", "panic-banner").ok()?;
    // Text, never HTML: the message may quote user input.
    div.set_text_content(Some(&trf!(
        "Something went wrong inside HA Lab and the page stopped. Reloading usually helps; \
         please report this message: {msg}",
        "HA Lab 内部出错，页面已停止运行。重新加载通常可以解决；请报告这条消息：{msg}"
    )));
    doc.body()?.prepend_with_node_1(&div).ok()
}
