import { fromFile } from 'geotiff';

/** Terrain from a digital elevation model: ground height (orthometric, metres) where it covers. */
export interface Dem {
  /** Bilinear between the four nearest samples; null outside the model or over no-data. */
  elevation(lat: number, lon: number): number | null;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number];
  width: number;
  height: number;
}

/** GeoTIFF keys: model type 2 is geographic; raster type 2 means samples at pixel corners. */
const MODEL_GEOGRAPHIC = 2;
const PIXEL_IS_POINT = 2;

/**
 * Loads a DEM GeoTIFF into memory (one band of heights in metres above mean sea level, on a
 * latitude/longitude grid such as GSI's 基盤地図情報 DEM converted to GeoTIFF, EPSG:6668 or 4326).
 * Projected grids are refused with the reason: soramichi does not reproject.
 */
export async function loadDem(path: string): Promise<Dem> {
  const tiff = await fromFile(path);
  const image = await tiff.getImage();
  const keys = image.getGeoKeys() ?? {};
  if (keys.GTModelTypeGeoKey !== undefined && keys.GTModelTypeGeoKey !== MODEL_GEOGRAPHIC) {
    throw new Error(
      `${path}: the DEM must be on a latitude/longitude grid (GeoTIFF model type 2); this one is projected (EPSG ${keys.ProjectedCSTypeGeoKey ?? 'unknown'})`,
    );
  }
  const width = image.getWidth();
  const height = image.getHeight();
  const [x0, y0] = image.getOrigin() as [number, number];
  const [dx, dy] = image.getResolution() as [number, number];
  const [band] = (await image.readRasters({ samples: [0] })) as unknown as ArrayLike<number>[];
  const data = band!;
  const nodata = image.getGDALNoData();
  // Sample (i, j) sits at the pixel's centre unless the file says its corner.
  const shift = keys.GTRasterTypeGeoKey === PIXEL_IS_POINT ? 0 : 0.5;
  const at = (i: number, j: number): number | null => {
    const v = data[j * width + i]!;
    return v === nodata || !Number.isFinite(v) ? null : v;
  };
  const lons = [x0, x0 + dx * width];
  const lats = [y0, y0 + dy * height];
  return {
    width,
    height,
    bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
    elevation(lat, lon) {
      const fx = (lon - x0) / dx - shift;
      const fy = (lat - y0) / dy - shift;
      if (fx < -0.5 || fy < -0.5 || fx > width - 0.5 || fy > height - 0.5) return null;
      const i0 = Math.max(0, Math.min(width - 1, Math.floor(fx)));
      const j0 = Math.max(0, Math.min(height - 1, Math.floor(fy)));
      const i1 = Math.min(width - 1, i0 + 1);
      const j1 = Math.min(height - 1, j0 + 1);
      const a = at(i0, j0);
      const b = at(i1, j0);
      const c = at(i0, j1);
      const d = at(i1, j1);
      if (a === null || b === null || c === null || d === null) {
        return at(Math.round(Math.max(0, Math.min(width - 1, fx))), Math.round(Math.max(0, Math.min(height - 1, fy))));
      }
      const tx = Math.max(0, Math.min(1, fx - i0));
      const ty = Math.max(0, Math.min(1, fy - j0));
      return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
    },
  };
}
