// `node bench/rank-accuracy.js [runs]`: how well rank recovers known bandwidth caps, how fast, sequential vs --parallel (needs `npm run build`).
import {loadavg} from 'node:os'
import {makeContent} from '../dist/mirrors/content.js'
import {startHttpMirror} from '../dist/mirrors/http-mirror.js'
import {rankMirrors} from '../dist/core/ranking/rank.js'
import {TransportSet} from '../dist/core/transports.js'

const runs = Number(process.argv[2] ?? 3)
const SIZE = 64 * 1024 * 1024
// Eight mirrors, caps 0.25..16 MB/s; the fastest answer slowest, so latency alone would rank them backwards.
const CAPS = [16e6, 8e6, 4e6, 2e6, 1e6, 0.5e6, 0.25e6, 3e6]
const DELAYS = [150, 120, 90, 60, 40, 20, 0, 100]

/** Kendall's tau between two orders of the same items: 1 identical, -1 reversed. */
function kendall(actual, expected) {
  let agree = 0
  let total = 0
  for (let i = 0; i < actual.length; i++) {
    for (let j = i + 1; j < actual.length; j++) {
      total++
      agree += expected.indexOf(actual[i]) < expected.indexOf(actual[j]) ? 1 : -1
    }
  }
  return agree / total
}

const content = makeContent(SIZE, 3)
const mirrors = []
for (const [index, bandwidth] of CAPS.entries()) mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth, firstByteDelayMs: DELAYS[index]}}))
const urls = mirrors.map((mirror) => `${mirror.url}f.bin`)
const truth = [...urls].sort((a, b) => CAPS[urls.indexOf(b)] - CAPS[urls.indexOf(a)])
const set = {version: 1, target: {name: 'f.bin', size: SIZE, checksums: []}, candidates: urls.map((url) => ({url, foundBy: ['bench']}))}
const transports = new TransportSet()
const results = []
try {
  for (const parallel of [1, 4]) {
    for (let run = 0; run < runs; run++) {
      const started = performance.now()
      const ranked = await rankMirrors(set, {parallel, transports}, {signal: AbortSignal.timeout(120_000)})
      const seconds = (performance.now() - started) / 1000
      const order = ranked.candidates.map((candidate) => candidate.url)
      const errors = ranked.candidates.map((candidate) => Math.abs(candidate.rank.bytesPerSecond / CAPS[urls.indexOf(candidate.url)] - 1))
      const worst = Math.max(...errors)
      const mean = errors.reduce((sum, value) => sum + value, 0) / errors.length
      results.push({parallel, run, seconds, tau: kendall(order, truth), meanError: mean, worstError: worst})
      process.stderr.write(`parallel ${parallel} run ${run}: ${seconds.toFixed(1)} s, tau ${kendall(order, truth).toFixed(2)}, rate error mean ${(mean * 100).toFixed(1)}% worst ${(worst * 100).toFixed(1)}%\n`)
    }
  }
} finally {
  await transports.close()
  await Promise.all(mirrors.map((mirror) => mirror.close()))
}
console.log(JSON.stringify({loadavg: loadavg().map((value) => Number(value.toFixed(2))), caps: CAPS, delays: DELAYS, results}, null, 1))
