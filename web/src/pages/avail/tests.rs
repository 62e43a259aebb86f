//! The availability page without a browser: the URL and its refusals, the CSV against the
//! core's numbers, the chart's nines geometry, the calculator and the read-outs.

use super::calc::Calc;
use super::chart::{x_ticks, y_ticks, y_value, ChartData, Frame, Geometry, Series, XKind, MAX_NINES};
use super::controls::{sim_time, time};
use super::export::{curve_csv, measured_csv};
use super::format;
use super::model::{Action, AvailModel, Run};
use super::{curve_data, home_index};
use halab_core::reliability::analytic::{component, k_of_n};
use halab_core::reliability::nines::from_nines;
use halab_core::reliability::Avail;
use halab_core::scenario::avail::format_time;
use halab_core::scenario::avail::{AvailScenario, Axis};

const THREE_OF_FIVE: &str = "n=5&q=3&mtbf=99h&mttr=1h";

fn table(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default().split(',').map(str::to_owned).collect();
    (header, lines.map(|l| l.split(',').map(str::to_owned).collect()).collect())
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn the_default_link_is_short_and_a_bad_one_names_its_field() {
    let m = AvailModel::from_query("");
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.query(), "p=avail");
    for (query, field) in
        [("n=0", "n"), ("p=avail&mttr=soon", "mttr"), ("?q=9", "q"), ("x=y", "x"), ("zzz=1", "zzz")]
    {
        let m = AvailModel::from_query(query);
        assert_eq!(m.scenario, AvailScenario::default(), "{query}");
        assert_eq!(m.errors.len(), 1, "{query}");
        assert!(m.errors[0].contains(&format!("\u{201c}{field}\u{201d}")), "{query}: {}", m.errors[0]);
        assert!(m.errors[0].ends_with("Showing the default scenario instead."), "{}", m.errors[0]);
    }
    assert!(AvailModel::from_query("n=0&embed=1").embed, "a broken link in an iframe keeps the embed layout");
}

#[test]
fn every_change_writes_the_url_once_and_keeps_embed() {
    let mut m = AvailModel::from_query("p=avail&embed=1&speed=2");
    assert!(m.embed && m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.take_url_change(), None, "the address is left alone until something changes");
    m.act(Action::Mttr(2 * 3600));
    assert_eq!(
        m.take_url_change(),
        Some("p=avail&mttr=2h&embed=1".into()),
        "then speed (meaningless here) goes"
    );
    assert_eq!(m.take_url_change(), None);
    let g = m.generation;
    m.act(Action::Mttr(2 * 3600));
    assert_eq!(m.generation, g, "the same value again restarts nothing");
    m.act(Action::Axis(Axis::Mttr));
    m.act(Action::Crews(Some(2)));
    m.act(Action::Quorum(Some(4)));
    assert_eq!(m.take_url_change(), Some("p=avail&q=4&mttr=2h&crews=2&x=mttr&embed=1".into()));
    // A smaller cluster takes the quorum and crews down with it.
    m.act(Action::N(3));
    assert_eq!((m.scenario.k(), m.scenario.crews()), (3, 2));
}

#[test]
fn bad_input_gives_messages_not_panics() {
    let mut m = AvailModel::from_query(THREE_OF_FIVE);
    let before = m.scenario.clone();
    for a in [
        Action::N(0),
        Action::N(500),
        Action::Quorum(Some(6)),
        Action::Crews(Some(9)),
        Action::Mtbf(1),
        Action::Mttr(0),
        Action::Trials(1),
        Action::SimMttr(1),
    ] {
        m.act(a);
        assert_eq!(m.scenario, before, "{a:?} refused");
    }
    assert_eq!(m.errors.len(), 4, "the banner keeps the last four: {:?}", m.errors);
    assert!(m.errors.iter().all(|e| e.starts_with("Can't use that ")), "{:?}", m.errors);
    let m2 = {
        let mut m = AvailModel::from_query("");
        m.act(Action::N(500));
        m
    };
    assert_eq!(
        m2.errors,
        vec!["Can't use that number of nodes: must be between 1 and 101, got 500.".to_owned()]
    );
    assert_eq!(time("99"), Ok(99 * 3600), "a bare number is hours");
    assert_eq!(time("1.5 d"), Ok(129_600));
    assert!(time("soon").is_err() && time("").is_err() && time("-4h").is_err() && time("1e99h").is_err());
    assert_eq!(sim_time("20"), Ok(20_000_000));
    assert!(sim_time("fast").is_err());
    assert_eq!(format_time(99 * 3600), "99h");
    assert_eq!(format_time(86_400), "1d");
    assert_eq!(format_time(90), "90s");
    m.set_target(f64::NAN);
    m.set_target(40.0);
    assert_eq!(m.target_nines, 5.0);
}

#[test]
fn the_csv_holds_the_cores_numbers_to_the_last_bit() {
    let mut m = AvailModel::from_query(THREE_OF_FIVE);
    m.finish();
    let (header, rows) = table(&curve_csv(&m.curve));
    assert_eq!(header[0], "n");
    assert_eq!(rows.len(), m.curve.points.len());
    let five = &rows[4];
    assert_eq!(five[0], "5");
    let up: f64 = five[col(&header, "kofn_availability")].parse().expect("a number");
    let expected = k_of_n(5, 3, component(99.0, 1.0));
    assert_eq!(up.to_bits(), expected.up.to_bits(), "shortest round-trip keeps every bit");
    assert!((up - (1.0 - 9.8506e-6)).abs() < 1e-12, "{up}");
    let down: f64 = five[col(&header, "kofn_unavailability")].parse().expect("a number");
    assert_eq!(down, expected.down);
    for (p, r) in m.curve.points.iter().zip(&rows) {
        let f = |name: &str| r[col(&header, name)].parse::<f64>().expect(name);
        assert_eq!(f("ctmc_availability"), p.ctmc.up);
        assert_eq!(f("mc_trials") as u64, p.monte_carlo.trials);
        assert_eq!(f("mc_episodes") as u64, p.monte_carlo.episodes);
        assert_eq!(f("mc_mean"), p.monte_carlo.mean);
        assert_eq!(f("mc_ci95_low"), p.monte_carlo.low());
        assert_eq!(f("mc_ci95_high"), p.monte_carlo.high());
    }
    // The MTTR axis writes seconds.
    let m = AvailModel::from_query("x=mttr");
    let (header, rows) = table(&curve_csv(&m.curve));
    assert_eq!(header[0], "mttr_s");
    assert_eq!(rows.len(), 21);
    assert_eq!(rows[0][col(&header, "mc_trials")], "0", "Monte Carlo not run yet: empty columns");
}

#[test]
fn measured_points_have_their_own_csv() {
    let m = AvailModel::from_query("measure=1");
    let ms = m.measurements.as_ref().expect("measure=1 makes measured runs");
    let (header, rows) = table(&measured_csv(ms));
    assert_eq!(header.len(), 8);
    assert_eq!(rows.len(), 9);
    assert!(rows[0][col(&header, "measured_availability")].is_empty(), "nothing measured yet");
    assert!(AvailModel::from_query("").measurements.is_none());
}

#[test]
fn the_nines_axis_puts_each_nine_on_its_tick() {
    assert_eq!(y_value(from_nines(3.0), false).0.round(), 3.0);
    assert!((y_value(k_of_n(5, 3, component(99.0, 1.0)), false).0 - 5.0065).abs() < 1e-3);
    assert_eq!(y_value(Avail::new(1.0, 0.0), false), (MAX_NINES, true), "no downtime: on the ceiling");
    assert_eq!(y_value(from_nines(15.0), false), (MAX_NINES, true));
    assert_eq!(y_value(Avail::new(0.0, 1.0), false), (0.0, false));
    assert_eq!(y_value(from_nines(1.0), true).0, 0.9);

    let series = |key, values: Vec<Option<Avail>>| Series {
        key,
        name: key.into(),
        colour: "#000",
        dashed: false,
        dots: false,
        values,
    };
    let data = ChartData {
        xs: vec![1.0, 2.0, 3.0],
        x_kind: XKind::Count,
        x_title: "n".into(),
        x_name: "n",
        series: vec![series("a", vec![Some(from_nines(1.0)), Some(from_nines(2.0)), Some(from_nines(4.0))])],
        band: None,
        linear: false,
    };
    let f = Frame::WIDE;
    let g = Geometry::new(&data, f);
    assert_eq!(g.y_range, (1.0, 4.0));
    assert!(!g.clamped);
    let labels: Vec<&str> = g.y_ticks.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["90%", "99%", "99.9%", "99.99%"]);
    // Each point sits exactly on its tick, the first at the left edge and the last at the right.
    let tick = |label: &str| g.y_ticks.iter().find(|(_, l)| l == label).map(|&(y, _)| y).expect(label);
    assert_eq!(
        g.traces[0].d,
        format!(
            "M{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1}",
            f.left,
            tick("90%"),
            g.px[1],
            tick("99%"),
            f.w - f.right,
            tick("99.99%")
        )
    );
    assert_eq!(tick("99.99%"), f.top);
    assert_eq!(tick("90%"), f.h - f.bottom);
    assert_eq!(g.nearest(f.w), Some(2));
    assert_eq!(g.nearest(0.0), Some(0));
    // A gap breaks the line.
    let gap = ChartData {
        series: vec![series("b", vec![Some(from_nines(1.0)), None, Some(from_nines(2.0))])],
        ..data
    };
    assert_eq!(Geometry::new(&gap, f).traces[0].d.matches('M').count(), 2);
}

#[test]
fn the_page_chart_carries_every_series_and_the_band() {
    let mut m = AvailModel::from_query("x=mttr");
    let d = curve_data(&m);
    assert_eq!(d.series.iter().map(|s| s.key).collect::<Vec<_>>(), ["kofn", "ctmc", "mc"]);
    assert!(d.series[2].values.iter().all(Option::is_none), "Monte Carlo comes later");
    assert_eq!(d.x_kind, XKind::Seconds);
    // 21 log-spaced points around 4 h (20 steps of a factor 900^(1/20)): the middle one is 4 h.
    let home = home_index(&m).map(|i| m.curve.points[i].x).expect("a point");
    assert_eq!(home, 14_400.0);
    m.finish();
    let d = curve_data(&m);
    let band = d.band.as_ref().expect("a band");
    for ((lo, hi), mean) in band.lo.iter().zip(&band.hi).zip(&d.series[2].values) {
        let (lo, hi) = (lo.expect("lo"), hi.expect("hi"));
        // A point with no loss seen has no mean, only its bound (the band's low end).
        if let Some(mean) = mean {
            assert!(lo.down >= mean.down && mean.down >= hi.down);
        }
    }
    let g = Geometry::new(&d, Frame::NARROW);
    assert!(!g.band.is_empty() && g.band.ends_with('Z'));
    // Log-scaled x: ticks are round durations inside the 30× range around 4 h.
    let labels: Vec<String> = g.x_ticks.iter().map(|(_, l)| l.clone()).collect();
    assert!(labels.contains(&"1 h".to_owned()) && labels.contains(&"1 d".to_owned()), "{labels:?}");
    assert_eq!(x_ticks(1.0, 15.0, XKind::Count).len(), 15);
    assert_eq!(y_ticks((0.9, 1.0), true).len(), 11);
}

#[test]
fn cancel_stops_and_resume_picks_up() {
    let mut m = AvailModel::from_query("trials=1000");
    assert_eq!(m.run, Run::Running);
    m.work();
    let (done, total) = m.mc_progress();
    assert!(done > 0 && done < total);
    let g = m.generation;
    m.cancel();
    assert_eq!(m.run, Run::Cancelled);
    assert_ne!(m.generation, g, "the running loop sees a new generation and stops");
    m.resume();
    assert_eq!(m.run, Run::Running);
    m.finish();
    assert!(m.finished());
    assert_eq!(m.mc_progress(), (total, total));
}

#[test]
fn the_calculator_matches_the_formula_and_says_when_a_target_is_out_of_reach() {
    let s = AvailModel::from_query(THREE_OF_FIVE).scenario;
    let c = Calc::new(&s, 5.0);
    assert!((c.availability.down - 9.8506e-6).abs() < 1e-15);
    assert!((c.nines - 5.0065).abs() < 1e-3);
    assert!((c.downtime.per_year - 9.8506e-6 * 8766.0).abs() < 1e-9);
    let mttr = c.required_mttr_h.expect("5 nines is reachable");
    assert!(mttr > 1.0 && mttr < 1.1, "{mttr}");
    let one = AvailModel::from_query("n=1").scenario;
    assert_eq!(Calc::new(&one, 10.0).required_mttr_h, None);
    // One crew for five nodes: repairs queue and the chain is below the binomial.
    let crew = AvailModel::from_query("n=5&crews=1").scenario;
    let c = Calc::new(&crew, 5.0);
    assert!(c.availability.down > c.independent.down);
    assert!(c.ln_mttql_h.is_some_and(f64::is_finite));
}

#[test]
fn numbers_read_well() {
    assert_eq!(format::availability(k_of_n(5, 3, component(99.0, 1.0))), "0.99999014940");
    assert_eq!(format::availability(Avail::new(1.0, 0.0)), "1 (no downtime at all)");
    assert_eq!(format::availability(from_nines(1.0)), "0.9000000");
    assert_eq!(format::downtime(9.8506e-6 * 8766.0), "5 min 11 s");
    assert_eq!(format::downtime(8.76), "8 h 45 min 36 s");
    assert_eq!(format::downtime(0.5 / 3600.0), "500 ms");
    assert_eq!(format::nines_label(3), "99.9%");
    assert_eq!(format::nines_label(6), "99.9999%");
    assert_eq!(format::nines_label(8), "8 nines");
    assert_eq!(format::hours(1.01), "1.01 h");
    assert_eq!(format::hours(3.94 * 8766.0), "3.94 y");
    assert_eq!(format::hours(f64::INFINITY), "never");
    assert_eq!(format::seconds(600.0), "10 min");
    assert_eq!(format::nines(f64::INFINITY), "∞");
}

/// Issue 11, item 5: the new keys (detection, failure domains, mission, SLA) round-trip through
/// the URL, and bad values are refused with a message that names them.
#[test]
fn the_new_keys_round_trip_and_bad_values_are_refused() {
    let q = "p=avail&detect=30s&dom=3&dmtbf=2y&dmttr=90min&mission=30d&sla=99.95";
    let m = AvailModel::from_query(q);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.query(), q);
    let mut m = AvailModel::from_query("");
    m.act(Action::Detect(30));
    m.act(Action::Domains(3));
    m.act(Action::Sla(999_500));
    assert_eq!(m.take_url_change(), Some("p=avail&detect=30s&dom=3&sla=99.95".into()));
    // The mission time is the calculator's alone: the curve and its Monte Carlo carry on.
    let g = m.generation;
    m.act(Action::Mission(30 * 86_400));
    assert_eq!(m.generation, g);
    assert_eq!(m.calc.mission_h, 720.0);
    assert_eq!(m.take_url_change(), Some("p=avail&detect=30s&dom=3&mission=30d&sla=99.95".into()));
    let before = m.scenario.clone();
    for a in [
        Action::Domains(1),
        Action::Domains(40),
        Action::Detect(10 * 86_400),
        Action::Sla(1_000_000),
        Action::Sla(10),
        Action::Mission(60),
        Action::DomainMttr(0),
    ] {
        m.act(a);
        assert_eq!(m.scenario, before, "{a:?} refused");
    }
    assert!(m.errors.iter().any(|e| e.contains("SLA")), "{:?}", m.errors);
    assert!(m.errors.iter().any(|e| e.contains("mission time")), "{:?}", m.errors);
    let m = AvailModel::from_query("dom=99");
    assert!(m.errors[0].contains("\u{201c}dom\u{201d}"), "{:?}", m.errors);
}

/// Issue 11, item 3: magnitudes beyond f64 are printed as they are, never as "no downtime",
/// "∞ nines" or "never". 1-of-101 at A = 0.9999 is down 1e-404 of the time.
#[test]
fn magnitudes_beyond_f64_read_as_numbers() {
    let m = AvailModel::from_query("n=101&q=1&mtbf=9999h&mttr=1h");
    let c = &m.calc;
    assert!((c.nines - 404.0).abs() < 1e-6, "{}", c.nines);
    assert_eq!(format::nines(c.nines), "404.00");
    assert_eq!(format::availability(c.availability), "1 − 1.00e-404");
    assert_eq!(format::unavailability(c.availability), "1.00e-404");
    let year = format::downtime_ln(c.downtime.ln_per_year);
    assert!(year.ends_with(" s") && year.contains("e-"), "{year}");
    let mttql = format::hours_ln(c.ln_mttql_h.expect("no domains"));
    assert!(mttql.ends_with(" y") && mttql.contains("e"), "{mttql}");
    assert_ne!(mttql, "never");
    let loss = format::probability_ln(c.ln_mission_loss.expect("no domains"));
    assert!(loss.contains("e-"), "{loss}");
    assert_eq!(format::sci_ln((1e-5f64).ln()), "1.00e-5");
    assert_eq!(format::sci_ln((9.996e3f64).ln()), "1.00e4");
    assert_eq!(format::availability(Avail::new(1.0, 0.0)), "1 (no downtime at all)");
    // The chart's read-out gives the true nines of a value above its ceiling.
    let mut m = AvailModel::from_query("n=101&q=1&mtbf=9999h&mttr=1h&trials=100");
    m.finish();
    let d = curve_data(&m);
    let i = d.xs.iter().position(|&x| x == 101.0).expect("n = 101 is drawn");
    let kofn = d.series[0].values[i].expect("analytic");
    assert!((-kofn.log10_down() - 404.0).abs() < 1e-6);
}

/// Issue 11, items 2 and 5: a Monte Carlo point that saw no loss is drawn as a one-sided bound;
/// the calculator reports outages per year, their length, the mission and SLA figures.
#[test]
fn no_loss_is_a_bound_and_the_calculator_has_the_new_figures() {
    let mut m = AvailModel::from_query("trials=1000");
    m.finish();
    let d = curve_data(&m);
    let bound = d.series.iter().find(|s| s.key == "mcbound").expect("n = 15 sees no loss in 1,000 windows");
    let mean = d.series.iter().find(|s| s.key == "mc").expect("mc");
    for (i, p) in m.curve.points.iter().enumerate() {
        let e = p.monte_carlo;
        assert_eq!(bound.values[i].is_some(), e.one_sided(), "x = {}", p.x);
        assert_eq!(mean.values[i].is_some(), !e.one_sided(), "x = {}", p.x);
        if e.one_sided() {
            assert!(e.hi_down > 0.0 && e.lo_down == 0.0);
        }
    }
    let c = &m.calc;
    // 3 of 5, MTBF 1000 h, MTTR 4 h: 4.70e-7 losses per hour, once in 242 years, 1.34 h each.
    assert!((c.outages.per_year() - 4.70e-7 * 8766.0).abs() < 1e-5, "{}", c.outages.per_year());
    assert!((c.outages.mean_hours() - 1.337).abs() < 0.01, "{}", c.outages.mean_hours());
    assert_eq!(format::per_year_ln(c.outages.ln_per_year()), "once in 242 years");
    let loss = c.ln_mission_loss.expect("no domains").exp();
    assert!((loss - 8766.0 / c.ln_mttql_h.expect("chain").exp()).abs() < 0.01 * loss, "{loss}");
    // Failure domains: the calculator uses the domain model and says what the chain cannot.
    let m = AvailModel::from_query("dom=3&dmtbf=30d&dmttr=4h");
    assert!(m.calc.availability.down > 10.0 * m.calc.independent.down);
    assert_eq!(m.calc.ln_mttql_h, None);
    // Detection adds to every repair.
    let slow = AvailModel::from_query("detect=1h");
    assert!(slow.calc.availability.down > AvailModel::from_query("").calc.availability.down);
}

/// Issue 15: in Chinese the chart's series, the calculator's figures and a refusal read in
/// Chinese (the English above is unchanged).
#[test]
fn the_page_reads_in_chinese() {
    let chinese = crate::i18n::speaking(crate::i18n::Lang::Zh);
    let mut m = AvailModel::from_query("n=5&crews=1");
    let d = curve_data(&m);
    assert_eq!(d.series[1].name, "马尔可夫链，1 个修复组");
    assert_eq!(d.x_title, "节点数 n（法定人数：过半数）");
    assert_eq!(format::nines_label(8), "8 个九");
    assert_eq!(format::per_year_ln(AvailModel::from_query("").calc.outages.ln_per_year()), "每 242 年一次");
    m.act(Action::N(500));
    assert!(m.errors[0].starts_with("无法使用此设置（节点数）："), "{:?}", m.errors);
    drop(chinese);
    assert_eq!(format::nines_label(8), "8 nines");
}
