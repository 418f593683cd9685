/** Where the benchmark's drones fly: Kaga and its surroundings, about 22 × 20 km. */
export const AREA: [number, number, number, number] = [136.25, 36.22, 136.5, 36.4];
