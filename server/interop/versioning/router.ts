import { Router } from 'express';
import { demandScope } from '../../auth/policy.ts';
import { NotFound } from '../../errors.ts';
import { principalOf } from '../../http/auth.ts';
import { parse } from '../../http/validate.ts';
import { InterussSystemParam, type InterussVersionResponse } from '../../protocol/index.ts';

/**
 * InterUSS's versioning interface (`/versioning/versions/{system_identity}`): the version of each
 * system boundary this server knows, for test reports.
 */
export function versioningRouter(systems: Readonly<Record<string, string>>): Router {
  const r = Router();
  r.get('/versions/:system_identity', (req, res) => {
    demandScope(principalOf(req), 'interuss:read-versions', 'reading system versions');
    const { system_identity } = parse(InterussSystemParam, req.params, 'path');
    const system_version = Object.hasOwn(systems, system_identity) ? systems[system_identity] : undefined;
    if (system_version === undefined) {
      throw new NotFound(`no system ${system_identity} here; known: ${Object.keys(systems).join(', ')}`);
    }
    const body: InterussVersionResponse = { system_identity, system_version };
    res.json(body);
  });
  return r;
}
