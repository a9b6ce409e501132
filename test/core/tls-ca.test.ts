import {once} from 'node:events'
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
