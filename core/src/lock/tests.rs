use super::*;
use crate::protocol::{Effect, MS, SEC};
use crate::scenario::url;
use crate::sim::fault::Fault;

fn run(lock: &Lock, id: NodeId, now: Micros, s: &mut LockState, ev: Event<Lock>) -> Vec<Effect<Lock>> {
    let mut out = Effects::default();
    lock.handle(id, now, s, ev, &mut out);
    out.0
}

fn boot(lock: &Lock, id: NodeId, restored: Option<&LockDurable>) -> (LockState, Vec<Effect<Lock>>) {
    let mut out = Effects::default();
    let s = lock.init(id, restored, &mut out);
    (s, out.0)
}

fn sent(effects: &[Effect<Lock>]) -> Vec<(NodeId, LockMsg)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { to, msg } => Some((*to, msg.clone())),
            _ => None,
        })
        .collect()
}

fn msg(from: NodeId, msg: LockMsg) -> Event<Lock> {
    Event::Msg { from, msg }
}

/// Acquisition `n` of a client's first life.
fn a(n: u32) -> Acq {
    Acq { life: 0, n }
}

#[test]
fn the_client_lease_is_shortened_by_the_drift_bound_unless_the_bug_is_on() {
    let c = LockConfig { ttl: SEC, drift_bound_ppm: 10_000, ..LockConfig::default() };
    assert_eq!(c.client_lease(), 980_198, "1 s × 0.99 / 1.01");
    let bug = LockConfig { bugs: LockBugs { lease_from_receipt: true, ..LockBugs::default() }, ..c };
    assert_eq!(bug.client_lease(), SEC);
}

#[test]
fn a_grant_counts_from_the_first_request_not_from_its_arrival() {
    let lock = Lock::default();
    let (mut s, _) = boot(&lock, 2, None);
    run(&lock, 2, 100 * MS, &mut s, Event::Timer(LockTimer::Acquire));
    // A retry keeps the acquisition and its start.
    let retry = run(&lock, 2, 300 * MS, &mut s, Event::Timer(LockTimer::Acquire));
    assert_eq!(sent(&retry), vec![(SERVER, LockMsg::Acquire { acq: a(0) })]);
    run(&lock, 2, 400 * MS, &mut s, msg(SERVER, LockMsg::Grant { acq: a(0), token: 7 }));
    let LockState::Client(c) = &s else { panic!() };
    assert_eq!(
        c.phase,
        Phase::Holding { acq: a(0), token: 7, until: 100 * MS + lock.config.client_lease(), wrote: false }
    );
}

#[test]
fn a_grant_for_an_abandoned_acquisition_is_handed_back() {
    let lock = Lock::default();
    let (mut s, _) = boot(&lock, 2, None);
    run(&lock, 2, 0, &mut s, Event::Timer(LockTimer::Acquire));
    run(&lock, 2, MS, &mut s, msg(SERVER, LockMsg::Deny { acq: a(0), holder: Some(3) }));
    run(&lock, 2, 2 * MS, &mut s, Event::Timer(LockTimer::Acquire)); // acquisition 1
    let late = run(&lock, 2, 3 * MS, &mut s, msg(SERVER, LockMsg::Grant { acq: a(0), token: 4 }));
    assert_eq!(sent(&late), vec![(SERVER, LockMsg::Release { acq: a(0), token: 4 })]);
    assert_eq!(s.held_token(), None);
}

#[test]
fn the_server_regrants_only_to_the_same_acquisition() {
    let lock = Lock::default();
    let (mut s, _) = boot(&lock, SERVER, None);
    let g = run(&lock, SERVER, 0, &mut s, msg(2, LockMsg::Acquire { acq: a(0) }));
    assert_eq!(sent(&g), vec![(2, LockMsg::Grant { acq: a(0), token: 1 })]);
    let again = run(&lock, SERVER, MS, &mut s, msg(2, LockMsg::Acquire { acq: a(0) }));
    assert_eq!(sent(&again), vec![(2, LockMsg::Grant { acq: a(0), token: 1 })]);
    let next = run(&lock, SERVER, 2 * MS, &mut s, msg(2, LockMsg::Acquire { acq: a(1) }));
    assert_eq!(sent(&next), vec![(2, LockMsg::Deny { acq: a(1), holder: Some(2) })]);
    let other = run(&lock, SERVER, 3 * MS, &mut s, msg(3, LockMsg::Acquire { acq: a(0) }));
    assert_eq!(sent(&other), vec![(3, LockMsg::Deny { acq: a(0), holder: Some(2) })]);
    // Expired on the server's clock: the next one gets a higher token.
    let later = run(&lock, SERVER, 2 * SEC, &mut s, msg(3, LockMsg::Acquire { acq: a(0) }));
    assert_eq!(sent(&later), vec![(3, LockMsg::Grant { acq: a(0), token: 2 })]);
}

#[test]
fn a_restarted_server_keeps_its_token_counter_and_waits_one_ttl() {
    let lock = Lock::default();
    let (mut s, _) = boot(&lock, SERVER, None);
    let g = run(&lock, SERVER, 0, &mut s, msg(2, LockMsg::Acquire { acq: a(0) }));
    let durable = g.iter().find_map(|e| match e {
        Effect::Persist(d) => Some(d.clone()),
        _ => None,
    });
    assert_eq!(durable, Some(LockDurable::Server { next_token: 2 }));
    let (mut s, boot_effects) = boot(&lock, SERVER, durable.as_ref());
    assert!(boot_effects.contains(&Effect::SetTimer { timer: LockTimer::Grace, after: SEC..=SEC }));
    let denied = run(&lock, SERVER, MS, &mut s, msg(3, LockMsg::Acquire { acq: a(0) }));
    assert_eq!(sent(&denied), vec![(3, LockMsg::Deny { acq: a(0), holder: None })]);
    run(&lock, SERVER, SEC, &mut s, Event::Timer(LockTimer::Grace));
    let granted = run(&lock, SERVER, SEC + MS, &mut s, msg(3, LockMsg::Acquire { acq: a(0) }));
    assert_eq!(sent(&granted), vec![(3, LockMsg::Grant { acq: a(0), token: 2 })]);

    let volatile = Lock::new(LockConfig {
        bugs: LockBugs { volatile_tokens: true, ..LockBugs::default() },
        ..LockConfig::default()
    });
    let (mut s, effects) = boot(&volatile, SERVER, None);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Persist(_))));
    let g = run(&volatile, SERVER, 0, &mut s, msg(2, LockMsg::Acquire { acq: a(0) }));
    assert!(!g.iter().any(|e| matches!(e, Effect::Persist(_))), "the bug skips the Persist");
}

#[test]
fn the_storage_fences_off_lower_tokens_unless_the_bug_is_on() {
    for (no_fencing, accepted) in [(false, 1), (true, 2)] {
        let lock = Lock::new(LockConfig {
            bugs: LockBugs { no_fencing, ..LockBugs::default() },
            ..LockConfig::default()
        });
        let (mut s, _) = boot(&lock, STORAGE, None);
        run(&lock, STORAGE, 0, &mut s, msg(3, LockMsg::Write { token: 3, value: 1 }));
        let out = run(&lock, STORAGE, MS, &mut s, msg(2, LockMsg::Write { token: 2, value: 2 }));
        let LockState::Storage(st) = &s else { panic!() };
        assert_eq!(st.accepted, accepted);
        if !no_fencing {
            assert_eq!(sent(&out), vec![(2, LockMsg::Fenced { token: 2, highest: 3 })]);
        }
    }
}

#[test]
fn a_fast_server_clock_expires_leases_early_in_true_time() {
    // The server runs 50% fast: a 1 s lease on its clock lasts 666.667 ms of true time.
    let mut s = url::decode("p=lock&n=3&seed=2&lat=1ms-1ms").unwrap().scenario;
    s.push_fault(0, Fault::ClockDrift(SERVER, 500_000));
    let mut sim = s.lock_sim();
    while !matches!(sim.cluster().state(SERVER), Some(LockState::Server(ServerState { holder: Some(_), .. })))
    {
        sim.step().expect("a grant happens");
    }
    let deadline = sim.cluster().nodes[SERVER as usize].timers[&LockTimer::Expire].at;
    assert_eq!(deadline - sim.now(), 666_667);
    let Some(LockState::Server(st)) = sim.cluster().state(SERVER) else { panic!() };
    let local_now = sim.cluster().nodes[SERVER as usize].clock.local(sim.now());
    assert_eq!(st.holder.as_ref().unwrap().expires, local_now + SEC, "the server counts on its own clock");
    assert!(local_now > sim.now());
    sim.run_until(SEC);
    let checker = sim.checker_as::<LockChecker>().unwrap();
    assert!(checker.assumption_broken.as_ref().is_some_and(|a| a.english().contains("500000 ppm")));
}

#[test]
fn stray_client_writes_are_refused_not_fatal() {
    let lock = Lock::default();
    let (mut s, _) = boot(&lock, 2, None);
    let out = run(&lock, 2, 0, &mut s, Event::Input(NoWrites { req: 5 }));
    assert_eq!(out, vec![Effect::Output(NoWrites { req: 5 })]);
    assert_eq!(lock.reply(&NoWrites { req: 5 }), Reply::Rejected { req: 5 });
}

#[test]
fn a_drift_change_re_times_armed_timers_by_the_local_time_they_have_left() {
    let s = url::decode("p=lock&n=3&seed=4").unwrap().scenario;
    let mut sim = s.lock_sim();
    let d0 = sim.cluster().nodes[2].timers[&LockTimer::Acquire].at;
    sim.run_until(50 * MS);
    assert!(d0 > 51 * MS, "the client's first attempt is still ahead ({d0})");
    let at = sim.inject(Fault::ClockDrift(2, 500_000));
    sim.run_until(at);
    let d1 = sim.cluster().nodes[2].timers[&LockTimer::Acquire].at;
    let left = d0 - at;
    assert_eq!(d1 - at, (left * 2).div_ceil(3), "{} µs of local time at 1.5×", left);
}

#[test]
fn a_renewal_answered_after_its_extension_ran_out_extends_nothing() {
    let lock = Lock::default();
    let (mut s, _) = boot(&lock, 2, None);
    run(&lock, 2, 0, &mut s, Event::Timer(LockTimer::Acquire));
    run(&lock, 2, MS, &mut s, msg(SERVER, LockMsg::Grant { acq: a(0), token: 1 }));
    // Asked at 0.4 s, answered at 5 s (the client was paused): the extension ended at 1.38 s.
    let out = run(&lock, 2, 5 * SEC, &mut s, msg(SERVER, LockMsg::Renewed { token: 1, asked: 400 * MS }));
    assert!(out.is_empty());
    let LockState::Client(c) = &s else { panic!() };
    assert_eq!(
        c.phase,
        Phase::Holding { acq: a(0), token: 1, until: lock.config.client_lease(), wrote: false }
    );
}

#[test]
fn a_restarted_client_starts_a_new_life_and_ignores_what_was_meant_for_the_old_one() {
    // Regression: a restarted client used to number its acquisitions from 0 again, so the
    // server re-granted the old life's token to the new life, and the old life's slow Release
    // then freed the lease the new life believed it held.
    let lock = Lock::default();
    let (mut c, boot_fx) = boot(&lock, 2, None);
    assert!(boot_fx.contains(&Effect::Persist(LockDurable::Client { life: 0 })));
    run(&lock, 2, 0, &mut c, Event::Timer(LockTimer::Acquire));
    run(&lock, 2, MS, &mut c, msg(SERVER, LockMsg::Grant { acq: a(0), token: 1 }));
    assert_eq!(c.held_token(), Some(1));

    // Crash and restart: the durable life counter moves on, persisted before any Acquire.
    let (mut c, boot_fx) = boot(&lock, 2, Some(&LockDurable::Client { life: 0 }));
    assert!(matches!(boot_fx[0], Effect::Persist(LockDurable::Client { life: 1 })), "{boot_fx:?}");
    let ask = run(&lock, 2, 10 * MS, &mut c, Event::Timer(LockTimer::Acquire));
    let new = Acq { life: 1, n: 0 };
    assert_eq!(sent(&ask), vec![(SERVER, LockMsg::Acquire { acq: new })]);
    // A delayed Grant meant for the old life is handed back, not taken.
    let late = run(&lock, 2, 11 * MS, &mut c, msg(SERVER, LockMsg::Grant { acq: a(0), token: 1 }));
    assert_eq!(sent(&late), vec![(SERVER, LockMsg::Release { acq: a(0), token: 1 })]);
    assert_eq!(c.held_token(), None);

    // The server, still leasing to the old life, denies the new one instead of re-granting.
    let (mut srv, _) = boot(&lock, SERVER, None);
    run(&lock, SERVER, 0, &mut srv, msg(2, LockMsg::Acquire { acq: a(0) }));
    let denied = run(&lock, SERVER, 12 * MS, &mut srv, msg(2, LockMsg::Acquire { acq: new }));
    assert_eq!(sent(&denied), vec![(2, LockMsg::Deny { acq: new, holder: Some(2) })]);
    // Once it expires the new life gets a fresh token; the old life's slow Release ends nothing.
    let g = run(&lock, SERVER, 2 * SEC, &mut srv, msg(2, LockMsg::Acquire { acq: new }));
    assert_eq!(sent(&g), vec![(2, LockMsg::Grant { acq: new, token: 2 })]);
    run(&lock, SERVER, 2 * SEC + MS, &mut srv, msg(2, LockMsg::Release { acq: a(0), token: 1 }));
    let LockState::Server(st) = &srv else { panic!() };
    assert_eq!(st.holder.as_ref().map(|l| (l.acq, l.token)), Some((new, 2)), "still leased to the new life");
}

#[test]
fn the_reuse_bug_restarts_the_numbering_and_persists_no_life() {
    let lock = Lock::new(LockConfig {
        bugs: LockBugs { reuse_acquisitions: true, ..LockBugs::default() },
        ..LockConfig::default()
    });
    let (mut c, fx) = boot(&lock, 2, None);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Persist(_))));
    let ask = run(&lock, 2, 0, &mut c, Event::Timer(LockTimer::Acquire));
    assert_eq!(sent(&ask), vec![(SERVER, LockMsg::Acquire { acq: a(0) })]);
}

#[test]
fn release_ends_only_the_acquisition_it_names() {
    let lock = Lock::default();
    let (mut s, _) = boot(&lock, SERVER, None);
    run(&lock, SERVER, 0, &mut s, msg(2, LockMsg::Acquire { acq: a(3) }));
    run(&lock, SERVER, MS, &mut s, msg(2, LockMsg::Release { acq: a(2), token: 1 }));
    let LockState::Server(st) = &s else { panic!() };
    assert!(st.holder.is_some(), "an earlier acquisition's Release ends nothing");
    run(&lock, SERVER, 2 * MS, &mut s, msg(2, LockMsg::Release { acq: a(3), token: 1 }));
    let LockState::Server(st) = &s else { panic!() };
    assert!(st.holder.is_none());
}
