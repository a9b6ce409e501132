// Queued verify and rank on 3 worker processes give the same verdicts and the same rank order as local runs, over 56 local mirrors.
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {MirrorSet} from '../../../src/core/model.js'
import {redisTier, useQueueWorld} from '../../helpers/queue-fixture.js'
import {runCli} from '../../helpers/run-cli.js'

const available = redisTier('queued-agreement')
const workerArgs = ['--vantage', 'here', '--concurrency', '4', '--per-host', '4', '--rate', '1000']
const world = useQueueWorld({enabled: available, farm: [7, 8], workers: [workerArgs, workerArgs, workerArgs]})

async function stage(args: string[]): Promise<MirrorSet> {
  const run = await runCli(args, {timeoutMs: 120_000})
  expect(run.code, run.stderr).toBe(0)
  return JSON.parse(run.stdout) as MirrorSet
}

describe.skipIf(!available)('queued verify and rank agree with local runs', () => {
  it('gives every candidate the same verdict and the same rank order', async () => {
    const {farm, redis, directory, workers} = world
    const input = join(directory, 'set.json')
    await writeFile(input, JSON.stringify(farm.set))
    const verifyArgs = ['verify', '--input', input, '--seed', '7', '--samples', '4', '--sample-size', '4096', '--timeout', '10']
    const local = await stage(verifyArgs)
    const queued = await stage([...verifyArgs, '--queue', redis.url])
    const verdicts = (set: MirrorSet) => set.candidates.map((candidate) => [candidate.url, candidate.verify?.status])
    expect(queued.candidates.length).toBe(farm.set.candidates.length)
    expect(verdicts(queued)).toEqual(verdicts(local))
    // And both are right: the farm knows which mirrors it broke.
    expect(verdicts(local)).toEqual(farm.set.candidates.map((candidate) => [candidate.url, farm.expected.get(candidate.url)]))
    expect(queued.candidates.map((candidate) => candidate.verify?.summary)).toEqual(local.candidates.map((candidate) => candidate.verify?.summary))

    const verified = join(directory, 'verified.json')
    await writeFile(verified, JSON.stringify(local))
    // By round trip: the tiers differ by 80 ms of first-byte delay, while a 64 KiB probe's rate is too short to be
    // more than noise, so a score order would be chance between tiers as well.
    const rankArgs = ['rank', '--input', verified, '--no-history', '--by', 'rtt', '--rtt-samples', '3', '--max-time', '50', '--parallel', '4']
    const localRank = await stage(rankArgs)
    const queuedRank = await stage([...rankArgs, '--queue', redis.url])
    // Mirrors of one tier are identical by construction, so their order among themselves is chance: compare tiers.
    const tiers = (set: MirrorSet) => set.candidates.map((candidate) => (!candidate.rank ? 'skipped' : candidate.rank.error ? 'failed' : farm.tierOf.get(candidate.url)))
    expect(tiers(queuedRank)).toEqual(tiers(localRank))
    // And the order is right: measured mirrors by tier, fastest first.
    const measured = tiers(localRank).filter((tier) => typeof tier === 'number')
    expect(measured).toEqual([...measured].sort((a, b) => a - b))
    expect(measured.length).toBeGreaterThan(40)
    expect(queuedRank.candidates.map((candidate) => candidate.url).sort()).toEqual(localRank.candidates.map((candidate) => candidate.url).sort())
    expect(queuedRank.candidates.every((candidate) => !candidate.rank || candidate.rank.vantage === 'here')).toBe(true)
    // Each worker logged its share, one line per check.
    const lines = workers.flatMap((worker) => worker.log().split('\n').filter((line) => line.startsWith('verify http')))
    expect(lines.length).toBe(farm.set.candidates.length)
  }, 240_000)
})
