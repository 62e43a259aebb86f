//! Run controls (play/pause, step, speed, new seed, share), the status line, and the scenario
//! settings (cluster size, bug switches). Protocol-neutral: pages pass values and callbacks;
//! [`share_button`] is shared by every page, the ring lab's too.

use crate::url::{format_speed, round_speed, MAX_SPEED, MIN_SPEED};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// What the Share control shows after a click.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum ShareView {
    #[default]
    Idle,
    Copying(String),
    Copied(String),
    Failed(String),
}

impl ShareView {
    /// The clipboard answered for `link`: show the outcome, unless a newer click replaced it.
    pub fn settle(&mut self, link: &str, copied: bool) {
        if matches!(self, ShareView::Copying(l) if l == link) {
            *self =
                if copied { ShareView::Copied(link.to_owned()) } else { ShareView::Failed(link.to_owned()) };
        }
    }
}

/// The Share click for any page model: build the link (`link`), show it at once in the model's
/// [`ShareView`] (`view`), then copy it and show the outcome. A model that is busy (a re-entrant
/// event) is left alone rather than panicking.
pub fn share_callback<M: 'static>(
    model: std::rc::Rc<std::cell::RefCell<M>>,
    update: UseForceUpdateHandle,
    link: fn(&mut M) -> String,
    view: fn(&mut M) -> &mut ShareView,
) -> Callback<()> {
    Callback::from(move |()| {
        let url = match model.try_borrow_mut() {
            Ok(mut m) => {
                let url = crate::url::absolute(&link(&mut m));
                *view(&mut m) = ShareView::Copying(url.clone());
                url
            }
            Err(_) => return,
        };
        update.force_update();
        let (model, update) = (model.clone(), update.clone());
        crate::url::copy_then(url.clone(), move |ok| {
            if let Ok(mut m) = model.try_borrow_mut() {
                view(&mut m).settle(&url, ok);
            }
            update.force_update();
        });
    })
}

#[derive(Properties, PartialEq)]
pub struct ShareButtonProps {
    pub on_share: Callback<()>,
    pub share: ShareView,
    /// The button's tooltip: what the link reproduces.
    pub title: AttrValue,
}

/// The Share button and what came of the last click: copied, or the link to copy by hand when
/// the clipboard is unavailable. Every page shares it, so links behave the same everywhere.
pub fn share_button(p: &ShareButtonProps) -> Html {
    let result = match &p.share {
        ShareView::Idle => html! {},
        ShareView::Copying(url) => {
            html! { <span class="share-result" data-testid="share-result" data-url={url.clone()}>{ tr!("copying…", "复制中…") }</span> }
        }
        ShareView::Copied(url) => {
            html! { <span class="share-result ok" data-testid="share-result" data-url={url.clone()}>{ tr!("✓ link copied", "✓ 链接已复制") }</span> }
        }
        ShareView::Failed(url) => html! {
            <label class="share-result" data-testid="share-result" data-url={url.clone()}>
                { tr!("copy this link: ", "请复制这个链接：") }
                <input type="text" readonly=true value={url.clone()} data-testid="share-url"
                    onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select())} />
            </label>
        },
    };
    html! {
        <>
            <button data-testid="share" onclick={p.on_share.reform(|_: MouseEvent| ())} title={p.title.clone()}>{ tr!("⤴ Share", "⤴ 分享") }</button>
            { result }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub playing: bool,
    /// No more events can run (a violation stopped the run).
    #[prop_or_default]
    pub stopped: bool,
    pub speed: f64,
    pub on_play: Callback<()>,
    pub on_step: Callback<()>,
    /// Hidden in embed mode.
    #[prop_or_default]
    pub on_speed: Option<Callback<f64>>,
    #[prop_or_default]
    pub on_new_seed: Option<Callback<()>>,
    #[prop_or_default]
    pub on_share: Option<Callback<()>>,
    #[prop_or_default]
    pub share: ShareView,
}

#[function_component(Toolbar)]
pub fn toolbar(p: &ToolbarProps) -> Html {
    let play = p.on_play.reform(|_: MouseEvent| ());
    let step = p.on_step.reform(|_: MouseEvent| ());
    let (play_text, play_label) = if p.playing {
        (tr!("❚❚ Pause", "❚❚ 暂停"), tr!("pause", "暂停"))
    } else {
        (tr!("▶ Play", "▶ 运行"), tr!("play", "运行"))
    };
    let speed = p.on_speed.as_ref().map(|cb| {
        let cb = cb.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<f64>() {
                cb.emit(round_speed(10f64.powf(v)));
            }
        });
        html! {
            <label class="speed" title={tr!("simulated time per real second (log scale)", "每秒真实时间对应的模拟时间（对数刻度）")}>
                <span>{ tr!("speed", "速度") }</span>
                <input type="range" data-testid="speed" aria-label={tr!("speed", "速度")}
                    min={MIN_SPEED.log10().to_string()} max={MAX_SPEED.log10().to_string()} step="0.01"
                    value={format!("{:.2}", p.speed.log10())} {oninput} />
                <output>{ format!("{}×", format_speed(p.speed)) }</output>
            </label>
        }
    });
    let seed = p.on_new_seed.as_ref().map(|cb| {
        html! {
            <button data-testid="new-seed" onclick={cb.reform(|_: MouseEvent| ())}
                title={tr!("run again with a fresh random seed, same settings, no faults", "换一个随机种子重新运行：设置不变，不含故障")}>{ tr!("↻ New seed", "↻ 新种子") }</button>
        }
    });
    let share = p.on_share.as_ref().map(|cb| {
        share_button(&ShareButtonProps {
            on_share: cb.clone(),
            share: p.share.clone(),
            title: tr!(
                "copy a link that replays this exact run up to this moment",
                "复制一个链接，精确重放这次运行直到此刻"
            )
            .into(),
        })
    });
    html! {
        <div class="toolbar" role="toolbar" aria-label={tr!("run controls", "运行控制")}>
            <button class="primary" data-testid="play" aria-label={play_label} disabled={p.stopped}
                onclick={play}>{ play_text }</button>
            <button data-testid="step" onclick={step} disabled={p.stopped}
                title={tr!("process exactly one event (a delivery, a timer, a fault) and pause", "只处理一个事件（一次投递、一个定时器或一个故障）后暂停")}>{ tr!("⇥ Step", "⇥ 单步") }</button>
            { for speed }
            { for seed }
            { for share }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    /// Simulated time in µs.
    pub time: u64,
    pub steps: u64,
    pub hash: u64,
    #[prop_or_default]
    pub seed: Option<u64>,
}

/// Sim time, step count and trace hash; tests read the data attributes.
#[function_component(Status)]
pub fn status(p: &StatusProps) -> Html {
    let seed = p.seed.map(|s| trf!(" · seed {s}", " · 种子 {s}")).unwrap_or_default();
    let (t, steps, hash) = (p.time as f64 / 1e6, p.steps, p.hash);
    html! {
        <p class="status" data-testid="status" data-time={p.time.to_string()} data-steps={p.steps.to_string()}
            data-hash={format!("{:016x}", p.hash)}>
            { trf!("t = {t:.3} s · {steps} steps · trace {hash:016x}{seed}", "t = {t:.3} s · {steps} 步 · 轨迹 {hash:016x}{seed}") }
        </p>
    }
}

/// A bug switch as the settings panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct BugView {
    pub name: &'static str,
    pub help: &'static str,
    pub on: bool,
}

/// A ready-made scenario offered in the preset picker.
#[derive(Clone, PartialEq)]
pub struct PresetView {
    pub id: &'static str,
    pub title: &'static str,
    pub about: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    /// The protocol's name, for the bug switches' explanation.
    pub protocol: &'static str,
    pub presets: Vec<PresetView>,
    /// The preset the run currently is, unchanged.
    pub current: Option<&'static str>,
    pub on_preset: Callback<&'static str>,
    pub nodes: u8,
    pub min_nodes: u8,
    pub max_nodes: u8,
    pub on_nodes: Callback<u8>,
    pub bugs: Vec<BugView>,
    pub on_bug: Callback<&'static str>,
    /// The protocol's own settings, between the cluster size and the bug switches.
    #[prop_or_default]
    pub children: Html,
}

#[function_component(Settings)]
pub fn settings(p: &SettingsProps) -> Html {
    let on_nodes = {
        let cb = p.on_nodes.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(n) = sel.value().parse::<u8>() {
                cb.emit(n);
            }
        })
    };
    let on_preset = {
        let (cb, ids) = (p.on_preset.clone(), p.presets.iter().map(|x| x.id).collect::<Vec<_>>());
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Some(id) = ids.iter().find(|id| **id == sel.value()) {
                cb.emit(id);
            }
        })
    };
    let current = p.presets.iter().find(|x| Some(x.id) == p.current);
    let preset_options = p.presets.iter().map(|x| {
        html! { <option value={x.id} title={x.about} selected={Some(x.id) == p.current}>{ x.title }</option> }
    });
    let options = (p.min_nodes..=p.max_nodes).map(|n| {
        html! { <option value={n.to_string()} selected={n == p.nodes}>{ n }</option> }
    });
    let protocol = p.protocol;
    let bugs = p.bugs.iter().map(|b| {
        let name = b.name;
        let onchange = p.on_bug.reform(move |_: Event| name);
        html! {
            <label class="bug" title={b.help}>
                <input type="checkbox" checked={b.on} data-testid={format!("bug-{name}")} {onchange} />
                <span><code>{ name }</code>{ " " }{ b.help }</span>
            </label>
        }
    });
    html! {
        <div class="settings">
            <label class="row">
                <span>{ tr!("preset", "预设") }</span>
                <select data-testid="preset" aria-label={tr!("load a preset scenario", "载入预设场景")} onchange={on_preset}>
                    <option value="" selected={current.is_none()} disabled=true>{ tr!("custom — pick a preset…", "自定义 — 选择一个预设…") }</option>
                    { for preset_options }
                </select>
            </label>
            if let Some(c) = current {
                <p class="muted preset-about" data-testid="preset-about">{ c.about }</p>
            }
            <label class="row">
                <span>{ tr!("nodes", "节点数") }</span>
                <select data-testid="nodes" aria-label={tr!("cluster size", "集群规模")} onchange={on_nodes}>{ for options }</select>
                <span class="muted">{ tr!("changing it restarts the run", "修改后重新开始运行") }</span>
            </label>
            { p.children.clone() }
            <fieldset>
                <legend>{ tr!("bug switches", "缺陷开关") }<span class="muted">{ trf!(" — break {protocol} on purpose; the checker should catch it", " — 故意破坏 {protocol}；检查器应当发现它") }</span></legend>
                { for bugs }
            </fieldset>
        </div>
    }
}

/// A `<select>` of `choices` (the current value added if the link named another), emitting the
/// chosen one by index.
pub fn choice<T: Copy + PartialEq + 'static>(
    testid: impl Into<AttrValue>,
    aria: &'static str,
    choices: &[T],
    current: T,
    text: fn(T) -> String,
    on: &Callback<T>,
) -> Html {
    let mut all: Vec<T> = choices.to_vec();
    if !all.contains(&current) {
        all.insert(0, current);
    }
    let options = all.iter().enumerate().map(|(k, v)| {
        html! { <option value={k.to_string()} selected={*v == current}>{ text(*v) }</option> }
    });
    let onchange = {
        let (on, all) = (on.clone(), all.clone());
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Some(v) = sel.value().parse::<usize>().ok().and_then(|k| all.get(k)) {
                on.emit(*v);
            }
        })
    };
    html! { <select data-testid={testid.into()} aria-label={aria} {onchange}>{ for options }</select> }
}
