// `mirrorkit fetch` as users run it, about the reference: an honest "unverified" without one, --require-reference, --keyring.
import {existsSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {generateSigner} from '../helpers/pgp-signer.js'
import {errorCode, runCli} from '../helpers/run-cli.js'

const content = makeContent(512 * 1024 + 7, 77)
const expected = sha256Hex(content)
const SUMS = `${expected}  f.bin\n`
const servers: HttpMirror[] = []
let directory: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-fetch-reference-'))
  const signer = await generateSigner('Release Signer')
  await writeFile(join(directory, 'keys.asc'), signer.publicArmoured)
  servers.push(await startHttpMirror({files: {'/plain/f.bin': content, '/signed/f.bin': content, '/signed/SHA256SUMS': SUMS, '/signed/SHA256SUMS.sig': await signer.detached(Buffer.from(SUMS))}}))
  servers.push(await startHttpMirror({files: {'/plain/f.bin': content, '/signed/f.bin': content}}))
})

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  await rm(directory, {recursive: true, force: true})
})

const urls = (path: string) => servers.map((server) => `${server.url}${path}/f.bin`)

describe('mirrorkit fetch and the reference', () => {
  it('without any reference: exit 0, "unverified" in the JSON with the fraction compared, and a one-line notice on stderr', async () => {
    const output = join(directory, 'plain.bin')
    const result = await runCli(['fetch', ...urls('plain'), '-o', output, '--json', '--progress', 'none'])
    expect(result.code).toBe(0)
    const summary = JSON.parse(result.stdout) as {proof: {status: string; fraction: number; comparedBytes: number; mirrors: string[]}}
    expect(summary.proof).toMatchObject({status: 'unverified', mirrors: expect.any(Array)})
    expect(summary.proof.fraction).toBeGreaterThan(0)
    expect(result.stderr.trim().split('\n').filter((line) => line.includes('unverified'))).toHaveLength(1)
    expect(result.stderr).toMatch(/^mirrorkit: notice: the file is unverified: no reference hash was given or found \(\d+ KiB, [\d.]+% of it, compared between mirrors\)/m)
  })

  it('with --require-reference: exit 4 (ENOREFERENCE) and no file under the final name', async () => {
    const output = join(directory, 'required.bin')
    const result = await runCli(['fetch', ...urls('plain'), '-o', output, '--require-reference', '--progress', 'none'])
    expect(result.code).toBe(4)
    expect(errorCode(result)).toBe('ENOREFERENCE')
    expect(existsSync(output)).toBe(false)
  })

  it('with --keyring: a signed SHA256SUMS is used and named; an unsigned one exits 4 (EUNSIGNED)', async () => {
    const output = join(directory, 'signed.bin')
    const signed = await runCli(['fetch', ...urls('signed'), '-o', output, '--keyring', join(directory, 'keys.asc'), '--json', '--progress', 'none'])
    expect(signed.code).toBe(0)
    expect(JSON.parse(signed.stdout).proof).toMatchObject({status: 'verified', reference: {source: 'signed-checksum-file', location: `${servers[0]!.url}signed/SHA256SUMS`}})
    expect(signed.stderr).not.toContain('unverified')
    const refused = await runCli(['fetch', ...urls('plain'), '-o', join(directory, 'refused.bin'), '--keyring', join(directory, 'keys.asc'), '--progress', 'none'])
    expect(refused.code).toBe(4)
    expect(errorCode(refused)).toBe('EUNSIGNED')
    expect(existsSync(join(directory, 'refused.bin'))).toBe(false)
  })

  it('refuses a keyring that is not one with exit 2 (EKEYRING) before downloading', async () => {
    await writeFile(join(directory, 'junk.asc'), 'junk')
    const result = await runCli(['fetch', ...urls('plain'), '-o', join(directory, 'junk.bin'), '--keyring', join(directory, 'junk.asc')])
    expect(result.code).toBe(2)
    expect(errorCode(result)).toBe('EKEYRING')
  })
})
