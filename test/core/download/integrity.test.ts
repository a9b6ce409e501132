// Corrupted mirrors: caught by piece hashes, by a whole-file checksum (with blame and repair), or by a cross-check; never renamed when wrong.
import {afterEach, describe, expect, it} from 'vitest'
import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {fetchFile} from '../../../src/core/download/engine.js'
import type {FetchOptions} from '../../../src/core/download/options.js'
import {IntegrityError} from '../../../src/core/errors.js'
import type {MirrorSet} from '../../../src/core/model.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpFaults, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, fileSha256, temporaryDirectory, transportFactories} from './helpers.js'

const SIZE = 1024 * 1024 + 777
const PIECE = 64 * 1024
const content = makeContent(SIZE, 23)
const expected = sha256Hex(content)
/** Spread over the file, so whichever pieces the bad mirror delivers, some are corrupt. */
const CORRUPT = Array.from({length: 10}, (_, i) => ({offset: 50_000 + i * 100_000, length: 16}))

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function mirror(faults: HttpFaults = {}): Promise<HttpMirror> {
  const started = await startHttpMirror({files: {'/f.bin': content}, faults})
  cleanups.push(() => started.close())
  return started
}

async function run(mirrors: HttpMirror[], options: Partial<FetchOptions> = {}) {
  const directory = await temporaryDirectory()
  cleanups.push(directory.remove)
  const events = collector()
  const output = join(directory.path, 'out.bin')
  const result = fetchFile(
    {urls: mirrors.map((m) => `${m.url}f.bin`), output, pieceLength: PIECE, connections: 4, perMirror: 2, sampleMs: 100, transportFactories, ...options},
    {onEvent: events.onEvent},
  )
  return {result, events, output}
}

function pieceHashes(): MirrorSet['target']['pieces'] {
  const hashes: string[] = []
  for (let offset = 0; offset < SIZE; offset += PIECE) hashes.push(createHash('sha256').update(content.subarray(offset, offset + PIECE)).digest('hex'))
  return {length: PIECE, algorithm: 'sha256', hashes}
}

describe('fetchFile integrity', () => {
  it('refetches a piece that fails its hash from another mirror and quarantines the sender', async () => {
    const good = await mirror({bandwidth: 1024 * 1024})
    const bad = await mirror({corrupt: CORRUPT})
    const mirrorSet: MirrorSet = {version: 1, target: {name: 'f.bin', size: SIZE, checksums: [], pieces: pieceHashes()}, candidates: []}
    const {result, events, output} = await run([good, bad], {mirrorSet})
    const summary = await result
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('piece-bad').length).toBeGreaterThan(0)
    // A hedge can mix two senders in one piece; the bad mirror is always among them.
    expect(events.of('piece-bad').every((event) => event.mirrors.includes(1))).toBe(true)
    expect(summary.mirrors[1]!.state).toBe('quarantined')
    expect(summary.checks[0]).toMatchObject({name: 'pieces', ok: true})
  })

  it('blames the mirror behind a failed whole-file checksum, repairs, and checks again', async () => {
    const good = await mirror({bandwidth: 1024 * 1024})
    const bad = await mirror({corrupt: CORRUPT})
    const {result, events, output} = await run([good, bad], {checksums: [{algorithm: 'sha256', hex: expected}]})
    const summary = await result
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('mirror-quarantined').map((event) => event.mirror)).toEqual([1])
    expect(summary.mirrors[1]).toMatchObject({state: 'quarantined'})
    expect(summary.checks.map((check) => check.ok)).toEqual([false, true])
  })

  it('with three mirrors, a failed checksum is settled by a vote and only the outvoted mirror is quarantined', async () => {
    const first = await mirror({bandwidth: 1024 * 1024})
    const bad = await mirror({corrupt: CORRUPT})
    const third = await mirror({bandwidth: 1024 * 1024})
    const {result, events, output} = await run([first, bad, third], {checksums: [{algorithm: 'sha256', hex: expected}], connections: 6})
    const summary = await result
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('mirror-quarantined')).toEqual([expect.objectContaining({mirror: 1, reason: 'outvoted by two other mirrors'})])
    expect(summary.mirrors.map((m) => m.state)).toEqual(['active', 'quarantined', 'active'])
  })

  it('cross-checks pieces between mirrors when there is no reference hash', async () => {
    const good = await mirror({bandwidth: 1024 * 1024})
    const bad = await mirror({corrupt: CORRUPT})
    const {result, events, output} = await run([good, bad], {crossCheck: 'all'})
    const summary = await result
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('mirror-quarantined')[0]).toMatchObject({mirror: 1})
    expect(summary.checks.at(-1)).toMatchObject({name: 'cross-check', ok: true})
  })

  it('catches a mirror serving other bytes with a cheap windowed cross-check, and repairs its pieces', async () => {
    const good = await mirror({bandwidth: 1024 * 1024})
    const other = await mirror({corrupt: [{offset: 0, length: SIZE}]})
    const {result, events, output} = await run([good, other], {crossCheck: 2, pieceLength: 256 * 1024})
    const summary = await result
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('mirror-quarantined')[0]).toMatchObject({mirror: 1})
    // The first round blames the mirror; with only one mirror left, the second round says honestly that it could not compare.
    expect(summary.checks[0]).toMatchObject({name: 'cross-check', ok: false})
    expect(summary.checks[0]!.detail).toContain('served different bytes')
    expect(summary.checks.at(-1)).toMatchObject({name: 'cross-check', ok: true, detail: 'no second mirror to compare with: bytes unchecked'})
  })

  it('says what a windowed cross-check compared when the mirrors agree', async () => {
    const {result} = await run([await mirror(), await mirror()], {crossCheck: 2, pieceLength: 256 * 1024})
    expect((await result).checks.at(-1)).toMatchObject({name: 'cross-check', ok: true, detail: expect.stringContaining('(4 KiB of each): identical')})
  })

  it('starts the cross-check while the last quarter downloads and says so', async () => {
    const {result} = await run([await mirror({bandwidth: 256 * 1024}), await mirror({bandwidth: 256 * 1024})], {crossCheck: 2})
    const check = (await result).checks.at(-1)!
    expect(check).toMatchObject({name: 'cross-check', ok: true})
    expect(check.detail).toMatch(/^\d+ of 17 pieces re-read from a second mirror \(4 KiB of each, [1-9]\d* of them while the download ran\): identical$/)
  })

  it('blames a mirror serving other bytes when the early cross-check finds it, and repairs its pieces', async () => {
    const good = await mirror({bandwidth: 256 * 1024})
    const other = await mirror({bandwidth: 256 * 1024, corrupt: [{offset: 0, length: SIZE}]})
    const {result, events, output} = await run([good, other], {crossCheck: 2})
    const summary = await result
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('mirror-quarantined')).toEqual([expect.objectContaining({mirror: 1})])
    expect(summary.checks[0]).toMatchObject({name: 'cross-check', ok: false, detail: expect.stringContaining('served different bytes')})
  })

  it('fails with EINTEGRITY and leaves no output when the checksum cannot be met', async () => {
    const good = await mirror()
    const {result, output} = await run([good], {checksums: [{algorithm: 'sha256', hex: '0'.repeat(64)}]})
    await expect(result).rejects.toBeInstanceOf(IntegrityError)
    await expect(result).rejects.toMatchObject({exitCode: 4})
    expect(existsSync(output)).toBe(false)
    expect(existsSync(`${output}.part`)).toBe(false)
  })
})
