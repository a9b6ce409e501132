// Types for importing undici's connector by its file: the same function `undici` exports as buildConnector, without loading the rest of the package.
declare module 'undici/lib/core/connect.js' {
  import {buildConnector} from 'undici'
  export default buildConnector
}
