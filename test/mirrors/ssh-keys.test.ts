// Generated SSH keys always load: ssh2 itself sometimes writes an unreadable one, which the generator must skip.
import ssh2 from 'ssh2'
import {describe, expect, it} from 'vitest'
import {generateSshKeyPair} from '../../src/mirrors/ssh-keys.js'

describe('generateSshKeyPair', () => {
  it('returns only pairs whose public and private halves parse', () => {
    // ssh2 writes a bad key about once in 256; 600 draws make it very likely one was skipped.
    for (let index = 0; index < 600; index++) {
      const pair = generateSshKeyPair()
      expect(ssh2.utils.parseKey(pair.public)).not.toBeInstanceOf(Error)
      expect(ssh2.utils.parseKey(pair.private)).not.toBeInstanceOf(Error)
    }
  })
})
