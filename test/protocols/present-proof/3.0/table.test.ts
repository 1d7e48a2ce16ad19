import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import type { PlaintextMessage } from '../../../../agent/didcomm/types.js'
import { silentLogger } from '../../../../agent/logger.js'
import { transition } from '../../../../protocols/engine/transition.js'
import {
  START,
  type ProtocolEvent,
  type ProtocolRecord,
} from '../../../../protocols/engine/types.js'
import { createPresentProofHandler } from '../../../../protocols/present-proof/3.0/handler.js'
import { requestMessage } from '../../../../protocols/present-proof/3.0/messages.js'
import {
  presentProofDefinition as definition,
  PresentProofState as S,
  type PresentProofData,
} from '../../../../protocols/present-proof/3.0/protocol.js'

const CLOCK = { now: '2026-06-01T12:00:00.000Z', timeoutAt: '2026-06-02T12:00:00.000Z' }
const ROOT = join(import.meta.dirname, '..', '..', '..', '..')
const VECTORS = join(
  ROOT,
  '..',
  'shared',
  'vectors',
  'waci-didcomm',
  'test-vectors',
  'presentation',
)
const REQUEST = {
  definition: { id: 'd', input_descriptors: [{ id: 'x', constraints: {} }] },
  challenge: 'c',
  domain: 'faber.example',
  willConfirm: true,
}

function record(
  state: string,
  data: PresentProofData = {},
): ProtocolRecord<S | typeof START, PresentProofData> {
  return {
    id: 'record-1',
    thid: 'thread-1',
    protocol: definition.piuri,
    role: state === START ? '' : 'verifier',
    state: state as S,
    ourDid: 'did:example:ours',
    peerDid: 'did:example:peer',
    data,
    createdAt: CLOCK.now,
    updatedAt: CLOCK.now,
    version: 1,
  }
}

function message(name: string): PlaintextMessage {
  if (name === 'request-presentation') {
    return { id: 'm-1', thid: 'thread-1', ...requestMessage(REQUEST) } as PlaintextMessage
  }
  return { id: 'm-1', type: `${definition.piuri}/${name}`, thid: 'thread-1', body: {} }
}

function event(type: string): ProtocolEvent {
  if (type === 'send-request-presentation') return { type, params: { request: REQUEST } }
  if (type === 'send-presentation') {
    return { type, params: { jwt: 'a.b.c', presented: { definitionId: 'd', credentials: [] } } }
  }
  if (type === 'receive-presentation')
    return { type, message: message('presentation'), params: { checks: [] } }
  if (type.startsWith('receive-')) return { type, message: message(type.slice(8)) }
  return { type, params: {} }
}

const LEGAL: [string, string, S][] = Object.entries(definition.table).flatMap(([state, rules]) =>
  Object.entries(rules ?? {}).map(([type, rule]): [string, string, S] => [
    state,
    type,
    rule.target,
  ]),
)
const EVENTS = [...new Set(LEGAL.map(([, type]) => type))].sort()
const ILLEGAL = [START, ...definition.states].flatMap((state) =>
  EVENTS.filter((type) => definition.table[state as S]?.[type] === undefined).map(
    (type): [string, string] => [state, type],
  ),
)

describe('the present-proof 3.0 transition table', () => {
  it('has every rule written out in docs/protocols/present-proof.md', () => {
    const rows = readFileSync(join(ROOT, 'docs', 'protocols', 'present-proof.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .map((line) =>
        line
          .split('|')
          .slice(1, 4)
          .map((cell) => cell.trim())
          .join(' '),
      )

    for (const [state, type, target] of LEGAL) {
      expect(rows).toContain(
        `${state === START ? 'start' : `\`${state}\``} \`${type}\` \`${target}\``,
      )
    }
  })

  it.each(LEGAL)('moves %s on %s to %s', (state, type, target) => {
    const result = transition(definition, record(state, { request: REQUEST }), event(type), CLOCK)

    expect(result.record.state).toBe(target)
  })

  it.each(ILLEGAL)(
    'refuses, in state %s, the event %s, leaving the record unchanged',
    (state, type) => {
      const before = record(state)
      const copy = JSON.parse(JSON.stringify(before))

      expect(() => transition(definition, before, event(type), CLOCK)).toThrow(
        expect.objectContaining({
          code: 'ERR_ENGINE_TRANSITION_ILLEGAL',
          problemCode: 'e.m.msg.unexpected',
        }),
      )
      expect(before).toEqual(copy)
    },
  )

  it('acks only when the request promised to confirm', () => {
    const confirming = transition(
      definition,
      record(S.PresentationReceived, { request: REQUEST }),
      event('send-ack'),
      CLOCK,
    )
    const silent = transition(
      definition,
      record(S.PresentationReceived, { request: { ...REQUEST, willConfirm: false } }),
      event('send-ack'),
      CLOCK,
    )

    expect(confirming.effects.map((effect) => effect.kind)).toEqual(['send'])
    expect(silent.effects).toEqual([])
  })
})

describe('the WACI-DIDComm presentation thread', () => {
  function waci(file: string): PlaintextMessage {
    return JSON.parse(readFileSync(join(VECTORS, file), 'utf8'))
  }

  it('accepts the propose-presentation, which starts the verifier thread under the invitation', () => {
    const result = transition(
      definition,
      record(START),
      { type: 'receive-propose-presentation', message: waci('2.present-proof_propose.json') },
      CLOCK,
    )

    expect(result.record.state).toBe('proposal-received')
    expect(result.record.role).toBe('verifier')
  })

  it('accepts the request-presentation after a proposal, reading its definition, challenge and domain', () => {
    const result = transition(
      definition,
      record(S.ProposalSent),
      { type: 'receive-request-presentation', message: waci('3.present-proof_request.json') },
      CLOCK,
    )

    expect(result.record.state).toBe('request-received')
    expect(result.record.data.request?.challenge).toBe('3fa85f64-5717-4562-b3fc-2c963f66afa7')
    expect(result.record.data.request?.domain).toBe('4jt78h47fh47')
    expect(result.record.data.request?.definition.id).toBe('3bc5ac72-bdd7-42de-aeba-45816cc4f776')
    expect(result.record.data.request?.willConfirm).toBe(false)
  })

  it('refuses the presentation, whose attachment carries no format (it sits inside data) and a linked-data proof', async () => {
    const handler = createPresentProofHandler({
      veramo: {} as never,
      store: {} as never,
      holder: { trustedIssuers: [], autoAcceptOffersFrom: [], autoPresentTo: [] },
    })
    const ctx = {
      ourDid: 'did:example:verifier',
      peerDid: 'did:example:wallet',
      record: record(S.RequestSent, { request: REQUEST }) as ProtocolRecord<S, PresentProofData>,
      services: {},
      logger: silentLogger(),
      now: Date.parse(CLOCK.now),
    }

    const receiving = handler.receive?.(ctx, waci('4.present-proof_present.json'))

    await expect(receiving).rejects.toMatchObject({
      code: 'ERR_PRESENTATION_FORMAT_UNSUPPORTED',
      problemCode: 'e.p.msg.unsupported-format',
      message:
        'no dif/presentation-exchange/submission@v1.0 attachment; the message carries: (none)',
    })
  })

  it('accepts the ack, which ends the prover thread', () => {
    const result = transition(
      definition,
      record(S.PresentationSent),
      { type: 'receive-ack', message: waci('5.present-proof_ack.json') },
      CLOCK,
    )

    expect(result.record.state).toBe('done')
  })
})
