/**
 * A whole holder agent in its own process, for the crash test. Arguments: the agent.yml path,
 * the step, then the step's input.
 *
 * - `request <issuer DID> <detail JSON>`: starts the agent, asks the issuer for that credential,
 *   prints `requested <thid>`, then waits to be killed;
 * - `queue <issuer DID> <detail JSON>`: the same without starting the agent, so the request is
 *   stored and queued but not sent;
 * - `resume <thid>`: starts the agent again from the same data folder, prints `started`, waits
 *   for the thread to end and for its outbox to empty, prints `final <state>`, stops the agent
 *   and exits.
 *
 * With `PARLEY_TEST_LOG` set, the agent logs at that level to `holder.log` in its data folder.
 */
import 'reflect-metadata'

import { createParleyAgent } from '../../../../agent/agent.js'
import { loadConfig } from '../../../../agent/config/load.js'
import { createLogger, silentLogger } from '../../../../agent/logger.js'
import { ISSUE_CREDENTIAL } from '../../../../protocols/issue-credential/3.0/messages.js'

const [configPath, step, input, detail] = process.argv.slice(2) as [string, string, string, string]
const loaded = loadConfig(configPath)
const level = process.env['PARLEY_TEST_LOG']
const logger = level
  ? createLogger({ level, name: 'holder', file: loaded.fromData('holder.log') })
  : silentLogger()
const agent = await createParleyAgent(loaded, { logger })
if (step !== 'queue') await agent.start()

if (step === 'request' || step === 'queue') {
  const record = await agent.engine.startThread({
    protocol: ISSUE_CREDENTIAL,
    peerDid: input,
    event: { type: 'send-request-credential', params: { detail: JSON.parse(detail) } },
  })
  process.stdout.write(`requested ${record.thid}\n`)
  // Wait to be killed.
  setInterval(() => undefined, 60_000)
} else {
  process.stdout.write('started\n')
  const record = await agent.engine.waitForFinal(input)
  // The ack is queued by now; stop once the outbox has delivered it.
  while ((await agent.outbox.list({ status: 'pending' })).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  process.stdout.write(`final ${record.state}\n`)
  await agent.stop()
  process.exit(0)
}
