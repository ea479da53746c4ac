/**
 * `events` at scale: a report of more failing pulls than a call may take
 * arguments (about 120,000) is formatted, as a table and as JSON; the lint
 * rule in .projenrc.ts keeps input-sized spreads out of calls in src/.
 */
import { EventsResult, formatEventsJson, formatEventsTable } from '../../src/cli/events-report';
import { PullRecord } from '../../src/events/pull-records';

const PULLS = 200_000;

function failing(i: number): PullRecord {
  return {
    namespace: 'shop',
    pod: `web-${i}`,
    container: 'main',
    image: `quay.io/shop/web:${i}`,
    status: 'failing',
    reason: 'unauthorized',
    message: 'failed to authorize: 401 Unauthorized',
    count: 3,
    lastEvent: 'Failed',
    failures: 3,
    recovered: false,
    retrying: false,
    waitingReason: 'ImagePullBackOff',
    ambiguous: false,
  };
}

test(`${PULLS} failing pulls: the table and the JSON are written, every pull once`, () => {
  const result: EventsResult = {
    source: 'events.json',
    manifests: null,
    namespace: null,
    eventObjects: PULLS,
    pullEvents: PULLS,
    otherObjects: 0,
    entries: Array.from({ length: PULLS }, (_, i) => ({ record: failing(i), fix: null })),
  };
  const table = formatEventsTable(result);
  expect(table).toContain(`web-${PULLS - 1} `);
  expect(table.split('\n').filter((line) => line.startsWith('shop ')).length).toBe(PULLS);
  expect(JSON.parse(formatEventsJson(result)).pulls).toHaveLength(PULLS);
});
