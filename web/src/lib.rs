//! HA Lab in the browser: a Yew app that runs the deterministic core (`halab-core`) in the page.
//!
//! Layout: [`playground`] is the page every protocol shares (the model that owns the `Sim`, the
//! views, the component), [`pages`] holds what each protocol adds to it (and the ring lab, a page
//! of its own with no simulation), [`widgets`] the protocol-neutral pieces they draw with,
//! [`url`] the address-bar glue (the URL *is* the scenario), [`anim`] the animation-frame loop,
//! [`panic`] the last-resort error banner.

// First, so that `tr!`, `trf!` and `txt!` are in scope in every module below.
#[macro_use]
pub mod i18n;

pub mod anim;
pub mod front;
pub mod learn;
pub mod pages;
pub mod panic;
pub mod playground;
pub mod url;
pub mod widgets;

use halab_core::lb::Lb;
use halab_core::lock::Lock;
use halab_core::paxos::Paxos;
use halab_core::raft::Raft;
use halab_core::txn::Txn;
use pages::avail::AvailPage;
use pages::ring::RingPage;
use playground::page::{Header, PageProps, PlaygroundPage};
use yew::prelude::*;

/// Which page a path shows. Routing looks at the last path segment only, so the site works
/// from any base path (`/raft`, `/halab/paxos`, `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Raft,
    Paxos,
    /// The lease lock service with fencing tokens.
    Lock,
    /// Atomic commit: two-phase and three-phase commit.
    Txn,
    /// The service lab: load balancing, health checks, failover, redundancy.
    Lb,
    /// The consistent-hashing lab.
    Ring,
    /// How many nines: availability curves and the nines calculator.
    Avail,
    /// The front door: each HA concept mapped to the page and scenario that shows it.
    Home,
    /// The guided path: steps from "one server fails" to "why consensus", each with a goal.
    Learn,
    /// Curated scenarios from every page, filtered by concept.
    Gallery,
    /// How to embed a widget, with three live ones.
    Embed,
    NotFound(String),
}

impl Route {
    pub fn from_path(path: &str) -> Route {
        match last_segment(path) {
            "" | "index.html" => Route::Home,
            "raft" => Route::Raft,
            "learn" => Route::Learn,
            "gallery" => Route::Gallery,
            "embed" => Route::Embed,
            "paxos" => Route::Paxos,
            "lock" => Route::Lock,
            "txn" => Route::Txn,
            "lb" => Route::Lb,
            "ring" => Route::Ring,
            "avail" => Route::Avail,
            other => Route::NotFound(halab_core::scenario::units::shorten(other)),
        }
    }

    /// The page for a path and query. A scenario link names its page (`p=`), and that wins over
    /// the path: `/raft?p=paxos` is the Paxos page. The second value is the path segment the
    /// address should show instead, when the path named another page.
    ///
    /// The bare site (`/`) is the home page; with scenario keys and no `p=` it is the Raft page,
    /// as it was before the home page existed, so old links keep working.
    pub fn resolve(path: &str, query: &str) -> (Route, Option<&'static str>) {
        let mut by_path = Route::from_path(path);
        if by_path == Route::Home && query_keys(query).any(|k| k != "lang") {
            by_path = Route::Raft;
        }
        if matches!(by_path, Route::NotFound(_) | Route::Learn | Route::Gallery | Route::Embed) {
            return (by_path, None);
        }
        let p = url::query_value(query, "p");
        let route = match p {
            Some("raft") => Route::Raft,
            Some("paxos") => Route::Paxos,
            Some("lock") => Route::Lock,
            Some("txn") => Route::Txn,
            Some("lb") => Route::Lb,
            Some("ring") => Route::Ring,
            Some("avail") => Route::Avail,
            _ => by_path, // none, or unknown: the page reports a bad `p` itself
        };
        let slug = route.slug();
        let rename =
            (matches!(last_segment(path), "raft" | "paxos" | "lock" | "txn" | "lb" | "ring" | "avail")
                && Some(last_segment(path)) != slug)
                .then_some(slug)
                .flatten();
        (route, rename)
    }

    /// The path segment of a page.
    pub fn slug(&self) -> Option<&'static str> {
        match self {
            Route::Raft => Some("raft"),
            Route::Paxos => Some("paxos"),
            Route::Lock => Some("lock"),
            Route::Txn => Some("txn"),
            Route::Lb => Some("lb"),
            Route::Ring => Some("ring"),
            Route::Avail => Some("avail"),
            Route::Learn => Some("learn"),
            Route::Gallery => Some("gallery"),
            Route::Embed => Some("embed"),
            Route::Home | Route::NotFound(_) => None,
        }
    }
}

/// The keys of a query, in order.
fn query_keys(query: &str) -> impl Iterator<Item = &str> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| kv.split('=').next().unwrap_or(""))
}

fn last_segment(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// Path and query to show (`/raft?n=7`); the browser's own location when absent. Tests use it.
    #[prop_or_default]
    pub location: Option<AttrValue>,
}

/// Which pages one build of the app carries. The site ships as seven wasm bundles (issue 12,
/// goal 5; one per playground since issue 15): a visitor, or an embedded widget, downloads only
/// the one its page is in. Each bundle
/// is its own binary; link-time dead-code elimination drops the pages its `page` never names.
/// `static/index.html`'s loader picks the bundle by the same rule as [`Route::resolve`].
pub trait Bundle: 'static {
    /// The file stem Trunk gives this bundle (the binary's name).
    const NAME: &'static str;
    /// The page for a route, or `None` when this bundle does not carry it.
    fn page(route: &Route, page: PageProps) -> Option<Html>;
}

/// The pages of their own: the ring lab and the availability page.
pub struct Labs;
/// The front door: home, the guided path, the gallery and the embedding guide. No simulator, so
/// the first page a visitor opens is small.
pub struct Front;
/// Every page in one build: what the wasm tests mount.
pub struct Everything;

/// One playground per bundle (issue 15): each protocol's page brings its own copy of the
/// shared playground page, its core and its panels (40–60 KiB gzipped), and two languages of
/// text; three pages to a bundle left no room for the second. A widget embedded in docs
/// downloads one protocol, not three.
macro_rules! playground_bundle {
    ($(#[$doc:meta])* $bundle:ident, $name:literal, $route:ident, $protocol:ty) => {
        $(#[$doc])*
        pub struct $bundle;
        impl Bundle for $bundle {
            const NAME: &'static str = $name;
            fn page(route: &Route, page: PageProps) -> Option<Html> {
                matches!(route, Route::$route).then(|| html! { <PlaygroundPage<$protocol> ..page /> })
            }
        }
    };
}

playground_bundle!(/// The Raft playground.
    RaftBundle, "halab-raft", Raft, Raft);
playground_bundle!(/// The Paxos playground.
    PaxosBundle, "halab-paxos", Paxos, Paxos);
playground_bundle!(/// The lock service.
    LockBundle, "halab-lock", Lock, Lock);
playground_bundle!(/// Two- and three-phase commit.
    TxnBundle, "halab-txn", Txn, Txn);
playground_bundle!(/// The service lab: load balancing and failover.
    LbBundle, "halab-lb", Lb, Lb);

impl Bundle for Labs {
    const NAME: &'static str = "halab-labs";
    fn page(route: &Route, page: PageProps) -> Option<Html> {
        Some(match route {
            Route::Ring => html! { <RingPage ..page /> },
            Route::Avail => html! { <AvailPage ..page /> },
            _ => return None,
        })
    }
}

impl Bundle for Front {
    const NAME: &'static str = "halab-front";
    fn page(route: &Route, page: PageProps) -> Option<Html> {
        front::page(route, page)
    }
}

impl Bundle for Everything {
    const NAME: &'static str = "halab-everything";
    fn page(route: &Route, page: PageProps) -> Option<Html> {
        RaftBundle::page(route, page.clone())
            .or_else(|| PaxosBundle::page(route, page.clone()))
            .or_else(|| LockBundle::page(route, page.clone()))
            .or_else(|| TxnBundle::page(route, page.clone()))
            .or_else(|| LbBundle::page(route, page.clone()))
            .or_else(|| Labs::page(route, page.clone()))
            .or_else(|| Front::page(route, page))
    }
}

impl Route {
    /// The bundle that carries this page (`None` for a page that does not exist, which every
    /// bundle can report). Must agree with the loader in `static/index.html`.
    pub fn bundle(&self) -> Option<&'static str> {
        match self {
            Route::Raft => Some(RaftBundle::NAME),
            Route::Paxos => Some(PaxosBundle::NAME),
            Route::Lock => Some(LockBundle::NAME),
            Route::Txn => Some(TxnBundle::NAME),
            Route::Lb => Some(LbBundle::NAME),
            Route::Ring | Route::Avail => Some(Labs::NAME),
            Route::Home | Route::Learn | Route::Gallery | Route::Embed => Some(Front::NAME),
            Route::NotFound(_) => None,
        }
    }
}

/// The whole site in one build, for tests.
pub type App = Site<Everything>;

/// Root component: picks the page from the path (or `p=`) and hands it the query.
#[function_component(Site)]
pub fn site<B: Bundle>(props: &AppProps) -> Html {
    let location = props.location.as_ref().map_or_else(url::current_location, |l| l.to_string());
    let (path, query) = location.split_once('?').unwrap_or((&location, ""));
    let (route, rename) = Route::resolve(path, query);
    // The language is chosen once, before anything renders (a switch reloads the page).
    let bad_lang = use_memo((), {
        let query = query.to_owned();
        move |_| i18n::start(&query)
    });
    {
        // The address must not name one page while showing another.
        let live = props.location.is_none();
        use_effect_with(rename, move |rename| {
            if let (Some(slug), true) = (rename, live) {
                url::replace_page(slug);
            }
        });
    }
    let page = PageProps { query: AttrValue::from(query.to_owned()) };
    let lang_banner = bad_lang.as_ref().as_ref().map(|v| {
        html! {
            <div class="banner error lang-banner" role="alert" data-testid="lang-banner">
                { trf!("This link asks for the language \u{201c}{v}\u{201d}, which HA Lab does not have: showing English or Chinese (lang=en or lang=zh) by your browser's settings.",
                       "链接要求的语言 \u{201c}{v}\u{201d} 本站没有：按浏览器设置显示中文或英文（lang=zh 或 lang=en）。") }
            </div>
        }
    });
    if let Some(html) = B::page(&route, page) {
        return html! { <>{ for lang_banner }{ html }</> };
    }
    match route {
        Route::NotFound(name) => html! {
            <main class="app">
                <Header />
                <div class="banner error" data-testid="error-banner" role="alert">
                    { trf!("There is no page called \u{201c}{name}\u{201d} here. ", "这里没有名为 \u{201c}{name}\u{201d} 的页面。") }
                    <span>{ tr!("Open the ", "打开 ") }<a href="raft">{ "Raft" }</a>{ tr!(", ", "、") }<a href="paxos">{ "Paxos" }</a>
                        { tr!(", ", "、") }<a href="lock">{ tr!("lock service", "锁服务") }</a>{ tr!(", ", "、") }
                        <a href="txn">{ tr!("atomic commit", "原子提交") }</a>{ tr!(" or ", "或") }<a href="lb">{ tr!("load-balancing", "负载均衡") }</a>
                        { tr!(" playground, the ", " 演练场，") }<a href="ring">{ tr!("ring lab", "哈希环实验") }</a>
                        { tr!(" or the ", "或") }<a href="avail">{ tr!("availability page", "可用性页面") }</a>
                        { tr!(", or start from the ", "，或从") }<a href=".">{ tr!("home page", "首页") }</a>{ tr!(".", "开始。") }</span>
                </div>
            </main>
        },
        // The loader chose the other bundle: say so and offer the page itself (a full load, which
        // runs the loader again), rather than show nothing.
        route => {
            let slug = route.slug().unwrap_or(".");
            let name = B::NAME;
            html! {
                <main class="app">
                    <Header />
                    <div class="banner error" data-testid="error-banner" role="alert">
                        { trf!("This build ({name}) does not carry the {slug} page. ", "这个构建（{name}）不含 {slug} 页面。") }
                        <a href={format!("{slug}?{query}")}>{ tr!("Open it", "打开它") }</a>{ tr!(".", "。") }
                    </div>
                </main>
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Route;

    #[test]
    fn routes_by_last_segment() {
        assert_eq!(Route::from_path("/"), Route::Home);
        assert_eq!(Route::from_path("/learn"), Route::Learn);
        assert_eq!(Route::from_path("/halab/gallery/"), Route::Gallery);
        assert_eq!(Route::from_path("/embed"), Route::Embed);
        assert_eq!(Route::from_path("/raft"), Route::Raft);
        assert_eq!(Route::from_path("/halab/raft/"), Route::Raft);
        assert_eq!(Route::from_path("/index.html"), Route::Home);
        assert_eq!(Route::from_path("/paxos"), Route::Paxos);
        assert_eq!(Route::from_path("/halab/paxos/"), Route::Paxos);
        assert_eq!(Route::from_path("/ring"), Route::Ring);
        assert_eq!(Route::from_path("/halab/ring/"), Route::Ring);
        assert_eq!(Route::from_path("/avail"), Route::Avail);
        assert_eq!(Route::from_path("/lock"), Route::Lock);
        assert_eq!(Route::from_path("/halab/lock/"), Route::Lock);
        assert_eq!(Route::from_path("/halab/avail/"), Route::Avail);
        assert_eq!(Route::from_path("/txn"), Route::Txn);
        assert_eq!(Route::from_path("/halab/txn/"), Route::Txn);
        assert_eq!(Route::from_path("/lb"), Route::Lb);
        assert_eq!(Route::from_path("/halab/lb/"), Route::Lb);
        assert_eq!(Route::from_path("/rings"), Route::NotFound("rings".into()));
    }

    #[test]
    fn each_page_is_in_exactly_the_bundle_it_names() {
        use super::{
            Bundle, Everything, Front, Labs, LbBundle, LockBundle, PageProps, PaxosBundle, RaftBundle,
            TxnBundle,
        };
        let props = || PageProps { query: "".into() };
        for route in [
            Route::Raft,
            Route::Paxos,
            Route::Lock,
            Route::Txn,
            Route::Lb,
            Route::Ring,
            Route::Avail,
            Route::Home,
            Route::Learn,
            Route::Gallery,
            Route::Embed,
        ] {
            let carried: Vec<&str> = [
                (RaftBundle::NAME, RaftBundle::page(&route, props()).is_some()),
                (PaxosBundle::NAME, PaxosBundle::page(&route, props()).is_some()),
                (LockBundle::NAME, LockBundle::page(&route, props()).is_some()),
                (TxnBundle::NAME, TxnBundle::page(&route, props()).is_some()),
                (LbBundle::NAME, LbBundle::page(&route, props()).is_some()),
                (Labs::NAME, Labs::page(&route, props()).is_some()),
                (Front::NAME, Front::page(&route, props()).is_some()),
            ]
            .into_iter()
            .filter_map(|(name, has)| has.then_some(name))
            .collect();
            assert_eq!(carried, route.bundle().into_iter().collect::<Vec<_>>(), "{route:?}");
            assert!(Everything::page(&route, props()).is_some(), "{route:?}");
        }
        let nowhere = Route::NotFound("x".into());
        assert_eq!(nowhere.bundle(), None);
        assert!(Everything::page(&nowhere, props()).is_none(), "every bundle reports a missing page itself");
    }

    #[test]
    fn the_protocol_in_the_query_wins_and_renames_the_path() {
        assert_eq!(Route::resolve("/", "p=paxos&n=3"), (Route::Paxos, None));
        assert_eq!(Route::resolve("/index.html", "n=3&p=paxos"), (Route::Paxos, None));
        assert_eq!(Route::resolve("/paxos", "n=3"), (Route::Paxos, None));
        assert_eq!(Route::resolve("/halab/raft", "p=paxos"), (Route::Paxos, Some("paxos")));
        assert_eq!(Route::resolve("/paxos", "?p=raft"), (Route::Raft, Some("raft")));
        assert_eq!(Route::resolve("/paxos", "p=ring"), (Route::Ring, Some("ring")));
        assert_eq!(Route::resolve("/ring", "p=paxos"), (Route::Paxos, Some("paxos")));
        assert_eq!(Route::resolve("/", "p=ring&vn=50"), (Route::Ring, None));
        assert_eq!(Route::resolve("/ring", "vn=50"), (Route::Ring, None));
        assert_eq!(Route::resolve("/ring", "p=nope"), (Route::Ring, None));
        assert_eq!(Route::resolve("/", "p=avail&n=5"), (Route::Avail, None));
        assert_eq!(Route::resolve("/avail", "n=7"), (Route::Avail, None));
        assert_eq!(Route::resolve("/raft", "p=avail"), (Route::Avail, Some("avail")));
        assert_eq!(Route::resolve("/raft", "p=lb"), (Route::Lb, Some("lb")));
        assert_eq!(Route::resolve("/lb", "n=7"), (Route::Lb, None));
        assert_eq!(Route::resolve("/avail", "p=ring"), (Route::Ring, Some("ring")));
        assert_eq!(Route::resolve("/rings", "p=ring"), (Route::NotFound("rings".into()), None));
        assert_eq!(Route::resolve("/", "p=lock&ttl=2s"), (Route::Lock, None));
        assert_eq!(Route::resolve("/lock", "n=5"), (Route::Lock, None));
        assert_eq!(Route::resolve("/raft", "p=lock"), (Route::Lock, Some("lock")));
        assert_eq!(Route::resolve("/lock", "p=paxos"), (Route::Paxos, Some("paxos")));
        assert_eq!(Route::resolve("/", "p=txn&mode=3pc"), (Route::Txn, None));
        assert_eq!(Route::resolve("/txn", "n=5"), (Route::Txn, None));
        assert_eq!(Route::resolve("/raft", "p=txn"), (Route::Txn, Some("txn")));
        assert_eq!(Route::resolve("/txn", "p=lock"), (Route::Lock, Some("lock")));
        assert_eq!(Route::resolve("/txns", "p=txn"), (Route::NotFound("txns".into()), None));
    }

    #[test]
    fn the_bare_site_is_home_but_old_raft_links_still_open_raft() {
        assert_eq!(Route::resolve("/", ""), (Route::Home, None));
        assert_eq!(Route::resolve("/", "?lang=zh"), (Route::Home, None));
        assert_eq!(Route::resolve("/", "n=3&seed=4"), (Route::Raft, None));
        assert_eq!(Route::resolve("/index.html", "embed=1"), (Route::Raft, None));
        assert_eq!(Route::resolve("/gallery", "concept=locks"), (Route::Gallery, None));
        assert_eq!(Route::resolve("/learn", "p=raft"), (Route::Learn, None));
    }
}
