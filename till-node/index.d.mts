import * as till from './index.js'

export * from './index.js'
export default till
