import { Router } from 'express';
import { principalOf } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import { parse } from '../../http/validate.ts';
import {
  RidInjectionCreateTest,
  RidInjectionTestParams,
  RidInjectionTestVersionParams,
  RidUserNotificationsQuery,
} from '../../protocol/rid-injection.ts';
import type { Clock } from '../../clock.ts';
import { RID_SCOPES } from './constants.ts';
import type { InjectedTests } from './injected-tests.ts';
import { demandScope } from './scopes.ts';

/**
 * InterUSS's `rid/v1` injection interface, mounted under `/ridsp/injection` (the base URL a test
 * director is given): create and delete tests of simulated flights, read what their operators were
 * told. Every call needs scope `rid.inject_test_data`.
 */
export function ridInjectionRouter(deps: { injected: InjectedTests; clock: Clock }): Router {
  const r = Router();
  const demand = (req: Parameters<typeof principalOf>[0], what: string) =>
    demandScope(principalOf(req), RID_SCOPES.injectTestData, what);

  r.put('/tests/:test_id', (req, res) => {
    demand(req, 'injecting Remote ID test flights');
    const { test_id } = parse(RidInjectionTestParams, req.params, 'path');
    const request = parse(RidInjectionCreateTest, req.body, 'body');
    res.json(deps.injected.create(test_id, request));
  });

  r.delete('/tests/:test_id/:version', (req, res) => {
    demand(req, 'deleting Remote ID test flights');
    const { test_id, version } = parse(RidInjectionTestVersionParams, req.params, 'path');
    res.json(deps.injected.remove(test_id, version));
  });

  r.get('/user_notifications', (req, res) => {
    demand(req, 'reading the test operators’ notifications');
    const q = parse(RidUserNotificationsQuery, req.query, 'query');
    const before = q.before ? Date.parse(q.before) : deps.clock.now();
    res.json(deps.injected.notifications(Date.parse(q.after), before));
  });

  r.use(notFound);
  return r;
}
