//! `/embed`: how to put a live HA Lab widget in documentation, with three live widgets next to
//! the code that made them.

use super::catalog::{Source, GALLERY};
use super::Footer;
use crate::playground::page::Header;
use crate::url;
use crate::widgets::embed::{embed_code, embed_query, initial_height, listen_for_heights, HOST_SCRIPT};
use yew::prelude::*;

/// The three examples: (gallery story id, extra view keys, diagram?).
const EXAMPLES: [(&str, &str, bool); 3] =
    [("raft-leader-crash", "", false), ("txn-2pc-blocking", "&view=diagram", true), ("ring-join", "", false)];

/// An example's iframe `src`, relative to this page, and its code with the absolute URL.
pub fn example(id: &str, extra: &str, diagram: bool) -> Option<(String, String, &'static str, u32)> {
    let story = GALLERY.iter().find(|s| s.id == id)?;
    let source: Source = story.source;
    let query = embed_query(&format!("{}{extra}", source.query()));
    let src = format!("{}?{query}", source.page());
    let title = story.title.get();
    let absolute = url::absolute_page(source.page(), &query);
    let height = initial_height(source.page(), diagram);
    Some((src, embed_code(&absolute, title, height), title, height))
}

#[function_component(EmbedDoc)]
pub fn embed_doc() -> Html {
    let examples = EXAMPLES.iter().filter_map(|&(id, extra, diagram)| {
        let (src, code, title, height) = example(id, extra, diagram)?;
        let height = height.to_string();
        Some(html! {
            <div class="embed-example" data-testid={format!("example-{id}")}>
                <iframe {src} {title} height={height} loading="lazy"></iframe>
                <pre><code>{ code }</code></pre>
            </div>
        })
    });
    // The doc page is a host too: it sizes its own examples as the snippet would.
    use_effect_with((), |_| listen_for_heights(".embed-example iframe"));
    html! {
        <main class="app front embed-doc">
            <Header current={Some("embed")}>
                <p class="lede">{ tr!(
                    "Any HA Lab view can live in your documentation, course or blog post as a small widget that replays a scenario exactly.",
                    "HA Lab 的任何视图都可以作为小组件放进你的文档、课程或博客，精确重放一个场景。") }</p>
            </Header>
            <section class="card prose">
                <h2>{ tr!("Three steps", "三个步骤") }</h2>
                <ol>
                    <li>{ tr!("Open the scenario you want and bring it to the instant you want to show (or leave it at the start).",
                              "打开你想展示的场景，把它运行到想展示的时刻（或停在开头）。") }</li>
                    <li>{ tr!("Press \u{201c}</> Embed\u{201d} next to Share, then Copy.", "点击“分享”旁边的“</> 嵌入”，然后点“复制”。") }</li>
                    <li>{ tr!("Paste the code into your page. The iframe replays the scenario to that instant and waits for the reader to press play.",
                              "把代码粘贴到你的页面。iframe 会把场景重放到那个时刻，然后等读者点击运行。") }</li>
                </ol>
                <h2>{ tr!("What the link can say", "链接参数") }</h2>
                <table class="params">
                    <thead><tr><th scope="col">{ tr!("key", "参数") }</th><th scope="col">{ tr!("meaning", "含义") }</th></tr></thead>
                    <tbody>
                        <tr><td><code>{ "embed=1" }</code></td><td>{ tr!("the small widget: picture, play, step and the invariant badge", "小组件模式：图、运行、单步和不变式标记") }</td></tr>
                        <tr><td><code>{ "view=diagram" }</code></td><td>{ tr!("the space-time diagram instead of the cluster", "显示时空图而不是集群图") }</td></tr>
                        <tr><td><code>{ "t=2.5s" }</code></td><td>{ tr!("replay to this instant and pause there", "重放到这个时刻并暂停") }</td></tr>
                        <tr><td><code>{ "speed=0.2" }</code></td><td>{ tr!("how fast it plays, as a multiple of real time", "播放速度，实时的倍数") }</td></tr>
                        <tr><td><code>{ "lang=zh" }</code></td><td>{ tr!("the language, en or zh (otherwise the reader's browser decides)", "语言，en 或 zh（否则由读者的浏览器决定）") }</td></tr>
                    </tbody>
                </table>
                <h2>{ tr!("Height", "高度") }</h2>
                <p>{ tr!("Each widget tells its host page how tall it is with postMessage ({source: \"halab\", type: \"resize\", height}). This script, added once per page, sizes every widget to fit:",
                         "每个小组件通过 postMessage（{source: \"halab\", type: \"resize\", height}）告诉宿主页面自己的高度。在页面中加入一次下面的脚本，即可让每个小组件自动适配高度：") }</p>
                <pre><code data-testid="host-script">{ HOST_SCRIPT }</code></pre>
            </section>
            <h2 class="section-title">{ tr!("Three live widgets", "三个实时小组件") }</h2>
            <div class="embed-examples" data-testid="embed-examples">{ for examples }</div>
            <Footer />
        </main>
    }
}
