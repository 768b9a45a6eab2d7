import { BIRTH_REGISTERED } from '../../shared/events/birth-registered';
import { type Api, devToken, expectStatus, type Reply, waitFor } from '../client/http';
import { candidateCounties, type Family, newFamily, regionLabel, todayInChina } from './family';

/**
 * The cross-province story, as a list of steps each making real API calls: a family whose
 * hukou is in Sichuan (51) lives in Zhejiang (33); the birth registered in Zhejiang reaches
 * Sichuan through the exchange; the mother's benefit is paid in Zhejiang; the same benefit
 * asked for again in Sichuan is held as a cross-province conflict. `npm run demo` prints it;
 * tests/e2e/demo.test.ts runs the same steps and checks what each one found.
 */

export const SCHEME = 'only-child-reward';

export interface StoryOptions {
  /** Base URLs of the two provinces' APIs. */
  readonly zhejiang: Api;
  readonly sichuan: Api;
  /** Where each step tells what it did, line by line. */
  readonly say: (line: string) => void;
  /** County prefixes the run must not use (other scenarios' regions). */
  readonly avoidCounties?: readonly string[];
  /** Longest wait for something that travels through queues, in ms. */
  readonly waitMs?: number;
}

/** What the story found, filled in step by step. */
export interface StoryState {
  startedAt: string;
  period: string;
  residence: string;
  hukou: string;
  family: Family;
  tokens: Record<string, string>;
  mother51?: string;
  mother33?: string;
  residence51?: string;
  registration?: { id: string; number: string };
  elsewhere51?: Reply['body'];
  outbound33?: Reply['body'];
  inbound51?: Reply['body'];
  certificate?: { id: string; code: string; familyType: string };
  enrollment33?: Reply['body'];
  batch33?: Reply['body'];
  paymentFile33?: { messageId: string; numberOfTransactions: number; controlSumFen: number };
  payments33?: Reply['body'][];
  enrollment51?: Reply['body'];
  batch51?: Reply['body'];
  payments51?: Reply['body'][];
  verified?: Reply['body'];
}

export interface Step {
  readonly id: string;
  readonly title: string;
  run(context: StoryContext): Promise<void>;
}

export interface StoryContext extends StoryOptions {
  readonly state: StoryState;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const ok = (what: string, reply: Reply, ...statuses: number[]) =>
  expectStatus(what, reply, ...(statuses.length ? statuses : [200]));

/** Chooses the first county (of `candidates`) that has no batch of the scheme in `period` yet. */
async function freeCounty(api: Api, token: string, candidates: string[], period: string): Promise<string> {
  for (const county of candidates) {
    const reply = ok(
      'GET /v1/reports/payouts',
      await api('GET', `/v1/reports/payouts?scheme=${SCHEME}&region=${county}&from=${period}&to=${period}`, {
        token,
      }),
    );
    if ((reply.body.items as unknown[]).length === 0) return county;
  }
  throw new Error(`Every candidate county already has a ${SCHEME} batch for ${period}.`);
}

/** Walks a paginated list until `match` finds an item. */
async function findInList(
  api: Api,
  token: string,
  path: string,
  match: (item: Reply['body']) => boolean,
): Promise<Reply['body'] | undefined> {
  let cursor: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const reply = ok(
      `GET ${path}`,
      await api('GET', `${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`, {
        token,
      }),
    );
    const found = (reply.body.items as Reply['body'][]).find(match);
    if (found) return found;
    cursor = reply.body.nextCursor;
  } while (cursor);
  return undefined;
}

async function allItems(api: Api, token: string, path: string): Promise<Reply['body'][]> {
  const items: Reply['body'][] = [];
  let cursor: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const reply = ok(
      `GET ${path}`,
      await api('GET', `${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`, {
        token,
      }),
    );
    items.push(...reply.body.items);
    cursor = reply.body.nextCursor;
  } while (cursor);
  return items;
}

/** Registers a submitted birth registration: validate, then register (each with its version). */
/** The family's birth as both provinces' registrars record it: born where the family lives. */
function birthDetails(state: StoryState) {
  const { child, mother } = state.family;
  return {
    child: {
      name: child.name,
      sex: 'female',
      birthDate: child.birthDate,
      birthRegion: state.residence,
      residentId: child.residentId,
    },
    mother: { ...mother, hukouRegion: state.hukou },
    residenceRegion: state.residence,
    birthOrder: 1,
  };
}

async function validateAndRegister(api: Api, token: string, id: string): Promise<Reply> {
  ok(
    'validate',
    await api('POST', `/v1/birth-registrations/${id}/actions/validate`, {
      token,
      body: {},
      headers: { 'if-match': '"1"' },
    }),
  );
  return ok(
    'register',
    await api('POST', `/v1/birth-registrations/${id}/actions/register`, {
      token,
      body: {},
      headers: { 'if-match': '"2"' },
    }),
  );
}

/** The household the person is in, waiting until the registration's stream work made it only-child. */
async function onlyChildHousehold(api: Api, token: string, personId: string, waitMs: number) {
  return waitFor(
    'the household to be an only-child family',
    async () => {
      const reply = ok(
        'GET /v1/households',
        await api('GET', `/v1/households?personId=${personId}`, { token }),
      );
      const household = reply.body.items[0];
      return household?.familyType === 'only-child' ? household : undefined;
    },
    waitMs,
  );
}

/**
 * Applies for an enrolment, again until payout has learnt the family's facts from the
 * registry's events (until then it answers why it cannot enrol yet).
 */
async function enrolWhenKnown(
  api: Api,
  province: string,
  token: string,
  body: unknown,
  waitMs: number,
  path = '/v1/enrollments',
) {
  let last: Reply | undefined;
  return waitFor(
    `payout in ${province} to know the family`,
    async () => {
      last = await api('POST', path, { token, body });
      return last.status === 201 ? last : undefined;
    },
    waitMs,
    () => last?.text,
  );
}

/** Waits until the other province has answered an enrolment's claim; answers the enrolment. */
async function crossProvinceAnswer(
  api: Api,
  enrollmentId: string,
  token: string | undefined,
  label: string,
  waitMs: number,
) {
  return waitFor(
    label,
    async () => {
      const reply = await api('GET', `/v1/enrollments/${enrollmentId}`, { token });
      const status = reply.body?.crossProvince?.status;
      return status && status !== 'awaiting' ? reply.body : undefined;
    },
    waitMs,
  );
}

export const steps: readonly Step[] = [
  {
    id: 'cast',
    title: 'The family and the staff',
    async run({ zhejiang, sichuan, say, state, avoidCounties = [] }) {
      const issue = (api: Api, sub: string, roles: string[], region?: string) =>
        devToken(api, { sub, roles, ...(region ? { region } : {}) });
      const run = state.startedAt.replace(/\D/g, '').slice(0, 14);
      state.tokens = {
        registrar33: await issue(zhejiang, `demo-registrar-33-${run}`, ['registrar'], '330000'),
        officer33: await issue(zhejiang, `demo-officer-33-${run}`, ['payout-officer'], '330000'),
        approver33: await issue(zhejiang, `demo-approver-33-${run}`, ['payout-approver'], '330000'),
        operator33: await issue(zhejiang, `demo-operator-33-${run}`, ['exchange-operator'], '330000'),
        registrar51: await issue(sichuan, `demo-registrar-51-${run}`, ['registrar'], '510000'),
        officer51: await issue(sichuan, `demo-officer-51-${run}`, ['payout-officer'], '510000'),
        approver51: await issue(sichuan, `demo-approver-51-${run}`, ['payout-approver'], '510000'),
        operator51: await issue(sichuan, `demo-operator-51-${run}`, ['exchange-operator'], '510000'),
      };
      state.residence = await freeCounty(
        zhejiang,
        state.tokens.officer33 ?? '',
        candidateCounties('33', avoidCounties),
        state.period,
      );
      state.hukou = await freeCounty(
        sichuan,
        state.tokens.officer51 ?? '',
        candidateCounties('51', avoidCounties),
        state.period,
      );
      state.family = newFamily(state.hukou, todayInChina(new Date(state.startedAt)));
      // The mother signs in at the real-name platform: her token carries her verified resident ID.
      state.tokens.citizen33 = await devToken(zhejiang, {
        sub: `demo-citizen-${run}`,
        roles: ['citizen'],
        residentId: state.family.mother.residentId,
      });
      say(`${state.family.mother.name}'s hukou (户籍) is in ${regionLabel(state.hukou)}, Sichuan;`);
      say(`she lives and works in ${regionLabel(state.residence)}, Zhejiang.`);
      say(`Her daughter ${state.family.child.name} was born there on ${state.family.child.birthDate}.`);
      say(
        'Tokens come from each province’s local identity platforms (POST /dev/token): staff from the staff issuer, the mother from the real-name issuer with her resident ID.',
      );
    },
  },
  {
    id: 'records',
    title: 'Sichuan knows her; Zhejiang records her as living there',
    async run({ zhejiang, sichuan, say, state, waitMs = 60_000 }) {
      const { mother } = state.family;
      const record = (api: Api, token: string | undefined, residenceRegion: string) =>
        api('POST', '/v1/persons', {
          token,
          body: { ...mother, sex: 'female', hukouRegion: state.hukou, hukouType: 'urban', residenceRegion },
        });
      const in51 = ok(
        'POST /v1/persons (51)',
        await record(sichuan, state.tokens.registrar51, state.hukou),
        201,
      );
      state.mother51 = in51.body.personId;
      say(`51 POST /v1/persons → 201, person ${state.mother51} (her hukou place's record)`);
      const in33 = ok(
        'POST /v1/persons (33)',
        await record(zhejiang, state.tokens.registrar33, state.residence),
        201,
      );
      state.mother33 = in33.body.personId;
      say(`33 POST /v1/persons → 201, person ${state.mother33}, living in ${state.residence}`);
      say('   33 notifies 51 (person.residence-registered, naming her only by personRef) …');
      state.residence51 = await waitFor(
        '51 to record the residence in Zhejiang',
        async () => {
          const reply = await sichuan('GET', `/v1/persons/${state.mother51}`, {
            token: state.tokens.registrar51,
          });
          return reply.body?.residenceRegion === state.residence ? reply.body.residenceRegion : undefined;
        },
        waitMs,
      );
      say(`51 GET /v1/persons/${state.mother51} → residenceRegion ${state.residence51} (origin 33)`);
    },
  },
  {
    id: 'birth',
    title: 'The birth is registered in Zhejiang',
    async run({ zhejiang, say, state }) {
      const { child } = state.family;
      const submitted = ok(
        'POST /v1/me/birth-registrations',
        await zhejiang('POST', '/v1/me/birth-registrations', {
          token: state.tokens.citizen33,
          headers: { 'idempotency-key': `demo-birth-${child.residentId.slice(-8)}` },
          body: birthDetails(state),
        }),
        201,
      );
      const id = submitted.body.registrationId as string;
      say(`the mother submits in the app: POST /v1/me/birth-registrations → 201, ${submitted.body.status}`);
      const registered = await validateAndRegister(zhejiang, state.tokens.registrar33 ?? '', id);
      state.registration = { id, number: registered.body.registrationNumber };
      say(
        `a registrar validates and registers it → ${registered.body.status}, number ${state.registration.number}`,
      );
    },
  },
  {
    id: 'notified',
    title: 'Sichuan is notified through the exchange',
    async run({ zhejiang, sichuan, say, state, waitMs = 60_000 }) {
      const number = state.registration?.number;
      state.elsewhere51 = await waitFor(
        '51 to keep the birth as registered elsewhere',
        () =>
          findInList(
            sichuan,
            state.tokens.registrar51 ?? '',
            `/v1/birth-registrations?status=registered-elsewhere&region=${state.hukou}`,
            (item) => item.origin?.registrationNumber === number,
          ),
        waitMs,
      );
      say(
        `51 GET /v1/birth-registrations?status=registered-elsewhere → ${state.elsewhere51.status}, ` +
          `origin ${state.elsewhere51.origin.province} ${number}, mother found here by reference: ` +
          `${state.elsewhere51.motherPersonId === state.mother51 ? 'yes' : 'no'}`,
      );
      const since = encodeURIComponent(state.startedAt);
      state.outbound33 = await waitFor(
        '33 to deliver birth.registered to 51',
        async () => {
          const found = await findInList(
            zhejiang,
            state.tokens.operator33 ?? '',
            `/v1/exchange/messages?partner=51&direction=outbound&from=${since}`,
            (m) => m.type === BIRTH_REGISTERED && m.subject === number,
          );
          if (found?.status !== 'delivered' || !found.ack) return undefined;
          // The message's detail: with the delivery that carried it and its signed receipt.
          const detail = await zhejiang('GET', `/v1/exchange/messages/${found.messageId}`, {
            token: state.tokens.operator33,
          });
          return detail.body?.messages?.find((m: { direction: string }) => m.direction === 'outbound');
        },
        waitMs,
      );
      // The receipt is the batch's (version 2), or the message's own (version 1).
      const receipt = state.outbound33.delivery
        ? `batch ${state.outbound33.delivery.batchId} receipted`
        : `receipt ${state.outbound33.receipt?.status}`;
      say(
        `33 exchange log: outbound ${state.outbound33.messageId} to 51, ${state.outbound33.status}, ` +
          `${receipt}, answer ${state.outbound33.ack.outcome}`,
      );
      const messageId = state.outbound33.messageId;
      state.inbound51 = await waitFor(
        '51 to log the message as received and forwarded',
        async () => {
          const reply = await sichuan('GET', `/v1/exchange/messages/${messageId}`, {
            token: state.tokens.operator51,
          });
          return reply.body?.messages?.find((m: { direction: string }) => m.direction === 'inbound');
        },
        waitMs,
      );
      const arrival = state.inbound51.batchId
        ? `in batch ${state.inbound51.batchId}`
        : `forwarded to ${state.inbound51.forwardedTo?.join(', ')}`;
      say(
        `51 exchange log: inbound ${messageId} from 33, ${state.inbound51.status}, signature ` +
          `${state.inbound51.verification?.ok ? 'verified' : 'NOT verified'}, ${arrival}`,
      );
    },
  },
  {
    id: 'certificate',
    title: 'The family’s only-child certificate is issued in Zhejiang',
    async run({ zhejiang, say, state, waitMs = 60_000 }) {
      const household = await onlyChildHousehold(
        zhejiang,
        state.tokens.registrar33 ?? '',
        state.mother33 ?? '',
        waitMs,
      );
      const issued = ok(
        'POST /v1/certificates',
        await zhejiang('POST', '/v1/certificates', {
          token: state.tokens.registrar33,
          body: { householdId: household.householdId, kind: 'only-child-parents' },
        }),
        201,
      );
      state.certificate = {
        id: issued.body.certificateId,
        code: issued.body.verificationCode,
        familyType: household.familyType,
      };
      say(`household ${household.householdId}: family type ${household.familyType}`);
      say(`POST /v1/certificates → 201, 独生子女父母光荣证, verification code ${state.certificate.code}`);
    },
  },
  {
    id: 'enrol-zhejiang',
    title: 'The mother enrols for the only-child parents’ reward in Zhejiang',
    async run({ zhejiang, say, state, waitMs = 60_000 }) {
      const { mother, bankAccount } = state.family;
      // Payout learns the facts from the registry's events: until they arrived, it says so.
      const applied = await enrolWhenKnown(
        zhejiang,
        '33',
        state.tokens.citizen33 ?? '',
        { scheme: SCHEME, residentId: mother.residentId, bankAccount },
        waitMs,
        // Citizens apply in the app; officers at the counter.
        '/v1/me/enrollments',
      );
      const id = applied.body.enrollmentId as string;
      say(
        `POST /v1/me/enrollments (the mother, in the app) → 201, ${applied.body.status}, account ${applied.body.bankAccount.accountMasked}`,
      );
      const approved = ok(
        'approve enrolment',
        await zhejiang('POST', `/v1/enrollments/${id}/actions/approve`, {
          token: state.tokens.approver33,
          body: {},
        }),
      );
      say(`an approver approves → ${approved.body.status} from ${approved.body.fromPeriod}`);
      say('   hukou is in 51: 33 sends benefit.enrollment-claimed to 51 and waits for the answer …');
      state.enrollment33 = await crossProvinceAnswer(
        zhejiang,
        id,
        state.tokens.officer33,
        '51 to answer the claim',
        waitMs,
      );
      say(
        `51 answers: ${state.enrollment33.crossProvince.status} (its register holds no other claim for her)`,
      );
    },
  },
  {
    id: 'batch-zhejiang',
    title: 'Zhejiang’s batch: planned, approved by a second officer, paid, reconciled',
    async run({ zhejiang, say, state, waitMs = 60_000 }) {
      const planned = ok(
        'POST /v1/payout-batches',
        await zhejiang('POST', '/v1/payout-batches', {
          token: state.tokens.officer33,
          body: { scheme: SCHEME, period: state.period, region: state.residence },
          headers: { 'idempotency-key': `demo-plan-${state.registration?.number}` },
        }),
        201,
        200,
      );
      const batchId = planned.body.batchId as string;
      say(
        `officer plans ${SCHEME} ${state.period} for ${state.residence} → ${planned.body.state}, ` +
          `${planned.body.control.count} payment(s), ${yuan(planned.body.control.sumFen)}`,
      );
      const act = async (token: string | undefined, action: string) =>
        ok(
          action,
          await zhejiang('POST', `/v1/payout-batches/${batchId}/actions/${action}`, { token, body: {} }),
        );
      say(`officer submits → ${(await act(state.tokens.officer33, 'submit')).body.state}`);
      say(
        `a second officer (payout-approver) approves → ${(await act(state.tokens.approver33, 'approve')).body.state}`,
      );
      state.batch33 = await waitFor(
        'the batch to be paid and reconciled',
        async () => {
          const reply = await zhejiang('GET', `/v1/payout-batches/${batchId}`, {
            token: state.tokens.officer33,
          });
          return reply.body?.state === 'reconciled' ? reply.body : undefined;
        },
        waitMs,
      );
      const file = ok(
        'GET payment-file',
        await zhejiang('GET', `/v1/payout-batches/${batchId}/payment-file`, {
          token: state.tokens.officer33,
        }),
      );
      state.paymentFile33 = {
        messageId: file.body.messageId,
        numberOfTransactions: file.body.numberOfTransactions,
        controlSumFen: file.body.controlSumFen,
      };
      state.payments33 = await allItems(
        zhejiang,
        state.tokens.officer33 ?? '',
        `/v1/payout-batches/${batchId}/payments`,
      );
      const ledger = state.batch33.ledger;
      say(
        `pain.001 ${file.body.messageId}: ${file.body.numberOfTransactions} transfer(s), ${yuan(file.body.controlSumFen)} → bank simulator → pain.002`,
      );
      say(
        `batch ${batchId}: ${state.batch33.state}; paid ${ledger.paid.count} (${yuan(ledger.paid.sumFen)}), ` +
          `failed ${ledger.failed.count}, held ${ledger.held.count}, pending ${ledger.pending.count}`,
      );
    },
  },
  {
    id: 'duplicate-sichuan',
    title: 'The same benefit is asked for again in Sichuan',
    async run({ sichuan, say, state, waitMs = 60_000 }) {
      const { bankAccount } = state.family;
      const token = state.tokens.registrar51 ?? '';
      say('at the hukou place the family’s papers are recorded too: the birth and the certificate');
      const submitted = ok(
        'POST /v1/birth-registrations (51)',
        await sichuan('POST', '/v1/birth-registrations', {
          token,
          body: birthDetails(state),
        }),
        201,
      );
      await validateAndRegister(sichuan, token, submitted.body.registrationId);
      const household = await onlyChildHousehold(sichuan, token, state.mother51 ?? '', waitMs);
      ok(
        'POST /v1/certificates (51)',
        await sichuan('POST', '/v1/certificates', {
          token,
          body: { householdId: household.householdId, kind: 'only-child-parents' },
        }),
        201,
      );
      const applied = await enrolWhenKnown(
        sichuan,
        '51',
        state.tokens.officer51 ?? '',
        { scheme: SCHEME, personId: state.mother51, bankAccount },
        waitMs,
      );
      const id = applied.body.enrollmentId as string;
      say(`51 POST /v1/enrollments (officer, counter) → 201, ${applied.body.status}`);
      const approved = ok(
        'approve enrolment (51)',
        // Four eyes: the officer who enrolled her at the counter may not approve it.
        await sichuan('POST', `/v1/enrollments/${id}/actions/approve`, {
          token: state.tokens.approver51,
          body: {},
        }),
      );
      // 51 is her hukou province: its own register of claims decides at once, with no message.
      state.enrollment51 = approved.body;
      say(
        `51 approver (a second person) approves → ${approved.body.status}; 51 is her hukou province and its register holds 33’s claim: ${approved.body.crossProvince?.status} (she is already paid this benefit in Zhejiang)`,
      );
    },
  },
  {
    id: 'batch-sichuan',
    title: 'Sichuan’s batch holds her payment',
    async run({ sichuan, say, state }) {
      const planned = ok(
        'POST /v1/payout-batches (51)',
        await sichuan('POST', '/v1/payout-batches', {
          token: state.tokens.officer51,
          body: { scheme: SCHEME, period: state.period, region: state.hukou },
          headers: { 'idempotency-key': `demo-plan-51-${state.registration?.number}` },
        }),
        201,
        200,
      );
      state.batch51 = planned.body;
      state.payments51 = await allItems(
        sichuan,
        state.tokens.officer51 ?? '',
        `/v1/payout-batches/${planned.body.batchId}/payments`,
      );
      const mine = state.payments51.find((p) => p.enrollmentId === state.enrollment51?.enrollmentId);
      say(
        `51 plans ${SCHEME} ${state.period} for ${state.hukou} → ${planned.body.state}, ` +
          `${planned.body.control.count} to pay, ${planned.body.ledger.held.count} held`,
      );
      say(`her line: ${mine?.state} (${mine?.holdReason}), nothing sent to a bank`);
    },
  },
  {
    id: 'verify',
    title: 'Anyone can check the certificate (public, no login)',
    async run({ zhejiang, say, state }) {
      const reply = ok(
        'GET /v1/public/certificates/verify',
        await zhejiang('GET', `/v1/public/certificates/verify?code=${state.certificate?.code}`),
      );
      state.verified = reply.body;
      say(
        `GET /v1/public/certificates/verify?code=${state.certificate?.code} → valid: ${reply.body.valid}, ` +
          `${reply.body.kind}, issued ${reply.body.issuedAt} by ${reply.body.issuingRegionName}, holder ${reply.body.holderNameMasked}`,
      );
    },
  },
];

/** A fresh state for one run, started now. */
export function newStoryState(now: Date = new Date()): StoryState {
  return {
    startedAt: now.toISOString(),
    period: todayInChina(now).slice(0, 4),
    residence: '',
    hukou: '',
    family: newFamily('510104', todayInChina(now)),
    tokens: {},
  };
}

/** The closing summary: what happened, in a few lines. */
export function summaryOf(state: StoryState): string[] {
  const paid = state.batch33?.ledger?.paid;
  const held = state.payments51?.find((p) => p.enrollmentId === state.enrollment51?.enrollmentId);
  return [
    `birth ${state.registration?.number} registered in 33, kept in 51 as ${state.elsewhere51?.status}`,
    `exchange: ${state.outbound33?.messageId} delivered 33 → 51 (signed, receipted, answered ${state.outbound33?.ack?.outcome})`,
    `Zhejiang batch ${state.batch33?.batchId}: ${state.batch33?.state}, paid ${paid?.count} (${paid ? yuan(paid.sumFen) : '-'})`,
    `Sichuan batch ${state.batch51?.batchId}: her line ${held?.state} (${held?.holdReason}), paid ${state.batch51?.ledger?.paid?.count}`,
    `certificate ${state.certificate?.code}: valid ${state.verified?.valid}`,
  ];
}
