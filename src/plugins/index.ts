// The one explicit list of built-in plugins: every transport and every discovery source mirrorkit ships.
import type {TransportFactory} from './types.js'

export const builtinTransports: readonly TransportFactory[] = []
