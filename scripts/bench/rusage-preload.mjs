// Loaded with `node --import` into the monitor process by scripts/bench.ts: when the process exits, writes its
// resource usage (CPU time of every thread, peak RSS) to MPM_BENCH_RUSAGE_FILE. Worker threads load it too and
// do nothing: getrusage(RUSAGE_SELF) in the main thread already covers them.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.MPM_BENCH_RUSAGE_FILE;
if (file && isMainThread) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userSeconds: u.userCPUTime / 1e6, systemSeconds: u.systemCPUTime / 1e6, maxRssMb: u.maxRSS / 1024 }));
  });
}
