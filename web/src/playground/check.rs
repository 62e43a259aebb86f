//! "Check from here" and manual steps: the exhaustive search of `halab_core::check` run from
//! the state on screen, in slices between frames, and the steered run (`sim::steer`) in which
//! the reader picks the next delivery or timer.
//!
//! A violation found is opened the way a shared link is: the scenario forks at the instant
//! checked from, the counterexample's steps become scripted faults after it, and the page
//! replays to the step that broke the invariant, paused there, with time travel and the
//! space-time diagram to walk back through it.

use super::{Act, Model, Playground};
use crate::i18n::zh_core;
use halab_core::check::schedule::Exhaustive;
use halab_core::check::{Bounds, Fifo, Stats, Verdict};
use halab_core::protocol::{Micros, NodeId};
use halab_core::scenario::limits::MAX_FAULTS;
use halab_core::scenario::units::format_duration;
use halab_core::sim::fault::{Fault, Scheduled};
use yew::prelude::*;

/// The deepest a page's search may go: each step of a counterexample is a scripted fault.
pub const MAX_CHECK_DEPTH: u32 = 40;
/// Unique states a page's search may keep: each frontier state is a whole cluster, so this
/// bounds the tab's memory (a few hundred MB at most for the largest clusters here).
pub const MAX_CHECK_STATES: u64 = 1_000_000;
/// Per kind of fault and for timers and writes.
pub const MAX_CHECK_BUDGET: u8 = 20;
/// States expanded between two looks at the clock.
pub const CHECK_SLICE_STATES: u64 = 256;
/// Steps listed in manual mode (a busy cluster can have hundreds of messages in flight).
pub const MAX_STEP_ROWS: usize = 40;

/// What a page's search starts with: the whole space within small bounds.
pub fn default_bounds() -> Bounds {
    Bounds { depth: 10, crashes: 1, timeouts: 3, inputs: 1, max_states: 200_000, ..Bounds::default() }
}

/// The opt-in reduction (`check::reduce`): each node reads its messages in the order sent,
/// one overtaking allowed, and one node is expanded alone where that provably loses nothing;
/// writes go to the leader. It reaches counterexamples of 25 steps and more, at the cost of the
/// orders that need more overtaking (and see `reduce`'s note on checkers that judge an order).
pub fn reduced(b: Bounds, on: bool) -> Bounds {
    let (fifo, delays) = if on { (Fifo::Inbox, 1) } else { (Fifo::Off, 0) };
    Bounds { fifo, delays, por: on, leader_inputs: on, ..b }
}

/// The search form and the search running or last run.
pub struct CheckState {
    pub bounds: Bounds,
    pub run: Option<CheckRun>,
}

impl Default for CheckState {
    fn default() -> Self {
        CheckState { bounds: default_bounds(), run: None }
    }
}

pub struct CheckRun {
    search: Option<Box<dyn Exhaustive>>,
    /// The instant checked from: the counterexample's steps start there.
    pub at: Micros,
    pub bounds: Bounds,
    pub stats: Stats,
    /// Real time spent searching, in ms.
    pub elapsed_ms: f64,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Running,
    /// Every state within the bounds was judged; none breaks an invariant.
    Done,
    Limit,
    Cancelled,
    /// A violation, opened as a replay: the invariant and the counterexample's length.
    Opened {
        invariant: &'static str,
        steps: usize,
    },
}

impl CheckRun {
    /// Unique states per second of search.
    pub fn rate(&self) -> f64 {
        if self.elapsed_ms <= 0.0 {
            0.0
        } else {
            self.stats.unique as f64 * 1000.0 / self.elapsed_ms
        }
    }
}

/// One of the form's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Depth,
    Timeouts,
    Crashes,
    Drops,
    Dups,
    Inputs,
    States,
}

impl<P: Playground> Model<P> {
    /// Whether a search is running (the page then gives it frames).
    pub fn checking(&self) -> bool {
        self.check.run.as_ref().is_some_and(|r| r.outcome == Outcome::Running)
    }

    /// Sets a bound from the form, clamped to the limits.
    pub fn set_bound(&mut self, field: Field, value: u64) {
        let b = &mut self.check.bounds;
        let small = value.min(u64::from(MAX_CHECK_BUDGET)) as u8;
        match field {
            Field::Depth => b.depth = value.clamp(1, u64::from(MAX_CHECK_DEPTH)) as u32,
            Field::Timeouts => b.timeouts = small,
            Field::Crashes => b.crashes = small,
            Field::Drops => b.drops = small,
            Field::Dups => b.dups = small,
            Field::Inputs => b.inputs = small,
            Field::States => b.max_states = value.clamp(1_000, MAX_CHECK_STATES),
        }
    }

    /// Starts searching every interleaving from the state on screen (the run pauses). The
    /// search starts at the next instant a fault clicked now would take: all that is due before
    /// it has happened.
    pub fn start_check(&mut self) {
        self.menu = None;
        if self.violated() || self.replaying() {
            return;
        }
        self.playing = false;
        let at = self.click_instant();
        let mut bounds = self.check.bounds;
        // Room in the script for the steering fault and every step of a counterexample.
        let kept = self.scenario.faults.iter().filter(|s| s.at < at).count();
        let room = MAX_FAULTS.saturating_sub(kept + 1) as u32;
        if room == 0 {
            self.errors.push(
                tr!(
                    "The fault script is full; start a new run to check from here.",
                    "故障脚本已满；开始一次新的运行才能从这里检查。"
                )
                .into(),
            );
            return;
        }
        bounds.depth = bounds.depth.min(room);
        let mut start = self.sim.clone();
        start.run_until(at - 1);
        if start.violation().is_some() {
            // Broken before the instant checked from: the run already is a counterexample.
            self.errors.push(
                tr!(
                    "The run breaks an invariant before this instant; nothing is left to check.",
                    "这次运行在此刻之前就已破坏了不变式；没有可检查的了。"
                )
                .into(),
            );
            return;
        }
        let search = P::exhaustive(&start, bounds);
        self.check.run = Some(CheckRun {
            search: Some(search),
            at,
            bounds,
            stats: Stats::default(),
            elapsed_ms: 0.0,
            outcome: Outcome::Running,
        });
    }

    /// Expands up to `states` more states of the running search, timed by `clock` (ms); opens
    /// a violation it finds.
    pub fn check_slice(&mut self, states: u64, clock: impl Fn() -> f64) {
        let Some(run) = self.check.run.as_mut().filter(|r| r.outcome == Outcome::Running) else {
            return;
        };
        let Some(search) = run.search.as_mut() else { return };
        let start = clock();
        let verdict = search.run(states).clone();
        run.stats = search.stats();
        run.elapsed_ms += clock() - start;
        let counterexample = match verdict {
            Verdict::Running => return,
            Verdict::Done => {
                run.outcome = Outcome::Done;
                None
            }
            Verdict::Limit => {
                run.outcome = Outcome::Limit;
                None
            }
            Verdict::Violated { path, broken } => {
                let script = search.counterexample(run.at);
                // The steps once shrunk, without the steering faults (the first, and in timed
                // mode one that marks the instant a final wait reaches).
                let steps = script
                    .as_ref()
                    .map_or(path.len(), |f| f.iter().filter(|s| !matches!(s.fault, Fault::Steer(_))).count());
                run.outcome = Outcome::Opened { invariant: broken.invariant, steps };
                script
            }
        };
        // Its states go now, not when the next search starts.
        run.search = None;
        if let Some(script) = counterexample {
            self.open_counterexample(script);
        }
    }

    pub fn cancel_check(&mut self) {
        if let Some(r) = self.check.run.as_mut().filter(|r| r.outcome == Outcome::Running) {
            r.outcome = Outcome::Cancelled;
            r.search = None;
        }
    }

    /// Forks the run at the instant checked from and scripts the counterexample after it, then
    /// replays to its last step, as a link with `t=` would.
    fn open_counterexample(&mut self, steps: Vec<Scheduled>) {
        let Some(at) = self.check.run.as_ref().map(|r| r.at) else { return };
        let Some(last) = steps.last().map(|s| s.at) else { return };
        self.scenario.faults.retain(|s| s.at < at);
        for s in steps {
            self.scenario.push_fault(s.at, s.fault);
        }
        let query = format!("{}&t={}", self.query(), format_duration(last));
        let check = std::mem::take(&mut self.check);
        self.load(&query);
        self.check = check;
    }

    pub fn set_reduce(&mut self, on: bool) {
        self.check.bounds = reduced(self.check.bounds, on);
    }

    /// Manual mode on or off (a steering fault, so the URL replays it).
    pub fn toggle_steer(&mut self) {
        let on = !self.sim.steered();
        self.inject(Fault::Steer(on));
    }
}

/// The card: manual steps, and the search's form, progress and outcome.
pub fn card<P: Playground>(m: &Model<P>, act: &Act<P>) -> Html {
    let live = !m.violated();
    let steered = m.sim.steered();
    let steer_label = if steered {
        tr!("■ Let it run by itself", "■ 恢复自动运行")
    } else {
        tr!("☛ Steer by hand", "☛ 手动逐步")
    };
    html! {
        <section class="card check-card" data-testid="check-card">
            <h2>{ tr!("Every interleaving", "穷举所有交错") }</h2>
            <p class="muted small">{ tr!(
                "Pick the next delivery or timer yourself, or let the checker try every order from here.",
                "自己挑选下一条送达的消息或触发的定时器，或让检查器从这里尝试所有顺序。"
            ) }</p>
            <button class="steer" aria-pressed={steered.to_string()} disabled={!live}
                onclick={act.on(|m, _: MouseEvent| m.toggle_steer())}>{ steer_label }</button>
            { if steered { steps_list(m, act) } else { Html::default() } }
            { search_part(m, act) }
        </section>
    }
}

/// Manual mode: every message that can arrive and every armed timer, each with its steps.
fn steps_list<P: Playground>(m: &Model<P>, act: &Act<P>) -> Html {
    let live = !m.violated();
    let flights = m.sim.in_flight();
    let now = m.sim.now();
    let mut rows: Vec<Html> = Vec::new();
    for f in flights.iter().take(MAX_STEP_ROWS) {
        let id = f.id;
        let label = halab_core::protocol::Describe::label(&f.msg);
        let (from, to) =
            (m.sim.cluster().protocol.node_name(f.from), m.sim.cluster().protocol.node_name(f.to));
        let state = if f.arrives <= now { tr!("waiting", "等待中") } else { tr!("in flight", "在途") };
        let button = |text: &'static str, fault: Fault, test: &'static str| {
            html! { <button data-testid={test} disabled={!live} onclick={act.on(move |m, _: MouseEvent| m.inject(fault.clone()))}>{ text }</button> }
        };
        rows.push(html! {
            <li class="step-row" data-msg={id.to_string()}>
                <span class="step-what">{ format!("#{id} {label}") }<span class="muted">{ format!(" {from} → {to} · {state}") }</span></span>
                <span class="step-acts">
                    { button(tr!("Deliver", "送达"), Fault::Deliver(id), "deliver") }
                    { button(tr!("Drop", "丢弃"), Fault::Lose(id), "lose") }
                    { button(tr!("Copy", "复制"), Fault::Copy(id), "copy") }
                </span>
            </li>
        });
    }
    let more = flights.len().saturating_sub(MAX_STEP_ROWS);
    for (x, node) in m.sim.cluster().nodes.iter().enumerate() {
        let x = x as NodeId;
        if !node.is_up() {
            continue;
        }
        for (k, timer) in node.timers.keys().enumerate() {
            let what = super::diagram::timer_words(&format!("{timer:?}"));
            let who = m.sim.cluster().protocol.node_name(x);
            let fault = Fault::Fire(x, k as u16);
            rows.push(html! {
                <li class="step-row timer-row">
                    <span class="step-what">{ trf!("{who}: timer {what}", "{who}：定时器 {what}") }</span>
                    <span class="step-acts">
                        <button data-testid="fire" disabled={!live} onclick={act.on(move |m, _: MouseEvent| m.inject(fault.clone()))}>{ tr!("Fire", "触发") }</button>
                    </span>
                </li>
            });
        }
    }
    html! {
        <>
            <h3>{ tr!("What can happen next", "接下来可能发生的事") }</h3>
            if rows.is_empty() {
                <p class="muted">{ tr!("Nothing: no message in flight, no timer armed.", "无：没有在途消息，也没有已设定的定时器。") }</p>
            } else {
                <ul class="steps" data-testid="steps">{ for rows }</ul>
            }
            if more > 0 {
                <p class="muted small">{ trf!("…and {more} more messages", "……以及另外 {more} 条消息") }</p>
            }
        </>
    }
}

fn search_part<P: Playground>(m: &Model<P>, act: &Act<P>) -> Html {
    let b = m.check.bounds;
    let field = |f: Field, label: &'static str, value: u64, max: u64| {
        let on_change = act.on(move |m, e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().trim().parse::<u64>() {
                m.set_bound(f, v);
            }
        });
        html! {
            <label class="bound">{ label }
                <input type="number" min="0" max={max.to_string()} value={value.to_string()} onchange={on_change} />
            </label>
        }
    };
    let running = m.checking();
    let status = m.check.run.as_ref().map(status);
    let timed = m.sim.cluster().protocol.reads_clock();
    html! {
        <>
            <h3>{ tr!("Check every order from here", "从这里检查所有顺序") }</h3>
            if timed {
                <p class="muted small" data-testid="timed-note">{ tr!(
                    "This protocol reads its clock (leases, timeouts that race), so time is a step here: it moves to the \
                     next instant a timer may or must fire, and a message may arrive any time after it is sent. \
                     Timings between those instants are not tried.",
                    "该协议会读取时钟（租约、相互竞争的超时），所以这里时间本身是一步：它前进到下一个定时器可以或必须触发的时刻，\
                     消息在发出后的任何时刻都可能到达。这些时刻之间的时间点不会被尝试。"
                ) }</p>
            }
            <div class="bounds" data-testid="bounds">
                { field(Field::Depth, tr!("steps", "步数"), u64::from(b.depth), u64::from(MAX_CHECK_DEPTH)) }
                { field(Field::Timeouts, tr!("timers", "定时器"), u64::from(b.timeouts), u64::from(MAX_CHECK_BUDGET)) }
                { field(Field::Crashes, tr!("crashes", "崩溃"), u64::from(b.crashes), u64::from(MAX_CHECK_BUDGET)) }
                { field(Field::Drops, tr!("drops", "丢弃"), u64::from(b.drops), u64::from(MAX_CHECK_BUDGET)) }
                { field(Field::Dups, tr!("copies", "复制"), u64::from(b.dups), u64::from(MAX_CHECK_BUDGET)) }
                if P::KIND.takes_writes() {
                    { field(Field::Inputs, tr!("writes", "写入"), u64::from(b.inputs), u64::from(MAX_CHECK_BUDGET)) }
                }
                { field(Field::States, tr!("max states", "状态上限"), b.max_states, MAX_CHECK_STATES) }
            </div>
            <label class="reduce">
                <input type="checkbox" data-testid="reduce" checked={b.por}
                    onchange={act.on(|m, e: Event| {
                        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                        m.set_reduce(input.checked());
                    })} />
                { tr!(
                    " Reduce: messages arrive in order (one may overtake), one node at a time where that loses nothing. \
                     Reaches far deeper; skips orders with more overtaking.",
                    " 约简：消息按发送顺序到达（允许一次超车），在不丢失任何状态时一次只展开一个节点。能搜索得更深；会跳过需要多次超车的顺序。"
                ) }
                if timed {
                    { tr!(
                        " With time as a step, only the ordering applies.",
                        " 时间作为一步时，只有消息顺序这一项生效。"
                    ) }
                }
            </label>
            if running {
                <button data-testid="cancel-check" onclick={act.on(|m, _: MouseEvent| m.cancel_check())}>{ tr!("Cancel", "取消") }</button>
            } else {
                <button class="primary" data-testid="check" disabled={m.violated() || m.replaying()}
                    onclick={act.on(|m, _: MouseEvent| m.start_check())}>{ tr!("Check from here", "从这里检查") }</button>
            }
            { for status }
        </>
    }
}

/// A sentence's first word (an invariant's name) with its capital.
fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The search's counters and outcome, in words.
fn status(r: &CheckRun) -> Html {
    let s = r.stats;
    let (unique, frontier, depth, rate) = (s.unique, s.frontier, s.depth, r.rate().round() as u64);
    let secs = format!("{:.1}", r.elapsed_ms / 1000.0);
    let counters = trf!(
        "{unique} states · {frontier} to expand · depth {depth} · {rate} states/s · {secs} s",
        "{unique} 个状态 · 待展开 {frontier} · 深度 {depth} · 每秒 {rate} 个状态 · {secs} 秒"
    );
    let b = r.bounds;
    let (d, max) = (b.depth, b.max_states);
    let (verdict, class) = match &r.outcome {
        Outcome::Running => (tr!("Searching…", "搜索中……").to_owned(), "running"),
        Outcome::Done => (
            trf!(
                "No invariant breaks in any order of up to {d} steps within these bounds.",
                "在这些界限内、最多 {d} 步的任何顺序中，没有不变式被破坏。"
            ),
            "ok",
        ),
        Outcome::Limit => (
            trf!(
                "Stopped at {max} states with no violation: the bounds hold more. Lower them or raise the limit.",
                "在 {max} 个状态处停止，未发现违反：界限内还有更多状态。请降低界限或提高上限。"
            ),
            "limit",
        ),
        Outcome::Cancelled => (tr!("Cancelled.", "已取消。").to_owned(), "limit"),
        Outcome::Opened { invariant, steps } => {
            let inv = capitalized(zh_core::text(invariant));
            (
                trf!(
                    "{inv} breaks after {steps} steps. The counterexample is now the run: it is paused at the step that broke it; \
                     travel back to watch it unfold.",
                    "{inv} 在 {steps} 步后被破坏。反例现在就是这次运行：它停在破坏不变式的那一步；可以用时间回溯观看它如何展开。"
                ),
                "bad",
            )
        }
    };
    html! {
        <div class={classes!("check-status", class)} data-testid="check-status" data-outcome={class}>
            <p class="counters" data-unique={s.unique.to_string()}>{ counters }</p>
            <p>{ verdict }</p>
        </div>
    }
}
