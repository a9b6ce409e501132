// Checks OpenPGP signatures of checksum files against the user's keyring, with openpgp (pure JavaScript, loaded only when a keyring is given).
import {readFile} from 'node:fs/promises'
import {UsageError} from '../errors.js'

type OpenPgp = typeof import('openpgp')
type PublicKeys = Awaited<ReturnType<OpenPgp['readKeys']>>

/** The user's trusted public keys. */
export type Keyring = {keys: PublicKeys; openpgp: OpenPgp}

export type SignatureCheck = {ok: true; signer: string} | {ok: false; reason: string}

const CLEARSIGNED = '-----BEGIN PGP SIGNED MESSAGE-----'
const ARMOURED = /^\s*-----BEGIN PGP /

/** Reads an exported key file (`gpg --export KEYID > keys.gpg`, binary or ASCII-armoured); a bad file is a usage error. */
export async function readKeyring(path: string): Promise<Keyring> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (error) {
    throw new UsageError(`cannot read the keyring ${path}: ${(error as NodeJS.ErrnoException).code ?? 'EIO'}`, 'EKEYRING', error)
  }
  const openpgp = await import('openpgp')
  try {
    const text = bytes.toString('latin1')
    const keys = ARMOURED.test(text) ? await openpgp.readKeys({armoredKeys: bytes.toString('utf8')}) : await openpgp.readKeys({binaryKeys: bytes})
    return {keys, openpgp}
  } catch (error) {
    throw new UsageError(`the keyring ${path} holds no OpenPGP public key: ${(error as Error).message}`, 'EKEYRING', error)
  }
}

export function isClearsigned(text: string): boolean {
  return text.trimStart().startsWith(CLEARSIGNED)
}

/** Whether `signature` (binary, or armoured as in .asc files) is a good signature of exactly `data` by a key of the keyring. */
export async function checkDetached(keyring: Keyring, data: Uint8Array, signature: Uint8Array): Promise<SignatureCheck> {
  const {openpgp} = keyring
  try {
    const text = Buffer.from(signature).toString('latin1')
    const parsed = ARMOURED.test(text)
      ? await openpgp.readSignature({armoredSignature: Buffer.from(signature).toString('utf8')})
      : await openpgp.readSignature({binarySignature: signature})
    const message = await openpgp.createMessage({binary: data})
    return await goodSignature(await openpgp.verify({message, signature: parsed, verificationKeys: keyring.keys}))
  } catch (error) {
    return {ok: false, reason: (error as Error).message}
  }
}

/** The signed text of a clearsigned document when its signature is good: what lies outside the signature is never used. */
export async function checkClearsigned(keyring: Keyring, text: string): Promise<SignatureCheck & {text?: string}> {
  const {openpgp} = keyring
  try {
    const message = await openpgp.readCleartextMessage({cleartextMessage: text})
    const verified = await openpgp.verify({message, verificationKeys: keyring.keys})
    const check = await goodSignature(verified)
    return check.ok ? {...check, text: String(verified.data)} : check
  } catch (error) {
    return {ok: false, reason: (error as Error).message}
  }
}

/** Good when at least one signature verifies with a key of the keyring; unknown keys and bad digests say why not. */
async function goodSignature(result: Awaited<ReturnType<OpenPgp['verify']>>): Promise<SignatureCheck> {
  let reason = 'no signature in the file'
  for (const signature of result.signatures) {
    try {
      await signature.verified
      return {ok: true, signer: signature.keyID.toHex()}
    } catch (error) {
      reason = (error as Error).message
    }
  }
  return {ok: false, reason}
}
