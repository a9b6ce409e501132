// The short answers a local mirror gives instead of a file: status faults, redirects, 401s, 404s.
import type {IncomingMessage, ServerResponse} from 'node:http'

/** A status with a tiny text body (none for HEAD) and any extra headers. */
export function finish(response: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  const text = `${status}\n`
  response.writeHead(status, {'content-type': 'text/plain', 'content-length': text.length, ...headers})
  response.end(response.req.method === 'HEAD' ? undefined : text)
}

/** Whether the request carries exactly these Basic credentials. */
export function authorised(request: IncomingMessage, auth: {username: string; password: string}): boolean {
  const header = request.headers.authorization ?? ''
  const expected = 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64')
  return header === expected
}
