// A queued-run fixture: a private redis-server, many local HTTP mirrors (some corrupt, short or down, in speed tiers) and mirrorkit worker processes.
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll} from 'vitest'
import type {MirrorSet} from '../../src/core/model.js'
import {findRedisServer, startRedisServer, type RedisServer} from '../../src/mirrors/redis-server.js'
import {makeContent} from './content.js'
import {startHttpMirror, type HttpFaults, type HttpMirror} from './http-mirror.js'
import {binary, projectRoot} from './run-cli.js'
import {freeLoopbackPort} from '../../src/mirrors/free-port.js'

export {findRedisServer, startRedisServer, type RedisServer}

export type MirrorFarm = {set: MirrorSet; mirrors: HttpMirror[]; tierOf: Map<string, number>; expected: Map<string, string>; close(): Promise<void>}

/** First-byte delay of each speed tier: far enough apart that load on two cores cannot swap two tiers. */
export const TIER_DELAYS = [0, 80, 160, 240]


/** `servers` × `perServer` candidates of one file; faults by position, so the expected verdicts are known. */
export async function startMirrorFarm(servers: number, perServer: number, size = 64 * 1024, delays = TIER_DELAYS): Promise<MirrorFarm> {
  const content = makeContent(size, 7)
  const mirrors: HttpMirror[] = []
  const candidates: MirrorSet['candidates'] = []
  const tierOf = new Map<string, number>()
  const expected = new Map<string, string>()
  let count = 0
  for (let server = 0; server < servers; server++) {
    const files: Record<string, Uint8Array> = {}
    const perPath: Record<string, HttpFaults> = {}
    const paths: Array<{path: string; status: string; tier: number}> = []
    for (let slot = 0; slot < perServer; slot++) {
      const path = `/m${slot}/f.bin`
      files[path] = content
      const tier = count % delays.length
      const faults: HttpFaults = {firstByteDelayMs: delays[tier]!}
      let status = 'ok'
      if (count % 17 === 5) (faults.corrupt = [{offset: 0, length: size}], (status = 'mismatch'))
      else if (count % 19 === 7) (faults.size = size - 4096, (status = 'mismatch'))
      else if (count % 23 === 11) (faults.status = 503, (status = 'unreachable'))
      perPath[path] = faults
      paths.push({path, status, tier})
      count++
    }
    const mirror = await startHttpMirror({files, perPath})
    mirrors.push(mirror)
    for (const {path, status, tier} of paths) {
      const url = `${mirror.url}${path.slice(1)}`
      candidates.push({url, foundBy: ['test']})
      tierOf.set(url, tier)
      expected.set(url, status)
    }
  }
  const down = `http://127.0.0.1:${await freeLoopbackPort()}/m0/f.bin`
  candidates.push({url: down, foundBy: ['test']})
  expected.set(down, 'unreachable')
  const primary = candidates[0]!.url
  const set: MirrorSet = {version: 1, target: {name: 'f.bin', primary, checksums: []}, candidates}
  return {set, mirrors, tierOf, expected, close: async () => void (await Promise.all(mirrors.map((mirror) => mirror.close())))}
}

export type WorkerProcess = {child: ChildProcess; log: () => string; exited: Promise<number | null>}

/** A `mirrorkit worker` child process; resolves once it says it is ready (bounded). */
export async function startWorkerProcess(queue: string, args: string[] = [], timeoutMs = 20_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [binary, 'worker', '--queue', queue, ...args], {cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
  let log = ''
  child.stdout!.resume()
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready in ${timeoutMs} ms: ${log}`)), timeoutMs)
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8')
      if (log.includes(' ready: vantage ')) (clearTimeout(timer), resolve())
    })
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`worker exited (${code}) before it was ready: ${log}`))))
  })
  return {child, log: () => log, exited}
}

/** SIGTERM, then SIGKILL if it has not exited within the bound. */
export async function stopWorkerProcess(worker: WorkerProcess, timeoutMs = 8000): Promise<number | null> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return worker.child.exitCode
  worker.child.kill('SIGTERM')
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), timeoutMs)
  const code = await worker.exited
  clearTimeout(timer)
  return code
}

/** Whether redis-server is here; in CI its absence fails the file instead (.ci/run installs it), as for the interop tier. */
export function redisTier(name: string): boolean {
  const available = findRedisServer() !== undefined
  if (!available && process.env.CI === 'true') throw new Error(`${name}: cannot run, redis-server is not installed (apt-get install redis-server)`)
  if (!available) console.warn(`${name}: skipped, redis-server is not installed (apt-get install redis-server)`)
  return available
}

export type QueueWorld = {redis: RedisServer; farm: MirrorFarm; directory: string; queue: string; workers: WorkerProcess[]}

/**
 * Registers beforeAll/afterAll for a private Redis, a mirror farm and worker processes (one per argument list);
 * `password` goes into the queue URL (Redis without requirepass accepts any) so tests can look for it in output.
 */
export function useQueueWorld(options: {farm: Parameters<typeof startMirrorFarm>; workers: string[][]; password?: string; enabled: boolean}): QueueWorld {
  const world = {workers: [] as WorkerProcess[]} as QueueWorld
  beforeAll(async () => {
    if (!options.enabled) return
    world.directory = await mkdtemp(join(tmpdir(), 'mirrorkit-queue-'))
    world.redis = await startRedisServer()
    world.queue = options.password ? world.redis.url.replace('redis://', `redis://:${options.password}@`) : world.redis.url
    world.farm = await startMirrorFarm(...options.farm)
    for (const args of options.workers) world.workers.push(await startWorkerProcess(world.queue, args))
  }, 60_000)
  afterAll(async () => {
    if (!options.enabled) return
    await Promise.all(world.workers.map((worker) => stopWorkerProcess(worker)))
    await world.farm?.close()
    await world.redis?.close()
    if (world.directory) await rm(world.directory, {recursive: true, force: true})
  })
  return world
}
