import type { z } from 'zod';
import { UTM_SCOPES } from '../../auth/interuss-tokens.ts';
import {
  DssAirspaceConflictResponse,
  DssChangeOperationalIntentReferenceResponse,
  DssQueryOperationalIntentReferencesResponse,
  F3548GetOperationalIntentDetailsResponse,
  F3548OperationalIntentReference,
  type DssPutOperationalIntentReference,
  type F3548OperationalIntent,
  type F3548PutOperationalIntentDetailsParameters,
  type F3548Volume4D,
} from '../../protocol/index.ts';
import type { AccessTokens } from './access-tokens.ts';

/** A DSS or a peer that does not answer in this long is taken as down for this try. */
const CALL_TIMEOUT_MS = 10_000;

/** The DSS refused a write because its key lacked the OVNs of these intents. */
export class MissingOvns extends Error {
  constructor(readonly missing: z.infer<typeof F3548OperationalIntentReference>[]) {
    super(`the DSS wants the OVNs of ${missing.map((m) => m.id).join(', ')}`);
  }
}

/** The DSS refused a write with 409 for another reason: the OVN given is not the reference's current one. */
export class StaleOvn extends Error {}

/** A call that did not come back as the standard says: refused, unreachable, or answered with a body it does not allow. */
export class UtmCallFailed extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

const GetReference = DssChangeOperationalIntentReferenceResponse.pick({ operational_intent_reference: true });

/**
 * The calls this USS makes as an F3548 client: to the DSS (operational intent references: query,
 * read, create, update, delete) and to peers (an intent's details; notifications of ours). Each
 * carries an access token for the host it calls, with the scope the standard names.
 */
export class UtmClient {
  constructor(
    private readonly dssUrl: string,
    private readonly tokens: AccessTokens,
  ) {}

  async queryIntents(area: F3548Volume4D): Promise<Array<z.infer<typeof F3548OperationalIntentReference>>> {
    const url = `${this.dssUrl}/dss/v1/operational_intent_references/query`;
    const res = await this.call('POST', url, { area_of_interest: area });
    return this.expect(res, 200, DssQueryOperationalIntentReferencesResponse, url).operational_intent_references;
  }

  async getReference(id: string): Promise<z.infer<typeof F3548OperationalIntentReference>> {
    const url = `${this.dssUrl}/dss/v1/operational_intent_references/${id}`;
    const res = await this.call('GET', url);
    return this.expect(res, 200, GetReference, url).operational_intent_reference;
  }

  /** Creates the reference (no OVN yet) or updates it from the OVN it has now. */
  async putIntent(
    id: string,
    ovn: string | null,
    body: DssPutOperationalIntentReference,
  ): Promise<z.infer<typeof DssChangeOperationalIntentReferenceResponse>> {
    const url = `${this.dssUrl}/dss/v1/operational_intent_references/${id}${ovn ? `/${encodeURIComponent(ovn)}` : ''}`;
    const res = await this.call('PUT', url, body);
    if (res.status === 409) {
      const conflict = DssAirspaceConflictResponse.safeParse(res.body);
      const missing = conflict.success ? conflict.data.missing_operational_intents : [];
      if (missing.length > 0) throw new MissingOvns(missing);
      throw new StaleOvn(`the DSS refused ${ovn ? `OVN ${ovn}` : 'to create it'}: ${message(res.body)}`);
    }
    return this.expect(res, ovn ? 200 : 201, DssChangeOperationalIntentReferenceResponse, url);
  }

  async deleteIntent(id: string, ovn: string): Promise<z.infer<typeof DssChangeOperationalIntentReferenceResponse>> {
    const url = `${this.dssUrl}/dss/v1/operational_intent_references/${id}/${encodeURIComponent(ovn)}`;
    const res = await this.call('DELETE', url);
    if (res.status === 409) throw new StaleOvn(`the DSS refused OVN ${ovn}: ${message(res.body)}`);
    return this.expect(res, 200, DssChangeOperationalIntentReferenceResponse, url);
  }

  /** A peer's intent, from the USS that manages it: the reference (with its OVN) and the details. */
  async intentDetails(ussBaseUrl: string, id: string): Promise<F3548OperationalIntent> {
    const url = `${ussBaseUrl}/uss/v1/operational_intents/${id}`;
    const res = await this.call('GET', url);
    const intent = this.expect(res, 200, F3548GetOperationalIntentDetailsResponse, url).operational_intent;
    if (intent.reference.id !== id) throw new UtmCallFailed(`${url} answered with intent ${intent.reference.id}`, 200);
    return intent;
  }

  /** Tells a subscriber of a change of one of our intents (without `operational_intent`: it is gone). */
  async notify(ussBaseUrl: string, body: F3548PutOperationalIntentDetailsParameters): Promise<void> {
    const url = `${ussBaseUrl}/uss/v1/operational_intents`;
    const res = await this.call('POST', url, body);
    if (res.status !== 204 && res.status !== 200) {
      throw new UtmCallFailed(`${url} answered ${res.status}: ${message(res.body)}`, res.status);
    }
  }

  private async call(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const token = await this.tokens
      .token(new URL(url).hostname, UTM_SCOPES.strategicCoordination)
      .catch((err: Error) => {
        throw new UtmCallFailed(`no access token for ${new URL(url).hostname}: ${err.message}`, null);
      });
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (err) {
      const e = err as Error & { cause?: Error };
      throw new UtmCallFailed(`${method} ${url}: ${e.cause?.message ?? e.message}`, null);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  }

  private expect<S extends z.ZodType>(
    res: { status: number; body: unknown },
    status: number,
    schema: S,
    url: string,
  ): z.output<S> {
    if (res.status !== status) {
      throw new UtmCallFailed(`${url} answered ${res.status}: ${message(res.body)}`, res.status);
    }
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UtmCallFailed(
        `${url} answered a body the standard does not allow: ${issue.path.join('.')}: ${issue.message}`,
        res.status,
      );
    }
    return parsed.data;
  }
}

function message(body: unknown): string {
  const m = (body as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m.slice(0, 300) : (JSON.stringify(body)?.slice(0, 300) ?? '');
}
