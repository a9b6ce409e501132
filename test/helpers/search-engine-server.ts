// A local stand-in for every built-in search engine: result pages in each engine's markup, served on 127.0.0.1 only.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'

export type Result = {url: string; title?: string}

/** What one engine answers: its results in its own markup, or a status, or a raw body (broken markup, huge pages). */
export type EngineBehaviour = {results?: Result[]; status?: number; body?: string; delayMs?: number}

export type SearchRequest = {engine: string; url: string; at: number; userAgent: string}

export type SearchEngineServer = {
  /** Base URL per built-in engine, for --engine-base name=URL. */
  bases: Record<string, string>
  url: string
  requests: SearchRequest[]
  /** Replaces what `engine` answers (all engines when omitted) from the next request on. */
  set(behaviour: EngineBehaviour, engine?: string): void
  close(): Promise<void>
}

const ENGINES = {searxng: '/searx', duckduckgo: '/ddg', bing: '/bing', filesearching: '/fs'} as const

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function render(engine: string, results: Result[]): {type: string; body: string} {
  switch (engine) {
    case 'searxng':
      return {
        type: 'application/json',
        body: JSON.stringify({query: 'q', number_of_results: results.length, results: results.map((r) => ({url: r.url, title: r.title ?? r.url, engine: 'local'}))}),
      }
    case 'duckduckgo':
      return {
        type: 'text/html',
        body: `<html><body><div class="results">${results
          .map((r) => `<div class="result results_links web-result"><h2 class="result__title"><a rel="nofollow" class="result__a" href="//duckduckgo.com/l/?uddg=${encodeURIComponent(r.url)}&amp;rut=abc">${escape(r.title ?? r.url)}</a></h2><a class="result__url" href="#">x</a></div>`)
          .join('\n')}</div></body></html>`,
      }
    case 'bing':
      return {
        type: 'text/html',
        body: `<html><body><ol id="b_results">${results
          .map((r) => `<li class="b_algo"><h2><a href="https://www.bing.com/ck/a?!&amp;&amp;p=abc&amp;u=a1${Buffer.from(r.url).toString('base64url')}&amp;ntb=1">${escape(r.title ?? r.url)}</a></h2></li>`)
          .join('\n')}</ol></body></html>`,
      }
    default:
      return {
        type: 'text/html',
        body: `<html><body><pre class=list>\n${results
          .map((r) => `<a href="http://host.example/">host</a> <a href="${escape(r.url.replace(/[^/]*$/, ''))}">dir</a> <a href="${escape(r.url)}">${escape(r.title ?? 'file')}</a>`)
          .join('\n')}\n</pre></body></html>`,
      }
  }
}

export async function startSearchEngineServer(initial: EngineBehaviour = {}): Promise<SearchEngineServer> {
  let everyone: EngineBehaviour = initial
  const perEngine = new Map<string, EngineBehaviour>()
  const requests: SearchRequest[] = []
  const sockets = new Set<Socket>()

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/'
    const engine = Object.entries(ENGINES).find(([, prefix]) => path.startsWith(`${prefix}/`))?.[0]
    if (!engine) return void response.writeHead(404).end()
    requests.push({engine, url: path, at: Date.now(), userAgent: String(request.headers['user-agent'] ?? '')})
    const behaviour = perEngine.get(engine) ?? everyone
    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs))
    if (behaviour.status) return void response.writeHead(behaviour.status).end('engine says no')
    const page = behaviour.body === undefined ? render(engine, behaviour.results ?? []) : {type: 'text/html', body: behaviour.body}
    response.writeHead(200, {'content-type': page.type, 'content-length': Buffer.byteLength(page.body)})
    response.end(page.body)
  }

  const server = createServer((request, response) => void handle(request, response))
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    bases: Object.fromEntries(Object.entries(ENGINES).map(([name, prefix]) => [name, url + prefix])),
    requests,
    set(behaviour, engine) {
      if (engine) perEngine.set(engine, behaviour)
      else {
        everyone = behaviour
        perEngine.clear()
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
