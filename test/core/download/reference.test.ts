// The download checked against a reference it finds itself (SHA256SUMS, Repr-Digest, .sha256, a describedby metalink, signed or not), and an honest "unverified" without one.
import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {fetchFile} from '../../../src/core/download/engine.js'
import type {FetchOptions} from '../../../src/core/download/options.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpFaults, type HttpMirror} from '../../helpers/http-mirror.js'
import {generateSigner, type Signer} from '../../helpers/pgp-signer.js'
import {collector, fileSha256, temporaryDirectory, transportFactories} from './helpers.js'

const SIZE = 1024 * 1024 + 313
const PIECE = 64 * 1024
const content = makeContent(SIZE, 41)
const expected = sha256Hex(content)
/** One wrong byte every 96 KiB, so whichever pieces the bad mirror sends, many are wrong. */
const WRONG_BYTES = Array.from({length: Math.floor(SIZE / (96 * 1024))}, (_, index) => ({offset: 1000 + index * 96 * 1024, length: 1}))
const SUMS = `${'0'.repeat(64)}  other.bin\n${expected}  f.bin\n`
const SLOW: HttpFaults = {bandwidth: 768 * 1024}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

let signer: Signer
beforeAll(async () => {
  signer = await generateSigner('Release Signer')
})

/** A mirror of /pub/f.bin; `files` adds neighbours; `faults` apply to the file only, so neighbours come at once. */
async function mirror(faults: HttpFaults = {}, files: Record<string, string | Uint8Array> = {}): Promise<HttpMirror> {
  const started = await startHttpMirror({files: {'/pub/f.bin': content, ...files}, perPath: {'/pub/f.bin': faults}})
  cleanups.push(() => started.close())
  return started
}

/** Primary (slow, good), a fast mirror that serves a wrong byte every 96 KiB, and a second slow good one. */
async function mirrors(primaryFiles: Record<string, string | Uint8Array> = {}, primaryHeaders: Record<string, string> = {}): Promise<HttpMirror[]> {
  return [await mirror({...SLOW, headers: primaryHeaders}, primaryFiles), await mirror({corrupt: WRONG_BYTES}), await mirror(SLOW)]
}

async function run(servers: HttpMirror[], options: Partial<FetchOptions> = {}) {
  const directory = await temporaryDirectory()
  cleanups.push(directory.remove)
  const events = collector()
  const output = join(directory.path, 'f.bin')
  const result = fetchFile(
    {urls: servers.map((server) => `${server.url}pub/f.bin`), output, pieceLength: PIECE, connections: 6, perMirror: 2, sampleMs: 100, transportFactories, ...options},
    {onEvent: events.onEvent},
  )
  result.catch(() => undefined)
  return {result, events, output}
}

/** The correct file, the bad mirror (id 1) quarantined and named, and the reference the summary says it used. */
async function expectRepaired(servers: HttpMirror[], source: string, location: string) {
  const {result, events, output} = await run(servers)
  const summary = await result
  expect(await fileSha256(output)).toBe(expected)
  expect(events.of('mirror-quarantined').map((event) => event.url)).toContain(`${servers[1]!.url}pub/f.bin`)
  expect(summary.mirrors[1]).toMatchObject({state: 'quarantined'})
  expect(summary.mirrors[0]!.state).not.toBe('quarantined')
  expect(summary.proof).toMatchObject({status: 'verified', by: 'checksum', reference: {checksum: {algorithm: source === 'metalink' ? 'sha512' : 'sha256'}, source, location}, culprits: [`${servers[1]!.url}pub/f.bin`]})
  return summary
}

describe('fetch with a reference it finds itself', () => {
  it('repairs the file from SHA256SUMS in the primary directory and names the bad mirror, 10 runs out of 10', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const servers = await mirrors({'/pub/SHA256SUMS': SUMS})
      await expectRepaired(servers, 'checksum-file', `${servers[0]!.url}pub/SHA256SUMS`)
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
    }
  }, 120_000)

  it('finds a mirror wrong in one byte of a file of more pieces than blame samples, by comparing every piece', async () => {
    const servers = [await mirror(SLOW, {'/pub/SHA256SUMS': SUMS}), await mirror({corrupt: [{offset: SIZE - 5000, length: 1}]}), await mirror(SLOW)]
    // 4 KiB pieces make 257, of which blame first samples 16 per mirror: without comparing the rest, most runs fail.
    const {result, output} = await run(servers, {pieceLength: 4 * 1024})
    const summary = await result
    expect(await fileSha256(output)).toBe(expected)
    expect(summary.mirrors[1]).toMatchObject({state: 'quarantined'})
  })

  it('with the reference only in the primary Repr-Digest header', async () => {
    const servers = await mirrors({}, {'repr-digest': `sha-256=:${Buffer.from(expected, 'hex').toString('base64')}:`})
    await expectRepaired(servers, 'headers', `${servers[0]!.url}pub/f.bin`)
  })

  it('with the reference only in a .sha256 neighbour', async () => {
    const servers = await mirrors({'/pub/f.bin.sha256': `${expected}  f.bin\n`})
    await expectRepaired(servers, 'checksum-file', `${servers[0]!.url}pub/f.bin.sha256`)
  })

  it('with the reference only in a metalink named by Link: rel=describedby', async () => {
    const sha512 = createHash('sha512').update(content).digest('hex')
    const metalink = `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="f.bin"><size>${SIZE}</size><hash type="sha-512">${sha512}</hash></file></metalink>`
    const servers = await mirrors({'/meta/f.meta4': metalink}, {link: '</meta/f.meta4>; rel=describedby; type="application/metalink4+xml"'})
    await expectRepaired(servers, 'metalink', `${servers[0]!.url}meta/f.meta4`)
  })
})

describe('a reference only secondary mirrors publish', () => {
  /** A mirror on another loopback address, so it counts as another host; it sends `headers` with the file. */
  async function elsewhere(host: string, headers: Record<string, string>): Promise<HttpMirror> {
    const started = await startHttpMirror({files: {'/pub/f.bin': content}, perPath: {'/pub/f.bin': {...SLOW, headers}}, host})
    cleanups.push(() => started.close())
    return started
  }
  const digest = {'repr-digest': `sha-256=:${Buffer.from(expected, 'hex').toString('base64')}:`}

  it('is used when two other hosts send the same digest, and not when only one does', async () => {
    const agreed = await run([await mirror(SLOW), await elsewhere('127.0.0.2', digest), await elsewhere('127.0.0.3', digest)])
    expect((await agreed.result).proof).toMatchObject({status: 'verified', reference: {source: 'mirrors-agree', location: expect.stringMatching(/^127\.0\.0\.2:\d+, 127\.0\.0\.3:\d+$/)}})
    const alone = await run([await mirror(SLOW), await elsewhere('127.0.0.2', digest), await mirror(SLOW)])
    expect((await alone.result).proof.status).toBe('unverified')
  })
})

describe('fetch with --keyring', () => {
  async function keyring(directory: string): Promise<string> {
    const path = join(directory, 'keys.asc')
    await writeFile(path, signer.publicArmoured)
    return path
  }

  it('accepts SHA256SUMS whose detached signature verifies, and repairs from it', async () => {
    const servers = await mirrors({'/pub/SHA256SUMS': SUMS, '/pub/SHA256SUMS.gpg': await signer.detached(Buffer.from(SUMS))})
    const directory = await temporaryDirectory()
    cleanups.push(directory.remove)
    const {result, output} = await run(servers, {reference: {keyring: await keyring(directory.path)}})
    const summary = await result
    expect(await fileSha256(output)).toBe(expected)
    expect(summary.mirrors[1]).toMatchObject({state: 'quarantined'})
    expect(summary.proof).toMatchObject({status: 'verified', reference: {source: 'signed-checksum-file', location: `${servers[0]!.url}pub/SHA256SUMS`}})
  })

  it('refuses a tampered SHA256SUMS (ESIGNATURE) and one without signature (EUNSIGNED), leaving no file', async () => {
    const directory = await temporaryDirectory()
    cleanups.push(directory.remove)
    const path = await keyring(directory.path)
    const tampered = SUMS.replace(expected, 'f'.repeat(64))
    const forged = [await mirror(SLOW, {'/pub/SHA256SUMS': tampered, '/pub/SHA256SUMS.asc': await signer.detached(Buffer.from(SUMS), true)}), await mirror(SLOW)]
    const bad = await run(forged, {reference: {keyring: path}})
    await expect(bad.result).rejects.toMatchObject({code: 'ESIGNATURE', exitCode: 4})
    expect(existsSync(bad.output)).toBe(false)
    const unsigned = [await mirror(SLOW, {'/pub/SHA256SUMS': SUMS}), await mirror(SLOW)]
    const missing = await run(unsigned, {reference: {keyring: path}})
    await expect(missing.result).rejects.toMatchObject({code: 'EUNSIGNED', exitCode: 4})
    expect(existsSync(missing.output)).toBe(false)
  })
})

describe('the cost of the look-up', () => {
  it('is seven small requests to the primary, made while the download runs, and none with --checksum', async () => {
    const primary = await mirror()
    const before = primary.stats.requests
    const looked = await run([primary], {connections: 1, crossCheck: 0})
    const events = looked.events
    await looked.result
    expect(primary.stats.requests - before).toBe(8)
    const types = events.events.map((event) => event.type)
    expect(types.indexOf('start')).toBeLessThan(types.indexOf('reference'))
    expect(events.of('reference')).toEqual([{type: 'reference', requests: 7, durationMs: expect.any(Number)}])
    const given = primary.stats.requests
    await (await run([primary], {connections: 1, crossCheck: 0, checksums: [{algorithm: 'sha256', hex: expected}]})).result
    expect(primary.stats.requests - given).toBe(1)
  })
})

describe('fetch without any reference', () => {
  it('ends with the file and says it is unverified, with what was compared', async () => {
    const servers = [await mirror(SLOW), await mirror(SLOW)]
    const {result, output} = await run(servers)
    const summary = await result
    expect(await fileSha256(output)).toBe(expected)
    expect(summary.proof).toMatchObject({status: 'unverified', mirrors: expect.arrayContaining([`${servers[0]!.url}pub/f.bin`])})
    if (summary.proof.status !== 'unverified') throw new Error('expected unverified')
    expect(summary.proof.comparedBytes).toBeGreaterThan(0)
    expect(summary.proof.fraction).toBeCloseTo(summary.proof.comparedBytes / SIZE)
    expect(summary.proof.fraction).toBeLessThan(0.5)
  })

  it('with --require-reference fails with the integrity code and leaves no file under the final name', async () => {
    const servers = [await mirror(SLOW), await mirror(SLOW)]
    const {result, output} = await run(servers, {reference: {require: true}})
    await expect(result).rejects.toMatchObject({code: 'ENOREFERENCE', exitCode: 4})
    expect(existsSync(output)).toBe(false)
  })

  it('with --no-reference-lookup stays unverified although SHA256SUMS is published', async () => {
    const servers = [await mirror(SLOW, {'/pub/SHA256SUMS': SUMS}), await mirror(SLOW)]
    const {result} = await run(servers, {reference: {lookup: false}})
    expect((await result).proof.status).toBe('unverified')
  })
})
