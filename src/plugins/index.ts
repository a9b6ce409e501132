// The one explicit list of built-in plugins: every transport and every discovery source mirrorkit ships.
import {ftpTransport} from './transports/ftp.js'
import type {TransportFactory} from './types.js'

export const builtinTransports: readonly TransportFactory[] = [ftpTransport]
