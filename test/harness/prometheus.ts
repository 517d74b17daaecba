/** A real scrape of a `/metrics` endpoint (the master's, an agent's, a syncer's) and its samples. */

export interface Scrape { status: number; type: string | null; text: string }

/** GET `url`/metrics, with a bearer token when given. */
export async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** The value of one sample line `name{labels} value`, labels in prom-client's order; undefined when absent. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
