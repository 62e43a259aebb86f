//! Keyboard shortcuts on the playground pages, as RaftScope has them: space plays and pauses,
//! the arrows step through events, and `?` lists them all.

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    Play,
    Forward,
    Back,
    Latest,
    Faster,
    Slower,
    Help,
    Close,
}

/// The shortcut for a key (`KeyboardEvent.key`), if any. `typing`: the focus is in a text field
/// or a menu, where keys belong to it; `on_button`: the focus is on a button, where space and
/// Enter press the button.
pub fn shortcut(key: &str, typing: bool, on_button: bool) -> Option<Shortcut> {
    if typing {
        return (key == "Escape").then_some(Shortcut::Close);
    }
    Some(match key {
        " " if !on_button => Shortcut::Play,
        "k" | "K" => Shortcut::Play,
        "ArrowRight" | "l" | "L" => Shortcut::Forward,
        "ArrowLeft" | "j" | "J" => Shortcut::Back,
        // Not End: it scrolls the page, and "latest ▶▶" is a button.
        "." => Shortcut::Latest,
        "+" | "=" => Shortcut::Faster,
        "-" | "_" => Shortcut::Slower,
        "?" => Shortcut::Help,
        "Escape" => Shortcut::Close,
        _ => return None,
    })
}

/// The shortcuts, for the help card: (keys, what they do).
pub fn help() -> [(&'static str, &'static str); 7] {
    [
        (tr!("Space or K", "空格 或 K"), tr!("play or pause", "运行或暂停")),
        (tr!("→ or L", "→ 或 L"), tr!("one event forward", "前进一个事件")),
        (tr!("← or J", "← 或 J"), tr!("one event back", "后退一个事件")),
        (tr!(". (full stop)", ".（句点）"), tr!("back to the latest instant", "回到最新时刻")),
        (tr!("+ and −", "+ 和 −"), tr!("twice as fast, half as fast", "加快一倍、减慢一半")),
        (tr!("Esc", "Esc 键"), tr!("close a menu or this list", "关闭菜单或本列表")),
        ("?", tr!("show or hide this list", "显示或隐藏本列表")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_belong_to_fields_and_buttons_where_they_act() {
        assert_eq!(shortcut(" ", false, false), Some(Shortcut::Play));
        assert_eq!(shortcut(" ", false, true), None, "space presses the focused button");
        assert_eq!(shortcut("k", false, true), Some(Shortcut::Play), "K plays wherever the focus is");
        assert_eq!(shortcut("L", false, false), Some(Shortcut::Forward), "caps lock");
        assert_eq!(shortcut("End", false, false), None, "End scrolls the page");
        assert_eq!(shortcut("ArrowRight", false, true), Some(Shortcut::Forward));
        assert_eq!(shortcut("ArrowLeft", true, false), None, "arrows move the caret in a field");
        assert_eq!(shortcut("Escape", true, false), Some(Shortcut::Close));
        assert_eq!(shortcut("x", false, false), None);
        assert_eq!(shortcut("?", false, false), Some(Shortcut::Help));
    }
}
