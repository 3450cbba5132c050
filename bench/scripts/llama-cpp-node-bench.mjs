// llama.cpp's CPU speed on a GGUF, for a side-by-side with `lfm4j bench` where no llama-bench binary is at hand.
// It drives llama.cpp through node-llama-cpp's prebuilt binaries (npm, which ships CPU builds for many x86/ARM
// variants and picks the best for the machine), measuring what llama-bench's pp512 and tg128 measure: a 512-token
// prompt from an empty context, and 128 greedy steps after a short prompt (plus node-llama-cpp's per-token
// overhead, well under 1 %).
//
//   npm install node-llama-cpp@3.22.1
//   node bench/scripts/llama-cpp-node-bench.mjs MODEL.gguf [THREADS] [REPETITIONS]
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const [modelPath, threadsArg = "2", repsArg = "4"] = process.argv.slice(2);
if (!modelPath) {
  console.error("usage: node llama-cpp-node-bench.mjs MODEL.gguf [THREADS] [REPETITIONS]");
  process.exit(2);
}
const threads = Number(threadsArg), reps = Number(repsArg);
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.warn});
const model = await llama.loadModel({modelPath, useMmap: true});
const ctx = await model.createContext({contextSize: 1024, threads, batchSize: 512, sequences: 1});
const seq = ctx.getSequence();
// random token ids away from the control tokens at the start of the LFM2 vocabulary
const tokens = (n, seed) => {
  const a = [];
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483648; a.push(100 + (x % 60000)); }
  return a;
};
const pp = [], tg = [];
for (let r = 0; r < reps; r++) {
  await seq.clearHistory();
  let t0 = performance.now();
  await seq.evaluateWithoutGeneratingNewTokens(tokens(512, r + 1));
  pp.push(512 / ((performance.now() - t0) / 1000));
  await seq.clearHistory();
  await seq.evaluateWithoutGeneratingNewTokens(tokens(8, r + 7));
  let n = 0;
  t0 = performance.now();
  for await (const _ of seq.evaluate([1000 + r], {temperature: 0})) { if (++n >= 128) break; }
  tg.push(n / ((performance.now() - t0) / 1000));
}
const stats = a => {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, a.length - 1));
  return `${m.toFixed(2)} ± ${sd.toFixed(2)}`;
};
console.log(`llama.cpp (node-llama-cpp, CPU), ${threads} threads, ${reps} runs: pp512 ${stats(pp)} tok/s, tg128 ${stats(tg)} tok/s`);
