// The one explicit list of built-in plugins: every transport and every discovery source mirrorkit ships.
// Each module (and the library behind it: undici, basic-ftp, ssh2, cheerio) is imported only when a URL of its
// scheme, or its source, is first used, so a command pays neither the memory nor the start-up time of the others.
import type {SourceFactory} from '../core/discovery/source-context.js'
import {lazySource, lazyTransport} from './lazy-plugin.js'
import {fileTransport} from './transports/file.js'
import type {TransportFactory} from './types.js'

export const builtinTransports: readonly TransportFactory[] = [
  lazyTransport({name: 'http', protocols: ['http:', 'https:'], pings: true, opens: true}, async () => (await import('./transports/http.js')).httpTransport),
  lazyTransport({name: 'ftp', protocols: ['ftp:', 'ftps:'], pings: true, openEndedReads: true}, async () => (await import('./transports/ftp.js')).ftpTransport),
  lazyTransport({name: 'sftp', protocols: ['sftp:'], pings: true}, async () => (await import('./transports/sftp.js')).sftpTransport),
  fileTransport,
]

/**
 * Discovery runs its sources together, so they load together: each then starts at the same moment
 * as its siblings, and the order in which their finds arrive stays what it was with eager imports.
 */
let sourceModules: Promise<SourceFactory[]> | undefined
const loadSources = () =>
  (sourceModules ??= Promise.all([
    import('./sources/metalink.js').then((module) => module.metalinkSource),
    import('./sources/link-headers.js').then((module) => module.linkHeadersSource),
    import('./sources/neighbours.js').then((module) => module.neighboursSource),
    import('./sources/mirror-list.js').then((module) => module.mirrorListSource),
    import('./sources/search-engines.js').then((module) => module.searchEnginesSource),
  ]))

export const builtinSources: readonly SourceFactory[] = ['metalink', 'headers', 'neighbours', 'list', 'search'].map((name, index) =>
  lazySource(name, async () => (await loadSources())[index]!),
)
