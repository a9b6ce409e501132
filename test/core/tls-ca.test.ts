import {execFile} from 'node:child_process'
import {once} from 'node:events'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {connect, createServer, type Server} from 'node:tls'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {trustContext} from '../../src/core/tls-ca.js'
import {makeSelfSignedCertificate, type SelfSigned} from '../helpers/self-signed.js'

/** Whether a client with this context accepts the loopback server's certificate. */
async function accepted(port: number, secureContext: ReturnType<typeof trustContext>): Promise<boolean> {
  const socket = connect({host: '127.0.0.1', port, secureContext, rejectUnauthorized: false})
  try {
    await Promise.race([once(socket, 'secureConnect'), new Promise((_, reject) => setTimeout(() => reject(new Error('no handshake in 5 s')), 5000))])
    return socket.authorized
  } finally {
    socket.destroy()
  }
}

/** The built module, so a child Node started with NODE_EXTRA_CA_CERTS can load it (`npm test` builds first). */
const builtModule = fileURLToPath(new URL('../../dist/core/tls-ca.js', import.meta.url))

describe('trustContext', () => {
  let authority: SelfSigned
  let other: SelfSigned
  let server: Server
  let port: number

  beforeAll(async () => {
    authority = makeSelfSignedCertificate()
    other = makeSelfSignedCertificate()
    server = createServer({cert: authority.cert, key: authority.key}, (socket) => socket.end())
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => server.close())

  it('is undefined without an extra certificate, so Node keeps its own trust store', () => {
    expect(trustContext(undefined)).toBeUndefined()
  })

  it('trusts the named authority, and only it among private ones', async () => {
    expect(await accepted(port, trustContext(authority.cert))).toBe(true)
    expect(await accepted(port, trustContext(other.cert))).toBe(false)
  })

  it('trusts every authority of a file that holds several', async () => {
    expect(await accepted(port, trustContext(`${other.cert}\n${authority.cert}`))).toBe(true)
  })

  it('replaces the default roots, as aria2c --ca-certificate and curl --cacert do', async () => {
    // A process's default roots are set at its start: a child whose roots are OpenSSL's, read from SSL_CERT_FILE, the server's authority.
    const directory = await mkdtemp(join(tmpdir(), 'mirrorkit-ca-'))
    try {
      await writeFile(join(directory, 'roots.pem'), authority.cert)
      await writeFile(join(directory, 'other.pem'), other.cert)
      const script = `
        const {connect} = await import('node:tls')
        const {readFileSync} = await import('node:fs')
        const {trustContext} = await import(process.argv[1])
        const accepted = (secureContext) => new Promise((resolve, reject) => {
          const socket = connect({host: '127.0.0.1', port: Number(process.argv[2]), secureContext, rejectUnauthorized: false})
          socket.once('secureConnect', () => { resolve(socket.authorized); socket.destroy() })
          socket.once('error', reject)
        })
        const named = trustContext(readFileSync(process.argv[3], 'utf8'))
        process.stdout.write(JSON.stringify({defaults: await accepted(undefined), named: await accepted(named)}))`
      const {stdout} = await promisify(execFile)(process.execPath, ['--use-openssl-ca', '--input-type=module', '-e', script, builtModule, String(port), join(directory, 'other.pem')], {
        env: {...process.env, SSL_CERT_FILE: join(directory, 'roots.pem'), SSL_CERT_DIR: directory, NODE_EXTRA_CA_CERTS: ''},
        timeout: 15_000,
      })
      expect(JSON.parse(stdout)).toEqual({defaults: true, named: false})
    } finally {
      await rm(directory, {recursive: true, force: true})
    }
  })

  it('builds one context per certificate text, shared by every connection', () => {
    const context = trustContext(authority.cert)
    expect(trustContext(authority.cert)).toBe(context)
    expect(trustContext(other.cert)).not.toBe(context)
  })

  it('leaves a default context without the private authority', async () => {
    trustContext(authority.cert)
    expect(await accepted(port, undefined)).toBe(false)
  })
})
