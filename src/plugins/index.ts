// The one explicit list of built-in plugins: every transport and every discovery source mirrorkit ships.
import {fileTransport} from './transports/file.js'
import {ftpTransport} from './transports/ftp.js'
import {httpTransport} from './transports/http.js'
import {sftpTransport} from './transports/sftp.js'
import type {SourceFactory} from '../core/discovery/source-context.js'
import {linkHeadersSource} from './sources/link-headers.js'
import {metalinkSource} from './sources/metalink.js'
import {mirrorListSource} from './sources/mirror-list.js'
import {neighboursSource} from './sources/neighbours.js'
import {searchEnginesSource} from './sources/search-engines.js'
import type {TransportFactory} from './types.js'

export const builtinTransports: readonly TransportFactory[] = [httpTransport, ftpTransport, sftpTransport, fileTransport]

export const builtinSources: readonly SourceFactory[] = [metalinkSource, linkHeadersSource, neighboursSource, mirrorListSource, searchEnginesSource]
