// `mirrorkit schedule`: a repeatable round runs on the workers and publishes versioned status JSON, history and index.html; --remove ends it.
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {MirrorSet} from '../../src/core/model.js'
import type {StatusFile} from '../../src/core/queue/status-dir.js'
import {redisTier, useQueueWorld} from '../helpers/queue-fixture.js'
import {runCli} from '../helpers/run-cli.js'
import {until} from '../helpers/until.js'

const available = redisTier('schedule')
const open = ['--per-host', '8', '--rate', '1000']
const world = useQueueWorld({enabled: available, farm: [2, 4, 64 * 1024, [0, 40]], workers: [['--vantage', 'east', ...open], ['--vantage', 'west', ...open]]})

describe.skipIf(!available)('mirrorkit schedule', () => {
  it('publishes a status directory every round, with both vantages, last success and history', async () => {
    const {redis, farm, directory, workers} = world
    const list = join(directory, 'mirrors.txt')
    const [primary, ...rest] = farm.set.candidates.map((candidate) => candidate.url)
    await writeFile(list, rest.join('\n') + '\n')
    const statusDir = join(directory, 'status')
    const args = ['schedule', '--queue', redis.url, '--every', '10s', '--status-dir', statusDir, '--name', 'farm', primary!, '-l', list, '--samples', '2', '--sample-size', '4096', '--rtt-samples', '1', '--max-time', '100']
    const registered = await runCli([...args, '--json'], {timeoutMs: 30_000})
    expect(registered.code, registered.stderr).toBe(0)
    expect(JSON.parse(registered.stdout)).toMatchObject({schedule: 'farm', every: '10s', statusDir})
    // status.json is written last in a round: waiting on the numbered file raced its update.
    const roundOf = async () => (JSON.parse(await readFile(join(statusDir, 'status.json'), 'utf8').catch(() => '{}')) as {round?: number}).round ?? 0
    await until(async () => (await roundOf()) >= 2, `two rounds are published (worker logs: ${workers.map((worker) => worker.log()).join('\n')})`, {timeout: 60_000, interval: 100})
    const status = JSON.parse(await readFile(join(statusDir, 'status.json'), 'utf8')) as StatusFile
    expect(status.version).toBe(1)
    expect(status.round).toBeGreaterThanOrEqual(2)
    expect(status.mirrors.length).toBe(farm.set.candidates.length)
    for (const mirror of status.mirrors) {
      expect(mirror.verdict?.status).toBe(farm.expected.get(mirror.url))
      expect(mirror.history.length).toBe(status.round)
      if (mirror.verdict?.status === 'ok') {
        expect(mirror.rank.map((entry) => entry.vantage)).toEqual(['east', 'west'])
        expect(mirror.lastSuccess).toBeDefined()
      }
    }
    const page = await readFile(join(statusDir, 'index.html'), 'utf8')
    expect(page).toContain('id="history-chart"')
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)=/)
    const removed = await runCli(['schedule', '--queue', redis.url, '--name', 'farm', '--remove', '--json'], {timeoutMs: 30_000})
    expect(JSON.parse(removed.stdout)).toEqual({schedule: 'farm', removed: true})
  }, 120_000)

  it('ranks from two vantages (one entry each, combined by median) and refuses a vantage with no worker', async () => {
    const {redis, farm, directory} = world
    const input = join(directory, 'rank-set.json')
    await writeFile(input, JSON.stringify({...farm.set, candidates: farm.set.candidates.slice(0, 4)}))
    const args = ['rank', '--input', input, '--queue', redis.url, '--rtt-samples', '1', '--max-time', '50']
    const run = await runCli([...args, '--vantage', 'west,east'], {timeoutMs: 60_000})
    expect(run.code, run.stderr).toBe(0)
    const ranked = JSON.parse(run.stdout) as MirrorSet
    const measured = ranked.candidates.filter((candidate) => candidate.rank && !candidate.rank.error)
    expect(measured.length).toBeGreaterThan(0)
    for (const candidate of measured) {
      expect(candidate.rank!.vantages!.map((entry) => entry.vantage)).toEqual(['east', 'west'])
      expect(candidate.rank!.combined).toBe('median of 2 vantages')
    }
    const missing = await runCli([...args, '--vantage', 'nowhere'], {timeoutMs: 30_000})
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no live worker for vantage nowhere (live: east, west) (EVANTAGES)')
  }, 90_000)

  it('refuses a bad interval with a one-line usage error', async () => {
    const {redis, directory} = world
    const run = await runCli(['schedule', '--queue', redis.url, '--every', '5s', '--status-dir', directory, 'https://example.org/f.iso'], {timeoutMs: 30_000})
    expect(run.code).toBe(2)
    expect(run.stderr.trim().split('\n')).toEqual(['mirrorkit: --every must be a duration like 10m, 1h or 30s, at least 10s (got "5s") (EUSAGE)'])
  }, 30_000)
})
