// runPipeline against local HTTP mirrors: each stage's result, the corrupt and missing mirrors kept out of the download, and the failure modes.
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runPipeline, type PipelineEvent} from '../../src/core/pipeline.js'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startFtpMirror} from '../helpers/ftp-mirror.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'

const content = makeContent(2 * 1024 * 1024, 11)
let fast: HttpMirror
let slow: HttpMirror
let corrupt: HttpMirror
let directory: string
let listPath: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-pipeline-'))
  fast = await startHttpMirror({files: {'/pub/f.bin': content}, faults: {bandwidth: 4_000_000}})
  slow = await startHttpMirror({files: {'/pub/f.bin': content}, faults: {bandwidth: 800_000}})
  corrupt = await startHttpMirror({files: {'/pub/f.bin': content}, faults: {corrupt: [{offset: 0, length: content.length}]}})
  listPath = join(directory, 'mirrors.txt')
  // A stale entry too: the slow server has no /old/ copy.
  await writeFile(listPath, [`${slow.url}pub/f.bin`, `${corrupt.url}pub/f.bin`, `${slow.url}old/f.bin`].join('\n') + '\n')
})

afterAll(async () => {
  await Promise.all([fast, slow, corrupt].map((mirror) => mirror.close()))
  await rm(directory, {recursive: true, force: true})
})

const quick = {rank: {rttSamples: 2, throughput: {maxMs: 300}}, fetch: {commandFile: false}}

describe('runPipeline', () => {
  it('discovers, verifies, ranks and downloads, keeping the corrupt and missing mirrors out', async () => {
    const events: PipelineEvent[] = []
    const output = join(directory, 'f.bin')
    const report = await runPipeline(
      {argument: `${fast.url}pub/f.bin`, output, discover: {lists: [listPath]}, verify: {seed: 3}, ...quick},
      {signal: AbortSignal.timeout(25_000), onEvent: (event) => events.push(event)},
    )
    expect(report.discover.candidates.map((candidate) => candidate.foundBy[0])).toEqual(['primary', 'list', 'list', 'list'])
    const status = Object.fromEntries(report.verify.candidates.map((candidate) => [candidate.url, candidate.verify?.status]))
    expect(status).toEqual({
      [`${fast.url}pub/f.bin`]: 'ok',
      [`${slow.url}pub/f.bin`]: 'ok',
      [`${corrupt.url}pub/f.bin`]: 'mismatch',
      [`${slow.url}old/f.bin`]: 'unreachable',
    })
    expect(report.verify.candidates.find((candidate) => candidate.verify?.status === 'unreachable')?.verify?.error?.code).toBe('ENOTFOUND')
    // 4 MB/s against 0.8 MB/s: the order cannot flip on a loaded machine.
    expect(report.rank.candidates.slice(0, 2).map((candidate) => candidate.url)).toEqual([`${fast.url}pub/f.bin`, `${slow.url}pub/f.bin`])
    expect(report.rank.candidates.slice(2).every((candidate) => candidate.rank === undefined)).toBe(true)
    expect(report.fetch.mirrors.map((mirror) => mirror.url).sort()).toEqual([`${fast.url}pub/f.bin`, `${slow.url}pub/f.bin`].sort())
    expect(sha256Hex(await readFile(output))).toBe(sha256Hex(content))
    const stages = events.filter((event) => event.type === 'stage-end').map((event) => (event as {stage: string}).stage)
    expect(stages).toEqual(['discover', 'verify', 'rank', 'fetch'])
    expect(events.some((event) => event.type === 'fetch' && event.event.type === 'done')).toBe(true)
    expect(Object.values(report.durations).every((duration) => duration >= 0)).toBe(true)
  })

  it('fails with ENOMIRROR (exit code 3) naming each verdict when no mirror passes verify', async () => {
    const missing = `${slow.url}pub/absent.bin`
    const run = runPipeline({argument: missing, output: join(directory, 'absent.bin'), discover: {sources: ['headers']}, ...quick}, {signal: AbortSignal.timeout(20_000)})
    await expect(run).rejects.toMatchObject({code: 'ENOMIRROR', exitCode: 3})
    await expect(run).rejects.toThrow(/absent\.bin: unreachable/)
  })

  it('stops promptly with EABORTED when its signal is aborted mid-download', async () => {
    const controller = new AbortController()
    const started = Date.now()
    const run = runPipeline(
      {argument: `${slow.url}pub/f.bin`, output: join(directory, 'aborted.bin'), discover: {sources: ['headers']}, ...quick},
      {signal: controller.signal, onEvent: (event) => event.type === 'stage-start' && event.stage === 'fetch' && setTimeout(() => controller.abort(), 200)},
    )
    await expect(run).rejects.toMatchObject({code: 'EABORTED'})
    // The slow mirror alone needs ~2.6 s for the file: returning well before proves the abort cut it short.
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(slow.stats.openConnections).toBeLessThanOrEqual(1)
  })

  it('logs in with the password of a credentialed argument in every stage, and never reports it', async () => {
    const ftp = await startFtpMirror({files: {'f.bin': content}, user: 'user', password: 'hunter2'})
    try {
      const output = join(directory, 'ftp.bin')
      const report = await runPipeline({argument: `ftp://user:hunter2@127.0.0.1:${ftp.port}/f.bin`, output, ...quick}, {signal: AbortSignal.timeout(25_000)})
      expect(report.verify.candidates[0]?.verify?.status).toBe('ok')
      expect(sha256Hex(await readFile(output))).toBe(sha256Hex(content))
      expect(JSON.stringify(report)).not.toContain('hunter2')
    } finally {
      await ftp.close()
    }
  })
})
