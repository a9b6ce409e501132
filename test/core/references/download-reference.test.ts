import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {findReference, openKeyring, referenceDefaults, type ReferenceInput} from '../../../src/core/references/download-reference.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

const data = makeContent(2000, 9)
const SHA256 = sha256Hex(data)
const OTHER = 'd'.repeat(64)
let server: HttpMirror
let directory: string

beforeAll(async () => {
  server = await startHttpMirror({files: {'/pub/f.iso': data, '/pub/SHA256SUMS': `${SHA256}  f.iso\n`}})
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-reference-'))
})

afterAll(async () => {
  await server.close()
  await rm(directory, {recursive: true, force: true})
})

function input(overrides: Partial<ReferenceInput> = {}): ReferenceInput {
  return {given: [], fromMirrorSet: [], primary: {url: `${server.url}pub/f.iso`}, secondaries: [], settings: referenceDefaults, transportFactories: [httpTransport], ...overrides}
}

describe('findReference', () => {
  it('takes the user\'s --checksum without asking anyone', async () => {
    const before = server.stats.requests
    const outcome = await findReference(input({given: [{algorithm: 'sha256', hex: OTHER}]}), AbortSignal.timeout(10_000))
    expect(outcome).toEqual({reference: {checksum: {algorithm: 'sha256', hex: OTHER}, source: 'user', location: '--checksum'}})
    expect(server.stats.requests).toBe(before)
  })

  it('looks the reference up beside the primary and says what it cost', async () => {
    const outcome = await findReference(input(), AbortSignal.timeout(10_000))
    expect(outcome.reference).toMatchObject({checksum: {hex: SHA256}, source: 'checksum-file', location: `${server.url}pub/SHA256SUMS`})
    expect(outcome.lookup?.requests).toBe(7)
  })

  it('asks nobody when the MirrorSet carries a checksum (discover read the same places), unless a keyring wants a signed one', async () => {
    const before = server.stats.requests
    const fromSet = await findReference(input({fromMirrorSet: [{algorithm: 'sha256', hex: OTHER}]}), AbortSignal.timeout(10_000))
    expect(fromSet).toEqual({reference: {checksum: {algorithm: 'sha256', hex: OTHER}, source: 'mirror-set', location: 'the MirrorSet'}})
    expect(server.stats.requests).toBe(before)
  })

  it('with --no-reference-lookup asks nobody and uses only the MirrorSet\'s value', async () => {
    const before = server.stats.requests
    const settings = {...referenceDefaults, lookup: false}
    expect(await findReference(input({settings}), AbortSignal.timeout(10_000))).toEqual({})
    const fromSet = await findReference(input({settings, fromMirrorSet: [{algorithm: 'sha256', hex: OTHER}]}), AbortSignal.timeout(10_000))
    expect(fromSet.reference).toEqual({checksum: {algorithm: 'sha256', hex: OTHER}, source: 'mirror-set', location: 'the MirrorSet'})
    expect(server.stats.requests).toBe(before)
  })

  it('refuses a keyring file that holds no key before anything is downloaded', async () => {
    await writeFile(join(directory, 'bad.gpg'), 'no key here')
    await expect(openKeyring({...referenceDefaults, keyring: join(directory, 'bad.gpg')})).rejects.toMatchObject({code: 'EKEYRING', exitCode: 2})
    expect(await openKeyring(referenceDefaults)).toBeUndefined()
  })
})
