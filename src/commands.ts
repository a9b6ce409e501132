// The explicit command map oclif loads (strategy "explicit"): nothing is globbed, and tests can import it.
export const commands = {}
