import type { FlightPurpose } from '../../../server/protocol/index.ts';

/**
 * The purposes the national filing knows, in DIPS 2.0's order. A record over the wire type, so
 * that a purpose added to or dropped from the schema fails to compile here (the page does not
 * bundle the schemas themselves).
 */
const ORDER: Record<FlightPurpose, number> = {
  aerial_photography: 0,
  news_coverage: 1,
  security: 2,
  agriculture_forestry_fisheries: 3,
  surveying: 4,
  environmental_survey: 5,
  facility_maintenance: 6,
  infrastructure_inspection: 7,
  materials_management: 8,
  transport_delivery: 9,
  nature_observation: 10,
  accident_disaster_response: 11,
  hobby: 12,
  research_development: 13,
  other: 14,
};

export const PURPOSES = (Object.keys(ORDER) as FlightPurpose[]).sort((a, b) => ORDER[a] - ORDER[b]);
