//! Ways to break things: the per-node menu (drawn over the cluster picture) and the network
//! panel (client write where the protocol takes them, heal, loss, partition the selected nodes).

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// One entry of a node menu; `key` is what the page receives.
#[derive(Clone, Debug, PartialEq)]
pub struct MenuItem {
    pub key: &'static str,
    pub label: String,
    pub enabled: bool,
}

#[derive(Properties, PartialEq)]
pub struct NodeMenuProps {
    pub title: String,
    /// Where the node is, in percent of the picture (see `cluster::position_pct`).
    pub x: f64,
    pub y: f64,
    pub items: Vec<MenuItem>,
    pub on_pick: Callback<&'static str>,
}

#[function_component(NodeMenu)]
pub fn node_menu(p: &NodeMenuProps) -> Html {
    // Open toward the middle of the picture so the menu stays inside it.
    let horiz = if p.x > 50.0 {
        format!("right: {:.1}%", 100.0 - p.x + 4.0)
    } else {
        format!("left: {:.1}%", p.x + 4.0)
    };
    let vert = if p.y > 50.0 { format!("bottom: {:.1}%", 100.0 - p.y) } else { format!("top: {:.1}%", p.y) };
    let items = p.items.iter().map(|it| {
        let key = it.key;
        let onclick = p.on_pick.reform(move |e: MouseEvent| {
            e.stop_propagation();
            key
        });
        html! {
            <li><button role="menuitem" data-testid={format!("menu-{key}")} disabled={!it.enabled} {onclick}>{ &it.label }</button></li>
        }
    });
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="node-menu" role="menu" aria-label={p.title.clone()} data-testid="node-menu"
            style={format!("{horiz}; {vert}")} onclick={stop}>
            <p class="menu-title">{ &p.title }</p>
            <ul>{ for items }</ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct NetworkProps {
    /// Sends a client write; `None` where the protocol's clients make their own work.
    #[prop_or_default]
    pub on_write: Option<Callback<()>>,
    /// Where a write goes, e.g. "the leader (node 2)".
    #[prop_or_default]
    pub write_hint: String,
    pub on_heal: Callback<()>,
    /// Something is cut or partitioned.
    pub damaged: bool,
    /// Loss probability in parts per million.
    pub loss_ppm: u32,
    pub on_loss: Callback<u32>,
    pub selected: Vec<u8>,
    pub nodes: u8,
    pub on_partition: Callback<()>,
    pub on_clear: Callback<()>,
    #[prop_or_default]
    pub disabled: bool,
}

/// The loss slider goes up to this (ppm); more than half the messages lost is no longer a
/// network, just noise.
pub const MAX_LOSS_SLIDER: u32 = 500_000;

#[function_component(NetworkPanel)]
pub fn network_panel(p: &NetworkProps) -> Html {
    let on_loss = {
        let cb = p.on_loss.clone();
        // `change`, not `input`: one fault per release, not one per pixel dragged.
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(pct) = input.value().parse::<f64>() {
                cb.emit((pct * 10_000.0).round().clamp(0.0, 1e6) as u32);
            }
        })
    };
    let pct = f64::from(p.loss_ppm) / 10_000.0;
    let sel = &p.selected;
    let can_partition = !sel.is_empty() && sel.len() < usize::from(p.nodes) && !p.disabled;
    let sel_text = if sel.is_empty() {
        tr!(
            "Select nodes (node menu → select) to split the cluster.",
            "选择节点（节点菜单 → 选择）来分割集群。"
        )
        .to_owned()
    } else {
        let names: Vec<String> = sel.iter().map(u8::to_string).collect();
        let names = names.join(", ");
        trf!("selected: {names}", "已选：{names}")
    };
    html! {
        <div class="network">
            if let Some(on_write) = &p.on_write {
                <div class="row">
                    <button data-testid="write" onclick={on_write.reform(|_: MouseEvent| ())} disabled={p.disabled}
                        title={{ let hint = &p.write_hint; trf!("submit a client write to {hint}", "向 {hint} 提交一次客户端写入") }}>{ tr!("✎ Client write", "✎ 客户端写入") }</button>
                    <span class="muted">{ format!("→ {}", p.write_hint) }</span>
                </div>
            }
            <div class="row">
                <button data-testid="heal" onclick={p.on_heal.reform(|_: MouseEvent| ())} disabled={p.disabled || !p.damaged}
                    title={tr!("mend every cut link and partition", "修复所有被切断的链路和分区")}>{ tr!("✚ Heal network", "✚ 修复网络") }</button>
                <span class="muted">{ if p.damaged { tr!("some links are cut: click one to mend it", "有链路被切断：点击可修复") } else { tr!("click a link to cut it", "点击链路可切断它") } }</span>
            </div>
            <label class="row loss">
                <span>{ tr!("message loss", "消息丢失率") }</span>
                <input type="range" data-testid="loss" aria-label={tr!("message loss", "消息丢失率")} min="0"
                    max={(MAX_LOSS_SLIDER / 10_000).to_string()} step="1" value={format!("{pct:.0}")}
                    onchange={on_loss} disabled={p.disabled} />
                <output>{ format!("{}%", trim(pct)) }</output>
            </label>
            <div class="row partition">
                <button data-testid="partition" onclick={p.on_partition.reform(|_: MouseEvent| ())} disabled={!can_partition}
                    title={tr!("cut every link between the selected nodes and the rest", "切断所选节点与其余节点之间的所有链路")}>{ tr!("✂ Partition selected | rest", "✂ 分区：所选 | 其余") }</button>
                if !sel.is_empty() {
                    <button class="link-button" onclick={p.on_clear.reform(|_: MouseEvent| ())}>{ tr!("clear", "清除") }</button>
                }
                <span class="muted">{ sel_text }</span>
            </div>
        </div>
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}
