//! `cargo xtask <command>`: the project's one entry point for building, serving and testing.
//!
//! Every command first makes sure the tools it needs are installed (each check is fast when the
//! tool is present, and the installs are idempotent), so a fresh Debian machine with rustup,
//! cargo, node and npm needs nothing else:
//!
//! | tool                      | how it is installed                                           |
//! |---------------------------|---------------------------------------------------------------|
//! | wasm32 target             | `rustup target add wasm32-unknown-unknown`                    |
//! | trunk 0.21.x              | `cargo install trunk --version ~0.21 --locked`                |
//! | wasm-bindgen-cli          | `cargo install wasm-bindgen-cli --version <Cargo.lock's>`     |
//! | wasm-opt, playwright-core | `npm ci` in `tests/` (npm `binaryen`, put first on PATH)      |
//! | chromium, chromedriver, a Chinese font | `apt-get install -y chromium chromium-driver fonts-wqy-microhei` (test only) |
//!
//! Nothing here prompts; it is meant to run unattended (CI=true, no TTY).
//!
//! Build output goes where cargo's does: `CARGO_TARGET_DIR` (default `target/`) for everything
//! cargo and Trunk compile, and `HALAB_DIST` (default `dist/`) for the release bundle that the
//! e2e tests and `bench` read. Two checkouts or two people sharing one can keep apart that way.

use std::collections::BTreeSet;
use std::env;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{self, Command, Stdio};
use std::time::{Duration, Instant};

const TRUNK_SERIES: &str = "0.21";
const TRUNK_REQ: &str = "~0.21";
const SERVE_HOST: &str = "127.0.0.1";
const SERVE_PORT: u16 = 8080;
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A Chinese font (1.6 MB), so the e2e tests and screenshots lay out the `zh` pages with real
/// glyphs: a fresh Debian has none, and Chromium then draws boxes of another width.
const CJK_FONT_PACKAGE: &str = "fonts-wqy-microhei";
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
/// Crates whose `#[wasm_bindgen_test]`s run in headless Chromium (stage `wasm`).
const WASM_TEST_CRATES: &[&str] = &["halab-web", "halab-core"];
/// Random schedules per protocol in `cargo xtask test` (`HALAB_SEEDS`, read by
/// `core/tests/common/mod.rs`); `soak` runs many more.
const TEST_SEEDS: u64 = 2_000;
/// Schedules per protocol in `cargo xtask soak` when no N is given.
const SOAK_SEEDS: u64 = 100_000;
/// Rounds of `test --under-load` when no `--rounds` is given.
const LOAD_ROUNDS: u32 = 3;
/// Stages `test --under-load` runs when none are named.
const LOAD_STAGES: &[&str] = &["wasm", "e2e"];
/// A CPU hog exits on its own after this long, whatever happens to the xtask that started it.
const HOG_MAX_LIFE: Duration = Duration::from_secs(3 * 3600);

type Result<T = (), E = String> = std::result::Result<T, E>;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve            install missing tools, then `trunk serve` on http://127.0.0.1:8080
                   (debug build in target/serve-dist/, rebuilt on change)
  test [STAGE..]   install missing tools, then run the stages (default: all, in order):
                     fmt      cargo fmt --all --check
                     clippy   cargo clippy --workspace --all-targets -- -D warnings
                     native   cargo test --workspace --no-fail-fast   (HALAB_SEEDS=2000)
                     wasm     cargo test --target wasm32-unknown-unknown -p halab-web -p halab-core
                     build    trunk build --release            (into dist/)
                     e2e      node --test tests/e2e/*.test.mjs (headless Chromium against dist/)
  test --under-load [--rounds R] [--hogs H] [STAGE..]
                   the same stages (default: wasm e2e) R times (default 3) while H busy-loop
                   processes (default: one per core) keep every core busy; compiles and
                   builds what they need first, unloaded; reports pass/fail and time per round
  soak [N]         N random fault schedules per protocol (default 100000), optimised build:
                   every core/tests/*_props.rs that uses shard_tests!; prints failing seeds,
                   then wall time and counts per protocol
  bench [ARGS..]   cargo bench -p halab-core [ARGS..], then the bundle's raw and gzipped size
  bench-wasm       the exhaustive checker's unique states/s natively and in Wasm (Node), side by
                   side: core/examples/check_speed.rs built for the host and for wasm32
  dist             install missing tools, then `trunk build --release` into dist/, and print each
                   file's raw and gzipped size and what a page of each bundle weighs against
                   the budget
  install          only install or check the tools

environment: CARGO_TARGET_DIR (default target/), HALAB_DIST (default dist/)
";

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let root = repo_root();
    if let Err(e) = env::set_current_dir(&root) {
        fail(&format!("cannot cd to {}: {e}", root.display()));
    }
    setup_env(&root);
    let cmd = args.first().map(String::as_str).unwrap_or("help");
    let rest = args.get(1..).unwrap_or_default();
    let result = match cmd {
        "serve" => serve(&root),
        "test" => test(&root, rest),
        "soak" => soak(&root, rest),
        "bench" => bench(&root, rest),
        "bench-wasm" => bench_wasm(&root),
        "dist" => install(&root, Need::Build).and_then(|()| trunk_build(&root)).map(|()| bundle_sizes(&root)),
        // Internal: one busy loop for `test --under-load`.
        "__hog" => hog(),
        "install" => install(&root, Need::Test),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    if let Err(e) = result {
        fail(&e);
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("xtask: error: {msg}");
    process::exit(1);
}

fn repo_root() -> PathBuf {
    // `cargo run` sets it at run time too; prefer that over the build-time path (the binary
    // can outlive a moved checkout, or be shared through CARGO_TARGET_DIR).
    let manifest = env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

fn tests_dir(root: &Path) -> PathBuf {
    root.join("tests")
}

/// `$name` as a path (relative to the repository root), or `default` under the root.
fn dir_from_env(root: &Path, name: &str, default: &str) -> PathBuf {
    match env::var_os(name).filter(|v| !v.is_empty()) {
        Some(v) => root.join(PathBuf::from(v)),
        None => root.join(default),
    }
}

/// Where cargo (and so Trunk) puts build output: `CARGO_TARGET_DIR`, else `target/`.
fn target_dir(root: &Path) -> PathBuf {
    dir_from_env(root, "CARGO_TARGET_DIR", "target")
}

/// The release bundle: `HALAB_DIST`, else `dist/`.
fn dist_dir(root: &Path) -> PathBuf {
    dir_from_env(root, "HALAB_DIST", "dist")
}

/// PATH gets the project-local npm binaries (wasm-opt) and cargo's bin folder first, so Trunk
/// finds them instead of downloading or picking an old system wasm-opt.
fn setup_env(root: &Path) {
    let mut front = vec![tests_dir(root).join("node_modules").join(".bin")];
    front.push(cargo_home().join("bin"));
    let old = env::var_os("PATH").unwrap_or_default();
    let mut paths: Vec<PathBuf> = front;
    paths.extend(env::split_paths(&old));
    if let Ok(joined) = env::join_paths(paths) {
        env::set_var("PATH", joined);
    }
    if env::var_os("CHROMEDRIVER").is_none() && Path::new(CHROMEDRIVER).exists() {
        env::set_var("CHROMEDRIVER", CHROMEDRIVER);
    }
    // Trunk would otherwise ask crates.io for a newer version of itself on every run.
    env::set_var("TRUNK_SKIP_VERSION_CHECK", "true");
    // wasm-bindgen-test-runner's default (20 s) is short for a cold browser on a busy 2-core box.
    // It bounds a whole test binary, so it is only a guard against a hang: each test waits for its
    // own conditions with a 20 s deadline (web/tests/common/mod.rs).
    if env::var_os("WASM_BINDGEN_TEST_TIMEOUT").is_none() {
        env::set_var("WASM_BINDGEN_TEST_TIMEOUT", "300");
    }
    if !std::io::stdin().is_terminal() || env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        env::set_var("DEBIAN_FRONTEND", "noninteractive");
        env::set_var("NPM_CONFIG_YES", "true");
    }
}

fn cargo_home() -> PathBuf {
    if let Some(h) = env::var_os("CARGO_HOME") {
        return PathBuf::from(h);
    }
    PathBuf::from(env::var_os("HOME").unwrap_or_else(|| OsString::from("/root"))).join(".cargo")
}

fn cargo() -> OsString {
    env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"))
}

// ---------------------------------------------------------------------------------------------
// Running commands

fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        let a = a.to_string_lossy();
        if a.is_empty() || a.contains([' ', '\'', '"', '*', '~']) {
            let _ = write!(s, " '{}'", a.replace('\'', r"'\''"));
        } else {
            let _ = write!(s, " {a}");
        }
    }
    s
}

/// Runs `cmd` with inherited stdio; Err if it cannot start or exits non-zero.
fn run(cmd: &mut Command) -> Result {
    eprintln!("$ {}", show(cmd));
    let status = cmd.status().map_err(|e| format!("cannot run `{}`: {e}", show(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", show(cmd)))
    }
}

/// Runs `cmd` quietly and returns its trimmed stdout, or None if it cannot start or fails.
fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

// ---------------------------------------------------------------------------------------------
// Tool installation

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    /// wasm32 target, trunk, wasm-bindgen, wasm-opt.
    Build,
    /// Build + chromium, chromedriver, playwright-core.
    Test,
}

/// Trunk and wasm-bindgen-cli are built side by side, while npm and apt fetch the rest: each
/// build has long stretches on one core (big crates, linking), so together they fill both.
fn install(root: &Path, need: Need) -> Result {
    let t = Instant::now();
    ensure_wasm_target()?;
    let mut builds = Vec::new();
    if let Some(args) = trunk_install()? {
        builds.push(spawn_cargo_install(&args)?);
    }
    let bindgen = wasm_bindgen_install(root)?;
    if let Some(args) = &bindgen {
        builds.push(spawn_cargo_install(args)?);
    }
    let others =
        ensure_npm_packages(root).and_then(|()| if need >= Need::Test { ensure_chromium() } else { Ok(()) });
    let mut failed = others.err();
    for (name, started, mut child) in builds {
        match child.wait() {
            Ok(status) if status.success() => {
                eprintln!("xtask: installed {name} ({})", secs(started.elapsed()))
            }
            Ok(status) => failed = failed.or(Some(format!("`cargo install {name}` failed ({status})"))),
            Err(e) => failed = failed.or(Some(format!("cannot wait for `cargo install {name}`: {e}"))),
        }
    }
    if let Some(e) = failed {
        return Err(e);
    }
    check_trunk()?;
    if bindgen.is_some() {
        check_wasm_bindgen(root)?;
    }
    eprintln!("xtask: tools ready ({})", secs(t.elapsed()));
    Ok(())
}

fn ensure_wasm_target() -> Result {
    const TARGET: &str = "wasm32-unknown-unknown";
    // Fast path without rustup: the target's std is in the sysroot.
    if let Some(sysroot) = output(Command::new("rustc").args(["--print", "sysroot"])) {
        if Path::new(&sysroot).join("lib/rustlib").join(TARGET).is_dir() {
            return Ok(());
        }
    }
    eprintln!("xtask: installing Rust target {TARGET}");
    run(Command::new("rustup").args(["target", "add", TARGET]))
}

/// Starts `cargo install` from a neutral folder, so the project's .cargo/config.toml does not
/// apply. The tools are built to build fast, not to run fast: they orchestrate and post-process
/// a 1 MB module, and their own release profiles (LTO, one codegen unit) cost most of the ~26 min
/// a first install took on 2 cores.
fn spawn_cargo_install(args: &[String]) -> Result<(String, Instant, std::process::Child)> {
    let mut cmd = Command::new(cargo());
    cmd.arg("install")
        .args(args)
        .current_dir(env::temp_dir())
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "0");
    eprintln!("$ {}  (in the background)", show(&cmd));
    let child = cmd.spawn().map_err(|e| format!("cannot run `{}`: {e}", show(&cmd)))?;
    Ok((args[0].clone(), Instant::now(), child))
}

/// `<name> --version` → the second word (`trunk 0.21.14` → `0.21.14`).
fn tool_version(name: &str) -> Option<String> {
    let out = output(Command::new(name).arg("--version"))?;
    out.split_whitespace().nth(1).map(str::to_owned)
}

/// The `cargo install` arguments for Trunk, if the right series is missing.
fn trunk_install() -> Result<Option<Vec<String>>> {
    match tool_version("trunk") {
        Some(v) if v.starts_with(&format!("{TRUNK_SERIES}.")) => Ok(None),
        found => {
            eprintln!(
                "xtask: need trunk {TRUNK_SERIES}.x, found {}; installing",
                found.as_deref().unwrap_or("none")
            );
            // --locked: trunk's own lock file; 0.22 needs a newer rustc than this toolchain.
            Ok(Some(["trunk", "--version", TRUNK_REQ, "--locked", "--force"].map(String::from).to_vec()))
        }
    }
}

fn check_trunk() -> Result {
    match tool_version("trunk") {
        Some(v) if v.starts_with(&format!("{TRUNK_SERIES}.")) => Ok(()),
        other => Err(format!(
            "need trunk {TRUNK_REQ}, but `trunk --version` says {other:?}: is another trunk earlier on PATH?"
        )),
    }
}

/// The wasm-bindgen version that Cargo.lock resolved (the CLI must match it exactly).
fn locked_version(root: &Path, package: &str) -> Result<String> {
    let lock = root.join("Cargo.lock");
    let text = fs::read_to_string(&lock).map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
    let mut versions = BTreeSet::new();
    for block in text.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
            })
        };
        if field("name").as_deref() == Some(package) {
            if let Some(v) = field("version") {
                versions.insert(v);
            }
        }
    }
    let mut it = versions.into_iter();
    match (it.next(), it.next()) {
        (Some(v), None) => Ok(v),
        (None, _) => Err(format!("{package} not found in {}", lock.display())),
        (Some(a), Some(b)) => {
            Err(format!("{package} appears twice in Cargo.lock ({a}, {b}): pin one version"))
        }
    }
}

/// The `cargo install` arguments for wasm-bindgen-cli, if the CLI or its test runner does not
/// match Cargo.lock.
fn wasm_bindgen_install(root: &Path) -> Result<Option<Vec<String>>> {
    let want = locked_version(root, "wasm-bindgen")?;
    let have = tool_version("wasm-bindgen");
    let runner = tool_version("wasm-bindgen-test-runner");
    if have.as_deref() == Some(want.as_str()) && runner.as_deref() == Some(want.as_str()) {
        return Ok(None);
    }
    eprintln!(
        "xtask: need wasm-bindgen-cli {want} (Cargo.lock), found {}; installing",
        have.as_deref().unwrap_or("none")
    );
    // No --locked: the crates mirror lacks some patch releases the CLI's own lock file names.
    Ok(Some(vec!["wasm-bindgen-cli".into(), "--version".into(), want, "--force".into()]))
}

fn check_wasm_bindgen(root: &Path) -> Result {
    let want = locked_version(root, "wasm-bindgen")?;
    match tool_version("wasm-bindgen") {
        Some(v) if v == want => Ok(()),
        other => Err(format!(
            "need wasm-bindgen-cli {want}, but `wasm-bindgen --version` says {other:?}: \
             is another wasm-bindgen earlier on PATH?"
        )),
    }
}

/// npm `binaryen` (wasm-opt for Trunk) and `playwright-core` (e2e), from tests/package-lock.json.
fn ensure_npm_packages(root: &Path) -> Result {
    let dir = tests_dir(root);
    let nm = dir.join("node_modules");
    let lock = dir.join("package-lock.json");
    let installed_lock = nm.join(".package-lock.json");
    let present = [
        nm.join(".bin").join("wasm-opt"),
        nm.join("binaryen").join("package.json"),
        nm.join("playwright-core").join("package.json"),
    ]
    .iter()
    .all(|p| p.exists());
    let mtime = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let stale = match (mtime(&lock), mtime(&installed_lock)) {
        (Some(want), Some(have)) => want > have,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if present && !stale {
        return Ok(());
    }
    if output(Command::new("npm").arg("--version")).is_none() {
        return Err("npm not found: install Node.js 20+ and npm".into());
    }
    let t = Instant::now();
    let sub = if lock.exists() { "ci" } else { "install" };
    run(Command::new("npm")
        .args([sub, "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .stdin(Stdio::null()))?;
    eprintln!("xtask: npm {sub} in tests/ ({})", secs(t.elapsed()));
    Ok(())
}

fn ensure_chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() && Path::new(CJK_FONT).exists() {
        return Ok(());
    }
    eprintln!("xtask: installing Debian chromium, chromium-driver and a Chinese font");
    let root = output(Command::new("id").arg("-u")).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut c = if root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.args(["-n", "apt-get"]);
            c
        };
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive").stdin(Stdio::null());
        run(&mut c)
    };
    apt(&["update"])?;
    apt(&["install", "-y", "chromium", "chromium-driver", CJK_FONT_PACKAGE])?;
    if !Path::new(CHROMEDRIVER).exists() {
        return Err(format!("{CHROMEDRIVER} still missing after apt-get install"));
    }
    env::set_var("CHROMEDRIVER", CHROMEDRIVER);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Commands

fn serve(root: &Path) -> Result {
    install(root, Need::Build)?;
    println!("HA Lab: http://{SERVE_HOST}:{SERVE_PORT}");
    run(Command::new("trunk")
        .args(["serve", "--address", SERVE_HOST, "--port"])
        .arg(SERVE_PORT.to_string())
        // Debug build, kept out of dist/ (which holds the release build that tests and bench use).
        .arg("--dist")
        .arg(target_dir(root).join("serve-dist"))
        .current_dir(root))
}

fn trunk_build_cmd(root: &Path) -> Command {
    let mut c = Command::new("trunk");
    c.args(["build", "--release", "--dist"]).arg(dist_dir(root)).current_dir(root);
    c
}

fn trunk_build(root: &Path) -> Result {
    run(&mut trunk_build_cmd(root))
}

struct Stage {
    name: &'static str,
    /// Stages that must have passed for this one to run.
    after: &'static [&'static str],
    command: fn(&Path) -> Command,
}

fn cargo_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(cargo());
    c.args(args);
    c
}

fn stages() -> Vec<Stage> {
    vec![
        Stage { name: "fmt", after: &[], command: |_| cargo_cmd(&["fmt", "--all", "--check"]) },
        Stage {
            name: "clippy",
            after: &[],
            command: |_| cargo_cmd(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        },
        Stage {
            name: "native",
            after: &[],
            command: |_| {
                let mut c = cargo_cmd(&["test", "--workspace", "--no-fail-fast"]);
                // The property tests' schedule count is fixed here, whatever the shell exports.
                c.env("HALAB_SEEDS", TEST_SEEDS.to_string()).env_remove("HALAB_SEED");
                c
            },
        },
        Stage {
            name: "wasm",
            after: &[],
            command: |_| {
                let mut c = cargo_cmd(&["test", "--no-fail-fast", "--target", "wasm32-unknown-unknown"]);
                for krate in WASM_TEST_CRATES {
                    c.args(["-p", krate]);
                }
                c
            },
        },
        Stage { name: "build", after: &[], command: trunk_build_cmd },
        Stage {
            name: "e2e",
            after: &["build"],
            command: |root| {
                let dir = tests_dir(root);
                let mut files: Vec<String> = fs::read_dir(dir.join("e2e"))
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| n.ends_with(".test.mjs"))
                    .map(|n| format!("e2e/{n}"))
                    .collect();
                files.sort();
                let mut c = Command::new("node");
                c.args(["--test", "--test-concurrency=1"])
                    .args(files)
                    .current_dir(dir)
                    .env("HALAB_DIST", dist_dir(root));
                c
            },
        },
    ]
}

enum Outcome {
    Ok,
    Failed,
    Skipped(String),
}

type StageResult = (&'static str, Outcome, Duration);

/// `test --under-load` settings taken from the arguments; the rest are stage names.
struct LoadArgs {
    rounds: u32,
    hogs: usize,
}

/// Splits `test`'s arguments into flags and stage names.
fn parse_test_args(args: &[String]) -> Result<(Option<LoadArgs>, Vec<String>)> {
    let mut under_load = false;
    let mut rounds = LOAD_ROUNDS;
    let mut hogs = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|&v| v > 0)
                .ok_or_else(|| format!("{flag} needs a positive number\n\n{USAGE}"))
        };
        match a.as_str() {
            "--under-load" => under_load = true,
            "--rounds" => rounds = value("--rounds")?,
            "--hogs" => hogs = value("--hogs")? as usize,
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`\n\n{USAGE}")),
            name => names.push(name.to_owned()),
        }
    }
    if !under_load && args.iter().any(|a| a == "--rounds" || a == "--hogs") {
        return Err(format!("--rounds and --hogs go with --under-load\n\n{USAGE}"));
    }
    Ok((under_load.then_some(LoadArgs { rounds, hogs }), names))
}

fn test(root: &Path, args: &[String]) -> Result {
    let (load, only) = parse_test_args(args)?;
    let all = stages();
    for name in &only {
        if !all.iter().any(|s| s.name == name) {
            return Err(format!("unknown stage `{name}`\n\n{USAGE}"));
        }
    }
    let t_install = Instant::now();
    install(root, Need::Test)?;
    let install_time = t_install.elapsed();
    if let Some(load) = load {
        let only = if only.is_empty() { LOAD_STAGES.iter().map(|s| s.to_string()).collect() } else { only };
        return test_under_load(root, &all, &only, &load);
    }

    let t_all = Instant::now();
    let results = run_stages(root, &all, &only);
    println!("\nxtask test summary (tool check {}):", secs(install_time));
    summarize(&results, t_all.elapsed())
}

/// Runs the named stages (all if none) in order; a stage whose `after` did not pass is skipped.
fn run_stages(root: &Path, all: &[Stage], only: &[String]) -> Vec<StageResult> {
    let mut results: Vec<StageResult> = Vec::new();
    for stage in all.iter().filter(|s| only.is_empty() || only.iter().any(|n| n == s.name)) {
        let blocked = stage
            .after
            .iter()
            .find(|dep| results.iter().any(|(n, o, _)| n == *dep && !matches!(o, Outcome::Ok)));
        if let Some(dep) = blocked {
            let line = format!("{dep} did not pass");
            println!("xtask: stage {:<7} skipped ({line})", stage.name);
            results.push((stage.name, Outcome::Skipped(line), Duration::ZERO));
            continue;
        }
        let mut cmd = (stage.command)(root);
        if cmd.get_current_dir().is_none() {
            cmd.current_dir(root);
        }
        println!("\nxtask: ==> stage {}", stage.name);
        let t = Instant::now();
        let res = run(&mut cmd);
        let took = t.elapsed();
        let outcome = match res {
            Ok(()) => Outcome::Ok,
            Err(e) => {
                eprintln!("xtask: {e}");
                Outcome::Failed
            }
        };
        println!(
            "xtask: stage {:<7} {:<6} {:>8}",
            stage.name,
            if matches!(outcome, Outcome::Ok) { "ok" } else { "FAILED" },
            secs(took)
        );
        results.push((stage.name, outcome, took));
    }
    results
}

/// Prints one line per stage and a total; Err unless every stage passed.
fn summarize(results: &[StageResult], total: Duration) -> Result {
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (name, outcome, took) in results {
        match outcome {
            Outcome::Ok => {
                passed += 1;
                println!("  {name:<7} ok      {:>8}", secs(*took));
            }
            Outcome::Failed => {
                failed += 1;
                println!("  {name:<7} FAILED  {:>8}", secs(*took));
            }
            Outcome::Skipped(why) => {
                skipped += 1;
                println!("  {name:<7} skipped ({why})");
            }
        }
    }
    println!("  total           {:>8}", secs(total));
    if skipped > 0 {
        println!("stages: {passed} passed, {failed} failed, {skipped} skipped");
    } else {
        println!("stages: {passed} passed, {failed} failed");
    }
    if failed + skipped > 0 {
        Err(format!("{} stage(s) did not pass", failed + skipped))
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// test --under-load

/// Runs `only` `load.rounds` times while `load.hogs` busy loops keep the cores busy. What the
/// stages need built is built first, without the hogs, so the rounds time the tests themselves.
fn test_under_load(root: &Path, all: &[Stage], only: &[String], load: &LoadArgs) -> Result {
    let wants = |name: &str| only.iter().any(|n| n == name);
    println!("\nxtask: ==> preparing (unloaded): compiling the tests the rounds run");
    if wants("native") {
        run(cargo_cmd(&["test", "--workspace", "--no-run"]).current_dir(root))?;
    }
    if wants("wasm") {
        let mut c = cargo_cmd(&["test", "--no-run", "--target", "wasm32-unknown-unknown"]);
        for krate in WASM_TEST_CRATES {
            c.args(["-p", krate]);
        }
        run(c.current_dir(root))?;
    }
    if wants("e2e") && !wants("build") {
        // e2e runs against the bundle; build it once here rather than in every round.
        trunk_build(root)?;
    }

    let hogs = Hogs::start(load.hogs)?;
    println!(
        "\nxtask: {} CPU hogs running (pids {}); {} round(s) of: {}",
        load.hogs,
        hogs.pids().join(" "),
        load.rounds,
        only.join(" ")
    );
    let t_all = Instant::now();
    let mut rounds: Vec<(Vec<StageResult>, Duration, String)> = Vec::new();
    for round in 1..=load.rounds {
        println!("\nxtask: ==> round {round} of {} under load (load average {})", load.rounds, loadavg());
        let t = Instant::now();
        let results = run_stages(root, all, only);
        let took = t.elapsed();
        let ok = results.iter().all(|(_, o, _)| matches!(o, Outcome::Ok));
        println!(
            "xtask: round {round}: {} in {} (load average {})",
            if ok { "ok" } else { "FAILED" },
            secs(took),
            loadavg()
        );
        rounds.push((results, took, loadavg()));
    }
    drop(hogs);

    println!(
        "\nxtask test --under-load summary ({} hogs on {} cores, {}):",
        load.hogs,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        secs(t_all.elapsed())
    );
    let mut failed_rounds = 0;
    for (i, (results, took, avg)) in rounds.iter().enumerate() {
        let ok = results.iter().all(|(_, o, _)| matches!(o, Outcome::Ok));
        failed_rounds += usize::from(!ok);
        let stages: Vec<String> = results
            .iter()
            .map(|(name, o, t)| match o {
                Outcome::Ok => format!("{name} ok {}", secs(*t)),
                Outcome::Failed => format!("{name} FAILED {}", secs(*t)),
                Outcome::Skipped(_) => format!("{name} skipped"),
            })
            .collect();
        println!(
            "  round {}  {:<6} {:>8}   {}   (load average after: {avg})",
            i + 1,
            if ok { "ok" } else { "FAILED" },
            secs(*took),
            stages.join(", ")
        );
    }
    println!("rounds: {} passed, {failed_rounds} failed", rounds.len() - failed_rounds);
    if failed_rounds > 0 {
        Err(format!("{failed_rounds} of {} round(s) under load did not pass", rounds.len()))
    } else {
        Ok(())
    }
}

/// The 1-minute load average, or "?" off Linux.
fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// Busy-loop child processes (this binary's `__hog`), killed when dropped: at the end, on an
/// error and on a panic. Ctrl-C reaches them directly (same process group), and each hog also
/// exits when its parent goes away (killed any other way) or after [`HOG_MAX_LIFE`].
struct Hogs(Vec<process::Child>);

impl Hogs {
    fn start(n: usize) -> Result<Hogs> {
        let exe = env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
        let mut hogs = Hogs(Vec::with_capacity(n));
        for _ in 0..n {
            let child = Command::new(&exe)
                .arg("__hog")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start a CPU hog: {e}"))?;
            hogs.0.push(child);
        }
        Ok(hogs)
    }

    fn pids(&self) -> Vec<String> {
        self.0.iter().map(|c| c.id().to_string()).collect()
    }
}

impl Drop for Hogs {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
        if !self.0.is_empty() {
            println!("xtask: {} CPU hogs stopped", self.0.len());
        }
    }
}

/// `xtask __hog`: spins one core until its parent exits or [`HOG_MAX_LIFE`] passes.
fn hog() -> ! {
    #[cfg(unix)]
    let parent = std::os::unix::process::parent_id();
    let start = Instant::now();
    let mut x: u64 = 1;
    loop {
        for _ in 0..5_000_000 {
            x = std::hint::black_box(
                x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407),
            );
        }
        #[cfg(unix)]
        if std::os::unix::process::parent_id() != parent {
            process::exit(0);
        }
        if start.elapsed() > HOG_MAX_LIFE {
            process::exit(0);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// soak

/// The optimised profile `soak` builds with: release speed (opt-level 3, not the bundle's
/// size-optimised, fat-LTO release profile, which is slow to link and slower to run), keeping
/// overflow checks and debug assertions so a soak catches what the debug test run would. Defined
/// on the command line, so it needs nothing in Cargo.toml, and its output sits in its own folder
/// (`<target>/soak/`).
const SOAK_PROFILE: &[&str] = &[
    "--profile",
    "soak",
    "--config",
    "profile.soak.inherits='release'",
    "--config",
    "profile.soak.opt-level=3",
    "--config",
    "profile.soak.lto=false",
    "--config",
    "profile.soak.codegen-units=16",
    "--config",
    "profile.soak.overflow-checks=true",
    "--config",
    "profile.soak.debug-assertions=true",
    "--config",
    "profile.soak.panic='unwind'",
];

/// `core/tests/*_props.rs` files that draw seeded schedules (`shard_tests!`), by test name.
fn schedule_tests(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("core").join("tests");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stem = name.strip_suffix("_props.rs")?;
            let text = fs::read_to_string(e.path()).ok()?;
            text.contains("shard_tests!(").then(|| format!("{stem}_props"))
        })
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("no *_props.rs with shard_tests! in {}", dir.display()));
    }
    Ok(names)
}

struct SoakResult {
    test: String,
    shards_passed: u32,
    shards_failed: u32,
    failing_seeds: Vec<u64>,
    took: Duration,
    ok: bool,
}

fn soak(root: &Path, args: &[String]) -> Result {
    let n: u64 = match args {
        [] => SOAK_SEEDS,
        [n] => n
            .replace(['_', ','], "")
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("soak takes a positive number of schedules, got `{n}`"))?,
        _ => return Err(format!("soak takes at most one argument\n\n{USAGE}")),
    };
    let tests = schedule_tests(root)?;
    let base = || {
        let mut c = cargo_cmd(&["test"]);
        c.args(SOAK_PROFILE).args(["-p", "halab-core"]).current_dir(root);
        c
    };
    println!("xtask: soak: {n} schedules per protocol, {}", tests.join(" "));
    let t_build = Instant::now();
    let mut build = base();
    for t in &tests {
        build.args(["--test", t]);
    }
    run(build.arg("--no-run"))?;
    let build_time = t_build.elapsed();

    let mut results = Vec::new();
    for test in &tests {
        println!("\nxtask: ==> soak {test}: {n} schedules");
        let mut cmd = base();
        cmd.args(["--test", test]).env("HALAB_SEEDS", n.to_string()).env_remove("HALAB_SEED");
        let t = Instant::now();
        let (ok, out) = run_teeing(&mut cmd)?;
        let took = t.elapsed();
        let mut failing_seeds: Vec<u64> = out
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("seed ")?.split(':').next()?.trim().parse().ok())
            .collect();
        failing_seeds.sort_unstable();
        failing_seeds.dedup();
        let count = |what: &str| -> u32 {
            out.lines()
                .filter_map(|l| l.strip_prefix("test result: "))
                .filter_map(|l| {
                    l.split(';').find_map(|p| {
                        p.trim().trim_start_matches("ok. ").trim_start_matches("FAILED. ").strip_suffix(what)
                    })
                })
                .filter_map(|v| v.trim().parse::<u32>().ok())
                .sum()
        };
        results.push(SoakResult {
            test: test.clone(),
            shards_passed: count(" passed"),
            shards_failed: count(" failed"),
            failing_seeds,
            took,
            ok,
        });
    }

    println!("\nxtask soak summary: {n} schedules per protocol (build {}):", secs(build_time));
    println!(
        "  {:<12} {:>10} {:>8} {:>10} {:>14}  result",
        "test", "schedules", "tests", "wall", "schedules/s"
    );
    let mut bad = 0;
    for r in &results {
        let rate = n as f64 / r.took.as_secs_f64().max(1e-9);
        let verdict = if r.ok {
            "ok".to_owned()
        } else {
            bad += 1;
            format!("FAILED ({} seed(s) failed)", r.failing_seeds.len())
        };
        println!(
            "  {:<12} {:>10} {:>8} {:>10} {:>14.0}  {verdict}",
            r.test,
            n,
            format!("{}/{}", r.shards_passed, r.shards_passed + r.shards_failed),
            secs(r.took),
            rate
        );
    }
    let total: Duration = results.iter().map(|r| r.took).sum();
    println!("  total {} schedules in {}", n * results.len() as u64, secs(total));
    for r in results.iter().filter(|r| !r.failing_seeds.is_empty()) {
        let shown: Vec<String> = r.failing_seeds.iter().take(50).map(u64::to_string).collect();
        let more = r.failing_seeds.len().saturating_sub(shown.len());
        println!(
            "\n{} failing seeds: {}{}",
            r.test,
            shown.join(" "),
            if more > 0 { format!(" (and {more} more)") } else { String::new() }
        );
        println!(
            "  replay one: HALAB_SEED={} cargo test -p halab-core --test {} -- --nocapture",
            r.failing_seeds[0], r.test
        );
    }
    if bad > 0 {
        Err(format!("{bad} soak test(s) failed"))
    } else {
        Ok(())
    }
}

/// Runs `cmd`, passing its stdout and stderr through as they come, and returns whether it
/// succeeded and everything it printed (both streams).
fn run_teeing(cmd: &mut Command) -> Result<(bool, String)> {
    use std::io::{BufRead, BufReader, Write};
    eprintln!("$ {}", show(cmd));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", show(cmd)))?;
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let err_thread = std::thread::spawn(move || {
        let mut text = String::new();
        for line in stderr.map(BufReader::new).into_iter().flat_map(|r| r.lines().map_while(Result::ok)) {
            let _ = writeln!(std::io::stderr(), "{line}");
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    let mut text = String::new();
    for line in stdout.map(BufReader::new).into_iter().flat_map(|r| r.lines().map_while(Result::ok)) {
        let _ = writeln!(std::io::stdout(), "{line}");
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(&err_thread.join().unwrap_or_default());
    let status = child.wait().map_err(|e| format!("`{}`: {e}", show(cmd)))?;
    Ok((status.success(), text))
}

fn bench(root: &Path, args: &[String]) -> Result {
    run(cargo_cmd(&["bench", "-p", "halab-core"]).args(args).current_dir(root))?;
    let dist = dist_dir(root);
    if wasm_files(&dist).is_empty() {
        install(root, Need::Build)?;
        trunk_build(root)?;
    }
    bundle_sizes(root);
    Ok(())
}

/// Processes per build in `bench-wasm`, taken in turn (native, Wasm, Wasm, native, ...) so a
/// load that comes and goes falls on all of them.
const WASM_BENCH_ROUNDS: u32 = 3;
/// Searches per process; the first of each is shown apart (for Wasm it includes V8's baseline
/// compile and tier-up, which a page pays on its first search).
const WASM_BENCH_RUNS: u32 = 6;

/// `cargo xtask bench-wasm`: `core/examples/check_speed.rs` (one whole exhaustive search of
/// single-decree Paxos 2x3, depth 10) built natively and for wasm32, then timed side by side:
/// the native binary times itself, the Wasm module is timed in Node by `bench_wasm.cjs`. Two Wasm
/// builds: the bench profile (opt-level 3, as native) and the release profile (opt-level "z",
/// as the page ships, before wasm-opt). A report, not a gate; not part of `test`.
fn bench_wasm(root: &Path) -> Result {
    const WASM: &str = "wasm32-unknown-unknown";
    let target = target_dir(root);
    let out = target.join("bench-wasm");
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let build = |extra: &[&str], built: PathBuf, to: &str| -> Result<PathBuf> {
        run(cargo_cmd(&["build", "-p", "halab-core", "--example", "check_speed"]).args(extra))?;
        // The bench and release profiles share `release/`: copy each build out before the next.
        let dest = out.join(to);
        fs::copy(&built, &dest).map_err(|e| format!("cannot copy {}: {e}", built.display()))?;
        Ok(dest)
    };
    let native = build(
        &["--profile", "bench"],
        target.join("release/examples").join(format!("check_speed{}", env::consts::EXE_SUFFIX)),
        "check_speed-native",
    )?;
    let wasm_built = target.join(WASM).join("release/examples/check_speed.wasm");
    let o3 = build(&["--profile", "bench", "--target", WASM], wasm_built.clone(), "check_speed-o3.wasm")?;
    let oz = build(&["--release", "--target", WASM], wasm_built, "check_speed-oz.wasm")?;
    let script = out.join("bench_wasm.cjs");
    fs::write(&script, include_str!("bench_wasm.cjs")).map_err(|e| format!("cannot write script: {e}"))?;

    let runs = WASM_BENCH_RUNS.to_string();
    let mut rows: Vec<(&str, Command)> =
        vec![("native (bench profile: opt-level 3, LTO)", Command::new(&native))];
    rows[0].1.arg(&runs);
    for (name, wasm) in [
        ("wasm32 in Node (bench profile: opt-level 3, LTO)", &o3),
        ("wasm32 in Node (release profile: opt-level z, as shipped)", &oz),
    ] {
        let mut c = Command::new("node");
        c.arg(&script).arg(wasm).arg(&runs);
        rows.push((name, c));
    }
    // Per build: the first search of each process, and the others.
    let mut firsts: Vec<Vec<f64>> = vec![Vec::new(); rows.len()];
    let mut rests: Vec<Vec<f64>> = vec![Vec::new(); rows.len()];
    let mut unique = None;
    for round in 0..WASM_BENCH_ROUNDS {
        eprintln!("round {}/{WASM_BENCH_ROUNDS}", round + 1);
        for (i, (name, cmd)) in rows.iter_mut().enumerate() {
            let o = cmd.stderr(Stdio::inherit()).output().map_err(|e| format!("{name}: {e}"))?;
            if !o.status.success() {
                return Err(format!("`{}` failed ({})", show(cmd), o.status));
            }
            for (k, line) in String::from_utf8_lossy(&o.stdout).lines().enumerate() {
                let mut f = line.split_whitespace();
                let (Some(u), Some(t)) = (f.next(), f.next()) else { continue };
                let u: u64 =
                    u.trim_end_matches('n').parse().map_err(|_| format!("{name}: bad line {line:?}"))?;
                let t: f64 = t.parse().map_err(|_| format!("{name}: bad line {line:?}"))?;
                if *unique.get_or_insert(u) != u {
                    return Err(format!("{name} found {u} unique states, another build {unique:?}"));
                }
                if k == 0 { &mut firsts[i] } else { &mut rests[i] }.push(t);
            }
        }
    }
    let unique = unique.ok_or("no search finished")?;
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    println!(
        "\nexhaustive check, single-decree Paxos 2 proposers x 3 acceptors, depth 10, 2 timer firings: \
         {unique} unique states\n{WASM_BENCH_ROUNDS} processes per build x {WASM_BENCH_RUNS} searches; \
         load average {load} on {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "  {:<58} {:>9} {:>9} {:>9} {:>12} {:>9}",
        "build", "first", "median", "best", "states/s", "x native"
    );
    let mut native_rate = None;
    for (i, (name, _)) in rows.iter().enumerate() {
        let first = median(&mut firsts[i]);
        let med = median(&mut rests[i]);
        let best = rests[i].first().copied().unwrap_or(f64::NAN);
        let rate = unique as f64 / med;
        let ratio = rate / *native_rate.get_or_insert(rate);
        println!(
            "  {name:<58} {:>7.0}ms {:>7.0}ms {:>7.0}ms {rate:>12.0} {ratio:>9.2}",
            first * 1e3,
            med * 1e3,
            best * 1e3
        );
    }
    println!(
        "  (first: median over processes of each one's first search; median, best and states/s: the others)"
    );
    Ok(())
}

/// What one page of the site may weigh, gzipped: index.html, its bundle's wasm and JS glue, and
/// the CSS (issue 12, goal 5). The site ships seven bundles and a page loads one of them.
const BUNDLE_BUDGET_GZ: u64 = 400 * 1024;

/// Prints the raw and gzipped size of each file, and for each bundle what a visitor of one of its
/// pages downloads, against [`BUNDLE_BUDGET_GZ`]. A report, not a gate (BENCHMARKS.md, "Bundle").
fn bundle_sizes(root: &Path) {
    let dist = dist_dir(root);
    println!("\nrelease bundle ({}):", dist.display());
    println!("  {:<44} {:>10} {:>10}", "file", "raw", "gzip -9");
    let mut files = wasm_files(&dist);
    files.extend(files_with_ext(&dist, "js"));
    files.extend(files_with_ext(&dist, "css"));
    files.extend(files_with_ext(&dist, "html"));
    let mut sizes = Vec::new();
    for f in files {
        let raw = fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
        let gz = gzip_size(&f).unwrap_or(0);
        let name = f.file_name().unwrap_or_default().to_string_lossy().into_owned();
        println!("  {name:<44} {:>10} {:>10}", kib(raw), kib(gz));
        sizes.push((name, raw, gz));
    }
    let shared = |n: &str| n.ends_with(".css") || n.ends_with(".html");
    let budget = kib(BUNDLE_BUDGET_GZ);
    for (wasm, ..) in sizes.iter().filter(|(n, ..)| n.ends_with("_bg.wasm")) {
        let stem = wasm.trim_end_matches("_bg.wasm");
        let (raw, gz) = sizes
            .iter()
            .filter(|(n, ..)| shared(n) || n == wasm || *n == format!("{stem}.js"))
            .fold((0, 0), |(r, g), (_, raw, gz)| (r + raw, g + gz));
        let verdict = if gz > BUNDLE_BUDGET_GZ {
            format!("over the {budget} budget by {}", kib(gz - BUNDLE_BUDGET_GZ))
        } else {
            format!("within the {budget} budget, {} to spare", kib(BUNDLE_BUDGET_GZ - gz))
        };
        println!("  {:<44} {:>10} {:>10}  {verdict}", format!("a page of {stem}"), kib(raw), kib(gz));
    }
}

fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

fn wasm_files(dist: &Path) -> Vec<PathBuf> {
    files_with_ext(dist, "wasm")
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn gzip_size(file: &Path) -> Option<u64> {
    let out = Command::new("gzip").args(["-9", "-c"]).arg(file).stderr(Stdio::null()).output().ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}
