// A loopback port the kernel just handed out and that is closed again: free now, for a server to take or for a test to find refused.
import {createServer} from 'node:net'

/** Binds port 0 on 127.0.0.1, reads the port and closes it; nothing listens there afterwards. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
