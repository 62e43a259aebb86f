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
//! | chromium, chromedriver    | `apt-get install -y chromium chromium-driver` (test only)     |
//!
//! Nothing here prompts; it is meant to run unattended (CI=true, no TTY).

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
/// Crates whose `#[wasm_bindgen_test]`s run in headless Chromium (stage `wasm`).
const WASM_TEST_CRATES: &[&str] = &["halab-web", "halab-core"];

type Result<T = (), E = String> = std::result::Result<T, E>;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve            install missing tools, then `trunk serve` on http://127.0.0.1:8080
                   (debug build in target/serve-dist/, rebuilt on change)
  test [STAGE..]   install missing tools, then run the stages (default: all, in order):
                     fmt      cargo fmt --all --check
                     clippy   cargo clippy --workspace --all-targets -- -D warnings
                     native   cargo test --workspace --no-fail-fast
                     wasm     cargo test --target wasm32-unknown-unknown -p halab-web -p halab-core
                     build    trunk build --release            (into dist/)
                     e2e      node --test tests/e2e/*.test.mjs (headless Chromium against dist/)
  bench [ARGS..]   cargo bench -p halab-core [ARGS..], then raw and gzipped size of dist/*.wasm
  dist             install missing tools, then `trunk build --release` into dist/
  install          only install or check the tools
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
        "bench" => bench(&root, rest),
        "dist" => install(&root, Need::Build).and_then(|()| trunk_build(&root)),
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
    if env::var_os("WASM_BINDGEN_TEST_TIMEOUT").is_none() {
        env::set_var("WASM_BINDGEN_TEST_TIMEOUT", "120");
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

fn install(root: &Path, need: Need) -> Result {
    let t = Instant::now();
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen(root)?;
    ensure_npm_packages(root)?;
    if need >= Need::Test {
        ensure_chromium()?;
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

/// `cargo install` from a neutral folder, so the project's .cargo/config.toml does not apply.
fn cargo_install(args: &[&str]) -> Result {
    let t = Instant::now();
    run(Command::new(cargo()).arg("install").args(args).current_dir(env::temp_dir()))?;
    eprintln!("xtask: installed {} ({})", args[0], secs(t.elapsed()));
    Ok(())
}

/// `<name> --version` → the second word (`trunk 0.21.14` → `0.21.14`).
fn tool_version(name: &str) -> Option<String> {
    let out = output(Command::new(name).arg("--version"))?;
    out.split_whitespace().nth(1).map(str::to_owned)
}

fn ensure_trunk() -> Result {
    match tool_version("trunk") {
        Some(v) if v.starts_with(&format!("{TRUNK_SERIES}.")) => Ok(()),
        found => {
            eprintln!(
                "xtask: need trunk {TRUNK_SERIES}.x, found {}; installing (takes ~10 min on 2 cores)",
                found.as_deref().unwrap_or("none")
            );
            // --locked: trunk's own lock file; 0.22 needs a newer rustc than this toolchain.
            cargo_install(&["trunk", "--version", TRUNK_REQ, "--locked", "--force"])?;
            match tool_version("trunk") {
                Some(v) if v.starts_with(&format!("{TRUNK_SERIES}.")) => Ok(()),
                other => Err(format!(
                    "installed trunk {TRUNK_REQ}, but `trunk --version` says {other:?}: \
                     is another trunk earlier on PATH?"
                )),
            }
        }
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

fn ensure_wasm_bindgen(root: &Path) -> Result {
    let want = locked_version(root, "wasm-bindgen")?;
    let have = tool_version("wasm-bindgen");
    let runner = tool_version("wasm-bindgen-test-runner");
    if have.as_deref() == Some(want.as_str()) && runner.as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    eprintln!(
        "xtask: need wasm-bindgen-cli {want} (Cargo.lock), found {}; installing (takes ~2 min on 2 cores)",
        have.as_deref().unwrap_or("none")
    );
    // No --locked: the crates mirror lacks some patch releases the CLI's own lock file names.
    cargo_install(&["wasm-bindgen-cli", "--version", &want, "--force"])?;
    match tool_version("wasm-bindgen") {
        Some(v) if v == want => Ok(()),
        other => Err(format!(
            "installed wasm-bindgen-cli {want}, but `wasm-bindgen --version` says {other:?}: \
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
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    eprintln!("xtask: installing Debian chromium and chromium-driver");
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
    apt(&["install", "-y", "chromium", "chromium-driver"])?;
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
        .args(["--dist", "target/serve-dist"])
        .current_dir(root))
}

fn trunk_build(root: &Path) -> Result {
    run(Command::new("trunk").args(["build", "--release"]).current_dir(root))
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
            command: |_| cargo_cmd(&["test", "--workspace", "--no-fail-fast"]),
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
        Stage {
            name: "build",
            after: &[],
            command: |_| {
                let mut c = Command::new("trunk");
                c.args(["build", "--release"]);
                c
            },
        },
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
                    .env("HALAB_DIST", root.join("dist"));
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

fn test(root: &Path, only: &[String]) -> Result {
    let all = stages();
    for name in only {
        if !all.iter().any(|s| s.name == name) {
            return Err(format!("unknown stage `{name}`\n\n{USAGE}"));
        }
    }
    let t_install = Instant::now();
    install(root, Need::Test)?;
    let install_time = t_install.elapsed();

    let t_all = Instant::now();
    let mut results: Vec<(&str, Outcome, Duration)> = Vec::new();
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

    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    println!("\nxtask test summary (tool check {}):", secs(install_time));
    for (name, outcome, took) in &results {
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
    println!("  total           {:>8}", secs(t_all.elapsed()));
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

fn bench(root: &Path, args: &[String]) -> Result {
    run(cargo_cmd(&["bench", "-p", "halab-core"]).args(args).current_dir(root))?;
    let dist = root.join("dist");
    if wasm_files(&dist).is_empty() {
        install(root, Need::Build)?;
        trunk_build(root)?;
    }
    println!("\nrelease bundle (dist/):");
    println!("  {:<44} {:>10} {:>10}", "file", "raw", "gzip -9");
    let mut files = wasm_files(&dist);
    files.extend(files_with_ext(&dist, "js"));
    for f in files {
        let raw = fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
        let gz = gzip_size(&f).map_or_else(|| "n/a".to_owned(), kib);
        let name = f.file_name().unwrap_or_default().to_string_lossy();
        println!("  {name:<44} {:>10} {gz:>10}", kib(raw));
    }
    Ok(())
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
