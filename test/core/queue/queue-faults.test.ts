// Faults of a queued run: a worker SIGKILLed mid-run and Redis restarted mid-run still give every candidate exactly one verdict; a malformed job fails alone; the queue password is never printed.
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {MirrorSet} from '../../../src/core/model.js'
import {redisTier, stopWorkerProcess, useQueueWorld} from '../../helpers/queue-fixture.js'
import {runCli} from '../../helpers/run-cli.js'
import {until} from '../../helpers/until.js'

const available = redisTier('queue-faults')
const PASSWORD = 's3cret-queue-pass'
const workerArgs = ['--vantage', 'here', '--concurrency', '2', '--per-host', '8', '--rate', '1000', '--lock-ms', '2000']
// Every check takes ~1 s (5 requests behind a 200 ms first byte): the run lasts long enough to be hurt mid-way.
const world = useQueueWorld({enabled: available, farm: [4, 15, 64 * 1024, [200]], workers: [workerArgs, workerArgs, workerArgs], password: PASSWORD})

describe.skipIf(!available)('queued run under faults', () => {
  it('fails a malformed job with EJOBPAYLOAD and keeps the worker running', async () => {
    const {redis, workers} = world
    const {Queue} = await import('bullmq')
    const verifyQueue = new Queue('verify', {connection: {host: '127.0.0.1', port: redis.port}, prefix: 'mirrorkit'})
    try {
      const job = await verifyQueue.add('verify', {kind: 'verify', runId: 'x', index: 'zero', url: 'http://127.0.0.1:1/f'})
      await until(() => workers.some((worker) => worker.log().includes(`job ${job.id} rejected`)), 'a worker rejects the job', {timeout: 15_000})
      await until(async () => (await verifyQueue.getJobState(job.id!)) === 'failed', 'the job is failed', {timeout: 5000, interval: 50})
      expect((await verifyQueue.getJob(job.id!))?.failedReason).toContain('EJOBPAYLOAD')
      expect(workers.every((worker) => worker.child.exitCode === null)).toBe(true)
    } finally {
      await verifyQueue.close()
    }
  }, 30_000)

  it('reports every candidate exactly once after a worker is SIGKILLed and Redis restarts mid-run', async () => {
    const {redis, farm, directory, queue, workers} = world
    const input = join(directory, 'set.json')
    await writeFile(input, JSON.stringify(farm.set))
    const total = farm.set.candidates.length
    let stderr = ''
    let killed = false
    let restarting: Promise<void> | undefined
    const done = () => Math.max(0, ...[...stderr.matchAll(/verify: (\d+)\/\d+ checked/g)].map((match) => Number(match[1])))
    const run = await runCli(['verify', '--input', input, '--seed', '3', '--samples', '4', '--sample-size', '4096', '--timeout', '20', '--queue', queue], {
      timeoutMs: 150_000,
      onOutput: (stream, text) => {
        if (stream !== 'stderr') return
        stderr += text
        if (!killed && done() >= total * 0.1) {
          killed = true
          workers[0]!.child.kill('SIGKILL')
        }
        if (!restarting && done() >= total * 0.4) restarting = redis.restart()
      },
    })
    await restarting
    expect(killed).toBe(true)
    expect(restarting).toBeDefined()
    expect(run.code, run.stderr).toBe(0)
    const set = JSON.parse(run.stdout) as MirrorSet
    const urls = set.candidates.map((candidate) => candidate.url)
    expect(urls.length).toBe(total)
    expect(new Set(urls).size).toBe(total)
    expect(set.candidates.map((candidate) => [candidate.url, candidate.verify?.status])).toEqual(farm.set.candidates.map((candidate) => [candidate.url, farm.expected.get(candidate.url)]))
    // The killed worker's jobs were finished by the others: the two survivors logged the rest.
    const survivors = workers.slice(1).flatMap((worker) => worker.log().split('\n').filter((line) => line.startsWith('verify http')))
    const victim = workers[0]!.log().split('\n').filter((line) => line.startsWith('verify http'))
    expect(new Set([...survivors, ...victim].map((line) => line.split(':').slice(0, 3).join(':'))).size).toBe(total)
    for (const text of [run.stderr, run.stdout, ...workers.map((worker) => worker.log())]) expect(text).not.toContain(PASSWORD)
    expect(workers[1]!.log()).toContain(':***@127.0.0.1')
  }, 180_000)

  it('stops a worker cleanly on SIGTERM: exit code 0 and a last log line', async () => {
    const {workers} = world
    expect(await stopWorkerProcess(workers[1]!)).toBe(0)
    expect(workers[1]!.log()).toContain('worker: stopped')
  }, 30_000)
})
