// verify on local mirrors with mirrormanager alternates: a mirror still serving the previous repomd.xml is stale, not a mismatch.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createHash} from 'node:crypto'
import type {MirrorSet} from '../../../src/core/model.js'
import {TransportSet} from '../../../src/core/transports.js'
import {verifyMirrors} from '../../../src/core/verification/verify.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

const current = makeContent(4761, 1)
const previous = makeContent(2621, 2)
const same = makeContent(4761, 3)
const mirrors: HttpMirror[] = []
const transports = new TransportSet({}, [httpTransport])
const urls: string[] = []

beforeAll(async () => {
  for (const body of [current, previous, same]) {
    const mirror = await startHttpMirror({files: {'/repodata/repomd.xml': body}})
    mirrors.push(mirror)
    urls.push(`${mirror.url}repodata/repomd.xml`)
  }
})

afterAll(async () => {
  await transports.close()
  await Promise.all(mirrors.map((mirror) => mirror.close()))
})

function setWith(alternates: MirrorSet['target']['alternates']): MirrorSet {
  return {
    version: 1,
    target: {name: 'repomd.xml', size: current.length, checksums: [{algorithm: 'sha256', hex: sha256Hex(current)}], ...(alternates ? {alternates} : {})},
    candidates: urls.map((url) => ({url, foundBy: ['metalink']})),
  }
}

describe('stale mirrors', () => {
  it('calls the mirror with the alternate version stale (proved by its bytes) and other bytes a mismatch', async () => {
    const alternates = [{size: previous.length, checksums: [{algorithm: 'sha512' as const, hex: createHash('sha512').update(previous).digest('hex')}]}]
    const verified = await verifyMirrors(setWith(alternates), {samples: 0, full: true, transports}, {signal: AbortSignal.timeout(30_000)})
    expect(verified.candidates.map((candidate) => candidate.verify?.status)).toEqual(['ok', 'stale', 'mismatch'])
    const stale = verified.candidates[1]!.verify!
    expect(stale.summary).toMatch(/^stale: serves the older version listed as alternate 1 \(2\.56 KiB\), by its bytes; size differs: expected 4761, found 2621/)
    expect(stale.checks.at(-1)).toMatchObject({name: 'alternate', ok: true})
  })

  it('without alternates the same mirror is a mismatch', async () => {
    const verified = await verifyMirrors(setWith(undefined), {samples: 0, full: true, transports}, {signal: AbortSignal.timeout(30_000)})
    expect(verified.candidates.map((candidate) => candidate.verify?.status)).toEqual(['ok', 'mismatch', 'mismatch'])
  })

  it('an alternate whose hash does not match keeps the mirror a mismatch', async () => {
    const alternates = [{size: previous.length, checksums: [{algorithm: 'sha256' as const, hex: 'f'.repeat(64)}]}]
    const verified = await verifyMirrors(setWith(alternates), {samples: 0, transports}, {signal: AbortSignal.timeout(30_000)})
    expect(verified.candidates[1]?.verify?.status).toBe('mismatch')
  })
})
