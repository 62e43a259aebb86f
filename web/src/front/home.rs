//! The home page: what HA Lab is for, and a map from each HA concept to the page and scenario
//! that shows it, with a still picture that turns into the live scenario on request.

use super::catalog::Concept;
use super::preview::preview;
use super::Footer;
use crate::playground::page::Header;
use yew::prelude::*;

#[function_component(Home)]
pub fn home() -> Html {
    let cards = Concept::ALL.map(|c| html! { <ConceptCard concept={c} /> });
    use_effect_with((), |_| crate::widgets::embed::listen_for_heights("iframe.mini-embed"));
    html! {
        <main class="app front home">
            <Header />
            <section class="hero">
                <h2>{ tr!("See how highly available systems work, and how they fail.", "看清高可用系统如何工作，又如何失效。") }</h2>
                <p class="lede">{ tr!(
                    "Every page runs the real protocol, step by step, in your browser: Raft, Paxos, a lock service with fencing tokens, two- and three-phase commit, a load balancer with health checks and failover, consistent hashing, and the availability maths. Crash a node, cut a link, flip a bug switch, and the invariant checker tells you when safety breaks.",
                    "每个页面都在你的浏览器里一步步运行真实的协议：Raft、Paxos、带防护令牌的锁服务、两阶段和三阶段提交、带健康检查与故障转移的负载均衡、一致性哈希，以及可用性计算。让节点崩溃、切断链路、打开缺陷开关，不变式检查器会告诉你安全性何时被破坏。") }</p>
                <p class="cta">
                    <a class="button primary" href="learn" data-testid="start-learn">{ tr!("Start the guided path", "开始入门路线") }</a>
                    <a class="button" href="gallery" data-testid="open-gallery">{ tr!("Browse the gallery", "浏览案例") }</a>
                    <a class="button" href="embed">{ tr!("Embed in your docs", "嵌入你的文档") }</a>
                </p>
            </section>
            <section aria-labelledby="map-title">
                <h2 id="map-title" class="section-title">{ tr!("Concepts, and where to see them", "概念地图：在哪里看到它们") }</h2>
                <div class="concepts" data-testid="concept-map">{ for cards }</div>
            </section>
            <Footer />
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    concept: Concept,
}

/// One concept: its name, why it matters, a still picture (or, once asked, the live scenario
/// embedded) and a link to the scenario on its page.
#[function_component(ConceptCard)]
fn concept_card(p: &CardProps) -> Html {
    let live = use_state(|| false);
    let c = p.concept;
    let source = c.source();
    let title = c.title().get();
    let page = crate::playground::page::page_name(source.page());
    let picture = if *live {
        let src = format!("{}?{}", source.page(), crate::widgets::embed::embed_query(source.query()));
        html! { <iframe class="mini-embed" src={src} loading="lazy" title={title} data-testid={format!("embed-{}", c.slug())}></iframe> }
    } else {
        let onclick = {
            let live = live.clone();
            Callback::from(move |_: MouseEvent| live.set(true))
        };
        html! {
            <button type="button" class="preview-button" {onclick} data-testid={format!("watch-{}", c.slug())}>
                { preview(c) }
                <span class="watch">{ tr!("▶ Watch it live", "▶ 实时观看") }</span>
            </button>
        }
    };
    html! {
        <article class="card concept" data-testid={format!("concept-{}", c.slug())}>
            <h3>{ title }</h3>
            { picture }
            <p>{ c.why().get() }</p>
            <p class="go">
                <a href={source.href()} data-testid={format!("open-{}", c.slug())}>
                    { trf!("Open it on the {page} page →", "在 {page} 页面打开 →") }
                </a>
                { " " }
                <a class="muted" href={format!("gallery?concept={}", c.slug())}>{ tr!("more in the gallery", "更多案例") }</a>
            </p>
        </article>
    }
}
