import type { Datum } from '../airspace/altitude.ts';
import type { AirspaceParams } from '../airspace/types.ts';
import { makeDatum } from '../geofences/datum.ts';
import { loadDem } from '../geofences/dem.ts';

/** What a worker thread needs to build the Earth model and the airspace geometry itself. */
export interface WorkerSetup {
  params: AirspaceParams;
  groundElevationM: number;
  terrainDem: string | null;
}

/** What a job computes with: the same datum and parameters the main thread has. */
export interface JobContext {
  datum: Datum;
  params: AirspaceParams;
}

export async function jobContext(setup: WorkerSetup): Promise<JobContext> {
  const dem = setup.terrainDem ? await loadDem(setup.terrainDem) : null;
  return { datum: makeDatum(setup.groundElevationM, [], dem), params: setup.params };
}
