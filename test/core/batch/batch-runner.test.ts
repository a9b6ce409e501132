// The batch runner on local HTTP mirrors: many files under one budget, each checked on its own, failures isolated, re-runs resumed.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {runBatch} from '../../../src/core/batch/batch-runner.js'
import type {BatchItem} from '../../../src/core/batch/batch-input.js'
import {parseBatchInput} from '../../../src/core/batch/batch-input.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {temporaryDirectory, transportFactories} from '../download/helpers.js'
import {OPEN_BYTES} from '../../../src/plugins/transports/http.js'

const SIZES = [1024, 50_000, 300_000, 700_000, 3 * 1024 * 1024 + 7]
const files = Object.fromEntries(SIZES.map((size, index) => [`/f${index}.bin`, makeContent(size, index + 1)]))

function itemsFor(mirrors: readonly HttpMirror[], names: string[], checksum: (name: string) => string | undefined): BatchItem[] {
  const text = names.map((name) => [mirrors.map((mirror) => `${mirror.url}${name}`).join('\t'), ...(checksum(name) ? [`  checksum=sha-256=${checksum(name)}`] : [])].join('\n')).join('\n')
  return parseBatchInput(text).items
}

describe('runBatch', () => {
  const mirrors: HttpMirror[] = []
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>

  beforeAll(async () => {
    directory = await temporaryDirectory()
    for (let i = 0; i < 3; i++) mirrors.push(await startHttpMirror({files, faults: {bandwidth: 20 * 1024 * 1024}}))
  })
  afterAll(async () => {
    await Promise.all(mirrors.map((mirror) => mirror.close()))
    await directory.remove()
  })

  it('fetches every file correctly, small ones whole and large ones segmented, within the per-host cap', async () => {
    const names = Object.keys(files).map((path) => path.slice(1))
    const target = join(directory.path, 'all')
    const items = itemsFor(mirrors, names, (name) => sha256Hex(files[`/${name}`]!))
    let most = 0
    const summary = await runBatch(
      {items, directory: target, jobs: 4, connections: 6, perHost: 2, wholeBelow: 1024 * 1024, transportFactories},
      {signal: new AbortController().signal, onEvent: () => (most = Math.max(most, ...mirrors.map((mirror) => mirror.stats.openConnections)))},
    )
    expect(summary.exitCode).toBe(0)
    expect(summary.done).toBe(names.length)
    for (const name of names) expect(sha256Hex(await readFile(join(target, name)))).toBe(sha256Hex(files[`/${name}`]!))
    const byName = Object.fromEntries(summary.files.map((file) => [file.name, file]))
    expect(byName['f0.bin']!.method).toBe('whole')
    expect(byName['f4.bin']!.method).toBe('segmented')
    expect(Object.keys(summary.hosts).length).toBeGreaterThan(0)
    // perHost links plus the pool's one spare for a stat.
    expect(most).toBeLessThanOrEqual(3)
    expect((await readdir(target)).sort()).toEqual([...names].sort())
  })

  it('fetches a file whole that is larger than the opening read asks for, with one more ranged read', async () => {
    const big = makeContent(OPEN_BYTES + 100_000, 9)
    const server = await startHttpMirror({files: {'/big.bin': big}})
    try {
      const target = join(directory.path, 'big')
      const items = parseBatchInput(`${server.url}big.bin\n  checksum=sha-256=${sha256Hex(big)}`).items
      const summary = await runBatch({items, directory: target, jobs: 1, connections: 2, perHost: 2, wholeBelow: 2 * OPEN_BYTES, transportFactories}, {signal: new AbortController().signal, onEvent: () => {}})
      expect(summary.exitCode).toBe(0)
      expect(summary.files[0]).toMatchObject({status: 'done', method: 'whole'})
      expect(sha256Hex(await readFile(join(target, 'big.bin')))).toBe(sha256Hex(big))
      expect(server.stats.requests).toBe(2)
      expect(server.stats.bytesSent).toBe(big.length)
    } finally {
      await server.close()
    }
  })

  it('finishes the other files when one is missing everywhere and one fails its checksum; the worst exit code wins', async () => {
    const target = join(directory.path, 'failures')
    const names = ['f0.bin', 'missing.bin', 'f1.bin', 'f2.bin']
    const items = itemsFor(mirrors, names, (name) => (name === 'f2.bin' ? '0'.repeat(64) : name === 'missing.bin' ? undefined : sha256Hex(files[`/${name}`]!)))
    const summary = await runBatch({items, directory: target, jobs: 4, transportFactories}, {signal: new AbortController().signal})
    const byName = Object.fromEntries(summary.files.map((file) => [file.name, file]))
    expect(byName['missing.bin']!.error).toMatchObject({code: 'ENOTFOUND', exitCode: 3})
    expect(byName['f2.bin']!.error).toMatchObject({code: 'EINTEGRITY', exitCode: 4})
    expect(byName['f0.bin']!.status).toBe('done')
    expect(byName['f1.bin']!.status).toBe('done')
    expect(summary.exitCode).toBe(4)
    // Nothing under a final name that is not verified, and no leftover part of the bad file.
    expect((await readdir(target)).sort()).toEqual(['f0.bin', 'f1.bin'])
  })

  it('skips files already complete and verified, and fetches the rest', async () => {
    const target = join(directory.path, 'rerun')
    const names = ['f0.bin', 'f1.bin', 'f2.bin']
    const items = itemsFor(mirrors, names, (name) => sha256Hex(files[`/${name}`]!))
    await runBatch({items, directory: target, transportFactories}, {signal: new AbortController().signal})
    // A wrong file under a final name (not ours) is fetched again; a right one is not.
    await writeFile(join(target, 'f1.bin'), 'not the file')
    const requests = () => mirrors.reduce((sum, mirror) => sum + mirror.stats.requests, 0)
    const before = requests()
    const summary = await runBatch({items, directory: target, transportFactories}, {signal: new AbortController().signal})
    expect(summary.files.map((file) => file.status)).toEqual(['skipped', 'done', 'skipped'])
    expect(requests() - before).toBe(1)
    expect(sha256Hex(await readFile(join(target, 'f1.bin')))).toBe(sha256Hex(files['/f1.bin']!))
  })

  it('moves a whole-file read that stalls to another host, and remembers the host as failing', async () => {
    const stalling = await startHttpMirror({files, faults: {stallAfter: 1000}})
    try {
      const text = `${stalling.url}f2.bin\t${mirrors[0]!.url}f2.bin\n  checksum=sha-256=${sha256Hex(files['/f2.bin']!)}\n`
      const started = Date.now()
      const summary = await runBatch({items: parseBatchInput(text).items, directory: join(directory.path, 'stall'), fetch: {stallTimeoutMs: 500}, transportFactories}, {signal: new AbortController().signal})
      expect(summary.files[0]).toMatchObject({status: 'done', method: 'whole', host: new URL(mirrors[0]!.url).host})
      expect(summary.hosts[new URL(stalling.url).host]?.failures).toBe(1)
      expect(Date.now() - started).toBeLessThan(5000)
    } finally {
      await stalling.close()
    }
  })

  it('checks files the list gives no checksum against their directory\'s SHA256SUMS, read once', async () => {
    const sums = `${sha256Hex(files['/f0.bin']!)}  f0.bin\n${'e'.repeat(64)}  f1.bin\n`
    const withSums = await startHttpMirror({files: {...files, '/SHA256SUMS': sums}})
    try {
      const text = ['f0.bin', 'f1.bin', 'f2.bin'].map((name) => `${withSums.url}${name}\n`).join('')
      const summary = await runBatch({items: parseBatchInput(text).items, directory: join(directory.path, 'sums'), transportFactories}, {signal: new AbortController().signal})
      const [f0, f1, f2] = summary.files
      expect(f0).toMatchObject({status: 'done', check: expect.stringContaining('sha256 matches')})
      expect(f0!.check).toContain('SHA256SUMS')
      expect(f1!.error).toMatchObject({code: 'EINTEGRITY'})
      expect(f2).toMatchObject({status: 'done', check: 'no checksum given or published'})
      // The directory is read once (SHA256SUMS, and a try each of SHA512SUMS and CHECKSUMS), then one read per file.
      expect(withSums.stats.requests).toBe(3 + 3)
    } finally {
      await withSums.close()
    }
  })

  it('refuses two files with one output before downloading anything', async () => {
    const items = itemsFor(mirrors, ['f0.bin', 'f0.bin'], () => undefined)
    await expect(runBatch({items, directory: directory.path, transportFactories}, {signal: new AbortController().signal})).rejects.toMatchObject({code: 'EINPUT'})
  })
})
