import {createHash} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {lookUpReference, type LookupRequest} from '../../../src/core/references/lookup.js'
import {readKeyring, type Keyring} from '../../../src/core/references/signature.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {generateSigner, type Signer} from '../../helpers/pgp-signer.js'

const data = makeContent(3000, 5)
const SHA256 = sha256Hex(data)
const SHA512 = createHash('sha512').update(data).digest('hex')
const WRONG = 'e'.repeat(64)
const SUMS = `${WRONG}  other.iso\n${SHA256}  f.iso\n`

const transports = new TransportSet({}, [httpTransport])
const servers: HttpMirror[] = []
let directory: string
let signer: Signer
let keyring: Keyring
let strangerKeyring: Keyring

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-lookup-'))
  signer = await generateSigner('Release Signer')
  await writeFile(join(directory, 'keys.asc'), signer.publicArmoured)
  keyring = await readKeyring(join(directory, 'keys.asc'))
  await writeFile(join(directory, 'stranger.asc'), (await generateSigner('Stranger')).publicArmoured)
  strangerKeyring = await readKeyring(join(directory, 'stranger.asc'))
})

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

afterAll(async () => {
  await transports.close()
  await rm(directory, {recursive: true, force: true})
})

async function serve(files: Record<string, string | Uint8Array>, headers: Record<string, string> = {}): Promise<HttpMirror> {
  const server = await startHttpMirror({files: {'/pub/f.iso': data, ...files}, perPath: {'/pub/f.iso': {headers}}})
  servers.push(server)
  return server
}

async function lookUp(primary: HttpMirror, options: Partial<LookupRequest> & {secondaryServers?: HttpMirror[]} = {}) {
  const site = async (server: HttpMirror) => {
    const url = `${server.url}pub/f.iso`
    return {url, info: await transports.for(new URL(url)).stat(new URL(url), {signal: AbortSignal.timeout(5000)})}
  }
  const secondaries = await Promise.all((options.secondaryServers ?? []).map(site))
  return lookUpReference({primary: await site(primary), secondaries, transports, ...options}, AbortSignal.timeout(20_000))
}

describe('lookUpReference', () => {
  it('finds the reference in the primary Repr-Digest header alone', async () => {
    const primary = await serve({}, {'repr-digest': `sha-256=:${Buffer.from(SHA256, 'hex').toString('base64')}:`})
    const outcome = await lookUp(primary)
    expect(outcome.reference).toEqual({checksum: {algorithm: 'sha256', hex: SHA256}, source: 'headers', location: `${primary.url}pub/f.iso`})
    expect(outcome.refused).toBeUndefined()
  })

  it('finds it in a bare .sha256 neighbour alone', async () => {
    const primary = await serve({'/pub/f.iso.sha256': `${SHA256}\n`})
    expect((await lookUp(primary)).reference).toEqual({checksum: {algorithm: 'sha256', hex: SHA256}, source: 'checksum-file', location: `${primary.url}pub/f.iso.sha256`})
  })

  it('finds it in a metalink named by Link rel=describedby alone', async () => {
    const metalink = `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="f.iso"><size>3000</size><hash type="sha-512">${SHA512}</hash></file></metalink>`
    const primary = await serve({'/meta/described.meta4': metalink}, {link: '</meta/described.meta4>; rel=describedby; type="application/metalink4+xml"'})
    expect((await lookUp(primary)).reference).toEqual({checksum: {algorithm: 'sha512', hex: SHA512}, source: 'metalink', location: `${primary.url}meta/described.meta4`})
  })

  it('finds it in SHA256SUMS of the directory, and prefers the headers when both speak', async () => {
    const onlySums = await serve({'/pub/SHA256SUMS': SUMS})
    const found = await lookUp(onlySums)
    expect(found.reference).toMatchObject({checksum: {hex: SHA256}, source: 'checksum-file', location: `${onlySums.url}pub/SHA256SUMS`})
    // Seven small requests: the .meta4, three neighbours, three SUMS files; none for signatures without a keyring.
    expect(found.requests).toBe(7)
    const both = await serve({'/pub/SHA256SUMS': `${WRONG}  f.iso\n`}, {digest: `sha-256=${Buffer.from(SHA256, 'hex').toString('base64')}`})
    expect((await lookUp(both)).reference).toMatchObject({checksum: {hex: SHA256}, source: 'headers'})
  })

  it('takes a secondary value only when two other hosts publish it alike', async () => {
    const primary = await serve({})
    const one = await serve({'/pub/SHA256SUMS': SUMS})
    expect((await lookUp(primary, {secondaryServers: [one]})).reference).toBeUndefined()
    // Two servers on one host are one publisher, not two: only a different host (here 127.0.0.2) agrees.
    const other = await startHttpMirror({files: {'/pub/f.iso': data, '/pub/f.iso.sha256': SHA256}, host: '127.0.0.2'})
    servers.push(other)
    const agreed = await lookUp(primary, {secondaryServers: [one, other]})
    expect(agreed.reference).toMatchObject({checksum: {hex: SHA256}, source: 'mirrors-agree'})
  })

  it('with a keyring, accepts a SHA256SUMS whose detached signature verifies, and a clearsigned CHECKSUMS', async () => {
    const detached = await serve({'/pub/SHA256SUMS': SUMS, '/pub/SHA256SUMS.gpg': await signer.detached(Buffer.from(SUMS))})
    const outcome = await lookUp(detached, {keyring})
    expect(outcome.reference).toEqual({checksum: {algorithm: 'sha256', hex: SHA256}, source: 'signed-checksum-file', location: `${detached.url}pub/SHA256SUMS`})
    expect(outcome.refused).toBeUndefined()
    const clear = await serve({'/pub/CHECKSUMS': await signer.clearsigned(`SHA256 (f.iso) = ${SHA256}\n`)})
    expect((await lookUp(clear, {keyring})).reference).toMatchObject({checksum: {hex: SHA256}, source: 'signed-checksum-file'})
  })

  it('with a keyring, refuses a tampered file, a stranger\'s signature and a missing signature, whatever else the primary says', async () => {
    const tamperedSums = SUMS.replace(SHA256, WRONG)
    const tampered = await serve({'/pub/SHA256SUMS': tamperedSums, '/pub/SHA256SUMS.asc': await signer.detached(Buffer.from(SUMS), true)})
    const bad = await lookUp(tampered, {keyring})
    expect(bad.reference).toBeUndefined()
    expect(bad.refused).toMatchObject({code: 'ESIGNATURE', exitCode: 4})
    expect(bad.refused?.message).toContain('SHA256SUMS.asc')
    const stranger = await lookUp(await serve({'/pub/SHA256SUMS': SUMS, '/pub/SHA256SUMS.sign': await signer.detached(Buffer.from(SUMS))}), {keyring: strangerKeyring})
    expect(stranger.refused).toMatchObject({code: 'ESIGNATURE'})
    const unsigned = await serve({'/pub/SHA256SUMS': SUMS}, {'repr-digest': `sha-256=:${Buffer.from(SHA256, 'hex').toString('base64')}:`})
    const missing = await lookUp(unsigned, {keyring})
    expect(missing.reference).toBeUndefined()
    expect(missing.refused).toMatchObject({code: 'EUNSIGNED', exitCode: 4})
    expect((await lookUp(await serve({}), {keyring})).refused).toMatchObject({code: 'EUNSIGNED'})
  })

  it('gives up on a silent server within the request timeout', async () => {
    const primary = await startHttpMirror({files: {'/pub/f.iso': data, '/pub/SHA256SUMS': SUMS}, perPath: {'/pub/SHA256SUMS': {firstByteDelayMs: 30_000}}})
    servers.push(primary)
    const started = performance.now()
    const outcome = await lookUp(primary, {requestTimeoutMs: 300})
    expect(outcome.reference).toBeUndefined()
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it('stops when its signal aborts', async () => {
    const primary = await startHttpMirror({files: {'/pub/f.iso': data}, perPath: {'/pub/SHA256SUMS': {firstByteDelayMs: 30_000}}})
    servers.push(primary)
    const url = `${primary.url}pub/f.iso`
    const controller = new AbortController()
    const running = lookUpReference({primary: {url}, transports}, controller.signal)
    setTimeout(() => controller.abort(new Error('stop')), 100)
    await expect(running).rejects.toThrow('stop')
  })
})
