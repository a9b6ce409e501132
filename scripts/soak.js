// `npm run soak`: SIGKILLs `mirrorkit fetch` at seeded random moments, resumes it each time, and checks nothing was lost or corrupted.
//
// Usage: node scripts/soak.js [--size-mib 128] [--kills 20] [--seed 1] [--mirrors 3] [--rate-mib 0.75] [--piece-size 256K] [--connections 6]
// The caps keep each run a few seconds long, longer than the engine's 1 s checkpoint period, so kills land both
// before and after checkpoints.
// Compiles a private build first (scripts/private-build.js). Mirrors run in this process on 127.0.0.1; the CLI runs as a child.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {privateBuild} from './private-build.js'

const MIB = 1024 * 1024
const {values} = parseArgs({
  options: {
    'size-mib': {type: 'string', default: '128'},
    kills: {type: 'string', default: '20'},
    seed: {type: 'string', default: '1'},
    mirrors: {type: 'string', default: '3'},
    'rate-mib': {type: 'string', default: '0.75'},
    'piece-size': {type: 'string', default: '256K'},
    connections: {type: 'string', default: '6'},
    'run-timeout': {type: 'string', default: '300'},
  },
})
const size = Number(values['size-mib']) * MIB
const kills = Number(values.kills)
const seed = Number(values.seed)
const rate = Number(values['rate-mib']) * MIB
const connections = Number(values.connections)
const pieceLength = parseSize(values['piece-size'])
const runTimeoutMs = Number(values['run-timeout']) * 1000
const log = (message) => process.stderr.write(`soak: ${message}\n`)

function parseSize(text) {
  const match = /^(\d+)([KMG]?)$/i.exec(text)
  if (!match) throw new TypeError(`Expected a size like 1M, got ${text}`)
  return Number(match[1]) * {'': 1, K: 1024, M: MIB, G: 1024 * MIB}[match[2].toUpperCase()]
}

/** A seeded generator (mulberry32), so a run with the same seed kills at the same progress points. */
function random(seedValue) {
  let state = seedValue >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

const build = privateBuild(log)
const {makeContent, sha256Hex} = await import(path.join(build.dist, 'mirrors/content.js'))
const {startHttpMirror} = await import(path.join(build.dist, 'mirrors/http-mirror.js'))
const next = random(seed)
log(`making a ${size / MIB} MiB file (seed ${seed})`)
const content = makeContent(size, seed)
const expected = sha256Hex(content)
const mirrors = []
for (let index = 0; index < Number(values.mirrors); index++) {
  // The ETag is given so the mirrors do not hash 128 MiB again on start.
  mirrors.push(await startHttpMirror({files: {'/soak.bin': content}, faults: {bandwidth: rate, etag: `"${expected.slice(0, 24)}"`}}))
}
const served = () => mirrors.reduce((sum, mirror) => sum + mirror.stats.bytesSent, 0)
const directory = await mkdtemp(path.join(tmpdir(), 'mirrorkit-soak-'))
const output = path.join(directory, 'soak.bin')
const args = [
  build.binary, 'fetch', ...mirrors.map((mirror) => `${mirror.url}soak.bin`),
  '-o', output, '--checksum', `sha256:${expected}`, '--piece-size', values['piece-size'],
  '--connections', String(connections), '--per-mirror', String(Math.ceil(connections / mirrors.length)), '--progress', 'json',
]

/** One run of the CLI; resolves with how it ended. `killAt(servedBytes)` says when to SIGKILL it. */
function runOnce(killAt) {
  const startedServed = served()
  const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  let resumedBytes
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString()
    const start = /"type":"start".*?"resumedBytes":(\d+)/.exec(stderr)
    if (start && resumedBytes === undefined) resumedBytes = Number(start[1])
    if (stderr.length > 1_000_000) stderr = stderr.slice(-100_000)
  })
  child.stdout.resume()
  let killed = false
  const watcher = setInterval(() => {
    if (killAt !== undefined && !killed && served() - startedServed >= killAt) {
      killed = true
      child.kill('SIGKILL')
    }
  }, 5)
  const timer = setTimeout(() => child.kill('SIGKILL'), runTimeoutMs)
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearInterval(watcher)
      clearTimeout(timer)
      resolve({code, signal, killed, resumedBytes, servedThisRun: served() - startedServed, stderr})
    })
  })
}

const started = Date.now()
let survived = 0
const resumes = []
try {
  for (let kill = 1; kill <= kills; kill++) {
    // Spread the kills over the file: each run gets a seeded random share of an even slice (0.1x to 1.7x of it).
    const killAt = Math.round((size / (kills + 1)) * (0.1 + 1.6 * next()))
    const result = await runOnce(killAt)
    if (!result.killed) {
      log(`run ${kill} ended by itself before its kill point (exit ${result.code}); stopping the kill loop`)
      if (result.code !== 0) log(result.stderr.split('\n').slice(-5).join('\n'))
      break
    }
    resumes.push(result.resumedBytes ?? 0)
    const partSize = existsSync(`${output}.part`) ? (await stat(`${output}.part`)).size : 0
    log(`kill ${kill}: after ${(result.servedThisRun / MIB).toFixed(1)} MiB served this run; it had resumed from ${((result.resumedBytes ?? 0) / MIB).toFixed(1)} MiB; .part ${partSize > 0 ? 'present' : 'absent'}`)
    survived++
  }
  const final = await runOnce(undefined)
  const ok = final.code === 0 && existsSync(output) && sha256Hex(await readFile(output)) === expected
  const leftovers = [`${output}.part`, `${output}.mirrorkit`].filter((file) => existsSync(file))
  const totalServed = served()
  const refetched = totalServed - size
  // Per kill: every link's piece in flight, plus what arrived since the last checkpoint (1 s at the full rate).
  const bound = survived * (connections * pieceLength + rate * mirrors.length * 1)
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const report = {
    file: `${size / MIB} MiB`,
    mirrors: mirrors.length,
    rateEach: `${rate / MIB} MiB/s`,
    pieceLength,
    connections,
    seed,
    crashesSurvived: `${ok ? survived : 0}/${kills}`,
    finalExit: final.code,
    sha256Matches: ok,
    leftovers,
    resumedFrom: resumes.map((bytes) => Math.round(bytes / MIB)),
    bytesServed: totalServed,
    bytesRefetched: refetched,
    refetchedPerKill: survived > 0 ? Math.round(refetched / survived) : 0,
    boundPerKill: survived > 0 ? Math.round(bound / survived) : 0,
    withinBound: refetched <= bound,
    wallSeconds: Number(seconds),
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  log(`${ok ? 'PASS' : 'FAIL'}: ${ok ? survived : 0}/${kills} crashes survived, ${(refetched / MIB).toFixed(1)} MiB refetched (bound ${(bound / MIB).toFixed(1)} MiB: per kill, ${connections} in-flight pieces + 1 s of checkpoint lag at full rate), ${seconds} s`)
  process.exitCode = ok && survived === kills && leftovers.length === 0 ? 0 : 1
} finally {
  await Promise.all(mirrors.map((mirror) => mirror.close()))
  await rm(directory, {recursive: true, force: true})
  build.remove()
}
