// Test access to the deterministic content generator that the local mirrors serve.
export {makeContent, sha256Hex} from '../../src/mirrors/content.js'
