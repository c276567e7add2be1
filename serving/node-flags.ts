/**
 * @module The Node flags the server runs with: Dockerfile.serving's ENTRYPOINT, bin/mpm-serve.js's first line,
 * `npm run serve` and the serving benchmark pass them (test/serving/node-flags.test.ts holds the four equal).
 *
 * `--heap-growing-percent=300`: after each full collection V8 sets the old generation's next limit to its live size
 * times a growing factor, and starts the next full collection from a task as soon as the headroom below that limit
 * is smaller than the young generation's capacity. Under load with capture on, the server's old generation lives at
 * about 18 MB while its young generation grows to 2 x 16 MB, and with a small factor (it shrinks when collections are
 * frequent) the headroom stayed below the young generation: some runs fell into 70-170 full collections in 10 s, about
 * 85 us of the request thread per request. A factor of 4 keeps the headroom above it: 2 full collections in 10 s in
 * every run measured (docs/serving.md, "The collector under capture"). The old generation may then grow to about four
 * times its live size before it is collected.
 */
export const SERVING_NODE_FLAGS: readonly string[] = ['--heap-growing-percent=300'];
