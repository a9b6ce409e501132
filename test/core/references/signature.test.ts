import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {checkClearsigned, checkDetached, readKeyring, type Keyring} from '../../../src/core/references/signature.js'
import {generateSigner, type Signer} from '../../helpers/pgp-signer.js'

let directory: string
let signer: Signer
let stranger: Signer
let keyring: Keyring
const data = Buffer.from(`${'a'.repeat(64)}  f.bin\n`)

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-keyring-'))
  signer = await generateSigner('Release Signer')
  stranger = await generateSigner('Someone Else')
  await writeFile(join(directory, 'keys.asc'), signer.publicArmoured)
  keyring = await readKeyring(join(directory, 'keys.asc'))
})

afterAll(async () => {
  await rm(directory, {recursive: true, force: true})
})

describe('signatures', () => {
  it('reads binary and armoured keyrings, and refuses a file without keys', async () => {
    await writeFile(join(directory, 'keys.gpg'), signer.publicBinary)
    expect((await readKeyring(join(directory, 'keys.gpg'))).keys).toHaveLength(1)
    await writeFile(join(directory, 'empty.gpg'), 'not a key')
    await expect(readKeyring(join(directory, 'empty.gpg'))).rejects.toMatchObject({code: 'EKEYRING', exitCode: 2})
    await expect(readKeyring(join(directory, 'missing.gpg'))).rejects.toMatchObject({code: 'EKEYRING', exitCode: 2})
  })

  it('accepts a good detached signature, binary or armoured, and nothing else', async () => {
    expect(await checkDetached(keyring, data, await signer.detached(data))).toMatchObject({ok: true})
    expect(await checkDetached(keyring, data, Buffer.from(await signer.detached(data, true)))).toMatchObject({ok: true})
    const tampered = Buffer.from(data)
    tampered[0] = 'b'.charCodeAt(0)
    expect(await checkDetached(keyring, tampered, await signer.detached(data))).toMatchObject({ok: false})
    expect(await checkDetached(keyring, data, await stranger.detached(data))).toMatchObject({ok: false})
    expect(await checkDetached(keyring, data, Buffer.from('garbage'))).toMatchObject({ok: false})
  })

  it('returns only the signed text of a clearsigned file', async () => {
    const clear = await signer.clearsigned(data.toString())
    const check = await checkClearsigned(keyring, clear)
    expect(check).toMatchObject({ok: true, text: data.toString()})
    expect(await checkClearsigned(keyring, clear.replace('aaaa', 'bbbb'))).toMatchObject({ok: false})
    expect(await checkClearsigned(keyring, await stranger.clearsigned(data.toString()))).toMatchObject({ok: false})
  })
})

