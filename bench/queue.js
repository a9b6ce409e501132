// npm run bench:queue: queued verify of 2,000 candidates on local mirrors with 1, 2 and 4 worker processes; checks/s, Redis memory per 1,000 waiting jobs, commands per check (build first).
import {spawn} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {cpus, loadavg} from 'node:os'
import path from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'
import {projectDirectory} from './paths.js'

const dist = (file) => path.join(projectDirectory, 'dist', file)
const {startRedisServer} = await import(dist('mirrors/redis-server.js'))
const {startHttpMirror} = await import(dist('mirrors/http-mirror.js'))
const {parseQueueUrl, openRedis} = await import(dist('core/queue/connection.js'))
const {queuedVerify} = await import(dist('core/queue/queued-verify.js'))
const {runChecks} = await import(dist('core/queue/run-checks.js'))

const CANDIDATES = Number(process.env.BENCH_CANDIDATES ?? 2000)
const SERVERS = 20
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number)
const DELAYS = (process.env.BENCH_DELAYS ?? '0,50').split(',').map(Number)
const CONCURRENCY = 8
const binary = path.join(projectDirectory, 'bin/run.cjs')

async function startFarm(delayMs) {
  const content = Buffer.alloc(256 * 1024, 7)
  const perServer = Math.ceil(CANDIDATES / SERVERS)
  const mirrors = []
  const candidates = []
  for (let server = 0; server < SERVERS; server++) {
    const files = {}
    for (let slot = 0; slot < perServer && candidates.length + slot < CANDIDATES; slot++) files[`/m${slot}/f.bin`] = content
    const mirror = await startHttpMirror({files, faults: {firstByteDelayMs: delayMs}})
    mirrors.push(mirror)
    for (const file of Object.keys(files)) candidates.push({url: `${mirror.url}${file.slice(1)}`, foundBy: ['bench']})
  }
  return {set: {version: 1, target: {name: 'f.bin', primary: candidates[0].url, checksums: []}, candidates}, close: () => Promise.all(mirrors.map((mirror) => mirror.close()))}
}

async function startWorker(queue) {
  // The limits are opened wide: this measures the queue's throughput, not the politeness a real run wants.
  const child = spawn(process.execPath, [binary, 'worker', '--queue', queue, '--vantage', 'bench', '--concurrency', String(CONCURRENCY), '--per-host', '10000', '--rate', '100000'], {stdio: ['ignore', 'ignore', 'pipe']})
  let log = ''
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready: ${log}`)), 30_000)
    child.stderr.on('data', (chunk) => {
      log += chunk
      if (log.includes(' ready: ')) (clearTimeout(timer), resolve())
    })
  })
  child.stderr.resume()
  return child
}

async function stopWorker(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

async function info(redis, field) {
  const text = await redis.info()
  return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(text)?.[1] ?? NaN)
}

/** Bytes of Redis memory per 1,000 checks waiting: a run queued with no worker to take it. */
async function memoryPerThousand(target, redis, set) {
  const before = await info(redis, 'used_memory')
  const runId = randomUUID()
  const checks = set.candidates.map((candidate, index) => ({queue: 'verify', job: {kind: 'verify', runId, index, url: candidate.url}}))
  const controller = new AbortController()
  // runChecks waits for results; with no worker it waits forever, so it is stopped once the jobs are counted.
  const running = runChecks(target, runId, {verify: {plan: {target: set.target, ignoreName: false, notes: []}, timeoutMs: 10_000, full: false}}, 'verify', checks, {signal: controller.signal}).catch(() => {})
  for (let tries = 0; tries < 600 && (await redis.llen('mirrorkit:verify:wait')) < checks.length; tries++) await delay(100)
  const after = await info(redis, 'used_memory')
  controller.abort()
  await running
  await redis.flushdb()
  return ((after - before) / checks.length) * 1000
}

async function main() {
  const redisServer = await startRedisServer({persistent: false})
  const target = parseQueueUrl(redisServer.url)
  const redis = await openRedis(target, false)
  const rows = []
  let memory
  try {
    for (const delayMs of DELAYS) {
      const farm = await startFarm(delayMs)
      try {
        memory ??= await memoryPerThousand(target, redis, farm.set)
        for (const count of WORKER_COUNTS) {
          const workers = []
          for (let index = 0; index < count; index++) workers.push(await startWorker(redisServer.url))
          await redis.flushdb()
          const commandsBefore = await info(redis, 'total_commands_processed')
          const started = performance.now()
          const verified = await queuedVerify(farm.set, {samples: 1, sampleSize: 4096, seed: 1}, target, {signal: AbortSignal.timeout(600_000)})
          const seconds = (performance.now() - started) / 1000
          const commands = (await info(redis, 'total_commands_processed')) - commandsBefore
          const ok = verified.candidates.filter((candidate) => candidate.verify?.status === 'ok').length
          rows.push({delayMs, workers: count, checks: verified.candidates.length, ok, seconds, rate: verified.candidates.length / seconds, commandsPerCheck: commands / verified.candidates.length})
          process.stderr.write(`bench:queue ${delayMs} ms mirrors, ${count} worker(s): ${(verified.candidates.length / seconds).toFixed(0)} checks/s\n`)
          await Promise.all(workers.map(stopWorker))
        }
      } finally {
        await farm.close()
      }
    }
  } finally {
    redis.disconnect()
    await redisServer.close()
  }
  const base = new Map(rows.filter((row) => row.workers === WORKER_COUNTS[0]).map((row) => [row.delayMs, row.rate]))
  const lines = [
    `queued verify of ${CANDIDATES} candidates (stat + one 4 KiB sample each) on ${SERVERS} local HTTP mirrors; workers of concurrency ${CONCURRENCY};`,
    `${cpus().length} cores, load ${loadavg()[0].toFixed(2)} at the end; Redis ${redisServer.url.replace(/:\d+\/.*/, '')}, no persistence`,
    '',
    '| mirror first byte | workers | checks | ok | seconds | checks/s | × 1 worker | Redis commands per check |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.delayMs} ms | ${row.workers} | ${row.checks} | ${row.ok} | ${row.seconds.toFixed(1)} | ${row.rate.toFixed(0)} | ${(row.rate / base.get(row.delayMs)).toFixed(2)} | ${row.commandsPerCheck.toFixed(1)} |`),
    '',
    `Redis memory per 1,000 waiting checks: ${(memory / 1024).toFixed(0)} KiB`,
  ]
  const worst = Math.max(...rows.map((row) => row.commandsPerCheck))
  // Real mirrors answer in about a second per check (stat + samples over the internet), so 100 machines × 4 workers ×
  // CONCURRENCY checks in flight finish about that many checks a second; Redis sees commands per check times that.
  const inFlight = 100 * 4 * CONCURRENCY
  lines.push(
    `Estimate for 100 machines × 4 workers × concurrency ${CONCURRENCY}, real checks taking ~1 s: ~${inFlight} checks/s, ` +
      `~${((inFlight * worst) / 1000).toFixed(0)}k Redis commands/s at ${worst.toFixed(1)} per check (commands inside BullMQ's scripts counted); ` +
      `a backlog of 100,000 waiting checks holds ~${((memory * 100) / 1024 / 1024).toFixed(0)} MiB.`,
  )
  process.stdout.write(lines.join('\n') + '\n')
}

await main()
