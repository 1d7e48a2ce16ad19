/**
 * The demo's credential steps: issuance (issue-credential 3.0), presentation and the access
 * decision (present-proof 3.0), the protected resource over mutual TLS, and the refusal of a
 * credential from an untrusted issuer. Each checks what really happened on both sides: thread
 * states, the stored credential, the recorded checks, the grant, the HTTP status and body.
 */
import { isDeepStrictEqual } from 'node:util'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { parse as parseYaml } from 'yaml'

import { waitFor } from './admin.js'
import type { AgentName, DemoNetwork } from './network.js'
import { parleyJson, runParley } from './processes.js'
import { expectThat, StepFailedError } from './report.js'
import { httpsGet } from './tls.js'

/** The credential type the examples issue and the verifier's definition asks for. */
export const KYC_TYPE = 'KycCredential'

/** The protected resource of the verifier example. */
export const RESOURCE = 'members-area'

/** What the rogue issuer puts in Mallory's credential: well-formed, and of age. */
const MALLORY_CLAIMS = {
  name: 'Mallory Example',
  birthDate: '1980-01-01',
  nationality: 'NL',
  kycLevel: 3,
}

interface Thread {
  thid: string
  state: string
  peerDid: string
  problem?: { code: string; comment?: string }
  data: Record<string, unknown>
}

interface StoredCredential {
  issuer: string
  subject: string
  type: string[]
  claims: Record<string, unknown>
}

interface CheckOutcome {
  passed: boolean
  code?: string
  reason?: string
}

interface ProofData {
  checks?: CheckOutcome[]
  decision?: { result: 'permit' | 'deny'; reason?: string; expiresAt?: string }
  rejected?: { code: string; reason: string }
}

interface AccessCheck {
  allowed: boolean
  grant?: { id: string; expiresAt: string }
}

const THREAD_TIMEOUT_SECONDS = '30'

/**
 * `parley credential offer` on the issuer; the holder accepts by itself (holder.autoAccept-
 * OffersFrom). Both threads must end `done`, and the holder's store must hold the credential,
 * from that issuer, about the holder, with exactly the offered claims.
 */
export async function issueKycCredential(
  network: DemoNetwork,
  issuer: AgentName,
  holder: AgentName,
): Promise<string> {
  const claimsFile = claimsFileFor(network, issuer, holder)
  const claims = JSON.parse(readFileSync(claimsFile, 'utf8')) as Record<string, unknown>

  const thread = await parleyJson<Thread>(network.agents[issuer].config, [
    'credential',
    'offer',
    '--to',
    network.dids[holder],
    '--type',
    KYC_TYPE,
    '--claims',
    claimsFile,
    '--timeout',
    THREAD_TIMEOUT_SECONDS,
  ])
  expectThat(
    thread.state === 'done',
    `the ${issuer}'s issue-credential thread ended in ` +
      `state ${thread.state}${problemOf(thread)}, not done`,
  )

  const holderThread = await finalThread(network, holder, thread.thid)
  expectThat(
    holderThread.state === 'done',
    `${holder}'s issue-credential thread ended in state ` +
      `${holderThread.state}${problemOf(holderThread)}`,
  )

  const stored = await network.admin[holder].get<StoredCredential[]>(
    `/credentials?type=${KYC_TYPE}&issuer=${encodeURIComponent(network.dids[issuer])}`,
  )
  const credential = stored.find((candidate) => isDeepStrictEqual(candidate.claims, claims))
  expectThat(
    credential !== undefined,
    `${holder}'s store holds no ${KYC_TYPE} from ${issuer} with the offered claims`,
  )
  expectThat(
    credential.subject === network.dids[holder],
    `the credential is about ${credential.subject}, not ${holder}`,
  )

  return (
    `thread ${thread.thid} done on both sides; ${holder} stores ` +
    `a ${KYC_TYPE} from ${issuer}: ${JSON.stringify(claims)}`
  )
}

/**
 * `parley proof request` on the verifier with the example's presentation definition; the holder
 * presents by itself (holder.autoPresentTo). Returns both ends of the thread once final.
 */
export async function requestProof(
  network: DemoNetwork,
  holder: AgentName,
): Promise<{ verifier: Thread; holder: Thread }> {
  const verifier = await parleyJson<Thread>(network.agents.verifier.config, [
    'proof',
    'request',
    '--to',
    network.dids[holder],
    '--definition',
    join(network.agents.verifier.dir, 'kyc-age-definition.json'),
    '--timeout',
    THREAD_TIMEOUT_SECONDS,
  ])
  return { verifier, holder: await finalThread(network, holder, verifier.thid) }
}

/**
 * Alice's presentation: every check passed, the policy permitted, and both threads are done.
 */
export async function presentAndDecide(network: DemoNetwork): Promise<string> {
  const threads = await requestProof(network, 'alice')
  const data = threads.verifier.data as ProofData
  const failed = (data.checks ?? []).filter((check) => !check.passed)

  expectThat(
    threads.verifier.state === 'done',
    `the verifier's thread ended in state ` +
      `${threads.verifier.state}${problemOf(threads.verifier)}, not done`,
  )
  expectThat((data.checks ?? []).length > 0, 'the verifier recorded no checks')
  expectThat(failed.length === 0, `checks failed: ${failed.map((c) => c.code).join(', ')}`)
  expectThat(
    data.decision?.result === 'permit',
    `the access decision was ${data.decision?.result ?? 'not taken'}${
      data.decision?.reason ? `: ${data.decision.reason}` : ''
    }`,
  )
  expectThat(
    threads.holder.state === 'done',
    `Alice's thread ended in state ${threads.holder.state}${problemOf(threads.holder)}`,
  )

  return (
    `thread ${threads.verifier.thid}: ${data.checks?.length} checks ` +
    `passed; decision permit until ${data.decision.expiresAt}`
  )
}

/** `parley access check` on the verifier; exit status 0 and `allowed: true` only with a grant. */
export async function checkAccess(network: DemoNetwork, holder: AgentName): Promise<AccessCheck> {
  const args = ['access', 'check', '--did', network.dids[holder], '--resource', RESOURCE]
  const result = await runParley(network.agents.verifier.config, args)
  if (result.code !== 0 && result.code !== 2) {
    throw new StepFailedError(`parley access check exited with ${result.code}: ${result.stderr}`)
  }

  const answer = JSON.parse(result.stdout) as AccessCheck
  expectThat(
    answer.allowed === (result.code === 0),
    `parley access check exited ${result.code} but answered allowed: ${answer.allowed}`,
  )
  return answer
}

/** Alice holds a current grant for the resource. */
export async function confirmGrant(network: DemoNetwork): Promise<string> {
  const answer = await checkAccess(network, 'alice')
  expectThat(answer.allowed, `the verifier holds no grant of Alice for ${RESOURCE}`)
  expectThat(answer.grant !== undefined, 'the access check named no grant')
  return `allowed; grant ${answer.grant.id} until ${answer.grant.expiresAt}`
}

/**
 * Alice fetches `GET /resources/members-area` from the verifier with her client certificate
 * (which names her DID): 200 and exactly the content the verifier's agent.yml configures.
 */
export async function fetchProtectedResource(network: DemoNetwork): Promise<string> {
  const outcome = await httpsGet(resourceUrl(network), clientFiles(network, 'alice'))
  expectThat(
    outcome.kind === 'response',
    `the request failed: ${outcome.kind === 'error' ? outcome.code : ''}`,
  )
  expectThat(outcome.status === 200, `the verifier answered ${outcome.status}: ${outcome.body}`)

  const body = JSON.parse(outcome.body) as { resource?: string; content?: unknown }
  const expected = configuredContent(network)
  expectThat(body.resource === RESOURCE, `the answer is for ${String(body.resource)}`)
  expectThat(
    isDeepStrictEqual(body.content, expected),
    `the content ${JSON.stringify(body.content)} is not the configured ${JSON.stringify(expected)}`,
  )

  return `HTTP 200 ${JSON.stringify(body.content)}`
}

/**
 * Mallory presents a KYC credential from the rogue issuer. The verifier must refuse it for the
 * issuer (`ERR_CREDENTIAL_ISSUER_UNTRUSTED` among the recorded checks, the thread abandoned with
 * a problem report Mallory receives), grant nothing, and answer her certificate 403.
 */
export async function refuseUntrustedIssuer(network: DemoNetwork): Promise<string> {
  const threads = await requestProof(network, 'mallory')
  const data = threads.verifier.data as ProofData
  const failedCodes = (data.checks ?? []).filter((c) => !c.passed).map((c) => c.code)

  expectThat(
    threads.verifier.state === 'abandoned',
    `the verifier's thread ended in state ${threads.verifier.state}, not abandoned`,
  )
  expectThat(
    failedCodes.includes('ERR_CREDENTIAL_ISSUER_UNTRUSTED'),
    `the failed checks are [${failedCodes.join(', ')}], not the untrusted issuer`,
  )
  expectThat(
    threads.holder.state === 'abandoned' && threads.holder.problem !== undefined,
    `Mallory's thread is ${threads.holder.state}${problemOf(threads.holder)}, ` +
      `with no problem report`,
  )

  const access = await checkAccess(network, 'mallory')
  expectThat(!access.allowed, 'the verifier granted Mallory access')

  const outcome = await httpsGet(resourceUrl(network), clientFiles(network, 'mallory'))
  expectThat(outcome.kind === 'response', 'the TLS handshake refused Mallory (it should not)')
  const code = (JSON.parse(outcome.body) as { code?: string }).code
  expectThat(
    outcome.status === 403 && code === 'ERR_RESOURCE_NO_GRANT',
    `the resource answered Mallory ${outcome.status} ` +
      `${code ?? outcome.body}, not 403 ERR_RESOURCE_NO_GRANT`,
  )

  return (
    `checks failed: ${failedCodes.join(', ')}; Mallory got problem ` +
    `${threads.holder.problem.code}; no grant; resource answered 403 ${code}`
  )
}

/** The holder's end of a thread, once it is final. */
async function finalThread(network: DemoNetwork, agent: AgentName, thid: string): Promise<Thread> {
  let last = 'no thread yet'
  return waitFor(
    `${agent}'s end of thread ${thid} to finish`,
    async () => {
      const view = await network.admin[agent]
        .get<{ record: Thread }>(`/threads/${encodeURIComponent(thid)}`)
        .catch(() => undefined)
      if (view === undefined) return undefined
      last = `state ${view.record.state}`
      return ['done', 'abandoned'].includes(view.record.state) ? view.record : undefined
    },
    { lastSeen: () => last },
  )
}

/** The example's claims for Alice; Mallory's from the rogue issuer, written beside its config. */
function claimsFileFor(network: DemoNetwork, issuer: AgentName, holder: AgentName): string {
  if (holder !== 'mallory') return join(network.agents[issuer].dir, 'kyc-claims.json')

  const file = join(network.agents[issuer].dir, 'mallory-claims.json')
  writeFileSync(file, `${JSON.stringify(MALLORY_CLAIMS, null, 2)}\n`)
  return file
}

function configuredContent(network: DemoNetwork): unknown {
  const config = parseYaml(readFileSync(network.agents.verifier.config, 'utf8')) as {
    verifier: { policies: { resource: string; content?: unknown }[] }
  }
  return config.verifier.policies.find((policy) => policy.resource === RESOURCE)?.content
}

function resourceUrl(network: DemoNetwork): string {
  return `https://localhost:${network.agents.verifier.port}/resources/${RESOURCE}`
}

function clientFiles(network: DemoNetwork, name: AgentName) {
  return {
    ca: network.certFile('ca.crt'),
    cert: network.certFile(`${name}.crt`),
    key: network.certFile(`${name}.key`),
  }
}

function problemOf(thread: Thread): string {
  return thread.problem === undefined ? '' : ` (problem ${thread.problem.code})`
}
