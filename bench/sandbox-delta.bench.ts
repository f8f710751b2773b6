// `npm run bench:sandbox`: can the sandbox serve a full delta enumeration of a 100,000-item drive
// fast enough never to be a benchmark's bottleneck (target: 20,000 items/s over HTTPS)?
// Builds the drive through the control client, enumerates it to the deltaLink three times with
// plain fetch and a bearer token, and prints the median items/s next to a floor: JSON.stringify of
// the same pages in-process (the cost any server would pay to produce those bytes).
// The sandbox runs in its own process (bench/helpers/sandbox-process.ts), as it does beside the
// app, so the client's JSON parsing and the sandbox's serving do not share one thread.
import { median, startSandboxProcess } from './helpers/sandbox-process.js';

const ITEM_COUNT = 100_000;
const RUNS = 3;
const TARGET_ITEMS_PER_SECOND = 20_000;
const MAX_PAGES = 10_000;

interface DeltaPage {
  value: unknown[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

const sandbox = await startSandboxProcess();
try {
  const { control } = sandbox;
  // The bench measures serving speed, not throttling.
  await control.settings({ appResourceUnitsPerMinute: 1_000_000, userRequestLimit: 1_000_000 });
  const { defaultUserId } = await control.tenant();
  const { driveId, rootId } = await control.createDrive({ driveType: 'business', ownerUserId: defaultUserId });
  const generateStart = performance.now();
  await control.generateItems(driveId, rootId, { count: ITEM_COUNT, foldersEvery: 100 });
  const generateMs = performance.now() - generateStart;

  const { refreshToken } = await control.issueRefreshToken({
    userId: defaultUserId,
    scopes: ['Files.Read.All'],
  });
  const tokenResponse = await fetch(`${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    }),
  });
  const accessToken = ((await tokenResponse.json()) as { access_token: string }).access_token;

  const rates: number[] = [];
  const serverRates: number[] = [];
  let lastPages: DeltaPage[] = [];
  for (let run = 0; run < RUNS; run++) {
    const pages: DeltaPage[] = [];
    let items = 0;
    let serverMs = 0;
    let url: string | undefined = `${sandbox.graphBaseUrl}/drives/${driveId}/root/delta`;
    const start = performance.now();
    for (let i = 0; url && i < MAX_PAGES; i++) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
      if (response.status !== 200) throw new Error(`delta page answered ${response.status}`);
      serverMs += Number(/dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? 0);
      const page = (await response.json()) as DeltaPage;
      pages.push(page);
      items += page.value.length;
      url = page['@odata.nextLink'];
    }
    const seconds = (performance.now() - start) / 1000;
    if (url) throw new Error('enumeration did not reach a deltaLink within the page bound');
    rates.push(items / seconds);
    serverRates.push(items / (serverMs / 1000));
    lastPages = pages;
    console.log(
      `run ${run + 1}: ${items} items in ${pages.length} pages, ${seconds.toFixed(2)} s, ${Math.round(items / seconds)} items/s end to end, sandbox busy ${(serverMs / 1000).toFixed(2)} s`,
    );
  }

  const floorStart = performance.now();
  let floorItems = 0;
  for (const page of lastPages) {
    JSON.stringify(page);
    floorItems += page.value.length;
  }
  const floorRate = floorItems / ((performance.now() - floorStart) / 1000);

  const medianRate = median(rates);
  console.log(`generate ${ITEM_COUNT} items: ${(generateMs / 1000).toFixed(2)} s`);
  console.log(
    `median full delta enumeration over HTTPS: ${Math.round(medianRate)} items/s (target ≥ ${TARGET_ITEMS_PER_SECOND})`,
  );
  console.log(
    `median sandbox serving rate (items / sandbox handler time, from Server-Timing): ${Math.round(median(serverRates))} items/s`,
  );
  console.log(`floor, JSON.stringify of the same pages in-process: ${Math.round(floorRate)} items/s`);
  console.log(`ratio HTTPS / floor: ${(medianRate / floorRate).toFixed(2)}`);
  console.log(medianRate >= TARGET_ITEMS_PER_SECOND ? 'target met' : 'TARGET MISSED');
} finally {
  sandbox.stop();
}
