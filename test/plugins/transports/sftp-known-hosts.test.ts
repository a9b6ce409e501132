// known_hosts matching: plain, hashed, [host]:port, wildcards, negation, changed and revoked keys.
import {createHmac, randomBytes} from 'node:crypto'
import {describe, expect, it} from 'vitest'
import {checkHostKey, fingerprint, hostFieldMatches, keyType, knownHostName} from '../../../src/plugins/transports/sftp-known-hosts.js'
import {generateSshKeyPair} from '../../../src/mirrors/ssh-keys.js'

function keyLine(): {line: string; blob: Buffer} {
  const publicKey = generateSshKeyPair().public
  const [type, base64] = publicKey.split(' ')
  return {line: `${type} ${base64}`, blob: Buffer.from(base64 as string, 'base64')}
}

function hashed(name: string): string {
  const salt = randomBytes(20)
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
}

describe('known_hosts checks', () => {
  const ours = keyLine()
  const other = keyLine()

  it('names hosts as OpenSSH does', () => {
    expect(knownHostName('example.org', 22)).toBe('example.org')
    expect(knownHostName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222')
    expect(keyType(ours.blob)).toBe('ssh-ed25519')
    expect(fingerprint(ours.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
  })

  it('matches plain lists, wildcards, negations and hashed entries', () => {
    expect(hostFieldMatches('a.org,b.org', 'b.org')).toBe(true)
    expect(hostFieldMatches('*.mirror.org', 'ftp.mirror.org')).toBe(true)
    expect(hostFieldMatches('*.mirror.org,!bad.mirror.org', 'bad.mirror.org')).toBe(false)
    expect(hostFieldMatches('[127.0.0.1]:2222', '[127.0.0.1]:2222')).toBe(true)
    expect(hostFieldMatches('[127.0.0.1]:2222', '127.0.0.1')).toBe(false)
    expect(hostFieldMatches(hashed('[10.0.0.1]:2200'), '[10.0.0.1]:2200')).toBe(true)
    expect(hostFieldMatches(hashed('[10.0.0.1]:2200'), '10.0.0.1')).toBe(false)
  })

  it('tells known, unknown, changed and revoked keys apart', () => {
    const text = `# comment\n\n${hashed('[h]:2222')} ${ours.line}\nother.org ${other.line}\n`
    expect(checkHostKey(text, 'h', 2222, ours.blob)).toBe('known')
    expect(checkHostKey(text, 'h', 22, ours.blob)).toBe('unknown')
    expect(checkHostKey(text, 'other.org', 22, ours.blob)).toBe('changed')
    expect(checkHostKey(`@revoked * ${ours.line}\nh ${ours.line}\n`, 'h', 22, ours.blob)).toBe('revoked')
    expect(checkHostKey(`@cert-authority * ${ours.line}\n`, 'h', 22, ours.blob)).toBe('unknown')
    expect(checkHostKey('', 'h', 22, ours.blob)).toBe('unknown')
  })
})
