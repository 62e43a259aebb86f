// `node bench_wasm.cjs MODULE.wasm RUNS`: instantiates the module `core/examples/check_speed.rs`
// builds for wasm32 (it imports nothing) and times RUNS calls of its `paxos_unique()` export,
// one whole search each, printing `unique-states seconds` per call, as the native build does.
// Written out and run by `cargo xtask bench-wasm`.
"use strict";
const fs = require("fs");

(async () => {
  const [file, runs] = process.argv.slice(2);
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(file));
  for (let i = 0; i < Number(runs); i++) {
    const t = performance.now();
    const unique = instance.exports.paxos_unique();
    const secs = (performance.now() - t) / 1000;
    console.log(`${unique} ${secs.toFixed(6)}`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
