// Generates ed25519 SSH key pairs that ssh2 can read back: its generator sometimes writes a public key one byte short.
import ssh2 from 'ssh2'

export type SshKeyPair = {public: string; private: string}

/**
 * A key pair whose public and private halves both parse. ssh2 drops a leading zero byte of the
 * public key about once in 256 keys, which then fails to load; a new key is drawn instead.
 */
export function generateSshKeyPair(): SshKeyPair {
  for (let attempt = 0; attempt < 16; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519')
    if (!(ssh2.utils.parseKey(pair.public) instanceof Error) && !(ssh2.utils.parseKey(pair.private) instanceof Error)) return pair
  }
  throw new Error('could not generate a readable ed25519 key in 16 attempts')
}
