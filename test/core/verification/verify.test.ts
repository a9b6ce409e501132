// verifyMirrors against real local HTTP mirrors: identical, short, corrupt (by digest, piece hash, sampling), renamed, down.
import {createHash} from 'node:crypto'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Candidate, MirrorSet, Target} from '../../../src/core/model.js'
import {TransportSet} from '../../../src/core/transports.js'
import {planSamplePieces, planSampleRanges} from '../../../src/core/verification/sample-plan.js'
import {verifyMirrors} from '../../../src/core/verification/verify.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpFaults, type HttpMirror} from '../../helpers/http-mirror.js'
import {freeLoopbackPort} from '../../../src/mirrors/free-port.js'

const SIZE = 1024 * 1024
const SAMPLE = 16 * 1024
const SEED = 1234
const PIECE = 64 * 1024
const content = makeContent(SIZE, 5)
const mirrors: HttpMirror[] = []
const transports = new TransportSet({}, [httpTransport])
const signal = AbortSignal.timeout(60_000)

// Offsets for 16 corrupt bytes: inside the first sampled range, and in a gap no sample covers.
const ranges = planSampleRanges(SIZE, 4, SAMPLE, SEED).ranges
const covered = ranges[0]!.offset + 100
const uncovered = ranges[0]!.offset + SAMPLE + 10
const pieceIndexes = planSamplePieces(SIZE / PIECE, 4, SEED)
const inSampledPiece = pieceIndexes[1]! * PIECE + 500
const pieceHashes = Array.from({length: SIZE / PIECE}, (_, index) => sha256Hex(content.subarray(index * PIECE, (index + 1) * PIECE)))

function corrupted(offset: number): Buffer {
  const copy = Buffer.from(content)
  for (let index = offset; index < offset + 16; index++) copy[index]! ^= 0xff
  return copy
}

async function start(faults: HttpFaults = {}, path = '/f.bin'): Promise<string> {
  const mirror = await startHttpMirror({files: {[path]: content}, faults})
  mirrors.push(mirror)
  return `${mirror.url}${path.slice(1)}`
}


let urls: Record<string, string>
beforeAll(async () => {
  const digestOf = (bytes: Buffer) => `sha-256=${createHash('sha256').update(bytes).digest('base64')}`
  urls = {
    primary: await start(),
    same: await start(),
    short: await start({size: SIZE - 100}),
    coveredCorrupt: await start({corrupt: [{offset: covered, length: 16}]}),
    uncoveredCorrupt: await start({corrupt: [{offset: uncovered, length: 16}]}),
    digestCorrupt: await start({corrupt: [{offset: uncovered, length: 16}], headers: {Digest: digestOf(corrupted(uncovered))}}),
    pieceCorrupt: await start({corrupt: [{offset: inSampledPiece, length: 16}]}),
    renamed: await start({}, '/other.bin'),
    down: `http://127.0.0.1:${await freeLoopbackPort()}/f.bin`,
  }
})
afterAll(async () => {
  await transports.close()
  await Promise.all(mirrors.map((mirror) => mirror.close()))
})

function setOf(target: Partial<Target>, names: string[]): MirrorSet {
  const candidates: Candidate[] = names.map((name) => ({url: urls[name]!, foundBy: ['test']}))
  return {version: 1, target: {name: 'f.bin', checksums: [], ...target}, candidates}
}

const byUrl = (set: MirrorSet, name: string) => set.candidates.find((candidate) => candidate.url === urls[name])!.verify!

describe('verifyMirrors', () => {
  it('passes identical mirrors and flags size, name, down, and corruption the samples cover', async () => {
    const names = ['same', 'short', 'coveredCorrupt', 'uncoveredCorrupt', 'renamed', 'down']
    const result = await verifyMirrors(setOf({primary: urls.primary}, names), {samples: 4, sampleSize: SAMPLE, seed: SEED, transports}, {signal})
    expect(result.target.size).toBe(SIZE)
    expect(byUrl(result, 'primary').status).toBe('ok')
    expect(byUrl(result, 'same')).toMatchObject({status: 'ok', size: SIZE})
    expect(byUrl(result, 'same').modifiedAt).toBeDefined()
    expect(byUrl(result, 'short')).toMatchObject({status: 'mismatch', checks: expect.arrayContaining([expect.objectContaining({name: 'size', ok: false, found: String(SIZE - 100)})])})
    expect(byUrl(result, 'coveredCorrupt').status).toBe('mismatch')
    expect(byUrl(result, 'coveredCorrupt').summary).toContain(`bytes ${ranges[0]!.offset}-`)
    expect(byUrl(result, 'renamed')).toMatchObject({status: 'mismatch', checks: expect.arrayContaining([expect.objectContaining({name: 'name', ok: false, found: 'other.bin'})])})
    expect(byUrl(result, 'down')).toMatchObject({status: 'unreachable', error: {code: 'ECONNREFUSED'}})
    // The corruption lies between the samples: the verdict is ok, and says exactly how little was looked at.
    const missed = byUrl(result, 'uncoveredCorrupt')
    expect(missed.status).toBe('ok')
    expect(missed.summary).toContain(`4 × 16 KiB of 1 MiB sampled (6.3%, seed ${SEED}) match the primary`)
  })

  it('catches what sampling missed with --full, and with an advertised digest', async () => {
    const checksum = {algorithm: 'sha256' as const, hex: sha256Hex(content)}
    const full = await verifyMirrors(setOf({checksums: [checksum]}, ['same', 'uncoveredCorrupt']), {full: true, samples: 0, transports}, {signal})
    expect(byUrl(full, 'same').status).toBe('ok')
    expect(byUrl(full, 'uncoveredCorrupt')).toMatchObject({status: 'mismatch', checks: expect.arrayContaining([expect.objectContaining({name: 'full', ok: false})])})
    // With no checksum, --full compares with the primary's own full hash, computed once.
    const againstPrimary = await verifyMirrors(setOf({primary: urls.primary}, ['same', 'uncoveredCorrupt']), {full: true, samples: 0, transports}, {signal})
    expect(byUrl(againstPrimary, 'same').summary).toContain("matches the primary's sha256")
    expect(byUrl(againstPrimary, 'uncoveredCorrupt')).toMatchObject({status: 'mismatch', checks: expect.arrayContaining([expect.objectContaining({name: 'full', ok: false})])})
    const digest = await verifyMirrors(setOf({checksums: [checksum], size: SIZE}, ['digestCorrupt', 'same']), {samples: 0, transports}, {signal})
    expect(byUrl(digest, 'digestCorrupt')).toMatchObject({status: 'mismatch', checks: expect.arrayContaining([expect.objectContaining({name: 'digest', ok: false})])})
    expect(byUrl(digest, 'same').status).toBe('ok')
  })

  it('samples whole pieces against piece hashes, with no primary at all', async () => {
    const pieces = {length: PIECE, algorithm: 'sha256' as const, hashes: pieceHashes}
    const result = await verifyMirrors(setOf({size: SIZE, pieces}, ['same', 'pieceCorrupt']), {samples: 4, seed: SEED, transports}, {signal})
    expect(byUrl(result, 'same')).toMatchObject({status: 'ok'})
    expect(byUrl(result, 'same').summary).toContain('4 × 64 KiB pieces of 1 MiB sampled (25%')
    expect(byUrl(result, 'pieceCorrupt')).toMatchObject({status: 'mismatch', checks: expect.arrayContaining([expect.objectContaining({name: 'pieces', ok: false})])})
  })

  it('says unverified when nothing can be compared', async () => {
    const result = await verifyMirrors(setOf({}, ['same']), {transports}, {signal})
    expect(byUrl(result, 'same').status).toBe('unverified')
    expect(byUrl(result, 'same').summary).toContain('no samples')
  })

  it('reports a mirror that does not answer in time as unreachable, ETIMEDOUT', async () => {
    const slow = await start({firstByteDelayMs: 5000})
    const result = await verifyMirrors({version: 1, target: {name: 'f.bin', size: SIZE, checksums: []}, candidates: [{url: slow, foundBy: []}]}, {timeoutMs: 300, transports}, {signal})
    expect(result.candidates[0]!.verify).toMatchObject({status: 'unreachable', error: {code: 'ETIMEDOUT'}})
  })

  it('does not wait past a mirror\'s timeout for a primary that stalls', async () => {
    const stalled = await start({stallAfter: 1})
    const started = performance.now()
    const result = await verifyMirrors(setOf({primary: stalled}, ['same']), {timeoutMs: 500, seed: SEED, transports}, {signal})
    expect(performance.now() - started).toBeLessThan(2000)
    expect(byUrl(result, 'same')).toMatchObject({status: 'unreachable', error: {code: 'ETIMEDOUT'}})
  })
})
