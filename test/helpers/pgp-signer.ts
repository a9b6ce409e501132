// A release signer for tests: an OpenPGP key pair generated in the test, signing detached or clearsigned.
import * as openpgp from 'openpgp'

export type Signer = {
  publicArmoured: string
  publicBinary: Uint8Array
  /** The signature's bytes: binary, or the armoured text's bytes. */
  detached(data: Uint8Array, armoured?: boolean): Promise<Uint8Array>
  clearsigned(text: string): Promise<string>
}

export async function generateSigner(name: string): Promise<Signer> {
  const {privateKey, publicKey} = await openpgp.generateKey({type: 'ecc', curve: 'curve25519Legacy', userIDs: [{name, email: 'release@example.org'}], format: 'object'})
  return {
    publicArmoured: publicKey.armor(),
    publicBinary: publicKey.write(),
    detached: async (data, armoured = false) => {
      const message = await openpgp.createMessage({binary: data})
      return armoured
        ? Buffer.from(await openpgp.sign({message, signingKeys: privateKey, detached: true, format: 'armored'}))
        : openpgp.sign({message, signingKeys: privateKey, detached: true, format: 'binary'})
    },
    clearsigned: async (text) => openpgp.sign({message: await openpgp.createCleartextMessage({text}), signingKeys: privateKey}),
  }
}
