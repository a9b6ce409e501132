#!/usr/bin/env -S node --max-semi-space-size=1 --liftoff-only --harmony-rab-gsab-transfer --single-threaded
// Entry point of the installed CLI: loads the bundled commands (bin/load-bundle.cjs) and runs them.
//
// Why the flags (they only take effect on the command line, hence the shebang; `node bin/run.cjs` still works):
// - --max-semi-space-size=1: every socket read is a new 64 KiB buffer outside the JS heap. With V8's
//   default 16 MiB young generation those buffers pile up until external-memory pressure forces a full
//   mark-compact (about 40 per GiB downloaded); a 1 MiB young generation frees them in cheap scavenges
//   instead. Measured on 1 GiB from one local mirror: 3.65 -> 2.58 CPU s, 114 -> 87 MB peak RSS.
// - --liftoff-only: undici parses HTTP with a WebAssembly module that V8 would also recompile with its
//   optimising tier in the background; Node waits for that job before exiting, which cost every run
//   ~0.2 s of wall time and ~0.25 s of CPU. The baseline tier parses response headers fast enough.
// - --single-threaded: V8 runs its background work on the main thread. Two parts of it matter here:
//   - optimising compiles (as --no-concurrent-recompilation): the CPU is the same, but each worker thread
//     kept the compiler's scratch memory in its own malloc arena; on 1 GiB from one local nginx, peak
//     RSS 99-107 -> 84-91 MB.
//   - garbage collection (as --single-threaded-gc): with a 1 MiB young generation a download runs ~160
//     small scavenges per GiB, and V8 splits each among helper threads whose posting, waking and joining
//     cost more than the work they share. 1 GiB from one local nginx, alternating runs: CPU 2.15 -> 2.07 s
//     over HTTPS (8 each) and 2.04 -> 1.91 s over HTTP (6 each), wall time and RSS unchanged. The bench
//     (7 rounds each, in its namespace) saw less: 2.27 s either way over HTTPS, 1.85 -> 1.81 s over HTTP.
//   One flag rather than those two keeps this line under the 127 characters that kernels before Linux
//   5.1 read of a shebang.
// - --harmony-rab-gsab-transfer: ArrayBuffer.prototype.transfer (standard from V8 11.4, Node 21), with
//   which the download frees each socket buffer as soon as it is written (src/core/handed-over.ts)
//   instead of when a collection finds it: 256 MiB over HTTP, peak RSS 87 -> 72 MB.
// The code cache that `npm run build` writes was made with exactly these flags (scripts/code-cache.js
// reads them from this line); V8 ignores it under other flags.
'use strict'
if (!process.execArgv.includes('--liftoff-only')) require('node:v8').setFlagsFromString('--liftoff-only')

const {pathToFileURL} = require('node:url')
const {loadBundle} = require('./load-bundle.cjs')

loadBundle()
  .exports.run(pathToFileURL(__filename).href)
  .catch((error) => {
    // run() reports every error itself; this is only reached if that reporting failed.
    process.stderr.write(`mirrorkit: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  })
